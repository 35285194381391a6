//! MemBench's control: checks and latches the job registers, runs the phases (idle, running,
//! draining, snapshot write, paused, finished, snapshot read), counts CYCLES and restores the
//! counters from a snapshot. The behaviour is documented in [`super`] (membench.rs).
//!
//! ### Inputs
//! `clock`, `reset`; from the frame: `start_new`, `start_resume`, `pause` (pulses), the
//! application registers `buf_addr`, `buf_lines`, `total_lines`, `mode`, `seed`, `ro_zero`
//! (the frame's read-only entries are 0), `snapshot_addr`; `c0_almfull`, `c1_almfull`; from
//! the streams: `rd_done`, `wr_acked`, `rd_idle`, `wr_idle`, `snap_valid` + `snap_data` (the
//! snapshot line read back), `snap_ack` (the snapshot write acknowledged).
//! ### Outputs
//! `state` (STATE), `cycles` (CYCLES); `load` (pulse: restart the streams and orders at
//! `rd_r0`/`wr_r0` requests, `rd_pos0`/`wr_pos0`, counters `rd_lines0`, `wr_lines0`,
//! `sum0`); the latched job: `buf_line`, `blines`, `slots`, `reqs`, `random`, `seed_q`,
//! `seed32`, `cl_len`, `len42`, `len64`, `shift`; `rd_issue`, `wr_issue` (streams may start
//! requests), `snap_rd`, `snap_wr` (send the snapshot read / write), `snap_line`.

use super::LINE_BITS;
use crate::shell::k;
use optimus_regs::accel::State;
use optimus_regs::membench::{ADDR_RESERVED, MAX_BUF_LINES, MODE_RESERVED, mode, snapshot};
use rust_hdl::prelude::*;

/// MemBench's phases (the value of the phase register; a `LogicState` enum would emit unused
/// parameters that Verilator flags).
#[derive(Copy, Clone, Debug, PartialEq)]
#[repr(u64)]
pub enum Phase {
    /// STATE idle.
    Idle,
    /// Issuing (STATE running).
    Running,
    /// Paused requested: waiting for everything outstanding (STATE running).
    Draining,
    /// Sending the snapshot line (STATE running).
    SnapWrite,
    /// Waiting for its write response (STATE running).
    SnapWait,
    /// STATE paused.
    Paused,
    /// STATE finished.
    Finished,
    /// Resume: sending the snapshot read (STATE running).
    Loading,
    /// Resume: waiting for the snapshot line (STATE running).
    LoadWait,
}

