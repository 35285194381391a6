//! Testbench (b): jobs preempted at random points and resumed in another slot of the same kind
//! with another slice base (and half the time right after a SLOT_RESET of that slot) end with
//! exactly the results of an uninterrupted run (checked against the CPU reference, which the
//! uninterrupted runs of `shell_membench` match).

use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::linked_list::LinkedListReg;
use optimus_regs::membench::{MemBenchReg, mode};
use optimus_sim_tests::seed::seed_from_env;
use optimus_sim_tests::shell::chain::build_chain;
use optimus_sim_tests::shell::membench::MemBenchJob;
use optimus_sim_tests::shell::migrate::{Placement, migrate};
use optimus_sim_tests::shell::{HostConfig, ShellSim};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The configuration: MemBench in slots 0-2, LinkedList in 3-4.
const CONFIG: &str = "mixed8";
/// Pause points per accelerator kind (the issue asks for at least 50).
const POINTS: usize = 50;
/// Lines of each slice (buffers and snapshot).
const SPAN: u64 = 1 << 14;

#[test]
fn membench_resumes_elsewhere_with_the_same_result() {
    let seed = seed_from_env();
    println!("membench_resumes_elsewhere_with_the_same_result: OPTIMUS_SEED={seed}");
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut s = ShellSim::new(
        CONFIG,
        HostConfig {
            seed,
            ..Default::default()
        },
    )
    .expect("model");
    let slots = [0usize, 1, 2];
    let mut latencies = Vec::new();
    let mut point = 0;
    while latencies.len() < POINTS {
        point += 1;
        let from = slots[rng.random_range(0..3)];
        let to =
            slots[(slots.iter().position(|&x| x == from).unwrap() + rng.random_range(1..3)) % 3];
        let base_from = rng.random_range(1..1 << 20) << 14;
        let base_to = base_from + (rng.random_range(1..1 << 10) << 14);
        let cl = [0, 1, 3][rng.random_range(0..3)];
        let m = [mode::READ, mode::WRITE, mode::READ | mode::WRITE][point % 3]
            | if rng.random_bool(0.5) {
                mode::RANDOM
            } else {
                0
            }
            | mode::with_cl_len(0, cl);
        let job = MemBenchJob {
            buf_addr: 0x1000,
            buf_lines: 256,
            total_lines: 1024,
            mode: m,
            seed: rng.random(),
        };
        let snapshot = 0x8_0000 + 64 * rng.random_range(0..16);
        // Data of this point only in the buffer, so a stale read would show.
        for l in 0..job.buf_lines {
            let line = base_from + (job.buf_addr >> 6) + l;
            s.mem.write(
                line,
                std::array::from_fn(|w| seed ^ (point as u64) << 40 ^ line << 3 ^ w as u64),
            );
        }
        s.grant(from, base_from, SPAN);
        job.program(&mut s, from);
        s.set_acc(from, AccelReg::SnapshotAddr.offset(), snapshot);
        let regs = [
            (MemBenchReg::BufAddr.offset(), job.buf_addr),
            (MemBenchReg::BufLines.offset(), job.buf_lines),
            (MemBenchReg::TotalLines.offset(), job.total_lines),
            (MemBenchReg::Mode.offset(), job.mode),
            (MemBenchReg::Seed.offset(), job.seed),
            (AccelReg::SnapshotAddr.offset(), snapshot),
        ];
        // Reads and writes share the buffer only when both run: then the read data depends on
        // timing, so such jobs are checked on DONE_LINES and memory only.
        let both = job.mode & mode::READ != 0 && job.mode & mode::WRITE != 0;
        let want_sum = job.checksum(&s.mem, base_from);
        s.ctl(from, Ctl::StartNew);
        // From 0 cycles: PREEMPT right after CTL = START_NEW (it overtakes the START, and the
        // controller pauses the accelerator when it starts).
        s.run(rng.random_range(0..1000));
        let mig = migrate(
            &mut s,
            Placement {
                slot: from,
                base: base_from,
            },
            Placement {
                slot: to,
                base: base_to,
            },
            SPAN,
            &regs,
            rng.random_bool(0.5),
        )
        .unwrap_or_else(|| panic!("seed {seed} point {point}: slot {from} never paused"));
        let to = if mig.finished_before {
            from
        } else {
            latencies.push(mig.latency);
            to
        };
        let base_to = if mig.finished_before {
            base_from
        } else {
            base_to
        };
        assert!(
            s.wait_state(to, State::Finished, 300_000, 256).is_some(),
            "seed {seed} point {point}: the resumed job did not finish in slot {to}"
        );
        assert_eq!(
            s.acc(to, MemBenchReg::DoneLines.offset()),
            job.done_lines(),
            "seed {seed} point {point}"
        );
        if !both {
            assert_eq!(
                s.acc(to, MemBenchReg::Checksum.offset()),
                want_sum,
                "seed {seed} point {point}: {job:?}"
            );
        }
        job.check_writes(&s.mem, base_to)
            .unwrap_or_else(|e| panic!("seed {seed} point {point}: {e}"));
        assert!(s.violations.is_empty(), "seed {seed}: {:?}", s.violations);
    }
    latencies.sort_unstable();
    println!(
        "MemBench preemption latency (PREEMPT=1 to paused+drained), {POINTS} points ({} jobs had finished first): min {} median {} max {} cycles",
        point - POINTS,
        latencies[0],
        latencies[POINTS / 2],
        latencies[POINTS - 1]
    );
}

