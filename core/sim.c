// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sim.c - the simulated AP host: the seam answered in process.
 *
 * It serves the paths, strings and errnos of the AP bus, the zcrypt
 * drivers, vfio_ap and the mdev core (spec §1-§6) from a struct sim_state,
 * and applies writes with the shared rules (rules.c), so the rest of the
 * library cannot tell it from /sys.  Scan-deferred effects (queue config
 * after a card config write, LPAR changes, BINDINGS=complete) happen at a
 * scan, as on a real machine.  A control tree under kernel/apsim/ (the
 * same one kmod/ offers) plays the hypervisor: LPAR changes, SE-side
 * configure, checkstop, guests.
 *
 * With a state file, every write runs under an flock on that file: the
 * state is re-read when another process changed it, the write applied, and
 * the file replaced atomically; watchers get an event through inotify.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

#define SIM_MAX_INSTANCES 65536 /* 256 x 256 (spec §3.8) */
#define SIM_EVENTS	  4096

struct sim_backend {
	struct apm_ctx *ctx; /* owner, not referenced */
	struct sim_state *s;
	char *file;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	int lockfd;
	int txn_depth;
	bool dirty;
	struct apm_event *ring;
	unsigned int head, count;
	int efd, ifd, epfd;
};

/* ----------------------------------------------------------- the state */

struct sim_state *sim_state_new(void)
{
	struct sim_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->q = calloc(APR_BITS, sizeof(*s->q));
	if (!s->q) {
		free(s);
		return NULL;
	}
	return s;
}

void sim_state_free(struct sim_state *s)
{
	if (!s)
		return;
	free(s->q);
	free(s->mdevs);
	free(s->rm);
	free(s);
}

int sim_state_copy(struct sim_state *dst, const struct sim_state *src)
{
	struct sim_queue(*q)[APR_BITS] = dst->q;
	struct sim_mdev *mx = NULL;
	struct apr_mdev *rm = NULL;

	if (src->nmdevs) {
		mx = malloc(src->nmdevs * sizeof(*mx));
		rm = malloc(src->nmdevs * sizeof(*rm));
		if (!mx || !rm) {
			free(mx);
			free(rm);
			return -ENOMEM;
		}
		memcpy(mx, src->mdevs, src->nmdevs * sizeof(*mx));
		memcpy(rm, src->rm, src->nmdevs * sizeof(*rm));
	}
	free(dst->mdevs);
	free(dst->rm);
	*dst = *src;
	dst->q = q;
	memcpy(dst->q, src->q, APR_BITS * sizeof(*q));
	dst->mdevs = mx;
	dst->rm = rm;
	return 0;
}

unsigned int sim_queue_state(const void *data, unsigned int a, unsigned int q)
{
	const struct sim_state *s = data;
	const struct sim_queue *sq = &s->q[a][q];
	unsigned int st = 0;

	if (!sq->exists)
		return 0;
	st |= APR_Q_EXISTS;
	if (sq->driver == SIM_DRV_VFIO_AP)
		st |= APR_Q_VFIO;
	if (sq->driver == SIM_DRV_CEX4QUEUE)
		st |= APR_Q_DEFAULT_DRV;
	if (sq->override)
		st |= APR_Q_OVERRIDE;
	/* The answer of the queue's last reset (spec §3.5 step 3, §5.1, §5.3). */
	if (!sq->reset_rc) {
		if (sq->config && !sq->chkstop)
			st |= APR_Q_RESET_OK;
		else
			st |= APR_Q_RESET_SOFT;
	}
	return st;
}

static bool any_override(const struct sim_state *s)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (s->q[a][q].exists && s->q[a][q].override)
				return true;
	return false;
}

void sim_rules_host(const struct sim_state *s, struct apr_host *h)
{
	memset(h, 0, sizeof(*h));
	h->profile = s->profile;
	h->max_apid = s->max_apid;
	h->max_apqi = s->max_apqi;
	h->apmask = s->apmask;
	h->aqmask = s->aqmask;
	/* vfio_ap's QCI snapshot is refreshed at each scan (spec §5.2). */
	h->qci_apm = s->seen_apm;
	h->qci_aqm = s->seen_aqm;
	h->qci_adm = s->seen_adm;
	h->any_override = s->profile >= APR_PROFILE_6_19 && any_override(s);
	h->queue_state = sim_queue_state;
	h->data = s;
}

bool sim_default_owned(const struct sim_state *s, unsigned int apid, unsigned int apqi)
{
	struct apr_host h;

	sim_rules_host(s, &h);
	return apr_default_owned(&h, apid, apqi);
}

void sim_refilter_all(struct sim_state *s)
{
	struct apr_host h;
	struct apr_mask filtered;

	sim_rules_host(s, &h);
	for (unsigned int i = 0; i < s->nmdevs; i++) {
		apr_filter(&h, &s->rm[i], &filtered);
		apr_filter_cdoms(&h, &s->rm[i]);
	}
}

/* ------------------------------------------------------------- uevents */

static void ev_vadd(struct sim_backend *sb, const char *action, const char *devpath,
		    const char *subsystem, va_list ap)
{
	struct apm_event *ev;
	const char *p;
	uint64_t one = 1;

	if (sb->count == SIM_EVENTS) { /* drop the oldest, as a full netlink buffer would */
		sb->head = (sb->head + 1) % SIM_EVENTS;
		sb->count--;
	}
	ev = &sb->ring[(sb->head + sb->count++) % SIM_EVENTS];
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->action, sizeof(ev->action), "%s", action);
	snprintf(ev->devpath, sizeof(ev->devpath), "%s", devpath);
	snprintf(ev->subsystem, sizeof(ev->subsystem), "%s", subsystem);
	while ((p = va_arg(ap, const char *)) && ev->nprops < ARRAY_SIZE(ev->props))
		snprintf(ev->props[ev->nprops++], sizeof(ev->props[0]), "%s", p);
	if (sb->efd >= 0 && write(sb->efd, &one, sizeof(one)) < 0)
		return;
}

/* Properties end with NULL. */
static void ev_add(struct sim_backend *sb, const char *action, const char *devpath,
		   const char *subsystem, ...)
{
	va_list ap;

	va_start(ap, subsystem);
	ev_vadd(sb, action, devpath, subsystem, ap);
	va_end(ap);
}

/* Card and queue uevents carry the bus variables (spec §4.1). */
static void ev_card(struct sim_backend *sb, const char *action, unsigned int a, const char *extra)
{
	const struct apr_card_type *t = sb->s->ad[a].type;
	char path[64], devtype[16], modalias[16], mode[16];

	snprintf(path, sizeof(path), "/devices/ap/card%02x", a);
	snprintf(devtype, sizeof(devtype), "DEV_TYPE=%04X", t ? t->hwtype : 0);
	snprintf(modalias, sizeof(modalias), "MODALIAS=ap:t%02X", t ? t->hwtype : 0);
	snprintf(mode, sizeof(mode), "MODE=%s", t ? t->mode : "cca");
	ev_add(sb, action, path, "ap", "DEVTYPE=ap_card", devtype, modalias, mode, extra, NULL);
}

static void ev_queue(struct sim_backend *sb, const char *action, unsigned int a, unsigned int q,
		     const char *extra)
{
	const struct apr_card_type *t = sb->s->ad[a].type;
	char path[64], mode[16];

	snprintf(path, sizeof(path), "/devices/ap/card%02x/%02x.%04x", a, a, q);
	snprintf(mode, sizeof(mode), "MODE=%s", t ? t->mode : "cca");
	ev_add(sb, action, path, "ap", "DEVTYPE=ap_queue", mode, extra, NULL);
}

/*
 * The AP bus's drivers in registration order (spec §1.5): a queue's enum
 * sim_drv indexes it (never with SIM_DRV_NONE), 0 is the card driver.
 */
static const char *const ap_drivers[] = { "cex4card", "cex4queue", "vfio_ap", NULL };

/* ------------------------------------------------- binding (spec §1.5) */

static struct apr_mdev *holder(struct sim_state *s, unsigned int a, unsigned int q)
{
	int i = apr_mdev_holding(s->rm, (int)s->nmdevs, a, q);

	return i < 0 ? NULL : &s->rm[i];
}

/* vfio_ap remove callback (spec §3.9 "Remove"). */
static void vfio_remove_queue(struct sim_state *s, unsigned int a, unsigned int q)
{
	struct apr_mdev *m = holder(s, a, q);

	if (m)
		apr_queue_removed(m, a, q);
}

/* vfio_ap probe (spec §3.9 "Probe"); the filter is deferred during a scan. */
static void vfio_probe_queue(struct sim_state *s, unsigned int a, unsigned int q, bool in_scan)
{
	struct apr_mdev *m = holder(s, a, q);
	struct apr_mask filtered;
	struct apr_host h;

	if (!m || in_scan)
		return;
	sim_rules_host(s, &h);
	apr_filter(&h, m, &filtered);
}

static void unbind_queue(struct sim_backend *sb, unsigned int a, unsigned int q)
{
	struct sim_queue *sq = &sb->s->q[a][q];
	char drv[32];

	if (sq->driver == SIM_DRV_NONE)
		return;
	if (sq->driver == SIM_DRV_VFIO_AP)
		vfio_remove_queue(sb->s, a, q);
	snprintf(drv, sizeof(drv), "DRIVER=%s", ap_drivers[sq->driver]);
	sq->driver = SIM_DRV_NONE;
	ev_queue(sb, "unbind", a, q, drv);
}

/* The probe gate: 0, or -ENODEV when drv may not take the queue. */
static int probe_gate(struct sim_state *s, unsigned int a, unsigned int q, enum sim_drv drv)
{
	const struct sim_queue *sq = &s->q[a][q];
	bool def;

	if (drv == SIM_DRV_VFIO_AP && !s->vfio_ap)
		return -ENODEV;
	if (s->profile >= APR_PROFILE_6_19 && sq->override)
		return sq->override == drv ? 0 : -ENODEV;
	def = apr_mask_test(&s->apmask, a) && apr_mask_test(&s->aqmask, q);
	return def == (drv == SIM_DRV_CEX4QUEUE) ? 0 : -ENODEV;
}

static int bind_queue(struct sim_backend *sb, unsigned int a, unsigned int q, enum sim_drv drv,
		      bool in_scan)
{
	struct sim_queue *sq = &sb->s->q[a][q];
	char name[32];
	int rc = probe_gate(sb->s, a, q, drv);

	if (rc)
		return rc;
	sq->driver = drv;
	if (drv == SIM_DRV_VFIO_AP) {
		/* A queue moved over by a mask change starts "uninitiated" (spec §1.4). */
		sq->uninitiated = !in_scan;
		vfio_probe_queue(sb->s, a, q, in_scan);
	} else {
		sq->uninitiated = false;
		sq->online = sb->s->ad[a].online;
	}
	snprintf(name, sizeof(name), "DRIVER=%s", ap_drivers[drv]);
	ev_queue(sb, "bind", a, q, name);
	sb->s->bindings_armed = true;
	return 0;
}

