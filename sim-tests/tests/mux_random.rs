//! Random traffic through the Verilated tree, checked by the scoreboard, one test per N.
//!
//! Each run uses a fresh seed unless `OPTIMUS_SEED` is set, and prints N and the seed first,
//! so a failure can be replayed: `OPTIMUS_SEED=0x… cargo test -p optimus-sim-tests --release
//! --test mux_random n8`. `OPTIMUS_CYCLES` runs longer than the default 100 000 cycles.

use optimus_sim_tests::seed::{cycles_from_env, seed_from_env};
use optimus_sim_tests::testbench::{TbConfig, run};

const DEFAULT_CYCLES: u64 = 100_000;

fn random_run(leaves: usize) {
    let seed = seed_from_env();
    let cycles = cycles_from_env(DEFAULT_CYCLES);
    println!(
        "mux_random: N={leaves} seed={seed:#x} cycles={cycles} (replay: OPTIMUS_SEED={seed:#x})"
    );
    let cfg = TbConfig::new(leaves, seed, cycles);
    println!("  host: {:?}", cfg.host);
    match run(&cfg) {
        Ok(report) => println!("  ok: {}", report.describe()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn n1() {
    random_run(1);
}

#[test]
fn n2() {
    random_run(2);
}

#[test]
fn n3() {
    random_run(3);
}

#[test]
fn n5() {
    random_run(5);
}

#[test]
fn n8() {
    random_run(8);
}

#[test]
fn n16() {
    random_run(16);
}
