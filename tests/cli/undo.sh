#!/bin/sh
# undo.sh - `apmatrix undo`: the last change apmatrix applied to the host
# is reverted while the host is as that change left it, previewed first
# (--dry-run), and refused with the reason otherwise; one test per kind of
# change (masks, assignments one by one and in one ap_config write, mdev
# create and remove, adapter config, the persistent files) and per refusal.
# "Another tool" is apmatrix with no journal (APMATRIX_JOURNAL empty): its
# changes are the host's, not the journal's, as mdevctl's or an echo's are.
. "$TOP_SRCDIR/tests/cli/lib.sh"
# The simulated host's own journal, beside its state file.
unset APMATRIX_JOURNAL
J=$sim.journal
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
U1=0b9f1a8e-1111-4222-8333-944445555666
U2=22222222-2222-4222-8222-222222222222
D=$APMATRIX_CONFIG_ROOT/etc/mdevctl.d/matrix
other() { APMATRIX_JOURNAL= "$APMATRIX" --sim="$sim" "$@" >/dev/null 2>&1; }
set_of() { json "[m['$2'] for m in j['mdevs'] if m['uuid']=='$1']"; }
entries() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['entries']))" "$J"; }

run "the state" 0 am show
run "nothing to undo yet" 1 am undo
expect_grep "says so, naming the journal" err "apmatrix: undo: ENOENT: nothing to undo: the journal $sim.journal holds no change apmatrix made to"

# Masks: the old mask written back whole; the preview names the APQNs that move.
run "a mask change" 0 am mask aqmask -0x01
is "the journal is beside the state file, 0600" 600 "$(stat -c %a "$J")"
run "undo --dry-run" 0 am undo --dry-run
expect_grep "names the change" out "undo change #1: write aqmask -0x01"
expect_grep "and who made it" out "  made by uid=$(id -u)"
expect_grep "previews the way back" out "05.0001: vfio_ap -> host"
expect_grep "the absolute mask" out "would write '0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe' to bus/ap/aqmask"
expect_json "a dry run changes nothing" "j['aqmask'][:4]" "0xb7"
run "undo" 0 am undo
expect_grep "applied" out "applied: write aqmask"
expect_json "the aqmask is back" "j['aqmask'][:4]" "0xf7"
run "and the journal holds nothing more" 1 am undo
expect_grep "nothing to undo" err "nothing to undo"

# Assignments, in one ap_config write on 6.13: the matrix as it was, whatever the change took.
run "assign adapter 4" 0 am assign "$G3" adapter 4
run "unassign a domain" 0 am unassign "$G3" domain 0xff
run "undo the last one" 0 am undo
expect_grep "the unassignment" out "undo change #3: unassign domain 0xff (mdev $G3)"
expect_grep "one ap_config write" out "applied: set the whole matrix in one ap_config write"
is "domain 0xff is back, adapter 4 still there" "[[4, 6]]/[[71, 255]]" "$(set_of "$G3" adapters)/$(set_of "$G3" domains)"
run "undo the one before" 0 am undo
expect_grep "the assignment" out "undo change #2: assign adapter 0x04 (mdev $G3)"
is "adapter 6 alone, as at first" "[[6]]" "$(set_of "$G3" adapters)"
is "an undo is not journaled: the journal is empty" 0 "$(entries)"
run "a new mdev" 0 am mdev create "$U1"
run "given adapter 4" 0 am assign "$U1" adapter 4
run "two domains in one write" 0 am assign "$U1" domain 0x04,0x47
run "undo" 0 am undo
expect_grep "both domains go" out "undo change #6: assign 2 domains in one ap_config write (mdev $U1)"
is "adapter 4 and no domain" "[[4]]/[[]]" "$(set_of "$U1" adapters)/$(set_of "$U1" domains)"
run "undo the adapter" 0 am undo
run "and the mdev" 0 am undo
is "gone" "[]" "$(set_of "$U1" uuid)"

