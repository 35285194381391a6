//! rust-hdl simulations of MemBench (design.md §4.1) on the reusable test host
//! (`accel_host`), and self-tests of that host on a scripted puppet accelerator.

#[macro_use]
#[allow(dead_code)]
mod accel_host;

use accel_host::{Host, HostCfg, Line};
use optimus_hdl::accel::membench::MemBench;
use optimus_regs::accel::{ACCEL_DFH, AccelReg, Ctl, State};
use optimus_regs::membench::{
    ACCEL_ID, MemBenchReg, STATE_SIZE, job_valid, lines_of, mode, pattern_word, request_line,
    snapshot,
};
use rust_hdl::prelude::*;
use std::collections::HashMap;

slot_accel!(MemBench);

/// A MemBench job: the five read/write application registers.
#[derive(Clone, Copy, Debug)]
struct Job {
    buf_addr: u64,
    buf_lines: u64,
    total: u64,
    mode: u64,
    seed: u64,
}

const BUF: u64 = 0x100 * 64;
const SNAP: u64 = 0x800 * 64;

impl Job {
    fn new(rd: bool, wr: bool, random: bool, cl: u64, buf_lines: u64, total: u64) -> Self {
        let m = ((rd as u64) * mode::READ)
            | ((wr as u64) * mode::WRITE)
            | ((random as u64) * mode::RANDOM);
        Job {
            buf_addr: BUF,
            buf_lines,
            total,
            mode: mode::with_cl_len(m, cl),
            seed: 0x1234_5678_9abc_def0,
        }
    }
    fn len(&self) -> u64 {
        lines_of(mode::cl_len(self.mode)).unwrap()
    }
    fn rd(&self) -> bool {
        self.mode & mode::READ != 0
    }
    fn wr(&self) -> bool {
        self.mode & mode::WRITE != 0
    }
    /// Line address of every request, in issue order.
    fn requests(&self) -> Vec<u64> {
        let random = self.mode & mode::RANDOM != 0;
        (0..self.total / self.len())
            .map(|r| {
                self.buf_addr / 64 + request_line(random, self.seed, r, self.buf_lines, self.len())
            })
            .collect()
    }
    /// The line the write stream stores at buffer line k.
    fn pattern(&self, k: u64) -> Line {
        std::array::from_fn(|w| pattern_word(self.seed, k, w as u64))
    }
    /// Every line the job writes, with its data.
    fn written(&self) -> HashMap<u64, Line> {
        let mut m = HashMap::new();
        if self.wr() {
            for a in self.requests() {
                for n in 0..self.len() {
                    let line = a + n;
                    m.insert(line, self.pattern(line - self.buf_addr / 64));
                }
            }
        }
        m
    }
    /// CHECKSUM of the read stream when memory holds `mem` throughout.
    fn checksum(&self, mem: impl Fn(u64) -> Line) -> u64 {
        let mut sum = 0u64;
        if self.rd() {
            for a in self.requests() {
                for n in 0..self.len() {
                    sum = mem(a + n).iter().fold(sum, |s, &w| s.wrapping_add(w));
                }
            }
        }
        sum
    }
    fn streams(&self) -> u64 {
        self.rd() as u64 + self.wr() as u64
    }
}

fn membench(cfg: HostCfg) -> Host<MemBench> {
    Host::new(MemBench::default(), cfg)
}

fn program(h: &mut Host<MemBench>, j: &Job) {
    h.mmio_write(MemBenchReg::BufAddr.offset(), j.buf_addr);
    h.mmio_write(MemBenchReg::BufLines.offset(), j.buf_lines);
    h.mmio_write(MemBenchReg::TotalLines.offset(), j.total);
    h.mmio_write(MemBenchReg::Mode.offset(), j.mode);
    h.mmio_write(MemBenchReg::Seed.offset(), j.seed);
    h.mmio_write(AccelReg::SnapshotAddr.offset(), SNAP);
}

fn ctl(h: &mut Host<MemBench>, c: Ctl) {
    h.mmio_write(AccelReg::Ctl.offset(), c as u64);
}

