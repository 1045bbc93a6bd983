// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-mdevs.c - the mdev list beside the grid (label, UUID, guest, use,
 * APQNs assigned / in the guest, what happens at boot: "auto" or "man"
 * as defined, "diff" defined otherwise, "lost" active only), then the
 * mdevs defined but not active ("#"), the masks' persistence and under it
 * the warnings (warnings.c).
 *
 * The list scrolls so that the selected mdev is always on screen; the mdevs
 * it leaves out are counted ("+N more").  A UUID is shortened on purpose
 * (cef03c3c…) and whole where the panel is wide enough.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* One row: label, UUID, guest, use, APQNs assigned / in the guest. */
static void mdev_row(struct app *app, const struct area *a, int y, const struct apm_mdev *m,
		     bool selected)
{
	struct screen *s = &app->scr;
	int lw = (int)apm_host_get_label_width(app->host), err;
	int use = apm_mdev_is_in_use(m, &err) ? 1 : err ? -1 : 0;
	struct apm_mask set[4];
	char uuid[48], guest[64], tail[32];
	int x = 0, gw, tw;
	enum role r = selected ? ROLE_SELECTED : ROLE_TEXT;

	for (int k = 0; k < 2; k++)
		apm_mdev_get_mask(m, (enum apm_kind)k, &set[k]);
	apm_mdev_get_mask(m, APM_KIND_GUEST_ADAPTER, &set[2]);
	apm_mdev_get_mask(m, APM_KIND_GUEST_DOMAIN, &set[3]);
	snprintf(tail, sizeof(tail), " %-6s %u/%u %-4s",
		 use == 1   ? "in use"
		 : use == 0 ? "idle"
			    : "?",
		 apm_mask_weight(&set[0]) * apm_mask_weight(&set[1]),
		 apm_mask_weight(&set[2]) * apm_mask_weight(&set[3]),
		 persist_boot(app, apm_mdev_get_uuid(m)));
	tw = text_cols(tail);
	/* The whole UUID where the row still has room for a guest's name after it. */
	uuid_fit(s, apm_mdev_get_uuid(m), a->w - lw - 1 - tw - 12, uuid, sizeof(uuid));
	apm_text_escape(apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "-", guest, sizeof(guest),
			0);
	if (selected)
		screen_fill(s, a->x, a->y + y, a->w, r, " ");
	x += area_printf(s, a, x, y, r, "%-*s ", lw, apm_mdev_get_label(m));
	x += area_printf(s, a, x, y, r, "%s ", uuid);
	gw = a->w - x - tw;
	if (gw < 1)
		gw = 1;
	area_cut(s, a, x, y, gw, r, guest);
	area_put(s, a, a->w - tw > x + 1 ? a->w - tw : x + 1, y, r, tail);
}

/* An mdev defined, not active: "#", its UUID, its libvirt domain, what it would get, its start. */
static void defined_row(struct app *app, const struct area *a, int y, const char *uuid_full)
{
	struct screen *s = &app->scr;
	int lw = (int)apm_host_get_label_width(app->host), x = 0, gw, tw;
	struct apm_def *d = apm_config_find_def(app->cfg, uuid_full);
	struct apm_guest_info gi;
	struct apm_mask set[2];
	char uuid[48], guest[64], tail[32];

	for (int k = 0; k < 2; k++)
		apm_def_get_mask(d, (enum apm_kind)k, &set[k]);
	snprintf(tail, sizeof(tail), " %-6s %u/- %-4s", "off",
		 apm_mask_weight(&set[0]) * apm_mask_weight(&set[1]),
		 apm_def_get_autostart(d) ? "auto" : "man");
	tw = text_cols(tail);
	uuid_fit(s, uuid_full, a->w - lw - 1 - tw - 12, uuid, sizeof(uuid));
	apm_text_escape(apm_config_get_guest(app->cfg, uuid_full, 0, &gi) ? "-" : gi.name, guest,
			sizeof(guest), 0);
	x += area_printf(s, a, x, y, ROLE_CELL_DEFINED, "%-*s ", lw, "#");
	x += area_printf(s, a, x, y, ROLE_DIM, "%s ", uuid);
	gw = a->w - x - tw;
	if (gw < 1)
		gw = 1;
	area_cut(s, a, x, y, gw, ROLE_DIM, guest);
	area_put(s, a, a->w - tw > x + 1 ? a->w - tw : x + 1, y, ROLE_DIM, tail);
}

/* The doc under the list: the masks' persistence, then the warnings. */
static void below_list(struct app *app, struct doc *d)
{
	persist_masks_doc(app, d);
	warnings_shown(app, d);
}

/* How many rows the list wants: a title, the mdevs (or "none"), the warnings. */
int mdevs_rows(struct app *app, int width, int max_list, int *list_rows)
{
	unsigned int n = apm_host_get_mdev_count(app->host) + persist_defined(app, NULL);
	struct doc d = { 0 };
	int rows = n ? (int)n : 1, w;

	if (rows > max_list)
		rows = max_list;
	below_list(app, &d);
	w = doc_lines(&d, width);
	doc_free(&d);
	*list_rows = rows;
	return 1 + rows + w;
}

static void mdevs_draw(struct app *app, struct view *v, const struct area *a)
{
	static const char *const titles[] = {
		"mdevs (Tab), APQNs assigned/in guest",
		"mdevs (Tab), APQNs assigned/guest",
		"mdevs (Tab)",
		"mdevs",
	};
	struct screen *s = &app->scr;
	unsigned int na = apm_host_get_mdev_count(app->host), nd = persist_defined(app, NULL);
	unsigned int n = na + nd;
	const char **defined = nd ? calloc(nd, sizeof(*defined)) : NULL;
	int list = v->rows, sel = app->sel_index, shown;
	struct doc d = { 0 };
	struct area wa;

	if (defined)
		persist_defined(app, defined);
	else
		n = na;
	/* A heading is never cut: the longest one that fits. */
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (text_cols(titles[i]) <= a->w || i + 1 == sizeof(titles) / sizeof(titles[0])) {
			area_put(s, a, 0, 0, ROLE_TITLE, titles[i]);
			break;
		}
	if (!n) {
		area_put(s, a, 0, 1, ROLE_DIM, "none: N creates one");
	} else {
		/* When they do not all fit, the last row counts the others. */
		shown = (int)n <= list ? (int)n : list - 1;
		if (shown < 1)
			shown = 1;
		if (sel >= 0 && sel < v->top)
			v->top = sel;
		if (sel >= v->top + shown)
			v->top = sel - shown + 1;
		if (v->top > (int)n - shown)
			v->top = (int)n - shown;
		if (v->top < 0)
			v->top = 0;
		/* The active mdevs, then the ones only defined (never selected: not on the host). */
		for (int i = 0; i < shown && v->top + i < (int)n; i++) {
			unsigned int k = (unsigned int)(v->top + i);

			if (k < na)
				mdev_row(app, a, 1 + i, apm_host_get_mdev(app->host, k),
					 (int)k == sel);
			else
				defined_row(app, a, 1 + i, defined[k - na]);
		}
		if (shown < (int)n)
			area_printf(s, a, 0, 1 + shown, ROLE_DIM, "+%d more (%d above, %d below)",
				    (int)n - shown, v->top, (int)n - shown - v->top);
	}
	free(defined);
	below_list(app, &d);
	wa = area_sub(a, 0, 1 + list, a->w, a->h - 1 - list);
	doc_draw(s, &wa, &d, 0, NULL);
	doc_free(&d);
}

const struct view_ops mdevs_view = {
	.name = "mdevs",
	.draw = mdevs_draw,
};