/* Driver-core order: cex4queue registered first, then vfio_ap. */
static void attach_queue(struct sim_backend *sb, unsigned int a, unsigned int q, bool in_scan)
{
	if (bind_queue(sb, a, q, SIM_DRV_CEX4QUEUE, in_scan))
		bind_queue(sb, a, q, SIM_DRV_VFIO_AP, in_scan);
}

/* spec §2.4 step 6: re-probe every queue whose driver disagrees with its owner. */
static void revise_bindings(struct sim_backend *sb)
{
	struct sim_state *s = sb->s;

	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++) {
			struct sim_queue *sq = &s->q[a][q];
			bool def;

			if (!sq->exists)
				continue;
			if (s->profile >= APR_PROFILE_6_19 && sq->override) {
				if (sq->driver && sq->override == sq->driver)
					continue;
			} else {
				def = apr_mask_test(&s->apmask, a) && apr_mask_test(&s->aqmask, q);
				if (sq->driver == SIM_DRV_NONE
					    ? !def
					    : def == (sq->driver == SIM_DRV_CEX4QUEUE))
					continue;
			}
			unbind_queue(sb, a, q);
			attach_queue(sb, a, q, false);
		}
}

static unsigned int count_queues(const struct sim_state *s, unsigned int *bound)
{
	unsigned int n = 0;

	*bound = 0;
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (s->q[a][q].exists) {
				n++;
				if (s->q[a][q].driver)
					(*bound)++;
			}
	return n;
}

/* ------------------------------------------------------ scan (spec §5) */

static void create_card(struct sim_backend *sb, unsigned int a)
{
	struct sim_adapter *ad = &sb->s->ad[a];

	ad->has_card = true;
	ad->config = ad->se_config;
	ad->chkstop = ad->se_chkstop;
	ev_card(sb, "add", a, NULL);
	ad->card_bound = true;
	ev_card(sb, "bind", a, "DRIVER=cex4card");
}

static void create_queue(struct sim_backend *sb, unsigned int a, unsigned int q)
{
	struct sim_queue *sq = &sb->s->q[a][q];
	const struct sim_adapter *ad = &sb->s->ad[a];

	sq->exists = 1;
	sq->config = ad->se_config;
	sq->chkstop = ad->se_chkstop;
	sq->driver = SIM_DRV_NONE;
	ev_queue(sb, "add", a, q, NULL);
	attach_queue(sb, a, q, true);
}

static void remove_queue(struct sim_backend *sb, unsigned int a, unsigned int q)
{
	unbind_queue(sb, a, q);
	memset(&sb->s->q[a][q], 0, sizeof(sb->s->q[a][q]));
	ev_queue(sb, "remove", a, q, NULL);
}

static void remove_card(struct sim_backend *sb, unsigned int a)
{
	for (unsigned int q = 0; q < APR_BITS; q++)
		if (sb->s->q[a][q].exists)
			remove_queue(sb, a, q);
	if (sb->s->ad[a].card_bound)
		ev_card(sb, "unbind", a, "DRIVER=cex4card");
	ev_card(sb, "remove", a, NULL);
	sb->s->ad[a].has_card = false;
	sb->s->ad[a].card_bound = false;
}

/*
 * One AP bus scan (BUS ap_scan_bus with vfio_ap's on_cfg_changed and
 * on_scan_complete callbacks, spec §5.2).
 */
static void sim_scan(struct sim_backend *sb)
{
	struct sim_state *s = sb->s;
	struct apr_mask gone_apm, gone_aqm, gone_adm, add_apm, add_aqm, add_adm;
	struct apr_mask filtered;
	struct apr_host h;
	bool *added = NULL;
	unsigned int bound, total;

	apr_mask_andnot(&gone_apm, &s->seen_apm, &s->lpar_apm);
	apr_mask_andnot(&gone_aqm, &s->seen_aqm, &s->lpar_aqm);
	apr_mask_andnot(&gone_adm, &s->seen_adm, &s->lpar_adm);
	apr_mask_andnot(&add_apm, &s->lpar_apm, &s->seen_apm);
	apr_mask_andnot(&add_aqm, &s->lpar_aqm, &s->seen_aqm);
	apr_mask_andnot(&add_adm, &s->lpar_adm, &s->seen_adm);

	/* 1. on_cfg_changed: what left the LPAR leaves the guests at once. */
	if (s->nmdevs)
		added = calloc(s->nmdevs, sizeof(*added));
	for (unsigned int i = 0; i < s->nmdevs; i++) {
		struct apr_mask t1, t2, t3;

		apr_cfg_removed(&s->rm[i], &gone_apm, &gone_aqm, &gone_adm);
		apr_mask_and(&t1, &add_apm, &s->rm[i].apm);
		apr_mask_and(&t2, &add_aqm, &s->rm[i].aqm);
		apr_mask_and(&t3, &add_adm, &s->rm[i].adm);
		if (added)
			added[i] = !apr_mask_empty(&t1) || !apr_mask_empty(&t2) ||
				   !apr_mask_empty(&t3);
	}
	s->seen_apm = s->lpar_apm;
	s->seen_aqm = s->lpar_aqm;
	s->seen_adm = s->lpar_adm;
	if (!apr_mask_empty(&add_apm) || !apr_mask_empty(&add_aqm))
		s->bindings_armed = true;

	/* 2. devices: removals, then additions, in bus order. */
	for (unsigned int a = 0; a < APR_BITS; a++) {
		struct sim_adapter *ad = &s->ad[a];
		bool want = apr_mask_test(&s->lpar_apm, a) && ad->type && a <= s->max_apid;

		if (ad->has_card && !want) {
			remove_card(sb, a);
			continue;
		}
		if (!want)
			continue;
		if (!ad->has_card)
			create_card(sb, a);
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool wq = apr_mask_test(&s->lpar_aqm, q) && q <= s->max_apqi;

			if (s->q[a][q].exists && !wq)
				remove_queue(sb, a, q);
			else if (!s->q[a][q].exists && wq)
				create_queue(sb, a, q);
		}
	}

	/* SE-side configure and checkstop become visible (spec §5.1, §5.3). */
	for (unsigned int a = 0; a < APR_BITS; a++) {
		struct sim_adapter *ad = &s->ad[a];

		if (!ad->has_card)
			continue;
		if (ad->config != ad->se_config) {
			ad->config = ad->se_config;
			ev_card(sb, "change", a, ad->config ? "CONFIG=1" : "CONFIG=0");
		}
		ad->chkstop = ad->se_chkstop;
		for (unsigned int q = 0; q < APR_BITS; q++) {
			struct sim_queue *sq = &s->q[a][q];

			if (!sq->exists)
				continue;
			if (sq->config != ad->se_config) {
				sq->config = ad->se_config;
				ev_queue(sb, "change", a, q, sq->config ? "CONFIG=1" : "CONFIG=0");
			}
			sq->chkstop = ad->se_chkstop;
		}
	}

	/* 3. on_scan_complete: re-filter the mdevs that gained resources. */
	sim_rules_host(s, &h);
	for (unsigned int i = 0; added && i < s->nmdevs; i++)
		if (added[i]) {
			apr_filter(&h, &s->rm[i], &filtered);
			apr_filter_cdoms(&h, &s->rm[i]);
		}
	free(added);

	if (!s->scans++)
		ev_add(sb, "change", "/devices/ap", "ap", "INITSCAN=done", NULL);
	total = count_queues(s, &bound);
	/* Edge-triggered BINDINGS=complete (≈6.12+, spec §4.2). */
	if (s->bindings_armed && bound == total) {
		char cnt[48];

		s->bindings_armed = false;
		snprintf(cnt, sizeof(cnt), "COMPLETECOUNT=%llu", ++s->complete_count);
		ev_add(sb, "change", "/devices/ap", "ap", "BINDINGS=complete", cnt, NULL);
	}
	/* Default-domain auto selection (spec §1.2). */
	if (s->ap_domain < 0)
		for (unsigned int q = 0; q <= s->max_apqi; q++)
			if (apr_mask_test(&s->lpar_aqm, q) && apr_mask_test(&s->aqmask, q)) {
				s->ap_domain = (int)q;
				break;
			}
	sb->dirty = true;
}

/* --------------------------------------------------------------- paths */

struct spath {
	int n;
	char c[10][64];
};

static int split(const char *path, struct spath *sp)
{
	sp->n = 0;
	while (*path) {
		size_t len;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		len = strcspn(path, "/");
		if (sp->n == (int)ARRAY_SIZE(sp->c) || len >= sizeof(sp->c[0]))
			return -ENAMETOOLONG;
		memcpy(sp->c[sp->n], path, len);
		sp->c[sp->n++][len] = '\0';
		path += len;
	}
	return 0;
}

static void shift(struct spath *sp, int drop, const char *const *prefix, int np)
{
	struct spath t = *sp;

	sp->n = 0;
	for (int i = 0; i < np; i++)
		snprintf(sp->c[sp->n++], sizeof(sp->c[0]), "%s", prefix[i]);
	for (int i = drop; i < t.n && sp->n < (int)ARRAY_SIZE(sp->c); i++)
		memcpy(sp->c[sp->n++], t.c[i], sizeof(t.c[i]));
}

static bool is(const struct spath *sp, int i, const char *s)
{
	return i < sp->n && !strcmp(sp->c[i], s);
}

static int parse_card(const char *name, unsigned int *a)
{
	char *end;
	unsigned long v;

	if (strncmp(name, "card", 4) || strlen(name) != 6)
		return -ENOENT;
	v = strtoul(name + 4, &end, 16);
	if (*end)
		return -ENOENT;
	*a = (unsigned int)v;
	return 0;
}

static int parse_queue(const char *name, unsigned int *a, unsigned int *q)
{
	if (strlen(name) != 7 || name[2] != '.')
		return -ENOENT;
	return apm_parse_apqn(name, a, q) ? -ENOENT : 0;
}

static int find_mdev(const struct sim_state *s, const char *uuid)
{
	for (unsigned int i = 0; i < s->nmdevs; i++)
		if (!strcasecmp(s->mdevs[i].uuid, uuid))
			return (int)i;
	return -1;
}

