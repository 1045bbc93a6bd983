/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui.h - the operator console: shared declarations of its files.
 *
 * theme.c    the theme roles (theme.h) and the theme files;
 * screen.c   the cell buffer, its flush to curses or to a test's dump, the
 *            areas panels draw through, wrapped text (struct doc);
 * app.c      the app's state: the host snapshot and its reload, the
 *            selected mdev (by UUID), the visible IDs and the cursor, the log
 *            and the library's log sink;
 * layout.c   where each view goes on a screen of any size, and the frame;
 * warnings.c what the kernel lets pass but an operator must know;
 * persistent.c what survives a reboot (mdevctl, 41-ap.rules, libvirt): the
 *            cells assigned in a definition only, the mdevs defined but
 *            not active, the lost-at-reboot markers, ap-check's findings;
 * wizard.c   the guided migration, unplug and replug: steps, check, confirmation,
 *            progress and result (its steps run through pending.c);
 * view-*.c   the views, each with its own draw and keys (struct view_ops):
 *            grid, mdevs (list and warnings), detail (the cell under the
 *            cursor), log, help, text (any text whole, scrollable) and
 *            preview (a change waiting for yes);
 * pending.c  a change from its plan to the operator's yes: the preview,
 *            the re-plan on a fresh host at yes, the apply, its child; a
 *            change of the host, a persistent file's write, or an undo;
 * actions.c  every action, declared once (name, keys, help);
 * config.c   key names and config.ini;
 * tui.c      the terminal loop (keys, events, the interval, signals), the
 *            test scripts, the options.
 *
 * Handlers never draw or reload themselves: they return what must happen
 * (REACT_* flags) and the loop does it once.
 */
#ifndef APMATRIX_TUI_H
#define APMATRIX_TUI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "libapmatrix-sim.h"
#include "theme.h"

/* ------------------------------------------------------------ screen.c */

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
void screen_fill(struct screen *s, int x, int y, int n, enum role r, const char *glyph);
/* The text (one line per row, trailing blanks cut) and the role map (one letter per cell). */
int screen_dump(const struct screen *s, FILE *text, FILE *roles);
/* Copy to curses; only cells that changed since the last flush are written. */
int screen_flush_curses(struct screen *s, struct screen *shown, const struct theme *t);
/* Columns of a UTF-8 text. */
int text_cols(const char *text);
/* "…", or "~" in ASCII mode. */
const char *ellipsis(const struct screen *s);

/* A rectangle of the screen that a view draws into, and never outside. */
struct area {
	int x, y, w, h;
};

/* The part of a at (x, y) of w x h, cut to a. */
struct area area_sub(const struct area *a, int x, int y, int w, int h);
void area_clear(struct screen *s, const struct area *a);
/* Text at (col, row) of a, clipped to a; returns the columns used. */
int area_put(struct screen *s, const struct area *a, int col, int row, enum role r,
	     const char *text);
/* As area_put in at most max columns, ending in an ellipsis when it is cut. */
int area_cut(struct screen *s, const struct area *a, int col, int row, int max, enum role r,
	     const char *text);