fn reg(h: &mut Host<MemBench>, r: MemBenchReg) -> u64 {
    h.mmio_read(r.offset())
}

fn finish(h: &mut Host<MemBench>, limit: u64) {
    h.run_until(limit, "STATE finished", |h| {
        h.state() == State::Finished as u64
    });
    h.run(4);
    assert_eq!(
        h.mmio_read(AccelReg::State.offset()),
        State::Finished as u64
    );
    assert!(h.idle(), "nothing owed once finished");
}

/// Runs `j` to the end and checks DONE_LINES, requests, memory and (when reads cannot race
/// writes) CHECKSUM against the reference. Returns the host.
fn run_job(j: &Job, cfg: HostCfg, preload: bool) -> Host<MemBench> {
    let mut h = membench(cfg);
    if preload {
        for k in 0..j.buf_lines {
            h.mem.insert(j.buf_addr / 64 + k, j.pattern(k));
        }
    }
    let before: HashMap<u64, Line> = h.mem.clone();
    program(&mut h, j);
    ctl(&mut h, Ctl::StartNew);
    finish(&mut h, 40 * j.total + 200);
    check_result(&mut h, j, &before, preload, 0);
    h
}

/// `snap_read`: wrapping sum of the words of the snapshot lines the host returned (resumes),
/// which the host counts in `rd_sum` but MemBench does not.
fn check_result(
    h: &mut Host<MemBench>,
    j: &Job,
    before: &HashMap<u64, Line>,
    preload: bool,
    snap_read: u64,
) {
    let what = format!("{j:x?}");
    assert_eq!(
        reg(h, MemBenchReg::DoneLines),
        j.streams() * j.total,
        "DONE_LINES {what}"
    );
    let sum = reg(h, MemBenchReg::Checksum);
    assert_eq!(
        sum,
        h.rd_sum.wrapping_sub(snap_read),
        "CHECKSUM = sum of the words the host returned, {what}"
    );
    if !(j.rd() && j.wr()) || preload {
        let mem = |a: u64| {
            before
                .get(&a)
                .copied()
                .unwrap_or_else(|| accel_host::fill(a))
        };
        assert_eq!(sum, j.checksum(mem), "CHECKSUM vs reference, {what}");
    }
    for (a, d) in j.written() {
        assert_eq!(h.line(a), d, "line {a:#x}, {what}");
    }
    let written = j.written();
    for (&a, d) in &h.mem {
        if !written.contains_key(&a) && a != SNAP / 64 {
            assert_eq!(
                before.get(&a),
                Some(d),
                "line {a:#x} written but not by the job, {what}"
            );
        }
    }
    let cycles = reg(h, MemBenchReg::Cycles);
    assert!(
        cycles >= j.total / j.len() && cycles < h.now,
        "CYCLES {cycles}, {what}"
    );
}

#[test]
fn sequential_jobs_match_the_reference() {
    for cl in [0, 1, 3] {
        for (rd, wr) in [(true, false), (false, true), (true, true)] {
            // 24 lines over a buffer of 8: the order wraps three times.
            let j = Job::new(rd, wr, false, cl, 8, 24);
            let h = run_job(
                &j,
                HostCfg {
                    seed: cl + 7,
                    ..HostCfg::default()
                },
                false,
            );
            let want = j.requests();
            if rd {
                let got: Vec<u64> = h
                    .rd_log
                    .iter()
                    .map(|&(_, a, c)| {
                        assert_eq!(c, cl);
                        a
                    })
                    .collect();
                assert_eq!(got, want, "read order, cl {cl}");
            }
            if wr {
                let got: Vec<u64> = h
                    .wr_log
                    .iter()
                    .map(|&(_, a, c)| {
                        assert_eq!(c, cl);
                        a
                    })
                    .collect();
                assert_eq!(got, want, "write order, cl {cl}");
            }
        }
    }
}

