//! The Optimus-RS MMIO register map, defined once.
//!
//! What is here: every register offset, access kind, reset value and bitfield of the three
//! register pages software and hardware share (`shared/design.md` §3 and §4):
//!
//! * [`monitor`]: page 0, the hypervisor's monitor (slices, faults, preemption, counters);
//! * [`accel`]: the common header of every accelerator's slot page (page 1 + i);
//! * [`membench`]: MemBench's application registers on its slot page.
//!
//! Each page is a [`Block`] of [`Reg`] descriptions, with enums naming its registers, offset
//! functions (`monitor::slot_reg(slot, SlotReg::Fault)`) and a decoder from an offset back to
//! the register (what the RTL uses to build its address decode). [`export`] writes the whole
//! map as JSON (`regs.json`) or as Markdown tables.
//!
//! What is not here: any behaviour. This crate has no dependencies and no I/O (`#![no_std]`;
//! the `alloc` feature, on by default, only adds `String`-returning export helpers). No other
//! crate of the project writes a register offset or a bit position as a literal: they all
//! come from here.

#![no_std]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod accel;
pub mod export;
pub mod hasher;
pub mod linked_list;
pub mod membench;
pub mod monitor;
pub mod rogue;

/// Bytes per MMIO page: page `p` covers byte offsets `[p·4096, (p+1)·4096)` (design.md §3).
pub const PAGE_SIZE: u64 = 4096;
/// Bytes per register: every register is 64 bits (design.md §1, "Only 64-bit accesses").
pub const REG_BYTES: u64 = 8;
/// Bytes per unit of the host-port MMIO address (`addr` counts 4-byte units, design.md §1).
pub const MMIO_UNIT_BYTES: u64 = 4;
/// Most slots the map has room for (design.md §3, "Up to 16 slots in this map").
pub const MAX_SLOTS: usize = 16;
/// Width of a cache-line address (design.md §1: byte address >> 6, 42 bits).
pub const LINE_ADDR_BITS: u32 = 42;

/// Major version of this register map (design.md §3, VERSION: `(major << 16) | minor`).
pub const VERSION_MAJOR: u16 = 1;
/// Minor version of this register map.
pub const VERSION_MINOR: u16 = 0;
/// The value of the monitor's VERSION register (design.md §3).
pub const VERSION: u64 = ((VERSION_MAJOR as u64) << 16) | VERSION_MINOR as u64;

/// Byte offset of the first byte of slot `slot`'s accelerator page: page 1 + i (design.md §3).
pub const fn slot_page_base(slot: Slot) -> u64 {
    (1 + slot.0 as u64) * PAGE_SIZE
}

/// A slot index, `0 <= i < MAX_SLOTS` (design.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(u8);

impl Slot {
    /// Slot `index`, if the map has room for it.
    pub const fn new(index: usize) -> Option<Self> {
        if index < MAX_SLOTS {
            Some(Self(index as u8))
        } else {
            None
        }
    }

    /// The slot's index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Every slot of the map, in order.
    pub fn all() -> impl Iterator<Item = Slot> {
        (0..MAX_SLOTS as u8).map(Slot)
    }
}

/// How software may access a register or a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read only; writes are ignored.
    Ro,
    /// Read/write storage: a read returns what was written (within the implemented bits).
    Rw,
    /// Read; writing 1 to a bit clears it, writing 0 leaves it (design.md §3, FAULT).
    Rw1c,
    /// Write only; reads of this register return something else (see the register sharing
    /// its offset, e.g. CTL and STATE, design.md §4).
    Wo,
    /// A read returns status; a write is a command and is not stored (design.md §3, PREEMPT:
    /// the table says R/W, but reading back does not return the value written).
    Cmd,
}

impl Access {
    /// The short name used in the exports: `RO`, `RW`, `RW1C`, `WO`, `RW-CMD`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Access::Ro => "RO",
            Access::Rw => "RW",
            Access::Rw1c => "RW1C",
            Access::Wo => "WO",
            Access::Cmd => "RW-CMD",
        }
    }

    /// A read of the register means something.
    pub const fn readable(self) -> bool {
        !matches!(self, Access::Wo)
    }

    /// A write to the register has an effect.
    pub const fn writable(self) -> bool {
        !matches!(self, Access::Ro)
    }
}

/// A bitfield of a register: bits `[lsb + width - 1 : lsb]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Field name, upper case.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits.
    pub width: u32,
    /// Access of this field.
    pub access: Access,
    /// Meaning, with its design.md section.
    pub doc: &'static str,
}

impl Field {
    /// The field's bits in place.
    pub const fn mask(&self) -> u64 {
        (u64::MAX >> (64 - self.width)) << self.lsb
    }

    /// The field's value in register value `reg`.
    pub const fn get(&self, reg: u64) -> u64 {
        (reg & self.mask()) >> self.lsb
    }
}

/// One register, or an array of `count` registers `stride` bytes apart (one per slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reg {
    /// Register name, upper case, as in design.md.
    pub name: &'static str,
    /// Byte offset inside its page (of instance 0 for an array).
    pub offset: u64,
    /// Bytes between instances (0 for a single register).
    pub stride: u64,
    /// Number of instances (1 for a single register, [`MAX_SLOTS`] for a per-slot one).
    pub count: usize,
    /// Access.
    pub access: Access,
    /// Value after reset, where the map fixes one (`None`: status or configuration value).
    pub reset: Option<u64>,
    /// Bitfields, if the register has more than one value in it.
    pub fields: &'static [Field],
    /// Meaning, with its design.md section.
    pub doc: &'static str,
}

