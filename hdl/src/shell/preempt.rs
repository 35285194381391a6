//! The per-slot preemption controller (`shared/design.md` §5): PREEMPT bits 0, 1 and 3, the
//! pause pulse to the accelerator, the gate to the auditor and the preemption deadline.
//!
//! ```text
//!  monitor: request, release_pulse ──┐                ┌─► pause       (accelerator, = PAUSE)
//!  monitor: timeout ─────────────────┼─► PreemptCtl ──┼─► gate        (auditor: hold requests)
//!  accelerator: acc_state ───────────┤                └─► requested, paused, timed_out
//!  auditor: drained ─────────────────┘                    (PREEMPT bits 0, 1, 3)
//! ```
//!
//! * **Request.** A `request` pulse while not requested sets *requested*, emits one `pause`
//!   pulse and starts the deadline counter. A `request` while requested is ignored (no second
//!   pulse, the deadline is not restarted).
//! * **Paused** = requested and the accelerator's STATE is not RUNNING, re-evaluated every
//!   cycle (an idle, finished or already paused accelerator counts as paused; one that goes
//!   back to running before the release shows not paused again).
//! * **Gate** is up while requested and (paused or timed out): the accelerator must still be
//!   able to DMA its snapshot before it reports paused, and a timed-out slot is about to be
//!   reset anyway. It follows `paused`, so an accelerator that runs again can save its
//!   snapshot.
//! * **Pause again.** While requested and not timed out, an accelerator that is running and
//!   has had no pause pulse since it started running gets one. So a START that reaches the
//!   accelerator after the request (a CTL write issued just before PREEMPT takes a longer way
//!   through the tree than PREEMPT through the monitor) is paused at once.
//! * **Deadline.** If paused and `drained` have not been high together in one cycle within
//!   `timeout` cycles of the request, *timed out* is set; it is sticky until release or reset.
//!   Once paused and drained have been seen together the deadline is met for good.
//! * **Release** clears requested, paused, timed out and gate (a release while not requested
//!   does nothing visible). `reset` or `slot_reset` clears everything and holds it clear; a
//!   `request` while either is high is ignored.
//!
//! **Exact timing** (t = the cycle in which `request` is high; T = `timeout`):
//!
//! | cycle | what |
//! |---|---|
//! | t | `request` pulse |
//! | t + 1 | `requested` = 1; `pause` = 1 for this cycle only |
//! | t + 2 | earliest `paused` and `gate` (an accelerator that is not running: exactly t + 2) |
//! | s + 1 | `paused`, `gate`, when the accelerator's STATE leaves RUNNING in cycle s |
//! | t + T + 1 | `timed_out` = 1 and `gate` = 1, unless `paused` and `drained` were both high in one of the cycles t + 1 … t + T |
//! | r + 1 | all outputs 0, after a `release_pulse` in cycle r (or `reset`/`slot_reset` high in r) |
//!
//! So T counts the cycles after the request in which success is still in time. T = 1 always
//! times out (paused shows at t + 2 at the earliest); T = 0 behaves like T = 1 (`timed_out`
//! at t + 2). Changing `timeout` while a
//! request is pending takes effect at once (the counter is compared with `>=`, so a new T
//! below the elapsed count times out in the next cycle).
//!
//! ### Inputs
//! `clock`, `reset` (shell reset), `slot_reset` (this slot's SLOT_RESET bit, level),
//! `request`, `release_pulse` (one-cycle pulses: PREEMPT written with 1 or 2; not named
//! `release`, a Verilog keyword), `timeout`
//! (PREEMPT_TIMEOUT), `acc_state` (the accelerator's STATE), `drained` (from the auditor).
//! ### Outputs
//! `pause` (one-cycle pulse), `gate`, `requested`, `paused`, `timed_out` (all registers).

use super::k;
use optimus_regs::accel::State;
use rust_hdl::prelude::*;

/// One slot's preemption controller.
#[derive(LogicBlock)]
pub struct PreemptCtl {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset (synchronous, active high).
    pub reset: Signal<In, Bit>,
    /// SLOT_RESET bit of this slot (level): acts like `reset` on this block.
    pub slot_reset: Signal<In, Bit>,
    /// One-cycle pulse: PREEMPT written with 1.
    pub request: Signal<In, Bit>,
    /// One-cycle pulse: PREEMPT written with 2.
    pub release_pulse: Signal<In, Bit>,
    /// PREEMPT_TIMEOUT: cycles allowed between request and paused + drained.
    pub timeout: Signal<In, Bits<32>>,
    /// The accelerator's STATE (0 idle, 1 running, 2 finished, 4 paused).
    pub acc_state: Signal<In, Bits<3>>,
    /// From the auditor: nothing of the slot queued or outstanding.
    pub drained: Signal<In, Bit>,
    /// One-cycle pulse to the accelerator, same effect as CTL = PAUSE.
    pub pause: Signal<Out, Bit>,
    /// To the auditor: hold new requests of the slot.
    pub gate: Signal<Out, Bit>,
    /// PREEMPT bit 0.
    pub requested: Signal<Out, Bit>,
    /// PREEMPT bit 1.
    pub paused: Signal<Out, Bit>,
    /// PREEMPT bit 3.
    pub timed_out: Signal<Out, Bit>,
    req_q: DFF<Bit>,
    pause_q: DFF<Bit>,
    paused_q: DFF<Bit>,
    gate_q: DFF<Bit>,
    to_q: DFF<Bit>,
    met_q: DFF<Bit>,
    elapsed: DFF<Bits<32>>,
    is_paused: Signal<Local, Bit>,
    is_running: Signal<Local, Bit>,
    repause: Signal<Local, Bit>,
    sent_q: DFF<Bit>,
    expire: Signal<Local, Bit>,
    running: Constant<Bits<3>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
}

