// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-text.c - any text whole, over the panels: the log (L), the cell's
 * details (i), a preview that does not fit.  It wraps at word boundaries
 * and scrolls (Up/Down, PgUp/PgDn, Home/End); q or Esc closes it.
 */
#include <curses.h>
#include <string.h>

#include "tui.h"

/* Scroll keys of a view that shows lines top.. of lines; REACT_PASS when not one. */
unsigned int scroll_key(struct view *v, int key)
{
	int page = v->rows > 1 ? v->rows - 1 : 1, max = v->lines - v->rows;

	switch (key) {
	case KEY_UP:
	case 'k':
		v->top--;
		break;
	case KEY_DOWN:
	case 'j':
		v->top++;
		break;
	case KEY_PPAGE:
		v->top -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		v->top += page;
		break;
	case KEY_HOME:
	case 'g':
		v->top = 0;
		break;
	case KEY_END:
	case 'G':
		v->top = max;
		break;
	default:
		return REACT_PASS;
	}
	if (v->top > max)
		v->top = max;
	if (v->top < 0)
		v->top = 0;
	return REACT_REDRAW;
}

/* Lines top.. of d in a with a scroll position in the title row. */
void scroll_draw(struct app *app, struct view *v, const struct area *a, const char *title,
		 const struct doc *d)
{
	struct screen *s = &app->scr;
	struct doc head = { 0 };
	struct area top, body;
	char pos[48];
	int pw, th;

	area_clear(s, a);
	/* A title is never cut: it wraps, beside where the text is. */
	doc_add(&head, ROLE_TITLE, 2, "%s", title);
	th = doc_lines(&head, a->w - 22);
	if (th > 3)
		th = 3;
	top = area_sub(a, 0, 0, a->w - 22, th);
	body = area_sub(a, 0, th, a->w, a->h - th - 1);
	v->rows = body.h;
	v->lines = doc_lines(d, body.w);
	if (v->top > v->lines - v->rows)
		v->top = v->lines - v->rows > 0 ? v->lines - v->rows : 0;
	snprintf(pos, sizeof(pos), "lines %d-%d of %d", v->lines ? v->top + 1 : 0,
		 v->top + v->rows < v->lines ? v->top + v->rows : v->lines, v->lines);
	pw = text_cols(pos);
	doc_draw(s, &top, &head, 0, NULL);
	area_put(s, a, a->w - pw, 0, ROLE_DIM, pos);
	doc_draw(s, &body, d, v->top, NULL);
	doc_free(&head);
}

static void text_draw(struct app *app, struct view *v, const struct area *a)
{
	struct screen *s = &app->scr;

	scroll_draw(app, v, a, app->text_title, &app->text_doc);
	area_put(s, a, 0, a->h - 1, ROLE_DIM, "Up/Down PgUp/PgDn Home/End: scroll  q, Esc: close");
}

static unsigned int text_key(struct app *app, struct view *v, int key)
{
	if (key == 'q' || key == 27 || key == 'i' || key == 'L') {
		app_close(app);
		return REACT_REDRAW;
	}
	return scroll_key(v, key) == REACT_PASS ? REACT_NONE : REACT_REDRAW;
}

void text_open(struct app *app, const char *title, struct doc *d, bool at_end)
{
	doc_free(&app->text_doc);
	app->text_doc = *d;
	*d = (struct doc){ 0 };
	snprintf(app->text_title, sizeof(app->text_title), "%s", title);
	app->text.top = at_end ? 1 << 20 : 0;
	app_open(app, &app->text);
}

const struct view_ops text_view = {
	.name = "text",
	.draw = text_draw,
	.key = text_key,
};
