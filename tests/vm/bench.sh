# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh - apsim with a maximal LPAR, inside the VM (make bench-vm).
#
# 256 adapters x 256 domains (65536 queue devices), 16 mdevs of 16 adapters
# x 256 domains each: the module's load time and memory, a mask write that
# moves every queue to vfio_ap, and `apmatrix show --json` on /sys (time,
# syscalls, the floor) beside its peers on the same host: s390-tools'
# lszcrypt -V (every card and queue) and mdevctl list (the mdevs), with the
# ratios.  The live view: the `apmask 0x` storm followed by the console in
# a real terminal (bench/storm.py: a key's answer, the screen correct after
# the last event, lost events, CPU) and by `apmatrix watch --json`; with the
# 16 mdevs held by guests, one queue's unbind and bind to the updated screen
# (CPU, script mode) and the 1 s poll's CPU per tick.  No peer follows the
# host live: those figures stand beside their goals only.
# Figures only: nothing here passes or fails on time.
. "$APM_TOP/tests/vm/lib.sh"

# --event-only: only what the event-to-screen and poll figures need (the
# mask write, the 16 mdevs and guests, the console's script); --perf: that
# script once more under perf record, with its profile.
event_only=
perf=
for arg in "$@"; do
	case $arg in
	--event-only) event_only=1 ;;
	--perf) perf=1 ;;
	*) echo "usage: bench.sh [--event-only] [--perf]"; exit 2 ;;
	esac
done

now() { cut -d' ' -f1 /proc/uptime; }
mem() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }

modprobe -a vfio vfio_iommu_type1 mdev
before=$(mem)
t=$(now)
insmod "$KO" adapters=0-255:CEX8C domains=0-255 || { echo "bench: insmod failed"; exit 1; }
echo "apsim  load, 256 x 256 (65536 queue devices): $(since "$t") s"
echo "apsim  memory: $(((before - $(mem)) / 1024)) MiB (MemAvailable before - after)"
echo "apsim  bindings: $(cat $S/bus/ap/bindings)"
t=$(now)
"$SYSW" $S/bus/ap/apmask 0x >/dev/null
echo "apsim  apmask 0x (65536 queues re-probed to vfio_ap): $(since "$t") s"
if [ -z "$event_only" ]; then
	t=$(now)
	"$SYSW" $S/bus/ap/apmask 0x$(printf '%064s' | tr ' ' f) >/dev/null
	echo "apsim  apmask back to all ones (65536 queues back to the host): $(since "$t") s"

	# The storm again, followed by the console alone in a real terminal, then
	# back unwatched, then once more followed by watch --json alone: each
	# observer has the VM's one CPU to itself and the kernel.
	python3 "$APM_TOP/bench/storm.py" "$APMATRIX" --sysfs /sys -- "$SYSW" $S/bus/ap/apmask 0x
	"$SYSW" $S/bus/ap/apmask 0x$(printf '%064s' | tr ' ' f) >/dev/null
	"$APMATRIX" --sysfs /sys watch --json >"$W/stream" 2>"$W/stream.err" &
	wpid=$!
	i=0
	while [ $i -lt 3000 ] && ! grep -q '"kind":"snapshot"' "$W/stream" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	wcpu0=$(awk '{print $14 + $15}' /proc/$wpid/stat)
	t=$(now)
	"$SYSW" $S/bus/ap/apmask 0x >/dev/null
	tend=$(date +%s.%N)
	echo "storm  apmask 0x again, watch --json following it: $(since "$t") s"
	# Until the stream is quiet (its size the same for 2 s), then replayed once.
	size=-1
	i=0
	while [ $i -lt 300 ] && [ "$size" != "$(wc -c <"$W/stream")" ]; do
		size=$(wc -c <"$W/stream")
		sleep 2
		i=$((i + 1))
	done
	"$APMATRIX" --sysfs /sys show --json >"$W/final.json"
	if out=$(python3 "$APM_TOP/tests/lib/watch-replay.py" "$W/stream" "$W/final.json"); then
		echo "storm  watch --json: the stream replayed is show --json ($out)"
	else
		echo "storm  watch --json: the stream replayed is NOT show --json: $out"
	fi
	python3 -c "
import datetime, json, sys
last = json.loads(open(sys.argv[1]).readlines()[-1])
t = datetime.datetime.strptime(last['time'], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc)
print('storm  watch --json: its last line %.0f ms after the last event (goal <= 1000 ms)' % max(0.0, (t.timestamp() - float(sys.argv[2])) * 1e3))
	" "$W/stream" "$tend"
	wcpu=$(awk -v c0="$wcpu0" '{printf "%.2f", ($14 + $15 - c0) / 100}' /proc/$wpid/stat)
	kill "$wpid"
	wait "$wpid" 2>/dev/null
	echo "storm  watch --json: events lost: $(grep -c '"kind":"reload"' "$W/stream") (reload lines; goal 0); CPU $wcpu s over the storm; $(wc -l <"$W/stream") lines, $(($(wc -c <"$W/stream") / 1024)) KiB"
	rm -f "$W/stream"
