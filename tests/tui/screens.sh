#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# screens.sh - scripted screen tests of the console, in the way tig tests
# itself: the real binary runs headless from a script of keys and :actions,
# advancing only when idle; :save-display writes the screen's text and its
# role map (which theme role drew each cell), compared with expected/.
# `:shell CMD` plays another process changing the host (its events are then
# handled as the terminal loop would), `:tick` the refresh interval.
# As a test it only compares.  Rewriting the expected files is a command of
# its own, `make update-screens` (screens.sh --update): review the diff!
. "$TOP_SRCDIR/tests/cli/lib.sh"
update=
[ "${1:-}" = --update ] && update=1
exp=$TOP_SRCDIR/tests/tui/expected
cd "$work" || exit 1
# UTF-8 unless a test asks for ASCII (C.UTF-8 is built into glibc).
export LC_ALL=C.UTF-8

# compare FILE: a saved screen (text and roles) against expected/.
compare() {
	for g in "$1" "$1.roles"; do
		if [ -n "$update" ]; then
			cp "$g" "$exp/$g" && echo "# updated tests/tui/expected/$g"
		elif cmp -s "$g" "$exp/$g"; then
			ok "$name: $g"
		else
			not_ok "$name: $g differs from expected/"
			diff -u "$exp/$g" "$g" | head -30 | sed 's/^/#   /'
		fi
	done
}

# screens NAME [--size WxH] [tui options]: run $work/NAME.script on a fresh
# host.ini (a copy of $host when that is set), compare every screen it saved.
screens() {
	name=$1
	shift
	size=100x30
	if [ "${1:-}" = --size ]; then
		size=$2
		shift 2
	fi
	rm -f host.ini "$name".*.txt "$name".*.txt.roles "$APMATRIX_JOURNAL"
	rm -rf "$APMATRIX_CONFIG_ROOT"
	[ -z "${host:-}" ] || cp "$host" host.ini
	"$APMATRIX" --sim=host.ini tui --script "$name.script" --size "$size" "$@" >out 2>err
	rc=$?
	is "$name: the script ran" 0 "$rc"
	[ "$rc" -eq 0 ] || show_file err
	saved=0
	for f in "$name".*.txt; do
		[ -f "$f" ] || continue
		saved=$((saved + 1))
		compare "$f"
	done
	# A script that saves no screen compares nothing: that is a broken test.
	[ "$saved" -gt 0 ] && ok "$name: screens saved ($saved)" || not_ok "$name: the script saved no screen"
}

# has NAME FILE TEXT: a saved screen shows TEXT; hasnt: it does not.
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' not on $2"; show_file "$2"; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then not_ok "$1: '$3' on $2"; show_file "$2"; else ok "$1"; fi
}

# Navigation: arrows, hjkl, go to an APQN, show all, help.
cat >nav.script <<'S'
:save-display nav.1.txt
<Down><Right><Right>
:save-display nav.2.txt
jjlh
g0a.0047<Enter>
:save-display nav.3.txt
*
:save-display nav.4.txt
?
:save-display nav.5.txt
q
S
screens nav

# A queue's own state where it is not its card's (chzcrypt -d 05.0001, a
# queue deconfigured alone): '_' after the cell, never colour alone, and
# the detail says which.
rm -f host.ini
"$APMATRIX" --sim=host.ini show >/dev/null
sed -i 's/^; end of the apmatrix state$/[queue 05.0001]\nonline = 0\n[queue 06.0001]\nconfig = 0\n&/' host.ini
cp host.ini qstate.ini
host=$work/qstate.ini
cat >qstate.script <<'S'
g05.0001<Enter>
:save-display qstate.1.txt
g06.0001<Enter>
:save-display qstate.2.txt
S
screens qstate
unset host
has "an offline queue is marked" qstate.1.txt "05 CEX5C cca        h_"
has "the detail says offline" qstate.1.txt "queue itself: offline (zcrypt), unlike its card"
has "a deconfigured queue is marked" qstate.2.txt "06 CEX5A accel      h_"
has "the detail says deconfigured" qstate.2.txt "queue itself: deconfigured, unlike its card"
hasnt "a queue like its card is not" qstate.1.txt "04 CEX5C cca   off  h_"

# g reads an APQN as apm_parse_apqn does: the kernel's form or fewer
# digits, nothing that only looks like one ("0x5.47").
cat >goto.script <<'S'
g0x5.47<Enter>
:save-display goto.1.txt
g6.ff<Enter>
:save-display goto.2.txt
S
screens goto
has "a look-alike is not an APQN" goto.1.txt "'0x5.47' is not an APQN: write it as AA.DDDD in hex"
has "fewer digits are one" goto.2.txt "APQN 06.00ff"

# An assignment the rules refuse: preview, verdict and explanation; y is
# not offered (it only says why) and nothing is written.
cat >assign.script <<'S'
<Tab><Tab>
jj
a
:save-display assign.1.txt
y
:save-display assign.2.txt
S
screens assign

# An unassign from a running guest: the preview names the guest and the APQNs it loses.
cat >unplug.script <<'S'
:goto 06.0004
A
:save-display unplug.1.txt
y
:save-display unplug.2.txt
S
screens unplug

# A selection: a rectangle of two adapters x two domains assigned to a new
# mdev; the preview shows the whole cross product and the rules' verdict.
cat >select.script <<'EOS'
N0b9f1a8e-1111-4222-8333-944445555666<Enter>
y
:next-mdev 0b9f1a8e
:goto 04.0047
v
jj
l
:save-display select.1.txt
S
S
:save-display select.2.txt
n
:goto 04.0047
v
l
S
y
:save-display select.3.txt
:goto 04.0004
b
:save-display select.4.txt
S
EOS
screens select

# The HMC's side on the simulated host: the over-provisioned adapter 0x0a
# arrives and is plugged into Guest2 at once; a usage domain leaves the LPAR.
cat >lpar.script <<'EOS'
+0x0a CEX5C<Enter>
y
:save-display lpar.1.txt
:goto 05.0047
<
y
:save-display lpar.2.txt
EOS
screens lpar

# The LPAR prompt's words are read whole: an ID longer than a short buffer
# is not cut to another ID (0x000000000000000a was 0x00), a third word is refused.
cat >lparid.script <<'EOS'
+0x000000000000000a CEX5C<Enter>
:save-display lparid.1.txt
n
+5 CEX5C junk<Enter>
+0x100<Enter>
:save-display lparid.2.txt
EOS
screens lparid
has "the whole ID is asked for" lparid.1.txt "LPAR: add adapter 0x0a CEX5C? y: do it, n: cancel"
has "a third word is refused" lparid.2.txt "'5 CEX5C junk': write ID [TYPE], e.g. 0x0a CEX8C"
has "an ID out of range is named" lparid.2.txt "ID 0x100 is out of range: adapters and domains are 0..255"

# zcrypt online/offline: the card and a queue; a queue of an offline card
# cannot go online (EINVAL), a configured-off card not at all (ENODEV).
cat >online.script <<'EOS'
:goto 05.0001
O
y
:save-display online.1.txt
o
:save-display online.2.txt
n
:goto 04.0001
O
:save-display online.3.txt
n
EOS
screens online

# The filter: only the selected mdev's adapters and domains.
cat >filter.script <<'EOS'
:next-mdev cef03c3c
/
:save-display filter.1.txt
EOS
screens filter

