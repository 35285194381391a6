//! Testbenches (a) isolation and (c) timeout on `mixed8` (MemBench 0-2, LinkedList 3-4,
//! Hasher 5-6, Rogue 7).

use optimus_regs::accel::{Ctl, State};
use optimus_regs::hasher::{self, HasherReg};
use optimus_regs::linked_list::LinkedListReg;
use optimus_regs::membench::{MemBenchReg, mode};
use optimus_regs::monitor::{GlobalReg, SlotReg, fault, preempt};
use optimus_regs::rogue::{self, RogueReg};
use optimus_sim_tests::seed::seed_from_env;
use optimus_sim_tests::shell::chain::build_chain;
use optimus_sim_tests::shell::membench::MemBenchJob;
use optimus_sim_tests::shell::{HostConfig, ShellSim};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const LIMIT: u64 = 1 << 16;
const ROGUE: usize = 7;

fn base(slot: usize) -> u64 {
    (slot as u64 + 1) << 24
}

/// Starts a job on every slot but Rogue's; returns a checker of their results.
fn start_neighbours(s: &mut ShellSim, rng: &mut SmallRng) -> impl FnOnce(&mut ShellSim) + use<> {
    let mut jobs = Vec::new();
    for i in 0..3 {
        let m = if i == 1 { mode::WRITE } else { mode::READ } | mode::with_cl_len(0, 3);
        let job = MemBenchJob {
            buf_addr: 0x10000,
            buf_lines: 512,
            total_lines: 2048,
            mode: m,
            seed: rng.random(),
        };
        for l in 0..job.buf_lines {
            s.mem.write(
                base(i) + 0x400 + l,
                std::array::from_fn(|w| rng.random::<u64>() ^ w as u64),
            );
        }
        let sum = job.checksum(&s.mem, base(i));
        job.program(s, i);
        jobs.push((i, job, sum));
    }
    let mut chains = Vec::new();
    for i in 3..5 {
        let c = build_chain(&mut s.mem, base(i), 16, 8192, 30, rng);
        s.set_acc(i, LinkedListReg::HeadAddr.offset(), c.head);
        chains.push((i, c));
    }
    let mut hashes = Vec::new();
    for i in 5..7 {
        let lines: Vec<[u64; 8]> = (0..256)
            .map(|_| std::array::from_fn(|_| rng.random()))
            .collect();
        for (l, line) in lines.iter().enumerate() {
            s.mem.write(base(i) + 0x100 + l as u64, *line);
        }
        let seed: u64 = rng.random();
        let rounds = 4;
        for (reg, v) in [
            (HasherReg::SrcAddr, 0x100 << 6),
            (HasherReg::Lines, 256),
            (HasherReg::Rounds, rounds),
            (HasherReg::DstAddr, 0x40 << 6),
            (HasherReg::Seed, seed),
        ] {
            s.set_acc(i, reg.offset(), v);
        }
        hashes.push((i, hasher::digest(&lines, seed, rounds)));
    }
    for i in 0..7 {
        s.ctl(i, Ctl::StartNew);
    }
    move |s: &mut ShellSim| {
        for i in 0..7 {
            assert!(
                s.wait_state(i, State::Finished, 500_000, 512).is_some(),
                "slot {i} did not finish"
            );
        }
        for (i, job, sum) in jobs {
            assert_eq!(
                s.acc(i, MemBenchReg::DoneLines.offset()),
                job.done_lines(),
                "MemBench {i}"
            );
            assert_eq!(
                s.acc(i, MemBenchReg::Checksum.offset()),
                sum,
                "MemBench {i}"
            );
            job.check_writes(&s.mem, base(i)).unwrap();
        }
        for (i, c) in chains {
            assert_eq!(
                s.acc(i, LinkedListReg::Sum.offset()),
                c.sum,
                "LinkedList {i}"
            );
            assert_eq!(
                s.acc(i, LinkedListReg::Nodes.offset()),
                c.nodes,
                "LinkedList {i}"
            );
        }
        for (i, d) in hashes {
            assert_eq!(s.mem.read(base(i) + 0x40)[..], d[..], "Hasher {i} digest");
        }
    }
}

