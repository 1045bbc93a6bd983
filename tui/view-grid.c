// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-grid.c - the adapter x domain grid: rows are adapters, columns
 * domains, a cell an APQN drawn with its class as a role (colour) *and* a
 * glyph, so nothing depends on colour.  A cell an mdev holds shows the
 * mdev's label (core/label.c) and a mark; a column is as wide as the
 * longest label needs.  The cursor is always a visible cell (app.c keeps
 * it there) and the view scrolls to keep it in sight.
 *
 * A frame follows every key and every batch of events, so a cell is made
 * once and kept (app->cells): a new snapshot makes again only the cells
 * its delta names, those whose queue attributes were read again and the
 * rows of adapters that changed; a frame then costs a copy per cell.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

int grid_cell_w(const struct app *app)
{
	return (int)apm_host_get_label_width(app->host) + 2;
}

/*
 * Every look a cell can have, declared once: the grid draws it, the detail
 * names it, the side panel's legend and the help's (so the manual's) list
 * it, in this order.  The first APM_CELL_COUNT are the library's classes.
 */
const struct look_def cell_looks[LOOK_COUNT] = {
	[APM_CELL_HOST] = { ROLE_CELL_HOST, 0, "h", "host", "host",
			    "the host's zcrypt drivers own it (apmask and aqmask)",
			    "the host's (zcrypt) queue: apmask and aqmask both give it to the host" },
	[APM_CELL_FREE] = { ROLE_CELL_FREE, 0, "f", "free", "free",
			    "bound to vfio_ap, in no mdev: free to assign",
			    "free: bound to vfio_ap, in no mdev" },
	[APM_CELL_UNBOUND] = { ROLE_CELL_UNBOUND, 0, "u", "unbound", "unbound",
			       "vfio_ap's by the masks, but no driver is bound",
			       "unbound: vfio_ap's by the masks, but no driver bound" },
	[APM_CELL_ASSIGNED] = { ROLE_CELL_ASSIGNED, ' ', NULL, "assigned", "mdev X",
				"in the mdev's guest matrix; no guest runs",
				"assigned to the mdev labelled X (no guest runs)" },
	[APM_CELL_PLUGGED] = { ROLE_CELL_PLUGGED, '*', NULL, "plugged", "plugged",
			       "plugged into the mdev's running guest",
			       "plugged into the mdev's running guest" },
	[APM_CELL_FILTERED] = { ROLE_CELL_FILTERED, '~', NULL, "filtered", "filtered",
				"assigned, but filtered out of the guest",
				"in the mdev, filtered out of its guest (the detail says why)" },
	[APM_CELL_ABSENT] = { ROLE_CELL_ABSENT, '?', NULL, "absent", "absent",
			      "assigned, but no queue device (over-provisioned)",
			      "in the mdev, no queue device (over-provisioned)" },
	[APM_CELL_CONFLICT] = { ROLE_CELL_CONFLICT, '!', NULL, "conflict", "conflict",
				"assigned, but the host owns it by the masks",
				"in the mdev, but the host owns it by the masks (a conflict)" },
	[LOOK_EMPTY] = { ROLE_CELL_EMPTY, 0, ".", "no queue", "no queue",
			 "no queue device: nothing to own or assign",
			 "no queue device and in no mdev" },
	[LOOK_DEFINED] = { ROLE_CELL_DEFINED, '#', "#", "defined", "defined",
			   "in its mdev's mdevctl definition, not assigned on the host now",
			   "in mdev X's mdevctl definition, not assigned on the host (# alone: in "
			   "the definition of an mdev that is not active)",
			   "in the mdevctl definition of an mdev that is not active" },
};

void look_of(const struct app *app, enum look k, const struct apm_mdev *m, struct cell_look *look)
{
	const struct look_def *l = &cell_looks[k];
	int w = (int)apm_host_get_label_width(app->host);

	look->role = l->role;
	look->name = l->name;
	look->what = l->what;
	/* An mdev's cell: its label and the mark; else the glyph, right-aligned. */
	if (l->mark && (m || !l->glyph)) {
		snprintf(look->glyph, sizeof(look->glyph), "%-*s%c", w,
			 m ? apm_mdev_get_label(m) : "", l->mark);
	} else {
		snprintf(look->glyph, sizeof(look->glyph), "%*s", w + 1, l->glyph);
		if (l->alone)
			look->what = l->alone;
	}
}

