#!/bin/sh
# showconfig.sh - what `show` says about the persistent configuration: the
# defined mdevs beside the active ones (defined but not active, differing
# APQNs, "active only - lost at reboot"), the persistent masks, the libvirt
# domain of each mdev, ap-check's findings as warnings, and malformed files
# named with FILE:LINE while everything else is still shown.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
fx=$TOP_SRCDIR/tests/fixtures
R=$APMATRIX_CONFIG_ROOT
D=$R/etc/mdevctl.d/matrix
mkdir -p "$D" "$R/etc/udev/rules.d"
cp -a "$fx/libvirt/etc" "$fx/libvirt/run" "$R/"
# Definitions mdevctl wrote: U1 autostarts with 05.0047, 05.0004 and control
# domain 0x47; U2 (manual) with 05.0047.
cp "$fx/mdevctl/modify-addattr.json" "$D/$U1"
cp "$fx/mdevctl/modify-delattr-manual.json" "$D/$U2"
U3=33333333-3333-4333-8333-333333333333
# and U3 (manual) with 06.0001, the host's now.
printf '{"mdev_type": "vfio_ap-passthrough", "start": "manual", "attrs": [{"assign_adapter": "6"}, {"assign_domain": "1"}]}' >"$D/$U3"
# chzdev's rule, every adapter to the host and the aqmask giving 0x47 to it.
sed -e 's/^\(ATTR{..\/..\/bus\/ap\/apmask}=\).*/\1"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"/' \
	-e 's/^\(ATTR{..\/..\/bus\/ap\/aqmask}=\).*/\1"0xf7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"/' \
	"$fx/udev/both.rules" >"$R/etc/udev/rules.d/41-ap.rules"

run "show" 0 am show
expect_grep "the persistent apmask" out "persistent apmask: the same ($R/etc/udev/rules.d/41-ap.rules)"
expect_grep "the persistent aqmask beside the active one" out \
	"persistent aqmask: 0xf7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff (host domains: 0x00-0x03,0x05-0xff) in $R/etc/udev/rules.d/41-ap.rules: the active aqmask is lost at reboot"
expect_grep "and the APQNs whose owner changes at boot" out "owner at boot differs for"
expect_grep "05.0047 is one" out "05.0047 (host at boot)"
expect_grep "an mdev that is not defined" out "    persistent: no (active only — lost at reboot)"
expect_grep "the libvirt domain that uses Guest1" out "    libvirt: guest Guest1 (running)"
expect_grep "a domain defined but not running" out "    libvirt: guest Guest3 (defined, not running)"
expect_grep "defined, not active" out "defined, not active:"
expect_grep "U1 listed" out "  - $U1  autostart"
expect_grep "with its sets" out "    adapters 0x05; domains 0x04,0x47; control domains 0x47"
expect_grep "the warning of the issue, word for word" out \
	"mdev $U1 autostarts with 05.0047, which the persistent aqmask gives to the host: it will fail to start at boot"
expect_grep "ap-check's overlap with an active mdev" out \
	"mdev $U1 is defined with 05.0004, which active mdev $G1 holds: \`mdevctl start $U1\` fails now (ap-check: \"APQN 5.4 already in use by $G1\")"
expect_grep "and with the active masks" out \
	"mdev $U3 is defined with 06.0001, which the active aqmask gives to the host: \`mdevctl start $U3\` fails now (ap-check: \"APQN 6.1 is not allowed for vfio_ap-passthrough use by the active ap bus mask settings\")"

run "show --json" 0 am show --json
if python3 -m json.tool "$work/out" >/dev/null; then ok "valid JSON"; else not_ok "valid JSON"; fi
expect_json "defined but not active mdevs are listed" "[(m['uuid'], m['active'], m['defined']['start']) for m in j['mdevs'] if not m['active']]" \
	"[('$U1', False, 'auto'), ('$U2', False, 'manual'), ('$U3', False, 'manual')]"
expect_json "their attrs in mdevctl's order" "[m['defined']['attrs'] for m in j['mdevs'] if m['uuid']=='$U2'][0]" \
	"[{'assign_adapter': '5'}, {'assign_domain': '0x47'}, {'assign_control_domain': '0x47'}]"
expect_json "an active mdev that is not defined" "[(m['active'], m['defined'], m['lost_at_reboot']) for m in j['mdevs'] if m['uuid']=='$G2'][0]" \
	"(True, None, True)"
expect_json "the schema-1 keys of an inactive mdev are empty" "[(m['matrix'], m['in_use'], m['guest']) for m in j['mdevs'] if m['uuid']=='$U1'][0]" \
	"([], False, None)"
expect_json "libvirt domain of Guest1" "[m['libvirt_domains'] for m in j['mdevs'] if m['uuid']=='$G1'][0][0]['name']" "Guest1"
expect_json "running, in its live and its persistent definition" \
	"[(d['running'], d['state'], d['live'], d['defined']) for m in j['mdevs'] if m['uuid']=='$G1' for d in m['libvirt_domains']]" \
	"[(True, 'running', True, True)]"
