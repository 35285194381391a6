//! `gen-verilog`: writes the Verilog of Optimus-RS hardware designs.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use optimus_bitstreams::Manifest;
use optimus_hdl::emit;
use optimus_hdl::shell::compose::{TOP, shell_verilog};
use std::path::{Path, PathBuf};

/// Emit Optimus-RS hardware as Verilog (rust-hdl designs, lint-clean with Verilator -Wall).
///
/// Each command writes one self-contained .v file (top module plus all submodules) into
/// --out, creating the folder if needed, and prints the path it wrote.
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    design: Design,
}

#[derive(Subcommand)]
enum Design {
    /// The whole shell of a configuration: top module `optimus_shell` with the ports of
    /// shared/design.md section 2, written to DIR/optimus_shell.v, and the register map the
    /// software needs (monitor, and each slot's accelerator page; SHELL_ID) to DIR/regs.json.
    Shell {
        /// Configuration: a directory holding manifest.toml (bitstreams/mixed8), or the name
        /// of a shipped one (pair2, membench8, mixed8).
        #[arg(long, value_name = "DIR")]
        config: String,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// The multiplexer tree alone: top module `optimus_mux_tree` (shared/design.md section 2),
    /// written to DIR/optimus_mux_tree.v.
    MuxTree {
        /// Number of accelerator leaves, 1 to 16.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=16))]
        leaves: u8,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// A flat single-level N-way mux built from the same arbiter (for area and depth
    /// comparisons only): top module `optimus_flat_mux`, same ports as the tree,
    /// written to DIR/optimus_flat_mux.v.
    FlatMux {
        /// Number of accelerator leaves, 1 to 16.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=16))]
        leaves: u8,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

fn write(dir: &Path, top: &str, text: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{top}.v"));
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}

fn shell(config: &str, out: &Path) -> Result<()> {
    let (manifest, dir) = Manifest::find(config)?;
    let id = manifest.shell_id(optimus_regs::VERSION);
    eprintln!(
        "gen-verilog: shell `{}` from {} ({} slots), SHELL_ID {:#018x}_{:016x}",
        manifest.name,
        dir.display(),
        manifest.slots.len(),
        id[1],
        id[0]
    );
    write(out, TOP, &shell_verilog(&manifest, id)?)?;
    let path = out.join("regs.json");
    std::fs::write(&path, regs_json(&manifest, id))
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}

/// `{"configuration": {name, shell_id, slots: [{slot, kind, page, accel_id}]}, "map": ...}`:
/// which page holds which accelerator, plus the whole register map of optimus-regs.
fn regs_json(manifest: &Manifest, id: [u64; 2]) -> String {
    let slots: Vec<String> = manifest
        .slots
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            format!(
                "      {{\"slot\": {i}, \"kind\": \"{kind}\", \"page\": {}, \"page_offset\": {}}}",
                i + 1,
                (i as u64 + 1) * optimus_regs::PAGE_SIZE
            )
        })
        .collect();
    let map = optimus_regs::export::to_json();
    format!(
        "{{\n  \"configuration\": {{\n    \"name\": \"{}\",\n    \"shell_id_l\": \"{:#018x}\",\n    \
         \"shell_id_h\": \"{:#018x}\",\n    \"num_slots\": {},\n    \"slots\": [\n{}\n    ]\n  }},\n  \
         \"map\": {}}}\n",
        manifest.name,
        id[0],
        id[1],
        manifest.slots.len(),
        slots.join(",\n"),
        map.trim_end().replace('\n', "\n  ")
    )
}

fn main() -> Result<()> {
    match Cli::parse().design {
        Design::Shell { config, out } => shell(&config, &out),
        Design::MuxTree { leaves, out } => write(
            &out,
            "optimus_mux_tree",
            &emit::mux_tree_verilog(leaves.into())?,
        ),
        Design::FlatMux { leaves, out } => write(
            &out,
            "optimus_flat_mux",
            &emit::flat_mux_verilog(leaves.into())?,
        ),
    }
}
