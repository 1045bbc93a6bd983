/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rules.h - the kernel's AP bus and vfio_ap rules, written once.
 *
 * This unit is freestanding: no libc calls, no allocation, fixed 256-bit
 * masks.  It is compiled into libapmatrix (prediction, the simulated host)
 * and into kmod/apsim.ko, so both answer every write with the same errno in
 * the same order.  Each rule names the kernel function it reproduces;
 * doc/kernel-abi.md describes the behaviour in one place.
 *
 * The rules never own state.  Callers describe the host in struct apr_host
 * and the mediated devices in struct apr_mdev; questions about individual
 * queues (does the device exist, is it bound to vfio_ap, did its last reset
 * succeed) go through the queue_state callback, because the simulated host
 * and the kernel module keep queues in different containers.
 */
#ifndef APMATRIX_RULES_H
#define APMATRIX_RULES_H

#include "mask.h"

/*
 * Kernel generations the rules distinguish (doc/kernel-abi.md, "Kernel
 * generations").  The profile is
 * detected from the attributes a host has, never from uname.
 */
enum apr_profile {
	APR_PROFILE_STATIC = 0, /* 4.20-5.19: no guest_matrix */
	APR_PROFILE_6_0,	/* dynamic vfio_ap: guest_matrix, hot plug */
	APR_PROFILE_6_10,	/* + ap_config */
	APR_PROFILE_6_13,	/* + matrix features (default of the sim) */
	APR_PROFILE_6_15,	/* + the config-change eventfd (no attribute tells it) */
	APR_PROFILE_6_19,	/* + queue driver_override */
	APR_PROFILE_COUNT,
};

/* Answers of the queue_state callback, a bit set. */
#define APR_Q_EXISTS	  (1u << 0) /* a queue device exists */
#define APR_Q_VFIO	  (1u << 1) /* bound to vfio_ap */
#define APR_Q_DEFAULT_DRV (1u << 2) /* bound to a default (zcrypt) driver */
#define APR_Q_RESET_OK	  (1u << 3) /* last reset answered normally (response code 0) */
#define APR_Q_OVERRIDE	  (1u << 4) /* 6.19: a driver_override is set */
#define APR_Q_RESET_SOFT  (1u << 5) /* last reset: deconfigured/checkstopped (03/04) */

/* What the rules need to know about the host. */
struct apr_host {
	enum apr_profile profile;
	unsigned int max_apid;	/* ap_max_adapter_id (the matrix's apm_max) */
	unsigned int max_apqi;	/* aqm_max = adm_max */
	struct apr_mask apmask; /* /sys/bus/ap/apmask */
	struct apr_mask aqmask;
	/* The QCI snapshot vfio_ap filters against (vfio_ap_ops.c: vfio_ap_mdev_filter_matrix). */
	struct apr_mask qci_apm, qci_aqm, qci_adm;
	bool any_override; /* 6.19: some queue has a driver_override */
	unsigned int (*queue_state)(const void *data, unsigned int apid, unsigned int apqi);
	const void *data;
};

/* One mediated device: its assigned matrix and its guest's shadow APCB. */
struct apr_mdev {
	struct apr_mask apm, aqm, adm;	  /* assigned (matrix, control_domains) */
	struct apr_mask sapm, saqm, sadm; /* shadow APCB = guest_matrix */
	bool attached;			  /* a guest holds the VFIO device */
};

enum apr_kind {
	APR_ADAPTER = 0,
	APR_DOMAIN,
	APR_CONTROL_DOMAIN,
};

/* Which APQN broke a rule, and in which other mdev (index) it is, if any. */
struct apr_conflict {
	unsigned int apid, apqi;
	int mdev; /* index into the mdev array, -1 when none */
};

/* Ownership and the write checks. */
bool apr_default_owned(const struct apr_host *h, unsigned int apid, unsigned int apqi);
int apr_mask_store(const struct apr_host *h, const struct apr_mdev *mdevs, int n, bool aq,
		   const char *str, struct apr_mask *newmask, struct apr_conflict *c);
