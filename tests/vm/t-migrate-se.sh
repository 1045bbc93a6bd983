# SPDX-License-Identifier: GPL-2.0-or-later
# t-migrate-se.sh - a Secure Execution guest on apsim is not migratable:
# its QEMU (fake-qemu with an s390-pv-guest object and the machine's
# confidential-guest-support, as QEMU docs/system/s390x/protvirt.rst has
# it) holds the mdev, and `unplug` refuses, naming the guest and why,
# with no restore file and the guest's matrix untouched; the same guest
# without the object is unplugged.
. "$APM_TOP/tests/vm/lib.sh"

G=$G1
am() { "$APMATRIX" --sysfs "$S" "$@" >"$W/out" 2>"$W/err"; }
show_out() { sed 's/^/#   /' "$W/out" "$W/err" | head -40; }
export APMATRIX_CONFIG_ROOT=$W/root

load adapters=5:CEX8C,6:CEX8C domains=1,4,0x47 || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "4 and 0x47 for vfio_ap" OK $S/bus/ap/aqmask -4,-0x47
answer "create $G" OK $T/create $G
am assign $G adapter 5,6 && am assign $G domain 4,0x47
is "assigned" "05.0004 05.0047 06.0004 06.0047" "$(rd $M/$G/matrix)"

attach pv1 $G -object s390-pv-guest,id=pv0 -machine s390-ccw-virtio,confidential-guest-support=pv0 ||
	not_ok "fake-qemu attaches as a protected guest"
am unplug $G --save "$W/r.json"
is "unplug of the Secure Execution guest is refused" 1 $?
is "the guest named, and why" 1 "$(grep -c "guest pv1 of mdev $G is a Secure Execution guest (its QEMU has an s390-pv-guest object): a protected guest cannot be live-migrated" "$W/err")"
is "no restore file" no "$([ -e "$W/r.json" ] && echo yes || echo no)"
is "the guest keeps its matrix" "05.0004 05.0047 06.0004 06.0047" "$(rd $M/$G/guest_matrix)"
is "and runs on" yes "$(kill -0 $qpid 2>/dev/null && echo yes || echo no)"
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null

attach plain1 $G || not_ok "fake-qemu attaches as a plain guest"
am unplug $G --save "$W/r.json"
rc=$?
is "a plain guest is unplugged" 0 $rc
[ $rc -eq 0 ] || show_out
is "its matrix is empty" "" "$(rd $M/$G/guest_matrix)"
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
echo 1 >$M/$G/remove
unload || not_ok "rmmod apsim at the end"
done_testing
