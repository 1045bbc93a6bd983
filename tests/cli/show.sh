#!/bin/sh
# show.sh - `apmatrix show` as text and as JSON (a contract) on the built-in scenario.
. "$TOP_SRCDIR/tests/cli/lib.sh"
exp=$TOP_SRCDIR/tests/cli/expected

run "show on a new state file" 0 am show
sed "s|$sim|SIM|; s|$work|WORK|g" "$work/out" >"$work/out2" && mv "$work/out2" "$work/out"
expect_out "show text" <"$exp/show-default.txt"

run "show --json" 0 am show --json
sed "s|$work|WORK|g" "$work/out" >"$work/out2" && mv "$work/out2" "$work/out"
expect_out "show --json" <"$exp/show-default.json"
if python3 -m json.tool "$work/out" >/dev/null; then ok "valid JSON"; else not_ok "valid JSON"; fi

run "no command means show" 0 am
expect_grep "header" out "host: SIMULATED"

expect_json "schema" "j['schema']" "1"
expect_json "host kind" "j['host']['kind']" "sim"
expect_json "profile" "j['host']['profile']" "6.13"
expect_json "adapter 4 configured off" "[a['config'] for a in j['adapters'] if a['id']==4][0]" "False"
expect_json "over-provisioned adapter 0x0a listed" "[a['in_lpar'] for a in j['adapters'] if a['id']==10][0]" "False"
expect_json "control-only domain 2" "[(d['usage'],d['control']) for d in j['domains'] if d['id']==2][0]" "(False, True)"
expect_json "cells of the example" \
	"sorted(set(q['cell'] for q in j['queues']))" \
	"['absent', 'assigned', 'free', 'host', 'plugged']"
expect_json "queues sorted" "[q['apqn'] for q in j['queues']] == sorted(q['apqn'] for q in j['queues'])" "True"
expect_json "mdevs sorted" "[m['uuid'] for m in j['mdevs']] == sorted(m['uuid'] for m in j['mdevs'])" "True"
expect_json "Guest2 filtered" "[f['code'] for m in j['mdevs'] if m['guest']=='Guest2' for f in m['filtered']]" \
	"['adapter-not-in-lpar', 'adapter-not-in-lpar']"
expect_json "owner is the mask rule" "[q['owner'] for q in j['queues'] if q['apqn'] in ('05.0001','05.0047')]" "['host', 'vfio']"

run "show --json --detail" 0 am show --json --detail
if python3 -c "import json,sys; q=[q for q in json.load(open(sys.argv[1]))['queues'] if q['apqn']=='05.0047'][0]; assert q['status']=='in use' and q['config'] is True and q['online'] is None" "$work/out"; then
	ok "detail carries status/config/online"
else
	not_ok "detail carries status/config/online"
fi

# Labels: one per mdev in show --json, the same in the text's grid and list.
expect_json "labels" "[(m['label'], m['guest']) for m in j['mdevs']]" \
	"[('V', 'Guest1'), ('Y', None), ('J', 'Guest2')]"

# 64 mdevs (more than single letters): every label distinct, two characters
# where needed, never a glyph or a marker, the grid's columns wide enough.
cp "$TOP_SRCDIR/tests/scenarios/many-mdevs.ini" "$work/many.ini"
run "show, 64 mdevs" 0 "$APMATRIX" --sim="$work/many.ini" show
cp "$work/out" "$work/many.txt"
run "show --json, 64 mdevs" 0 "$APMATRIX" --sim="$work/many.ini" show --json
if python3 - "$work/out" "$work/many.txt" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
labels = [m['label'] for m in j['mdevs']]
assert len(labels) == 64 and len(set(labels)) == 64, labels
for l in labels:
    assert re.fullmatch(r'[AEGJKLMNPQRSTVWYZ][0-9]?', l), l
# The grid: a row per adapter, a 4-wide column per domain; each cell is its mdev's label.
rows = {l[2:4]: l[7:] for l in text if re.match(r'  0[0-3]   ', l)}
for m in j['mdevs']:
    a, d = m['adapters'][0], m['domains'][0]
    cell = rows['%02x' % a][d * 4:d * 4 + 3]
    assert cell.rstrip(' *') == m['label'], (m['uuid'], cell, m['label'])
    assert cell[2] == ('*' if m['guest'] else ' '), cell
    # The mdev list names it with the same label.
    assert '  %-2s %s  ' % (m['label'], m['uuid']) in '\n'.join(text), m['uuid']
assert '#' not in '\n'.join(text)
PY
then ok "64 mdevs: distinct labels, the same in the grid, the list and JSON"; else not_ok "64 mdevs: labels"; fi

