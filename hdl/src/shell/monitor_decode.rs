//! The monitor's address decode, computed from `optimus-regs` before HDL generation.
//!
//! `hdl_gen` cannot call functions, so the decode is a table: for every 32-bit word address
//! of page 0 (10 bits, 4-byte units, design.md §1), [`optimus_regs::monitor::decode`] gives
//! the register, and the table stores its *code* `{kind[4:0], slot[3:0]}`. Code 0 (kind 0)
//! is "nothing here": unimplemented offsets, odd word addresses (bits `[2:0]` of the byte
//! offset not 0: decode refuses them) and slots at or above the configured count. The
//! hardware is a ROM of the non-zero entries (`case` with a zero default).

use optimus_regs::monitor::{self, GlobalReg, MonitorReg, SlotReg};
use optimus_regs::{MAX_SLOTS, MMIO_UNIT_BYTES, PAGE_SIZE};
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Width of the page-relative MMIO word address.
pub const ADDR_BITS: usize = 10;
/// Width of a register kind code (1 + 7 page-wide + 9 per-slot kinds need 5 bits).
pub const KIND_BITS: usize = 5;
/// Width of a slot index.
pub const SLOT_BITS: usize = 4;
/// Width of a decode entry `{kind, slot}`.
pub const CODE_BITS: usize = KIND_BITS + SLOT_BITS;
/// Kind code of "no register".
pub const KIND_NONE: u64 = 0;

const _: () = {
    assert!(PAGE_SIZE / MMIO_UNIT_BYTES == 1 << ADDR_BITS);
    assert!(MAX_SLOTS <= 1 << SLOT_BITS);
    assert!(1 + GlobalReg::ALL.len() + SlotReg::ALL.len() <= 1 << KIND_BITS);
};

/// Kind code of a page-wide register: 1..=7.
pub const fn global_kind(g: GlobalReg) -> u64 {
    1 + g as u64
}

/// Kind code of a per-slot register: 8..=16.
pub const fn slot_kind(r: SlotReg) -> u64 {
    1 + GlobalReg::ALL.len() as u64 + r as u64
}

/// Decode entry (`{kind, slot}`) of register `reg`.
pub fn code(reg: MonitorReg) -> u64 {
    match reg {
        MonitorReg::Global(g) => global_kind(g) << SLOT_BITS,
        MonitorReg::Slot(s, r) => (slot_kind(r) << SLOT_BITS) | s.index() as u64,
    }
}

/// The decode entry of every word address of page 0 that holds a register of a monitor with
/// `slots` slots. Addresses not in the map decode to 0.
pub fn table(slots: usize) -> BTreeMap<Bits<ADDR_BITS>, Bits<CODE_BITS>> {
    let mut t = BTreeMap::new();
    for word in 0..1u64 << ADDR_BITS {
        let reg = monitor::decode(word * MMIO_UNIT_BYTES);
        let present = match reg {
            Some(MonitorReg::Slot(s, _)) => s.index() < slots,
            Some(MonitorReg::Global(_)) => true,
            None => false,
        };
        if let (true, Some(reg)) = (present, reg) {
            t.insert(word.to_bits(), code(reg).to_bits());
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use optimus_regs::Slot;

    #[test]
    fn kinds_are_distinct_and_non_zero() {
        let mut kinds: Vec<u64> = GlobalReg::ALL.iter().map(|&g| global_kind(g)).collect();
        kinds.extend(SlotReg::ALL.iter().map(|&r| slot_kind(r)));
        let n = kinds.len();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), n);
        assert!(kinds.iter().all(|&k| k != KIND_NONE && k < 1 << KIND_BITS));
    }

    #[test]
    fn table_holds_exactly_the_configured_registers() {
        for slots in [1, 3, 16] {
            let t = table(slots);
            assert_eq!(t.len(), 7 + 9 * slots);
            for (addr, c) in &t {
                let addr = addr.to_u64();
                assert_eq!(addr % 2, 0, "odd word address {addr:#x} in the table");
                let reg = monitor::decode(addr * 4).unwrap();
                assert_eq!(c.to_u64(), code(reg));
            }
        }
        // Literal spot checks (design.md §3): FAULT[2] at byte 0x188 = word 0x62.
        let t = table(3);
        let fault2 = code(MonitorReg::Slot(Slot::new(2).unwrap(), SlotReg::Fault));
        assert_eq!(t[&0x62_u64.to_bits()].to_u64(), fault2);
        assert!(!t.contains_key(&0x63_u64.to_bits()));
        // Slot 3 does not exist in a 3-slot monitor: SLICE_LIMIT[3] at byte 0x1c0.
        assert!(!t.contains_key(&(0x1c0_u64 / 4).to_bits()));
        // MMIO_TIMEOUTS at byte 0x0f8 = word 0x3e; kind 7, slot field 0.
        assert_eq!(t[&0x3e_u64.to_bits()].to_u64(), 7 << SLOT_BITS);
        assert_eq!(
            global_kind(GlobalReg::MmioTimeouts),
            code(MonitorReg::Global(GlobalReg::MmioTimeouts)) >> SLOT_BITS
        );
    }
}
