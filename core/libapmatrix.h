/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libapmatrix.h - the one public header of libapmatrix.
 *
 * libapmatrix models the s390 AP bus and the vfio_ap mediated-device driver
 * of a host: which APQN (adapter, domain) belongs to the host's zcrypt
 * drivers, which to vfio_ap, which mdev holds it and whether a running
 * guest really has it.  It reads and writes the host only through a narrow
 * seam (files under a sysfs root plus an event source) that is implemented
 * twice: the real filesystem, and a simulated host that answers with the
 * kernel's paths, strings and errnos.
 *
 * Conventions (as libkmod):
 *  - objects are opaque and reference counted; *_unref() is NULL-safe and
 *    returns NULL once the object is freed;
 *  - functions that can fail return 0 or a negative errno, results come
 *    back through out-parameters;
 *  - objects handed out by a getter are borrowed from their parent unless
 *    the documentation says "new reference";
 *  - logging goes to a caller-supplied function; the library keeps no
 *    global state.
 *
 * IDs are unsigned integers 0..255; APQNs are written "%02x.%04x".
 */
#ifndef LIBAPMATRIX_H
#define LIBAPMATRIX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ABI 1's interfaces that ABI 2 replaces stay exported and working; a
 * client that still calls them is warned at compile time unless it
 * defines APM_DISABLE_DEPRECATION_WARNINGS.
 */
#if defined(__GNUC__) && !defined(APM_DISABLE_DEPRECATION_WARNINGS)
#define APM_DEPRECATED(repl) __attribute__((deprecated("use " repl)))
#else
#define APM_DEPRECATED(repl)
#endif

struct apm_ctx;
struct apm_host;
struct apm_mdev;
struct apm_event;
struct apm_change;
struct apm_config;

/*
 * The kinds of AP resources, one enum for every function that takes one:
 * what an mdev is assigned (its matrix and control domains), what its guest
 * has (the guest_matrix, vfio_ap's shadow), what the LPAR has (an LPAR has
 * usage and control domains; it has no guest kinds).  A function says which
 * kinds it takes; any other is -EINVAL (or an empty mask where the function
 * returns no error).  Since: 2
 */
enum apm_kind {
	APM_KIND_ADAPTER = 0,
	APM_KIND_DOMAIN, /* a usage domain */
	APM_KIND_CONTROL_DOMAIN,
	APM_KIND_GUEST_ADAPTER,
	APM_KIND_GUEST_DOMAIN,
	APM_KIND_GUEST_CONTROL_DOMAIN,
	APM_KIND_COUNT,
};
/*
 * ABI 1's three enums for the same kinds, kept as names of this one (the
 * same type and values, so old code compiles and links unchanged): enum
 * apm_res (assign), enum apm_mdev_set (an mdev's sets), enum apm_lpar_mask
 * (the LPAR's masks).  Deprecated: new code uses enum apm_kind.  Since: 1
 */
#define apm_res			      apm_kind
#define APM_RES_ADAPTER		      APM_KIND_ADAPTER
#define APM_RES_DOMAIN		      APM_KIND_DOMAIN
#define APM_RES_CONTROL_DOMAIN	      APM_KIND_CONTROL_DOMAIN
#define apm_mdev_set		      apm_kind
#define APM_SET_ADAPTERS	      APM_KIND_ADAPTER
#define APM_SET_DOMAINS		      APM_KIND_DOMAIN
#define APM_SET_CONTROL_DOMAINS	      APM_KIND_CONTROL_DOMAIN
#define APM_SET_GUEST_ADAPTERS	      APM_KIND_GUEST_ADAPTER
#define APM_SET_GUEST_DOMAINS	      APM_KIND_GUEST_DOMAIN
#define APM_SET_GUEST_CONTROL_DOMAINS APM_KIND_GUEST_CONTROL_DOMAIN
#define apm_lpar_mask		      apm_kind
#define APM_LPAR_ADAPTERS	      APM_KIND_ADAPTER
#define APM_LPAR_USAGE_DOMAINS	      APM_KIND_DOMAIN
#define APM_LPAR_CONTROL_DOMAINS      APM_KIND_CONTROL_DOMAIN

/* A 256-bit AP mask, bit 0 = the most significant bit of w[0] (s390 order). */
struct apm_mask {
	uint64_t w[4];
};

bool apm_mask_test(const struct apm_mask *m, unsigned int bit);
/*
 * A mask's bits are IDs 0..255 in the kernel's order (bit 0 is the leftmost
 * of the 64 hex digits); these are the only way a client needs to touch
 * them.  Set and clear ignore an ID above 255; next returns the first set
 * ID >= from, or 256 when there is none:
 *	for (id = apm_mask_next(m, 0); id < 256; id = apm_mask_next(m, id + 1))
 * Since: 2
 */
void apm_mask_zero(struct apm_mask *m);
void apm_mask_set(struct apm_mask *m, unsigned int bit);
void apm_mask_clear(struct apm_mask *m, unsigned int bit);
unsigned int apm_mask_weight(const struct apm_mask *m);
unsigned int apm_mask_next(const struct apm_mask *m, unsigned int from);
/*
 * An APQN as the kernel names its queues, "05.0047" (adapter.domain in hex),
 * or with 1 to 4 hex digits a side ("5.47"); nothing else (no blank, sign
 * or "0x").  Returns 0 with *adapter and *domain, or -EINVAL (also for an
 * ID above 0xff).  Since: 2
 */
int apm_parse_apqn(const char *s, unsigned int *adapter, unsigned int *domain);
/* buf gets "0x" + 64 hex digits + NUL: at least 67 bytes. */
void apm_mask_format(const struct apm_mask *m, char *buf);
/*
 * Parse SPEC exactly as the kernel's apmask/aqmask store does (absolute hex
 * or a +/- list applied to *cur).  Returns 0 or -EINVAL.  Since: 1
 */
int apm_mask_parse(const char *spec, const struct apm_mask *cur, struct apm_mask *out);
/*
 * "0-3,8,0x10-0x1f" style list of the set bits (hex), into buf: 0, or
 * -ENOSPC with the entries that fit and ",..." (or "...") in buf.
 */
int apm_mask_format_ranges(const struct apm_mask *m, char *buf, size_t size);
/*
 * A mask SPEC as an operator writes it, in one of three forms:
 *  - the kernel's: absolute "0x" + hex digits (bit 0 leftmost), or relative
 *    "+N,-N,+A-B" applied to *cur; a relative term with a leading 0
 *    ("+010", octal to the kernel) is ambiguous;
 *  - chzdev's: a list of the IDs the host keeps, "0-3,8-255" (decimal or 0x
 *    hex), an absolute mask;
 *  - a bare number ("5") is ambiguous: the kernel reads it as the absolute
 *    hex mask 0x5..., chzdev as the ID 5.  With APM_MASK_SPEC_ABSOLUTE it is
 *    the kernel's absolute form (so is every SPEC then, as the kernel reads it).
 * APM_MASK_SPEC_AQMASK says the IDs are domains (for err's sentence).
 * Returns 0 and the mask it gives in *out; -EINVAL when the kernel would
 * refuse it (malformed in the kernel's form), -EDOM when its IDs are not
 * valid in chzdev's form, -ENOTUNIQ when it is ambiguous, each with a
 * sentence in err (may be NULL) that names the text and, for ambiguity,
 * both readings.
 * "" gives *cur (an empty write changes nothing).  Since: 2
 */
#define APM_MASK_SPEC_ABSOLUTE (1u << 0)
#define APM_MASK_SPEC_AQMASK   (1u << 1)
int apm_mask_parse_spec(const char *spec, unsigned int flags, const struct apm_mask *cur,
			struct apm_mask *out, char *err, size_t errsize);

/* ------------------------------------------------------------------ ctx */

typedef void (*apm_log_fn)(void *data, int priority, const char *file, int line, const char *fn,
			   const char *format, va_list args);

enum apm_host_kind {
	APM_HOST_SYSFS = 0,
	APM_HOST_SIM,
};

/*
 * A context on the real filesystem: root is the sysfs mount ("/sys" when
 * NULL).  Fails with -ENOENT when root does not exist.  Events come from a
 * libudev monitor on the "kernel" netlink source.  Since: 1
 */
int apm_ctx_new_sysfs(const char *root, struct apm_ctx **ctx);
/*
 * A context on the simulated host.  With file == NULL the built-in default
 * scenario lives in memory; otherwise the state lives in file, which is
 * created from the built-in scenario when missing.  A malformed file fails
 * with -EINVAL and a log message naming file:line.  Since: 1
 */
int apm_ctx_new_sim(const char *file, struct apm_ctx **ctx);
struct apm_ctx *apm_ctx_ref(struct apm_ctx *ctx);
struct apm_ctx *apm_ctx_unref(struct apm_ctx *ctx);
void apm_ctx_set_log_fn(struct apm_ctx *ctx, apm_log_fn fn, void *data);
void apm_ctx_set_log_priority(struct apm_ctx *ctx, int priority);
int apm_ctx_get_log_priority(const struct apm_ctx *ctx);
enum apm_host_kind apm_ctx_get_kind(const struct apm_ctx *ctx);
/* The sysfs root, the simulation file, or "(built-in)". */
const char *apm_ctx_get_source(const struct apm_ctx *ctx);
/* Where /proc is looked for (in-use detection); default "/proc". */
int apm_ctx_set_proc_root(struct apm_ctx *ctx, const char *dir);
/* Refuse every write with -EROFS. */
void apm_ctx_set_read_only(struct apm_ctx *ctx, bool ro);
bool apm_ctx_is_read_only(const struct apm_ctx *ctx);
/*
 * The AP configuration lock every change on a real host holds, the one
 * chzdev and ap-check take (default /run/lock/s390apconfig.lock): its path,
 * how long to wait for it before a change fails with -ETIMEDOUT (default
 * 90 s, as s390-tools' libap), and whether it is taken in the parent
 * process's name, as ap-check does when mdevctl runs it as a callout.
 */
int apm_ctx_set_lock_path(struct apm_ctx *ctx, const char *path);
void apm_ctx_set_lock_wait(struct apm_ctx *ctx, unsigned int ms);
void apm_ctx_set_lock_parent(struct apm_ctx *ctx, bool parent);

/*
 * Audit.  Every change that is applied (apm_change_apply(),
 * apm_persist_apply(), apm_undo_apply()) and writes or is refused by the
 * kernel is recorded once, while the AP configuration lock is held: who
 * applied it, what it did, and what it touched before and after.  The
 * record goes to syslog, facility LOG_AUTHPRIV (the authorization log, as
 * sudo's), ident "apmatrix", one line: "WHO host=HOST: TEXT"; and to the
 * caller's audit function, if one is set.  Since: 2
 */
