# SPDX-License-Identifier: GPL-2.0-or-later
# t-clients.sh - s390-tools' own clients (lszcrypt, chzcrypt, lszdev,
# chzdev, ap-check as mdevctl's callout) against apsim, expecting what a
# real host prints.
#
# The expected text is derived from the tools' source (which files they
# read, how they print: zconf/zcrypt/lszcrypt.c, chzcrypt.c, zdev/src/ap.c,
# ap_tools/ap-check.c, libutil/util_rec.c) and the kernel's formats and
# effects (ap_card.c, ap_queue.c, zcrypt_card.c, zcrypt_queue.c,
# vfio_ap_ops.c), never from what apsim happens to print.  Three LPARs:
# the vfio-ap document's (apsim's default), one without APXA (63/15) and a
# mixed CCA/EP11/accelerator one.  For each, the same programs then read a
# sysfs tree written from the simulated host with the same LPAR
# (sim2tree, SYSFS_ROOT=) and must print what they print on /sys.
#
# HWTYPE, QDEPTH, FUNCTIONS and the message size are the cards' TAPQ answers,
# i.e. the simulated hardware (core/model/rules.c card_types), set to what
# lszcrypt prints on real hosts: eight queue slots (TAPQ field 7; ap_card.c
# depth_show adds one, QDEPTH 08), coprocessors without the 4K RSA bits
# (CCA S--D--N---, EP11 -----XN---), accelerators with them (-MC-A-N---),
# CEX8 coprocessors in the full-function class (F), APXA (N) only where the
# machine has it; lszcrypt maps the top ten bits of ap_functions to
# SMCDAXNHFR.  The zcrypt attributes real clients read (mkvps of CCA and
# EP11 queues, the cards' serial numbers, the EP11 card facts) and the
# queues' own state right after a card's config write are checked where
# lszcrypt shows them.
. "$APM_TOP/tests/vm/lib.sh"
. "$APM_TOP/tests/lib/peers.sh"

if ! peers_use "$APM_VM_DIR/peers"; then
	peers_missing "s390-tools' clients against apsim"
	done_testing
	exit
fi
LSZ=$PEER_LSZCRYPT
CHZ=$PEER_CHZCRYPT
SIM2TREE=$B/tests/tools/sim2tree
CALLOUTS=/etc/mdevctl.d/scripts.d/callouts

# out NAME RC CMD... <<EXPECTED: CMD's stdout, then its stderr, against
# EXPECTED; trailing blanks are dropped on both sides (util_rec pads the
# last column).
out() {
	name=$1
	want=$2
	shift 2
	sed 's/[[:space:]]*$//' >"$W/want"
	"$@" >"$W/o1" 2>"$W/o2"
	rc=$?
	cat "$W/o1" "$W/o2" | sed 's/[[:space:]]*$//' >"$W/got"
	if [ "$rc" = "$want" ] && cmp -s "$W/want" "$W/got"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $want)"
		diff -u "$W/want" "$W/got" | head -40 | sed 's/^/# /'
	fi
}

# serials: lszcrypt -s with the SERIALNR column (8 characters, lszcrypt
# cuts it there) shown as its shape; real cards have one number each.
serials() {
	"$LSZ" -s | sed '3,$ s/ [0-9A-Z]\{8\}$/ ########/'
}

scan() { echo 1 >$S/bus/ap/scans; }

# The simulated host with the same LPAR, written as a sysfs tree, its
# config_time the 120 load_state gives apsim.
simtree() { # simtree STATE DIR
	rm -rf "$2"
	SIM2TREE_QUIET=1 "$SIM2TREE" --sim "$1" "$2" && echo 120 >"$2/bus/ap/config_time"
}

# load_state STATE: apsim with the state file's LPAR (sim export
# --modparams), config_time 120 as every expected lszcrypt -b says.
load_state() {
	load $("$APMATRIX" --sim="$1" sim export --modparams) || return 1
	echo 120 >$S/bus/ap/config_time
}

