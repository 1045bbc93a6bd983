# SPDX-License-Identifier: GPL-2.0-or-later
# tmux-lib.sh - what the tests of the console in a real terminal share
# (sourced after tests/cli/lib.sh): the skip without tmux, a private tmux
# server (t), wait_for, which polls the pane for a text, and the pids of
# the console and its children.
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed (scripts/deps.sh installs it)"
	exit 0
fi
cd "$work" || exit 1
export LC_ALL=C.UTF-8 TERM=xterm-256color
sock=$work/tmux.sock
t() { tmux -S "$sock" "$@"; }
# wait_for TEXT: poll the pane (the program draws asynchronously) for up to
# WAIT_TENTHS tenths of a second (10 s); the pane is left in ./pane.
wait_for() {
	i=0
	while [ $i -lt "${WAIT_TENTHS:-100}" ]; do
		t capture-pane -p -t apm >pane 2>/dev/null
		grep -qF -- "$1" pane && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
children() { # PID: its children's pids (polled: tmux and fork() take their time)
	i=0
	while [ $i -lt 20 ]; do
		c=$(ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ')
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	echo "# no child of pid '$1'" >&2
}
console_pid() { # the console's pid: the pane's shell's child
	children "$(t display -p -t apm '#{pane_pid}')" | head -n1
}
# show_console: where the console is when it did not answer (a key that
# brought no frame): its state and kernel wait channel, its children, and
# a backtrace when gdb is there, so a failure that happens only under a
# loaded CI machine says what the console was doing.
show_console() {
	cpid=$(console_pid)
	[ -n "$cpid" ] || { echo "#   (no console process)"; return 0; }
	ps -o pid=,stat=,wchan:32=,etime=,args= -p "$cpid" --ppid "$cpid" 2>&1 | sed 's/^/#   ps: /'
	if command -v gdb >/dev/null; then
		timeout 30 gdb -batch -nx -p "$cpid" -ex 'thread apply all bt' 2>&1 |
			grep -E '^(#[0-9]|Thread)' | head -40 | sed 's/^/#   gdb: /'
	fi
}
