//! Rogue: the accelerator that misbehaves on command, for the shell's isolation tests. It has
//! exactly the slot-side ports of [`super`] and the common register page
//! ([`AccelFrame`]); its application registers are in [`optimus_regs::rogue`].
//!
//! ```text
//!  mmio_* ──► AccelFrame ──(muted?)──► mmio_rsp_*
//!               │ MODE, TARGET_ADDR, SPAN_LINES, COUNT, SNAPSHOT_ADDR, CTL pulses, pause
//!               ▼                    ▲ ISSUED, DONE, CHECKSUM, STATE
//!  c0/c1_almfull ──► RogueEngine ──► rd_req_*, wr_req_* (addresses, framing)
//!  rd_rsp_*, wr_rsp_* ──►  │  ▲
//!                          ▼  │
//!                       RogueLines ──► wr_req_data (pattern or snapshot), read sums
//! ```
//!
//! **What it does.** START_NEW (refused, STATE stays idle, when SPAN_LINES is 0) clears the
//! counters and runs two independent streams, reads (MODE.READ) and writes (MODE.WRITE).
//! Each issues COUNT requests (0: until paused or reset) at `target + off` where target =
//! TARGET_ADDR / 64 and `off` cycles 0, L, 2L, … below SPAN_LINES; L = 4 when SPAN_LINES is a
//! multiple of 4 and the target line is 4-aligned, else 1
//! ([`request_lines`](optimus_regs::rogue::request_lines)). Without MODE.FLOOD each stream
//! keeps one request outstanding at a time; with it, a request (write beat) is valid in every
//! cycle almfull allows, including the 8 beats of slack after almfull is seen high and never
//! a ninth. Every 64-bit word of a line written is `0xBAD0_0000_0000_0000 | line` (the
//! slot-relative line address). The job finishes (STATE 2) when every enabled stream has
//! issued COUNT requests and everything is answered (COUNT = 0 never finishes). MODE, TARGET,
//! SPAN and COUNT are read live, not latched at START.
//!
//! **Counters** (32 bits, wrapping; CHECKSUM 64): ISSUED = requests of both streams, DONE =
//! read lines returned + write requests acknowledged, CHECKSUM = wrapping sum of every 64-bit
//! word read (a faulting read's all-ones lines count as such).
//!
//! **Pause** (CTL = PAUSE or the `pause` port) while running, unless MODE.IGNORE_PAUSE: stop
//! issuing, finish the open write packet, wait for every answer, write the snapshot line
//! ([`snapshot`](optimus_regs::rogue::snapshot): issued counts, DONE, CHECKSUM, stream offsets;
//! STATE_SIZE 64) at SNAPSHOT_ADDR, wait for its write response, then STATE = paused. With
//! IGNORE_PAUSE it keeps running and issuing. START_RESUME from idle, finished or paused reads
//! the snapshot line back and continues from it. The snapshot's own write and read carry
//! `mdata` = 1 and count neither in ISSUED nor in DONE; stream requests carry `mdata` 0.
//!
//! **MUTE_MMIO.** Once the engine runs with MODE.MUTE_MMIO set, MMIO read responses are
//! suppressed (the frame still decodes writes) until `reset`: the MMIO guard's problem.
//!
//! **Timing.** Every request field is a register; `wr_req_data` is a function of registers
//! (the beat's address and the snapshot counters). STATE follows CTL within 3 cycles; MMIO
//! reads are answered 2 cycles after the request (unless muted).
//!
//! ### Inputs / Outputs
//! The slot-side ports of [`super`]: `clock`, `reset`, `pause`, `state`, `mmio_*`,
//! `c0_almfull`, `c1_almfull`, `rd_req_*`, `rd_rsp_*`, `wr_req_*`, `wr_rsp_*`.

#[path = "rogue_engine.rs"]
pub mod rogue_engine;
#[path = "rogue_issue.rs"]
pub mod rogue_issue;
#[path = "rogue_lines.rs"]
pub mod rogue_lines;
#[path = "rogue_stream.rs"]
pub mod rogue_stream;

use super::frame::AccelFrame;
use crate::shell::concat::Concat;
use crate::shell::k;
use optimus_regs::accel::APP_REGS;
use optimus_regs::rogue::{ACCEL_ID, RogueReg, STATE_SIZE, mode};
use rogue_engine::RogueEngine;
use rogue_lines::RogueLines;
use rust_hdl::prelude::*;

const MODE: usize = RogueReg::Mode.app_index();
const TARGET: usize = RogueReg::TargetAddr.app_index();
const SPAN: usize = RogueReg::SpanLines.app_index();
const COUNT: usize = RogueReg::Count.app_index();
/// Byte address >> 6 = line address (design.md §1).
const LINE_SHIFT: u64 = 6;
const ISSUED: usize = RogueReg::Issued.app_index();
const DONE: usize = RogueReg::Done.app_index();
const CHECKSUM: usize = RogueReg::Checksum.app_index();

