//! optimusd's configuration file: where the socket is, which configuration it serves, and who
//! may do what (checked against the peer's SO_PEERCRED credentials).
//!
//! ```toml
//! socket = "/run/optimus/optimusd.sock"
//! socket_mode = 0o660
//! config = "mixed8"          # a name under bitstreams/ or a directory
//! slice_gib = 64             # IOVA slice per vaccel
//!
//! [[allow]]
//! users = ["alice", 1001]    # names or uids; `groups` works the same way
//! kinds = ["membench", "hasher"]
//! max_vaccels = 2
//! max_pinned_mib = 256
//! admin = false              # optimusctl status/tenants/evict/reset-slot
//! ```
//!
//! A peer gets the first `[[allow]]` rule that names its uid or one of its groups; no rule,
//! no service. Without a file, the daemon's own user and root get everything.

use std::path::{Path, PathBuf};

use nix::unistd::{Gid, Group, Uid, User};
use serde::Deserialize;

/// A user or group by name or number.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Principal {
    /// A uid or gid.
    Id(u32),
    /// A user or group name.
    Name(String),
}

/// One rule of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Users it applies to.
    #[serde(default)]
    pub users: Vec<Principal>,
    /// Groups it applies to.
    #[serde(default)]
    pub groups: Vec<Principal>,
    /// Accelerator kinds allowed (empty: all).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Vaccels open at once.
    #[serde(default = "default_max_vaccels")]
    pub max_vaccels: usize,
    /// MiB of shared buffers at once.
    #[serde(default = "default_max_pinned_mib")]
    pub max_pinned_mib: u64,
    /// May use the optimusctl requests.
    #[serde(default)]
    pub admin: bool,
}

fn default_max_vaccels() -> usize {
    8
}

fn default_max_pinned_mib() -> u64 {
    1024
}

fn default_socket() -> PathBuf {
    PathBuf::from("/run/optimus/optimusd.sock")
}

fn default_mode() -> u32 {
    0o660
}

fn default_config() -> String {
    "mixed8".into()
}

fn default_slice_gib() -> u64 {
    64
}

/// The whole file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// Socket path.
    #[serde(default = "default_socket")]
    pub socket: PathBuf,
    /// Socket file mode.
    #[serde(default = "default_mode")]
    pub socket_mode: u32,
    /// Configuration served (simulated backend) or expected (VFIO).
    #[serde(default = "default_config")]
    pub config: String,
    /// IOVA slice per vaccel, GiB.
    #[serde(default = "default_slice_gib")]
    pub slice_gib: u64,
    /// Rules, first match wins.
    #[serde(default)]
    pub allow: Vec<Rule>,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        let me = Uid::current().as_raw();
        Self {
            socket: default_socket(),
            socket_mode: default_mode(),
            config: default_config(),
            slice_gib: default_slice_gib(),
            allow: vec![Rule {
                users: vec![Principal::Id(0), Principal::Id(me)],
                groups: Vec::new(),
                kinds: Vec::new(),
                max_vaccels: default_max_vaccels(),
                max_pinned_mib: default_max_pinned_mib(),
                admin: true,
            }],
        }
    }
}

/// Why the configuration file was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Unreadable.
    #[error("cannot read {path}: {source}")]
    Read {
        /// Path.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// Not a valid configuration.
    #[error("{path}: {message}")]
    Parse {
        /// Path.
        path: PathBuf,
        /// What is wrong (with the line).
        message: String,
    },
}

impl DaemonConfig {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let cfg: Self = toml::from_str(&text).map_err(|e| PolicyError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        if !(1..=1024).contains(&cfg.slice_gib) || !cfg.slice_gib.is_power_of_two() {
            return Err(PolicyError::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "slice_gib = {}: a power of two from 1 to 1024",
                    cfg.slice_gib
                ),
            });
        }
        Ok(cfg)
    }

    /// The rule for a peer with `uid` and primary group `gid`, if any.
    pub fn rule_for(&self, uid: u32, gid: u32) -> Option<&Rule> {
        let user = User::from_uid(Uid::from_raw(uid)).ok().flatten();
        let mut gids = vec![gid];
        if let Some(u) = &user
            && let Ok(name) = std::ffi::CString::new(u.name.clone())
            && let Ok(list) = nix::unistd::getgrouplist(&name, Gid::from_raw(gid))
        {
            gids.extend(list.iter().map(|g| g.as_raw()));
        }
        self.allow.iter().find(|r| {
            r.users.iter().any(|p| match p {
                Principal::Id(id) => *id == uid,
                Principal::Name(n) => user.as_ref().is_some_and(|u| &u.name == n),
            }) || r.groups.iter().any(|p| match p {
                Principal::Id(id) => gids.contains(id),
                Principal::Name(n) => Group::from_name(n)
                    .ok()
                    .flatten()
                    .is_some_and(|g| gids.contains(&g.gid.as_raw())),
            })
        })
    }
}

impl Rule {
    /// Whether `kind` is allowed.
    pub fn allows_kind(&self, kind: &str) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_uid_and_name_first_wins() {
        let cfg: DaemonConfig = toml::from_str(
            "socket = \"/tmp/x.sock\"\n[[allow]]\nusers = [1234]\nkinds = [\"hasher\"]\n\
             max_vaccels = 1\n[[allow]]\nusers = [\"root\", 1234]\nadmin = true\n",
        )
        .unwrap();
        let r = cfg.rule_for(1234, 1234).unwrap();
        assert_eq!((r.max_vaccels, r.admin), (1, false));
        assert!(r.allows_kind("hasher") && !r.allows_kind("rogue"));
        assert!(cfg.rule_for(0, 0).unwrap().admin);
        assert!(cfg.rule_for(4321, 4321).is_none());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let err = toml::from_str::<DaemonConfig>("sokcet = \"/x\"\n").unwrap_err();
        assert!(err.to_string().contains("sokcet"), "{err}");
    }
}
