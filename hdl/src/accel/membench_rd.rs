//! MemBench's read stream: issues one read request per cycle from its [`Order`] while
//! `issue` is high and `c0_almfull` low, counts the lines returned and sums their words; also
//! issues the snapshot read of a resume and hands its line back.
//!
//! * **Issue.** A request goes out (registered) in the cycle after `issue & valid &
//!   !c0_almfull`; almfull is obeyed with no use of the 8-request slack (a request decided in
//!   cycle t is presented in t + 1 only if almfull was low in t). Address BUF_ADDR/64 + idx,
//!   `cl_len` of the job, `mdata` = an 11-bit request tag (bits `[15:11]` 0). `issued` counts
//!   lines when the request is decided; `pos` keeps the sequential position after the last
//!   issued request (for the snapshot).
//! * **Snapshot read.** `snap_rd & !c0_almfull` (with no stream request in that cycle) sends
//!   a one-line read of `snap_line` with `mdata` = [`snapshot::MDATA`]. Its response (that
//!   mdata, `cl_num` 0) is not counted: `snap_valid` pulses with `snap_data` instead.
//! * **Responses** are registered (r1), then counted: `done` += 1, `sum` += the wrapping sum
//!   of the line's eight words. `idle`: every issued line returned and counted.
//! * `load` sets `issued = done = lines0`, `sum = sum0`, `pos = pos0` (start: 0; resume: the
//!   snapshot). Reset clears everything.
//!
//! ### Inputs
//! `clock`, `reset`, `load`, `lines0`, `sum0`, `pos0`, `issue`, `c0_almfull`, `ord_valid`,
//! `ord_idx`, `ord_npos`, `buf_line`, `cl_len`, `len`, `snap_rd`, `snap_line`,
//! `rd_rsp_valid`, `rd_rsp_mdata`, `rd_rsp_cl_num`, `rd_rsp_data`.
//! ### Outputs
//! `ord_take`, `rd_req_valid`, `rd_req_addr`, `rd_req_cl_len`, `rd_req_mdata` (registered),
//! `issued`, `done`, `sum`, `pos`, `idle`, `snap_valid`, `snap_data`.
//!
//! [`Order`]: super::order::Order

use crate::shell::k;
use optimus_regs::membench::snapshot;
use rust_hdl::prelude::*;

/// Width of a line address.
pub const LINE_BITS: usize = 42;
/// Request tags wrap at 2^11, so a stream's mdata never equals [`snapshot::MDATA`].
pub const TAG_MASK: u64 = 0x7ff;

const _: () = assert!(snapshot::MDATA & !TAG_MASK != 0 && snapshot::MDATA < 1 << 12);

