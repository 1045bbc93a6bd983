/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim.h - the simulated host's parts, split the way kmod/ is:
 *   tree.c      a small kernfs: one table-driven tree of nodes (name,
 *               children, show, store, link) serving read, list, readlink
 *               and write under the kernel's file rules;
 *   bus.c       the AP bus: its attributes, cards, queues and drivers, and
 *               the driver core that re-probes and scans with the model;
 *   vfio.c      vfio_ap: the matrix device, its mdev type and the mdevs;
 *   hv.c        kernel/apsim/: the hypervisor's controls, guests, faults;
 *   events.c    uevents: the ring, its eventfd, inotify on the state file;
 *   state.c     the model's buffers;
 *   scenario.c  the state file's format (INI);
 *   file.c      the state file: lock, refresh, atomic replace;
 *   backend.c   the seam's operations on all of the above.
 * The kernel's behaviour itself is the model's (core/model/).
 */
#ifndef APM_SIM_H
#define APM_SIM_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "apm-private.h"
#include "model.h"

/* ---------------------------------------------------------------- state */

/* The model and the buffers it works in. */
struct sim_state {
	struct apr_model m;
	struct apr_queue (*q)[APR_BITS];
	struct apr_queue *qrows[APR_BITS]; /* q by row, as the model takes it */
	uint64_t (*req)[APR_BITS];	   /* NULL until sim_state_counts() */
	struct apr_mdev *rm;
	struct apr_mdev_info *info;
};

struct sim_state *sim_state_new(void);
/* The per-queue request counters, made when first needed; 0 or -ENOMEM. */
int sim_state_counts(struct sim_state *st);
void sim_state_free(struct sim_state *st);
/* Room for n mdevs (the model's arrays grow); 0 or -ENOMEM. */
int sim_state_reserve(struct sim_state *st, unsigned int n);
/* A state holding a copy of a model, with room for more mdevs. */
struct sim_state *sim_state_dup(const struct apr_model *from, unsigned int room);

/* The built-in default scenario (doc/scenario.md). */
extern const char sim_builtin_scenario[];
/* Parse a state file; errors name file:line through the log.  0 or -EINVAL. */
int sim_state_parse(struct apm_ctx *ctx, const char *name, FILE *f, struct sim_state *st);
int sim_state_write(const struct sim_state *st, FILE *f);
/*
 * 0 when text (len bytes) is a whole state file: not empty, and when
 * apmatrix wrote it (its first line says so), ending with its end marker.
 * Else the line to name in the error.
 */
int sim_state_incomplete(const char *text, size_t len);
/*
 * A whole state file's text (len bytes, text[len] a NUL) into a new state
 * in *st: refused with -EINVAL and a logged FILE:LINE when it is cut short
 * or malformed; -ENOMEM.  What every load of a state file goes through.
 */
int sim_state_load_text(struct apm_ctx *ctx, const char *name, char *text, size_t len,
			struct sim_state **st);

/* ------------------------------------------------------------ the host */

struct sim_ring;

/* One simulated host: the state, where its uevents and kernel log lines go. */
struct sim {
	struct sim_state *st;
	struct apm_ctx *ctx;   /* the kernel's log lines; NULL: silent (predictions) */
	struct sim_ring *ring; /* uevents; NULL: dropped */
	bool dirty;	       /* the state changed since the last save */
	bool watch_vfio;       /* report guests opening and closing VFIO groups */
	/* Tests: called with every uevent as it is sent (the model as it is then). */
	void (*tap)(void *data, const struct sim *s, const struct apm_event *ev);
	void *tap_data;
};

static inline struct apr_model *sim_model(const struct sim *s)
{
	return &s->st->m;
}

/* Route the model's change events into s's uevents (tree.c does it per write). */
void sim_bind(struct sim *s);

/* A line of the kernel log (pr_warn and the like), at LOG_INFO. */
void sim_klog(const struct sim *s, const char *fmt, ...) APM_PRINTF(2, 3);

