//! The Hasher accelerator: a compute-bound example. It reads a buffer, applies ROUNDS mixing
//! rounds to every word of every line and writes a one-line digest
//! (`optimus_regs::hasher` defines the function exactly; docs/hasher.md).
//!
//! ```text
//!  mmio_* ◄──► AccelFrame ── SRC_ADDR, LINES, ROUNDS, DST_ADDR, SEED, SNAPSHOT_ADDR, CTL pulses ─┐
//!                  ▲ DONE_LINES, CYCLES, DIGEST_XOR, STATE                                      ▼
//!                  └──────────────────────────────────────────────────────────── HashEngine
//!   rd_req_* ◄── Reader (16-line credit, line index from mdata, keying) ◄── rd_rsp_*    │
//!                  └─► Mixer (16-line buffer, one 8-word round unit, digest) ─► wr_req_* ◄┘
//! ```
//!
//! * **Ports**: exactly the slot-side ports of [`crate::accel`]; the register page is the
//!   shared [`AccelFrame`] (ACCEL_ID [`ACCEL_ID`], STATE_SIZE 128), application registers
//!   from [`optimus_regs::hasher::REGS`].
//! * **Job**: START_NEW with SRC_ADDR and DST_ADDR 64-byte aligned, LINES ≥ 1 and ROUNDS in
//!   1..=255 latches them and runs; otherwise STATE stays idle. Reads are 4-line where the
//!   address is 4-aligned and 4 lines remain, else 1-line, issued while the 16-line credit
//!   (in flight + buffered) and `c0_almfull` allow. When every line is mixed, the digest is
//!   written at DST_ADDR (one 1-line write); after its response STATE is finished.
//! * **Timing**: one line per ROUNDS cycles in the round unit, so one line per cycle at
//!   ROUNDS = 1 when reads keep up. Measured (LINES = 64, no almfull): see docs/hasher.md.
//!   A CTL write shows in STATE within 3 cycles; MMIO reads are answered after
//!   [`MMIO_LATENCY`](crate::accel::MMIO_LATENCY) cycles by the frame.
//! * **Pause/resume**: see [`engine`]; snapshot layout in `optimus_regs::hasher::snapshot`
//!   (two lines at SNAPSHOT_ADDR, written and read as two 1-line requests, so 64-byte
//!   alignment is enough).
//!
//! ### Inputs
//! `clock`, `reset`, `pause`, `mmio_valid`, `mmio_write`, `mmio_addr`, `mmio_tid`,
//! `mmio_wdata`, `c0_almfull`, `c1_almfull`, `rd_rsp_*`, `wr_rsp_*`.
//! ### Outputs
//! `state`, `mmio_rsp_*`, `rd_req_*`, `wr_req_*`, all registered.

#[path = "hasher_engine.rs"]
pub mod engine;
#[path = "hasher_lanes.rs"]
pub mod lanes;
#[path = "hasher_mixer.rs"]
pub mod mixer;
#[path = "hasher_reader.rs"]
pub mod reader;

use super::frame::AccelFrame;
use engine::HashEngine;
use optimus_regs::hasher::{ACCEL_ID, ACCEL_ID_H, ACCEL_ID_L, HasherReg, WRITABLE, snapshot};
use rust_hdl::prelude::*;

const SRC: usize = HasherReg::SrcAddr.index();
const LINES: usize = HasherReg::Lines.index();
const ROUNDS: usize = HasherReg::Rounds.index();
const DST: usize = HasherReg::DstAddr.index();
const SEED: usize = HasherReg::Seed.index();
const DONE: usize = HasherReg::DoneLines.index();
const CYCLES: usize = HasherReg::Cycles.index();
const XOR: usize = HasherReg::DigestXor.index();

/// Name of the emitted top module.
pub const TOP: &str = "optimus_acc_hasher";

