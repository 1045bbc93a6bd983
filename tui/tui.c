// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tui.c - the operator console: layout, drawing, the main loop and the
 * script runner of the screen tests.
 *
 * The grid shows adapters as rows and domains as columns; a cell is an APQN
 * drawn with its cell class as a role (colour) *and* a glyph (letter), so
 * nothing depends on colour.  Around it: a header (host, profile, masks),
 * the mdev list, a legend, the details of the cell under the cursor and a
 * log of events, own writes and refusals.  The loop waits on the keyboard
 * and the host's event source together, and re-reads the host at an
 * interval because vfio_ap sends no uevent for guests or assignments.
 *
 * Headless runs (--script) draw into the same buffer without a terminal;
 * the script advances when the program is idle, never after a sleep.
 */
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "tui.h"

#define GRID_X	18 /* width of the row labels, and a blank */
#define CELL_W	3
#define PANEL_W 36
#define LOG_H	4
#define MIN_W	80
#define MIN_H	24

static int sigpipe[2] = { -1, -1 };

/* ------------------------------------------------------------- log */

void app_log(struct app *app, enum role r, const char *fmt, ...)
{
	unsigned int i = app->log_n % LOG_LINES;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->log[i], sizeof(app->log[i]), fmt, ap);
	va_end(ap);
	/* Multi-line texts (explanations) keep their first line here. */
	app->log[i][strcspn(app->log[i], "\n")] = '\0';
	app->log_role[i] = (unsigned char)r;
	app->log_n++;
}

/* ---------------------------------------------------- mdev letters */

/* A letter per mdev that stays while the mdev exists (A-Z, then a-z). */
char app_mdev_letter(struct app *app, const char *uuid)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	int free_slot = -1;

	for (int i = 0; i < 52; i++) {
		if (!strcmp(app->letters[i], uuid))
			return letters[i];
		if (free_slot < 0 && !app->letters[i][0])
			free_slot = i;
	}
	if (free_slot < 0)
		return '#';
	snprintf(app->letters[free_slot], sizeof(app->letters[0]), "%s", uuid);
	return letters[free_slot];
}

static void letters_sync(struct app *app)
{
	unsigned int n = apm_host_get_mdev_count(app->host);

	/* Free the letters of mdevs that are gone, then give new ones theirs in uuid order. */
	for (int i = 0; i < 52; i++) {
		if (app->letters[i][0] && !apm_host_find_mdev(app->host, app->letters[i]))
			app->letters[i][0] = '\0';
	}
	for (unsigned int i = 0; i < n; i++)
		app_mdev_letter(app, apm_mdev_get_uuid(apm_host_get_mdev(app->host, i)));
}

/* ---------------------------------------------------------- reload */

/* What a cell shows: its role and a 2-character glyph. */
static enum role cell_look(struct app *app, const struct apm_queue_info *q, char *g)
{
	char l = q->mdev >= 0 ? app_mdev_letter(app, apm_mdev_get_uuid(apm_host_get_mdev(
							     app->host, (unsigned int)q->mdev)))
			      : ' ';

	/* The mdev classes: the mdev's letter and a mark; the others: a fixed glyph. */
	static const struct {
		enum role role;
		char mark; /* 0: not an mdev class */
		const char *glyph;
	} look[APM_CELL_COUNT] = {
		[APM_CELL_HOST] = { ROLE_CELL_HOST, 0, "h " },
		[APM_CELL_FREE] = { ROLE_CELL_FREE, 0, "f " },
		[APM_CELL_UNBOUND] = { ROLE_CELL_UNBOUND, 0, "u " },
		[APM_CELL_ASSIGNED] = { ROLE_CELL_ASSIGNED, ' ', NULL },
		[APM_CELL_PLUGGED] = { ROLE_CELL_PLUGGED, '*', NULL },
		[APM_CELL_FILTERED] = { ROLE_CELL_FILTERED, '~', NULL },
		[APM_CELL_ABSENT] = { ROLE_CELL_ABSENT, '?', NULL },
		[APM_CELL_CONFLICT] = { ROLE_CELL_CONFLICT, '!', NULL },
	};

	if (q->cell >= APM_CELL_COUNT) {
		strcpy(g, "  ");
		return ROLE_TEXT;
	}
	/* No queue device and in no mdev: nothing there, whoever the masks name. */
	if (!q->exists && q->mdev < 0) {
		strcpy(g, ". ");
		return ROLE_CELL_EMPTY;
	}
	if (look[q->cell].glyph) {
		strcpy(g, look[q->cell].glyph);
	} else {
		g[0] = l;
		g[1] = look[q->cell].mark;
		g[2] = '\0';
	}
	return look[q->cell].role;
}