int area_printf(struct screen *s, const struct area *a, int col, int row, enum role r,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A list "a,b,c" cut at an item boundary to max columns, with an ellipsis. */
int list_fit(const struct screen *s, const char *list, int max, char *out, size_t size);

/* Paragraphs of text with a role each, laid out with word wrap. */
struct para {
	unsigned char role;
	unsigned char indent; /* of the lines after the first */
	char *text;
};
struct doc {
	struct para *p;
	unsigned int n, cap;
};
void doc_add(struct doc *d, enum role r, int indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void doc_add_lines(struct doc *d, enum role r, int indent, const char *text);
/* raw escaped whole (apm_text_escape's flags) in a malloc'd string, or NULL. */
char *escape_dup(const char *raw, unsigned int flags);
/* The same, for text from outside (files, the library's previews): escaped first. */
void doc_add_escaped(struct doc *d, enum role r, int indent, const char *text);
void doc_clear(struct doc *d);
void doc_free(struct doc *d);
int doc_lines(const struct doc *d, int width);
/*
 * Lines of d from line top on in a, wrapped; returns the number of lines of
 * the whole text.  With cut: when it does not fit, *cut is true and the last
 * row is left blank for the caller to say so.
 */
int doc_draw(struct screen *s, const struct area *a, const struct doc *d, int top, bool *cut);

/* -------------------------------------------------------------- views */

/* What a handler asks of the loop. */
#define REACT_NONE     0u
#define REACT_REDRAW   (1u << 0) /* draw the screen again */
#define REACT_RELOAD   (1u << 1) /* re-read the host (the operator asked) */
#define REACT_RELAYOUT (1u << 2) /* the visible IDs or the panels change */
#define REACT_REPAINT  (1u << 3) /* repaint the terminal from scratch */
#define REACT_QUIT     (1u << 4)
#define REACT_PASS     (1u << 5) /* a view's key(): not mine, try the actions */

struct app;
struct view;

struct view_ops {
	const char *name;
	void (*draw)(struct app *app, struct view *v, const struct area *a);
	/* A key while the view has the focus: REACT_* flags. */
	unsigned int (*key)(struct app *app, struct view *v, int key);
};

struct view {
	const struct view_ops *ops;
	int top;  /* the first line shown, for views that scroll */
	int rows; /* the lines it had at its last draw */
	int lines;
};

extern const struct view_ops grid_view, mdevs_view, detail_view, log_view, help_view, text_view,
	preview_view, wizard_view;

/* view-grid.c: what a cell shows, the same for the grid and the detail view. */
struct cell_look {
	enum role role;
	char glyph[APM_MDEV_LABEL_MAX + 2]; /* a label and its mark, or h f u . */
	const char *name;		    /* "free", "plugged", "no queue", ... */
	const char *what;		    /* one sentence */
};
void cell_look(const struct app *app, const struct apm_queue *q, struct cell_look *look);
/* The looks a cell can have: the library's classes (enum apm_cell), then these. */
enum look {
	LOOK_EMPTY = APM_CELL_COUNT, /* no queue device and in no mdev */
	LOOK_DEFINED,		     /* in a definition, not on the host (persistent.c) */
	LOOK_COUNT,
};
struct look_def {
	enum role role;
	char mark;	    /* after an mdev's label; ' ' none, 0 not an mdev's look */
	const char *glyph;  /* the look without an mdev */
	const char *name;   /* the detail's word: "free", "plugged" */
	const char *key;    /* the side panel's legend: "free", "mdev X" */
	const char *what;   /* the detail's sentence */
	const char *legend; /* the help's and the manual's line */
	const char *alone;  /* the detail's sentence for the glyph alone (NULL: what) */
};
/* view-grid.c: the one table of looks, in the legends' order. */
extern const struct look_def cell_looks[LOOK_COUNT];
/* view-grid.c: look k for a cell of mdev m (NULL: none). */
void look_of(const struct app *app, enum look k, const struct apm_mdev *m, struct cell_look *look);
/* view-grid.c: how the legends write look k's glyph: "h", "X*", "." */
void look_legend(enum look k, char *glyph, size_t size);
/*
 * What the queue itself is when it is not what its card is ("deconfigured",
 * "checkstopped", "offline (zcrypt)"), else NULL: read on demand, once per
 * snapshot (the grid marks it with '_').
 */
const char *queue_down(struct app *app, unsigned int a, unsigned int q);
/*
 * view-grid.c: a new snapshot h comes (d: what changed since app->host,
 * or NULL); the cells and marks kept stay where d says nothing changed.
 */
void grid_follow(struct app *app, struct apm_host *h, const struct apm_delta *d);
/*
 * view-grid.c: a frame from the cells kept against one made afresh from
 * app->host; 0 when they are the same, else -EINVAL with the first cell
 * that differs said in what (-ENOMEM).  The script's :verify-frame.
 */
int grid_verify(struct app *app, char *what, size_t size);
/* For the tests of grid_verify: the kept cell of (a, q) spoiled ('!'); -ENOENT when none is kept. */
int grid_spoil(struct app *app, unsigned int a, unsigned int q);
/* The width of a grid column: the longest label, its mark and a blank. */
int grid_cell_w(const struct app *app);
#define GRID_X 19 /* the row labels and a blank */

/* warnings.c: the warnings the kernel does not give, of app->host, into app->warnings. */
void warnings_compute(struct app *app);
/* warnings.c: the first few, and how many more, for the panel under the mdevs. */
void warnings_shown(const struct app *app, struct doc *d);
/* warnings.c: all of them, into d (the details); how many there are. */
void warnings_all(struct app *app, struct doc *d);
unsigned int warnings_count(const struct app *app);
/* view-detail.c: the details of the cell under the cursor. */
void detail_doc(struct app *app, struct doc *d, int width);
/* view-text.c: open text whole (d is taken over), in a scrollable view over the panels. */
void text_open(struct app *app, const char *title, struct doc *d, bool at_end);
/* view-text.c: the scroll keys of a view of lines (REACT_PASS: not one). */
unsigned int scroll_key(struct view *v, int key);
/* view-text.c: lines of d from v->top under a title row, scrolled. */
void scroll_draw(struct app *app, struct view *v, const struct area *a, const char *title,
		 const struct doc *d);
/* persistent.c: (re)read the persistent configuration into app->cfg (with every snapshot). */
void persist_reload(struct app *app);
/* persistent.c: on a quiet host, look at it again once per refresh interval; true if it changed. */
bool persist_poll(struct app *app);
/* persistent.c: a cell in no active mdev that a definition assigns: its look; false when none. */
bool persist_cell(const struct app *app, const struct apm_queue *q, struct cell_look *look);
/* persistent.c: the adapters and domains the definitions assign, or'ed into the two masks. */
void persist_used(const struct app *app, struct apm_mask *adapters, struct apm_mask *domains);
/* persistent.c: an mdev at boot: "auto", "man" (defined), "diff" (defined otherwise), "lost". */
const char *persist_boot(const struct app *app, const char *uuid);
/* persistent.c: the mdevs defined but not active, sorted: their number (uuids, when given, borrowed). */
unsigned int persist_defined(const struct app *app, const char **uuids);
/* persistent.c: one line: the masks persistent, or "active only — lost at reboot". */
void persist_masks_doc(const struct app *app, struct doc *d);
/* persistent.c: ap-check's findings, as warnings. */
void persist_warnings(struct app *app, struct doc *d);
/* persistent.c: the definitions that assign the cell under the cursor. */
void persist_detail(const struct app *app, struct doc *d);
/* view-mdevs.c: the rows the mdev list and its warnings want (list_rows: of mdevs). */
int mdevs_rows(struct app *app, int width, int max_list, int *list_rows);
/* view-help.c: the legend of glyphs and markers, for help and the manual. */
void legend_doc(struct doc *d);

/* ---------------------------------------------------------- pending.c */

/* A change as the operator asked for it: enough to plan it again on a fresh host. */
enum plan_kind {
	PLAN_MASK,
	PLAN_ASSIGN,
	PLAN_MATRIX,
	PLAN_CREATE,
	PLAN_REMOVE,
	PLAN_CONFIG,
	PLAN_RESCAN,
	PLAN_ONLINE,
	PLAN_SIM,
	PLAN_PERSIST,	    /* uuid's definition from the active mdev (start) */
	PLAN_UNPERSIST,	    /* uuid's definition removed */
	PLAN_PERSIST_MASKS, /* the active masks as 41-ap.rules */
	PLAN_UNDO,	    /* the last change reverted */
};

struct plan {
	enum plan_kind kind;
	char what[160]; /* "assign adapter 0x05 to mdev J (cef03c3c…)" */
	bool fork;	/* apply in a child: the kernel's write can block (remove) */
	bool aq;	/* mask: aqmask, else apmask */
	char spec[24];
	char uuid[37];
	enum apm_kind res;
	bool un;
	unsigned int ids[256], ads[256], doms[256];
	size_t n, na, nd;
	unsigned int adapter;
	int domain;
	bool on;
	enum apm_sim_op op;
	struct apm_sim_arg sa;
	char name[64];
	enum apm_start start; /* persist */
};

/* What a plan gives: a change of the host, a file to write, or an undo with its inverse. */
struct proposal {
	struct apm_change *c;  /* a change, or the undo's inverse change (a reference) */
	struct apm_persist *p; /* a write, or the undo's inverse write (a reference) */
	struct apm_undo *u;
	char *findings; /* what c would make ap-check refuse, one a line (malloc'd), or NULL */
};

struct pending {
	struct plan plan;
	struct proposal pr;
	bool stale;	/* an event came after the preview was made */
	char note[200]; /* why it is shown again */
};

/* Plan it on app->host and show its preview: REACT_* flags. */
unsigned int pending_propose(struct app *app, const struct plan *p);
/* y: re-plan on a fresh host; apply if nothing changed, else show the new preview. */
unsigned int pending_confirm(struct app *app);
unsigned int pending_cancel(struct app *app);
/* Whether y is offered: the rules accept it and it changes something. */
bool pending_offers_yes(const struct pending *p, const char **why);
/* The verdict (0: accepted), why not, and what it does, for the preview. */
int pending_prediction(const struct pending *p);
const char *pending_explanation(const struct pending *p);
void pending_preview(const struct pending *p, struct doc *d);
void proposal_clear(struct proposal *pr);
/* The host was re-read while a preview is open (event: from outside). */
void pending_host_changed(struct app *app, bool event);
/* The forked change's end: reap, log, reload (a migration's child: what it said so far). */
unsigned int pending_child_done(struct app *app);
/* While a forked change or a migration's steps run: say why the console does not quit, true. */
bool pending_refuses_quit(struct app *app);
/*
 * Run migration m's steps in a child process (in this one on the built-in
 * simulated host, whose state is this process's): what they say goes to
 * the wizard as it comes (wizard_event), the end to wizard_finished.
 */
int pending_run_migration(struct app *app, struct apm_migration *m, const char *what,
			  unsigned int *react);

/* ----------------------------------------------------------- wizard.c */

struct wizard;
/*
 * A row of a wizard's check: label in the verdicts' column, then the first
 * len bytes of raw escaped for the terminal, whole.
 */
void wizard_check_row(struct doc *d, enum role r, const char *label, const char *raw, size_t len);
/* The unplug wizard of the selected mdev (arg: the restore file, else a prompt for it). */
unsigned int wizard_unplug(struct app *app, const char *arg);
/* The replug wizard (arg: the restore file, else a prompt for it): the check first. */
unsigned int wizard_replug(struct app *app, const char *arg);
/* A line the running steps said, or step's end (APM_MIGRATION_EVENT_STEP). */
void wizard_event(struct app *app, enum apm_migration_event_kind kind, unsigned int step,
		  const char *text);
/* The run's end: its return, the final state, each step's state, what to do next. */
void wizard_finished(struct app *app, int rc, enum apm_migration_state state,
		     const enum apm_migration_step_state *st, unsigned int n, const char *next);
void wizard_close(struct app *app);

/* -------------------------------------------------------------- app.c */

#define LOG_MAX 500

struct log_entry {
	char *text; /* escaped, may hold several lines */
	unsigned char role;
	unsigned int repeat; /* the same text again: counted, not added */
};

/* A grid cell as drawn: its text (the glyph, then '_' or a blank) and role. */
struct grid_cell {
	char g[APM_MDEV_LABEL_MAX + 4];
	unsigned char role;
};

struct app {
	struct apm_ctx *ctx;
	struct apm_host *host;
	struct apm_config *cfg;	  /* the persistent configuration, read with the host (or NULL) */
	char *cfg_errors;	  /* its files that could not be read, as last logged */
	unsigned int cfg_gen;	  /* its apm_config_get_generation() as last read */
	unsigned int cfg_changes; /* counts the reads that may have changed it */
	long long cfg_read_ms;	  /* when it was last looked at (app_now_ms) */
	int cfg_rc;		  /* the -errno its last reading failed with, 0: read */
	const char *prog;
	bool headless;
	bool ascii, mono;
	bool quit;
	struct theme theme;
	struct screen scr, shown;

	/* The grid: the cursor in APQN terms, the visible IDs, their scroll. */
	unsigned int cur_a, cur_q;
	unsigned int ids_a[256], ids_q[256], na, nq;
	int top, left;	/* scroll offsets into ids_a / ids_q */
	int rows, cols; /* the grid's size at the last draw */
	bool show_all;
	bool filter; /* only the selected mdev's adapters and domains */
	/* The selection: a rectangle from the anchor to the cursor, a row or a column. */
	enum { SEL_NONE, SEL_RECT, SEL_ROW, SEL_COLUMN } sel;
	unsigned int anchor_a, anchor_q;
	/* Cells that changed at the last reload, highlighted until the next. */
	unsigned char changed[256][256];

	/*
	 * The warnings the kernel does not give, of this snapshot: the host's
	 * first few (warnings_hidden more), then ap-check's findings.
	 */
	struct doc warnings;
	unsigned int warnings_hidden;

	/* The selected mdev, by UUID ("" none) and its index in the snapshot (-1). */
	char sel_uuid[37];
	int sel_index;

	/* The views: the panels, and the one over them that has the keys (or NULL). */
	struct view grid, mdevs, detail, log, help, text, preview, wizard;
	struct view *modal;
	char text_title[96];
	struct doc text_doc;

	/* A change waiting for the operator's yes, with its preview. */
	struct pending *pending;
	pid_t child;
	int child_pipe;
	struct plan child_plan;
	/* The guided migration's wizard (wizard.c), and whether the child runs its steps. */
	struct wizard *wiz;
	char wiz_uuid[37];
	bool child_mig;
	char child_buf[4096];
	size_t child_len;
	enum apm_migration_step_state child_st[8];
	unsigned int child_nst;
	bool child_fin; /* the child's final line came */

	/* A one-line prompt (goto, create, guest name, select). */
	bool prompting;
	char prompt_label[64];
	char prompt_buf[128];
	unsigned int (*prompt_done)(struct app *app, const char *text);

	struct log_entry log_ring[LOG_MAX];
	unsigned int log_n;

	int interval_ms;
	unsigned int reloads; /* how often the host was read (the tests count) */
	int load_err;	      /* the last re-read failed (-errno): the snapshot is older */
	/* The engine that keeps the host current, and the events it showed. */
	struct apm_watch *watch;
	unsigned int events_seen, events_logged;
	unsigned long long lost_told; /* the engine's lost events already logged */
	bool redraw;		      /* something to draw since the last frame */
	/*
	 * queue_down's answers for qdown_host: 0 not read yet, else 1 + its
	 * word's index; then (256 x 256 more) what each cell showed last.
	 */
	unsigned char *qdown;
	const struct apm_host *qdown_host;
	/*
	 * The grid's cells as qdown_host makes them (view-grid.c): each
	 * one's text and role before the cursor, the selection and the change
	 * highlight; cell_ok says which are current, cell_cfg the
	 * persistent configuration they were made with (as cfg_changes).
	 */
	struct grid_cell *cells;
	struct apm_mask cell_ok[256];
	unsigned int cell_cfg;
	unsigned int cells_kept; /* of the last snapshot adopted, the cells it kept */
	/*
	 * A frame's budget of down-mark reads (view-grid.c): until
	 * frame_deadline (app_now_ms, 0: none), at most frame_cells (0: no
	 * limit); frame_read counts them, frame_partial says a cell kept an
	 * older mark and another frame is due.
	 */
	long long frame_deadline;
	unsigned int frame_cells, frame_read;
	bool frame_partial;
	/* Key bindings from config.ini: replace an action's first key. */
	int key_override[64];
	char key_override_name[64][16];
	char config_theme[256]; /* [ui] theme of config.ini */
};

void app_log(struct app *app, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The i-th newest log entry (0: the last), or NULL. */
const struct log_entry *app_log_entry(const struct app *app, unsigned int i);
/*
 * A report of the start (config.ini, a theme: a report_fn, data the app)
 * on stderr after the program's name and in the log, escaped for the
 * terminal here whatever the caller did (escaping is idempotent:
 * apm_text_escape() keeps backslashes, so text a caller escaped already
 * comes out the same).
 */
void app_report(void *data, const char *msg);
/* Sends the library's messages to the log (nothing may print behind curses). */
void app_log_sink(struct app *app);
/* Re-read the host: 0 or -errno (logged). */
int app_reload(struct app *app);
/* Adopt a snapshot (a new reference is taken); highlights what changed. */
void app_set_host(struct app *app, struct apm_host *h);
/* The same, with what changed (d may be NULL: the viewport is compared). */
void app_set_host_delta(struct app *app, struct apm_host *h, const struct apm_delta *d);
/* The engine (apm_watch) from the current snapshot: 0 or -errno (logged). */
int app_watch_start(struct app *app);
/*
 * One step of the engine: reads what is pending, and with adopt makes a
 * batch it hands out the console's snapshot.  1 a batch, 0, or -errno.
 */
int app_watch_step(struct app *app, bool adopt);
/*
 * The host's events through the engine (logged); with reload its batches
 * become the console's snapshot.  Headless until nothing is pending, in
 * the terminal one step.  Returns how many events.
 */
int app_drain_events(struct app *app, bool reload);
/* The selected mdev in the current snapshot, or NULL. */
struct apm_mdev *app_mdev(const struct app *app);
void app_select(struct app *app, const struct apm_mdev *m);
/* Select by label, guest name, UUID or prefix; logs why not.  0 or -errno. */
int app_select_name(struct app *app, const char *name);
/* The visible IDs from the host, the filter and show-all; the cursor kept in them. */
void app_layout_ids(struct app *app);
/* "mdev J (cef03c3c…)" for messages. */
void app_mdev_name(const struct app *app, const struct apm_mdev *m, char *buf, size_t size);
/* A UUID cut on purpose ("cef03c3c…") unless w columns hold it whole. */
void uuid_fit(const struct screen *s, const char *uuid, int w, char *buf, size_t size);
long long app_now_ms(void);

/* The position of id in a list of visible IDs, or -1. */
int id_index(const unsigned int *ids, unsigned int n, unsigned int id);
/* The selection's adapters and domains (either may be empty). */
void app_selection(const struct app *app, unsigned int *ads, size_t *na, unsigned int *doms,
		   size_t *nd);
bool app_in_selection(const struct app *app, unsigned int a, unsigned int q);

/* ----------------------------------------------------------- layout.c */

#define MIN_W 80
#define MIN_H 24
void app_draw(struct app *app);
void app_open(struct app *app, struct view *v);
void app_close(struct app *app);

/* ---------------------------------------------------------- actions.c */

struct action {
	const char *name;
	int key, key2;	     /* curses key codes or characters, 0 none */
	const char *keyname; /* as shown in the help */
	const char *help;
	unsigned int (*fn)(struct app *app, const char *arg);
	unsigned int flags;
};
#define ACT_MUTATES  (1u << 0) /* offered only where the host is writable */
#define ACT_SIM_ONLY (1u << 1) /* the simulated hypervisor (or apsim's control tree) */
extern const struct action actions[];
const struct action *action_by_key(const struct app *app, int key);
const struct action *action_by_name(const char *name);
unsigned int action_run(struct app *app, const struct action *a, const char *arg);
/* The manual's table of actions (apmatrix tui --list-actions). */
void actions_print(FILE *f);
/* Open the one-line prompt; done gets the text at Enter. */
void prompt(struct app *app, const char *label,
	    unsigned int (*done)(struct app *app, const char *text));

/* ----------------------------------------------------------- config.c */

/* "x", "^X", "Tab", "Enter", "F1".."F12", "Up", "PgDn", ...: a key code, or -1. */
int key_parse(const char *name);
/* config.ini: [ui] theme, interval; [keys] ACTION = KEY.  Errors name file:line. */
int config_load(struct app *app, const char **theme, report_fn report, void *data);
/* What config_load() does once the file is open: f, named path in the reports. */
int config_read(struct app *app, const char **theme, FILE *f, const char *path, report_fn report,
		void *data);

/* -------------------------------------------------------------- tui.c */

int tui_main(struct apm_ctx *ctx, const char *prog, int argc, char **argv, bool read_only);

#endif
