/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apm-private.h - layouts and internal interfaces of libapmatrix.
 *
 * Never installed and never included by the CLI or the TUI.  It defines
 * the seam (struct apm_backend), the snapshot layout and the logging
 * macros shared by the library's files.
 */
#ifndef APM_PRIVATE_H
#define APM_PRIVATE_H

#include <stdio.h>
#include <syslog.h>

#include "libapmatrix-sim.h"
#include "model.h"

#define APM_EXPORT	 __attribute__((visibility("default")))
#define APM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))

_Static_assert(sizeof(struct apm_mask) == sizeof(struct apr_mask), "mask layouts differ");

static inline const struct apr_mask *to_apr(const struct apm_mask *m)
{
	return (const struct apr_mask *)m;
}

/* ---------------------------------------------------------------- seam */

/*
 * One uevent: action, devpath, subsystem and "K=V" properties.
 *
 * Beside the kernel's uevents the seam reports what the kernel sends none
 * for, as events of subsystem "apmatrix"; the first three only where the
 * caller asked (watch):
 *   write  /DIR  ATTR=NAME     an attribute of DIR (a sysfs path) was written
 *                              successfully (what inotify's IN_MODIFY says);
 *   open   /dev/vfio/GROUP     a process opened a VFIO group (IN_OPEN), as QEMU
 *   close  /dev/vfio/GROUP     does when a guest starts, or closed it;
 *   change /  SIM_STATE=changed  another process replaced the simulated host's
 *                              state file: anything may have changed.
 */
#define APM_EVENT_SUBSYSTEM "apmatrix"

struct apm_event {
	int refcount;
	char action[16];
	char devpath[256];
	char subsystem[32];
	unsigned int nprops;
	char props[16][256];
};

/*
 * How every backend fills an event (ctx.c): the fields cut to their
 * buffers, then each property as "KEY=VALUE" with the value's trailing
 * newline dropped (the kernel's APMASK= ends with one,
 * ap_bus.c: ap_send_mask_changed_uevent).  A property that is no
 * KEY=VALUE (an empty key or one with '='), does not fit or finds the
 * event full is left out: false.
 */
void apm_event_set(struct apm_event *ev, const char *action, const char *devpath,
		   const char *subsystem);
bool apm_event_add(struct apm_event *ev, const char *key, const char *value);

typedef int (*apm_list_fn)(const char *name, void *data);

/*
 * A guest's name and its NUL: libvirt's longest domain name (its NAME.xml
 * fits a 255-byte file name) is kept whole; QEMU's own -name has no bound,
 * and a longer one ends in "..." (backend-fs.c).
 */
#define APM_GUEST_MAX 256

/* Who holds /dev/vfio/<group>: the question of the in-use check. */
struct apm_holder {
	int group;		  /* asked */
	int rc;			  /* 1 held (name filled, maybe ""), 0 nobody, -EACCES unknown */
	char name[APM_GUEST_MAX]; /* the holder's guest name (QEMU's -name) */
	bool secure;		  /* a Secure Execution guest (QEMU's s390-pv-guest object) */
};

/*
 * The seam: everything the core does to a host goes through these calls,
 * all paths relative to the backend's root.  Implemented by backend-fs.c
 * (the real filesystem + libudev) and by sim.c (the simulated host).
 */
