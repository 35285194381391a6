//! rust-hdl simulations of LinkedList (docs/linked-list.md) inside `accel_host`: random chains
//! against a Rust reference walk, MAX_NODES on a cycle, all-ones (faulting) answers, one read
//! in flight, the per-node timing, pause/resume at random points (also across a block reset
//! and with the snapshot moved), and pause ignored when not running.

#[macro_use]
#[allow(dead_code)]
mod accel_host;

use accel_host::{Host, HostCfg, Line, mix};
use optimus_hdl::accel::linked_list::LinkedList;
use optimus_regs::accel::{AccelReg, Ctl, State};
use optimus_regs::linked_list::{ACCEL_ID, LinkedListReg as R, STATE_SIZE, node, snapshot as snap};

slot_accel!(LinkedList);

/// Nodes live in lines `[BUF, BUF + SPAN)`; snapshots at [`SNAP_A`] or [`SNAP_B`] (bytes).
const BUF: u64 = 0x400;
const SPAN: u64 = 256;
const SNAP_A: u64 = 0x40 * 64;
const SNAP_B: u64 = 0x3c0 * 64 + 0x15; // low bits ignored
const IDLE: u64 = State::Idle as u64;
const RUNNING: u64 = State::Running as u64;
const FINISHED: u64 = State::Finished as u64;
const PAUSED: u64 = State::Paused as u64;

type Bench = Host<LinkedList>;

fn bench(seed: u64) -> Bench {
    bench_with(seed, (2, 12), 0)
}

/// A bench with read latency range `rd_lat` and almfull rising with `almfull_pct`% per cycle.
fn bench_with(seed: u64, rd_lat: (u64, u64), almfull_pct: u64) -> Bench {
    let cfg = HostCfg {
        seed,
        limit: 1 << 16,
        rd_lat,
        wr_lat: (2, 12),
        almfull_pct,
    };
    Host::new(LinkedList::default(), cfg)
}

/// What a finished walk reports: (SUM, NODES, LAST_ADDR).
type Result3 = (u64, u64, u64);

/// The reference walk from `head` (a valid, non-zero HEAD_ADDR) over `h`'s memory.
fn reference(h: &Bench, head: u64, max: u64) -> Result3 {
    let (mut sum, mut nodes, mut last, mut cur) = (0u64, 0u64, 0u64, Some(head));
    while let Some(a) = cur {
        let l = h.line(a / 64);
        sum = sum.wrapping_add(l[node::VALUE_WORD]);
        nodes += 1;
        last = a;
        cur = node::follow(l[node::NEXT_WORD]);
        if max != 0 && nodes >= max {
            break;
        }
    }
    (sum, nodes, last)
}

/// A random chain of `len` nodes at distinct random lines of the buffer; next pointers carry
/// random low-bit garbage (ignored), the last one ends with 0 or a value below 64. Returns
/// HEAD_ADDR (0 for an empty chain).
fn chain(h: &mut Bench, rng: &mut u64, len: usize) -> u64 {
    let mut lines: Vec<u64> = (BUF..BUF + SPAN).collect();
    for i in (1..lines.len()).rev() {
        *rng = mix(*rng);
        lines.swap(i, (*rng % (i as u64 + 1)) as usize);
    }
    for k in 0..len {
        *rng = mix(*rng);
        let mut l: Line = std::array::from_fn(|w| mix(*rng ^ w as u64));
        l[node::NEXT_WORD] = match k + 1 < len {
            true => (lines[k + 1] * 64) | (*rng >> 58),
            false => *rng >> 58,
        };
        h.mem.insert(lines[k], l);
    }
    if len == 0 { 0 } else { lines[0] * 64 }
}

fn write(h: &mut Bench, r: R, v: u64) {
    h.mmio_write(r.offset(), v);
}

fn read(h: &mut Bench, r: R) -> u64 {
    h.mmio_read(r.offset())
}

fn ctl(h: &mut Bench, c: Ctl) {
    h.mmio_write(AccelReg::Ctl.offset(), c as u64);
}

fn results(h: &mut Bench) -> Result3 {
    (read(h, R::Sum), read(h, R::Nodes), read(h, R::LastAddr))
}

