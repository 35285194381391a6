//! `optimus_shell`: the whole shell of a configuration, as structural Verilog.
//!
//! ```text
//!            host_mmio_* ─► MmioFront ─► page 0 ─► Monitor ◄─── status ───┐
//!                               │                    │ controls            │
//!                               └─► pages 1..N ─┐    ▼                     │
//!  host_rd/wr_* ◄──► optimus_mux_tree ◄─ leaf i ─► Auditor i ◄─► accelerator i (kind from
//!                               leaf i MMIO ──► MmioGuard i ◄─►      ▲       the manifest)
//!                                                  PreemptCtl i ─────┘ pause, state
//! ```
//!
//! Every block is an ordinary rust-hdl design emitted under its own module name (see
//! [`crate::emit_block`]); this module only writes the top that instantiates and wires them,
//! which depends on the manifest and is not expressible in rust-hdl's `hdl_gen` subset (like
//! the tree's own wiring). The top holds no logic but two kinds of registers: the shell reset,
//! registered once and fanned out, and per slot the accelerator's reset (`reset | SLOT_RESET[i]`,
//! registered). Wires are named after the ports they join: `m_<port>` (the monitor's packed
//! per-slot ports), `leaf_<port>` (the tree's packed leaf ports), `s<i>_<port>` (slot i's
//! accelerator ports).

use super::auditor::Auditor;
use super::mmio_front::MmioFront;
use super::mmio_guard::MmioGuard;
use super::monitor::emit as emit_monitor;
use super::preempt::PreemptCtl;
use crate::emit::{self, EmitError};
use crate::emit_block::{block_verilog, core_ports};
use optimus_bitstreams::{AccelKind, Manifest, MuxKind};
use rust_hdl::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Name of the emitted top module.
pub const TOP: &str = "optimus_shell";

/// A block's ports as `(is_output, width, name)`, read back from its emitted core.
struct Ports(Vec<(bool, usize, String)>);

impl Ports {
    fn of(verilog: &str, top: &str) -> Result<Self, String> {
        let ports = core_ports(verilog, top)?
            .into_iter()
            .map(|(out, range, name)| {
                let width = range
                    .trim_start_matches('[')
                    .split(':')
                    .next()
                    .and_then(|hi| hi.parse::<usize>().ok())
                    .map_or(1, |hi| hi + 1);
                (out, width, name)
            })
            .collect();
        Ok(Self(ports))
    }
}

/// The shell's wires and instances, written as they are resolved.
struct Top {
    slots: usize,
    wires: BTreeMap<String, usize>,
    body: String,
}

impl Top {
    /// A wire of `width` bits named `name` (declared once).
    fn wire(&mut self, name: &str, width: usize) -> String {
        let w = self.wires.entry(name.to_string()).or_insert(width);
        assert_eq!(*w, width, "wire {name} used with two widths");
        name.to_string()
    }

    /// Slot `i`'s part of the packed wire `name` (`width` bits per slot).
    fn packed(&mut self, name: &str, width: usize, i: usize) -> String {
        let total = width * self.slots;
        self.wire(name, total);
        match (width, total) {
            (1, 1) => name.to_string(),
            (1, _) => format!("{name}[{i}]"),
            _ => format!("{name}[{}:{}]", i * width + width - 1, i * width),
        }
    }

    fn instance(&mut self, module: &str, name: &str, conns: &[(String, String)]) {
        let list: Vec<String> = conns.iter().map(|(p, e)| format!(".{p}({e})")).collect();
        let _ = writeln!(
            self.body,
            "{module} {name}(\n   {}\n);",
            list.join(",\n   ")
        );
    }
}

/// Every Verilog file of the shell of `manifest`: `(module name, text)`; the last is the top.
fn blocks(manifest: &Manifest, shell_id: [u64; 2]) -> Result<Vec<(String, String)>, EmitError> {
    let n = manifest.slots.len();
    let check = EmitError::Check;
    let mut out = vec![
        (
            "optimus_mux_tree".to_string(),
            match manifest.shell.mux {
                MuxKind::Tree => emit::mux_tree_verilog(n)?,
                MuxKind::Flat => emit::flat_mux_verilog(n)?,
            },
        ),
        (
            emit_monitor::TOP.to_string(),
            emit_monitor::monitor_verilog(n, shell_id).map_err(|e| check(e.to_string()))?,
        ),
        ("optimus_mmio_front".to_string(), {
            let mut b = MmioFront::new(n);
            b.connect_all();
            block_verilog(&b, "optimus_mmio_front", "shell::mmio_front").map_err(check)?
        }),
        ("optimus_mmio_guard".to_string(), {
            let mut b = MmioGuard::default();
            b.connect_all();
            block_verilog(&b, "optimus_mmio_guard", "shell::mmio_guard").map_err(check)?
        }),
        ("optimus_auditor".to_string(), {
            let mut b = Auditor::default();
            b.connect_all();
            block_verilog(&b, "optimus_auditor", "shell::auditor").map_err(check)?
        }),
        ("optimus_preempt".to_string(), {
            let mut b = PreemptCtl::default();
            b.connect_all();
            block_verilog(&b, "optimus_preempt", "shell::preempt").map_err(check)?
        }),
    ];
    for kind in AccelKind::ALL {
        if manifest.slots.contains(&kind) {
            let top = accel_module(kind);
            out.push((top.clone(), crate::accel::verilog(kind).map_err(check)?));
        }
    }
    Ok(out)
}

