# SPDX-License-Identifier: GPL-2.0-or-later
# t-conformance.sh - the simulated host and apsim are the same host.
#
# One scenario of apmatrix commands (mask changes, create/remove,
# assign/unassign, ap_config, guest attach/detach, remove while attached,
# config off/on both ways, LPAR add/remove, checkstop, scans) runs against
# the simulated host in a state file and against /sys with apsim loaded.
# After every step the exit codes, the errnos named on stderr and
# `apmatrix show --json --detail` (host.kind aside; zcrypt's serial numbers
# and master-key patterns included) must be identical.
# The starting LPAR is translated into apsim's module parameters by
# `apmatrix sim export --modparams`.
. "$APM_TOP/tests/vm/lib.sh"

st=$W/state.ini
# Both hosts read one persistent configuration (none), not their defaults.
APMATRIX_CONFIG_ROOT=$W/root
export APMATRIX_CONFIG_ROOT
cat >"$st" <<INI
[host]
ap_domain = 1
mk_seed = 5
serial_seed = 9
[lpar]
adapters = 4:CEX5C,5:CEX5C,6:CEX5A
usage_domains = 1,4,0x47,0xab,0xff
control_domains = 1,2,4,0x47,0xab,0xff
INI
params=$("$APMATRIX" --sim="$st" sim export --modparams) && ok "export --modparams: $params" ||
	not_ok "export --modparams"
# The seeds are no LPAR: they go beside the exported parameters.
load $params mk_seed=5 serial_seed=9 || { not_ok "insmod apsim $params"; done_testing; exit 1; }
# The bus also scans every config_time seconds, as on a real machine; the
# simulated host scans only when told.  Push the periodic scan beyond the
# test's minute so that scan-deferred effects show at the same step on both.
answer "config_time 120" OK $S/bus/ap/config_time 120

norm() { # the JSON without host.kind; one queue per line (field order is fixed)
	sed 's/"kind":"[a-z]*",//; s/},{/},\n{/g'
}

compare() { # compare STEP-NAME
	"$APMATRIX" --sim="$st" show --json --detail | norm >"$W/a.json"
	"$APMATRIX" --sysfs /sys show --json --detail | norm >"$W/b.json"
	if ! grep -q '"mdevs"' "$W/a.json" || ! grep -q '"mdevs"' "$W/b.json"; then
		not_ok "$1: both hosts show"
	elif cmp -s "$W/a.json" "$W/b.json"; then
		ok "$1: same host"
	else
		not_ok "$1: same host"
		diff -u "$W/a.json" "$W/b.json" | head -40 | sed 's/^/# /'
	fi
}

# attrs STEP: the raw attributes show --json leaves out, file by file: a
# tree written from the simulated host (sim2tree) against /sys.  Cards'
# depth, ap_functions and zcrypt facts, queues' mkvps and op_modes, the
# bus's bindings (and 6.19's bindings_complete_count, driver_override).
attrs() {
	rm -rf "$W/tree"
	SIM2TREE_QUIET=1 "$B/tests/tools/sim2tree" --sim "$st" "$W/tree" ||
		{ not_ok "$1: sim2tree"; return; }
	(cd "$W/tree" && find devices/ap bus/ap -maxdepth 3 -type f \( -name depth -o \
		-name ap_functions -o -name serialnr -o -name API_ordinalnr -o -name FW_version -o \
		-name op_modes -o -name mkvps -o -name bindings -o -name bindings_complete_count -o \
		-name driver_override \) | sort) >"$W/names"
	bad=
	while read -r f; do
		# (by content: a sysfs file's size is a page, whatever it holds)
		[ "$(cat "$W/tree/$f")" = "$(cat "/sys/$f" 2>&1)" ] || bad="$bad $f"
	done <"$W/names"
	if [ -z "$bad" ] && [ -s "$W/names" ]; then
		ok "$1: the same $(wc -l <"$W/names") raw attributes"
	else
		not_ok "$1: raw attributes differ:$bad"
		for f in $bad; do
			printf '# %s: sim %s, sys %s\n' "$f" "$(tr '\n' ' ' <"$W/tree/$f")" "$(tr '\n' ' ' </sys/$f 2>&1)"
		done | head -20
	fi
}

errnos() { grep -o 'E[A-Z]\{3,\}' "$1" | sort -u | tr '\n' ' '; }

# A config_time write restarts the bus's periodic scan timer (ap_bus.c:
# config_time_store, mod_timer): done before every change, so that no
# periodic scan falls between a change and its comparison however slowly
# the VM runs (under load the whole test takes longer than 120 s, and a
# scan on apsim alone applied "config 5 off" to its queues early).
rearm() { "$SYSW" $S/bus/ap/config_time 120 >/dev/null; }

