//! optimusctl: inspect and control optimusd.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use optimus_hypervisor::proto::{Request, Response};
use optimus_hypervisor::tenant::Client;

/// optimusctl: inspect and control optimusd (needs `admin = true` in its policy).
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// optimusd's socket.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/run/optimus/optimusd.sock"
    )]
    socket: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Every slot: kind, occupant, state, faults, read and write lines.
    Status,
    /// Every connected tenant with its vaccels and pinned memory.
    Tenants,
    /// Close a vaccel, whoever owns it (slot reset, buffers unmapped).
    Evict {
        /// The vaccel's id (see `status`).
        vaccel: u64,
    },
    /// Reset a slot (evicting its vaccel, if any).
    ResetSlot {
        /// Slot index.
        slot: usize,
    },
}

fn main() -> Result<()> {
    let args = Args::parse();
    let client = Client::connect(&args.socket)?;
    let req = match args.cmd {
        Cmd::Status => Request::Status,
        Cmd::Tenants => Request::Tenants,
        Cmd::Evict { vaccel } => Request::Evict { vaccel },
        Cmd::ResetSlot { slot } => Request::ResetSlot { slot },
    };
    let resp = client.call(&req, None)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&resp)?);
        return Ok(());
    }
    match resp {
        Response::Ok => println!("done"),
        Response::Status { config, slots } => {
            println!("configuration {config}");
            println!(
                "{:>4}  {:<12} {:>7} {:>8}  {:<9} {:>10} {:>12} {:>12}",
                "slot", "kind", "vaccel", "pid", "state", "faults", "read lines", "write lines"
            );
            for s in slots {
                let dash = || "-".to_string();
                println!(
                    "{:>4}  {:<12} {:>7} {:>8}  {:<9} {:>10} {:>12} {:>12}",
                    s.slot,
                    s.kind,
                    s.vaccel.map_or_else(dash, |v| v.to_string()),
                    s.tenant_pid.map_or_else(dash, |p| p.to_string()),
                    s.state,
                    optimus_regs::monitor::fault::count(s.fault),
                    s.rd_lines,
                    s.wr_lines
                );
            }
        }
        Response::Tenants { tenants } => {
            println!(
                "{:>8} {:>6}  {:<20} {:>12}",
                "pid", "uid", "vaccels", "pinned"
            );
            for t in tenants {
                let v: Vec<String> = t.vaccels.iter().map(u64::to_string).collect();
                println!(
                    "{:>8} {:>6}  {:<20} {:>9} KiB",
                    t.pid,
                    t.uid,
                    v.join(","),
                    t.pinned_bytes / 1024
                );
            }
        }
        other => bail!("unexpected answer: {other:?}"),
    }
    Ok(())
}
