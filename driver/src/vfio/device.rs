//! [`VfioDevice`]: one PCI device owned through VFIO, with its own container and group.
//!
//! Opening follows the kernel's documented order: container (API version, type1), group
//! (viable), attach, set IOMMU, device fd. Set-up problems are diagnosed from sysfs first, so
//! the error says what is wrong with the machine rather than which ioctl failed.

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;

use vfio_bindings::bindings::vfio::{
    VFIO_DEVICE_FLAGS_PCI, VFIO_DEVICE_FLAGS_RESET, VFIO_PCI_CONFIG_REGION_INDEX,
};

use super::container::{Container, Env};
use super::error::{Result, VfioError};
use super::group::Group;
use super::kernel::{DeviceInfo, access_ok};
use super::region::{Bar, BarAccess, RegionInfo, fd_read, fd_write};
use super::sys::DmaBuffer;
use super::sysfs;
use super::types::{BarIndex, ConfigOffset, DmaPerm, GroupId, Iova, PciAddress};

/// PCI command register (config offset 0x04) and its Bus Master Enable bit (PCI 3.0 §6.2.2).
const PCI_COMMAND: ConfigOffset = ConfigOffset(0x04);
const PCI_COMMAND_MEMORY: u16 = 1 << 1;
const PCI_COMMAND_MASTER: u16 = 1 << 2;

/// A PCI device opened through VFIO. Dropping it closes the device, the group and the
/// container; the kernel then removes every DMA mapping made through it.
#[derive(Debug)]
pub struct VfioDevice {
    // Field order is drop order: device fd, then group, then container.
    fd: Arc<OwnedFd>,
    group: Group,
    container: Container,
    addr: PciAddress,
    info: DeviceInfo,
    config: RegionInfo,
    env: Env,
}

impl VfioDevice {
    /// Opens the PCI device at `addr`, which must be bound to vfio-pci.
    pub fn open(addr: PciAddress) -> Result<Self> {
        Self::open_in(Env::system(), addr)
    }

    /// Opens the only device of IOMMU group `group`.
    pub fn open_group(group: GroupId) -> Result<Self> {
        let env = Env::system();
        if !sysfs::iommu_present(&env.paths) {
            return Err(VfioError::NoIommu {
                path: env.paths.iommu_groups(),
            });
        }
        match sysfs::group_devices(&env.paths, group)?.as_slice() {
            [addr] => Self::open_in(env, *addr),
            devices => Err(VfioError::AmbiguousGroup {
                group,
                devices: devices.to_vec(),
            }),
        }
    }

    pub(crate) fn open_in(env: Env, addr: PciAddress) -> Result<Self> {
        let group_id = sysfs::group_of(&env.paths, addr)?;
        let driver = sysfs::driver_of(&env.paths, addr)?;
        if driver.as_deref() != Some("vfio-pci") {
            return Err(VfioError::WrongDriver { addr, driver });
        }
        let mut container = Container::open(&env)?;
        let group = Group::open(&env, group_id)?;
        group.check_viable(&env, Some(addr))?;
        group.attach(&container)?;
        container.set_iommu()?;
        let fd = Arc::new(group.device_fd(&addr.to_string())?);
        let info = env
            .kernel
            .device_info(fd.as_fd())
            .map_err(|source| VfioError::DeviceInfo { source })?;
        if info.flags & VFIO_DEVICE_FLAGS_PCI == 0 {
            return Err(VfioError::NotPci { flags: info.flags });
        }
        let mut dev = Self {
            fd,
            group,
            container,
            addr,
            info,
            config: RegionInfo::default(),
            env,
        };
        dev.config = dev.region_info(VFIO_PCI_CONFIG_REGION_INDEX)?;
        Ok(dev)
    }

    /// The device's PCI address.
    pub fn address(&self) -> PciAddress {
        self.addr
    }

    /// The device's IOMMU group.
    pub fn group(&self) -> GroupId {
        self.group.id()
    }

    /// What the kernel says about region `index` (BARn is n, config space 7).
    pub fn region_info(&self, index: u32) -> Result<RegionInfo> {
        self.env
            .kernel
            .region_info(self.fd.as_fd(), index)
            .map_err(|source| VfioError::RegionInfo { index, source })
    }

    /// Opens `bar` for MMIO, failing unless it is at least `min_len` bytes long.
    pub fn bar(&self, bar: BarIndex, min_len: u64, access: BarAccess) -> Result<Bar> {
        let info = self.region_info(bar.region_index())?;
        if info.size == 0 {
            return Err(VfioError::BarMissing { bar });
        }
        if info.size < min_len {
            return Err(VfioError::BarTooSmall {
                bar,
                size: info.size,
                needed: min_len,
            });
        }
        let window = match (access, info.mmap_refusal()) {
            (BarAccess::ReadWrite, _) | (BarAccess::Auto, Some(_)) => None,
            (BarAccess::Mmap, Some(why)) => return Err(VfioError::BarNotMappable { bar, why }),
            (BarAccess::Auto | BarAccess::Mmap, None) => {
                let len = info.size as usize; // mmap_refusal checked that it fits
                let window = self
                    .env
                    .kernel
                    .map_region(self.fd.as_fd(), info.offset, len)
                    .map_err(|source| VfioError::MapBar {
                        bar,
                        size: info.size,
                        offset: info.offset,
                        source,
                    })?;
                Some(window)
            }
        };
        Ok(Bar::new(bar, info, self.fd.clone(), window))
    }

