#!/usr/bin/env bash
# conformance/run.sh — run the Linux kernel's own iommufd selftest, one process per test.
#
# usage: conformance/run.sh [options] [--] [extra args for the test binary]
# (extra args start at --, or at the first argument that is not one of these options)
#   --preload LIB         run the test binaries with LD_PRELOAD=LIB (the uiommufd shim)
#   --must-pass FILE      exit 1 and list the regressions if a test named in FILE
#                         (fixture.variant.test per line, # comments) did not pass
#   --timeout SEC         per-test timeout (default 60)
#   --total-timeout SEC   timeout for the whole run, 0 = none (default 3600); tests not
#                         started by then count as failed ("NOTRUN")
#   -j N, --jobs N        run N tests at a time (default 1)
#   --out DIR             build and output directory (default <repo>/build/conformance)
#   --only BIN            run only BIN (iommufd or iommufd_fail_nth); may be repeated
#   --no-build            use the binaries already in DIR (default: conformance/build.sh DIR,
#                         which fetches the sources and rebuilds only what changed)
#   --verbose             print every test's result as it finishes
#   -h, --help
# Extra args: the harness's filters -f/-F FIXTURE, -v/-V VARIANT, -t/-T TEST, -r
# FIXTURE.VARIANT.TEST select the tests (with the harness's own rules: first match
# decides; only exclusions = everything else); other args (e.g. -d) are passed to
# every test run.
#
# Each test runs as `BIN -r NAME` in its own session under the per-test timeout, so a
# crash or hang loses only that test. Output in DIR:
#   conformance.tap   the full TAP log of all tests (renumbered; per-test output as comments)
#   logs/BIN/NAME.log the raw output of each test run
#   results.txt       BINARY FIXTURE.VARIANT.TEST STATUS EXIT SECONDS, one per test
#   summary.txt       the table printed at the end
#   passed.txt        the tests that passed (to grow the must-pass list from)
# STATUS: PASS, XFAIL (count as passed), SKIP, FAIL, XPASS, TIMEOUT, CRASH (killed by a
# signal or no TAP result), NOTRUN (total timeout reached).
# Exit status: 0, or 1 when --must-pass found regressions, 2 on usage or build errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINS_ALL=(iommufd iommufd_fail_nth)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "conformance/run: error: $*" >&2; exit 2; }

PRELOAD="" MUST_PASS="" TIMEOUT=60 TOTAL_TIMEOUT=3600 JOBS=1 OUT=$ROOT/build/conformance
BUILD=1 VERBOSE=0 ONLY=() EXTRA=()
while (($#)); do
	case $1 in
	--preload) PRELOAD=${2:?--preload needs LIB}; shift ;;
	--must-pass) MUST_PASS=${2:?--must-pass needs FILE}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout needs SEC}; shift ;;
	--total-timeout) TOTAL_TIMEOUT=${2:?--total-timeout needs SEC}; shift ;;
	-j | --jobs) JOBS=${2:?-j needs N}; shift ;;
	-j[0-9]*) JOBS=${1#-j} ;;
	--out) OUT=${2:?--out needs DIR}; shift ;;
	--only) ONLY+=("${2:?--only needs BIN}"); shift ;;
	--no-build) BUILD=0 ;;
	--verbose) VERBOSE=1 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; EXTRA=("$@"); break ;;
	--*) echo "conformance/run: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) EXTRA=("$@"); break ;;
	esac
	shift
done
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout: a positive number of seconds"
[[ $TOTAL_TIMEOUT =~ ^[0-9]+$ ]] || die "--total-timeout: a number of seconds"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "-j: a positive number"
if [ -n "$PRELOAD" ]; then
	[ -f "$PRELOAD" ] || die "--preload $PRELOAD: no such file"
	PRELOAD=$(readlink -f "$PRELOAD")
fi
if [ -n "$MUST_PASS" ]; then
	[ -f "$MUST_PASS" ] || die "--must-pass $MUST_PASS: no such file"
