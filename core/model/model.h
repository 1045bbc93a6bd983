/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model.h - the kernel model: one host's AP bus and vfio_ap state, with
 * operations that check and apply exactly as the kernel does.
 *
 * The rules (rules.h) answer "would the kernel accept this?"; the model
 * also holds the state and applies the effects.  Every operation returns
 * the kernel's errno in the kernel's order and changes the model only on
 * success, so the simulated host, kmod/apsim.ko and the planner's
 * predictions (an operation run on a copy) cannot drift apart.
 *
 * Freestanding, like the rules: no library calls, no allocation, no locks.
 * The caller hands in the per-APQN table and the mdev arrays with their
 * capacity, and serialises calls.  What is plumbing stays with the caller:
 * the model never adds or removes a device, never binds a driver and never
 * sends a uevent.  It reports the kernel's own change events through the
 * notify callback, and it offers per-queue hooks (apr_bus_needs_reprobe,
 * apr_bus_probe, apr_bus_remove, the apr_scan_* steps) so that the caller's
 * driver core - the real one in apsim, a small one in the simulated host -
 * drives the re-probe and scan loops in the kernel's order.
 *
 * Return convention of the operations: a negative errno (m->why tells the
 * details), 0 when the change was applied, APR_NOOP (1) when the kernel
 * accepts the write and nothing changes.
 */
#ifndef APMATRIX_MODEL_H
#define APMATRIX_MODEL_H

#include "rules.h"

#define APR_NOOP 1

#define APR_MAX_INSTANCES 65536 /* mdev_core.c: MDEV_MAX_INSTANCES of vfio_ap's type */
#define APR_UUID_LEN	  36
/*
 * With the NUL; as long as the library's own copy (APM_GUEST_MAX), so a
 * host's guest names reach the model whole: libvirt's go up to 251 bytes.
 */
#define APR_GUEST_NAME_MAX    256
#define APR_OVERRIDE_NAME_MAX 32 /* with the NUL */
#define APR_OVERRIDE_OTHERS   4	 /* distinct driver names an override may name */
#define APR_FEATURES_MAX      64 /* bus `features`, with the NUL */
#define APR_FAULTS	      8
#define APR_FAULT_PATH_MAX    128
#define APR_HOST_NAME_MAX     64 /* the simulated machine's name, with the NUL */

/* The AP bus's queue drivers in registration order (cex4card is the card's). */
enum apr_drv {
	APR_DRV_NONE = 0,
	APR_DRV_CEX4QUEUE, /* zcrypt, AP_DRIVER_FLAG_DEFAULT */
	APR_DRV_VFIO_AP,
};

/* 6.19 driver_override: none, one of the two drivers, or another name. */
#define APR_OVR_NONE	  0
#define APR_OVR_CEX4QUEUE 1 /* = APR_DRV_CEX4QUEUE */
#define APR_OVR_VFIO_AP	  2 /* = APR_DRV_VFIO_AP */
#define APR_OVR_OTHER	  3 /* + i: m->override_name[i] */

/* One APQN; the caller's table holds APR_BITS x APR_BITS of them. */
struct apr_queue {
	uint8_t exists : 1;	 /* the bus has the queue device */
	uint8_t config : 1;	 /* as the bus last saw it */
	uint8_t chkstop : 1;	 /* as the bus last saw it */
	uint8_t online : 1;	 /* zcrypt online */
	uint8_t uninitiated : 1; /* moved to vfio_ap outside a scan, not reset since */
	uint8_t driver;		 /* enum apr_drv */
	uint8_t override;	 /* APR_OVR_* */
	uint8_t reset_rc;	 /* forced AP response code of resets; 0: normal */
};

#define APR_SERIAL_MAX 16 /* zcrypt_cex4.c: ep11_serialnr_show's %16.16s; CCA's are 8 */