/* Rewrite the bus and class symlinks to the device paths (chzcrypt uses bus/ap/devices). */
static void canonical(const struct sim_state *s, struct spath *sp)
{
	static const char *const ap[] = { "devices", "ap" };
	static const char *const matrix[] = { "devices", "vfio_ap", "matrix" };
	unsigned int a, q;

	if (is(sp, 0, "bus") && is(sp, 1, "ap") && (is(sp, 2, "devices") || is(sp, 2, "drivers"))) {
		int at = is(sp, 2, "devices") ? 3 : 4;

		if (at < sp->n && !parse_card(sp->c[at], &a)) {
			shift(sp, at, ap, 2);
		} else if (at < sp->n && !parse_queue(sp->c[at], &a, &q)) {
			char card[8];
			const char *pre[] = { "devices", "ap", card };

			snprintf(card, sizeof(card), "card%02x", a);
			shift(sp, at, pre, 3);
		}
	} else if (is(sp, 0, "bus") && is(sp, 1, "mdev") && is(sp, 2, "devices") && sp->n > 3) {
		shift(sp, 3, matrix, 3);
	} else if (is(sp, 0, "class") && is(sp, 1, "mdev_bus") && is(sp, 2, "matrix")) {
		shift(sp, 3, matrix, 3);
	} else if (is(sp, 0, "devices") && is(sp, 1, "vfio_ap") && is(sp, 2, "matrix") &&
		   is(sp, 3, "mdev_supported_types") && is(sp, 4, "vfio_ap-passthrough") &&
		   is(sp, 5, "devices") && sp->n > 6) {
		shift(sp, 6, matrix, 3);
	}
	(void)s;
}

/* ------------------------------------------------------------- reading */

enum node {
	N_NONE = 0,
	N_DIR,
	N_RO,
	N_WO,
	N_RW,
	N_LINK,
};

struct out {
	char *buf;
	size_t size, len;
};

static void outf(struct out *o, const char *fmt, ...) APM_PRINTF(2, 3);
static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!o || o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

static void out_mask(struct out *o, const struct apr_mask *m)
{
	char t[APR_MASK_STRLEN + 1];

	apr_mask_format(m, t);
	outf(o, "%s\n", t);
}

typedef int (*list_cb)(const char *name, void *data);

struct lister {
	list_cb fn;
	void *data;
	int rc;
};

