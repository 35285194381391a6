//! The scoreboard can fail: hand-made port traces with one planted fault each must be reported
//! as the right [`Violation`], and a clean trace must pass. No Verilated model is involved.

use optimus_sim_tests::ports::{
    Line, MmioReq, MmioRsp, MuxIn, MuxOut, ReadReq, ReadRsp, WriteReq, WriteRsp,
};
use optimus_sim_tests::scoreboard::{Channel, Scoreboard, Violation};
use optimus_sim_tests::tag::TagLayout;

/// Feeds one cycle at a time to a scoreboard.
struct Trace {
    board: Scoreboard,
    tags: TagLayout,
    cycle: u64,
}

impl Trace {
    fn new(leaves: usize) -> Self {
        Self {
            board: Scoreboard::new(leaves, 1000),
            tags: TagLayout::new(leaves),
            cycle: 0,
        }
    }

    /// One cycle with the inputs and outputs `f` sets (everything else idle).
    fn step(&mut self, f: impl FnOnce(&mut MuxIn, &mut MuxOut)) -> Result<(), Violation> {
        let (mut inp, mut out) = (MuxIn::default(), MuxOut::default());
        f(&mut inp, &mut out);
        let r = self.board.observe(self.cycle, &inp, &out);
        self.cycle += 1;
        r
    }

    fn idle(&mut self) {
        self.step(|_, _| {}).expect("an idle cycle is always fine");
    }
}

fn read(addr: u64, mdata: u16, cl_len: u8) -> ReadReq {
    ReadReq {
        addr,
        mdata,
        valid: true,
        cl_len,
    }
}

fn line(seed: u64) -> Line {
    std::array::from_fn(|w| seed * 100 + w as u64)
}

fn beat(addr: u64, mdata: u16, cl_len: u8, sop: bool, seed: u64) -> WriteReq {
    WriteReq {
        data: line(seed),
        addr,
        mdata,
        valid: true,
        cl_len,
        sop,
    }
}

fn rd_rsp(mdata: u16, cl_num: u8, seed: u64) -> ReadRsp {
    ReadRsp {
        data: line(seed),
        mdata,
        valid: true,
        cl_num,
    }
}

#[test]
fn clean_traffic_passes() {
    let mut t = Trace::new(2);
    let tag = t.tags.tagged(1, 0x55);
    t.step(|i, _| i.leaf[1].rd_req = read(0x40, 0x55, 1))
        .unwrap();
    t.step(|i, _| i.leaf[0].wr_req = beat(0x80, 7, 1, true, 1))
        .unwrap();
    t.step(|i, o| {
        i.leaf[0].wr_req = beat(0x81, 7, 1, false, 2);
        o.host.rd_req = read(0x40, tag, 1);
    })
    .unwrap();
    let wtag = t.tags.tagged(0, 7);
    t.step(|_, o| o.host.wr_req = beat(0x80, wtag, 1, true, 1))
        .unwrap();
    t.step(|i, o| {
        o.host.wr_req = beat(0x81, wtag, 1, false, 2);
        i.host.rd_rsp = rd_rsp(tag, 1, 9);
    })
    .unwrap();
    t.step(|i, o| {
        i.host.rd_rsp = rd_rsp(tag, 0, 8);
        i.host.wr_rsp = WriteRsp {
            mdata: wtag,
            valid: true,
        };
        o.leaf[1].rd_rsp = rd_rsp(0x55, 1, 9);
    })
    .unwrap();
    t.step(|_, o| {
        o.leaf[1].rd_rsp = rd_rsp(0x55, 0, 8);
        o.leaf[0].wr_rsp = WriteRsp {
            mdata: 7,
            valid: true,
        };
    })
    .unwrap();
    assert!(t.board.is_idle(), "{}", t.board.outstanding());
}

#[test]
fn duplicated_request_fails() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 0)).unwrap();
    t.step(|_, o| o.host.rd_req = read(0x100, 3, 0)).unwrap();
    let err = t
        .step(|_, o| o.host.rd_req = read(0x100, 3, 0))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Violation::UnknownRead {
                leaf: 0,
                low: 3,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn wrong_mdata_fails() {
    let mut t = Trace::new(4);
    t.step(|i, _| i.leaf[2].rd_req = read(0x100, 0x123, 0))
        .unwrap();
    let bad = t.tags.tagged(2, 0x124);
    let err = t
        .step(|_, o| o.host.rd_req = read(0x100, bad, 0))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Violation::UnknownRead {
                leaf: 2,
                low: 0x124,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn wrong_leaf_tag_fails() {
    let mut t = Trace::new(4);
    t.step(|i, _| i.leaf[2].rd_req = read(0x100, 0x123, 0))
        .unwrap();
    let bad = t.tags.tagged(1, 0x123);
    let err = t
        .step(|_, o| o.host.rd_req = read(0x100, bad, 0))
        .unwrap_err();
    assert!(
        matches!(err, Violation::UnknownRead { leaf: 1, .. }),
        "{err}"
    );
}

#[test]
fn changed_address_fails() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 3)).unwrap();
    let err = t
        .step(|_, o| o.host.rd_req = read(0x104, 3, 3))
        .unwrap_err();
    assert!(
        matches!(err, Violation::ReadChanged { addr: 0x104, .. }),
        "{err}"
    );
}

