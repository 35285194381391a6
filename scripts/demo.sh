#!/usr/bin/env bash
# make demo: optimusd on the simulated mixed8 FPGA, four example tenants as separate processes
# at the same time (MemBench, LinkedList, Hasher, and a Rogue that aims at another tenant's
# slice), then optimusctl's view, then a clean stop (SIGTERM).
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/demo
sock="$out/optimusd.sock"
mkdir -p "$out"
echo "== building optimusd, optimusctl and the example tenants (release) =="
cargo build -q --release -p optimus-hypervisor
bin="${CARGO_TARGET_DIR:-target}/release"

echo "== starting optimusd on the simulated mixed8 (the first start builds the model) =="
# The model build's progress (first start only) is shown as it happens; the rest goes to the log.
"$bin/optimusd" --socket "$sock" --bitstream mixed8 \
    2> >(tee "$out/optimusd.log" | grep --line-buffered 'optimus-sim:' >&2) &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
    [ -S "$sock" ] && break
    kill -0 $daemon 2>/dev/null || { cat "$out/optimusd.log"; echo "demo: optimusd died"; exit 1; }
    sleep 0.5
done
[ -S "$sock" ] || { echo "demo: optimusd did not start in 300 s (log: $out/optimusd.log)"; exit 1; }
grep -E 'device open' "$out/optimusd.log" | sed 's/\x1b\[[0-9;]*m//g' || true

echo "== four tenants at once, each checking its result against the CPU =="
start=$(date +%s%N)
pids=()
"$bin/optimus-tenant" --socket "$sock" membench --lines 4096 --passes 4 & pids+=($!)
"$bin/optimus-tenant" --socket "$sock" linked-list --nodes 300 & pids+=($!)
"$bin/optimus-tenant" --socket "$sock" hasher --lines 2048 --rounds 4 & pids+=($!)
"$bin/optimus-tenant" --socket "$sock" rogue --victim-slot 0 & pids+=($!)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')

echo "== optimusctl status (every vaccel freed when its tenant closed) =="
"$bin/optimusctl" --socket "$sock" status | tee "$out/status.txt"
lines=$(awk 'NR > 2 { s += $7 + $8 } END { print s + 0 }' "$out/status.txt")
awk -v l="$lines" -v s="$secs" 'BEGIN { printf "throughput: %d cache lines (%.1f MB) moved by the four tenants in %.1f s wall clock (%.2f MB/s of simulated DMA)\n", l, l * 64 / 1e6, s, l * 64 / 1e6 / s }'

echo "== stopping optimusd (SIGTERM) =="
kill -TERM $daemon
wait $daemon
trap - EXIT
sed 's/\x1b\[[0-9;]*m//g' "$out/optimusd.log" | grep -E 'SIGTERM|stopped' || true
[ ! -S "$sock" ] && echo "demo: socket removed, daemon exited cleanly"
if [ $failed -ne 0 ]; then echo "demo: FAILED (a tenant's result did not match)"; exit 1; fi
echo "demo: OK"
