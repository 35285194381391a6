//! MemBench, the reference example accelerator (design.md §4.1): streams reads and/or writes
//! over a buffer, sequentially or in a random order, as fast as the link allows, and can be
//! paused and resumed through a one-line snapshot.
//!
//! ```text
//!  mmio_* ◄─► AccelFrame (registers) ─► config latch ─► Order(rd) ─► ReadStream  ─► rd_req_*  ◄─ rd_rsp_*
//!                  ▲ DONE_LINES, CHECKSUM, CYCLES   └─► Order(wr) ─► WriteStream ─► wr_req_*  ◄─ wr_rsp_*
//!  pause ─────────►│  phase FSM: idle → running → draining → snapshot write → paused
//!                                 └─ resume: snapshot read → running ─┘       finished
//! ```
//!
//! * **Registers** ([`optimus_regs::membench`]): BUF_ADDR, BUF_LINES, TOTAL_LINES, MODE, SEED
//!   are stored by the frame and **latched at START_NEW / START_RESUME**, so writing them
//!   while a job runs changes nothing (design.md §4: no side effects). DONE_LINES = read lines
//!   returned + write lines acknowledged; CHECKSUM = wrapping sum of every word read; CYCLES =
//!   cycles in the running phase (not draining, snapshotting, paused or loading).
//! * **Start.** START_NEW or START_RESUME from idle, finished or paused; ignored while a job,
//!   pause or resume is in progress. Invalid registers
//!   ([`job_valid`](optimus_regs::membench::job_valid)), or for a resume a SNAPSHOT_ADDR that
//!   is not 64-byte aligned below 2^48, put STATE to idle.
//! * **Order** ([`request_line`](optimus_regs::membench::request_line)): request r of a
//!   stream covers buffer lines `line(r) .. line(r) + L − 1`; both streams use the same order
//!   and run concurrently, each over TOTAL_LINES lines. Finished when every enabled stream
//!   has all its lines returned / acknowledged.
//! * **Throughput.** Each stream presents one request (reads) or beat (writes) per cycle
//!   while almfull is low; no request uses the 8-beat slack (see the streams' docs).
//! * **Pause** (pulse on `pause` or CTL = PAUSE) while running: stop starting requests, finish
//!   an open write packet, wait until every read line and write response is back, write the
//!   [snapshot](optimus_regs::membench::snapshot) line at SNAPSHOT_ADDR (bits `[47:6]`), wait
//!   for its response, STATE = paused. If the job completes in the cycle of the pause, it
//!   finishes instead. A pause during a resume is held and taken as soon as it is running.
//! * **Resume**: read the snapshot line (`mdata` [`snapshot::MDATA`]), check MAGIC and its
//!   reserved bits (else STATE idle), restore the counters, continue.
//! * **STATE**: idle 0; running 1 (also while draining, snapshotting and loading); finished 2;
//!   paused 4. A CTL write shows within 3 cycles (frame 1 + FSM 1 + decode).
//! * mdata: streams use 11-bit tags (bits `[15:11]` 0); the snapshot uses `0x0fff`.
//!
//! ### Inputs / Outputs
//! The slot-side ports of [`super`] (`clock`, `reset`, `pause`, `state`, `mmio_*`,
//! `c0_almfull`, `c1_almfull`, `rd_req_*`, `rd_rsp_*`, `wr_req_*`, `wr_rsp_*`). MMIO reads are
//! answered 2 cycles after the request; every request output is a register.

use super::frame::AccelFrame;
use crate::shell::concat::Concat;
use crate::shell::k;
use math::Pack8;
use optimus_regs::accel::State;
use optimus_regs::membench::{
    ACCEL_ID, ADDR_RESERVED, MAX_BUF_LINES, MODE_RESERVED, STATE_SIZE, mode, snapshot,
};
use order::Order;
use rd::{LINE_BITS, ReadStream};
use rust_hdl::prelude::*;
use wr::WriteStream;

#[path = "membench_fsm.rs"]
mod fsm;
#[path = "membench_math.rs"]
pub mod math;
#[path = "membench_order.rs"]
pub mod order;
#[path = "membench_rd.rs"]
pub mod rd;
#[path = "membench_wr.rs"]
pub mod wr;
pub use fsm::Phase;

/// Name of the emitted top module.
pub const TOP: &str = "optimus_acc_membench";

/// Which application registers are read/write (BUF_ADDR … SEED) and read-only.
pub const WRITABLE: [bool; 8] = [true, true, true, true, true, false, false, false];

/// The complete Verilog of `optimus_acc_membench` and its submodules.
pub fn membench_verilog() -> Result<String, String> {
    let mut m = MemBench::default();
    m.connect_all();
    crate::emit_block::block_verilog(
        &m,
        TOP,
        "accel::membench, docs in hdl/src/accel/membench.rs",
    )
}