/* ------------------------------------------------------------- uevents */

struct sim_ring *sim_ring_new(void);
void sim_ring_free(struct sim_ring *r);
int sim_ring_fd(const struct sim_ring *r);
/* 0 and *ev, -EAGAIN, or -ENOBUFS once after the ring dropped events. */
int sim_ring_pop(struct sim_ring *r, struct apm_event *ev);
/* Queue a whole event (a test replaying one). */
void sim_ring_push(struct sim_ring *r, const struct apm_event *ev);
/* action devpath subsystem, then "K=V" properties, NULL-terminated. */
void sim_uevent(const struct sim *s, const char *action, const char *devpath, const char *subsystem,
		...);
/* A card's or queue's uevent with the bus's variables (ap_bus.c: ap_uevent). */
void sim_uevent_card(const struct sim *s, const char *action, unsigned int a, const char *var);
void sim_uevent_queue(const struct sim *s, const char *action, unsigned int a, unsigned int q,
		      const char *var);
extern const struct apr_notify sim_notify;
/* A guest's QEMU opens or closes the VFIO group of mdev i (when watched). */
void sim_vfio_event(const struct sim *s, const char *action, unsigned int i);

/* ------------------------------------------------------------ the tree */

struct sim_node;

struct sim_at { /* what a path names on its way down */
	unsigned int apid, apqi;
	int mdev;		     /* index, -1 */
	int drv;		     /* bus/ap/drivers/X: 0 cex4card, else enum apr_drv */
	const struct sim_node *node; /* the node being shown, stored or followed */
};

struct sim_out {
	char *buf;
	size_t size, len;
};
void sim_printf(struct sim_out *o, const char *fmt, ...) APM_PRINTF(2, 3);
void sim_print_mask(struct sim_out *o, const struct apr_mask *m);

struct sim_list;
void sim_list_name(struct sim_list *l, const char *fmt, ...) APM_PRINTF(2, 3);
/* "%02x.%04x" without printf: a full host lists 65536 of them. */
void sim_list_queue(struct sim_list *l, unsigned int a, unsigned int q);
void sim_list_card(struct sim_list *l, unsigned int a);

enum sim_kind {
	SIM_DIR = 0,
	SIM_FILE,
	SIM_LINK,
};

/* A directory's entries that come and go with the host's devices. */
struct sim_dynamic {
	void (*each)(const struct sim *s, const struct sim_at *at, struct sim_list *l);
	/* The node NAME stands for (at filled in), or NULL when there is none. */
	const struct sim_node *(*match)(const struct sim *s, const char *name, struct sim_at *at);
};

/*
 * A node: a directory (children, entries), an attribute (mode, show,
 * store) or a link (target, relative to the node's directory, or what
 * link() prints, which may start with target).  visible() says whether
 * it exists on this host now (NULL: always).  arg is the node's own
 * parameter for functions several nodes share; at->node is the node
 * (also for visible()).
 * store returns 0, APR_NOOP or -errno, as the model's operations do.
 * The tables give name, kind and mode in that order, the rest by name.
 */
struct sim_node {
	const char *name;
	enum sim_kind kind;
	unsigned short mode; /* attributes: 0444, 0644, 0200 */
	int arg;
	const char *target;
	bool (*visible)(const struct sim *s, const struct sim_at *at);
	int (*show)(const struct sim *s, const struct sim_at *at, struct sim_out *o);
	int (*store)(struct sim *s, const struct sim_at *at, const char *buf, size_t len);
	void (*link)(const struct sim *s, const struct sim_at *at, struct sim_out *o);
	const struct sim_node *children; /* ends with a NULL name */
	const struct sim_dynamic *entries;
};

#define SIM_END                                                                                    \
	{                                                                                          \
		.name = NULL                                                                       \
	}