struct apm_audit {
	int priority;	  /* LOG_NOTICE: done; LOG_WARNING: refused, partly applied, a mismatch */
	const char *who;  /* "uid=0(root) login=alice tty=pts/1 ssh=192.0.2.7 pid=4242" */
	const char *host; /* the sysfs root or the simulated host's state file */
	/* "assign domain 0x47 to mdev …: done; before: …; after: …" (escaped, one line) */
	const char *text;
	bool syslogged; /* it reached the syslog socket */
};
/* Called once per record, after syslog; the record is borrowed for the call.  Since: 2 */
typedef void (*apm_audit_fn)(void *data, const struct apm_audit *rec);
void apm_ctx_set_audit_fn(struct apm_ctx *ctx, apm_audit_fn fn, void *data);
/*
 * The syslog socket the records are sent to, in the form syslog(3) sends
 * them: default /dev/log for a sysfs host, none for a simulated host (its
 * changes are played, not made; a test points this at a socket of its own).
 * NULL: none.  0 or -ENOMEM.  Since: 2
 */
int apm_ctx_set_syslog_path(struct apm_ctx *ctx, const char *path);
/*
 * The journal `apmatrix undo` reads: every change that left the host
 * different, newest last.  Default /run/apmatrix/journal for a sysfs host
 * (lost at reboot, as the changes it records are), FILE.journal for a
 * simulated host kept in FILE, none for the built-in simulated host.  NULL:
 * none.  0 or -ENOMEM.  Since: 2
 */
int apm_ctx_set_journal_path(struct apm_ctx *ctx, const char *path);
/* The journal's path, or NULL.  Since: 2 */
const char *apm_ctx_get_journal_path(const struct apm_ctx *ctx);
/* 1 if path may be written (a write bit and access W_OK, or the sim), and not read-only; else 0. */
int apm_ctx_can_write(struct apm_ctx *ctx, const char *path);

/* -------------------------------------------------------------- events */

/* An fd to poll for POLLIN; then call apm_ctx_read_event() until -EAGAIN. */
int apm_ctx_get_event_fd(struct apm_ctx *ctx);
/* 0 and a new reference in *ev, or -EAGAIN when nothing is pending. */
int apm_ctx_read_event(struct apm_ctx *ctx, struct apm_event **ev);
struct apm_event *apm_event_unref(struct apm_event *ev);
const char *apm_event_get_action(const struct apm_event *ev);
const char *apm_event_get_devpath(const struct apm_event *ev);
const char *apm_event_get_subsystem(const struct apm_event *ev);
/* The value of property key ("APMASK", "DRIVER", ...), or NULL. */
const char *apm_event_get_property(const struct apm_event *ev, const char *key);
/* All properties as "K=V" strings, one after the other. */
const char *apm_event_get_property_at(const struct apm_event *ev, unsigned int i);

/* ---------------------------------------------------------------- host */

#define APM_LOAD_DETAIL (1u << 0) /* also read every queue's attributes */

/*
 * Read a snapshot of the host.  Cheap: the bus files, the driver
 * directories (the binding of every queue at once), card and mdev files;
 * per-queue attributes only with APM_LOAD_DETAIL or apm_host_get_queue_detail().
 * -ENOENT when root has no AP bus; -EBADMSG when the host cannot be read
 * at all (a simulated host's state file that does not parse: its error was
 * logged once, with the file and line).  Since: 1
 */
int apm_host_load(struct apm_ctx *ctx, unsigned int flags, struct apm_host **host);
struct apm_host *apm_host_ref(struct apm_host *host);
struct apm_host *apm_host_unref(struct apm_host *host);
/* The context the host was loaded from (borrowed). */
struct apm_ctx *apm_host_get_ctx(const struct apm_host *host);

enum apm_host_kind apm_host_get_kind(const struct apm_host *host);
unsigned int apm_host_get_max_adapter_id(const struct apm_host *host);
unsigned int apm_host_get_max_domain_id(const struct apm_host *host);
/* "4.20", "6.0", "6.10", "6.13" or "6.19" (the generation, see doc/profiles; 6.15 reads as 6.13). */
const char *apm_host_get_profile(const struct apm_host *host);
/* Space-separated bus features in kernel order; NULL when the file is missing. */
const char *apm_host_get_bus_features(const struct apm_host *host);
/* matrix `features`, NULL when missing. */
const char *apm_host_get_matrix_features(const struct apm_host *host);
bool apm_host_vfio_ap_loaded(const struct apm_host *host);
/* 0 and *domain (-1: none selected), or -ENOENT. */
int apm_host_get_ap_domain(const struct apm_host *host, int *domain);
/* 1 complete, 0 not, -ENOENT when `bindings` is missing (apm_host_is_bindings_complete). */
int apm_host_bindings_complete(const struct apm_host *host);
/*
 * Whether the AP bus has bound every queue it found (`bindings` reads
 * "complete").  false when it cannot be told; *err (may be NULL) then gets
 * -ENOENT (no `bindings`: kernels before 5.18), else 0.  Since: 2
 */
bool apm_host_is_bindings_complete(const struct apm_host *host, int *err);
void apm_host_get_apmask(const struct apm_host *host, struct apm_mask *m);
void apm_host_get_aqmask(const struct apm_host *host, struct apm_mask *m);

/*
 * The LPAR's adapters, usage domains or control domains (APM_KIND_ADAPTER,
 * _DOMAIN, _CONTROL_DOMAIN): 0, -EOPNOTSUPP when the file reads "not
 * supported" (no QCI), -ENOENT, -EINVAL for another kind.
 */
int apm_host_get_lpar_mask(const struct apm_host *host, enum apm_kind which, struct apm_mask *m);
/* Loader warnings (truncated attributes, unreadable files), one per line or "". */
const char *apm_host_get_warnings(const struct apm_host *host);

/*
 * What the kernel lets pass but an operator must know about the host as it
 * is (the console, `show` and `show --json` say the same).
 */
enum apm_warning_code {
	APM_WARNING_CONTROL_HOST_USAGE = 0,   /* a control domain is a usage domain of the host */
	APM_WARNING_CONTROL_MDEV_USAGE,	      /* ... is a usage domain of another mdev */
	APM_WARNING_CONTROL_ONLY,	      /* control domains without a usage domain */
	APM_WARNING_GUEST_ADAPTER_OFF,	      /* a running guest's adapter is configured off */
	APM_WARNING_GUEST_ADAPTER_CHKSTOP,    /* ... is checkstopped */
	APM_WARNING_GUEST_QUEUE_DECONFIGURED, /* a running guest's queue is deconfigured */
	APM_WARNING_GUEST_QUEUE_CHKSTOP,      /* ... is checkstopped */
	APM_WARNING_COUNT,
};
/* "control-host-usage", "guest-queue-deconfigured", ...; "unknown" out of range.  Since: 2 */
const char *apm_warning_name(enum apm_warning_code code);
/* An APQN: adapter (APID) and domain (APQI). */
struct apm_apqn {
	unsigned int adapter, domain;
};
struct apm_warning {
	enum apm_warning_code code;
	const char *uuid;	      /* the mdev */
	const char *other;	      /* the other mdev's UUID, or NULL */
	int domain;		      /* the control domain concerned, -1 when none */
	unsigned int napqns;	      /* the APQNs concerned (may be 0), ascending */
	const struct apm_apqn *apqns; /* napqns of them */
	/* "mdev K: ...": one sentence naming every APQN; it may hold a guest's name: escape it */
	const char *text;
};
/*
 * fn for every warning, mdev by mdev in the host's order; the warning and
 * what it points to are valid during the call only.  The queues' own state
 * is read on demand (as apm_host_get_queue_detail), so the host is not
 * const.  Returns 0, fn's non-zero return, or -ENOMEM.  Since: 2
 */
int apm_host_foreach_warning(struct apm_host *host,
			     int (*fn)(const struct apm_warning *w, void *data), void *data);
/*
 * How many warnings apm_host_foreach_warning gives, or -ENOMEM: a console
 * that shows a few and counts the rest stops its walk early.  Since: 2
 */
int apm_host_get_warning_count(struct apm_host *host);

/*
 * ABI 1's adapter and queue answers, by value (deprecated: their layout is
 * frozen; struct apm_adapter and struct apm_queue below replace them, and
 * these functions are written on top of those).  Since: 1
 */
struct apm_adapter_info {
	unsigned int id;
	bool in_lpar;	  /* in ap_adapter_mask (or a card device exists) */
	bool has_card;	  /* a cardXX device exists */
	int hwtype;	  /* -1 when unknown */
	int raw_hwtype;	  /* -1 when the attribute is missing */
	char type[16];	  /* zcrypt `type`, "" when unknown */
	const char *mode; /* "cca", "ep11", "accel" or NULL */
	int config;	  /* 1/0, -1 when the attribute is missing */
	int chkstop;
	int online; /* zcrypt online, -1 when not bound to cex4card */
	uint32_t functions;
	char driver[32]; /* card driver, "" when unbound */
};
/* 0, or -ENOENT when the adapter has no card and is not in the LPAR. */
int apm_host_get_adapter(const struct apm_host *host, unsigned int id,
			 struct apm_adapter_info *info) APM_DEPRECATED("apm_host_lookup_adapter");

enum apm_cell {
	APM_CELL_HOST = 0, /* owned by the default (zcrypt) drivers */
	APM_CELL_FREE,	   /* vfio_ap, bound, in no mdev */
	APM_CELL_UNBOUND,  /* vfio_ap by the masks, but no driver bound */
	APM_CELL_ASSIGNED, /* in an mdev's guest_matrix, no guest running */
	APM_CELL_PLUGGED,  /* in the guest_matrix of an mdev in use */
	APM_CELL_FILTERED, /* in an mdev, filtered out of its guest_matrix */
	APM_CELL_ABSENT,   /* in an mdev, no queue device (over-provisioned) */
	APM_CELL_CONFLICT, /* in an mdev, but owned by the host */
	APM_CELL_COUNT,
};
const char *apm_cell_name(enum apm_cell cell);

/* Why an APQN of an mdev is not in its guest_matrix. */
enum apm_filter {
	APM_FILTER_NONE = 0,
	APM_FILTER_ADAPTER_NOT_IN_LPAR,
	APM_FILTER_DOMAIN_NOT_IN_LPAR,
	APM_FILTER_NO_QUEUE_DEVICE,
	APM_FILTER_QUEUE_NOT_BOUND,
	APM_FILTER_RESET_FAILED,
	APM_FILTER_ADAPTER_DROPPED,
	APM_FILTER_STALE,
};
const char *apm_filter_name(enum apm_filter code);

