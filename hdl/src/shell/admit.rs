//! Where an accelerator's request channel enters the auditor: a FIFO with almost-full, and the
//! bookkeeping that lets requests queued before a gate still leave.
//!
//! **Almost-full.** The accelerator may present 8 more beats after it has seen `almfull`;
//! `almfull` is registered from the FIFO count, so up to 10 beats arrive after the count first
//! reaches the threshold (as in [`crate::mux::ingress`]); the threshold is depth − 11. It is
//! also high while `block` or `reset` is.
//!
//! **Pass.** `pass` counts the entries at the head of the FIFO that entered while `block` was
//! low. While `block` is low it follows the count; while high it only goes down as those
//! entries leave, so entries that entered after `block` rose are held (`may_start` is low)
//! while the earlier ones drain. Invariant: `pass <= count`. `flush` (slot reset) empties the
//! FIFO and zeroes `pass`.
//!
//! ### Inputs
//! `clock`, `reset`, `flush`, `block`, `push` + `push_data` (from the accelerator), `pop`
//! (the exit takes the head; only when not `empty`).
//! ### Outputs
//! `head`, `empty`, `may_start` (the head may start a new request), `almfull` (registered).

use super::k;
use crate::mux::fifo::RegFifo;
use crate::mux::ingress::INGRESS_HEADROOM;
use rust_hdl::prelude::*;

/// Request FIFO depth (log2): room for the almfull slack.
pub const ADMIT_AW: usize = 4;

/// Admission FIFO of `W`-bit entries.
#[derive(LogicBlock)]
pub struct AdmitQueue<const W: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset.
    pub reset: Signal<In, Bit>,
    /// Empty the queue (slot reset).
    pub flush: Signal<In, Bit>,
    /// Hold entries that enter from now on.
    pub block: Signal<In, Bit>,
    /// The accelerator presents an entry.
    pub push: Signal<In, Bit>,
    /// The entry.
    pub push_data: Signal<In, Bits<W>>,
    /// The exit takes the head.
    pub pop: Signal<In, Bit>,
    /// Oldest entry.
    pub head: Signal<Out, Bits<W>>,
    /// Nothing queued.
    pub empty: Signal<Out, Bit>,
    /// The head entered before `block` rose (or `block` is low).
    pub may_start: Signal<Out, Bit>,
    /// Almost full towards the accelerator (registered).
    pub almfull: Signal<Out, Bit>,
    fifo: RegFifo<W, ADMIT_AW>,
    af: DFF<Bit>,
    pass: DFF<Bits<8>>,
    taken: Signal<Local, Bit>,
    popped: Signal<Local, Bit>,
    count_next: Signal<Local, Bits<8>>,
    threshold: Constant<Bits<8>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
}

impl<const W: usize> Default for AdmitQueue<W> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            flush: Default::default(),
            block: Default::default(),
            push: Default::default(),
            push_data: Default::default(),
            pop: Default::default(),
            head: Default::default(),
            empty: Default::default(),
            may_start: Default::default(),
            almfull: Default::default(),
            fifo: Default::default(),
            af: Default::default(),
            pass: Default::default(),
            taken: Default::default(),
            popped: Default::default(),
            count_next: Default::default(),
            threshold: k((1 << ADMIT_AW) - INGRESS_HEADROOM),
            zero8: k(0),
            one8: k(1),
        }
    }
}

impl<const W: usize> Logic for AdmitQueue<W> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, af, pass);
        self.fifo.clock.next = self.clock.val();
        self.fifo.reset.next = self.reset.val() | self.flush.val();
        self.fifo.push.next = self.push.val();
        self.fifo.push_data.next = self.push_data.val();
        self.fifo.pop.next = self.pop.val();
        self.head.next = self.fifo.head.val();
        self.empty.next = self.fifo.empty.val();
        self.af.d.next =
            (self.fifo.count.val() >= self.threshold.val()) | self.block.val() | self.reset.val();
        self.almfull.next = self.af.q.val();

        self.may_start.next = !self.block.val() | (self.pass.q.val() != self.zero8.val());
        self.taken.next = self.push.val() & !self.fifo.full.val();
        self.count_next.next = self.fifo.count.val();
        self.popped.next = self.pop.val() & !self.fifo.empty.val();
        if self.taken.val() & !self.popped.val() {
            self.count_next.next = self.fifo.count.val() + self.one8.val();
        }
        if self.popped.val() & !self.taken.val() {
            self.count_next.next = self.fifo.count.val() - self.one8.val();
        }
        self.pass.d.next = self.count_next.val();
        if self.block.val() {
            self.pass.d.next = self.pass.q.val();
            if self.popped.val() & (self.pass.q.val() != self.zero8.val()) {
                self.pass.d.next = self.pass.q.val() - self.one8.val();
            }
        }
        if self.reset.val() | self.flush.val() {
            self.pass.d.next = self.zero8.val();
        }
    }
}
