//! MemBench's write stream: issues write packets from its [`Order`] while `issue` is high,
//! one beat per cycle whenever `c1_almfull` allows, the data pattern of design.md §4.1, and
//! counts acknowledged lines; also writes the snapshot line of a pause.
//!
//! * **Beats.** A packet starts (first beat, `sop`) in the cycle after `issue & valid &
//!   !c1_almfull` and no packet is open; its other L − 1 beats follow in line order, each in
//!   the cycle after a cycle with `c1_almfull` low, even after `issue` falls (a started packet
//!   is always finished). Like reads, no beat uses the 8-beat slack. Buffer line k carries the
//!   words `SEED + 8k + w` ([`pattern_word`](optimus_regs::membench::pattern_word)).
//!   `mdata` = an 11-bit packet tag, the same on every beat. `issued` counts the packet's
//!   lines at its first beat; `pos` keeps the sequential position after it.
//! * **Snapshot write.** `snap_wr` with no packet open and `c1_almfull` low sends the
//!   one-line packet `snap_data` to `snap_line`, `mdata` = [`snapshot::MDATA`]; the response
//!   with that mdata pulses `snap_ack` instead of counting.
//! * **Responses**: `acked` += L per stream write response. `idle`: no packet open and every
//!   issued line acknowledged.
//! * `load` sets `issued = acked = lines0`, `pos = pos0`. Reset clears everything.
//!
//! ### Inputs
//! `clock`, `reset`, `load`, `lines0`, `pos0`, `issue`, `c1_almfull`, `ord_valid`, `ord_idx`,
//! `ord_npos`, `buf_line`, `cl_len`, `len`, `seed`, `snap_wr`, `snap_line`, `snap_data`,
//! `wr_rsp_valid`, `wr_rsp_mdata`.
//! ### Outputs
//! `ord_take`, `wr_req_valid`, `wr_req_addr`, `wr_req_cl_len`, `wr_req_sop`, `wr_req_mdata`,
//! `wr_req_data` (registered), `issued`, `acked`, `pos`, `idle`, `snap_ack`.
//!
//! [`Order`]: super::order::Order

use super::math::Pack8;
use super::rd::{LINE_BITS, TAG_MASK};
use crate::shell::concat::Concat;
use crate::shell::k;
use optimus_regs::membench::snapshot;
use rust_hdl::prelude::*;

/// The write stream.
#[derive(LogicBlock)]
pub struct WriteStream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Load the counters from `lines0`, `pos0`.
    pub load: Signal<In, Bit>,
    /// Lines issued and acknowledged so far.
    pub lines0: Signal<In, Bits<64>>,
    /// Sequential position.
    pub pos0: Signal<In, Bits<LINE_BITS>>,
    /// New packets may start.
    pub issue: Signal<In, Bit>,
    /// Almost full (write beats).
    pub c1_almfull: Signal<In, Bit>,
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
    /// SEED.
    pub seed: Signal<In, Bits<64>>,
    /// Send the snapshot line now (if almfull allows).
    pub snap_wr: Signal<In, Bit>,
    /// Line address of the snapshot.
    pub snap_line: Signal<In, Bits<LINE_BITS>>,
    /// The snapshot line.
    pub snap_data: Signal<In, Bits<512>>,
    /// Write response.
    pub wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub wr_rsp_mdata: Signal<In, Bits<16>>,
    /// Write beat.
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub wr_req_addr: Signal<Out, Bits<LINE_BITS>>,
    /// Its packet's length code.
    pub wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat.
    pub wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub wr_req_data: Signal<Out, Bits<512>>,
    /// Lines issued.
    pub issued: Signal<Out, Bits<64>>,
    /// Lines acknowledged.
    pub acked: Signal<Out, Bits<64>>,
    /// Sequential position after the last packet.
    pub pos: Signal<Out, Bits<LINE_BITS>>,
    /// Nothing open or outstanding.
    pub idle: Signal<Out, Bit>,
    /// The snapshot write was acknowledged (one cycle).
    pub snap_ack: Signal<Out, Bit>,
    open: DFF<Bit>,
    open_mask: DFF<Bits<LINE_BITS>>,
    beat: DFF<Bits<2>>,
    pk_addr: DFF<Bits<LINE_BITS>>,
    pk_k: DFF<Bits<LINE_BITS>>,
    wv: DFF<Bit>,
    waddr: DFF<Bits<LINE_BITS>>,
    wcl: DFF<Bits<2>>,
    wsop: DFF<Bit>,
    wmd: DFF<Bits<16>>,
    wdata: DFF<Bits<512>>,
    tag: DFF<Bits<16>>,
    issued_q: DFF<Bits<64>>,
    acked_q: DFF<Bits<64>>,
    pos_q: DFF<Bits<LINE_BITS>>,
    pattern: Pack8,
    k64: Concat<LINE_BITS, 22, 64>,
    first: Signal<Local, Bit>,
    cont: Signal<Local, Bit>,
    first_addr: Signal<Local, Bits<LINE_BITS>>,
    base: Signal<Local, Bits<64>>,
    w: Vec<Constant<Bits<64>>>,
    s3: Constant<Bits<2>>,
    tag_mask: Constant<Bits<16>>,
    snap_md: Constant<Bits<16>>,
    zero: Constant<Bits<64>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    zero22: Constant<Bits<22>>,
    zero_line: Constant<Bits<LINE_BITS>>,
    one_line: Constant<Bits<LINE_BITS>>,
}

