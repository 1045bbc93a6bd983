// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * app.c - the console's state between two frames: the host snapshot and
 * when it is read again, the selected mdev, the visible IDs and the cursor
 * in them, and the log.
 *
 * The host is read at start, when the operator asks, and at a change's
 * yes (pending.c); after a change the snapshot its apply loaded is adopted
 * instead of reading again.  Between those the library's incremental
 * engine (apm_watch) keeps it current from the host's events and its poll
 * (vfio_ap sends no uevent for guests or assignments): each batch it hands
 * out becomes the console's snapshot, its delta the cells highlighted.
 * The selected mdev is held by UUID, so
 * another process creating or removing mdevs never moves it to a different
 * one; when it is gone, nothing is selected.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "tui.h"

long long app_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------- log */

/* Text for the log is escaped here: it may hold sysfs text, file names, guest names. */
static void log_add(struct app *app, enum role r, const char *raw)
{
	struct log_entry *last = app->log_n ? &app->log_ring[(app->log_n - 1) % LOG_MAX] : NULL;
	char *text = escape_dup(raw, APM_TEXT_KEEP_NEWLINE);
	struct log_entry *e;

	if (!text)
		return;
	/* An explanation ends in a newline: the entry does not. */
	for (size_t len = strlen(text); len && text[len - 1] == '\n'; len--)
		text[len - 1] = '\0';
	/* A message that repeats (a broken state file at every poll) is counted, once. */
	if (last && last->role == r && !strcmp(last->text, text)) {
		app->redraw = true;
		last->repeat++;
		free(text);
		return;
	}
	app->redraw = true;
	e = &app->log_ring[app->log_n % LOG_MAX];
	free(e->text);
	*e = (struct log_entry){ .text = text, .role = (unsigned char)r, .repeat = 1 };
	app->log_n++;
}

void app_log(struct app *app, enum role r, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_add(app, r, buf);
}

void app_report(void *data, const char *msg)
{
	struct app *app = data;
	char *safe = escape_dup(msg ? msg : "", 0), small[512];

	/* Whole when there is memory, else cut visibly ("..."). */
	if (!safe)
		apm_text_escape(msg ? msg : "", small, sizeof(small), APM_TEXT_ELLIPSIS);
	fprintf(stderr, "%s: %s\n", app->prog, safe ? safe : small);
	/* Not through app_log(): its 4096 bytes would cut the whole text again. */
	log_add(app, ROLE_ERROR, safe ? safe : small);
	free(safe);
}

const struct log_entry *app_log_entry(const struct app *app, unsigned int i)
{
	if (i >= app->log_n || i >= LOG_MAX)
		return NULL;
	return &app->log_ring[(app->log_n - 1 - i) % LOG_MAX];
}

static void library_log(void *data, int priority, const char *file, int line, const char *fn,
			const char *format, va_list args)
{
	struct app *app = data;
	char buf[2048];

	(void)file, (void)line, (void)fn;
	vsnprintf(buf, sizeof(buf), format, args);
	log_add(app,
		priority <= LOG_ERR	  ? ROLE_ERROR
		: priority == LOG_WARNING ? ROLE_WARNING
					  : ROLE_DIM,
		buf);
}

/* The audit line of every change the library applies, in the log as in syslog. */
static void library_audit(void *data, const struct apm_audit *rec)
{
	struct app *app = data;

	app_log(app, ROLE_DIM, "audit: %s%s", rec->text, rec->syslogged ? " (syslog)" : "");
}

void app_log_sink(struct app *app)
{
	apm_ctx_set_log_fn(app->ctx, library_log, app);
	apm_ctx_set_audit_fn(app->ctx, library_audit, app);
}

/* ---------------------------------------------------------- the mdev */

struct apm_mdev *app_mdev(const struct app *app)
{
	if (app->sel_index < 0)
		return NULL;
	return apm_host_get_mdev(app->host, (unsigned int)app->sel_index);
}

void app_select(struct app *app, const struct apm_mdev *m)
{
	if (!m) {
		app->sel_uuid[0] = '\0';
		app->sel_index = -1;
		return;
	}
	snprintf(app->sel_uuid, sizeof(app->sel_uuid), "%s", apm_mdev_get_uuid(m));
	app->sel_index = apm_host_mdev_index(app->host, m);
}

void uuid_fit(const struct screen *s, const char *uuid, int w, char *buf, size_t size)
{
	if (w >= 36)
		snprintf(buf, size, "%s", uuid);
	else
		snprintf(buf, size, "%.8s%s", uuid, ellipsis(s));
}

