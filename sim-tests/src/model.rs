//! [`MuxTreeModel`]: a safe handle on one Verilated `optimus_mux_tree`.
//!
//! Cycle convention (used by every agent in this crate): during cycle t the tree presents
//! outputs `O(t)` ([`MuxTreeModel::host_out`], [`MuxTreeModel::leaf_out`]) and the testbench sets
//! inputs `I(t)` ([`MuxTreeModel::host_in_mut`], [`MuxTreeModel::leaf_in_mut`]). The rising edge at
//! the end of the cycle ([`MuxTreeModel::tick`]) is where the tree samples `I(t)` and the
//! testbench samples `O(t)`; afterwards the outputs are `O(t+1)`. Since every output of the tree
//! is registered, `O(t)` never depends on `I(t)`.

use std::ffi::CString;
use std::path::Path;
use std::ptr::NonNull;

use thiserror::Error;

use crate::ffi::{MODELS, Shim};
use crate::ports::{Down, MuxIn, MuxOut, Up};

/// Cycles reset is held by [`MuxTreeModel::reset`] (the contract asks for at least 16).
pub const RESET_CYCLES: u64 = 16;
/// Idle cycles after reset release before traffic is allowed (the contract: from the 32nd).
pub const POST_RESET_IDLE: u64 = 32;

/// Why a model could not be used.
#[derive(Debug, Error)]
pub enum ModelError {
    /// This build has no model for that many leaves.
    #[error(
        "no Verilated model for {leaves} leaves (built: {built:?}); add N to LEAVES in sim-tests/build.rs"
    )]
    NotBuilt {
        /// Requested N.
        leaves: usize,
        /// The leaf counts that were built.
        built: Vec<usize>,
    },
    /// Tracing was asked for but the models were built without it.
    #[error("models were built without tracing: rebuild with OPTIMUS_TRACE=1")]
    TraceNotBuilt,
    /// The trace path cannot be passed to C.
    #[error("trace path {0:?} contains a NUL byte")]
    TracePath(String),
}

/// One Verilated multiplexer tree with N leaves. Not `Send`: a Verilated model stays on the
/// thread that built it.
pub struct MuxTreeModel {
    shim: &'static Shim,
    handle: NonNull<std::ffi::c_void>,
    inp: Box<MuxIn>,
    out: Box<MuxOut>,
    cycle: u64,
}

impl MuxTreeModel {
    /// The leaf counts this build has models for.
    pub fn available() -> Vec<usize> {
        MODELS.iter().map(|m| m.leaves).collect()
    }

    /// Builds a tree with `leaves` leaves, clock low, all inputs zero, not yet reset.
    pub fn new(leaves: usize) -> Result<Self, ModelError> {
        let shim =
            MODELS
                .iter()
                .find(|m| m.leaves == leaves)
                .ok_or_else(|| ModelError::NotBuilt {
                    leaves,
                    built: Self::available(),
                })?;
        Ok(Self::from_shim(shim))
    }

    fn from_shim(shim: &'static Shim) -> Self {
        // SAFETY: `new` has no preconditions; it returns a fresh heap model (never null: C++
        // `new` throws rather than return null, and a throw aborts at the C boundary).
        let raw = unsafe { (shim.new)() };
        let handle = NonNull::new(raw).expect("model allocation returned null");
        let mut model = Self {
            shim,
            handle,
            inp: Box::default(),
            out: Box::default(),
            cycle: 0,
        };
        model.eval();
        model
    }

    /// N.
    pub fn leaves(&self) -> usize {
        self.shim.leaves
    }

    /// Rising edges since the model was built.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// What leaf `i` drives into the tree this cycle (kept until changed).
    pub fn leaf_in_mut(&mut self, i: usize) -> &mut Up {
        assert!(i < self.leaves(), "leaf {i} out of range");
        &mut self.inp.leaf[i]
    }

    /// What the tree presents to leaf `i` this cycle.
    pub fn leaf_out(&self, i: usize) -> &Down {
        assert!(i < self.leaves(), "leaf {i} out of range");
        &self.out.leaf[i]
    }

    /// What the host drives into the root this cycle (kept until changed).
    pub fn host_in_mut(&mut self) -> &mut Down {
        &mut self.inp.host
    }

    /// What the root presents to the host this cycle.
    pub fn host_out(&self) -> &Up {
        &self.out.host
    }

    /// All inputs of this cycle.
    pub fn inputs(&self) -> &MuxIn {
        &self.inp
    }

    /// All outputs of this cycle.
    pub fn outputs(&self) -> &MuxOut {
        &self.out
    }

    /// Drives the reset input (kept until changed).
    pub fn set_reset(&mut self, reset: bool) {
        self.inp.reset = reset;
    }

    /// One clock cycle: the tree samples the inputs at the rising edge; the outputs then show
    /// what it presents in the next cycle.
    pub fn tick(&mut self) {
        // SAFETY: `handle` came from this shim's `new` and is freed only in Drop; `inp` and
        // `out` are live boxes of the `repr(C)` layouts the shim was compiled against (sizes
        // asserted on both sides) and the shim keeps no pointer to them after returning.
        unsafe { (self.shim.tick)(self.handle.as_ptr(), &*self.inp, &mut *self.out) };
        self.cycle += 1;
    }

    /// Zeroes every input, holds reset for [`RESET_CYCLES`], releases it and idles
    /// [`POST_RESET_IDLE`] cycles, so traffic may start right after this returns.
    pub fn reset(&mut self) {
        *self.inp = MuxIn::default();
        self.set_reset(true);
        for _ in 0..RESET_CYCLES {
            self.tick();
        }
        self.set_reset(false);
        for _ in 0..POST_RESET_IDLE {
            self.tick();
        }
    }

    /// Writes a VCD of every following cycle to `path` (models built with `OPTIMUS_TRACE=1`).
    pub fn trace_to(&mut self, path: &Path) -> Result<(), ModelError> {
        let text = path.to_string_lossy().into_owned();
        let c_path = CString::new(text.clone()).map_err(|_| ModelError::TracePath(text))?;
        // SAFETY: valid handle (see `tick`); `c_path` is NUL-terminated and outlives the call,
        // which copies it (VerilatedVcdC::open keeps a std::string).
        let rc = unsafe { (self.shim.trace_open)(self.handle.as_ptr(), c_path.as_ptr()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(ModelError::TraceNotBuilt)
        }
    }

    fn eval(&mut self) {
        // SAFETY: as in `tick`.
        unsafe { (self.shim.eval)(self.handle.as_ptr(), &*self.inp, &mut *self.out) };
    }
}

impl Drop for MuxTreeModel {
    fn drop(&mut self) {
        // SAFETY: `handle` came from this shim's `new` and is not used after this.
        unsafe { (self.shim.delete)(self.handle.as_ptr()) };
    }
}

impl std::fmt::Debug for MuxTreeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MuxTreeModel")
            .field("leaves", &self.leaves())
            .field("cycle", &self.cycle)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_count_builds_and_resets() {
        for n in MuxTreeModel::available() {
            let mut m = MuxTreeModel::new(n).expect("model exists");
            m.reset();
            assert_eq!(m.cycle(), RESET_CYCLES + POST_RESET_IDLE);
            assert!(!m.host_out().rd_req.valid && !m.host_out().wr_req.valid);
        }
    }

    #[test]
    fn unknown_leaf_count_is_an_error() {
        assert!(matches!(
            MuxTreeModel::new(7),
            Err(ModelError::NotBuilt { leaves: 7, .. })
        ));
    }
}
