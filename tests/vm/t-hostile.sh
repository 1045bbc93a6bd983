# SPDX-License-Identifier: GPL-2.0-or-later
# t-hostile.sh - hostile and concurrent writes never break apsim.
#
# Two writers throw a seeded run of random values at every writable
# attribute (bus, drivers, cards, queues, mdevs, the control tree) while a
# guest holds one mdev (whose `remove` is left out: it would rightly take
# that guest away), and a second process churns: mask writes, mdev create
# and remove, assignments, guests attaching and detaching (fake-qemu, which
# lets go when a remove asks it to).  Then, with everything quiet, the
# invariants: no APQN in two mdevs, every bound queue on the driver its
# masks give it, guest_matrix a subset of matrix; tests/vm/run fails the
# run on any kernel error (WARN, BUG, Oops, lockup, stall, blocked task).
#
# Each writer makes rounds of APM_HOSTILE_WRITES (default 700) writes until
# the churn has made its APM_HOSTILE_CHURN (default 40) ops; the seeds start
# at APM_HOSTILE_SEED (default 1).  `make hostile-vm` runs at least 2 x 50000
# writes (10^5) beside 300 churn ops.
. "$APM_TOP/tests/vm/lib.sh"
N=${APM_HOSTILE_WRITES:-700}
SEED=${APM_HOSTILE_SEED:-1}
C=${APM_HOSTILE_CHURN:-40}
P1=0b7c3c41-9d2e-4a57-8f06-1c2d3e4f5a61
P2=0b7c3c41-9d2e-4a57-8f06-1c2d3e4f5a62
now() { cut -d' ' -f1 /proc/uptime; }

load control_domains=1,2,4,0x47,0xab,0xff || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "secure domains" OK $S/bus/ap/aqmask -4,-0x47,-0xab,-0xff
for u in $G1 $G2 $G3 $P1 $P2; do answer "create $u" OK $T/create $u; done
answer "G1 adapter" OK $M/$G1/assign_adapter 5
answer "G1 domain" OK $M/$G1/assign_domain 4
attach Guest1 $G1 && ok "Guest1 runs" || not_ok "Guest1 runs"

# The targets: every writable file, found, not listed by hand.
find $S/bus/ap $S/devices/ap $S/kernel/apsim $M -maxdepth 3 -type f -perm -u=w \
	! -path "$M/$G1/remove" ! -name uevent 2>/dev/null | sort >"$W/files"
is "writable files found" 1 "$([ "$(wc -l <"$W/files")" -gt 40 ] && echo 1)"

gen() { # gen SEED: N lines "FILE<TAB>VALUE"
	awk -v seed="$1" -v n="$N" -v g2="$G2" -v g3="$G3" -v pool="$G2 $G3 $P1 $P2" '
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
	# Half the writes to `create` bring back a pool mdev the writes to the
	# `remove` files take away: otherwise most writes would meet ENOENT.
	END {
		np = split(pool, P, " ")
		for (i = 0; i < n; i++) {
			t = f[int(rand() * nf)]
			printf "%s\t%s\n", t, t ~ /\/create$/ && rand() < .5 ? P[1 + int(rand() * np)] : val()
		}
	}' "$W/files"
}

# writer SEED: rounds of N writes (one sysw process each, seeds SEED*1000+r)
# until the churn is done, so the two always overlap; N writes at least.
writer() {
	r=0
	: >"$W/answers.$1"
	while [ $r -eq 0 ] || [ ! -f "$W/churned" ]; do
		gen $(($1 * 1000 + r)) | "$SYSW" -b -n >>"$W/answers.$1" 2>>"$W/writer.err"
		r=$((r + 1))
	done
}

# The churn: a seeded op list, run until the writers are done.
churn_ops() {
	awk -v seed="$1" -v u="$G2 $G3 $P1 $P2" 'BEGIN {
		srand(seed); nu = split(u, U, " "); na = split("4 5 6 0x0a", A, " ")
		nd = split("1 4 0x47 0xab 0xff 2", D, " ")
		for (i = 0; i < 1000000; i++) {
			r = int(rand() * 8); x = U[1 + int(rand() * nu)]
			if (r == 0) print "mask", (rand() < .5 ? "apmask" : "aqmask"), (rand() < .5 ? "+" : "-") (rand() < .5 ? A[1 + int(rand() * na)] : D[1 + int(rand() * nd)])
			else if (r == 1) print "create", x
			else if (r == 2) print "remove", x
			else if (r == 3) print "assign", x, (rand() < .5 ? "adapter " A[1 + int(rand() * na)] : "domain " D[1 + int(rand() * nd)])
			else if (r == 4) print "unassign", x, (rand() < .5 ? "adapter " A[1 + int(rand() * na)] : "domain " D[1 + int(rand() * nd)])
			else if (r <= 6) print "attach", x
			else print "detach"
		}
	}'
}
churn() { # churn SEED: the second process, C ops; logs each op's answer
	churn_ops "$1" | head -n "$C" | {
		gpid=
		while read -r op a b c; do
			case $op in
			mask) r=$("$SYSW" $S/bus/ap/$a "$b") ;;
			create) r=$("$SYSW" $T/create "$a") ;;
			remove) r=$("$SYSW" $M/"$a"/remove 1) ;;
			assign | unassign) r=$("$SYSW" $M/"$a"/${op}_$b "$c") ;;
			attach)
				if [ -n "$gpid" ] && kill -0 "$gpid" 2>/dev/null; then
					r=busy
				else
					"$FAKEQEMU" -name guest=churn -device "vfio-ap,sysfsdev=$S/bus/mdev/devices/$a" \
						>/dev/null 2>&1 &
					gpid=$!
					r=started
				fi ;;
			detach)
				if [ -n "$gpid" ]; then
					kill "$gpid" 2>/dev/null
					wait "$gpid" 2>/dev/null
					gpid=
				fi
				r=done ;;
			esac
			echo "$op $r"
		done
		# The churn's own guest leaves before the writers are told to stop (in
		# this subshell: the pipeline's, where gpid lives).
		if [ -n "$gpid" ]; then
			kill "$gpid" 2>/dev/null
			wait "$gpid" 2>/dev/null
		fi
	} >"$W/churn"
	touch "$W/churned"
}

