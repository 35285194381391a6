//! A small benchmark of the VFIO layer on edu: MMIO read round trip (median, through mmap and
//! through pread) and DMA map+unmap rate for a 4 KiB and a 2 MiB buffer. Under QEMU TCG the
//! numbers describe the emulator, not hardware, and are labelled so.

use std::time::{Duration, Instant};

use optimus_driver::vfio::{BarAccess, DmaBuffer, DmaPerm, Iova};

use crate::edu::{Edu, REG_ID, edu_or_skip};

/// IOVA for the map/unmap loop, 2 MiB aligned and below 256 MiB.
const BENCH_IOVA: u64 = 0x400_0000;

fn label() -> &'static str {
    if std::env::var_os("OPTIMUS_VFIO_GUEST").is_some() {
        "emulated (QEMU TCG)"
    } else {
        "this machine"
    }
}

fn median_ns(mut samples: Vec<u128>) -> u128 {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Median over `n` timed 32-bit reads of the identification register.
fn mmio_read_median(edu: &Edu, n: usize) -> u128 {
    for _ in 0..100 {
        edu.read32(REG_ID); // warm up (TCG translates the loop once)
    }
    let samples = (0..n)
        .map(|_| {
            let t = Instant::now();
            let id = edu.bar.read32(REG_ID);
            let dt = t.elapsed().as_nanos();
            assert!(id.is_ok_and(|v| v & 0xff == 0xed));
            dt
        })
        .collect();
    median_ns(samples)
}

/// Map+unmap pairs per second for a buffer of `len` bytes, over about `budget`.
fn map_unmap_rate(edu: &Edu, len: usize, budget: Duration) -> (f64, u32) {
    let buf = DmaBuffer::new(len).unwrap();
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget || n < 5 {
        edu.dev
            .map_dma(Iova(BENCH_IOVA), &buf, DmaPerm::ReadWrite)
            .unwrap();
        edu.dev.unmap_dma(Iova(BENCH_IOVA), len as u64).unwrap();
        n += 1;
    }
    (f64::from(n) / start.elapsed().as_secs_f64(), n)
}

#[test]
fn bench_mmio_and_dma_mapping() {
    let Some(addr) = edu_or_skip("bench_mmio_and_dma_mapping") else {
        return;
    };
    let label = label();
    let mapped = Edu::open(addr, BarAccess::Mmap);
    let mmap_ns = mmio_read_median(&mapped, 5000);
    drop(mapped);
    let fallback = Edu::open(addr, BarAccess::ReadWrite);
    let pread_ns = mmio_read_median(&fallback, 5000);
    println!("bench [{label}]: MMIO read round trip, mmap:  median {mmap_ns} ns (5000 reads)");
    println!("bench [{label}]: MMIO read round trip, pread: median {pread_ns} ns (5000 reads)");
    for (len, name) in [(4096usize, "4 KiB"), (2 << 20, "2 MiB")] {
        let (rate, n) = map_unmap_rate(&fallback, len, Duration::from_secs(1));
        println!("bench [{label}]: DMA map+unmap {name}: {rate:.0} /s ({n} pairs)");
    }
}
