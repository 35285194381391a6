//! The Device API over the simulated FPGA (`mixed8`: MemBench in slots 0–2, LinkedList in 3–4,
//! Hasher in 5–6, Rogue in 7), with host memory really mapped through the simulated IOMMU.
//! Results are checked against the CPU, byte for byte.
//!
//! Needs Verilator; the first run builds the model into the cache (a minute or two).
#![cfg(feature = "sim")]

use std::sync::Arc;

use optimus_driver::device::MMIO_SPACE;
use optimus_driver::{
    Device, DeviceError, DmaBuffer, DmaPerm, IommuFaultKind, Iova, SimBackend, SimOptions,
};
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::linked_list::{LinkedListReg, node};
use optimus_regs::membench::{MemBenchReg, mode, pattern_word};
use optimus_regs::monitor::{GlobalReg, SlotReg, fault};

const CONFIG: &str = "mixed8";
/// Slot-relative addresses start at the slot's IOVA slice; slot i's slice is at
/// `SLICE_STRIDE * (i + 1)` bytes.
const SLICE_STRIDE: u64 = 1 << 30;

fn open() -> Device {
    Device::open_sim(CONFIG, SimOptions::default()).expect("the simulated mixed8 opens")
}

/// Gives slot `i` a slice of `lines` cache lines at IOVA `SLICE_STRIDE * (i + 1)`; its IOVA.
fn grant(dev: &Device, i: usize, lines: u64) -> Iova {
    let iova = Iova(SLICE_STRIDE * (i as u64 + 1));
    dev.set_slot_reg(i, SlotReg::SliceBase, iova.0 >> 6)
        .unwrap();
    dev.set_slot_reg(i, SlotReg::SliceLimit, lines).unwrap();
    iova
}

fn acc(dev: &Device, i: usize, offset: u64) -> u64 {
    dev.mmio_read(dev.slot_page(i).unwrap() + offset).unwrap()
}

fn set_acc(dev: &Device, i: usize, offset: u64, v: u64) {
    dev.mmio_write(dev.slot_page(i).unwrap() + offset, v)
        .unwrap();
}

/// Starts slot `i`'s job and polls STATE until finished; panics after `limit` cycles.
fn run_job(dev: &Device, i: usize, limit: u64) -> u64 {
    set_acc(dev, i, AccelReg::Ctl.offset(), Ctl::StartNew as u64);
    let start = dev.now();
    loop {
        if acc(dev, i, AccelReg::State.offset()) == State::Finished as u64 {
            return dev.now() - start;
        }
        assert!(
            dev.now() - start < limit,
            "slot {i} not finished after {limit} cycles"
        );
        dev.advance(200);
    }
}

fn words(buf: &DmaBuffer, line: usize) -> [u64; 8] {
    let mut b = [0u8; 64];
    buf.read(line * 64, &mut b).unwrap();
    std::array::from_fn(|w| u64::from_le_bytes(b[w * 8..w * 8 + 8].try_into().unwrap()))
}

fn fill_words(buf: &DmaBuffer, seed: u64) {
    for i in 0..buf.len() / 8 {
        let v = seed
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(i as u64);
        buf.write(i * 8, &v.to_le_bytes()).unwrap();
    }
}

#[test]
fn identity_is_checked_and_mmio_reaches_monitor_and_slot_pages() {
    let dev = open();
    let id = dev.identity().clone();
    assert_eq!(id.num_slots, 8);
    assert_eq!(id.version, optimus_regs::VERSION);
    assert_eq!(id.shell_id, dev.manifest().shell_id(optimus_regs::VERSION));
    // Slot pages: each accelerator's id.
    let ids = [
        (0, optimus_regs::membench::ACCEL_ID),
        (3, optimus_regs::linked_list::ACCEL_ID),
    ];
    for (slot, want) in ids {
        let got = [
            acc(&dev, slot, AccelReg::AccelIdL.offset()),
            acc(&dev, slot, AccelReg::AccelIdH.offset()),
        ];
        assert_eq!(got, want, "slot {slot}'s ACCEL_ID");
    }
    // Monitor registers keep what is written; the page past the last slot reads 0.
    dev.set_slot_reg(5, SlotReg::SliceLimit, 0x1234).unwrap();
    assert_eq!(dev.slot_reg(5, SlotReg::SliceLimit).unwrap(), 0x1234);
    assert_eq!(dev.mmio_read(9 * 4096).unwrap(), 0);
    assert_eq!(dev.mmio_read(MMIO_SPACE - 8).unwrap(), 0);
    // Bad offsets and slots are errors, not traffic.
    for bad in [3, MMIO_SPACE] {
        assert!(matches!(
            dev.mmio_read(bad),
            Err(DeviceError::MmioOffset { .. })
        ));
    }
    assert!(matches!(
        dev.slot_reg(8, SlotReg::Fault),
        Err(DeviceError::NoSuchSlot { slot: 8, slots: 8 })
    ));
}

