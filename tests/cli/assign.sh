#!/bin/sh
# assign.sh - assign/unassign: predictions, the kernel's errnos, explanations,
# all-or-nothing ap_config writes, hot plug and the filter's history.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

run "sharing refused" 1 am assign $G3 adapter 5
expect_err "EADDRINUSE names the APQN, the mdev and its guest" <<'T'
apmatrix: EADDRINUSE: adapter 0x05 cannot go to mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58: APQNs of it are already assigned to another mdev (an APQN belongs to one mdev only):
apmatrix: EADDRINUSE:   mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2): 05.0047 05.00ff
apmatrix: EADDRINUSE: to give it the adapter, first unassign domains 0x47,0xff from mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 (it also loses 06.0047 06.00ff)
apmatrix: EADDRINUSE: or unassign adapter 0x05 from mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (its running guest Guest2 gives up 05.0047 05.00ff)
T
run "host-owned refused" 1 am assign $G3 domain 1
expect_err "EADDRNOTAVAIL names the APQN and the fix" <<'T'
apmatrix: EADDRNOTAVAIL: domain 0x01 cannot go to mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58: APQN 06.0001 belongs to the host's zcrypt drivers (apmask and aqmask)
apmatrix: EADDRNOTAVAIL: domain 0x01 is the host's default domain (ap_domain): leave it to zcrypt
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
# A fix never does harm elsewhere: freeing 05.0010 by apmask -0x05 would
# also take the host's default domain 05.0001 from zcrypt, so what is
# offered is the domain leaving this mdev, or aqmask -0x10, which takes
# nothing else; the rejected one is said with --verbose only.
cat >"$work/dflt.ini" <<'T'
[host]
ap_domain = 1
[lpar]
adapters = 5:CEX8C
usage_domains = 1,0x10
[mdev 11111111-2222-4333-8444-555555555555]
domains = 0x10
T
run "an adapter whose queue is the host's" 1 "$APMATRIX" --sim="$work/dflt.ini" assign 1111 adapter 5
expect_err "the APQN, and only harmless fixes" <<'T'
apmatrix: EADDRNOTAVAIL: adapter 0x05 cannot go to mdev 11111111-2222-4333-8444-555555555555: APQN 05.0010 belongs to the host's zcrypt drivers (apmask and aqmask)
apmatrix: EADDRNOTAVAIL: to give it the adapter, first unassign domain 0x10 from mdev 11111111-2222-4333-8444-555555555555
apmatrix: EADDRNOTAVAIL: or give those domains to vfio_ap: apmatrix mask aqmask -0x10 (it takes nothing else from zcrypt)
T
run "the same with --verbose" 1 "$APMATRIX" --sim="$work/dflt.ini" --verbose assign 1111 adapter 5
expect_grep "the rejected fix and why" err "apmatrix: note: apmask -0x05 is not suggested: it would also take from zcrypt 05.0001 (the host's default domain among them)"
# A fix that would take APQNs from a running guest is not offered either.
run "a shared APQN, the holder's guest running" 1 am assign $G3 adapter 5
expect_no_grep "nothing taken from Guest1" err "from mdev 62177883"
# 128 domains do not fit an explanation's list: it ends after whole IDs with
# ",...", never in half an ID ("0x1" of 0x18 is domain 0x01).
run "assign every even domain" 1 am assign $G3 domain "$(seq -s, 0 2 254)" --dry-run
expect_grep "a cut list says so" out "domains 0x00,0x02,0x04,0x06,0x08,0x0a,0x0c,0x0e,0x10,0x12,0x14,0x16,... cannot go to mdev $G3"
expect_no_grep "never half an ID" out ",0x1 cannot go"
done_testing
