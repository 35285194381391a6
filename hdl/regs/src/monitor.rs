//! Page 0: the monitor (design.md §3, "Monitor registers"). Hypervisor only.
//!
//! Six page-wide registers, `SLICE_BASE[i]` at `0x030 + 8·i`, and a block of eight registers
//! per slot at `0x100 + 0x40·i`. Offsets of slots the configuration does not have, and every
//! other offset of the page, read 0 and ignore writes.
//!
//! One addition to design.md §3: MMIO_TIMEOUTS at `0x0F8` (the free word between
//! `SLICE_BASE[15]` and slot 0's block), the number of slot-page MMIO reads the shell answered
//! with 0 itself because the slot's accelerator did not answer in time. It reads 0 until that
//! happens, so for well-behaved accelerators the page still reads as §3 describes.

use crate::{Dfh, Reg, Slot, VERSION_MAJOR};
use core::fmt;

/// Offset of `SLICE_BASE[0]` (design.md §3).
pub const SLICE_BASE_OFFSET: u64 = 0x030;
/// Bytes between `SLICE_BASE[i]` and `SLICE_BASE[i+1]` (design.md §3, `0x030 + 8·i`).
pub const SLICE_BASE_STRIDE: u64 = 8;
/// Offset of slot 0's register block (design.md §3, `0x100 + 0x40·i`).
pub const SLOT_BLOCK_OFFSET: u64 = 0x100;
/// Bytes between two slots' register blocks (design.md §3).
pub const SLOT_BLOCK_STRIDE: u64 = 0x40;
/// Offset of MMIO_TIMEOUTS: our choice, the last word before slot 0's block (design.md §3
/// leaves `0x0B0..0x100` free).
pub const MMIO_TIMEOUTS_OFFSET: u64 = 0x0f8;

/// Feature id of the monitor's DFH. Our choice: OPAE leaves AFU feature ids to the AFU.
pub const MONITOR_FEATURE_ID: u16 = 0x0f0;
/// The monitor's DFH (design.md §3: "device feature header, non-zero"): an AFU header,
/// revision = the map's major version, no next header.
pub const MONITOR_DFH: u64 = Dfh {
    feature_type: Dfh::TYPE_AFU,
    feature_id: MONITOR_FEATURE_ID,
    revision: VERSION_MAJOR as u8,
    next_offset: 0,
    end_of_list: true,
}
.encode();

/// Reset value of PREEMPT_TIMEOUT (design.md §3 and §5 leave it open): 1 000 000 cycles,
/// 5 ms at 200 MHz, 2.5 ms at 400 MHz; far more than a snapshot of a few KiB needs, short
/// enough that a hung accelerator cannot stall the hypervisor noticeably.
pub const PREEMPT_TIMEOUT_RESET: u64 = 1_000_000;
/// Implemented bits of PREEMPT_TIMEOUT (`[31:0]`; higher bits are ignored and read 0).
pub const PREEMPT_TIMEOUT_BITS: u32 = 32;
/// What WEIGHT reads (design.md §3: "reserved until weighted arbitration exists; reads 1").
pub const WEIGHT_VALUE: u64 = 1;

/// `FAULT[i]` bits (design.md §3).
pub mod fault {
    /// Bit 0: a read request faulted (sticky; write 1 to clear).
    pub const READ_BIT: u32 = 0;
    /// Bit 1: a write request faulted (sticky; write 1 to clear).
    pub const WRITE_BIT: u32 = 1;
    /// Lowest bit of the faulting-request count, `[47:32]` (saturating).
    pub const COUNT_LSB: u32 = 32;
    /// Width of the count.
    pub const COUNT_BITS: u32 = 16;
    /// Bit 63: writing 1 clears the count (reads 0).
    pub const CLEAR_COUNT_BIT: u32 = 63;
    /// [`READ_BIT`] as a mask.
    pub const READ: u64 = 1 << READ_BIT;
    /// [`WRITE_BIT`] as a mask.
    pub const WRITE: u64 = 1 << WRITE_BIT;
    /// The count's bits in place.
    pub const COUNT_MASK: u64 = ((1 << COUNT_BITS) - 1) << COUNT_LSB;
    /// [`CLEAR_COUNT_BIT`] as a mask.
    pub const CLEAR_COUNT: u64 = 1 << CLEAR_COUNT_BIT;

