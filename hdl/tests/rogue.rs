//! rust-hdl simulations of Rogue (`optimus_hdl::accel::rogue`) against the shared test host
//! (`accel_host`: random latencies, out-of-order answers, an almfull model that panics on a
//! ninth beat, a protocol scoreboard) and, for exact almfull and MMIO timing, a direct
//! driver. Addresses, data and counters are compared with a Rust reference of the register
//! map's rules (`optimus_regs::rogue`).

#[macro_use]
#[allow(dead_code)]
mod accel_host;

use accel_host::{Host, HostCfg, Line};
use optimus_hdl::accel::rogue::Rogue;
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::rogue::{RogueReg, mode, request_lines, snapshot, write_word};
use rust_hdl::prelude::*;

slot_accel!(Rogue);

const TARGET: u64 = 0x1000; // line 0x40
const SNAP: u64 = 0x8000; // line 0x200

fn host(seed: u64, almfull_pct: u64) -> Host<Rogue> {
    let cfg = HostCfg {
        seed,
        almfull_pct,
        ..HostCfg::default()
    };
    Host::new(Rogue::default(), cfg)
}

/// Programs the job registers (the hypervisor's replay) and SNAPSHOT_ADDR.
fn program(h: &mut Host<Rogue>, m: u64, span: u64, count: u64) {
    h.mmio_write(RogueReg::Mode.offset(), m);
    h.mmio_write(RogueReg::TargetAddr.offset(), TARGET);
    h.mmio_write(RogueReg::SpanLines.offset(), span);
    h.mmio_write(RogueReg::Count.offset(), count);
    h.mmio_write(AccelReg::SnapshotAddr.offset(), SNAP);
}

fn ctl(h: &mut Host<Rogue>, c: Ctl) {
    h.mmio_write(AccelReg::Ctl.offset(), c as u64);
}

fn reg(h: &mut Host<Rogue>, r: RogueReg) -> u64 {
    h.mmio_read(r.offset())
}

/// The reference: line addresses of requests `0..n` of a stream.
fn expected_addrs(span: u64, n: u64) -> Vec<(u64, u64)> {
    let l = request_lines(TARGET, span);
    (0..n)
        .map(|k| ((TARGET >> 6) + (k * l) % span, l - 1))
        .collect()
}

fn line_sum(l: &Line) -> u64 {
    l.iter().fold(0u64, |s, w| s.wrapping_add(*w))
}

fn run_to(h: &mut Host<Rogue>, st: State, limit: u64) {
    h.run_until(limit, "STATE", |h| h.state() == st as u64);
}

#[test]
fn reads_cycle_over_the_span_and_the_checksum_is_the_sum_read() {
    for (span, count) in [(8u64, 5u64), (3, 7)] {
        let mut h = host(span, 0);
        // All-ones lines (as a faulting read returns) count as such.
        h.mem.insert((TARGET >> 6) + 1, [u64::MAX; 8]);
        program(&mut h, mode::READ, span, count);
        ctl(&mut h, Ctl::StartNew);
        run_to(&mut h, State::Finished, 1500);
        let got: Vec<(u64, u64)> = h.rd_log.iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(got, expected_addrs(span, count), "span {span}");
        let l = request_lines(TARGET, span);
        let want_sum = (0..count)
            .flat_map(|k| (0..l).map(move |i| (TARGET >> 6) + (k * l) % span + i))
            .fold(0u64, |s, a| s.wrapping_add(line_sum(&h.line(a))));
        assert!(h.idle());
        assert_eq!(reg(&mut h, RogueReg::Issued), count);
        assert_eq!(reg(&mut h, RogueReg::Done), count * l);
        assert_eq!(reg(&mut h, RogueReg::Checksum), want_sum);
        assert_eq!(want_sum, h.rd_sum);
        assert!(h.wr_log.is_empty());
    }
}

#[test]
fn writes_carry_the_pattern_at_the_cycled_addresses() {
    let (span, count) = (8u64, 6u64);
    let mut h = host(3, 0);
    program(&mut h, mode::WRITE | mode::FLOOD, span, count);
    ctl(&mut h, Ctl::StartNew);
    run_to(&mut h, State::Finished, 1500);
    let got: Vec<(u64, u64)> = h.wr_log.iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(got, expected_addrs(span, count));
    for a in (TARGET >> 6)..(TARGET >> 6) + span {
        assert_eq!(h.mem[&a], [write_word(a); 8], "line {a:#x}");
    }
    assert_eq!(h.mem.len() as u64, span, "nothing else written");
    assert_eq!(reg(&mut h, RogueReg::Issued), count);
    assert_eq!(
        reg(&mut h, RogueReg::Done),
        count,
        "write requests acknowledged"
    );
}

