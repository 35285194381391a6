//! The scoreboard: an independent checker of the tree's externally visible behaviour.
//!
//! It watches every port in every cycle ([`Scoreboard::observe`] with the cycle's inputs and
//! outputs) and knows nothing of the agents that drive them, so it can be fed hand-made
//! traces (`tests/scoreboard_catches.rs`). It checks, as a [`Violation`] at the first breach:
//! - every leaf request reaches the host exactly once, address, length, mdata low bits and
//!   (writes) every beat's data intact, tagged with the leaf;
//! - write beats stay contiguous at the root: sop first, addresses base + i, no interleaving;
//! - the root presents at most 8 beats per channel after seeing host almfull;
//! - every response reaches the leaf that asked, mdata with top bits 0, right cl_num and data,
//!   exactly once;
//! - each leaf receives exactly its page's MMIO requests, in order, page-relative, intact;
//!   every MMIO read is answered once at the host with its tid and the right data (0 for
//!   pages the tree answers) within 512 cycles; no MMIO write gets a response;
//! - no request waits at a leaf longer than a bound (starvation), and at the end nothing is
//!   outstanding ([`Scoreboard::finish`]).
//!
//! It also checks that leaves and host obey the protocol, so a testbench bug is not
//! mistaken for a tree bug ([`Violation::LeafProtocol`], [`Violation::HostProtocol`]).
//!
//! Cause strictly precedes effect: the outputs of cycle t are processed before its inputs,
//! since registered outputs can only depend on inputs of earlier cycles.

use std::collections::{HashMap, VecDeque};

mod memory;
mod mmio;
mod violation;

pub use violation::{Channel, MMIO_DEADLINE, Violation};

use crate::ports::{Line, MmioReq, MuxIn, MuxOut};
use crate::slack::Slack;
use crate::tag::TagLayout;

/// A read between its leaf and the host.
#[derive(Debug)]
struct ReadState {
    addr: u64,
    cl_len: u8,
    issued: u64,
    /// Per line: the data the host returned (None: not yet).
    returned: [Option<Line>; 4],
    delivered: u8,
}

/// A write from its first beat at the leaf until its last beat at the root.
#[derive(Debug)]
struct WriteState {
    addr: u64,
    cl_len: u8,
    issued: u64,
    beats: Vec<Line>,
    at_root: bool,
}

/// The write whose beats the root is presenting.
#[derive(Debug)]
struct RootWrite {
    leaf: usize,
    low: u16,
    mdata: u16,
    next: u8,
}

/// A leaf's write whose beats the leaf is presenting (for the leaf-protocol check).
#[derive(Clone, Copy, Debug)]
struct LeafWrite {
    low: u16,
    base: u64,
    cl_len: u8,
    next: u8,
}

/// An MMIO read between host request and host response.
#[derive(Debug)]
struct MmioRead {
    issued: u64,
    /// None: the tree answers; Some(i): leaf i answers.
    leaf: Option<usize>,
    delivered: bool,
    data: Option<u64>,
}

/// Per-leaf totals, for progress checks and reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeafTally {
    /// Read requests completed (every line delivered).
    pub reads: u64,
    /// Read lines delivered.
    pub read_lines: u64,
    /// Write requests acknowledged.
    pub writes: u64,
    /// Write lines that reached the host.
    pub write_lines: u64,
    /// MMIO requests delivered to the leaf.
    pub mmio: u64,
    /// Longest wait of a read request at the leaf before the root presented it.
    pub max_read_wait: u64,
    /// Longest wait of a write (first beat at the leaf to sop at the root).
    pub max_write_wait: u64,
}

/// What a clean run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Per leaf.
    pub leaves: Vec<LeafTally>,
    /// MMIO reads answered by the tree itself (page 0 or beyond N).
    pub mmio_tree_reads: u64,
    /// MMIO reads answered by leaves.
    pub mmio_leaf_reads: u64,
    /// Longest MMIO read latency seen at the host.
    pub max_mmio_latency: u64,
    /// Beats the root presented after host almfull (within the 8 allowed), per channel.
    pub slack_beats: [u64; 2],
    /// Beats the leaves presented after leaf almfull (within the 8 allowed), per channel: how
    /// hard the tree's input buffers were pushed.
    pub leaf_slack_beats: [u64; 2],
}

/// Checks one tree's traffic; see the module docs.
#[derive(Debug)]
pub struct Scoreboard {
    tags: TagLayout,
    max_wait: u64,
    /// Issued by a leaf, not yet at the root: (leaf, low) → state.
    reads_up: HashMap<(usize, u16), ReadState>,
    /// At the host: (leaf, low) → state, plus the tagged mdata the host knows it by.
    reads_out: HashMap<(usize, u16), ReadState>,
    read_tags: HashMap<u16, (usize, u16)>,
    writes: HashMap<(usize, u16), WriteState>,
    leaf_write: Vec<Option<LeafWrite>>,
    root_write: Option<RootWrite>,
    /// Complete at the root, waiting for the host's response: tagged mdata → (leaf, low).
    writes_out: HashMap<u16, (usize, u16)>,
    /// Host responded, leaf not yet told.
    write_rsps: HashMap<(usize, u16), u32>,
    mmio_expected: Vec<VecDeque<MmioReq>>,
    mmio_reads: HashMap<u16, MmioRead>,
    root_slack: [Slack; 2],
    leaf_slack: Vec<[Slack; 2]>,
    summary: Summary,
}

