//! Host driver of Optimus-RS.
//!
//! For now this crate holds only the VFIO layer ([`vfio`]): userspace ownership of a PCIe
//! device through Linux VFIO and the type1 IOMMU (BAR MMIO, config space, DMA mappings,
//! reset). A later layer adds the device abstraction shared by the real FPGA and the
//! simulated shell on top of it; nothing here knows about tenants, slots or slices.
//!
//! Plain `cargo test` needs no VFIO: the ioctls sit behind a trait that unit tests fake.
//! `tests/vfio_guest` exercises the real thing inside a QEMU guest with an emulated Intel
//! IOMMU and QEMU's `edu` device (`tests/qemu/run-vfio-guest.sh`); on a machine without
//! that device it skips.

pub mod vfio;
