//! The Hasher's mixing unit: a 16-line buffer of keyed lines, one iterative round unit for
//! eight words in parallel, and the digest accumulator.
//!
//! ```text
//!  in_data ─► buffer(16) ─head─┐
//!                              ▼
//!                   ┌─► [mux] ─► MixRound ─► x ─┬─► LaneAdd ─► digest ─► LaneXor ─► digest_xor
//!                   └───────────────────────────┘  (x added when its last round is done)
//! ```
//!
//! A line is loaded with its first round applied; it takes `rounds - 1` more cycles, and in
//! the cycle after its last round its words are added to the digest while the next line is
//! loaded. So the unit takes one line per `rounds` cycles, one per cycle at `rounds` = 1.
//!
//! ### Inputs
//! `clock`, `reset`, `rounds` (1..=255), `in_valid` + `in_data` (a keyed line, never more
//! than the buffer holds: the reader's credit), `set_digest` + `set_digest_data`, `set_done`
//! + `set_done_value` (job start or snapshot restore; only while idle).
//! ### Outputs
//! `popped` (a line left the buffer: one credit back), `idle` (buffer empty, no line in the
//! round unit), `digest`, `digest_xor`, `done_lines` (lines added to the digest), all but
//! `popped` functions of registers.

use super::lanes::{LaneAdd, LaneXor, MixRound};
use crate::mux::fifo::RegFifo;
use crate::shell::k;
use rust_hdl::prelude::*;

/// Buffer depth, log2: 16 lines (the reader's credit).
pub const BUF_AW: usize = 4;
/// Buffer depth in lines.
pub const BUF_LINES: u64 = 1 << BUF_AW;

/// The mixing unit.
#[derive(LogicBlock)]
pub struct Mixer {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Rounds per line, 1..=255.
    pub rounds: Signal<In, Bits<8>>,
    /// A keyed line arrives.
    pub in_valid: Signal<In, Bit>,
    /// The keyed line.
    pub in_data: Signal<In, Bits<512>>,
    /// Overwrite the digest.
    pub set_digest: Signal<In, Bit>,
    /// The digest to set.
    pub set_digest_data: Signal<In, Bits<512>>,
    /// Overwrite DONE_LINES.
    pub set_done: Signal<In, Bit>,
    /// The DONE_LINES value to set.
    pub set_done_value: Signal<In, Bits<64>>,
    /// A line left the buffer this cycle.
    pub popped: Signal<Out, Bit>,
    /// Nothing buffered or being mixed.
    pub idle: Signal<Out, Bit>,
    /// The digest so far.
    pub digest: Signal<Out, Bits<512>>,
    /// Xor of its words.
    pub digest_xor: Signal<Out, Bits<64>>,
    /// Lines added to the digest.
    pub done_lines: Signal<Out, Bits<64>>,
    held_lines: RegFifo<512, BUF_AW>,
    rnd: MixRound,
    add: LaneAdd,
    fold: LaneXor,
    active: DFF<Bit>,
    left: DFF<Bits<8>>,
    x: DFF<Bits<512>>,
    acc: DFF<Bits<512>>,
    done: DFF<Bits<64>>,
    finish: Signal<Local, Bit>,
    load: Signal<Local, Bit>,
    unused_count: Signal<Local, Bits<8>>,
    unused_full: Signal<Local, Bit>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    zero512: Constant<Bits<512>>,
}

impl Default for Mixer {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rounds: Default::default(),
            in_valid: Default::default(),
            in_data: Default::default(),
            set_digest: Default::default(),
            set_digest_data: Default::default(),
            set_done: Default::default(),
            set_done_value: Default::default(),
            popped: Default::default(),
            idle: Default::default(),
            digest: Default::default(),
            digest_xor: Default::default(),
            done_lines: Default::default(),
            held_lines: Default::default(),
            rnd: Default::default(),
            add: Default::default(),
            fold: Default::default(),
            active: Default::default(),
            left: Default::default(),
            x: Default::default(),
            acc: Default::default(),
            done: Default::default(),
            finish: Default::default(),
            load: Default::default(),
            unused_count: Default::default(),
            unused_full: Default::default(),
            zero8: k(0),
            one8: k(1),
            zero64: k(0),
            one64: k(1),
            zero512: Constant::new(Bits::<512>::default()),
        }
    }
}

impl Logic for Mixer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, active, left, x, acc, done);
        self.held_lines.clock.next = self.clock.val();
        self.held_lines.reset.next = self.reset.val();
        self.held_lines.push.next = self.in_valid.val();
        self.held_lines.push_data.next = self.in_data.val();
        self.unused_count.next = self.held_lines.count.val();
        self.unused_full.next = self.held_lines.full.val();

        // The line in the unit has had all its rounds: add it, and load the next one.
        self.finish.next = self.active.q.val() & (self.left.q.val() == self.zero8.val());
        self.load.next = !self.held_lines.empty.val() & (!self.active.q.val() | self.finish.val());
        self.held_lines.pop.next = self.load.val();
        self.popped.next = self.load.val();
        self.rnd.x.next = self.x.q.val();
        self.rnd.head.next = self.held_lines.head.val();
        // Spelled out, not `load`: a child input computed from a local of this block makes
        // Verilator see a combinational loop through the child.
        self.rnd.sel.next = !self.held_lines.empty.val()
            & (!self.active.q.val() | (self.left.q.val() == self.zero8.val()));
        if self.load.val() {
            self.x.d.next = self.rnd.out.val();
            self.left.d.next = self.rounds.val() - self.one8.val();
            self.active.d.next = true;
        } else if self.active.q.val() & !self.finish.val() {
            self.x.d.next = self.rnd.out.val();
            self.left.d.next = self.left.q.val() - self.one8.val();
        } else if self.finish.val() {
            self.active.d.next = false;
        }

        self.add.a.next = self.acc.q.val();
        self.add.b.next = self.x.q.val();
        if self.finish.val() {
            self.acc.d.next = self.add.sum.val();
            self.done.d.next = self.done.q.val() + self.one64.val();
        }
        if self.set_digest.val() {
            self.acc.d.next = self.set_digest_data.val();
        }
        if self.set_done.val() {
            self.done.d.next = self.set_done_value.val();
        }
        self.fold.a.next = self.acc.q.val();
        self.digest.next = self.acc.q.val();
        self.digest_xor.next = self.fold.out.val();
        self.done_lines.next = self.done.q.val();
        self.idle.next = self.held_lines.empty.val() & !self.active.q.val();

        if self.reset.val() {
            self.active.d.next = false;
            self.left.d.next = self.zero8.val();
            self.acc.d.next = self.zero512.val();
            self.done.d.next = self.zero64.val();
        }
    }
}
