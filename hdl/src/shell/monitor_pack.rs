//! Places one slot's status inputs at their bit positions in the FAULT, FAULT_ADDR and
//! PREEMPT words (design.md §3), positions taken from `optimus-regs`.
//!
//! Wiring only, no logic and no state. `hdl_gen` has no concatenation (widening with
//! `bit_cast` trips Verilator WIDTH), so like [`crate::mux::fifo::RegFifo`] this is a
//! hand-written Verilog body with a Rust model for the rust-hdl simulator.
//!
//! ### Inputs
//! `fault_rd`, `fault_wr`, `fault_count` (16 bits), `fault_addr` (42 bits),
//! `preempt_requested`, `preempt_paused`, `drained`, `preempt_timed_out`, `in_reset`,
//! `rd_outstanding`, `wr_outstanding` (16 bits each).
//! ### Outputs
//! `fault_word` (FAULT: bits 0/1, count in `[47:32]`), `fault_addr_word` (FAULT_ADDR,
//! zero-extended), `preempt_word` (PREEMPT: bits 0–4, reads `[31:16]`, writes `[47:32]`);
//! every other bit 0.

use optimus_regs::LINE_ADDR_BITS;
use optimus_regs::monitor::{fault, preempt};
use rust_hdl::prelude::*;

/// Width of the fault count (FAULT `[47:32]`).
pub const COUNT_BITS: usize = 16;
/// Width of each outstanding count (PREEMPT `[31:16]`, `[47:32]`).
pub const OUTSTANDING_BITS: usize = 16;
/// Width of a line address (FAULT_ADDR).
pub const LINE_BITS: usize = 42;

const _: () = {
    assert!(fault::COUNT_BITS as usize == COUNT_BITS);
    assert!(preempt::OUTSTANDING_BITS as usize == OUTSTANDING_BITS);
    assert!(LINE_ADDR_BITS as usize == LINE_BITS);
};

/// The status words of one slot.
#[derive(LogicBlock, Default)]
pub struct StatusPack {
    /// A read faulted (sticky, owned by the auditor).
    pub fault_rd: Signal<In, Bit>,
    /// A write faulted.
    pub fault_wr: Signal<In, Bit>,
    /// Faulting requests (saturating).
    pub fault_count: Signal<In, Bits<COUNT_BITS>>,
    /// First out-of-range line.
    pub fault_addr: Signal<In, Bits<LINE_BITS>>,
    /// Preemption requested.
    pub preempt_requested: Signal<In, Bit>,
    /// Accelerator paused.
    pub preempt_paused: Signal<In, Bit>,
    /// Nothing of the slot outstanding.
    pub drained: Signal<In, Bit>,
    /// Preemption timed out.
    pub preempt_timed_out: Signal<In, Bit>,
    /// Slot in reset or draining after it.
    pub in_reset: Signal<In, Bit>,
    /// Outstanding read lines.
    pub rd_outstanding: Signal<In, Bits<OUTSTANDING_BITS>>,
    /// Outstanding write requests.
    pub wr_outstanding: Signal<In, Bits<OUTSTANDING_BITS>>,
    /// FAULT.
    pub fault_word: Signal<Out, Bits<64>>,
    /// FAULT_ADDR.
    pub fault_addr_word: Signal<Out, Bits<64>>,
    /// PREEMPT (read).
    pub preempt_word: Signal<Out, Bits<64>>,
}

fn bit(b: bool, at: u32) -> u64 {
    u64::from(b) << at
}

impl Logic for StatusPack {
    fn update(&mut self) {
        let f = bit(self.fault_rd.val(), fault::READ_BIT)
            | bit(self.fault_wr.val(), fault::WRITE_BIT)
            | (self.fault_count.val().to_u64() << fault::COUNT_LSB);
        let p = bit(self.preempt_requested.val(), preempt::REQUESTED_BIT)
            | bit(self.preempt_paused.val(), preempt::PAUSED_BIT)
            | bit(self.drained.val(), preempt::DRAINED_BIT)
            | bit(self.preempt_timed_out.val(), preempt::TIMED_OUT_BIT)
            | bit(self.in_reset.val(), preempt::IN_RESET_BIT)
            | (self.rd_outstanding.val().to_u64() << preempt::RD_OUTSTANDING_LSB)
            | (self.wr_outstanding.val().to_u64() << preempt::WR_OUTSTANDING_LSB);
        self.fault_word.next = f.to_bits();
        self.fault_addr_word.next = self.fault_addr.val().to_u64().to_bits();
        self.preempt_word.next = p.to_bits();
    }

    fn connect(&mut self) {
        self.fault_word.connect();
        self.fault_addr_word.connect();
        self.preempt_word.connect();
    }

    fn hdl(&self) -> Verilog {
        let field = |lsb: u32, width: usize| format!("[{}:{lsb}]", lsb as usize + width - 1);
        Verilog::Custom(format!(
            "\
always @(*) begin
   fault_word = 64'd0;
   fault_word[{f_rd}] = fault_rd;
   fault_word[{f_wr}] = fault_wr;
   fault_word{f_count} = fault_count;
   fault_addr_word = 64'd0;
   fault_addr_word{line} = fault_addr;
   preempt_word = 64'd0;
   preempt_word[{p_req}] = preempt_requested;
   preempt_word[{p_paused}] = preempt_paused;
   preempt_word[{p_drained}] = drained;
   preempt_word[{p_to}] = preempt_timed_out;
   preempt_word[{p_rst}] = in_reset;
   preempt_word{p_rd} = rd_outstanding;
   preempt_word{p_wr} = wr_outstanding;
end
",
            f_rd = fault::READ_BIT,
            f_wr = fault::WRITE_BIT,
            f_count = field(fault::COUNT_LSB, COUNT_BITS),
            line = field(0, LINE_BITS),
            p_req = preempt::REQUESTED_BIT,
            p_paused = preempt::PAUSED_BIT,
            p_drained = preempt::DRAINED_BIT,
            p_to = preempt::TIMED_OUT_BIT,
            p_rst = preempt::IN_RESET_BIT,
            p_rd = field(preempt::RD_OUTSTANDING_LSB, OUTSTANDING_BITS),
            p_wr = field(preempt::WR_OUTSTANDING_LSB, OUTSTANDING_BITS),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_land_where_design_md_puts_them() {
        let mut p = StatusPack::default();
        p.connect_all();
        p.fault_rd.next = true;
        p.fault_count.next = 0xabcd_u64.to_bits();
        p.fault_addr.next = 0x3ff_1234_5678_u64.to_bits();
        p.preempt_paused.next = true;
        p.in_reset.next = true;
        p.rd_outstanding.next = 0x1234_u64.to_bits();
        p.wr_outstanding.next = 0x5678_u64.to_bits();
        assert!(simulate(&mut p, 10));
        assert_eq!(p.fault_word.val().to_u64(), 0x0000_abcd_0000_0001);
        assert_eq!(p.fault_addr_word.val().to_u64(), 0x3ff_1234_5678);
        assert_eq!(p.preempt_word.val().to_u64(), 0x0000_5678_1234_0012);
        let v = p.hdl();
        let Verilog::Custom(text) = v else {
            panic!("custom Verilog expected")
        };
        assert!(text.contains("fault_word[47:32] = fault_count;"));
        assert!(text.contains("preempt_word[31:16] = rd_outstanding;"));
    }
}