# A label never moves when another process creates an mdev: the older
# mdev (its IOMMU group) keeps its letter even when the new one's UUID sorts
# first and hashes to the same letter.
cat >"$work/lab.ini" <<'T'
[lpar]
adapters = 5:CEX8C
usage_domains = 1
[mdev ffffffff-2222-4333-8444-555555555555]
iommu_group = 0
T
saved=$sim
sim=$work/lab.ini
expect_json "the old mdev's letter" "[m['label'] for m in j['mdevs']]" "['W']"
run "another process creates an mdev" 0 am mdev create 00000000-2222-4333-8444-00000000000f
expect_json "the old mdev keeps it; the new one, first by UUID, has the longer label" \
	"[(m['uuid'][:8], m['label']) for m in j['mdevs']]" "[('00000000', 'W6'), ('ffffffff', 'W')]"
sim=$saved

# The host's warnings: the library says them once, for show, show --json
# (`warnings`: code, mdev, APQNs, text) and the console.
cat >"$work/warn.ini" <<'T'
[host]
ap_domain = 1
aqmask = -4,-0x10,-0x11
[lpar]
adapters = 5-7:CEX8C
usage_domains = 1,4,0x10,0x11
control_domains = 1,2,4,0x10,0x11
[adapter 0x06]
chkstop = 1
se_chkstop = 1
[adapter 0x07]
config = 0
se_config = 0
[queue 05.0011]
config = 0
[mdev 11111111-2222-4333-8444-555555555555]
adapters = 5-7
domains = 0x10,0x11
control_domains = 1,4
guest_adapters = 5-7
guest_domains = 0x10,0x11
guest = Guest1
[mdev 22222222-2222-4333-8444-555555555555]
adapters = 5
domains = 4
[mdev 33333333-2222-4333-8444-555555555555]
control_domains = 0x10
T
run "warnings in show" 0 "$APMATRIX" --sim="$work/warn.ini" show
sed -n '/^warnings:/,$p' "$work/out" >"$work/warn.txt"
is "every warning, each APQN named" "warnings:
mdev R: control domain 0x01 is a usage domain of the host (its guest could change the keys of 05.0001 06.0001 07.0001)
mdev R: control domain 0x04 is a usage domain of mdev E
mdev R: Guest1 has adapter 0x06, checkstopped
mdev R: Guest1 has adapter 0x07, configured off
mdev R: Guest1's queue 05.0011 is deconfigured
mdev P: control domain 0x10 is a usage domain of mdev R
mdev P: control domains but no usage domains (ap-check refuses to start it)" "$(cat "$work/warn.txt")"
saved=$sim
sim=$work/warn.ini
expect_json "their codes" "[w['code'] for w in j['warnings']]" \
	"['control-host-usage', 'control-mdev-usage', 'guest-adapter-chkstop', 'guest-adapter-off', 'guest-queue-deconfigured', 'control-mdev-usage', 'control-only']"
expect_json "mdev, other, domain and APQNs" \
	"[(w['mdev'][:2], (w['other'] or '')[:2], w['domain'], w['apqns']) for w in j['warnings']][1]" \
	"('11', '22', 4, ['05.0004'])"
expect_json "a guest's APQNs on the adapter that is off" \
	"[w['apqns'] for w in j['warnings'] if w['code'] == 'guest-adapter-off'][0]" "['07.0010', '07.0011']"
expect_json "the same sentences as show" "'\n'.join(['warnings:'] + [w['text'] for w in j['warnings']])" "$(cat "$work/warn.txt")"
sim=$saved
run "warnings in show --detail" 0 "$APMATRIX" --sim="$work/warn.ini" show --detail
expect_grep "show --detail too" out "mdev R: Guest1's queue 05.0011 is deconfigured"

# A queue's own state where it is not its card's: with --detail in the text
# too (the card's row above cannot show it), as lszcrypt shows it.
cat >"$work/queues.ini" <<'T'
[lpar]
adapters = 5:CEX8C
usage_domains = 1,2,3
[queue 05.0001]
online = 0
[queue 05.0002]
config = 0
T
run "show --detail with queues unlike their card" 0 "$APMATRIX" --sim="$work/queues.ini" show --detail
is "each named with its state" "queues unlike their card:
  05.0001: offline (zcrypt)
  05.0002: deconfigured" "$(sed -n '/^queues unlike/,/^$/p' "$work/out" | sed '/^$/d')"
run "show without --detail reads no queue's own state" 0 "$APMATRIX" --sim="$work/queues.ini" show
expect_no_grep "so it says nothing of it" out "queues unlike their card"

run "show --read-only works" 0 "$APMATRIX" --sim="$sim" --read-only show --json
run "unknown show option" 2 am show --bogus
done_testing
