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
apmatrix: there is no mdev 00000000 on this host
T
done_testing
