#!/usr/bin/env bash
# Record the output of errno_matrix on the real kernel (refkernel) as
# expected-linux-7.2.txt, the reference check.sh compares uiommufd with.
#
#   tests/compare/run-refkernel.sh
#
# Environment: REFKERNEL (default /work/shared/tools/refkernel), CC (gcc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
refkernel=${REFKERNEL:-/work/shared/tools/refkernel}
out=$here/expected-linux-7.2.txt

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"${CC:-gcc}" -O1 -Wall -static -I "$top/include" "$here/errno_matrix.c" \
	-o "$tmp/errno_matrix"

src=$("$refkernel" src | tail -1)
release=$(cat "$src/include/config/kernel.release" 2>/dev/null || echo unknown)

"$refkernel" run "$tmp/errno_matrix" >"$tmp/out.txt"
[ -s "$tmp/out.txt" ] || { echo "run-refkernel.sh: no output" >&2; exit 1; }
{
	echo "# recorded from $(basename "$src") (kernel $release) by run-refkernel.sh on $(date -u +%Y-%m-%d)"
	cat "$tmp/out.txt"
} >"$out"
echo "wrote $out ($(wc -l <"$tmp/out.txt") lines)"
