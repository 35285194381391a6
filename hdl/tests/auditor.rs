//! rust-hdl simulations of the per-slot auditor (`shared/design.md` §3): translation, bounds
//! faults and their answers, FAULT registers, write framing. Control side: `auditor_control.rs`.

#[allow(dead_code)]
mod auditor_bench;

use auditor_bench::{Beat, Bench, Rd, RdRsp, host_line, lines};

const TOP: u64 = 1 << 42;
const BASE: u64 = 0x40_0000;

#[test]
fn in_range_reads_are_translated_and_answered_with_their_mdata() {
    // Low base bits are ignored: 0x40_0003 acts as 0x40_0000.
    let mut b = Bench::new(BASE | 3, 64);
    let reqs = [(0, 0, 0x11), (4, 1, 0x22), (8, 3, 0x33), (60, 3, 0x1ff)];
    for &(addr, cl, mdata) in &reqs {
        b.read(addr, cl, mdata);
    }
    b.run(30);
    let sent: Vec<Rd> = b.up_rd.iter().map(|&(_, r)| r).collect();
    let want: Vec<Rd> = reqs
        .iter()
        .map(|&(addr, cl, mdata)| Rd {
            addr: BASE + addr,
            cl,
            mdata,
        })
        .collect();
    assert_eq!(sent, want, "IOVA = base + addr, cl_len and mdata unchanged");
    // Two cycles from the accelerator to the leaf.
    for (p, u) in b.presented_rd.iter().zip(&b.up_rd) {
        assert_eq!(u.0, p.0 + 2, "request latency");
    }
    for &(addr, cl, mdata) in &reqs {
        let mut got: Vec<RdRsp> = b
            .acc_rd_rsp
            .iter()
            .map(|&(_, r)| r)
            .filter(|r| r.mdata == mdata)
            .collect();
        got.sort_by_key(|r| r.cl_num);
        let want: Vec<RdRsp> = (0..lines(cl))
            .map(|i| RdRsp {
                mdata,
                cl_num: i,
                data: Some(host_line(BASE + addr + i)),
            })
            .collect();
        assert_eq!(got, want, "responses of the read at {addr}");
    }
    assert_eq!(b.counters().0, 1 + 2 + 4 + 4);
    assert_eq!(b.outstanding(), (0, 0));
    assert!(b.a.drained.val());
    assert_eq!(b.fault(), (false, false, 0, 0));
}

#[test]
fn in_range_writes_are_translated_with_data_intact() {
    let mut b = Bench::new(BASE, 64);
    b.write(3, 0, 0x7, 100);
    b.write(8, 3, 0x8, 200);
    b.write(60, 1, 0x9, 300);
    b.run(30);
    let sent: Vec<Beat> = b.up_wr.iter().map(|&(_, w)| w).collect();
    let mut want = Vec::new();
    for &(addr, cl, mdata, seed) in &[(3, 0, 7, 100), (8, 3, 8, 200), (60, 1, 9, 300)] {
        for i in 0..lines(cl) {
            want.push(Beat {
                addr: BASE + addr + i,
                cl,
                sop: i == 0,
                mdata,
                data: seed + i,
            });
        }
    }
    assert_eq!(sent, want);
    let rsps: Vec<u64> = b.acc_wr_rsp.iter().map(|&(_, m)| m).collect();
    assert_eq!(
        rsps,
        vec![7, 8, 9],
        "one write response per request, mdata unchanged"
    );
    assert_eq!(b.counters(), (0, 7));
    assert_eq!(b.outstanding(), (0, 0));
    assert!(b.a.drained.val());
}

/// (limit, addr, cl_len, first out-of-range line); the last one (illegal length) reports addr.
const OUT_OF_RANGE: &[(u64, u64, u64, u64, &str)] = &[
    (16, 16, 0, 16, "first line out"),
    (18, 16, 3, 18, "last lines out"),
    (19, 16, 3, 19, "only the last line out"),
    (0, 0, 0, 0, "limit 0"),
    (TOP - 1, TOP - 2, 3, TOP - 1, "addr + lines wraps past 2^42"),
    (TOP - 1, TOP - 1, 0, TOP - 1, "last line of the space"),
    (64, 1000, 1, 1000, "far out"),
    (64, 8, 2, 8, "illegal length 2 (3 lines)"),
];

#[test]
fn out_of_range_reads_never_reach_the_host_and_get_all_ones() {
    for &(limit, addr, cl, line, what) in OUT_OF_RANGE {
        let mut b = Bench::new(BASE, limit);
        b.read(addr, cl, 0x5c);
        b.run(20);
        assert!(
            b.up_rd.is_empty(),
            "{what}: reached the host: {:?}",
            b.up_rd
        );
        let mut got: Vec<RdRsp> = b.acc_rd_rsp.iter().map(|&(_, r)| r).collect();
        got.sort_by_key(|r| r.cl_num);
        let want: Vec<RdRsp> = (0..lines(cl))
            .map(|i| RdRsp {
                mdata: 0x5c,
                cl_num: i,
                data: None,
            })
            .collect();
        assert_eq!(got, want, "{what}: all-ones answers");
        assert_eq!(
            b.fault(),
            (true, false, 1, line),
            "{what}: FAULT, count, FAULT_ADDR"
        );
        assert_eq!(b.counters(), (0, 0), "{what}");
        assert!(b.a.drained.val(), "{what}");
    }
}

