//! Rogue's engine: the job state machine, the two request streams ([`RogueStream`]), the
//! request registers ([`RogueIssue`]) and the counters. See [`super`] (Rogue) for the
//! behaviour; this file is its cycle-level implementation.
//!
//! * **Phases.** `Idle`, `Finished`, `Paused` (STATE 0, 2, 4); `Run`, `Drain` (pause seen:
//!   no new request, the open write packet completed, wait until nothing is outstanding),
//!   `SnapWr` / `SnapWait` (the snapshot's one-line write and its response), `Restore` /
//!   `RestoreWait` (the snapshot's one-line read and its response) all report STATE 1.
//! * **Commands** (pulses from the frame): START_NEW and START_RESUME act only in `Idle`,
//!   `Finished` or `Paused`. A pause acts in `Run` (unless MODE.IGNORE_PAUSE), is remembered
//!   during `Restore` / `RestoreWait` and acted on in `Run`; elsewhere it is ignored.
//! * **Counting.** A read response line or write response counts for the job (DONE,
//!   CHECKSUM, outstanding) unless it carries the snapshot's mdata ([`SNAP_MDATA`]); a read
//!   response with that mdata and `cl_num` 0 in `RestoreWait` is the snapshot line, a write
//!   response with it in `SnapWait` the snapshot's acknowledgement.
//! * `state` is a decode of the phase register; every request field is a register.
//!
//! ### Inputs
//! `clock`, `reset`, `start_new`, `start_resume`, `pause` (pulses from the frame); MODE bits
//! `mode_read`, `mode_write`, `mode_flood`, `mode_ignore_pause`; `target` (line), `span`,
//! `count`, `snap_line` (SNAPSHOT_ADDR as a line); `c0_almfull`, `c1_almfull`;
//! `rd_rsp_valid`, `rd_rsp_mdata`, `rd_rsp_cl_num`, `wr_rsp_valid`, `wr_rsp_mdata`, `rd_sum` (sum of the response line's words) and the
//! response line's snapshot fields `r_*`.
//! ### Outputs
//! `state`, `running`, `issued`, `done`, `checksum`, `rd_req_*`, `wr_req_*` (no data),
//! `wr_snap` (the write beat is the snapshot), `rd_issued`, `wr_issued`, `rd_off`, `wr_off`.

use super::rogue_issue::{RogueIssue, SNAP_MDATA};
use super::rogue_stream::RogueStream;
use crate::shell::k;
use optimus_regs::accel::State;
use rust_hdl::prelude::*;

/// Rogue's job phases: values of the phase register (a `LogicState` enum would emit
/// constants of the wrong width, which Verilator flags).
pub mod phase {
    /// STATE idle.
    pub const IDLE: u64 = 0;
    /// Issuing.
    pub const RUN: u64 = 1;
    /// Pause seen: finishing the open write packet, waiting for answers.
    pub const DRAIN: u64 = 2;
    /// Writing the snapshot line.
    pub const SNAP_WR: u64 = 3;
    /// Waiting for the snapshot's write response.
    pub const SNAP_WAIT: u64 = 4;
    /// STATE paused.
    pub const PAUSED: u64 = 5;
    /// Reading the snapshot line back.
    pub const RESTORE: u64 = 6;
    /// Waiting for it.
    pub const RESTORE_WAIT: u64 = 7;
    /// STATE finished.
    pub const FINISHED: u64 = 8;
}

