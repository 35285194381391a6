#!/usr/bin/env bash
# Runs the VFIO layer's real test (driver/tests/vfio_guest) inside a QEMU guest that has an
# emulated Intel IOMMU and QEMU's `edu` PCI device, under TCG (no KVM, no PCI hardware).
#
# Steps: install missing Debian packages; fetch Debian's kernel (the version linux-image-amd64
# points at) with `apt-get download`, unpack it, depmod it, keep only the vfio modules (in
# load order) and the kernel, also unpacked to vmlinux (TCG boots that faster than the
# self-decompressing bzImage), all cached (about 40 MB); build the test as a static binary; pack
# an initramfs (busybox + the modules + /init that binds edu to vfio-pci and runs the test);
# boot; judge the serial log. A cold run takes about 30 s, a warm one about 10 s.
#
# Last line of output: `vfio-guest: PASS` or `vfio-guest: FAIL (<reason>)`; exit status 0 or 1.
#
# Environment:
#   OPTIMUS_QEMU_CACHE    cache dir (default <repo>/build/qemu-cache): kernel, modules
#   OPTIMUS_VFIO_LOGS     where the serial log, QEMU's stderr and the initramfs go
#                         (default <repo>/build/vfio-guest)
#   OPTIMUS_QEMU_TIMEOUT  seconds before the guest is killed (default 300)
#   OPTIMUS_QEMU_BZIMAGE  set to 1 to boot the bzImage instead of the unpacked vmlinux
#   QEMU                  the emulator (default qemu-system-x86_64)
#   CARGO_TARGET_DIR      honoured by the build as usual
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${OPTIMUS_QEMU_CACHE:-$repo/build/qemu-cache}
logs=${OPTIMUS_VFIO_LOGS:-$repo/build/vfio-guest}
timeout_s=${OPTIMUS_QEMU_TIMEOUT:-300}
qemu=${QEMU:-qemu-system-x86_64}
target=x86_64-unknown-linux-gnu

say() { echo "vfio-guest: $*" >&2; }
fail() {
    echo "vfio-guest: FAIL ($*)"
    exit 1
}
t0=$EPOCHREALTIME
lap() { say "$(awk -v a="$EPOCHREALTIME" -v b="$t0" -v m="$1" 'BEGIN { printf "%-30s %6.1f s", m, a - b }')"; }

# --- 1. Host packages -------------------------------------------------------------------
apt_updated=0
apt_update() {
    if ((apt_updated == 0)); then
        say "apt-get update"
        apt-get update -qq >&2 || fail "apt-get update failed"
        apt_updated=1
    fi
}
missing=()
command -v "$qemu" >/dev/null || missing+=(qemu-system-x86)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
command -v cpio >/dev/null || missing+=(cpio)
command -v depmod >/dev/null || missing+=(kmod)
command -v xz >/dev/null || missing+=(xz-utils)
command -v readelf >/dev/null || missing+=(binutils)
command -v timeout >/dev/null || fail "no timeout(1): install coreutils"
if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || fail "missing packages ${missing[*]}: run as root or apt-get install them"
    apt_update
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2 || fail "apt-get install ${missing[*]} failed"
fi
busybox=$(dpkg -L busybox-static | grep -m1 '/bin/busybox$') || fail "busybox-static has no binary"

# --- 2. Guest kernel (cached) -----------------------------------------------------------
resolve_kernel() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1; }
kpkg=$(resolve_kernel || true)
if [[ -z $kpkg ]]; then
    kpkg=$(cat "$cache/kernel-current" 2>/dev/null || true)
    if [[ -z $kpkg ]]; then
        apt_update
        kpkg=$(resolve_kernel) || true
    fi
