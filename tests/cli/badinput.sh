#!/bin/sh
# badinput.sh - bad input gets a clear message naming what is wrong and the
# right exit code, and never touches the state file.
. "$TOP_SRCDIR/tests/cli/lib.sh"
scen=$TOP_SRCDIR/tests/scenarios

run "create the state" 0 am show --json
cp "$sim" "$work/before"
unchanged() {
	if cmp -s "$sim" "$work/before"; then ok "$1: state file unchanged"; else not_ok "$1: state file changed"; fi
}

run "malformed scenario" 2 "$APMATRIX" --sim="$scen/bad-line.ini" show
expect_err "file:line named" <<T
libapmatrix: $scen/bad-line.ini:6: 'CEX9Z' is not a card type (CEX4A ... CEX8P)
apmatrix: cannot open $scen/bad-line.ini: Invalid argument
T
run "APQN in two mdevs" 2 "$APMATRIX" --sim="$scen/bad-overlap.ini" show
expect_grep "overlap named with its line" err "bad-overlap.ini:13: APQN 05.0004 is in mdev 11111111-1111-4111-8111-111111111111 and in mdev 22222222-2222-4222-8222-222222222222"
cp "$scen/bad-line.ini" "$work/bad.ini"
run "malformed state file refused" 2 "$APMATRIX" --sim="$work/bad.ini" mask apmask -5
if cmp -s "$scen/bad-line.ini" "$work/bad.ini"; then ok "malformed file left untouched"; else not_ok "malformed file left untouched"; fi
printf '[host]\nprofile = 6.13\n[lpar]\nadapters = 0x04:CEX5C\nusage_domains = 0x01\n%0300d\n' 0 >"$work/long.ini"
run "line longer than the parser's buffer" 2 "$APMATRIX" --sim="$work/long.ini" show
expect_grep "long line reported" err "long.ini:6:"

run "leading zero is ambiguous" 2 am assign 8f2a domain 010
expect_err "ambiguous ID explained" <<'T'
apmatrix: assign: '010' is ambiguous: write 10 in decimal or 0xa in hex
Try 'apmatrix --help'.
T
unchanged "ambiguous ID"
run "ID out of range" 2 am config 256 off
expect_grep "range named" err "ID 256 is out of range"
# A long ID is quoted cut with "...", and the sentence still says what is wrong.
run "a 200-digit ID" 2 am config "$(printf '9%.0s' $(seq 200))" off
expect_grep "cut, said, and why" err "ID $(printf '9%.0s' $(seq 44))... is out of range: adapters and domains are 0..255"
run "not a number" 2 am assign 8f2a adapter 0x1g
expect_grep "bad ID named" err "'0x1g' is not an ID"
run "backwards range" 2 am assign 8f2a adapter 0x10-0x08
expect_grep "range named" err "range 0x10-0x08 runs backwards"
run "negative" 2 am assign 8f2a adapter -1
expect_grep "negative ID named" err "'-1' is not an ID (decimal or 0x hex, 0..255)"
run "half a range" 2 am assign 8f2a adapter 5-
expect_grep "half range named" err "'5-' is not an ID range"
run "a prefix without digits" 2 am assign 8f2a adapter 0x-5
expect_grep "whole range named" err "'0x-5' is not an ID range"
run "commas only are a usage error" 2 am assign 8f2a adapter ,,,
expect_grep "no list named" err "',,,' is not a list of IDs"
# Issue 8 and 10: every ID error echoes the text as typed, whatever the command.
run "another negative" 2 am assign 8f2a adapter -5
expect_grep "-5 named" err "assign: '-5' is not an ID (decimal or 0x hex, 0..255)"
run "unassign: a negative ID" 2 am unassign 8f2a domain -1
expect_grep "unassign names it" err "unassign: '-1' is not an ID"
run "config: a negative adapter" 2 am config -1 on
expect_grep "config names it" err "config: '-1' is not an ID"
run "sim lpar: half a range" 2 am sim lpar add adapter 5-
expect_grep "sim lpar names it" err "sim lpar: '5-' is not an ID"
run "an ID with an escape sequence" 2 am assign 8f2a adapter "$(printf '4\033[2J')"
expect_grep "named, escaped" err "'4\x1b[2J' is not an ID"
if grep -q "$(printf '\033')" "$work/err"; then not_ok "no raw ESC in the ID error"; else ok "no raw ESC in the ID error"; fi
unchanged "bad ID lists"
printf '[lpar]\nadapters = 0x04:CEX5C\nusage_domains = 1,010\n' >"$work/octal.ini"
run "state file: a leading zero is ambiguous there too" 2 "$APMATRIX" --sim="$work/octal.ini" show
expect_grep "file, line and text named" err "octal.ini:3: usage_domains: '010' is ambiguous: write 10 in decimal or 0xa in hex"
run "bad UUID" 2 am mdev create 62177883-f1bb-47f0-914d-32a22e3a88zz
expect_grep "UUID named" err "'62177883-f1bb-47f0-914d-32a22e3a88zz' is not a UUID"
run "ambiguous mdev prefix" 2 am mdev remove 6
run "unknown command" 2 am frobnicate
expect_grep "command named" err "unknown command 'frobnicate'"
run "bad option" 2 "$APMATRIX" --bogus show
run "sim and sysfs" 2 "$APMATRIX" --sim="$sim" --sysfs /sys show
run "on/off" 2 am config 5 maybe
expect_grep "on/off named" err "'maybe' is neither on nor off"
run "guest name with a blank" 2 am sim guest-start 8f2a "a b"
run "bad mask is refused, not guessed" 1 am mask aqmask "-4,+"
unchanged "bad mask"
run "sysfs root missing" 1 "$APMATRIX" --sysfs "$work/nothing" show
expect_grep "root named" err "cannot open $work/nothing"
run "help" 0 "$APMATRIX" --help
run "version" 0 "$APMATRIX" --version
done_testing
