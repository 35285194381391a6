//! What the scoreboard reports: one [`Violation`] variant per kind of breach, so tests can
//! assert on the kind and the message names the leaf, mdata or tid involved.

use thiserror::Error;

use crate::ports::MmioReq;

/// The contract's bound on MMIO read latency.
pub const MMIO_DEADLINE: u64 = 512;

/// A channel with almfull flow control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// c0: read requests.
    Read,
    /// c1: write beats.
    Write,
}

/// A breach of the protocol or of the tree's contract.
// Field names say what they hold (leaf index, mdata as seen, tid...); the variant docs and
// messages give the context, so the fields go without docs of their own.
#[allow(missing_docs)]
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Violation {
    /// The root's mdata names a leaf that does not exist.
    #[error(
        "root {channel:?} request mdata {mdata:#06x} is tagged for leaf {leaf}, but there are only {leaves}"
    )]
    BadTag {
        channel: Channel,
        mdata: u16,
        leaf: usize,
        leaves: usize,
    },
    /// The root presented a read that its leaf has not issued, or not any more (duplicate).
    #[error(
        "root read request mdata {mdata:#06x} (leaf {leaf}, low {low:#x}) was not issued by that leaf or already reached the host"
    )]
    UnknownRead { leaf: usize, low: u16, mdata: u16 },
    /// A read reached the host with another address or length.
    #[error(
        "read of leaf {leaf} mdata {low:#x} changed on the way: leaf sent addr {sent_addr:#x} cl_len {sent_len}, host got addr {addr:#x} cl_len {len}"
    )]
    ReadChanged {
        leaf: usize,
        low: u16,
        sent_addr: u64,
        sent_len: u8,
        addr: u64,
        len: u8,
    },
    /// The root started a write its leaf has not issued, or not any more (duplicate).
    #[error(
        "root write (sop) mdata {mdata:#06x} (leaf {leaf}, low {low:#x}) was not issued by that leaf or already reached the host"
    )]
    UnknownWrite { leaf: usize, low: u16, mdata: u16 },
    /// Beats of two writes mixed, a beat without sop, or a second sop.
    #[error("write beats not contiguous at the root: {0}")]
    WriteInterleaved(String),
    /// A write beat reached the host changed.
    #[error("write of leaf {leaf} mdata {low:#x} line {line} changed on the way: {what}")]
    WriteChanged {
        leaf: usize,
        low: u16,
        line: u8,
        what: String,
    },
    /// The root presented a 9th beat after seeing host almfull.
    #[error(
        "root presented {beats} {channel:?} beats after seeing host almfull (at most 8 allowed)"
    )]
    AlmfullOverrun { channel: Channel, beats: u32 },
    /// A leaf got a read response nobody is waiting for (misrouted, duplicated, made up).
    #[error("leaf {leaf} got read response mdata {mdata:#06x} cl_num {cl_num} that it is not owed")]
    ReadRspUnexpected { leaf: usize, mdata: u16, cl_num: u8 },
    /// A read response line reached its leaf with other data than the host sent.
    #[error(
        "leaf {leaf} read response mdata {mdata:#06x} cl_num {cl_num} carries data other than the host's"
    )]
    ReadRspData { leaf: usize, mdata: u16, cl_num: u8 },
    /// A leaf got a write response nobody is waiting for.
    #[error("leaf {leaf} got write response mdata {mdata:#06x} that it is not owed")]
    WriteRspUnexpected { leaf: usize, mdata: u16 },
    /// A response to a leaf kept tag bits set.
    #[error(
        "leaf {leaf} got {channel:?} response mdata {mdata:#06x} with the tree's tag bits still set"
    )]
    RspTagBits {
        leaf: usize,
        channel: Channel,
        mdata: u16,
    },
    /// A leaf got an MMIO request that is not the next one for its page.
    #[error("leaf {leaf} got MMIO {seen:?}, expected {expected:?}")]
    MmioMisrouted {
        leaf: usize,
        expected: Option<MmioReq>,
        seen: MmioReq,
    },
    /// The host got an MMIO response for a tid with no read outstanding (a write's, a
    /// duplicate, or one made up).
    #[error(
        "host got MMIO response tid {tid} data {data:#x} but no read with that tid is outstanding"
    )]
    MmioRspUnexpected { tid: u16, data: u64 },
    /// The host got an MMIO response before the leaf answered.
    #[error("host got MMIO response tid {tid} before leaf {leaf} answered it")]
    MmioRspEarly { tid: u16, leaf: usize },
    /// An MMIO read came back with the wrong data.
    #[error("MMIO read tid {tid} returned {seen:#x}, expected {expected:#x}")]
    MmioRspData { tid: u16, expected: u64, seen: u64 },
    /// An MMIO read took longer than the contract's 512 cycles.
    #[error("MMIO read tid {tid} answered after {cycles} cycles (contract: {MMIO_DEADLINE})")]
    MmioLate { tid: u16, cycles: u64 },
    /// A request waited at its leaf too long before reaching the host.
    #[error(
        "leaf {leaf}'s {channel:?} request waited {cycles} cycles before reaching the host (limit {limit})"
    )]
    Starved {
        leaf: usize,
        channel: Channel,
        cycles: u64,
        limit: u64,
    },
    /// Traffic still outstanding at the end of the drain phase.
    #[error("traffic still outstanding after draining: {0}")]
    Outstanding(String),
    /// A leaf completed nothing on some channel during the whole run.
    #[error("leaf {leaf} made no progress: {what}")]
    NoProgress { leaf: usize, what: String },
    /// The testbench's leaf model broke the protocol (a testbench bug, not the tree's).
    #[error("testbench leaf {leaf} broke the protocol: {what}")]
    LeafProtocol { leaf: usize, what: String },
    /// The testbench's host model broke the protocol (a testbench bug, not the tree's).
    #[error("testbench host broke the protocol: {0}")]
    HostProtocol(String),
}
