//! What the VFIO layer reads from sysfs: a device's IOMMU group and driver, the devices of a
//! group, and PCI devices by vendor/device id.
//!
//! Every function takes the roots as [`SysPaths`], so tests run against a fake tree in a
//! temporary directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::{Result, VfioError};
use super::types::{GroupId, PciAddress};

/// Where sysfs and /dev live (`/sys` and `/dev` on a real system).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SysPaths {
    pub sysfs: PathBuf,
    pub dev: PathBuf,
}

impl Default for SysPaths {
    fn default() -> Self {
        Self {
            sysfs: PathBuf::from("/sys"),
            dev: PathBuf::from("/dev"),
        }
    }
}

impl SysPaths {
    pub fn pci_device(&self, addr: PciAddress) -> PathBuf {
        self.sysfs.join("bus/pci/devices").join(addr.to_string())
    }

    pub fn iommu_groups(&self) -> PathBuf {
        self.sysfs.join("kernel/iommu_groups")
    }

    pub fn container(&self) -> PathBuf {
        self.dev.join("vfio/vfio")
    }

    pub fn group_node(&self, group: GroupId) -> PathBuf {
        self.dev.join("vfio").join(group.0.to_string())
    }
}

/// A PCI vendor and device id pair, as in `lspci -n` (`1234:11e8` for QEMU's edu device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PciId {
    /// Vendor id.
    pub vendor: u16,
    /// Device id.
    pub device: u16,
}

fn read_sysfs(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|source| VfioError::ReadSysfs {
        path: path.to_owned(),
        source,
    })
}

fn parse_hex_id(text: &str) -> Option<u16> {
    let t = text.trim();
    u16::from_str_radix(t.strip_prefix("0x").unwrap_or(t), 16).ok()
}

