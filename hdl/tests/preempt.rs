//! rust-hdl simulations of the per-slot preemption controller (`shared/design.md` §5) against
//! a scripted accelerator and auditor. Every cycle of every test is also compared with the
//! Rust reference model of the bench; the directed tests check the documented cycles.

#[allow(dead_code)]
mod preempt_bench;

use optimus_regs::accel::{CTL_VISIBLE_CYCLES, State};
use preempt_bench::{Acc, Bench};

const T: u32 = 40;

#[test]
fn request_gives_one_pause_pulse_and_sets_requested_next_cycle() {
    let mut b = Bench::new(Acc::PausesAfter(5), T);
    assert!(!b.last().requested && !b.last().gate);
    let t = b.request();
    b.run(30);
    assert_eq!(b.pauses, vec![t + 1], "exactly one pause pulse, in t + 1");
    assert_eq!(b.first(0, |o| o.requested), Some(t + 1));
    assert!(b.last().requested && b.last().paused && b.last().gate);
    assert!(!b.last().timed_out);
}

#[test]
fn double_request_gives_one_pulse_and_does_not_restart_the_deadline() {
    let mut b = Bench::new(Acc::Ignores, T);
    let t = b.request();
    b.run(10);
    b.request();
    b.request();
    b.run(60);
    assert_eq!(b.pauses, vec![t + 1]);
    assert_eq!(
        b.first(0, |o| o.timed_out),
        Some(t + u64::from(T) + 1),
        "deadline counted from the first request"
    );
}

#[test]
fn paused_and_gate_follow_the_accelerator_not_before() {
    let mut b = Bench::new(Acc::PausesAfter(12), T);
    let t = b.request();
    b.run(30);
    // The accelerator saw the pulse at the end of t + 1 and reports paused from t + 14.
    let s = t + 2 + 12;
    assert_eq!(b.paused_from, Some(s));
    assert_eq!(
        b.first(0, |o| o.paused),
        Some(s + 1),
        "paused one cycle after STATE"
    );
    assert_eq!(
        b.first(0, |o| o.gate),
        Some(s + 1),
        "gate rises with paused"
    );
    assert!(
        (t + 1..s + 1).all(|c| !b.log[c as usize].gate),
        "no gate while the accelerator may still write its snapshot"
    );
}

#[test]
fn idle_finished_or_paused_accelerator_reports_paused_within_16_cycles() {
    for state in [State::Idle, State::Finished, State::Paused] {
        let mut b = Bench::new(Acc::Still(state as u64), T);
        let t = b.request();
        b.run(20);
        let p = b.first(0, |o| o.paused).expect("paused");
        assert_eq!(p, t + 2, "{state:?}: paused in t + 2");
        assert!(p - t <= CTL_VISIBLE_CYCLES);
        assert_eq!(b.first(0, |o| o.gate), Some(t + 2));
        assert!(!b.last().timed_out, "{state:?}: drained and paused in time");
    }
}

#[test]
fn timeout_fires_exactly_at_t_plus_timeout_plus_one() {
    for timeout in [0u32, 1, 2, 7, 33] {
        let mut b = Bench::new(Acc::Ignores, timeout);
        let t = b.request();
        b.run(u64::from(timeout) + 10);
        let want = t + u64::from(timeout.max(1)) + 1;
        assert_eq!(b.first(0, |o| o.timed_out), Some(want), "timeout {timeout}");
        assert_eq!(
            b.first(0, |o| o.gate),
            Some(want),
            "a timed-out slot is gated"
        );
        assert!(b.last().timed_out && b.last().requested && !b.last().paused);
    }
}

#[test]
fn paused_but_not_drained_times_out_and_drained_is_waited_for() {
    // Paused at t + 5 (gate too); drained comes at t + 20: in time for T = 20, late for 18.
    for (timeout, late) in [(20u32, false), (19, true), (18, true)] {
        let mut b = Bench::new(Acc::PausesAfter(2), timeout);
        b.drained_from = None;
        let t = b.request();
        b.drained_from = Some(t + 20);
        b.run(40);
        assert_eq!(b.first(0, |o| o.paused), Some(t + 5));
        let to = b.first(0, |o| o.timed_out);
        if late {
            assert_eq!(to, Some(t + u64::from(timeout) + 1), "T = {timeout}");
        } else {
            assert_eq!(to, None, "T = {timeout}: drained in the last cycle allowed");
        }
    }
}