/* Which of a card's zcrypt facts were set (the others derive from the host's seed). */
#define APR_INFO_SERIAL	  (1u << 0)
#define APR_INFO_API	  (1u << 1)
#define APR_INFO_FW	  (1u << 2)
#define APR_INFO_OP_MODES (1u << 3)

struct apr_card {
	const struct apr_card_type *type; /* the LPAR's card; NULL: none configured */
	bool se_config, se_chkstop;	  /* the SE/HMC side, seen at the next scan */
	bool present;			  /* the bus has the card device */
	bool bound;			  /* bound to cex4card */
	bool config, chkstop;		  /* as the bus last saw them */
	bool online;			  /* zcrypt online */
	uint64_t request_count;
	/* What the card answers zcrypt's queries (zcrypt_cex4.c), where set. */
	uint8_t info_set;		  /* APR_INFO_* */
	char serial[APR_SERIAL_MAX + 1];  /* CCA and EP11 */
	uint16_t api_ordinal, fw_version; /* EP11: API_ordinalnr, FW_version major << 8 | minor */
	uint16_t op_modes;		  /* EP11: bits of zcrypt_cex4.c: ep11_op_modes */
};

/*
 * Master-key registers (zcrypt_cex4.c: cca_mkvps_show for CCA queues,
 * ep11_mkvps_show for EP11 queues).  The kernel shows AES, APKA and ASYM
 * on CCA queues (no SYM/DES register) and the wrapping key on EP11 ones.
 */
enum apr_mk {
	APR_MK_AES_NEW = 0,
	APR_MK_AES_CUR,
	APR_MK_AES_OLD,
	APR_MK_APKA_NEW,
	APR_MK_APKA_CUR,
	APR_MK_APKA_OLD,
	APR_MK_ASYM_NEW,
	APR_MK_ASYM_CUR,
	APR_MK_ASYM_OLD,
	APR_MK_WK_CUR,
	APR_MK_WK_NEW,
	APR_MK_COUNT,
	APR_MK_OP_MODES = APR_MK_COUNT, /* an EP11 queue's op_modes (vp[0..1]: the bits) */
};

/* A register's state, as the kernel names it; APR_MKS_NONE shows "- -". */
enum apr_mk_state {
	APR_MKS_NONE = 0,
	APR_MKS_EMPTY,	     /* NEW (CCA), WK NEW */
	APR_MKS_PARTIAL,     /* NEW (CCA) */
	APR_MKS_FULL,	     /* NEW (CCA) */
	APR_MKS_INVALID,     /* CUR, OLD, WK CUR */
	APR_MKS_VALID,	     /* CUR, OLD, WK CUR */
	APR_MKS_UNCOMMITTED, /* WK NEW */
	APR_MKS_COMMITTED,   /* WK NEW */
};

#define APR_MKVP_MAX	32	/* bytes: AES and APKA 8, ASYM 16, WK 32 */
#define APR_MKVP_STRLEN 80	/* "uncommitted 0x" + 64 hex digits, with the NUL */
#define APR_MK_ANY	0xffffu /* an apid: every adapter of the domain */
#define APR_MK_SETS	64	/* registers set apart from the seed's, at most */

struct apr_mkvp {
	uint8_t state;		  /* enum apr_mk_state */
	uint8_t vp[APR_MKVP_MAX]; /* the pattern, big-endian, right-aligned in its length */
};

/* One register set apart from the seed's: of one APQN, or of a domain (apid APR_MK_ANY). */
struct apr_mk_set {
	bool used;
	uint8_t reg; /* enum apr_mk */
	uint16_t apid, apqi;
	struct apr_mkvp v;
};

/* Per mdev, parallel to its struct apr_mdev. */
struct apr_mdev_info {
	char uuid[APR_UUID_LEN + 1]; /* lower case */
	int group;		     /* its IOMMU group */
	char guest[APR_GUEST_NAME_MAX];
	bool secure;	     /* guest is a Secure Execution guest (QEMU's s390-pv-guest) */
	bool ignore_release; /* the guest does not honour a release request */
	/*
	 * QEMU unplugged the vfio-ap device (device_del) and guest (the name
	 * above) keeps running without it; not attached then.
	 */
	bool unplugged;
	bool refilter; /* gained resources in the running scan */
};

