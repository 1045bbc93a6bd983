// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * watch.c - the incremental engine: a snapshot kept current from the
 * host's events, shared by the console and `apmatrix watch`.
 *
 * An event names its device: a queue's add, remove, bind and unbind carry
 * the binding itself (the queue table is updated from them); a card's,
 * an mdev's and the bus root's events, and the writes and VFIO opens the
 * seam reports (what the kernel sends no uevent for), name the few files
 * to read again.  Events are applied to a clone of the last snapshot
 * (copy on write of the tables it changes) and handed out in batches: the
 * first event after a quiet time at once, then at most one snapshot per
 * batch interval while they keep coming (per BACKLOG_MS while more wait
 * than a call reads), with the caller's input served in between (a call
 * reads for a few milliseconds at most).  Each batch
 * reads what its events implied once, then derives what follows (host-
 * load.c's parts), so the snapshot equals what a load would read then.
 *
 * What no event tells: a bus scan (the scans counter, read at every poll
 * tick) may have changed checkstops, the LPAR's masks and the guests'
 * matrices (vfio_ap hot plugs at the scan's end).  mdevs whose directory
 * cannot be watched, and VFIO groups where /dev/vfio cannot, are read at
 * every tick instead.  A lost event (the netlink socket or the simulated
 * host's ring overflowed), an event of unknown shape, or another process
 * replacing the simulated host's state file make the next batch one full
 * load; its delta still says what changed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apm-private.h"

#define BUDGET_MS 8 /* reading events per call, at most, before the caller's input */
/*
 * While a backlog waits (a call's budget ran out with events left), a
 * snapshot at most this often: the caller's redraw of each would leave
 * the reading a fraction of the time, and the backlog of a storm would
 * outlast the storm by seconds.
 */
#define BACKLOG_MS 400

struct watched_mdev {
	char uuid[37];
	bool watched; /* its directory's writes are reported */
};

/* What the events of the batch being gathered imply. */
struct dirty {
	bool any;
	bool reload;
	bool masks, bindings, lpar, ap_domain, scan, mdevs, holders_all;
	bool scans;	       /* look whether a scan ran (what it did tells no uevent) */
	bool devices;	       /* queues came or went */
	struct apr_mask cards; /* card files to read */
	struct apr_mask rows;  /* adapters with queue events */
	struct apr_mask touched[APR_BITS]; /* the queues with events */
	struct apr_mask moved[APR_BITS];   /* of those, with more than a bind or an unbind */
	char (*named)[37];		   /* mdevs whose files to read */
	unsigned int nnamed;
	int *groups; /* VFIO groups opened or closed */
	unsigned int ngroups;
};

struct apm_watch {
	int refcount;
	struct apm_ctx *ctx;
	struct apm_host *host; /* the last snapshot handed out */
	struct apm_host *work; /* the next one, NULL until an event needs it */
	struct dirty d;
	unsigned int events; /* in the batch */
	unsigned int poll_ms, batch_ms;
	double published, next_poll; /* CLOCK_MONOTONIC ms */
	bool has_scans;
	char scans[32];
	bool vfio_watched, bus_watched;
	struct watched_mdev *mdevs;
	unsigned int nmdevs;
	double retry; /* a batch failed (the host could not be read): not before then */
	/*
	 * A VFIO group was opened or closed: inotify tells it from inside
	 * open(), before the fd is in the opener's table and before QEMU sets
	 * the KVM (vfio_ap_ops.c: vfio_ap_mdev_set_kvm), so the holders and
	 * the status are read again at the next poll tick too.
	 */
	bool recheck_groups;
	apm_watch_event_fn event_fn;
	void *event_data;
	struct apm_watch_stats stats;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void dirty_reset(struct dirty *d)
{
	free(d->named);
	free(d->groups);
	memset(d, 0, sizeof(*d));
}

/* ---------------------------------------------------------- watches */

/* Watch the directories of the snapshot's mdevs, forget those gone. */
static void sync_watches(struct apm_watch *w)
{
	const struct apm_host *h = w->host;
	struct watched_mdev *t = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*t));
	char path[80];

	if (!t)
		return;
	for (unsigned int i = 0; i < w->nmdevs; i++) {
		bool kept = false;

		for (unsigned int k = 0; k < h->nmdevs && !kept; k++)
			kept = !strcmp(w->mdevs[i].uuid, h->mdevs[k].uuid);
		if (!kept && w->mdevs[i].watched) {
			snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s", w->mdevs[i].uuid);
			apm_seam_watch(w->ctx, path, false);
		}
	}
	for (unsigned int k = 0; k < h->nmdevs; k++) {
		const struct watched_mdev *old = NULL;

		for (unsigned int i = 0; i < w->nmdevs && !old; i++)
			if (!strcmp(w->mdevs[i].uuid, h->mdevs[k].uuid))
				old = &w->mdevs[i];
		memcpy(t[k].uuid, h->mdevs[k].uuid, sizeof(t[k].uuid));
		if (old && old->watched) {
			t[k].watched = true;
			continue;
		}
		snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s", h->mdevs[k].uuid);
		t[k].watched = !apm_seam_watch(w->ctx, path, true);
		if (!t[k].watched)
			dbg(w->ctx, "%s: cannot watch; read at every poll instead", path);
	}
	free(w->mdevs);
	w->mdevs = t;
	w->nmdevs = h->nmdevs;
	if (!w->vfio_watched && h->nmdevs)
		w->vfio_watched = !apm_seam_watch(w->ctx, NULL, true);
}

/*
 * An mdev that appears is watched at once, before the batch reads its
 * files: a write between that read and a later watch would go unseen.
 */
static void ensure_watched(struct apm_watch *w, const char *uuid)
{
	struct watched_mdev *t;
	char path[80];

	for (unsigned int i = 0; i < w->nmdevs; i++)
		if (!strcmp(w->mdevs[i].uuid, uuid))
			return;
	t = realloc(w->mdevs, (w->nmdevs + 1) * sizeof(*t));
	if (!t)
		return;
	w->mdevs = t;
	snprintf(t[w->nmdevs].uuid, sizeof(t[0].uuid), "%.36s", uuid);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%.36s", uuid);
	t[w->nmdevs++].watched = !apm_seam_watch(w->ctx, path, true);
	if (!w->vfio_watched)
		w->vfio_watched = !apm_seam_watch(w->ctx, NULL, true);
}

static bool any_group(const struct apm_host *h)
{
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (h->mdevs[i].iommu_group >= 0)
			return true;
	return false;
}

static void read_scans(struct apm_watch *w, bool *changed)
{
	char buf[32];
	int rc = apm_read(w->ctx, "bus/ap/scans", buf, sizeof(buf));

	*changed = false;
	if (rc < 0) {
		/* No counter before 5.x kernels; another error says nothing of scans. */
		if (rc == -ENOENT)
			w->has_scans = false;
		return;
	}
	apm_strip(buf);
	*changed = w->has_scans && strcmp(buf, w->scans);
	w->has_scans = true;
	snprintf(w->scans, sizeof(w->scans), "%s", buf);
}

/* -------------------------------------------------------- the events */

static int work(struct apm_watch *w)
{
	if (w->work)
		return 0;
	w->work = apm_host_clone(w->host);
	return w->work ? 0 : -ENOMEM;
}

static void name_mdev(struct dirty *d, const char *uuid)
{
	char(*t)[37];

	for (unsigned int i = 0; i < d->nnamed; i++)
		if (!strcmp(d->named[i], uuid))
			return;
	t = realloc(d->named, (d->nnamed + 1) * sizeof(*t));
	if (!t) {
		d->reload = true;
		return;
	}
	d->named = t;
	snprintf(t[d->nnamed++], sizeof(t[0]), "%.36s", uuid);
}

static void name_group(struct dirty *d, int group)
{
	int *t;

	for (unsigned int i = 0; i < d->ngroups; i++)
		if (d->groups[i] == group)
			return;
	t = realloc(d->groups, (d->ngroups + 1) * sizeof(*t));
	if (!t) {
		d->reload = true;
		return;
	}
	d->groups = t;
	t[d->ngroups++] = group;
}

/*
 * What a device event implies of the bus's files: a mask change has been
 * committed before its re-probe unbinds and binds (ap_bus.c:
 * apmask_store), the bindings count follows, and the LPAR's masks (live
 * from QCI: ap_bus.c ap_adapter_mask_show) changed before the scan that
 * adds or removes devices.
 */
static void bus_files(struct dirty *d)
{
	d->masks = d->bindings = d->lpar = d->scans = true;
}

/* Without a scans counter (older kernels) a device coming or going is a scan. */
static void maybe_scan(struct apm_watch *w)
{
	if (!w->has_scans)
		w->d.scan = true;
}

/* A queue device without a driver (bindings_from_table counts them). */
static int unbound(unsigned char cell)
{
	return (cell & APM_Q_EXISTS) && !(cell & APM_Q_DRV);
}

static void queue_event(struct apm_watch *w, const struct apm_event *ev, unsigned int a,
			unsigned int q)
{
	struct apm_host *h = w->work;
	struct dirty *d = &w->d;
	const char *act = ev->action;
	unsigned char *cell, was;

	apr_mask_set(&d->rows, a);
	apr_mask_set(&d->touched[a], q);
	if (strcmp(act, "bind") && strcmp(act, "unbind"))
		apr_mask_set(&d->moved[a], q);
	if (!strcmp(act, "change"))
		return;
	if (apm_host_own_queues(h)) {
		d->reload = true;
		return;
	}
	cell = &h->queue[a][q];
	was = *cell;
	if (!strcmp(act, "add")) {
		*cell = APM_Q_EXISTS;
		d->devices = true;
		maybe_scan(w);
	} else if (!strcmp(act, "remove")) {
		*cell = 0;
		d->devices = true;
		maybe_scan(w);
	} else if (!strcmp(act, "bind")) {
		const char *drv = apm_event_get_property(ev, "DRIVER");
		int i = drv ? apm_host_driver_index(h, drv) : 0;

		if (!i)
			d->reload = true;
		*cell = (unsigned char)((*cell & APM_Q_EXISTS) | i);
	} else if (!strcmp(act, "unbind")) {
		*cell &= APM_Q_EXISTS;
	} else {
		d->reload = true;
	}
	if (h->unbound >= 0)
		h->unbound += unbound(*cell) - unbound(was);
}

static void card_event(struct apm_watch *w, const struct apm_event *ev, unsigned int a)
{
	struct apm_host *h = w->work;
	struct apm_card *c = &h->cards[a];
	const char *act = ev->action;

	apr_mask_set(&w->d.cards, a);
	apr_mask_set(&w->d.rows, a);
	if (!strcmp(act, "add")) {
		c->has_card = true;
		apr_mask_set(&h->card_present, a);
		maybe_scan(w);
	} else if (!strcmp(act, "remove")) {
		memset(c, 0, sizeof(*c));
		apr_mask_clear(&h->card_present, a);
		maybe_scan(w);
	} else if (!strcmp(act, "bind")) {
		snprintf(c->driver, sizeof(c->driver), "%s",
			 apm_event_get_property(ev, "DRIVER") ?: "");
	} else if (!strcmp(act, "unbind")) {
		c->driver[0] = '\0';
	} else if (strcmp(act, "change")) {
		w->d.reload = true;
	}
}

/* "/devices/ap/card05" and "/devices/ap/card05/05.0047". */
static void ap_event(struct apm_watch *w, const struct apm_event *ev)
{
	const char *p = ev->devpath;
	unsigned int a, q;
	char name[16];

	/* Whatever the device, the bus's files may have changed before its event. */
	bus_files(&w->d);
	if (!strcmp(p, "/devices/ap")) {
		if (!apm_event_get_property(ev, "APMASK") &&
		    !apm_event_get_property(ev, "AQMASK") &&
		    !apm_event_get_property(ev, "BINDINGS") &&
		    !apm_event_get_property(ev, "INITSCAN"))
			w->d.reload = true;
		return;
	}
	if (strncmp(p, "/devices/ap/card", 16)) {
		w->d.reload = true;
		return;
	}
	p += 12;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, "/"), p);
	if (!apr_card_name(name, &a)) {
		w->d.reload = true;
		return;
	}
	p += strlen(name);
	if (!*p) {
		card_event(w, ev, a);
		return;
	}
	if (!apr_queue_name(p + 1, &a, &q) || strchr(p + 1, '/')) {
		w->d.reload = true;
		return;
	}
	queue_event(w, ev, a, q);
}

