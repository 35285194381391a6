//! LinkedList's application registers, node layout and snapshot layout, on its slot page after
//! the common header ([`crate::accel`]). LinkedList follows a chain of 64-byte nodes with one
//! read outstanding at a time, so its speed is the memory latency (docs/linked-list.md).
//! Every register resets to 0 (as MemBench's: SLOT_RESET returns "all its registers to their
//! reset values", design.md §3 Details).

use crate::{Access, Block, Field, Reg};

/// The 128-bit accelerator type id as `[ACCEL_ID_L, ACCEL_ID_H]` (design.md §4: 0x008 / 0x010).
/// A random UUID (v4), fixed once: software matches a slot's accelerator type by it.
pub const ACCEL_ID: [u64; 2] = [0xaadd_d6d4_41d3_580e, 0xe5d6_b889_af7d_4ff3];

/// Bytes of snapshot LinkedList needs (the STATE_SIZE register): one cache line.
pub const STATE_SIZE: u64 = 64;

/// Bits of a slot-relative byte address: the whole 42-bit line space (design.md §1), as
/// MemBench's BUF_ADDR. A pointer with any bit `[63:48]` set is outside it (see [`node`]).
pub const ADDR_BITS: u32 = 48;

/// Byte alignment of nodes and of the snapshot (a cache line).
pub const LINE_BYTES: u64 = 64;

/// The node layout: one cache line, little-endian 64-bit words.
pub mod node {
    /// Word 0: the next node's slot-relative byte address. 0 ends the list. Its low 6 bits
    /// are ignored (the pointer is rounded down to its line, so 1..=63 also end the list); a
    /// pointer with any bit `[63:48]` set (for instance the all-ones data of a faulting read)
    /// ends the list after this node.
    pub const NEXT_WORD: usize = 0;
    /// Word 1: the value added to SUM.
    pub const VALUE_WORD: usize = 1;
    /// Mask of the low bits of a pointer that are ignored.
    pub const OFFSET_MASK: u64 = super::LINE_BYTES - 1;

    /// Where a next pointer `next` leads: `Some(line-aligned byte address)`, or `None` when it
    /// ends the list (0 after rounding down, or outside the 48-bit address space).
    pub const fn follow(next: u64) -> Option<u64> {
        let addr = next & !OFFSET_MASK;
        if addr == 0 || next >> super::ADDR_BITS != 0 {
            None
        } else {
            Some(addr)
        }
    }
}

/// The snapshot: one line at SNAPSHOT_ADDR (its low 6 bits ignored), little-endian 64-bit
/// words; words not listed are written 0.
pub mod snapshot {
    /// Word 0: byte address of the next node to read (never 0 in a snapshot).
    pub const CUR_ADDR_WORD: usize = 0;
    /// Word 1: SUM so far.
    pub const SUM_WORD: usize = 1;
    /// Word 2: NODES so far.
    pub const NODES_WORD: usize = 2;
    /// Word 3: CYCLES so far.
    pub const CYCLES_WORD: usize = 3;
    /// Word 4: LAST_ADDR so far.
    pub const LAST_ADDR_WORD: usize = 4;
    /// Word 5: [`MAGIC`]. START_RESUME with any other value here leaves STATE idle (an
    /// unwritten buffer, or the all-ones answer of a faulting read, is not resumed).
    pub const MAGIC_WORD: usize = 5;
    /// The marker of a LinkedList snapshot, "LLSNAP01" in ASCII.
    pub const MAGIC: u64 = u64::from_be_bytes(*b"LLSNAP01");
}

