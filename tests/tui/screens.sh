#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# screens.sh - scripted screen tests of the console, in the way tig tests
# itself: the real binary runs headless from a script of keys and :actions,
# advancing only when idle; :save-display writes the screen's text and its
# role map (which theme role drew each cell), compared with expected/.
# As a test it only compares.  Rewriting the expected files is a command of
# its own, `make update-screens` (screens.sh --update): review the diff!
. "$TOP_SRCDIR/tests/cli/lib.sh"
update=
[ "${1:-}" = --update ] && update=1
exp=$TOP_SRCDIR/tests/tui/expected
cd "$work" || exit 1
# UTF-8 unless a test asks for ASCII (C.UTF-8 is built into glibc).
export LC_ALL=C.UTF-8

# screens NAME [tui options]: run script $work/NAME.script on a fresh host.ini.
screens() {
	name=$1
	shift
	rm -f host.ini
	"$APMATRIX" --sim=host.ini tui --script "$name.script" --size 100x30 "$@" >out 2>err
	rc=$?
	is "$name: the script ran" 0 "$rc"
	[ "$rc" -eq 0 ] || show_file err
	saved=0
	for f in "$name".*.txt; do
		[ -f "$f" ] || continue
		saved=$((saved + 1))
		for g in "$f" "$f.roles"; do
			if [ -n "$update" ]; then
				cp "$g" "$exp/$g" && echo "# updated tests/tui/expected/$g"
			elif cmp -s "$g" "$exp/$g"; then
				ok "$name: $g"
			else
				not_ok "$name: $g differs from expected/"
				diff -u "$exp/$g" "$g" | head -30 | sed 's/^/#   /'
			fi
		done
	done
	# A script that saves no screen compares nothing: that is a broken test.
	[ "$saved" -gt 0 ] && ok "$name: screens saved ($saved)" || not_ok "$name: the script saved no screen"
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

# An assignment the rules refuse: preview, verdict, confirmation, explanation.
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

# zcrypt online/offline: the card and a queue; a queue of an offline card
# cannot go online (EINVAL), a configured-off card not at all (ENODEV).
cat >online.script <<'EOS'
:goto 05.0001
O
y
:save-display online.1.txt
o
y
:save-display online.2.txt
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

# The remaining actions, each once, with what the log says: an apmask
# toggle (adapter 5 to vfio_ap), paging, the
# previous mdev, an assignment hot-plugged into a running guest, domain and
# control-domain unassigns, configure off/on, a rescan, the SE side and a
# checkstop, a guest stop, removing an adapter that is not in the LPAR
# (ENODEV, foreseen by the rules), help on and off.
cat >all.script <<'EOS'
:goto 05.0001
m
y
<PgDn><PgUp><End><Home>
<S-Tab>
:goto 05.0047
d
y
:save-display all.1.txt
D
y
c
y
C
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
:save-display all.2.txt
K
y
:next-mdev 62177883
G
y
:goto 0a.0047
-
y
??
:save-display all.3.txt
q
EOS
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

# Monochrome and ASCII: the same meaning without colour and without UTF-8.
cat >modes.script <<'S'
:save-display modes.1.txt
:resize 60x20
:save-display modes.2.txt
:resize 100x30
:save-display modes.3.txt
S
screens modes --mono --ascii

# A malformed theme: errors name file:line, the built-in values stay.
cat >bad.ini <<'INI'
[roles]
cell_host = white, default
cell_free = greenish, default
no_such_role = red
cursor = black, white, blinking
INI
cat >theme.script <<'S'
:save-display theme.1.txt
S
screens theme --theme "$work/bad.ini"
is "theme errors name file:line (colour)" 1 "$(grep -c "bad.ini:3: 'greenish' is not a colour" err)"
is "theme errors name file:line (role)" 1 "$(grep -c "bad.ini:4: unknown role 'no_such_role'" err)"
is "theme errors name file:line (attribute)" 1 "$(grep -c "bad.ini:5: 'blinking' is not an attribute" err)"
# A comment longer than inih's 200-byte buffer still counts as one line.
{
	echo "[roles]"
	printf '; %0300d\n' 0
	echo "cell_free = greenish, default"
} >long.ini
screens theme --theme "$work/long.ini"
is "a line after a long one is named right" 1 "$(grep -c "long.ini:3: 'greenish' is not a colour" err)"

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

# Every action of the table is in --list-actions (the manual's table).
"$APMATRIX" --sim=host.ini tui --list-actions >actions.txt
is "list-actions: one line per action" 42 "$(wc -l <actions.txt)"
sh "$TOP_SRCDIR/doc/man.sh" "$APMATRIX" test >apmatrix.1
is "the manual's table has every action" 42 "$(sed -n '/^\.TS/,/^\.TE/p' apmatrix.1 | grep -c '	')"
is "unknown script action named with file:line" 1 \
	"$(printf ':no-such\n' >bad.script; "$APMATRIX" --sim=host.ini tui --script bad.script --size 100x30 2>&1 | grep -c "bad.script:1: unknown action 'no-such'")"
done_testing