# A real host whose sysfs this user cannot write: changes are not offered.
cp -R "$FIXTURES/sysfs/host-613" ro-sys
chmod -R a-w ro-sys
cat >ro.script <<'EOS'
m
:save-display ro.1.txt
EOS
as_user=
# root may write anything: look through the eyes of an ordinary user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$work"
	chmod 777 .
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
$as_user "$APMATRIX" --sysfs ro-sys tui --script ro.script --size 100x30 >out 2>err
# An ordinary user must reach the build: a checkout in a private directory is not.
[ -s ro.1.txt ] || { not_ok "not writable: no screen as uid 65534 (can it reach $APMATRIX?)"; show_file err; }
is "not writable: the change is not offered" 1 "$(grep -c 'is not writable for this user' ro.1.txt)"
is "not writable: nothing pending" 0 "$(grep -c 'y: do it' ro.1.txt)"
chmod -R u+w ro-sys

# A host that is itself a Secure Execution guest (APSB): the queue's SE
# bind and association state in the details; elsewhere "n/a".
cp -R "$FIXTURES/sysfs/host-613" se-sys
chmod -R u+w se-sys
echo "APSC APXA QACT RC8A APSB" >se-sys/bus/ap/features
echo bound >se-sys/devices/ap/card05/05.0004/se_bind
echo "associated 5" >se-sys/devices/ap/card05/05.0004/se_associate
cat >se.script <<'EOS'
:goto 05.0004
:save-display se.1.txt
EOS
"$APMATRIX" --sysfs se-sys tui --script se.script --size 100x30 >out 2>err
is "SE state of the queue shown" 1 "$(grep -c 'SE: bound, associated 5' se.1.txt)"
"$APMATRIX" --sim=se.ini tui --script se.script --size 100x30 >out 2>err
is "no APSB: n/a" 1 "$(grep -c 'SE bind/associate: n/a' se.1.txt)"

# A guest whose name cannot be seen (a QEMU without -name): the guest
# action says what it would do without a gap where the name would go.
cp -R "$FIXTURES/sysfs/host-613" nn-sys
chmod -R u+w nn-sys
mkdir -p nn-proc/4242/fd
ln -sf /dev/vfio/1 nn-proc/4242/fd/7
printf 'qemu\0-machine\0s390-ccw-virtio\0' >nn-proc/4242/cmdline
cat >nn.script <<'EOS'
:select-mdev J
:guest
:save-display nn.1.txt
EOS
APMATRIX_PROC=$work/nn-proc "$APMATRIX" --sysfs nn-sys tui --script nn.script --size 120x40 >out 2>err
has "unnamed guest: the stop is said" nn.1.txt "stop the guest on mdev J"
hasnt "unnamed guest: no gap for its name" nn.1.txt "guest  on"

# ap-check's findings are listed whole (i): one that quotes a libvirt
# domain name of 200 characters twice ends as the library wrote it.
long=$(printf '%0200d' 0 | tr 0 g)
libvirt_running "$work/long-root" "$long" 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 1
printf 'i\n:save-display long.1.txt\n' >long.script
APMATRIX_CONFIG_ROOT=$work/long-root "$APMATRIX" --sim tui --script long.script --size 200x60 >out 2>err
has "a long finding: its end is shown" long.1.txt "plug it in again"

# The grid keeps its cells between frames (view-grid.c): after every step
# of the console's own changes, the frame from the kept cells is the frame
# made afresh (:verify-frame), cell for cell.  Each of these changes is
# read back whole, so what the cells keep here is across frames, cursor
# moves, selections, a frame's read budget and definitions written; the
# kept cells across the engine's deltas are tested against the kernel's
# uevents (tests/vm/t-watch.sh).  Each kind of step once, then random
# sequences of them.
kept_steps='o|y
O|y
f|y
K|y
E|y
m|y
M|y
a|y
A|y
d|y
D|y
c|y
C|y
<Tab>
GGuest9<Enter>|y
p|y
P|y
s
N<Enter>|y
X|y
u|y
V|S|y
V|U|y
*
/
jjj
lll
<PgDn>
<Home>
:goto 05.0001
:goto 06.0047
:goto 0a.00ff
:lpar-add-adapter 0x20 CEX7C|y
:lpar-remove-domain|y
:frame-cells 3'
# kept_script SEED COUNT: COUNT random steps (all of them once when SEED is 0), each verified.
kept_script() {
	printf '%s\n' "$kept_steps" | awk -v seed="$1" -v count="$2" '
	{ step[NR] = $0 }
	END {
		srand(seed)
		n = seed ? count : NR
		for (i = 1; i <= n; i++) {
			s = seed ? step[int(rand() * NR) + 1] : step[i]
			gsub(/\|/, "\n", s)
			print s
			print "<Esc>"
			print ":verify-frame"
		}
		print ":save-display kept.1.txt"
	}'
}
for seed in 0 1 2 3 4 5; do
	kept_script "$seed" 60 >kept.script
	rm -f host.ini "$APMATRIX_JOURNAL"
	rm -rf "$APMATRIX_CONFIG_ROOT"
	"$APMATRIX" --sim=host.ini tui --script kept.script --size 160x50 >out 2>err
	rc=$?
	is "kept cells, steps of seed $seed: every frame is the frame made afresh" "0 0" \
		"$rc $(grep -c 'not the frame made afresh' err)"
	[ "$rc" -eq 0 ] || show_file err
done
# ... and the check itself finds a cell kept wrong: one spoiled on purpose
# (:spoil-cell) is named, where a fresh frame draws it as it is.
cat >kept.script <<'EOS'
:goto 04.0001
:verify-frame
:spoil-cell 05.0047
:verify-frame
:save-display kept.1.txt
EOS
rm -f host.ini
"$APMATRIX" --sim=host.ini tui --script kept.script --size 100x30 >out 2>err
is "kept cells: a spoiled cell is found (exit 2)" 2 "$?"
is "kept cells: the spoiled cell is named" 1 \
	"$(grep -c "kept.script:4: the frame from the kept cells is not the frame made afresh: column [0-9]*, line [0-9]*: '!' (role .) from the kept cells, '.' (role .) made afresh" err)"
[ "$(grep -c 'made afresh' err)" -eq 1 ] || show_file err

# The remaining actions, each once, with what the log says: an apmask
# toggle (adapter 5 to vfio_ap), paging, the previous mdev, an adapter
# hot-plugged into a running guest and back, a control domain, an assign
# that changes nothing (y not offered), a domain unassign, configure
# off/on, a rescan, the SE side and a checkstop, a guest stop, removing an
# adapter that is not in the LPAR (ENODEV, foreseen by the rules), help on
# and off.
cat >all.script <<'EOF'
:goto 05.0001
m
y
<PgDn><PgUp><End><Home>
<S-Tab>
:next-mdev 62177883
:goto 04.0004
a
y
:save-display all.1.txt
A
y
c
y
C
y
d
:save-display all.2.txt
n
D
y
:goto 04.0001
f
y
s
y
:goto 06.0001
E
y
E
y
K
y
:save-display all.3.txt
K
y
:next-mdev 62177883
G
y
:goto 0a.0047
-
:save-display all.4.txt
n
??
:save-display all.5.txt
q
EOF
screens all

# A mask toggle that gives away the host's default domain: the preview warns.
cat >mask.script <<'S'
M
:save-display mask.1.txt
n
:save-display mask.2.txt
S
screens mask

