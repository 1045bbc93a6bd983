# SPDX-License-Identifier: GPL-2.0-or-later
# kernel.sh - what the test VM boots, made from Debian packages (sourced).
#
# vm_prepare DIR sets KV (the version linux-headers-amd64 points at) and
# leaves in DIR the kernel's uncompressed vmlinux (booted through its PVH
# entry: no XZ decompression under TCG, about 4 s per boot) and an
# initramfs with a static busybox, tests/vm/init and the modules that reach
# the 9p root.  Missing packages are installed; results are cached in DIR.

vm_sudo() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

vm_need() { # vm_need PACKAGE...: install what is not installed yet
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "vm: installing:$missing" >&2
	vm_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
		vm_sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $missing >&2
}

# The payload of an x86 bzImage is XZ here (CONFIG_KERNEL_XZ): find its magic.
vm_extract_vmlinux() { # vm_extract_vmlinux VMLINUZ OUT
	python3 - "$1" "$2" <<'PY'
import lzma, sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\xfd7zXZ\x00")
if at < 0:
    sys.exit("vm: no XZ payload in " + sys.argv[1])
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
if out[:4] != b"\x7fELF":
    sys.exit("vm: the payload of " + sys.argv[1] + " is not an ELF vmlinux")
open(sys.argv[2], "wb").write(out)
PY
}

vm_prepare() { # vm_prepare DIR
	d=$1
	vm_need linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod python3 mdevctl ||
		return 1
	KV=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
	[ -n "$KV" ] || { echo "vm: cannot tell the kernel version of linux-headers-amd64" >&2; return 1; }
	vm_need "linux-image-$KV" "linux-headers-$KV" || return 1
	if [ ! -s "$d/vmlinux-$KV" ]; then
		vm_extract_vmlinux "/boot/vmlinuz-$KV" "$d/vmlinux-$KV.tmp" &&
			mv "$d/vmlinux-$KV.tmp" "$d/vmlinux-$KV" || return 1
	fi
	# $top is the checkout of the sourcing script (tests/vm/run, run-all).
	init=${top:?vm_prepare: top is not set}/tests/vm/init
	[ -s "$init" ] || { echo "vm: $init missing" >&2; return 1; }
	if [ ! -s "$d/initrd-$KV.cpio.gz" ] || [ "$init" -nt "$d/initrd-$KV.cpio.gz" ]; then
		ir=$d/initrd-$KV
		rm -rf "$ir"
		mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys" "$ir/mods"
		# A short initrd boots into "Unable to mount root fs": fail here instead.
		cp /bin/busybox "$ir/bin/busybox" && cp "$init" "$ir/init" &&
			chmod 755 "$ir/init" || return 1
		m=/lib/modules/$KV/kernel
		for k in drivers/virtio/virtio_ring drivers/virtio/virtio \
			drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
			drivers/virtio/virtio_pci net/9p/9pnet net/9p/9pnet_virtio fs/netfs/netfs \
			fs/fscache/fscache fs/9p/9p fs/overlayfs/overlay; do
			[ -f "$m/$k.ko" ] || { echo "vm: $m/$k.ko missing" >&2; return 1; }
			cp "$m/$k.ko" "$ir/mods/" || return 1
		done
		(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$d/initrd-$KV.cpio.gz.tmp" &&
			mv "$d/initrd-$KV.cpio.gz.tmp" "$d/initrd-$KV.cpio.gz" || return 1
		rm -rf "$ir"
	fi
}

# vm_checkpatch DIR: checkpatch.pl (with the files it reads) from Debian's
# linux-source, unpacked once into DIR/checkpatch; prints its path.
vm_checkpatch() {
	d=$1/checkpatch
	if [ ! -f "$d/scripts/checkpatch.pl" ]; then
		vm_need linux-source >&2 || return 1
		tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | tail -1)
		[ -n "$tarball" ] || { echo "vm: no /usr/src/linux-source-*.tar.xz" >&2; return 1; }
		top=$(basename "$tarball" .tar.xz)
		mkdir -p "$d"
		tar -xJf "$tarball" -C "$d" --strip-components=1 "$top/scripts/checkpatch.pl" \
			"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch" || return 1
	fi
	echo "$d/scripts/checkpatch.pl"
}
