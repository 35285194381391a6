//! The common header of every accelerator's slot page (design.md §4): page 1 + i, offsets
//! relative to the page. STATE (read) and CTL (write) share offset 0x018.

use crate::{Access, Block, Dfh, Reg, VERSION_MAJOR};

/// First application register (design.md §4: "≥ 0x030 R/W application registers", whose
/// writes have no side effects so the hypervisor can shadow and replay them).
pub const APP_BASE: u64 = 0x030;

/// Cycles within which a CTL write shows in STATE, and a PREEMPT on an accelerator that is
/// not running reports paused (design.md §4 and §3 Details).
pub const CTL_VISIBLE_CYCLES: u64 = 16;

/// Number of application registers the shared register frame implements, at
/// `APP_BASE + 8·i` (our choice: every example accelerator needs at most eight).
pub const APP_REGS: usize = 8;

/// Feature id of every accelerator's DFH (our choice, next to the monitor's `0x0f0`; the
/// accelerator's type is told by ACCEL_ID, not by the DFH).
pub const ACCEL_FEATURE_ID: u16 = 0x0f1;
/// The DFH every accelerator's page reads at 0x000 (design.md §4): an AFU header, revision =
/// the map's major version, no next header.
pub const ACCEL_DFH: u64 = Dfh {
    feature_type: Dfh::TYPE_AFU,
    feature_id: ACCEL_FEATURE_ID,
    revision: VERSION_MAJOR as u8,
    next_offset: 0,
    end_of_list: true,
}
.encode();

/// Byte offset of application register `i` (`i < APP_REGS`).
pub const fn app_offset(i: usize) -> u64 {
    assert!(i < APP_REGS, "application register out of range");
    APP_BASE + crate::REG_BYTES * i as u64
}

const fn reg(
    name: &'static str,
    offset: u64,
    access: Access,
    reset: Option<u64>,
    doc: &'static str,
) -> Reg {
    Reg {
        name,
        offset,
        stride: 0,
        count: 1,
        access,
        reset,
        fields: &[],
        doc,
    }
}

/// The header registers, in offset order ([`AccelReg`] order).
pub const REGS: [Reg; 7] = [
    reg(
        "DFH",
        0x000,
        Access::Ro,
        Some(ACCEL_DFH),
        "device feature header (§4)",
    ),
    reg(
        "ACCEL_ID_L",
        0x008,
        Access::Ro,
        None,
        "low half of the 128-bit accelerator type id (§4)",
    ),
    reg(
        "ACCEL_ID_H",
        0x010,
        Access::Ro,
        None,
        "high half of the accelerator type id (§4)",
    ),
    reg(
        "STATE",
        0x018,
        Access::Ro,
        Some(State::Idle as u64),
        "0 idle, 1 running, 2 finished, 4 paused (§4)",
    ),
    reg(
        "CTL",
        0x018,
        Access::Wo,
        None,
        "1 START_NEW, 5 START_RESUME, 6 PAUSE; visible in STATE within 16 cycles (§4)",
    ),
    reg(
        "STATE_SIZE",
        0x020,
        Access::Ro,
        None,
        "bytes of snapshot the accelerator needs (§4)",
    ),
    reg(
        "SNAPSHOT_ADDR",
        0x028,
        Access::Rw,
        Some(0),
        "slot-relative byte address of the snapshot buffer (§4)",
    ),
];

/// The accelerator header as a [`Block`].
pub const BLOCK: Block = Block {
    name: "accel",
    page: "1 + i",
    doc: "accelerator contract, slot page header; offsets relative to the slot's page \
          (design.md §4)",
    regs: &REGS,
};

/// The header registers of a slot page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccelReg {
    /// DFH, 0x000.
    Dfh,
    /// ACCEL_ID_L, 0x008.
    AccelIdL,
    /// ACCEL_ID_H, 0x010.
    AccelIdH,
    /// STATE, 0x018 (read).
    State,
    /// CTL, 0x018 (write).
    Ctl,
    /// STATE_SIZE, 0x020.
    StateSize,
    /// SNAPSHOT_ADDR, 0x028.
    SnapshotAddr,
}

impl AccelReg {
    /// All of them, in offset order.
    pub const ALL: [AccelReg; 7] = {
        use AccelReg::*;
        [Dfh, AccelIdL, AccelIdH, State, Ctl, StateSize, SnapshotAddr]
    };

    /// Its description.
    pub const fn reg(self) -> &'static Reg {
        &REGS[self as usize]
    }

    /// Its byte offset in the slot page.
    pub const fn offset(self) -> u64 {
        self.reg().offset
    }
}