/// MemBench, with the slot-side ports.
#[derive(LogicBlock)]
pub struct MemBench {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset or SLOT_RESET (synchronous).
    pub reset: Signal<In, Bit>,
    /// Pause pulse from the preemption controller.
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
    /// Almost full (reads).
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full (write beats).
    pub c1_almfull: Signal<In, Bit>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub rd_req_addr: Signal<Out, Bits<LINE_BITS>>,
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
    pub wr_req_addr: Signal<Out, Bits<LINE_BITS>>,
    /// Its packet's length code.
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
    fsm: fsm::Control,
    rd_ord: Order,
    wr_ord: Order,
    rd: ReadStream,
    wr: WriteStream,
    snap: Pack8,
    rd_pos64: Concat<LINE_BITS, 22, 64>,
    wr_pos64: Concat<LINE_BITS, 22, 64>,
    zero: Constant<Bits<64>>,
    zero22: Constant<Bits<22>>,
    magic: Constant<Bits<64>>,
}

impl Default for MemBench {
    fn default() -> Self {
        assert_eq!(STATE_SIZE, 64, "the snapshot is one line");
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
            frame: AccelFrame::new(ACCEL_ID, STATE_SIZE, WRITABLE),
            fsm: fsm::Control::new(),
            rd_ord: Default::default(),
            wr_ord: Default::default(),
            rd: Default::default(),
            wr: Default::default(),
            snap: Default::default(),
            rd_pos64: Default::default(),
            wr_pos64: Default::default(),
            zero: k(0),
            zero22: k(0),
            magic: k(snapshot::MAGIC),
        }
    }
}