#[test]
fn interleaved_write_fails() {
    let mut t = Trace::new(2);
    t.step(|i, _| {
        i.leaf[0].wr_req = beat(0x10, 1, 1, true, 1);
        i.leaf[1].wr_req = beat(0x20, 2, 0, true, 3);
    })
    .unwrap();
    t.step(|i, _| i.leaf[0].wr_req = beat(0x11, 1, 1, false, 2))
        .unwrap();
    let (a, b) = (t.tags.tagged(0, 1), t.tags.tagged(1, 2));
    t.step(|_, o| o.host.wr_req = beat(0x10, a, 1, true, 1))
        .unwrap();
    let err = t
        .step(|_, o| o.host.wr_req = beat(0x20, b, 0, true, 3))
        .unwrap_err();
    assert!(matches!(err, Violation::WriteInterleaved(_)), "{err}");
}

#[test]
fn corrupted_write_beat_fails() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].wr_req = beat(0x10, 1, 1, true, 1))
        .unwrap();
    t.step(|i, _| i.leaf[0].wr_req = beat(0x11, 1, 1, false, 2))
        .unwrap();
    t.step(|_, o| o.host.wr_req = beat(0x10, 1, 1, true, 1))
        .unwrap();
    let err = t
        .step(|_, o| o.host.wr_req = beat(0x11, 1, 1, false, 5))
        .unwrap_err();
    assert!(
        matches!(err, Violation::WriteChanged { line: 1, .. }),
        "{err}"
    );
}

#[test]
fn ninth_beat_after_almfull_fails() {
    let mut t = Trace::new(1);
    for k in 0..12 {
        t.step(|i, _| i.leaf[0].rd_req = read(k * 4, k as u16, 0))
            .unwrap();
    }
    // Cycle 12: the root presents a beat and sees almfull at the end of it: not counted.
    t.step(|i, o| {
        o.host.rd_req = read(0, 0, 0);
        i.host.c0_almfull = true;
    })
    .unwrap();
    for k in 1..=8 {
        t.step(|i, o| {
            o.host.rd_req = read(k * 4, k as u16, 0);
            i.host.c0_almfull = true;
        })
        .unwrap_or_else(|e| panic!("beat {k} of 8 is allowed: {e}"));
    }
    let err = t.step(|_, o| o.host.rd_req = read(36, 9, 0)).unwrap_err();
    assert_eq!(
        err,
        Violation::AlmfullOverrun {
            channel: Channel::Read,
            beats: 9
        }
    );
}

#[test]
fn almfull_low_again_resets_the_slack() {
    let mut t = Trace::new(1);
    for k in 0..12 {
        t.step(|i, _| i.leaf[0].wr_req = beat(k * 4, k as u16, 0, true, k))
            .unwrap();
    }
    t.step(|i, _| i.host.c1_almfull = true).unwrap();
    for k in 0..8 {
        t.step(|i, o| {
            o.host.wr_req = beat(k * 4, k as u16, 0, true, k);
            i.host.c1_almfull = k != 7;
        })
        .unwrap();
    }
    t.step(|_, o| o.host.wr_req = beat(32, 8, 0, true, 8))
        .expect("almfull was seen low");
}

#[test]
fn misrouted_response_fails() {
    let mut t = Trace::new(2);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 0)).unwrap();
    let tag = t.tags.tagged(0, 3);
    t.step(|_, o| o.host.rd_req = read(0x100, tag, 0)).unwrap();
    t.step(|i, _| i.host.rd_rsp = rd_rsp(tag, 0, 1)).unwrap();
    let err = t
        .step(|_, o| o.leaf[1].rd_rsp = rd_rsp(3, 0, 1))
        .unwrap_err();
    assert!(
        matches!(err, Violation::ReadRspUnexpected { leaf: 1, .. }),
        "{err}"
    );
}

#[test]
fn response_with_tag_bits_fails() {
    let mut t = Trace::new(2);
    t.step(|i, _| i.leaf[1].rd_req = read(0x100, 3, 0)).unwrap();
    let tag = t.tags.tagged(1, 3);
    t.step(|_, o| o.host.rd_req = read(0x100, tag, 0)).unwrap();
    t.step(|i, _| i.host.rd_rsp = rd_rsp(tag, 0, 1)).unwrap();
    let err = t
        .step(|_, o| o.leaf[1].rd_rsp = rd_rsp(tag, 0, 1))
        .unwrap_err();
    assert!(
        matches!(err, Violation::RspTagBits { leaf: 1, .. }),
        "{err}"
    );
}

