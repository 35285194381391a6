//! The per-slot auditor (page-table slicer): bounds check, IOVA translation, fault answers,
//! drain on slot reset, gate for preemption (`shared/design.md` §3 "Isolation rules", §5).
//!
//! ```text
//!              accelerator (leaf protocol)                  multiplexer-tree leaf
//!                      │                                              ▲
//!  acc_rd_req_* ──► admit FIFO ──► SliceCheck ──ok──► [reg] ──────────┴──► up_rd_req_*
//!  acc_wr_req_* ──► admit FIFO ──► framing + SliceCheck ─► [reg] ─────────► up_wr_req_*
//!  acc_c0/c1_almfull ◄── [reg]      │ fault                            up_c0/c1_almfull
//!                                   ▼                                         │
//!  acc_rd_rsp_* ◄── [reg] ◄── all-ones lines / host response (dropped in reset) ◄── up_rd_rsp_*
//!  acc_wr_rsp_* ◄── [reg] ◄── fault write response / host response (same)   ◄── up_wr_rsp_*
//!                         ▲ base, limit, gate, slot_reset   │ FAULT, counts, drained, in_reset
//!                         └──────────── monitor / preemption controller ◄──┘
//! ```
//!
//! * **Bounds check** ([`SliceCheck`](super::auditor_check::SliceCheck)): lines `a .. a+L-1`
//!   are in `[0, M)` iff `L <= M && a <= M - L`, computed in 42 bits: `a + L` is never formed,
//!   and `M - L` is only used when it does not wrap. `M = 0` admits nothing. Translation:
//!   `IOVA = {base[41:2], 2'b00} + a` mod 2^42.
//! * **When the slice is sampled.** Requests are queued unchecked and checked *at the exit*, in
//!   the cycle they enter the output register, so no checked-but-unsent request can meet a
//!   new slice; a write packet keeps the verdict and IOVA of its first beat for all its beats.
//!   Requests the accelerator issues while the slot drains after a reset are for the slice in
//!   force when they leave, which is the one the monitor set during the reset.
//! * **Faults.** A faulting read is answered with one all-ones line per requested line
//!   (`cl_num` 0..L-1, the request's `mdata`); a faulting write is consumed and answered with
//!   one write response after its last beat. FAULT, its count and FAULT_ADDR: see
//!   [`super::auditor_fault::FaultLog`].
//! * **Slot reset: drain, not epochs.** While `slot_reset` is held the queues are emptied and
//!   host responses are dropped; `in_reset` stays high after it falls until no read line and
//!   no write request of the slot is outstanding at the host. New requests wait meanwhile. A
//!   write packet already partly sent is completed (zero data, captured IOVAs).
//! * **Gate.** Requests queued after `gate` rose wait (and `almfull` is raised); those queued
//!   before, and the rest of an open write packet, still go. `drained` is independent of the
//!   gate: no request of the slot queued, open, owed a fault answer or outstanding at the host.
//! * **mdata** passes through untouched both ways; fault answers carry the request's own.
//! * **Timing.** Every output is a register or (monitor outputs) a function of registers and
//!   monitor inputs only; no combinational path from `acc_*` to `up_*` or back. A request
//!   presented in cycle t is on `up_*` in cycle t+2 at the earliest; a host response in
//!   cycle t reaches the accelerator in cycle t+1.
//!
//! ### Inputs
//! * `clock`, `reset` (shell reset: clears everything, counters included).
//! * Monitor: `slice_base`, `slice_limit`, `slot_reset` (level), `gate`, `fault_clear_rd`,
//!   `fault_clear_wr`, `fault_clear_count` (one-cycle W1C strobes of FAULT bits 0, 1, 63).
//! * Accelerator: `acc_rd_req_*`, `acc_wr_req_*`. Tree leaf: `up_c0_almfull`,
//!   `up_c1_almfull`, `up_rd_rsp_*`, `up_wr_rsp_*`.
//!
//! ### Outputs
//! * Accelerator: `acc_c0_almfull`, `acc_c1_almfull`, `acc_rd_rsp_*`, `acc_wr_rsp_*`.
//! * Tree leaf: `up_rd_req_*`, `up_wr_req_*` (addresses are IOVAs).
//! * Monitor: `fault_rd`, `fault_wr`, `fault_count`, `fault_addr`, `rd_outstanding` (lines),
//!   `wr_outstanding` (requests), `drained`, `in_reset`, `rd_lines`, `wr_lines` (granted to
//!   the host since shell reset; completion beats included).

use super::auditor_fault::FaultLog;
use super::auditor_rd::ReadPath;
use super::auditor_wr::WritePath;
use super::k;
use rust_hdl::prelude::*;

