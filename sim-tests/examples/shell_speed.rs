//! Where the time of a `membench8` simulation goes: the Verilated model alone (idle inputs)
//! against the model plus the host model with every slot busy.

use optimus_regs::accel::Ctl;
use optimus_regs::membench::mode;
use optimus_sim_tests::shell::membench::MemBenchJob;
use optimus_sim_tests::shell::{HostConfig, ShellSim};
use std::time::Instant;

fn main() {
    let cycles = 200_000;
    let mut idle = ShellSim::new("membench8", HostConfig::default()).expect("model");
    let m = idle.model_mut();
    let t = Instant::now();
    for _ in 0..cycles {
        m.tick();
    }
    println!(
        "model alone, idle: {:.0} cycles/s",
        cycles as f64 / t.elapsed().as_secs_f64()
    );
    let mut s = ShellSim::new(
        "membench8",
        HostConfig {
            almfull_rate: 0.0,
            ..Default::default()
        },
    )
    .expect("model");
    for i in 0..8 {
        s.grant(i, (i as u64 + 1) << 24, 1 << 20);
        MemBenchJob {
            buf_addr: 0,
            buf_lines: 4096,
            total_lines: 1 << 30,
            mode: mode::READ | mode::WRITE | mode::with_cl_len(0, 3),
            seed: 1,
        }
        .program(&mut s, i);
        s.ctl(i, Ctl::StartNew);
    }
    let t = Instant::now();
    s.run(cycles);
    println!(
        "model + host, 8 slots busy: {:.0} cycles/s",
        cycles as f64 / t.elapsed().as_secs_f64()
    );
}
