//! FAULT and FAULT_ADDR of one slot (`shared/design.md` §3): sticky bits, saturating count,
//! first fault address.
//!
//! Each cycle the W1C clears apply first, then this cycle's faults: a fault in the same cycle
//! as a clear of its bit sets it again. FAULT_ADDR is loaded by a fault that finds bits 0 and
//! 1 both clear (after this cycle's clears); if a read and a write fault in the same cycle,
//! the read's line is kept. The count adds 1 per faulting request (2 when both channels fault)
//! and saturates at 0xffff. Only the shell reset clears anything; SLOT_RESET does not.
//!
//! ### Inputs
//! `clock`, `reset`, `clear_rd`, `clear_wr`, `clear_count` (W1C strobes of FAULT bits 0, 1,
//! 63), `rd_fault` + `rd_line`, `wr_fault` + `wr_line` (from the channels).
//! ### Outputs
//! `fault_rd`, `fault_wr`, `fault_count`, `fault_addr` (registers).

use super::k;
use rust_hdl::prelude::*;

/// FAULT / FAULT_ADDR registers.
#[derive(LogicBlock)]
pub struct FaultLog {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset.
    pub reset: Signal<In, Bit>,
    /// Clear FAULT bit 0.
    pub clear_rd: Signal<In, Bit>,
    /// Clear FAULT bit 1.
    pub clear_wr: Signal<In, Bit>,
    /// Clear the count.
    pub clear_count: Signal<In, Bit>,
    /// A faulting read was taken.
    pub rd_fault: Signal<In, Bit>,
    /// Its first out-of-range line.
    pub rd_line: Signal<In, Bits<42>>,
    /// A faulting write was taken.
    pub wr_fault: Signal<In, Bit>,
    /// Its first out-of-range line.
    pub wr_line: Signal<In, Bits<42>>,
    /// FAULT bit 0.
    pub fault_rd: Signal<Out, Bit>,
    /// FAULT bit 1.
    pub fault_wr: Signal<Out, Bit>,
    /// FAULT bits `[47:32]`.
    pub fault_count: Signal<Out, Bits<16>>,
    /// FAULT_ADDR.
    pub fault_addr: Signal<Out, Bits<42>>,
    f_rd: DFF<Bit>,
    f_wr: DFF<Bit>,
    f_cnt: DFF<Bits<16>>,
    f_addr: DFF<Bits<42>>,
    kept_rd: Signal<Local, Bit>,
    kept_wr: Signal<Local, Bit>,
    cnt_base: Signal<Local, Bits<16>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    two16: Constant<Bits<16>>,
    max16: Constant<Bits<16>>,
    zero42: Constant<Bits<42>>,
}

impl Default for FaultLog {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear_rd: Default::default(),
            clear_wr: Default::default(),
            clear_count: Default::default(),
            rd_fault: Default::default(),
            rd_line: Default::default(),
            wr_fault: Default::default(),
            wr_line: Default::default(),
            fault_rd: Default::default(),
            fault_wr: Default::default(),
            fault_count: Default::default(),
            fault_addr: Default::default(),
            f_rd: Default::default(),
            f_wr: Default::default(),
            f_cnt: Default::default(),
            f_addr: Default::default(),
            kept_rd: Default::default(),
            kept_wr: Default::default(),
            cnt_base: Default::default(),
            zero16: k(0),
            one16: k(1),
            two16: k(2),
            max16: k(0xffff),
            zero42: k(0),
        }
    }
}

impl Logic for FaultLog {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, f_rd, f_wr, f_cnt, f_addr);
        self.kept_rd.next = self.f_rd.q.val() & !self.clear_rd.val();
        self.kept_wr.next = self.f_wr.q.val() & !self.clear_wr.val();
        self.f_rd.d.next = self.kept_rd.val() | self.rd_fault.val();
        self.f_wr.d.next = self.kept_wr.val() | self.wr_fault.val();
        if !self.kept_rd.val() & !self.kept_wr.val() {
            if self.wr_fault.val() {
                self.f_addr.d.next = self.wr_line.val();
            }
            if self.rd_fault.val() {
                self.f_addr.d.next = self.rd_line.val();
            }
        }
        self.cnt_base.next = self.f_cnt.q.val();
        if self.clear_count.val() {
            self.cnt_base.next = self.zero16.val();
        }
        self.f_cnt.d.next = self.cnt_base.val();
        if (self.rd_fault.val() | self.wr_fault.val()) & (self.cnt_base.val() != self.max16.val()) {
            self.f_cnt.d.next = self.cnt_base.val() + self.one16.val();
            if self.rd_fault.val()
                & self.wr_fault.val()
                & (self.cnt_base.val() != self.max16.val() - self.one16.val())
            {
                self.f_cnt.d.next = self.cnt_base.val() + self.two16.val();
            }
        }
        self.fault_rd.next = self.f_rd.q.val();
        self.fault_wr.next = self.f_wr.q.val();
        self.fault_count.next = self.f_cnt.q.val();
        self.fault_addr.next = self.f_addr.q.val();

        if self.reset.val() {
            self.f_rd.d.next = false;
            self.f_wr.d.next = false;
            self.f_cnt.d.next = self.zero16.val();
            self.f_addr.d.next = self.zero42.val();
        }
    }
}