/* The rows and columns shown: the LPAR's and the assigned IDs, or all. */
static void visible_ids(struct app *app)
{
	struct apm_mask lpar[3], used_a = { { 0 } }, used_q = { { 0 } };
	unsigned int maxa = apm_host_get_max_adapter_id(app->host);
	unsigned int maxq = apm_host_get_max_domain_id(app->host);
	bool have[3];

	for (int k = 0; k < 3; k++)
		have[k] = !apm_host_get_lpar_mask(app->host, (enum apm_lpar_mask)k, &lpar[k]);
	for (unsigned int i = 0; i < apm_host_get_mdev_count(app->host); i++) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, i);
		struct apm_mask s[3];

		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(m, (enum apm_mdev_set)k, &s[k]);
		for (int w = 0; w < 4; w++) {
			used_a.w[w] |= s[0].w[w];
			used_q.w[w] |= s[1].w[w] | s[2].w[w];
		}
	}
	app->na = app->nq = 0;
	if (app->filter && app->sel_mdev >= 0) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, (unsigned int)app->sel_mdev);
		struct apm_mask s[3];

		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(m, (enum apm_mdev_set)k, &s[k]);
		for (unsigned int a = 0; a < 256; a++)
			if (apm_mask_test(&s[0], a))
				app->ids_a[app->na++] = a;
		for (unsigned int q = 0; q < 256; q++)
			if (apm_mask_test(&s[1], q) || apm_mask_test(&s[2], q))
				app->ids_q[app->nq++] = q;
		if (app->na && app->nq)
			return;
		app->na = app->nq = 0;
	}
	for (unsigned int a = 0; a <= maxa && a < 256; a++) {
		struct apm_adapter_info info;
		bool in = !apm_host_get_adapter(app->host, a, &info) &&
			  (info.in_lpar || info.has_card);

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

/* Re-read the host; cells whose class changed are highlighted until the next. */
int app_reload(struct app *app)
{
	struct apm_host *h;
	int rc = apm_host_load(app->ctx, 0, &h);

	if (rc) {
		app_log(app, ROLE_ERROR, "cannot read the host: %s", strerror(-rc));
		return rc;
	}
	memset(app->changed, 0, sizeof(app->changed));
	if (app->host) {
		/* Only the cells on screen can flash: diff the viewport, not 65536 APQNs. */
		unsigned int a_end = (unsigned int)(app->top + app->rows);
		unsigned int q_end = (unsigned int)(app->left + app->cols);

		for (unsigned int a = (unsigned int)app->top; a < app->na && a < a_end; a++)
			for (unsigned int q = (unsigned int)app->left; q < app->nq && q < q_end;
			     q++) {
				struct apm_queue_info o, n;
				unsigned int ia = app->ids_a[a], iq = app->ids_q[q];

				apm_host_get_queue(app->host, ia, iq, &o);
				apm_host_get_queue(h, ia, iq, &n);
				if (o.cell != n.cell || o.exists != n.exists || o.mdev != n.mdev)
					app->changed[ia][iq] = 1;
			}
		apm_host_unref(app->host);
	}
	app->host = h;
	if (app->sel_mdev >= (int)apm_host_get_mdev_count(h))
		app->sel_mdev = (int)apm_host_get_mdev_count(h) - 1;
	letters_sync(app);
	visible_ids(app);
	return 0;
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

static bool in_selection(const struct app *app, unsigned int a, unsigned int q)
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

/* -------------------------------------------------------------- draw */

static void draw_header(struct app *app)
{
	struct screen *s = &app->scr;
	bool sim = apm_host_get_kind(app->host) == APM_HOST_SIM;
	struct apm_mask m;
	char r[2][256];
	int x;

	screen_fill(s, 0, 0, s->w, ROLE_HEADER, " ");
	x = screen_put(s, 0, 0, s->w, sim ? ROLE_SIM : ROLE_HEADER,
		       sim ? " SIMULATED host " : " sysfs ");
	x += screen_printf(s, x, 0, s->w - x, ROLE_HEADER, " %s  kernel profile %s  max %02x/%02x",
			   apm_ctx_get_source(app->ctx), apm_host_get_profile(app->host),
			   apm_host_get_max_adapter_id(app->host),
			   apm_host_get_max_domain_id(app->host));
	if (apm_ctx_is_read_only(app->ctx))
		screen_put(s, s->w - 11, 0, 11, ROLE_WARNING, " READ-ONLY ");
	apm_host_get_apmask(app->host, &m);
	apm_mask_format_ranges(&m, r[0], sizeof(r[0]));
	apm_host_get_aqmask(app->host, &m);
	apm_mask_format_ranges(&m, r[1], sizeof(r[1]));
	screen_printf(s, 0, 1, s->w, ROLE_TEXT,
		      "host adapters (apmask) %s  host domains (aqmask) %s",
		      r[0][0] ? r[0] : "none", r[1][0] ? r[1] : "none");
}

/* Column markers (lszcrypt -d: U usage, C control, B both) and the selected mdev's control domains. */
static void draw_axes(struct app *app, int gx, int gy, int cols)
{
	struct screen *s = &app->scr;
	struct apm_mask lpar_u, lpar_c, cd = { { 0 } }, gcd = { { 0 } };
	bool hu = !apm_host_get_lpar_mask(app->host, APM_LPAR_USAGE_DOMAINS, &lpar_u);
	bool hc = !apm_host_get_lpar_mask(app->host, APM_LPAR_CONTROL_DOMAINS, &lpar_c);
	int ap_domain = -1;

	apm_host_get_ap_domain(app->host, &ap_domain);
	if (app->sel_mdev >= 0) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, (unsigned int)app->sel_mdev);

		apm_mdev_get_mask(m, APM_SET_CONTROL_DOMAINS, &cd);
		apm_mdev_get_mask(m, APM_SET_GUEST_CONTROL_DOMAINS, &gcd);
	}
	screen_put(s, 0, gy, GRID_X, ROLE_DIM, "adapter    domain");
	screen_put(s, 0, gy + 1, GRID_X, ROLE_DIM, "  U/C/B,d default");
	if (app->sel_mdev >= 0)
		screen_printf(s, 0, gy + 2, GRID_X, ROLE_DIM, "  mdev %c control",
			      app_mdev_letter(app,
					      apm_mdev_get_uuid(apm_host_get_mdev(
						      app->host, (unsigned int)app->sel_mdev))));
	for (int c = 0; c < cols && app->left + c < (int)app->nq; c++) {
		unsigned int q = app->ids_q[app->left + c];
		bool u = hu && apm_mask_test(&lpar_u, q), k = hc && apm_mask_test(&lpar_c, q);
		char mk[4];

		screen_printf(s, gx + c * CELL_W, gy, CELL_W,
			      q == app->cur_q ? ROLE_CURSOR : ROLE_AXIS, "%02x ", q);
		mk[0] = u && k ? 'B' : u ? 'U' : k ? 'C' : ' ';
		mk[1] = (int)q == ap_domain ? 'd' : ' ';
		mk[2] = ' ';
		mk[3] = '\0';
		screen_put(s, gx + c * CELL_W, gy + 1, CELL_W, ROLE_AXIS, mk);
		/* The selected mdev's control domains: + in its guest, - filtered out. */
		if (apm_mask_test(&cd, q))
			screen_put(s, gx + c * CELL_W, gy + 2, 1,
				   apm_mask_test(&gcd, q) ? ROLE_OK : ROLE_WARNING,
				   apm_mask_test(&gcd, q) ? "+" : "-");
	}
}

