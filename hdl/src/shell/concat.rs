//! `{hi, lo}`: packs two fields into one flat word, without width warnings.
//!
//! rust-hdl's `hdl_gen` has no concatenation, and widening with `bit_cast` emits an AND of
//! mismatched widths that Verilator flags (WIDTH). Like [`crate::mux::fifo::RegFifo`], this is a
//! hand-written Verilog body with a Rust model for the rust-hdl simulator. No logic, no state.
//!
//! ### Inputs
//! `lo` (`A` bits), `hi` (`B` bits).
//! ### Outputs
//! `out` (`W = A + B` bits): `lo` in bits `[A-1:0]`, `hi` above.

use rust_hdl::prelude::*;

/// `out = {hi, lo}` with `W == A + B`.
#[derive(LogicBlock)]
pub struct Concat<const A: usize, const B: usize, const W: usize> {
    /// Low field.
    pub lo: Signal<In, Bits<A>>,
    /// High field.
    pub hi: Signal<In, Bits<B>>,
    /// The packed word.
    pub out: Signal<Out, Bits<W>>,
}

impl<const A: usize, const B: usize, const W: usize> Default for Concat<A, B, W> {
    fn default() -> Self {
        assert_eq!(A + B, W, "Concat: W must be A + B");
        Self {
            lo: Default::default(),
            hi: Default::default(),
            out: Default::default(),
        }
    }
}

impl<const A: usize, const B: usize, const W: usize> Logic for Concat<A, B, W> {
    fn update(&mut self) {
        let mut w = Bits::<W>::default();
        w.set_bits::<A>(0, self.lo.val());
        w.set_bits::<B>(A, self.hi.val());
        self.out.next = w;
    }

    fn connect(&mut self) {
        self.out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("always @(*) out = {hi, lo};\n".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_low_field_first() {
        let mut c = Concat::<2, 42, 44>::default();
        c.connect_all();
        c.lo.next = 3_u64.to_bits();
        c.hi.next = 0x2_0000_0001_u64.to_bits();
        assert!(simulate(&mut c, 10));
        assert_eq!(c.out.val().to_u64(), (0x2_0000_0001 << 2) | 3);
    }
}