/// Module name of an accelerator kind.
pub fn accel_module(kind: AccelKind) -> String {
    format!("optimus_acc_{}", kind.name())
}

/// The complete Verilog of `optimus_shell` for `manifest`, SHELL_ID `shell_id`
/// (`[L, H]`), with every module it instantiates.
pub fn shell_verilog(manifest: &Manifest, shell_id: [u64; 2]) -> Result<String, EmitError> {
    let n = manifest.slots.len();
    let files = blocks(manifest, shell_id)?;
    let ports = |m: &str| -> Result<Ports, EmitError> {
        let (_, text) = files.iter().find(|(name, _)| name == m).expect("emitted");
        Ports::of(text, m).map_err(EmitError::Check)
    };
    let mut top = Top {
        slots: n,
        wires: BTreeMap::new(),
        body: String::new(),
    };

    // The MMIO front: host ports on one side, the monitor and the tree on the other.
    let mut conns = vec![
        ("clk".into(), "clk".into()),
        ("reset".into(), "rst_q".into()),
    ];
    for (_, w, p) in ports("optimus_mmio_front")?.0 {
        let e = if let Some(rest) = p.strip_prefix("mon_") {
            top.wire(&format!("mon_{rest}"), w)
        } else if let Some(rest) = p.strip_prefix("tree_") {
            top.wire(&format!("tree_{rest}"), w)
        } else if p.starts_with("host_") {
            p.clone()
        } else {
            continue;
        };
        conns.push((p, e));
    }
    top.instance("optimus_mmio_front", "front", &conns);

    // The monitor: page 0, every slot's registers and status.
    let mut conns = vec![
        ("clk".into(), "clk".into()),
        ("reset".into(), "rst_q".into()),
    ];
    for &(p, w, _, per_slot) in emit_monitor::PORTS {
        let e = if per_slot {
            top.wire(&format!("m_{p}"), w * n)
        } else {
            top.wire(&format!("mon_{p}"), w)
        };
        conns.push((p.to_string(), e));
    }
    top.instance("optimus_monitor", "monitor", &conns);

    // The tree: host request/response channels, MMIO from the front, packed leaf ports.
    let mut conns = vec![
        ("clk".into(), "clk".into()),
        ("reset".into(), "rst_q".into()),
    ];
    for &(p, w, _, per_leaf) in emit::PORTS {
        let e = if per_leaf {
            top.wire(p, w * n)
        } else if let Some(rest) = p.strip_prefix("host_mmio_") {
            top.wire(&format!("tree_mmio_{rest}"), w)
        } else {
            p.to_string()
        };
        conns.push((p.to_string(), e));
    }
    top.instance("optimus_mux_tree", "tree", &conns);

    let auditor = ports("optimus_auditor")?;
    let preempt = ports("optimus_preempt")?;
    let guard = ports("optimus_mmio_guard")?;
    for (i, kind) in manifest.slots.iter().enumerate() {
        let acc = ports(&accel_module(*kind))?;
        let acc_rst = top.packed("acc_rst", 1, i);
        let slot_reset = top.packed("m_slot_reset", 1, i);
        // The accelerator: its ports become `s<i>_<port>` wires.
        let mut conns = Vec::new();
        for (_, w, p) in &acc.0 {
            let e = match p.as_str() {
                "clock" => "clk".to_string(),
                "reset" => acc_rst.clone(),
                _ => top.wire(&format!("s{i}_{p}"), *w),
            };
            conns.push((wrapper_name(p), e));
        }
        top.instance(&accel_module(*kind), &format!("acc{i}"), &conns);
        // Its auditor, between `s<i>_*` and tree leaf i.
        let mut conns = Vec::new();
        for (_, w, p) in &auditor.0 {
            let e = match p.as_str() {
                "clock" => "clk".to_string(),
                "reset" => "rst_q".to_string(),
                "slot_reset" => slot_reset.clone(),
                "gate" => top.wire(&format!("s{i}_gate"), 1),
                _ => {
                    if let Some(rest) = p.strip_prefix("acc_") {
                        top.wire(&format!("s{i}_{rest}"), *w)
                    } else if let Some(rest) = p.strip_prefix("up_") {
                        top.packed(&format!("leaf_{rest}"), *w, i)
                    } else {
                        top.packed(&format!("m_{p}"), *w, i)
                    }
                }
            };
            conns.push((wrapper_name(p), e));
        }
        top.instance("optimus_auditor", &format!("auditor{i}"), &conns);
        // Its preemption controller.
        let mut conns = Vec::new();
        for (_, w, p) in &preempt.0 {
            let e = match p.as_str() {
                "clock" => "clk".to_string(),
                "reset" => "rst_q".to_string(),
                "slot_reset" => slot_reset.clone(),
                "request" => top.packed("m_preempt_request", 1, i),
                "release_pulse" => top.packed("m_preempt_release", 1, i),
                "timeout" => top.packed("m_preempt_timeout", *w, i),
                "acc_state" => top.wire(&format!("s{i}_state"), *w),
                "drained" => top.packed("m_drained", 1, i),
                "pause" => top.wire(&format!("s{i}_pause"), 1),
                "gate" => top.wire(&format!("s{i}_gate"), 1),
                "requested" => top.packed("m_preempt_requested", 1, i),
                "paused" => top.packed("m_preempt_paused", 1, i),
                "timed_out" => top.packed("m_preempt_timed_out", 1, i),
                other => {
                    return Err(EmitError::Check(format!(
                        "the shell does not know preemption port {other}"
                    )));
                }
            };
            conns.push((wrapper_name(p), e));
        }
        top.instance("optimus_preempt", &format!("preempt{i}"), &conns);
        // Its MMIO guard, between tree leaf i's MMIO and the accelerator.
        let mut conns = Vec::new();
        for (_, w, p) in &guard.0 {
            let e = match p.as_str() {
                "clock" => "clk".to_string(),
                "reset" => "rst_q".to_string(),
                "slot_in_reset" => acc_rst.clone(),
                "timeout" => top.packed("m_mmio_timeout", 1, i),
                _ => {
                    if let Some(rest) = p.strip_prefix("acc_") {
                        top.wire(&format!("s{i}_{rest}"), *w)
                    } else {
                        top.packed(p, *w, i)
                    }
                }
            };
            conns.push((wrapper_name(p), e));
        }
        top.instance("optimus_mmio_guard", &format!("guard{i}"), &conns);
    }

    let mut text = String::new();
    let _ = writeln!(
        text,
        "// {TOP} for configuration `{}` ({} slots: {}): generated by `gen-verilog shell`\n\
         // (optimus-hdl {}). Do not edit. Ports and protocol: shared/design.md sections 1-5.\n\
         // SHELL_ID = {:#018x}_{:016x}.",
        manifest.name,
        n,
        manifest
            .slots
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
        env!("CARGO_PKG_VERSION"),
        shell_id[1],
        shell_id[0]
    );
    for (_, file) in &files {
        let _ = writeln!(text, "{file}");
    }
    let decls: Vec<String> = emit::PORTS
        .iter()
        .filter(|(_, _, _, per_leaf)| !per_leaf)
        .map(|&(p, w, out, _)| {
            let dir = if out { "output wire" } else { "input wire " };
            let range = if w == 1 {
                String::new()
            } else {
                format!("[{}:0] ", w - 1)
            };
            format!("{dir} {range}{p}")
        })
        .collect();
    let _ = writeln!(
        text,
        "module {TOP}(\n   input wire  clk,\n   input wire  reset,\n   {}\n);",
        decls.join(",\n   ")
    );
    for (name, w) in &top.wires {
        let range = if *w == 1 {
            String::new()
        } else {
            format!("[{}:0] ", w - 1)
        };
        let _ = writeln!(text, "wire {range}{name};");
    }
    let _ = writeln!(
        text,
        "// The shell reset, registered once: every block sees it one cycle after the pin\n\
         // (the host sends nothing until 32 cycles after reset, design.md section 1).\n\
         reg rst_q;\nalways @(posedge clk) rst_q <= reset;\n\
         // Slot i's accelerator (and its MMIO guard) are held in reset by SLOT_RESET[i].\n\
         reg [{}:0] acc_rst_q;\nalways @(posedge clk) acc_rst_q <= {{{n}{{rst_q}}}} | m_slot_reset;\n\
         assign acc_rst = acc_rst_q;",
        n - 1
    );
    text.push_str(&top.body);
    let _ = writeln!(text, "endmodule // {TOP}");
    Ok(text)
}

/// The wrapper's name of a core port (`clock` is `clk` outside).
fn wrapper_name(p: &str) -> String {
    if p == "clock" { "clk".into() } else { p.into() }
}
