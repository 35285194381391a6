//! LinkedList's engine: walks the chain, one node read in flight, and saves or restores its
//! progress in a one-line snapshot. The register page is [`super::LinkedList`]'s frame; this
//! block sees only the decoded commands, the R/W registers and the DMA ports.
//!
//! ```text
//!   START_NEW ─► (head ok?) ─► ISSUE ──rd──► WAIT ──node──► next? ─► ISSUE/WAIT … ─► FIN
//!                                │ pause      │ pause: after its node
//!                                ▼            ▼
//!   START_RESUME ─► LOAD ─rd─► LOAD_WAIT     SAVE ─wr─► SAVE_WAIT ─rsp─► PAUSED
//! ```
//!
//! * **Nodes** ([`optimus_regs::linked_list::node`]): word 0 next pointer, word 1 value. A
//!   node's answer adds the value to SUM, counts it in NODES, records its address in
//!   LAST_ADDR. The walk ends (FIN) when the next pointer, low 6 bits cleared, is 0, when it
//!   has a bit `[63:48]` set (so the all-ones answer of a faulting read ends the walk after
//!   counting that node), or when NODES reaches a non-zero MAX_NODES (read live, compared
//!   with `>=`).
//! * **Commands** are taken only when not running (STATE idle, finished or paused); while the
//!   engine runs, saves or restores, START_NEW and START_RESUME are ignored. Both clear SUM,
//!   NODES, CYCLES and LAST_ADDR. START_NEW with HEAD_ADDR unaligned or above 48 bits: idle;
//!   HEAD_ADDR = 0: finished at once. `pause` is remembered while running and acted on at
//!   the next node boundary (never with a read in flight); ignored in any other state.
//! * **Snapshot** ([`optimus_regs::linked_list::snapshot`]): one line at SNAPSHOT_ADDR
//!   `[47:6]`. START_RESUME reads it; with the wrong magic word the engine goes idle;
//!   otherwise it restores the counters and continues at word 0's address (finished if that
//!   pointer ends the list, by the node rule).
//! * **Timing.** Requests leave from registers, in the cycle after the decision: the next
//!   node's read is presented one cycle after its predecessor's answer, so one node takes
//!   R + 1 cycles, R being the cycles from a read request to its answer at these ports.
//!   CYCLES counts the cycles in ISSUE and WAIT. `state` is registered: a command shows one
//!   cycle after its pulse.
//!
//! ### Inputs
//! `clock`, `reset`, `start_new`, `start_resume`, `pause` (one-cycle pulses), `head_addr`,
//! `max_nodes`, `snapshot_addr`, `c0_almfull`, `c1_almfull`, `rd_rsp_*`, `wr_rsp_*`.
//! ### Outputs
//! `state` (0 idle, 1 running, 2 finished, 4 paused), `sum`, `nodes`, `cycles`, `last_addr`,
//! `rd_req_*`, `wr_req_*` (one request of one line at a time, `mdata` from
//! [`optimus_regs::linked_list::tag`]).

use crate::accel::membench::math::Pack8;
use crate::shell::k;
use optimus_regs::accel::State;
use optimus_regs::linked_list::{ADDR_BITS, LINE_BYTES, node, snapshot, tag};

use rust_hdl::prelude::*;

/// FSM encodings (not visible outside; `state` carries the contract's values).
mod st {
    pub const IDLE: u64 = 0;
    pub const ISSUE: u64 = 1;
    pub const WAIT: u64 = 2;
    pub const FIN: u64 = 3;
    pub const SAVE: u64 = 4;
    pub const SAVE_WAIT: u64 = 5;
    pub const PAUSED: u64 = 6;
    pub const LOAD: u64 = 7;
    pub const LOAD_WAIT: u64 = 8;
}

/// Bits of a byte address that are a line address inside the 48-bit space: `[47:6]`.
const LINE_MASK: u64 = ((1 << ADDR_BITS) - 1) & !(LINE_BYTES - 1);

