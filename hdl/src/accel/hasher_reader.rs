//! The Hasher's read channel: issues the job's reads under a 16-line credit, finds the line
//! index of every (out-of-order) response and keys it; also carries the snapshot reads.
//!
//! ```text
//!  enable, next, lines ─► issue (credit, busy residues, almfull) ─► [req regs] ─► rd_req_*
//!  snap_req ────────────────────────────────────────────────────────────┘
//!  rd_rsp_* ─► [rsp regs] ─┬─ job: line index ─► LineInit ─► out_valid/out_data (mixer)
//!                          └─ snapshot (mdata bit 11) ─► snap_valid/snap_idx/snap_data
//! ```
//!
//! * **Requests.** Job line `next` (0-based) is at `src_line + next`. A 4-line read is used
//!   when at least 4 lines remain and the address is a multiple of 4, else a 1-line read.
//!   A read is issued only if the credit has room (lines issued and not yet taken by the
//!   mixer, at most 16 = the mixer's buffer) and `c0_almfull` is low.
//! * **Line index from mdata.** `mdata[3:0]` is the residue mod 16 of the request's first
//!   line; a response's line has residue `r = mdata[3:0] + cl_num`. A `busy` bit per residue
//!   is set at issue and cleared at the response, and a line is not issued while its residue
//!   is busy, so at most one line per residue is ever in flight: it is the newest issued line
//!   with that residue, `next - 1 - ((next - 1 - r) mod 16)`. No tag table, any reordering.
//! * **Snapshot reads** carry mdata bit 11 (`snap_idx` in bit 0) and are never counted in the
//!   credit; the engine issues them only while no job read is in flight.
//! * **Timing.** Requests leave from registers (one cycle after the decision); a response is
//!   registered, then keyed combinationally into the mixer's buffer.
//!
//! ### Inputs
//! `clock`, `reset`, `enable` (may issue job reads), `set_next` + `set_next_value` (job
//! start: also clears credit and busy bits; a snapshot header line does the same with its
//! NEXT_LINE word), `src_line`, `lines`, `seed`,
//! `snap_req` + `snap_addr` + `snap_idx`, `c0_almfull`, `rd_rsp_*`, `popped` (from the mixer).
//! ### Outputs
//! `rd_req_*`, `out_valid` + `out_data`, `snap_valid` + `snap_idx_out` + `snap_data`, `next_line`
//! (next line to read), `quiet` (no job read in flight, nothing credited).

use super::lanes::LineInit;
use crate::shell::concat::Concat;
use crate::shell::k;
use optimus_regs::hasher::snapshot;
use rust_hdl::prelude::*;

/// The mdata bit of a snapshot read (the top one an accelerator may use).
pub const SNAP_TAG_BIT: usize = crate::accel::MDATA_BITS - 1;

/// The read channel.
#[derive(LogicBlock)]
pub struct Reader {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Job reads may be issued.
    pub enable: Signal<In, Bit>,
    /// Set `next`, clear the credit and the busy residues.
    pub set_next: Signal<In, Bit>,
    /// The value for `next`.
    pub set_next_value: Signal<In, Bits<64>>,
    /// Line address of the buffer.
    pub src_line: Signal<In, Bits<42>>,
    /// LINES.
    pub lines: Signal<In, Bits<64>>,
    /// SEED.
    pub seed: Signal<In, Bits<64>>,
    /// Issue a 1-line snapshot read.
    pub snap_req: Signal<In, Bit>,
    /// Its line address.
    pub snap_addr: Signal<In, Bits<42>>,
    /// Which snapshot line it is.
    pub snap_idx: Signal<In, Bit>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its line address.
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
    /// The mixer took a line from its buffer.
    pub popped: Signal<In, Bit>,
    /// A keyed job line for the mixer.
    pub out_valid: Signal<Out, Bit>,
    /// The keyed line.
    pub out_data: Signal<Out, Bits<512>>,
    /// A snapshot line arrived.
    pub snap_valid: Signal<Out, Bit>,
    /// Which one.
    pub snap_idx_out: Signal<Out, Bit>,
    /// Its data.
    pub snap_data: Signal<Out, Bits<512>>,
    /// Next job line to read.
    pub next_line: Signal<Out, Bits<64>>,
    /// No job line in flight or credited.
    pub quiet: Signal<Out, Bit>,
    init: LineInit,
    cl4: Concat<2, 2, 4>,
    d64: Concat<4, 60, 64>,
    tag16: Concat<4, 12, 16>,
    nxt: DFF<Bits<64>>,
    held: DFF<Bits<5>>,
    busy: DFF<Bits<16>>,
    q_v: DFF<Bit>,
    q_addr: DFF<Bits<42>>,
    q_cl: DFF<Bits<2>>,
    q_mdata: DFF<Bits<16>>,
    r_v: DFF<Bit>,
    r_mdata: DFF<Bits<16>>,
    r_cl: DFF<Bits<2>>,
    r_data: DFF<Bits<512>>,
    addr: Signal<Local, Bits<42>>,
    four: Signal<Local, Bit>,
    base_mask: Signal<Local, Bits<32>>,
    set_mask: Signal<Local, Bits<32>>,
    add5: Signal<Local, Bits<5>>,
    sub5: Signal<Local, Bits<5>>,
    set16: Signal<Local, Bits<16>>,
    clr16: Signal<Local, Bits<16>>,
    resid: Signal<Local, Bits<4>>,
    issue: Signal<Local, Bit>,
    snap: Signal<Local, Bit>,
    zero2: Constant<Bits<2>>,
    three2: Constant<Bits<2>>,
    zero5: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
    four5: Constant<Bits<5>>,
    room1: Constant<Bits<5>>,
    room4: Constant<Bits<5>>,
    zero12: Constant<Bits<12>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    snap16: Constant<Bits<16>>,
    one4: Constant<Bits<4>>,
    zero60: Constant<Bits<60>>,
    one32: Constant<Bits<32>>,
    f32: Constant<Bits<32>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    four64: Constant<Bits<64>>,
    tag_at: Constant<Bits<4>>,
    w_next: Constant<Bits<9>>,
}

