#!/usr/bin/env bash
# Installs the system packages the build needs, only when missing (we are root on these
# machines; elsewhere run it with sudo). Usage: scripts/deps.sh [verilator] [yosys] ...
set -euo pipefail

# python3-venv-support is not a command: it always installs Debian's python3-venv.
declare -A package=([verilator]=verilator [yosys]=yosys [z3]=z3 [python3-venv-support]=python3-venv)
missing=()
for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]:-$tool}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]} (apt)..." >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: need root to install ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}" >&2
