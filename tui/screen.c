// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen.c - the cell buffer the console draws into, the areas that keep
 * each panel inside its own rectangle, and text laid out in them.
 *
 * Everything is drawn into a buffer of (glyph, role) cells first.  A
 * terminal gets only the cells that changed since the last flush (so a
 * one-cell change costs a few bytes), and a headless run dumps the buffer:
 * its text and a role map, one letter per cell, which the scripted tests
 * compare.  A panel draws only through its struct area: nothing it writes
 * can land in another panel or on the status line, text that does not fit
 * ends in an ellipsis, and paragraphs wrap at word boundaries.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* ------------------------------------------------------------ buffer */

int screen_resize(struct screen *s, int w, int h)
{
	struct cell *c = calloc((size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1), sizeof(*c));

	if (!c)
		return -ENOMEM;
	free(s->c);
	s->c = c;
	s->w = w;
	s->h = h;
	screen_clear(s);
	return 0;
}

void screen_clear(struct screen *s)
{
	for (int i = 0; i < s->w * s->h; i++) {
		s->c[i].g[0] = ' ';
		s->c[i].g[1] = '\0';
		s->c[i].role = ROLE_TEXT;
	}
}

/*
 * The length of the printable UTF-8 character at p (1..4), or 0 when the
 * bytes there must not reach a terminal: C0 and C1 controls, DEL, stray or
 * missing continuation bytes, overlong forms (text from a file may hold any
 * of them; apm_text_escape() has made most of it visible already).
 */
static int u8char(const unsigned char *p)
{
	int n = p[0] < 0x80		      ? 1
		: p[0] >= 0xc2 && p[0] < 0xe0 ? 2
		: p[0] >= 0xe0 && p[0] < 0xf0 ? 3
		: p[0] >= 0xf0 && p[0] < 0xf5 ? 4
					      : 0;

	if (n == 1)
		return p[0] >= 0x20 && p[0] != 0x7f;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 2 && p[0] == 0xc2 && p[1] < 0xa0) || (n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90))
		return 0;
	return n;
}

/* Columns a text takes (one per character; the console has no wide glyphs). */
int text_cols(const char *text)
{
	int n = 0;

	while (*text) {
		int k = u8char((const unsigned char *)text);

		text += k ? k : 1;
		n++;
	}
	return n;
}

/* The byte offset of column col in text (or its end). */
static size_t text_offset(const char *text, int col)
{
	const char *p = text;

	while (*p && col-- > 0) {
		int k = u8char((const unsigned char *)p);

		p += k ? k : 1;
	}
	return (size_t)(p - text);
}

int screen_put(struct screen *s, int x, int y, int max, enum role r, const char *text)
{
	int col = 0;

	if (y < 0 || y >= s->h)
		return 0;
	while (*text && col < max && x + col < s->w) {
		const unsigned char *p = (const unsigned char *)text;
		int n;
		struct cell *c;

		/* Printable ASCII, nearly all a frame draws: one byte, nothing to check. */
		if (p[0] >= 0x20 && p[0] < 0x7f && x + col >= 0) {
			c = &s->c[y * s->w + x + col];
			c->g[0] = (char)p[0];
			c->g[1] = '\0';
			c->role = (unsigned char)r;
			text++;
			col++;
			continue;
		}
		n = u8char(p);

		if (x + col < 0) {
			text += n ? n : 1;
			col++;
			continue;
		}
		c = &s->c[y * s->w + x + col];
		/* Control and broken bytes never reach the terminal (theme or host text). */
		if (!n || (n > 1 && s->ascii)) {
			strcpy(c->g, "?");
		} else {
			memcpy(c->g, text, (size_t)n);
			c->g[n] = '\0';
		}
		text += n ? n : 1;
		c->role = (unsigned char)r;
		col++;
	}
	return col;
}

void screen_fill(struct screen *s, int x, int y, int n, enum role r, const char *glyph)
{
	for (int i = 0; i < n; i++)
		screen_put(s, x + i, y, 1, r, glyph);
}

int screen_dump(const struct screen *s, FILE *text, FILE *roles)
{
	for (int y = 0; y < s->h; y++) {
		int last = s->w - 1;

		while (last >= 0 && !strcmp(s->c[y * s->w + last].g, " ") &&
		       s->c[y * s->w + last].role == ROLE_TEXT)
			last--;
		for (int x = 0; text && x <= last; x++)
			fputs(s->c[y * s->w + x].g, text);
		if (text)
			fputc('\n', text);
		for (int x = 0; roles && x <= last; x++)
			fputc(role_letter(s->c[y * s->w + x].role), roles);
		if (roles)
			fputc('\n', roles);
	}
	return 0;
}

