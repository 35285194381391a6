//! `AccelFrame`: the register page every accelerator shares (design.md §4): DFH, ACCEL_ID,
//! STATE/CTL, STATE_SIZE, SNAPSHOT_ADDR and eight application registers, every offset from
//! [`optimus_regs::accel`].
//!
//! ```text
//!  mmio_* ──► [stage 1: valid, write, addr, tid, wdata] ──► decode ──► read mux ──► [stage 2] ──► mmio_rsp_*
//!                                    │                         ▲
//!                                    ├─ write ─► SNAPSHOT_ADDR, app[i] (R/W ones)
//!                                    └─ CTL = 1 / 5 / 6 ─► start_new / start_resume / pause
//!                                                             ▲ state, app_ro[i]
//! ```
//!
//! * **Decode** (byte offset = `mmio_addr`·4): DFH ([`ACCEL_DFH`]), ACCEL_ID_L/H (the
//!   constructor's id), STATE (read; the engine's `state`, zero-extended) / CTL (write),
//!   STATE_SIZE (the constructor's size), SNAPSHOT_ADDR (R/W, all 64 bits stored), and
//!   application register `i` at `APP_BASE + 8·i`: a writable one is stored here and read back,
//!   a read-only one reads `app_ro[i]` and ignores writes. Odd word addresses and every other
//!   offset read 0 and ignore writes; writes to read-only header registers are ignored.
//! * **CTL.** A write of exactly 1 / 5 / 6 gives a one-cycle `start_new` / `start_resume` /
//!   `pause` pulse; other values are ignored. `pause` is also high whenever `pause_in` is
//!   (combinational pass-through of the preemption controller's pulse).
//! * **Timing.** A request presented in cycle t is registered (stage 1, cycle t + 1); a write
//!   takes effect at the end of t + 1 and its pulse is high during t + 1. A read is answered
//!   in cycle t + 2 exactly ([`MMIO_LATENCY`](super::MMIO_LATENCY)), in order, and sees every
//!   write presented before t; STATE and `app_ro` are sampled in t + 1.
//! * **Reset** (synchronous): SNAPSHOT_ADDR and the stored application registers = 0, the
//!   pipeline is emptied (no response to a read in flight), no pulse.
//!
//! ### Inputs
//! `clock`, `reset`; `mmio_valid`, `mmio_write`, `mmio_addr` (page-relative, 4-byte units),
//! `mmio_tid`, `mmio_wdata`; `state` (STATE as the engine reports it); `pause_in` (the
//! preemption controller's pulse); `app_ro[i]` (value of read-only application register i;
//! ignored for writable ones, tie unused ones to 0).
//! ### Outputs
//! `mmio_rsp_valid`, `mmio_rsp_tid`, `mmio_rsp_data` (registered); `start_new`,
//! `start_resume`, `pause` (pulses); `snapshot_addr`; `app[i]` (stored value of application
//! register i, 0 for read-only ones).

use crate::shell::concat::Concat;
use crate::shell::k;
use optimus_regs::MMIO_UNIT_BYTES;
use optimus_regs::accel::{ACCEL_DFH, APP_REGS, AccelReg, Ctl, app_offset};
use rust_hdl::prelude::*;

/// Width of the page-relative MMIO word address.
pub const ADDR_BITS: usize = 10;
/// Width of the MMIO transaction id.
pub const TID_BITS: usize = 9;
/// Width of the STATE value on the `state` port.
pub const STATE_BITS: usize = 3;

const _: () = assert!(APP_REGS == 8);

/// The word address (4-byte units) of byte offset `offset`.
fn word(offset: u64) -> Constant<Bits<ADDR_BITS>> {
    k(offset / MMIO_UNIT_BYTES)
}

