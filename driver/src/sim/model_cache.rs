//! Builds the Verilated `optimus_shell` of a configuration into a shared library, once, and
//! keeps it in a cache keyed by everything that decides its object code.
//!
//! A build: emit the Verilog with `optimus-hdl` (what `gen-verilog shell` writes), verilate it
//! with the project's flags (`csrc/verilator.flags`), compile the generated C++ and the C ABI
//! shim (`csrc/model_shim.cpp`) as one unity file, and link it with the Verilator runtime
//! (compiled once per Verilator version, kept beside the models) into `libshell.so`. Every step
//! is announced on the progress sink, with a heartbeat while the compiler runs: a first start
//! takes a minute or two, and nobody should wait in silence.
//!
//! The cache lives in `$OPTIMUS_MODEL_CACHE`, else `$XDG_CACHE_HOME/optimus-rs/models`, else
//! `~/.cache/optimus-rs/models`. Builds are serialised per configuration by a lock file, so
//! threads and processes starting the same model wait for one build instead of racing.

use std::fs::{self, File};
use std::hash::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use optimus_bitstreams::Manifest;

use super::SimError;

const SHIM: &str = include_str!("../../csrc/model_shim.cpp");
const ABI: &str = include_str!("../../csrc/model_abi.h");
const FLAGS: &str = include_str!("../../csrc/verilator.flags");

/// C++ flags of Verilator's `verilated.mk` (`VK_CPPFLAGS_ALWAYS`) that models and runtime
/// share, plus position-independent code for the shared library.
const CXXFLAGS: &[&str] = &[
    "-std=gnu++17",
    "-faligned-new",
    "-fcf-protection=none",
    "-fPIC",
    "-w",
    "-DVM_COVERAGE=0",
    "-DVM_SC=0",
];

/// C++ optimisation of a model: -O1 compiles about twice as fast as -O2 for ~7% less speed
/// (measured on the 16-leaf tree, see sim-tests/build.rs).
const MODEL_OPT: &str = "-O1";

/// The Verilator options of every model, from `csrc/verilator.flags`.
pub fn verilator_args() -> Vec<&'static str> {
    FLAGS
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .flat_map(|l| l.split_whitespace())
        .collect()
}

/// Where the progress of a build goes.
pub type Progress = dyn Fn(&str) + Send + Sync;

/// Progress lines on stderr, prefixed `optimus-sim:`.
pub fn stderr_progress(line: &str) {
    eprintln!("optimus-sim: {line}");
}

/// A model ready to load.
#[derive(Clone, Debug)]
pub struct BuiltModel {
    /// The shared library.
    pub library: PathBuf,
    /// Built just now (else found in the cache).
    pub fresh: bool,
    /// Seconds the build took (0 when cached).
    pub seconds: f64,
}

/// The cache directory (see the module docs).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OPTIMUS_MODEL_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("optimus-rs").join("models")
}

