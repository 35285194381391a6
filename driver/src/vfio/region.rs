//! VFIO regions: parsing `VFIO_DEVICE_GET_REGION_INFO` (flags and the sparse-mmap capability),
//! and [`Bar`], MMIO access to a BAR through mmap or, when the region cannot be mapped (or the
//! caller asks), through pread/pwrite on the device fd.
//!
//! Every access is range- and alignment-checked and returns a typed error: MMIO never fails
//! silently.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use nix::errno::Errno;
use nix::sys::uio::{pread, pwrite};
use vfio_bindings::bindings::vfio::{
    VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_INFO_FLAG_MMAP,
    VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_INFO_FLAG_WRITE,
};

use super::error::{Result, VfioError};
use super::kernel::{MmioWindow, access_ok};
use super::types::{BarIndex, BarOffset};

/// What `VFIO_DEVICE_GET_REGION_INFO` says about one region.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionInfo {
    /// Region index (BARn = n, config space = 7).
    pub index: u32,
    /// `VFIO_REGION_INFO_FLAG_*`.
    pub flags: u32,
    /// Size in bytes (0: the region is not implemented).
    pub size: u64,
    /// Offset of the region in the device fd (for pread/pwrite/mmap).
    pub offset: u64,
    /// Areas that may be mmapped (offset, size), when the kernel gave a sparse-mmap capability.
    pub sparse_areas: Option<Vec<(u64, u64)>>,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl RegionInfo {
    /// Parses a `vfio_region_info` followed by its capability chain, as the kernel wrote it.
    /// Malformed capabilities are ignored (they only ever restrict mmap).
    pub(crate) fn parse(bytes: &[u8]) -> RegionInfo {
        let mut info = RegionInfo {
            flags: u32_at(bytes, 4).unwrap_or(0),
            index: u32_at(bytes, 8).unwrap_or(0),
            size: u64_at(bytes, 16).unwrap_or(0),
            offset: u64_at(bytes, 24).unwrap_or(0),
            sparse_areas: None,
        };
        let mut cap = match u32_at(bytes, 12) {
            Some(c) if info.flags & VFIO_REGION_INFO_FLAG_CAPS != 0 => c as usize,
            _ => 0,
        };
        // Each capability lies after the previous one; a bounded walk guards against loops.
        for _ in 0..16 {
            if cap == 0 {
                break;
            }
            let (Some(header), Some(next)) = (u32_at(bytes, cap), u32_at(bytes, cap + 4)) else {
                break;
            };
            if header & 0xffff == VFIO_REGION_INFO_CAP_SPARSE_MMAP {
                let n = u32_at(bytes, cap + 8).unwrap_or(0) as usize;
                let areas: Vec<(u64, u64)> = (0..n.min(64))
                    .map_while(|i| {
                        let at = cap + 16 + 16 * i;
                        Some((u64_at(bytes, at)?, u64_at(bytes, at + 8)?))
                    })
                    .collect();
                info.sparse_areas = Some(areas);
            }
            cap = if (next as usize) > cap {
                next as usize
            } else {
                0
            };
        }
        info
    }

    /// Why the whole region cannot be mmapped, or `None` if it can.
    pub(crate) fn mmap_refusal(&self) -> Option<&'static str> {
        if self.flags & VFIO_REGION_INFO_FLAG_MMAP == 0 {
            Some("the kernel does not allow mmap of this region")
        } else if self
            .sparse_areas
            .as_ref()
            .is_some_and(|a| !matches!(a.as_slice(), [(0, size)] if *size == self.size))
        {
            Some("only parts of it may be mmapped (sparse mmap, e.g. around an MSI-X table)")
        } else if self.size == 0 || usize::try_from(self.size).is_err() {
            Some("its size cannot be mapped")
        } else {
            None
        }
    }

    /// True if the region may be read.
    pub fn readable(&self) -> bool {
        self.flags & VFIO_REGION_INFO_FLAG_READ != 0
    }

    /// True if the region may be written.
    pub fn writable(&self) -> bool {
        self.flags & VFIO_REGION_INFO_FLAG_WRITE != 0
    }
}

