#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tmux-migrate.sh - the migration wizard in a real terminal (tmux): unplug
# a running guest on one simulated host (Z, a restore file, y), replug it
# on another (R, the check, y), the steps running while the console keeps
# drawing; each host's state checked afterwards with the CLI.  q and
# SIGTERM during the run are refused and the steps go on; the steps'
# process killed leaves the wizard partly done, never [running]; y after
# another tool assigned to the mdev is refused, nothing done; a check
# that cannot put the masks back shows why and offers no y; a pipe that
# cannot be made shows the error, never [running].  Then a
# target whose AES master key differs: the wizard refuses, names the APQN,
# and changes nothing.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/tui/tmux-lib.sh"
WAIT_TENTHS=150
G=62177883-f1bb-47f0-914d-32a22e3a8804
mig_source src.ini
mig_host tgt.ini hostB
mig_host aes.ini hostC "[masterkeys 05.0047]
aes_cur = valid 0x8b02aa55aa55aa55"
domstatus root/run/libvirt/qemu/dom1.xml dom1 $G
# virsh takes a second, as QEMU's hot unplug does: the console must keep drawing meanwhile.
sim_virsh bin 1
mdev() { # FILE EXPR on the mdev G of `show --json`
	"$APMATRIX" --sim="$1" show --json 2>/dev/null |
		python3 -c "import json,sys; m=[x for x in json.load(sys.stdin)['mdevs'] if x['uuid']=='$G']; print($2)"
}
unplug_on() { # N: a console on source srcN.ini, its unplug wizard open on rN.json
	mig_source "src$1.ini"
	console "src$1.ini"
	t send-keys -t apm Z "$work/r$1.json" Enter
	wait_for "taking away these 6 APQNs" || { not_ok "the wizard opens on src$1"; show_file pane; }
}
console() { # HOST: the console on HOST, in a tmux server of its own (no race with the last one's end)
	t kill-server 2>/dev/null
	sock=$work/tmux-$1.sock
	t new-session -d -s apm -x 100 -y 40 \
		"PATH='$work/bin:$PATH' VIRSH_SIM='$work/$1' APMATRIX_CONFIG_ROOT='$work/root' '$APMATRIX' --sim='$work/$1'; echo EXIT=\$?; sleep 5"
	wait_for "mdevs (Tab)"
}

console src.ini && ok "the console runs on the source" || { not_ok "the console starts"; show_file pane; }
t send-keys -t apm Z
wait_for "restore file to write" && ok "Z asks for the restore file" || { not_ok "Z prompts"; show_file pane; }
t send-keys -t apm "$work/r.json" Enter
wait_for "taking away these 6 APQNs" && ok "the wizard names every APQN" || { not_ok "the wizard opens"; show_file pane; }
grep -qF "unplug from guest dom1 (libvirt domain dom1)" pane && ok "and the guest" || not_ok "the guest named"
t send-keys -t apm y
wait_for "running: virsh detach-device dom1" && ok "progress shows while the steps run" || { not_ok "progress"; show_file pane; }
# virsh sleeps a second: the console still answers a key meanwhile (Up scrolls).
grep -qF "Result:" pane && not_ok "the run was over before its progress showed" || ok "the result is not there yet"
wait_for "Result: ready to migrate" && ok "the final state: ready to migrate" || { not_ok "ready to migrate"; show_file pane; }
grep -qF "4. [done]" pane && ok "every step's result in words" || not_ok "step results"
is "the source's mdev is empty and not held" "[] [] [] False" "$(mdev src.ini "m[0]['adapters'], m[0]['domains'], m[0]['control_domains'], m[0]['in_use']" | tr -d ',()' | sed 's/\] \[/] [/g')"
t send-keys -t apm n
t send-keys -t apm q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits"
"$APMATRIX" --sim=src.ini mdev remove $G >/dev/null 2>&1