# One write per ID where the kernel has no ap_config (static vfio_ap).
cp "$TOP_SRCDIR/tests/scenarios/static.ini" "$work/static.ini"
st() { "$APMATRIX" --sim="$work/static.ini" "$@"; }
run "static: the guest stops (no hot plug there)" 0 st sim guest-stop 5a5a5a5a
run "static: assign adapter 3" 0 st assign 5a5a5a5a adapter 3
run "static: undo" 0 st undo
expect_grep "one write per ID" out "applied: unassign adapter 0x03"
is "its own journal" yes "$([ -s "$work/static.ini.journal" ] && echo yes)"
SJ=$work/static.ini.journal
sentries() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['entries']))" "$SJ"; }
S5=5a5a5a5a-1111-4222-8333-444455556666
sset() { "$APMATRIX" --sim="$work/static.ini" show --json |
	python3 -c "import json,sys; j=json.load(sys.stdin); print([m['$1'] for m in j['mdevs'] if m['uuid']=='$S5'])"; }
# arm PATH ERRNO: the static host's kernel answers the next write to PATH so.
arm() { sed -i "/^; end of the apmatrix state/i [faults]\\n$1 = $2 1" "$work/static.ini"; }

# A plan of several writes is one change: undone whole, in as many writes.
run "static: two control domains, two writes" 0 st assign "$S5" control-domain 1,6
run "static: undo --dry-run" 0 st undo --dry-run
expect_grep "one change" out "undo change #2: assign control domain 0x01, assign control domain 0x06 (mdev $S5)"
expect_grep "the first write back" out "would write '1' to devices/vfio_ap/matrix/$S5/unassign_control_domain"
expect_grep "the second" out "would write '6' to devices/vfio_ap/matrix/$S5/unassign_control_domain"
run "static: undo" 0 st undo
expect_grep "both undone" out "applied: unassign control domain 0x06"
is "static: control domain 0x04 alone again" "[[4]]" "$(sset control_domains)"
is "static: the journal is empty" 0 "$(sentries)"

# A plan applied in part (a later write refused): undone as far as it went.
run "static: domain 6 then 0x10, above the maximum: refused in part" 1 st assign "$S5" domain 6,0x10
expect_grep "the first went through" out "applied: assign domain 0x06"
run "static: undo --dry-run" 0 st undo --dry-run
expect_grep "says it was done in part" out "undo change #3 (done in part: a step was refused): assign domain 0x06, assign domain 0x10 (mdev $S5)"
expect_grep "takes back what was done" out "would write '6' to devices/vfio_ap/matrix/$S5/unassign_domain"
expect_no_grep "and nothing else" out "0x10\|'16'"
run "static: undo" 0 st undo
is "static: domain 0x04 alone again" "[[4]]" "$(sset domains)"

# An undo done in part is a change of its own: undone first, then the
# change it did not finish can be undone whole.
run "static: remove the mdev" 0 st mdev remove "$S5"
arm "devices/vfio_ap/matrix/$S5/assign_domain" EIO
run "static: its undo fails half-way (the kernel answers EIO)" 3 st undo
expect_grep "recreated" out "applied: create mdev $S5"
expect_grep "then refused" out "refused: assign domain 0x04 (EIO)"
expect_grep "says what it is now and what stays" out "undo: not done whole, so this undo is change #5 of the journal: \`apmatrix undo\` reverts what it did; change #4 stays, to be undone after it"
is "static: two entries" 2 "$(sentries)"
run "static: undo --dry-run" 0 st undo --dry-run
expect_grep "names the half-done undo" out "undo change #5 (the undo of change #4, done in part): create mdev $S5"
expect_grep "whose way back is a remove" out "would write '1' to devices/vfio_ap/matrix/$S5/remove"
run "static: undo the half-done undo" 0 st undo
is "static: the mdev is gone again" "[]" "$(sset uuid)"
run "static: then the remove is undone whole" 0 st undo
expect_grep "the remove's own entry" out "undo change #4: remove mdev $S5"
is "static: back with its matrix" "[[2]]/[[4]]/[[4]]" "$(sset adapters)/$(sset domains)/$(sset control_domains)"
is "static: nothing left" 0 "$(sentries)"

# mdev create --persist is two changes, undone newest first: the definition, then the mdev.
run "mdev create --persist" 0 am mdev create "$U2" --persist
run "undo" 0 am undo
expect_grep "the definition first" out "applied: remove again the definition of mdev $U2"
is "no definition" no "$([ -e "$D/$U2" ] && echo yes || echo no)"
expect_json "the mdev stays" "[m['uuid'] for m in j['mdevs'] if m['uuid']=='$U2']" "['$U2']"
run "undo again" 0 am undo
expect_grep "then the mdev" out "applied: remove mdev $U2"
expect_json "gone" "[m['uuid'] for m in j['mdevs'] if m['uuid']=='$U2']" "[]"

