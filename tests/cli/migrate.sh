#!/bin/sh
# migrate.sh - guided migration end to end on two simulated hosts (two
# state files): unplug a running guest on the source (restore file,
# one ap_config write, master keys read, the hostdev detached through a
# virsh stand-in), tear the mdev down, replug on targets that match, that
# have another AES master key, an older card, an APQN another mdev holds;
# kill -9 between steps and a write the kernel refuses, with resume and
# rollback, nothing lost; the hostdev XML valid to libvirt's schema.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/lib/libvirt.sh"
G=62177883-f1bb-47f0-914d-32a22e3a8804
O=0b6b8f55-3a0c-4c51-9f0e-6d2a1c9e4b77
src=$work/src.ini
file=$work/restore.json

# The source: a running guest with 3 adapters x 2 domains and a control domain.
write_src() {
	mig_source "$src"
	libvirt_running "$work/src.d" dom1 $G 4242
}

# A target: the same LPAR, no mdevs; $1 is added to the file, $3 replaces its adapters.
write_tgt() {
	mig_host "$2" hostB "$1" "${3:-}"
}

src_am() { APMATRIX_CONFIG_ROOT=$work/src.d "$APMATRIX" --sim="$src" "$@"; }
tgt_am() { t=$1; shift; APMATRIX_CONFIG_ROOT=$work/tgt.d "$APMATRIX" --sim="$t" "$@"; }
mdev_json() { # HOST-FILE EXPR on the mdev G of `show --json`
	"$APMATRIX" --sim="$1" show --json 2>/dev/null |
		python3 -c "import json,sys; j=json.load(sys.stdin); m=[x for x in j['mdevs'] if x['uuid']=='$G']; print($2)"
}

# The virsh stand-in: records its arguments and the XML it is given, and
# does on the simulated host what QEMU does (device_del, device_add).
mkdir -p "$work/bin"
cat >"$work/bin/virsh" <<'SH'
#!/bin/sh
echo "virsh $*" >>"$VIRSH_LOG"
cat "$3" >>"$VIRSH_LOG"
cp "$3" "$VIRSH_LOG.xml"
uuid=$(sed -n "s/.*uuid='\([^']*\)'.*/\1/p" "$3")
case $1 in
detach-device) "$APMATRIX" --sim="$VIRSH_SIM" sim guest-detach "$uuid" >/dev/null ;;
attach-device) "$APMATRIX" --sim="$VIRSH_SIM" sim guest-attach "$uuid" "$2" >/dev/null ;;
*) exit 1 ;;
esac
SH
chmod +x "$work/bin/virsh"
PATH=$work/bin:$PATH
VIRSH_LOG=$work/virsh.log
export PATH VIRSH_LOG

# ---------------------------------------------------------------- the sim
write_src
run "sim guest-detach: QEMU lets the mdev go" 0 src_am sim guest-detach $G
is "the guest no longer holds it" False "$(mdev_json "$src" "m[0]['in_use']")"
is "the state file remembers the guest that runs on" 1 "$(grep -c "^unplugged = dom1" "$src")"
run "a second detach is refused" 1 src_am sim guest-detach $G
expect_grep "and says why" err "no guest is using mdev $G"
run "sim guest-attach: the running guest gets it again" 0 src_am sim guest-attach $G dom1
is "held again" True "$(mdev_json "$src" "m[0]['in_use']")"
is "no unplugged record left" 0 "$(grep -c "^unplugged" "$src")"
run "the host's name is in kernel/apsim/host_name" 0 src_am show --json

# ------------------------------------------------------------- unplug
cp "$src" "$work/src-before.ini"
run "unplug --dry-run" 0 src_am unplug $G --save "$file" --dry-run
expect_grep "one ap_config write is planned" out "set the whole matrix in one ap_config write"
expect_grep "every APQN is listed" out "APQNs (6): 05.0004* 05.0047* 06.0004* 06.0047* 07.0004* 07.0047*"
expect_grep "the virsh command is printed" out "virsh detach-device dom1 hostdev.xml --live"
is "a dry run writes no file" no "$([ -e "$file" ] && echo yes || echo no)"
cmp -s "$src" "$work/src-before.ini" && ok "a dry run changes no host" || not_ok "the dry run changed the host"