/* Test control: the next count writes to path answer err (0: no effect). */
struct apr_fault {
	char path[APR_FAULT_PATH_MAX]; /* "" when the slot is free */
	int err;
	unsigned int count;
};

/* Which rule refused the last operation: the explanations' key. */
enum apr_why {
	APR_WHY_NONE = 0,
	APR_WHY_SYNTAX,		/* the text does not parse */
	APR_WHY_RANGE,		/* an ID above the host's maximum */
	APR_WHY_OVERRIDES,	/* 6.19: masks and driver_overrides exclude each other */
	APR_WHY_IN_USE,		/* apid.apqi is in mdev's matrix */
	APR_WHY_HOST_OWNED,	/* apid.apqi belongs to the default drivers */
	APR_WHY_NOT_BOUND,	/* static vfio_ap: apid.apqi is not bound to vfio_ap */
	APR_WHY_SHARED,		/* apid.apqi is already in mdev */
	APR_WHY_GUEST_RUNNING,	/* static vfio_ap: a guest holds the mdev */
	APR_WHY_WOULD_BLOCK,	/* the write would wait for the guest to let go */
	APR_WHY_EXISTS,		/* an mdev with that uuid exists */
	APR_WHY_FULL,		/* no more instances */
	APR_WHY_NO_MDEV,	/* no such mdev */
	APR_WHY_ATTACHED,	/* the mdev is held by another guest (mdev = it) */
	APR_WHY_GUEST_HOLDS,	/* the guest holds mdev already */
	APR_WHY_NOT_ATTACHED,	/* no guest holds the mdev */
	APR_WHY_NO_TYPE,	/* not a card type */
	APR_WHY_IN_LPAR,	/* apid (or the domain in apqi) is in the LPAR already */
	APR_WHY_NOT_IN_LPAR,	/* ... is not in the LPAR */
	APR_WHY_NO_SCLP,	/* no SCLP AP configuration facility */
	APR_WHY_CONFIGURED_OFF, /* card apid is configured off */
	APR_WHY_CHECKSTOPPED,	/* card apid is checkstopped */
	APR_WHY_CARD_OFFLINE,	/* the queue's card is offline */
	APR_WHY_MASKS_SET,	/* 6.19: a driver_override needs both masks all ones */
	APR_WHY_NO_DEVICE,	/* no such card or queue, or not bound there */
	APR_WHY_BOUND,		/* the device is bound already */
	APR_WHY_PROBE,		/* the driver's probe refused the device */
	APR_WHY_FAULT,		/* an injected fault */
};

struct apr_refusal {
	int err;
	enum apr_why why;
	unsigned int apid, apqi; /* the APQN (or adapter, domain) concerned */
	int mdev;		 /* the other mdev concerned, or -1 */
};

/* The kernel's own change events (the driver core's add/bind/... are the caller's). */
enum apr_event_kind {
	APR_EV_CARD_CONFIG,	  /* CONFIG=value on card apid */
	APR_EV_QUEUE_CONFIG,	  /* CONFIG=value on queue apid.apqi */
	APR_EV_CARD_ONLINE,	  /* ONLINE=value */
	APR_EV_QUEUE_ONLINE,	  /* ONLINE=value */
	APR_EV_MASK,		  /* APMASK= (value 0) or AQMASK= (value 1) on the bus root */
	APR_EV_INITSCAN,	  /* INITSCAN=done on the bus root */
	APR_EV_BINDINGS_COMPLETE, /* BINDINGS=complete COMPLETECOUNT=value */
	APR_EV_GUEST_CFG,	  /* 6.15: mdev value's guest AP configuration changed */
};

struct apr_event {
	enum apr_event_kind kind;
	unsigned int apid, apqi;
	unsigned long long value;
};