/// The last component of the symlink at `link`, `None` if there is no such link.
fn link_name(link: &Path) -> Result<Option<String>> {
    match fs::read_link(link) {
        Ok(target) => Ok(target.file_name().map(|n| n.to_string_lossy().into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(VfioError::ReadSysfs {
            path: link.to_owned(),
            source,
        }),
    }
}

/// True if the kernel has at least one IOMMU group, i.e. an IOMMU is on.
pub(crate) fn iommu_present(paths: &SysPaths) -> bool {
    fs::read_dir(paths.iommu_groups()).is_ok_and(|mut d| d.next().is_some())
}

/// The IOMMU group of `addr`, with set-up errors that say what is missing.
pub(crate) fn group_of(paths: &SysPaths, addr: PciAddress) -> Result<GroupId> {
    let dev = paths.pci_device(addr);
    if !dev.exists() {
        return Err(VfioError::NoSuchDevice { addr, path: dev });
    }
    let link = dev.join("iommu_group");
    let name = link_name(&link)?;
    let Some(name) = name else {
        if !iommu_present(paths) {
            return Err(VfioError::NoIommu {
                path: paths.iommu_groups(),
            });
        }
        return Err(VfioError::NoIommuGroup { addr, path: link });
    };
    name.parse().map(GroupId).map_err(|_| VfioError::ReadSysfs {
        path: link,
        source: io::Error::new(io::ErrorKind::InvalidData, format!("group `{name}`")),
    })
}

/// The driver `addr` is bound to, `None` if unbound.
pub(crate) fn driver_of(paths: &SysPaths, addr: PciAddress) -> Result<Option<String>> {
    link_name(&paths.pci_device(addr).join("driver"))
}

/// The PCI devices in `group`, sorted.
pub(crate) fn group_devices(paths: &SysPaths, group: GroupId) -> Result<Vec<PciAddress>> {
    let dir = paths
        .iommu_groups()
        .join(group.0.to_string())
        .join("devices");
    let entries = fs::read_dir(&dir).map_err(|source| VfioError::ReadSysfs {
        path: dir.clone(),
        source,
    })?;
    let mut devices: Vec<PciAddress> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    devices.sort();
    Ok(devices)
}

/// The devices of `group` other than `me` that keep the group from being viable: bound to a
/// driver other than vfio-pci or pci-stub. Falls back to every other device not bound to
/// vfio-pci when that finds none (the kernel knows best; we only explain).
pub(crate) fn group_offenders(
    paths: &SysPaths,
    group: GroupId,
    me: Option<PciAddress>,
) -> Result<Vec<(PciAddress, Option<String>)>> {
    let mut others = Vec::new();
    for addr in group_devices(paths, group)? {
        if Some(addr) != me {
            let driver = driver_of(paths, addr)?;
            if driver.as_deref() != Some("vfio-pci") {
                others.push((addr, driver));
            }
        }
    }
    let bound: Vec<_> = others
        .iter()
        .filter(|(_, d)| d.as_deref().is_some_and(|d| d != "pci-stub"))
        .cloned()
        .collect();
    Ok(if bound.is_empty() { others } else { bound })
}

/// All PCI devices with the given vendor and device id, sorted by address.
pub fn find_pci_devices(id: PciId) -> Result<Vec<PciAddress>> {
    find_pci_devices_in(&SysPaths::default(), id)
}

pub(crate) fn find_pci_devices_in(paths: &SysPaths, id: PciId) -> Result<Vec<PciAddress>> {
    let dir = paths.sysfs.join("bus/pci/devices");
    let entries = fs::read_dir(&dir).map_err(|source| VfioError::ReadSysfs {
        path: dir.clone(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(addr) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<PciAddress>().ok())
        else {
            continue;
        };
        let vendor = parse_hex_id(&read_sysfs(&entry.path().join("vendor"))?);
        let device = parse_hex_id(&read_sysfs(&entry.path().join("device"))?);
        if vendor == Some(id.vendor) && device == Some(id.device) {
            found.push(addr);
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A throw-away sysfs + /dev tree under the system temp dir.
    pub(crate) struct FakeTree {
        pub paths: SysPaths,
        root: PathBuf,
    }

    impl FakeTree {
        pub fn new() -> Self {
            static N: AtomicU32 = AtomicU32::new(0);
            let root = std::env::temp_dir().join(format!(
                "optimus-vfio-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&root);
            let paths = SysPaths {
                sysfs: root.join("sys"),
                dev: root.join("dev"),
            };
            fs::create_dir_all(paths.sysfs.join("bus/pci/devices")).unwrap();
            fs::create_dir_all(paths.sysfs.join("bus/pci/drivers")).unwrap();
            fs::create_dir_all(paths.iommu_groups()).unwrap();
            fs::create_dir_all(paths.dev.join("vfio")).unwrap();
            Self { paths, root }
        }

        /// Adds a device with ids, optional group and driver.
        pub fn device(&self, addr: &str, id: PciId, group: Option<u32>, driver: Option<&str>) {
            let dev = self.paths.sysfs.join("bus/pci/devices").join(addr);
            fs::create_dir_all(&dev).unwrap();
            fs::write(dev.join("vendor"), format!("{:#06x}\n", id.vendor)).unwrap();
            fs::write(dev.join("device"), format!("{:#06x}\n", id.device)).unwrap();
            if let Some(g) = group {
                let gdir = self.paths.iommu_groups().join(g.to_string());
                fs::create_dir_all(gdir.join("devices")).unwrap();
                symlink(&dev, gdir.join("devices").join(addr)).unwrap();
                symlink(&gdir, dev.join("iommu_group")).unwrap();
            }
            if let Some(d) = driver {
                let ddir = self.paths.sysfs.join("bus/pci/drivers").join(d);
                fs::create_dir_all(&ddir).unwrap();
                symlink(&ddir, dev.join("driver")).unwrap();
            }
        }
    }

    impl Drop for FakeTree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    const EDU: PciId = PciId {
        vendor: 0x1234,
        device: 0x11e8,
    };
    const OTHER: PciId = PciId {
        vendor: 0x8086,
        device: 0x2918,
    };

    fn a(s: &str) -> PciAddress {
        s.parse().unwrap()
    }

    #[test]
    fn resolves_group_and_driver() {
        let t = FakeTree::new();
        t.device("0000:00:03.0", EDU, Some(5), Some("vfio-pci"));
        assert_eq!(group_of(&t.paths, a("0000:00:03.0")).unwrap(), GroupId(5));
        assert_eq!(
            driver_of(&t.paths, a("0000:00:03.0")).unwrap().as_deref(),
            Some("vfio-pci")
        );
        assert_eq!(
            group_devices(&t.paths, GroupId(5)).unwrap(),
            vec![a("0000:00:03.0")]
        );
    }

    #[test]
    fn missing_device_and_missing_iommu_are_told_apart() {
        let t = FakeTree::new();
        let err = group_of(&t.paths, a("0000:00:09.0")).unwrap_err();
        assert!(matches!(err, VfioError::NoSuchDevice { .. }), "{err}");
        t.device("0000:00:03.0", EDU, None, None);
        let err = group_of(&t.paths, a("0000:00:03.0")).unwrap_err();
        assert!(matches!(err, VfioError::NoIommu { .. }), "{err}");
        assert!(err.to_string().contains("intel_iommu=on"));
        t.device("0000:00:04.0", OTHER, Some(1), None);
        let err = group_of(&t.paths, a("0000:00:03.0")).unwrap_err();
        assert!(matches!(err, VfioError::NoIommuGroup { .. }), "{err}");
    }

    #[test]
    fn offenders_are_the_bound_others() {
        let t = FakeTree::new();
        t.device("0000:00:1f.0", OTHER, Some(2), Some("lpc_ich"));
        t.device("0000:00:1f.2", OTHER, Some(2), Some("pci-stub"));
        t.device("0000:00:1f.3", OTHER, Some(2), Some("vfio-pci"));
        t.device("0000:00:1f.4", EDU, Some(2), Some("vfio-pci"));
        let me = Some(a("0000:00:1f.4"));
        let off = group_offenders(&t.paths, GroupId(2), me).unwrap();
        assert_eq!(off, vec![(a("0000:00:1f.0"), Some("lpc_ich".to_owned()))]);
    }

    #[test]
    fn finds_devices_by_id() {
        let t = FakeTree::new();
        t.device("0000:00:04.0", EDU, Some(1), None);
        t.device("0000:00:03.0", EDU, Some(0), None);
        t.device("0000:00:02.0", OTHER, Some(3), None);
        let found = find_pci_devices_in(&t.paths, EDU).unwrap();
        assert_eq!(found, vec![a("0000:00:03.0"), a("0000:00:04.0")]);
        assert!(iommu_present(&t.paths));
    }
}
