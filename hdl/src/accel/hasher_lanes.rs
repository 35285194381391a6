//! Lane-wise (8 × 64-bit) datapath pieces of the Hasher: the word keys, one mixing round, the
//! digest adder, the digest fold and the snapshot header. rust-hdl's `hdl_gen` has no
//! multiplier wider than 16 bits and no concatenation, so, like [`crate::mux::fifo::RegFifo`],
//! each is a hand-written Verilog body with a Rust model for the rust-hdl simulator; both are
//! written from the constants and `const fn`s of `optimus_regs::hasher`, and
//! `hdl/tests/hasher_lint.rs` runs the Verilog bodies against those functions in Verilator.
//! No state anywhere: every output is a function of the inputs.

use optimus_regs::hasher::{self, GOLDEN, MIX_MUL, SHIFT_A, SHIFT_B, WORDS, snapshot};
use rust_hdl::prelude::*;

/// Word `w` of a line.
fn lane(x: Bits<512>, w: usize) -> u64 {
    x.get_bits::<64>(64 * w).to_u64()
}

/// A line from its eight words.
fn line(words: [u64; WORDS]) -> Bits<512> {
    let mut x = Bits::<512>::default();
    for (w, v) in words.into_iter().enumerate() {
        x.set_bits::<64>(64 * w, v.to_bits());
    }
    x
}

/// One Verilog statement per lane, `f(w, "[hi:lo]")`.
fn per_lane(f: impl Fn(usize, String) -> String) -> String {
    (0..WORDS)
        .map(|w| f(w, format!("[{}:{}]", 64 * w + 63, 64 * w)))
        .collect()
}

