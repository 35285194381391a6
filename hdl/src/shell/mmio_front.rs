//! The shell's MMIO front: page decode and the merge of every answer (design.md §1, §3).
//!
//! ```text
//!  host_mmio_* ─► page 0 ──────────────► [reg] ─► mon_mmio_*  ─► monitor ─┐ 2 cycles
//!             ├─► page 1..N ───────────► [reg] ─► tree_mmio_* ─► tree ─┐  │
//!             └─► other page (reads) ──► [reg] ► [reg] ► [reg] ──────┐ │  │ 0 (same latency)
//!                                                                    ▼ │  ▼
//!                                                     local answers FIFO │
//!  host_mmio_rsp_* ◄── [reg] ◄── tree answer if any, else local FIFO ◄───┘
//! ```
//!
//! * Page 0 goes to the monitor (10-bit word address), pages 1..N to the tree (which routes
//!   page 1 + i to slot i, page bits cleared), other pages are answered 0 here, with the
//!   monitor's latency so the two never collide: together they are one local stream of at most
//!   one answer per cycle. Writes to other pages are ignored.
//! * The tree's answers cannot wait (the tree has no MMIO backpressure), so they go first;
//!   local answers wait in a 64-entry FIFO. The backlog is bounded by how much longer a slot
//!   read takes than a local one (tree latency + the guard's timeout, < 64 cycles), since at
//!   most one request arrives per cycle.
//! * Order: requests leave in arrival order; a write to page 0 takes effect before any later
//!   read of page 0 (the monitor is in order), and likewise per slot page.
//!
//! ### Inputs / outputs
//! `clock`, `reset`; `host_mmio_*` in, `host_mmio_rsp_*` out (registered); `mon_mmio_*` out
//! (registered), `mon_mmio_rsp_*` in; `tree_mmio_*` out (registered), `tree_mmio_rsp_*` in.

use super::concat::Concat;
use super::k;
use crate::host_port::{MMIO_PAGE_BITS, MMIO_PAGE_SHIFT, TID_BITS};
use crate::mux::fifo::RegFifo;
use rust_hdl::prelude::*;

const ENTRY_W: usize = TID_BITS + 64;

/// The MMIO front of an N-slot shell.
#[derive(LogicBlock)]
pub struct MmioFront {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Shell reset.
    pub reset: Signal<In, Bit>,
    /// MMIO request from the host.
    pub host_mmio_valid: Signal<In, Bit>,
    /// It is a write.
    pub host_mmio_write: Signal<In, Bit>,
    /// Address, 4-byte units.
    pub host_mmio_addr: Signal<In, Bits<16>>,
    /// Transaction id.
    pub host_mmio_tid: Signal<In, Bits<TID_BITS>>,
    /// Write data.
    pub host_mmio_wdata: Signal<In, Bits<64>>,
    /// Read response to the host.
    pub host_mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub host_mmio_rsp_tid: Signal<Out, Bits<TID_BITS>>,
    /// Its data.
    pub host_mmio_rsp_data: Signal<Out, Bits<64>>,
    /// Request to the monitor.
    pub mon_mmio_valid: Signal<Out, Bit>,
    /// It is a write.
    pub mon_mmio_write: Signal<Out, Bit>,
    /// Word address inside page 0.
    pub mon_mmio_addr: Signal<Out, Bits<MMIO_PAGE_SHIFT>>,
    /// Transaction id.
    pub mon_mmio_tid: Signal<Out, Bits<TID_BITS>>,
    /// Write data.
    pub mon_mmio_wdata: Signal<Out, Bits<64>>,
    /// The monitor's answer.
    pub mon_mmio_rsp_valid: Signal<In, Bit>,
    /// Its tid.
    pub mon_mmio_rsp_tid: Signal<In, Bits<TID_BITS>>,
    /// Its data.
    pub mon_mmio_rsp_data: Signal<In, Bits<64>>,
    /// Request to the tree (a slot page).
    pub tree_mmio_valid: Signal<Out, Bit>,
    /// It is a write.
    pub tree_mmio_write: Signal<Out, Bit>,
    /// Address, 4-byte units (page bits kept).
    pub tree_mmio_addr: Signal<Out, Bits<16>>,
    /// Transaction id.
    pub tree_mmio_tid: Signal<Out, Bits<TID_BITS>>,
    /// Write data.
    pub tree_mmio_wdata: Signal<Out, Bits<64>>,
    /// The tree's answer.
    pub tree_mmio_rsp_valid: Signal<In, Bit>,
    /// Its tid.
    pub tree_mmio_rsp_tid: Signal<In, Bits<TID_BITS>>,
    /// Its data.
    pub tree_mmio_rsp_data: Signal<In, Bits<64>>,
    answers: RegFifo<ENTRY_W, 6>,
    pack: Concat<TID_BITS, 64, ENTRY_W>,
    mon_v: DFF<Bit>,
    tree_v: DFF<Bit>,
    write_q: DFF<Bit>,
    addr_q: DFF<Bits<16>>,
    tid_q: DFF<Bits<TID_BITS>>,
    wdata_q: DFF<Bits<64>>,
    z1: DFF<Bit>,
    z2: DFF<Bit>,
    z3: DFF<Bit>,
    zt1: DFF<Bits<TID_BITS>>,
    zt2: DFF<Bits<TID_BITS>>,
    zt3: DFF<Bits<TID_BITS>>,
    rsp_v: DFF<Bit>,
    rsp_tid: DFF<Bits<TID_BITS>>,
    rsp_data: DFF<Bits<64>>,
    page: Signal<Local, Bits<MMIO_PAGE_BITS>>,
    is_mon: Signal<Local, Bit>,
    is_slot: Signal<Local, Bit>,
    unused_full: Signal<Local, Bit>,
    unused_count: Signal<Local, Bits<8>>,
    slots: Constant<Bits<MMIO_PAGE_BITS>>,
    zero_page: Constant<Bits<MMIO_PAGE_BITS>>,
    page_at: Constant<Bits<4>>,
    data_at: Constant<Bits<7>>,
    zero64: Constant<Bits<64>>,
}

