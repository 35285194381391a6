//! The Device API: one Optimus shell, real or simulated, with the same semantics for both
//! (design.md §6).
//!
//! ```no_run
//! use std::sync::Arc;
//! use optimus_driver::{Device, DmaBuffer, DmaPerm, Iova, SimOptions};
//!
//! let dev = Device::open_sim("mixed8", SimOptions::default())?;
//! println!("{} slots, shell {}", dev.identity().num_slots, dev.identity().shell_id_hex());
//! let buf = Arc::new(DmaBuffer::new(1 << 20)?);
//! dev.map_dma(Iova(0x4000_0000), Arc::clone(&buf), DmaPerm::ReadWrite)?;
//! let state = dev.mmio_read(0x1018)?; // slot 0's STATE
//! dev.unmap_dma(Iova(0x4000_0000))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Device`] is a [`Backend`] (which moves the bytes) plus what is the same everywhere:
//! the identity check against the configuration's manifest at open, offset checks, and the
//! SLOT_RESET sequence. Every method takes `&self` and may be called from many threads.

mod error;
mod vfio_backend;

pub use error::{DeviceError, Result};
pub use vfio_backend::VfioBackend;

use std::sync::{Arc, Mutex};

use optimus_bitstreams::Manifest;
use optimus_regs::monitor::{GlobalReg, SlotReg, slot_reg};
use optimus_regs::{PAGE_SIZE, Slot};

#[cfg(feature = "sim")]
use crate::sim::{SimBackend, SimOptions};
use crate::vfio::{DmaBuffer, DmaPerm, Iova, PciAddress};

/// Bytes of MMIO space: the host port's 16-bit address counts 4-byte units (design.md §1).
pub const MMIO_SPACE: u64 = (1 << 16) * optimus_regs::MMIO_UNIT_BYTES;
/// PREEMPT bit 4: the slot is in reset (held, or still draining after it).
const PREEMPT_IN_RESET: u64 = 1 << 4;

/// The unit of device time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Clock cycles of the simulated FPGA.
    Cycles,
    /// Nanoseconds of wall time (real hardware).
    Nanoseconds,
}

impl TimeUnit {
    /// `cycles` or `ns`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Cycles => "cycles",
            TimeUnit::Nanoseconds => "ns",
        }
    }
}

/// Why the IOMMU refused a device access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IommuFaultKind {
    /// Nothing is mapped at that IOVA.
    Unmapped,
    /// The mapping does not allow that direction (a write to a read-only buffer).
    Permission,
}

/// One access the IOMMU refused: a read got all-ones data, a write was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IommuFault {
    /// Device time of the access.
    pub time: u64,
    /// The line's IOVA.
    pub iova: Iova,
    /// A write (else a read).
    pub write: bool,
    /// Why.
    pub kind: IommuFaultKind,
}

/// What moves the bytes: the simulated FPGA or a VFIO device. Offsets reaching a backend are
/// already checked (8-byte aligned, inside [`MMIO_SPACE`]).
pub trait Backend: Send + Sync {
    /// For messages: `simulated mixed8`, `vfio 0000:03:00.0`.
    fn describe(&self) -> String;
    /// Reads the 64-bit register at byte `offset`.
    fn mmio_read(&self, offset: u64) -> Result<u64>;
    /// Writes the 64-bit register at byte `offset`.
    fn mmio_write(&self, offset: u64, value: u64) -> Result<()>;
    /// Lets the device reach all of `buf` at `iova` with `perm`.
    fn map_dma(&self, iova: Iova, buf: Arc<DmaBuffer>, perm: DmaPerm) -> Result<()>;
    /// Removes the mapping that starts at `iova`; returns its buffer.
    fn unmap_dma(&self, iova: Iova) -> Result<Arc<DmaBuffer>>;
    /// Current mappings: (IOVA, bytes, permission).
    fn mappings(&self) -> Vec<(Iova, u64, DmaPerm)>;
    /// The unit of [`Backend::now`].
    fn time_unit(&self) -> TimeUnit;
    /// Device time now.
    fn now(&self) -> u64;
    /// Lets at least `ticks` of device time pass (runs the simulated clock, or sleeps).
    fn advance(&self, ticks: u64);
    /// IOMMU faults since the last call (the simulated IOMMU records them; VFIO type1 reports
    /// none to userspace, so the VFIO backend returns nothing).
    fn take_iommu_faults(&self) -> Vec<IommuFault>;
    /// For downcasting to the concrete backend ([`Device::sim`]).
    fn as_any(&self) -> &dyn std::any::Any;
}

