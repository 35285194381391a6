//! The random testbench: one tree, N [`LeafAgent`]s, a [`HostAgent`] and the [`Scoreboard`].
//!
//! A run resets the tree, runs random traffic for the configured cycles, then drains (no new
//! requests, no almfull, no MMIO) until nothing is outstanding, and checks the end state. Any
//! failure names N and the seed, so `OPTIMUS_SEED=<seed>` replays it exactly.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use thiserror::Error;

use crate::data::mix64;
use crate::host::{HostAgent, HostConfig};
use crate::leaf::{LeafAgent, LeafConfig};
use crate::model::{ModelError, MuxTreeModel};
use crate::scoreboard::{Scoreboard, Summary, Violation};

/// What a run does.
#[derive(Clone, Debug)]
pub struct TbConfig {
    /// N.
    pub leaves: usize,
    /// Seed of every random choice of the run.
    pub seed: u64,
    /// Cycles of random traffic (after reset, before draining).
    pub cycles: u64,
    /// Most cycles the drain may take before the run counts as deadlocked.
    pub drain_limit: u64,
    /// Longest a request may wait at its leaf before it counts as starved.
    pub max_wait: u64,
    /// Leaf behaviour (all leaves).
    pub leaf: LeafConfig,
    /// Host behaviour.
    pub host: HostConfig,
    /// Write a VCD here (models built with `OPTIMUS_TRACE=1`).
    pub trace: Option<PathBuf>,
}

impl TbConfig {
    /// Default behaviour, with the host's latency and almfull pressure varied by `seed` so
    /// different runs cover different corners (fast/slow memory, rare/frequent almfull).
    pub fn new(leaves: usize, seed: u64, cycles: u64) -> Self {
        let mut rng = SmallRng::seed_from_u64(mix64(seed ^ 0x636f_6e66));
        let max_latency = [8, 60, 200, 400][rng.random_range(0..4)];
        let host = HostConfig {
            read_latency: (2, max_latency),
            write_latency: (2, max_latency / 2 + 2),
            almfull_rate: [0.002, 0.01, 0.03][rng.random_range(0..3)],
            almfull_len: (1, [8, 40, 120][rng.random_range(0..3)]),
            ..HostConfig::default()
        };
        Self {
            leaves,
            seed,
            cycles,
            drain_limit: 100_000,
            max_wait: 20_000,
            leaf: LeafConfig::default(),
            host,
            trace: std::env::var_os("OPTIMUS_TRACE_FILE").map(PathBuf::from),
        }
    }
}

/// A run that found nothing wrong.
#[derive(Clone, Debug)]
pub struct TbReport {
    /// N.
    pub leaves: usize,
    /// The seed.
    pub seed: u64,
    /// Cycles simulated in all (reset, traffic, drain).
    pub cycles: u64,
    /// Cycles the drain took.
    pub drain_cycles: u64,
    /// What the scoreboard counted.
    pub summary: Summary,
    /// MMIO requests the host issued.
    pub mmio_issued: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl TbReport {
    /// A few lines for the test log.
    pub fn describe(&self) -> String {
        let s = &self.summary;
        let reads: u64 = s.leaves.iter().map(|l| l.reads).sum();
        let writes: u64 = s.leaves.iter().map(|l| l.writes).sum();
        let rd_lines: u64 = s.leaves.iter().map(|l| l.read_lines).sum();
        let wr_lines: u64 = s.leaves.iter().map(|l| l.write_lines).sum();
        let wait = s
            .leaves
            .iter()
            .map(|l| l.max_read_wait.max(l.max_write_wait))
            .max()
            .unwrap_or(0);
        format!(
            "N={} seed={:#x}: {} cycles ({} drain) in {:.2}s ({:.0} k cycles/s); {reads} reads ({rd_lines} lines), \
             {writes} writes ({wr_lines} lines), {} MMIO ({} leaf reads, {} tree reads, max latency {}), \
             beats after almfull rd/wr: root {:?} leaves {:?}; longest wait at a leaf {wait} cycles",
            self.leaves,
            self.seed,
            self.cycles,
            self.drain_cycles,
            self.elapsed.as_secs_f64(),
            self.cycles as f64 / self.elapsed.as_secs_f64() / 1e3,
            self.mmio_issued,
            s.mmio_leaf_reads,
            s.mmio_tree_reads,
            s.max_mmio_latency,
            s.slack_beats,
            s.leaf_slack_beats,
        )
    }
}

/// Why a run failed.
#[derive(Debug, Error)]
pub enum TbError {
    /// The model could not be built.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The scoreboard caught a violation.
    #[error(
        "N={leaves} seed={seed:#x}: cycle {cycle}: {violation}\n  replay: OPTIMUS_SEED={seed:#x} cargo test -p optimus-sim-tests --release --test mux_random n{leaves}"
    )]
    Violation {
        /// N.
        leaves: usize,
        /// The seed.
        seed: u64,
        /// Model cycle of the violation (reset included).
        cycle: u64,
        /// What went wrong.
        violation: Box<Violation>,
    },
}

/// Runs one random test; see the module docs.
pub fn run(cfg: &TbConfig) -> Result<TbReport, TbError> {
    let started = Instant::now();
    let n = cfg.leaves;
    let mut model = MuxTreeModel::new(n)?;
    if let Some(path) = &cfg.trace {
        model.trace_to(path)?;
    }
    let fail = |cycle: u64, violation: Violation| TbError::Violation {
        leaves: n,
        seed: cfg.seed,
        cycle,
        violation: Box::new(violation),
    };
    let mut leaves: Vec<LeafAgent> = (0..n)
        .map(|i| LeafAgent::new(i, n, cfg.seed, cfg.leaf.clone()))
        .collect();
    let mut host = HostAgent::new(n, cfg.seed, cfg.host.clone());
    let mut board = Scoreboard::new(n, cfg.max_wait);
    model.reset();

    let mut traffic = 0u64;
    let mut drain = 0u64;
    loop {
        if traffic == cfg.cycles {
            leaves.iter_mut().for_each(LeafAgent::drain);
            host.drain();
        }
        for (i, leaf) in leaves.iter_mut().enumerate() {
            leaf.drive(model.leaf_in_mut(i));
        }
        host.drive(model.host_in_mut());
        let cycle = model.cycle();
        board
            .observe(cycle, model.inputs(), model.outputs())
            .map_err(|v| fail(cycle, v))?;
        for (i, leaf) in leaves.iter_mut().enumerate() {
            leaf.sample(model.leaf_out(i));
        }
        host.sample(model.host_out());
        model.tick();
        if traffic < cfg.cycles {
            traffic += 1;
            continue;
        }
        drain += 1;
        if board.is_idle() && host.is_idle() && leaves.iter().all(LeafAgent::is_idle) {
            break;
        }
        if drain >= cfg.drain_limit {
            let what = format!("after {drain} drain cycles: {}", board.outstanding());
            return Err(fail(model.cycle(), Violation::Outstanding(what)));
        }
    }
    let summary = board
        .finish(cfg.host.mmio_rate > 0.0)
        .map_err(|v| fail(model.cycle(), v))?;
    Ok(TbReport {
        leaves: n,
        seed: cfg.seed,
        cycles: model.cycle(),
        drain_cycles: drain,
        summary,
        mmio_issued: host.mmio_issued(),
        elapsed: started.elapsed(),
    })
}
