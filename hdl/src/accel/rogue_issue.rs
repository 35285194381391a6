//! Rogue's request registers: what goes out on the read and write channels in the next
//! cycle, with almfull's slack and write framing. The engine says which phase it is in and
//! what the streams want; this block decides what is issued (`rd_go`, `wr_start`, ...) and
//! holds every request field in a register.
//!
//! * **Slack.** A beat may be presented in the next cycle if almfull is low at this edge, or
//!   if some of the 8 beats allowed after almfull was first seen high are left (per channel;
//!   refilled to 8 whenever almfull is seen low). So a flooding stream uses exactly the 8
//!   beats the protocol allows, and never a ninth.
//! * **Reads**: the stream's request (`run` and `rd_want`), or the snapshot's one-line read
//!   (`restore`, mdata [`SNAP_MDATA`]).
//! * **Writes**: the rest of an open packet (beats on consecutive allowed cycles, whatever the
//!   phase), a new packet (`run`, `wr_want`, no packet open), or the snapshot's one-line write
//!   (`snap`, mdata [`SNAP_MDATA`]). A packet is `quad` ? 4 : 1 lines.
//!
//! ### Inputs
//! `clock`, `reset`, `run`, `snap`, `restore` (phase), `rd_want`, `wr_want`, `quad`,
//! `rd_line`, `wr_line` (the streams' next addresses), `snap_line`, `c0_almfull`,
//! `c1_almfull`.
//! ### Outputs
//! `rd_go`, `wr_start`, `snap_go`, `restore_go` (what is issued at this edge), `open` (a
//! write packet is open), `rd_req_*`, `wr_req_*` (registers; no data), `wr_snap` (the beat
//! is the snapshot line).

use crate::shell::k;
use rust_hdl::prelude::*;

/// `mdata` of the snapshot's write and read (stream requests carry 0).
pub const SNAP_MDATA: u64 = 1;

/// Rogue's request registers.
#[derive(LogicBlock)]
pub struct RogueIssue {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Phase Run: the streams may issue.
    pub run: Signal<In, Bit>,
    /// Phase SnapWr: write the snapshot line.
    pub snap: Signal<In, Bit>,
    /// Phase Restore: read the snapshot line.
    pub restore: Signal<In, Bit>,
    /// The read stream wants to issue.
    pub rd_want: Signal<In, Bit>,
    /// The write stream wants to issue.
    pub wr_want: Signal<In, Bit>,
    /// 4-line requests (else 1-line).
    pub quad: Signal<In, Bit>,
    /// The read stream's next line.
    pub rd_line: Signal<In, Bits<42>>,
    /// The write stream's next line.
    pub wr_line: Signal<In, Bits<42>>,
    /// SNAPSHOT_ADDR as a line.
    pub snap_line: Signal<In, Bits<42>>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full, write beats.
    pub c1_almfull: Signal<In, Bit>,
    /// A stream read is issued at this edge.
    pub rd_go: Signal<Out, Bit>,
    /// A stream write packet starts at this edge.
    pub wr_start: Signal<Out, Bit>,
    /// The snapshot write is issued at this edge.
    pub snap_go: Signal<Out, Bit>,
    /// The snapshot read is issued at this edge.
    pub restore_go: Signal<Out, Bit>,
    /// A write packet is open (beats left).
    pub open: Signal<Out, Bit>,
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
    /// The beat is the snapshot line.
    pub wr_snap: Signal<Out, Bit>,
    slack0: DFF<Bits<4>>,
    slack1: DFF<Bits<4>>,
    wr_left: DFF<Bits<2>>,
    wr_next: DFF<Bits<42>>,
    rd_v: DFF<Bit>,
    rd_addr: DFF<Bits<42>>,
    rd_cl: DFF<Bits<2>>,
    rd_md: DFF<Bits<16>>,
    wr_v: DFF<Bit>,
    wr_addr: DFF<Bits<42>>,
    wr_cl: DFF<Bits<2>>,
    wr_sop: DFF<Bit>,
    wr_md: DFF<Bits<16>>,
    wr_sn: DFF<Bit>,
    ok0: Signal<Local, Bit>,
    ok1: Signal<Local, Bit>,
    cont: Signal<Local, Bit>,
    len: Signal<Local, Bits<2>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    three2: Constant<Bits<2>>,
    zero4: Constant<Bits<4>>,
    one4: Constant<Bits<4>>,
    eight4: Constant<Bits<4>>,
    zero16: Constant<Bits<16>>,
    snap16: Constant<Bits<16>>,
    one42: Constant<Bits<42>>,
}