# lszdev_ap NAME APMASK AQMASK: lszdev -t ap lists the active masks as
# ranges (zdev/src/ap.c), the ACTIVE column as wide as its longest value.
lszdev_ap() {
	w=$((${#2} > ${#3} ? ${#2} : ${#3})) # the longer mask
	w=$((w + 2 > 6 ? w + 4 : 8))         # quoted (or ACTIVE), then two blanks
	{
		echo "DEVICE TYPE ap"
		echo "  Description        : Cryptographic Adjunct Processor (AP) device"
		echo "  Modules            : ap"
		echo "  Active             : yes"
		echo "  Persistent         : yes"
		echo
		printf "  %-11s%-${w}s%s\n" ATTRIBUTE ACTIVE PERSISTENT
		printf "  %-11s%-${w}s%s\n" apmask "\"$2\"" - aqmask "\"$3\"" -
	} | out "$1" 0 "$PEER_LSZDEV" -t ap
}

# same NAME CMD...: a client prints the same on /sys and on the tree.
same() {
	name=$1
	shift
	"$@" >"$W/s1" 2>&1
	r1=$?
	SYSFS_ROOT=$W/tree "$@" >"$W/s2" 2>&1
	r2=$?
	if [ "$r1" = 0 ] && [ "$r2" = 0 ] && cmp -s "$W/s1" "$W/s2"; then
		ok "simulated host: $name"
	else
		not_ok "simulated host: $name (exit $r1 on /sys, $r2 on the tree)"
		diff -u "$W/s1" "$W/s2" | head -30 | sed 's/^/# /'
	fi
}

# agree: apmatrix show --json --detail and lszcrypt -V say the same of every
# card and queue: driver, online, config, checkstop (lszcrypt's STATUS is
# deconfig / chkstop / online / offline, or vfio_ap's status, in that order:
# read_rec_default, read_subdev_rec_default).
agree() {
	"$LSZ" -V >"$W/lsz" && "$APMATRIX" --sysfs /sys show --json --detail >"$W/json" ||
		{ not_ok "$1: lszcrypt -V and show --json run"; return; }
	python3 - "$W/lsz" "$W/json" >"$W/agree" 2>&1 <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]).read().splitlines()[2:]:
    if line.startswith("Warning:"):
        continue
    # util_rec columns: CARD.DOM 8, TYPE 5, MODE 11, STATUS 10, ... DRIVER 11
    rows[line[0:8].strip()] = (line[27:37].strip(), line[81:92].strip())
h = json.load(open(sys.argv[2]))
bad = 0
def status(o, zdrv, vstatus):
    if o["config"] is False:
        return "deconfig"
    if o["chkstop"]:
        return "chkstop"
    if zdrv:
        return "online" if o["online"] else "offline"
    return vstatus or "-"
seen = 0
for a in h["adapters"]:
    if not a["in_lpar"]:
        continue
    want = (status(a, True, None), "cex4card")
    got = rows.get("%02x" % a["id"])
    seen += 1
    if got != want:
        bad += 1
        print("card %02x: lszcrypt %s, show --json %s" % (a["id"], got, want))
for q in h["queues"]:
    if not q["exists"]:
        continue
    drv = q["driver"] or "-no-driver-"
    want = (status(q, q["driver"] == "cex4queue", q["status"]), drv)
    got = rows.get(q["apqn"])
    seen += 1
    if got != want:
        bad += 1
        print("queue %s: lszcrypt %s, show --json %s" % (q["apqn"], got, want))
if seen != len(rows):
    bad += 1
    print("lszcrypt lists %d devices, show --json %d" % (len(rows), seen))
print("%d devices, %d disagree" % (seen, bad))
sys.exit(1 if bad else 0)
PY
	if [ $? -eq 0 ]; then
		ok "$1: show --json --detail agrees with lszcrypt -V ($(tail -1 "$W/agree"))"
	else
		not_ok "$1: show --json --detail agrees with lszcrypt -V"
		sed 's/^/# /' "$W/agree" | head -20
	fi
}

mkdir -p "$CALLOUTS"
cp "$PEER_APCHECK" "$CALLOUTS/ap-check"

# ===================================================== (a) the document's LPAR
echo "# (a) adapters 4:CEX5C,5:CEX5C,6:CEX5A; domains 1,4,0x47,0xab,0xff"
load || { not_ok "insmod apsim"; done_testing; exit 1; }
# The periodic scan stays away: the scans below are the test's own.
echo 120 >$S/bus/ap/config_time

# Every queue is bound to cex4queue (both masks all ones at boot): lszcrypt
# lists cards and zcrypt queues; the default domain 1 is a usage domain, so
# no warning (show_devices_all).
out "lszcrypt" 0 "$LSZ" <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
04       CEX5C CCA-Coproc  online            0
04.0001  CEX5C CCA-Coproc  online            0
04.0004  CEX5C CCA-Coproc  online            0
04.0047  CEX5C CCA-Coproc  online            0
04.00ab  CEX5C CCA-Coproc  online            0
04.00ff  CEX5C CCA-Coproc  online            0
05       CEX5C CCA-Coproc  online            0
05.0001  CEX5C CCA-Coproc  online            0
05.0004  CEX5C CCA-Coproc  online            0
05.0047  CEX5C CCA-Coproc  online            0
05.00ab  CEX5C CCA-Coproc  online            0
05.00ff  CEX5C CCA-Coproc  online            0
06       CEX5A Accelerator online            0
06.0001  CEX5A Accelerator online            0
06.0004  CEX5A Accelerator online            0
06.0047  CEX5A Accelerator online            0
06.00ab  CEX5A Accelerator online            0
06.00ff  CEX5A Accelerator online            0
EOF

# No APSB in the bus features: no SESTAT column (define_rec_verbose).
cat >"$W/v" <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
04       CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4card
04.0001  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
04.0004  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
04.0047  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
04.00ab  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
04.00ff  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05       CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4card
05.0001  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.0004  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.0047  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.00ab  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.00ff  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
06       CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4card
06.0001  CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4queue
06.0004  CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4queue
06.0047  CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4queue
06.00ab  CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4queue
06.00ff  CEX5A Accelerator online            0        0     11     08 -MC-A-N--- cex4queue
EOF
out "lszcrypt -V" 0 "$LSZ" -V <"$W/v"
# lszcrypt only asks whether -V was given (l.verbose == 0): -VV is -V.
out "lszcrypt -VV" 0 "$LSZ" -VV <"$W/v"

out "lszcrypt -b" 0 "$LSZ" -b <<EOF
features: APSC APXA QACT RC8A
ap_domain=0x01
ap_max_domain_id=0xff
ap_interrupts are enabled
config_time=120 (seconds)
poll_thread is disabled
poll_timeout=250000 (nanoseconds)
EOF

out "lszcrypt -d" 0 "$LSZ" -d <<EOF
DOMAIN 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
------------------------------------------------------
    00  .  B  .  .  B  .  .  .  .  .  .  .  .  .  .  .
    10  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    20  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    30  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    40  .  .  .  .  .  .  .  B  .  .  .  .  .  .  .  .
    50  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    60  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    70  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    80  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    90  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    a0  .  .  .  .  .  .  .  .  .  .  .  B  .  .  .  .
    b0  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    c0  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    d0  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    e0  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
    f0  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  B
------------------------------------------------------
C: Control domain
U: Usage domain
B: Both (Control + Usage domain)
EOF

# Coprocessors only (show_serialnumbers): the accelerator has no serialnr.
out "lszcrypt -s" 0 serials <<EOF
CARD.DOM TYPE  MODE        STATUS     SERIALNR
----------------------------------------------
04       CEX5C CCA-Coproc  online     ########
05       CEX5C CCA-Coproc  online     ########
EOF
is "lszcrypt -s: each card its own number" 2 "$("$LSZ" -s | sed -n '3,$p' | awk '{print $NF}' | sort -u | wc -l)"

# show_card_capability: hwtype 11 with the CCA bit, class bits 0, no HSL bit.
out "lszcrypt -c 05" 0 "$LSZ" -c 05 <<EOF
card05 provides capability for:
RSA 4K Clear Key
CCA Secure Key
Long RNG
AP bus max message size limit 12 Kb
EOF
out "lszcrypt -c 0x06" 0 "$LSZ" -c 0x06 <<EOF
card06 provides capability for:
RSA 4K Clear Key
AP bus max message size limit 12 Kb
EOF
# show_queue_capability: no se_bind/se_associate outside an SE guest; then
# "MK " and every CUR line of the queue's mkvps (zcrypt_cex4.c
# cca_mkvps_show: AES and APKA "STATE 0x%016llx", ASYM with 128 bits, or
# "-" where the state has no pattern).
mk_lines() { # mk_lines APQN: what lszcrypt -c makes of its mkvps
	echo "queue $1 capabilities:"
	grep 'CUR' "$S/devices/ap/card${1%.*}/$1/mkvps" | sed 's/^/MK /'
}
mk_lines 05.0004 >"$W/mk"
out "lszcrypt -c 05.0004: its master keys" 0 "$LSZ" -c 05.0004 <"$W/mk"
is "lszcrypt -c 05.0004: AES, APKA, ASYM, each with its state" 3 \
	"$("$LSZ" -c 05.0004 | grep -c '^MK \(AES\|APKA\) CUR: [a-z]* \(0x[0-9a-f]\{16\}\|-\)$\|^MK ASYM CUR: [a-z]* \(0x[0-9a-f]\{32\}\|-\)$')"
out "lszcrypt -c 07: no such card" 1 "$LSZ" -c 07 <<EOF
lszcrypt: Error - cryptographic device card07 does not exist.
EOF
out "lszcrypt -c 05.0002: no such queue" 1 "$LSZ" -c 05.0002 <<EOF
lszcrypt: Error - cryptographic queue device 05.0002 does not exist.
EOF
out "lszcrypt -c 0x100: not an ID" 1 "$LSZ" -c 0x100 <<EOF
lszcrypt: Error - '0x100' is an invalid cryptographic device id.
EOF

out "lszcrypt --cardonly" 0 "$LSZ" --cardonly <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
04       CEX5C CCA-Coproc  online            0
05       CEX5C CCA-Coproc  online            0
06       CEX5A Accelerator online            0
EOF
out "lszcrypt --accelonly" 0 "$LSZ" --accelonly <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
06       CEX5A Accelerator online            0
06.0001  CEX5A Accelerator online            0
06.0004  CEX5A Accelerator online            0
06.0047  CEX5A Accelerator online            0
06.00ab  CEX5A Accelerator online            0
06.00ff  CEX5A Accelerator online            0
EOF
out "lszcrypt --ccaonly --queueonly .00ab" 0 "$LSZ" --ccaonly --queueonly .00ab <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
04.00ab  CEX5C CCA-Coproc  online            0
05.00ab  CEX5C CCA-Coproc  online            0
EOF
out "lszcrypt --cardonly --queueonly: refused" 1 "$LSZ" --cardonly --queueonly <<EOF
lszcrypt: Only one of --cardonly or --queueonly can be specified
EOF

# ---- chzcrypt: zcrypt online (zcrypt_card.c online_store forces the queues).
out "chzcrypt -d 05" 0 "$CHZ" -d 05 </dev/null
out "lszcrypt 05: card and queues offline" 0 "$LSZ" 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  offline           0
05.0001  CEX5C CCA-Coproc  offline           0
05.0004  CEX5C CCA-Coproc  offline           0
05.0047  CEX5C CCA-Coproc  offline           0
05.00ab  CEX5C CCA-Coproc  offline           0
05.00ff  CEX5C CCA-Coproc  offline           0
EOF
# zcrypt_queue.c online_store: EINVAL while the card is offline; chzcrypt
# reads back 0 and says so.
out "chzcrypt -e 05.0004 on an offline card: refused" 1 "$CHZ" -e 05.0004 <<EOF
chzcrypt: Error - unable to set cryptographic device card05/05.0004 online.
EOF
out "chzcrypt -e card05" 0 "$CHZ" -e card05 </dev/null
out "chzcrypt -d 05.0004" 0 "$CHZ" -d 05.0004 </dev/null
out "lszcrypt 05: one queue offline" 0 "$LSZ" 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  online            0
05.0001  CEX5C CCA-Coproc  online            0
05.0004  CEX5C CCA-Coproc  offline           0
05.0047  CEX5C CCA-Coproc  online            0
05.00ab  CEX5C CCA-Coproc  online            0
05.00ff  CEX5C CCA-Coproc  online            0
EOF
out "chzcrypt -e 05.0004" 0 "$CHZ" -e 05.0004 </dev/null
out "lszcrypt 05.0004" 0 "$LSZ" 05.0004 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05.0004  CEX5C CCA-Coproc  online            0
EOF

# ---- chzcrypt --config-off/--config-on (ap_card.c config_store: the SCLP
# call, the card's config, its CONFIG= uevent; the queues' own config
# follows at the next bus scan, ap_scan_domains).
out "chzcrypt --config-off 05" 0 "$CHZ" --config-off 05 </dev/null
out "lszcrypt --cardonly 05: deconfigured" 0 "$LSZ" --cardonly 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  deconfig          -
EOF
# Config-off window: until that scan the queues keep their own config and
# online (zcrypt_queue.c online_show: aq->config && zq->online, not the
# card's config), so lszcrypt shows them online under a deconfigured card.
out "lszcrypt 05 in the config-off window" 0 "$LSZ" 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  deconfig          -
05.0001  CEX5C CCA-Coproc  online            0
05.0004  CEX5C CCA-Coproc  online            0
05.0047  CEX5C CCA-Coproc  online            0
05.00ab  CEX5C CCA-Coproc  online            0
05.00ff  CEX5C CCA-Coproc  online            0
EOF
scan
out "lszcrypt -V 05 after the scan: all deconfigured" 0 "$LSZ" -V 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
05       CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4card
05.0001  CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4queue
05.0004  CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4queue
05.0047  CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4queue
05.00ab  CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4queue
05.00ff  CEX5C CCA-Coproc  deconfig          -        -     11     08 S--D--N--- cex4queue
EOF
out "chzcrypt --config-off 05 again: a warning" 0 "$CHZ" --config-off 05 <<EOF
chzcrypt: Warning - device card05 is already config off.
EOF
out "chzcrypt -e 05 while deconfigured: a warning" 0 "$CHZ" -e 05 <<EOF
chzcrypt: Warning - device 05 is deconfigured, can't set to online.

EOF
out "chzcrypt --config-on 05" 0 "$CHZ" --config-on 05 </dev/null
# The card reads online at once (config && zcrypt online), its queues stay
# deconfigured until the scan: lszcrypt shows that window as a real host does.
out "lszcrypt 05 before the scan" 0 "$LSZ" 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  online            0
05.0001  CEX5C CCA-Coproc  deconfig          -
05.0004  CEX5C CCA-Coproc  deconfig          -
05.0047  CEX5C CCA-Coproc  deconfig          -
05.00ab  CEX5C CCA-Coproc  deconfig          -
05.00ff  CEX5C CCA-Coproc  deconfig          -
EOF
scan
out "lszcrypt 05 after the scan: online again" 0 "$LSZ" 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
05       CEX5C CCA-Coproc  online            0
05.0001  CEX5C CCA-Coproc  online            0
05.0004  CEX5C CCA-Coproc  online            0
05.0047  CEX5C CCA-Coproc  online            0
05.00ab  CEX5C CCA-Coproc  online            0
05.00ff  CEX5C CCA-Coproc  online            0
EOF
out "chzcrypt --config-on 05.0001: cards only" 1 "$CHZ" --config-on 05.0001 <<EOF
chzcrypt: Error - invalid device 05.0001
 Config on/off is only valid for card devices.
EOF

# ---- chzcrypt's bus settings (ap_bus.c ap_domain_store: any domain the
# aqmask gives the host; config_time_store: 5..120).
out "chzcrypt -q 4" 0 "$CHZ" -q 4 </dev/null
out "chzcrypt -q 2: not a usage domain, a warning" 0 "$CHZ" -q 2 <<EOF
Warning: Default domain 0x02 is not available.
EOF
out "chzcrypt -q 0x100: beyond ap_max_domain_id" 1 "$CHZ" -q 0x100 <<EOF
chzcrypt: Error - invalid default domain '0x100'.
EOF
out "chzcrypt -c 3: the kernel refuses" 1 "$CHZ" -c 3 <<EOF
chzcrypt: Error - unable to change configuration timer setting.
EOF
out "chzcrypt -c 60" 0 "$CHZ" -c 60 </dev/null
out "chzcrypt -t 300000" 0 "$CHZ" -t 300000 </dev/null
out "chzcrypt -p" 0 "$CHZ" -p </dev/null
out "lszcrypt -b after chzcrypt" 0 "$LSZ" -b <<EOF
features: APSC APXA QACT RC8A
ap_domain=0x02 (unavailable)
ap_max_domain_id=0xff
ap_interrupts are enabled
config_time=60 (seconds)
poll_thread is enabled
poll_timeout=300000 (nanoseconds)
EOF
"$LSZ" >"$W/l"
is "lszcrypt warns of the unavailable default domain" \
	"Warning: Default domain 0x02 is not available." "$(tail -1 "$W/l")"
out "chzcrypt -n, -c 120, -t 250000, -q 1" 0 sh -c '"$1" -n && "$1" -c 120 && "$1" -t 250000 && "$1" -q 1' sh "$CHZ" </dev/null

# ---- lszdev / chzdev -t ap (zdev/src/ap.c: masks as ranges, written whole).
lszdev_ap "lszdev -t ap" "0-255" "0-255"
out "chzdev -t ap apmask=-6 aqmask=-4,-0x47 -a" 0 "$PEER_CHZDEV" -t ap apmask=-6 aqmask=-4,-0x47 -a <<EOF
Configuring device type in the active configuration only
ap device type configured
EOF
is "the kernel's apmask" 0xfdffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff "$(rd $S/bus/ap/apmask)"
is "the kernel's aqmask" 0xf7fffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffff "$(rd $S/bus/ap/aqmask)"
lszdev_ap "lszdev -t ap after chzdev" "0-5,7-255" "0-3,5-70,72-255"

# ---- mdevctl with ap-check as its callout (mdevctl 1.2 looks in
# /etc/mdevctl.d/scripts.d/callouts/).  Moved queues are uninitiated: their
# request_count reads "-" (ap_queue.c request_count_show).
cat >"$W/g1.json" <<EOF
{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[
 {"assign_adapter":"5"},{"assign_domain":"4"},{"assign_domain":"0x47"}]}
EOF
out "mdevctl start $G1 (ap-check passes it)" 0 mdevctl start --uuid $G1 --parent matrix --jsonfile "$W/g1.json" </dev/null
is "ap-check left no lock behind" "" "$(ls /run/lock)"
out "lszcrypt -V 05: assigned queues on vfio_ap" 0 "$LSZ" -V 05 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
05       CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4card
05.0001  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.0004  CEX5C CCA-Coproc  assigned          -        -     11     08 S--D--N--- vfio_ap
05.0047  CEX5C CCA-Coproc  assigned          -        -     11     08 S--D--N--- vfio_ap
05.00ab  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
05.00ff  CEX5C CCA-Coproc  online            0        0     11     08 S--D--N--- cex4queue
EOF
attach Guest1 $G1 && ok "Guest1 runs" || not_ok "Guest1 runs: $(cat "$W/fq.err")"
out "lszcrypt -V .0047: in use, unassigned" 0 "$LSZ" -V .0047 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
04.0047  CEX5C CCA-Coproc  unassigned        -        -     11     08 S--D--N--- vfio_ap
05.0047  CEX5C CCA-Coproc  in use            -        -     11     08 S--D--N--- vfio_ap
06.0047  CEX5A Accelerator unassigned        -        -     11     08 -MC-A-N--- vfio_ap
EOF
# libap reads every active mdev's matrix before a mask write.
out "chzdev -t ap aqmask=+4 -a: refused, the mdev holds 05.0004" 9 "$PEER_CHZDEV" -t ap aqmask=+4 -a <<EOF
Configuring device type in the active configuration only
chzdev: aqmask conflicts with mdev $G1 APQN 5.4
ap device type configure failed
    Error: Invalid configuration
EOF
is "the aqmask is unchanged" 0xf7fffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffff "$(rd $S/bus/ap/aqmask)"

# ap-check's refusals (ap_check_active, find_apqn_conflicts: decimal APQNs).
apcheck_refuses() { # NAME JSON MESSAGE
	echo "$2" >"$W/g.json"
	out "$1" 1 mdevctl start --uuid $G2 --parent matrix --jsonfile "$W/g.json" <<EOF
ap-check: $3
Error: callout script "$CALLOUTS/ap-check" failed with return code 255
EOF
	is "$1: no device left" no "$([ -d $M/$G2 ] && echo yes || echo no)"
}
apcheck_refuses "start: overlap with an active mdev" \
	'{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_domain":"0x47"}]}' \
	"APQN 5.71 already in use by $G1"
apcheck_refuses "start: inside the host's masks" \
	'{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"4"},{"assign_domain":"1"}]}' \
	"APQN 4.1 is not allowed for vfio_ap-passthrough use by the active ap bus mask settings"
apcheck_refuses "start: a control domain without a usage domain" \
	'{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"6"},{"assign_control_domain":"0xab"}]}' \
	"At least one usage domain must be specified"

# Autostart definitions: no two share an APQN, none inside the persistent
# masks (no 41-ap.rules here: the active ones, ap_read_udev_masks).
echo '{"mdev_type":"vfio_ap-passthrough","start":"auto","attrs":[{"assign_adapter":"6"},{"assign_domain":"4"}]}' >"$W/g3.json"
out "define $G3 (auto)" 0 mdevctl define --uuid $G3 --parent matrix --jsonfile "$W/g3.json" </dev/null
out "define a second autostart with its APQN: refused" 1 mdevctl define --uuid $G2 --parent matrix --jsonfile "$W/g3.json" <<EOF
ap-check: APQN 6.4 is defined for autostart by $G3
Error: callout script "$CALLOUTS/ap-check" failed with return code 255
EOF
is "no definition written" no "$([ -f /etc/mdevctl.d/matrix/$G2 ] && echo yes || echo no)"
out "define $G2 (auto, empty)" 0 mdevctl define --uuid $G2 --parent matrix --type vfio_ap-passthrough --auto </dev/null
out "modify $G2: adapter 4" 0 mdevctl modify --uuid $G2 --addattr=assign_adapter --value=4 </dev/null
out "modify $G2: domain 1, the host's: refused" 1 mdevctl modify --uuid $G2 --addattr=assign_domain --value=1 <<EOF
ap-check: APQN 4.1 is not defined for vfio_ap-passthrough use by the persistent ap bus mask settings
Error: callout script "$CALLOUTS/ap-check" failed with return code 255
EOF
out "modify $G2: domain 0x47" 0 mdevctl modify --uuid $G2 --addattr=assign_domain --value=0x47 </dev/null
out "modify $G2: adapter 6 would share 6.4 with $G3: refused" 1 \
	sh -c 'mdevctl modify --uuid "$1" --addattr=assign_domain --value=4 && mdevctl modify --uuid "$1" --addattr=assign_adapter --value=6' sh $G2 <<EOF
ap-check: APQN 6.4 is defined for autostart by $G3
Error: callout script "$CALLOUTS/ap-check" failed with return code 255
EOF
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["attrs"]))' \
	/etc/mdevctl.d/matrix/$G2 >"$W/attrs"
