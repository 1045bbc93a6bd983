// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch-check.c - the incremental engine against the full load, event by
 * event, on a simulated host (see watch-check.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch-check.h"

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

static void fail(struct wcheck *t, int err)
{
	if (!t->err)
		t->err = err;
}

/* B takes A's kernel model as it is now. */
static void copy_model(struct wcheck *t)
{
	if (sim_state_reserve(t->sb->st, t->sa->st->m.nmdevs) ||
	    apr_model_copy(&t->sb->st->m, &t->sa->st->m))
		fail(t, -ENOMEM);
}

static const char *uuid_at(const struct apm_host *h, int i)
{
	return i >= 0 ? h->mdevs[i].uuid : "";
}

/*
 * The delta against the two snapshots it lies between: the APQNs it
 * names are exactly those whose queue shows otherwise, all of what
 * apm_host_classify_queue says (the filter's reason too); why[0] stays
 * '\0' when so.  A property of the two snapshots alone: it holds where
 * host B is mid-probe too.
 */
static void same_delta(const struct apm_delta *d, char *why, size_t size)
{
	const struct apm_host *x = apm_delta_get_before(d), *y = apm_delta_get_after(d);

	why[0] = '\0';
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++) {
			struct apm_queue p, r;
			bool differs;

			/* What `show` does not list (no queue, no mdev's) the delta leaves out. */
			if (!((x->queue[a][q] | y->queue[a][q]) & APM_Q_EXISTS) &&
			    apr_mdev_holding(x->rmdevs, (int)x->nmdevs, a, q) < 0 &&
			    apr_mdev_holding(y->rmdevs, (int)y->nmdevs, a, q) < 0) {
				differs = false;
			} else {
				apm_host_classify_queue(x, a, q, &p);
				apm_host_classify_queue(y, a, q, &r);
				differs = p.exists != r.exists ||
					  strcmp(p.driver ? p.driver : "",
						 r.driver ? r.driver : "") ||
					  p.owner_host != r.owner_host ||
					  strcmp(uuid_at(x, p.mdev), uuid_at(y, r.mdev)) ||
					  p.in_guest_matrix != r.in_guest_matrix ||
					  p.plugged != r.plugged || p.cell != r.cell ||
					  p.filter != r.filter || strcmp(p.reason, r.reason);
			}
			if (differs != apm_delta_has_queue(d, a, q)) {
				snprintf(why, size, "delta: queue %02x.%04x %s", a, q,
					 differs ? "shows otherwise but is not named"
						 : "is named but shows the same");
				return;
			}
		}
}

/* One call of the engine; a delta it hands out that is not exact is a mismatch. */
static void step(struct wcheck *t)
{
	struct apm_host *h = NULL;
	struct apm_delta *d = NULL;
	int rc = apm_watch_process(t->w, &h, &d);
	char why[128];

	if (rc < 0)
		fail(t, rc);
	if (rc == 1) {
		same_delta(d, why, sizeof(why));
		if (why[0] && !t->mismatches++)
			snprintf(t->first, sizeof(t->first), "%s: %s", t->op, why);
	}
	apm_host_unref(h);
	apm_delta_unref(d);
}

/*
 * The queue attributes read on demand (kept from snapshot to snapshot,
 * the engine forgetting what its events touch) against a fresh read, for
 * every queue: why[0] stays '\0' when all are the same.  Reading them on
 * the engine's snapshot is what fills what its next snapshot keeps.
 */
/* A queue's 0/1 attribute as 1, 0 or -1 (cannot be told). */
static int fact(struct apm_queue *q, bool (*is)(struct apm_queue *, int *))
{
	int err;
	bool v = is(q, &err);

	return err ? -1 : v;
}

