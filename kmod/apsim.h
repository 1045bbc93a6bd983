/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated s390 AP host shared by the module's three parts:
 * apsim_main.c (parameters, the kernel model and its change events, the
 * control tree, bus scans), apsim_bus.c (the "ap" bus, its cards, queues
 * and drivers) and apsim_vfio.c (the vfio_ap matrix device, its mediated
 * devices and their VFIO devices).
 *
 * What the kernel decides - every check and every effect - is the kernel
 * model's (model/, a copy of core/model/), the very code the apmatrix
 * library runs for its simulated host and its predictions.  This module
 * keeps the plumbing: devices, the driver core that binds them, uevents,
 * eventfds, the VFIO device, locks and the sysfs files.
 *
 * Locking, outermost first (the kernel's order, ap_bus.c and
 * vfio_ap_ops.c: ap_scan_bus_mutex, ap_perms_mutex - ap_attr_mutex since
 * 6.19 - then matrix_dev->mdevs_lock):
 *   scan_mutex  one bus scan at a time; the device tables change only
 *               under it;
 *   perms       the mask, assignment and driver_override writes, taken
 *               interruptibly by the mask attributes;
 *   lock        the kernel model itself (apsim.m and its tables) and the
 *               device tables' pointers.
 * lock is never held across a driver-core call (device_add/del, reprobe,
 * vfio unregistration): those call back into probe/remove, which take it.
 * The model's change events are sent from inside its operations, with
 * lock held (apsim_event).
 */
#ifndef APSIM_H
#define APSIM_H

#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "apsim_compat.h"
#include "model.h"

struct apsim_card {
	struct device dev;
	unsigned int apid;
	const struct apr_card_type *type; /* fixed for the device's life */
	bool dying;			  /* being deleted: no more change uevents */
	struct apsim_queue *queues[APR_BITS];
};

struct apsim_queue {
	struct device dev;
	struct apsim_card *card;
	unsigned int apid, apqi;
	bool dying;
};

/* One mediated device; vdev must come first (vfio_alloc_device). */
struct apsim_mdev {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	unsigned int idx; /* into the model's mdev arrays and apsim.mdevs */
	bool registered;  /* in the model */
	struct eventfd_ctx *req_trigger; /* VFIO_AP_REQ_IRQ_INDEX */
	struct eventfd_ctx *cfg_trigger; /* VFIO_AP_CFG_CHG_IRQ_INDEX (6.15+) */
	bool unplug; /* guest_detach asked its QEMU to unplug it: the guest runs on */
};

struct apsim {
	struct mutex scan_mutex; /* one scan at a time, see above */
	struct mutex perms;	 /* ap_perms_mutex / ap_attr_mutex */
	struct mutex lock;	 /* the model */

	struct apr_model m;
	struct apr_queue (*q)[APR_BITS]; /* the model's per-APQN table */
	struct apr_queue *qrows[APR_BITS]; /* ... by row, as the model takes it */
	u64 (*requests)[APR_BITS];
	struct apr_mdev *rm;		 /* the model's mdev arrays ... */
	struct apr_mdev_info *info;
	struct apsim_mdev **mdevs;	 /* ... and ours, same index */
	unsigned int cap;

	struct apsim_card *cards[APR_BITS];
	struct task_struct *scanner; /* the task running the scan */
	bool dying;		     /* unloading: scans do nothing */
	struct delayed_work scan_work;

	struct device *ap_root;
	struct kobject *ctl;
};

extern struct apsim apsim;

/* apsim_main.c */
void apsim_scan(void);
bool apsim_in_scan(void);
ssize_t apsim_fault(const char *dir, const char *name, size_t count);
ssize_t apsim_dev_fault(struct device *dev, const char *name, size_t count);

/* Whether a store takes the permissions mutex before the model's lock (see above). */
enum apsim_perms {
	APSIM_NO_PERMS,
	APSIM_PERMS,
	APSIM_PERMS_INTR, /* interruptibly: -ERESTARTSYS on a signal */
};

ssize_t apsim_store_begin(struct device *dev, const char *dir, const char *name, size_t count,
			  enum apsim_perms perms);
ssize_t apsim_store_end(int rc, size_t count, enum apsim_perms perms);
void apsim_uevent(struct device *dev, const char *var);

/* apsim_bus.c */
extern struct bus_type apsim_ap_bus;
int apsim_bus_init(void);
void apsim_bus_exit(void);
struct apsim_card *apsim_card_add(unsigned int apid);
void apsim_card_del(struct apsim_card *card);
void apsim_queue_add(struct apsim_card *card, unsigned int apqi);
void apsim_queue_del(struct apsim_queue *q);

/* apsim_vfio.c */
int apsim_vfio_init(void);
void apsim_vfio_exit(void);
void apsim_vfio_cfg_changed(unsigned int idx);
/* kernel/apsim/guest_detach "UUID": ask the holder to unplug the device; 0 or -errno. */
int apsim_guest_detach(const char *buf);

#endif
