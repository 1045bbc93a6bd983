# SPDX-License-Identifier: GPL-2.0-or-later
# t-mdevctl.sh - mdevctl (Debian's package) as a real client of apsim:
# types, start with attributes, define + start, list, modify, stop.
. "$APM_TOP/tests/vm/lib.sh"

load || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "secure domains for vfio_ap" OK $S/bus/ap/aqmask -4,-0x47,-0xab,-0xff

mdevctl types >"$W/types" 2>&1
is "types: parent matrix" 1 "$(grep -c '^matrix$' "$W/types")"
is "types: vfio_ap-passthrough" 1 "$(grep -c '^  vfio_ap-passthrough$' "$W/types")"
is "types: name" 1 "$(grep -c 'Name: VFIO AP Passthrough Device' "$W/types")"
is "types: device api" 1 "$(grep -c 'Device API: vfio-ap' "$W/types")"
is "types: available instances" 1 "$(grep -c 'Available instances: 65536' "$W/types")"

# A transient device started with its attributes in one go.
cat >"$W/g1.json" <<JSON
{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[
 {"assign_adapter":"5"},{"assign_adapter":"6"},{"assign_domain":"4"},
 {"assign_domain":"0xab"},{"assign_control_domain":"0xab"}]}
JSON
mdevctl start --uuid $G1 --parent matrix --jsonfile "$W/g1.json" 2>"$W/err" &&
	ok "start $G1 with attributes" || not_ok "start $G1: $(cat "$W/err")"
is "its matrix" "05.0004 05.00ab 06.0004 06.00ab" "$(rd $M/$G1/matrix)"
is "list shows it" 1 "$(mdevctl list | grep -c "^$G1 matrix vfio_ap-passthrough")"

# A persistent definition, modified, then started: its attributes are written in order.
mdevctl define --uuid $G2 --parent matrix --type vfio_ap-passthrough 2>"$W/err" &&
	ok "define $G2" || not_ok "define $G2: $(cat "$W/err")"
mdevctl modify --uuid $G2 --addattr=assign_adapter --value=5 &&
	mdevctl modify --uuid $G2 --addattr=assign_domain --value=0x47 &&
	ok "modify $G2" || not_ok "modify $G2"
is "defined, not active" "$G2 matrix vfio_ap-passthrough manual" "$(mdevctl list -d | grep "^$G2")"
mdevctl start --uuid $G2 2>"$W/err" && ok "start $G2" || not_ok "start $G2: $(cat "$W/err")"
is "its matrix" "05.0047" "$(rd $M/$G2/matrix)"
is "listed active" 1 "$(mdevctl list -d | grep "^$G2" | grep -c '(active)')"
# A definition the kernel refuses: the shared APQN makes the start fail.
mdevctl define --uuid $G3 --parent matrix --type vfio_ap-passthrough
mdevctl modify --uuid $G3 --addattr=assign_domain --value=0x47
mdevctl modify --uuid $G3 --addattr=assign_adapter --value=5
mdevctl start --uuid $G3 2>"$W/err" && not_ok "a shared APQN refused" || ok "a shared APQN refused"
is "and the device is gone again" no "$([ -d $M/$G3 ] && echo yes || echo no)"

mdevctl stop --uuid $G1 && ok "stop $G1" || not_ok "stop $G1"
mdevctl stop --uuid $G2 && ok "stop $G2" || not_ok "stop $G2"
is "no device left" 0 "$(ls $S/bus/mdev/devices | wc -l)"
is "available instances back" 65536 "$(rd $T/available_instances)"
unload && ok "rmmod" || not_ok "rmmod"
done_testing
