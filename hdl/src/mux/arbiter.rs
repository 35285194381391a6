//! A K-input arbiter node with a registered output FIFO: one channel of one tree node.
//!
//! ```text
//!   in[0] ──┐  (valid, entry, weight)     ┌────────────┐
//!   in[1] ──┼──► credit round-robin ─────►│ output FIFO├──► out (valid, entry, weight)
//!   ...   ──┘  pop ◄──                    └────────────┘
//! ```
//!
//! **Fairness.** Plain per-node round-robin gives every *input* an equal share, so a leaf
//! alone under one input gets as much as four leaves under the other. Here each input carries
//! a *weight*, the number of leaves below it that have work, and the node runs deficit
//! round-robin: when an input's turn starts it gains `4 × weight` lines of credit, every
//! granted request costs its length in lines, and the turn ends when the credit is spent
//! (an overshoot is carried to its next turn as debt, leftover credit of an emptied input is
//! dropped). Shares are then proportional to busy leaves below each input, at every level, so
//! every busy leaf gets the same share of the root. The node is work-conserving: an input
//! with work is served whenever no other input has any, credit or not.
//!
//! **Packets.** In packet mode (write requests) the first beat's `cl_len` gives the packet
//! length and the node stays on that input until its last beat: beats of two writes never
//! interleave. Inputs present whole packets (the leaf ingress stores and forwards), so a
//! locked node never waits long.
//!
//! **Timing.** The choice reads only registers (credits, current input, FIFO counts of this
//! node and its inputs), so no combinational path crosses a node; an entry granted at one
//! edge is at this node's output after it: one cycle per level.
//!
//! ### Inputs
//! `clock`, `reset`; per input `in_valid[i]`, `in_data[i]`, `in_weight[i]`; `out_pop`.
//! ### Outputs
//! per input `in_pop[i]`; `out_valid`, `out_data`, `out_weight` (registered sum of weights).

use super::fifo::RegFifo;
use rust_hdl::prelude::*;

/// Arbiter of `K` inputs of `W`-bit entries, output FIFO of `2^AW` entries.
#[derive(LogicBlock)]
pub struct Arbiter<const K: usize, const W: usize, const AW: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Input i has an entry (of a complete packet) at its head.
    pub in_valid: [Signal<In, Bit>; K],
    /// Head entry of input i; `cl_len` in bits `[1:0]`.
    pub in_data: [Signal<In, Bits<W>>; K],
    /// Leaves with work below input i.
    pub in_weight: [Signal<In, Bits<8>>; K],
    /// Take input i's head at the next edge.
    pub in_pop: [Signal<Out, Bit>; K],
    /// This node has an entry for its parent.
    pub out_valid: Signal<Out, Bit>,
    /// Head entry of this node.
    pub out_data: Signal<Out, Bits<W>>,
    /// Parent takes the head.
    pub out_pop: Signal<In, Bit>,
    /// Leaves with work below this node (registered).
    pub out_weight: Signal<Out, Bits<8>>,
    fifo: RegFifo<W, AW>,
    cur: DFF<Bits<8>>,
    credit: [DFF<Bits<8>>; K],
    locked: DFF<Bit>,
    beats_left: DFF<Bits<8>>,
    weight_sum: DFF<Bits<8>>,
    partial: [Signal<Local, Bits<8>>; K],
    cur_has: Signal<Local, Bit>,
    cur_credit: Signal<Local, Bits<8>>,
    nxt: Signal<Local, Bits<8>>,
    nxt_other: Signal<Local, Bit>,
    stay: Signal<Local, Bit>,
    switch: Signal<Local, Bit>,
    grant: Signal<Local, Bit>,
    sel: Signal<Local, Bits<8>>,
    sel_data: Signal<Local, Bits<W>>,
    sel_cl: Signal<Local, Bits<2>>,
    sel_len: Signal<Local, Bits<8>>,
    sel_weight: Signal<Local, Bits<8>>,
    sel_credit: Signal<Local, Bits<8>>,
    quantum: Signal<Local, Bits<8>>,
    unused_count: Signal<Local, Bits<8>>,
    idx: [Constant<Bits<8>>; K],
    packet_mode: Constant<Bit>,
    bias: Constant<Bits<8>>,
    zero: Constant<Bits<8>>,
    one: Constant<Bits<8>>,
    two: Constant<Bits<8>>,
    three: Constant<Bits<8>>,
    four: Constant<Bits<8>>,
    cl1: Constant<Bits<2>>,
    cl2: Constant<Bits<2>>,
}

