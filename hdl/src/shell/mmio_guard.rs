//! A slot's MMIO guard: every read of the slot's page is answered, once, within
//! [`GUARD_TIMEOUT`] + 2 cycles, whatever the accelerator does (design.md §1, issue 4 item 2).
//!
//! ```text
//!  leaf_mmio_* ──► [reg] ──► acc_mmio_*          (not forwarded while the slot is in reset)
//!       │ read
//!       ▼
//!  pending FIFO {dead, time, tid} ──► head ──┬─ acc answers head's tid ──► forward its data
//!                                            └─ dead, or older than GUARD_TIMEOUT ──► answer 0
//!  acc_mmio_rsp_* ───────────────────────────┘                     [reg] ──► leaf_mmio_rsp_*
//! ```
//!
//! Accelerators answer reads in order, [`crate::accel::MMIO_LATENCY`] cycles after the
//! request (the accelerator contract of this project). So the guard keeps the tids of the
//! reads it forwarded in order; an answer for the oldest is passed on, an answer for any other
//! tid is late (its read was already answered 0) and is dropped. A read arriving while the
//! slot is held in reset is not forwarded and is answered 0 as soon as it is the oldest
//! ("dead"). A read its accelerator does not answer within [`GUARD_TIMEOUT`] cycles is
//! answered 0 and counted (`timeout`, a one-cycle pulse).
//!
//! The pending FIFO has 64 entries: at most one read arrives per cycle and each leaves within
//! `GUARD_TIMEOUT` + 1 cycles of becoming the oldest, so it never fills.
//!
//! ### Inputs
//! `clock`, `reset` (shell reset), `slot_in_reset` (the accelerator is held in reset),
//! `leaf_mmio_*` (from the tree leaf, page-relative 16-bit address), `acc_mmio_rsp_*`.
//! ### Outputs
//! `acc_mmio_*` (registered; 10-bit word address), `leaf_mmio_rsp_*` (registered),
//! `timeout` (registered pulse).

use super::concat::Concat;
use super::k;
use crate::host_port::TID_BITS;
use crate::mux::fifo::RegFifo;
use rust_hdl::prelude::*;

/// Cycles a slot's accelerator has to answer an MMIO read before the guard answers 0.
pub const GUARD_TIMEOUT: u64 = 32;

const TIME_BITS: usize = 8;
/// Pending entry: `{dead, time, tid}`.
const PEND_W: usize = TID_BITS + TIME_BITS + 1;
const PEND_AW: usize = 6;
const _: () = assert!(GUARD_TIMEOUT + 4 < (1 << PEND_AW) && GUARD_TIMEOUT < (1 << TIME_BITS));