/* "/devices/vfio_ap/matrix/UUID" (subsystem mdev), or writes there. */
static const char *mdev_of(const char *devpath)
{
	static const char base[] = "/devices/vfio_ap/matrix/";

	if (strncmp(devpath, base, sizeof(base) - 1) || !apm_uuid_valid(devpath + sizeof(base) - 1))
		return NULL;
	return devpath + sizeof(base) - 1;
}

static void own_event(struct apm_watch *w, const struct apm_event *ev)
{
	const char *act = ev->action, *uuid;

	if (!strcmp(act, "write")) {
		const char *attr = apm_event_get_property(ev, "ATTR") ?: "";

		if (!strcmp(ev->devpath, "/bus/ap")) {
			if (!strcmp(attr, "ap_domain"))
				w->d.ap_domain = true;
			else if (!strcmp(attr, "apmask") || !strcmp(attr, "aqmask"))
				w->d.masks = true;
		} else if ((uuid = mdev_of(ev->devpath))) {
			name_mdev(&w->d, uuid);
		}
	} else if (!strcmp(act, "open") || !strcmp(act, "close")) {
		if (!strncmp(ev->devpath, "/dev/vfio/", 10)) {
			name_group(&w->d, atoi(ev->devpath + 10));
			w->recheck_groups = true;
		}
	} else {
		w->d.reload = true; /* SIM_STATE=changed: anything may have */
	}
}

