//! [`HostAgent`]: the host side of the root port: memory, flow control and MMIO.
//!
//! Memory: each read line is answered after its own random latency, so lines come back out of
//! order within and across requests, with [`line_data`] of its address. A write is answered
//! once all its beats have arrived, after a random latency. One response per channel per cycle,
//! as on the real port. Almfull is raised on each channel in random bursts.
//!
//! MMIO: random reads and writes to page 0, every leaf page and pages beyond N (up to 63), at
//! even (64-bit) offsets, with tids unique among outstanding reads. At most
//! [`MMIO_MAX_READS`] reads are outstanding at once, in total: the tree buffers at most 16 MMIO
//! read responses per leaf, and this host never asks for more than that.
//!
//! With a fixed latency and no almfull the same agent is the benchmark's host.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::data::{line_data, mix64};
use crate::ports::{Down, MmioReq, ReadRsp, Up, WriteRsp};

/// Most MMIO reads this host keeps outstanding (the tree's per-leaf response buffer is 16).
pub const MMIO_MAX_READS: usize = 16;

/// How a [`HostAgent`] behaves.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// Latency of each read line, cycles from request to response (inclusive range).
    pub read_latency: (u64, u64),
    /// Latency from a write's last beat to its response (inclusive range).
    pub write_latency: (u64, u64),
    /// Chance per cycle that an almfull burst starts on a channel (0: never almfull).
    pub almfull_rate: f64,
    /// Length of an almfull burst, cycles (inclusive range).
    pub almfull_len: (u64, u64),
    /// Chance per cycle of issuing an MMIO request (0: no MMIO).
    pub mmio_rate: f64,
    /// Of MMIO requests, the share that are writes.
    pub mmio_write_share: f64,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            read_latency: (2, 200),
            write_latency: (2, 100),
            almfull_rate: 0.01,
            almfull_len: (1, 40),
            mmio_rate: 0.05,
            mmio_write_share: 0.4,
        }
    }
}

impl HostConfig {
    /// The benchmark's host: every response after exactly `latency` cycles (or as soon after as
    /// the one-per-cycle response port allows), no almfull, no MMIO.
    pub fn fixed(latency: u64) -> Self {
        Self {
            read_latency: (latency, latency),
            write_latency: (latency, latency),
            almfull_rate: 0.0,
            almfull_len: (0, 0),
            mmio_rate: 0.0,
            mmio_write_share: 0.0,
        }
    }
}

/// A read line owed to the root, ordered by when it is due (then by arrival).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DueLine {
    ready: u64,
    seq: u64,
    mdata: u16,
    cl_num: u8,
    addr: u64,
}

/// The write whose beats are arriving.
#[derive(Clone, Copy, Debug)]
struct OpenWrite {
    mdata: u16,
    lines: u8,
    seen: u8,
}

/// One host; see the module docs.
#[derive(Debug)]
pub struct HostAgent {
    leaves: usize,
    cfg: HostConfig,
    rng: SmallRng,
    now: u64,
    draining: bool,
    reads: BinaryHeap<Reverse<DueLine>>,
    /// (ready cycle, order, mdata).
    writes: BinaryHeap<Reverse<(u64, u64, u16)>>,
    seq: u64,
    open: Option<OpenWrite>,
    almfull_until: [u64; 2],
    mmio_reads: HashSet<u16>,
    mmio_issued: u64,
}

impl HostAgent {
    /// A host in front of a tree with `leaves` leaves, random stream from `seed`.
    pub fn new(leaves: usize, seed: u64, cfg: HostConfig) -> Self {
        Self {
            leaves,
            cfg,
            rng: SmallRng::seed_from_u64(mix64(seed ^ 0x686f_7374)),
            now: 0,
            draining: false,
            reads: BinaryHeap::new(),
            writes: BinaryHeap::new(),
            seq: 0,
            open: None,
            almfull_until: [0; 2],
            mmio_reads: HashSet::new(),
            mmio_issued: 0,
        }
    }

    /// Stop raising almfull and issuing MMIO; keep answering.
    pub fn drain(&mut self) {
        self.draining = true;
    }