struct apm_queue_info {
	unsigned int adapter, domain;
	bool exists;	    /* a queue device XX.YYYY exists */
	const char *driver; /* bound driver name or NULL */
	bool owner_host;    /* apmask bit and aqmask bit set */
	int mdev;	    /* index of the mdev whose matrix holds it, or -1 */
	bool in_guest_matrix;
	bool plugged; /* in_guest_matrix and the mdev is in use */
	enum apm_cell cell;
	enum apm_filter filter; /* when in an mdev and not in its guest_matrix */
	char reason[320];	/* the filter reason, one sentence */
};
/* ABI 1 (deprecated): what the accessors of struct apm_queue say, mdev as its index. */
int apm_host_get_queue(const struct apm_host *host, unsigned int adapter, unsigned int domain,
		       struct apm_queue_info *info) APM_DEPRECATED("apm_host_lookup_queue");
/* Calls fn for every APQN `show` lists (existing queues and mdev APQNs), sorted. */
int apm_host_foreach_queue(const struct apm_host *host,
			   int (*fn)(const struct apm_queue_info *q, void *data), void *data)
	APM_DEPRECATED("apm_host_next_queue");

struct apm_queue_detail {
	char status[16];	     /* vfio_ap `status`, "" when missing */
	int config, chkstop, online; /* -1 when missing */
	char se_bind[32], se_associate[32];
};
/* ABI 1 (deprecated): reads the queue's own attributes through the seam (on demand). */
int apm_host_get_queue_detail(struct apm_host *host, unsigned int adapter, unsigned int domain,
			      struct apm_queue_detail *d) APM_DEPRECATED("apm_queue_get_status");

/*
 * Adapters and queues as objects.  Since: 2
 *
 * A struct apm_adapter or struct apm_queue is a handle on one adapter or
 * one APQN of a snapshot: opaque, reference counted, holding a reference
 * to its host.  The driver name, the mdev and the adapter's strings are
 * the host's, valid as long as the host is; a queue's filter reason and
 * its own attributes (status, se_bind, se_associate) are the handle's,
 * valid until the handle is dropped, which for an iteration's handle is
 * its next call unless the caller took a reference.  A lookup hands out a
 * new reference; an iteration hands out one reference it owns itself:
 *
 *	struct apm_queue *q = NULL;
 *	int rc;
 *
 *	while ((rc = apm_host_next_queue(host, &q)) == 0)
 *		use(q);		(apm_queue_ref() it to keep it past the next call)
 *	if (rc < 0)
 *		fail(rc);	(q is NULL: nothing to drop)
 *
 * Each call drops the reference it gave the last time and gives the next
 * handle: 0 with *q set, 1 at the end (*q NULL), or -ENOMEM (*q NULL).  A
 * caller that stops early drops the last one with apm_queue_unref().  *q
 * must be NULL (start) or a handle of the same host, normally what the
 * previous call gave: -EINVAL else (or for a NULL argument), *q untouched.
 * The same holds for adapters (apm_host_next_adapter, apm_adapter_ref).
 */
struct apm_adapter;
struct apm_queue;

/*
 * Adapter id: 0 with a new reference in *adapter, -ENOENT when the adapter
 * has no card and is not in the LPAR's configuration (ap_adapter_mask),
 * -EINVAL for an id above 255 or a NULL argument, -ENOMEM.  Since: 2
 */
int apm_host_lookup_adapter(struct apm_host *host, unsigned int id, struct apm_adapter **adapter);
/* Whether lookup finds adapter id (false for an id above 255).  Since: 2 */
bool apm_host_has_adapter(const struct apm_host *host, unsigned int id);
/* The adapters that lookup finds, ascending (the iteration above).  Since: 2 */
int apm_host_next_adapter(struct apm_host *host, struct apm_adapter **adapter);
/* New reference / drop one (NULL-safe; NULL once freed).  Since: 2 */
struct apm_adapter *apm_adapter_ref(struct apm_adapter *adapter);
struct apm_adapter *apm_adapter_unref(struct apm_adapter *adapter);
/* The snapshot the adapter belongs to (borrowed).  Since: 2 */
struct apm_host *apm_adapter_get_host(const struct apm_adapter *adapter);
/* Its ID (APID).  Since: 2 */
unsigned int apm_adapter_get_id(const struct apm_adapter *adapter);
/* Whether a cardXX device exists (false: in the LPAR, but no card).  Since: 2 */
bool apm_adapter_has_card(const struct apm_adapter *adapter);
/*
 * The card's `hwtype` as the loader reads it (the generation, 10 = CEX4
 * and up), and the attribute's raw value; -1 when there is no card or the
 * attribute is missing or unreadable.  Since: 2
 */
int apm_adapter_get_hwtype(const struct apm_adapter *adapter);
int apm_adapter_get_raw_hwtype(const struct apm_adapter *adapter);
/* zcrypt's `type` ("CEX8C"), "" when unknown.  Since: 2 */
const char *apm_adapter_get_type(const struct apm_adapter *adapter);
/* "cca", "ep11", "accel", or NULL when unknown.  Since: 2 */
const char *apm_adapter_get_mode(const struct apm_adapter *adapter);
/*
 * The card's `config`, `chkstop` and zcrypt `online`.  false when it
 * cannot be told; *err (may be NULL) then gets -ENOENT (no card, the
 * attribute is missing or reads neither 0 nor 1; `online`: the card is not
 * bound to cex4card), else 0.  Since: 2
 */
bool apm_adapter_is_configured(const struct apm_adapter *adapter, int *err);
bool apm_adapter_is_checkstopped(const struct apm_adapter *adapter, int *err);
bool apm_adapter_is_online(const struct apm_adapter *adapter, int *err);
/* The card's `ap_functions` bits (0 when unknown).  Since: 2 */
uint32_t apm_adapter_get_functions(const struct apm_adapter *adapter);
/* The card's driver ("cex4card"), or NULL when it is bound to none.  Since: 2 */
const char *apm_adapter_get_driver(const struct apm_adapter *adapter);

/*
 * APQN adapter.domain, whether a queue device exists or not (an mdev may
 * hold an APQN the bus has no queue for): 0 with a new reference in
 * *queue, -EINVAL for an ID above 255 or a NULL argument, -ENOMEM.
 * Since: 2
 */
int apm_host_lookup_queue(struct apm_host *host, unsigned int adapter, unsigned int domain,
			  struct apm_queue **queue);
/*
 * Every APQN `show` lists (the queue devices and the APQNs of the mdevs),
 * in APQN order: the iteration above.  Since: 2
 */
int apm_host_next_queue(struct apm_host *host, struct apm_queue **queue);
/* New reference / drop one (NULL-safe; NULL once freed).  Since: 2 */
struct apm_queue *apm_queue_ref(struct apm_queue *queue);
struct apm_queue *apm_queue_unref(struct apm_queue *queue);
/* The snapshot the queue belongs to (borrowed).  Since: 2 */
struct apm_host *apm_queue_get_host(const struct apm_queue *queue);
/* Its APQN.  Since: 2 */
unsigned int apm_queue_get_adapter(const struct apm_queue *queue);
unsigned int apm_queue_get_domain(const struct apm_queue *queue);
/* Whether the AP bus has a queue device XX.YYYY.  Since: 2 */
bool apm_queue_exists(const struct apm_queue *queue);
/* The driver the queue device is bound to, NULL when none (or no device).  Since: 2 */
const char *apm_queue_get_driver(const struct apm_queue *queue);
/* Whether the host's masks give it to the zcrypt drivers (apmask and aqmask bits set).  Since: 2 */
bool apm_queue_is_host_owned(const struct apm_queue *queue);
/* The mdev whose matrix holds it (borrowed from the host), or NULL.  Since: 2 */
struct apm_mdev *apm_queue_get_mdev(const struct apm_queue *queue);
/* In that mdev's guest_matrix; and that, with the mdev in use by a guest.  Since: 2 */
bool apm_queue_is_in_guest_matrix(const struct apm_queue *queue);
bool apm_queue_is_plugged(const struct apm_queue *queue);
/* What the grid shows for it.  Since: 2 */
enum apm_cell apm_queue_get_cell(const struct apm_queue *queue);
/*
 * Why it is in an mdev and not in its guest_matrix (APM_FILTER_NONE
 * otherwise), and that reason in one sentence ("" with APM_FILTER_NONE).
 * Since: 2
 */
enum apm_filter apm_queue_get_filter(const struct apm_queue *queue);
const char *apm_queue_get_reason(const struct apm_queue *queue);
/*
 * The queue device's own attributes, read through the seam on the first
 * call of any of these for the handle (or taken from the snapshot when it
 * was loaded with APM_LOAD_DETAIL, or read before), kept with the handle:
 * vfio_ap's `status`, `se_bind` and `se_associate` ("" when missing or no
 * queue device).  Since: 2
 */
const char *apm_queue_get_status(struct apm_queue *queue);
const char *apm_queue_get_se_bind(struct apm_queue *queue);
const char *apm_queue_get_se_associate(struct apm_queue *queue);
/*
 * Its `config`, `chkstop` and zcrypt `online`, read as above.  false when
 * it cannot be told; *err (may be NULL) then gets -ENOENT (no queue device,
 * the attribute is missing or reads neither 0 nor 1), else 0.  Since: 2
 */
bool apm_queue_is_configured(struct apm_queue *queue, int *err);
bool apm_queue_is_checkstopped(struct apm_queue *queue, int *err);
bool apm_queue_is_online(struct apm_queue *queue, int *err);

/*
 * What zcrypt tells about a CCA or EP11 queue bound to cex4queue: its
 * master-key verification patterns (the queue's `mkvps`, zcrypt_cex4.c:
 * cca_mkvps_show for AES, APKA and ASYM, ep11_mkvps_show for the wrapping
 * key WK).  fn is called per register in the kernel's order with its label
 * ("AES CUR", "WK NEW"), its state as the kernel names it ("valid",
 * "empty", ... or "-") and its pattern ("0x" and hex digits, or "-"); the
 * strings are borrowed for the call.  Read through the seam on demand.
 * Returns 0, the first non-zero value fn returned, -ENOENT when the queue
 * has no `mkvps` (an accelerator, not bound to zcrypt, no such queue), or
 * the read's -errno.  Since: 2
 */
int apm_host_foreach_queue_mkvp(struct apm_host *host, unsigned int adapter, unsigned int domain,
				int (*fn)(const char *reg, const char *state, const char *pattern,
					  void *data),
				void *data);

/* zcrypt's facts about a card or a queue (zcrypt_cex4.c).  Since: 2 */
enum apm_zcrypt_info {
	APM_ZC_SERIALNR = 0,  /* cards: CCA (8 characters) and EP11 (16) */
	APM_ZC_API_ORDINALNR, /* EP11 cards */
	APM_ZC_FW_VERSION,    /* EP11 cards: "MAJOR.MINOR" */
	APM_ZC_OP_MODES,      /* EP11 cards and queues: mode names, blank-separated */
};
/*
 * One of them for card adapter (domain < 0) or queue adapter.domain, as
 * the attribute reads without its newline, into buf (size bytes; "" when
 * the card does not answer).  Returns 0, -ENOENT when the device has no
 * such attribute (another card kind, not bound to zcrypt), -EINVAL for a
 * bad what or ID, or the read's -errno.  Since: 2
 */
