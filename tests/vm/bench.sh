# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh - apsim with a maximal LPAR, inside the VM (make bench-vm).
#
# 256 adapters x 256 domains (65536 queue devices), 16 mdevs of 16 adapters
# x 256 domains each: the module's load time and memory, a mask write that
# moves every queue to vfio_ap, and `apmatrix show --json` on /sys (time,
# syscalls) beside its peers on the same host: s390-tools' lszcrypt -V
# (every card and queue) and mdevctl list (the mdevs), with the ratios.
# Figures only: nothing here passes or fails on time.
. "$APM_TOP/tests/vm/lib.sh"

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
"$APMATRIX" --sysfs /sys show --json >/dev/null
t=$(now)
"$APMATRIX" --sysfs /sys show --json >"$W/show.json"
echo "apmatrix show --json on /sys: $(since "$t") s, $(wc -c <"$W/show.json") bytes"
if command -v strace >/dev/null; then
	strace -f -c -o "$W/strace" "$APMATRIX" --sysfs /sys show --json >/dev/null
	echo "apmatrix show --json: $(awk '/^100.00/ {print $4}' "$W/strace") syscalls"
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
t=$(now)
rmmod apsim
echo "apsim  unload with 16 mdevs: $(since "$t") s"