#[test]
fn a_device_of_another_configuration_is_refused() {
    let quiet = SimOptions {
        progress: false,
        ..SimOptions::default()
    };
    let (backend, _) = SimBackend::open(CONFIG, quiet).unwrap();
    let (membench8, _) = optimus_bitstreams::Manifest::find("membench8").unwrap();
    let err = Device::open(Box::new(backend), &membench8).unwrap_err();
    assert!(matches!(err, DeviceError::WrongShell { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("membench8") && msg.contains("simulated mixed8"),
        "{msg}"
    );
}

#[test]
fn membench_reads_and_writes_mapped_host_memory() {
    let dev = open();
    let lines = 64u64;
    let iova = grant(&dev, 1, 1 << 20);
    let buf = Arc::new(DmaBuffer::new(lines as usize * 64).unwrap());
    fill_words(&buf, 7);
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::ReadWrite)
        .unwrap();

    // Read job: CHECKSUM is the wrapping sum of every word of every line read.
    for (reg, v) in [
        (MemBenchReg::BufAddr, 0),
        (MemBenchReg::BufLines, lines),
        (MemBenchReg::TotalLines, 2 * lines),
        (MemBenchReg::Mode, mode::with_cl_len(mode::READ, 1)),
        (MemBenchReg::Seed, 3),
    ] {
        set_acc(&dev, 1, reg.offset(), v);
    }
    run_job(&dev, 1, 50_000);
    let want = (0..lines as usize)
        .flat_map(|l| words(&buf, l))
        .fold(0u64, u64::wrapping_add)
        .wrapping_mul(2);
    assert_eq!(acc(&dev, 1, MemBenchReg::Checksum.offset()), want);
    assert_eq!(acc(&dev, 1, MemBenchReg::DoneLines.offset()), 2 * lines);

    // Write job: every buffer line holds SEED + 8k + w, in the bytes this process sees.
    set_acc(
        &dev,
        1,
        MemBenchReg::Mode.offset(),
        mode::with_cl_len(mode::WRITE, 3),
    );
    set_acc(&dev, 1, MemBenchReg::Seed.offset(), 0xabc0);
    run_job(&dev, 1, 50_000);
    for k in 0..lines {
        let want: [u64; 8] = std::array::from_fn(|w| pattern_word(0xabc0, k, w as u64));
        assert_eq!(words(&buf, k as usize), want, "line {k}");
    }
    assert!(dev.take_iommu_faults().is_empty());
    assert_eq!(dev.slot_reg(1, SlotReg::Fault).unwrap() & 3, 0);
    dev.unmap_dma(iova).unwrap();
    assert!(dev.mappings().is_empty());
}

#[test]
fn linked_list_walks_a_chain_in_mapped_memory() {
    let dev = open();
    let iova = grant(&dev, 3, 1 << 20);
    let buf = Arc::new(DmaBuffer::new(256 * 64).unwrap());
    // Nodes at lines 5, 200, 17, 90, ... (a permutation walk), value = line * 1000 + 1.
    let order: Vec<u64> = (0..40).map(|i| (i * 37 + 5) % 256).collect();
    let mut sum = 0u64;
    for (i, &l) in order.iter().enumerate() {
        let next = order.get(i + 1).map_or(0, |n| n << 6);
        let value = l * 1000 + 1;
        sum = sum.wrapping_add(value);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&next.to_le_bytes());
        bytes[8..].copy_from_slice(&value.to_le_bytes());
        let at = l as usize * 64 + node::NEXT_WORD * 8;
        buf.write(at, &bytes).unwrap();
    }
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::Read).unwrap();
    set_acc(&dev, 3, LinkedListReg::HeadAddr.offset(), order[0] << 6);
    set_acc(&dev, 3, LinkedListReg::MaxNodes.offset(), 0);
    run_job(&dev, 3, 100_000);
    assert_eq!(acc(&dev, 3, LinkedListReg::Sum.offset()), sum);
    assert_eq!(
        acc(&dev, 3, LinkedListReg::Nodes.offset()),
        order.len() as u64
    );
    assert_eq!(
        acc(&dev, 3, LinkedListReg::LastAddr.offset()),
        order[order.len() - 1] << 6
    );
    assert!(dev.take_iommu_faults().is_empty());
}

