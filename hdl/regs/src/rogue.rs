//! Rogue's application registers, on its slot page after the common header ([`crate::accel`]).
//! Rogue is the accelerator that misbehaves on command, for the shell's isolation tests: it
//! reads and writes wherever it is told (usually outside its slice), floods the host port,
//! ignores pause, or stops answering MMIO reads. Every register resets to 0 (design.md §3
//! Details: SLOT_RESET returns "all its registers to their reset values").
//!
//! Implemented widths (our choice): SPAN_LINES and COUNT use their low [`SPAN_BITS`] /
//! [`COUNT_BITS`] bits; ISSUED and DONE are [`COUNTER_BITS`]-bit wrapping counters read
//! zero-extended; CHECKSUM is 64 bits.

use crate::{Access, Block, Field, Reg};

/// Rogue's 128-bit accelerator type id, `[ACCEL_ID_L, ACCEL_ID_H]` (design.md §4). A random
/// UUID (8f0e5c1b-2d47-4a96-b3e1-0b5e7a6c4d21), fixed once.
pub const ACCEL_ID: [u64; 2] = [0xb3e1_0b5e_7a6c_4d21, 0x8f0e_5c1b_2d47_4a96];

/// Bytes of snapshot Rogue needs (STATE_SIZE, design.md §4): one line, see [`snapshot`].
pub const STATE_SIZE: u64 = 64;

/// MODE bits.
pub mod mode {
    /// Bit 0: issue read requests.
    pub const READ_BIT: u32 = 0;
    /// Bit 1: issue write requests.
    pub const WRITE_BIT: u32 = 1;
    /// Bit 2: back-to-back requests as fast as almfull allows (else one request of each
    /// stream outstanding at a time).
    pub const FLOOD_BIT: u32 = 2;
    /// Bit 3: keep running (and issuing) through pause.
    pub const IGNORE_PAUSE_BIT: u32 = 3;
    /// Bit 4: once running, stop answering MMIO reads until reset.
    pub const MUTE_MMIO_BIT: u32 = 4;
    /// [`READ_BIT`] as a mask.
    pub const READ: u64 = 1 << READ_BIT;
    /// [`WRITE_BIT`] as a mask.
    pub const WRITE: u64 = 1 << WRITE_BIT;
    /// [`FLOOD_BIT`] as a mask.
    pub const FLOOD: u64 = 1 << FLOOD_BIT;
    /// [`IGNORE_PAUSE_BIT`] as a mask.
    pub const IGNORE_PAUSE: u64 = 1 << IGNORE_PAUSE_BIT;
    /// [`MUTE_MMIO_BIT`] as a mask.
    pub const MUTE_MMIO: u64 = 1 << MUTE_MMIO_BIT;
}

/// Width of TARGET_ADDR, a byte address covering the whole 42-bit line space.
pub const TARGET_ADDR_BITS: u32 = 48;
/// Implemented bits of SPAN_LINES.
pub const SPAN_BITS: u32 = 32;
/// Implemented bits of COUNT.
pub const COUNT_BITS: u32 = 32;
/// Width of the ISSUED and DONE counters.
pub const COUNTER_BITS: u32 = 32;

/// Every 64-bit word of a line Rogue writes is `WRITE_PATTERN | line`, `line` being the
/// slot-relative line address of that line.
pub const WRITE_PATTERN: u64 = 0xBAD0_0000_0000_0000;

/// The word Rogue writes in every 64-bit lane of slot-relative line `line`.
pub const fn write_word(line: u64) -> u64 {
    WRITE_PATTERN | line
}

/// Lines per request for a TARGET_ADDR and SPAN_LINES: 4 when the span is a non-zero multiple
/// of 4 and the target line is 4-aligned (requests are aligned to their length, design.md
/// §1), else 1.
pub const fn request_lines(target_addr: u64, span_lines: u64) -> u64 {
    let span = span_lines & ((1 << SPAN_BITS) - 1);
    if span != 0 && span % 4 == 0 && (target_addr >> 6) % 4 == 0 {
        4
    } else {
        1
    }
}

/// The snapshot line Rogue writes at SNAPSHOT_ADDR on pause and reads back on START_RESUME:
/// 32-bit fields at these bit offsets, the rest of the line 0.
pub mod snapshot {
    /// Read requests issued.
    pub const RD_ISSUED: u32 = 0;
    /// Write requests issued.
    pub const WR_ISSUED: u32 = 32;
    /// ISSUED.
    pub const ISSUED: u32 = 64;
    /// DONE.
    pub const DONE: u32 = 96;
    /// CHECKSUM (64 bits).
    pub const CHECKSUM: u32 = 128;
    /// Next read line, relative to the target.
    pub const RD_OFFSET: u32 = 192;
    /// Next write line, relative to the target.
    pub const WR_OFFSET: u32 = 224;
    /// Bits used.
    pub const BITS: u32 = 256;
}

const fn reg(
    name: &'static str,
    offset: u64,
    access: Access,
    fields: &'static [Field],
    doc: &'static str,
) -> Reg {
    Reg {
        name,
        offset,
        stride: 0,
        count: 1,
        access,
        reset: Some(0),
        fields,
        doc,
    }
}

const fn bit(name: &'static str, lsb: u32, doc: &'static str) -> Field {
    Field {
        name,
        lsb,
        width: 1,
        access: Access::Rw,
        doc,
    }
}

