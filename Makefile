# Optimus-RS. `make demo` runs the main job, `make test` the whole test suite; both install
# what they need (apt packages) first. `make help` lists the rest.

CARGO ?= cargo
BUILD ?= build
RTL := $(BUILD)/rtl
LEAVES_ALL := 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
GEN := $(CARGO) run -q --release -p optimus-hdl --bin gen-verilog --
LINT := verilator --lint-only -Wall -Wno-DECLFILENAME

CONFIGS := pair2 membench8 mixed8 hasher8

.PHONY: help demo test deps unit lint sim-test vfio-guest formal bench-mux bench-shell bench-driver bench-daemon slot-area synth-report rtl style clean

help:
	@echo "make demo          optimusd on the simulated mixed8 FPGA serving four example tenants"
	@echo "make test          everything CI runs: unit tests, lint, Verilator testbenches, driver, daemon, formal"
	@echo "make formal        prove slot isolation on the emitted auditor + preemption controller"
	@echo "make bench-mux     utilization, fairness and latency of the mux tree (table)"
	@echo "make bench-shell   optimus_shell: simulation speed, MemBench and Hasher throughput"
	@echo "make slot-area     yosys LUTs and flip-flops of the per-slot auditor and preemption controller"
	@echo "make synth-report  yosys area and logic depth, tree vs flat mux, N = 2, 4, 8, 16"
	@echo "make rtl           write build/rtl/n<N>/optimus_mux_tree.v for N = 1..16"
	@echo "make lint          verilator -Wall on every emitted file"
	@echo "make vfio-guest    VFIO backend test in a QEMU guest with an emulated IOMMU"
	@echo "make bench-driver  Device API on the simulated FPGA: MMIO round trip, map/unmap rate"
	@echo "make bench-daemon  optimusd: MMIO through the daemon, buffer sharing, 1..8 tenants vs direct"

deps:
	@scripts/deps.sh verilator

demo: deps
	@scripts/demo.sh

# The closing line counts the suites above (make stops at the first that fails).
test: deps style unit lint sim-test vfio-guest formal
	@echo "suites: style, unit, lint, sim-test, vfio-guest, formal"
	@echo "test: 6 passed, 0 failed"

style:
	$(CARGO) fmt --all --check
	$(CARGO) clippy -q --workspace --all-targets -- -D warnings

# The driver's and the daemon's tests include the simulated FPGA (Verilator, model cache).
unit:
	$(CARGO) test -q -p optimus-regs -p optimus-hdl -p optimus-driver -p optimus-hypervisor

# Proofs of slot isolation (P1-P4) on the emitted Verilog, with mutants that must fail;
# docs/formal.md. Under 5 minutes on a 2-core machine.
formal:
	@scripts/formal.sh

# The VFIO backend for real: a QEMU guest with an emulated Intel IOMMU and the edu device.
vfio-guest:
	driver/tests/qemu/run-vfio-guest.sh

rtl:
	@for n in $(LEAVES_ALL); do \
	    $(GEN) mux-tree --leaves $$n --out $(RTL)/n$$n >/dev/null && \
	    $(GEN) flat-mux --leaves $$n --out $(RTL)/n$$n >/dev/null || exit 1; \
	done
	@for c in $(CONFIGS); do $(GEN) shell --config $$c --out $(RTL)/$$c >/dev/null || exit 1; done
	@echo "rtl: wrote $(RTL)/n{1..16}/{optimus_mux_tree,optimus_flat_mux}.v and $(RTL)/<config>/optimus_shell.v, regs.json"

lint: deps rtl
	@for n in $(LEAVES_ALL); do \
	    for top in optimus_mux_tree optimus_flat_mux; do \
	        $(LINT) --top-module $$top $(RTL)/n$$n/$$top.v || { echo "lint: $$top N=$$n FAILED"; exit 1; }; \
	    done; \
	done
	@for c in $(CONFIGS); do \
	    $(LINT) --top-module optimus_shell $(RTL)/$$c/optimus_shell.v || { echo "lint: optimus_shell $$c FAILED"; exit 1; }; \
	done
	@echo "lint: 32 mux files and the shells of $(CONFIGS) clean (verilator -Wall)"

# --show-output: every run prints N and its seed (OPTIMUS_SEED=... replays it).
sim-test: deps
	$(CARGO) test --release -p optimus-sim-tests -- --show-output

bench-driver: deps
	$(CARGO) run -q --release -p optimus-driver --example bench_device

bench-daemon: deps
	$(CARGO) run -q --release -p optimus-hypervisor --bin bench-daemon 2>/dev/null

bench-shell: deps
	$(CARGO) run -q --release -p optimus-sim-tests --bin bench-shell

slot-area:
	@scripts/deps.sh yosys
	@scripts/slot-area.sh

bench-mux: deps
	$(CARGO) run -q --release -p optimus-sim-tests --bin bench-mux -- --markdown $(BUILD)/bench-mux.md

synth-report:
	@scripts/deps.sh yosys
	@scripts/synth-report.sh

clean:
	rm -rf $(BUILD)
	$(CARGO) clean
