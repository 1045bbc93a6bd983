#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tui.sh - what the console costs a terminal (part of make bench).
#
# In tmux (a real terminal): the bytes written for the first full paint of
# a 200x60 screen, and for a one-cell change made by another process (an
# APQN assigned on the same state file).  Headless: reload + redraw of a
# 256 x 256 host with 16 mdevs, i.e. the work between a change and the
# screen, averaged over 20 rounds.  Figures only.
set -u
b=${1:-.}
work=$(mktemp -d)
trap 'tmux -S "$work/sock" kill-server 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
A=$b/apmatrix
cd "$work"
export LC_ALL=C.UTF-8 TERM=xterm-256color
printf '[lpar]\nadapters = 0-255:CEX8C\nusage_domains = 0-255\ncontrol_domains = 0-255\n' >max.ini
"$A" --sim=max.ini mask apmask -0-0x3f >/dev/null 2>&1
for i in $(seq 0 15); do
	u=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
	"$A" --sim=max.ini mdev create "$u" >/dev/null 2>&1
	"$A" --sim=max.ini assign "$u" adapter "$((i * 4))-$((i * 4 + 3))" >/dev/null 2>&1
	"$A" --sim=max.ini assign "$u" domain "$((i * 16))-$((i * 16 + 14))" >/dev/null 2>&1
done
# One more mdev on adapter 0x00 without domains: assigning it 0x0f later adds exactly one APQN.
"$A" --sim=max.ini mdev create 00000010-0000-4000-8000-000000000010 >/dev/null 2>&1
"$A" --sim=max.ini assign 00000010-0000-4000-8000-000000000010 adapter 0 >/dev/null 2>&1
# A script saves a screen (one that saves none is refused): both save one, once.
echo ":save-display $work/screen.txt" >script0
: >script
for i in $(seq 1 50); do echo ":refresh" >>script; done
echo ":save-display $work/screen.txt" >>script
t0=$(date +%s%N)
"$A" --sim=max.ini tui --script script0 --size 200x60 >/dev/null 2>&1
t1=$(date +%s%N)
"$A" --sim=max.ini tui --script script --size 200x60 >/dev/null 2>&1
t2=$(date +%s%N)
echo "tui    change to screen (re-read + redraw), 256 x 256 host, 17 mdevs: $((((t2 - t1) - (t1 - t0)) / 50000)) us (headless, start-up subtracted)"

if ! command -v tmux >/dev/null; then
	echo "(tmux not installed: no terminal byte counts)"
	exit 0
fi
t() { tmux -S "$work/sock" "$@"; }
t new-session -d -s b -x 200 -y 60 "sleep 600"
t pipe-pane -o -t b "cat >>'$work/tty'"
t respawn-pane -k -t b "'$A' --sim='$work/max.ini' --read-only tui --interval 600000"
i=0
while [ $i -lt 100 ] && ! t capture-pane -p -t b | grep -q "mdevs (Tab"; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
full=$(wc -c <tty)
echo "tui    full paint of 200x60: $full bytes to the terminal"
"$A" --sim=max.ini assign 00000010-0000-4000-8000-000000000010 domain 15 >/dev/null 2>&1
i=0
while [ $i -lt 100 ] && [ "$(wc -c <tty)" -eq "$full" ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
total=$(($(wc -c <tty) - full))
# The log line saying what happened is part of it; count it apart.
logb=$(tail -c "$total" tty | tr '\033' '\n' | grep -a 'uevent' | wc -c)
echo "tui    one APQN assigned by another process: $total bytes to the terminal ($((total - logb)) for the cell, $logb for the log line)"

