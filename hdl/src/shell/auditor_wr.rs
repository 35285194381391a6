//! The auditor's write channel: beat queue, packet framing, exit check, completion on reset.
//!
//! ```text
//!  acc_wr_req ─► admit(16) ─► exit: first beat? SliceCheck, capture ─► [out reg] ─► up_wr_req
//!                 │ almfull          later beats: captured IOVA + 1, captured mdata/cl_len
//!  acc_c1_almfull ◄─ [reg]           dropped packet's last beat ─► fault FIFO(4) ─┐
//!  acc_wr_rsp ◄──────────────── [rsp reg] ◄── up_wr_rsp (dropped while in_rst) ◄──┘
//! ```
//!
//! * **Framing by count.** A beat taken while no packet is open starts one; its `cl_len` gives
//!   the beat count (`cl_len` + 1). The accelerator's `sop` and the `addr`/`cl_len`/`mdata` of
//!   later beats are ignored: the host gets `sop` on the first beat only, addresses
//!   `IOVA + i`, one `mdata` and `cl_len`, so it never sees a malformed or interleaved packet.
//! * **Decision at the first beat.** The whole packet is checked there; the translation (last
//!   IOVA sent) and the verdict are captured for its remaining beats, so a packet never mixes
//!   two slices. A faulting packet's beats are all consumed and dropped; after its last one the
//!   accelerator gets one write response with its `mdata`.
//! * **Reset.** A packet already partly sent is completed while the slot is in reset: the
//!   remaining beats go out with zero data at the captured addresses (inside the old slice).
//!   A dropped packet is abandoned. The FIFO is emptied.
//! * **Gate.** `block` holds first beats queued after it rose ([`AdmitQueue`]); beats of an
//!   open packet always go.
//!
//! ### Inputs
//! As the read channel, for writes: `acc_wr_req_*`, `up_c1_almfull`, `up_wr_rsp_*`.
//! ### Outputs
//! As the read channel; `outstanding` counts requests (from their first beat), `lines`
//! counts beats granted (completion beats included).

use super::admit::AdmitQueue;
use super::auditor_check::SliceCheck;
use super::auditor_rd::FAULT_AW;
use super::concat::Concat;
use super::{k, wr_entry};
use crate::mux::fifo::RegFifo;
use rust_hdl::prelude::*;