#[test]
fn both_streams_flood_under_random_almfull() {
    // The host panics on a ninth beat after almfull: the slack is honoured.
    let (span, count) = (4u64, 40u64);
    let mut h = host(7, 30);
    program(&mut h, mode::READ | mode::WRITE | mode::FLOOD, span, count);
    ctl(&mut h, Ctl::StartNew);
    run_to(&mut h, State::Finished, 3000);
    assert_eq!(h.rd_log.len() as u64, count);
    assert_eq!(h.wr_log.len() as u64, count);
    assert_eq!(reg(&mut h, RogueReg::Issued), 2 * count);
    assert_eq!(reg(&mut h, RogueReg::Done), count * 4 + count);
    assert_eq!(reg(&mut h, RogueReg::Checksum), h.rd_sum);
}

#[test]
fn without_flood_one_request_per_stream_is_outstanding() {
    let mut h = host(11, 0);
    program(&mut h, mode::READ, 1, 6);
    ctl(&mut h, Ctl::StartNew);
    run_to(&mut h, State::Finished, 1500);
    let cycles: Vec<u64> = h.rd_log.iter().map(|r| r.0).collect();
    // The host answers after at least 3 cycles: requests are never back to back.
    assert!(cycles.windows(2).all(|w| w[1] - w[0] >= 4), "{cycles:?}");
}

#[test]
fn ignore_pause_keeps_running_and_issuing() {
    let mut h = host(5, 0);
    program(&mut h, mode::READ | mode::IGNORE_PAUSE, 2, 0);
    ctl(&mut h, Ctl::StartNew);
    h.run(40);
    h.pause();
    ctl(&mut h, Ctl::Pause);
    let before = h.rd_log.len();
    h.run(200);
    assert_eq!(h.state(), State::Running as u64);
    assert!(h.rd_log.len() > before + 5, "still issuing after pause");
}

#[test]
fn pause_resume_round_trip_equals_an_uninterrupted_run() {
    let (span, count) = (8u64, 12u64);
    let m = mode::READ | mode::WRITE;
    let mut h = host(21, 20);
    program(&mut h, m, span, count);
    ctl(&mut h, Ctl::StartNew);
    h.run(60);
    h.pause(); // the preemption controller's pulse
    run_to(&mut h, State::Paused, 1500);
    assert!(h.idle(), "nothing owed once paused");
    let snap = h.line(SNAP >> 6);
    let field = |lsb: u32| (snap[lsb as usize / 64] >> (lsb % 64)) & 0xffff_ffff;
    let (rd_n, wr_n) = (field(snapshot::RD_ISSUED), field(snapshot::WR_ISSUED));
    assert!(rd_n + wr_n < 2 * count, "paused mid-job");
    assert_eq!(field(snapshot::ISSUED), rd_n + wr_n);
    assert_eq!(field(snapshot::DONE), rd_n * 4 + wr_n);
    assert_eq!(snap[snapshot::CHECKSUM as usize / 64], h.rd_sum);
    let issued_paused = reg(&mut h, RogueReg::Issued);
    assert_eq!(issued_paused, rd_n + wr_n);
    // Another tenant used the slot: reset, replay, resume.
    h.reset(16);
    assert_eq!(h.state(), State::Idle as u64);
    program(&mut h, m, span, count);
    let sum_before_restore = h.rd_sum;
    ctl(&mut h, Ctl::StartResume);
    run_to(&mut h, State::Finished, 3000);
    let snap_sum = line_sum(&h.line(SNAP >> 6));
    let (rd, wr): (Vec<_>, Vec<_>) = (
        h.rd_log
            .iter()
            .filter(|r| r.1 != SNAP >> 6)
            .map(|r| (r.1, r.2))
            .collect(),
        h.wr_log
            .iter()
            .filter(|r| r.1 != SNAP >> 6)
            .map(|r| (r.1, r.2))
            .collect(),
    );
    assert_eq!(
        rd,
        expected_addrs(span, count),
        "reads continue where they stopped"
    );
    assert_eq!(
        wr,
        expected_addrs(span, count),
        "writes continue where they stopped"
    );
    assert_eq!(reg(&mut h, RogueReg::Issued), 2 * count);
    assert_eq!(reg(&mut h, RogueReg::Done), count * 4 + count);
    let job_sum = h.rd_sum.wrapping_sub(snap_sum);
    assert_eq!(reg(&mut h, RogueReg::Checksum), job_sum);
    assert!(h.rd_sum != sum_before_restore);
}

