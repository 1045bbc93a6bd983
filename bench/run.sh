#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - `make bench`: load a maximal host (256 x 256, 16 mdevs) on the
# simulated host and from a sysfs-shaped tree, print time, calls, RSS, and
# the syscalls of `apmatrix show --json` (strace), beside what lszcrypt -V
# would need for the same host (~62 files per APQN, peers.md §1.1).
set -eu
b=${1:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$b/bench/bench-load" --scenario "$work/max.ini"
echo "== simulated host"
"$b/bench/bench-load" --sim "$work/max.ini"
echo "== sysfs-shaped tree (what the loader reads; queue attributes are read on demand only)"
start=$(date +%s.%N)
"$b/tests/tools/sim2tree" --skeleton --sim "$work/max.ini" "$work/sys"
echo "tree   written in $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s: $(find "$work/sys" | wc -l) entries"
"$b/bench/bench-load" --sysfs "$work/sys"
if command -v strace >/dev/null; then
	strace -f -c -o "$work/strace" "$b/apmatrix" --sysfs "$work/sys" show --json >/dev/null
	calls=$(awk '/^100.00/ {print $4}' "$work/strace")
	echo "tree   apmatrix show --json: $calls syscalls in all (strace -c)"
	echo "peer   lszcrypt -V on this host: about $((62 * 65536)) file reads (62 per APQN)"
else
	echo "(strace not installed: no syscall count for apmatrix show --json)"
fi
echo "== the console"
sh "$(dirname "$0")/tui.sh" "$b"