struct apm_backend_ops {
	const char *name;
	/* Bytes read (buf NUL-terminated), or -errno. */
	int (*read)(void *be, const char *path, char *buf, size_t size);
	/* One write(2) of the whole value: 0 or the kernel's -errno. */
	int (*write)(void *be, const char *path, const char *buf, size_t len);
	/* Calls fn for every entry but "." and ".."; -ENOENT when missing. */
	int (*list)(void *be, const char *path, apm_list_fn fn, void *data);
	/* Link target into buf, or -errno. */
	int (*readlink)(void *be, const char *path, char *buf, size_t size);
	/* 1 writable, 0 not. */
	int (*can_write)(void *be, const char *path);
	/* Who holds each /dev/vfio/<group>, all in one look at the processes. */
	int (*vfio_holders)(void *be, struct apm_holder *holders, unsigned int n);
	int (*event_fd)(void *be);
	/* 0 with *ev filled, -EAGAIN when none, -ENOBUFS once after events were lost. */
	int (*read_event)(void *be, struct apm_event *ev);
	/*
	 * Report what no uevent tells (see "Beside the kernel's uevents"):
	 * writes to the attributes of directory path, or with path NULL the
	 * opens and closes of VFIO groups; on false, stop.  0, or -errno when
	 * the backend cannot (the caller then polls those files).
	 */
	int (*watch)(void *be, const char *path, bool on);
	/* Run fn under the backend's own serialisation (the sim's file lock). */
	int (*transaction)(void *be, int (*fn)(void *data), void *data);
	void (*destroy)(void *be);
};

struct apm_ctx {
	int refcount;
	enum apm_host_kind kind;
	const struct apm_backend_ops *ops;
	void *be;
	char *source;
	char *proc_root;
	char *lock_path;
	bool lock_parent;	   /* the lock is taken in the parent's name (a callout) */
	unsigned int lock_wait_ms; /* how long to wait for it before giving up */
	bool read_only;
	char *syslog_path;  /* the audit's syslog socket, NULL none (audit.c) */
	char *journal_path; /* undo's journal, NULL none (journal.c) */
	apm_audit_fn audit_fn;
	void *audit_data;
	apm_log_fn log_fn;
	void *log_data;
	int log_priority;
};

void apm_log(const struct apm_ctx *ctx, int priority, const char *file, int line, const char *fn,
	     const char *format, ...) APM_PRINTF(6, 7);

#define apm_log_cond(ctx, prio, ...)                                                               \
	do {                                                                                       \
		if ((ctx)->log_priority >= (prio))                                                 \
			apm_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__);             \
	} while (0)
#define dbg(ctx, ...)  apm_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) apm_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define warn(ctx, ...) apm_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...)  apm_log_cond(ctx, LOG_ERR, __VA_ARGS__)

int apm_backend_fs_new(struct apm_ctx *ctx, const char *root, const char *proc_root, void **be);
extern const struct apm_backend_ops apm_backend_fs_ops;
/* fs-events.c: the real host's uevents and inotify watches, for backend-fs.c. */
struct fs_events;
int apm_fs_events_new(struct apm_ctx *ctx, const char *root, struct fs_events **ev);
void apm_fs_events_free(struct fs_events *ev);
int apm_fs_events_fd(const struct fs_events *ev);
int apm_fs_events_read(struct fs_events *ev, struct apm_event *out);
int apm_fs_events_watch(struct fs_events *ev, const char *path, bool on);
int apm_backend_sim_new(struct apm_ctx *ctx, const char *file, void **be);
/* A simulated host over a copy of model m, silent, kept nowhere (a prediction's). */
int apm_backend_sim_new_model(struct apm_ctx *ctx, const struct apr_model *m, void **be);
/* A read-only context on such a host, logging where like does (ctx.c). */
int apm_ctx_new_model(const struct apm_ctx *like, const struct apr_model *m, struct apm_ctx **ctx);
extern const struct apm_backend_ops apm_backend_sim_ops;

/*
 * A context on another implementation of the seam (the tests' in-memory
 * tree): ops answer for be, which the context destroys with it.
 */
int apm_ctx_new_backend(enum apm_host_kind kind, const char *source,
			const struct apm_backend_ops *ops, void *be, struct apm_ctx **ctx);

/*
 * The AP configuration lock s390-tools share (lock.c).  *taken says whether
 * this call created it (false when it was held in our owner's name already).
 */
int apm_lock_take(struct apm_ctx *ctx, bool *taken);
void apm_lock_release(struct apm_ctx *ctx, bool taken);

/*
 * The one way through the seam (ctx.c): nothing else calls ctx->ops.
 * apm_can_write answers for the backend whatever the read-only mode;
 * apm_write refuses in read-only mode.
 */
