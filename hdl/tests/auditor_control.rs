//! rust-hdl simulations of the per-slot auditor's control side (`shared/design.md` §3, §5):
//! gate, slot reset and drain, completion of partly sent writes, counters, host almfull.

#[allow(dead_code)]
mod auditor_bench;

use auditor_bench::{Beat, Bench, RdRsp, host_line};

const BASE: u64 = 0x40_0000;

#[test]
fn gate_holds_new_requests_and_releases_them() {
    let mut b = Bench::new(BASE, 64);
    b.host_delay = 20;
    b.read(0, 0, 1); // in flight when the gate rises: its response must still arrive
    b.run(4);
    b.a.gate.next = true;
    b.run(2);
    assert!(
        b.a.acc_c0_almfull.val() && b.a.acc_c1_almfull.val(),
        "gate raises almfull"
    );
    b.acc_ignores_almfull = true; // the accelerator's 8-beat slack
    b.read(4, 1, 2);
    b.write(8, 0, 3, 0);
    b.read(300, 0, 4); // faulting: not processed either while gated
    b.run(40);
    assert_eq!(
        b.up_rd.len(),
        1,
        "only the read issued before the gate left"
    );
    assert!(b.up_wr.is_empty());
    assert_eq!(b.acc_rd_rsp.len(), 1, "responses still flow under the gate");
    assert_eq!(b.fault(), (false, false, 0, 0));
    assert_eq!(b.outstanding(), (0, 0));
    assert!(!b.a.drained.val(), "held requests are not drained");
    b.a.gate.next = false;
    b.run(40);
    assert_eq!(
        b.up_rd.iter().map(|r| r.1.mdata).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(b.up_wr.len(), 1);
    assert!(b.fault().0, "the faulting read was taken after the release");
    assert!(b.a.drained.val());
}

#[test]
fn requests_queued_before_the_gate_still_leave() {
    let mut b = Bench::new(BASE, 64);
    b.host_c0_af = true; // the host holds reads back: they queue in the auditor
    b.read(0, 0, 1);
    b.read(4, 0, 2);
    b.run(6);
    assert!(b.up_rd.is_empty());
    b.a.gate.next = true;
    b.run(2);
    b.acc_ignores_almfull = true;
    b.read(8, 0, 3); // after the gate: held
    b.host_c0_af = false;
    b.run(30);
    assert_eq!(
        b.up_rd.iter().map(|r| r.1.mdata).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert!(!b.a.drained.val());
    b.a.gate.next = false;
    b.run(20);
    assert_eq!(b.up_rd.len(), 3);
    assert!(b.a.drained.val());
}

#[test]
fn slot_reset_drains_and_swallows_old_responses() {
    let mut b = Bench::new(BASE, 64);
    b.host_delay = 30;
    b.read(0, 3, 1);
    b.write(8, 1, 2, 0);
    b.run(6);
    assert_eq!(b.outstanding(), (4, 1));
    b.a.slot_reset.next = true;
    let reset_at = b.now;
    b.run(3);
    assert!(b.a.in_reset.val());
    b.a.slot_reset.next = false;
    b.read(16, 0, 3); // issued by the accelerator while the slot drains: waits
    b.run(5);
    assert!(b.a.in_reset.val(), "still draining");
    assert!(b.up_rd.len() == 1, "new request held while draining");
    b.run_until(60, "drain", |b| !b.a.in_reset.val());
    assert_eq!(b.outstanding(), (0, 0), "in_reset falls only when drained");
    assert!(
        b.acc_rd_rsp.iter().all(|r| r.0 <= reset_at),
        "old read responses swallowed"
    );
    assert!(
        b.acc_wr_rsp.iter().all(|r| r.0 <= reset_at),
        "old write responses swallowed"
    );
    b.run(50);
    assert_eq!(b.up_rd.len(), 2, "the held read goes after the drain");
    let after: Vec<RdRsp> = b
        .acc_rd_rsp
        .iter()
        .filter(|r| r.0 > reset_at)
        .map(|r| r.1)
        .collect();
    assert_eq!(
        after,
        vec![RdRsp {
            mdata: 3,
            cl_num: 0,
            data: Some(host_line(BASE + 16))
        }]
    );
    assert_eq!(b.counters(), (5, 2), "counters survive the slot reset");
}

#[test]
fn partly_sent_write_is_completed_on_slot_reset() {
    let mut b = Bench::new(BASE, 64);
    b.host_delay = 10;
    b.write(8, 3, 0x44, 500);
    b.acc_wr.truncate(2); // the accelerator stops after two of four beats
    b.run(6);
    assert_eq!(b.up_wr.len(), 2);
    b.a.slot_reset.next = true;
    b.run(4);
    b.a.slot_reset.next = false;
    b.run_until(40, "drain", |b| !b.a.in_reset.val());
    let sent: Vec<Beat> = b.up_wr.iter().map(|&(_, w)| w).collect();
    assert_eq!(sent.len(), 4, "the host sees the whole packet");
    for (i, w) in sent.iter().enumerate() {
        assert_eq!(
            (w.addr, w.cl, w.sop, w.mdata),
            (BASE + 8 + i as u64, 3, i == 0, 0x44)
        );
    }
    assert_eq!(
        (sent[0].data, sent[1].data),
        (500, 501),
        "sent beats intact"
    );
    assert_eq!(
        (sent[2].data, sent[3].data),
        (0, 0),
        "completion beats carry zeros"
    );
    assert!(b.acc_wr_rsp.is_empty(), "its response is swallowed");
    assert_eq!(b.outstanding(), (0, 0));
    assert_eq!(b.counters(), (0, 4), "completion beats count in WR_LINES");
}

#[test]
fn counters_and_faults_survive_slot_reset_and_clear_on_shell_reset() {
    let mut b = Bench::new(BASE, 8);
    b.read(0, 3, 1);
    b.write(0, 1, 2, 0);
    b.read(8, 0, 3);
    b.run(20);
    assert_eq!(b.counters(), (4, 2));
    b.a.slot_reset.next = true;
    b.run(3);
    b.a.slot_reset.next = false;
    b.run(5);
    assert_eq!(b.counters(), (4, 2));
    assert_eq!(b.fault(), (true, false, 1, 8));
    b.a.reset.next = true;
    b.run(3);
    b.a.reset.next = false;
    b.run(2);
    assert_eq!(b.counters(), (0, 0));
    assert_eq!(b.fault(), (false, false, 0, 0));
    assert!(!b.a.in_reset.val() && b.a.drained.val());
}

#[test]
fn host_almfull_is_obeyed_and_nothing_is_lost() {
    let mut b = Bench::new(BASE, 1024);
    for i in 0..12 {
        b.read(4 * i, 0, i);
    }
    b.run(3);
    b.host_c0_af = true;
    let seen = b.now;
    b.run(20);
    let late = b.up_rd.iter().filter(|r| r.0 > seen).count();
    assert!(late <= 8, "{late} reads after almfull");
    b.host_c0_af = false;
    b.run(30);
    assert_eq!(
        b.up_rd.iter().map(|r| r.1.mdata).collect::<Vec<_>>(),
        (0..12).collect::<Vec<_>>()
    );
}

#[test]
fn almfull_slack_is_never_lost_while_held() {
    // The host holds reads back and the gate holds writes: both queues fill while the
    // accelerator uses every beat of slack it is allowed. Nothing may be dropped.
    let mut b = Bench::new(BASE, 1 << 20);
    b.acc_uses_slack = true;
    b.host_c0_af = true;
    for i in 0..40 {
        b.read(4 * i, 0, i);
    }
    b.a.gate.next = true;
    b.run(2);
    b.a.gate.next = false;
    b.host_c1_af = true;
    for i in 0..12 {
        b.write(16 * i, 3, i, 100 * i);
    }
    b.run(60);
    let held = b.presented_rd.len();
    assert!(
        held > 8,
        "the accelerator used its slack: {held} reads presented"
    );
    b.host_c0_af = false;
    b.host_c1_af = false;
    b.run(200);
    let mdatas: Vec<u64> = b.up_rd.iter().map(|r| r.1.mdata).collect();
    assert_eq!(
        mdatas,
        (0..40).collect::<Vec<_>>(),
        "every read arrives, in order"
    );
    assert_eq!(b.up_wr.len(), 48, "every write beat arrives");
    assert!(b.a.drained.val());
}
