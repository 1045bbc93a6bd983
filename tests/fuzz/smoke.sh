#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# smoke.sh - the fuzzing part of the test suite: every harness of
# tests/fuzz/harnesses replays its seed corpus (every past finding among
# it) and then fuzzes for FUZZ_SMOKE_SECONDS (default 1), two harnesses
# side by side, in a scratch directory; any finding fails it.  One TAP
# line a harness; with 18 harnesses it takes ~15-30 s.
set -u
if [ "${FUZZ_BUILT:-no}" != yes ]; then
	echo "1..0 # SKIP configure found no clang that builds libFuzzer harnesses"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/apm-fuzz.XXXXXX") || exit 1
sh "$TOP_SRCDIR/tests/fuzz/run.sh" --tap --bindir "$TOP_BUILDDIR/tests/fuzz/bin" \
	--srcdir "$TOP_SRCDIR" --work "$work" --seconds "${FUZZ_SMOKE_SECONDS:-1}" --jobs 2
rc=$?
if [ "$rc" -eq 0 ]; then
	rm -rf "$work"
else
	mkdir -p "$TOP_BUILDDIR/tests/fuzz/smoke-findings"
	cp "$work"/findings/* "$TOP_BUILDDIR/tests/fuzz/smoke-findings/" 2>/dev/null
	cp "$work"/log/*.log "$TOP_BUILDDIR/tests/fuzz/smoke-findings/" 2>/dev/null
	echo "# findings and logs kept in $TOP_BUILDDIR/tests/fuzz/smoke-findings"
	rm -rf "$work"
fi
exit 0