# mdev create and remove; remove comes back with its UUID and matrix.
run "mdev create" 0 am mdev create "$U1"
run "undo removes it" 0 am undo
expect_grep "the remove" out "applied: remove mdev $U1"
is "gone" "[]" "$(set_of "$U1" uuid)"
run "mdev remove (not in use)" 0 am mdev remove "$G3"
run "undo --dry-run" 0 am undo --dry-run
expect_grep "creates it again" out "create mdev $G3 with adapters 0x06 x domains 0x47,0xff = 2 APQNs; control domains none"
run "undo" 0 am undo
expect_grep "create" out "applied: create mdev $G3"
expect_grep "then its matrix" out "applied: set the whole matrix in one ap_config write"
is "back, same matrix" "[[6]]/[[71, 255]]" "$(set_of "$G3" adapters)/$(set_of "$G3" domains)"
run "Guest1's mdev removed while in use" 0 am mdev remove "$G1"
run "undo recreates it" 0 am undo
expect_grep "and says what it cannot give back" out "cannot be undone: Guest1 lost the mdev's AP resources when it was removed"
is "the mdev is back, with no guest" "[None]" "$(set_of "$G1" guest)"

# An adapter configured off, on again.
run "config 5 off" 0 am config 5 off
run "undo" 0 am undo
expect_grep "on again" out "applied: configure adapter 0x05 on"
expect_grep "what is lost with it" out "cannot be undone: the requests the adapter had in flight when it went off were ended then"
expect_json "configured on" "[a['config'] for a in j['adapters'] if a['id']==5]" "[True]"

# The persistent files: written, rewritten, removed, each put back byte for byte.
run "persist Guest3" 0 am persist "$G3"
run "undo removes the definition again" 0 am undo
expect_grep "says so" out "remove again the definition of mdev $G3"
is "no definition" no "$([ -e "$D/$G3" ] && echo yes || echo no)"
run "persist" 0 am persist "$G3"
cp "$D/$G3" "$work/def.manual"
run "redefine --auto" 0 am persist "$G3" --auto
run "undo the redefinition" 0 am undo
if cmp -s "$work/def.manual" "$D/$G3"; then ok "the manual definition, byte for byte"; else not_ok "the manual definition"; show_file "$D/$G3"; fi
run "unpersist" 0 am unpersist "$G3"
run "undo writes it back" 0 am undo
if cmp -s "$work/def.manual" "$D/$G3"; then ok "byte for byte again"; else not_ok "written back"; fi
run "persist masks" 0 am persist masks
run "undo removes the rule" 0 am undo
is "no rule" no "$([ -e "$APMATRIX_CONFIG_ROOT/etc/udev/rules.d/41-ap.rules" ] && echo yes || echo no)"
run "unpersist for the refusals below" 0 am unpersist "$G3"

# --- refusals: the host is not as the change left it; nothing is changed.
run "mdev create" 0 am mdev create "$U1"
run "assign adapter 4" 0 am assign "$U1" adapter 4
run "assign domain 0x04" 0 am assign "$U1" domain 0x04
other unassign "$U1" adapter 4
other assign "$G1" adapter 4
run "refused: the APQN went elsewhere" 1 am undo
expect_grep "names the APQN and where it went" err \
	"apmatrix: undo: ESTALE: 04.0004 was reassigned since, to mdev 62177883…"
expect_grep "and what else moved" err "apmatrix: undo: ESTALE: adapter 0x04 was taken from mdev $U1 since"
expect_grep "nothing was changed" err "apmatrix: nothing was changed"
is "Guest1 keeps adapter 4" "[[4, 5, 6]]" "$(set_of "$G1" adapters)"
other unassign "$G1" adapter 4
other mdev remove "$U1"
run "refused: the mdev is gone" 1 am undo
expect_grep "says so" err "apmatrix: undo: ESTALE: mdev $U1 is gone: it was removed since"

run "mask apmask -4" 0 am mask apmask -4
other mask apmask +4
run "refused: the mask changed since" 1 am undo
expect_grep "both masks" err "the apmask was changed since: it gives the host adapters 0x00-0xff now, the change left 0x00-0x03,0x05-0xff"
other mask apmask -4