/// The Rogue accelerator.
#[derive(LogicBlock)]
pub struct Rogue {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset OR SLOT_RESET (synchronous, level).
    pub reset: Signal<In, Bit>,
    /// Pause pulse from the preemption controller.
    pub pause: Signal<In, Bit>,
    /// STATE.
    pub state: Signal<Out, Bits<3>>,
    /// MMIO request.
    pub mmio_valid: Signal<In, Bit>,
    /// It is a write.
    pub mmio_write: Signal<In, Bit>,
    /// Page-relative word address (4-byte units).
    pub mmio_addr: Signal<In, Bits<10>>,
    /// Transaction id.
    pub mmio_tid: Signal<In, Bits<9>>,
    /// Write data.
    pub mmio_wdata: Signal<In, Bits<64>>,
    /// MMIO read response.
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
    /// Its line index.
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
    eng: RogueEngine,
    lines: RogueLines,
    muted: DFF<Bit>,
    issued64: Concat<32, 32, 64>,
    done64: Concat<32, 32, 64>,
    mode: Signal<Local, Bits<64>>,
    unused: Signal<Local, Bit>,
    target: Signal<Local, Bits<64>>,
    span: Signal<Local, Bits<64>>,
    count: Signal<Local, Bits<64>>,
    read_at: Constant<Bits<6>>,
    write_at: Constant<Bits<6>>,
    flood_at: Constant<Bits<6>>,
    ignore_at: Constant<Bits<6>>,
    mute_at: Constant<Bits<6>>,
    line_at: Constant<Bits<6>>,
    zero32: Constant<Bits<32>>,
    zero64: Constant<Bits<64>>,
}

impl Default for Rogue {
    fn default() -> Self {
        let mut writable = [false; 8];
        for r in [
            RogueReg::Mode,
            RogueReg::TargetAddr,
            RogueReg::SpanLines,
            RogueReg::Count,
        ] {
            writable[r.app_index()] = true;
        }
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
            frame: AccelFrame::new(ACCEL_ID, STATE_SIZE, writable),
            eng: Default::default(),
            lines: Default::default(),
            muted: Default::default(),
            issued64: Default::default(),
            done64: Default::default(),
            mode: Default::default(),
            unused: Default::default(),
            target: Default::default(),
            span: Default::default(),
            count: Default::default(),
            read_at: k(mode::READ_BIT.into()),
            write_at: k(mode::WRITE_BIT.into()),
            flood_at: k(mode::FLOOD_BIT.into()),
            ignore_at: k(mode::IGNORE_PAUSE_BIT.into()),
            mute_at: k(mode::MUTE_MMIO_BIT.into()),
            line_at: k(LINE_SHIFT),
            zero32: k(0),
            zero64: k(0),
        }
    }
}

