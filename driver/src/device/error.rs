//! [`DeviceError`]: what can go wrong behind the [`Device`](super::Device) API, with what to do.

#[cfg(feature = "sim")]
use crate::sim::SimError;
use crate::vfio::{Iova, VfioError};

/// Errors of the Device API. Each says what went wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// The device runs another shell than the configuration it was opened for.
    #[error(
        "device {device} runs shell {found} but configuration `{config}` expects {expected}: \
         the device was built from another manifest; open it with that configuration, or load \
         the bitstream of `{config}` (gen-verilog shell --config {config})"
    )]
    WrongShell {
        /// The backend's description.
        device: String,
        /// Configuration name.
        config: String,
        /// SHELL_ID of the manifest.
        expected: String,
        /// SHELL_ID the device reports.
        found: String,
    },
    /// NUM_SLOTS differs from the manifest.
    #[error(
        "device {device} has {found} slots but configuration `{config}` has {expected}: wrong \
         configuration for this device"
    )]
    WrongSlots {
        /// The backend's description.
        device: String,
        /// Configuration name.
        config: String,
        /// Slots in the manifest.
        expected: u64,
        /// NUM_SLOTS read.
        found: u64,
    },
    /// The register map's major version differs from the driver's.
    #[error(
        "device {device} has register map version {found:#x}, this driver speaks {expected:#x} \
         (major versions must match): update the driver or the bitstream"
    )]
    WrongVersion {
        /// The backend's description.
        device: String,
        /// The driver's VERSION.
        expected: u64,
        /// VERSION read.
        found: u64,
    },
    /// DFH reads zero: no Optimus shell answers at BAR0.
    #[error(
        "device {device} is not an Optimus shell (DFH at offset 0 reads 0): check the PCI \
         address and that the FPGA is programmed"
    )]
    NotAShell {
        /// The backend's description.
        device: String,
    },
    /// An MMIO offset outside the register space or not 8-byte aligned.
    #[error("MMIO offset {offset:#x} is not an 8-byte register inside the {size:#x}-byte space")]
    MmioOffset {
        /// The offset.
        offset: u64,
        /// Size of the MMIO space.
        size: u64,
    },
    /// A slot index the device does not have.
    #[error("slot {slot} does not exist: the device has {slots} slots")]
    NoSuchSlot {
        /// The index.
        slot: usize,
        /// NUM_SLOTS.
        slots: usize,
    },
    /// A slot stayed in reset (PREEMPT bit 4) after SLOT_RESET was released.
    #[error(
        "slot {slot} still reports `in reset` {waited} {unit} after SLOT_RESET was released: \
         its old requests never drained (host not answering?); reset the whole device"
    )]
    SlotResetStuck {
        /// Slot.
        slot: usize,
        /// Device time waited.
        waited: u64,
        /// Unit of `waited`.
        unit: &'static str,
    },
    /// A DMA mapping was refused.
    #[error("DMA mapping at {iova} refused: {reason}")]
    Map {
        /// Where.
        iova: Iova,
        /// Why.
        reason: String,
    },
    /// An error of the VFIO backend.
    #[error(transparent)]
    Vfio(#[from] VfioError),
    /// An error of the simulated backend.
    #[cfg(feature = "sim")]
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// The result type of the Device API.
pub type Result<T> = std::result::Result<T, DeviceError>;
