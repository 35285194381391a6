//! The tenant library: how a program uses an accelerator through optimusd.
//!
//! ```no_run
//! use optimus_hypervisor::tenant::Client;
//!
//! let client = Client::connect(optimus_hypervisor::default_socket())?;
//! let acc = client.open("membench")?;
//! let buf = acc.share(64 * 64)?;                 // a memfd, mapped into the vaccel's slice
//! acc.write(0x030, buf.device_addr())?;          // BUF_ADDR: the slot-relative address
//! acc.write(0x038, 64)?;                         // BUF_LINES
//! acc.write(0x040, 64)?;                         // TOTAL_LINES
//! acc.write(0x048, 1)?;                          // MODE: read
//! acc.start()?;
//! acc.wait(std::time::Duration::from_secs(10))?;
//! let checksum = acc.read(0x060)?;
//! acc.close()?;                                  // or drop the client: optimusd frees it all
//! # Ok::<(), optimus_hypervisor::tenant::TenantError>(())
//! ```
//!
//! A tenant names only its own vaccels and its own registers (offsets in its slot page);
//! addresses it programs are the `device_addr` of buffers it shared. If the process exits or
//! is killed, optimusd resets the slot, unmaps the buffers and frees the slot.

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, connect, socket};
use optimus_driver::DmaBuffer;

use crate::proto::{self, BufferId, ErrorCode, KindInfo, Request, Response, VaccelId, WireError};

/// What can go wrong for a tenant.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// optimusd is not there.
    #[error(
        "cannot connect to optimusd at {path}: {source} (is it running? see `optimusd --help`)"
    )]
    Connect {
        /// Socket path.
        path: String,
        /// Error.
        #[source]
        source: nix::Error,
    },
    /// The connection failed.
    #[error("optimusd connection: {0}")]
    Wire(#[from] WireError),
    /// optimusd refused the request.
    #[error("optimusd refused: {message}")]
    Refused {
        /// Machine-readable kind.
        code: ErrorCode,
        /// Its message.
        message: String,
    },
    /// optimusd answered something unexpected.
    #[error("unexpected answer from optimusd: {0:?}")]
    Unexpected(Box<Response>),
    /// A buffer could not be made.
    #[error("cannot make a shared buffer: {0}")]
    Buffer(String),
}

/// A connection to optimusd.
pub struct Client {
    sock: Mutex<OwnedFd>,
}

