# SPDX-License-Identifier: GPL-2.0-or-later
# t-abi.sh - apsim's sysfs ABI: the files lszcrypt -V, -b and -d read, the
# bus attributes and their formats, mask writes with the re-probe pass and
# the uevents a libudev "kernel" monitor sees, parameters and unloading.
. "$APM_TOP/tests/vm/lib.sh"

# Bad parameters fail the load and name the parameter.
dmesg -C
load adapters=4:CEX9C 2>/dev/null && unload
is "bad adapters= refused, named" 1 "$(dmesg | grep -c 'adapters: unknown card type .CEX9C.')"
load domains=4,0x100 2>/dev/null && unload
is "bad domains= refused, named" 1 "$(dmesg | grep -c "domains: '0x100' is not an ID")"

# A machine without APXA answers 63/15 and does not list the facility.
load max_adapter_id=63 max_domain_id=15 domains=1-15 || not_ok "insmod with small IDs"
is "no APXA: features" "APSC QACT RC8A" "$(rd $S/bus/ap/features)"
is "no APXA: max domain" 15 "$(rd $S/bus/ap/ap_max_domain_id)"
is "no APXA: facility bit off" 0 "$(( $(rd $S/devices/ap/card05/ap_functions) & 0x02000000 ))"
answer "no APXA: domain 16 is above the maximum" EINVAL $S/bus/ap/ap_domain 16
unload

"$B/tests/tools/uevmon" ap "$W/mon.ready" >"$W/uev" &
mon=$!
"$B/tests/tools/uevmon" matrix "$W/mmon.ready" >"$W/muev" &
mmon=$!
while [ ! -f "$W/mon.ready" ] || [ ! -f "$W/mmon.ready" ]; do sleep 0.05; done
load control_domains=1,2,4,0x47,0xab,0xff || { not_ok "insmod apsim"; done_testing; exit 1; }
ok "insmod apsim"

# Bus attributes (ap_bus.c: the ap_bus_attrs group) and lszcrypt -b's files.
for f in ap_domain ap_max_domain_id ap_usage_domain_mask ap_control_domain_mask features \
	config_time poll_thread poll_timeout ap_interrupts ap_max_adapter_id apmask aqmask \
	scans bindings; do
	[ -r $S/bus/ap/$f ] && ok "bus/ap/$f exists" || not_ok "bus/ap/$f exists"
done
is "no 6.19 bindings_complete_count" no "$([ -e $S/bus/ap/bindings_complete_count ] && echo yes || echo no)"
is "features" "APSC APXA QACT RC8A" "$(rd $S/bus/ap/features)"
is "ap_domain picked at the first scan" 1 "$(rd $S/bus/ap/ap_domain)"
is "usage domains" 0x4800000000000000010000000000000000000000001000000000000000000001 \
	"$(rd $S/bus/ap/ap_usage_domain_mask)"
is "control domains" 0x6800000000000000010000000000000000000000001000000000000000000001 \
	"$(rd $S/bus/ap/ap_control_domain_mask)"
is "bindings" "15/15 (complete)" "$(rd $S/bus/ap/bindings)"
is "masks start all ones" 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
	"$(rd $S/bus/ap/apmask)"

# Cards and queues: lszcrypt -V's files with their formats (ap_card.c, ap_queue.c,
# zcrypt_card.c, zcrypt_queue.c: the *_show functions).
c=$S/devices/ap/card05
is "card type" CEX5C "$(rd $c/type)"
is "card hwtype" 11 "$(rd $c/hwtype)"
is "card modalias" ap:t0B "$(rd $c/modalias)"
is "card ap_functions: upper case, top 16 bits" yes \
	"$(rd $c/ap_functions | grep -q '^0x[0-9A-F]\{4\}0000$' && echo yes)"
for f in type hwtype ap_functions online config chkstop depth request_count pendingq_count \
	requestq_count max_msg_size serialnr driver; do
	[ -e $c/$f ] && ok "card05/$f exists" || not_ok "card05/$f exists"
done
for f in online config chkstop request_count pendingq_count requestq_count ap_functions driver; do
	[ -e $c/05.0004/$f ] && ok "05.0004/$f exists" || not_ok "05.0004/$f exists"