impl Default for Reader {
    fn default() -> Self {
        let lines = super::mixer::BUF_LINES;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            set_next: Default::default(),
            set_next_value: Default::default(),
            src_line: Default::default(),
            lines: Default::default(),
            seed: Default::default(),
            snap_req: Default::default(),
            snap_addr: Default::default(),
            snap_idx: Default::default(),
            c0_almfull: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            rd_rsp_data: Default::default(),
            popped: Default::default(),
            out_valid: Default::default(),
            out_data: Default::default(),
            snap_valid: Default::default(),
            snap_idx_out: Default::default(),
            snap_data: Default::default(),
            next_line: Default::default(),
            quiet: Default::default(),
            init: Default::default(),
            cl4: Default::default(),
            d64: Default::default(),
            tag16: Default::default(),
            nxt: Default::default(),
            held: Default::default(),
            busy: Default::default(),
            q_v: Default::default(),
            q_addr: Default::default(),
            q_cl: Default::default(),
            q_mdata: Default::default(),
            r_v: Default::default(),
            r_mdata: Default::default(),
            r_cl: Default::default(),
            r_data: Default::default(),
            addr: Default::default(),
            four: Default::default(),
            base_mask: Default::default(),
            set_mask: Default::default(),
            add5: Default::default(),
            sub5: Default::default(),
            set16: Default::default(),
            clr16: Default::default(),
            resid: Default::default(),
            issue: Default::default(),
            snap: Default::default(),
            zero2: k(0),
            three2: k(3),
            zero5: k(0),
            one5: k(1),
            four5: k(4),
            room1: k(lines - 1),
            room4: k(lines - 4),
            zero12: k(0),
            zero16: k(0),
            one16: k(1),
            snap16: k(1 << SNAP_TAG_BIT),
            one4: k(1),
            zero60: k(0),
            one32: k(1),
            f32: k(0xf),
            zero64: k(0),
            one64: k(1),
            four64: k(4),
            tag_at: k(SNAP_TAG_BIT as u64),
            w_next: k(64 * snapshot::NEXT_LINE as u64),
        }
    }
}

