//! The wire protocol between tenants (and optimusctl) and optimusd.
//!
//! A `SOCK_SEQPACKET` Unix socket: one message per packet, so boundaries and the file
//! descriptor a [`Request::Share`] carries (SCM_RIGHTS) travel together. A message is JSON, at
//! most [`MAX_MESSAGE`] bytes; every request gets exactly one [`Response`].

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, recvmsg, sendmsg};
use serde::{Deserialize, Serialize};

/// Largest message either side sends or accepts.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// A vaccel's id, unique for the daemon's lifetime.
pub type VaccelId = u64;
/// A shared buffer's id, unique for the daemon's lifetime.
pub type BufferId = u64;

/// What a tenant (or optimusctl) asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Accelerator kinds with free and total slots.
    ListKinds,
    /// A vaccel of `kind` in a free slot.
    Open {
        /// `membench`, `linked_list`, `hasher` or `rogue`.
        kind: String,
    },
    /// Share the sealed memfd attached to this message with `vaccel`'s accelerator.
    Share {
        /// The vaccel.
        vaccel: VaccelId,
    },
    /// Stop sharing a buffer.
    Unshare {
        /// The vaccel.
        vaccel: VaccelId,
        /// The buffer.
        buffer: BufferId,
    },
    /// Read a register of the vaccel's slot page.
    Read {
        /// The vaccel.
        vaccel: VaccelId,
        /// Byte offset in the page.
        offset: u64,
    },
    /// Write an application register (offset ≥ 0x30) of the vaccel's slot page.
    Write {
        /// The vaccel.
        vaccel: VaccelId,
        /// Byte offset in the page.
        offset: u64,
        /// Value.
        value: u64,
    },
    /// CTL = START_NEW.
    Start {
        /// The vaccel.
        vaccel: VaccelId,
    },
    /// Wait until the accelerator is not running (or `timeout_ms` passed); its STATE.
    Wait {
        /// The vaccel.
        vaccel: VaccelId,
        /// Give up after this many milliseconds.
        timeout_ms: u64,
    },
    /// The slot's fault registers, as the hypervisor sees them.
    Faults {
        /// The vaccel.
        vaccel: VaccelId,
    },
    /// Free the vaccel: slot reset, buffers unmapped, slot returned.
    Close {
        /// The vaccel.
        vaccel: VaccelId,
    },
    /// optimusctl: every slot.
    Status,
    /// optimusctl: every tenant.
    Tenants,
    /// optimusctl: close a vaccel whoever owns it.
    Evict {
        /// The vaccel.
        vaccel: VaccelId,
    },
    /// optimusctl: reset a slot (its vaccel, if any, is evicted).
    ResetSlot {
        /// Slot index.
        slot: usize,
    },
}

/// One accelerator kind's availability.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindInfo {
    /// Kind name.
    pub kind: String,
    /// Slots of that kind.
    pub total: usize,
    /// Of which free.
    pub free: usize,
}

/// A slot as optimusctl shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotInfo {
    /// Index.
    pub slot: usize,
    /// Accelerator kind.
    pub kind: String,
    /// The vaccel in it.
    pub vaccel: Option<VaccelId>,
    /// Its tenant's pid.
    pub tenant_pid: Option<i32>,
    /// STATE name.
    pub state: String,
    /// FAULT register.
    pub fault: u64,
    /// RD_LINES.
    pub rd_lines: u64,
    /// WR_LINES.
    pub wr_lines: u64,
}

/// A tenant as optimusctl shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantInfo {
    /// Process id.
    pub pid: i32,
    /// User id.
    pub uid: u32,
    /// Its vaccels.
    pub vaccels: Vec<VaccelId>,
    /// Bytes of buffers it shares.
    pub pinned_bytes: u64,
}

/// The answer to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case", deny_unknown_fields)]
pub enum Response {
    /// Done, nothing to say.
    Ok,
    /// Kinds.
    Kinds {
        /// One per kind of the configuration.
        kinds: Vec<KindInfo>,
    },
    /// A vaccel was opened.
    Opened {
        /// Its id.
        vaccel: VaccelId,
        /// Its slot (for information: tenants cannot address slots).
        slot: usize,
    },
    /// A buffer is shared.
    Shared {
        /// Its id.
        buffer: BufferId,
        /// Slot-relative byte address to program into the accelerator.
        device_addr: u64,
        /// Bytes mapped.
        len: u64,
    },
    /// A register value.
    Value {
        /// The value.
        value: u64,
    },
    /// A STATE.
    State {
        /// The STATE value (0 idle, 1 running, 2 finished, 4 paused).
        state: u64,
    },
    /// Fault registers.
    Faults {
        /// FAULT.
        fault: u64,
        /// FAULT_ADDR.
        fault_addr: u64,
    },
    /// Slots.
    Status {
        /// Configuration name.
        config: String,
        /// Every slot.
        slots: Vec<SlotInfo>,
    },
    /// Tenants.
    Tenants {
        /// Every connected tenant.
        tenants: Vec<TenantInfo>,
    },
    /// The request failed; the daemon keeps serving.
    Error {
        /// Stable machine-readable code.
        code: ErrorCode,
        /// What happened and what to do.
        message: String,
    },
}