/// One slot's MMIO guard.
#[derive(LogicBlock)]
pub struct MmioGuard {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset.
    pub reset: Signal<In, Bit>,
    /// The slot's accelerator is held in reset.
    pub slot_in_reset: Signal<In, Bit>,
    /// MMIO request from the tree leaf.
    pub leaf_mmio_valid: Signal<In, Bit>,
    /// It is a write.
    pub leaf_mmio_write: Signal<In, Bit>,
    /// Page-relative address, 4-byte units.
    pub leaf_mmio_addr: Signal<In, Bits<16>>,
    /// Transaction id.
    pub leaf_mmio_tid: Signal<In, Bits<TID_BITS>>,
    /// Write data.
    pub leaf_mmio_wdata: Signal<In, Bits<64>>,
    /// Read response to the tree leaf.
    pub leaf_mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub leaf_mmio_rsp_tid: Signal<Out, Bits<TID_BITS>>,
    /// Its data.
    pub leaf_mmio_rsp_data: Signal<Out, Bits<64>>,
    /// MMIO request to the accelerator.
    pub acc_mmio_valid: Signal<Out, Bit>,
    /// It is a write.
    pub acc_mmio_write: Signal<Out, Bit>,
    /// Word address inside the page.
    pub acc_mmio_addr: Signal<Out, Bits<10>>,
    /// Transaction id.
    pub acc_mmio_tid: Signal<Out, Bits<TID_BITS>>,
    /// Write data.
    pub acc_mmio_wdata: Signal<Out, Bits<64>>,
    /// Read response from the accelerator.
    pub acc_mmio_rsp_valid: Signal<In, Bit>,
    /// Its tid.
    pub acc_mmio_rsp_tid: Signal<In, Bits<TID_BITS>>,
    /// Its data.
    pub acc_mmio_rsp_data: Signal<In, Bits<64>>,
    /// Pulse: a read was answered 0 because the accelerator did not answer in time.
    pub timeout: Signal<Out, Bit>,
    pending: RegFifo<PEND_W, PEND_AW>,
    tid_time: Concat<TID_BITS, TIME_BITS, { TID_BITS + TIME_BITS }>,
    entry: Concat<{ TID_BITS + TIME_BITS }, 1, PEND_W>,
    now: DFF<Bits<TIME_BITS>>,
    req_v: DFF<Bit>,
    req_write: DFF<Bit>,
    req_addr: DFF<Bits<10>>,
    req_tid: DFF<Bits<TID_BITS>>,
    req_wdata: DFF<Bits<64>>,
    rsp_v: DFF<Bit>,
    rsp_tid: DFF<Bits<TID_BITS>>,
    rsp_data: DFF<Bits<64>>,
    timeout_q: DFF<Bit>,
    head_tid: Signal<Local, Bits<TID_BITS>>,
    head_time: Signal<Local, Bits<TIME_BITS>>,
    head_dead: Signal<Local, Bit>,
    has_head: Signal<Local, Bit>,
    matched: Signal<Local, Bit>,
    expired: Signal<Local, Bit>,
    unused_full: Signal<Local, Bit>,
    unused_page: Signal<Local, Bits<6>>,
    unused_count: Signal<Local, Bits<8>>,
    one: Constant<Bits<TIME_BITS>>,
    limit: Constant<Bits<TIME_BITS>>,
    time_at: Constant<Bits<5>>,
    dead_at: Constant<Bits<5>>,
    zero64: Constant<Bits<64>>,
    page_at: Constant<Bits<4>>,
}

impl Default for MmioGuard {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            slot_in_reset: Default::default(),
            leaf_mmio_valid: Default::default(),
            leaf_mmio_write: Default::default(),
            leaf_mmio_addr: Default::default(),
            leaf_mmio_tid: Default::default(),
            leaf_mmio_wdata: Default::default(),
            leaf_mmio_rsp_valid: Default::default(),
            leaf_mmio_rsp_tid: Default::default(),
            leaf_mmio_rsp_data: Default::default(),
            acc_mmio_valid: Default::default(),
            acc_mmio_write: Default::default(),
            acc_mmio_addr: Default::default(),
            acc_mmio_tid: Default::default(),
            acc_mmio_wdata: Default::default(),
            acc_mmio_rsp_valid: Default::default(),
            acc_mmio_rsp_tid: Default::default(),
            acc_mmio_rsp_data: Default::default(),
            timeout: Default::default(),
            pending: Default::default(),
            tid_time: Default::default(),
            entry: Default::default(),
            now: Default::default(),
            req_v: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_tid: Default::default(),
            req_wdata: Default::default(),
            rsp_v: Default::default(),
            rsp_tid: Default::default(),
            rsp_data: Default::default(),
            timeout_q: Default::default(),
            head_tid: Default::default(),
            head_time: Default::default(),
            head_dead: Default::default(),
            has_head: Default::default(),
            matched: Default::default(),
            expired: Default::default(),
            unused_full: Default::default(),
            unused_page: Default::default(),
            unused_count: Default::default(),
            one: k(1),
            limit: k(GUARD_TIMEOUT),
            time_at: k(TID_BITS as u64),
            dead_at: k((TID_BITS + TIME_BITS) as u64),
            zero64: k(0),
            page_at: k(10),
        }
    }
}