impl Logic for Reader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, nxt, held, busy, q_v, q_addr, q_cl, q_mdata, r_v, r_mdata, r_cl, r_data
        );
        // The next job read: its address, length and residues.
        self.addr.next = self.src_line.val() + self.nxt.q.val().get_bits::<42>(0);
        self.four.next = ((self.lines.val() - self.nxt.q.val()) >= self.four64.val())
            & !self.addr.val().get_bits::<2>(0).any();
        self.base_mask.next = self.one32.val();
        if self.four.val() {
            self.base_mask.next = self.f32.val();
        }
        self.set_mask.next = self.base_mask.val() << self.nxt.q.val().get_bits::<4>(0);
        self.set16.next =
            self.set_mask.val().get_bits::<16>(0) | self.set_mask.val().get_bits::<16>(16);
        self.issue.next = self.enable.val()
            & (self.nxt.q.val() < self.lines.val())
            & !self.c0_almfull.val()
            & ((self.busy.q.val() & self.set16.val()) == self.zero16.val())
            & ((self.four.val() & (self.held.q.val() <= self.room4.val()))
                | (!self.four.val() & (self.held.q.val() <= self.room1.val())));

        // Request registers: a job read, or a snapshot read.
        self.q_v.d.next = self.issue.val() | self.snap_req.val();
        self.q_addr.d.next = self.addr.val();
        self.q_cl.d.next = self.zero2.val();
        if self.four.val() {
            self.q_cl.d.next = self.three2.val();
        }
        self.tag16.lo.next = self.nxt.q.val().get_bits::<4>(0);
        self.tag16.hi.next = self.zero12.val();
        self.q_mdata.d.next = self.tag16.out.val();
        if self.snap_req.val() {
            self.q_addr.d.next = self.snap_addr.val();
            self.q_cl.d.next = self.zero2.val();
            self.q_mdata.d.next = self.snap16.val();
            if self.snap_idx.val() {
                self.q_mdata.d.next = self.snap16.val() | self.one16.val();
            }
        }
        self.rd_req_valid.next = self.q_v.q.val();
        self.rd_req_addr.next = self.q_addr.q.val();
        self.rd_req_cl_len.next = self.q_cl.q.val();
        self.rd_req_mdata.next = self.q_mdata.q.val();

        // Responses: registered, then sorted into snapshot lines and job lines.
        self.r_v.d.next = self.rd_rsp_valid.val();
        self.r_mdata.d.next = self.rd_rsp_mdata.val();
        self.r_cl.d.next = self.rd_rsp_cl_num.val();
        self.r_data.d.next = self.rd_rsp_data.val();
        self.snap.next = self.r_mdata.q.val().get_bit(self.tag_at.val().index());
        self.snap_valid.next =
            self.r_v.q.val() & self.r_mdata.q.val().get_bit(self.tag_at.val().index());
        self.snap_idx_out.next = self.r_mdata.q.val().get_bit(0);
        self.snap_data.next = self.r_data.q.val();
        self.cl4.lo.next = self.r_cl.q.val();
        self.cl4.hi.next = self.zero2.val();
        self.resid.next = self.r_mdata.q.val().get_bits::<4>(0) + self.cl4.out.val();
        // The newest issued line with residue `resid`: next - 1 - ((next - 1 - resid) mod 16).
        self.d64.lo.next = self.nxt.q.val().get_bits::<4>(0) - self.one4.val() - self.resid.val();
        self.d64.hi.next = self.zero60.val();
        self.init.data.next = self.r_data.q.val();
        self.init.seed.next = self.seed.val();
        self.init.line.next = self.nxt.q.val() - self.one64.val() - self.d64.out.val();
        self.out_valid.next = self.r_v.q.val() & !self.snap.val();
        self.out_data.next = self.init.out.val();
        self.clr16.next = self.zero16.val();
        if self.r_v.q.val() & !self.snap.val() {
            self.clr16.next = self.one16.val() << self.resid.val();
        }

        // Bookkeeping: next line, credit, busy residues.
        if self.issue.val() {
            self.nxt.d.next = self.nxt.q.val() + self.one64.val();
            if self.four.val() {
                self.nxt.d.next = self.nxt.q.val() + self.four64.val();
            }
        }
        self.add5.next = self.zero5.val();
        if self.issue.val() & self.four.val() {
            self.add5.next = self.four5.val();
        }
        if self.issue.val() & !self.four.val() {
            self.add5.next = self.one5.val();
        }
        self.sub5.next = self.zero5.val();
        if self.popped.val() {
            self.sub5.next = self.one5.val();
        }
        self.held.d.next = self.held.q.val() + self.add5.val() - self.sub5.val();
        self.busy.d.next = (self.busy.q.val() & !self.clr16.val()) | self.set16.val();
        if !self.issue.val() {
            self.busy.d.next = self.busy.q.val() & !self.clr16.val();
        }
        self.next_line.next = self.nxt.q.val();
        self.quiet.next = (self.held.q.val() == self.zero5.val())
            & (self.busy.q.val() == self.zero16.val())
            & !self.r_v.q.val();

        // A resume's snapshot header restores `next`; nothing is in flight then. (Spelled
        // out from registers: reading this block's own outputs or locals here makes Verilator
        // see a loop through the engine's `set_next`.)
        if self.r_v.q.val()
            & self.r_mdata.q.val().get_bit(self.tag_at.val().index())
            & !self.r_mdata.q.val().get_bit(0)
        {
            self.nxt.d.next = self
                .r_data
                .q
                .val()
                .get_bits::<64>(self.w_next.val().index());
            self.held.d.next = self.zero5.val();
            self.busy.d.next = self.zero16.val();
        }
        if self.set_next.val() {
            self.nxt.d.next = self.set_next_value.val();
            self.held.d.next = self.zero5.val();
            self.busy.d.next = self.zero16.val();
        }
        if self.reset.val() {
            self.q_v.d.next = false;
            self.r_v.d.next = false;
            self.nxt.d.next = self.zero64.val();
            self.held.d.next = self.zero5.val();
            self.busy.d.next = self.zero16.val();
        }
    }
}
