//! One of Rogue's two request streams (reads or writes): how many requests it has issued,
//! where the next one goes, how much of it is outstanding, and whether it wants to issue.
//!
//! * **Addresses** cycle over `target .. target + span` lines: the next request goes to
//!   `target + off`; after it `off += step`, back to 0 once `off + step >= span` (span 0: every
//!   request at the target).
//! * **want** = `enable` and not `spent` and (`flood` or nothing outstanding), where
//!   `spent` = `count != 0 && issued >= count` (count 0: never spent).
//! * **outstanding** counts what the host still owes: `+inc` per issued request (`inc` = lines
//!   for reads, 1 for writes), `-1` per answered line / request (`rsp`). 16 bits.
//! * `reset` clears everything (the engine pulses it for START_NEW too); `load` (START_RESUME)
//!   sets `issued` and `off` from a snapshot and clears `outstanding`.
//!
//! ### Inputs
//! `clock`, `reset`, `enable`, `flood`, `count`, `span`, `step`, `inc`, `target`, `go` (a
//! request of this stream is issued in this cycle), `rsp` (one line / request answered),
//! `load`, `load_issued`, `load_off`.
//! ### Outputs
//! `want`, `spent`, `quiet` (nothing outstanding), `issued`, `off`, `addr` (`target + off`).

use crate::shell::concat::Concat;
use crate::shell::k;
use rust_hdl::prelude::*;

/// Issue counter, address generator and outstanding count of one stream.
#[derive(LogicBlock)]
pub struct RogueStream {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset (also START_NEW).
    pub reset: Signal<In, Bit>,
    /// The stream is enabled (MODE bit).
    pub enable: Signal<In, Bit>,
    /// MODE.FLOOD.
    pub flood: Signal<In, Bit>,
    /// COUNT (requests per stream, 0 = unbounded).
    pub count: Signal<In, Bits<32>>,
    /// SPAN_LINES.
    pub span: Signal<In, Bits<32>>,
    /// Lines per request (address step).
    pub step: Signal<In, Bits<32>>,
    /// Outstanding units added per request.
    pub inc: Signal<In, Bits<16>>,
    /// First line.
    pub target: Signal<In, Bits<42>>,
    /// A request of this stream is issued now.
    pub go: Signal<In, Bit>,
    /// One unit answered now.
    pub rsp: Signal<In, Bit>,
    /// Load `issued` and `off` (resume).
    pub load: Signal<In, Bit>,
    /// Value of `issued` to load.
    pub load_issued: Signal<In, Bits<32>>,
    /// Value of `off` to load.
    pub load_off: Signal<In, Bits<32>>,
    /// The stream would issue a request now.
    pub want: Signal<Out, Bit>,
    /// COUNT requests issued.
    pub spent: Signal<Out, Bit>,
    /// Nothing outstanding.
    pub quiet: Signal<Out, Bit>,
    /// Requests issued.
    pub issued: Signal<Out, Bits<32>>,
    /// Offset of the next request.
    pub off: Signal<Out, Bits<32>>,
    /// Line address of the next request.
    pub addr: Signal<Out, Bits<42>>,
    issued_q: DFF<Bits<32>>,
    off_q: DFF<Bits<32>>,
    out_q: DFF<Bits<16>>,
    off42: Concat<32, 10, 42>,
    next_off: Signal<Local, Bits<32>>,
    spent_l: Signal<Local, Bit>,
    zero10: Constant<Bits<10>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
}

impl Default for RogueStream {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            flood: Default::default(),
            count: Default::default(),
            span: Default::default(),
            step: Default::default(),
            inc: Default::default(),
            target: Default::default(),
            go: Default::default(),
            rsp: Default::default(),
            load: Default::default(),
            load_issued: Default::default(),
            load_off: Default::default(),
            want: Default::default(),
            spent: Default::default(),
            quiet: Default::default(),
            issued: Default::default(),
            off: Default::default(),
            addr: Default::default(),
            issued_q: Default::default(),
            off_q: Default::default(),
            out_q: Default::default(),
            off42: Default::default(),
            next_off: Default::default(),
            spent_l: Default::default(),
            zero10: k(0),
            zero16: k(0),
            one16: k(1),
            zero32: k(0),
            one32: k(1),
        }
    }
}

impl Logic for RogueStream {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, issued_q, off_q, out_q);
        self.spent_l.next =
            (self.count.val() != self.zero32.val()) & (self.issued_q.q.val() >= self.count.val());
        self.spent.next = self.spent_l.val();
        self.quiet.next = self.out_q.q.val() == self.zero16.val();
        self.want.next = self.enable.val()
            & !self.spent_l.val()
            & (self.flood.val() | (self.out_q.q.val() == self.zero16.val()));
        self.issued.next = self.issued_q.q.val();
        self.off.next = self.off_q.q.val();
        self.off42.lo.next = self.off_q.q.val();
        self.off42.hi.next = self.zero10.val();
        self.addr.next = self.target.val() + self.off42.out.val();

        self.next_off.next = self.off_q.q.val() + self.step.val();
        if self.next_off.val() >= self.span.val() {
            self.next_off.next = self.zero32.val();
        }
        if self.go.val() {
            self.issued_q.d.next = self.issued_q.q.val() + self.one32.val();
            self.off_q.d.next = self.next_off.val();
        }
        // +inc per request, -1 per answer, both possibly in one cycle.
        if self.go.val() & self.rsp.val() {
            self.out_q.d.next = self.out_q.q.val() + self.inc.val() - self.one16.val();
        }
        if self.go.val() & !self.rsp.val() {
            self.out_q.d.next = self.out_q.q.val() + self.inc.val();
        }
        if !self.go.val() & self.rsp.val() {
            self.out_q.d.next = self.out_q.q.val() - self.one16.val();
        }
        if self.load.val() {
            self.issued_q.d.next = self.load_issued.val();
            self.off_q.d.next = self.load_off.val();
            self.out_q.d.next = self.zero16.val();
        }
        if self.reset.val() {
            self.issued_q.d.next = self.zero32.val();
            self.off_q.d.next = self.zero32.val();
            self.out_q.d.next = self.zero16.val();
        }
    }
}