static void same_details(struct apm_host *h, struct apm_host *fresh, char *why, size_t size)
{
	why[0] = '\0';
	for (unsigned int a = 0; a < 256; a++)
		for (unsigned int q = 0; q < 256 && !why[0]; q++) {
			struct apm_queue *x = NULL, *y = NULL;

			if (apm_host_lookup_queue(h, a, q, &x) ||
			    apm_host_lookup_queue(fresh, a, q, &y)) {
				snprintf(why, size, "queue %02x.%04x: no memory", a, q);
			} else if (apm_queue_exists(x) != apm_queue_exists(y)) {
				snprintf(why, size, "queue %02x.%04x: exists %d, read %d", a, q,
					 apm_queue_exists(x), apm_queue_exists(y));
			} else if (apm_queue_exists(x)) {
				int cx = fact(x, apm_queue_is_configured),
				    cy = fact(y, apm_queue_is_configured);
				int kx = fact(x, apm_queue_is_checkstopped),
				    ky = fact(y, apm_queue_is_checkstopped);
				int ox = fact(x, apm_queue_is_online),
				    oy = fact(y, apm_queue_is_online);

				if (cx != cy || kx != ky || ox != oy ||
				    strcmp(apm_queue_get_status(x), apm_queue_get_status(y)) ||
				    strcmp(apm_queue_get_se_bind(x), apm_queue_get_se_bind(y)) ||
				    strcmp(apm_queue_get_se_associate(x),
					   apm_queue_get_se_associate(y)))
					snprintf(
						why, size,
						"queue %02x.%04x: kept '%s' config %d chkstop %d online %d, "
						"read '%s' config %d chkstop %d online %d",
						a, q, apm_queue_get_status(x), cx, kx, ox,
						apm_queue_get_status(y), cy, ky, oy);
			}
			apm_queue_unref(x);
			apm_queue_unref(y);
		}
}

/* A warning as one line: code, mdevs, domain, APQNs, sentence. */
static int warning_line(const struct apm_warning *w, void *data)
{
	FILE *f = data;

	fprintf(f, "%s %s %s %d", apm_warning_name(w->code), w->uuid, w->other ? w->other : "-",
		w->domain);
	for (unsigned int i = 0; i < w->napqns; i++)
		fprintf(f, " %02x.%04x", w->apqns[i].adapter, w->apqns[i].domain);
	fprintf(f, ": %s\n", w->text);
	return 0;
}

static int count_one(const struct apm_warning *w, void *data)
{
	(void)w;
	++*(int *)data;
	return 0;
}

/* How many warnings a walk gives (against apm_host_get_warning_count). */
static int walked(struct apm_host *h)
{
	int n = 0;

	return apm_host_foreach_warning(h, count_one, &n) ?: n;
}

/* The host's warnings, one line each (malloc'ed; NULL on -ENOMEM). */
static char *warnings_of(struct apm_host *h)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return NULL;
	if (apm_host_foreach_warning(h, warning_line, f)) {
		fclose(f);
		free(s);
		return NULL;
	}
	fclose(f);
	return s;
}

/*
 * The warnings of the engine's snapshot (taken over from the snapshot
 * before where its changes did not touch them, warnings.c) against those
 * a fresh load says: why[0] stays '\0' when they are the same.
 */
static void same_warnings(struct wcheck *t, struct apm_host *h, struct apm_host *fresh, char *why,
			  size_t size)
{
	char *x = warnings_of(h), *y = warnings_of(fresh);
	unsigned int reused, computed;

	why[0] = '\0';
	if (!x || !y) {
		fail(t, -ENOMEM);
	} else if (strcmp(x, y)) {
		size_t i = 0;

		while (x[i] == y[i])
			i++;
		while (i > 0 && x[i - 1] != '\n')
			i--;
		snprintf(why, size, "warnings: kept '%.200s', said afresh '%.200s'", x + i, y + i);
	} else if (apm_host_get_warning_count(h) != walked(h) ||
		   apm_host_get_warning_count(fresh) != walked(fresh)) {
		snprintf(why, size, "warnings: counted %d and %d, walked %d",
			 apm_host_get_warning_count(h), apm_host_get_warning_count(fresh),
			 walked(h));
	}
	free(x);
	free(y);
	/* Each snapshot's once: its build's figures. */
	if (h != t->whost) {
		apm_host_unref(t->whost);
		t->whost = apm_host_ref(h);
		apm_host_get_warning_stats(h, &reused, &computed);
		t->wreused += reused;
		t->wcomputed += computed;
	}
}

