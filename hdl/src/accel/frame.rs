//! (in progress: interface fixed, body being written)
//!
//! `AccelFrame`: the register page every accelerator shares (design.md §4), offsets from
//! `optimus_regs::accel`. Interface (other accelerators are written against it):
//!
//! ```text
//! pub struct AccelFrame {
//!     pub clock: Signal<In, Clock>,
//!     pub reset: Signal<In, Bit>,
//!     // MMIO, exactly the accelerator's slot-side MMIO ports (see super): answered in order,
//!     // MMIO_LATENCY = 2 cycles after the request.
//!     pub mmio_valid: Signal<In, Bit>, pub mmio_write: Signal<In, Bit>,
//!     pub mmio_addr: Signal<In, Bits<10>>, pub mmio_tid: Signal<In, Bits<9>>,
//!     pub mmio_wdata: Signal<In, Bits<64>>,
//!     pub mmio_rsp_valid: Signal<Out, Bit>, pub mmio_rsp_tid: Signal<Out, Bits<9>>,
//!     pub mmio_rsp_data: Signal<Out, Bits<64>>,
//!     pub state: Signal<In, Bits<3>>,          // STATE as the engine reports it
//!     pub pause_in: Signal<In, Bit>,           // the preemption controller's pulse
//!     pub start_new: Signal<Out, Bit>,         // one-cycle pulse: CTL written with 1
//!     pub start_resume: Signal<Out, Bit>,      // one-cycle pulse: CTL written with 5
//!     pub pause: Signal<Out, Bit>,             // one-cycle pulse: CTL written with 6, or pause_in
//!     pub snapshot_addr: Signal<Out, Bits<64>>,// SNAPSHOT_ADDR register
//!     pub app: Vec<Signal<Out, Bits<64>>>,     // 8 entries: app register i (0x030 + 8 i), stored value (0 for read-only ones)
//!     pub app_ro: Vec<Signal<In, Bits<64>>>,   // 8 entries: value read for read-only app register i (ignored for read/write ones)
//! }
//! impl AccelFrame { pub fn new(accel_id: [u64; 2] /* [L, H] */, state_size: u64, writable: [bool; 8]) -> Self }
//! ```
//! Pulses are produced in the cycle after the write is presented; a read presented in cycle t
//! is answered in t + 2 and sees every write presented before t. Unused `app_ro` inputs are
//! tied to 0 by the accelerator.
