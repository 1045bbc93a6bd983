# SPDX-License-Identifier: GPL-2.0-or-later
# measure.sh - one command's cost, for the benchmarks' peer comparisons
# (sourced by bench/run.sh and tests/vm/bench.sh).
#
# measure CMD...  runs CMD twice, output discarded: once under GNU time for
#                 wall time, CPU (user + system) and peak RSS, once under
#                 strace -f -c for its system calls (MEASURE_CALLS=kernel:
#                 counted by the kernel instead); sets M_WALL (s), M_CPU
#                 (s), M_RSS (KiB), M_CALLS (empty when not counted).
# keep NAME LABEL keeps the last figures under NAME; compare A B prints
#                 A's and B's and their ratio A/B (wall, CPU, calls, RSS).

measure() {
	t=${TMPDIR:-/tmp}/measure.$$
	/usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1 || true
	# The last line: GNU time puts "Command exited with ..." before it.
	M_WALL=$(awk 'END { print $1 }' "$t")
	M_CPU=$(awk 'END { printf "%.2f", $2 + $3 }' "$t")
	M_RSS=$(awk 'END { print $4 }' "$t")
	M_CALLS=
	if [ "${MEASURE_CALLS:-strace}" = kernel ]; then
		kernel_calls "$t" "$@"
	elif command -v strace >/dev/null; then
		strace -f -c -o "$t" "$@" >/dev/null 2>&1 || true
		M_CALLS=$(awk '$NF == "total" { print $4 }' "$t")
	fi
	rm -f "$t" "$t.pid"
}

# kernel_calls TMP CMD...: the kernel counts CMD's system calls (a hist
# trigger on raw_syscalls:sys_enter keyed by PID), for the VM, where strace
# under TCG would take half an hour for lszcrypt at 256 x 256.  CMD must
# not fork; the few calls of the shell that execs it are counted too.
kernel_calls() {
	k=/sys/kernel/tracing
	[ -d $k/events ] || mount -t tracefs nodev $k 2>/dev/null || return 0
	e=$k/events/raw_syscalls/sys_enter
	echo 'hist:keys=common_pid:vals=hitcount:size=16384' >$e/trigger || return 0
	tmp=$1
	shift
	sh -c 'echo $$ >"$0"; exec "$@" >/dev/null 2>&1' "$tmp.pid" "$@" || true
	M_CALLS=$(awk -v p="$(cat "$tmp.pid")" '{ gsub(/[{}]/, "") } $1 == "common_pid:" && $2 == p { print $4 }' $e/hist)
	echo '!hist:keys=common_pid:vals=hitcount:size=16384' >$e/trigger
}

keep() { # keep NAME LABEL: the last measure's figures under NAME
	eval "W_$1=$M_WALL C_$1=$M_CPU R_$1=$M_RSS S_$1=${M_CALLS:-0}"
	eval "L_$1=\$2"
}

figures() { # figures NAME: one line of them
	eval "f_l=\$L_$1 f_w=\$W_$1 f_c=\$C_$1 f_s=\$S_$1 f_r=\$R_$1"
	printf '%-46s %8.2f s wall %8.2f s CPU %9d syscalls %8d KiB peak RSS\n' \
		"$f_l" "$f_w" "$f_c" "$f_s" "$f_r"
}

compare() { # compare A B: both lines, then A/B
	figures "$1"
	a="$f_w $f_c $f_s $f_r"
	la=$f_l
	figures "$2"
	awk -v a="$a" -v b="$f_w $f_c $f_s $f_r" -v l="$la / $f_l" 'BEGIN {
		split(a, x, " "); split(b, y, " "); r = ""
		for (i = 1; i <= 4; i++)
			r = r (i > 1 ? ", " : "") (y[i] > 0 ? sprintf("%.3gx", x[i] / y[i]) : "?")
		printf "ratio  %s: %s (wall, CPU, syscalls, peak RSS)\n", l, r
	}'
}
