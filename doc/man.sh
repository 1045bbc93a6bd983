#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# man.sh - write apmatrix(1).  The console's actions and the grid's legend
# come from the binary's own tables (apmatrix tui --list-actions,
# --list-legend), so the manual cannot drift from the keys or the glyphs.
# Usage: sh doc/man.sh APMATRIX VERSION > apmatrix.1
set -eu
bin=$1
version=$2
# roff: a backslash is written \\ and a line must not start with . or '.
esc() { sed -e 's/\\/\\\\/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
cat <<EOT
.TH APMATRIX 1 "" "apmatrix $version" "User Commands"
.SH NAME
apmatrix \\- show and change s390 AP crypto pass-through to KVM guests
.SH SYNOPSIS
.B apmatrix
[\\fB\\-\\-sysfs\\fR \\fIDIR\\fR | \\fB\\-\\-sim\\fR[=\\fIFILE\\fR]] [\\fB\\-\\-read\\-only\\fR] [\\fICOMMAND\\fR ...]
.SH DESCRIPTION
apmatrix shows the adapter \\(mu domain grid of an IBM Z / LinuxONE host (the AP bus masks
apmask and aqmask, the vfio_ap mediated devices and what each running guest really gets)
and changes it with the kernel's rules predicted and its refusals explained.
Without a command on a terminal it opens the console; otherwise
.B show
is the default.
.SH COMMANDS
.TP
.B tui \\fR[\\-\\-theme NAME|PATH] [\\-\\-mono] [\\-\\-ascii] [\\-\\-interval MS] [\\-\\-script FILE \\-\\-size WxH] [\\-\\-list\\-actions] [\\-\\-list\\-legend]
The console.
MS is a number of milliseconds, 100 to 600000 (default 1000): how often the console
looks at what no uevent tells (a bus scan's checkstops and the guests' matrices); the
host's events update it as they come, at most one frame per 50 ms while they keep coming.
.TP
.B show \\fR[\\-\\-json] [\\-\\-detail] [\\-\\-guest NAME]
The host, its masks, the grid and the mdevs.
With \\fB\\-\\-guest\\fR, what lszcrypt inside that guest lists; NAME is the guest's name,
the mdev's label, its UUID or a UUID prefix of at least 4 characters.
.TP
.B watch \\fR[\\-\\-json] [\\-\\-interval MS] [\\-\\-count N]
The live view as a stream: first the whole host (as
.BR show ,
or with \\fB\\-\\-json\\fR one line
.B {"kind":"snapshot","show":{...}}
holding the show \\-\\-json document), then one line per change as the console sees it.
With \\fB\\-\\-json\\fR every line is a JSON object with \\fBtime\\fR, \\fBbatch\\fR and
\\fBkind\\fR: \\fBmask\\fR, \\fBlpar\\fR, \\fBhost\\fR, \\fBadapter\\fR, \\fBmdev\\fR,
\\fBqueues\\fR (the APQNs that went from the same state to the same state) with
\\fBbefore\\fR and \\fBafter\\fR, and \\fBreload\\fR when events were lost and the host was read whole.
It ends on SIGINT, SIGTERM, when its reader goes away, or after N change lines.
MS (100 to 600000, default 1000) is how often it looks at what no uevent tells.
The format is a contract (README).
.TP
.B mask apmask\\fR|\\fBaqmask \\fISPEC\\fR [\\-\\-absolute] [\\-\\-dry\\-run]
Write a mask (see MASKS).
.TP
.B mdev create \\fR[\\fIUUID\\fR] [\\-\\-persist [\\-\\-auto]] [\\-\\-dry\\-run]
Create an mdev of type vfio_ap\\-passthrough (a UUID is made when none is given).
With \\fB\\-\\-persist\\fR the new mdev is also defined for mdevctl (manual start,
or autostart with \\fB\\-\\-auto\\fR); the definition is checked before the mdev is created.
.TP
.B mdev remove \\fIUUID\\fR [\\-\\-dry\\-run]
Remove it; a running guest loses every AP resource of the mdev at once.
.TP
.B assign\\fR|\\fBunassign \\fIUUID\\fR adapter|domain|control\\-domain \\fIIDS\\fR [\\-\\-dry\\-run]
IDS are decimal or 0x hex, lists and ranges: 5, 0x47, 4,0xab, 0x40\\-0x4f.
Several IDs go in one ap_config write where the kernel has it.
.TP
.B config \\fIADAPTER\\fR on|off [\\-\\-dry\\-run]
.TP
.B rescan
.TP
.B persist \\fIUUID\\fR [\\-\\-auto|\\-\\-manual] [\\-\\-dry\\-run]
Write the active mdev's adapters, domains and control domains as its mdevctl definition,
\\fI/etc/mdevctl.d/matrix/UUID\\fR, byte for byte as \\fBmdevctl define\\fR writes it
(\\fB\\-\\-auto\\fR: started at boot; without either option an existing definition keeps
its start, a new one is manual).  Refused, with the APQN, the mdev and ap\\-check's words,
when ap\\-check would refuse it: an autostart APQN another autostart definition has or
the persistent masks give the host, control domains without a usage domain, a
definition that cannot be read.
.TP
.B unpersist \\fIUUID\\fR [\\-\\-dry\\-run]
Remove the definition (the mdev stays active until it is removed or the host reboots).
.TP
.B persist masks \\fR[\\-\\-base \\fIDIR\\fR] [\\-\\-dry\\-run]
Write the active apmask and aqmask as \\fI/etc/udev/rules.d/41\\-ap.rules\\fR, exactly as
\\fBchzdev \\-t ap \\-p\\fR writes it (under \\fIDIR\\fR, as chzdev's \\fB\\-\\-base\\fR).
Refused when it would give the host an APQN of an autostart definition (chzdev's check),
or when the file holds rules chzdev does not write.
.TP
.B undo \\fR[\\-\\-dry\\-run]
Revert the last change apmatrix applied to this host, while the host is still as that
change left it (see AUDIT AND UNDO); otherwise refuse, saying what moved since.
.TP
.B unplug \\fIUUID\\fR \\-\\-save \\fIFILE\\fR [\\-\\-dry\\-run] [\\-\\-libvirt]
Guided migration, on the source: take every adapter, domain and control domain from the
running guest of mdev \\fIUUID\\fR so that the domain can be live-migrated.
Step 1 writes the restore file \\fIFILE\\fR (nothing is unplugged before it is on disk);
step 2 empties the matrix in one ap_config write (a write per ID, the smaller side
first, before 6.10) and verifies guest_matrix is empty; step 3 reads the master-key
patterns of the now free queues, lending them to zcrypt for the moment (the kernel shows
\\fImkvps\\fR only for zcrypt's queues), and records them in \\fIFILE\\fR; step 4,
with \\fB\\-\\-libvirt\\fR, runs \\fBvirsh detach\\-device\\fR \\fIDOMAIN XML\\fR \\fB\\-\\-live\\fR
(the \\fBvirsh\\fR on the PATH) and verifies that nobody holds the mdev; without it the
exact command and hostdev XML are printed.  Run again after an interruption, it reports
which steps are done and resumes (on the host that made the file only).
.TP
.B unplug \\-\\-rollback \\fIFILE\\fR [\\-\\-libvirt]
The migration is cancelled: give the mdev what \\fIFILE\\fR recorded again (and attach the
hostdev with \\fB\\-\\-libvirt\\fR).
.TP
.B unplug \\-\\-done \\fIFILE\\fR
Remove the restore file: the only way it is ever deleted.
.TP
.B replug \\-\\-check \\-\\-from \\fIFILE\\fR [\\-\\-uuid \\fIUUID\\fR] [\\-\\-json]
On the target: validate \\fIFILE\\fR (format, version, checksum: a truncated, corrupted or
edited file is refused naming it) and say per APQN whether it can be plugged here and why
not: no such queue, the host's by the masks, not bound to vfio_ap, in another mdev or in
another mdev's autostart definition, another mode, an older card generation, other master
keys (e.g. \\fB06.0047: master key patterns differ (AES CUR source valid 0x1d5e\\[u2026] target
valid 0x8b02\\[u2026]): the guest's AES secure keys will not work here\\fR).  The target's free
queues are lent to zcrypt to read their patterns unless \\fB\\-\\-read\\-only\\fR.
Exit 0 only when every APQN can be plugged with the same keys; 4 when nothing is refused
but some keys could not be compared.
.TP
.B replug \\-\\-from \\fIFILE\\fR [\\-\\-uuid \\fIUUID\\fR] [\\-\\-create] [\\-\\-persist] [\\-\\-libvirt]
The same checks, then: create the mdev (\\fB\\-\\-create\\fR; the same UUID by default, which the
migrated domain XML names), assign the recorded matrix in one ap_config write where the
kernel has it, verify guest_matrix against \\fIFILE\\fR, attach the hostdev
(\\fB\\-\\-libvirt\\fR: \\fBvirsh attach\\-device\\fR ... \\fB\\-\\-live\\fR, else the command is printed) and,
with \\fB\\-\\-persist\\fR, write the mdevctl definition.  Resumes like unplug.
.TP
.B sim \\fR... 
Simulated-host events, among them \\fBguest\\-detach\\fR \\fIUUID\\fR and
\\fBguest\\-attach\\fR \\fIUUID NAME\\fR (QEMU's hot unplug and plug of the vfio-ap device:
the guest runs on); see README.md.
.SH WHAT IS PERSISTENT
Every change to sysfs (masks, mdevs, assignments, adapters on or off) is active only and
is lost at reboot.  What survives is in other tools' files, which apmatrix reads and writes
in their own formats: mdevctl's definitions (started at boot when autostart), chzdev's
persistent masks, and libvirt's domain definitions (read only).
.B show
says for every mdev whether it is defined and how its definition differs from it,
marks every mdev and mask that is not persistent "active only \\(em lost at reboot",
names the libvirt domain that uses each mdev (running, or defined and not running,
and a hot unplug at the QEMU level), and warns what will fail to start at the next boot.
A change's preview warns when, on the host the rules predict it leaves, ap\\-check would
refuse an \\fBmdevctl start\\fR it does not refuse now ("after this change, mdev X is defined
with 04.0002, which active mdev Y holds").
Every write is atomic (a temporary file, fsync, rename) and taken under the AP
configuration lock; \\fB\\-\\-read\\-only\\fR writes nothing.
.SH AUDIT AND UNDO
Every change apmatrix applies, from the command line or the console, is logged to syslog
while the AP configuration lock is held: facility authpriv (the authorization log, as
sudo's), ident apmatrix, priority notice when done and warning when refused, partly
applied or not as predicted; one line with who made it (uid and name, the login user,
\\fB\$SUDO_USER\\fR, the terminal, the SSH client), the host, what was done, how it ended
and what it touched before and after.
The console's log shows the same line.
A dry run and \\fB\\-\\-read\\-only\\fR log nothing.
.PP
Every change that left the host different also goes into the host's journal, with what
it touched before and after: \\fI/run/apmatrix/journal\\fR on a real host (lost at reboot, as
the active state it records is), \\fIFILE.journal\\fR beside a simulated host kept in
\\fIFILE\\fR.
It is written only under the lock, whole and atomically, mode 0600, and used only when it
is a regular file of the user's own that nobody else may write or replace.
.PP
.B undo
reverts the newest entry for this host: the last change any apmatrix process applied
to it, whoever made it (the preview says who and when).
It refuses, changing nothing, when the host is no longer as that change left it
("04.0004 was reassigned since, to mdev 62177883...", "the mdev is gone", "the apmask was
changed since"), or when the way back is refused by the kernel's rules or ap\\-check's checks.
The way back is a mask written back, an mdev's matrix given back (one ap_config write
where the kernel has it), a removed mdev created again with its UUID and matrix, a
created one removed, an adapter configured or a queue set online the other way, or a
definition or 41\\-ap.rules put back byte for byte or removed again.
It is planned again under the lock before it is applied.
An undo done whole takes its entry out, so the next undo reverts the change before;
there is no redo.
An undo done only in part is an entry of its own, undone first; a change refused half-way
is undone as far as it went.
What cannot be undone is said: a guest that lost a removed mdev's resources does not get
the new mdev, and requests in flight when an adapter or queue went off are not replayed.
Rescans and the simulated hypervisor's and guests' events are logged but not journaled.
.SH MASKS
A SPEC takes the kernel's syntax or chzdev's.
\\fB0x\\fIhex\\fR is an absolute mask, left-aligned: the first hex digit holds IDs 0\\-3
(0x8 is ID 0 alone, 0x41 IDs 1 and 7).
A list of \\fB+\\fIN\\fR, \\fB\\-\\fIN\\fR and \\fB+\\fIA\\fB\\-\\fIB\\fR sets or clears
those bits of the current mask; a term with a leading 0 (octal to the kernel) is refused.
chzdev's list of the IDs the host keeps (\\fB0\\-3,8\\-255\\fR) is the absolute mask it means.
A bare number (\\fB5\\fR) is refused: the kernel reads it as the hex mask 0x5... (IDs 1 and 3),
chzdev as the ID 5; \\fB\\-\\-absolute\\fR takes the kernel's reading.
A set bit in both apmask and aqmask gives the queue to the host's zcrypt drivers;
a cleared one gives it to vfio_ap.
\\fB\\-\\-dry\\-run\\fR prints the parsed mask, the APQNs that would change owner and any refusal.
.SH THE GRID
Rows are adapters, columns domains, a cell an APQN (05.0047: adapter 0x05, domain 0x47).
Every cell shows its class by colour and by glyph:
EOT
# A glyph and its meaning become a tagged paragraph; the notes after them, plain ones.
"$bin" --sim tui --list-legend 2>/dev/null | esc | awk '
	/^(\\&)?[^ ][^ ]?  +[^ ]/ { g = $1; sub(/^[^ ]+ +/, ""); printf ".TP 5\n.B %s\n%s\n", g, $0; next }
	{ printf ".PP\n%s\n", $0 }'
cat <<EOT
.SH CONSOLE ACTIONS
Keys, names (for \\fB:name\\fR in scripts and \\fB[keys]\\fR in config.ini) and what they do:
.TS
l l l.
EOT
"$bin" --sim tui --list-actions 2>/dev/null | while IFS= read -r line; do
	key=$(printf '%s' "$line" | cut -c1-8 | sed 's/ *$//' | esc)
	name=$(printf '%s' "$line" | cut -c10-34 | sed 's/ *$//')
	help=$(printf '%s' "$line" | cut -c35- | sed 's/\\/\\\\/g')
	printf '%s\t%s\t%s\n' "$key" "$name" "$help"
done
cat <<EOT
.TE
.SH EXAMPLES
.TP
.B apmatrix show \\-\\-json \\-\\-detail
The host as JSON, with each queue's status, online, config and checkstop state.
.TP
.B apmatrix mask aqmask \\-0x47 \\-\\-dry\\-run
What giving domain 0x47 to vfio_ap would move, without writing.
.TP
.B apmatrix mdev create 0b9f1a8e\\-1111\\-4222\\-8333\\-944445555666
.TP
.B apmatrix assign 0b9f1a8e adapter 5,6
.TP
.B apmatrix assign 0b9f1a8e domain 0x47
Adapters 5 and 6 and domain 0x47: the matrix 05.0047 and 06.0047.
Each write is predicted first; a refusal names the APQN and who holds it.
.TP
.B apmatrix show \\-\\-guest Guest2
What lszcrypt inside Guest2 lists.
.TP
.B apmatrix \\-\\-sim=host.ini
The console on a simulated host whose state lives in host.ini, so that a second shell's
commands on the same file show up in it.
.SH FILES
.TP
.I \$XDG_CONFIG_HOME/apmatrix/config.ini
[ui] theme, interval; [keys] ACTION = KEY.
.TP
.I \$XDG_CONFIG_HOME/apmatrix/themes/NAME.ini
Themes: [roles] ROLE = foreground, background, attributes.
.TP
.I /run/lock/s390apconfig.lock
Taken by multi-step changes, as by chzdev and ap\\-check.
.TP
.I /etc/mdevctl.d/matrix/UUID
mdevctl's definitions (under \\fI\$MDEVCTL_ENV_ROOT\\fR when that is set, as mdevctl 1.3+).
.TP
.I /etc/udev/rules.d/41\\-ap.rules
chzdev's persistent apmask and aqmask.
.TP
.I /etc/libvirt/qemu/*.xml\\fR, \\fI/run/libvirt/qemu/*.xml
libvirt's defined and running domains.
.TP
.I /run/apmatrix/journal
The changes undo can revert (\\fIFILE.journal\\fR for a simulated host kept in \\fIFILE\\fR).
.TP
.I /dev/log
Where the audit lines go (syslog, facility authpriv).
.SH ENVIRONMENT
.TP
.B APMATRIX_CONFIG_ROOT
The root of the files above instead of \\fI/\\fR (a simulated host with a state file
\\fIFILE\\fR keeps them under \\fIFILE.d\\fR).
.TP
.B APMATRIX_JOURNAL
The journal instead of \\fI/run/apmatrix/journal\\fR or \\fIFILE.journal\\fR; empty: none (nothing
can be undone).
.TP
.B APMATRIX_SYSLOG
The syslog socket the audit lines go to instead of \\fI/dev/log\\fR (a simulated host
sends them nowhere unless this is set); empty: none.
.SH EXIT STATUS
0 done; 1 refused or partly applied; 2 usage error; 3 the kernel's answer differed from the prediction;
4 (\\fBreplug \\-\\-check\\fR) everything can be plugged but some master keys could not be compared.
.SH SEE ALSO
.BR lszcrypt (8),
.BR chzcrypt (8),
.BR mdevctl (8),
.BR chzdev (8),
.BR lszdev (8)
EOT
