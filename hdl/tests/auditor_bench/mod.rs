//! A bench around one [`Auditor`]: an accelerator model that obeys almfull, a host model
//! that answers reads (one response per line, last line first) and writes (after the last
//! beat), and logs of everything that crossed either boundary, stamped with the cycle.

use optimus_hdl::shell::auditor::Auditor;
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// A read request as the accelerator issues it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rd {
    pub addr: u64,
    pub cl: u64,
    pub mdata: u64,
}

/// A write beat (the accelerator's view, or the host's view with an IOVA).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Beat {
    pub addr: u64,
    pub cl: u64,
    pub sop: bool,
    pub mdata: u64,
    pub data: u64,
}

/// A read response (`data` = the seed the data was built from, or `None` for all ones).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RdRsp {
    pub mdata: u64,
    pub cl_num: u64,
    pub data: Option<u64>,
}

/// 512 bits that carry `seed` in the first and (inverted) last 64-bit word.
pub fn line_data(seed: u64) -> Bits<512> {
    let mut d = Bits::<512>::default();
    d.set_bits::<64>(0, seed.to_bits());
    d.set_bits::<64>(448, (!seed).to_bits());
    d
}

/// The seed of [`line_data`]; `None` for all ones; `Some(0)` for all zeros (made-up data).
fn seed_of(d: Bits<512>) -> Option<u64> {
    if d == Bits::<512>::mask() {
        return None;
    }
    if !d.any() {
        return Some(0);
    }
    let seed = d.get_bits::<64>(0).to_u64();
    assert_eq!(d.get_bits::<64>(448).to_u64(), !seed, "data corrupted");
    Some(seed)
}

/// Data the host model returns for IOVA line `line`.
pub fn host_line(line: u64) -> u64 {
    line ^ 0x5a5a_0000_0000_0000
}

pub fn lines(cl: u64) -> u64 {
    cl + 1
}

#[derive(Default)]
pub struct Bench {
    pub a: Auditor,
    pub now: u64,
    /// Requests the accelerator still has to present.
    pub acc_rd: VecDeque<Rd>,
    pub acc_wr: VecDeque<Beat>,
    /// The accelerator ignores almfull (a buggy one, or using its 8-beat slack).
    pub acc_ignores_almfull: bool,
    /// The accelerator uses all of its slack: 8 more beats per channel after it has seen
    /// almfull high at an edge, until it sees it low again.
    pub acc_uses_slack: bool,
    slack: [u64; 2],
    last_seen: [bool; 2],
    /// Host answers automatically after `host_delay` cycles.
    pub host_auto: bool,
    pub host_delay: u64,
    pub host_c0_af: bool,
    pub host_c1_af: bool,
    host_rd: Vec<(u64, u64, u64, u64)>,
    host_wr: Vec<(u64, u64)>,
    host_wr_beats_left: u64,
    /// Logs: (cycle, item).
    pub up_rd: Vec<(u64, Rd)>,
    pub up_wr: Vec<(u64, Beat)>,
    pub acc_rd_rsp: Vec<(u64, RdRsp)>,
    pub acc_wr_rsp: Vec<(u64, u64)>,
    /// Cycle in which each accelerator request/beat was presented.
    pub presented_rd: Vec<(u64, Rd)>,
    pub presented_wr: Vec<(u64, Beat)>,
}

impl Bench {
    /// A bench after a 16-cycle shell reset, slice `[base, base + limit)`, automatic host.
    pub fn new(base: u64, limit: u64) -> Self {
        let mut b = Bench {
            host_auto: true,
            host_delay: 3,
            ..Default::default()
        };
        b.a.connect_all();
        b.set_slice(base, limit);
        b.a.reset.next = true;
        b.run(16);
        b.a.reset.next = false;
        b.run(4);
        b
    }

    pub fn set_slice(&mut self, base: u64, limit: u64) {
        self.a.slice_base.next = base.to_bits();
        self.a.slice_limit.next = limit.to_bits();
    }

    fn settle(&mut self) {
        assert!(simulate(&mut self.a, 10_000), "auditor did not settle");
    }

    pub fn read(&mut self, addr: u64, cl: u64, mdata: u64) {
        self.acc_rd.push_back(Rd { addr, cl, mdata });
    }

    /// All beats of a write of `cl + 1` lines at `addr`; beat i carries data seed `seed + i`.
    pub fn write(&mut self, addr: u64, cl: u64, mdata: u64, seed: u64) {
        for i in 0..lines(cl) {
            self.acc_wr.push_back(Beat {
                addr: addr + i,
                cl,
                sop: i == 0,
                mdata,
                data: seed + i,
            });
        }
    }

