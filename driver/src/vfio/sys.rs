//! The only module of the driver with `unsafe`: the VFIO ioctls, mmap/munmap of BARs, volatile
//! MMIO, and the [`DmaBuffer`] whose memory a device may write at any time.
//!
//! Every VFIO ioctl is `_IO(';', 100 + n)`: the kernel encodes neither size nor direction even
//! when a pointer is passed, so they are declared with nix's `ioctl_*_bad!` macros and
//! `request_code_none!`. vfio-bindings supplies the structs and flags, not the request codes.

use std::ffi::CStr;
use std::fmt;
use std::mem::size_of;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU8, Ordering};

use memmap2::MmapMut;
use nix::Result;
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};
use vfio_bindings::bindings::vfio::{
    vfio_device_info, vfio_group_status, vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_unmap,
    vfio_iommu_type1_info, vfio_region_info,
};

use super::error::VfioError;
use super::kernel::{DeviceInfo, Kernel, MmioWindow, access_ok};
use super::region::RegionInfo;
use super::types::{HostAddr, Iova};

/// The raw ioctls. `GROUP_SET_CONTAINER` takes a pointer to the container fd and
/// `GROUP_GET_DEVICE_FD` a pointer to a NUL-terminated name.
mod ioctl {
    use std::os::raw::{c_char, c_int};

    use nix::request_code_none as io;
    use nix::{ioctl_none_bad, ioctl_readwrite_bad, ioctl_write_int_bad, ioctl_write_ptr_bad};
    use vfio_bindings::bindings::vfio::{
        vfio_device_info as DeviceInfo, vfio_group_status as GroupStatus,
        vfio_iommu_type1_dma_map as DmaMap, vfio_iommu_type1_dma_unmap as DmaUnmap,
        vfio_iommu_type1_info as IommuInfo, vfio_region_info as RegionInfo,
    };

    ioctl_none_bad!(get_api_version, io!(b';', 100));
    ioctl_write_int_bad!(check_extension, io!(b';', 100 + 1));
    ioctl_write_int_bad!(set_iommu, io!(b';', 100 + 2));
    ioctl_readwrite_bad!(group_get_status, io!(b';', 100 + 3), GroupStatus);
    ioctl_write_ptr_bad!(group_set_container, io!(b';', 100 + 4), c_int);
    ioctl_write_ptr_bad!(group_get_device_fd, io!(b';', 100 + 6), c_char);
    ioctl_readwrite_bad!(device_get_info, io!(b';', 100 + 7), DeviceInfo);
    ioctl_readwrite_bad!(device_region_info, io!(b';', 100 + 8), RegionInfo);
    ioctl_none_bad!(device_reset, io!(b';', 100 + 11));
    ioctl_readwrite_bad!(iommu_get_info, io!(b';', 100 + 12), IommuInfo);
    ioctl_write_ptr_bad!(iommu_map_dma, io!(b';', 100 + 13), DmaMap);
    ioctl_readwrite_bad!(iommu_unmap_dma, io!(b';', 100 + 14), DmaUnmap);
}

/// `argsz` of a VFIO struct: its size, which always fits in u32.
fn argsz<T>() -> u32 {
    size_of::<T>() as u32
}

/// The real kernel.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Linux;

impl Kernel for Linux {
    fn api_version(&self, container: BorrowedFd<'_>) -> Result<i32> {
        // SAFETY: GET_API_VERSION takes no argument and only reads the fd.
        unsafe { ioctl::get_api_version(container.as_raw_fd()) }
    }

    fn check_extension(&self, container: BorrowedFd<'_>, ext: u32) -> Result<i32> {
        // SAFETY: CHECK_EXTENSION takes its argument by value; no memory is passed.
        unsafe { ioctl::check_extension(container.as_raw_fd(), ext as i32) }
    }

    fn set_iommu(&self, container: BorrowedFd<'_>, iommu_type: u32) -> Result<()> {
        // SAFETY: SET_IOMMU takes the IOMMU type by value; no memory is passed.
        unsafe { ioctl::set_iommu(container.as_raw_fd(), iommu_type as i32) }.map(drop)
    }

    fn iova_pgsizes(&self, container: BorrowedFd<'_>) -> Result<u64> {
        let mut info = vfio_iommu_type1_info {
            argsz: argsz::<vfio_iommu_type1_info>(),
            ..Default::default()
        };
        // SAFETY: `info` is a live, writable vfio_iommu_type1_info whose argsz tells the
        // kernel how much it may write; the kernel writes no further.
        unsafe { ioctl::iommu_get_info(container.as_raw_fd(), &mut info) }?;
        Ok(info.iova_pgsizes)
    }

