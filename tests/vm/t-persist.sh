# SPDX-License-Identifier: GPL-2.0-or-later
# t-persist.sh - what apmatrix persists, the other tools read back: Debian's
# mdevctl lists and starts the definitions `apmatrix persist` writes, lszdev
# reports the masks `apmatrix persist masks` writes, and ap-check (as
# mdevctl's callout) and chzdev refuse what apmatrix refuses.  Then a
# reboot, played: apsim reloaded, the rule's masks applied as udev applies
# them, `mdevctl start-parent-mdevs matrix` as udev runs it; the autostart
# conflicts apmatrix warned about before are exactly the starts that fail.
# Before it, undo against apsim: an assignment and a redefinition undone
# (syslog's /dev/log bound by the test gets the audit lines), and an undo
# refused because an echo into sysfs moved the mdev since.
. "$APM_TOP/tests/vm/lib.sh"
. "$APM_TOP/tests/lib/peers.sh"
A="$APMATRIX --sysfs /sys"
D=/etc/mdevctl.d/matrix
RULE=/etc/udev/rules.d/41-ap.rules
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444
rm -rf "$D" "$RULE" /run/apmatrix
# A host without /run/lock (the VM's init makes it): apmatrix makes it, as
# Debian's is, and leaves no lock file in it.
rmdir /run/lock && is "no /run/lock" no "$([ -e /run/lock ] && echo yes || echo no)"

modules="adapters=4:CEX5C,5:CEX5C,6:CEX5A domains=1,4,0x47,0xab,0xff"
load $modules || { not_ok "insmod apsim"; done_testing; exit 1; }
$A mask aqmask -4,-0x47,-0xab,-0xff >/dev/null && ok "domains for vfio_ap" || not_ok "aqmask"
is "apmatrix made /run/lock, sticky and world-writable" "1777 directory" "$(stat -c '%a %F' /run/lock 2>&1)"
is "and left no lock in it" "" "$(ls -A /run/lock)"
$A mdev create $G1 >/dev/null && $A assign $G1 adapter 5,6 >/dev/null &&
	$A assign $G1 domain 4,0xab >/dev/null && $A assign $G1 control-domain 0xab >/dev/null &&
	ok "Guest1's mdev" || not_ok "Guest1's mdev"
$A mdev create $G2 >/dev/null && $A assign $G2 adapter 5 >/dev/null &&
	$A assign $G2 domain 0x47 >/dev/null && ok "Guest2's mdev" || not_ok "Guest2's mdev"

$A persist $G1 --auto >"$W/out" 2>&1 && ok "persist $G1 --auto" || not_ok "persist: $(cat "$W/out")"
$A persist $G2 >"$W/out" 2>&1 && ok "persist $G2" || not_ok "persist: $(cat "$W/out")"
mdevctl list --defined >"$W/list" 2>&1
is "mdevctl lists the autostart one" 1 "$(grep -c "^$G1 matrix vfio_ap-passthrough auto (active)$" "$W/list")"
is "and the manual one" 1 "$(grep -c "^$G2 matrix vfio_ap-passthrough manual (active)$" "$W/list")"
mdevctl list --defined --uuid $G1 --dumpjson >"$W/dump" 2>&1
is "mdevctl reads back our attributes" \
	"assign_adapter=5 assign_adapter=6 assign_domain=4 assign_domain=171 assign_control_domain=171" \
	"$(python3 -c 'import json,sys; print(" ".join("%s=%s" % next(iter(a.items())) for a in json.load(open(sys.argv[1]))["attrs"]))' "$W/dump")"
mdevctl stop --uuid $G2 && ok "mdevctl stop $G2" || not_ok "mdevctl stop $G2"
mdevctl start --uuid $G2 2>"$W/err" && ok "mdevctl start $G2" || not_ok "mdevctl start $G2: $(cat "$W/err")"
is "it comes back as it was" "05.0047" "$(rd $M/$G2/matrix)"
$A unpersist $G2 >/dev/null && ok "unpersist $G2" || not_ok "unpersist $G2"
is "mdevctl no longer lists it" 0 "$(mdevctl list --defined | grep -c "^$G2")"
$A persist $G2 >/dev/null

