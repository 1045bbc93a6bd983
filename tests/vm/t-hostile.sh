# SPDX-License-Identifier: GPL-2.0-or-later
# t-hostile.sh - hostile and concurrent writes never break apsim.
#
# Two writers throw a bounded, seeded run of random values at every
# writable attribute (bus, drivers, cards, queues, mdevs, the control tree)
# while a guest holds one mdev; `remove` of that mdev is left out, since it
# would rightly wait for the guest.  Then the invariants: no APQN in two
# mdevs, every bound queue on the driver its masks give it, guest_matrix a
# subset of matrix; tests/vm/run fails the run on any kernel error.
. "$APM_TOP/tests/vm/lib.sh"
N=${APM_HOSTILE_WRITES:-700}

load control_domains=1,2,4,0x47,0xab,0xff || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "secure domains" OK $S/bus/ap/aqmask -4,-0x47,-0xab,-0xff
for u in $G1 $G2 $G3; do answer "create $u" OK $T/create $u; done
answer "G1 adapter" OK $M/$G1/assign_adapter 5
answer "G1 domain" OK $M/$G1/assign_domain 4
attach Guest1 $G1 && ok "Guest1 runs" || not_ok "Guest1 runs"

# The targets: every writable file, found, not listed by hand.
find $S/bus/ap $S/devices/ap $S/kernel/apsim $M -maxdepth 3 -type f -perm -u=w \
	! -path "$M/$G1/remove" ! -name uevent 2>/dev/null | sort >"$W/files"
is "writable files found" 1 "$([ "$(wc -l <"$W/files")" -gt 40 ] && echo 1)"

gen() { # gen SEED: N lines "FILE<TAB>VALUE"
	awk -v seed="$1" -v n="$N" -v g2="$G2" -v g3="$G3" '
	BEGIN { srand(seed) }
	{ f[nf++] = $0 }
	function hex(len,   s, i) { s = ""; for (i = 0; i < len; i++) s = s substr("0123456789abcdef", int(rand() * 16) + 1, 1); return s }
	function id() { r = rand(); return r < .3 ? int(rand() * 20) : r < .6 ? sprintf("0x%x", int(rand() * 300)) : r < .7 ? "0" int(rand() * 20) : r < .8 ? "-" int(rand() * 5) : int(rand() * 256) }
	function val(   r, v, i) {
		r = int(rand() * 14)
		if (r == 0) return id()
		if (r == 1) return "0x" hex(int(rand() * 70))
		if (r == 2) return (rand() < .5 ? "+" : "-") id() (rand() < .3 ? "-" id() : "")
		if (r == 3) { v = ""; for (i = 0; i < 1 + int(rand() * 6); i++) v = v (i ? "," : "") (rand() < .5 ? "+" : "-") id(); return v }
		if (r == 4) return "0x" hex(64) ",0x" hex(64) ",0x" hex(64)
		if (r == 5) return ""
		if (r == 6) return "garbage " id()
		if (r == 7) { v = ""; for (i = 0; i < 300; i++) v = v "x"; return v }
		if (r == 8) return rand() < .5 ? g2 : g3
		if (r == 9) return id() " " int(rand() * 3)
		if (r == 10) return id() " CEX" (3 + int(rand() * 7)) substr("ACPX", int(rand() * 4) + 1, 1)
		if (r == 11) return sprintf("%02x.%04x", int(rand() * 8), int(rand() * 256))
		if (r == 12) return "card0" int(rand() * 8)
		return int(rand() * 2)
	}
	END { for (i = 0; i < n; i++) printf "%s\t%s\n", f[int(rand() * nf)], val() }' "$W/files"
}

writer() { # writer SEED
	gen "$1" | while IFS='	' read -r f v; do
		"$SYSW" -n "$f" "$v" 2>/dev/null
	done >"$W/answers.$1"
}
writer 1 &
w1=$!
writer 2 &
w2=$!
wait $w1
wait $w2
acc=$(cat "$W"/answers.* | grep -c '^OK$')
is "$((2 * N)) random writes, some accepted ($acc), some refused" 1 \
	"$([ "$acc" -gt 0 ] && [ "$acc" -lt $((2 * N)) ] && echo 1)"
echo "# answers: $(cat "$W"/answers.* | sort | uniq -c | sort -rn | tr '\n' ' ')"

# Invariants.
: >"$W/apqns"
mdevs=0
for d in $M/*-*-*-*-*; do
	[ -f "$d/matrix" ] || continue
	mdevs=$((mdevs + 1))
	cat "$d/matrix" >>"$W/apqns"
	if [ -n "$(grep -vxF -f "$d/matrix" "$d/guest_matrix")" ]; then
		not_ok "guest_matrix of $(basename "$d") within its matrix"
	else
		ok "guest_matrix of $(basename "$d") within its matrix"
	fi
done
# Guest1's mdev cannot go (its remove is left out): a run that left none checked nothing.
is "the storm left mdevs to check ($mdevs)" 1 "$([ "$mdevs" -gt 0 ] && echo 1)"
is "no APQN in two mdevs" "" "$(grep '^[0-9a-f][0-9a-f]\.[0-9a-f]\{4\}$' "$W/apqns" | sort | uniq -d)"
apm=$(rd $S/bus/ap/apmask)
aqm=$(rd $S/bus/ap/aqmask)
bad=0
bound=0
for q in $S/bus/ap/devices/*.*; do
	name=$(basename "$q")
	drv=$(basename "$(readlink "$q/driver" 2>/dev/null)")
	[ -n "$drv" ] || continue
	bound=$((bound + 1))
	a=$((0x${name%.*}))
	d=$((0x${name#*.}))
	abit=$(( (0x$(echo "$apm" | cut -c$((3 + a / 4))) >> (3 - a % 4)) & 1 ))
	dbit=$(( (0x$(echo "$aqm" | cut -c$((3 + d / 4))) >> (3 - d % 4)) & 1 ))
	want=vfio_ap
	[ $((abit & dbit)) -eq 1 ] && want=cex4queue
	[ "$drv" = "$want" ] || { bad=$((bad + 1)); echo "# $name on $drv, masks say $want"; }
done
is "the storm left bound queues to check ($bound)" 1 "$([ "$bound" -gt 0 ] && echo 1)"
is "every bound queue on its masks' driver" 0 "$bad"
kill $qpid
wait $qpid 2>/dev/null
unload && ok "rmmod after the storm" || not_ok "rmmod after the storm"
done_testing
