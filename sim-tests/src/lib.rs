//! Verilator testbenches and benchmarks for the Optimus-RS multiplexer tree.
//!
//! What is here: Verilated `optimus_mux_tree` models for N ∈ {1, 2, 3, 4, 5, 8, 16} (built by
//! `build.rs` from `optimus_hdl::emit::mux_tree_verilog`), a safe handle on them
//! ([`MuxTreeModel`]), random leaf and host agents, an independent [`scoreboard`], the random
//! [`testbench`] the integration tests run, and the throughput/fairness/latency [`bench`]
//! behind the `bench-mux` binary.
//!
//! What is not here: the tree itself (crate `optimus-hdl`), and anything about the shell's
//! auditor, monitor or preemption.
//!
//! Building this crate needs Verilator 5 (`apt-get install verilator`); it is not a default
//! workspace member, so a plain `cargo test` does not need it.

// Links the Verilator runtime the models need (it has no Rust items to use).
use optimus_verilated_rt as _;

pub mod bench;
pub mod data;
mod ffi;
pub mod host;
pub mod leaf;
pub mod model;
pub mod ports;
pub mod scoreboard;
pub mod seed;
pub mod shell;
pub mod slack;
pub mod tag;
pub mod testbench;

pub use model::{ModelError, MuxTreeModel};
