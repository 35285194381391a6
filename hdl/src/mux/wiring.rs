//! The Verilog body of [`super::tree::MuxTree`]: connections between its child blocks, derived
//! from the tree shape. Only concatenations and slices: no logic.
//!
//! rust-hdl declares every child port as `<instance>$<port>` (array elements as
//! `<instance>$<port>$<i>`, vector elements as `<field>$<i>`), so that is what we drive.

use super::shape::{Child, TreeShape};
use crate::host_port::{self as hp, mmio_req, rd_rsp};
use std::fmt::Write;

/// Upward channels: (ingress/node name suffix, root port prefix).
const UP: [(&str, &str); 3] = [("rd", "rd"), ("wr", "wr"), ("mrsp", "mrsp")];

/// Writes the body for one shape.
pub struct Wiring<'a> {
    shape: &'a TreeShape,
    arity: usize,
    out: String,
    unused: Vec<String>,
}

fn src(kind: &str, c: Child) -> String {
    match c {
        Child::Leaf(i) => format!("ing_{kind}${i}$"),
        Child::Node(j) => format!("up_{kind}${j}$"),
    }
}

impl<'a> Wiring<'a> {
    /// A writer for `shape`.
    pub fn new(shape: &'a TreeShape, arity: usize) -> Self {
        Self {
            shape,
            arity,
            out: String::new(),
            unused: Vec::new(),
        }
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str("   ");
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    /// The Verilog body.
    pub fn verilog(mut self) -> String {
        let n = self.shape.leaves;
        let nodes = self.shape.nodes.len();
        self.out.push_str("always @(*) begin\n");
        let mut blocks = vec!["root".to_string(), "merge".to_string()];
        for k in ["rd", "wr", "mrsp"] {
            blocks.extend((0..n).map(|i| format!("ing_{k}${i}")));
            blocks.extend((0..nodes).map(|j| format!("up_{k}${j}")));
        }
        for k in ["rsp", "wrsp", "mmio"] {
            blocks.extend((0..nodes).map(|j| format!("dn_{k}${j}")));
        }
        for b in &blocks {
            self.line(format!("{b}$clock = clock;"));
            self.line(format!("{b}$reset = reset;"));
        }
        self.host_port();
        for i in 0..n {
            self.leaf_ingress(i);
        }
        self.up_nodes();
        self.down_routers();
        for i in 0..n {
            self.leaf_outputs(i);
        }
        self.out.push_str("end\n");
        // Signals that are legitimately unread (leaf mdata bits the tree owns, flags of the
        // root and of last-level routers): Verilator's default --unused-regexp skips `unused*`.
        let unused = std::mem::take(&mut self.unused);
        let _ = writeln!(
            self.out,
            "wire unused_ok = ^{{1'b0, {}}};",
            unused.join(", ")
        );
        self.out
    }

    fn host_port(&mut self) {
        for p in [
            "host_c0_almfull",
            "host_c1_almfull",
            "host_rd_rsp_valid",
            "host_rd_rsp_mdata",
            "host_rd_rsp_cl_num",
            "host_rd_rsp_data",
            "host_wr_rsp_valid",
            "host_wr_rsp_mdata",
            "host_mmio_valid",
            "host_mmio_write",
            "host_mmio_addr",
            "host_mmio_tid",
            "host_mmio_wdata",
        ] {
            self.line(format!("root${p} = {p};"));
        }
        for p in [
            "host_rd_req_valid",
            "host_rd_req_addr",
            "host_rd_req_cl_len",
            "host_rd_req_mdata",
            "host_wr_req_valid",
            "host_wr_req_addr",
            "host_wr_req_cl_len",
            "host_wr_req_sop",
            "host_wr_req_mdata",
            "host_wr_req_data",
            "host_mmio_rsp_valid",
            "host_mmio_rsp_tid",
            "host_mmio_rsp_data",
        ] {
            self.line(format!("{p} = root${p};"));
        }
    }

    /// mdata as it enters the tree: the leaf index in the top bits.
    fn tagged_mdata(&mut self, port: &str, i: usize) -> String {
        let route = hp::route_bits(self.shape.leaves);
        if route == 0 {
            return format!("{port}${i}");
        }
        let low = hp::MDATA_BITS - route;
        self.unused
            .push(format!("{port}${i}[{}:{low}]", hp::MDATA_BITS - 1));
        format!("{{{route}'d{i}, {port}${i}[{}:0]}}", low - 1)
    }

    fn leaf_ingress(&mut self, i: usize) {
        let md = self.tagged_mdata("leaf_rd_req_mdata", i);
        self.line(format!("ing_rd${i}$in_valid = leaf_rd_req_valid${i};"));
        self.line(format!(
            "ing_rd${i}$in_data = {{{md}, leaf_rd_req_addr${i}, leaf_rd_req_cl_len${i}}};"
        ));
        let md = self.tagged_mdata("leaf_wr_req_mdata", i);
        self.line(format!("ing_wr${i}$in_valid = leaf_wr_req_valid${i};"));
        self.line(format!(
            "ing_wr${i}$in_data = {{leaf_wr_req_data${i}, {md}, leaf_wr_req_addr${i}, \
             leaf_wr_req_sop${i}, leaf_wr_req_cl_len${i}}};"
        ));
        self.line(format!("ing_mrsp${i}$in_valid = leaf_mmio_rsp_valid${i};"));
        self.line(format!(
            "ing_mrsp${i}$in_data = {{leaf_mmio_rsp_data${i}, leaf_mmio_rsp_tid${i}, 2'b00}};"
        ));
        self.line(format!("leaf_c0_almfull${i} = ing_rd${i}$almfull;"));
        self.line(format!("leaf_c1_almfull${i} = ing_wr${i}$almfull;"));
        self.unused.push(format!("ing_mrsp${i}$almfull"));
    }

    fn up_nodes(&mut self) {
        for (j, node) in self.shape.nodes.clone().iter().enumerate() {
            for (k, _) in UP {
                for (s, &c) in node.children.iter().enumerate() {
                    let p = src(k, c);
                    self.line(format!("up_{k}${j}$in_valid${s} = {p}out_valid;"));
                    self.line(format!("up_{k}${j}$in_data${s} = {p}out_data;"));
                    self.line(format!("up_{k}${j}$in_weight${s} = {p}out_weight;"));
                    self.line(format!("{p}out_pop = up_{k}${j}$in_pop${s};"));
                }
                // A node with fewer children than inputs: the rest stay idle.
                for s in node.children.len()..self.arity {
                    self.line(format!("up_{k}${j}$in_valid${s} = 1'b0;"));
                    self.line(format!("up_{k}${j}$in_data${s} = 0;"));
                    self.line(format!("up_{k}${j}$in_weight${s} = 8'd0;"));
                    self.unused.push(format!("up_{k}${j}$in_pop${s}"));
                }
            }
        }
        // The root sources feed the root port; MMIO responses go through the merge first.
        let root = self.shape.root;
        for (k, r) in &UP[..2] {
            let p = src(k, root);
            self.line(format!("root${r}_valid = {p}out_valid;"));
            self.line(format!("root${r}_data = {p}out_data;"));
            self.line(format!("{p}out_pop = root${r}_pop;"));
            self.unused.push(format!("{p}out_weight"));
        }
        let p = src("mrsp", root);
        self.line(format!("merge$in_valid$0 = {p}out_valid;"));
        self.line(format!("merge$in_data$0 = {p}out_data;"));
        self.line("merge$in_weight$0 = 8'd1;");
        self.line(format!("{p}out_pop = merge$in_pop$0;"));
        self.unused.push(format!("{p}out_weight"));
        self.line("merge$in_valid$1 = root$self_valid;");
        self.line(format!(
            "merge$in_data$1 = {{{}'d0, root$self_tid, 2'b00}};",
            hp::MMIO_DATA_BITS
        ));
        self.line("merge$in_weight$1 = 8'd1;");
        self.line("root$self_pop = merge$in_pop$1;");
        self.line("root$mrsp_valid = merge$out_valid;");
        self.line("root$mrsp_data = merge$out_data;");
        self.line("merge$out_pop = root$mrsp_pop;");
        self.unused.push("merge$out_weight".into());
    }

    fn down_routers(&mut self) {
        if self.shape.nodes.is_empty() {
            return;
        }
        // Node 0 takes the root port's registered responses.
        self.line("dn_rsp$0$in_valid = root$rsp_valid;");
        self.line("dn_rsp$0$in_dest = root$rsp_dest;");
        self.line("dn_rsp$0$in_payload = {root$rsp_data, root$rsp_cl_num, root$rsp_mdata};");
        self.line("dn_wrsp$0$in_valid = root$wrsp_valid;");
        self.line("dn_wrsp$0$in_dest = root$wrsp_dest;");
        self.line("dn_wrsp$0$in_payload = root$wrsp_mdata;");
        self.line("dn_mmio$0$in_valid = root$mmio_valid;");
        self.line("dn_mmio$0$in_dest = root$mmio_dest;");
        self.line(
            "dn_mmio$0$in_payload = {root$mmio_wdata, root$mmio_tid, root$mmio_addr, root$mmio_write};",
        );
        for (j, node) in self.shape.nodes.iter().enumerate() {
            for c in node.children.len()..self.arity {
                for k in ["rsp", "wrsp", "mmio"] {
                    self.unused.push(format!("dn_{k}${j}$out_valid${c}"));
                }
            }
        }
        for j in 1..self.shape.nodes.len() {
            let (p, side) = self
                .shape
                .parent(Child::Node(j))
                .expect("non-root node has a parent");
            for k in ["rsp", "wrsp", "mmio"] {
                self.line(format!(
                    "dn_{k}${j}$in_valid = dn_{k}${p}$out_valid${side};"
                ));
                self.line(format!("dn_{k}${j}$in_dest = dn_{k}${p}$out_dest;"));
                self.line(format!("dn_{k}${j}$in_payload = dn_{k}${p}$out_payload;"));
            }
        }
    }

    fn leaf_outputs(&mut self, i: usize) {
        let Some((p, side)) = self.shape.parent(Child::Leaf(i)) else {
            // A single leaf hangs straight off the root port.
            for (leaf, root) in [
                ("leaf_rd_rsp_valid", "rsp_valid"),
                ("leaf_rd_rsp_mdata", "rsp_mdata"),
                ("leaf_rd_rsp_cl_num", "rsp_cl_num"),
                ("leaf_rd_rsp_data", "rsp_data"),
                ("leaf_wr_rsp_valid", "wrsp_valid"),
                ("leaf_wr_rsp_mdata", "wrsp_mdata"),
                ("leaf_mmio_valid", "mmio_valid"),
                ("leaf_mmio_write", "mmio_write"),
                ("leaf_mmio_addr", "mmio_addr"),
                ("leaf_mmio_tid", "mmio_tid"),
                ("leaf_mmio_wdata", "mmio_wdata"),
            ] {
                self.line(format!("{leaf}${i} = root${root};"));
            }
            self.unused
                .extend(["root$rsp_dest", "root$wrsp_dest", "root$mmio_dest"].map(String::from));
            return;
        };
        let v = side;
        let slice = |name: &str, at: usize, w: usize| format!("{name}[{}:{at}]", at + w - 1);
        let rsp = format!("dn_rsp${p}$out_payload");
        let mmio = format!("dn_mmio${p}$out_payload");
        self.line(format!("leaf_rd_rsp_valid${i} = dn_rsp${p}$out_valid${v};"));
        self.line(format!(
            "leaf_rd_rsp_mdata${i} = {};",
            slice(&rsp, rd_rsp::MDATA, hp::MDATA_BITS)
        ));
        self.line(format!(
            "leaf_rd_rsp_cl_num${i} = {};",
            slice(&rsp, rd_rsp::CL_NUM, 2)
        ));
        self.line(format!(
            "leaf_rd_rsp_data${i} = {};",
            slice(&rsp, rd_rsp::DATA, hp::DATA_BITS)
        ));
        self.line(format!(
            "leaf_wr_rsp_valid${i} = dn_wrsp${p}$out_valid${v};"
        ));
        self.line(format!("leaf_wr_rsp_mdata${i} = dn_wrsp${p}$out_payload;"));
        self.line(format!("leaf_mmio_valid${i} = dn_mmio${p}$out_valid${v};"));
        self.line(format!(
            "leaf_mmio_write${i} = {mmio}[{}];",
            mmio_req::WRITE
        ));
        self.line(format!(
            "leaf_mmio_addr${i} = {};",
            slice(&mmio, mmio_req::ADDR, hp::MMIO_ADDR_BITS)
        ));
        self.line(format!(
            "leaf_mmio_tid${i} = {};",
            slice(&mmio, mmio_req::TID, hp::TID_BITS)
        ));
        self.line(format!(
            "leaf_mmio_wdata${i} = {};",
            slice(&mmio, mmio_req::WDATA, hp::MMIO_DATA_BITS)
        ));
        // Routers above leaves only: their destination output has no reader.
        for k in ["rsp", "wrsp", "mmio"] {
            let d = format!("dn_{k}${p}$out_dest");
            if !self.unused.contains(&d) {
                self.unused.push(d);
            }
        }
    }
}
