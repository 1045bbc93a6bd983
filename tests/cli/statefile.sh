#!/bin/sh
# statefile.sh - the simulated host's state file under concurrency, a full
# disk, other users, odd files, truncation and killed writers: nothing is
# lost, nothing is reported as done that was not saved, nothing hangs.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804

# Four changes at once on a missing file: the creation is under the same
# lock as every change, so none of them is lost (issue 8: 15 of 40 lost).
lost=0
for r in $(seq 1 40); do
	rm -f "$sim"
	for d in 0x10 0x11 0x12 0x13; do
		"$APMATRIX" --sim="$sim" assign $G1 control-domain $d >/dev/null 2>&1 &
	done
	wait
	kept=$(json "len([d for m in j['mdevs'] if m['uuid']=='$G1' for d in m['control_domains'] if 16<=d<20])")
	[ "$kept" = 4 ] || { lost=$((lost + 1)); echo "# round $r: $kept of 4 kept"; }
done
is "40 rounds of 4 changes on a missing file: none lost" 0 "$lost"

# A full disk (here the file size limit): nothing reported as applied.
rm -f "$sim"
run "create the state" 0 am show
cp "$sim" "$work/before"
(
	trap '' XFSZ
	ulimit -f 1
	exec "$APMATRIX" --sim="$sim" mask apmask -5
) >"$work/out" 2>"$work/err"
is "a change that cannot be saved is refused" 1 "$?"
expect_no_grep "not reported as applied" out "applied:"
expect_grep "said so" err "nothing of this change was kept: the host could not save it (EFBIG)"
if cmp -s "$sim" "$work/before"; then ok "the file is as it was"; else not_ok "the file is as it was"; fi
expect_json "and so is the host" "j['apmask'][:4]" "0xff"

# Mode and owner stay the file's.
chmod 0640 "$sim"
run "a change" 0 am mask apmask -5
is "mode kept" 640 "$(stat -c %a "$sim")"
if [ "$(id -u)" = 0 ]; then
	chown 65534:65534 "$sim"
	run "a change by root" 0 am mask apmask +5
	is "owner kept" "65534:65534" "$(stat -c %u:%g "$sim")"
	chown 0:0 "$sim"
	chmod 0644 "$sim"
	chmod 0755 "$work"
	if command -v setpriv >/dev/null; then
		run "another user's file is not taken over" 1 \
			setpriv --reuid=65534 --regid=65534 --clear-groups "$APMATRIX" --sim="$sim" mask apmask -5
		expect_grep "owner named" err "belongs to uid 0: apmatrix does not replace another user's state file"
		is "still root's" "0:0" "$(stat -c %u:%g "$sim")"
	fi
fi

# Read-only never writes, not even the file that is missing.
rm -f "$sim"
run "read-only show on a missing file" 0 am --read-only show
if [ -e "$sim" ]; then not_ok "no file created"; else ok "no file created"; fi

# What is no regular file is refused at once, never read forever.
run "a directory" 2 timeout 10 "$APMATRIX" --sim="$work" show
expect_grep "directory named" err "is a directory: the simulated host's state lives in a regular file"
mkfifo "$work/fifo"
run "a FIFO" 2 timeout 10 "$APMATRIX" --sim="$work/fifo" show
expect_grep "FIFO named" err "is a FIFO"
run "/dev/zero" 2 timeout 10 "$APMATRIX" --sim=/dev/zero show
expect_grep "device named" err "is a character device"

# A file apmatrix wrote ends with its end marker: cut short is refused.
run "the state again" 0 am show
lines=$(wc -l <"$sim")
sed '$d' "$sim" >"$work/cut.ini"
run "a file cut at a line boundary" 2 "$APMATRIX" --sim="$work/cut.ini" show
expect_grep "truncation named with the line" err "cut.ini:$((lines - 1)): the file ends without apmatrix's end marker"
head -c 300 "$sim" >"$work/cut.ini"
run "a file cut in a line" 2 "$APMATRIX" --sim="$work/cut.ini" show
: >"$work/empty.ini"
run "an empty file" 2 "$APMATRIX" --sim="$work/empty.ini" show
expect_grep "empty named" err "empty.ini is empty"

# Killed writers leave temporary files; the next writer removes them.
: >"$sim.apmatrix-tmp-1-abcdef"
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$APMATRIX" --sim="$sim" mask apmask -5,+5 >/dev/null 2>&1 &
	p=$!
	sleep 0.0$i
	kill -9 $p 2>/dev/null
	wait $p 2>/dev/null
done
run "a change after killed writers" 0 am mask apmask -6
is "no temporary file left" "" "$(ls "$sim".apmatrix-tmp-* 2>/dev/null)"
run "and the state is whole" 0 am show

# Over-long values are errors with file:line, never cut to fit.
printf '[host]\nfeatures = %s\n' "$(printf 'X%.0s' $(seq 1 70))" >"$work/long.ini"
run "features longer than 63" 2 "$APMATRIX" --sim="$work/long.ini" show
expect_grep "named" err "long.ini:2: features is 70 characters long: at most 63"
printf '[host]\nprofile = 6.19\n[lpar]\nadapters = 5:CEX8C\nusage_domains = 1\n[queue 05.0001]\noverride = %s\n' \
	"$(printf 'd%.0s' $(seq 1 35))" >"$work/long.ini"
run "an override longer than 31" 2 "$APMATRIX" --sim="$work/long.ini" show
expect_grep "named" err "long.ini:7: override must be none or a driver's name"
printf '[lpar]\nadapters = 5:CEX8C\nusage_domains = 1\n[queue 05.0001]\nrequest_count = %s\n' \
	"$(printf '1%.0s' $(seq 1 50))" >"$work/long.ini"
run "a queue value longer than its field" 2 "$APMATRIX" --sim="$work/long.ini" show
expect_grep "named" err "long.ini:5: request_count = "
# A number too big for its field is an error, not the largest number; an
# empty ap_domain is no domain 0.
printf '[host]\nscans = 99999999999999999999999\n' >"$work/big.ini"
run "a number beyond 64 bits" 2 "$APMATRIX" --sim="$work/big.ini" show
expect_grep "named" err "big.ini:2: bad scans '99999999999999999999999'"
printf '[host]\nap_domain =\n' >"$work/big.ini"
run "an empty ap_domain" 2 "$APMATRIX" --sim="$work/big.ini" show
expect_grep "named" err "big.ini:2: ap_domain must be -1..255, not ''"
done_testing