impl MmioFront {
    /// The front of a shell with `slots` slots (pages 1..=slots go to the tree).
    pub fn new(slots: usize) -> Self {
        assert!((1..=16).contains(&slots), "1 to 16 slots");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            host_mmio_valid: Default::default(),
            host_mmio_write: Default::default(),
            host_mmio_addr: Default::default(),
            host_mmio_tid: Default::default(),
            host_mmio_wdata: Default::default(),
            host_mmio_rsp_valid: Default::default(),
            host_mmio_rsp_tid: Default::default(),
            host_mmio_rsp_data: Default::default(),
            mon_mmio_valid: Default::default(),
            mon_mmio_write: Default::default(),
            mon_mmio_addr: Default::default(),
            mon_mmio_tid: Default::default(),
            mon_mmio_wdata: Default::default(),
            mon_mmio_rsp_valid: Default::default(),
            mon_mmio_rsp_tid: Default::default(),
            mon_mmio_rsp_data: Default::default(),
            tree_mmio_valid: Default::default(),
            tree_mmio_write: Default::default(),
            tree_mmio_addr: Default::default(),
            tree_mmio_tid: Default::default(),
            tree_mmio_wdata: Default::default(),
            tree_mmio_rsp_valid: Default::default(),
            tree_mmio_rsp_tid: Default::default(),
            tree_mmio_rsp_data: Default::default(),
            answers: Default::default(),
            pack: Default::default(),
            mon_v: Default::default(),
            tree_v: Default::default(),
            write_q: Default::default(),
            addr_q: Default::default(),
            tid_q: Default::default(),
            wdata_q: Default::default(),
            z1: Default::default(),
            z2: Default::default(),
            z3: Default::default(),
            zt1: Default::default(),
            zt2: Default::default(),
            zt3: Default::default(),
            rsp_v: Default::default(),
            rsp_tid: Default::default(),
            rsp_data: Default::default(),
            page: Default::default(),
            is_mon: Default::default(),
            is_slot: Default::default(),
            unused_full: Default::default(),
            unused_count: Default::default(),
            slots: k(slots as u64),
            zero_page: k(0),
            page_at: k(MMIO_PAGE_SHIFT as u64),
            data_at: k(TID_BITS as u64),
            zero64: k(0),
        }
    }
}