static int role_attr(const struct theme *t, int role)
{
	const struct theme_entry *e = &t->e[role];

	return e->attrs | (has_colors() ? COLOR_PAIR(role + 1) : 0);
}

/*
 * A new size starts from a blank screen (the caller cleared the terminal),
 * so blank cells are never sent: a full paint costs only what is drawn.
 * Returns the number of cells sent.
 */
int screen_flush_curses(struct screen *s, struct screen *shown, const struct theme *t)
{
	int sent = 0;

	if ((shown->w != s->w || shown->h != s->h) && screen_resize(shown, s->w, s->h))
		return 0;
	/*
	 * A run of changed cells of one role goes to curses as one string
	 * (every cell is one column): a key that opens or closes a view
	 * changes some 6,500 cells of a 200 x 60 screen, and a call for each
	 * was a third of that frame in the VM.
	 */
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w;) {
			struct cell *c = &s->c[y * s->w + x], *o = &shown->c[y * s->w + x];
			unsigned char role = c->role;
			char run[1024];
			size_t len = 0;
			int x0 = x;

			if (c->role == o->role && !strcmp(c->g, o->g)) {
				x++;
				continue;
			}
			for (; x < s->w; x++, c++, o++) {
				size_t n = strlen(c->g);

				if (x > x0 && (c->role != role ||
					       (c->role == o->role && !strcmp(c->g, o->g)) || !n ||
					       len + n >= sizeof(run)))
					break;
				memcpy(run + len, c->g, n);
				len += n;
				*o = *c;
				sent++;
			}
			run[len] = '\0';
			attrset(role_attr(t, role));
			mvaddstr(y, x0, run);
		}
	attrset(A_NORMAL);
	return sent;
}

/* ------------------------------------------------------------- areas */

const char *ellipsis(const struct screen *s)
{
	return s->ascii ? "~" : "\u2026";
}

struct area area_sub(const struct area *a, int x, int y, int w, int h)
{
	struct area r = { a->x + x, a->y + y, w, h };

	/* Never larger than the parent: a child cannot draw outside it. */
	if (r.x + r.w > a->x + a->w)
		r.w = a->x + a->w - r.x;
	if (r.y + r.h > a->y + a->h)
		r.h = a->y + a->h - r.y;
	if (r.w < 0)
		r.w = 0;
	if (r.h < 0)
		r.h = 0;
	return r;
}

void area_clear(struct screen *s, const struct area *a)
{
	for (int y = 0; y < a->h; y++)
		screen_fill(s, a->x, a->y + y, a->w, ROLE_TEXT, " ");
}

int area_put(struct screen *s, const struct area *a, int col, int row, enum role r,
	     const char *text)
{
	if (row < 0 || row >= a->h || col >= a->w)
		return 0;
	return screen_put(s, a->x + col, a->y + row, a->w - col, r, text);
}

int area_cut(struct screen *s, const struct area *a, int col, int row, int max, enum role r,
	     const char *text)
{
	int room = a->w - col < max ? a->w - col : max;
	int ew = text_cols(ellipsis(s));
	char buf[1024];
	size_t cut;

	if (row < 0 || row >= a->h || room <= 0)
		return 0;
	if (text_cols(text) <= room)
		return area_put(s, a, col, row, r, text);
	if (room <= ew)
		return area_put(s, a, col, row, r, ellipsis(s));
	cut = text_offset(text, room - ew);
	/*
	 * Never half a word as long as a UUID or shorter: the ellipsis goes
	 * after the last whole word (a UUID is cut only on purpose, uuid_fit).
	 */
	if (cut && text[cut] != ' ' && text[cut - 1] != ' ')
		for (size_t k = cut - 1, n = 0; k > 0 && n <= 36; k--, n++)
			if (text[k] == ' ') {
				cut = k + 1;
				break;
			}
	snprintf(buf, sizeof(buf), "%.*s%s", (int)cut, text, ellipsis(s));
	return area_put(s, a, col, row, r, buf);
}

int area_printf(struct screen *s, const struct area *a, int col, int row, enum role r,
		const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return area_cut(s, a, col, row, a->w, r, buf);
}

/*
 * A comma-separated list cut to max columns at an item boundary, so a
 * range is never shown half ("0x06-0x4" of "0x06-0x46"): the items that
 * fit and an ellipsis.  Returns the columns the result takes.
 */
