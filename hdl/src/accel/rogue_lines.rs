//! Rogue's line-wide datapath, pure wiring: the write data (the pattern of design-time
//! [`WRITE_PATTERN`] or the snapshot line), the sum of a read line's eight words (for
//! CHECKSUM), and the fields of a snapshot line read back. A hand-written Verilog body with a
//! Rust model for the rust-hdl simulator (rust-hdl's `hdl_gen` has no concatenation or
//! replication; see [`crate::shell::concat`]). No state.
//!
//! ### Inputs
//! `line` (slot-relative line address of the write beat), `snap` (the beat is the snapshot),
//! the snapshot fields `rd_issued`, `wr_issued`, `issued`, `done`, `rd_off`, `wr_off` (32 bits)
//! and `checksum` (64), `rd_data` (a read response line).
//! ### Outputs
//! `wr_data`: `snap` ? the snapshot line ([`snapshot`] layout, upper half 0) : eight copies of
//! `WRITE_PATTERN | line`. `rd_sum`: wrapping sum of `rd_data`'s eight 64-bit words.
//! `r_*`: the snapshot fields of `rd_data`.

use optimus_regs::rogue::{WRITE_PATTERN, snapshot};
use rust_hdl::prelude::*;

// The Verilog concatenation below packs the fields in this order, 32 bits each
// (checksum 64): the layout of `optimus_regs::rogue::snapshot`.
const _: () = assert!(
    snapshot::RD_ISSUED == 0
        && snapshot::WR_ISSUED == 32
        && snapshot::ISSUED == 64
        && snapshot::DONE == 96
        && snapshot::CHECKSUM == 128
        && snapshot::RD_OFFSET == 192
        && snapshot::WR_OFFSET == 224
        && snapshot::BITS == 256
);
const _: () = assert!(WRITE_PATTERN & ((1 << 42) - 1) == 0);

/// Rogue's write data, read sum and snapshot unpacking.
#[derive(LogicBlock, Default)]
pub struct RogueLines {
    /// Line address of the write beat.
    pub line: Signal<In, Bits<42>>,
    /// The beat is the snapshot.
    pub snap: Signal<In, Bit>,
    /// Snapshot field: read requests issued.
    pub rd_issued: Signal<In, Bits<32>>,
    /// Snapshot field: write requests issued.
    pub wr_issued: Signal<In, Bits<32>>,
    /// Snapshot field: ISSUED.
    pub issued: Signal<In, Bits<32>>,
    /// Snapshot field: DONE.
    pub done: Signal<In, Bits<32>>,
    /// Snapshot field: CHECKSUM.
    pub checksum: Signal<In, Bits<64>>,
    /// Snapshot field: next read offset.
    pub rd_off: Signal<In, Bits<32>>,
    /// Snapshot field: next write offset.
    pub wr_off: Signal<In, Bits<32>>,
    /// A read response line.
    pub rd_data: Signal<In, Bits<512>>,
    /// Write data of the beat.
    pub wr_data: Signal<Out, Bits<512>>,
    /// Sum of `rd_data`'s words.
    pub rd_sum: Signal<Out, Bits<64>>,
    /// `rd_data`'s read-requests field.
    pub r_rd_issued: Signal<Out, Bits<32>>,
    /// `rd_data`'s write-requests field.
    pub r_wr_issued: Signal<Out, Bits<32>>,
    /// `rd_data`'s ISSUED field.
    pub r_issued: Signal<Out, Bits<32>>,
    /// `rd_data`'s DONE field.
    pub r_done: Signal<Out, Bits<32>>,
    /// `rd_data`'s CHECKSUM field.
    pub r_checksum: Signal<Out, Bits<64>>,
    /// `rd_data`'s read offset field.
    pub r_rd_off: Signal<Out, Bits<32>>,
    /// `rd_data`'s write offset field.
    pub r_wr_off: Signal<Out, Bits<32>>,
}

