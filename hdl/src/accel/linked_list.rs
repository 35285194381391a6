//! LinkedList: a latency-bound accelerator that follows a chain of 64-byte nodes in host
//! memory, one read in flight at a time, and sums their values (docs/linked-list.md).
//!
//! ```text
//!  mmio_* ◄──► AccelFrame ── start_new / start_resume / pause, HEAD_ADDR, MAX_NODES,
//!              (page, §4)    SNAPSHOT_ADDR ──► Engine ──► rd_req_* (one line, one in flight)
//!                   ▲                            │  ◄── rd_rsp_*
//!                   └── state, SUM, NODES, ◄─────┘  ──► wr_req_* / ◄── wr_rsp_* (snapshot)
//!                       CYCLES, LAST_ADDR
//! ```
//!
//! * **Registers** ([`optimus_regs::linked_list`]): HEAD_ADDR and MAX_NODES (R/W, stored by
//!   the frame), SUM, NODES, CYCLES, LAST_ADDR (read-only, from the engine); application
//!   registers 6 and 7 read 0. ACCEL_ID and STATE_SIZE (64) come from the same module.
//! * **Behaviour**: see [`engine::Engine`] (node rule, commands, snapshot, pause).
//! * **Ports**: the slot-side ports of [`crate::accel`], exactly; `mdata` uses bits `[1:0]`.
//! * **Timing**: MMIO answered in [`MMIO_LATENCY`](super::MMIO_LATENCY) cycles; a CTL write
//!   presented in cycle t pulses in t + 1 and shows in STATE from t + 2. One node costs the
//!   read round trip at these ports plus one cycle.
//!
//! ### Inputs
//! `clock`, `reset`, `pause`, `mmio_valid`, `mmio_write`, `mmio_addr`, `mmio_tid`,
//! `mmio_wdata`, `c0_almfull`, `c1_almfull`, `rd_rsp_*`, `wr_rsp_*`.
//! ### Outputs
//! `state`, `mmio_rsp_*`, `rd_req_*`, `wr_req_*`.

#[path = "linked_list_engine.rs"]
pub mod engine;

use super::frame::AccelFrame;
use crate::shell::k;
use engine::Engine;
use optimus_regs::Access;
use optimus_regs::accel::APP_REGS;
use optimus_regs::linked_list::{ACCEL_ID, LinkedListReg, REGS, STATE_SIZE};
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "optimus_acc_linked_list";

// The engine is wired to application registers by these indices.
const HEAD: usize = LinkedListReg::HeadAddr.app_index();
const MAX: usize = LinkedListReg::MaxNodes.app_index();
const SUM: usize = LinkedListReg::Sum.app_index();
const NODES: usize = LinkedListReg::Nodes.app_index();
const CYCLES: usize = LinkedListReg::Cycles.app_index();
const LAST: usize = LinkedListReg::LastAddr.app_index();

/// The LinkedList accelerator, slot-side ports of [`crate::accel`].
#[derive(LogicBlock)]
pub struct LinkedList {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset or SLOT_RESET.
    pub reset: Signal<In, Bit>,
    /// Pause pulse from the preemption controller.
    pub pause: Signal<In, Bit>,
    /// STATE, registered.
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
    /// Its line index.
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat.
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub wr_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
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
    engine: Engine,
    unused_app: Vec<Signal<Local, Bits<64>>>,
    zero64: Constant<Bits<64>>,
}

impl Default for LinkedList {
    fn default() -> Self {
        let writable = std::array::from_fn(|i| i < REGS.len() && REGS[i].access == Access::Rw);
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
            engine: Default::default(),
            unused_app: (0..APP_REGS).map(|_| Default::default()).collect(),
            zero64: k(0),
        }
    }
}

impl Logic for LinkedList {
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
        self.frame.state.next = self.engine.state.val();
        self.frame.pause_in.next = self.pause.val();
        self.state.next = self.engine.state.val();

        // Application registers: stored ones to the engine, results from it.
        for i in 0..APP_REGS {
            self.unused_app[i].next = self.frame.app[i].val();
            self.frame.app_ro[i].next = self.zero64.val();
        }
        for i in HEAD..(HEAD + 1) {
            self.engine.head_addr.next = self.frame.app[i].val();
        }
        for i in MAX..(MAX + 1) {
            self.engine.max_nodes.next = self.frame.app[i].val();
        }
        for i in SUM..(SUM + 1) {
            self.frame.app_ro[i].next = self.engine.sum.val();
        }
        for i in NODES..(NODES + 1) {
            self.frame.app_ro[i].next = self.engine.nodes.val();
        }
        for i in CYCLES..(CYCLES + 1) {
            self.frame.app_ro[i].next = self.engine.cycles.val();
        }
        for i in LAST..(LAST + 1) {
            self.frame.app_ro[i].next = self.engine.last_addr.val();
        }

        // The engine.
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.start_new.next = self.frame.start_new.val();
        self.engine.start_resume.next = self.frame.start_resume.val();
        self.engine.pause.next = self.frame.pause.val();
        self.engine.snapshot_addr.next = self.frame.snapshot_addr.val();
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

/// LinkedList as a Verilog file: top module [`TOP`] (`optimus_acc_linked_list`) with the
/// slot-side ports (`clk` for `clock`), over rust-hdl's design ([`crate::emit_block`]).
pub fn linked_list_verilog() -> Result<String, String> {
    let mut ll = LinkedList::default();
    ll.connect_all();
    crate::emit_block::block_verilog(
        &ll,
        TOP,
        "accel::linked_list, docs in hdl/src/accel/linked_list.rs",
    )
}
