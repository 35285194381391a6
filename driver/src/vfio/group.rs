//! A VFIO group (`/dev/vfio/N`): open, viability check (with the offending devices named),
//! attach to a container, and get a device fd.

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;

use vfio_bindings::bindings::vfio::VFIO_GROUP_FLAGS_VIABLE;

use super::container::{Container, Env, open_node};
use super::error::{Result, VfioError};
use super::kernel::Kernel;
use super::sysfs;
use super::types::{GroupId, PciAddress};

/// An open IOMMU group.
#[derive(Debug)]
pub(crate) struct Group {
    id: GroupId,
    fd: OwnedFd,
    kernel: Arc<dyn Kernel>,
}

impl Group {
    /// Opens `/dev/vfio/<id>`.
    pub fn open(env: &Env, id: GroupId) -> Result<Self> {
        let path = env.paths.group_node(id);
        let fd = open_node(
            &path,
            || VfioError::NoGroupNode {
                group: id,
                path: path.clone(),
            },
            || VfioError::GroupBusy {
                group: id,
                path: path.clone(),
            },
        )?;
        Ok(Self {
            id,
            fd,
            kernel: env.kernel.clone(),
        })
    }

    pub fn id(&self) -> GroupId {
        self.id
    }

    /// Fails with [`VfioError::GroupNotViable`] unless every device of the group is bound to
    /// vfio-pci (or unbound); the error names the devices that are not. `me` is left out of
    /// the list.
    pub fn check_viable(&self, env: &Env, me: Option<PciAddress>) -> Result<()> {
        let flags = self
            .kernel
            .group_status(self.fd.as_fd())
            .map_err(|source| VfioError::GroupStatus {
                group: self.id,
                source,
            })?;
        if flags & VFIO_GROUP_FLAGS_VIABLE != 0 {
            return Ok(());
        }
        let others = sysfs::group_offenders(&env.paths, self.id, me).unwrap_or_default();
        Err(VfioError::GroupNotViable {
            group: self.id,
            others,
        })
    }

    /// Attaches the group to `container`.
    pub fn attach(&self, container: &Container) -> Result<()> {
        self.kernel
            .set_container(self.fd.as_fd(), container.fd())
            .map_err(|source| VfioError::SetContainer {
                group: self.id,
                source,
            })
    }

    /// A device fd for the device called `name` (its PCI address) in this group.
    pub fn device_fd(&self, name: &str) -> Result<OwnedFd> {
        let err = |source| VfioError::GetDeviceFd {
            group: self.id,
            name: name.to_owned(),
            source,
        };
        let cname = CString::new(name).map_err(|_| err(nix::errno::Errno::EINVAL))?;
        self.kernel.device_fd(self.fd.as_fd(), &cname).map_err(err)
    }
}