/// Credits are stored with this bias so that a debt (at most 3 lines) stays unsigned:
/// `credit > BIAS` means the current turn may continue.
pub const CREDIT_BIAS: u64 = 4;

impl<const K: usize, const W: usize, const AW: usize> Arbiter<K, W, AW> {
    /// A node; `packet_mode` keeps multi-beat writes together.
    pub fn new(packet_mode: bool) -> Self {
        assert!((1..=16).contains(&K), "an arbiter takes 1 to 16 inputs");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: std::array::from_fn(|_| Default::default()),
            in_data: std::array::from_fn(|_| Default::default()),
            in_weight: std::array::from_fn(|_| Default::default()),
            in_pop: std::array::from_fn(|_| Default::default()),
            out_valid: Default::default(),
            out_data: Default::default(),
            out_pop: Default::default(),
            out_weight: Default::default(),
            fifo: Default::default(),
            cur: Default::default(),
            credit: std::array::from_fn(|_| Default::default()),
            locked: Default::default(),
            beats_left: Default::default(),
            weight_sum: Default::default(),
            partial: std::array::from_fn(|_| Default::default()),
            cur_has: Default::default(),
            cur_credit: Default::default(),
            nxt: Default::default(),
            nxt_other: Default::default(),
            stay: Default::default(),
            switch: Default::default(),
            grant: Default::default(),
            sel: Default::default(),
            sel_data: Default::default(),
            sel_cl: Default::default(),
            sel_len: Default::default(),
            sel_weight: Default::default(),
            sel_credit: Default::default(),
            quantum: Default::default(),
            unused_count: Default::default(),
            idx: std::array::from_fn(|i| Constant::new((i as u64).to_bits())),
            packet_mode: Constant::new(packet_mode),
            bias: Constant::new(CREDIT_BIAS.to_bits()),
            zero: Constant::new(0_u64.to_bits()),
            one: Constant::new(1_u64.to_bits()),
            two: Constant::new(2_u64.to_bits()),
            three: Constant::new(3_u64.to_bits()),
            four: Constant::new(4_u64.to_bits()),
            cl1: Constant::new(1_u64.to_bits()),
            cl2: Constant::new(2_u64.to_bits()),
        }
    }
}

