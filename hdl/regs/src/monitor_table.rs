//! The monitor's register table (design.md §3), one [`Reg`] per register or per-slot array.

use super::{
    MMIO_TIMEOUTS_OFFSET, MONITOR_DFH, PREEMPT_TIMEOUT_BITS, PREEMPT_TIMEOUT_RESET,
    SLICE_BASE_OFFSET, SLICE_BASE_STRIDE, SLOT_BLOCK_OFFSET, SLOT_BLOCK_STRIDE, WEIGHT_VALUE,
    fault, preempt, slice,
};
use crate::{Access, Block, Field, LINE_ADDR_BITS, MAX_SLOTS, Reg};

const fn field(
    name: &'static str,
    lsb: u32,
    width: u32,
    access: Access,
    doc: &'static str,
) -> Field {
    Field {
        name,
        lsb,
        width,
        access,
        doc,
    }
}

const fn single(
    name: &'static str,
    offset: u64,
    access: Access,
    reset: Option<u64>,
    doc: &'static str,
) -> Reg {
    Reg {
        name,
        offset,
        stride: 0,
        count: 1,
        access,
        reset,
        fields: &[],
        doc,
    }
}

const fn slot_reg_def(
    name: &'static str,
    offset_in_block: u64,
    access: Access,
    reset: Option<u64>,
    fields: &'static [Field],
    doc: &'static str,
) -> Reg {
    Reg {
        name,
        offset: SLOT_BLOCK_OFFSET + offset_in_block,
        stride: SLOT_BLOCK_STRIDE,
        count: MAX_SLOTS,
        access,
        reset,
        fields,
        doc,
    }
}

/// Index in [`REGS`] of the first per-slot register (`SLICE_BASE`); the others follow in
/// [`SlotReg`](super::SlotReg) order.
pub(super) const FIRST_SLOT_INDEX: usize = 6;
/// Index in [`REGS`] of MMIO_TIMEOUTS: last, so that the registers of design.md §3 keep the
/// index they had before it was added (exports, tools that count on it).
pub(super) const MMIO_TIMEOUTS_INDEX: usize = REGS.len() - 1;