static void emit_name(struct lister *l, const char *fmt, ...) APM_PRINTF(2, 3);
static void emit_name(struct lister *l, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	if (!l || l->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	l->rc = l->fn(name, l->data);
}

/* "%02x.%04x" without printf: 65536 of them per listing on a full host. */
static void emit_queue(struct lister *l, unsigned int a, unsigned int q)
{
	static const char hex[] = "0123456789abcdef";
	char name[8] = { hex[a >> 4 & 15], hex[a & 15], '.', '0', '0',
			 hex[q >> 4 & 15], hex[q & 15], 0 };

	if (!l || l->rc)
		return;
	l->rc = l->fn(name, l->data);
}

static void emit_names(struct lister *l, const char *const *names)
{
	for (; *names; names++)
		emit_name(l, "%s", *names);
}

static bool qci(const struct sim_state *s)
{
	return strcmp(s->features, "-") != 0;
}

static const char *const bus_ro[] = {
	"ap_control_domain_mask", "ap_usage_domain_mask", "ap_adapter_mask", "ap_interrupts",
	"ap_max_domain_id",	  "ap_max_adapter_id",	  "bindings",	     NULL
};
static const char *const bus_rw[] = { "ap_domain", "config_time", "poll_thread", "poll_timeout",
				      "apmask",	   "aqmask",	  "scans",	 NULL };
static const char *const card_ro[] = {
	"hwtype",	  "raw_hwtype", "depth",   "ap_functions", "requestq_count",
	"pendingq_count", "modalias",	"chkstop", "max_msg_size", NULL
};
static const char *const queue_ro[] = { "requestq_count", "pendingq_count", "interrupt", "config",
					"chkstop",	  "ap_functions",   NULL };
static const char *const mdev_wo[] = {
	"assign_adapter",	 "unassign_adapter",	    "assign_domain", "unassign_domain",
	"assign_control_domain", "unassign_control_domain", "remove",	     NULL
};
static const char *const apsim_wo[] = { "scan",
					"add_adapter",
					"remove_adapter",
					"add_usage_domain",
					"remove_usage_domain",
					"add_control_domain",
					"remove_control_domain",
					"se_config",
					"chkstop",
					"guest_start",
					"guest_stop",
					NULL };

static bool in_list(const char *const *l, const char *n)
{
	for (; *l; l++)
		if (!strcmp(*l, n))
			return true;
	return false;
}

static enum node bus_node(const struct sim_state *s, const char *attr, struct out *o)
{
	unsigned int bound, total;

	if (!strcmp(attr, "ap_domain"))
		outf(o, "%d\n", s->ap_domain);
	else if (!strcmp(attr, "ap_control_domain_mask") || !strcmp(attr, "ap_usage_domain_mask") ||
		 !strcmp(attr, "ap_adapter_mask")) {
		if (!qci(s))
			outf(o, "not supported\n");
		else
			out_mask(o, attr[3] == 'c'   ? &s->lpar_adm
				    : attr[3] == 'u' ? &s->lpar_aqm
						     : &s->lpar_apm);
	} else if (!strcmp(attr, "config_time"))
		outf(o, "%d\n", s->config_time);
	else if (!strcmp(attr, "poll_thread"))
		outf(o, "%d\n", s->poll_thread);
	else if (!strcmp(attr, "ap_interrupts"))
		outf(o, "1\n");
	else if (!strcmp(attr, "poll_timeout"))
		outf(o, "%llu\n", s->poll_timeout);
	else if (!strcmp(attr, "ap_max_domain_id"))
		outf(o, "%u\n", s->max_apqi);
	else if (!strcmp(attr, "ap_max_adapter_id"))
		outf(o, "%u\n", s->max_apid);
	else if (!strcmp(attr, "apmask"))
		out_mask(o, &s->apmask);
	else if (!strcmp(attr, "aqmask"))
		out_mask(o, &s->aqmask);
	else if (!strcmp(attr, "scans"))
		outf(o, "%llu\n", s->scans);
	else if (!strcmp(attr, "bindings")) {
		total = count_queues(s, &bound);
		outf(o, "%u/%u%s\n", bound, total, s->scans && bound == total ? " (complete)" : "");
	} else if (!strcmp(attr, "bindings_complete_count") && s->profile >= APR_PROFILE_6_19)
		outf(o, "%llu\n", s->complete_count);
	else if (!strcmp(attr, "features") && s->profile >= APR_PROFILE_6_10)
		outf(o, "%s\n", s->features);
	else if (!strcmp(attr, "drivers_autoprobe"))
		outf(o, "1\n");
	else if (!strcmp(attr, "drivers_probe") || !strcmp(attr, "uevent"))
		return N_WO;
	else
		return N_NONE;
	if (in_list(bus_rw, attr))
		return N_RW;
	return !strcmp(attr, "drivers_autoprobe") ? N_RW : N_RO;
}

static void list_bus(const struct sim_state *s, struct lister *l)
{
	static const char *const extra[] = { "drivers_autoprobe", "drivers_probe", "uevent",
					     "devices",		  "drivers",	   NULL };

	emit_names(l, bus_ro);
	emit_names(l, bus_rw);
	if (s->profile >= APR_PROFILE_6_10)
		emit_name(l, "features");
	if (s->profile >= APR_PROFILE_6_19)
		emit_name(l, "bindings_complete_count");
	emit_names(l, extra);
}

static bool card_zcrypt(const struct sim_adapter *ad)
{
	return ad->card_bound;
}

static enum node card_node(const struct sim_state *s, unsigned int a, const char *attr,
			   struct out *o)
{
	const struct sim_adapter *ad = &s->ad[a];
	const struct apr_card_type *t = ad->type;
	uint32_t fn = t->functions & 0xffff0000u;
	unsigned long long pend = 0;

	if (!qci(s) || s->max_apid <= 63)
		fn &= ~0x02000000u; /* no APXA on such a machine */
	if (!strcmp(attr, "hwtype") || !strcmp(attr, "raw_hwtype"))
		outf(o, "%u\n", t->hwtype);
	else if (!strcmp(attr, "depth"))
		outf(o, "%u\n", t->depth);
	else if (!strcmp(attr, "ap_functions"))
		outf(o, "0x%08X\n", fn);
	else if (!strcmp(attr, "request_count"))
		outf(o, "%llu\n", ad->request_count);
	else if (!strcmp(attr, "requestq_count") || !strcmp(attr, "pendingq_count"))
		outf(o, "%llu\n", pend);
	else if (!strcmp(attr, "modalias"))
		outf(o, "ap:t%02X\n", t->hwtype);
	else if (!strcmp(attr, "config"))
		outf(o, "%d\n", ad->config);
	else if (!strcmp(attr, "chkstop"))
		outf(o, "%d\n", ad->chkstop);
	else if (!strcmp(attr, "max_msg_size"))
		outf(o, "%u\n", t->max_msg_size);
	else if (card_zcrypt(ad) && !strcmp(attr, "type"))
		outf(o, "%s\n", t->name);
	else if (card_zcrypt(ad) && !strcmp(attr, "online"))
		outf(o, "%d\n", ad->online && ad->config && !ad->chkstop);
	else if (card_zcrypt(ad) && !strcmp(attr, "load"))
		outf(o, "0\n");
	else if (card_zcrypt(ad) && !strcmp(attr, "serialnr") && strcmp(t->mode, "accel"))
		outf(o, "%s\n", "93AADFK9");
	else if (!strcmp(attr, "uevent"))
		outf(o, "DEVTYPE=ap_card\n%sDEV_TYPE=%04X\nMODALIAS=ap:t%02X\nMODE=%s\n",
		     ad->card_bound ? "DRIVER=cex4card\n" : "", t->hwtype, t->hwtype, t->mode);
	else
		return N_NONE;
	if (!strcmp(attr, "request_count") || !strcmp(attr, "config") || !strcmp(attr, "online") ||
	    !strcmp(attr, "uevent"))
		return N_RW;
	return N_RO;
}

static void list_card(const struct sim_state *s, unsigned int a, struct lister *l)
{
	static const char *const rw[] = { "request_count", "config",	"uevent",
					  "driver",	   "subsystem", NULL };

	emit_names(l, card_ro);
	emit_names(l, rw);
	if (card_zcrypt(&s->ad[a])) {
		emit_name(l, "type");
		emit_name(l, "online");
		emit_name(l, "load");
		if (strcmp(s->ad[a].type->mode, "accel"))
			emit_name(l, "serialnr");
	}
	for (unsigned int q = 0; q < APR_BITS; q++)
		if (s->q[a][q].exists)
			emit_queue(l, a, q);
}

static const char *override_name(const struct sim_state *s, unsigned int o)
{
	return o == 1 ? "cex4queue" : o == 2 ? "vfio_ap" : o == 3 ? s->override_other : "";
}

static enum node queue_node(const struct sim_state *s, unsigned int a, unsigned int q,
			    const char *attr, struct out *o)
{
	const struct sim_queue *sq = &s->q[a][q];
	const struct sim_adapter *ad = &s->ad[a];

	if (!strcmp(attr, "request_count")) {
		if (sq->uninitiated)
			outf(o, "-\n");
		else
			outf(o, "%llu\n", sq->request_count);
		return N_RW;
	}
	if (!strcmp(attr, "requestq_count") || !strcmp(attr, "pendingq_count"))
		outf(o, "0\n");
	else if (!strcmp(attr, "reset")) {
		outf(o, "No Reset Timer set.\n");
		return N_RW;
	} else if (!strcmp(attr, "interrupt"))
		outf(o, sq->driver ? "Interrupts enabled.\n" : "Interrupts disabled.\n");
	else if (!strcmp(attr, "config"))
		outf(o, "%d\n", sq->config);
	else if (!strcmp(attr, "chkstop"))
		outf(o, "%d\n", sq->chkstop);
	else if (!strcmp(attr, "ap_functions")) {
		uint32_t fn = ad->type->functions;

		if (!qci(s) || s->max_apid <= 63)
			fn &= ~0x02000000u;
		outf(o, "0x%08X\n", fn);
	} else if (!strcmp(attr, "driver_override") && s->profile >= APR_PROFILE_6_19) {
		outf(o, "%s\n", override_name(s, sq->override));
		return N_RW;
	} else if (sq->driver == SIM_DRV_CEX4QUEUE && !strcmp(attr, "online")) {
		outf(o, "%d\n",
		     sq->online && sq->config && !sq->chkstop && ad->config && !ad->chkstop);
		return N_RW;
	} else if (sq->driver == SIM_DRV_CEX4QUEUE && !strcmp(attr, "load"))
		outf(o, "0\n");
	else if (sq->driver == SIM_DRV_VFIO_AP && !strcmp(attr, "status"))
		outf(o, "%s\n", apr_queue_status(s->rm, (int)s->nmdevs, a, q));
	else if (!strcmp(attr, "uevent")) {
		/* DEVTYPE from the device type, DRIVER from the driver core, then the bus's. */
		outf(o, "DEVTYPE=ap_queue\n");
		if (sq->driver)
			outf(o, "DRIVER=%s\n", ap_drivers[sq->driver]);
		outf(o, "MODE=%s\n", ad->type->mode);
		return N_RW;
	} else
		return N_NONE;
	return N_RO;
}

static void list_queue(const struct sim_state *s, unsigned int a, unsigned int q, struct lister *l)
{
	static const char *const std[] = { "request_count", "reset", "uevent", "subsystem", NULL };
	const struct sim_queue *sq = &s->q[a][q];

	emit_names(l, queue_ro);
	emit_names(l, std);
	if (sq->driver)
		emit_name(l, "driver");
	if (s->profile >= APR_PROFILE_6_19)
		emit_name(l, "driver_override");
	if (sq->driver == SIM_DRV_CEX4QUEUE) {
		emit_name(l, "online");
		emit_name(l, "load");
	}
	if (sq->driver == SIM_DRV_VFIO_AP)
		emit_name(l, "status");
}

static bool mdev_attr_exists(const struct sim_state *s, const char *attr)
{
	if (in_list(mdev_wo, attr) || !strcmp(attr, "matrix") || !strcmp(attr, "control_domains") ||
	    !strcmp(attr, "uevent"))
		return true;
	if (!strcmp(attr, "guest_matrix"))
		return s->profile >= APR_PROFILE_6_0;
	if (!strcmp(attr, "ap_config"))
		return s->profile >= APR_PROFILE_6_10;
	return false;
}

static enum node mdev_node(const struct sim_state *s, int i, const char *attr, struct out *o)
{
	const struct apr_mdev *m = &s->rm[i];

	if (!mdev_attr_exists(s, attr))
		return N_NONE;
	if (in_list(mdev_wo, attr))
		return N_WO;
	if (o && !strcmp(attr, "matrix"))
		o->len = apr_matrix_format(&m->apm, &m->aqm, s->max_apid, s->max_apqi, o->buf,
					   o->size);
	else if (o && !strcmp(attr, "guest_matrix"))
		o->len = apr_matrix_format(&m->sapm, &m->saqm, s->max_apid, s->max_apqi, o->buf,
					   o->size);
	else if (!strcmp(attr, "control_domains")) {
		for (unsigned int d = apr_mask_next(&m->adm, 0); d <= s->max_apqi && d < APR_BITS;
		     d = apr_mask_next(&m->adm, d + 1))
			outf(o, "%04x\n", d);
	} else if (!strcmp(attr, "ap_config")) {
		char t[3][APR_MASK_STRLEN + 1];

		apr_mask_format(&m->apm, t[0]);
		apr_mask_format(&m->aqm, t[1]);
		apr_mask_format(&m->adm, t[2]);
		outf(o, "%s,%s,%s\n", t[0], t[1], t[2]);
		return N_RW;
	} else if (!strcmp(attr, "uevent")) {
		/* The driver core's view: the mdev bus adds nothing (6.1 mdev core). */
		outf(o, "DRIVER=vfio_ap_mdev\n");
		return N_RW;
	}
	return N_RO;
}

static void list_mdev(const struct sim_state *s, struct lister *l)
{
	static const char *const names[] = { "matrix", "control_domains", "uevent",    "mdev_type",
					     "driver", "iommu_group",	  "subsystem", NULL };

	emit_names(l, mdev_wo);
	emit_names(l, names);
	if (s->profile >= APR_PROFILE_6_0)
		emit_name(l, "guest_matrix");
	if (s->profile >= APR_PROFILE_6_10)
		emit_name(l, "ap_config");
}

/*
 * Resolve a canonical path: the node kind, its content (o may be NULL), its
 * directory entries (l may be NULL) or its link target (link may be NULL).
 */
/*
 * bus/ap/drivers/DRV/NAME exists only while device NAME is bound to DRV;
 * it is a link to the device (spec §1.5).  Fills the link target.
 */
static bool ap_driver_has(const struct sim_state *s, const struct spath *sp, char *link,
			  size_t lsize)
{
	unsigned int a, q, d;

	for (d = 0; d < 3 && strcmp(ap_drivers[d], sp->c[3]); d++)
		;
	if (d == 3 || (d == 2 && !s->vfio_ap))
		return false;
	if (!parse_card(sp->c[4], &a)) {
		if (d != 0 || !s->ad[a].card_bound)
			return false;
		if (link)
			snprintf(link, lsize, "../../../../devices/ap/%s", sp->c[4]);
		return true;
	}
	if (parse_queue(sp->c[4], &a, &q) || !s->q[a][q].exists || s->q[a][q].driver != d || !d)
		return false;
	if (link)
		snprintf(link, lsize, "../../../../devices/ap/card%02x/%s", a, sp->c[4]);
	return true;
}

static enum node resolve(const struct sim_state *s, struct spath *sp, struct out *o,
			 struct lister *l, char *link, size_t lsize)
{
	unsigned int a, q;
	int i;

	if (sp->n >= 5 && is(sp, 0, "bus") && is(sp, 1, "ap") && is(sp, 2, "drivers") &&
	    !is(sp, 4, "bind") && !is(sp, 4, "unbind") && !is(sp, 4, "uevent") &&
	    !ap_driver_has(s, sp, NULL, 0))
		return N_NONE;
	canonical(s, sp);
	if (sp->n == 0) {
		emit_name(l, "bus");
		emit_name(l, "devices");
		emit_name(l, "class");
		emit_name(l, "kernel");
		return N_DIR;
	}
	/* bus/ap */
	if (is(sp, 0, "bus") && is(sp, 1, "ap")) {
		if (sp->n == 2) {
			list_bus(s, l);
			return N_DIR;
		}
		if (sp->n == 3 && is(sp, 2, "devices")) {
			for (a = 0; a < APR_BITS; a++) {
				if (!s->ad[a].has_card)
					continue;
				emit_name(l, "card%02x", a);
				for (q = 0; q < APR_BITS; q++)
					if (s->q[a][q].exists)
						emit_queue(l, a, q);
			}
			return N_DIR;
		}
		if (is(sp, 2, "drivers")) {
			int d;

			if (sp->n == 3) {
				for (d = 0; ap_drivers[d]; d++)
					if (d < 2 || s->vfio_ap)
						emit_name(l, "%s", ap_drivers[d]);
				return N_DIR;
			}
			for (d = 0; ap_drivers[d] && strcmp(ap_drivers[d], sp->c[3]); d++)
				;
			if (!ap_drivers[d] || (d == 2 && !s->vfio_ap))
				return N_NONE;
			if (sp->n == 4) {
				emit_name(l, "bind");
				emit_name(l, "unbind");
				emit_name(l, "uevent");
				for (a = 0; a < APR_BITS; a++) {
					if (d == 0 && s->ad[a].card_bound)
						emit_name(l, "card%02x", a);
					for (q = 0; d && q < APR_BITS; q++)
						if (s->q[a][q].exists && s->q[a][q].driver == d)
							emit_queue(l, a, q);
				}
				return N_DIR;
			}
			if (sp->n == 5 &&
			    (is(sp, 4, "bind") || is(sp, 4, "unbind") || is(sp, 4, "uevent")))
				return N_WO;
			return N_NONE;
		}
		if (sp->n == 3)
			return bus_node(s, sp->c[2], o);
		return N_NONE;
	}
	if (is(sp, 0, "bus") && sp->n == 1) {
		emit_name(l, "ap");
		if (s->vfio_ap) {
			emit_name(l, "matrix");
			emit_name(l, "mdev");
		}
		return N_DIR;
	}
	if (is(sp, 0, "bus") && is(sp, 1, "matrix") && s->vfio_ap) {
		bool devs = is(sp, 2, "devices"), drvs = is(sp, 2, "drivers");

		if (sp->n == 2) {
			emit_name(l, "devices");
			emit_name(l, "drivers");
			return N_DIR;
		}
		if (sp->n == 3 && (devs || drvs)) {
			emit_name(l, devs ? "matrix" : "vfio_ap");
			return N_DIR;
		}
		if (sp->n == 4 && drvs && is(sp, 3, "vfio_ap")) {
			emit_name(l, "matrix");
			return N_DIR;
		}
		if ((sp->n == 4 && devs && is(sp, 3, "matrix")) ||
		    (sp->n == 5 && drvs && is(sp, 3, "vfio_ap") && is(sp, 4, "matrix"))) {
			snprintf(link, lsize, "%s../../../devices/vfio_ap/matrix",
				 devs ? "" : "../");
			return N_LINK;
		}
		return N_NONE;
	}
	if (is(sp, 0, "bus") && is(sp, 1, "mdev") && s->vfio_ap) {
		if (sp->n == 2) {
			emit_name(l, "devices");
			emit_name(l, "drivers");
			return N_DIR;
		}
		if (sp->n == 3 && is(sp, 2, "drivers")) {
			emit_name(l, "vfio_ap_mdev");
			return N_DIR;
		}
		if (sp->n == 4 && is(sp, 2, "drivers") && is(sp, 3, "vfio_ap_mdev")) {
			for (unsigned int k = 0; k < s->nmdevs; k++)
				emit_name(l, "%s", s->mdevs[k].uuid);
			return N_DIR;
		}
		if (sp->n == 5 && is(sp, 2, "drivers") && is(sp, 3, "vfio_ap_mdev") &&
		    find_mdev(s, sp->c[4]) >= 0) {
			snprintf(link, lsize, "../../../../devices/vfio_ap/matrix/%s", sp->c[4]);
			return N_LINK;
		}
		if (sp->n == 3 && is(sp, 2, "devices")) {
			for (unsigned int k = 0; k < s->nmdevs; k++)
				emit_name(l, "%s", s->mdevs[k].uuid);
			return N_DIR;
		}
		return N_NONE;
	}
	if (is(sp, 0, "class") && sp->n <= 2) {
		if (sp->n == 1) {
			if (s->vfio_ap)
				emit_name(l, "mdev_bus");
			return N_DIR;
		}
		if (is(sp, 1, "mdev_bus") && s->vfio_ap) {
			emit_name(l, "matrix");
			return N_DIR;
		}
		return N_NONE;
	}
	/* devices/ap */
	if (is(sp, 0, "devices") && sp->n == 1) {
		emit_name(l, "ap");
		if (s->vfio_ap)
			emit_name(l, "vfio_ap");
		return N_DIR;
	}
	if (is(sp, 0, "devices") && is(sp, 1, "ap")) {
		if (sp->n == 2) {
			emit_name(l, "uevent");
			for (a = 0; a < APR_BITS; a++)
				if (s->ad[a].has_card)
					emit_name(l, "card%02x", a);
			return N_DIR;
		}
		if (sp->n == 3 && is(sp, 2, "uevent"))
			return N_RW;
		if (parse_card(sp->c[2], &a) || !s->ad[a].has_card)
			return N_NONE;
		if (sp->n == 3) {
			list_card(s, a, l);
			return N_DIR;
		}
		if (sp->n == 4 && is(sp, 3, "driver")) {
			if (!s->ad[a].card_bound)
				return N_NONE;
			snprintf(link, lsize, "../../../bus/ap/drivers/cex4card");
			return N_LINK;
		}
		if (sp->n == 4 && is(sp, 3, "subsystem")) {
			snprintf(link, lsize, "../../../bus/ap");
			return N_LINK;
		}
		if (sp->n == 4 && parse_queue(sp->c[3], &a, &q)) /* a card attribute */
			return card_node(s, a, sp->c[3], o);
		if (parse_queue(sp->c[3], &a, &q) || !s->q[a][q].exists)
			return N_NONE;
		{
			unsigned int ca;

			parse_card(sp->c[2], &ca);
			if (ca != a)
				return N_NONE;
		}
		if (sp->n == 4) {
			list_queue(s, a, q, l);
			return N_DIR;
		}
		if (sp->n == 5 && is(sp, 4, "driver")) {
			if (!s->q[a][q].driver)
				return N_NONE;
			snprintf(link, lsize, "../../../../bus/ap/drivers/%s",
				 ap_drivers[s->q[a][q].driver]);
			return N_LINK;
		}
		if (sp->n == 5 && is(sp, 4, "subsystem")) {
			snprintf(link, lsize, "../../../../bus/ap");
			return N_LINK;
		}
		if (sp->n == 5)
			return queue_node(s, a, q, sp->c[4], o);
		return N_NONE;
	}
	/* devices/vfio_ap/matrix */
	if (is(sp, 0, "devices") && is(sp, 1, "vfio_ap") && s->vfio_ap) {
		if (sp->n == 2) {
			emit_name(l, "matrix");
			emit_name(l, "uevent");
			return N_DIR;
		}
		if (!is(sp, 2, "matrix"))
			return sp->n == 3 && is(sp, 2, "uevent") ? N_RW : N_NONE;
		if (sp->n == 3) {
			static const char *const names[] = { "mdev_supported_types", "uevent",
							     "driver", "subsystem", NULL };

			emit_names(l, names);
			if (s->profile >= APR_PROFILE_6_13)
				emit_name(l, "features");
			for (unsigned int k = 0; k < s->nmdevs; k++)
				emit_name(l, "%s", s->mdevs[k].uuid);
			return N_DIR;
		}
		if (sp->n == 4 && is(sp, 3, "features") && s->profile >= APR_PROFILE_6_13) {
			outf(o, "guest_matrix hotplug ap_config\n");
			return N_RO;
		}
		if (sp->n == 4 && is(sp, 3, "uevent"))
			return N_RW;
		if (sp->n == 4 && is(sp, 3, "driver")) {
			snprintf(link, lsize, "../../../bus/matrix/drivers/vfio_ap");
			return N_LINK;
		}
		if (sp->n == 4 && is(sp, 3, "subsystem")) {
			snprintf(link, lsize, "../../../bus/matrix");
			return N_LINK;
		}
		if (is(sp, 3, "mdev_supported_types")) {
			if (sp->n == 4) {
				emit_name(l, "vfio_ap-passthrough");
				return N_DIR;
			}
			if (!is(sp, 4, "vfio_ap-passthrough"))
				return N_NONE;
			if (sp->n == 5) {
				static const char *const names[] = {
					"name",	  "device_api", "available_instances",
					"create", "devices",	NULL
				};

				emit_names(l, names);
				return N_DIR;
			}
			if (sp->n == 6 && is(sp, 5, "devices")) {
				for (unsigned int k = 0; k < s->nmdevs; k++)
					emit_name(l, "%s", s->mdevs[k].uuid);
				return N_DIR;
			}
			if (sp->n != 6)
				return N_NONE;
			if (is(sp, 5, "name"))
				outf(o, "VFIO AP Passthrough Device\n");
			else if (is(sp, 5, "device_api"))
				outf(o, "vfio-ap\n");
			else if (is(sp, 5, "available_instances"))
				outf(o, "%u\n", SIM_MAX_INSTANCES - s->nmdevs);
			else if (is(sp, 5, "create"))
				return N_WO;
			else
				return N_NONE;
			return N_RO;
		}
		i = find_mdev(s, sp->c[3]);
		if (i < 0)
			return N_NONE;
		if (sp->n == 4) {
			list_mdev(s, l);
			return N_DIR;
		}
		if (sp->n != 5)
			return N_NONE;
		if (is(sp, 4, "mdev_type")) {
			snprintf(link, lsize, "../mdev_supported_types/vfio_ap-passthrough");
			return N_LINK;
		}
		if (is(sp, 4, "driver")) {
			snprintf(link, lsize, "../../../../bus/mdev/drivers/vfio_ap_mdev");
			return N_LINK;
		}
		if (is(sp, 4, "subsystem")) {
			snprintf(link, lsize, "../../../../bus/mdev");
			return N_LINK;
		}
		if (is(sp, 4, "iommu_group")) {
			snprintf(link, lsize, "../../../../kernel/iommu_groups/%d",
				 s->mdevs[i].group);
			return N_LINK;
		}
		return mdev_node(s, i, sp->c[4], o);
	}
	/* kernel/apsim: the hypervisor's controls (shared with kmod/). */
	if (is(sp, 0, "kernel")) {
		if (sp->n == 1) {
			emit_name(l, "apsim");
			return N_DIR;
		}
		if (!is(sp, 1, "apsim"))
			return N_NONE;
		if (sp->n == 2) {
			emit_names(l, apsim_wo);
			emit_name(l, "guests");
			return N_DIR;
		}
		if (sp->n == 3 && is(sp, 2, "guests")) {
			for (unsigned int k = 0; k < s->nmdevs; k++)
				if (s->rm[k].attached)
					outf(o, "%s %s\n", s->mdevs[k].uuid, s->mdevs[k].guest);
			return N_RO;
		}
		if (sp->n == 3 && in_list(apsim_wo, sp->c[2]))
			return N_WO;
	}
	return N_NONE;
}

/* ------------------------------------------------------ the file side */

static int sim_refresh(struct sim_backend *sb);
static int sim_save(struct sim_backend *sb);
static int sim_lock(struct sim_backend *sb);
static void sim_unlock(struct sim_backend *sb);

static int sim_read(void *be, const char *path, char *buf, size_t size)
{
	struct sim_backend *sb = be;
	struct out o = { .buf = buf, .size = size < APR_PAGE_SIZE ? size : APR_PAGE_SIZE };
	struct spath sp;
	enum node n;
	int rc;

	if (size)
		buf[0] = '\0';
	rc = sim_refresh(sb);
	if (rc)
		return rc;
	if (split(path, &sp))
		return -ENAMETOOLONG;
	n = resolve(sb->s, &sp, &o, NULL, NULL, 0);
	switch (n) {
	case N_NONE:
		return -ENOENT;
	case N_DIR:
		return -EISDIR;
	case N_WO:
		return -EACCES;
	case N_LINK:
		return -ENOENT;
	default:
		break;
	}
	return (int)o.len;
}

static int sim_list(void *be, const char *path, apm_list_fn fn, void *data)
{
	struct sim_backend *sb = be;
	struct lister l = { .fn = fn, .data = data };
	struct spath sp;
	enum node n;
	int rc;

	rc = sim_refresh(sb);
	if (rc)
		return rc;
	if (split(path, &sp))
		return -ENAMETOOLONG;
	n = resolve(sb->s, &sp, NULL, &l, NULL, 0);
	if (n == N_NONE)
		return -ENOENT;
	if (n != N_DIR)
		return -ENOTDIR;
	return l.rc;
}

static int sim_readlink(void *be, const char *path, char *buf, size_t size)
{
	struct sim_backend *sb = be;
	struct spath sp;
	enum node n;
	int rc;

	rc = sim_refresh(sb);
	if (rc)
		return rc;
	if (split(path, &sp))
		return -ENAMETOOLONG;
	/* The bus and class links themselves point at the devices. */
	if (sp.n == 4 && is(&sp, 0, "bus") && is(&sp, 1, "ap") && is(&sp, 2, "devices")) {
		unsigned int a, q;

		if (!parse_card(sp.c[3], &a) && sb->s->ad[a].has_card)
			return snprintf(buf, size, "../../../devices/ap/%s", sp.c[3]);
		if (!parse_queue(sp.c[3], &a, &q) && sb->s->q[a][q].exists)
			return snprintf(buf, size, "../../../devices/ap/card%02x/%s", a, sp.c[3]);
		return -ENOENT;
	}
	if (sp.n == 4 && is(&sp, 0, "bus") && is(&sp, 1, "mdev") && is(&sp, 2, "devices")) {
		if (find_mdev(sb->s, sp.c[3]) < 0)
			return -ENOENT;
		return snprintf(buf, size, "../../../devices/vfio_ap/matrix/%s", sp.c[3]);
	}
	if (sp.n == 5 && is(&sp, 0, "bus") && is(&sp, 1, "ap") && is(&sp, 2, "drivers") &&
	    ap_driver_has(sb->s, &sp, buf, size))
		return (int)strlen(buf);
	if (sp.n == 3 && is(&sp, 0, "class") && is(&sp, 1, "mdev_bus") && is(&sp, 2, "matrix"))
		return sb->s->vfio_ap ? snprintf(buf, size, "../../devices/vfio_ap/matrix")
				      : -ENOENT;
	n = resolve(sb->s, &sp, NULL, NULL, buf, size);
	if (n == N_NONE)
		return -ENOENT;
	if (n != N_LINK)
		return -EINVAL;
	return (int)strlen(buf);
}

static int sim_can_write(void *be, const char *path)
{
	struct sim_backend *sb = be;
	struct spath sp;
	enum node n;

	if (split(path, &sp))
		return 0;
	n = resolve(sb->s, &sp, NULL, NULL, NULL, 0);
	return n == N_WO || n == N_RW;
}

/* ------------------------------------------------------------- writing */

static int parse_id(const char *buf, unsigned int max, unsigned int *id)
{
	unsigned long long v;
	int rc = apr_kstrtoul(buf, &v);

	if (rc)
		return rc;
	if (v > max)
		return -ENODEV;
	*id = (unsigned int)v;
	return 0;
}

static int write_mask(struct sim_backend *sb, bool aq, const char *str)
{
	struct sim_state *s = sb->s;
	struct apr_conflict c;
	struct apr_mask newmask;
	struct apr_host h;
	char prop[80], t[APR_MASK_STRLEN + 1];
	int rc;

	sim_rules_host(s, &h);
	rc = apr_mask_store(&h, s->rm, (int)s->nmdevs, aq, str, &newmask, &c);
	if (rc < 0) {
		if (rc == -EBUSY)
			info(sb->ctx,
			     "Can not reserve queue %02x.%04x for host driver: in use by mdev",
			     c.apid, c.apqi);
		return rc;
	}
	if (rc == 1)
		return 0; /* unchanged: nothing else happens (spec §2.4 step 3) */
	if (aq)
		s->aqmask = newmask;
	else
		s->apmask = newmask;
	revise_bindings(sb);
	apr_mask_format(&newmask, t);
	snprintf(prop, sizeof(prop), "%s=%s", aq ? "AQMASK" : "APMASK", t);
	ev_add(sb, "change", "/devices/ap", "ap", prop, NULL);
	sb->dirty = true;
	return 0;
}

static int write_bus(struct sim_backend *sb, const char *attr, const char *buf)
{
	struct sim_state *s = sb->s;
	unsigned long long v;
	long iv;

	if (!strcmp(attr, "apmask") || !strcmp(attr, "aqmask"))
		return write_mask(sb, attr[1] == 'q', buf);
	if (!strcmp(attr, "ap_domain")) {
		/* sscanf("%i"): decimal, 0x hex or leading-0 octal, garbage after ignored. */
		const char *p = buf, *end;
		bool neg = *p == '-';

		if (*p == '-' || *p == '+')
			p++;
		v = apr_simple_strtoul(p, &end);
		if (end == p || neg || v > s->max_apqi || !apr_mask_test(&s->aqmask, (unsigned)v))
			return -EINVAL;
		s->ap_domain = (int)v;
	} else if (!strcmp(attr, "config_time")) {
		if (apr_scan_int(buf, &iv) || iv < 5 || iv > 120)
			return -EINVAL;
		s->config_time = (int)iv;
	} else if (!strcmp(attr, "poll_thread")) {
		/* kstrtobool */
		if (strchr("1yY", buf[0]) || !strncasecmp(buf, "on", 2))
			s->poll_thread = true;
		else if (strchr("0nN", buf[0]) || !strncasecmp(buf, "of", 2))
			s->poll_thread = false;
		else
			return -EINVAL;
	} else if (!strcmp(attr, "poll_timeout")) {
		int rc = apr_kstrtoul(buf, &v);

		if (rc)
			return rc;
		if (v > 120000000000ULL)
			return -EINVAL;
		s->poll_timeout = v;
	} else if (!strcmp(attr, "scans")) {
		if (s->scans)
			sim_scan(sb);
		return 0;
	} else if (!strcmp(attr, "drivers_autoprobe")) {
		return 0;
	} else {
		return -EACCES;
	}
	sb->dirty = true;
	return 0;
}

/* Driver-core bind/unbind/drivers_probe (sysfs_streq: one trailing '\n' is fine). */
static int write_driver(struct sim_backend *sb, const char *drv, const char *attr, const char *buf)
{
	struct sim_state *s = sb->s;
	char name[32];
	unsigned int a, q;
	enum sim_drv d;
	int rc;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(buf, "\n"), buf);
	if (!strcmp(drv, "cex4card")) {
		if (parse_card(name, &a) || !s->ad[a].has_card)
			return -ENODEV;
		if (!strcmp(attr, "unbind")) {
			if (!s->ad[a].card_bound)
				return -ENODEV;
			s->ad[a].card_bound = false;
			ev_card(sb, "unbind", a, "DRIVER=cex4card");
		} else {
			if (s->ad[a].card_bound)
				return -EBUSY;
			s->ad[a].card_bound = true;
			ev_card(sb, "bind", a, "DRIVER=cex4card");
		}
		sb->dirty = true;
		return 0;
	}
	d = !strcmp(drv, "cex4queue") ? SIM_DRV_CEX4QUEUE : SIM_DRV_VFIO_AP;
	if (parse_queue(name, &a, &q) || !s->q[a][q].exists)
		return -ENODEV;
	if (!strcmp(attr, "unbind")) {
		if (s->q[a][q].driver != d)
			return -ENODEV;
		unbind_queue(sb, a, q);
	} else {
		if (s->q[a][q].driver)
			return -EBUSY;
		rc = bind_queue(sb, a, q, d, false);
		if (rc)
			return rc;
	}
	sb->dirty = true;
	return 0;
}

