# SPDX-License-Identifier: GPL-2.0-or-later
# t-watch.sh - the incremental engine against a real kernel's uevents.
#
# apsim and the simulated host start as the same 16 x 16 host with two
# mdevs (t-conformance.sh's way: the same commands on both).  Then the
# storm of `apmask 0x` (every host queue unbound and bound to vfio_ap):
#  - live on apsim: `apmatrix watch --json` follows it from the kernel's
#    netlink uevents; no event may be lost, and the stream replayed on its
#    snapshot must be what show --json says after the storm;
#  - recorded with uevmon, then played again on the simulated host in its
#    state before the storm (tests/tools/uevreplay): the simulated host
#    must send the very events the kernel sent, in its order, and after
#    every one of them the engine's snapshot must equal a fresh load.
# Then writes to an mdev and a guest's QEMU opening its VFIO group, which
# no uevent tells: seen through inotify, each read alone.
. "$APM_TOP/tests/vm/lib.sh"
UEVMON=$B/tests/tools/uevmon
REPLAY=$B/tests/tools/uevreplay
st=$W/state.ini
APMATRIX_CONFIG_ROOT=$W/root
export APMATRIX_CONFIG_ROOT
cat >"$st" <<INI
[host]
ap_domain = 0
[lpar]
adapters = 0-15:CEX8C
usage_domains = 0-15
control_domains = 0-15
INI
params=$("$APMATRIX" --sim="$st" sim export --modparams) && ok "export --modparams: $params" ||
	not_ok "export --modparams"
load $params || { not_ok "insmod apsim $params"; done_testing; exit 1; }
# No periodic scan during the test: the simulated host scans only when told.
answer "config_time 120" OK $S/bus/ap/config_time 120

norm() { sed 's/"kind":"[a-z]*",//; s/},{/},\n{/g'; }
same_hosts() { # NAME: show --json --detail of both, host.kind aside
	"$APMATRIX" --sim="$st" show --json --detail | norm >"$W/a.json"
	"$APMATRIX" --sysfs /sys show --json --detail | norm >"$W/b.json"
	if cmp -s "$W/a.json" "$W/b.json"; then
		ok "$1: the same host"
	else
		not_ok "$1: the same host"
		diff -u "$W/a.json" "$W/b.json" | head -30 | sed 's/^/# /'
	fi
}
both() { # ARGS: the same apmatrix command on both hosts
	"$APMATRIX" --sim="$st" "$@" >/dev/null 2>"$W/a.err" &&
		"$APMATRIX" --sysfs /sys "$@" >/dev/null 2>"$W/b.err" || {
		not_ok "$*"
		cat "$W/a.err" "$W/b.err" | sed 's/^/# /'
	}
}
both mask aqmask -0-3
both mdev create $G1
both mdev create $G2
both assign $G1 adapter 0-7
both assign $G1 domain 0-3
both assign $G2 adapter 8-15
both assign $G2 domain 0-1
same_hosts "before the storm"
cp "$st" "$W/before.ini"

# wait_lines FILE PYTHON-EXPR: until the stream's lines satisfy EXPR, at most
# 300 s (TCG); one python process that reads the stream again every 0.2 s.
wait_lines() {
	python3 -c "
import json, sys, time
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        lines = [json.loads(l) for l in open(sys.argv[1]) if l.endswith('\\n')]
        if $2:
            sys.exit(0)
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        pass
    time.sleep(0.2)
sys.exit(1)" "$1" "${3:-300}"
}
# The stream so far, when a check fails: how many lines of each kind, the last ones.
show_stream() {
	python3 -c "
import collections, json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.endswith('\\n')]
print(len(lines), 'lines:', dict(collections.Counter(l['kind'] for l in lines)))" "$1" | sed 's/^/# /'
	tail -c 600 "$1" | sed 's/^/# /'
	sed 's/^/# stderr: /' "$2"
}