impl Default for WriteStream {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            load: Default::default(),
            lines0: Default::default(),
            pos0: Default::default(),
            issue: Default::default(),
            c1_almfull: Default::default(),
            ord_valid: Default::default(),
            ord_idx: Default::default(),
            ord_npos: Default::default(),
            ord_take: Default::default(),
            buf_line: Default::default(),
            cl_len: Default::default(),
            len: Default::default(),
            seed: Default::default(),
            snap_wr: Default::default(),
            snap_line: Default::default(),
            snap_data: Default::default(),
            wr_rsp_valid: Default::default(),
            wr_rsp_mdata: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_addr: Default::default(),
            wr_req_cl_len: Default::default(),
            wr_req_sop: Default::default(),
            wr_req_mdata: Default::default(),
            wr_req_data: Default::default(),
            issued: Default::default(),
            acked: Default::default(),
            pos: Default::default(),
            idle: Default::default(),
            snap_ack: Default::default(),
            open: Default::default(),
            open_mask: Default::default(),
            beat: Default::default(),
            pk_addr: Default::default(),
            pk_k: Default::default(),
            wv: Default::default(),
            waddr: Default::default(),
            wcl: Default::default(),
            wsop: Default::default(),
            wmd: Default::default(),
            wdata: Default::default(),
            tag: Default::default(),
            issued_q: Default::default(),
            acked_q: Default::default(),
            pos_q: Default::default(),
            pattern: Default::default(),
            k64: Default::default(),
            first: Default::default(),
            cont: Default::default(),
            first_addr: Default::default(),
            base: Default::default(),
            w: (0..8).map(k).collect(),
            s3: k(3),
            tag_mask: k(TAG_MASK),
            snap_md: k(snapshot::MDATA),
            zero: k(0),
            zero2: k(0),
            one2: k(1),
            zero16: k(0),
            one16: k(1),
            zero22: k(0),
            zero_line: k(0),
            one_line: k(1),
        }
    }
}