is "the definition holds what was accepted" \
	'[{"assign_adapter": "4"}, {"assign_domain": "0x47"}, {"assign_domain": "4"}]' "$(cat "$W/attrs")"
out "start $G2 from its definition" 0 mdevctl start --uuid $G2 </dev/null
is "its matrix" "04.0004 04.0047" "$(rd $M/$G2/matrix)"
is "ap-check left no lock behind" "" "$(ls /run/lock)"

# A state with every kind of queue: vfio_ap unassigned/assigned/in use, a
# zcrypt-offline card, an offline queue, a checkstopped card (the SE side).
"$CHZ" -d 04 && "$CHZ" -d 05.0001 && echo "6 1" >$S/kernel/apsim/chkstop
agree "(a)"
# Adapter 6 is all vfio_ap's (apmask -6): without -V only the card shows.
out "lszcrypt 06: checkstopped" 0 "$LSZ" 06 <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
06       CEX5A Accelerator chkstop           0
EOF
kill $qpid
wait $qpid 2>/dev/null
mdevctl stop --uuid $G1 && mdevctl stop --uuid $G2 && mdevctl undefine --uuid $G2 &&
	mdevctl undefine --uuid $G3 && ok "mdevs stopped, definitions gone" || not_ok "mdevs stopped"
unload && ok "rmmod" || not_ok "rmmod"

