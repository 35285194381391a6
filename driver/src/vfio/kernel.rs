//! The kernel interface of the VFIO layer as two small traits, so the logic above it can be
//! tested without VFIO: [`Kernel`] (the ioctls and BAR mmap, implemented by `sys::Linux` and,
//! in unit tests, by `fake::FakeKernel`) and [`MmioWindow`] (a mapped BAR).
//!
//! Every method is safe: the one thing that lets a device write host memory, `dma_map`, only
//! accepts a [`DmaBuffer`], whose memory Rust touches through volatile accesses only.

use std::ffi::CStr;
use std::fmt::Debug;
use std::os::fd::{BorrowedFd, OwnedFd};

use nix::Result;

use super::region::RegionInfo;
use super::sys::DmaBuffer;
use super::types::Iova;

/// `VFIO_DEVICE_GET_INFO`, the fields we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeviceInfo {
    pub flags: u32,
    pub num_regions: u32,
    pub num_irqs: u32,
}

/// The VFIO ioctls (and BAR mmap) the layer needs, each a thin safe wrapper.
pub(crate) trait Kernel: Send + Sync + Debug {
    /// `VFIO_GET_API_VERSION`.
    fn api_version(&self, container: BorrowedFd<'_>) -> Result<i32>;
    /// `VFIO_CHECK_EXTENSION`: > 0 when supported.
    fn check_extension(&self, container: BorrowedFd<'_>, ext: u32) -> Result<i32>;
    /// `VFIO_SET_IOMMU`.
    fn set_iommu(&self, container: BorrowedFd<'_>, iommu_type: u32) -> Result<()>;
    /// `VFIO_IOMMU_GET_INFO`: the supported IOMMU page sizes (bitmap).
    fn iova_pgsizes(&self, container: BorrowedFd<'_>) -> Result<u64>;
    /// `VFIO_GROUP_GET_STATUS`: the group flags.
    fn group_status(&self, group: BorrowedFd<'_>) -> Result<u32>;
    /// `VFIO_GROUP_SET_CONTAINER`.
    fn set_container(&self, group: BorrowedFd<'_>, container: BorrowedFd<'_>) -> Result<()>;
    /// `VFIO_GROUP_GET_DEVICE_FD`.
    fn device_fd(&self, group: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd>;
    /// `VFIO_DEVICE_GET_INFO`.
    fn device_info(&self, device: BorrowedFd<'_>) -> Result<DeviceInfo>;
    /// `VFIO_DEVICE_GET_REGION_INFO`, capabilities included.
    fn region_info(&self, device: BorrowedFd<'_>, index: u32) -> Result<RegionInfo>;
    /// `VFIO_DEVICE_RESET`.
    fn reset(&self, device: BorrowedFd<'_>) -> Result<()>;
    /// `VFIO_IOMMU_MAP_DMA` of the whole of `buf` at `iova` with `VFIO_DMA_MAP_FLAG_*` flags.
    fn dma_map(
        &self,
        container: BorrowedFd<'_>,
        iova: Iova,
        buf: &DmaBuffer,
        flags: u32,
    ) -> Result<()>;
    /// `VFIO_IOMMU_UNMAP_DMA`: returns how many bytes the kernel unmapped.
    fn dma_unmap(&self, container: BorrowedFd<'_>, iova: Iova, len: u64) -> Result<u64>;
    /// mmap `len` bytes of the device fd at `offset` (a region's offset), shared, read/write.
    fn map_region(
        &self,
        device: BorrowedFd<'_>,
        offset: u64,
        len: usize,
    ) -> Result<Box<dyn MmioWindow>>;
}

/// A mapped BAR. Accessors return `None` when the access is out of range or misaligned; the
/// caller turns that into a typed error (MMIO never fails silently).
pub(crate) trait MmioWindow: Send + Sync + Debug {
    /// 32-bit volatile read at byte offset `off`.
    fn read32(&self, off: usize) -> Option<u32>;
    /// 64-bit volatile read at byte offset `off`.
    fn read64(&self, off: usize) -> Option<u64>;
    /// 32-bit volatile write at byte offset `off`.
    fn write32(&self, off: usize, value: u32) -> Option<()>;
    /// 64-bit volatile write at byte offset `off`.
    fn write64(&self, off: usize, value: u64) -> Option<()>;
}

/// True if a `width`-byte access at `off` lies inside `len` bytes and is naturally aligned.
pub(crate) fn access_ok(off: usize, width: usize, len: usize) -> bool {
    off % width == 0 && off.checked_add(width).is_some_and(|end| end <= len)
}

#[cfg(test)]
mod tests {
    use super::access_ok;

    #[test]
    fn access_ok_checks_range_and_alignment() {
        assert!(access_ok(0, 4, 4));
        assert!(access_ok(8, 8, 16));
        assert!(!access_ok(12, 8, 16));
        assert!(!access_ok(16, 4, 16));
        assert!(!access_ok(2, 4, 16));
        assert!(!access_ok(usize::MAX - 3, 4, usize::MAX));
    }
}