/* The tree's parts. */
extern const struct sim_node sim_root[];
extern const struct sim_node sim_bus_ap[];
extern const struct sim_node sim_devices_ap[];
extern const struct sim_dynamic sim_devices_ap_entries;
extern const struct sim_node sim_bus_matrix[];
extern const struct sim_node sim_bus_mdev[];
extern const struct sim_node sim_class_mdev_bus[];
extern const struct sim_node sim_devices_vfio_ap[];
extern const struct sim_node sim_kernel_apsim[];
bool sim_vfio_ap_loaded(const struct sim *s, const struct sim_at *at);

/* The seam's four operations on the tree (paths relative to the root). */
int sim_tree_read(struct sim *s, const char *path, char *buf, size_t size);
int sim_tree_list(struct sim *s, const char *path, apm_list_fn fn, void *data);
int sim_tree_readlink(struct sim *s, const char *path, char *buf, size_t size);
/* 0, APR_NOOP or -errno; m->why tells about a refusal. */
int sim_tree_write(struct sim *s, const char *path, const char *buf, size_t len);
bool sim_tree_can_write(struct sim *s, const char *path);

/* ------------------------------------------------------- the state file */

struct sim_file {
	struct apm_ctx *ctx;
	char *path;
	bool absent; /* missing: *st is the built-in scenario, not yet written */
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	int lockfd;
	int depth;  /* nested locks */
	bool swept; /* temporary files of killed writers removed */
	/*
	 * The version of the file that last failed to load (its error was
	 * logged once): until the file changes, every use answers -EBADMSG
	 * without reading or logging it again.
	 */
	bool broken;
	dev_t bad_dev;
	ino_t bad_ino;
	off_t bad_size;
	struct timespec bad_mtime;
};

/*
 * Load path into *st; a missing file leaves builtin()'s scenario in *st and
 * is created at the first use that may write.
 */
int sim_file_open(struct sim_file *f, struct apm_ctx *ctx, const char *path, struct sim_state **st,
		  int (*builtin)(struct apm_ctx *, struct sim_state *));
void sim_file_close(struct sim_file *f);
/* Has another process replaced the file since we read it? */
bool sim_file_changed(const struct sim_file *f);
/*
 * Re-read the file into *st when it changed (outside a lock).  A file that
 * cannot be read as a state file (malformed, cut short, not a regular
 * file) is -EBADMSG, with its error logged once per version of the file.
 */
int sim_file_refresh(struct sim_file *f, struct sim_state **st);
/* Take the lock (nesting), re-reading the file when it changed (-EBADMSG as above). */
int sim_file_lock(struct sim_file *f, struct sim_state **st);
void sim_file_unlock(struct sim_file *f);
/* Replace the file with st, atomically and durably; the lock is held. */
int sim_file_save(struct sim_file *f, const struct sim_state *st);
/* Read the (unchanged) file back into *st: undo a change that was not saved. */
int sim_file_revert(struct sim_file *f, struct sim_state **st);

/* --------------------------------------------------------- driver core */

/* ap_bus.c: ap_bus_revise_bindings: the re-probe pass after a mask change. */
void sim_bus_reprobe(struct sim *s);
/* ap_bus.c: ap_scan_bus with its devices coming and going. */
void sim_bus_scan(struct sim *s);
/* Bind a queue to the first driver its gate lets in, cex4queue then vfio_ap. */
void sim_bus_attach(struct sim *s, unsigned int a, unsigned int q, bool in_scan);
int sim_bus_bind(struct sim *s, unsigned int a, unsigned int q, enum apr_drv drv, bool in_scan);
void sim_bus_unbind(struct sim *s, unsigned int a, unsigned int q);
/* The bus's name of a queue driver ("cex4queue", "vfio_ap"). */
const char *sim_driver_name(enum apr_drv d);

/* The simulated host behind a context (tests: its tap, its ring), or NULL. */
struct sim *apm_backend_sim_get(struct apm_ctx *ctx);

/* A scratch host over a copy of a model: predictions run writes on it. */
struct sim *sim_scratch_new(const struct apr_model *from, unsigned int room);
void sim_scratch_free(struct sim *s);

#endif
