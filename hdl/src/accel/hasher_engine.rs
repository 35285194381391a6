//! The Hasher's job engine: the control FSM, the write channel (digest, snapshot) and CYCLES,
//! around the [`Reader`] and the [`Mixer`]. Register values come in as plain signals; the
//! register page ([`crate::accel::frame::AccelFrame`]) is wired in [`super`].
//!
//! ```text
//!  start_new ─► Run ──all lines mixed──► DigWr ─► DigWait ──► Finished
//!                │ pause                             │ pause was requested
//!                ▼                                   ▼
//!              Drain (no new reads; outstanding reads come back, buffered lines mixed)
//!                └──► SnapHdr ─► SnapDig ─► SnapWait ─► Paused
//!  start_resume ─► ResHdr ─► ResDig ─► ResWait (both snapshot lines back) ─► Run
//! ```
//!
//! * START_NEW / START_RESUME are taken in Idle, Finished and Paused only, and only with
//!   valid registers ([`optimus_regs::hasher::valid_start`]); otherwise nothing happens. They
//!   latch SRC_ADDR, LINES, ROUNDS, DST_ADDR and SEED for the job.
//! * A pause in any other state is remembered and acted on at the next safe point: in Run,
//!   at once (Drain); during the digest write, after its response (then the snapshot says
//!   every line is done, and a resume only rewrites the digest); during a resume, in Run.
//! * The snapshot is two 1-line writes at SNAPSHOT_ADDR >> 6 (+0 header, +1 digest) and is
//!   read back with two 1-line reads; SNAPSHOT_ADDR is read when they are issued.
//! * CYCLES counts the cycles in Run, Drain, DigWr and DigWait.
//!
//! ### Inputs
//! `clock`, `reset`, `start_new`, `start_resume`, `pause` (pulses), `src_addr`, `lines`,
//! `rounds`, `dst_addr`, `seed`, `snapshot_addr` (register values), and the slot-side DMA
//! inputs of [`crate::accel`] (`c0_almfull`, `c1_almfull`, `rd_rsp_*`, `wr_rsp_*`).
//! ### Outputs
//! `state` (STATE code), `done_lines`, `cycles`, `digest_xor`, and the DMA requests
//! `rd_req_*`, `wr_req_*`; all functions of registers.

use super::lanes::PackHeader;
use super::mixer::Mixer;
use super::reader::Reader;
use crate::shell::k;
use optimus_regs::accel::State;
use optimus_regs::hasher::{ROUNDS_MAX, snapshot};
use rust_hdl::prelude::*;

/// The engine's FSM states: codes of its 4-bit phase register (a `LogicState` enum would
/// emit unused localparams and a 64-bit initial value that Verilator flags).
pub mod phase {
    /// Reset, or an invalid start.
    pub const IDLE: u64 = 0;
    /// Reading and mixing.
    pub const RUN: u64 = 1;
    /// Pausing: no new reads, wait for the outstanding ones, mix what is buffered.
    pub const DRAIN: u64 = 2;
    /// Snapshot write, header line.
    pub const SNAP_HDR: u64 = 3;
    /// Snapshot write, digest line.
    pub const SNAP_DIG: u64 = 4;
    /// Waiting for the two snapshot write responses.
    pub const SNAP_WAIT: u64 = 5;
    /// Snapshot written.
    pub const PAUSED: u64 = 6;
    /// Digest write.
    pub const DIG_WR: u64 = 7;
    /// Waiting for its response.
    pub const DIG_WAIT: u64 = 8;
    /// Digest written.
    pub const FINISHED: u64 = 9;
    /// Snapshot read, header line.
    pub const RES_HDR: u64 = 10;
    /// Snapshot read, digest line.
    pub const RES_DIG: u64 = 11;
    /// Waiting for both snapshot lines.
    pub const RES_WAIT: u64 = 12;
}

