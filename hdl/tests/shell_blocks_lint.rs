//! The shell's glue blocks (MMIO front, MMIO guard) lint clean with `verilator -Wall`.

use optimus_hdl::emit_block::verilator_lint;
use optimus_hdl::shell::{mmio_front::mmio_front_verilog, mmio_guard::mmio_guard_verilog};

fn lint(verilog: &str, top: &str) {
    match verilator_lint(verilog, top) {
        Ok(true) => {}
        Ok(false) => println!("SKIPPED: verilator is not installed; {top} was not linted"),
        Err(log) => panic!("verilator lint of {top}:\n{log}"),
    }
}

#[test]
fn mmio_guard_lints_clean() {
    lint(&mmio_guard_verilog().unwrap(), "optimus_mmio_guard");
}

#[test]
fn mmio_front_lints_clean() {
    for slots in [1, 2, 8, 16] {
        lint(&mmio_front_verilog(slots).unwrap(), "optimus_mmio_front");
    }
}
