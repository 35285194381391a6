//! MemBench jobs on a simulated shell, and what they must produce (design.md §4.1).

use super::{HostMemory, ShellSim};
use optimus_regs::membench::{MemBenchReg, lines_of, mode, pattern_word, request_line};
use std::collections::BTreeSet;

/// A MemBench job (its application registers).
#[derive(Clone, Copy, Debug)]
pub struct MemBenchJob {
    /// BUF_ADDR: slot-relative byte address.
    pub buf_addr: u64,
    /// BUF_LINES.
    pub buf_lines: u64,
    /// TOTAL_LINES.
    pub total_lines: u64,
    /// MODE.
    pub mode: u64,
    /// SEED.
    pub seed: u64,
}

impl MemBenchJob {
    /// Writes the application registers of slot `i`.
    pub fn program(&self, sim: &mut ShellSim, i: usize) {
        for (reg, v) in [
            (MemBenchReg::BufAddr, self.buf_addr),
            (MemBenchReg::BufLines, self.buf_lines),
            (MemBenchReg::TotalLines, self.total_lines),
            (MemBenchReg::Mode, self.mode),
            (MemBenchReg::Seed, self.seed),
        ] {
            sim.set_acc(i, reg.offset(), v);
        }
    }

    fn len(&self) -> u64 {
        lines_of(mode::cl_len(self.mode)).expect("a legal request length")
    }

    /// Buffer lines (relative) the job's requests touch, in request order.
    pub fn lines(&self) -> Vec<u64> {
        let len = self.len();
        let random = self.mode & mode::RANDOM != 0;
        (0..self.total_lines / len)
            .flat_map(|r| {
                let first = request_line(random, self.seed, r, self.buf_lines, len);
                first..first + len
            })
            .collect()
    }

    /// CHECKSUM of a read job over `mem`, the slot's slice starting at IOVA line `base`.
    pub fn checksum(&self, mem: &HostMemory, base: u64) -> u64 {
        if self.mode & mode::READ == 0 {
            return 0;
        }
        let first = base + (self.buf_addr >> 6);
        self.lines()
            .iter()
            .flat_map(|l| mem.read(first + l))
            .fold(0u64, u64::wrapping_add)
    }

    /// DONE_LINES at the end of the job.
    pub fn done_lines(&self) -> u64 {
        let streams =
            u64::from(self.mode & mode::READ != 0) + u64::from(self.mode & mode::WRITE != 0);
        streams * self.total_lines
    }

    /// Checks that every buffer line the write stream touches holds its pattern in `mem`.
    pub fn check_writes(&self, mem: &HostMemory, base: u64) -> Result<(), String> {
        if self.mode & mode::WRITE == 0 {
            return Ok(());
        }
        let first = base + (self.buf_addr >> 6);
        let touched: BTreeSet<u64> = self.lines().into_iter().collect();
        for k in touched {
            let want: Vec<u64> = (0..8).map(|w| pattern_word(self.seed, k, w)).collect();
            let got = mem.read(first + k);
            if got[..] != want[..] {
                return Err(format!(
                    "buffer line {k} (IOVA line {:#x}) holds {got:x?}, want {want:x?}",
                    first + k
                ));
            }
        }
        Ok(())
    }
}
