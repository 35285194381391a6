//! The request order of one MemBench stream: a 3-stage pipeline that turns request indices
//! `r = r0, r0+1, …, reqs-1` into buffer line indices, exactly as
//! [`optimus_regs::membench::request_line`] defines them.
//!
//! ```text
//!  r_gen, pos_gen ─► [s1: (x ^ x>>16)·C1] ─► [s2: fmix32 tail] ─► [s3: random ? (h·n)>>32 << shift : pos] ─► idx
//!        x = SEED[31:0] ^ r[31:0]         (one multiplier per stage)
//! ```
//!
//! * **Sequential**: a wrapping position, `pos + L`, reset to 0 when it reaches BUF_LINES (no
//!   divider; BUF_LINES is a multiple of L). Each entry also carries the position after it
//!   (`next_pos`), which the engine keeps for the snapshot.
//! * **Random**: `fmix32(SEED ^ r)`, then the multiply-high by `n = BUF_LINES / L` and the
//!   shift by log2 L.
//! * **Flow**: all stages advance together when the last one is empty or `take` (the engine
//!   issues its entry this cycle), so one entry per cycle comes out once the pipeline is full.
//!   `load` empties the pipeline and restarts generation at `(r0, pos0)` (start, resume).
//!   Generation stops after request `reqs - 1`.
//!
//! ### Inputs
//! `clock`, `reset`, `load`, `r0`, `pos0`, `reqs` (requests in the job), `random`, `seed` (SEED `[31:0]`),
//! `slots` (BUF_LINES / L), `buf_lines`, `len` (L), `shift` (log2 L), `take`.
//! ### Outputs
//! `valid`, `idx` (buffer line of the request), `next_pos` (sequential position after it).

use super::math::{MulHi, MulLo32};
use super::rd::LINE_BITS;
use crate::shell::k;
use optimus_regs::membench::{FMIX_C1, FMIX_C2};
use rust_hdl::prelude::*;

/// The order generator of one stream.
#[derive(LogicBlock)]
pub struct Order {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: pipeline empty.
    pub reset: Signal<In, Bit>,
    /// Empty the pipeline, restart at `r0`, `pos0`.
    pub load: Signal<In, Bit>,
    /// First request index after `load`.
    pub r0: Signal<In, Bits<64>>,
    /// Sequential position of request `r0`.
    pub pos0: Signal<In, Bits<LINE_BITS>>,
    /// Requests in the job (TOTAL_LINES / L).
    pub reqs: Signal<In, Bits<64>>,
    /// Random order.
    pub random: Signal<In, Bit>,
    /// SEED bits `[31:0]`.
    pub seed: Signal<In, Bits<32>>,
    /// Request slots, BUF_LINES / L.
    pub slots: Signal<In, Bits<LINE_BITS>>,
    /// BUF_LINES.
    pub buf_lines: Signal<In, Bits<LINE_BITS>>,
    /// L.
    pub len: Signal<In, Bits<LINE_BITS>>,
    /// log2 L.
    pub shift: Signal<In, Bits<2>>,
    /// The engine takes the output entry this cycle.
    pub take: Signal<In, Bit>,
    /// An entry is ready.
    pub valid: Signal<Out, Bit>,
    /// Its buffer line index.
    pub idx: Signal<Out, Bits<LINE_BITS>>,
    /// The sequential position after it.
    pub next_pos: Signal<Out, Bits<LINE_BITS>>,
    r_gen: DFF<Bits<64>>,
    pos_gen: DFF<Bits<LINE_BITS>>,
    v1: DFF<Bit>,
    a1: DFF<Bits<32>>,
    pos1: DFF<Bits<LINE_BITS>>,
    npos1: DFF<Bits<LINE_BITS>>,
    v2: DFF<Bit>,
    h2: DFF<Bits<32>>,
    pos2: DFF<Bits<LINE_BITS>>,
    npos2: DFF<Bits<LINE_BITS>>,
    v3: DFF<Bit>,
    idx3: DFF<Bits<LINE_BITS>>,
    npos3: DFF<Bits<LINE_BITS>>,
    mul1: MulLo32,
    mul2: MulLo32,
    mulh: MulHi,
    adv: Signal<Local, Bit>,
    more: Signal<Local, Bit>,
    npos: Signal<Local, Bits<LINE_BITS>>,
    x0: Signal<Local, Bits<32>>,
    t1: Signal<Local, Bits<32>>,
    u2: Signal<Local, Bits<32>>,
    c1: Constant<Bits<32>>,
    c2: Constant<Bits<32>>,
    s16: Constant<Bits<5>>,
    s13: Constant<Bits<5>>,
    one: Constant<Bits<64>>,
    at0: Constant<Bits<6>>,
    zero: Constant<Bits<LINE_BITS>>,
}