/// The read stream.
#[derive(LogicBlock)]
pub struct ReadStream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Load the counters from `lines0`, `sum0`, `pos0`.
    pub load: Signal<In, Bit>,
    /// Lines issued and returned so far.
    pub lines0: Signal<In, Bits<64>>,
    /// CHECKSUM so far.
    pub sum0: Signal<In, Bits<64>>,
    /// Sequential position.
    pub pos0: Signal<In, Bits<LINE_BITS>>,
    /// New stream requests may be issued.
    pub issue: Signal<In, Bit>,
    /// Almost full (reads).
    pub c0_almfull: Signal<In, Bit>,
    /// The order has an entry.
    pub ord_valid: Signal<In, Bit>,
    /// Its buffer line.
    pub ord_idx: Signal<In, Bits<LINE_BITS>>,
    /// The sequential position after it.
    pub ord_npos: Signal<In, Bits<LINE_BITS>>,
    /// Taking the entry this cycle.
    pub ord_take: Signal<Out, Bit>,
    /// Line address of the buffer.
    pub buf_line: Signal<In, Bits<LINE_BITS>>,
    /// Length code of the job.
    pub cl_len: Signal<In, Bits<2>>,
    /// Lines per request.
    pub len: Signal<In, Bits<64>>,
    /// Send the snapshot read now (if almfull allows).
    pub snap_rd: Signal<In, Bit>,
    /// Line address of the snapshot.
    pub snap_line: Signal<In, Bits<LINE_BITS>>,
    /// Read response.
    pub rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index.
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub rd_rsp_data: Signal<In, Bits<512>>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub rd_req_addr: Signal<Out, Bits<LINE_BITS>>,
    /// Its length code.
    pub rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub rd_req_mdata: Signal<Out, Bits<16>>,
    /// Lines issued.
    pub issued: Signal<Out, Bits<64>>,
    /// Lines returned and counted.
    pub done: Signal<Out, Bits<64>>,
    /// Wrapping sum of every word counted.
    pub sum: Signal<Out, Bits<64>>,
    /// Sequential position after the last issued request.
    pub pos: Signal<Out, Bits<LINE_BITS>>,
    /// Nothing outstanding.
    pub idle: Signal<Out, Bit>,
    /// The snapshot line is in `snap_data` (one cycle).
    pub snap_valid: Signal<Out, Bit>,
    /// The last response's line.
    pub snap_data: Signal<Out, Bits<512>>,
    rq_v: DFF<Bit>,
    rq_addr: DFF<Bits<LINE_BITS>>,
    rq_cl: DFF<Bits<2>>,
    rq_md: DFF<Bits<16>>,
    tag: DFF<Bits<16>>,
    issued_q: DFF<Bits<64>>,
    done_q: DFF<Bits<64>>,
    sum_q: DFF<Bits<64>>,
    pos_q: DFF<Bits<LINE_BITS>>,
    rv: DFF<Bit>,
    rsnap: DFF<Bit>,
    rdata: DFF<Bits<512>>,
    go: Signal<Local, Bit>,
    s0: Signal<Local, Bits<64>>,
    s1: Signal<Local, Bits<64>>,
    s2: Signal<Local, Bits<64>>,
    s3: Signal<Local, Bits<64>>,
    line_sum: Signal<Local, Bits<64>>,
    at: Vec<Constant<Bits<9>>>,
    tag_mask: Constant<Bits<16>>,
    snap_md: Constant<Bits<16>>,
    one: Constant<Bits<64>>,
    zero: Constant<Bits<64>>,
    zero2: Constant<Bits<2>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    zero_line: Constant<Bits<LINE_BITS>>,
}

impl Default for ReadStream {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            load: Default::default(),
            lines0: Default::default(),
            sum0: Default::default(),
            pos0: Default::default(),
            issue: Default::default(),
            c0_almfull: Default::default(),
            ord_valid: Default::default(),
            ord_idx: Default::default(),
            ord_npos: Default::default(),
            ord_take: Default::default(),
            buf_line: Default::default(),
            cl_len: Default::default(),
            len: Default::default(),
            snap_rd: Default::default(),
            snap_line: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            rd_rsp_data: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            issued: Default::default(),
            done: Default::default(),
            sum: Default::default(),
            pos: Default::default(),
            idle: Default::default(),
            snap_valid: Default::default(),
            snap_data: Default::default(),
            rq_v: Default::default(),
            rq_addr: Default::default(),
            rq_cl: Default::default(),
            rq_md: Default::default(),
            tag: Default::default(),
            issued_q: Default::default(),
            done_q: Default::default(),
            sum_q: Default::default(),
            pos_q: Default::default(),
            rv: Default::default(),
            rsnap: Default::default(),
            rdata: Default::default(),
            go: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
            s2: Default::default(),
            s3: Default::default(),
            line_sum: Default::default(),
            at: (0..8).map(|w| k(64 * w)).collect(),
            tag_mask: k(TAG_MASK),
            snap_md: k(snapshot::MDATA),
            one: k(1),
            zero: k(0),
            zero2: k(0),
            zero16: k(0),
            one16: k(1),
            zero_line: k(0),
        }
    }
}