    /// The faulting-request count in a FAULT value.
    pub const fn count(fault: u64) -> u64 {
        (fault & COUNT_MASK) >> COUNT_LSB
    }
}

/// `PREEMPT[i]` write values and read bits (design.md §3, §5).
pub mod preempt {
    /// Write value: request preemption (§5 step 1).
    pub const REQUEST: u64 = 1;
    /// Write value: release the slot (§5 step 5). Other values are ignored.
    pub const RELEASE: u64 = 2;
    /// Read bit 0: preemption requested.
    pub const REQUESTED_BIT: u32 = 0;
    /// Read bit 1: the accelerator reports paused.
    pub const PAUSED_BIT: u32 = 1;
    /// Read bit 2: drained (no request of the slot outstanding).
    pub const DRAINED_BIT: u32 = 2;
    /// Read bit 3: timed out (§5 step 4).
    pub const TIMED_OUT_BIT: u32 = 3;
    /// Read bit 4: slot in reset (held by SLOT_RESET or still draining after it).
    pub const IN_RESET_BIT: u32 = 4;
    /// Lowest bit of the outstanding read lines, `[31:16]`.
    pub const RD_OUTSTANDING_LSB: u32 = 16;
    /// Lowest bit of the outstanding write requests, `[47:32]`.
    pub const WR_OUTSTANDING_LSB: u32 = 32;
    /// Width of each outstanding count.
    pub const OUTSTANDING_BITS: u32 = 16;
    /// [`REQUESTED_BIT`] as a mask.
    pub const REQUESTED: u64 = 1 << REQUESTED_BIT;
    /// [`PAUSED_BIT`] as a mask.
    pub const PAUSED: u64 = 1 << PAUSED_BIT;
    /// [`DRAINED_BIT`] as a mask.
    pub const DRAINED: u64 = 1 << DRAINED_BIT;
    /// [`TIMED_OUT_BIT`] as a mask.
    pub const TIMED_OUT: u64 = 1 << TIMED_OUT_BIT;
    /// [`IN_RESET_BIT`] as a mask.
    pub const IN_RESET: u64 = 1 << IN_RESET_BIT;

    /// Outstanding read lines in a PREEMPT value.
    pub const fn rd_outstanding(preempt: u64) -> u64 {
        (preempt >> RD_OUTSTANDING_LSB) & ((1 << OUTSTANDING_BITS) - 1)
    }

    /// Outstanding write requests in a PREEMPT value.
    pub const fn wr_outstanding(preempt: u64) -> u64 {
        (preempt >> WR_OUTSTANDING_LSB) & ((1 << OUTSTANDING_BITS) - 1)
    }
}

/// SLICE_BASE / SLICE_LIMIT implemented bits (design.md §3; addresses are 42-bit lines, §1).
pub mod slice {
    use crate::LINE_ADDR_BITS;
    /// SLICE_BASE bits `[1:0]` are ignored and read 0 (a multiple of 4 lines).
    pub const BASE_IGNORED_BITS: u32 = 2;
    /// Bits of SLICE_BASE that are stored: `[41:2]`.
    pub const BASE_MASK: u64 = ((1 << LINE_ADDR_BITS) - 1) & !((1 << BASE_IGNORED_BITS) - 1);
    /// Bits of SLICE_LIMIT that are stored: `[41:0]` (so the largest slice is 2^42 − 1 lines).
    pub const LIMIT_MASK: u64 = (1 << LINE_ADDR_BITS) - 1;
}

#[path = "monitor_table.rs"]
mod table;
pub use table::{BLOCK, REGS};

// Every table entry belongs to exactly one enum variant.
const _: () = assert!(
    table::FIRST_SLOT_INDEX == GlobalReg::ALL.len() - 1
        && table::FIRST_SLOT_INDEX + SlotReg::ALL.len() == table::MMIO_TIMEOUTS_INDEX
);

/// The page-wide registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GlobalReg {
    /// DFH, 0x000.
    Dfh,
    /// SHELL_ID_L, 0x008.
    ShellIdL,
    /// SHELL_ID_H, 0x010.
    ShellIdH,
    /// SLOT_RESET, 0x018.
    SlotReset,
    /// NUM_SLOTS, 0x020.
    NumSlots,
    /// VERSION, 0x028.
    Version,
    /// MMIO_TIMEOUTS, 0x0F8 (our addition to design.md §3).
    MmioTimeouts,
}