/// Drives Rogue directly: exact almfull, MMIO without the host's 2-cycle check.
struct Direct {
    r: Rogue,
    now: u64,
}

impl Direct {
    fn new() -> Self {
        let mut r = Rogue::default();
        r.connect_all();
        let mut d = Direct { r, now: 0 };
        d.r.reset.next = true;
        d.run(16);
        d.r.reset.next = false;
        d.run(4);
        d
    }

    /// One cycle; returns (rd_req_valid, wr_req_valid, mmio_rsp_valid) of this cycle.
    fn step(&mut self) -> (bool, bool, bool) {
        self.r.clock.next = Clock { clk: false };
        assert!(simulate(&mut self.r, 10_000));
        let o = (
            self.r.rd_req_valid.val(),
            self.r.wr_req_valid.val(),
            self.r.mmio_rsp_valid.val(),
        );
        self.r.clock.next = Clock { clk: true };
        assert!(simulate(&mut self.r, 10_000));
        self.r.mmio_valid.next = false;
        self.now += 1;
        o
    }

    fn run(&mut self, n: u64) -> Vec<(bool, bool, bool)> {
        (0..n).map(|_| self.step()).collect()
    }

    fn mmio(&mut self, off: u64, write: bool, value: u64) -> Vec<(bool, bool, bool)> {
        self.r.mmio_valid.next = true;
        self.r.mmio_write.next = write;
        self.r.mmio_addr.next = (off / 4).to_bits();
        self.r.mmio_wdata.next = value.to_bits();
        self.run(1)
    }
}

#[test]
fn flood_issues_every_allowed_cycle_and_exactly_8_beats_after_almfull() {
    // Reads (1-line) and writes (4-line packets, so beats), answers never come (FLOOD does
    // not wait for them), COUNT = 0.
    let mut d = Direct::new();
    d.mmio(
        RogueReg::Mode.offset(),
        true,
        mode::READ | mode::WRITE | mode::FLOOD,
    );
    d.mmio(RogueReg::SpanLines.offset(), true, 4);
    d.mmio(AccelReg::Ctl.offset(), true, Ctl::StartNew as u64);
    let warm = d.run(6);
    let free = d.run(20);
    assert!(
        warm[3..].iter().chain(&free).all(|o| o.0 && o.1),
        "a beat every cycle"
    );
    // almfull high during cycle t, seen at its edge: at most 8 beats from t + 1 on.
    d.r.c0_almfull.next = true;
    d.r.c1_almfull.next = true;
    let held = d.run(30);
    let rd: Vec<bool> = held.iter().map(|o| o.0).collect();
    let wr: Vec<bool> = held.iter().map(|o| o.1).collect();
    let eight = |v: &[bool]| v[0] && v[1..9].iter().all(|b| *b) && v[9..].iter().all(|b| !b);
    assert!(
        eight(&rd),
        "reads: the beat of cycle t, 8 more, then none: {rd:?}"
    );
    assert!(eight(&wr), "write beats likewise: {wr:?}");
    d.r.c0_almfull.next = false;
    d.r.c1_almfull.next = false;
    let again = d.run(6);
    assert!(
        !again[0].0 && again[1..].iter().all(|o| o.0 && o.1),
        "{again:?}"
    );
}

#[test]
fn mute_mmio_stops_read_answers_once_running_until_reset() {
    let mut d = Direct::new();
    d.mmio(RogueReg::Mode.offset(), true, mode::MUTE_MMIO);
    d.mmio(RogueReg::SpanLines.offset(), true, 1);
    let answered = |d: &mut Direct| {
        let mut o = d.mmio(AccelReg::State.offset(), false, 0);
        o.extend(d.run(10));
        o.iter().filter(|o| o.2).count()
    };
    assert_eq!(answered(&mut d), 1, "idle: answered");
    d.mmio(AccelReg::Ctl.offset(), true, Ctl::StartNew as u64);
    d.run(4);
    assert_eq!(answered(&mut d), 0, "running: muted");
    d.mmio(RogueReg::Mode.offset(), true, 0); // clearing the bit does not unmute
    assert_eq!(answered(&mut d), 0, "still muted");
    d.r.reset.next = true;
    d.run(2);
    d.r.reset.next = false;
    d.run(2);
    assert_eq!(answered(&mut d), 1, "reset unmutes");
}