    /// One clock cycle.
    pub fn step(&mut self) {
        let a = &mut self.a;
        a.up_c0_almfull.next = self.host_c0_af;
        a.up_c1_almfull.next = self.host_c1_af;
        // The accelerator (almfull is a register: its value now is what it saw at the edge).
        a.acc_rd_req_valid.next = false;
        // Slack model: a beat may go if almfull was low at the last edge, or slack is left.
        let may = |af: bool, i: usize| match self.acc_uses_slack {
            true => !self.last_seen[i] || self.slack[i] > 0,
            false => !af || self.acc_ignores_almfull,
        };
        let rd_ok = may(a.acc_c0_almfull.val(), 0) && !self.acc_rd.is_empty();
        let wr_ok = may(a.acc_c1_almfull.val(), 1) && !self.acc_wr.is_empty();
        let sent = [rd_ok, wr_ok];
        if rd_ok {
            let r = self.acc_rd.pop_front().unwrap();
            a.acc_rd_req_valid.next = true;
            a.acc_rd_req_addr.next = r.addr.to_bits();
            a.acc_rd_req_cl_len.next = r.cl.to_bits();
            a.acc_rd_req_mdata.next = r.mdata.to_bits();
            self.presented_rd.push((self.now, r));
        }
        a.acc_wr_req_valid.next = false;
        if wr_ok {
            let w = self.acc_wr.pop_front().unwrap();
            a.acc_wr_req_valid.next = true;
            a.acc_wr_req_addr.next = w.addr.to_bits();
            a.acc_wr_req_cl_len.next = w.cl.to_bits();
            a.acc_wr_req_sop.next = w.sop;
            a.acc_wr_req_mdata.next = w.mdata.to_bits();
            a.acc_wr_req_data.next = line_data(w.data);
            self.presented_wr.push((self.now, w));
        }
        // The host: at most one response per channel and cycle.
        a.up_rd_rsp_valid.next = false;
        if let Some(i) = self.host_rd.iter().position(|r| r.0 <= self.now) {
            let (_, mdata, cl_num, seed) = self.host_rd.remove(i);
            a.up_rd_rsp_valid.next = true;
            a.up_rd_rsp_mdata.next = mdata.to_bits();
            a.up_rd_rsp_cl_num.next = cl_num.to_bits();
            a.up_rd_rsp_data.next = line_data(seed);
        }
        a.up_wr_rsp_valid.next = false;
        if let Some(i) = self.host_wr.iter().position(|r| r.0 <= self.now) {
            let (_, mdata) = self.host_wr.remove(i);
            a.up_wr_rsp_valid.next = true;
            a.up_wr_rsp_mdata.next = mdata.to_bits();
        }
        let seen = [a.acc_c0_almfull.val(), a.acc_c1_almfull.val()];
        for ch in 0..2 {
            if sent[ch] && self.last_seen[ch] {
                self.slack[ch] -= 1;
            }
            // Sampled at this cycle's edge.
            self.last_seen[ch] = seen[ch];
            if !seen[ch] {
                self.slack[ch] = 8;
            }
        }
        a.clock.next = Clock { clk: false };
        self.settle();
        self.observe();
        self.a.clock.next = Clock { clk: true };
        self.settle();
        self.a.fault_clear_rd.next = false;
        self.a.fault_clear_wr.next = false;
        self.a.fault_clear_count.next = false;
        self.now += 1;
    }

    fn observe(&mut self) {
        let a = &self.a;
        let now = self.now;
        if a.up_rd_req_valid.val() {
            let r = Rd {
                addr: a.up_rd_req_addr.val().to_u64(),
                cl: a.up_rd_req_cl_len.val().to_u64(),
                mdata: a.up_rd_req_mdata.val().to_u64(),
            };
            self.up_rd.push((now, r));
            if self.host_auto {
                for i in (0..lines(r.cl)).rev() {
                    let due = now + self.host_delay + (lines(r.cl) - 1 - i);
                    self.host_rd.push((due, r.mdata, i, host_line(r.addr + i)));
                }
            }
        }
        if a.up_wr_req_valid.val() {
            let w = Beat {
                addr: a.up_wr_req_addr.val().to_u64(),
                cl: a.up_wr_req_cl_len.val().to_u64(),
                sop: a.up_wr_req_sop.val(),
                mdata: a.up_wr_req_mdata.val().to_u64(),
                data: seed_of(a.up_wr_req_data.val()).unwrap_or(u64::MAX),
            };
            self.up_wr.push((now, w));
            if w.sop {
                assert_eq!(self.host_wr_beats_left, 0, "host saw sop inside a packet");
                self.host_wr_beats_left = lines(w.cl);
            }
            assert!(
                self.host_wr_beats_left > 0,
                "host saw a beat outside a packet"
            );
            self.host_wr_beats_left -= 1;
            if self.host_wr_beats_left == 0 && self.host_auto {
                self.host_wr.push((now + self.host_delay, w.mdata));
            }
        }
        if a.acc_rd_rsp_valid.val() {
            let r = RdRsp {
                mdata: a.acc_rd_rsp_mdata.val().to_u64(),
                cl_num: a.acc_rd_rsp_cl_num.val().to_u64(),
                data: seed_of(a.acc_rd_rsp_data.val()),
            };
            self.acc_rd_rsp.push((now, r));
        }
        if a.acc_wr_rsp_valid.val() {
            self.acc_wr_rsp
                .push((now, a.acc_wr_rsp_mdata.val().to_u64()));
        }
    }

    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }

    /// Runs until `cond` holds (panics after `limit` cycles).
    pub fn run_until(&mut self, limit: u64, what: &str, cond: impl Fn(&Bench) -> bool) {
        for _ in 0..limit {
            if cond(self) {
                return;
            }
            self.step();
        }
        panic!("timed out waiting for {what}");
    }

    pub fn fault(&self) -> (bool, bool, u64, u64) {
        let a = &self.a;
        (
            a.fault_rd.val(),
            a.fault_wr.val(),
            a.fault_count.val().to_u64(),
            a.fault_addr.val().to_u64(),
        )
    }

    pub fn outstanding(&self) -> (u64, u64) {
        (
            self.a.rd_outstanding.val().to_u64(),
            self.a.wr_outstanding.val().to_u64(),
        )
    }

    pub fn counters(&self) -> (u64, u64) {
        (
            self.a.rd_lines.val().to_u64(),
            self.a.wr_lines.val().to_u64(),
        )
    }

    pub fn clear_faults(&mut self, rd: bool, wr: bool, count: bool) {
        self.a.fault_clear_rd.next = rd;
        self.a.fault_clear_wr.next = wr;
        self.a.fault_clear_count.next = count;
        self.step();
    }
}
