//! A host for a Verilated `optimus_shell`: memory, read/write responses with random latency,
//! out-of-order answers and almfull, MMIO by byte offset, and checks of the host protocol.
//!
//! [`ShellSim`] owns the model and plays the host at the `host_*` ports (design.md §1):
//! * **Memory** ([`HostMemory`]): 64-byte lines by IOVA line address; lines never written read
//!   as [`unwritten`] (a pattern of the address, so a wrong address shows).
//! * **Reads**: one response per line after a random latency in `rd_latency`, chosen among the
//!   due lines at random (so out of order across and within requests). **Writes**: beats
//!   checked (sop, contiguous addresses, cl_len and mdata constant, not interleaved), stored
//!   when the last beat arrives, answered after a random latency.
//! * **Almfull**: random bursts on both channels, and on reads whenever 96 lines wait for their
//!   response (the host answers one line per cycle); beats after almfull was seen are counted
//!   and more than 8 is a protocol violation.
//! * **MMIO**: [`ShellSim::mmio_read`] / [`ShellSim::mmio_write`] (blocking, by byte offset)
//!   and [`ShellSim::mmio_issue_read`] / [`ShellSim::mmio_answer`] for many reads in flight;
//!   every answer is checked against the reads outstanding (exactly once, known tid, within
//!   512 cycles).
//!
//! Every request that reaches the host is logged ([`HostReq`]) when `log_requests` is set:
//! the isolation tests check them against the slices.

pub mod chain;
pub mod membench;
mod memory;
pub mod migrate;
mod ops;

pub use memory::{HostMemory, unwritten};

use crate::model::{ModelError, MuxTreeModel};
use crate::ports::Line;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// MMIO reads must be answered within this many cycles (design.md §1).
pub const MMIO_DEADLINE: u64 = 512;
/// Read lines waiting for their response beyond which the host raises `c0_almfull`.
const READ_BACKLOG: usize = 96;
/// Beats a sender may present after it saw almfull.
const ALMFULL_SLACK: u32 = 8;

/// How the simulated host behaves.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// Read latency range in cycles, inclusive.
    pub rd_latency: (u64, u64),
    /// Write response latency range in cycles, inclusive.
    pub wr_latency: (u64, u64),
    /// Per-cycle probability that an almfull burst starts on a channel.
    pub almfull_rate: f64,
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
            almfull_rate: 0.01,
            seed: 1,
            log_requests: false,
        }
    }
}

/// A request as it reached the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostReq {
    /// Cycle of its first beat.
    pub cycle: u64,
    /// A write (else a read).
    pub write: bool,
    /// First IOVA line.
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

/// The shell plus its host.
pub struct ShellSim {
    model: MuxTreeModel,
    /// Host memory by IOVA line.
    pub mem: HostMemory,
    cfg: HostConfig,
    rng: SmallRng,
    rd_due: Vec<(u64, u16, u8, u64)>,
    wr_due: Vec<(u64, u16)>,
    open: Option<OpenWrite>,
    af: [u64; 2],
    after_af: [u32; 2],
    mmio_queue: std::collections::VecDeque<(u16, bool, u64, u16)>,
    outstanding: HashMap<u16, u64>,
    answers: HashMap<u16, u64>,
    free_tids: Vec<u16>,
    /// Requests seen at the host (when `log_requests`).
    pub log: Vec<HostReq>,
    /// Protocol violations seen so far.
    pub violations: Vec<Violation>,
    /// Read lines and write lines served.
    pub lines: [u64; 2],
}

impl ShellSim {
    /// The shell of configuration `config`, reset and ready for traffic.
    pub fn new(config: &str, cfg: HostConfig) -> Result<Self, ModelError> {
        let mut model = MuxTreeModel::shell(config)?;
        model.reset();
        let rng = SmallRng::seed_from_u64(cfg.seed);
        Ok(Self {
            model,
            mem: HostMemory::default(),
            cfg,
            rng,
            rd_due: Vec::new(),
            wr_due: Vec::new(),
            open: None,
            af: [0; 2],
            after_af: [0; 2],
            mmio_queue: Default::default(),
            outstanding: HashMap::new(),
            answers: HashMap::new(),
            free_tids: (0..512).rev().collect(),
            log: Vec::new(),
            violations: Vec::new(),
            lines: [0; 2],
        })
    }