fi
BINS=("${BINS_ALL[@]}")
if ((${#ONLY[@]})); then
	for b in "${ONLY[@]}"; do
		[[ " ${BINS_ALL[*]} " == *" $b "* ]] || die "--only $b: not one of ${BINS_ALL[*]}"
	done
	BINS=("${ONLY[@]}")
fi

# Split the extra args into the harness's test filters (applied here, to the list)
# and the rest (passed to each run; a filter passed along with -r would add tests).
FILTERS=() PASS_ARGS=()
for ((i = 0; i < ${#EXTRA[@]}; i++)); do
	a=${EXTRA[i]}
	case $a in
	-[fFvVtTr])
		((i + 1 < ${#EXTRA[@]})) || die "$a needs an argument"
		FILTERS+=("${a#-}"$'\t'"${EXTRA[i + 1]}"); i=$((i + 1)) ;;
	-[fFvVtTr]?*) FILTERS+=("${a:1:1}"$'\t'"${a:2}") ;;
	-l | -h) die "$a: not for the runner (run the binary itself)" ;;
	*) PASS_ARGS+=("$a") ;;
	esac
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if ((BUILD)); then
	"$ROOT/conformance/build.sh" "$OUT" || die "build failed"
fi
for b in "${BINS[@]}"; do
	[ -x "$OUT/$b" ] || die "$OUT/$b is missing (run conformance/build.sh $OUT)"
done

# ---- the list of tests ---------------------------------------------------------------
# `BIN -l` prints, per fixture, rows of printf("%-20s %-25s %s\n", fixture, variant, test)
# with the fixture only on its first row and variants and tests in parallel columns;
# the tests are the product tests x variants. Prints FIXTURE<TAB>VARIANT<TAB>TEST.
list_tests() {
	local listing
	# -l exits with KSFT_SKIP (4) after listing.
	listing=$("$1" -l 2>&1 >/dev/null) || true
	printf '%s\n' "$listing" | awk '
	function field(width,   tok) {
		if (substr(rest, 1, 1) == " " || rest == "") { rest = substr(rest, width + 2); return "" }
		tok = rest; sub(/ .*/, "", tok)
		rest = substr(rest, (length(tok) > width ? length(tok) : width) + 2)
		return tok
	}
	function flush(   i, j) {
		for (i = 1; i <= nv || (nv == 0 && i == 1); i++)
			for (j = 1; j <= nt; j++)
				print fx "|" (nv ? vs[i] : "") "|" ts[j]
	}
	/^# FIXTURE/ || /^-+$/ { next }
	{
		rest = $0
		f = field(20); v = field(25); t = rest; gsub(/ /, "", t)
		if (f != "") { if (fx != "") flush(); fx = f; nv = 0; nt = 0 }
		if (v != "") vs[++nv] = v
		if (t != "") ts[++nt] = t
	}
	END { if (fx != "") flush() }'
}

# The harness's test_enabled(): options in order, the first match decides (lower
# case includes, upper case excludes, -r includes its exact name); with no match,
# enabled only if there was no including option at all.
filter_tests() {
	local f
	f=$(printf '%s\n' ${FILTERS[@]+"${FILTERS[@]}"})
	awk -F'|' -v filters="$f" '
	BEGIN { n = split(filters, fl, "\n"); for (i = 1; i <= n; i++) if (fl[i] != "") {
		split(fl[i], p, "\t"); k++; opt[k] = p[1]; arg[k] = p[2]
		if (opt[k] ~ /^[a-z]$/) positive = 1 } }
	function enabled(fx, v, t,   i, o, name) {
		name = fx "." (v != "" ? v "." : "") t
		for (i = 1; i <= k; i++) {
			o = tolower(opt[i])
			if ((o == "t" && arg[i] == t) || (o == "f" && arg[i] == fx) || (o == "v" && arg[i] == v))
				return opt[i] == o
			if (o == "r" && arg[i] == name) return 1
		}
		return !positive
	}
	enabled($1, $2, $3)'
}

LOGS=$OUT/logs
rm -rf "$LOGS" "$OUT/results.txt" "$OUT/summary.txt" "$OUT/passed.txt" "$OUT/conformance.tap"
mkdir -p "$LOGS"
NAMES=() TBIN=() TRIPLES=()
for b in "${BINS[@]}"; do
	mkdir -p "$LOGS/$b"
	all=$(list_tests "$OUT/$b")
	[ -n "$all" ] || die "$OUT/$b -l listed no tests"
	while IFS='|' read -r fx v t; do
		[ -n "$fx" ] || continue
		NAMES+=("$fx.${v:+$v.}$t"); TBIN+=("$b"); TRIPLES+=("$fx"'|'"$v"'|'"$t")
	done < <(printf '%s\n' "$all" | filter_tests)
done
N=${#NAMES[@]}
((N)) || die "no test selected"

# ---- running -------------------------------------------------------------------------
START=$SECONDS
DEADLINE=$((TOTAL_TIMEOUT ? SECONDS + TOTAL_TIMEOUT : 0))
ENVS=()
[ -n "$PRELOAD" ] && ENVS=("LD_PRELOAD=$PRELOAD")

# run_test BIN NAME: run one test in its own session; afterwards kill whatever of that
# session survived (the harness runs each test in a child with its own process group,
# which outlives a killed parent). Writes STATUS EXIT SECONDS to logs/BIN/NAME.res.
run_test() {
	local bin=$1 name=$2 base=$LOGS/$1/$2 limit=$TIMEOUT rc=0 t0 t1 st sid pid
	if ((DEADLINE)); then
		local left=$((DEADLINE - SECONDS))
		if ((left <= 0)); then
			echo "# not run: total timeout (${TOTAL_TIMEOUT} s) reached" >"$base.log"
			echo "NOTRUN - 0.000" >"$base.res"
			return 0
		fi
		((left < limit)) && limit=$left
	fi
	t0=$(date +%s%N)
	# (the outer 2>/dev/null silences bash's own "Aborted"/"Segmentation fault" notes)
	{
		# shellcheck disable=SC2016 # $$ and $@ are for the inner shell
		setsid -w bash -c 'echo $$ >"$0"; exec "$@"' "$base.sid" \
			timeout -k 5 "$limit" env ${ENVS[@]+"${ENVS[@]}"} "$OUT/$bin" -r "$name" ${PASS_ARGS[@]+"${PASS_ARGS[@]}"} \
			</dev/null >"$base.log" 2>&1 || rc=$?
	} 2>/dev/null
	t1=$(date +%s%N)
	sid=$(cat "$base.sid" 2>/dev/null || true)
	# Only a killed harness leaves its test child behind. (/proc rather than ps:
	# procps is not on a minimal Debian.)
	if ((rc >= 124)) && [[ $sid =~ ^[0-9]+$ ]]; then
		local stat line fields
		for stat in /proc/[0-9]*/stat; do
			read -r line <"$stat" 2>/dev/null || continue
			read -r -a fields <<<"${line##*) }" # state ppid pgrp session ...
			if [ "${fields[3]:-}" = "$sid" ]; then
				pid=${stat#/proc/}
				kill -KILL "${pid%/stat}" 2>/dev/null || true
			fi
		done
	fi
	rm -f "$base.sid"
	st=$(awk -v n="$name" '
		$1 == "ok" && $3 == n { st = / # SKIP/ ? "SKIP" : / # XFAIL/ ? "XFAIL" : "PASS" }
		$1 == "not" && $2 == "ok" && $4 == n { st = / # XPASS/ ? "XPASS" : "FAIL" }
		END { print st }' "$base.log")
	if [ -z "$st" ]; then
		if ((rc == 124 || rc == 137)); then
			st=TIMEOUT
			echo "# runner: no result after the ${limit} s timeout" >>"$base.log"
		else
			st=CRASH
			echo "# runner: no TAP result; exit status $rc$( ((rc > 128)) && echo " (signal $((rc - 128)))")" >>"$base.log"
		fi
	fi
	printf '%s %s %d.%03d\n' "$st" "$rc" $(((t1 - t0) / 1000000000)) $((((t1 - t0) / 1000000) % 1000)) >"$base.res"
	if ((VERBOSE)); then
		printf '%-8s %s\n' "$st" "$name"
	fi
}

echo "conformance/run: $N tests from ${BINS[*]}${PRELOAD:+ with LD_PRELOAD=$PRELOAD}, timeout ${TIMEOUT} s per test, -j $JOBS" >&2
running=0
for ((i = 0; i < N; i++)); do
	run_test "${TBIN[i]}" "${NAMES[i]}" &
	running=$((running + 1))
	if ((running >= JOBS)); then
		wait -n || true
		running=$((running - 1))
	fi
	if ((!VERBOSE && (i + 1) % 50 == 0)); then
		echo "conformance/run: started $((i + 1)) / $N ($((SECONDS - START)) s)" >&2
	fi
done
wait

# ---- results -------------------------------------------------------------------------
RESULTS=$OUT/results.txt
for ((i = 0; i < N; i++)); do
	res=$(cat "$LOGS/${TBIN[i]}/${NAMES[i]}.res" 2>/dev/null || echo "CRASH - 0.000")
	printf '%s %s %s\t%s\n' "${TBIN[i]}" "${NAMES[i]}" "$res" "${TRIPLES[i]}"
done >"$RESULTS.tmp"
cut -f1 "$RESULTS.tmp" >"$RESULTS"

# The full TAP log: one plan, tests renumbered, each run's own lines as comments.
{
	echo "TAP version 13"
	echo "1..$N"
	k=0
	while read -r b name st rc secs; do
		k=$((k + 1))
		echo "# ---- $b -r $name (exit $rc, $secs s)"
		awk -v n="$name" -v k="$k" -v st="$st" '
			/^TAP version/ || /^1\.\.[0-9]+$/ { next }
			($1 == "ok" && $3 == n) || ($1 == "not" && $2 == "ok" && $4 == n) {
				line = $0; sub(/^(not )?ok [0-9]+ /, "", line)
				last = ($1 == "not" ? "not ok " : "ok ") k " " line
				next }
			{ print (substr($0, 1, 1) == "#" ? $0 : "# " $0) }
			END {
				if (st == "TIMEOUT" || st == "CRASH" || st == "NOTRUN") print "not ok " k " " n " # " st
				else print last }' "$LOGS/$b/$name.log"
	done <"$RESULTS"
} >"$OUT/conformance.tap"

awk '$3 == "PASS" || $3 == "XFAIL" { print $2 }' "$RESULTS" >"$OUT/passed.txt"

# Summary table: per binary, per fixture, and per fixture.variant where there are variants.
awk -F'\t' '
	function add(key, st) {
		if (!(key in tot)) order[++no] = key
		tot[key]++
		if (st == "PASS" || st == "XFAIL") pass[key]++
		else if (st == "SKIP") skip[key]++
		else fail[key]++
	}
	{
		split($1, r, " "); b = r[1]; st = r[3]; split($2, tr, "|"); fx = tr[1]; v = tr[2]
		add("B\t" b, st); add("F\t" b "\t" fx, st)
		if (v != "") { add("V\t" b "\t" fx "." v, st); hasv[b "\t" fx] = 1 }
		add("T", st)
		if (st == "TIMEOUT" || st == "CRASH" || st == "NOTRUN" || st == "XPASS") { if (!(st in odd)) nodd++; odd[st]++ }
	}
	function row(label, key) {
		printf "%-" w "s %6d %6d %6d %6d\n", label, pass[key], fail[key], skip[key], tot[key]
	}
	END {
		w = 24
		for (i = 1; i <= no; i++) { split(order[i], p, "\t"); l = length(p[3]) + 4; if (l > w) w = l }
		printf "%-" w "s %6s %6s %6s %6s\n", "FIXTURE[.VARIANT]", "PASS", "FAIL", "SKIP", "TOTAL"
		for (i = 1; i <= no; i++) {
			split(order[i], p, "\t")
			if (p[1] == "B") { printf "%s\n", p[2] ":"; b = p[2]
				for (j = 1; j <= no; j++) { split(order[j], q, "\t")
					if (q[1] == "F" && q[2] == b) { row("  " q[3], order[j])
						if (hasv[b "\t" q[3]]) for (m = 1; m <= no; m++) { split(order[m], s, "\t")
							if (s[1] == "V" && s[2] == b && index(s[3], q[3] ".") == 1) row("    " s[3], order[m]) } } }
				row("  total " b, order[i]) }
		}
		row("TOTAL", "T")
		if (nodd) {
			msg = ""; for (x in odd) msg = msg (msg == "" ? "" : ", ") odd[x] " " x
			print "  (counted in FAIL: " msg ")"
		}
	}' "$RESULTS.tmp" | tee "$OUT/summary.txt"
rm -f "$RESULTS.tmp"
echo "conformance/run: $N tests in $((SECONDS - START)) s; TAP log $OUT/conformance.tap, results $OUT/results.txt, passing tests $OUT/passed.txt"

# ---- the must-pass list ----------------------------------------------------------------
if [ -n "$MUST_PASS" ]; then
	# A test may name what it needs from the machine after its name:
	#   @hugepages  2 MiB huge pages reserved (at least 64)
	# Tests whose needs this machine does not meet are not enforced.
	have=""
	hp=$(awk '/^HugePages_Total:/ { print $2 }' /proc/meminfo 2>/dev/null || echo 0)
	[ "${hp:-0}" -ge 64 ] && have="$have hugepages"
	effective=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MUST_PASS")
	skipped=$(awk -v have="$have" '{
		for (i = 2; i <= NF; i++) {
			need = $i; sub(/^@/, "", need)
			if (index(" " have " ", " " need " ") == 0) { print $1 " (needs " need ")"; break }
		} }' <<<"$effective")
	regressions=$(awk -v have="$have" '
		NR == FNR { st[$2] = $3; next }
		{
			for (i = 2; i <= NF; i++) {
				need = $i; sub(/^@/, "", need)
				if (index(" " have " ", " " need " ") == 0) next
			}
		}
		!($1 in st) { print "  " $1 ": not run (no such test in this run)"; next }
		st[$1] != "PASS" && st[$1] != "XFAIL" { print "  " $1 ": " st[$1] }' "$RESULTS" - <<<"$effective")
	listed=$(wc -l <<<"$effective")
	if [ -n "$skipped" ]; then
		echo "conformance/run: not enforced on this machine (unmet needs):"
		printf '  %s\n' "$skipped"
	fi
	if [ -n "$regressions" ]; then
		echo "conformance/run: REGRESSIONS: tests in $MUST_PASS that did not pass:"
		printf '%s\n' "$regressions"
		exit 1
	fi
	echo "conformance/run: all enforced tests of the $listed in $MUST_PASS passed"
fi
exit 0
