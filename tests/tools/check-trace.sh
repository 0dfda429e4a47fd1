#!/bin/sh
# SPDX-License-Identifier: MIT
# The tools of uiommufd-run on known programs:
#   check-trace.sh trace LAUNCHER PROG EXPECTED   decoded trace == EXPECTED
#   check-trace.sh json LAUNCHER PROG UDMA_DRIVER JSON lines, each valid
#   check-trace.sh caps LAUNCHER PROG             capability chains decoded
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
		-e 's/(user_va|allowed_iovas|data_uptr)=0x[0-9a-f]+/\1=ADDR/g' "$1"
}

case $mode in
trace)
	"$run" --trace="$tmp/trace" -- "$prog"
	normalise "$tmp/trace" > "$tmp/got"
	diff -u "$4" "$tmp/got"
	# Filters: one call, then the calls naming an object that is not there
	"$run" --trace="$tmp/one" --trace-calls=IOMMU_DESTROY -- "$prog"
	test "$(grep -c . "$tmp/one")" -eq 3
	grep -v '^IOMMU_DESTROY(' "$tmp/one" && exit 1
	"$run" --trace="$tmp/none" --trace-objects=99 -- "$prog"
	test ! -s "$tmp/none"
	;;
json)
	"$run" --trace="$tmp/trace" --trace-json -- "$prog"
	# A driver through a VFIO container: calls taking an int, a pointer
	# to one, a string; device events
	"$run" --device udma --trace="$tmp/vfio" --trace-json -- \
		"$4" --path container --mib 4 > /dev/null
	python3 - "$tmp/trace" "$tmp/vfio" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
calls = [l["call"] for l in lines if "call" in l]
assert "IOMMU_IOAS_MAP" in calls, calls
m = [l for l in lines if l.get("call") == "IOMMU_IOAS_MAP"]
assert m[0]["in"]["flags"] == "FIXED_IOVA|WRITEABLE|READABLE", m[0]
assert m[1]["errno"] == "EEXIST", m[1]
bad = [l for l in lines if l.get("call") == "IOMMU_IOAS_ALLOC" and
       l.get("errno") == "EFAULT"]
assert bad and bad[0]["in"] == "0x8", bad
# Arrays: elements in their own key, read before or filled by the call
ranges = [l for l in lines if l.get("call") == "IOMMU_IOAS_IOVA_RANGES"]
assert ranges[1]["out"]["allowed_iovas[]"][0]["start"] == "0", ranges
allow = [l for l in lines if l.get("call") == "IOMMU_IOAS_ALLOW_IOVAS"]
assert allow[0]["in"]["allowed_iovas[]"][1]["last"] == "0x4ffffff", allow
assert allow[1]["in"]["allowed_iovas[]"][-1] == "...", allow
assert allow[2]["in"]["allowed_iovas[]"] == ["?"], allow
inv = [l for l in lines if l.get("call") == "IOMMU_HWPT_INVALIDATE"]
assert inv[0]["in"]["data_uptr[]"][0]["npages"] == "0x10", inv
unknown = [l for l in lines if l.get("call") == "ioctl"]
assert unknown[0]["cmd"] == "0x3b7f", unknown
vfio = [json.loads(l) for l in open(sys.argv[2])]
by_call = {l["call"]: l for l in vfio if "call" in l}
assert by_call["VFIO_CHECK_EXTENSION"]["arg"] == 3, by_call
assert isinstance(by_call["VFIO_GROUP_SET_CONTAINER"]["arg"], int)
assert ":" in by_call["VFIO_GROUP_GET_DEVICE_FD"]["arg"]
assert by_call["VFIO_GET_API_VERSION"]["ret"] == 0
events = {l["event"] for l in vfio if "event" in l}
assert {"irq", "dma_fault", "iotlb_sync"} <= events, events
PY
	;;
