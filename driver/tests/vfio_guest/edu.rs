//! QEMU's `edu` device (PCI 1234:11e8) as seen through the VFIO layer: its registers (QEMU
//! docs/specs/edu.rst), a DMA helper, and the skip-or-fail rule for machines without it.

use std::time::{Duration, Instant};

use optimus_driver::vfio::{
    Bar, BarAccess, BarIndex, BarOffset, PciAddress, PciId, VfioDevice, find_pci_devices,
};

/// Vendor/device id of edu.
pub const EDU_ID: PciId = PciId {
    vendor: 0x1234,
    device: 0x11e8,
};
/// Identification register: 0xRRrr00ed (major, minor, 0xed).
pub const REG_ID: BarOffset = BarOffset(0x00);
/// Liveness check: reads back the bitwise inverse of the last write.
pub const REG_LIVENESS: BarOffset = BarOffset(0x04);
/// DMA source address (64-bit).
pub const REG_DMA_SRC: BarOffset = BarOffset(0x80);
/// DMA destination address (64-bit).
pub const REG_DMA_DST: BarOffset = BarOffset(0x88);
/// DMA byte count (64-bit).
pub const REG_DMA_COUNT: BarOffset = BarOffset(0x90);
/// DMA command: bit0 start/busy, bit1 direction, bit2 raise an interrupt when done.
pub const REG_DMA_CMD: BarOffset = BarOffset(0x98);
/// Where edu's 4 KiB DMA buffer sits in the device's own address space.
pub const DEV_BUF: u64 = 0x40000;
/// Largest transfer used: QEMU 7.2's edu aborts the VM on any transfer that ends at the last
/// byte of its 4 KiB buffer (off by one), a full 4096-byte one included.
pub const MAX_DMA: u64 = 2048;
/// Size edu's BAR0 must have (1 MiB).
pub const BAR0_LEN: u64 = 0x10_0000;

const CMD_START: u64 = 0x1;
/// Direction bit: 0 = RAM -> edu buffer, 1 = edu buffer -> RAM (edu.rst; not the reverse).
const CMD_TO_RAM: u64 = 0x2;

/// The edu device to test, or `None` to skip. Inside the guest (`OPTIMUS_VFIO_GUEST` set)
/// a missing device is a failure, not a skip.
pub fn edu_or_skip(test: &str) -> Option<PciAddress> {
    let found = find_pci_devices(EDU_ID)
        .ok()
        .and_then(|v| v.first().copied());
    if found.is_none() {
        assert!(
            std::env::var_os("OPTIMUS_VFIO_GUEST").is_none(),
            "{test}: no edu device (1234:11e8) although OPTIMUS_VFIO_GUEST is set"
        );
        eprintln!("{test}: skipped, no edu device (1234:11e8); see tests/qemu/run-vfio-guest.sh");
    }
    found
}

/// An open edu: the VFIO device plus BAR0.
pub struct Edu {
    pub dev: VfioDevice,
    pub bar: Bar,
}

/// Which way a DMA goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Host memory (at an IOVA) into edu's buffer.
    RamToDevice,
    /// Edu's buffer out to host memory (at an IOVA).
    DeviceToRam,
}

impl Edu {
    /// Opens edu at `addr` with BAR0 accessed as `access`, Bus Master on.
    pub fn open(addr: PciAddress, access: BarAccess) -> Edu {
        let dev = VfioDevice::open(addr).unwrap_or_else(|e| panic!("open {addr}: {e}"));
        let bar = dev.bar(BarIndex::BAR0, BAR0_LEN, access).expect("BAR0");
        dev.enable_bus_master().expect("enable bus master");
        Edu { dev, bar }
    }

    pub fn read32(&self, off: BarOffset) -> u32 {
        self.bar.read32(off).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn write32(&self, off: BarOffset, v: u32) {
        self.bar.write32(off, v).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs one DMA of `len` bytes between `iova` and edu's buffer at `dev_off`, polling
    /// the command register until the start bit clears (edu takes ~100 ms per transfer).
    pub fn dma(&self, dir: Dir, iova: u64, dev_off: u64, len: u64) {
        // QEMU 7.2's range check is off by one: a transfer ending exactly at the end of the
        // 4 KiB buffer aborts the whole VM ("hardware error: EDU: DMA range ... out of bounds").
        assert!(
            len <= MAX_DMA && dev_off + len < 4096,
            "edu DMA out of its buffer"
        );
        let (src, dst, cmd) = match dir {
            Dir::RamToDevice => (iova, DEV_BUF + dev_off, CMD_START),
            Dir::DeviceToRam => (DEV_BUF + dev_off, iova, CMD_START | CMD_TO_RAM),
        };
        let w = |off, v| self.bar.write64(off, v).unwrap_or_else(|e| panic!("{e}"));
        w(REG_DMA_SRC, src);
        w(REG_DMA_DST, dst);
        w(REG_DMA_COUNT, len);
        w(REG_DMA_CMD, cmd);
        let start = Instant::now();
        // A 32-bit read: through pread, vfio-pci 6.1 splits 64-bit accesses and edu answers
        // all-ones for the upper half (see the probe64 line of the fallback test).
        while self.read32(REG_DMA_CMD) & CMD_START as u32 != 0 {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "edu DMA {dir:?} iova {iova:#x} did not finish in 10 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Physical address of the page holding `vaddr`, from /proc/self/pagemap (root only).
pub fn phys_addr(vaddr: u64) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::open("/proc/self/pagemap").ok()?;
    let mut entry = [0u8; 8];
    f.read_exact_at(&mut entry, vaddr / 4096 * 8).ok()?;
    let e = u64::from_le_bytes(entry);
    let pfn = e & ((1 << 55) - 1);
    (e >> 63 == 1 && pfn != 0).then_some(pfn * 4096)
}

/// Kernel log lines (from /dev/kmsg) that contain all of `needles`, waiting up to `wait`
/// for them to appear (the DMAR fault is reported from an interrupt).
pub fn kmsg_lines(needles: &[&str], wait: Duration) -> Vec<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let start = Instant::now();
    loop {
        let mut found = Vec::new();
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open("/dev/kmsg")
        {
            let mut buf = vec![0u8; 8192];
            loop {
                match f.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        // A record is "prio,seq,usec,flags;message\n".
                        let record = String::from_utf8_lossy(&buf[..n]);
                        let msg = record.split_once(';').map_or(&*record, |(_, m)| m);
                        if needles.iter().all(|nd| msg.contains(nd)) {
                            found.push(msg.trim_end().to_owned());
                        }
                    }
                    // EPIPE: records were overwritten while reading; keep going.
                    Err(e) if e.raw_os_error() == Some(nix::libc::EPIPE) => {}
                    Err(_) => break, // EAGAIN: end of the log
                }
            }
        }
        if !found.is_empty() || start.elapsed() >= wait {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
