// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layout.c - where each view goes, on any screen from 80 x 24 up.
 *
 *   row 0        the header: host, source, profile; the filter and
 *                read-only indicators, which are never cut
 *   row 1        the host's adapters and domains (apmask, aqmask)
 *   body         the grid on the left; on the right the side panel: the
 *                mdev list and warnings, the legend, the cell's details
 *   log          a rule and the last entries of the log
 *   last row     the status line: prompts, hints, the selection
 *
 * The side panel grows with the terminal (up to half of it when the grid
 * needs less), the log with its height.  Each view draws through its own
 * area, so none writes into another or onto the status line, and the whole
 * frame is drawn from a cleared buffer, so nothing stale is left behind.
 * An open view (help, a text, a preview) covers the body and the log area
 * stays visible.
 */
#include <string.h>

#include "tui.h"

#define PANEL_MIN 36

void app_open(struct app *app, struct view *v)
{
	app->modal = v;
}

void app_close(struct app *app)
{
	app->modal = NULL;
}

static void draw_header(struct app *app, int w)
{
	struct screen *s = &app->scr;
	struct area row0 = { 0, 0, w, 1 }, row1 = { 0, 1, w, 1 };
	bool sim = apm_host_get_kind(app->host) == APM_HOST_SIM;
	struct apm_mdev *m = app_mdev(app);
	char right[96] = "", left[512], r[2][800], fit[2][800];
	struct apm_mask mask;
	int x, rw, room, l0, l1, w0;

	screen_fill(s, 0, 0, w, ROLE_HEADER, " ");
	/* What is on never scrolls out of sight: the filter, read-only. */
	if (app->filter && m)
		snprintf(right, sizeof(right), " FILTER: mdev %s only (/ ends it) ",
			 apm_mdev_get_label(m));
	if (apm_ctx_is_read_only(app->ctx))
		snprintf(right + strlen(right), sizeof(right) - strlen(right), " READ-ONLY ");
	if (app->load_err)
		snprintf(right + strlen(right), sizeof(right) - strlen(right),
			 " HOST UNREADABLE: the last snapshot ");
	rw = text_cols(right);
	x = area_put(s, &row0, 0, 0, sim ? ROLE_SIM : ROLE_HEADER,
		     sim ? " SIMULATED host " : " sysfs ");
	snprintf(left, sizeof(left), " %s  kernel profile %s  max %02x/%02x",
		 apm_ctx_get_source(app->ctx), apm_host_get_profile(app->host),
		 apm_host_get_max_adapter_id(app->host), apm_host_get_max_domain_id(app->host));
	area_cut(s, &row0, x, 0, w - x - rw, ROLE_HEADER, left);
	if (rw)
		area_put(s, &row0, w - rw, 0, ROLE_WARNING, right);

	/* Both lists get room; a list that is cut ends in an ellipsis, never half a range. */
	apm_host_get_apmask(app->host, &mask);
	apm_mask_format_ranges(&mask, r[0], sizeof(r[0]));
	apm_host_get_aqmask(app->host, &mask);
	apm_mask_format_ranges(&mask, r[1], sizeof(r[1]));
	room = w - 47;
	l0 = text_cols(r[0][0] ? r[0] : "none");
	l1 = text_cols(r[1][0] ? r[1] : "none");
	w0 = l0 + l1 <= room || l0 <= room / 2 ? l0 : l1 <= room / 2 ? room - l1 : room / 2;
	list_fit(s, r[0][0] ? r[0] : "none", w0, fit[0], sizeof(fit[0]));
	list_fit(s, r[1][0] ? r[1] : "none", room - text_cols(fit[0]), fit[1], sizeof(fit[1]));
	area_printf(s, &row1, 0, 0, ROLE_TEXT,
		    "host adapters (apmask) %s  host domains (aqmask) %s", fit[0], fit[1]);
}

static void draw_status(struct app *app, int y, int w)
{
	struct screen *s = &app->scr;
	struct area a = { 0, y, w, 1 };

	if (app->prompting) {
		int x = area_put(s, &a, 0, 0, ROLE_TITLE, app->prompt_label);

		area_put(s, &a, x, 0, ROLE_TEXT, app->prompt_buf);
	} else if (app->child > 0) {
		area_printf(s, &a, 0, 0, ROLE_TEXT, "%s: waiting for the kernel...",
			    app->child_plan.what);
	} else if (app->modal == &app->preview && app->pending) {
		const char *why;

		area_printf(s, &a, 0, 0, ROLE_WARNING, "%s? %s", app->pending->plan.what,
			    pending_offers_yes(app->pending, &why) ? "y: do it, n: cancel"
								   : "n: close");
	} else if (app->sel != SEL_NONE) {
		unsigned int ads[256], doms[256];
		size_t na, nd;

		app_selection(app, ads, &na, doms, &nd);
		area_printf(
			s, &a, 0, 0, ROLE_SELECTED,
			"selection: %zu adapter%s x %zu domain%s; S assigns it, U unassigns, v clears",
			na, na == 1 ? "" : "s", nd, nd == 1 ? "" : "s");
	} else {
		struct apm_mdev *m = app_mdev(app);
		char name[64];

		if (m)
			app_mdev_name(app, m, name, sizeof(name));
		area_printf(s, &a, 0, 0, ROLE_DIM,
			    "%s  ?: help  q: quit  Tab/=: select mdev  i: details  L: log",
			    m ? name : "no mdev selected");
	}
}

