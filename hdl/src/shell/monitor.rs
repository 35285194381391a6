//! The monitor: the register file of MMIO page 0 for N slots (design.md §3).
//!
//! ```text
//!  mmio_* ──► decode ROM ──► [stage 1: valid, write, tid, wdata, kind, slot]
//!             (from optimus-regs)        │
//!                        ┌───────────────┼──────────────────────────┐
//!                        ▼               ▼                          ▼
//!                  SLOT_RESET reg   SlotFile 0..N-1            constants (DFH, SHELL_ID,
//!                        │          (registers, strobes,        NUM_SLOTS, VERSION)
//!                        │           status words) ── OR ──┐        │
//!                        └─────────────────────────────────┴─► read mux ─► [stage 2] ─► mmio_rsp_*
//!  slots[i].mmio_timeout ──► TimeoutCount (MMIO_TIMEOUTS) ─────────┘
//! ```
//!
//! * **Requests.** At most one per cycle, word address inside page 0 (10 bits, 4-byte units),
//!   in order. Every read gets exactly one response, **2 cycles** later: a read presented in
//!   cycle t is answered (`mmio_rsp_valid`, its `tid`, data) in cycle t + 2. Writes get none.
//!   Unimplemented offsets, odd word addresses and slots at or above N read 0 and ignore
//!   writes (design.md §1, §3).
//! * **Decode.** A ROM built in the constructor from [`optimus_regs::monitor::decode`] maps
//!   the word address to `{kind, slot}` ([`decode`]); no offset is written here.
//! * **Order.** A write takes effect at the end of its stage-1 cycle (t + 1): stored registers
//!   change then, and the strobes (`fault_clear_*`, `preempt_request`/`_release`) are high
//!   during t + 1 only. Status inputs are sampled at the end of stage 1 too. So a read issued
//!   right after a write (t + 1) sees it, including its effect on a status register whose owner
//!   acts on the strobe at the same edge (a FAULT bit cleared by W1C reads 0).
//! * **MMIO_TIMEOUTS** (0x0F8, our addition to §3) counts the `mmio_timeout` pulses of all
//!   slots, each one, several per cycle included ([`count::TimeoutCount`]); a read presented
//!   in cycle r counts the pulses of cycles before r.
//! * **Reset.** Synchronous: SLOT_RESET, SLICE_BASE, SLICE_LIMIT, MMIO_TIMEOUTS = 0,
//!   PREEMPT_TIMEOUT =
//!   [`PREEMPT_TIMEOUT_RESET`](optimus_regs::monitor::PREEMPT_TIMEOUT_RESET); requests in the
//!   pipeline are dropped (the host sends none until 32 cycles after reset, design.md §1).
//!
//! ### Inputs
//! `clock`, `reset`; `mmio_valid`, `mmio_write`, `mmio_addr` (page-relative, 4-byte units),
//! `mmio_tid`, `mmio_wdata`; per slot i, the status half of `slots[i]` ([`SlotPorts`]):
//! `fault_rd`, `fault_wr`, `fault_count`, `fault_addr`, `preempt_requested`,
//! `preempt_paused`, `drained`, `preempt_timed_out`, `in_reset`, `rd_outstanding`,
//! `wr_outstanding`, `rd_lines`, `wr_lines`, `mmio_timeout`.
//! ### Outputs
//! `mmio_rsp_valid`, `mmio_rsp_tid`, `mmio_rsp_data` (registered); per slot i, the control
//! half of `slots[i]`: `slice_base`, `slice_limit`, `slot_reset`, `preempt_timeout` (from
//! registers), `fault_clear_rd`, `fault_clear_wr`, `fault_clear_count`, `preempt_request`,
//! `preempt_release` (one-cycle pulses).

use crate::host_port::{MMIO_DATA_BITS, MMIO_PAGE_SHIFT, TID_BITS};
use count::TimeoutCount;
use decode::{ADDR_BITS, CODE_BITS, KIND_BITS, SLOT_BITS, global_kind, table};
use optimus_regs::monitor::{GlobalReg, MONITOR_DFH};
use optimus_regs::{MAX_SLOTS, VERSION};
use rust_hdl::prelude::*;
use slot::SlotFile;
pub use slot::SlotPorts;