fi
[[ -n $kpkg ]] || fail "cannot resolve the kernel package behind linux-image-amd64"
kver=${kpkg#linux-image-}
kroot=$cache/$kpkg
if [[ ! -f $kroot/.complete ]]; then
    say "fetching $kpkg"
    rm -rf "$kroot" && mkdir -p "$kroot/deb" "$kroot/modules"
    (cd "$kroot/deb" && apt-get download -qq "$kpkg" >&2 2>/dev/null) ||
        { apt_update && (cd "$kroot/deb" && apt-get download -qq "$kpkg" >&2); } ||
        fail "apt-get download $kpkg failed"
    dpkg-deb -x "$kroot"/deb/*.deb "$kroot/root"
    # The package ships no modules.dep. Dependency order then comes from modprobe itself
    # (-a: every argument is a module, not a parameter): vfio, vfio_iommu_type1 (a soft
    # dependency of vfio), irqbypass, vfio_virqfd, vfio-pci-core, vfio-pci.
    depmod -b "$kroot/root" "$kver"
    mods=$(modprobe -d "$kroot/root" -S "$kver" --show-depends -a vfio_iommu_type1 vfio-pci |
        awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
    [[ -n $mods ]] || fail "modprobe found no vfio modules in $kpkg"
    for m in $mods; do
        name=$(basename "${m%.xz}")
        case $m in *.xz) xz -dc "$m" >"$kroot/modules/$name" ;; *) cp "$m" "$kroot/modules/$name" ;; esac
        echo "$name" >>"$kroot/modules/order"
    done
    mv "$kroot/root/boot/vmlinuz-$kver" "$kroot/vmlinuz"
    # TCG boots the unpacked kernel (an ELF with a PVH entry) about twice as fast. Input from
    # a process substitution: xz stops at the end of the stream, and the SIGPIPE of a reader
    # in a pipeline would fail it under pipefail.
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$kroot/vmlinuz" | head -1 | cut -d: -f1 || true)
    if [[ -n $off ]] && xz -dc --single-stream <(tail -c +$((off + 1)) "$kroot/vmlinuz") >"$kroot/vmlinux" 2>/dev/null &&
        [[ $(head -c 4 "$kroot/vmlinux" | od -An -c | tr -d ' ') == 177ELF ]]; then
        say "unpacked vmlinux from the bzImage"
    else
        rm -f "$kroot/vmlinux"
    fi
    rm -rf "$kroot/deb" "$kroot/root"
    touch "$kroot/.complete"
fi
echo "$kpkg" >"$cache/kernel-current"
kernel=$kroot/vmlinuz
[[ -f $kroot/vmlinux && ${OPTIMUS_QEMU_BZIMAGE:-0} != 1 ]] && kernel=$kroot/vmlinux
lap "kernel $kver ready"

# --- 3. Static test binary --------------------------------------------------------------
say "building the static test binary"
mkdir -p "$logs"
# With --target, RUSTFLAGS reach only the target's crates: build scripts and proc macros stay
# dynamic, the test binary links glibc statically.
build_json=$(cd "$repo" && RUSTFLAGS='-C target-feature=+crt-static' cargo test --release \
    --no-run --target "$target" -p optimus-driver --no-default-features --test vfio_guest \
    --message-format=json \
    2>"$logs/cargo.log") || { tail -n 30 "$logs/cargo.log" >&2; fail "cargo build of the guest test failed"; }
bin=$(grep -o '"executable":"[^"]*"' <<<"$build_json" | tail -1 | cut -d'"' -f4)
[[ -x $bin ]] || fail "cargo produced no test executable"
readelf -lW "$bin" | grep -q 'Requesting program interpreter' &&
    fail "$bin is dynamically linked (RUSTFLAGS crt-static not applied?)"
expected=$("$bin" --list --format terse | grep -c ': test$')
lap "test binary ($expected tests)"

# --- 4. Initramfs -----------------------------------------------------------------------
ird=$(mktemp -d)
trap 'rm -rf "$ird"' EXIT
mkdir -p "$ird"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$busybox" "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
cp "$bin" "$ird/vfio_guest"
cp "$kroot"/modules/* "$ird/lib/modules/"
cat >"$ird/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m || echo "init: insmod $m failed"; done
edu=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x11e8 ]; then edu=${d##*/}; fi
done
if [ -z "$edu" ]; then
    echo "VFIO-GUEST-RESULT: no edu device"