/* The side panel: the mdevs and warnings, the legend when there is room, the details. */
static void draw_panel(struct app *app, const struct area *a)
{
	int per_row = a->w / 12 > 0 ? a->w / 12 : 1;
	int legend_h = 1 + (LOOK_COUNT + per_row - 1) / per_row;
	int list, want, detail_min = 5, y = 0;
	struct area ma, la, da;

	/* The mdevs get what they need up to half the panel; the details the rest. */
	want = mdevs_rows(app, a->w, a->h / 2 > 3 ? a->h / 2 - 1 : 2, &list);
	if (want > a->h - detail_min)
		want = a->h - detail_min > 2 ? a->h - detail_min : 2;
	if (list > want - 1)
		list = want - 1;
	app->mdevs.rows = list;
	ma = area_sub(a, 0, y, a->w, want);
	mdevs_view.draw(app, &app->mdevs, &ma);
	y += want + 1;
	/* The legend only where the details keep their room (? shows it always). */
	if (a->h - y - legend_h - 1 >= detail_min + 2) {
		la = area_sub(a, 0, y, a->w, legend_h);
		area_put(&app->scr, &la, 0, 0, ROLE_TITLE, "legend (? for all)");
		/* The cells' looks, from the one table of them (view-grid.c). */
		for (int i = 0; i < LOOK_COUNT; i++) {
			int lx = i % per_row * 12, ly = 1 + i / per_row;
			char g[8];

			look_legend((enum look)i, g, sizeof(g));
			area_put(&app->scr, &la, lx, ly, cell_looks[i].role, g);
			area_put(&app->scr, &la, lx + 3, ly, ROLE_TEXT, cell_looks[i].key);
		}
		y += legend_h + 1;
	}
	da = area_sub(a, 0, y, a->w, a->h - y);
	detail_view.draw(app, &app->detail, &da);
}

void app_draw(struct app *app)
{
	struct screen *s = &app->scr;
	int w = s->w, h = s->h, log_h, body_y = 2, body_h, grid_need, panel_w, base;
	struct area grid_a, panel_a, log_a, body_a;

	screen_clear(s);
	app->frame_read = 0;
	app->frame_partial = false;
	if (w < MIN_W || h < MIN_H) {
		struct area all = { 0, 0, w, h };

		area_printf(s, &all, 0, 0, ROLE_WARNING, "terminal too small: %dx%d", w, h);
		area_printf(s, &all, 0, 1, ROLE_TEXT, "apmatrix needs %dx%d", MIN_W, MIN_H);
		return;
	}
	app_layout_ids(app);
	draw_header(app, w);
	log_h = 4 + (h > 30 ? (h - 30) / 4 : 0);
	body_h = h - body_y - (log_h + 1) - 1;
	/* The panel grows with the terminal; the grid keeps what it needs, if it can. */
	grid_need = GRID_X + (int)app->nq * grid_cell_w(app) + 1;
	base = w * 3 / 10 > PANEL_MIN ? w * 3 / 10 : PANEL_MIN;
	panel_w = base;
	if (w - grid_need - 1 > base)
		panel_w = w - grid_need - 1 < w / 2 ? w - grid_need - 1 : w / 2;
	grid_a = (struct area){ 0, body_y, w - panel_w - 1, body_h };
	panel_a = (struct area){ w - panel_w, body_y, panel_w, body_h };
	body_a = (struct area){ 0, body_y, w, body_h };
	log_a = (struct area){ 0, body_y + body_h, w, log_h + 1 };

	if (app->modal) {
		struct area m = area_sub(&body_a, 1, 0, w - 2, body_h);

		app->modal->ops->draw(app, app->modal, &m);
	} else {
		grid_view.draw(app, &app->grid, &grid_a);
		for (int y = 0; y < body_h; y++)
			screen_put(s, grid_a.w, body_y + y, 1, ROLE_DIM, s->ascii ? "|" : "\u2502");
		draw_panel(app, &panel_a);
	}
	log_view.draw(app, &app->log, &log_a);
	draw_status(app, h - 1, w);
}