#[test]
fn random_jobs_match_the_reference() {
    for cl in [0, 1, 3] {
        for (rd, wr, preload) in [
            (true, false, false),
            (false, true, false),
            (true, true, true),
        ] {
            let mut j = Job::new(rd, wr, true, cl, 64, 32);
            j.seed = 0xfeed_0000_0000_0000 + cl;
            let h = run_job(
                &j,
                HostCfg {
                    seed: 99 + cl,
                    ..HostCfg::default()
                },
                preload,
            );
            let want = j.requests();
            let log = if rd { &h.rd_log } else { &h.wr_log };
            let got: Vec<u64> = log.iter().map(|&(_, a, _)| a).collect();
            assert_eq!(got, want, "random order, cl {cl}");
            let distinct: std::collections::HashSet<_> = want.iter().collect();
            assert!(
                distinct.len() > want.len() / 2,
                "the order is spread: {want:?}"
            );
        }
    }
}

#[test]
fn both_streams_with_almfull_keep_the_slack_and_finish() {
    let j = Job::new(true, true, false, 3, 16, 64);
    let cfg = HostCfg {
        seed: 5,
        almfull_pct: 30,
        rd_lat: (1, 60),
        ..HostCfg::default()
    };
    run_job(&j, cfg, false);
}

#[test]
fn the_page_identifies_membench() {
    let mut h = membench(HostCfg::default());
    assert_eq!(h.mmio_read(AccelReg::Dfh.offset()), ACCEL_DFH);
    assert_eq!(h.mmio_read(AccelReg::AccelIdL.offset()), ACCEL_ID[0]);
    assert_eq!(h.mmio_read(AccelReg::AccelIdH.offset()), ACCEL_ID[1]);
    assert_eq!(h.mmio_read(AccelReg::StateSize.offset()), STATE_SIZE);
    assert_eq!(h.mmio_read(AccelReg::State.offset()), State::Idle as u64);
    let j = Job::new(true, true, true, 1, 6, 10);
    program(&mut h, &j);
    assert_eq!(reg(&mut h, MemBenchReg::BufAddr), j.buf_addr);
    assert_eq!(reg(&mut h, MemBenchReg::Mode), j.mode);
    assert_eq!(reg(&mut h, MemBenchReg::Seed), j.seed);
    // Read-only registers ignore writes.
    h.mmio_write(MemBenchReg::DoneLines.offset(), 77);
    assert_eq!(reg(&mut h, MemBenchReg::DoneLines), 0);
}

#[test]
fn invalid_starts_stay_idle() {
    let good = Job::new(true, false, false, 3, 8, 16);
    let bad = [
        Job {
            buf_addr: BUF + 64,
            ..good
        },
        Job {
            buf_addr: BUF + 8,
            ..good
        },
        Job {
            buf_addr: 1 << 48,
            ..good
        },
        Job {
            buf_lines: 0,
            ..good
        },
        Job {
            buf_lines: 6,
            ..good
        },
        Job {
            buf_lines: 1 << 42,
            ..good
        },
        Job { total: 0, ..good },
        Job { total: 18, ..good },
        Job {
            mode: mode::with_cl_len(mode::READ, 2),
            ..good
        },
        Job {
            mode: mode::with_cl_len(0, 3),
            ..good
        },
        Job {
            mode: good.mode | 8,
            ..good
        },
    ];
    let mut h = membench(HostCfg::default());
    // From idle, and from finished.
    for (i, j) in bad.iter().enumerate() {
        assert!(!job_valid(j.buf_addr, j.buf_lines, j.total, j.mode));
        if i == 3 {
            program(&mut h, &good);
            ctl(&mut h, Ctl::StartNew);
            finish(&mut h, 500);
        }
        program(&mut h, j);
        ctl(&mut h, Ctl::StartNew);
        h.run(20);
        assert_eq!(
            h.mmio_read(AccelReg::State.offset()),
            State::Idle as u64,
            "{j:x?}"
        );
        ctl(&mut h, Ctl::StartResume);
        h.run(20);
        assert_eq!(
            h.mmio_read(AccelReg::State.offset()),
            State::Idle as u64,
            "resume {j:x?}"
        );
    }
    assert_eq!(
        h.rd_log.len() as u64,
        good.total / good.len(),
        "only the good job read"
    );
    // A valid job, but a resume from a line without the snapshot's MAGIC.
    program(&mut h, &good);
    ctl(&mut h, Ctl::StartResume);
    h.run(60);
    assert_eq!(h.state(), State::Idle as u64, "no MAGIC, no resume");
}