done
is "accelerators have no serialnr" no "$([ -e $S/devices/ap/card06/serialnr ] && echo yes || echo no)"
is "queues have no modalias" no "$([ -e $c/05.0004/modalias ] && echo yes || echo no)"
is "queue driver" cex4queue "$(basename "$(readlink $c/05.0004/driver)")"
is "card uevent file" "DEVTYPE=ap_card DRIVER=cex4card DEV_TYPE=000B MODALIAS=ap:t0B MODE=cca" \
	"$(rd $c/uevent)"

# Mask syntax and refusals (ap_bus.c: ap_parse_mask_str, apmask_store).
answer "apmask garbage" EINVAL $S/bus/ap/apmask garbage
answer "apmask 0X prefix" EINVAL $S/bus/ap/apmask 0Xff
answer "apmask +0x128 (the source comment's example)" EINVAL $S/bus/ap/apmask "-0-255,+1-16,+0x128"
answer "aqmask relative" OK $S/bus/ap/aqmask "-4,-0x47,-0xab,-0xff"
is "aqmask after" 0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe "$(rd $S/bus/ap/aqmask)"
is "re-probe moved 05.0047 to vfio_ap" vfio_ap "$(basename "$(readlink $c/05.0047/driver)")"
is "vfio_ap queue status" unassigned "$(rd $c/05.0047/status)"
is "vfio_ap queue has no online" no "$([ -e $c/05.0047/online ] && echo yes || echo no)"
is "a queue moved by a mask write is uninitiated" - "$(rd $c/05.0047/request_count)"
answer "unchanged mask: success" OK $S/bus/ap/aqmask "-4"
# The re-probe pass on unbound queues (ap_bus.c: __ap_revise_reserved reads
# no driver's flags as "not default", doc/kernel-abi.md): the next mask
# change binds a default-owned one again, a vfio-owned one stays unbound.
answer "unbind 05.0001 from cex4queue" OK $S/bus/ap/drivers/cex4queue/unbind 05.0001
answer "unbind 05.0047 from vfio_ap" OK $S/bus/ap/drivers/vfio_ap/unbind 05.0047
answer "an unrelated mask change" OK $S/bus/ap/apmask -0x20
is "the default-owned queue is bound again" cex4queue "$(basename "$(readlink $c/05.0001/driver)")"
is "the vfio-owned one is left unbound" "" "$(readlink $c/05.0047/driver)"
answer "drivers_probe binds it" OK $S/bus/ap/drivers_probe 05.0047
answer "the mask back" OK $S/bus/ap/apmask +0x20
answer "ap_domain outside aqmask" EINVAL $S/bus/ap/ap_domain 4
answer "ap_domain 0x1 (sscanf %i)" OK $S/bus/ap/ap_domain 0x1
answer "config_time range" EINVAL $S/bus/ap/config_time 4
answer "poll_thread kstrtobool" EINVAL $S/bus/ap/poll_thread maybe

# Card config (ap_card.c: config_store): CONFIG= on the card at once, the
# queues at the scan.
answer "card config off" OK $c/config 0
is "card config" 0 "$(rd $c/config)"
is "queue config before the scan" 1 "$(rd $c/05.0001/config)"
is "queue online before the scan: its own state (zcrypt_queue.c)" 1 "$(rd $c/05.0001/online)"
answer "zcrypt online while deconfigured" ENODEV $c/online 1
answer "scan" OK $S/bus/ap/scans 1
is "queue config after the scan" 0 "$(rd $c/05.0001/config)"
is "queue online after the scan" 0 "$(rd $c/05.0001/online)"
answer "card config on" OK $c/config 1
answer "scan" OK $S/bus/ap/scans 1
answer "zcrypt online 2" EINVAL $c/online 2
answer "zcrypt card offline" OK $c/online 0
is "its queues follow" 0 "$(rd $c/05.0001/online)"
answer "queue online while the card is offline" EINVAL $c/05.0001/online 1
answer "zcrypt card online" OK $c/online 1

# LPAR changes through the control tree, each followed by a scan (ap_bus.c:
# ap_scan_bus reading the new QCI).
answer "add adapter 0x0a" OK $S/kernel/apsim/add_adapter "0x0a CEX7P"
is "card0a exists" CEX7P "$(rd $S/devices/ap/card0a/type)"
is "card0a mode uevent" "DEVTYPE=ap_card DRIVER=cex4card DEV_TYPE=000D MODALIAS=ap:t0D MODE=ep11" \
	"$(rd $S/devices/ap/card0a/uevent)"
