//! [`LeafAgent`]: a random accelerator on one leaf port.
//!
//! It alternates busy and quiet phases (so the tree sees both saturation and gaps), issues
//! 1/2/4-line reads and writes at random aligned 42-bit addresses with random `mdata` (in the
//! bits the leaf owns, unique among its outstanding requests), leaves random gaps between the
//! beats of a write, and obeys almfull while using all of its 8-beat slack most of the time, to
//! push the tree's buffers to their limit. It answers MMIO reads after random delays, in any
//! order, with [`mmio_data`]. Checking is the scoreboard's job; the agent only keeps what it
//! needs to reuse `mdata` safely.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::data::{mix64, mmio_data};
use crate::ports::{Down, MmioRsp, ReadReq, Up, WriteReq};
use crate::slack::Slack;
use crate::tag::TagLayout;

/// How a [`LeafAgent`] behaves.
#[derive(Clone, Debug)]
pub struct LeafConfig {
    /// Chance per cycle of switching between a busy and a quiet phase.
    pub phase_switch: f64,
    /// Chance per cycle of presenting a new request in a busy phase (per channel).
    pub busy_rate: f64,
    /// Same in a quiet phase.
    pub quiet_rate: f64,
    /// Chance of presenting a beat while throttled by almfull but with slack left.
    pub slack_rate: f64,
    /// Chance of a gap before each non-first beat of a write.
    pub beat_gap: f64,
    /// Most reads (and, separately, writes) outstanding at once.
    pub max_outstanding: usize,
    /// MMIO read answer delay, cycles (inclusive range).
    pub mmio_delay: (u64, u64),
}

impl Default for LeafConfig {
    fn default() -> Self {
        Self {
            phase_switch: 1.0 / 400.0,
            busy_rate: 0.8,
            quiet_rate: 0.02,
            slack_rate: 0.9,
            beat_gap: 0.15,
            max_outstanding: 96,
            mmio_delay: (1, 40),
        }
    }
}

/// The write whose beats the leaf is presenting.
#[derive(Clone, Copy, Debug)]
struct OpenWrite {
    mdata: u16,
    base: u64,
    cl_len: u8,
    next: u8,
}

/// What a leaf did, as it counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeafStats {
    /// Read requests presented.
    pub reads: u64,
    /// Write requests started.
    pub writes: u64,
    /// MMIO reads answered.
    pub mmio_answers: u64,
}

/// One random leaf; see the module docs.
#[derive(Debug)]
pub struct LeafAgent {
    index: usize,
    tags: TagLayout,
    cfg: LeafConfig,
    rng: SmallRng,
    now: u64,
    busy: bool,
    draining: bool,
    slack: [Slack; 2],
    /// mdata → bit mask of lines still owed.
    reads: HashMap<u16, u8>,
    writes: HashSet<u16>,
    open: Option<OpenWrite>,
    /// MMIO answers by (ready cycle, order), with tid and data.
    mmio: BinaryHeap<Reverse<(u64, u64, u16, u64)>>,
    mmio_seq: u64,
    stats: LeafStats,
}

impl LeafAgent {
    /// Leaf `index` of a tree of `leaves`, with its own random stream derived from `seed`.
    pub fn new(index: usize, leaves: usize, seed: u64, cfg: LeafConfig) -> Self {
        let mut rng = SmallRng::seed_from_u64(mix64(seed ^ mix64(index as u64 + 1)));
        let busy = rng.random_bool(0.5);
        Self {
            index,
            tags: TagLayout::new(leaves),
            cfg,
            rng,
            now: 0,
            busy,
            draining: false,
            slack: [Slack::default(); 2],
            reads: HashMap::new(),
            writes: HashSet::new(),
            open: None,
            mmio: BinaryHeap::new(),
            mmio_seq: 0,
            stats: LeafStats::default(),
        }
    }

    /// Stop starting requests (an open write still completes; MMIO is still answered).
    pub fn drain(&mut self) {
        self.draining = true;
    }

    /// Nothing outstanding and nothing left to present.
    pub fn is_idle(&self) -> bool {
        self.reads.is_empty()
            && self.writes.is_empty()
            && self.open.is_none()
            && self.mmio.is_empty()
    }

    /// Counts so far.
    pub fn stats(&self) -> LeafStats {
        self.stats
    }

