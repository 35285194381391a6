//! [`SimShell`]: a Verilated `optimus_shell` plus the host it talks to: memory behind a
//! [`LineMemory`], read and write responses with configurable latency, bandwidth, reordering
//! and almfull, MMIO by byte offset, and checks of the host protocol on every cycle.
//!
//! * **Reads**: one response line per cycle at most, at `rd_bandwidth` lines per cycle on
//!   average, each after a latency drawn from `rd_latency`; with `reorder` the host picks among
//!   the due lines at random (out of order across and within requests), else strictly in order.
//! * **Writes**: beats checked (sop, contiguous addresses, cl_len and mdata constant, not
//!   interleaved); a complete request drains into memory at `wr_bandwidth` lines per cycle and
//!   is answered after a latency drawn from `wr_latency`.
//! * **Almfull**: random bursts on both channels (`almfull_rate`), and whenever the host's
//!   queues are full (`read_backlog` read lines waiting, `write_backlog` write lines draining).
//!   Beats after almfull was seen are counted; more than 8 is a protocol violation.
//! * **MMIO**: blocking reads and writes by byte offset, or many reads in flight; every answer
//!   is checked (exactly once, known tid, within 512 cycles).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::SimError;
use super::model::ShellModel;
use super::ports::{Line, WriteReq};

/// MMIO reads must be answered within this many cycles (design.md §1).
pub const MMIO_DEADLINE: u64 = 512;
/// Beats a sender may present after it saw almfull (design.md §1).
const ALMFULL_SLACK: u32 = 8;

/// Host memory as the shell's host sees it: 64-byte lines by line address (IOVA >> 6).
pub trait LineMemory {
    /// Line `line`, read at `cycle`.
    fn read_line(&mut self, line: u64, cycle: u64) -> Line;
    /// Stores `data` at line `line`, written at `cycle`.
    fn write_line(&mut self, line: u64, data: &Line, cycle: u64);
}

/// How the simulated host behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct HostConfig {
    /// Read latency range in cycles, inclusive.
    pub rd_latency: (u64, u64),
    /// Write response latency range in cycles, inclusive.
    pub wr_latency: (u64, u64),
    /// Read lines returned per cycle on average (at most 1: one response port).
    pub rd_bandwidth: f64,
    /// Write lines stored per cycle on average.
    pub wr_bandwidth: f64,
    /// Read responses out of order (else in request order).
    pub reorder: bool,
    /// Per-cycle probability that a random almfull burst starts on a channel.
    pub almfull_rate: f64,
    /// Read lines waiting for their response at which the host raises `c0_almfull`.
    pub read_backlog: usize,
    /// Write lines waiting to be stored at which the host raises `c1_almfull`.
    pub write_backlog: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Keep a log of every request that reaches the host.
    pub log_requests: bool,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            rd_latency: (20, 60),
            wr_latency: (10, 40),
            rd_bandwidth: 1.0,
            wr_bandwidth: 1.0,
            reorder: true,
            almfull_rate: 0.01,
            read_backlog: 96,
            write_backlog: 64,
            seed: 1,
            log_requests: false,
        }
    }
}

impl HostConfig {
    /// The values make sense (ranges ordered, rates in range).
    pub fn check(&self) -> Result<(), SimError> {
        let bad = |what: &str| Err(SimError::HostConfig(what.to_string()));
        if self.rd_latency.0 > self.rd_latency.1 || self.wr_latency.0 > self.wr_latency.1 {
            return bad("a latency range has its minimum above its maximum");
        }
        if !(self.rd_bandwidth > 0.0 && self.rd_bandwidth <= 1.0) {
            return bad("rd_bandwidth must be in (0, 1] lines per cycle");
        }
        if !(self.wr_bandwidth > 0.0 && self.wr_bandwidth <= 4.0) {
            return bad("wr_bandwidth must be in (0, 4] lines per cycle");
        }
        if !(0.0..1.0).contains(&self.almfull_rate) {
            return bad("almfull_rate must be in [0, 1)");
        }
        if self.read_backlog == 0 || self.write_backlog == 0 {
            return bad("read_backlog and write_backlog must be at least 1");
        }
        Ok(())
    }
}

/// A window of cycles to write as a VCD trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceWindow {
    /// The VCD file.
    pub path: PathBuf,
    /// First cycle traced.
    pub from: u64,
    /// Cycles traced.
    pub cycles: u64,
}

/// A request as it reached the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostReq {
    /// Cycle of its first beat.
    pub cycle: u64,
    /// A write (else a read).
    pub write: bool,
    /// First line address.
    pub addr: u64,
    /// Lines.
    pub lines: u64,
}

/// A broken rule of the host protocol, seen at the host port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Cycle.
    pub cycle: u64,
    /// What.
    pub what: String,
}

