#!/bin/sh
# migrate-se.sh - Secure Execution guests are not migratable: `unplug`
# refuses one, naming the guest and why, and writes nothing (no restore
# file, no sysfs write).  Told by the holder QEMU's command line (an
# s390-pv-guest object, confidential-guest-support, or libvirt's JSON
# -object), by libvirt's <launchSecurity type='s390-pv'/>, and on the
# simulated host by the mdev's guest_secure; `replug --check` refuses a
# target whose domain is one; a rollback is never refused.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G=62177883-f1bb-47f0-914d-32a22e3a8804

# ------------------------------------------------ the simulated host
cat >"$sim" <<INI
[host]
name = hostA
aqmask = -4,-0x47
[lpar]
adapters = 0x05:CEX7C,0x06:CEX7C
usage_domains = 0x01,0x04,0x47
control_domains = 0x01,0x04,0x47
[mdev $G]
adapters = 5-6
domains = 4,0x47
guest = pv1
guest_secure = yes
INI
cp "$sim" "$work/before.ini"
run "unplug of a Secure Execution guest is refused" 1 am unplug $G --save "$work/r.json"
expect_grep "the guest named, and why" err "guest pv1 of mdev $G is a Secure Execution guest (its QEMU has an s390-pv-guest object): a protected guest cannot be live-migrated, so it is not unplugged for a migration; nothing was changed"
is "no restore file" no "$([ -e "$work/r.json" ] && echo yes || echo no)"
cmp -s "$sim" "$work/before.ini" && ok "the host is unchanged" || not_ok "the host changed"
run "--dry-run is refused the same way" 1 am unplug $G --save "$work/r.json" --dry-run
expect_grep "said" err "is a Secure Execution guest"
is "the state file keeps guest_secure" 1 "$(grep -c '^guest_secure = yes' "$sim")"
run "the guest stops" 0 am sim guest-stop $G
is "and with it what it was" 0 "$(grep -c '^guest_secure' "$sim")"
run "another guest (not protected) on it" 0 am sim guest-start $G plain1
run "is unplugged" 0 am unplug $G --save "$work/r.json"
expect_grep "unplugged" out "step 2: guest_matrix of mdev $G is empty"
run "a rollback is never refused" 0 am unplug --rollback "$work/r.json"
printf '[host]\n[lpar]\nadapters = 5:CEX7C\nusage_domains = 4\n[mdev %s]\nadapters = 5\nguest_secure = yes\n' $G >"$work/bad.ini"
run "guest_secure without a guest is refused" 2 "$APMATRIX" --sim="$work/bad.ini" show
expect_grep "named" err "mdev $G: guest_secure says what its guest is, and it has none"

# ------------------------------------------------ libvirt's domain XML
domxml() { domstatus "$1" "$2" $G "${3:-}"; }
am sim guest-stop $G >/dev/null
am sim guest-start $G dom2 >/dev/null
domxml "$APMATRIX_CONFIG_ROOT/run/libvirt/qemu/dom2.xml" dom2 "<launchSecurity type='s390-pv'/>"
rm -f "$work/r2.json"
run "unplug of a domain with launchSecurity s390-pv is refused" 1 am unplug $G --save "$work/r2.json" --libvirt
expect_grep "the domain named, and why" err "libvirt domain dom2 of mdev $G is a Secure Execution guest (<launchSecurity type='s390-pv'/>): a protected guest cannot be live-migrated"
is "no restore file" no "$([ -e "$work/r2.json" ] && echo yes || echo no)"
domxml "$APMATRIX_CONFIG_ROOT/run/libvirt/qemu/dom2.xml" dom2 "<launchSecurity type='sev'/>"
run "another launchSecurity type is not s390-pv" 0 am unplug $G --save "$work/r2.json" --dry-run
domxml "$APMATRIX_CONFIG_ROOT/etc/libvirt/qemu/dom3.xml" dom3 "<launchSecurity type='s390-pv'/>"
sed -i 's/<domstatus[^>]*>//; s/<\/domstatus>//' "$APMATRIX_CONFIG_ROOT/etc/libvirt/qemu/dom3.xml"
run "a shut-off Secure Execution domain naming the mdev is not its guest" 0 am unplug $G --save "$work/r2.json" --dry-run
expect_no_grep "not refused" err "Secure Execution"
rm -f "$APMATRIX_CONFIG_ROOT/etc/libvirt/qemu/dom3.xml"

# On a target whose domain is a Secure Execution one: replug --check refuses.
printf '[host]\nname = hostB\naqmask = -4,-0x47\n[lpar]\nadapters = 0x05:CEX7C,0x06:CEX7C\nusage_domains = 0x01,0x04,0x47\ncontrol_domains = 0x01,0x04,0x47\n' >"$work/tgt.ini"
tgt() { APMATRIX_CONFIG_ROOT=$work/tgt.d "$APMATRIX" --sim="$work/tgt.ini" "$@"; }
mkdir -p "$work/tgt.d/etc/libvirt/qemu"
run "replug --check on a plain target" 0 tgt replug --check --from "$work/r.json"
domxml "$work/tgt.d/etc/libvirt/qemu/dom1.xml" dom1 "<launchSecurity type='s390-pv'/>"
sed -i 's/<domstatus[^>]*>//; s/<\/domstatus>//' "$work/tgt.d/etc/libvirt/qemu/dom1.xml"
run "replug --check: the target's domain is a Secure Execution guest" 1 tgt replug --check --from "$work/r.json"
expect_grep "named" err "libvirt domain dom1 of mdev $G is a Secure Execution guest"
run "replug --check --json says so" 1 tgt replug --check --from "$work/r.json" --json
is "json: the refusal, not pluggable" "True False" "$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print('Secure Execution' in j['refusal'], j['pluggable'])" "$work/out")"
run "replug refuses and changes nothing" 1 tgt replug --from "$work/r.json" --create
is "no mdev was created" 0 "$(grep -c '^\[mdev' "$work/tgt.ini")"

