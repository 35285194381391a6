//! The simulated FPGA: the Verilated `optimus_shell` of a configuration, run in-process behind
//! a simulated IOMMU and host (design.md §6).
//!
//! [`SimBackend::open`] finds the configuration (`bitstreams/<name>/` or a directory), builds
//! its model on first use ([`model_cache`], announced on stderr) and loads it. The host side
//! ([`SimShell`]) answers the shell's reads and writes from the [`DmaBuffer`]s mapped through
//! the [`Iommu`], with the latency, bandwidth, reordering and almfull of a [`HostConfig`].
//!
//! Time is the shell's clock. With [`Clocking::OnDemand`] (the default, deterministic for a
//! given seed and call order) the clock runs only inside calls: an MMIO read runs it until the
//! answer comes, [`Backend::advance`] runs it for a number of cycles. With
//! [`Clocking::FreeRunning`] a thread also runs it all the time, like real hardware (it keeps
//! one core busy). Every method locks the simulation, so the backend may be shared by threads.

mod error;
pub mod iommu;
pub mod model;
pub mod model_cache;
pub mod ports;
pub mod shell;

pub use error::SimError;
pub use iommu::Iommu;
pub use model::ShellModel;
pub use shell::{HostConfig, HostReq, LineMemory, SimShell, TraceWindow, Violation};

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use optimus_bitstreams::Manifest;

use crate::device::{Backend, DeviceError, IommuFault, Result, TimeUnit};
use crate::vfio::{DmaBuffer, DmaPerm, Iova};

/// Cycles the free-running clock runs per turn of the lock.
const FREE_RUN_BURST: u64 = 256;
/// Cycles [`Backend::advance`] runs per turn of the lock, so other threads get in between.
const ADVANCE_BURST: u64 = 1024;

/// Who runs the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clocking {
    /// Only calls run it (deterministic).
    #[default]
    OnDemand,
    /// A thread runs it all the time, as on hardware.
    FreeRunning,
}

/// How to open a simulated FPGA.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// The simulated host.
    pub host: HostConfig,
    /// Who runs the clock.
    pub clocking: Clocking,
    /// A window of cycles to trace into a VCD file (builds a traced model on first use).
    pub trace: Option<TraceWindow>,
    /// Print the model build's progress on stderr (the default).
    pub progress: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            host: HostConfig::default(),
            clocking: Clocking::OnDemand,
            trace: None,
            progress: true,
        }
    }
}

struct Inner {
    shell: Mutex<SimShell<Iommu>>,
    /// Threads waiting for `shell`: the free-running clock lets them in first.
    waiting: AtomicUsize,
    stop: AtomicBool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, SimShell<Iommu>> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        // A panic while holding the lock leaves the simulation in a cycle-consistent state (a
        // tick either happened or not), so a poisoned lock is still usable.
        let guard = self.shell.lock().unwrap_or_else(|e| e.into_inner());
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        guard
    }
}

/// The simulated FPGA backend.
pub struct SimBackend {
    name: String,
    inner: Arc<Inner>,
    clock: Option<JoinHandle<()>>,
}

impl SimBackend {
    /// Opens the configuration `config` (a shipped name such as `mixed8`, or a directory with
    /// a `manifest.toml`); returns the backend and the manifest it runs.
    pub fn open(
        config: &str,
        options: SimOptions,
    ) -> std::result::Result<(Self, Manifest), SimError> {
        let (manifest, _dir) = Manifest::find(config)?;
        let id = manifest.shell_id(optimus_regs::VERSION);
        let quiet = |_: &str| {};
        let progress: &model_cache::Progress = if options.progress {
            &model_cache::stderr_progress
        } else {
            &quiet
        };
        let built = model_cache::shell_model(&manifest, id, options.trace.is_some(), progress)?;
        let model = ShellModel::load(&built.library)?;
        let mut shell = SimShell::new(model, Iommu::default(), options.host)?;
        if let Some(window) = options.trace {
            shell.set_trace(window)?;
        }
        let inner = Arc::new(Inner {
            shell: Mutex::new(shell),
            waiting: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let clock = (options.clocking == Clocking::FreeRunning).then(|| {
            let inner = Arc::clone(&inner);
            std::thread::Builder::new()
                .name(format!("optimus-sim-{}", manifest.name))
                .spawn(move || free_run(&inner))
                .expect("spawning a thread")
        });
        let backend = Self {
            name: manifest.name.clone(),
            inner,
            clock,
        };
        Ok((backend, manifest))
    }

    /// Runs `f` on the simulation, under its lock (host settings, request log, protocol
    /// violations, or anything else [`SimShell`] offers).
    pub fn with_shell<R>(&self, f: impl FnOnce(&mut SimShell<Iommu>) -> R) -> R {
        f(&mut self.inner.lock())
    }

    /// IOMMU faults since the device was opened.
    pub fn iommu_fault_count(&self) -> u64 {
        self.inner.lock().mem.fault_count()
    }
}

fn free_run(inner: &Inner) {
    while !inner.stop.load(Ordering::Relaxed) {
        if inner.waiting.load(Ordering::SeqCst) > 0 {
            std::thread::yield_now();
            continue;
        }
        inner.lock().run(FREE_RUN_BURST);
    }
}

impl Drop for SimBackend {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::Relaxed);
        if let Some(clock) = self.clock.take() {
            let _ = clock.join();
        }
    }
}

impl Backend for SimBackend {
    fn describe(&self) -> String {
        format!("simulated {}", self.name)
    }

    fn mmio_read(&self, offset: u64) -> Result<u64> {
        Ok(self.inner.lock().try_mmio_read(offset)?)
    }

    fn mmio_write(&self, offset: u64, value: u64) -> Result<()> {
        self.inner.lock().mmio_write(offset, value);
        Ok(())
    }

    fn map_dma(&self, iova: Iova, buf: Arc<DmaBuffer>, perm: DmaPerm) -> Result<()> {
        self.inner
            .lock()
            .mem
            .map(iova, buf, perm)
            .map_err(|e| DeviceError::Map {
                iova,
                reason: e.to_string(),
            })
    }

    fn unmap_dma(&self, iova: Iova) -> Result<Arc<DmaBuffer>> {
        self.inner
            .lock()
            .mem
            .unmap(iova)
            .map_err(|e| DeviceError::Map {
                iova,
                reason: e.to_string(),
            })
    }

    fn mappings(&self) -> Vec<(Iova, u64, DmaPerm)> {
        self.inner.lock().mem.mappings()
    }

    fn time_unit(&self) -> TimeUnit {
        TimeUnit::Cycles
    }

    fn now(&self) -> u64 {
        self.inner.lock().cycle()
    }

    fn advance(&self, ticks: u64) {
        let mut left = ticks;
        while left > 0 {
            // Callers waiting for an MMIO answer go first: std's Mutex is not fair, and a
            // thread that only runs the clock would otherwise keep it while they starve.
            while self.inner.waiting.load(Ordering::SeqCst) > 0 {
                std::thread::yield_now();
            }
            let n = left.min(ADVANCE_BURST);
            self.inner.lock().run(n);
            left -= n;
        }
    }

    fn take_iommu_faults(&self) -> Vec<IommuFault> {
        self.inner.lock().mem.take_faults()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
