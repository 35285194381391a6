//! A bench around one [`PreemptCtl`]: a scripted accelerator (reacts to `pause` after a
//! chosen number of cycles, or never), a scripted auditor (`drained` from a chosen cycle), a
//! log of every output per cycle, and [`Model`], a cycle-level Rust reference of the timing
//! table in `hdl/src/shell/preempt.rs`.

use optimus_hdl::shell::preempt::PreemptCtl;
use optimus_regs::accel::State;
use rust_hdl::prelude::*;

/// The controller's outputs in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Out {
    pub pause: bool,
    pub gate: bool,
    pub requested: bool,
    pub paused: bool,
    pub timed_out: bool,
}

/// The controller's inputs in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct In {
    pub reset: bool,
    pub slot_reset: bool,
    pub request: bool,
    pub release: bool,
    pub timeout: u32,
    pub acc_state: u64,
    pub drained: bool,
}

/// The reference: registers of the documented behaviour, one `step` per clock edge.
#[derive(Clone, Copy, Debug, Default)]
pub struct Model {
    out: Out,
    met: bool,
    elapsed: u64,
    sent: bool,
}

impl Model {
    /// Outputs in the current cycle.
    pub fn out(&self) -> Out {
        self.out
    }

    /// The clock edge at the end of a cycle with inputs `i`.
    pub fn step(&mut self, i: In) {
        let o = self.out;
        if i.reset || i.slot_reset || i.release {
            *self = Model::default();
            return;
        }
        let running = i.acc_state == State::Running as u64;
        let is_paused = o.requested && !running;
        let success = o.paused && i.drained;
        let expire = o.requested && !self.met && !success && self.elapsed >= i.timeout as u64;
        let repause = o.requested && running && !self.sent && !o.timed_out;
        let mut n = Out {
            pause: repause,
            paused: is_paused,
            timed_out: o.timed_out || expire,
            gate: is_paused || o.timed_out || expire,
            requested: o.requested,
        };
        self.sent = running && (self.sent || repause);
        let mut elapsed = self.elapsed + u64::from(o.requested && !self.met && !o.timed_out);
        if i.request && !o.requested {
            n.requested = true;
            n.pause = true;
            self.sent = true;
            elapsed = 1;
        }
        self.met = self.met || success;
        self.elapsed = elapsed;
        self.out = n;
    }
}

/// What the scripted accelerator does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acc {
    /// Reports STATE = `0` (idle), `2` (finished) or `4` (paused) all along.
    Still(u64),
    /// Running; reports paused this many cycles after it saw the pause pulse.
    PausesAfter(u64),
    /// Running, never pauses.
    Ignores,
}

pub struct Bench {
    pub c: PreemptCtl,
    pub now: u64,
    pub acc: Acc,
    /// Cycle from which the accelerator reports STATE = paused.
    pub paused_from: Option<u64>,
    /// `drained` is high from this cycle on (`None`: never).
    pub drained_from: Option<u64>,
    pub timeout: u32,
    pub slot_reset: bool,
    /// Outputs of every cycle since construction, index = cycle.
    pub log: Vec<Out>,
    /// Cycles in which `pause` was high.
    pub pauses: Vec<u64>,
    pub model: Model,
    /// Shell reset input (level).
    pub reset: bool,
    request: bool,
    release: bool,
}

impl Bench {
    /// A bench after a 16-cycle shell reset, at cycle 20.
    pub fn new(acc: Acc, timeout: u32) -> Self {
        let mut b = Bench {
            c: PreemptCtl::default(),
            now: 0,
            acc,
            paused_from: None,
            drained_from: Some(0),
            timeout,
            slot_reset: false,
            log: Vec::new(),
            pauses: Vec::new(),
            model: Model::default(),
            request: false,
            release: false,
            reset: true,
        };
        b.c.connect_all();
        b.run(16);
        b.reset = false;
        b.run(4);
        b
    }

    pub fn acc_state(&self) -> u64 {
        match self.acc {
            Acc::Still(s) => s,
            _ if self.paused_from.is_some_and(|p| p <= self.now) => State::Paused as u64,
            _ => State::Running as u64,
        }
    }

    fn inputs(&self) -> In {
        In {
            reset: self.reset,
            slot_reset: self.slot_reset,
            request: self.request,
            release: self.release,
            timeout: self.timeout,
            acc_state: self.acc_state(),
            drained: self.drained_from.is_some_and(|d| d <= self.now),
        }
    }

    /// One clock cycle; the outputs of this cycle are checked against the model.
    pub fn step(&mut self) {
        let i = self.inputs();
        let c = &mut self.c;
        c.reset.next = i.reset;
        c.slot_reset.next = i.slot_reset;
        c.request.next = i.request;
        c.release_pulse.next = i.release;
        c.timeout.next = i.timeout.to_bits();
        c.acc_state.next = i.acc_state.to_bits();
        c.drained.next = i.drained;
        c.clock.next = Clock { clk: false };
        assert!(simulate(&mut self.c, 1000), "did not settle");
        let o = Out {
            pause: self.c.pause.val(),
            gate: self.c.gate.val(),
            requested: self.c.requested.val(),
            paused: self.c.paused.val(),
            timed_out: self.c.timed_out.val(),
        };
        assert_eq!(o, self.model.out(), "cycle {}: RTL vs model", self.now);
        if o.pause {
            self.pauses.push(self.now);
            if let Acc::PausesAfter(d) = self.acc {
                // Seen at the edge ending this cycle: STATE changes from the next one on.
                if self.acc_state() == State::Running as u64 {
                    self.paused_from = Some(self.now + 1 + d);
                }
            }
        }
        self.log.push(o);
        self.model.step(i);
        self.c.clock.next = Clock { clk: true };
        assert!(simulate(&mut self.c, 1000), "did not settle");
        self.request = false;
        self.release = false;
        self.now += 1;
    }

    pub fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }

    /// A `request` pulse in the current cycle; returns that cycle.
    pub fn request(&mut self) -> u64 {
        self.request = true;
        let t = self.now;
        self.step();
        t
    }

    /// A `release` pulse in the current cycle.
    pub fn release(&mut self) -> u64 {
        self.release = true;
        let t = self.now;
        self.step();
        t
    }

    /// Shell reset high for `cycles` cycles.
    pub fn shell_reset(&mut self, cycles: u64) {
        self.reset = true;
        self.run(cycles);
        self.reset = false;
    }

    /// Outputs of the cycle that has just ended.
    pub fn last(&self) -> Out {
        *self.log.last().unwrap()
    }

    /// First cycle at or after `from` whose outputs satisfy `f`.
    pub fn first(&self, from: u64, f: impl Fn(&Out) -> bool) -> Option<u64> {
        (from..self.log.len() as u64).find(|&c| f(&self.log[c as usize]))
    }
}
