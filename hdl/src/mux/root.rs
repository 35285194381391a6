//! The tree's host side: registered host-port outputs, host almost-full, response routing and
//! the MMIO page decoder.
//!
//! * Requests leave through output registers loaded from the root node. Host almost-full is
//!   registered too, so one more beat may follow it (the protocol allows 8).
//! * Responses from the host are registered, their leaf index taken from the top `mdata` bits
//!   and those bits cleared, before they go down the router tree.
//! * MMIO requests for page 1 + i go down to leaf i with the page bits cleared; reads of page 0
//!   or of pages without a leaf are answered here with 0 (their tids queue in a small FIFO that
//!   the tree merges with the leaves' responses); such writes are dropped.
//!
//! ### Inputs
//! The host-port inputs of `shared/design.md` §2; from the tree: the root sources of read
//! requests, write beats and MMIO read responses (`*_valid`, `*_data`); `self_pop`.
//! ### Outputs
//! The host-port outputs; `*_pop` to the tree sources; the downward channels (`rsp_*`,
//! `wrsp_*`, `mmio_*`, each with a leaf index `*_dest`); the self-answered tids (`self_*`).

use super::fifo::RegFifo;
use crate::host_port::{self as hp, mmio_rsp, rd_req, wr_req};
use rust_hdl::prelude::*;

/// Host side of an N-leaf tree.
#[derive(LogicBlock)]
pub struct RootPort {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Host almost-full, reads.
    pub host_c0_almfull: Signal<In, Bit>,
    /// Host almost-full, write beats.
    pub host_c1_almfull: Signal<In, Bit>,
    /// Read request to the host.
    pub host_rd_req_valid: Signal<Out, Bit>,
    /// Its address.
    pub host_rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub host_rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub host_rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response from the host.
    pub host_rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub host_rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line index.
    pub host_rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub host_rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat to the host.
    pub host_wr_req_valid: Signal<Out, Bit>,
    /// Its address.
    pub host_wr_req_addr: Signal<Out, Bits<42>>,
    /// Its request's length code.
    pub host_wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat of a request.
    pub host_wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub host_wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub host_wr_req_data: Signal<Out, Bits<512>>,
    /// Write response from the host.
    pub host_wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub host_wr_rsp_mdata: Signal<In, Bits<16>>,
    /// MMIO request from the host.
    pub host_mmio_valid: Signal<In, Bit>,
    /// Write (else read).
    pub host_mmio_write: Signal<In, Bit>,
    /// Address in 4-byte units.
    pub host_mmio_addr: Signal<In, Bits<16>>,
    /// Transaction id.
    pub host_mmio_tid: Signal<In, Bits<9>>,
    /// Write data.
    pub host_mmio_wdata: Signal<In, Bits<64>>,
    /// MMIO read response to the host.
    pub host_mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub host_mmio_rsp_tid: Signal<Out, Bits<9>>,
    /// Its data.
    pub host_mmio_rsp_data: Signal<Out, Bits<64>>,

    /// Root source of read requests.
    pub rd_valid: Signal<In, Bit>,
    /// Its head entry.
    pub rd_data: Signal<In, Bits<{ rd_req::W }>>,
    /// Take it.
    pub rd_pop: Signal<Out, Bit>,
    /// Root source of write beats.
    pub wr_valid: Signal<In, Bit>,
    /// Its head entry.
    pub wr_data: Signal<In, Bits<{ wr_req::W }>>,
    /// Take it.
    pub wr_pop: Signal<Out, Bit>,
    /// Root source of MMIO read responses.
    pub mrsp_valid: Signal<In, Bit>,
    /// Its head entry.
    pub mrsp_data: Signal<In, Bits<{ mmio_rsp::W }>>,
    /// Take it.
    pub mrsp_pop: Signal<Out, Bit>,

