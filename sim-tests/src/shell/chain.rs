//! LinkedList chains in host memory, and what walking them must give.

use super::HostMemory;
use optimus_regs::linked_list::node;
use rand::Rng;

/// A chain laid out in a slice: its head (slot-relative byte address) and the reference walk.
#[derive(Clone, Copy, Debug)]
pub struct Chain {
    /// HEAD_ADDR.
    pub head: u64,
    /// SUM of a full walk.
    pub sum: u64,
    /// NODES of a full walk.
    pub nodes: u64,
    /// LAST_ADDR of a full walk.
    pub last: u64,
}

/// Writes a chain of `len` (≥ 1) nodes at random distinct lines of `[first, first + lines)`
/// (slot-relative lines) into `mem` for a slice at IOVA line `base`.
pub fn build_chain(
    mem: &mut HostMemory,
    base: u64,
    first: u64,
    lines: u64,
    len: usize,
    rng: &mut impl Rng,
) -> Chain {
    let mut at: Vec<u64> = Vec::new();
    while at.len() < len {
        let l = first + rng.random_range(0..lines);
        if !at.contains(&l) {
            at.push(l);
        }
    }
    let (mut sum, mut last) = (0u64, 0);
    for (i, &l) in at.iter().enumerate() {
        let value: u64 = rng.random();
        let next = at.get(i + 1).map_or(0, |n| n << 6);
        let mut line = [0u64; 8];
        line[node::NEXT_WORD] = next;
        line[node::VALUE_WORD] = value;
        mem.write(base + l, line);
        sum = sum.wrapping_add(value);
        last = l << 6;
    }
    Chain {
        head: at[0] << 6,
        sum,
        nodes: len as u64,
        last,
    }
}
