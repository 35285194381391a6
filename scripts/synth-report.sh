#!/usr/bin/env bash
# Area and logic depth of the multiplexer tree against a flat single-level mux built from the
# same arbiter, for N = 2, 4, 8, 16, with yosys (6-input LUT mapping, flattened).
#
# Usage: scripts/synth-report.sh [N ...]     (default: 2 4 8 16)
# Writes build/synth/<design>-n<N>.{ys,log,stat,ltp} and prints a table; with
# MARKDOWN=FILE also writes the table as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

leaves=("${@:-2 4 8 16}")
read -r -a leaves <<< "${leaves[*]}"
out=build/synth
mkdir -p "$out"
cargo build -q --release -p optimus-hdl --bin gen-verilog
gen=target/release/gen-verilog

row() { printf '%-18s %3s %8s %9s %8s %10s %8s\n' "$@"; }
rows=()
row design N LUTs LUT-RAMs FFs "LUT levels" seconds
for n in "${leaves[@]}"; do
    for design in mux-tree flat-mux; do
        top="optimus_${design//-/_}"
        base="$out/$design-n$n"
        "$gen" "$design" --leaves "$n" --out "$out/rtl-n$n" >/dev/null
        # Flattened synthesis mapped to 6-input LUTs only (no carry chains, no wide muxes, so a
        # level is a LUT), FIFO arrays in LUT-RAM as on a real FPGA. ltp does not know the
        # Xilinx flip-flop and LUT-RAM cells are sequential, so delete them (and the IO
        # buffers) first: what is left is the combinational graph between registers.
        cat > "$base.ys" <<YS
read_verilog $out/rtl-n$n/$top.v
synth_xilinx -flatten -nobram -nocarry -nowidelut -top $top
tee -q -o $base.stat stat
delete t:FD* t:RAM* t:IBUF t:OBUF t:BUFG
tee -q -o $base.ltp ltp
YS
        echo "synth-report: $design N=$n ..." >&2
        start=$(date +%s)
        yosys -q -l "$base.log" -s "$base.ys" >/dev/null
        secs=$(( $(date +%s) - start ))
        luts=$(awk '/^ +LUT[1-6] /{s+=$2} END{print s+0}' "$base.stat")
        lutram=$(awk '/^ +RAM[0-9]+[MXS]/{s+=$2} END{print s+0}' "$base.stat")
        ffs=$(awk '/^ +FD[A-Z]* /{s+=$2} END{print s+0}' "$base.stat")
        depth=$(sed -n 's/.*Longest topological path.*length=\([0-9]*\).*/\1/p' "$base.ltp")
        row "$top" "$n" "$luts" "$lutram" "$ffs" "$depth" "$secs"
        rows+=("| $top | $n | $luts | $lutram | $ffs | $depth |")
    done
done
if [ -n "${MARKDOWN:-}" ]; then
    {
        echo "| design | N | LUTs | LUT-RAM cells | flip-flops | longest path (LUT levels) |"
        echo "|---|---|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
    } > "$MARKDOWN"
    echo "synth-report: table written to $MARKDOWN" >&2
fi
