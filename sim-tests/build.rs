//! Builds one Verilated `optimus_mux_tree` model per leaf count in [`LEAVES`]. (The shells are
//! built at run time by the driver's model cache, `optimus_driver::sim::model_cache`.)
//!
//! For each N: the Verilog comes from `optimus_hdl::emit::mux_tree_verilog(N)` (or from
//! `$OPTIMUS_MUX_VERILOG_DIR/mux_n{N}.v`, to test another implementation of the same ports),
//! is verilated with `--prefix Vmux_n{N}` and the options of `driver/csrc/verilator.flags`, and
//! the generated C++ plus the driver's C ABI shim (`driver/csrc/model_shim.cpp`) are
//! compiled as one unity file into `liboptimus_mux_n{N}.a`. A model whose inputs (Verilog,
//! shim, flags) did not change since the last build is reused as is. `$OUT_DIR/models.rs`
//! lists the models for `src/ffi.rs`.
//!
//! Environment: `OPTIMUS_TRACE=1` builds the models with VCD tracing (slower; lets
//! `MuxTreeModel::trace_to` work). Cargo shows the build's `cargo:warning` (per-model times)
//! only once the script has finished; while it runs, only its progress line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;
use std::{env, fs, thread};

/// Leaf counts the tests and the benchmark need; the only list (`src/ffi.rs` includes the
/// table generated from it).
const LEAVES: &[usize] = &[1, 2, 3, 4, 5, 8, 16];

/// The C ABI shim and the Verilator options, shared with the driver's shell models.
const CSRC: &str = "../driver/csrc";
const SHIM: &str = "../driver/csrc/model_shim.cpp";
const ABI: &str = "../driver/csrc/model_abi.h";
const FLAGS: &str = "../driver/csrc/verilator.flags";

/// The options of `driver/csrc/verilator.flags` (`#` comments, one option or option+value per
/// line).
fn verilator_args() -> Vec<String> {
    let text = fs::read_to_string(FLAGS).expect("read driver/csrc/verilator.flags");
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .flat_map(|l| l.split_whitespace())
        .map(str::to_string)
        .collect()
}

/// C++ optimisation of the models. Measured on the 16-leaf tree (2-core machine): -O1 compiles
/// in 12 s and runs ~140 k cycles/s; -O2 takes 23 s for ~150 k; -Os 23 s for ~110 k; -O0 5 s
/// but 10x slower. The test suite rebuilds every model after an HDL change, so -O1.
const MODEL_OPT: &str = "1";

const INSTALL_HINT: &str = "install verilator: apt-get install verilator, or run `make test`";

/// One tree model to build.
#[derive(Clone, Copy)]
struct Job {
    leaves: usize,
}

impl Job {
    /// File and symbol stem: `mux_n8`.
    fn stem(&self) -> String {
        format!("mux_n{}", self.leaves)
    }

    fn top(&self) -> &'static str {
        "optimus_mux_tree"
    }
}

