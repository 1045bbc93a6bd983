#!/bin/sh
# persist.sh - the commands that write the persistent configuration:
# persist UUID [--auto|--manual], unpersist UUID, persist masks [--base DIR],
# mdev create --persist; what ap-check and chzdev refuse is refused before
# anything is written, with the APQN, the mdev and their words; the files
# are mdevctl's and chzdev's own format (round trips with chzdev/lszdev
# --base when s390-tools' source is here).
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/lib/peers.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
U1=11111111-1111-4111-8111-111111111111
fx=$TOP_SRCDIR/tests/fixtures
R=$APMATRIX_CONFIG_ROOT
D=$R/etc/mdevctl.d/matrix
RULE=$R/etc/udev/rules.d/41-ap.rules
files() { find "$R" -type f 2>/dev/null | sort | sed "s|$R/||" | tr '\n' ' '; }

run "create the state" 0 am show
run "dry run" 0 am persist "$G3" --dry-run
expect_grep "says what" out "define mdev $G3 (manual start)"
expect_grep "shows the file" out '      "mdev_type": "vfio_ap-passthrough",'
is "dry run writes nothing" "" "$(files)"

# mdevctl's own bytes: Guest3 is 06.0047 06.00ff, no control domains.
run "persist (manual by default)" 0 am persist "$G3"
expect_grep "applied" out "applied: define mdev $G3 (manual start)"
printf '{\n  "mdev_type": "vfio_ap-passthrough",\n  "start": "manual",\n  "attrs": [\n    {\n      "assign_adapter": "6"\n    },\n    {\n      "assign_domain": "71"\n    },\n    {\n      "assign_domain": "255"\n    }\n  ]\n}' >"$work/want.json"
if cmp -s "$work/want.json" "$D/$G3"; then ok "mdevctl's format, byte for byte"; else not_ok "mdevctl's format"; show_file "$D/$G3"; fi
is "mode 0644" 644 "$(stat -c %a "$D/$G3")"
expect_json "defined in show --json" "[m['defined']['start'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" "manual"
expect_json "its attrs as mdevctl lists them" "[m['defined']['attrs'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" \
	"[{'assign_adapter': '6'}, {'assign_domain': '71'}, {'assign_domain': '255'}]"
expect_json "not lost at reboot" "[m['lost_at_reboot'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" "False"
expect_json "the others are" "[m['lost_at_reboot'] for m in j['mdevs'] if m['uuid']!='$G3']" "[True, True]"
run "--auto by prefix" 0 am persist 8f2a --auto
expect_grep "redefined" out "applied: redefine mdev $G3 (autostart)"
expect_grep "no 41-ap.rules: the kernel's default gives the host everything at boot" out \
	"warning: mdev $G3 would autostart with 06.0047 (and 1 more), which the kernel's default aqmask gives to the host at boot"
run "start kept when neither is given" 0 am persist "$G3"
expect_grep "still autostart" out "applied: redefine mdev $G3 (autostart)"
run "--auto and --manual" 2 am persist "$G3" --auto --manual
run "no such mdev" 2 am persist 00000000-0000-4000-8000-000000000000
expect_grep "says so" err "no mdev has the label, guest name or UUID (prefix) '00000000-0000-4000-8000-000000000000' on this host"
expect_grep "and what persist needs" err "persist writes an active mdev's configuration"
run "no argument" 2 am persist

# ap-check's refusal: an APQN another autostart definition has.
run "Guest3 gives up domain 0x47" 0 am unassign "$G3" domain 0x47
run "Guest1 gives up adapter 5" 0 am unassign "$G1" adapter 5
run "Guest1 takes domain 0x47" 0 am assign "$G1" domain 0x47
run "an overlap with an autostart definition is refused" 1 am persist "$G1" --auto
expect_err "the APQN, both mdevs and ap-check's words; nothing written" <<EOF
apmatrix: EADDRINUSE: mdev $G1 would autostart with 06.0047, which mdev $G3 autostarts with: the one started second fails at boot (ap-check: "APQN 6.71 is defined for autostart by $G3")
apmatrix: nothing was written
EOF
is "no file" no "$([ -e "$D/$G1" ] && echo yes || echo no)"
run "a manual definition is not compared (as ap-check)" 0 am persist "$G1" --manual
run "Guest1 as it was" 0 am unassign "$G1" domain 0x47
run "and adapter 5 again" 0 am assign "$G1" adapter 5
run "Guest3 as it was" 0 am assign "$G3" domain 0x47

# ap-check's control-domain rule.
run "mdev create" 0 am mdev create "$U1"
run "a control domain only" 0 am assign "$U1" control-domain 2
run "persist refuses it" 1 am persist "$U1"
expect_grep "ap-check's words" err \
	"mdev $U1 has control domains but no usage domain: ap-check refuses to start such a definition (\"At least one usage domain must be specified\")"
is "not written" no "$([ -e "$D/$U1" ] && echo yes || echo no)"
run "remove it again" 0 am mdev remove "$U1"

