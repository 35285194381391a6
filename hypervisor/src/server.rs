//! optimusd's server: the listening socket, one thread per connection, the clock thread, and
//! a clean stop (every connection closed, every vaccel freed, the socket removed).

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::socket::{
    AddressFamily, Backlog, Shutdown, SockFlag, SockType, UnixAddr, accept, bind, getsockopt,
    listen, shutdown, socket, sockopt,
};
use optimus_driver::{Device, DmaBuffer};
use optimus_regs::accel::State;

use crate::policy::DaemonConfig;
use crate::proto::{self, ErrorCode, Request, Response, WireError};
use crate::state::{Hypervisor, Refusal, TenantId};

/// Cycles the clock thread runs per step while a vaccel is running.
const CLOCK_STEP: u64 = 256;

/// Stops a running [`Daemon`] from another thread (a signal handler thread, a test).
#[derive(Clone, Default)]
pub struct Stopper {
    stop: Arc<AtomicBool>,
    fds: Arc<Mutex<HashMap<u64, RawFd>>>,
}

impl Stopper {
    /// Asks the daemon to stop: the listener and every connection are shut down (tenants see
    /// the connection close), then everything is freed.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let fds = self.fds.lock().unwrap_or_else(|e| e.into_inner());
        for &fd in fds.values() {
            // Still open: its owner removes it from this map, under this lock, before closing.
            let _ = shutdown(fd, Shutdown::Both);
        }
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn register(&self, id: u64, fd: RawFd) {
        self.fds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, fd);
    }

    fn unregister(&self, id: u64) {
        self.fds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}

/// The daemon: a device, the hypervisor state and the policy.
pub struct Daemon {
    cfg: DaemonConfig,
    hyp: Arc<Mutex<Hypervisor>>,
    dev: Arc<Device>,
    stopper: Stopper,
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be set up.
    #[error("socket {path}: {message}")]
    Socket {
        /// Path.
        path: PathBuf,
        /// What went wrong and what to do.
        message: String,
    },
    /// The device failed while the slots were prepared.
    #[error(transparent)]
    Device(#[from] optimus_driver::DeviceError),
}

impl Daemon {
    /// A daemon for `dev` under `cfg` (slots are reset now).
    pub fn new(cfg: DaemonConfig, dev: Device) -> Result<Self, ServeError> {
        let dev = Arc::new(dev);
        let hyp = Hypervisor::new(Arc::clone(&dev), cfg.slice_gib << 30)?;
        Ok(Self {
            cfg,
            hyp: Arc::new(Mutex::new(hyp)),
            dev,
            stopper: Stopper::default(),
        })
    }

    /// The device it serves (tests check its mappings after tenants leave).
    pub fn device(&self) -> Arc<Device> {
        Arc::clone(&self.dev)
    }

    /// A handle that stops [`Daemon::serve`].
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }

    /// Binds the socket; call [`Daemon::serve`] next. Separate so that callers know the
    /// socket exists before tenants start.
    pub fn bind(&self) -> Result<OwnedFd, ServeError> {
        let path = &self.cfg.socket;
        let err = |message: String| ServeError::Socket {
            path: path.clone(),
            message,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| err(format!("cannot create its directory: {e}")))?;
        }
        if path.exists() {
            if crate::tenant::Client::connect(path).is_ok() {
                return Err(err("another optimusd is serving it; stop it first".into()));
            }
            std::fs::remove_file(path)
                .map_err(|e| err(format!("cannot remove a stale socket: {e}")))?;
        }
        let fd = socket(
            AddressFamily::Unix,
            SockType::SeqPacket,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .map_err(|e| err(e.to_string()))?;
        let addr = UnixAddr::new(path.as_path()).map_err(|e| err(e.to_string()))?;
        bind(fd.as_raw_fd(), &addr).map_err(|e| err(format!("bind: {e}")))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(self.cfg.socket_mode))
            .map_err(|e| err(format!("chmod: {e}")))?;
        listen(&fd, Backlog::new(64).expect("64 is a valid backlog"))
            .map_err(|e| err(format!("listen: {e}")))?;
        Ok(fd)
    }

    /// Serves until stopped; then frees everything and removes the socket.
    pub fn serve(self, listener: OwnedFd) {
        let stopper = self.stopper.clone();
        stopper.register(0, listener.as_raw_fd());
        let running = self
            .hyp
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .running_counter();
        std::thread::scope(|s| {
            let dev = Arc::clone(&self.dev);
            let st = stopper.clone();
            s.spawn(move || {
                while !st.stopping() {
                    if running.load(Ordering::SeqCst) > 0 {
                        dev.advance(CLOCK_STEP);
                    } else {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            });
            let mut next_conn = 1u64;
            while !stopper.stopping() {
                let fd = match accept(listener.as_raw_fd()) {
                    Ok(fd) => fd,
                    Err(_) if stopper.stopping() => break,
                    Err(e) => {
                        tracing::warn!("accept: {e}");
                        continue;
                    }
                };
                let conn = owned(fd);
                next_conn += 1;
                let id = next_conn;
                stopper.register(id, conn.as_raw_fd());
                let hyp = Arc::clone(&self.hyp);
                let st = stopper.clone();
                let cfg = &self.cfg;
                s.spawn(move || {
                    serve_connection(&conn, &hyp, cfg, &st);
                    st.unregister(id);
                });
            }
            stopper.stop();
        });
        self.hyp
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .shutdown();
        let _ = std::fs::remove_file(&self.cfg.socket);
        tracing::info!("stopped: every vaccel freed, socket removed");
    }
}

fn owned(fd: RawFd) -> OwnedFd {
    use std::os::fd::FromRawFd;
    // SAFETY: `fd` was just returned by accept(2) and is owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// One tenant: credentials, policy, then requests until it leaves; then everything it had is
/// freed.
fn serve_connection(conn: &OwnedFd, hyp: &Mutex<Hypervisor>, cfg: &DaemonConfig, stop: &Stopper) {
    let sock = conn.as_fd();
    let cred = match getsockopt(conn, sockopt::PeerCredentials) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("no peer credentials: {e}");
            return;
        }
    };
    let (pid, uid, gid) = (cred.pid(), cred.uid(), cred.gid());
    let Some(rule) = cfg.rule_for(uid, gid) else {
        tracing::warn!(pid, uid, "refused: no policy rule for this user");
        // Answer its first request (closing first would reset the connection under it, and
        // the tenant would never read why).
        let _ = proto::recv_raw(sock);
        let _ = proto::send(
            sock,
            &Response::Error {
                code: ErrorCode::Denied,
                message: format!(
                    "user {uid} may not use optimusd: no [[allow]] rule names it or its groups"
                ),
            },
            None,
        );
        return;
    };
    let tenant = lock(hyp).add_tenant(pid, uid, rule.clone());
    tracing::info!(tenant, pid, uid, "connected");
    loop {
        let reply = match proto::recv::<Request>(sock) {
            Ok((req, fds)) => {
                if stop.stopping() {
                    Response::Error {
                        code: ErrorCode::ShuttingDown,
                        message: "optimusd is shutting down".into(),
                    }
                } else {
                    handle(hyp, tenant, req, fds, &|| {
                        peer_gone(sock) || stop.stopping()
                    })
                }
            }
            Err(WireError::Closed) => break,
            Err(WireError::Io(e)) => {
                tracing::warn!(tenant, "socket error, dropping the tenant: {e}");
                break;
            }
            Err(e @ (WireError::TooLarge | WireError::Malformed(_))) => Response::Error {
                code: ErrorCode::BadRequest,
                message: e.to_string(),
            },
        };
        if proto::send(sock, &reply, None).is_err() {
            break;
        }
    }
    lock(hyp).remove_tenant(tenant);
    tracing::info!(
        tenant,
        pid,
        "disconnected; its vaccels and buffers are freed"
    );
}

fn lock(hyp: &Mutex<Hypervisor>) -> std::sync::MutexGuard<'_, Hypervisor> {
    hyp.lock().unwrap_or_else(|e| e.into_inner())
}

fn error(r: Refusal) -> Response {
    Response::Error {
        code: r.code,
        message: r.message,
    }
}

fn admin_only(hyp: &Mutex<Hypervisor>, tenant: TenantId) -> Result<(), Refusal> {
    if lock(hyp).is_admin(tenant) {
        Ok(())
    } else {
        Err(Refusal {
            code: ErrorCode::Denied,
            message: "this request is for administrators (admin = true in the policy)".into(),
        })
    }
}

/// The tenant hung up (or the daemon shut the socket down to stop).
fn peer_gone(sock: BorrowedFd<'_>) -> bool {
    let mut fds = [PollFd::new(sock, PollFlags::empty())];
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
        && fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR))
}