expect_json "the persistent masks" "(j['persistent']['apmask'][:6], j['persistent']['aqmask'][:6], j['persistent']['apmask_lost_at_reboot'], j['persistent']['aqmask_lost_at_reboot'])" \
	"('0xffff', '0xf7ff', False, True)"
expect_json "the owner differences" "[o for o in j['persistent']['owner_differs'] if o['apqn']=='05.0047']" \
	"[{'apqn': '05.0047', 'now': 'vfio', 'at_boot': 'host'}]"
expect_json "findings by code" "sorted(set(f['code'] for f in j['findings']))" \
	"['active-mask', 'active-overlap', 'persistent-mask']"
expect_json "a finding names its APQN" "[f['apqn'] for f in j['findings'] if f['code']=='persistent-mask' and f['mdev']=='$U1']" "['05.0047']"

# A hot unplug at the QEMU level: the domain runs, nobody holds the mdev.
run "the guest lets go of Guest1's mdev" 0 am sim guest-stop "$G1"
run "show" 0 am show
expect_grep "explained" out \
	"guest Guest1 runs and its live definition has mdev $G1, but no process holds the mdev: QEMU released it (a hot unplug at the QEMU level, not through libvirt)"
expect_json "as a finding" "[f['code'] for f in j['findings'] if f['mdev']=='$G1']" "['guest-unplugged']"
# A running domain started with it, detached live.
sed '/<hostdev/,/<\/hostdev>/d' "$fx/libvirt/run/libvirt/qemu/Guest1.xml" >"$R/run/libvirt/qemu/Guest1.xml"
run "show" 0 am show
expect_grep "detached live" out "guest Guest1 is defined with mdev $G1 but runs without it (detached live, \`virsh detach-device --live\`)"
expect_grep "the libvirt line says so" out "    libvirt: guest Guest1 (running; not in its live definition)"
# A defined domain whose mdev is gone.
run "remove Guest3's mdev" 0 am mdev remove "$G3"
expect_json "a domain that cannot start" "[f['text'].startswith('guest Guest3 (defined, not running) uses mdev $G3, which is neither active nor defined: the guest cannot start') for f in j['findings'] if f['code']=='guest-no-mdev']" \
	"[True]"

# Malformed files: FILE:LINE, left out, everything else still shown.
printf '{\n  "mdev_type": "vfio_ap-passthrough",\n  "start": "auto",\n  "attrs": [\n    {"assign_adapter": "5"},\n  ]\n}' >"$D/$G2"
printf '<domain>\n  <name>Broken</name>\n  <devices>\n</domain>\n' >"$R/etc/libvirt/qemu/Broken.xml"
printf '# Generated by chzdev\nATTR{../../bus/ap/apmask}="0xff"\n' >"$R/etc/udev/rules.d/41-ap.rules"
run "show with malformed files" 0 am show
expect_grep "the definition" out "not read: $D/$G2:6: malformed JSON: unexpected character"
expect_grep "the XML" out "not read: $R/etc/libvirt/qemu/Broken.xml:4: malformed XML: Opening and ending tag mismatch: devices line 3 and domain"
expect_grep "the rule" out "not read: $R/etc/udev/rules.d/41-ap.rules:2: the apmask value is not \"0x\" and 64 hex digits as chzdev writes it (libap cannot read it)"
expect_grep "the masks are unknown" out "persistent apmask: unknown ($R/etc/udev/rules.d/41-ap.rules cannot be read, see the warnings)"
expect_grep "the other domains still" out "libvirt: guest Guest1"
expect_grep "the other definitions still" out "  - $U1  autostart"
expect_json "config_errors" "len(j['config_errors'])" "3"
expect_json "each names its file and line" "[e.split(': ')[0].rsplit('/', 1)[1] for e in j['config_errors']]" \
	"['$G2:6', '41-ap.rules:2', 'Broken.xml:4']"
expect_json "rule_readable" "j['persistent']['rule_readable']" "False"
run "persist --auto cannot be checked" 1 am persist "$G1" --auto
expect_grep "says why" err "the definition of mdev $G2 cannot be read (see the errors), so nothing can be checked against it"
run "a malformed definition is not overwritten" 1 am persist "$G2"
expect_grep "says why" err "$D/$G2 cannot be read (see the errors): apmatrix does not overwrite it"
run "but it can be removed" 0 am unpersist "$G2"
is "it is" no "$([ -e "$D/$G2" ] && echo yes || echo no)"
rm -f "$R/etc/libvirt/qemu/Broken.xml" "$R/etc/udev/rules.d/41-ap.rules"

# Untrusted text: a domain name with a C1 CSI and DEL (XML allows both) reaches
# neither the terminal nor JSON raw; ESC, which XML refuses, is named in an error.
printf '<domain><name>ev\302\23331mil\177</name><devices><hostdev mode="subsystem" type="mdev" model="vfio-ap"><source><address uuid="%s"/></source></hostdev></devices></domain>' "$G2" \
	>"$R/etc/libvirt/qemu/evil.xml"
