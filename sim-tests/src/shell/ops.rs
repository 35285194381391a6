//! Register-level operations on a simulated shell: monitor registers by slot, slot pages,
//! STATE/CTL, slices and slot reset. Offsets come from optimus-regs.

use super::ShellSim;
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::monitor::{GlobalReg, SlotReg, slot_reg};
use optimus_regs::{Slot, slot_page_base};

fn slot(i: usize) -> Slot {
    Slot::new(i).expect("slot index below 16")
}

impl ShellSim {
    /// Monitor register `reg` of slot `i`.
    pub fn mon(&mut self, i: usize, reg: SlotReg) -> u64 {
        self.mmio_read(slot_reg(slot(i), reg))
    }

    /// Writes monitor register `reg` of slot `i`.
    pub fn set_mon(&mut self, i: usize, reg: SlotReg, value: u64) {
        self.mmio_write(slot_reg(slot(i), reg), value);
    }

    /// A page-wide monitor register.
    pub fn global(&mut self, reg: GlobalReg) -> u64 {
        self.mmio_read(reg.offset())
    }

    /// Gives slot `i` the slice `[base, base + limit)` (cache lines).
    pub fn grant(&mut self, i: usize, base: u64, limit: u64) {
        self.set_mon(i, SlotReg::SliceBase, base);
        self.set_mon(i, SlotReg::SliceLimit, limit);
    }

    /// Register at byte `offset` of slot `i`'s accelerator page.
    pub fn acc(&mut self, i: usize, offset: u64) -> u64 {
        self.mmio_read(slot_page_base(slot(i)) + offset)
    }

    /// Writes the register at byte `offset` of slot `i`'s accelerator page.
    pub fn set_acc(&mut self, i: usize, offset: u64, value: u64) {
        self.mmio_write(slot_page_base(slot(i)) + offset, value);
    }

    /// Slot `i`'s STATE.
    pub fn state(&mut self, i: usize) -> u64 {
        self.acc(i, AccelReg::State.offset())
    }

    /// Writes slot `i`'s CTL.
    pub fn ctl(&mut self, i: usize, ctl: Ctl) {
        self.set_acc(i, AccelReg::Ctl.offset(), ctl as u64);
    }

    /// Polls slot `i`'s STATE every `every` cycles until it is `want`; the cycles it took, or
    /// `None` after `limit` cycles.
    pub fn wait_state(&mut self, i: usize, want: State, limit: u64, every: u64) -> Option<u64> {
        self.run_until(limit, every, |s| s.state(i) == want as u64)
    }

    /// Sets or clears slot `i`'s SLOT_RESET bit (the others unchanged).
    pub fn slot_reset(&mut self, i: usize, on: bool) {
        let v = self.global(GlobalReg::SlotReset);
        let v = if on { v | 1 << i } else { v & !(1 << i) };
        self.mmio_write(GlobalReg::SlotReset.offset(), v);
    }
}
