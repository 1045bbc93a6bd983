/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated s390 AP host shared by the module's three parts:
 * apsim_main.c (parameters, the LPAR and its control tree, bus scans),
 * apsim_bus.c (the "ap" bus, its cards, queues and drivers) and
 * apsim_vfio.c (the vfio_ap matrix device and its mediated devices).
 *
 * Locking, outermost first (the kernel's order, spec §3.10):
 *   scan_mutex  one bus scan at a time (ap_scan_bus_mutex);
 *   perms       apmask/aqmask (ap_perms_mutex), taken interruptibly by the
 *               mask attributes and uninterruptibly by assign/ap_config;
 *   lock        everything else in the model: the QCI snapshot, the card
 *               and queue tables, the mdev table and every shadow APCB.
 * lock is never held across a driver-core call (device_add/del, reprobe,
 * vfio unregistration): those call back into probe/remove, which take it.
 */
#ifndef APSIM_H
#define APSIM_H

#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "apsim_compat.h"
#include "rules.h"

#define APSIM_MAX_INSTANCES 65536 /* MAX_ZDEV_ENTRIES_EXT */

enum apsim_drv {
	APSIM_DRV_NONE = 0,
	APSIM_DRV_CEX4QUEUE,
	APSIM_DRV_VFIO_AP,
};

struct apsim_card {
	struct device dev;
	unsigned int apid;
	const struct apr_card_type *type;
	bool bound;		/* to cex4card */
	bool config;		/* as the bus last saw it */
	bool chkstop;
	bool online;		/* zcrypt online */
	u64 request_count;
	struct apsim_queue *queues[APR_BITS];	/* under apsim.lock */
};

struct apsim_queue {
	struct device dev;
	struct apsim_card *card;
	unsigned int apid, apqi;
	enum apsim_drv drv;	/* under apsim.lock */
	bool config;
	bool chkstop;
	bool online;
	bool uninitiated;	/* moved to vfio_ap by a mask change (spec §1.4) */
	u64 request_count;
};

/* One mediated device; vdev must come first (vfio_alloc_device). */
struct apsim_mdev {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	unsigned int idx;	/* into apsim.rm and apsim.mdevs */
	bool registered;	/* in the table */
	bool needs_filter;	/* gained resources in this scan (spec §5.2 step 3) */
	pid_t opener;		/* tgid of the process holding the device */
	struct eventfd_ctx *req_trigger;
};

struct apsim {
	struct mutex scan_mutex;	/* one scan at a time, see above */
	struct mutex perms;	/* apmask, aqmask */
	struct mutex lock;	/* the rest of the model */

	unsigned int max_apid, max_apqi;
	bool apxa;
	struct apr_mask apmask, aqmask;

	/* The hypervisor's side: the LPAR's resources and the SE-side state. */
	struct apr_mask lpar_apm, lpar_aqm, lpar_adm;
	const struct apr_card_type *lpar_type[APR_BITS];
	bool se_config[APR_BITS];
	bool se_chkstop[APR_BITS];

	/* What the bus and vfio_ap saw at the last scan (the QCI snapshot). */
	struct apr_mask qci_apm, qci_aqm, qci_adm;
	struct apsim_card *cards[APR_BITS];
	struct task_struct *scanner;
	bool dying;		/* unloading: scans do nothing */

	int ap_domain;
	int config_time;
	bool poll_thread;
	u64 poll_timeout;
	u64 scans;
	bool bindings_armed;
	u64 complete_count;
	struct delayed_work scan_work;

	/* Mediated devices: the rules' view and ours, same index. */
	struct apr_mdev *rm;
	struct apsim_mdev **mdevs;
	unsigned int nmdevs, cap;

	struct device *ap_root;
	struct kobject *ctl;
};

extern struct apsim apsim;

/* apsim_main.c */
void apsim_rules_host(struct apr_host *h);
void apsim_scan(void);
void apsim_change_uevent(struct device *dev, const char *var);

/* apsim_bus.c */
extern struct bus_type apsim_ap_bus;
int apsim_bus_init(void);
void apsim_bus_exit(void);
struct apsim_card *apsim_card_create(unsigned int apid, const struct apr_card_type *type);
void apsim_card_destroy(struct apsim_card *card);
struct apsim_queue *apsim_queue_create(struct apsim_card *card, unsigned int apqi);
void apsim_queue_destroy(struct apsim_queue *q);
void apsim_revise_bindings(void);
void apsim_count_queues(unsigned int *total, unsigned int *bound);

/* apsim_vfio.c */
int apsim_vfio_init(void);
void apsim_vfio_exit(void);
void apsim_vfio_probe_queue(struct apsim_queue *q);
void apsim_vfio_remove_queue(struct apsim_queue *q);

#endif
