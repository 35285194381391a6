//! The host-port channels (a CCI-P subset, `shared/design.md` §1) and how the tree packs
//! them into flat words.
//!
//! Inside the tree every channel travels as one flat `Bits<W>` entry, so FIFOs and arbiters
//! are generic over a width only. Each layout keeps `cl_len` in bits `[1:0]` (0 for MMIO
//! responses), so an arbiter can cost any entry in lines without knowing which channel it is.

/// Cache-line address width (byte address >> 6).
pub const ADDR_BITS: usize = 42;
/// Requester metadata returned with every response.
pub const MDATA_BITS: usize = 16;
/// One cache line.
pub const DATA_BITS: usize = 512;
/// MMIO address width, in 4-byte units.
pub const MMIO_ADDR_BITS: usize = 16;
/// MMIO transaction id width.
pub const TID_BITS: usize = 9;
/// MMIO data width.
pub const MMIO_DATA_BITS: usize = 64;
/// Beats a sender may still present after it has seen almost-full.
pub const ALMFULL_SLACK: usize = 8;
/// MMIO address bits below the page number (4 KiB pages of 4-byte units).
pub const MMIO_PAGE_SHIFT: usize = 10;
/// Width of the MMIO page number.
pub const MMIO_PAGE_BITS: usize = MMIO_ADDR_BITS - MMIO_PAGE_SHIFT;

/// Read request entry: `{mdata, addr, cl_len}`.
pub mod rd_req {
    /// `cl_len` offset.
    pub const CL_LEN: usize = 0;
    /// Address offset.
    pub const ADDR: usize = 2;
    /// mdata offset.
    pub const MDATA: usize = ADDR + super::ADDR_BITS;
    /// Entry width.
    pub const W: usize = MDATA + super::MDATA_BITS;
}

/// Write request beat: `{data, mdata, addr, sop, cl_len}`.
pub mod wr_req {
    /// `cl_len` offset.
    pub const CL_LEN: usize = 0;
    /// Start-of-packet offset.
    pub const SOP: usize = 2;
    /// Address offset.
    pub const ADDR: usize = 3;
    /// mdata offset.
    pub const MDATA: usize = ADDR + super::ADDR_BITS;
    /// Data offset.
    pub const DATA: usize = MDATA + super::MDATA_BITS;
    /// Entry width.
    pub const W: usize = DATA + super::DATA_BITS;
}

/// MMIO read response entry: `{data, tid, 2'b0}` (the zero bits are its `cl_len`: one beat).
pub mod mmio_rsp {
    /// tid offset.
    pub const TID: usize = 2;
    /// Data offset.
    pub const DATA: usize = TID + super::TID_BITS;
    /// Entry width.
    pub const W: usize = DATA + super::MMIO_DATA_BITS;
}

/// Read response payload travelling down: `{data, cl_num, mdata}`.
pub mod rd_rsp {
    /// mdata offset.
    pub const MDATA: usize = 0;
    /// Line index offset.
    pub const CL_NUM: usize = super::MDATA_BITS;
    /// Data offset.
    pub const DATA: usize = CL_NUM + 2;
    /// Payload width.
    pub const W: usize = DATA + super::DATA_BITS;
}

/// MMIO request payload travelling down: `{wdata, tid, addr, write}`.
pub mod mmio_req {
    /// Write flag offset.
    pub const WRITE: usize = 0;
    /// Address offset.
    pub const ADDR: usize = 1;
    /// tid offset.
    pub const TID: usize = ADDR + super::MMIO_ADDR_BITS;
    /// Write data offset.
    pub const WDATA: usize = TID + super::TID_BITS;
    /// Payload width.
    pub const W: usize = WDATA + super::MMIO_DATA_BITS;
}

/// Number of top `mdata` bits the tree uses to route responses for `leaves` leaves:
/// ceil(log2 leaves). A leaf may use the remaining low bits.
pub fn route_bits(leaves: usize) -> usize {
    assert!(leaves >= 1);
    (usize::BITS - (leaves - 1).leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_bits_is_ceil_log2() {
        let expect = [
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (8, 3),
            (9, 4),
            (16, 4),
        ];
        for (n, b) in expect {
            assert_eq!(route_bits(n), b, "leaves = {n}");
        }
    }

    #[test]
    fn layouts_do_not_overlap() {
        assert_eq!(rd_req::W, 60);
        assert_eq!(wr_req::W, 573);
        assert_eq!(mmio_rsp::W, 75);
        assert_eq!(rd_rsp::W, 530);
        assert_eq!(mmio_req::W, 90);
    }
}
