//! MemBench's arithmetic that `hdl_gen` cannot express: multiplications and the packing of
//! eight 64-bit words into a line.
//!
//! rust-hdl multiplies only 16 × 16 bits and has no concatenation, so like
//! [`crate::shell::concat::Concat`] these are hand-written, combinational Verilog bodies (one
//! line each) with a Rust model for the rust-hdl simulator. No state.
//!
//! * [`MulLo32`]: `out = (a · b) mod 2^32` (the multiplications of `fmix32`).
//! * [`MulHi`]: `out = (a · b) >> 32` for a 32-bit `a` and a 42-bit `b` (the multiply-high of
//!   the random order); the low 32 product bits are dropped, in a wire named `unused_lo`
//!   (Verilator's convention for intentionally unused bits).
//! * [`Pack8`]: `out = {w7, …, w0}`: word i in bits `[64i+63 : 64i]` (little-endian line).

use rust_hdl::prelude::*;

/// `out = (a · b) mod 2^32`.
#[derive(LogicBlock, Default)]
pub struct MulLo32 {
    /// Factor.
    pub a: Signal<In, Bits<32>>,
    /// Factor.
    pub b: Signal<In, Bits<32>>,
    /// Low 32 bits of the product.
    pub out: Signal<Out, Bits<32>>,
}

impl Logic for MulLo32 {
    fn update(&mut self) {
        let p = self.a.val().to_u64().wrapping_mul(self.b.val().to_u64());
        self.out.next = (p & 0xffff_ffff).to_bits();
    }

    fn connect(&mut self) {
        self.out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("always @(*) out = a * b;\n".into())
    }
}

/// `out = (a · b) >> 32`.
#[derive(LogicBlock, Default)]
pub struct MulHi {
    /// 32-bit factor (the hash).
    pub a: Signal<In, Bits<32>>,
    /// 42-bit factor (the slot count).
    pub b: Signal<In, Bits<42>>,
    /// Bits `[73:32]` of the product.
    pub out: Signal<Out, Bits<42>>,
}

impl Logic for MulHi {
    fn update(&mut self) {
        let p = u128::from(self.a.val().to_u64()) * u128::from(self.b.val().to_u64());
        self.out.next = ((p >> 32) as u64).to_bits();
    }

    fn connect(&mut self) {
        self.out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "\
wire [31:0] unused_lo;
wire [41:0] hi;
assign {hi, unused_lo} = {42'd0, a} * {32'd0, b};
always @(*) out = hi;
"
            .into(),
        )
    }
}

/// `out = {w7, w6, w5, w4, w3, w2, w1, w0}`.
#[derive(LogicBlock, Default)]
pub struct Pack8 {
    /// Word 0 (bits `[63:0]`).
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
    /// Word 7 (bits `[511:448]`).
    pub w7: Signal<In, Bits<64>>,
    /// The line.
    pub out: Signal<Out, Bits<512>>,
}

impl Logic for Pack8 {
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
        let mut line = Bits::<512>::default();
        for (i, w) in words.into_iter().enumerate() {
            line.set_bits::<64>(64 * i, w);
        }
        self.out.next = line;
    }

    fn connect(&mut self) {
        self.out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("always @(*) out = {w7, w6, w5, w4, w3, w2, w1, w0};\n".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_multiply_and_pack() {
        let mut m = MulLo32::default();
        m.connect_all();
        m.a.next = 0xdead_beef_u64.to_bits();
        m.b.next = 0x85eb_ca6b_u64.to_bits();
        assert!(simulate(&mut m, 10));
        assert_eq!(
            m.out.val().to_u64(),
            u64::from(0xdead_beef_u32.wrapping_mul(0x85eb_ca6b))
        );
        let mut h = MulHi::default();
        h.connect_all();
        h.a.next = 0xffff_ffff_u64.to_bits();
        h.b.next = 0x3ff_ffff_ffff_u64.to_bits();
        assert!(simulate(&mut h, 10));
        assert_eq!(
            h.out.val().to_u64(),
            ((0xffff_ffff_u128 * 0x3ff_ffff_ffff) >> 32) as u64
        );
        let mut p = Pack8::default();
        p.connect_all();
        p.w0.next = 1_u64.to_bits();
        p.w7.next = 0x8000_0000_0000_0000_u64.to_bits();
        assert!(simulate(&mut p, 10));
        assert_eq!(p.out.val().get_bits::<64>(0).to_u64(), 1);
        assert_eq!(p.out.val().get_bits::<64>(448).to_u64(), 1 << 63);
    }
}
