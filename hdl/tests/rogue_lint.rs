//! The emitted Rogue accelerator passes `verilator --lint-only -Wall` with no warning
//! (skipped, with a note, when Verilator is not installed). `OPTIMUS_KEEP_VERILOG=<file>`
//! keeps the Verilog.

use optimus_hdl::accel::rogue::{TOP, rogue_verilog};
use optimus_hdl::emit_block::verilator_lint;

#[test]
fn rogue_lints_clean_with_verilator() {
    let verilog = rogue_verilog().expect("Rogue emits");
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    assert!(verilog.contains("module optimus_acc_rogue("));
    match verilator_lint(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; Rogue was not linted"),
        Err(log) => panic!("verilator lint:\n{log}"),
    }
}