struct apr_notify {
	void (*event)(void *data, const struct apr_event *ev);
};

struct apr_model {
	enum apr_profile profile;
	unsigned int max_apid, max_apqi;
	char features[APR_FEATURES_MAX]; /* bus features; "-": the machine has no QCI */
	bool vfio_ap;			 /* the vfio_ap module is loaded */
	bool sclp;			 /* SCLP AP (de)configuration is available */

	/* The bus. */
	struct apr_mask apmask, aqmask;
	int ap_domain; /* -1: none selected */
	int config_time;
	bool poll_thread;
	uint64_t poll_timeout;
	uint64_t scans;
	uint64_t complete_count;
	bool bindings_armed; /* a binding changed since the last BINDINGS=complete */

	/* The hypervisor's side, and what the bus saw of it at its last scan. */
	struct apr_mask lpar_apm, lpar_aqm, lpar_adm;
	struct apr_mask seen_apm, seen_aqm, seen_adm;

	struct apr_card card[APR_BITS];
	/*
	 * The caller's queues, q[apid][apqi], by row: a row each adapter, so
	 * a host's snapshots can share the rows one of them did not change.
	 */
	struct apr_queue **q;
	uint64_t (*requests)[APR_BITS]; /* per-queue request counts, or NULL */
	char override_name[APR_OVERRIDE_OTHERS][APR_OVERRIDE_NAME_MAX];

	/* vfio_ap: the mdevs in creation order, two parallel caller arrays. */
	struct apr_mdev *rm;
	struct apr_mdev_info *mdev;
	unsigned int nmdevs, cap;
	int next_group;

	/* zcrypt's answers: master keys and serial numbers derive from seeds, a few set apart. */
	uint32_t mk_seed, serial_seed;
	struct apr_mk_set mk[APR_MK_SETS];

	struct apr_fault fault[APR_FAULTS];
	/* The machine's name as the hypervisor gives it (kernel/apsim/host_name); "": none. */
	char host_name[APR_HOST_NAME_MAX];
	struct apr_refusal why; /* the last refusal's details */

	const struct apr_notify *notify;
	void *notify_data;
};

/* ---------------------------------------------------------------- model */

/*
 * A host as the kernel boots it: no devices yet (the first scan finds the
 * LPAR's), both masks all ones, the 6.13 generation, 256 x 256 IDs.  The
 * tables are the caller's and come zeroed (kzalloc, calloc): the model
 * does not touch a page the host does not use.
 */
void apr_model_init(struct apr_model *m, struct apr_queue **q, uint64_t (*requests)[APR_BITS],
		    struct apr_mdev *rm, struct apr_mdev_info *info, unsigned int cap);
/* q, the model's rows (APR_BITS of them), made the rows of one [apid][apqi] table. */
void apr_model_rows(struct apr_queue **q, struct apr_queue (*table)[APR_BITS]);
/* Hand in bigger mdev arrays (the contents are copied over by the caller). */
void apr_model_set_mdevs(struct apr_model *m, struct apr_mdev *rm, struct apr_mdev_info *info,
			 unsigned int cap);
/* Copy src into dst's buffers; -ENOSPC when dst cannot hold src's mdevs. */
int apr_model_copy(struct apr_model *dst, const struct apr_model *src);
void apr_model_set_notify(struct apr_model *m, const struct apr_notify *n, void *data);

/* The queue state the rules ask about (APR_Q_*); data is the model. */
unsigned int apr_model_queue_state(const void *data, unsigned int apid, unsigned int apqi);
/* The rules' view of the model (valid while the model is unchanged). */
void apr_model_rules_host(const struct apr_model *m, struct apr_host *h);
bool apr_model_has_qci(const struct apr_model *m);
/*
 * The TAPQ facility word of a card of type t on this machine: without QCI,
 * or with IDs that fit 63/15, there is no APXA (ap_bus.c: ap_init_qci_info).
 */