# ------------------------------------------- (a) on the simulated host
# The same LPAR in a state file, the same changes made by apmatrix on both
# hosts, then the clients read /sys and the tree written from the state.
st=$W/a.ini
cat >"$st" <<EOF
[host]
ap_domain = 1
[lpar]
adapters = 4:CEX5C,5:CEX5C,6:CEX5A
usage_domains = 1,4,0x47,0xab,0xff
control_domains = 1,4,0x47,0xab,0xff
EOF
load_state "$st" || { not_ok "insmod"; done_testing; exit 1; }
both() { # the same apmatrix command on both hosts
	"$APMATRIX" --sim="$st" "$@" >/dev/null 2>"$W/e1" && "$APMATRIX" --sysfs /sys "$@" >/dev/null 2>"$W/e2" ||
		not_ok "apmatrix $*: $(cat "$W/e1" "$W/e2")"
}
both mask aqmask -4,-0x47
both mask apmask -6
both mdev create $G1
both assign $G1 adapter 5,6
both assign $G1 domain 4,0x47
"$APMATRIX" --sim="$st" sim guest-start $G1 Guest1 >/dev/null
attach Guest1 $G1 || not_ok "fake-qemu: $(cat "$W/fq.err")"
both config 4 off
both rescan
"$APMATRIX" --sim="$st" sim chkstop 5 on >/dev/null && echo "5 1" >$S/kernel/apsim/chkstop
"$APMATRIX" --sim="$st" sim scan >/dev/null
simtree "$st" "$W/tree"
same "lszcrypt" "$LSZ"
same "lszcrypt -V" "$LSZ" -V
same "lszcrypt -b" "$LSZ" -b
same "lszcrypt -d" "$LSZ" -d
same "lszcrypt -s" "$LSZ" -s
same "lszcrypt -c 04" "$LSZ" -c 04
same "lszcrypt -c 05.0004" "$LSZ" -c 05.0004
same "lszcrypt --accelonly --queueonly" "$LSZ" --accelonly --queueonly
same "lszdev -t ap" "$PEER_LSZDEV" -t ap
kill $qpid
wait $qpid 2>/dev/null
"$SYSW" $M/$G1/remove 1 >/dev/null
unload && ok "rmmod" || not_ok "rmmod"

