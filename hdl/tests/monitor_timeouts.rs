//! rust-hdl simulations of MMIO_TIMEOUTS (0x0F8, our addition to design.md §3): the monitor
//! counts every slot's `mmio_timeout` pulse, several per cycle included, and the count is
//! compared with the bench's reference model and with literal totals.

#[allow(dead_code)] // shared bench: this file uses part of it
mod monitor_bench;

use monitor_bench::*;
use optimus_hdl::shell::monitor::READ_LATENCY;

/// Sets `mmio_timeout` of the listed slots for the next cycle.
fn pulse(b: &mut Bench, slots: &[usize]) {
    for &i in slots {
        b.status[i].mmio_timeout = true;
    }
}

#[test]
fn mmio_timeouts_counts_every_pulse_of_every_slot() {
    let mut b = Bench::new(4);
    // One slot; two in the same cycle; the same slot on consecutive cycles; a gap; all four.
    let script: [&[usize]; 7] = [&[1], &[0, 2], &[2], &[2], &[], &[0, 1, 2, 3], &[3]];
    for slots in script {
        pulse(&mut b, slots);
        b.idle(1);
    }
    assert_eq!(b.timeouts, 10);
    assert_eq!(b.read(MMIO_TIMEOUTS), 10);
    // A read sees the pulses of the cycles before it is presented, not those of its own.
    let first = b.reads.len();
    pulse(&mut b, &[0, 1, 3]);
    b.cycle_with(Some((MMIO_TIMEOUTS / 4, None)), false);
    pulse(&mut b, &[2]);
    b.cycle_with(Some((MMIO_TIMEOUTS / 4, None)), false);
    b.cycle_with(Some((MMIO_TIMEOUTS / 4, None)), false);
    b.idle(READ_LATENCY + 1);
    b.check_answers();
    let got: Vec<u64> = b.responses[first..].iter().map(|r| r.2).collect();
    assert_eq!(got, [10, 13, 14]);
    // Writes are ignored and SLOT_RESET does not clear it; only the shell reset does.
    b.write(MMIO_TIMEOUTS, 0);
    b.write(0x018, 0xf);
    b.idle(4);
    assert_eq!(b.read(MMIO_TIMEOUTS), 14);
    pulse(&mut b, &[1, 2]);
    b.cycle_with(None, true);
    b.idle(2);
    assert_eq!(b.read(MMIO_TIMEOUTS), 0);
    assert_eq!(b.timeouts, 0);
    pulse(&mut b, &[3]);
    b.idle(1);
    assert_eq!(b.read(MMIO_TIMEOUTS), 1);
    b.check_answers();
}

#[test]
fn mmio_timeouts_adds_sixteen_slots_pulsing_at_once() {
    let mut b = Bench::new(16);
    let all: Vec<usize> = (0..16).collect();
    for _ in 0..3 {
        pulse(&mut b, &all);
        b.idle(1);
    }
    pulse(&mut b, &[15]);
    b.idle(1);
    assert_eq!(b.read(MMIO_TIMEOUTS), 49);
    assert_eq!(b.timeouts, 49);
}
