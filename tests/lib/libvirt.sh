# SPDX-License-Identifier: GPL-2.0-or-later
# libvirt.sh - libvirt's run-time state of a running guest, as the tests lay it.
#
#   . tests/lib/libvirt.sh
#   libvirt_running ROOT NAME UUID [PID]
#
# libvirt_running writes ROOT/run/libvirt/qemu/NAME.xml, the status file
# libvirtd keeps for a running domain (its QEMU's pid PID, default 1), with
# one vfio-ap hostdev, the mdev UUID: what apmatrix reads under
# APMATRIX_CONFIG_ROOT=ROOT to learn which guest holds an mdev.
libvirt_running() {
	mkdir -p "$1/run/libvirt/qemu"
	cat >"$1/run/libvirt/qemu/$2.xml" <<XML
<domstatus state='running' reason='booted' pid='${4:-1}'>
  <domain type='kvm' id='1'>
    <name>$2</name>
    <devices>
      <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-ap'>
        <source><address uuid='$3'/></source>
      </hostdev>
    </devices>
  </domain>
</domstatus>
XML
}