/// Read requests issued minus lines answered: LinkedList's reads in flight.
fn in_flight(h: &Bench) -> u64 {
    h.rd_log.len() as u64 - h.rd_lines_returned
}

/// One cycle, checking that at most one read is in flight.
fn step(h: &mut Bench) {
    h.step();
    assert!(in_flight(h) <= 1, "cycle {}: two reads in flight", h.now);
}

fn until(h: &mut Bench, state: u64, limit: u64) {
    for _ in 0..limit {
        if h.state() == state {
            return;
        }
        step(h);
    }
    panic!(
        "state {} instead of {state} after {limit} cycles",
        h.state()
    );
}

/// Programs and starts a job; returns once STATE shows the command (2 cycles later).
fn start(h: &mut Bench, head: u64, max: u64) {
    write(h, R::HeadAddr, head);
    write(h, R::MaxNodes, max);
    ctl(h, Ctl::StartNew);
    step(h);
    step(h);
}

#[test]
fn random_chains_match_the_reference_walk() {
    random_chains(bench(3), 7);
}

#[test]
fn random_chains_under_almfull_match_the_reference_walk() {
    random_chains(bench_with(4, (2, 12), 30), 8);
}

fn random_chains(mut h: Bench, mut rng: u64) {
    let h = &mut h;
    assert_eq!(h.mmio_read(AccelReg::AccelIdL.offset()), ACCEL_ID[0]);
    assert_eq!(h.mmio_read(AccelReg::AccelIdH.offset()), ACCEL_ID[1]);
    assert_eq!(h.mmio_read(AccelReg::StateSize.offset()), STATE_SIZE);
    for len in [0, 1, 2, 5, 13, 31, 50] {
        let head = chain(h, &mut rng, len);
        start(h, head, 0);
        until(h, FINISHED, 40 * 50);
        let want = if len == 0 {
            (0, 0, 0)
        } else {
            reference(h, head, 0)
        };
        assert_eq!(want.1, len as u64);
        assert_eq!(results(h), want, "chain of {len}");
        assert_eq!(read(h, R::HeadAddr), head, "HEAD_ADDR reads back");
        assert!(h.idle() && in_flight(h) == 0);
    }
    assert!(h.wr_log.is_empty(), "no write without a pause");
}

#[test]
fn one_read_in_flight_and_one_cycle_between_answer_and_next_read() {
    let (mut rng, mut h) = (11, bench(5));
    let head = chain(&mut h, &mut rng, 40);
    write(&mut h, R::HeadAddr, head);
    ctl(&mut h, Ctl::StartNew);
    let mut answers = Vec::new();
    step(&mut h);
    while h.state() != FINISHED {
        let before = h.rd_lines_returned;
        step(&mut h);
        if h.rd_lines_returned > before {
            answers.push(h.now - 1);
        }
        assert!(h.now < 20_000);
    }
    let reqs: Vec<u64> = h.rd_log.iter().map(|r| r.0).collect();
    assert_eq!((reqs.len(), answers.len()), (40, 40));
    for k in 1..40 {
        assert_eq!(
            reqs[k],
            answers[k - 1] + 1,
            "node {k} read right after the answer"
        );
    }
    // CYCLES: from the cycle before the first read to the last answer, both included.
    assert_eq!(read(&mut h, R::Cycles), answers[39] - reqs[0] + 2);
    assert!(h.rd_log.iter().all(|r| r.2 == 0), "one line each");
}

#[test]
fn a_node_costs_the_read_latency_plus_one_cycle() {
    for lat in [2, 7, 20] {
        let (mut rng, mut h) = (lat, bench_with(lat, (lat, lat), 0));
        let head = chain(&mut h, &mut rng, 10);
        start(&mut h, head, 0);
        until(&mut h, FINISHED, 40 * 10);
        assert_eq!(read(&mut h, R::Cycles), 10 * (lat + 1) + 1, "latency {lat}");
    }
}

