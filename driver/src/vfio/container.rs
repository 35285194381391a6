//! The VFIO container (`/dev/vfio/vfio`): API version and type1 checks, setting the IOMMU
//! once a group is attached, and type1 DMA mappings (IOVA → host memory).

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

use vfio_bindings::bindings::vfio::{VFIO_API_VERSION, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU};

use super::error::{Result, VfioError};
use super::kernel::Kernel;
use super::sys::DmaBuffer;
use super::sysfs::SysPaths;
use super::types::{DmaPerm, Iova};

/// The kernel and the filesystem roots the VFIO layer works against.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub kernel: Arc<dyn Kernel>,
    pub paths: SysPaths,
}

impl Env {
    /// The real kernel at `/sys` and `/dev`.
    pub fn system() -> Self {
        Self {
            kernel: Arc::new(super::sys::Linux),
            paths: SysPaths::default(),
        }
    }
}

/// Opens a VFIO node read/write, mapping the common failures to set-up errors.
/// `not_found` builds the error for a missing node.
pub(crate) fn open_node(
    path: &Path,
    not_found: impl FnOnce() -> VfioError,
    busy: impl FnOnce() -> VfioError,
) -> Result<OwnedFd> {
    match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => Ok(f.into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(not_found()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Err(VfioError::PermissionDenied {
            path: path.to_owned(),
            source: e,
        }),
        Err(e) if e.raw_os_error() == Some(nix::libc::EBUSY) => Err(busy()),
        Err(source) => Err(VfioError::Open {
            path: path.to_owned(),
            source,
        }),
    }
}

/// An open VFIO container with a type1 IOMMU (once a group is attached).
#[derive(Debug)]
pub(crate) struct Container {
    fd: OwnedFd,
    kernel: Arc<dyn Kernel>,
    /// Smallest IOMMU page size, known once the IOMMU is set.
    page_size: u64,
}

impl Container {
    /// Opens `/dev/vfio/vfio` and checks the API version and the type1 extension.
    pub fn open(env: &Env) -> Result<Self> {
        let path = env.paths.container();
        let fd = open_node(
            &path,
            || VfioError::NoVfioModule { path: path.clone() },
            || VfioError::Open {
                path: path.clone(),
                source: io::Error::from_raw_os_error(nix::libc::EBUSY),
            },
        )?;
        let c = Self {
            fd,
            kernel: env.kernel.clone(),
            page_size: 4096,
        };
        let found = c
            .kernel
            .api_version(c.fd())
            .map_err(|source| VfioError::Container {
                op: "get the API version",
                source,
            })?;
        if found != VFIO_API_VERSION as i32 {
            return Err(VfioError::ApiVersion {
                found,
                expected: VFIO_API_VERSION,
            });
        }
        c.iommu_type()?;
        Ok(c)
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The best type1 flavour the kernel offers: v2 if it can, else v1.
    fn iommu_type(&self) -> Result<u32> {
        for t in [VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU] {
            let r = self.kernel.check_extension(self.fd(), t);
            match r {
                Ok(n) if n > 0 => return Ok(t),
                Ok(_) => {}
                Err(source) => {
                    return Err(VfioError::Container {
                        op: "check the type1 IOMMU extension",
                        source,
                    });
                }
            }
        }
        Err(VfioError::NoType1Iommu)
    }

    /// Sets the type1 IOMMU; legal only once a group is attached.
    pub fn set_iommu(&mut self) -> Result<()> {
        let t = self.iommu_type()?;
        self.kernel
            .set_iommu(self.fd(), t)
            .map_err(|source| VfioError::Container {
                op: "set the type1 IOMMU",
                source,
            })?;
        let sizes = self
            .kernel
            .iova_pgsizes(self.fd())
            .map_err(|source| VfioError::Container {
                op: "get the IOMMU info",
                source,
            })?;
        if sizes != 0 {
            self.page_size = 1 << sizes.trailing_zeros();
        }
        Ok(())
    }

    /// The smallest page the IOMMU maps (IOVAs and lengths are multiples of it).
    pub fn page_size(&self) -> u64 {
        self.page_size
    }

    fn check_aligned(&self, iova: Iova, len: u64) -> Result<()> {
        let page = self.page_size;
        let ok =
            len > 0 && iova.0 % page == 0 && len % page == 0 && iova.checked_add(len - 1).is_some();
        ok.then_some(())
            .ok_or(VfioError::DmaAlignment { iova, len, page })
    }

    /// Maps all of `buf` at `iova` for the device.
    pub fn map_dma(&self, iova: Iova, buf: &DmaBuffer, perm: DmaPerm) -> Result<()> {
        let len = buf.len() as u64;
        self.check_aligned(iova, len)?;
        self.kernel
            .dma_map(self.fd(), iova, buf, perm.map_flags())
            .map_err(|source| VfioError::MapDma { iova, len, source })
    }

    /// Unmaps `len` bytes at `iova`; an error if that was not exactly what was mapped there.
    pub fn unmap_dma(&self, iova: Iova, len: u64) -> Result<()> {
        self.check_aligned(iova, len)?;
        let unmapped = self
            .kernel
            .dma_unmap(self.fd(), iova, len)
            .map_err(|source| VfioError::UnmapDma { iova, len, source })?;
        if unmapped != len {
            return Err(VfioError::UnmapMismatch {
                iova,
                len,
                unmapped,
            });
        }
        Ok(())
    }
}
