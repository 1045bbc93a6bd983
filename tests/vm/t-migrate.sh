# SPDX-License-Identifier: GPL-2.0-or-later
# t-migrate.sh - guided migration on apsim: a guest (fake-qemu --stay, the
# way QEMU hot-unplugs a vfio-ap device and keeps running) is unplugged
# through a virsh stand-in that drives /sys/kernel/apsim/guest_detach;
# apsim is then reloaded with the target's LPAR and name, and the guest is
# replugged there: matching keys succeed, a changed AES key is refused and
# named, and the hostdev comes back (SIGUSR1: device_add).
. "$APM_TOP/tests/vm/lib.sh"
. "$APM_TOP/tests/lib/libvirt.sh"

G=$G1
C=$S/kernel/apsim
export APMATRIX_CONFIG_ROOT=$W/root
libvirt_running "$W/root" dom1 $G
virsh_standin "$W"
PATH=$W/bin:$PATH
am() { "$APMATRIX" --sysfs "$S" "$@" >"$W/out" 2>"$W/err"; }
show_out() { sed 's/^/#   /' "$W/out" "$W/err" | head -40; }

load adapters=5:CEX8C,6:CEX8C domains=1,4,0x47 || { not_ok "insmod apsim"; done_testing; exit 1; }
answer "the source's name" OK $C/host_name hostA
answer "4 and 0x47 for vfio_ap" OK $S/bus/ap/aqmask -4,-0x47
answer "create $G" OK $T/create $G
am assign $G adapter 5,6 && am assign $G domain 4,0x47
is "assigned" "05.0004 05.0047 06.0004 06.0047" "$(rd $M/$G/matrix)"
attach dom1 $G --stay || not_ok "fake-qemu attaches"
echo $qpid >"$W/qpid"

am unplug $G --save "$W/r.json" --libvirt
rc=$?
is "unplug --libvirt" 0 $rc
[ $rc -eq 0 ] || show_out
is "virsh detach-device ran" 1 "$(grep -c "^virsh detach-device dom1 .* --live$" "$W/virsh.log")"
is "the guest's matrix is empty" "" "$(rd $M/$G/guest_matrix)"
is "the guest runs on" yes "$(kill -0 $qpid 2>/dev/null && echo yes || echo no)"
is "apsim: it runs on without its mdev" "$G" "$(cut -d' ' -f1 $C/unplugged)"
is "the source named in the restore file" hostA \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["body"]["source"]["name"])' "$W/r.json")"
is "the keys were read (lent to zcrypt)" 1 "$(grep -c 'step 3: recorded the master-key patterns' "$W/out")"
answer "tear the mdev down" OK $M/$G/remove 1
unload || not_ok "rmmod apsim"

# The target: the same cards, its own name.
load adapters=5:CEX8C,6:CEX8C domains=1,4,0x47 || { not_ok "insmod apsim (target)"; done_testing; exit 1; }
answer "the target's name" OK $C/host_name hostB
answer "target: 4 and 0x47 for vfio_ap" OK $S/bus/ap/aqmask -4,-0x47
am replug --check --from "$W/r.json"
is "replug --check: the same keys" 0 $?
is "every APQN" 1 "$(grep -c '4 can be plugged with the same keys, 0 refused' "$W/out")"
answer "another AES master key on 05.0047" OK $C/mkvp "05.0047 aes_cur valid 0x8b02aa55aa55aa55"
am replug --check --from "$W/r.json" --json
is "refused" 1 $?
is "named" "05.0047 keys" "$(python3 -c 'import json,sys; print(*[a["apqn"] + " " + a["code"] for a in json.load(open(sys.argv[1]))["apqns"] if not a["pluggable"]])' "$W/out")"
answer "the key as it was" OK $C/mkvp "05.0047 aes_cur off"
am replug --from "$W/r.json" --create --libvirt
rc=$?
is "replug --create --libvirt" 0 $rc
[ $rc -eq 0 ] || show_out
is "the matrix" "05.0004 05.0047 06.0004 06.0047" "$(rd $M/$G/matrix)"
is "the guest's matrix" "05.0004 05.0047 06.0004 06.0047" "$(rd $M/$G/guest_matrix)"
is "the guest holds it again" 1 "$(grep -c "step 4: the guest holds mdev $G again" "$W/out")"
is "nothing unplugged any more" "" "$(rd $C/unplugged)"

kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
echo 1 >$M/$G/remove

# More guests run on without their mdev than one sysfs page can list
# (apsim names a guest pid<PID>: a line is at most 48 bytes, 85 a page):
# kernel/apsim/unplugged lists every one of them, each once.
N=100
i=0
while [ $i -lt $N ]; do
	u=$(printf '%08x-0000-4000-8000-%012x' $i $i)
	echo $u >$T/create || break
	"$FAKEQEMU" -name "guest=unplugged-$i" -device "vfio-ap,sysfsdev=$S/bus/mdev/devices/$u" \
		--ready "$W/ready-$i" --stay 2>"$W/fq-$i.err" &
	echo $! >>"$W/qpids"
	i=$((i + 1))
done
is "$N mdevs created" $N $i
# Every guest holds its mdev, then its QEMU lets go of it and it runs on.
wait_files() { # wait_files there|gone: every ready file, at most 60 s
	t=0
	while [ $t -lt 3000 ]; do
		k=0 left=0
		while [ $k -lt $N ]; do
			if [ -f "$W/ready-$k" ]; then [ $1 = gone ] && left=$((left + 1)); else [ $1 = there ] && left=$((left + 1)); fi
			k=$((k + 1))
		done
		[ $left -eq 0 ] && return 0
		sleep 0.02
		t=$((t + 1))
	done
	return 1
}
wait_files there && ok "$N guests hold their mdevs" || not_ok "$N guests hold their mdevs"
i=0
while [ $i -lt $N ]; do
	printf '%08x-0000-4000-8000-%012x\n' $i $i >$C/guest_detach || break
	i=$((i + 1))
done
wait_files gone && ok "$N guests let go of them" || not_ok "$N guests let go of them"
cat $C/unplugged >"$W/unplugged"
# Read in windows that split lines, and one byte short of a page: each
# read() lists anew and copies its part (pos, count), the whole the same.
for bs in 1 7 4095; do
	dd if=$C/unplugged of="$W/unplugged.$bs" bs=$bs 2>/dev/null
	is "read $bs bytes at a time: the same listing" "" "$(cmp "$W/unplugged" "$W/unplugged.$bs" 2>&1)"
done
is "kernel/apsim/unplugged is longer than a page" yes "$([ "$(wc -c <"$W/unplugged")" -gt 4096 ] && echo yes || echo no)"
is "every guest that runs on is listed" $N "$(wc -l <"$W/unplugged")"
is "each once, UUID and guest" $N "$(awk 'NF == 2 && $2 ~ /^pid[0-9]+$/ { print $1 }' "$W/unplugged" | sort -u | wc -l)"
is "the last one too" 1 "$(grep -c "^$(printf '%08x-0000-4000-8000-%012x' $((N - 1)) $((N - 1))) pid" "$W/unplugged")"
for p in $(cat "$W/qpids"); do kill $p 2>/dev/null; done
for p in $(cat "$W/qpids"); do wait $p 2>/dev/null; done
i=0
while [ $i -lt $N ]; do
	echo 1 >$M/$(printf '%08x-0000-4000-8000-%012x' $i $i)/remove
	i=$((i + 1))
done
is "nothing unplugged once the mdevs are gone" "" "$(rd $C/unplugged)"
unload || not_ok "rmmod apsim at the end"
done_testing