    /// Nothing owed and no write half received.
    pub fn is_idle(&self) -> bool {
        self.reads.is_empty()
            && self.writes.is_empty()
            && self.open.is_none()
            && self.mmio_reads.is_empty()
    }

    /// MMIO requests issued so far.
    pub fn mmio_issued(&self) -> u64 {
        self.mmio_issued
    }

    /// Sets what the host drives into the root this cycle.
    pub fn drive(&mut self, down: &mut Down) {
        *down = Down::default();
        for ch in 0..2 {
            if !self.draining
                && self.now >= self.almfull_until[ch]
                && self.cfg.almfull_rate > 0.0
                && self.rng.random_bool(self.cfg.almfull_rate)
            {
                let (lo, hi) = self.cfg.almfull_len;
                self.almfull_until[ch] = self.now + self.rng.random_range(lo..=hi);
            }
        }
        down.c0_almfull = self.now < self.almfull_until[0];
        down.c1_almfull = self.now < self.almfull_until[1];
        if self
            .reads
            .peek()
            .is_some_and(|Reverse(r)| r.ready <= self.now)
        {
            let Reverse(r) = self.reads.pop().expect("peeked");
            down.rd_rsp = ReadRsp {
                data: line_data(r.addr),
                mdata: r.mdata,
                valid: true,
                cl_num: r.cl_num,
            };
        }
        if self.writes.peek().is_some_and(|Reverse(w)| w.0 <= self.now) {
            let Reverse((_, _, mdata)) = self.writes.pop().expect("peeked");
            down.wr_rsp = WriteRsp { mdata, valid: true };
        }
        if !self.draining && self.cfg.mmio_rate > 0.0 && self.rng.random_bool(self.cfg.mmio_rate) {
            down.mmio_req = self.random_mmio();
        }
    }

    /// The rising edge: takes what the root presents this cycle.
    pub fn sample(&mut self, up: &Up) {
        let r = up.rd_req;
        if r.valid {
            for line in 0..=r.cl_len {
                let ready = self.now + self.latency(self.cfg.read_latency);
                let addr = r.addr + u64::from(line);
                let due = DueLine {
                    ready,
                    seq: self.seq,
                    mdata: r.mdata,
                    cl_num: line,
                    addr,
                };
                self.reads.push(Reverse(due));
                self.seq += 1;
            }
        }
        let w = up.wr_req;
        if w.valid {
            // Contiguity is the scoreboard's to check; the host just counts beats.
            let mut open = match (w.sop, self.open) {
                (false, Some(open)) => open,
                _ => OpenWrite {
                    mdata: w.mdata,
                    lines: w.cl_len + 1,
                    seen: 0,
                },
            };
            open.seen += 1;
            if open.seen >= open.lines {
                let ready = self.now + self.latency(self.cfg.write_latency);
                self.writes.push(Reverse((ready, self.seq, open.mdata)));
                self.seq += 1;
                self.open = None;
            } else {
                self.open = Some(open);
            }
        }
        if up.mmio_rsp.valid {
            self.mmio_reads.remove(&up.mmio_rsp.tid);
        }
        self.now += 1;
    }

    fn latency(&mut self, (lo, hi): (u64, u64)) -> u64 {
        self.rng.random_range(lo..=hi)
    }

    /// A request to page 0 (10%), a leaf page (70%) or a page beyond N (20%).
    fn random_mmio(&mut self) -> MmioReq {
        let write = self.rng.random_bool(self.cfg.mmio_write_share)
            || self.mmio_reads.len() >= MMIO_MAX_READS;
        let roll = self.rng.random_range(0..10);
        let page: u16 = if roll == 0 || self.leaves >= 63 {
            0
        } else if roll < 8 {
            self.rng.random_range(1..=self.leaves as u16)
        } else {
            self.rng.random_range(self.leaves as u16 + 1..=63)
        };
        let offset = self.rng.random_range(0..512u16) * 2;
        let tid = loop {
            let tid = self.rng.random_range(0..512u16);
            if !self.mmio_reads.contains(&tid) {
                break tid;
            }
        };
        if !write {
            self.mmio_reads.insert(tid);
        }
        self.mmio_issued += 1;
        MmioReq {
            wdata: self.rng.random(),
            addr: (page << 10) | offset,
            tid,
            valid: true,
            write,
        }
    }
}
