//! The Verilator C++ runtime (`verilated.cpp`, threads, VCD writer) as a static library.
//!
//! This crate has no Rust API. It exists so that Cargo compiles the runtime once and caches
//! it: a crate that builds Verilated models depends on it, reads `DEP_VERILATED_ROOT` and
//! `DEP_VERILATED_CXXFLAGS` in its build script (the Verilator install and the flags the
//! runtime was compiled with, which the models must share), and links against it.
//! A design change then recompiles only the model, in seconds.
//!
//! Building it needs Verilator (5.x, as packaged by Debian 12): `apt-get install verilator`.
