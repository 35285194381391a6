//! Newtypes for the addresses and ids of the VFIO layer: a PCI address, an IOMMU group number,
//! a device-side DMA address (`Iova`), a host virtual address, offsets into a BAR and into
//! config space, and DMA permissions.
//!
//! They keep the many `u64`s of this layer apart: an IOVA is never a BAR offset, and a group
//! number is never a region index.

use std::fmt;
use std::str::FromStr;

use super::error::VfioError;

/// A PCI address in sysfs form, `dddd:bb:dd.f` (domain, bus, device, function).
///
/// Parses the full form and the short `bb:dd.f` form (domain 0), as `lspci` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PciAddress {
    /// PCI segment (domain), 16 bits.
    pub domain: u16,
    /// Bus number.
    pub bus: u8,
    /// Device number, 0..=31.
    pub device: u8,
    /// Function number, 0..=7.
    pub function: u8,
}

impl PciAddress {
    /// A PCI address from its parts; `None` if `device > 31` or `function > 7`.
    pub fn new(domain: u16, bus: u8, device: u8, function: u8) -> Option<Self> {
        (device <= 31 && function <= 7).then_some(Self {
            domain,
            bus,
            device,
            function,
        })
    }
}

impl fmt::Display for PciAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04x}:{:02x}:{:02x}.{:x}",
            self.domain, self.bus, self.device, self.function
        )
    }
}

impl FromStr for PciAddress {
    type Err = VfioError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = || VfioError::ParsePciAddress {
            input: input.to_owned(),
        };
        let hex = |s: &str, max_len: usize| -> Result<u32, VfioError> {
            if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            u32::from_str_radix(s, 16).map_err(|_| bad())
        };
        let parts: Vec<&str> = input.trim().split(':').collect();
        let (domain, bus, devfn) = match parts.as_slice() {
            [d, b, df] => (hex(d, 4)?, hex(b, 2)?, *df),
            [b, df] => (0, hex(b, 2)?, *df),
            _ => return Err(bad()),
        };
        let (dev, func) = devfn.split_once('.').ok_or_else(bad)?;
        let (dev, func) = (hex(dev, 2)?, hex(func, 1)?);
        // The hex widths above bound domain and bus; `new` checks device and function.
        Self::new(domain as u16, bus as u8, dev as u8, func as u8).ok_or_else(bad)
    }
}

/// An IOMMU group number: the `N` in `/dev/vfio/N` and `/sys/kernel/iommu_groups/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An I/O virtual address: what the device puts on the bus, translated by the IOMMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iova(pub u64);

impl Iova {
    /// This address plus `bytes`, `None` on overflow.
    pub fn checked_add(self, bytes: u64) -> Option<Iova> {
        self.0.checked_add(bytes).map(Iova)
    }
}

impl fmt::Display for Iova {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "iova {:#x}", self.0)
    }
}

/// A virtual address in this process (the start of a DMA buffer, for instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostAddr(pub u64);

impl fmt::Display for HostAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "host {:#x}", self.0)
    }
}

/// A byte offset into a BAR (an MMIO register address relative to the BAR's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BarOffset(pub u64);

impl fmt::Display for BarOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// A byte offset into PCI configuration space (0..4096).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigOffset(pub u16);

impl fmt::Display for ConfigOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// One of the six PCI base address registers, BAR0..=BAR5 (VFIO region indices 0..=5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BarIndex(u8);

impl BarIndex {
    /// BAR0, where most devices (and every Optimus shell) put their registers.
    pub const BAR0: BarIndex = BarIndex(0);

    /// BAR `n`; `None` unless `n <= 5`.
    pub fn new(n: u8) -> Option<Self> {
        (n <= 5).then_some(Self(n))
    }

    /// The VFIO region index of this BAR.
    pub fn region_index(self) -> u32 {
        u32::from(self.0)
    }
}

impl fmt::Display for BarIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BAR{}", self.0)
    }
}

/// What the device may do with a DMA mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DmaPerm {
    /// The device may read host memory only.
    Read,
    /// The device may write host memory only.
    Write,
    /// The device may read and write.
    ReadWrite,
}

impl DmaPerm {
    /// The `VFIO_DMA_MAP_FLAG_*` bits for this permission.
    pub(crate) fn map_flags(self) -> u32 {
        use vfio_bindings::bindings::vfio::{VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE};
        match self {
            DmaPerm::Read => VFIO_DMA_MAP_FLAG_READ,
            DmaPerm::Write => VFIO_DMA_MAP_FLAG_WRITE,
            DmaPerm::ReadWrite => VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_address_parses_long_and_short_forms() {
        let a: PciAddress = "0000:00:03.0".parse().unwrap();
        assert_eq!(a, PciAddress::new(0, 0, 3, 0).unwrap());
        let b: PciAddress = "af:1f.7".parse().unwrap();
        assert_eq!(b, PciAddress::new(0, 0xaf, 0x1f, 7).unwrap());
        let c: PciAddress = "10de:0a:00.1".parse().unwrap();
        assert_eq!(c.to_string(), "10de:0a:00.1");
    }

    #[test]
    fn pci_address_rejects_garbage() {
        for s in [
            "",
            "0000:00:03",
            "00:20.0",
            "00:03.8",
            "00000:00:03.0",
            "0000:000:03.0",
            "g0:03.0",
            "0:0:0:0.0",
            "00:03.0x",
            "+1:03.0",
        ] {
            let err = s.parse::<PciAddress>().unwrap_err();
            assert!(err.to_string().contains("dddd:bb:dd.f"), "{s}: {err}");
        }
    }

    #[test]
    fn pci_address_display_round_trips() {
        let a = PciAddress::new(1, 2, 3, 4).unwrap();
        assert_eq!(a.to_string().parse::<PciAddress>().unwrap(), a);
    }

    #[test]
    fn bar_index_bounds() {
        assert_eq!(BarIndex::new(5).unwrap().region_index(), 5);
        assert!(BarIndex::new(6).is_none());
        assert_eq!(BarIndex::BAR0.to_string(), "BAR0");
    }

    #[test]
    fn dma_perm_flags() {
        assert_eq!(DmaPerm::Read.map_flags(), 1);
        assert_eq!(DmaPerm::Write.map_flags(), 2);
        assert_eq!(DmaPerm::ReadWrite.map_flags(), 3);
    }

    #[test]
    fn iova_checked_add_and_display() {
        assert_eq!(Iova(0x1000).checked_add(0x1000), Some(Iova(0x2000)));
        assert_eq!(Iova(u64::MAX).checked_add(1), None);
        assert_eq!(Iova(0x10_0000).to_string(), "iova 0x100000");
    }
}
