#!/bin/sh
# guest.sh - `show --guest`: what lszcrypt prints inside each guest of the
# vfio-ap document's example (its Guest1/Guest2/Guest3 tables).
. "$TOP_SRCDIR/tests/cli/lib.sh"

run "Guest1's view" 0 am show --guest 62177883-f1bb-47f0-914d-32a22e3a8804
expect_out "Guest1 table as in the document" <<'T'
CARD.DOMAIN TYPE  MODE
------------------------------
05          CEX5C CCA-Coproc
05.0004     CEX5C CCA-Coproc
05.00ab     CEX5C CCA-Coproc
06          CEX5A Accelerator
06.0004     CEX5A Accelerator
06.00ab     CEX5A Accelerator
T
run "Guest2's view" 0 am show --guest cef03c3c
expect_out "Guest2 table (0x0a is over-provisioned, not in the guest)" <<'T'
CARD.DOMAIN TYPE  MODE
------------------------------
05          CEX5C CCA-Coproc
05.0047     CEX5C CCA-Coproc
05.00ff     CEX5C CCA-Coproc
T
run "Guest3's view" 0 am show --guest 8f2a7c10
expect_out "Guest3 table (the document prints it under Guest2)" <<'T'
CARD.DOMAIN TYPE  MODE
------------------------------
06          CEX5A Accelerator
06.0047     CEX5A Accelerator
06.00ff     CEX5A Accelerator
T
run "assign adapter 4 to Guest3's mdev" 0 am assign 8f2a adapter 4
run "Guest3's view after the assignment" 0 am show --guest 8f2a7c10
expect_out "adapter 4 joins the guest's table" <<'T'
CARD.DOMAIN TYPE  MODE
------------------------------
04          CEX5C CCA-Coproc
04.0047     CEX5C CCA-Coproc
04.00ff     CEX5C CCA-Coproc
06          CEX5A Accelerator
06.0047     CEX5A Accelerator
06.00ff     CEX5A Accelerator
T
run "unknown mdev" 2 am show --guest 00000000
expect_err "unknown mdev message" <<'T'
apmatrix: no mdev has the label, guest name or UUID (prefix) '00000000' on this host
T

# The same table by the guest's name and by the mdev's label.
am show --guest cef03c3c >"$work/by-uuid"
run "Guest2's view by its name" 0 am show --guest Guest2
if cmp -s "$work/by-uuid" "$work/out"; then ok "by name: the same table"; else not_ok "by name: the same table"; show_file "$work/out"; fi
label=$(json "[m['label'] for m in j['mdevs'] if m['guest']=='Guest2'][0]")
run "Guest2's view by its mdev's label $label" 0 am show --guest "$label"
if cmp -s "$work/by-uuid" "$work/out"; then ok "by label: the same table"; else not_ok "by label: the same table"; show_file "$work/out"; fi
run "a guest name is case-sensitive" 2 am show --guest guest2
# A prefix two mdevs share names neither; a guest name that is text from
# the host reaches the terminal escaped.
run "a second mdev under the prefix cef03c3c" 0 am mdev create cef03c3c-0000-4000-8000-000000000000
run "an ambiguous prefix" 2 am show --guest cef03c3c
expect_err "ambiguous: says so" <<'T'
apmatrix: 'cef03c3c' names several mdevs; give the whole UUID or more of it:
apmatrix:   E cef03c3c-0000-4000-8000-000000000000
apmatrix:   J cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2)
T
run "a name with a control character" 2 am show --guest "$(printf 'x\033[2J')"
expect_grep "escaped" err "'x\\x1b[2J'"
done_testing