static void apply_event(struct apm_watch *w, const struct apm_event *ev)
{
	const char *uuid;

	if (work(w)) {
		w->d.reload = true;
		return;
	}
	w->d.any = true;
	w->events++;
	if (!strcmp(ev->subsystem, "ap")) {
		ap_event(w, ev);
	} else if (!strcmp(ev->subsystem, "mdev")) {
		uuid = mdev_of(ev->devpath);
		if (!uuid) {
			w->d.reload = true;
			return;
		}
		/* An mdev's attributes come with its driver (bind), after the add. */
		w->d.mdevs = true;
		name_mdev(&w->d, uuid);
		if (strcmp(ev->action, "remove"))
			ensure_watched(w, uuid);
	} else if (!strcmp(ev->subsystem, APM_EVENT_SUBSYSTEM)) {
		own_event(w, ev);
	} else {
		/* The matrix device (vfio_ap loaded or unloaded), or what else comes. */
		w->d.reload = true;
	}
}

/* ----------------------------------------------------------- a batch */

static int named_index(const struct dirty *d, const char *uuid)
{
	for (unsigned int i = 0; i < d->nnamed; i++)
		if (!strcmp(d->named[i], uuid))
			return (int)i;
	return -1;
}

static bool group_named(const struct dirty *d, int group)
{
	for (unsigned int i = 0; i < d->ngroups; i++)
		if (d->groups[i] == group)
			return true;
	return false;
}

