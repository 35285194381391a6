//! The auditor as a Verilog file: `optimus_auditor_core` (rust-hdl's design, its submodules
//! prefixed `optimus_auditor_core$`) and a thin, logic-free wrapper `optimus_auditor` whose
//! ports are the block's own names with `clk` for rust-hdl's `clock` ([`crate::emit_block`]).

use super::auditor::Auditor;
pub use crate::emit_block::yosys_check;
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "optimus_auditor";

/// The complete Verilog of `optimus_auditor` and all its submodules.
pub fn auditor_verilog() -> Result<String, String> {
    let mut auditor = Auditor::default();
    auditor.connect_all();
    crate::emit_block::block_verilog(
        &auditor,
        TOP,
        "shell::auditor, docs in hdl/src/shell/auditor.rs",
    )
}
