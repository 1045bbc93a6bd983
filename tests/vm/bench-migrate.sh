# SPDX-License-Identifier: GPL-2.0-or-later
# bench-migrate.sh - `make bench-vm`, guided migration on apsim: a guest
# (fake-qemu --stay) with 16 adapters x 85 domains is unplugged through the
# virsh stand-in, apsim is reloaded as the target, and the guest is
# replugged: the writes each command made and its wall time.  Run by
# tests/vm/bench.sh inside the VM; apsim must not be loaded.
. "$APM_TOP/tests/vm/lib.sh"
. "$APM_TOP/tests/lib/libvirt.sh"

G=$G1
export APMATRIX_CONFIG_ROOT=$W/root
libvirt_running "$W/root" big $G
virsh_standin "$W"
PATH=$W/bin:$PATH
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
writes() { # the matrix writes ("N writes:") and the masks lent to zcrypt
	m=$(sed -n 's/^  \([0-9]*\) writes\{0,1\}:.*/\1/p' "$1" | head -1)
	echo "${m:-0} matrix, $(grep -c 'wrote a[pq]mask' "$1") mask"
}
params="adapters=0x10-0x1f:CEX8C domains=0x01-0x55"
load $params || { echo "migrate: insmod apsim failed"; exit 1; }
echo src >$S/kernel/apsim/host_name
echo -0x01-0x55 >$S/bus/ap/aqmask
echo $G >$T/create
"$APMATRIX" --sysfs $S assign $G adapter 0x10-0x1f >/dev/null &&
	"$APMATRIX" --sysfs $S assign $G domain 0x01-0x55 >/dev/null || { echo "migrate: assign failed"; exit 1; }
attach big $G --stay || { echo "migrate: fake-qemu failed"; exit 1; }
echo $qpid >"$W/qpid"
t=$(now)
"$APMATRIX" --sysfs $S unplug $G --save "$W/r.json" --libvirt >"$W/u" 2>&1 || { cat "$W/u"; exit 1; }
tu=$(since "$t")
echo 1 >$M/$G/remove
rmmod apsim
load $params || exit 1
echo tgt >$S/kernel/apsim/host_name
echo -0x01-0x55 >$S/bus/ap/aqmask
t=$(now)
"$APMATRIX" --sysfs $S replug --check --from "$W/r.json" >"$W/c" 2>&1 || { cat "$W/c"; exit 1; }
tc=$(since "$t")
t=$(now)
"$APMATRIX" --sysfs $S replug --from "$W/r.json" --create --libvirt >"$W/p" 2>&1 || { cat "$W/p"; exit 1; }
tp=$(since "$t")
grep -q "step 4: the guest holds mdev $G again" "$W/p" || { cat "$W/p"; exit 1; }
echo "migrate 16 x 85 on apsim (virsh stand-in, fake-qemu --stay):"
echo "  unplug --libvirt  $tu s ($(writes "$W/u") writes)"
echo "  replug --check    $tc s ($(writes "$W/c") writes)"
echo "  replug --create --libvirt  $tp s ($(writes "$W/p") writes)"
kill $qpid
wait $qpid 2>/dev/null
echo 1 >$M/$G/remove
rmmod apsim
rm -rf "$W"