run "show" 0 am show
expect_grep "escaped in text" out 'libvirt: guest ev\xc2\x9b31mil\x7f (defined, not running)'
if grep -q "$(printf '\302\233\|\177')" "$work/out"; then not_ok "no raw CSI or DEL in text"; else ok "no raw CSI or DEL in text"; fi
printf '<domain><name>e\033[31m</name></domain>' >"$R/etc/libvirt/qemu/esc.xml"
run "show" 0 am show
expect_grep "ESC: an error naming the file" out "not read: $R/etc/libvirt/qemu/esc.xml:1: malformed XML"
if grep -q "$(printf '\033')" "$work/out"; then not_ok "no raw ESC in the error"; else ok "no raw ESC in the error"; fi
# Bytes that do not convert from a declared encoding: libxml2 would say so on
# stderr itself, over the console's screen; the error names the file instead.
printf '<?xml version="1.0" encoding="SHIFT_JIS"?>\n<domain><name>x\201\010a</name></domain>' \
	>"$R/etc/libvirt/qemu/enc.xml"
run "show" 0 am show
expect_grep "a bad encoding: an error naming the file" out "not read: $R/etc/libvirt/qemu/enc.xml:2: malformed XML"
if grep -q "encoding error\|I/O error" "$work/err"; then
	not_ok "libxml2 writes nothing of its own"
else
	ok "libxml2 writes nothing of its own"
fi
rm -f "$R/etc/libvirt/qemu/enc.xml"
run "show --json" 0 am show --json
if python3 -m json.tool "$work/out" >/dev/null && ! grep -q "$(printf '\033\|\302\233\|\177')" "$work/out"; then
	ok "valid JSON, no raw ESC, CSI or DEL"
else
	not_ok "valid JSON, no raw ESC, CSI or DEL"
fi
expect_json "the name, escaped" "[d['name'] for m in j['mdevs'] if m['uuid']=='$G2' for d in m['libvirt_domains']]" \
	"['ev\\\\xc2\\\\x9b31mil\\\\x7f']"

# libvirt's domains readable by root only: a note, not an error, for anyone else.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	pub=$(mktemp -d /tmp/apm-pub-XXXXXX)
	chmod 755 "$pub"
	cp "$sim" "$pub/host.ini" && chmod 644 "$pub/host.ini"
	mkdir -p "$pub/host.ini.d/etc/libvirt" && cp -a "$fx/libvirt/etc/libvirt/qemu" "$pub/host.ini.d/etc/libvirt/"
	chmod 700 "$pub/host.ini.d/etc/libvirt/qemu"
	setpriv --reuid=65534 --regid=65534 --clear-groups env -u APMATRIX_CONFIG_ROOT \
		"$APMATRIX" --sim="$pub/host.ini" --read-only show --json >"$work/out" 2>"$work/err"
	expect_json_file() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$work/out"; }
	is "no permission: no error" "[]" "$(expect_json_file "j['config_errors']")"
	is "but a note" "True" "$(expect_json_file "any('no permission to read it: its guests are not known' in n for n in j['config_notes'])")"
	rm -rf "$pub"
else
	echo "# ######## SKIPPED: libvirt's root-only files, read as another user: needs root and setpriv"
	n=$((n + 1))
	echo "ok $n # SKIP needs root and setpriv"
fi

# A long domain name (libvirt allows what its NAME.xml allows: 251 bytes) is
# shown whole where it fits, and where it is cut, the cut says so.
long=$(printf 'g%.0s' $(seq 200))
printf '<domain><name>%s</name><devices><hostdev mode="subsystem" type="mdev" model="vfio-ap"><source><address uuid="%s"/></source></hostdev></devices></domain>' "$long" "$G2" \
	>"$R/etc/libvirt/qemu/long.xml"
run "show with a long domain name" 0 am show
cut=$(printf 'g%.0s' $(seq 156))
expect_grep "a cut name ends in ..." out "    libvirt: guest $cut... (defined, not running)"
expect_no_grep "never as if whole" out "    libvirt: guest ${cut}ggg (defined"
rm "$R/etc/libvirt/qemu/long.xml"

# No configuration at all: every mdev and mask is active only.
run "the built-in simulated host" 0 env -u APMATRIX_CONFIG_ROOT "$APMATRIX" --sim show
expect_grep "masks" out "persistent apmask: none (the built-in simulated host keeps no configuration): active only — lost at reboot"
# A libvirt domain name of 200 characters (NAME.xml fits a file name) is
# quoted whole in a finding, not cut at an arbitrary length.
long=$(printf '%0200d' 0 | tr 0 g)
libvirt_running "$work/long" "$long" 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 1
run "show with a long domain name" 0 env APMATRIX_CONFIG_ROOT="$work/long" "$APMATRIX" --sim show
expect_grep "the finding quotes it whole" out "guest $long runs and its live definition has mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58, but no process holds the mdev"
done_testing