    fn group_status(&self, group: BorrowedFd<'_>) -> Result<u32> {
        let mut status = vfio_group_status {
            argsz: argsz::<vfio_group_status>(),
            flags: 0,
        };
        // SAFETY: `status` is a live, writable vfio_group_status with a matching argsz.
        unsafe { ioctl::group_get_status(group.as_raw_fd(), &mut status) }?;
        Ok(status.flags)
    }

    fn set_container(&self, group: BorrowedFd<'_>, container: BorrowedFd<'_>) -> Result<()> {
        let fd = container.as_raw_fd();
        // SAFETY: the kernel reads one c_int (the container fd) through the pointer, which
        // points at `fd`, alive for the call.
        unsafe { ioctl::group_set_container(group.as_raw_fd(), &fd) }.map(drop)
    }

    fn device_fd(&self, group: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd> {
        // SAFETY: `name` is a NUL-terminated string alive for the call; the kernel reads it
        // up to the NUL.
        let fd = unsafe { ioctl::group_get_device_fd(group.as_raw_fd(), name.as_ptr()) }?;
        // SAFETY: on success the ioctl returns a new fd that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    fn device_info(&self, device: BorrowedFd<'_>) -> Result<DeviceInfo> {
        let mut info = vfio_device_info {
            argsz: argsz::<vfio_device_info>(),
            ..Default::default()
        };
        // SAFETY: `info` is a live, writable vfio_device_info with a matching argsz; the
        // kernel writes capabilities only if argsz leaves room for them, and it leaves none.
        unsafe { ioctl::device_get_info(device.as_raw_fd(), &mut info) }?;
        Ok(DeviceInfo {
            flags: info.flags,
            num_regions: info.num_regions,
            num_irqs: info.num_irqs,
        })
    }

    fn region_info(&self, device: BorrowedFd<'_>, index: u32) -> Result<RegionInfo> {
        // u64 words keep the buffer aligned for vfio_region_info (align 8).
        let mut words = vec![0u64; size_of::<vfio_region_info>() / 8];
        loop {
            let len = words.len() * 8;
            let head = vfio_region_info {
                argsz: len as u32,
                index,
                ..Default::default()
            };
            let ptr = words.as_mut_ptr().cast::<vfio_region_info>();
            // SAFETY: `words` is at least size_of::<vfio_region_info>() bytes, 8-aligned and
            // exclusively borrowed here, so writing one vfio_region_info into it is sound.
            unsafe { ptr.write(head) };
            // SAFETY: `ptr` points at `len` writable bytes starting with a vfio_region_info
            // whose argsz is `len`; the kernel writes the info and the capability chain only
            // within argsz bytes.
            unsafe { ioctl::device_region_info(device.as_raw_fd(), ptr) }?;
            // SAFETY: `ptr` is valid, aligned and initialised (the kernel filled it in).
            let needed = unsafe { ptr.read() }.argsz as usize;
            if needed <= len {
                let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
                return Ok(RegionInfo::parse(&bytes[..needed]));
            }
            words = vec![0u64; needed.div_ceil(8)];
        }
    }

    fn reset(&self, device: BorrowedFd<'_>) -> Result<()> {
        // SAFETY: DEVICE_RESET takes no argument.
        unsafe { ioctl::device_reset(device.as_raw_fd()) }.map(drop)
    }

    fn dma_map(
        &self,
        container: BorrowedFd<'_>,
        iova: Iova,
        buf: &DmaBuffer,
        flags: u32,
    ) -> Result<()> {
        let map = vfio_iommu_type1_dma_map {
            argsz: argsz::<vfio_iommu_type1_dma_map>(),
            flags,
            vaddr: buf.host_addr().0,
            iova: iova.0,
            size: buf.len() as u64,
        };
        // SAFETY: the kernel only reads `map`. The mapping lets the device write `buf`'s
        // pages at any time, which Rust tolerates because DmaBuffer touches its memory only
        // through raw pointers and volatile accesses; the kernel pins the pages, so they
        // stay valid for the device even if `buf` is dropped before the unmap.
        unsafe { ioctl::iommu_map_dma(container.as_raw_fd(), &map) }.map(drop)
    }

    fn dma_unmap(&self, container: BorrowedFd<'_>, iova: Iova, len: u64) -> Result<u64> {
        let mut unmap = vfio_iommu_type1_dma_unmap {
            argsz: argsz::<vfio_iommu_type1_dma_unmap>(),
            flags: 0,
            iova: iova.0,
            size: len,
            data: Default::default(),
        };
        // SAFETY: `unmap` is live and writable with a matching argsz; without flags the
        // kernel reads it and writes back only `size`.
        unsafe { ioctl::iommu_unmap_dma(container.as_raw_fd(), &mut unmap) }?;
        Ok(unmap.size)
    }

    fn map_region(
        &self,
        device: BorrowedFd<'_>,
        offset: u64,
        len: usize,
    ) -> Result<Box<dyn MmioWindow>> {
        let length = NonZeroUsize::new(len).ok_or(nix::errno::Errno::EINVAL)?;
        let offset = i64::try_from(offset).map_err(|_| nix::errno::Errno::EOVERFLOW)?;
        let prot = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
        // SAFETY: a fresh shared mapping chosen by the kernel (no fixed address), so it
        // replaces nothing; BarMapping owns it and unmaps it exactly once, on drop.
        let ptr = unsafe { mmap(None, length, prot, MapFlags::MAP_SHARED, device, offset) }?;
        Ok(Box::new(BarMapping {
            ptr: ptr.cast(),
            len,
        }))
    }
}

/// A BAR mapped into this process. Device memory: accessed only with volatile reads/writes
/// of naturally aligned 32/64-bit words.
pub(crate) struct BarMapping {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain device memory owned by this value; it has no thread affinity.
unsafe impl Send for BarMapping {}
// SAFETY: all accesses are single volatile loads/stores to device registers, which the
// device serialises; no Rust reference to the memory is ever created.
unsafe impl Sync for BarMapping {}

impl fmt::Debug for BarMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BarMapping({:p}, {:#x} bytes)", self.ptr, self.len)
    }
}

impl MmioWindow for BarMapping {
    fn read32(&self, off: usize) -> Option<u32> {
        access_ok(off, 4, self.len).then(|| {
            // SAFETY: `off..off + 4` lies inside the mapping and is 4-aligned (checked above;
            // the mapping is page-aligned); the mapping lives as long as `self`.
            unsafe { self.ptr.add(off).cast::<u32>().read_volatile() }
        })
    }

