#!/bin/sh
# compat.sh - kmod/apsim_compat.h gives apsim's binary attribute
# (kernel/apsim/unplugged) and its VFIO device the types of every kernel
# generation, not only of the 6.1 this machine can build against.  Each
# shape below is the part of include/linux/sysfs.h that apsim_main.c's
# declarations meet:
#   6.12: read() and attribute_group.bin_attrs without const;
#   6.13: read_new() const beside read(), __BIN_ATTR() choosing one by
#         _Generic, bin_attrs in a union with the const bin_attrs_new;
#   6.16: read() const (commit 97d06802d10a), bin_attrs const (9bec944506fa);
#   6.18: read_new and bin_attrs_new gone (1d6249c1ce82, 44d454fcffa8).
# The declarations are apsim_main.c's own lines, compiled with the
# kernel's -Werror=incompatible-pointer-types.  The same is done for
# apsim_vfio.c's vfio_device_ops against the 6.2, 6.4 and 6.6 shapes of
# include/linux/vfio.h, and each is put to that kernel's registration test.
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
main=$TOP_SRCDIR/kmod/apsim_main.c
mkdir -p "$work/linux"
printf '#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))\n' >"$work/linux/version.h"
: >"$work/linux/eventfd.h"

common='#include <stddef.h>
#include <sys/types.h>
struct file;
struct kobject;
struct attribute { const char *name; unsigned short mode; };
#define __stringify(x) #x
#define BIN_ATTR_RO(_name, _size) struct bin_attribute bin_attr_##_name = __BIN_ATTR_RO(_name, _size)
'
old_read='	ssize_t (*read)(struct file *, struct kobject *, struct bin_attribute *, char *, loff_t, size_t);'
const_read='	ssize_t (*read)(struct file *, struct kobject *, const struct bin_attribute *, char *, loff_t, size_t);'
read_new='	ssize_t (*read_new)(struct file *, struct kobject *, const struct bin_attribute *, char *, loff_t, size_t);'
plain_ro='#define __BIN_ATTR_RO(_name, _size) { .attr = { .name = __stringify(_name), .mode = 0444 }, .read = _name##_read, .size = _size }'
generic_ro='typedef ssize_t __sysfs_bin_rw_handler_new(struct file *, struct kobject *, const struct bin_attribute *, char *, loff_t, size_t);
#define __BIN_ATTR_RO(_name, _size) { .attr = { .name = __stringify(_name), .mode = 0444 }, \
	.read = _Generic(_name##_read, __sysfs_bin_rw_handler_new * : NULL, default : _name##_read), \
	.read_new = _Generic(_name##_read, __sysfs_bin_rw_handler_new * : _name##_read, default : NULL), \
	.size = _size }'

# shape VERSION BIN_ATTRIBUTE_MEMBERS GROUP_BIN_MEMBER RO_MACRO
shape() {
	printf '#define LINUX_VERSION_CODE KERNEL_VERSION(%s)\n%s\n' "$1" "$common"
	printf 'struct bin_attribute {\n\tstruct attribute attr;\n\tsize_t size;\n%s\n};\n' "$2"
	printf 'struct attribute_group {\n\tconst char *name;\n\tstruct attribute **attrs;\n%s\n};\n' "$3"
	printf '%s\n' "$4"
}

# apsim_main.c's declarations: the read callback's head, the attribute, the arrays, the group.
decls() {
	printf '#include "%s/kmod/apsim_compat.h"\n' "$TOP_SRCDIR"
	sed -n '/^static ssize_t unplugged_read(/,/)$/p' "$main" | sed '$s/)$/) { return 0; }/'
	sed -n '/^static BIN_ATTR_RO(unplugged/p' "$main"
	printf 'static struct attribute *ctl_attrs[] = { NULL };\n'
	sed -n '/ctl_bin_attrs\[\] = {/,/^};/p' "$main"
	sed -n '/^static const struct attribute_group ctl_group = {/,/^};/p' "$main"
	printf 'const struct attribute_group *use(void) { return &ctl_group; }\n'
}

check() { # check NAME VERSION MEMBERS GROUP RO
	name=$1
	shift
	{
		shape "$@"
		decls
	} >"$work/$name.c"
	if ${CC:-cc} -std=gnu11 -I"$work" -Wall -Werror -Werror=incompatible-pointer-types \
		-Wno-unused-variable -c -o "$work/$name.o" "$work/$name.c" 2>"$work/$name.err"; then
		ok "$name: apsim's bin_attribute compiles"
	else
		not_ok "$name: apsim's bin_attribute compiles"
		sed 's/^/#   /' "$work/$name.err" | head -20
	fi
}

[ "$(sed -n '/^static ssize_t unplugged_read(/,/)$/p' "$main" | wc -l)" -gt 0 ] &&
	ok "apsim_main.c's read callback found" || not_ok "apsim_main.c's read callback found"
check 6.12 "6, 12, 0" "$old_read" '	struct bin_attribute **bin_attrs;' "$plain_ro"
check 6.13 "6, 13, 0" "$old_read
$read_new" '	union { struct bin_attribute **bin_attrs; const struct bin_attribute *const *bin_attrs_new; };' "$generic_ro"
check 6.16 "6, 16, 0" "$const_read
$read_new" '	union { const struct bin_attribute *const *bin_attrs; const struct bin_attribute *const *bin_attrs_new; };' "$plain_ro"
check 6.18 "6, 18, 0" "$const_read" '	const struct bin_attribute *const *bin_attrs;' "$plain_ro"
# The VFIO device: apsim_vfio_ops (kmod/apsim_vfio.c) with its callbacks'
# heads, against each generation's struct vfio_device_ops, and the test
# __vfio_register_dev() (drivers/vfio/vfio_main.c) makes before it takes
# an emulated-IOMMU device:
#   6.2: bind_iommufd, where given, needs unbind_iommufd and attach_ioas;
#   6.4: all three, whenever CONFIG_IOMMUFD is set ("vfio: Check the
#        presence for iommufd callbacks in __vfio_register_dev()");
#   6.6: detach_ioas too ("vfio-iommufd: Add detach_ioas for emulated VFIO
#        devices"), which upstream vfio_ap_ops.c got in the same patch.
vfio_main=$TOP_SRCDIR/kmod/apsim_vfio.c
vfio_heads='s/^\(static [a-z ]*apsim_vfio_[a-z_]*(.*)\)$/\1'
detach_member='	void (*detach_ioas)(struct vfio_device *vdev);'
detach_decl='void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev) { (void)vdev; }'
vfio_shape() { # vfio_shape VERSION EXTRA_MEMBER EXTRA_FUNCTION
	printf '#define LINUX_VERSION_CODE KERNEL_VERSION(%s)\n' "$1"
	printf '#include <stddef.h>\n#include <stdio.h>\ntypedef unsigned int u32;\n'
	printf 'struct vfio_device;\nstruct iommufd_ctx;\n'
	printf 'struct vfio_device_ops {\n\tchar *name;\n'
	printf '\tint (*init)(struct vfio_device *vdev);\n\tvoid (*release)(struct vfio_device *vdev);\n'
	printf '\tint (*bind_iommufd)(struct vfio_device *vdev, struct iommufd_ctx *ictx, u32 *out_device_id);\n'
	printf '\tvoid (*unbind_iommufd)(struct vfio_device *vdev);\n'
	printf '\tint (*attach_ioas)(struct vfio_device *vdev, u32 *pt_id);\n%s\n' "$2"
	printf '\tint (*open_device)(struct vfio_device *vdev);\n\tvoid (*close_device)(struct vfio_device *vdev);\n'
	printf '\tlong (*ioctl)(struct vfio_device *vdev, unsigned int cmd, unsigned long arg);\n'
	printf '\tvoid (*request)(struct vfio_device *vdev, unsigned int count);\n};\n'
	printf 'int vfio_iommufd_emulated_bind(struct vfio_device *vdev, struct iommufd_ctx *ictx, u32 *out_device_id) { (void)vdev; (void)ictx; (void)out_device_id; return 0; }\n'
	printf 'void vfio_iommufd_emulated_unbind(struct vfio_device *vdev) { (void)vdev; }\n'
	printf 'int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id) { (void)vdev; (void)pt_id; return 0; }\n%s\n' "$3"
}
vfio_decls() {
	printf '#include "%s/kmod/apsim_compat.h"\n' "$TOP_SRCDIR"
	# the callbacks' heads, each given a body that is never run
	sed -n "$vfio_heads { __builtin_trap(); }/p" "$vfio_main"
	sed -n '/^static const struct vfio_device_ops apsim_vfio_ops = {/,/^};/p' "$vfio_main"
}
vfio_check() { # vfio_check NAME VERSION EXTRA_MEMBER EXTRA_FUNCTION REGISTER_TEST
	name=vfio-$1
	{
		vfio_shape "$2" "$3" "$4"
		vfio_decls
		printf 'int main(void)\n{\n\tconst struct vfio_device_ops *ops = &apsim_vfio_ops;\n\n'
		printf '\tif (%s)\n\t\treturn 0;\n' "$5"
		printf '\tputs("__vfio_register_dev() would refuse apsim_vfio_ops: %s");\n\treturn 1;\n}\n' "$5"
	} >"$work/$name.c"
	if ! ${CC:-cc} -std=gnu11 -I"$work" -Wall -Werror -Werror=incompatible-pointer-types \
		-Wno-unused-function -o "$work/$name" "$work/$name.c" 2>"$work/$name.err"; then
		not_ok "$1: apsim's vfio_device_ops compiles"
		sed 's/^/#   /' "$work/$name.err" | head -20
	elif ! "$work/$name" >"$work/$name.out"; then
		not_ok "$1: __vfio_register_dev() takes apsim's vfio_device_ops"
		sed 's/^/#   /' "$work/$name.out"
	else
		ok "$1: apsim's vfio_device_ops compiles and __vfio_register_dev() takes it"
	fi
}
[ "$(sed -n "$vfio_heads/p" "$vfio_main" | wc -l)" -ge 6 ] &&
	ok "apsim_vfio.c's callback heads found" || not_ok "apsim_vfio.c's callback heads found"
vfio_check 6.2 "6, 2, 0" "" "" \
	'!ops->bind_iommufd || (ops->unbind_iommufd && ops->attach_ioas)'
vfio_check 6.4 "6, 4, 0" "" "" \
	'ops->bind_iommufd && ops->unbind_iommufd && ops->attach_ioas'
vfio_check 6.6 "6, 6, 0" "$detach_member" "$detach_decl" \
	'ops->bind_iommufd && ops->unbind_iommufd && ops->attach_ioas && ops->detach_ioas'
echo "1..$n"
[ $failed -eq 0 ]