/// Rogue's engine.
#[derive(LogicBlock)]
pub struct RogueEngine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// CTL = START_NEW.
    pub start_new: Signal<In, Bit>,
    /// CTL = START_RESUME.
    pub start_resume: Signal<In, Bit>,
    /// CTL = PAUSE, or the preemption controller's pulse.
    pub pause: Signal<In, Bit>,
    /// MODE.READ.
    pub mode_read: Signal<In, Bit>,
    /// MODE.WRITE.
    pub mode_write: Signal<In, Bit>,
    /// MODE.FLOOD.
    pub mode_flood: Signal<In, Bit>,
    /// MODE.IGNORE_PAUSE.
    pub mode_ignore_pause: Signal<In, Bit>,
    /// TARGET_ADDR as a line address.
    pub target: Signal<In, Bits<42>>,
    /// SPAN_LINES (low 32 bits).
    pub span: Signal<In, Bits<32>>,
    /// COUNT (low 32 bits).
    pub count: Signal<In, Bits<32>>,
    /// SNAPSHOT_ADDR as a line address.
    pub snap_line: Signal<In, Bits<42>>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full, write beats.
    pub c1_almfull: Signal<In, Bit>,
    /// A read response line.
    pub rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index.
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// A write response.
    pub wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub wr_rsp_mdata: Signal<In, Bits<16>>,
    /// Sum of the response line's words.
    pub rd_sum: Signal<In, Bits<64>>,
    /// Response line, snapshot field: read requests issued.
    pub r_rd_issued: Signal<In, Bits<32>>,
    /// Response line, snapshot field: write requests issued.
    pub r_wr_issued: Signal<In, Bits<32>>,
    /// Response line, snapshot field: ISSUED.
    pub r_issued: Signal<In, Bits<32>>,
    /// Response line, snapshot field: DONE.
    pub r_done: Signal<In, Bits<32>>,
    /// Response line, snapshot field: CHECKSUM.
    pub r_checksum: Signal<In, Bits<64>>,
    /// Response line, snapshot field: read offset.
    pub r_rd_off: Signal<In, Bits<32>>,
    /// Response line, snapshot field: write offset.
    pub r_wr_off: Signal<In, Bits<32>>,
    /// STATE.
    pub state: Signal<Out, Bits<3>>,
    /// STATE is running.
    pub running: Signal<Out, Bit>,
    /// ISSUED.
    pub issued: Signal<Out, Bits<32>>,
    /// DONE.
    pub done: Signal<Out, Bits<32>>,
    /// CHECKSUM.
    pub checksum: Signal<Out, Bits<64>>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub rd_req_mdata: Signal<Out, Bits<16>>,
    /// Write beat.
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub wr_req_addr: Signal<Out, Bits<42>>,
    /// Its request's length code.
    pub wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat.
    pub wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub wr_req_mdata: Signal<Out, Bits<16>>,
    /// The write beat is the snapshot line.
    pub wr_snap: Signal<Out, Bit>,
    /// Read requests issued (snapshot field).
    pub rd_issued: Signal<Out, Bits<32>>,
    /// Write requests issued (snapshot field).
    pub wr_issued: Signal<Out, Bits<32>>,
    /// Next read offset (snapshot field).
    pub rd_off: Signal<Out, Bits<32>>,
    /// Next write offset (snapshot field).
    pub wr_off: Signal<Out, Bits<32>>,
    rd: RogueStream,
    wr: RogueStream,
    iss: RogueIssue,
    phase: DFF<Bits<4>>,
    pause_pend: DFF<Bit>,
    issued_q: DFF<Bits<32>>,
    done_q: DFF<Bits<32>>,
    sum_q: DFF<Bits<64>>,
    quad: Signal<Local, Bit>,
    rd_count: Signal<Local, Bit>,
    wr_count: Signal<Local, Bit>,
    rd_snap: Signal<Local, Bit>,
    wr_snap_rsp: Signal<Local, Bit>,
    can_start: Signal<Local, Bit>,
    clear: Signal<Local, Bit>,
    load: Signal<Local, Bit>,
    finish: Signal<Local, Bit>,
    p_idle: Constant<Bits<4>>,
    p_run: Constant<Bits<4>>,
    p_drain: Constant<Bits<4>>,
    p_snap_wr: Constant<Bits<4>>,
    p_snap_wait: Constant<Bits<4>>,
    p_paused: Constant<Bits<4>>,
    p_restore: Constant<Bits<4>>,
    p_restore_wait: Constant<Bits<4>>,
    p_finished: Constant<Bits<4>>,
    st_idle: Constant<Bits<3>>,
    st_running: Constant<Bits<3>>,
    st_finished: Constant<Bits<3>>,
    st_paused: Constant<Bits<3>>,
    zero2: Constant<Bits<2>>,
    snap16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    four16: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    two32: Constant<Bits<32>>,
    four32: Constant<Bits<32>>,
    zero42: Constant<Bits<42>>,
    three42: Constant<Bits<42>>,
    zero64: Constant<Bits<64>>,
}

