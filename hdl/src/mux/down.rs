//! A registered one-to-two router for a downward channel (responses, MMIO requests).
//!
//! Downward traffic needs no arbitration: the host sends at most one entry per cycle per
//! channel and leaves accept every cycle. Each tree node re-registers the entry and raises the
//! valid of the child whose leaf range holds the destination. The payload register is shared
//! by both children (fan-out two); only the valids are per child.
//!
//! ### Inputs
//! `clock`, `reset`, `in_valid`, `in_dest` (leaf index), `in_payload`.
//! ### Outputs
//! `out_valid_lo` (dest < split), `out_valid_hi` (dest ≥ split), `out_dest`, `out_payload`.

use rust_hdl::prelude::*;

/// Router of `W`-bit payloads; leaves below `split` go low, the rest high.
#[derive(LogicBlock)]
pub struct DownRouter<const W: usize> {
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
    /// Entry for the low child.
    pub out_valid_lo: Signal<Out, Bit>,
    /// Entry for the high child.
    pub out_valid_hi: Signal<Out, Bit>,
    /// Leaf of the entry.
    pub out_dest: Signal<Out, Bits<16>>,
    /// Payload of the entry.
    pub out_payload: Signal<Out, Bits<W>>,
    valid_lo: DFF<Bit>,
    valid_hi: DFF<Bit>,
    dest: DFF<Bits<16>>,
    payload: DFF<Bits<W>>,
    split: Constant<Bits<16>>,
}

impl<const W: usize> DownRouter<W> {
    /// A router whose high child holds leaves `split..`.
    pub fn new(split: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_dest: Default::default(),
            in_payload: Default::default(),
            out_valid_lo: Default::default(),
            out_valid_hi: Default::default(),
            out_dest: Default::default(),
            out_payload: Default::default(),
            valid_lo: Default::default(),
            valid_hi: Default::default(),
            dest: Default::default(),
            payload: Default::default(),
            split: Constant::new((split as u64).to_bits()),
        }
    }
}

impl<const W: usize> Logic for DownRouter<W> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, valid_lo, valid_hi, dest, payload);
        self.valid_lo.d.next =
            self.in_valid.val() & (self.in_dest.val() < self.split.val()) & !self.reset.val();
        self.valid_hi.d.next =
            self.in_valid.val() & (self.in_dest.val() >= self.split.val()) & !self.reset.val();
        if self.in_valid.val() {
            self.dest.d.next = self.in_dest.val();
            self.payload.d.next = self.in_payload.val();
        }
        self.out_valid_lo.next = self.valid_lo.q.val();
        self.out_valid_hi.next = self.valid_hi.q.val();
        self.out_dest.next = self.dest.q.val();
        self.out_payload.next = self.payload.q.val();
    }
}