int apm_host_get_zcrypt_info(struct apm_host *host, unsigned int adapter, int domain,
			     enum apm_zcrypt_info what, char *buf, size_t size);

unsigned int apm_host_get_mdev_count(const struct apm_host *host);
/* Borrowed; sorted by uuid. */
struct apm_mdev *apm_host_get_mdev(const struct apm_host *host, unsigned int i);
/* By full uuid or an unambiguous prefix (>= 4 chars); NULL when none/ambiguous. */
struct apm_mdev *apm_host_find_mdev(const struct apm_host *host, const char *uuid);
int apm_host_mdev_index(const struct apm_host *host, const struct apm_mdev *mdev);

const char *apm_mdev_get_uuid(const struct apm_mdev *mdev);
/* Guest name, or NULL when unknown or not running. */
const char *apm_mdev_get_guest(const struct apm_mdev *mdev);
/*
 * Whether the process holding the mdev runs a Secure Execution (protected
 * virtualization) guest: its QEMU command line has an s390-pv-guest object
 * or a confidential-guest-support machine property (on s390 only
 * s390-pv-guest provides one; QEMU docs/system/s390x/protvirt.rst); the
 * simulated host's [mdev] guest_secure.  Such a guest cannot be
 * live-migrated.  Since: 2
 */
bool apm_mdev_guest_is_secure(const struct apm_mdev *mdev);
/* 1 in use, 0 not, -1 unknown (no permission to look): apm_mdev_is_in_use. */
int apm_mdev_in_use(const struct apm_mdev *mdev);
/*
 * Whether a guest uses the mdev (its vfio group is held, or a queue's
 * `status` says "in use").  false when it cannot be told; *err (may be
 * NULL) then gets the look's -errno (-EACCES: no permission to see who
 * holds the group), else 0.  Since: 2
 */
bool apm_mdev_is_in_use(const struct apm_mdev *mdev, int *err);
/* The mdev's set of any kind (assigned, or its guest's); empty for a kind out of range. */
void apm_mdev_get_mask(const struct apm_mdev *mdev, enum apm_kind which, struct apm_mask *m);
/* false when the kernel has no guest_matrix (static generation). */
bool apm_mdev_has_guest_matrix(const struct apm_mdev *mdev);

/*
 * An mdev's label: the short name every client shows for it (the grid's
 * cells, `show`, `show --json`, the console), the same in all of them.  It
 * depends on the UUID only: a capital letter, or where two mdevs' letters
 * meet, the letter and digits ("K4"); never one of the grid's glyphs or
 * column markers (B C D F H U, nor I O X).  At most APM_MDEV_LABEL_MAX
 * characters; owned by the host.  Since: 2
 */
#define APM_MDEV_LABEL_MAX 6
const char *apm_mdev_get_label(const struct apm_mdev *mdev);
/* The longest label of the host's mdevs in characters (1 when there are none).  Since: 2 */
unsigned int apm_host_get_label_width(const struct apm_host *host);
/*
 * The mdev an operator means by name: its whole UUID; else its label, its
 * guest's name or a prefix of its UUID of at least 4 characters, whichever
 * matches.  0 and *mdev (borrowed); -ENOENT when nothing matches; -ENOTUNIQ
 * when several mdevs do (a shared prefix, two guests of that name, a label
 * that is another mdev's guest name).  Since: 2
 */
int apm_host_lookup_mdev(const struct apm_host *host, const char *name, struct apm_mdev **mdev);

/* -------------------------------------------------------- live updates */

struct apm_delta;

/*
 * What differs between two snapshots of the same host, before and after:
 * the APQNs whose struct apm_queue answer differs (any accessor, the
 * filter reason too), the adapters whose struct apm_adapter answer
 * differs, the mdevs added, removed or changed (masks, guest, in use,
 * IOMMU group), and flags for the rest.  The delta holds a reference to
 * both snapshots.  Returns 0 with a new reference in *delta, -EINVAL when
 * one is NULL, -ENOMEM.  Since: 2
 */
int apm_delta_new(struct apm_host *before, struct apm_host *after, struct apm_delta **delta);
/* New reference / drop one (NULL-safe; NULL once freed).  Since: 2 */
struct apm_delta *apm_delta_ref(struct apm_delta *delta);
struct apm_delta *apm_delta_unref(struct apm_delta *delta);
/* The snapshots compared (borrowed from the delta).  Since: 2 */
struct apm_host *apm_delta_get_before(const struct apm_delta *delta);
struct apm_host *apm_delta_get_after(const struct apm_delta *delta);

#define APM_DELTA_APMASK   (1u << 0) /* apmask differs (or its readability) */
#define APM_DELTA_AQMASK   (1u << 1)
#define APM_DELTA_LPAR	   (1u << 2) /* one of the LPAR's masks (apm_host_get_lpar_mask) */
#define APM_DELTA_BUS	   (1u << 3) /* ap_domain, bindings, profile, features, vfio_ap, warnings */
#define APM_DELTA_RELOADED (1u << 4) /* after is a full load: events were lost (apm_watch) */
/* The flags above that apply.  Since: 2 */
unsigned int apm_delta_get_flags(const struct apm_delta *delta);
/* True when nothing a client shows differs (APM_DELTA_RELOADED alone is empty).  Since: 2 */
bool apm_delta_is_empty(const struct apm_delta *delta);
/* How many uevents (and other events of the host) it covers; 0 for apm_delta_new().  Since: 2 */
unsigned int apm_delta_get_event_count(const struct apm_delta *delta);
/* The APQNs that differ: their number, one by one, and all in APQN order (fn's non-zero stops).  Since: 2 */
unsigned int apm_delta_get_queue_count(const struct apm_delta *delta);
bool apm_delta_has_queue(const struct apm_delta *delta, unsigned int adapter, unsigned int domain);
int apm_delta_foreach_queue(const struct apm_delta *delta,
			    int (*fn)(unsigned int adapter, unsigned int domain, void *data),
			    void *data);
/* The adapters whose information differs, as a mask.  Since: 2 */
void apm_delta_get_adapters(const struct apm_delta *delta, struct apm_mask *m);
/* Of adapter's row, the domains whose APQN differs (apm_delta_has_queue) as a mask.  Since: 2 */
void apm_delta_get_domains(const struct apm_delta *delta, unsigned int adapter, struct apm_mask *m);
/*
 * Of adapter's row, the domains whose attributes read on demand
 * (apm_queue_is_configured, _is_checkstopped, _is_online,
 * apm_queue_get_status, the SE state) may answer otherwise in after than
 * they did in before: what a client derived from them and keeps per APQN
 * (a grid's marks) is to be asked again there, and only there.  Since: 2
 */
void apm_delta_get_stale_domains(const struct apm_delta *delta, unsigned int adapter,
				 struct apm_mask *m);

enum apm_delta_mdev {
	APM_DELTA_MDEV_ADDED = 0,
	APM_DELTA_MDEV_REMOVED,
	APM_DELTA_MDEV_CHANGED,
};
/* The mdevs that differ, sorted by uuid: 0 with *uuid (borrowed) and *how, or -ENOENT.  Since: 2 */
unsigned int apm_delta_get_mdev_count(const struct apm_delta *delta);
int apm_delta_get_mdev(const struct apm_delta *delta, unsigned int i, const char **uuid,
		       enum apm_delta_mdev *how);

struct apm_watch;

/*
 * A snapshot kept current from the host's events (the console's and
 * `apmatrix watch`'s engine).  Each event updates only what it names (a
 * queue's binding, a card's or an mdev's files, the masks); a poll at an
 * interval (default 1 s) reads what no event tells (a bus scan's effects
 * on checkstops and the guests' matrices).  Events are handed out in
 * batches: the first after a quiet time at once, then at most one per
 * batch interval (default 50 ms) while they keep coming.  When events
 * were lost (the kernel's socket overflowed) the next batch is one full
 * load, flagged APM_DELTA_RELOADED.  Snapshots stay immutable: each batch
 * is a new one that shares what did not change with the one before.
 *
 * The loop of a client:
 *	poll({apm_watch_get_fd(w), ...}, apm_watch_get_timeout(w));
 *	if (apm_watch_process(w, &host, &delta) == 1) { draw host, mark delta; unref both }
 *
 * apm_watch_new starts from host (loaded from its context, which must
 * stay the watch's only reader of events) and holds a reference to it.
 * Returns 0 with a new reference in *w, -EINVAL, -ENOMEM, or the error of
 * opening the context's event source.  Since: 2
 */
int apm_watch_new(struct apm_host *host, struct apm_watch **w);
/* New reference / drop one (NULL-safe; NULL once freed).  Since: 2 */
struct apm_watch *apm_watch_ref(struct apm_watch *w);
struct apm_watch *apm_watch_unref(struct apm_watch *w);
/* The fd to poll for POLLIN (the context's event fd).  Since: 2 */
int apm_watch_get_fd(const struct apm_watch *w);
/* The poll interval (0: none) and the batch interval, in ms.  Since: 2 */
void apm_watch_set_intervals(struct apm_watch *w, unsigned int poll_ms, unsigned int batch_ms);
/*
 * How long the caller may wait for the fd before calling
 * apm_watch_process() anyway (a batch or a poll is due): ms, 0 now, -1
 * no limit.  Since: 2
 */
int apm_watch_get_timeout(const struct apm_watch *w);
/*
 * Reads what is pending (for a few ms at most, so the caller's input is
 * served between calls), polls when due, and hands out a batch when one
 * is due: 1 with a new snapshot in *host and what differs from the one
 * before in *delta (new references, the caller drops both), 0 when there
 * is nothing new yet (both NULL), or -errno (-ENOMEM; the next call starts
 * with a full load).  Since: 2
 */
int apm_watch_process(struct apm_watch *w, struct apm_host **host, struct apm_delta **delta);
/* Called with every event apm_watch_process() applies, as it does (a console's log).  Since: 2 */
typedef void (*apm_watch_event_fn)(void *data, const struct apm_event *ev);
void apm_watch_set_event_fn(struct apm_watch *w, apm_watch_event_fn fn, void *data);
/* The last snapshot handed out (borrowed; the first is the one given to apm_watch_new).  Since: 2 */
struct apm_host *apm_watch_get_host(const struct apm_watch *w);
/*
 * The next batch is a full load, due now (after the caller changed the
 * host and wants to see all of it at once).  0 or -ENOMEM.  Since: 2
 */
int apm_watch_reload(struct apm_watch *w);

