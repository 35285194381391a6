"""The mutants of `make formal`: deliberately broken variants of the emitted Verilog.

Each mutant is one mechanical text edit of `optimus_auditor.v` or `optimus_preempt.v` as
`emit_block` writes them: every occurrence of `find` becomes `replace`, and `find` must occur
exactly `count` times, or the run stops with an error (so a change in the emitter cannot
silently turn a mutant into the original design). The property group `prop` is then checked
on the mutant by BMC to `depth` cycles and must fail on an assertion whose label starts with
`expect`, with a counterexample trace.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    prop: str  # property group: `define(s) of formal/harness/slot.sv, space-separated
    block: str  # "auditor" or "preempt"
    find: str
    replace: str
    count: int  # exact number of occurrences of `find`
    expect: str  # label prefix of the assertion that must fail
    depth: int  # BMC depth
    why: str


# The SliceCheck line, emitted once in the read and once in the write channel.
_RANGE = "in_range = (limit >= len) & (addr <= room);"

MUTANTS = [
    # ---- P1: bounds
    Mutant("p1-first-line-only", "P1", "auditor", _RANGE,
           "in_range = (addr < limit);", 2, "p1_", 6,
           "checks the first line of a request only"),
    Mutant("p1-off-by-one", "P1", "auditor", _RANGE,
           "in_range = (limit >= len) & (addr <= room + 42'h1);", 2, "p1_", 6,
           "admits one line past SLICE_LIMIT"),
    Mutant("p1-wrap-around", "P1", "auditor", _RANGE,
           "in_range = ((addr + len) <= limit);", 2, "p1_", 6,
           "forms addr + L in 42 bits, which wraps near 2^42"),
    Mutant("p1-later-beats-unchecked", "P1", "auditor",
           "out_addr$d = last_addr$q + one42;", "out_addr$d = chk$host_addr;", 1, "p1_wr", 7,
           "later write beats go to their own (unchecked) address"),
    # ---- P2: reset and gate
    Mutant("p2a-issue-in-reset", "P2", "auditor",
           "ready = ~queue$empty & queue$may_start & ~in_rst & ~reset;",
           "ready = ~queue$empty & queue$may_start & ~reset;", 1, "p2a_rd", 6,
           "the read channel ignores SLOT_RESET and the drain after it"),
    Mutant("p2b-gate-ignored", "P2", "auditor",
           "block = gate | in_rst;", "block = in_rst;", 1, "p2b_", 8,
           "the auditor ignores the preemption gate"),
    Mutant("p2b-gate-drops-when-drained", "P2", "preempt",
           "gate_q$d = is_paused | to_q$q | expire;",
           "gate_q$d = (is_paused | to_q$q | expire) & ~(paused_q$q & drained);", 1, "p2b_", 8,
           "the controller lowers the gate once paused and drained"),
    Mutant("p2c-no-flush", "P2T", "auditor",
           "queue$flush = slot_reset;", "queue$flush = 1'b0;", 2, "p2c_", 8,
           "SLOT_RESET does not empty the request queues"),
    Mutant("p2d-held-requests-pass", "P2T", "auditor",
           "if (block) begin", "if (1'b0) begin", 2, "p2d_", 8,
           "requests queued while gated are cleared to leave"),
    # ---- P3: stale responses
    Mutant("p3-no-drain", "P3", "auditor",
           "rst_q$d = slot_reset | (rst_q$q & ((rd$outstanding != zero16) | "
           "(wr$outstanding != zero16)));",
           "rst_q$d = slot_reset;", 1, "p3_", 8,
           "the slot leaves reset without draining its outstanding requests"),
    Mutant("p3-fault-answers-kept", "P3", "auditor",
           "flt$reset = reset | slot_reset;", "flt$reset = reset;", 1, "p3_rd", 8,
           "SLOT_RESET keeps the read fault answers owed to the old requests"),
    Mutant("p3-responses-not-dropped", "P3", "auditor",
           "rsp_v$d = (up_rd_rsp_valid & ~in_rst) | gen_emit;",
           "rsp_v$d = up_rd_rsp_valid | gen_emit;", 1, "p3_rd", 8,
           "host read responses pass while the slot is in reset"),
    # ---- P4: fault answers
    Mutant("p4-one-line-answered", "P4 P4_RD", "auditor",
           "flt$pop = gen_emit & (gen_idx$q == f_cl);", "flt$pop = gen_emit;", 1, "p4_rd", 9,
           "a faulting read of several lines gets one answer"),
    Mutant("p4-write-fault-unanswered", "P4 P4_WR", "auditor",
           "wf$push = (take_fault & ~|h_cl) | (cont_drop & last);",
           "wf$push = (take_fault & ~|h_cl);", 1, "p4_wr", 9,
           "a faulting write of several lines gets no response"),
]


def apply(text: str, m: Mutant) -> str:
    """`text` with the mutant's edit; raises ValueError if the pattern count is off."""
    found = text.count(m.find)
    if found != m.count:
        raise ValueError(
            f"mutant {m.name}: pattern found {found} times in optimus_{m.block}.v, "
            f"expected {m.count}: {m.find!r}"
        )
    out = text.replace(m.find, m.replace)
    if out == text:
        raise ValueError(f"mutant {m.name}: the edit changes nothing")
    return out
