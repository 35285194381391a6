//! The Hasher accelerator: its type id, application registers (on its slot page after the
//! common header, [`crate::accel`]), the exact hash function it computes (as `const fn`s the
//! RTL's reference model and every test use) and its snapshot layout.
//!
//! **The function.** For buffer line `i` (0-based, in job order) and 64-bit word `w` (0..8,
//! little-endian in the line): `x = word ^ SEED ^ ((8·i + w) · GOLDEN)`; then `ROUNDS` times
//! [`round`] (`x ^= x >> 31; x *= MIX_MUL; x ^= x >> 29`, all wrapping); `digest[w]` is the
//! wrapping sum of `x` over all lines. Sums commute, so the order in which lines are mixed
//! does not matter. Every register resets to 0 (as MemBench's).

use crate::{Access, Block, Reg};

/// The 128-bit accelerator type id (ACCEL_ID_H:ACCEL_ID_L).
pub const ACCEL_ID: u128 = 0x9b1f_6c2e_4a7d_4e85_b3c0_5d21_e8f4_a761;
/// ACCEL_ID_L, the low half of [`ACCEL_ID`].
pub const ACCEL_ID_L: u64 = ACCEL_ID as u64;
/// ACCEL_ID_H, the high half of [`ACCEL_ID`].
pub const ACCEL_ID_H: u64 = (ACCEL_ID >> 64) as u64;

/// Weyl constant of the word key: `(8·i + w) · GOLDEN` (2^64 / golden ratio).
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
/// Multiplier of one mixing round (splitmix64's first).
pub const MIX_MUL: u64 = 0xBF58_476D_1CE4_E5B9;
/// First right shift of a round.
pub const SHIFT_A: u32 = 31;
/// Second right shift of a round.
pub const SHIFT_B: u32 = 29;
/// Largest valid ROUNDS (it is 8 bits in the engine).
pub const ROUNDS_MAX: u64 = 255;
/// Bytes per cache line; SRC_ADDR, DST_ADDR and SNAPSHOT_ADDR are multiples of it.
pub const LINE_BYTES: u64 = 64;
/// 64-bit words per line.
pub const WORDS: usize = 8;

/// The key of word `w` of line `line`: `(8·line + w) · GOLDEN`, wrapping.
pub const fn key(line: u64, w: u64) -> u64 {
    line.wrapping_mul(8).wrapping_add(w).wrapping_mul(GOLDEN)
}

/// A word before mixing: `word ^ seed ^ key(line, w)`.
pub const fn initial(word: u64, seed: u64, line: u64, w: u64) -> u64 {
    word ^ seed ^ key(line, w)
}

/// One mixing round: `x ^= x >> 31; x *= MIX_MUL; x ^= x >> 29`.
pub const fn round(x: u64) -> u64 {
    let x = x ^ (x >> SHIFT_A);
    let x = x.wrapping_mul(MIX_MUL);
    x ^ (x >> SHIFT_B)
}

/// `rounds` rounds applied to `x`.
pub const fn mix(mut x: u64, rounds: u64) -> u64 {
    let mut r = 0;
    while r < rounds {
        x = round(x);
        r += 1;
    }
    x
}

/// What line `line` (words `words`) adds to the digest.
pub const fn line_contribution(
    words: &[u64; WORDS],
    seed: u64,
    line: u64,
    rounds: u64,
) -> [u64; WORDS] {
    let mut out = [0; WORDS];
    let mut w = 0;
    while w < WORDS {
        out[w] = mix(initial(words[w], seed, line, w as u64), rounds);
        w += 1;
    }
    out
}

/// The digest of a whole buffer (line `i` of `lines` is buffer line `i`).
pub const fn digest(lines: &[[u64; WORDS]], seed: u64, rounds: u64) -> [u64; WORDS] {
    let mut d = [0u64; WORDS];
    let mut i = 0;
    while i < lines.len() {
        let c = line_contribution(&lines[i], seed, i as u64, rounds);
        let mut w = 0;
        while w < WORDS {
            d[w] = d[w].wrapping_add(c[w]);
            w += 1;
        }
        i += 1;
    }
    d
}

/// DIGEST_XOR: the xor of the eight digest words.
pub const fn digest_xor(d: &[u64; WORDS]) -> u64 {
    let mut x = 0;
    let mut w = 0;
    while w < WORDS {
        x ^= d[w];
        w += 1;
    }
    x
}

