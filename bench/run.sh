#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run every benchmark of the build dir given (default: build), then print
# the table of figures (each with its baseline from the same run and the
# ratio) and plot the curves (cost against size and areas) with gnuplot.
#
# Outputs in $B/bench-results/: log.txt, table.txt, curves.dat, plot.png.
# BENCH_MB (map sizes), BENCH_AREAS (live areas), BENCH_DMA_MB, BENCH_IOAT_MB,
# BENCH_SCALE_MB
# scale the runs.
set -euo pipefail
B=${1:-build}
OUT=$B/bench-results
mkdir -p "$OUT"
LOG=$OUT/log.txt
: >"$LOG"

run() {
	echo "== $1" | tee -a "$LOG"
	"$B/bench/$@" | tee -a "$LOG" | grep -v '^@'
}
run bench_ioctl
run bench_pgtable
run bench_vtd
run bench_smmu
run bench_map "${BENCH_MB:-1024}" "${BENCH_AREAS:-1000000}"
run bench_access
run bench_access_rw
run bench_dma "${BENCH_DMA_MB:-256}"
run bench_ioat "${BENCH_IOAT_MB:-256}"
run bench_share
run bench_mmio
run bench_scale "${BENCH_SCALE_MB:-256}"

{
	echo "uiommufd benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
		"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "Each ratio is figure / baseline, both measured in this run."
	printf '%-44s %12s %-8s %-16s %12s %8s  %s\n' figure value unit baseline \
		value ratio goal
	grep '^@row|' "$LOG" | while IFS='|' read -r _ what v unit base bv ratio goal; do
		printf '%-44s %12s %-8s %-16s %12s %7sx  %s\n' "$what" "$v" "$unit" \
			"$base" "$bv" "$ratio" "$goal"
	done
} | tee "$OUT/table.txt"

# One gnuplot data block per series: x y
grep '^@point|' "$LOG" | cut -d'|' -f2 | awk '!seen[$0]++' >"$OUT/series.txt"
: >"$OUT/curves.dat"
while read -r series; do
	echo "# $series" >>"$OUT/curves.dat"
	grep -F "@point|$series|" "$LOG" | cut -d'|' -f3,4 | tr '|' ' ' >>"$OUT/curves.dat"
	printf '\n\n' >>"$OUT/curves.dat"
done <"$OUT/series.txt"

if ! command -v gnuplot >/dev/null; then
	echo "bench: no gnuplot (scripts/install-deps.sh gnuplot-nox): no plot" >&2
	exit 0
fi
idx() { grep -nxF "$1" "$OUT/series.txt" | cut -d: -f1 | awk '{print $1 - 1}'; }
gnuplot <<GP
set terminal pngcairo size 1500,500 noenhanced
set output "$OUT/plot.png"
set multiplot layout 1,3 title "uiommufd: cost against size and areas (one run)"
set logscale x 2
set format x "%.0b%B"
set xtics rotate by -30
set grid
set key top left
set title "map+unmap, 1 mock domain"
set xlabel "bytes per call"
set ylabel "ns per 4 KiB page"
set logscale y 10
plot "$OUT/curves.dat" index $(idx "map+unmap, 1 domain (ns/page)") using 1:2 with linespoints title "map+unmap"
set title "access rw read vs memcpy"
set xlabel "bytes per call"
set ylabel "GiB/s"
plot "$OUT/curves.dat" index $(idx "access rw read (GiB/s)") using 1:2 with linespoints title "access rw (test op)", \
     "$OUT/curves.dat" index $(idx "memcpy (GiB/s)") using 1:2 with linespoints title "memcpy (bench_access)", \
     "$OUT/curves.dat" index $(idx "driver access rw read (GiB/s)") using 1:2 with linespoints title "iommufd_access_rw()", \
     "$OUT/curves.dat" index $(idx "memcpy, driver access read (GiB/s)") using 1:2 with linespoints title "memcpy (bench_access_rw)"
set title "fixed-IOVA map against live areas"
set logscale x 10
set format x "%g"
unset logscale y
set xlabel "live areas"
set ylabel "ns per map"
set yrange [0:*]
plot "$OUT/curves.dat" index $(idx "fixed-IOVA map (ns/map)") using 1:2 with linespoints title "map"
unset multiplot
GP
echo "bench: table in $OUT/table.txt, plot in $OUT/plot.png"
