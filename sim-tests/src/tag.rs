//! How the tree splits `mdata`: the top ⌈log2 N⌉ bits carry the leaf index (the tree's own),
//! the rest belong to the leaf (design.md §2).

/// The `mdata` layout of a tree with N leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagLayout {
    leaves: usize,
    tag_bits: u32,
}

impl TagLayout {
    /// The layout for `leaves` (1..=16) leaves.
    pub fn new(leaves: usize) -> Self {
        assert!(
            (1..=16).contains(&leaves),
            "the tree takes 1 to 16 leaves, not {leaves}"
        );
        Self {
            leaves,
            tag_bits: levels(leaves),
        }
    }

    /// N.
    pub fn leaves(&self) -> usize {
        self.leaves
    }

    /// Bits of `mdata` a leaf may use (16 − ⌈log2 N⌉).
    pub fn low_bits(&self) -> u32 {
        16 - self.tag_bits
    }

    /// Mask of the bits a leaf may use.
    pub fn low_mask(&self) -> u16 {
        (u32::MAX >> (32 - self.low_bits())) as u16
    }

    /// The leaf index the tree put in the top bits.
    pub fn leaf_of(&self, mdata: u16) -> usize {
        if self.tag_bits == 0 {
            0
        } else {
            (mdata >> self.low_bits()) as usize
        }
    }

    /// The leaf's own part.
    pub fn low(&self, mdata: u16) -> u16 {
        mdata & self.low_mask()
    }

    /// `mdata` as the tree sends it up for `low` from `leaf`.
    pub fn tagged(&self, leaf: usize, low: u16) -> u16 {
        if self.tag_bits == 0 {
            low
        } else {
            ((leaf as u16) << self.low_bits()) | (low & self.low_mask())
        }
    }
}

/// ⌈log2 N⌉: tag bits, and the number of levels of a binary tree with N leaves.
pub fn levels(leaves: usize) -> u32 {
    if leaves <= 1 {
        0
    } else {
        usize::BITS - (leaves - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let one = TagLayout::new(1);
        assert_eq!(
            (one.low_bits(), one.low_mask(), one.leaf_of(0xffff)),
            (16, 0xffff, 0)
        );
        let five = TagLayout::new(5);
        assert_eq!((five.low_bits(), five.low_mask()), (13, 0x1fff));
        assert_eq!(five.tagged(4, 0x1234), 0x9234);
        assert_eq!((five.leaf_of(0x9234), five.low(0x9234)), (4, 0x1234));
        assert_eq!([2, 3, 4, 8, 16].map(levels), [1, 2, 2, 3, 4]);
    }
}
