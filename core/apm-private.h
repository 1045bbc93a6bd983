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

#include "libapmatrix.h"
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

/* One uevent: action, devpath, subsystem and "K=V" properties. */
struct apm_event {
	int refcount;
	char action[16];
	char devpath[256];
	char subsystem[32];
	unsigned int nprops;
	char props[16][256];
};

typedef int (*apm_list_fn)(const char *name, void *data);

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
	/* Who holds /dev/vfio/<group>: 1 (name filled, maybe ""), 0 nobody, -EACCES unknown. */
	int (*vfio_holder)(void *be, int group, char *name, size_t size);
	int (*event_fd)(void *be);
	/* 0 with *ev filled, -EAGAIN when none. */
	int (*read_event)(void *be, struct apm_event *ev);
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
int apm_backend_sim_new(struct apm_ctx *ctx, const char *file, void **be);
/* A simulated host over a copy of model m, silent, kept nowhere (a prediction's). */
int apm_backend_sim_new_model(struct apm_ctx *ctx, const struct apr_model *m, void **be);
/* A read-only context on such a host, logging where like does (ctx.c). */
int apm_ctx_new_model(const struct apm_ctx *like, const struct apr_model *m, struct apm_ctx **ctx);
extern const struct apm_backend_ops apm_backend_sim_ops;

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
int apm_vfio_holder(struct apm_ctx *ctx, int group, char *name, size_t size);
int apm_transaction(struct apm_ctx *ctx, int (*fn)(void *data), void *data);

/* ------------------------------------------------------------ snapshot */

#define APM_LABEL_SIZE (APM_MDEV_LABEL_MAX + 1)

struct apm_mdev {
	struct apm_host *host; /* back pointer; the host's refcount covers us */
	char uuid[37];
	struct apr_mdev m; /* assigned masks and the guest's shadow */
	bool has_guest_matrix;
	bool has_ap_config;
	bool truncated;	 /* matrix/guest_matrix hit the sysfs page */
	int iommu_group; /* -1 when unknown */
	int in_use;	 /* 1, 0, -1 unknown */
	char guest[64];
	char label[APM_LABEL_SIZE]; /* label.c */
	/*
	 * Computed once at load, for the filter reasons of its APQNs: what the
	 * filter would give now, and per adapter the first assigned domain whose
	 * queue cannot be passed (-1: none), which drops the whole adapter.
	 */
	struct apr_mask fresh_sapm, fresh_saqm;
	short bad_domain[APR_BITS];
};

struct apm_card {
	bool has_card;
	int hwtype, raw_hwtype;
	char type[16];
	const char *mode;
	int config, chkstop, online;
	uint32_t functions;
	char driver[32];
};

#define APM_DRV_NONE	0 /* per-queue driver index: 0 none, else drivers[i - 1] */
#define APM_MAX_DRIVERS 8

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
	int bindings_complete; /* 1, 0, -ENOENT */
	int lpar_rc[3];	       /* 0, -EOPNOTSUPP, -ENOENT */
	struct apm_mask lpar[3];
	struct apm_card cards[APR_BITS];
	struct apr_mask card_present;
	char drivers[APM_MAX_DRIVERS][32];
	bool driver_default[APM_MAX_DRIVERS];
	unsigned int ndrivers;
	int vfio_drv; /* driver index of vfio_ap, 0 when it binds nothing */
	/* Per APQN: bit 7 = queue device exists, low bits = driver index. */
	unsigned char queue[APR_BITS][APR_BITS];
	unsigned char *override; /* 6.19: [a][q] override driver index + 1, or NULL */
	struct apm_mdev *mdevs;
	unsigned int nmdevs;
	struct apr_mdev *rmdevs; /* the rules' view of mdevs, same order */
	bool detail;
	struct apm_queue_detail *details; /* [a * 256 + q] when detail loaded */
	/*
	 * The kernel model of what was read: predictions run on a copy of it.
	 * Its mdev arrays are rmdevs and minfo, its queue table mq.
	 */
	struct apr_model model;
	struct apr_queue (*mq)[APR_BITS];
	struct apr_mdev_info *minfo;
	char *warnings;
	size_t warnings_len;
	unsigned int label_width; /* the longest mdev label */
};

#define APM_Q_EXISTS 0x80
#define APM_Q_DRV    0x0f

void apm_host_warn(struct apm_host *host, const char *fmt, ...) APM_PRINTF(2, 3);
/* label.c: labels for n UUIDs in ascending order; the widest label's length or -errno. */
int apm_label_assign(const char *const *uuids, unsigned int n, char (*labels)[APM_LABEL_SIZE]);
/* label.c: label the host's mdevs (sorted by UUID); 0 or -ENOMEM. */
int apm_host_label_mdevs(struct apm_host *host);

/* ------------------------------------------------------------- helpers */

/* Parse "05.0047"; 0 or -EINVAL. */
int apm_parse_apqn(const char *s, unsigned int *apid, unsigned int *apqi);
/* Lines of an mdev matrix attribute into masks (vfio_ap_mdev_matrix_show). */
int apm_parse_matrix(const char *text, struct apr_mask *apm, struct apr_mask *aqm);
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

#endif
