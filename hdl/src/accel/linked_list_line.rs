//! `{w7, …, w0}`: eight 64-bit words packed into one 512-bit line, word 0 in the low bits (the
//! little-endian layout of a cache line in host memory). Like [`crate::shell::concat::Concat`],
//! a hand-written Verilog body with a Rust model for the rust-hdl simulator: no logic, no state.
//!
//! ### Inputs
//! `w0` … `w7` (64 bits each).
//! ### Outputs
//! `line` (512 bits): word i in bits `[64·i + 63 : 64·i]`.

use rust_hdl::prelude::*;

/// `line = {w7, w6, w5, w4, w3, w2, w1, w0}`.
#[derive(LogicBlock, Default)]
pub struct LinePack {
    /// Word 0 (bits 63:0).
    pub w0: Signal<In, Bits<64>>,
    /// Word 1.
    pub w1: Signal<In, Bits<64>>,
    /// Word 2.
    pub w2: Signal<In, Bits<64>>,
    /// Word 3.
    pub w3: Signal<In, Bits<64>>,
    /// Word 4.
    pub w4: Signal<In, Bits<64>>,
    /// Word 5.
    pub w5: Signal<In, Bits<64>>,
    /// Word 6.
    pub w6: Signal<In, Bits<64>>,
    /// Word 7 (bits 511:448).
    pub w7: Signal<In, Bits<64>>,
    /// The packed line.
    pub line: Signal<Out, Bits<512>>,
}

impl Logic for LinePack {
    fn update(&mut self) {
        let words = [
            self.w0.val(),
            self.w1.val(),
            self.w2.val(),
            self.w3.val(),
            self.w4.val(),
            self.w5.val(),
            self.w6.val(),
            self.w7.val(),
        ];
        let mut l = Bits::<512>::default();
        for (i, w) in words.into_iter().enumerate() {
            l.set_bits::<64>(64 * i, w);
        }
        self.line.next = l;
    }

    fn connect(&mut self) {
        self.line.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("always @(*) line = {w7, w6, w5, w4, w3, w2, w1, w0};\n".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_zero_is_lowest() {
        let mut p = LinePack::default();
        p.connect_all();
        p.w0.next = 0x1111_u64.to_bits();
        p.w5.next = 0x5555_0000_0000_0001_u64.to_bits();
        p.w7.next = u64::MAX.to_bits();
        assert!(simulate(&mut p, 10));
        let l = p.line.val();
        assert_eq!(l.get_bits::<64>(0).to_u64(), 0x1111);
        assert_eq!(l.get_bits::<64>(64).to_u64(), 0);
        assert_eq!(l.get_bits::<64>(320).to_u64(), 0x5555_0000_0000_0001);
        assert_eq!(l.get_bits::<64>(448).to_u64(), u64::MAX);
    }
}
