//! The tree's throughput, fairness and latency, as `bench-mux` reports them.
//!
//! Throughput and fairness: the busy leaves are [`SaturatingLeaf`]s (a new request every cycle
//! the almfull rule allows, 1/2/4-line lengths in equal shares, the same mix on every leaf), the
//! other leaves are idle, and the host answers after a fixed latency and never raises almfull.
//! After a warm-up we count, at the root, request beats per cycle on the read channel and write
//! beats per cycle on the write channel (utilization), and lines granted per busy leaf on each
//! channel (shares and Jain's fairness index).
//!
//! Note: a read of L lines takes one request beat but L response cycles, and the host's read
//! response port carries one line per cycle, so at full request rate the host's response queue
//! grows without bound; responses are still delivered, the request side is what is measured.
//!
//! Latency: with the tree idle and no almfull, one leaf presents one 1-line read; the cycles
//! until that leaf sees the response, minus the same measured with the leaf wired straight to
//! the host, is what the tree adds. Measured for every leaf; the table shows the range.

use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::data::mix64;
use crate::host::{HostAgent, HostConfig};
use crate::model::{ModelError, MuxTreeModel};
use crate::ports::{Down, ReadReq, Up, WriteReq};
use crate::slack::Slack;
use crate::tag::{TagLayout, levels};

/// Which leaves are busy in one measurement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchCase {
    /// N.
    pub leaves: usize,
    /// The busy leaves (the rest stay idle).
    pub busy: Vec<usize>,
}

impl BenchCase {
    /// Every leaf busy.
    pub fn all(leaves: usize) -> Self {
        Self {
            leaves,
            busy: (0..leaves).collect(),
        }
    }
}

/// The standard table: N = 2, 4, 5, 8, 16 all busy, and N = 8 with leaves {0,1,2} and
/// {0..4} busy. With `only`, just the rows of that N (all busy if it is not in the list).
pub fn standard_cases(only: Option<usize>) -> Vec<BenchCase> {
    let mut cases: Vec<BenchCase> = [2, 4, 5, 8, 16].into_iter().map(BenchCase::all).collect();
    cases.push(BenchCase {
        leaves: 8,
        busy: vec![0, 1, 2],
    });
    cases.push(BenchCase {
        leaves: 8,
        busy: (0..5).collect(),
    });
    match only {
        None => cases,
        Some(n) => {
            let rows: Vec<BenchCase> = cases.into_iter().filter(|c| c.leaves == n).collect();
            if rows.is_empty() {
                vec![BenchCase::all(n)]
            } else {
                rows
            }
        }
    }
}

/// How long and against what host to measure.
#[derive(Clone, Copy, Debug)]
pub struct BenchConfig {
    /// Cycles run before counting.
    pub warmup: u64,
    /// Cycles counted.
    pub cycles: u64,
    /// The host's fixed response latency.
    pub host_latency: u64,
    /// Seed of the request lengths.
    pub seed: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        Self {
            warmup: 2_000,
            cycles: 200_000,
            host_latency: 64,
            seed: 1,
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug)]
pub struct BenchRow {
    /// The case measured.
    pub case: BenchCase,
    /// Read request beats per cycle at the root.
    pub read_util: f64,
    /// Write beats per cycle at the root.
    pub write_util: f64,
    /// Jain's index over the busy leaves' granted read lines.
    pub read_jain: f64,
    /// Same for write lines.
    pub write_jain: f64,
    /// Each busy leaf's share of granted read lines, in `case.busy` order.
    pub read_shares: Vec<f64>,
    /// Same for write lines.
    pub write_shares: Vec<f64>,
    /// Lines granted to leaves that were meant to be idle (must be 0).
    pub idle_lines: u64,
    /// ⌈log2 N⌉.
    pub levels: u32,
    /// Unloaded round-trip cycles the tree adds, over all leaves (min, max).
    pub added_latency: (u64, u64),
    /// Simulation speed of the saturated run, cycles per second.
    pub cycles_per_sec: f64,
}

impl BenchRow {
    /// The latency target: 2·L + 4.
    pub fn latency_target(&self) -> u64 {
        2 * u64::from(self.levels) + 4
    }
}

/// Jain's fairness index of `x`: (Σx)² / (n·Σx²); 1 is perfectly fair, 1/n maximally unfair.
pub fn jain(x: &[f64]) -> f64 {
    let sum: f64 = x.iter().sum();
    let squares: f64 = x.iter().map(|v| v * v).sum();
    if squares == 0.0 {
        1.0
    } else {
        sum * sum / (x.len() as f64 * squares)
    }
}

/// A leaf that presents a request whenever the almfull rule lets it.
#[derive(Debug)]
pub struct SaturatingLeaf {
    tags: TagLayout,
    rng: SmallRng,
    slack: [Slack; 2],
    mdata: u16,
    addr: u64,
    /// Open write: (mdata, base, cl_len, next line).
    open: Option<(u16, u64, u8, u8)>,
}

