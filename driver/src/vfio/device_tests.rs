//! Unit tests of [`VfioDevice`] against the fake kernel and a fake sysfs/dev tree: the open
//! sequence, each set-up error, BAR access both ways, config space, DMA and reset.

use std::fs;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use super::*;
use crate::vfio::fake::{CONFIG_OFFSET, FakeKernel};
use crate::vfio::sysfs::PciId;
use crate::vfio::sysfs::tests::FakeTree;
use crate::vfio::types::BarOffset;

const EDU: PciId = PciId {
    vendor: 0x1234,
    device: 0x11e8,
};
const ADDR: &str = "0000:00:03.0";

struct Rig {
    tree: FakeTree,
    kernel: Arc<FakeKernel>,
}

impl Rig {
    /// edu at 00:03.0 in group 3, bound to vfio-pci, with the VFIO nodes present.
    fn new() -> Self {
        let tree = FakeTree::new();
        tree.device(ADDR, EDU, Some(3), Some("vfio-pci"));
        fs::write(tree.paths.container(), "").unwrap();
        fs::write(tree.paths.group_node(GroupId(3)), "").unwrap();
        let kernel = FakeKernel::new(tree.paths.dev.join("device-fd"));
        Self { tree, kernel }
    }

    fn open(&self) -> Result<VfioDevice> {
        let env = Env {
            kernel: self.kernel.clone(),
            paths: self.tree.paths.clone(),
        };
        VfioDevice::open_in(env, ADDR.parse().unwrap())
    }

    fn device_file(&self) -> fs::File {
        fs::File::open(&self.kernel.state().device_file).unwrap()
    }
}

#[test]
fn opens_in_the_documented_order() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    assert_eq!(dev.group(), GroupId(3));
    assert_eq!(dev.address().to_string(), ADDR);
    assert_eq!(dev.iommu_page_size(), 4096);
    let calls = rig.kernel.state().calls.join(", ");
    assert_eq!(
        calls,
        "api_version, check_extension, group_status, set_container, check_extension, \
         set_iommu 3, iova_pgsizes, device_fd 0000:00:03.0, device_info, region_info 7"
    );
}

#[test]
fn set_up_errors_say_what_is_wrong() {
    let rig = Rig::new();
    fs::remove_file(rig.tree.paths.group_node(GroupId(3))).unwrap();
    assert!(matches!(rig.open(), Err(VfioError::NoGroupNode { .. })));
    fs::remove_file(rig.tree.paths.container()).unwrap();
    let err = rig.open().unwrap_err();
    assert!(err.to_string().contains("modprobe vfio-pci"), "{err}");

    let rig = Rig::new();
    rig.kernel.state().api_version = 1;
    assert!(matches!(
        rig.open(),
        Err(VfioError::ApiVersion { found: 1, .. })
    ));
    rig.kernel.state().api_version = 0;
    rig.kernel.state().type1v2 = false;
    assert!(matches!(rig.open(), Err(VfioError::NoType1Iommu)));
}

#[test]
fn device_on_another_driver_is_refused_before_any_ioctl() {
    let rig = Rig::new();
    rig.tree.device("0000:00:04.0", EDU, Some(4), Some("edu"));
    let env = Env {
        kernel: rig.kernel.clone(),
        paths: rig.tree.paths.clone(),
    };
    let err = VfioDevice::open_in(env, "00:04.0".parse().unwrap()).unwrap_err();
    assert!(matches!(err, VfioError::WrongDriver { .. }), "{err}");
    assert!(err.to_string().contains("driver_override"), "{err}");
    assert!(rig.kernel.state().calls.is_empty());
}

