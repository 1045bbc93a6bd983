#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# readme.sh - the README's two commands, exactly as README.md writes them,
# on a fresh clone of this checkout, in the order a new user types them:
# command 1 (install, build, start), then command 2 (the whole suite),
# then command 1 again (so each has run after the other).  The clone is
# not where this checkout is, and the commands are read from README.md,
# so a README that drifts from what works fails here.  Command 1 ends in
# ./apmatrix, which on no terminal prints `show` instead of the console.
# The inner run of command 2 skips the VM tests, this test, the sanitizer
# build and distcheck (the outer run-all runs them).  Run by tests/run-all;
# TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
tail_of() { tail -"${2:-20}" "$1" | sed 's/^/#   /'; }

if ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP not a git checkout: nothing to clone"
	exit 0
fi
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# Where a user would clone: a directory others may enter (the screen tests
# look through an ordinary user's eyes, who must reach the build).
chmod 755 "$work"

# The first fenced block of README.md, which must be its first lines.
cmd1=$(sed -n '2p' "$top/README.md")
cmd2=$(sed -n '3p' "$top/README.md")
if [ "$(sed -n '1p' "$top/README.md")" = '```sh' ] && [ "$(sed -n '4p' "$top/README.md")" = '```' ] &&
	[ -n "$cmd1" ] && [ -n "$cmd2" ]; then
	ok "README.md starts with its two commands"
else
	not_ok "README.md does not start with a block of two commands"
	echo "1..$n"
	exit 1
fi
echo "# command 1: $cmd1"
echo "# command 2: $cmd2"

# A clone of what is committed here, as a new user gets it.
if git clone -q "$top" "$work/apmatrix" 2>"$work/clone.log"; then
	ok "a fresh clone"
else
	not_ok "git clone failed"
	tail_of "$work/clone.log"
	echo "1..$n"
	exit 1
fi
cd "$work/apmatrix" || exit 1

one() { # run command 1 with no terminal: ./apmatrix prints `show`
	sh -c "$cmd1" </dev/null >"$work/cmd1.$1.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^host: ' "$work/cmd1.$1.log"; then
		ok "command 1 ($1): built, and ./apmatrix shows the host"
	else
		not_ok "command 1 ($1): exit $rc"
		tail_of "$work/cmd1.$1.log"
	fi
}

one first
# The clone is not beside the project's s390-tools source (../shared/peers):
# name it, so the inner run tests against s390-tools as this one does.
if [ -z "${APM_PEERS:-}" ] && peers=$(TOP_SRCDIR=$top && . "$top/tests/lib/peers.sh" && peers_tarball); then
	APM_PEERS=$peers
	export APM_PEERS
fi
KEEP= APM_RUN_ALL_NESTED=1 sh -c "$cmd2" </dev/null >"$work/cmd2.log" 2>&1
rc=$?
last=$(tail -1 "$work/cmd2.log")
if [ "$rc" -eq 0 ] && echo "$last" | grep -Eq '^[0-9]+ passed, 0 failed$'; then
	ok "command 2 after command 1: $last"
else
	not_ok "command 2 after command 1: exit $rc, '$last'"
	grep -E '^run-all: ' "$work/cmd2.log" | sed 's/^/#   /' | tail -20
fi
one again
echo "1..$n"
[ "$failed" -eq 0 ]