/// The control block.
#[derive(LogicBlock)]
pub struct Control {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub start_new: Signal<In, Bit>,
    pub start_resume: Signal<In, Bit>,
    pub pause: Signal<In, Bit>,
    pub buf_addr: Signal<In, Bits<64>>,
    pub buf_lines: Signal<In, Bits<64>>,
    pub total_lines: Signal<In, Bits<64>>,
    pub mode: Signal<In, Bits<64>>,
    pub seed: Signal<In, Bits<64>>,
    pub ro_zero: Signal<In, Bit>,
    pub snapshot_addr: Signal<In, Bits<64>>,
    pub c0_almfull: Signal<In, Bit>,
    pub c1_almfull: Signal<In, Bit>,
    pub rd_done: Signal<In, Bits<64>>,
    pub wr_acked: Signal<In, Bits<64>>,
    pub rd_idle: Signal<In, Bit>,
    pub wr_idle: Signal<In, Bit>,
    pub snap_valid: Signal<In, Bit>,
    pub snap_data: Signal<In, Bits<512>>,
    pub snap_ack: Signal<In, Bit>,
    pub state: Signal<Out, Bits<3>>,
    pub cycles: Signal<Out, Bits<64>>,
    pub load: Signal<Out, Bit>,
    pub rd_r0: Signal<Out, Bits<64>>,
    pub wr_r0: Signal<Out, Bits<64>>,
    pub rd_pos0: Signal<Out, Bits<LINE_BITS>>,
    pub wr_pos0: Signal<Out, Bits<LINE_BITS>>,
    pub rd_lines0: Signal<Out, Bits<64>>,
    pub wr_lines0: Signal<Out, Bits<64>>,
    pub sum0: Signal<Out, Bits<64>>,
    pub buf_line: Signal<Out, Bits<LINE_BITS>>,
    pub blines: Signal<Out, Bits<LINE_BITS>>,
    pub slots: Signal<Out, Bits<LINE_BITS>>,
    pub reqs: Signal<Out, Bits<64>>,
    pub random: Signal<Out, Bit>,
    pub seed_q: Signal<Out, Bits<64>>,
    pub seed32: Signal<Out, Bits<32>>,
    pub cl_len: Signal<Out, Bits<2>>,
    pub len42: Signal<Out, Bits<LINE_BITS>>,
    pub len64: Signal<Out, Bits<64>>,
    pub shift: Signal<Out, Bits<2>>,
    pub rd_issue: Signal<Out, Bit>,
    pub wr_issue: Signal<Out, Bit>,
    pub snap_rd: Signal<Out, Bit>,
    pub snap_wr: Signal<Out, Bit>,
    pub snap_line: Signal<Out, Bits<LINE_BITS>>,
    phase: DFF<Bits<4>>,
    cycles_q: DFF<Bits<64>>,
    pend: DFF<Bit>,
    c_buf: DFF<Bits<LINE_BITS>>,
    c_blines: DFF<Bits<LINE_BITS>>,
    c_slots: DFF<Bits<LINE_BITS>>,
    c_total: DFF<Bits<64>>,
    c_reqs: DFF<Bits<64>>,
    c_rd: DFF<Bit>,
    c_wr: DFF<Bit>,
    c_rand: DFF<Bit>,
    c_cl: DFF<Bits<2>>,
    c_len42: DFF<Bits<LINE_BITS>>,
    c_len64: DFF<Bits<64>>,
    c_shift: DFF<Bits<2>>,
    c_seed: DFF<Bits<64>>,
    cl: Signal<Local, Bits<2>>,
    n_len42: Signal<Local, Bits<LINE_BITS>>,
    n_len64: Signal<Local, Bits<64>>,
    n_shift: Signal<Local, Bits<2>>,
    lmask: Signal<Local, Bits<64>>,
    bl42: Signal<Local, Bits<LINE_BITS>>,
    valid: Signal<Local, Bit>,
    snap_ok: Signal<Local, Bit>,
    can_start: Signal<Local, Bit>,
    run: Signal<Local, Bit>,
    new_ok: Signal<Local, Bit>,
    res_ok: Signal<Local, Bit>,
    magic_ok: Signal<Local, Bit>,
    w: Vec<Signal<Local, Bits<64>>>,
    at: Vec<Constant<Bits<9>>>,
    addr_res: Constant<Bits<64>>,
    blines_res: Constant<Bits<64>>,
    mode_res: Constant<Bits<64>>,
    rw_mask: Constant<Bits<64>>,
    hi22: Constant<Bits<64>>,
    magic: Constant<Bits<64>>,
    rd_at: Constant<Bits<6>>,
    wr_at: Constant<Bits<6>>,
    rand_at: Constant<Bits<6>>,
    cl_at: Constant<Bits<6>>,
    line_at: Constant<Bits<6>>,
    at0: Constant<Bits<6>>,
    s6: Constant<Bits<3>>,
    cl1: Constant<Bits<2>>,
    cl2: Constant<Bits<2>>,
    cl3: Constant<Bits<2>>,
    sh0: Constant<Bits<2>>,
    sh1: Constant<Bits<2>>,
    sh2: Constant<Bits<2>>,
    l1_42: Constant<Bits<LINE_BITS>>,
    l2_42: Constant<Bits<LINE_BITS>>,
    l4_42: Constant<Bits<LINE_BITS>>,
    l1: Constant<Bits<64>>,
    l2: Constant<Bits<64>>,
    l4: Constant<Bits<64>>,
    zero: Constant<Bits<64>>,
    zero_line: Constant<Bits<LINE_BITS>>,
    p_idle: Constant<Bits<4>>,
    p_running: Constant<Bits<4>>,
    p_draining: Constant<Bits<4>>,
    p_snapwrite: Constant<Bits<4>>,
    p_snapwait: Constant<Bits<4>>,
    p_paused: Constant<Bits<4>>,
    p_finished: Constant<Bits<4>>,
    p_loading: Constant<Bits<4>>,
    p_loadwait: Constant<Bits<4>>,
    st_idle: Constant<Bits<3>>,
    st_running: Constant<Bits<3>>,
    st_finished: Constant<Bits<3>>,
    st_paused: Constant<Bits<3>>,
}