/// LinkedList's engine.
#[derive(LogicBlock)]
pub struct Engine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Reset (shell or slot): idle, counters 0, nothing issued.
    pub reset: Signal<In, Bit>,
    /// CTL = START_NEW (pulse).
    pub start_new: Signal<In, Bit>,
    /// CTL = START_RESUME (pulse).
    pub start_resume: Signal<In, Bit>,
    /// CTL = PAUSE or the preemption controller (pulse).
    pub pause: Signal<In, Bit>,
    /// HEAD_ADDR.
    pub head_addr: Signal<In, Bits<64>>,
    /// MAX_NODES.
    pub max_nodes: Signal<In, Bits<64>>,
    /// SNAPSHOT_ADDR.
    pub snapshot_addr: Signal<In, Bits<64>>,
    /// STATE (contract values), registered.
    pub state: Signal<Out, Bits<3>>,
    /// SUM.
    pub sum: Signal<Out, Bits<64>>,
    /// NODES.
    pub nodes: Signal<Out, Bits<64>>,
    /// CYCLES.
    pub cycles: Signal<Out, Bits<64>>,
    /// LAST_ADDR.
    pub last_addr: Signal<Out, Bits<64>>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full, write beats.
    pub c1_almfull: Signal<In, Bit>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code (always 0: one line).
    pub rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata (a [`tag`]).
    pub rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response.
    pub rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index (always 0 for one-line reads).
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat (the snapshot).
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its slot-relative line address.
    pub wr_req_addr: Signal<Out, Bits<42>>,
    /// Its length code (0).
    pub wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat (always: one-line writes).
    pub wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub wr_req_data: Signal<Out, Bits<512>>,
    /// Write response.
    pub wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub wr_rsp_mdata: Signal<In, Bits<16>>,
    snap: Pack8,
    fsm: DFF<Bits<4>>,
    state_q: DFF<Bits<3>>,
    pause_req: DFF<Bit>,
    cur: DFF<Bits<64>>,
    sum_q: DFF<Bits<64>>,
    nodes_q: DFF<Bits<64>>,
    cycles_q: DFF<Bits<64>>,
    last_q: DFF<Bits<64>>,
    rd_v: DFF<Bit>,
    rd_addr: DFF<Bits<42>>,
    rd_mdata: DFF<Bits<16>>,
    wr_v: DFF<Bit>,
    nst: Signal<Local, Bits<4>>,
    word0: Signal<Local, Bits<64>>,
    ptr: Signal<Local, Bits<64>>,
    ptr_ends: Signal<Local, Bit>,
    nodes_inc: Signal<Local, Bits<64>>,
    at_max: Signal<Local, Bit>,
    node_rsp: Signal<Local, Bit>,
    snap_rsp: Signal<Local, Bit>,
    ready: Signal<Local, Bit>,
    unused_rsp: Signal<Local, Bits<512>>,
    unused_cl_num: Signal<Local, Bits<2>>,
    unused_snapshot_addr: Signal<Local, Bits<64>>,
    s_idle: Constant<Bits<4>>,
    s_issue: Constant<Bits<4>>,
    s_wait: Constant<Bits<4>>,
    s_fin: Constant<Bits<4>>,
    s_save: Constant<Bits<4>>,
    s_save_wait: Constant<Bits<4>>,
    s_paused: Constant<Bits<4>>,
    s_load: Constant<Bits<4>>,
    s_load_wait: Constant<Bits<4>>,
    v_idle: Constant<Bits<3>>,
    v_running: Constant<Bits<3>>,
    v_finished: Constant<Bits<3>>,
    v_paused: Constant<Bits<3>>,
    tag_node: Constant<Bits<16>>,
    tag_snap_rd: Constant<Bits<16>>,
    tag_snap_wr: Constant<Bits<16>>,
    line_mask: Constant<Bits<64>>,
    high_mask: Constant<Bits<64>>,
    offset_mask: Constant<Bits<64>>,
    magic: Constant<Bits<64>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    zero2: Constant<Bits<2>>,
    line_at: Constant<Bits<6>>,
    next_at: Constant<Bits<9>>,
    value_at: Constant<Bits<9>>,
    sum_at: Constant<Bits<9>>,
    nodes_at: Constant<Bits<9>>,
    cycles_at: Constant<Bits<9>>,
    last_at: Constant<Bits<9>>,
    magic_at: Constant<Bits<9>>,
}

#[path = "linked_list_engine_default.rs"]
mod default;