/// The header register a read of `offset` reaches, if any (application registers excluded).
pub fn decode_read(offset: u64) -> Option<AccelReg> {
    crate::find(&REGS, offset, Access::readable).map(|(i, _)| AccelReg::ALL[i])
}

/// The header register a write to `offset` reaches, if any (application registers excluded).
pub fn decode_write(offset: u64) -> Option<AccelReg> {
    crate::find(&REGS, offset, Access::writable).map(|(i, _)| AccelReg::ALL[i])
}

/// STATE values (design.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum State {
    /// 0: idle (after reset, or START_NEW with invalid registers).
    Idle = 0,
    /// 1: running.
    Running = 1,
    /// 2: finished.
    Finished = 2,
    /// 4: paused (snapshot written).
    Paused = 4,
}

impl State {
    /// The STATE value `raw`, if it is one of the four.
    pub const fn from_raw(raw: u64) -> Option<State> {
        match raw {
            0 => Some(State::Idle),
            1 => Some(State::Running),
            2 => Some(State::Finished),
            4 => Some(State::Paused),
            _ => None,
        }
    }
}

/// CTL commands (design.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum Ctl {
    /// 1: start a new job from the application registers.
    StartNew = 1,
    /// 5: reload the snapshot and continue, from any state.
    StartResume = 5,
    /// 6: stop issuing work, write the snapshot, report paused.
    Pause = 6,
}

impl Ctl {
    /// The CTL value `raw`, if it is one of the three.
    pub const fn from_raw(raw: u64) -> Option<Ctl> {
        match raw {
            1 => Some(Ctl::StartNew),
            5 => Some(Ctl::StartResume),
            6 => Some(Ctl::Pause),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_match_design_md() {
        let expect = [
            (AccelReg::Dfh, 0x000),
            (AccelReg::AccelIdL, 0x008),
            (AccelReg::AccelIdH, 0x010),
            (AccelReg::State, 0x018),
            (AccelReg::Ctl, 0x018),
            (AccelReg::StateSize, 0x020),
            (AccelReg::SnapshotAddr, 0x028),
        ];
        for (r, off) in expect {
            assert_eq!(r.offset(), off, "{r:?}");
        }
        assert_eq!(APP_BASE, 0x030);
    }

    #[test]
    fn decode_inverts_encode_by_direction() {
        for r in AccelReg::ALL {
            let a = r.reg().access;
            if a.readable() {
                assert_eq!(decode_read(r.offset()), Some(r));
            }
            if a.writable() {
                assert_eq!(decode_write(r.offset()), Some(r));
            }
        }
        assert_eq!(decode_read(0x018), Some(AccelReg::State));
        assert_eq!(decode_write(0x018), Some(AccelReg::Ctl));
        assert_eq!(decode_write(0x000), None);
        for off in [0x001, 0x004, 0x030, 0x038, 0xff8] {
            assert_eq!(decode_read(off), None, "{off:#x}");
            assert_eq!(decode_write(off), None, "{off:#x}");
        }
    }

    #[test]
    fn only_a_read_and_a_write_register_share_an_offset() {
        for (i, a) in REGS.iter().enumerate() {
            for b in &REGS[i + 1..] {
                if a.offset == b.offset {
                    assert!(
                        (a.access == Access::Ro && b.access == Access::Wo)
                            || (a.access == Access::Wo && b.access == Access::Ro),
                        "{} and {} overlap",
                        a.name,
                        b.name
                    );
                }
            }
            assert!(a.offset < APP_BASE);
        }
    }

    #[test]
    fn dfh_and_application_offsets() {
        assert_eq!(ACCEL_DFH, 0x1000_0100_0000_10f1);
        assert_eq!(AccelReg::Dfh.reg().reset, Some(ACCEL_DFH));
        assert_eq!(app_offset(0), 0x030);
        assert_eq!(app_offset(7), 0x068);
    }

    #[test]
    fn state_and_ctl_values() {
        assert_eq!(
            [State::Idle, State::Running, State::Finished, State::Paused].map(|s| s as u64),
            [0, 1, 2, 4]
        );
        assert_eq!(
            [Ctl::StartNew, Ctl::StartResume, Ctl::Pause].map(|c| c as u64),
            [1, 5, 6]
        );
        for v in 0..8 {
            assert_eq!(
                State::from_raw(v).map(|s| s as u64),
                [0, 1, 2, 4].contains(&v).then_some(v)
            );
            assert_eq!(
                Ctl::from_raw(v).map(|c| c as u64),
                [1, 5, 6].contains(&v).then_some(v)
            );
        }
    }
}
