//! Writes one per-slot block as a Verilog file, for synthesis scripts (`scripts/slot-area.sh`).
//!
//! Usage: `cargo run --release -p optimus-hdl --example emit_block -- <auditor|preempt|rogue> <out.v>`

use optimus_hdl::accel::rogue::rogue_verilog;
use optimus_hdl::shell::emit_auditor::auditor_verilog;
use optimus_hdl::shell::preempt::preempt_verilog;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [block, out] = args.as_slice() else {
        return Err("usage: emit_block <auditor|preempt|rogue> <out.v>".into());
    };
    let verilog = match block.as_str() {
        "auditor" => auditor_verilog()?,
        "preempt" => preempt_verilog()?,
        "rogue" => rogue_verilog()?,
        other => return Err(format!("unknown block {other}: auditor, preempt or rogue")),
    };
    std::fs::write(out, verilog).map_err(|e| format!("cannot write {out}: {e}"))
}