impl Logic for ReadStream {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, rq_v, rq_addr, rq_cl, rq_md, tag, issued_q, done_q, sum_q, pos_q, rv,
            rsnap, rdata
        );
        // Issue: a stream request, else the snapshot read.
        self.go.next = self.issue.val() & self.ord_valid.val() & !self.c0_almfull.val();
        self.ord_take.next = self.go.val();
        self.rq_v.d.next = false;
        if self.go.val() {
            self.rq_v.d.next = true;
            self.rq_addr.d.next = self.buf_line.val() + self.ord_idx.val();
            self.rq_cl.d.next = self.cl_len.val();
            self.rq_md.d.next = self.tag.q.val();
            self.tag.d.next = (self.tag.q.val() + self.one16.val()) & self.tag_mask.val();
            self.issued_q.d.next = self.issued_q.q.val() + self.len.val();
            self.pos_q.d.next = self.ord_npos.val();
        } else if self.snap_rd.val() & !self.c0_almfull.val() {
            self.rq_v.d.next = true;
            self.rq_addr.d.next = self.snap_line.val();
            self.rq_cl.d.next = self.zero2.val();
            self.rq_md.d.next = self.snap_md.val();
        }
        self.rd_req_valid.next = self.rq_v.q.val();
        self.rd_req_addr.next = self.rq_addr.q.val();
        self.rd_req_cl_len.next = self.rq_cl.q.val();
        self.rd_req_mdata.next = self.rq_md.q.val();

        // Responses: register, then count and sum.
        self.rv.d.next = self.rd_rsp_valid.val();
        self.rsnap.d.next = (self.rd_rsp_mdata.val() == self.snap_md.val())
            & (self.rd_rsp_cl_num.val() == self.zero2.val());
        if self.rd_rsp_valid.val() {
            self.rdata.d.next = self.rd_rsp_data.val();
        }
        self.s0.next = self.rdata.q.val().get_bits::<64>(self.at[0].val().index())
            + self.rdata.q.val().get_bits::<64>(self.at[1].val().index());
        self.s1.next = self.rdata.q.val().get_bits::<64>(self.at[2].val().index())
            + self.rdata.q.val().get_bits::<64>(self.at[3].val().index());
        self.s2.next = self.rdata.q.val().get_bits::<64>(self.at[4].val().index())
            + self.rdata.q.val().get_bits::<64>(self.at[5].val().index());
        self.s3.next = self.rdata.q.val().get_bits::<64>(self.at[6].val().index())
            + self.rdata.q.val().get_bits::<64>(self.at[7].val().index());
        self.line_sum.next = (self.s0.val() + self.s1.val()) + (self.s2.val() + self.s3.val());
        if self.rv.q.val() & !self.rsnap.q.val() {
            self.done_q.d.next = self.done_q.q.val() + self.one.val();
            self.sum_q.d.next = self.sum_q.q.val() + self.line_sum.val();
        }
        self.snap_valid.next = self.rv.q.val() & self.rsnap.q.val();
        self.snap_data.next = self.rdata.q.val();
        self.issued.next = self.issued_q.q.val();
        self.done.next = self.done_q.q.val();
        self.sum.next = self.sum_q.q.val();
        self.pos.next = self.pos_q.q.val();
        self.idle.next = (self.issued_q.q.val() == self.done_q.q.val()) & !self.rv.q.val();

        if self.load.val() {
            self.issued_q.d.next = self.lines0.val();
            self.done_q.d.next = self.lines0.val();
            self.sum_q.d.next = self.sum0.val();
            self.pos_q.d.next = self.pos0.val();
            self.tag.d.next = self.zero16.val();
        }
        if self.reset.val() {
            self.rq_v.d.next = false;
            self.rv.d.next = false;
            self.issued_q.d.next = self.zero.val();
            self.done_q.d.next = self.zero.val();
            self.sum_q.d.next = self.zero.val();
            self.pos_q.d.next = self.zero_line.val();
            self.tag.d.next = self.zero16.val();
        }
    }
}