impl Default for Order {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            load: Default::default(),
            r0: Default::default(),
            pos0: Default::default(),
            reqs: Default::default(),
            random: Default::default(),
            seed: Default::default(),
            slots: Default::default(),
            buf_lines: Default::default(),
            len: Default::default(),
            shift: Default::default(),
            take: Default::default(),
            valid: Default::default(),
            idx: Default::default(),
            next_pos: Default::default(),
            r_gen: Default::default(),
            pos_gen: Default::default(),
            v1: Default::default(),
            a1: Default::default(),
            pos1: Default::default(),
            npos1: Default::default(),
            v2: Default::default(),
            h2: Default::default(),
            pos2: Default::default(),
            npos2: Default::default(),
            v3: Default::default(),
            idx3: Default::default(),
            npos3: Default::default(),
            mul1: Default::default(),
            mul2: Default::default(),
            mulh: Default::default(),
            adv: Default::default(),
            more: Default::default(),
            npos: Default::default(),
            x0: Default::default(),
            t1: Default::default(),
            u2: Default::default(),
            c1: k(u64::from(FMIX_C1)),
            c2: k(u64::from(FMIX_C2)),
            s16: k(16),
            s13: k(13),
            one: k(1),
            at0: k(0),
            zero: k(0),
        }
    }
}

impl Logic for Order {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, r_gen, pos_gen, v1, a1, pos1, npos1, v2, h2, pos2, npos2, v3, idx3, npos3
        );
        self.adv.next = !self.v3.q.val() | self.take.val();
        self.more.next = self.r_gen.q.val() < self.reqs.val();
        self.npos.next = self.pos_gen.q.val() + self.len.val();
        if self.npos.val() == self.buf_lines.val() {
            self.npos.next = self.zero.val();
        }

        // Stage 1: x = SEED ^ r, (x ^ x >> 16) · C1.
        self.x0.next = self.seed.val() ^ self.r_gen.q.val().get_bits::<32>(self.at0.val().index());
        self.mul1.a.next = self.x0.val() ^ (self.x0.val() >> self.s16.val());
        self.mul1.b.next = self.c1.val();
        // Stage 2: the rest of fmix32.
        self.t1.next = self.a1.q.val() ^ (self.a1.q.val() >> self.s13.val());
        self.mul2.a.next = self.t1.val();
        self.mul2.b.next = self.c2.val();
        self.u2.next = self.mul2.out.val();
        // Stage 3: scale onto the slots.
        self.mulh.a.next = self.h2.q.val();
        self.mulh.b.next = self.slots.val();

        if self.adv.val() {
            self.v1.d.next = self.more.val();
            self.a1.d.next = self.mul1.out.val();
            self.pos1.d.next = self.pos_gen.q.val();
            self.npos1.d.next = self.npos.val();
            if self.more.val() {
                self.r_gen.d.next = self.r_gen.q.val() + self.one.val();
                self.pos_gen.d.next = self.npos.val();
            }
            self.v2.d.next = self.v1.q.val();
            self.h2.d.next = self.u2.val() ^ (self.u2.val() >> self.s16.val());
            self.pos2.d.next = self.pos1.q.val();
            self.npos2.d.next = self.npos1.q.val();
            self.v3.d.next = self.v2.q.val();
            if self.random.val() {
                self.idx3.d.next = self.mulh.out.val() << self.shift.val();
            } else {
                self.idx3.d.next = self.pos2.q.val();
            }
            self.npos3.d.next = self.npos2.q.val();
        }
        self.valid.next = self.v3.q.val();
        self.idx.next = self.idx3.q.val();
        self.next_pos.next = self.npos3.q.val();

        if self.load.val() {
            self.r_gen.d.next = self.r0.val();
            self.pos_gen.d.next = self.pos0.val();
        }
        if self.load.val() | self.reset.val() {
            self.v1.d.next = false;
            self.v2.d.next = false;
            self.v3.d.next = false;
        }
    }
}