impl Logic for MmioFront {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, mon_v, tree_v, write_q, addr_q, tid_q, wdata_q, z1, z2, z3, zt1, zt2, zt3,
            rsp_v, rsp_tid, rsp_data
        );
        // Decode.
        self.page.next = self
            .host_mmio_addr
            .val()
            .get_bits::<MMIO_PAGE_BITS>(self.page_at.val().index());
        self.is_mon.next = self.page.val() == self.zero_page.val();
        self.is_slot.next = !self.is_mon.val() & (self.page.val() <= self.slots.val());
        self.mon_v.d.next = self.host_mmio_valid.val() & self.is_mon.val();
        self.tree_v.d.next = self.host_mmio_valid.val() & self.is_slot.val();
        self.write_q.d.next = self.host_mmio_write.val();
        self.addr_q.d.next = self.host_mmio_addr.val();
        self.tid_q.d.next = self.host_mmio_tid.val();
        self.wdata_q.d.next = self.host_mmio_wdata.val();
        self.mon_mmio_valid.next = self.mon_v.q.val();
        self.mon_mmio_write.next = self.write_q.q.val();
        self.mon_mmio_addr.next = self.addr_q.q.val().get_bits::<MMIO_PAGE_SHIFT>(0);
        self.mon_mmio_tid.next = self.tid_q.q.val();
        self.mon_mmio_wdata.next = self.wdata_q.q.val();
        self.tree_mmio_valid.next = self.tree_v.q.val();
        self.tree_mmio_write.next = self.write_q.q.val();
        self.tree_mmio_addr.next = self.addr_q.q.val();
        self.tree_mmio_tid.next = self.tid_q.q.val();
        self.tree_mmio_wdata.next = self.wdata_q.q.val();

        // Reads of pages without anything behind them: 0, as late as the monitor's answers.
        self.z1.d.next = self.host_mmio_valid.val()
            & !self.host_mmio_write.val()
            & !self.is_mon.val()
            & !self.is_slot.val();
        self.zt1.d.next = self.host_mmio_tid.val();
        self.z2.d.next = self.z1.q.val();
        self.zt2.d.next = self.zt1.q.val();
        self.z3.d.next = self.z2.q.val();
        self.zt3.d.next = self.zt2.q.val();

        // The local stream (monitor or zero) waits in the FIFO; the tree's answers go first.
        self.pack.lo.next = self.zt3.q.val();
        self.pack.hi.next = self.zero64.val();
        if self.mon_mmio_rsp_valid.val() {
            self.pack.lo.next = self.mon_mmio_rsp_tid.val();
            self.pack.hi.next = self.mon_mmio_rsp_data.val();
        }
        self.answers.clock.next = self.clock.val();
        self.answers.reset.next = self.reset.val();
        self.answers.push.next = self.mon_mmio_rsp_valid.val() | self.z3.q.val();
        self.answers.push_data.next = self.pack.out.val();
        self.answers.pop.next = !self.tree_mmio_rsp_valid.val() & !self.answers.empty.val();
        self.unused_full.next = self.answers.full.val();
        self.unused_count.next = self.answers.count.val();
        self.rsp_v.d.next = self.tree_mmio_rsp_valid.val() | !self.answers.empty.val();
        self.rsp_tid.d.next = self.answers.head.val().get_bits::<TID_BITS>(0);
        self.rsp_data.d.next = self
            .answers
            .head
            .val()
            .get_bits::<64>(self.data_at.val().index());
        if self.tree_mmio_rsp_valid.val() {
            self.rsp_tid.d.next = self.tree_mmio_rsp_tid.val();
            self.rsp_data.d.next = self.tree_mmio_rsp_data.val();
        }
        self.host_mmio_rsp_valid.next = self.rsp_v.q.val();
        self.host_mmio_rsp_tid.next = self.rsp_tid.q.val();
        self.host_mmio_rsp_data.next = self.rsp_data.q.val();

        if self.reset.val() {
            self.mon_v.d.next = false;
            self.tree_v.d.next = false;
            self.z1.d.next = false;
            self.z2.d.next = false;
            self.z3.d.next = false;
            self.rsp_v.d.next = false;
        }
    }
}

/// The front of an N-slot shell as Verilog module `optimus_mmio_front`.
pub fn mmio_front_verilog(slots: usize) -> Result<String, String> {
    let mut front = MmioFront::new(slots);
    front.connect_all();
    crate::emit_block::block_verilog(&front, "optimus_mmio_front", "shell::mmio_front")
}