struct apm_watch_stats {
	uint64_t events;  /* events in the batches handed out */
	uint64_t batches; /* snapshots made (some changed nothing shown: not handed out) */
	uint64_t reloads; /* of them, full loads */
	uint64_t lost;	  /* times the event source said events were lost */
	uint64_t polls;	  /* poll ticks */
};
/* Counters since apm_watch_new.  Since: 2 */
void apm_watch_get_stats(const struct apm_watch *w, struct apm_watch_stats *st);

/* ------------------------------------------------------------- changes */

/*
 * A change is planned against a snapshot, predicted with the kernel's rules,
 * then applied: its writes go through the seam, the kernel's real errno is
 * recorded next to the prediction, the host is re-read and verified.
 */

/*
 * Write SPEC to apmask or aqmask, read as apm_mask_parse_spec() reads it
 * with flags (APM_MASK_SPEC_ABSOLUTE; the mask's own flag is implied):
 * chzdev's form is written as the absolute mask it means; an ambiguous or
 * malformed SPEC is refused before anything is written (-EINVAL, with the
 * sentence in the explanation).  Since: 2
 */
int apm_change_new_mask_spec(struct apm_host *host, bool aqmask, const char *spec,
			     unsigned int flags, struct apm_change **change);
/*
 * SPEC as the kernel reads it (apm_change_new_mask_spec() with
 * APM_MASK_SPEC_ABSOLUTE): ABI 1's reading, kept for its callers.  Since: 1
 */
int apm_change_new_mask(struct apm_host *host, bool aqmask, const char *spec,
			struct apm_change **change);
/*
 * Assign (unassign) ids of kind res (APM_KIND_ADAPTER, _DOMAIN or
 * _CONTROL_DOMAIN; another kind is -EINVAL) to mdev uuid.  Since: 1
 */
int apm_change_new_assign(struct apm_host *host, const char *uuid, enum apm_kind res, bool unassign,
			  const unsigned int *ids, size_t n, struct apm_change **change);
/* Adapters and domains at once (a selection's rows and columns).  Since: 1 */
int apm_change_new_assign_matrix(struct apm_host *host, const char *uuid, bool unassign,
				 const unsigned int *adapters, size_t na,
				 const unsigned int *domains, size_t nd,
				 struct apm_change **change);
/* uuid NULL: generate one. */
int apm_change_new_mdev_create(struct apm_host *host, const char *uuid, struct apm_change **change);
int apm_change_new_mdev_remove(struct apm_host *host, const char *uuid, struct apm_change **change);
int apm_change_new_config(struct apm_host *host, unsigned int adapter, bool on,
			  struct apm_change **change);
int apm_change_new_rescan(struct apm_host *host, struct apm_change **change);
/* zcrypt online/offline of a card (domain < 0) or a queue.  Since: 1 */
int apm_change_new_online(struct apm_host *host, unsigned int adapter, int domain, bool on,
			  struct apm_change **change);

/*
 * The simulated host's hypervisor controls (guests, the SE/HMC side, the
 * LPAR's configuration) and raw attribute access are not part of this
 * stable interface: they are in libapmatrix-sim.h, for apmatrix's own
 * tools and tests.
 */

/* What a change does, for apm_strerror().  Since: 2 */
enum apm_op {
	APM_OP_MASK = 0,
	APM_OP_ASSIGN,
	APM_OP_MDEV_CREATE,
	APM_OP_MDEV_REMOVE,
	APM_OP_CONFIG,
	APM_OP_ONLINE,
	APM_OP_RESCAN,
	APM_OP_SIM,
};
/*
 * What the kernel's answer -err means for op, as a phrase for an operator
 * ("SCLP adapter configuration is not available under z/VM or in a KVM
 * guest"); NULL when the errno's name says it all.  Static text.  Since: 2
 */
const char *apm_strerror(enum apm_op op, int err);

struct apm_change *apm_change_ref(struct apm_change *change);
struct apm_change *apm_change_unref(struct apm_change *change);

/*
 * Apply: takes the config lock when the change has several steps, writes in
 * order and stops at the first refusal, then re-reads the host.
 * Returns 0 when every step succeeded, else the first step's -errno.
 */
int apm_change_apply(struct apm_change *change);

/* The predicted errno of the first step that the rules refuse (0: all ok). */
int apm_change_get_prediction(const struct apm_change *change);
/* After apply: true when the kernel's answer differed from the prediction. */
bool apm_change_get_mismatch(const struct apm_change *change);
/* One sentence per refused step; "" when all is well. */
const char *apm_change_get_explanation(const struct apm_change *change);
/*
 * Asides to the explanation for an operator who wants the whole story (the
 * kernel function that answered, what its documentation calls the errno,
 * fixes left out because they would take more than asked); "" when none.
 * Owned by the change.  Since: 2
 */
const char *apm_change_get_details(const struct apm_change *change);
/* Human-readable lines describing the change (parsed mask, APQNs moving...). */
const char *apm_change_get_preview(const struct apm_change *change);
/* Notes gathered while applying (guest lost resources, verification). */
const char *apm_change_get_notes(const struct apm_change *change);
/* For UUID-creating changes. */
const char *apm_change_get_uuid(const struct apm_change *change);
/* The snapshot after apply (borrowed), or NULL. */
struct apm_host *apm_change_get_result(const struct apm_change *change);
/*
 * The host as the rules predict the change leaves it (the planned steps run
 * on a simulated copy of the snapshot, up to a predicted refusal): 0 and a
 * new snapshot the caller owns, read-only, or -errno.  For what a change
 * would cause beyond its own steps (apm_config_foreach_new_finding()).
 * Since: 2
 */
int apm_change_get_predicted_host(const struct apm_change *change, struct apm_host **host);

struct apm_step_info {
	const char *what;  /* "assign domain 0x47" */
	const char *path;  /* relative to the root */
	const char *value; /* what is written */
	int predicted;	   /* 0 or -errno, 1 = no-op */
	int actual;	   /* 0 or -errno; only when applied */
	bool applied;	   /* the write was attempted */
};
unsigned int apm_change_get_step_count(const struct apm_change *change);
int apm_change_get_step(const struct apm_change *change, unsigned int i,
			struct apm_step_info *info);

/*
 * Give mdev uuid exactly the matrix sets (indexed APM_KIND_ADAPTER,
 * APM_KIND_DOMAIN, APM_KIND_CONTROL_DOMAIN): one all-or-nothing ap_config
 * write where the kernel has it (6.10+); else one write per ID, removals
 * first, in the order that leaves a running guest with a part of its
 * matrix for the fewest writes.  -ENODEV: no such mdev.  Since: 2
 */
int apm_change_new_set_matrix(struct apm_host *host, const char *uuid,
			      const struct apm_mask sets[3], struct apm_change **change);

/* ------------------------------------------------------------ migration */

/*
 * Which machine a host is.  On s390 /proc/sysinfo (under the context's
 * proc root): the machine type, sequence code, LPAR name and number; on
 * the simulated host and with apsim the hypervisor's name for the machine
 * (the control file kernel/apsim/host_name, a state file's [host] name).
 * Strings are "" and lpar_number -1 where unknown; name is the
 * hypervisor's name, else the LPAR name.  Since: 2
 */
struct apm_host_identity {
	char name[64];
	char machine_type[16];
	char sequence_code[32];
	char lpar_name[16];
	int lpar_number;
};
/* 0, or -ENOENT when the host says nothing about itself (id is cleared).  Since: 2 */
int apm_host_get_identity(struct apm_host *host, struct apm_host_identity *id);

/*
 * A restore file: the record a guided migration keeps of the AP resources
 * it takes from a running guest (apmatrix unplug) and gives it again on
 * the target (apmatrix replug).  JSON (json-c), versioned, with a CRC-32
 * of its body so that a truncated, corrupted or edited file is refused.
 * It holds the source host's identity, the mdev's UUID, its guest and
 * libvirt domain, the adapters, domains and control domains, the guest's
 * matrix, and per APQN of the matrix its card's type, mode and generation
 * and the master-key verification patterns read from the queue, and when
 * it was made.  The object is immutable once made.  Since: 2
 */
struct apm_restore;
#define APM_RESTORE_VERSION 1

/*
 * Record mdev uuid (full UUID or unambiguous prefix) of host as it is now;
 * domain is its libvirt domain (NULL: none known).  Reads each queue's
 * mkvps through the seam.  0, -ENODEV (no such mdev), -EFBIG (the
 * kernel shows the matrix in one page and it did not fit: without
 * ap_config, before 6.10, the host cannot read all of it), -ENOMEM.  Since: 2
 */
int apm_restore_new(struct apm_host *host, const char *uuid, const char *domain,
		    struct apm_restore **r);
/*
 * Write it to path: a temporary file, fsync, rename (so the file is on
 * disk whole or not at all).  -EEXIST when path exists and flags lack
 * APM_RESTORE_REPLACE (a restore file is not overwritten by accident),
 * else 0 or -errno.  Since: 2
 */
#define APM_RESTORE_REPLACE (1u << 0) /* replace the file at path */
int apm_restore_save(const struct apm_restore *r, const char *path, unsigned int flags);
/*
 * Read path, refusing what apmatrix did not write as it is: a file cut
 * short, not JSON, of another version, with a checksum that does not
 * match, or with a field missing or of the wrong type.  0, or -errno with
 * a sentence naming the file and what is wrong in err (may be NULL), safe
 * for a terminal (what it quotes of the file and path escaped as
 * apm_text_escape() does).  Since: 2
 */
int apm_restore_load(const char *path, struct apm_restore **r, char *err, size_t errsize);
struct apm_restore *apm_restore_ref(struct apm_restore *r);
struct apm_restore *apm_restore_unref(struct apm_restore *r);
/* The mdev's UUID (lower case); the guest and domain name, NULL when none (untrusted text).  Since: 2 */
const char *apm_restore_get_uuid(const struct apm_restore *r);
const char *apm_restore_get_guest(const struct apm_restore *r);
const char *apm_restore_get_domain(const struct apm_restore *r);
/* When it was made, "YYYY-MM-DDTHH:MM:SSZ".  Since: 2 */
const char *apm_restore_get_created(const struct apm_restore *r);
/* The source host (borrowed).  Since: 2 */
const struct apm_host_identity *apm_restore_get_source(const struct apm_restore *r);
/* A set of the mdev (any kind: assigned or the guest's) as recorded.  Since: 2 */
void apm_restore_get_mask(const struct apm_restore *r, enum apm_kind which, struct apm_mask *m);
/* The JSON text as written (borrowed).  Since: 2 */
const char *apm_restore_get_text(const struct apm_restore *r);