impl Control {
    /// The control block (no parameters: every constant comes from `optimus-regs`).
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start_new: Default::default(),
            start_resume: Default::default(),
            pause: Default::default(),
            buf_addr: Default::default(),
            buf_lines: Default::default(),
            total_lines: Default::default(),
            mode: Default::default(),
            seed: Default::default(),
            ro_zero: Default::default(),
            snapshot_addr: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_done: Default::default(),
            wr_acked: Default::default(),
            rd_idle: Default::default(),
            wr_idle: Default::default(),
            snap_valid: Default::default(),
            snap_data: Default::default(),
            snap_ack: Default::default(),
            state: Default::default(),
            cycles: Default::default(),
            load: Default::default(),
            rd_r0: Default::default(),
            wr_r0: Default::default(),
            rd_pos0: Default::default(),
            wr_pos0: Default::default(),
            rd_lines0: Default::default(),
            wr_lines0: Default::default(),
            sum0: Default::default(),
            buf_line: Default::default(),
            blines: Default::default(),
            slots: Default::default(),
            reqs: Default::default(),
            random: Default::default(),
            seed_q: Default::default(),
            seed32: Default::default(),
            cl_len: Default::default(),
            len42: Default::default(),
            len64: Default::default(),
            shift: Default::default(),
            rd_issue: Default::default(),
            wr_issue: Default::default(),
            snap_rd: Default::default(),
            snap_wr: Default::default(),
            snap_line: Default::default(),
            phase: Default::default(),
            cycles_q: Default::default(),
            pend: Default::default(),
            c_buf: Default::default(),
            c_blines: Default::default(),
            c_slots: Default::default(),
            c_total: Default::default(),
            c_reqs: Default::default(),
            c_rd: Default::default(),
            c_wr: Default::default(),
            c_rand: Default::default(),
            c_cl: Default::default(),
            c_len42: Default::default(),
            c_len64: Default::default(),
            c_shift: Default::default(),
            c_seed: Default::default(),
            cl: Default::default(),
            n_len42: Default::default(),
            n_len64: Default::default(),
            n_shift: Default::default(),
            lmask: Default::default(),
            bl42: Default::default(),
            valid: Default::default(),
            snap_ok: Default::default(),
            can_start: Default::default(),
            run: Default::default(),
            new_ok: Default::default(),
            res_ok: Default::default(),
            magic_ok: Default::default(),
            w: (0..snapshot::WORDS).map(|_| Default::default()).collect(),
            at: (0..snapshot::WORDS as u64).map(|i| k(64 * i)).collect(),
            addr_res: k(ADDR_RESERVED),
            blines_res: k(!MAX_BUF_LINES),
            mode_res: k(MODE_RESERVED),
            rw_mask: k(mode::READ | mode::WRITE),
            hi22: k(!((1 << LINE_BITS) - 1)),
            magic: k(snapshot::MAGIC),
            rd_at: k(mode::READ_BIT.into()),
            wr_at: k(mode::WRITE_BIT.into()),
            rand_at: k(mode::RANDOM_BIT.into()),
            cl_at: k(mode::CL_LEN_LSB.into()),
            line_at: k(6),
            at0: k(0),
            s6: k(6),
            cl1: k(1),
            cl2: k(2),
            cl3: k(3),
            sh0: k(0),
            sh1: k(1),
            sh2: k(2),
            l1_42: k(1),
            l2_42: k(2),
            l4_42: k(4),
            l1: k(1),
            l2: k(2),
            l4: k(4),
            zero: k(0),
            zero_line: k(0),
            p_idle: k(Phase::Idle as u64),
            p_running: k(Phase::Running as u64),
            p_draining: k(Phase::Draining as u64),
            p_snapwrite: k(Phase::SnapWrite as u64),
            p_snapwait: k(Phase::SnapWait as u64),
            p_paused: k(Phase::Paused as u64),
            p_finished: k(Phase::Finished as u64),
            p_loading: k(Phase::Loading as u64),
            p_loadwait: k(Phase::LoadWait as u64),
            st_idle: k(State::Idle as u64),
            st_running: k(State::Running as u64),
            st_finished: k(State::Finished as u64),
            st_paused: k(State::Paused as u64),
        }
    }
}

