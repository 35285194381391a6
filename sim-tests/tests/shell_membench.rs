//! The shell with MemBench slots, end to end through the Verilated `optimus_shell`: identity
//! registers, jobs checked against the CPU, slice translation, the fault path, counters.

use optimus_bitstreams::Manifest;
use optimus_regs::accel::{AccelReg, State};
use optimus_regs::membench::{self, MemBenchReg, mode};
use optimus_regs::monitor::{GlobalReg, SlotReg, fault};
use optimus_sim_tests::seed::seed_from_env;
use optimus_sim_tests::shell::membench::MemBenchJob;
use optimus_sim_tests::shell::{HostConfig, ShellSim};

fn sim(config: &str, seed: u64) -> ShellSim {
    ShellSim::new(
        config,
        HostConfig {
            seed,
            log_requests: true,
            ..Default::default()
        },
    )
    .expect("the shell model is built")
}

#[test]
fn identity_registers_match_the_manifest() {
    let mut s = sim("pair2", 1);
    let (m, _) = Manifest::find("pair2").unwrap();
    let id = m.shell_id(optimus_regs::VERSION);
    assert_ne!(s.global(GlobalReg::Dfh), 0);
    assert_eq!(s.global(GlobalReg::ShellIdL), id[0]);
    assert_eq!(s.global(GlobalReg::ShellIdH), id[1]);
    assert_eq!(s.global(GlobalReg::NumSlots), 2);
    assert_eq!(s.global(GlobalReg::Version), optimus_regs::VERSION);
    for i in 0..2 {
        assert_ne!(s.acc(i, AccelReg::Dfh.offset()), 0);
        assert_eq!(s.acc(i, AccelReg::AccelIdL.offset()), membench::ACCEL_ID[0]);
        assert_eq!(s.acc(i, AccelReg::AccelIdH.offset()), membench::ACCEL_ID[1]);
        assert_eq!(s.state(i), State::Idle as u64);
        assert_eq!(s.mon(i, SlotReg::SliceLimit), 0);
    }
    assert!(s.violations.is_empty(), "{:?}", s.violations);
}

#[test]
fn jobs_on_both_slots_match_the_cpu() {
    let seed = seed_from_env();
    println!("jobs_on_both_slots_match_the_cpu: OPTIMUS_SEED={seed}");
    let mut s = sim("pair2", seed);
    // Slot 0 reads a buffer the host filled; slot 1 writes one, in random order, 4-line
    // requests; the slices are far apart in the IOVA space.
    let bases = [0x10_0000, 0x3_0000_0000];
    for (i, base) in bases.iter().enumerate() {
        s.grant(i, *base, 1 << 20);
    }
    let rd = MemBenchJob {
        buf_addr: 0x4000,
        buf_lines: 256,
        total_lines: 1024,
        mode: mode::READ | mode::with_cl_len(0, 3),
        seed: 7,
    };
    let wr = MemBenchJob {
        buf_addr: 0x8_0000,
        buf_lines: 128,
        total_lines: 512,
        mode: mode::WRITE | mode::RANDOM | mode::with_cl_len(0, 1),
        seed: seed | 1,
    };
    for l in 0..rd.buf_lines {
        let line = bases[0] + (rd.buf_addr >> 6) + l;
        s.mem.write(
            line,
            std::array::from_fn(|w| seed ^ line.wrapping_mul(0x9e37) ^ w as u64),
        );
    }
    rd.program(&mut s, 0);
    wr.program(&mut s, 1);
    s.ctl(0, optimus_regs::accel::Ctl::StartNew);
    s.ctl(1, optimus_regs::accel::Ctl::StartNew);
    for i in 0..2 {
        assert!(
            s.wait_state(i, State::Finished, 200_000, 256).is_some(),
            "slot {i} did not finish"
        );
    }
    assert_eq!(
        s.acc(0, MemBenchReg::Checksum.offset()),
        rd.checksum(&s.mem, bases[0]),
        "seed {seed}"
    );
    assert_eq!(s.acc(0, MemBenchReg::DoneLines.offset()), rd.done_lines());
    assert_eq!(s.acc(1, MemBenchReg::DoneLines.offset()), wr.done_lines());
    wr.check_writes(&s.mem, bases[1])
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    // The host saw exactly the job's lines, all inside the slices, and the counters agree.
    let (mut rd_lines, mut wr_lines) = (0, 0);
    for r in &s.log {
        let (slot, base) = if r.addr >= bases[1] {
            (1, bases[1])
        } else {
            (0, bases[0])
        };
        assert!(
            r.addr >= base && r.addr + r.lines <= base + (1 << 20),
            "{r:?} outside slot {slot}'s slice"
        );
        if r.write {
            wr_lines += r.lines
        } else {
            rd_lines += r.lines
        }
    }
    assert_eq!((rd_lines, wr_lines), (1024, 512));
    assert_eq!(s.mon(0, SlotReg::RdLines), 1024);
    assert_eq!(s.mon(1, SlotReg::WrLines), 512);
    assert_eq!(s.mon(0, SlotReg::Fault), 0);
    assert!(s.acc(0, MemBenchReg::Cycles.offset()) > 0);
    assert!(s.violations.is_empty(), "{:?}", s.violations);
}

#[test]
fn a_read_past_the_limit_faults_and_reads_all_ones() {
    let mut s = sim("pair2", 3);
    s.grant(0, 0x1000, 64);
    // 16 lines from line 56: lines 56..63 are in the slice, 64..71 are not.
    let job = MemBenchJob {
        buf_addr: 56 << 6,
        buf_lines: 16,
        total_lines: 16,
        mode: mode::READ,
        seed: 1,
    };
    job.program(&mut s, 0);
    s.ctl(0, optimus_regs::accel::Ctl::StartNew);
    assert!(s.wait_state(0, State::Finished, 50_000, 128).is_some());
    let inside: u64 = (56..64)
        .flat_map(|l| s.mem.read(0x1000 + l))
        .fold(0u64, u64::wrapping_add);
    let outside = (8 * 8u64).wrapping_mul(u64::MAX);
    assert_eq!(
        s.acc(0, MemBenchReg::Checksum.offset()),
        inside.wrapping_add(outside)
    );
    let f = s.mon(0, SlotReg::Fault);
    assert_eq!(f & fault::READ, fault::READ);
    assert_eq!(fault::count(f), 8);
    assert_eq!(s.mon(0, SlotReg::FaultAddr), 64);
    assert!(
        s.log
            .iter()
            .all(|r| r.addr >= 0x1000 && r.addr + r.lines <= 0x1000 + 64),
        "a faulting read reached the host"
    );
    assert_eq!(s.mon(0, SlotReg::RdLines), 8);
    // W1C clears.
    s.set_mon(0, SlotReg::Fault, fault::READ | fault::CLEAR_COUNT);
    assert_eq!(s.mon(0, SlotReg::Fault), 0);
}