static void draw_grid(struct app *app, int gy, int gw, int gh)
{
	struct screen *s = &app->scr;
	int cols = (gw - GRID_X) / CELL_W, rows = gh - 3;
	int ia = 0, iq = 0;

	app->rows = rows;
	app->cols = cols;

	for (unsigned int i = 0; i < app->na; i++)
		if (app->ids_a[i] == app->cur_a)
			ia = (int)i;
	for (unsigned int i = 0; i < app->nq; i++)
		if (app->ids_q[i] == app->cur_q)
			iq = (int)i;
	/* Keep the cursor in view; labels stay fixed. */
	if (ia < app->top)
		app->top = ia;
	if (ia >= app->top + rows)
		app->top = ia - rows + 1;
	if (iq < app->left)
		app->left = iq;
	if (iq >= app->left + cols)
		app->left = iq - cols + 1;
	draw_axes(app, GRID_X, gy, cols);
	for (int r = 0; r < rows && app->top + r < (int)app->na; r++) {
		unsigned int a = app->ids_a[app->top + r];
		struct apm_adapter_info info;
		int y = gy + 3 + r;

		if (!apm_host_get_adapter(app->host, a, &info)) {
			const char *state = info.chkstop == 1  ? "CHK"
					    : info.config == 0 ? "off"
					    : !info.in_lpar    ? "n/l"
							       : "";

			screen_printf(s, 0, y, GRID_X, a == app->cur_a ? ROLE_CURSOR : ROLE_LABEL,
				      "%02x %-5s %-5s%-3s", a, info.type[0] ? info.type : "-",
				      info.mode ? info.mode : "-", state);
		} else {
			screen_printf(s, 0, y, GRID_X, a == app->cur_a ? ROLE_CURSOR : ROLE_DIM,
				      "%02x  not in LPAR  ", a);
		}
		for (int c = 0; c < cols && app->left + c < (int)app->nq; c++) {
			unsigned int q = app->ids_q[app->left + c];
			struct apm_queue_info qi;
			enum role role;
			char g[8];

			apm_host_get_queue(app->host, a, q, &qi);
			role = cell_look(app, &qi, g);
			/* The blank after a cell keeps its role: one attribute run, fewer bytes. */
			strcat(g, " ");
			if (a == app->cur_a && q == app->cur_q) {
				role = ROLE_CURSOR;
			} else if (in_selection(app, a, q)) {
				/* Marked by glyph too: '<' after a selected cell. */
				role = ROLE_SELECTED;
				g[2] = '<';
			} else if (app->changed[a][q]) {
				role = ROLE_CHANGED;
			}
			screen_put(s, GRID_X + c * CELL_W, y, CELL_W, role, g);
		}
	}
}

