//! The connections of [`MuxTree`] for the rust-hdl simulator: the same wiring that
//! [`super::wiring::Wiring`] writes as Verilog, done on signals.

use super::shape::Child;
use super::tree::MuxTree;
use crate::host_port::{self as hp, mmio_req, mmio_rsp, rd_req, rd_rsp, wr_req};
use rust_hdl::prelude::*;

fn tag(mdata: Bits<16>, leaf: usize, leaves: usize) -> Bits<16> {
    let route = hp::route_bits(leaves);
    if route == 0 {
        return mdata;
    }
    let low = hp::MDATA_BITS - route;
    let m = mdata.to_u64() & ((1 << low) - 1);
    (m | ((leaf as u64) << low)).to_bits()
}

/// Upward source of one channel: (valid, data, weight).
macro_rules! source {
    ($t:ident, $ing:ident, $up:ident, $c:expr) => {
        match $c {
            Child::Leaf(i) => (
                $t.$ing[i].out_valid.val(),
                $t.$ing[i].out_data.val(),
                $t.$ing[i].out_weight.val(),
            ),
            Child::Node(j) => (
                $t.$up[j].out_valid.val(),
                $t.$up[j].out_data.val(),
                $t.$up[j].out_weight.val(),
            ),
        }
    };
}

/// Drives `pop` of an upward source.
macro_rules! pop {
    ($t:ident, $ing:ident, $up:ident, $c:expr, $v:expr) => {
        match $c {
            Child::Leaf(i) => $t.$ing[i].out_pop.next = $v,
            Child::Node(j) => $t.$up[j].out_pop.next = $v,
        }
    };
}

