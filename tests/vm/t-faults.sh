# SPDX-License-Identifier: GPL-2.0-or-later
# t-faults.sh - apsim's injected faults (/sys/kernel/apsim/fault, the same
# control file and semantics as the simulated host's) make the kernel's
# answer differ from the rules' prediction both ways, and apmatrix says so
# with exit code 3, as tests/cli/faults.sh shows on the simulated host.
. "$APM_TOP/tests/vm/lib.sh"

F=$S/kernel/apsim/fault
G=$G3
load adapters=5:CEX8C domains=1,0x47 || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "0x47 for vfio_ap" OK $S/bus/ap/aqmask -0x47
answer "create $G" OK $T/create $G
answer "adapter 5" OK $M/$G/assign_adapter 5
answer "domain 0x47" OK $M/$G/assign_domain 0x47

answer "arm: apmask EIO once" OK $F "bus/ap/apmask EIO 1"
answer "arm: assign_domain succeeds without effect" OK $F "devices/vfio_ap/matrix/$G/assign_domain ok 1"
answer "arm: aqmask EBUSY twice" OK $F "bus/ap/aqmask EBUSY 2"
is "the armed faults read back" \
	"bus/ap/apmask EIO 1|devices/vfio_ap/matrix/$G/assign_domain ok 1|bus/ap/aqmask EBUSY 2" \
	"$(tr '\n' '|' <$F | sed 's/|$//')"

am() { "$APMATRIX" --sysfs "$S" "$@" >"$W/out" 2>"$W/err"; }

am mask apmask -5
is "predicted success, the kernel refused: exit 3" 3 $?
is "both answers printed" \
	"apmatrix: EIO: write apmask: the rules predicted success, the kernel answered EIO|apmatrix: EIO: write apmask: the kernel answered EIO" \
	"$(tr '\n' '|' <"$W/err" | sed 's/|$//')"
is "the refused write changed nothing" 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
	"$(rd $S/bus/ap/apmask)"
is "that fault is used up, the others stay" 2 "$(wc -l <$F)"

am assign $G domain 1
is "predicted a refusal, the kernel accepted: exit 3" 3 $?
is "the refusal that did not come is named" 1 \
	"$(grep -c 'assign domain 0x01: the rules predicted EADDRNOTAVAIL, the kernel answered success' "$W/err")"
is "reported as applied" 1 "$(grep -c 'applied: assign domain 0x01' "$W/out")"
is "the fault had no effect" "05.0047" "$(rd $M/$G/matrix)"
am assign $G domain 1
is "used up: the refusal comes as predicted" 1 $?
is "no mismatch now" 0 "$(grep -c 'the rules predicted' "$W/err")"

am mask aqmask -1
is "a fault for two writes: the first" 3 $?
am mask aqmask -1
is "a fault for two writes: the second" 3 $?
is "the injected errno" 1 "$(grep -q 'the rules predicted success, the kernel answered EBUSY' "$W/err" && echo 1)"
am mask aqmask -1
is "then the kernel answers as predicted" 0 $?
is "every fault used up" 0 "$(wc -l <$F)"
am mask apmask -5
is "and the write the EIO refused goes through" 0 $?

# A device's own path, whichever link the write goes through.
answer "arm: a card's online" OK $F "devices/ap/card05/online EIO 1"
answer "the write through bus/ap/devices answers it" EIO $S/bus/ap/devices/card05/online 0
is "and changed nothing" 1 "$(rd $S/devices/ap/card05/online)"
answer "arm: a number" OK $F "devices/ap/card05/05.0001/online 5 1"
is "a number reads back as the errno's name" "devices/ap/card05/05.0001/online EIO 1" "$(rd $F)"
answer "disarm" OK $F "devices/ap/card05/05.0001/online off"
is "nothing armed" "" "$(rd $F)"
answer "a bad errno is refused" EINVAL $F "bus/ap/apmask EBOGUS 1"
answer "a zero count is refused" EINVAL $F "bus/ap/apmask EIO 0"
answer "the control tree itself" OK $F "kernel/apsim/add_adapter EEXIST 1"
answer "... answers the armed errno" EEXIST $S/kernel/apsim/add_adapter "6 CEX8A"
is "... and no card came" no "$([ -d $S/devices/ap/card06 ] && echo yes || echo no)"

answer "remove $G" OK $M/$G/remove 1
unload && ok "rmmod" || not_ok "rmmod"
done_testing