struct apm_restore_apqn {
	unsigned int adapter, domain;
	bool exists;	  /* the queue existed on the source */
	bool in_guest;	  /* in the guest's matrix */
	int hwtype;	  /* -1 when unknown */
	const char *type; /* "CEX7C", "" when unknown */
	const char *mode; /* "cca", "ep11", "accel", "" */
	unsigned int nmkvps;
};
/* The APQNs of the matrix, sorted: their number; the i-th (borrowed strings), or -ENOENT.  Since: 2 */
unsigned int apm_restore_get_apqn_count(const struct apm_restore *r);
int apm_restore_get_apqn(const struct apm_restore *r, unsigned int i, struct apm_restore_apqn *q);
/* Register k of APQN i: label ("AES CUR"), state and pattern ("0x..." or "-").  Since: 2 */
int apm_restore_get_mkvp(const struct apm_restore *r, unsigned int i, unsigned int k,
			 const char **reg, const char **state, const char **pattern);

/*
 * Master-key verification patterns of APQNs.  zcrypt shows a queue's
 * only while its cex4queue driver holds it, never for vfio_ap's queues.
 * apm_keys_read() reads what adapters x domains show now; with lend it
 * also lends the queues vfio_ap holds and no mdev uses to zcrypt for the
 * reading: the masks give their domains and adapters to the host (aqmask,
 * then apmask) and back (apmask, then aqmask), each a change of this
 * library (predicted, under the AP configuration lock, verified), so the
 * queues come back reset.  *host is replaced by the host as it is
 * afterwards.  0 and *keys; -EBUSY and the like when a mask write is
 * refused, -EIO when the masks could not be put back (err says what to
 * run), with a sentence in err.  Since: 2
 */
struct apm_keys;
int apm_keys_read(struct apm_host **host, const struct apm_mask *adapters,
		  const struct apm_mask *domains, bool lend, struct apm_keys **keys, char *err,
		  size_t errsize);
struct apm_keys *apm_keys_unref(struct apm_keys *keys);
/* The mask writes made while reading ("wrote aqmask 0x..."), one a line.  Since: 2 */
const char *apm_keys_get_notes(const struct apm_keys *keys);
/* fn per register of adapter.domain as apm_host_foreach_queue_mkvp(); -ENOENT: not read.  Since: 2 */
int apm_keys_foreach(const struct apm_keys *keys, unsigned int adapter, unsigned int domain,
		     int (*fn)(const char *reg, const char *state, const char *pattern, void *data),
		     void *data);
/*
 * A copy of r with the patterns of keys for the APQNs r has none of, and
 * marked as having had its keys read (apm_restore_keys_read()).  Since: 2
 */
int apm_restore_new_with_keys(const struct apm_restore *r, const struct apm_keys *keys,
			      struct apm_restore **out);
/* Whether the keys were read after the unplug (see apm_restore_new_with_keys()).  Since: 2 */
bool apm_restore_keys_read(const struct apm_restore *r);
/*
 * false when the guest's matrix did not fit the one sysfs page
 * guest_matrix is shown in (the guest sets then hold what it showed).  Since: 2
 */
bool apm_restore_guest_complete(const struct apm_restore *r);

/* Why an APQN of a restore file cannot be plugged on a host. */
enum apm_replug_code {
	APM_REPLUG_OK = 0,
	APM_REPLUG_MISSING,	  /* no such queue on this host */
	APM_REPLUG_HOST_OWNED,	  /* the masks give it to the host's zcrypt drivers */
	APM_REPLUG_UNBOUND,	  /* vfio_ap's by the masks, but not bound to it */
	APM_REPLUG_IN_MDEV,	  /* another mdev holds it */
	APM_REPLUG_IN_DEFINITION, /* another mdev's autostart definition has it */
	APM_REPLUG_MODE,	  /* another mode (CCA, EP11, accelerator) */
	APM_REPLUG_OLDER,	  /* an older card generation */
	APM_REPLUG_KEYS,	  /* master-key verification patterns differ */
	APM_REPLUG_KEYS_UNKNOWN,  /* the queue's patterns cannot be read here */
	APM_REPLUG_COUNT,
};
/* "ok", "missing", "host-owned", ...  Since: 2 */
const char *apm_replug_code_name(enum apm_replug_code code);
struct apm_replug_verdict {
	unsigned int adapter, domain;
	enum apm_replug_code code;
	const char *other; /* the other mdev (IN_MDEV, IN_DEFINITION), or NULL */
	const char *text;  /* "06.0047: master key patterns differ (...): ..." */
};
/*
 * Check host (and cfg's definitions; cfg may be NULL) against r: for
 * every APQN r recorded as existing, fn with its verdict, in order.  The
 * mdev uuid (NULL: r's) may already hold the APQNs (a resumed replug).
 * The target's master-key patterns come from keys (apm_keys_read()), or
 * from what host shows when keys is NULL.
 * Returns the number of APQNs that cannot be plugged, fn's non-zero
 * return, or -errno.  Since: 2
 */
int apm_restore_check(const struct apm_restore *r, struct apm_host *host,
		      const struct apm_config *cfg, const char *uuid, const struct apm_keys *keys,
		      int (*fn)(const struct apm_replug_verdict *v, void *data), void *data);

/*
 * A guided migration: the ordered steps of an unplug (before a live
 * migration: write the restore file, take the matrix from the guest, read
 * the master-key patterns, detach the vfio-ap hostdev), of a replug on the
 * target (the mdev exists, assign, verify the guest matrix, attach the
 * hostdev, optionally write the mdevctl definition) or of a rollback (the
 * replug's steps on the source, from its restore file).  Each step's state
 * is read from the host and the restore file when the object is made, so
 * a migration interrupted anywhere (an error, SIGKILL, power loss) is
 * resumed by making it again and running it.  Everything it says (the
 * account of each step, errors) goes to the progress function as lines
 * of text safe for a terminal (untrusted parts escaped as
 * apm_text_escape() does).  The libvirt step runs the `virsh` found on the
 * PATH (attach-device / detach-device DOMAIN XMLFILE --live).  Not
 * thread-safe; one object is used by one thread at a time.  Since: 2
 */
struct apm_migration;

enum apm_migration_kind {
	APM_MIGRATION_UNPLUG = 0, /* take a running guest's matrix before a migration */
	APM_MIGRATION_REPLUG,	  /* give it again on the target */
	APM_MIGRATION_ROLLBACK,	  /* give it again on the source (the migration is cancelled) */
};

struct apm_migration_opts {
	const char *file; /* the restore file (unplug: written unless it exists) */
	/* unplug: the mdev (UUID, prefix, label, guest); replug: the mdev to plug (NULL: the file's) */
	const char *uuid;
	struct apm_config *cfg; /* libvirt domains, definitions (NULL: none); referenced */
	bool libvirt;		/* run virsh for the hostdev step, else only say how */
	bool create;		/* replug and rollback: create the mdev when it is missing */
	bool persist;		/* replug: also write the mdevctl definition (a step 5) */
	bool dry_run;		/* unplug: apm_migration_run() only shows what it would do */
};

/*
 * Make a migration of host (referenced; replaced by fresh reads as the
 * steps go).  An unplug looks the mdev up and, when opts->file exists,
 * resumes from it (refused when it records another mdev or another host),
 * else records the mdev as it is now (written by step 1).  A replug or
 * rollback reads opts->file (refused as apm_restore_load() refuses).  0
 * and *m; -ENODEV / -ENOTUNIQ (unplug: no mdev, several match), -EFBIG
 * (the matrix does not fit the one page a kernel before 6.10 shows it
 * in), -EINVAL (the file is not a restore file, or not of this mdev or
 * host), -ENOMEM or -errno, with a sentence in err (may be NULL), safe
 * for a terminal.  Since: 2
 */
int apm_migration_new(struct apm_host *host, enum apm_migration_kind kind,
		      const struct apm_migration_opts *opts, struct apm_migration **m, char *err,
		      size_t errsize);
struct apm_migration *apm_migration_ref(struct apm_migration *m);
struct apm_migration *apm_migration_unref(struct apm_migration *m);
enum apm_migration_kind apm_migration_get_kind(const struct apm_migration *m);
/* The mdev (lower case), the restore file and its record (all borrowed).  Since: 2 */
const char *apm_migration_get_uuid(const struct apm_migration *m);
const char *apm_migration_get_file(const struct apm_migration *m);
const struct apm_restore *apm_migration_get_restore(const struct apm_migration *m);
/* An unplug that found its restore file on disk (a resumed one).  Since: 2 */
bool apm_migration_is_resumed(const struct apm_migration *m);
/*
 * What the migration is about, several lines (borrowed, escaped): the
 * mdev, guest and domain, the source host, the adapters, domains and
 * control domains and, for an unplug, every APQN and what the guest will
 * notice.  Since: 2
 */
const char *apm_migration_get_summary(const struct apm_migration *m);
/*
 * Why the migration may not run at all (borrowed, escaped), or NULL: the
 * guest is a Secure Execution guest, which cannot be live-migrated (its
 * QEMU's s390-pv-guest object, libvirt's <launchSecurity type='s390-pv'/>).
 * apm_migration_run(), _run_step() and _check() then say it and return
 * -EPERM, changing nothing.  A rollback is never refused.  Since: 2
 */
const char *apm_migration_get_refusal(const struct apm_migration *m);

/* What a progress function is told. */
enum apm_migration_event_kind {
	APM_MIGRATION_EVENT_INFO = 0, /* a line of the account */
	APM_MIGRATION_EVENT_ERROR,    /* a line of what stopped a step or is wrong */
	APM_MIGRATION_EVENT_STEP,     /* step `step` is done (now, or it was) */
	APM_MIGRATION_EVENT_KEYS,     /* text: the mask writes made to read the keys, one a line */
};
struct apm_migration_event {
	enum apm_migration_event_kind kind;
	unsigned int step; /* 1-based; 0: not about one step */
	const char *text;  /* one line, no newline (KEYS: several); escaped */
};
/* fn is called with every event of the calls that follow; NULL: none.  Since: 2 */
void apm_migration_set_progress(struct apm_migration *m,
				void (*fn)(const struct apm_migration_event *ev, void *data),
				void *data);

enum apm_migration_step_state {
	APM_MIGRATION_STEP_PENDING = 0,
	APM_MIGRATION_STEP_DONE,
	APM_MIGRATION_STEP_FAILED,
	APM_MIGRATION_STEP_BY_HAND, /* left to the operator (no --libvirt): the command was said */
};
struct apm_migration_step {
	const char *name;    /* "take every adapter, domain and control domain from the guest" */
	const char *changes; /* what it changes on the host or on disk (escaped) */
	enum apm_migration_step_state state;
};
/* The steps, in order (4, or 5 for a replug with persist); step i (0-based), or -ENOENT.  Since: 2 */
unsigned int apm_migration_get_step_count(const struct apm_migration *m);
int apm_migration_get_step(const struct apm_migration *m, unsigned int i,
			   struct apm_migration_step *step);
/*
 * Run step i (0-based) when it is pending, after the ones before it (it
 * runs those that are pending first); a step that is done is only
 * reported.  0; -EPROTO when the kernel's answer or the host afterwards
 * is not what was asked (a mismatch); -EPERM when the check refuses an
 * APQN; other -errno when a write, virsh or a read fails.  A failed step
 * says so and why through the progress function, and how to go on.  Since: 2
 */