int apm_read(struct apm_ctx *ctx, const char *path, char *buf, size_t size);
int apm_readf(struct apm_ctx *ctx, char *buf, size_t size, const char *fmt, ...) APM_PRINTF(4, 5);
int apm_write(struct apm_ctx *ctx, const char *path, const char *buf, size_t len);
int apm_list(struct apm_ctx *ctx, const char *path, apm_list_fn fn, void *data);
int apm_readlink(struct apm_ctx *ctx, const char *path, char *buf, size_t size);
bool apm_can_write(struct apm_ctx *ctx, const char *path);
int apm_vfio_holders(struct apm_ctx *ctx, struct apm_holder *holders, unsigned int n);
int apm_seam_watch(struct apm_ctx *ctx, const char *path, bool on);
/* The next event into *ev (no allocation): 0, -EAGAIN, -ENOBUFS. */
int apm_read_event(struct apm_ctx *ctx, struct apm_event *ev);
int apm_transaction(struct apm_ctx *ctx, int (*fn)(void *data), void *data);

/* ------------------------------------------------------------ snapshot */

#define APM_LABEL_SIZE (APM_MDEV_LABEL_MAX + 1)

/*
 * Attribute text that is not what the kernel writes, kept (escaped) for the
 * snapshot's warnings, which apm_host_derive() writes from what was read.
 */
struct apm_odd {
	bool set;
	char text[24];
};

struct apm_mdev {
	struct apm_host *host; /* back pointer; the host's refcount covers us */
	char uuid[37];
	struct apr_mdev m; /* assigned masks and the guest's shadow */
	bool has_guest_matrix;
	bool has_ap_config;
	bool truncated;				    /* matrix/guest_matrix hit the sysfs page */
	bool trunc_matrix, trunc_guest, bad_matrix; /* what the warnings say */
	bool trunc_domains, bad_domains;	    /* ... of control_domains */
	int iommu_group;			    /* -1 when unknown */
	int in_use;				    /* 1, 0, -1 unknown */
	char guest[APM_GUEST_MAX];
	bool secure;		    /* the holder runs a Secure Execution guest */
	char label[APM_LABEL_SIZE]; /* label.c */
	/*
	 * What in_use is told from: the VFIO group's holder (1, 0, -EACCES)
	 * and the status of the guest matrix's first queue (1 "in use", 0
	 * another, -1 not read: no queue, or the holder said enough).
	 */
	int holder, status;
	/*
	 * For the filter reasons of its APQNs: what the filter would give now,
	 * and per adapter the first assigned domain whose queue cannot be
	 * passed (-1: none), which drops the whole adapter.
	 */
	struct apr_mask fresh_sapm, fresh_saqm;
	short bad_domain[APR_BITS];
};

/* The card attributes whose odd text a snapshot keeps (struct apm_card.odd). */
enum {
	APM_ODD_HWTYPE,
	APM_ODD_RAW_HWTYPE,
	APM_ODD_CONFIG,
	APM_ODD_CHKSTOP,
	APM_ODD_ONLINE,
	APM_CARD_ODD
};

struct apm_card {
	bool has_card;
	int hwtype, raw_hwtype;
	char type[16];
	const char *mode;
	int config, chkstop, online;
	uint32_t functions;
	char driver[32];
	struct apm_odd odd[APM_CARD_ODD]; /* hwtype, raw_hwtype, config, chkstop, online */
};

#define APM_DRV_NONE	0 /* per-queue driver index: 0 none, else drivers[i - 1] */
#define APM_MAX_DRIVERS 8

/*
 * A snapshot is immutable once handed out.  Its large per-APQN tables are
 * reference-counted blocks (apm_table_*) that the next snapshot of the
 * incremental engine shares until it changes one of them (copy on write).
 */
