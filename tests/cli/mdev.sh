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
expect_err "unknown named" <<'T'
apmatrix: no mdev has the label, guest name or UUID (prefix) '00000000-0000-4000-8000-000000000000' on this host
T
# The rule is a minimum length of a UUID prefix, not ambiguity: say that.
run "remove by a one-character prefix" 2 am mdev remove 6
expect_err "the prefix rule named" <<'T'
apmatrix: no mdev has the label or guest name '6', and a UUID prefix needs at least 4 characters
T
run "a second mdev under the prefix cef0" 0 am mdev create cef00000-0000-4000-8000-000000000000
run "remove by a shared prefix" 2 am mdev remove cef0
expect_grep "the candidates listed" err " cef00000-0000-4000-8000-000000000000"
expect_grep "the candidates listed, with the guest" err " cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2)"
# Read-only: nothing is created, so no "mdev UUID" line claims one.
U2=22222222-2222-4333-8444-555555555555
run "read-only create" 1 "$APMATRIX" --sim="$sim" --read-only mdev create $U2
expect_out "only the step, not attempted" <<T
not attempted: create mdev $U2 (EROFS)
T
run "dry-run create" 0 am mdev create $U2 --dry-run
if grep -q '^mdev ' "$work/out"; then not_ok "a dry run claims no mdev"; show_file "$work/out"; else ok "a dry run claims no mdev"; fi
done_testing