impl Reg {
    /// Byte offset of instance `index` (`index < count`).
    pub const fn offset_of(&self, index: usize) -> u64 {
        assert!(index < self.count, "register instance out of range");
        self.offset + self.stride * index as u64
    }

    /// The instance of this register at byte offset `offset`, if any.
    pub const fn instance_at(&self, offset: u64) -> Option<usize> {
        if offset < self.offset {
            return None;
        }
        let delta = offset - self.offset;
        if self.stride == 0 {
            return if delta == 0 { Some(0) } else { None };
        }
        if delta % self.stride != 0 {
            return None;
        }
        let index = delta / self.stride;
        if index < self.count as u64 {
            Some(index as usize)
        } else {
            None
        }
    }

    /// A per-slot register.
    pub const fn per_slot(&self) -> bool {
        self.count > 1
    }
}

/// The registers of one MMIO page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Block name, lower case.
    pub name: &'static str,
    /// Which page(s) it occupies.
    pub page: &'static str,
    /// What it is, with its design.md section.
    pub doc: &'static str,
    /// Its registers, in offset order.
    pub regs: &'static [Reg],
}

/// Every block of the map.
pub const BLOCKS: [&Block; 6] = [
    &monitor::BLOCK,
    &accel::BLOCK,
    &membench::BLOCK,
    &linked_list::BLOCK,
    &hasher::BLOCK,
    &rogue::BLOCK,
];

/// Index in `regs` and instance of the register at byte offset `offset` that `wanted` accepts.
pub(crate) fn find(
    regs: &[Reg],
    offset: u64,
    wanted: impl Fn(Access) -> bool,
) -> Option<(usize, usize)> {
    regs.iter().enumerate().find_map(|(i, r)| {
        if wanted(r.access) {
            r.instance_at(offset).map(|n| (i, n))
        } else {
            None
        }
    })
}

/// A device feature header, OPAE layout (OPAE "Device Feature List": `[11:0]` feature id,
/// `[15:12]` revision, `[39:16]` byte offset of the next header, `[40]` end of list,
/// `[63:60]` type). Design.md §3 only requires the monitor's to be non-zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dfh {
    /// `[63:60]`: 1 AFU, 2 BBB, 3 private feature.
    pub feature_type: u8,
    /// `[11:0]`.
    pub feature_id: u16,
    /// `[15:12]`.
    pub revision: u8,
    /// `[39:16]`: byte offset to the next header, 0 if none.
    pub next_offset: u32,
    /// `[40]`: last header of the list.
    pub end_of_list: bool,
}

impl Dfh {
    /// Feature type of an AFU header.
    pub const TYPE_AFU: u8 = 1;

    /// The 64-bit register value.
    pub const fn encode(self) -> u64 {
        ((self.feature_type as u64 & 0xf) << 60)
            | ((self.end_of_list as u64) << 40)
            | ((self.next_offset as u64 & 0xff_ffff) << 16)
            | ((self.revision as u64 & 0xf) << 12)
            | (self.feature_id as u64 & 0xfff)
    }

    /// Splits a register value into its fields (reserved bits are dropped).
    pub const fn decode(value: u64) -> Self {
        Self {
            feature_type: (value >> 60) as u8,
            feature_id: (value & 0xfff) as u16,
            revision: ((value >> 12) & 0xf) as u8,
            next_offset: ((value >> 16) & 0xff_ffff) as u32,
            end_of_list: (value >> 40) & 1 == 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_1_0() {
        assert_eq!(VERSION, 0x0001_0000);
    }

    #[test]
    fn slots_and_pages() {
        assert_eq!(Slot::all().count(), 16);
        assert!(Slot::new(15).is_some());
        assert!(Slot::new(16).is_none());
        assert_eq!(slot_page_base(Slot::new(0).unwrap()), 0x1000);
        assert_eq!(slot_page_base(Slot::new(15).unwrap()), 0x10000);
    }

    #[test]
    fn dfh_round_trips() {
        let d = Dfh {
            feature_type: 3,
            feature_id: 0xabc,
            revision: 5,
            next_offset: 0x12_3456,
            end_of_list: true,
        };
        assert_eq!(d.encode(), 0x3000_0112_3456_5abc);
        assert_eq!(Dfh::decode(d.encode()), d);
    }

    #[test]
    fn field_mask_and_get() {
        let f = Field {
            name: "X",
            lsb: 32,
            width: 16,
            access: Access::Ro,
            doc: "",
        };
        assert_eq!(f.mask(), 0x0000_ffff_0000_0000);
        assert_eq!(f.get(0x8001_2345_0000_0003), 0x2345);
        let top = Field {
            lsb: 63,
            width: 1,
            ..f
        };
        assert_eq!(top.mask(), 1 << 63);
    }

    #[test]
    fn every_register_of_every_block_is_aligned_and_inside_its_page() {
        for b in BLOCKS {
            for r in b.regs {
                for i in 0..r.count {
                    let off = r.offset_of(i);
                    assert_eq!(off % REG_BYTES, 0, "{} {}[{i}]", b.name, r.name);
                    assert!(off + REG_BYTES <= PAGE_SIZE, "{} {}[{i}]", b.name, r.name);
                    assert_eq!(r.instance_at(off), Some(i));
                }
                for f in r.fields {
                    assert!(
                        f.width >= 1 && f.lsb + f.width <= 64,
                        "{}.{}",
                        r.name,
                        f.name
                    );
                }
            }
        }
    }
}
