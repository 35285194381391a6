//! A reusable rust-hdl test host for any accelerator with the slot-side ports of
//! `optimus_hdl::accel` (design.md §1, §4): it plays the shell and host memory around one
//! accelerator block and checks every request the accelerator makes.
//!
//! * **Ports.** `slot_accel!(Type)` implements [`SlotAccel`] for a block whose ports have the
//!   contract's names (`clock`, `reset`, `pause`, `state`, `mmio_*`, `c0_almfull`,
//!   `c1_almfull`, `rd_req_*`, `rd_rsp_*`, `wr_req_*`, `wr_rsp_*`). Use it after
//!   `#[macro_use] mod accel_host;`.
//! * **Memory**: sparse, 64-byte lines at slot-relative line addresses, eight little-endian
//!   64-bit words each. A line never written reads [`fill`]`(addr)`. Requests must lie inside
//!   `[0, limit)` lines.
//! * **Reads**: one response per line, each after its own random latency in `rd_lat`, at most
//!   one per cycle, picked at random among the due ones (out of order across and within
//!   requests). Data is taken when the request is seen.
//! * **Writes**: beats in order; each beat's line is written when it is seen; one write
//!   response after the last beat, after a random latency in `wr_lat`, out of order.
//! * **almfull** (both channels, independently): rises with probability `almfull_pct`% per
//!   cycle, falls with probability 25% per cycle. Once the accelerator has seen it high at an
//!   edge it may present at most 8 more requests (c0) / beats (c1) until it has seen it low:
//!   the host **panics** on the ninth.
//! * **Scoreboard** (panics at once): `cl_len` 2 is illegal, `addr` aligned to the length,
//!   lines inside `[0, limit)`, `mdata` only in bits `[11:0]`, write beats `sop` on the first
//!   only, `addr` = base + index, same `cl_len` and `mdata` on every beat, no beat outside a
//!   packet; MMIO responses only for reads, in order, exactly 2 cycles after the request, with
//!   its tid; no read response or write response owed when the test says so ([`Host::idle`]).
//! * Every request is logged with its cycle (`rd_log`, `wr_log`) to measure issue rates.

use rust_hdl::prelude::*;
use std::collections::{HashMap, VecDeque};

/// Cycles from an MMIO read request to its response.
pub const MMIO_LATENCY: u64 = 2;
/// Beats a sender may present after it has seen almfull high.
pub const SLACK: u32 = 8;
/// Bits of mdata an accelerator may use.
pub const MDATA_BITS: u32 = 12;

/// One 64-byte line, eight little-endian 64-bit words.
pub type Line = [u64; 8];

/// What the host drives into the accelerator in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlotIn {
    pub reset: bool,
    pub pause: bool,
    pub mmio_valid: bool,
    pub mmio_write: bool,
    pub mmio_addr: u64,
    pub mmio_tid: u64,
    pub mmio_wdata: u64,
    pub c0_almfull: bool,
    pub c1_almfull: bool,
    pub rd_rsp_valid: bool,
    pub rd_rsp_mdata: u64,
    pub rd_rsp_cl_num: u64,
    pub rd_rsp_data: Line,
    pub wr_rsp_valid: bool,
    pub wr_rsp_mdata: u64,
}

/// What the accelerator presents in one cycle (wide data only read when valid).
#[derive(Clone, Copy, Debug, Default)]
pub struct SlotOut {
    pub state: u64,
    pub mmio_rsp_valid: bool,
    pub mmio_rsp_tid: u64,
    pub mmio_rsp_data: u64,
    pub rd_req_valid: bool,
    pub rd_req_addr: u64,
    pub rd_req_cl_len: u64,
    pub rd_req_mdata: u64,
    pub wr_req_valid: bool,
    pub wr_req_addr: u64,
    pub wr_req_cl_len: u64,
    pub wr_req_sop: bool,
    pub wr_req_mdata: u64,
    pub wr_req_data: Line,
}

/// An accelerator block with the slot-side ports.
pub trait SlotAccel: Block {
    fn set_clock(&mut self, high: bool);
    fn drive(&mut self, i: &SlotIn);
    fn sample(&self) -> SlotOut;
}

pub fn to_bits512(l: &Line) -> Bits<512> {
    let mut b = Bits::<512>::default();
    for (w, v) in l.iter().enumerate() {
        b.set_bits::<64>(64 * w, v.to_bits());
    }
    b
}

pub fn from_bits512(b: Bits<512>) -> Line {
    std::array::from_fn(|w| b.get_bits::<64>(64 * w).to_u64())
}

