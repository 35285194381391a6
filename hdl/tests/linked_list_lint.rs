//! The emitted LinkedList (`optimus_acc_linked_list`) passes `verilator --lint-only -Wall` and
//! yosys's structural checks with no warning (each skipped, with a note, when the tool is not
//! installed). `OPTIMUS_KEEP_VERILOG=<file>` keeps the Verilog.

use optimus_hdl::accel::linked_list::{TOP, linked_list_verilog};
use optimus_hdl::emit_block::{verilator_lint, yosys_check};

#[test]
fn linked_list_lints_clean_with_verilator_and_yosys() {
    let verilog = linked_list_verilog().expect("LinkedList emits");
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    assert!(verilog.contains(&format!("module {TOP}(")));
    match verilator_lint(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; LinkedList was not linted"),
        Err(log) => panic!("verilator lint:\n{log}"),
    }
    match yosys_check(&verilog, TOP) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: yosys is not installed; LinkedList was not checked"),
        Err(log) => panic!("yosys check:\n{log}"),
    }
}
