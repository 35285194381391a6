//! rust-hdl simulations of the Hasher accelerator (docs/hasher.md): digest and DONE_LINES
//! against `optimus_regs::hasher::digest`, out-of-order responses, cycles per line, invalid
//! starts, pause/resume (also across a reset, snapshot elsewhere), pause when idle.

use optimus_hdl::accel::hasher::engine::HashEngine;
use optimus_regs::hasher::{self, WORDS};
use rust_hdl::prelude::*;
use std::collections::HashMap;

/// xorshift64*: deterministic test randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn to_line(w: [u64; WORDS]) -> Bits<512> {
    let mut x = Bits::<512>::default();
    for (i, v) in w.into_iter().enumerate() {
        x.set_bits::<64>(64 * i, v.to_bits());
    }
    x
}

fn from_line(x: Bits<512>) -> [u64; WORDS] {
    std::array::from_fn(|i| x.get_bits::<64>(64 * i).to_u64())
}

/// Host memory and response model around one engine.
struct Bench {
    e: HashEngine,
    now: u64,
    rng: Rng,
    mem: HashMap<u64, [u64; WORDS]>,
    /// Largest response delay: responses come back in random order within it.
    spread: u64,
    /// almfull toggles at random.
    random_almfull: bool,
    rd: Vec<(u64, u64, u64, u64)>,
    wr: Vec<(u64, u64)>,
    wr_left: u64,
    rd_after_af: [u64; 2],
    af_seen: [bool; 2],
    pub reads: Vec<(u64, u64)>,
    pub writes: Vec<u64>,
}

impl Bench {
    fn new(seed: u64) -> Self {
        let mut b = Bench {
            e: HashEngine::default(),
            now: 0,
            rng: Rng(seed | 1),
            mem: HashMap::new(),
            spread: 1,
            random_almfull: false,
            rd: Vec::new(),
            wr: Vec::new(),
            wr_left: 0,
            rd_after_af: [0; 2],
            af_seen: [false; 2],
            reads: Vec::new(),
            writes: Vec::new(),
        };
        b.e.connect_all();
        b.reset();
        b
    }

    fn reset(&mut self) {
        self.e.reset.next = true;
        self.run(4);
        self.e.reset.next = false;
        self.run(2);
        self.rd.clear();
        self.wr.clear();
    }

    fn fill(&mut self, line: u64, n: u64, seed: u64) -> Vec<[u64; WORDS]> {
        (0..n)
            .map(|i| {
                let w: [u64; WORDS] =
                    std::array::from_fn(|k| hasher::round(seed ^ ((line + i) << 3 | k as u64)));
                self.mem.insert(line + i, w);
                w
            })
            .collect()
    }

    fn step(&mut self) {
        let now = self.now;
        let e = &mut self.e;
        let af = if self.random_almfull {
            [self.rng.below(4) == 0, self.rng.below(4) == 0]
        } else {
            [false, false]
        };
        e.c0_almfull.next = af[0];
        e.c1_almfull.next = af[1];
        e.rd_rsp_valid.next = false;
        let due: Vec<usize> = (0..self.rd.len())
            .filter(|&i| self.rd[i].0 <= now)
            .collect();
        if !due.is_empty() {
            let i = due[self.rng.below(due.len() as u64) as usize];
            let (_, mdata, cl_num, line) = self.rd.remove(i);
            e.rd_rsp_valid.next = true;
            e.rd_rsp_mdata.next = mdata.to_bits();
            e.rd_rsp_cl_num.next = cl_num.to_bits();
            let w = self.mem.get(&line).copied().unwrap_or([u64::MAX; WORDS]);
            e.rd_rsp_data.next = to_line(w);
        }
        e.wr_rsp_valid.next = false;
        if let Some(i) = self.wr.iter().position(|r| r.0 <= now) {
            let (_, mdata) = self.wr.remove(i);
            e.wr_rsp_valid.next = true;
            e.wr_rsp_mdata.next = mdata.to_bits();
        }
        e.clock.next = Clock { clk: false };
        assert!(simulate(&mut self.e, 10_000), "did not settle");
        self.observe(af);
        self.e.clock.next = Clock { clk: true };
        assert!(simulate(&mut self.e, 10_000), "did not settle");
        self.e.start_new.next = false;
        self.e.start_resume.next = false;
        self.e.pause.next = false;
        self.now += 1;
    }

