#!/usr/bin/env bash
# Record what the real kernel answers, as the references check.sh and
# check-vfio.sh compare uiommufd with:
#   expected-linux-7.2.txt       errno_matrix (iommufd, its test module)
#   expected-vfio-linux-7.2.txt  vfio_matrix (VFIO with two edu devices)
#   expected-viommu-linux-7.2.txt viommu_matrix (the vIOMMU family, mock IOMMU)
#   expected-fork-linux-7.2.txt  fork_matrix (one iommufd shared by forks)
# All but viommu_matrix run on the kernel of vfio-refkernel.sh: Linux 7.2 with iommufd, its
# test module, vfio-pci and the VFIO no-IOMMU mode, as distributions build
# it (CONFIG_VFIO_NOIOMMU is what makes VFIO_CHECK_EXTENSION(NOIOMMU) 1);
# viommu_matrix needs only iommufd and its test module, so it runs on the
# plain refkernel (seconds, no VFIO build).
#
#   tests/compare/run-refkernel.sh [errno_matrix|vfio_matrix|viommu_matrix|fork_matrix]...
#
# Environment: CC (gcc), and those of vfio-refkernel.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

REFKERNEL=${REFKERNEL:-$here/../../../shared/tools/refkernel}

# record PROG OUT RUNNER SOURCES...: RUNNER is vfio-refkernel or refkernel
record() {
	local prog=$1 out=$2 runner=$3 src release
	shift 3
	"${CC:-gcc}" -O1 -Wall -static -I "$top/include" "$@" -o "$tmp/$prog"
	if [ "$runner" = vfio-refkernel ]; then
		src=$("$here/vfio-refkernel.sh" build | tail -1)
		release=$(cat "$(dirname "$src")/../../../include/config/kernel.release" 2>/dev/null || echo unknown)
		"$here/vfio-refkernel.sh" run "$tmp/$prog" >"$tmp/out.txt"
	else
		src=$("$REFKERNEL" src | tail -1)
		release=$(cat "$src/include/config/kernel.release" 2>/dev/null || echo unknown)
		"$REFKERNEL" run "$tmp/$prog" >"$tmp/out.txt"
	fi
	[ -s "$tmp/out.txt" ] || { echo "run-refkernel.sh: no output from $prog" >&2; exit 1; }
	{
		echo "# recorded from Linux $release ($runner run) by run-refkernel.sh on $(date -u +%Y-%m-%d)"
		cat "$tmp/out.txt"
	} >"$here/$out"
	echo "wrote $here/$out ($(wc -l <"$tmp/out.txt") lines)"
}

(($#)) || set -- errno_matrix vfio_matrix viommu_matrix fork_matrix
for prog; do
	case $prog in
	errno_matrix) record errno_matrix expected-linux-7.2.txt vfio-refkernel \
		"$here/errno_matrix.c" "$here/errno_ioas_sections.c" \
		"$here/errno_device_sections.c" ;;
	vfio_matrix) record vfio_matrix expected-vfio-linux-7.2.txt vfio-refkernel \
		"$here/vfio_matrix.c" "$here/vfio_device_sections.c" ;;
	viommu_matrix) record viommu_matrix expected-viommu-linux-7.2.txt refkernel \
		"$here/viommu_matrix.c" "$here/viommu_sections.c" ;;
	fork_matrix) record fork_matrix expected-fork-linux-7.2.txt vfio-refkernel "$here/fork_matrix.c" ;;
	*) echo "run-refkernel.sh: unknown program $prog" >&2; exit 2 ;;
	esac
done