uint32_t apr_model_functions(const struct apr_model *m, const struct apr_card_type *t);
/* Index of the mdev (uuid in any case), or -1. */
int apr_model_find_mdev(const struct apr_model *m, const char *uuid);

/* ------------------------------------------------------------------ bus */

/* apmask (aq false) / aqmask store; 0 means: run the re-probe pass, then apr_bus_mask_done. */
int apr_bus_mask_store(struct apr_model *m, bool aq, const char *buf);
/* The APMASK=/AQMASK= event that ends a mask change. */
void apr_bus_mask_done(struct apr_model *m, bool aq);
/* Does the queue's driver disagree with its owner (the re-probe pass's question)? */
bool apr_bus_needs_reprobe(const struct apr_model *m, unsigned int apid, unsigned int apqi);
/* The probe gate and the bind effects; -ENODEV when drv may not take the queue. */
int apr_bus_probe(struct apr_model *m, unsigned int apid, unsigned int apqi, enum apr_drv drv,
		  bool in_scan);
/* The unbind effects (vfio_ap's remove callback on the shadow). */
void apr_bus_remove(struct apr_model *m, unsigned int apid, unsigned int apqi);
/* cex4card takes / lets go of a card. */
void apr_bus_card_probe(struct apr_model *m, unsigned int apid);
void apr_bus_card_remove(struct apr_model *m, unsigned int apid);
/* bound / total queue devices, for `bindings`. */
unsigned int apr_bus_count_queues(const struct apr_model *m, unsigned int *bound);

int apr_bus_ap_domain_store(struct apr_model *m, const char *buf);
int apr_bus_config_time_store(struct apr_model *m, const char *buf);
int apr_bus_poll_thread_store(struct apr_model *m, const char *buf);
int apr_bus_poll_timeout_store(struct apr_model *m, const char *buf);

/* Card `config` (SCLP), zcrypt `online` of a card and of a queue. */
int apr_card_config_store(struct apr_model *m, unsigned int apid, const char *buf);
int apr_card_online_store(struct apr_model *m, unsigned int apid, const char *buf);
int apr_queue_online_store(struct apr_model *m, unsigned int apid, unsigned int apqi,
			   const char *buf);
/* Any write clears the counters (the text does not matter); 0. */
int apr_card_request_count_store(struct apr_model *m, unsigned int apid, const char *buf);
int apr_queue_request_count_store(struct apr_model *m, unsigned int apid, unsigned int apqi,
				  const char *buf);
uint64_t apr_queue_request_count(const struct apr_model *m, unsigned int apid, unsigned int apqi);
int apr_queue_reset_store(struct apr_model *m, unsigned int apid, unsigned int apqi,
			  const char *buf);
/* zcrypt `online` as a card's and a queue's attribute shows it. */
bool apr_card_online(const struct apr_model *m, unsigned int apid);
bool apr_queue_online(const struct apr_model *m, unsigned int apid, unsigned int apqi);
/* 6.19 driver_override; the name it shows into buf (size APR_OVERRIDE_NAME_MAX). */
int apr_queue_override_store(struct apr_model *m, unsigned int apid, unsigned int apqi,
			     const char *buf, unsigned long len);
const char *apr_queue_override_name(const struct apr_model *m, unsigned int apid,
				    unsigned int apqi);
/* The APR_OVR_* value for a driver name (a new "other" slot if needed), or -ENOSPC. */
int apr_override_value(struct apr_model *m, const char *name);

/* --------------------------------------------------------------- zcrypt */

/*
 * The attributes zcrypt's card and queue drivers add (zcrypt_cex4.c): CCA
 * cards `serialnr`, EP11 cards `API_ordinalnr`, `FW_version`, `serialnr`,
 * `op_modes`; CCA queues `mkvps`, EP11 queues `mkvps` and `op_modes`;
 * accelerators none.  They exist while the card (queue) is bound to
 * cex4card (cex4queue).
 */