rm -f "$W/ready"
"$UEVMON" ap "$W/ready" >"$W/storm.uev" &
mon=$!
"$APMATRIX" --sysfs /sys watch --json >"$W/stream" 2>"$W/stream.err" &
wpid=$!
i=0
while [ $i -lt 500 ] && [ ! -f "$W/ready" ]; do sleep 0.02; i=$((i + 1)); done
wait_lines "$W/stream" "lines and lines[0]['kind'] == 'snapshot'" || not_ok "watch: no snapshot"
answer "the storm: apmask 0x" OK $S/bus/ap/apmask 0x
# The write returns when the re-probe is done: every event of the storm has been sent.
"$APMATRIX" --sysfs /sys show --json >"$W/final.json"
if out=$(python3 "$APM_TOP/tests/lib/watch-replay.py" --wait 300 "$W/stream" "$W/final.json" 2>&1); then
	ok "watch: the stream replayed on its snapshot is show --json after the storm ($out)"
else
	not_ok "watch: the stream replayed on its snapshot is show --json after the storm"
	echo "$out" | sed 's/^/# /'
	show_stream "$W/stream" "$W/stream.err"
fi
kill "$wpid" "$mon"
wait "$wpid"
is "watch ends with 0 on SIGTERM" 0 $?
wait "$mon" 2>/dev/null
is "watch: no event lost (no reload line)" 0 \
	"$(python3 -c "import json,sys; print(sum(json.loads(l)['kind']=='reload' for l in open(sys.argv[1])))" "$W/stream")"
is "watch: nothing on stderr" "" "$(cat "$W/stream.err")"
pairs=$(grep -c '^unbind /devices/ap/card' "$W/storm.uev")
is "the storm: 16 adapters x 12 host domains unbound and bound again" "192 192" \
	"$pairs $(grep -c '^bind /devices/ap/card.*DRIVER=vfio_ap' "$W/storm.uev")"

# The recording, played again on the simulated host as it was before.
if out=$("$REPLAY" "$W/before.ini" "$W/storm.uev" ap bus/ap/apmask 0x 2>&1); then
	ok "replayed on the simulated host: the same events, the engine right after each"
else
	not_ok "replayed on the simulated host: the same events, the engine right after each"
fi
echo "$out" | sed 's/^/# /'
"$APMATRIX" --sim="$W/before.ini" mask apmask 0x >/dev/null 2>&1
cp "$W/before.ini" "$st"
same_hosts "after the storm"

# What no uevent tells: a write to an mdev, a guest's QEMU opening its group.
"$APMATRIX" --sysfs /sys watch --json >"$W/quiet" 2>&1 &
wpid=$!
wait_lines "$W/quiet" "lines and lines[0]['kind'] == 'snapshot'" || not_ok "watch: no snapshot"
"$SYSW" $M/$G2/assign_control_domain 5 >/dev/null
if wait_lines "$W/quiet" "any(l['kind'] == 'mdev' and 5 in l['after']['control_domains'] for l in lines)"; then
	ok "a write to the mdev: seen (inotify), that mdev read"
else
	not_ok "a write to the mdev: seen (inotify), that mdev read"
fi
attach Guest2 $G2 || not_ok "fake-qemu: $(cat "$W/fq.err")"
if wait_lines "$W/quiet" "any(l['kind'] == 'mdev' and l['after'] and l['after']['guest'] == 'Guest2' for l in lines)" 60; then
	ok "a guest starts: its QEMU opens the VFIO group, the mdev is in use"
else
	not_ok "a guest starts: its QEMU opens the VFIO group, the mdev is in use"
	show_stream "$W/quiet" /dev/null
	"$APMATRIX" --sysfs /sys show --json | grep -o '"uuid":"'$G2'"[^}]*' | sed 's/^/# show: /'
fi
kill "$qpid"
wait "$qpid" 2>/dev/null
if wait_lines "$W/quiet" "any(l['kind'] == 'mdev' and l['before'] and l['before']['guest'] == 'Guest2' and l['after']['guest'] is None for l in lines)" 60; then
	ok "the guest stops: seen"
else
	not_ok "the guest stops: seen"
	show_stream "$W/quiet" /dev/null