static int write_card(struct sim_backend *sb, unsigned int a, const char *attr, const char *buf)
{
	struct sim_state *s = sb->s;
	struct sim_adapter *ad = &s->ad[a];
	long v;

	if (!strcmp(attr, "config")) {
		if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
			return -EINVAL;
		if (!s->sclp)
			return -EOPNOTSUPP;
		/* SCLP (de)configure; the queues follow at the next scan (spec §5.1). */
		ad->se_config = v;
		ad->config = v;
		ev_card(sb, "change", a, v ? "CONFIG=1" : "CONFIG=0");
	} else if (!strcmp(attr, "online") && ad->card_bound) {
		if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
			return -EINVAL;
		if (v && (!ad->config || ad->chkstop))
			return -ENODEV;
		ad->online = v;
		ev_card(sb, "change", a, v ? "ONLINE=1" : "ONLINE=0");
		for (unsigned int q = 0; q < APR_BITS; q++) {
			struct sim_queue *sq = &s->q[a][q];

			if (!sq->exists || sq->driver != SIM_DRV_CEX4QUEUE || sq->online == v)
				continue;
			sq->online = v;
			ev_queue(sb, "change", a, q, v ? "ONLINE=1" : "ONLINE=0");
		}
	} else if (!strcmp(attr, "request_count")) {
		ad->request_count = 0;
		for (unsigned int q = 0; q < APR_BITS; q++)
			s->q[a][q].request_count = 0;
	} else if (!strcmp(attr, "uevent")) {
		return 0;
	} else {
		return -EACCES;
	}
	sb->dirty = true;
	return 0;
}

