#!/bin/sh
# audit.sh - every change apmatrix applies is logged to syslog (facility
# authpriv, ident apmatrix), one line with who made it, the host, what it
# did, how it ended and what it touched before and after.  A datagram
# socket of the test's own stands in for /dev/log: it receives exactly what
# a real host's syslog daemon would.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
U1=0b9f1a8e-1111-4222-8333-944445555666
LOG=$work/syslog

# logged NAME WANT_RC ARGS...: run apmatrix ARGS on the host with a syslog
# socket bound for it; what reached the socket is in $LOG afterwards (one
# message a line).
logged() {
	name=$1 want=$2
	shift 2
	: >"$LOG"
	rm -f "$work/log.sock"
	APMATRIX_SYSLOG=$work/log.sock python3 "$TOP_SRCDIR/tests/lib/syslog-recv.py" "$work/log.sock" "$LOG" \
		"$APMATRIX" --sim="$sim" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else not_ok "$name: exit $rc, want $want"; show_file "$work/err"; fi
}
lines() { wc -l <"$LOG" | tr -d ' '; }
has_log() {
	if grep -qF -- "$2" "$LOG"; then ok "$1"; else not_ok "$1: '$2' not logged"; show_file "$LOG"; fi
}

me="uid=$(id -u)($(id -un))"
run "the state" 0 am show
logged "a mask change" 0 mask aqmask -0x01
is "one message" 1 "$(lines)"
# <85>: LOG_AUTHPRIV (10 << 3) | LOG_NOTICE (5); then syslog(3)'s time stamp and the ident.
if grep -qE '^<85>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} apmatrix\[[0-9]+\]: ' "$LOG"; then
	ok "authpriv.notice, syslog(3)'s form, ident apmatrix"
else
	not_ok "authpriv.notice, syslog(3)'s form"
	show_file "$LOG"
fi
has_log "who and where" "]: $me tty="
has_log "the host" "host=$sim: "
has_log "what, how it ended, its journal entry" "write aqmask -0x01: done [change #1]"
has_log "before and after" "before: host domains (aqmask) 0x00-0x03,0x05-0x46,0x48-0xaa,0xac-0xfe; after: host domains (aqmask) 0x00,0x02-0x03,0x05-0x46,0x48-0xaa,0xac-0xfe"

logged "an assignment" 0 assign "$G1" domain 0x01
has_log "the mdev's matrix before and after, its guest" \
	"assign domain 0x01 (mdev $G1): done [change #2]; before: adapters 0x05-0x06 domains 0x04,0xab control domains 0xab, in use by Guest1; after: adapters 0x05-0x06 domains 0x01,0x04,0xab control domains 0xab, in use by Guest1"

logged "a refusal of the kernel is logged too" 1 assign "$G3" adapter 5
if grep -q '^<84>' "$LOG"; then ok "as authpriv.warning"; else not_ok "as authpriv.warning"; show_file "$LOG"; fi
has_log "with the errno, and nothing changed" "assign adapter 0x05 (mdev $G3): refused (EADDRINUSE); before: adapters 0x06"

logged "a dry run is not" 0 mask apmask -4 --dry-run
is "nothing logged" 0 "$(lines)"
logged "nor is read-only mode" 1 --read-only mask aqmask +0x01
is "nothing logged" 0 "$(lines)"

logged "mdev create" 0 mdev create "$U1"
has_log "before: none" "create mdev $U1: done [change #3]; before: no mdev $U1; after: adapters none domains none control domains none"
logged "config" 0 config 5 off
has_log "the adapter's state" "configure adapter 0x05 off: done [change #4]; before: adapter 0x05 configured on; after: adapter 0x05 configured off"
logged "the simulated guest" 0 sim guest-stop "$G1"
has_log "is audited, with no state to compare" "sim guest_stop $G1: done"

logged "a definition written" 0 persist "$G3"
has_log "the file before and after, by what it says" \
	"define mdev $G3 (manual start): done [change #5]; before: absent; after: manual start, adapters 0x06 domains 0x47,0xff control domains none"
logged "undo" 0 undo
has_log "the undo is logged as such" "undo of change #5: remove again the definition of mdev $G3: done; before: manual start"

# Who: sudo's user, the SSH client, and untrusted text escaped into one line.
SUDO_USER=$(printf 'al\033ice\nx')
SSH_CONNECTION="192.0.2.7 50022 192.0.2.1 22"
export SUDO_USER SSH_CONNECTION
logged "from sudo over SSH" 0 config 5 on
unset SUDO_USER SSH_CONNECTION
has_log "sudo's user, escaped" "sudo_user=al\\x1bice\\x0ax"
has_log "the SSH client" "ssh=192.0.2.7 "
is "still one line" 1 "$(lines)"
# A name or address longer than the record's 64-byte fields is cut where
# it shows: it ends in "...", never looks whole (sudo's user can be any
# environment text, and so can SSH's).
b60=$(printf '%060d' 0 | tr 0 b)
c60=$(printf '%060d' 0 | tr 0 c)
SUDO_USER=${b60}bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
SSH_CONNECTION="${c60}cccccccccccccccccccccccccccccccccccccccc 50022 192.0.2.1 22"
export SUDO_USER SSH_CONNECTION
logged "a long sudo user and SSH client" 0 config 5 off
unset SUDO_USER SSH_CONNECTION
has_log "sudo's user, its cut marked" "sudo_user=${b60}... tty="
has_log "the SSH client, its cut marked" "ssh=${c60}..."

# No syslog daemon (a container, a test VM): the change is made, nothing is said.
run "syslog missing" 0 env APMATRIX_SYSLOG="$work/no-such.sock" "$APMATRIX" --sim="$sim" config 5 off
expect_no_grep "no complaint by default" err "syslog"

# A SPEC may be a page long: its record still says how the change ended and
# what it left (a 2048-byte message kept the SPEC's head only).
spec=$(for i in $(seq 400); do printf -- '+0x05,'; done)-0x05
logged "a long SPEC" 0 mask apmask "$spec"
has_log "is logged whole" "$spec: done [change #"
has_log "with what it left" "before: host adapters (apmask) 0x00-0xff; after: host adapters (apmask) 0x00-0x04,0x06-0xff"
done_testing
