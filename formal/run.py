#!/usr/bin/env python3
"""Runs the formal checks of the slot (docs/formal.md): proofs, non-vacuity covers, mutants.

Usage: formal/run.py --rtl DIR --out DIR [--solver yices|z3] [--jobs N] [--only NAME,...]

DIR holds optimus_auditor.v and optimus_preempt.v as `emit_block` wrote them. Every check
builds its own model with yosys from formal/harness/slot.sv and that Verilog (or a mutant of
it) and runs yosys-smtbmc. One line per check, then a final PASS or FAIL line; the exit
status is non-zero on any failure. A check that ends neither with "PASSED" nor with a
failed assertion (crash, timeout, unparsable output) is a tool error, never a result.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # keep formal/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS, Mutant, apply  # noqa: E402

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "harness" / "slot.sv"
INTERNAL = HERE / "harness" / "internal.map"
TIMEOUT = 240  # seconds, per solver call


@dataclass
class Check:
    kind: str  # "prove", "bounded", "cover" or "mutant"
    name: str
    what: str
    defines: list
    depth: int  # induction depth k, BMC depth or cover depth
    mutant: Mutant = None
    lines: list = field(default_factory=list)


# What `make formal` checks. "prove": k-induction (base case and step, both to depth k) with
# the invariants; "bounded": BMC from the initial state to the depth; "cover": every cover()
# of the harness reached within the depth (non-vacuity).
CHECKS = [
    # P1-P3 share one model and one induction: the invariants they need are the same, and
    # building and solving the model once keeps `make formal` within its time budget.
    Check("prove", "P1 P2a P2b P2c P2d P3", "isolation: bounds, reset, gate, stale responses",
          ["P1", "P2", "P2T", "P3", "INV"], 2),
    Check("bounded", "P4-read", "a faulting read: all L lines within L + 1 free cycles",
          ["P4", "P4_RD"], 9),
    Check("bounded", "P4-write", "a faulting write: its response within 2 free cycles",
          ["P4", "P4_WR"], 9),
    Check("cover", "cover", "non-vacuity: requests pass, stale responses dropped, ...",
          ["P4", "P4_RD", "P4_WR"], 9),
] + [
    Check("mutant", m.name, m.why, m.prop.split(), m.depth, m)
    for m in MUTANTS
]


def yosys_script(check: Check, rtl: list, smt2: Path) -> str:
    defines = " ".join(f"-D{d}" for d in check.defines)
    # The invariants' internal nets (formal/harness/internal.map): plain nets are bound right
    # after `flatten`, memory words (names with `[`) once `memory_map` has made them.
    nets, words = "", ""
    if "INV" in check.defines:
        for line in INTERNAL.read_text().splitlines():
            fields = line.split()
            if not fields or line.startswith("#"):
                continue
            for i in range(int(fields[2]) if len(fields) == 3 else 1):
                lhs, rhs = (f.replace("{i}", str(i)) for f in fields[:2])
                cmd = f"connect -set {lhs} \\{rhs}\n"
                if "[" in rhs:
                    words += cmd
                else:
                    nets += cmd
    files = " ".join(str(f) for f in rtl)
    if nets or words:
        # Bind first, then optimise (`prep` would narrow some of the nets).
        middle = f"{nets}memory -nomap\nmemory_map\n{words}prep -top formal_slot\n"
    else:
        middle = "prep -top formal_slot\nmemory -nomap\nmemory_map\n"
    return f"""read_verilog -formal {defines} {HARNESS}
