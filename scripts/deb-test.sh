#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# deb-test.sh DEBDIR: install the packages of make deb into a clean Debian
# root of this machine's release (debootstrap minbase, plus a compiler),
# and use them there: a program built with pkg-config against the -dev
# package runs on the library, a program run by uiommufd-run gets an
# injected failure and a trace, the man pages and uiommufdctl are there;
# then the packages are removed. The clean root is made once and cached
# under /var/cache/uiommufd-deb; each run works on a copy. Needs root.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DEBDIR" >&2; exit 2; }
debs=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "deb-test: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "a chroot needs root; UIOMMUFD_SKIP_DEB=1 skips this test"
. /etc/os-release
suite=${VERSION_CODENAME:?no release codename in /etc/os-release}
packages=gcc,libc6-dev,pkg-config
cache=/var/cache/uiommufd-deb
# Bump when the way the root is made changes
recipe=1
key=$(printf '%s\n' "$recipe" "$suite" "$packages" | sha256sum | cut -c1-16)
base=$cache/$suite-$key

if [ ! -f "$base/complete" ]; then
	"$here/scripts/install-deps.sh" debootstrap
	mirror=$("$here/scripts/debian-mirror.sh")
	mkdir -p "$cache"
	rm -rf --one-file-system "$base"
	log "debootstrap $suite from $mirror with $packages"
	debootstrap --variant=minbase --include="$packages" "$suite" \
		"$base/root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/debootstrap.log" >&2; die "debootstrap failed"; }
	touch "$base/complete"
fi

work=$(mktemp -d /var/tmp/uiommufd-deb.XXXXXX)
root=$work/root
cleanup() {
	umount "$root/proc" 2>/dev/null || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
cp -a "$base/root" "$root"
mount -t proc proc "$root/proc"
mkdir -p "$root/tmp/debs"
cp "$debs"/libuiommufd0_*.deb "$debs"/libuiommufd-dev_*.deb \
	"$debs"/uiommufd-tools_*.deb "$root/tmp/debs/"
cp "$here/tests/install/use_installed.c" "$here/tests/tools/trace_prog.c" "$root/tmp/"

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# The globs name files inside the root, so the root's shell expands them
in_root sh -c 'dpkg -i /tmp/debs/libuiommufd0_*.deb \
	/tmp/debs/libuiommufd-dev_*.deb /tmp/debs/uiommufd-tools_*.deb >/dev/null'
in_root sh -ec '
	cd /tmp
	cc -Wall -Werror $(pkg-config --cflags uiommufd) -o use_installed \
		use_installed.c $(pkg-config --libs uiommufd)
	./use_installed
	ldd use_installed | grep -q "libuiommufd.so.0 => /.*lib/"
	cc -Wall -Werror -o trace_prog trace_prog.c
	uiommufd-run --trace=trace.txt --fail IOMMU_IOAS_MAP:ENOMEM:2 \
		./trace_prog fail 2 | grep -q "as injected"
	grep -q "^IOMMU_IOAS_MAP(.*ENOMEM.*\[injected\]" trace.txt
	uiommufdctl list >/dev/null
	for page in man1/uiommufd-run.1 man1/uiommufdctl.1 man3/uiommufd_open.3 \
		man3/uiommufd_ioctl.3 man3/uiommufd_dump.3; do
		test -e /usr/share/man/$page.gz
	done
'
in_root dpkg -r uiommufd-tools libuiommufd-dev libuiommufd0 >/dev/null
in_root sh -c '! ls /usr/bin/uiommufd-run /usr/lib/*/libuiommufd* 2>/dev/null'
log "the packages install, work and remove in a clean $suite root"
