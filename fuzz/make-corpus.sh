#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerate the seed corpus fuzz/corpus/<target>/ with fuzz_seeds (run it
# after changing the decoders of fuzz_ioctl.h or fuzz_race.c).
# Usage: fuzz/make-corpus.sh [BUILD_DIR]   (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
ninja -C "$build" fuzz/fuzz_seeds >/dev/null
for t in ioctl race; do
	dir=fuzz/corpus/fuzz_$t
	rm -rf "$dir"
	mkdir -p "$dir"
	"$build/fuzz/fuzz_seeds" "$t" "$dir"
	echo "$dir: $(ls "$dir" | wc -l) seeds"
done