# Create with a typed UUID, then remove it (forked: the write could block).
cat >mdev.script <<'S'
N0b9f1a8e-1111-4222-8333-944445555666<Enter>
y
:next-mdev 0b9f1a8e
j
a
y
:save-display mdev.1.txt
X
:save-display mdev.2.txt
y
:save-display mdev.3.txt
S
screens mdev

# Hot plug seen: Guest3 starts on mdev B; an assignment reaches it at once.
cat >guest.script <<'S'
<Tab>
GGuest3<Enter>
y
:save-display guest.1.txt
<Tab><Tab><Tab>
jj
X
y
:save-display guest.2.txt
S
screens guest

# Warnings the kernel does not give: a control domain that is a host usage
# domain or another mdev's usage domain, control domains without usage domains.
cat >warn.script <<'S'
:next-mdev 8f2a7c10
:goto 05.0001
c
y
:goto 05.0047
:next-mdev 62177883
c
y
N0b9f1a8e-1111-4222-8333-944445555666<Enter>
y
:next-mdev 0b9f1a8e
c
y
:save-display warn.1.txt
S
screens warn

# Two more warnings: a running guest with an adapter configured off or
# checkstopped (all.1: adapter 4 joins Guest1 while off; all.3: adapter 6
# checkstopped), and a queue of a running guest deconfigured.
has "a guest's adapter configured off" all.1.txt "! mdev V: Guest1 has adapter 0x04, configured off"
has "a guest's adapter checkstopped" all.3.txt "! mdev V: Guest1 has adapter 0x06, checkstopped"
rm -f host.ini
"$APMATRIX" --sim=host.ini show >/dev/null
# Before the state file's end marker: a file cut short is refused.
sed -i 's/^; end of the apmatrix state$/[queue 05.0004]\nconfig = no\n&/' host.ini
cp host.ini deconf.ini
host=$work/deconf.ini
printf ':save-display deconf.1.txt\ni\n:save-display deconf.2.txt\n' >deconf.script
screens deconf
unset host
has "a guest's queue deconfigured" deconf.1.txt "! mdev V: Guest1's queue 05.0004 is deconfigured"
has "all warnings listed whole (i)" deconf.2.txt "warnings (the kernel gives none of them)"

# Monochrome and ASCII: the same meaning without colour and without UTF-8.
cat >modes.script <<'S'
:save-display modes.1.txt
:resize 60x20
:save-display modes.2.txt
:resize 100x30
:save-display modes.3.txt
S
screens modes --mono --ascii

