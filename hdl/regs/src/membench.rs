//! MemBench's application registers (design.md §4.1), on its slot page after the common
//! header ([`crate::accel`]). Every one resets to 0 (our choice: design.md is silent; SLOT_RESET
//! returns "all its registers to their reset values", §3 Details).

use crate::{Access, Block, Field, Reg};

/// MODE bits (design.md §4.1).
pub mod mode {
    /// Bit 0: read stream enabled.
    pub const READ_BIT: u32 = 0;
    /// Bit 1: write stream enabled.
    pub const WRITE_BIT: u32 = 1;
    /// Bit 2: random order (else sequential).
    pub const RANDOM_BIT: u32 = 2;
    /// Lowest bit of the request length code, `[5:4]`, as `cl_len` (0, 1 or 3).
    pub const CL_LEN_LSB: u32 = 4;
    /// Width of the length code.
    pub const CL_LEN_BITS: u32 = 2;
    /// [`READ_BIT`] as a mask.
    pub const READ: u64 = 1 << READ_BIT;
    /// [`WRITE_BIT`] as a mask.
    pub const WRITE: u64 = 1 << WRITE_BIT;
    /// [`RANDOM_BIT`] as a mask.
    pub const RANDOM: u64 = 1 << RANDOM_BIT;
    /// The length code's bits in place.
    pub const CL_LEN_MASK: u64 = ((1 << CL_LEN_BITS) - 1) << CL_LEN_LSB;

    /// The `cl_len` code in a MODE value.
    pub const fn cl_len(mode: u64) -> u64 {
        (mode & CL_LEN_MASK) >> CL_LEN_LSB
    }

    /// `mode` with its length code replaced by `cl_len` (0, 1 or 3).
    pub const fn with_cl_len(mode: u64, cl_len: u64) -> u64 {
        (mode & !CL_LEN_MASK) | ((cl_len << CL_LEN_LSB) & CL_LEN_MASK)
    }
}

/// Width of BUF_ADDR, a byte address covering the whole 42-bit line space (design.md §4.1).
pub const BUF_ADDR_BITS: u32 = 48;

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

const fn field(name: &'static str, lsb: u32, width: u32, doc: &'static str) -> Field {
    Field {
        name,
        lsb,
        width,
        access: Access::Rw,
        doc,
    }
}

/// The application registers, in offset order ([`MemBenchReg`] order).
pub const REGS: [Reg; 8] = {
    use Access::*;
    [
        reg(
            "BUF_ADDR",
            0x030,
            Rw,
            &[field(
                "ADDR",
                0,
                BUF_ADDR_BITS,
                "byte address, 64-byte aligned (§4.1)",
            )],
            "slot-relative byte address of the buffer (§4.1)",
        ),
        reg("BUF_LINES", 0x038, Rw, &[], "buffer length in lines (§4.1)"),
        reg(
            "TOTAL_LINES",
            0x040,
            Rw,
            &[],
            "lines the job reads or writes, per enabled stream (§4.1)",
        ),
        reg(
            "MODE",
            0x048,
            Rw,
            &[
                field("READ", mode::READ_BIT, 1, "read stream (§4.1)"),
                field("WRITE", mode::WRITE_BIT, 1, "write stream (§4.1)"),
                field(
                    "RANDOM",
                    mode::RANDOM_BIT,
                    1,
                    "random order, else sequential (§4.1)",
                ),
                field(
                    "CL_LEN",
                    mode::CL_LEN_LSB,
                    mode::CL_LEN_BITS,
                    "request length code as cl_len: 0, 1 or 3 (§4.1)",
                ),
            ],
            "job mode (§4.1)",
        ),
        reg(
            "SEED",
            0x050,
            Rw,
            &[],
            "seed of the write pattern and of the random order (§4.1)",
        ),
        reg(
            "DONE_LINES",
            0x058,
            Ro,
            &[],
            "lines completed: read lines returned, write lines acknowledged (§4.1)",
        ),
        reg(
            "CHECKSUM",
            0x060,
            Ro,
            &[],
            "wrapping 64-bit sum of every 64-bit word read in the job (§4.1)",
        ),
        reg(
            "CYCLES",
            0x068,
            Ro,
            &[],
            "cycles spent running in the job, paused time excluded (§4.1)",
        ),
    ]
};

/// MemBench's application registers as a [`Block`].
pub const BLOCK: Block = Block {
    name: "membench",
    page: "1 + i",
    doc: "MemBench application registers, after the accelerator header (design.md §4.1)",
    regs: &REGS,
};

/// MemBench's application registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemBenchReg {
    /// BUF_ADDR, 0x030.
    BufAddr,
    /// BUF_LINES, 0x038.
    BufLines,
    /// TOTAL_LINES, 0x040.
    TotalLines,
    /// MODE, 0x048.
    Mode,
    /// SEED, 0x050.
    Seed,
    /// DONE_LINES, 0x058.
    DoneLines,
    /// CHECKSUM, 0x060.
    Checksum,
    /// CYCLES, 0x068.
    Cycles,
}

impl MemBenchReg {
    /// All of them, in offset order.
    pub const ALL: [MemBenchReg; 8] = {
        use MemBenchReg::*;
        [
            BufAddr, BufLines, TotalLines, Mode, Seed, DoneLines, Checksum, Cycles,
        ]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        &REGS[self as usize]
    }

    /// Its byte offset in the slot page.
    pub const fn offset(self) -> u64 {
        self.reg().offset
    }
}

/// The MemBench application register at `offset` of the slot page, if any.
pub fn decode(offset: u64) -> Option<MemBenchReg> {
    crate::find(&REGS, offset, |_| true).map(|(i, _)| MemBenchReg::ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accel;

    #[test]
    fn offsets_match_design_md() {
        let expect = [
            (MemBenchReg::BufAddr, 0x030),
            (MemBenchReg::BufLines, 0x038),
            (MemBenchReg::TotalLines, 0x040),
            (MemBenchReg::Mode, 0x048),
            (MemBenchReg::Seed, 0x050),
            (MemBenchReg::DoneLines, 0x058),
            (MemBenchReg::Checksum, 0x060),
            (MemBenchReg::Cycles, 0x068),
        ];
        for (r, off) in expect {
            assert_eq!(r.offset(), off, "{r:?}");
            assert_eq!(decode(off), Some(r));
        }
    }

    #[test]
    fn application_registers_follow_the_header_without_overlap() {
        let mut offs: std::vec::Vec<u64> = REGS.iter().map(|r| r.offset).collect();
        assert!(offs.iter().all(|&o| o >= accel::APP_BASE && o % 8 == 0));
        offs.dedup();
        assert_eq!(offs.len(), REGS.len());
        for off in (0..0x1000).filter(|o| !offs.contains(o)) {
            assert_eq!(decode(off), None, "{off:#x}");
        }
    }

    #[test]
    fn mode_bits_match_design_md() {
        assert_eq!((mode::READ, mode::WRITE, mode::RANDOM), (1, 2, 4));
        assert_eq!(mode::CL_LEN_MASK, 0x30);
        assert_eq!(mode::cl_len(0x33), 3);
        assert_eq!(mode::with_cl_len(mode::READ | mode::WRITE, 1), 0x13);
        let masks: std::vec::Vec<u64> = MemBenchReg::Mode
            .reg()
            .fields
            .iter()
            .map(Field::mask)
            .collect();
        assert_eq!(
            masks,
            [mode::READ, mode::WRITE, mode::RANDOM, mode::CL_LEN_MASK]
        );
    }
}