    fn read64(&self, off: usize) -> Option<u64> {
        access_ok(off, 8, self.len).then(|| {
            // SAFETY: `off..off + 8` lies inside the live mapping and is 8-aligned.
            unsafe { self.ptr.add(off).cast::<u64>().read_volatile() }
        })
    }

    fn write32(&self, off: usize, value: u32) -> Option<()> {
        access_ok(off, 4, self.len).then(|| {
            // SAFETY: `off..off + 4` lies inside the live, writable mapping and is 4-aligned.
            unsafe { self.ptr.add(off).cast::<u32>().write_volatile(value) }
        })
    }

    fn write64(&self, off: usize, value: u64) -> Option<()> {
        access_ok(off, 8, self.len).then(|| {
            // SAFETY: `off..off + 8` lies inside the live, writable mapping and is 8-aligned.
            unsafe { self.ptr.add(off).cast::<u64>().write_volatile(value) }
        })
    }
}

impl Drop for BarMapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly what mmap returned, and this is the only unmap.
        if let Err(e) = unsafe { munmap(self.ptr.cast(), self.len) } {
            eprintln!("optimus-driver: munmap of a BAR failed: {e}");
        }
    }
}

/// Host memory a device may read or write by DMA once it is mapped with
/// [`VfioDevice::map_dma`](super::VfioDevice::map_dma) or a [`Device`](crate::Device): an
/// anonymous, page-aligned mapping whose bytes Rust touches only through relaxed atomic
/// accesses, never through references. So a device writing it concurrently (real hardware, or
/// the simulated FPGA on another thread) cannot break Rust's aliasing or data-race rules, and
/// the buffer can be shared (`Arc<DmaBuffer>`) between its user and the device.
pub struct DmaBuffer {
    map: MmapMut,
}

impl fmt::Debug for DmaBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DmaBuffer({}, {:#x} bytes)",
            self.host_addr(),
            self.len()
        )
    }
}

impl DmaBuffer {
    /// A zeroed buffer of `len` bytes rounded up to a multiple of 4 KiB (the IOMMU maps
    /// whole pages).
    pub fn new(len: usize) -> super::Result<Self> {
        let err = |source| VfioError::AllocDma { len, source };
        let rounded = len
            .checked_next_multiple_of(4096)
            .ok_or_else(|| err(std::io::ErrorKind::InvalidInput.into()))?;
        let map = MmapMut::map_anon(rounded).map_err(err)?;
        Ok(Self { map })
    }

