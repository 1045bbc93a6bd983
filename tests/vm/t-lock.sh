# SPDX-License-Identifier: GPL-2.0-or-later
# t-lock.sh - the AP configuration lock, proven against its real users.
#
# First exclusion: while s390-tools' util_lockfile holds
# /run/lock/s390apconfig.lock, chzdev, mdevctl start (ap-check as its
# callout) and apmatrix change nothing, and all succeed once it is
# released.  Then a storm: chzdev (apmask, written whole), mdevctl start and define/modify through ap-check (which holds the
# lock from the pre to the post callout in mdevctl's name) and apmatrix
# (mask writes, mdev create and assignments) change the same host at once.
# Every command must succeed (nobody gives up waiting), no change may be
# lost and no lock file may be left.  The figures: calls, wall time, the
# slowest wait, the holders sampled, and how many changes chzdev's split
# read and write lose when it and apmatrix change the same mask (a figure,
# not a check: that race need not hit).
. "$APM_TOP/tests/vm/lib.sh"
. "$APM_TOP/tests/lib/peers.sh"
LOCK=/run/lock/s390apconfig.lock
R=${APM_LOCK_ROUNDS:-6}  # at most 8

if ! peers_use "$APM_VM_DIR/peers"; then
	peers_missing "the lock against chzdev and ap-check"
	done_testing
	exit
fi
mkdir -p /etc/mdevctl.d/scripts.d/callouts
cp "$PEER_APCHECK" /etc/mdevctl.d/scripts.d/callouts/ap-check

load adapters=0x10-0x13:CEX8C domains=0x20-0x2f,0x40-0x5f ||
	{ not_ok "insmod apsim"; done_testing; exit 1; }
echo 120 >$S/bus/ap/config_time
answer "domains 0x40-0x5f for vfio_ap" OK $S/bus/ap/aqmask -0x40-0x5f

now() { cut -d' ' -f1 /proc/uptime; }
# taken FIRST...: a mask's digits for bits 0x20-0x2f once R bits (R <= 8)
# from each FIRST (0x20, 0x28) were taken from the host.
taken() {
	python3 -c 'import sys
r = int(sys.argv[1]); firsts = [int(f, 16) - 0x20 for f in sys.argv[2:]]
print("%04x" % sum(1 << (15 - i) for i in range(16) if not any(f <= i < f + r for f in firsts)))' "$R" "$@"
}
uuid() { printf '%08x-0000-4000-8000-%012x' "$1" "$2"; }
# timed NAME CMD...: one line "NAME RC SECONDS PID" per command into
# $W/times (ap-check holds the lock in mdevctl's name: its PID is ours).
timed() {
	name=$1
	shift
	t=$(now)
	"$@" >>"$W/out.$name" 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	echo "$name $rc $(echo "$(now) $t" | awk '{printf "%.2f", $1 - $2}') $pid" >>"$W/times"
}

watch_lock() { # the PIDs in the lock file, sampled until $W/stop
	while [ ! -f "$W/stop" ]; do
		{ read -r p <$LOCK; } 2>/dev/null && echo "$p"
		sleep 0.005
	done >"$W/pids"
}

