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

/// ACCEL_ID of MemBench, `[L, H]` (our choice: "MEMBENCH", "optimus" + version 1).
pub const ACCEL_ID: [u64; 2] = [0x4d45_4d42_454e_4348, 0x6f70_7469_6d75_7301];

/// STATE_SIZE: the snapshot is one cache line ([`snapshot`]).
pub const STATE_SIZE: u64 = 64;

/// MODE bits that must be 0 for a valid job (our choice: every bit but READ, WRITE, RANDOM and
/// the length code is reserved, so a future mode bit is never silently ignored).
pub const MODE_RESERVED: u64 = !(mode::READ | mode::WRITE | mode::RANDOM | mode::CL_LEN_MASK);

/// BUF_ADDR / SNAPSHOT_ADDR bits that must be 0: the low 6 (64-byte aligned) and those above
/// [`BUF_ADDR_BITS`].
pub const ADDR_RESERVED: u64 = !(((1 << BUF_ADDR_BITS) - 1) & !0x3f);

/// Largest BUF_LINES (the buffer must fit the 42-bit line space).
pub const MAX_BUF_LINES: u64 = (1 << crate::LINE_ADDR_BITS) - 1;

/// Lines per request of `cl_len` code 0, 1 or 3; `None` for the illegal 2.
pub const fn lines_of(cl_len: u64) -> Option<u64> {
    match cl_len {
        0 => Some(1),
        1 => Some(2),
        3 => Some(4),
        _ => None,
    }
}

/// Whether START_NEW (or START_RESUME) accepts these application registers (design.md §4.1
/// plus our choices): BUF_ADDR 64-byte aligned, below 2^48, its line address a multiple of
/// L; BUF_LINES non-zero, a multiple of L, at most [`MAX_BUF_LINES`]; TOTAL_LINES non-zero, a
/// multiple of L; MODE with READ or WRITE, a legal length code, no reserved bit.
pub const fn job_valid(buf_addr: u64, buf_lines: u64, total_lines: u64, mode_reg: u64) -> bool {
    let Some(len) = lines_of(mode::cl_len(mode_reg)) else {
        return false;
    };
    buf_addr & ADDR_RESERVED == 0
        && (buf_addr >> 6) % len == 0
        && buf_lines != 0
        && buf_lines % len == 0
        && buf_lines <= MAX_BUF_LINES
        && total_lines != 0
        && total_lines % len == 0
        && mode_reg & (mode::READ | mode::WRITE) != 0
        && mode_reg & MODE_RESERVED == 0
}

/// murmur3's 32-bit finaliser (`fmix32`): the hash of the random order.
pub const fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The first multiplier constant of [`fmix32`].
pub const FMIX_C1: u32 = 0x85eb_ca6b;
/// The second multiplier constant of [`fmix32`].
pub const FMIX_C2: u32 = 0xc2b2_ae35;

/// The buffer line (relative to BUF_ADDR) where request `r` of a stream starts.
///
/// * Sequential: `(r·L) mod BUF_LINES` (design.md §4.1: job line j is buffer line j mod
///   BUF_LINES).
/// * Random (our definition): with `n = BUF_LINES / L` request slots,
///   `L · ((fmix32(SEED[31:0] XOR r[31:0]) · n) >> 32)`: a multiply-high maps the hash
///   uniformly onto the slots, no divider. The hardware computes exactly this.
///
/// Both streams of a job use the same order. `len` is L (1, 2 or 4).
pub const fn request_line(random: bool, seed: u64, r: u64, buf_lines: u64, len: u64) -> u64 {
    if random {
        let h = fmix32((seed as u32) ^ (r as u32)) as u128;
        let slot = (h * (buf_lines / len) as u128) >> 32;
        len * slot as u64
    } else {
        ((r as u128 * len as u128) % buf_lines as u128) as u64
    }
}

/// Word `w` (0..8) that the write stream stores in buffer line `k`: `SEED + 8·k + w`, wrapping
/// (design.md §4.1).
pub const fn pattern_word(seed: u64, k: u64, w: u64) -> u64 {
    seed.wrapping_add(k.wrapping_mul(8)).wrapping_add(w)
}

/// The one-line snapshot MemBench writes at SNAPSHOT_ADDR on PAUSE: eight little-endian 64-bit
/// words, word `i` at byte `8·i` (our layout). Taken when nothing is outstanding, so lines
/// issued = lines completed for each stream.
pub mod snapshot {
    /// Word index: read lines issued and returned.
    pub const RD_LINES: usize = 0;
    /// Word index: write lines issued and acknowledged.
    pub const WR_LINES: usize = 1;
    /// Word index: sequential position of the read stream (buffer line of its next request).
    pub const RD_POS: usize = 2;
    /// Word index: sequential position of the write stream.
    pub const WR_POS: usize = 3;
    /// Word index: CHECKSUM.
    pub const CHECKSUM: usize = 4;
    /// Word index: CYCLES.
    pub const CYCLES: usize = 5;
    /// Word index: reserved, written 0.
    pub const RESERVED: usize = 6;
    /// Word index: [`MAGIC`]; START_RESUME from a line without it leaves STATE idle.
    pub const MAGIC_WORD: usize = 7;
    /// "MBSNAP" and layout version 1.
    pub const MAGIC: u64 = 0x4d42_534e_4150_0001;
    /// Words in the snapshot.
    pub const WORDS: usize = 8;
    /// The `mdata` of the snapshot's read and write requests (bit 11 set: never a stream's).
    pub const MDATA: u64 = 0x0fff;
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
    fn validity_follows_design_md() {
        let m = mode::with_cl_len(mode::READ, 3);
        assert!(job_valid(0x1000, 8, 16, m));
        assert!(
            !job_valid(0x1040, 8, 16, m),
            "line 0x41 not a multiple of 4"
        );
        assert!(!job_valid(0x1001, 8, 16, m), "not 64-byte aligned");
        assert!(!job_valid(1 << 48, 8, 16, m), "above 48 bits");
        assert!(!job_valid(0x1000, 0, 16, m));
        assert!(!job_valid(0x1000, 6, 16, m));
        assert!(!job_valid(0x1000, 8, 0, m));
        assert!(!job_valid(0x1000, 8, 18, m));
        assert!(!job_valid(0x1000, 8, 16, mode::with_cl_len(mode::READ, 2)));
        assert!(!job_valid(0x1000, 8, 16, mode::with_cl_len(0, 3)));
        assert!(!job_valid(0x1000, 8, 16, m | 8));
        assert!(job_valid(0x1040, 3, 5, mode::WRITE | mode::RANDOM));
        assert!(!job_valid(0, MAX_BUF_LINES + 1, 1, mode::READ));
    }

    #[test]
    fn orders_stay_in_the_buffer_and_aligned() {
        assert_eq!(fmix32(0), 0);
        assert_eq!(fmix32(1), 0x514e_28b7);
        for (buf, len) in [(1, 1), (6, 2), (64, 4), (1000, 1), ((1 << 42) - 4, 4)] {
            let mut seen = std::collections::BTreeSet::new();
            for r in 0..200 {
                for random in [false, true] {
                    let l = request_line(random, 0xabcdef, r, buf, len);
                    assert!(l + len <= buf && l % len == 0, "{buf} {len} {r}");
                    seen.insert(l);
                }
            }
            assert!(seen.len() as u64 >= (buf / len).min(100));
        }
        assert_eq!(request_line(false, 0, 5, 8, 2), 2);
        assert_eq!(pattern_word(u64::MAX, 1, 7), 14);
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
