# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - what the tests inside the VM share (sourced): TAP output, the
# paths of the built programs, loading apsim, and writes answered by name.
set -u
: "${APM_TOP:?run inside the VM through tests/vm/run}"
B=${APM_BUILD:-$APM_TOP/build}
APMATRIX=$B/apmatrix
FAKEQEMU=$B/tests/tools/fake-qemu
SYSW=$B/tests/tools/sysw
KO=$APM_TOP/kmod/apsim.ko
S=/sys
M=$S/devices/vfio_ap/matrix
T=$M/mdev_supported_types/vfio_ap-passthrough
G1=62177883-f1bb-47f0-914d-32a22e3a8804
G2=cef03c3c-903d-4ecc-9a83-40694cb8aee4
G3=8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58
W=$(mktemp -d)
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# is NAME EXPECTED ACTUAL
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3" | sed 's/^/# /' | head -40
	fi
}

# answer NAME EXPECTED FILE VALUE: the kernel's answer to writing VALUE\n.
answer() { is "$1" "$2" "$("$SYSW" "$3" "$4")"; }

# rd FILE: the file, newlines as spaces.
rd() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

load() { # load [PARAMS...]
	modprobe -a vfio vfio_iommu_type1 mdev || return 1
	insmod "$KO" "$@"
}

unload() { rmmod apsim; }

# attach NAME UUID [fake-qemu options]: a guest holds the mdev; its pid in $qpid.
attach() {
	name=$1
	uuid=$2
	shift 2
	rm -f "$W/ready"
	"$FAKEQEMU" -name "guest=$name" -device "vfio-ap,sysfsdev=$S/bus/mdev/devices/$uuid" \
		--ready "$W/ready" "$@" 2>"$W/fq.err" &
	qpid=$!
	i=0
	while [ ! -f "$W/ready" ] && kill -0 "$qpid" 2>/dev/null && [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	[ -f "$W/ready" ]
}

# virsh_standin DIR: DIR/bin/virsh plays libvirt for a guest attach()ed with
# --stay (its pid in DIR/qpid): detach-device asks the guest's QEMU to let go
# (apsim's guest_detach), attach-device makes it take the device again
# (SIGUSR1); each waits for the ready file to go or come.  It logs its
# arguments to DIR/virsh.log.
virsh_standin() {
	mkdir -p "$1/bin"
	cat >"$1/bin/virsh" <<SH
#!/bin/sh
echo "virsh \$*" >>"$1/virsh.log"
uuid=\$(sed -n "s/.*uuid='\\([^']*\\)'.*/\\1/p" "\$3")
case \$1 in
detach-device) echo "\$uuid" >$S/kernel/apsim/guest_detach || exit 1; want=gone ;;
attach-device) kill -USR1 \$(cat "$1/qpid") || exit 1; want=there ;;
*) exit 1 ;;
esac
i=0
while [ \$i -lt 500 ]; do
	if [ -f "$W/ready" ]; then [ \$want = there ] && exit 0; else [ \$want = gone ] && exit 0; fi
	sleep 0.02
	i=\$((i + 1))
done
exit 1
SH
	chmod +x "$1/bin/virsh"
}

done_testing() {
	rm -rf "$W"
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