struct apm_host {
	int refcount;
	struct apm_ctx *ctx;
	enum apm_host_kind kind;
	struct apr_host rules; /* profile, max IDs, masks, QCI */
	unsigned int max_apid, max_apqi;
	char bus_features[64];
	bool has_bus_features;
	char matrix_features[128];
	bool has_matrix_features;
	bool vfio_ap_loaded;
	bool has_ap_domain;
	int ap_domain;
	struct apm_odd odd_bus[3]; /* ap_domain, ap_max_adapter_id, ap_max_domain_id */
	/* mdev names the kernel does not write (the UUID in upper case), the first few */
	char odd_mdevs[4][37];
	unsigned int nodd_mdevs;
	int bindings_complete; /* 1, 0, -ENOENT */
	int apmask_rc, aqmask_rc;
	int lpar_rc[3]; /* 0, -EOPNOTSUPP, -ENOENT */
	struct apm_mask lpar[3];
	struct apm_card cards[APR_BITS];
	struct apr_mask card_present;
	char drivers[APM_MAX_DRIVERS][32];
	bool driver_default[APM_MAX_DRIVERS];
	unsigned int ndrivers;
	int vfio_drv; /* driver index of vfio_ap, 0 when it binds nothing */
	/* Per APQN (a table): bit 7 = queue device exists, low bits = driver index. */
	unsigned char (*queue)[APR_BITS];
	/*
	 * Of those, how many exist without a driver: -1 until counted (a
	 * load reads bus/ap/bindings instead), then kept by the engine's
	 * queue events (watch.c), so a batch knows at once whether every
	 * queue is bound.
	 */
	int unbound;
	unsigned char *override; /* 6.19 (a table): [a][q] override driver index + 1, or NULL */
	bool override_attr;	 /* queues have driver_override (asked of the first queue) */
	bool override_asked;	 /* ... and there was a queue to ask */
	struct apm_mdev *mdevs;
	unsigned int nmdevs;
	struct apr_mdev *rmdevs; /* the rules' view of mdevs, same order */
	/*
	 * Queue attributes read on demand, kept per adapter row (tables, shared
	 * with the next snapshot): the engine forgets the queues its events
	 * may have changed (apm_host_forget_queue), the rest stays read.
	 */
	struct apm_qslot *qrow[APR_BITS];
	/*
	 * The kernel model of what was read: predictions run on a copy of it.
	 * Its mdev arrays are rmdevs and minfo, its queues the rows mq (each a
	 * table, shared with the snapshots that did not change it: a batch of
	 * the engine copies only the rows it derives again).
	 */
	struct apr_model model;
	struct apr_queue *mq[APR_BITS];
	/*
	 * The rows of mq that may hold a queue; every other row is all zero,
	 * so a derive neither clears nor touches it (a fresh host's rows are
	 * one zero row, shared: a 256 x 256 host costs only the rows in use).
	 */
	struct apr_mask mq_rows;
	struct apr_mdev_info *minfo;
	char *warnings;
	size_t warnings_len;
	/*
	 * The warnings of apm_host_foreach_warning (warnings.c), said once;
	 * wbase: those of the snapshot this one was cloned from (or of its
	 * nearest ancestor that said them), what is unchanged is taken from.
	 */
	struct apm_wcache *wcache, *wbase;
	unsigned int label_width; /* the longest mdev label */
};

#define APM_Q_EXISTS 0x80
#define APM_Q_DRV    0x0f

void apm_host_warn(struct apm_host *host, const char *fmt, ...) APM_PRINTF(2, 3);
/* label.c: labels for n UUIDs in ascending order; the widest label's length or -errno. */
int apm_label_assign(const char *const *uuids, unsigned int n, char (*labels)[APM_LABEL_SIZE]);
/* label.c: label the host's mdevs (sorted by UUID); 0 or -ENOMEM. */
int apm_host_label_mdevs(struct apm_host *host);

/*
 * The loader's parts (host-load.c).  apm_host_load() runs all of them; the
 * incremental engine (watch.c) runs on a clone of the last snapshot those
 * an event names, then apm_host_derive() for what follows from them.
 */