export VIRSH_SIM=$src
run "unplug --libvirt" 0 src_am unplug $G --save "$file" --libvirt
expect_grep "the file is written first" out "step 1: wrote $file"
expect_grep "guest_matrix verified empty" out "step 2: guest_matrix of mdev $G is empty"
expect_grep "the keys are read with the queues lent to zcrypt" out "step 3: wrote aqmask"
expect_grep "the hostdev is detached" out "step 4: mdev $G is no longer held by the guest"
expect_grep "ready to migrate" out "the guest is ready to migrate"
is "virsh ran with the domain, a file and --live" 1 "$(grep -c "^virsh detach-device dom1 /tmp/apmatrix-hostdev-.* --live$" "$VIRSH_LOG")"
is "virsh was given the hostdev" 1 "$(grep -c "<address uuid='$G'/>" "$VIRSH_LOG")"
is "the mdev is empty" "[] [] []" "$(mdev_json "$src" "m[0]['adapters'], m[0]['domains'], m[0]['control_domains']" | tr -d ',()')"
is "the masks are back as they were" 1 "$(grep -c "^aqmask = .*" "$src" | tr -d ' ')"
expect_json_src() { got=$(APMATRIX_CONFIG_ROOT=$work/src.d "$APMATRIX" --sim="$src" show --json | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"); is "$2" "$3" "$got"; }
expect_json_src "j['aqmask']" "aqmask as before the unplug" "$("$APMATRIX" --sim="$work/src-before.ini" --read-only show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["aqmask"])')"

pyf() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); b=j['body']; print($1)" "$file"; }
is "restore file: version" 1 "$(pyf "j['version']")"
is "restore file: the source host" hostA "$(pyf "b['source']['name']")"
is "restore file: guest and domain" "dom1 dom1" "$(pyf "b['guest'], b['libvirt_domain']" | tr -d "(),'")"
is "restore file: the matrix" "[5, 6, 7] [4, 71] [80]" "$(pyf "b['adapters'], b['domains'], b['control_domains']" | sed 's/^(//; s/)$//; s/\], \[/] [/g')"
is "restore file: type, mode, generation" "CEX7C cca 7" "$(pyf "b['apqns'][0]['type'], b['apqns'][0]['mode'], b['apqns'][0]['generation']" | tr -d "(),'")"
is "restore file: the AES CUR pattern of 05.0047" 1 "$(pyf "len([r for r in b['apqns'][1]['mkvps'] if r['register']=='AES CUR' and r['pattern'].startswith('0x')])")"
is "restore file: a checksum" crc32 "$(pyf "j['checksum'].split(':')[0]")"

run "again: every step is done" 0 src_am unplug $G --save "$file" --libvirt
expect_grep "resumed from the file" out "resuming from $file"
expect_grep "step 4 done" out "step 4: detach the vfio-ap hostdev from the domain: done"
sed 's/^name = hostA/name = hostC/' "$src" >"$work/other.ini"
run "resuming on another host is refused" 1 "$APMATRIX" --sim="$work/other.ini" unplug $G --save "$file"
expect_grep "both hosts named" err "was made on host 'hostA', this is 'hostC'"
run "tear the mdev down on the source" 0 src_am mdev remove $G

# ------------------------------------------------------------- replug
write_tgt "" "$work/t-ok.ini"
run "replug --check on a matching target" 0 tgt_am "$work/t-ok.ini" replug --check --from "$file"
expect_grep "every APQN with the same keys" out "6 can be plugged with the same keys, 0 refused, 0 with keys not compared"
expect_grep "the source is named" out "source host: hostA"
cp "$work/t-ok.ini" "$work/t-ro.ini"
run "replug --check --read-only: nothing lent, keys not compared: exit 4" 4 tgt_am "$work/t-ro.ini" --read-only replug --check --from "$file"
expect_grep "said per APQN" out "unknown  05.0004: this host shows no master-key patterns"
cmp -s "$work/t-ok.ini" "$work/t-ro.ini" && ok "--read-only changed nothing" || not_ok "--read-only changed the host"
run "replug --check --json" 0 tgt_am "$work/t-ok.ini" replug --check --from "$file" --json
is "json: pluggable with the same keys" "True True 6" "$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['pluggable'], j['same_keys'], len(j['apqns']))" "$work/out")"