impl Logic for MmioGuard {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, now, req_v, req_write, req_addr, req_tid, req_wdata, rsp_v, rsp_tid,
            rsp_data, timeout_q
        );
        self.now.d.next = self.now.q.val() + self.one.val();

        // Requests down, registered; none while the slot is held in reset.
        self.req_v.d.next = self.leaf_mmio_valid.val() & !self.slot_in_reset.val();
        self.req_write.d.next = self.leaf_mmio_write.val();
        self.req_addr.d.next = self.leaf_mmio_addr.val().get_bits::<10>(0);
        self.req_tid.d.next = self.leaf_mmio_tid.val();
        // The tree clears the page bits.
        self.unused_page.next = self
            .leaf_mmio_addr
            .val()
            .get_bits::<6>(self.page_at.val().index());
        self.req_wdata.d.next = self.leaf_mmio_wdata.val();
        self.acc_mmio_valid.next = self.req_v.q.val();
        self.acc_mmio_write.next = self.req_write.q.val();
        self.acc_mmio_addr.next = self.req_addr.q.val();
        self.acc_mmio_tid.next = self.req_tid.q.val();
        self.acc_mmio_wdata.next = self.req_wdata.q.val();

        // Every read is remembered, in order.
        self.pending.clock.next = self.clock.val();
        self.pending.reset.next = self.reset.val();
        self.pending.push.next = self.leaf_mmio_valid.val() & !self.leaf_mmio_write.val();
        self.tid_time.lo.next = self.leaf_mmio_tid.val();
        self.tid_time.hi.next = self.now.q.val();
        self.entry.lo.next = self.tid_time.out.val();
        self.entry.hi.next = self.slot_in_reset.val().into();
        self.pending.push_data.next = self.entry.out.val();
        self.unused_full.next = self.pending.full.val();
        self.unused_count.next = self.pending.count.val();

        // The oldest read: its own answer, or 0 once dead or too old.
        self.has_head.next = !self.pending.empty.val();
        self.head_tid.next = self.pending.head.val().get_bits::<TID_BITS>(0);
        self.head_time.next = self
            .pending
            .head
            .val()
            .get_bits::<TIME_BITS>(self.time_at.val().index());
        self.head_dead.next = self.pending.head.val().get_bit(self.dead_at.val().index());
        self.matched.next = self.has_head.val()
            & !self.head_dead.val()
            & self.acc_mmio_rsp_valid.val()
            & (self.acc_mmio_rsp_tid.val() == self.head_tid.val());
        self.expired.next = self.has_head.val()
            & (self.head_dead.val()
                | ((self.now.q.val() - self.head_time.val()) >= self.limit.val()));
        self.pending.pop.next = self.matched.val() | self.expired.val();
        self.rsp_v.d.next = self.matched.val() | self.expired.val();
        self.rsp_tid.d.next = self.head_tid.val();
        self.rsp_data.d.next = self.zero64.val();
        if self.matched.val() {
            self.rsp_data.d.next = self.acc_mmio_rsp_data.val();
        }
        self.timeout_q.d.next = !self.matched.val() & self.expired.val() & !self.head_dead.val();
        self.leaf_mmio_rsp_valid.next = self.rsp_v.q.val();
        self.leaf_mmio_rsp_tid.next = self.rsp_tid.q.val();
        self.leaf_mmio_rsp_data.next = self.rsp_data.q.val();
        self.timeout.next = self.timeout_q.q.val();

        if self.reset.val() {
            self.req_v.d.next = false;
            self.rsp_v.d.next = false;
            self.timeout_q.d.next = false;
        }
    }
}

/// The guard as Verilog module `optimus_mmio_guard`.
pub fn mmio_guard_verilog() -> Result<String, String> {
    let mut guard = MmioGuard::default();
    guard.connect_all();
    crate::emit_block::block_verilog(&guard, "optimus_mmio_guard", "shell::mmio_guard")
}