read_verilog -formal {files}
hierarchy -check -top formal_slot
proc
flatten
{middle}opt -fast
async2sync
chformal -assume -early
opt_clean -purge
check -assert
dffunmap
write_smt2 -wires {smt2}
"""


def smtbmc(args: list, log: Path) -> dict:
    """Runs yosys-smtbmc; returns status PASSED/FAILED/ERROR, failed assert, step."""
    try:
        p = subprocess.run(
            ["yosys-smtbmc", "--noprogress"] + args,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else ""
        log.write_text(out + f"\nTIMEOUT after {TIMEOUT} s\n")
        return {"status": "ERROR", "why": f"timeout after {TIMEOUT} s"}
    log.write_text(out)
    steps = re.findall(r"(?:Checking assertions|Checking cover reachability) in step (\d+)", out)
    failed = re.findall(r"Assert failed in formal_slot: (\S+)", out)
    unreached = re.findall(r"Unreached cover statement at formal_slot: (\S+)", out)
    if "Traceback" in out or "ERROR" in out and "Status:" not in out:
        return {"status": "ERROR", "why": f"yosys-smtbmc crashed, see {log}"}
    if re.search(r"Status: PASSED", out) and p.returncode == 0:
        return {"status": "PASSED"}
    if re.search(r"Status: FAILED", out) and (failed or unreached):
        return {
            "status": "FAILED",
            "assert": failed[0] if failed else None,
            "unreached": unreached,
            "step": steps[-1] if steps else "?",
        }
    return {"status": "ERROR", "why": f"exit {p.returncode} without a result, see {log}"}


def run(check: Check, rtl_dir: Path, out: Path) -> tuple:
    """Runs one check; returns (ok, line)."""
    start = time.monotonic()
    work = out / ("mutants" if check.kind == "mutant" else "proofs") / check.name.split()[0]
    work.mkdir(parents=True, exist_ok=True)
    rtl = [rtl_dir / "optimus_auditor.v", rtl_dir / "optimus_preempt.v"]
    if check.mutant:
        m = check.mutant
        src = rtl_dir / f"optimus_{m.block}.v"
        dst = work / f"optimus_{m.block}.v"
        try:
            dst.write_text(apply(src.read_text(), m))
        except ValueError as e:
            return False, f"ERROR  {e}"
        rtl = [dst if f.name == dst.name else f for f in rtl]
    smt2 = work / "model.smt2"
    ys = work / "model.ys"
    ys.write_text(yosys_script(check, rtl, smt2))
    y = subprocess.run(["yosys", "-q", "-l", str(work / "yosys.log"), "-s", str(ys)],
                       capture_output=True, text=True)
    if y.returncode != 0:
        return False, f"ERROR  yosys failed, see {work / 'yosys.log'}"

    def secs():
        return f"{time.monotonic() - start:6.1f} s"

    k = str(check.depth)
    if check.kind == "prove":
        base = smtbmc(["-s", SOLVER, "--presat", "-t", k, "--dump-vcd", str(work / "base.vcd"),
                       str(smt2)], work / "base.log")
        if base["status"] != "PASSED":
            return False, describe(base, "base case", work / "base.vcd") + secs()
        step = smtbmc(["-s", SOLVER, "-i", "-t", k, "--dump-vcd", str(work / "step.vcd"),
                       str(smt2)], work / "step.log")
        if step["status"] == "PASSED":
            return True, f"proved: k-induction closes at k = {k}".ljust(64) + secs()
        if step["status"] == "FAILED":
            return False, (f"induction did not close at k = {k} ({step['assert']})").ljust(64) \
                + secs()
        return False, describe(step, "induction", None) + secs()
    if check.kind == "bounded":
        r = smtbmc(["-s", SOLVER, "--presat", "-t", k, "--dump-vcd", str(work / "bmc.vcd"),
                    str(smt2)], work / "bmc.log")
        if r["status"] == "PASSED":
            return True, f"holds to depth {k} (bounded model check)".ljust(64) + secs()
        return False, describe(r, "BMC", work / "bmc.vcd") + secs()
    if check.kind == "cover":
        r = smtbmc(["-s", SOLVER, "-c", "-t", k, "--dump-vcd", str(work / "cover.vcd"),
                    str(smt2)], work / "cover.log")
        if r["status"] == "PASSED":
            n = len(re.findall(r"Reached cover statement", (work / "cover.log").read_text()))
            return True, f"all {n} covers reached within {k} cycles".ljust(64) + secs()
        if r["status"] == "FAILED":
            return False, f"vacuous: unreached {', '.join(r['unreached'])}".ljust(64) + secs()
        return False, describe(r, "cover", None) + secs()
    # A mutant must fail, on its property, with a trace.
    vcd = work / "cex.vcd"
    r = smtbmc(["-s", SOLVER, "--presat", "-t", k, "--dump-vcd", str(vcd), str(smt2)],
               work / "bmc.log")
    if r["status"] == "PASSED":
        return False, f"SURVIVED: no counterexample within {k} cycles".ljust(64) + secs()
    if r["status"] == "ERROR":
        return False, f"ERROR  {r['why']}".ljust(64) + secs()
    a = r["assert"] or ""
    if not a.startswith(check.mutant.expect) or not vcd.exists():
        return False, f"failed on {a}, expected {check.mutant.expect}*".ljust(64) + secs()
    return True, f"rejected: {a} fails at step {r['step']}".ljust(64) + secs()


def describe(r: dict, what: str, vcd) -> str:
    if r["status"] == "FAILED":
        trace = f", trace {vcd}" if vcd and vcd.exists() else ""
        return f"FAILED: {what}: {r['assert']} at step {r['step']}{trace}".ljust(64)
    return f"ERROR  {what}: {r['why']}".ljust(64)


def main() -> int:
    global SOLVER
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtl", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--solver", default="yices")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated check names")
    args = ap.parse_args()
    SOLVER = args.solver
    checks = [c for c in CHECKS if not args.only or c.name in args.only.split(",")]
    start = time.monotonic()
    ok_all = True
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [(c, pool.submit(run, c, args.rtl, args.out)) for c in checks]
        for c, f in futures:
            ok, line = f.result()
            ok_all &= ok
            label = {"prove": "proof", "bounded": "bounded", "cover": "cover",
                     "mutant": "mutant"}[c.kind]
            for i, name in enumerate(c.name.split()):
                shared = line if i == 0 else line.split("  ")[0].rstrip() + " (same run)"
                print(f"formal: {label:7} {name:28} {shared}", flush=True)
    n_m = sum(c.kind == "mutant" for c in checks)
    total = time.monotonic() - start
    verdict = "PASS" if ok_all else "FAIL"
    print(f"formal: {verdict} ({len(checks) - n_m} proofs/covers, {n_m} mutants, "
          f"{total:.0f} s)")
    return 0 if ok_all else 1


SOLVER = "yices"

if __name__ == "__main__":
    sys.exit(main())
