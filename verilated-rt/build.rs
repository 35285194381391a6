//! Compiles the Verilator runtime that every Verilated model in the workspace links against.

use std::path::PathBuf;
use std::process::Command;

/// Flags from Verilator's `verilated.mk` (`VK_CPPFLAGS_ALWAYS`) minus the per-model defines;
/// models must be compiled with the same ones, so we publish them to dependents.
const CXXFLAGS: &[&str] = &[
    "-std=gnu++17",
    "-faligned-new",
    "-fcf-protection=none",
    "-Wno-bool-operation",
    "-Wno-sign-compare",
    "-Wno-uninitialized",
    "-Wno-unused-but-set-variable",
    "-Wno-unused-parameter",
    "-Wno-unused-variable",
    "-Wno-shadow",
    "-DVM_COVERAGE=0",
    "-DVM_SC=0",
];

const INSTALL_HINT: &str = "install verilator: apt-get install verilator, or run `make test`";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=VERILATOR_ROOT");
    let root = verilator_root();
    let include = root.join("include");

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .include(&include)
        .include(include.join("vltstd"))
        .opt_level(2)
        .warnings(false);
    for flag in CXXFLAGS {
        build.flag(flag);
    }
    for file in [
        "verilated.cpp",
        "verilated_threads.cpp",
        "verilated_vcd_c.cpp",
    ] {
        build.file(include.join(file));
    }
    build.compile("verilated_rt");
    println!("cargo:rustc-link-lib=pthread");

    // Read by dependents' build scripts as DEP_VERILATED_ROOT / DEP_VERILATED_CXXFLAGS.
    println!("cargo:root={}", root.display());
    println!("cargo:cxxflags={}", CXXFLAGS.join(" "));
}

/// Where Verilator keeps its headers and runtime sources, or a clear failure if it is missing.
fn verilator_root() -> PathBuf {
    if let Some(root) = std::env::var_os("VERILATOR_ROOT") {
        return PathBuf::from(root);
    }
    let out = Command::new("verilator")
        .args(["--getenv", "VERILATOR_ROOT"])
        .output();
    match out {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        _ => {
            // One plain line rather than a panic and its backtrace.
            eprintln!("error: verilator not found on PATH: {INSTALL_HINT}");
            std::process::exit(1);
        }
    }
}