/// The write channel of one slot's auditor.
#[derive(LogicBlock)]
pub struct WritePath {
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
    /// Write beat from the accelerator.
    pub acc_wr_req_valid: Signal<In, Bit>,
    /// Its slot-relative address.
    pub acc_wr_req_addr: Signal<In, Bits<42>>,
    /// Its request's length code.
    pub acc_wr_req_cl_len: Signal<In, Bits<2>>,
    /// First beat (ignored: framing is by count).
    pub acc_wr_req_sop: Signal<In, Bit>,
    /// Its mdata.
    pub acc_wr_req_mdata: Signal<In, Bits<16>>,
    /// Its data.
    pub acc_wr_req_data: Signal<In, Bits<512>>,
    /// Almost full towards the accelerator.
    pub acc_c1_almfull: Signal<Out, Bit>,
    /// Write response to the accelerator.
    pub acc_wr_rsp_valid: Signal<Out, Bit>,
    /// Its mdata.
    pub acc_wr_rsp_mdata: Signal<Out, Bits<16>>,
    /// Almost full from the tree leaf.
    pub up_c1_almfull: Signal<In, Bit>,
    /// Write beat to the tree.
    pub up_wr_req_valid: Signal<Out, Bit>,
    /// Its IOVA.
    pub up_wr_req_addr: Signal<Out, Bits<42>>,
    /// Its request's length code.
    pub up_wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat.
    pub up_wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub up_wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub up_wr_req_data: Signal<Out, Bits<512>>,
    /// Write response from the tree.
    pub up_wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub up_wr_rsp_mdata: Signal<In, Bits<16>>,
    /// A faulting write's first beat was taken this cycle.
    pub fault: Signal<Out, Bit>,
    /// Its first out-of-range line.
    pub fault_line: Signal<Out, Bits<42>>,
    /// Write requests issued to the host (first beat sent) and not yet answered.
    pub outstanding: Signal<Out, Bits<16>>,
    /// Write lines granted since shell reset.
    pub lines: Signal<Out, Bits<64>>,
    /// No beat queued, no packet open, no fault answer owed.
    pub idle: Signal<Out, Bit>,
    pack_a: Concat<2, 42, 44>,
    pack_m: Concat<44, 16, 60>,
    pack: Concat<60, 512, { wr_entry::W }>,
    queue: AdmitQueue<{ wr_entry::W }>,
    chk: SliceCheck,
    wf: RegFifo<16, FAULT_AW>,
    af_up: DFF<Bit>,
    open: DFF<Bit>,
    drop: DFF<Bit>,
    left: DFF<Bits<2>>,
    last_addr: DFF<Bits<42>>,
    cur_mdata: DFF<Bits<16>>,
    cur_cl: DFF<Bits<2>>,
    out_v: DFF<Bit>,
    out_addr: DFF<Bits<42>>,
    out_cl: DFF<Bits<2>>,
    out_sop: DFF<Bit>,
    out_mdata: DFF<Bits<16>>,
    out_data: DFF<Bits<512>>,
    rsp_v: DFF<Bit>,
    rsp_mdata: DFF<Bits<16>>,
    os: DFF<Bits<16>>,
    granted: DFF<Bits<64>>,
    h_cl: Signal<Local, Bits<2>>,
    h_mdata: Signal<Local, Bits<16>>,
    ready: Signal<Local, Bit>,
    first_ok: Signal<Local, Bit>,
    take_fault: Signal<Local, Bit>,
    cont: Signal<Local, Bit>,
    cont_send: Signal<Local, Bit>,
    cont_drop: Signal<Local, Bit>,
    fab: Signal<Local, Bit>,
    last: Signal<Local, Bit>,
    wf_emit: Signal<Local, Bit>,
    unused_acc_sop: Signal<Local, Bit>,
    unused_wf_count: Signal<Local, Bits<8>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    max16: Constant<Bits<16>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    one42: Constant<Bits<42>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    zero512: Constant<Bits<512>>,
    addr_at: Constant<Bits<10>>,
    mdata_at: Constant<Bits<10>>,
    data_at: Constant<Bits<10>>,
}

impl Default for WritePath {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            slot_reset: Default::default(),
            in_rst: Default::default(),
            block: Default::default(),
            base: Default::default(),
            limit: Default::default(),
            acc_wr_req_valid: Default::default(),
            acc_wr_req_addr: Default::default(),
            acc_wr_req_cl_len: Default::default(),
            acc_wr_req_sop: Default::default(),
            acc_wr_req_mdata: Default::default(),
            acc_wr_req_data: Default::default(),
            acc_c1_almfull: Default::default(),
            acc_wr_rsp_valid: Default::default(),
            acc_wr_rsp_mdata: Default::default(),
            up_c1_almfull: Default::default(),
            up_wr_req_valid: Default::default(),
            up_wr_req_addr: Default::default(),
            up_wr_req_cl_len: Default::default(),
            up_wr_req_sop: Default::default(),
            up_wr_req_mdata: Default::default(),
            up_wr_req_data: Default::default(),
            up_wr_rsp_valid: Default::default(),
            up_wr_rsp_mdata: Default::default(),
            fault: Default::default(),
            fault_line: Default::default(),
            outstanding: Default::default(),
            lines: Default::default(),
            idle: Default::default(),
            pack_a: Default::default(),
            pack_m: Default::default(),
            pack: Default::default(),
            queue: Default::default(),
            chk: Default::default(),
            wf: Default::default(),
            af_up: Default::default(),
            open: Default::default(),
            drop: Default::default(),
            left: Default::default(),
            last_addr: Default::default(),
            cur_mdata: Default::default(),
            cur_cl: Default::default(),
            out_v: Default::default(),
            out_addr: Default::default(),
            out_cl: Default::default(),
            out_sop: Default::default(),
            out_mdata: Default::default(),
            out_data: Default::default(),
            rsp_v: Default::default(),
            rsp_mdata: Default::default(),
            os: Default::default(),
            granted: Default::default(),
            h_cl: Default::default(),
            h_mdata: Default::default(),
            ready: Default::default(),
            first_ok: Default::default(),
            take_fault: Default::default(),
            cont: Default::default(),
            cont_send: Default::default(),
            cont_drop: Default::default(),
            fab: Default::default(),
            last: Default::default(),
            wf_emit: Default::default(),
            unused_acc_sop: Default::default(),
            unused_wf_count: Default::default(),
            zero16: k(0),
            one16: k(1),
            max16: k(0xffff),
            zero64: k(0),
            one64: k(1),
            one42: k(1),
            zero2: k(0),
            one2: k(1),
            zero512: k(0),
            addr_at: k(wr_entry::ADDR as u64),
            mdata_at: k(wr_entry::MDATA as u64),
            data_at: k(wr_entry::DATA as u64),
        }
    }
}