    /// Read response going down.
    pub rsp_valid: Signal<Out, Bit>,
    /// Its leaf.
    pub rsp_dest: Signal<Out, Bits<16>>,
    /// Its mdata, routing bits cleared.
    pub rsp_mdata: Signal<Out, Bits<16>>,
    /// Its line index.
    pub rsp_cl_num: Signal<Out, Bits<2>>,
    /// Its data.
    pub rsp_data: Signal<Out, Bits<512>>,
    /// Write response going down.
    pub wrsp_valid: Signal<Out, Bit>,
    /// Its leaf.
    pub wrsp_dest: Signal<Out, Bits<16>>,
    /// Its mdata, routing bits cleared.
    pub wrsp_mdata: Signal<Out, Bits<16>>,
    /// MMIO request going down.
    pub mmio_valid: Signal<Out, Bit>,
    /// Its leaf.
    pub mmio_dest: Signal<Out, Bits<16>>,
    /// Write (else read).
    pub mmio_write: Signal<Out, Bit>,
    /// Leaf-relative address.
    pub mmio_addr: Signal<Out, Bits<16>>,
    /// Transaction id.
    pub mmio_tid: Signal<Out, Bits<9>>,
    /// Write data.
    pub mmio_wdata: Signal<Out, Bits<64>>,
    /// A read answered by the tree itself is waiting.
    pub self_valid: Signal<Out, Bit>,
    /// Its tid.
    pub self_tid: Signal<Out, Bits<9>>,
    /// The merge took it.
    pub self_pop: Signal<In, Bit>,

    c0_af: DFF<Bit>,
    c1_af: DFF<Bit>,
    rd_out_valid: DFF<Bit>,
    rd_out: DFF<Bits<{ rd_req::W }>>,
    wr_out_valid: DFF<Bit>,
    wr_out: DFF<Bits<{ wr_req::W }>>,
    mrsp_out_valid: DFF<Bit>,
    mrsp_out: DFF<Bits<{ mmio_rsp::W }>>,
    rsp_v: DFF<Bit>,
    rsp_dest_q: DFF<Bits<16>>,
    rsp_mdata_q: DFF<Bits<16>>,
    rsp_cl_num_q: DFF<Bits<2>>,
    rsp_data_q: DFF<Bits<512>>,
    wrsp_v: DFF<Bit>,
    wrsp_dest_q: DFF<Bits<16>>,
    wrsp_mdata_q: DFF<Bits<16>>,
    mmio_v: DFF<Bit>,
    mmio_dest_q: DFF<Bits<16>>,
    mmio_write_q: DFF<Bit>,
    mmio_addr_q: DFF<Bits<16>>,
    mmio_tid_q: DFF<Bits<9>>,
    mmio_wdata_q: DFF<Bits<64>>,
    self_fifo: RegFifo<{ hp::TID_BITS }, 4>,
    rd_go: Signal<Local, Bit>,
    wr_go: Signal<Local, Bit>,
    rd_route: Signal<Local, Bits<16>>,
    wr_route: Signal<Local, Bits<16>>,
    page: Signal<Local, Bits<16>>,
    to_leaf: Signal<Local, Bit>,
    route_shift: Constant<Bits<16>>,
    mdata_mask: Constant<Bits<16>>,
    page_shift: Constant<Bits<16>>,
    offset_mask: Constant<Bits<16>>,
    leaves: Constant<Bits<16>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    // Field offsets inside the packed entries, as wide as an index into each entry.
    rd_addr_at: Constant<Bits<6>>,
    rd_mdata_at: Constant<Bits<6>>,
    wr_sop_at: Constant<Bits<10>>,
    wr_addr_at: Constant<Bits<10>>,
    wr_mdata_at: Constant<Bits<10>>,
    wr_data_at: Constant<Bits<10>>,
    mrsp_tid_at: Constant<Bits<7>>,
    mrsp_data_at: Constant<Bits<7>>,
    unused_self_full: Signal<Local, Bit>,
    unused_self_count: Signal<Local, Bits<8>>,
}

