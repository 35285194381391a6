//! [`VfioBackend`]: the Device API over a real FPGA owned through VFIO (BAR0 is the MMIO space
//! of design.md §3; DMA through the type1 IOMMU; time is wall time).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Backend, IommuFault, MMIO_SPACE, Result, TimeUnit};
use crate::vfio::VfioDevice;
use crate::vfio::{
    Bar, BarAccess, BarIndex, BarOffset, DmaBuffer, DmaPerm, GroupId, Iova, PciAddress,
};

/// Pages BAR0 must have at least: the monitor and one slot.
const MIN_BAR: u64 = 2 * optimus_regs::PAGE_SIZE;

/// A mapping kept alive: bytes, permission, buffer.
type Mapping = (u64, DmaPerm, Arc<DmaBuffer>);

/// A PCIe FPGA through VFIO.
pub struct VfioBackend {
    dev: VfioDevice,
    bar: Bar,
    /// Buffers kept alive while mapped: IOVA → (bytes, permission, buffer).
    maps: Mutex<BTreeMap<u64, Mapping>>,
    epoch: Instant,
}

impl VfioBackend {
    /// Opens the device at `addr`, maps BAR0 (or falls back to pread/pwrite) and enables bus
    /// mastering.
    pub fn open(addr: PciAddress) -> Result<Self> {
        Self::from_device(VfioDevice::open(addr)?)
    }

    /// Opens the one device of IOMMU group `group` (see [`VfioDevice::open_group`]).
    pub fn open_group(group: GroupId) -> Result<Self> {
        Self::from_device(VfioDevice::open_group(group)?)
    }

    fn from_device(dev: VfioDevice) -> Result<Self> {
        let bar = dev.bar(BarIndex::BAR0, MIN_BAR, BarAccess::Auto)?;
        dev.enable_bus_master()?;
        Ok(Self {
            dev,
            bar,
            maps: Mutex::new(BTreeMap::new()),
            epoch: Instant::now(),
        })
    }

    /// The VFIO device (for reset and config space).
    pub fn vfio(&self) -> &VfioDevice {
        &self.dev
    }

    fn in_bar(&self, offset: u64) -> bool {
        offset < self.bar.size().min(MMIO_SPACE)
    }
}

impl Backend for VfioBackend {
    fn describe(&self) -> String {
        format!("vfio {}", self.dev.address())
    }

    fn mmio_read(&self, offset: u64) -> Result<u64> {
        // Pages beyond the BAR read 0, as pages beyond the last slot do (design.md §3).
        if !self.in_bar(offset) {
            return Ok(0);
        }
        Ok(self.bar.read64(BarOffset(offset))?)
    }

    fn mmio_write(&self, offset: u64, value: u64) -> Result<()> {
        if self.in_bar(offset) {
            self.bar.write64(BarOffset(offset), value)?;
        }
        Ok(())
    }

    fn map_dma(&self, iova: Iova, buf: Arc<DmaBuffer>, perm: DmaPerm) -> Result<()> {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        self.dev.map_dma(iova, &buf, perm)?;
        maps.insert(iova.0, (buf.len() as u64, perm, buf));
        Ok(())
    }

    fn unmap_dma(&self, iova: Iova) -> Result<Arc<DmaBuffer>> {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let Some((len, _, _)) = maps.get(&iova.0) else {
            return Err(super::DeviceError::Map {
                iova,
                reason: "no DMA mapping starts there".into(),
            });
        };
        self.dev.unmap_dma(iova, *len)?;
        let (_, _, buf) = maps.remove(&iova.0).expect("looked up above");
        Ok(buf)
    }

    fn mappings(&self) -> Vec<(Iova, u64, DmaPerm)> {
        let maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.iter()
            .map(|(&iova, (len, perm, _))| (Iova(iova), *len, *perm))
            .collect()
    }

    fn time_unit(&self) -> TimeUnit {
        TimeUnit::Nanoseconds
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    fn advance(&self, ticks: u64) {
        std::thread::sleep(Duration::from_nanos(ticks));
    }

    fn take_iommu_faults(&self) -> Vec<IommuFault> {
        Vec::new()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