/* One step of the engine, then the comparison with a fresh load of B. */
static void check(struct wcheck *t, const char *what)
{
	struct apm_host *fresh = NULL;
	char why[512];
	int rc;

	step(t);
	rc = apm_host_load(t->b, 0, &fresh);
	if (rc) {
		fail(t, rc);
		return;
	}
	t->checked++;
	/* The warnings first: the details' reads fill what they would read themselves. */
	if (!apm_host_compare(apm_watch_get_host(t->w), fresh, why, sizeof(why)))
		same_warnings(t, apm_watch_get_host(t->w), fresh, why, sizeof(why));
	if (!why[0])
		same_details(apm_watch_get_host(t->w), fresh, why, sizeof(why));
	if (why[0]) {
		if (!t->mismatches++)
			snprintf(t->first, sizeof(t->first), "%s, after %s: %s", t->op, what, why);
		/* Start the next step from the truth, so one mismatch is counted once. */
		apm_watch_reload(t->w);
		step(t);
	}
	apm_host_unref(fresh);
}

/* "ACTION DEVPATH K=V ...", the way uevmon prints an event. */
static void event_line(const struct apm_event *ev, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s %s", ev->action, ev->devpath);

	for (unsigned int i = 0; i < ev->nprops && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, " %s", ev->props[i]);
}

/* The property key=value in a uevmon line, or NULL. */
static const char *line_prop(const char *line, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);

	for (const char *p = strchr(line, ' '); p; p = strchr(p + 1, ' '))
		if (!strncmp(p + 1, key, k) && p[1 + k] == '=') {
			snprintf(buf, size, "%.*s", (int)strcspn(p + 2 + k, " "), p + 2 + k);
			/* uevmon shows the kernel's trailing newline of a mask as \n. */
			if (strlen(buf) > 1 && !strcmp(buf + strlen(buf) - 2, "\\n"))
				buf[strlen(buf) - 2] = '\0';
			return buf;
		}
	return NULL;
}

/*
 * The same event: action, device, and what the engine reads of it (a
 * bind's driver, the masks' values, the bindings, a configuration or
 * online change).  An unbind's DRIVER= is the simulated host's alone (the
 * driver core has dropped dev->driver by then: drivers/base/dd.c).
 */
static bool same_event(const struct apm_event *ev, const char *line)
{
	static const char *const keys[] = { "APMASK", "AQMASK", "BINDINGS", "CONFIG", "ONLINE" };
	char head[300], a[128], b[128];
	const char *v;

	snprintf(head, sizeof(head), "%s %s", ev->action, ev->devpath);
	if (strncmp(line, head, strlen(head)) || (line[strlen(head)] && line[strlen(head)] != ' '))
		return false;
	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *x = apm_event_get_property(ev, keys[i]);

		v = line_prop(line, keys[i], b, sizeof(b));
		if ((x == NULL) != (v == NULL) || (x && strcmp(x, v)))
			return false;
	}
	if (!strcmp(ev->action, "bind")) {
		const char *x = apm_event_get_property(ev, "DRIVER");

		v = line_prop(line, "DRIVER", a, sizeof(a));
		if (!x || !v || strcmp(x, v))
			return false;
	}
	return true;
}

static void compare_recorded(struct wcheck *t, const struct apm_event *ev)
{
	char mine[1024];

	if (!t->expect || strcmp(ev->subsystem, t->subsystem))
		return;
	if (t->at < t->nexpect && same_event(ev, t->expect[t->at])) {
		t->at++;
		return;
	}
	event_line(ev, mine, sizeof(mine));
	if (!t->differ++)
		snprintf(t->expect_first, sizeof(t->expect_first),
			 "event %u: the simulated host sent '%.400s', the kernel '%.400s'",
			 t->at + 1, mine, t->at < t->nexpect ? t->expect[t->at] : "(nothing more)");
	t->at++;
}