void app_mdev_name(const struct app *app, const struct apm_mdev *m, char *buf, size_t size)
{
	char u[16];

	uuid_fit(&app->scr, apm_mdev_get_uuid(m), 0, u, sizeof(u));
	snprintf(buf, size, "mdev %s (%s)", apm_mdev_get_label(m), u);
}

int app_select_name(struct app *app, const char *name)
{
	struct apm_mdev *m;
	int rc = apm_host_lookup_mdev(app->host, name, &m);

	if (rc == -ENOTUNIQ) {
		app_log(app, ROLE_ERROR,
			"'%s' names several mdevs: give more of the UUID, or the label", name);
		return rc;
	}
	if (rc) {
		app_log(app, ROLE_ERROR,
			"no mdev has the label, guest name or UUID '%s' (a UUID prefix needs 4 characters or more)",
			name);
		return rc;
	}
	app_select(app, m);
	return 0;
}

/* ---------------------------------------------------------- reload */

/* The host's ID range (max id) and whether id is an adapter/domain of interest. */
static void visible_ids(struct app *app)
{
	struct apm_mask lpar[3], used_a = { { 0 } }, used_q = { { 0 } };
	unsigned int maxa = apm_host_get_max_adapter_id(app->host);
	unsigned int maxq = apm_host_get_max_domain_id(app->host);
	struct apm_mdev *sel = app_mdev(app);
	bool have[3];

	for (int k = 0; k < 3; k++)
		have[k] = !apm_host_get_lpar_mask(app->host, (enum apm_kind)k, &lpar[k]);
	for (unsigned int i = 0; i < apm_host_get_mdev_count(app->host); i++) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, i);
		struct apm_mask s[3];

		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(m, (enum apm_kind)k, &s[k]);
		for (int w = 0; w < 4; w++) {
			used_a.w[w] |= s[0].w[w];
			used_q.w[w] |= s[1].w[w] | s[2].w[w];
		}
	}
	/* What the definitions assign is on the grid too: it comes at the next start. */
	persist_used(app, &used_a, &used_q);
	app->na = app->nq = 0;
	/* The filter ends when its mdev is gone or empty; nothing turns it on again. */
	if (app->filter && !sel) {
		app->filter = false;
		app_log(app, ROLE_WARNING, "filter off: no mdev selected");
	}
	if (app->filter) {
		struct apm_mask s[3];

		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(sel, (enum apm_kind)k, &s[k]);
		for (unsigned int a = 0; a < 256; a++)
			if (apm_mask_test(&s[0], a))
				app->ids_a[app->na++] = a;
		for (unsigned int q = 0; q < 256; q++)
			if (apm_mask_test(&s[1], q) || apm_mask_test(&s[2], q))
				app->ids_q[app->nq++] = q;
		if (app->na && app->nq)
			return;
		app->na = app->nq = 0;
		app->filter = false;
		app_log(app, ROLE_WARNING, "filter off: mdev %s has no adapters or no domains",
			apm_mdev_get_label(sel));
	}
	for (unsigned int a = 0; a <= maxa && a < 256; a++) {
		bool in = apm_host_has_adapter(app->host, a);

		if (app->show_all || in || apm_mask_test(&used_a, a) ||
		    (have[0] && apm_mask_test(&lpar[0], a)))
			app->ids_a[app->na++] = a;
	}
	for (unsigned int q = 0; q <= maxq && q < 256; q++)
		if (app->show_all || apm_mask_test(&used_q, q) ||
		    (have[1] && apm_mask_test(&lpar[1], q)) ||
		    (have[2] && apm_mask_test(&lpar[2], q)))
			app->ids_q[app->nq++] = q;
}

/* The visible ID nearest to id: the first one at or after it, else the last. */
static unsigned int nearest(const unsigned int *ids, unsigned int n, unsigned int id)
{
	for (unsigned int i = 0; i < n; i++)
		if (ids[i] >= id)
			return ids[i];
	return n ? ids[n - 1] : id;
}

void app_layout_ids(struct app *app)
{
	visible_ids(app);
	/* The cursor never rests on a cell the grid does not show. */
	if (id_index(app->ids_a, app->na, app->cur_a) < 0)
		app->cur_a = nearest(app->ids_a, app->na, app->cur_a);
	if (id_index(app->ids_q, app->nq, app->cur_q) < 0)
		app->cur_q = nearest(app->ids_q, app->nq, app->cur_q);
	if (app->sel != SEL_NONE && (id_index(app->ids_a, app->na, app->anchor_a) < 0 ||
				     id_index(app->ids_q, app->nq, app->anchor_q) < 0))
		app->sel = SEL_NONE;
}

