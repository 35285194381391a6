//! rust-hdl simulations of the monitor (page 0, design.md §3): reset values, RW and RO
//! registers, W1C and command strobes, status bits, the whole page, request order.
//! MMIO_TIMEOUTS has its own tests in `monitor_timeouts.rs`.

mod monitor_bench;

use monitor_bench::*;
use optimus_hdl::shell::monitor::READ_LATENCY;
use optimus_regs::monitor::MONITOR_DFH;

#[test]
fn every_register_reads_its_reset_value() {
    let mut b = Bench::new(3);
    assert_ne!(MONITOR_DFH, 0);
    let globals = [(0x000, MONITOR_DFH), (0x008, ID[0]), (0x010, ID[1])];
    let globals = globals.into_iter().chain([
        (0x018, 0),
        (0x020, 3),
        (0x028, 0x1_0000),
        (MMIO_TIMEOUTS, 0),
    ]);
    for (off, v) in globals {
        assert_eq!(b.read(off), v, "offset {off:#x}");
    }
    for i in 0..3 {
        assert_eq!(b.read(base_off(i)), 0);
        let expect = [
            (LIMIT, 0),
            (FAULT, 0),
            (FAULT_ADDR, 0),
            (PREEMPT, 0),
            (TIMEOUT, 1_000_000),
        ];
        for (k, v) in expect
            .into_iter()
            .chain([(RD_LINES, 0), (WR_LINES, 0), (WEIGHT, 1)])
        {
            assert_eq!(b.read(slot_off(i, k)), v, "slot {i} +{k:#x}");
        }
        let s = &b.m.slots[i];
        assert_eq!(s.slice_base.val().to_u64(), 0);
        assert_eq!(s.slice_limit.val().to_u64(), 0);
        assert_eq!(s.preempt_timeout.val().to_u64(), 1_000_000);
        assert!(!s.slot_reset.val());
    }
    assert!(b.pulses.is_empty());
    b.check_answers();
}

#[test]
fn rw_registers_hold_what_was_written() {
    let mut b = Bench::new(3);
    let v = |i: usize, salt: u64| 0xfff0_0000_0000_0007 ^ (salt << 20) ^ ((i as u64) << 8);
    for i in 0..3 {
        b.write(base_off(i), v(i, 1));
        b.write(slot_off(i, LIMIT), v(i, 2));
        b.write(slot_off(i, TIMEOUT), v(i, 3));
    }
    b.write(0x018, 0xffff_ffff_ffff_fffa);
    b.idle(2);
    for i in 0..3 {
        assert_eq!(
            b.read(base_off(i)),
            v(i, 1) & 0x3ff_ffff_fffc,
            "SLICE_BASE[{i}]"
        );
        assert_eq!(b.read(slot_off(i, LIMIT)), v(i, 2) & 0x3ff_ffff_ffff);
        assert_eq!(b.read(slot_off(i, TIMEOUT)), v(i, 3) & 0xffff_ffff);
        let s = &b.m.slots[i];
        assert_eq!(s.slice_base.val().to_u64(), v(i, 1) & 0x3ff_ffff_fffc);
        assert_eq!(s.slice_limit.val().to_u64(), v(i, 2) & 0x3ff_ffff_ffff);
        assert_eq!(s.preempt_timeout.val().to_u64(), v(i, 3) & 0xffff_ffff);
        assert_eq!(s.slot_reset.val(), i == 1, "slot_reset[{i}]");
    }
    // Bits of slots that do not exist read 0.
    assert_eq!(b.read(0x018), 0b010);
    assert!(b.pulses.is_empty());
    // Shell reset restores the reset values.
    b.cycle_with(None, true);
    b.idle(1);
    assert_eq!((b.read(base_off(2)), b.read(slot_off(2, LIMIT))), (0, 0));
    assert_eq!(
        (b.read(slot_off(0, TIMEOUT)), b.read(0x018)),
        (1_000_000, 0)
    );
    b.check_answers();
}