int list_fit(const struct screen *s, const char *list, int max, char *out, size_t size)
{
	int ew = text_cols(ellipsis(s));
	size_t keep = 0;

	if (text_cols(list) <= max) {
		snprintf(out, size, "%s", list);
		return text_cols(out);
	}
	for (size_t i = 0; list[i]; i++)
		if (list[i] == ',' && (int)i + 1 + ew <= max)
			keep = i + 1;
	if (!keep && max < ew) {
		out[0] = '\0';
		return 0;
	}
	snprintf(out, size, "%.*s%s", (int)keep, list, ellipsis(s));
	return text_cols(out);
}

/* -------------------------------------------------------------- docs */

void doc_add(struct doc *d, enum role r, int indent, const char *fmt, ...)
{
	struct para *p;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	if (d->n == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 16;

		p = realloc(d->p, cap * sizeof(*p));
		if (!p) {
			free(text);
			return;
		}
		d->p = p;
		d->cap = cap;
	}
	d->p[d->n++] = (struct para){ .role = (unsigned char)r,
				      .indent = (unsigned char)indent,
				      .text = text };
}

/* Each line of a multi-line text as its own paragraph. */
void doc_add_lines(struct doc *d, enum role r, int indent, const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");

		doc_add(d, r, indent, "%.*s", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

char *escape_dup(const char *raw, unsigned int flags)
{
	size_t need = apm_text_escape(raw, NULL, 0, flags) + 1;
	char *esc = malloc(need);

	if (esc)
		apm_text_escape(raw, esc, need, flags);
	return esc;
}

void doc_add_escaped(struct doc *d, enum role r, int indent, const char *text)
{
	char *esc = escape_dup(text ? text : "", APM_TEXT_KEEP_NEWLINE);

	if (!esc)
		return;
	doc_add_lines(d, r, indent, esc);
	free(esc);
}

void doc_clear(struct doc *d)
{
	for (unsigned int i = 0; i < d->n; i++)
		free(d->p[i].text);
	d->n = 0;
}

void doc_free(struct doc *d)
{
	doc_clear(d);
	free(d->p);
	d->p = NULL;
	d->cap = 0;
}

/*
 * The next line of text at width w: its length in bytes (*next: where the
 * line after it starts).  Breaks after the last blank that fits; a word
 * wider than the line (never a UUID where the width allows one) is cut.
 */
static size_t wrap_line(const char *text, int w, const char **next)
{
	size_t brk = 0, end = text_offset(text, w);

	if (!text[end]) {
		*next = text + end;
		return end;
	}
	for (size_t i = 0; i <= end; i++)
		if (text[i] == ' ')
			brk = i;
	if (!brk) {
		*next = text + end;
		return end;
	}
	*next = text + brk + 1;
	return brk;
}

/* Calls fn for every line of d laid out at width w; returns the number of lines. */
static int doc_layout(const struct doc *d, int w,
		      void (*fn)(void *data, int line, const struct para *p, bool first,
				 const char *text, size_t len),
		      void *data)
{
	int line = 0;

	for (unsigned int i = 0; i < d->n; i++) {
		const struct para *p = &d->p[i];
		const char *t = p->text;
		bool first = true;

		do {
			int room = w - (first ? 0 : p->indent);
			const char *next;
			size_t len;

			if (room < 1)
				room = 1;
			len = wrap_line(t, room, &next);
			if (fn)
				fn(data, line, p, first, t, len);
			line++;
			first = false;
			t = next;
		} while (*t);
	}
	return line;
}

int doc_lines(const struct doc *d, int width)
{
	return doc_layout(d, width, NULL, NULL);
}

struct doc_draw {
	struct screen *s;
	const struct area *a;
	int top, rows; /* the first line shown, the rows that hold lines */
};

static void draw_line(void *data, int line, const struct para *p, bool first, const char *text,
		      size_t len)
{
	struct doc_draw *dd = data;
	char buf[1024];

	if (line < dd->top || line - dd->top >= dd->rows)
		return;
	snprintf(buf, sizeof(buf), "%.*s", (int)len, text);
	area_put(dd->s, dd->a, first ? 0 : p->indent, line - dd->top, (enum role)p->role, buf);
}

int doc_draw(struct screen *s, const struct area *a, const struct doc *d, int top, bool *cut)
{
	int total = doc_lines(d, a->w);
	struct doc_draw dd = { s, a, top, a->h };

	/* The last row says there is more (the caller's), rather than showing half of it. */
	if (cut && total - top > a->h)
		dd.rows = a->h - 1;
	doc_layout(d, a->w, draw_line, &dd);
	if (cut)
		*cut = total - top > a->h;
	return total;
}
