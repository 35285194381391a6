//! One slot's part of the monitor: its registers, its W1C and command strobes, and the value
//! of its register a read selects (design.md §3, the per-slot rows).
//!
//! The request comes from the monitor's stage-1 registers (`sel`, `write`, `kind`, `wdata`),
//! so every output here is a function of registers: the stored values are registers, the
//! strobes and `rdata` are shallow logic on registers and status inputs.
//!
//! * SLICE_BASE, SLICE_LIMIT, PREEMPT_TIMEOUT are stored as 64-bit registers whose
//!   unimplemented bits are masked off on write (they read 0 and synthesis drops them).
//! * FAULT write: bit 0 / bit 1 / bit 63 = 1 gives a one-cycle `fault_clear_rd` /
//!   `fault_clear_wr` / `fault_clear_count` pulse. PREEMPT write of exactly 1 / 2 gives a
//!   `preempt_request` / `preempt_release` pulse; other values are ignored.
//! * WEIGHT reads 1; writes to it and to the read-only registers are ignored.
//!
//! ### Inputs
//! `clock`, `reset`; `sel` (a valid request of stage 1 decodes to this slot), `write`,
//! `kind`, `wdata`; `slot_reset` (this slot's SLOT_RESET bit); the status half of `port`.
//! ### Outputs
//! The control half of `port`; `rdata` (the selected register's value, 0 unless `sel` and
//! not `write`); `mmio_timeout` (`port.mmio_timeout` unchanged: MMIO_TIMEOUTS is page-wide).

use super::decode::{KIND_BITS, slot_kind};
use super::pack::{COUNT_BITS, LINE_BITS, OUTSTANDING_BITS, StatusPack};
use optimus_regs::monitor::{
    PREEMPT_TIMEOUT_BITS, PREEMPT_TIMEOUT_RESET, SlotReg, WEIGHT_VALUE, fault, preempt, slice,
};
use rust_hdl::prelude::*;

/// Width of PREEMPT_TIMEOUT as the preemption controller sees it.
pub const TIMEOUT_BITS: usize = 32;

const _: () = assert!(PREEMPT_TIMEOUT_BITS as usize == TIMEOUT_BITS);

/// The per-slot ports of the monitor: status in from the slot's auditor and preemption
/// controller, controls out to them.
#[derive(LogicInterface, Default)]
pub struct SlotPorts {
    /// FAULT bit 0: a read faulted (auditor).
    pub fault_rd: Signal<In, Bit>,
    /// FAULT bit 1: a write faulted (auditor).
    pub fault_wr: Signal<In, Bit>,
    /// FAULT `[47:32]`: faulting requests, saturating (auditor).
    pub fault_count: Signal<In, Bits<COUNT_BITS>>,
    /// FAULT_ADDR (auditor).
    pub fault_addr: Signal<In, Bits<LINE_BITS>>,
    /// PREEMPT bit 0: requested (preemption controller).
    pub preempt_requested: Signal<In, Bit>,
    /// PREEMPT bit 1: accelerator paused (preemption controller).
    pub preempt_paused: Signal<In, Bit>,
    /// PREEMPT bit 2: nothing of the slot outstanding (auditor).
    pub drained: Signal<In, Bit>,
    /// PREEMPT bit 3: timed out (preemption controller).
    pub preempt_timed_out: Signal<In, Bit>,
    /// PREEMPT bit 4: slot in reset or draining after it (auditor).
    pub in_reset: Signal<In, Bit>,
    /// PREEMPT `[31:16]`: outstanding read lines (auditor).
    pub rd_outstanding: Signal<In, Bits<OUTSTANDING_BITS>>,
    /// PREEMPT `[47:32]`: outstanding write requests (auditor).
    pub wr_outstanding: Signal<In, Bits<OUTSTANDING_BITS>>,
    /// RD_LINES (auditor).
    pub rd_lines: Signal<In, Bits<64>>,
    /// WR_LINES (auditor).
    pub wr_lines: Signal<In, Bits<64>>,
    /// The slot's MMIO guard answered a read with 0 (one-cycle pulse, counted in
    /// MMIO_TIMEOUTS).
    pub mmio_timeout: Signal<In, Bit>,
    /// SLICE_BASE, bits `[1:0]` zero.
    pub slice_base: Signal<Out, Bits<LINE_BITS>>,
    /// SLICE_LIMIT.
    pub slice_limit: Signal<Out, Bits<LINE_BITS>>,
    /// SLOT_RESET bit i (level).
    pub slot_reset: Signal<Out, Bit>,
    /// Pulse: FAULT written with bit 0 set.
    pub fault_clear_rd: Signal<Out, Bit>,
    /// Pulse: FAULT written with bit 1 set.
    pub fault_clear_wr: Signal<Out, Bit>,
    /// Pulse: FAULT written with bit 63 set.
    pub fault_clear_count: Signal<Out, Bit>,
    /// Pulse: PREEMPT written with 1.
    pub preempt_request: Signal<Out, Bit>,
    /// Pulse: PREEMPT written with 2.
    pub preempt_release: Signal<Out, Bit>,
    /// PREEMPT_TIMEOUT, cycles.
    pub preempt_timeout: Signal<Out, Bits<TIMEOUT_BITS>>,
}

