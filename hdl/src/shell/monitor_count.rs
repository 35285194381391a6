//! MMIO_TIMEOUTS: counts the slot-page MMIO reads the shell answered with 0 itself (the
//! slots' MMIO guards, [`crate::shell::mmio_guard`], pulse `timeout` once per such read).
//!
//! ```text
//!  pulse[0..N] ──► popcount (0..=16) ──► [sum_q] ──► + ──► [total] ──► count
//!                                                    ▲        │
//!                                                    └────────┘
//! ```
//!
//! * Every pulse counts: several slots pulsing in the same cycle add their number.
//! * **Timing.** A pulse in cycle t is in `count` from cycle t + 2 (the popcount is
//!   registered so that a 16-input sum and a 64-bit add are not in one cycle). Through the
//!   monitor's read pipeline: a read presented in cycle r sees every pulse of cycles < r.
//! * **Width.** 64 bits, wrapping; cleared by the shell reset only (not by SLOT_RESET).
//!
//! ### Inputs
//! `clock`, `reset` (shell reset, synchronous), `pulse[i]` (slot i's guard timed a read out;
//! one-cycle pulse).
//! ### Outputs
//! `count` (registered).

use crate::shell::concat::Concat;
use rust_hdl::prelude::*;

/// Width of one cycle's pulse count (up to 16 slots pulse at once).
const SUM_BITS: usize = 5;

const _: () = assert!(optimus_regs::MAX_SLOTS < 1 << SUM_BITS);

/// The MMIO timeout counter of an N-slot monitor.
#[derive(LogicBlock)]
pub struct TimeoutCount {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset, synchronous.
    pub reset: Signal<In, Bit>,
    /// Per slot: its guard answered a read with 0 (one-cycle pulse).
    pub pulse: Vec<Signal<In, Bit>>,
    /// Timed-out reads since shell reset, wrapping.
    pub count: Signal<Out, Bits<64>>,
    sum: Vec<Signal<Local, Bits<SUM_BITS>>>,
    sum_q: DFF<Bits<SUM_BITS>>,
    widen: Concat<SUM_BITS, { 64 - SUM_BITS }, 64>,
    total: DFF<Bits<64>>,
    one: Constant<Bits<SUM_BITS>>,
    zero: Constant<Bits<SUM_BITS>>,
    zero_hi: Constant<Bits<{ 64 - SUM_BITS }>>,
    zero64: Constant<Bits<64>>,
}

impl TimeoutCount {
    /// The counter for `slots` slots (1 to 16).
    pub fn new(slots: usize) -> Self {
        assert!(
            (1..=optimus_regs::MAX_SLOTS).contains(&slots),
            "the monitor takes 1 to 16 slots"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            pulse: (0..slots).map(|_| Default::default()).collect(),
            count: Default::default(),
            sum: (0..slots).map(|_| Default::default()).collect(),
            sum_q: Default::default(),
            widen: Default::default(),
            total: Default::default(),
            one: crate::shell::k(1),
            zero: crate::shell::k(0),
            zero_hi: crate::shell::k(0),
            zero64: crate::shell::k(0),
        }
    }
}

impl Logic for TimeoutCount {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sum_q, total);
        // sum[i]: pulses of slots 0..=i in this cycle.
        self.sum[0].next = self.zero.val();
        if self.pulse[0].val() {
            self.sum[0].next = self.one.val();
        }
        for i in 1..self.pulse.len() {
            self.sum[i].next = self.sum[i - 1].val();
            if self.pulse[i].val() {
                self.sum[i].next = self.sum[i - 1].val() + self.one.val();
            }
        }
        for last in (self.sum.len() - 1)..self.sum.len() {
            self.sum_q.d.next = self.sum[last].val();
        }
        self.widen.lo.next = self.sum_q.q.val();
        self.widen.hi.next = self.zero_hi.val();
        self.total.d.next = self.total.q.val() + self.widen.out.val();
        self.count.next = self.total.q.val();
        if self.reset.val() {
            self.sum_q.d.next = self.zero.val();
            self.total.d.next = self.zero64.val();
        }
    }
}