#[test]
fn non_viable_group_names_the_other_devices() {
    let rig = Rig::new();
    rig.tree
        .device("0000:00:1f.0", EDU, Some(3), Some("lpc_ich"));
    rig.kernel.state().viable = false;
    let err = rig.open().unwrap_err();
    assert!(matches!(err, VfioError::GroupNotViable { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("0000:00:1f.0 is bound to `lpc_ich`"),
        "{err}"
    );
}

#[test]
fn bar_through_mmap_and_through_the_fd() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    let mapped = dev.bar(BarIndex::BAR0, 0x100, BarAccess::Auto).unwrap();
    assert!(mapped.is_mapped());
    mapped
        .write64(BarOffset(0x88), 0x1122_3344_5566_7788)
        .unwrap();
    assert_eq!(mapped.read32(BarOffset(0x8c)).unwrap(), 0x1122_3344);
    assert_eq!(rig.kernel.state().bar0.lock().unwrap()[0x88], 0x88);

    let fd = dev.bar(BarIndex::BAR0, 0, BarAccess::ReadWrite).unwrap();
    assert!(!fd.is_mapped());
    fd.write32(BarOffset(0x4), 0xdead_beef).unwrap();
    let mut word = [0u8; 4];
    rig.device_file().read_exact_at(&mut word, 4).unwrap();
    assert_eq!(u32::from_le_bytes(word), 0xdead_beef);
    assert_eq!(fd.read64(BarOffset(0x0)).unwrap(), 0xdead_beef_0000_0000);
}

#[test]
fn bar_errors_are_typed() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    let bar2 = BarIndex::new(2).unwrap();
    let missing = dev.bar(bar2, 0, BarAccess::Auto).unwrap_err();
    assert!(matches!(missing, VfioError::BarMissing { .. }), "{missing}");
    let small = dev
        .bar(BarIndex::BAR0, 0x2000, BarAccess::Auto)
        .unwrap_err();
    assert!(
        small.to_string().contains("0x1000 bytes, but 0x2000"),
        "{small}"
    );
    for bar in [
        dev.bar(BarIndex::BAR0, 0, BarAccess::Mmap).unwrap(),
        dev.bar(BarIndex::BAR0, 0, BarAccess::ReadWrite).unwrap(),
    ] {
        let e = bar.read32(BarOffset(0x1000)).unwrap_err();
        assert!(matches!(e, VfioError::MmioOutOfRange { .. }), "{e}");
        let e = bar.write64(BarOffset(0xffc), 0).unwrap_err();
        assert!(matches!(e, VfioError::MmioMisaligned { .. }), "{e}");
        let e = bar.read64(BarOffset(u64::MAX - 7)).unwrap_err();
        assert!(matches!(e, VfioError::MmioOutOfRange { .. }), "{e}");
    }
    rig.kernel.state().regions[0].flags = 0x3; // no MMAP flag
    assert!(
        !dev.bar(BarIndex::BAR0, 0, BarAccess::Auto)
            .unwrap()
            .is_mapped()
    );
    let e = dev.bar(BarIndex::BAR0, 0, BarAccess::Mmap).unwrap_err();
    assert!(matches!(e, VfioError::BarNotMappable { .. }), "{e}");
}

#[test]
fn bus_master_is_set_in_the_command_register() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    assert_eq!(dev.config_read16(ConfigOffset(0x4)).unwrap(), 0);
    dev.enable_bus_master().unwrap();
    let mut cmd = [0u8; 2];
    rig.device_file()
        .read_exact_at(&mut cmd, CONFIG_OFFSET + 4)
        .unwrap();
    assert_eq!(u16::from_le_bytes(cmd), 0x6);
    let e = dev.config_read32(ConfigOffset(0x100)).unwrap_err();
    assert!(matches!(e, VfioError::ConfigRange { .. }), "{e}");
    assert!(dev.config_read16(ConfigOffset(0x3)).is_err());
}

#[test]
fn dma_map_checks_alignment_overlap_and_unmap_size() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    let buf = DmaBuffer::new(8192).unwrap();
    let e = dev.map_dma(Iova(0x800), &buf, DmaPerm::Read).unwrap_err();
    assert!(matches!(e, VfioError::DmaAlignment { .. }), "{e}");
    dev.map_dma(Iova(0x10_0000), &buf, DmaPerm::ReadWrite)
        .unwrap();
    assert_eq!(rig.kernel.state().maps, vec![(0x10_0000, 8192, 3)]);
    let e = dev
        .map_dma(Iova(0x10_1000), &buf, DmaPerm::Write)
        .unwrap_err();
    assert!(e.to_string().contains("overlaps"), "{e}");
    let e = dev.unmap_dma(Iova(0x20_0000), 8192).unwrap_err();
    assert!(
        matches!(e, VfioError::UnmapMismatch { unmapped: 0, .. }),
        "{e}"
    );
    dev.unmap_dma(Iova(0x10_0000), 8192).unwrap();
    assert!(rig.kernel.state().maps.is_empty());
}

#[test]
fn reset_is_refused_clearly_when_unsupported() {
    let rig = Rig::new();
    let dev = rig.open().unwrap();
    assert!(dev.supports_reset());
    dev.reset().unwrap();
    assert!(rig.kernel.state().calls.contains(&"reset".to_owned()));
    rig.kernel.state().device_flags = 0x2; // PCI, no RESET
    let dev = rig.open().unwrap();
    let e = dev.reset().unwrap_err();
    assert!(matches!(e, VfioError::ResetUnsupported { .. }), "{e}");
    assert!(e.to_string().contains("no FLR"), "{e}");
}
