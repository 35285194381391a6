#!/usr/bin/env bash
# Area of the per-slot shell blocks (the auditor and the preemption controller; Rogue for
# scale) with yosys `synth_xilinx -flatten -nobram` (LUT6, flip-flops, LUT-RAM), one table.
#
# Usage: scripts/slot-area.sh [block ...]      (default: auditor preempt)
# Writes build/slot-area/<block>.{v,ys,log,stat}; with MARKDOWN=FILE also the table as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

blocks=("${@:-auditor preempt}")
read -r -a blocks <<< "${blocks[*]}"
out=build/slot-area
mkdir -p "$out"
cargo build -q --release -p optimus-hdl --example emit_block
emit="${CARGO_TARGET_DIR:-target}/release/examples/emit_block"

row() { printf '%-20s %8s %9s %8s %8s\n' "$@"; }
rows=()
row block LUTs LUT-RAMs FFs seconds
for b in "${blocks[@]}"; do
    case "$b" in
        rogue) top=optimus_acc_rogue ;;
        *) top="optimus_$b" ;;
    esac
    base="$out/$b"
    "$emit" "$b" "$base.v"
    cat > "$base.ys" <<YS
read_verilog $base.v
synth_xilinx -flatten -nobram -top $top
tee -q -o $base.stat stat
YS
    echo "slot-area: $top ..." >&2
    start=$(date +%s)
    yosys -q -l "$base.log" -s "$base.ys" >/dev/null
    secs=$(( $(date +%s) - start ))
    luts=$(awk '/^ +LUT[1-6] /{s+=$2} END{print s+0}' "$base.stat")
    lutram=$(awk '/^ +RAM[0-9]+[MXS]/{s+=$2} END{print s+0}' "$base.stat")
    ffs=$(awk '/^ +FD[A-Z]* /{s+=$2} END{print s+0}' "$base.stat")
    row "$top" "$luts" "$lutram" "$ffs" "$secs"
    rows+=("| $top | $luts | $lutram | $ffs |")
done
if [ -n "${MARKDOWN:-}" ]; then
    {
        echo "| block | LUTs | LUT-RAM cells | flip-flops |"
        echo "|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
    } > "$MARKDOWN"
    echo "slot-area: table written to $MARKDOWN" >&2
fi