/// One slot's auditor.
#[derive(LogicBlock)]
pub struct Auditor {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset (synchronous, active high).
    pub reset: Signal<In, Bit>,
    /// SLOT_RESET bit of this slot (level).
    pub slot_reset: Signal<In, Bit>,
    /// From the preemption controller: no new request may leave.
    pub gate: Signal<In, Bit>,
    /// SLICE_BASE (cache lines; low 2 bits ignored).
    pub slice_base: Signal<In, Bits<42>>,
    /// SLICE_LIMIT (cache lines).
    pub slice_limit: Signal<In, Bits<42>>,
    /// Write-1-to-clear strobe of FAULT bit 0.
    pub fault_clear_rd: Signal<In, Bit>,
    /// Write-1-to-clear strobe of FAULT bit 1.
    pub fault_clear_wr: Signal<In, Bit>,
    /// Write-1-to-clear strobe of FAULT bit 63 (the count).
    pub fault_clear_count: Signal<In, Bit>,
    /// Read request from the accelerator.
    pub acc_rd_req_valid: Signal<In, Bit>,
    /// Its slot-relative line address.
    pub acc_rd_req_addr: Signal<In, Bits<42>>,
    /// Its length code.
    pub acc_rd_req_cl_len: Signal<In, Bits<2>>,
    /// Its mdata.
    pub acc_rd_req_mdata: Signal<In, Bits<16>>,
    /// Write beat from the accelerator.
    pub acc_wr_req_valid: Signal<In, Bit>,
    /// Its slot-relative line address.
    pub acc_wr_req_addr: Signal<In, Bits<42>>,
    /// Its request's length code.
    pub acc_wr_req_cl_len: Signal<In, Bits<2>>,
    /// First beat (framing is by count; ignored).
    pub acc_wr_req_sop: Signal<In, Bit>,
    /// Its mdata.
    pub acc_wr_req_mdata: Signal<In, Bits<16>>,
    /// Its data.
    pub acc_wr_req_data: Signal<In, Bits<512>>,
    /// Almost full (reads) towards the accelerator.
    pub acc_c0_almfull: Signal<Out, Bit>,
    /// Almost full (write beats) towards the accelerator.
    pub acc_c1_almfull: Signal<Out, Bit>,
    /// Read response to the accelerator.
    pub acc_rd_rsp_valid: Signal<Out, Bit>,
    /// Its mdata.
    pub acc_rd_rsp_mdata: Signal<Out, Bits<16>>,
    /// Its line index.
    pub acc_rd_rsp_cl_num: Signal<Out, Bits<2>>,
    /// Its data (all ones for a faulting read).
    pub acc_rd_rsp_data: Signal<Out, Bits<512>>,
    /// Write response to the accelerator.
    pub acc_wr_rsp_valid: Signal<Out, Bit>,
    /// Its mdata.
    pub acc_wr_rsp_mdata: Signal<Out, Bits<16>>,
    /// Almost full (reads) from the tree leaf.
    pub up_c0_almfull: Signal<In, Bit>,
    /// Almost full (write beats) from the tree leaf.
    pub up_c1_almfull: Signal<In, Bit>,
    /// Read request to the tree.
    pub up_rd_req_valid: Signal<Out, Bit>,
    /// Its IOVA.
    pub up_rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub up_rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub up_rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response from the tree.
    pub up_rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub up_rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index.
    pub up_rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub up_rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat to the tree.
    pub up_wr_req_valid: Signal<Out, Bit>,
    /// Its IOVA.
    pub up_wr_req_addr: Signal<Out, Bits<42>>,
    /// Its request's length code.
    pub up_wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat.
    pub up_wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub up_wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub up_wr_req_data: Signal<Out, Bits<512>>,
    /// Write response from the tree.
    pub up_wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub up_wr_rsp_mdata: Signal<In, Bits<16>>,
    /// FAULT bit 0: a read faulted.
    pub fault_rd: Signal<Out, Bit>,
    /// FAULT bit 1: a write faulted.
    pub fault_wr: Signal<Out, Bit>,
    /// FAULT bits `[47:32]`: faulting requests (saturating).
    pub fault_count: Signal<Out, Bits<16>>,
    /// FAULT_ADDR: first out-of-range line of the first fault since bits 0-1 were clear.
    pub fault_addr: Signal<Out, Bits<42>>,
    /// Read lines issued to the host and not yet answered.
    pub rd_outstanding: Signal<Out, Bits<16>>,
    /// Write requests issued to the host and not yet answered.
    pub wr_outstanding: Signal<Out, Bits<16>>,
    /// Nothing of this slot queued, owed or outstanding.
    pub drained: Signal<Out, Bit>,
    /// PREEMPT bit 4: slot reset held, or draining after it.
    pub in_reset: Signal<Out, Bit>,
    /// RD_LINES: read lines granted since shell reset.
    pub rd_lines: Signal<Out, Bits<64>>,
    /// WR_LINES: write lines granted since shell reset.
    pub wr_lines: Signal<Out, Bits<64>>,
    rd: ReadPath,
    faults: FaultLog,
    wr: WritePath,
    rst_q: DFF<Bit>,
    in_rst: Signal<Local, Bit>,
    block: Signal<Local, Bit>,
    zero16: Constant<Bits<16>>,
}