# ------------------------------------------------ a sysfs tree and /proc
tree=$work/sys
cp -R "$FIXTURES/sysfs/host-613" "$tree"
chmod -R u+w "$tree"
proc=$work/proc
mkdir -p "$proc/4242/fd"
ln -s /dev/vfio/0 "$proc/4242/fd/3"
qemu() { printf "qemu-system-s390x\0-name\0guest=se1,debug-threads=on\0$1\0-device\0vfio-ap,sysfsdev=/sys/bus/mdev/devices/$G\0" >"$proc/4242/cmdline"; }
fs() { APMATRIX_CONFIG_ROOT=$work/fsroot APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" "$@"; }
cp -R "$tree" "$work/sys-before"
for arg in '-object\0s390-pv-guest,id=pv0\0-machine\0s390-ccw-virtio,confidential-guest-support=pv0' \
	'-object\0{"qom-type":"s390-pv-guest","id":"lsec0"}' \
	'-machine\0s390-ccw-virtio,confidential-guest-support=lsec0'; do
	qemu "$arg"
	rm -f "$work/r3.json"
	run "QEMU $(printf "$arg" | tr '\0' ' '): refused" 1 fs unplug $G --save "$work/r3.json"
	expect_grep "the guest named from its command line" err "guest se1 of mdev $G is a Secure Execution guest"
	is "no restore file" no "$([ -e "$work/r3.json" ] && echo yes || echo no)"
done
diff -r --no-dereference "$work/sys-before" "$tree" >"$work/diff" 2>&1 && ok "nothing was written to sysfs" || { not_ok "sysfs changed"; show_file "$work/diff"; }
qemu '-machine\0s390-ccw-virtio'
run "a plain QEMU: the dry run goes on" 0 fs unplug $G --save "$work/r3.json" --dry-run
expect_no_grep "not refused" err "Secure Execution"

# The words elsewhere on the command line are not QEMU's options.
printf "qemu-system-s390x\0-name\0guest=s390-pv-guest-lab1\0-device\0vfio-ap,sysfsdev=/sys/bus/mdev/devices/$G\0-object\0secret,id=confidential-guest-support=x\0" >"$proc/4242/cmdline"
run "a guest named s390-pv-guest-lab1 is not one" 0 fs unplug $G --save "$work/r3.json" --dry-run
expect_no_grep "not refused" err "Secure Execution"
# libvirt's command lines are long: the object after 64 KiB of options is seen.
{
	printf 'qemu-system-s390x\0-name\0guest=se1\0'
	i=0
	while [ $i -lt 2000 ]; do printf -- '-global\0virtio-blk-ccw.scsi=off,num-queues=1,xxxxxxxx\0'; i=$((i + 1)); done
	printf -- '-object\0qom-type=s390-pv-guest,id=pv0\0'
} >"$proc/4242/cmdline"
run "an s390-pv-guest object after $(wc -c <"$proc/4242/cmdline") bytes: refused" 1 fs unplug $G --save "$work/r3.json" --dry-run
expect_grep "named" err "guest se1 of mdev $G is a Secure Execution guest"

# /proc cannot be read and no queue says "in use": who holds the mdev is
# unknown, so neither step 4 nor the Secure Execution check can be done.
cp -R "$FIXTURES/sysfs/host-613" "$work/sys2"
chmod -R u+w "$work/sys2"
for q in 05.0004 05.00ab 06.0004 06.00ab; do printf 'assigned\n' >"$work/sys2/devices/ap/card${q%%.*}/$q/status"; done
cp -R "$work/sys2" "$work/sys2-before"
rm -f "$work/r4.json"
run "the holder unknown: unplug refused" 1 env APMATRIX_CONFIG_ROOT=$work/fsroot APMATRIX_PROC=/nonexistent "$APMATRIX" --sysfs "$work/sys2" unplug $G --save "$work/r4.json"
expect_grep "said so" err "cannot tell whether a guest holds mdev $G: which process has its vfio group open cannot be seen"
expect_grep "and the check it stops" err "whether its guest is a Secure Execution one cannot be told either"
expect_no_grep "never ready" out "ready to migrate"
is "no restore file" no "$([ -e "$work/r4.json" ] && echo yes || echo no)"
diff -r --no-dereference "$work/sys2-before" "$work/sys2" >"$work/diff" 2>&1 && ok "nothing was written to sysfs" || { not_ok "sysfs changed"; show_file "$work/diff"; }
done_testing
