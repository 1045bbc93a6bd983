# SPDX-License-Identifier: GPL-2.0-or-later
# t-generations.sh - apsim's profile= parameter: each kernel generation's
# attributes and behaviour, from the kernel model (doc/profiles.md), and
# apmatrix telling the generation from the attributes present:
# 6.0 (no ap_config, a remove in use waits for the guest), 6.13 (the
# default), 6.15 (the configuration-change interrupt a QEMU-like opener
# arms and sees signalled), 6.19 (queue driver_override and the masks,
# bindings_complete_count, the bus's add uevent of a coldplug replay).
. "$APM_TOP/tests/vm/lib.sh"

profile_of() { "$APMATRIX" --sysfs $S show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["host"]["profile"])'; }

dmesg -C
load profile=4.20 2>/dev/null && unload
is "the static generation is refused, named" 1 "$(dmesg | grep -c "profile: '4.20' is not one of")"
load profile=6.14 2>/dev/null && unload
is "an unknown one too" 1 "$(dmesg | grep -c "profile: '6.14' is not one of")"

# 6.0: dynamic vfio_ap without ap_config; a remove in use blocks (no request callback).
load profile=6.0 domains=4 || { not_ok "insmod profile=6.0"; done_testing; exit 1; }
answer "6.0: domain 4 for vfio_ap" OK $S/bus/ap/aqmask -4
answer "6.0: create" OK $T/create $G1
is "6.0: guest_matrix" yes "$([ -e $M/$G1/guest_matrix ] && echo yes)"
is "6.0: no ap_config" no "$([ -e $M/$G1/ap_config ] && echo yes || echo no)"
is "6.0: no bus features" no "$([ -e $S/bus/ap/features ] && echo yes || echo no)"
is "6.0: no matrix features" no "$([ -e $M/features ] && echo yes || echo no)"
is "6.0: apmatrix tells the generation" 6.0 "$(profile_of)"
answer "6.0: assign" OK $M/$G1/assign_adapter 5
answer "6.0: assign domain" OK $M/$G1/assign_domain 4
attach Guest1 $G1 && ok "6.0: the guest attaches" || not_ok "6.0: the guest attaches: $(cat "$W/fq.err")"
g=$qpid
("$SYSW" $M/$G1/remove 1 >"$W/rm.out") &
rmpid=$!
sleep 2
is "6.0: the remove waits for the guest" yes "$(kill -0 $rmpid 2>/dev/null && echo yes)"
is "6.0: the guest was not emptied" "in use" "$(rd $S/devices/ap/card05/05.0004/status)"
is "6.0: nor asked to let go" 0 "$(grep -c 'release requested' "$W/fq.err")"
kill $g
wait $g
wait $rmpid
is "6.0: the remove returned when the guest left" OK "$(cat "$W/rm.out")"
unload

# 6.13, the default: one interrupt, no configuration-change eventfd.
load domains=4 || not_ok "insmod"
answer "6.13: domain 4 for vfio_ap" OK $S/bus/ap/aqmask -4
answer "6.13: create" OK $T/create $G1
answer "6.13: assign" OK $M/$G1/assign_domain 4
attach Guest1 $G1 && ok "6.13: the guest attaches" || not_ok "6.13: the guest attaches"
is "6.13: no configuration-change interrupt" 1 "$(grep -c "$G1: no configuration-change interrupt" "$W/fq.err")"
is "6.13: apmatrix tells the generation" 6.13 "$(profile_of)"
kill $qpid
wait $qpid 2>/dev/null
answer "6.13: remove" OK $M/$G1/remove 1
unload

# 6.15: VFIO_AP_CFG_CHG_IRQ_INDEX, signalled whenever the guest's AP configuration changes.
load profile=6.15 domains=4,0x47 || not_ok "insmod profile=6.15"
answer "6.15: domains for vfio_ap" OK $S/bus/ap/aqmask -4,-0x47
answer "6.15: create" OK $T/create $G1
answer "6.15: assign domain" OK $M/$G1/assign_domain 4
attach Guest1 $G1 && ok "6.15: the guest attaches" || not_ok "6.15: the guest attaches: $(cat "$W/fq.err")"
g=$qpid
is "6.15: the interrupt has one eventfd and is armed" 1 \
	"$(grep -c "$G1: configuration-change interrupt armed" "$W/fq.err")"