fn main() {
    for path in ["build.rs", SHIM, ABI, FLAGS] {
        println!("cargo:rerun-if-changed={path}");
    }
    for var in [
        "OPTIMUS_MUX_VERILOG_DIR",
        "OPTIMUS_TRACE",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("models.rs"), models_rs()).expect("write models.rs");
    if checking_only() {
        return;
    }
    let version = verilator_version();
    let root = PathBuf::from(env::var("DEP_VERILATED_ROOT").expect("optimus-verilated-rt sets it"));
    let rt_flags = env::var("DEP_VERILATED_CXXFLAGS").expect("optimus-verilated-rt sets it");
    let trace = env::var("OPTIMUS_TRACE").is_ok_and(|v| v == "1");

    // One emit+verilate+compile per core (the machine has two; the unity files are large).
    // Emitting is slow too (rust-hdl runs unoptimised in a build script), so it is parallel.
    // Largest first, so the workers finish together.
    let workers = env::var("NUM_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2usize);
    let jobs: Vec<Job> = LEAVES.iter().rev().map(|&leaves| Job { leaves }).collect();
    let queue = Mutex::new(jobs.iter());
    let started = Instant::now();
    let rebuilt = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers.clamp(1, LEAVES.len()) {
            s.spawn(|| {
                loop {
                    let Some(&job) = queue.lock().expect("no worker panicked").next() else {
                        break;
                    };
                    let emit_started = Instant::now();
                    let verilog = verilog_for(&job);
                    let emit_secs = emit_started.elapsed().as_secs_f64();
                    let ctx = BuildCtx {
                        out: &out,
                        root: &root,
                        rt_flags: &rt_flags,
                        trace,
                        version: &version,
                    };
                    if let Some(secs) = build_model(&ctx, &job, &verilog) {
                        rebuilt.lock().expect("no worker panicked").push((
                            job.stem(),
                            emit_secs,
                            secs,
                        ));
                    }
                }
            });
        }
    });
    let mut rebuilt = rebuilt.into_inner().expect("no worker panicked");
    if !rebuilt.is_empty() {
        rebuilt.sort_by(|a, b| a.0.cmp(&b.0));
        let each: Vec<String> = rebuilt
            .iter()
            .map(|(n, e, s)| format!("{n} {e:.1}s+{s:.1}s"))
            .collect();
        println!(
            "cargo:warning=built Verilated models in {:.1}s (emit+build: {})",
            started.elapsed().as_secs_f64(),
            each.join(", ")
        );
    }

    println!("cargo:rustc-link-search=native={}", out.display());
    for job in &jobs {
        println!("cargo:rustc-link-lib=static=optimus_{}", job.stem());
    }
    println!("cargo:rustc-link-lib=stdc++");
}

/// Under `cargo clippy` nothing is linked, so the models are not needed (only `models.rs`):
/// skipping them saves building all models once more in the lint's profile (a minute in CI).
/// The price: switching between clippy and a build in the same profile re-emits the Verilog
/// (~12 s) to find the models unchanged.
fn checking_only() -> bool {
    env::var("RUSTC_WORKSPACE_WRAPPER").is_ok_and(|w| w.contains("clippy-driver"))
}

/// The Verilog text of a job's design.
fn verilog_for(job: &Job) -> String {
    let leaves = job.leaves;
    if let Some(dir) = env::var_os("OPTIMUS_MUX_VERILOG_DIR") {
        let path = Path::new(&dir).join(format!("mux_n{leaves}.v"));
        println!("cargo:rerun-if-changed={}", path.display());
        return fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "OPTIMUS_MUX_VERILOG_DIR: cannot read {}: {e}",
                path.display()
            )
        });
    }
    optimus_hdl::emit::mux_tree_verilog(leaves)
        .unwrap_or_else(|e| panic!("optimus_hdl could not emit the mux tree for N={leaves}: {e}"))
}

fn verilator_version() -> String {
    match Command::new("verilator").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            eprintln!("error: verilator not found on PATH: {INSTALL_HINT}");
            std::process::exit(1);
        }
    }
}

struct BuildCtx<'a> {
    out: &'a Path,
    root: &'a Path,
    rt_flags: &'a str,
    trace: bool,
    version: &'a str,
}

/// Verilates and compiles one model unless an identical one is already built; returns the
/// seconds spent when it had to build.
fn build_model(ctx: &BuildCtx, job: &Job, verilog: &str) -> Option<f64> {
    let stem = job.stem();
    let name = format!("optimus_{stem}");
    let dir = ctx.out.join(&stem);
    let lib = ctx.out.join(format!("lib{name}.a"));
    let stamp = dir.join("inputs.stamp");
    let key = build_key(ctx, verilog);
    if lib.exists() && fs::read_to_string(&stamp).is_ok_and(|k| k == key) {
        return None;
    }
    let started = Instant::now();
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create model dir");
    let src = dir.join(format!("{}.v", job.top()));
    fs::write(&src, verilog).expect("write Verilog");

    let prefix = format!("V{stem}");
    let mut cmd = Command::new("verilator");
    cmd.args(verilator_args())
        .arg("--top-module")
        .arg(job.top())
        .arg("--prefix")
        .arg(&prefix)
        .arg("--Mdir")
        .arg(&dir);
    if ctx.trace {
        cmd.arg("--trace");
    }
    let status = cmd
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("run verilator: {e}"));
    if !status.status.success() {
        panic!(
            "verilator failed on {stem}:\n{}",
            String::from_utf8_lossy(&status.stderr)
        );
    }

    let unity = dir.join(format!("{name}_unity.cpp"));
    fs::write(&unity, unity_source(&dir, &prefix, job)).expect("write unity file");

    let include = ctx.root.join("include");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .file(&unity)
        .include(&dir)
        .include(&include)
        .include(include.join("vltstd"))
        .include(CSRC)
        .opt_level_str(MODEL_OPT)
        .debug(false)
        .warnings(false)
        .cargo_metadata(false)
        .out_dir(ctx.out);
    for flag in ctx.rt_flags.split_whitespace() {
        build.flag(flag);
    }
    let trace = if ctx.trace { "1" } else { "0" };
    build
        .define("VM_TRACE", trace)
        .define("VM_TRACE_VCD", trace)
        .define("VM_TRACE_FST", "0");
    build.compile(&name);
    fs::write(&stamp, key).expect("write stamp");
    Some(started.elapsed().as_secs_f64())
}

