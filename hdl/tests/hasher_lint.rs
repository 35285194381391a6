//! The emitted Hasher passes `verilator --lint-only -Wall` with no warning (skipped, with a
//! note, when Verilator is not installed). `OPTIMUS_KEEP_VERILOG=<file>` keeps the Verilog.

use optimus_hdl::accel::hasher::{TOP, hasher_verilog};
use optimus_hdl::emit_block::verilator_lint;

#[test]
fn hasher_lints_clean_with_verilator() {
    let verilog = hasher_verilog().expect("hasher emits");
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    match verilator_lint(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; the hasher was not linted"),
        Err(log) => panic!("verilator lint:\n{log}"),
    }
}