fn at<const N: usize>(offset: usize) -> Constant<Bits<N>> {
    assert!(offset < 1 << N, "offset {offset} does not fit {N} bits");
    Constant::new((offset as u64).to_bits())
}

impl RootPort {
    /// The host side of a tree of `leaves` leaves.
    pub fn new(leaves: usize) -> Self {
        let route = hp::route_bits(leaves);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            host_c0_almfull: Default::default(),
            host_c1_almfull: Default::default(),
            host_rd_req_valid: Default::default(),
            host_rd_req_addr: Default::default(),
            host_rd_req_cl_len: Default::default(),
            host_rd_req_mdata: Default::default(),
            host_rd_rsp_valid: Default::default(),
            host_rd_rsp_mdata: Default::default(),
            host_rd_rsp_cl_num: Default::default(),
            host_rd_rsp_data: Default::default(),
            host_wr_req_valid: Default::default(),
            host_wr_req_addr: Default::default(),
            host_wr_req_cl_len: Default::default(),
            host_wr_req_sop: Default::default(),
            host_wr_req_mdata: Default::default(),
            host_wr_req_data: Default::default(),
            host_wr_rsp_valid: Default::default(),
            host_wr_rsp_mdata: Default::default(),
            host_mmio_valid: Default::default(),
            host_mmio_write: Default::default(),
            host_mmio_addr: Default::default(),
            host_mmio_tid: Default::default(),
            host_mmio_wdata: Default::default(),
            host_mmio_rsp_valid: Default::default(),
            host_mmio_rsp_tid: Default::default(),
            host_mmio_rsp_data: Default::default(),
            rd_valid: Default::default(),
            rd_data: Default::default(),
            rd_pop: Default::default(),
            wr_valid: Default::default(),
            wr_data: Default::default(),
            wr_pop: Default::default(),
            mrsp_valid: Default::default(),
            mrsp_data: Default::default(),
            mrsp_pop: Default::default(),
            rsp_valid: Default::default(),
            rsp_dest: Default::default(),
            rsp_mdata: Default::default(),
            rsp_cl_num: Default::default(),
            rsp_data: Default::default(),
            wrsp_valid: Default::default(),
            wrsp_dest: Default::default(),
            wrsp_mdata: Default::default(),
            mmio_valid: Default::default(),
            mmio_dest: Default::default(),
            mmio_write: Default::default(),
            mmio_addr: Default::default(),
            mmio_tid: Default::default(),
            mmio_wdata: Default::default(),
            self_valid: Default::default(),
            self_tid: Default::default(),
            self_pop: Default::default(),
            c0_af: Default::default(),
            c1_af: Default::default(),
            rd_out_valid: Default::default(),
            rd_out: Default::default(),
            wr_out_valid: Default::default(),
            wr_out: Default::default(),
            mrsp_out_valid: Default::default(),
            mrsp_out: Default::default(),
            rsp_v: Default::default(),
            rsp_dest_q: Default::default(),
            rsp_mdata_q: Default::default(),
            rsp_cl_num_q: Default::default(),
            rsp_data_q: Default::default(),
            wrsp_v: Default::default(),
            wrsp_dest_q: Default::default(),
            wrsp_mdata_q: Default::default(),
            mmio_v: Default::default(),
            mmio_dest_q: Default::default(),
            mmio_write_q: Default::default(),
            mmio_addr_q: Default::default(),
            mmio_tid_q: Default::default(),
            mmio_wdata_q: Default::default(),
            self_fifo: Default::default(),
            rd_go: Default::default(),
            wr_go: Default::default(),
            rd_route: Default::default(),
            wr_route: Default::default(),
            page: Default::default(),
            to_leaf: Default::default(),
            route_shift: at(hp::MDATA_BITS - route),
            mdata_mask: at((1 << (hp::MDATA_BITS - route)) - 1),
            page_shift: at(hp::MMIO_PAGE_SHIFT),
            offset_mask: at((1 << hp::MMIO_PAGE_SHIFT) - 1),
            leaves: at(leaves),
            zero16: at(0),
            one16: at(1),
            rd_addr_at: at(rd_req::ADDR),
            rd_mdata_at: at(rd_req::MDATA),
            wr_sop_at: at(wr_req::SOP),
            wr_addr_at: at(wr_req::ADDR),
            wr_mdata_at: at(wr_req::MDATA),
            wr_data_at: at(wr_req::DATA),
            mrsp_tid_at: at(mmio_rsp::TID),
            mrsp_data_at: at(mmio_rsp::DATA),
            unused_self_full: Default::default(),
            unused_self_count: Default::default(),
        }
    }
}

