#!/bin/sh
# mask.sh - `apmatrix mask`: kernel syntax, --dry-run preview, refusals explained.
. "$TOP_SRCDIR/tests/cli/lib.sh"

run "dry run of -5,-6" 0 am mask apmask -5,-6 --dry-run
expect_out "preview lists the APQNs that change owner" <<'T'
apmask: 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  host (zcrypt) adapters: 0x00-0x04,0x07-0xff
  05.0001: host -> vfio_ap
  06.0001: host -> vfio_ap
  warning: zcrypt loses queues of the host's default domain (ap_domain 0x01): 05.0001 06.0001
prediction: OK
  would write '-5,-6' to bus/ap/apmask
T
expect_json "dry run changed nothing" "j['apmask'][:4]" "0xff"

run "reclaim of an assigned APQN" 1 am mask aqmask +0x47
expect_out "the step is reported refused" <<'T'
refused: write aqmask (EBUSY)
T
# Every APQN the kernel's in-use check finds, with its holder whole (to be
# pasted); the kernel's own words only with --verbose.
expect_err "EBUSY explained with every APQN and its mdev" <<'T'
apmatrix: EBUSY: aqmask +0x47 cannot give 3 APQNs back to the host: they are assigned to mdevs; unassign them there first:
apmatrix: EBUSY:   mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58: 06.0047
apmatrix: EBUSY:   mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2): 05.0047 0a.0047
T
run "the same with --verbose" 1 "$APMATRIX" --sim="$sim" --verbose mask aqmask +0x47
expect_grep "the aside comes with --verbose" err "apmatrix: note: the kernel answers EBUSY (vfio_ap_mdev_resource_in_use); its documentation says 'Address already in use'"
run "one APQN held" 1 am mask aqmask +0xab,+0x04,+0xff --dry-run
expect_grep "all of them, per holder" out "  mdev 62177883-f1bb-47f0-914d-32a22e3a8804 (Guest1): 05.0004 05.00ab 06.0004 06.00ab"

run "the kernel's own example +0x128" 1 am mask apmask -0-255,+1-16,+0x128 --dry-run
expect_grep "EINVAL predicted" out "prediction: EINVAL"
run "garbage" 1 am mask apmask zz
expect_grep "EINVAL explained" err "'zz' is not a valid apmask"

run "aqmask gives away the default domain" 0 am mask aqmask -1 --dry-run
expect_grep "default domain warning" out "warning: domain 0x01 is the host's default domain (ap_domain); zcrypt loses it"
run "all-zero mask" 0 am mask apmask 0x --dry-run
expect_grep "all-zero warning" out "warning: an all-zero apmask gives every APQN away"
run "empty spec is a no-op" 0 am mask apmask ""
expect_grep "0-byte write explained" out "an empty write never reaches the kernel"

run "apply -5,-6" 0 am mask apmask -5,-6
expect_out "applied" <<'T'
apmask: 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  host (zcrypt) adapters: 0x00-0x04,0x07-0xff
  05.0001: host -> vfio_ap
  06.0001: host -> vfio_ap
  warning: zcrypt loses queues of the host's default domain (ap_domain 0x01): 05.0001 06.0001