/// One delta of the tree's wiring.
pub fn update<const K: usize>(t: &mut MuxTree<K>) {
    let n = t.shape().leaves;
    let shape = t.shape().clone();
    let (clk, rst) = (t.clock.val(), t.reset.val());
    t.root.clock.next = clk;
    t.root.reset.next = rst;
    t.merge.clock.next = clk;
    t.merge.reset.next = rst;
    macro_rules! clocks {
        ($($v:ident),*) => {$(for b in t.$v.iter_mut() { b.clock.next = clk; b.reset.next = rst; })*};
    }
    clocks!(
        ing_rd, ing_wr, ing_mrsp, up_rd, up_wr, up_mrsp, dn_rsp, dn_wrsp, dn_mmio
    );

    // Host port.
    let r = &mut t.root;
    r.host_c0_almfull.next = t.host_c0_almfull.val();
    r.host_c1_almfull.next = t.host_c1_almfull.val();
    r.host_rd_rsp_valid.next = t.host_rd_rsp_valid.val();
    r.host_rd_rsp_mdata.next = t.host_rd_rsp_mdata.val();
    r.host_rd_rsp_cl_num.next = t.host_rd_rsp_cl_num.val();
    r.host_rd_rsp_data.next = t.host_rd_rsp_data.val();
    r.host_wr_rsp_valid.next = t.host_wr_rsp_valid.val();
    r.host_wr_rsp_mdata.next = t.host_wr_rsp_mdata.val();
    r.host_mmio_valid.next = t.host_mmio_valid.val();
    r.host_mmio_write.next = t.host_mmio_write.val();
    r.host_mmio_addr.next = t.host_mmio_addr.val();
    r.host_mmio_tid.next = t.host_mmio_tid.val();
    r.host_mmio_wdata.next = t.host_mmio_wdata.val();
    t.host_rd_req_valid.next = r.host_rd_req_valid.val();
    t.host_rd_req_addr.next = r.host_rd_req_addr.val();
    t.host_rd_req_cl_len.next = r.host_rd_req_cl_len.val();
    t.host_rd_req_mdata.next = r.host_rd_req_mdata.val();
    t.host_wr_req_valid.next = r.host_wr_req_valid.val();
    t.host_wr_req_addr.next = r.host_wr_req_addr.val();
    t.host_wr_req_cl_len.next = r.host_wr_req_cl_len.val();
    t.host_wr_req_sop.next = r.host_wr_req_sop.val();
    t.host_wr_req_mdata.next = r.host_wr_req_mdata.val();
    t.host_wr_req_data.next = r.host_wr_req_data.val();
    t.host_mmio_rsp_valid.next = r.host_mmio_rsp_valid.val();
    t.host_mmio_rsp_tid.next = r.host_mmio_rsp_tid.val();
    t.host_mmio_rsp_data.next = r.host_mmio_rsp_data.val();

    // Leaves into their ingress FIFOs.
    for i in 0..n {
        let mut e = Bits::<{ rd_req::W }>::default();
        e.set_bits::<2>(rd_req::CL_LEN, t.leaf_rd_req_cl_len[i].val());
        e.set_bits::<42>(rd_req::ADDR, t.leaf_rd_req_addr[i].val());
        e.set_bits::<16>(rd_req::MDATA, tag(t.leaf_rd_req_mdata[i].val(), i, n));
        t.ing_rd[i].in_valid.next = t.leaf_rd_req_valid[i].val();
        t.ing_rd[i].in_data.next = e;
        let mut e = Bits::<{ wr_req::W }>::default();
        e.set_bits::<2>(wr_req::CL_LEN, t.leaf_wr_req_cl_len[i].val());
        e.set_bits::<1>(wr_req::SOP, t.leaf_wr_req_sop[i].val().into());
        e.set_bits::<42>(wr_req::ADDR, t.leaf_wr_req_addr[i].val());
        e.set_bits::<16>(wr_req::MDATA, tag(t.leaf_wr_req_mdata[i].val(), i, n));
        e.set_bits::<512>(wr_req::DATA, t.leaf_wr_req_data[i].val());
        t.ing_wr[i].in_valid.next = t.leaf_wr_req_valid[i].val();
        t.ing_wr[i].in_data.next = e;
        let mut e = Bits::<{ mmio_rsp::W }>::default();
        e.set_bits::<9>(mmio_rsp::TID, t.leaf_mmio_rsp_tid[i].val());
        e.set_bits::<64>(mmio_rsp::DATA, t.leaf_mmio_rsp_data[i].val());
        t.ing_mrsp[i].in_valid.next = t.leaf_mmio_rsp_valid[i].val();
        t.ing_mrsp[i].in_data.next = e;
        t.leaf_c0_almfull[i].next = t.ing_rd[i].almfull.val();
        t.leaf_c1_almfull[i].next = t.ing_wr[i].almfull.val();
    }

    // Nodes take from their children.
    for (j, node) in shape.nodes.iter().enumerate() {
        for (s, &c) in node.children.iter().enumerate() {
            let (v, d, w) = source!(t, ing_rd, up_rd, c);
            (
                t.up_rd[j].in_valid[s].next,
                t.up_rd[j].in_data[s].next,
                t.up_rd[j].in_weight[s].next,
            ) = (v, d, w);
            pop!(t, ing_rd, up_rd, c, t.up_rd[j].in_pop[s].val());
            let (v, d, w) = source!(t, ing_wr, up_wr, c);
            (
                t.up_wr[j].in_valid[s].next,
                t.up_wr[j].in_data[s].next,
                t.up_wr[j].in_weight[s].next,
            ) = (v, d, w);
            pop!(t, ing_wr, up_wr, c, t.up_wr[j].in_pop[s].val());
            let (v, d, w) = source!(t, ing_mrsp, up_mrsp, c);
            (
                t.up_mrsp[j].in_valid[s].next,
                t.up_mrsp[j].in_data[s].next,
                t.up_mrsp[j].in_weight[s].next,
            ) = (v, d, w);
            pop!(t, ing_mrsp, up_mrsp, c, t.up_mrsp[j].in_pop[s].val());
        }
        for s in node.children.len()..K {
            t.up_rd[j].in_valid[s].next = false;
            t.up_wr[j].in_valid[s].next = false;
            t.up_mrsp[j].in_valid[s].next = false;
        }
    }
    let root = shape.root;
    let (v, d, _) = source!(t, ing_rd, up_rd, root);
    (t.root.rd_valid.next, t.root.rd_data.next) = (v, d);
    pop!(t, ing_rd, up_rd, root, t.root.rd_pop.val());
    let (v, d, _) = source!(t, ing_wr, up_wr, root);
    (t.root.wr_valid.next, t.root.wr_data.next) = (v, d);
    pop!(t, ing_wr, up_wr, root, t.root.wr_pop.val());
    let (v, d, _) = source!(t, ing_mrsp, up_mrsp, root);
    (t.merge.in_valid[0].next, t.merge.in_data[0].next) = (v, d);
    t.merge.in_weight[0].next = 1_u64.to_bits();
    pop!(t, ing_mrsp, up_mrsp, root, t.merge.in_pop[0].val());
    let mut e = Bits::<{ mmio_rsp::W }>::default();
    e.set_bits::<9>(mmio_rsp::TID, t.root.self_tid.val());
    t.merge.in_valid[1].next = t.root.self_valid.val();
    t.merge.in_data[1].next = e;
    t.merge.in_weight[1].next = 1_u64.to_bits();
    t.root.self_pop.next = t.merge.in_pop[1].val();
    t.root.mrsp_valid.next = t.merge.out_valid.val();
    t.root.mrsp_data.next = t.merge.out_data.val();
    t.merge.out_pop.next = t.root.mrsp_pop.val();

    down(t, &shape);
}

