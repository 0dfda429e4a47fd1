#!/usr/bin/env bash
# Compare errno_matrix under uiommufd with the output recorded on the
# real kernel (expected-linux-7.2.txt, see run-refkernel.sh).
#
#   tests/compare/check.sh BUILD_DIR
#
# Exit 0 if the outputs are identical, 1 (with the diff) if not.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/expected-linux-7.2.txt

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$expected" >"$tmp/expected.txt"
(cd "$tmp" && "$build/preload/uiommufd-run" "$build/tests/errno_matrix") \
	>"$tmp/actual.txt"
if diff -u --label linux-7.2 --label uiommufd "$tmp/expected.txt" \
	"$tmp/actual.txt"; then
	echo "errno_matrix: identical ($(wc -l <"$tmp/actual.txt") lines)"
	exit 0
fi
exit 1