/*
 * Warnings the kernel does not give (one line each, at most max): an mdev
 * whose control domain is a usage domain of the host or of another mdev
 * (its guest could change those keys), and control domains without any
 * usage domain (ap-check refuses to start such an mdev).
 */
static int host_warnings(struct app *app, char lines[][96], int max)
{
	unsigned int n = apm_host_get_mdev_count(app->host);
	struct apm_mask lpar_u, aqmask;
	bool hu = !apm_host_get_lpar_mask(app->host, APM_LPAR_USAGE_DOMAINS, &lpar_u);
	int k = 0;

	apm_host_get_aqmask(app->host, &aqmask);
	for (unsigned int i = 0; i < n && k < max; i++) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, i);
		char l = app_mdev_letter(app, apm_mdev_get_uuid(m));
		struct apm_mask cd, ud;
		bool any_u = false;

		apm_mdev_get_mask(m, APM_SET_CONTROL_DOMAINS, &cd);
		apm_mdev_get_mask(m, APM_SET_DOMAINS, &ud);
		for (int w = 0; w < 4; w++)
			any_u |= ud.w[w] != 0;
		for (unsigned int d = 0; d < 256 && k < max; d++) {
			if (!apm_mask_test(&cd, d))
				continue;
			if (hu && apm_mask_test(&lpar_u, d) && apm_mask_test(&aqmask, d)) {
				snprintf(lines[k++], 96, "%c: control 0x%02x is a host usage dom.",
					 l, d);
				continue;
			}
			for (unsigned int j = 0; j < n && k < max; j++) {
				struct apm_mask od;

				if (j == i)
					continue;
				apm_mdev_get_mask(apm_host_get_mdev(app->host, j), APM_SET_DOMAINS,
						  &od);
				if (apm_mask_test(&od, d)) {
					snprintf(lines[k++], 96,
						 "%c: control 0x%02x is %c's usage dom.", l, d,
						 app_mdev_letter(
							 app, apm_mdev_get_uuid(apm_host_get_mdev(
								      app->host, j))));
					break;
				}
			}
		}
		for (int w = 0; w < 4 && !any_u && k < max; w++)
			if (cd.w[w]) {
				snprintf(lines[k++], 96, "%c: control but no usage domains", l);
				break;
			}
	}
	return k;
}