impl Default for RogueIssue {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            run: Default::default(),
            snap: Default::default(),
            restore: Default::default(),
            rd_want: Default::default(),
            wr_want: Default::default(),
            quad: Default::default(),
            rd_line: Default::default(),
            wr_line: Default::default(),
            snap_line: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_go: Default::default(),
            wr_start: Default::default(),
            snap_go: Default::default(),
            restore_go: Default::default(),
            open: Default::default(),
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
            slack0: Default::default(),
            slack1: Default::default(),
            wr_left: Default::default(),
            wr_next: Default::default(),
            rd_v: Default::default(),
            rd_addr: Default::default(),
            rd_cl: Default::default(),
            rd_md: Default::default(),
            wr_v: Default::default(),
            wr_addr: Default::default(),
            wr_cl: Default::default(),
            wr_sop: Default::default(),
            wr_md: Default::default(),
            wr_sn: Default::default(),
            ok0: Default::default(),
            ok1: Default::default(),
            cont: Default::default(),
            len: Default::default(),
            zero2: k(0),
            one2: k(1),
            three2: k(3),
            zero4: k(0),
            one4: k(1),
            eight4: k(8),
            zero16: k(0),
            snap16: k(SNAP_MDATA),
            one42: k(1),
        }
    }
}

impl Logic for RogueIssue {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, slack0, slack1, wr_left, wr_next, rd_v, rd_addr, rd_cl, rd_md, wr_v,
            wr_addr, wr_cl, wr_sop, wr_md, wr_sn
        );
        self.ok0.next = !self.c0_almfull.val() | (self.slack0.q.val() != self.zero4.val());
        self.ok1.next = !self.c1_almfull.val() | (self.slack1.q.val() != self.zero4.val());
        self.len.next = self.zero2.val();
        if self.quad.val() {
            self.len.next = self.three2.val();
        }
        self.open.next = self.wr_left.q.val() != self.zero2.val();
        self.cont.next = (self.wr_left.q.val() != self.zero2.val()) & self.ok1.val();
        self.rd_go.next = self.run.val() & self.rd_want.val() & self.ok0.val();
        self.restore_go.next = self.restore.val() & self.ok0.val();
        self.wr_start.next = self.run.val()
            & self.wr_want.val()
            & (self.wr_left.q.val() == self.zero2.val())
            & self.ok1.val();
        self.snap_go.next =
            self.snap.val() & (self.wr_left.q.val() == self.zero2.val()) & self.ok1.val();

        // Slack: spent only by beats decided while almfull is seen high.
        if !self.c0_almfull.val() {
            self.slack0.d.next = self.eight4.val();
        }
        if self.c0_almfull.val() & (self.rd_go.val() | self.restore_go.val()) {
            self.slack0.d.next = self.slack0.q.val() - self.one4.val();
        }
        if !self.c1_almfull.val() {
            self.slack1.d.next = self.eight4.val();
        }
        if self.c1_almfull.val() & (self.wr_start.val() | self.cont.val() | self.snap_go.val()) {
            self.slack1.d.next = self.slack1.q.val() - self.one4.val();
        }

        self.rd_v.d.next = self.rd_go.val() | self.restore_go.val();
        if self.rd_go.val() {
            self.rd_addr.d.next = self.rd_line.val();
            self.rd_cl.d.next = self.len.val();
            self.rd_md.d.next = self.zero16.val();
        }
        if self.restore_go.val() {
            self.rd_addr.d.next = self.snap_line.val();
            self.rd_cl.d.next = self.zero2.val();
            self.rd_md.d.next = self.snap16.val();
        }

        self.wr_v.d.next = self.wr_start.val() | self.cont.val() | self.snap_go.val();
        self.wr_sop.d.next = self.wr_start.val() | self.snap_go.val();
        self.wr_sn.d.next = self.snap_go.val();
        if self.cont.val() {
            self.wr_addr.d.next = self.wr_next.q.val();
            self.wr_next.d.next = self.wr_next.q.val() + self.one42.val();
            self.wr_left.d.next = self.wr_left.q.val() - self.one2.val();
        }
        if self.wr_start.val() {
            self.wr_addr.d.next = self.wr_line.val();
            self.wr_next.d.next = self.wr_line.val() + self.one42.val();
            self.wr_cl.d.next = self.len.val();
            self.wr_left.d.next = self.len.val();
            self.wr_md.d.next = self.zero16.val();
        }
        if self.snap_go.val() {
            self.wr_addr.d.next = self.snap_line.val();
            self.wr_cl.d.next = self.zero2.val();
            self.wr_md.d.next = self.snap16.val();
        }

        self.rd_req_valid.next = self.rd_v.q.val();
        self.rd_req_addr.next = self.rd_addr.q.val();
        self.rd_req_cl_len.next = self.rd_cl.q.val();
        self.rd_req_mdata.next = self.rd_md.q.val();
        self.wr_req_valid.next = self.wr_v.q.val();
        self.wr_req_addr.next = self.wr_addr.q.val();
        self.wr_req_cl_len.next = self.wr_cl.q.val();
        self.wr_req_sop.next = self.wr_sop.q.val();
        self.wr_req_mdata.next = self.wr_md.q.val();
        self.wr_snap.next = self.wr_sn.q.val();

        if self.reset.val() {
            self.slack0.d.next = self.eight4.val();
            self.slack1.d.next = self.eight4.val();
            self.wr_left.d.next = self.zero2.val();
            self.rd_v.d.next = false;
            self.wr_v.d.next = false;
            self.wr_sop.d.next = false;
            self.wr_sn.d.next = false;
        }
    }
}