    fn observe(&mut self, af: [bool; 2]) {
        let e = &self.e;
        let now = self.now;
        if e.rd_req_valid.val() {
            let addr = e.rd_req_addr.val().to_u64();
            let cl = e.rd_req_cl_len.val().to_u64();
            let mdata = e.rd_req_mdata.val().to_u64();
            assert!(cl == 0 || cl == 3, "read length code {cl}");
            assert_eq!(addr % (cl + 1), 0, "read at {addr} not aligned to {cl}");
            self.reads.push((addr, cl + 1));
            for i in 0..=cl {
                let due = now + 1 + self.rng.below(self.spread);
                self.rd.push((due, mdata, i, addr + i));
            }
        }
        if e.wr_req_valid.val() {
            assert!(e.wr_req_sop.val() && e.wr_req_cl_len.val().to_u64() == 0);
            let addr = e.wr_req_addr.val().to_u64();
            self.mem.insert(addr, from_line(e.wr_req_data.val()));
            self.writes.push(addr);
            let due = now + 1 + self.rng.below(self.spread);
            self.wr.push((due, e.wr_req_mdata.val().to_u64()));
            assert_eq!(self.wr_left, 0);
        }
        // The 8-beat slack after almfull: we never present more than that.
        for (ch, v) in [e.rd_req_valid.val(), e.wr_req_valid.val()]
            .into_iter()
            .enumerate()
        {
            if self.af_seen[ch] && v {
                self.rd_after_af[ch] += 1;
                assert!(self.rd_after_af[ch] <= 8, "almfull slack exceeded");
            }
            // almfull applied this cycle is seen at this edge.
            self.af_seen[ch] = af[ch];
            if !af[ch] {
                self.rd_after_af[ch] = 0;
            }
        }
    }

    fn run(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    fn state(&self) -> u64 {
        self.e.state.val().to_u64()
    }

    fn run_until_state(&mut self, limit: u64, want: u64) {
        for _ in 0..limit {
            if self.state() == want {
                return;
            }
            self.step();
        }
        panic!("state {} after {limit} cycles, wanted {want}", self.state());
    }

    fn regs(&mut self, src: u64, lines: u64, rounds: u64, dst: u64, seed: u64, snap: u64) {
        let e = &mut self.e;
        e.src_addr.next = src.to_bits();
        e.lines.next = lines.to_bits();
        e.rounds.next = rounds.to_bits();
        e.dst_addr.next = dst.to_bits();
        e.seed.next = seed.to_bits();
        e.snapshot_addr.next = snap.to_bits();
    }

    fn start(&mut self) {
        self.e.start_new.next = true;
        self.step();
    }

    fn digest_at(&self, dst: u64) -> [u64; WORDS] {
        self.mem.get(&(dst / 64)).copied().unwrap_or_default()
    }
}

const DST: u64 = 0x40;

/// One uninterrupted job; returns (digest written, CYCLES).
fn run_job(b: &mut Bench, src_line: u64, lines: u64, rounds: u64, seed: u64) -> u64 {
    let data = b.fill(src_line, lines, seed.rotate_left(7));
    b.regs(src_line * 64, lines, rounds, DST, seed, 0x8000);
    b.start();
    b.run_until_state(40 + lines * (rounds + 20), 2);
    let want = hasher::digest(&data, seed, rounds);
    assert_eq!(
        b.digest_at(DST),
        want,
        "digest, lines {lines} rounds {rounds}"
    );
    assert_eq!(b.e.done_lines.val().to_u64(), lines);
    assert_eq!(b.e.digest_xor.val().to_u64(), hasher::digest_xor(&want));
    b.e.cycles.val().to_u64()
}

#[test]
fn digest_matches_the_reference() {
    for (i, &(src_line, lines, rounds, seed)) in [
        (0x40, 1, 1, 0),
        (0x41, 9, 2, 0x1234),
        (0x43, 13, 3, u64::MAX),
        (0x80, 32, 1, 0xdead_beef),
    ]
    .iter()
    .enumerate()
    {
        let mut b = Bench::new(i as u64 + 1);
        run_job(&mut b, src_line, lines, rounds, seed);
        // Requests: 1-line until 4-aligned, 4-line while 4 remain, then 1-line.
        let mut want = Vec::new();
        let (mut a, end) = (src_line, src_line + lines);
        while a < end {
            let n = if a % 4 == 0 && end - a >= 4 { 4 } else { 1 };
            want.push((a, n));
            a += n;
        }
        assert_eq!(b.reads, want);
        assert_eq!(b.writes, vec![DST / 64]);
    }
}

#[test]
fn out_of_order_responses_and_almfull_give_the_same_digest() {
    let mut b = Bench::new(99);
    b.spread = 24;
    b.random_almfull = true;
    run_job(&mut b, 0x101, 40, 2, 0x77);
}

#[test]
fn cycles_per_line_follow_rounds() {
    for rounds in [1, 4, 8] {
        let mut b = Bench::new(5);
        let c = run_job(&mut b, 0x100, 64, rounds, 3);
        println!(
            "LINES=64 ROUNDS={rounds}: CYCLES={c}, {:.2} cycles/line",
            c as f64 / 64.0
        );
        assert!(c <= 64 * rounds + 24, "{c} cycles at {rounds} rounds");
        assert!(c >= 64 * rounds, "{c} cycles at {rounds} rounds");
    }
}