/* Did a queue of mdev m's matrix or shadow have an event? */
static bool touches(const struct dirty *d, const struct apm_mdev *m)
{
	struct apr_mask rows, cols, t;

	apr_mask_or(&rows, &m->m.apm, &m->m.sapm);
	apr_mask_and(&rows, &rows, &d->rows);
	apr_mask_or(&cols, &m->m.aqm, &m->m.saqm);
	for (unsigned int a = apr_mask_next(&rows, 0); a < APR_BITS;
	     a = apr_mask_next(&rows, a + 1)) {
		apr_mask_and(&t, &d->touched[a], &cols);
		if (!apr_mask_empty(&t))
			return true;
	}
	return false;
}

static bool override_regime(const struct apm_host *h)
{
	return h->rules.profile >= APR_PROFILE_6_19 && apr_mask_full(&h->rules.apmask) &&
	       apr_mask_full(&h->rules.aqmask);
}

static bool polled(const struct apm_watch *w, const char *uuid)
{
	for (unsigned int k = 0; k < w->nmdevs; k++)
		if (!strcmp(w->mdevs[k].uuid, uuid))
			return !w->mdevs[k].watched;
	return false;
}

/*
 * ap_bus.c: bindings_show counts the queue devices and those with a
 * driver (ap_calc_bound_apqns: every device on the bus, under its lock)
 * and says "(complete)" when all are bound and a scan has run.  The
 * queue table holds both from the events: read, the file would cost a
 * walk of every device in the kernel at every batch of a storm.  The
 * table is counted once, then the events keep the count (queue_event).
 */
