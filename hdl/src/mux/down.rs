//! A registered one-to-K router for a downward channel (responses, MMIO requests).
//!
//! Downward traffic needs no arbitration: the host sends at most one entry per cycle per
//! channel and leaves accept every cycle. Each tree node re-registers the entry and raises the
//! valid of the child whose leaf range holds the destination. The payload register is shared
//! by all children; only the valids are per child.
//!
//! ### Inputs
//! `clock`, `reset`, `in_valid`, `in_dest` (leaf index), `in_payload`.
//! ### Outputs
//! `out_valid[c]` (destination in child c's leaf range), `out_dest`, `out_payload`.

use rust_hdl::prelude::*;

/// Router of `W`-bit payloads to `K` children.
#[derive(LogicBlock)]
pub struct DownRouter<const W: usize, const K: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// An entry arrives.
    pub in_valid: Signal<In, Bit>,
    /// Its leaf.
    pub in_dest: Signal<In, Bits<16>>,
    /// Its payload.
    pub in_payload: Signal<In, Bits<W>>,
    /// Entry for child c.
    pub out_valid: [Signal<Out, Bit>; K],
    /// Leaf of the entry.
    pub out_dest: Signal<Out, Bits<16>>,
    /// Payload of the entry.
    pub out_payload: Signal<Out, Bits<W>>,
    valid: [DFF<Bit>; K],
    dest: DFF<Bits<16>>,
    payload: DFF<Bits<W>>,
    offset: [Signal<Local, Bits<16>>; K],
    lo: [Constant<Bits<16>>; K],
    size: [Constant<Bits<16>>; K],
}

impl<const W: usize, const K: usize> DownRouter<W, K> {
    /// A router whose child c holds leaves `bounds[c]..bounds[c + 1]`; children beyond
    /// `bounds.len() - 1` hold none.
    pub fn new(bounds: &[usize]) -> Self {
        assert!(
            bounds.len() >= 2 && bounds.len() <= K + 1,
            "one bound per child, plus one"
        );
        let range = |c: usize| {
            bounds
                .get(c)
                .zip(bounds.get(c + 1))
                .map(|(&a, &b)| (a, b - a))
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_dest: Default::default(),
            in_payload: Default::default(),
            out_valid: std::array::from_fn(|_| Default::default()),
            out_dest: Default::default(),
            out_payload: Default::default(),
            valid: std::array::from_fn(|_| Default::default()),
            dest: Default::default(),
            payload: Default::default(),
            offset: std::array::from_fn(|_| Default::default()),
            lo: std::array::from_fn(|c| {
                Constant::new((range(c).map_or(0, |r| r.0) as u64).to_bits())
            }),
            size: std::array::from_fn(|c| {
                Constant::new((range(c).map_or(0, |r| r.1) as u64).to_bits())
            }),
        }
    }
}

impl<const W: usize, const K: usize> Logic for DownRouter<W, K> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, dest, payload);
        for c in 0..K {
            self.valid[c].clock.next = self.clock.val();
            // dest - lo wraps around below lo, so one unsigned compare checks both bounds.
            self.offset[c].next = self.in_dest.val() - self.lo[c].val();
            self.valid[c].d.next = self.in_valid.val()
                & (self.offset[c].val() < self.size[c].val())
                & !self.reset.val();
            self.out_valid[c].next = self.valid[c].q.val();
        }
        if self.in_valid.val() {
            self.dest.d.next = self.in_dest.val();
            self.payload.d.next = self.in_payload.val();
        }
        self.out_dest.next = self.dest.q.val();
        self.out_payload.next = self.payload.q.val();
    }
}