impl Default for Auditor {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            slot_reset: Default::default(),
            gate: Default::default(),
            slice_base: Default::default(),
            slice_limit: Default::default(),
            fault_clear_rd: Default::default(),
            fault_clear_wr: Default::default(),
            fault_clear_count: Default::default(),
            acc_rd_req_valid: Default::default(),
            acc_rd_req_addr: Default::default(),
            acc_rd_req_cl_len: Default::default(),
            acc_rd_req_mdata: Default::default(),
            acc_wr_req_valid: Default::default(),
            acc_wr_req_addr: Default::default(),
            acc_wr_req_cl_len: Default::default(),
            acc_wr_req_sop: Default::default(),
            acc_wr_req_mdata: Default::default(),
            acc_wr_req_data: Default::default(),
            acc_c0_almfull: Default::default(),
            acc_c1_almfull: Default::default(),
            acc_rd_rsp_valid: Default::default(),
            acc_rd_rsp_mdata: Default::default(),
            acc_rd_rsp_cl_num: Default::default(),
            acc_rd_rsp_data: Default::default(),
            acc_wr_rsp_valid: Default::default(),
            acc_wr_rsp_mdata: Default::default(),
            up_c0_almfull: Default::default(),
            up_c1_almfull: Default::default(),
            up_rd_req_valid: Default::default(),
            up_rd_req_addr: Default::default(),
            up_rd_req_cl_len: Default::default(),
            up_rd_req_mdata: Default::default(),
            up_rd_rsp_valid: Default::default(),
            up_rd_rsp_mdata: Default::default(),
            up_rd_rsp_cl_num: Default::default(),
            up_rd_rsp_data: Default::default(),
            up_wr_req_valid: Default::default(),
            up_wr_req_addr: Default::default(),
            up_wr_req_cl_len: Default::default(),
            up_wr_req_sop: Default::default(),
            up_wr_req_mdata: Default::default(),
            up_wr_req_data: Default::default(),
            up_wr_rsp_valid: Default::default(),
            up_wr_rsp_mdata: Default::default(),
            fault_rd: Default::default(),
            fault_wr: Default::default(),
            fault_count: Default::default(),
            fault_addr: Default::default(),
            rd_outstanding: Default::default(),
            wr_outstanding: Default::default(),
            drained: Default::default(),
            in_reset: Default::default(),
            rd_lines: Default::default(),
            wr_lines: Default::default(),
            rd: Default::default(),
            faults: Default::default(),
            wr: Default::default(),
            rst_q: Default::default(),
            in_rst: Default::default(),
            block: Default::default(),
            zero16: k(0),
        }
    }
}