static void draw_panel(struct app *app, int px, int py, int ph)
{
	struct screen *s = &app->scr;
	unsigned int n = apm_host_get_mdev_count(app->host);
	struct apm_queue_info qi;
	struct apm_adapter_info info;
	int y = py, w = s->w - px;

	screen_put(s, px, y++, w, ROLE_TITLE, "mdevs (Tab), APQNs assigned/in guest");
	for (unsigned int i = 0; i < n && y < py + 8; i++) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, i);
		struct apm_mask set[2];
		int use = apm_mdev_in_use(m);

		apm_mdev_get_mask(m, APM_SET_ADAPTERS, &set[0]);
		apm_mdev_get_mask(m, APM_SET_DOMAINS, &set[1]);
		{
			struct apm_mask gm[2];
			unsigned int na = 0, nd = 0, ga = 0, gd = 0;

			apm_mdev_get_mask(m, APM_SET_GUEST_ADAPTERS, &gm[0]);
			apm_mdev_get_mask(m, APM_SET_GUEST_DOMAINS, &gm[1]);
			for (unsigned int b = 0; b < 256; b++) {
				na += apm_mask_test(&set[0], b);
				nd += apm_mask_test(&set[1], b);
				ga += apm_mask_test(&gm[0], b);
				gd += apm_mask_test(&gm[1], b);
			}
			/* Counts: APQNs assigned / in the guest's matrix. */
			screen_printf(s, px, y++, w,
				      (int)i == app->sel_mdev ? ROLE_SELECTED : ROLE_TEXT,
				      "%c %.8s %-8.8s %-6s %u/%u",
				      app_mdev_letter(app, apm_mdev_get_uuid(m)),
				      apm_mdev_get_uuid(m),
				      apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "-",
				      use == 1	 ? "in use"
				      : use == 0 ? "idle"
						 : "?",
				      na * nd, ga * gd);
		}
	}
	if (!n)
		screen_put(s, px, y++, w, ROLE_DIM, "none: N creates one");
	{
		char warn[3][96];
		int nw = host_warnings(app, warn, 3);

		for (int i = 0; i < nw; i++)
			screen_printf(s, px, y++, w, ROLE_WARNING, "! %s", warn[i]);
	}
	y++;
	screen_put(s, px, y++, w, ROLE_TITLE, "legend");
	{
		static const struct {
			enum role r;
			const char *g, *text;
		} leg[] = {
			{ ROLE_CELL_HOST, "h ", "host" },
			{ ROLE_CELL_FREE, "f ", "free" },
			{ ROLE_CELL_UNBOUND, "u ", "unbound" },
			{ ROLE_CELL_ASSIGNED, "X ", "mdev X" },
			{ ROLE_CELL_PLUGGED, "X*", "plugged" },
			{ ROLE_CELL_FILTERED, "X~", "filtered" },
			{ ROLE_CELL_ABSENT, "X?", "absent" },
			{ ROLE_CELL_CONFLICT, "X!", "conflict" },
			{ ROLE_CELL_EMPTY, ". ", "no queue" },
		};

		for (size_t i = 0; i < sizeof(leg) / sizeof(leg[0]); i++) {
			int lx = px + (int)(i % 3) * 12;

			screen_put(s, lx, y, 2, leg[i].r, leg[i].g);
			screen_put(s, lx + 3, y, 8, ROLE_TEXT, leg[i].text);
			if (i % 3 == 2)
				y++;
		}
	}
	y++;
	/* The cell under the cursor. */
	apm_host_get_queue(app->host, app->cur_a, app->cur_q, &qi);
	screen_printf(s, px, y++, w, ROLE_TITLE, "APQN %02x.%04x", app->cur_a, app->cur_q);
	{
		struct apm_queue_detail d = { .status = "" };

		/* vfio_ap's own word for the queue, read on demand. */
		if (qi.driver && !strcmp(qi.driver, "vfio_ap"))
			apm_host_get_queue_detail(app->host, app->cur_a, app->cur_q, &d);
		if (qi.exists)
			screen_printf(s, px, y++, w, ROLE_TEXT, "queue: driver %s%s%s",
				      qi.driver ? qi.driver : "none", d.status[0] ? ", " : "",
				      d.status);
		else
			screen_put(s, px, y++, w, ROLE_TEXT, "no queue device");
	}
	screen_printf(s, px, y++, w, ROLE_TEXT, "owner %s, cell %s",
		      qi.owner_host ? "host" : "vfio", apm_cell_name(qi.cell));
	if (!apm_host_get_adapter(app->host, app->cur_a, &info))
		screen_printf(s, px, y++, w, ROLE_TEXT, "adapter config %s, chkstop %s",
			      info.config < 0 ? "?"
			      : info.config   ? "on"
					      : "off",
			      info.chkstop < 0 ? "?"
			      : info.chkstop   ? "yes"
					       : "no");
	if (qi.mdev >= 0) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, (unsigned int)qi.mdev);

		screen_printf(s, px, y++, w, ROLE_TEXT, "mdev %c %.13s",
			      app_mdev_letter(app, apm_mdev_get_uuid(m)), apm_mdev_get_uuid(m));
		if (qi.in_guest_matrix) {
			screen_put(s, px, y++, w, qi.plugged ? ROLE_OK : ROLE_TEXT,
				   qi.plugged ? "plugged into the running guest"
					      : "in guest_matrix, no guest");
		} else {
			/* The filter's code and reason, wrapped over the panel's lines. */
			const char *r = qi.reason;

			screen_printf(s, px, y++, w, ROLE_WARNING, "filtered: %s",
				      apm_filter_name(qi.filter));
			while (*r && y < py + ph) {
				int used = screen_put(s, px, y++, w, ROLE_DIM, r);

				r += strlen(r) > (size_t)used ? (size_t)used : strlen(r);
			}
		}
	}
	/*
	 * SE bind/association exist only when this host is itself a Secure
	 * Execution guest (APSB); the queue's attributes are read on demand.
	 */
	{
		const char *feat = apm_host_get_bus_features(app->host);
		struct apm_queue_detail d;
		int sy = y < py + ph ? y : py + ph - 1;

		if (feat && strstr(feat, "APSB") && qi.exists &&
		    !apm_host_get_queue_detail(app->host, app->cur_a, app->cur_q, &d) &&
		    (d.se_bind[0] || d.se_associate[0]))
			screen_printf(s, px, sy, w, ROLE_TEXT, "SE: %s, %s",
				      d.se_bind[0] ? d.se_bind : "-",
				      d.se_associate[0] ? d.se_associate : "-");
		else
			screen_put(s, px, sy, w, ROLE_DIM, "SE bind/associate: n/a");
	}
}

static void draw_log(struct app *app, int y0)
{
	struct screen *s = &app->scr;
	unsigned int first = app->log_n > LOG_H ? app->log_n - LOG_H : 0;

	screen_fill(s, 0, y0, s->w, ROLE_DIM, s->ascii ? "-" : "\u2500");
	for (unsigned int i = first; i < app->log_n; i++)
		screen_put(s, 0, y0 + 1 + (int)(i - first), s->w, app->log_role[i % LOG_LINES],
			   app->log[i % LOG_LINES]);
}

