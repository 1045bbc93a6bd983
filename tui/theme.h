/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * theme.h - the console's theme roles, declared once, and the theme loader.
 *
 * A role says what a cell means (a free APQN, an error line), never only
 * how it looks; THEME_ROLES is the one table of them.  It makes the enum,
 * the names a theme file uses, the letters of the screen tests' role maps
 * and the built-in colours (with a monochrome column), so none of them can
 * drift from the others.
 */
#ifndef APMATRIX_THEME_H
#define APMATRIX_THEME_H

#include <stdbool.h>
#include <stdio.h>

#include <curses.h>

/* role, its name in a theme file, its letter in a role map, fg, bg, attributes, mono attributes */
#define THEME_ROLES(_)                                                                             \
	_(TEXT, "text", 't', -1, -1, A_NORMAL, A_NORMAL)                                           \
	_(DIM, "dim", 'd', -1, -1, A_DIM, A_DIM)                                                   \
	_(HEADER, "header", 'H', COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE)                       \
	_(SIM, "simulated", 'S', COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD)            \
	_(LABEL, "label", 'l', COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                                 \
	_(AXIS, "axis", 'a', COLOR_CYAN, -1, A_BOLD, A_BOLD)                                       \
	_(CELL_EMPTY, "cell_empty", 'e', -1, -1, A_DIM, A_DIM)                                     \
	_(CELL_HOST, "cell_host", 'h', COLOR_WHITE, -1, A_NORMAL, A_NORMAL)                        \
	_(CELL_FREE, "cell_free", 'f', COLOR_GREEN, -1, A_NORMAL, A_NORMAL)                        \
	_(CELL_UNBOUND, "cell_unbound", 'u', COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE)              \
	_(CELL_ASSIGNED, "cell_assigned", 'A', COLOR_CYAN, -1, A_BOLD, A_BOLD)                     \
	_(CELL_PLUGGED, "cell_plugged", 'P', COLOR_BLACK, COLOR_GREEN, A_BOLD,                     \
	  A_BOLD | A_UNDERLINE)                                                                    \
	_(CELL_FILTERED, "cell_filtered", 'F', COLOR_MAGENTA, -1, A_NORMAL, A_DIM)                 \
	_(CELL_ABSENT, "cell_absent", 'z', COLOR_BLUE, -1, A_NORMAL, A_DIM)                        \
	_(CELL_CONFLICT, "cell_conflict", 'C', COLOR_WHITE, COLOR_RED, A_BOLD, A_STANDOUT)         \
	_(CELL_DEFINED, "cell_defined", 'D', COLOR_BLUE, -1, A_UNDERLINE, A_DIM | A_UNDERLINE)     \
	_(CURSOR, "cursor", 'c', COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE)                      \
	_(TITLE, "title", 'T', COLOR_YELLOW, -1, A_BOLD, A_BOLD)                                   \
	_(SELECTED, "selected", 's', COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)                 \
	_(WARNING, "warning", 'W', COLOR_YELLOW, -1, A_BOLD, A_BOLD)                               \
	_(ERROR, "error", 'E', COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE)                        \
	_(OK, "ok", 'O', COLOR_GREEN, -1, A_NORMAL, A_NORMAL)                                      \
	_(CHANGED, "changed", '~', COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE)

enum role {
#define ROLE_ENUM(id, name, letter, fg, bg, attrs, mono) ROLE_##id,
	THEME_ROLES(ROLE_ENUM)
#undef ROLE_ENUM
		ROLE_COUNT,
};

struct theme_entry {
	short fg, bg; /* curses colours, -1 default */
	int attrs;    /* A_BOLD, ... */
};

struct theme {
	struct theme_entry e[ROLE_COUNT];
	char name[64];
};

const char *role_name(enum role r);
/* The role's letter in a screen test's role map. */
char role_letter(enum role r);

/* Where a file's errors go, one message ("FILE:LINE: what is wrong") a call. */
typedef void (*report_fn)(void *data, const char *msg);

/*
 * Load NAME (a theme in the search path) or PATH over the built-in theme.
 * Every bad line is reported, not only the first; the roles it names keep
 * their built-in values.  0, -ENOENT (no such theme) or -EINVAL (errors).
 */
int theme_load(struct theme *t, const char *name_or_path, bool mono, report_fn report, void *data);
/*
 * What theme_load() does once the file is open: f, named path in the
 * reports, read over the built-in theme as theme name.  0 or -EINVAL.
 */
int theme_read(struct theme *t, FILE *f, const char *path, const char *name, bool mono,
	       report_fn report, void *data);

#endif