impl Logic for Auditor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rst_q);
        // Slot reset, and the drain after it: until nothing is outstanding at the host.
        self.in_rst.next = self.slot_reset.val() | self.rst_q.q.val();
        self.block.next = self.gate.val() | self.in_rst.val();
        self.rst_q.d.next = self.slot_reset.val()
            | (self.rst_q.q.val()
                & ((self.rd.outstanding.val() != self.zero16.val())
                    | (self.wr.outstanding.val() != self.zero16.val())));
        self.in_reset.next = self.in_rst.val();
        self.drained.next = self.rd.idle.val()
            & self.wr.idle.val()
            & (self.rd.outstanding.val() == self.zero16.val())
            & (self.wr.outstanding.val() == self.zero16.val());
        self.rd_outstanding.next = self.rd.outstanding.val();
        self.wr_outstanding.next = self.wr.outstanding.val();
        self.rd_lines.next = self.rd.lines.val();
        self.wr_lines.next = self.wr.lines.val();

        // The read channel.
        self.rd.clock.next = self.clock.val();
        self.rd.reset.next = self.reset.val();
        self.rd.slot_reset.next = self.slot_reset.val();
        self.rd.in_rst.next = self.in_rst.val();
        self.rd.block.next = self.block.val();
        self.rd.base.next = self.slice_base.val();
        self.rd.limit.next = self.slice_limit.val();
        self.rd.acc_rd_req_valid.next = self.acc_rd_req_valid.val();
        self.rd.acc_rd_req_addr.next = self.acc_rd_req_addr.val();
        self.rd.acc_rd_req_cl_len.next = self.acc_rd_req_cl_len.val();
        self.rd.acc_rd_req_mdata.next = self.acc_rd_req_mdata.val();
        self.acc_c0_almfull.next = self.rd.acc_c0_almfull.val();
        self.acc_rd_rsp_valid.next = self.rd.acc_rd_rsp_valid.val();
        self.acc_rd_rsp_mdata.next = self.rd.acc_rd_rsp_mdata.val();
        self.acc_rd_rsp_cl_num.next = self.rd.acc_rd_rsp_cl_num.val();
        self.acc_rd_rsp_data.next = self.rd.acc_rd_rsp_data.val();
        self.rd.up_c0_almfull.next = self.up_c0_almfull.val();
        self.up_rd_req_valid.next = self.rd.up_rd_req_valid.val();
        self.up_rd_req_addr.next = self.rd.up_rd_req_addr.val();
        self.up_rd_req_cl_len.next = self.rd.up_rd_req_cl_len.val();
        self.up_rd_req_mdata.next = self.rd.up_rd_req_mdata.val();
        self.rd.up_rd_rsp_valid.next = self.up_rd_rsp_valid.val();
        self.rd.up_rd_rsp_mdata.next = self.up_rd_rsp_mdata.val();
        self.rd.up_rd_rsp_cl_num.next = self.up_rd_rsp_cl_num.val();
        self.rd.up_rd_rsp_data.next = self.up_rd_rsp_data.val();

        // The write channel.
        self.wr.clock.next = self.clock.val();
        self.wr.reset.next = self.reset.val();
        self.wr.slot_reset.next = self.slot_reset.val();
        self.wr.in_rst.next = self.in_rst.val();
        self.wr.block.next = self.block.val();
        self.wr.base.next = self.slice_base.val();
        self.wr.limit.next = self.slice_limit.val();
        self.wr.acc_wr_req_valid.next = self.acc_wr_req_valid.val();
        self.wr.acc_wr_req_addr.next = self.acc_wr_req_addr.val();
        self.wr.acc_wr_req_cl_len.next = self.acc_wr_req_cl_len.val();
        self.wr.acc_wr_req_sop.next = self.acc_wr_req_sop.val();
        self.wr.acc_wr_req_mdata.next = self.acc_wr_req_mdata.val();
        self.wr.acc_wr_req_data.next = self.acc_wr_req_data.val();
        self.acc_c1_almfull.next = self.wr.acc_c1_almfull.val();
        self.acc_wr_rsp_valid.next = self.wr.acc_wr_rsp_valid.val();
        self.acc_wr_rsp_mdata.next = self.wr.acc_wr_rsp_mdata.val();
        self.wr.up_c1_almfull.next = self.up_c1_almfull.val();
        self.up_wr_req_valid.next = self.wr.up_wr_req_valid.val();
        self.up_wr_req_addr.next = self.wr.up_wr_req_addr.val();
        self.up_wr_req_cl_len.next = self.wr.up_wr_req_cl_len.val();
        self.up_wr_req_sop.next = self.wr.up_wr_req_sop.val();
        self.up_wr_req_mdata.next = self.wr.up_wr_req_mdata.val();
        self.up_wr_req_data.next = self.wr.up_wr_req_data.val();
        self.wr.up_wr_rsp_valid.next = self.up_wr_rsp_valid.val();
        self.wr.up_wr_rsp_mdata.next = self.up_wr_rsp_mdata.val();

        // FAULT, FAULT_ADDR.
        self.faults.clock.next = self.clock.val();
        self.faults.reset.next = self.reset.val();
        self.faults.clear_rd.next = self.fault_clear_rd.val();
        self.faults.clear_wr.next = self.fault_clear_wr.val();
        self.faults.clear_count.next = self.fault_clear_count.val();
        self.faults.rd_fault.next = self.rd.fault.val();
        self.faults.rd_line.next = self.rd.fault_line.val();
        self.faults.wr_fault.next = self.wr.fault.val();
        self.faults.wr_line.next = self.wr.fault_line.val();
        self.fault_rd.next = self.faults.fault_rd.val();
        self.fault_wr.next = self.faults.fault_wr.val();
        self.fault_count.next = self.faults.fault_count.val();
        self.fault_addr.next = self.faults.fault_addr.val();

        if self.reset.val() {
            self.rst_q.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::emit_auditor::{TOP, auditor_verilog, yosys_check};

    #[test]
    fn auditor_is_synthesizable() {
        let verilog = auditor_verilog().expect("the auditor emits");
        match yosys_check(&verilog, TOP) {
            Ok(true) => {}
            Ok(false) => println!("SKIPPED: yosys is not installed; structure not checked"),
            Err(log) => panic!("yosys rejects the auditor:\n{log}"),
        }
    }
}
