#!/bin/sh
# sim.sh - simulated-host events: guests, SE-side configure, checkstop, LPAR
# changes (hot plug seen live), scans; refused on a real host.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

run "second mdev for a guest" 1 am sim guest-start $G3 Guest2
expect_err "EPERM explained" <<T
apmatrix: EPERM: guest Guest2 already holds mdev $G2: one vfio-ap device per guest
T
run "mdev already held" 1 am sim guest-start $G2 other
expect_grep "EBUSY explained" err "is already used by Guest2"
run "start Guest3" 0 am sim guest-start $G3 Guest3
expect_json "Guest3 plugged" "[q['cell'] for q in j['queues'] if q['apqn']=='06.0047'][0]" "plugged"
run "stop Guest3" 0 am sim guest-stop $G3
run "stop again" 1 am sim guest-stop $G3

# Impact in the preview: who a configure off, a checkstop or an LPAR
# removal touches, every APQN named, the host's default domain said.
run "configure off, previewed" 0 am config 5 off --dry-run
expect_out "its impact named" <<'T'
  adapter 0x05 goes to standby; its queues follow at the next AP bus scan; a guest keeps it in its matrix and sees it deconfigured
  the host's zcrypt queues are deconfigured with it: 05.0001
  warning: 05.0001 is on the host's default domain (ap_domain 0x01)
  mdev 62177883-f1bb-47f0-914d-32a22e3a8804 (Guest1): its APQNs are deconfigured with it: 05.0004 05.00ab
  mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2): its APQNs are deconfigured with it: 05.0047 05.00ff
prediction: OK
  would write '0' to devices/ap/card05/config
T
run "checkstop, previewed" 0 am sim chkstop 6 on
expect_grep "the guests' APQNs named" out "mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58: its APQNs are checkstopped with it: 06.0047 06.00ff"
expect_grep "the host's default domain named" out "warning: 06.0001 is on the host's default domain (ap_domain 0x01)"
run "checkstop off" 0 am sim chkstop 6 off
# --strict refuses it (adapters on), so it is only previewed.
run "LPAR removal of an adapter, previewed" 1 am sim lpar remove adapter 5 --strict
expect_grep "the host's queues named" out "the host's zcrypt queues leave the LPAR with it: 05.0001"
expect_grep "what Guest1 loses" out "hot unplug from Guest1: 05.0004 05.00ab"
run "Linux-side configure off" 0 am config 5 off
expect_json "card off at once" "[a['config'] for a in j['adapters'] if a['id']==5][0]" "False"
run "detail before the scan" 0 am show --json --detail
if python3 -c "import json,sys; q=[q for q in json.load(open(sys.argv[1]))['queues'] if q['apqn']=='05.0047'][0]; assert q['config'] is True" "$work/out"; then ok "queues follow only at the scan"; else not_ok "queues follow only at the scan"; fi
run "rescan" 0 am rescan
run "detail after the scan" 0 am show --json --detail
if python3 -c "import json,sys; q=[q for q in json.load(open(sys.argv[1]))['queues'] if q['apqn']=='05.0047'][0]; assert q['config'] is False and q['plugged']" "$work/out"; then ok "deconfigured and still plugged (6.6+)"; else not_ok "deconfigured and still plugged (6.6+)"; fi
run "SE-side configure on" 0 am sim se-config 5 on
expect_json "seen at the forced scan" "[a['config'] for a in j['adapters'] if a['id']==5][0]" "True"
run "checkstop" 0 am sim chkstop 6 on
expect_json "chkstop shown" "[a['chkstop'] for a in j['adapters'] if a['id']==6][0]" "True"

