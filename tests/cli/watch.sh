#!/bin/sh
# watch.sh - `apmatrix watch`, the stream of changes (a contract): the
# snapshot first, then a line per change; replaying the lines' "after" on
# the snapshot gives what `show --json` says at the end.  On a simulated
# host another process's change is read whole (a reload line), on a
# sysfs-shaped tree a write to an mdev's or the bus's file is read alone.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

# wait_for FILE PYTHON-EXPR: until the JSON lines of FILE satisfy EXPR (on `lines`), at most 20 s.
wait_for() {
	i=0
	while [ $i -lt 400 ]; do
		if python3 -c "
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if l.endswith('\n')]
sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# replay STREAM SHOW: the stream's snapshot with every change's "after" applied is SHOW.
replay() { python3 "$TOP_SRCDIR/tests/lib/watch-replay.py" "$1" "$2"; }

# ------------------------------------------------ the simulated host
run "create the state" 0 am show
"$APMATRIX" --sim="$sim" watch --json >"$work/stream" 2>"$work/stream.err" &
wpid=$!
if wait_for "$work/stream" "lines and lines[0]['kind'] == 'snapshot'"; then ok "the snapshot comes first"; else not_ok "no snapshot"; fi
run "another process masks adapter 5 off" 0 am mask apmask -5
wait_for "$work/stream" "any(l['kind'] == 'mask' for l in lines)"
run "assigns an adapter" 0 am assign $G3 adapter 4
wait_for "$work/stream" "any(l['kind'] == 'mdev' and l['uuid'] == '$G3' for l in lines)"
run "stops a guest" 0 am sim guest-stop $G2
if wait_for "$work/stream" "any(l['kind'] == 'mdev' and l['uuid'] == '$G2' and l['after']['in_use'] is False for l in lines)"; then
	ok "the guest's stop is a change of its mdev"
else
	not_ok "the guest's stop is a change of its mdev"
fi
run "removes an mdev" 0 am mdev remove $G1
wait_for "$work/stream" "any(l['kind'] == 'mdev' and l['change'] == 'removed' for l in lines)"
kill $wpid
wait $wpid
is "SIGTERM ends it with 0" 0 $?
am show --json >"$work/final"
if replay "$work/stream" "$work/final" >"$work/replay" 2>&1; then
	ok "the stream replayed on its snapshot is show --json ($(cat "$work/replay"))"
else
	not_ok "the stream replayed on its snapshot is show --json"
	show_file "$work/replay"
fi
is "another process's change is read whole: said" "true" \
	"$(python3 -c "import json,sys; print(str(any(json.loads(l)['kind']=='reload' for l in open(sys.argv[1]))).lower())" "$work/stream")"
is "nothing on stderr" "" "$(cat "$work/stream.err")"

# Text: a line per change with the time of day; --count ends it.
"$APMATRIX" --sim="$sim" watch --count 1 >"$work/text" 2>&1 &
wpid=$!
i=0
while [ $i -lt 400 ] && ! grep -q '^--- .*watching' "$work/text"; do sleep 0.05; i=$((i + 1)); done
run "a mask change" 0 am mask aqmask -1
wait $wpid
is "--count 1: it ends after the batch (exit 0)" 0 $?
expect_grep_file() { if grep -qE -- "$3" "$2"; then ok "$1"; else not_ok "$1: /$3/ not in $2"; show_file "$2"; fi; }
expect_grep_file "the show text first" "$work/text" "^apmask: 0x"
expect_grep_file "then the mask line, with the time" "$work/text" \
	"^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]{3} aqmask 0x.* -> 0x"
expect_grep_file "and the queues that moved" "$work/text" "queues? \(0[456]\.0001.*host \(cex4queue\) -> free \(vfio_ap\)"

# A reader that goes away ends the stream without an error.
run "piped into head" 0 sh -c "'$APMATRIX' --sim='$sim' watch --json | head -c 10 >/dev/null"

run "--count 0" 2 am watch --count 0
expect_err "--count 0 is refused, said" <<EOF
apmatrix: watch: --count '0': a number of lines, at least 1
apmatrix: usage: watch [--json] [--interval MS] [--count N]
Try 'apmatrix --help'.
EOF
run "--interval 5" 2 am watch --interval 5
expect_grep "--interval: its range" err "--interval '5': milliseconds, 100..600000"
run "an argument too many" 2 am watch now
expect_grep "named" err "watch: unexpected argument 'now'"
expect_grep "with the command table's usage" err "usage: watch [--json] [--interval MS] [--count N]"
run "an option it does not take" 2 am watch --bogus
expect_grep "the usage follows getopt's word" err "usage: watch [--json]"

# ------------------------------------------------ a sysfs-shaped tree
tree=$work/tree
cp -a "$FIXTURES/sysfs/host-613" "$tree"
mkdir "$work/proc"
export APMATRIX_PROC="$work/proc"
"$APMATRIX" --sysfs "$tree" watch --json >"$work/fs" 2>"$work/fs.err" &
wpid=$!
if wait_for "$work/fs" "lines and lines[0]['kind'] == 'snapshot'"; then ok "tree: the snapshot"; else not_ok "tree: no snapshot"; show_file "$work/fs.err"; fi
# The test plays the kernel: ap_config shows what the mdev now has (adapter 4 too).
printf '0x0e00000000000000000000000000000000000000000000000000000000000000,0x0800000000000000000000000000000000000000001000000000000000000000,0x0000000000000000000000000000000000000000001000000000000000000000\n' \
	>"$tree/devices/vfio_ap/matrix/$G1/ap_config"