static void draw_status(struct app *app)
{
	struct screen *s = &app->scr;
	int y = s->h - 1;

	if (app->prompting) {
		int x = screen_put(s, 0, y, s->w, ROLE_TITLE, app->prompt_label);

		screen_put(s, x, y, s->w - x, ROLE_TEXT, app->prompt_buf);
	} else if (app->pending) {
		screen_printf(s, 0, y, s->w, ROLE_WARNING, "%s? y: do it, n: cancel",
			      app->pending_what);
	} else if (app->child > 0) {
		screen_printf(s, 0, y, s->w, ROLE_TEXT, "%s: waiting for the kernel...",
			      app->child_what);
	} else if (app->sel != SEL_NONE) {
		unsigned int ads[256], doms[256];
		size_t na, nd;

		app_selection(app, ads, &na, doms, &nd);
		screen_printf(
			s, 0, y, s->w, ROLE_SELECTED,
			"selection: %zu adapter%s x %zu domain%s; S assigns it, U unassigns, v clears",
			na, na == 1 ? "" : "s", nd, nd == 1 ? "" : "s");
	} else {
		screen_put(s, 0, y, s->w, ROLE_DIM, "?: help  q: quit  Tab: select mdev  g: go to");
	}
}

/* A change's preview and verdict over the grid, before the operator says yes. */
static void draw_pending(struct app *app)
{
	struct screen *s = &app->scr;
	const char *p = apm_change_get_preview(app->pending);
	const char *e = apm_change_get_explanation(app->pending);
	int pred = apm_change_get_prediction(app->pending);
	int x = 2, y = 3, w = s->w - 4, maxy = s->h - LOG_H - 3;

	for (int yy = y; yy <= maxy; yy++)
		screen_fill(s, 0, yy, s->w, ROLE_TEXT, " ");
	screen_printf(s, x, y++, w, ROLE_TITLE, "%s", app->pending_what);
	screen_printf(s, x, y++, w, pred ? ROLE_ERROR : ROLE_OK, "rules' verdict: %s",
		      pred ? apm_errno_name(pred) : "the kernel will accept it");
	for (const char *l = e; l && *l && y < maxy; y++) {
		size_t n = strcspn(l, "\n");
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)(n < 255 ? n : 255), l);
		screen_put(s, x, y, w, ROLE_ERROR, line);
		l += n + (l[n] == '\n');
	}
	for (const char *l = p; l && *l && y < maxy; y++) {
		size_t n = strcspn(l, "\n");
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)(n < 255 ? n : 255), l);
		screen_put(s, x, y, w, ROLE_TEXT, line);
		l += n + (l[n] == '\n');
	}
	screen_put(s, x, maxy, w, ROLE_WARNING, "y: apply  n: cancel");
}

static void draw_help(struct app *app)
{
	struct screen *s = &app->scr;
	int y = 2, i = 0;

	screen_put(s, 0, y++, s->w, ROLE_TITLE,
		   "apmatrix actions (keys, name for :name in scripts)");
	for (const struct action *a = actions; a->name; a++, i++) {
		if (i < app->help_top)
			continue;
		if (y >= s->h - 1)
			break;
		screen_printf(s, 0, y++, s->w, (a->flags & ACT_SIM_ONLY) ? ROLE_DIM : ROLE_TEXT,
			      "%-8s %-24s %s",
			      app->key_override[i] ? app->key_override_name[i] : a->keyname,
			      a->name, a->help);
	}
}

void app_draw(struct app *app)
{
	struct screen *s = &app->scr;
	int gw, gh;

	screen_clear(s);
	visible_ids(app);
	if (s->w < MIN_W || s->h < MIN_H) {
		screen_printf(s, 0, 0, s->w, ROLE_WARNING, "terminal too small: %dx%d", s->w, s->h);
		screen_printf(s, 0, 1, s->w, ROLE_TEXT, "apmatrix needs %dx%d", MIN_W, MIN_H);
		return;
	}
	draw_header(app);
	if (app->help) {
		draw_help(app);
		draw_status(app);
		return;
	}
	gw = s->w - PANEL_W - 1;
	gh = s->h - 3 - LOG_H - 2;
	draw_grid(app, 3, gw, gh);
	for (int y = 3; y < 3 + gh; y++)
		screen_put(s, gw, y, 1, ROLE_DIM, s->ascii ? "|" : "\u2502");
	draw_panel(app, gw + 2, 3, gh);
	draw_log(app, 3 + gh);
	if (app->pending)
		draw_pending(app);
	draw_status(app);
}

/* ------------------------------------------------------------- input */

