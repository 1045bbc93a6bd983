# SPDX-License-Identifier: GPL-2.0-or-later
# t-seed.sh - the vfio-ap document's walkthrough against apsim with plain
# writes to /sys.
#
# 1. Every example of tests/fixtures/seed-examples.txt (the file the unit
#    tests run against the simulated host) with the same expected answers:
#    one fixture, two hosts.  Its guest_start/guest_stop lines become a
#    fake-qemu attaching the mdev, as QEMU would.
# 2. The walkthrough once per way the document secures the queues (apmask
#    -5,-6; aqmask -4,-0x47,-0xab,-0xff; both absolute masks, whose effect
#    is the union): three mdevs, a guest, hot plug and unplug, refusals.
. "$APM_TOP/tests/vm/lib.sh"

params=
gpid=
guest=

reset() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	gpid=
	guest=
	grep -q '^apsim ' /proc/modules && unload
	load $params || { not_ok "insmod apsim $params"; return 1; }
}

# Read the scenario lines: the [lpar] keys become module parameters.
while IFS= read -r line; do
	case $line in
	"= adapters = "*) params="$params adapters=${line#= adapters = }" ;;
	"= usage_domains = "*) params="$params domains=${line#= usage_domains = }" ;;
	"= control_domains = "*) params="$params control_domains=${line#= control_domains = }" ;;
	esac
done <"$APM_TOP/tests/fixtures/seed-examples.txt"

while IFS='|' read -r op path value ans src; do
	case $op in
	@reset) reset ;;
	w)
		case $path in
		kernel/apsim/guest_start)
			uuid=${value%% *}
			if attach "${value#* }" "$uuid"; then r=OK; gpid=$qpid guest="$value"; else r=ERR; fi
			is "$src" "$ans" "$r"
			;;
		kernel/apsim/guest_stop)
			kill "$gpid" && wait "$gpid" 2>/dev/null
			gpid= guest=
			ok "$src"
			;;
		*) is "$src ($path)" "$ans" "$("$SYSW" -e "$S/$path" "$value")" ;;
		esac
		;;
	r)
		src=$ans
		if [ "$path" = kernel/apsim/guests ]; then
			# The simulated host lists running guests; here: is fake-qemu still there?
			[ -n "$gpid" ] && kill -0 "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
			actual=$([ -n "$gpid" ] && kill -0 "$gpid" 2>/dev/null && echo "$guest")
			is "$src" "$(printf '%b' "$value")" "$actual"
		else
			printf '%b' "$value" >"$W/expected"
			if cmp -s "$W/expected" "$S/$path"; then
				ok "$src"
			else
				is "$src ($path)" "$(rd "$W/expected")" "$(rd "$S/$path" 2>&1)"
			fi
		fi
		;;
	esac
done <<EOF2
$(grep '^[@wr]' "$APM_TOP/tests/fixtures/seed-examples.txt")
EOF2

# 2. The walkthrough, once per way of securing the queues.
# walk WAY [REFUSALS]: the mask writes are done; the rest is the same.  REFUSALS
# are "ERRNO FILE VALUE" triples the way's masks make the kernel refuse.
walk() {
	way=$1
	shift
	for u in $G1 $G2 $G3; do
		answer "$way: create $u" OK $T/create $u
	done
	for a in 5 6; do answer "$way: Guest1 adapter $a" OK $M/$G1/assign_adapter $a; done
	for d in 4 0xab; do answer "$way: Guest1 domain $d" OK $M/$G1/assign_domain $d; done
	answer "$way: Guest1 control domain 0xab" OK $M/$G1/assign_control_domain 0xab
	answer "$way: Guest2 adapter 5" OK $M/$G2/assign_adapter 5
	for d in 0x47 0xff; do answer "$way: Guest2 domain $d" OK $M/$G2/assign_domain $d; done
	answer "$way: Guest3 adapter 6" OK $M/$G3/assign_adapter 6
	for d in 0x47 0xff; do answer "$way: Guest3 domain $d" OK $M/$G3/assign_domain $d; done
	answer "$way: Guest3 adapter 5 is shared" EADDRINUSE $M/$G3/assign_adapter 5
	while [ $# -ge 3 ]; do
		answer "$way: $2 $3" "$1" "$2" "$3"
		shift 3
	done
	attach Guest1 $G1 && ok "$way: Guest1 runs" || not_ok "$way: Guest1 runs"
	is "$way: Guest1's queues in use" "in use" "$(rd $S/devices/ap/card06/06.00ab/status)"
	answer "$way: unplug domain 0xab" OK $M/$G1/unassign_domain 0xab
	is "$way: Guest1 without 0xab" "05.0004 06.0004" "$(rd $M/$G1/guest_matrix)"
	answer "$way: plug it again" OK $M/$G1/assign_domain 0xab
	is "$way: Guest1 with 0xab" "05.0004 05.00ab 06.0004 06.00ab" "$(rd $M/$G1/guest_matrix)"
	kill $qpid
	wait $qpid 2>/dev/null
	is "$way: Guest1 stopped" assigned "$(rd $S/devices/ap/card06/06.00ab/status)"
	for u in $G1 $G2 $G3; do answer "$way: remove $u" OK $M/$u/remove 1; done
}
params="adapters=4:CEX5C,5:CEX5C,6:CEX5A domains=1,4,0x47,0xab,0xff"
reset && answer "apmask -5,-6" OK $S/bus/ap/apmask -5,-6 && walk apmask \
	EADDRNOTAVAIL $M/$G3/assign_adapter 4 EBUSY $S/bus/ap/apmask +5
is "apmask way: adapter 4 stays with the host" cex4queue \
	"$(basename "$(readlink $S/devices/ap/card04/04.0047/driver)")"
reset && answer "aqmask -4,-0x47,-0xab,-0xff" OK $S/bus/ap/aqmask -4,-0x47,-0xab,-0xff && walk aqmask \
	EADDRNOTAVAIL $M/$G3/assign_domain 1 EBUSY $S/bus/ap/aqmask +0x47
is "aqmask way: domain 1 stays with the host" cex4queue \
	"$(basename "$(readlink $S/devices/ap/card05/05.0001/driver)")"
reset &&
	answer "absolute apmask" OK $S/bus/ap/apmask \
		0xf9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff &&
	answer "absolute aqmask" OK $S/bus/ap/aqmask \
		0xf7fffffffffffffffeffffffffffffffffffffffffeffffffffffffffffffffe &&
	walk absolute EADDRINUSE $M/$G2/assign_domain 0xab
is "absolute masks: the union goes to vfio_ap (05.0001 too)" vfio_ap \
	"$(basename "$(readlink $S/devices/ap/card05/05.0001/driver)")"
is "absolute masks: 04.0001 stays" cex4queue \
	"$(basename "$(readlink $S/devices/ap/card04/04.0001/driver)")"
unload && ok "rmmod" || not_ok "rmmod"
done_testing
