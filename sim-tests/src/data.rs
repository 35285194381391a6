//! Deterministic contents: what the host's memory holds at a line address and what a leaf's
//! MMIO register returns, so the scoreboard and the agents agree without sharing state.

use crate::ports::Line;

/// A good 64-bit mixer (SplitMix64 finaliser).
pub fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The host memory's contents at cache-line address `addr`.
pub fn line_data(addr: u64) -> Line {
    std::array::from_fn(|w| mix64(addr.wrapping_mul(8).wrapping_add(w as u64)))
}

/// What leaf `leaf` answers to an MMIO read of its page-relative `addr` with `tid`.
pub fn mmio_data(leaf: usize, addr: u16, tid: u16) -> u64 {
    mix64(((leaf as u64) << 32) | (u64::from(addr) << 12) | u64::from(tid))
}
