//! `gen-verilog`: writes the Verilog of Optimus-RS hardware designs.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use optimus_hdl::emit;
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

fn main() -> Result<()> {
    match Cli::parse().design {
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
