//! Example accelerators, each honouring the accelerator contract (`shared/design.md` §4).
//!
//! Every accelerator is one rust-hdl block with the **slot-side ports** below; the shell puts
//! one per slot, behind the slot's auditor (DMA), MMIO guard (MMIO) and preemption controller
//! (`pause`, `state`). Names are the same in every accelerator so the shell wires them alike.
//!
//! | port | dir | width | meaning |
//! |---|---|---|---|
//! | `clock` | in | clock | |
//! | `reset` | in | 1 | shell reset OR the slot's SLOT_RESET (synchronous, level): every register to its reset value, STATE idle |
//! | `pause` | in | 1 | one-cycle pulse from the preemption controller: same effect as a CTL = PAUSE write |
//! | `state` | out | 3 | the STATE register's value (0 idle, 1 running, 2 finished, 4 paused), registered |
//! | `mmio_valid`, `mmio_write` | in | 1 | an MMIO request for this slot's page (one per cycle at most) |
//! | `mmio_addr` | in | 10 | page-relative word address, **4-byte units** (byte offset = addr·4) |
//! | `mmio_tid`, `mmio_wdata` | in | 9, 64 | |
//! | `mmio_rsp_valid`, `_tid`, `_data` | out | 1, 9, 64 | every read answered **in order, exactly [`MMIO_LATENCY`] cycles later** (the guard relies on it; only Rogue may break it, on command) |
//! | `c0_almfull`, `c1_almfull` | in | 1 | leaf protocol: at most 8 more beats once seen high |
//! | `rd_req_valid`, `_addr`, `_cl_len`, `_mdata` | out | 1, 42, 2, 16 | slot-relative line address; `mdata` only in bits `[MDATA_BITS-1:0]`, upper bits 0 |
//! | `rd_rsp_valid`, `_mdata`, `_cl_num`, `_data` | in | 1, 16, 2, 512 | out of order; no backpressure |
//! | `wr_req_valid`, `_addr`, `_cl_len`, `_sop`, `_mdata`, `_data` | out | … | L beats per request, in line order, never interleaved |
//! | `wr_rsp_valid`, `_mdata` | in | 1, 16 | one per write request |
//!
//! The shell's auditor adds the slice base and checks bounds, so an accelerator works in
//! slot-relative addresses only. A faulting read comes back as all-ones lines; a faulting
//! write is acknowledged like any other.
//!
//! **The register page** is [`frame::AccelFrame`]: DFH, ACCEL_ID, STATE/CTL, STATE_SIZE,
//! SNAPSHOT_ADDR and eight application registers at `0x030 + 8·i` (each either read/write,
//! stored by the frame, or read-only, its value supplied by the accelerator), all offsets from
//! `optimus-regs`. Application register writes have no side effects (design.md §4).
//!
//! **Pause and resume** (design.md §4, §5): on `pause` (or CTL = PAUSE) while running, an
//! accelerator stops issuing new work, waits for every outstanding read line and write
//! response of its own, writes its snapshot (`STATE_SIZE` bytes, a multiple of 64) at
//! `SNAPSHOT_ADDR` (slot-relative byte address, 64-byte aligned) with ordinary write requests,
//! waits for their responses, then reports paused (STATE = 4). On START_RESUME (from any
//! state, even right after reset) it reads the snapshot back, restores its progress and
//! continues; its read/write application registers have been replayed by the hypervisor. The
//! final result equals an uninterrupted run. `pause` when not running is ignored (STATE stays
//! idle or finished; the preemption controller counts that as paused).

pub mod frame;
pub mod hasher;
pub mod linked_list;
pub mod membench;
pub mod rogue;

/// Cycles from an MMIO read request to its response at every accelerator's ports.
pub const MMIO_LATENCY: usize = 2;
/// Bits of `mdata` an accelerator may use (the tree takes the top ⌈log2 16⌉ = 4 bits).
pub const MDATA_BITS: usize = 12;

use optimus_bitstreams::AccelKind;

/// The Verilog of an accelerator kind, as module `optimus_acc_<kind>`.
pub fn verilog(kind: AccelKind) -> Result<String, String> {
    match kind {
        AccelKind::Membench => membench::membench_verilog(),
        AccelKind::LinkedList => linked_list::linked_list_verilog(),
        AccelKind::Hasher => hasher::hasher_verilog(),
        AccelKind::Rogue => rogue::rogue_verilog(),
    }
}