impl Logic for RogueLines {
    fn update(&mut self) {
        let mut w = Bits::<512>::default();
        if self.snap.val() {
            w.set_bits::<32>(snapshot::RD_ISSUED as usize, self.rd_issued.val());
            w.set_bits::<32>(snapshot::WR_ISSUED as usize, self.wr_issued.val());
            w.set_bits::<32>(snapshot::ISSUED as usize, self.issued.val());
            w.set_bits::<32>(snapshot::DONE as usize, self.done.val());
            w.set_bits::<64>(snapshot::CHECKSUM as usize, self.checksum.val());
            w.set_bits::<32>(snapshot::RD_OFFSET as usize, self.rd_off.val());
            w.set_bits::<32>(snapshot::WR_OFFSET as usize, self.wr_off.val());
        } else {
            let word = WRITE_PATTERN | self.line.val().to_u64();
            for i in 0..8 {
                w.set_bits::<64>(64 * i, word.to_bits());
            }
        }
        self.wr_data.next = w;
        let d = self.rd_data.val();
        let sum = (0..8).fold(0u64, |s, i| {
            s.wrapping_add(d.get_bits::<64>(64 * i).to_u64())
        });
        self.rd_sum.next = sum.to_bits();
        self.r_rd_issued.next = d.get_bits::<32>(snapshot::RD_ISSUED as usize);
        self.r_wr_issued.next = d.get_bits::<32>(snapshot::WR_ISSUED as usize);
        self.r_issued.next = d.get_bits::<32>(snapshot::ISSUED as usize);
        self.r_done.next = d.get_bits::<32>(snapshot::DONE as usize);
        self.r_checksum.next = d.get_bits::<64>(snapshot::CHECKSUM as usize);
        self.r_rd_off.next = d.get_bits::<32>(snapshot::RD_OFFSET as usize);
        self.r_wr_off.next = d.get_bits::<32>(snapshot::WR_OFFSET as usize);
    }

    fn connect(&mut self) {
        self.wr_data.connect();
        self.rd_sum.connect();
        self.r_rd_issued.connect();
        self.r_wr_issued.connect();
        self.r_issued.connect();
        self.r_done.connect();
        self.r_checksum.connect();
        self.r_rd_off.connect();
        self.r_wr_off.connect();
    }

    fn hdl(&self) -> Verilog {
        let sum = (0..8)
            .map(|i| format!("rd_data[{}:{}]", 64 * i + 63, 64 * i))
            .collect::<Vec<_>>()
            .join(" + ");
        Verilog::Custom(format!(
            "always @(*) begin
    if (snap)
        wr_data = {{256'd0, wr_off, rd_off, checksum, done, issued, wr_issued, rd_issued}};
    else
        wr_data = {{8{{64'h{WRITE_PATTERN:016x} | {{22'd0, line}}}}}};
    rd_sum = {sum};
    r_rd_issued = rd_data[31:0];
    r_wr_issued = rd_data[63:32];
    r_issued = rd_data[95:64];
    r_done = rd_data[127:96];
    r_checksum = rd_data[191:128];
    r_rd_off = rd_data[223:192];
    r_wr_off = rd_data[255:224];
end
"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optimus_regs::rogue::write_word;

    #[test]
    fn pattern_snapshot_and_sum() {
        let mut b = RogueLines::default();
        b.connect_all();
        b.line.next = 0x2_0000_0123_u64.to_bits();
        assert!(simulate(&mut b, 10));
        let w = b.wr_data.val();
        for i in 0..8 {
            assert_eq!(w.get_bits::<64>(64 * i).to_u64(), write_word(0x2_0000_0123));
        }
        b.snap.next = true;
        b.rd_issued.next = 1_u32.to_bits();
        b.wr_issued.next = 2_u32.to_bits();
        b.issued.next = 3_u32.to_bits();
        b.done.next = 4_u32.to_bits();
        b.checksum.next = 0x5555_6666_7777_8888_u64.to_bits();
        b.rd_off.next = 9_u32.to_bits();
        b.wr_off.next = 10_u32.to_bits();
        assert!(simulate(&mut b, 10));
        let line = b.wr_data.val();
        b.rd_data.next = line;
        assert!(simulate(&mut b, 10));
        let words: Vec<u64> = (0..8)
            .map(|i| line.get_bits::<64>(64 * i).to_u64())
            .collect();
        assert_eq!(
            words,
            [
                2 << 32 | 1,
                4 << 32 | 3,
                0x5555_6666_7777_8888,
                10 << 32 | 9,
                0,
                0,
                0,
                0
            ]
        );
        assert_eq!(
            b.rd_sum.val().to_u64(),
            words.iter().fold(0u64, |s, w| s.wrapping_add(*w))
        );
        assert_eq!(
            [
                b.r_rd_issued.val(),
                b.r_wr_issued.val(),
                b.r_issued.val(),
                b.r_done.val()
            ]
            .map(|v| v.to_u64()),
            [1, 2, 3, 4]
        );
        assert_eq!(b.r_checksum.val().to_u64(), 0x5555_6666_7777_8888);
        assert_eq!(
            (b.r_rd_off.val().to_u64(), b.r_wr_off.val().to_u64()),
            (9, 10)
        );
    }
}
