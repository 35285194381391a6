//! `bench-shell`: figures of the Verilated `optimus_shell` (issue 4 item 7).
//!
//! * Simulation speed of `membench8` with every slot busy (cycles per second of wall time,
//!   host model included).
//! * Aggregate throughput of 1..8 active MemBench slots (read jobs, 4-line requests: memory
//!   bound, the host returns one line per cycle) on `membench8`.
//! * Aggregate throughput of 1..8 Hasher slots on `hasher8` (ROUNDS = 8 and 16: compute
//!   bound), with the per-slot rate.

use anyhow::Result;
use clap::Parser;
use optimus_regs::accel::{Ctl, State};
use optimus_regs::hasher::HasherReg;
use optimus_regs::membench::mode;
use optimus_sim_tests::shell::membench::MemBenchJob;
use optimus_sim_tests::shell::{HostConfig, ShellSim};
use std::time::Instant;

/// Benchmark the Verilated optimus_shell: simulation speed and aggregate throughput.
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    /// Lines each MemBench slot reads.
    #[arg(long, default_value_t = 8192)]
    lines: u64,
    /// Host read latency in cycles (fixed range lo..=hi).
    #[arg(long, default_value_t = 40)]
    latency: u64,
}

fn host(latency: u64) -> HostConfig {
    HostConfig {
        rd_latency: (latency, latency + 20),
        wr_latency: (latency, latency + 20),
        almfull_rate: 0.0,
        ..Default::default()
    }
}

/// Runs `active` MemBench read jobs at once; returns (cycles, lines/cycle, wall seconds).
fn membench(active: usize, lines: u64, latency: u64) -> Result<(u64, f64, f64)> {
    let mut s = ShellSim::new("membench8", host(latency))?;
    for i in 0..active {
        s.grant(i, (i as u64 + 1) << 24, 1 << 20);
        MemBenchJob {
            buf_addr: 0,
            buf_lines: 4096,
            total_lines: lines,
            mode: mode::READ | mode::with_cl_len(0, 3),
            seed: i as u64,
        }
        .program(&mut s, i);
    }
    for i in 0..active {
        s.ctl(i, Ctl::StartNew);
    }
    let (c0, t0) = (s.cycle(), Instant::now());
    for i in 0..active {
        s.wait_state(i, State::Finished, 10_000_000, 1024)
            .ok_or_else(|| anyhow::anyhow!("MemBench slot {i} did not finish"))?;
    }
    let cycles = s.cycle() - c0;
    Ok((
        cycles,
        (active as u64 * lines) as f64 / cycles as f64,
        t0.elapsed().as_secs_f64(),
    ))
}

/// Runs `active` Hasher jobs on `hasher8`; returns lines/cycle.
fn hasher(active: usize, rounds: u64, latency: u64) -> Result<f64> {
    let mut s = ShellSim::new("hasher8", host(latency))?;
    let lines = 2048;
    for k in 0..active {
        let i = k;
        s.grant(i, (i as u64 + 1) << 24, 1 << 20);
        for (reg, v) in [
            (HasherReg::SrcAddr, 0x1000),
            (HasherReg::Lines, lines),
            (HasherReg::Rounds, rounds),
            (HasherReg::DstAddr, 0),
            (HasherReg::Seed, 1),
        ] {
            s.set_acc(i, reg.offset(), v);
        }
    }
    for k in 0..active {
        s.ctl(k, Ctl::StartNew);
    }
    let c0 = s.cycle();
    for k in 0..active {
        s.wait_state(k, State::Finished, 10_000_000, 1024)
            .ok_or_else(|| anyhow::anyhow!("Hasher slot {k} did not finish"))?;
    }
    Ok((active as u64 * lines) as f64 / (s.cycle() - c0) as f64)
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    eprintln!(
        "bench-shell: host read latency {}..{} cycles, one read line per cycle",
        cli.latency,
        cli.latency + 20
    );
    println!("| active MemBench slots (membench8) | lines/cycle | cycles | sim speed (cycles/s) |");
    println!("|---|---|---|---|");
    for active in 1..=8 {
        let (cycles, rate, secs) = membench(active, cli.lines, cli.latency)?;
        println!(
            "| {active} | {rate:.3} | {cycles} | {:.0} |",
            cycles as f64 / secs
        );
    }
    println!();
    println!("| active Hasher slots (hasher8), ROUNDS | lines/cycle | per slot |");
    println!("|---|---|---|");
    for rounds in [8, 16] {
        for active in 1..=8 {
            let rate = hasher(active, rounds, cli.latency)?;
            println!(
                "| {active}, {rounds} | {rate:.3} | {:.3} |",
                rate / active as f64
            );
        }
    }
    Ok(())
}
