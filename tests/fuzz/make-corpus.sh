#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make-corpus.sh - the seed corpora of tests/fuzz/corpus/NAME, made from
# what the tree already holds: the fixtures (tests/fixtures: sysfs trees,
# files mdevctl, chzdev and libvirt wrote), the scenarios, the themes and
# the examples of the seed document (tests/fixtures/seed-examples.txt).
# The output is committed; run it again (from anywhere) when those change.
# Inputs that were findings live beside the seeds as finding-* and are
# never touched here.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
c=$top/tests/fuzz/corpus
fx=$top/tests/fixtures

seed() { # seed NAME FILE-NAME: stdin into corpus NAME
	mkdir -p "$c/$1"
	cat >"$c/$1/seed-$2"
}
clear_seeds() {
	for d in "$@"; do
		mkdir -p "$c/$d"
		find "$c/$d" -name 'seed-*' -type f -exec rm -f {} +
	done
}
clear_seeds mask ids text mdevctl udev-rule libvirt

# mask: a byte that picks the current mask, then a SPEC: every apmask and
# aqmask write of the seed document's examples, and the sysfs fixtures'.
i=0
grep '^w|bus/ap/a[pq]mask|' "$fx/seed-examples.txt" | cut -d'|' -f3 | sort -u |
	while IFS= read -r v; do
		i=$((i + 1))
		printf '\001%b' "$v" | seed mask "example-$i"
	done
for f in "$fx"/sysfs/*/bus/ap/apmask "$fx"/sysfs/*/bus/ap/aqmask; do
	h=$(basename "$(dirname "$(dirname "$(dirname "$f")")")")
	{ printf '\000'; cat "$f"; } | seed mask "$h-$(basename "$f")"
done
for v in '+0x47' '-0-255,+1-16' '-0xf0-0xff' '+010' '0x' '-4,+' 'zz'; do
	i=$((i + 1))
	printf '\002%s' "$v" | seed mask "cli-$i"
done

# ids: two bytes (the parser's flags, the largest ID), then an ID list:
# the operator's lists, well- and ill-formed, and the state file's.
i=0
for v in 4 0xab 0x40-0x4f '4,0xab,0x40-0x4f' 0-255 255 256 010 0x1g -1 5- 0x-5 ',,,' \
	'0x10-0x08' '1,1,1' '0x0-0xff'; do
	i=$((i + 1))
	printf '\001\377%s' "$v" | seed ids "$i"
done
printf '\072\377 4:CEX5C, 5:CEX8P ,' | seed ids state-file
printf '\204\377+010\n' | seed ids kernel

# text: what reaches a terminal: guest names, sysfs text, escapes.
printf 'Guest1' | seed text plain
printf '\000Guest\033[31mred\033[0m' | seed text csi
printf '\001line\nnext\ttab' | seed text newline-tab
printf '\002caf\303\251 \342\202\254 \360\237\230\200' | seed text utf8
printf '\003\302\233 c1 \300\257 overlong \355\240\200 surrogate \377' | seed text invalid
printf '\004a\\x1b stays' | seed text backslash

# mdevctl, udev-rule, libvirt: the files those tools wrote.
for f in "$fx"/mdevctl/*.json; do
	seed mdevctl "$(basename "$f")" <"$f"
done
for f in "$fx"/udev/*.rules; do
	seed udev-rule "$(basename "$f")" <"$f"
done
find "$fx/libvirt" -name '*.xml' | while read -r f; do
	seed libvirt "$(echo "${f#"$fx"/libvirt/}" | tr / -)" <"$f"
done
seed libvirt entities.xml <<'XML'
<?xml version="1.0"?>
<!DOCTYPE domain [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"> ]>
<domain type='kvm'><name>&b;</name><devices>
<hostdev mode='subsystem' type='mdev' model='vfio-ap'><source><address uuid='&a;'/></source></hostdev>
</devices></domain>
XML

