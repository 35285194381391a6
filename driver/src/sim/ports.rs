//! The ports of a Verilated tree or shell as plain structs, laid out exactly like
//! `driver/csrc/model_abi.h` (the C ABI of `model_shim.cpp`).
//!
//! Signals are grouped by direction. [`Up`] travels toward the host: read and write requests
//! and MMIO responses. [`Down`] travels toward the leaves: almfull, read and write responses and
//! MMIO requests. A leaf drives an [`Up`] into the tree and sees a [`Down`]; the root presents
//! an [`Up`] to the host and sees a [`Down`] from it. So a leaf model can talk to the host
//! model directly, without a tree in between (the benchmark's latency baseline does that).

/// One 512-bit cache line as eight little-endian 64-bit lanes (lane 0 = bits 63:0).
pub type Line = [u64; 8];

/// `*_rd_req_*`: a read of 1, 2 or 4 lines.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadReq {
    /// Cache-line address (42 bits), aligned to the length.
    pub addr: u64,
    /// Requester metadata, returned with every response line.
    pub mdata: u16,
    /// A request is presented this cycle.
    pub valid: bool,
    /// Lines minus one: 0, 1 or 3.
    pub cl_len: u8,
}

/// `*_wr_req_*`: one beat (line) of a write request.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteReq {
    /// The line written by this beat.
    pub data: Line,
    /// Cache-line address of this beat (base + line index).
    pub addr: u64,
    /// Same on every beat of a request.
    pub mdata: u16,
    /// A beat is presented this cycle.
    pub valid: bool,
    /// Lines minus one of the whole request.
    pub cl_len: u8,
    /// First beat of a request.
    pub sop: bool,
}

/// `*_rd_rsp_*`: one line of read data.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadRsp {
    /// The line read.
    pub data: Line,
    /// The request's mdata.
    pub mdata: u16,
    /// A response is presented this cycle.
    pub valid: bool,
    /// Line index within the request.
    pub cl_num: u8,
}

/// `*_wr_rsp_*`: one per completed write request.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteRsp {
    /// The request's mdata.
    pub mdata: u16,
    /// A response is presented this cycle.
    pub valid: bool,
}

/// `*_mmio_*` requests (host toward leaves).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmioReq {
    /// Write data.
    pub wdata: u64,
    /// Address in 4-byte units; page = `addr >> 10`.
    pub addr: u16,
    /// Transaction id (9 bits), echoed by the read response.
    pub tid: u16,
    /// A request is presented this cycle.
    pub valid: bool,
    /// A write (no response) rather than a read.
    pub write: bool,
}

/// `*_mmio_rsp_*`: the answer to an MMIO read.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmioRsp {
    /// Read data.
    pub data: u64,
    /// The read's tid.
    pub tid: u16,
    /// A response is presented this cycle.
    pub valid: bool,
}

/// Everything that travels toward the host on one port in one cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Up {
    /// Read request channel (c0).
    pub rd_req: ReadReq,
    /// Write request channel (c1).
    pub wr_req: WriteReq,
    /// MMIO read responses.
    pub mmio_rsp: MmioRsp,
}

/// Everything that travels toward the leaves on one port in one cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Down {
    /// Read channel almost full: at most 8 more read requests once seen.
    pub c0_almfull: bool,
    /// Write channel almost full: at most 8 more write beats once seen.
    pub c1_almfull: bool,
    /// Read responses.
    pub rd_rsp: ReadRsp,
    /// Write responses.
    pub wr_rsp: WriteRsp,
    /// MMIO requests.
    pub mmio_req: MmioReq,
}

/// Most leaves any model has; the port arrays are this long whatever N is.
pub const MAX_LEAVES: usize = 16;

/// Everything the testbench drives into the tree in one cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MuxIn {
    /// Synchronous, active-high reset.
    pub reset: bool,
    /// What the host drives into the root.
    pub host: Down,
    /// What each leaf drives (entries at and beyond N are ignored).
    pub leaf: [Up; MAX_LEAVES],
}

/// Everything the tree presents in one cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MuxOut {
    /// What the root presents to the host.
    pub host: Up,
    /// What each leaf sees (entries at and beyond N stay zero).
    pub leaf: [Down; MAX_LEAVES],
}

// The shim asserts the same sizes on the C++ side.
const _: () = assert!(size_of::<Up>() == 112);
const _: () = assert!(size_of::<Down>() == 104);
const _: () = assert!(size_of::<MuxIn>() == 1904);
const _: () = assert!(size_of::<MuxOut>() == 1776);
const _: () = assert!(std::mem::offset_of!(Down, rd_rsp) == 8);
const _: () = assert!(std::mem::offset_of!(Up, wr_req) == 16);