void look_legend(enum look k, char *glyph, size_t size)
{
	const struct look_def *l = &cell_looks[k];

	if (l->mark)
		snprintf(glyph, size, "X%c", l->mark == ' ' ? '\0' : l->mark);
	else
		snprintf(glyph, size, "%s", l->glyph);
}

void cell_look(const struct app *app, const struct apm_queue *q, struct cell_look *look)
{
	enum apm_cell cell = apm_queue_get_cell(q);

	if (cell >= APM_CELL_COUNT) {
		*look = (struct cell_look){ ROLE_TEXT, "", "unknown",
					    "the library knows no class" };
		return;
	}
	/* Assigned in a definition, not on the host: that first, it comes at the next start. */
	if (persist_cell(app, q, look))
		return;
	/* No queue device and in no mdev: nothing there, whoever the masks name. */
	if (!apm_queue_exists(q) && !apm_queue_get_mdev(q)) {
		look_of(app, LOOK_EMPTY, NULL, look);
		return;
	}
	look_of(app, (enum look)cell, apm_queue_get_mdev(q), look);
}

/* 1 none, or the index + 1 of the word that says how the queue is down while its card is not. */
static unsigned char down_word(const struct apm_adapter *ad, struct apm_queue *qu)
{
	int qe, ae;
	bool qv, av, qoff, qchk;

	qv = apm_queue_is_configured(qu, &qe);
	av = apm_adapter_is_configured(ad, &ae);
	qoff = !qe && !qv;
	if (qoff && (ae || av))
		return 2;
	qv = apm_queue_is_checkstopped(qu, &qe);
	av = apm_adapter_is_checkstopped(ad, &ae);
	qchk = !qe && qv;
	if (qchk && (ae || !av))
		return 3;
	/* zcrypt_queue.c: online_show is 0 for a queue deconfigured or checkstopped. */
	qv = apm_queue_is_online(qu, &qe);
	av = apm_adapter_is_online(ad, &ae);
	if (!qe && !qv && (ae || av) && !qoff && !qchk)
		return 4;
	return 1;
}

/*
 * A frame's reads of down marks are bounded (app->frame_deadline,
 * app->frame_cells): each cell not read yet for this snapshot costs the
 * queue's config, chkstop and online files, and after a storm of
 * events that is every cell on screen, seconds of reads under a slow
 * kernel before the frame and the key it answers are out.  The first
 * read of a frame is always made, so a run of frames completes.
 */
static bool over_budget(struct app *app)
{
	if (!app->frame_read)
		return false;
	if (app->frame_cells && app->frame_read >= app->frame_cells)
		return true;
	return app->frame_deadline && app_now_ms() >= app->frame_deadline;
}

/* Nothing kept is current: the marks and the cells are made again from app->host. */
static void forget_all(struct app *app)
{
	if (app->qdown)
		memset(app->qdown, 0, 256 * 256);
	memset(app->cell_ok, 0, sizeof(app->cell_ok));
	app->qdown_host = app->host;
}

/* Do the mdevs of x and y have the same labels (what the cells write)? */
static bool same_labels(const struct apm_host *x, const struct apm_host *y)
{
	unsigned int n = apm_host_get_mdev_count(y);

	if (apm_host_get_mdev_count(x) != n ||
	    apm_host_get_label_width(x) != apm_host_get_label_width(y))
		return false;
	for (unsigned int i = 0; i < n; i++) {
		const struct apm_mdev *m = apm_host_get_mdev(y, i);
		const struct apm_mdev *o = apm_host_find_mdev(x, apm_mdev_get_uuid(m));

		if (!o || strcmp(apm_mdev_get_uuid(o), apm_mdev_get_uuid(m)) ||
		    strcmp(apm_mdev_get_label(o), apm_mdev_get_label(m)))
			return false;
	}
	return true;
}

