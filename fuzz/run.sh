#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Run the fuzz targets, each for a given time with N processes at once,
# and fail on any crash, sanitizer report, leak or timeout.
#
#   fuzz/run.sh [--build DIR] [--seconds S] [--jobs N] [--out DIR]
#               [--seed N] [--fresh] [TARGET...]
#
# TARGET: fuzz_ioctl, fuzz_race (default both, one after the other). Each
# process starts from the seed corpus fuzz/corpus/TARGET (read only) and
# the working corpus OUT/corpus/TARGET, where new inputs go; crashing
# inputs go to OUT/crashes/TARGET/ and are printed in base64 so that a CI
# log carries them. Prints executions, exec/s, edges (cov:) and features
# (ft:) per process. Exit status 1 if any process found something.
# --seed N: process i uses seed N+i (default: random seeds); with --fresh
# (the working corpus emptied first) a run replays what another machine
# ran with the same seed, as far as the targets are deterministic.
set -uo pipefail
cd "$(dirname "$0")/.."

build=build-fuzz
seconds=60
jobs=2
out=
seed=
fresh=0
targets=()
while (($#)); do
	case $1 in
	--build) build=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--fresh) fresh=1; shift ;;
	-h | --help) sed -n '3,20p' "$0"; exit 0 ;;
	*) targets+=("$1"); shift ;;
	esac
done
((${#targets[@]})) || targets=(fuzz_ioctl fuzz_race)
out=${out:-$build/fuzz-out}

symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
export ASAN_SYMBOLIZER_PATH=$symbolizer TSAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# One target: $jobs processes for $seconds, then their figures
run_target() {
	local t=$1 bin=$build/fuzz/$1 corpus=$out/corpus/$1 crashes=$out/crashes/$1
	local max_len=2048 pids=() rc=0 i

	[ "$t" = fuzz_race ] && max_len=1024
	[ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz-build)" >&2; return 1; }
	((fresh)) && rm -rf "$corpus"
	mkdir -p "$corpus" "$crashes" "$out/logs"
	# Inputs of earlier runs stay in $crashes; only this run's count
	touch "$out/logs/$t.start"
	echo "== $t: $jobs x ${seconds}s, seed ${seed:-random}, corpus $corpus, crashes in $crashes/"
	for ((i = 0; i < jobs; i++)); do
		local s=$((${seed:-$RANDOM} + i + 1))
		"$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
			-max_len=$max_len -print_final_stats=1 -seed=$s \
			-artifact_prefix="$crashes/" "$corpus" "fuzz/corpus/$t" \
			>"$out/logs/$t.$i.log" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		local log=$out/logs/$t.$i.log
		if ! wait "${pids[$i]}"; then
			rc=1
			echo "-- $t process $i FAILED; its report:"
			# The verdict first: a CI log may keep only some lines
			grep -m4 -E '==ERROR|runtime error|WARNING: |^fuzz: ' "$log"
			grep -v 'NEW_FUNC\|^#[0-9]' "$log" | tail -60
		fi
		local last execs speed
		last=$(grep -E '^#[0-9]+' "$log" | tail -1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		echo "$t[$i]: executions ${execs:-?} (${speed:-?}/s), last: ${last:-none}"
	done
	echo "$t: corpus $(find "$corpus" -type f | wc -l) inputs"
	for f in $(find "$crashes" -type f -newer "$out/logs/$t.start"); do
		rc=1
		echo "-- crashing input $f (base64):"
		base64 -w0 "$f"
		echo
	done
	return $rc
}

status=0
for t in "${targets[@]}"; do
	run_target "$t" || status=1
done
if ((status)); then
	echo "fuzz: FAILED (reproduce: $build/fuzz/TARGET FILE; see fuzz/README.md)"
else
	echo "fuzz: ${#targets[@]} passed, 0 failed"
fi
exit $status
