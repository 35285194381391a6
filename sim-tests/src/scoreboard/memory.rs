//! The memory channels: read and write requests on their way up, responses on their way down.

use super::violation::{Channel, Violation};
use super::{LeafWrite, ReadState, RootWrite, Scoreboard, WriteState};
use crate::ports::{MuxIn, MuxOut, WriteReq};

impl Scoreboard {
    /// Requests at the root, as the host receives them.
    pub(super) fn root_requests(&mut self, cycle: u64, out: &MuxOut) -> Result<(), Violation> {
        let host = &out.host;
        if host.rd_req.valid {
            let r = host.rd_req;
            if self.root_slack[0].throttled() {
                self.summary.slack_beats[0] += 1;
            }
            self.root_slack[0]
                .beat()
                .map_err(|beats| Violation::AlmfullOverrun {
                    channel: Channel::Read,
                    beats,
                })?;
            let (leaf, low) = self.decode(Channel::Read, r.mdata)?;
            let state = self
                .reads_up
                .remove(&(leaf, low))
                .ok_or(Violation::UnknownRead {
                    leaf,
                    low,
                    mdata: r.mdata,
                })?;
            if state.addr != r.addr || state.cl_len != r.cl_len {
                return Err(Violation::ReadChanged {
                    leaf,
                    low,
                    sent_addr: state.addr,
                    sent_len: state.cl_len,
                    addr: r.addr,
                    len: r.cl_len,
                });
            }
            self.check_wait(leaf, Channel::Read, cycle - state.issued)?;
            self.read_tags.insert(r.mdata, (leaf, low));
            self.reads_out.insert((leaf, low), state);
        }
        if host.wr_req.valid {
            if self.root_slack[1].throttled() {
                self.summary.slack_beats[1] += 1;
            }
            self.root_slack[1]
                .beat()
                .map_err(|beats| Violation::AlmfullOverrun {
                    channel: Channel::Write,
                    beats,
                })?;
            self.root_write_beat(cycle, out)?;
        }
        Ok(())
    }

    fn root_write_beat(&mut self, cycle: u64, out: &MuxOut) -> Result<(), Violation> {
        let w = out.host.wr_req;
        let (leaf, low) = self.decode(Channel::Write, w.mdata)?;
        if w.sop {
            if let Some(cur) = &self.root_write {
                return Err(Violation::WriteInterleaved(format!(
                    "sop of mdata {:#06x} while write {:#06x} has sent only {} lines",
                    w.mdata, cur.mdata, cur.next
                )));
            }
            let state = self
                .writes
                .get_mut(&(leaf, low))
                .ok_or(Violation::UnknownWrite {
                    leaf,
                    low,
                    mdata: w.mdata,
                })?;
            if state.at_root {
                return Err(Violation::UnknownWrite {
                    leaf,
                    low,
                    mdata: w.mdata,
                });
            }
            state.at_root = true;
            let waited = cycle - state.issued;
            self.check_wait(leaf, Channel::Write, waited)?;
            self.root_write = Some(RootWrite {
                leaf,
                low,
                mdata: w.mdata,
                next: 0,
            });
        }
        let Some(cur) = self.root_write.as_mut() else {
            return Err(Violation::WriteInterleaved(format!(
                "beat of mdata {:#06x} without sop and no write open",
                w.mdata
            )));
        };
        if w.mdata != cur.mdata {
            return Err(Violation::WriteInterleaved(format!(
                "beat of mdata {:#06x} inside write {:#06x} (after {} lines)",
                w.mdata, cur.mdata, cur.next
            )));
        }
        let line = cur.next;
        let state = self
            .writes
            .get(&(cur.leaf, cur.low))
            .expect("open root write has a state");
        let changed = |what: String| Violation::WriteChanged {
            leaf,
            low,
            line,
            what,
        };
        if w.cl_len != state.cl_len {
            return Err(changed(format!(
                "cl_len {} at the root, {} at the leaf",
                w.cl_len, state.cl_len
            )));
        }
        let addr = state.addr.wrapping_add(u64::from(line));
        if w.addr != addr {
            return Err(changed(format!(
                "addr {:#x} at the root, expected {addr:#x}",
                w.addr
            )));
        }
        match state.beats.get(usize::from(line)) {
            None => {
                return Err(changed(
                    "presented at the root before the leaf sent it".into(),
                ));
            }
            Some(data) if *data != w.data => return Err(changed("data differs".into())),
            Some(_) => {}
        }
        cur.next += 1;
        self.summary.leaves[leaf].write_lines += 1;
        if cur.next == state.cl_len + 1 {
            let (leaf, low, mdata) = (cur.leaf, cur.low, cur.mdata);
            self.root_write = None;
            self.writes.remove(&(leaf, low));
            self.writes_out.insert(mdata, (leaf, low));
        }
        Ok(())
    }