impl Default for PreemptCtl {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            slot_reset: Default::default(),
            request: Default::default(),
            release_pulse: Default::default(),
            timeout: Default::default(),
            acc_state: Default::default(),
            drained: Default::default(),
            pause: Default::default(),
            gate: Default::default(),
            requested: Default::default(),
            paused: Default::default(),
            timed_out: Default::default(),
            req_q: Default::default(),
            pause_q: Default::default(),
            paused_q: Default::default(),
            gate_q: Default::default(),
            to_q: Default::default(),
            met_q: Default::default(),
            elapsed: Default::default(),
            is_paused: Default::default(),
            is_running: Default::default(),
            repause: Default::default(),
            sent_q: Default::default(),
            expire: Default::default(),
            running: k(State::Running as u64),
            zero32: k(0),
            one32: k(1),
        }
    }
}

impl Logic for PreemptCtl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, req_q, pause_q, sent_q, paused_q, gate_q, to_q, met_q, elapsed
        );
        // Next values of PREEMPT bits 1 and 3 while requested (req_q is high from t + 1).
        self.is_paused.next = self.req_q.q.val() & (self.acc_state.val() != self.running.val());
        self.expire.next = self.req_q.q.val()
            & !self.met_q.q.val()
            & !(self.paused_q.q.val() & self.drained.val())
            & (self.elapsed.q.val() >= self.timeout.val());
        // A requested slot whose accelerator is (again) running gets a pause pulse, once per
        // run: a START that reached the accelerator after the request is paused at once.
        self.is_running.next = self.acc_state.val() == self.running.val();
        self.repause.next =
            self.req_q.q.val() & self.is_running.val() & !self.sent_q.q.val() & !self.to_q.q.val();
        self.pause_q.d.next = self.repause.val();
        self.sent_q.d.next = self.is_running.val() & (self.sent_q.q.val() | self.repause.val());
        self.paused_q.d.next = self.is_paused.val();
        self.to_q.d.next = self.to_q.q.val() | self.expire.val();
        self.gate_q.d.next = self.is_paused.val() | self.to_q.q.val() | self.expire.val();
        // The deadline is met for good once paused and drained are seen together.
        self.met_q.d.next =
            self.met_q.q.val() | (self.req_q.q.val() & self.paused_q.q.val() & self.drained.val());
        // elapsed = cycles since the request: 1 in cycle t + 1; frozen once decided.
        if self.req_q.q.val() & !self.met_q.q.val() & !self.to_q.q.val() {
            self.elapsed.d.next = self.elapsed.q.val() + self.one32.val();
        }
        if self.request.val() & !self.req_q.q.val() {
            self.req_q.d.next = true;
            self.pause_q.d.next = true;
            self.sent_q.d.next = true;
            self.elapsed.d.next = self.one32.val();
        }
        if self.release_pulse.val() | self.reset.val() | self.slot_reset.val() {
            self.req_q.d.next = false;
            self.pause_q.d.next = false;
            self.sent_q.d.next = false;
            self.paused_q.d.next = false;
            self.gate_q.d.next = false;
            self.to_q.d.next = false;
            self.met_q.d.next = false;
            self.elapsed.d.next = self.zero32.val();
        }
        self.pause.next = self.pause_q.q.val();
        self.gate.next = self.gate_q.q.val();
        self.requested.next = self.req_q.q.val();
        self.paused.next = self.paused_q.q.val();
        self.timed_out.next = self.to_q.q.val();
    }
}

/// Name of the emitted top module.
pub const TOP: &str = "optimus_preempt";

/// The complete Verilog of `optimus_preempt` (rust-hdl's design as `optimus_preempt_core`
/// under a thin wrapper with the block's own port names, `clk` for `clock`).
pub fn preempt_verilog() -> Result<String, String> {
    let mut ctl = PreemptCtl::default();
    ctl.connect_all();
    crate::emit_block::block_verilog(
        &ctl,
        TOP,
        "shell::preempt::PreemptCtl, docs in hdl/src/shell/preempt.rs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit_block::yosys_check;

    #[test]
    fn preempt_is_synthesizable() {
        let verilog = preempt_verilog().expect("the preemption controller emits");
        match yosys_check(&verilog, TOP) {
            Ok(true) => {}
            Ok(false) => println!("SKIPPED: yosys is not installed; structure not checked"),
            Err(log) => panic!("yosys rejects the preemption controller:\n{log}"),
        }
    }
}