rm -f "$W/churned"
t0=$(now)
churn $((SEED + 2)) &
c=$!
writer "$SEED" &
w1=$!
writer $((SEED + 1)) &
w2=$!
wait $c
wait $w1
wait $w2
secs=$(echo "$(now) $t0" | awk '{printf "%.1f", $1 - $2}')
cat "$W"/answers.$SEED "$W"/answers.$((SEED + 1)) >"$W/answers"
acc=$(grep -c '^OK$' "$W/answers")
total=$(wc -l <"$W/answers")
is "at least $((2 * N)) random writes answered ($total)" 1 "$([ "$total" -ge $((2 * N)) ] && echo 1)"
is "some accepted ($acc), some refused" 1 \
	"$([ "$acc" -gt 0 ] && [ "$acc" -lt "$total" ] && echo 1)"
is "the churn made its $C ops beside them" "$C" "$(wc -l <"$W/churn")"
echo "# $total writes in $secs s ($(echo "$total $secs" | awk '{printf "%.0f", $1 / $2}')/s), seeds from $SEED, churn seed $((SEED + 2))"
echo "# answers: $(sort "$W/answers" | uniq -c | sort -rn | tr '\n' ' ')"
echo "# churn: $(wc -l <"$W/churn") ops: $(sort "$W/churn" | uniq -c | sort -rn | tr '\n' ' ')"

# Invariants, with everything quiet.  The matrices come from ap_config
# (three whole masks): a matrix of more than 512 APQNs does not fit the page
# `matrix` is read into.
python3 - $M >"$W/inv" 2>&1 <<'PY'
import glob, os, sys
def bits(h):
    v = int(h, 16)
    return {i for i in range(256) if v >> (255 - i) & 1}
mdevs = {}
for d in sorted(glob.glob(sys.argv[1] + "/*-*-*-*-*")):
    try:
        apm, aqm, _ = open(d + "/ap_config").read().strip().split(",")
        guest = open(d + "/guest_matrix").read().split()
    except OSError:
        continue
    u = os.path.basename(d)
    mdevs[u] = (bits(apm), bits(aqm))
    out = [g for g in guest if "." in g and g[0] != "." and g[-1] != "." and
           (int(g[:2], 16) not in mdevs[u][0] or int(g[3:], 16) not in mdevs[u][1])]
    print("guest_matrix of %s within its matrix: %s" % (u, "ok" if not out else "no: " + " ".join(out[:8])))
shared = []
us = sorted(mdevs)
for i, u in enumerate(us):
    for v in us[i + 1:]:
        a = mdevs[u][0] & mdevs[v][0]
        q = mdevs[u][1] & mdevs[v][1]
        if a and q:
            shared.append("%s and %s share %02x.%04x" % (u, v, min(a), min(q)))
# Guest1's mdev cannot go (its remove is left out): a run that left none checked nothing.
print("the storm left mdevs to check (%d): %s" % (len(mdevs), "ok" if mdevs else "no"))
print("no APQN in two mdevs: " + ("ok" if not shared else "no: " + "; ".join(shared)))
# The probe gate: a queue is cex4queue's when both mask bits give it to the host.
bus = "/sys/bus/ap"
apm = bits(open(bus + "/apmask").read().strip())
aqm = bits(open(bus + "/aqmask").read().strip())
wrong = []
bound = 0
queues = glob.glob(bus + "/devices/*.*")
for q in queues:
    if not os.path.exists(q + "/driver"):
        continue
    bound += 1
    drv = os.path.basename(os.readlink(q + "/driver"))
    a, d = (int(x, 16) for x in os.path.basename(q).split("."))
    want = "cex4queue" if a in apm and d in aqm else "vfio_ap"
    if drv != want:
        wrong.append("%s on %s, masks say %s" % (os.path.basename(q), drv, want))
print("the storm left bound queues to check (%d of %d): %s" % (bound, len(queues), "ok" if bound else "no"))
print("every bound queue on its masks' driver: %s" % ("ok" if not wrong else "no: " + "; ".join(wrong[:8])))
PY
while read -r line; do
	case $line in
	*": ok") ok "${line%: ok}" ;;
	*) not_ok "$line" ;;
	esac
done <"$W/inv"
kill $qpid
wait $qpid 2>/dev/null
unload && ok "rmmod after the storm" || not_ok "rmmod after the storm"
done_testing