/// The monitor's registers: the page-wide ones of design.md §3 and the per-slot ones, in
/// offset order ([`GlobalReg`](super::GlobalReg) then [`SlotReg`](super::SlotReg) order), then
/// MMIO_TIMEOUTS (0x0F8, added to §3).
pub const REGS: [Reg; 16] = {
    use Access::*;
    [
        single(
            "DFH",
            0x000,
            Ro,
            Some(MONITOR_DFH),
            "device feature header, non-zero (§3)",
        ),
        single(
            "SHELL_ID_L",
            0x008,
            Ro,
            None,
            "low half of the 128-bit id of the shell configuration (§3)",
        ),
        single(
            "SHELL_ID_H",
            0x010,
            Ro,
            None,
            "high half of the shell id (§3)",
        ),
        Reg {
            fields: &[field(
                "RESET",
                0,
                MAX_SLOTS as u32,
                Rw,
                "bit i holds slot i in reset until cleared; bits of absent slots read 0 (§3)",
            )],
            ..single(
                "SLOT_RESET",
                0x018,
                Rw,
                Some(0),
                "slot reset bits (§3, Details)",
            )
        },
        single(
            "NUM_SLOTS",
            0x020,
            Ro,
            None,
            "number of slots N of this configuration (§3)",
        ),
        single(
            "VERSION",
            0x028,
            Ro,
            Some(crate::VERSION),
            "register-map version, (major << 16) | minor (§3)",
        ),
        Reg {
            offset: SLICE_BASE_OFFSET,
            stride: SLICE_BASE_STRIDE,
            count: MAX_SLOTS,
            fields: &[field(
                "BASE",
                slice::BASE_IGNORED_BITS,
                LINE_ADDR_BITS - slice::BASE_IGNORED_BITS,
                Rw,
                "slice base in cache lines, a multiple of 4: bits [1:0] are ignored, read 0 (§3)",
            )],
            ..single(
                "SLICE_BASE",
                0,
                Rw,
                Some(0),
                "slot i's slice base, cache lines (§3)",
            )
        },
        slot_reg_def(
            "SLICE_LIMIT",
            0x00,
            Rw,
            Some(0),
            &[field(
                "LIMIT",
                0,
                LINE_ADDR_BITS,
                Rw,
                "slice size in lines; addr + lines > limit faults; 0 = no memory (§3)",
            )],
            "slice size in cache lines (§3)",
        ),
        slot_reg_def(
            "FAULT",
            0x08,
            Rw1c,
            Some(0),
            &[
                field(
                    "READ",
                    fault::READ_BIT,
                    1,
                    Rw1c,
                    "a read request faulted; sticky, write 1 to clear (§3)",
                ),
                field(
                    "WRITE",
                    fault::WRITE_BIT,
                    1,
                    Rw1c,
                    "a write request faulted; sticky, write 1 to clear (§3)",
                ),
                field(
                    "COUNT",
                    fault::COUNT_LSB,
                    fault::COUNT_BITS,
                    Ro,
                    "faulting requests, saturating (§3)",
                ),
                field(
                    "CLEAR_COUNT",
                    fault::CLEAR_COUNT_BIT,
                    1,
                    Wo,
                    "write 1 to clear COUNT; reads 0 (§3)",
                ),
            ],
            "fault status (§3, isolation rule 1)",
        ),
        slot_reg_def(
            "FAULT_ADDR",
            0x10,
            Ro,
            Some(0),
            &[field(
                "LINE",
                0,
                LINE_ADDR_BITS,
                Ro,
                "slot-relative line address (§3)",
            )],
            "first out-of-range line of the first faulting request since FAULT bits 0-1 \
             were last both clear (§3)",
        ),
        slot_reg_def(
            "PREEMPT",
            0x18,
            Cmd,
            Some(0),
            &[
                field(
                    "REQUESTED",
                    preempt::REQUESTED_BIT,
                    1,
                    Ro,
                    "preemption requested (§3, §5)",
                ),
                field(
                    "PAUSED",
                    preempt::PAUSED_BIT,
                    1,
                    Ro,
                    "accelerator paused (§5 step 2)",
                ),
                field(
                    "DRAINED",
                    preempt::DRAINED_BIT,
                    1,
                    Ro,
                    "no request of the slot outstanding (§5 step 3)",
                ),
                field(
                    "TIMED_OUT",
                    preempt::TIMED_OUT_BIT,
                    1,
                    Ro,
                    "paused + drained not reached within PREEMPT_TIMEOUT (§5 step 4)",
                ),
                field(
                    "IN_RESET",
                    preempt::IN_RESET_BIT,
                    1,
                    Ro,
                    "slot held by SLOT_RESET or still draining after it (§3)",
                ),
                field(
                    "RD_OUTSTANDING",
                    preempt::RD_OUTSTANDING_LSB,
                    preempt::OUTSTANDING_BITS,
                    Ro,
                    "outstanding read lines (§3)",
                ),
                field(
                    "WR_OUTSTANDING",
                    preempt::WR_OUTSTANDING_LSB,
                    preempt::OUTSTANDING_BITS,
                    Ro,
                    "outstanding write requests (§3)",
                ),
            ],
            "write 1: request preemption, write 2: release (other values ignored); \
             read: status (§3, §5)",
        ),
        slot_reg_def(
            "PREEMPT_TIMEOUT",
            0x20,
            Rw,
            Some(PREEMPT_TIMEOUT_RESET),
            &[field(
                "CYCLES",
                0,
                PREEMPT_TIMEOUT_BITS,
                Rw,
                "cycles; higher bits ignored, read 0 (§3, §5)",
            )],
            "cycles allowed between request and paused+drained before timed out (§3)",
        ),
        slot_reg_def(
            "RD_LINES",
            0x28,
            Ro,
            Some(0),
            &[],
            "read lines granted to slot i since reset of the shell (§3)",
        ),
        slot_reg_def(
            "WR_LINES",
            0x30,
            Ro,
            Some(0),
            &[],
            "write lines granted to slot i since reset of the shell (§3)",
        ),
        slot_reg_def(
            "WEIGHT",
            0x38,
            Rw,
            Some(WEIGHT_VALUE),
            &[],
            "arbitration weight; reserved: reads 1, writes ignored (§3)",
        ),
        single(
            "MMIO_TIMEOUTS",
            MMIO_TIMEOUTS_OFFSET,
            Ro,
            Some(0),
            "slot-page MMIO reads the shell answered with 0 because the slot's accelerator \
             did not answer within the guard's timeout (wrapping 64-bit count since shell \
             reset; not in design.md §3)",
        ),
    ]
};

/// The monitor page as a [`Block`].
pub const BLOCK: Block = Block {
    name: "monitor",
    page: "0",
    doc: "monitor registers, hypervisor only (design.md §3)",
    regs: &REGS,
};
