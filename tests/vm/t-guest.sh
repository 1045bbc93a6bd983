# SPDX-License-Identifier: GPL-2.0-or-later
# t-guest.sh - guests the way QEMU attaches them (fake-qemu holds the VFIO
# device): status "in use", hot plug and unplug while running, one vfio-ap
# device per guest, the exclusive group, remove while in use (6.5+: the
# guest is emptied and asked to let go; a guest that ignores the request
# keeps the remove waiting), and the module pinned while a device is open.
. "$APM_TOP/tests/vm/lib.sh"

load control_domains=1,2,4,0x47,0xab,0xff || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "secure 4,0x47,0xab,0xff for vfio_ap" OK $S/bus/ap/aqmask "-4,-0x47,-0xab,-0xff"
for u in $G1 $G2 $G3; do
	answer "create $u" OK $T/create $u
done
answer "create again" EEXIST $T/create $G1
answer "create: not a uuid" EINVAL $T/create 62177883-f1bb-47f0-914d-32a22e3a88zz
is "available_instances" 65533 "$(rd $T/available_instances)"
is "iommu group and /dev/vfio node" yes \
	"$([ -c /dev/vfio/$(basename "$(readlink $S/bus/mdev/devices/$G1/iommu_group)") ] && echo yes)"
answer "G1 adapter 5" OK $M/$G1/assign_adapter 5
answer "G1 domain 4" OK $M/$G1/assign_domain 4
answer "G1 control domain 0xab" OK $M/$G1/assign_control_domain 0xab

attach Guest1 $G1 && ok "Guest1 attaches" || not_ok "Guest1 attaches: $(cat "$W/fq.err")"
is "05.0004 in use" "in use" "$(rd $S/devices/ap/card05/05.0004/status)"
is "apmatrix names the guest" "Guest1 true" \
	"$("$APMATRIX" --sysfs /sys show --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [m for m in d["mdevs"] if m["uuid"] == "'$G1'"][0]
print(m["guest"], str(m["in_use"]).lower())')"

# Hot plug: adapter 6 and domain 0xab reach the running guest.
answer "hot plug adapter 6" OK $M/$G1/assign_adapter 6
answer "hot plug domain 0xab" OK $M/$G1/assign_domain 0xab
is "guest matrix grew" "05.0004 05.00ab 06.0004 06.00ab" "$(rd $M/$G1/guest_matrix)"
is "06.00ab in use" "in use" "$(rd $S/devices/ap/card06/06.00ab/status)"
# Hot unplug by a mask write is refused while assigned: EBUSY, not the doc's EADDRINUSE.
answer "reclaim an assigned APQN" EBUSY $S/bus/ap/aqmask +4
answer "assign G1's APQN to G2" OK $M/$G2/assign_domain 4
answer "...then its adapter: EADDRINUSE" EADDRINUSE $M/$G2/assign_adapter 5
answer "G2 unassign domain 4" OK $M/$G2/unassign_domain 4
answer "hot unplug adapter 6" OK $M/$G1/unassign_adapter 6
is "guest matrix shrank" "05.0004 05.00ab" "$(rd $M/$G1/guest_matrix)"
is "06.0004 assigned no more" unassigned "$(rd $S/devices/ap/card06/06.0004/status)"
# SE-side configure off keeps the adapter in the guest (6.6+).
answer "SE configures adapter 5 off" OK $S/kernel/apsim/se_config "5 0"
is "still plugged while deconfigured" "05.0004 05.00ab" "$(rd $M/$G1/guest_matrix)"
answer "SE configures adapter 5 on" OK $S/kernel/apsim/se_config "5 1"
# The LPAR loses domain 0xab: it leaves the guest at once (vfio_ap_ops.c:
# vfio_ap_on_cfg_changed).
answer "LPAR loses usage domain 0xab" OK $S/kernel/apsim/remove_usage_domain 0xab
is "0xab unplugged" "05.0004" "$(rd $M/$G1/guest_matrix)"
answer "LPAR gets it back" OK $S/kernel/apsim/add_usage_domain 0xab
is "0xab plugged again" "05.0004 05.00ab" "$(rd $M/$G1/guest_matrix)"

# One vfio-ap device per guest; the group opens exclusively.
answer "G2 adapter 5 domain 0x47" OK $M/$G2/assign_adapter 5
answer "G2 domain 0x47" OK $M/$G2/assign_domain 0x47
"$FAKEQEMU" -name guest=Guest2 -device vfio-ap,sysfsdev=$S/bus/mdev/devices/$G2 \
	-device vfio-ap,sysfsdev=$S/bus/mdev/devices/$G3 2>"$W/two.err" &
wait $! 2>/dev/null
is "a second mdev for one guest: EPERM" 1 "$(grep -c "$G3: VFIO_GROUP_GET_DEVICE_FD: Operation not permitted" "$W/two.err")"
first=$qpid
"$FAKEQEMU" -name guest=Other -device vfio-ap,sysfsdev=$S/bus/mdev/devices/$G1 2>"$W/busy.err"
is "G1's group is held: EBUSY" 1 "$(grep -c 'Device or resource busy' "$W/busy.err")"

# The module is pinned while a device is open.
rmmod apsim 2>/dev/null && not_ok "rmmod refused while in use" || ok "rmmod refused while in use"

# Remove while in use (6.5+): the guest is emptied and QEMU lets go.
answer "remove G1 while Guest1 runs" OK $M/$G1/remove 1
wait $first
is "fake-qemu was asked to let go" 1 "$(grep -c 'release requested' "$W/fq.err")"
is "G1 gone" no "$([ -d $M/$G1 ] && echo yes || echo no)"
is "its queues are unassigned" unassigned "$(rd $S/devices/ap/card05/05.0004/status)"
is "available_instances back up" 65534 "$(rd $T/available_instances)"

# A guest that ignores the request keeps the remove waiting until it exits.
attach Guest2 $G2 --ignore-release && ok "Guest2 attaches" || not_ok "Guest2 attaches"
g2=$qpid
("$SYSW" $M/$G2/remove 1 >"$W/rm.out") &
rmpid=$!
sleep 2
is "remove still waiting" yes "$(kill -0 $rmpid 2>/dev/null && echo yes)"
# The mdev's attributes are gone while the remove waits, as in the kernel.
is "the guest lost its AP resources at once" assigned "$(rd $S/devices/ap/card05/05.0047/status)"
kill $g2
wait $g2
wait $rmpid
is "remove returned after the guest exited" OK "$(cat "$W/rm.out")"
is "G2 gone" no "$([ -d $M/$G2 ] && echo yes || echo no)"

# rmmod with a live (unused) mdev cleans everything up.
unload && ok "rmmod with a live mdev" || not_ok "rmmod with a live mdev"
is "no mdev left" 0 "$(ls $S/bus/mdev/devices 2>/dev/null | wc -l)"
done_testing