impl Logic for WriteStream {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, open, open_mask, beat, pk_addr, pk_k, wv, waddr, wcl, wsop, wmd, wdata,
            tag, issued_q, acked_q, pos_q
        );
        self.first.next =
            !self.open.q.val() & self.issue.val() & self.ord_valid.val() & !self.c1_almfull.val();
        self.cont.next = self.open.q.val() & !self.c1_almfull.val();
        self.ord_take.next = self.first.val();
        self.first_addr.next = self.buf_line.val() + self.ord_idx.val();

        // The data of buffer line k: SEED + 8k + w.
        // k: the open packet's next line, else the order's (a mask register, not an `if`, so
        // that Verilator can order this block's logic around the combinational sub-blocks).
        self.k64.lo.next = (self.pk_k.q.val() & self.open_mask.q.val())
            | (self.ord_idx.val() & !self.open_mask.q.val());
        self.k64.hi.next = self.zero22.val();
        self.base.next = self.seed.val() + (self.k64.out.val() << self.s3.val());
        self.pattern.w0.next = self.base.val() + self.w[0].val();
        self.pattern.w1.next = self.base.val() + self.w[1].val();
        self.pattern.w2.next = self.base.val() + self.w[2].val();
        self.pattern.w3.next = self.base.val() + self.w[3].val();
        self.pattern.w4.next = self.base.val() + self.w[4].val();
        self.pattern.w5.next = self.base.val() + self.w[5].val();
        self.pattern.w6.next = self.base.val() + self.w[6].val();
        self.pattern.w7.next = self.base.val() + self.w[7].val();

        self.wv.d.next = false;
        if self.first.val() {
            self.wv.d.next = true;
            self.waddr.d.next = self.first_addr.val();
            self.wcl.d.next = self.cl_len.val();
            self.wsop.d.next = true;
            self.wmd.d.next = self.tag.q.val();
            self.wdata.d.next = self.pattern.out.val();
            self.tag.d.next = (self.tag.q.val() + self.one16.val()) & self.tag_mask.val();
            self.issued_q.d.next = self.issued_q.q.val() + self.len.val();
            self.pos_q.d.next = self.ord_npos.val();
            if self.cl_len.val() != self.zero2.val() {
                self.open.d.next = true;
                self.open_mask.d.next = !self.zero_line.val();
            }
            self.beat.d.next = self.one2.val();
            self.pk_addr.d.next = self.first_addr.val() + self.one_line.val();
            self.pk_k.d.next = self.ord_idx.val() + self.one_line.val();
        } else if self.cont.val() {
            self.wv.d.next = true;
            self.waddr.d.next = self.pk_addr.q.val();
            self.wsop.d.next = false;
            self.wdata.d.next = self.pattern.out.val();
            self.pk_addr.d.next = self.pk_addr.q.val() + self.one_line.val();
            self.pk_k.d.next = self.pk_k.q.val() + self.one_line.val();
            self.beat.d.next = self.beat.q.val() + self.one2.val();
            if self.beat.q.val() == self.wcl.q.val() {
                self.open.d.next = false;
                self.open_mask.d.next = self.zero_line.val();
            }
        } else if self.snap_wr.val() & !self.open.q.val() & !self.c1_almfull.val() {
            self.wv.d.next = true;
            self.waddr.d.next = self.snap_line.val();
            self.wcl.d.next = self.zero2.val();
            self.wsop.d.next = true;
            self.wmd.d.next = self.snap_md.val();
            self.wdata.d.next = self.snap_data.val();
        }
        self.wr_req_valid.next = self.wv.q.val();
        self.wr_req_addr.next = self.waddr.q.val();
        self.wr_req_cl_len.next = self.wcl.q.val();
        self.wr_req_sop.next = self.wsop.q.val();
        self.wr_req_mdata.next = self.wmd.q.val();
        self.wr_req_data.next = self.wdata.q.val();

        // Responses.
        self.snap_ack.next =
            self.wr_rsp_valid.val() & (self.wr_rsp_mdata.val() == self.snap_md.val());
        if self.wr_rsp_valid.val() & (self.wr_rsp_mdata.val() != self.snap_md.val()) {
            self.acked_q.d.next = self.acked_q.q.val() + self.len.val();
        }
        self.issued.next = self.issued_q.q.val();
        self.acked.next = self.acked_q.q.val();
        self.pos.next = self.pos_q.q.val();
        self.idle.next = !self.open.q.val() & (self.issued_q.q.val() == self.acked_q.q.val());

        if self.load.val() {
            self.issued_q.d.next = self.lines0.val();
            self.acked_q.d.next = self.lines0.val();
            self.pos_q.d.next = self.pos0.val();
            self.tag.d.next = self.zero16.val();
        }
        if self.reset.val() {
            self.wv.d.next = false;
            self.open.d.next = false;
            self.open_mask.d.next = self.zero_line.val();
            self.issued_q.d.next = self.zero.val();
            self.acked_q.d.next = self.zero.val();
            self.pos_q.d.next = self.zero_line.val();
            self.tag.d.next = self.zero16.val();
        }
    }
}