static int write_queue(struct sim_backend *sb, unsigned int a, unsigned int q, const char *attr,
		       const char *buf)
{
	struct sim_state *s = sb->s;
	struct sim_queue *sq = &s->q[a][q];
	const struct sim_adapter *ad = &s->ad[a];
	long v;

	if (!strcmp(attr, "online") && sq->driver == SIM_DRV_CEX4QUEUE) {
		if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
			return -EINVAL;
		if (v && (!sq->config || sq->chkstop || !ad->config || ad->chkstop))
			return -ENODEV;
		if (v && !ad->online)
			return -EINVAL;
		sq->online = v;
		ev_queue(sb, "change", a, q, v ? "ONLINE=1" : "ONLINE=0");
	} else if (!strcmp(attr, "request_count")) {
		sq->request_count = 0;
	} else if (!strcmp(attr, "reset")) {
		sq->uninitiated = false; /* the state machine restarts with a reset */
	} else if (!strcmp(attr, "driver_override") && s->profile >= APR_PROFILE_6_19) {
		char name[32];
		size_t len = strcspn(buf, "\n");

		if (!apr_mask_full(&s->apmask) || !apr_mask_full(&s->aqmask))
			return -EINVAL;
		if (len >= sizeof(name))
			return -EINVAL;
		memcpy(name, buf, len);
		name[len] = '\0';
		if (!len)
			sq->override = 0;
		else if (!strcmp(name, "cex4queue"))
			sq->override = 1;
		else if (!strcmp(name, "vfio_ap"))
			sq->override = 2;
		else {
			snprintf(s->override_other, sizeof(s->override_other), "%s", name);
			sq->override = 3;
		}
	} else if (!strcmp(attr, "uevent")) {
		return 0;
	} else {
		return -EACCES;
	}
	sb->dirty = true;
	return 0;
}

static int mdev_create(struct sim_backend *sb, const char *buf, size_t len)
{
	struct sim_state *s = sb->s;
	char uuid[37];
	struct sim_mdev *mx;
	struct apr_mdev *rm;
	unsigned int n = s->nmdevs;

	/* mdev core: exactly 36 chars, or 37 with a trailing newline (spec §1.6). */
	if (len != 36 && !(len == 37 && buf[36] == '\n'))
		return -EINVAL;
	memcpy(uuid, buf, 36);
	uuid[36] = '\0';
	if (!apm_uuid_valid(uuid))
		return -EINVAL;
	for (int i = 0; i < 36; i++)
		uuid[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] - 'A' + 'a' : uuid[i]);
	if (find_mdev(s, uuid) >= 0)
		return -EEXIST;
	if (n >= SIM_MAX_INSTANCES)
		return s->profile >= APR_PROFILE_6_0 ? -EUSERS : -EPERM;
	mx = realloc(s->mdevs, (n + 1) * sizeof(*mx));
	if (!mx)
		return -ENOMEM;
	s->mdevs = mx;
	rm = realloc(s->rm, (n + 1) * sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	s->rm = rm;
	memset(&mx[n], 0, sizeof(mx[n]));
	memset(&rm[n], 0, sizeof(rm[n]));
	memcpy(mx[n].uuid, uuid, sizeof(uuid));
	mx[n].group = s->next_group++;
	s->nmdevs++;
	{
		char path[128];

		snprintf(path, sizeof(path), "/devices/vfio_ap/matrix/%s", uuid);
		ev_add(sb, "add", path, "mdev", NULL);
		ev_add(sb, "bind", path, "mdev", "DRIVER=vfio_ap_mdev", NULL);
	}
	sb->dirty = true;
	return 0;
}