#[path = "monitor_count.rs"]
pub mod count;
#[path = "monitor_decode.rs"]
pub mod decode;
#[path = "emit_monitor.rs"]
pub mod emit;
#[path = "monitor_pack.rs"]
pub mod pack;
#[path = "monitor_slot.rs"]
pub mod slot;

/// Read latency in cycles: a read presented in cycle t is answered in cycle t + 2.
pub const READ_LATENCY: usize = 2;

// `update` extracts the code's fields with literal widths (`get_bits::<5>`, `::<4>`) at
// positions of 4 bits (the code has 9).
const _: () = assert!(ADDR_BITS == MMIO_PAGE_SHIFT && MMIO_DATA_BITS == 64);
const _: () = assert!(KIND_BITS == 5 && SLOT_BITS == 4 && CODE_BITS <= 1 << 4);

/// The monitor of an N-slot shell.
#[derive(LogicBlock)]
pub struct Monitor {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// An MMIO request for page 0 (one-cycle pulse).
    pub mmio_valid: Signal<In, Bit>,
    /// It is a write (else a read).
    pub mmio_write: Signal<In, Bit>,
    /// Word address inside the page, 4-byte units.
    pub mmio_addr: Signal<In, Bits<ADDR_BITS>>,
    /// Transaction id.
    pub mmio_tid: Signal<In, Bits<TID_BITS>>,
    /// Write data.
    pub mmio_wdata: Signal<In, Bits<64>>,
    /// Read response.
    pub mmio_rsp_valid: Signal<Out, Bit>,
    /// Its tid.
    pub mmio_rsp_tid: Signal<Out, Bits<TID_BITS>>,
    /// Its data.
    pub mmio_rsp_data: Signal<Out, Bits<64>>,
    /// Per-slot status in, controls out.
    pub slots: Vec<SlotPorts>,
    files: Vec<SlotFile>,
    timeouts: TimeoutCount,
    rom: ROM<Bits<CODE_BITS>, ADDR_BITS>,
    v1: DFF<Bit>,
    wr1: DFF<Bit>,
    tid1: DFF<Bits<TID_BITS>>,
    wdata1: DFF<Bits<64>>,
    kind1: DFF<Bits<KIND_BITS>>,
    slot1: DFF<Bits<SLOT_BITS>>,
    slot_reset_q: DFF<Bits<64>>,
    rsp_v: DFF<Bit>,
    rsp_tid: DFF<Bits<TID_BITS>>,
    rsp_data: DFF<Bits<64>>,
    partial: Vec<Signal<Local, Bits<64>>>,
    rdata: Signal<Local, Bits<64>>,
    idx: Vec<Constant<Bits<SLOT_BITS>>>,
    bitpos: Vec<Constant<Bits<6>>>,
    k_dfh: Constant<Bits<KIND_BITS>>,
    k_id_l: Constant<Bits<KIND_BITS>>,
    k_id_h: Constant<Bits<KIND_BITS>>,
    k_slot_reset: Constant<Bits<KIND_BITS>>,
    k_num_slots: Constant<Bits<KIND_BITS>>,
    k_version: Constant<Bits<KIND_BITS>>,
    k_mmio_timeouts: Constant<Bits<KIND_BITS>>,
    dfh: Constant<Bits<64>>,
    id_l: Constant<Bits<64>>,
    id_h: Constant<Bits<64>>,
    num_slots: Constant<Bits<64>>,
    version: Constant<Bits<64>>,
    slot_mask: Constant<Bits<64>>,
    zero: Constant<Bits<64>>,
    kind_at: Constant<Bits<4>>,
    slot_at: Constant<Bits<4>>,
}

fn k<const N: usize>(value: u64) -> Constant<Bits<N>> {
    assert!(
        N >= 64 || value < 1 << N,
        "{value:#x} does not fit {N} bits"
    );
    Constant::new(value.to_bits())
}

