//! Short rust-hdl simulations of one arbiter node: shares, weights, packets, work
//! conservation. Long randomized runs of the whole tree are in `sim-tests` (Verilator).

use optimus_hdl::mux::arbiter::Arbiter;
use rust_hdl::prelude::*;

/// 16-bit entries: `[1:0]` cl_len, `[2]` input, `[15:3]` sequence number.
type Node = Arbiter<2, 16, 2>;

/// Infinite sources in front of the node and a sink that always pops.
struct Bench {
    node: Node,
    seq: [u64; 2],
    len_code: [u64; 2],
}

fn lines(code: u64) -> u64 {
    [1, 2, 3, 4][code as usize]
}

impl Bench {
    fn new(packet_mode: bool, len_code: [u64; 2]) -> Self {
        let mut node = Node::new(packet_mode);
        node.connect_all();
        Self {
            node,
            seq: [0; 2],
            len_code,
        }
    }

    fn settle(&mut self) {
        assert!(simulate(&mut self.node, 1000), "node did not settle");
    }

    fn entry(&self, i: usize) -> Bits<16> {
        (self.len_code[i] | ((i as u64) << 2) | (self.seq[i] << 3)).to_bits()
    }

    /// Drives inputs, takes one clock edge; returns the entry the sink popped, if any.
    fn cycle(&mut self, valid: [bool; 2], weight: [u64; 2], reset: bool) -> Option<u64> {
        for i in 0..2 {
            self.node.in_valid[i].next = valid[i];
            self.node.in_data[i].next = self.entry(i);
            self.node.in_weight[i].next = weight[i].to_bits();
        }
        self.node.reset.next = reset;
        self.node.clock.next = Clock { clk: false };
        self.settle();
        let popped = self
            .node
            .out_valid
            .val()
            .then(|| self.node.out_data.val().to_u64());
        self.node.out_pop.next = popped.is_some();
        self.settle();
        let pops = [self.node.in_pop[0].val(), self.node.in_pop[1].val()];
        self.node.clock.next = Clock { clk: true };
        self.settle();
        for i in 0..2 {
            if pops[i] {
                assert!(valid[i], "popped input {i} that had nothing");
                self.seq[i] += 1;
            }
        }
        popped
    }

    /// Runs `cycles` after reset; returns lines granted per input and the popped entries.
    fn run(&mut self, cycles: usize, valid: [bool; 2], weight: [u64; 2]) -> ([u64; 2], Vec<u64>) {
        for _ in 0..4 {
            self.cycle([false; 2], [0; 2], true);
        }
        let mut got = [0; 2];
        let mut trace = Vec::new();
        for _ in 0..cycles {
            if let Some(e) = self.cycle(valid, weight, false) {
                let i = ((e >> 2) & 1) as usize;
                got[i] += lines(e & 3);
                trace.push(e);
            }
        }
        (got, trace)
    }
}

#[test]
fn equal_weights_share_equally_at_full_rate() {
    let mut b = Bench::new(false, [0, 0]);
    let (got, trace) = b.run(2000, [true, true], [1, 1]);
    let total = got[0] + got[1];
    assert!(
        trace.len() >= 1990,
        "node must pass an entry per cycle, got {}",
        trace.len()
    );
    let share = got[0] as f64 / total as f64;
    assert!((share - 0.5).abs() < 0.01, "shares {got:?}");
}

#[test]
fn weights_set_shares() {
    // Three busy leaves below input 0, one below input 1: 3/4 versus 1/4 of the lines.
    let mut b = Bench::new(false, [1, 0]);
    let (got, _) = b.run(4000, [true, true], [3, 1]);
    let share = got[0] as f64 / (got[0] + got[1]) as f64;
    assert!(
        (share - 0.75).abs() < 0.01,
        "lines per input {got:?}, share {share}"
    );
}

#[test]
fn work_conserving_when_one_input_is_idle() {
    let mut b = Bench::new(false, [0, 0]);
    let (got, trace) = b.run(500, [false, true], [0, 1]);
    assert_eq!(got[0], 0);
    assert!(
        trace.len() >= 495,
        "idle neighbour must not cost bandwidth: {}",
        trace.len()
    );
}

#[test]
fn packets_are_never_interleaved() {
    // Four-line writes from both inputs: beats of one packet must be consecutive.
    let mut b = Bench::new(true, [3, 3]);
    let (_, trace) = b.run(1000, [true, true], [1, 1]);
    assert!(
        trace.len() >= 990,
        "write beats must flow every cycle: {}",
        trace.len()
    );
    for packet in trace.chunks_exact(4) {
        let src = (packet[0] >> 2) & 1;
        assert!(
            packet.iter().all(|e| (e >> 2) & 1 == src),
            "interleaved packet {packet:x?}"
        );
        let seqs: Vec<u64> = packet.iter().map(|e| e >> 3).collect();
        assert!(
            seqs.windows(2).all(|w| w[1] == w[0] + 1),
            "beats out of order {seqs:?}"
        );
    }
}