/*
 * The APQNs a mask store's in-use check asks about (the IDs newmask hands
 * back to the host, with the other mask's): an mdev holding one of them
 * makes the store -EBUSY.
 */
void apr_in_use_scope(const struct apr_host *h, bool aq, const struct apr_mask *newmask,
		      struct apr_mask *apm, struct apr_mask *aqm);
int apr_check_assign(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
		     enum apr_kind kind, const char *buf, unsigned long *id,
		     struct apr_conflict *c);
int apr_check_unassign(const struct apr_host *h, const struct apr_mdev *mdev, enum apr_kind kind,
		       const char *buf, unsigned long *id);
int apr_ap_config_parse(const char *buf, unsigned long len, struct apr_mask out[3]);
int apr_check_ap_config(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
			const struct apr_mask cfg[3], struct apr_conflict *c);
int apr_check_matrix(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
		     const struct apr_mask *apm, const struct apr_mask *aqm,
		     struct apr_conflict *c);

/* Effects on the shadow APCB (vfio_ap_ops.c: filter, hot unplug, probe/remove). */
bool apr_queue_passable(const struct apr_host *h, unsigned int qstate);
bool apr_filter(const struct apr_host *h, struct apr_mdev *m, struct apr_mask *apm_filtered);
bool apr_filter_cdoms(const struct apr_host *h, struct apr_mdev *m);
bool apr_unassign(struct apr_mdev *m, enum apr_kind kind, unsigned int id);
bool apr_queue_removed(struct apr_mdev *m, unsigned int apid, unsigned int apqi);
bool apr_cfg_removed(struct apr_mdev *m, const struct apr_mask *apm_gone,
		     const struct apr_mask *aqm_gone, const struct apr_mask *adm_gone);

/* Queue `status` (vfio_ap_ops.c: status_show): "assigned", "unassigned" or "in use". */
const char *apr_queue_status(const struct apr_mdev *mdevs, int n, unsigned int apid,
			     unsigned int apqi);
/* Index of the mdev whose matrix holds the APQN, or -1. */
int apr_mdev_holding(const struct apr_mdev *mdevs, int n, unsigned int apid, unsigned int apqi);

/* Kernel generations. */
enum apr_profile apr_profile_detect(bool mdev_seen, bool guest_matrix, bool ap_config,
				    bool matrix_features, bool driver_override);
const char *apr_profile_name(enum apr_profile p);

/* Where an attribute lives: the bus, a card, a queue, the matrix device, an mdev. */
enum apr_dir {
	APR_DIR_BUS,
	APR_DIR_CARD,
	APR_DIR_QUEUE,
	APR_DIR_MATRIX,
	APR_DIR_MDEV,
};
/*
 * Does generation p have attribute name in dir?  True for every attribute
 * but those a later generation added (the table in rules.c; the profiles
 * are detected from them, apr_profile_detect).
 */
bool apr_profile_has(enum apr_profile p, enum apr_dir dir, const char *name);
int apr_profile_parse(const char *s, enum apr_profile *p);

/* Card types (ap_bus.h: AP_DEVICE_TYPE_*, the TAPQ facility bits): one table. */
struct apr_card_type {
	const char *name;	   /* "CEX5C" */
	unsigned int hwtype;	   /* 10..14 */
	const char *mode;	   /* "cca", "ep11", "accel" (uevent MODE=) */
	const char *mode_text;	   /* lszcrypt: "CCA-Coproc", ... */
	uint32_t functions;	   /* card ap_functions (top 16 bits) */
	unsigned int depth;	   /* TAPQ qd: slots minus one */
	unsigned int max_msg_size; /* bytes */
};
const struct apr_card_type *apr_card_type_lookup(const char *name);
const struct apr_card_type *apr_card_type_at(unsigned int i);
/* What a card's depth attribute shows (ap_card.c: depth_show). */
unsigned int apr_card_depth(const struct apr_card_type *t);

#endif