void grid_follow(struct app *app, struct apm_host *h, const struct apm_delta *d)
{
	struct apm_mask rows;

	/*
	 * What is kept was made from the snapshot shown: the delta must start
	 * there, and a full load (events lost) may differ anywhere.  Labels
	 * come from the set of mdevs: one more or less can change them all.
	 */
	if (!app->qdown || !app->host || app->qdown_host != app->host || !d ||
	    apm_delta_get_before(d) != app->host || apm_delta_get_after(d) != h ||
	    (apm_delta_get_flags(d) & APM_DELTA_RELOADED) || !same_labels(app->host, h)) {
		/* A new snapshot may reuse the old one's address: all is made again. */
		app->qdown_host = NULL;
		app->cells_kept = 0;
		return;
	}
	/* An adapter's state is in its queues' marks: its row is made again. */
	apm_delta_get_adapters(d, &rows);
	for (unsigned int a = 0; a < 256; a++) {
		struct apm_mask q, stale;

		if (apm_mask_test(&rows, a)) {
			memset(&app->qdown[a * 256], 0, 256);
			memset(&app->cell_ok[a], 0, sizeof(app->cell_ok[a]));
			continue;
		}
		apm_delta_get_domains(d, a, &q);
		apm_delta_get_stale_domains(d, a, &stale);
		for (unsigned int w = 0; w < 4; w++) {
			uint64_t bits = q.w[w] | stale.w[w];

			app->cell_ok[a].w[w] &= ~bits;
			/* Bit 0 is the most significant (s390 order). */
			while (bits) {
				unsigned int b = 63 - (unsigned int)__builtin_ctzll(bits);

				app->qdown[a * 256 + w * 64 + b] = 0;
				bits &= bits - 1;
			}
		}
	}
	app->cells_kept = 0;
	for (unsigned int a = 0; a < 256; a++)
		app->cells_kept += apm_mask_weight(&app->cell_ok[a]);
	app->qdown_host = h;
}

/*
 * The word for queue qu of adapter ad (NULL: not in the LPAR), handles on
 * app->host the caller has at hand: kept per snapshot, so a frame that
 * follows no new snapshot reads no queue's facts.  budgeted (the grid):
 * past the frame's budget a cell not read yet keeps the word it showed
 * last, and the frame is partial (app->frame_partial: another follows).
 */
static const char *down_of(struct app *app, unsigned int a, unsigned int q,
			   const struct apm_adapter *ad, struct apm_queue *qu, bool budgeted)
{
	static const char *const words[] = { NULL, "deconfigured", "checkstopped",
					     "offline (zcrypt)" };
	unsigned char *v;

	if (a > 255 || q > 255)
		return NULL;
	if (!app->qdown && !(app->qdown = calloc(2 * 256 * 256, 1)))
		return NULL;
	if (app->qdown_host != app->host)
		forget_all(app);
	v = &app->qdown[a * 256 + q];
	if (!*v) {
		if (budgeted && over_budget(app)) {
			app->frame_partial = true;
			v += 256 * 256; /* what the cell showed */
			return *v ? words[*v - 1] : NULL;
		}
		app->frame_read++;
		*v = ad && qu && apm_queue_exists(qu) ? down_word(ad, qu) : 1;
	}
	/* The second half: the word each cell showed last, whatever the snapshot. */
	v[256 * 256] = *v;
	return words[*v - 1];
}

const char *queue_down(struct app *app, unsigned int a, unsigned int q)
{
	struct apm_adapter *ad = NULL;
	struct apm_queue *qu = NULL;
	const char *w;

	if (a > 255 || q > 255)
		return NULL;
	/* Kept: no handles needed. */
	if (app->qdown && app->qdown_host == app->host && app->qdown[a * 256 + q])
		return down_of(app, a, q, NULL, NULL, false);
	if (apm_host_lookup_adapter(app->host, a, &ad))
		ad = NULL;
	if (ad && apm_host_lookup_queue(app->host, a, q, &qu))
		qu = NULL;
	w = down_of(app, a, q, ad, qu, false);
	apm_queue_unref(qu);
	apm_adapter_unref(ad);
	return w;
}

/*
 * A frame writes a label per row and two per column: formatted here
 * rather than by printf, whose cost a frame after each event of a storm
 * would pay a hundred times.  put_hex2 writes an ID as %02x, put_left a
 * string as %-*s (within end).
 */
static char *put_hex2(char *p, unsigned int v)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = hex[(v >> 4) & 0xf];
	*p++ = hex[v & 0xf];
	return p;
}

static char *put_left(char *p, const char *end, const char *str, int w)
{
	int n = 0;

	for (; str[n] && p < end; n++)
		*p++ = str[n];
	for (; n < w && p < end; n++)
		*p++ = ' ';
	return p;
}