fn mixed8(seed: u64) -> ShellSim {
    let mut s = ShellSim::new(
        "mixed8",
        HostConfig {
            seed,
            log_requests: true,
            ..Default::default()
        },
    )
    .expect("model");
    for i in 0..8 {
        s.grant(i, base(i), LIMIT);
    }
    s
}

fn rogue_job(s: &mut ShellSim, m: u64, target: u64, span: u64, count: u64) {
    for (reg, v) in [
        (RogueReg::Mode, m),
        (RogueReg::TargetAddr, target),
        (RogueReg::SpanLines, span),
        (RogueReg::Count, count),
    ] {
        s.set_acc(ROGUE, reg.offset(), v);
    }
    s.ctl(ROGUE, Ctl::StartNew);
}

#[test]
fn rogue_reads_and_writes_outside_its_slice_never_reach_the_host() {
    let seed = seed_from_env();
    println!("isolation: OPTIMUS_SEED={seed}");
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut s = mixed8(seed);
    let check = start_neighbours(&mut s, &mut rng);
    // Rogue aims at MemBench 0's buffer: slot-relative, that is far beyond its own limit.
    let target_line = base(0) + 0x400 - base(ROGUE);
    let target = (target_line & ((1 << 42) - 1)) << 6;
    rogue_job(
        &mut s,
        rogue::mode::READ | rogue::mode::WRITE | rogue::mode::FLOOD,
        target & ((1 << 48) - 1),
        256,
        4000,
    );
    check(&mut s);
    assert!(s.wait_state(ROGUE, State::Finished, 200_000, 512).is_some());
    // Everything the host saw was inside the slice of the slot that sent it; nothing was in
    // Rogue's slice at all (it only aimed outside).
    for r in &s.log {
        let slot = (r.addr >> 24) as usize - 1;
        assert!(
            slot < 7,
            "a request reached the host in Rogue's slice or beyond: {r:?}"
        );
        assert!(
            r.addr + r.lines <= base(slot) + LIMIT,
            "{r:?} leaves slot {slot}'s slice"
        );
    }
    let f = s.mon(ROGUE, SlotReg::Fault);
    assert_eq!(
        f & (fault::READ | fault::WRITE),
        fault::READ | fault::WRITE,
        "FAULT {f:#x}"
    );
    assert_eq!(
        fault::count(f),
        8000,
        "4000 reads and 4000 writes, every one faulting"
    );
    let first = s.mon(ROGUE, SlotReg::FaultAddr);
    assert!(first >= LIMIT, "FAULT_ADDR {first:#x} is inside the slice");
    // Rogue read nothing but all ones.
    let done = s.acc(ROGUE, RogueReg::Done.offset());
    assert_eq!(
        s.mon(ROGUE, SlotReg::RdLines) + s.mon(ROGUE, SlotReg::WrLines),
        0
    );
    let reads = 4000 * 4;
    assert_eq!(
        s.acc(ROGUE, RogueReg::Checksum.offset()),
        (reads * 8u64).wrapping_mul(u64::MAX),
        "done {done}"
    );
    assert!(s.violations.is_empty(), "{:?}", s.violations);
}

#[test]
fn neighbours_stay_correct_while_rogue_floods_the_link() {
    let seed = seed_from_env();
    println!("flood: OPTIMUS_SEED={seed}");
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut s = mixed8(seed);
    let check = start_neighbours(&mut s, &mut rng);
    rogue_job(
        &mut s,
        rogue::mode::READ | rogue::mode::WRITE | rogue::mode::FLOOD,
        0,
        1024,
        0,
    );
    check(&mut s);
    let rogue_lines = s.mon(ROGUE, SlotReg::RdLines) + s.mon(ROGUE, SlotReg::WrLines);
    let total: u64 = s.lines.iter().sum();
    println!("flood: Rogue got {rogue_lines} of {total} lines while the others ran");
    assert!(rogue_lines > 0 && s.mon(ROGUE, SlotReg::Fault) == 0);
    assert!(s.violations.is_empty(), "{:?}", s.violations);
}

