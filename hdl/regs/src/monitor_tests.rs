//! The monitor map against design.md §3, with the expected offsets written out literally.

use super::*;
use crate::{Field, PAGE_SIZE, REG_BYTES};
use std::collections::BTreeMap;
use std::format;
use std::string::ToString;
use std::vec::Vec;

fn slot(i: usize) -> Slot {
    Slot::new(i).unwrap()
}

#[test]
fn page_wide_offsets_match_design_md() {
    let expect = [
        (GlobalReg::Dfh, 0x000, "DFH"),
        (GlobalReg::ShellIdL, 0x008, "SHELL_ID_L"),
        (GlobalReg::ShellIdH, 0x010, "SHELL_ID_H"),
        (GlobalReg::SlotReset, 0x018, "SLOT_RESET"),
        (GlobalReg::NumSlots, 0x020, "NUM_SLOTS"),
        (GlobalReg::Version, 0x028, "VERSION"),
        // Our addition: the free word just below slot 0's block.
        (GlobalReg::MmioTimeouts, 0x0f8, "MMIO_TIMEOUTS"),
    ];
    for (g, off, name) in expect {
        assert_eq!(g.offset(), off, "{name}");
        assert_eq!(g.reg().name, name);
    }
}

#[test]
fn slice_base_offsets_match_design_md() {
    // 0x030 + 8·i, written out.
    let expect = [
        0x030, 0x038, 0x040, 0x048, 0x050, 0x058, 0x060, 0x068, 0x070, 0x078, 0x080, 0x088, 0x090,
        0x098, 0x0a0, 0x0a8,
    ];
    for (i, off) in expect.into_iter().enumerate() {
        assert_eq!(slice_base(slot(i)), off, "SLICE_BASE[{i}]");
        assert_eq!(slot_reg(slot(i), SlotReg::SliceBase), off);
    }
}

#[test]
fn slot_block_offsets_match_design_md() {
    // 0x100 + 0x40·i + k, from the table.
    let in_block = [
        (SlotReg::SliceLimit, 0x00, "SLICE_LIMIT"),
        (SlotReg::Fault, 0x08, "FAULT"),
        (SlotReg::FaultAddr, 0x10, "FAULT_ADDR"),
        (SlotReg::Preempt, 0x18, "PREEMPT"),
        (SlotReg::PreemptTimeout, 0x20, "PREEMPT_TIMEOUT"),
        (SlotReg::RdLines, 0x28, "RD_LINES"),
        (SlotReg::WrLines, 0x30, "WR_LINES"),
        (SlotReg::Weight, 0x38, "WEIGHT"),
    ];
    for i in 0..16u64 {
        for (r, k, name) in in_block {
            assert_eq!(
                slot_reg(slot(i as usize), r),
                0x100 + 0x40 * i + k,
                "{name}[{i}]"
            );
            assert_eq!(r.reg().name, name);
        }
    }
    // A few spelled out in full.
    assert_eq!(slot_reg(slot(0), SlotReg::SliceLimit), 0x100);
    assert_eq!(slot_reg(slot(1), SlotReg::Fault), 0x148);
    assert_eq!(slot_reg(slot(3), SlotReg::Preempt), 0x1d8);
    assert_eq!(slot_reg(slot(15), SlotReg::Weight), 0x4f8);
}

#[test]
fn no_two_registers_overlap_and_all_are_aligned() {
    let mut seen = BTreeMap::new();
    for r in MonitorReg::all() {
        let off = r.offset();
        assert_eq!(off % REG_BYTES, 0, "{r}");
        assert!(off < PAGE_SIZE, "{r}");
        if let Some(other) = seen.insert(off, r) {
            panic!("{r} and {other} both at {off:#x}");
        }
    }
    assert_eq!(seen.len(), 7 + 16 * 9);
    assert_eq!(REGS.len(), 16);
    assert_eq!(GlobalReg::ALL.len() + SlotReg::ALL.len(), REGS.len());
}

#[test]
fn decode_inverts_encode() {
    for r in MonitorReg::all() {
        assert_eq!(decode(r.offset()), Some(r), "{r}");
    }
}

#[test]
fn unimplemented_offsets_decode_to_none() {
    let used: Vec<u64> = MonitorReg::all().map(MonitorReg::offset).collect();
    for off in 0..PAGE_SIZE + 64 {
        if !used.contains(&off) {
            assert_eq!(decode(off), None, "{off:#x}");
        }
    }
    // Gap between SLICE_BASE[15] and MMIO_TIMEOUTS, past slot 15, odd offsets.
    for off in [0x0b0, 0x0f0, 0x0fc, 0x500, 0xff8, 0x104, 0x001, 0x1000] {
        assert_eq!(decode(off), None, "{off:#x}");
    }
}

