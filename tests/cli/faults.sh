#!/bin/sh
# faults.sh - the simulated host's injected faults (kernel/apsim/fault, the
# state file's [faults]) make the kernel's answer differ from the rules'
# prediction both ways, and apmatrix says so with exit code 3.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
cat >"$sim" <<INI
[host]
aqmask = -0x47
[lpar]
adapters = 5:CEX8C
usage_domains = 1,0x47
[mdev $G]
adapters = 5
domains = 0x47
[faults]
bus/ap/apmask = EIO 1
devices/vfio_ap/matrix/$G/assign_domain = ok 1
bus/ap/aqmask = EBUSY 2
INI

run "predicted success, the kernel refused: exit 3" 3 am mask apmask -5
expect_err "both answers printed" <<'T'
apmatrix: EIO: write apmask: the rules predicted success, the kernel answered EIO
apmatrix: EIO: write apmask: the kernel answered EIO
T
expect_json "the refused write changed nothing" "j['apmask'][:4]" "0xff"
is "that fault is used up, the others stay" 2 "$(sed -n '/^\[faults\]/,$p' "$sim" | grep -c ' = ')"

run "predicted a refusal, the kernel accepted: exit 3" 3 am assign $G domain 1
expect_err "the refusal that did not come is named, after the prediction's reason" <<'T'
apmatrix: domain 0x01 cannot go to mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58: APQN 05.0001 belongs to the host's zcrypt drivers (apmask and aqmask)
apmatrix: to give it the domain, first unassign adapter 0x05 from mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 (it also loses 05.0047)
apmatrix: or give those domains to vfio_ap: apmatrix mask aqmask -0x01 (it takes nothing else from zcrypt)
apmatrix: or give those adapters to vfio_ap: apmatrix mask apmask -0x05 (it takes nothing else from zcrypt)
apmatrix: assign domain 0x01: the rules predicted EADDRNOTAVAIL, the kernel answered success
T
expect_grep "reported as applied" out "applied: assign domain 0x01"
expect_json "the fault had no effect" "[m['domains'] for m in j['mdevs']][0]" "[71]"
run "used up: the refusal comes as predicted" 1 am assign $G domain 1
expect_no_grep "no mismatch now" err "the rules predicted"

run "a fault for two writes: the first" 3 am mask aqmask -1
run "a fault for two writes: the second" 3 am mask aqmask -1
expect_grep "the injected errno" err "the kernel answered EBUSY"
run "then the kernel answers as predicted" 0 am mask aqmask -1
if grep -q '^\[faults\]' "$sim"; then not_ok "every fault used up: no [faults] left"; show_file "$sim"; else ok "every fault used up: no [faults] left"; fi
run "and the write the EIO refused goes through" 0 am mask apmask -5

printf '[lpar]\nadapters = 5:CEX8C\nusage_domains = 1\n[faults]\nbus/ap/apmask = EBOGUS 1\n' >"$work/bad.ini"
run "a bad fault line is refused with file:line" 2 "$APMATRIX" --sim="$work/bad.ini" show
expect_grep "line named" err "bad.ini:5: fault bus/ap/apmask = EBOGUS 1"
done_testing
