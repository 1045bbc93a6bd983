// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen.c - the cell buffer the console draws into, and its themes.
 *
 * Everything is drawn into a buffer of (glyph, role) cells first.  A
 * terminal gets only the cells that changed since the last flush (so a
 * one-cell change costs a few bytes), and a headless run dumps the buffer:
 * its text and a role map, one letter per cell, which the scripted tests
 * compare.  Themes map roles to colours and attributes (the INI files in themes/).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <ini.h>

#include "tui.h"

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_TEXT] = "text",
	[ROLE_DIM] = "dim",
	[ROLE_HEADER] = "header",
	[ROLE_SIM] = "simulated",
	[ROLE_LABEL] = "label",
	[ROLE_AXIS] = "axis",
	[ROLE_CELL_EMPTY] = "cell_empty",
	[ROLE_CELL_HOST] = "cell_host",
	[ROLE_CELL_FREE] = "cell_free",
	[ROLE_CELL_UNBOUND] = "cell_unbound",
	[ROLE_CELL_ASSIGNED] = "cell_assigned",
	[ROLE_CELL_PLUGGED] = "cell_plugged",
	[ROLE_CELL_FILTERED] = "cell_filtered",
	[ROLE_CELL_ABSENT] = "cell_absent",
	[ROLE_CELL_CONFLICT] = "cell_conflict",
	[ROLE_CURSOR] = "cursor",
	[ROLE_TITLE] = "title",
	[ROLE_SELECTED] = "selected",
	[ROLE_WARNING] = "warning",
	[ROLE_ERROR] = "error",
	[ROLE_OK] = "ok",
	[ROLE_CHANGED] = "changed",
};

/*
 * One letter per role in the role map of a dump, in role order: t text,
 * d dim, H header, S simulated, l label, a axis, e empty, h host, f free,
 * u unbound, A assigned, P plugged, F filtered, z absent, C conflict,
 * c cursor, T title, s selected, W warning, E error, O ok, ~ changed.
 */
static const char role_letters[ROLE_COUNT + 1] = "tdHSlaehfuAPFzCcTsWEO~";

const char *role_name(enum role r)
{
	return r < ROLE_COUNT ? role_names[r] : "?";
}

/* ------------------------------------------------------------ buffer */

int screen_resize(struct screen *s, int w, int h)
{
	struct cell *c = calloc((size_t)w * (size_t)h, sizeof(*c));

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
		strcpy(s->c[i].g, " ");
		s->c[i].role = ROLE_TEXT;
	}
}

