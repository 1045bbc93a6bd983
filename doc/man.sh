#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# man.sh - write apmatrix(1).  The console's actions come from the binary's
# own table (apmatrix tui --list-actions), so the manual cannot drift from
# the keys.  Usage: sh doc/man.sh APMATRIX VERSION > apmatrix.1
set -eu
bin=$1
version=$2
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
.B tui \\fR[\\-\\-theme NAME|PATH] [\\-\\-mono] [\\-\\-ascii] [\\-\\-interval MS] [\\-\\-script FILE \\-\\-size WxH] [\\-\\-list\\-actions]
The console.
.TP
.B show \\fR[\\-\\-json] [\\-\\-detail] [\\-\\-guest NAME]
The host, its masks, the grid and the mdevs.
.TP
.B mask apmask\\fR|\\fBaqmask \\fISPEC\\fR [\\-\\-dry\\-run]
Write a mask in the kernel's syntax.
.TP
.B mdev create \\fR[\\fIUUID\\fR] [\\-\\-persist [\\-\\-auto]] | \\fBmdev remove \\fIUUID
With \\fB\\-\\-persist\\fR the new mdev is also defined for mdevctl (manual start,
or autostart with \\fB\\-\\-auto\\fR); the definition is checked before the mdev is created.
.TP
.B assign\\fR|\\fBunassign \\fIUUID\\fR adapter|domain|control\\-domain \\fIIDS\\fR [\\-\\-dry\\-run]
.TP
.B config \\fIADAPTER\\fR on|off
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
.B sim \\fR... 
Simulated-host events; see README.md.
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
Every write is atomic (a temporary file, fsync, rename) and taken under the AP
configuration lock; \\fB\\-\\-read\\-only\\fR writes nothing.
.SH CONSOLE ACTIONS
Keys, names (for \\fB:name\\fR in scripts and \\fB[keys]\\fR in config.ini) and what they do:
.TS
l l l.
EOT
"$bin" --sim tui --list-actions 2>/dev/null | while IFS= read -r line; do
	key=$(printf '%s' "$line" | cut -c1-8 | sed 's/ *$//')
	name=$(printf '%s' "$line" | cut -c10-34 | sed 's/ *$//')
	help=$(printf '%s' "$line" | cut -c35- | sed 's/\\/\\\\/g')
	printf '%s\t%s\t%s\n' "$key" "$name" "$help"
done
cat <<EOT
.TE
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
mdevctl's definitions (under \\fI\\\$MDEVCTL_ENV_ROOT\\fR when that is set, as mdevctl 1.3+).
.TP
.I /etc/udev/rules.d/41\\-ap.rules
chzdev's persistent apmask and aqmask.
.TP
.I /etc/libvirt/qemu/*.xml\\fR, \\fI/run/libvirt/qemu/*.xml
libvirt's defined and running domains.
.SH ENVIRONMENT
.TP
.B APMATRIX_CONFIG_ROOT
The root of the files above instead of \\fI/\\fR (a simulated host with a state file
\\fIFILE\\fR keeps them under \\fIFILE.d\\fR).
.SH EXIT STATUS
0 done; 1 refused or partly applied; 2 usage error; 3 the kernel's answer differed from the prediction.
.SH SEE ALSO
.BR lszcrypt (8),
.BR mdevctl (8),
.BR chzdev (8),
.BR lszdev (8)
EOT