impl Default for RogueEngine {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start_new: Default::default(),
            start_resume: Default::default(),
            pause: Default::default(),
            mode_read: Default::default(),
            mode_write: Default::default(),
            mode_flood: Default::default(),
            mode_ignore_pause: Default::default(),
            target: Default::default(),
            span: Default::default(),
            count: Default::default(),
            snap_line: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            wr_rsp_valid: Default::default(),
            wr_rsp_mdata: Default::default(),
            rd_sum: Default::default(),
            r_rd_issued: Default::default(),
            r_wr_issued: Default::default(),
            r_issued: Default::default(),
            r_done: Default::default(),
            r_checksum: Default::default(),
            r_rd_off: Default::default(),
            r_wr_off: Default::default(),
            state: Default::default(),
            running: Default::default(),
            issued: Default::default(),
            done: Default::default(),
            checksum: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_addr: Default::default(),
            wr_req_cl_len: Default::default(),
            wr_req_sop: Default::default(),
            wr_req_mdata: Default::default(),
            wr_snap: Default::default(),
            rd_issued: Default::default(),
            wr_issued: Default::default(),
            rd_off: Default::default(),
            wr_off: Default::default(),
            rd: Default::default(),
            wr: Default::default(),
            iss: Default::default(),
            phase: Default::default(),
            pause_pend: Default::default(),
            issued_q: Default::default(),
            done_q: Default::default(),
            sum_q: Default::default(),
            quad: Default::default(),
            rd_count: Default::default(),
            wr_count: Default::default(),
            rd_snap: Default::default(),
            wr_snap_rsp: Default::default(),
            can_start: Default::default(),
            clear: Default::default(),
            load: Default::default(),
            finish: Default::default(),
            p_idle: k(phase::IDLE),
            p_run: k(phase::RUN),
            p_drain: k(phase::DRAIN),
            p_snap_wr: k(phase::SNAP_WR),
            p_snap_wait: k(phase::SNAP_WAIT),
            p_paused: k(phase::PAUSED),
            p_restore: k(phase::RESTORE),
            p_restore_wait: k(phase::RESTORE_WAIT),
            p_finished: k(phase::FINISHED),
            st_idle: k(State::Idle as u64),
            st_running: k(State::Running as u64),
            st_finished: k(State::Finished as u64),
            st_paused: k(State::Paused as u64),
            zero2: k(0),
            snap16: k(SNAP_MDATA),
            one16: k(1),
            four16: k(4),
            zero32: k(0),
            one32: k(1),
            two32: k(2),
            four32: k(4),
            zero42: k(0),
            three42: k(3),
            zero64: k(0),
        }
    }
}