/* Column markers (lszcrypt -d: U usage, C control, B both) and the selected mdev's control domains. */
static void draw_axes(struct app *app, const struct area *a, int cols, int cw)
{
	struct screen *s = &app->scr;
	struct apm_mask lpar_u, lpar_c, cd = { { 0 } }, gcd = { { 0 } };
	bool hu = !apm_host_get_lpar_mask(app->host, APM_KIND_DOMAIN, &lpar_u);
	bool hc = !apm_host_get_lpar_mask(app->host, APM_KIND_CONTROL_DOMAIN, &lpar_c);
	struct apm_mdev *m = app_mdev(app);
	int ap_domain = -1;

	apm_host_get_ap_domain(app->host, &ap_domain);
	if (m) {
		apm_mdev_get_mask(m, APM_KIND_CONTROL_DOMAIN, &cd);
		apm_mdev_get_mask(m, APM_KIND_GUEST_CONTROL_DOMAIN, &gcd);
	}
	area_put(s, a, 0, 0, ROLE_DIM, "adapter    domain");
	area_put(s, a, 0, 1, ROLE_DIM, "  U/C/B,d default");
	if (m)
		area_printf(s, a, 0, 2, ROLE_DIM, "  %s control", apm_mdev_get_label(m));
	for (int c = 0; c < cols && app->left + c < (int)app->nq; c++) {
		unsigned int q = app->ids_q[app->left + c];
		bool u = hu && apm_mask_test(&lpar_u, q), k = hc && apm_mask_test(&lpar_c, q);
		int x = GRID_X + c * cw;
		char t[sizeof(app->cells[0].g) + 4];

		/* The ID and the markers right-aligned in the column, a blank after. */
		memset(t, ' ', (size_t)cw);
		t[cw] = '\0';
		put_hex2(t + cw - 3, q);
		area_put(s, a, x, 0, q == app->cur_q ? ROLE_CURSOR : ROLE_AXIS, t);
		t[cw - 3] = u && k ? 'B' : u ? 'U' : k ? 'C' : ' ';
		t[cw - 2] = (int)q == ap_domain ? 'd' : ' ';
		area_put(s, a, x, 1, ROLE_AXIS, t);
		/* The selected mdev's control domains: + in its guest, - filtered out. */
		if (apm_mask_test(&cd, q))
			area_put(s, a, x + cw - 3, 2,
				 apm_mask_test(&gcd, q) ? ROLE_OK : ROLE_WARNING,
				 apm_mask_test(&gcd, q) ? "+" : "-");
	}
}

/*
 * Cell (ad, q) of app->host, adapter info (NULL: not in the LPAR): kept
 * in app->cells once its down mark is read (a mark past the frame's budget
 * is not: the cell is made again by the frame that reads it).  NULL when
 * there is no handle on the queue (memory).
 */
static const struct grid_cell *cell_of(struct app *app, unsigned int ad, unsigned int q,
				       const struct apm_adapter *info, int cw,
				       struct grid_cell *spare)
{
	struct grid_cell *gc = app->cells ? &app->cells[ad * 256 + q] : spare;
	struct apm_queue *qi;
	struct cell_look look;
	bool exists, final = true;

	if (app->cells && apm_mask_test(&app->cell_ok[ad], q))
		return gc;
	if (apm_host_lookup_queue(app->host, ad, q, &qi))
		return NULL;
	cell_look(app, qi, &look);
	exists = apm_queue_exists(qi);
	/* The blank after a cell keeps its role: one attribute run, fewer bytes. */
	memset(gc->g, 0, sizeof(gc->g));
	snprintf(gc->g, sizeof(gc->g), "%s ", look.glyph);
	gc->role = (unsigned char)look.role;
	/* The queue itself off while its card is not: '_' after the cell. */
	if (exists) {
		if (down_of(app, ad, q, info, qi, true))
			gc->g[cw - 1] = '_';
		final = app->qdown && app->qdown[ad * 256 + q];
	}
	apm_queue_unref(qi);
	if (app->cells && final)
		apm_mask_set(&app->cell_ok[ad], q);
	return gc;
}