static void bindings_from_table(struct apm_host *h)
{
	if (h->unbound < 0) {
		h->unbound = 0;
		for (unsigned int a = 0; a < APR_BITS; a++)
			for (unsigned int q = 0; q < APR_BITS; q++)
				h->unbound += unbound(h->queue[a][q]);
	}
	h->bindings_complete = !h->unbound;
}

/*
 * Read what the batch's events implied into h (a clone of the last
 * snapshot), then derive.  -ESTALE: a full load is simpler than the
 * update (the 6.19 overrides came or went).
 */
static int update(struct apm_watch *w, struct apm_host *h)
{
	struct dirty *d = &w->d;
	struct apr_host before = h->rules;
	bool *filter, *holder, any_holder = false, all, wide = false;
	struct apr_mask rescanned; /* adapters whose queues' facts a scan may have changed */
	int rc;

	if (d->scans) {
		bool scanned;

		read_scans(w, &scanned);
		d->scan |= scanned;
	}
	if (d->lpar || d->scan) {
		apm_host_read_lpar(h);
		/*
		 * The LPAR's configuration changed: vfio_ap's on_cfg_changed (at
		 * the scan's start) and the filter at its end change the guests'
		 * matrices, without an event: as a scan.
		 */
		for (int k = 0; k < 3; k++)
			if (h->lpar_rc[k] != w->host->lpar_rc[k] ||
			    memcmp(&h->lpar[k], &w->host->lpar[k], sizeof(h->lpar[k])))
				d->scan = wide = true;
	}
	if (d->scan)
		d->ap_domain = d->masks = d->bindings = true;
	if (d->masks)
		apm_host_read_masks(h);
	if (d->bindings) {
		if (!d->scan && w->host->bindings_complete >= 0 && w->has_scans &&
		    strcmp(w->scans, "0"))
			bindings_from_table(h);
		else
			apm_host_read_bindings(h);
	}
	if (d->devices)
		apm_host_read_override_attr(h);
	if (d->ap_domain)
		apm_host_read_ap_domain(h);
	for (unsigned int a = apr_mask_next(&d->cards, 0); a < APR_BITS;
	     a = apr_mask_next(&d->cards, a + 1))
		apm_host_read_card(h, a);
	if (d->scan)
		for (unsigned int a = apr_mask_next(&h->card_present, 0); a < APR_BITS;
		     a = apr_mask_next(&h->card_present, a + 1))
			if (!apr_mask_test(&d->cards, a))
				apm_host_read_chkstop(h, a);
	/*
	 * Of the rows, a scan changes without a uevent those of the adapters
	 * it checkstopped or recovered (apm_host_scan_keeps_queues): derived
	 * again with the rows that had events, the others shared with the
	 * last snapshot.  The QCI changed (wide), every row is.
	 */
	apr_mask_zero(&rescanned);
	for (unsigned int a = 0; d->scan && a < APR_BITS; a++)
		if (!apm_host_scan_keeps_queues(w->host, h, a))
			apr_mask_set(&rescanned, a);
	if (!wide)
		apr_mask_or(&d->rows, &d->rows, &rescanned);
	/* 6.19 overrides are read while both masks are all ones: when that changes, a full load. */
	if (override_regime(w->host) != override_regime(h))
		return -ESTALE;
	for (unsigned int a = 0; override_regime(h) && a < APR_BITS; a++)
		for (unsigned int q = apr_mask_next(&d->touched[a], 0); q < APR_BITS;
		     q = apr_mask_next(&d->touched[a], q + 1))
			if (apm_host_read_override(h, a, q))
				return -ENOMEM;
	if (d->mdevs) {
		rc = apm_host_sync_mdevs(h);
		if (rc)
			return rc;
	}
	filter = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*filter));
	holder = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*holder));
	if (!filter || !holder) {
		free(filter);
		free(holder);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		struct apm_mdev *m = &h->mdevs[i];

		if (named_index(d, m->uuid) >= 0 || polled(w, m->uuid)) {
			apm_host_read_mdev(h, i);
			filter[i] = holder[i] = true;
		} else if (d->scan || touches(d, m)) {
			apm_host_read_mdev_guest(h, i);
			filter[i] = true;
		}
		/* A guest's QEMU opening or closing the group: what vfio_ap did meanwhile too. */
		if (m->iommu_group >= 0 && group_named(d, m->iommu_group)) {
			apm_host_read_mdev(h, i);
			filter[i] = holder[i] = true;
		}
		if (d->holders_all)
			holder[i] = true;
		any_holder |= holder[i];
	}
	if (any_holder)
		apm_host_read_holders(h, holder);
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (filter[i] || holder[i]) {
			apm_host_read_in_use(h, i);
			filter[i] = true;
		}
	/*
	 * What was read of queues on demand and may have changed: the queues
	 * with events (of a queue only bound or unbound, what follows its
	 * driver: apm_host_queue_rebound), the cards', at a scan those of the
	 * adapters it checkstopped or recovered (apm_host_scan_keeps_queues),
	 * and the vfio_ap status where the mdevs changed.
	 */
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (apr_mask_test(&d->cards, a) || apr_mask_test(&rescanned, a)) {
			apm_host_forget_adapter(h, a);
			continue;
		}
		if (!apr_mask_test(&d->rows, a))
			continue;
		for (unsigned int q = apr_mask_next(&d->touched[a], 0); q < APR_BITS;
		     q = apr_mask_next(&d->touched[a], q + 1))
			if (apr_mask_test(&d->moved[a], q))
				apm_host_forget_queue(h, a, q);
			else
				apm_host_queue_rebound(h, a, q);
	}
	/*
	 * At a scan's end vfio_ap plugs into the guests what they may use now
	 * and unplugs what they may not (vfio_ap_ops.c:
	 * vfio_ap_on_scan_complete), which turns their queues' status
	 * (status_show) between "in use" and "assigned" with no file telling
	 * where there is no guest_matrix: forgotten, for the queues of every
	 * mdev's matrix (read again only when asked, a detail's).
	 */
	if (d->scan)
		for (unsigned int i = 0; i < h->nmdevs; i++) {
			const struct apm_mdev *m = &h->mdevs[i];

			for (unsigned int a = apr_mask_next(&m->m.apm, 0); a < APR_BITS;
			     a = apr_mask_next(&m->m.apm, a + 1))
				for (unsigned int q = apr_mask_next(&m->m.aqm, 0); q < APR_BITS;
				     q = apr_mask_next(&m->m.aqm, q + 1))
					apm_host_forget_status(h, a, q);
		}
	apm_host_forget_mdevs(h, w->host);
	rc = apm_host_derive(h, wide ? NULL : &d->rows);
	/* What every mdev's filter facts depend on: the masks, the QCI, the profile. */
	all = memcmp(&before.apmask, &h->rules.apmask, sizeof(before.apmask)) ||
	      memcmp(&before.aqmask, &h->rules.aqmask, sizeof(before.aqmask)) ||
	      memcmp(&before.qci_apm, &h->rules.qci_apm, sizeof(before.qci_apm)) ||
	      memcmp(&before.qci_aqm, &h->rules.qci_aqm, sizeof(before.qci_aqm)) ||
	      before.profile != h->rules.profile || before.any_override != h->rules.any_override;
	for (unsigned int i = 0; !rc && i < h->nmdevs; i++) {
		struct apm_mdev *m = &h->mdevs[i];
		const struct apm_mdev *o;

		if (!all && !filter[i] && !touches(d, m))
			continue;
		o = all || wide ? NULL : apm_host_find_mdev(w->host, m->uuid);
		/*
		 * The same matrix over the same QCI and rules: an adapter's bad
		 * domain changes only where the model was derived again.
		 */
		if (o && apr_mask_equal(&o->m.apm, &m->m.apm) &&
		    apr_mask_equal(&o->m.aqm, &m->m.aqm)) {
			memcpy(m->bad_domain, o->bad_domain, sizeof(m->bad_domain));
			apm_host_prepare_filter_rows(h, m, &d->rows);
		} else {
			apm_host_prepare_filter(h, m);
		}
	}
	free(filter);
	free(holder);
	return rc;
}

