# SPDX-License-Identifier: GPL-2.0-or-later
# peers.sh - s390-tools' own programs as test clients, built from the source
# the project keeps beside it (../shared/peers, a subset of s390-tools).
#
#   . tests/lib/peers.sh
#   peers_build DIR || skip "$peers_why"
#
# peers_build unpacks the tarball into DIR once and builds lszcrypt,
# chzcrypt, lszdev, chzdev, ap-check and util_lockfile_example there (a
# stamp file keeps the build for the next run); it sets PEERS to the
# unpacked tree and exports the programs' paths:
#   PEER_LSZCRYPT PEER_CHZCRYPT PEER_LSZDEV PEER_CHZDEV PEER_APCHECK PEER_LOCKFILE
# It returns 1 with the reason in peers_why when the source is not there or
# does not build.  peers_use DIR sets the same from a tree peers_build made
# before (the VM tests: built on the host, run in the VM), building nothing.  The tarball is found at $APM_PEERS (a directory or the
# tarball itself), else ../shared/peers beside the checkout.
# Under CI=true a missing peer is the caller's failure, never a skip.

peers_tarball() {
	for p in "${APM_PEERS:-}" "${TOP_SRCDIR:-.}/../shared/peers" "$(dirname "${TOP_SRCDIR:-.}")/shared/peers"; do
		[ -n "$p" ] || continue
		if [ -f "$p" ]; then
			echo "$p"
			return 0
		fi
		for t in "$p"/s390-tools-*.tar.xz; do
			[ -f "$t" ] && echo "$t" && return 0
		done
	done
	return 1
}

peers_build() {
	dir=$1
	peers_why=
	if ! tarball=$(peers_tarball); then
		peers_why="s390-tools' source is not here (set APM_PEERS or keep ../shared/peers beside the checkout)"
		return 1
	fi
	PEERS=$dir/s390-tools
	stamp=$dir/stamp
	# Tests running at once (make -j) build once: the others wait for it
	# on DIR.lock (flock, fd 9) and then find the stamp.
	mkdir -p "$(dirname "$dir")" && exec 9>"$dir.lock" && flock 9 || {
		peers_why="cannot lock $dir.lock"
		return 1
	}
	peers_unpack_build "$tarball"
	rc=$?
	flock -u 9
	exec 9>&-
	[ $rc -eq 0 ] && peers_use "$dir"
}

peers_unpack_build() { # peers_unpack_build TARBALL: into $dir, unless $stamp is newer
	tarball=$1
	if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
		rm -rf "$dir" && mkdir -p "$dir" || return 1
		if ! tar -xJf "$tarball" -C "$dir"; then
			peers_why="cannot unpack $tarball"
			return 1
		fi
		# The whole zcrypt directory fails at zcryptstats (an s390-only header): name the targets.
		if ! { make -C "$PEERS/libutil" util_lockfile_example &&
			make -C "$PEERS/zconf/zcrypt" lszcrypt chzcrypt &&
			make -C "$PEERS/ap_tools" &&
			make -C "$PEERS/zdev"; } >"$dir/build.log" 2>&1; then
			peers_why="s390-tools does not build here (see $dir/build.log: $(grep -m1 -iE 'error|fatal' "$dir/build.log"))"
			return 1
		fi
		touch "$stamp"
	fi
}

peers_use() {
	PEERS=$1/s390-tools
	peers_why=
	if [ ! -f "$1/stamp" ]; then
		peers_why="s390-tools' programs were not built in $1"
		return 1
	fi
	PEER_LSZCRYPT=$PEERS/zconf/zcrypt/lszcrypt
	PEER_CHZCRYPT=$PEERS/zconf/zcrypt/chzcrypt
	PEER_LSZDEV=$PEERS/zdev/src/lszdev
	PEER_CHZDEV=$PEERS/zdev/src/chzdev
	PEER_APCHECK=$PEERS/ap_tools/ap-check
	PEER_LOCKFILE=$PEERS/libutil/util_lockfile_example
	export PEERS PEER_LSZCRYPT PEER_CHZCRYPT PEER_LSZDEV PEER_CHZDEV PEER_APCHECK PEER_LOCKFILE
	for p in "$PEER_LSZCRYPT" "$PEER_CHZCRYPT" "$PEER_LSZDEV" "$PEER_CHZDEV" "$PEER_APCHECK" "$PEER_LOCKFILE"; do
		if [ ! -x "$p" ]; then
			peers_why="$p was not built"
			return 1
		fi
	done
	return 0
}

# peers_missing WHAT: the TAP line for checks that cannot run without the
# peers, through the caller's TAP helpers (n, not_ok): a failure under
# CI=true, elsewhere a skip said loudly.
peers_missing() {
	if [ "${CI:-}" = true ]; then
		not_ok "s390-tools' clients must run in CI ($1): $peers_why"
	else
		echo "# ######## SKIPPED: $1: $peers_why"
		n=$((n + 1))
		echo "ok $n # SKIP $peers_why"
	fi
}
