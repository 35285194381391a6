//! Per-slot blocks of the shell, between an accelerator and its leaf of the multiplexer tree.
//!
//! [`auditor::Auditor`] is the page-table slicer: it bounds-checks every request against the
//! slot's slice, adds the slice base, answers faulting requests itself, drains the slot on
//! SLOT_RESET and holds new requests while the preemption controller gates the slot
//! (`shared/design.md` §3 and §5). [`emit_auditor`] emits it as lint-clean Verilog.
//! [`monitor::Monitor`] is the register file of MMIO page 0 (§3), its offsets taken from
//! `optimus-regs`. Not yet here: the preemption controller, the accelerators and the
//! composition into `optimus_shell`.

use rust_hdl::prelude::*;

pub mod admit;
pub mod auditor;
pub mod auditor_check;
pub mod auditor_fault;
pub mod auditor_rd;
pub mod auditor_wr;
pub mod compose;
pub mod concat;
pub mod emit_auditor;
pub mod mmio_front;
pub mod mmio_guard;
pub mod monitor;
pub mod preempt;

/// A write beat as the auditor queues it: `{data, mdata, addr, cl_len}` (the accelerator's
/// `sop` is not kept: framing is by count). Read requests are queued as
/// [`crate::host_port::rd_req`].
pub mod wr_entry {
    /// `cl_len` offset.
    pub const CL_LEN: usize = 0;
    /// Address offset.
    pub const ADDR: usize = 2;
    /// mdata offset.
    pub const MDATA: usize = 44;
    /// Data offset.
    pub const DATA: usize = 60;
    /// Entry width.
    pub const W: usize = 572;
}

/// A constant of exactly `N` bits (an untyped literal would be 32 bits wide in Verilog).
pub(crate) fn k<const N: usize>(value: u64) -> Constant<Bits<N>> {
    assert!(
        N >= 64 || value < 1 << N,
        "{value:#x} does not fit {N} bits"
    );
    Constant::new(value.to_bits())
}