static void grid_draw(struct app *app, struct view *v, const struct area *a)
{
	struct screen *s = &app->scr;
	int cw = grid_cell_w(app);
	int cols = (a->w - GRID_X) / cw, rows = a->h - 3;
	int ia = id_index(app->ids_a, app->na, app->cur_a);
	int iq = id_index(app->ids_q, app->nq, app->cur_q);

	(void)v;
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	app->rows = rows;
	app->cols = cols;
	/* Keep the cursor in view; labels stay fixed. */
	if (ia >= 0 && ia < app->top)
		app->top = ia;
	if (ia >= app->top + rows)
		app->top = ia - rows + 1;
	if (iq >= 0 && iq < app->left)
		app->left = iq;
	if (iq >= app->left + cols)
		app->left = iq - cols + 1;
	if (app->top > (int)app->na - rows)
		app->top = (int)app->na - rows > 0 ? (int)app->na - rows : 0;
	if (app->left > (int)app->nq - cols)
		app->left = (int)app->nq - cols > 0 ? (int)app->nq - cols : 0;
	draw_axes(app, a, cols, cw);
	/* What is kept was made from this snapshot and this configuration, or all is made again. */
	if (!app->cells)
		app->cells = calloc(256 * 256, sizeof(*app->cells));
	if (app->qdown_host != app->host)
		forget_all(app);
	if (app->cell_cfg != app->cfg_changes) {
		memset(app->cell_ok, 0, sizeof(app->cell_ok));
		app->cell_cfg = app->cfg_changes;
	}
	for (int r = 0; r < rows && app->top + r < (int)app->na; r++) {
		unsigned int ad = app->ids_a[app->top + r];
		struct apm_adapter *info;
		int y = 3 + r;

		if (!apm_host_lookup_adapter(app->host, ad, &info)) {
			int ke, ce;
			bool chk = apm_adapter_is_checkstopped(info, &ke);
			bool on = apm_adapter_is_configured(info, &ce);
			const char *type = apm_adapter_get_type(info),
				   *mode = apm_adapter_get_mode(info);
			const char *state = !ke && chk ? "CHK" : !ce && !on ? "off" : "";
			char l[64], *p = put_hex2(l, ad), *end = l + sizeof(l) - 1;

			/* "%02x %-5s %-5s %-3s " */
			p = put_left(p, end, " ", 1);
			p = put_left(p, end, type[0] ? type : "-", 5);
			p = put_left(p, end, " ", 1);
			p = put_left(p, end, mode ? mode : "-", 5);
			p = put_left(p, end, " ", 1);
			p = put_left(p, end, state, 3);
			p = put_left(p, end, " ", 1);
			*p = '\0';
			area_cut(s, a, 0, y, a->w, ad == app->cur_a ? ROLE_CURSOR : ROLE_LABEL, l);
		} else {
			info = NULL;
			area_printf(s, a, 0, y, ad == app->cur_a ? ROLE_CURSOR : ROLE_DIM,
				    "%02x  not in LPAR    ", ad);
		}
		for (int c = 0; c < cols && app->left + c < (int)app->nq; c++) {
			unsigned int q = app->ids_q[app->left + c];
			struct grid_cell spare;
			const struct grid_cell *gc = cell_of(app, ad, q, info, cw, &spare);
			enum role role;
			char g[sizeof(gc->g)];

			if (!gc)
				continue;
			memcpy(g, gc->g, sizeof(g));
			role = (enum role)gc->role;
			if (ad == app->cur_a && q == app->cur_q) {
				role = ROLE_CURSOR;
			} else if (app->sel != SEL_NONE && app_in_selection(app, ad, q)) {
				/* Marked by glyph too: '<' after a selected cell. */
				role = ROLE_SELECTED;
				g[cw - 1] = '<';
			} else if (app->changed[ad][q]) {
				role = ROLE_CHANGED;
			}
			area_put(s, a, GRID_X + c * cw, y, role, g);
		}
		apm_adapter_unref(info);
	}
}

int grid_spoil(struct app *app, unsigned int a, unsigned int q)
{
	if (!app->cells || a > 255 || q > 255 || !apm_mask_test(&app->cell_ok[a], q))
		return -ENOENT;
	app->cells[a * 256 + q].g[0] = '!';
	return 0;
}

int grid_verify(struct app *app, char *what, size_t size)
{
	struct screen *s = &app->scr;
	size_t n = (size_t)s->w * (size_t)s->h;
	struct cell *kept = malloc(n ? n * sizeof(*kept) : 1);
	long long deadline = app->frame_deadline;
	unsigned int budget = app->frame_cells;
	int rc = 0;

	if (!kept)
		return -ENOMEM;
	/* Both frames whole: no budget leaves a mark for later. */
	app->frame_deadline = 0;
	app->frame_cells = 0;
	app_draw(app);
	memcpy(kept, s->c, n * sizeof(*kept));
	forget_all(app);
	app_draw(app);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct cell *k = &kept[i], *f = &s->c[i];

		if (k->role == f->role && !strcmp(k->g, f->g))
			continue;
		snprintf(
			what, size,
			"column %zu, line %zu: '%s' (role %c) from the kept cells, '%s' (role %c) made afresh",
			i % (size_t)s->w, i / (size_t)s->w, k->g, role_letter(k->role), f->g,
			role_letter(f->role));
		rc = -EINVAL;
	}
	app->frame_deadline = deadline;
	app->frame_cells = budget;
	free(kept);
	return rc;
}

const struct view_ops grid_view = {
	.name = "grid",
	.draw = grid_draw,
};