applied: write apmask
T
expect_json "apmask persisted" "j['apmask']" "0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
expect_json "05.0001 now free" "[q['cell'] for q in j['queues'] if q['apqn']=='05.0001'][0]" "free"
run "unchanged mask" 0 am mask apmask -5
expect_grep "no-op explained" out "the mask does not change: no re-probe, no uevent"
run "read-only refuses" 1 "$APMATRIX" --sim="$sim" --read-only mask apmask +5
expect_err "read-only explained" <<'T'
apmatrix: EROFS: write apmask: not attempted: read-only mode
T
# A long SPEC is written whole: its last term (-0xff) must reach the kernel.
long=+0x01
i=0
while [ $i -lt 60 ]; do long="$long,+0x01"; i=$((i + 1)); done
long="$long,-0xff"
run "a ${#long}-byte SPEC" 0 am mask apmask "$long"
expect_json "its last term took adapter 0xff, not 0x0f" "j['apmask'][2:]" "f9fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
huge=$long
while [ ${#huge} -le 4096 ]; do huge="$huge,+0x01"; done
run "a SPEC longer than a sysfs page" 1 am mask apmask "$huge"
expect_grep "E2BIG predicted and named" err "SPEC is ${#huge} bytes long: a sysfs attribute takes at most 4096 bytes in one write"
expect_json "nothing changed" "j['apmask'][2:]" "f9fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
# The SPEC forms: a bare number means two things and is refused, unless
# --absolute says the kernel's reading is meant; octal is ambiguous as
# IDs are; chzdev's list of the host's IDs is an absolute mask.
run "a bare number is refused" 2 am mask aqmask 5
expect_err "both readings named" <<'T'
apmatrix: mask: '5' is ambiguous: the kernel reads a SPEC without 0x or a sign as an absolute hex mask (0x5…: the host keeps domains 0x01,0x03, every other goes to vfio_ap), chzdev as the domains the host keeps (domain 0x05 alone); write 0x5 for the kernel's reading, 5-5 for chzdev's; or add --absolute for the kernel's reading
Try 'apmatrix --help'.
T
run "a bare hex word is refused too" 2 am mask apmask ff
expect_grep "the kernel's reading named" err "(0xff…: the host keeps adapters 0x00-0x07, every other goes to vfio_ap); write 0xff if that is meant"
run "--absolute takes the kernel's reading" 0 am mask aqmask 5 --absolute --dry-run
expect_grep "as the kernel reads it" out "host (zcrypt) domains: 0x01,0x03"
expect_grep "written as it is" out "would write '5' to bus/ap/aqmask"
run "a relative octal term is refused" 2 am mask apmask -0x5,+010
expect_err "octal named with both readings" <<'T'
apmatrix: mask: '-0x5,+010' is ambiguous: the kernel reads 010 as octal (adapter 0x08); write 8 or 0x8 for that, 10 or 0xa for adapter 0x0a
Try 'apmatrix --help'.
T
run "chzdev's form" 0 am mask apmask 0-3,8-255 --dry-run
expect_out "shown parsed and written as an absolute mask" <<'T'
apmask 0-3,8-255: the adapters the host keeps (chzdev's form)
apmask: 0xf0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  host (zcrypt) adapters: 0x00-0x03,0x08-0xff
  04.0001: host -> vfio_ap
  warning: zcrypt loses queues of the host's default domain (ap_domain 0x01): 04.0001
prediction: OK
  would write '0xf0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' to bus/ap/apmask
T
run "chzdev's form with an ID out of range" 2 am mask apmask 0-300
expect_grep "the ID named" err "apmask 0-300 (the adapters the host keeps): ID 300 is out of range"
run "chzdev's form with an octal ID" 2 am mask apmask 010,5
expect_grep "ambiguous as IDs are" err "'010' is ambiguous: write 10 in decimal or 0xa in hex"
# Many APQNs: every one named, as their count and the rectangle they fill.
cat >"$work/big.ini" <<'T'
[host]
aqmask = -0x20-0x27
ap_domain = 1
[lpar]
adapters = 0x10-0x13:CEX8C
usage_domains = 0x00-0x0f,0x20-0x27
[mdev 11111111-2222-4333-8444-555555555555]
adapters = 0x10-0x13
domains = 0x20-0x27
T
run "a reclaim of 32 APQNs" 1 "$APMATRIX" --sim="$work/big.ini" mask aqmask +0x20-0x27
expect_grep "all 32, counted" err "apmatrix: EBUSY:   mdev 11111111-2222-4333-8444-555555555555: 32 APQNs: adapters 0x10-0x13 x domains 0x20-0x27"
run "a give-away of 64 APQNs" 0 "$APMATRIX" --sim="$work/big.ini" mask apmask -0x10-0x13 --dry-run
expect_grep "past 32, grouped and counted" out "  host -> vfio_ap: 64 APQNs: adapters 0x10-0x13 x domains 0x00-0x0f"
expect_no_grep "not one a line as well" out "10.0001: host -> vfio_ap"
run "missing SPEC" 2 am mask apmask
run "bad mask name" 2 am mask bmask +1
done_testing
