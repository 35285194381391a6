//! A cycle-by-cycle bench for the monitor, shared by the monitor tests: drives requests and
//! the slots' status inputs, records every response and strobe.
//!
//! Offsets are written out literally from design.md §3 (not taken from optimus-regs), so a
//! wrong table there shows in the tests too.

use optimus_hdl::shell::monitor::{Monitor, READ_LATENCY};
use rust_hdl::prelude::*;

/// SHELL_ID the bench builds its monitors with: `[SHELL_ID_L, SHELL_ID_H]`.
pub const ID: [u64; 2] = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];

/// What the slot's other blocks (auditor, preemption controller) show the monitor.
#[derive(Clone, Copy, Default)]
pub struct Status {
    pub fault_rd: bool,
    pub fault_wr: bool,
    pub fault_count: u64,
    pub fault_addr: u64,
    pub requested: bool,
    pub paused: bool,
    pub drained: bool,
    pub timed_out: bool,
    pub in_reset: bool,
    pub rd_out: u64,
    pub wr_out: u64,
    pub rd_lines: u64,
    pub wr_lines: u64,
    /// The slot's MMIO guard timed a read out in this cycle (a pulse: [`Bench::cycle_with`]
    /// clears it after the cycle).
    pub mmio_timeout: bool,
}

/// Strobes, by name, in the order [`Bench::strobes`] reads them.
pub const STROBES: [&str; 5] = ["clear_rd", "clear_wr", "clear_count", "request", "release"];

pub struct Bench {
    pub m: Monitor,
    pub n: usize,
    pub cycle: u64,
    pub status: Vec<Status>,
    /// The slots' owners clear FAULT bits at the edge after a strobe, like the auditor.
    pub owners: bool,
    pub reads: Vec<(u64, u64)>,
    pub responses: Vec<(u64, u64, u64)>,
    pub pulses: Vec<(u64, &'static str, usize)>,
    pub next_tid: u64,
    /// Reference model of MMIO_TIMEOUTS: pulses driven since the last shell reset.
    pub timeouts: u64,
}

impl Bench {
    pub fn new(n: usize) -> Self {
        let mut m = Monitor::new(n, ID);
        m.connect_all();
        let mut b = Self {
            m,
            n,
            cycle: 0,
            status: vec![Status::default(); n],
            owners: false,
            reads: vec![],
            responses: vec![],
            pulses: vec![],
            next_tid: 0x1a5,
            timeouts: 0,
        };
        for _ in 0..4 {
            b.cycle_with(None, true);
        }
        b.responses.clear();
        b.pulses.clear();
        b
    }

    pub fn strobes(&self, i: usize) -> [bool; 5] {
        let s = &self.m.slots[i];
        [
            s.fault_clear_rd.val(),
            s.fault_clear_wr.val(),
            s.fault_clear_count.val(),
            s.preempt_request.val(),
            s.preempt_release.val(),
        ]
    }