impl Logic for RogueEngine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, phase, pause_pend, issued_q, done_q, sum_q);
        // 4-line requests when the span is a non-zero multiple of 4 and the target 4-aligned.
        self.quad.next = (self.span.val().get_bits::<2>(0) == self.zero2.val())
            & (self.span.val() != self.zero32.val())
            & ((self.target.val() & self.three42.val()) == self.zero42.val());
        // Responses that belong to the job, and the snapshot's own (told apart by mdata).
        self.rd_count.next =
            self.rd_rsp_valid.val() & (self.rd_rsp_mdata.val() != self.snap16.val());
        self.wr_count.next =
            self.wr_rsp_valid.val() & (self.wr_rsp_mdata.val() != self.snap16.val());
        self.rd_snap.next = self.rd_rsp_valid.val()
            & (self.rd_rsp_mdata.val() == self.snap16.val())
            & (self.rd_rsp_cl_num.val() == self.zero2.val());
        self.wr_snap_rsp.next =
            self.wr_rsp_valid.val() & (self.wr_rsp_mdata.val() == self.snap16.val());
        self.can_start.next = (self.phase.q.val() == self.p_idle.val())
            | (self.phase.q.val() == self.p_finished.val())
            | (self.phase.q.val() == self.p_paused.val());
        self.clear.next = self.can_start.val() & self.start_new.val();
        self.load.next = (self.phase.q.val() == self.p_restore_wait.val()) & self.rd_snap.val();

        // The request registers.
        self.iss.clock.next = self.clock.val();
        self.iss.reset.next = self.reset.val();
        self.iss.run.next = self.phase.q.val() == self.p_run.val();
        self.iss.snap.next = self.phase.q.val() == self.p_snap_wr.val();
        self.iss.restore.next = self.phase.q.val() == self.p_restore.val();
        self.iss.rd_want.next = self.rd.want.val();
        self.iss.wr_want.next = self.wr.want.val();
        self.iss.quad.next = self.quad.val();
        self.iss.rd_line.next = self.rd.addr.val();
        self.iss.wr_line.next = self.wr.addr.val();
        self.iss.snap_line.next = self.snap_line.val();
        self.iss.c0_almfull.next = self.c0_almfull.val();
        self.iss.c1_almfull.next = self.c1_almfull.val();
        self.rd_req_valid.next = self.iss.rd_req_valid.val();
        self.rd_req_addr.next = self.iss.rd_req_addr.val();
        self.rd_req_cl_len.next = self.iss.rd_req_cl_len.val();
        self.rd_req_mdata.next = self.iss.rd_req_mdata.val();
        self.wr_req_valid.next = self.iss.wr_req_valid.val();
        self.wr_req_addr.next = self.iss.wr_req_addr.val();
        self.wr_req_cl_len.next = self.iss.wr_req_cl_len.val();
        self.wr_req_sop.next = self.iss.wr_req_sop.val();
        self.wr_req_mdata.next = self.iss.wr_req_mdata.val();
        self.wr_snap.next = self.iss.wr_snap.val();

        // The streams: reads add `lines` outstanding lines, writes one request.
        self.rd.clock.next = self.clock.val();
        self.rd.reset.next = self.reset.val() | self.clear.val();
        self.rd.enable.next = self.mode_read.val();
        self.rd.flood.next = self.mode_flood.val();
        self.rd.count.next = self.count.val();
        self.rd.span.next = self.span.val();
        self.rd.target.next = self.target.val();
        self.rd.go.next = self.iss.rd_go.val();
        self.rd.rsp.next = self.rd_count.val();
        self.rd.load.next = self.load.val();
        self.rd.load_issued.next = self.r_rd_issued.val();
        self.rd.load_off.next = self.r_rd_off.val();
        self.wr.clock.next = self.clock.val();
        self.wr.reset.next = self.reset.val() | self.clear.val();
        self.wr.enable.next = self.mode_write.val();
        self.wr.flood.next = self.mode_flood.val();
        self.wr.count.next = self.count.val();
        self.wr.span.next = self.span.val();
        self.wr.target.next = self.target.val();
        self.wr.go.next = self.iss.wr_start.val();
        self.wr.rsp.next = self.wr_count.val();
        self.wr.load.next = self.load.val();
        self.wr.load_issued.next = self.r_wr_issued.val();
        self.wr.load_off.next = self.r_wr_off.val();
        self.wr.inc.next = self.one16.val();
        self.rd.step.next = self.one32.val();
        self.wr.step.next = self.one32.val();
        self.rd.inc.next = self.one16.val();
        if self.quad.val() {
            self.rd.step.next = self.four32.val();
            self.wr.step.next = self.four32.val();
            self.rd.inc.next = self.four16.val();
        }

        // Counters.
        if self.iss.rd_go.val() & self.iss.wr_start.val() {
            self.issued_q.d.next = self.issued_q.q.val() + self.two32.val();
        }
        if self.iss.rd_go.val() ^ self.iss.wr_start.val() {
            self.issued_q.d.next = self.issued_q.q.val() + self.one32.val();
        }
        if self.rd_count.val() & self.wr_count.val() {
            self.done_q.d.next = self.done_q.q.val() + self.two32.val();
        }
        if self.rd_count.val() ^ self.wr_count.val() {
            self.done_q.d.next = self.done_q.q.val() + self.one32.val();
        }
        if self.rd_count.val() {
            self.sum_q.d.next = self.sum_q.q.val() + self.rd_sum.val();
        }

        // The job.
        self.finish.next = (self.count.val() != self.zero32.val())
            & (!self.mode_read.val() | self.rd.spent.val())
            & (!self.mode_write.val() | self.wr.spent.val())
            & self.rd.quiet.val()
            & self.wr.quiet.val()
            & !self.iss.open.val();
        self.pause_pend.d.next = false;
        if self.phase.q.val() == self.p_run.val() {
            if (self.pause.val() | self.pause_pend.q.val()) & !self.mode_ignore_pause.val() {
                self.phase.d.next = self.p_drain.val();
            } else if self.finish.val() {
                self.phase.d.next = self.p_finished.val();
            }
        }
        if (self.phase.q.val() == self.p_drain.val())
            & !self.iss.open.val()
            & self.rd.quiet.val()
            & self.wr.quiet.val()
        {
            self.phase.d.next = self.p_snap_wr.val();
        }
        if (self.phase.q.val() == self.p_snap_wr.val()) & self.iss.snap_go.val() {
            self.phase.d.next = self.p_snap_wait.val();
        }
        if (self.phase.q.val() == self.p_snap_wait.val()) & self.wr_snap_rsp.val() {
            self.phase.d.next = self.p_paused.val();
        }
        if self.phase.q.val() == self.p_restore.val() {
            self.pause_pend.d.next = self.pause_pend.q.val() | self.pause.val();
            if self.iss.restore_go.val() {
                self.phase.d.next = self.p_restore_wait.val();
            }
        }
        if self.phase.q.val() == self.p_restore_wait.val() {
            self.pause_pend.d.next = self.pause_pend.q.val() | self.pause.val();
            if self.load.val() {
                self.phase.d.next = self.p_run.val();
                self.issued_q.d.next = self.r_issued.val();
                self.done_q.d.next = self.r_done.val();
                self.sum_q.d.next = self.r_checksum.val();
            }
        }
        if self.can_start.val() & self.start_resume.val() {
            self.phase.d.next = self.p_restore.val();
        }
        if self.clear.val() {
            self.phase.d.next = self.p_idle.val();
            if self.span.val() != self.zero32.val() {
                self.phase.d.next = self.p_run.val();
            }
        }
        if self.clear.val() {
            self.issued_q.d.next = self.zero32.val();
            self.done_q.d.next = self.zero32.val();
            self.sum_q.d.next = self.zero64.val();
        }

        // Outputs.
        self.state.next = self.st_running.val();
        self.running.next = true;
        if self.phase.q.val() == self.p_idle.val() {
            self.state.next = self.st_idle.val();
            self.running.next = false;
        }
        if self.phase.q.val() == self.p_finished.val() {
            self.state.next = self.st_finished.val();
            self.running.next = false;
        }
        if self.phase.q.val() == self.p_paused.val() {
            self.state.next = self.st_paused.val();
            self.running.next = false;
        }
        self.issued.next = self.issued_q.q.val();
        self.done.next = self.done_q.q.val();
        self.checksum.next = self.sum_q.q.val();
        self.rd_issued.next = self.rd.issued.val();
        self.wr_issued.next = self.wr.issued.val();
        self.rd_off.next = self.rd.off.val();
        self.wr_off.next = self.wr.off.val();

        if self.reset.val() {
            self.phase.d.next = self.p_idle.val();
            self.pause_pend.d.next = false;
            self.issued_q.d.next = self.zero32.val();
            self.done_q.d.next = self.zero32.val();
            self.sum_q.d.next = self.zero64.val();
        }
    }
}
