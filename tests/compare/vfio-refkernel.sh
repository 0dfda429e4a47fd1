#!/usr/bin/env bash
# Run a static program on the real Linux 7.2 with VFIO PCI devices to drive:
# the refkernel tree (../shared/tools/refkernel) rebuilt with vfio-pci, booted
# under QEMU as a q35 machine with an emulated VT-d IOMMU and two of QEMU's
# "edu" PCI devices (each in its own IOMMU group), both bound to vfio-pci.
# It is how the VFIO behaviour of uiommufd is checked against the kernel's:
# group and cdev files, sysfs, errno of every call. Not part of make check
# (it needs the kernel build, 30-50 minutes the first time).
#
#   tests/compare/vfio-refkernel.sh build          build the kernel (cached)
#   tests/compare/vfio-refkernel.sh run PROG ARGS  boot it and run PROG
#
# Environment: VFIO_REFKERNEL_CACHE (default /var/cache/uiommufd-vfiokernel),
# REFKERNEL (the refkernel tool), REFKERNEL_MEM (2G), REFKERNEL_TIMEOUT (600).
# The kernel is the refkernel's configuration plus vfio-pci and the no-IOMMU
# mode (as distributions build them); its iommufd test module is there too,
# so errno_matrix runs on it as well.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
REFKERNEL=${REFKERNEL:-$here/../../../shared/tools/refkernel}
CACHE=${VFIO_REFKERNEL_CACHE:-/var/cache/uiommufd-vfiokernel}
MEM=${REFKERNEL_MEM:-2G}
TIMEOUT=${REFKERNEL_TIMEOUT:-600}
die() { echo "vfio-refkernel: $*" >&2; exit 1; }

cmd_build() {
	local src=$CACHE/src
	if [ ! -f "$src/arch/x86/boot/bzImage" ]; then
		local ref
		ref=$("$REFKERNEL" src | tail -1)
		[ -d "$ref" ] || die "refkernel src gave no tree"
		mkdir -p "$CACHE"
		rm -rf "$src"
		cp -a "$ref/." "$src"
		(
			cd "$src"
			[ -f .config ] || { make x86_64_defconfig >/dev/null; make kvm_guest.config >/dev/null; }
			./scripts/config -e PCI -e PCI_MSI -e VFIO -e VFIO_GROUP -e VFIO_DEVICE_CDEV \
				-d VFIO_CONTAINER -e IOMMUFD -e IOMMUFD_VFIO_CONTAINER -e IOMMUFD_TEST \
				-e VFIO_PCI_CORE -e VFIO_PCI -e VFIO_PCI_INTX -e VFIO_NOIOMMU -e VFIO_VIRQFD \
				-e INTEL_IOMMU -e IRQ_REMAP -e EVENTFD -e DEVTMPFS -e DEVTMPFS_MOUNT
			make olddefconfig >/dev/null
			grep -q '^CONFIG_VFIO_PCI=y' .config || die "VFIO_PCI could not be enabled"
			make -j"$(nproc)" bzImage >"$CACHE/build.log" 2>&1 ||
				{ tail -30 "$CACHE/build.log"; die "kernel build failed"; }
		)
	fi
	echo "$src/arch/x86/boot/bzImage"
}

cmd_run() {
	[ $# -ge 1 ] || die "usage: $0 run PROG [ARGS..]"
	local prog=$1; shift
	local kernel; kernel=$(cmd_build | tail -1)
	local work; work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	mkdir -p "$work/root"/{bin,proc,sys,dev,tmp,t}
	cp /bin/busybox "$work/root/bin/busybox"
	cp "$prog" "$work/root/t/prog"
	local args=""
	for a in "$@"; do args+=" '${a//\'/\'\\\'\'}'"; done
	cat >"$work/root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
for d in /sys/bus/pci/devices/*; do
	if [ "\$(cat \$d/vendor)" = 0x1234 ] && [ "\$(cat \$d/device)" = 0x11e8 ]; then
		echo vfio-pci > \$d/driver_override
		echo \$(basename \$d) > /sys/bus/pci/drivers_probe
	fi
done
cd /t
echo "@@BEGIN@@"
/t/prog$args
echo "@@EXIT=\$?@@"
poweroff -f
INIT
	chmod +x "$work/root/init"
	(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initrd.gz")
	timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "$MEM" \
		-smp "$(nproc)" -nographic -no-reboot \
		-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,aw-bits=48 \
		-device edu,addr=04.0 -device edu,addr=05.0 \
		-kernel "$kernel" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 oops=panic intel_iommu=on" >"$work/console" 2>&1 || true
	# The program's lines only: not the kernel's or QEMU's messages
	tr -d '\r' <"$work/console" | sed -n '/@@BEGIN@@/,/@@EXIT=/p' | sed '1d;$d' |
		grep -v -e '^\[ *[0-9]*\.[0-9]*\]' -e '^qemu-system'
	local rc
	rc=$(tr -d '\r' <"$work/console" | sed -n 's/.*@@EXIT=\([0-9]*\)@@.*/\1/p' | tail -1)
	if [ -z "$rc" ]; then
		echo "vfio-refkernel: the program did not finish; last console lines:" >&2
		tr -d '\r' <"$work/console" | tail -30 >&2
		return 124
	fi
	return "$rc"
}

case "${1:-}" in
build) cmd_build ;;
run) shift; cmd_run "$@" ;;
*) sed -n '2,16p' "$0"; exit 2 ;;
esac