/* Does the cell show something else: its class, its queue, its mdev? */
static bool cell_changed(struct apm_host *was, struct apm_host *h, unsigned int a, unsigned int q)
{
	struct apm_queue *o = NULL, *n = NULL;
	struct apm_mdev *om, *nm;
	bool changed = true;

	if (!apm_host_lookup_queue(was, a, q, &o) && !apm_host_lookup_queue(h, a, q, &n)) {
		om = apm_queue_get_mdev(o);
		nm = apm_queue_get_mdev(n);
		changed = apm_queue_get_cell(o) != apm_queue_get_cell(n) ||
			  apm_queue_exists(o) != apm_queue_exists(n) || !om != !nm ||
			  (om && strcmp(apm_mdev_get_uuid(om), apm_mdev_get_uuid(nm)));
	}
	apm_queue_unref(o);
	apm_queue_unref(n);
	return changed;
}

void app_set_host_delta(struct app *app, struct apm_host *h, const struct apm_delta *d)
{
	struct apm_mdev *m = NULL;

	apm_host_ref(h);
	memset(app->changed, 0, sizeof(app->changed));
	if (app->host) {
		/*
		 * Only the cells on screen can flash: of the viewport, the cells
		 * the delta names when it starts from what is shown, else all.
		 */
		unsigned int a_end = (unsigned int)(app->top + app->rows);
		unsigned int q_end = (unsigned int)(app->left + app->cols);
		bool from_shown = d && apm_delta_get_before(d) == app->host;

		for (unsigned int a = (unsigned int)app->top; a < app->na && a < a_end; a++)
			for (unsigned int q = (unsigned int)app->left; q < app->nq && q < q_end;
			     q++) {
				unsigned int ia = app->ids_a[a], iq = app->ids_q[q];

				if (from_shown && !apm_delta_has_queue(d, ia, iq))
					continue;
				if (cell_changed(app->host, h, ia, iq))
					app->changed[ia][iq] = 1;
			}
	}
	grid_follow(app, h, d);
	apm_host_unref(app->host);
	app->host = h;
	/* The selection follows the UUID, never a position in the list. */
	if (app->sel_uuid[0] && apm_host_lookup_mdev(h, app->sel_uuid, &m)) {
		app_log(app, ROLE_WARNING, "mdev %.8s%s is gone: no mdev selected", app->sel_uuid,
			ellipsis(&app->scr));
		m = NULL;
	}
	app_select(app, m);
	persist_reload(app);
	app_layout_ids(app);
	warnings_compute(app);
	app->redraw = true;
}

void app_set_host(struct app *app, struct apm_host *h)
{
	app_set_host_delta(app, h, NULL);
}

/* The engine's events, logged as they come: a few per batch, not a storm of them. */
static void log_event(void *data, const struct apm_event *ev)
{
	struct app *app = data;
	const char *p0 = apm_event_get_property_at(ev, 0);

	app->events_seen++;
	/* What the seam reports of writes and VFIO opens is the engine's business, not news. */
	if (!strcmp(apm_event_get_subsystem(ev), "apmatrix") &&
	    strcmp(apm_event_get_action(ev), "change"))
		return;
	if (app->events_logged++ < 8)
		app_log(app, ROLE_DIM, "uevent %s %s %s", apm_event_get_action(ev),
			apm_event_get_devpath(ev), p0 ? p0 : "");
}

/* The engine starts from the first snapshot; headless, every batch at once. */
static int watch_start(struct app *app)
{
	int rc = apm_watch_new(app->host, &app->watch);

	if (rc) {
		app_log(app, ROLE_ERROR, "cannot watch the host at %s: %s; r re-reads it",
			apm_ctx_get_source(app->ctx), strerror(-rc));
		return rc;
	}
	apm_watch_set_event_fn(app->watch, log_event, app);
	apm_watch_set_intervals(app->watch, (unsigned int)app->interval_ms, app->headless ? 0 : 50);
	return 0;
}

int app_reload(struct app *app)
{
	struct apm_host *h;
	int rc = apm_host_load(app->ctx, 0, &h);

	app->reloads++;
	/*
	 * A failed read keeps the last good snapshot on screen (the header says
	 * so while it lasts); it is logged once, not at every poll, and so is its end.
	 */
	if (rc) {
		if (rc != app->load_err)
			app_log(app, ROLE_ERROR,
				"cannot read the host at %s: %s; the console keeps showing the last snapshot it read",
				apm_ctx_get_source(app->ctx), strerror(-rc));
		app->load_err = rc;
		return rc;
	}
	if (app->load_err)
		app_log(app, ROLE_OK, "the host at %s reads again", apm_ctx_get_source(app->ctx));
	app->load_err = 0;
	app_set_host(app, h);
	apm_host_unref(h);
	if (app->pending)
		pending_host_changed(app, false);
	return 0;
}

