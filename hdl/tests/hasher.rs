//! rust-hdl simulations of the Hasher accelerator (docs/hasher.md) through its slot-side ports
//! and MMIO page, with the shared test host (out-of-order responses, almfull, scoreboard):
//! digest and DONE_LINES against `optimus_regs::hasher::digest`, request pattern, cycles per
//! line, invalid starts, pause/resume (also across a reset with the snapshot moved), pause
//! when not running.

#[macro_use]
#[allow(dead_code)]
mod accel_host;

use accel_host::{Host, HostCfg, Line};
use optimus_hdl::accel::hasher::Hasher;
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::hasher::{self, ACCEL_ID_H, ACCEL_ID_L, HasherReg, snapshot};

slot_accel!(Hasher);

const DST: u64 = 0x40 * 64;
/// Snapshot buffer, clear of every job's source lines.
const SNAP: u64 = 0x800 * 64;

#[derive(Clone, Copy, Debug)]
struct Job {
    src_line: u64,
    lines: u64,
    rounds: u64,
    seed: u64,
}

fn host(cfg: HostCfg) -> Host<Hasher> {
    Host::new(Hasher::new(), cfg)
}

fn program(h: &mut Host<Hasher>, j: Job, snap: u64) {
    h.mmio_write(HasherReg::SrcAddr.offset(), j.src_line * 64);
    h.mmio_write(HasherReg::Lines.offset(), j.lines);
    h.mmio_write(HasherReg::Rounds.offset(), j.rounds);
    h.mmio_write(HasherReg::DstAddr.offset(), DST);
    h.mmio_write(HasherReg::Seed.offset(), j.seed);
    h.mmio_write(AccelReg::SnapshotAddr.offset(), snap);
}

fn ctl(h: &mut Host<Hasher>, c: Ctl) {
    h.mmio_write(AccelReg::Ctl.offset(), c as u64);
}

/// Starts a job (or a resume) and checks that STATE shows it within 3 cycles.
fn start(h: &mut Host<Hasher>, c: Ctl) {
    ctl(h, c);
    h.run(2);
    assert_eq!(h.state(), State::Running as u64, "{c:?} shows in STATE");
}

fn reference(h: &Host<Hasher>, j: Job) -> [u64; 8] {
    let data: Vec<Line> = (0..j.lines).map(|i| h.line(j.src_line + i)).collect();
    hasher::digest(&data, j.seed, j.rounds)
}

fn wait_state(h: &mut Host<Hasher>, limit: u64, want: State) {
    h.run_until(limit, &format!("STATE {want:?}"), |h| {
        h.state() == want as u64
    });
}

/// Checks the finished job: digest line, DONE_LINES, DIGEST_XOR; returns CYCLES.
fn check_finished(h: &mut Host<Hasher>, j: Job) -> u64 {
    let want = reference(h, j);
    assert_eq!(h.line(DST / 64), want, "digest of {j:?}");
    assert_eq!(h.mmio_read(HasherReg::DoneLines.offset()), j.lines, "{j:?}");
    assert_eq!(
        h.mmio_read(HasherReg::DigestXor.offset()),
        hasher::digest_xor(&want)
    );
    assert_eq!(
        h.mmio_read(AccelReg::State.offset()),
        State::Finished as u64
    );
    h.run(4);
    assert!(h.idle(), "nothing owed after the job");
    h.mmio_read(HasherReg::Cycles.offset())
}

fn run_job(h: &mut Host<Hasher>, j: Job) -> u64 {
    program(h, j, SNAP);
    start(h, Ctl::StartNew);
    wait_state(h, 100 + j.lines * (j.rounds + 40), State::Finished);
    check_finished(h, j)
}

#[test]
fn header_registers_and_readback() {
    let mut h = host(HostCfg::default());
    assert_eq!(h.mmio_read(AccelReg::AccelIdL.offset()), ACCEL_ID_L);
    assert_eq!(h.mmio_read(AccelReg::AccelIdH.offset()), ACCEL_ID_H);
    assert_eq!(
        h.mmio_read(AccelReg::StateSize.offset()),
        snapshot::STATE_SIZE
    );
    assert_eq!(h.mmio_read(AccelReg::State.offset()), State::Idle as u64);
    program(
        &mut h,
        Job {
            src_line: 7,
            lines: 9,
            rounds: 3,
            seed: 11,
        },
        SNAP,
    );
    assert_eq!(h.mmio_read(HasherReg::SrcAddr.offset()), 7 * 64);
    assert_eq!(h.mmio_read(HasherReg::Lines.offset()), 9);
    assert_eq!(h.mmio_read(HasherReg::Rounds.offset()), 3);
    assert_eq!(h.mmio_read(HasherReg::DstAddr.offset()), DST);
    assert_eq!(h.mmio_read(HasherReg::Seed.offset()), 11);
    // Read-only registers ignore writes.
    h.mmio_write(HasherReg::DoneLines.offset(), 5);
    assert_eq!(h.mmio_read(HasherReg::DoneLines.offset()), 0);
}