# A malformed theme: every bad line is named with file:line (lines inih
# itself rejects too, which it reports only the first of), on stderr and in
# the log; the built-in values stay.
cat >bad.ini <<'INI'
[roles]
cell_host = white, default
cell_free = greenish, default
no_such_role = red
cursor = black, white, blinking
this line is not a setting
[roles
cell_host = purple, default
INI
cat >theme.script <<'S'
:save-display theme.1.txt
S
screens theme --theme ./bad.ini
is "theme errors name file:line (colour)" 1 "$(grep -c "bad.ini:3: 'greenish' is not a colour" err)"
is "theme errors name file:line (role)" 1 "$(grep -c "bad.ini:4: unknown role 'no_such_role'" err)"
is "theme errors name file:line (attribute)" 1 "$(grep -c "bad.ini:5: 'blinking' is not an attribute" err)"
is "theme errors: a line that is no setting" 1 "$(grep -c "bad.ini:6: not NAME = VALUE" err)"
is "theme errors: a section without ]" 1 "$(grep -c "bad.ini:7: a section header needs its ']'" err)"
is "theme errors: and the line after it" 1 "$(grep -c "bad.ini:8: 'purple' is not a colour" err)"
is "every theme error is in the log too" 1 "$(grep -c "bad.ini:8: 'purple'" theme.1.txt)"
# A theme path longer than the console's buffer is no theme, not the file its
# first 1023 bytes name (here bad.ini, whose errors would be reported).
cut=$(printf './%.0s' $(seq 508))bad.ini
echo ':save-display longpath.1.txt' >longpath.script
"$APMATRIX" --sim=host.ini tui --script longpath.script --size 100x30 --theme "${cut}x.ini" >out 2>err
is "a cut theme path is not opened" 0 "$(grep -c "bad.ini:3:" err)"
is "it is said to be too long" 1 "$(grep -c "not found (File name too long); using the built-in theme" err)"
# The theme's path is the operator's text: escaped in its errors, as its lines are.
esc_theme="bad$(printf '\033')[31m.ini"
cp bad.ini "$esc_theme"
echo ':save-display esctheme.1.txt' >esctheme.script
"$APMATRIX" --sim=host.ini tui --script esctheme.script --size 100x30 --theme "./$esc_theme" >out 2>err
is "a theme path's escape is not written raw" 0 "$(grep -c "$(printf '\033')" err)"
is "it is shown escaped" 1 "$(grep -c 'bad\\x1b\[31m.ini:3: .greenish. is not a colour' err)"
# A comment longer than inih's 200-byte buffer still counts as one line.
{
	echo "[roles]"
	printf '; %0300d\n' 0
	echo "cell_free = greenish, default"
} >long.ini
sed 's/theme\.1/longtheme.1/' theme.script >longtheme.script
screens longtheme --theme ./long.ini
is "a line after a long one is named right" 1 "$(grep -c "long.ini:3: 'greenish' is not a colour" err)"
# A setting longer than inih's buffer is an error, never read cut short
# (the first 199 bytes "red, default, bold") nor its rest as a line of its
# own ("cursor = red"); a value over the theme's 127 bytes likewise.
{
	echo "[roles]"
	printf 'cell_free = red, default, bold%0180d x\n' 0 | tr 0 ' '
	printf 'title = yellow%0190dcursor = red\n' 0 | tr 0 ' '
	printf 'cell_host = red,%0130d,x\n' 0 | tr 0 ' '
	echo "cell_empty = greenish"
} >longset.ini
sed 's/theme\.1/longset.1/' theme.script >longset.script
screens longset --theme ./longset.ini
is "a long setting is named" 1 "$(grep -c "longset.ini:2: the line is longer than 199 bytes" err)"
is "another long setting is named" 1 "$(grep -c "longset.ini:3: the line is longer than 199 bytes" err)"
is "a long value is named" 1 "$(grep -c "longset.ini:4: the value of 'cell_host' is longer than 127 bytes" err)"
is "the lines after them are named right" 1 "$(grep -c "longset.ini:5: 'greenish' is not a colour" err)"
is "nothing else is reported" 4 "$(grep -c "longset.ini:" err)"

# config.ini: theme, interval and a key binding; a bad line names file:line.
mkdir -p cfg/apmatrix
cat >cfg/apmatrix/config.ini <<'INI'
[ui]
theme = mono
interval = 2000
[keys]
assign-adapter = x
toggle-apmask = F5
remove-mdev = nokey
INI
cat >config.script <<'S'
:next-mdev 8f2a7c10
x
:save-display config.1.txt
n
?
:save-display config.2.txt
S
XDG_CONFIG_HOME=cfg screens config
is "config.ini error names file:line" 1 "$(grep -c "cfg/apmatrix/config.ini:7: not a key name (x, ^X, Tab, F1, Up, PgDn, ...): 'nokey'" err)"
# A key name is whole or an error: "F5x" and "F 5" are not F5.
mkdir -p cfg2/apmatrix
printf '[keys]\nassign-adapter = F5x\ntoggle-apmask = F 5\nremove-mdev = F13\nquit = F12\n' >cfg2/apmatrix/config.ini
echo ':save-display keys.1.txt' >keys.script
XDG_CONFIG_HOME=cfg2 "$APMATRIX" --sim=host.ini tui --script keys.script --size 100x30 >out 2>err
for l in "2:.*'F5x'" "3:.*'F 5'" "4:.*'F13'"; do
	is "config.ini: a key name with more after it is refused (line ${l%%:*})" 1 \
		"$(grep -c "cfg2/apmatrix/config.ini:$l" err)"
done
is "config.ini: F12 is a key" 3 "$(grep -c "cfg2/apmatrix/config.ini:" err)"
# $XDG_CONFIG_HOME is outside text: its escape is not written raw in config.ini's errors.
esc_cfg="cfg$(printf '\033')[31m"
mkdir -p "$esc_cfg/apmatrix"
printf '[keys]\nquit = F13\n' >"$esc_cfg/apmatrix/config.ini"
XDG_CONFIG_HOME=$esc_cfg "$APMATRIX" --sim=host.ini tui --script keys.script --size 100x30 >out 2>err
is "a config path's escape is not written raw" 0 "$(grep -c "$(printf '\033')" err)"
is "it is shown escaped" 1 "$(grep -c 'cfg\\x1b\[31m/apmatrix/config.ini:2: ' err)"
# A config.ini that cannot be read is said, not skipped as if there were none.
mkdir -p cfg3/apmatrix
ln -s config.ini cfg3/apmatrix/config.ini
XDG_CONFIG_HOME=cfg3 "$APMATRIX" --sim=host.ini tui --script keys.script --size 100x30 >out 2>err
is "an unreadable config.ini is named" 1 \
	"$(grep -c "cfg3/apmatrix/config.ini: cannot read it (Too many levels of symbolic links); the defaults are used" err)"

# ------------------------------------------------ identity that never moves

# The selection is held by UUID.  Another process creates an mdev that sorts
# first and hashes to Y's letter: 8f2a7c10, made first, keeps Y (the new
# one is Y1), the selection stays on 8f2a7c10 and the next assign goes
# there.  When another process removes it, nothing is selected and every
# mdev action says so.  N selects the mdev it creates.
cat >identity.script <<'EOS'
:next-mdev 8f2a7c10
:shell "$APMATRIX" --sim=host.ini mdev create 00000000-0000-4000-8000-000000000001 >/dev/null
:save-display identity.1.txt
:goto 04.0047
a
:save-display identity.2.txt
n
:shell "$APMATRIX" --sim=host.ini mdev remove 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 >/dev/null
:save-display identity.3.txt
a
X
G
:save-display identity.4.txt
N0b9f1a8e-1111-4222-8333-944445555666<Enter>
y
:save-display identity.5.txt
EOS
screens identity
has "a create elsewhere: the same mdev stays selected" identity.1.txt "mdev Y (8f2a7c10…)  ?: help"
has "its label did not move; the new one has the longer label" identity.1.txt "Y1 00000000…"
has "the next assign goes to it" identity.2.txt "assign adapter 0x04 to mdev Y (8f2a7c10…)"
has "removed elsewhere: nothing selected" identity.3.txt "no mdev selected  ?: help"
has "and the log says so" identity.3.txt "mdev 8f2a7c10… is gone: no mdev selected"
has "every mdev action then: no mdev selected (a, X, G: said once, counted)" identity.4.txt \
	"no mdev selected: Tab or = selects one, N creates one (3 times)"
has "N selects the mdev it created" identity.5.txt "(0b9f1a8e…)  ?: help"
# A malformed UUID is named and explained, not answered with a bare errno.
printf 'Nnot-a-uuid<Enter>\n:save-display badu.1.txt\n' >badu.script
rm -f host.ini
"$APMATRIX" --sim=host.ini tui --script badu.script --size 100x30 >out 2>err
has "N with a malformed UUID: what is wrong" badu.1.txt "'not-a-uuid' is not a UUID: 8-4-4-4-12 hex digits"
# With a generated UUID too.
printf 'N<Enter>\ny\n:save-display gen.1.txt\n' >gen.script
rm -f host.ini
"$APMATRIX" --sim=host.ini tui --script gen.script --size 100x30 >out 2>err
new=$("$APMATRIX" --sim=host.ini show --json | python3 -c "import json,sys; print([m['uuid'][:8] for m in json.load(sys.stdin)['mdevs'] if m['uuid'][:8] not in ('62177883','8f2a7c10','cef03c3c')][0])")
has "N with a generated UUID selects it too" gen.1.txt "($new…)  ?: help"

# The console's mdev selection takes a guest name, a UUID prefix, a label;
# a prefix too short is refused with the rule; "." selects the owner of the
# cell under the cursor.
cat >pick.script <<'EOS'
=Guest2<Enter>
:save-display pick.1.txt
=8f2a<Enter>
:save-display pick.2.txt
=v<Enter>
:save-display pick.3.txt
=cef<Enter>
:save-display pick.4.txt
:goto 06.0047
.
:save-display pick.5.txt
:goto 04.0001
.
:save-display pick.6.txt
EOS
screens pick
has "by guest name" pick.1.txt "mdev J (cef03c3c…)  ?: help"
has "by UUID prefix" pick.2.txt "mdev Y (8f2a7c10…)  ?: help"
has "by label (any case)" pick.3.txt "mdev V (62177883…)  ?: help"
has "a short prefix: the rule" pick.4.txt "(a UUID prefix needs 4 characters or more)"
has "and the selection stays" pick.4.txt "mdev V (62177883…)  ?: help"
has "the owner of the cell under the cursor" pick.5.txt "mdev Y (8f2a7c10…)  ?: help"
has "a cell in no mdev: says so" pick.6.txt "04.0001 is in no mdev"

# ------------------------------------------------ events lost
# The simulated host's uevents with a ring of 64 (APMATRIX_SIM_EVENTS: its
# netlink buffer) and a mask toggle that re-probes 256 queues (768 events):
# the engine is told of the loss (ENOBUFS), reads the host whole once, and
# the console says so in its log; the grid shows the host as it is.  With
# the ring that holds them, nothing is lost and nothing said.
printf '[lpar]\nadapters = 0-3:CEX8C\nusage_domains = 0-255\ncontrol_domains = 0-255\n' >lost.ini
cp lost.ini held.ini
printf 'my\n:save-display lost.1.txt\nL\n:save-display lost.2.txt\n' >lost.script
APMATRIX_SIM_EVENTS=64 "$APMATRIX" --sim=lost.ini tui --script lost.script --size 120x40 >out 2>err
is "lost: the script ran" 0 $?
has "the loss is logged, with its count" lost.1.txt "uevents were lost (1 times so far): the host was read whole"
has "the adapter went to vfio_ap all the same" lost.1.txt "00 CEX8C cca        f  f  f"
has "the log keeps it" lost.2.txt "uevents were lost (1 times so far)"
sed 's/lost\./held./g' lost.script >held.script
"$APMATRIX" --sim=held.ini tui --script held.script --size 120x40 >out 2>err
is "held: the script ran" 0 $?
hasnt "a storm the ring holds: no loss said" held.2.txt "uevents were lost"
has "the same grid" held.1.txt "00 CEX8C cca        f  f  f"

# ------------------------------------------ a verdict fresh at the yes

# A preview the kernel would accept; then another process assigns adapter 4
# to Guest2's mdev: the open preview is marked stale, and y plans it again:
# the new verdict (EADDRINUSE, naming the holder) is shown, y is no longer
# offered, nothing is written and no false rules/kernel mismatch is told.
# Then a preview that an unrelated change overtakes: y plans it again,
# finds the same change and applies it.
cat >stale.script <<'EOS'
:next-mdev 8f2a7c10
:goto 04.0047
a
:save-display stale.1.txt
:shell "$APMATRIX" --sim=host.ini assign cef03c3c adapter 4 >/dev/null
:save-display stale.2.txt
y
:save-display stale.3.txt
n
:goto 06.0004
c
:shell "$APMATRIX" --sim=host.ini sim lpar add usage-domain 0x10 >/dev/null
:save-display stale.4.txt
y
:save-display stale.5.txt
EOS
screens stale
has "accepted at first" stale.1.txt "rules' verdict: the kernel will accept it"
hasnt "not stale before any event" stale.1.txt "STALE"
has "an event marks the open preview stale" stale.2.txt "STALE: the host changed after this preview was made"
has "y planned it again: the new verdict" stale.3.txt "the verdict is now EADDRINUSE (was accept)"
has "naming the new holder" stale.3.txt "mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4 (Guest2): 04.0047 04.00ff"
hasnt "y is not offered on the refusal" stale.3.txt "y: do it"
hasnt "no false mismatch" stale.3.txt "differed from the rules' prediction"
is "nothing was written" "[6]" \
	"$("$APMATRIX" --sim=host.ini show --json | python3 -c "import json,sys; print([m['adapters'] for m in json.load(sys.stdin)['mdevs'] if m['uuid'].startswith('8f2a7c10')][0])")"
has "an unrelated change: stale too" stale.4.txt "STALE"
has "y found the same change and applied it" stale.5.txt "assign control domain 0x04 to mdev Y (8f2a7c10…): done"

# A change reads the host twice: at y (planned again on what is there) and
# in its apply, whose snapshot the console then shows; the change's own
# events are logged, not read again.  (It used to be three reads.)
rm -f host.ini
printf ':reads\n:next-mdev 8f2a7c10\n:goto 04.0047\na\ny\n:reads\n:save-display reads.1.txt\n' >reads.script
"$APMATRIX" --sim=host.ini tui --script reads.script --size 100x30 >out 2>err
is "at start: one read" "reads.script:1: 1 reads of the host" "$(sed -n 1p out)"
is "one change: two more" "reads.script:6: 3 reads of the host" "$(sed -n 2p out)"
has "and the change is on screen" reads.1.txt "assign adapter 0x04 to mdev Y (8f2a7c10…): done"

# y is offered only when the rules accept the change and it changes something.
has "a refusal: y not offered" assign.1.txt "n, Esc: close (the rules foresee the kernel's refusal)"
hasnt "a refusal: no y" assign.1.txt "y: do it"
has "no change: y not offered" all.2.txt "n, Esc: close (nothing changes: the host is already so)"
has "y pressed anyway: not done, said why" assign.2.txt "not done: the rules foresee the kernel's refusal"

# ------------------------------------------ a layout that uses the terminal

# layout_ok FILE W H: W x H, no line longer, the rule between the grid and
# the panel unbroken on every body row, the status line last.
layout_ok() {
	if python3 - "$@" <<'PY'
import sys
f, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = open(f, encoding='utf-8').read().split('\n')[:-1]
assert len(rows) == h, (len(rows), h)
assert all(len(r) <= w for r in rows), [r for r in rows if len(r) > w]
log_h = 4 + (max(h - 30, 0)) // 4
body = rows[2:h - 1 - (log_h + 1)]
cols = {r.index('\u2502') for r in body if '\u2502' in r}
assert len(cols) == 1 and all(len(r) > min(cols) and r[min(cols)] == '\u2502' for r in body), cols
assert rows[h - 1 - (log_h + 1)].startswith('\u2500' * 10), rows[h - 1 - (log_h + 1)]
PY
	then ok "$1: ${2}x$3, panels inside their areas"; else not_ok "$1: layout"; show_file "$1"; fi
}

# 80 x 24: the longest detail (a filtered APQN's reason) is cut with a way
# to all of it (i); a preview longer than its room scrolls; the log opens
# whole (L); nothing writes into another panel or the status line.
cat >small.script <<'EOS'
:goto 0a.0047
:save-display small.1.txt
i
:save-display small.2.txt
q
:goto 05.0001
M
:save-display small.3.txt
<Down><Down>
:save-display small.4.txt
n
L
:save-display small.5.txt
q
:goto 04.0001
:save-display small.6.txt
EOS
screens small --size 80x24
layout_ok small.1.txt 80 24
layout_ok small.6.txt 80 24
has "the detail is cut with a way to all of it" small.1.txt "… i: all of it"
has "i: the whole detail" small.2.txt "it reaches the guest when it is added"
has "leftover detail text is cleared" small.6.txt "APQN 04.0001"
hasnt "no stale detail under a new cell" small.6.txt "adapter-not-in-lpar"
has "a cut list ends in an ellipsis, never half a range" small.1.txt "0x05-0x46,…"
has "a UUID is cut on purpose" small.1.txt "cef03c3c…"

# A preview longer than its room scrolls (and says where it is): an apmask
# toggle that moves 30 APQNs at 80 x 24 (the library lists up to 32 one a line).
printf '[lpar]\nadapters = 0-3:CEX8C\nusage_domains = 0-29\n' >long-lpar.ini
host=$work/long-lpar.ini
cat >scroll.script <<'EOS'
m
:save-display scroll.1.txt
<End>
:save-display scroll.2.txt
EOS
screens scroll --size 80x24
unset host
has "the preview says how much there is" scroll.1.txt "lines 1-14 of 33"
has "scrolled to its end" scroll.2.txt "00.001d: host -> vfio_ap"
has "and says so" scroll.2.txt "lines 20-33 of 33"

# 200 x 60: the side panel grows, UUIDs are whole, the log is taller.
cat >wide.script <<'EOS'
:goto 0a.0047
:save-display wide.1.txt
EOS
screens wide --size 200x60
layout_ok wide.1.txt 200 60
has "UUIDs whole where there is room" wide.1.txt "cef03c3c-903d-4ecc-9a83-40694cb8aee4 Guest2"
is "the panel grows with the terminal" 1 "$(python3 -c "import sys; r=open('wide.1.txt',encoding='utf-8').read().split(chr(10))[3]; print(int(len(r)-r.index(chr(0x2502)) > 60))")"

# 64 mdevs: two-character labels, the grid's columns as wide; the mdev list
# scrolls with "+N more" and keeps the selected mdev on screen whatever it is.
host=$TOP_SRCDIR/tests/scenarios/many-mdevs.ini
{
	echo ":save-display many.1.txt"
	echo ":select-mdev vm40"
	echo ":save-display many.2.txt"
	i=0
	while [ $i -lt 64 ]; do
		echo "<Tab>"
		echo ":save-display tab-$i.txt"
		i=$((i + 1))
	done
} >many.script
screens many
unset host
hasnt "no '#' for the mdevs after the 52nd" many.1.txt "#"
has "+N more" many.1.txt "+55 more"
if python3 - <<'PY'
import re
for i in range(64):
    rows = open('tab-%d.txt' % i, encoding='utf-8').read().split('\n')
    label = re.match(r'mdev (\S+) \(', rows[29]).group(1)
    panel = [r.split('\u2502', 1)[1] for r in rows[2:23] if '\u2502' in r]
    assert any(p.startswith(label + ' ') and '\u2026' in p for p in panel), (i, label)
PY
then ok "64 mdevs: Tab through all, the selected one is always in the list"; else not_ok "64 mdevs: the selection scrolled out of the list"; fi

# The filter: shown in the header while on; the cursor moves into its view;
# when another process empties the mdev the filter ends, and a later
# reload never turns it on again.
cat >filter2.script <<'EOS'
:next-mdev cef03c3c
:goto 04.0001
/
:save-display filter2.1.txt
:shell "$APMATRIX" --sim=host.ini unassign cef03c3c adapter 5,0x0a >/dev/null
:save-display filter2.2.txt
:shell "$APMATRIX" --sim=host.ini assign cef03c3c adapter 5 >/dev/null
:tick
:save-display filter2.3.txt
EOS
screens filter2
has "the filter in the header" filter2.1.txt "FILTER: mdev J only (/ ends it)"
has "the cursor moved into the filtered view" filter2.1.txt "APQN 05.0047"
has "emptied elsewhere: the filter ends, said" filter2.2.txt "filter off: mdev J has no adapters or no domains"
hasnt "and is gone from the header" filter2.2.txt "FILTER:"
hasnt "a reload does not turn it on again" filter2.3.txt "FILTER:"

# The detail and the grid agree: 05.0005 has no queue, the grid shows '.'.
cat >agree.script <<'EOS'
*
:goto 05.0005
:save-display agree.1.txt
EOS
screens agree
has "no queue: the detail says what the grid shows" agree.1.txt "cell no queue: no queue device"

# A state file another process breaks while the console is open: the
# library's message goes to the log (its sink), nothing to the terminal;
# the host cannot be read, so the console keeps its last good snapshot
# and says so (header and log), once, not at every poll; mended, it reads
# the host again and says that.
cat >broken.script <<'EOS'
:shell sed -i 's/^; end of the apmatrix state$/bogus line\n&/' host.ini
:save-display broken.1.txt
:tick
:tick
:save-display broken.2.txt
:shell sed -i '/^bogus line$/d' host.ini
:tick
:save-display broken.3.txt
EOS
screens broken
is "nothing printed behind the screen" "" "$(cat err)"
has "the state file's error in the log, with its line" broken.1.txt "host.ini:65: syntax error"
has "the last good snapshot kept: its mdevs" broken.2.txt "V 62177883… Guest1"
has "the header says the host is unreadable" broken.2.txt "HOST UNREADABLE: the last snapshot"
n1=$(grep -c '^host.ini:65: ' broken.2.txt)
n2=$(grep -c 'the console keeps showing the last snapshot it read' broken.2.txt)
if [ "$n1" -eq 1 ] && [ "$n2" -eq 1 ]; then
	ok "said once over three reads ($n1 file error, $n2 note)"
else
	not_ok "said once over three reads ($n1 file errors, $n2 notes)"
	show_file broken.2.txt
fi
has "mended: read again" broken.3.txt "the host at host.ini reads again"
hasnt "mended: the header is clear" broken.3.txt "HOST UNREADABLE"
rm -f host.ini

# What survives a reboot: p writes the selected mdev's mdevctl definition,
# P removes it, W writes the masks as 41-ap.rules, each previewed (the file,
# what it will hold) and confirmed; the mdev list says what each mdev does
# at boot, and under it whether the masks are persistent.
D=$APMATRIX_CONFIG_ROOT/etc/mdevctl.d/matrix
cat >persist.script <<'EOS'
:select-mdev 8f2a
p
:save-display persist-preview.1.txt
y
:save-display persist.2.txt
:persist auto
y
W
y
:save-display persist.3.txt
P
:save-display persist-preview.2.txt
y
:save-display persist.5.txt
EOS
screens persist
# (the previews name files under the test's own directory: not compared)
has "the preview names the definition" persist-preview.1.txt "define mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 (manual start)"
has "the file" persist-preview.1.txt "$D/8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"
has "and what it will hold" persist-preview.1.txt '"mdev_type": "vfio_ap-passthrough",'
has "y is offered" persist-preview.1.txt "y: do it  n: cancel"
has "done" persist.2.txt "persist mdev Y as its mdevctl definition: done"
has "the audit line in the log" persist.2.txt "audit: define mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 (manual start): done [change #1]"
has "the mdev is persistent now: manual start" persist.2.txt "Y 8f2a7c10… -                      idle   2/2 man"
has "the others are lost at reboot" persist.2.txt "in use 4/4 lost"
has "the masks written: persistent" persist.3.txt "apmask, aqmask: persistent (41-ap.rules)"
has "autostart now" persist.3.txt "idle   2/2 auto"
has "P previews the removal" persist-preview.2.txt "remove the definition of mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"
has "P's preview says it removes the file" persist-preview.2.txt "removes it"
has "lost at reboot again" persist.5.txt "idle   2/2 lost"
is "the definition is gone" no "$([ -e "$D/8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58" ] && echo yes || echo no)"
is "the rule stays" yes "$([ -e "$APMATRIX_CONFIG_ROOT/etc/udev/rules.d/41-ap.rules" ] && echo yes || echo no)"

# Defined, not on the host: a definition's APQNs have their own look, '#'
# ("J#" where the active mdev J's definition has more than J); an mdev
# defined but not active is listed after the active ones; ap-check's
# findings are among the warnings.
cat >defined.script <<'EOS'
:shell "$APMATRIX" --sim=host.ini persist 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 --auto >/dev/null
:shell "$APMATRIX" --sim=host.ini mdev remove 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 >/dev/null
:shell "$APMATRIX" --sim=host.ini persist cef03c3c >/dev/null
:shell "$APMATRIX" --sim=host.ini unassign cef03c3c domain 0xff >/dev/null
:goto 06.0047
:save-display defined.1.txt
:goto 05.00ff
:save-display defined.2.txt
:shell "$APMATRIX" --sim=host.ini persist masks >/dev/null
:shell "$APMATRIX" --sim=host.ini mask apmask -4 >/dev/null
:shell "$APMATRIX" --sim=host.ini assign cef03c3c adapter 4 >/dev/null
:goto 04.0047
i
:save-display defined.3.txt
q
:goto 04.0001
:save-display defined.4.txt
EOS
screens defined
has "an mdev defined, not active: '#' in its cells" defined.1.txt "06 CEX5A accel      h  . V*  # V*  #"
has "listed with '#', its start" defined.1.txt "# 8f2a7c10… -                      off    2/- auto"
has "the detail says what the cell is" defined.1.txt "cell defined: in the mdevctl definition of an mdev"
has "and for J#: J's own definition" defined.2.txt "cell defined: in its mdev's mdevctl definition,"
has "and whose definition" defined.1.txt "defined for mdev 8f2a7c10… (autostart), not active"
has "ap-check's finding among the warnings" defined.1.txt "! mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"
has "J's definition has 05.00ff, J has not: J#" defined.2.txt "05 CEX5C cca        h  . V* J* V* J#"
has "and J differs from its definition" defined.2.txt "in use 2/1 diff"
has "the detail names J's definition" defined.2.txt "defined for mdev J cef03c3c… (manual start)"
has "J has 04.0047, its definition has not" defined.3.txt "not in mdev J's definition: active only — lost at reboot"
hasnt "a cell the definition has is not marked so" defined.2.txt "not in mdev J's definition"
has "the rule gives 04.0001 back to the host at boot" defined.4.txt "at boot, 41-ap.rules's masks give it to the host"
hasnt "not where the owner stays" defined.3.txt "at boot, 41-ap.rules"
if grep -q 'hhheeePPPDDDPPPDDD' defined.2.txt.roles; then
	ok "the defined cells have their own role"
else
	not_ok "the defined cells have their own role"
	show_file defined.2.txt.roles
fi

# A definition written while the host stays quiet makes no snapshot: the
# console looks at the persistent configuration by its refresh interval
# (the terminal loop's :idle), not only with the host's events.
cat >quiet.script <<'EOS'
:shell "$APMATRIX" --sim=host.ini persist cef03c3c >/dev/null
:save-display quiet.1.txt
:idle 2500
:save-display quiet.2.txt
EOS
screens quiet
has "before the refresh interval: the last reading" quiet.1.txt "J cef03c3c… Guest2                 in use 4/2 lost"
has "after it: the definition written meanwhile" quiet.2.txt "J cef03c3c… Guest2                 in use 4/2 man"

# ap-check's checks before a change: J taking adapter 6 would hold the
# APQNs of Y's definition (Y not active), so `mdevctl start` of Y would
# fail; the preview says so, as the CLI does.
cat >precheck.script <<'EOS'
:shell "$APMATRIX" --sim=host.ini persist 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 --auto >/dev/null
:shell "$APMATRIX" --sim=host.ini mdev remove 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 >/dev/null
:select-mdev cef0
:goto 06.0047
a
:save-display precheck.1.txt
n
:goto 04.0047
a
:save-display precheck-preview.2.txt
n
EOS
screens precheck
has "the change's preview warns what ap-check would refuse" precheck.1.txt "after this change, mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 is"
hasnt "not for a change that blocks nothing" precheck-preview.2.txt "after this change"

# u: the last change undone, previewed (who made it and when, the way
# back) and confirmed; then nothing is left to undo.  Previews that name
# a time and a pid are saved under names the comparison skips.
cat >undo.script <<'EOS'
:select-mdev 8f2a
:goto 04.0047
a
y
u
:save-display undo-preview.1.txt
y
:save-display undo.1.txt
u
:save-display undo-preview.4.txt
n
:goto 05.0001
o
y
u
:save-display undo-preview.2.txt
y
:save-display undo.3.txt
:goto 04.0047
a
y
:shell APMATRIX_JOURNAL= "$APMATRIX" --sim=host.ini unassign 8f2a7c10 adapter 4 >/dev/null
u
:save-display undo-preview.3.txt
n
EOS
screens undo
has "the preview names the change" undo-preview.1.txt "undo change #1: assign adapter 0x04 (mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58)"
has "who made it" undo-preview.1.txt "made by uid=$(id -u)"
has "the way back" undo-preview.1.txt "give back mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 with adapters 0x06"
has "y is offered" undo-preview.1.txt "y: do it  n: cancel"
has "undone" undo.1.txt "undo the last change: done"
has "the audit line says it was an undo" undo.1.txt "audit: undo of change #1: set the whole matrix in one ap_config write"
has "04.0047 is free again" undo.1.txt "04 CEX5C cca   off  h  .  f  f  f  f"
has "then nothing to undo" undo-preview.4.txt "nothing to undo: the journal $APMATRIX_JOURNAL holds no change"
has "and no y" undo-preview.4.txt "n, Esc: close (the undo is not possible)"
has "an online change undone" undo-preview.2.txt "undo change #2: set queue 05.0001 offline"
has "online again" undo.3.txt "undo of change #2: set queue 05.0001 online: done"
has "another tool moved it: refused" undo-preview.3.txt "verdict: ESTALE: it cannot be undone"
has "and why" undo-preview.3.txt "adapter 0x04 was taken from mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"

# The migration wizard (Z unplug, R replug): the steps and what each
# changes, the check of every APQN, a confirmation naming the guest and
# every APQN, the progress, the result.  Two hosts (state files) with a
# libvirt domain and a virsh stand-in that does what QEMU does.
G=62177883-f1bb-47f0-914d-32a22e3a8804
mig_source mig-src.ini
mig_host mig-tgt.ini hostB
mig_host mig-aes.ini hostB "[masterkeys 05.0047]
aes_cur = valid 0x8b02aa55aa55aa55"
domstatus migroot/run/libvirt/qemu/dom1.xml dom1 $G
sim_virsh bin
# mig NAME HOST: run NAME.script on HOST with the virsh stand-in; compare its screens.
mig() {
	rm -f "$1".*.txt "$1".*.txt.roles
	PATH=$work/bin:$PATH VIRSH_SIM=$2 APMATRIX_CONFIG_ROOT=$work/migroot \
		"$APMATRIX" --sim="$2" tui --script "$1.script" --size 100x40 >out 2>err
	is "$1: the script ran" 0 "$?"
	for f in "$1".*.txt; do
		# The restore file's time and virsh's temporary file differ from run to run (same widths).
		sed -i 's/recorded [0-9T:-]*Z/recorded YYYY-MM-DDTHH:MM:SSZ/; s/apmatrix-hostdev-....../apmatrix-hostdev-XXXXXX/' "$f"
		name=$1 compare "$f"
	done
}
rm -f mig.json
cat >mig-unplug.script <<'S'
Zmig.json<Enter>
:save-display mig-unplug.1.txt
y
:save-display mig-unplug.2.txt
<Esc>
Zmig.json<Enter>
:save-display mig-unplug.3.txt
q
S
mig mig-unplug mig-src.ini
has "unplug: every step and what it changes" mig-unplug.1.txt "2. [to do]   take every adapter, domain and control domain from the guest"
has "unplug: the confirmation names the guest and domain" mig-unplug.1.txt "Confirm: unplug from guest dom1 (libvirt domain dom1)"
has "unplug: and every APQN" mig-unplug.1.txt "taking away these 6 APQNs: 05.0004 05.0047 06.0004 06.0047 07.0004 07.0047"
has "unplug: virsh detached the hostdev" mig-unplug.2.txt "step 4: mdev $G is no longer held by the guest"
has "unplug: each step's result as a word" mig-unplug.2.txt "4. [done]    detach the vfio-ap hostdev from the domain"
has "unplug: the final state" mig-unplug.2.txt "Result: ready to migrate; next: on the target: apmatrix replug --check --from mig.json"
has "unplug again: resumed, every step done" mig-unplug.3.txt "Every step is done: on the target: apmatrix replug --check"
hasnt "unplug again: no y" mig-unplug.3.txt "y: run the steps"
is "unplug: the source's mdev is empty and free" "[] [] [] False" "$("$APMATRIX" --sim=mig-src.ini show --json | python3 -c "import json,sys; m=json.load(sys.stdin)['mdevs'][0]; print(m['adapters'], m['domains'], m['control_domains'], m['in_use'])")"
cat >mig-replug.script <<'S'
Rmig.json<Enter>
:save-display mig-replug.1.txt
y
:save-display mig-replug.2.txt
q
S
mig mig-replug mig-tgt.ini
has "replug: the check of every APQN before anything" mig-replug.1.txt "6 can be plugged with the same keys, 0 refused, 0 with keys not compared"
has "replug: the confirmation" mig-replug.1.txt "Confirm: plug into guest dom1 (libvirt domain dom1)"
has "replug: the mdev created" mig-replug.2.txt "step 1: created mdev $G"
has "replug: the final state" mig-replug.2.txt "Result: replugged; next: when all is well: apmatrix unplug --done mig.json"
is "replug: the target's mdev has the matrix, in use by dom1" "[5, 6, 7] [4, 71] [80] True dom1" "$("$APMATRIX" --sim=mig-tgt.ini show --json | python3 -c "import json,sys; m=json.load(sys.stdin)['mdevs'][0]; print(m['adapters'], m['domains'], m['control_domains'], m['in_use'], m['guest'])")"
cat >mig-refused.script <<'S'
Rmig.json<Enter>
:save-display mig-refused.1.txt
y
:save-display mig-refused.2.txt
q
S
mig mig-refused mig-aes.ini
has "refused: the APQN and both patterns named" mig-refused.1.txt "refused  05.0047: master key patterns differ (AES CUR source valid 0x"
has "refused: said in words" mig-refused.1.txt "REFUSED: 1 APQNs cannot be plugged here (above): nothing is changed"
hasnt "refused: no y" mig-refused.1.txt "y: run the steps"
is "refused: y did nothing, no mdev" 0 "$(grep -c '^\[mdev' mig-aes.ini)"

# A libvirt domain name longer than the confirmation's room is cut with "...",
# never shown as a shorter name that is no domain's.
longdom=$(printf 'd%.0s' $(seq 200))
mig_source mig-long.ini
domstatus migroot-long/run/libvirt/qemu/$longdom.xml "$longdom" $G
printf 'Zmig-long.json<Enter>\n:save-display mig-long.1.txt\nq\n' >mig-long.script
APMATRIX_CONFIG_ROOT=$work/migroot-long "$APMATRIX" --sim=mig-long.ini tui --script mig-long.script --size 400x40 >out 2>err
is "long domain: the script ran" 0 "$?"
has "long domain: cut with ..." mig-long.1.txt "(libvirt domain $(printf 'd%.0s' $(seq 156))...)"

# A Secure Execution guest cannot be live-migrated: the unplug wizard says
# so, naming the guest, and offers no y.
cat >mig-se.ini <<INI
[host]
name = hostA
aqmask = -4
[lpar]
adapters = 0x05:CEX7C
usage_domains = 0x04
control_domains = 0x04
[mdev $G]
adapters = 5
domains = 4
guest = dom1
guest_secure = yes
INI
cp mig-se.ini mig-se-before.ini
cat >mig-se.script <<'S'
Zmig-se.json<Enter>
:save-display mig-se.1.txt
y
q
S
rm -f mig-se.json
mig mig-se mig-se.ini
has "SE: refused, the guest named, why" mig-se.1.txt "REFUSED: guest dom1 of mdev $G is a Secure Execution guest"
hasnt "SE: no y" mig-se.1.txt "y: run the steps"
is "SE: no restore file" no "$([ -e mig-se.json ] && echo yes || echo no)"
is "SE: the host unchanged" "" "$(diff mig-se-before.ini mig-se.ini)"

# The restore file is written where it was asked, however long its path: the
# steps made again at y used to take it cut to 255 bytes, another file.
longdir=$work/$(printf 'd%.0s' $(seq 100))/$(printf 'e%.0s' $(seq 80))
mkdir -p "$longdir"
longfile=$longdir/$(printf 'r%.0s' $(seq 90)).json
printf ':next-mdev 62177883\n:unplug %s\n:save-display longmig.1.txt\ny\n:save-display longmig.2.txt\n' \
	"$longfile" >longmig.script
rm -f longmig.ini
"$APMATRIX" --sim=longmig.ini tui --script longmig.script --size 100x40 >out 2>err
is "long path: the script ran" 0 "$?"
has "long path: step 1 done" longmig.2.txt "step 1 done: write the restore file"
is "long path: the restore file is where it was asked" yes "$([ -f "$longfile" ] && echo yes || echo no)"
is "long path: and nowhere else" 1 "$(ls "$longdir" | wc -l)"

# --interval takes a number of milliseconds, nothing else.
"$APMATRIX" --sim=host.ini tui --interval abc --script agree.script --size 100x30 >out 2>err
is "--interval abc is refused" 2 "$?"
has "and says why" err "--interval 'abc': a number of milliseconds, 100..600000"
"$APMATRIX" --sim=host.ini tui --interval 50 --script agree.script --size 100x30 >out 2>err
is "--interval below 100 is refused" 2 "$?"

# Every action of the table is in --list-actions (the manual's table).
"$APMATRIX" --sim=host.ini tui --list-actions >actions.txt
is "list-actions: one line per action" 54 "$(wc -l <actions.txt)"
sh "$TOP_SRCDIR/doc/man.sh" "$APMATRIX" test >apmatrix.1
is "the manual's table has every action" 54 "$(sed -n '/^\.TS/,/^\.TE/p' apmatrix.1 | grep -c '	')"
is "the manual has the grid's legend (from the binary)" "$("$APMATRIX" tui --list-legend | wc -l)" \
	"$(sed -n '/^\.SH THE GRID/,/^\.SH CONSOLE/p' apmatrix.1 | grep -c '^\.TP 5\|^\.PP')"
is "the manual explains the mask syntax" 1 "$(grep -c '^\.SH MASKS' apmatrix.1)"
is "the manual has mdev create and mdev remove" 2 "$(grep -c '^\.B mdev \(create\|remove\)' apmatrix.1)"
is "the manual has EXAMPLES" 1 "$(grep -c '^\.SH EXAMPLES' apmatrix.1)"
if command -v groff >/dev/null; then
	is "the manual is clean roff" "" "$(groff -man -Tutf8 -ww -z apmatrix.1 2>&1)"
fi
is "unknown script action named with file:line" 1 \
	"$(printf ':no-such\n' >bad.script; "$APMATRIX" --sim=host.ini tui --script bad.script --size 100x30 2>&1 | grep -c "bad.script:1: unknown action 'no-such'")"
# A frame's down-mark reads are bounded (a key must not wait for every cell
# on screen to be read after a storm): with one read per frame
# (:frame-cells 1, the terminal's 25 ms as a count), the frames after a
# queue went offline show its old mark, a key is answered by the next
# frame all the same, and the frames that follow complete the grid.
rm -f host.ini frames.*.txt
"$APMATRIX" --sim=host.ini show >/dev/null
cat >frames.script <<'EOS'
:frame-cells 1
:shell sed -i 's/^; end of the apmatrix state$/[queue 05.0001]\nonline = 0\n&/' host.ini
:save-display frames.1.txt
?
:save-display frames.2.txt
?
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:save-display frames.3.txt
:frame-cells 0
:save-display frames.4.txt
EOS
"$APMATRIX" --sim=host.ini tui --script frames.script --size 100x30 >out 2>err
is "frames: the script ran" 0 "$?"
hasnt "frames: a partial frame keeps the cell's old mark" frames.1.txt "05 CEX5C cca        h_"
has "frames: the one after it has the key's answer" frames.2.txt "apmatrix help"
has "frames: the frames that follow complete the grid" frames.3.txt "05 CEX5C cca        h_"
sed '/^\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80/,$d' frames.3.txt >frames.3.body
sed '/^\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80/,$d' frames.4.txt >frames.4.body
cmp -s frames.3.body frames.4.body && ok "frames: and equal a frame without a budget" ||
	{ not_ok "frames: the completed grid differs from a frame without a budget"; diff frames.3.body frames.4.body | head; }
done_testing