impl SaturatingLeaf {
    /// Leaf `index` of `leaves`, lengths drawn from `seed`.
    pub fn new(index: usize, leaves: usize, seed: u64) -> Self {
        Self {
            tags: TagLayout::new(leaves),
            rng: SmallRng::seed_from_u64(mix64(seed ^ index as u64)),
            slack: [Slack::default(); 2],
            mdata: 0,
            addr: (index as u64) << 32,
            open: None,
        }
    }

    fn next_len(&mut self) -> u8 {
        [0, 1, 3][self.rng.random_range(0..3)]
    }

    fn next_mdata(&mut self) -> u16 {
        self.mdata = self.mdata.wrapping_add(1) & self.tags.low_mask();
        self.mdata
    }

    fn next_addr(&mut self, cl_len: u8) -> u64 {
        self.addr += 4;
        self.addr & !u64::from(cl_len)
    }

    /// Sets what the leaf presents this cycle.
    pub fn drive(&mut self, up: &mut Up) {
        *up = Up::default();
        if self.slack[0].may_send() {
            let cl_len = self.next_len();
            let (mdata, addr) = (self.next_mdata(), self.next_addr(cl_len));
            up.rd_req = ReadReq {
                addr,
                mdata,
                valid: true,
                cl_len,
            };
            self.slack[0].beat().expect("may_send checked");
        }
        if self.slack[1].may_send() {
            let (mdata, base, cl_len, next) = match self.open {
                Some(open) => open,
                None => {
                    let cl_len = self.next_len();
                    (self.next_mdata(), self.next_addr(cl_len), cl_len, 0)
                }
            };
            up.wr_req = WriteReq {
                data: [base; 8],
                addr: base + u64::from(next),
                mdata,
                valid: true,
                cl_len,
                sop: next == 0,
            };
            self.open = (next < cl_len).then_some((mdata, base, cl_len, next + 1));
            self.slack[1].beat().expect("may_send checked");
        }
    }

    /// The rising edge: only almfull matters to this leaf.
    pub fn sample(&mut self, down: &Down) {
        self.slack[0].edge(down.c0_almfull);
        self.slack[1].edge(down.c1_almfull);
    }
}

/// Runs one throughput/fairness case and the latency probe of its N.
pub fn run_case(case: &BenchCase, cfg: &BenchConfig) -> Result<BenchRow, ModelError> {
    let n = case.leaves;
    let tags = TagLayout::new(n);
    let mut model = MuxTreeModel::new(n)?;
    model.reset();
    let mut leaves: Vec<Option<SaturatingLeaf>> = (0..n)
        .map(|i| {
            case.busy
                .contains(&i)
                .then(|| SaturatingLeaf::new(i, n, cfg.seed))
        })
        .collect();
    let mut host = HostAgent::new(n, cfg.seed, HostConfig::fixed(cfg.host_latency));
    let (mut rd_beats, mut wr_beats) = (0u64, 0u64);
    let (mut rd_lines, mut wr_lines) = (vec![0u64; n], vec![0u64; n]);
    let started = Instant::now();
    for cycle in 0..cfg.warmup + cfg.cycles {
        for (i, leaf) in leaves.iter_mut().enumerate() {
            if let Some(leaf) = leaf {
                leaf.drive(model.leaf_in_mut(i));
            }
        }
        host.drive(model.host_in_mut());
        if cycle >= cfg.warmup {
            let root = model.host_out();
            if root.rd_req.valid {
                rd_beats += 1;
                rd_lines[tags.leaf_of(root.rd_req.mdata).min(n - 1)] +=
                    u64::from(root.rd_req.cl_len) + 1;
            }
            if root.wr_req.valid {
                wr_beats += 1;
                wr_lines[tags.leaf_of(root.wr_req.mdata).min(n - 1)] += 1;
            }
        }
        for (i, leaf) in leaves.iter_mut().enumerate() {
            if let Some(leaf) = leaf {
                leaf.sample(model.leaf_out(i));
            }
        }
        host.sample(model.host_out());
        model.tick();
    }
    let cycles_per_sec = (cfg.warmup + cfg.cycles) as f64 / started.elapsed().as_secs_f64();
    let busy = |lines: &[u64]| -> Vec<f64> { case.busy.iter().map(|&i| lines[i] as f64).collect() };
    let shares = |lines: &[u64]| -> Vec<f64> {
        let total: u64 = lines.iter().sum::<u64>().max(1);
        case.busy
            .iter()
            .map(|&i| lines[i] as f64 / total as f64)
            .collect()
    };
    let idle_lines = (0..n)
        .filter(|i| !case.busy.contains(i))
        .map(|i| rd_lines[i] + wr_lines[i])
        .sum();
    Ok(BenchRow {
        case: case.clone(),
        read_util: rd_beats as f64 / cfg.cycles as f64,
        write_util: wr_beats as f64 / cfg.cycles as f64,
        read_jain: jain(&busy(&rd_lines)),
        write_jain: jain(&busy(&wr_lines)),
        read_shares: shares(&rd_lines),
        write_shares: shares(&wr_lines),
        idle_lines,
        levels: levels(n),
        added_latency: added_latency(n, cfg.host_latency)?,
        cycles_per_sec,
    })
}