console tgt.ini
t send-keys -t apm R
wait_for "restore file to plug from" && ok "R asks for the restore file" || { not_ok "R prompts"; show_file pane; }
t send-keys -t apm "$work/r.json" Enter
wait_for "6 can be plugged with the same keys, 0 refused" && ok "the check comes before anything" || { not_ok "the check"; show_file pane; }
t send-keys -t apm y
wait_for "Result: replugged" && ok "the final state: replugged" || { not_ok "replugged"; show_file pane; }
is "the target's mdev: the recorded matrix, held by dom1" "[5, 6, 7] [4, 71] [80] True dom1" \
	"$(mdev tgt.ini "m[0]['adapters'], m[0]['domains'], m[0]['control_domains'], m[0]['in_use'], m[0]['guest']" | sed "s/^(//; s/)$//; s/\], \[/] [/g; s/\], /] /; s/, '/ /; s/'//g")"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits"

# q, ^C or SIGTERM while the steps run: refused, said why; the steps go on to their end.
unplug_on 2
t send-keys -t apm y
wait_for "running: virsh detach-device dom1" || { not_ok "src2 runs"; show_file pane; }
t send-keys -t apm q
wait_for "not quitting while its steps run" && ok "q while the steps run: refused, and why" || { not_ok "q refused"; show_file pane; }
kill -TERM "$(console_pid)"
wait_for "Result: ready to migrate" && ok "SIGTERM refused too: the steps went on to their end" || { not_ok "the run went on"; show_file pane; }
grep -qF "EXIT=" pane && not_ok "the console quit during the run" || ok "the console is still there"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits once the run is over" || not_ok "q quits after"

# The steps' process killed: the wizard says partly done, not [running] for ever.
unplug_on 3
t send-keys -t apm y
wait_for "running: virsh detach-device dom1" || { not_ok "src3 runs"; show_file pane; }
steps_pid=$(children "$(console_pid)" | head -n1)
echo "# the steps' process: $steps_pid"
[ -n "$steps_pid" ] && kill -KILL "$steps_pid"
wait_for "Result: partly done" && ok "its process killed: partly done" || { not_ok "partly done"; show_file pane; }
grep -qF "open the wizard again to see which steps are done" pane && ok "and what to do next" || { not_ok "what next"; show_file pane; }
grep -qF "[running]" pane && not_ok "a step still shows running" || ok "no step shows running"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits after the kill"
sleep 1.5 # the killed steps' virsh finishes its sleep

# y comes after another tool assigned to the mdev: the wizard refuses, nothing is unplugged.
unplug_on 4
"$APMATRIX" --sim=src4.ini assign $G control-domain 1 >/dev/null 2>&1 || not_ok "the CLI assigns meanwhile"
t send-keys -t apm y
wait_for "changed since this wizard opened" && ok "y after an assignment meanwhile: refused" || { not_ok "refused at y"; show_file pane; show_console; }
grep -qF "control domains 0x01,0x50)" pane && ok "it shows what the mdev has now" || { not_ok "what it has now"; show_file pane; }
is "nothing was unplugged" "[5, 6, 7] [4, 71] [1, 80]" "$(mdev src4.ini "m[0]['adapters'], m[0]['domains'], m[0]['control_domains']" | sed "s/^(//; s/)$//; s/\], \[/] [/g")"
[ -e r4.json ] && not_ok "a restore file was written" || ok "no restore file was written"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || { not_ok "q quits after the refusal"; show_console; }

# The check cannot put the masks back (aqmask refused twice): its error and the
# commands that mend it are shown, and y is not offered.
mig_host masks.ini hostB "[faults]
bus/ap/aqmask = EIO 2"
console masks.ini
t send-keys -t apm R "$work/r.json" Enter
wait_for "the masks could not be put back: run" && ok "the library's error is shown, with the command" || { not_ok "the check's error shown"; show_file pane; }
grep -qF "y: run the steps" pane && not_ok "y is offered after the check's error" || ok "y is not offered after the check's error"
grep -qF '\x0a' pane && { not_ok "the error's lines are shown as \\x0a"; show_file pane; } || ok "the error is one message, no \\x0a in it"
t send-keys -t apm End
wait_for "REFUSED: the check went wrong" && ok "a check that went wrong: refused in the wizard" || { not_ok "refused after the check's error"; show_file pane; }
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits after the check's error"

# y when the console cannot open a pipe for the steps (no file descriptor
# left): the error is shown, nothing done, no step shows running.
unplug_on 5
console_pid=$(console_pid)
echo "# the console: $console_pid"
fds=$(ls "/proc/$console_pid/fd" | wc -l)
prlimit --pid "$console_pid" --nofile=$((fds + 1)):$((fds + 1))
t send-keys -t apm y
wait_for "the steps could not be started" && ok "a pipe that fails: the error in the wizard" || { not_ok "the start's error"; show_file pane; }
grep -qF "[running]" pane && not_ok "a step shows running after the failed start" || ok "no step shows running after the failed start"
grep -qF "y: run the steps" pane && ok "y is offered again" || { not_ok "y offered again"; show_file pane; }
is "nothing was unplugged after the failed start" "[5, 6, 7]" "$(mdev src5.ini "m[0]['adapters']")"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits after the failed start"

cp aes.ini aes-before.ini
console aes.ini
t send-keys -t apm R "$work/r.json" Enter
wait_for "REFUSED: 1 APQNs cannot be plugged here" && ok "a changed AES key: refused in the wizard" || { not_ok "refused"; show_file pane; }
grep -qF "refused  05.0047: master key patterns differ" pane && ok "the APQN named" || { not_ok "the APQN named"; show_file pane; }
grep -qF "y: run the steps" pane && not_ok "y is offered" || ok "y is not offered"
t send-keys -t apm y
sleep 0.5
is "y changed nothing: no mdev" 0 "$(grep -c '^\[mdev' aes.ini)"
t send-keys -t apm n q
wait_for "EXIT=0" && ok "q quits" || not_ok "q quits"
t kill-server 2>/dev/null
done_testing
