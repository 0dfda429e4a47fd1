#!/usr/bin/env bash
# fetch-kernel-selftest.sh [CACHE_DIR]
#
# Provide the sources of the Linux kernel's own iommufd and VFIO selftests, taken from
# Debian's newest kernel source package (linux-source-X.Y from Debian unstable),
# in CACHE_DIR/src (default: <repo>/.cache/kernel-selftest/src), laid out as in
# the kernel tree. Only the files the selftest needs are extracted:
#   tools/testing/selftests/iommu/            iommufd.c, iommufd_fail_nth.c, iommufd_utils.h, ...
#   tools/testing/selftests/kselftest{,_harness}.h
#   tools/include/                            (the tools headers the selftest includes)
#   drivers/iommu/iommufd/iommufd_test.h      (the IOMMU_TEST_CMD uAPI)
#   tools/testing/selftests/vfio/             the VFIO selftests and their libvfio
#   drivers/dma/{ioat,idxd}/ headers          (libvfio's IOAT and DSA drivers link to them)
#   tools/arch/x86/include/, include/linux/pci_ids.h (its <asm/io.h>, the
#                                             target of tools' pci_ids.h link)
# CACHE_DIR/VERSION records which package version the files come from.
#
# Idempotent: when the cache already holds the newest version, nothing is
# downloaded. The package is fetched with a PRIVATE apt configuration (own
# sources.list for sid, own lists and caches under CACHE_DIR/apt); the system's
# apt sources and state are not touched. Nothing here is meant to be committed.
#
# Environment:
#   UIOMMUFD_KERNEL_SRC=/path/to/linux-tree   copy from that extracted kernel tree
#                                             instead of downloading
#   UIOMMUFD_APT_MAX_AGE=MINUTES              refresh the private apt lists when older
#                                             (default 1440; the lists decide "newest")
# Prints one line: the version it provides and where.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${1:-$ROOT/.cache/kernel-selftest}
SRC=$CACHE/src
APTDIR=$CACHE/apt
MAX_AGE=${UIOMMUFD_APT_MAX_AGE:-1440}

# Paths (relative to the kernel tree) that are extracted / copied.
PATHS=(
	tools/testing/selftests/iommu
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/include
	drivers/iommu/iommufd/iommufd_test.h
	tools/testing/selftests/vfio
	tools/arch/x86/include
	include/linux/pci_ids.h
	drivers/dma/ioat/hw.h
	drivers/dma/ioat/registers.h
	drivers/dma/idxd/registers.h
)
# Files that must exist afterwards.
REQUIRED=(
	tools/testing/selftests/iommu/iommufd.c
	tools/testing/selftests/iommu/iommufd_fail_nth.c
	tools/testing/selftests/iommu/iommufd_utils.h
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/include/linux/types.h
	drivers/iommu/iommufd/iommufd_test.h
	tools/testing/selftests/vfio/lib/libvfio.c
	tools/testing/selftests/vfio/vfio_pci_device_test.c
	drivers/dma/ioat/registers.h
	tools/arch/x86/include/asm/io.h
)

log() { echo "fetch-kernel-selftest: $*" >&2; }
die() { log "error: $*"; exit 2; }

have_all() {
	local d=$1 f
	for f in "${REQUIRED[@]}"; do [ -f "$d/$f" ] || return 1; done
}

cached_version() { [ -f "$CACHE/VERSION" ] && have_all "$SRC" && cat "$CACHE/VERSION"; }

provided() {
	echo "kernel selftest sources: $(cat "$CACHE/VERSION") in $SRC"
}

# Install a tool's Debian package when it is missing (fresh CI machine).
need_cmd() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null && return 0
	[ "$(id -u)" = 0 ] || die "$cmd is missing; install the Debian package $pkg"
	log "installing $pkg"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >/dev/null ||
		{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >/dev/null; } ||
		die "could not install $pkg"
}

# Replace $SRC with the tree in $1 and record version $2 (VERSION written last:
# an interrupted run leaves no VERSION and is redone).
install_tree() {
	local new=$1 version=$2
	have_all "$new" || die "incomplete source tree (missing files from ${REQUIRED[*]})"
	rm -f "$CACHE/VERSION"
	rm -rf "$SRC"
	mv "$new" "$SRC"
	echo "$version" >"$CACHE/VERSION"
}

