//! A small synchronous FIFO over flat `Bits<W>` entries, with a combinational head.
//!
//! Written like rust-hdl's own `RAM`: a hand-written Verilog body (a real memory array, which
//! synthesis maps to LUT-RAM and Verilator simulates cheaply) and a Rust model for the rust-hdl
//! simulator. The widget FIFOs lint with WIDTH warnings and a false UNOPTFLAT loop; this one
//! lints clean.
//!
//! ### Inputs
//! `clock`, `reset` (synchronous), `push` + `push_data` (ignored when full),
//! `pop` (ignored when empty).
//! ### Outputs
//! `head` (the oldest entry; undefined when empty), `empty`, `full`, `count`.
//!
//! A push and a pop in the same cycle both happen, so a FIFO that is being drained every cycle
//! also accepts every cycle: one bubble at most when it first fills.

use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// FIFO of `2^AW` entries of `W` bits.
#[derive(LogicBlock)]
pub struct RegFifo<const W: usize, const AW: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: empties the FIFO.
    pub reset: Signal<In, Bit>,
    /// Write `push_data` at the next edge (ignored when full).
    pub push: Signal<In, Bit>,
    /// Entry to write.
    pub push_data: Signal<In, Bits<W>>,
    /// Drop the head at the next edge (ignored when empty).
    pub pop: Signal<In, Bit>,
    /// Oldest entry.
    pub head: Signal<Out, Bits<W>>,
    /// No entry.
    pub empty: Signal<Out, Bit>,
    /// `2^AW` entries.
    pub full: Signal<Out, Bit>,
    /// Number of entries.
    pub count: Signal<Out, Bits<8>>,
    _model: VecDeque<Bits<W>>,
}

impl<const W: usize, const AW: usize> Default for RegFifo<W, AW> {
    fn default() -> Self {
        assert!((1..=6).contains(&AW), "FIFO depth must be 2..=64 entries");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            push: Default::default(),
            push_data: Default::default(),
            pop: Default::default(),
            head: Default::default(),
            empty: Default::default(),
            full: Default::default(),
            count: Default::default(),
            _model: VecDeque::with_capacity(1 << AW),
        }
    }
}

impl<const W: usize, const AW: usize> RegFifo<W, AW> {
    const DEPTH: usize = 1 << AW;
}

impl<const W: usize, const AW: usize> Logic for RegFifo<W, AW> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.reset.val() {
                self._model.clear();
            } else {
                let do_push = self.push.val() && self._model.len() < Self::DEPTH;
                let do_pop = self.pop.val() && !self._model.is_empty();
                if do_pop {
                    self._model.pop_front();
                }
                if do_push {
                    self._model.push_back(self.push_data.val());
                }
            }
        }
        self.head.next = self._model.front().copied().unwrap_or_default();
        self.empty.next = self._model.is_empty();
        self.full.next = self._model.len() == Self::DEPTH;
        self.count.next = (self._model.len() as u64).to_bits();
    }

    fn connect(&mut self) {
        self.head.connect();
        self.empty.connect();
        self.full.connect();
        self.count.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
reg [{msb}:0] mem [0:{last}];
reg [{amsb}:0] rd_ptr;
reg [{amsb}:0] wr_ptr;
reg [7:0] cnt;
wire do_push = push & (cnt != 8'd{depth});
wire do_pop = pop & (cnt != 8'd0);

initial begin
   rd_ptr = {aw}'d0;
   wr_ptr = {aw}'d0;
   cnt = 8'd0;
end

always @(posedge clock) begin
   if (reset) begin
      rd_ptr <= {aw}'d0;
      wr_ptr <= {aw}'d0;
      cnt <= 8'd0;
   end else begin
      if (do_push) wr_ptr <= wr_ptr + {aw}'d1;
      if (do_pop) rd_ptr <= rd_ptr + {aw}'d1;
      if (do_push & ~do_pop) cnt <= cnt + 8'd1;
      else if (do_pop & ~do_push) cnt <= cnt - 8'd1;
   end
end

always @(posedge clock) begin
   if (do_push & ~reset) mem[wr_ptr] <= push_data;
end

always @(*) begin
   head = mem[rd_ptr];
   empty = (cnt == 8'd0);
   full = (cnt == 8'd{depth});
   count = cnt;
end
",
            msb = W - 1,
            last = Self::DEPTH - 1,
            amsb = AW - 1,
            aw = AW,
            depth = Self::DEPTH,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "fifo".into(),
            clock: "clock".into(),
            inputs: vec![
                "push".into(),
                "push_data".into(),
                "pop".into(),
                "reset".into(),
            ],
            outputs: vec!["head".into(), "empty".into(), "full".into(), "count".into()],
        }]
    }
}