    fn config_check(&self, offset: ConfigOffset, width: usize) -> Result<u64> {
        let size = usize::try_from(self.config.size).unwrap_or(usize::MAX);
        access_ok(usize::from(offset.0), width, size)
            .then_some(self.config.offset + u64::from(offset.0))
            .ok_or(VfioError::ConfigRange {
                offset,
                width,
                size: self.config.size,
            })
    }

    fn config_read<const N: usize>(&self, offset: ConfigOffset) -> Result<[u8; N]> {
        let pos = self.config_check(offset, N)?;
        let mut buf = [0u8; N];
        fd_read(&self.fd, pos, &mut buf).map_err(|source| VfioError::RegionIo {
            op: "read",
            region: "config space".into(),
            offset: offset.0.into(),
            width: N,
            source,
        })?;
        Ok(buf)
    }

    fn config_write(&self, offset: ConfigOffset, bytes: &[u8]) -> Result<()> {
        let pos = self.config_check(offset, bytes.len())?;
        fd_write(&self.fd, pos, bytes).map_err(|source| VfioError::RegionIo {
            op: "write",
            region: "config space".into(),
            offset: offset.0.into(),
            width: bytes.len(),
            source,
        })
    }

    /// Reads a byte of PCI config space.
    pub fn config_read8(&self, offset: ConfigOffset) -> Result<u8> {
        self.config_read::<1>(offset).map(|b| b[0])
    }

    /// Reads a 16-bit word of PCI config space (2-byte aligned).
    pub fn config_read16(&self, offset: ConfigOffset) -> Result<u16> {
        self.config_read(offset).map(u16::from_le_bytes)
    }

    /// Reads a 32-bit word of PCI config space (4-byte aligned).
    pub fn config_read32(&self, offset: ConfigOffset) -> Result<u32> {
        self.config_read(offset).map(u32::from_le_bytes)
    }

    /// Writes a 16-bit word of PCI config space (vfio-pci filters what may change).
    pub fn config_write16(&self, offset: ConfigOffset, value: u16) -> Result<()> {
        self.config_write(offset, &value.to_le_bytes())
    }

    /// Writes a 32-bit word of PCI config space (vfio-pci filters what may change).
    pub fn config_write32(&self, offset: ConfigOffset, value: u32) -> Result<()> {
        self.config_write(offset, &value.to_le_bytes())
    }

    /// Sets Memory Space and Bus Master Enable in the command register. vfio-pci leaves Bus
    /// Master off: without it the device's DMA silently moves nothing.
    pub fn enable_bus_master(&self) -> Result<()> {
        let cmd = self.config_read16(PCI_COMMAND)?;
        let want = cmd | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
        if want != cmd {
            self.config_write16(PCI_COMMAND, want)?;
        }
        Ok(())
    }

    /// The smallest IOMMU page: IOVAs and lengths given to `map_dma` are multiples of it.
    pub fn iommu_page_size(&self) -> u64 {
        self.container.page_size()
    }

    /// Lets the device reach all of `buf` at `iova` with `perm`. Map at most once per IOVA;
    /// undo with [`unmap_dma`](Self::unmap_dma) (or by dropping the device).
    pub fn map_dma(&self, iova: Iova, buf: &DmaBuffer, perm: DmaPerm) -> Result<()> {
        self.container.map_dma(iova, buf, perm)
    }

    /// Removes the mapping of `len` bytes at `iova`: an error unless exactly that was mapped.
    pub fn unmap_dma(&self, iova: Iova, len: u64) -> Result<()> {
        self.container.unmap_dma(iova, len)
    }

    /// True if vfio-pci can reset the device (`VFIO_DEVICE_FLAGS_RESET`).
    pub fn supports_reset(&self) -> bool {
        self.info.flags & VFIO_DEVICE_FLAGS_RESET != 0
    }

    /// Resets the device through `VFIO_DEVICE_RESET` (FLR, PM or bus reset, as vfio-pci can).
    pub fn reset(&self) -> Result<()> {
        let device = self.addr.to_string();
        if !self.supports_reset() {
            return Err(VfioError::ResetUnsupported { device });
        }
        self.env
            .kernel
            .reset(self.fd.as_fd())
            .map_err(|source| VfioError::Reset { device, source })
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