# The persistent masks, read back by s390-tools' lszdev.
$A persist masks >"$W/out" 2>&1 && ok "persist masks" || not_ok "persist masks: $(cat "$W/out")"
if peers_use "$APM_VM_DIR/peers"; then
	"$PEER_LSZDEV" -t ap >"$W/lsz" 2>&1
	is "lszdev: the persistent apmask is the active one" 1 "$(grep -c '^  apmask     "0-255" *"0-255"$' "$W/lsz")"
	is "lszdev: the persistent aqmask is the active one" 1 \
		"$(grep -c '^  aqmask     "0-3,5-70,72-170,172-254" *"0-3,5-70,72-170,172-254"$' "$W/lsz")"
	# ap-check as mdevctl's callout: it refuses what apmatrix refuses.
	mkdir -p /etc/mdevctl.d/scripts.d/callouts
	cp "$PEER_APCHECK" /etc/mdevctl.d/scripts.d/callouts/ap-check
	$A unassign $G1 domain 4 >/dev/null
	$A mdev create $G3 >/dev/null && $A assign $G3 adapter 6 >/dev/null && $A assign $G3 domain 4 >/dev/null
	$A persist $G3 --auto >"$W/out" 2>"$W/err" && not_ok "apmatrix refuses 06.0004" ||
		ok "apmatrix refuses 06.0004, which $G1 autostarts with"
	is "and says why, quoting ap-check" 1 \
		"$(grep -c "would autostart with 06.0004, which mdev $G1 autostarts with: the one started second fails at boot (ap-check: \"APQN 6.4 is defined for autostart by $G1\")" "$W/err")"
	mdevctl define --uuid $G3 --auto >"$W/out" 2>"$W/err" && not_ok "ap-check refuses it too" ||
		ok "ap-check refuses it too"
	is "in its words" 1 "$(grep -c "APQN 6.4 is defined for autostart by $G1" "$W/err")"
	is "neither wrote a definition" no "$([ -e "$D/$G3" ] && echo yes || echo no)"
	$A mdev remove $G3 >/dev/null
	$A assign $G1 domain 4 >/dev/null
	# chzdev: the persistent aqmask may not take an autostart APQN.
	"$PEER_CHZDEV" -t ap -p aqmask=+0xab >"$W/out" 2>&1 && not_ok "chzdev refuses aqmask +0xab" ||
		ok "chzdev refuses aqmask +0xab"
	is "naming $G1" 1 "$(grep -c "persistent aqmask conflicts with defined autostart mdev $G1 APQN 5.171" "$W/out")"
	rm -f /etc/mdevctl.d/scripts.d/callouts/ap-check
else
	peers_missing "s390-tools' lszdev, chzdev and ap-check against what apmatrix persists"
fi

# logged ARGS...: apmatrix ARGS with /dev/log bound, as a syslog daemon
# binds it; the messages it got are in $W/syslog, one a line.
logged() {
	python3 "$APM_TOP/tests/lib/syslog-recv.py" /dev/log "$W/syslog" $A "$@" >"$W/out" 2>"$W/err"
}
# Undo, against apsim's sysfs: the journal in /run/apmatrix, each change
# undone as it was made, a redefinition put back byte for byte.
cp "$D/$G2" "$W/g2.manual"
$A assign $G2 adapter 4 >/dev/null && ok "assign $G2 adapter 4" || not_ok "assign $G2 adapter 4"
is "the journal is root's alone" "600 root" "$(stat -c '%a %U' /run/apmatrix/journal 2>&1)"
$A persist $G2 --auto >/dev/null && ok "redefine $G2 --auto" || not_ok "persist $G2 --auto"
logged undo && ok "undo the redefinition" || not_ok "undo: $(cat "$W/err")"
cmp -s "$W/g2.manual" "$D/$G2" && ok "the manual definition is back, byte for byte" || not_ok "not the manual definition"
is "mdevctl lists it manual again" 1 "$(mdevctl list --defined | grep -c "^$G2 matrix vfio_ap-passthrough manual")"
is "syslog got the undo, authpriv.notice" 1 \
	"$(grep -c "^<85>.* apmatrix\[[0-9]*\]: uid=0(root) .*host=/sys: undo of change #[0-9]*: write back as it was the definition of mdev $G2: done" "$W/syslog")"
