#!/usr/bin/env bash
# Compare a program under uiommufd with the output recorded on the
# real kernel (see run-refkernel.sh): errno_matrix with
# expected-linux-7.2.txt by default.
#
#   tests/compare/check.sh BUILD_DIR [PROGRAM EXPECTED]
#
# Exit 0 if the outputs are identical, 1 (with the diff) if not.
set -euo pipefail

[ $# -eq 1 ] || [ $# -eq 3 ] ||
	{ echo "usage: $0 BUILD_DIR [PROGRAM EXPECTED]" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
prog=${2:-errno_matrix}
expected=$here/${3:-expected-linux-7.2.txt}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$expected" >"$tmp/expected.txt"
(cd "$tmp" && "$build/preload/uiommufd-run" "$build/tests/$prog") \
	>"$tmp/actual.txt"
if diff -u --label linux-7.2 --label uiommufd "$tmp/expected.txt" \
	"$tmp/actual.txt"; then
	echo "$prog: identical ($(wc -l <"$tmp/actual.txt") lines)"
	exit 0
fi
exit 1
