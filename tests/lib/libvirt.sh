# SPDX-License-Identifier: GPL-2.0-or-later
# libvirt.sh - libvirt's run-time state of a running guest, as the tests lay it.
#
#   . tests/lib/libvirt.sh
#   libvirt_running ROOT NAME UUID [PID]
#   libvirt_status FILE NAME UUID [PID] [ELEMENT]
#
# libvirt_running writes ROOT/run/libvirt/qemu/NAME.xml, the status file
# libvirtd keeps for a running domain (its QEMU's pid PID, default 1), with
# one vfio-ap hostdev, the mdev UUID: what apmatrix reads under
# APMATRIX_CONFIG_ROOT=ROOT to learn which guest holds an mdev.
# libvirt_status writes the same to FILE, with ELEMENT (more XML under
# <domain>, e.g. <launchSecurity type='s390-pv'/>).
libvirt_running() {
	libvirt_status "$1/run/libvirt/qemu/$2.xml" "$2" "$3" "${4:-1}"
}

libvirt_status() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<XML
<domstatus state='running' reason='booted' pid='${4:-1}'>
  <domain type='kvm' id='1'>
    <name>$2</name>
    ${5:-}
    <devices>
      <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-ap'>
        <source><address uuid='$3'/></source>
      </hostdev>
    </devices>
  </domain>
</domstatus>
XML
}
