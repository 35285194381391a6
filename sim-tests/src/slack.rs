//! The almfull rule (design.md §1): once a sender has seen almfull high at a rising edge it may
//! present at most [`ALMFULL_SLACK`] more valid beats on that channel until it sees it low.
//! Leaves use [`Slack`] to obey the rule (and to use all of it); the scoreboard uses it to check
//! the root.

/// Beats allowed after almfull was seen.
pub const ALMFULL_SLACK: u32 = 8;

/// One sender's view of one channel's almfull.
#[derive(Clone, Copy, Debug, Default)]
pub struct Slack {
    seen: bool,
    beats: u32,
}

impl Slack {
    /// Almfull was high at the last edge (the slack is being used).
    pub fn throttled(&self) -> bool {
        self.seen
    }

    /// Whether one more beat is allowed now.
    pub fn may_send(&self) -> bool {
        !self.seen || self.beats < ALMFULL_SLACK
    }

    /// Counts a beat presented this cycle; `Err(n)` if it is the n-th (> 8) since almfull.
    pub fn beat(&mut self) -> Result<(), u32> {
        if self.seen {
            self.beats += 1;
            if self.beats > ALMFULL_SLACK {
                return Err(self.beats);
            }
        }
        Ok(())
    }

    /// The rising edge at the end of the cycle, with the almfull value seen there.
    pub fn edge(&mut self, almfull: bool) {
        if !almfull {
            self.seen = false;
        } else if !self.seen {
            self.seen = true;
            self.beats = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_beats_then_stop_until_low() {
        let mut s = Slack::default();
        s.beat().unwrap(); // before almfull: free
        s.edge(true);
        for _ in 0..8 {
            assert!(s.may_send());
            s.beat().unwrap();
            s.edge(true);
        }
        assert!(!s.may_send());
        assert_eq!(s.beat(), Err(9));
        s.edge(false);
        assert!(s.may_send());
    }
}