export VIRSH_SIM=$work/t-ok.ini
: >"$VIRSH_LOG"
run "replug without --create: the mdev is missing" 1 tgt_am "$work/t-ok.ini" replug --from "$file"
expect_grep "says to add --create" err "there is no mdev $G here: add --create"
run "replug --create --libvirt" 0 tgt_am "$work/t-ok.ini" replug --from "$file" --create --libvirt
expect_grep "the mdev is created with the same UUID" out "step 1: created mdev $G"
expect_grep "one ap_config write" out "1 write: set the whole matrix in one ap_config write"
expect_grep "guest matrix verified" out "step 3: guest_matrix of mdev $G is as recorded"
expect_grep "the guest holds it again" out "step 4: the guest holds mdev $G again"
is "virsh attach-device dom1 FILE --live" 1 "$(grep -c "^virsh attach-device dom1 /tmp/apmatrix-hostdev-.* --live$" "$VIRSH_LOG")"
is "the target's mdev: the recorded matrix, in use by dom1" "[5, 6, 7] [4, 71] [80] True dom1" \
	"$(mdev_json "$work/t-ok.ini" "m[0]['adapters'], m[0]['domains'], m[0]['control_domains'], m[0]['in_use'], m[0]['guest']" | sed "s/^(//; s/)$//; s/\], \[/] [/g; s/\], /] /; s/, '/ /; s/'//g")"

# The hostdev XML virsh was given, inside a whole domain, against libvirt's schema.
cat >"$work/domain.xml" <<XML
<domain type='kvm'>
  <name>dom1</name>
  <memory unit='KiB'>1048576</memory>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <devices>
$(cat "$VIRSH_LOG.xml")
  </devices>
</domain>
XML
if command -v virt-xml-validate >/dev/null; then
	run "the hostdev XML validates against libvirt's domain schema" 0 virt-xml-validate "$work/domain.xml" domain
else
	not_ok "virt-xml-validate is missing (libvirt-clients; scripts/deps.sh installs it)"
fi

write_tgt "[masterkeys 05.0047]
aes_cur = valid 0x8b02aa55aa55aa55" "$work/t-aes.ini"
run "a changed AES master key: refused" 1 tgt_am "$work/t-aes.ini" replug --check --from "$file"
expect_grep "named, with both patterns" out "05.0047: master key patterns differ (AES CUR source valid 0x"
expect_grep "the target's pattern" out "target valid 0x8b02aa55"
expect_grep "and what it means" out "the guest's AES secure keys will not work here"
expect_grep "the others are fine" out "5 can be plugged with the same keys, 1 refused"
run "replug refuses it and changes nothing" 1 tgt_am "$work/t-aes.ini" replug --from "$file" --create
is "no mdev was created" 0 "$(grep -c "^\[mdev" "$work/t-aes.ini")"

write_tgt "" "$work/t-old.ini" "0x05:CEX7C,0x06:CEX6C,0x07:CEX7A"
run "an older card generation: refused" 1 tgt_am "$work/t-old.ini" replug --check --from "$file"
expect_grep "the older card named" out "06.0004: the card is an older generation (CEX6C, CEX6) than the source's (CEX7C, CEX7)"

write_tgt "[mdev $O]
adapters = 6
domains = 0x47" "$work/t-busy.ini"
run "an APQN another mdev holds: refused" 1 tgt_am "$work/t-busy.ini" replug --check --from "$file" --json
is "json: which APQN, which mdev" "06.0047 in-mdev $O" "$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(*[' '.join((a['apqn'],a['code'],a['other'])) for a in j['apqns'] if not a['pluggable']])" "$work/out")"
run "the text names both" 1 tgt_am "$work/t-busy.ini" replug --check --from "$file"
expect_grep "sentence" out "06.0047: mdev $O holds it already"
expect_no_grep "no domain another mdev uses is lent to zcrypt" err "could not be read"
expect_grep "so 05.0047's keys stay unread, said so" out "unknown  05.0047: this host shows no master-key patterns"
is "the other mdev keeps its APQN" "[6] [71]" "$("$APMATRIX" --sim="$work/t-busy.ini" show --json | python3 -c "import json,sys; m=[x for x in json.load(sys.stdin)['mdevs'] if x['uuid']=='$O'][0]; print(m['adapters'], m['domains'])")"
run "--uuid: plugged into that mdev, its own APQN is no obstacle (keys unread: exit 4)" 4 tgt_am "$work/t-busy.ini" replug --check --from "$file" --uuid $O
expect_no_grep "nothing refused" out "refused  "
run "--uuid must be a UUID" 2 tgt_am "$work/t-busy.ini" replug --check --from "$file" --uuid nonsense

# ------------------------------------------------ bad restore files
head -c 300 "$file" >"$work/cut.json"
run "a truncated restore file is refused" 1 tgt_am "$work/t-ok.ini" replug --check --from "$work/cut.json"
expect_grep "naming the file" err "$work/cut.json: cut short"
sed 's/"adapter": 6/"adapter": 9/' "$file" >"$work/edit.json"
run "an edited restore file is refused" 1 tgt_am "$work/t-ok.ini" replug --check --from "$work/edit.json" --json
expect_grep "json: valid false" out '"valid":false'
expect_grep "the checksum" err "checksum mismatch"
sed 's/"version": 1/"version": 7/' "$file" >"$work/v7.json"
run "another version is refused" 1 tgt_am "$work/t-ok.ini" replug --check --from "$work/v7.json"
expect_grep "the version named" err "restore file version 7; this apmatrix reads version 1 only"

# "created" with an OSC sequence, the checksum recomputed: refused, escaped.
resum() { # IN OUT CREATED: the file with body.created set and its CRC32 recomputed
	python3 -c "
import json, sys, zlib
j = json.load(open(sys.argv[1]))
j['body']['created'] = sys.argv[3]
plain = json.dumps(j['body'], separators=(',', ':'), ensure_ascii=False)
j['checksum'] = 'crc32:%08x' % zlib.crc32(plain.encode())
json.dump(j, open(sys.argv[2], 'w'), indent=2, ensure_ascii=False)" "$@"
}
write_tgt "" "$work/t-fresh.ini"
resum "$file" "$work/same.json" "$(pyf "b['created']")"
run "the checksum is recomputed as apmatrix computes it" 0 tgt_am "$work/t-fresh.ini" replug --check --from "$work/same.json"
resum "$file" "$work/osc.json" "$(printf '\033]0;pw\007%s' 2026-12-02T05:00:00Z)"
run "a created with an OSC sequence is refused" 1 tgt_am "$work/t-ok.ini" replug --check --from "$work/osc.json"
expect_grep "file and field named, escaped" err "$work/osc.json: created: '\\x1b]0;pw\\x072026-12-02T05:00:00Z' is not the time apmatrix writes"
is "no raw escape reaches the terminal" 0 "$(cat "$work/out" "$work/err" | tr -cd '\033\007' | wc -c)"
resum "$file" "$work/t2.json" "2026-12-02 05:00:00"
run "another time form is refused" 1 tgt_am "$work/t-ok.ini" replug --check --from "$work/t2.json"
expect_grep "named" err "created: '2026-12-02 05:00:00' is not the time apmatrix writes (YYYY-MM-DDTHH:MM:SSZ)"

# ------------------------------------- kill -9 between steps, resume, rollback
for step in 1 2 3; do
	write_src
	rm -f "$file"
	export VIRSH_SIM=$src
	APMATRIX_TEST_KILL=unplug:$step src_am unplug $G --save "$file" --libvirt >"$work/out" 2>&1
	is "unplug killed after step $step" 137 $?
	[ -s "$file" ] && ok "the restore file is on disk" || not_ok "no restore file after a kill at step $step"
	run "run again after the kill at step $step" 0 src_am unplug $G --save "$file" --libvirt
	expect_grep "step 1 reported done" out "step 1: write the restore file: done"
	[ "$step" -ge 2 ] && expect_grep "step 2 reported done" out "step 2: take every adapter, domain and control domain from the guest: done"
	[ "$step" -ge 3 ] && expect_grep "step 3 reported done" out "step 3: read the master-key patterns (free queues lent to zcrypt): done"
	expect_grep "finished" out "the guest is ready to migrate"
done
run "rollback: the migration is cancelled" 0 src_am unplug --rollback "$file" --libvirt
expect_grep "rolled back" out "rolled back: mdev $G has what $file recorded"
write_src
cp "$src" "$work/src-orig.ini"
is "nothing lost: matrix and guest as before" \
	"$(mdev_json "$work/src-orig.ini" "m[0]['adapters'], m[0]['domains'], m[0]['control_domains'], m[0]['guest_matrix'], m[0]['guest']")" \
	"$(APMATRIX_CONFIG_ROOT=$work/src.d "$APMATRIX" --sim="$src" unplug $G --save "$work/r2.json" --libvirt >/dev/null 2>&1; APMATRIX_CONFIG_ROOT=$work/src.d "$APMATRIX" --sim="$src" unplug --rollback "$work/r2.json" --libvirt >/dev/null 2>&1; mdev_json "$src" "m[0]['adapters'], m[0]['domains'], m[0]['control_domains'], m[0]['guest_matrix'], m[0]['guest']")"

# A resume after a rollback, with a domain assigned since: refused, nothing taken.
src_am mask aqmask -0xab >/dev/null
run "a domain assigned after the rollback" 0 src_am assign $G domain 0xab
run "resuming from the old file is refused" 1 src_am unplug $G --save "$work/r2.json" --libvirt
expect_grep "the extra domain named" err "mdev $G has domains 0xab that $work/r2.json does not record"
expect_grep "the ways on" err "unplug --done $work/r2.json"
is "the mdev keeps every domain" "[4, 71, 171]" "$(mdev_json "$src" "m[0]['domains']")"
is "the file still records its own" "[4, 71]" "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['body']['domains'])" "$work/r2.json")"

