#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tmux.sh - the console in a real terminal: tmux runs the binary, keys go
# in with send-keys, the screen comes back with capture-pane.  Also checks
# that a change made by another apmatrix process on the same state file
# shows up live (inotify), that resizing redraws, and that q restores the
# terminal and exits 0.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/tui/tmux-lib.sh"

"$APMATRIX" --sim=host.ini show >/dev/null 2>&1
t new-session -d -s apm -x 100 -y 30 "'$APMATRIX' --sim=host.ini; echo EXIT=\$?; sleep 5"
wait_for "SIMULATED host" && ok "the console starts in a terminal" || { not_ok "the console starts"; show_file pane; }
wait_for "mdevs (Tab)" && ok "panels drawn" || not_ok "panels drawn"
t send-keys -t apm j l
wait_for "APQN 05.0002" && ok "keys move the cursor" || { not_ok "keys move the cursor"; show_file pane; }

# Another process starts a guest on mdev Y: the console shows it without a key.
"$APMATRIX" --sim=host.ini sim guest-start 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 Guest3 >/dev/null 2>&1
wait_for "Guest3" && ok "a change by another process shows up live" || { not_ok "live update"; show_file pane; }
grep -q "06 CEX5A accel      h  . V\* Y\* V\* Y\*" pane && ok "hot plug visible in the grid" ||
	{ not_ok "hot plug visible in the grid"; show_file pane; }

# Text written to the terminal behind the program's back: ^L repaints it all.
printf '\033[12;10HGARBAGE-BEHIND-CURSES' >"$(t display -p -t apm '#{pane_tty}')"
wait_for "GARBAGE-BEHIND-CURSES" && ok "text painted over the screen from outside" ||
	not_ok "the outside text shows"
t send-keys -t apm C-l
i=0
while [ $i -lt 50 ] && t capture-pane -p -t apm | grep -q GARBAGE; do sleep 0.1; i=$((i + 1)); done
t capture-pane -p -t apm >pane
if ! grep -q GARBAGE pane && grep -q "mdevs (Tab)" pane; then ok "^L repaints from scratch"; else
	not_ok "^L repaints from scratch"; show_file pane; fi

# A state file another process breaks: the library's message lands in the
# log rows, never painted over the grid or the panels (the log sink).
sed -i 's/^; end of the apmatrix state$/bogus line\n&/' host.ini
wait_for "syntax error" && ok "the broken state file is reported" || { not_ok "reported"; show_file pane; }
rows=$(grep -n "syntax error" pane | cut -d: -f1 | tr '\n' ' ')
bad=0
for r in $rows; do [ "$r" -ge 26 ] && [ "$r" -le 29 ] || bad=1; done
[ "$bad" -eq 0 ] && grep -q "^ SIMULATED host" pane && ok "only in the log's rows (lines $rows)" ||
	{ not_ok "printed outside the log: lines $rows"; show_file pane; }
sed -i '/^bogus line$/d' host.ini

t resize-window -t apm -x 70 -y 20 2>/dev/null || t resize-pane -t apm -x 70 -y 20
wait_for "terminal too small" && ok "too small after a resize" || { not_ok "too small after a resize"; show_file pane; }
t resize-window -t apm -x 100 -y 30 2>/dev/null || t resize-pane -t apm -x 100 -y 30
wait_for "mdevs (Tab)" && ok "redrawn after growing again" || { not_ok "redrawn after growing"; show_file pane; }

# A removal runs in a child (the kernel can make it wait for a guest to let
# go): while it runs, q, ^C and SIGTERM do not quit, and ^C never reaches
# the child, which has a process group of its own.  A shared flock on the
# state file holds the child's write back for a few seconds.
flock -s host.ini sleep 4 &
holder=$!
t send-keys -t apm X
wait_for "y: do it" && ok "X proposes the removal" || { not_ok "X proposes the removal"; show_file pane; }
t send-keys -t apm y
wait_for "in progress (the kernel may wait" && ok "the removal runs in a child" || { not_ok "the removal runs"; show_file pane; }
console=$(console_pid)
child=$(children "$console" | head -n1)
if [ -n "$child" ] && [ "$(ps -o pgid= -p "$child" | tr -d ' ')" = "$child" ]; then
	ok "the change's child leads its own process group"
else
	not_ok "the change's child leads its own process group (console $console, child '$child')"
fi
t send-keys -t apm q
wait_for "not quitting while it is applied" && ok "q while the change is applied: refused, and said" ||
	{ not_ok "q refused while the change runs"; show_file pane; }
t send-keys -t apm C-c
kill -TERM "$console" 2>/dev/null
sleep 0.5
kill -0 "$child" 2>/dev/null && kill -0 "$console" 2>/dev/null && ok "^C and SIGTERM: the console and the change go on" ||
	not_ok "^C or SIGTERM stopped the console or its change"
wait "$holder"
wait_for ": done" && ok "the change ends once the lock is free, and its result is shown" ||
	{ not_ok "the change's result"; show_file pane; }
t send-keys -t apm q
wait_for "EXIT=0" && ok "q quits with 0" || { not_ok "q quits with 0"; show_file pane; }
t kill-server 2>/dev/null
done_testing
