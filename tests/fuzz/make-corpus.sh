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

# host: the fixture sysfs trees serialised as fuzz-tree.h says ("PATH\0
# CONTENT\0", "@PATH\0TARGET\0" for a link), and, with SIM2TREE=path of a
# built tests/tools/sim2tree, the trees of the scenarios.  Write-only
# files and the attributes no reader of apmatrix opens are left out of the
# seeds (smaller inputs mutate faster); the fuzzer may add any file back.
unread='/(uevent|request_count|requestq_count|pendingq_count|interrupt|load|reset|depth|max_msg_size|modalias|serialnr|drivers_probe|drivers_autoprobe|poll_thread|poll_timeout|scans|config_time|ap_interrupts|remove|create|subsystem|mdev_type|(un)?assign_[a-z_]+)$'
tree() { # tree DIR: the serialised tree on stdout
	(cd "$1" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' |
		grep -Ev "$unread|/0[0-9a-f]\.[0-9a-f]{4}/ap_functions$" | LC_ALL=C sort |
		while IFS= read -r p; do
			if [ -L "$p" ]; then
				printf '@%s\000%s\000' "$p" "$(readlink "$p")"
			else
				printf '%s\000' "$p"
				cat "$p"
				printf '\000'
			fi
		done)
}
clear_seeds host
for d in "$fx"/sysfs/*/; do
	tree "$d" | seed host "$(basename "$d")"
done
if [ -n "${SIM2TREE:-}" ]; then
	scratch=$(mktemp -d)
	for s in "$top"/tests/scenarios/every-cell.ini "$top"/tests/scenarios/static.ini \
		"$top"/tests/scenarios/override-619.ini; do
		n=$(basename "$s" .ini)
		cp "$s" "$scratch/$n.ini"
		"$SIM2TREE" --sim "$scratch/$n.ini" "$scratch/$n" >/dev/null
		tree "$scratch/$n" | seed host "scenario-$n"
	done
	rm -rf "$scratch"
fi

# The sysfs readers, one attribute each (fuzz-sysfs.h: the rest of the host
# is the base tree): the fixtures' own files.  bus-masks, card and queue
# take a first byte that picks the file (see their harnesses).
clear_seeds matrix guest-matrix ap-config control-domains bus-masks card queue
for d in "$fx"/sysfs/*/devices/vfio_ap/matrix/*-*-*-*-*/; do
	u=$(basename "$d")
	for a in matrix guest_matrix ap_config control_domains; do
		[ -f "$d/$a" ] || continue
		seed "$(echo "$a" | tr _ -)" "$u" <"$d/$a"
	done
done
# picked NAME UP PATTERN ATTR...: the fixtures' files sysfs/PATTERN/ATTR
# into corpus NAME, each after the byte that picks it (ATTR's place in the
# list), named after the directory UP levels above the file and ATTR.
picked() {
	name=$1 up=$2 pattern=$3
	shift 3
	i=0
	for a in "$@"; do
		for f in "$fx"/sysfs/$pattern/"$a"; do
			[ -f "$f" ] || continue
			d=$f n=0
			while [ $n -lt "$up" ]; do
				d=$(dirname "$d") n=$((n + 1))
			done
			{ printf "\\$(printf '%03o' "$i")"; cat "$f"; } | seed "$name" "$(basename "$d")-$a"
		done
		i=$((i + 1))
	done
}
picked bus-masks 3 '*/bus/ap' apmask aqmask ap_adapter_mask ap_usage_domain_mask \
	ap_control_domain_mask
picked card 1 '*/devices/ap/card0[46]' hwtype raw_hwtype type ap_functions config chkstop online
picked queue 1 '*/devices/ap/card05/05.00[04][147]' status config chkstop online se_bind \
	se_associate driver_override
printf '\006vfio_ap\n' | seed queue driver-override
printf '\004\n' | seed queue se-bind-empty