# A write the kernel refuses (the fault knob): stopped, said so, resumed.
write_src
rm -f "$file"
printf '[faults]\ndevices/vfio_ap/matrix/%s/ap_config = EIO 1\n' $G >>"$src"
run "unplug: the kernel refuses the ap_config write" 3 src_am unplug $G --save "$file" --libvirt
expect_grep "the step and the way on" err "stopped at step 2 (unplug); the restore file $file keeps the record"
is "the guest still has its matrix" "[5, 6, 7]" "$(mdev_json "$src" "m[0]['adapters']")"
run "run again: resumed and done" 0 src_am unplug $G --save "$file" --libvirt
expect_grep "resumed" out "resuming from $file"

# Replug killed after the mdev was created: resumed.
src_am mdev remove $G >/dev/null
write_tgt "" "$work/t-kill.ini"
export VIRSH_SIM=$work/t-kill.ini
APMATRIX_TEST_KILL=replug:1 tgt_am "$work/t-kill.ini" replug --from "$file" --create --libvirt >"$work/out" 2>&1
is "replug killed after step 1" 137 $?
run "replug again" 0 tgt_am "$work/t-kill.ini" replug --from "$file" --create --libvirt
expect_grep "step 1 reported done" out "step 1: the mdev exists: done"
expect_grep "finished" out "the guest holds mdev $G again"
run "replug --persist: every step done, the definition written" 0 tgt_am "$work/t-kill.ini" replug --from "$file" --persist
expect_grep "the definition is written" out "applied: define mdev $G"
expect_grep "step 2 reported done" out "step 2: assign the adapters, domains and control domains: done"
run "and again: the definition is there" 0 tgt_am "$work/t-kill.ini" replug --from "$file" --persist
expect_grep "step 5 reported done" out "step 5: write the mdevctl definition: done"
expect_no_grep "not written twice" out "applied: define"
is "mdevctl's definition of the mdev" '["5", "6", "7"] ["4", "71"] ["80"]' \
	"$(python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['attrs']; print(*[str([list(x.values())[0] for x in a if k in x]).replace(\"'\", '\"') for k in ('assign_adapter','assign_domain','assign_control_domain')])" "$work/tgt.d/etc/mdevctl.d/matrix/$G")"