bool apr_card_has_attr(const struct apr_model *m, unsigned int apid, const char *name);
bool apr_queue_has_attr(const struct apr_model *m, unsigned int apid, unsigned int apqi,
			const char *name);
/*
 * Their text as the kernel shows it into buf (size bytes, NUL-terminated):
 * name is one of the above.  Returns the length.  What the card cannot
 * answer (deconfigured, checkstopped; an EP11 queue offline) shows as the
 * kernel's empty forms ("- -", "").
 */
unsigned long apr_card_zcrypt_show(const struct apr_model *m, unsigned int apid, const char *name,
				   char *buf, unsigned long size);
unsigned long apr_queue_zcrypt_show(const struct apr_model *m, unsigned int apid, unsigned int apqi,
				    const char *name, char *buf, unsigned long size);

/* Register r of queue apid.apqi: set for the APQN, for its domain, or derived from mk_seed. */
void apr_queue_mkvp(const struct apr_model *m, unsigned int apid, unsigned int apqi, enum apr_mk r,
		    struct apr_mkvp *v);
uint16_t apr_queue_op_modes(const struct apr_model *m, unsigned int apid, unsigned int apqi);
/* The register's key in the control file and the state file ("aes_cur"), its label ("AES CUR"). */
const char *apr_mk_key(enum apr_mk r);
const char *apr_mk_label(enum apr_mk r);
/* A key's register (APR_MK_OP_MODES for "op_modes"), or -EINVAL. */
int apr_mk_lookup(const char *key);
/* "STATE [0xPATTERN]" of register r as the kernel spells states; 0 or -EINVAL. */
int apr_mkvp_parse(enum apr_mk r, const char *text, struct apr_mkvp *v);
/* The same back: "valid 0x1d5e..." (APR_MKVP_STRLEN bytes). */
void apr_mkvp_format(enum apr_mk r, const struct apr_mkvp *v, char *buf);
/* EP11 op modes ("FIPS2009 BSI2011", "-" for none) and back (a size of 128 holds all). */
int apr_op_modes_parse(const char *text, uint16_t *bits);
unsigned long apr_op_modes_format(uint16_t bits, char *buf, unsigned long size);
/*
 * Set register r (APR_MK_OP_MODES too) of apid.apqi apart from the seed
 * (apid APR_MK_ANY: of the whole domain) to the text's value, or back to
 * the seed's (text "off").  0, -EINVAL, or -ENOSPC (APR_MK_SETS in use).
 */
int apr_mk_set(struct apr_model *m, unsigned int apid, unsigned int apqi, int r, const char *text);
/* kernel/apsim/mkvp: "AA.DDDD|*.DDDD KEY VALUE"; the line of set e (no newline). */
int apr_mk_store(struct apr_model *m, const char *buf);
unsigned long apr_mk_format(const struct apr_mk_set *e, char *buf, unsigned long size);
/*
 * A card's zcrypt facts apart from the seed: KEY serialnr (CCA: 1..8,
 * EP11: 1..16 letters and digits), api_ordinalnr, fw_version (MAJOR.MINOR),
 * op_modes; value "off" goes back to the seed's.  kernel/apsim/card_info
 * takes "ID KEY VALUE".  0, -EINVAL, -ENODEV (no card of that kind).
 */
int apr_card_info_set(struct apr_model *m, unsigned int apid, const char *key, const char *value);
int apr_card_info_store(struct apr_model *m, const char *buf);
/* The card's set facts as "ID KEY VALUE" lines into buf; the length. */
unsigned long apr_card_info_format(const struct apr_model *m, unsigned int apid, char *buf,
				   unsigned long size);

/* ----------------------------------------------------------------- scan */