static void handle_key(struct app *app, int key)
{
	const struct action *a;

	if (app->prompting) {
		size_t n = strlen(app->prompt_buf);

		if (key == '\n' || key == KEY_ENTER) {
			char text[64];

			app->prompting = false;
			snprintf(text, sizeof(text), "%s", app->prompt_buf);
			app->prompt_done(app, text);
		} else if (key == 27) {
			app->prompting = false;
		} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n) {
			app->prompt_buf[n - 1] = '\0';
		} else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof(app->prompt_buf)) {
			app->prompt_buf[n] = (char)key;
			app->prompt_buf[n + 1] = '\0';
		}
		return;
	}
	if (app->pending) {
		if (key == 'y' || key == 'Y')
			action_confirm(app, true);
		else if (key == 'n' || key == 'N' || key == 27 || key == 'q')
			action_confirm(app, false);
		return;
	}
	if (app->help && (key == 27 || key == 'q')) {
		app->help = false;
		return;
	}
	a = action_by_key(app, key);
	if (a)
		action_run(app, a, NULL);
}

/* Script keys: plain characters, or <Up> <Down> <Left> <Right> <Enter> <Esc> <Tab> ... */
static int script_key(const char **p)
{
	static const struct {
		const char *name;
		int key;
	} names[] = {
		{ "<Up>", KEY_UP },	   { "<Down>", KEY_DOWN },  { "<Left>", KEY_LEFT },
		{ "<Right>", KEY_RIGHT },  { "<Enter>", '\n' },	    { "<Esc>", 27 },
		{ "<Tab>", '\t' },	   { "<S-Tab>", KEY_BTAB }, { "<PgUp>", KEY_PPAGE },
		{ "<PgDn>", KEY_NPAGE },   { "<Home>", KEY_HOME },  { "<End>", KEY_END },
		{ "<BS>", KEY_BACKSPACE }, { "<Space>", ' ' },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(*p, names[i].name, strlen(names[i].name))) {
			*p += strlen(names[i].name);
			return names[i].key;
		}
	return (unsigned char)*(*p)++;
}

static int save_display(struct app *app, const char *file)
{
	char roles[1024];
	FILE *t, *r;

	snprintf(roles, sizeof(roles), "%s.roles", file);
	t = fopen(file, "w");
	r = fopen(roles, "w");
	if (!t || !r) {
		if (t)
			fclose(t);
		if (r)
			fclose(r);
		return -errno;
	}
	screen_dump(&app->scr, t, r);
	fclose(t);
	fclose(r);
	return 0;
}

/* Waits for a forked change; the script only moves on when the app is idle. */
static void wait_idle(struct app *app)
{
	while (app->child > 0)
		action_child_done(app);
}

static int run_script(struct app *app, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512];
	int lineno = 0, rc = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open script %s: %s\n", app->prog, file,
			strerror(errno));
		return 2;
	}
	while (!app->quit && fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n'), *arg;

		lineno++;
		if (nl)
			*nl = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (line[0] == ':') {
			const struct action *a;

			arg = strchr(line, ' ');
			if (arg)
				*arg++ = '\0';
			if (!strcmp(line + 1, "save-display")) {
				app_draw(app);
				if (!arg || save_display(app, arg)) {
					fprintf(stderr, "%s: %s:%d: cannot save the display\n",
						app->prog, file, lineno);
					rc = 2;
				}
			} else if (!strcmp(line + 1, "resize")) {
				int w, h;

				if (!arg || sscanf(arg, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 ||
				    w > 1000 || h > 1000 || screen_resize(&app->scr, w, h)) {
					fprintf(stderr, "%s: %s:%d: resize WxH\n", app->prog, file,
						lineno);
					rc = 2;
				}
			} else if ((a = action_by_name(line + 1))) {
				action_run(app, a, arg);
			} else {
				fprintf(stderr,
					"%s: %s:%d: unknown action '%s' (apmatrix tui --list-actions)\n",
					app->prog, file, lineno, line + 1);
				rc = 2;
			}
		} else {
			for (const char *p = line; *p && !app->quit;)
				handle_key(app, script_key(&p));
		}
		wait_idle(app);
		app_draw(app);
	}
	fclose(f);
	return rc;
}

/* ------------------------------------------------------------- loop */

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;

	if (sigpipe[1] >= 0 && write(sigpipe[1], &c, 1) < 0)
		return;
}

static void drain_events(struct app *app)
{
	struct apm_event *ev;
	int n = 0;

	while (!apm_ctx_read_event(app->ctx, &ev)) {
		const char *p0 = apm_event_get_property_at(ev, 0);

		if (n++ < 8)
			app_log(app, ROLE_DIM, "uevent %s %s %s", apm_event_get_action(ev),
				apm_event_get_devpath(ev), p0 ? p0 : "");
		apm_event_unref(ev);
	}
	app_reload(app);
}

/* Whatever path leaves the program (exit() on a fatal error too), the terminal comes back. */
static void restore_terminal(void)
{
	if (stdscr && !isendwin())
		endwin();
}

