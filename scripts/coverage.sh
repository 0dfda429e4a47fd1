#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Line coverage of the engine (src/) and the preload shim (preload/) by the
# in-tree tests, from a build configured with -Db_coverage=true.
#
#   scripts/coverage.sh BUILD_DIR [THRESHOLD_FILE]
#
# Runs every test of BUILD_DIR (not the kernel selftest: that one is
# downloaded, and is a judge of its own), then prints the covered lines per
# folder (src/<folder>/ and preload/) and the total. The shim's data count:
# the programs run under uiommufd-run write the .so's counters when they
# exit. With THRESHOLD_FILE, fails when the total percentage is below the
# number the file holds.
set -euo pipefail

build=${1:?usage: coverage.sh BUILD_DIR [THRESHOLD_FILE]}
threshold_file=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}

# Counters of an earlier run would add up with this one's
find "$build" -name '*.gcda' -delete

ASAN_OPTIONS= TSAN_OPTIONS= \
	meson test -C "$build" --print-errorlogs --num-processes "$jobs"

summary=$build/coverage-summary.json
gcovr --root "$src" --filter "$src/src/" --filter "$src/preload/" \
	--json-summary -o "$summary" "$build"

python3 - "$summary" "$threshold_file" <<'EOF'
import collections, json, sys

summary, threshold_file = sys.argv[1], sys.argv[2]
per_folder = collections.defaultdict(lambda: [0, 0])
for f in json.load(open(summary))["files"]:
    parts = f["filename"].split("/")
    folder = "/".join(parts[:2]) + "/" if parts[0] == "src" else parts[0] + "/"
    per_folder[folder][0] += f["line_covered"]
    per_folder[folder][1] += f["line_total"]

def pct(covered, total):
    return 100.0 * covered / total if total else 100.0

print(f"{'folder':<16}{'lines':>8}{'covered':>9}{'%':>8}")
covered = total = 0
for folder in sorted(per_folder):
    c, t = per_folder[folder]
    covered += c
    total += t
    print(f"{folder:<16}{t:>8}{c:>9}{pct(c, t):>7.1f}%")
print(f"{'total':<16}{total:>8}{covered:>9}{pct(covered, total):>7.1f}%")

if threshold_file:
    with open(threshold_file) as f:
        words = [l.split("#")[0].strip() for l in f]
    minimum = float(next(w for w in words if w))
    if pct(covered, total) < minimum:
        print(f"coverage: {pct(covered, total):.1f}% is below the "
              f"threshold {minimum}% ({threshold_file})", file=sys.stderr)
        sys.exit(1)
    print(f"coverage: {pct(covered, total):.1f}% >= {minimum}% (threshold)")
EOF