/// Implements [`SlotAccel`] for a block with the contract's port names.
macro_rules! slot_accel {
    ($t:ty) => {
        impl $crate::accel_host::SlotAccel for $t {
            fn set_clock(&mut self, high: bool) {
                self.clock.next = rust_hdl::prelude::Clock { clk: high };
            }
            fn drive(&mut self, i: &$crate::accel_host::SlotIn) {
                use rust_hdl::prelude::*;
                self.reset.next = i.reset;
                self.pause.next = i.pause;
                self.mmio_valid.next = i.mmio_valid;
                self.mmio_write.next = i.mmio_write;
                self.mmio_addr.next = i.mmio_addr.to_bits();
                self.mmio_tid.next = i.mmio_tid.to_bits();
                self.mmio_wdata.next = i.mmio_wdata.to_bits();
                self.c0_almfull.next = i.c0_almfull;
                self.c1_almfull.next = i.c1_almfull;
                self.rd_rsp_valid.next = i.rd_rsp_valid;
                self.rd_rsp_mdata.next = i.rd_rsp_mdata.to_bits();
                self.rd_rsp_cl_num.next = i.rd_rsp_cl_num.to_bits();
                if i.rd_rsp_valid {
                    self.rd_rsp_data.next = $crate::accel_host::to_bits512(&i.rd_rsp_data);
                }
                self.wr_rsp_valid.next = i.wr_rsp_valid;
                self.wr_rsp_mdata.next = i.wr_rsp_mdata.to_bits();
            }
            fn sample(&self) -> $crate::accel_host::SlotOut {
                let wr = self.wr_req_valid.val();
                $crate::accel_host::SlotOut {
                    state: self.state.val().to_u64(),
                    mmio_rsp_valid: self.mmio_rsp_valid.val(),
                    mmio_rsp_tid: self.mmio_rsp_tid.val().to_u64(),
                    mmio_rsp_data: self.mmio_rsp_data.val().to_u64(),
                    rd_req_valid: self.rd_req_valid.val(),
                    rd_req_addr: self.rd_req_addr.val().to_u64(),
                    rd_req_cl_len: self.rd_req_cl_len.val().to_u64(),
                    rd_req_mdata: self.rd_req_mdata.val().to_u64(),
                    wr_req_valid: wr,
                    wr_req_addr: self.wr_req_addr.val().to_u64(),
                    wr_req_cl_len: self.wr_req_cl_len.val().to_u64(),
                    wr_req_sop: self.wr_req_sop.val(),
                    wr_req_mdata: self.wr_req_mdata.val().to_u64(),
                    wr_req_data: if wr {
                        $crate::accel_host::from_bits512(self.wr_req_data.val())
                    } else {
                        [0; 8]
                    },
                }
            }
        }
    };
}

/// splitmix64: the host's random numbers and the fill pattern.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What a never-written line `addr` reads.
pub fn fill(addr: u64) -> Line {
    std::array::from_fn(|w| mix(addr * 8 + w as u64 + 0x5eed))
}

/// Host behaviour.
#[derive(Clone, Copy, Debug)]
pub struct HostCfg {
    /// Seed of every random choice.
    pub seed: u64,
    /// Lines `[0, limit)` may be touched.
    pub limit: u64,
    /// Read latency range per line, cycles (inclusive).
    pub rd_lat: (u64, u64),
    /// Write response latency range, cycles (inclusive).
    pub wr_lat: (u64, u64),
    /// Probability (%) per cycle that a low almfull rises.
    pub almfull_pct: u64,
}

impl Default for HostCfg {
    fn default() -> Self {
        Self {
            seed: 1,
            limit: 1 << 20,
            rd_lat: (3, 30),
            wr_lat: (3, 30),
            almfull_pct: 0,
        }
    }
}

/// The host around accelerator `A`.
pub struct Host<A: SlotAccel> {
    pub dut: A,
    pub cfg: HostCfg,
    /// Cycles stepped since construction.
    pub now: u64,
    rng: u64,
    pub mem: HashMap<u64, Line>,
    /// Read lines owed: (due, mdata, cl_num, data).
    rd_owed: Vec<(u64, u64, u64, Line)>,
    /// Write responses owed: (due, mdata).
    wr_owed: Vec<(u64, u64)>,
    /// Open write packet: (base, cl_len, mdata, next beat index).
    wr_open: Option<(u64, u64, u64, u64)>,
    af: [bool; 2],
    af_seen: [bool; 2],
    af_used: [u32; 2],
    mmio_due: VecDeque<(u64, u64)>,
    next_tid: u64,
    pending: SlotIn,
    /// Last outputs seen.
    pub out: SlotOut,
    /// Every read request: (cycle, addr, cl_len).
    pub rd_log: Vec<(u64, u64, u64)>,
    /// Every write request, at its first beat: (cycle, addr, cl_len).
    pub wr_log: Vec<(u64, u64, u64)>,
    /// Wrapping sum of every 64-bit word returned by reads.
    pub rd_sum: u64,
    /// Read lines returned, write requests acknowledged.
    pub rd_lines_returned: u64,
    pub wr_acked: u64,
}