impl Scoreboard {
    /// A scoreboard for a tree with `leaves` leaves that flags requests waiting more than
    /// `max_wait` cycles at their leaf.
    pub fn new(leaves: usize, max_wait: u64) -> Self {
        Self {
            tags: TagLayout::new(leaves),
            max_wait,
            reads_up: HashMap::new(),
            reads_out: HashMap::new(),
            read_tags: HashMap::new(),
            writes: HashMap::new(),
            leaf_write: vec![None; leaves],
            root_write: None,
            writes_out: HashMap::new(),
            write_rsps: HashMap::new(),
            mmio_expected: vec![VecDeque::new(); leaves],
            mmio_reads: HashMap::new(),
            root_slack: [Slack::default(); 2],
            leaf_slack: vec![[Slack::default(); 2]; leaves],
            summary: Summary {
                leaves: vec![LeafTally::default(); leaves],
                ..Summary::default()
            },
        }
    }

    /// Checks cycle `cycle`: `inp` is what leaves and host drive, `out` what the tree presents.
    pub fn observe(&mut self, cycle: u64, inp: &MuxIn, out: &MuxOut) -> Result<(), Violation> {
        self.root_requests(cycle, out)?;
        self.root_mmio_response(cycle, out)?;
        self.leaf_responses(out)?;
        self.leaf_mmio_requests(out)?;
        self.leaf_requests(cycle, inp, out)?;
        self.leaf_mmio_responses(inp)?;
        self.host_responses(inp)?;
        self.host_mmio_request(cycle, inp)?;
        Ok(())
    }

    /// Nothing is in flight anywhere.
    pub fn is_idle(&self) -> bool {
        self.reads_up.is_empty()
            && self.reads_out.is_empty()
            && self.writes.is_empty()
            && self.root_write.is_none()
            && self.writes_out.is_empty()
            && self.write_rsps.is_empty()
            && self.mmio_expected.iter().all(VecDeque::is_empty)
            && self.mmio_reads.is_empty()
    }

    /// Totals so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// End of run: nothing may be outstanding, and every leaf must have completed reads,
    /// writes and (if `expect_mmio`) received MMIO requests.
    pub fn finish(&self, expect_mmio: bool) -> Result<Summary, Violation> {
        if !self.is_idle() {
            return Err(Violation::Outstanding(self.outstanding()));
        }
        for (leaf, t) in self.summary.leaves.iter().enumerate() {
            let missing = [
                (t.reads == 0, "no read completed"),
                (t.writes == 0, "no write completed"),
            ]
            .into_iter()
            .chain([(expect_mmio && t.mmio == 0, "no MMIO request delivered")])
            .find(|(missing, _)| *missing);
            if let Some((_, what)) = missing {
                return Err(Violation::NoProgress {
                    leaf,
                    what: what.to_string(),
                });
            }
        }
        Ok(self.summary.clone())
    }

    /// A one-line account of what is still in flight, oldest first where it matters.
    pub fn outstanding(&self) -> String {
        let oldest = |m: &HashMap<(usize, u16), ReadState>| {
            m.iter().min_by_key(|(_, r)| r.issued).map(|(k, r)| {
                format!(
                    " (oldest: leaf {} mdata {:#x} from cycle {})",
                    k.0, k.1, r.issued
                )
            })
        };
        let mut parts = Vec::new();
        if !self.reads_up.is_empty() {
            parts.push(format!(
                "{} reads not yet at the host{}",
                self.reads_up.len(),
                oldest(&self.reads_up).unwrap_or_default()
            ));
        }
        if !self.reads_out.is_empty() {
            parts.push(format!(
                "{} reads not fully answered{}",
                self.reads_out.len(),
                oldest(&self.reads_out).unwrap_or_default()
            ));
        }
        if !self.writes.is_empty() {
            parts.push(format!(
                "{} writes not fully at the host",
                self.writes.len()
            ));
        }
        if !self.writes_out.is_empty() || !self.write_rsps.is_empty() {
            parts.push(format!(
                "{} write responses not delivered",
                self.writes_out.len() + self.write_rsps.len()
            ));
        }
        let mmio: usize = self.mmio_expected.iter().map(VecDeque::len).sum();
        if mmio > 0 {
            parts.push(format!("{mmio} MMIO requests not delivered to leaves"));
        }
        if !self.mmio_reads.is_empty() {
            let mut tids: Vec<u16> = self.mmio_reads.keys().copied().collect();
            tids.sort_unstable();
            parts.push(format!(
                "{} MMIO reads unanswered (tids {tids:?})",
                tids.len()
            ));
        }
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join("; ")
        }
    }

    fn decode(&self, channel: Channel, mdata: u16) -> Result<(usize, u16), Violation> {
        let leaf = self.tags.leaf_of(mdata);
        if leaf >= self.tags.leaves() {
            return Err(Violation::BadTag {
                channel,
                mdata,
                leaf,
                leaves: self.tags.leaves(),
            });
        }
        Ok((leaf, self.tags.low(mdata)))
    }

    /// Requests at the root (what the host receives) and MMIO responses.
    fn check_wait(&mut self, leaf: usize, channel: Channel, cycles: u64) -> Result<(), Violation> {
        let tally = &mut self.summary.leaves[leaf];
        let max = match channel {
            Channel::Read => &mut tally.max_read_wait,
            Channel::Write => &mut tally.max_write_wait,
        };
        *max = (*max).max(cycles);
        if cycles > self.max_wait {
            return Err(Violation::Starved {
                leaf,
                channel,
                cycles,
                limit: self.max_wait,
            });
        }
        Ok(())
    }
}
