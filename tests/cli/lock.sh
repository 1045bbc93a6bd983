#!/bin/sh
# lock.sh - the AP configuration lock: apmatrix speaks s390-tools' protocol
# (a PID file link()ed to /run/lock/s390apconfig.lock), so it waits for
# chzdev and ap-check and they wait for it; it says who holds the lock,
# gives up after a bounded wait, never follows a symbolic link and never
# leaves a file behind.  The last part runs s390-tools' own util_lockfile
# against it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/lib/peers.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
tree=$work/tree
cp -a "$FIXTURES/sysfs/host-613" "$tree"
L=$work/run/lock/s390apconfig.lock
APMATRIX_LOCK=$L
export APMATRIX_LOCK
fs() { "$APMATRIX" --sysfs "$tree" "$@"; }
leftovers() { find "$work/run" -name 's390apconfig.lock*' 2>/dev/null | wc -l; }

run "a change where /run/lock is missing" 0 fs rescan
is "the lock directory was made" yes "$([ -d "$work/run/lock" ] && echo yes)"
is "nothing is left behind" 0 "$(leftovers)"

sleep 60 &
holder=$!
echo "$holder" >"$L"
echo 0 >"$tree/bus/ap/scans"
run "a lock held by a live process: bounded wait" 1 fs --lock-wait 1 rescan
expect_grep "says who holds it" err "waiting for the AP configuration lock held by sleep (pid $holder, uid $(id -u))"
expect_grep "says it gave up" err "gave up waiting for the AP configuration lock $L after 1 s"
expect_grep "nothing was written" err "nothing was written: ETIMEDOUT"
is "the write did not happen" 0 "$(cat "$tree/bus/ap/scans")"
is "the holder's lock is kept" "$holder" "$(cat "$L")"
kill "$holder"
wait "$holder" 2>/dev/null

sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >"$L"
run "a lock of a dead process is stale" 0 fs rescan
is "the stale lock is gone afterwards" 0 "$(leftovers)"

: >"$L"
run "an empty lock is being created: wait" 1 fs --lock-wait 1 rescan
expect_grep "says so" err "it is being created (no PID in it yet)"
touch -d '-3 minutes' "$L"
run "an empty lock older than two minutes is stale" 0 fs rescan
is "and removed" 0 "$(leftovers)"

ln -s "$work/victim" "$L"
run "a symbolic link at the lock path is refused" 1 fs rescan
expect_grep "names it" err "$L is not a lock file (a symbolic link): refusing to use it"
is "its target was not created" no "$([ -e "$work/victim" ] && echo yes || echo no)"
rm -f "$L"

mkfifo "$L"
run "a FIFO at the lock path is refused, without hanging" 1 timeout 20 "$APMATRIX" --sysfs "$tree" rescan
expect_grep "not a regular file" err "is not a lock file (not a regular file)"
rm -f "$L"

echo $$ >"$L"
run "--lock-parent: a lock held by the parent is used" 0 fs --lock-wait 0 --lock-parent rescan
is "and left to its owner" "$$" "$(cat "$L")"
rm -f "$L"

run "read-only mode takes no lock" 1 fs --read-only rescan
is "and creates nothing" 0 "$(leftovers)"

# s390-tools' own implementation on the other side.
if peers_build "$TOP_BUILDDIR/peers"; then
	sh -c '"$PEER_LOCKFILE" -f "$1" -l 0 && sleep 2 && "$PEER_LOCKFILE" -f "$1" -r' sh "$L" >/dev/null 2>&1 &
	peer=$!
	i=0
	while [ ! -f "$L" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	run "util_lockfile holds it: apmatrix waits, then changes" 0 fs rescan
	expect_grep "names the peer" err "waiting for the AP configuration lock held by sh (pid $peer"
	wait "$peer"
	is "the peer's release leaves nothing" 0 "$(leftovers)"

	# apmatrix holds the lock while its write blocks (a FIFO as the attribute).
	rm -f "$tree/devices/vfio_ap/matrix/$G1/assign_adapter"
	mkfifo "$tree/devices/vfio_ap/matrix/$G1/assign_adapter"
	"$APMATRIX" --sysfs "$tree" assign "$G1" adapter 9 >"$work/bg.out" 2>&1 &
	am_pid=$!
	i=0
	while [ ! -f "$L" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	is "apmatrix's lock holds its PID" "$am_pid" "$(cat "$L" 2>/dev/null)"
	if "$PEER_LOCKFILE" -f "$L" -L 0 >/dev/null 2>&1; then
		not_ok "util_lockfile must not get the lock apmatrix holds"
	else
		ok "util_lockfile does not get the lock apmatrix holds"
	fi
	cat "$tree/devices/vfio_ap/matrix/$G1/assign_adapter" >/dev/null
	wait "$am_pid"
	is "apmatrix released it" 0 "$(leftovers)"
	if "$PEER_LOCKFILE" -f "$L" -L 0 >/dev/null 2>&1; then
		ok "util_lockfile gets it afterwards"
	else
		not_ok "util_lockfile gets it afterwards"
	fi
else
	peers_missing "s390-tools' util_lockfile against apmatrix"
fi
done_testing