impl Logic for RootPort {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            c0_af,
            c1_af,
            rd_out_valid,
            rd_out,
            wr_out_valid,
            wr_out,
            mrsp_out_valid,
            mrsp_out,
            rsp_v,
            rsp_dest_q,
            rsp_mdata_q,
            rsp_cl_num_q,
            rsp_data_q,
            wrsp_v,
            wrsp_dest_q,
            wrsp_mdata_q,
            mmio_v,
            mmio_dest_q,
            mmio_write_q,
            mmio_addr_q,
            mmio_tid_q,
            mmio_wdata_q
        );
        // Requests out, behind registered almost-full.
        self.c0_af.d.next = self.host_c0_almfull.val();
        self.c1_af.d.next = self.host_c1_almfull.val();
        self.rd_go.next = self.rd_valid.val() & !self.c0_af.q.val() & !self.reset.val();
        self.wr_go.next = self.wr_valid.val() & !self.c1_af.q.val() & !self.reset.val();
        self.rd_pop.next = self.rd_go.val();
        self.wr_pop.next = self.wr_go.val();
        self.mrsp_pop.next = self.mrsp_valid.val() & !self.reset.val();
        self.rd_out_valid.d.next = self.rd_go.val();
        self.wr_out_valid.d.next = self.wr_go.val();
        self.mrsp_out_valid.d.next = self.mrsp_valid.val() & !self.reset.val();
        if self.rd_go.val() {
            self.rd_out.d.next = self.rd_data.val();
        }
        if self.wr_go.val() {
            self.wr_out.d.next = self.wr_data.val();
        }
        if self.mrsp_valid.val() {
            self.mrsp_out.d.next = self.mrsp_data.val();
        }
        self.host_rd_req_valid.next = self.rd_out_valid.q.val();
        self.host_rd_req_cl_len.next = self.rd_out.q.val().get_bits::<2>(0);
        self.host_rd_req_addr.next = self
            .rd_out
            .q
            .val()
            .get_bits::<42>(self.rd_addr_at.val().index());
        self.host_rd_req_mdata.next = self
            .rd_out
            .q
            .val()
            .get_bits::<16>(self.rd_mdata_at.val().index());
        self.host_wr_req_valid.next = self.wr_out_valid.q.val();
        self.host_wr_req_cl_len.next = self.wr_out.q.val().get_bits::<2>(0);
        self.host_wr_req_sop.next = self.wr_out.q.val().get_bit(self.wr_sop_at.val().index());
        self.host_wr_req_addr.next = self
            .wr_out
            .q
            .val()
            .get_bits::<42>(self.wr_addr_at.val().index());
        self.host_wr_req_mdata.next = self
            .wr_out
            .q
            .val()
            .get_bits::<16>(self.wr_mdata_at.val().index());
        self.host_wr_req_data.next = self
            .wr_out
            .q
            .val()
            .get_bits::<512>(self.wr_data_at.val().index());
        self.host_mmio_rsp_valid.next = self.mrsp_out_valid.q.val();
        self.host_mmio_rsp_tid.next = self
            .mrsp_out
            .q
            .val()
            .get_bits::<9>(self.mrsp_tid_at.val().index());
        self.host_mmio_rsp_data.next = self
            .mrsp_out
            .q
            .val()
            .get_bits::<64>(self.mrsp_data_at.val().index());

        // Responses in: the leaf index is in the top mdata bits.
        self.rd_route.next = self.host_rd_rsp_mdata.val() >> self.route_shift.val();
        self.wr_route.next = self.host_wr_rsp_mdata.val() >> self.route_shift.val();
        self.rsp_v.d.next = self.host_rd_rsp_valid.val() & !self.reset.val();
        self.rsp_dest_q.d.next = self.rd_route.val();
        self.rsp_mdata_q.d.next = self.host_rd_rsp_mdata.val() & self.mdata_mask.val();
        self.rsp_cl_num_q.d.next = self.host_rd_rsp_cl_num.val();
        self.rsp_data_q.d.next = self.host_rd_rsp_data.val();
        self.wrsp_v.d.next = self.host_wr_rsp_valid.val() & !self.reset.val();
        self.wrsp_dest_q.d.next = self.wr_route.val();
        self.wrsp_mdata_q.d.next = self.host_wr_rsp_mdata.val() & self.mdata_mask.val();
        self.rsp_valid.next = self.rsp_v.q.val();
        self.rsp_dest.next = self.rsp_dest_q.q.val();
        self.rsp_mdata.next = self.rsp_mdata_q.q.val();
        self.rsp_cl_num.next = self.rsp_cl_num_q.q.val();
        self.rsp_data.next = self.rsp_data_q.q.val();
        self.wrsp_valid.next = self.wrsp_v.q.val();
        self.wrsp_dest.next = self.wrsp_dest_q.q.val();
        self.wrsp_mdata.next = self.wrsp_mdata_q.q.val();

        // MMIO: page 1 + i goes to leaf i; the rest is answered here.
        self.page.next = self.host_mmio_addr.val() >> self.page_shift.val();
        self.to_leaf.next =
            (self.page.val() != self.zero16.val()) & (self.page.val() <= self.leaves.val());
        self.mmio_v.d.next = self.host_mmio_valid.val() & self.to_leaf.val() & !self.reset.val();
        self.mmio_dest_q.d.next = self.page.val() - self.one16.val();
        self.mmio_write_q.d.next = self.host_mmio_write.val();
        self.mmio_addr_q.d.next = self.host_mmio_addr.val() & self.offset_mask.val();
        self.mmio_tid_q.d.next = self.host_mmio_tid.val();
        self.mmio_wdata_q.d.next = self.host_mmio_wdata.val();
        self.mmio_valid.next = self.mmio_v.q.val();
        self.mmio_dest.next = self.mmio_dest_q.q.val();
        self.mmio_write.next = self.mmio_write_q.q.val();
        self.mmio_addr.next = self.mmio_addr_q.q.val();
        self.mmio_tid.next = self.mmio_tid_q.q.val();
        self.mmio_wdata.next = self.mmio_wdata_q.q.val();
        self.self_fifo.clock.next = self.clock.val();
        self.self_fifo.reset.next = self.reset.val();
        self.self_fifo.push.next =
            self.host_mmio_valid.val() & !self.host_mmio_write.val() & !self.to_leaf.val();
        self.self_fifo.push_data.next = self.host_mmio_tid.val();
        self.self_fifo.pop.next = self.self_pop.val();
        self.self_valid.next = !self.self_fifo.empty.val();
        self.self_tid.next = self.self_fifo.head.val();
        // At most 16 reads are outstanding (a documented limit of the tree), so the FIFO
        // never fills: its level is not needed.
        self.unused_self_full.next = self.self_fifo.full.val();
        self.unused_self_count.next = self.self_fifo.count.val();
    }
}