#[test]
fn linked_list_resumes_elsewhere_with_the_same_result() {
    let seed = seed_from_env();
    println!("linked_list_resumes_elsewhere_with_the_same_result: OPTIMUS_SEED={seed}");
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut s = ShellSim::new(
        CONFIG,
        HostConfig {
            seed,
            ..Default::default()
        },
    )
    .expect("model");
    let mut latencies = Vec::new();
    let mut point = 0;
    while latencies.len() < POINTS {
        point += 1;
        let from = 3 + rng.random_range(0..2);
        let to = 7 - from;
        let base_from = rng.random_range(1..1 << 20) << 14;
        let base_to = base_from + (rng.random_range(1..1 << 10) << 14);
        let chain = build_chain(
            &mut s.mem,
            base_from,
            64,
            4096,
            rng.random_range(5..40),
            &mut rng,
        );
        let snapshot = 0x8_0000 + 64 * rng.random_range(0..16);
        s.grant(from, base_from, SPAN);
        let regs = [
            (LinkedListReg::HeadAddr.offset(), chain.head),
            (LinkedListReg::MaxNodes.offset(), 0),
            (AccelReg::SnapshotAddr.offset(), snapshot),
        ];
        for &(off, v) in &regs {
            s.set_acc(from, off, v);
        }
        s.ctl(from, Ctl::StartNew);
        // A node costs a read round trip (20-60 cycles of host latency plus the shell's).
        let delay = rng.random_range(0..chain.nodes * 60);
        s.run(delay);
        let state_before = s.state(from);
        let mig = migrate(&mut s, Placement { slot: from, base: base_from }, Placement { slot: to, base: base_to }, SPAN, &regs, rng.random_bool(0.5))
            .unwrap_or_else(|| {
                let p = s.mon(from, optimus_regs::monitor::SlotReg::Preempt);
                let st = s.state(from);
                panic!("seed {seed} point {point}: slot {from} never paused (delay {delay}, state before {state_before}, now {st}, PREEMPT {p:#x})")
            });
        let to = if mig.finished_before {
            from
        } else {
            latencies.push(mig.latency);
            to
        };
        assert!(
            s.wait_state(to, State::Finished, 300_000, 128).is_some(),
            "seed {seed} point {point}: no finish in slot {to}"
        );
        assert_eq!(
            s.acc(to, LinkedListReg::Sum.offset()),
            chain.sum,
            "seed {seed} point {point}"
        );
        assert_eq!(
            s.acc(to, LinkedListReg::Nodes.offset()),
            chain.nodes,
            "seed {seed} point {point}"
        );
        assert_eq!(
            s.acc(to, LinkedListReg::LastAddr.offset()),
            chain.last,
            "seed {seed} point {point}"
        );
        assert!(s.violations.is_empty(), "seed {seed}: {:?}", s.violations);
    }
    latencies.sort_unstable();
    println!(
        "LinkedList preemption latency (PREEMPT=1 to paused+drained), {POINTS} points ({} walks had finished first): min {} median {} max {} cycles",
        point - POINTS,
        latencies[0],
        latencies[POINTS / 2],
        latencies[POINTS - 1]
    );
}