impl<A: SlotAccel> Host<A> {
    /// A host around `dut` (already built), after a 16-cycle reset and 16 idle cycles.
    pub fn new(mut dut: A, cfg: HostCfg) -> Self {
        dut.connect_all();
        let mut h = Host {
            dut,
            cfg,
            now: 0,
            rng: mix(cfg.seed),
            mem: HashMap::new(),
            rd_owed: Vec::new(),
            wr_owed: Vec::new(),
            wr_open: None,
            af: [false; 2],
            af_seen: [false; 2],
            af_used: [0; 2],
            mmio_due: VecDeque::new(),
            next_tid: 0,
            pending: SlotIn::default(),
            out: SlotOut::default(),
            rd_log: Vec::new(),
            wr_log: Vec::new(),
            rd_sum: 0,
            rd_lines_returned: 0,
            wr_acked: 0,
        };
        h.reset(16);
        h.run(16);
        h
    }

    fn rand(&mut self) -> u64 {
        self.rng = mix(self.rng);
        self.rng
    }

    fn rand_in(&mut self, (lo, hi): (u64, u64)) -> u64 {
        lo + self.rand() % (hi - lo + 1)
    }

    /// The content of line `addr`.
    pub fn line(&self, addr: u64) -> Line {
        self.mem.get(&addr).copied().unwrap_or_else(|| fill(addr))
    }

