#!/bin/sh
# fixtures.sh - the same CLI on a real-filesystem tree: the committed 6.13
# fixture must read exactly as the simulated host it was taken from.
. "$TOP_SRCDIR/tests/cli/lib.sh"
fx=$FIXTURES/sysfs

run "sim JSON" 0 am show --json
mv "$work/out" "$work/sim.json"
run "fixture JSON" 0 "$APMATRIX" --sysfs "$fx/host-613" --read-only show --json
norm='import json,sys
j=json.load(open(sys.argv[1]))
j["host"]["kind"]=None
for m in j["mdevs"]:
    m["guest"]=None
print(json.dumps(j,sort_keys=True,indent=1))'
python3 -c "$norm" "$work/sim.json" >"$work/a"
python3 -c "$norm" "$work/out" >"$work/b"
if diff -u "$work/a" "$work/b" >"$work/diff"; then ok "sysfs tree reads as the sim (kind and guest names aside)"; else not_ok "sysfs tree differs"; show_file "$work/diff"; fi
run "static host" 0 "$APMATRIX" --sysfs "$fx/host-static" show
expect_grep "profile detected from attributes" out "kernel profile 4.20, max adapter 0x3f, max domain 0x0f"
run "no vfio_ap" 0 "$APMATRIX" --sysfs "$fx/no-vfio" show
expect_grep "vfio_ap not loaded said" out "vfio_ap NOT loaded"
expect_grep "unbound cells" out " u"
run "read-only on a real tree" 1 "$APMATRIX" --sysfs "$fx/host-613" --read-only mask apmask -5
# An EP11 card's API_ordinalnr ("%u\n"): a number when its text is one, else null.
cp -r "$fx/no-vfio" "$work/ordinal"
run "API_ordinalnr 7" 0 "$APMATRIX" --sysfs "$work/ordinal" --read-only show --json --detail
ordinal() { python3 -c "import json,sys; print([a['api_ordinalnr'] for a in json.load(open(sys.argv[1]))['adapters'] if a['id']==1][0])" "$work/out"; }
is "API_ordinalnr 7 is 7" 7 "$(ordinal)"
for t in 7abc -1 99999999999999999999 ''; do
	printf '%s\n' "$t" >"$work/ordinal/devices/ap/card01/API_ordinalnr"
	run "API_ordinalnr '$t'" 0 "$APMATRIX" --sysfs "$work/ordinal" --read-only show --json --detail
	is "API_ordinalnr '$t' is null" None "$(ordinal)"
done
run "every-cell scenario" 0 "$APMATRIX" --sim="$TOP_SRCDIR/tests/scenarios/every-cell.ini" --read-only show --json
if python3 -c "import json,sys; c=set(q['cell'] for q in json.load(open(sys.argv[1]))['queues']); assert c=={'host','free','unbound','assigned','plugged','filtered','absent','conflict'}, c" "$work/out"; then ok "every cell class appears"; else not_ok "every cell class appears"; fi
done_testing
