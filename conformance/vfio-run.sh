#!/usr/bin/env bash
# conformance/vfio-run.sh — build the Linux kernel's own VFIO selftests
# (tools/testing/selftests/vfio of the kernel source scripts/fetch-kernel-selftest.sh
# provides), unmodified, and run them under uiommufd-run against an emulated udma,
# and vfio_pci_driver_test against an emulated Intel IOAT channel (its driver
# in lib/drivers/ioat probes that device and drives it through its BAR0 mapping).
#
# usage: conformance/vfio-run.sh [--build DIR] [--must-pass FILE] [--timeout SEC] [--only BIN]
#   --build DIR        uiommufd's build directory (default <repo>/build): its
#                      preload/uiommufd-run and preload/libuiommufd-preload.so
#   --must-pass FILE   exit 1 and list the regressions if a test named in FILE
#                      (one TAP test name per line, # comments) did not pass
#   --timeout SEC      per test binary (default 120)
#   --only BIN         run only the test binary BIN (repeatable); the
#                      must-pass check then covers the tests it reported
#
# The selftests are compiled against uiommufd's uAPI headers (<linux/vfio.h> and
# <linux/iommufd.h> are one-line wrappers around <uiommufd/vfio.h>, <uiommufd/iommufd.h>)
# and the kernel tree's tools/include. Debian's 7.2 tree uses calloc_assert() in
# lib/vfio_pci_device.c without defining or declaring it: vfio-calloc-assert.h (forced
# in with -include) declares it and vfio-calloc-assert.c defines it; no test source is
# changed. Output in <build>/vfio-selftests: logs/BIN.log, results.txt (BIN TEST
# STATUS per line: PASS, SKIP, FAIL, or CRASH when the binary ended without a result).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build MUST_PASS="" TIMEOUT=120 ONLY=()
while (($#)); do
	case $1 in
	--build) BUILD=${2:?--build needs DIR}; shift ;;
	--must-pass) MUST_PASS=${2:?--must-pass needs FILE}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout needs SEC}; shift ;;
	--only) ONLY+=("${2:?--only needs BIN}"); shift ;;
	-h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "vfio-run: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" && pwd)
RUN=$BUILD/preload/uiommufd-run
PRELOAD=$BUILD/preload/libuiommufd-preload.so
[ -x "$RUN" ] && [ -f "$PRELOAD" ] || { echo "vfio-run: build $BUILD first" >&2; exit 2; }

CACHE=${KERNEL_SELFTEST_CACHE:-$ROOT/.cache/kernel-selftest}
"$ROOT/scripts/fetch-kernel-selftest.sh" "$CACHE" >&2
SRC=$CACHE/src
VFIO=$SRC/tools/testing/selftests/vfio
OUT=$BUILD/vfio-selftests
mkdir -p "$OUT/include/linux" "$OUT/obj" "$OUT/logs"
[ -e /usr/include/uuid/uuid.h ] || "$ROOT/scripts/install-deps.sh" uuid-dev

echo '#include <uiommufd/vfio.h>' >"$OUT/include/linux/vfio.h"
echo '#include <uiommufd/iommufd.h>' >"$OUT/include/linux/iommufd.h"
CFLAGS=(-O2 -g -D_GNU_SOURCE -Wall -include "$ROOT/conformance/vfio-calloc-assert.h"
	-I "$OUT/include" -I "$ROOT/include" -I "$VFIO/lib/include"
	-I "$SRC/tools/testing/selftests" -I "$SRC/tools/include")
LIB_C=(iommu.c iova_allocator.c libvfio.c sysfs.c vfio_pci_device.c vfio_pci_driver.c
	drivers/ioat/ioat.c drivers/dsa/dsa.c)
TESTS=(vfio_pci_device_test vfio_iommufd_setup_test vfio_dma_mapping_test
	vfio_dma_mapping_mmio_test vfio_pci_device_init_perf_test vfio_pci_driver_test)

objs=()
for c in "${LIB_C[@]}"; do
	o=$OUT/obj/$(basename "$c" .c).o
	objs+=("$o")
	[ "$o" -nt "$VFIO/lib/$c" ] || gcc "${CFLAGS[@]}" -c "$VFIO/lib/$c" -o "$o"
done
gcc "${CFLAGS[@]}" -c "$ROOT/conformance/vfio-calloc-assert.c" -o "$OUT/obj/calloc_assert.o"
objs+=("$OUT/obj/calloc_assert.o")
for t in "${TESTS[@]}"; do
	gcc "${CFLAGS[@]}" "$VFIO/$t.c" "${objs[@]}" -luuid -lpthread -o "$OUT/$t"
done

# The device each binary runs against: the driver test needs one its
# selftest drivers know (ioat: Intel's SKX CBDMA, 8086:2021).
device_for() {
	case $1 in
	vfio_pci_driver_test) echo ioat ;;
	*) echo udma ;;
	esac
}
((${#ONLY[@]})) && TESTS=("${ONLY[@]}")

# The first emulated function is 5546:00:01.0; its group and cdev come with it.
export VFIO_SELFTESTS_BDF=5546:00:01.0
: >"$OUT/results.txt"
for t in "${TESTS[@]}"; do
	set +e
	timeout --kill-after=5 "$TIMEOUT" "$RUN" --lib "$PRELOAD" --device "$(device_for "$t")" -- \
		"$OUT/$t" >"$OUT/logs/$t.log" 2>&1
	rc=$?
	set -e
	awk -v bin="$t" -v rc="$rc" '
		/^ok [0-9]+ .* # SKIP/ { sub(/^ok [0-9]+ /, ""); sub(/ # SKIP.*/, ""); print bin, $0, "SKIP"; n++; next }
		/^ok [0-9]+ / { sub(/^ok [0-9]+ /, ""); print bin, $0, "PASS"; n++; next }
		/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, ""); sub(/ # .*/, ""); print bin, $0, "FAIL"; n++; next }
		END { if (!n) print bin, "-", (rc == 4 ? "SKIP" : "CRASH") }
	' "$OUT/logs/$t.log" >>"$OUT/results.txt"
done
awk '{ s[$1 " " $3]++ } END { for (k in s) print "  " k, s[k] }' "$OUT/results.txt" | sort

[ -n "$MUST_PASS" ] || exit 0
# Every must-pass name; with --only, those the binaries run reported (TAP
# names need not start with the binary's), and a binary that reported
# nothing is a failure of its own
must=$(grep -v -e '^#' -e '^$' "$MUST_PASS")
if ((${#ONLY[@]})); then
	must=$(echo "$must" | while read -r name; do
		if awk -v n="$name" '$2 == n { f = 1 } END { exit !f }' "$OUT/results.txt"; then
			echo "$name"
		fi
	done)
fi
missing=$(for name in $must; do
	awk -v n="$name" '$2 == n && $3 == "PASS" { f = 1 } END { exit !f }' "$OUT/results.txt" ||
		echo "  $name"
done; awk '$2 == "-" && $3 == "CRASH" { print "  " $1 " (no result)" }' "$OUT/results.txt")
if [ -n "$missing" ]; then
	echo "vfio-run: must-pass tests that did not pass:"
	echo "$missing"
	exit 1
fi
echo "vfio-run: all $(echo "$must" | grep -c .) must-pass tests passed"