    /// Holds reset for `cycles` cycles; responses owed to the accelerator are dropped (as the
    /// shell's drain does).
    pub fn reset(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.pending.reset = true;
            self.step();
        }
        self.rd_owed.clear();
        self.wr_owed.clear();
        self.wr_open = None;
        self.mmio_due.clear();
    }

    /// A one-cycle pulse on `pause`.
    pub fn pause(&mut self) {
        self.pending.pause = true;
        self.step();
    }

    /// Writes `value` to byte offset `off` of the page (one cycle).
    pub fn mmio_write(&mut self, off: u64, value: u64) {
        self.pending.mmio_valid = true;
        self.pending.mmio_write = true;
        self.pending.mmio_addr = off / 4;
        self.pending.mmio_wdata = value;
        self.step();
    }

    /// Reads byte offset `off` of the page: presents the read, runs until its response.
    pub fn mmio_read(&mut self, off: u64) -> u64 {
        let tid = self.next_tid;
        self.next_tid = (self.next_tid + 1) % 512;
        self.pending.mmio_valid = true;
        self.pending.mmio_write = false;
        self.pending.mmio_addr = off / 4;
        self.pending.mmio_tid = tid;
        self.step();
        for _ in 0..MMIO_LATENCY {
            self.step();
        }
        assert!(self.out.mmio_rsp_valid, "no MMIO response");
        self.out.mmio_rsp_data
    }

    /// The accelerator's STATE port.
    pub fn state(&self) -> u64 {
        self.out.state
    }

    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }

    /// Steps until `cond` holds; panics after `limit` cycles.
    pub fn run_until(&mut self, limit: u64, what: &str, cond: impl Fn(&Self) -> bool) {
        for _ in 0..limit {
            if cond(self) {
                return;
            }
            self.step();
        }
        panic!("timed out after {limit} cycles waiting for {what}");
    }

    /// Nothing owed by the host and no write packet open.
    pub fn idle(&self) -> bool {
        self.rd_owed.is_empty() && self.wr_owed.is_empty() && self.wr_open.is_none()
    }

    fn pick(&mut self, due: Vec<usize>) -> Option<usize> {
        if due.is_empty() {
            None
        } else {
            let i = self.rand() as usize % due.len();
            Some(due[i])
        }
    }

    /// One clock cycle.
    pub fn step(&mut self) {
        let mut i = std::mem::take(&mut self.pending);
        i.c0_almfull = self.af[0];
        i.c1_almfull = self.af[1];
        let now = self.now;
        let due: Vec<usize> = (0..self.rd_owed.len())
            .filter(|&k| self.rd_owed[k].0 <= now)
            .collect();
        if let Some(k) = self.pick(due) {
            let (_, mdata, cl_num, data) = self.rd_owed.swap_remove(k);
            i.rd_rsp_valid = true;
            i.rd_rsp_mdata = mdata;
            i.rd_rsp_cl_num = cl_num;
            i.rd_rsp_data = data;
            self.rd_lines_returned += 1;
        }
        let due: Vec<usize> = (0..self.wr_owed.len())
            .filter(|&k| self.wr_owed[k].0 <= now)
            .collect();
        if let Some(k) = self.pick(due) {
            i.wr_rsp_valid = true;
            i.wr_rsp_mdata = self.wr_owed.swap_remove(k).1;
            self.wr_acked += 1;
        }
        self.dut.drive(&i);
        self.dut.set_clock(false);
        assert!(
            simulate(&mut self.dut, 10_000),
            "accelerator did not settle"
        );
        self.out = self.dut.sample();
        self.check(&i);
        // almfull as sampled at this edge; then the next cycle's value.
        for ch in 0..2 {
            self.af_seen[ch] = self.af[ch];
            if !self.af[ch] {
                self.af_used[ch] = 0;
            }
            let r = self.rand() % 100;
            self.af[ch] = if self.af[ch] {
                r >= 25
            } else {
                r < self.cfg.almfull_pct
            };
        }
        self.dut.set_clock(true);
        assert!(
            simulate(&mut self.dut, 10_000),
            "accelerator did not settle"
        );
        self.now += 1;
    }

    fn check(&mut self, i: &SlotIn) {
        let o = self.out;
        let now = self.now;
        // MMIO.
        if o.mmio_rsp_valid {
            let (at, tid) = self
                .mmio_due
                .pop_front()
                .expect("an MMIO response nobody asked for");
            assert_eq!(
                at, now,
                "MMIO read answered exactly {MMIO_LATENCY} cycles later"
            );
            assert_eq!(o.mmio_rsp_tid, tid, "MMIO response tid");
        } else if let Some(&(at, tid)) = self.mmio_due.front() {
            assert!(at > now, "MMIO read tid {tid} not answered in cycle {at}");
        }
        if i.mmio_valid && !i.mmio_write && !i.reset {
            self.mmio_due.push_back((now + MMIO_LATENCY, i.mmio_tid));
        }
        if i.reset {
            return;
        }
        // Reads.
        if o.rd_req_valid {
            self.use_slack(0);
            let (addr, cl) = (o.rd_req_addr, o.rd_req_cl_len);
            self.check_req("read", addr, cl, o.rd_req_mdata);
            self.rd_log.push((now, addr, cl));
            for n in 0..=cl {
                let data = self.line(addr + n);
                self.rd_sum = data.iter().fold(self.rd_sum, |s, &w| s.wrapping_add(w));
                let due = now + self.rand_in(self.cfg.rd_lat);
                self.rd_owed.push((due, o.rd_req_mdata, n, data));
            }
        }
        // Writes.
        if o.wr_req_valid {
            self.use_slack(1);
            let (addr, cl, mdata) = (o.wr_req_addr, o.wr_req_cl_len, o.wr_req_mdata);
            let (base, pcl, pmdata, idx) = match self.wr_open {
                None => {
                    assert!(
                        o.wr_req_sop,
                        "cycle {now}: write beat outside a packet (no sop)"
                    );
                    self.check_req("write", addr, cl, mdata);
                    self.wr_log.push((now, addr, cl));
                    (addr, cl, mdata, 0)
                }
                Some(p) => {
                    assert!(
                        !o.wr_req_sop,
                        "cycle {now}: sop inside an open write packet"
                    );
                    p
                }
            };
            assert_eq!(
                (cl, mdata),
                (pcl, pmdata),
                "cycle {now}: cl_len/mdata change in a packet"
            );
            assert_eq!(addr, base + idx, "cycle {now}: write beat address");
            self.mem.insert(addr, o.wr_req_data);
            if idx == cl {
                self.wr_open = None;
                let due = now + self.rand_in(self.cfg.wr_lat);
                self.wr_owed.push((due, mdata));
            } else {
                self.wr_open = Some((base, pcl, pmdata, idx + 1));
            }
        }
    }

    fn check_req(&self, what: &str, addr: u64, cl: u64, mdata: u64) {
        let now = self.now;
        assert_ne!(cl, 2, "cycle {now}: {what} with illegal cl_len 2");
        assert_eq!(
            addr % (cl + 1),
            0,
            "cycle {now}: {what} at {addr:#x} not aligned to {} lines",
            cl + 1
        );
        assert!(
            addr + cl < self.cfg.limit,
            "cycle {now}: {what} at {addr:#x} outside [0, {:#x})",
            self.cfg.limit
        );
        assert_eq!(
            mdata >> MDATA_BITS,
            0,
            "cycle {now}: {what} mdata {mdata:#x} above bit 11"
        );
    }

    /// Counts a beat on channel `ch` against the almfull slack.
    fn use_slack(&mut self, ch: usize) {
        if self.af_seen[ch] {
            self.af_used[ch] += 1;
            assert!(
                self.af_used[ch] <= SLACK,
                "cycle {}: more than {SLACK} beats on channel c{ch} after almfull",
                self.now
            );
        }
    }
}
