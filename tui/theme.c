// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * theme.c - the console's colour themes: the built-in one (from the role
 * table in theme.h) and the INI files of themes/ that override it role by
 * role.  A bad line costs its role, never the console, and every bad line
 * is named (FILE:LINE: what is wrong), not only the first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ini-lines.h"
#include "tui.h"

static const struct {
	const char *name;
	char letter;
	short fg, bg;
	int attrs, mono;
} roles[ROLE_COUNT] = {
#define ROLE_ROW(id, name, letter, fg, bg, attrs, mono)                                            \
	[ROLE_##id] = { name, letter, fg, bg, attrs, mono },
	THEME_ROLES(ROLE_ROW)
#undef ROLE_ROW
};

const char *role_name(enum role r)
{
	return r < ROLE_COUNT ? roles[r].name : "?";
}

char role_letter(enum role r)
{
	return r < ROLE_COUNT ? roles[r].letter : '?';
}

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

static void theme_builtin(struct theme *t, bool mono)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		t->e[r].fg = mono ? -1 : roles[r].fg;
		t->e[r].bg = mono ? -1 : roles[r].bg;
		t->e[r].attrs = mono ? roles[r].mono : roles[r].attrs;
	}
	snprintf(t->name, sizeof(t->name), "%s", mono ? "mono (built-in)" : "default (built-in)");
}

struct theme_parse {
	struct ini_lines src; /* first: the stream inih reads */
	struct theme *t;
	report_fn report;
	void *data;
	int nerr;
	bool mono;
};

static void theme_err(struct theme_parse *p, const char *fmt, const char *what)
{
	char safe[96], path[512], msg[1200];

	/* Theme text never reaches the terminal unfiltered, nor does its path (--theme's). */
	apm_text_escape(what, safe, sizeof(safe), APM_TEXT_ELLIPSIS);
	apm_text_escape(p->src.name, path, sizeof(path), APM_TEXT_ELLIPSIS);
	snprintf(msg, sizeof(msg), "%s:%d: ", path, p->src.line);
	snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), fmt, safe);
	if (p->report)
		p->report(p->data, msg);
	p->nerr++;
}

static void theme_bad_line(struct ini_lines *in, const char *why)
{
	theme_err((struct theme_parse *)in, "%s", why);
}

static int theme_handler(void *user, const char *section, const char *key, const char *value)
{
	struct theme_parse *p = user;
	struct theme_entry e = { -1, -1, A_NORMAL };
	char buf[128], *tok, *save;
	int role, field = 0, bad = 0;

	if (!key)
		return 1;
	if (strcmp(section, "roles")) {
		theme_err(p, "unknown section [%s] (only [roles])", section);
		return 1;
	}
	for (role = 0; role < ROLE_COUNT && strcmp(roles[role].name, key); role++)
		;
	if (role == ROLE_COUNT) {
		theme_err(p, "unknown role '%s'; the built-in value stays", key);
		return 1;
	}
	/* Strict means strict: a value cut to fit could name other colours. */
	if (strlen(value) >= sizeof(buf)) {
		theme_err(p, "the value of '%s' is longer than 127 bytes; the built-in value stays",
			  key);
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
		/* Every bad word of the line is named, then the role keeps its value. */
		if (!found) {
			theme_err(p,
				  field < 2 ? "'%s' is not a colour; the built-in value stays"
					    : "'%s' is not an attribute; the built-in value stays",
				  tok);
			bad++;
		}
	}
	if (bad)
		return 1;
	if (p->mono) {
		e.fg = -1;
		e.bg = -1;
	}
	p->t->e[role] = e;
	return 1;
}

/* fopen of the path just formatted, unless it was cut to fit: then no file at all. */
static FILE *open_whole(int len, const char *path, size_t size)
{
	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "r");
}

/* NAME in $XDG_CONFIG_HOME/apmatrix/themes, then the installed themes; or a PATH. */
static FILE *theme_open(const char *name, char *path, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	FILE *f;

	if (strchr(name, '/'))
		return open_whole(snprintf(path, size, "%s", name), path, size);
	if (xdg && *xdg)
		f = open_whole(snprintf(path, size, "%s/apmatrix/themes/%s.ini", xdg, name), path,
			       size);
	else
		f = open_whole(snprintf(path, size, "%s/.config/apmatrix/themes/%s.ini",
					home ? home : "", name),
			       path, size);
	if (f)
		return f;
	f = open_whole(snprintf(path, size, "%s/%s.ini", THEMEDIR, name), path, size);
	if (f)
		return f;
	/* From a build tree, before installation. */
	return open_whole(snprintf(path, size, "%s/themes/%s.ini", TOP_SRCDIR, name), path, size);
}

int theme_load(struct theme *t, const char *name, bool mono, report_fn report, void *data)
{
	char path[1024];
	FILE *f;
	int rc;

	if (!name) {
		theme_builtin(t, mono);
		return 0;
	}
	f = theme_open(name, path, sizeof(path));
	if (!f) {
		char safe[256], msg[400];

		apm_text_escape(name, safe, sizeof(safe), APM_TEXT_ELLIPSIS);
		snprintf(msg, sizeof(msg), "theme '%s': not found (%s); using the built-in theme",
			 safe, strerror(errno));
		theme_builtin(t, mono);
		if (report)
			report(data, msg);
		return -ENOENT;
	}
	rc = theme_read(t, f, path, name, mono, report, data);
	fclose(f);
	return rc;
}

int theme_read(struct theme *t, FILE *f, const char *path, const char *name, bool mono,
	       report_fn report, void *data)
{
	struct theme_parse p = { .t = t, .report = report, .data = data, .mono = mono };

	theme_builtin(t, mono);
	ini_lines_init(&p.src, f, path);
	p.src.bad_line = theme_bad_line;
	ini_parse_stream(ini_lines_reader, &p, theme_handler, &p);
	snprintf(t->name, sizeof(t->name), "%s", name);
	return p.nerr ? -EINVAL : 0;
}