# unpersist
run "unpersist dry run" 0 am unpersist "$G1" --dry-run
expect_grep "would remove" out "would remove it"
is "still there" yes "$([ -e "$D/$G1" ] && echo yes)"
run "unpersist" 0 am unpersist "$G1"
is "gone" no "$([ -e "$D/$G1" ] && echo yes || echo no)"
run "unpersist again" 2 am unpersist "$G1"
expect_grep "says so" err "there is no definition of mdev '$G1'"

# mdev create --persist: checked first, written after the kernel created it.
run "mdev create --persist" 0 am mdev create "$U1" --persist
expect_grep "created" out "applied: create mdev $U1"
expect_grep "and defined" out "applied: define mdev $U1 (manual start)"
printf '{\n  "mdev_type": "vfio_ap-passthrough",\n  "start": "manual",\n  "attrs": []\n}' >"$work/want.json"
if cmp -s "$work/want.json" "$D/$U1"; then ok "an empty definition as mdevctl writes it"; else not_ok "an empty definition"; show_file "$D/$U1"; fi
run "remove the mdev" 0 am mdev remove "$U1"
run "create --persist where a definition exists" 1 am mdev create "$U1" --persist
expect_grep "refused before creating" err "mdev $U1 is defined already"
expect_json "nothing created" "[m['active'] for m in j['mdevs'] if m['uuid']=='$U1']" "[False]"
run "--auto without --persist" 2 am mdev create --auto
run "--persist on remove" 2 am mdev remove "$G1" --persist
run "unpersist by prefix" 0 am unpersist 1111
run "create --persist --auto, generated uuid" 0 am mdev create --persist --auto
u=$(sed -n 's/^mdev //p' "$work/out")
is "its definition autostarts" yes "$(grep -q '"start": "auto"' "$D/$u" && echo yes)"
am mdev remove "$u" >/dev/null
am unpersist "$u" >/dev/null

# --read-only, and the built-in simulated host, write nothing.
run "read-only" 1 "$APMATRIX" --sim="$sim" --read-only persist "$G2"
expect_grep "says why" err "read-only mode: nothing is written"
is "nothing written" no "$([ -e "$D/$G2" ] && echo yes || echo no)"
run "the built-in simulated host keeps nothing" 1 env -u APMATRIX_CONFIG_ROOT "$APMATRIX" --sim persist "$G2"
expect_grep "says so" err "the built-in simulated host keeps nothing between commands"
run "a state file keeps its configuration beside it" 0 env -u APMATRIX_CONFIG_ROOT "$APMATRIX" --sim="$sim" persist "$G2"
is "in FILE.d" yes "$([ -f "$sim.d/etc/mdevctl.d/matrix/$G2" ] && echo yes)"

# persist masks, chzdev's format; its check against autostart definitions.
run "persist masks dry run" 0 am persist masks --dry-run
expect_grep "the rule" out '    ATTR{../../bus/ap/aqmask}="0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe"'
run "persist masks" 0 am persist masks
expect_grep "applied" out "applied: write the active apmask and aqmask as the persistent masks"
run "show" 0 am show
expect_grep "the same" out "persistent aqmask: the same ($RULE)"
run "give 0x47 to the host now" 0 am unassign "$G2" domain 0x47
run "Guest3 too" 0 am unassign "$G3" domain 0x47
run "aqmask +0x47" 0 am mask aqmask +0x47
run "show" 0 am show
expect_grep "the difference is lost at reboot" out "the active aqmask is lost at reboot"
expect_grep "owners at boot" out "owner at boot differs for 3 APQNs: 04.0047 (vfio at boot) 05.0047 (vfio at boot) 06.0047 (vfio at boot)"
cat >"$D/$U1" <<JSON
{"mdev_type": "vfio_ap-passthrough", "start": "auto", "attrs": [{"assign_adapter": "5"}, {"assign_domain": "0x47"}]}
JSON
cp "$RULE" "$work/rule.before"
run "chzdev's refusal" 1 am persist masks
expect_grep "names the APQN and the mdev" err \
	"the persistent aqmask would give 05.0047 to the host, which mdev $U1 autostarts with: it would fail to start at boot (chzdev: \"persistent aqmask conflicts with defined autostart mdev $U1 APQN 5.71\")"
is "the rule is unchanged" yes "$(cmp -s "$work/rule.before" "$RULE" && echo yes)"
rm -f "$D/$U1"
echo 'SUBSYSTEM=="ap", RUN+="/bin/true"' >>"$RULE"
run "a rule chzdev did not write is not replaced" 1 am persist masks
expect_grep "says where" err "$RULE:13 is not as chzdev writes the rule"
cp "$work/rule.before" "$RULE"
run "--base without DIR" 2 am persist masks --base
run "masks with --auto" 2 am persist masks --auto

