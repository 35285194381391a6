//! `MuxTree`: N leaves sharing one host port through a registered binary tree.
//!
//! ```text
//!  leaf 0 ─► ingress ─┐                      requests up: one arbiter node per channel and
//!  leaf 1 ─► ingress ─┴► node ─┐             level, each with a registered output FIFO
//!  leaf 2 ─► ingress ─┐        ├► node ─► root port ─► host
//!  leaf 3 ─► ingress ─┴► node ─┘  ▲            │
//!                                 └─ routers ◄─┘ responses and MMIO down: one registered
//!                                                 1→2 router per channel and node
//! ```
//!
//! Every node boundary is a register, so the longest combinational path is that of one node
//! whatever N is. The wiring between blocks depends on N (a balanced split, see [`TreeShape`])
//! and is not expressible in rust-hdl's `hdl_gen` subset, so this block is structural, like
//! rust-hdl's own `RAM`: [`Wiring`] writes the Verilog body from the shape, and
//! `sim_wiring` does the same connections for the rust-hdl simulator. Neither holds logic
//! (concatenations and slices only); all logic lives in the child blocks, which are
//! ordinary `hdl_gen` blocks.

use super::arbiter::Arbiter;
use super::down::DownRouter;
use super::ingress::LeafIngress;
use super::root::RootPort;
use super::shape::TreeShape;
use super::wiring::Wiring;
use crate::host_port::{mmio_req, mmio_rsp, rd_req, rd_rsp, wr_req};
use rust_hdl::prelude::*;

/// Ingress FIFO depth (log2) for request channels: room for the 8-beat almfull slack.
pub const INGRESS_AW: usize = 4;
/// Node output FIFO depth (log2).
pub const NODE_AW: usize = 2;

/// Read-request arbiter node of K inputs.
pub type RdNode<const K: usize> = Arbiter<K, { rd_req::W }, NODE_AW>;
/// Write-request arbiter node (packet mode).
pub type WrNode<const K: usize> = Arbiter<K, { wr_req::W }, NODE_AW>;
/// MMIO-response arbiter node.
pub type MrspNode<const K: usize> = Arbiter<K, { mmio_rsp::W }, NODE_AW>;

/// The multiplexer tree with nodes of K inputs (K = 2: the tree; K = N: a flat mux, for
/// comparison), with contract port names (leaf ports as one signal per leaf; the emitted
/// wrapper packs them).
#[derive(LogicBlock)]
pub struct MuxTree<const K: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
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
    /// First beat.
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
    /// MMIO read response.
    pub host_mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub host_mmio_rsp_tid: Signal<Out, Bits<9>>,
    /// Its data.
    pub host_mmio_rsp_data: Signal<Out, Bits<64>>,
    /// The host side.
    pub root: RootPort,
    /// Almost-full towards leaf i, reads.
    pub leaf_c0_almfull: Vec<Signal<Out, Bit>>,
    /// Almost-full towards leaf i, write beats.
    pub leaf_c1_almfull: Vec<Signal<Out, Bit>>,
    /// Leaf i's read request.
    pub leaf_rd_req_valid: Vec<Signal<In, Bit>>,
    /// Its address.
    pub leaf_rd_req_addr: Vec<Signal<In, Bits<42>>>,
    /// Its length code.
    pub leaf_rd_req_cl_len: Vec<Signal<In, Bits<2>>>,
    /// Its mdata.
    pub leaf_rd_req_mdata: Vec<Signal<In, Bits<16>>>,
    /// Read response to leaf i.
    pub leaf_rd_rsp_valid: Vec<Signal<Out, Bit>>,
    /// Its mdata.
    pub leaf_rd_rsp_mdata: Vec<Signal<Out, Bits<16>>>,
    /// Its line index.
    pub leaf_rd_rsp_cl_num: Vec<Signal<Out, Bits<2>>>,
    /// Its data.
    pub leaf_rd_rsp_data: Vec<Signal<Out, Bits<512>>>,
    /// Leaf i's write beat.
    pub leaf_wr_req_valid: Vec<Signal<In, Bit>>,
    /// Its address.
    pub leaf_wr_req_addr: Vec<Signal<In, Bits<42>>>,
    /// Its request's length code.
    pub leaf_wr_req_cl_len: Vec<Signal<In, Bits<2>>>,
    /// First beat.
    pub leaf_wr_req_sop: Vec<Signal<In, Bit>>,
    /// Its mdata.
    pub leaf_wr_req_mdata: Vec<Signal<In, Bits<16>>>,
    /// Its data.
    pub leaf_wr_req_data: Vec<Signal<In, Bits<512>>>,
    /// Write response to leaf i.
    pub leaf_wr_rsp_valid: Vec<Signal<Out, Bit>>,
    /// Its mdata.
    pub leaf_wr_rsp_mdata: Vec<Signal<Out, Bits<16>>>,
    /// MMIO request to leaf i.
    pub leaf_mmio_valid: Vec<Signal<Out, Bit>>,
    /// Write (else read).
    pub leaf_mmio_write: Vec<Signal<Out, Bit>>,
    /// Leaf-relative address.
    pub leaf_mmio_addr: Vec<Signal<Out, Bits<16>>>,
    /// Transaction id.
    pub leaf_mmio_tid: Vec<Signal<Out, Bits<9>>>,
    /// Write data.
    pub leaf_mmio_wdata: Vec<Signal<Out, Bits<64>>>,
    /// Leaf i's MMIO read response.
    pub leaf_mmio_rsp_valid: Vec<Signal<In, Bit>>,
    /// Its tid.
    pub leaf_mmio_rsp_tid: Vec<Signal<In, Bits<9>>>,
    /// Its data.
    pub leaf_mmio_rsp_data: Vec<Signal<In, Bits<64>>>,
    /// Per-leaf ingress of read requests.
    pub ing_rd: Vec<LeafIngress<{ rd_req::W }, INGRESS_AW>>,
    /// Per-leaf ingress of write beats.
    pub ing_wr: Vec<LeafIngress<{ wr_req::W }, INGRESS_AW>>,
    /// Per-leaf ingress of MMIO read responses.
    pub ing_mrsp: Vec<LeafIngress<{ mmio_rsp::W }, INGRESS_AW>>,
    /// Read-request nodes, pre-order.
    pub up_rd: Vec<RdNode<K>>,
    /// Write nodes.
    pub up_wr: Vec<WrNode<K>>,
    /// MMIO-response nodes.
    pub up_mrsp: Vec<MrspNode<K>>,
    /// Merges the leaves' MMIO responses with the ones the tree answers itself.
    pub merge: MrspNode<2>,
    /// Read-response routers.
    pub dn_rsp: Vec<DownRouter<{ rd_rsp::W }, K>>,
    /// Write-response routers.
    pub dn_wrsp: Vec<DownRouter<16, K>>,
    /// MMIO-request routers.
    pub dn_mmio: Vec<DownRouter<{ mmio_req::W }, K>>,
    _shape: TreeShape,
}

