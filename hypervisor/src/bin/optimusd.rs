//! optimusd: shares one Optimus FPGA among tenant processes (spatial sharing: one vaccel per
//! slot, one IOVA slice per vaccel).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;
use nix::sys::signal::{SigSet, Signal};
use optimus_driver::device::VfioBackend;
use optimus_driver::vfio::{GroupId, PciAddress};
use optimus_driver::{Clocking, Device, HostConfig, SimOptions};
use optimus_hypervisor::policy::DaemonConfig;
use optimus_hypervisor::server::Daemon;

/// optimusd: the Optimus-RS hypervisor daemon.
///
/// With no arguments it serves the simulated FPGA of `mixed8` (built on first use) on
/// /run/optimus/optimusd.sock, to root and to the user running it. Tenants connect with the
/// tenant library (optimus_hypervisor::tenant); `optimusctl` inspects and controls it.
/// SIGTERM or Ctrl-C stops it cleanly: tenants' connections are closed, DMA unmapped, slots
/// reset, the socket removed. Logs go to stderr (RUST_LOG=debug for more).
#[derive(Parser, Debug)]
#[command(version, about, long_about)]
struct Args {
    /// Configuration file: socket path and mode, the configuration served, slice size, and
    /// the policy (who may connect, which kinds, how many vaccels, how much pinned memory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Drive a real FPGA through VFIO instead of the simulated one: a PCI address
    /// (dddd:bb:dd.f) or an IOMMU group number; it must run the configuration's shell.
    #[arg(long, value_name = "PCI_ADDRESS|GROUP")]
    vfio: Option<String>,
    /// Socket path (overrides the configuration file).
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Configuration ("bitstream") to serve: a name under bitstreams/ or a directory
    /// (overrides the configuration file).
    #[arg(long, value_name = "NAME|DIR")]
    bitstream: Option<String>,
    /// Seed of the simulated host's random choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cfg = match &args.config {
        Some(path) => DaemonConfig::load(path)?,
        None => DaemonConfig::default(),
    };
    if let Some(s) = args.socket {
        cfg.socket = s;
    }
    if let Some(b) = args.bitstream {
        cfg.config = b;
    }
    // Signals go to the waiting thread below, not to whichever thread they happen to hit.
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGTERM);
    signals.add(Signal::SIGINT);
    signals.thread_block().context("blocking SIGTERM/SIGINT")?;

    let dev = match args.vfio {
        Some(target) => {
            let (manifest, _) = optimus_bitstreams::Manifest::find(&cfg.config)?;
            let backend = match (target.parse::<PciAddress>(), target.parse::<u32>()) {
                (Ok(addr), _) => VfioBackend::open(addr)?,
                (_, Ok(group)) => VfioBackend::open_group(GroupId(group))?,
                (Err(e), Err(_)) => bail!("--vfio {target}: {e}; or give an IOMMU group number"),
            };
            Device::open(Box::new(backend), &manifest)?
        }
        None => {
            let options = SimOptions {
                host: HostConfig {
                    seed: args.seed,
                    ..HostConfig::default()
                },
                clocking: Clocking::OnDemand,
                ..SimOptions::default()
            };
            Device::open_sim(&cfg.config, options)?
        }
    };
    tracing::info!(
        device = dev.describe(),
        slots = dev.identity().num_slots,
        shell_id = dev.identity().shell_id_hex(),
        "device open"
    );
    let daemon = Daemon::new(cfg.clone(), dev)?;
    let listener = daemon.bind()?;
    tracing::info!(socket = %cfg.socket.display(), slice_gib = cfg.slice_gib, "serving");
    let stopper = daemon.stopper();
    std::thread::spawn(move || {
        if let Ok(sig) = signals.wait() {
            tracing::info!("{sig}: stopping");
        }
        stopper.stop();
    });
    daemon.serve(listener);
    Ok(())
}