/// Runs `j` with pauses `at` cycles after each (re)start; after each pause the block is
/// optionally reset and the snapshot moved; the end result must equal the reference.
fn pause_resume(j: &Job, at: &[u64], reset: bool, move_snap: bool, cfg: HostCfg) {
    let mut h = membench(cfg);
    let preload = j.rd() && j.wr();
    if preload {
        for k in 0..j.buf_lines {
            h.mem.insert(j.buf_addr / 64 + k, j.pattern(k));
        }
    }
    let before = h.mem.clone();
    program(&mut h, j);
    ctl(&mut h, Ctl::StartNew);
    let mut snap_at = SNAP;
    let mut snap_read = 0u64;
    let mut pauses = 0;
    for (i, &t) in at.iter().enumerate() {
        h.run(t);
        if h.state() != State::Running as u64 {
            break;
        }
        if i % 2 == 0 {
            h.pause();
        } else {
            ctl(&mut h, Ctl::Pause);
        }
        h.run_until(2000, "STATE paused", |h| h.state() == State::Paused as u64);
        assert!(h.idle(), "paused with requests outstanding");
        let s = h.line(snap_at / 64);
        assert_eq!(s[snapshot::MAGIC_WORD], snapshot::MAGIC);
        assert_eq!(
            s[snapshot::RD_LINES] + s[snapshot::WR_LINES],
            reg(&mut h, MemBenchReg::DoneLines)
        );
        assert_eq!(s[snapshot::CHECKSUM], reg(&mut h, MemBenchReg::Checksum));
        assert_eq!(s[snapshot::CHECKSUM], h.rd_sum.wrapping_sub(snap_read));
        snap_read = s.iter().fold(snap_read, |a, &w| a.wrapping_add(w));
        pauses += 1;
        h.run(5);
        assert_eq!(h.state(), State::Paused as u64);
        if reset {
            h.reset(4);
            h.run(4);
            assert_eq!(reg(&mut h, MemBenchReg::DoneLines), 0);
            if move_snap {
                h.mem.remove(&(snap_at / 64));
                snap_at = SNAP + 64 * (i as u64 + 1) * 3;
                h.mem.insert(snap_at / 64, s);
            }
            program(&mut h, j);
            h.mmio_write(AccelReg::SnapshotAddr.offset(), snap_at);
        }
        ctl(&mut h, Ctl::StartResume);
    }
    assert!(pauses >= 2, "only {pauses} pauses taken, {j:x?}");
    finish(&mut h, 40 * j.total + 500);
    // Each request issued exactly once, in order, across the pauses.
    let snaps: Vec<u64> = (0..=at.len() as u64).map(|i| SNAP / 64 + 3 * i).collect();
    let reads: Vec<u64> = h
        .rd_log
        .iter()
        .map(|&(_, a, _)| a)
        .filter(|a| !snaps.contains(a))
        .collect();
    let writes: Vec<u64> = h
        .wr_log
        .iter()
        .map(|&(_, a, _)| a)
        .filter(|a| !snaps.contains(a))
        .collect();
    let none = Vec::new();
    assert_eq!(
        reads,
        if j.rd() { j.requests() } else { none.clone() },
        "reads {j:x?}"
    );
    assert_eq!(
        writes,
        if j.wr() { j.requests() } else { none },
        "writes {j:x?}"
    );
    // Memory outside the buffer: only snapshot lines may have been written.
    for a in [SNAP / 64, snap_at / 64] {
        h.mem.remove(&a);
    }
    check_result(&mut h, j, &before, preload, snap_read);
}

#[test]
fn pause_and_resume_give_the_uninterrupted_result() {
    let cfg = HostCfg {
        seed: 3,
        ..HostCfg::default()
    };
    for (rd, wr, cl) in [(true, false, 0), (false, true, 3), (true, true, 1)] {
        let j = Job::new(rd, wr, false, cl, 16, 48);
        pause_resume(&j, &[2, 9, 17, 30], false, false, cfg);
    }
}