#[test]
fn digest_and_done_lines_match_the_reference() {
    let jobs = [
        Job {
            src_line: 0x100,
            lines: 1,
            rounds: 1,
            seed: 0,
        },
        Job {
            src_line: 0x101,
            lines: 9,
            rounds: 2,
            seed: 0x1234,
        },
        Job {
            src_line: 0x203,
            lines: 13,
            rounds: 5,
            seed: u64::MAX,
        },
        Job {
            src_line: 0x300,
            lines: 32,
            rounds: 1,
            seed: 0xdead_beef,
        },
        Job {
            src_line: 0x3ff,
            lines: 6,
            rounds: 255,
            seed: 3,
        },
    ];
    for (i, j) in jobs.into_iter().enumerate() {
        let mut h = host(HostCfg {
            seed: i as u64 + 1,
            ..HostCfg::default()
        });
        run_job(&mut h, j);
        // Reads: 1-line until 4-aligned, 4-line while 4 remain, then 1-line; one digest write.
        let mut want = Vec::new();
        let (mut a, end) = (j.src_line, j.src_line + j.lines);
        while a < end {
            let n = if a % 4 == 0 && end - a >= 4 { 4 } else { 1 };
            want.push((a, n - 1));
            a += n;
        }
        let got: Vec<(u64, u64)> = h.rd_log.iter().map(|&(_, a, cl)| (a, cl)).collect();
        assert_eq!(got, want, "{j:?}");
        let wr: Vec<(u64, u64)> = h.wr_log.iter().map(|&(_, a, cl)| (a, cl)).collect();
        assert_eq!(wr, vec![(DST / 64, 0)]);
    }
}

#[test]
fn out_of_order_responses_and_almfull_give_the_same_digest() {
    for seed in 1..=3 {
        let cfg = HostCfg {
            seed,
            rd_lat: (1, 60),
            wr_lat: (1, 40),
            almfull_pct: 30,
            ..HostCfg::default()
        };
        let mut h = host(cfg);
        run_job(
            &mut h,
            Job {
                src_line: 0x41,
                lines: 40,
                rounds: 2,
                seed: 0x77 * seed,
            },
        );
    }
}

#[test]
fn a_second_job_starts_from_zero() {
    let mut h = host(HostCfg::default());
    run_job(
        &mut h,
        Job {
            src_line: 0x10,
            lines: 8,
            rounds: 2,
            seed: 1,
        },
    );
    run_job(
        &mut h,
        Job {
            src_line: 0x20,
            lines: 5,
            rounds: 3,
            seed: 2,
        },
    );
}

#[test]
fn cycles_per_line_follow_rounds() {
    // Short, fixed read latency: the credit (16 lines) covers it, so the round unit limits.
    let cfg = HostCfg {
        rd_lat: (4, 6),
        wr_lat: (4, 4),
        ..HostCfg::default()
    };
    for rounds in [1, 4, 8] {
        let mut h = host(cfg);
        let c = run_job(
            &mut h,
            Job {
                src_line: 0x100,
                lines: 64,
                rounds,
                seed: 3,
            },
        );
        println!(
            "LINES=64 ROUNDS={rounds}: CYCLES={c}, {:.2} cycles/line",
            c as f64 / 64.0
        );
        assert!(
            (64 * rounds..=64 * rounds + 30).contains(&c),
            "{c} cycles at {rounds} rounds"
        );
    }
}

#[test]
fn invalid_starts_stay_idle() {
    let good = Job {
        src_line: 0x10,
        lines: 4,
        rounds: 1,
        seed: 0,
    };
    let bad: [(&str, u64, u64); 5] = [
        (
            "misaligned SRC_ADDR",
            HasherReg::SrcAddr.offset(),
            0x10 * 64 + 8,
        ),
        ("misaligned DST_ADDR", HasherReg::DstAddr.offset(), DST + 1),
        ("LINES 0", HasherReg::Lines.offset(), 0),
        ("ROUNDS 0", HasherReg::Rounds.offset(), 0),
        ("ROUNDS 256", HasherReg::Rounds.offset(), 256),
    ];
    for (what, off, value) in bad {
        let mut h = host(HostCfg::default());
        program(&mut h, good, SNAP);
        h.mmio_write(off, value);
        ctl(&mut h, Ctl::StartNew);
        h.run(20);
        assert_eq!(h.state(), State::Idle as u64, "{what}");
        ctl(&mut h, Ctl::StartResume);
        h.run(20);
        assert_eq!(h.state(), State::Idle as u64, "{what} (resume)");
        assert!(h.rd_log.is_empty() && h.wr_log.is_empty(), "{what}: no DMA");
    }
}