/// What the device says it is, read at open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// NUM_SLOTS.
    pub num_slots: usize,
    /// VERSION, `(major << 16) | minor`.
    pub version: u64,
    /// `[SHELL_ID_L, SHELL_ID_H]`.
    pub shell_id: [u64; 2],
}

impl Identity {
    /// SHELL_ID as 32 hex digits, high half first.
    pub fn shell_id_hex(&self) -> String {
        hex_id(self.shell_id)
    }
}

fn hex_id(id: [u64; 2]) -> String {
    format!("{:016x}{:016x}", id[1], id[0])
}

/// An opened, identified Optimus shell.
pub struct Device {
    backend: Box<dyn Backend>,
    identity: Identity,
    manifest: Manifest,
    /// SLOT_RESET is one register for all slots: read-modify-write under this lock.
    slot_reset: Mutex<()>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("backend", &self.backend.describe())
            .field("config", &self.manifest.name)
            .field("identity", &self.identity)
            .finish()
    }
}

impl Device {
    /// Opens `backend` for the configuration `manifest`: reads DFH, VERSION, NUM_SLOTS and
    /// SHELL_ID and refuses a device that is not the shell the manifest describes.
    pub fn open(backend: Box<dyn Backend>, manifest: &Manifest) -> Result<Self> {
        let device = backend.describe();
        let read = |reg: GlobalReg| backend.mmio_read(reg.offset());
        if read(GlobalReg::Dfh)? == 0 {
            return Err(DeviceError::NotAShell { device });
        }
        let version = read(GlobalReg::Version)?;
        if version >> 16 != optimus_regs::VERSION >> 16 {
            return Err(DeviceError::WrongVersion {
                device,
                expected: optimus_regs::VERSION,
                found: version,
            });
        }
        let num_slots = read(GlobalReg::NumSlots)?;
        if num_slots != manifest.slots.len() as u64 {
            return Err(DeviceError::WrongSlots {
                device,
                config: manifest.name.clone(),
                expected: manifest.slots.len() as u64,
                found: num_slots,
            });
        }
        let shell_id = [read(GlobalReg::ShellIdL)?, read(GlobalReg::ShellIdH)?];
        let expected = manifest.shell_id(optimus_regs::VERSION);
        if shell_id != expected {
            return Err(DeviceError::WrongShell {
                device,
                config: manifest.name.clone(),
                expected: hex_id(expected),
                found: hex_id(shell_id),
            });
        }
        Ok(Self {
            backend,
            identity: Identity {
                num_slots: num_slots as usize,
                version,
                shell_id,
            },
            manifest: manifest.clone(),
            slot_reset: Mutex::new(()),
        })
    }

    #[cfg(feature = "sim")]
    /// The simulated FPGA of configuration `config` (a name under `bitstreams/` or a
    /// directory), building its model on first use.
    pub fn open_sim(config: &str, options: SimOptions) -> Result<Self> {
        let (backend, manifest) = SimBackend::open(config, options)?;
        Self::open(Box::new(backend), &manifest)
    }

    /// The FPGA at `addr` through VFIO, checked against `manifest`.
    pub fn open_vfio(addr: PciAddress, manifest: &Manifest) -> Result<Self> {
        let backend = VfioBackend::open(addr)?;
        Self::open(Box::new(backend), manifest)
    }

    /// What the device reported at open.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The configuration it was opened for.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// For messages: which backend.
    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    fn check_offset(offset: u64) -> Result<()> {
        if offset % 8 != 0 || offset >= MMIO_SPACE {
            return Err(DeviceError::MmioOffset {
                offset,
                size: MMIO_SPACE,
            });
        }
        Ok(())
    }

    /// Reads the 64-bit register at byte `offset` (8-byte aligned, below [`MMIO_SPACE`]).
    pub fn mmio_read(&self, offset: u64) -> Result<u64> {
        Self::check_offset(offset)?;
        self.backend.mmio_read(offset)
    }

    /// Writes the 64-bit register at byte `offset`.
    pub fn mmio_write(&self, offset: u64, value: u64) -> Result<()> {
        Self::check_offset(offset)?;
        self.backend.mmio_write(offset, value)
    }