#[test]
fn invalid_head_stays_idle_and_empty_list_finishes_at_once() {
    let mut h = bench(9);
    for bad in [0x40_0008, 1 << 48, 0x3f] {
        start(&mut h, bad, 0);
        h.run(20);
        assert_eq!(h.state(), IDLE, "HEAD_ADDR {bad:#x}");
    }
    start(&mut h, 0, 0);
    h.run(3);
    assert_eq!(h.state(), FINISHED);
    assert_eq!(results(&mut h), (0, 0, 0));
    assert_eq!(read(&mut h, R::Cycles), 0);
    assert!(h.rd_log.is_empty());
}

#[test]
fn max_nodes_stops_a_cyclic_list() {
    let (mut rng, mut h) = (21, bench(13));
    let head = chain(&mut h, &mut rng, 9);
    // Close the loop: the last node points back to the third.
    let mut addr = head;
    let mut third = 0;
    for k in 0..8 {
        addr = node::follow(h.line(addr / 64)[node::NEXT_WORD]).unwrap();
        if k == 1 {
            third = addr;
        }
    }
    h.mem.get_mut(&(addr / 64)).unwrap()[node::NEXT_WORD] = third;
    for max in [1, 9, 10, 37] {
        start(&mut h, head, max);
        until(&mut h, FINISHED, 40 * max);
        let want = reference(&h, head, max);
        assert_eq!(want.1, max);
        assert_eq!(results(&mut h), want, "MAX_NODES {max}");
    }
}

#[test]
fn an_all_ones_answer_ends_the_walk_after_counting_that_node() {
    let (mut rng, mut h) = (31, bench(17));
    let head = chain(&mut h, &mut rng, 12);
    let mut addr = head;
    for _ in 0..6 {
        addr = node::follow(h.line(addr / 64)[node::NEXT_WORD]).unwrap();
    }
    h.mem.insert(addr / 64, [u64::MAX; 8]); // what the auditor answers for a faulting read
    for (max, nodes) in [(0, 7), (100, 7), (4, 4)] {
        start(&mut h, head, max);
        until(&mut h, FINISHED, 40 * 12);
        let got = results(&mut h);
        assert_eq!(got, reference(&h, head, max));
        assert_eq!(got.1, nodes, "MAX_NODES {max}");
        if nodes == 7 {
            assert_eq!(got.2, addr, "LAST_ADDR is the faulting node");
        }
    }
}

/// The snapshot line at byte address `at`, checked against the reference walk's prefix.
fn check_snapshot(h: &Bench, at: u64, head: u64) {
    let s = h.line(at / 64);
    assert_eq!(s[snap::MAGIC_WORD], snap::MAGIC);
    let n = s[snap::NODES_WORD];
    let (sum, nodes, last) = reference(h, head, n);
    assert_eq!(
        (s[snap::SUM_WORD], n, s[snap::LAST_ADDR_WORD]),
        (sum, nodes, last)
    );
    let next = match n {
        0 => head,
        _ => node::follow(h.line(last / 64)[node::NEXT_WORD]).unwrap(),
    };
    assert_eq!(
        s[snap::CUR_ADDR_WORD],
        next,
        "snapshot resumes at the next node"
    );
}

/// Pauses the running job after `after` cycles (by the port or by CTL), checks the pause
/// and the snapshot, optionally resets the block and moves the snapshot, and resumes.
/// Returns the variant exercised, `None` if the job had finished before.
fn pause_and_resume(h: &mut Bench, head: u64, max: u64, after: u64, variant: u64) -> Option<u64> {
    for _ in 0..after {
        step(h);
    }
    if h.state() != RUNNING {
        return None;
    }
    let writes = h.wr_log.len();
    if variant & 1 == 0 {
        h.pause();
    } else {
        ctl(h, Ctl::Pause);
    }
    until(h, PAUSED, 200);
    assert_eq!(h.wr_log.len(), writes + 1, "one snapshot write");
    assert!(
        h.idle() && in_flight(h) == 0,
        "paused with nothing in flight"
    );
    let sa = h.wr_log[writes].1 * 64;
    let reg = h.mmio_read(AccelReg::SnapshotAddr.offset());
    assert_eq!(sa, reg & !63, "snapshot at SNAPSHOT_ADDR, low bits ignored");
    check_snapshot(h, sa, head);
    let mut at = sa;
    if variant & 2 != 0 {
        h.reset(16);
        assert_eq!(h.state(), IDLE);
        assert_eq!(results(h), (0, 0, 0), "reset clears the results");
        write(h, R::HeadAddr, head);
        write(h, R::MaxNodes, max);
        let line = h.line(sa / 64);
        h.mem.insert(SNAP_B / 64, line);
        at = SNAP_B;
    }
    h.mmio_write(AccelReg::SnapshotAddr.offset(), at);
    ctl(h, Ctl::StartResume);
    step(h);
    step(h);
    assert_eq!(h.state(), RUNNING);
    Some(variant & 3)
}