    /// Responses as the leaves receive them.
    pub(super) fn leaf_responses(&mut self, out: &MuxOut) -> Result<(), Violation> {
        let low_mask = self.tags.low_mask();
        for leaf in 0..self.tags.leaves() {
            let down = &out.leaf[leaf];
            if down.rd_rsp.valid {
                let r = down.rd_rsp;
                if r.mdata & !low_mask != 0 {
                    return Err(Violation::RspTagBits {
                        leaf,
                        channel: Channel::Read,
                        mdata: r.mdata,
                    });
                }
                let unexpected = Violation::ReadRspUnexpected {
                    leaf,
                    mdata: r.mdata,
                    cl_num: r.cl_num,
                };
                let state = self
                    .reads_out
                    .get_mut(&(leaf, r.mdata))
                    .ok_or(unexpected.clone())?;
                let bit = 1u8 << r.cl_num;
                let Some(Some(data)) = state.returned.get(usize::from(r.cl_num)) else {
                    return Err(unexpected);
                };
                if r.cl_num > state.cl_len || state.delivered & bit != 0 {
                    return Err(unexpected);
                }
                if *data != r.data {
                    return Err(Violation::ReadRspData {
                        leaf,
                        mdata: r.mdata,
                        cl_num: r.cl_num,
                    });
                }
                state.delivered |= bit;
                self.summary.leaves[leaf].read_lines += 1;
                if u32::from(state.delivered) == (1u32 << (state.cl_len + 1)) - 1 {
                    self.reads_out.remove(&(leaf, r.mdata));
                    self.summary.leaves[leaf].reads += 1;
                }
            }
            if down.wr_rsp.valid {
                let mdata = down.wr_rsp.mdata;
                if mdata & !low_mask != 0 {
                    return Err(Violation::RspTagBits {
                        leaf,
                        channel: Channel::Write,
                        mdata,
                    });
                }
                let count = self
                    .write_rsps
                    .get_mut(&(leaf, mdata))
                    .ok_or(Violation::WriteRspUnexpected { leaf, mdata })?;
                *count -= 1;
                if *count == 0 {
                    self.write_rsps.remove(&(leaf, mdata));
                }
                self.summary.leaves[leaf].writes += 1;
            }
        }
        Ok(())
    }

    /// Requests the leaves present (checked against the protocol too).
    pub(super) fn leaf_requests(
        &mut self,
        cycle: u64,
        inp: &MuxIn,
        out: &MuxOut,
    ) -> Result<(), Violation> {
        let low_mask = self.tags.low_mask();
        for leaf in 0..self.tags.leaves() {
            let up = &inp.leaf[leaf];
            let bad = |what: String| Violation::LeafProtocol { leaf, what };
            if up.rd_req.valid {
                let r = up.rd_req;
                if self.leaf_slack[leaf][0].throttled() {
                    self.summary.leaf_slack_beats[0] += 1;
                }
                self.leaf_slack[leaf][0]
                    .beat()
                    .map_err(|n| bad(format!("{n} read requests after almfull")))?;
                if r.mdata & !low_mask != 0
                    || !matches!(r.cl_len, 0 | 1 | 3)
                    || r.addr & u64::from(r.cl_len) != 0
                    || r.addr >> 42 != 0
                {
                    return Err(bad(format!("malformed read request {r:?}")));
                }
                if self.reads_up.contains_key(&(leaf, r.mdata))
                    || self.reads_out.contains_key(&(leaf, r.mdata))
                {
                    return Err(bad(format!(
                        "read mdata {:#x} reused while outstanding",
                        r.mdata
                    )));
                }
                let state = ReadState {
                    addr: r.addr,
                    cl_len: r.cl_len,
                    issued: cycle,
                    returned: [None; 4],
                    delivered: 0,
                };
                self.reads_up.insert((leaf, r.mdata), state);
            }
            if up.wr_req.valid {
                if self.leaf_slack[leaf][1].throttled() {
                    self.summary.leaf_slack_beats[1] += 1;
                }
                self.leaf_slack[leaf][1]
                    .beat()
                    .map_err(|n| bad(format!("{n} write beats after almfull")))?;
                self.leaf_write_beat(cycle, leaf, up.wr_req)?;
            }
            self.leaf_slack[leaf][0].edge(out.leaf[leaf].c0_almfull);
            self.leaf_slack[leaf][1].edge(out.leaf[leaf].c1_almfull);
        }
        Ok(())
    }