/*
 * One AP bus scan (ap_bus.c: ap_scan_bus with vfio_ap's on_cfg_changed and
 * on_scan_complete), as steps the caller's loop runs in this order:
 *   apr_scan_begin;
 *   for each apid: if a card is present but not wanted, remove its queues
 *     (unbind first: apr_bus_remove, then apr_scan_queue_gone) and the card
 *     (apr_bus_card_remove, apr_scan_card_gone); if wanted: add the card
 *     (apr_scan_card_new, then bind cex4card: apr_bus_card_probe), remove
 *     its unwanted queues and add its wanted ones (apr_scan_queue_new, then
 *     probe the drivers in order with in_scan set); then apr_scan_config;
 *   apr_scan_end.
 */
void apr_scan_begin(struct apr_model *m);
bool apr_scan_card_wanted(const struct apr_model *m, unsigned int apid);
bool apr_scan_queue_wanted(const struct apr_model *m, unsigned int apid, unsigned int apqi);
void apr_scan_card_new(struct apr_model *m, unsigned int apid);
void apr_scan_card_gone(struct apr_model *m, unsigned int apid);
void apr_scan_queue_new(struct apr_model *m, unsigned int apid, unsigned int apqi);
void apr_scan_queue_gone(struct apr_model *m, unsigned int apid, unsigned int apqi);
void apr_scan_config(struct apr_model *m, unsigned int apid);
void apr_scan_end(struct apr_model *m);

/* ----------------------------------------------------------------- vfio */

/*
 * vfio_ap's queue callbacks (vfio_ap_mdev_probe_queue, _remove_queue);
 * apr_bus_probe and apr_bus_remove call them.  A probe during a scan
 * leaves the filter to the scan's end.
 */
void apr_vfio_queue_probed(struct apr_model *m, unsigned int apid, unsigned int apqi, bool in_scan);
void apr_vfio_queue_removed(struct apr_model *m, unsigned int apid, unsigned int apqi);
/* Recompute mdev i's shadow APCB (vfio_ap_mdev_filter_matrix and _cdoms). */
void apr_vfio_refilter(struct apr_model *m, unsigned int i);
/*
 * Mdev i's shadow changed: a running guest's AP configuration is updated
 * (vfio_ap_ops.c: vfio_ap_mdev_update_guest_apcb) and, from 6.15, told
 * through its configuration-change eventfd (signal_guest_ap_cfg_changed):
 * the APR_EV_GUEST_CFG event.
 */
void apr_vfio_shadow_changed(struct apr_model *m, unsigned int i);

int apr_vfio_assign(struct apr_model *m, unsigned int i, enum apr_kind kind, const char *buf);
int apr_vfio_unassign(struct apr_model *m, unsigned int i, enum apr_kind kind, const char *buf);
int apr_vfio_ap_config_store(struct apr_model *m, unsigned int i, const char *buf,
			     unsigned long len);
/* ap_config's text into buf (APR_AP_CONFIG_STRLEN + 1 bytes). */
void apr_vfio_ap_config_show(const struct apr_model *m, unsigned int i, char *buf);
/*
 * `create` of the mdev type: the new mdev's index in *index.  -ENOSPC when
 * the caller's arrays are full (grow them, apr_model_set_mdevs, call again).
 */
int apr_vfio_mdev_create(struct apr_model *m, const char *buf, unsigned long len,
			 unsigned int *index);
/*
 * `remove` of an mdev: APR_NOOP for "0", else 0 when the mdev is to go
 * (the caller removes the device, then apr_vfio_mdev_delete).  A guest
 * holding it: static vfio_ap refuses (-EBUSY); 6.0 and a guest that ignores
 * release requests make the kernel's write wait (-EDEADLK stands for it);
 * 6.5+ (vfio_ap_ops.c: vfio_ap_mdev_request) empties the guest, which lets go.
 */
