#!/bin/sh
# compat.sh - kmod/apsim_compat.h gives apsim's binary attribute
# (kernel/apsim/unplugged) the types of every kernel generation, not only
# of the 6.1 this machine can build against.  Each shape below is the part
# of include/linux/sysfs.h that apsim_main.c's declarations meet:
#   6.12: read() and attribute_group.bin_attrs without const;
#   6.13: read_new() const beside read(), __BIN_ATTR() choosing one by
#         _Generic, bin_attrs in a union with the const bin_attrs_new;
#   6.16: read() const (commit 97d06802d10a), bin_attrs const (9bec944506fa);
#   6.18: read_new and bin_attrs_new gone (1d6249c1ce82, 44d454fcffa8).
# The declarations are apsim_main.c's own lines, compiled with the
# kernel's -Werror=incompatible-pointer-types.
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
echo "1..$n"
[ $failed -eq 0 ]