#[test]
fn an_unmapped_page_is_an_iommu_fault_and_reads_all_ones() {
    let dev = open();
    let iova = grant(&dev, 2, 1 << 20);
    // One page mapped (64 lines); the job reads 128 lines: the second page is unmapped.
    let buf = Arc::new(DmaBuffer::new(4096).unwrap());
    fill_words(&buf, 11);
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::Read).unwrap();
    for (reg, v) in [
        (MemBenchReg::BufAddr, 0),
        (MemBenchReg::BufLines, 128),
        (MemBenchReg::TotalLines, 128),
        (MemBenchReg::Mode, mode::with_cl_len(mode::READ, 0)),
    ] {
        set_acc(&dev, 2, reg.offset(), v);
    }
    run_job(&dev, 2, 50_000);
    let mapped = (0..64)
        .flat_map(|l| words(&buf, l))
        .fold(0u64, u64::wrapping_add);
    let ones = (64 * 8u64).wrapping_mul(u64::MAX);
    assert_eq!(
        acc(&dev, 2, MemBenchReg::Checksum.offset()),
        mapped.wrapping_add(ones)
    );
    let faults = dev.take_iommu_faults();
    assert_eq!(faults.len(), 64, "one fault per unmapped line read");
    let mut lines: Vec<u64> = faults.iter().map(|f| f.iova.0).collect();
    lines.sort();
    let want: Vec<u64> = (64..128).map(|l| iova.0 + l * 64).collect();
    assert_eq!(lines, want);
    assert!(
        faults
            .iter()
            .all(|f| !f.write && f.kind == IommuFaultKind::Unmapped)
    );
    // The shell saw nothing wrong: the request was inside the slice.
    assert_eq!(dev.slot_reg(2, SlotReg::Fault).unwrap() & 3, 0);

    // A write into a read-only mapping is dropped and reported too.
    set_acc(&dev, 2, MemBenchReg::BufLines.offset(), 64);
    set_acc(&dev, 2, MemBenchReg::TotalLines.offset(), 64);
    set_acc(
        &dev,
        2,
        MemBenchReg::Mode.offset(),
        mode::with_cl_len(mode::WRITE, 0),
    );
    let before: Vec<[u64; 8]> = (0..64).map(|l| words(&buf, l)).collect();
    run_job(&dev, 2, 50_000);
    let after: Vec<[u64; 8]> = (0..64).map(|l| words(&buf, l)).collect();
    assert_eq!(before, after, "a read-only buffer is not written");
    let faults = dev.take_iommu_faults();
    assert_eq!(faults.len(), 64);
    assert!(
        faults
            .iter()
            .all(|f| f.write && f.kind == IommuFaultKind::Permission)
    );
}

#[test]
fn a_request_beyond_the_slice_is_a_shell_fault_and_never_reaches_memory() {
    let dev = open();
    let iova = grant(&dev, 0, 64);
    let buf = Arc::new(DmaBuffer::new(2 * 4096).unwrap());
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::ReadWrite)
        .unwrap();
    // Writes to lines 32..96 of a 64-line slice: lines 64.. fault in the auditor.
    for (reg, v) in [
        (MemBenchReg::BufAddr, 32 * 64),
        (MemBenchReg::BufLines, 64),
        (MemBenchReg::TotalLines, 64),
        (MemBenchReg::Mode, mode::with_cl_len(mode::WRITE, 3)),
        (MemBenchReg::Seed, 1),
    ] {
        set_acc(&dev, 0, reg.offset(), v);
    }
    run_job(&dev, 0, 50_000);
    let f = dev.slot_reg(0, SlotReg::Fault).unwrap();
    assert_eq!(f & 3, fault::WRITE, "FAULT shows a write fault: {f:#x}");
    assert_eq!(fault::count(f), 8, "eight 4-line requests beyond the limit");
    assert_eq!(dev.slot_reg(0, SlotReg::FaultAddr).unwrap(), 64);
    // The second page of the buffer (lines 64..128, outside the slice) is untouched.
    assert!((64..128).all(|l| words(&buf, l) == [0; 8]));
    assert!((32..64).all(|l| words(&buf, l)[0] != 0));
    assert!(
        dev.take_iommu_faults().is_empty(),
        "nothing reached the IOMMU"
    );
    // W1C clears the bits and the count.
    dev.set_slot_reg(0, SlotReg::Fault, 3 | fault::CLEAR_COUNT)
        .unwrap();
    assert_eq!(dev.slot_reg(0, SlotReg::Fault).unwrap(), 0);
}

