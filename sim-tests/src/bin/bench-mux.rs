//! `bench-mux`: throughput, fairness and added latency of the Verilated multiplexer tree.
//!
//! `cargo run -p optimus-sim-tests --release --bin bench-mux -- [--leaves 8] [--markdown FILE]`
//! prints the table of `optimus_sim_tests::bench` (N = 2, 4, 5, 8, 16 all busy; N = 8 with
//! leaves 0..=2 and 0..=4 busy) and the targets; `--markdown` also writes it as Markdown.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use optimus_sim_tests::MuxTreeModel;
use optimus_sim_tests::bench::{
    BenchConfig, BenchRow, run_case, standard_cases, table_markdown, table_text,
};

/// Benchmark the Verilated optimus_mux_tree.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Only the rows of this leaf count.
    #[arg(long)]
    leaves: Option<usize>,
    /// Also write the table as Markdown to this file.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Cycles measured per row (after warm-up).
    #[arg(long, default_value_t = 200_000)]
    cycles: u64,
    /// Warm-up cycles per row.
    #[arg(long, default_value_t = 2_000)]
    warmup: u64,
    /// The host's fixed response latency, cycles.
    #[arg(long, default_value_t = 64)]
    host_latency: u64,
}

/// Targets from the design review.
const MIN_UTIL: f64 = 0.99;
const MIN_JAIN: f64 = 0.99;

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(n) = args.leaves {
        ensure!(
            MuxTreeModel::available().contains(&n),
            "no model for {n} leaves; built: {:?}",
            MuxTreeModel::available()
        );
    }
    let cfg = BenchConfig {
        warmup: args.warmup,
        cycles: args.cycles,
        host_latency: args.host_latency,
        ..BenchConfig::default()
    };
    let started = Instant::now();
    let mut rows = Vec::new();
    for case in standard_cases(args.leaves) {
        eprintln!("measuring N={} busy={:?} ...", case.leaves, case.busy);
        rows.push(run_case(&case, &cfg).with_context(|| format!("N={}", case.leaves))?);
    }
    println!(
        "optimus_mux_tree: {} cycles per row after {} warm-up, host latency {} cycles, no host almfull\n",
        cfg.cycles, cfg.warmup, cfg.host_latency
    );
    print!("{}", table_text(&rows));
    println!("\ntargets: utilization >= {MIN_UTIL}, Jain >= {MIN_JAIN}, added latency <= 2L+4");
    for line in misses(&rows) {
        println!("MISSED: {line}");
    }
    println!("total {:.1}s", started.elapsed().as_secs_f64());
    if let Some(path) = &args.markdown {
        std::fs::write(path, table_markdown(&rows))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Every row that misses a target, as a sentence.
fn misses(rows: &[BenchRow]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows {
        let name = format!("N={} busy={:?}", r.case.leaves, r.case.busy);
        if r.read_util < MIN_UTIL || r.write_util < MIN_UTIL {
            out.push(format!(
                "{name}: utilization rd {:.4} wr {:.4}",
                r.read_util, r.write_util
            ));
        }
        if r.read_jain < MIN_JAIN || r.write_jain < MIN_JAIN {
            out.push(format!(
                "{name}: Jain rd {:.5} wr {:.5}",
                r.read_jain, r.write_jain
            ));
        }
        if r.added_latency.1 > r.latency_target() {
            out.push(format!(
                "{name}: added latency {} > {}",
                r.added_latency.1,
                r.latency_target()
            ));
        }
        if r.idle_lines > 0 {
            out.push(format!(
                "{name}: {} lines granted to idle leaves",
                r.idle_lines
            ));
        }
    }
    out
}