impl Default for Control {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for Control {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, phase, cycles_q, pend, c_buf, c_blines, c_slots, c_total, c_reqs, c_rd,
            c_wr, c_rand, c_cl, c_len42, c_len64, c_shift, c_seed
        );
        // The registers as written now: length, validity.
        self.cl.next = self.mode.val().get_bits::<2>(self.cl_at.val().index());
        self.n_len42.next = self.l1_42.val();
        self.n_len64.next = self.l1.val();
        self.n_shift.next = self.sh0.val();
        if self.cl.val() == self.cl1.val() {
            self.n_len42.next = self.l2_42.val();
            self.n_len64.next = self.l2.val();
            self.n_shift.next = self.sh1.val();
        }
        if self.cl.val() == self.cl3.val() {
            self.n_len42.next = self.l4_42.val();
            self.n_len64.next = self.l4.val();
            self.n_shift.next = self.sh2.val();
        }
        self.lmask.next = self.n_len64.val() - self.l1.val();
        self.bl42.next = self
            .buf_lines
            .val()
            .get_bits::<LINE_BITS>(self.at0.val().index());
        self.valid.next = ((self.buf_addr.val() & self.addr_res.val()) == self.zero.val())
            & ((self.buf_addr.val() & (self.lmask.val() << self.s6.val())) == self.zero.val())
            & (self.buf_lines.val() != self.zero.val())
            & ((self.buf_lines.val() & self.lmask.val()) == self.zero.val())
            & ((self.buf_lines.val() & self.blines_res.val()) == self.zero.val())
            & (self.total_lines.val() != self.zero.val())
            & ((self.total_lines.val() & self.lmask.val()) == self.zero.val())
            & ((self.mode.val() & self.rw_mask.val()) != self.zero.val())
            & ((self.mode.val() & self.mode_res.val()) == self.zero.val())
            & (self.cl.val() != self.cl2.val())
            & self.ro_zero.val();
        self.snap_ok.next = (self.snapshot_addr.val() & self.addr_res.val()) == self.zero.val();
        self.snap_line.next = self
            .snapshot_addr
            .val()
            .get_bits::<LINE_BITS>(self.line_at.val().index());

        // The snapshot line read back.
        for i in 0..self.w.len() {
            self.w[i].next = self
                .snap_data
                .val()
                .get_bits::<64>(self.at[i].val().index());
        }
        self.magic_ok.next = (self.w[7].val() == self.magic.val())
            & (self.w[6].val() == self.zero.val())
            & ((self.w[2].val() & self.hi22.val()) == self.zero.val())
            & ((self.w[3].val() & self.hi22.val()) == self.zero.val());

        // Commands (from idle, finished or paused only).
        self.can_start.next = (self.phase.q.val() == self.p_idle.val())
            | (self.phase.q.val() == self.p_finished.val())
            | (self.phase.q.val() == self.p_paused.val());
        self.new_ok.next = self.can_start.val() & self.start_new.val() & self.valid.val();
        self.res_ok.next =
            self.can_start.val() & self.start_resume.val() & self.valid.val() & self.snap_ok.val();
        self.load.next = false;
        self.rd_lines0.next = self.zero.val();
        self.wr_lines0.next = self.zero.val();
        self.sum0.next = self.zero.val();
        self.rd_pos0.next = self.zero_line.val();
        self.wr_pos0.next = self.zero_line.val();
        if self.can_start.val() & (self.start_new.val() | self.start_resume.val()) {
            self.phase.d.next = self.p_idle.val();
        }
        if self.new_ok.val() {
            self.phase.d.next = self.p_running.val();
            self.load.next = true;
            self.cycles_q.d.next = self.zero.val();
        }
        if self.res_ok.val() {
            self.phase.d.next = self.p_loading.val();
        }
        if self.new_ok.val() | self.res_ok.val() {
            self.c_buf.d.next = self
                .buf_addr
                .val()
                .get_bits::<LINE_BITS>(self.line_at.val().index());
            self.c_blines.d.next = self.bl42.val();
            self.c_slots.d.next = self.bl42.val() >> self.n_shift.val();
            self.c_total.d.next = self.total_lines.val();
            self.c_reqs.d.next = self.total_lines.val() >> self.n_shift.val();
            self.c_rd.d.next = self.mode.val().get_bit(self.rd_at.val().index());
            self.c_wr.d.next = self.mode.val().get_bit(self.wr_at.val().index());
            self.c_rand.d.next = self.mode.val().get_bit(self.rand_at.val().index());
            self.c_cl.d.next = self.cl.val();
            self.c_len42.d.next = self.n_len42.val();
            self.c_len64.d.next = self.n_len64.val();
            self.c_shift.d.next = self.n_shift.val();
            self.c_seed.d.next = self.seed.val();
        }