#[test]
fn out_of_range_writes_are_dropped_and_acknowledged_once() {
    for &(limit, addr, cl, line, what) in OUT_OF_RANGE {
        let mut b = Bench::new(BASE, limit);
        b.write(addr, cl, 0x6d, 1);
        b.run(20);
        assert!(
            b.up_wr.is_empty(),
            "{what}: reached the host: {:?}",
            b.up_wr
        );
        assert_eq!(b.acc_wr_rsp.len(), 1, "{what}: one write response");
        let (at, mdata) = b.acc_wr_rsp[0];
        assert_eq!(mdata, 0x6d, "{what}");
        assert!(
            at > b.presented_wr.last().unwrap().0,
            "{what}: answered after the last beat"
        );
        assert_eq!(
            b.fault(),
            (false, true, 1, line),
            "{what}: FAULT, count, FAULT_ADDR"
        );
        assert_eq!(b.counters(), (0, 0), "{what}");
    }
}

#[test]
fn limit_exactly_at_the_end_is_in_range() {
    for &(limit, addr, cl) in &[
        (20, 16, 3),
        (17, 16, 0),
        (TOP - 1, TOP - 5, 3),
        (TOP - 1, TOP - 2, 0),
    ] {
        let mut b = Bench::new(0, limit);
        b.read(addr, cl, 1);
        b.write(addr, cl, 2, 0);
        b.run(20);
        assert_eq!(b.up_rd.len(), 1, "read {addr:#x}+{cl} in {limit:#x}");
        assert_eq!(
            b.up_wr.len() as u64,
            lines(cl),
            "write {addr:#x}+{cl} in {limit:#x}"
        );
        assert_eq!(b.fault(), (false, false, 0, 0));
    }
}

#[test]
fn fault_addr_keeps_the_first_fault_until_both_bits_are_clear() {
    let mut b = Bench::new(BASE, 32);
    b.read(40, 0, 1);
    b.run(8);
    b.write(30, 3, 2, 0); // lines 30..33: first out is 32
    b.run(10);
    assert_eq!(b.fault(), (true, true, 2, 40), "first fault kept");
    b.clear_faults(true, false, false);
    b.read(50, 0, 3);
    b.run(8);
    assert_eq!(
        b.fault(),
        (true, true, 3, 40),
        "write bit still set: not re-armed"
    );
    b.clear_faults(true, true, true);
    assert_eq!(
        b.fault(),
        (false, false, 0, 40),
        "cleared; FAULT_ADDR keeps its value"
    );
    b.write(100, 0, 4, 0);
    b.run(8);
    assert_eq!(
        b.fault(),
        (false, true, 1, 100),
        "re-armed after both bits were clear"
    );
    // In range traffic after all this is unaffected.
    b.read(0, 3, 5);
    b.run(15);
    assert_eq!(b.up_rd.len(), 1);
}

#[test]
fn write_framing_ignores_later_beats_addresses_and_sop() {
    let mut b = Bench::new(BASE, 64);
    b.write(60, 3, 0x21, 10); // lines 60..63: in range
    // A buggy accelerator: later beats claim lines far outside and set sop again.
    b.acc_wr[1].addr = 1 << 40;
    b.acc_wr[2].sop = true;
    b.acc_wr[3].addr = TOP - 1;
    b.run(20);
    let sent: Vec<(u64, bool)> = b.up_wr.iter().map(|&(_, w)| (w.addr, w.sop)).collect();
    let want: Vec<(u64, bool)> = (0..4).map(|i| (BASE + 60 + i, i == 0)).collect();
    assert_eq!(sent, want, "addresses come from the checked first beat");
    assert_eq!(b.fault(), (false, false, 0, 0));
}

#[test]
fn simultaneous_faults_count_twice_and_the_read_sets_fault_addr() {
    let mut b = Bench::new(BASE, 16);
    b.read(20, 0, 1);
    b.write(30, 0, 2, 0);
    b.run(10);
    assert_eq!(
        b.presented_rd[0].0, b.presented_wr[0].0,
        "presented in the same cycle"
    );
    assert_eq!(b.fault(), (true, true, 2, 20));
}

#[test]
fn fault_count_saturates() {
    let mut b = Bench::new(BASE, 0);
    for i in 0..0x8001 {
        b.read(0, 0, i & 0xff);
        b.write(0, 0, i & 0xff, 0);
    }
    b.run_until(0x9000, "saturation", |b| b.fault().2 == 0xffff);
    b.run(40);
    assert_eq!(b.fault().2, 0xffff, "stays at 0xffff");
    assert!(b.up_rd.is_empty() && b.up_wr.is_empty());
    b.clear_faults(false, false, true);
    assert_eq!(b.fault().2, 0, "bit 63 clears the count");
}