#[test]
fn rogue_ignoring_pause_times_out_and_slot_reset_recovers_the_slot() {
    let seed = seed_from_env();
    println!("timeout: OPTIMUS_SEED={seed}");
    let mut s = mixed8(seed);
    // A slow host, so that many responses are still on their way when the slot is reset.
    s.set_host((150, 400), 0.0);
    rogue_job(
        &mut s,
        rogue::mode::READ | rogue::mode::FLOOD | rogue::mode::IGNORE_PAUSE,
        0,
        1024,
        0,
    );
    s.run(2000);
    s.set_mon(ROGUE, SlotReg::PreemptTimeout, 3000);
    s.set_mon(ROGUE, SlotReg::Preempt, preempt::REQUEST);
    s.run(2000);
    let p = s.mon(ROGUE, SlotReg::Preempt);
    assert_eq!(
        p & (preempt::PAUSED | preempt::TIMED_OUT),
        0,
        "too early: {p:#x}"
    );
    s.run(1200);
    let p = s.mon(ROGUE, SlotReg::Preempt);
    assert_eq!(
        p & preempt::TIMED_OUT,
        preempt::TIMED_OUT,
        "not timed out: {p:#x}"
    );
    assert_eq!(p & preempt::PAUSED, 0);
    assert_eq!(s.state(ROGUE), State::Running as u64);
    let outstanding = preempt::rd_outstanding(p);
    // Reset the slot while reads are outstanding, and give the next occupant a new slice
    // whose buffer holds known data.
    s.slot_reset(ROGUE, true);
    let p = s.mon(ROGUE, SlotReg::Preempt);
    assert_eq!(
        p & (preempt::REQUESTED | preempt::TIMED_OUT),
        0,
        "SLOT_RESET clears PREEMPT bits 0-3: {p:#x}"
    );
    assert_eq!(p & preempt::IN_RESET, preempt::IN_RESET);
    s.slot_reset(ROGUE, false);
    s.set_mon(ROGUE, SlotReg::Preempt, preempt::RELEASE);
    let new_base = 0x7f << 24;
    s.grant(ROGUE, new_base, LIMIT);
    for l in 0..64 {
        s.mem.write(
            new_base + l,
            std::array::from_fn(|w| (l << 8 | w as u64) + 1),
        );
    }
    s.set_host((20, 60), 0.01);
    assert_eq!(s.state(ROGUE), State::Idle as u64);
    rogue_job(&mut s, rogue::mode::READ, 0, 64, 16);
    assert!(s.wait_state(ROGUE, State::Finished, 100_000, 64).is_some());
    let want: u64 = (0..64)
        .flat_map(|l| s.mem.read(new_base + l))
        .fold(0u64, u64::wrapping_add);
    assert_eq!(
        s.acc(ROGUE, RogueReg::Done.offset()),
        64,
        "stale responses reached the next occupant ({outstanding} were outstanding)"
    );
    assert_eq!(s.acc(ROGUE, RogueReg::Checksum.offset()), want);
    assert!(
        outstanding > 8,
        "only {outstanding} reads outstanding at reset: the test proves little"
    );
    assert_eq!(s.mon(ROGUE, SlotReg::Preempt) & preempt::IN_RESET, 0);
    // A muted accelerator: every read of its page is still answered (0), and counted.
    rogue_job(&mut s, rogue::mode::READ | rogue::mode::MUTE_MMIO, 0, 64, 0);
    let before = s.global(GlobalReg::MmioTimeouts);
    for _ in 0..5 {
        assert_eq!(s.acc(ROGUE, RogueReg::Issued.offset()), 0);
    }
    assert_eq!(s.global(GlobalReg::MmioTimeouts), before + 5);
    assert!(s.violations.is_empty(), "{:?}", s.violations);
    println!(
        "timeout: {outstanding} read lines were outstanding at SLOT_RESET; none reached the next job"
    );
}
