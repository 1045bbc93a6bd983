#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - `make bench`: load a maximal host (256 x 256, 16 mdevs) on the
# simulated host and from a sysfs-shaped tree, print time, calls, RSS, and
# the syscalls of `apmatrix show --json` (strace), and s390-tools' lszcrypt
# -V (built from ../shared/peers) against show --json on a full tree of the
# same host: wall, CPU, syscalls, peak RSS and their ratio.
set -eu
b=${1:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The program itself, not libtool's wrapper script (whose shell would be
# counted and timed with it): .libs/apmatrix and the library beside it.
APM=$b/apmatrix
if [ -x "$b/.libs/apmatrix" ]; then
	APM=$b/.libs/apmatrix
	LD_LIBRARY_PATH=$b/core/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
# The tree's mdevs are nobody's: the in-use check finds no process holding them.
mkdir "$work/proc"
APMATRIX_PROC=$work/proc
export APMATRIX_PROC
"$b/bench/bench-load" --scenario "$work/max.ini"
echo "== simulated host"
"$b/bench/bench-load" --sim "$work/max.ini"
echo "== the live view on the simulated host (16 mdevs of 16 x 256 with guests)"
"$b/bench/bench-watch" --scenario "$work/watch.ini"
"$b/bench/bench-watch" "$work/watch.ini"
echo "== sysfs-shaped tree (what the loader reads; queue attributes are read on demand only)"
start=$(date +%s.%N)
"$b/tests/tools/sim2tree" --skeleton --sim "$work/max.ini" "$work/sys"
echo "tree   written in $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s: $(find "$work/sys" | wc -l) entries"
"$b/bench/bench-load" --sysfs "$work/sys"
if command -v strace >/dev/null; then
	strace -f -o "$work/trace" "$APM" --sysfs "$work/sys" show --json >"$work/show.json"
	strace -f -o "$work/base" "$APM" --version >/dev/null
	python3 "$(dirname "$0")/floor.py" "$work/trace" "$work/base" "$work/sys" \
		"$(wc -c <"$work/show.json")"
	rm -f "$work/trace" "$work/show.json"
else
	echo "(strace not installed: no syscall count for apmatrix show --json)"
fi

# The peer on the same host: s390-tools' lszcrypt -V reads every card and
# queue file of a full tree (queue directories and all), where show --json
# reads what the loader needs.  lszcrypt comes from ../shared/peers.
echo "== the peer beside us: lszcrypt -V and show --json on a full 256 x 256 tree"
top=$(cd "$(dirname "$0")/.." && pwd)
TOP_SRCDIR=$top
. "$top/tests/lib/peers.sh"
. "$top/bench/measure.sh"
if peers_build "$b/peers"; then
	start=$(date +%s.%N)
	SIM2TREE_QUIET=1 "$b/tests/tools/sim2tree" --sim "$work/max.ini" "$work/full"
	echo "tree   full tree written in $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s: $(find "$work/full" | wc -l) entries"
	measure env SYSFS_ROOT="$work/full" "$PEER_LSZCRYPT" -V
	keep lsz "SYSFS_ROOT=TREE lszcrypt -V (peer)"
	measure "$APM" --sysfs "$work/full" show --json
	keep apm "apmatrix --sysfs TREE show --json"
	compare lsz apm
	rm -rf "$work/full"
else
	echo "peer   lszcrypt: NOT MEASURED: $peers_why"
fi
echo "== the console"
sh "$(dirname "$0")/tui.sh" "$b"
echo "== guided migration (unplug, replug --check, replug on two simulated hosts)"
sh "$(dirname "$0")/migrate.sh" "$b"
