//! The auditor's read channel: request queue, exit check, fault answers, response filter.
//!
//! ```text
//!  acc_rd_req ─► admit(16) ─► exit: SliceCheck ──ok──► [out reg] ─► up_rd_req
//!                 │ almfull        │ (base, limit sampled here)
//!                 ▼                └─fault─► fault FIFO(4) ─► all-ones lines ─┐
//!  acc_c0_almfull ◄─ [reg]                                                    ▼
//!  acc_rd_rsp ◄──────────────── [rsp reg] ◄── up_rd_rsp (dropped while in_rst) ┘ (free cycles)
//! ```
//!
//! * Requests are checked when they leave the FIFO, in the cycle they enter the output
//!   register, so a request always leaves with the slice in force at that moment.
//! * `block` (gate or slot reset) holds requests that entered the queue while it was high;
//!   those already queued when it rose still leave ([`AdmitQueue`]).
//! * Responses from the host go first; the answers to faulting reads (one per line, all-ones
//!   data, the request's own `mdata`, `cl_num` 0..L-1) use the cycles without one.
//!
//! ### Inputs
//! `clock`, `reset` (shell), `slot_reset`, `in_rst` (slot reset or draining after it),
//! `block` (no new request leaves), `base`, `limit`, `acc_rd_req_*`, `up_c0_almfull`,
//! `up_rd_rsp_*`.
//! ### Outputs
//! `acc_c0_almfull`, `acc_rd_rsp_*`, `up_rd_req_*` (all registered), `fault` (strobe: a
//! faulting read was taken), `fault_line`, `outstanding` (lines at the host), `lines`
//! (granted), `idle` (nothing queued or owed).

use super::admit::AdmitQueue;
use super::auditor_check::SliceCheck;
use super::concat::Concat;
use super::k;
use crate::host_port::rd_req;
use crate::mux::fifo::RegFifo;
use rust_hdl::prelude::*;

/// Fault-answer FIFO depth (log2).
pub const FAULT_AW: usize = 2;
/// Highest outstanding read count at which a read may still be issued (16-bit counter).
pub const RD_OUTSTANDING_CAP: u64 = 0xffff - 4;

/// The read channel of one slot's auditor.
#[derive(LogicBlock)]
pub struct ReadPath {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset.
    pub reset: Signal<In, Bit>,
    /// SLOT_RESET held.
    pub slot_reset: Signal<In, Bit>,
    /// Slot reset held or draining after it.
    pub in_rst: Signal<In, Bit>,
    /// No new request may leave.
    pub block: Signal<In, Bit>,
    /// SLICE_BASE.
    pub base: Signal<In, Bits<42>>,
    /// SLICE_LIMIT.
    pub limit: Signal<In, Bits<42>>,
    /// Read request from the accelerator.
    pub acc_rd_req_valid: Signal<In, Bit>,
    /// Its slot-relative address.
    pub acc_rd_req_addr: Signal<In, Bits<42>>,
    /// Its length code.
    pub acc_rd_req_cl_len: Signal<In, Bits<2>>,
    /// Its mdata.
    pub acc_rd_req_mdata: Signal<In, Bits<16>>,
    /// Almost full towards the accelerator.
    pub acc_c0_almfull: Signal<Out, Bit>,
    /// Read response to the accelerator.
    pub acc_rd_rsp_valid: Signal<Out, Bit>,
    /// Its mdata.
    pub acc_rd_rsp_mdata: Signal<Out, Bits<16>>,
    /// Its line index.
    pub acc_rd_rsp_cl_num: Signal<Out, Bits<2>>,
    /// Its data.
    pub acc_rd_rsp_data: Signal<Out, Bits<512>>,
    /// Almost full from the tree leaf.
    pub up_c0_almfull: Signal<In, Bit>,
    /// Read request to the tree.
    pub up_rd_req_valid: Signal<Out, Bit>,
    /// Its IOVA.
    pub up_rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub up_rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub up_rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response from the tree.
    pub up_rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub up_rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index.
    pub up_rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub up_rd_rsp_data: Signal<In, Bits<512>>,
    /// A faulting read was taken this cycle.
    pub fault: Signal<Out, Bit>,
    /// Its first out-of-range line.
    pub fault_line: Signal<Out, Bits<42>>,
    /// Read lines issued to the host and not yet answered.
    pub outstanding: Signal<Out, Bits<16>>,
    /// Read lines granted since shell reset.
    pub lines: Signal<Out, Bits<64>>,
    /// No request queued and no fault answer owed.
    pub idle: Signal<Out, Bit>,
    pack_lo: Concat<2, 42, 44>,
    pack: Concat<44, 16, { rd_req::W }>,
    queue: AdmitQueue<{ rd_req::W }>,
    chk: SliceCheck,
    fpack: Concat<2, 16, 18>,
    flt: RegFifo<18, FAULT_AW>,
    af_up: DFF<Bit>,
    out_v: DFF<Bit>,
    out_addr: DFF<Bits<42>>,
    out_cl: DFF<Bits<2>>,
    out_mdata: DFF<Bits<16>>,
    rsp_v: DFF<Bit>,
    rsp_mdata: DFF<Bits<16>>,
    rsp_cl_num: DFF<Bits<2>>,
    rsp_data: DFF<Bits<512>>,
    gen_idx: DFF<Bits<2>>,
    os: DFF<Bits<16>>,
    granted: DFF<Bits<64>>,
    h_cl: Signal<Local, Bits<2>>,
    ready: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    take_fault: Signal<Local, Bit>,
    h_mdata: Signal<Local, Bits<16>>,
    add16: Signal<Local, Bits<16>>,
    add64: Signal<Local, Bits<64>>,
    f_cl: Signal<Local, Bits<2>>,
    gen_emit: Signal<Local, Bit>,
    unused_flt_count: Signal<Local, Bits<8>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    cap16: Constant<Bits<16>>,
    two16: Constant<Bits<16>>,
    four16: Constant<Bits<16>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    two64: Constant<Bits<64>>,
    four64: Constant<Bits<64>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    cl1: Constant<Bits<2>>,
    ones512: Constant<Bits<512>>,
    addr_at: Constant<Bits<6>>,
    mdata_at: Constant<Bits<6>>,
    f_mdata_at: Constant<Bits<5>>,
}