/// Routers and leaf outputs.
fn down<const K: usize>(t: &mut MuxTree<K>, shape: &super::shape::TreeShape) {
    let r = &t.root;
    // (valid, dest, payload) entering each router, per channel.
    let mut rsp = Bits::<{ rd_rsp::W }>::default();
    rsp.set_bits::<16>(rd_rsp::MDATA, r.rsp_mdata.val());
    rsp.set_bits::<2>(rd_rsp::CL_NUM, r.rsp_cl_num.val());
    rsp.set_bits::<512>(rd_rsp::DATA, r.rsp_data.val());
    let mut mm = Bits::<{ mmio_req::W }>::default();
    mm.set_bits::<1>(mmio_req::WRITE, r.mmio_write.val().into());
    mm.set_bits::<16>(mmio_req::ADDR, r.mmio_addr.val());
    mm.set_bits::<9>(mmio_req::TID, r.mmio_tid.val());
    mm.set_bits::<64>(mmio_req::WDATA, r.mmio_wdata.val());
    let root_in = (
        (r.rsp_valid.val(), r.rsp_dest.val(), rsp),
        (r.wrsp_valid.val(), r.wrsp_dest.val(), r.wrsp_mdata.val()),
        (r.mmio_valid.val(), r.mmio_dest.val(), mm),
    );
    for j in 0..shape.nodes.len() {
        let (a, b, c) = match shape.parent(Child::Node(j)) {
            None => root_in,
            Some((p, side)) => (
                (
                    t.dn_rsp[p].out_valid[side].val(),
                    t.dn_rsp[p].out_dest.val(),
                    t.dn_rsp[p].out_payload.val(),
                ),
                (
                    t.dn_wrsp[p].out_valid[side].val(),
                    t.dn_wrsp[p].out_dest.val(),
                    t.dn_wrsp[p].out_payload.val(),
                ),
                (
                    t.dn_mmio[p].out_valid[side].val(),
                    t.dn_mmio[p].out_dest.val(),
                    t.dn_mmio[p].out_payload.val(),
                ),
            ),
        };
        (
            t.dn_rsp[j].in_valid.next,
            t.dn_rsp[j].in_dest.next,
            t.dn_rsp[j].in_payload.next,
        ) = a;
        (
            t.dn_wrsp[j].in_valid.next,
            t.dn_wrsp[j].in_dest.next,
            t.dn_wrsp[j].in_payload.next,
        ) = b;
        (
            t.dn_mmio[j].in_valid.next,
            t.dn_mmio[j].in_dest.next,
            t.dn_mmio[j].in_payload.next,
        ) = c;
    }
    for i in 0..shape.leaves {
        let ((rv, _, rp), (wv, _, wp), (mv, _, mp)) = match shape.parent(Child::Leaf(i)) {
            None => root_in,
            Some((p, side)) => (
                (
                    t.dn_rsp[p].out_valid[side].val(),
                    0_u64.to_bits(),
                    t.dn_rsp[p].out_payload.val(),
                ),
                (
                    t.dn_wrsp[p].out_valid[side].val(),
                    0_u64.to_bits(),
                    t.dn_wrsp[p].out_payload.val(),
                ),
                (
                    t.dn_mmio[p].out_valid[side].val(),
                    0_u64.to_bits(),
                    t.dn_mmio[p].out_payload.val(),
                ),
            ),
        };
        t.leaf_rd_rsp_valid[i].next = rv;
        t.leaf_rd_rsp_mdata[i].next = rp.get_bits::<16>(rd_rsp::MDATA);
        t.leaf_rd_rsp_cl_num[i].next = rp.get_bits::<2>(rd_rsp::CL_NUM);
        t.leaf_rd_rsp_data[i].next = rp.get_bits::<512>(rd_rsp::DATA);
        t.leaf_wr_rsp_valid[i].next = wv;
        t.leaf_wr_rsp_mdata[i].next = wp;
        t.leaf_mmio_valid[i].next = mv;
        t.leaf_mmio_write[i].next = mp.get_bit(mmio_req::WRITE);
        t.leaf_mmio_addr[i].next = mp.get_bits::<16>(mmio_req::ADDR);
        t.leaf_mmio_tid[i].next = mp.get_bits::<9>(mmio_req::TID);
        t.leaf_mmio_wdata[i].next = mp.get_bits::<64>(mmio_req::WDATA);
    }
}