struct apm_host *apm_host_alloc(struct apm_ctx *ctx);
/* A new snapshot equal to h, sharing its tables; NULL on -ENOMEM. */
struct apm_host *apm_host_clone(const struct apm_host *h);
/* Make a shared table of h its own before changing it: 0 or -ENOMEM. */
int apm_host_own_queues(struct apm_host *h);
void apm_host_read_masks(struct apm_host *h);
void apm_host_read_lpar(struct apm_host *h);
void apm_host_read_ap_domain(struct apm_host *h);
/*
 * A 0/1 attribute (config, chkstop, online: "%d\n") of dir: 1, 0, or -1
 * when missing or anything else, which odd then keeps (escaped).
 */
int apm_read_bool(struct apm_ctx *ctx, const char *dir, const char *attr, struct apm_odd *odd);
void apm_host_read_bindings(struct apm_host *h);
/*
 * A card's files: all of them, or what a scan changes without an event
 * (chkstop, and online, which follows it); nothing when it has no device.
 */
void apm_host_read_card(struct apm_host *h, unsigned int a);
void apm_host_read_chkstop(struct apm_host *h, unsigned int a);
/* The index of a driver of the bus by name (added when new), 0 when the table is full. */
int apm_host_driver_index(struct apm_host *h, const char *name);
/* Whether queues have driver_override (6.19), asked of the first queue there is. */
void apm_host_read_override_attr(struct apm_host *h);
/* 6.19: queue (a, q)'s driver_override into the override table (0 or -ENOMEM). */
int apm_host_read_override(struct apm_host *h, unsigned int a, unsigned int q);
/* Add or remove mdev uuid (sorted in); the new one's files are read.  0 or -errno. */
int apm_host_add_mdev(struct apm_host *h, const char *uuid);
int apm_host_remove_mdev(struct apm_host *h, unsigned int i);
/* The mdevs the matrix device lists now: the new ones added (and read), the gone removed. */
int apm_host_sync_mdevs(struct apm_host *h);
/* mdev i's files: ap_config or matrix and control_domains, guest_matrix, iommu_group. */
void apm_host_read_mdev(struct apm_host *h, unsigned int i);
/* mdev i's guest_matrix only (its shadow changes without a write to the mdev). */
void apm_host_read_mdev_guest(struct apm_host *h, unsigned int i);
/* The holders of the VFIO groups of the mdevs marked in which (NULL: all). */
void apm_host_read_holders(struct apm_host *h, const bool *which);
/*
 * A queue's attributes, as read on demand; valid once read, its vfio_ap
 * status apart.  state_valid: d.config and d.chkstop alone are (what the
 * guests' warnings ask, warnings.c; chkstop unread while config is 0),
 * read without the rest; facts_valid: d.config, d.chkstop and d.online
 * are (what the grid asks, apm_host_read_queue_facts).
 */
struct apm_qslot {
	struct apm_queue_detail d;
	bool valid, status_valid, state_valid, facts_valid;
};
struct apm_wcache *apm_wcache_ref(struct apm_wcache *c);
void apm_wcache_unref(struct apm_wcache *c);
/* Of the host's warnings (said once): the mdev parts taken over from wbase and said again. */
void apm_host_get_warning_stats(const struct apm_host *h, unsigned int *reused,
				unsigned int *computed);
/* Whether anything of a queue is kept in its slot (then its config and chkstop are). */
static inline bool apm_qslot_kept(const struct apm_qslot *k)
{
	return k->valid || k->state_valid || k->facts_valid;
}

/* The files read for apm_host_get_queue_state, kept in the slot (host.c). */
void apm_host_read_queue_state(struct apm_host *h, unsigned int a, unsigned int q, int *config,
			       int *chkstop);

/*
 * (a, q)'s config and chkstop (1, 0, -1; chkstop unread when config is 0),
 * read once and kept.  Inline: the guests' warnings ask it for every APQN
 * of a running guest whose matrix changed, thousands per snapshot.
 */