impl Logic for WritePath {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, af_up, open, drop, left, last_addr, cur_mdata, cur_cl, out_v, out_addr,
            out_cl, out_sop, out_mdata, out_data, rsp_v, rsp_mdata, os, granted
        );
        // Entry: beats go straight into the queue, unchecked.
        self.pack_a.lo.next = self.acc_wr_req_cl_len.val();
        self.pack_a.hi.next = self.acc_wr_req_addr.val();
        self.pack_m.lo.next = self.pack_a.out.val();
        self.pack_m.hi.next = self.acc_wr_req_mdata.val();
        self.pack.lo.next = self.pack_m.out.val();
        self.pack.hi.next = self.acc_wr_req_data.val();
        self.unused_acc_sop.next = self.acc_wr_req_sop.val();
        self.queue.clock.next = self.clock.val();
        self.queue.reset.next = self.reset.val();
        self.queue.flush.next = self.slot_reset.val();
        self.queue.block.next = self.block.val();
        self.queue.push.next = self.acc_wr_req_valid.val();
        self.queue.push_data.next = self.pack.out.val();
        self.acc_c1_almfull.next = self.queue.almfull.val();
        self.af_up.d.next = self.up_c1_almfull.val();

        // Exit. A first beat is checked against the slice in force now.
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
        self.ready.next = !self.open.q.val()
            & !self.queue.empty.val()
            & self.queue.may_start.val()
            & !self.in_rst.val()
            & !self.reset.val();
        self.first_ok.next = self.ready.val()
            & self.chk.ok.val()
            & !self.af_up.q.val()
            & (self.os.q.val() != self.max16.val());
        self.take_fault.next = self.ready.val() & !self.chk.ok.val() & !self.wf.full.val();
        self.fault.next = self.take_fault.val();
        self.fault_line.next = self.chk.fault_line.val();
        // Later beats of an open packet: from the queue, or made up while the slot is in reset.
        self.last.next = self.left.q.val() == self.one2.val();
        self.cont.next =
            self.open.q.val() & !self.queue.empty.val() & !self.in_rst.val() & !self.reset.val();
        self.cont_send.next = self.cont.val() & !self.drop.q.val() & !self.af_up.q.val();
        self.cont_drop.next = self.cont.val() & self.drop.q.val() & !self.wf.full.val();
        self.fab.next = self.open.q.val()
            & self.in_rst.val()
            & !self.drop.q.val()
            & !self.af_up.q.val()
            & !self.reset.val();
        self.queue.pop.next = self.first_ok.val()
            | self.take_fault.val()
            | self.cont_send.val()
            | self.cont_drop.val();

        // Output register: first beats as checked, later ones at the captured IOVA + 1.
        self.out_v.d.next = self.first_ok.val() | self.cont_send.val() | self.fab.val();
        self.out_sop.d.next = self.first_ok.val();
        self.out_addr.d.next = self.last_addr.q.val() + self.one42.val();
        self.out_cl.d.next = self.cur_cl.q.val();
        self.out_mdata.d.next = self.cur_mdata.q.val();
        self.out_data.d.next = self
            .queue
            .head
            .val()
            .get_bits::<512>(self.data_at.val().index());
        if self.fab.val() {
            self.out_data.d.next = self.zero512.val();
        }
        if self.cont_send.val() | self.fab.val() {
            self.last_addr.d.next = self.last_addr.q.val() + self.one42.val();
        }
        if self.cont_send.val() | self.cont_drop.val() | self.fab.val() {
            self.left.d.next = self.left.q.val() - self.one2.val();
            if self.last.val() {
                self.open.d.next = false;
            }
        }
        if self.first_ok.val() | self.take_fault.val() {
            self.open.d.next = self.h_cl.val().any();
            self.drop.d.next = self.take_fault.val();
            self.left.d.next = self.h_cl.val();
            self.cur_cl.d.next = self.h_cl.val();
            self.cur_mdata.d.next = self.h_mdata.val();
        }
        if self.first_ok.val() {
            self.out_addr.d.next = self.chk.host_addr.val();
            self.out_cl.d.next = self.h_cl.val();
            self.out_mdata.d.next = self.h_mdata.val();
            self.last_addr.d.next = self.chk.host_addr.val();
        }
        // A dropped packet interrupted by a reset is abandoned: nothing of it reached the host.
        if self.open.q.val() & self.drop.q.val() & self.in_rst.val() {
            self.open.d.next = false;
        }
        self.up_wr_req_valid.next = self.out_v.q.val();
        self.up_wr_req_addr.next = self.out_addr.q.val();
        self.up_wr_req_cl_len.next = self.out_cl.q.val();
        self.up_wr_req_sop.next = self.out_sop.q.val();
        self.up_wr_req_mdata.next = self.out_mdata.q.val();
        self.up_wr_req_data.next = self.out_data.q.val();

        // Accounting: a request is outstanding from its first beat to its response.
        self.os.d.next = self.os.q.val();
        if self.first_ok.val() {
            self.os.d.next = self.os.q.val() + self.one16.val();
        }
        if self.up_wr_rsp_valid.val() & (self.os.q.val() != self.zero16.val()) {
            self.os.d.next = self.os.q.val() - self.one16.val();
            if self.first_ok.val() {
                self.os.d.next = self.os.q.val();
            }
        }
        if self.first_ok.val() | self.cont_send.val() | self.fab.val() {
            self.granted.d.next = self.granted.q.val() + self.one64.val();
        }
        self.outstanding.next = self.os.q.val();
        self.lines.next = self.granted.q.val();

        // One response per dropped packet, after its last beat; the host's responses first.
        self.wf.clock.next = self.clock.val();
        self.wf.reset.next = self.reset.val() | self.slot_reset.val();
        self.wf.push.next = (self.take_fault.val() & !self.h_cl.val().any())
            | (self.cont_drop.val() & self.last.val());
        self.wf.push_data.next = self.cur_mdata.q.val();
        if self.take_fault.val() {
            self.wf.push_data.next = self.h_mdata.val();
        }
        self.unused_wf_count.next = self.wf.count.val();
        self.wf_emit.next = !self.wf.empty.val() & !self.up_wr_rsp_valid.val() & !self.in_rst.val();
        self.wf.pop.next = self.wf_emit.val();
        self.rsp_v.d.next = (self.up_wr_rsp_valid.val() & !self.in_rst.val()) | self.wf_emit.val();
        self.rsp_mdata.d.next = self.up_wr_rsp_mdata.val();
        if self.wf_emit.val() {
            self.rsp_mdata.d.next = self.wf.head.val();
        }
        self.acc_wr_rsp_valid.next = self.rsp_v.q.val();
        self.acc_wr_rsp_mdata.next = self.rsp_mdata.q.val();
        self.idle.next = self.queue.empty.val() & self.wf.empty.val() & !self.open.q.val();

        if self.reset.val() {
            self.af_up.d.next = false;
            self.open.d.next = false;
            self.drop.d.next = false;
            self.left.d.next = self.zero2.val();
            self.out_v.d.next = false;
            self.rsp_v.d.next = false;
            self.os.d.next = self.zero16.val();
            self.granted.d.next = self.zero64.val();
        }
    }
}