/// The register page of one accelerator.
#[derive(LogicBlock)]
pub struct AccelFrame {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// An MMIO request for this page.
    pub mmio_valid: Signal<In, Bit>,
    /// It is a write (else a read).
    pub mmio_write: Signal<In, Bit>,
    /// Page-relative word address, 4-byte units.
    pub mmio_addr: Signal<In, Bits<ADDR_BITS>>,
    /// Transaction id.
    pub mmio_tid: Signal<In, Bits<TID_BITS>>,
    /// Write data.
    pub mmio_wdata: Signal<In, Bits<64>>,
    /// Read response, 2 cycles after the request.
    pub mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub mmio_rsp_tid: Signal<Out, Bits<TID_BITS>>,
    /// Its data.
    pub mmio_rsp_data: Signal<Out, Bits<64>>,
    /// STATE as the engine reports it.
    pub state: Signal<In, Bits<STATE_BITS>>,
    /// The preemption controller's pause pulse.
    pub pause_in: Signal<In, Bit>,
    /// One-cycle pulse: CTL written with 1.
    pub start_new: Signal<Out, Bit>,
    /// One-cycle pulse: CTL written with 5.
    pub start_resume: Signal<Out, Bit>,
    /// One-cycle pulse: CTL written with 6, or `pause_in`.
    pub pause: Signal<Out, Bit>,
    /// SNAPSHOT_ADDR.
    pub snapshot_addr: Signal<Out, Bits<64>>,
    /// Application register i (`APP_BASE + 8·i`): stored value, 0 for read-only ones.
    pub app: Vec<Signal<Out, Bits<64>>>,
    /// Value read for read-only application register i (ignored for read/write ones).
    pub app_ro: Vec<Signal<In, Bits<64>>>,
    v1: DFF<Bit>,
    wr1: DFF<Bit>,
    addr1: DFF<Bits<ADDR_BITS>>,
    tid1: DFF<Bits<TID_BITS>>,
    wdata1: DFF<Bits<64>>,
    snap: DFF<Bits<64>>,
    app_q: Vec<DFF<Bits<64>>>,
    rsp_v: DFF<Bit>,
    rsp_tid: DFF<Bits<TID_BITS>>,
    rsp_data: DFF<Bits<64>>,
    state64: Concat<STATE_BITS, 61, 64>,
    wr_go: Signal<Local, Bit>,
    ctl_wr: Signal<Local, Bit>,
    rdata: Signal<Local, Bits<64>>,
    w_dfh: Constant<Bits<ADDR_BITS>>,
    w_id_l: Constant<Bits<ADDR_BITS>>,
    w_id_h: Constant<Bits<ADDR_BITS>>,
    w_state: Constant<Bits<ADDR_BITS>>,
    w_size: Constant<Bits<ADDR_BITS>>,
    w_snap: Constant<Bits<ADDR_BITS>>,
    w_app: Vec<Constant<Bits<ADDR_BITS>>>,
    writable: Vec<Constant<Bit>>,
    dfh: Constant<Bits<64>>,
    id_l: Constant<Bits<64>>,
    id_h: Constant<Bits<64>>,
    state_size: Constant<Bits<64>>,
    ctl_new: Constant<Bits<64>>,
    ctl_resume: Constant<Bits<64>>,
    ctl_pause: Constant<Bits<64>>,
    zero: Constant<Bits<64>>,
    zero61: Constant<Bits<61>>,
}

impl AccelFrame {
    /// The frame of an accelerator whose ACCEL_ID is `accel_id` (`[L, H]`), whose snapshot
    /// needs `state_size` bytes (a multiple of 64), and whose application register i is
    /// read/write when `writable[i]` (else read-only, its value from `app_ro[i]`).
    pub fn new(accel_id: [u64; 2], state_size: u64, writable: [bool; 8]) -> Self {
        assert!(
            state_size % 64 == 0,
            "STATE_SIZE is a whole number of lines"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mmio_valid: Default::default(),
            mmio_write: Default::default(),
            mmio_addr: Default::default(),
            mmio_tid: Default::default(),
            mmio_wdata: Default::default(),
            mmio_rsp_valid: Default::default(),
            mmio_rsp_tid: Default::default(),
            mmio_rsp_data: Default::default(),
            state: Default::default(),
            pause_in: Default::default(),
            start_new: Default::default(),
            start_resume: Default::default(),
            pause: Default::default(),
            snapshot_addr: Default::default(),
            app: (0..APP_REGS).map(|_| Default::default()).collect(),
            app_ro: (0..APP_REGS).map(|_| Default::default()).collect(),
            v1: Default::default(),
            wr1: Default::default(),
            addr1: Default::default(),
            tid1: Default::default(),
            wdata1: Default::default(),
            snap: Default::default(),
            app_q: (0..APP_REGS).map(|_| Default::default()).collect(),
            rsp_v: Default::default(),
            rsp_tid: Default::default(),
            rsp_data: Default::default(),
            state64: Default::default(),
            wr_go: Default::default(),
            ctl_wr: Default::default(),
            rdata: Default::default(),
            w_dfh: word(AccelReg::Dfh.offset()),
            w_id_l: word(AccelReg::AccelIdL.offset()),
            w_id_h: word(AccelReg::AccelIdH.offset()),
            w_state: word(AccelReg::State.offset()),
            w_size: word(AccelReg::StateSize.offset()),
            w_snap: word(AccelReg::SnapshotAddr.offset()),
            w_app: (0..APP_REGS).map(|i| word(app_offset(i))).collect(),
            writable: writable.iter().map(|&w| Constant::new(w)).collect(),
            dfh: k(ACCEL_DFH),
            id_l: k(accel_id[0]),
            id_h: k(accel_id[1]),
            state_size: k(state_size),
            ctl_new: k(Ctl::StartNew as u64),
            ctl_resume: k(Ctl::StartResume as u64),
            ctl_pause: k(Ctl::Pause as u64),
            zero: k(0),
            zero61: k(0),
        }
    }
}