/// The Hasher accelerator, slot-side ports.
#[derive(LogicBlock)]
pub struct Hasher {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset or SLOT_RESET.
    pub reset: Signal<In, Bit>,
    /// The preemption controller's pause pulse.
    pub pause: Signal<In, Bit>,
    /// STATE.
    pub state: Signal<Out, Bits<3>>,
    /// MMIO request.
    pub mmio_valid: Signal<In, Bit>,
    /// It is a write.
    pub mmio_write: Signal<In, Bit>,
    /// Page-relative word address.
    pub mmio_addr: Signal<In, Bits<10>>,
    /// Transaction id.
    pub mmio_tid: Signal<In, Bits<9>>,
    /// Write data.
    pub mmio_wdata: Signal<In, Bits<64>>,
    /// Read response.
    pub mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub mmio_rsp_tid: Signal<Out, Bits<9>>,
    /// Its data.
    pub mmio_rsp_data: Signal<Out, Bits<64>>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full, write beats.
    pub c1_almfull: Signal<In, Bit>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response.
    pub rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line within the request.
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat.
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub wr_req_addr: Signal<Out, Bits<42>>,
    /// Its request's length code.
    pub wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat.
    pub wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub wr_req_data: Signal<Out, Bits<512>>,
    /// Write response.
    pub wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub wr_rsp_mdata: Signal<In, Bits<16>>,
    frame: AccelFrame,
    engine: HashEngine,
    unused_app_done: Signal<Local, Bits<64>>,
    unused_app_cycles: Signal<Local, Bits<64>>,
    unused_app_xor: Signal<Local, Bits<64>>,
    zero64: Constant<Bits<64>>,
}

