//! A fake [`Kernel`] for unit tests: canned answers configurable per test, a plain file as
//! the device fd (so pread/pwrite really run), an in-memory BAR for "mmap", and a record of
//! the calls made.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use nix::Result;
use nix::errno::Errno;

use super::kernel::{DeviceInfo, Kernel, MmioWindow, access_ok};
use super::region::RegionInfo;
use super::sys::DmaBuffer;
use super::types::Iova;

/// BAR0 of the fake device: 4 KiB at file offset 0, mappable.
pub const BAR0_SIZE: u64 = 0x1000;
/// Config space of the fake device: 256 bytes at file offset 0x10000.
pub const CONFIG_OFFSET: u64 = 0x10000;

/// What the fake kernel answers, and what it was asked.
#[derive(Debug)]
pub struct FakeState {
    pub api_version: i32,
    pub type1v2: bool,
    pub viable: bool,
    pub device_flags: u32,
    pub regions: Vec<RegionInfo>,
    pub device_file: PathBuf,
    pub calls: Vec<String>,
    pub maps: Vec<(u64, u64, u32)>,
    pub bar0: Arc<Mutex<Vec<u8>>>,
}

/// The fake kernel.
#[derive(Debug)]
pub struct FakeKernel(Mutex<FakeState>);

fn region(index: u32, flags: u32, size: u64, offset: u64) -> RegionInfo {
    RegionInfo {
        index,
        flags,
        size,
        offset,
        sparse_areas: None,
    }
}

impl FakeKernel {
    /// A healthy PCI device with reset support, BAR0 (4 KiB, mmap) and config space; its fd
    /// is `device_file`, created here.
    pub fn new(device_file: PathBuf) -> Arc<Self> {
        let f = File::create(&device_file).unwrap();
        f.set_len(CONFIG_OFFSET + 0x100).unwrap();
        let mut regions: Vec<RegionInfo> = (0..9).map(|i| region(i, 0, 0, 0)).collect();
        regions[0] = region(0, 0x7, BAR0_SIZE, 0);
        regions[7] = region(7, 0x3, 0x100, CONFIG_OFFSET);
        Arc::new(Self(Mutex::new(FakeState {
            api_version: 0,
            type1v2: true,
            viable: true,
            device_flags: 0x3, // RESET | PCI
            regions,
            device_file,
            calls: Vec::new(),
            maps: Vec::new(),
            bar0: Arc::new(Mutex::new(vec![0; BAR0_SIZE as usize])),
        })))
    }

    /// The state, to change answers or inspect calls.
    pub fn state(&self) -> MutexGuard<'_, FakeState> {
        self.0.lock().unwrap()
    }

    fn call(&self, name: &str) -> MutexGuard<'_, FakeState> {
        let mut s = self.state();
        s.calls.push(name.to_owned());
        s
    }
}

impl Kernel for FakeKernel {
    fn api_version(&self, _: BorrowedFd<'_>) -> Result<i32> {
        Ok(self.call("api_version").api_version)
    }

    fn check_extension(&self, _: BorrowedFd<'_>, ext: u32) -> Result<i32> {
        let s = self.call("check_extension");
        Ok(i32::from(ext == 3 && s.type1v2))
    }

    fn set_iommu(&self, _: BorrowedFd<'_>, iommu_type: u32) -> Result<()> {
        drop(self.call(&format!("set_iommu {iommu_type}")));
        Ok(())
    }

    fn iova_pgsizes(&self, _: BorrowedFd<'_>) -> Result<u64> {
        drop(self.call("iova_pgsizes"));
        Ok(0x4020_1000) // 4 KiB, 2 MiB, 1 GiB
    }

    fn group_status(&self, _: BorrowedFd<'_>) -> Result<u32> {
        let s = self.call("group_status");
        Ok(if s.viable { 0x1 } else { 0 })
    }

    fn set_container(&self, _: BorrowedFd<'_>, _: BorrowedFd<'_>) -> Result<()> {
        drop(self.call("set_container"));
        Ok(())
    }

    fn device_fd(&self, _: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd> {
        let s = self.call(&format!("device_fd {}", name.to_string_lossy()));
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&s.device_file);
        f.map(OwnedFd::from).map_err(|_| Errno::ENODEV)
    }

    fn device_info(&self, _: BorrowedFd<'_>) -> Result<DeviceInfo> {
        let s = self.call("device_info");
        Ok(DeviceInfo {
            flags: s.device_flags,
            num_regions: s.regions.len() as u32,
            num_irqs: 5,
        })
    }

    fn region_info(&self, _: BorrowedFd<'_>, index: u32) -> Result<RegionInfo> {
        let s = self.call(&format!("region_info {index}"));
        s.regions.get(index as usize).cloned().ok_or(Errno::EINVAL)
    }

    fn reset(&self, _: BorrowedFd<'_>) -> Result<()> {
        drop(self.call("reset"));
        Ok(())
    }

    fn dma_map(&self, _: BorrowedFd<'_>, iova: Iova, buf: &DmaBuffer, flags: u32) -> Result<()> {
        let mut s = self.call(&format!("dma_map {:#x}", iova.0));
        let (start, end) = (iova.0, iova.0 + buf.len() as u64);
        if s.maps.iter().any(|&(i, l, _)| i < end && start < i + l) {
            return Err(Errno::EEXIST);
        }
        s.maps.push((iova.0, buf.len() as u64, flags));
        Ok(())
    }

    fn dma_unmap(&self, _: BorrowedFd<'_>, iova: Iova, len: u64) -> Result<u64> {
        let mut s = self.call(&format!("dma_unmap {:#x}", iova.0));
        let before = s.maps.len();
        s.maps.retain(|&(i, l, _)| !(i == iova.0 && l == len));
        Ok(if s.maps.len() < before { len } else { 0 })
    }

    fn map_region(
        &self,
        _: BorrowedFd<'_>,
        offset: u64,
        len: usize,
    ) -> Result<Box<dyn MmioWindow>> {
        let s = self.call(&format!("map_region {offset:#x}"));
        Ok(Box::new(FakeWindow(s.bar0.clone(), len)))
    }
}

/// "Mapped" BAR0: little-endian words in a shared byte vector.
#[derive(Debug)]
struct FakeWindow(Arc<Mutex<Vec<u8>>>, usize);

impl FakeWindow {
    fn get<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        access_ok(off, N, self.1).then(|| self.0.lock().unwrap()[off..off + N].try_into().unwrap())
    }

    fn put(&self, off: usize, bytes: &[u8]) -> Option<()> {
        access_ok(off, bytes.len(), self.1)
            .then(|| self.0.lock().unwrap()[off..off + bytes.len()].copy_from_slice(bytes))
    }
}

impl MmioWindow for FakeWindow {
    fn read32(&self, off: usize) -> Option<u32> {
        self.get(off).map(u32::from_le_bytes)
    }

    fn read64(&self, off: usize) -> Option<u64> {
        self.get(off).map(u64::from_le_bytes)
    }

    fn write32(&self, off: usize, value: u32) -> Option<()> {
        self.put(off, &value.to_le_bytes())
    }

    fn write64(&self, off: usize, value: u64) -> Option<()> {
        self.put(off, &value.to_le_bytes())
    }
}