else
    echo vfio-pci > /sys/bus/pci/devices/$edu/driver_override
    [ -e /sys/bus/pci/devices/$edu/driver ] && echo $edu > /sys/bus/pci/devices/$edu/driver/unbind
    echo $edu > /sys/bus/pci/drivers_probe
    drv=$(readlink /sys/bus/pci/devices/$edu/driver)
    echo "init: $edu bound to ${drv##*/}, group $(readlink /sys/bus/pci/devices/$edu/iommu_group | sed 's,.*/,,')"
    if [ "${drv##*/}" != vfio-pci ]; then
        echo "init: binding failed; modules:"; cat /proc/modules; ls /sys/bus/pci/drivers; dmesg | tail -n 20
    fi
    OPTIMUS_VFIO_GUEST=1 /vfio_guest --test-threads=1 --nocapture
    echo "VFIO-GUEST-RESULT: rc=$?"
fi
poweroff -f
EOF
chmod +x "$ird/init"
initrd=$logs/initramfs.cpio
(cd "$ird" && find . | sort | cpio -o -H newc --quiet >"$initrd")
lap "initramfs $(($(stat -c %s "$initrd") / 1024)) KiB"

# --- 5. Boot ----------------------------------------------------------------------------
serial=$logs/serial.log
qerr=$logs/qemu-stderr.log
say "booting $(basename "$kernel") under TCG (timeout ${timeout_s}s); serial log: $serial"
set +e
timeout -k 10 "$timeout_s" "$qemu" -nodefaults -no-user-config -display none -no-reboot \
    -machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 1 -m 256M \
    -device intel-iommu,intremap=on -device edu \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 intel_iommu=on panic=-1" \
    -serial stdio </dev/null >"$serial" 2>"$qerr"
qrc=$?
set -e
lap "guest done (qemu exit $qrc)"

# --- 6. Verdict -------------------------------------------------------------------------
tr -d '\r' <"$serial" >"$serial.tmp" && mv "$serial.tmp" "$serial"
# What the tests printed (a test's first line shares the line of libtest's "test x ... ").
sed -nE 's/^(test [^ ]+ \.\.\. )?((init: |edu at |probe64|dma round trip|isolation ok|kernel log: |expected error: |bench \[|VFIO_DEVICE_RESET).*)/\2/p' \
    "$serial" >&2
grep -q 'vtd_iova_to_slpte\|vtd_iommu_translate' "$qerr" &&
    say "QEMU's stderr shows the IOMMU blocking DMA: $(grep -m1 'vtd_' "$qerr")"
((qrc == 124 || qrc == 137)) && fail "guest timed out after ${timeout_s}s, see $serial"
hwerr=$(grep -m1 'hardware error' "$qerr" || true)
[[ -z $hwerr ]] || fail "QEMU aborted: $hwerr"
result=$(grep -m1 '^VFIO-GUEST-RESULT:' "$serial" || true)
[[ -n $result ]] || fail "no verdict from the guest (qemu exit $qrc), see $serial"
[[ $result == 'VFIO-GUEST-RESULT: rc=0' ]] || {
    panic=$(grep -m1 -A1 'panicked at' "$serial" | tail -1 || true)
    fail "${result#VFIO-GUEST-RESULT: }${panic:+: $panic}"
}
summary=$(grep -m1 '^test result:' "$serial" || true)
grep -q "^test result: ok\. $expected passed; 0 failed" <<<"$summary" ||
    fail "expected $expected passed tests, got: ${summary:-no libtest summary}"
say "$summary"
echo "vfio-guest: PASS"