macro_rules! comb_block {
    ($name:ident, $doc:literal, in { $($i:ident : $it:ty),* }, out { $($o:ident : $ot:ty),* }) => {
        #[doc = $doc]
        #[derive(LogicBlock, Default)]
        pub struct $name {
            $(#[doc = "Input."] pub $i: Signal<In, $it>,)*
            $(#[doc = "Output."] pub $o: Signal<Out, $ot>,)*
        }
    };
}

comb_block!(LineInit, "`out[w] = data[w] ^ seed ^ ((8·line + w) · GOLDEN)`, computed as \
    `line · 8·GOLDEN + w·GOLDEN` (one multiplier for the line).",
    in { data: Bits<512>, seed: Bits<64>, line: Bits<64> }, out { out: Bits<512> });

impl Logic for LineInit {
    fn update(&mut self) {
        let (d, s, l) = (
            self.data.val(),
            self.seed.val().to_u64(),
            self.line.val().to_u64(),
        );
        self.out.next = line(std::array::from_fn(|w| {
            hasher::initial(lane(d, w), s, l, w as u64)
        }));
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        let base = format!(
            "wire [63:0] base = line * 64'h{:016x};\n",
            GOLDEN.wrapping_mul(8)
        );
        let body = per_lane(|w, r| {
            format!(
                "   out{r} = data{r} ^ seed ^ (base + 64'h{:016x});\n",
                GOLDEN.wrapping_mul(w as u64)
            )
        });
        Verilog::Custom(format!("{base}always @(*) begin\n{body}end\n"))
    }
}

comb_block!(MixRound, "One mixing round on every lane of `sel ? head : x`: \
    `x ^= x >> 31; x *= MIX_MUL; x ^= x >> 29` ([`hasher::round`]). The select is in here so \
    that the mixer drives every input unconditionally (no false combinational loop).",
    in { head: Bits<512>, x: Bits<512>, sel: Bit }, out { out: Bits<512> });

impl Logic for MixRound {
    fn update(&mut self) {
        let x = if self.sel.val() {
            self.head.val()
        } else {
            self.x.val()
        };
        self.out.next = line(std::array::from_fn(|w| hasher::round(lane(x, w))));
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        let wires = per_lane(|w, r| {
            format!(
                "wire [63:0] i{w} = sel ? head{r} : x{r};\n\
                 wire [63:0] a{w} = i{w} ^ (i{w} >> {SHIFT_A});\n\
                 wire [63:0] m{w} = a{w} * 64'h{MIX_MUL:016x};\n"
            )
        });
        let body = per_lane(|w, r| format!("   out{r} = m{w} ^ (m{w} >> {SHIFT_B});\n"));
        Verilog::Custom(format!("{wires}always @(*) begin\n{body}end\n"))
    }
}

comb_block!(LaneAdd, "`sum[w] = a[w] + b[w]`, wrapping, per lane.",
    in { a: Bits<512>, b: Bits<512> }, out { sum: Bits<512> });

impl Logic for LaneAdd {
    fn update(&mut self) {
        let (a, b) = (self.a.val(), self.b.val());
        self.sum.next = line(std::array::from_fn(|w| lane(a, w).wrapping_add(lane(b, w))));
    }
    fn connect(&mut self) {
        self.sum.connect();
    }
    fn hdl(&self) -> Verilog {
        let body = per_lane(|_, r| format!("   sum{r} = a{r} + b{r};\n"));
        Verilog::Custom(format!("always @(*) begin\n{body}end\n"))
    }
}

comb_block!(LaneXor, "`out = a[0] ^ … ^ a[7]` (DIGEST_XOR, [`hasher::digest_xor`]).",
    in { a: Bits<512> }, out { out: Bits<64> });

impl Logic for LaneXor {
    fn update(&mut self) {
        let a = self.a.val();
        self.out.next = hasher::digest_xor(&std::array::from_fn(|w| lane(a, w))).to_bits();
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        let terms: Vec<String> = (0..WORDS)
            .map(|w| format!("a[{}:{}]", 64 * w + 63, 64 * w))
            .collect();
        Verilog::Custom(format!("always @(*) out = {};\n", terms.join(" ^ ")))
    }
}

comb_block!(PackHeader, "The snapshot's header line: NEXT_LINE, DONE_LINES and CYCLES at \
    their words of [`snapshot`], every other word 0.",
    in { next_line: Bits<64>, done: Bits<64>, cycles: Bits<64> }, out { out: Bits<512> });

impl Logic for PackHeader {
    fn update(&mut self) {
        let mut words = [0; WORDS];
        words[snapshot::NEXT_LINE] = self.next_line.val().to_u64();
        words[snapshot::DONE_LINES] = self.done.val().to_u64();
        words[snapshot::CYCLES] = self.cycles.val().to_u64();
        self.out.next = line(words);
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        let at = |w: usize| format!("[{}:{}]", 64 * w + 63, 64 * w);
        Verilog::Custom(format!(
            "always @(*) begin\n   out = 512'd0;\n   out{} = next_line;\n   out{} = done;\n   \
             out{} = cycles;\nend\n",
            at(snapshot::NEXT_LINE),
            at(snapshot::DONE_LINES),
            at(snapshot::CYCLES)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(x: Bits<512>) -> [u64; WORDS] {
        std::array::from_fn(|w| lane(x, w))
    }

    #[test]
    fn models_follow_the_reference_functions() {
        let data: [u64; WORDS] = std::array::from_fn(|w| 0x1111 * w as u64 + 5);
        let mut init = LineInit::default();
        init.connect_all();
        init.data.next = line(data);
        init.seed.next = 0xabc_u64.to_bits();
        init.line.next = 77_u64.to_bits();
        assert!(simulate(&mut init, 10));
        let want: [u64; WORDS] =
            std::array::from_fn(|w| data[w] ^ 0xabc ^ hasher::key(77, w as u64));
        assert_eq!(words(init.out.val()), want);

        let mut rnd = MixRound::default();
        rnd.connect_all();
        rnd.x.next = line(data);
        rnd.head.next = line([0; WORDS]);
        assert!(simulate(&mut rnd, 10));
        assert_eq!(words(rnd.out.val()), data.map(hasher::round));

        let mut hdr = PackHeader::default();
        hdr.connect_all();
        hdr.next_line.next = 3_u64.to_bits();
        hdr.done.next = 4_u64.to_bits();
        hdr.cycles.next = 5_u64.to_bits();
        assert!(simulate(&mut hdr, 10));
        let h = words(hdr.out.val());
        assert_eq!(
            (
                h[snapshot::NEXT_LINE],
                h[snapshot::DONE_LINES],
                h[snapshot::CYCLES]
            ),
            (3, 4, 5)
        );
        assert_eq!(h.iter().filter(|&&v| v == 0).count(), WORDS - 3);
    }
}