    /// Sets what the leaf presents this cycle.
    pub fn drive(&mut self, up: &mut Up) {
        *up = Up::default();
        if self.rng.random_bool(self.cfg.phase_switch) {
            self.busy = !self.busy;
        }
        let rate = if self.busy {
            self.cfg.busy_rate
        } else {
            self.cfg.quiet_rate
        };
        if let Some(req) = self.next_read(rate) {
            up.rd_req = req;
        }
        if let Some(beat) = self.next_write_beat(rate) {
            up.wr_req = beat;
        }
        if self
            .mmio
            .peek()
            .is_some_and(|Reverse(answer)| answer.0 <= self.now)
        {
            let Reverse((_, _, tid, data)) = self.mmio.pop().expect("peeked");
            up.mmio_rsp = MmioRsp {
                data,
                tid,
                valid: true,
            };
            self.stats.mmio_answers += 1;
        }
    }

    /// The rising edge: takes what the tree presents this cycle.
    pub fn sample(&mut self, down: &Down) {
        self.slack[0].edge(down.c0_almfull);
        self.slack[1].edge(down.c1_almfull);
        let rsp = down.rd_rsp;
        if let Some(owed) = self.reads.get_mut(&rsp.mdata).filter(|_| rsp.valid) {
            *owed &= !(1u8 << (rsp.cl_num & 3));
            if *owed == 0 {
                self.reads.remove(&rsp.mdata);
            }
        }
        if down.wr_rsp.valid {
            self.writes.remove(&down.wr_rsp.mdata);
        }
        let m = down.mmio_req;
        if m.valid && !m.write {
            let (lo, hi) = self.cfg.mmio_delay;
            let ready = self.now + self.rng.random_range(lo..=hi);
            let data = mmio_data(self.index, m.addr, m.tid);
            self.mmio.push(Reverse((ready, self.mmio_seq, m.tid, data)));
            self.mmio_seq += 1;
        }
        self.now += 1;
    }

    /// Whether to present on a channel now: never past the slack, almost always within it.
    fn wants(&mut self, channel: usize, rate: f64) -> bool {
        let slack = self.slack[channel];
        if !slack.may_send() {
            return false;
        }
        let p = if slack.throttled() {
            self.cfg.slack_rate
        } else {
            rate
        };
        self.rng.random_bool(p)
    }

    fn next_read(&mut self, rate: f64) -> Option<ReadReq> {
        if self.draining || self.reads.len() >= self.cfg.max_outstanding || !self.wants(0, rate) {
            return None;
        }
        let cl_len = self.random_len();
        let mdata = self.fresh_mdata();
        let lines = cl_len + 1;
        self.reads.insert(mdata, ((1u16 << lines) - 1) as u8);
        self.slack[0].beat().expect("wants() checked the slack");
        self.stats.reads += 1;
        Some(ReadReq {
            addr: self.random_addr(cl_len),
            mdata,
            valid: true,
            cl_len,
        })
    }

    fn next_write_beat(&mut self, rate: f64) -> Option<WriteReq> {
        let open = match self.open {
            Some(open) => {
                let gap = self.rng.random_bool(self.cfg.beat_gap) && !self.slack[1].throttled();
                if gap || !self.wants(1, 1.0) {
                    return None;
                }
                open
            }
            None => {
                if self.draining
                    || self.writes.len() >= self.cfg.max_outstanding
                    || !self.wants(1, rate)
                {
                    return None;
                }
                let cl_len = self.random_len();
                let mdata = self.fresh_mdata();
                self.writes.insert(mdata);
                self.stats.writes += 1;
                OpenWrite {
                    mdata,
                    base: self.random_addr(cl_len),
                    cl_len,
                    next: 0,
                }
            }
        };
        self.slack[1].beat().expect("wants() checked the slack");
        let beat = WriteReq {
            data: std::array::from_fn(|_| self.rng.random()),
            addr: open.base + u64::from(open.next),
            mdata: open.mdata,
            valid: true,
            cl_len: open.cl_len,
            sop: open.next == 0,
        };
        let next = open.next + 1;
        self.open = (next <= open.cl_len).then_some(OpenWrite { next, ..open });
        Some(beat)
    }

    /// 1, 2 or 4 lines, equally likely.
    fn random_len(&mut self) -> u8 {
        [0, 1, 3][self.rng.random_range(0..3)]
    }

    /// A random 42-bit line address aligned to the length.
    fn random_addr(&mut self, cl_len: u8) -> u64 {
        self.rng.random::<u64>() & ((1 << 42) - 1) & !u64::from(cl_len)
    }

    /// Random mdata in the leaf's bits, not in use by any outstanding request of this leaf.
    fn fresh_mdata(&mut self) -> u16 {
        let mask = self.tags.low_mask();
        loop {
            let m = self.rng.random::<u16>() & mask;
            if !self.reads.contains_key(&m) && !self.writes.contains(&m) {
                return m;
            }
        }
    }
}
