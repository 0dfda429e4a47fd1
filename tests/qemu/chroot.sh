#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# chroot.sh: provide a Debian unstable (sid) chroot with the QEMU, kernel
# and compiler that `make qemu-check` uses, and print its path.
#
# The chroot is built with debootstrap (--variant=minbase plus the packages
# below) from the mirror of this machine's own apt sources, and cached in
# $UIOMMUFD_QEMU_CACHE (default /var/cache/uiommufd-qemu) under a key made
# from the package list and this recipe: a second run on the same machine
# reuses it; a changed list builds a new one (and removes the old ones),
# as does an age of UIOMMUFD_QEMU_MAX_AGE_DAYS (default 30).
# A chroot is published (renamed into place) only once complete, so an
# interrupted build is redone. Runs as root.
#
#   tests/qemu/chroot.sh           the path, building the chroot if needed
#   tests/qemu/chroot.sh --key     only the cache key
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${UIOMMUFD_QEMU_CACHE:-/var/cache/uiommufd-qemu}
SUITE=sid

# What the guest boot needs (QEMU, a kernel, busybox and cpio for the
# initramfs) and what building uiommufd inside needs (its build
# dependencies, and gcc for the static guest program).
PACKAGES=(
	qemu-system-x86 linux-image-amd64 busybox-static cpio
	gcc libc6-dev meson ninja-build pkg-config libcap-dev libcmocka-dev
)

log() { echo "qemu-chroot: $*" >&2; }
die() { log "error: $*"; exit 2; }

# Bump when the way the chroot is made changes, so old caches are redone
RECIPE=2
key=$(printf '%s\n' "$RECIPE" "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-16)
if [ "${1:-}" = --key ]; then
	echo "$key"
	exit 0
fi

dir=$CACHE/$SUITE-$key
# Unstable moves on: a cached chroot older than this is built anew
MAX_AGE_DAYS=${UIOMMUFD_QEMU_MAX_AGE_DAYS:-30}
if [ -f "$dir/complete" ] && [ -z "$(find "$dir/complete" -mtime "+$MAX_AGE_DAYS")" ]; then
	echo "$dir/root"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "building the chroot needs root (debootstrap); run as root, or set UIOMMUFD_SKIP_QEMU=1"
mkdir -p "$CACHE"
# Run alone, take the lock qemu-check.sh holds while it uses a chroot
if [ -z "${UIOMMUFD_QEMU_LOCKED:-}" ]; then
	exec 9>"$CACHE/lock"
	flock -w 3600 9 || die "another run holds $CACHE/lock"
fi
"$ROOT/scripts/install-deps.sh" debootstrap || die "cannot install debootstrap"
mirror=$("$ROOT/scripts/debian-mirror.sh") || die "no Debian mirror in this machine's apt sources"

tmp=$CACHE/building-$key
rm -rf --one-file-system "$tmp"
mkdir -p "$tmp"
include=$(
	IFS=,
	echo "${PACKAGES[*]}"
)
log "debootstrap $SUITE from $mirror with $include"
t0=$SECONDS
# Two stages, so that in between the kernel's hooks can be told that no
# initramfs is wanted: the guest boots from the one qemu-check.sh makes,
# and dracut would spend minutes making two of its own
if ! debootstrap --foreign --variant=minbase --include="$include" --components=main \
	"$SUITE" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
	! mkdir -p "$tmp/root/etc/initramfs-tools" ||
	! echo update_initramfs=no >"$tmp/root/etc/initramfs-tools/update-initramfs.conf" ||
	! INITRD=No chroot "$tmp/root" /debootstrap/debootstrap --second-stage \
		>>"$tmp/debootstrap.log" 2>&1; then
	tail -n 30 "$tmp/debootstrap.log" >&2
	[ -f "$tmp/root/debootstrap/debootstrap.log" ] && tail -n 30 "$tmp/root/debootstrap/debootstrap.log" >&2
	die "debootstrap failed (log: $tmp/debootstrap.log)"
fi
# Not needed again: the downloaded packages, and the distribution's
# initramfs (the guest boots from one made by qemu-check.sh)
rm -f "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/boot/initrd.img-"*
log "chroot built in $((SECONDS - t0)) s ($(du -sh --one-file-system "$tmp/root" | cut -f1))"
# Published complete; then other keys and older builds go
rm -rf --one-file-system "$dir"
mv "$tmp" "$dir"
touch "$dir/complete"
for old in "$CACHE"/*; do
	case $old in
	"$dir" | "$CACHE/lock") ;;
	*) rm -rf --one-file-system "$old" ;;
	esac
done
echo "$dir/root"
