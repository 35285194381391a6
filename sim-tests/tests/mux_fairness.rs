//! No starvation under saturation: with every (or some) leaf presenting a request each cycle
//! it may, each busy leaf gets a fair share of the root's lines, idle leaves get nothing, and
//! the root stays busy. Thresholds are looser than `bench-mux`'s targets (utilization and Jain
//! ≥ 0.99): these tests catch a starving or per-node-instead-of-per-leaf arbiter (Jain 0.89 with
//! leaves 0..=2 of 8 busy), not a 1% regression.

use optimus_sim_tests::bench::{BenchCase, BenchConfig, run_case};

fn saturate(case: BenchCase) {
    let cfg = BenchConfig {
        warmup: 1_000,
        cycles: 20_000,
        ..BenchConfig::default()
    };
    let row = run_case(&case, &cfg).expect("model exists");
    let fair = 1.0 / case.busy.len() as f64;
    println!(
        "N={} busy={:?}: util rd {:.4} wr {:.4}, Jain rd {:.5} wr {:.5}, shares rd {:?} wr {:?}",
        case.leaves,
        case.busy,
        row.read_util,
        row.write_util,
        row.read_jain,
        row.write_jain,
        row.read_shares,
        row.write_shares
    );
    assert_eq!(row.idle_lines, 0, "idle leaves were granted lines");
    assert!(
        row.read_util > 0.95 && row.write_util > 0.95,
        "root not saturated: {row:?}"
    );
    assert!(
        row.read_jain > 0.95 && row.write_jain > 0.95,
        "unfair: Jain rd {:.4} wr {:.4}",
        row.read_jain,
        row.write_jain
    );
    for (leaf, (rd, wr)) in case
        .busy
        .iter()
        .zip(row.read_shares.iter().zip(&row.write_shares))
    {
        assert!(
            *rd > 0.5 * fair && *wr > 0.5 * fair,
            "leaf {leaf} starved: shares rd {rd:.4} wr {wr:.4}, fair {fair:.4}"
        );
    }
}

#[test]
fn two_leaves() {
    saturate(BenchCase::all(2));
}

#[test]
fn five_leaves_unbalanced_tree() {
    saturate(BenchCase::all(5));
}

#[test]
fn three_of_eight_leaves() {
    saturate(BenchCase {
        leaves: 8,
        busy: vec![0, 1, 2],
    });
}

#[test]
fn sixteen_leaves() {
    saturate(BenchCase::all(16));
}
