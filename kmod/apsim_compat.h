/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few kernel interfaces whose signatures changed
 * between the target (Debian 12's 6.1) and newer kernels, in one place.
 */
#ifndef APSIM_COMPAT_H
#define APSIM_COMPAT_H

#include <linux/eventfd.h>
#include <linux/version.h>

/* bus_type became const in the bus attribute callbacks in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define APSIM_BUS_CONST const
#else
#define APSIM_BUS_CONST
#endif

/* bus_type.uevent takes a const device since 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define APSIM_UEVENT_CONST const
#else
#define APSIM_UEVENT_CONST
#endif

/* bus_type.match takes a const driver since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define APSIM_MATCH_CONST const
#else
#define APSIM_MATCH_CONST
#endif

/*
 * A bin_attribute's read() takes a const attribute since 6.13
 * (include/linux/sysfs.h: struct bin_attribute).  In 6.13 to 6.15 the
 * const one is the member read_new, and __BIN_ATTR() picks read or
 * read_new by the function's type with _Generic; from 6.16 read itself
 * takes a const attribute (commit 97d06802d10a "sysfs: constify
 * bin_attribute argument of bin_attribute::read/write()") and __BIN_ATTR()
 * sets .read, and read_new goes later (commit 1d6249c1ce82).  BIN_ATTR_RO()
 * is right in all of them.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define APSIM_BIN_CONST const
#else
#define APSIM_BIN_CONST
#endif

/*
 * attribute_group.bin_attrs points to const bin_attributes since 6.16
 * (include/linux/sysfs.h: struct attribute_group, commit 9bec944506fa
 * "sysfs: constify attribute_group::bin_attrs"); in 6.13 to 6.15 it is
 * still struct bin_attribute ** in a union with the const bin_attrs_new
 * (removed later, commit 44d454fcffa8).  C does not convert T ** to
 * const T *const * (-Werror=incompatible-pointer-types): the array's type
 * follows the member's.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define APSIM_BIN_ATTRS_CONST const
#else
#define APSIM_BIN_ATTRS_CONST
#endif

/* eventfd_signal() lost its count argument in 6.8. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define apsim_eventfd_signal(ctx) eventfd_signal(ctx)
#else
#define apsim_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#endif

/*
 * The iommufd callbacks of an emulated-IOMMU VFIO device, as vfio_ap's
 * vfio_ap_matrix_dev_ops has them: bind, unbind and attach exist since
 * 6.2, detach since 6.6.  __vfio_register_dev() (drivers/vfio/vfio_main.c)
 * refuses a device without all of them whenever CONFIG_IOMMUFD is set:
 * since 6.4 the first three, since 6.6 detach_ioas too, so without it every
 * mdev's probe fails with -EINVAL.  tests/kmod/compat.sh checks each shape.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define APSIM_VFIO_DETACH_IOAS .detach_ioas = vfio_iommufd_emulated_detach_ioas,
#else
#define APSIM_VFIO_DETACH_IOAS
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define APSIM_VFIO_IOMMUFD_OPS					\
	.bind_iommufd = vfio_iommufd_emulated_bind,		\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,		\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,	\
	APSIM_VFIO_DETACH_IOAS
#else
#define APSIM_VFIO_IOMMUFD_OPS
#endif

/* The vfio core frees the device itself after ->release since 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define apsim_vfio_free(vdev) do { } while (0)
#else
#define apsim_vfio_free(vdev) vfio_free_device(vdev)
#endif

/*
 * The vfio-ap device's interrupts (uapi enum since 6.5, absent from 6.1's
 * headers): the release request, and from 6.15 the configuration change
 * (VFIO_AP_CFG_CHG_IRQ_INDEX; VFIO_AP_NUM_IRQS became 2).
 */
#define APSIM_AP_REQ_IRQ_INDEX 0
#define APSIM_AP_CFG_CHG_IRQ_INDEX 1

#endif
