//! The simulated IOMMU: 4 KiB IOVA pages mapped onto [`DmaBuffer`]s, so the bytes a caller
//! shares are the bytes the simulated accelerator reads and writes.
//!
//! Like VFIO type1 it maps whole buffers at page-aligned IOVAs and refuses overlaps; an access
//! to an unmapped page, or against the mapping's permission, is an [`IommuFault`]: recorded,
//! reads answered with all-ones data, writes dropped (what a real platform's IOMMU does when
//! it does not stop the device).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::device::{IommuFault, IommuFaultKind};
use crate::vfio::{DmaBuffer, DmaPerm, Iova};

use super::ports::Line;
use super::shell::LineMemory;

/// IOMMU page size.
pub const PAGE: u64 = 4096;
/// Faults kept for [`Iommu::take_faults`]; older ones are dropped (and counted).
const FAULT_LOG: usize = 4096;

/// Why a mapping was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// IOVA not a multiple of 4 KiB.
    #[error("{0} is not aligned to 4 KiB IOMMU pages")]
    Unaligned(Iova),
    /// Part of the range is already mapped.
    #[error("{0} is already mapped (unmap it first)")]
    Overlap(Iova),
    /// The range does not fit in the 64-bit IOVA space or the 42-bit line space.
    #[error("{iova} + {len:#x} bytes is beyond the device's 48-bit address space")]
    OutOfRange {
        /// Start.
        iova: Iova,
        /// Length in bytes.
        len: u64,
    },
    /// No mapping starts there.
    #[error("no DMA mapping starts at {0}")]
    NotMapped(Iova),
}

struct Page {
    buf: Arc<DmaBuffer>,
    offset: usize,
    perm: DmaPerm,
}

/// The simulated IOMMU and the host memory behind it.
#[derive(Default)]
pub struct Iommu {
    pages: BTreeMap<u64, Page>,
    /// Mappings by first page: (pages, buffer).
    maps: BTreeMap<u64, (u64, Arc<DmaBuffer>)>,
    faults: VecDeque<IommuFault>,
    fault_count: u64,
}

impl Iommu {
    /// Maps all of `buf` at `iova`.
    pub fn map(&mut self, iova: Iova, buf: Arc<DmaBuffer>, perm: DmaPerm) -> Result<(), MapError> {
        let len = buf.len() as u64;
        if iova.0 % PAGE != 0 {
            return Err(MapError::Unaligned(iova));
        }
        let end = iova.0.checked_add(len).filter(|e| *e <= 1 << 48);
        let Some(end) = end else {
            return Err(MapError::OutOfRange { iova, len });
        };
        let (first, count) = (iova.0 / PAGE, len.div_ceil(PAGE));
        if let Some((&p, _)) = self.pages.range(first..end.div_ceil(PAGE)).next() {
            return Err(MapError::Overlap(Iova(p * PAGE)));
        }
        for i in 0..count {
            let page = Page {
                buf: Arc::clone(&buf),
                offset: (i * PAGE) as usize,
                perm,
            };
            self.pages.insert(first + i, page);
        }
        self.maps.insert(first, (count, buf));
        Ok(())
    }

    /// Removes the mapping that starts at `iova`; the buffer it held.
    pub fn unmap(&mut self, iova: Iova) -> Result<Arc<DmaBuffer>, MapError> {
        if iova.0 % PAGE != 0 {
            return Err(MapError::Unaligned(iova));
        }
        let first = iova.0 / PAGE;
        let (count, buf) = self.maps.remove(&first).ok_or(MapError::NotMapped(iova))?;
        for p in first..first + count {
            self.pages.remove(&p);
        }
        Ok(buf)
    }

    /// Mappings: (IOVA, bytes, permission).
    pub fn mappings(&self) -> Vec<(Iova, u64, DmaPerm)> {
        self.maps
            .iter()
            .map(|(&first, (count, _))| {
                let perm = self.pages[&first].perm;
                (Iova(first * PAGE), count * PAGE, perm)
            })
            .collect()
    }

    /// The faults since the last call, oldest first.
    pub fn take_faults(&mut self) -> Vec<IommuFault> {
        self.faults.drain(..).collect()
    }

    /// Faults since the device was opened (including those no longer kept).
    pub fn fault_count(&self) -> u64 {
        self.fault_count
    }

    fn fault(&mut self, cycle: u64, line: u64, write: bool, kind: IommuFaultKind) {
        self.fault_count += 1;
        if self.faults.len() == FAULT_LOG {
            self.faults.pop_front();
        }
        self.faults.push_back(IommuFault {
            time: cycle,
            iova: Iova(line << 6),
            write,
            kind,
        });
    }

