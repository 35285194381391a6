//! The emitted auditor passes `verilator --lint-only -Wall` with no warning (skipped, with a
//! note, when Verilator is not installed).

use optimus_hdl::shell::emit_auditor::{TOP, auditor_verilog};
use std::process::Command;

#[test]
fn auditor_lints_clean_with_verilator() {
    let verilog = auditor_verilog().expect("auditor emits");
    let dir = std::env::temp_dir().join(format!("optimus-auditor-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{TOP}.v"));
    std::fs::write(&file, &verilog).unwrap();
    if let Ok(path) = std::env::var("OPTIMUS_KEEP_VERILOG") {
        std::fs::write(path, &verilog).unwrap();
    }
    let out = match Command::new("verilator")
        .args([
            "--lint-only",
            "-Wall",
            "-Wno-DECLFILENAME",
            "--top-module",
            TOP,
        ])
        .arg(&file)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("SKIPPED: verilator is not installed; the auditor was not linted");
            return;
        }
        Err(e) => panic!("cannot run verilator: {e}"),
    };
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success() && !log.contains("%Warning"),
        "verilator lint:\n{log}"
    );
}