impl Logic for AccelFrame {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, v1, wr1, addr1, tid1, wdata1, snap, rsp_v, rsp_tid, rsp_data
        );
        // Stage 0: register the request.
        self.v1.d.next = self.mmio_valid.val();
        self.wr1.d.next = self.mmio_write.val();
        self.addr1.d.next = self.mmio_addr.val();
        self.tid1.d.next = self.mmio_tid.val();
        self.wdata1.d.next = self.mmio_wdata.val();

        // Stage 1: writes, pulses and the read mux.
        self.wr_go.next = self.v1.q.val() & self.wr1.q.val() & !self.reset.val();
        self.ctl_wr.next = self.wr_go.val() & (self.addr1.q.val() == self.w_state.val());
        self.start_new.next = self.ctl_wr.val() & (self.wdata1.q.val() == self.ctl_new.val());
        self.start_resume.next = self.ctl_wr.val() & (self.wdata1.q.val() == self.ctl_resume.val());
        self.pause.next = (self.ctl_wr.val() & (self.wdata1.q.val() == self.ctl_pause.val()))
            | self.pause_in.val();
        if self.wr_go.val() & (self.addr1.q.val() == self.w_snap.val()) {
            self.snap.d.next = self.wdata1.q.val();
        }
        self.snapshot_addr.next = self.snap.q.val();
        self.state64.lo.next = self.state.val();
        self.state64.hi.next = self.zero61.val();

        self.rdata.next = self.zero.val();
        if self.addr1.q.val() == self.w_dfh.val() {
            self.rdata.next = self.dfh.val();
        }
        if self.addr1.q.val() == self.w_id_l.val() {
            self.rdata.next = self.id_l.val();
        }
        if self.addr1.q.val() == self.w_id_h.val() {
            self.rdata.next = self.id_h.val();
        }
        if self.addr1.q.val() == self.w_state.val() {
            self.rdata.next = self.state64.out.val();
        }
        if self.addr1.q.val() == self.w_size.val() {
            self.rdata.next = self.state_size.val();
        }
        if self.addr1.q.val() == self.w_snap.val() {
            self.rdata.next = self.snap.q.val();
        }
        for i in 0..self.app_q.len() {
            self.app_q[i].clock.next = self.clock.val();
            self.app_q[i].d.next = self.app_q[i].q.val();
            if self.wr_go.val()
                & self.writable[i].val()
                & (self.addr1.q.val() == self.w_app[i].val())
            {
                self.app_q[i].d.next = self.wdata1.q.val();
            }
            if self.reset.val() {
                self.app_q[i].d.next = self.zero.val();
            }
            self.app[i].next = self.app_q[i].q.val();
            if self.addr1.q.val() == self.w_app[i].val() {
                if self.writable[i].val() {
                    self.rdata.next = self.app_q[i].q.val();
                } else {
                    self.rdata.next = self.app_ro[i].val();
                }
            }
        }

        // Stage 2: the response.
        self.rsp_v.d.next = self.v1.q.val() & !self.wr1.q.val();
        self.rsp_tid.d.next = self.tid1.q.val();
        self.rsp_data.d.next = self.rdata.val();
        self.mmio_rsp_valid.next = self.rsp_v.q.val();
        self.mmio_rsp_tid.next = self.rsp_tid.q.val();
        self.mmio_rsp_data.next = self.rsp_data.q.val();

        if self.reset.val() {
            self.v1.d.next = false;
            self.rsp_v.d.next = false;
            self.snap.d.next = self.zero.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit_block::{verilator_lint, yosys_check};

    fn frame_verilog() -> String {
        let mut f = AccelFrame::new(
            [0x1234, 0x5678],
            128,
            [true, false, true, true, false, false, true, false],
        );
        f.connect_all();
        crate::emit_block::block_verilog(&f, "optimus_accel_frame", "accel::frame")
            .expect("the frame emits")
    }

    #[test]
    fn frame_is_synthesizable_and_lints_clean() {
        let v = frame_verilog();
        match yosys_check(&v, "optimus_accel_frame") {
            Ok(_) => {}
            Err(log) => panic!("yosys rejects the frame:\n{log}"),
        }
        match verilator_lint(&v, "optimus_accel_frame") {
            Ok(_) => {}
            Err(log) => panic!("verilator lint:\n{log}"),
        }
    }
}