# A write to /etc is a change like any other: under the AP configuration lock.
cp -a "$FIXTURES/sysfs/host-613" "$work/lk"
APMATRIX_LOCK=$work/run/lock/s390apconfig.lock
export APMATRIX_LOCK
mkdir -p "$work/run/lock"
sleep 60 &
holder=$!
echo "$holder" >"$APMATRIX_LOCK"
run "persist masks waits for the lock, then gives up" 1 "$APMATRIX" --sysfs "$work/lk" --lock-wait 1 persist masks --base "$work/lk-base"
expect_grep "says who holds it" err "waiting for the AP configuration lock held by sleep (pid $holder"
expect_grep "and that nothing was written" err "nothing was written: the AP configuration lock stayed taken"
is "no rule" no "$([ -e "$work/lk-base/etc/udev/rules.d/41-ap.rules" ] && echo yes || echo no)"
kill "$holder"
wait "$holder" 2>/dev/null
rm -f "$APMATRIX_LOCK"
run "with the lock free it writes" 0 "$APMATRIX" --sysfs "$work/lk" persist masks --base "$work/lk-base"
is "the rule" yes "$([ -f "$work/lk-base/etc/udev/rules.d/41-ap.rules" ] && echo yes)"
is "and no lock is left" no "$([ -e "$APMATRIX_LOCK" ] && echo yes || echo no)"
unset APMATRIX_LOCK

# chzdev and lszdev from s390-tools on the other side, with --base.
# Usage errors repeat the command table's usage, the form that was meant.
run "persist masks with an extra word" 2 am persist masks extra
expect_err "persist masks: its own form of the usage" <<'T'
apmatrix: usage: persist masks [--base DIR] [--dry-run]
Try 'apmatrix --help'.
T
run "persist --auto --manual" 2 am persist $G3 --auto --manual
expect_err "persist: the table's usage" <<'T'
apmatrix: usage: persist UUID [--auto|--manual] [--dry-run] | persist masks [--base DIR] [--dry-run]
Try 'apmatrix --help'.
T
run "unpersist without a UUID" 2 am unpersist
expect_err "unpersist: the table's usage" <<'T'
apmatrix: usage: unpersist UUID [--dry-run]
Try 'apmatrix --help'.
T
if peers_build "$TOP_BUILDDIR/peers"; then
	SYSFS_ROOT=$work/tree
	export SYSFS_ROOT
	cp -a "$FIXTURES/sysfs/host-613" "$work/tree"
	ap=$(am show | sed -n 's/^apmask: .*(host adapters: \(.*\))$/\1/p')
	aq=$(am show | sed -n 's/^aqmask: .*(host domains: \(.*\))$/\1/p')
	run "persist masks --base" 0 am persist masks --base "$work/ours"
	run "chzdev -p with the same masks" 0 "$PEER_CHZDEV" -t ap --base "$work/theirs" -p apmask="$ap" aqmask="$aq"
	if cmp -s "$work/ours/etc/udev/rules.d/41-ap.rules" "$work/theirs/etc/udev/rules.d/41-ap.rules"; then
		ok "the rule is chzdev's, byte for byte"
	else
		not_ok "the rule is chzdev's"
		diff -u "$work/theirs/etc/udev/rules.d/41-ap.rules" "$work/ours/etc/udev/rules.d/41-ap.rules" | sed 's/^/#   /'
	fi
	"$PEER_LSZDEV" -t ap --base "$work/ours" -p >"$work/lsz.ours" 2>&1
	"$PEER_LSZDEV" -t ap --base "$work/theirs" -p >"$work/lsz.theirs" 2>&1
	is "lszdev reports the same persistent masks" "$(cat "$work/lsz.theirs")" "$(cat "$work/lsz.ours")"
	# lszdev prints decimal ranges: those of the active aqmask
	want=$(am show --json | python3 -c '
import json, sys
m = int(json.load(sys.stdin)["aqmask"], 16)
ids = [i for i in range(256) if m >> (255 - i) & 1]
out, i = [], 0
while i < len(ids):
    j = i
    while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
        j += 1
    out.append(str(ids[i]) if i == j else "%d-%d" % (ids[i], ids[j]))
    i = j + 1
print(",".join(out))')
	is "lszdev's persistent aqmask is the active one" "aqmask     \"$want\"" "$(grep '^  aqmask' "$work/lsz.ours" | sed 's/^  //')"
	# what chzdev wrote, read back: the same masks
	run "apmatrix reads chzdev's rule" 0 env APMATRIX_CONFIG_ROOT="$work/theirs" "$APMATRIX" --sim="$sim" show
	expect_grep "apmask" out "persistent apmask: the same ($work/theirs/etc/udev/rules.d/41-ap.rules)"
	expect_grep "aqmask" out "persistent aqmask: the same ($work/theirs/etc/udev/rules.d/41-ap.rules)"
	"$PEER_CHZDEV" -t ap --base "$work/theirs" -p aqmask=-0x47 >/dev/null 2>&1
	run "after chzdev changed it" 0 env APMATRIX_CONFIG_ROOT="$work/theirs" "$APMATRIX" --sim="$sim" show --json
	python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['persistent']; assert p['aqmask']=='0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe', p" "$work/out" &&
		ok "chzdev's -0x47 reads back" || not_ok "chzdev's -0x47 reads back"
	is "chzdev left no lock" no "$([ -e /run/lock/s390apconfig.lock ] && echo yes || echo no)"
	unset SYSFS_ROOT
else
	peers_missing "chzdev/lszdev round trips"
fi
done_testing
