//! rust-hdl simulation of the shared accelerator register page (`accel::frame::AccelFrame`,
//! design.md §4): every offset of the page read back against a Rust model of the decode,
//! writes to every offset, CTL pulses, the exact 2-cycle read latency with back-to-back
//! requests, read-after-write order, and reset.

use optimus_hdl::accel::frame::AccelFrame;
use optimus_regs::accel::{ACCEL_DFH, APP_BASE, AccelReg, Ctl, app_offset};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

const ID: [u64; 2] = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];
const SIZE: u64 = 192;
const WRITABLE: [bool; 8] = [true, true, false, true, false, true, true, false];

fn ro_value(i: usize) -> u64 {
    0xa000_0000_0000_0000 | (i as u64) << 8 | 0x55
}

/// The frame, a host that presents at most one request per cycle, and the model.
struct Bench {
    f: AccelFrame,
    now: u64,
    /// (cycle due, tid, expected data) of every read in flight.
    due: VecDeque<(u64, u64, u64)>,
    /// Model: SNAPSHOT_ADDR and the application registers.
    snap: u64,
    app: [u64; 8],
    state: u64,
    /// Pulses seen: (cycle, new, resume, pause).
    pulses: Vec<(u64, bool, bool, bool)>,
}

impl Bench {
    fn new() -> Self {
        let mut f = AccelFrame::new(ID, SIZE, WRITABLE);
        f.connect_all();
        let mut b = Bench {
            f,
            now: 0,
            due: VecDeque::new(),
            snap: 0,
            app: [0; 8],
            state: 0,
            pulses: Vec::new(),
        };
        for i in 0..8 {
            b.f.app_ro[i].next = ro_value(i).to_bits();
        }
        b.f.reset.next = true;
        b.idle(4);
        b.f.reset.next = false;
        b.idle(2);
        b
    }

    /// The model's answer to a read of byte offset `off`.
    fn expect(&self, off: u64) -> u64 {
        if off % 8 != 0 {
            return 0;
        }
        match off {
            0x000 => ACCEL_DFH,
            0x008 => ID[0],
            0x010 => ID[1],
            0x018 => self.state,
            0x020 => SIZE,
            0x028 => self.snap,
            _ => match (0..8).find(|&i| app_offset(i) == off) {
                Some(i) if WRITABLE[i] => self.app[i],
                Some(i) => ro_value(i),
                None => 0,
            },
        }
    }

    fn write_model(&mut self, off: u64, v: u64) {
        if off == AccelReg::SnapshotAddr.offset() {
            self.snap = v;
        }
        if let Some(i) = (0..8).find(|&i| app_offset(i) == off && WRITABLE[i]) {
            self.app[i] = v;
        }
    }

    /// One cycle with `req` = (write, byte offset, tid, data) presented, or none.
    fn step(&mut self, req: Option<(bool, u64, u64, u64)>) {
        let f = &mut self.f;
        f.mmio_valid.next = req.is_some();
        f.state.next = self.state.to_bits();
        if let Some((write, off, tid, data)) = req {
            f.mmio_write.next = write;
            f.mmio_addr.next = (off / 4).to_bits();
            f.mmio_tid.next = tid.to_bits();
            f.mmio_wdata.next = data.to_bits();
        }
        f.clock.next = Clock { clk: false };
        assert!(simulate(&mut self.f, 1000));
        let f = &self.f;
        let p = (f.start_new.val(), f.start_resume.val(), f.pause.val());
        if p.0 || p.1 || p.2 {
            self.pulses.push((self.now, p.0, p.1, p.2));
        }
        if f.mmio_rsp_valid.val() {
            let (at, tid, data) = self.due.pop_front().expect("a response nobody asked for");
            assert_eq!(
                at, self.now,
                "read answered exactly 2 cycles after the request"
            );
            assert_eq!(f.mmio_rsp_tid.val().to_u64(), tid, "tid");
            assert_eq!(f.mmio_rsp_data.val().to_u64(), data, "data of tid {tid:#x}");
        } else if let Some(&(at, tid, _)) = self.due.front() {
            assert!(
                at > self.now,
                "read tid {tid:#x} not answered in cycle {at}"
            );
        }
        // The model sees the request at the end of the cycle it is presented in.
        if let Some((write, off, tid, data)) = req {
            if write {
                self.write_model(off, data);
            } else {
                let v = self.expect(off);
                self.due.push_back((self.now + 2, tid, v));
            }
        }
        self.f.clock.next = Clock { clk: true };
        assert!(simulate(&mut self.f, 1000));
        self.now += 1;
    }