if wait_for "$work/fs" "any(l['kind'] == 'mdev' and 4 in l['after']['adapters'] for l in lines)"; then
	ok "tree: the written mdev, read alone (no reload)"
else
	not_ok "tree: the written mdev"
	show_file "$work/fs"
fi
printf '4\n' >"$tree/bus/ap/ap_domain"
wait_for "$work/fs" "any(l['kind'] == 'host' and l['after']['ap_domain'] == 4 for l in lines)"
kill $wpid
wait $wpid
"$APMATRIX" --sysfs "$tree" show --json >"$work/fs-final" 2>/dev/null
if replay "$work/fs" "$work/fs-final" >"$work/replay" 2>&1; then
	ok "tree: replayed, the stream is show --json ($(cat "$work/replay"))"
else
	not_ok "tree: replayed, the stream is show --json"
	show_file "$work/replay"
fi
is "tree: no reload line (each write named what to read)" "false" \
	"$(python3 -c "import json,sys; print(str(any(json.loads(l)['kind']=='reload' for l in open(sys.argv[1]))).lower())" "$work/fs")"

# A card's type is sysfs text: never raw on the terminal.  No event re-reads
# a card of a tree (no uevents here), but a lost one makes the next batch a
# full load: the inotify queue (fs/notify/inotify: max_queued_events)
# overflows while the watch is stopped, with the type changed meanwhile.
tree2=$work/tree2
cp -a "$FIXTURES/sysfs/host-613" "$tree2"
"$APMATRIX" --sysfs "$tree2" watch >"$work/esc" 2>"$work/esc.err" &
wpid=$!
i=0
while [ $i -lt 400 ] && ! grep -q '^--- .*watching' "$work/esc"; do sleep 0.05; i=$((i + 1)); done
kill -STOP $wpid
printf 'CEX5C\033[31mRED\n' >"$tree2/devices/ap/card05/type"
python3 - "$tree2/bus/ap" "$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384)" <<'PY'
import sys
# Two files in turn: inotify merges an event only with the same one before it.
a, b = (open(sys.argv[1] + "/" + n, "r+") for n in ("poll_timeout", "ap_interrupts"))
va, vb = a.read(), b.read()
for _ in range(int(sys.argv[2]) // 2 + 100):
    for f, v in ((a, va), (b, vb)):
        f.seek(0)
        f.write(v)
        f.flush()
PY
kill -CONT $wpid
i=0
while [ $i -lt 400 ] && ! grep -q 'adapter 0x05:' "$work/esc"; do sleep 0.05; i=$((i + 1)); done
kill $wpid
wait $wpid
expect_grep_file "tree: events lost, the host read again" "$work/esc" "the whole host read again"
expect_grep_file "tree: the card's new type, escaped" "$work/esc" 'adapter 0x05: CEX5C card .* -> CEX5C\\x1b\[31mRED card'
if grep -q "$(printf '\033')" "$work/esc"; then not_ok "tree: no raw ESC on the terminal"; show_file "$work/esc"; else ok "tree: no raw ESC on the terminal"; fi

# The poll reads only what no uevent tells: the scans counter (a scan's
# checkstops and hot plugs), and where /dev/vfio cannot be watched (here,
# without VFIO) the groups' holders under /proc with the in-use status of
# one queue per mdev.  Every file opened after the snapshot was written, at
# 100 ms ticks for 1.5 s: nothing else, and never the host whole.
if command -v strace >/dev/null; then
	strace -f -e trace=openat,open,write -o "$work/poll.trace" \
		"$APMATRIX" --sysfs "$tree" watch --json --interval 100 >"$work/poll" 2>&1 &
	spid=$!
	wait_for "$work/poll" "lines and lines[0]['kind'] == 'snapshot'"
	sleep 1.5
	# The traced program ends, then strace (which a signal would only detach from it).
	for p in $(ps -o pid= --ppid $spid); do kill "$p"; done
	wait $spid
	# The files opened after the snapshot's first write (not the libtool wrapper's), by kind.
	opened=$(awk '/^[0-9]+ +write\(1, "\{\\"time/ { out = 1; next }
		out && /open(at)?\(/ && match($0, /"[^"]*"/) {
			f = substr($0, RSTART + 1, RLENGTH - 2)
			if (f == "bus/ap/scans") k = "scans"
			else if (f ~ /\/proc(\/|$)/) k = "holders"
			else if (f ~ /^devices\/ap\/card[0-9a-f]+\/[0-9a-f]+\.[0-9a-f]+\/status$/) k = "in-use"
			else k = "other:" f
			n[k]++
		}
		END { for (k in n) printf "%s %d\n", k, n[k] }' "$work/poll.trace" | sort)
	ticks=$(echo "$opened" | awk '$1 == "scans" { print $2 }')
	if [ "${ticks:-0}" -ge 5 ] && ! echo "$opened" | grep -q '^other:'; then
		ok "tree: the poll reads what no uevent tells, nothing else ($(echo "$opened" | tr '\n' ' '))"
	else
		not_ok "tree: the poll reads what no uevent tells, nothing else"
		echo "$opened" | head -20 | sed 's/^/# /'
	fi
else
	ok "# SKIP tree: the poll's files (strace not installed)"
fi
done_testing