/// Everything that decides the model's object code; a change in any of it rebuilds it.
fn build_key(ctx: &BuildCtx, verilog: &str) -> String {
    let shim = fs::read_to_string(SHIM).expect("read shim");
    let abi = fs::read_to_string(ABI).expect("read abi header");
    format!(
        "{}\n{:?}\nopt {MODEL_OPT} trace {}\n{}\n{shim}\n{abi}\n{}",
        ctx.version,
        verilator_args(),
        ctx.trace,
        ctx.rt_flags,
        verilog
    )
}

/// One translation unit with every generated `.cpp` and the shim: one compiler start instead of
/// ten, and the optimiser sees the whole model.
fn unity_source(dir: &Path, prefix: &str, job: &Job) -> String {
    let mut files: Vec<String> = fs::read_dir(dir)
        .expect("read model dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|f| f.starts_with(prefix) && f.ends_with(".cpp"))
        .collect();
    files.sort();
    let mut s =
        String::from("// @generated by build.rs: the whole model in one translation unit.\n");
    for f in files {
        writeln!(s, "#include \"{f}\"").expect("write to String");
    }
    writeln!(s, "#define OPTIMUS_TOP {prefix}").expect("write to String");
    writeln!(s, "#define OPTIMUS_HEADER \"{prefix}.h\"").expect("write to String");
    writeln!(s, "#define OPTIMUS_LEAVES {}", job.leaves).expect("write to String");
    writeln!(s, "#define OPTIMUS_FN(x) optimus_{}_##x", job.stem()).expect("write to String");
    s.push_str("#include \"model_shim.cpp\"\n");
    s
}

/// The Rust side of the model table, included by `src/ffi.rs`.
fn models_rs() -> String {
    let mut s = String::from("// @generated by build.rs\n");
    let stems: Vec<(String, usize)> = LEAVES.iter().map(|n| (format!("mux_n{n}"), *n)).collect();
    s.push_str("unsafe extern \"C\" {\n");
    for (stem, _) in &stems {
        let p = format!("optimus_{stem}");
        writeln!(
            s,
            "    fn {p}_new() -> *mut c_void;\n    fn {p}_delete(model: *mut c_void);\n    \
             fn {p}_eval(model: *mut c_void, inp: *const MuxIn, out: *mut MuxOut);\n    \
             fn {p}_tick(model: *mut c_void, inp: *const MuxIn, out: *mut MuxOut);\n    \
             fn {p}_trace_open(model: *mut c_void, path: *const c_char) -> c_int;"
        )
        .expect("write to String");
    }
    s.push_str("}\n\n/// Every model this build contains, by leaf count.\npub(crate) static MODELS: &[Shim] = &[\n");
    for (stem, n) in &stems {
        let p = format!("optimus_{stem}");
        writeln!(
            s,
            "    Shim {{ leaves: {n}, new: {p}_new, delete: {p}_delete, eval: {p}_eval, tick: {p}_tick, \
             trace_open: {p}_trace_open }},"
        )
        .expect("write to String");
    }
    s.push_str("];\n");
    s
}
