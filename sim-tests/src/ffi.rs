//! The raw C ABI of the Verilated tree models (`driver/csrc/model_shim.cpp`), one entry per
//! leaf count.
//!
//! Only [`crate::model`] calls these; everything here is `unsafe` to call.

use std::ffi::{c_char, c_int, c_void};

use crate::ports::{MuxIn, MuxOut};

/// The entry points of one model, compiled for `leaves` leaves.
pub(crate) struct Shim {
    /// N.
    pub leaves: usize,
    /// Builds a model (its own `VerilatedContext`), clock low, inputs zero.
    pub new: unsafe extern "C" fn() -> *mut c_void,
    /// Frees a model from `new`, closing its trace.
    pub delete: unsafe extern "C" fn(*mut c_void),
    /// Applies inputs without a clock edge and reads the outputs.
    pub eval: unsafe extern "C" fn(*mut c_void, *const MuxIn, *mut MuxOut),
    /// One cycle: inputs sampled at the rising edge, outputs read after it.
    pub tick: unsafe extern "C" fn(*mut c_void, *const MuxIn, *mut MuxOut),
    /// Opens a VCD file (NUL-terminated path); -1 if built without `OPTIMUS_TRACE=1`.
    pub trace_open: unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int,
}

include!(concat!(env!("OUT_DIR"), "/models.rs"));