caps)
	"$run" --device udma --trace="$tmp/trace" -- "$prog" caps
	# The MSI-X BAR says it may be mapped; the compat IOAS its ranges
	grep -q '^VFIO_DEVICE_GET_REGION_INFO(.*cap_offset=32\[{id=VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, version=1, next=0}\]' "$tmp/trace"
	grep -q '^VFIO_IOMMU_GET_INFO(.*{id=VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, version=1, next=0, nr_iovas=2, reserved=0, iova_ranges=\[{start=0, end=0xfedfffff}, {start=0xfef00000, end=' "$tmp/trace"
	"$run" --device udma --trace="$tmp/json" --trace-json -- "$prog" caps
	python3 - "$tmp/json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
info = [l for l in lines if l.get("call") == "VFIO_IOMMU_GET_INFO"][0]
caps = {c["id"]: c for c in info["out"]["cap_offset[]"]}
r = caps["VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE"]
assert r["nr_iovas"] == 2 and r["iova_ranges"][0]["end"] == "0xfedfffff", r
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
	# Probabilities: 100% fails every call, with any seed
	"$run" --fail-seed=3 --fail 'IOMMU_IOAS_MAP:12:100%' -- "$prog" fail 1 \
		> "$tmp/out" 2>&1 || true
	test "$(grep -c 'got Cannot allocate memory' "$tmp/out")" -eq 2
	# Every call, and rules that are not rules
	"$run" --fail 'IOMMU_IOAS_ALLOC:EIO' -- "$prog" fail 1 > "$tmp/out" 2>&1 || true
	grep -q 'IOMMU_IOAS_ALLOC: got Input/output error' "$tmp/out"
	"$run" --fail 'nocolon' --fail 'A:EBOGUS' --fail ':EIO' --fail 'A:EIO:0' \
		--fail 'A:EIO:3x' --fail 'A:EIO:x' -- "$prog" fail 0 2> "$tmp/err"
	test "$(grep -c 'bad rule' "$tmp/err")" -eq 6
	;;
fail-nth)
	"$run" --fail-nth 1 -- "$prog" fail-nth | grep -q 'as injected'
	# --iotlb-strict reaches the engine as UIOMMUFD_IOTLB_STRICT
	"$run" --iotlb-strict -- /bin/sh -c 'test "$UIOMMUFD_IOTLB_STRICT" = 1'
	"$run" --help | grep -q -- '--iotlb-strict'
	;;
fail-dma)
	# The source buffer of udma-driver's copies faults at its first page
	! "$run" --device udma --trace="$tmp/trace" \
		--fail-dma '0x200000000+0x1000:read' -- \
		"$prog" --path both --mib 4 > "$tmp/out" 2>&1
	grep -q 'last error: SRC_FAULT at IOVA 0x200000000' "$tmp/out"
	grep -q -- '-- dma_fault dev=.* iova=0x200000000 write=0 reason=injected' \
		"$tmp/trace"
	grep -q -- '-- irq dev=.* type=msix' "$tmp/trace"
	grep -q -- '-- iotlb_sync ' "$tmp/trace"
	# The calls that take no struct, as text
	grep -q '^VFIO_GET_API_VERSION([0-9]*) = 0 ' "$tmp/trace"
	grep -q '^VFIO_CHECK_EXTENSION([0-9]*, 3) = 1 ' "$tmp/trace"
	grep -q '^VFIO_GROUP_SET_CONTAINER([0-9]*, \[[0-9]*\]) = 0 ' "$tmp/trace"
	grep -q '^VFIO_GROUP_GET_DEVICE_FD([0-9]*, "[0-9a-f:.]*") = [0-9]' "$tmp/trace"
	grep -q '^open("/dev/vfio/[0-9]*", O_RDWR' "$tmp/trace"
	grep -q '^pread([0-9]*, 4, 0x' "$tmp/trace"
	grep -q '^mmap([0-9]*, 0x10000, ' "$tmp/trace"
	# Bad ranges are refused with a message, the program runs unharmed
	"$run" --device udma --fail-dma 'x' --fail-dma '0x10+0' \
		--fail-dma '0x10:sideways' --fail-dma '0xffffffffffffffff+2' \
		-- "$prog" --path cdev --mib 4 > /dev/null 2> "$tmp/err"
	test "$(grep -c 'bad range' "$tmp/err")" -eq 4
	;;
*)
	echo "check-trace.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
