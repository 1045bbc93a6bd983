#!/bin/sh
# change-check.sh - ap-check's checks made before a change is written: a
# change that would make `mdevctl start` of a definition fail (an active
# mdev taking its APQN, the active masks giving it to the host) says so in
# its preview, naming the definition, the APQN and ap-check's words; a
# change that causes nothing new says nothing, and a finding there already
# is not told again as the change's.
. "$TOP_SRCDIR/tests/cli/lib.sh"
A1=aaaaaaaa-1111-4111-8111-111111111111
B2=bbbbbbbb-2222-4222-8222-222222222222
D=$APMATRIX_CONFIG_ROOT/etc/mdevctl.d/matrix
cat >"$sim" <<INI
[host]
profile = 6.13
aqmask = -1,-2,-3
[lpar]
adapters = 4:CEX8C,5:CEX8C
usage_domains = 1,2,3
control_domains = 1,2,3
[mdev $A1]
adapters = 4
domains = 1
INI
# B2 is defined, not active: mdevctl would start it with 04.0002.
mkdir -p "$D"
printf '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"4"},{"assign_domain":"2"}]}' >"$D/$B2"

run "the state" 0 am show
expect_no_grep "no finding yet" out "$B2 is defined with"

run "A1 taking domain 2: previewed" 0 am assign "$A1" domain 2 --dry-run
expect_grep "the definition it would block, the APQN, ap-check's words" out \
	"apmatrix: warning: after this change, mdev $B2 is defined with 04.0002, which active mdev $A1 holds: \`mdevctl start $B2\` fails now (ap-check: \"APQN 4.2 already in use by $A1\")"
run "a change that takes nothing of it" 0 am assign "$A1" domain 3 --dry-run
expect_no_grep "says nothing" out "warning: after this change"

run "the aqmask giving domain 2 to the host: previewed" 0 am mask aqmask +2 --dry-run
expect_grep "names the mask" out \
	"apmatrix: warning: after this change, mdev $B2 is defined with 04.0002, which the active aqmask gives to the host: \`mdevctl start $B2\` fails now"
run "applied, the warning comes before the write" 0 am mask aqmask +2
expect_grep "warned" out "warning: after this change, mdev $B2 is defined with 04.0002"
expect_grep "and written" out "applied: write aqmask"
run "then show has the finding" 0 am show
expect_grep "on the configuration now" out "mdev $B2 is defined with 04.0002, which the active aqmask gives to the host"
run "a change beside a finding there already" 0 am assign "$A1" adapter 5 --dry-run
expect_no_grep "is not the change's" out "warning: after this change"

# undo previews its way back with the same check.
run "undo: the aqmask back" 0 am undo --dry-run
expect_no_grep "the way back frees it: nothing new" out "warning: after this change"
run "undo" 0 am undo
run "A1 takes domain 2" 0 am assign "$A1" domain 2
expect_grep "warned as it was applied" out "warning: after this change, mdev $B2 is defined with 04.0002, which active mdev $A1 holds"
done_testing
