//! Shell configurations ("bitstreams"): `bitstreams/<name>/manifest.toml` says which
//! accelerator sits in which slot and the shell's parameters (design.md §6).
//!
//! ```toml
//! name = "pair2"                      # must equal the directory's name
//! description = "two MemBench slots"
//! slots = ["membench", "membench"]    # slot i's accelerator kind, 1 to 16 slots
//! [shell]
//! mux = "tree"                        # "tree" (registered binary tree) or "flat" (one node)
//! ```
//!
//! [`Manifest::shell_id`] derives the 128-bit SHELL_ID the monitor reports from the
//! manifest's *meaning* (kinds, slot order, shell parameters, register-map version), not its
//! text: comments, spacing or the description do not change it; any change to what the
//! hardware is does. Software compares it with the id of the manifest it was given.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Most slots a shell has (the MMIO map has room for 16).
pub const MAX_SLOTS: usize = 16;

/// The manifests shipped with the project, in this crate's directory.
pub const BUILTIN_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Why a configuration could not be loaded.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// The manifest file could not be read.
    #[error("cannot read {path}: {source} (a configuration is a directory holding manifest.toml)")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The manifest is not valid TOML or has unknown or missing fields.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// The manifest parses but describes no valid shell.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A configuration name that is neither a directory nor a shipped configuration.
    #[error(
        "no configuration `{name}`: not a directory with manifest.toml, and not one of {known}"
    )]
    Unknown {
        /// What was asked for.
        name: String,
        /// The shipped configurations.
        known: String,
    },
}

/// An accelerator kind a slot can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccelKind {
    /// Memory-bound streaming reads/writes (design.md §4.1).
    Membench,
    /// Latency-bound pointer chasing.
    LinkedList,
    /// Compute-bound hashing.
    Hasher,
    /// Misbehaves on command, for isolation tests.
    Rogue,
}

impl AccelKind {
    /// Every kind.
    pub const ALL: [AccelKind; 4] = [Self::Membench, Self::LinkedList, Self::Hasher, Self::Rogue];

    /// The name used in manifests and module names (`optimus_acc_<name>`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Membench => "membench",
            Self::LinkedList => "linked_list",
            Self::Hasher => "hasher",
            Self::Rogue => "rogue",
        }
    }
}

impl fmt::Display for AccelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the host port is shared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MuxKind {
    /// The registered binary multiplexer tree.
    #[default]
    Tree,
    /// One N-input node (for comparison; does not scale in timing).
    Flat,
}

/// Shell parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShellParams {
    /// How the host port is shared.
    #[serde(default)]
    pub mux: MuxKind,
}

/// A parsed, validated manifest.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The configuration's name (its directory's name).
    pub name: String,
    /// One line for people.
    #[serde(default)]
    pub description: String,
    /// Slot i's accelerator kind.
    pub slots: Vec<AccelKind>,
    /// Shell parameters.
    #[serde(default)]
    pub shell: ShellParams,
}

impl Manifest {
    /// Parses and validates the text of a manifest (`path` is for messages only).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| ManifestError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if !(1..=MAX_SLOTS).contains(&manifest.slots.len()) {
            return Err(invalid(format!(
                "{} slots: a shell has 1 to {MAX_SLOTS}",
                manifest.slots.len()
            )));
        }
        if manifest.name.is_empty()
            || !manifest
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(format!(
                "name `{}`: use letters, digits, `_` and `-`",
                manifest.name
            )));
        }
        Ok(manifest)
    }

    /// Loads `dir/manifest.toml`; its `name` must be the directory's name.
    pub fn load(dir: &Path) -> Result<Self, ManifestError> {
        let path = dir.join("manifest.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest = Self::parse(&text, &path)?;
        let dir_name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        if let Some(dir_name) = dir_name.filter(|d| *d != manifest.name) {
            return Err(ManifestError::Invalid {
                path,
                message: format!(
                    "name `{}` differs from the directory's name `{dir_name}`",
                    manifest.name
                ),
            });
        }
        Ok(manifest)
    }

    /// A configuration by directory, or by the name of a shipped one (`pair2`).
    pub fn find(name_or_dir: &str) -> Result<(Self, PathBuf), ManifestError> {
        let dir = Path::new(name_or_dir);
        if dir.join("manifest.toml").is_file() {
            return Ok((Self::load(dir)?, dir.to_path_buf()));
        }
        let builtin = Path::new(BUILTIN_DIR).join(name_or_dir);
        if !name_or_dir.contains('/') && builtin.join("manifest.toml").is_file() {
            return Ok((Self::load(&builtin)?, builtin));
        }
        Err(ManifestError::Unknown {
            name: name_or_dir.to_string(),
            known: builtin_names().join(", "),
        })
    }

    /// The canonical description the SHELL_ID is derived from.
    pub fn canonical(&self, register_map_version: u64) -> String {
        let kinds: Vec<&str> = self.slots.iter().map(|k| k.name()).collect();
        let mux = match self.shell.mux {
            MuxKind::Tree => "tree",
            MuxKind::Flat => "flat",
        };
        format!(
            "optimus-shell;regs={register_map_version:#x};mux={mux};slots={}",
            kinds.join(",")
        )
    }

    /// SHELL_ID as `[SHELL_ID_L, SHELL_ID_H]`: FNV-1a (128 bits) of [`Self::canonical`].
    pub fn shell_id(&self, register_map_version: u64) -> [u64; 2] {
        let id = fnv1a_128(self.canonical(register_map_version).as_bytes());
        [id as u64, (id >> 64) as u64]
    }
}

/// Names of the configurations shipped in [`BUILTIN_DIR`], sorted.
pub fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(BUILTIN_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("manifest.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u128::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests;
