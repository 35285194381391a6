//! Where a leaf's upward channel enters the tree: a FIFO with almost-full, storing whole
//! packets before it offers them.
//!
//! A leaf has no ready signal; it may present 8 more beats after it has seen `almfull`. With
//! a registered `almfull` computed from the FIFO count, up to 10 beats can arrive after the
//! count first reaches the threshold (the beat in flight when the flag rises, the one at the
//! edge where the leaf sees it, then 8), so the threshold is depth − 11.
//!
//! In packet mode (writes) the FIFO offers a beat only once every beat of its packet is in,
//! so a node that locks onto a write never waits on a slow leaf mid-packet. Packet framing
//! comes from the first beat's `cl_len`; beats are forwarded unchanged.
//!
//! ### Inputs
//! `clock`, `reset`, `in_valid`, `in_data` (packed entry), `out_pop`.
//! ### Outputs
//! `almfull` (registered), `out_valid`, `out_data`, `out_weight` (1 when the leaf has work).

use super::fifo::RegFifo;
use rust_hdl::prelude::*;

/// Leaf ingress for `W`-bit entries with a `2^AW`-entry FIFO.
#[derive(LogicBlock)]
pub struct LeafIngress<const W: usize, const AW: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// The leaf presents a beat.
    pub in_valid: Signal<In, Bit>,
    /// The beat, packed; `cl_len` in bits `[1:0]`.
    pub in_data: Signal<In, Bits<W>>,
    /// Almost full, towards the leaf (registered).
    pub almfull: Signal<Out, Bit>,
    /// A beat of a complete packet is available.
    pub out_valid: Signal<Out, Bit>,
    /// That beat.
    pub out_data: Signal<Out, Bits<W>>,
    /// The node takes it.
    pub out_pop: Signal<In, Bit>,
    /// 1 while the leaf has work queued.
    pub out_weight: Signal<Out, Bits<8>>,
    fifo: RegFifo<W, AW>,
    almfull_q: DFF<Bit>,
    busy: DFF<Bit>,
    pending: DFF<Bits<8>>,
    committed: DFF<Bits<8>>,
    in_cl: Signal<Local, Bits<2>>,
    in_first: Signal<Local, Bit>,
    in_last: Signal<Local, Bit>,
    in_beats_left: DFF<Bits<8>>,
    in_len: Signal<Local, Bits<8>>,
    add: Signal<Local, Bits<8>>,
    taken: Signal<Local, Bit>,
    packet_mode: Constant<Bit>,
    threshold: Constant<Bits<8>>,
    zero: Constant<Bits<8>>,
    one: Constant<Bits<8>>,
    two: Constant<Bits<8>>,
    three: Constant<Bits<8>>,
    four: Constant<Bits<8>>,
    cl1: Constant<Bits<2>>,
    cl2: Constant<Bits<2>>,
}

/// Beats that may still arrive after the count reaches the almost-full threshold.
pub const INGRESS_HEADROOM: u64 = 11;

impl<const W: usize, const AW: usize> LeafIngress<W, AW> {
    /// An ingress; `packet_mode` for multi-beat writes, `with_almfull` for request channels
    /// (MMIO responses have no flow control: the tree bounds them instead).
    pub fn new(packet_mode: bool, with_almfull: bool) -> Self {
        let depth = 1_u64 << AW;
        assert!(
            !with_almfull || depth > INGRESS_HEADROOM + 4,
            "ingress FIFO too shallow"
        );
        let threshold = if with_almfull {
            depth - INGRESS_HEADROOM
        } else {
            255
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_data: Default::default(),
            almfull: Default::default(),
            out_valid: Default::default(),
            out_data: Default::default(),
            out_pop: Default::default(),
            out_weight: Default::default(),
            fifo: Default::default(),
            almfull_q: Default::default(),
            busy: Default::default(),
            pending: Default::default(),
            committed: Default::default(),
            in_cl: Default::default(),
            in_first: Default::default(),
            in_last: Default::default(),
            in_beats_left: Default::default(),
            in_len: Default::default(),
            add: Default::default(),
            taken: Default::default(),
            packet_mode: Constant::new(packet_mode),
            threshold: Constant::new(threshold.to_bits()),
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

impl<const W: usize, const AW: usize> Logic for LeafIngress<W, AW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            almfull_q,
            busy,
            pending,
            committed,
            in_beats_left
        );
        self.fifo.clock.next = self.clock.val();
        self.fifo.reset.next = self.reset.val();
        self.fifo.push.next = self.in_valid.val();
        self.fifo.push_data.next = self.in_data.val();
        self.fifo.pop.next = self.out_pop.val();
        self.out_data.next = self.fifo.head.val();
        self.almfull.next = self.almfull_q.q.val();
        self.almfull_q.d.next = self.fifo.count.val() >= self.threshold.val();
        self.busy.d.next = !self.fifo.empty.val();
        self.out_weight.next = self.zero.val();
        if self.busy.q.val() {
            self.out_weight.next = self.one.val();
        }

        // Packet framing of incoming beats.
        self.in_cl.next = self.in_data.val().get_bits::<2>(0);
        self.in_len.next = self.four.val();
        if self.in_cl.val() == self.cl2.val() {
            self.in_len.next = self.three.val();
        }
        if self.in_cl.val() == self.cl1.val() {
            self.in_len.next = self.two.val();
        }
        if !self.in_cl.val().any() {
            self.in_len.next = self.one.val();
        }
        self.in_first.next = self.in_beats_left.q.val() == self.zero.val();
        self.in_last.next = self.in_beats_left.q.val() == self.one.val();
        if self.in_first.val() {
            self.in_last.next = self.in_len.val() == self.one.val();
        }
        self.taken.next = self.in_valid.val() & !self.fifo.full.val();
        self.add.next = self.zero.val();
        if self.taken.val() {
            if self.in_first.val() {
                self.in_beats_left.d.next = self.in_len.val() - self.one.val();
            } else {
                self.in_beats_left.d.next = self.in_beats_left.q.val() - self.one.val();
            }
            if self.in_last.val() {
                self.add.next = self.pending.q.val() + self.one.val();
                self.pending.d.next = self.zero.val();
            } else {
                self.pending.d.next = self.pending.q.val() + self.one.val();
            }
        }
        if self.out_pop.val() & !self.fifo.empty.val() {
            self.committed.d.next = self.committed.q.val() + self.add.val() - self.one.val();
        } else {
            self.committed.d.next = self.committed.q.val() + self.add.val();
        }
        self.out_valid.next = !self.fifo.empty.val();
        if self.packet_mode.val() {
            self.out_valid.next = self.committed.q.val() != self.zero.val();
        }

        if self.reset.val() {
            self.almfull_q.d.next = false;
            self.busy.d.next = false;
            self.pending.d.next = self.zero.val();
            self.committed.d.next = self.zero.val();
            self.in_beats_left.d.next = self.zero.val();
        }
    }
}
