//! MMIO: host requests routed to their page's leaf (or answered by the tree), leaf answers
//! routed back to the host.

use super::violation::{MMIO_DEADLINE, Violation};
use super::{MmioRead, Scoreboard};
use crate::ports::{MmioReq, MuxIn, MuxOut};

impl Scoreboard {
    /// The MMIO response the root presents to the host.
    pub(super) fn root_mmio_response(&mut self, cycle: u64, out: &MuxOut) -> Result<(), Violation> {
        let host = &out.host;
        if host.mmio_rsp.valid {
            let rsp = host.mmio_rsp;
            let read = self
                .mmio_reads
                .remove(&rsp.tid)
                .ok_or(Violation::MmioRspUnexpected {
                    tid: rsp.tid,
                    data: rsp.data,
                })?;
            let expected = match (read.leaf, read.data) {
                (Some(leaf), None) => return Err(Violation::MmioRspEarly { tid: rsp.tid, leaf }),
                (_, data) => data.unwrap_or(0),
            };
            if rsp.data != expected {
                return Err(Violation::MmioRspData {
                    tid: rsp.tid,
                    expected,
                    seen: rsp.data,
                });
            }
            let latency = cycle - read.issued;
            if latency > MMIO_DEADLINE {
                return Err(Violation::MmioLate {
                    tid: rsp.tid,
                    cycles: latency,
                });
            }
            self.summary.max_mmio_latency = self.summary.max_mmio_latency.max(latency);
            if read.leaf.is_some() {
                self.summary.mmio_leaf_reads += 1;
            } else {
                self.summary.mmio_tree_reads += 1;
            }
        }
        Ok(())
    }

    /// MMIO requests as the leaves receive them.
    pub(super) fn leaf_mmio_requests(&mut self, out: &MuxOut) -> Result<(), Violation> {
        for leaf in 0..self.tags.leaves() {
            let down = &out.leaf[leaf];
            if down.mmio_req.valid {
                let seen = down.mmio_req;
                let expected = self.mmio_expected[leaf].pop_front();
                let same = expected.is_some_and(|e| {
                    e.addr == seen.addr
                        && e.tid == seen.tid
                        && e.write == seen.write
                        && (!e.write || e.wdata == seen.wdata)
                });
                if !same {
                    return Err(Violation::MmioMisrouted {
                        leaf,
                        expected,
                        seen,
                    });
                }
                if !seen.write {
                    if let Some(read) = self.mmio_reads.get_mut(&seen.tid) {
                        read.delivered = true;
                    }
                }
                self.summary.leaves[leaf].mmio += 1;
            }
        }
        Ok(())
    }

    /// MMIO answers the leaves present (checked against the protocol).
    pub(super) fn leaf_mmio_responses(&mut self, inp: &MuxIn) -> Result<(), Violation> {
        for leaf in 0..self.tags.leaves() {
            let up = &inp.leaf[leaf];
            let bad = |what: String| Violation::LeafProtocol { leaf, what };
            if up.mmio_rsp.valid {
                let rsp = up.mmio_rsp;
                let ok = self
                    .mmio_reads
                    .get_mut(&rsp.tid)
                    .filter(|r| r.leaf == Some(leaf) && r.delivered && r.data.is_none());
                match ok {
                    Some(read) => read.data = Some(rsp.data),
                    None => {
                        return Err(bad(format!(
                            "MMIO response tid {} it was not asked for",
                            rsp.tid
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The MMIO request the host presents: what each leaf and the host must see later.
    pub(super) fn host_mmio_request(&mut self, cycle: u64, inp: &MuxIn) -> Result<(), Violation> {
        let host = &inp.host;
        if host.mmio_req.valid {
            let m = host.mmio_req;
            let page = usize::from(m.addr >> 10);
            if !m.write && self.mmio_reads.contains_key(&m.tid) {
                return Err(Violation::HostProtocol(format!(
                    "MMIO read tid {} reused while outstanding",
                    m.tid
                )));
            }
            let leaf = (1..=self.tags.leaves()).contains(&page).then(|| page - 1);
            if let Some(leaf) = leaf {
                self.mmio_expected[leaf].push_back(MmioReq {
                    addr: m.addr & 0x3ff,
                    ..m
                });
            }
            if !m.write {
                let data = if leaf.is_some() { None } else { Some(0) };
                self.mmio_reads.insert(
                    m.tid,
                    MmioRead {
                        issued: cycle,
                        leaf,
                        delivered: false,
                        data,
                    },
                );
            }
        }
        Ok(())
    }
}
