//! rust-hdl simulations of MemBench (design.md §4.1) on the reusable test host
//! (`accel_host`), and self-tests of that host on a scripted puppet accelerator.

#[macro_use]
#[allow(dead_code)]
mod accel_host;

use accel_host::{Host, HostCfg};
use rust_hdl::prelude::*;

/// A block with the slot-side ports and no logic: the test sets its outputs by hand.
#[derive(LogicBlock, Default)]
struct Puppet {
    clock: Signal<In, Clock>,
    reset: Signal<In, Bit>,
    pause: Signal<In, Bit>,
    state: Signal<Out, Bits<3>>,
    mmio_valid: Signal<In, Bit>,
    mmio_write: Signal<In, Bit>,
    mmio_addr: Signal<In, Bits<10>>,
    mmio_tid: Signal<In, Bits<9>>,
    mmio_wdata: Signal<In, Bits<64>>,
    mmio_rsp_valid: Signal<Out, Bit>,
    mmio_rsp_tid: Signal<Out, Bits<9>>,
    mmio_rsp_data: Signal<Out, Bits<64>>,
    c0_almfull: Signal<In, Bit>,
    c1_almfull: Signal<In, Bit>,
    rd_req_valid: Signal<Out, Bit>,
    rd_req_addr: Signal<Out, Bits<42>>,
    rd_req_cl_len: Signal<Out, Bits<2>>,
    rd_req_mdata: Signal<Out, Bits<16>>,
    rd_rsp_valid: Signal<In, Bit>,
    rd_rsp_mdata: Signal<In, Bits<16>>,
    rd_rsp_cl_num: Signal<In, Bits<2>>,
    rd_rsp_data: Signal<In, Bits<512>>,
    wr_req_valid: Signal<Out, Bit>,
    wr_req_addr: Signal<Out, Bits<42>>,
    wr_req_cl_len: Signal<Out, Bits<2>>,
    wr_req_sop: Signal<Out, Bit>,
    wr_req_mdata: Signal<Out, Bits<16>>,
    wr_req_data: Signal<Out, Bits<512>>,
    wr_rsp_valid: Signal<In, Bit>,
    wr_rsp_mdata: Signal<In, Bits<16>>,
}

impl Logic for Puppet {
    fn update(&mut self) {}
}

slot_accel!(Puppet);

fn puppet(cfg: HostCfg) -> Host<Puppet> {
    Host::new(Puppet::default(), cfg)
}

/// Presents a read (or nothing) for one cycle, and records the read responses seen.
fn puppet_read(h: &mut Host<Puppet>, req: Option<(u64, u64, u64)>, got: &mut Vec<(u64, u64, u64)>) {
    h.dut.rd_req_valid.next = req.is_some();
    if let Some((addr, cl, mdata)) = req {
        h.dut.rd_req_addr.next = addr.to_bits();
        h.dut.rd_req_cl_len.next = cl.to_bits();
        h.dut.rd_req_mdata.next = mdata.to_bits();
    }
    h.step();
    if h.dut.rd_rsp_valid.val() {
        let d = accel_host::from_bits512(h.dut.rd_rsp_data.val());
        let m = h.dut.rd_rsp_mdata.val().to_u64();
        let n = h.dut.rd_rsp_cl_num.val().to_u64();
        got.push((m, n, d[0]));
    }
}

#[test]
fn host_answers_every_read_line_out_of_order_with_its_data() {
    let mut h = puppet(HostCfg::default());
    let mut got = Vec::new();
    let reqs = [(0x100, 3, 1), (0x40, 0, 2), (0x42, 1, 3), (0x200, 3, 4)];
    for &r in &reqs {
        puppet_read(&mut h, Some(r), &mut got);
    }
    for _ in 0..60 {
        puppet_read(&mut h, None, &mut got);
    }
    let mut want = Vec::new();
    for &(addr, cl, mdata) in &reqs {
        for n in 0..=cl {
            want.push((mdata, n, accel_host::fill(addr + n)[0]));
        }
    }
    assert_ne!(got, want, "responses come out of order");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(h.idle());
}

#[test]
#[should_panic(expected = "not aligned")]
fn host_rejects_a_misaligned_read() {
    let mut h = puppet(HostCfg::default());
    puppet_read(&mut h, Some((0x41, 1, 0)), &mut Vec::new());
}

#[test]
#[should_panic(expected = "more than 8 beats")]
fn host_rejects_a_ninth_beat_after_almfull() {
    let mut h = puppet(HostCfg {
        almfull_pct: 100,
        ..HostCfg::default()
    });
    for _ in 0..40 {
        puppet_read(&mut h, Some((0, 0, 0)), &mut Vec::new());
    }
}

#[test]
fn host_writes_packets_and_acknowledges_each_once() {
    let mut h = puppet(HostCfg::default());
    for (base, cl, mdata) in [(0x80u64, 3u64, 5u64), (0x10, 1, 6), (0x7, 0, 7)] {
        for n in 0..=cl {
            h.dut.wr_req_valid.next = true;
            h.dut.wr_req_addr.next = (base + n).to_bits();
            h.dut.wr_req_cl_len.next = cl.to_bits();
            h.dut.wr_req_sop.next = n == 0;
            h.dut.wr_req_mdata.next = mdata.to_bits();
            h.dut.wr_req_data.next = accel_host::to_bits512(&[base + n; 8]);
            h.step();
        }
    }
    h.dut.wr_req_valid.next = false;
    h.run(40);
    assert_eq!(h.wr_acked, 3);
    assert_eq!(h.line(0x83), [0x83; 8]);
    assert_eq!(h.line(0x7), [0x7; 8]);
    assert_eq!(
        h.wr_log,
        vec![
            (h.wr_log[0].0, 0x80, 3),
            (h.wr_log[0].0 + 4, 0x10, 1),
            (h.wr_log[0].0 + 6, 0x7, 0)
        ]
    );
    assert!(h.idle());
}
