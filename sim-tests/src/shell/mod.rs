//! A host for a Verilated `optimus_shell`: [`ShellSim`] is the driver's simulated shell
//! ([`optimus_driver::sim::SimShell`]: latency, bandwidth, reordering, almfull, MMIO, protocol
//! checks on every cycle) over a sparse [`HostMemory`] instead of the IOMMU, so the
//! testbenches can look at any line and at every request that reached the host.
//!
//! The model is the one the driver builds and caches for the configuration (first use builds
//! it; see `optimus_driver::sim::model_cache`).

pub mod chain;
pub mod membench;
mod memory;
pub mod migrate;
mod ops;

pub use memory::{HostMemory, unwritten};
pub use optimus_driver::sim::shell::{HostConfig, HostReq, MMIO_DEADLINE, Violation};

use optimus_driver::sim::model_cache::{shell_model, stderr_progress};
use optimus_driver::sim::{ShellModel, SimError, SimShell};
use std::ops::{Deref, DerefMut};

/// The shell of a configuration plus its host, over sparse memory.
pub struct ShellSim(SimShell<HostMemory>);

impl ShellSim {
    /// The shell of configuration `config` (`bitstreams/<config>/`), reset and ready.
    pub fn new(config: &str, cfg: HostConfig) -> Result<Self, SimError> {
        let (manifest, _) = optimus_bitstreams::Manifest::find(config)?;
        let id = manifest.shell_id(optimus_regs::VERSION);
        let trace = std::env::var("OPTIMUS_TRACE").is_ok_and(|v| v == "1");
        let built = shell_model(&manifest, id, trace, &stderr_progress)?;
        let model = ShellModel::load(&built.library)?;
        Ok(Self(SimShell::new(model, HostMemory::default(), cfg)?))
    }

    /// Reads the register at byte `offset`, running the clock until it is answered.
    pub fn mmio_read(&mut self, offset: u64) -> u64 {
        self.0
            .try_mmio_read(offset)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Queues a read of the register at byte `offset`; returns its tid.
    pub fn mmio_issue_read(&mut self, offset: u64) -> u16 {
        self.0
            .mmio_issue_read(offset)
            .expect("at most 512 MMIO reads outstanding")
    }

    /// Runs until `done(self)` holds, checking every `every` cycles; `None` after `limit`
    /// cycles, else the cycles it took.
    pub fn run_until(
        &mut self,
        limit: u64,
        every: u64,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> Option<u64> {
        let start = self.cycle();
        while self.cycle() - start < limit {
            if done(self) {
                return Some(self.cycle() - start);
            }
            self.run(every);
        }
        None
    }
}

impl Deref for ShellSim {
    type Target = SimShell<HostMemory>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for ShellSim {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
