//! Host memory for the simulated host: 64-byte lines by line address, sparse.

use crate::ports::Line;
use optimus_driver::sim::LineMemory;
use std::collections::HashMap;

/// What a line never written holds: each word `0xA5 << 56 | line << 3 | w`, so a read of a
/// wrong address is visible in the data.
pub fn unwritten(line: u64) -> Line {
    std::array::from_fn(|w| 0xA5 << 56 | line << 3 | w as u64)
}

/// Sparse host memory.
#[derive(Default)]
pub struct HostMemory {
    lines: HashMap<u64, Line>,
}

impl HostMemory {
    /// Line `addr`.
    pub fn read(&self, addr: u64) -> Line {
        self.lines
            .get(&addr)
            .copied()
            .unwrap_or_else(|| unwritten(addr))
    }

    /// Stores line `addr`.
    pub fn write(&mut self, addr: u64, line: Line) {
        self.lines.insert(addr, line);
    }

    /// Whether line `addr` was ever written.
    pub fn written(&self, addr: u64) -> bool {
        self.lines.contains_key(&addr)
    }

    /// Little-endian 64-bit word at byte address `byte` (8-aligned).
    pub fn word(&self, byte: u64) -> u64 {
        self.read(byte >> 6)[((byte >> 3) & 7) as usize]
    }

    /// Stores a little-endian 64-bit word at byte address `byte` (8-aligned).
    pub fn set_word(&mut self, byte: u64, value: u64) {
        let mut line = self.read(byte >> 6);
        line[((byte >> 3) & 7) as usize] = value;
        self.write(byte >> 6, line);
    }

    /// Lines written so far.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// No line written.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl HostMemory {
    /// Copies the written lines of `[from, from + lines)` to `[to, to + lines)` (what a remap
    /// of the same pages at another IOVA looks like to the device).
    pub fn copy_range(&mut self, from: u64, to: u64, lines: u64) {
        let moved: Vec<(u64, Line)> = self
            .lines
            .iter()
            .filter(|(a, _)| (from..from + lines).contains(*a))
            .map(|(a, l)| (a - from + to, *l))
            .collect();
        for (a, l) in moved {
            self.lines.insert(a, l);
        }
    }
}

impl LineMemory for HostMemory {
    fn read_line(&mut self, line: u64, _cycle: u64) -> Line {
        self.read(line)
    }

    fn write_line(&mut self, line: u64, data: &Line, _cycle: u64) {
        self.write(line, *data);
    }
}