/// Marks what the tree drives: its outputs and its children's inputs.
pub fn connect<const K: usize>(t: &mut MuxTree<K>) {
    let r = &mut t.root;
    for s in [
        &mut r.clock as &mut dyn Connectable,
        &mut r.reset,
        &mut r.host_c0_almfull,
        &mut r.host_c1_almfull,
        &mut r.host_rd_rsp_valid,
        &mut r.host_rd_rsp_mdata,
        &mut r.host_rd_rsp_cl_num,
        &mut r.host_rd_rsp_data,
        &mut r.host_wr_rsp_valid,
        &mut r.host_wr_rsp_mdata,
        &mut r.host_mmio_valid,
        &mut r.host_mmio_write,
        &mut r.host_mmio_addr,
        &mut r.host_mmio_tid,
        &mut r.host_mmio_wdata,
        &mut r.rd_valid,
        &mut r.rd_data,
        &mut r.wr_valid,
        &mut r.wr_data,
        &mut r.mrsp_valid,
        &mut r.mrsp_data,
        &mut r.self_pop,
    ] {
        s.connect_signal();
    }
    for s in [
        &mut t.host_rd_req_valid as &mut dyn Connectable,
        &mut t.host_rd_req_addr,
        &mut t.host_rd_req_cl_len,
        &mut t.host_rd_req_mdata,
        &mut t.host_wr_req_valid,
        &mut t.host_wr_req_addr,
        &mut t.host_wr_req_cl_len,
        &mut t.host_wr_req_sop,
        &mut t.host_wr_req_mdata,
        &mut t.host_wr_req_data,
        &mut t.host_mmio_rsp_valid,
        &mut t.host_mmio_rsp_tid,
        &mut t.host_mmio_rsp_data,
        &mut t.merge.clock,
        &mut t.merge.reset,
        &mut t.merge.out_pop,
    ] {
        s.connect_signal();
    }
    for k in 0..2 {
        t.merge.in_valid[k].connect();
        t.merge.in_data[k].connect();
        t.merge.in_weight[k].connect();
    }
    macro_rules! each {
        ($v:ident: $($f:ident),*) => { for b in t.$v.iter_mut() { $(b.$f.connect();)* } };
    }
    each!(ing_rd: clock, reset, in_valid, in_data, out_pop);
    each!(ing_wr: clock, reset, in_valid, in_data, out_pop);
    each!(ing_mrsp: clock, reset, in_valid, in_data, out_pop);
    each!(dn_rsp: clock, reset, in_valid, in_dest, in_payload);
    each!(dn_wrsp: clock, reset, in_valid, in_dest, in_payload);
    each!(dn_mmio: clock, reset, in_valid, in_dest, in_payload);
    macro_rules! nodes {
        ($($v:ident),*) => {$(for b in t.$v.iter_mut() {
            b.clock.connect(); b.reset.connect(); b.out_pop.connect();
            for k in 0..K { b.in_valid[k].connect(); b.in_data[k].connect(); b.in_weight[k].connect(); }
        })*};
    }
    nodes!(up_rd, up_wr, up_mrsp);
    macro_rules! outs {
        ($($v:ident),*) => {$(for s in t.$v.iter_mut() { s.connect(); })*};
    }
    outs!(
        leaf_c0_almfull,
        leaf_c1_almfull,
        leaf_rd_rsp_valid,
        leaf_rd_rsp_mdata,
        leaf_rd_rsp_cl_num,
        leaf_rd_rsp_data,
        leaf_wr_rsp_valid,
        leaf_wr_rsp_mdata,
        leaf_mmio_valid,
        leaf_mmio_write,
        leaf_mmio_addr,
        leaf_mmio_tid,
        leaf_mmio_wdata
    );
}

/// Object-safe `connect` for signals of any type.
trait Connectable {
    fn connect_signal(&mut self);
}

impl<D: Direction, T: Synth> Connectable for Signal<D, T> {
    fn connect_signal(&mut self) {
        self.connect();
    }
}