/* Length of the UTF-8 sequence starting with byte b (1 for anything odd). */
static int u8len(unsigned char b)
{
	return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

int screen_put(struct screen *s, int x, int y, int max, enum role r, const char *text)
{
	int col = 0;

	if (y < 0 || y >= s->h)
		return 0;
	while (*text && col < max && x + col < s->w) {
		int n = u8len((unsigned char)*text);
		struct cell *c;

		if (x + col < 0) {
			text += n;
			col++;
			continue;
		}
		c = &s->c[y * s->w + x + col];
		/* Control characters never reach the terminal (theme or host text). */
		if ((unsigned char)*text < 0x20 || *text == 0x7f) {
			strcpy(c->g, "?");
			text++;
		} else if (n > 1 && s->ascii) {
			strcpy(c->g, "?");
			text += n;
		} else {
			memcpy(c->g, text, (size_t)n);
			c->g[n] = '\0';
			text += n;
		}
		c->role = (unsigned char)r;
		col++;
	}
	return col;
}

int screen_printf(struct screen *s, int x, int y, int max, enum role r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return screen_put(s, x, y, max, r, buf);
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
			fputc(role_letters[s->c[y * s->w + x].role], roles);
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
 */
void screen_flush_curses(struct screen *s, struct screen *shown, const struct theme *t)
{
	if ((shown->w != s->w || shown->h != s->h) && screen_resize(shown, s->w, s->h))
		return;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			struct cell *c = &s->c[y * s->w + x], *o = &shown->c[y * s->w + x];

			if (c->role == o->role && !strcmp(c->g, o->g))
				continue;
			attrset(role_attr(t, c->role));
			mvaddstr(y, x, c->g);
			*o = *c;
		}
	attrset(A_NORMAL);
}

/* ------------------------------------------------------------ themes */

static const struct {
	const char *name;
	short value;
} colours[] = {
	{ "default", -1 },
	{ "black", COLOR_BLACK },
	{ "red", COLOR_RED },
	{ "green", COLOR_GREEN },
	{ "yellow", COLOR_YELLOW },
	{ "blue", COLOR_BLUE },
	{ "magenta", COLOR_MAGENTA },
	{ "cyan", COLOR_CYAN },
	{ "white", COLOR_WHITE },
};

static const struct {
	const char *name;
	int value;
} attributes[] = {
	{ "normal", A_NORMAL },	  { "bold", A_BOLD },		{ "dim", A_DIM },
	{ "reverse", A_REVERSE }, { "underline", A_UNDERLINE }, { "standout", A_STANDOUT },
};

/* The built-in dark theme; a theme file overrides roles one by one. */
static void theme_builtin(struct theme *t, bool mono)
{
	static const struct {
		short fg, bg;
		int attrs, mono_attrs;
	} d[ROLE_COUNT] = {
		[ROLE_TEXT] = { -1, -1, A_NORMAL, A_NORMAL },
		[ROLE_DIM] = { -1, -1, A_DIM, A_DIM },
		[ROLE_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
		[ROLE_SIM] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
		[ROLE_LABEL] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
		[ROLE_AXIS] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[ROLE_CELL_EMPTY] = { -1, -1, A_DIM, A_DIM },
		[ROLE_CELL_HOST] = { COLOR_WHITE, -1, A_NORMAL, A_NORMAL },
		[ROLE_CELL_FREE] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
		[ROLE_CELL_UNBOUND] = { COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE },
		[ROLE_CELL_ASSIGNED] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[ROLE_CELL_PLUGGED] = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_BOLD | A_UNDERLINE },
		[ROLE_CELL_FILTERED] = { COLOR_MAGENTA, -1, A_NORMAL, A_DIM },
		[ROLE_CELL_ABSENT] = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
		[ROLE_CELL_CONFLICT] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_STANDOUT },
		[ROLE_CURSOR] = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE },
		[ROLE_TITLE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
		[ROLE_WARNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[ROLE_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		[ROLE_OK] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
		[ROLE_CHANGED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE },
	};

	for (int r = 0; r < ROLE_COUNT; r++) {
		t->e[r].fg = mono ? -1 : d[r].fg;
		t->e[r].bg = mono ? -1 : d[r].bg;
		t->e[r].attrs = mono ? d[r].mono_attrs : d[r].attrs;
	}
	snprintf(t->name, sizeof(t->name), "%s", mono ? "mono (built-in)" : "default (built-in)");
}

/* inih reads through us so that errors can name the line. */
void safe_text(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i < size - 1; i++)
		out[i] = isprint((unsigned char)in[i]) ? in[i] : '?';
	out[i] = '\0';
}

struct theme_parse {
	struct ini_lines src; /* first: the stream inih reads */
	struct theme *t;
	FILE *errors;
	int nerr;
	bool mono;
};

static void theme_err(struct theme_parse *p, const char *fmt, const char *what)
{
	char safe[64];

	/* Theme text never reaches the terminal unfiltered. */
	safe_text(what, safe, sizeof(safe));
	if (p->errors) {
		fprintf(p->errors, "%s:%d: ", p->src.name, p->src.line);
		fprintf(p->errors, fmt, safe);
		fputc('\n', p->errors);
	}
	p->nerr++;
}

static int theme_handler(void *user, const char *section, const char *key, const char *value)
{
	struct theme_parse *p = user;
	struct theme_entry e = { -1, -1, A_NORMAL };
	char buf[128], *tok, *save;
	int role, field = 0;

	if (!key)
		return 1;
	if (strcmp(section, "roles")) {
		theme_err(p, "unknown section [%s] (only [roles])", section);
		return 1;
	}
	for (role = 0; role < ROLE_COUNT && strcmp(role_names[role], key); role++)
		;
	if (role == ROLE_COUNT) {
		theme_err(p, "unknown role '%s'; the built-in value stays", key);
		return 1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save), field++) {
		bool found = false;

		if (field < 2) {
			for (size_t i = 0; i < sizeof(colours) / sizeof(colours[0]); i++)
				if (!strcmp(tok, colours[i].name)) {
					if (field == 0)
						e.fg = colours[i].value;
					else
						e.bg = colours[i].value;
					found = true;
				}
		} else {
			for (size_t i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++)
				if (!strcmp(tok, attributes[i].name)) {
					e.attrs |= attributes[i].value;
					found = true;
				}
		}
		if (!found) {
			theme_err(p,
				  field < 2 ? "'%s' is not a colour; the built-in value stays"
					    : "'%s' is not an attribute; the built-in value stays",
				  tok);
			return 1;
		}
	}
	if (p->mono) {
		e.fg = -1;
		e.bg = -1;
	}
	p->t->e[role] = e;
	return 1;
}

/* NAME in $XDG_CONFIG_HOME/apmatrix/themes, then the installed themes; or a PATH. */
static FILE *theme_open(const char *name, char *path, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	FILE *f;

	if (strchr(name, '/')) {
		snprintf(path, size, "%s", name);
		return fopen(path, "r");
	}
	if (xdg && *xdg)
		snprintf(path, size, "%s/apmatrix/themes/%s.ini", xdg, name);
	else
		snprintf(path, size, "%s/.config/apmatrix/themes/%s.ini", home ? home : "", name);
	f = fopen(path, "r");
	if (f)
		return f;
	snprintf(path, size, "%s/%s.ini", THEMEDIR, name);
	f = fopen(path, "r");
	if (f)
		return f;
	/* From a build tree, before installation. */
	snprintf(path, size, "%s/themes/%s.ini", TOP_SRCDIR, name);
	return fopen(path, "r");
}

int theme_load(struct theme *t, const char *name, bool mono, FILE *errors)
{
	struct theme_parse p = { .t = t, .errors = errors, .mono = mono };
	char path[1024];

	theme_builtin(t, mono);
	if (!name)
		return 0;
	p.src.f = theme_open(name, path, sizeof(path));
	if (!p.src.f) {
		if (errors)
			fprintf(errors, "theme '%s': not found (%s); using the built-in theme\n",
				name, strerror(errno));
		return -ENOENT;
	}
	p.src.name = path;
	ini_parse_stream(ini_lines_reader, &p, theme_handler, &p);
	fclose(p.src.f);
	snprintf(t->name, sizeof(t->name), "%s", name);
	return p.nerr ? -EINVAL : 0;
}