#[test]
fn resume_after_a_reset_and_from_a_moved_snapshot() {
    let cfg = HostCfg {
        seed: 11,
        almfull_pct: 10,
        ..HostCfg::default()
    };
    for (rd, wr, cl, random) in [
        (true, true, 3, true),
        (false, true, 1, false),
        (true, false, 0, true),
    ] {
        let j = Job::new(rd, wr, random, cl, 32, 48);
        pause_resume(&j, &[6, 13, 25], true, true, cfg);
    }
}

#[test]
fn issue_rate_is_one_request_per_cycle_without_almfull() {
    let j = Job::new(true, true, false, 0, 64, 128);
    let h = run_job(
        &j,
        HostCfg {
            rd_lat: (20, 40),
            ..HostCfg::default()
        },
        true,
    );
    for (what, log) in [("read", &h.rd_log), ("write", &h.wr_log)] {
        let span = log.last().unwrap().0 - log[0].0 + 1;
        let rate = log.len() as f64 / span as f64;
        println!(
            "MEASURED: {what} issue rate, L = 1, no almfull: {} requests in {span} cycles = {rate:.3} lines/cycle",
            log.len()
        );
        assert_eq!(span, log.len() as u64, "{what}: one request every cycle");
    }
    let j = Job::new(true, true, true, 3, 64, 256);
    let h = run_job(&j, HostCfg::default(), true);
    for (what, log, beats) in [("read", &h.rd_log, 1), ("write", &h.wr_log, 4)] {
        let span = log.last().unwrap().0 - log[0].0 + beats;
        let rate = 4.0 * log.len() as f64 / span as f64;
        println!("MEASURED: {what} issue rate, L = 4, random, no almfull: {rate:.3} lines/cycle");
    }
}

/// A block with the slot-side ports and no logic: the test sets its outputs by hand.
#[derive(LogicBlock, Default)]
struct Puppet {
    clock: Signal<In, Clock>,
    reset: Signal<In, Bit>,
    pause: Signal<In, Bit>,
    state: Signal<Out, Bits<3>>,
    mmio_valid: Signal<In, Bit>,
    mmio_write: Signal<In, Bit>,
    mmio_addr: Signal<In, Bits<10>>,
    mmio_tid: Signal<In, Bits<9>>,
    mmio_wdata: Signal<In, Bits<64>>,
    mmio_rsp_valid: Signal<Out, Bit>,
    mmio_rsp_tid: Signal<Out, Bits<9>>,
    mmio_rsp_data: Signal<Out, Bits<64>>,
    c0_almfull: Signal<In, Bit>,
    c1_almfull: Signal<In, Bit>,
    rd_req_valid: Signal<Out, Bit>,
    rd_req_addr: Signal<Out, Bits<42>>,
    rd_req_cl_len: Signal<Out, Bits<2>>,
    rd_req_mdata: Signal<Out, Bits<16>>,
    rd_rsp_valid: Signal<In, Bit>,
    rd_rsp_mdata: Signal<In, Bits<16>>,
    rd_rsp_cl_num: Signal<In, Bits<2>>,
    rd_rsp_data: Signal<In, Bits<512>>,
    wr_req_valid: Signal<Out, Bit>,
    wr_req_addr: Signal<Out, Bits<42>>,
    wr_req_cl_len: Signal<Out, Bits<2>>,
    wr_req_sop: Signal<Out, Bit>,
    wr_req_mdata: Signal<Out, Bits<16>>,
    wr_req_data: Signal<Out, Bits<512>>,
    wr_rsp_valid: Signal<In, Bit>,
    wr_rsp_mdata: Signal<In, Bits<16>>,
}

impl Logic for Puppet {
    fn update(&mut self) {}
}

slot_accel!(Puppet);

fn puppet(cfg: HostCfg) -> Host<Puppet> {
    Host::new(Puppet::default(), cfg)
}