/// How [`Bar`] reaches the device's registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BarAccess {
    /// mmap when the kernel allows it, otherwise pread/pwrite.
    #[default]
    Auto,
    /// mmap only; fail if the region cannot be mapped.
    Mmap,
    /// pread/pwrite on the device fd only (one syscall per access; for tests and for regions
    /// that cannot be mapped). Linux 6.1's vfio-pci splits an 8-byte access into two 4-byte
    /// ones, low address first (measured; later kernels added 8-byte accesses), so a 64-bit
    /// register is then not read or written in one transaction.
    ReadWrite,
}

/// pread/pwrite of exactly `buf.len()` bytes at `pos` of the device fd.
pub(crate) fn fd_read(fd: &OwnedFd, pos: u64, buf: &mut [u8]) -> std::result::Result<(), Errno> {
    let pos = i64::try_from(pos).map_err(|_| Errno::EOVERFLOW)?;
    match pread(fd, buf, pos)? {
        n if n == buf.len() => Ok(()),
        _ => Err(Errno::EIO),
    }
}

pub(crate) fn fd_write(fd: &OwnedFd, pos: u64, buf: &[u8]) -> std::result::Result<(), Errno> {
    let pos = i64::try_from(pos).map_err(|_| Errno::EOVERFLOW)?;
    match pwrite(fd, buf, pos)? {
        n if n == buf.len() => Ok(()),
        _ => Err(Errno::EIO),
    }
}

/// A BAR of an open [`VfioDevice`](super::VfioDevice), ready for 32/64-bit MMIO.
#[derive(Debug)]
pub struct Bar {
    bar: BarIndex,
    info: RegionInfo,
    fd: Arc<OwnedFd>,
    window: Option<Box<dyn MmioWindow>>,
}

impl Bar {
    pub(crate) fn new(
        bar: BarIndex,
        info: RegionInfo,
        fd: Arc<OwnedFd>,
        window: Option<Box<dyn MmioWindow>>,
    ) -> Self {
        Self {
            bar,
            info,
            fd,
            window,
        }
    }

    /// Which BAR this is.
    pub fn index(&self) -> BarIndex {
        self.bar
    }

    /// Size of the BAR in bytes.
    pub fn size(&self) -> u64 {
        self.info.size
    }

    /// True if accesses go through an mmap of the BAR, false if through pread/pwrite.
    pub fn is_mapped(&self) -> bool {
        self.window.is_some()
    }

    fn check(&self, offset: BarOffset, width: usize) -> Result<usize> {
        let out = || VfioError::MmioOutOfRange {
            bar: self.bar,
            offset,
            width,
            size: self.info.size,
        };
        let off = usize::try_from(offset.0).map_err(|_| out())?;
        let size = usize::try_from(self.info.size).unwrap_or(usize::MAX);
        if off % width != 0 {
            return Err(VfioError::MmioMisaligned {
                bar: self.bar,
                offset,
                width,
            });
        }
        access_ok(off, width, size).then_some(off).ok_or_else(out)
    }

    fn io_err(&self, op: &'static str, offset: BarOffset, width: usize, e: Errno) -> VfioError {
        VfioError::RegionIo {
            op,
            region: self.bar.to_string(),
            offset: offset.0,
            width,
            source: e,
        }
    }

    fn read_fd<const N: usize>(&self, offset: BarOffset) -> Result<[u8; N]> {
        let mut buf = [0u8; N];
        fd_read(&self.fd, self.info.offset + offset.0, &mut buf)
            .map_err(|e| self.io_err("read", offset, N, e))?;
        Ok(buf)
    }

    fn write_fd(&self, offset: BarOffset, bytes: &[u8]) -> Result<()> {
        fd_write(&self.fd, self.info.offset + offset.0, bytes)
            .map_err(|e| self.io_err("write", offset, bytes.len(), e))
    }

    /// Reads the 32-bit register at `offset` (4-byte aligned, inside the BAR).
    pub fn read32(&self, offset: BarOffset) -> Result<u32> {
        let off = self.check(offset, 4)?;
        match &self.window {
            Some(w) => w
                .read32(off)
                .ok_or_else(|| self.io_err("read", offset, 4, Errno::EFAULT)),
            None => self.read_fd(offset).map(u32::from_le_bytes),
        }
    }

    /// Reads the 64-bit register at `offset` (8-byte aligned, inside the BAR). One access
    /// through mmap; possibly two 32-bit ones through pread (see [`BarAccess::ReadWrite`]).
    pub fn read64(&self, offset: BarOffset) -> Result<u64> {
        let off = self.check(offset, 8)?;
        match &self.window {
            Some(w) => w
                .read64(off)
                .ok_or_else(|| self.io_err("read", offset, 8, Errno::EFAULT)),
            None => self.read_fd(offset).map(u64::from_le_bytes),
        }
    }

