#!/bin/sh
# hostile.sh - text from outside never reaches the terminal raw: guest names
# (the simulated QEMU's and a real /proc's), sysfs attribute text of a
# fixture tree, driver names, the --sim path and state-file text, through
# show (text, --json, --guest), the applied:/refused: lines and stderr.
# Escape sequences, C1 controls, DEL and invalid UTF-8 all come out as \xNN.
. "$TOP_SRCDIR/tests/cli/lib.sh"
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58

# clean NAME FILE...: every byte printable UTF-8 (tab and newline aside), no C1.
clean() {
	name=$1
	shift
	if python3 - "$@" <<'P'; then ok "$name"; else not_ok "$name"; for f in "$@"; do show_file "$f"; done; fi
import sys
bad = []
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        bad.append('%s: invalid UTF-8 at %d' % (path, e.start))
        continue
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch not in '\n\t') or 0x7f <= o <= 0x9f:
            bad.append('%s: U+%04X at %d' % (path, o, i))
            break
for b in bad:
    print('# ' + b)
sys.exit(1 if bad else 0)
P
}

# A guest name the model keeps exactly: C1 CSI (U+009B), an invalid byte, a '%'.
evil=$(printf 'ev\302\2331mil\377%%s')
run "a guest with C1 and invalid UTF-8 in its name" 0 am sim guest-start $G3 "$evil"
clean "applied: line escaped" "$work/out" "$work/err"
expect_grep "the name shown escaped in applied:" out 'ev\xc2\x9b1mil\xff%s'
run "show text" 0 am show
clean "show text escaped" "$work/out" "$work/err"
expect_grep "the mdev line names the guest escaped" out "$G3"'  ev\xc2\x9b1mil\xff%s'
run "show --json" 0 am show --json
clean "show --json escaped" "$work/out"
if python3 -m json.tool "$work/out" >/dev/null; then ok "show --json is valid JSON"; else not_ok "show --json is valid JSON"; fi
run "show --guest by that name" 0 am show --guest "$evil"
clean "its view" "$work/out" "$work/err"
run "a second guest of that name is refused" 1 am sim guest-start $G1 "$evil"
clean "the refusal escaped" "$work/out" "$work/err"

# Names the model cannot keep exactly are refused, never shortened.
for c in '\r' '\v' '\033[2J' '\177'; do
	run "a guest name with $c refused" 2 am sim guest-start $G3 "$(printf "a${c}b")"
	clean "its error escaped ($c)" "$work/err"
done
expect_json "the name kept exactly" "[m['guest'] for m in j['mdevs'] if m['uuid']=='$G3'][0]" 'ev\xc2\x9b1mil\xff%s'

# The --sim path and the state file's text.
odd="$work/st$(printf '\033]0;x\007')ate.ini"
run "a state file whose path has an OSC sequence" 0 "$APMATRIX" --sim="$odd" show
clean "the path escaped in show" "$work/out" "$work/err"
printf '[host]\nprofile = 6.13\n[lpar]\nadapters = 5:CEX\0338C\n' >"$work/bad.ini"
run "a state file with an escape in a type" 2 "$APMATRIX" --sim="$work/bad.ini" show
clean "the file's text escaped in the error" "$work/err"
expect_grep "and named" err "bad.ini:4:"

# A restore file's path is the operator's text: every line of the unplug,
# its resumption and its end name it escaped (the library promises so).
rf="$work/r$(printf '\033[31m')ed.json"
run "unplug into a path with an escape" 0 am unplug 62177883 --save "$rf"
clean "the path escaped in the unplug's account" "$work/out" "$work/err"
expect_grep "and named" out 'step 1: wrote '"$work"'/r\x1b[31med.json'
run "unplug again: resumed" 0 am unplug 62177883 --save "$rf"
clean "the path escaped in the resumption" "$work/out" "$work/err"
run "unplug --done" 0 am unplug --done "$rf"
clean "the path escaped at the end" "$work/out" "$work/err"
# replug --check --json names the file in valid UTF-8, found or not.
rx="$work/r$(printf '\377').json"
run "unplug into a path that is not UTF-8" 0 am unplug 62177883 --save "$rx"
run "replug --check --json on it" 0 am replug --check --json --from "$rx"
if python3 -c "import json,sys; json.load(open(sys.argv[1], 'rb'))" "$work/out"; then ok "valid JSON"; else not_ok "valid JSON"; fi
run "replug --check --json on a missing one" 1 am replug --check --json --from "$rx.missing"
if python3 -c "import json,sys; json.load(open(sys.argv[1], 'rb'))" "$work/out"; then ok "valid JSON"; else not_ok "valid JSON"; fi

# A fixture tree whose sysfs text is hostile, and a /proc whose QEMU is.
tree=$work/sys
cp -R "$FIXTURES/sysfs/host-613" "$tree"
chmod -R u+w "$tree"
printf 'CEX\033[2J5C\n' >"$tree/devices/ap/card05/type"
printf 'ap\302\233qci apxa\n' >"$tree/bus/ap/features"
printf 'guest_matrix \377hotplug ap_config\n' >"$tree/devices/vfio_ap/matrix/features"
proc=$work/proc
mkdir -p "$proc/4242/fd"
ln -s /dev/vfio/0 "$proc/4242/fd/3"
printf 'qemu-system-s390x\0-name\0guest=q\033[31mred\177,debug-threads=on\0' >"$proc/4242/cmdline"
run "show on the tree" 0 env APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" --read-only show
clean "sysfs text and the guest escaped" "$work/out" "$work/err"
expect_grep "the card's type escaped" out 'CEX\x1b[2J5C'
expect_grep "the /proc guest escaped" out 'q\x1b[31mred\x7f'
run "show --json on the tree" 0 env APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" --read-only show --json
clean "JSON from the tree escaped" "$work/out"
if python3 -m json.tool "$work/out" >/dev/null; then ok "valid JSON from the tree"; else not_ok "valid JSON from the tree"; fi
run "show --guest on the tree" 0 env APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" --read-only show --guest $G1
clean "the guest's lszcrypt view escaped" "$work/out"
run "a refused change on the tree" 1 env APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" --read-only unassign $G1 domain 4
clean "its report escaped" "$work/out" "$work/err"
# A guest's long name (libvirt allows 251 bytes) is named whole where an
# explanation names the mdev that holds the APQNs.
long=$(printf 'g%.0s' $(seq 200))
mkdir -p "$proc/4343/fd"
ln -s /dev/vfio/1 "$proc/4343/fd/3"
printf 'qemu\0-name\0guest=%s,debug-threads=on\0' "$long" >"$proc/4343/cmdline"
run "a refused assignment names the holder" 1 env APMATRIX_PROC="$proc" "$APMATRIX" --sysfs "$tree" --read-only assign 8f2a adapter 5 --dry-run
expect_grep "with its guest's whole name" out "    mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 ($long): 05.0047 05.00ff"
done_testing