run "mdev remove" 0 am mdev remove "$G3"
other mdev create "$G3"
run "refused: it exists again" 1 am undo
expect_grep "says so" err "mdev $G3 exists again: it was created since"

run "mdev create" 0 am mdev create "$U2"
other sim guest-start "$U2" Guest9
run "refused: a guest uses the mdev it created" 1 am undo
expect_grep "names the guest" err "mdev $U2 is in use by Guest9 now: removing it would take every AP resource from a running guest"
other sim guest-stop "$U2"

# The host is as it was left, but the rules refuse the way back.
run "mask aqmask -0x01" 0 am mask aqmask -0x01
other assign "$U2" domain 0x01
other assign "$U2" adapter 5
run "refused by the rules: the APQN is assigned now" 1 am undo
expect_grep "the kernel's reason, predicted" err "apmatrix: undo: EBUSY:"
expect_grep "names the APQN and the mdev" err "cannot give APQN 05.0001 back to the host: it is assigned to mdev 22222222"
other unassign "$U2" adapter 5
run "once it is free again, undo is possible" 0 am undo

run "persist Guest3" 0 am persist "$G3"
printf ' ' >>"$D/$G3"
run "refused: the file changed since" 1 am undo
expect_grep "says so" err "$D/$G3 was changed since: it is not what the change wrote"
rm "$D/$G3"

# unpersist removes a definition nobody can read; undo does not write it back,
# and says what was wrong with it (file and line), not a bare errno.
printf '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"999"}]}' >"$D/$G3"
run "unpersist an unreadable definition" 0 am unpersist "$G3"
run "refused: the definition as it was cannot be read" 1 am undo
expect_grep "says why" err "the definition as it was cannot be read, so it is not written back"
expect_grep "names the file, the line and what is wrong" err \
	"$D/$G3:1: assign_adapter value '999' is not an ID 0..255"
expect_grep "nothing was changed" err "apmatrix: nothing was changed"
is "not written back" no "$([ -e "$D/$G3" ] && echo yes || echo no)"

# Several processes: "last" is the order the lock gave, whoever made it.
run "a change" 0 am assign "$U2" domain 0x04
"$APMATRIX" --sim="$sim" assign "$U2" adapter 4 >/dev/null 2>&1 &
bg=$!
wait "$bg"
run "undo reverts the other process's change, the newer one" 0 am undo
expect_grep "the newer one" out "undo change #"
expect_grep "assign adapter" out "assign adapter 0x04 (mdev $U2)"
expect_grep "names its pid" out ", pid $bg"
run "then the older one" 0 am undo
expect_grep "the domain" out "assign domain 0x04 (mdev $U2)"

# The journal is trusted only when it is ours alone; nothing is written through a link.
run "a change" 0 am assign "$U2" domain 0x04
chmod 0666 "$J"
run "refused: a journal others may write" 1 am undo
expect_grep "says why" err "is not to be trusted (others may write it)"
chmod 0600 "$J"
printf 'garbage' >"$J"
run "refused: a malformed journal" 1 am undo
expect_grep "says so" err "$J is malformed (not JSON): remove it to start a new journal"
run "a change with a malformed journal is made" 0 am unassign "$U2" domain 0x04
expect_grep "and says it cannot be undone" out "undo: this change is not in the journal"
is "the malformed journal is kept" garbage "$(cat "$J")"
rm "$J"
ln -s "$work/victim" "$J"
run "a change with a link as the journal" 0 am assign "$U2" domain 0x04
expect_grep "is not journaled" out "undo: this change is not in the journal"
is "the link's target was not created" no "$([ -e "$work/victim" ] && echo yes || echo no)"
run "undo through a link is refused" 1 am undo
expect_grep "says why" err "is not a regular file"
rm "$J"

run "a change" 0 am unassign "$U2" domain 0x01
run "undo --read-only" 1 am --read-only undo
expect_grep "says so" err "read-only mode: nothing is written"
expect_json "not undone" "[m['domains'] for m in j['mdevs'] if m['uuid']=='$U2']" "[[4]]"
run "the built-in simulated host has no journal" 1 "$APMATRIX" --sim undo
expect_grep "says so" err "the built-in simulated host keeps nothing between commands, so it has no journal"
run "usage" 2 am undo extra
run "undo with an argument" 2 am undo now
expect_err "undo: the table's usage" <<'T'
apmatrix: usage: undo [--dry-run]
Try 'apmatrix --help'.
T
done_testing
