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
.B show \\fR[\\-\\-json] [\\-\\-detail] [\\-\\-guest UUID]
The host, its masks, the grid and the mdevs.
.TP
.B mask apmask\\fR|\\fBaqmask \\fISPEC\\fR [\\-\\-dry\\-run]
Write a mask in the kernel's syntax.
.TP
.B mdev create \\fR[\\fIUUID\\fR] | \\fBmdev remove \\fIUUID
.TP
.B assign\\fR|\\fBunassign \\fIUUID\\fR adapter|domain|control\\-domain \\fIIDS\\fR [\\-\\-dry\\-run]
.TP
.B config \\fIADAPTER\\fR on|off
.TP
.B rescan
.TP
.B sim \\fR... 
Simulated-host events; see README.md.
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
.SH EXIT STATUS
0 done; 1 refused or partly applied; 2 usage error; 3 the kernel's answer differed from the prediction.
.SH SEE ALSO
.BR lszcrypt (8),
.BR mdevctl (8)
EOT