fi
kill "$wpid"
wait "$wpid"
"$APMATRIX" --sysfs /sys show --json >"$W/final.json"
if out=$(python3 "$APM_TOP/tests/lib/watch-replay.py" "$W/quiet" "$W/final.json" 2>&1); then
	ok "and replayed, the stream is show --json ($out)"
else
	not_ok "and replayed, the stream is show --json"
	echo "$out" | sed 's/^/# /'
fi
is "no reload for any of it" 0 \
	"$(python3 -c "import json,sys; print(sum(json.loads(l)['kind']=='reload' for l in open(sys.argv[1])))" "$W/quiet")"
# The console follows the kernel's uevents with the grid's kept cells
# (view-grid.c): after each change another process makes, the frame from
# what it kept must be the frame made afresh (:verify-frame), and the
# snapshots must have kept cells (the delta named only a few).
q() { printf '%s\n' ":shell $*" ":idle 150" ":verify-frame"; }
{
	echo ":verify-frame"
	q "$SYSW $S/bus/ap/drivers/vfio_ap/unbind 00.0000 >/dev/null"
	q "$SYSW $S/bus/ap/drivers/vfio_ap/bind 00.0000 >/dev/null"
	q "$SYSW $S/devices/ap/card00/00.0005/online 0 >/dev/null"
	q "$SYSW $S/devices/ap/card00/00.0005/online 1 >/dev/null"
	q "$SYSW $S/devices/ap/card01/online 0 >/dev/null"
	q "$SYSW $S/devices/ap/card01/online 1 >/dev/null"
	q "$SYSW $S/devices/ap/card02/config 0 >/dev/null"
	q "$SYSW $S/devices/ap/card02/config 1 >/dev/null"
	q "$SYSW $S/kernel/apsim/chkstop '3 1' >/dev/null"
	q "$SYSW $S/kernel/apsim/chkstop '3 0' >/dev/null"
	q "$SYSW $M/$G1/unassign_domain 3 >/dev/null"
	q "$SYSW $M/$G1/assign_domain 3 >/dev/null"
	q "$SYSW $S/bus/ap/aqmask -4 >/dev/null"
	q "$SYSW $S/bus/ap/aqmask +4 >/dev/null"
	q "$FAKEQEMU -name guest=Guest1 -device vfio-ap,sysfsdev=$S/bus/mdev/devices/$G1 --ready $W/g1 2>/dev/null & i=0; while [ ! -f $W/g1 ] && [ \$i -lt 500 ]; do sleep 0.02; i=\$((i + 1)); done"
	echo ":idle 1500"
	echo ":verify-frame"
	q "$SYSW $S/bus/ap/drivers/vfio_ap/unbind 01.0001 >/dev/null"
	q "$SYSW $S/bus/ap/drivers/vfio_ap/bind 01.0001 >/dev/null"
	q "pkill -f guest=Guest1; sleep 0.3"
	echo ":idle 1500"
	echo ":verify-frame"
	echo ":save-display $W/kept.txt"
} >"$W/kept.script"
"$APMATRIX" --sysfs /sys tui --interval 1000 --script "$W/kept.script" --size 160x50 >"$W/kept.out" 2>"$W/kept.err"
is "the console's kept cells: every frame after an event is the frame made afresh" "0 0" \
	"$? $(grep -c 'made afresh' "$W/kept.err")"
grep 'made afresh' "$W/kept.err" | head -5 | sed 's/^/# /'
is "the console's kept cells: each check ran" 21 "$(grep -c 'frame verified' "$W/kept.out")"
kept=$(grep -c 'the last snapshot kept [1-9]' "$W/kept.out")
[ "$kept" -ge 15 ] && ok "the console's kept cells: $kept of 21 snapshots kept cells" ||
	{ not_ok "the console's kept cells: only $kept of 21 snapshots kept cells"; sed 's/^/# /' "$W/kept.out" | head -40; }
pkill -f guest=Guest1 2>/dev/null
"$APMATRIX" --sysfs /sys mdev remove $G1 >/dev/null 2>&1
"$APMATRIX" --sysfs /sys mdev remove $G2 >/dev/null 2>&1
unload
done_testing