impl Monitor {
    /// The monitor of a shell with `slots` slots (1 to 16) whose SHELL_ID is
    /// `shell_id[1]:shell_id[0]` (SHELL_ID_H, SHELL_ID_L).
    pub fn new(slots: usize, shell_id: [u64; 2]) -> Self {
        assert!(
            (1..=MAX_SLOTS).contains(&slots),
            "the monitor takes 1 to 16 slots"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mmio_valid: Default::default(),
            mmio_write: Default::default(),
            mmio_addr: Default::default(),
            mmio_tid: Default::default(),
            mmio_wdata: Default::default(),
            mmio_rsp_valid: Default::default(),
            mmio_rsp_tid: Default::default(),
            mmio_rsp_data: Default::default(),
            slots: (0..slots).map(|_| Default::default()).collect(),
            files: (0..slots).map(|_| Default::default()).collect(),
            timeouts: TimeoutCount::new(slots),
            rom: ROM::new(table(slots)),
            v1: Default::default(),
            wr1: Default::default(),
            tid1: Default::default(),
            wdata1: Default::default(),
            kind1: Default::default(),
            slot1: Default::default(),
            slot_reset_q: Default::default(),
            rsp_v: Default::default(),
            rsp_tid: Default::default(),
            rsp_data: Default::default(),
            partial: (0..slots).map(|_| Default::default()).collect(),
            rdata: Default::default(),
            idx: (0..slots).map(|i| k(i as u64)).collect(),
            bitpos: (0..slots).map(|i| k(i as u64)).collect(),
            k_dfh: k(global_kind(GlobalReg::Dfh)),
            k_id_l: k(global_kind(GlobalReg::ShellIdL)),
            k_id_h: k(global_kind(GlobalReg::ShellIdH)),
            k_slot_reset: k(global_kind(GlobalReg::SlotReset)),
            k_num_slots: k(global_kind(GlobalReg::NumSlots)),
            k_version: k(global_kind(GlobalReg::Version)),
            k_mmio_timeouts: k(global_kind(GlobalReg::MmioTimeouts)),
            dfh: k(MONITOR_DFH),
            id_l: k(shell_id[0]),
            id_h: k(shell_id[1]),
            num_slots: k(slots as u64),
            version: k(VERSION),
            slot_mask: k((1 << slots) - 1),
            zero: k(0),
            kind_at: k(SLOT_BITS as u64),
            slot_at: k(0),
        }
    }

    /// Number of slots.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }
}