struct OpenWrite {
    addr: u64,
    lines: u64,
    mdata: u16,
    beats: Vec<Line>,
}

/// A read line waiting for its response.
struct ReadDue {
    due: u64,
    mdata: u16,
    cl_num: u8,
    addr: u64,
}

/// The shell plus its host.
pub struct SimShell<M> {
    model: ShellModel,
    /// Host memory.
    pub mem: M,
    cfg: HostConfig,
    rng: SmallRng,
    rd_due: VecDeque<ReadDue>,
    rd_tokens: f64,
    wr_drain: VecDeque<OpenWrite>,
    wr_drained: u64,
    wr_tokens: f64,
    wr_due: Vec<(u64, u16)>,
    open: Option<OpenWrite>,
    af: [u64; 2],
    after_af: [u32; 2],
    mmio_queue: VecDeque<(u16, bool, u64, u16)>,
    outstanding: HashMap<u16, u64>,
    answers: HashMap<u16, u64>,
    free_tids: Vec<u16>,
    /// Requests seen at the host (when `log_requests`).
    pub log: Vec<HostReq>,
    /// Protocol violations seen so far.
    pub violations: Vec<Violation>,
    /// Read lines and write lines served.
    pub lines: [u64; 2],
    trace: Option<TraceWindow>,
}

impl<M: LineMemory> SimShell<M> {
    /// The shell in `model`, reset, with host memory `mem`.
    pub fn new(mut model: ShellModel, mem: M, cfg: HostConfig) -> Result<Self, SimError> {
        cfg.check()?;
        model.reset();
        let rng = SmallRng::seed_from_u64(cfg.seed);
        Ok(Self {
            model,
            mem,
            cfg,
            rng,
            rd_due: VecDeque::new(),
            rd_tokens: 0.0,
            wr_drain: VecDeque::new(),
            wr_drained: 0,
            wr_tokens: 0.0,
            wr_due: Vec::new(),
            open: None,
            af: [0; 2],
            after_af: [0; 2],
            mmio_queue: VecDeque::new(),
            outstanding: HashMap::new(),
            answers: HashMap::new(),
            free_tids: (0..512).rev().collect(),
            log: Vec::new(),
            violations: Vec::new(),
            lines: [0; 2],
            trace: None,
        })
    }

    /// Writes the cycles of `window` to its VCD file (the model must be built with tracing,
    /// see [`super::model_cache::shell_model`]). The file is created now, so a bad path is an
    /// error here rather than when the window starts.
    pub fn set_trace(&mut self, window: TraceWindow) -> Result<(), SimError> {
        std::fs::File::create(&window.path).map_err(|source| SimError::TraceFile {
            path: window.path.clone(),
            source,
        })?;
        self.trace = Some(window);
        Ok(())
    }

    fn trace_step(&mut self) {
        let Some(w) = &self.trace else { return };
        let now = self.model.cycle();
        if now >= w.from.saturating_add(w.cycles) {
            self.model.trace_close();
            self.trace = None;
        } else if now >= w.from && !self.model.tracing() {
            // The path was checked by set_trace; a model built without tracing traces nothing.
            let _ = self.model.trace_open(&w.path.clone());
        }
    }

    /// The underlying model (for tracing).
    pub fn model_mut(&mut self) -> &mut ShellModel {
        &mut self.model
    }

    /// Rising edges so far.
    pub fn cycle(&self) -> u64 {
        self.model.cycle()
    }

    /// How the host behaves.
    pub fn host_config(&self) -> &HostConfig {
        &self.cfg
    }

    /// Changes how the host behaves from now on (the random generator keeps its state).
    pub fn set_host_config(&mut self, cfg: HostConfig) -> Result<(), SimError> {
        cfg.check()?;
        self.cfg = cfg;
        Ok(())
    }

    /// Changes read latency and almfull rate from now on.
    pub fn set_host(&mut self, rd_latency: (u64, u64), almfull_rate: f64) {
        self.cfg.rd_latency = rd_latency;
        self.cfg.almfull_rate = almfull_rate;
    }

    fn violation(&mut self, what: String) {
        let cycle = self.cycle();
        self.violations.push(Violation { cycle, what });
    }