/// Presents a read (or nothing) for one cycle, and records the read responses seen.
fn puppet_read(h: &mut Host<Puppet>, req: Option<(u64, u64, u64)>, got: &mut Vec<(u64, u64, u64)>) {
    h.dut.rd_req_valid.next = req.is_some();
    if let Some((addr, cl, mdata)) = req {
        h.dut.rd_req_addr.next = addr.to_bits();
        h.dut.rd_req_cl_len.next = cl.to_bits();
        h.dut.rd_req_mdata.next = mdata.to_bits();
    }
    h.step();
    if h.dut.rd_rsp_valid.val() {
        let d = accel_host::from_bits512(h.dut.rd_rsp_data.val());
        let m = h.dut.rd_rsp_mdata.val().to_u64();
        let n = h.dut.rd_rsp_cl_num.val().to_u64();
        got.push((m, n, d[0]));
    }
}

#[test]
fn host_answers_every_read_line_out_of_order_with_its_data() {
    let mut h = puppet(HostCfg::default());
    let mut got = Vec::new();
    let reqs = [(0x100, 3, 1), (0x40, 0, 2), (0x42, 1, 3), (0x200, 3, 4)];
    for &r in &reqs {
        puppet_read(&mut h, Some(r), &mut got);
    }
    for _ in 0..60 {
        puppet_read(&mut h, None, &mut got);
    }
    let mut want = Vec::new();
    for &(addr, cl, mdata) in &reqs {
        for n in 0..=cl {
            want.push((mdata, n, accel_host::fill(addr + n)[0]));
        }
    }
    assert_ne!(got, want, "responses come out of order");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(h.idle());
}

#[test]
#[should_panic(expected = "not aligned")]
fn host_rejects_a_misaligned_read() {
    let mut h = puppet(HostCfg::default());
    puppet_read(&mut h, Some((0x41, 1, 0)), &mut Vec::new());
}

#[test]
#[should_panic(expected = "more than 8 beats")]
fn host_rejects_a_ninth_beat_after_almfull() {
    let mut h = puppet(HostCfg {
        almfull_pct: 100,
        ..HostCfg::default()
    });
    for _ in 0..40 {
        puppet_read(&mut h, Some((0, 0, 0)), &mut Vec::new());
    }
}

#[test]
fn host_writes_packets_and_acknowledges_each_once() {
    let mut h = puppet(HostCfg::default());
    for (base, cl, mdata) in [(0x80u64, 3u64, 5u64), (0x10, 1, 6), (0x7, 0, 7)] {
        for n in 0..=cl {
            h.dut.wr_req_valid.next = true;
            h.dut.wr_req_addr.next = (base + n).to_bits();
            h.dut.wr_req_cl_len.next = cl.to_bits();
            h.dut.wr_req_sop.next = n == 0;
            h.dut.wr_req_mdata.next = mdata.to_bits();
            h.dut.wr_req_data.next = accel_host::to_bits512(&[base + n; 8]);
            h.step();
        }
    }
    h.dut.wr_req_valid.next = false;
    h.run(40);
    assert_eq!(h.wr_acked, 3);
    assert_eq!(h.line(0x83), [0x83; 8]);
    assert_eq!(h.line(0x7), [0x7; 8]);
    assert_eq!(
        h.wr_log,
        vec![
            (h.wr_log[0].0, 0x80, 3),
            (h.wr_log[0].0 + 4, 0x10, 1),
            (h.wr_log[0].0 + 6, 0x7, 0)
        ]
    );
    assert!(h.idle());
}

#[test]
fn almfull_stalls_both_streams_and_is_never_overrun() {
    // One line per request and long almfull bursts: a stream that ignored almfull would
    // present a ninth request inside a burst, which the host rejects.
    let j = Job::new(true, true, true, 0, 64, 160);
    let cfg = HostCfg {
        seed: 21,
        almfull_pct: 50,
        ..HostCfg::default()
    };
    let h = run_job(&j, cfg, true);
    for log in [&h.rd_log, &h.wr_log] {
        let span = log.last().unwrap().0 - log[0].0 + 1;
        assert!(
            span > log.len() as u64 * 3 / 2,
            "almfull stalled the stream: {span} cycles"
        );
    }
}