int app_watch_start(struct app *app)
{
	return app->watch ? 0 : watch_start(app);
}

int app_watch_step(struct app *app, bool adopt)
{
	struct apm_host *h = NULL;
	struct apm_delta *d = NULL;
	int rc;

	if (!app->watch)
		return 0;
	rc = apm_watch_process(app->watch, &h, &d);
	/* As a failed re-read: the last good snapshot stays, said once (app_reload). */
	if (rc < 0) {
		if (rc != app->load_err)
			app_log(app, ROLE_ERROR,
				"cannot follow the host at %s: %s; the console keeps showing the last snapshot it read",
				apm_ctx_get_source(app->ctx), strerror(-rc));
		app->load_err = rc;
		return rc;
	}
	if (rc == 1 && app->load_err) {
		app_log(app, ROLE_OK, "the host at %s reads again", apm_ctx_get_source(app->ctx));
		app->load_err = 0;
	}
	if (rc == 1) {
		struct apm_watch_stats st;

		app->events_logged = 0;
		/* The view is right again, but what happened meanwhile was not seen event by event. */
		apm_watch_get_stats(app->watch, &st);
		if (st.lost > app->lost_told) {
			app->lost_told = st.lost;
			app_log(app, ROLE_WARNING,
				"uevents were lost (%llu times so far): the host was read whole",
				(unsigned long long)st.lost);
		}
		if (adopt) {
			if (app->pending)
				pending_host_changed(app, true);
			app_set_host_delta(app, h, d);
		}
		apm_host_unref(h);
		apm_delta_unref(d);
	}
	return rc;
}

int app_drain_events(struct app *app, bool reload)
{
	unsigned int seen = app->events_seen;

	app->events_logged = 0;
	/* Headless, what is pending now is handled now; the terminal loop steps on. */
	do {
		unsigned int before = app->events_seen;

		if (app_watch_step(app, reload) == 0 && app->events_seen == before)
			break;
	} while (app->headless);
	return (int)(app->events_seen - seen);
}

/* ---------------------------------------------------------- selection */

int id_index(const unsigned int *ids, unsigned int n, unsigned int id)
{
	for (unsigned int i = 0; i < n; i++)
		if (ids[i] == id)
			return (int)i;
	return -1;
}

void app_selection(const struct app *app, unsigned int *ads, size_t *na, unsigned int *doms,
		   size_t *nd)
{
	int a0 = id_index(app->ids_a, app->na, app->anchor_a);
	int a1 = id_index(app->ids_a, app->na, app->cur_a);
	int q0 = id_index(app->ids_q, app->nq, app->anchor_q);
	int q1 = id_index(app->ids_q, app->nq, app->cur_q);

	*na = *nd = 0;
	if (app->sel == SEL_NONE || a0 < 0 || a1 < 0 || q0 < 0 || q1 < 0)
		return;
	if (app->sel != SEL_COLUMN)
		for (int i = a0 < a1 ? a0 : a1; i <= (a0 < a1 ? a1 : a0); i++)
			ads[(*na)++] = app->ids_a[i];
	if (app->sel != SEL_ROW)
		for (int i = q0 < q1 ? q0 : q1; i <= (q0 < q1 ? q1 : q0); i++)
			doms[(*nd)++] = app->ids_q[i];
}

bool app_in_selection(const struct app *app, unsigned int a, unsigned int q)
{
	int ia = id_index(app->ids_a, app->na, a), iq = id_index(app->ids_q, app->nq, q);
	int a0 = id_index(app->ids_a, app->na, app->anchor_a);
	int a1 = id_index(app->ids_a, app->na, app->cur_a);
	int q0 = id_index(app->ids_q, app->nq, app->anchor_q);
	int q1 = id_index(app->ids_q, app->nq, app->cur_q);
	bool in_a = ia >= (a0 < a1 ? a0 : a1) && ia <= (a0 < a1 ? a1 : a0);
	bool in_q = iq >= (q0 < q1 ? q0 : q1) && iq <= (q0 < q1 ? q1 : q0);

	switch (app->sel) {
	case SEL_RECT:
		return in_a && in_q;
	case SEL_ROW:
		return in_a;
	case SEL_COLUMN:
		return in_q;
	default:
		return false;
	}
}