# Actor 1: chzdev takes adapters 0x20.. from the host, one a call.  Not
# domains beside apmatrix's: chzdev reads the masks under the lock
# (zdev/src/ap.c ap_devtype_read_settings), lets go, and writes the whole
# mask it computed from that read under a second taking of the lock
# (ap_devtype_write_settings), so a change made in between is reverted
# whoever made it.  The last round below measures that.
act_chzdev() {
	i=0
	while [ $i -lt "$R" ]; do
		timed chzdev "$PEER_CHZDEV" -t ap apmask=-$((0x20 + i)) -a
		i=$((i + 1))
	done
}
# Actor 2: apmatrix takes domains 0x28.., and assigns to mdevs it creates.
act_apmatrix() {
	i=0
	while [ $i -lt "$R" ]; do
		timed apmatrix "$APMATRIX" --sysfs /sys mask aqmask -$((0x28 + i))
		u=$(uuid 2 $i)
		timed apmatrix "$APMATRIX" --sysfs /sys mdev create "$u"
		timed apmatrix "$APMATRIX" --sysfs /sys assign "$u" adapter 0x13
		timed apmatrix "$APMATRIX" --sysfs /sys assign "$u" domain $((0x50 + i))
		i=$((i + 1))
	done
}
# Actor 3: mdevctl start through ap-check (pre start .. post start).
act_start() {
	i=0
	while [ $i -lt "$R" ]; do
		printf '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"0x10"},{"assign_adapter":"0x11"},{"assign_domain":"%d"}]}\n' \
			$((0x40 + i)) >"$W/start.json"
		timed start mdevctl start --uuid "$(uuid 3 $i)" --parent matrix --jsonfile "$W/start.json"
		i=$((i + 1))
	done
}
# Actor 4: autostart definitions through ap-check (pre define, pre modify).
act_define() {
	i=0
	while [ $i -lt "$R" ]; do
		u=$(uuid 4 $i)
		timed define mdevctl define --uuid "$u" --parent matrix --type vfio_ap-passthrough --auto
		timed define mdevctl modify --uuid "$u" --addattr=assign_adapter --value=0x12
		timed define mdevctl modify --uuid "$u" --addattr=assign_domain --value=$((0x48 + i))
		i=$((i + 1))
	done
}

# Exclusion, deterministically: s390-tools' own util_lockfile holds the lock
# (in its shell's name, 5 s); chzdev, mdevctl start (ap-check) and apmatrix
# started meanwhile change nothing until it is released, then all succeed.
hold() { "$PEER_LOCKFILE" -f $LOCK -l 0 >/dev/null && sleep 5 && "$PEER_LOCKFILE" -f $LOCK -r >/dev/null; }
hold &
holder=$!
i=0
while [ ! -f $LOCK ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
echo '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"0x13"},{"assign_domain":"0x5f"}]}' >"$W/x.json"
"$PEER_CHZDEV" -t ap apmask=-0x30 -a >"$W/x1" 2>&1 &
x1=$!
mdevctl start --uuid $G1 --parent matrix --jsonfile "$W/x.json" >"$W/x2" 2>&1 &
x2=$!
"$APMATRIX" --sysfs /sys mask aqmask -0x31 >"$W/x3" 2>&1 &
x3=$!
sleep 4
is "while util_lockfile holds the lock: masks untouched, no mdev" \
	"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 0xffffffffffffffff00000000ffffffffffffffffffffffffffffffffffffffff no" \
	"$(rd $S/bus/ap/apmask) $(rd $S/bus/ap/aqmask) $([ -d $M/$G1 ] && echo yes || echo no)"
wait $holder
wait $x1 && wait $x2 && wait $x3 && ok "then chzdev, mdevctl start and apmatrix succeed" ||
	{ not_ok "then chzdev, mdevctl start and apmatrix succeed"; cat "$W"/x? | sed 's/^/# /'; }
grep -q "waiting for the AP configuration lock held by sh (pid $holder" "$W/x3" &&
	ok "apmatrix named the holder" || not_ok "apmatrix named the holder: $(cat "$W/x3")"
is "and their changes are there" \
	"0xffffffffffff7fffffffffffffffffffffffffffffffffffffffffffffffffff 0xffffffffffffbfff00000000ffffffffffffffffffffffffffffffffffffffff 13.005f" \
	"$(rd $S/bus/ap/apmask) $(rd $S/bus/ap/aqmask) $(rd $M/$G1/matrix)"
mdevctl stop --uuid $G1
answer "apmask back" OK $S/bus/ap/apmask +0x30
answer "aqmask back" OK $S/bus/ap/aqmask +0x31

rm -f "$W/stop" "$W/times"
watch_lock &
wpid=$!
t0=$(now)
act_chzdev &
a1=$!
act_apmatrix &
a2=$!
act_start &
a3=$!
act_define &
a4=$!
wait $a1 $a2 $a3 $a4
wall=$(echo "$(now) $t0" | awk '{printf "%.1f", $1 - $2}')
touch "$W/stop"
wait $wpid

calls=$(wc -l <"$W/times")
is "every command ran ($((R * 9)) in $wall s)" $((R * 9)) "$calls"
is "every command succeeded: nobody gave up waiting" "" "$(awk '$2 != 0' "$W/times")"
[ -z "$(awk '$2 != 0' "$W/times")" ] || cat "$W"/out.* | head -20 | sed 's/^/# /'
echo "# slowest command: $(sort -k3 -n -r "$W/times" | head -1)"
for k in chzdev apmatrix start define; do
	echo "# $k: $(awk -v k=$k '$1 == k { n++; s += $3; if ($3 > m) m = $3 } END { printf "%d calls, mean %.2f s, max %.2f s", n, s / n, m }' "$W/times")"
done
# Who held the lock: each sampled PID is one of the commands above.
sort -u "$W/pids" | while read -r p; do
	awk -v p="$p" '$4 == p { print $1 }' "$W/times"
done | sort | uniq -c >"$W/holders"
echo "# lock holders sampled (distinct commands, of $(wc -l <"$W/pids") samples): $(tr -s ' \n' ' ' <"$W/holders")"

# Nothing lost: what chzdev and apmatrix took and 0x40-0x5f are vfio_ap's.
is "apmask: every adapter chzdev took" \
	"0xffffffff$(taken 0x20)ffffffffffffffffffffffffffffffffffffffffffffffffffff" "$(rd $S/bus/ap/apmask)"
is "aqmask: every domain apmatrix took" \
	"0xffffffff$(taken 0x28)ffff00000000ffffffffffffffffffffffffffffffffffffffff" "$(rd $S/bus/ap/aqmask)"
bad=0
i=0
while [ $i -lt "$R" ]; do
	m=$(rd $M/"$(uuid 3 $i)"/matrix 2>/dev/null)
	d=$(printf '%04x' $((0x40 + i)))
	[ "$m" = "10.$d 11.$d" ] || { bad=$((bad + 1)); echo "# $(uuid 3 $i): '$m'"; }
	m=$(rd $M/"$(uuid 2 $i)"/matrix 2>/dev/null)
	d=$(printf '%04x' $((0x50 + i)))
	[ "$m" = "13.$d" ] || { bad=$((bad + 1)); echo "# $(uuid 2 $i): '$m'"; }
	f=/etc/mdevctl.d/matrix/$(uuid 4 $i)
	a=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["start"], d["attrs"])' "$f" 2>&1)
	[ "$a" = "auto [{'assign_adapter': '0x12'}, {'assign_domain': '$((0x48 + i))'}]" ] ||
		{ bad=$((bad + 1)); echo "# $f: $a"; }
	i=$((i + 1))