/// The model of `manifest` (shell id `shell_id`), from the cache or built now.
pub fn shell_model(
    manifest: &Manifest,
    shell_id: [u64; 2],
    trace: bool,
    progress: &Progress,
) -> Result<BuiltModel, SimError> {
    let name = &manifest.name;
    let started = Instant::now();
    let verilog = optimus_hdl::shell::compose::shell_verilog(manifest, shell_id).map_err(|e| {
        SimError::Emit {
            config: name.clone(),
            message: e.to_string(),
        }
    })?;
    let version = tool_output("verilator", &["--version"])?;
    let root = PathBuf::from(tool_output("verilator", &["--getenv", "VERILATOR_ROOT"])?);
    let key = build_key(&version, &verilog, trace);
    let variant = if trace { "-trace" } else { "" };
    let cache = cache_dir();
    let dir = cache.join(format!("{name}{variant}-{key:016x}"));
    let library = dir.join("libshell.so");
    if library.is_file() {
        return Ok(BuiltModel {
            library,
            fresh: false,
            seconds: 0.0,
        });
    }
    fs::create_dir_all(&cache).map_err(|e| io_err(&cache, e))?;
    let lock_path = cache.join(format!("{name}{variant}.lock"));
    let lock_file = File::create(&lock_path).map_err(|e| io_err(&lock_path, e))?;
    if !library.is_file() {
        progress(&format!(
            "waiting for or taking the build lock of `{name}` ({})",
            lock_path.display()
        ));
    }
    let _lock = Flock::lock(lock_file, FlockArg::LockExclusive)
        .map_err(|(_, e)| io_err(&lock_path, e.into()))?;
    if library.is_file() {
        // Another thread or process built it while we waited.
        return Ok(BuiltModel {
            library,
            fresh: false,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    progress(&format!(
        "building the simulated FPGA `{name}` (first use of this design; cached in {})",
        dir.display()
    ));
    let runtime = runtime_objects(&cache, &root, &version, progress)?;
    let tmp = cache.join(format!(".tmp-{name}{variant}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| io_err(&tmp, e))?;
    let src = tmp.join("optimus_shell.v");
    fs::write(&src, &verilog).map_err(|e| io_err(&src, e))?;
    fs::write(tmp.join("model_shim.cpp"), SHIM).map_err(|e| io_err(&tmp, e))?;
    fs::write(tmp.join("model_abi.h"), ABI).map_err(|e| io_err(&tmp, e))?;

    progress(&format!(
        "verilator: {} lines of Verilog -> C++",
        verilog.lines().count()
    ));
    let mut cmd = Command::new("verilator");
    cmd.args(verilator_args())
        .args([
            "--top-module",
            "optimus_shell",
            "--prefix",
            "Vshell",
            "--Mdir",
        ])
        .arg(&tmp);
    if trace {
        cmd.arg("--trace");
    }
    cmd.arg(&src);
    run(cmd, "verilator", progress)?;

    let unity = tmp.join("shell_unity.cpp");
    fs::write(&unity, unity_source(&tmp, trace)?).map_err(|e| io_err(&unity, e))?;
    progress("g++: compiling the model (about a minute per 8 slots on 2 cores)");
    let include = root.join("include");
    let mut cmd = Command::new("g++");
    cmd.args(CXXFLAGS)
        .arg(MODEL_OPT)
        .arg("-shared")
        .arg("-Wl,-Bsymbolic")
        .arg("-I")
        .arg(&tmp)
        .arg("-I")
        .arg(&include)
        .arg("-I")
        .arg(include.join("vltstd"))
        .arg(&unity)
        .args(&runtime)
        .arg("-lpthread")
        .arg("-o")
        .arg(tmp.join("libshell.so"));
    run(cmd, "g++", progress)?;
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&tmp, &dir).map_err(|e| io_err(&dir, e))?;
    let seconds = started.elapsed().as_secs_f64();
    progress(&format!("built `{name}` in {seconds:.0} s"));
    Ok(BuiltModel {
        library,
        fresh: true,
        seconds,
    })
}

/// The Verilator runtime as position-independent objects, compiled once per Verilator version.
fn runtime_objects(
    cache: &Path,
    root: &Path,
    version: &str,
    progress: &Progress,
) -> Result<Vec<PathBuf>, SimError> {
    let mut h = DefaultHasher::new();
    (version, CXXFLAGS).hash(&mut h);
    let dir = cache.join(format!("verilated-rt-{:016x}", h.finish()));
    let sources = [
        "verilated.cpp",
        "verilated_threads.cpp",
        "verilated_vcd_c.cpp",
    ];
    let objects: Vec<PathBuf> = sources
        .iter()
        .map(|s| dir.join(s.replace(".cpp", ".o")))
        .collect();
    if objects.iter().all(|o| o.is_file()) {
        return Ok(objects);
    }
    progress("g++: compiling the Verilator runtime (once per Verilator version)");
    let tmp = cache.join(format!(".tmp-rt-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| io_err(&tmp, e))?;
    let include = root.join("include");
    for src in sources {
        let mut cmd = Command::new("g++");
        cmd.args(CXXFLAGS)
            .args(["-O2", "-c", "-I"])
            .arg(&include)
            .arg("-I")
            .arg(include.join("vltstd"))
            .arg(include.join(src))
            .arg("-o")
            .arg(tmp.join(src.replace(".cpp", ".o")));
        run(cmd, "g++", progress)?;
    }
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&tmp, &dir).map_err(|e| io_err(&dir, e))?;
    Ok(objects)
}

/// Everything that decides the model's object code.
fn build_key(version: &str, verilog: &str, trace: bool) -> u64 {
    let mut h = DefaultHasher::new();
    (
        version, verilog, trace, SHIM, ABI, FLAGS, CXXFLAGS, MODEL_OPT,
    )
        .hash(&mut h);
    h.finish()
}

/// Every generated `.cpp` and the shim in one translation unit.
fn unity_source(dir: &Path, trace: bool) -> Result<String, SimError> {
    let mut files: Vec<String> = fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|f| f.starts_with("Vshell") && f.ends_with(".cpp"))
        .collect();
    files.sort();
    let t = u8::from(trace);
    let mut s = format!(
        "// @generated by optimus-driver: the whole model in one translation unit.\n\
         #define VM_TRACE {t}\n#define VM_TRACE_VCD {t}\n#define VM_TRACE_FST 0\n"
    );
    for f in files {
        s.push_str(&format!("#include \"{f}\"\n"));
    }
    s.push_str(
        "#define OPTIMUS_TOP Vshell\n#define OPTIMUS_HEADER \"Vshell.h\"\n\
         #define OPTIMUS_LEAVES 0\n#define OPTIMUS_FN(x) optimus_model_##x\n\
         #include \"model_shim.cpp\"\n",
    );
    Ok(s)
}

/// Runs a build step, printing a heartbeat every 15 s; its stderr goes into the error.
fn run(mut cmd: Command, tool: &'static str, progress: &Progress) -> Result<(), SimError> {
    let started = Instant::now();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) =
                done_rx.recv_timeout(Duration::from_secs(15))
            {
                progress(&format!(
                    "{tool}: still working ({:.0} s)",
                    started.elapsed().as_secs_f64()
                ));
            }
        });
        let out = cmd.output();
        drop(done_tx);
        match out {
            Err(e) => Err(SimError::ToolMissing {
                tool,
                message: e.to_string(),
            }),
            Ok(out) if !out.status.success() => Err(SimError::BuildFailed {
                tool,
                stderr: String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .take(40)
                    .collect::<Vec<_>>()
                    .join("\n"),
            }),
            Ok(_) => Ok(()),
        }
    })
}