/// The application registers, in offset order ([`RogueReg`] order).
pub const REGS: [Reg; 7] = {
    use Access::*;
    [
        reg(
            "MODE",
            0x030,
            Rw,
            &[
                bit("READ", mode::READ_BIT, "issue read requests"),
                bit("WRITE", mode::WRITE_BIT, "issue write requests"),
                bit(
                    "FLOOD",
                    mode::FLOOD_BIT,
                    "back-to-back as almfull allows, else one outstanding per stream",
                ),
                bit(
                    "IGNORE_PAUSE",
                    mode::IGNORE_PAUSE_BIT,
                    "keep running and issuing through pause",
                ),
                bit(
                    "MUTE_MMIO",
                    mode::MUTE_MMIO_BIT,
                    "once running, answer no MMIO read until reset",
                ),
            ],
            "what Rogue does wrong",
        ),
        reg(
            "TARGET_ADDR",
            0x038,
            Rw,
            &[Field {
                name: "ADDR",
                lsb: 0,
                width: TARGET_ADDR_BITS,
                access: Rw,
                doc: "byte address, 64-byte aligned (low 6 bits ignored)",
            }],
            "slot-relative byte address of the first line touched (usually outside the slice)",
        ),
        reg(
            "SPAN_LINES",
            0x040,
            Rw,
            &[],
            "lines cycled over from the target; 4-line requests when a multiple of 4, else 1 \
             (0: START_NEW is refused)",
        ),
        reg(
            "COUNT",
            0x048,
            Rw,
            &[],
            "requests per enabled stream; 0 = until paused or reset",
        ),
        reg("ISSUED", 0x050, Ro, &[], "requests issued (both streams)"),
        reg(
            "DONE",
            0x058,
            Ro,
            &[],
            "read lines returned + write requests acknowledged",
        ),
        reg(
            "CHECKSUM",
            0x060,
            Ro,
            &[],
            "wrapping 64-bit sum of every 64-bit word read (all-ones answers included)",
        ),
    ]
};

/// Rogue's application registers as a [`Block`].
pub const BLOCK: Block = Block {
    name: "rogue",
    page: "1 + i",
    doc: "Rogue (isolation-test accelerator) application registers, after the accelerator \
          header (design.md §4)",
    regs: &REGS,
};

/// Rogue's application registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RogueReg {
    /// MODE, 0x030.
    Mode,
    /// TARGET_ADDR, 0x038.
    TargetAddr,
    /// SPAN_LINES, 0x040.
    SpanLines,
    /// COUNT, 0x048.
    Count,
    /// ISSUED, 0x050.
    Issued,
    /// DONE, 0x058.
    Done,
    /// CHECKSUM, 0x060.
    Checksum,
}

impl RogueReg {
    /// All of them, in offset order.
    pub const ALL: [RogueReg; 7] = {
        use RogueReg::*;
        [Mode, TargetAddr, SpanLines, Count, Issued, Done, Checksum]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        &REGS[self as usize]
    }

    /// Its byte offset in the slot page.
    pub const fn offset(self) -> u64 {
        self.reg().offset
    }

    /// Its index among the frame's application registers (`(offset - 0x030) / 8`).
    pub const fn app_index(self) -> usize {
        ((self.offset() - crate::accel::APP_BASE) / crate::REG_BYTES) as usize
    }
}

/// The Rogue application register at `offset` of the slot page, if any.
pub fn decode(offset: u64) -> Option<RogueReg> {
    crate::find(&REGS, offset, |_| true).map(|(i, _)| RogueReg::ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accel;

    #[test]
    fn offsets_are_the_documented_ones() {
        let expect = [
            (RogueReg::Mode, 0x030),
            (RogueReg::TargetAddr, 0x038),
            (RogueReg::SpanLines, 0x040),
            (RogueReg::Count, 0x048),
            (RogueReg::Issued, 0x050),
            (RogueReg::Done, 0x058),
            (RogueReg::Checksum, 0x060),
        ];
        for (i, (r, off)) in expect.into_iter().enumerate() {
            assert_eq!(r.offset(), off, "{r:?}");
            assert_eq!(decode(off), Some(r));
            assert_eq!(r.app_index(), i);
        }
        for off in (0..0x1000).filter(|o| !expect.iter().any(|e| e.1 == *o)) {
            assert_eq!(decode(off), None, "{off:#x}");
        }
        assert!(REGS.iter().all(|r| r.offset >= accel::APP_BASE));
    }

    #[test]
    fn mode_bits() {
        assert_eq!(
            [
                mode::READ,
                mode::WRITE,
                mode::FLOOD,
                mode::IGNORE_PAUSE,
                mode::MUTE_MMIO
            ],
            [1, 2, 4, 8, 16]
        );
        let masks: std::vec::Vec<u64> = RogueReg::Mode
            .reg()
            .fields
            .iter()
            .map(Field::mask)
            .collect();
        assert_eq!(masks, [1, 2, 4, 8, 16]);
    }

    #[test]
    fn pattern_request_length_and_snapshot_fit() {
        assert_eq!(write_word(0x123), 0xBAD0_0000_0000_0123);
        assert_eq!(write_word((1 << 42) - 1) >> 48, 0xBAD0);
        assert_eq!(request_lines(0x1000, 8), 4);
        assert_eq!(request_lines(0x1000, 6), 1);
        assert_eq!(
            request_lines(0x1040, 8),
            1,
            "target line 0x41 is not 4-aligned"
        );
        assert_eq!(request_lines(0x1000, 0), 1);
        assert!(snapshot::BITS as u64 <= STATE_SIZE * 8);
        assert_eq!(ACCEL_ID, [0xb3e1_0b5e_7a6c_4d21, 0x8f0e_5c1b_2d47_4a96]);
    }
}