/* Hand out the batch: the updated clone, or a full load when that is due. */
static int publish(struct apm_watch *w, struct apm_host **out, struct apm_delta **delta)
{
	struct apm_host *h = w->work;
	bool reload = w->d.reload;
	int rc = 0;

	w->work = NULL;
	if (!reload) {
		rc = update(w, h);
		if (rc == -ESTALE)
			reload = true;
		else if (rc)
			goto fail;
	}
	if (reload) {
		apm_host_unref(h);
		h = NULL;
		rc = apm_host_load(w->ctx, 0, &h);
		if (rc)
			goto fail;
		w->stats.reloads++;
	}
	rc = apm_delta_new(w->host, h, delta);
	if (rc)
		goto fail;
	apm_delta_set_source(*delta, reload, w->events);
	apm_host_unref(w->host);
	w->host = h;
	w->stats.batches++;
	w->stats.events += w->events;
	w->events = 0;
	dirty_reset(&w->d);
	w->published = now_ms();
	sync_watches(w);
	*out = apm_host_ref(h);
	return 1;
fail:
	apm_host_unref(h);
	/* Nothing was handed out: the next call starts from a full load. */
	dirty_reset(&w->d);
	w->d.any = w->d.reload = true;
	return rc;
}

/* The poll tick: what no event tells. */
static void tick(struct apm_watch *w)
{
	bool scanned;

	w->stats.polls++;
	read_scans(w, &scanned);
	if (scanned && !work(w))
		w->d.any = w->d.scan = true;
	for (unsigned int k = 0; k < w->nmdevs; k++)
		if (!w->mdevs[k].watched && !work(w)) {
			w->d.any = true;
			name_mdev(&w->d, w->mdevs[k].uuid);
		}
	if ((!w->vfio_watched || w->recheck_groups) && any_group(w->host) && !work(w))
		w->d.any = w->d.holders_all = true;
	w->recheck_groups = false;
	if (!w->has_scans && !work(w)) {
		/* Without the counter, the checkstops are read at every tick. */
		w->d.any = w->d.scan = true;
	}
}