    /// The whole of `file` (a memfd a tenant shares, say) as a buffer: a shared mapping, so
    /// the bytes are the ones every other mapping of the file sees. Its size must be a
    /// non-zero multiple of 4 KiB.
    pub fn from_file(file: &std::fs::File) -> super::Result<Self> {
        let err = |len, source| VfioError::AllocDma { len, source };
        let len = file.metadata().map_err(|e| err(0, e))?.len();
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len == 0 || len % 4096 != 0 {
            return Err(err(len, std::io::ErrorKind::InvalidInput.into()));
        }
        // SAFETY: memmap2 marks file mappings unsafe because another process may change the
        // bytes under Rust references; this type never creates references to its bytes (every
        // access is a relaxed atomic), so concurrent changes through other mappings are fine.
        // A file shrunk by its owner afterwards would make accesses fault (SIGBUS): the daemon
        // only maps memfds sealed against shrinking.
        let map = unsafe { memmap2::MmapOptions::new().len(len).map_mut(file) }
            .map_err(|e| err(len, e))?;
        Ok(Self { map })
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True if the buffer has no bytes.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Where the buffer starts in this process.
    pub fn host_addr(&self) -> HostAddr {
        HostAddr(self.map.as_ptr() as u64)
    }

    fn range(&self, offset: usize, n: usize) -> super::Result<()> {
        match offset.checked_add(n) {
            Some(end) if end <= self.len() => Ok(()),
            _ => Err(VfioError::DmaBufferRange {
                offset,
                len: n,
                size: self.len(),
            }),
        }
    }

    /// Byte `i` as an atomic. Callers keep `i < len`.
    fn byte(&self, i: usize) -> &AtomicU8 {
        debug_assert!(i < self.len());
        // SAFETY: `i < len` so the byte is inside the mapping, which lives as long as `&self`;
        // AtomicU8 has the size and alignment of u8, and every access to the mapping goes
        // through atomics (no `&[u8]` of it is ever created), so there is no mixed access.
        unsafe { AtomicU8::from_ptr(self.map.as_ptr().add(i).cast_mut()) }
    }

    /// Copies `out.len()` bytes starting at `offset` out of the buffer.
    pub fn read(&self, offset: usize, out: &mut [u8]) -> super::Result<()> {
        self.range(offset, out.len())?;
        for (i, b) in out.iter_mut().enumerate() {
            *b = self.byte(offset + i).load(Ordering::Relaxed);
        }
        Ok(())
    }

    /// Copies `data` into the buffer at `offset`.
    pub fn write(&self, offset: usize, data: &[u8]) -> super::Result<()> {
        self.range(offset, data.len())?;
        for (i, b) in data.iter().enumerate() {
            self.byte(offset + i).store(*b, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Sets every byte of the buffer to `byte`.
    pub fn fill(&self, byte: u8) {
        for i in 0..self.len() {
            self.byte(i).store(byte, Ordering::Relaxed);
        }
    }

    #[cfg(feature = "sim")]
    /// The 64-byte line at `offset` as eight little-endian words (for the simulated device).
    /// Out-of-range bytes read as all-ones.
    pub(crate) fn load_line(&self, offset: usize) -> [u64; 8] {
        let mut bytes = [0xffu8; 64];
        let _ = self.read(offset, &mut bytes);
        std::array::from_fn(|w| {
            u64::from_le_bytes(bytes[w * 8..w * 8 + 8].try_into().expect("8 bytes"))
        })
    }

    #[cfg(feature = "sim")]
    /// Stores a 64-byte line at `offset` (for the simulated device); ignored when out of range.
    pub(crate) fn store_line(&self, offset: usize, line: &[u64; 8]) {
        let mut bytes = [0u8; 64];
        for (w, word) in line.iter().enumerate() {
            bytes[w * 8..w * 8 + 8].copy_from_slice(&word.to_le_bytes());
        }
        let _ = self.write(offset, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dma_buffer_round_trips_and_checks_range() {
        assert_eq!(DmaBuffer::new(1).unwrap().len(), 4096);
        let buf = DmaBuffer::new(4096).unwrap();
        assert_eq!(buf.len(), 4096);
        assert_eq!(buf.host_addr().0 % 4096, 0);
        buf.write(4090, &[1, 2, 3, 4, 5, 6]).unwrap();
        let mut out = [0u8; 6];
        buf.read(4090, &mut out).unwrap();
        assert_eq!(out, [1, 2, 3, 4, 5, 6]);
        let err = buf.write(4091, &[0; 6]).unwrap_err();
        assert!(err.to_string().contains("0xffb"), "{err}");
        assert!(buf.read(usize::MAX, &mut out).is_err());
        buf.fill(0xa5);
        buf.read(0, &mut out).unwrap();
        assert_eq!(out, [0xa5; 6]);
    }

    #[test]
    fn ioctl_request_codes_match_the_kernel() {
        // _IO(';', 100 + n) = 0x3b00 | (100 + n): VFIO_GET_API_VERSION is 0x3b64 and
        // VFIO_IOMMU_MAP_DMA 0x3b71, as in <linux/vfio.h>.
        assert_eq!(nix::request_code_none!(b';', 100), 0x3b64);
        assert_eq!(nix::request_code_none!(b';', 113), 0x3b71);
    }
}
