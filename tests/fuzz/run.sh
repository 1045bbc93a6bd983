#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - runs the libFuzzer harnesses of tests/fuzz/harnesses, each for a
# bounded time, and says what each did: executions, executions per second,
# corpus size, findings.  `make fuzz` runs it (FUZZ_SECONDS, FUZZ_RUNS,
# FUZZ_JOBS) and keeps its corpora in the build tree, so a longer run
# continues a shorter one; the test suite's smoke run (smoke.sh) runs it
# with --tap for a few seconds a harness in a scratch directory.
#
# Every run starts with the seed corpus in the tree (tests/fuzz/corpus/NAME,
# read only), which holds every input that was ever a finding: those are
# replayed first, every time.  A finding is any crash, sanitizer report,
# timeout, leak or out-of-memory; libFuzzer writes the input to
# WORK/findings/NAME-*, and the run fails.
#
# usage: run.sh --bindir DIR --srcdir DIR --work DIR [--seconds S] [--runs N]
#               [--jobs J] [--tap] [NAME...]
set -u
bindir= srcdir= work= seconds=10 runs= jobs=1 tap=
while [ $# -gt 0 ]; do
	case $1 in
	--bindir) bindir=$2; shift 2 ;;
	--srcdir) srcdir=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--tap) tap=1; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -n "$bindir" ] && [ -n "$srcdir" ] && [ -n "$work" ] || {
	echo "usage: run.sh --bindir DIR --srcdir DIR --work DIR [--seconds S] [--runs N] [--jobs J] [--tap] [NAME...]" >&2
	exit 2
}
list=$srcdir/tests/fuzz/harnesses
all=$(sed -e 's/#.*//' "$list" | awk 'NF { print $1 }')
names=${*:-$all}
mkdir -p "$work/corpus" "$work/findings" "$work/log" || exit 1

max_len() { sed -e 's/#.*//' "$list" | awk -v n="$1" '$1 == n { print $2 }'; }

# one NAME: runs it, writes WORK/log/NAME.result ("ok|fail LINE").
one() {
	name=$1
	bin=$bindir/fuzz-$name
	log=$work/log/$name.log
	len=$(max_len "$name")
	seeds=$srcdir/tests/fuzz/corpus/$name
	dict=$srcdir/tests/fuzz/dict/$name.dict
	mkdir -p "$work/corpus/$name"
	rm -f "$work/findings/$name"-*
	if [ ! -x "$bin" ]; then
		echo "fail $name: $bin is missing (make fuzz-build)" >"$work/log/$name.result"
		return
	fi
	set -- -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/findings/$name-"
	[ -n "$len" ] && set -- "$@" -max_len="$len"
	[ -n "$runs" ] && set -- "$@" -runs="$runs"
	[ -f "$dict" ] && set -- "$@" -dict="$dict"
	set -- "$@" "$work/corpus/$name"
	[ -d "$seeds" ] && set -- "$@" "$seeds"
	start=$(date +%s)
	"$bin" "$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	units=$(find "$work/corpus/$name" -type f | wc -l)
	[ -d "$seeds" ] && units=$((units + $(find "$seeds" -type f | wc -l)))
	found=$(find "$work/findings" -name "$name-*" -type f | wc -l)
	what="fuzz-$name: ${execs:-?} executions in ${secs} s (${rate:-?}/s), corpus $units, $found findings"
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		echo "ok $what" >"$work/log/$name.result"
	else
		echo "fail $what (exit $rc; $log)" >"$work/log/$name.result"
	fi
}

# Lanes of harnesses run one after the other; the lanes run side by side.
for l in $(seq 1 "$jobs"); do
	lane_names=$(echo $names | tr ' ' '\n' | awk -v l="$l" -v j="$jobs" '(NR - 1) % j == l - 1')
	(for n in $lane_names; do one "$n"; done) &
done
wait

i=0 failed=0
[ -n "$tap" ] && echo "1..$(echo $names | wc -w)"
for n in $names; do
	i=$((i + 1))
	r=$(cat "$work/log/$n.result" 2>/dev/null || echo "fail fuzz-$n: no result")
	case $r in
	ok*) [ -n "$tap" ] && echo "ok $i - ${r#ok }" || echo "${r#ok }" ;;
	*)
		failed=$((failed + 1))
		if [ -n "$tap" ]; then
			echo "not ok $i - ${r#fail }"
		else
			echo "FAILED ${r#fail }"
		fi
		for f in "$work/findings/$n"-*; do
			[ -f "$f" ] && echo "# finding: $f"
		done
		grep -E '^(==[0-9]+==ERROR|FUZZ FINDING|SUMMARY|.*runtime error)' "$work/log/$n.log" 2>/dev/null |
			head -5 | sed 's/^/# /'
		;;
	esac
done
[ "$failed" -eq 0 ]
