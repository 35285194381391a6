//! Userspace access to a PCI device through Linux VFIO, with the type1 IOMMU.
//!
//! ```no_run
//! use optimus_driver::vfio::{BarAccess, BarIndex, BarOffset, DmaBuffer, DmaPerm, Iova, VfioDevice};
//!
//! let dev = VfioDevice::open("0000:00:03.0".parse()?)?;
//! let bar0 = dev.bar(BarIndex::BAR0, 0x1000, BarAccess::Auto)?;
//! let id = bar0.read32(BarOffset(0x0))?;
//! dev.enable_bus_master()?;
//! let buf = DmaBuffer::new(4096)?;
//! dev.map_dma(Iova(0x10_0000), &buf, DmaPerm::ReadWrite)?;
//! // ... program the device to DMA at Iova(0x10_0000) ...
//! dev.unmap_dma(Iova(0x10_0000), 4096)?;
//! # Ok::<(), optimus_driver::vfio::VfioError>(())
//! ```
//!
//! What it does: open by PCI address or IOMMU group ([`VfioDevice`]), BARs through mmap or
//! pread/pwrite ([`Bar`], [`BarAccess`]), config space (and Bus Master Enable, which vfio-pci
//! leaves off), DMA mappings of [`DmaBuffer`]s at chosen [`Iova`]s, and device reset.
//! What it does not (yet): interrupts (eventfds), sparse BAR mmap, several devices in one
//! container, vfio-user. Nothing here knows about tenants or slots.
//!
//! The machine must have an IOMMU on (`intel_iommu=on`) and the device bound to vfio-pci;
//! every set-up problem comes back as a [`VfioError`] that names the cause and the fix.
//!
//! Layout: `sys` holds all the `unsafe` (ioctls, mmap, volatile access); `kernel` puts the
//! ioctls behind a trait, faked in unit tests; `container`, `group`, `device` and `region`
//! are the VFIO objects; `sysfs` reads sysfs.

mod container;
mod device;
mod error;
#[cfg(test)]
mod fake;
mod group;
mod kernel;
mod region;
mod sys;
mod sysfs;
mod types;

pub use device::VfioDevice;
pub use error::{Result, VfioError};
pub use region::{Bar, BarAccess, RegionInfo};
pub use sys::DmaBuffer;
pub use sysfs::{PciId, find_pci_devices};
pub use types::{BarIndex, BarOffset, ConfigOffset, DmaPerm, GroupId, HostAddr, Iova, PciAddress};