/// START_NEW (and START_RESUME) run only with these registers; otherwise STATE stays idle.
pub const fn valid_start(src_addr: u64, lines: u64, rounds: u64, dst_addr: u64) -> bool {
    src_addr % LINE_BYTES == 0
        && dst_addr % LINE_BYTES == 0
        && lines != 0
        && rounds >= 1
        && rounds <= ROUNDS_MAX
}

/// The snapshot: [`STATE_SIZE`](snapshot::STATE_SIZE) bytes at SNAPSHOT_ADDR (64-byte
/// aligned; the low 6 bits are ignored), written as two 1-line writes and read back as two
/// 1-line reads. Line 0 (header): word [`NEXT_LINE`](snapshot::NEXT_LINE) the next buffer
/// line to read, [`DONE_LINES`](snapshot::DONE_LINES), [`CYCLES`](snapshot::CYCLES), other
/// words 0. Line 1: the partial digest, word `w` = `digest[w]`.
pub mod snapshot {
    /// STATE_SIZE: two lines.
    pub const STATE_SIZE: u64 = 128;
    /// Lines of the snapshot.
    pub const LINES: u64 = 2;
    /// Line (from SNAPSHOT_ADDR) of the header.
    pub const HEADER_LINE: u64 = 0;
    /// Line of the partial digest.
    pub const DIGEST_LINE: u64 = 1;
    /// Header word: the next buffer line to read (equal to DONE_LINES: a pause drains first).
    pub const NEXT_LINE: usize = 0;
    /// Header word: DONE_LINES.
    pub const DONE_LINES: usize = 1;
    /// Header word: CYCLES.
    pub const CYCLES: usize = 2;
}

const fn reg(name: &'static str, offset: u64, access: Access, doc: &'static str) -> Reg {
    Reg {
        name,
        offset,
        stride: 0,
        count: 1,
        access,
        reset: Some(0),
        fields: &[],
        doc,
    }
}

/// The application registers, in offset order ([`HasherReg`] order).
pub const REGS: [Reg; 8] = {
    use Access::*;
    [
        reg(
            "SRC_ADDR",
            0x030,
            Rw,
            "slot-relative byte address of the buffer, 64-byte aligned",
        ),
        reg("LINES", 0x038, Rw, "lines to hash, >= 1"),
        reg("ROUNDS", 0x040, Rw, "mixing rounds per word, 1..=255"),
        reg(
            "DST_ADDR",
            0x048,
            Rw,
            "slot-relative byte address of the one-line digest, 64-byte aligned",
        ),
        reg("SEED", 0x050, Rw, "xored into every word before mixing"),
        reg(
            "DONE_LINES",
            0x058,
            Ro,
            "lines hashed (mixed into the digest)",
        ),
        reg(
            "CYCLES",
            0x060,
            Ro,
            "cycles spent running in the job, snapshot save/restore and paused time excluded",
        ),
        reg(
            "DIGEST_XOR",
            0x068,
            Ro,
            "xor of the 8 words of the (partial) digest",
        ),
    ]
};

/// Hasher's application registers as a [`Block`].
pub const BLOCK: Block = Block {
    name: "hasher",
    page: "1 + i",
    doc: "Hasher application registers, after the accelerator header (docs/hasher.md)",
    regs: &REGS,
};

/// Hasher's application registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HasherReg {
    /// SRC_ADDR, 0x030.
    SrcAddr,
    /// LINES, 0x038.
    Lines,
    /// ROUNDS, 0x040.
    Rounds,
    /// DST_ADDR, 0x048.
    DstAddr,
    /// SEED, 0x050.
    Seed,
    /// DONE_LINES, 0x058.
    DoneLines,
    /// CYCLES, 0x060.
    Cycles,
    /// DIGEST_XOR, 0x068.
    DigestXor,
}

