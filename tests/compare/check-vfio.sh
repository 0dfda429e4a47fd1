#!/usr/bin/env bash
# Compare vfio_matrix under uiommufd, with the emulated edu devices where
# the reference machine has QEMU's, with the output recorded on the real
# kernel (expected-vfio-linux-7.2.txt, see run-refkernel.sh).
#
#   tests/compare/check-vfio.sh BUILD_DIR
#
# The outputs must differ exactly by the lines vfio-known-differences.txt
# lists, each with its reason: a new difference, or a known one gone, fails.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$here/expected-vfio-linux-7.2.txt" >"$tmp/expected.txt"
(cd "$tmp" && "$build/preload/uiommufd-run" \
	--device edu,name=0000:00:04.0,group=3 \
	--device edu,name=0000:00:05.0,group=4 \
	"$build/tests/vfio_matrix") >"$tmp/actual.txt"
diff --unchanged-line-format= --old-line-format='- %L' \
	--new-line-format='+ %L' "$tmp/expected.txt" "$tmp/actual.txt" \
	>"$tmp/got.txt" || true
grep -v -e '^#' -e '^$' "$here/vfio-known-differences.txt" >"$tmp/want.txt"
if diff -u --label known --label found "$tmp/want.txt" "$tmp/got.txt"; then
	echo "vfio_matrix: as the kernel ($(wc -l <"$tmp/actual.txt") lines," \
		"$(grep -c '^+' "$tmp/want.txt") known differences)"
	exit 0
fi
exit 1