/// Machine-readable error kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The message is not a request.
    BadRequest,
    /// Not allowed by the policy.
    Denied,
    /// No such vaccel or buffer (or not this tenant's).
    NotFound,
    /// No free slot of that kind.
    Busy,
    /// A quota would be exceeded.
    Quota,
    /// A register offset the tenant may not use.
    BadOffset,
    /// The buffer's file descriptor is missing or unsuitable.
    BadFd,
    /// The device failed.
    Device,
    /// The daemon is shutting down.
    ShuttingDown,
}

/// Why a message could not be exchanged.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The peer closed the connection.
    #[error("the connection was closed")]
    Closed,
    /// A socket error.
    #[error("socket error: {0}")]
    Io(#[from] nix::Error),
    /// A message larger than [`MAX_MESSAGE`].
    #[error("message larger than {MAX_MESSAGE} bytes")]
    TooLarge,
    /// Not JSON of the expected shape.
    #[error("malformed message: {0}")]
    Malformed(String),
}

/// Sends `msg`, with `fd` attached if given.
pub fn send<T: Serialize>(
    sock: BorrowedFd<'_>,
    msg: &T,
    fd: Option<BorrowedFd<'_>>,
) -> Result<(), WireError> {
    let bytes = serde_json::to_vec(msg).map_err(|e| WireError::Malformed(e.to_string()))?;
    if bytes.len() > MAX_MESSAGE {
        return Err(WireError::TooLarge);
    }
    send_raw(sock, &bytes, fd)
}

/// Sends raw bytes as one message (tests use it to send garbage).
pub fn send_raw(
    sock: BorrowedFd<'_>,
    bytes: &[u8],
    fd: Option<BorrowedFd<'_>>,
) -> Result<(), WireError> {
    let iov = [IoSlice::new(bytes)];
    let fds: Vec<RawFd> = fd.iter().map(|f| f.as_raw_fd()).collect();
    let cmsg = [ControlMessage::ScmRights(&fds)];
    let cmsgs: &[ControlMessage] = if fds.is_empty() { &[] } else { &cmsg };
    sendmsg::<()>(sock.as_raw_fd(), &iov, cmsgs, MsgFlags::MSG_NOSIGNAL, None)?;
    Ok(())
}

/// Receives one message and the file descriptors that came with it.
pub fn recv_raw(sock: BorrowedFd<'_>) -> Result<(Vec<u8>, Vec<OwnedFd>), WireError> {
    let mut buf = vec![0u8; MAX_MESSAGE + 1];
    let mut cmsg = nix::cmsg_space!([RawFd; 4]);
    let (n, truncated, fds) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg = recvmsg::<()>(
            sock.as_raw_fd(),
            &mut iov,
            Some(&mut cmsg),
            MsgFlags::MSG_CMSG_CLOEXEC,
        )?;
        let mut fds = Vec::new();
        for c in msg.cmsgs()? {
            if let ControlMessageOwned::ScmRights(raw) = c {
                for r in raw {
                    // SAFETY: the kernel just installed `r` in this process for us (SCM_RIGHTS);
                    // nothing else owns it, so wrapping it closes it exactly once.
                    fds.push(unsafe { OwnedFd::from_raw_fd(r) });
                }
            }
        }
        let truncated =
            msg.flags.contains(MsgFlags::MSG_TRUNC) || msg.flags.contains(MsgFlags::MSG_CTRUNC);
        (msg.bytes, truncated, fds)
    };
    if n == 0 && fds.is_empty() {
        return Err(WireError::Closed);
    }
    if truncated || n > MAX_MESSAGE {
        return Err(WireError::TooLarge);
    }
    buf.truncate(n);
    Ok((buf, fds))
}

/// Receives and parses one message.
pub fn recv<T: for<'de> Deserialize<'de>>(
    sock: BorrowedFd<'_>,
) -> Result<(T, Vec<OwnedFd>), WireError> {
    let (bytes, fds) = recv_raw(sock)?;
    let msg = serde_json::from_slice(&bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    Ok((msg, fds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_as_tagged_json() {
        let r = Request::Write {
            vaccel: 3,
            offset: 0x30,
            value: 7,
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(text, r#"{"op":"write","vaccel":3,"offset":48,"value":7}"#);
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), r);
        assert!(serde_json::from_str::<Request>(r#"{"op":"write","vaccel":3}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"op":"reboot"}"#).is_err());
    }
}
