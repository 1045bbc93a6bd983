// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-preview.c - a change waiting for the operator's yes: what it is, the
 * rules' verdict, the APQNs that change owner and what a running guest
 * gains or loses, as the library previews it, and last the asides to its
 * explanation (dimmed).  y is offered only when the
 * rules accept the change and it changes something; a preview that an
 * event has overtaken says so, and y then plans it again (pending.c).
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

static void preview_doc(struct app *app, struct doc *d)
{
	struct pending *p = app->pending;
	int pred = pending_prediction(p);
	const char *why;

	if (pred && p->pr.u)
		doc_add(d, ROLE_ERROR, 2, "verdict: %s: it cannot be undone", apm_errno_name(pred));
	else if (pred && p->pr.p)
		doc_add(d, ROLE_ERROR, 2, "verdict: %s: ap-check's and chzdev's checks refuse it",
			apm_errno_name(pred));
	else if (pred)
		doc_add(d, ROLE_ERROR, 2, "rules' verdict: %s: the kernel will refuse it",
			apm_errno_name(pred));
	else if (!pending_offers_yes(p, &why))
		doc_add(d, ROLE_WARNING, 2, "rules' verdict: %s", why);
	else if (p->pr.u || p->pr.p)
		doc_add(d, ROLE_OK, 2, "verdict: the checks pass");
	else
		doc_add(d, ROLE_OK, 2, "rules' verdict: the kernel will accept it");
	if (p->stale)
		doc_add(d, ROLE_WARNING, 2,
			"STALE: the host changed after this preview was made; y plans the change again on a fresh read first");
	if (p->note[0])
		doc_add(d, ROLE_WARNING, 2, "%s", p->note);
	doc_add_escaped(d, ROLE_ERROR, 2, pending_explanation(p));
	pending_preview(p, d);
	/* The asides (the CLI's --verbose) come last, out of the way, for who scrolls down. */
	if (p->pr.c)
		doc_add_escaped(d, ROLE_DIM, 2, apm_change_get_details(p->pr.c));
}

static void preview_draw(struct app *app, struct view *v, const struct area *a)
{
	struct doc d = { 0 };
	const char *why;

	if (!app->pending)
		return;
	preview_doc(app, &d);
	scroll_draw(app, v, a, app->pending->plan.what, &d);
	if (pending_offers_yes(app->pending, &why))
		area_printf(&app->scr, a, 0, a->h - 1, ROLE_WARNING, "y: do it  n: cancel%s",
			    v->lines > v->rows ? "  Up/Down PgUp/PgDn: scroll" : "");
	else
		area_printf(&app->scr, a, 0, a->h - 1, ROLE_WARNING, "n, Esc: close (%s)%s", why,
			    v->lines > v->rows ? "  Up/Down: scroll" : "");
	doc_free(&d);
}

static unsigned int preview_key(struct app *app, struct view *v, int key)
{
	if (key == 'y' || key == 'Y')
		return pending_confirm(app);
	if (key == 'n' || key == 'N' || key == 27 || key == 'q')
		return pending_cancel(app);
	return scroll_key(v, key) == REACT_PASS ? REACT_NONE : REACT_REDRAW;
}

const struct view_ops preview_view = {
	.name = "preview",
	.draw = preview_draw,
	.key = preview_key,
};