impl Default for ReadPath {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            slot_reset: Default::default(),
            in_rst: Default::default(),
            block: Default::default(),
            base: Default::default(),
            limit: Default::default(),
            acc_rd_req_valid: Default::default(),
            acc_rd_req_addr: Default::default(),
            acc_rd_req_cl_len: Default::default(),
            acc_rd_req_mdata: Default::default(),
            acc_c0_almfull: Default::default(),
            acc_rd_rsp_valid: Default::default(),
            acc_rd_rsp_mdata: Default::default(),
            acc_rd_rsp_cl_num: Default::default(),
            acc_rd_rsp_data: Default::default(),
            up_c0_almfull: Default::default(),
            up_rd_req_valid: Default::default(),
            up_rd_req_addr: Default::default(),
            up_rd_req_cl_len: Default::default(),
            up_rd_req_mdata: Default::default(),
            up_rd_rsp_valid: Default::default(),
            up_rd_rsp_mdata: Default::default(),
            up_rd_rsp_cl_num: Default::default(),
            up_rd_rsp_data: Default::default(),
            fault: Default::default(),
            fault_line: Default::default(),
            outstanding: Default::default(),
            lines: Default::default(),
            idle: Default::default(),
            pack_lo: Default::default(),
            pack: Default::default(),
            queue: Default::default(),
            chk: Default::default(),
            fpack: Default::default(),
            flt: Default::default(),
            af_up: Default::default(),
            out_v: Default::default(),
            out_addr: Default::default(),
            out_cl: Default::default(),
            out_mdata: Default::default(),
            rsp_v: Default::default(),
            rsp_mdata: Default::default(),
            rsp_cl_num: Default::default(),
            rsp_data: Default::default(),
            gen_idx: Default::default(),
            os: Default::default(),
            granted: Default::default(),
            h_cl: Default::default(),
            ready: Default::default(),
            issue: Default::default(),
            take_fault: Default::default(),
            h_mdata: Default::default(),
            add16: Default::default(),
            add64: Default::default(),
            f_cl: Default::default(),
            gen_emit: Default::default(),
            unused_flt_count: Default::default(),
            zero16: k(0),
            one16: k(1),
            cap16: k(RD_OUTSTANDING_CAP),
            two16: k(2),
            four16: k(4),
            zero64: k(0),
            one64: k(1),
            two64: k(2),
            four64: k(4),
            zero2: k(0),
            one2: k(1),
            cl1: k(1),
            ones512: Constant::new(Bits::<512>::mask()),
            addr_at: k(rd_req::ADDR as u64),
            mdata_at: k(rd_req::MDATA as u64),
            f_mdata_at: k(2),
        }
    }
}