#[test]
fn reset_values_and_constants() {
    assert_ne!(MONITOR_DFH, 0);
    assert_eq!(GlobalReg::Dfh.reg().reset, Some(MONITOR_DFH));
    assert_eq!(GlobalReg::Version.reg().reset, Some(0x0001_0000));
    assert_eq!(GlobalReg::SlotReset.reg().reset, Some(0));
    assert_eq!(SlotReg::SliceLimit.reg().reset, Some(0));
    assert_eq!(SlotReg::SliceBase.reg().reset, Some(0));
    assert_eq!(SlotReg::Weight.reg().reset, Some(1));
    assert_eq!(SlotReg::PreemptTimeout.reg().reset, Some(1_000_000));
    assert_eq!(GlobalReg::ShellIdL.reg().reset, None);
    assert_eq!(GlobalReg::MmioTimeouts.reg().reset, Some(0));
    assert_eq!(GlobalReg::MmioTimeouts.reg().access, crate::Access::Ro);
    assert_eq!(MMIO_TIMEOUTS_OFFSET, 0x0f8);
}

#[test]
fn every_table_entry_has_one_variant() {
    let mut hit = [0; REGS.len()];
    for g in GlobalReg::ALL {
        hit[REGS.iter().position(|r| r == g.reg()).unwrap()] += 1;
    }
    for r in SlotReg::ALL {
        hit[REGS.iter().position(|x| x == r.reg()).unwrap()] += 1;
    }
    assert_eq!(hit, [1; REGS.len()]);
    // The §3 registers keep their table index; MMIO_TIMEOUTS is last.
    assert_eq!(REGS[6].name, "SLICE_BASE");
    assert_eq!(REGS[8].name, "FAULT");
    assert_eq!(REGS[15].name, "MMIO_TIMEOUTS");
    assert_eq!(
        decode(0x0f8),
        Some(MonitorReg::Global(GlobalReg::MmioTimeouts))
    );
}

#[test]
fn bitfields_match_design_md() {
    assert_eq!(fault::READ, 0b01);
    assert_eq!(fault::WRITE, 0b10);
    assert_eq!(fault::COUNT_MASK, 0x0000_ffff_0000_0000);
    assert_eq!(fault::CLEAR_COUNT, 0x8000_0000_0000_0000);
    assert_eq!(fault::count(0x8000_1234_0000_0003), 0x1234);
    assert_eq!((preempt::REQUEST, preempt::RELEASE), (1, 2));
    assert_eq!(
        [
            preempt::REQUESTED,
            preempt::PAUSED,
            preempt::DRAINED,
            preempt::TIMED_OUT,
            preempt::IN_RESET
        ],
        [1, 2, 4, 8, 16]
    );
    assert_eq!(preempt::rd_outstanding(0x0000_0007_0005_0000), 5);
    assert_eq!(preempt::wr_outstanding(0x0000_0007_0005_0000), 7);
    assert_eq!(slice::BASE_MASK, 0x3ff_ffff_fffc);
    assert_eq!(slice::LIMIT_MASK, 0x3ff_ffff_ffff);
}

#[test]
fn fields_agree_with_the_constants_and_do_not_overlap() {
    let fault_fields = SlotReg::Fault.reg().fields;
    let masks: Vec<u64> = fault_fields.iter().map(Field::mask).collect();
    assert_eq!(
        masks,
        [
            fault::READ,
            fault::WRITE,
            fault::COUNT_MASK,
            fault::CLEAR_COUNT
        ]
    );
    let p = SlotReg::Preempt.reg().fields;
    assert_eq!(p[5].mask(), 0xffff << 16);
    assert_eq!(p[6].mask(), 0xffff << 32);
    assert_eq!(SlotReg::SliceBase.reg().fields[0].mask(), slice::BASE_MASK);
    for r in &REGS {
        let mut acc = 0u64;
        for f in r.fields {
            assert_eq!(acc & f.mask(), 0, "{}.{} overlaps", r.name, f.name);
            acc |= f.mask();
        }
    }
}

#[test]
fn exports_list_mmio_timeouts() {
    let mut md = std::string::String::new();
    crate::export::write_markdown(&mut md).unwrap();
    assert!(md.contains("| 0x0f8 | MMIO_TIMEOUTS | RO | 0x0 |"), "{md}");
    let mut json = std::string::String::new();
    crate::export::write_json(&mut json).unwrap();
    assert!(json.contains("\"name\": \"MMIO_TIMEOUTS\", \"offset\": 248,"));
}

#[test]
fn display_names_slots() {
    assert_eq!(
        MonitorReg::Slot(slot(3), SlotReg::Fault).to_string(),
        "FAULT[3]"
    );
    assert_eq!(
        format!("{}", MonitorReg::Global(GlobalReg::Version)),
        "VERSION"
    );
}
