#!/bin/sh
# SPDX-License-Identifier: MIT
#
# compare_layout.sh - compare the layout of <uiommufd/iommufd.h> with a
# kernel's <linux/iommufd.h>, of <uiommufd/vfio.h> with its <linux/vfio.h>
# when that has the device cdev ioctls, and optionally of
# <uiommufd/iommufd_test.h> with the kernel's test uAPI.
#
# Usage: compare_layout.sh HEADERS_DIR [TEST_HEADER]
#
# HEADERS_DIR is a kernel headers root, i.e. it holds linux/iommufd.h
# (/usr/include, or the output of "make headers_install"). TEST_HEADER, if
# given, is the kernel's drivers/iommu/iommufd/iommufd_test.h (a source
# file, never installed); the test uAPI is then compared too. The VFIO uAPI
# is compared when HEADERS_DIR/linux/vfio.h defines VFIO_DEVICE_BIND_IOMMUFD
# (Linux 6.6 and later), and silently left out otherwise. layout_dump.c is
# built twice with $CC (default: cc) and $CFLAGS, once against the kernel's
# headers and once against ours, and the two outputs are compared.
#
# Exit status (automake / meson test conventions):
#   0   the layouts are identical
#   1   they differ (the differences are printed), or the kernel header
#       lacks declarations ours has
#   77  skipped: HEADERS_DIR has no linux/iommufd.h
#   99  hard error: bad usage, TEST_HEADER is not a file, or our variant
#       does not build or run

set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 HEADERS_DIR [TEST_HEADER]" >&2
	exit 99
fi

hdrdir=$1
testh=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${CC:-cc}
cflags=${CFLAGS:-}

if [ ! -f "$hdrdir/linux/iommufd.h" ]; then
	echo "SKIP: no linux/iommufd.h in $hdrdir"
	exit 77
fi

# The test uAPI is compared only when the kernel's file is given: ours is
# then built with WITH_TEST_HEADER, the kernel's with KERNEL_TEST_H naming
# the file (as an absolute path, quoted for #include).
ours_test=
kernel_test=
what="$hdrdir/linux/iommufd.h"
if [ -n "$testh" ]; then
	if [ ! -f "$testh" ]; then
		echo "ERROR: $testh is not a file" >&2
		exit 99
	fi
	case $testh in
	*\"* | *\\*)
		echo "ERROR: $testh: a path with \" or \\ cannot be #included" >&2
		exit 99
		;;
	esac
	testh=$(cd "$(dirname "$testh")" && pwd)/$(basename "$testh")
	ours_test=-DWITH_TEST_HEADER
	# The quotes are meant to reach the compiler as they are.
	# shellcheck disable=SC2089
	kernel_test="-DKERNEL_TEST_H=\"$testh\""
	what="$what and $testh"
fi

# The VFIO uAPI only with a vfio.h that knows the device cdev (iommufd) calls
vfio=
if grep -Eq '^#define[[:space:]]+VFIO_DEVICE_BIND_IOMMUFD[[:space:]]' \
	"$hdrdir/linux/vfio.h" 2>/dev/null; then
	vfio=-DWITH_VFIO
	what="$what and $hdrdir/linux/vfio.h"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/uiommufd-abi.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# Ours: the kernel tree is only a fallback for <linux/types.h> and
# <linux/ioctl.h>, in case the system has no kernel headers at all.
# $cc and $cflags are deliberately unquoted: they may hold several words.
# shellcheck disable=SC2086
if ! $cc -std=gnu11 $cflags -DUSE_UIOMMUFD_HEADER ${ours_test:+"$ours_test"} \
	${vfio:+"$vfio"} -I "$root/include" -idirafter "$hdrdir" \
	-o "$tmp/dump_ours" "$here/layout_dump.c"; then
	echo "ERROR: layout_dump.c does not build against our headers" >&2
	exit 99
fi
if ! "$tmp/dump_ours" >"$tmp/ours.txt"; then
	echo "ERROR: layout_dump (ours) failed" >&2
	exit 99
fi

# shellcheck disable=SC2086,SC2090
if ! $cc -std=gnu11 $cflags ${kernel_test:+"$kernel_test"} ${vfio:+"$vfio"} \
	-I "$hdrdir" -o "$tmp/dump_kernel" "$here/layout_dump.c" \
	2>"$tmp/kernel_build.log"; then
	echo "DIFFERENT: the kernel's headers lack declarations of ours ($what):"
	sed -n 's/^.*error: //p' "$tmp/kernel_build.log" | sort -u | head -n 20
	exit 1
fi
if ! "$tmp/dump_kernel" >"$tmp/kernel.txt"; then
	echo "ERROR: layout_dump (kernel) failed" >&2
	exit 99
fi

if cmp -s "$tmp/kernel.txt" "$tmp/ours.txt"; then
	echo "IDENTICAL: $(wc -l <"$tmp/ours.txt") layout facts match $what"
	exit 0
fi

echo "DIFFERENT: layout of $what (-) vs ours (+):"
diff -u "$tmp/kernel.txt" "$tmp/ours.txt" | tail -n +3
exit 1