fn handle(
    hyp: &Mutex<Hypervisor>,
    tenant: TenantId,
    req: Request,
    fds: Vec<OwnedFd>,
    gone: &dyn Fn() -> bool,
) -> Response {
    let result =
        match req {
            Request::Share { vaccel } => share(hyp, tenant, vaccel, fds),
            _ if !fds.is_empty() => Err(Refusal {
                code: ErrorCode::BadFd,
                message: "only `share` carries a file descriptor".into(),
            }),
            Request::ListKinds => Ok(Response::Kinds {
                kinds: lock(hyp).kinds(),
            }),
            Request::Open { kind } => lock(hyp)
                .open(tenant, &kind)
                .map(|(vaccel, slot)| Response::Opened { vaccel, slot }),
            Request::Unshare { vaccel, buffer } => lock(hyp)
                .unshare(tenant, vaccel, buffer)
                .map(|()| Response::Ok),
            Request::Read { vaccel, offset } => lock(hyp)
                .read(tenant, vaccel, offset)
                .map(|value| Response::Value { value }),
            Request::Write {
                vaccel,
                offset,
                value,
            } => lock(hyp)
                .write(tenant, vaccel, offset, value)
                .map(|()| Response::Ok),
            Request::Start { vaccel } => lock(hyp).start(tenant, vaccel).map(|()| Response::Ok),
            Request::Wait { vaccel, timeout_ms } => wait(hyp, tenant, vaccel, timeout_ms, gone),
            Request::Faults { vaccel } => lock(hyp)
                .faults(tenant, vaccel)
                .map(|(fault, fault_addr)| Response::Faults { fault, fault_addr }),
            Request::Close { vaccel } => lock(hyp).close(tenant, vaccel).map(|()| Response::Ok),
            Request::Status => admin_only(hyp, tenant).and_then(|()| {
                let h = lock(hyp);
                h.status().map(|slots| Response::Status {
                    config: h.device().manifest().name.clone(),
                    slots,
                })
            }),
            Request::Tenants => admin_only(hyp, tenant).map(|()| Response::Tenants {
                tenants: lock(hyp).tenant_list(),
            }),
            Request::Evict { vaccel } => admin_only(hyp, tenant)
                .and_then(|()| lock(hyp).evict(vaccel).map(|()| Response::Ok)),
            Request::ResetSlot { slot } => admin_only(hyp, tenant)
                .and_then(|()| lock(hyp).reset_slot(slot).map(|()| Response::Ok)),
        };
    result.unwrap_or_else(error)
}

fn share(
    hyp: &Mutex<Hypervisor>,
    tenant: TenantId,
    vaccel: u64,
    mut fds: Vec<OwnedFd>,
) -> Result<Response, Refusal> {
    let bad = |message: String| Refusal {
        code: ErrorCode::BadFd,
        message,
    };
    if fds.len() != 1 {
        return Err(bad(format!(
            "`share` needs exactly one memfd attached, got {}",
            fds.len()
        )));
    }
    let fd = fds.pop().expect("one");
    // A buffer the tenant could shrink under the device would make the daemon fault (SIGBUS).
    let seals = fcntl(&fd, FcntlArg::F_GET_SEALS).map_err(|e| {
        bad(format!(
            "not a memfd ({e}): share buffers made by the tenant library"
        ))
    })?;
    if !SealFlag::from_bits_truncate(seals).contains(SealFlag::F_SEAL_SHRINK) {
        return Err(bad(
            "the memfd is not sealed against shrinking (F_SEAL_SHRINK)".into(),
        ));
    }
    let buf = DmaBuffer::from_file(&std::fs::File::from(fd))
        .map_err(|e| bad(format!("cannot map the buffer: {e}")))?;
    let (buffer, device_addr, len) = lock(hyp).share(tenant, vaccel, buf)?;
    Ok(Response::Shared {
        buffer,
        device_addr,
        len,
    })
}

/// Polls STATE without holding the lock between polls (the clock thread runs the device);
/// gives up early when the tenant is gone, so a killed tenant is cleaned up at once.
fn wait(
    hyp: &Mutex<Hypervisor>,
    tenant: TenantId,
    vaccel: u64,
    timeout_ms: u64,
    gone: &dyn Fn() -> bool,
) -> Result<Response, Refusal> {
    let start = Instant::now();
    let limit = Duration::from_millis(timeout_ms.min(600_000));
    loop {
        let state = lock(hyp).state(tenant, vaccel)?;
        if state != State::Running as u64 || start.elapsed() >= limit || gone() {
            return Ok(Response::State { state });
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Where optimusd listens by default (the configuration file may say otherwise).
pub fn default_socket() -> &'static Path {
    Path::new("/run/optimus/optimusd.sock")
}