    /// One cycle with at most one request: `(word address, Some(write data) or None = read)`.
    pub fn cycle_with(&mut self, req: Option<(u64, Option<u64>)>, reset: bool) {
        let m = &mut self.m;
        m.reset.next = reset;
        m.mmio_valid.next = req.is_some();
        let (addr, wdata) = req.unwrap_or((0, None));
        m.mmio_write.next = wdata.is_some();
        m.mmio_addr.next = addr.to_bits();
        m.mmio_wdata.next = wdata.unwrap_or(0).to_bits();
        m.mmio_tid.next = self.next_tid.to_bits();
        if req.is_some() && wdata.is_none() {
            self.reads.push((self.cycle, self.next_tid));
        }
        self.next_tid = (self.next_tid + 1) % 512;
        for (i, st) in self.status.iter().enumerate() {
            let p = &mut m.slots[i];
            p.fault_rd.next = st.fault_rd;
            p.fault_wr.next = st.fault_wr;
            p.fault_count.next = st.fault_count.to_bits();
            p.fault_addr.next = st.fault_addr.to_bits();
            p.preempt_requested.next = st.requested;
            p.preempt_paused.next = st.paused;
            p.drained.next = st.drained;
            p.preempt_timed_out.next = st.timed_out;
            p.in_reset.next = st.in_reset;
            p.rd_outstanding.next = st.rd_out.to_bits();
            p.wr_outstanding.next = st.wr_out.to_bits();
            p.rd_lines.next = st.rd_lines.to_bits();
            p.wr_lines.next = st.wr_lines.to_bits();
            p.mmio_timeout.next = st.mmio_timeout;
        }
        self.timeouts += self.status.iter().filter(|s| s.mmio_timeout).count() as u64;
        m.clock.next = Clock { clk: false };
        assert!(simulate(m, 1000), "monitor did not settle");
        if m.mmio_rsp_valid.val() {
            let (tid, data) = (
                m.mmio_rsp_tid.val().to_u64(),
                m.mmio_rsp_data.val().to_u64(),
            );
            self.responses.push((self.cycle, tid, data));
        }
        for i in 0..self.n {
            for (k, on) in self.strobes(i).into_iter().enumerate() {
                if on {
                    self.pulses.push((self.cycle, STROBES[k], i));
                    if self.owners {
                        let st = &mut self.status[i];
                        match k {
                            0 => st.fault_rd = false,
                            1 => st.fault_wr = false,
                            2 => st.fault_count = 0,
                            _ => {}
                        }
                    }
                }
            }
        }
        let m = &mut self.m;
        m.clock.next = Clock { clk: true };
        assert!(simulate(m, 1000), "monitor did not settle");
        self.cycle += 1;
        for st in &mut self.status {
            st.mmio_timeout = false;
        }
        if reset {
            self.timeouts = 0;
        }
    }

    pub fn idle(&mut self, cycles: usize) {
        for _ in 0..cycles {
            self.cycle_with(None, false);
        }
    }

    pub fn write(&mut self, byte: u64, data: u64) {
        self.cycle_with(Some((byte / 4, Some(data))), false);
    }

    /// Reads byte offset `byte` and waits for the answer.
    pub fn read(&mut self, byte: u64) -> u64 {
        self.read_word(byte / 4)
    }

    pub fn read_word(&mut self, word: u64) -> u64 {
        let (t, tid) = (self.cycle, self.next_tid);
        self.cycle_with(Some((word, None)), false);
        self.idle(READ_LATENCY + 1);
        let got: Vec<_> = self
            .responses
            .iter()
            .filter(|r| r.0 > t && r.1 == tid)
            .collect();
        assert_eq!(
            got.len(),
            1,
            "read of word {word:#x} answered {} times",
            got.len()
        );
        got[0].2
    }

    /// Every read was answered exactly once, with its tid, `READ_LATENCY` cycles later, and
    /// nothing else was answered.
    pub fn check_answers(&self) {
        assert_eq!(self.responses.len(), self.reads.len(), "responses != reads");
        for (&(t, tid), &(rt, rtid, _)) in self.reads.iter().zip(&self.responses) {
            assert_eq!(
                (rt, rtid),
                (t + READ_LATENCY as u64, tid),
                "read of cycle {t}"
            );
        }
    }
}

/// Byte offsets of slot i's block registers (design.md §3: 0x100 + 0x40·i + k).
pub fn slot_off(i: usize, k: u64) -> u64 {
    0x100 + 0x40 * i as u64 + k
}
pub const LIMIT: u64 = 0x00;
pub const FAULT: u64 = 0x08;
pub const FAULT_ADDR: u64 = 0x10;
pub const PREEMPT: u64 = 0x18;
pub const TIMEOUT: u64 = 0x20;
pub const RD_LINES: u64 = 0x28;
pub const WR_LINES: u64 = 0x30;
pub const WEIGHT: u64 = 0x38;
pub fn base_off(i: usize) -> u64 {
    0x030 + 8 * i as u64
}
/// MMIO_TIMEOUTS (not in design.md §3: our page-wide register in the free word below 0x100).
pub const MMIO_TIMEOUTS: u64 = 0x0f8;