step() { # step ARGS...: the same apmatrix command on both hosts
	rearm
	"$APMATRIX" --sim="$st" "$@" >/dev/null 2>"$W/a.err"
	ra=$?
	"$APMATRIX" --sysfs /sys "$@" >/dev/null 2>"$W/b.err"
	rb=$?
	is "$*: exit codes" "$ra $(errnos "$W/a.err")" "$rb $(errnos "$W/b.err")"
	[ "$ra" = "$rb" ] || sed 's/^/# sim: /' "$W/a.err"
	[ "$ra" = "$rb" ] || sed 's/^/# sys: /' "$W/b.err"
	compare "$*"
}

guest_start() { # UUID NAME: the simulated QEMU there, fake-qemu here
	rearm
	"$APMATRIX" --sim="$st" sim guest-start "$1" "$2" >/dev/null 2>&1
	attach "$2" "$1" || not_ok "fake-qemu $2: $(cat "$W/fq.err")"
	eval "pid_$2=$qpid"
	compare "guest $2 starts"
}

guest_stop() { # UUID NAME
	rearm
	"$APMATRIX" --sim="$st" sim guest-stop "$1" >/dev/null 2>&1
	eval "p=\$pid_$2"
	kill "$p" && wait "$p" 2>/dev/null
	compare "guest $2 stops"
}

compare "after loading"
attrs "after loading"
step mask aqmask -4,-0x47,-0xab,-0xff
step mask apmask +4
for u in $G1 $G2 $G3; do step mdev create $u; done
step assign $G1 adapter 5,6
step assign $G1 domain 4,0xab
step assign $G1 control-domain 0xab
step assign $G2 adapter 5
step assign $G2 domain 0x47,0xff
step assign $G3 adapter 6
step assign $G3 domain 0x47
step assign $G3 domain 0xff
step assign $G3 adapter 5
step assign $G3 domain 1
step mask aqmask +0x47
guest_start $G1 Guest1
guest_start $G2 Guest2
step assign $G2 adapter 0x0a
step sim lpar add adapter 0x0a CEX5C
step sim lpar add adapter 0x0b CEX7P
step sim lpar add adapter 0x0c CEX8P
attrs "EP11 and CEX8 cards added"
step unassign $G2 domain 0xff
step assign $G2 control-domain 2,0x10
step config 5 off
step rescan
step config 5 on
step rescan
step sim se-config 6 off
step sim se-config 6 on
step sim chkstop 6 on
step sim chkstop 6 off
step sim lpar remove usage-domain 0xab
step sim lpar add usage-domain 0xab
step sim lpar add control-domain 0x10
step unassign $G1 adapter 6
step assign $G1 adapter 6
guest_stop $G1 Guest1
step mdev remove $G2
eval "p=\$pid_Guest2"
wait "$p" 2>/dev/null
compare "Guest2 let go"
step mdev remove $G1
step sim lpar remove adapter 0x0a
step sim lpar remove adapter 0x0b
step sim lpar remove adapter 0x0c
attrs "the added cards gone"
step unassign $G3 domain 0x47,0xff
step mask aqmask +4,+0x47,+0xab,+0xff
step mdev remove $G3
step mask aqmask 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
attrs "at the end"
unload && ok "rmmod" || not_ok "rmmod"

# 6.19: the same host again, with bindings_complete_count counting every
# probe that left all bound and the queues' driver_override.
cat >"$st" <<INI
[host]
profile = 6.19
ap_domain = 1
[lpar]
adapters = 4:CEX8C,5:CEX8P
usage_domains = 1,4
control_domains = 1,4
INI
params=$("$APMATRIX" --sim="$st" sim export --modparams)
is "6.19: export names the generation" 1 "$(echo "$params" | grep -c ' profile=6.19$')"
load $params || { not_ok "insmod apsim $params"; done_testing; exit 1; }
answer "6.19: config_time 120" OK $S/bus/ap/config_time 120
compare "6.19: after loading"
attrs "6.19: after loading"
step mask aqmask -4
step mask apmask -5
attrs "6.19: two re-probe passes"
step mdev create $G1
step assign $G1 adapter 5
step assign $G1 domain 4
step mask apmask +5
step unassign $G1 domain 4
step mask apmask +5
step rescan
attrs "6.19: after a scan"
step mdev remove $G1
unload && ok "rmmod" || not_ok "rmmod"
done_testing