/// The job engine.
#[derive(LogicBlock)]
pub struct HashEngine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset (shell reset or SLOT_RESET).
    pub reset: Signal<In, Bit>,
    /// CTL = START_NEW.
    pub start_new: Signal<In, Bit>,
    /// CTL = START_RESUME.
    pub start_resume: Signal<In, Bit>,
    /// CTL = PAUSE, or the preemption controller's pulse.
    pub pause: Signal<In, Bit>,
    /// SRC_ADDR.
    pub src_addr: Signal<In, Bits<64>>,
    /// LINES.
    pub lines: Signal<In, Bits<64>>,
    /// ROUNDS.
    pub rounds: Signal<In, Bits<64>>,
    /// DST_ADDR.
    pub dst_addr: Signal<In, Bits<64>>,
    /// SEED.
    pub seed: Signal<In, Bits<64>>,
    /// SNAPSHOT_ADDR.
    pub snapshot_addr: Signal<In, Bits<64>>,
    /// STATE.
    pub state: Signal<Out, Bits<3>>,
    /// DONE_LINES.
    pub done_lines: Signal<Out, Bits<64>>,
    /// CYCLES.
    pub cycles: Signal<Out, Bits<64>>,
    /// DIGEST_XOR.
    pub digest_xor: Signal<Out, Bits<64>>,
    /// Almost full, reads.
    pub c0_almfull: Signal<In, Bit>,
    /// Almost full, write beats.
    pub c1_almfull: Signal<In, Bit>,
    /// Read request.
    pub rd_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub rd_req_addr: Signal<Out, Bits<42>>,
    /// Its length code.
    pub rd_req_cl_len: Signal<Out, Bits<2>>,
    /// Its mdata.
    pub rd_req_mdata: Signal<Out, Bits<16>>,
    /// Read response.
    pub rd_rsp_valid: Signal<In, Bit>,
    /// Its mdata.
    pub rd_rsp_mdata: Signal<In, Bits<16>>,
    /// Its line within the request.
    pub rd_rsp_cl_num: Signal<In, Bits<2>>,
    /// Its data.
    pub rd_rsp_data: Signal<In, Bits<512>>,
    /// Write beat (every write is one line).
    pub wr_req_valid: Signal<Out, Bit>,
    /// Its line address.
    pub wr_req_addr: Signal<Out, Bits<42>>,
    /// Its length code (always 0).
    pub wr_req_cl_len: Signal<Out, Bits<2>>,
    /// First beat (always 1).
    pub wr_req_sop: Signal<Out, Bit>,
    /// Its mdata.
    pub wr_req_mdata: Signal<Out, Bits<16>>,
    /// Its data.
    pub wr_req_data: Signal<Out, Bits<512>>,
    /// Write response.
    pub wr_rsp_valid: Signal<In, Bit>,
    /// Its mdata (unused: one write is outstanding at a time, or two counted alike).
    pub wr_rsp_mdata: Signal<In, Bits<16>>,
    reader: Reader,
    mixer: Mixer,
    hdr: PackHeader,
    phase: DFF<Bits<4>>,
    pend: DFF<Bit>,
    src_q: DFF<Bits<42>>,
    lines_q: DFF<Bits<64>>,
    rounds_q: DFF<Bits<8>>,
    dst_q: DFF<Bits<42>>,
    seed_q: DFF<Bits<64>>,
    cyc: DFF<Bits<64>>,
    wacks: DFF<Bits<2>>,
    racks: DFF<Bits<2>>,
    w_v: DFF<Bit>,
    w_addr: DFF<Bits<42>>,
    w_mdata: DFF<Bits<16>>,
    w_data: DFF<Bits<512>>,
    snap_line: Signal<Local, Bits<42>>,
    valid: Signal<Local, Bit>,
    at_rest: Signal<Local, Bit>,
    unused_wr_mdata: Signal<Local, Bits<16>>,
    unused_src: Signal<Local, Bits<64>>,
    unused_dst: Signal<Local, Bits<64>>,
    unused_snap: Signal<Local, Bits<64>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    two2: Constant<Bits<2>>,
    zero6: Constant<Bits<6>>,
    zero16: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    hdr_off: Constant<Bits<42>>,
    dig_off: Constant<Bits<42>>,
    max_rounds: Constant<Bits<64>>,
    zero64: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    zero512: Constant<Bits<512>>,
    ph_idle: Constant<Bits<4>>,
    ph_run: Constant<Bits<4>>,
    ph_drain: Constant<Bits<4>>,
    ph_snap_hdr: Constant<Bits<4>>,
    ph_snap_dig: Constant<Bits<4>>,
    ph_snap_wait: Constant<Bits<4>>,
    ph_paused: Constant<Bits<4>>,
    ph_dig_wr: Constant<Bits<4>>,
    ph_dig_wait: Constant<Bits<4>>,
    ph_finished: Constant<Bits<4>>,
    ph_res_hdr: Constant<Bits<4>>,
    ph_res_dig: Constant<Bits<4>>,
    ph_res_wait: Constant<Bits<4>>,
    st_idle: Constant<Bits<3>>,
    st_run: Constant<Bits<3>>,
    st_fin: Constant<Bits<3>>,
    st_paused: Constant<Bits<3>>,
    w_done: Constant<Bits<9>>,
    w_cycles: Constant<Bits<9>>,
}