/// One slot's registers.
#[derive(LogicBlock)]
pub struct SlotFile {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset (synchronous).
    pub reset: Signal<In, Bit>,
    /// The stage-1 request is for this slot.
    pub sel: Signal<In, Bit>,
    /// It is a write.
    pub write: Signal<In, Bit>,
    /// Its register kind.
    pub kind: Signal<In, Bits<KIND_BITS>>,
    /// Its write data.
    pub wdata: Signal<In, Bits<64>>,
    /// This slot's SLOT_RESET bit.
    pub slot_reset: Signal<In, Bit>,
    /// The slot's monitor ports.
    pub port: SlotPorts,
    /// Value of the register read, 0 if none.
    pub rdata: Signal<Out, Bits<64>>,
    /// `port.mmio_timeout`, passed on to the page-wide MMIO_TIMEOUTS counter.
    pub mmio_timeout: Signal<Out, Bit>,
    base: DFF<Bits<64>>,
    limit: DFF<Bits<64>>,
    timeout: DFF<Bits<64>>,
    pack: StatusPack,
    wsel: Signal<Local, Bit>,
    rsel: Signal<Local, Bit>,
    k_base: Constant<Bits<KIND_BITS>>,
    k_limit: Constant<Bits<KIND_BITS>>,
    k_fault: Constant<Bits<KIND_BITS>>,
    k_fault_addr: Constant<Bits<KIND_BITS>>,
    k_preempt: Constant<Bits<KIND_BITS>>,
    k_timeout: Constant<Bits<KIND_BITS>>,
    k_rd_lines: Constant<Bits<KIND_BITS>>,
    k_wr_lines: Constant<Bits<KIND_BITS>>,
    k_weight: Constant<Bits<KIND_BITS>>,
    base_mask: Constant<Bits<64>>,
    limit_mask: Constant<Bits<64>>,
    timeout_mask: Constant<Bits<64>>,
    timeout_reset: Constant<Bits<64>>,
    weight: Constant<Bits<64>>,
    cmd_request: Constant<Bits<64>>,
    cmd_release: Constant<Bits<64>>,
    zero: Constant<Bits<64>>,
    at0: Constant<Bits<6>>,
    clr_rd_at: Constant<Bits<6>>,
    clr_wr_at: Constant<Bits<6>>,
    clr_count_at: Constant<Bits<6>>,
}

fn k<const N: usize>(value: u64) -> Constant<Bits<N>> {
    assert!(
        N >= 64 || value < 1 << N,
        "{value:#x} does not fit {N} bits"
    );
    Constant::new(value.to_bits())
}

impl Default for SlotFile {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            sel: Default::default(),
            write: Default::default(),
            kind: Default::default(),
            wdata: Default::default(),
            slot_reset: Default::default(),
            port: Default::default(),
            rdata: Default::default(),
            mmio_timeout: Default::default(),
            base: Default::default(),
            limit: Default::default(),
            timeout: Default::default(),
            pack: Default::default(),
            wsel: Default::default(),
            rsel: Default::default(),
            k_base: k(slot_kind(SlotReg::SliceBase)),
            k_limit: k(slot_kind(SlotReg::SliceLimit)),
            k_fault: k(slot_kind(SlotReg::Fault)),
            k_fault_addr: k(slot_kind(SlotReg::FaultAddr)),
            k_preempt: k(slot_kind(SlotReg::Preempt)),
            k_timeout: k(slot_kind(SlotReg::PreemptTimeout)),
            k_rd_lines: k(slot_kind(SlotReg::RdLines)),
            k_wr_lines: k(slot_kind(SlotReg::WrLines)),
            k_weight: k(slot_kind(SlotReg::Weight)),
            base_mask: k(slice::BASE_MASK),
            limit_mask: k(slice::LIMIT_MASK),
            timeout_mask: k((1 << TIMEOUT_BITS) - 1),
            timeout_reset: k(PREEMPT_TIMEOUT_RESET),
            weight: k(WEIGHT_VALUE),
            cmd_request: k(preempt::REQUEST),
            cmd_release: k(preempt::RELEASE),
            zero: k(0),
            at0: k(0),
            clr_rd_at: k(fault::READ_BIT.into()),
            clr_wr_at: k(fault::WRITE_BIT.into()),
            clr_count_at: k(fault::CLEAR_COUNT_BIT.into()),
        }
    }
}

