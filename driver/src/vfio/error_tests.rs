//! Unit tests of [`VfioError`]'s messages: set-up errors name their cause and their fix,
//! addresses print in hex.

use super::*;

fn addr(s: &str) -> PciAddress {
    s.parse().unwrap()
}

#[test]
fn wrong_driver_says_how_to_bind() {
    let msg = VfioError::WrongDriver {
        addr: addr("0000:00:03.0"),
        driver: Some("edu".into()),
    }
    .to_string();
    assert!(msg.contains("driver `edu`"), "{msg}");
    assert!(
        msg.contains("/sys/bus/pci/devices/0000:00:03.0/driver_override"),
        "{msg}"
    );
    assert!(msg.contains("drivers_probe"), "{msg}");
    let none = VfioError::WrongDriver {
        addr: addr("00:03.0"),
        driver: None,
    };
    assert!(none.to_string().contains("bound to no driver"));
}

#[test]
fn setup_errors_name_their_fix() {
    let no_iommu = VfioError::NoIommu {
        path: "/sys/kernel/iommu_groups".into(),
    };
    assert!(no_iommu.to_string().contains("intel_iommu=on"));
    let no_vfio = VfioError::NoVfioModule {
        path: "/dev/vfio/vfio".into(),
    };
    assert!(no_vfio.to_string().contains("modprobe vfio-pci"));
    let perm = VfioError::PermissionDenied {
        path: "/dev/vfio/7".into(),
        source: io::ErrorKind::PermissionDenied.into(),
    };
    assert!(perm.to_string().contains("chown <user> /dev/vfio/7"));
}

#[test]
fn group_not_viable_lists_offenders() {
    let e = VfioError::GroupNotViable {
        group: GroupId(4),
        others: vec![
            (addr("0000:00:1f.0"), Some("lpc_ich".into())),
            (addr("0000:00:1f.3"), None),
        ],
    };
    let msg = e.to_string();
    assert!(msg.contains("group 4"), "{msg}");
    assert!(msg.contains("0000:00:1f.0 is bound to `lpc_ich`"), "{msg}");
    assert!(msg.contains("0000:00:1f.3 has no driver"), "{msg}");
}

#[test]
fn map_dma_hints_at_memlock() {
    let e = VfioError::MapDma {
        iova: Iova(0x10_0000),
        len: 0x1000,
        source: Errno::ENOMEM,
    };
    let msg = e.to_string();
    assert!(msg.contains("iova 0x100000"), "{msg}");
    assert!(msg.contains("ulimit -l"), "{msg}");
}

#[test]
fn mmio_errors_show_hex_offsets() {
    let e = VfioError::MmioOutOfRange {
        bar: BarIndex::BAR0,
        offset: BarOffset(0x10_0000),
        width: 8,
        size: 0x10_0000,
    };
    assert_eq!(
        e.to_string(),
        "MMIO 8-byte access at offset 0x100000 is outside BAR0 (size 0x100000)"
    );
}