    /// One clock cycle: take what the shell presents, drive the host's answers, edge.
    pub fn tick(&mut self) {
        if self.trace.is_some() {
            self.trace_step();
        }
        let now = self.cycle();
        let out = *self.model.host_out();
        // Almfull as the shell saw it at the last edge.
        let seen = [
            self.model.host_in().c0_almfull,
            self.model.host_in().c1_almfull,
        ];
        for (ch, valid) in [(0, out.rd_req.valid), (1, out.wr_req.valid)] {
            if valid && seen[ch] {
                self.after_af[ch] += 1;
                if self.after_af[ch] > ALMFULL_SLACK {
                    self.violation(format!("channel {ch}: a 9th beat after almfull"));
                }
            }
        }
        if out.rd_req.valid {
            let r = out.rd_req;
            let lines = self.lines_of(r.cl_len, "read");
            if r.addr % lines != 0 {
                self.violation(format!(
                    "read at {:#x} not aligned to {lines} lines",
                    r.addr
                ));
            }
            self.log_req(false, r.addr, lines);
            self.lines[0] += lines;
            for l in 0..lines {
                let (lo, hi) = self.cfg.rd_latency;
                let due = now + self.rng.random_range(lo..=hi);
                self.rd_due.push_back(ReadDue {
                    due,
                    mdata: r.mdata,
                    cl_num: l as u8,
                    addr: r.addr + l,
                });
            }
        }
        if out.wr_req.valid {
            self.write_beat(out.wr_req);
        }
        if out.mmio_rsp.valid {
            let tid = out.mmio_rsp.tid;
            match self.outstanding.remove(&tid) {
                Some(issued) => {
                    if now - issued > MMIO_DEADLINE {
                        self.violation(format!(
                            "MMIO tid {tid} answered after {} cycles",
                            now - issued
                        ));
                    }
                    self.answers.insert(tid, out.mmio_rsp.data);
                }
                None => self.violation(format!(
                    "MMIO answer for tid {tid}, which is not outstanding"
                )),
            }
        }
        self.drain_writes(now);
        self.drive(now);
        self.model.tick();
    }

    fn lines_of(&mut self, cl_len: u8, what: &str) -> u64 {
        match cl_len {
            0 => 1,
            1 => 2,
            3 => 4,
            _ => {
                self.violation(format!("{what} with illegal cl_len {cl_len}"));
                1
            }
        }
    }

    fn log_req(&mut self, write: bool, addr: u64, lines: u64) {
        if self.cfg.log_requests {
            let cycle = self.cycle();
            self.log.push(HostReq {
                cycle,
                write,
                addr,
                lines,
            });
        }
    }

    fn write_beat(&mut self, b: WriteReq) {
        let lines = self.lines_of(b.cl_len, "write");
        match self.open.as_mut() {
            None => {
                if !b.sop {
                    self.violation("write beat without sop outside a request".into());
                }
                if b.addr % lines != 0 {
                    self.violation(format!(
                        "write at {:#x} not aligned to {lines} lines",
                        b.addr
                    ));
                }
                self.open = Some(OpenWrite {
                    addr: b.addr,
                    lines,
                    mdata: b.mdata,
                    beats: vec![b.data],
                });
                self.log_req(true, b.addr, lines);
            }
            Some(w) => {
                let i = w.beats.len() as u64;
                if b.sop || b.addr != w.addr + i || lines != w.lines || b.mdata != w.mdata {
                    let what = format!(
                        "write beat {i} of the request at {:#x}: sop {} addr {:#x} lines {lines} mdata {:#x}",
                        w.addr, b.sop, b.addr, b.mdata
                    );
                    self.violation(what);
                }
                if let Some(w) = self.open.as_mut() {
                    w.beats.push(b.data);
                }
            }
        }
        if self
            .open
            .as_ref()
            .is_some_and(|w| w.beats.len() as u64 == w.lines)
            && let Some(w) = self.open.take()
        {
            self.lines[1] += w.lines;
            self.wr_drain.push_back(w);
        }
    }

    /// Stores complete write requests at `wr_bandwidth` lines per cycle; a request is answered
    /// once all its lines are stored, after its latency.
    fn drain_writes(&mut self, now: u64) {
        let bw = self.cfg.wr_bandwidth;
        self.wr_tokens = (self.wr_tokens + bw).min(bw.max(1.0));
        while self.wr_tokens >= 1.0 {
            let Some(w) = self.wr_drain.front() else {
                break;
            };
            let i = self.wr_drained;
            let (addr, line, lines, mdata) = (w.addr + i, w.beats[i as usize], w.lines, w.mdata);
            self.mem.write_line(addr, &line, now);
            self.wr_tokens -= 1.0;
            self.wr_drained += 1;
            if self.wr_drained == lines {
                self.wr_drain.pop_front();
                self.wr_drained = 0;
                let (lo, hi) = self.cfg.wr_latency;
                let due = now + self.rng.random_range(lo..=hi);
                self.wr_due.push((due, mdata));
            }
        }
    }