static void mdev_delete(struct sim_backend *sb, int i)
{
	struct sim_state *s = sb->s;
	char path[128];

	snprintf(path, sizeof(path), "/devices/vfio_ap/matrix/%s", s->mdevs[i].uuid);
	memmove(&s->mdevs[i], &s->mdevs[i + 1], (s->nmdevs - (unsigned)i - 1) * sizeof(*s->mdevs));
	memmove(&s->rm[i], &s->rm[i + 1], (s->nmdevs - (unsigned)i - 1) * sizeof(*s->rm));
	s->nmdevs--;
	ev_add(sb, "unbind", path, "mdev", NULL);
	ev_add(sb, "remove", path, "mdev", NULL);
	sb->dirty = true;
}

/* spec §3.7: `remove` of an mdev, by generation, with the simulated QEMU. */
static int mdev_remove(struct sim_backend *sb, int i, const char *buf)
{
	struct sim_state *s = sb->s;
	struct apr_mdev *m = &s->rm[i];
	unsigned long long v;

	if (apr_kstrtoul(buf, &v))
		return -EINVAL;
	if (!v)
		return 0;
	if (m->attached) {
		/* ≤5.15: vfio_ap refused; 6.0-6.4: the write blocks until QEMU lets go,
		 * which the simulated QEMU never does without the 6.5 request callback. */
		if (s->profile == APR_PROFILE_STATIC)
			return -EBUSY;
		if (s->profile == APR_PROFILE_6_0 || s->mdevs[i].ignore_release)
			return -EDEADLK;
		/* 6.5+: the guest's masks are cleared, QEMU honours the request. */
		info(sb->ctx, "mdev %s: guest %s lost its AP resources and released the device",
		     s->mdevs[i].uuid, s->mdevs[i].guest);
		m->attached = false;
		s->mdevs[i].guest[0] = '\0';
	}
	mdev_delete(sb, i);
	return 0;
}

static int mdev_write(struct sim_backend *sb, int i, const char *attr, const char *buf, size_t len)
{
	struct sim_state *s = sb->s;
	struct apr_mdev *m = &s->rm[i];
	struct apr_mask filtered;
	struct apr_conflict c;
	struct apr_host h;
	enum apr_kind kind;
	unsigned long id;
	int rc;

	if (!strcmp(attr, "remove"))
		return mdev_remove(sb, i, buf);
	sim_rules_host(s, &h);
	if (!strcmp(attr, "ap_config")) {
		struct apr_mask cfg[3];

		if (s->profile < APR_PROFILE_6_10)
			return -ENOENT;
		rc = apr_ap_config_parse(buf, len, cfg);
		if (rc)
			return rc;
		rc = apr_check_ap_config(&h, s->rm, (int)s->nmdevs, i, cfg, &c);
		if (rc)
			return rc;
		/* Hot unplug what goes, then install and re-filter (spec §6.2 step 6). */
		for (unsigned int b = 0; b < APR_BITS; b++) {
			if (apr_mask_test(&m->apm, b) && !apr_mask_test(&cfg[0], b))
				apr_unassign(m, APR_ADAPTER, b);
			if (apr_mask_test(&m->aqm, b) && !apr_mask_test(&cfg[1], b))
				apr_unassign(m, APR_DOMAIN, b);
			if (apr_mask_test(&m->adm, b) && !apr_mask_test(&cfg[2], b))
				apr_unassign(m, APR_CONTROL_DOMAIN, b);
		}
		m->apm = cfg[0];
		m->aqm = cfg[1];
		m->adm = cfg[2];
		apr_filter(&h, m, &filtered);
		apr_filter_cdoms(&h, m);
		sb->dirty = true;
		return 0;
	}
	if (!strncmp(attr, "assign_", 7) || !strncmp(attr, "unassign_", 9)) {
		const char *what = attr + (attr[0] == 'a' ? 7 : 9);

		kind = !strcmp(what, "adapter")	 ? APR_ADAPTER
		       : !strcmp(what, "domain") ? APR_DOMAIN
						 : APR_CONTROL_DOMAIN;
		if (attr[0] == 'a') {
			rc = apr_check_assign(&h, s->rm, (int)s->nmdevs, i, kind, buf, &id, &c);
			if (rc == -EADDRINUSE)
				info(sb->ctx,
				     "Userspace may not assign queue %02x.%04x to mdev: already assigned to %s",
				     c.apid, c.apqi, s->mdevs[c.mdev].uuid);
			if (rc)
				return rc < 0 ? rc : 0;
			apr_mask_set(kind == APR_ADAPTER  ? &m->apm
				     : kind == APR_DOMAIN ? &m->aqm
							  : &m->adm,
				     (unsigned int)id);
			if (kind == APR_CONTROL_DOMAIN)
				apr_filter_cdoms(&h, m);
			else
				apr_filter(&h, m, &filtered);
		} else {
			rc = apr_check_unassign(&h, m, kind, buf, &id);
			if (rc)
				return rc < 0 ? rc : 0;
			apr_unassign(m, kind, (unsigned int)id);
		}
		sb->dirty = true;
		return 0;
	}
	return -EACCES;
}

/* kernel/apsim/...: "ID", "ID TYPE", "ID 0|1", "UUID NAME". */
static int write_apsim(struct sim_backend *sb, const char *attr, const char *buf)
{
	struct sim_state *s = sb->s;
	char a1[64] = "", a2[64] = "";
	unsigned int id;
	int rc, i;

	if (sscanf(buf, "%63s %63s", a1, a2) < 1 && strcmp(attr, "scan"))
		return -EINVAL;
	if (!strcmp(attr, "scan")) {
		sim_scan(sb);
		return 0;
	}
	if (!strcmp(attr, "guest_start") || !strcmp(attr, "guest_stop")) {
		i = find_mdev(s, a1);
		if (i < 0)
			return -ENODEV;
		if (!strcmp(attr, "guest_stop")) {
			if (!s->rm[i].attached)
				return -EINVAL;
			s->rm[i].attached = false;
			s->mdevs[i].guest[0] = '\0';
			sb->dirty = true;
			return 0;
		}
		if (!a2[0])
			return -EINVAL;
		/* The group is opened exclusively; one vfio-ap mdev per guest (spec §3.6). */
		if (s->rm[i].attached)
			return -EBUSY;
		for (unsigned int k = 0; k < s->nmdevs; k++)
			if (s->rm[k].attached && !strcmp(s->mdevs[k].guest, a2))
				return -EPERM;
		if (s->profile == APR_PROFILE_STATIC) {
			struct apr_mask filtered;
			struct apr_host h;

			sim_rules_host(s, &h);
			apr_filter(&h, &s->rm[i], &filtered);
			apr_filter_cdoms(&h, &s->rm[i]);
		}
		s->rm[i].attached = true;
		snprintf(s->mdevs[i].guest, sizeof(s->mdevs[i].guest), "%s", a2);
		sb->dirty = true;
		return 0;
	}
	rc = parse_id(a1, APR_BITS - 1, &id);
	if (rc)
		return rc == -ENODEV ? -EINVAL : rc;
	if (!strcmp(attr, "se_config") || !strcmp(attr, "chkstop")) {
		long v;

		if (!s->ad[id].type || !apr_mask_test(&s->lpar_apm, id))
			return -ENODEV;
		if (apr_scan_int(a2, &v) || (v != 0 && v != 1))
			return -EINVAL;
		if (attr[0] == 's')
			s->ad[id].se_config = v;
		else
			s->ad[id].se_chkstop = v;
	} else if (!strcmp(attr, "add_adapter")) {
		const struct apr_card_type *t = apr_card_type_lookup(a2[0] ? a2 : "CEX8C");

		if (!t)
			return -EINVAL;
		if (apr_mask_test(&s->lpar_apm, id))
			return -EEXIST;
		s->ad[id].type = t;
		s->ad[id].se_config = true;
		s->ad[id].online = true;
		apr_mask_set(&s->lpar_apm, id);
	} else if (!strcmp(attr, "remove_adapter")) {
		if (!apr_mask_test(&s->lpar_apm, id))
			return -ENODEV;
		apr_mask_clear(&s->lpar_apm, id);
	} else {
		struct apr_mask *m = strstr(attr, "usage") ? &s->lpar_aqm : &s->lpar_adm;
		bool add = attr[0] == 'a';

		if (add == apr_mask_test(m, id))
			return add ? -EEXIST : -ENODEV;
		if (add)
			apr_mask_set(m, id);
		else
			apr_mask_clear(m, id);
	}
	/* The CHSC notification makes the bus scan at once (spec §5.2). */
	sim_scan(sb);
	return 0;
}

static int dispatch_write(struct sim_backend *sb, struct spath *sp, const char *buf, size_t len)
{
	struct sim_state *s = sb->s;
	unsigned int a, q;
	int i;

	if (is(sp, 0, "bus") && is(sp, 1, "ap") && sp->n == 3) {
		if (is(sp, 2, "drivers_probe")) {
			char name[32];

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(buf, "\n"), buf);
			if (!parse_queue(name, &a, &q) && s->q[a][q].exists) {
				if (!s->q[a][q].driver)
					attach_queue(sb, a, q, false);
				sb->dirty = true;
				return 0;
			}
			return -ENODEV;
		}
		if (is(sp, 2, "uevent"))
			return 0;
		return write_bus(sb, sp->c[2], buf);
	}
	if (is(sp, 0, "bus") && is(sp, 1, "ap") && is(sp, 2, "drivers") && sp->n == 5)
		return write_driver(sb, sp->c[3], sp->c[4], buf);
	if (is(sp, 0, "devices") && is(sp, 1, "ap") && sp->n >= 4) {
		if (parse_card(sp->c[2], &a))
			return -ENOENT;
		if (sp->n == 4)
			return write_card(sb, a, sp->c[3], buf);
		if (sp->n == 5 && !parse_queue(sp->c[3], &a, &q))
			return write_queue(sb, a, q, sp->c[4], buf);
		return -ENOENT;
	}
	if (is(sp, 0, "devices") && is(sp, 1, "vfio_ap") && is(sp, 2, "matrix")) {
		if (sp->n == 6 && is(sp, 5, "create"))
			return mdev_create(sb, buf, len);
		i = sp->n == 5 ? find_mdev(s, sp->c[3]) : -1;
		if (i < 0)
			return -ENOENT;
		return mdev_write(sb, i, sp->c[4], buf, len);
	}
	if (is(sp, 0, "kernel") && is(sp, 1, "apsim") && sp->n == 3)
		return write_apsim(sb, sp->c[2], buf);
	return -EACCES;
}