impl Hasher {
    /// A Hasher (it has no parameters).
    pub fn new() -> Self {
        const { assert!(ACCEL_ID_L as u128 | (ACCEL_ID_H as u128) << 64 == ACCEL_ID) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            pause: Default::default(),
            state: Default::default(),
            mmio_valid: Default::default(),
            mmio_write: Default::default(),
            mmio_addr: Default::default(),
            mmio_tid: Default::default(),
            mmio_wdata: Default::default(),
            mmio_rsp_valid: Default::default(),
            mmio_rsp_tid: Default::default(),
            mmio_rsp_data: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            rd_rsp_data: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_addr: Default::default(),
            wr_req_cl_len: Default::default(),
            wr_req_sop: Default::default(),
            wr_req_mdata: Default::default(),
            wr_req_data: Default::default(),
            wr_rsp_valid: Default::default(),
            wr_rsp_mdata: Default::default(),
            frame: AccelFrame::new([ACCEL_ID_L, ACCEL_ID_H], snapshot::STATE_SIZE, WRITABLE),
            engine: Default::default(),
            unused_app_done: Default::default(),
            unused_app_cycles: Default::default(),
            unused_app_xor: Default::default(),
            zero64: Constant::new(0_u64.to_bits()),
        }
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for Hasher {
    #[hdl_gen]
    fn update(&mut self) {
        self.frame.clock.next = self.clock.val();
        self.frame.reset.next = self.reset.val();
        self.frame.mmio_valid.next = self.mmio_valid.val();
        self.frame.mmio_write.next = self.mmio_write.val();
        self.frame.mmio_addr.next = self.mmio_addr.val();
        self.frame.mmio_tid.next = self.mmio_tid.val();
        self.frame.mmio_wdata.next = self.mmio_wdata.val();
        self.mmio_rsp_valid.next = self.frame.mmio_rsp_valid.val();
        self.mmio_rsp_tid.next = self.frame.mmio_rsp_tid.val();
        self.mmio_rsp_data.next = self.frame.mmio_rsp_data.val();
        self.frame.state.next = self.engine.state.val();
        self.frame.pause_in.next = self.pause.val();
        self.state.next = self.engine.state.val();

        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.start_new.next = self.frame.start_new.val();
        self.engine.start_resume.next = self.frame.start_resume.val();
        self.engine.pause.next = self.frame.pause.val();
        self.engine.snapshot_addr.next = self.frame.snapshot_addr.val();
        // Application registers by their index in optimus-regs (one-pass loops: rust-hdl
        // resolves a constant index only as a loop variable).
        for i in SRC..(SRC + 1) {
            self.engine.src_addr.next = self.frame.app[i].val();
        }
        for i in LINES..(LINES + 1) {
            self.engine.lines.next = self.frame.app[i].val();
        }
        for i in ROUNDS..(ROUNDS + 1) {
            self.engine.rounds.next = self.frame.app[i].val();
        }
        for i in DST..(DST + 1) {
            self.engine.dst_addr.next = self.frame.app[i].val();
        }
        for i in SEED..(SEED + 1) {
            self.engine.seed.next = self.frame.app[i].val();
        }
        // The frame reads 0 from its app outputs for read-only registers, and ignores app_ro
        // for writable ones.
        for i in 0..8 {
            self.frame.app_ro[i].next = self.zero64.val();
        }
        for i in DONE..(DONE + 1) {
            self.unused_app_done.next = self.frame.app[i].val();
        }
        for i in CYCLES..(CYCLES + 1) {
            self.unused_app_cycles.next = self.frame.app[i].val();
        }
        for i in XOR..(XOR + 1) {
            self.unused_app_xor.next = self.frame.app[i].val();
        }
        for i in DONE..(DONE + 1) {
            self.frame.app_ro[i].next = self.engine.done_lines.val();
        }
        for i in CYCLES..(CYCLES + 1) {
            self.frame.app_ro[i].next = self.engine.cycles.val();
        }
        for i in XOR..(XOR + 1) {
            self.frame.app_ro[i].next = self.engine.digest_xor.val();
        }

        self.engine.c0_almfull.next = self.c0_almfull.val();
        self.engine.c1_almfull.next = self.c1_almfull.val();
        self.rd_req_valid.next = self.engine.rd_req_valid.val();
        self.rd_req_addr.next = self.engine.rd_req_addr.val();
        self.rd_req_cl_len.next = self.engine.rd_req_cl_len.val();
        self.rd_req_mdata.next = self.engine.rd_req_mdata.val();
        self.engine.rd_rsp_valid.next = self.rd_rsp_valid.val();
        self.engine.rd_rsp_mdata.next = self.rd_rsp_mdata.val();
        self.engine.rd_rsp_cl_num.next = self.rd_rsp_cl_num.val();
        self.engine.rd_rsp_data.next = self.rd_rsp_data.val();
        self.wr_req_valid.next = self.engine.wr_req_valid.val();
        self.wr_req_addr.next = self.engine.wr_req_addr.val();
        self.wr_req_cl_len.next = self.engine.wr_req_cl_len.val();
        self.wr_req_sop.next = self.engine.wr_req_sop.val();
        self.wr_req_mdata.next = self.engine.wr_req_mdata.val();
        self.wr_req_data.next = self.engine.wr_req_data.val();
        self.engine.wr_rsp_valid.next = self.wr_rsp_valid.val();
        self.engine.wr_rsp_mdata.next = self.wr_rsp_mdata.val();
    }
}

/// The complete Verilog of `optimus_acc_hasher` and its submodules.
pub fn hasher_verilog() -> Result<String, String> {
    let mut h = Hasher::new();
    h.connect_all();
    crate::emit_block::block_verilog(&h, TOP, "accel::hasher, docs in hdl/src/accel/hasher.rs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit_block::yosys_check;

    #[test]
    fn hasher_is_synthesizable() {
        let v = hasher_verilog().expect("hasher emits");
        match yosys_check(&v, TOP) {
            Ok(true) => {}
            Ok(false) => println!("SKIPPED: yosys is not installed; structure not checked"),
            Err(log) => panic!("yosys rejects the hasher:\n{log}"),
        }
    }
}
