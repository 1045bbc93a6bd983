#!/bin/sh
# mask.sh - `apmatrix mask`: kernel syntax, --dry-run preview, refusals explained.
. "$TOP_SRCDIR/tests/cli/lib.sh"

run "dry run of -5,-6" 0 am mask apmask -5,-6 --dry-run
expect_out "preview lists the APQNs that change owner" <<'T'
apmask: 0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  host (zcrypt) adapters: 0x00-0x04,0x07-0xff
  05.0001: host -> vfio_ap
  06.0001: host -> vfio_ap
prediction: OK
  would write '-5,-6' to bus/ap/apmask
T
expect_json "dry run changed nothing" "j['apmask'][:4]" "0xff"

run "reclaim of an assigned APQN" 1 am mask aqmask +0x47
expect_out "the step is reported refused" <<'T'
refused: write aqmask (EBUSY)
T
expect_err "EBUSY explained with APQN and mdev" <<'T'
apmatrix: EBUSY: aqmask +0x47 cannot give APQN 06.0047 back to the host: it is assigned to mdev 8f2a7c10…; unassign it there first (the kernel answers EBUSY; its document says 'Address already in use')
T

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
run "missing SPEC" 2 am mask apmask
run "bad mask name" 2 am mask bmask +1
done_testing