#[test]
fn two_threads_drive_two_slots_at_once() {
    let dev = Arc::new(open());
    let lines = 128u64;
    let runs: Vec<_> = [0usize, 1]
        .into_iter()
        .map(|slot| {
            let dev = Arc::clone(&dev);
            std::thread::spawn(move || {
                let iova = grant(&dev, slot, 1 << 20);
                let buf = Arc::new(DmaBuffer::new(lines as usize * 64).unwrap());
                dev.map_dma(iova, Arc::clone(&buf), DmaPerm::ReadWrite)
                    .unwrap();
                let seed = 0x1000 * (slot as u64 + 1);
                for (reg, v) in [
                    (MemBenchReg::BufAddr, 0),
                    (MemBenchReg::BufLines, lines),
                    (MemBenchReg::TotalLines, lines * 4),
                    (
                        MemBenchReg::Mode,
                        mode::with_cl_len(mode::WRITE | mode::RANDOM, 1),
                    ),
                    (MemBenchReg::Seed, seed),
                ] {
                    set_acc(&dev, slot, reg.offset(), v);
                }
                run_job(&dev, slot, 200_000);
                (slot, seed, buf, iova)
            })
        })
        .collect();
    for run in runs {
        let (slot, seed, buf, iova) = run.join().expect("thread finished");
        assert_eq!(
            acc(&dev, slot, MemBenchReg::DoneLines.offset()),
            lines * 4,
            "slot {slot}"
        );
        // Random order over 4x the buffer: check the lines it wrote hold the pattern.
        let written = (0..lines).filter(|&k| words(&buf, k as usize) != [0; 8]);
        for k in written {
            let want: [u64; 8] = std::array::from_fn(|w| pattern_word(seed, k, w as u64));
            assert_eq!(words(&buf, k as usize), want, "slot {slot} line {k}");
        }
        dev.unmap_dma(iova).unwrap();
    }
    assert!(dev.take_iommu_faults().is_empty());
    assert!(dev.mappings().is_empty());
}

#[test]
fn slot_reset_returns_a_running_slot_to_idle() {
    let dev = open();
    let iova = grant(&dev, 0, 1 << 20);
    let buf = Arc::new(DmaBuffer::new(64 * 64).unwrap());
    dev.map_dma(iova, Arc::clone(&buf), DmaPerm::ReadWrite)
        .unwrap();
    for (reg, v) in [
        (MemBenchReg::BufLines, 64),
        (MemBenchReg::TotalLines, 1 << 20),
        (MemBenchReg::Mode, mode::READ | mode::WRITE),
    ] {
        set_acc(&dev, 0, reg.offset(), v);
    }
    set_acc(&dev, 0, AccelReg::Ctl.offset(), Ctl::StartNew as u64);
    dev.advance(500);
    assert_eq!(
        acc(&dev, 0, AccelReg::State.offset()),
        State::Running as u64
    );
    dev.slot_reset(0).unwrap();
    assert_eq!(acc(&dev, 0, AccelReg::State.offset()), State::Idle as u64);
    assert_eq!(dev.mmio_read(GlobalReg::SlotReset.offset()).unwrap(), 0);
    assert_eq!(
        dev.slot_reg(0, SlotReg::SliceLimit).unwrap(),
        1 << 20,
        "SLOT_RESET keeps the monitor's slot registers"
    );
}

#[test]
fn a_vcd_trace_covers_exactly_the_chosen_window() {
    let path = std::env::temp_dir().join(format!("optimus-trace-{}.vcd", std::process::id()));
    let window = optimus_driver::TraceWindow {
        path: path.clone(),
        from: 200,
        cycles: 50,
    };
    let options = SimOptions {
        trace: Some(window),
        ..SimOptions::default()
    };
    let dev = Device::open_sim("pair2", options).unwrap();
    dev.advance(400);
    assert!(dev.now() > 250);
    let vcd = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(vcd.contains("$enddefinitions"), "a VCD header");
    assert!(
        vcd.contains("host_mmio_valid"),
        "the shell's ports are traced"
    );
    // Two dumps per cycle (both clock edges), 5 time units per half cycle.
    let stamps: Vec<u64> = vcd
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.parse().ok())
        .collect();
    assert_eq!(stamps.len(), 100, "50 cycles, two edges each");
    assert_eq!(stamps[0], 200 * 2 * 5);
}