impl Client {
    /// Connects to optimusd's socket.
    pub fn connect(path: &Path) -> Result<Self, TenantError> {
        let err = |source| TenantError::Connect {
            path: path.display().to_string(),
            source,
        };
        let sock = socket(
            AddressFamily::Unix,
            SockType::SeqPacket,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .map_err(err)?;
        let addr = UnixAddr::new(path).map_err(err)?;
        connect(std::os::fd::AsRawFd::as_raw_fd(&sock), &addr).map_err(err)?;
        Ok(Self {
            sock: Mutex::new(sock),
        })
    }

    /// Sends a request (with a file descriptor, for `share`) and returns the answer; a
    /// refusal becomes [`TenantError::Refused`].
    pub fn call(&self, req: &Request, fd: Option<&OwnedFd>) -> Result<Response, TenantError> {
        let sock = self.sock.lock().unwrap_or_else(|e| e.into_inner());
        proto::send(sock.as_fd(), req, fd.map(|f| f.as_fd()))?;
        let (resp, _) = proto::recv::<Response>(sock.as_fd())?;
        match resp {
            Response::Error { code, message } => Err(TenantError::Refused { code, message }),
            other => Ok(other),
        }
    }

    /// Accelerator kinds with free and total slots.
    pub fn kinds(&self) -> Result<Vec<KindInfo>, TenantError> {
        match self.call(&Request::ListKinds, None)? {
            Response::Kinds { kinds } => Ok(kinds),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// A vaccel of `kind`.
    pub fn open(&self, kind: &str) -> Result<Vaccel<'_>, TenantError> {
        let req = Request::Open { kind: kind.into() };
        match self.call(&req, None)? {
            Response::Opened { vaccel, slot } => Ok(Vaccel {
                client: self,
                id: vaccel,
                slot,
            }),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }
}

/// A virtual accelerator: one slot, one slice, for this tenant only.
pub struct Vaccel<'a> {
    client: &'a Client,
    id: VaccelId,
    slot: usize,
}

/// A buffer shared with a vaccel: the tenant's bytes, and the address its accelerator uses.
pub struct SharedBuffer {
    mem: DmaBuffer,
    id: BufferId,
    device_addr: u64,
}

impl SharedBuffer {
    /// The bytes (read and write them while the accelerator is not using them).
    pub fn mem(&self) -> &DmaBuffer {
        &self.mem
    }

    /// The slot-relative byte address to program into the accelerator.
    pub fn device_addr(&self) -> u64 {
        self.device_addr
    }

    /// The buffer's id at optimusd.
    pub fn id(&self) -> BufferId {
        self.id
    }
}

impl Vaccel<'_> {
    /// Its id at optimusd.
    pub fn id(&self) -> VaccelId {
        self.id
    }

    /// The slot it runs in (information only).
    pub fn slot(&self) -> usize {
        self.slot
    }

    fn ok(&self, req: Request) -> Result<(), TenantError> {
        match self.client.call(&req, None)? {
            Response::Ok => Ok(()),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// A zeroed buffer of `len` bytes (rounded up to 4 KiB) shared with the accelerator.
    pub fn share(&self, len: usize) -> Result<SharedBuffer, TenantError> {
        let fd = sealed_memfd(len)?;
        let mem = DmaBuffer::from_file(&std::fs::File::from(
            fd.try_clone()
                .map_err(|e| TenantError::Buffer(e.to_string()))?,
        ))
        .map_err(|e| TenantError::Buffer(e.to_string()))?;
        match self
            .client
            .call(&Request::Share { vaccel: self.id }, Some(&fd))?
        {
            Response::Shared {
                buffer,
                device_addr,
                ..
            } => Ok(SharedBuffer {
                mem,
                id: buffer,
                device_addr,
            }),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// Stops sharing `buf`.
    pub fn unshare(&self, buf: SharedBuffer) -> Result<(), TenantError> {
        self.ok(Request::Unshare {
            vaccel: self.id,
            buffer: buf.id,
        })
    }

    /// Reads the register at byte `offset` of the accelerator's page.
    pub fn read(&self, offset: u64) -> Result<u64, TenantError> {
        let req = Request::Read {
            vaccel: self.id,
            offset,
        };
        match self.client.call(&req, None)? {
            Response::Value { value } => Ok(value),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// Writes an application register (offset ≥ 0x30).
    pub fn write(&self, offset: u64, value: u64) -> Result<(), TenantError> {
        self.ok(Request::Write {
            vaccel: self.id,
            offset,
            value,
        })
    }

    /// Starts a job (CTL = START_NEW).
    pub fn start(&self) -> Result<(), TenantError> {
        self.ok(Request::Start { vaccel: self.id })
    }

    /// Waits until the accelerator stops running or `timeout` passes; its STATE.
    pub fn wait(&self, timeout: Duration) -> Result<u64, TenantError> {
        let req = Request::Wait {
            vaccel: self.id,
            timeout_ms: timeout.as_millis() as u64,
        };
        match self.client.call(&req, None)? {
            Response::State { state } => Ok(state),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// FAULT and FAULT_ADDR of its slot.
    pub fn faults(&self) -> Result<(u64, u64), TenantError> {
        match self
            .client
            .call(&Request::Faults { vaccel: self.id }, None)?
        {
            Response::Faults { fault, fault_addr } => Ok((fault, fault_addr)),
            other => Err(TenantError::Unexpected(Box::new(other))),
        }
    }

    /// Frees the vaccel.
    pub fn close(self) -> Result<(), TenantError> {
        self.ok(Request::Close { vaccel: self.id })
    }
}

/// A memfd of `len` bytes (rounded up to 4 KiB) that nobody can shrink or grow.
fn sealed_memfd(len: usize) -> Result<OwnedFd, TenantError> {
    let err = |e: nix::Error| TenantError::Buffer(e.to_string());
    let len = len.max(1).next_multiple_of(4096);
    let name = c"optimus-buffer";
    let fd =
        memfd_create(name, MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING).map_err(err)?;
    nix::unistd::ftruncate(&fd, len as i64).map_err(err)?;
    let seals = SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW | SealFlag::F_SEAL_SEAL;
    fcntl(&fd, FcntlArg::F_ADD_SEALS(seals)).map_err(err)?;
    Ok(fd)
}