static inline void apm_host_get_queue_state(struct apm_host *h, unsigned int a, unsigned int q,
					    int *config, int *chkstop)
{
	const struct apm_qslot *k = h->qrow[a] ? &h->qrow[a][q] : NULL;

	if (k && apm_qslot_kept(k)) {
		*config = k->d.config;
		*chkstop = k->d.chkstop;
		return;
	}
	apm_host_read_queue_state(h, a, q, config, chkstop);
}

/*
 * A handle on an adapter or an APQN of a snapshot (queue.c).  One handed
 * out holds a reference to its host; the library's own code also makes
 * them on the stack with apm_adapter_init() and apm_queue_init(), borrowed
 * (refcount 0, no reference: the caller holds the host).
 */
struct apm_adapter {
	int refcount;
	struct apm_host *host;
	unsigned int id;
};
struct apm_queue {
	int refcount;
	struct apm_host *host;
	unsigned int adapter, domain;
	bool exists, owner_host, in_guest_matrix, plugged;
	const char *driver; /* the host's driver name, or NULL */
	int mdev;	    /* index of the mdev holding it, or -1 */
	enum apm_cell cell;
	enum apm_filter filter;
	int detail_rc;	/* 1: not read yet; 0: in d; -ENOENT: no queue device */
	bool no_status; /* d holds all but the status (state(), queue.c) */
	struct apm_queue_detail d;
	/* Iteration: the adapters and domains of some mdev (apm_host_next_queue). */
	bool iter; /* rows and cols are set */
	struct apr_mask rows, cols;
	char reason[320]; /* the filter's reason, "" with APM_FILTER_NONE */
};
/* A borrowed handle on adapter id of h: 0, -ENOENT (not in the LPAR, no card), -EINVAL. */
int apm_adapter_init(struct apm_adapter *ad, const struct apm_host *h, unsigned int id);
/* A borrowed handle on APQN (a, q) of h: 0 or -EINVAL. */
int apm_queue_init(struct apm_queue *qu, const struct apm_host *h, unsigned int a, unsigned int q);
/* The facts of (a, q) in h (host.c: ownership, the mdev, the cell, the filter and its reason). */
void apm_host_classify_queue(const struct apm_host *h, unsigned int a, unsigned int q,
			     struct apm_queue *qu);
/*
 * The same with text false: the filter's code but no reason ("" in
 * qu->reason), which apm_host_queue_reason() then fills in.
 */
void apm_host_classify_queue_code(const struct apm_host *h, unsigned int a, unsigned int q,
				  struct apm_queue *qu, bool text);
void apm_host_queue_reason(const struct apm_host *h, struct apm_queue *qu);
/*
 * The queue's own attributes (status, config, chkstop, online, se_*),
 * as read before (by a --detail load or on demand: its row's slots), else
 * read through the seam and kept there; warn: a 0/1 attribute with other
 * text is warned about (a --detail load, which reads every queue once).
 * 0, -ENOENT (no queue device), -EINVAL.
 */
int apm_host_read_queue_detail(struct apm_host *h, unsigned int a, unsigned int q,
			       struct apm_queue_detail *d, bool warn);
/*
 * The same without warnings; without status, only config, chkstop and
 * online (the rest "" or 0), as kept or else read alone (3 files of 6),
 * and 0; 1 when the whole detail was read (or kept).  What the grid asks
 * of every cell it draws.
 */
int apm_host_read_queue_facts(struct apm_host *h, unsigned int a, unsigned int q,
			      struct apm_queue_detail *d, bool status);

/* What apm_host_get_queue_detail read of (a, q), or of adapter a's queues, is stale. */
void apm_host_forget_queue(struct apm_host *h, unsigned int a, unsigned int q);
/* (a, q) was bound or unbound (h->queue holds its driver): what follows the driver is stale. */
void apm_host_queue_rebound(struct apm_host *h, unsigned int a, unsigned int q);
/* Of (a, q), only the vfio_ap status is stale (an mdev changed, not the queue). */
void apm_host_forget_status(struct apm_host *h, unsigned int a, unsigned int q);
void apm_host_forget_adapter(struct apm_host *h, unsigned int a);
/* After a bus scan: do adapter a's queues keep what was read of them in old (host.c)? */
bool apm_host_scan_keeps_queues(const struct apm_host *old, const struct apm_host *h,
				unsigned int a);