static int run_terminal(struct app *app)
{
	struct pollfd pfd[4];
	int efd = apm_ctx_get_event_fd(app->ctx);

	if (pipe(sigpipe))
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGWINCH, on_signal);
	atexit(restore_terminal);
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (!app->mono && has_colors()) {
		start_color();
		use_default_colors();
		for (int r = 0; r < ROLE_COUNT; r++)
			init_pair((short)(r + 1), app->theme.e[r].fg, app->theme.e[r].bg);
	} else {
		theme_load(&app->theme, NULL, true, NULL);
	}
	screen_resize(&app->scr, COLS, LINES);
	while (!app->quit) {
		int nfd = 0, rc;

		app_draw(app);
		screen_flush_curses(&app->scr, &app->shown, &app->theme);
		refresh();
		pfd[nfd++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[nfd++] = (struct pollfd){ .fd = sigpipe[0], .events = POLLIN };
		if (efd >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = efd, .events = POLLIN };
		if (app->child > 0)
			pfd[nfd++] = (struct pollfd){ .fd = app->child_pipe, .events = POLLIN };
		rc = poll(pfd, (nfds_t)nfd, app->interval_ms);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc == 0) {
			/* No uevent tells of guests or assignments: look at an interval. */
			app_reload(app);
			continue;
		}
		if (pfd[1].revents & POLLIN) {
			unsigned char sig;

			if (read(sigpipe[0], &sig, 1) == 1 && sig == SIGWINCH) {
				endwin();
				refresh();
				screen_resize(&app->scr, COLS, LINES);
				screen_resize(&app->shown, 0, 0);
				clear();
			} else {
				app->quit = true;
			}
		}
		for (int i = 2; i < nfd; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (pfd[i].fd == efd)
				drain_events(app);
			else if (app->child > 0 && pfd[i].fd == app->child_pipe)
				action_child_done(app);
		}
		if (pfd[0].revents & POLLIN) {
			int key = getch();

			if (key == KEY_RESIZE) {
				screen_resize(&app->scr, COLS, LINES);
				screen_resize(&app->shown, 0, 0);
				clear();
			} else if (key != ERR) {
				handle_key(app, key);
			}
		}
	}
	endwin();
	return 0;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS] tui [--theme NAME|PATH] [--mono] [--ascii] [--interval MS]\n"
		"                         [--script FILE --size WxH] [--list-actions]\n",
		prog);
}

int tui_main(struct apm_ctx *ctx, const char *prog, int argc, char **argv, bool read_only)
{
	struct app *app = calloc(1, sizeof(*app));
	const char *theme = NULL, *script = NULL, *size = "100x30";
	int w, h, rc = 0;

	if (!app)
		return 1;
	app->ctx = ctx;
	app->prog = prog;
	app->read_only = read_only;
	app->sel_mdev = -1;
	app->interval_ms = 1000;
	setlocale(LC_ALL, "");
	app->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	app->mono = getenv("NO_COLOR") && *getenv("NO_COLOR");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--theme") && i + 1 < argc)
			theme = argv[++i];
		else if (!strcmp(argv[i], "--mono"))
			app->mono = true;
		else if (!strcmp(argv[i], "--ascii"))
			app->ascii = true;
		else if (!strcmp(argv[i], "--script") && i + 1 < argc)
			script = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			size = argv[++i];
		else if (!strcmp(argv[i], "--interval") && i + 1 < argc)
			app->interval_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--list-actions")) {
			actions_print(stdout);
			free(app);
			return 0;
		} else {
			usage(stderr, prog);
			free(app);
			return 2;
		}
	}
	config_load(app, &theme, stderr);
	if (app->interval_ms < 100)
		app->interval_ms = 100;
	/* A broken theme costs its roles, not the console: errors go to stderr and the log. */
	theme_load(&app->theme, theme, app->mono, stderr);
	app->scr.ascii = app->ascii;
	if (app_reload(app)) {
		free(app);
		return 1;
	}
	if (app->na)
		app->cur_a = app->ids_a[0];
	if (app->nq)
		app->cur_q = app->ids_q[0];
	if (apm_host_get_mdev_count(app->host))
		app->sel_mdev = 0;
	app_log(app, ROLE_TEXT, "%s host %s: %u mdevs",
		apm_host_get_kind(app->host) == APM_HOST_SIM ? "simulated" : "sysfs",
		apm_ctx_get_source(ctx), apm_host_get_mdev_count(app->host));
	if (script) {
		app->headless = true;
		if (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000) {
			fprintf(stderr, "%s: --size WxH, e.g. 100x30\n", prog);
			rc = 2;
		} else {
			screen_resize(&app->scr, w, h);
			app_draw(app);
			rc = run_script(app, script);
		}
	} else {
		rc = run_terminal(app);
	}
	if (app->pending)
		apm_change_unref(app->pending);
	apm_host_unref(app->host);
	free(app->scr.c);
	free(app->shown.c);
	free(app);
	return rc;
}