        // Phases.
        self.run.next = self.phase.q.val() == self.p_running.val();
        if self.run.val() {
            self.cycles_q.d.next = self.cycles_q.q.val() + self.l1.val();
            self.pend.d.next = false;
        }
        if self.pause.val()
            & ((self.phase.q.val() == self.p_loading.val())
                | (self.phase.q.val() == self.p_loadwait.val()))
        {
            self.pend.d.next = true;
        }
        if self.phase.q.val() == self.p_idle.val() {
            self.pend.d.next = false;
        }
        if self.run.val() {
            if (!self.c_rd.q.val() | (self.rd_done.val() == self.c_total.q.val()))
                & (!self.c_wr.q.val() | (self.wr_acked.val() == self.c_total.q.val()))
            {
                self.phase.d.next = self.p_finished.val();
            } else if self.pause.val() | self.pend.q.val() {
                self.phase.d.next = self.p_draining.val();
            }
        }
        if (self.phase.q.val() == self.p_draining.val()) & self.rd_idle.val() & self.wr_idle.val() {
            self.phase.d.next = self.p_snapwrite.val();
        }
        if (self.phase.q.val() == self.p_snapwrite.val()) & !self.c1_almfull.val() {
            self.phase.d.next = self.p_snapwait.val();
        }
        if (self.phase.q.val() == self.p_snapwait.val()) & self.snap_ack.val() {
            self.phase.d.next = self.p_paused.val();
        }
        if (self.phase.q.val() == self.p_loading.val()) & !self.c0_almfull.val() {
            self.phase.d.next = self.p_loadwait.val();
        }
        if (self.phase.q.val() == self.p_loadwait.val()) & self.snap_valid.val() {
            if self.magic_ok.val() {
                self.phase.d.next = self.p_running.val();
                self.load.next = true;
                self.rd_lines0.next = self.w[0].val();
                self.wr_lines0.next = self.w[1].val();
                self.rd_pos0.next = self.w[2]
                    .val()
                    .get_bits::<LINE_BITS>(self.at0.val().index());
                self.wr_pos0.next = self.w[3]
                    .val()
                    .get_bits::<LINE_BITS>(self.at0.val().index());
                self.sum0.next = self.w[4].val();
                self.cycles_q.d.next = self.w[5].val();
            } else {
                self.phase.d.next = self.p_idle.val();
            }
        }
        self.rd_r0.next = self.rd_lines0.val() >> self.c_shift.q.val();
        self.wr_r0.next = self.wr_lines0.val() >> self.c_shift.q.val();

        // Outputs.
        self.state.next = self.st_running.val();
        if self.phase.q.val() == self.p_idle.val() {
            self.state.next = self.st_idle.val();
        }
        if self.phase.q.val() == self.p_finished.val() {
            self.state.next = self.st_finished.val();
        }
        if self.phase.q.val() == self.p_paused.val() {
            self.state.next = self.st_paused.val();
        }
        self.cycles.next = self.cycles_q.q.val();
        self.rd_issue.next = self.run.val() & self.c_rd.q.val();
        self.wr_issue.next = self.run.val() & self.c_wr.q.val();
        self.snap_rd.next = self.phase.q.val() == self.p_loading.val();
        self.snap_wr.next = self.phase.q.val() == self.p_snapwrite.val();
        self.buf_line.next = self.c_buf.q.val();
        self.blines.next = self.c_blines.q.val();
        self.slots.next = self.c_slots.q.val();
        self.reqs.next = self.c_reqs.q.val();
        self.random.next = self.c_rand.q.val();
        self.seed_q.next = self.c_seed.q.val();
        self.seed32.next = self.c_seed.q.val().get_bits::<32>(self.at0.val().index());
        self.cl_len.next = self.c_cl.q.val();
        self.len42.next = self.c_len42.q.val();
        self.len64.next = self.c_len64.q.val();
        self.shift.next = self.c_shift.q.val();

        if self.reset.val() {
            self.phase.d.next = self.p_idle.val();
            self.cycles_q.d.next = self.zero.val();
            self.pend.d.next = false;
            self.c_rd.d.next = false;
            self.c_wr.d.next = false;
            self.c_total.d.next = self.zero.val();
            self.c_reqs.d.next = self.zero.val();
        }
    }
}