static int sim_write(void *be, const char *path, const char *buf, size_t len)
{
	struct sim_backend *sb = be;
	char text[APR_PAGE_SIZE + 1];
	struct spath sp;
	enum node n;
	int rc;

	if (split(path, &sp))
		return -ENAMETOOLONG;
	rc = sim_lock(sb);
	if (rc)
		return rc;
	n = resolve(sb->s, &sp, NULL, NULL, NULL, 0);
	if (n == N_NONE)
		rc = -ENOENT;
	else if (n == N_DIR)
		rc = -EISDIR;
	else if (n == N_RO || n == N_LINK)
		rc = -EACCES;
	else if (len > APR_PAGE_SIZE)
		rc = -E2BIG; /* kernfs atomic_write_len */
	else if (len == 0)
		rc = 0; /* a 0-byte write never reaches the store (spec §2.2) */
	else {
		/* The store sees a NUL-terminated copy: an embedded NUL ends the text. */
		memcpy(text, buf, len);
		text[len] = '\0';
		rc = dispatch_write(sb, &sp, text, len);
	}
	if (sb->dirty) {
		int src = sim_save(sb);

		if (!rc)
			rc = src;
	}
	sim_unlock(sb);
	return rc;
}

static int sim_vfio_holder(void *be, int group, char *name, size_t size)
{
	struct sim_backend *sb = be;
	int rc = sim_refresh(sb);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < sb->s->nmdevs; i++)
		if (sb->s->mdevs[i].group == group && sb->s->rm[i].attached) {
			snprintf(name, size, "%s", sb->s->mdevs[i].guest);
			return 1;
		}
	return 0;
}

/* --------------------------------------------------------- state file */

static int load_file(struct sim_backend *sb, int fd)
{
	struct sim_state *ns = sim_state_new();
	struct stat st;
	FILE *f;
	int rc, dfd;

	if (!ns)
		return -ENOMEM;
	dfd = dup(fd);
	f = dfd >= 0 ? fdopen(dfd, "r") : NULL;
	if (!f) {
		if (dfd >= 0)
			close(dfd);
		sim_state_free(ns);
		return -errno;
	}
	rewind(f);
	rc = sim_state_parse(sb->ctx, sb->file, f, ns);
	fclose(f);
	if (rc) {
		sim_state_free(ns);
		return rc;
	}
	sim_state_free(sb->s);
	sb->s = ns;
	if (fstat(fd, &st) == 0) {
		sb->dev = st.st_dev;
		sb->ino = st.st_ino;
		sb->mtime = st.st_mtim;
	}
	return 0;
}

static bool file_changed(struct sim_backend *sb)
{
	struct stat st;

	if (stat(sb->file, &st))
		return true;
	return st.st_ino != sb->ino || st.st_dev != sb->dev ||
	       st.st_mtim.tv_sec != sb->mtime.tv_sec || st.st_mtim.tv_nsec != sb->mtime.tv_nsec;
}

/* Re-read the state when another process replaced the file. */
static int sim_refresh(struct sim_backend *sb)
{
	int fd, rc;

	if (!sb->file || sb->txn_depth || !file_changed(sb))
		return 0;
	fd = open(sb->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_SH)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = load_file(sb, fd);
	close(fd);
	return rc;
}

/*
 * flock the file itself.  The file is replaced by rename, so after getting
 * the lock check that the path still names the inode we locked; if not,
 * another process replaced it meanwhile: lock the new one.
 */
static int sim_lock(struct sim_backend *sb)
{
	struct stat a, b;
	int fd, rc;

	if (!sb->file || sb->txn_depth++)
		return 0;
	for (;;) {
		fd = open(sb->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX))
			break;
		if (fstat(fd, &a) == 0 && stat(sb->file, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			break;
		close(fd);
	}
	if (fd < 0 || a.st_ino != b.st_ino) {
		rc = -errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
		sb->txn_depth--;
		return rc;
	}
	sb->lockfd = fd;
	if (a.st_ino != sb->ino || a.st_dev != sb->dev || a.st_mtim.tv_sec != sb->mtime.tv_sec ||
	    a.st_mtim.tv_nsec != sb->mtime.tv_nsec) {
		rc = load_file(sb, fd);
		if (rc) {
			sim_unlock(sb);
			return rc;
		}
	}
	return 0;
}

static void sim_unlock(struct sim_backend *sb)
{
	if (!sb->file || --sb->txn_depth)
		return;
	close(sb->lockfd); /* drops the flock */
	sb->lockfd = -1;
}

static int write_atomic(struct sim_backend *sb, const struct sim_state *s)
{
	size_t n = strlen(sb->file) + 16;
	char *tmp = malloc(n);
	struct stat st;
	FILE *f;
	int fd, rc = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n, "%s.XXXXXX", sb->file);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	rc = sim_state_write(s, f);
	if (!rc && fflush(f))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc)
		goto fail;
	if (rename(tmp, sb->file)) {
		rc = -errno;
		goto fail;
	}
	if (stat(sb->file, &st) == 0) {
		sb->dev = st.st_dev;
		sb->ino = st.st_ino;
		sb->mtime = st.st_mtim;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return rc;
}

static int sim_save(struct sim_backend *sb)
{
	int rc = 0;

	sb->dirty = false;
	if (sb->file && sb->txn_depth <= 1)
		rc = write_atomic(sb, sb->s);
	else if (sb->file)
		sb->dirty = true; /* saved when the outermost transaction ends */
	if (rc)
		err(sb->ctx, "%s: cannot save the simulated host: %s", sb->file, strerror(-rc));
	return rc;
}

static int sim_transaction(void *be, int (*fn)(void *data), void *data)
{
	struct sim_backend *sb = be;
	int rc = sim_lock(sb), src;

	if (rc)
		return rc;
	rc = fn(data);
	if (sb->dirty && sb->txn_depth == 1) {
		src = sim_save(sb);
		if (!rc)
			rc = src;
	}
	sim_unlock(sb);
	return rc;
}

/* -------------------------------------------------------------- events */

static int sim_event_fd(void *be)
{
	struct sim_backend *sb = be;
	struct epoll_event ee = { .events = EPOLLIN };

	if (sb->epfd >= 0)
		return sb->epfd;
	sb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sb->epfd < 0)
		return -errno;
	ee.data.fd = sb->efd;
	if (epoll_ctl(sb->epfd, EPOLL_CTL_ADD, sb->efd, &ee))
		return -errno;
	if (sb->file) {
		/* Other processes replace the file by rename into its directory. */
		char *dir = strdup(sb->file), *slash;

		if (!dir)
			return -ENOMEM;
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		sb->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (sb->ifd >= 0 && inotify_add_watch(sb->ifd, slash ? dir : ".",
						      IN_MOVED_TO | IN_CLOSE_WRITE) >= 0) {
			ee.data.fd = sb->ifd;
			epoll_ctl(sb->epfd, EPOLL_CTL_ADD, sb->ifd, &ee);
		}
		free(dir);
	}
	return sb->epfd;
}

static int sim_read_event(void *be, struct apm_event *ev)
{
	struct sim_backend *sb = be;
	uint64_t cnt;

	if (sb->ifd >= 0) {
		char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		const char *base = strrchr(sb->file, '/') ? strrchr(sb->file, '/') + 1 : sb->file;
		ssize_t n;
		bool hit = false;

		while ((n = read(sb->ifd, buf, sizeof(buf))) > 0)
			for (char *p = buf; p < buf + n;) {
				struct inotify_event *ie = (struct inotify_event *)p;

				if (ie->len && !strcmp(ie->name, base))
					hit = true;
				p += sizeof(*ie) + ie->len;
			}
		if (hit && file_changed(sb)) {
			sim_refresh(sb);
			memset(ev, 0, sizeof(*ev));
			snprintf(ev->action, sizeof(ev->action), "change");
			snprintf(ev->devpath, sizeof(ev->devpath), "/");
			snprintf(ev->subsystem, sizeof(ev->subsystem), "apmatrix");
			snprintf(ev->props[ev->nprops++], sizeof(ev->props[0]),
				 "SIM_STATE=changed");
			return 0;
		}
	}
	if (!sb->count) {
		if (read(sb->efd, &cnt, sizeof(cnt)) < 0)
			return -EAGAIN;
		return -EAGAIN;
	}
	*ev = sb->ring[sb->head];
	sb->head = (sb->head + 1) % SIM_EVENTS;
	sb->count--;
	if (!sb->count && read(sb->efd, &cnt, sizeof(cnt)) < 0)
		return 0;
	return 0;
}

/* ---------------------------------------------------------- lifecycle */

static void sim_destroy(void *be)
{
	struct sim_backend *sb = be;

	sim_state_free(sb->s);
	free(sb->ring);
	free(sb->file);
	if (sb->efd >= 0)
		close(sb->efd);
	if (sb->ifd >= 0)
		close(sb->ifd);
	if (sb->epfd >= 0)
		close(sb->epfd);
	if (sb->lockfd >= 0)
		close(sb->lockfd);
	free(sb);
}

static int load_builtin(struct apm_ctx *ctx, struct sim_state *s)
{
	FILE *f = fmemopen((void *)sim_builtin_scenario, strlen(sim_builtin_scenario), "r");
	int rc;

	if (!f)
		return -errno;
	rc = sim_state_parse(ctx, "(built-in scenario)", f, s);
	fclose(f);
	return rc;
}

int apm_backend_sim_new(struct apm_ctx *ctx, const char *file, void **out)
{
	struct sim_backend *sb = calloc(1, sizeof(*sb));
	int rc, fd;

	if (!sb)
		return -ENOMEM;
	sb->ctx = ctx;
	sb->lockfd = sb->ifd = sb->epfd = -1;
	sb->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sb->ring = calloc(SIM_EVENTS, sizeof(*sb->ring));
	sb->s = sim_state_new();
	if (sb->efd < 0 || !sb->ring || !sb->s) {
		rc = -ENOMEM;
		goto fail;
	}
	if (!file) {
		rc = load_builtin(ctx, sb->s);
		if (rc)
			goto fail;
		*out = sb;
		return 0;
	}
	sb->file = strdup(file);
	if (!sb->file) {
		rc = -ENOMEM;
		goto fail;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Created from the built-in scenario, atomically (a racing creator wins). */
		rc = load_builtin(ctx, sb->s);
		if (rc)
			goto fail;
		rc = write_atomic(sb, sb->s);
		if (rc)
			goto fail;
		fd = open(file, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		rc = -errno;
		err(ctx, "%s: %s", file, strerror(errno));
		goto fail;
	}
	flock(fd, LOCK_SH);
	rc = load_file(sb, fd);
	close(fd);
	if (rc)
		goto fail;
	*out = sb;
	return 0;
fail:
	sim_destroy(sb);
	return rc;
}

const struct apm_backend_ops apm_backend_sim_ops = {
	.name = "sim",
	.read = sim_read,
	.write = sim_write,
	.list = sim_list,
	.readlink = sim_readlink,
	.can_write = sim_can_write,
	.vfio_holder = sim_vfio_holder,
	.event_fd = sim_event_fd,
	.read_event = sim_read_event,
	.transaction = sim_transaction,
	.destroy = sim_destroy,
};
