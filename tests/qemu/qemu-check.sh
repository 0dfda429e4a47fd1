#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# qemu-check.sh: boot Debian unstable's unmodified QEMU with a device
# emulated by uiommufd assigned to the guest, the way a new user would, and
# check the device's DMA into guest RAM from inside the guest
# (docs/qemu-check.md).
#
# In a Debian sid chroot (tests/qemu/chroot.sh, cached): build uiommufd and
# the static guest program, pack the program with busybox into an
# initramfs, then for each configuration run
#   uiommufd-run --device MODEL -- qemu-system-x86_64 -nographic -m 512 \
#       -kernel /boot/vmlinuz-* -initrd ... -device vfio-pci,...
# and read the serial console: the guest prints "guest-dma: RESULT PASS".
# A table of the configurations ends the output; the exit status is 0 only
# if every one passed.
#
#   tests/qemu/qemu-check.sh                 every configuration
#   tests/qemu/qemu-check.sh NAME...         only those (see --list)
#   tests/qemu/qemu-check.sh --list          the configurations
#   tests/qemu/qemu-check.sh --shell [NAME]  a shell in the prepared chroot, with
#                                            the command of one configuration
#
# Environment: UIOMMUFD_SKIP_QEMU=1 skips it all (said loudly);
# UIOMMUFD_QEMU_ONLY=name[,name] only those configurations (as NAME...);
# UIOMMUFD_QEMU_TIMEOUT seconds for one boot (default 180);
# UIOMMUFD_QEMU_RUN_OPTS more uiommufd-run options, e.g. --trace=/tmp/t
# (paths are the chroot's);
# UIOMMUFD_QEMU_LOGS the directory of the console logs (default
# build/qemu-check). Needs root (debootstrap, chroot, mounts) and the
# Debian mirror of this machine's apt sources; without them it fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${UIOMMUFD_QEMU_CACHE:-/var/cache/uiommufd-qemu}
TIMEOUT=${UIOMMUFD_QEMU_TIMEOUT:-180}
LOGS=${UIOMMUFD_QEMU_LOGS:-$ROOT/build/qemu-check}
# Paths inside the chroot
SRC=/src
BUILD=/var/tmp/uiommufd-build
GUEST=/var/tmp/qemu-guest
MEM=512

log() { echo "qemu-check: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# name|device model|QEMU arguments for the device and memory (@BDF@ and
# @SYSFS@ become the device's address and sysfs directory)[|words added
# to the guest kernel's command line[|a launcher that starts QEMU, run by
# uiommufd-run: @FDPASS@ is examples/fd-pass]]
CONFIGS=(
	"iommufd-host|udma|-object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0"
	"iommufd-sysfsdev|udma|-object iommufd,id=iommufd0 -device vfio-pci,sysfsdev=@SYSFS@,iommufd=iommufd0"
	"container|udma|-device vfio-pci,host=@BDF@"
	"iommufd-memfd|udma|-object memory-backend-memfd,id=ram0,size=${MEM}M -machine memory-backend=ram0 -object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0"
	"container-memfd|udma|-object memory-backend-memfd,id=ram0,size=${MEM}M -machine memory-backend=ram0 -device vfio-pci,host=@BDF@"
	"edu-iommufd|edu|-object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0"
	"edu-container-memfd|edu|-object memory-backend-memfd,id=ram0,size=${MEM}M -machine memory-backend=ram0 -device vfio-pci,host=@BDF@"
	"q35-iommufd|udma|-machine q35 -object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0"
	"iommufd-fdpass|udma|-object iommufd,id=iommufd0,fd={iommufd} -device vfio-pci,id=hostdev0,host=@BDF@,fd={vfio},iommufd=iommufd0||@FDPASS@ --exec --vfio /dev/vfio/devices/vfio0"
	"iommufd-fdpass-fork|udma|-object memory-backend-memfd,id=ram0,size=${MEM}M -machine memory-backend=ram0,aux-ram-share=on -object iommufd,id=iommufd0,fd={iommufd} -device vfio-pci,id=hostdev0,host=@BDF@,fd={vfio},iommufd=iommufd0||@FDPASS@ --vfio /dev/vfio/devices/vfio0"
	"q35-vtd-caching|udma|-machine q35 -device intel-iommu,caching-mode=on -object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0|intel_iommu=on GUEST_DMA_MODE=vfio"
	"q35-vtd-fsts|udma,iommu=vtd|-machine q35 -device intel-iommu,caching-mode=on,scalable-mode=on,fsts=on -object iommufd,id=iommufd0 -device vfio-pci,host=@BDF@,iommufd=iommufd0|intel_iommu=on,sm_on GUEST_DMA_MODE=vfio"
)
# The guest kernel's modules for VFIO in the guest, in load order
VFIO_MODULES="irqbypass vfio vfio_iommu_type1 vfio-pci-core vfio-pci"
# The first emulated device's address (src/emu/emu_devices.c, docs/vfio.md)
BDF=5546:00:01.0

usage() { sed -n '/^# qemu-check.sh:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

if [ "${UIOMMUFD_SKIP_QEMU:-}" = 1 ]; then
	echo "qemu-check: SKIPPED: UIOMMUFD_SKIP_QEMU=1 is set; no QEMU guest was booted"
	echo "qemu-check: 0 passed, 0 failed, ${#CONFIGS[@]} skipped"
	exit 0
fi
case "${1:-}" in
--help | -h)
	usage
	exit 0
	;;
--list)
	for c in "${CONFIGS[@]}"; do echo "${c%%|*}"; done
	exit 0
	;;