#[test]
fn pause_when_not_running_is_ignored() {
    let mut h = host(HostCfg::default());
    h.pause();
    ctl(&mut h, Ctl::Pause);
    h.run(20);
    assert_eq!(h.state(), State::Idle as u64);
    let j = Job {
        src_line: 0x10,
        lines: 4,
        rounds: 1,
        seed: 0,
    };
    run_job(&mut h, j);
    h.pause();
    ctl(&mut h, Ctl::Pause);
    h.run(20);
    assert_eq!(h.state(), State::Finished as u64);
    assert!(
        h.rd_log.len() == 1 && h.wr_log.len() == 1,
        "no snapshot written"
    );
}

/// Pauses `j` after each of `at` cycles of running (by the pause port or CTL), checks the
/// snapshot, resumes; optionally resets the block and moves the snapshot before resuming.
fn pause_resume(seed: u64, j: Job, at: &[u64], reset_and_move: bool) {
    let cfg = HostCfg {
        seed,
        almfull_pct: 10,
        ..HostCfg::default()
    };
    let mut h = host(cfg);
    let mut snap = SNAP;
    program(&mut h, j, snap);
    start(&mut h, Ctl::StartNew);
    for (n, &cycles) in at.iter().enumerate() {
        h.run(cycles);
        if h.state() != State::Running as u64 {
            break;
        }
        if n % 2 == 0 {
            h.pause()
        } else {
            ctl(&mut h, Ctl::Pause)
        }
        wait_state(&mut h, 2000, State::Paused);
        assert!(h.idle(), "paused with requests outstanding");
        let hdr = h.line(snap / 64);
        let done = h.mmio_read(HasherReg::DoneLines.offset());
        assert_eq!(hdr[snapshot::DONE_LINES], done);
        assert_eq!(hdr[snapshot::NEXT_LINE], done, "a pause drains every read");
        assert_eq!(
            hdr[snapshot::CYCLES],
            h.mmio_read(HasherReg::Cycles.offset())
        );
        let dig = h.line(snap / 64 + 1);
        assert_eq!(
            hasher::digest_xor(&dig),
            h.mmio_read(HasherReg::DigestXor.offset())
        );
        let partial: Vec<Line> = (0..done).map(|i| h.line(j.src_line + i)).collect();
        assert_eq!(
            dig,
            hasher::digest(&partial, j.seed, j.rounds),
            "partial digest"
        );
        h.run(10);
        assert_eq!(h.state(), State::Paused as u64);
        if reset_and_move {
            // Another vaccel used the slot: reset, snapshot moved, registers replayed.
            let to = snap + 0x40 * 64;
            let (a, b) = (h.line(snap / 64), h.line(snap / 64 + 1));
            h.mem.insert(to / 64, a);
            h.mem.insert(to / 64 + 1, b);
            h.mem.insert(snap / 64, [0; 8]);
            h.mem.insert(snap / 64 + 1, [0; 8]);
            snap = to;
            h.reset(16);
            assert_eq!(h.mmio_read(HasherReg::Lines.offset()), 0, "reset clears");
            program(&mut h, j, snap);
        }
        start(&mut h, Ctl::StartResume);
    }
    wait_state(&mut h, 100 + j.lines * (j.rounds + 40), State::Finished);
    check_finished(&mut h, j);
}

#[test]
fn pause_and_resume_at_random_points_equal_an_uninterrupted_run() {
    let j = Job {
        src_line: 0x101,
        lines: 37,
        rounds: 3,
        seed: 0x5eed,
    };
    for seed in 1..=4 {
        let at: Vec<u64> = (0..3)
            .map(|k| 1 + accel_host::mix(seed * 10 + k) % 50)
            .collect();
        pause_resume(seed, j, &at, false);
    }
    // Right at the start, and after the last line (during the digest write).
    pause_resume(9, j, &[0], false);
    pause_resume(
        10,
        Job {
            lines: 3,
            rounds: 1,
            ..j
        },
        &[14, 1, 1, 1],
        false,
    );
}

#[test]
fn resume_after_reset_with_the_snapshot_moved() {
    let j = Job {
        src_line: 0x80,
        lines: 30,
        rounds: 2,
        seed: 42,
    };
    for seed in 1..=2 {
        let at: Vec<u64> = (0..2)
            .map(|k| 5 + accel_host::mix(seed * 7 + k) % 40)
            .collect();
        pause_resume(seed, j, &at, true);
    }
}