impl Default for HashEngine {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start_new: Default::default(),
            start_resume: Default::default(),
            pause: Default::default(),
            src_addr: Default::default(),
            lines: Default::default(),
            rounds: Default::default(),
            dst_addr: Default::default(),
            seed: Default::default(),
            snapshot_addr: Default::default(),
            state: Default::default(),
            done_lines: Default::default(),
            cycles: Default::default(),
            digest_xor: Default::default(),
            c0_almfull: Default::default(),
            c1_almfull: Default::default(),
            rd_req_valid: Default::default(),
            rd_req_addr: Default::default(),
            rd_req_cl_len: Default::default(),
            rd_req_mdata: Default::default(),
            rd_rsp_valid: Default::default(),
            rd_rsp_mdata: Default::default(),
            rd_rsp_cl_num: Default::default(),
            rd_rsp_data: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_addr: Default::default(),
            wr_req_cl_len: Default::default(),
            wr_req_sop: Default::default(),
            wr_req_mdata: Default::default(),
            wr_req_data: Default::default(),
            wr_rsp_valid: Default::default(),
            wr_rsp_mdata: Default::default(),
            reader: Default::default(),
            mixer: Default::default(),
            hdr: Default::default(),
            phase: Default::default(),
            pend: Default::default(),
            src_q: Default::default(),
            lines_q: Default::default(),
            rounds_q: Default::default(),
            dst_q: Default::default(),
            seed_q: Default::default(),
            cyc: Default::default(),
            wacks: Default::default(),
            racks: Default::default(),
            w_v: Default::default(),
            w_addr: Default::default(),
            w_mdata: Default::default(),
            w_data: Default::default(),
            snap_line: Default::default(),
            valid: Default::default(),
            at_rest: Default::default(),
            unused_wr_mdata: Default::default(),
            unused_src: Default::default(),
            unused_dst: Default::default(),
            unused_snap: Default::default(),
            zero2: k(0),
            one2: k(1),
            two2: k(2),
            zero6: k(0),
            zero16: k(0),
            one16: k(1),
            hdr_off: k(snapshot::HEADER_LINE),
            dig_off: k(snapshot::DIGEST_LINE),
            max_rounds: k(ROUNDS_MAX),
            zero64: k(0),
            one64: k(1),
            zero512: Constant::new(Bits::<512>::default()),
            ph_idle: k(phase::IDLE),
            ph_run: k(phase::RUN),
            ph_drain: k(phase::DRAIN),
            ph_snap_hdr: k(phase::SNAP_HDR),
            ph_snap_dig: k(phase::SNAP_DIG),
            ph_snap_wait: k(phase::SNAP_WAIT),
            ph_paused: k(phase::PAUSED),
            ph_dig_wr: k(phase::DIG_WR),
            ph_dig_wait: k(phase::DIG_WAIT),
            ph_finished: k(phase::FINISHED),
            ph_res_hdr: k(phase::RES_HDR),
            ph_res_dig: k(phase::RES_DIG),
            ph_res_wait: k(phase::RES_WAIT),
            st_idle: k(State::Idle as u64),
            st_run: k(State::Running as u64),
            st_fin: k(State::Finished as u64),
            st_paused: k(State::Paused as u64),
            w_done: k(64 * snapshot::DONE_LINES as u64),
            w_cycles: k(64 * snapshot::CYCLES as u64),
        }
    }
}