esac
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts); set UIOMMUFD_SKIP_QEMU=1 to skip it knowingly"

# Mounts live in a mount namespace of this run: whatever happens, none is
# left behind on the host (the trap below also undoes them in order)
if [ -z "${UIOMMUFD_QEMU_NS:-}" ]; then
	UIOMMUFD_QEMU_NS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi

mkdir -p "$CACHE" "$LOGS"
# One run at a time uses the cached chroot
exec 9>"$CACHE/lock"
flock -w 3600 9 || die "another qemu-check holds $CACHE/lock"
export UIOMMUFD_QEMU_LOCKED=1

t_start=$SECONDS
chroot_dir=$("$ROOT/tests/qemu/chroot.sh") || die "no Debian sid chroot (see above)"
t_chroot=$((SECONDS - t_start))

mounted=()
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
	done
	mounted=()
}
trap unmount_all EXIT
trap 'exit 130' INT TERM

mount_in() {
	local target=$chroot_dir$1
	shift
	mkdir -p "$target"
	mount "$@" "$target"
	mounted+=("$target")
}
mount_in /proc -t proc proc
mount_in /sys --bind /sys
mount_in /dev --bind /dev
mount_in /dev/shm -t tmpfs -o mode=1777 tmpfs
mount_in "$SRC" --bind "$ROOT"
mount -o remount,bind,ro "$chroot_dir$SRC"

in_chroot() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# uiommufd, built against the chroot's glibc; a fresh build directory, as
# its sources may be another tree's than last time
t0=$SECONDS
log "building uiommufd in the chroot"
if ! in_chroot sh -c "rm -rf $BUILD && meson setup $BUILD $SRC >/dev/null &&
	ninja -C $BUILD -j2 preload/uiommufd-run preload/libuiommufd-preload.so \
		examples/fd-pass >/dev/null" \
	>"$LOGS/build.log" 2>&1; then
	tail -n 40 "$LOGS/build.log" >&2
	die "building uiommufd in the chroot failed (log: $LOGS/build.log)"
fi

