//! The emitted preemption controller passes `verilator --lint-only -Wall` with no warning
//! (skipped, with a note, when Verilator is not installed). `OPTIMUS_KEEP_VERILOG=<file>`
//! keeps the Verilog.

use optimus_hdl::emit_block::verilator_lint;
use optimus_hdl::shell::preempt::{TOP, preempt_verilog};

#[test]
fn preempt_lints_clean_with_verilator() {
    let verilog = preempt_verilog().expect("the preemption controller emits");
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    assert!(verilog.contains("module optimus_preempt("));
    match verilator_lint(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; the controller was not linted"),
        Err(log) => panic!("verilator lint:\n{log}"),
    }
}