impl Logic for SlotFile {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, base, limit, timeout);
        self.pack.fault_rd.next = self.port.fault_rd.val();
        self.pack.fault_wr.next = self.port.fault_wr.val();
        self.pack.fault_count.next = self.port.fault_count.val();
        self.pack.fault_addr.next = self.port.fault_addr.val();
        // SLOT_RESET clears the controller's bits and sets "in reset" at once, as far as a
        // read can tell: the blocks act on it a cycle or two after the write, a read right
        // after it must already see it (design.md §1, requests take effect in order).
        self.pack.preempt_requested.next =
            self.port.preempt_requested.val() & !self.slot_reset.val();
        self.pack.preempt_paused.next = self.port.preempt_paused.val() & !self.slot_reset.val();
        self.pack.drained.next = self.port.drained.val();
        self.pack.preempt_timed_out.next =
            self.port.preempt_timed_out.val() & !self.slot_reset.val();
        self.pack.in_reset.next = self.port.in_reset.val() | self.slot_reset.val();
        self.pack.rd_outstanding.next = self.port.rd_outstanding.val();
        self.pack.wr_outstanding.next = self.port.wr_outstanding.val();

        // Writes: stored registers, masked to their implemented bits.
        self.wsel.next = self.sel.val() & self.write.val();
        self.rsel.next = self.sel.val() & !self.write.val();
        if self.wsel.val() {
            if self.kind.val() == self.k_base.val() {
                self.base.d.next = self.wdata.val() & self.base_mask.val();
            }
            if self.kind.val() == self.k_limit.val() {
                self.limit.d.next = self.wdata.val() & self.limit_mask.val();
            }
            if self.kind.val() == self.k_timeout.val() {
                self.timeout.d.next = self.wdata.val() & self.timeout_mask.val();
            }
        }
        if self.reset.val() {
            self.base.d.next = self.zero.val();
            self.limit.d.next = self.zero.val();
            self.timeout.d.next = self.timeout_reset.val();
        }

        // Writes: strobes, in the cycle after the write request (one cycle long).
        self.port.fault_clear_rd.next = self.wsel.val()
            & (self.kind.val() == self.k_fault.val())
            & self.wdata.val().get_bit(self.clr_rd_at.val().index());
        self.port.fault_clear_wr.next = self.wsel.val()
            & (self.kind.val() == self.k_fault.val())
            & self.wdata.val().get_bit(self.clr_wr_at.val().index());
        self.port.fault_clear_count.next = self.wsel.val()
            & (self.kind.val() == self.k_fault.val())
            & self.wdata.val().get_bit(self.clr_count_at.val().index());
        self.port.preempt_request.next = self.wsel.val()
            & (self.kind.val() == self.k_preempt.val())
            & (self.wdata.val() == self.cmd_request.val());
        self.port.preempt_release.next = self.wsel.val()
            & (self.kind.val() == self.k_preempt.val())
            & (self.wdata.val() == self.cmd_release.val());

        // Stored values out.
        self.port.slice_base.next = self.base.q.val().get_bits::<42>(self.at0.val().index());
        self.port.slice_limit.next = self.limit.q.val().get_bits::<42>(self.at0.val().index());
        self.port.preempt_timeout.next =
            self.timeout.q.val().get_bits::<32>(self.at0.val().index());
        self.port.slot_reset.next = self.slot_reset.val();
        self.mmio_timeout.next = self.port.mmio_timeout.val();

        // Reads.
        self.rdata.next = self.zero.val();
        if self.rsel.val() {
            if self.kind.val() == self.k_base.val() {
                self.rdata.next = self.base.q.val();
            }
            if self.kind.val() == self.k_limit.val() {
                self.rdata.next = self.limit.q.val();
            }
            if self.kind.val() == self.k_fault.val() {
                self.rdata.next = self.pack.fault_word.val();
            }
            if self.kind.val() == self.k_fault_addr.val() {
                self.rdata.next = self.pack.fault_addr_word.val();
            }
            if self.kind.val() == self.k_preempt.val() {
                self.rdata.next = self.pack.preempt_word.val();
            }
            if self.kind.val() == self.k_timeout.val() {
                self.rdata.next = self.timeout.q.val();
            }
            if self.kind.val() == self.k_rd_lines.val() {
                self.rdata.next = self.port.rd_lines.val();
            }
            if self.kind.val() == self.k_wr_lines.val() {
                self.rdata.next = self.port.wr_lines.val();
            }
            if self.kind.val() == self.k_weight.val() {
                self.rdata.next = self.weight.val();
            }
        }
    }
}