#[test]
fn read_only_registers_and_holes_ignore_writes() {
    let mut b = Bench::new(2);
    b.status[1] = Status {
        fault_addr: 0x155,
        rd_lines: 77,
        wr_lines: 88,
        ..Default::default()
    };
    let ro = [
        0x000,
        0x008,
        0x010,
        0x020,
        0x028,
        slot_off(1, FAULT_ADDR),
        slot_off(1, RD_LINES),
    ];
    let ro = ro
        .into_iter()
        .chain([slot_off(1, WR_LINES), slot_off(0, WEIGHT), MMIO_TIMEOUTS]);
    let holes = [
        0x040,
        0x0b0,
        0x0f0,
        slot_off(2, LIMIT),
        slot_off(2, TIMEOUT),
        0x800,
        0xff8,
    ];
    for off in ro.clone().chain(holes) {
        b.write(off, u64::MAX);
        b.cycle_with(Some((off / 4 + 1, Some(u64::MAX))), false); // odd word of the pair
    }
    b.idle(2);
    let expect = [MONITOR_DFH, ID[0], ID[1], 2, 0x1_0000, 0x155, 77, 88, 1, 0];
    for (off, v) in ro.zip(expect) {
        assert_eq!(b.read(off), v, "offset {off:#x}");
    }
    for i in 0..2 {
        assert_eq!(
            b.read(base_off(i)),
            0,
            "SLICE_BASE[{i}] written through a hole"
        );
        assert_eq!(b.read(slot_off(i, LIMIT)), 0);
        assert_eq!(b.read(slot_off(i, TIMEOUT)), 1_000_000);
    }
    assert!(b.pulses.is_empty(), "{:?}", b.pulses);
    b.check_answers();
}

#[test]
fn fault_w1c_writes_pulse_once_on_the_right_slot() {
    let mut b = Bench::new(4);
    let patterns = [1, 2, 1 << 63, 3 | 1 << 63, 0, 4, 1 << 62, u64::MAX];
    for i in 0..4 {
        for p in patterns {
            b.pulses.clear();
            let t = b.cycle;
            b.write(slot_off(i, FAULT), p);
            b.idle(3);
            let mut want = vec![];
            for (bit, name) in [(0, "clear_rd"), (1, "clear_wr"), (63, "clear_count")] {
                if p >> bit & 1 == 1 {
                    want.push((t + 1, name, i));
                }
            }
            assert_eq!(b.pulses, want, "FAULT[{i}] <- {p:#x}");
        }
    }
}

#[test]
fn preempt_writes_request_and_release_the_right_slot() {
    let mut b = Bench::new(4);
    for i in 0..4 {
        for (v, want) in [
            (1, Some("request")),
            (2, Some("release")),
            (3, None),
            (0, None),
        ] {
            for (v, want) in [(v, want), (v | 1 << 32, None), (v << 8, None)] {
                b.pulses.clear();
                let t = b.cycle;
                b.write(slot_off(i, PREEMPT), v);
                b.idle(3);
                let want: Vec<_> = want.map(|name| (t + 1, name, i)).into_iter().collect();
                assert_eq!(b.pulses, want, "PREEMPT[{i}] <- {v:#x}");
            }
        }
        assert_eq!(b.m.slots[i].preempt_timeout.val().to_u64(), 1_000_000);
    }
}

/// Sets one status flag.
type SetFlag = fn(&mut Status);

#[test]
fn status_inputs_appear_at_their_documented_bits() {
    let mut b = Bench::new(3);
    // Walking ones through every flag, on slot 1 only.
    let flags: [(SetFlag, u64, u64); 7] = [
        (|s| s.fault_rd = true, FAULT, 1 << 0),
        (|s| s.fault_wr = true, FAULT, 1 << 1),
        (|s| s.requested = true, PREEMPT, 1 << 0),
        (|s| s.paused = true, PREEMPT, 1 << 1),
        (|s| s.drained = true, PREEMPT, 1 << 2),
        (|s| s.timed_out = true, PREEMPT, 1 << 3),
        (|s| s.in_reset = true, PREEMPT, 1 << 4),
    ];
    for (set, k, want) in flags {
        b.status[1] = Status::default();
        set(&mut b.status[1]);
        assert_eq!(b.read(slot_off(1, k)), want);
        assert_eq!(b.read(slot_off(0, k)) | b.read(slot_off(2, k)), 0);
    }
    // Counts and addresses, distinct per slot.
    for i in 0..3u64 {
        b.status[i as usize] = Status {
            fault_rd: true,
            fault_count: 0xfff0 + i,
            fault_addr: 0x3ff_0000_0000 | i << 4,
            drained: true,
            rd_out: 0xa000 + i,
            wr_out: 0xb000 + i,
            rd_lines: u64::MAX - i,
            wr_lines: 1 << 40 | i,
            ..Default::default()
        };
    }
    for i in 0..3u64 {
        let s = i as usize;
        assert_eq!(b.read(slot_off(s, FAULT)), (0xfff0 + i) << 32 | 1);
        assert_eq!(b.read(slot_off(s, FAULT_ADDR)), 0x3ff_0000_0000 | i << 4);
        assert_eq!(
            b.read(slot_off(s, PREEMPT)),
            (0xb000 + i) << 32 | (0xa000 + i) << 16 | 4
        );
        assert_eq!(b.read(slot_off(s, RD_LINES)), u64::MAX - i);
        assert_eq!(b.read(slot_off(s, WR_LINES)), 1 << 40 | i);
    }
    b.check_answers();
}