# ================================================ (b) no APXA: 63 / 15
echo "# (b) max_adapter_id=63 max_domain_id=15: adapters 0:CEX4C,0x3f:CEX6P; domains 0,0xf"
st=$W/b.ini
cat >"$st" <<EOF
[host]
max_adapter_id = 63
max_domain_id = 15
features = APSC QACT RC8A
ap_domain = 0
[lpar]
adapters = 0:CEX4C,0x3f:CEX6P
usage_domains = 0,0xf
control_domains = 0-3,0xf
EOF
load_state "$st" || { not_ok "insmod"; done_testing; exit 1; }
# Without APXA the machine clears the N bit (bit 6) of every TAPQ answer.
out "lszcrypt -V" 0 "$LSZ" -V <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
00       CEX4C CCA-Coproc  online            0        0     10     08 S--D------ cex4card
00.0000  CEX4C CCA-Coproc  online            0        0     10     08 S--D------ cex4queue
00.000f  CEX4C CCA-Coproc  online            0        0     10     08 S--D------ cex4queue
3f       CEX6P EP11-Coproc online            0        0     12     08 -----X---- cex4card
3f.0000  CEX6P EP11-Coproc online            0        0     12     08 -----X---- cex4queue
3f.000f  CEX6P EP11-Coproc online            0        0     12     08 -----X---- cex4queue
EOF
out "lszcrypt -b" 0 "$LSZ" -b <<EOF
features: APSC QACT RC8A
ap_domain=0x00
ap_max_domain_id=0x0f
ap_interrupts are enabled
config_time=120 (seconds)
poll_thread is disabled
poll_timeout=250000 (nanoseconds)
EOF
"$LSZ" -d >"$W/d"
is "lszcrypt -d: row 00" "    00  B  C  C  C  .  .  .  .  .  .  .  .  .  .  .  B" "$(sed -n 3p "$W/d")"
is "lszcrypt -d: nothing beyond domain 15" 15 "$(sed -n '4,18p' "$W/d" | grep -c '^    [0-9a-f]0\(  \.\)\{16\}$')"
# show_capability reads a card ID with strtol(..., 0): "3f" is no number.
out "lszcrypt -c 3f: refused" 1 "$LSZ" -c 3f <<EOF
lszcrypt: Error - '3f' is an invalid cryptographic device id.
EOF
out "lszcrypt -c 0x3f: EP11" 0 "$LSZ" -c 0x3f <<EOF
card3f provides capability for:
EP11 Secure Key
AP bus max message size limit 12 Kb
EOF
out "lszcrypt -s" 0 serials <<EOF
CARD.DOM TYPE  MODE        STATUS     SERIALNR
----------------------------------------------
00       CEX4C CCA-Coproc  online     ########
3f       CEX6P EP11-Coproc online     ########
EOF
# What lszcrypt does not read but zkey and pvapconfig do (zcrypt_cex4.c
# ep11_api_ordinalnr_show "%u", ep11_fw_version_show "%d.%d",
# ep11_serialnr_show "%16.16s", ep11_card_op_modes_show).
is "card3f API_ordinalnr" yes "$(grep -q '^[0-9]\+$' $S/devices/ap/card3f/API_ordinalnr && echo yes)"
is "card3f FW_version" yes "$(grep -q '^[0-9]\+\.[0-9]\+$' $S/devices/ap/card3f/FW_version && echo yes)"
is "card3f serialnr: 16 characters" 16 "$(tr -d '\n' <$S/devices/ap/card3f/serialnr | wc -c)"
is "card3f op_modes" yes "$([ -r $S/devices/ap/card3f/op_modes ] && echo yes)"
out "chzcrypt -q 0x10: beyond ap_max_domain_id 15" 1 "$CHZ" -q 0x10 <<EOF
chzcrypt: Error - invalid default domain '0x10'.
EOF
out "chzdev -t ap apmask=-0x3f aqmask=-0xf -a" 0 "$PEER_CHZDEV" -t ap apmask=-0x3f aqmask=-0xf -a <<EOF
Configuring device type in the active configuration only
ap device type configured
EOF
lszdev_ap "lszdev -t ap" "0-62,64-255" "0-14,16-255"
echo '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"0x3f"},{"assign_domain":"0xf"},{"assign_control_domain":"3"}]}' >"$W/g.json"
out "mdevctl start $G1 with 3f.000f" 0 mdevctl start --uuid $G1 --parent matrix --jsonfile "$W/g.json" </dev/null
# ap-check knows no maximum; the kernel does (vfio_ap_ops.c: ENODEV above
# ap_max_adapter_id) and mdevctl takes the device away again.
echo '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"64"},{"assign_domain":"0"}]}' >"$W/g.json"
mdevctl start --uuid $G2 --parent matrix --jsonfile "$W/g.json" >"$W/o" 2>&1 &&
	not_ok "adapter 64 refused by the kernel" || ok "adapter 64 refused by the kernel"