$A undo --dry-run >"$W/out" 2>&1
is "then the assignment, named" 1 "$(grep -c "^undo change #[0-9]*: assign adapter 0x04 (mdev $G2)$" "$W/out")"
logged undo && ok "undo the assignment" || not_ok "undo: $(cat "$W/err")"
is "the matrix as it was" "05.0047" "$(rd $M/$G2/matrix)"
is "syslog got it with before and after" 1 \
	"$(grep -c "undo of change #[0-9]*: .*: done; before: adapters 0x04-0x05 domains 0x47 .*; after: adapters 0x05 domains 0x47" "$W/syslog")"
# Another tool moved the mdev since: the undo is refused, naming what moved.
$A assign $G2 domain 0xff >/dev/null && ok "assign $G2 domain 0xff" || not_ok "assign domain 0xff"
answer "an echo into sysfs takes it away again" OK $M/$G2/unassign_domain 0xff
$A undo >"$W/out" 2>"$W/err" && not_ok "undo refused" || ok "undo refused"
is "naming what moved" 1 "$(grep -c "^apmatrix: undo: ESTALE: domain 0xff was taken from mdev $G2 since$" "$W/err")"
is "and that nothing was changed" 1 "$(grep -c "^apmatrix: nothing was changed$" "$W/err")"
is "the matrix stays" "05.0047" "$(rd $M/$G2/matrix)"
is "no lock file left behind" "" "$(ls -A /run/lock)"

# Autostart conflicts, written by mdevctl itself: apmatrix warns before the reboot.
printf '{"mdev_type":"vfio_ap-passthrough","start":"auto","attrs":[{"assign_adapter":"5"},{"assign_domain":"4"}]}' >"$W/u3.json"
printf '{"mdev_type":"vfio_ap-passthrough","start":"auto","attrs":[{"assign_adapter":"6"},{"assign_domain":"1"}]}' >"$W/u4.json"
mdevctl define --uuid $U3 --parent matrix --jsonfile "$W/u3.json" && ok "mdevctl define $U3" || not_ok "define $U3"
mdevctl define --uuid $U4 --parent matrix --jsonfile "$W/u4.json" && ok "mdevctl define $U4" || not_ok "define $U4"
$A show >"$W/show" 2>&1
is "the overlap, before the reboot" 1 \
	"$(grep -c "^mdevs $U3 and $G1 both autostart with 05.0004: the one started second fails at boot" "$W/show")"
is "the host's APQN, before the reboot" 1 \
	"$(grep -c "^mdev $U4 autostarts with 06.0001, which the persistent aqmask gives to the host: it will fail to start at boot$" "$W/show")"

# The reboot: a fresh AP bus, the rule applied as udev applies it, mdevctl's boot start.
for u in $(ls $S/bus/mdev/devices); do mdevctl stop --uuid "$u"; done
unload && load $modules && ok "reboot: apsim reloaded" || not_ok "reboot"
for m in apmask aqmask; do
	v=$(sed -n "s|^ATTR{../../bus/ap/$m}=\"\(.*\)\"$|\1|p" "$RULE")
	answer "udev applies the persistent $m" OK $S/bus/ap/$m "$v"
done
mdevctl start-parent-mdevs matrix >"$W/boot" 2>&1
active=$(ls $S/bus/mdev/devices | sort | tr '\n' ' ')
is "exactly one of the overlapping pair started" 1 \
	"$( (echo "$active" | grep -c "$G1"; echo "$active" | grep -c "$U3") | grep -c 1)"
is "the one on the host's APQN did not start" 0 "$(echo "$active" | grep -c "$U4")"
is "the manual one is not started at boot" 0 "$(echo "$active" | grep -c "$G2")"
# Whichever lost, mdevctl starts Guest1's definition as it was persisted.
[ -d $M/$U3 ] && mdevctl stop --uuid $U3
[ -d $M/$G1 ] || mdevctl start --uuid $G1 2>"$W/err" || not_ok "mdevctl start $G1: $(cat "$W/err")"
is "Guest1's mdev as persisted" "05.0004 05.00ab 06.0004 06.00ab" "$(rd $M/$G1/matrix)"
is "with its control domain" "00ab" "$(rd $M/$G1/control_domains)"
$A show >"$W/show" 2>&1
is "and the others are defined, not active" 2 \
	"$(sed -n '/^defined, not active:/,/^$/p' "$W/show" | grep -c '^  - .*autostart')"
for u in $(ls $S/bus/mdev/devices); do mdevctl stop --uuid "$u"; done
unload && ok "rmmod" || not_ok "rmmod"
done_testing