#[test]
fn pause_at_random_points_then_resume_equals_an_uninterrupted_walk() {
    let (mut rng, mut h) = (41, bench_with(19, (2, 12), 10));
    let mut seen = Vec::new();
    for round in 0..4u64 {
        let len = 20 + (mix(rng) % 20) as usize;
        let head = chain(&mut h, &mut rng, len);
        let max = [0, 0, 15, 0][round as usize];
        let want = reference(&h, head, max);
        h.mmio_write(AccelReg::SnapshotAddr.offset(), SNAP_A);
        start(&mut h, head, max);
        for p in 0..3 {
            rng = mix(rng);
            seen.extend(pause_and_resume(&mut h, head, max, rng % 150, round + p));
        }
        until(&mut h, FINISHED, 40 * 50);
        assert_eq!(results(&mut h), want, "round {round}");
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, [0, 1, 2, 3], "every kind of pause happened");
}

#[test]
fn resume_of_a_foreign_or_missing_snapshot() {
    let (mut rng, mut h) = (51, bench(23));
    let head = chain(&mut h, &mut rng, 10);
    // A snapshot written by software, right after reset: continue at node 0 with SUM 5.
    let mut s: Line = [0; 8];
    s[snap::CUR_ADDR_WORD] = head;
    s[snap::SUM_WORD] = 5;
    s[snap::MAGIC_WORD] = snap::MAGIC;
    h.mem.insert(SNAP_A / 64, s);
    h.mmio_write(AccelReg::SnapshotAddr.offset(), SNAP_A);
    ctl(&mut h, Ctl::StartResume);
    h.run(2);
    until(&mut h, FINISHED, 40 * 12);
    let (sum, nodes, last) = reference(&h, head, 0);
    assert_eq!(results(&mut h), (sum.wrapping_add(5), nodes, last));
    // All ones (a faulting read) is not a snapshot: idle, nothing walked.
    h.mem.insert(SNAP_A / 64, [u64::MAX; 8]);
    let reads = h.rd_log.len();
    ctl(&mut h, Ctl::StartResume);
    h.run(40);
    assert_eq!(h.state(), IDLE);
    assert_eq!(h.rd_log.len(), reads + 1, "only the snapshot was read");
    assert_eq!(results(&mut h), (0, 0, 0));
}

#[test]
fn pause_is_ignored_when_idle_finished_or_paused() {
    let (mut rng, mut h) = (61, bench(29));
    h.pause();
    ctl(&mut h, Ctl::Pause);
    h.run(20);
    assert_eq!(h.state(), IDLE);
    let head = chain(&mut h, &mut rng, 3);
    start(&mut h, head, 0);
    until(&mut h, FINISHED, 200);
    h.pause();
    h.run(20);
    assert_eq!(h.state(), FINISHED);
    assert!(h.wr_log.is_empty(), "no snapshot when not running");
    let head = chain(&mut h, &mut rng, 30);
    start(&mut h, head, 0);
    h.run(30);
    h.pause();
    until(&mut h, PAUSED, 200);
    h.pause();
    ctl(&mut h, Ctl::Pause);
    h.run(20);
    assert_eq!(
        (h.state(), h.wr_log.len()),
        (PAUSED, 1),
        "one snapshot only"
    );
    // Paused takes START_NEW: the job starts over.
    start(&mut h, head, 0);
    until(&mut h, FINISHED, 40 * 30);
    assert_eq!(results(&mut h), reference(&h, head, 0));
}