    /// The underlying model (for tracing).
    pub fn model_mut(&mut self) -> &mut MuxTreeModel {
        &mut self.model
    }

    /// Rising edges so far.
    pub fn cycle(&self) -> u64 {
        self.model.cycle()
    }

    /// Changes how the host behaves from now on (the seed is kept).
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
        let now = self.cycle();
        let out = *self.model.host_out();
        // Requests and MMIO answers presented this cycle.
        // Almfull as the shell saw it at the last edge.
        let seen = [
            self.model.inputs().host.c0_almfull,
            self.model.inputs().host.c1_almfull,
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
            let lines = match r.cl_len {
                0 => 1,
                1 => 2,
                3 => 4,
                _ => {
                    self.violation(format!("read with illegal cl_len {}", r.cl_len));
                    1
                }
            };
            if r.addr % lines != 0 {
                self.violation(format!(
                    "read at {:#x} not aligned to {lines} lines",
                    r.addr
                ));
            }
            self.log_req(false, r.addr, lines);
            self.lines[0] += lines;
            for l in 0..lines {
                let due = now
                    + self
                        .rng
                        .random_range(self.cfg.rd_latency.0..=self.cfg.rd_latency.1);
                self.rd_due.push((due, r.mdata, l as u8, r.addr + l));
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
        self.drive(now);
        self.model.tick();
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

    fn write_beat(&mut self, b: crate::ports::WriteReq) {
        let lines = match b.cl_len {
            0 => 1,
            1 => 2,
            3 => 4,
            _ => {
                self.violation(format!("write with illegal cl_len {}", b.cl_len));
                1
            }
        };
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
        {
            let w = self.open.take().expect("checked");
            for (i, line) in w.beats.iter().enumerate() {
                self.mem.write(w.addr + i as u64, *line);
            }
            self.lines[1] += w.lines;
            let due = self.cycle()
                + self
                    .rng
                    .random_range(self.cfg.wr_latency.0..=self.cfg.wr_latency.1);
            self.wr_due.push((due, w.mdata));
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
        // The host returns one read line per cycle: with more than READ_BACKLOG lines waiting
        // it raises almfull, as a real host's queues would.
        af[0] |= self.rd_due.len() >= READ_BACKLOG;
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
        // One read line among those due, at random: out of order.
        let due: Vec<usize> = (0..self.rd_due.len())
            .filter(|&i| self.rd_due[i].0 <= now)
            .collect();
        if !due.is_empty() {
            let pick = due[self.rng.random_range(0..due.len())];
            let (_, mdata, cl_num, addr) = self.rd_due.swap_remove(pick);
            let data = self.mem.read(addr);
            let host = self.model.host_in_mut();
            host.rd_rsp.valid = true;
            host.rd_rsp.mdata = mdata;
            host.rd_rsp.cl_num = cl_num;
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

    /// Queues a read of the register at byte `offset`; returns its tid.
    pub fn mmio_issue_read(&mut self, offset: u64) -> u16 {
        let tid = self
            .free_tids
            .pop()
            .expect("at most 512 MMIO reads outstanding");
        self.mmio_queue
            .push_back(((offset / 4) as u16, false, 0, tid));
        tid
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

    /// Reads the register at byte `offset`, running the clock until it is answered.
    pub fn mmio_read(&mut self, offset: u64) -> u64 {
        let tid = self.mmio_issue_read(offset);
        for _ in 0..MMIO_DEADLINE * 4 {
            self.tick();
            if let Some(v) = self.mmio_answer(tid) {
                return v;
            }
        }
        panic!(
            "MMIO read of {offset:#x} never answered (cycle {})",
            self.cycle()
        );
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

    /// Runs until `done(self)` holds, checking every `every` cycles; `None` after `limit`
    /// cycles, else the cycles it took.
    pub fn run_until(
        &mut self,
        limit: u64,
        every: u64,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> Option<u64> {
        let start = self.cycle();
        while self.cycle() - start < limit {
            if done(self) {
                return Some(self.cycle() - start);
            }
            self.run(every);
        }
        None
    }

    /// Nothing is in flight at the host (reads, writes, MMIO).
    pub fn host_idle(&self) -> bool {
        self.rd_due.is_empty()
            && self.wr_due.is_empty()
            && self.open.is_none()
            && self.mmio_outstanding() == 0
    }
}