void apm_watch_poll_now(struct apm_watch *w)
{
	w->next_poll = 0;
	w->poll_ms = w->poll_ms ? w->poll_ms : 1000;
}

/* ---------------------------------------------------------- the API */

APM_EXPORT int apm_watch_new(struct apm_host *host, struct apm_watch **out)
{
	struct apm_watch *w;
	bool scanned;
	int fd;

	if (!host)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->refcount = 1;
	w->ctx = apm_ctx_ref(host->ctx);
	w->host = apm_host_ref(host);
	w->poll_ms = 1000;
	w->batch_ms = 50;
	fd = apm_ctx_get_event_fd(w->ctx);
	if (fd < 0) {
		int rc = fd;

		apm_watch_unref(w);
		return rc;
	}
	w->bus_watched = !apm_seam_watch(w->ctx, "bus/ap", true);
	sync_watches(w);
	read_scans(w, &scanned);
	w->published = -1e9;
	w->next_poll = now_ms() + w->poll_ms;
	*out = w;
	return 0;
}

APM_EXPORT struct apm_watch *apm_watch_ref(struct apm_watch *w)
{
	if (w)
		w->refcount++;
	return w;
}

APM_EXPORT struct apm_watch *apm_watch_unref(struct apm_watch *w)
{
	if (!w || --w->refcount > 0)
		return w;
	for (unsigned int i = 0; i < w->nmdevs; i++)
		if (w->mdevs[i].watched) {
			char path[80];

			snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s", w->mdevs[i].uuid);
			apm_seam_watch(w->ctx, path, false);
		}
	if (w->bus_watched)
		apm_seam_watch(w->ctx, "bus/ap", false);
	if (w->vfio_watched)
		apm_seam_watch(w->ctx, NULL, false);
	free(w->mdevs);
	dirty_reset(&w->d);
	apm_host_unref(w->work);
	apm_host_unref(w->host);
	apm_ctx_unref(w->ctx);
	free(w);
	return NULL;
}