fn tool_output(tool: &'static str, args: &[&str]) -> Result<String, SimError> {
    match Command::new(tool).args(args).output() {
        Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).trim().into()),
        Ok(out) => Err(SimError::ToolMissing {
            tool,
            message: String::from_utf8_lossy(&out.stderr).trim().into(),
        }),
        Err(e) => Err(SimError::ToolMissing {
            tool,
            message: e.to_string(),
        }),
    }
}

fn io_err(path: &Path, source: std::io::Error) -> SimError {
    SimError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_file_parses_options_with_values() {
        let args = verilator_args();
        assert_eq!(args[0], "--cc");
        let split = args.iter().position(|a| *a == "--output-split-cfuncs");
        assert_eq!(args[split.expect("listed") + 1], "3000");
        assert!(args.iter().all(|a| !a.contains('#') && !a.is_empty()));
    }

    #[test]
    fn key_changes_with_the_design_and_the_trace() {
        let a = build_key("v5", "module a; endmodule", false);
        assert_ne!(a, build_key("v5", "module b; endmodule", false));
        assert_ne!(a, build_key("v5", "module a; endmodule", true));
        assert_ne!(a, build_key("v6", "module a; endmodule", false));
        assert_eq!(a, build_key("v5", "module a; endmodule", false));
    }
}