fi

t=$(now)
i=0
for a in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
	u=$(printf '%08x-0000-4000-8000-%012x' $i $i)
	"$SYSW" $T/create $u >/dev/null
	apm=$(printf '0x%064s' "" | tr ' ' 0 | sed "s/^0x\(.\{$((i * 4))\}\)..../0x\1ffff/")
	"$SYSW" $M/$u/ap_config "$apm,0x$(printf '%064s' | tr ' ' f),0x$(printf '%064s' | tr ' ' f)" >/dev/null
	i=$((i + 1))
done
echo "apsim  16 mdevs created and configured (ap_config): $(since "$t") s"
echo "apsim  memory with the mdevs: $(((before - $(mem)) / 1024)) MiB"
# A guest for each: its QEMU holds the mdev's VFIO group.
qpids=
for g in $(seq 0 15); do # (attach counts with $i)
	attach "guest$g" "$(printf '%08x-0000-4000-8000-%012x' "$g" "$g")" ||
		echo "bench: guest$g: $(cat "$W/fq.err")"
	qpids="$qpids $qpid"
done
echo "apsim  16 guests started (fake-qemu holding the VFIO groups)"

# No periodic bus scan while the console is measured (a scan is a change
# of its own: what it costs is in the poll figure otherwise).
"$SYSW" $S/bus/ap/config_time 120 >/dev/null
# One queue's unbind and bind (00.0000: guest0 loses adapter 0x00 and gets
# it back) to the updated screen, in script mode: the console's CPU between
# :clock lines, less the step after it with a command that changes nothing
# (the fork of the :shell line).  What comes once is said apart, not
# averaged in: the console's first frame (it reads the state of every cell
# on screen) and the first round (guest0's one-page guest_matrix then
# shows an adapter whose 256 queues' config and chkstop were never read;
# the guest's warnings read them, once).  Then the poll: 20 ticks of 1 s
# with nothing happening, less an :idle without a tick (each script line
# ends with a frame, two of them fall between those :clock lines).
rounds=10
{
	echo ":clock"
	echo ":clock"
	echo ":shell $SYSW $S/bus/ap/drivers/vfio_ap/unbind 00.0000 >/dev/null"
	echo ":clock"
	echo ":shell $SYSW $S/bus/ap/drivers/vfio_ap/bind 00.0000 >/dev/null"
	echo ":clock"
	for r in $(seq $rounds); do
		echo ":shell $SYSW $S/bus/ap/drivers/vfio_ap/unbind 00.0000 >/dev/null"
		echo ":clock"
		echo ":shell true"
		echo ":clock"
		echo ":shell $SYSW $S/bus/ap/drivers/vfio_ap/bind 00.0000 >/dev/null"
		echo ":clock"
		echo ":shell true"
		echo ":clock"
	done
	echo ":save-display $W/event.txt"
	echo ":clock"
	echo ":idle 1"
	echo ":clock"
	echo ":idle 20000"
	echo ":clock"
} >"$W/event.script"
# event_screen [perf]: the script in the console; with perf, under perf
# record (cpu-clock, call graphs) with its report after the figures.
event_screen() {
	if [ -n "$1" ]; then
		# Recorded over the measured rounds only (perf's control
		# fifo), not the start-up's full load, the first frame nor the
		# first round: the enable comes after the script's sixth line.
		rm -f "$W/perf.ctl"
		mkfifo "$W/perf.ctl"
		sed "6s|$|\n:shell echo enable >$W/perf.ctl|; s|^:save-display|:shell echo disable >$W/perf.ctl\n&|" \
			"$W/event.script" >"$W/perf.script"
		perf record -q -e cpu-clock -g --no-inherit -D -1 --control "fifo:$W/perf.ctl" -o "$W/perf.data" -- \
			"$APMATRIX" --sysfs /sys tui --interval 1000 --script "$W/perf.script" \
			--size 200x60 >"$W/event.out" 2>"$W/event.err"
		echo "tui    under perf record (the events only):"
	else
		"$APMATRIX" --sysfs /sys tui --interval 1000 --script "$W/event.script" --size 200x60 \
			>"$W/event.out" 2>&1
	fi
	awk -v rounds=$rounds '
	/: cpu / { n++; cpu[n] = $3; wall[n] = $6 }
	/batches$/ { batches = $2 }
	function median(v, k,   i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	END {
		if (n != 4 * rounds + 7) { print "tui    event to screen: NOT MEASURED (" n " clock lines)"; exit }
		# cpu[4] opens the rounds: each event, then the step that changes nothing.
		k = 0
		for (i = 4; i < 4 * rounds + 4; i += 2) {
			k++
			d[k] = (cpu[i + 1] - cpu[i]) - (cpu[i + 2] - cpu[i + 1])
			dw[k] = (wall[i + 1] - wall[i]) - (wall[i + 2] - wall[i + 1])
			ev += cpu[i + 1] - cpu[i]; base += cpu[i + 2] - cpu[i + 1]
			max = d[k] > max ? d[k] : max
		}
		printf "tui    one queue unbound or bound (00.0000, guest0 plugged/unplugged) to updated screen: %.2f ms CPU, median (goal <= 5 ms; %d events; mean %.2f, max %.2f; %.2f ms with the :shell fork, %.2f ms for the fork alone; wall %.1f ms, median)\n", median(d, k) / 1000, k, (ev - base) / k / 1000, max / 1000, ev / k / 1000, base / k / 1000, median(dw, k) / 1000
		printf "tui    said apart, once: the first frame %.1f ms CPU; the first round (unbind, bind) %.1f and %.1f ms, with the fork\n", (cpu[2] - cpu[1]) / 1000, (cpu[3] - cpu[2]) / 1000, (cpu[4] - cpu[3]) / 1000
		t = n - 1
		f = (cpu[t] - cpu[t - 1]) / 1000
		printf "tui    the 1 s poll with nothing happening: %.3f ms CPU per tick (goal <= 1 ms; 20 ticks, %d batches; less the frames that end the script lines, %.1f ms)\n", ((cpu[n] - cpu[t]) / 1000 - f) / 20, batches, f
	}' "$W/event.out"
	grep -v ': cpu \|batches$' "$W/event.out" | head -5
	grep -q 'guest0' "$W/event.txt" || echo "tui    (the saved screen does not show guest0)"
	if [ -n "$1" ]; then
		perf report -i "$W/perf.data" --no-children --percent-limit 0.7 --stdio -g none \
			--sort dso,symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60
		perf report -i "$W/perf.data" --children --percent-limit 3 --stdio -g none \
			--sort symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60
	fi
}
event_screen ""
[ -z "$perf" ] || event_screen perf

if [ -z "$event_only" ]; then
	"$APMATRIX" --sysfs /sys show --json >/dev/null
	t=$(now)
	"$APMATRIX" --sysfs /sys show --json >"$W/show.json"
	echo "apmatrix show --json on /sys: $(since "$t") s, $(wc -c <"$W/show.json") bytes"
	if command -v strace >/dev/null; then
		strace -f -c -o "$W/strace" "$APMATRIX" --sysfs /sys show --json >/dev/null
		echo "apmatrix show --json: $(awk '/^100.00/ {print $4}' "$W/strace") syscalls"
		# Against the floor (bench/floor.py; goal within 1.25x).
		strace -f -o "$W/trace" "$APMATRIX" --sysfs /sys show --json >"$W/show.json"
		strace -f -o "$W/base" "$APMATRIX" --version >/dev/null
		python3 "$APM_TOP/bench/floor.py" "$W/trace" "$W/base" /sys "$(wc -c <"$W/show.json")" |
			sed 's/^tree  /show  /'
		rm -f "$W/trace" "$W/base"
	fi
	mdevctl list >/dev/null 2>&1
	t=$(now)
	mdevctl list >"$W/mdevctl"
	echo "peer   mdevctl list (the same 16 mdevs, no queues): $(since "$t") s, $(wc -l <"$W/mdevctl") lines"

	# The peers measured beside us on the same host (bench/measure.sh): wall,
	# CPU, syscalls, peak RSS and the ratio.  lszcrypt reads every card and
	# queue; mdevctl list reads the mdevs, the part of show --json it covers.
	. "$APM_TOP/bench/measure.sh"
	. "$APM_TOP/tests/lib/peers.sh"
	MEASURE_CALLS=kernel
	measure "$APMATRIX" --sysfs /sys show --json
	keep apm "apmatrix --sysfs /sys show --json"
	if peers_use "$APM_VM_DIR/peers"; then
		measure "$PEER_LSZCRYPT" -V
		keep lsz "lszcrypt -V (peer)"
		compare lsz apm
	else
		echo "peer   lszcrypt: NOT MEASURED: $peers_why"
	fi
	measure mdevctl list
	keep mdevctl "mdevctl list (peer, 16 mdevs)"
	compare mdevctl apm
fi
kill $qpids 2>/dev/null
wait $qpids 2>/dev/null
t=$(now)
rmmod apsim
echo "apsim  unload with 16 mdevs: $(since "$t") s"
[ -n "$event_only" ] || sh "$APM_TOP/tests/vm/bench-migrate.sh"
