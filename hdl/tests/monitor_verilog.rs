//! The monitor's emitted Verilog: Verilator `-Wall` with zero warnings, and yosys finds no
//! latch and no undriven or multiply driven wire. Each tool is skipped, with a note, if it is
//! not installed (plain `cargo test` needs neither).

use optimus_hdl::shell::monitor::emit::{TOP, monitor_verilog};
use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::{Command, Output};

const ID: [u64; 2] = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];

/// Writes the monitor for `slots` slots to a fresh file.
fn emit(slots: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("optimus-monitor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{TOP}_{slots}.v"));
    std::fs::write(&path, monitor_verilog(slots, ID).unwrap()).unwrap();
    path
}

/// Runs `tool`; `None` (after a note) if it is not installed.
fn run(tool: &str, args: &[&str]) -> Option<Output> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            println!("note: {tool} not found, check skipped");
            None
        }
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

#[test]
fn monitor_verilog_lints_clean() {
    for slots in [1, 2, 5, 16] {
        let path = emit(slots);
        let file = path.to_str().unwrap();
        let lint = [
            "--lint-only",
            "-Wall",
            "-Wno-DECLFILENAME",
            "--top-module",
            TOP,
            file,
        ];
        let Some(out) = run("verilator", &lint) else {
            return;
        };
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.trim().is_empty(),
            "N = {slots}:\n{text}"
        );
    }
}

#[test]
fn monitor_is_synthesizable() {
    for slots in [1, 16] {
        let path = emit(slots);
        let script = format!(
            "read_verilog {}; hierarchy -check -top {TOP}; proc; flatten; opt; \
             select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$sr; check -assert",
            path.display()
        );
        let Some(out) = run("yosys", &["-q", "-p", &script]) else {
            return;
        };
        assert!(
            out.status.success(),
            "N = {slots}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