    fn drive(&mut self, now: u64) {
        let rate = self.cfg.almfull_rate;
        let mut af = [false; 2];
        for (ch, slot) in af.iter_mut().enumerate() {
            if self.af[ch] <= now && rate > 0.0 && self.rng.random_bool(rate) {
                self.af[ch] = now + self.rng.random_range(1..40);
            }
            *slot = self.af[ch] > now;
        }
        // A real host's queues are finite: with that many lines waiting it raises almfull.
        af[0] |= self.rd_due.len() >= self.cfg.read_backlog;
        let draining: u64 = self.wr_drain.iter().map(|w| w.lines).sum();
        af[1] |= draining as usize >= self.cfg.write_backlog;
        for (seen, count) in af.iter().zip(self.after_af.iter_mut()) {
            if !seen {
                *count = 0;
            }
        }
        let host = self.model.host_in_mut();
        host.c0_almfull = af[0];
        host.c1_almfull = af[1];
        host.rd_rsp.valid = false;
        host.wr_rsp.valid = false;
        host.mmio_req.valid = false;
        self.rd_tokens = (self.rd_tokens + self.cfg.rd_bandwidth).min(1.0);
        if self.rd_tokens >= 1.0
            && let Some(pick) = self.pick_read(now)
            && let Some(r) = self.rd_due.remove(pick)
        {
            self.rd_tokens -= 1.0;
            let data = self.mem.read_line(r.addr, now);
            let host = self.model.host_in_mut();
            host.rd_rsp.valid = true;
            host.rd_rsp.mdata = r.mdata;
            host.rd_rsp.cl_num = r.cl_num;
            host.rd_rsp.data = data;
        }
        if let Some(i) = self.wr_due.iter().position(|w| w.0 <= now) {
            let (_, mdata) = self.wr_due.swap_remove(i);
            let host = self.model.host_in_mut();
            host.wr_rsp.valid = true;
            host.wr_rsp.mdata = mdata;
        }
        if let Some((addr, write, wdata, tid)) = self.mmio_queue.pop_front() {
            if !write {
                self.outstanding.insert(tid, now);
            }
            let host = self.model.host_in_mut();
            host.mmio_req.valid = true;
            host.mmio_req.write = write;
            host.mmio_req.addr = addr;
            host.mmio_req.wdata = wdata;
            host.mmio_req.tid = tid;
        }
    }

    /// The read line to answer this cycle: in order, the oldest once it is due; out of order,
    /// any due line at random.
    fn pick_read(&mut self, now: u64) -> Option<usize> {
        if !self.cfg.reorder {
            return self.rd_due.front().filter(|r| r.due <= now).map(|_| 0);
        }
        let due: Vec<usize> = (0..self.rd_due.len())
            .filter(|&i| self.rd_due[i].due <= now)
            .collect();
        if due.is_empty() {
            return None;
        }
        Some(due[self.rng.random_range(0..due.len())])
    }

    /// Queues a read of the register at byte `offset`; its tid, or `None` when 512 reads are
    /// already in flight.
    pub fn mmio_issue_read(&mut self, offset: u64) -> Option<u16> {
        let tid = self.free_tids.pop()?;
        self.mmio_queue
            .push_back(((offset / 4) as u16, false, 0, tid));
        Some(tid)
    }

    /// Queues a write of the register at byte `offset`.
    pub fn mmio_issue_write(&mut self, offset: u64, value: u64) {
        self.mmio_queue
            .push_back(((offset / 4) as u16, true, value, 0));
    }

    /// The answer to read `tid`, once it has come (the tid is free again then).
    pub fn mmio_answer(&mut self, tid: u16) -> Option<u64> {
        let v = self.answers.remove(&tid)?;
        self.free_tids.push(tid);
        Some(v)
    }

    /// Reads outstanding (issued, not yet answered).
    pub fn mmio_outstanding(&self) -> usize {
        self.outstanding.len() + self.mmio_queue.iter().filter(|q| !q.1).count()
    }

    /// Reads the register at byte `offset`, running the clock until it is answered; an error
    /// if the shell breaks its 512-cycle promise four times over.
    pub fn try_mmio_read(&mut self, offset: u64) -> Result<u64, SimError> {
        let tid = self.mmio_issue_read(offset).ok_or(SimError::MmioBusy)?;
        let issued = self.cycle();
        for _ in 0..MMIO_DEADLINE * 4 {
            self.tick();
            if let Some(v) = self.mmio_answer(tid) {
                return Ok(v);
            }
        }
        Err(SimError::MmioTimeout {
            offset,
            cycle: issued,
        })
    }

    /// Writes the register at byte `offset` (takes effect before any later read).
    pub fn mmio_write(&mut self, offset: u64, value: u64) {
        self.mmio_issue_write(offset, value);
        self.tick();
    }

    /// Runs `cycles` cycles.
    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.tick();
        }
    }

    /// Nothing is in flight at the host (reads, writes, MMIO).
    pub fn host_idle(&self) -> bool {
        self.rd_due.is_empty()
            && self.wr_due.is_empty()
            && self.wr_drain.is_empty()
            && self.open.is_none()
            && self.mmio_outstanding() == 0
    }
}