impl GlobalReg {
    /// All of them, in offset order.
    pub const ALL: [GlobalReg; 7] = {
        use GlobalReg::*;
        [
            Dfh,
            ShellIdL,
            ShellIdH,
            SlotReset,
            NumSlots,
            Version,
            MmioTimeouts,
        ]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        match self {
            GlobalReg::MmioTimeouts => &REGS[table::MMIO_TIMEOUTS_INDEX],
            g => &REGS[g as usize],
        }
    }

    /// Its byte offset.
    pub const fn offset(self) -> u64 {
        self.reg().offset
    }
}

/// The per-slot registers (SLICE_BASE included, though it lives outside the slot block).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotReg {
    /// `SLICE_BASE[i]`, 0x030 + 8·i.
    SliceBase,
    /// `SLICE_LIMIT[i]`, 0x100 + 0x40·i.
    SliceLimit,
    /// `FAULT[i]`, + 0x08.
    Fault,
    /// `FAULT_ADDR[i]`, + 0x10.
    FaultAddr,
    /// `PREEMPT[i]`, + 0x18.
    Preempt,
    /// `PREEMPT_TIMEOUT[i]`, + 0x20.
    PreemptTimeout,
    /// `RD_LINES[i]`, + 0x28.
    RdLines,
    /// `WR_LINES[i]`, + 0x30.
    WrLines,
    /// `WEIGHT[i]`, + 0x38.
    Weight,
}

impl SlotReg {
    /// All of them, in offset order.
    pub const ALL: [SlotReg; 9] = {
        use SlotReg::*;
        [
            SliceBase,
            SliceLimit,
            Fault,
            FaultAddr,
            Preempt,
            PreemptTimeout,
            RdLines,
            WrLines,
            Weight,
        ]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        &REGS[table::FIRST_SLOT_INDEX + self as usize]
    }
}

/// Byte offset of `SLICE_BASE[slot]`.
pub const fn slice_base(slot: Slot) -> u64 {
    slot_reg(slot, SlotReg::SliceBase)
}

/// Byte offset of register `reg` of slot `slot`.
pub const fn slot_reg(slot: Slot, reg: SlotReg) -> u64 {
    reg.reg().offset_of(slot.index())
}

/// A monitor register: page-wide, or one slot's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MonitorReg {
    /// A page-wide register.
    Global(GlobalReg),
    /// Register `.1` of slot `.0`.
    Slot(Slot, SlotReg),
}

impl MonitorReg {
    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        match self {
            MonitorReg::Global(g) => g.reg(),
            MonitorReg::Slot(_, r) => r.reg(),
        }
    }

    /// Its byte offset in page 0.
    pub const fn offset(self) -> u64 {
        match self {
            MonitorReg::Global(g) => g.offset(),
            MonitorReg::Slot(s, r) => slot_reg(s, r),
        }
    }

    /// Every monitor register of a map with `MAX_SLOTS` slots: the page-wide ones, then each
    /// per-slot register of every slot.
    pub fn all() -> impl Iterator<Item = MonitorReg> {
        let globals = GlobalReg::ALL.into_iter().map(MonitorReg::Global);
        let slots = SlotReg::ALL
            .into_iter()
            .flat_map(|r| Slot::all().map(move |s| MonitorReg::Slot(s, r)));
        globals.chain(slots)
    }
}

impl fmt::Display for MonitorReg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MonitorReg::Global(g) => f.write_str(g.reg().name),
            MonitorReg::Slot(s, r) => write!(f, "{}[{}]", r.reg().name, s.index()),
        }
    }
}

/// The register at byte offset `offset` of page 0, or `None` (unimplemented, not 8-byte
/// aligned, or outside the page). Slots up to [`MAX_SLOTS`](crate::MAX_SLOTS); a
/// configuration with fewer slots treats the others as unimplemented.
pub fn decode(offset: u64) -> Option<MonitorReg> {
    let global = GlobalReg::ALL
        .into_iter()
        .find(|g| g.reg().instance_at(offset).is_some());
    if let Some(g) = global {
        return Some(MonitorReg::Global(g));
    }
    let (r, n) = SlotReg::ALL
        .into_iter()
        .find_map(|r| r.reg().instance_at(offset).map(|n| (r, n)))?;
    Some(MonitorReg::Slot(Slot::new(n)?, r))
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