impl Logic for ReadPath {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, af_up, out_v, out_addr, out_cl, out_mdata, rsp_v, rsp_mdata, rsp_cl_num,
            rsp_data, gen_idx, os, granted
        );
        // Entry: the accelerator's request goes straight into the queue, unchecked.
        self.pack_lo.lo.next = self.acc_rd_req_cl_len.val();
        self.pack_lo.hi.next = self.acc_rd_req_addr.val();
        self.pack.lo.next = self.pack_lo.out.val();
        self.pack.hi.next = self.acc_rd_req_mdata.val();
        self.queue.clock.next = self.clock.val();
        self.queue.reset.next = self.reset.val();
        self.queue.flush.next = self.slot_reset.val();
        self.queue.block.next = self.block.val();
        self.queue.push.next = self.acc_rd_req_valid.val();
        self.queue.push_data.next = self.pack.out.val();
        self.acc_c0_almfull.next = self.queue.almfull.val();
        self.af_up.d.next = self.up_c0_almfull.val();

        // Exit: check the head against the slice in force now.
        self.h_cl.next = self.queue.head.val().get_bits::<2>(0);
        self.h_mdata.next = self
            .queue
            .head
            .val()
            .get_bits::<16>(self.mdata_at.val().index());
        self.chk.addr.next = self
            .queue
            .head
            .val()
            .get_bits::<42>(self.addr_at.val().index());
        self.chk.cl_len.next = self.queue.head.val().get_bits::<2>(0);
        self.chk.base.next = self.base.val();
        self.chk.limit.next = self.limit.val();
        self.ready.next = !self.queue.empty.val()
            & self.queue.may_start.val()
            & !self.in_rst.val()
            & !self.reset.val();
        self.issue.next = self.ready.val()
            & self.chk.ok.val()
            & !self.af_up.q.val()
            & (self.os.q.val() <= self.cap16.val());
        self.take_fault.next = self.ready.val() & !self.chk.ok.val() & !self.flt.full.val();
        self.queue.pop.next = self.issue.val() | self.take_fault.val();
        self.fault.next = self.take_fault.val();
        self.fault_line.next = self.chk.fault_line.val();

        // Output register and accounting. An issued read is never 3 (illegal) lines long.
        self.out_v.d.next = self.issue.val();
        if self.issue.val() {
            self.out_addr.d.next = self.chk.host_addr.val();
            self.out_cl.d.next = self.h_cl.val();
            self.out_mdata.d.next = self.h_mdata.val();
        }
        self.up_rd_req_valid.next = self.out_v.q.val();
        self.up_rd_req_addr.next = self.out_addr.q.val();
        self.up_rd_req_cl_len.next = self.out_cl.q.val();
        self.up_rd_req_mdata.next = self.out_mdata.q.val();
        self.add16.next = self.zero16.val();
        self.add64.next = self.zero64.val();
        if self.issue.val() {
            self.add16.next = self.four16.val();
            self.add64.next = self.four64.val();
            if self.h_cl.val() == self.cl1.val() {
                self.add16.next = self.two16.val();
                self.add64.next = self.two64.val();
            }
            if !self.h_cl.val().any() {
                self.add16.next = self.one16.val();
                self.add64.next = self.one64.val();
            }
        }
        self.os.d.next = self.os.q.val() + self.add16.val();
        if self.up_rd_rsp_valid.val() & (self.os.q.val() != self.zero16.val()) {
            self.os.d.next = self.os.q.val() + self.add16.val() - self.one16.val();
        }
        self.granted.d.next = self.granted.q.val() + self.add64.val();
        self.outstanding.next = self.os.q.val();
        self.lines.next = self.granted.q.val();

        // Faulting reads: queue {mdata, cl_len}, answer one line per free response cycle.
        self.fpack.lo.next = self.h_cl.val();
        self.fpack.hi.next = self.h_mdata.val();
        self.flt.clock.next = self.clock.val();
        self.flt.reset.next = self.reset.val() | self.slot_reset.val();
        self.flt.push.next = self.take_fault.val();
        self.flt.push_data.next = self.fpack.out.val();
        self.unused_flt_count.next = self.flt.count.val();
        self.f_cl.next = self.flt.head.val().get_bits::<2>(0);
        self.gen_emit.next =
            !self.flt.empty.val() & !self.up_rd_rsp_valid.val() & !self.in_rst.val();
        self.flt.pop.next = self.gen_emit.val() & (self.gen_idx.q.val() == self.f_cl.val());
        if self.gen_emit.val() {
            self.gen_idx.d.next = self.gen_idx.q.val() + self.one2.val();
            if self.gen_idx.q.val() == self.f_cl.val() {
                self.gen_idx.d.next = self.zero2.val();
            }
        }

        // Responses: the host's first (dropped while the slot is in reset), else fault answers.
        self.rsp_v.d.next = (self.up_rd_rsp_valid.val() & !self.in_rst.val()) | self.gen_emit.val();
        self.rsp_mdata.d.next = self.up_rd_rsp_mdata.val();
        self.rsp_cl_num.d.next = self.up_rd_rsp_cl_num.val();
        self.rsp_data.d.next = self.up_rd_rsp_data.val();
        if self.gen_emit.val() {
            self.rsp_mdata.d.next = self
                .flt
                .head
                .val()
                .get_bits::<16>(self.f_mdata_at.val().index());
            self.rsp_cl_num.d.next = self.gen_idx.q.val();
            self.rsp_data.d.next = self.ones512.val();
        }
        self.acc_rd_rsp_valid.next = self.rsp_v.q.val();
        self.acc_rd_rsp_mdata.next = self.rsp_mdata.q.val();
        self.acc_rd_rsp_cl_num.next = self.rsp_cl_num.q.val();
        self.acc_rd_rsp_data.next = self.rsp_data.q.val();
        self.idle.next = self.queue.empty.val() & self.flt.empty.val();

        if self.slot_reset.val() {
            self.gen_idx.d.next = self.zero2.val();
        }
        if self.reset.val() {
            self.af_up.d.next = false;
            self.out_v.d.next = false;
            self.rsp_v.d.next = false;
            self.gen_idx.d.next = self.zero2.val();
            self.os.d.next = self.zero16.val();
            self.granted.d.next = self.zero64.val();
        }
    }
}
