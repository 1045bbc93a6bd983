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
# Guests whose names cannot be seen (a QEMU without -name holds the group):
# no sentence may leave a gap where the name would go ("its running guest
# would lose", never "guest  would").  Every suggestion and note of the
# changes on this tree, each line after its indentation.
cp -a "$fx/host-613" "$work/noname"
mkdir -p "$work/noname-proc/4242/fd"
ln -s /dev/vfio/0 "$work/noname-proc/4242/fd/7"
printf 'qemu\0-machine\0s390-ccw-virtio\0' >"$work/noname-proc/4242/cmdline"
nn() { APMATRIX_PROC=$work/noname-proc "$APMATRIX" --sysfs "$work/noname" --verbose "$@"; }
: >"$work/noname.txt"
for m in 62177883-f1bb-47f0-914d-32a22e3a8804 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 cef03c3c-903d-4ecc-9a83-40694cb8aee4; do
	for k in adapter domain control-domain; do
		for id in 4 5 6 0x0a 0x47 0xab 0xff; do
			for op in assign unassign; do
				nn $op $m $k $id --dry-run >>"$work/noname.txt" 2>&1
			done
		done
	done
	nn mdev remove $m --dry-run >>"$work/noname.txt" 2>&1
done
for spec in "apmask -5" "apmask 0" "aqmask -1" "aqmask 0" "aqmask +4"; do
	nn mask $spec --dry-run >>"$work/noname.txt" 2>&1
done
nn config 5 off --dry-run >>"$work/noname.txt" 2>&1
expect_grep_file() { if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' not in $2"; show_file "$2"; fi; }
expect_grep_file "unnamed guests: a suggestion that names what the guest gives up" "$work/noname.txt" "(its running guest gives up 05.0047 05.00ff)"
expect_grep_file "unnamed guests: a note of what it would lose" "$work/noname.txt" "its running guest would lose 05.0047"
sed 's/^ *//' "$work/noname.txt" | grep -n '  \| )\|( ' >"$work/gaps"
if [ -s "$work/gaps" ]; then not_ok "unnamed guests: no gap where a name would go"; show_file "$work/gaps"; else ok "unnamed guests: no gap where a name would go ($(wc -l <"$work/noname.txt") lines)"; fi
# An attribute's odd text is quoted in the warning whole, or cut with "...".
cp -a "$fx/host-613" "$work/odd"
chmod -R u+w "$work/odd"
echo "yes-it-is-configured-very-much-so" >"$work/odd/devices/ap/card05/config"
run "an odd config value" 0 "$APMATRIX" --sysfs "$work/odd" --read-only show
expect_grep "quoted, its cut marked" out "devices/ap/card05/config: 'yes-it-is-configured...' is neither 0 nor 1"
# A running guest's queues: one configured off, one whose config is no
# 0 or 1 (read as unknown, as the detail reads it: warned about as odd,
# not as configured off).
cp -a "$fx/host-613" "$work/gq"
chmod -R u+w "$work/gq"
mkdir -p "$work/gq-proc/4242/fd"
ln -s /dev/vfio/0 "$work/gq-proc/4242/fd/7"
printf 'qemu\0-name\0guest=G1\0' >"$work/gq-proc/4242/cmdline"
echo 0 >"$work/gq/devices/ap/card05/05.0047/config"
echo 0x >"$work/gq/devices/ap/card05/05.00ff/config"
run "a running guest's queue configured off" 0 env APMATRIX_PROC="$work/gq-proc" "$APMATRIX" --sysfs "$work/gq" --read-only show
expect_grep "the one configured off, by itself" out "its guest's queue 05.0047 is deconfigured"
is "the odd one not called deconfigured" 0 "$(grep -c '05.00ff.* deconfigured' "$work/out")"
run "the same with the details" 0 env APMATRIX_PROC="$work/gq-proc" "$APMATRIX" --sysfs "$work/gq" --read-only show --detail
expect_grep "the odd one named as odd" out "devices/ap/card05/05.00ff/config: '0x' is neither 0 nor 1; read as unknown"
done_testing