#[test]
fn paused_in_the_last_allowed_cycle_is_in_time() {
    // STATE = paused from t + 2 + d; paused shows at t + 3 + d; with drained all along the
    // deadline is met iff t + 3 + d <= t + T.
    for (d, timeout, late) in [(10u64, 13u32, false), (10, 12, true)] {
        let mut b = Bench::new(Acc::PausesAfter(d), timeout);
        let t = b.request();
        b.run(40);
        let to = b.first(0, |o| o.timed_out);
        assert_eq!(
            to,
            late.then_some(t + u64::from(timeout) + 1),
            "d {d} T {timeout}"
        );
        assert!(b.last().paused && b.last().gate);
    }
}

#[test]
fn timed_out_is_sticky_even_if_the_accelerator_pauses_later() {
    let mut b = Bench::new(Acc::PausesAfter(30), 10);
    b.request();
    b.run(60);
    assert!(b.last().timed_out && b.last().paused && b.last().gate);
}

#[test]
fn release_clears_everything_and_a_new_request_starts_over() {
    let mut b = Bench::new(Acc::Ignores, 10);
    b.request();
    b.run(20);
    assert!(b.last().timed_out && b.last().gate);
    let r = b.release();
    b.run(3);
    let o = b.log[r as usize + 1];
    assert!(!o.requested && !o.paused && !o.timed_out && !o.gate && !o.pause);
    // A fresh request: a new pulse and a new deadline.
    b.acc = Acc::PausesAfter(3);
    let t = b.request();
    b.run(20);
    assert_eq!(b.pauses.len(), 2);
    assert_eq!(*b.pauses.last().unwrap(), t + 1);
    assert!(b.last().paused && !b.last().timed_out);
}

#[test]
fn shell_reset_and_slot_reset_clear_and_hold_clear() {
    for slot in [false, true] {
        let mut b = Bench::new(Acc::Ignores, 5);
        b.request();
        b.run(10);
        assert!(b.last().timed_out);
        let at = b.now;
        let hold = |b: &mut Bench, on: bool| match slot {
            true => b.slot_reset = on,
            false => b.reset = on,
        };
        hold(&mut b, true);
        b.run(3);
        b.request(); // ignored while in reset
        b.run(2);
        hold(&mut b, false);
        b.run(5);
        assert!(
            b.log[at as usize + 1..]
                .iter()
                .all(|o| *o == Default::default()),
            "slot_reset {slot}: every output clear from the cycle after"
        );
        assert_eq!(b.pauses.len(), 1);
    }
}

#[test]
fn random_scripts_match_the_reference_model() {
    // A small LCG so the test needs no dependency; every cycle is checked in `Bench::step`.
    let mut x: u64 = 0x1234_5678;
    let mut rnd = |n: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    let mut b = Bench::new(Acc::PausesAfter(4), 12);
    for _ in 0..1500 {
        match rnd(40) {
            0..=2 => {
                b.request();
            }
            3 => {
                b.release();
            }
            4 => b.slot_reset = !b.slot_reset,
            5 => b.acc = Acc::PausesAfter(rnd(20)),
            6 => b.acc = Acc::Still([0, 1, 2, 4][rnd(4) as usize]),
            7 => b.drained_from = [None, Some(b.now + rnd(10))][rnd(2) as usize],
            8 => b.timeout = rnd(30) as u32,
            9 => b.shell_reset(1),
            _ => b.step(),
        }
    }
    let n = b.log.len();
    let count = |f: fn(&preempt_bench::Out) -> bool| b.log.iter().filter(|o| f(o)).count();
    assert!(count(|o| o.timed_out) > n / 50, "timeouts were exercised");
    assert!(
        count(|o| o.paused && !o.timed_out) > n / 50,
        "pauses were exercised"
    );
}

#[test]
fn an_accelerator_started_after_the_request_is_paused_at_once() {
    // CTL = START_NEW issued just before PREEMPT = 1 reaches the accelerator after the pause
    // pulse (the tree is longer than the monitor's path): it must be paused anyway.
    let mut b = Bench::new(Acc::Still(State::Idle as u64), T);
    b.request();
    b.run(6);
    assert!(b.log.last().unwrap().paused && b.log.last().unwrap().gate);
    assert_eq!(b.pauses.len(), 1);
    b.acc = Acc::PausesAfter(3);
    let started = b.now;
    b.run(2);
    assert_eq!(
        b.pauses.len(),
        2,
        "no second pause pulse for the late start"
    );
    assert_eq!(b.pauses[1], started + 1);
    assert!(
        !b.log[started as usize + 1].gate,
        "gate must open while the accelerator saves"
    );
    b.run(10);
    let o = *b.log.last().unwrap();
    assert!(o.paused && o.gate && !o.timed_out, "{o:?}");
    assert_eq!(b.pauses.len(), 2, "one pulse per run");
}