# The guest: guest-dma (static) and busybox in an initramfs
log "building the guest initramfs"
if ! in_chroot sh -ec "rm -rf $GUEST && mkdir -p $GUEST/root/bin $GUEST/root/dev \
		$GUEST/root/proc $GUEST/root/sys
	gcc -static -O2 -Wall -Wextra -Werror -I$SRC/include -o $GUEST/root/guest-dma \
		$SRC/tests/qemu/guest_dma.c $SRC/tests/qemu/guest_udma.c $SRC/tests/qemu/guest_edu.c \
		$SRC/tests/qemu/guest_vfio.c
	cp /bin/busybox $GUEST/root/bin/busybox
	# The guest's VFIO (type1: the kernel has no iommufd), in load order
	mkdir $GUEST/root/modules
	for m in $VFIO_MODULES; do
		f=\$(find /lib/modules/*/kernel -name \$m.ko.xz)
		busybox xzcat \$f >$GUEST/root/modules/\$m.ko
		echo \$m >>$GUEST/root/modules/order
	done
	install -m 755 $SRC/tests/qemu/init $GUEST/root/init
	mknod $GUEST/root/dev/console c 5 1
	cd $GUEST/root && find . | cpio -o -H newc --quiet >$GUEST/initramfs.cpio" \
	>"$LOGS/guest.log" 2>&1; then
	cat "$LOGS/guest.log" >&2
	die "building the guest failed"
fi
kernel=$(find "$chroot_dir/boot" -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -1)
[ -n "$kernel" ] || die "no kernel in $chroot_dir/boot"
kernel=/boot/$kernel
t_build=$((SECONDS - t0))
qemu_version=$(in_chroot qemu-system-x86_64 --version | head -1)
log "$qemu_version; guest kernel $kernel"

# The configuration named $1: its device model in $model, the command
# (run in the chroot) in the array cmd
config_command() {
	local c name args append launch
	for c in "${CONFIGS[@]}"; do
		IFS='|' read -r name model args append launch <<<"$c"
		[ "$name" = "$1" ] && break
	done
	[ "$name" = "$1" ] || return 1
	args=${args//@BDF@/$BDF}
	args=${args//@SYSFS@/\/sys\/bus\/pci\/devices\/$BDF}
	launch=${launch//@FDPASS@/$BUILD/examples/fd-pass}
	# shellcheck disable=SC2206 # $args is a list of words
	cmd=($BUILD/preload/uiommufd-run --device "$model" ${UIOMMUFD_QEMU_RUN_OPTS:-} -- $launch
		qemu-system-x86_64 -nographic -no-reboot -m $MEM
		-kernel "$kernel" -initrd $GUEST/initramfs.cpio
		-append "console=ttyS0 panic=-1 hugepages=4${append:+ $append}" $args)
}

# A command to paste into a shell: words with blanks in quotes
shell_words() {
	local w out=()
	for w in "$@"; do
		[[ $w =~ [[:space:]] ]] && w="'$w'"
		out+=("$w")
	done
	echo "${out[*]}"
}

# One configuration: boot, read the console; 0 if the guest said PASS
run_config() {
	local console=$LOGS/$1.log model cmd

	config_command "$1"
	echo "# in the chroot $chroot_dir: $(shell_words "${cmd[@]}")" >"$console"
	# (the shell's own word on a QEMU that aborted goes nowhere: the
	# exit status is in the console log)
	{ timeout --kill-after=10 "$TIMEOUT" chroot "$chroot_dir" /usr/bin/env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "${cmd[@]}" \
		</dev/null >>"$console" 2>&1 || echo "# exit status $?" >>"$console"; } 2>/dev/null
	grep -q "^guest-dma: RESULT PASS ${model%%,*} " "$console"
}

# The end of a console, without the CPU registers QEMU dumps when it aborts
console_tail() {
	grep -v -E '^(CPU #[0-9]+:|[A-Z][A-Z0-9]{1,5} *=)' "$1" | tail -n 25
}

if [ "${1:-}" = --shell ]; then
	config_command "${2:-iommufd-host}" || die "no configuration ${2:-} (see --list)"
	log "a shell in the chroot $chroot_dir: uiommufd at $SRC (read-only), built in $BUILD;"
	log "configuration ${2:-iommufd-host} (add rdinit=/bin/sh to -append for a guest shell):"
	shell_words "${cmd[@]}" >&2
	in_chroot /bin/bash -l || true
	exit 0
fi

selected=("$@")
# UIOMMUFD_QEMU_ONLY=name[,name]: those configurations, when none is named
if ((!${#selected[@]})) && [ -n "${UIOMMUFD_QEMU_ONLY:-}" ]; then
	IFS=, read -ra selected <<<"$UIOMMUFD_QEMU_ONLY"
fi
wanted() {
	local s
	((${#selected[@]})) || return 0
	for s in "${selected[@]}"; do [ "$s" = "$1" ] && return 0; done
	return 1
}

results=()
failed=0
ran=0
for c in "${CONFIGS[@]}"; do
	IFS='|' read -r name model _ <<<"$c"
	wanted "$name" || continue
	ran=$((ran + 1))
	t0=$SECONDS
	if run_config "$name"; then
		verdict=PASS
	else
		verdict=FAIL
		failed=$((failed + 1))
		log "$name FAILED; the end of its console ($LOGS/$name.log):"
		console_tail "$LOGS/$name.log" >&2
	fi
	results+=("$(printf '%-22s %-14s %-6s %4d s  %s' "$name" "$model" "$verdict" \
		$((SECONDS - t0)) "$(grep -c '^guest-dma: PASS' "$LOGS/$name.log") checks passed in the guest")")
done
((ran)) || die "no configuration named ${selected[*]} (see --list)"

echo "qemu-check: $qemu_version, guest $kernel, -m $MEM, TCG"
echo "qemu-check: configuration          device         result boot"
for r in "${results[@]}"; do echo "qemu-check: $r"; done
echo "qemu-check: chroot $t_chroot s, builds $t_build s, total $((SECONDS - t_start)) s"
echo "qemu-check: $((ran - failed)) passed, $failed failed"
((failed == 0))