is "and the device is gone" no "$([ -d $M/$G2 ] && echo yes || echo no)"
out "lszcrypt -V 3f" 0 "$LSZ" -V 3f <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
3f       CEX6P EP11-Coproc online            0        0     12     08 -----X---- cex4card
3f.0000  CEX6P EP11-Coproc unassigned        -        -     12     08 -----X---- vfio_ap
3f.000f  CEX6P EP11-Coproc assigned          -        -     12     08 -----X---- vfio_ap
EOF
agree "(b)"
mdevctl stop --uuid $G1
unload && ok "rmmod" || not_ok "rmmod"
both_fresh() { # the clients read the freshly loaded LPAR and its tree alike
	load_state "$1" || { not_ok "insmod"; return 1; }
	simtree "$1" "$W/tree"
}
if both_fresh "$st"; then
	same "(b) lszcrypt -V" "$LSZ" -V
	same "(b) lszcrypt -b" "$LSZ" -b
	same "(b) lszcrypt -d" "$LSZ" -d
	same "(b) lszcrypt -c 0x3f" "$LSZ" -c 0x3f
	same "(b) lszdev -t ap" "$PEER_LSZDEV" -t ap
	unload && ok "rmmod" || not_ok "rmmod"
fi

# ==================================== (c) mixed CCA, EP11 and accelerators
echo "# (c) adapters 0x10:CEX8C,0x11:CEX8P,0x12:CEX6A,0x20:CEX8A; domains 2,0x30"
st=$W/c.ini
cat >"$st" <<EOF
[host]
ap_domain = 2
[lpar]
adapters = 0x10:CEX8C,0x11:CEX8P,0x12:CEX6A,0x20:CEX8A
usage_domains = 2,0x30
control_domains = 2,0x30,0x31
EOF
load_state "$st" || { not_ok "insmod"; done_testing; exit 1; }
out "lszcrypt -V" 0 "$LSZ" -V <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS  PENDING HWTYPE QDEPTH FUNCTIONS  DRIVER
--------------------------------------------------------------------------------------------
10       CEX8C CCA-Coproc  online            0        0     14     08 S--D--N-F- cex4card
10.0002  CEX8C CCA-Coproc  online            0        0     14     08 S--D--N-F- cex4queue
10.0030  CEX8C CCA-Coproc  online            0        0     14     08 S--D--N-F- cex4queue
11       CEX8P EP11-Coproc online            0        0     14     08 -----XN-F- cex4card
11.0002  CEX8P EP11-Coproc online            0        0     14     08 -----XN-F- cex4queue
11.0030  CEX8P EP11-Coproc online            0        0     14     08 -----XN-F- cex4queue
12       CEX6A Accelerator online            0        0     12     08 -MC-A-N--- cex4card
12.0002  CEX6A Accelerator online            0        0     12     08 -MC-A-N--- cex4queue
12.0030  CEX6A Accelerator online            0        0     12     08 -MC-A-N--- cex4queue
20       CEX8A Accelerator online            0        0     14     08 -MC-A-N--- cex4card
20.0002  CEX8A Accelerator online            0        0     14     08 -MC-A-N--- cex4queue
20.0030  CEX8A Accelerator online            0        0     14     08 -MC-A-N--- cex4queue
EOF
out "lszcrypt --ccaonly" 0 "$LSZ" --ccaonly <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
10       CEX8C CCA-Coproc  online            0
10.0002  CEX8C CCA-Coproc  online            0
10.0030  CEX8C CCA-Coproc  online            0
EOF
out "lszcrypt --ep11only" 0 "$LSZ" --ep11only <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
11       CEX8P EP11-Coproc online            0
11.0002  CEX8P EP11-Coproc online            0
11.0030  CEX8P EP11-Coproc online            0
EOF
out "lszcrypt --accelonly --cardonly" 0 "$LSZ" --accelonly --cardonly <<EOF
CARD.DOM TYPE  MODE        STATUS     REQUESTS
----------------------------------------------
12       CEX6A Accelerator online            0
20       CEX8A Accelerator online            0
EOF
out "lszcrypt --ccaonly --ep11only: refused" 1 "$LSZ" --ccaonly --ep11only <<EOF
lszcrypt: Only one of --accelonly or --ccaonly or --ep11only can be specified
EOF
out "lszcrypt -s" 0 serials <<EOF
CARD.DOM TYPE  MODE        STATUS     SERIALNR
----------------------------------------------
10       CEX8C CCA-Coproc  online     ########
11       CEX8P EP11-Coproc online     ########
EOF
# show_card_capability: a CEX8C's class bit (F) names its function set.
out "lszcrypt -c 0x10: CCA, the full function set" 0 "$LSZ" -c 0x10 <<EOF
card10 provides capability for:
RSA 4K Clear Key
CCA Secure Key (full function set)
Long RNG
AP bus max message size limit 64 Kb
EOF
out "lszcrypt -c 0x11: EP11, 64 KiB messages" 0 "$LSZ" -c 0x11 <<EOF
card11 provides capability for:
EP11 Secure Key
AP bus max message size limit 64 Kb
EOF
out "lszcrypt -c 0x20: CEX8A" 0 "$LSZ" -c 0x20 <<EOF
card20 provides capability for:
RSA 4K Clear Key
AP bus max message size limit 12 Kb
EOF
mk_lines 10.0030 >"$W/mk"
out "lszcrypt -c 10.0030: a CEX8C's master keys" 0 "$LSZ" -c 10.0030 <"$W/mk"
# zcrypt_cex4.c ep11_mkvps_show: "WK CUR: STATE 0x%32phN", and WK NEW.
mk_lines 11.0030 >"$W/mk"
out "lszcrypt -c 11.0030: the EP11 wrapping key" 0 "$LSZ" -c 11.0030 <"$W/mk"
is "lszcrypt -c 11.0030: one WK CUR line" 1 \
	"$("$LSZ" -c 11.0030 | grep -c '^MK WK CUR: [a-z]* \(0x[0-9a-f]\{64\}\|-\)$')"