done
is "every mdev and definition as its writer left it" 0 "$bad"
is "no lock file left behind" "" "$(ls /run/lock)"

# A figure, not a check: chzdev and apmatrix on the same mask, both under
# the shared lock; what chzdev's split read and write lose (see above).
answer "apmask back" OK $S/bus/ap/apmask +0x20-0x2f
answer "aqmask back" OK $S/bus/ap/aqmask +0x20-0x2f
(
	i=0
	while [ $i -lt "$R" ]; do
		"$PEER_CHZDEV" -t ap aqmask=-$((0x20 + i)) -a >/dev/null 2>&1
		i=$((i + 1))
	done
) &
a1=$!
(
	i=0
	while [ $i -lt "$R" ]; do
		"$APMATRIX" --sysfs /sys mask aqmask -$((0x28 + i)) >/dev/null 2>&1
		i=$((i + 1))
	done
) &
a2=$!
wait $a1 $a2
left=$(rd $S/bus/ap/aqmask | cut -c11-14)
lost=$(python3 -c 'import sys; print(bin(int(sys.argv[1], 16) & ~int(sys.argv[2], 16)).count("1"))' "$left" "$(taken 0x20 0x28)")
echo "# chzdev and apmatrix on one mask, one lock: $lost of $((2 * R)) changes lost (digits for 0x20-0x2f: $left, all made: $(taken 0x20 0x28))"

for i in $(seq 0 $((R - 1))); do
	"$SYSW" $M/"$(uuid 2 $i)"/remove 1 >/dev/null
	mdevctl stop --uuid "$(uuid 3 $i)"
	mdevctl undefine --uuid "$(uuid 4 $i)"
done
unload && ok "rmmod" || not_ok "rmmod"
done_testing