impl Logic for MemBench {
    #[hdl_gen]
    fn update(&mut self) {
        // The register page.
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
        self.frame.pause_in.next = self.pause.val();
        self.frame.state.next = self.fsm.state.val();
        self.state.next = self.fsm.state.val();
        for i in 0..5 {
            self.frame.app_ro[i].next = self.zero.val();
        }
        self.frame.app_ro[5].next = self.rd.done.val() + self.wr.acked.val();
        self.frame.app_ro[6].next = self.rd.sum.val();
        self.frame.app_ro[7].next = self.fsm.cycles.val();

        // Control: registers, commands, phases.
        self.fsm.clock.next = self.clock.val();
        self.fsm.reset.next = self.reset.val();
        self.fsm.start_new.next = self.frame.start_new.val();
        self.fsm.start_resume.next = self.frame.start_resume.val();
        self.fsm.pause.next = self.frame.pause.val();
        self.fsm.buf_addr.next = self.frame.app[0].val();
        self.fsm.buf_lines.next = self.frame.app[1].val();
        self.fsm.total_lines.next = self.frame.app[2].val();
        self.fsm.mode.next = self.frame.app[3].val();
        self.fsm.seed.next = self.frame.app[4].val();
        // The read-only entries are 0 by the frame's contract; checking it uses their wires.
        self.fsm.ro_zero.next =
            (self.frame.app[5].val() | self.frame.app[6].val() | self.frame.app[7].val())
                == self.zero.val();
        self.fsm.snapshot_addr.next = self.frame.snapshot_addr.val();
        self.fsm.c0_almfull.next = self.c0_almfull.val();
        self.fsm.c1_almfull.next = self.c1_almfull.val();
        self.fsm.rd_done.next = self.rd.done.val();
        self.fsm.wr_acked.next = self.wr.acked.val();
        self.fsm.rd_idle.next = self.rd.idle.val();
        self.fsm.wr_idle.next = self.wr.idle.val();
        self.fsm.snap_valid.next = self.rd.snap_valid.val();
        self.fsm.snap_data.next = self.rd.snap_data.val();
        self.fsm.snap_ack.next = self.wr.snap_ack.val();

        // The two orders.
        self.rd_ord.clock.next = self.clock.val();
        self.rd_ord.reset.next = self.reset.val();
        self.rd_ord.load.next = self.fsm.load.val();
        self.rd_ord.r0.next = self.fsm.rd_r0.val();
        self.rd_ord.pos0.next = self.fsm.rd_pos0.val();
        self.rd_ord.reqs.next = self.fsm.reqs.val();
        self.rd_ord.random.next = self.fsm.random.val();
        self.rd_ord.seed.next = self.fsm.seed32.val();
        self.rd_ord.slots.next = self.fsm.slots.val();
        self.rd_ord.buf_lines.next = self.fsm.blines.val();
        self.rd_ord.len.next = self.fsm.len42.val();
        self.rd_ord.shift.next = self.fsm.shift.val();
        self.rd_ord.take.next = self.rd.ord_take.val();
        self.wr_ord.clock.next = self.clock.val();
        self.wr_ord.reset.next = self.reset.val();
        self.wr_ord.load.next = self.fsm.load.val();
        self.wr_ord.r0.next = self.fsm.wr_r0.val();
        self.wr_ord.pos0.next = self.fsm.wr_pos0.val();
        self.wr_ord.reqs.next = self.fsm.reqs.val();
        self.wr_ord.random.next = self.fsm.random.val();
        self.wr_ord.seed.next = self.fsm.seed32.val();
        self.wr_ord.slots.next = self.fsm.slots.val();
        self.wr_ord.buf_lines.next = self.fsm.blines.val();
        self.wr_ord.len.next = self.fsm.len42.val();
        self.wr_ord.shift.next = self.fsm.shift.val();
        self.wr_ord.take.next = self.wr.ord_take.val();

        // The read stream.
        self.rd.clock.next = self.clock.val();
        self.rd.reset.next = self.reset.val();
        self.rd.load.next = self.fsm.load.val();
        self.rd.lines0.next = self.fsm.rd_lines0.val();
        self.rd.sum0.next = self.fsm.sum0.val();
        self.rd.pos0.next = self.fsm.rd_pos0.val();
        self.rd.issue.next = self.fsm.rd_issue.val();
        self.rd.c0_almfull.next = self.c0_almfull.val();
        self.rd.ord_valid.next = self.rd_ord.valid.val();
        self.rd.ord_idx.next = self.rd_ord.idx.val();
        self.rd.ord_npos.next = self.rd_ord.next_pos.val();
        self.rd.buf_line.next = self.fsm.buf_line.val();
        self.rd.cl_len.next = self.fsm.cl_len.val();
        self.rd.len.next = self.fsm.len64.val();
        self.rd.snap_rd.next = self.fsm.snap_rd.val();
        self.rd.snap_line.next = self.fsm.snap_line.val();
        self.rd.rd_rsp_valid.next = self.rd_rsp_valid.val();
        self.rd.rd_rsp_mdata.next = self.rd_rsp_mdata.val();
        self.rd.rd_rsp_cl_num.next = self.rd_rsp_cl_num.val();
        self.rd.rd_rsp_data.next = self.rd_rsp_data.val();
        self.rd_req_valid.next = self.rd.rd_req_valid.val();
        self.rd_req_addr.next = self.rd.rd_req_addr.val();
        self.rd_req_cl_len.next = self.rd.rd_req_cl_len.val();
        self.rd_req_mdata.next = self.rd.rd_req_mdata.val();

        // The write stream and the snapshot line it writes on a pause.
        self.rd_pos64.lo.next = self.rd.pos.val();
        self.rd_pos64.hi.next = self.zero22.val();
        self.wr_pos64.lo.next = self.wr.pos.val();
        self.wr_pos64.hi.next = self.zero22.val();
        self.snap.w0.next = self.rd.issued.val();
        self.snap.w1.next = self.wr.issued.val();
        self.snap.w2.next = self.rd_pos64.out.val();
        self.snap.w3.next = self.wr_pos64.out.val();
        self.snap.w4.next = self.rd.sum.val();
        self.snap.w5.next = self.fsm.cycles.val();
        self.snap.w6.next = self.zero.val();
        self.snap.w7.next = self.magic.val();
        self.wr.clock.next = self.clock.val();
        self.wr.reset.next = self.reset.val();
        self.wr.load.next = self.fsm.load.val();
        self.wr.lines0.next = self.fsm.wr_lines0.val();
        self.wr.pos0.next = self.fsm.wr_pos0.val();
        self.wr.issue.next = self.fsm.wr_issue.val();
        self.wr.c1_almfull.next = self.c1_almfull.val();
        self.wr.ord_valid.next = self.wr_ord.valid.val();
        self.wr.ord_idx.next = self.wr_ord.idx.val();
        self.wr.ord_npos.next = self.wr_ord.next_pos.val();
        self.wr.buf_line.next = self.fsm.buf_line.val();
        self.wr.cl_len.next = self.fsm.cl_len.val();
        self.wr.len.next = self.fsm.len64.val();
        self.wr.seed.next = self.fsm.seed_q.val();
        self.wr.snap_wr.next = self.fsm.snap_wr.val();
        self.wr.snap_line.next = self.fsm.snap_line.val();
        self.wr.snap_data.next = self.snap.out.val();
        self.wr.wr_rsp_valid.next = self.wr_rsp_valid.val();
        self.wr.wr_rsp_mdata.next = self.wr_rsp_mdata.val();
        self.wr_req_valid.next = self.wr.wr_req_valid.val();
        self.wr_req_addr.next = self.wr.wr_req_addr.val();
        self.wr_req_cl_len.next = self.wr.wr_req_cl_len.val();
        self.wr_req_sop.next = self.wr.wr_req_sop.val();
        self.wr_req_mdata.next = self.wr.wr_req_mdata.val();
        self.wr_req_data.next = self.wr.wr_req_data.val();
    }
}

// Constants the control block uses, checked once here against the register map.
const _: () = {
    assert!(ADDR_RESERVED == 0xffff_0000_0000_003f);
    assert!(MAX_BUF_LINES == (1 << 42) - 1);
    assert!(MODE_RESERVED & 0x37 == 0);
    assert!(mode::CL_LEN_LSB == 4);
    assert!(State::Paused as u64 == 4);
};
