#!/bin/sh
# assign.sh - assign/unassign: predictions, the kernel's errnos, explanations,
# all-or-nothing ap_config writes, hot plug and the filter's history.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

run "sharing refused" 1 am assign $G3 adapter 5
expect_err "EADDRINUSE names the APQN, the mdev and its guest" <<'T'
apmatrix: EADDRINUSE: adapter 0x05 cannot go to mdev 8f2a7c10…: APQN 05.0047 is already assigned to mdev cef03c3c… (Guest2); unassign it there first
T
run "host-owned refused" 1 am assign $G3 domain 1
expect_err "EADDRNOTAVAIL names the APQN and the fix" <<'T'
apmatrix: EADDRNOTAVAIL: domain 0x01 cannot go to mdev 8f2a7c10…: APQN 06.0001 is reserved for the host's zcrypt drivers by apmask/aqmask; free it first (e.g. apmatrix mask apmask -0x06 or aqmask -0x01)
T
run "already assigned is a no-op" 0 am assign $G3 adapter 6
expect_grep "no-op said" out "adapter 0x06 is already assigned: nothing changes"

run "several IDs: all or nothing" 1 am assign $G3 domain 0x04,0x10
expect_grep "one ap_config write, ownership checked before sharing" out "refused: assign 2 domains in one ap_config write (EADDRNOTAVAIL)"
expect_json "nothing applied" "[m['domains'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" "[71, 255]"

run "hot plug into a running guest, previewed" 0 am assign $G2 adapter 4 --dry-run
expect_grep "plug preview" out "hot plug into Guest2: 04.0047 04.00ff"
expect_grep "cross product shown" out "resulting matrix: adapters 0x04-0x05,0x0a x domains 0x47,0xff = 6 APQNs"
run "domains already Guest1's" 1 am assign $G2 domain 0x04 --dry-run
run "start Guest3" 0 am sim guest-start $G3 Guest3
run "control domain to a running guest" 0 am assign $G3 control-domain 0x47
expect_json "guest control domains" "[m['guest_control_domains'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" "[71]"
run "new domain hot plugs" 0 am unassign $G1 domain 0xab
expect_grep "unplug preview names the guest" out "hot unplug from Guest1: 05.00ab 06.00ab"
run "assign 0xab to Guest3" 0 am assign $G3 domain 0xab
expect_grep "plug preview names the guest" out "hot plug into Guest3: 06.00ab"
expect_json "plugged" "[q['cell'] for q in j['queues'] if q['apqn']=='06.00ab'][0]" "plugged"

run "ID above max" 2 am assign $G3 adapter 0x100
expect_err "out of range named" <<'T'
apmatrix: assign: ID 0x100 is out of range: adapters and domains are 0..255
Try 'apmatrix --help'.
T
run "unknown mdev" 2 am assign 99999999 adapter 1
run "bad resource" 2 am assign $G3 card 1
run "unassign not assigned" 0 am unassign $G3 adapter 0x20
expect_grep "unassign no-op said" out "adapter 0x20 is not assigned: nothing changes"
done_testing