impl HasherReg {
    /// All of them, in offset order.
    pub const ALL: [HasherReg; 8] = {
        use HasherReg::*;
        [
            SrcAddr, Lines, Rounds, DstAddr, Seed, DoneLines, Cycles, DigestXor,
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

    /// Its index among the application registers: `(offset - 0x030) / 8`.
    pub const fn index(self) -> usize {
        ((self.offset() - crate::accel::APP_BASE) / crate::REG_BYTES) as usize
    }
}

/// Which application registers are read/write (stored by the register page), by index.
pub const WRITABLE: [bool; 8] = {
    let mut w = [false; 8];
    let mut i = 0;
    while i < 8 {
        w[HasherReg::ALL[i].index()] = REGS[i].access.writable();
        i += 1;
    }
    w
};

/// The Hasher application register at `offset` of the slot page, if any.
pub fn decode(offset: u64) -> Option<HasherReg> {
    crate::find(&REGS, offset, |_| true).map(|(i, _)| HasherReg::ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_access() {
        let expect = [
            (HasherReg::SrcAddr, 0x030, true),
            (HasherReg::Lines, 0x038, true),
            (HasherReg::Rounds, 0x040, true),
            (HasherReg::DstAddr, 0x048, true),
            (HasherReg::Seed, 0x050, true),
            (HasherReg::DoneLines, 0x058, false),
            (HasherReg::Cycles, 0x060, false),
            (HasherReg::DigestXor, 0x068, false),
        ];
        for (i, (r, off, rw)) in expect.into_iter().enumerate() {
            assert_eq!(r.offset(), off, "{r:?}");
            assert_eq!(r.index(), i);
            assert_eq!(decode(off), Some(r));
            assert_eq!(WRITABLE[i], rw, "{r:?}");
        }
        for off in (0..0x1000).filter(|o| !(0x030..0x070).contains(o) || o % 8 != 0) {
            assert_eq!(decode(off), None, "{off:#x}");
        }
        assert_eq!((ACCEL_ID_H as u128) << 64 | ACCEL_ID_L as u128, ACCEL_ID);
        assert_eq!(snapshot::STATE_SIZE, snapshot::LINES * LINE_BYTES);
    }

    #[test]
    fn round_and_key_match_wide_arithmetic() {
        let wide = |x: u64| {
            let x = x ^ (x >> 31);
            let x = ((x as u128 * 0xBF58_476D_1CE4_E5B9u128) % (1u128 << 64)) as u64;
            x ^ (x >> 29)
        };
        for x in [0, 1, u64::MAX, 0x0123_4567_89ab_cdef, 1 << 63] {
            assert_eq!(round(x), wide(x), "{x:#x}");
        }
        assert_eq!(round(1), 0xbf58_4768_e626_ded1);
        assert_eq!(round(0x0123_4567_89ab_cdef), 0x38da_83bb_f14c_1bf1);
        assert_eq!(mix(5, 0), 5);
        assert_eq!(mix(5, 2), round(round(5)));
        let l = 0x3_ffff_ffff_u64;
        let k = ((8 * l as u128 + 7) * 0x9E37_79B9_7F4A_7C15u128 % (1u128 << 64)) as u64;
        assert_eq!(key(l, 7), k);
        assert_eq!(initial(0xf0, 0x0f, 0, 0), 0xff);
    }

    #[test]
    fn digest_known_answer_and_order_independence() {
        let lines: [[u64; WORDS]; 2] =
            core::array::from_fn(|i| core::array::from_fn(|w| (8 * i + w + 100) as u64));
        let d = digest(&lines, 7, 3);
        assert_eq!(
            d,
            [
                0x277d_5fa0_1022_aa8e,
                0xc0a8_c2fd_207f_cd1c,
                0x754b_eb85_e494_c85d,
                0xe6ec_e8d6_2837_157e,
                0x90fa_7469_4704_4084,
                0x0ffc_7d42_b83d_b80b,
                0x59cd_6366_0df1_874d,
                0xed06_e157_9c86_59b4,
            ]
        );
        // Mixing line 1 before line 0 gives the same sums.
        let c1 = line_contribution(&lines[1], 7, 1, 3);
        let c0 = line_contribution(&lines[0], 7, 0, 3);
        let rev: [u64; WORDS] = core::array::from_fn(|w| c1[w].wrapping_add(c0[w]));
        assert_eq!(rev, d);
        assert_eq!(digest_xor(&d), d.iter().fold(0, |a, b| a ^ b));
    }

    #[test]
    fn start_validity() {
        assert!(valid_start(0x40, 1, 1, 0x80));
        assert!(valid_start(0, 1 << 40, 255, 0));
        assert!(!valid_start(0x41, 1, 1, 0x80), "misaligned source");
        assert!(!valid_start(0x40, 1, 1, 0x88), "misaligned digest");
        assert!(!valid_start(0x40, 0, 1, 0x80), "no lines");
        assert!(!valid_start(0x40, 1, 0, 0x80), "0 rounds");
        assert!(!valid_start(0x40, 1, 256, 0x80), "256 rounds");
    }
}
