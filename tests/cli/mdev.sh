#!/bin/sh
# mdev.sh - mdev create/remove, including remove while a guest uses it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
U=11111111-2222-4333-8444-555555555555

run "create with a UUID" 0 am mdev create $U
expect_out "create reported" <<T
mdev $U
applied: create mdev $U
T
run "create twice" 1 am mdev create $U
expect_err "EEXIST explained" <<T
apmatrix: EEXIST: mdev $U already exists; pick another UUID
T
run "create generated" 0 am mdev create
expect_json "five mdevs" "len(j['mdevs'])" "5"
run "bad UUID" 2 am mdev create 1234
expect_err "bad UUID named" <<'T'
apmatrix: mdev create: '1234' is not a UUID (8-4-4-4-12 hex digits)
Try 'apmatrix --help'.
T
run "remove idle" 0 am mdev remove $U
run "remove Guest1's mdev while it runs" 0 am mdev remove 62177883
expect_grep "warned before" out "Guest1 is using mdev 62177883-f1bb-47f0-914d-32a22e3a8804: the kernel clears the guest's AP masks"
expect_grep "said after" out "Guest1 lost its AP resources"
expect_json "gone" "len(j['mdevs'])" "3"
run "remove unknown" 2 am mdev remove 00000000-0000-4000-8000-000000000000
done_testing
