#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# migrate.sh - `make bench`, guided migration: unplug a running guest with
# 16 adapters x 85 domains (1360 APQNs) on one simulated host and replug
# it on another, with ap_config (6.13: one write each way) and without it
# (6.0: a write per ID, in the order that empties and fills the guest in
# the fewest writes).  Prints the writes each command made (the matrix
# writes, and the mask writes that lend the free queues to zcrypt to read
# their master keys) and the wall time of each command.
set -eu
b=${1:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
G=62177883-f1bb-47f0-914d-32a22e3a8804

host() { # FILE PROFILE LAST-DOMAIN [mdev]
	{
		printf '[host]\nprofile = %s\naqmask = -0x01-%s\n' "$2" "$3"
		printf '[lpar]\nadapters = 0x10-0x1f:CEX8C\nusage_domains = 0x01-%s\ncontrol_domains = 0x01-0x56\n' "$3"
		[ -z "${4:-}" ] || printf '[mdev %s]\nadapters = 0x10-0x1f\ndomains = 0x01-%s\ncontrol_domains = 0x56\nguest = big\n' $G "$3"
	} >"$1"
}

now() { date +%s.%N; }
took() { echo "$(now) - $1" | bc; }

# writes OUTPUT: the matrix writes ("N writes:") and the lent masks ("wrote ...mask").
writes() {
	m=$(sed -n 's/^  \([0-9]*\) writes\{0,1\}:.*/\1/p' "$1" | head -1)
	l=$(grep -c 'wrote a[pq]mask' "$1" || true)
	echo "${m:-0} matrix, $l mask"
}

# Before ap_config the kernel shows an mdev's matrix in one 4 KiB page:
# 16 x 31 APQNs are the most it can show whole (apmatrix refuses to record
# a matrix it cannot read whole), so 6.0 runs with 31 domains.
for case in 6.13:0x55:85 6.0:0x1f:31; do
	prof=${case%%:*} last=${case#*:} nd=${last#*:} last=${last%:*}
	host "$work/src.ini" $prof $last mdev
	host "$work/tgt.ini" $prof $last
	rm -f "$work/r.json"
	t=$(now)
	"$b/apmatrix" --sim="$work/src.ini" unplug $G --save "$work/r.json" >"$work/u.out"
	tu=$(took "$t")
	"$b/apmatrix" --sim="$work/src.ini" sim guest-detach $G >/dev/null
	t=$(now)
	"$b/apmatrix" --sim="$work/tgt.ini" replug --check --from "$work/r.json" >"$work/c.out"
	tc=$(took "$t")
	t=$(now)
	"$b/apmatrix" --sim="$work/tgt.ini" replug --from "$work/r.json" --create >"$work/p.out"
	tp=$(took "$t")
	grep -q "$((16 * nd)) can be plugged with the same keys, 0 refused" "$work/c.out" ||
		{ echo "migrate: the check did not pass:"; cat "$work/c.out"; exit 1; }
	grep -q "guest_matrix of mdev $G is as recorded" "$work/p.out" ||
		{ echo "migrate: the replug did not verify:"; cat "$work/p.out"; exit 1; }
	printf 'migrate %-4s 16 x %s: unplug %5.2f s (%s writes)  check %5.2f s (%s writes)  replug %5.2f s (%s writes)  restore file %s bytes\n' \
		$prof $nd "$tu" "$(writes "$work/u.out")" "$tc" "$(writes "$work/c.out")" "$tp" "$(writes "$work/p.out")" \
		"$(wc -c <"$work/r.json")"
done
