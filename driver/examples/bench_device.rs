//! Benchmark of the Device API on the simulated FPGA: MMIO round trip (wall time and device
//! cycles), DMA map+unmap rate, and a MemBench job through the simulated IOMMU into real host
//! memory (link use and simulation speed).
//!
//! Usage: `cargo run --release -p optimus-driver --example bench_device -- [CONFIG]`
//! (default `mixed8`; the model is built on first use).

use std::sync::Arc;
use std::time::{Duration, Instant};

use optimus_driver::{Device, DmaBuffer, DmaPerm, Iova, SimOptions};
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::membench::{MemBenchReg, mode};
use optimus_regs::monitor::{GlobalReg, SlotReg};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Times `n` calls of `f`: (median µs, p99 µs, mean device cycles per call).
fn time_calls(dev: &Device, n: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let c0 = dev.now();
    let mut us: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    let cycles = (dev.now() - c0) as f64 / n as f64;
    us.sort_by(f64::total_cmp);
    (percentile(&us, 0.5), percentile(&us, 0.99), cycles)
}

fn map_unmap_rate(dev: &Device, len: usize) -> (f64, u32) {
    let buf = Arc::new(DmaBuffer::new(len).expect("memory"));
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < Duration::from_secs(1) {
        dev.map_dma(Iova(1 << 30), Arc::clone(&buf), DmaPerm::ReadWrite)
            .expect("map");
        dev.unmap_dma(Iova(1 << 30)).expect("unmap");
        n += 1;
    }
    (f64::from(n) / start.elapsed().as_secs_f64(), n)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = std::env::args().nth(1).unwrap_or_else(|| "mixed8".into());
    let dev = Device::open_sim(&config, SimOptions::default())?;
    println!(
        "bench [simulated {config}, {} slots]: Device API on the Verilated shell",
        dev.identity().num_slots
    );
    let slot0 = dev.slot_page(0)?;
    let rows = [
        (
            "MMIO read, monitor (NUM_SLOTS)",
            GlobalReg::NumSlots.offset(),
            false,
        ),
        (
            "MMIO read, slot 0 page (STATE)",
            slot0 + AccelReg::State.offset(),
            false,
        ),
        (
            "MMIO write, slot 0 page",
            slot0 + MemBenchReg::Seed.offset(),
            true,
        ),
    ];
    for (what, offset, write) in rows {
        let (p50, p99, cycles) = time_calls(&dev, 5000, || {
            if write {
                dev.mmio_write(offset, 7).expect("write");
            } else {
                dev.mmio_read(offset).expect("read");
            }
        });
        println!(
            "bench: {what:32} median {p50:6.1} µs  p99 {p99:6.1} µs  {cycles:5.1} device cycles"
        );
    }
    for (len, name) in [(4096usize, "4 KiB"), (2 << 20, "2 MiB")] {
        let (rate, n) = map_unmap_rate(&dev, len);
        println!("bench: DMA map+unmap {name:6}           {rate:9.0} /s ({n} pairs)");
    }

    // A MemBench read+write job through the IOMMU into a real 1 MiB buffer.
    let lines = 16384u64;
    let buf = Arc::new(DmaBuffer::new(lines as usize * 64)?);
    let iova = Iova(1 << 32);
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::ReadWrite)?;
    dev.set_slot_reg(0, SlotReg::SliceBase, iova.0 >> 6)?;
    dev.set_slot_reg(0, SlotReg::SliceLimit, lines)?;
    for (reg, v) in [
        (MemBenchReg::BufAddr, 0),
        (MemBenchReg::BufLines, lines),
        (MemBenchReg::TotalLines, lines),
        (
            MemBenchReg::Mode,
            mode::with_cl_len(mode::READ | mode::WRITE, 3),
        ),
    ] {
        dev.mmio_write(slot0 + reg.offset(), v)?;
    }
    let (t, c0) = (Instant::now(), dev.now());
    dev.mmio_write(slot0 + AccelReg::Ctl.offset(), Ctl::StartNew as u64)?;
    while dev.mmio_read(slot0 + AccelReg::State.offset())? != State::Finished as u64 {
        dev.advance(2000);
    }
    let (secs, cycles) = (t.elapsed().as_secs_f64(), dev.now() - c0);
    let done = dev.mmio_read(slot0 + MemBenchReg::DoneLines.offset())?;
    println!(
        "bench: MemBench 1 MiB read+write job: {done} lines in {cycles} cycles ({:.2} lines/cycle), \
         {:.0} k cycles/s, {:.1} MB/s of simulated DMA",
        done as f64 / cycles as f64,
        cycles as f64 / secs / 1e3,
        done as f64 * 64.0 / secs / 1e6
    );
    let faults = dev.take_iommu_faults().len();
    println!("bench: IOMMU faults during the job: {faults}");
    dev.unmap_dma(iova)?;
    Ok(())
}