/* The queues whose vfio_ap status old's mdevs and h's differ on (matrix, guest, in use). */
void apm_host_forget_mdevs(struct apm_host *h, const struct apm_host *old);

/* mdev i's status read (when its holder does not settle in_use) and in_use. */
void apm_host_read_in_use(struct apm_host *h, unsigned int i);
/*
 * Recompute what is derived from what was read: the QCI view, the
 * profile, the kernel model (the rows of adapters, NULL: all; the model's
 * table must be h's own), the mdevs' model entries and the warnings; the
 * filter facts are apm_host_prepare_filter's, per mdev.  0 or -ENOMEM.
 */
int apm_host_derive(struct apm_host *h, const struct apr_mask *adapters);
/* host.c: the per-mdev facts the filter reasons need (after apm_host_derive). */
void apm_host_prepare_filter(struct apm_host *h, struct apm_mdev *m);
/*
 * The same, the adapters' bad domains only for rows (NULL: all): the
 * others must be as m holds them, for the same matrix, QCI and rules
 * over the same queue states.
 */
void apm_host_prepare_filter_rows(struct apm_host *h, struct apm_mdev *m,
				  const struct apr_mask *rows);
/*
 * 0 when a and b are the same snapshot of a host, as far as anything the
 * library shows or predicts from tells (the public view of every APQN,
 * adapter, mdev and bus attribute, and the kernel model); else 1 with the
 * first difference named in why.  The test of the incremental engine.
 */
int apm_host_compare(const struct apm_host *a, const struct apm_host *b, char *why, size_t size);

/* watch.c: the poll tick is due now (tests, instead of waiting for it). */
void apm_watch_poll_now(struct apm_watch *w);
/* watch.c tells a delta what it covers: a full load, how many events. */
void apm_delta_set_source(struct apm_delta *d, bool reloaded, unsigned int events);
/* Whether any queue's readings are stale (apm_delta_get_stale_domains). */
bool apm_delta_any_stale(const struct apm_delta *d);

/*
 * Reference-counted blocks for the snapshot's tables (util.c): new zeroed,
 * another reference, drop one (NULL-safe), a private copy when shared
 * (*p replaced, the old reference dropped; NULL on -ENOMEM).
 */
void *apm_table_new(size_t size);
void *apm_table_ref(void *data);
void apm_table_unref(void *data);
void *apm_table_own(void *p);

/* ------------------------------------------------------------- helpers */

/* Lines of an mdev matrix attribute into masks (vfio_ap_mdev_matrix_show). */
int apm_parse_matrix(const char *text, struct apr_mask *apm, struct apr_mask *aqm);
/*
 * Lines of an mdev's control_domains attribute (vfio_ap_ops.c:
 * control_domains_show, "%04lx\n" each) into a mask: 0, or -EINVAL and an
 * empty mask when a line is no domain (a hex number up to 0xff).
 */
int apm_parse_domains(const char *text, struct apr_mask *adm);
bool apm_uuid_valid(const char *s);
void apm_uuid_generate(char out[37]);
void apm_random_bytes(unsigned char *b, size_t n);
char *apm_strip(char *s);
/* Growable string. */
struct apm_buf {
	char *s;
	size_t len, cap;
};
void apm_buf_printf(struct apm_buf *b, const char *fmt, ...) APM_PRINTF(2, 3);
void apm_buf_free(struct apm_buf *b);
/* s escaped whole with flags (apm_text_escape's), in a new string; NULL: no memory. */
char *apm_text_dup(const char *s, unsigned int flags);
/*
 * s holds n bytes of a text cut to fit size (at least 1): its end becomes
 * "..." after the last whole UTF-8 character that leaves room, as
 * apm_text_escape() marks a cut; below 4 bytes s is as many dots as fit.
 * Returns the new length; s is terminated.
 */
size_t apm_text_mark_cut(char *s, size_t n, size_t size);

#endif