"$LSZ" -d >"$W/d"
is "lszcrypt -d: rows 00 and 30" \
	"    00  .  .  B  .  .  .  .  .  .  .  .  .  .  .  .  . |    30  B  C  .  .  .  .  .  .  .  .  .  .  .  .  .  ." \
	"$(sed -n '3p;6p' "$W/d" | sed 'N;s/\n/ |/')"
out "chzdev -t ap apmask=-0x11,-0x20 aqmask=-0x30 -a" 0 "$PEER_CHZDEV" -t ap apmask=-0x11,-0x20 aqmask=-0x30 -a <<EOF
Configuring device type in the active configuration only
ap device type configured
EOF
echo '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"0x11"},{"assign_adapter":"0x20"},{"assign_domain":"0x30"},{"assign_domain":"2"}]}' >"$W/g.json"
mdevctl start --uuid $G1 --parent matrix --jsonfile "$W/g.json" >"$W/o" 2>&1 &&
	ok "mdevctl start $G1 with EP11 and accelerator adapters" ||
	not_ok "mdevctl start $G1: $(cat "$W/o")"
"$CHZ" -d 10.0002 && "$CHZ" --config-off 12 && scan
agree "(c)"
mdevctl stop --uuid $G1
unload && ok "rmmod" || not_ok "rmmod"
if both_fresh "$st"; then
	same "(c) lszcrypt -V" "$LSZ" -V
	same "(c) lszcrypt -s" "$LSZ" -s
	same "(c) lszcrypt -c 0x11" "$LSZ" -c 0x11
	same "(c) lszcrypt -c 10.0030" "$LSZ" -c 10.0030
	same "(c) lszcrypt -d" "$LSZ" -d
	unload && ok "rmmod" || not_ok "rmmod"
fi
done_testing
