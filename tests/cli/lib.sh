# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - TAP helpers for the CLI tests: each test script sources this,
# runs the real apmatrix binary on a private simulated host and compares
# exit codes, stdout and stderr with what an operator must see.
set -u
: "${APMATRIX:?APMATRIX must name the apmatrix binary}"
: "${TOP_SRCDIR:?}"
: "${FIXTURES:=$TOP_SRCDIR/tests/fixtures}" # the fixture trees (make check copies them)
. "$TOP_SRCDIR/tests/lib/libvirt.sh"
n=0
failed=0
work=$(mktemp -d)
# KEEP=1 keeps the work directory (named on stderr) for a look after a failure.
trap '[ -n "${KEEP:-}" ] && echo "# kept $work" >&2 || rm -rf "$work"' EXIT
sim="$work/host.ini"
export LC_ALL=C
# The persistent configuration (mdevctl, 41-ap.rules, libvirt) of every
# host the tests make lives here, never in this machine's /etc.
APMATRIX_CONFIG_ROOT=$work/root
export APMATRIX_CONFIG_ROOT
# Nor does a test log to this machine's syslog or journal its changes in
# its /run (the suite may run as root): audit.sh and undo.sh say otherwise.
APMATRIX_SYSLOG=
APMATRIX_JOURNAL=$work/run/apmatrix/journal
export APMATRIX_SYSLOG APMATRIX_JOURNAL

am() { "$APMATRIX" --sim="$sim" "$@"; }

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
show_file() { sed 's/^/#   /' "$1"; }

# run NAME WANT_RC CMD...: run, keep stdout/stderr for the checks that follow.
run() {
	name=$1 want=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name (exit $rc)"
	else
		not_ok "$name: exit $rc, want $want"
		show_file "$work/out"
		show_file "$work/err"
	fi
}

# expect_out NAME < expected: stdout of the last run, exactly.
expect_out() {
	cat >"$work/want"
	if diff -u "$work/want" "$work/out" >"$work/diff"; then ok "$1"; else not_ok "$1"; show_file "$work/diff"; fi
}

expect_err() {
	cat >"$work/want"
	if diff -u "$work/want" "$work/err" >"$work/diff"; then ok "$1"; else not_ok "$1"; show_file "$work/diff"; fi
}

# expect_grep NAME out|err FIXED-STRING: the text appears in stdout/stderr.
expect_grep() {
	if grep -qF -- "$3" "$work/$2"; then ok "$1"; else not_ok "$1: '$3' not in $2"; show_file "$work/$2"; fi
}

expect_no_grep() {
	if grep -qF -- "$3" "$work/$2"; then not_ok "$1: '$3' in $2"; show_file "$work/$2"; else ok "$1"; fi
}

# is NAME WANT GOT
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$3', want '$2'"; fi; }

# json EXPR: evaluate a python expression on the JSON of `show --json` (j).
json() {
	am show --json >"$work/json" 2>/dev/null
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$work/json"
}

expect_json() {
	got=$(json "$2")
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1: $2 = $got, want $3"; fi
}

# domstatus FILE NAME UUID [ELEMENT]: libvirt's status file of running
# domain NAME with mdev UUID as its vfio-ap hostdev (ELEMENT: more XML
# under <domain>, e.g. <launchSecurity type='s390-pv'/>).
domstatus() {
	libvirt_status "$1" "$2" "$3" 4242 "${4:-}"
}

# The two hosts of the migration tests (migrate.sh, tests/tui): one LPAR,
# adapters 5-7 (CEX7C, CEX7C, CEX7A), usage domains 1, 4 and 0x47, control
# domains those and 0x50, with 4 and 0x47 taken from the zcrypt drivers.
# mig_host FILE NAME [EXTRA] [ADAPTERS]: that host named NAME, EXTRA (INI
# sections) after it, ADAPTERS in place of the LPAR's adapters.
mig_host() {
	printf '[host]\nname = %s\naqmask = -4,-0x47\n[lpar]\nadapters = %s\nusage_domains = 0x01,0x04,0x47\ncontrol_domains = 0x01,0x04,0x47,0x50\n%s\n' \
		"$2" "${4:-0x05:CEX7C,0x06:CEX7C,0x07:CEX7A}" "${3:-}" >"$1"
}

# mig_source FILE: the source, hostA, its guest dom1 running on mdev
# 62177883-f1bb-47f0-914d-32a22e3a8804 (adapters 5-7, domains 4 and 0x47,
# control domain 0x50).
mig_source() {
	mig_host "$1" hostA "[mdev 62177883-f1bb-47f0-914d-32a22e3a8804]
adapters = 5-7
domains = 4,0x47
control_domains = 0x50
guest = dom1"
}

# sim_virsh DIR [DELAY]: DIR/virsh plays libvirt on the simulated host in
# $VIRSH_SIM, after DELAY seconds: detach-device and attach-device of an
# mdev hostdev do what QEMU's device_del and device_add do.
sim_virsh() {
	mkdir -p "$1"
	cat >"$1/virsh" <<SH
#!/bin/sh
sleep ${2:-0}
uuid=\$(sed -n "s/.*uuid='\\([^']*\\)'.*/\\1/p" "\$3")
case \$1 in
detach-device) "\$APMATRIX" --sim="\$VIRSH_SIM" sim guest-detach "\$uuid" ;;
attach-device) "\$APMATRIX" --sim="\$VIRSH_SIM" sim guest-attach "\$uuid" "\$2" ;;
*) exit 1 ;;
esac
SH
	chmod +x "$1/virsh"
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