# ---- local tree override -----------------------------------------------------
if [ -n "${UIOMMUFD_KERNEL_SRC:-}" ]; then
	tree=$(readlink -f "$UIOMMUFD_KERNEL_SRC") || die "UIOMMUFD_KERNEL_SRC=$UIOMMUFD_KERNEL_SRC does not exist"
	have_all "$tree" || die "$tree is not a kernel tree with the iommufd selftest"
	kv=$(awk -F' *= *' '$1=="VERSION"{v=$2} $1=="PATCHLEVEL"{p=$2} $1=="SUBLEVEL"{s=$2}
		END{if (v != "") print v "." p "." s}' "$tree/Makefile" 2>/dev/null || true)
	version="linux-source-${kv%.*} ${kv:-unknown} (copied from $tree)"
	if [ "$(cached_version || true)" != "$version" ]; then
		mkdir -p "$CACHE"
		tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		(cd "$tree" && cp -a --parents "${PATHS[@]}" "$tmp/") || die "copy from $tree failed"
		install_tree "$tmp" "$version"
	fi
	provided
	exit 0
fi

# ---- download from Debian unstable ---------------------------------------------
need_cmd apt-get apt
need_cmd dpkg-deb dpkg
need_cmd xz xz-utils
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
mirror=$("$ROOT/scripts/debian-mirror.sh") || die "no Debian mirror configured"
echo "deb $mirror sid main" >"$APTDIR/sources.list"
APT_OPTS=(
	-o "Dir::Etc::sourcelist=$APTDIR/sources.list" -o Dir::Etc::sourceparts=/dev/null
	-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache"
	-o Acquire::Languages=none -o APT::Sandbox::User=root
)

# The lists' own mtimes are the archive's; updated.stamp records our last update.
lists_fresh() {
	[ -n "$(find "$APTDIR/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -1)" ] &&
		[ -n "$(find "$APTDIR/updated.stamp" -mmin "-$MAX_AGE" 2>/dev/null)" ]
}

if ! lists_fresh; then
	if ! apt-get "${APT_OPTS[@]}" -q update >"$APTDIR/update.log" 2>&1; then
		if [ -n "$(cached_version || true)" ]; then
			log "warning: cannot refresh the package lists (see $APTDIR/update.log); using the cached sources"
			provided
			exit 0
		fi
		cat "$APTDIR/update.log" >&2
		die "apt-get update (private sid configuration) failed"
	fi
	touch "$APTDIR/updated.stamp"
fi

# linux-source is a metapackage depending on the newest linux-source-X.Y (= VERSION).
dep=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions linux-source 2>/dev/null |
	sed -n 's/^Depends: .*\(linux-source-[0-9][0-9.]*\) *(= *\([^)]*\)).*/\1 \2/p' | head -1)
[ -n "$dep" ] || die "cannot find the linux-source package in Debian unstable"
pkg=${dep% *}
ver=${dep#* }
version="$pkg $ver"

if [ "$(cached_version || true)" = "$version" ]; then
	provided
	exit 0
fi

mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading $pkg $ver"
t0=$SECONDS
(cd "$tmp" && apt-get "${APT_OPTS[@]}" -q download "$pkg=$ver" >"$tmp/download.log" 2>&1) ||
	{ cat "$tmp/download.log" >&2; die "apt-get download $pkg=$ver failed"; }
deb=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" | head -1)
[ -n "$deb" ] || die "apt-get download produced no .deb"
t1=$SECONDS
log "extracting ($(du -h "$deb" | cut -f1) downloaded in $((t1 - t0)) s)"

# The .deb holds ./usr/src/linux-source-X.Y.tar.xz, whose top directory is
# linux-source-X.Y/. Stream it out of the .deb (no 150 MB intermediate file) and
# extract only the needed paths.
patterns=()
for p in "${PATHS[@]}"; do patterns+=("linux-source-*/$p"); done
mkdir -p "$tmp/src"
xz_threads=()
xz -T0 --version >/dev/null 2>&1 && xz_threads=(-T0)
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/$pkg.tar.xz" | xz -dc "${xz_threads[@]}" |
	tar -xf - -C "$tmp/src" --strip-components=1 --wildcards --no-wildcards-match-slash "${patterns[@]}" ||
	die "extracting ${PATHS[*]} from $pkg.tar.xz failed"
rm -f "$deb"
install_tree "$tmp/src" "$version"
log "extracted in $((SECONDS - t1)) s"
provided
