//! bench-daemon: what optimusd costs. On the simulated `membench8`: MMIO round trip through
//! the daemon (p50/p99) against the Device API directly, the time to share (memfd + map) a
//! buffer, and the aggregate MemBench throughput of 1..8 concurrent tenants through the
//! daemon against the same jobs driven directly on the Device with no daemon in between.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use optimus_driver::{Device, DmaBuffer, DmaPerm, Iova, SimOptions};
use optimus_hypervisor::policy::DaemonConfig;
use optimus_hypervisor::server::Daemon;
use optimus_hypervisor::tenant::Client;
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::membench::{MemBenchReg, mode};
use optimus_regs::monitor::SlotReg;

const LINES: u64 = 2048;
const PASSES: u64 = 8;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn job_regs(addr: u64) -> [(MemBenchReg, u64); 4] {
    [
        (MemBenchReg::BufAddr, addr),
        (MemBenchReg::BufLines, LINES),
        (MemBenchReg::TotalLines, LINES * PASSES),
        (MemBenchReg::Mode, mode::with_cl_len(mode::READ, 3)),
    ]
}

/// `n` tenants through the daemon, one MemBench job each; (cycles, seconds).
fn through_daemon(socket: &std::path::Path, dev: &Device, n: usize) -> Result<(u64, f64)> {
    let (c0, t0) = (dev.now(), Instant::now());
    std::thread::scope(|s| -> Result<()> {
        let runs: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(move || -> Result<()> {
                    let client = Client::connect(socket)?;
                    let acc = client.open("membench")?;
                    let buf = acc.share((LINES * 64) as usize)?;
                    for (r, v) in job_regs(buf.device_addr()) {
                        acc.write(r.offset(), v)?;
                    }
                    acc.start()?;
                    anyhow::ensure!(acc.wait(Duration::from_secs(600))? == State::Finished as u64);
                    acc.close()?;
                    Ok(())
                })
            })
            .collect();
        for r in runs {
            r.join().expect("tenant thread")?;
        }
        Ok(())
    })?;
    Ok((dev.now() - c0, t0.elapsed().as_secs_f64()))
}

/// The same jobs on the Device directly, one thread per slot; (cycles, seconds).
fn direct(dev: &Device, n: usize) -> Result<(u64, f64)> {
    let (c0, t0) = (dev.now(), Instant::now());
    std::thread::scope(|s| -> Result<()> {
        let runs: Vec<_> = (0..n)
            .map(|slot| {
                s.spawn(move || -> Result<()> {
                    let iova = Iova((slot as u64 + 1) << 36);
                    let buf = Arc::new(DmaBuffer::new((LINES * 64) as usize)?);
                    dev.map_dma(iova, buf, DmaPerm::ReadWrite)?;
                    dev.set_slot_reg(slot, SlotReg::SliceBase, iova.0 >> 6)?;
                    dev.set_slot_reg(slot, SlotReg::SliceLimit, LINES)?;
                    let page = dev.slot_page(slot)?;
                    for (r, v) in job_regs(0) {
                        dev.mmio_write(page + r.offset(), v)?;
                    }
                    dev.mmio_write(page + AccelReg::Ctl.offset(), Ctl::StartNew as u64)?;
                    while dev.mmio_read(page + AccelReg::State.offset())? == State::Running as u64 {
                        dev.advance(256);
                    }
                    dev.unmap_dma(iova)?;
                    dev.slot_reset(slot)?;
                    Ok(())
                })
            })
            .collect();
        for r in runs {
            r.join().expect("driver thread")?;
        }
        Ok(())
    })?;
    Ok((dev.now() - c0, t0.elapsed().as_secs_f64()))
}

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("bench-daemon-{}", std::process::id()));
    let cfg = DaemonConfig {
        socket: dir.join("optimusd.sock"),
        config: "membench8".into(),
        ..DaemonConfig::default()
    };
    let daemon = Daemon::new(
        cfg.clone(),
        Device::open_sim("membench8", SimOptions::default())?,
    )?;
    let listener = daemon.bind()?;
    let (dev, stopper) = (daemon.device(), daemon.stopper());
    let server = std::thread::spawn(move || daemon.serve(listener));
    println!(
        "bench-daemon: simulated membench8; MemBench jobs of {} lines ({LINES}-line buffer read {PASSES} times)",
        LINES * PASSES
    );

    // MMIO round trip: through the daemon vs on the Device.
    let client = Client::connect(&cfg.socket)?;
    let acc = client.open("membench")?;
    let mut via: Vec<f64> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            acc.read(AccelReg::State.offset()).expect("read");
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    let page = dev.slot_page(acc.slot())?;
    let mut raw: Vec<f64> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            dev.mmio_read(page + AccelReg::State.offset())
                .expect("read");
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    println!(
        "MMIO read round trip: daemon p50 {:.1} µs p99 {:.1} µs | Device directly p50 {:.1} µs p99 {:.1} µs",
        pct(&mut via, 0.5),
        pct(&mut via, 0.99),
        pct(&mut raw, 0.5),
        pct(&mut raw, 0.99)
    );
    for len in [4096usize, 1 << 20, 16 << 20] {
        let mut t: Vec<f64> = (0..50)
            .map(|_| {
                let t0 = Instant::now();
                let b = acc.share(len).expect("share");
                let dt = t0.elapsed().as_secs_f64() * 1e6;
                acc.unshare(b).expect("unshare");
                dt
            })
            .collect();
        println!(
            "share a buffer of {:>5} KiB (memfd, SCM_RIGHTS, mmap, IOMMU map): p50 {:.0} µs p99 {:.0} µs",
            len / 1024,
            pct(&mut t, 0.5),
            pct(&mut t, 0.99)
        );
    }
    acc.close()?;
    drop(client);

    println!(
        "{:>8} {:>22} {:>22} {:>10}",
        "tenants", "daemon lines/cycle", "direct lines/cycle", "daemon/direct"
    );
    for n in 1..=8 {
        let (dc, ds) = through_daemon(&cfg.socket, &dev, n)?;
        let (rc, rs) = direct(&dev, n)?;
        let lines = (n as u64 * LINES * PASSES) as f64;
        println!(
            "{n:>8} {:>13.3} ({:>5.1}s) {:>13.3} ({:>5.1}s) {:>10.2}",
            lines / dc as f64,
            ds,
            lines / rc as f64,
            rs,
            (lines / dc as f64) / (lines / rc as f64)
        );
    }
    stopper.stop();
    let _ = server.join();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