int apr_vfio_mdev_remove_store(struct apr_model *m, unsigned int i, const char *buf);
void apr_vfio_mdev_delete(struct apr_model *m, unsigned int i);
/* 6.5+ vfio_ap_mdev_request: the guest loses every AP resource at once. */
void apr_vfio_mdev_request(struct apr_model *m, unsigned int i);
/* A guest (the VFIO device's opener) attaches to / detaches from mdev i. */
int apr_vfio_guest_attach(struct apr_model *m, unsigned int i, const char *guest);
int apr_vfio_guest_detach(struct apr_model *m, unsigned int i);
/*
 * QEMU's whole-device hot unplug and plug of the vfio-ap device while the
 * guest runs (hw/vfio/ap.c is hotpluggable): for the kernel a close and an
 * open of the VFIO device like any other; the model remembers the guest
 * that runs on without its mdev.  unplug: -EINVAL when nobody holds mdev
 * i.  plug: as apr_vfio_guest_attach, and guest holds no unplugged record
 * any more.
 */
int apr_vfio_guest_unplug(struct apr_model *m, unsigned int i);
int apr_vfio_guest_plug(struct apr_model *m, unsigned int i, const char *guest);
unsigned int apr_vfio_available_instances(const struct apr_model *m);

/* ------------------------------------------------------- the hypervisor */

/*
 * The HMC/SE side (the control tree kernel/apsim/): each change is seen by
 * the bus at its next scan, which the caller runs at once (the CHSC
 * notification).  Text as the control files take it: "ID", "ID WORD".
 */
int apr_hv_parse(const char *buf, unsigned int *id, char *word, unsigned long wsize);

/* The control files that change the LPAR, one operation each (apr_hv_write). */
enum apr_hv_op {
	APR_HV_ADD_ADAPTER,
	APR_HV_REMOVE_ADAPTER,
	APR_HV_ADD_USAGE,
	APR_HV_REMOVE_USAGE,
	APR_HV_ADD_CONTROL,
	APR_HV_REMOVE_CONTROL,
	APR_HV_SE_CONFIG,
	APR_HV_CHKSTOP,
};
/* A write to the control file of op; the caller scans after a success. */
int apr_hv_write(struct apr_model *m, enum apr_hv_op op, const char *buf);
int apr_hv_add_adapter(struct apr_model *m, const char *buf);
/* A card of type t joins the LPAR configured on (what add_adapter does once it parsed). */
void apr_hv_lpar_add(struct apr_model *m, unsigned int id, const struct apr_card_type *t);
int apr_hv_remove_adapter(struct apr_model *m, const char *buf);
int apr_hv_domain(struct apr_model *m, bool usage, bool add, const char *buf);
int apr_hv_se_config(struct apr_model *m, const char *buf);
int apr_hv_chkstop(struct apr_model *m, const char *buf);
/*
 * kernel/apsim/host_name: the machine's name ("" clears it), 1..63
 * printable characters without blanks, one trailing newline allowed.
 * On s390 the same fact is the LPAR name in /proc/sysinfo.  0 or -EINVAL.
 */
int apr_hv_host_name_store(struct apr_model *m, const char *buf);

/*
 * kernel/apsim/fault: "PATH ERRNO [COUNT]" arms the next COUNT (1) writes
 * to PATH to answer -ERRNO (a number or a name such as EBUSY; 0 or "ok":
 * succeed without effect); "PATH off" disarms.
 */
int apr_fault_store(struct apr_model *m, const char *buf);
int apr_fault_arm(struct apr_model *m, const char *path, int err, unsigned int count);
/* 1 and *err when a fault answers this write (one use consumed), else 0. */
int apr_fault_take(struct apr_model *m, const char *path, int *err);
/* Is any fault armed (a cheap test before the path is built)? */
bool apr_fault_armed(const struct apr_model *m);
/* How f answers, as kernel/apsim/fault shows it: "ok", the errno's name or its number. */
const char *apr_fault_answer(const struct apr_fault *f, char *buf, unsigned long size);
/* The errno's name ("EBUSY"), or NULL when the model does not know it. */
const char *apr_errno_name(int err);
int apr_errno_parse(const char *s, int *err);

/* The uuid check of the mdev core (mdev_sysfs.c: create_store via uuid_parse). */
bool apr_uuid_valid(const char *s, unsigned long len);

#endif