    /// The page of `line` if the access is allowed, else why not.
    fn page(&self, line: u64, write: bool) -> Result<(&Page, usize), IommuFaultKind> {
        let byte = line << 6;
        let page = self
            .pages
            .get(&(byte / PAGE))
            .ok_or(IommuFaultKind::Unmapped)?;
        let allowed = match page.perm {
            DmaPerm::ReadWrite => true,
            DmaPerm::Read => !write,
            DmaPerm::Write => write,
        };
        if !allowed {
            return Err(IommuFaultKind::Permission);
        }
        Ok((page, page.offset + (byte % PAGE) as usize))
    }
}

impl LineMemory for Iommu {
    fn read_line(&mut self, line: u64, cycle: u64) -> Line {
        match self.page(line, false) {
            Ok((page, offset)) => page.buf.load_line(offset),
            Err(kind) => {
                self.fault(cycle, line, false, kind);
                [u64::MAX; 8]
            }
        }
    }

    fn write_line(&mut self, line: u64, data: &Line, cycle: u64) {
        match self.page(line, true) {
            Ok((page, offset)) => page.buf.store_line(offset, data),
            Err(kind) => self.fault(cycle, line, true, kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(pages: usize) -> Arc<DmaBuffer> {
        Arc::new(DmaBuffer::new(pages * PAGE as usize).expect("anonymous memory"))
    }

    #[test]
    fn lines_reach_the_buffer_bytes_little_endian() {
        let mut mmu = Iommu::default();
        let b = buf(2);
        mmu.map(Iova(0x10_0000), Arc::clone(&b), DmaPerm::ReadWrite)
            .unwrap();
        let line: Line = std::array::from_fn(|i| 0x0102_0304_0506_0700 + i as u64);
        mmu.write_line((0x10_0000 + 4096 + 64) >> 6, &line, 7);
        let mut bytes = [0u8; 16];
        b.read(4096 + 64, &mut bytes).unwrap();
        assert_eq!(bytes[..8], 0x0102_0304_0506_0700u64.to_le_bytes());
        assert_eq!(bytes[8..], 0x0102_0304_0506_0701u64.to_le_bytes());
        assert_eq!(mmu.read_line((0x10_0000 + 4096 + 64) >> 6, 8), line);
        assert_eq!(mmu.fault_count(), 0);
    }

    #[test]
    fn unmapped_and_forbidden_accesses_fault() {
        let mut mmu = Iommu::default();
        let b = buf(1);
        mmu.map(Iova(0x2000), Arc::clone(&b), DmaPerm::Read)
            .unwrap();
        assert_eq!(mmu.read_line(0x3000 >> 6, 1), [u64::MAX; 8]);
        mmu.write_line(0x2000 >> 6, &[5; 8], 2);
        let mut bytes = [1u8; 8];
        b.read(0, &mut bytes).unwrap();
        assert_eq!(bytes, [0; 8], "a write to a read-only page is dropped");
        let faults = mmu.take_faults();
        assert_eq!(faults.len(), 2);
        assert_eq!(
            (faults[0].iova, faults[0].write, faults[0].kind),
            (Iova(0x3000), false, IommuFaultKind::Unmapped)
        );
        assert_eq!(
            (
                faults[1].iova,
                faults[1].write,
                faults[1].kind,
                faults[1].time
            ),
            (Iova(0x2000), true, IommuFaultKind::Permission, 2)
        );
        assert!(mmu.take_faults().is_empty());
        assert_eq!(mmu.fault_count(), 2);
    }

    #[test]
    fn overlaps_unaligned_and_unknown_unmaps_are_refused() {
        let mut mmu = Iommu::default();
        mmu.map(Iova(0x4000), buf(2), DmaPerm::ReadWrite).unwrap();
        assert_eq!(
            mmu.map(Iova(0x3000), buf(2), DmaPerm::ReadWrite),
            Err(MapError::Overlap(Iova(0x4000)))
        );
        assert_eq!(
            mmu.map(Iova(0x10), buf(1), DmaPerm::Read),
            Err(MapError::Unaligned(Iova(0x10)))
        );
        assert!(matches!(
            mmu.map(Iova(1 << 48), buf(1), DmaPerm::Read),
            Err(MapError::OutOfRange { .. })
        ));
        assert_eq!(
            mmu.unmap(Iova(0x5000)).unwrap_err(),
            MapError::NotMapped(Iova(0x5000))
        );
        assert_eq!(
            mmu.mappings(),
            vec![(Iova(0x4000), 0x2000, DmaPerm::ReadWrite)]
        );
        mmu.unmap(Iova(0x4000)).unwrap();
        assert!(mmu.mappings().is_empty());
        assert_eq!(mmu.read_line(0x4000 >> 6, 0), [u64::MAX; 8]);
    }
}