changed() { grep -c 'guest AP configuration changed' "$W/fq.err"; }
wait_changed() { # wait_changed N: until fake-qemu has reported N signals
	i=0
	while [ "$(changed)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	changed
}
is "6.15: nothing changed yet" 0 "$(changed)"
answer "6.15: hot plug of adapter 5" OK $M/$G1/assign_adapter 5
is "6.15: the guest is told" 1 "$(wait_changed 1)"
answer "6.15: a control domain" OK $M/$G1/assign_control_domain 4
is "6.15: told again" 2 "$(wait_changed 2)"
answer "6.15: an adapter the LPAR lacks changes nothing" OK $M/$G1/assign_adapter 9
sleep 0.3
is "6.15: not told" 2 "$(changed)"
answer "6.15: the LPAR loses domain 4" OK $S/kernel/apsim/remove_usage_domain 4
is "6.15: told" 3 "$(wait_changed 3)"
answer "6.15: remove while in use" OK $M/$G1/remove 1
wait $g
is "6.15: told before the release request" 4 "$(changed)"
is "6.15: then asked to let go" 1 "$(grep -c 'release requested' "$W/fq.err")"
is "6.15: apmatrix reads it as 6.13 (no attribute tells 6.15)" 6.13 "$(profile_of)"
unload

# 6.19: driver_override and the masks exclude each other; bindings_complete_count;
# the bus kobject's add uevent of a coldplug replay.
load profile=6.19 adapters=5:CEX8C domains=1,0x47 || not_ok "insmod profile=6.19"
q=$S/devices/ap/card05/05.0047
is "6.19: bindings_complete_count" 1 "$(rd $S/bus/ap/bindings_complete_count)"
is "6.19: driver_override, empty" "" "$(rd $q/driver_override)"
is "6.19: apmatrix tells the generation" 6.19 "$(profile_of)"
answer "6.19: a mask write" OK $S/bus/ap/aqmask -1
answer "6.19: an override needs both masks all ones" EINVAL $q/driver_override vfio_ap
answer "6.19: the mask back" OK $S/bus/ap/aqmask +1
answer "6.19: an override" OK $q/driver_override vfio_ap
answer "6.19: masks refused while an override is set" EINVAL $S/bus/ap/apmask -5
is "6.19: the override decides at the next probe" cex4queue "$(basename "$(readlink $q/driver)")"
answer "6.19: unbind" OK $S/bus/ap/drivers/cex4queue/unbind 05.0047
answer "6.19: probe" OK $S/bus/ap/drivers_probe 05.0047
is "6.19: vfio_ap took it" vfio_ap "$(basename "$(readlink $q/driver)")"
# One at load, one per probe that left all bound (ap_device_probe): the two
# mask writes' moves of 05.0001 and this probe.
is "6.19: the probe left all bound: complete again (ap_device_probe)" 4 "$(rd $S/bus/ap/bindings_complete_count)"
answer "6.19: the override cleared" OK $q/driver_override ""
answer "6.19: masks accepted again" OK $S/bus/ap/apmask -5
"$B/tests/tools/uevmon" bus "$W/mon.ready" >"$W/uev" &
mon=$!
while [ ! -f "$W/mon.ready" ]; do sleep 0.05; done
answer "6.19: a coldplug replay (udevadm trigger --type=subsystems)" OK $S/bus/ap/uevent add
# The driver core's parser, which the simulated host's bus/ap/uevent follows (test-sim).
answer "a synthetic uevent with a UUID and a pair" OK $S/bus/ap/uevent "change $G1 A=1"
answer "a pair without the UUID" EINVAL $S/bus/ap/uevent "add A=1"
answer "two spaces" EINVAL $S/bus/ap/uevent "add $G1  A=1"
answer "a key that is not alphanumeric" EINVAL $S/bus/ap/uevent "add $G1 A-B=1"
sleep 0.3
kill $mon
wait $mon 2>/dev/null
is "6.19: the bus's add uevent, as 41-ap.rules waits for it" 1 "$(grep -c '^add /bus/ap .*SYNTH_UUID=0' "$W/uev")"
is "the synthetic change, its UUID and pair" 1 \
	"$(grep "^change /bus/ap " "$W/uev" | grep "SYNTH_UUID=$G1" | grep -c 'SYNTH_ARG_A=1')"
unload
load || not_ok "insmod"
is "6.13: no bindings_complete_count" no "$([ -e $S/bus/ap/bindings_complete_count ] && echo yes || echo no)"
is "6.13: no driver_override" no "$([ -e $S/devices/ap/card05/05.0001/driver_override ] && echo yes || echo no)"
unload && ok "rmmod" || not_ok "rmmod"
done_testing