impl Logic for Rogue {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, muted);
        // The register page.
        self.frame.clock.next = self.clock.val();
        self.frame.reset.next = self.reset.val();
        self.frame.mmio_valid.next = self.mmio_valid.val();
        self.frame.mmio_write.next = self.mmio_write.val();
        self.frame.mmio_addr.next = self.mmio_addr.val();
        self.frame.mmio_tid.next = self.mmio_tid.val();
        self.frame.mmio_wdata.next = self.mmio_wdata.val();
        self.frame.state.next = self.eng.state.val();
        self.frame.pause_in.next = self.pause.val();
        self.issued64.lo.next = self.eng.issued.val();
        self.issued64.hi.next = self.zero32.val();
        self.done64.lo.next = self.eng.done.val();
        self.done64.hi.next = self.zero32.val();
        // Indices must be literals or loop variables in rust-hdl: one-pass loops bind them.
        for i in 0..8 {
            self.frame.app_ro[i].next = self.zero64.val();
        }
        for i in ISSUED..(ISSUED + 1) {
            self.frame.app_ro[i].next = self.issued64.out.val();
        }
        for i in DONE..(DONE + 1) {
            self.frame.app_ro[i].next = self.done64.out.val();
        }
        for i in CHECKSUM..(CHECKSUM + 1) {
            self.frame.app_ro[i].next = self.eng.checksum.val();
        }
        for i in MODE..(MODE + 1) {
            self.mode.next = self.frame.app[i].val();
        }
        for i in TARGET..(TARGET + 1) {
            self.target.next = self.frame.app[i].val();
        }
        for i in SPAN..(SPAN + 1) {
            self.span.next = self.frame.app[i].val();
        }
        for i in COUNT..(COUNT + 1) {
            self.count.next = self.frame.app[i].val();
        }
        // Bits Rogue ignores (higher bits of MODE, TARGET_ADDR, SPAN_LINES, COUNT and
        // SNAPSHOT_ADDR; the frame's zero outputs for read-only registers), folded into one
        // wire named as Verilator's lint expects of intentionally unused signals.
        self.unused.next = self.mode.val().xor()
            ^ self.target.val().xor()
            ^ self.span.val().xor()
            ^ self.count.val().xor()
            ^ self.frame.snapshot_addr.val().xor();
        for i in ISSUED..APP_REGS {
            self.unused.next = self.unused.val() ^ self.frame.app[i].val().xor();
        }
        // MUTE_MMIO: from the first running cycle with the bit set until reset.
        self.muted.d.next = self.muted.q.val()
            | (self.eng.running.val() & self.mode.val().get_bit(self.mute_at.val().index()));
        if self.reset.val() {
            self.muted.d.next = false;
        }
        self.mmio_rsp_valid.next = self.frame.mmio_rsp_valid.val() & !self.muted.q.val();
        self.mmio_rsp_tid.next = self.frame.mmio_rsp_tid.val();
        self.mmio_rsp_data.next = self.frame.mmio_rsp_data.val();

        // The engine.
        self.eng.clock.next = self.clock.val();
        self.eng.reset.next = self.reset.val();
        self.eng.start_new.next = self.frame.start_new.val();
        self.eng.start_resume.next = self.frame.start_resume.val();
        self.eng.pause.next = self.frame.pause.val();
        self.eng.mode_read.next = self.mode.val().get_bit(self.read_at.val().index());
        self.eng.mode_write.next = self.mode.val().get_bit(self.write_at.val().index());
        self.eng.mode_flood.next = self.mode.val().get_bit(self.flood_at.val().index());
        self.eng.mode_ignore_pause.next = self.mode.val().get_bit(self.ignore_at.val().index());
        self.eng.target.next = self.target.val().get_bits::<42>(self.line_at.val().index());
        self.eng.span.next = self.span.val().get_bits::<32>(0);
        self.eng.count.next = self.count.val().get_bits::<32>(0);
        self.eng.snap_line.next = self
            .frame
            .snapshot_addr
            .val()
            .get_bits::<42>(self.line_at.val().index());
        self.eng.c0_almfull.next = self.c0_almfull.val();
        self.eng.c1_almfull.next = self.c1_almfull.val();
        self.eng.rd_rsp_valid.next = self.rd_rsp_valid.val();
        self.eng.rd_rsp_mdata.next = self.rd_rsp_mdata.val();
        self.eng.rd_rsp_cl_num.next = self.rd_rsp_cl_num.val();
        self.eng.wr_rsp_valid.next = self.wr_rsp_valid.val();
        self.eng.wr_rsp_mdata.next = self.wr_rsp_mdata.val();
        self.eng.rd_sum.next = self.lines.rd_sum.val();
        self.eng.r_rd_issued.next = self.lines.r_rd_issued.val();
        self.eng.r_wr_issued.next = self.lines.r_wr_issued.val();
        self.eng.r_issued.next = self.lines.r_issued.val();
        self.eng.r_done.next = self.lines.r_done.val();
        self.eng.r_checksum.next = self.lines.r_checksum.val();
        self.eng.r_rd_off.next = self.lines.r_rd_off.val();
        self.eng.r_wr_off.next = self.lines.r_wr_off.val();
        self.state.next = self.eng.state.val();

        // Line-wide data.
        self.lines.line.next = self.eng.wr_req_addr.val();
        self.lines.snap.next = self.eng.wr_snap.val();
        self.lines.rd_issued.next = self.eng.rd_issued.val();
        self.lines.wr_issued.next = self.eng.wr_issued.val();
        self.lines.issued.next = self.eng.issued.val();
        self.lines.done.next = self.eng.done.val();
        self.lines.checksum.next = self.eng.checksum.val();
        self.lines.rd_off.next = self.eng.rd_off.val();
        self.lines.wr_off.next = self.eng.wr_off.val();
        self.lines.rd_data.next = self.rd_rsp_data.val();

        // Requests.
        self.rd_req_valid.next = self.eng.rd_req_valid.val();
        self.rd_req_addr.next = self.eng.rd_req_addr.val();
        self.rd_req_cl_len.next = self.eng.rd_req_cl_len.val();
        self.rd_req_mdata.next = self.eng.rd_req_mdata.val();
        self.wr_req_valid.next = self.eng.wr_req_valid.val();
        self.wr_req_addr.next = self.eng.wr_req_addr.val();
        self.wr_req_cl_len.next = self.eng.wr_req_cl_len.val();
        self.wr_req_sop.next = self.eng.wr_req_sop.val();
        self.wr_req_mdata.next = self.eng.wr_req_mdata.val();
        self.wr_req_data.next = self.lines.wr_data.val();
    }
}

/// Name of the emitted top module.
pub const TOP: &str = "optimus_acc_rogue";

/// The complete Verilog of `optimus_acc_rogue` (rust-hdl's design as `optimus_acc_rogue_core`
/// under a thin wrapper with the slot-side port names, `clk` for `clock`).
pub fn rogue_verilog() -> Result<String, String> {
    let mut r = Rogue::default();
    r.connect_all();
    crate::emit_block::block_verilog(
        &r,
        TOP,
        "accel::rogue::Rogue, docs in hdl/src/accel/rogue.rs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit_block::yosys_check;

    #[test]
    fn rogue_is_synthesizable() {
        let verilog = rogue_verilog().expect("Rogue emits");
        match yosys_check(&verilog, TOP) {
            Ok(true) => {}
            Ok(false) => println!("SKIPPED: yosys is not installed; structure not checked"),
            Err(log) => panic!("yosys rejects Rogue:\n{log}"),
        }
    }
}
