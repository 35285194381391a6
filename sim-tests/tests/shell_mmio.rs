//! Testbench (d): random MMIO to every page of the 256 KiB space — the monitor, every slot,
//! pages without a slot, odd and unimplemented offsets — with up to 200 reads outstanding.
//! Every read is answered exactly once, with its tid, within 512 cycles (ShellSim checks that
//! on every answer), and with the right value: 0 for empty pages and odd addresses, the written
//! value for read/write registers, and the same value every time for the rest.

use optimus_regs::membench::MemBenchReg;
use optimus_regs::monitor::{SlotReg, slot_reg};
use optimus_regs::{Slot, slot_page_base};
use optimus_sim_tests::seed::seed_from_env;
use optimus_sim_tests::shell::{HostConfig, ShellSim};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

const READS: usize = 20_000;

fn run(config: &str, slots: usize) {
    let seed = seed_from_env();
    println!("shell_mmio {config}: OPTIMUS_SEED={seed}");
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut s = ShellSim::new(
        config,
        HostConfig {
            seed,
            ..Default::default()
        },
    )
    .expect("model");
    // Known values: read/write registers written with random values first.
    let mut known: HashMap<u64, u64> = HashMap::new();
    for i in 0..slots {
        let slot = Slot::new(i).unwrap();
        for (off, mask) in [
            (slot_reg(slot, SlotReg::SliceLimit), (1 << 42) - 1),
            (slot_reg(slot, SlotReg::PreemptTimeout), u32::MAX as u64),
        ] {
            let v = rng.random::<u64>() & mask;
            s.mmio_write(off, v);
            known.insert(off, v);
        }
        if config != "mixed8" || i < 3 {
            let off = slot_page_base(slot) + MemBenchReg::Seed.offset();
            let v = rng.random();
            s.mmio_write(off, v);
            known.insert(off, v);
        }
    }
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut pending: Vec<(u16, u64)> = Vec::new();
    let (mut issued, mut empty_pages, mut odd, mut slot_reads) = (0, 0, 0, 0);
    while issued < READS || !pending.is_empty() {
        // Bursts: sometimes many reads back to back, sometimes a pause.
        if issued < READS && pending.len() < 200 && rng.random_bool(0.7) {
            // A third each: the monitor, the slots, the empty pages.
            let page = match rng.random_range(0..3) {
                0 => 0,
                1 => rng.random_range(1..=slots as u64),
                _ => rng.random_range(slots as u64 + 1..64),
            };
            let word = if rng.random_bool(0.8) {
                rng.random_range(0..64u64) * 2
            } else {
                rng.random_range(0..1024u64)
            };
            let offset = page * 4096 + word * 4;
            pending.push((s.mmio_issue_read(offset), offset));
            issued += 1;
        }
        s.tick();
        pending.retain(|&(tid, offset)| {
            let Some(v) = s.mmio_answer(tid) else {
                return true;
            };
            let page = offset / 4096;
            if (1..=slots as u64).contains(&page) {
                slot_reads += 1;
            }
            if page > slots as u64 || offset % 8 != 0 {
                assert_eq!(
                    v, 0,
                    "seed {seed}: read of {offset:#x} (empty page or odd address) gave {v:#x}"
                );
                if page > slots as u64 {
                    empty_pages += 1
                } else {
                    odd += 1
                }
            } else if let Some(&want) = known.get(&offset) {
                assert_eq!(v, want, "seed {seed}: register {offset:#x}");
            } else if let Some(&first) = seen.get(&offset) {
                assert_eq!(v, first, "seed {seed}: register {offset:#x} changed");
            } else {
                seen.insert(offset, v);
            }
            false
        });
    }
    assert!(s.violations.is_empty(), "seed {seed}: {:?}", s.violations);
    assert!(
        empty_pages > 3000 && slot_reads > 3000 && odd > 300,
        "coverage: {empty_pages} empty-page reads, {slot_reads} slot-page reads, {odd} odd"
    );
    println!(
        "shell_mmio {config}: {READS} reads ({slot_reads} of slot pages, {empty_pages} of empty pages, {odd} odd), every one answered once in time"
    );
}

#[test]
fn every_read_is_answered_once_pair2() {
    run("pair2", 2);
}

#[test]
fn every_read_is_answered_once_membench8() {
    run("membench8", 8);
}
