//! Optimus-RS hardware, described in rust-hdl and emitted as Verilog.
//!
//! What is here: the host-port channel formats ([`host_port`]), the registered multiplexer
//! tree that shares one host port among N accelerator leaves ([`mux`]), and [`emit`], which
//! turns them into lint-clean Verilog with the exact top-level ports of `shared/design.md` §2.
//!
//! What is not here: anything about the host (drivers, IOMMU, tenants). This crate knows
//! only wires and cycles.

pub mod accel;
pub mod emit;
pub mod emit_block;
pub mod host_port;
pub mod mux;
pub mod shell;