impl Logic for Monitor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            v1,
            wr1,
            tid1,
            wdata1,
            kind1,
            slot1,
            slot_reset_q,
            rsp_v,
            rsp_tid,
            rsp_data
        );
        // Stage 0: decode the request into the stage-1 registers.
        self.rom.address.next = self.mmio_addr.val();
        self.v1.d.next = self.mmio_valid.val();
        self.wr1.d.next = self.mmio_write.val();
        self.tid1.d.next = self.mmio_tid.val();
        self.wdata1.d.next = self.mmio_wdata.val();
        self.kind1.d.next = self
            .rom
            .data
            .val()
            .get_bits::<5>(self.kind_at.val().index());
        self.slot1.d.next = self
            .rom
            .data
            .val()
            .get_bits::<4>(self.slot_at.val().index());

        // Stage 1: the slots' registers, SLOT_RESET, and the read mux.
        for i in 0..self.files.len() {
            self.files[i].clock.next = self.clock.val();
            self.files[i].reset.next = self.reset.val();
            self.files[i].sel.next =
                self.v1.q.val() & !self.reset.val() & (self.slot1.q.val() == self.idx[i].val());
            self.files[i].write.next = self.wr1.q.val();
            self.files[i].kind.next = self.kind1.q.val();
            self.files[i].wdata.next = self.wdata1.q.val();
            self.files[i].slot_reset.next = self
                .slot_reset_q
                .q
                .val()
                .get_bit(self.bitpos[i].val().index());
            self.files[i].port.fault_rd.next = self.slots[i].fault_rd.val();
            self.files[i].port.fault_wr.next = self.slots[i].fault_wr.val();
            self.files[i].port.fault_count.next = self.slots[i].fault_count.val();
            self.files[i].port.fault_addr.next = self.slots[i].fault_addr.val();
            self.files[i].port.preempt_requested.next = self.slots[i].preempt_requested.val();
            self.files[i].port.preempt_paused.next = self.slots[i].preempt_paused.val();
            self.files[i].port.drained.next = self.slots[i].drained.val();
            self.files[i].port.preempt_timed_out.next = self.slots[i].preempt_timed_out.val();
            self.files[i].port.in_reset.next = self.slots[i].in_reset.val();
            self.files[i].port.rd_outstanding.next = self.slots[i].rd_outstanding.val();
            self.files[i].port.wr_outstanding.next = self.slots[i].wr_outstanding.val();
            self.files[i].port.rd_lines.next = self.slots[i].rd_lines.val();
            self.files[i].port.wr_lines.next = self.slots[i].wr_lines.val();
            self.slots[i].slice_base.next = self.files[i].port.slice_base.val();
            self.slots[i].slice_limit.next = self.files[i].port.slice_limit.val();
            self.slots[i].slot_reset.next = self.files[i].port.slot_reset.val();
            self.slots[i].fault_clear_rd.next = self.files[i].port.fault_clear_rd.val();
            self.slots[i].fault_clear_wr.next = self.files[i].port.fault_clear_wr.val();
            self.slots[i].fault_clear_count.next = self.files[i].port.fault_clear_count.val();
            self.slots[i].preempt_request.next = self.files[i].port.preempt_request.val();
            self.slots[i].preempt_release.next = self.files[i].port.preempt_release.val();
            self.slots[i].preempt_timeout.next = self.files[i].port.preempt_timeout.val();
            self.files[i].port.mmio_timeout.next = self.slots[i].mmio_timeout.val();
            self.timeouts.pulse[i].next = self.files[i].mmio_timeout.val();
        }
        self.timeouts.clock.next = self.clock.val();
        self.timeouts.reset.next = self.reset.val();
        if self.v1.q.val() & self.wr1.q.val() & (self.kind1.q.val() == self.k_slot_reset.val()) {
            self.slot_reset_q.d.next = self.wdata1.q.val() & self.slot_mask.val();
        }
        // Only the selected slot's file answers non-zero: OR them, then the page-wide ones.
        self.partial[0].next = self.files[0].rdata.val();
        for i in 1..self.files.len() {
            self.partial[i].next = self.partial[i - 1].val() | self.files[i].rdata.val();
        }
        for last in (self.files.len() - 1)..self.files.len() {
            self.rdata.next = self.partial[last].val();
        }
        if self.kind1.q.val() == self.k_dfh.val() {
            self.rdata.next = self.dfh.val();
        }
        if self.kind1.q.val() == self.k_id_l.val() {
            self.rdata.next = self.id_l.val();
        }
        if self.kind1.q.val() == self.k_id_h.val() {
            self.rdata.next = self.id_h.val();
        }
        if self.kind1.q.val() == self.k_slot_reset.val() {
            self.rdata.next = self.slot_reset_q.q.val();
        }
        if self.kind1.q.val() == self.k_num_slots.val() {
            self.rdata.next = self.num_slots.val();
        }
        if self.kind1.q.val() == self.k_version.val() {
            self.rdata.next = self.version.val();
        }
        if self.kind1.q.val() == self.k_mmio_timeouts.val() {
            self.rdata.next = self.timeouts.count.val();
        }

        // Stage 2: the response.
        self.rsp_v.d.next = self.v1.q.val() & !self.wr1.q.val();
        self.rsp_tid.d.next = self.tid1.q.val();
        self.rsp_data.d.next = self.rdata.val();
        self.mmio_rsp_valid.next = self.rsp_v.q.val();
        self.mmio_rsp_tid.next = self.rsp_tid.q.val();
        self.mmio_rsp_data.next = self.rsp_data.q.val();

        if self.reset.val() {
            self.v1.d.next = false;
            self.rsp_v.d.next = false;
            self.slot_reset_q.d.next = self.zero.val();
        }
    }
}
