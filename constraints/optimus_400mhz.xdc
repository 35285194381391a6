# Timing constraint for the Optimus-RS shell and multiplexer tree: a 400 MHz clock (2.5 ns)
# on the top-level `clk` port. Every tree level is registered, so the critical path should
# be one node's arbitration, independent of the number of leaves.
create_clock -name clk -period 2.500 [get_ports clk]
# `reset` is synchronous and held for 16 cycles; host inputs come from registers of the
# host interface (CCI-P style), so no extra I/O delay is modelled here.
