#!/usr/bin/env bash
# Record what the real kernel answers, as the references check.sh and
# check-vfio.sh compare uiommufd with:
#   expected-linux-7.2.txt       errno_matrix (iommufd, its test module)
#   expected-vfio-linux-7.2.txt  vfio_matrix (VFIO with two edu devices)
#   expected-fork-linux-7.2.txt  fork_matrix (one iommufd shared by forks)
# Both run on the kernel of vfio-refkernel.sh: Linux 7.2 with iommufd, its
# test module, vfio-pci and the VFIO no-IOMMU mode, as distributions build
# it (CONFIG_VFIO_NOIOMMU is what makes VFIO_CHECK_EXTENSION(NOIOMMU) 1).
#
#   tests/compare/run-refkernel.sh
#
# Environment: CC (gcc), and those of vfio-refkernel.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$("$here/vfio-refkernel.sh" build | tail -1)
release=$(cat "$(dirname "$src")/../../../include/config/kernel.release" 2>/dev/null || echo unknown)

record() {
	local prog=$1 out=$2
	"${CC:-gcc}" -O1 -Wall -static -I "$top/include" "$here/$prog.c" \
		-o "$tmp/$prog"
	"$here/vfio-refkernel.sh" run "$tmp/$prog" >"$tmp/out.txt"
	[ -s "$tmp/out.txt" ] || { echo "run-refkernel.sh: no output from $prog" >&2; exit 1; }
	{
		echo "# recorded from Linux $release (vfio-refkernel.sh) by run-refkernel.sh on $(date -u +%Y-%m-%d)"
		cat "$tmp/out.txt"
	} >"$here/$out"
	echo "wrote $here/$out ($(wc -l <"$tmp/out.txt") lines)"
}

record errno_matrix expected-linux-7.2.txt
record vfio_matrix expected-vfio-linux-7.2.txt
record fork_matrix expected-fork-linux-7.2.txt
