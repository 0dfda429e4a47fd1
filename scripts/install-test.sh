#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The install test: meson install of BUILD_DIR into a temporary DESTDIR,
# then a program built against what was installed, found through
# pkg-config only (tests/install/use_installed.c), and run against the
# installed library.
#
#   scripts/install-test.sh BUILD_DIR
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet

pcdir=$(dirname "$(find "$dest" -name uiommufd.pc | head -n 1)")
[ -f "$pcdir/uiommufd.pc" ] || { echo "install-test: no uiommufd.pc installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_LIBDIR=$pcdir
cflags=$(pkg-config --cflags uiommufd)
libs=$(pkg-config --libs uiommufd)
# pkgconf gives variables with the sysroot in front
libdir=$(pkg-config --variable=libdir uiommufd)
includedir=$(pkg-config --variable=includedir uiommufd)
case $libdir in "$dest"/*) ;; *) libdir=$dest$libdir includedir=$dest$includedir ;; esac

"${CC:-cc}" -Wall -Werror $cflags -o "$dest/use_installed" \
	"$here/tests/install/use_installed.c" $libs
# The library the program runs with must be the installed one
LD_LIBRARY_PATH=$libdir "$dest/use_installed"
ldd_out=$(LD_LIBRARY_PATH=$libdir ldd "$dest/use_installed")
grep -q "$dest.*libuiommufd.so" <<<"$ldd_out" ||
	{ echo "install-test: not run against the installed library" >&2; exit 1; }
for h in uiommufd.h iommufd.h iommufd_test.h vfio.h udma.h; do
	[ -f "$includedir/uiommufd/$h" ] ||
		{ echo "install-test: header $h not installed" >&2; exit 1; }
done
# The version pkg-config gives is the project's; the tools and every
# man page are installed
version=$(meson introspect --projectinfo "$build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
[ "$(pkg-config --modversion uiommufd)" = "$version" ] ||
	{ echo "install-test: pkg-config gives another version than $version" >&2; exit 1; }
pkg-config --exists "uiommufd >= $version" ||
	{ echo "install-test: pkg-config version comparison fails" >&2; exit 1; }
for tool in uiommufd-run uiommufdctl; do
	[ -x "$(find "$dest" -path "*/bin/$tool" | head -n 1)" ] ||
		{ echo "install-test: $tool not installed" >&2; exit 1; }
done
for page in man1/uiommufd-run.1 man1/uiommufdctl.1 $(cd "$here/man" && ls man3/*.3); do
	[ -n "$(find "$dest" -path "*/man/$page" | head -n 1)" ] ||
		{ echo "install-test: man page $page not installed" >&2; exit 1; }
done
echo "install-test: installed library, headers, pkg-config file, tools and man pages work"