    /// Writes the 32-bit register at `offset` (4-byte aligned, inside the BAR).
    pub fn write32(&self, offset: BarOffset, value: u32) -> Result<()> {
        let off = self.check(offset, 4)?;
        match &self.window {
            Some(w) => w
                .write32(off, value)
                .ok_or_else(|| self.io_err("write", offset, 4, Errno::EFAULT)),
            None => self.write_fd(offset, &value.to_le_bytes()),
        }
    }

    /// Writes the 64-bit register at `offset` (8-byte aligned, inside the BAR). One access
    /// through mmap; possibly two 32-bit ones through pwrite (see [`BarAccess::ReadWrite`]).
    pub fn write64(&self, offset: BarOffset, value: u64) -> Result<()> {
        let off = self.check(offset, 8)?;
        match &self.window {
            Some(w) => w
                .write64(off, value)
                .ok_or_else(|| self.io_err("write", offset, 8, Errno::EFAULT)),
            None => self.write_fd(offset, &value.to_le_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vfio_region_info (32 bytes) with caps appended.
    fn info_bytes(flags: u32, size: u64, offset: u64, caps: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&(32 + caps.len() as u32).to_ne_bytes()); // argsz
        b.extend_from_slice(&flags.to_ne_bytes());
        b.extend_from_slice(&0u32.to_ne_bytes()); // index
        let cap_off: u32 = if caps.is_empty() { 0 } else { 32 };
        b.extend_from_slice(&cap_off.to_ne_bytes());
        b.extend_from_slice(&size.to_ne_bytes());
        b.extend_from_slice(&offset.to_ne_bytes());
        b.extend_from_slice(caps);
        b
    }

    fn sparse_cap(areas: &[(u64, u64)]) -> Vec<u8> {
        let mut c = Vec::new();
        c.extend_from_slice(&1u16.to_ne_bytes()); // id SPARSE_MMAP
        c.extend_from_slice(&1u16.to_ne_bytes()); // version
        c.extend_from_slice(&0u32.to_ne_bytes()); // next
        c.extend_from_slice(&(areas.len() as u32).to_ne_bytes());
        c.extend_from_slice(&0u32.to_ne_bytes());
        for (o, s) in areas {
            c.extend_from_slice(&o.to_ne_bytes());
            c.extend_from_slice(&s.to_ne_bytes());
        }
        c
    }

    #[test]
    fn parses_plain_mappable_bar() {
        let info = RegionInfo::parse(&info_bytes(0x7, 0x10_0000, 0x0, &[]));
        assert_eq!(info.size, 0x10_0000);
        assert!(info.readable() && info.writable());
        assert_eq!(info.sparse_areas, None);
        assert_eq!(info.mmap_refusal(), None);
    }

    #[test]
    fn sparse_mmap_is_refused_unless_it_covers_everything() {
        let partial = sparse_cap(&[(0, 0x2000), (0x3000, 0xd000)]);
        let info = RegionInfo::parse(&info_bytes(0xf, 0x10000, 0x1000, &partial));
        assert_eq!(info.sparse_areas.as_deref().map(<[_]>::len), Some(2));
        assert!(info.mmap_refusal().unwrap().contains("sparse"));
        let whole = sparse_cap(&[(0, 0x10000)]);
        let info = RegionInfo::parse(&info_bytes(0xf, 0x10000, 0x1000, &whole));
        assert_eq!(info.mmap_refusal(), None);
    }

    #[test]
    fn no_mmap_flag_or_truncated_input() {
        let info = RegionInfo::parse(&info_bytes(0x3, 0x100, 0, &[]));
        assert!(info.mmap_refusal().unwrap().contains("does not allow"));
        let info = RegionInfo::parse(&[0u8; 7]);
        assert_eq!(info.size, 0);
        // A CAPS flag with a cap offset beyond the buffer is ignored.
        let mut b = info_bytes(0xf, 0x1000, 0, &[]);
        b[12..16].copy_from_slice(&64u32.to_ne_bytes());
        assert_eq!(RegionInfo::parse(&b).sparse_areas, None);
    }
}