impl Logic for HashEngine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, phase, pend, src_q, lines_q, rounds_q, dst_q, seed_q, cyc, wacks, racks,
            w_v, w_addr, w_mdata, w_data
        );
        self.snap_line.next = self.snapshot_addr.val().get_bits::<42>(6);
        self.valid.next = (self.src_addr.val().get_bits::<6>(0) == self.zero6.val())
            & (self.dst_addr.val().get_bits::<6>(0) == self.zero6.val())
            & (self.lines.val() != self.zero64.val())
            & (self.rounds.val() != self.zero64.val())
            & (self.rounds.val() <= self.max_rounds.val());
        self.at_rest.next = (self.phase.q.val() == self.ph_idle.val())
            | (self.phase.q.val() == self.ph_finished.val())
            | (self.phase.q.val() == self.ph_paused.val());
        // Bits above 47 of the addresses, and the snapshot address's low 6, are ignored.
        self.unused_wr_mdata.next = self.wr_rsp_mdata.val();
        self.unused_src.next = self.src_addr.val();
        self.unused_dst.next = self.dst_addr.val();
        self.unused_snap.next = self.snapshot_addr.val();

        // The reader and the mixer work on the latched job registers.
        self.reader.clock.next = self.clock.val();
        self.reader.reset.next = self.reset.val();
        self.reader.enable.next = (self.phase.q.val() == self.ph_run.val()) & !self.pend.q.val();
        self.reader.src_line.next = self.src_q.q.val();
        self.reader.lines.next = self.lines_q.q.val();
        self.reader.seed.next = self.seed_q.q.val();
        self.reader.c0_almfull.next = self.c0_almfull.val();
        self.reader.rd_rsp_valid.next = self.rd_rsp_valid.val();
        self.reader.rd_rsp_mdata.next = self.rd_rsp_mdata.val();
        self.reader.rd_rsp_cl_num.next = self.rd_rsp_cl_num.val();
        self.reader.rd_rsp_data.next = self.rd_rsp_data.val();
        self.reader.popped.next = self.mixer.popped.val();
        self.rd_req_valid.next = self.reader.rd_req_valid.val();
        self.rd_req_addr.next = self.reader.rd_req_addr.val();
        self.rd_req_cl_len.next = self.reader.rd_req_cl_len.val();
        self.rd_req_mdata.next = self.reader.rd_req_mdata.val();
        self.mixer.clock.next = self.clock.val();
        self.mixer.reset.next = self.reset.val();
        self.mixer.rounds.next = self.rounds_q.q.val();
        self.mixer.in_valid.next = self.reader.out_valid.val();
        self.mixer.in_data.next = self.reader.out_data.val();

        // Job start, and the snapshot lines of a resume, set progress and digest.
        self.reader.set_next.next = false;
        self.reader.set_next_value.next = self.zero64.val();
        self.mixer.set_done.next = self.reader.snap_valid.val() & !self.reader.snap_idx_out.val();
        self.mixer.set_done_value.next = self
            .reader
            .snap_data
            .val()
            .get_bits::<64>(self.w_done.val().index());
        self.mixer.set_digest.next = self.reader.snap_valid.val() & self.reader.snap_idx_out.val();
        self.mixer.set_digest_data.next = self.reader.snap_data.val();
        if self.reader.snap_valid.val() & !self.reader.snap_idx_out.val() {
            self.cyc.d.next = self
                .reader
                .snap_data
                .val()
                .get_bits::<64>(self.w_cycles.val().index());
        }
        if self.reader.snap_valid.val() {
            self.racks.d.next = self.racks.q.val() + self.one2.val();
        }
        if self.wr_rsp_valid.val() {
            self.wacks.d.next = self.wacks.q.val() + self.one2.val();
        }
        if self.pause.val() & !self.at_rest.val() {
            self.pend.d.next = true;
        }
        if self.at_rest.val() & self.valid.val() & (self.start_new.val() | self.start_resume.val())
        {
            self.src_q.d.next = self.src_addr.val().get_bits::<42>(6);
            self.lines_q.d.next = self.lines.val();
            self.rounds_q.d.next = self.rounds.val().get_bits::<8>(0);
            self.dst_q.d.next = self.dst_addr.val().get_bits::<42>(6);
            self.seed_q.d.next = self.seed.val();
            self.pend.d.next = false;
            self.racks.d.next = self.zero2.val();
            self.phase.d.next = self.ph_res_hdr.val();
            if self.start_new.val() {
                self.phase.d.next = self.ph_run.val();
                self.reader.set_next.next = true;
                self.mixer.set_done.next = true;
                self.mixer.set_done_value.next = self.zero64.val();
                self.mixer.set_digest.next = true;
                self.mixer.set_digest_data.next = self.zero512.val();
                self.cyc.d.next = self.zero64.val();
            }
        }

        // CYCLES, the write channel and the FSM.
        if (self.phase.q.val() == self.ph_run.val())
            | (self.phase.q.val() == self.ph_drain.val())
            | (self.phase.q.val() == self.ph_dig_wr.val())
            | (self.phase.q.val() == self.ph_dig_wait.val())
        {
            self.cyc.d.next = self.cyc.q.val() + self.one64.val();
        }
        self.hdr.next_line.next = self.reader.next_line.val();
        self.hdr.done.next = self.mixer.done_lines.val();
        self.hdr.cycles.next = self.cyc.q.val();
        self.w_v.d.next = false;
        self.reader.snap_req.next = false;
        self.reader.snap_addr.next = self.snap_line.val() + self.hdr_off.val();
        self.reader.snap_idx.next = false;
        if self.phase.q.val() == self.ph_run.val() {
            if self.mixer.done_lines.val() >= self.lines_q.q.val() {
                self.phase.d.next = self.ph_dig_wr.val();
                self.wacks.d.next = self.zero2.val();
            } else if self.pend.q.val() {
                self.phase.d.next = self.ph_drain.val();
            }
        }
        if (self.phase.q.val() == self.ph_drain.val())
            & (self.reader.quiet.val() & self.mixer.idle.val())
        {
            self.phase.d.next = self.ph_snap_hdr.val();
            self.wacks.d.next = self.zero2.val();
        }
        if (self.phase.q.val() == self.ph_snap_hdr.val()) & (!self.c1_almfull.val()) {
            self.w_v.d.next = true;
            self.w_addr.d.next = self.snap_line.val() + self.hdr_off.val();
            self.w_mdata.d.next = self.zero16.val();
            self.w_data.d.next = self.hdr.out.val();
            self.phase.d.next = self.ph_snap_dig.val();
        }
        if (self.phase.q.val() == self.ph_snap_dig.val()) & (!self.c1_almfull.val()) {
            self.w_v.d.next = true;
            self.w_addr.d.next = self.snap_line.val() + self.dig_off.val();
            self.w_mdata.d.next = self.one16.val();
            self.w_data.d.next = self.mixer.digest.val();
            self.phase.d.next = self.ph_snap_wait.val();
        }
        if (self.phase.q.val() == self.ph_snap_wait.val()) & (self.wacks.q.val() == self.two2.val())
        {
            self.phase.d.next = self.ph_paused.val();
        }
        if (self.phase.q.val() == self.ph_dig_wr.val()) & (!self.c1_almfull.val()) {
            self.w_v.d.next = true;
            self.w_addr.d.next = self.dst_q.q.val();
            self.w_mdata.d.next = self.zero16.val();
            self.w_data.d.next = self.mixer.digest.val();
            self.phase.d.next = self.ph_dig_wait.val();
        }
        if (self.phase.q.val() == self.ph_dig_wait.val()) & (self.wacks.q.val() == self.one2.val())
        {
            self.phase.d.next = self.ph_finished.val();
            if self.pend.q.val() {
                self.phase.d.next = self.ph_snap_hdr.val();
                self.wacks.d.next = self.zero2.val();
            }
        }
        if (self.phase.q.val() == self.ph_res_hdr.val()) & (!self.c0_almfull.val()) {
            self.reader.snap_req.next = true;
            self.phase.d.next = self.ph_res_dig.val();
        }
        if (self.phase.q.val() == self.ph_res_dig.val()) & (!self.c0_almfull.val()) {
            self.reader.snap_req.next = true;
            self.reader.snap_addr.next = self.snap_line.val() + self.dig_off.val();
            self.reader.snap_idx.next = true;
            self.phase.d.next = self.ph_res_wait.val();
        }
        if (self.phase.q.val() == self.ph_res_wait.val()) & (self.racks.q.val() == self.two2.val())
        {
            self.phase.d.next = self.ph_run.val();
        }
        self.wr_req_valid.next = self.w_v.q.val();
        self.wr_req_addr.next = self.w_addr.q.val();
        self.wr_req_cl_len.next = self.zero2.val();
        self.wr_req_sop.next = true;
        self.wr_req_mdata.next = self.w_mdata.q.val();
        self.wr_req_data.next = self.w_data.q.val();

        self.state.next = self.st_run.val();
        if self.phase.q.val() == self.ph_idle.val() {
            self.state.next = self.st_idle.val();
        }
        if self.phase.q.val() == self.ph_finished.val() {
            self.state.next = self.st_fin.val();
        }
        if self.phase.q.val() == self.ph_paused.val() {
            self.state.next = self.st_paused.val();
        }
        self.done_lines.next = self.mixer.done_lines.val();
        self.digest_xor.next = self.mixer.digest_xor.val();
        self.cycles.next = self.cyc.q.val();

        if self.reset.val() {
            self.phase.d.next = self.ph_idle.val();
            self.pend.d.next = false;
            self.cyc.d.next = self.zero64.val();
            self.wacks.d.next = self.zero2.val();
            self.racks.d.next = self.zero2.val();
            self.w_v.d.next = false;
        }
    }
}