fn sigs<D: Direction, T: Synth>(n: usize) -> Vec<Signal<D, T>> {
    (0..n).map(|_| Signal::default()).collect()
}

impl<const K: usize> MuxTree<K> {
    /// A tree of `leaves` leaves (1 to 16).
    pub fn new(leaves: usize) -> Self {
        assert!((1..=16).contains(&leaves), "the tree takes 1 to 16 leaves");
        assert!(K >= 2, "nodes need at least two inputs");
        let shape = TreeShape::new(leaves, K);
        let nodes = shape.nodes.len();
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
            root: RootPort::new(leaves),
            leaf_c0_almfull: sigs(leaves),
            leaf_c1_almfull: sigs(leaves),
            leaf_rd_req_valid: sigs(leaves),
            leaf_rd_req_addr: sigs(leaves),
            leaf_rd_req_cl_len: sigs(leaves),
            leaf_rd_req_mdata: sigs(leaves),
            leaf_rd_rsp_valid: sigs(leaves),
            leaf_rd_rsp_mdata: sigs(leaves),
            leaf_rd_rsp_cl_num: sigs(leaves),
            leaf_rd_rsp_data: sigs(leaves),
            leaf_wr_req_valid: sigs(leaves),
            leaf_wr_req_addr: sigs(leaves),
            leaf_wr_req_cl_len: sigs(leaves),
            leaf_wr_req_sop: sigs(leaves),
            leaf_wr_req_mdata: sigs(leaves),
            leaf_wr_req_data: sigs(leaves),
            leaf_wr_rsp_valid: sigs(leaves),
            leaf_wr_rsp_mdata: sigs(leaves),
            leaf_mmio_valid: sigs(leaves),
            leaf_mmio_write: sigs(leaves),
            leaf_mmio_addr: sigs(leaves),
            leaf_mmio_tid: sigs(leaves),
            leaf_mmio_wdata: sigs(leaves),
            leaf_mmio_rsp_valid: sigs(leaves),
            leaf_mmio_rsp_tid: sigs(leaves),
            leaf_mmio_rsp_data: sigs(leaves),
            ing_rd: (0..leaves).map(|_| LeafIngress::new(false, true)).collect(),
            ing_wr: (0..leaves).map(|_| LeafIngress::new(true, true)).collect(),
            ing_mrsp: (0..leaves)
                .map(|_| LeafIngress::new(false, false))
                .collect(),
            up_rd: (0..nodes).map(|_| Arbiter::new(false)).collect(),
            up_wr: (0..nodes).map(|_| Arbiter::new(true)).collect(),
            up_mrsp: (0..nodes).map(|_| Arbiter::new(false)).collect(),
            merge: Arbiter::new(false),
            dn_rsp: shape
                .nodes
                .iter()
                .map(|n| DownRouter::new(&n.bounds))
                .collect(),
            dn_wrsp: shape
                .nodes
                .iter()
                .map(|n| DownRouter::new(&n.bounds))
                .collect(),
            dn_mmio: shape
                .nodes
                .iter()
                .map(|n| DownRouter::new(&n.bounds))
                .collect(),
            _shape: shape,
        }
    }

    /// The tree's shape.
    pub fn shape(&self) -> &TreeShape {
        &self._shape
    }
}

impl<const K: usize> Logic for MuxTree<K> {
    fn update(&mut self) {
        super::sim_wiring::update(self);
    }

    fn connect(&mut self) {
        super::sim_wiring::connect(self);
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(Wiring::new(&self._shape, K).verilog())
    }
}
