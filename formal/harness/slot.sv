// Formal harness for one slot of the shell: the EMITTED Verilog of `optimus_auditor` and
// `optimus_preempt` (hdl/examples/emit_block.rs), wired together exactly as
// hdl/src/shell/compose.rs wires slot i:
//
//   auditor.clk/reset/slot_reset   = clk / shell reset / SLOT_RESET[i]   (same nets as preempt)
//   auditor.gate                   = preempt.gate                        (s<i>_gate)
//   preempt.drained                = auditor.drained                     (m_drained[i])
//   preempt.acc_state              = the accelerator's STATE             (s<i>_state)
//   auditor.acc_* / up_*           = accelerator / mux-tree leaf i
//   slice_base, slice_limit, fault_clear_*, request, release_pulse, timeout = the monitor
//
// Everything the monitor, the accelerator and the tree leaf (the host) drive is a free input
// here: any sequence of register writes, requests, responses and resets, limited only by the
// `assume`s below, each of which cites the contract it encodes (shared/design.md §1, §3, §5).
// Properties (docs/formal.md):
//   P1  every request line passed to the host is inside [SLICE_BASE, SLICE_BASE + SLICE_LIMIT)
//       (42-bit arithmetic, design.md §3), the slice being the one in force when the request
//       left the auditor's check (the cycle before it shows on the host port);
//   P2  no request of the slot reaches the host while the slot is in reset or gated by a
//       preemption (four parts, P2a-P2d below);
//   P3  no response to a request issued before a SLOT_RESET reaches the slot afterwards;
//   P4  a faulting request is answered in full within a bound (in free cycles).
// What is asserted is chosen with `define: P1; P2 (P2a, P2b); P2T (P2c, P2d, per request);
// P3; P4 with P4_RD and/or P4_WR (the watched channels); INV (the invariants, some over
// internal nets the runner binds, that make the k-induction close).
//
// Assumptions, each an `assume` below: A1/A2 the host answers only what it holds (reads,
// writes); A3 the ghost tags; P4 only: A4 write framing, A5 the watched request's tag and
// its quiet window.
//
// Ghost tags. The auditor carries `mdata` without ever looking at it (design.md §1: the host
// and the auditor return it unchanged). The harness uses that: it makes the accelerator put a
// tag in mdata bits 0-2 and reads the tag back wherever the request or its response shows
// up. Because the design never branches on mdata, fixing three of its bits loses no
// behaviour of the design; the other 13 stay free.
`default_nettype none

module formal_slot (
    input wire clk,
    // The monitor (hypervisor registers) and the shell reset.
    input wire reset,
    input wire slot_reset,
    input wire [41:0] slice_base,
    input wire [41:0] slice_limit,
    input wire fault_clear_rd,
    input wire fault_clear_wr,
    input wire fault_clear_count,
    input wire preempt_request,
    input wire preempt_release,
    input wire [31:0] preempt_timeout,
    // The accelerator.
    input wire [2:0] acc_state,
    input wire acc_rd_req_valid,
    input wire [41:0] acc_rd_req_addr,
    input wire [1:0] acc_rd_req_cl_len,
    input wire [15:0] acc_rd_req_mdata,
    input wire acc_wr_req_valid,
    input wire [41:0] acc_wr_req_addr,
    input wire [1:0] acc_wr_req_cl_len,
    input wire acc_wr_req_sop,
    input wire [15:0] acc_wr_req_mdata,
    input wire [511:0] acc_wr_req_data,
    // The mux-tree leaf (the host seen from the slot).
    input wire up_c0_almfull,
    input wire up_c1_almfull,
    input wire up_rd_rsp_valid,
    input wire [15:0] up_rd_rsp_mdata,
    input wire [1:0] up_rd_rsp_cl_num,
    input wire [511:0] up_rd_rsp_data,
    input wire up_wr_rsp_valid,
    input wire [15:0] up_wr_rsp_mdata,
    // Ghost choices of the harness (which reset, gate episode or request to watch).
    input wire pick_reset,
    input wire pick_gate,
    input wire pick_watch,
    // The slot's answers to the accelerator, as outputs only so that yosys keeps the logic
    // behind them when no property reads them (the invariants observe FIFOs inside it).
    output wire [35:0] answers
);
    localparam [2:0] RUNNING = 3'd1;  // STATE value (design.md §4)

    // ---------------------------------------------------------------- the slot, as composed
    wire acc_c0_almfull, acc_c1_almfull;
    wire acc_rd_rsp_valid, acc_wr_rsp_valid;
    wire [15:0] acc_rd_rsp_mdata, acc_wr_rsp_mdata;
    wire [1:0] acc_rd_rsp_cl_num;
    wire [511:0] acc_rd_rsp_data;
    wire up_rd_req_valid, up_wr_req_valid, up_wr_req_sop;
    wire [41:0] up_rd_req_addr, up_wr_req_addr;
    wire [1:0] up_rd_req_cl_len, up_wr_req_cl_len;
    wire [15:0] up_rd_req_mdata, up_wr_req_mdata;
    wire [511:0] up_wr_req_data;
    wire fault_rd, fault_wr;
    wire [15:0] fault_count;
    wire [41:0] fault_addr;
    wire [15:0] rd_outstanding, wr_outstanding;
    wire drained, in_reset;
    wire [63:0] rd_lines, wr_lines;
    wire pause, gate, requested, paused, timed_out;

    optimus_auditor auditor (
        .clk(clk), .reset(reset), .slot_reset(slot_reset), .gate(gate),
        .slice_base(slice_base), .slice_limit(slice_limit),
        .fault_clear_rd(fault_clear_rd), .fault_clear_wr(fault_clear_wr),
        .fault_clear_count(fault_clear_count),
        .acc_rd_req_valid(acc_rd_req_valid), .acc_rd_req_addr(acc_rd_req_addr),
        .acc_rd_req_cl_len(acc_rd_req_cl_len), .acc_rd_req_mdata(acc_rd_req_mdata),
        .acc_wr_req_valid(acc_wr_req_valid), .acc_wr_req_addr(acc_wr_req_addr),
        .acc_wr_req_cl_len(acc_wr_req_cl_len), .acc_wr_req_sop(acc_wr_req_sop),
        .acc_wr_req_mdata(acc_wr_req_mdata), .acc_wr_req_data(acc_wr_req_data),
        .acc_c0_almfull(acc_c0_almfull), .acc_c1_almfull(acc_c1_almfull),
        .acc_rd_rsp_valid(acc_rd_rsp_valid), .acc_rd_rsp_mdata(acc_rd_rsp_mdata),
        .acc_rd_rsp_cl_num(acc_rd_rsp_cl_num), .acc_rd_rsp_data(acc_rd_rsp_data),
        .acc_wr_rsp_valid(acc_wr_rsp_valid), .acc_wr_rsp_mdata(acc_wr_rsp_mdata),
        .up_c0_almfull(up_c0_almfull), .up_c1_almfull(up_c1_almfull),
        .up_rd_req_valid(up_rd_req_valid), .up_rd_req_addr(up_rd_req_addr),
        .up_rd_req_cl_len(up_rd_req_cl_len), .up_rd_req_mdata(up_rd_req_mdata),
        .up_rd_rsp_valid(up_rd_rsp_valid), .up_rd_rsp_mdata(up_rd_rsp_mdata),
        .up_rd_rsp_cl_num(up_rd_rsp_cl_num), .up_rd_rsp_data(up_rd_rsp_data),
        .up_wr_req_valid(up_wr_req_valid), .up_wr_req_addr(up_wr_req_addr),
        .up_wr_req_cl_len(up_wr_req_cl_len), .up_wr_req_sop(up_wr_req_sop),
        .up_wr_req_mdata(up_wr_req_mdata), .up_wr_req_data(up_wr_req_data),
        .up_wr_rsp_valid(up_wr_rsp_valid), .up_wr_rsp_mdata(up_wr_rsp_mdata),
        .fault_rd(fault_rd), .fault_wr(fault_wr), .fault_count(fault_count),
        .fault_addr(fault_addr), .rd_outstanding(rd_outstanding),
        .wr_outstanding(wr_outstanding), .drained(drained), .in_reset(in_reset),
        .rd_lines(rd_lines), .wr_lines(wr_lines)
    );

    optimus_preempt preempt (
        .clk(clk), .reset(reset), .slot_reset(slot_reset),
        .request(preempt_request), .release_pulse(preempt_release),
        .timeout(preempt_timeout), .acc_state(acc_state), .drained(drained),
        .pause(pause), .gate(gate), .requested(requested), .paused(paused),
        .timed_out(timed_out)
    );

    assign answers = {acc_rd_rsp_valid, acc_rd_rsp_mdata, acc_rd_rsp_cl_num,
        acc_wr_rsp_valid, acc_wr_rsp_mdata};

    // ---------------------------------------------------------------- helpers
    function [2:0] lines;  // lines of a request of length code cl (2 is illegal: 3)
        input [1:0] cl;
        lines = {1'b0, cl} + 3'd1;
    endfunction

    // design.md §3: lines addr .. addr+L-1 (IOVAs, mod 2^42) all inside
    // [base, base + limit), base with its low 2 bits ignored. The offset is taken mod 2^42
    // (an IOVA below the base wraps to a huge offset); offset + L is formed in 44 bits, so
    // nothing wraps there.
    function in_slice;
        input [41:0] addr;
        input [2:0] n;
        input [41:0] base;
        input [41:0] limit;
        reg [41:0] off;
        begin
            off = addr - {base[41:2], 2'b00};
            in_slice = ({2'b00, off} + {41'd0, n}) <= {2'b00, limit};
        end
    endfunction

    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;

    // The slice in force in the previous cycle (when what is on the host port now was checked).
    reg [41:0] base_q = 42'd0, limit_q = 42'd0;
    always @(posedge clk) begin
        base_q <= slice_base;
        limit_q <= slice_limit;
    end

    // ---------------------------------------------------------------- ghost tags
    // after: the picked SLOT_RESET cycle has passed. Requests presented up to and including
    // that cycle carry tag 1 in mdata bit 0 ("old"), later ones tag 0.
    reg after = 1'b0;
    always @(posedge clk) after <= after | (pick_reset & slot_reset);
    // gw: the picked gate episode: from the pick cycle while the gate stays up, once.
    // Requests presented while gw is high carry tag 1 in mdata bit 1.
    reg gw_q = 1'b0, gpicked = 1'b0;
    wire gw = gate & (gw_q | (pick_gate & ~gpicked));
    always @(posedge clk) begin
        gw_q <= gw;
        gpicked <= gpicked | gw;
    end

    // A3: the accelerator's tags (see the header: mdata is opaque to the design).
    always @(*) begin
        assume (acc_rd_req_mdata[0] == ~after);
        assume (acc_wr_req_mdata[0] == ~after);
        assume (acc_rd_req_mdata[1] == gw);
        assume (acc_wr_req_mdata[1] == gw);
    end

    // ---------------------------------------------------------------- the host, as seen
    // Read lines and write requests the host has received and not answered, by tag (mdata
    // bit 0). A shell reset resets the host interface: it answers nothing issued before
    // (design.md §1: traffic starts again 32 cycles after reset).
    reg [17:0] h_rd_old = 18'd0, h_rd_new = 18'd0;  // read lines outstanding
    reg [17:0] h_wr_old = 18'd0, h_wr_new = 18'd0;  // complete write requests, unanswered
    // The write packet the host is receiving (framing as the host sees it).
    reg pk_open = 1'b0;
    reg [1:0] pk_left = 2'd0;  // beats still to come
    reg [41:0] pk_next = 42'd0, pk_base = 42'd0, pk_limit = 42'd0;
    reg pk_tag = 1'b0;

    wire rd_rsp_old = up_rd_rsp_mdata[0];
    wire wr_rsp_old = up_wr_rsp_mdata[0];
    wire [2:0] rd_req_n = up_rd_req_valid ? lines(up_rd_req_cl_len) : 3'd0;
    wire wr_sop = up_wr_req_valid & up_wr_req_sop;
    wire wr_cont = up_wr_req_valid & ~up_wr_req_sop;
    // The write request complete with this beat (one-line request or last beat).
    wire wr_last = (wr_sop & (up_wr_req_cl_len == 2'd0)) | (wr_cont & pk_open & (pk_left == 2'd1));
    wire wr_last_tag = wr_sop ? up_wr_req_mdata[0] : pk_tag;

    // A1, A2 (design.md §1): a response only for what the host holds (one per read line,
    // one per complete write request), with the request's own mdata; none during reset.
    always @(*) begin
        if (up_rd_rsp_valid) assume (!reset && (rd_rsp_old ? h_rd_old != 0 : h_rd_new != 0));
        if (up_wr_rsp_valid) assume (!reset && (wr_rsp_old ? h_wr_old != 0 : h_wr_new != 0));
    end

    always @(posedge clk) begin
        h_rd_old <= h_rd_old + ((up_rd_req_valid & up_rd_req_mdata[0]) ? rd_req_n : 3'd0)
            - {17'd0, up_rd_rsp_valid & rd_rsp_old};
        h_rd_new <= h_rd_new + ((up_rd_req_valid & ~up_rd_req_mdata[0]) ? rd_req_n : 3'd0)
            - {17'd0, up_rd_rsp_valid & ~rd_rsp_old};
        h_wr_old <= h_wr_old + {17'd0, wr_last & wr_last_tag}
            - {17'd0, up_wr_rsp_valid & wr_rsp_old};
        h_wr_new <= h_wr_new + {17'd0, wr_last & ~wr_last_tag}
            - {17'd0, up_wr_rsp_valid & ~wr_rsp_old};
        if (wr_sop) begin
            pk_open <= up_wr_req_cl_len != 2'd0;
            pk_left <= up_wr_req_cl_len;
            pk_next <= up_wr_req_addr + 42'd1;
            pk_base <= {base_q[41:2], 2'b00};
            pk_limit <= limit_q;
            pk_tag <= up_wr_req_mdata[0];
        end else if (wr_cont) begin
            pk_left <= pk_left - 2'd1;
            pk_next <= pk_next + 42'd1;
            if (pk_left == 2'd1) pk_open <= 1'b0;
        end
        if (reset) begin
            h_rd_old <= 18'd0;
            h_rd_new <= 18'd0;
            h_wr_old <= 18'd0;
            h_wr_new <= 18'd0;
            pk_open <= 1'b0;
        end
    end

    // What the auditor must count as outstanding (PREEMPT bits 31:16 and 47:32): what the
    // host holds plus what is on the host port this cycle (a write from its first beat on).
    // (Formed in 20 bits: the sums cannot wrap.)
    wire [19:0] rd_os_spec = {2'b00, h_rd_old} + {2'b00, h_rd_new} + {17'd0, rd_req_n};
    wire [19:0] wr_os_spec = {2'b00, h_wr_old} + {2'b00, h_wr_new} + {19'd0, pk_open}
        + {19'd0, wr_sop};
    // The slot is in reset (PREEMPT bit 4, design.md §3): SLOT_RESET held, or after it until
    // nothing of the slot is outstanding at the host.
    reg drain = 1'b0;
    always @(posedge clk)
        drain <= ~reset & (slot_reset | (drain & ((rd_os_spec != 0) | (wr_os_spec != 0))));
    wire in_reset_spec = slot_reset | drain;

    // ---------------------------------------------------------------- P1: bounds
`ifdef P1
    always @(*) if (past_valid) begin
        // A read: legal length, every line inside the slice.
        if (up_rd_req_valid) begin
            p1_rd_len: assert (up_rd_req_cl_len != 2'd2);
            p1_rd_range: assert (in_slice(up_rd_req_addr, lines(up_rd_req_cl_len), base_q, limit_q));
        end
        // A write's first beat: the whole request inside; no packet already open.
        if (wr_sop) begin
            p1_wr_frame_sop: assert (!pk_open);
            p1_wr_len: assert (up_wr_req_cl_len != 2'd2);
            p1_wr_range: assert (in_slice(up_wr_req_addr, lines(up_wr_req_cl_len), base_q, limit_q));
        end
        // A later beat: inside an open packet, at the next line, that line inside the slice
        // in force when the packet's first beat was checked.
        if (wr_cont) begin
            p1_wr_frame_cont: assert (pk_open);
            p1_wr_next: assert (up_wr_req_addr == pk_next);
            p1_wr_line: assert (in_slice(up_wr_req_addr, 3'd1, pk_base, pk_limit));
        end
    end
`endif

    // ---------------------------------------------------------------- P2: reset and gate
    // quiet: the hypervisor can read PREEMPT with requested, paused and drained all set
    // (design.md §5 step 3 done), and the gate has stayed up since.
    reg quiet_q = 1'b0;
    wire quiet = gate & ((requested & paused & drained) | quiet_q);
    always @(posedge clk) quiet_q <= quiet;
    reg was_in_reset = 1'b0;
    always @(posedge clk) was_in_reset <= in_reset_spec;
    // Preemption controller inputs of the previous cycle, for P2d.
    reg hold_q = 1'b0;
    always @(posedge clk)
        hold_q <= requested & (acc_state != RUNNING) & ~preempt_release & ~slot_reset & ~reset;

`ifdef P2
    always @(*) if (past_valid) begin
        // P2a: while the slot is in reset (SLOT_RESET, or draining after it), no request
        // starts at the host (the rest of a write packet already begun may complete).
        if (was_in_reset) begin
            p2a_rd: assert (!up_rd_req_valid);
            p2a_wr: assert (!wr_sop);
        end
        // P2b: once the preemption is complete (PREEMPT reads requested, paused and drained;
        // gate up), nothing of the slot reaches the host while the gate stays up ...
        if (quiet_q) begin
            p2b_rd: assert (!up_rd_req_valid);
            p2b_wr: assert (!up_wr_req_valid);
        end
        // ... and the gate stays up until release, reset, or the accelerator runs again.
        if (hold_q) p2b_gate: assert (gate);
    end
`endif
`ifdef P2T
    // The same by request (ghost tags), stronger than the above:
    always @(*) if (past_valid) begin
        // P2c: after a SLOT_RESET, no request the accelerator presented before it starts.
        if (after) begin
            p2c_rd: assert (!(up_rd_req_valid & up_rd_req_mdata[0]));
            p2c_wr: assert (!(wr_sop & up_wr_req_mdata[0]));
        end
        // P2d: a request presented while the gate is up does not start while it stays up.
        if (gw_q) begin
            p2d_rd: assert (!(up_rd_req_valid & up_rd_req_mdata[1]));
            p2d_wr: assert (!(wr_sop & up_wr_req_mdata[1]));
        end
    end
`endif

    // ---------------------------------------------------------------- P3: stale responses
`ifdef P3
    always @(*) if (past_valid && after) begin
        p3_rd: assert (!(acc_rd_rsp_valid & acc_rd_rsp_mdata[0]));
        p3_wr: assert (!(acc_wr_rsp_valid & acc_wr_rsp_mdata[0]));
    end
`endif

    // ---------------------------------------------------------------- P4: fault answers
    // A watched faulting request (ghost tag: mdata bit 2, set on it alone) must be answered
    // in full within a bound. The bound counts "free" cycles only: cycles in which the host
    // delivers no response on that channel, because host responses go first on the one
    // response register and the host can keep it busy as long as the slot keeps reading.
`ifdef P4
    // The bounds, in free cycles counted from the cycle after the request (a write: its
    // last beat) is presented: a read of L lines has all L answers after at most L + 1, a
    // write its response after at most 2 (docs/formal.md). Both are tight (covers below).
    localparam [7:0] RD_EXTRA = 8'd1;
    localparam [7:0] WR_BOUND = 8'd2;

    // What the accelerator is owed (read lines, write requests) since the last reset, which
    // discards everything presented before it; and its write framing (design.md §1). The
    // counts are 8 bits wide; `a_lost` (sticky until a reset) marks a count that could have
    // overflowed, and no request is watched then.
    reg [7:0] a_rd_owed = 8'd0, a_wr_owed = 8'd0;
    reg a_lost = 1'b0;
    reg [1:0] a_left = 2'd0;  // beats still to come of the packet being presented
    wire a_first = acc_wr_req_valid & (a_left == 2'd0);
    always @(posedge clk) begin
        a_rd_owed <= a_rd_owed + (acc_rd_req_valid ? {5'd0, lines(acc_rd_req_cl_len)} : 8'd0)
            - {7'd0, acc_rd_rsp_valid};
        a_wr_owed <= a_wr_owed + {7'd0, a_first} - {7'd0, acc_wr_rsp_valid};
        a_lost <= a_lost | a_rd_owed[7] | a_wr_owed[7];
        if (acc_wr_req_valid) a_left <= a_first ? acc_wr_req_cl_len : a_left - 2'd1;
        if (reset | slot_reset) begin
            a_rd_owed <= 8'd0;
            a_wr_owed <= 8'd0;
            a_lost <= 1'b0;
            a_left <= 2'd0;
        end
    end
    // A4 (design.md §1, write framing): a request of L lines is L beats, never interleaved.
    reg [1:0] a_cl = 2'd0;
    always @(posedge clk) if (a_first) a_cl <= acc_wr_req_cl_len;
    always @(*) if (acc_wr_req_valid) begin
        assume (acc_wr_req_sop == a_first);
        if (!a_first) assume (acc_wr_req_cl_len == a_cl);
    end

    // The slot is quiet enough for the bound to apply: nothing else owed on the channel, not
    // in reset, not gated or being preempted; the request is out of the slice (or illegal).
    wire calm = !reset && !slot_reset && !drain && !gate && !requested && !a_lost;
    wire rd_faulty = (acc_rd_req_cl_len == 2'd2)
        || !in_slice(acc_rd_req_addr, lines(acc_rd_req_cl_len), 42'd0, slice_limit);
    wire wr_faulty = (acc_wr_req_cl_len == 2'd2)
        || !in_slice(acc_wr_req_addr, lines(acc_wr_req_cl_len), 42'd0, slice_limit);
    reg rw_busy = 1'b0, rw_done = 1'b0;  // watched read: pending / answered
    reg [2:0] rw_need = 3'd0, rw_got = 3'd0;
    reg [7:0] rw_free = 8'd0;
    // Which channels are watched (`define P4_RD, P4_WR): separate checks run in parallel.
`ifdef P4_RD
    wire rd_watched = 1'b1;
`else
    wire rd_watched = 1'b0;
`endif
`ifdef P4_WR
    wire wr_watched = 1'b1;
`else
    wire wr_watched = 1'b0;
`endif
    wire rw_start = rd_watched & pick_watch & acc_rd_req_valid & !rw_busy & !rw_done & (a_rd_owed == 0)
        & calm & rd_faulty;
    reg ww_busy = 1'b0, ww_done = 1'b0, ww_sent = 1'b0;  // watched write; all beats sent
    reg [1:0] ww_left = 2'd0;
    reg [7:0] ww_free = 8'd0;
    wire ww_start = wr_watched & pick_watch & a_first & !ww_busy & !ww_done & (a_wr_owed == 0) & calm
        & wr_faulty;
    wire ww_beat = ww_start | (ww_busy & !ww_sent & acc_wr_req_valid);

    always @(*) begin
        // A5. The tag marks the watched request (all beats of the watched write), nothing else.
        assume (acc_rd_req_mdata[2] == rw_start);
        assume (acc_wr_req_mdata[2] == ww_beat);
        // The host never answers with the tag: the watched requests never reach it (P1).
        assume (!up_rd_rsp_mdata[2] && !up_wr_rsp_mdata[2]);
        // While a watched request is pending: no reset, no preemption, the slice unchanged.
        if (rw_busy || ww_busy) begin
            assume (!reset && !slot_reset && !preempt_request);
            assume (slice_base == base_q && slice_limit == limit_q);
        end
    end

    always @(posedge clk) begin
        if (rw_start) begin
            rw_busy <= 1'b1;
            rw_need <= lines(acc_rd_req_cl_len);
            rw_got <= 3'd0;
            rw_free <= 8'd0;
        end else if (rw_busy) begin
            if (!up_rd_rsp_valid) rw_free <= rw_free + 8'd1;
            if (acc_rd_rsp_valid && acc_rd_rsp_mdata[2]) begin
                rw_got <= rw_got + 3'd1;
                if (rw_got + 3'd1 == rw_need) begin
                    rw_busy <= 1'b0;
                    rw_done <= 1'b1;
                end
            end
        end
        if (ww_start) begin
            ww_busy <= 1'b1;
            ww_sent <= acc_wr_req_cl_len == 2'd0;
            ww_left <= acc_wr_req_cl_len;
            ww_free <= 8'd0;
        end else if (ww_busy) begin
            if (ww_beat) begin
                ww_left <= ww_left - 2'd1;
                if (ww_left == 2'd1) ww_sent <= 1'b1;
            end
            if (ww_sent && !up_wr_rsp_valid) ww_free <= ww_free + 8'd1;
            if (acc_wr_rsp_valid && acc_wr_rsp_mdata[2]) begin
                ww_busy <= 1'b0;
                ww_done <= 1'b1;
            end
        end
    end

    always @(*) if (past_valid) begin
        // The watched request never reaches the host.
        p4_rd_held: assert (!(up_rd_req_valid && up_rd_req_mdata[2]));
        p4_wr_held: assert (!(up_wr_req_valid && up_wr_req_mdata[2]));
        // Its answers: all-ones lines 0, 1, ... in order, no more than requested, ...
        if (acc_rd_rsp_valid && acc_rd_rsp_mdata[2]) begin
            p4_rd_only: assert (rw_busy);
            p4_rd_line: assert (acc_rd_rsp_cl_num == rw_got[1:0]);
            p4_rd_ones: assert (&acc_rd_rsp_data);
        end
        // ... one write response, after the last beat ...
        if (acc_wr_rsp_valid && acc_wr_rsp_mdata[2]) p4_wr_only: assert (ww_busy && ww_sent);
        // ... within the bound.
        p4_rd_bound: assert (!(rw_busy && rw_free > {5'd0, rw_need} + RD_EXTRA));
        p4_wr_bound: assert (!(ww_busy && ww_free > WR_BOUND));
    end
    always @(*) if (past_valid) begin
        cover_p4_rd_answered: cover (rw_done && rw_need == 3'd4);
        cover_p4_wr_answered: cover (ww_done && ww_left == 2'd0 && ww_free != 0);
        // The bounds are tight: the last answer can take exactly that long.
        cover_p4_rd_tight: cover (rw_busy && rw_need == 3'd4 && rw_free == 8'd4 + RD_EXTRA && acc_rd_rsp_valid
            && acc_rd_rsp_mdata[2] && rw_got + 3'd1 == rw_need);
        cover_p4_wr_tight: cover (ww_busy && ww_free == WR_BOUND && acc_wr_rsp_valid
            && acc_wr_rsp_mdata[2]);
    end
`endif

    // ---------------------------------------------------------------- invariants
    // Facts that hold in every reachable state. They are asserted (so proved too) and make the
    // k-induction close. INV1/INV2: PREEMPT's outstanding counts are exact; INV3: PREEMPT
    // bit 4 is exact. INV4-INV8 relate the host's view of the open write packet, the gate and
    // the admission queues to the auditor's internal registers, which the runner binds to the
    // wires below with yosys `connect` (formal/harness/internal.map): no hierarchical
    // references, and `check -assert` fails the run if any of them stays undriven.
`ifdef INV
    wire i_wr_open, i_wr_drop;  // auditor.core.wr: packet open; open packet is a dropped fault
    wire [1:0] i_wr_left;  // beats of the open packet still to come
    wire [41:0] i_wr_last;  // IOVA of its last beat sent
    wire [7:0] i_rdq_pass, i_rdq_count, i_wrq_pass, i_wrq_count;  // admission queues
    wire [15:0] i_wr_cur_mdata;  // mdata of the open packet
    // The four FIFOs (RegFifo: mem, rd_ptr, wr_ptr, cnt): the read and write admission queues
    // (entries {mdata, addr, cl_len} and {data, mdata, addr, cl_len}: tag bits 44, 45; of
    // the write queue only bits 45:0 are bound) and
    // the fault-answer FIFOs of reads ({mdata, cl_len}: tag bit 2) and writes (mdata: bit 0).
    wire [3:0] i_rdq_rd, i_rdq_wr, i_wrq_rd, i_wrq_wr;
    wire [1:0] i_rdf_rd, i_rdf_wr, i_wrf_rd, i_wrf_wr;
    wire [7:0] i_rdf_count, i_wrf_count;
    wire [59:0] i_rdq_m0, i_rdq_m1, i_rdq_m2, i_rdq_m3, i_rdq_m4, i_rdq_m5, i_rdq_m6, i_rdq_m7,
        i_rdq_m8, i_rdq_m9, i_rdq_m10, i_rdq_m11, i_rdq_m12, i_rdq_m13, i_rdq_m14, i_rdq_m15;
    wire [45:0] i_wrq_m0, i_wrq_m1, i_wrq_m2, i_wrq_m3, i_wrq_m4, i_wrq_m5, i_wrq_m6, i_wrq_m7,
        i_wrq_m8, i_wrq_m9, i_wrq_m10, i_wrq_m11, i_wrq_m12, i_wrq_m13, i_wrq_m14, i_wrq_m15;
    wire [17:0] i_rdf_m0, i_rdf_m1, i_rdf_m2, i_rdf_m3;
    wire [15:0] i_wrf_m0, i_wrf_m1, i_wrf_m2, i_wrf_m3;
    // Tag bits (mdata bits 0 and 1) of every FIFO word, by word index.
    wire [15:0] rdq_t0 = {i_rdq_m15[44], i_rdq_m14[44], i_rdq_m13[44], i_rdq_m12[44],
        i_rdq_m11[44], i_rdq_m10[44], i_rdq_m9[44], i_rdq_m8[44], i_rdq_m7[44], i_rdq_m6[44],
        i_rdq_m5[44], i_rdq_m4[44], i_rdq_m3[44], i_rdq_m2[44], i_rdq_m1[44], i_rdq_m0[44]};
    wire [15:0] rdq_t1 = {i_rdq_m15[45], i_rdq_m14[45], i_rdq_m13[45], i_rdq_m12[45],
        i_rdq_m11[45], i_rdq_m10[45], i_rdq_m9[45], i_rdq_m8[45], i_rdq_m7[45], i_rdq_m6[45],
        i_rdq_m5[45], i_rdq_m4[45], i_rdq_m3[45], i_rdq_m2[45], i_rdq_m1[45], i_rdq_m0[45]};
    wire [15:0] wrq_t0 = {i_wrq_m15[44], i_wrq_m14[44], i_wrq_m13[44], i_wrq_m12[44],
        i_wrq_m11[44], i_wrq_m10[44], i_wrq_m9[44], i_wrq_m8[44], i_wrq_m7[44], i_wrq_m6[44],
        i_wrq_m5[44], i_wrq_m4[44], i_wrq_m3[44], i_wrq_m2[44], i_wrq_m1[44], i_wrq_m0[44]};
    wire [15:0] wrq_t1 = {i_wrq_m15[45], i_wrq_m14[45], i_wrq_m13[45], i_wrq_m12[45],
        i_wrq_m11[45], i_wrq_m10[45], i_wrq_m9[45], i_wrq_m8[45], i_wrq_m7[45], i_wrq_m6[45],
        i_wrq_m5[45], i_wrq_m4[45], i_wrq_m3[45], i_wrq_m2[45], i_wrq_m1[45], i_wrq_m0[45]};
    wire [3:0] rdf_t0 = {i_rdf_m3[2], i_rdf_m2[2], i_rdf_m1[2], i_rdf_m0[2]};
    wire [3:0] wrf_t0 = {i_wrf_m3[0], i_wrf_m2[0], i_wrf_m1[0], i_wrf_m0[0]};

    // Word i of a FIFO of 16 (or 4) words holds an entry iff it is within cnt of rd_ptr; its
    // position from the head is (i - rd_ptr) mod 16. `live`: a mask of the words that hold
    // entries; `ahead`: of those among the first `n` from the head.
    function [15:0] live16;
        input [3:0] rd;
        input [7:0] n;
        integer i;
        reg [3:0] pos;
        begin
            for (i = 0; i < 16; i = i + 1) begin
                pos = i[3:0] - rd;
                live16[i] = {4'd0, pos} < n;
            end
        end
    endfunction
    function [3:0] live4;
        input [1:0] rd;
        input [7:0] n;
        integer i;
        reg [1:0] pos;
        begin
            for (i = 0; i < 4; i = i + 1) begin
                pos = i[1:0] - rd;
                live4[i] = {6'd0, pos} < n;
            end
        end
    endfunction

    // The host's packet view after this cycle's beat.
    wire nx_open = wr_sop ? (up_wr_req_cl_len != 2'd0) : wr_cont ? (pk_left != 2'd1) : pk_open;
    wire [1:0] nx_left = wr_sop ? up_wr_req_cl_len : wr_cont ? pk_left - 2'd1 : pk_left;
    wire [41:0] nx_next = wr_sop ? up_wr_req_addr + 42'd1 : wr_cont ? pk_next + 42'd1 : pk_next;
    wire [41:0] nx_base = wr_sop ? {base_q[41:2], 2'b00} : pk_base;
    wire [41:0] nx_limit = wr_sop ? limit_q : pk_limit;

    always @(*) if (past_valid) begin
        // The host sees whole write packets, at consecutive lines, never interleaved.
        if (wr_sop) inv0_frame_sop: assert (!pk_open);
        if (wr_cont) begin
            inv0_frame_cont: assert (pk_open);
            inv0_frame_next: assert (up_wr_req_addr == pk_next);
        end
        inv1_rd_os: assert ({4'd0, rd_outstanding} == rd_os_spec);
        inv2_wr_os: assert ({4'd0, wr_outstanding} == wr_os_spec);
        inv3_in_reset: assert (in_reset == in_reset_spec);
        // The packet the host is receiving is the one the auditor has open (and sends).
        inv4_open: assert ((i_wr_open & ~i_wr_drop) == nx_open);
        if (pk_open) inv4_left: assert (pk_left != 2'd0);
        if (nx_open) begin
            inv5_left: assert (i_wr_left == nx_left);
            inv5_next: assert (i_wr_last + 42'd1 == nx_next);
            // Its remaining lines are inside the slice its first beat was checked against.
            inv6_rest: assert (in_slice(nx_next, {1'b0, nx_left}, nx_base, nx_limit));
        end
        // Admission queues: the entries cleared to leave are among those queued.
        inv7_rd_pass: assert (i_rdq_pass <= i_rdq_count && i_rdq_count <= 8'd16);
        inv7_wr_pass: assert (i_wrq_pass <= i_wrq_count && i_wrq_count <= 8'd16);
        // After a complete preemption nothing is cleared to leave and no packet is open.
        if (quiet) inv8_quiet: assert (i_rdq_pass == 0 && i_wrq_pass == 0 && !(i_wr_open & ~i_wr_drop));
        // The FIFOs are consistent: wr_ptr = rd_ptr + cnt.
        inv9_rdq: assert (i_rdq_wr == i_rdq_rd + i_rdq_count[3:0]);
        inv9_wrq: assert (i_wrq_wr == i_wrq_rd + i_wrq_count[3:0]);
        inv9_rdf: assert (i_rdf_count <= 8'd4 && i_rdf_wr == i_rdf_rd + i_rdf_count[1:0]);
        inv9_wrf: assert (i_wrf_count <= 8'd4 && i_wrf_wr == i_wrf_rd + i_wrf_count[1:0]);
        // After the picked SLOT_RESET: nothing presented before it is still queued, owed a
        // fault answer, or (outside the reset) outstanding at the host.
        if (after) begin
            inv10_rdq: assert ((live16(i_rdq_rd, i_rdq_count) & rdq_t0) == 16'd0);
            inv10_wrq: assert ((live16(i_wrq_rd, i_wrq_count) & wrq_t0) == 16'd0);
            inv10_rdf: assert ((live4(i_rdf_rd, i_rdf_count) & rdf_t0) == 4'd0);
            inv10_wrf: assert ((live4(i_wrf_rd, i_wrf_count) & wrf_t0) == 4'd0);
            if (i_wr_open & i_wr_drop) inv10_drop: assert (!i_wr_cur_mdata[0]);
            inv10_rd_port: assert (!(up_rd_req_valid & up_rd_req_mdata[0]));
            inv10_wr_port: assert (!(wr_sop & up_wr_req_mdata[0]));
            if (!in_reset_spec)
                inv10_host: assert (h_rd_old == 0 && h_wr_old == 0 && !(pk_open && pk_tag));
        end
        // Before the picked gate episode nothing carries its tag; during it, the entries
        // cleared to leave were queued before it.
        if (!gpicked) begin
            inv11_rdq_none: assert ((live16(i_rdq_rd, i_rdq_count) & rdq_t1) == 16'd0);
            inv11_wrq_none: assert ((live16(i_wrq_rd, i_wrq_count) & wrq_t1) == 16'd0);
        end
        if (gw) begin
            inv11_rdq: assert ((live16(i_rdq_rd, i_rdq_pass) & rdq_t1) == 16'd0);
            inv11_wrq: assert ((live16(i_wrq_rd, i_wrq_pass) & wrq_t1) == 16'd0);
        end
    end
`endif

    // ---------------------------------------------------------------- non-vacuity
    always @(*) if (past_valid) begin
        cover_rd_passed: cover (up_rd_req_valid);
        cover_wr_passed: cover (wr_sop && up_wr_req_cl_len == 2'd3);
        cover_wr_done: cover (wr_cont && pk_left == 2'd1);
        cover_stale_dropped: cover (after && drain && up_rd_rsp_valid && rd_rsp_old);
        cover_after_reset: cover (after && !in_reset && up_rd_req_valid);
        cover_gate_held: cover (quiet_q && acc_rd_req_valid);
    end
endmodule