# A rollback on the source whose mdev was removed: --create makes it again.
run "rollback without the mdev says to add --create" 1 src_am unplug --rollback "$file"
expect_grep "said" err "there is no mdev $G here: add --create"
run "rollback --create" 0 src_am unplug --rollback "$file" --create
expect_grep "created" out "step 1: created mdev $G"
is "the source's mdev has the recorded matrix" "[5, 6, 7] [4, 71] [80]" "$(mdev_json "$src" "m[0]['adapters'], m[0]['domains'], m[0]['control_domains']" | sed 's/^(//; s/)$//; s/\], \[/] [/g')"
run "--create is the rollback's only" 2 src_am unplug $G --save "$work/r9.json" --create
run "unplug --done removes the restore file" 0 src_am unplug --done "$file"
is "gone" no "$([ -e "$file" ] && echo yes || echo no)"
run "usage errors" 2 src_am unplug $G
run "replug --json without --check" 2 src_am replug --from "$file" --json

# A domain whose name begins with '-' is not given to virsh as an option.
write_src
rm -f "$work/src.d/run/libvirt/qemu/dom1.xml"
libvirt_running "$work/src.d" -dom1 $G 4242
: >"$VIRSH_LOG"
export VIRSH_SIM=$src
run "unplug --libvirt of domain -dom1: stopped at step 4" 1 src_am unplug $G --save "$work/r7.json" --libvirt
expect_grep "said why" err "libvirt domain -dom1 begins with '-', which virsh reads as an option"
expect_grep "stopped, the file kept" err "stopped at step 4"
is "virsh never ran" 0 "$(grep -c "^virsh" "$VIRSH_LOG")"
src_am unplug --rollback "$work/r7.json" >/dev/null 2>&1

# An APQN the source had no queue for (recorded absent) that the target has:
# the target's guest gains it, said so; step 3 is not a mismatch.
write_src
sed -e 's/^adapters = 0x05:CEX7C,0x06:CEX7C,0x07:CEX7A$/adapters = 0x05:CEX7C,0x06:CEX7C/' \
	-e 's/^adapters = 5-7$/adapters = 5-6,8/' "$src" >"$work/s8.ini"
run "unplug with adapter 8 assigned but absent" 0 "$APMATRIX" --sim="$work/s8.ini" unplug $G --save "$work/r8.json"
expect_grep "08.0004 marked absent" out "08.0004?"
write_tgt "" "$work/t8.ini" "0x05:CEX7C,0x06:CEX7C,0x08:CEX7C"
run "replug on a target that has adapter 8" 0 "$APMATRIX" --sim="$work/t8.ini" replug --from "$work/r8.json" --create
expect_grep "a note, not a mismatch" out "08.0004: in the guest here; the source had no such queue (the file records it absent)"
expect_grep "step 3 passes" out "step 3: guest_matrix of mdev $G is as recorded"

done_testing