int apm_migration_run_step(struct apm_migration *m, unsigned int i);
/*
 * Run every pending step, in order, stopping at the first that fails;
 * then the final state's sentence as an INFO event.  A dry-run unplug
 * writes nothing: it says what step 2 would write and the kernel's
 * predicted answer (-EPERM when refused).  Returns as
 * apm_migration_run_step().  Since: 2
 */
int apm_migration_run(struct apm_migration *m);

/* The verdict of an APQN for this migration: pluggable, not, or keys not compared. */
enum apm_migration_verdict {
	APM_MIGRATION_PLUGGABLE = 0,
	APM_MIGRATION_REFUSED,
	APM_MIGRATION_KEYS_UNKNOWN,
};
/*
 * The replug check (apm_restore_check()) of the restore file against the
 * host: the master-key patterns read first (lending free queues to zcrypt
 * unless the context is read-only; the writes as a KEYS event), then fn
 * per APQN with its verdict; fn NULL: each verdict as an INFO line
 * ("  refused  06.0047: ...").  A rollback counts only whether the APQNs
 * are still free.  0 (the counts: apm_migration_get_check_counts()), or
 * -errno.  Since: 2
 */
int apm_migration_check(struct apm_migration *m,
			int (*fn)(const struct apm_replug_verdict *v,
				  enum apm_migration_verdict verdict, void *data),
			void *data);
void apm_migration_get_check_counts(const struct apm_migration *m, unsigned int *pluggable,
				    unsigned int *refused, unsigned int *keys_unknown);

/* Where a migration stands. */
enum apm_migration_state {
	APM_MIGRATION_NOT_STARTED = 0, /* no step is done */
	APM_MIGRATION_PARTLY_DONE,     /* some are: run it again to resume (or roll back) */
	APM_MIGRATION_BY_HAND,	       /* apmatrix's part done; the hostdev step is by hand */
	APM_MIGRATION_READY,	       /* unplugged: the guest is ready to migrate */
	APM_MIGRATION_REPLUGGED,       /* replugged (or rolled back) as the file recorded */
};
/*
 * The state after the last run (or as found when made), and what to do
 * next in a sentence (borrowed, escaped; "" when nothing).  Since: 2
 */
enum apm_migration_state apm_migration_get_state(const struct apm_migration *m);
const char *apm_migration_get_next(const struct apm_migration *m);
/* "not started", "partly done", "hostdev by hand", "ready to migrate", "replugged".  Since: 2 */
const char *apm_migration_state_name(enum apm_migration_state state);

/* ---------------------------------------------- persistent configuration */

/*
 * What survives a reboot lives outside sysfs, in the files of three other
 * tools, all under one configuration root ("/" on a real host):
 *  - mdevctl's definitions, ROOT/etc/mdevctl.d/matrix/UUID (started at boot
 *    when "start" is "auto");
 *  - chzdev's persistent masks, ROOT/etc/udev/rules.d/41-ap.rules;
 *  - libvirt's domains, ROOT/etc/libvirt/qemu/NAME.xml (defined) and
 *    ROOT/run/libvirt/qemu/NAME.xml (running).
 * struct apm_config reads them (strictly: a malformed file is reported as
 * FILE:LINE and left out, nothing else is affected) and compares them with
 * a loaded host; struct apm_persist writes them, atomically, after the
 * checks ap-check and chzdev make.  Since: 2
 */
struct apm_config;
struct apm_def;
struct apm_persist;

enum apm_config_dir {
	APM_CONFIG_MDEVCTL = 0, /* mdevctl's root: DIR/etc/mdevctl.d (MDEVCTL_ENV_ROOT) */
	APM_CONFIG_UDEV,	/* chzdev's --base: DIR/etc/udev/rules.d/41-ap.rules */
	APM_CONFIG_LIBVIRT,	/* DIR/etc/libvirt/qemu, DIR/run/libvirt/qemu */
};

/*
 * A configuration of the host ctx reaches, rooted at root.  root NULL picks
 * the default: "/" for a sysfs host; FILE.d for a simulated host whose
 * state lives in FILE (so a simulated host keeps its own /etc); none for
 * the built-in simulated host, which keeps nothing (the configuration is
 * empty and every write is refused with -EOPNOTSUPP).  mdevctl's
 * definitions are read where mdevctl reads them: under $MDEVCTL_ENV_ROOT
 * when that is set (mdevctl 1.3+), unless apm_config_set_dir() says
 * otherwise.  Nothing is read before apm_config_load().  Since: 2
 */
int apm_config_new(struct apm_ctx *ctx, const char *root, struct apm_config **cfg);
/* New reference / drop one (NULL-safe; NULL once freed).  The config holds ctx.  Since: 2 */
struct apm_config *apm_config_ref(struct apm_config *cfg);
struct apm_config *apm_config_unref(struct apm_config *cfg);
/* Redirects one tool's files (before apm_config_load()); 0, -EINVAL, -ENOMEM.  Since: 2 */
int apm_config_set_dir(struct apm_config *cfg, enum apm_config_dir which, const char *dir);
/*
 * (Re)reads every file.  Returns 0, or -ENOMEM; files that cannot be read
 * or parsed are listed by apm_config_get_errors() and left out.  A load
 * after one that found every file and directory as it is now (inode,
 * size, mode, times, each changed a second or more before that load) reads
 * nothing again: what it read stands.  Since: 2
 */
int apm_config_load(struct apm_config *cfg);
/*
 * Counts the loads that read the files again: while it stays the same,
 * what a client derived from the configuration stands.  Since: 2
 */
unsigned int apm_config_get_generation(const struct apm_config *cfg);
/* The root, or NULL when there is none (the built-in simulated host).  Since: 2 */
const char *apm_config_get_root(const struct apm_config *cfg);
/* The definitions' directory, the rule file, libvirt's /etc and /run directories. */
enum apm_config_path {
	APM_PATH_MDEVCTL = 0,
	APM_PATH_RULE,
	APM_PATH_LIBVIRT_ETC,
	APM_PATH_LIBVIRT_RUN,
};
/* The path (NULL without a root).  Since: 2 */
const char *apm_config_get_path(const struct apm_config *cfg, enum apm_config_path which);
/* "FILE:LINE: reason" per file left out, one a line; "" when none.  Since: 2 */
const char *apm_config_get_errors(const struct apm_config *cfg);
/* Notes that are not errors (a rule not as chzdev writes it, skipped names).  Since: 2 */
const char *apm_config_get_notes(const struct apm_config *cfg);

/* The definitions that could be read, sorted by uuid; borrowed from cfg (NULL past the end).  Since: 2 */
unsigned int apm_config_get_def_count(const struct apm_config *cfg);
struct apm_def *apm_config_get_def(const struct apm_config *cfg, unsigned int i);
/* By full uuid (either case); NULL when not defined.  Since: 2 */
struct apm_def *apm_config_find_def(const struct apm_config *cfg, const char *uuid);
/* Its uuid (lower case), its file, and whether "start" is "auto" (borrowed).  Since: 2 */
const char *apm_def_get_uuid(const struct apm_def *def);
const char *apm_def_get_path(const struct apm_def *def);
bool apm_def_get_autostart(const struct apm_def *def);
/*
 * What `mdevctl start` assigns (APM_KIND_ADAPTER, _DOMAIN or
 * _CONTROL_DOMAIN; the guest sets are empty).  Since: 2
 */
void apm_def_get_mask(const struct apm_def *def, enum apm_kind which, struct apm_mask *m);
/* The "attrs" list in file order: its length; the i-th as 0 with key and value (borrowed), or -ENOENT.  Since: 2 */
unsigned int apm_def_get_attr_count(const struct apm_def *def);
int apm_def_get_attr(const struct apm_def *def, unsigned int i, const char **key,
		     const char **value);

/*
 * The mask 41-ap.rules sets: 0 with *m, -ENOENT when the rule (or that mask
 * in it) is missing, -EINVAL when the rule could not be read.  Since: 2
 */
int apm_config_get_mask(const struct apm_config *cfg, bool aqmask, struct apm_mask *m);
/*
 * Whether host's active apmask (aqmask) is lost at reboot: the rule does
 * not set it, or sets another.  Since: 2
 */
bool apm_config_mask_lost_at_reboot(const struct apm_config *cfg, const struct apm_host *host,
				    bool aqmask);

/* A libvirt domain that uses an mdev. */
struct apm_guest_info {
	const char *name;  /* the domain's <name>: untrusted text */
	const char *path;  /* its status file when it runs, else its definition */
	bool running;	   /* /run/libvirt/qemu/NAME.xml exists */
	const char *state; /* domstatus state ("running", "paused"), "" when not running */
	bool defined;	   /* its /etc definition has the mdev */
	bool live;	   /* its running definition has the mdev */
	/*
	 * A Secure Execution guest: <launchSecurity type='s390-pv'/> in the XML
	 * it runs with (its status file), or in its definition when it does
	 * not run.  Since: 2
	 */
	bool secure;
};
/* The i-th domain (by name) that has uuid in either XML: 0, or -ENOENT.  Since: 2 */
int apm_config_get_guest(const struct apm_config *cfg, const char *uuid, unsigned int i,
			 struct apm_guest_info *info);

/* One mdev that is active on the host, defined, or both. */
struct apm_mdev_state {
	const char *uuid;
	struct apm_mdev *mdev; /* the active mdev (borrowed from the host), or NULL */
	struct apm_def *def;   /* its definition (borrowed from cfg), or NULL */
	/* Active, and not defined or defined with other APQNs or control domains. */
	bool lost_at_reboot;
	unsigned int only_active, only_defined; /* APQNs in one matrix, not the other */
	bool control_differs;
};
/* fn for every mdev active or defined, sorted by uuid; stops at fn's non-zero.  Since: 2 */
int apm_config_foreach_mdev(const struct apm_config *cfg, const struct apm_host *host,
			    int (*fn)(const struct apm_mdev_state *st, void *data), void *data);
/* 0 with *st, -ENOENT when uuid is neither active nor defined.  Since: 2 */
int apm_config_get_mdev_state(const struct apm_config *cfg, const struct apm_host *host,
			      const char *uuid, struct apm_mdev_state *st);
/*
 * The APQNs of uuid's active matrix that its definition lacks (only_active)
 * and the reverse, sorted.  Since: 2
 */
int apm_config_foreach_apqn_diff(const struct apm_config *cfg, const struct apm_host *host,
				 const char *uuid,
				 int (*fn)(unsigned int adapter, unsigned int domain,
					   bool only_active, void *data),
				 void *data);
