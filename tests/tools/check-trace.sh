#!/bin/sh
# SPDX-License-Identifier: MIT
# The tools of uiommufd-run on known programs:
#   check-trace.sh trace LAUNCHER PROG EXPECTED   decoded trace == EXPECTED
#   check-trace.sh json LAUNCHER PROG             JSON lines, each valid
#   check-trace.sh fail LAUNCHER PROG             --fail reaches the program
#   check-trace.sh fail-nth LAUNCHER PROG         --fail-nth reaches it
#   check-trace.sh fail-dma LAUNCHER UDMA_DRIVER  a descriptor's DMA faults
# What changes from run to run (durations, user addresses, the object
# IDs and pids of JSON) is normalised before comparing.
set -eu

mode=$1 run=$2 prog=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Durations, and the addresses of the program's buffers
normalise() {
	sed -E -e 's/<[0-9.]+us>/<T>/' \
		-e 's/(user_va|allowed_iovas)=0x[0-9a-f]+/\1=ADDR/g' "$1"
}

case $mode in
trace)
	"$run" --trace="$tmp/trace" -- "$prog"
	normalise "$tmp/trace" > "$tmp/got"
	diff -u "$4" "$tmp/got"
	# Filters: one call, then the calls naming an object that is not there
	"$run" --trace="$tmp/one" --trace-calls=IOMMU_DESTROY -- "$prog"
	test "$(grep -c . "$tmp/one")" -eq 2
	grep -v '^IOMMU_DESTROY(' "$tmp/one" && exit 1
	"$run" --trace="$tmp/none" --trace-objects=99 -- "$prog"
	test ! -s "$tmp/none"
	;;
json)
	"$run" --trace="$tmp/trace" --trace-json -- "$prog"
	python3 - "$tmp/trace" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
calls = [l["call"] for l in lines if "call" in l]
assert "IOMMU_IOAS_MAP" in calls, calls
m = [l for l in lines if l.get("call") == "IOMMU_IOAS_MAP"]
assert m[0]["in"]["flags"] == "FIXED_IOVA|WRITEABLE|READABLE", m[0]
assert m[1]["errno"] == "EEXIST", m[1]
PY
	;;
fail)
	"$run" --trace="$tmp/trace" --fail 'IOMMU_IOAS_MAP:ENOMEM:2' \
		-- "$prog" fail 2 > "$tmp/out"
	grep -q 'map 2 failed: Cannot allocate memory, as injected' "$tmp/out"
	grep -q '^-- injected call=IOMMU_IOAS_MAP errno=ENOMEM nth=2' "$tmp/trace"
	grep -q 'ENOMEM (Cannot allocate memory) \[injected\]' "$tmp/trace"
	# Every call from the 2nd, and a bad rule refused
	! "$run" --fail 'IOMMU_IOAS_MAP:ENOMEM:2+' -- "$prog" fail 2 2>/dev/null
	"$run" --fail 'IOMMU_IOAS_MAP:ENOMEM:0%' -- "$prog" fail 0
	"$run" --fail 'IOMMU_IOAS_*:EIO:200%' -- "$prog" fail 0 2>"$tmp/err"
	grep -q 'bad rule' "$tmp/err"
	;;
fail-nth)
	"$run" --fail-nth 1 -- "$prog" fail-nth | grep -q 'as injected'
	;;
fail-dma)
	# The source buffer of udma-driver's copies faults at its first page
	! "$run" --device udma --trace="$tmp/trace" \
		--fail-dma '0x200000000+0x1000:read' -- \
		"$prog" --path cdev --mib 4 > "$tmp/out" 2>&1
	grep -q 'last error: SRC_FAULT at IOVA 0x200000000' "$tmp/out"
	grep -q -- '-- dma_fault dev=.* iova=0x200000000 write=0 reason=injected' \
		"$tmp/trace"
	grep -q -- '-- irq dev=.* type=msix' "$tmp/trace"
	grep -q -- '-- iotlb_sync ' "$tmp/trace"
	;;
*)
	echo "check-trace.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
