//! [`ShellModel`]: a safe handle on one Verilated `optimus_shell` loaded from a shared library
//! built by [`super::model_cache`]. All the `unsafe` of the simulated backend is here.
//!
//! Cycle convention: during cycle t the shell presents `host_out()` and the host sets
//! `host_in_mut()`; [`ShellModel::tick`] is the rising edge where both sample. Every output of
//! the shell is registered, so `host_out()` never depends on this cycle's inputs.

use std::ffi::{CString, c_char, c_int, c_void};
use std::path::Path;
use std::ptr::NonNull;

use libloading::Library;

use super::SimError;
use super::ports::{Down, MuxIn, MuxOut, Up};

/// Cycles reset is held by [`ShellModel::reset`] (design.md §1 asks for at least 16).
pub const RESET_CYCLES: u64 = 16;
/// Idle cycles after reset release before traffic is allowed (design.md §1).
pub const POST_RESET_IDLE: u64 = 32;

type NewFn = unsafe extern "C" fn() -> *mut c_void;
type DeleteFn = unsafe extern "C" fn(*mut c_void);
type TickFn = unsafe extern "C" fn(*mut c_void, *const MuxIn, *mut MuxOut);
type TraceOpenFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type TraceCloseFn = unsafe extern "C" fn(*mut c_void);

/// One Verilated shell.
pub struct ShellModel {
    handle: NonNull<c_void>,
    delete: DeleteFn,
    tick: TickFn,
    trace_open: TraceOpenFn,
    trace_close: TraceCloseFn,
    inp: Box<MuxIn>,
    out: Box<MuxOut>,
    cycle: u64,
    tracing: bool,
    // Last: the code above lives in the library, which must outlive every call (fields drop
    // in declaration order, and `Drop` runs before any of them).
    _lib: Library,
}

// SAFETY: the model is plain heap state of the library, touched only through `&mut self`
// methods, so moving it to another thread is like moving a Box; Verilator's thread checks exist
// only in VL_DEBUG builds, which the cache never makes.
unsafe impl Send for ShellModel {}

impl ShellModel {
    /// Loads the model in `library`, builds an instance (clock low, inputs zero, not reset).
    pub fn load(library: &Path) -> Result<Self, SimError> {
        let load_err = |e: libloading::Error| SimError::Load {
            path: library.to_path_buf(),
            message: e.to_string(),
        };
        // SAFETY: the library is one the model cache built from model_shim.cpp: its
        // initialisers only set up the Verilator runtime's statics, and it is linked with
        // -Bsymbolic so it never binds to, or replaces, symbols of this process.
        let lib = unsafe { Library::new(library) }.map_err(load_err)?;
        // SAFETY: each name is a function model_shim.cpp defines (OPTIMUS_FN(x) =
        // optimus_model_##x) with exactly the C signature of the type asked for.
        let (new, delete, tick, trace_open, trace_close) = unsafe {
            (
                symbol::<NewFn>(&lib, b"optimus_model_new\0").map_err(load_err)?,
                symbol::<DeleteFn>(&lib, b"optimus_model_delete\0").map_err(load_err)?,
                symbol::<TickFn>(&lib, b"optimus_model_tick\0").map_err(load_err)?,
                symbol::<TraceOpenFn>(&lib, b"optimus_model_trace_open\0").map_err(load_err)?,
                symbol::<TraceCloseFn>(&lib, b"optimus_model_trace_close\0").map_err(load_err)?,
            )
        };
        // SAFETY: `new` has no preconditions and returns a fresh heap model (C++ `new` throws
        // rather than return null, and a throw aborts at the C boundary).
        let raw = unsafe { new() };
        let handle = NonNull::new(raw).ok_or_else(|| SimError::Load {
            path: library.to_path_buf(),
            message: "the model's constructor returned null".into(),
        })?;
        Ok(Self {
            handle,
            delete,
            tick,
            trace_open,
            trace_close,
            inp: Box::default(),
            out: Box::default(),
            cycle: 0,
            tracing: false,
            _lib: lib,
        })
    }

    /// Rising edges since the model was built.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// What the host drives into the shell this cycle (kept until changed).
    pub fn host_in_mut(&mut self) -> &mut Down {
        &mut self.inp.host
    }

    /// What the host drives this cycle.
    pub fn host_in(&self) -> &Down {
        &self.inp.host
    }

    /// What the shell presents to the host this cycle.
    pub fn host_out(&self) -> &Up {
        &self.out.host
    }

    /// One clock cycle.
    pub fn tick(&mut self) {
        // SAFETY: `handle` came from this library's `new` and is freed only in Drop; `inp` and
        // `out` are live boxes of the repr(C) layouts the shim asserts (static_assert on sizes
        // and offsets), and the shim keeps no pointer to them after returning.
        unsafe { (self.tick)(self.handle.as_ptr(), &*self.inp, &mut *self.out) };
        self.cycle += 1;
    }

    /// Zeroes every input, holds reset for [`RESET_CYCLES`], releases it and idles
    /// [`POST_RESET_IDLE`] cycles, so traffic may start right after.
    pub fn reset(&mut self) {
        *self.inp = MuxIn::default();
        self.inp.reset = true;
        for _ in 0..RESET_CYCLES {
            self.tick();
        }
        self.inp.reset = false;
        for _ in 0..POST_RESET_IDLE {
            self.tick();
        }
    }

    /// Starts writing every following cycle to the VCD file `path` (a model built with
    /// tracing; see [`super::model_cache::shell_model`]).
    pub fn trace_open(&mut self, path: &Path) -> Result<(), SimError> {
        let text = path.to_string_lossy().into_owned();
        let c_path = CString::new(text.clone()).map_err(|_| SimError::TracePath(text))?;
        // SAFETY: valid handle (see `tick`); `c_path` is NUL-terminated and outlives the call,
        // which copies it (VerilatedVcdC::open keeps a std::string).
        let rc = unsafe { (self.trace_open)(self.handle.as_ptr(), c_path.as_ptr()) };
        if rc != 0 {
            return Err(SimError::TraceNotBuilt);
        }
        self.tracing = true;
        Ok(())
    }

    /// Stops and flushes the trace, if one is open.
    pub fn trace_close(&mut self) {
        if self.tracing {
            // SAFETY: valid handle (see `tick`); closing twice is a no-op in the shim anyway.
            unsafe { (self.trace_close)(self.handle.as_ptr()) };
            self.tracing = false;
        }
    }

    /// A trace is being written.
    pub fn tracing(&self) -> bool {
        self.tracing
    }
}

/// A function of the shim, copied out of the library.
///
/// # Safety
/// `name` must be a function of the library whose C signature is `T`, and the pointer must not
/// be called after the library is unloaded (`ShellModel::_lib` keeps it loaded).
unsafe fn symbol<T: Copy>(lib: &Library, name: &[u8]) -> Result<T, libloading::Error> {
    // SAFETY: the caller guarantees the type; see above.
    unsafe { lib.get::<T>(name).map(|f| *f) }
}

impl Drop for ShellModel {
    fn drop(&mut self) {
        // SAFETY: `handle` came from this library's `new` and is not used after this; the
        // library is still loaded (`_lib` drops after this function).
        unsafe { (self.delete)(self.handle.as_ptr()) };
    }
}

impl std::fmt::Debug for ShellModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShellModel")
            .field("cycle", &self.cycle)
            .finish_non_exhaustive()
    }
}