/*
 * The APQNs (of the host's queues and every mdev, active or defined) whose
 * owner at the next boot, by the masks 41-ap.rules sets, differs from the
 * owner now; a mask the rule does not set stays as it is.  Since: 2
 */
int apm_config_foreach_owner_diff(const struct apm_config *cfg, const struct apm_host *host,
				  int (*fn)(unsigned int adapter, unsigned int domain,
					    bool host_now, void *data),
				  void *data);

/* What the configuration holds that will fail, now or at the next boot. */
enum apm_finding_code {
	APM_FINDING_AUTOSTART_OVERLAP = 0, /* two autostart definitions share an APQN */
	APM_FINDING_PERSISTENT_MASK, /* an autostart APQN the persistent masks give the host */
	APM_FINDING_ACTIVE_OVERLAP,  /* a definition not active has an APQN an active mdev holds */
	APM_FINDING_ACTIVE_MASK,     /* a definition not active has an APQN the host owns now */
	APM_FINDING_CONTROL_ONLY,    /* control domains without a usage domain */
	APM_FINDING_GUEST_UNPLUGGED, /* a running domain's mdev is not held: QEMU let it go */
	APM_FINDING_GUEST_DETACHED,  /* a running domain was started with, now runs without it */
	APM_FINDING_GUEST_NO_MDEV,   /* a domain uses an mdev neither active nor defined */
	APM_FINDING_COUNT,
};
/* "autostart-overlap", "persistent-mask", ...  Since: 2 */
const char *apm_finding_name(enum apm_finding_code code);
struct apm_finding {
	enum apm_finding_code code;
	const char *uuid;    /* the mdev */
	const char *other;   /* the other mdev or the domain name, or NULL */
	int adapter, domain; /* the first APQN concerned, -1 when none */
	bool at_boot;	     /* it fails at the next boot (else: now, on a start) */
	const char *text;    /* one sentence naming the APQN, the mdev and what happens */
};
/* fn for every finding, by mdev; stops at fn's non-zero.  Since: 2 */
int apm_config_foreach_finding(const struct apm_config *cfg, const struct apm_host *host,
			       int (*fn)(const struct apm_finding *f, void *data), void *data);
/*
 * fn for every finding host after has and host before has not (the same
 * code for the same mdevs): what a change would cause, checked before it is
 * written, as ap-check checks at the next mdevctl start.  Only the findings
 * the active configuration decides (an active mdev holding a definition's
 * APQN, the active masks giving it to the host); after is typically
 * apm_change_get_predicted_host().  Since: 2
 */
int apm_config_foreach_new_finding(const struct apm_config *cfg, const struct apm_host *before,
				   const struct apm_host *after,
				   int (*fn)(const struct apm_finding *f, void *data), void *data);

/*
 * Writing the configuration.  A persist is planned against a loaded
 * configuration and host, checked (the refusals ap-check makes when mdevctl
 * defines or starts a definition, and chzdev's check of persistent masks
 * against autostart definitions), then applied: under the AP configuration
 * lock (the state file's lock on a simulated host) the configuration is
 * read again and checked again, then the file is written to a temporary
 * file, fsync()ed and renamed over the old one (or removed), so it is
 * never half-written.  Nothing is written in read-only mode (-EROFS) or
 * without a root (-EOPNOTSUPP).  Since: 2
 */
enum apm_start {
	APM_START_KEEP = 0, /* the existing definition's start, else manual */
	APM_START_MANUAL,
	APM_START_AUTO,
};
/* The active mdev uuid's configuration as its definition.  -ENODEV: not active.  Since: 2 */
int apm_persist_new_mdev(struct apm_config *cfg, struct apm_host *host, const char *uuid,
			 enum apm_start start, struct apm_persist **p);
/*
 * A definition with the given sets (adapters, domains, control domains;
 * NULL: none), for an mdev that need not be active yet.  -EINVAL: not a
 * uuid.  Since: 2
 */
int apm_persist_new_define(struct apm_config *cfg, struct apm_host *host, const char *uuid,
			   enum apm_start start, const struct apm_mask *sets,
			   struct apm_persist **p);
/* Removes uuid's definition.  -ENOENT: not defined.  Since: 2 */
int apm_persist_new_undefine(struct apm_config *cfg, const char *uuid, struct apm_persist **p);
/* The host's active masks as 41-ap.rules, as chzdev writes it.  Since: 2 */
int apm_persist_new_masks(struct apm_config *cfg, struct apm_host *host, struct apm_persist **p);
/* New reference / drop one (NULL-safe).  A persist holds its config and host.  Since: 2 */
struct apm_persist *apm_persist_ref(struct apm_persist *p);
struct apm_persist *apm_persist_unref(struct apm_persist *p);
/* "define mdev UUID (autostart)", "remove the definition of ...", "write the masks".  Since: 2 */
const char *apm_persist_get_what(const struct apm_persist *p);
/* The file written or removed.  Since: 2 */
const char *apm_persist_get_path(const struct apm_persist *p);
/* Its new content, NULL when it is removed.  Since: 2 */
const char *apm_persist_get_content(const struct apm_persist *p);
/* 0 when the checks pass, else the -errno apply returns without writing.  Since: 2 */
int apm_persist_get_prediction(const struct apm_persist *p);
/* One sentence per refusal (the APQN, the mdev, ap-check's words); "" when none.  Since: 2 */
const char *apm_persist_get_explanation(const struct apm_persist *p);
/* Warnings that do not refuse (what will still fail, and when).  Since: 2 */
const char *apm_persist_get_notes(const struct apm_persist *p);
/*
 * Re-reads and re-checks under the lock, then writes; on success the
 * persist's configuration (the caller's cfg) is loaded again.  0, or -errno: the
 * refusal (-EADDRINUSE an APQN is taken, -EADDRNOTAVAIL the host's by the
 * masks, -EINVAL control domains without a usage domain, -EIO a file that
 * cannot be read, -EEXIST a file not as its tool writes it), -EROFS,
 * -ETIMEDOUT (the lock), or the errno of the write.  Since: 2
 */
int apm_persist_apply(struct apm_persist *p);

/* ---------------------------------------------------------------- undo */

/*
 * Undo reverts the last change apmatrix applied to a host: the newest entry
 * of the host's journal (apm_ctx_set_journal_path()), whichever process
 * and user made it; the AP configuration lock orders the entries.  It is
 * possible only while the host is still as that change left it; then the
 * inverse is planned like any change (a mask written back, an mdev's
 * matrix given back in one ap_config write where the kernel has it, a
 * removed mdev created again with its UUID and matrix, a created one
 * removed, an adapter configured or set online the other way, a file put
 * back as it was or removed again) and applied under the lock, after the
 * journal and the host are read once more.  An undo done whole takes its
 * entry out, so the next undo reverts the change before; it is not itself
 * an entry (there is no redo); an undo done in part is one.  Rescans and
 * the simulated hypervisor's and guests' events are not journaled.  Since: 2
 */
struct apm_undo;
/*
 * The undo of host's last change (cfg: the persistent configuration the
 * checks of a file's return use; NULL: the host's default).  0 and a new
 * undo, whatever its verdict (apm_undo_get_prediction()), or -ENOMEM.
 * Since: 2
 */
int apm_undo_new(struct apm_host *host, struct apm_config *cfg, struct apm_undo **u);
/* New reference / drop one (NULL-safe; NULL once freed).  Since: 2 */
struct apm_undo *apm_undo_ref(struct apm_undo *u);
struct apm_undo *apm_undo_unref(struct apm_undo *u);
/* "undo change #12: assign domain 0x47 (mdev …)", or NULL when there is none.  Since: 2 */
const char *apm_undo_get_what(const struct apm_undo *u);
/* "made by uid=0(root) tty=pts/1 on 2026-05-01 12:00:03 UTC, pid 4242", or NULL.  Since: 2 */
const char *apm_undo_get_origin(const struct apm_undo *u);
/*
 * 0: it can be undone.  -ENOENT: nothing to undo; -ESTALE: the host is not
 * as the change left it; -EOPNOTSUPP: the host keeps no journal; -EPERM,
 * -EINVAL: a journal not to be trusted, or malformed; else the refusal the
 * inverse's rules predict.  Since: 2
 */
int apm_undo_get_prediction(const struct apm_undo *u);
/* Why not, one sentence a line (naming the APQN, the mdev, the file); "" when it can.  Since: 2 */
const char *apm_undo_get_explanation(const struct apm_undo *u);
/* What the undo cannot put back (a guest's devices, requests in flight); "" when nothing.  Since: 2 */
const char *apm_undo_get_notes(const struct apm_undo *u);
/*
 * The inverse: a change of the host, or a write of a file (borrowed; NULL
 * when it is the other kind or there is none).  Its preview, steps,
 * explanation and, after apply, its results are the undo's.  Since: 2
 */
struct apm_change *apm_undo_get_change(const struct apm_undo *u);
struct apm_persist *apm_undo_get_persist(const struct apm_undo *u);
/*
 * Under the lock: the journal and the host read again, the change still
 * the newest and the host still as it left it, the inverse planned again
 * and applied.  0, the prediction, -EAGAIN (another change came first, or
 * the inverse's verdict changed: look again), or the inverse's -errno.
 * Since: 2
 */
int apm_undo_apply(struct apm_undo *u);

/*
 * Text for a terminal: printable UTF-8 as it is, every other byte (C0, DEL,
 * the C1 range, invalid UTF-8) as \xNN; with APM_TEXT_KEEP_NEWLINE (or _TAB)
 * those stay.  Writes at most size bytes including the NUL, never half a
 * character or escape, and returns the length the whole escaped text needs.
 * With APM_TEXT_ELLIPSIS, text cut to fit ends in "..." (when size leaves
 * room for it), so that it is never shown as if whole.  in and out must not
 * overlap.  APM_TEXT_ELLIPSIS since: 2
 */
#define APM_TEXT_KEEP_NEWLINE (1u << 0)
#define APM_TEXT_KEEP_TAB     (1u << 1)
#define APM_TEXT_ELLIPSIS     (1u << 2)
size_t apm_text_escape(const char *in, char *out, size_t size, unsigned int flags);

/* "EBUSY" for -EBUSY etc. */
const char *apm_errno_name(int err);

/*
 * IDs as operators write them: decimal or 0x hex, 0..255; a leading 0
 * ("010", octal to the kernel) is refused as ambiguous.  apm_parse_id_list
 * takes a ','-separated list of IDs and ranges A-B and returns them sorted
 * and de-duplicated in ids (room for 256) with their number in *n.  Both
 * return 0, or -EINVAL / -ERANGE with a sentence naming the offending text
 * in err (which may be NULL).  Since: 2
 */
int apm_parse_id(const char *s, unsigned int *id, char *err, size_t errsize);
int apm_parse_id_list(const char *s, unsigned int *ids, size_t *n, char *err, size_t errsize);

#ifdef __cplusplus
}
#endif

#endif
