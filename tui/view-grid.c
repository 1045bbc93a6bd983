// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-grid.c - the adapter x domain grid: rows are adapters, columns
 * domains, a cell an APQN drawn with its class as a role (colour) *and* a
 * glyph, so nothing depends on colour.  A cell an mdev holds shows the
 * mdev's label (core/label.c) and a mark; a column is as wide as the
 * longest label needs.  The cursor is always a visible cell (app.c keeps
 * it there) and the view scrolls to keep it in sight.
 */
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
	if (app->qdown_host != app->host) {
		memset(app->qdown, 0, 256 * 256);
		app->qdown_host = app->host;
	}
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
		char mk[3];

		area_printf(s, a, x, 0, q == app->cur_q ? ROLE_CURSOR : ROLE_AXIS, "%*s%02x ",
			    cw - 3, "", q);
		mk[0] = u && k ? 'B' : u ? 'U' : k ? 'C' : ' ';
		mk[1] = (int)q == ap_domain ? 'd' : ' ';
		mk[2] = '\0';
		area_printf(s, a, x, 1, ROLE_AXIS, "%*s%s ", cw - 3, "", mk);
		/* The selected mdev's control domains: + in its guest, - filtered out. */
		if (apm_mask_test(&cd, q))
			area_put(s, a, x + cw - 3, 2,
				 apm_mask_test(&gcd, q) ? ROLE_OK : ROLE_WARNING,
				 apm_mask_test(&gcd, q) ? "+" : "-");
	}
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

			area_printf(s, a, 0, y, ad == app->cur_a ? ROLE_CURSOR : ROLE_LABEL,
				    "%02x %-5s %-5s %-3s ", ad, type[0] ? type : "-",
				    mode ? mode : "-", state);
		} else {
			info = NULL;
			area_printf(s, a, 0, y, ad == app->cur_a ? ROLE_CURSOR : ROLE_DIM,
				    "%02x  not in LPAR    ", ad);
		}
		for (int c = 0; c < cols && app->left + c < (int)app->nq; c++) {
			unsigned int q = app->ids_q[app->left + c];
			struct apm_queue *qi;
			struct cell_look look;
			enum role role;
			char g[16];
			bool exists;

			if (apm_host_lookup_queue(app->host, ad, q, &qi))
				continue;
			cell_look(app, qi, &look);
			exists = apm_queue_exists(qi);
			role = look.role;
			/* The blank after a cell keeps its role: one attribute run, fewer bytes. */
			snprintf(g, sizeof(g), "%s ", look.glyph);
			/* The queue itself off while its card is not: '_' after the cell. */
			if (exists && down_of(app, ad, q, info, qi, true))
				g[cw - 1] = '_';
			apm_queue_unref(qi);
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

const struct view_ops grid_view = {
	.name = "grid",
	.draw = grid_draw,
};
