//! Preempting a job in one slot and resuming it in another, as optimusd does (design.md §5).

use super::ShellSim;
use optimus_regs::accel::{Ctl, State};
use optimus_regs::monitor::{SlotReg, preempt};

/// Where a vaccel lives: a slot and its slice.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    /// Slot index.
    pub slot: usize,
    /// SLICE_BASE (IOVA line).
    pub base: u64,
}

/// What a migration measured.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// Cycles from the PREEMPT = 1 write to the first read that showed paused + drained
    /// (reads are ~10 cycles apart: the figure is that coarse).
    pub latency: u64,
    /// The job had already finished when the preemption came (nothing to resume: its results
    /// are in the old slot, as optimusd would find them).
    pub finished_before: bool,
}

/// Preempts the job in `from`, moves its slice's contents (`span` lines: buffers and the
/// snapshot) to `to.base` as a remap would, programs `to`'s slice, replays `regs` (slot-page
/// offset, value; SNAPSHOT_ADDR included) into `to.slot`, optionally pulses SLOT_RESET on
/// `to.slot` first, releases both slots and resumes. `None` if the slot never paused; if the
/// job turns out to have finished already, only releases `from`.
pub fn migrate(
    sim: &mut ShellSim,
    from: Placement,
    to: Placement,
    span: u64,
    regs: &[(u64, u64)],
    reset_target: bool,
) -> Option<Migration> {
    let t0 = sim.cycle();
    sim.set_mon(from.slot, SlotReg::Preempt, preempt::REQUEST);
    let want = preempt::PAUSED | preempt::DRAINED;
    let latency = sim.run_until(200_000, 1, |s| {
        s.mon(from.slot, SlotReg::Preempt) & want == want
    })?;
    let latency = latency.min(sim.cycle() - t0);
    if sim.state(from.slot) == State::Finished as u64 {
        sim.set_mon(from.slot, SlotReg::Preempt, preempt::RELEASE);
        return Some(Migration {
            latency,
            finished_before: true,
        });
    }
    sim.mem.copy_range(from.base, to.base, span);
    if reset_target {
        sim.slot_reset(to.slot, true);
        sim.run(4);
        sim.slot_reset(to.slot, false);
    }
    sim.grant(to.slot, to.base, span);
    for &(offset, value) in regs {
        sim.set_acc(to.slot, offset, value);
    }
    sim.set_mon(from.slot, SlotReg::Preempt, preempt::RELEASE);
    if to.slot != from.slot {
        sim.set_mon(to.slot, SlotReg::Preempt, preempt::RELEASE);
    }
    sim.ctl(to.slot, Ctl::StartResume);
    Some(Migration {
        latency,
        finished_before: false,
    })
}
