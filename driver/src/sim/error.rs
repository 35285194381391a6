//! [`SimError`]: what can go wrong building, loading or running the simulated FPGA.

use std::path::PathBuf;

use optimus_bitstreams::ManifestError;

use super::iommu::MapError;

/// Errors of the simulated backend; each says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The configuration could not be found or parsed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// optimus-hdl could not emit the shell.
    #[error("cannot emit the Verilog of configuration `{config}`: {message}")]
    Emit {
        /// Configuration.
        config: String,
        /// What optimus-hdl said.
        message: String,
    },
    /// A build tool is missing or failed to start.
    #[error(
        "{tool} is needed to build the simulated FPGA but could not run ({message}): install it \
         with `apt-get install verilator g++`, or run `make deps`"
    )]
    ToolMissing {
        /// verilator or g++.
        tool: &'static str,
        /// Why.
        message: String,
    },
    /// A build step failed.
    #[error("{tool} failed while building the simulated FPGA:\n{stderr}")]
    BuildFailed {
        /// verilator or g++.
        tool: &'static str,
        /// The first lines of its stderr.
        stderr: String,
    },
    /// A file of the model cache could not be written or read.
    #[error("model cache: {path}: {source} (set OPTIMUS_MODEL_CACHE to a writable directory)")]
    Io {
        /// Path.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// The built model could not be loaded.
    #[error(
        "cannot load the simulated FPGA from {path}: {message}; delete that directory to \
         rebuild it"
    )]
    Load {
        /// The library.
        path: PathBuf,
        /// The loader's message.
        message: String,
    },
    /// A trace path that C cannot take.
    #[error("trace path {0:?} contains a NUL byte")]
    TracePath(String),
    /// A trace was asked of a model built without tracing.
    #[error("this model was built without tracing: open the device with a trace window")]
    TraceNotBuilt,
    /// The trace file cannot be created.
    #[error("cannot create the VCD trace {path}: {source}")]
    TraceFile {
        /// Path.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// Host settings that make no sense.
    #[error("simulated host: {0}")]
    HostConfig(String),
    /// 512 MMIO reads are already in flight.
    #[error("512 MMIO reads are in flight (the tid space is full): wait for answers first")]
    MmioBusy,
    /// The shell broke its promise to answer every MMIO read within 512 cycles.
    #[error(
        "MMIO read of {offset:#x} issued at cycle {cycle} was not answered within 2048 cycles: \
         the shell is broken (this is a bug of the HDL; a VCD trace shows where it stops)"
    )]
    MmioTimeout {
        /// Offset read.
        offset: u64,
        /// Cycle it was issued.
        cycle: u64,
    },
    /// A DMA mapping the simulated IOMMU refused.
    #[error(transparent)]
    Map(#[from] MapError),
}