impl Logic for Engine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, fsm, state_q, pause_req, cur, sum_q, nodes_q, cycles_q, last_q, rd_v,
            rd_addr, rd_mdata, wr_v
        );
        // Word 0 of an answer, as a pointer (next node, or the snapshot's current node).
        self.word0.next = self
            .rd_rsp_data
            .val()
            .get_bits::<64>(self.next_at.val().index());
        self.ptr.next = self.word0.val() & self.line_mask.val();
        self.ptr_ends.next =
            !self.ptr.val().any() | (self.word0.val() & self.high_mask.val()).any();
        self.nodes_inc.next = self.nodes_q.q.val() + self.one64.val();
        self.at_max.next =
            self.max_nodes.val().any() & (self.nodes_inc.val() >= self.max_nodes.val());
        self.node_rsp.next = self.rd_rsp_valid.val()
            & (self.rd_rsp_mdata.val() == self.tag_node.val())
            & (self.fsm.q.val() == self.s_wait.val());
        self.snap_rsp.next = self.rd_rsp_valid.val()
            & (self.rd_rsp_mdata.val() == self.tag_snap_rd.val())
            & (self.fsm.q.val() == self.s_load_wait.val());
        self.ready.next = (self.fsm.q.val() == self.s_idle.val())
            | (self.fsm.q.val() == self.s_fin.val())
            | (self.fsm.q.val() == self.s_paused.val());
        self.unused_rsp.next = self.rd_rsp_data.val();
        self.unused_cl_num.next = self.rd_rsp_cl_num.val();
        self.unused_snapshot_addr.next = self.snapshot_addr.val();

        // Defaults: stay, issue nothing.
        self.nst.next = self.fsm.q.val();
        self.rd_v.d.next = false;
        self.wr_v.d.next = false;
        if (self.fsm.q.val() == self.s_issue.val()) | (self.fsm.q.val() == self.s_wait.val()) {
            self.cycles_q.d.next = self.cycles_q.q.val() + self.one64.val();
        }
        // Remembered until the next node boundary; cleared below whenever the FSM rests.
        if self.pause.val() & !self.ready.val() {
            self.pause_req.d.next = true;
        }

        // Commands, when not running.
        if self.ready.val() & (self.start_new.val() | self.start_resume.val()) {
            self.sum_q.d.next = self.zero64.val();
            self.nodes_q.d.next = self.zero64.val();
            self.cycles_q.d.next = self.zero64.val();
            self.last_q.d.next = self.zero64.val();
            self.pause_req.d.next = false;
            if self.start_resume.val() {
                self.nst.next = self.s_load.val();
            }
            if self.start_new.val() {
                self.cur.d.next = self.head_addr.val();
                self.nst.next = self.s_issue.val();
                if !self.head_addr.val().any() {
                    self.nst.next = self.s_fin.val();
                }
                if (self.head_addr.val() & (self.high_mask.val() | self.offset_mask.val())).any() {
                    self.nst.next = self.s_idle.val();
                }
            }
        }

        // Issue the current node's read, or save if a pause is pending.
        if self.fsm.q.val() == self.s_issue.val() {
            if self.pause_req.q.val() | self.pause.val() {
                self.nst.next = self.s_save.val();
            } else if !self.c0_almfull.val() {
                self.rd_v.d.next = true;
                self.rd_addr.d.next = self.cur.q.val().get_bits::<42>(self.line_at.val().index());
                self.rd_mdata.d.next = self.tag_node.val();
                self.nst.next = self.s_wait.val();
            }
        }

        // A node's answer: account, then stop, save, or read the next node at once.
        if self.node_rsp.val() {
            self.sum_q.d.next = self.sum_q.q.val()
                + self
                    .rd_rsp_data
                    .val()
                    .get_bits::<64>(self.value_at.val().index());
            self.nodes_q.d.next = self.nodes_inc.val();
            self.last_q.d.next = self.cur.q.val();
            self.cur.d.next = self.ptr.val();
            if self.ptr_ends.val() | self.at_max.val() {
                self.nst.next = self.s_fin.val();
            } else if self.pause_req.q.val() | self.pause.val() {
                self.nst.next = self.s_save.val();
            } else if self.c0_almfull.val() {
                self.nst.next = self.s_issue.val();
            } else {
                self.rd_v.d.next = true;
                self.rd_addr.d.next = self.ptr.val().get_bits::<42>(self.line_at.val().index());
                self.rd_mdata.d.next = self.tag_node.val();
            }
        }

        // Save: one beat, then wait for its response.
        if (self.fsm.q.val() == self.s_save.val()) & !self.c1_almfull.val() {
            self.wr_v.d.next = true;
            self.nst.next = self.s_save_wait.val();
        }
        if (self.fsm.q.val() == self.s_save_wait.val())
            & self.wr_rsp_valid.val()
            & (self.wr_rsp_mdata.val() == self.tag_snap_wr.val())
        {
            self.nst.next = self.s_paused.val();
        }

        // Restore: read the snapshot, check its magic, continue where it left off.
        if (self.fsm.q.val() == self.s_load.val()) & !self.c0_almfull.val() {
            self.rd_v.d.next = true;
            self.rd_addr.d.next = self
                .snapshot_addr
                .val()
                .get_bits::<42>(self.line_at.val().index());
            self.rd_mdata.d.next = self.tag_snap_rd.val();
            self.nst.next = self.s_load_wait.val();
        }
        if self.snap_rsp.val() {
            self.nst.next = self.s_idle.val();
            if self
                .rd_rsp_data
                .val()
                .get_bits::<64>(self.magic_at.val().index())
                == self.magic.val()
            {
                self.cur.d.next = self.ptr.val();
                self.sum_q.d.next = self
                    .rd_rsp_data
                    .val()
                    .get_bits::<64>(self.sum_at.val().index());
                self.nodes_q.d.next = self
                    .rd_rsp_data
                    .val()
                    .get_bits::<64>(self.nodes_at.val().index());
                self.cycles_q.d.next = self
                    .rd_rsp_data
                    .val()
                    .get_bits::<64>(self.cycles_at.val().index());
                self.last_q.d.next = self
                    .rd_rsp_data
                    .val()
                    .get_bits::<64>(self.last_at.val().index());
                self.nst.next = self.s_issue.val();
                if self.ptr_ends.val() {
                    self.nst.next = self.s_fin.val();
                }
            }
        }

        if self.reset.val() {
            self.nst.next = self.s_idle.val();
            self.rd_v.d.next = false;
            self.wr_v.d.next = false;
            self.cur.d.next = self.zero64.val();
            self.sum_q.d.next = self.zero64.val();
            self.nodes_q.d.next = self.zero64.val();
            self.cycles_q.d.next = self.zero64.val();
            self.last_q.d.next = self.zero64.val();
        }
        self.fsm.d.next = self.nst.val();
        self.state_q.d.next = self.v_running.val();
        if self.nst.val() == self.s_idle.val() {
            self.state_q.d.next = self.v_idle.val();
            self.pause_req.d.next = false;
        }
        if self.nst.val() == self.s_fin.val() {
            self.state_q.d.next = self.v_finished.val();
            self.pause_req.d.next = false;
        }
        if self.nst.val() == self.s_paused.val() {
            self.state_q.d.next = self.v_paused.val();
            self.pause_req.d.next = false;
        }
        if self.nst.val() == self.s_save.val() {
            self.pause_req.d.next = false;
        }

        // Outputs.
        self.state.next = self.state_q.q.val();
        self.sum.next = self.sum_q.q.val();
        self.nodes.next = self.nodes_q.q.val();
        self.cycles.next = self.cycles_q.q.val();
        self.last_addr.next = self.last_q.q.val();
        self.rd_req_valid.next = self.rd_v.q.val();
        self.rd_req_addr.next = self.rd_addr.q.val();
        self.rd_req_cl_len.next = self.zero2.val();
        self.rd_req_mdata.next = self.rd_mdata.q.val();
        self.snap.w0.next = self.cur.q.val();
        self.snap.w1.next = self.sum_q.q.val();
        self.snap.w2.next = self.nodes_q.q.val();
        self.snap.w3.next = self.cycles_q.q.val();
        self.snap.w4.next = self.last_q.q.val();
        self.snap.w5.next = self.magic.val();
        self.snap.w6.next = self.zero64.val();
        self.snap.w7.next = self.zero64.val();
        self.wr_req_valid.next = self.wr_v.q.val();
        self.wr_req_addr.next = self
            .snapshot_addr
            .val()
            .get_bits::<42>(self.line_at.val().index());
        self.wr_req_cl_len.next = self.zero2.val();
        self.wr_req_sop.next = true;
        self.wr_req_mdata.next = self.tag_snap_wr.val();
        self.wr_req_data.next = self.snap.out.val();
    }
}
