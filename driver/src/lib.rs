//! Host driver of Optimus-RS: one [`Device`] API over two backends (design.md §6).
//!
//! * [`vfio`]: userspace ownership of a PCIe FPGA through Linux VFIO and the type1 IOMMU
//!   (BARs, config space, DMA mappings, reset); [`device::VfioBackend`] puts the Device API on
//!   top of it.
//! * `sim` (feature `sim`, on by default): the simulated FPGA, the Verilated `optimus_shell` of a configuration built on
//!   first use and run in-process behind a simulated IOMMU and host.
//!
//! The driver knows devices, not tenants: slots, slices and registers are reachable, policy
//! (who may use what) is the hypervisor's.
//!
//! Plain `cargo test` needs neither VFIO nor Verilator: the ioctls sit behind a trait that
//! unit tests fake. `tests/vfio_guest` exercises VFIO for real inside a QEMU guest with an
//! emulated Intel IOMMU (`tests/qemu/run-vfio-guest.sh`); `tests/sim_device.rs` drives the
//! simulated FPGA (it needs Verilator and builds a model the first time).

pub mod device;
#[cfg(feature = "sim")]
pub mod sim;
pub mod vfio;

pub use device::{Backend, Device, DeviceError, Identity, IommuFault, IommuFaultKind, TimeUnit};
#[cfg(feature = "sim")]
pub use sim::{Clocking, HostConfig, SimBackend, SimOptions, TraceWindow};
pub use vfio::{DmaBuffer, DmaPerm, Iova};
