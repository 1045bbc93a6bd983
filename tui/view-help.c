// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-help.c - the help over the panels: every action with its keys (from
 * the one action table), the grid's glyphs and markers, and the mask
 * syntax.  The legend is written here once; the manual prints it too
 * (apmatrix tui --list-legend).
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

void legend_doc(struct doc *d)
{
	/* After the cells' looks (view-grid.c's table), what else the grid and the list show. */
	static const char *const lines[] = {
		"<   after a cell: in the selection (v, V, b)",
		"_   after a cell: the queue itself is deconfigured, checkstopped or offline "
		"(zcrypt), unlike its card (the detail says which)",
		"column markers: U usage domain, C control domain, B both (lszcrypt -d); "
		"d the host's default domain (ap_domain)",
		"under them, the selected mdev's control domains: + in its guest, - filtered out",
		"row states: off configured off, CHK checkstopped, n/l not in the LPAR",
		"labels are the same as `apmatrix show` prints: a capital letter, or a letter and "
		"digits where two mdevs' letters meet",
		"mdev list, last column, at boot: auto (autostart) or man (manual start) as defined, "
		"diff defined otherwise, lost active only: lost at reboot; # rows are mdevs defined "
		"but not active",
		"under the list: whether apmask and aqmask are persistent (41-ap.rules) or active "
		"only, lost at reboot",
	};
	char g[8];

	for (int k = 0; k < LOOK_COUNT; k++) {
		look_legend((enum look)k, g, sizeof(g));
		doc_add(d, ROLE_TEXT, 4, "%-4s%s", g, cell_looks[k].legend);
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		doc_add(d, ROLE_TEXT, 4, "%s", lines[i]);
}

static void help_doc(struct app *app, struct doc *d)
{
	int i = 0;

	doc_add(d, ROLE_TITLE, 0, "actions (keys; the name for :name in scripts and [keys])");
	for (const struct action *a = actions; a->name; a++, i++)
		doc_add(d, (a->flags & ACT_SIM_ONLY) ? ROLE_DIM : ROLE_TEXT, 34, "%-8s %-24s %s",
			app->key_override[i] ? app->key_override_name[i] : a->keyname, a->name,
			a->help);
	doc_add(d, ROLE_TEXT, 0, "%s", "");
	doc_add(d, ROLE_TITLE, 0, "the grid");
	legend_doc(d);
	doc_add(d, ROLE_TEXT, 0, "%s", "");
	doc_add(d, ROLE_TITLE, 0, "masks (m, M) and IDs");
	doc_add(d, ROLE_TEXT, 4,
		"m and M toggle one bit of apmask/aqmask with the kernel's +N/-N syntax; the "
		"preview names what changes owner before anything is written");
}

static void help_draw(struct app *app, struct view *v, const struct area *a)
{
	struct doc d = { 0 };

	help_doc(app, &d);
	scroll_draw(app, v, a, "apmatrix help", &d);
	area_put(&app->scr, a, 0, a->h - 1, ROLE_DIM,
		 "Up/Down PgUp/PgDn: scroll  q, Esc, ?: close");
	doc_free(&d);
}

static unsigned int help_key(struct app *app, struct view *v, int key)
{
	if (key == 'q' || key == 27 || key == '?' || key == KEY_F(1)) {
		app_close(app);
		return REACT_REDRAW;
	}
	return scroll_key(v, key) == REACT_PASS ? REACT_NONE : REACT_REDRAW;
}

const struct view_ops help_view = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
};