    fn leaf_write_beat(&mut self, cycle: u64, leaf: usize, w: WriteReq) -> Result<(), Violation> {
        let bad = |what: String| Violation::LeafProtocol { leaf, what };
        match self.leaf_write[leaf] {
            None => {
                let low_mask = self.tags.low_mask();
                if !w.sop
                    || w.mdata & !low_mask != 0
                    || !matches!(w.cl_len, 0 | 1 | 3)
                    || w.addr & u64::from(w.cl_len) != 0
                    || w.addr >> 42 != 0
                {
                    return Err(bad(format!(
                        "malformed first write beat {:?}",
                        (w.addr, w.cl_len, w.sop, w.mdata)
                    )));
                }
                let key = (leaf, w.mdata);
                if self.writes.contains_key(&key)
                    || self.write_rsps.contains_key(&key)
                    || self
                        .writes_out
                        .contains_key(&self.tags.tagged(leaf, w.mdata))
                {
                    return Err(bad(format!(
                        "write mdata {:#x} reused while outstanding",
                        w.mdata
                    )));
                }
                let state = WriteState {
                    addr: w.addr,
                    cl_len: w.cl_len,
                    issued: cycle,
                    beats: vec![w.data],
                    at_root: false,
                };
                self.writes.insert(key, state);
                if w.cl_len > 0 {
                    self.leaf_write[leaf] = Some(LeafWrite {
                        low: w.mdata,
                        base: w.addr,
                        cl_len: w.cl_len,
                        next: 1,
                    });
                }
            }
            Some(mut cur) => {
                if w.sop
                    || w.mdata != cur.low
                    || w.cl_len != cur.cl_len
                    || w.addr != cur.base + u64::from(cur.next)
                {
                    return Err(bad(format!(
                        "write beat {:?} breaks the open write {cur:?}",
                        (w.addr, w.cl_len, w.sop, w.mdata)
                    )));
                }
                self.writes
                    .get_mut(&(leaf, cur.low))
                    .expect("open leaf write has a state")
                    .beats
                    .push(w.data);
                cur.next += 1;
                self.leaf_write[leaf] = (cur.next <= cur.cl_len).then_some(cur);
            }
        }
        Ok(())
    }

    /// Responses the host presents (checked against what it was sent).
    pub(super) fn host_responses(&mut self, inp: &MuxIn) -> Result<(), Violation> {
        let host = &inp.host;
        if host.rd_rsp.valid {
            let r = host.rd_rsp;
            let key = self.read_tags.get(&r.mdata).copied();
            let state = key.and_then(|k| self.reads_out.get_mut(&k));
            let slot = state
                .filter(|s| r.cl_num <= s.cl_len)
                .map(|s| &mut s.returned[usize::from(r.cl_num)]);
            match slot {
                Some(slot @ None) => *slot = Some(r.data),
                _ => {
                    return Err(Violation::HostProtocol(format!(
                        "read response mdata {:#06x} cl_num {} not owed",
                        r.mdata, r.cl_num
                    )));
                }
            }
            let state = &self.reads_out[&key.expect("matched above")];
            if state.returned[..=usize::from(state.cl_len)]
                .iter()
                .all(Option::is_some)
            {
                self.read_tags.remove(&r.mdata);
            }
        }
        if host.wr_rsp.valid {
            let mdata = host.wr_rsp.mdata;
            let key = self.writes_out.remove(&mdata).ok_or_else(|| {
                Violation::HostProtocol(format!("write response mdata {mdata:#06x} not owed"))
            })?;
            *self.write_rsps.entry(key).or_default() += 1;
        }
        self.root_slack[0].edge(host.c0_almfull);
        self.root_slack[1].edge(host.c1_almfull);
        Ok(())
    }
}