static void tap(void *data, const struct sim *s, const struct apm_event *ev)
{
	struct wcheck *t = data;
	char what[400];

	(void)s;
	compare_recorded(t, ev);
	copy_model(t);
	sim_ring_push(t->sb->ring, ev);
	t->events++;
	/* A reports writes where the engine watches, as inotify would: mirror its watches. */
	if (!strcmp(ev->subsystem, "mdev") && !strcmp(ev->action, "add"))
		apm_seam_watch(t->a, ev->devpath + 1, true);
	snprintf(what, sizeof(what), "event %s %s %s", ev->action, ev->devpath,
		 ev->nprops ? ev->props[ev->nprops - 1] : "");
	/*
	 * The bus's BINDINGS=complete COMPLETECOUNT= comes from inside a
	 * probe (ap_bus.c: ap_device_probe, ap_check_bindings_complete),
	 * before the driver core's own bind uevent (drivers/base/dd.c:
	 * really_probe, driver_bound): the host is mid-probe there, and the
	 * bind that follows is compared.
	 */
	if (t->silent ||
	    (!strcmp(ev->devpath, "/devices/ap") && apm_event_get_property(ev, "COMPLETECOUNT")))
		step(t);
	else
		check(t, what);
}

int wcheck_open(struct wcheck *t, const char *scenario)
{
	struct apm_host *h;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = apm_ctx_new_sim(scenario, &t->a);
	if (!rc)
		rc = apm_ctx_new_sim(NULL, &t->b);
	if (rc)
		return rc;
	apm_ctx_set_log_fn(t->a, quiet, NULL);
	apm_ctx_set_log_fn(t->b, quiet, NULL);
	t->sa = apm_backend_sim_get(t->a);
	t->sb = apm_backend_sim_get(t->b);
	copy_model(t);
	rc = t->err ? t->err : apm_host_load(t->b, 0, &h);
	if (rc)
		return rc;
	rc = apm_watch_new(h, &t->w);
	apm_host_unref(h);
	if (rc)
		return rc;
	apm_watch_set_intervals(t->w, 0, 0);
	/* A reports what B's engine asked to be told: bus/ap, the mdevs, the VFIO groups. */
	apm_seam_watch(t->a, "bus/ap", true);
	apm_seam_watch(t->a, NULL, true);
	for (unsigned int i = 0; i < t->sa->st->m.nmdevs; i++) {
		char path[80];

		snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s",
			 t->sa->st->m.mdev[i].uuid);
		apm_seam_watch(t->a, path, true);
	}
	t->sa->tap = tap;
	t->sa->tap_data = t;
	return 0;
}

void wcheck_close(struct wcheck *t)
{
	if (t->sa)
		t->sa->tap = NULL;
	for (unsigned int i = 0; i < t->nexpect; i++)
		free(t->expect[i]);
	free(t->expect);
	apm_host_unref(t->whost);
	apm_watch_unref(t->w);
	apm_ctx_unref(t->a);
	apm_ctx_unref(t->b);
}

int wcheck_write(struct wcheck *t, const char *path, const char *value)
{
	int rc;

	snprintf(t->op, sizeof(t->op), "write '%s' to %s", value, path);
	t->silent = !strcmp(path, "kernel/apsim/chkstop");
	rc = apm_ctx_write_attr(t->a, path, value, strlen(value));
	t->silent = false;
	copy_model(t);
	apm_watch_poll_now(t->w);
	check(t, "the poll");
	return rc;
}

int wcheck_expect(struct wcheck *t, const char *file, const char *subsystem)
{
	FILE *f = fopen(file, "r");
	char line[4096];

	if (!f)
		return -errno;
	t->subsystem = subsystem;
	while (fgets(line, sizeof(line), f)) {
		char **e = realloc(t->expect, (t->nexpect + 1) * sizeof(*e));

		if (e)
			t->expect = e;
		line[strcspn(line, "\n")] = '\0';
		if (!e || !(e[t->nexpect] = strdup(line))) {
			fclose(f);
			return -ENOMEM;
		}
		t->nexpect++;
	}
	fclose(f);
	return 0;
}