answer "add it twice" EEXIST $S/kernel/apsim/add_adapter 0x0a
answer "add usage domain 0x10" OK $S/kernel/apsim/add_usage_domain 0x10
is "queue 0a.0010" 1 "$([ -d $S/devices/ap/card0a/0a.0010 ] && echo 1)"
answer "remove usage domain 0x10" OK $S/kernel/apsim/remove_usage_domain 0x10
is "queue 05.0010 gone" 0 "$([ -d $c/05.0010 ] && echo 1 || echo 0)"
answer "checkstop adapter 6" OK $S/kernel/apsim/chkstop "6 1"
is "card06 chkstop" 1 "$(rd $S/devices/ap/card06/chkstop)"
answer "checkstop off" OK $S/kernel/apsim/chkstop "6 0"
answer "SE-side configure off of an adapter not in the LPAR" ENODEV $S/kernel/apsim/se_config "0x20 0"
answer "remove adapter 0x0a" OK $S/kernel/apsim/remove_adapter 0x0a
is "card0a gone" 0 "$([ -d $S/devices/ap/card0a ] && echo 1 || echo 0)"

sleep 0.3
kill $mon
wait $mon 2>/dev/null
ev() { grep -c -- "$1" "$W/uev"; }
is "uevent AQMASK= on /devices/ap" 1 \
	"$(ev '^change /devices/ap AQMASK=0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe$')"
is "uevents of 05.0047 moving to vfio_ap, in order" \
	"unbind DEVTYPE=ap_queue MODE=cca|bind DEVTYPE=ap_queue DRIVER=vfio_ap MODE=cca" \
	"$(grep '^u\?n\?bind /devices/ap/card05/05.0047 ' "$W/uev" | grep -A1 '^unbind' | head -2 |
		sed 's| /devices/ap/card05/05.0047||' | tr '\n' '|' | sed 's/|$//')"
is "the mask uevent comes after the re-probe pass" "bind" \
	"$(grep -B1 '^change /devices/ap AQMASK' "$W/uev" | head -1 | cut -d' ' -f1)"
is "CONFIG=0 on the card at the write" 1 "$(ev '^change /devices/ap/card05 .*CONFIG=0')"
is "CONFIG=0 on its 5 queues at the scan" 5 "$(ev '^change /devices/ap/card05/05\.[0-9a-f]* .*CONFIG=0')"
is "ONLINE=0 on the card and its one zcrypt queue" 2 "$(ev '^change /devices/ap/card05.* ONLINE=0')"
is "add of card0a with DEV_TYPE, MODALIAS, MODE" 1 \
	"$(ev '^add /devices/ap/card0a DEVTYPE=ap_card DEV_TYPE=000D MODALIAS=ap:t0D MODE=ep11$')"
# ap_device_probe: every probe re-arms and checks; between card0a's add and
# domain 0x10's first queue, one BINDINGS=complete per queue of card0a bound.
card0a_window() { sed -n '/^add \/devices\/ap\/card0a /,/\.0010 /p' "$W/uev"; }
is "BINDINGS=complete once per queue the added adapter's scan bound" \
	"$(card0a_window | grep -c '^bind /devices/ap/card0a/0a\.')" \
	"$(card0a_window | grep -c '^change /devices/ap BINDINGS=complete ')"
is "and at least one" 1 "$([ "$(card0a_window | grep -c 'BINDINGS=complete')" -ge 1 ] && echo 1)"
is "remove of card0a" 1 "$(ev '^remove /devices/ap/card0a ')"
is "no uevent for checkstop" 0 "$(ev 'card06 .*CHKSTOP')"

unload && ok "rmmod" || not_ok "rmmod"
sleep 0.3
kill $mmon
wait $mmon 2>/dev/null
is "INITSCAN=done once, at load" 1 "$(ev '^change /devices/ap INITSCAN=done$')"
is "MDEV_STATE=registered at load" 1 "$(grep -c '^change /devices/vfio_ap/matrix .*MDEV_STATE=registered$' "$W/muev")"
is "MDEV_STATE=unregistered at unload" 1 "$(grep -c '^change /devices/vfio_ap/matrix .*MDEV_STATE=unregistered$' "$W/muev")"
is "nothing left" 0 "$(ls $S/bus | grep -c '^ap$\|^matrix$')"
done_testing
