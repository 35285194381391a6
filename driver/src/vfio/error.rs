//! `VfioError`: one variant per operation that can fail, named after the operation.
//!
//! Errors that come from a bad set-up of the machine (no IOMMU, vfio-pci not loaded, device
//! bound to another driver, group not viable, permissions) say both the cause and the fix, so
//! that the message alone tells an operator what to do.

use std::io;
use std::path::PathBuf;

use nix::errno::Errno;

use super::types::{BarIndex, BarOffset, ConfigOffset, GroupId, Iova, PciAddress};

/// The result type of the VFIO layer.
pub type Result<T> = std::result::Result<T, VfioError>;

/// Everything that can go wrong in the VFIO layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VfioError {
    /// A string is not a PCI address.
    #[error(
        "`{input}` is not a PCI address: expected dddd:bb:dd.f or bb:dd.f (hex), as `lspci -D` prints"
    )]
    ParsePciAddress { input: String },

    /// The kernel exposes no IOMMU groups at all.
    #[error(
        "no IOMMU: {path} is missing or empty, so no device can be isolated; enable VT-d \
         (AMD-Vi) in the firmware and boot Linux with `intel_iommu=on` (or `amd_iommu=on`)"
    )]
    NoIommu { path: PathBuf },

    /// The PCI device does not exist in sysfs.
    #[error("no PCI device {addr}: {path} does not exist; list devices with `lspci -D`")]
    NoSuchDevice { addr: PciAddress, path: PathBuf },

    /// The device exists but has no IOMMU group.
    #[error(
        "PCI device {addr} has no IOMMU group ({path} is missing): the IOMMU is off; boot with \
         `intel_iommu=on` (or `amd_iommu=on`) and enable VT-d in the firmware"
    )]
    NoIommuGroup { addr: PciAddress, path: PathBuf },

    /// Reading sysfs failed for another reason.
    #[error("failed to read {path}: {source}")]
    ReadSysfs {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The device is bound to a driver other than vfio-pci (or to none).
    #[error(
        "PCI device {addr} is bound to {}, not vfio-pci; bind it with: \
         `modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/{addr}/driver_override; \
         echo {addr} > /sys/bus/pci/devices/{addr}/driver/unbind; \
         echo {addr} > /sys/bus/pci/drivers_probe`",
        driver.as_deref().map_or("no driver".to_owned(), |d| format!("driver `{d}`"))
    )]
    WrongDriver {
        addr: PciAddress,
        driver: Option<String>,
    },

    /// Opening by group number is ambiguous: the group holds several devices, or none.
    #[error("IOMMU group {group} holds {} devices ({}); open one of them by PCI address",
        devices.len(), join(devices))]
    AmbiguousGroup {
        group: GroupId,
        devices: Vec<PciAddress>,
    },

    /// `/dev/vfio/vfio` does not exist.
    #[error(
        "failed to open the VFIO container: {path} does not exist; load VFIO with `modprobe vfio-pci`"
    )]
    NoVfioModule { path: PathBuf },

    /// Opening a VFIO node was refused.
    #[error(
        "failed to open {path}: permission denied; run as root, or give the user the node \
         (`chown <user> {path}`, udev rule on /dev/vfio/*) and raise `ulimit -l` for DMA"
    )]
    PermissionDenied {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The group node does not exist although the group does.
    #[error(
        "failed to open IOMMU group {group}: {path} does not exist; bind the group's devices \
         to vfio-pci (`modprobe vfio-pci`, then driver_override + drivers_probe)"
    )]
    NoGroupNode { group: GroupId, path: PathBuf },

    /// The group is already open (by another process or another `VfioDevice`).
    #[error(
        "failed to open IOMMU group {group}: {path} is busy; another process (or handle) has the group open"
    )]
    GroupBusy { group: GroupId, path: PathBuf },

    /// Opening the container or a group failed for another reason.
    #[error("failed to open {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The kernel speaks another VFIO API version.
    #[error("VFIO API version mismatch: the kernel reports {found}, this driver speaks {expected}")]
    ApiVersion { found: i32, expected: u32 },

    /// `VFIO_CHECK_EXTENSION` failed or the type1 IOMMU backend is missing.
    #[error(
        "the kernel's VFIO has no type1 IOMMU backend; load it with `modprobe vfio_iommu_type1` \
         and check that the IOMMU is on (`intel_iommu=on`)"
    )]
    NoType1Iommu,

    /// An ioctl on the container failed.
    #[error("failed to {op} on the VFIO container: {source}")]
    Container {
        op: &'static str,
        #[source]
        source: Errno,
    },

    /// `VFIO_GROUP_GET_STATUS` failed.
    #[error("failed to get the status of IOMMU group {group}: {source}")]
    GroupStatus {
        group: GroupId,
        #[source]
        source: Errno,
    },

    /// Some device in the group is not bound to vfio-pci (or pci-stub / no driver).
    #[error(
        "IOMMU group {group} is not viable: every device in it must be bound to vfio-pci (or \
         have no driver) but {}; bind each of them to vfio-pci (driver_override + drivers_probe) \
         or move the card to a slot with its own group",
        describe_offenders(others)
    )]
    GroupNotViable {
        group: GroupId,
        others: Vec<(PciAddress, Option<String>)>,
    },

    /// `VFIO_GROUP_SET_CONTAINER` failed.
    #[error("failed to attach IOMMU group {group} to the container: {source}")]
    SetContainer {
        group: GroupId,
        #[source]
        source: Errno,
    },

    /// `VFIO_GROUP_GET_DEVICE_FD` failed.
    #[error("failed to get a VFIO device fd for {name} from IOMMU group {group}: {source}")]
    GetDeviceFd {
        group: GroupId,
        name: String,
        #[source]
        source: Errno,
    },

    /// `VFIO_DEVICE_GET_INFO` failed or returned nonsense.
    #[error("failed to get VFIO device info: {source}")]
    DeviceInfo {
        #[source]
        source: Errno,
    },

    /// The device is not a PCI device (vfio-platform and others are not supported).
    #[error("the VFIO device is not a PCI device (flags {flags:#x})")]
    NotPci { flags: u32 },

    /// `VFIO_DEVICE_GET_REGION_INFO` failed.
    #[error("failed to get info for VFIO region {index}: {source}")]
    RegionInfo {
        index: u32,
        #[source]
        source: Errno,
    },

    /// The BAR is not implemented by the device.
    #[error("{bar} is missing: the device implements no such BAR (size 0)")]
    BarMissing { bar: BarIndex },

    /// The BAR is smaller than what the caller needs.
    #[error(
        "{bar} is too small: {size:#x} bytes, but {needed:#x} are needed; wrong device or bitstream?"
    )]
    BarTooSmall {
        bar: BarIndex,
        size: u64,
        needed: u64,
    },

    /// Mapping the BAR with mmap failed.
    #[error("failed to mmap {bar} ({size:#x} bytes at region offset {offset:#x}): {source}")]
    MapBar {
        bar: BarIndex,
        size: u64,
        offset: u64,
        #[source]
        source: Errno,
    },

    /// The caller asked for mmap access but the region cannot be mapped.
    #[error("{bar} cannot be mmapped ({why}); use `BarAccess::Auto` or `BarAccess::ReadWrite`")]
    BarNotMappable { bar: BarIndex, why: &'static str },

    /// An MMIO access falls (partly) outside the BAR.
    #[error("MMIO {width}-byte access at offset {offset} is outside {bar} (size {size:#x})")]
    MmioOutOfRange {
        bar: BarIndex,
        offset: BarOffset,
        width: usize,
        size: u64,
    },

    /// An MMIO access is not naturally aligned.
    #[error("MMIO {width}-byte access at offset {offset} of {bar} is not {width}-byte aligned")]
    MmioMisaligned {
        bar: BarIndex,
        offset: BarOffset,
        width: usize,
    },

    /// A pread/pwrite on the region fd failed or was short.
    #[error(
        "failed to {op} {width} bytes at offset {offset} of {region} through the VFIO region fd: {source}"
    )]
    RegionIo {
        op: &'static str,
        region: String,
        offset: u64,
        width: usize,
        #[source]
        source: Errno,
    },

    /// A config-space access falls outside config space or is misaligned.
    #[error(
        "config space {width}-byte access at {offset} is outside config space ({size:#x} bytes) or misaligned"
    )]
    ConfigRange {
        offset: ConfigOffset,
        width: usize,
        size: u64,
    },

    /// Allocating a DMA buffer failed.
    #[error("failed to allocate a {len:#x}-byte DMA buffer: {source}")]
    AllocDma {
        len: usize,
        #[source]
        source: io::Error,
    },

    /// A `DmaBuffer` access outside the buffer.
    #[error(
        "DMA buffer access of {len:#x} bytes at offset {offset:#x} is outside the buffer ({size:#x} bytes)"
    )]
    DmaBufferRange {
        offset: usize,
        len: usize,
        size: usize,
    },

    /// The IOVA or the length is not aligned to the IOMMU page size.
    #[error(
        "cannot map DMA at {iova} (+{len:#x} bytes): IOVA and length must be multiples of the IOMMU page size {page:#x}, and the range must not wrap"
    )]
    DmaAlignment { iova: Iova, len: u64, page: u64 },

    /// `VFIO_IOMMU_MAP_DMA` failed.
    #[error("failed to map DMA at {iova} (+{len:#x} bytes): {source}{}", map_hint(*source))]
    MapDma {
        iova: Iova,
        len: u64,
        #[source]
        source: Errno,
    },

    /// `VFIO_IOMMU_UNMAP_DMA` failed.
    #[error("failed to unmap DMA at {iova} (+{len:#x} bytes): {source}")]
    UnmapDma {
        iova: Iova,
        len: u64,
        #[source]
        source: Errno,
    },

    /// `VFIO_IOMMU_UNMAP_DMA` unmapped nothing (or less than asked).
    #[error(
        "failed to unmap DMA at {iova} (+{len:#x} bytes): only {unmapped:#x} bytes were mapped there"
    )]
    UnmapMismatch { iova: Iova, len: u64, unmapped: u64 },

    /// The device does not support `VFIO_DEVICE_RESET`.
    #[error(
        "failed to reset {device}: the device offers vfio-pci no reset method (no FLR, no \
         PM reset, no secondary bus reset); reset it through its own registers, or put the card \
         where vfio-pci can reset its slot or bus"
    )]
    ResetUnsupported { device: String },

    /// `VFIO_DEVICE_RESET` failed.
    #[error("failed to reset {device}: {source}")]
    Reset {
        device: String,
        #[source]
        source: Errno,
    },
}

fn join(devices: &[PciAddress]) -> String {
    let names: Vec<String> = devices.iter().map(ToString::to_string).collect();
    names.join(", ")
}

fn describe_offenders(others: &[(PciAddress, Option<String>)]) -> String {
    if others.is_empty() {
        return "the kernel did not say which device is not".to_owned();
    }
    let parts: Vec<String> = others
        .iter()
        .map(|(addr, driver)| match driver {
            Some(d) => format!("{addr} is bound to `{d}`"),
            None => format!("{addr} has no driver"),
        })
        .collect();
    parts.join(", ")
}

fn map_hint(errno: Errno) -> &'static str {
    match errno {
        Errno::ENOMEM | Errno::EPERM => {
            " (the locked-memory limit is probably too low: raise `ulimit -l` or run as root)"
        }
        Errno::EEXIST => " (the IOVA range overlaps an existing mapping)",
        Errno::EINVAL => " (misaligned, zero-length, or outside the IOMMU's address width)",
        _ => "",
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