APM_EXPORT int apm_watch_get_fd(const struct apm_watch *w)
{
	return apm_ctx_get_event_fd(w->ctx);
}

APM_EXPORT void apm_watch_set_intervals(struct apm_watch *w, unsigned int poll_ms,
					unsigned int batch_ms)
{
	w->poll_ms = poll_ms;
	w->batch_ms = batch_ms;
	w->next_poll = poll_ms ? now_ms() + poll_ms : 0;
}

APM_EXPORT int apm_watch_get_timeout(const struct apm_watch *w)
{
	double now = now_ms(), t = -1;

	if (w->d.any)
		t = (w->retry > w->published + w->batch_ms ? w->retry
							   : w->published + w->batch_ms) -
		    now;
	if (w->poll_ms && (t < 0 || w->next_poll - now < t))
		t = w->next_poll - now;
	if (w->d.any && t < 0)
		t = 0;
	if (!w->d.any && !w->poll_ms)
		return -1;
	return t <= 0 ? 0 : (int)(t + 0.999);
}

APM_EXPORT void apm_watch_set_event_fn(struct apm_watch *w, apm_watch_event_fn fn, void *data)
{
	w->event_fn = fn;
	w->event_data = data;
}

APM_EXPORT struct apm_host *apm_watch_get_host(const struct apm_watch *w)
{
	return w->host;
}

APM_EXPORT void apm_watch_get_stats(const struct apm_watch *w, struct apm_watch_stats *st)
{
	*st = w->stats;
}

APM_EXPORT int apm_watch_reload(struct apm_watch *w)
{
	int rc = work(w);

	if (rc)
		return rc;
	w->d.any = w->d.reload = true;
	w->published = -1e9;
	return 0;
}

APM_EXPORT int apm_watch_process(struct apm_watch *w, struct apm_host **host,
				 struct apm_delta **delta)
{
	double start = now_ms(), now;
	struct apm_event ev;
	unsigned int n = 0;
	bool backlog = false;
	int rc;

	*host = NULL;
	*delta = NULL;
	for (;;) {
		rc = apm_read_event(w->ctx, &ev);
		if (rc == -EAGAIN)
			break;
		if (rc == -ENOBUFS) {
			w->stats.lost++;
			if (!work(w))
				w->d.any = w->d.reload = true;
			continue;
		}
		if (rc)
			return rc;
		if (w->event_fn)
			w->event_fn(w->event_data, &ev);
		apply_event(w, &ev);
		/*
		 * The caller's input waits for this loop: look at the clock
		 * every few events.  Every 64 let a call read for 73 to 405 ms
		 * in the VM through a storm, the kernel's own work between.
		 */
		if (++n % 8 == 0 && now_ms() - start >= BUDGET_MS) {
			backlog = true;
			break;
		}
	}
	now = now_ms();
	if (w->poll_ms && now >= w->next_poll) {
		tick(w);
		while (w->next_poll <= now)
			w->next_poll += w->poll_ms;
	}
	if (!w->d.any || now - w->published < w->batch_ms || now < w->retry ||
	    (backlog && now - w->published < BACKLOG_MS))
		return 0;
	rc = publish(w, host, delta);
	/* The host cannot be read (a state file another process broke): again at the next tick. */
	w->retry = rc < 0 ? (w->poll_ms ? w->next_poll : now + 1000) : 0;
	/*
	 * Events (or a poll) that changed nothing anyone shows: nothing to
	 * hand out.  Readings made again are something (a queue's zcrypt
	 * online, its config: what the grid marks is read on demand).
	 */
	if (rc == 1 && apm_delta_is_empty(*delta) && !apm_delta_any_stale(*delta) &&
	    !(apm_delta_get_flags(*delta) & APM_DELTA_RELOADED)) {
		apm_host_unref(*host);
		apm_delta_unref(*delta);
		*host = NULL;
		*delta = NULL;
		rc = 0;
	}
	return rc;
}
