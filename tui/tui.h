/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui.h - the operator console: shared declarations of its files.
 *
 * screen.c  the cell buffer everything is drawn into, its flush to curses
 *           (or to a file in headless runs) and the colour themes;
 * actions.c every action, declared once (name, key, help): the table drives
 *           key handling, the help screen and the manual;
 * tui.c     the app: layout and drawing, the main loop (keys, the host's
 *           events, the refresh interval) and the script runner of tests.
 */
#ifndef APMATRIX_TUI_H
#define APMATRIX_TUI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "ini-lines.h"
#include "libapmatrix.h"

/* Theme roles: what a cell means, never only how it looks. */
enum role {
	ROLE_TEXT = 0,
	ROLE_DIM,
	ROLE_HEADER,
	ROLE_SIM,
	ROLE_LABEL,
	ROLE_AXIS,
	ROLE_CELL_EMPTY,
	ROLE_CELL_HOST,
	ROLE_CELL_FREE,
	ROLE_CELL_UNBOUND,
	ROLE_CELL_ASSIGNED,
	ROLE_CELL_PLUGGED,
	ROLE_CELL_FILTERED,
	ROLE_CELL_ABSENT,
	ROLE_CELL_CONFLICT,
	ROLE_CURSOR,
	ROLE_TITLE,
	ROLE_SELECTED,
	ROLE_WARNING,
	ROLE_ERROR,
	ROLE_OK,
	ROLE_CHANGED,
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
/* Load NAME (a theme in the search path) or PATH; errors name file:line. */
int theme_load(struct theme *t, const char *name_or_path, bool mono, FILE *errors);

/* Text from a file, made printable before it reaches a terminal or a log. */
void safe_text(const char *in, char *out, size_t size);

/* The screen: one role and one glyph (UTF-8, at most 4 bytes) per cell. */
struct cell {
	char g[5];
	unsigned char role;
};

struct screen {
	int w, h;
	struct cell *c;
	bool ascii;
};

int screen_resize(struct screen *s, int w, int h);
void screen_clear(struct screen *s);
/* Writes text at (x, y) with role, clipped at max columns; returns columns used. */
int screen_put(struct screen *s, int x, int y, int max, enum role r, const char *text);
int screen_printf(struct screen *s, int x, int y, int max, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void screen_fill(struct screen *s, int x, int y, int n, enum role r, const char *glyph);
/* The text (one line per row, trailing blanks cut) and the role map (one letter per cell). */
int screen_dump(const struct screen *s, FILE *text, FILE *roles);
/* Copy to curses; only cells that changed since the last flush are written. */
void screen_flush_curses(struct screen *s, struct screen *shown, const struct theme *t);

#define LOG_LINES 64

struct app {
	struct apm_ctx *ctx;
	struct apm_host *host;
	const char *prog;
	bool read_only;
	bool headless;
	bool ascii, mono;
	bool quit;
	bool show_all;
	bool filter; /* only the selected mdev's adapters and domains */
	struct theme theme;
	struct screen scr, shown;

	/* Cursor on the grid, in APQN terms, and the visible ids. */
	unsigned int cur_a, cur_q;
	unsigned int ids_a[256], ids_q[256], na, nq;
	int top, left;	/* scroll offsets into ids_a / ids_q */
	int rows, cols; /* the grid's size at the last draw */
	int sel_mdev;	/* index into the host's mdevs, -1 none */
	/* The selection: a rectangle from the anchor to the cursor, a row or a column. */
	enum { SEL_NONE, SEL_RECT, SEL_ROW, SEL_COLUMN } sel;
	unsigned int anchor_a, anchor_q;
	char letters[256][37]; /* uuid of each mdev letter slot, "" free */

	/* A change waiting for the operator's yes, with its preview. */
	struct apm_change *pending;
	char pending_what[128];
	bool pending_fork; /* apply in a child: the write may block (remove) */
	pid_t child;
	int child_pipe;
	char child_what[128];

	/* A one-line prompt (goto, create, guest name). */
	bool prompting;
	char prompt_label[48];
	char prompt_buf[64];
	int (*prompt_done)(struct app *app, const char *text);

	bool help;
	int help_top;
	char log[LOG_LINES][160];
	unsigned char log_role[LOG_LINES];
	unsigned int log_n;
	/* Cells that changed at the last reload, highlighted until the next. */
	unsigned char changed[256][256];
	int interval_ms;
	/* Key bindings from config.ini: replace an action's first key. */
	int key_override[64];
	char key_override_name[64][16];
	char config_theme[256]; /* [ui] theme of config.ini */
};

/* tui.c */
void app_log(struct app *app, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int app_reload(struct app *app);
void app_draw(struct app *app);
char app_mdev_letter(struct app *app, const char *uuid);
int tui_main(struct apm_ctx *ctx, const char *prog, int argc, char **argv, bool read_only);

/* tui.c: the position of id in a list of visible IDs, or -1. */
int id_index(const unsigned int *ids, unsigned int n, unsigned int id);
/* tui.c: the selection's adapters and domains (either may be empty). */
void app_selection(const struct app *app, unsigned int *ads, size_t *na, unsigned int *doms,
		   size_t *nd);

/* actions.c */
struct action {
	const char *name;
	int key, key2;	     /* curses key codes or characters, 0 none */
	const char *keyname; /* as shown in the help */
	const char *help;
	int (*fn)(struct app *app, const char *arg);
	unsigned int flags;
};
#define ACT_MUTATES  (1u << 0) /* offered only where the host is writable */
#define ACT_SIM_ONLY (1u << 1) /* the simulated hypervisor (or apsim's control tree) */
extern const struct action actions[];
const struct action *action_by_key(const struct app *app, int key);
/* "x", "^X", "Tab", "Enter", "F1".."F12", "Up", "PgDn", ...: a key code, or -1. */
int key_parse(const char *name);
/* config.ini: [ui] theme, interval; [keys] ACTION = KEY.  Errors name file:line. */
int config_load(struct app *app, const char **theme, FILE *errors);
const struct action *action_by_name(const char *name);
int action_run(struct app *app, const struct action *a, const char *arg);
/* The confirmation of app->pending: yes applies it, no drops it. */
void action_confirm(struct app *app, bool yes);
/* The forked remove's end: reap, log, reload. */
void action_child_done(struct app *app);
/* The manual's table of actions (apmatrix tui --list-actions). */
void actions_print(FILE *f);

#endif