#[test]
fn wrong_read_data_fails() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 0)).unwrap();
    t.step(|_, o| o.host.rd_req = read(0x100, 3, 0)).unwrap();
    t.step(|i, _| i.host.rd_rsp = rd_rsp(3, 0, 1)).unwrap();
    let err = t
        .step(|_, o| o.leaf[0].rd_rsp = rd_rsp(3, 0, 2))
        .unwrap_err();
    assert!(matches!(err, Violation::ReadRspData { .. }), "{err}");
}

fn mmio(addr: u16, tid: u16, write: bool) -> MmioReq {
    MmioReq {
        wdata: 0xabcd,
        addr,
        tid,
        valid: true,
        write,
    }
}

#[test]
fn mmio_write_response_fails() {
    let mut t = Trace::new(2);
    t.step(|i, _| i.host.mmio_req = mmio(2 << 10 | 8, 5, true))
        .unwrap();
    t.step(|_, o| o.leaf[1].mmio_req = mmio(8, 5, true))
        .unwrap();
    let err = t
        .step(|_, o| {
            o.host.mmio_rsp = MmioRsp {
                data: 0,
                tid: 5,
                valid: true,
            }
        })
        .unwrap_err();
    assert!(
        matches!(err, Violation::MmioRspUnexpected { tid: 5, .. }),
        "{err}"
    );
}

#[test]
fn mmio_to_the_wrong_leaf_fails() {
    let mut t = Trace::new(3);
    t.step(|i, _| i.host.mmio_req = mmio(2 << 10 | 8, 5, false))
        .unwrap();
    let err = t
        .step(|_, o| o.leaf[0].mmio_req = mmio(8, 5, false))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Violation::MmioMisrouted {
                leaf: 0,
                expected: None,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn mmio_not_page_relative_fails() {
    let mut t = Trace::new(3);
    t.step(|i, _| i.host.mmio_req = mmio(2 << 10 | 8, 5, false))
        .unwrap();
    let err = t
        .step(|_, o| o.leaf[1].mmio_req = mmio(2 << 10 | 8, 5, false))
        .unwrap_err();
    assert!(
        matches!(err, Violation::MmioMisrouted { leaf: 1, .. }),
        "{err}"
    );
}

#[test]
fn tree_page_read_must_return_zero() {
    let mut t = Trace::new(3);
    t.step(|i, _| i.host.mmio_req = mmio(40 << 10, 9, false))
        .unwrap();
    let err = t
        .step(|_, o| {
            o.host.mmio_rsp = MmioRsp {
                data: 1,
                tid: 9,
                valid: true,
            }
        })
        .unwrap_err();
    assert_eq!(
        err,
        Violation::MmioRspData {
            tid: 9,
            expected: 0,
            seen: 1
        }
    );
}

#[test]
fn leaf_mmio_answer_round_trip_and_late_answer() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.host.mmio_req = mmio(1 << 10 | 2, 7, false))
        .unwrap();
    t.step(|_, o| o.leaf[0].mmio_req = mmio(2, 7, false))
        .unwrap();
    t.step(|i, _| {
        i.leaf[0].mmio_rsp = MmioRsp {
            data: 77,
            tid: 7,
            valid: true,
        }
    })
    .unwrap();
    for _ in 0..600 {
        t.idle();
    }
    let err = t
        .step(|_, o| {
            o.host.mmio_rsp = MmioRsp {
                data: 77,
                tid: 7,
                valid: true,
            }
        })
        .unwrap_err();
    assert!(matches!(err, Violation::MmioLate { tid: 7, .. }), "{err}");
}

#[test]
fn lost_request_is_reported_at_the_end() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 0)).unwrap();
    t.idle();
    let err = t.board.finish(false).unwrap_err();
    assert!(
        matches!(err, Violation::Outstanding(ref s) if s.contains("1 reads not yet at the host")),
        "{err}"
    );
}

#[test]
fn starved_request_fails() {
    let mut t = Trace::new(1);
    t.step(|i, _| i.leaf[0].rd_req = read(0x100, 3, 0)).unwrap();
    for _ in 0..1001 {
        t.idle();
    }
    let err = t
        .step(|_, o| o.host.rd_req = read(0x100, 3, 0))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Violation::Starved {
                leaf: 0,
                channel: Channel::Read,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn leaf_ignoring_almfull_is_a_testbench_error() {
    let mut t = Trace::new(1);
    t.step(|_, o| o.leaf[0].c0_almfull = true).unwrap();
    for k in 0..8 {
        t.step(|i, o| {
            i.leaf[0].rd_req = read(k * 4, k as u16, 0);
            o.leaf[0].c0_almfull = true;
        })
        .unwrap();
    }
    let err = t
        .step(|i, _| i.leaf[0].rd_req = read(64, 99, 0))
        .unwrap_err();
    assert!(
        matches!(err, Violation::LeafProtocol { leaf: 0, .. }),
        "{err}"
    );
}