    /// Slot `index`, if the device has it.
    pub fn slot(&self, index: usize) -> Result<Slot> {
        Slot::new(index)
            .filter(|_| index < self.identity.num_slots)
            .ok_or(DeviceError::NoSuchSlot {
                slot: index,
                slots: self.identity.num_slots,
            })
    }

    /// Byte offset of register `offset` of slot `index`'s accelerator page.
    pub fn slot_page(&self, index: usize) -> Result<u64> {
        Ok(optimus_regs::slot_page_base(self.slot(index)?))
    }

    /// Reads monitor register `reg` of slot `index`.
    pub fn slot_reg(&self, index: usize, reg: SlotReg) -> Result<u64> {
        self.mmio_read(slot_reg(self.slot(index)?, reg))
    }

    /// Writes monitor register `reg` of slot `index`.
    pub fn set_slot_reg(&self, index: usize, reg: SlotReg, value: u64) -> Result<()> {
        self.mmio_write(slot_reg(self.slot(index)?, reg), value)
    }

    /// Lets the device reach all of `buf` at `iova` (4 KiB aligned) with `perm`. The device
    /// keeps the buffer alive until it is unmapped.
    pub fn map_dma(&self, iova: Iova, buf: Arc<DmaBuffer>, perm: DmaPerm) -> Result<()> {
        if iova.0 % PAGE_SIZE != 0 {
            return Err(DeviceError::Map {
                iova,
                reason: "the IOVA is not 4 KiB aligned".into(),
            });
        }
        self.backend.map_dma(iova, buf, perm)
    }

    /// Removes the mapping that starts at `iova` and gives its buffer back.
    pub fn unmap_dma(&self, iova: Iova) -> Result<Arc<DmaBuffer>> {
        self.backend.unmap_dma(iova)
    }

    /// Current DMA mappings: (IOVA, bytes, permission).
    pub fn mappings(&self) -> Vec<(Iova, u64, DmaPerm)> {
        self.backend.mappings()
    }

    /// IOMMU faults since the last call.
    pub fn take_iommu_faults(&self) -> Vec<IommuFault> {
        self.backend.take_iommu_faults()
    }

    /// Resets slot `index` (accelerator, auditor queues, preemption controller; design.md §3):
    /// sets its SLOT_RESET bit, clears it, and waits until PREEMPT shows the slot out of reset,
    /// i.e. every request it had issued has drained.
    pub fn slot_reset(&self, index: usize) -> Result<()> {
        let bit = 1u64 << self.slot(index)?.index();
        {
            let _held = self.slot_reset.lock().unwrap_or_else(|e| e.into_inner());
            let reg = GlobalReg::SlotReset.offset();
            let v = self.mmio_read(reg)?;
            self.mmio_write(reg, v | bit)?;
            self.advance(self.ticks(16));
            self.mmio_write(reg, v & !bit)?;
        }
        let start = self.now();
        let limit = self.ticks(100_000);
        loop {
            if self.slot_reg(index, SlotReg::Preempt)? & PREEMPT_IN_RESET == 0 {
                return Ok(());
            }
            let waited = self.now() - start;
            if waited > limit {
                return Err(DeviceError::SlotResetStuck {
                    slot: index,
                    waited,
                    unit: self.time_unit().as_str(),
                });
            }
            self.advance(self.ticks(64));
        }
    }

    /// `cycles` clock cycles in device time (at an assumed 400 MHz on hardware).
    pub fn ticks(&self, cycles: u64) -> u64 {
        match self.time_unit() {
            TimeUnit::Cycles => cycles,
            TimeUnit::Nanoseconds => cycles.div_ceil(4) * 10,
        }
    }

    /// The unit of device time.
    pub fn time_unit(&self) -> TimeUnit {
        self.backend.time_unit()
    }

    /// Device time now: cycles on the simulated FPGA, nanoseconds on hardware.
    pub fn now(&self) -> u64 {
        self.backend.now()
    }

    /// Lets at least `ticks` of device time pass.
    pub fn advance(&self, ticks: u64) {
        self.backend.advance(ticks)
    }

    #[cfg(feature = "sim")]
    /// The simulated backend, for what only it has (host settings, request log, trace).
    pub fn sim(&self) -> Option<&SimBackend> {
        self.backend.as_any().downcast_ref()
    }
}