impl<const K: usize, const W: usize, const AW: usize> Logic for Arbiter<K, W, AW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, cur, locked, beats_left, weight_sum);
        for i in 0..K {
            self.credit[i].clock.next = self.clock.val();
            self.credit[i].d.next = self.credit[i].q.val();
        }
        self.fifo.clock.next = self.clock.val();
        self.fifo.reset.next = self.reset.val();
        self.fifo.pop.next = self.out_pop.val();
        self.out_valid.next = !self.fifo.empty.val();
        self.out_data.next = self.fifo.head.val();
        self.unused_count.next = self.fifo.count.val();

        // Busy leaves below this node, registered on the way up.
        self.partial[0].next = self.in_weight[0].val();
        for i in 1..K {
            self.partial[i].next = self.partial[i - 1].val() + self.in_weight[i].val();
        }
        for last in (K - 1)..K {
            self.weight_sum.d.next = self.partial[last].val();
        }
        self.out_weight.next = self.weight_sum.q.val();

        // The current input: has it work, and credit left?
        self.cur_has.next = false;
        self.cur_credit.next = self.zero.val();
        for i in 0..K {
            if self.cur.q.val() == self.idx[i].val() {
                self.cur_has.next = self.in_valid[i].val();
                self.cur_credit.next = self.credit[i].q.val();
            }
        }
        // The next other input with work, in round-robin order after the current one.
        // Later assignments win, so scan downwards: wrap-around candidates first, then the
        // ones above the current input.
        self.nxt.next = self.cur.q.val();
        self.nxt_other.next = false;
        for last in (K - 1)..K {
            for i in 0..K {
                if self.in_valid[last - i].val() & (self.idx[last - i].val() < self.cur.q.val()) {
                    self.nxt.next = self.idx[last - i].val();
                    self.nxt_other.next = true;
                }
            }
            // Input 0 is never above the current one.
            for i in 0..(K - 1) {
                if self.in_valid[last - i].val() & (self.idx[last - i].val() > self.cur.q.val()) {
                    self.nxt.next = self.idx[last - i].val();
                    self.nxt_other.next = true;
                }
            }
        }

        // Stay inside a packet, or while credit lasts, or when nobody else waits.
        self.stay.next = self.cur_has.val()
            & (self.locked.q.val()
                | (self.cur_credit.val() > self.bias.val())
                | !self.nxt_other.val());
        self.switch.next = !self.stay.val() & !self.locked.q.val() & self.nxt_other.val();
        self.grant.next = !self.fifo.full.val() & (self.stay.val() | self.switch.val());
        self.sel.next = self.cur.q.val();
        if self.switch.val() {
            self.sel.next = self.nxt.val();
        }

        // The selected input's entry, weight and credit.
        self.sel_data.next = self.in_data[0].val();
        self.sel_weight.next = self.in_weight[0].val();
        self.sel_credit.next = self.credit[0].q.val();
        for i in 1..K {
            if self.sel.val() == self.idx[i].val() {
                self.sel_data.next = self.in_data[i].val();
                self.sel_weight.next = self.in_weight[i].val();
                self.sel_credit.next = self.credit[i].q.val();
            }
        }
        self.sel_cl.next = self.sel_data.val().get_bits::<2>(0);
        // cl_len 0, 1, 3 -> 1, 2, 4 lines (2 is illegal; costed as 3).
        self.sel_len.next = self.four.val();
        if self.sel_cl.val() == self.cl2.val() {
            self.sel_len.next = self.three.val();
        }
        if self.sel_cl.val() == self.cl1.val() {
            self.sel_len.next = self.two.val();
        }
        if !self.sel_cl.val().any() {
            self.sel_len.next = self.one.val();
        }
        // A turn's quantum: 4 lines per busy leaf (at least one leaf: counts lag a little).
        self.quantum.next = self.sel_weight.val() << 2;
        if self.sel_weight.val() == self.zero.val() {
            self.quantum.next = self.four.val();
        }

        self.fifo.push.next = self.grant.val();
        self.fifo.push_data.next = self.sel_data.val();
        for i in 0..K {
            self.in_pop[i].next = self.grant.val() & (self.sel.val() == self.idx[i].val());
        }

        if self.grant.val() {
            self.cur.d.next = self.sel.val();
            if self.locked.q.val() {
                // Inside a multi-beat write: count its beats down.
                self.beats_left.d.next = self.beats_left.q.val() - self.one.val();
                if self.beats_left.q.val() == self.one.val() {
                    self.locked.d.next = false;
                }
            } else {
                if self.packet_mode.val() & (self.sel_len.val() > self.one.val()) {
                    self.locked.d.next = true;
                    self.beats_left.d.next = self.sel_len.val() - self.one.val();
                }
                for i in 0..K {
                    if self.sel.val() == self.idx[i].val() {
                        if self.switch.val() {
                            // A new turn: the quantum, plus any debt carried from the last one.
                            self.credit[i].d.next =
                                self.sel_credit.val() + self.quantum.val() - self.sel_len.val();
                        } else if self.cur_credit.val() > self.bias.val() {
                            self.credit[i].d.next = self.sel_credit.val() - self.sel_len.val();
                        } else {
                            // Alone with work and out of credit: start a fresh turn.
                            self.credit[i].d.next =
                                self.bias.val() + self.quantum.val() - self.sel_len.val();
                        }
                    }
                    // The input being left keeps its debt but not unspent credit.
                    if self.switch.val()
                        & (self.cur.q.val() == self.idx[i].val())
                        & (self.cur_credit.val() > self.bias.val())
                    {
                        self.credit[i].d.next = self.bias.val();
                    }
                }
            }
        }

        if self.reset.val() {
            self.cur.d.next = self.zero.val();
            self.locked.d.next = false;
            self.beats_left.d.next = self.zero.val();
            self.weight_sum.d.next = self.zero.val();
            for i in 0..K {
                self.credit[i].d.next = self.bias.val();
            }
        }
    }
}