    fn idle(&mut self, n: u64) {
        for _ in 0..n {
            self.step(None);
        }
    }
}

#[test]
fn every_offset_reads_as_the_model_back_to_back() {
    let mut b = Bench::new();
    b.state = 4;
    // Every word address of the first 0x100 bytes, one read per cycle, plus a far one.
    for (tid, off) in (0..0x100).step_by(4).chain([0xff8, 0xffc]).enumerate() {
        b.step(Some((false, off, tid as u64 & 0x1ff, 0)));
    }
    b.idle(4);
    assert!(b.due.is_empty());
}

#[test]
fn writes_land_only_in_writable_registers_and_reads_see_them_next_cycle() {
    let mut b = Bench::new();
    for (tid, off) in (0..0x90).step_by(4).enumerate() {
        let v = 0x1111_0000_0000_0000 ^ (off * 0x0101);
        // A write, then immediately a read of the same offset.
        b.step(Some((true, off, 0, v)));
        b.step(Some((false, off, tid as u64 + 7, 0)));
    }
    b.idle(4);
    // Stored registers come out on the ports too.
    for (i, &w) in WRITABLE.iter().enumerate() {
        let want = if w { b.app[i] } else { 0 };
        assert_eq!(b.f.app[i].val().to_u64(), want, "app[{i}]");
    }
    assert_eq!(b.f.snapshot_addr.val().to_u64(), b.snap);
    assert_ne!(b.snap, 0);
    // A write to CTL (0x018) with a value that is not a command, and to odd words: no pulse.
    assert!(b.pulses.is_empty(), "{:?}", b.pulses);
    assert_eq!(APP_BASE, app_offset(0));
}

#[test]
fn ctl_commands_pulse_once_in_the_next_cycle() {
    let mut b = Bench::new();
    let ctl = AccelReg::Ctl.offset();
    let start = b.now;
    for (i, v) in [
        Ctl::StartNew as u64,
        0,
        Ctl::StartResume as u64,
        2,
        Ctl::Pause as u64,
        7,
        0x101,
    ]
    .into_iter()
    .enumerate()
    {
        b.step(Some((true, ctl, 0, v)));
        b.idle(1 + i as u64 % 2);
    }
    // CTL's odd neighbour (0x01c) and a read of 0x018 are not commands.
    b.step(Some((true, ctl + 4, 0, 1)));
    b.step(Some((false, ctl, 1, 0)));
    b.idle(3);
    let rel: Vec<_> = b
        .pulses
        .iter()
        .map(|&(t, n, r, p)| (t - start, n, r, p))
        .collect();
    assert_eq!(
        rel,
        [
            (1, true, false, false),
            (6, false, true, false),
            (11, false, false, true)
        ]
    );
    // pause_in passes straight through.
    b.f.pause_in.next = true;
    b.idle(1);
    b.f.pause_in.next = false;
    b.idle(1);
    assert_eq!(
        b.pulses.last().map(|p| (p.1, p.2, p.3)),
        Some((false, false, true))
    );
    assert_eq!(b.pulses.len(), 4);
}

#[test]
fn reset_clears_stored_registers_and_drops_reads_in_flight() {
    let mut b = Bench::new();
    b.step(Some((true, AccelReg::SnapshotAddr.offset(), 0, 0x4000)));
    b.step(Some((true, app_offset(0), 0, 99)));
    b.idle(2);
    assert_eq!(b.f.snapshot_addr.val().to_u64(), 0x4000);
    b.step(Some((false, 0, 3, 0)));
    b.due.clear();
    b.f.reset.next = true;
    b.idle(3);
    b.f.reset.next = false;
    b.snap = 0;
    b.app = [0; 8];
    b.idle(2);
    assert_eq!(b.f.snapshot_addr.val().to_u64(), 0);
    assert_eq!(b.f.app[0].val().to_u64(), 0);
    b.step(Some((false, AccelReg::SnapshotAddr.offset(), 4, 0)));
    b.step(Some((false, app_offset(0), 5, 0)));
    b.idle(3);
}
