//! The slice bounds check and translation of one request: pure combinational logic.
//!
//! A request of `L` lines at slot-relative line address `a` (`L` = 1, 2, 3 or 4 from `cl_len`
//! 0, 1, 2, 3; 2 is illegal in the protocol) touches lines `a .. a+L-1`. With a slice of
//! `M` lines (`M` = SLICE_LIMIT), it is in range iff every line is below `M`:
//!
//! ```text
//!   a + L <= M      (as unbounded integers)
//!   <=>  L <= M  and  a <= M - L
//! ```
//!
//! The right-hand form is what the hardware computes, in 42 bits. `a + L` is never formed,
//! so it cannot wrap past 2^42 (`a = 2^42 - 2, L = 4` would wrap to 2 in 42 bits). `M - L`
//! wraps only when `L > M`, and then the first term is false, so the wrapped value is never
//! used. Every operand is below 2^42, so both comparisons are exact. `M = 0` fails
//! `L <= M` for every `L >= 1`: no access at all.
//!
//! A request of illegal length (`cl_len` 2) is never in range (`ok` = 0): the host must not
//! see it.
//!
//! **Fault line.** If the request is out of range, its first out-of-range line is
//! `max(a, M)`: either `a` itself is at or above the limit, or lines `a .. M-1` are inside and
//! `M <= a + L - 1` is the first one outside. Both are below 2^42, so it always fits. A request
//! in range but of illegal length reports `a`.
//!
//! **Translation.** `host_addr = {base[41:2], 2'b00} + a` mod 2^42 (design.md §3, rule 2).
//!
//! ### Inputs
//! `addr`, `cl_len` (of the request), `base` (SLICE_BASE, low 2 bits ignored),
//! `limit` (SLICE_LIMIT, lines).
//! ### Outputs
//! `ok` (all lines in range and a legal length), `host_addr` (IOVA of line `addr`),
//! `fault_line` (first out-of-range line; meaningful when `ok` is 0).

use rust_hdl::prelude::*;

/// Bounds check and IOVA translation of one request.
#[derive(LogicBlock)]
pub struct SliceCheck {
    /// Slot-relative line address of the request.
    pub addr: Signal<In, Bits<42>>,
    /// Its length code.
    pub cl_len: Signal<In, Bits<2>>,
    /// SLICE_BASE (low 2 bits ignored).
    pub base: Signal<In, Bits<42>>,
    /// SLICE_LIMIT in lines.
    pub limit: Signal<In, Bits<42>>,
    /// Every line inside `[0, limit)` and a legal length.
    pub ok: Signal<Out, Bit>,
    /// `base + addr` (mod 2^42).
    pub host_addr: Signal<Out, Bits<42>>,
    /// First line of the request that is out of range.
    pub fault_line: Signal<Out, Bits<42>>,
    len: Signal<Local, Bits<42>>,
    room: Signal<Local, Bits<42>>,
    in_range: Signal<Local, Bit>,
    len1: Constant<Bits<42>>,
    len2: Constant<Bits<42>>,
    len3: Constant<Bits<42>>,
    len4: Constant<Bits<42>>,
    base_mask: Constant<Bits<42>>,
    cl1: Constant<Bits<2>>,
    cl2: Constant<Bits<2>>,
}

impl Default for SliceCheck {
    fn default() -> Self {
        Self {
            addr: Default::default(),
            cl_len: Default::default(),
            base: Default::default(),
            limit: Default::default(),
            ok: Default::default(),
            host_addr: Default::default(),
            fault_line: Default::default(),
            len: Default::default(),
            room: Default::default(),
            in_range: Default::default(),
            len1: Constant::new(1_u64.to_bits()),
            len2: Constant::new(2_u64.to_bits()),
            len3: Constant::new(3_u64.to_bits()),
            len4: Constant::new(4_u64.to_bits()),
            base_mask: Constant::new(((1_u64 << 42) - 4).to_bits()),
            cl1: Constant::new(1_u64.to_bits()),
            cl2: Constant::new(2_u64.to_bits()),
        }
    }
}

impl Logic for SliceCheck {
    #[hdl_gen]
    fn update(&mut self) {
        self.len.next = self.len4.val();
        if self.cl_len.val() == self.cl2.val() {
            self.len.next = self.len3.val();
        }
        if self.cl_len.val() == self.cl1.val() {
            self.len.next = self.len2.val();
        }
        if !self.cl_len.val().any() {
            self.len.next = self.len1.val();
        }
        // limit - len wraps only when len > limit, and then the first term is false.
        self.room.next = self.limit.val() - self.len.val();
        self.in_range.next =
            (self.limit.val() >= self.len.val()) & (self.addr.val() <= self.room.val());
        self.ok.next = self.in_range.val() & (self.cl_len.val() != self.cl2.val());
        self.fault_line.next = self.addr.val();
        if !self.in_range.val() & (self.addr.val() < self.limit.val()) {
            self.fault_line.next = self.limit.val();
        }
        self.host_addr.next = (self.base.val() & self.base_mask.val()) + self.addr.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP: u64 = 1 << 42;

    fn check(addr: u64, cl: u64, base: u64, limit: u64) -> (bool, u64, u64) {
        let mut c = SliceCheck::default();
        c.connect_all();
        c.addr.next = addr.to_bits();
        c.cl_len.next = cl.to_bits();
        c.base.next = base.to_bits();
        c.limit.next = limit.to_bits();
        assert!(simulate(&mut c, 10));
        (
            c.ok.val(),
            c.host_addr.val().to_u64(),
            c.fault_line.val().to_u64(),
        )
    }

    /// Reference: integer arithmetic that cannot overflow in u64.
    fn reference(addr: u64, cl: u64, limit: u64) -> (bool, u64) {
        let lines = cl + 1;
        let in_range = addr + lines <= limit;
        let first_out = (addr..addr + lines).find(|&l| l >= limit).unwrap_or(addr);
        (in_range && cl != 2, first_out)
    }

    #[test]
    fn matches_integer_reference_at_the_edges() {
        let limits = [0, 1, 2, 3, 4, 5, 100, TOP - 4, TOP - 2, TOP - 1];
        let addrs = [
            0,
            1,
            2,
            3,
            4,
            96,
            97,
            99,
            100,
            101,
            TOP - 8,
            TOP - 5,
            TOP - 4,
            TOP - 2,
            TOP - 1,
        ];
        for &limit in &limits {
            for &addr in &addrs {
                for cl in 0..4 {
                    let (ok, _, line) = check(addr, cl, 0, limit);
                    let (ok_ref, line_ref) = reference(addr, cl, limit);
                    assert_eq!(ok, ok_ref, "addr {addr:#x} cl {cl} limit {limit:#x}");
                    if !ok {
                        assert_eq!(
                            line, line_ref,
                            "fault line: addr {addr:#x} cl {cl} limit {limit:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn translation_adds_aligned_base_mod_2_42() {
        assert_eq!(check(5, 0, 0x1000, 100).1, 0x1005);
        assert_eq!(
            check(5, 0, 0x1003, 100).1,
            0x1005,
            "low 2 base bits are ignored"
        );
        assert_eq!(check(8, 0, TOP - 4, 100).1, 4, "wraps mod 2^42");
    }
}