/// The whole page, read back to back: every word address answered once, with its tid,
/// 0 where design.md §3 has no register, on odd word addresses and for absent slots.
fn full_page_scan(n: usize) {
    let mut b = Bench::new(n);
    for i in 0..n {
        b.status[i] = Status {
            fault_wr: true,
            fault_count: 5,
            fault_addr: 9,
            paused: true,
            rd_out: 3,
            wr_out: 4,
            rd_lines: 100 + i as u64,
            wr_lines: 200,
            ..Default::default()
        };
        b.write(base_off(i), 0x40 + 4 * i as u64);
        b.write(slot_off(i, LIMIT), 0x1000);
    }
    b.write(0x018, 1);
    // Every slot's guard times a read out once, the last two slots in the same cycle.
    for i in 0..n {
        b.status[i].mmio_timeout = true;
        if i + 2 != n {
            b.idle(1);
        }
    }
    b.idle(2);
    assert_eq!(b.timeouts, n as u64);
    let (first, reads) = (b.reads.len(), 1u64 << 10);
    for word in 0..reads {
        b.cycle_with(Some((word, None)), false);
    }
    b.idle(READ_LATENCY + 1);
    b.check_answers();
    let data: Vec<u64> = b.responses[first..].iter().map(|r| r.2).collect();
    for (word, got) in (0..reads).zip(data) {
        let off = word * 4;
        let slot = |k: u64| (0..n).find(|&i| slot_off(i, k) == off);
        let want = match off {
            _ if off % 8 != 0 => 0,
            0x000 => MONITOR_DFH,
            0x008 => ID[0],
            0x010 => ID[1],
            0x018 => 1,
            0x020 => n as u64,
            0x028 => 0x1_0000,
            0x0f8 => n as u64,
            _ => match (0..n).find(|&i| base_off(i) == off) {
                Some(i) => 0x40 + 4 * i as u64,
                None if slot(LIMIT).is_some() => 0x1000,
                None if slot(FAULT).is_some() => 5 << 32 | 2,
                None if slot(FAULT_ADDR).is_some() => 9,
                // Slot 0 is held by SLOT_RESET (0x018 = 1): its controller's bits read 0 and
                // "in reset" reads 1 whatever the blocks say yet.
                None if slot(PREEMPT) == Some(0) => 4 << 32 | 3 << 16 | 1 << 4,
                None if slot(PREEMPT).is_some() => 4 << 32 | 3 << 16 | 2,
                None if slot(TIMEOUT).is_some() => 1_000_000,
                None if slot(RD_LINES).is_some() => 100 + slot(RD_LINES).unwrap() as u64,
                None if slot(WR_LINES).is_some() => 200,
                None if slot(WEIGHT).is_some() => 1,
                None => 0,
            },
        };
        assert_eq!(got, want, "N = {n}, byte offset {off:#x}");
    }
}

#[test]
fn full_page_scan_one_slot() {
    full_page_scan(1);
}

#[test]
fn full_page_scan_sixteen_slots() {
    full_page_scan(16);
}

#[test]
fn back_to_back_requests_take_effect_in_order() {
    let mut b = Bench::new(2);
    b.owners = true;
    b.status[1] = Status {
        fault_rd: true,
        fault_wr: true,
        fault_count: 9,
        ..Default::default()
    };
    let w = |byte: u64, v: u64| Some((byte / 4, Some(v)));
    let r = |byte: u64| Some((byte / 4, None));
    let script = [
        w(base_off(0), 0x100),
        r(base_off(0)),
        w(base_off(0), 0x204),
        r(base_off(0)),
        r(slot_off(1, FAULT)),
        w(slot_off(1, FAULT), 1),
        r(slot_off(1, FAULT)),
        w(slot_off(1, FAULT), 1 << 63 | 2),
        r(slot_off(1, FAULT)),
        w(0x018, 2),
        r(0x018),
        w(slot_off(1, TIMEOUT), 7),
        r(slot_off(1, TIMEOUT)),
    ];
    let first = b.reads.len();
    for req in script {
        b.cycle_with(req, false);
    }
    b.idle(READ_LATENCY + 1);
    b.check_answers();
    let got: Vec<u64> = b.responses[first..].iter().map(|r| r.2).collect();
    assert_eq!(got, [0x100, 0x204, 9 << 32 | 3, 9 << 32 | 2, 0, 2, 7]);
}
