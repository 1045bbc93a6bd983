#!/bin/sh
# concurrency.sh - two CLI processes changing one state file at once lose
# nothing: every write runs under the file's flock and replaces it atomically.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

run "create the state" 0 am show
worker() {
	for d in $2; do
		"$APMATRIX" --sim="$sim" assign "$1" control-domain "$d" >/dev/null 2>&1 || echo "fail $1 $d"
	done >"$work/$1.log"
}
worker $G1 "0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18 0x19 0x1a 0x1b 0x1c 0x1d 0x1e 0x1f" &
worker $G3 "0x20 0x21 0x22 0x23 0x24 0x25 0x26 0x27 0x28 0x29 0x2a 0x2b 0x2c 0x2d 0x2e 0x2f" &
wait
if [ ! -s "$work/$G1.log" ] && [ ! -s "$work/$G3.log" ]; then ok "every write succeeded"; else not_ok "writes failed"; cat "$work"/*.log | show_file /dev/stdin; fi
expect_json "first process: all 16 kept" "len([d for m in j['mdevs'] if m['uuid']=='$G1' for d in m['control_domains'] if 16<=d<32])" "16"
expect_json "second process: all 16 kept" "len([d for m in j['mdevs'] if m['uuid']=='$G3' for d in m['control_domains'] if 32<=d<48])" "16"
done_testing