/// Read/write mdata tags LinkedList puts on its requests (each alone in flight).
pub mod tag {
    /// A node read.
    pub const NODE: u64 = 1;
    /// The snapshot read of START_RESUME.
    pub const SNAP_RD: u64 = 2;
    /// The snapshot write of PAUSE.
    pub const SNAP_WR: u64 = 3;
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

/// The application registers, in offset order ([`LinkedListReg`] order).
pub const REGS: [Reg; 6] = {
    use Access::*;
    [
        reg(
            "HEAD_ADDR",
            0x030,
            Rw,
            &[Field {
                name: "ADDR",
                lsb: 0,
                width: ADDR_BITS,
                access: Rw,
                doc: "byte address, 64-byte aligned; START_NEW with it unaligned or with bits \
                      [63:48] set leaves STATE idle",
            }],
            "slot-relative byte address of the first node; 0 = empty list",
        ),
        reg(
            "MAX_NODES",
            0x038,
            Rw,
            &[],
            "stop after this many nodes; 0 = no limit (guard against cycles)",
        ),
        reg(
            "SUM",
            0x040,
            Ro,
            &[],
            "wrapping 64-bit sum of the value word of every node visited",
        ),
        reg("NODES", 0x048, Ro, &[], "nodes visited"),
        reg(
            "CYCLES",
            0x050,
            Ro,
            &[],
            "cycles spent walking the list (snapshot save and restore, paused time excluded)",
        ),
        reg(
            "LAST_ADDR",
            0x058,
            Ro,
            &[],
            "byte address of the last node visited (0 if none)",
        ),
    ]
};

/// LinkedList's application registers as a [`Block`].
pub const BLOCK: Block = Block {
    name: "linked_list",
    page: "1 + i",
    doc: "LinkedList application registers, after the accelerator header (docs/linked-list.md)",
    regs: &REGS,
};

/// LinkedList's application registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkedListReg {
    /// HEAD_ADDR, 0x030.
    HeadAddr,
    /// MAX_NODES, 0x038.
    MaxNodes,
    /// SUM, 0x040.
    Sum,
    /// NODES, 0x048.
    Nodes,
    /// CYCLES, 0x050.
    Cycles,
    /// LAST_ADDR, 0x058.
    LastAddr,
}

impl LinkedListReg {
    /// All of them, in offset order.
    pub const ALL: [LinkedListReg; 6] = {
        use LinkedListReg::*;
        [HeadAddr, MaxNodes, Sum, Nodes, Cycles, LastAddr]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        &REGS[self as usize]
    }

    /// Its byte offset in the slot page.
    pub const fn offset(self) -> u64 {
        self.reg().offset
    }

    /// Its index among the application registers (`(offset - 0x030) / 8`), as the RTL's
    /// register frame numbers them.
    pub const fn app_index(self) -> usize {
        ((self.offset() - crate::accel::APP_BASE) / crate::REG_BYTES) as usize
    }
}

/// The LinkedList application register at `offset` of the slot page, if any.
pub fn decode(offset: u64) -> Option<LinkedListReg> {
    crate::find(&REGS, offset, |_| true).map(|(i, _)| LinkedListReg::ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accel;

    #[test]
    fn offsets_are_the_documented_ones() {
        let expect = [
            (LinkedListReg::HeadAddr, 0x030, 0),
            (LinkedListReg::MaxNodes, 0x038, 1),
            (LinkedListReg::Sum, 0x040, 2),
            (LinkedListReg::Nodes, 0x048, 3),
            (LinkedListReg::Cycles, 0x050, 4),
            (LinkedListReg::LastAddr, 0x058, 5),
        ];
        for (r, off, idx) in expect {
            assert_eq!(r.offset(), off, "{r:?}");
            assert_eq!(r.app_index(), idx, "{r:?}");
            assert_eq!(decode(off), Some(r));
        }
        let rw: std::vec::Vec<bool> = REGS.iter().map(|r| r.access == Access::Rw).collect();
        assert_eq!(rw, [true, true, false, false, false, false]);
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
    fn node_pointers_follow_the_documented_rule() {
        assert_eq!(node::follow(0), None);
        assert_eq!(node::follow(0x3f), None);
        assert_eq!(node::follow(0x40), Some(0x40));
        assert_eq!(node::follow(0x1_2345), Some(0x1_2340));
        assert_eq!(node::follow(0xffff_ffff_ffc0), Some(0xffff_ffff_ffc0));
        assert_eq!(node::follow(1 << 48), None);
        assert_eq!(node::follow(u64::MAX), None);
    }

    #[test]
    fn snapshot_fits_one_line_with_distinct_words() {
        let words = [
            snapshot::CUR_ADDR_WORD,
            snapshot::SUM_WORD,
            snapshot::NODES_WORD,
            snapshot::CYCLES_WORD,
            snapshot::LAST_ADDR_WORD,
            snapshot::MAGIC_WORD,
        ];
        for (i, w) in words.iter().enumerate() {
            assert!(*w < (STATE_SIZE / 8) as usize);
            assert!(!words[i + 1..].contains(w));
        }
        assert_eq!(STATE_SIZE, LINE_BYTES);
        assert_eq!(snapshot::MAGIC, 0x4c4c_534e_4150_3031);
        assert_ne!(snapshot::MAGIC, u64::MAX);
    }

    #[test]
    fn accel_id_is_a_v4_uuid() {
        // Version nibble 4 in bits [15:12] of the high word's low half, RFC 4122 variant.
        assert_eq!((ACCEL_ID[1] >> 12) & 0xf, 4);
        assert_eq!(ACCEL_ID[0] >> 62, 0b10);
    }
}