/// Unloaded round trip through the tree minus the host's own latency, over every leaf.
pub fn added_latency(leaves: usize, host_latency: u64) -> Result<(u64, u64), ModelError> {
    let direct = direct_round_trip(host_latency);
    let mut range = (u64::MAX, 0);
    for leaf in 0..leaves {
        let through = tree_round_trip(leaves, leaf, host_latency)?;
        let added = through.saturating_sub(direct);
        range = (range.0.min(added), range.1.max(added));
    }
    Ok(range)
}

/// Cycles from presenting a 1-line read to seeing its response, leaf wired to the host.
fn direct_round_trip(host_latency: u64) -> u64 {
    let mut host = HostAgent::new(1, 0, HostConfig::fixed(host_latency));
    let mut down = Down::default();
    let request = Up {
        rd_req: ReadReq {
            addr: 0x40,
            mdata: 1,
            valid: true,
            cl_len: 0,
        },
        ..Up::default()
    };
    let idle = Up::default();
    for cycle in 0.. {
        host.drive(&mut down);
        if down.rd_rsp.valid {
            return cycle;
        }
        host.sample(if cycle == 0 { &request } else { &idle });
    }
    unreachable!("the host always answers")
}

/// Same through a fresh, idle tree, from `leaf`.
fn tree_round_trip(leaves: usize, leaf: usize, host_latency: u64) -> Result<u64, ModelError> {
    let mut model = MuxTreeModel::new(leaves)?;
    model.reset();
    let mut host = HostAgent::new(leaves, 0, HostConfig::fixed(host_latency));
    const GIVE_UP: u64 = 10_000;
    for cycle in 0..GIVE_UP {
        model.leaf_in_mut(leaf).rd_req = ReadReq {
            addr: 0x40,
            mdata: 1,
            valid: cycle == 0,
            cl_len: 0,
        };
        host.drive(model.host_in_mut());
        if model.leaf_out(leaf).rd_rsp.valid {
            return Ok(cycle);
        }
        host.sample(model.host_out());
        model.tick();
    }
    Ok(GIVE_UP)
}

/// The table as plain text.
pub fn table_text(rows: &[BenchRow]) -> String {
    let mut s = format!(
        "{:>3} {:<14} {:>7} {:>7} {:>8} {:>8} {:>2} {:>8} {:>6} {:>8}  shares rd | wr\n",
        "N",
        "busy",
        "rd util",
        "wr util",
        "Jain rd",
        "Jain wr",
        "L",
        "+latency",
        "target",
        "kcyc/s"
    );
    for r in rows {
        s += &format!(
            "{:>3} {:<14} {:>7.4} {:>7.4} {:>8.5} {:>8.5} {:>2} {:>8} {:>6} {:>8.0}  {} | {}\n",
            r.case.leaves,
            busy_text(&r.case),
            r.read_util,
            r.write_util,
            r.read_jain,
            r.write_jain,
            r.levels,
            latency_text(r.added_latency),
            r.latency_target(),
            r.cycles_per_sec / 1e3,
            shares_text(&r.read_shares),
            shares_text(&r.write_shares),
        );
    }
    s
}

/// The table as Markdown.
pub fn table_markdown(rows: &[BenchRow]) -> String {
    let mut s = String::from(
        "| N | busy leaves | rd util (beats/cycle) | wr util (beats/cycle) | Jain rd | Jain wr | L | added latency (cycles) | target 2L+4 | sim speed (k cycles/s) | rd shares | wr shares |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s += &format!(
            "| {} | {} | {:.4} | {:.4} | {:.5} | {:.5} | {} | {} | {} | {:.0} | {} | {} |\n",
            r.case.leaves,
            busy_text(&r.case),
            r.read_util,
            r.write_util,
            r.read_jain,
            r.write_jain,
            r.levels,
            latency_text(r.added_latency),
            r.latency_target(),
            r.cycles_per_sec / 1e3,
            shares_text(&r.read_shares),
            shares_text(&r.write_shares),
        );
    }
    s
}

fn busy_text(case: &BenchCase) -> String {
    let b = &case.busy;
    if b.len() == case.leaves {
        "all".into()
    } else if b.windows(2).all(|w| w[1] == w[0] + 1) {
        format!("{}..={}", b[0], b[b.len() - 1])
    } else {
        format!("{b:?}")
    }
}

fn latency_text((lo, hi): (u64, u64)) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

fn shares_text(shares: &[f64]) -> String {
    shares
        .iter()
        .map(|s| format!("{s:.3}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jain_bounds() {
        assert!((jain(&[5.0, 5.0, 5.0]) - 1.0).abs() < 1e-12);
        assert!((jain(&[1.0, 0.0, 0.0, 0.0]) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn standard_rows() {
        assert_eq!(standard_cases(None).len(), 7);
        assert_eq!(standard_cases(Some(8)).len(), 3);
        assert_eq!(standard_cases(Some(3)), vec![BenchCase::all(3)]);
    }

    #[test]
    fn direct_round_trip_is_the_host_latency() {
        assert_eq!(direct_round_trip(17), 17);
    }
}