# state: the scenarios as written by hand, the seed document's scenario,
# and, with APMATRIX=path of a built apmatrix, the files apmatrix writes
# (header, every section, end marker) for the built-in scenario and each
# scenario after a change.
clear_seeds state
for s in "$top"/tests/scenarios/*.ini; do
	seed state "$(basename "$s")" <"$s"
done
sed -n 's/^= //p' "$fx/seed-examples.txt" | seed state seed-document.ini
if [ -n "${APMATRIX:-}" ]; then
	scratch=$(mktemp -d)
	"$APMATRIX" --sim="$scratch/builtin.ini" mask apmask -0x06 >/dev/null 2>&1 || true
	[ -f "$scratch/builtin.ini" ] && seed state written-builtin.ini <"$scratch/builtin.ini"
	for s in every-cell static override-619; do
		cp "$top/tests/scenarios/$s.ini" "$scratch/$s.ini"
		"$APMATRIX" --sim="$scratch/$s.ini" sim scan >/dev/null 2>&1 || true
		seed state "written-$s.ini" <"$scratch/$s.ini"
	done
	rm -rf "$scratch"
fi

# uevent: the kernel's netlink messages ("ACTION@DEVPATH\0" then KEY=VALUE
# records) for the AP bus's events (ap_bus.c: ap_send_mask_changed_uevent,
# ap_send_bindings_complete_uevent, ap_uevent; vfio_ap's mdevs).
clear_seeds uevent
ff=0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
printf 'change@/devices/ap\0ACTION=change\0DEVPATH=/devices/ap\0SUBSYSTEM=ap\0APMASK=%s\n\0SEQNUM=4242\0' "$ff" |
	seed uevent apmask
printf 'change@/devices/ap\0ACTION=change\0DEVPATH=/devices/ap\0SUBSYSTEM=ap\0BINDINGS=complete\0COMPLETECOUNT=1\0SEQNUM=7\0' |
	seed uevent bindings
printf 'bind@/devices/ap/card05\0ACTION=bind\0DEVPATH=/devices/ap/card05\0SUBSYSTEM=ap\0DEVTYPE=ap_card\0DEV_TYPE=000B\0MODALIAS=ap:t0B\0MODE=cca\0DRIVER=cex4card\0SEQNUM=8\0' |
	seed uevent card-bind
printf 'add@/devices/ap/card05/05.0047\0ACTION=add\0DEVPATH=/devices/ap/card05/05.0047\0SUBSYSTEM=ap\0DEVTYPE=ap_queue\0MODE=cca\0SEQNUM=9\0' |
	seed uevent queue-add
printf 'add@/devices/vfio_ap/matrix/62177883-f1bb-47f0-914d-32a22e3a8804\0ACTION=add\0DEVPATH=/devices/vfio_ap/matrix/62177883-f1bb-47f0-914d-32a22e3a8804\0SUBSYSTEM=mdev\0MDEV_TYPE=vfio_ap-passthrough\0SEQNUM=10\0' |
	seed uevent mdev-add

# theme: a byte that picks monochrome, then a theme file: the installed
# themes, and one with every kind of bad line the loader names.
clear_seeds theme
for f in "$top"/themes/*.ini; do
	{ printf '\000'; cat "$f"; } | seed theme "$(basename "$f")"
done
{ printf '\001'; cat "$top/themes/default.ini"; } | seed theme default-mono.ini
printf '\000[roles]\ncell_free = greenish, default\nno_such_role = red\ncursor = black, white, blinking\nthis line is not a setting\n[roles\ncell_host = purple, default\n  , bold\n[other]\nx = 1\n' |
	seed theme bad-lines.ini

# config: config.ini as the manual and the screen tests write it.
clear_seeds config
printf '[ui]\ntheme = mono\ninterval = 2000\n[keys]\nassign-adapter = x\ntoggle-apmask = F5\nremove-mdev = nokey\nquit = ^Q\nhelp = PgDn\n' |
	seed config example.ini
printf '[ui]\ninterval = 50\ntheme = ./themes/light.ini\n[keys]\nno-such-action = x\nup = F13\n[other]\nx = 1\n' |
	seed config bad-lines.ini

# journal: journals apmatrix writes (with APMATRIX): a mask change, an mdev
# created and given a matrix, a configuration change, an undo (which drops
# its entry), and the many entries of them all; then a journal cut short,
# of another version, and an entry out of order.
clear_seeds journal
if [ -n "${APMATRIX:-}" ]; then
	scratch=$(mktemp -d)
	G=62177883-f1bb-47f0-914d-32a22e3a8804
	h=$scratch/h.ini
	cp "$top/tests/scenarios/every-cell.ini" "$h"
	am() { "$APMATRIX" --sim="$h" "$@" >/dev/null 2>&1 || true; }
	am mask apmask -0x06
	seed journal mask.json <"$h.journal"
	am mdev create $G
	am assign $G adapter 4
	am assign $G domain 0x47
	seed journal mdev.json <"$h.journal"
	am config 5 off
	am persist $G
	seed journal config-persist.json <"$h.journal"
	am undo
	am mask aqmask -1
	am mdev remove $G
	seed journal undo-remove.json <"$h.journal"
	f=$h.journal
	head -c "$(($(wc -c <"$f") / 2))" "$f" | seed journal cut-short.json
	sed 's/"apmatrix-journal":1/"apmatrix-journal":2/' "$f" | seed journal version-2.json
	sed 's/"seq":1,/"seq":9,/' "$f" | seed journal out-of-order.json
	rm -rf "$scratch"
fi
printf '{"apmatrix-journal":1,"next":1,"entries":[]}' | seed journal empty.json

# restore: a restore file written with the keys read (with APMATRIX): the
# unplug of every-cell's running guest, given the EP11 adapter 6 first,
# lends its queues to zcrypt and records their master-key patterns
# (core/keyprobe.c): AES, APKA and ASYM registers of the CCA 05.0004, WK of
# the EP11 06.0004, none of the absent 0a.0004 - what a simulated host's
# vfio_ap queues never show.  The other restore seeds were written by hand
# and stay as they are.
if [ -n "${APMATRIX:-}" ]; then
	scratch=$(mktemp -d)
	M=0b1f0c52-7c1a-4a55-8d9a-3e2f6c7d8e90
	h=$scratch/h.ini
	cp "$top/tests/scenarios/every-cell.ini" "$h"
	"$APMATRIX" --sim="$h" assign $M adapter 6 >/dev/null
	"$APMATRIX" --sim="$h" unplug $M --save "$scratch/restore.json" >/dev/null
	seed restore keys-read.json <"$scratch/restore.json"
	rm -rf "$scratch"
fi