run "LPAR add adapter 0x0a" 0 am sim lpar add adapter 0x0a CEX8C
expect_grep "HMC warning" out "warning: a real HMC wants the LPAR's adapters configured off"
expect_json "over-provisioned adapter plugged" "[q['cell'] for q in j['queues'] if q['apqn']=='0a.0047'][0]" "plugged"
run "LPAR remove usage domain" 0 am sim lpar remove usage-domain 0xff
expect_grep "the domain's APQNs named per mdev" out "mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2): its APQNs leave the LPAR with it: 05.00ff 0a.00ff"
expect_grep "and what the guest loses" out "hot unplug from Guest2: 05.00ff 0a.00ff"
expect_json "guest lost the domain" "[m['guest_domains'] for m in j['mdevs'] if m['uuid']=='$G2'][0]" "[71]"
run "strict refuses" 1 am sim lpar add usage-domain 0x10 --strict
expect_err "strict explained" <<'T'
apmatrix: EBUSY: --strict: configure the LPAR's 3 online adapters off first (apmatrix config ID off)
T
run "unknown card type" 1 am sim lpar add adapter 0x20 CEX9Z
run "scan" 0 am sim scan
run "refused on a real host" 1 "$APMATRIX" --sysfs "$FIXTURES/sysfs/host-613" sim scan
expect_err "real-host refusal" <<'T'
apmatrix: sim scan: this is a real host: simulated hardware and guests exist only on the simulated host (--sim) or with the apsim module
T
cat >"$work/nosclp.ini" <<'INI'
[host]
sclp = no
[lpar]
adapters = 5:CEX8C
usage_domains = 1
INI
run "no SCLP facility" 1 "$APMATRIX" --sim="$work/nosclp.ini" config 5 off
expect_err "EOPNOTSUPP explained" <<'T'
apmatrix: EOPNOTSUPP: configure adapter 0x05 off: the kernel answered EOPNOTSUPP: SCLP adapter configuration is not available under z/VM or in a KVM guest
T
# ap_card.c config_store calls SCLP only for a change: a no-op write succeeds there too.
run "no SCLP facility, nothing to change" 0 "$APMATRIX" --sim="$work/nosclp.ini" config 5 on
expect_out "the no-op write applied" <<'T'
applied: configure adapter 0x05 on
T

# A full 256-adapter LPAR: its lists span many continuation lines and must
# read back whole after every change (they were cut at 2 KiB once).
cat >"$work/big.ini" <<'INI'
[lpar]
adapters = 0-255:CEX8C
usage_domains = 0-3
INI
run "256 adapters: a mask write" 0 "$APMATRIX" --sim="$work/big.ini" mask apmask -0xf0-0xff
run "256 adapters: read back" 0 "$APMATRIX" --sim="$work/big.ini" show --json
is "256 adapters: all of them after the round trip" 256 "$(grep -c '"in_lpar":true' "$work/out")"
run "256 adapters: export" 0 "$APMATRIX" --sim="$work/big.ini" sim export --modparams
is "export lists the last adapter" 1 "$(grep -c '0xff:CEX8C domains=0x00-0x03 ' "$work/out")"
is "export: the default generation is apsim's, not a parameter" 0 "$(grep -c 'profile=' "$work/out")"
# The generation, as apsim's profile= takes it; 6.15 reads as 6.13 (no attribute tells it).
for p in 6.0 6.15 6.19; do
	printf '[host]\nprofile = %s\n[lpar]\nadapters = 5:CEX8C\nusage_domains = 1\ncontrol_domains = 1\n' "$p" >"$work/gen.ini"
	run "export of a $p host" 0 "$APMATRIX" --sim="$work/gen.ini" sim export --modparams
	want=" profile=$p"
	[ "$p" = 6.15 ] && want=
	is "export of a $p host: its profile" "adapters=0x05:CEX8C domains=0x01 control_domains=0x01 max_adapter_id=255 max_domain_id=255$want" "$(cat "$work/out")"
done
# (an mdev is what tells the static generation)
printf '[host]\nprofile = 4.20\n[lpar]\nadapters = 5:CEX8C\nusage_domains = 1\n[mdev 62177883-f1bb-47f0-914d-32a22e3a8804]\nadapters = 5\n' >"$work/gen.ini"
run "export of a 4.20 host" 0 "$APMATRIX" --sim="$work/gen.ini" sim export --modparams
is "export of a 4.20 host: apsim refuses it, said" 1 "$(grep -c 'apsim cannot be the static generation' "$work/err")"
done_testing
