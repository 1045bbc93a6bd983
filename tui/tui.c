// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tui.c - the console's loop, its test scripts and its options.
 *
 * The loop waits on the keyboard, the host's events (the library's
 * engine, which hands out a batch at most every 50 ms while they keep
 * coming, and polls at the refresh interval) and a forked change together;
 * a key goes to the prompt, the open view or the action table, and what
 * they return (REACT_*) is done once: re-read, lay out, repaint, draw.  A
 * frame is drawn when something changed, and only the cells that changed
 * reach the terminal.
 *
 * Headless runs (--script) draw into the same buffer without a terminal;
 * the script advances when the program is idle, never after a sleep, and
 * handles the host's events after each line as the loop would.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "tui.h"

/* The self-pipe the signal handler writes to (a handler may do nothing else). */
static int sigpipe[2] = { -1, -1 };

static unsigned int handle_key(struct app *app, int key)
{
	const struct action *a;

	if (app->prompting) {
		size_t n = strlen(app->prompt_buf);

		if (key == '\n' || key == KEY_ENTER) {
			char text[sizeof(app->prompt_buf)];

			app->prompting = false;
			snprintf(text, sizeof(text), "%s", app->prompt_buf);
			return app->prompt_done(app, text) | REACT_REDRAW;
		} else if (key == 27) {
			app->prompting = false;
		} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n) {
			app->prompt_buf[n - 1] = '\0';
		} else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof(app->prompt_buf)) {
			app->prompt_buf[n] = (char)key;
			app->prompt_buf[n + 1] = '\0';
		}
		return REACT_REDRAW;
	}
	/* An open view has the keys; ^L still repaints. */
	if (app->modal && app->modal->ops->key && key != 12)
		return app->modal->ops->key(app, app->modal, key);
	a = action_by_key(app, key);
	return a ? action_run(app, a, NULL) : REACT_NONE;
}

/* What the handlers asked for, done once. */
static bool react(struct app *app, unsigned int r)
{
	if ((r & REACT_QUIT) && !pending_refuses_quit(app))
		app->quit = true;
	if (r & REACT_RELOAD)
		app_reload(app);
	if (r & REACT_RELAYOUT)
		app_layout_ids(app);
	return (r & REACT_REPAINT) != 0;
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
		{ "<BS>", KEY_BACKSPACE }, { "<Space>", ' ' },	    { "<C-L>", 12 },
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

/* What the loop does between two keys: a forked change's end, the host's events. */
static void script_idle(struct app *app)
{
	while (app->child > 0)
		pending_child_done(app);
	app_drain_events(app, true);
}

/*
 * The loop's work for ms milliseconds, as the terminal does it (the
 * engine's batches and polls; no keys), or until the first batch when
 * first is set.  Returns the batches adopted.
 */
static unsigned int run_for(struct app *app, long long ms, bool first)
{
	long long end = app_now_ms() + ms;
	unsigned int batches = 0;

	apm_watch_set_intervals(app->watch, (unsigned int)app->interval_ms, 50);
	for (long long now; (now = app_now_ms()) < end && !(first && batches);) {
		struct pollfd p = { .fd = apm_watch_get_fd(app->watch), .events = POLLIN };
		int t = apm_watch_get_timeout(app->watch);

		if (t < 0 || t > end - now)
			t = (int)(end - now);
		poll(&p, 1, t);
		if (app_watch_step(app, true) == 1) {
			batches++;
			app_draw(app);
		} else if (persist_poll(app)) {
			app_draw(app);
		}
	}
	apm_watch_set_intervals(app->watch, (unsigned int)app->interval_ms, 0);
	return batches;
}

/* CPU time of the process and the wall clock, in microseconds (the benchmarks read them). */
static void print_clock(const char *file, int lineno)
{
	struct timespec cpu, wall;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	clock_gettime(CLOCK_REALTIME, &wall);
	printf("%s:%d: cpu %lld us wall %lld us\n", file, lineno,
	       (long long)cpu.tv_sec * 1000000 + cpu.tv_nsec / 1000,
	       (long long)wall.tv_sec * 1000000 + wall.tv_nsec / 1000);
	fflush(stdout);
}

/*
 * Script lines: keys, `:action [argument]`, and for tests only
 * `:save-display FILE`, `:resize WxH`, `:shell COMMAND` (another process
 * changes the host; its events are then handled), `:tick` (the refresh
 * interval passes: the host is read), `:reads` (prints how often the host
 * was read), `:idle MS` (the terminal loop's work for MS ms: batches every
 * 50 ms, polls), `:wait-change MS` (the same until the first batch),
 * `:clock` (prints the process's CPU time and the wall clock),
 * `:frame-cells N` (each frame reads at most N cells' down marks, as the
 * terminal's frames do for a few milliseconds; 0: all) and
 * `:verify-frame` (the frame drawn from the cells the grid keeps must be
 * the frame drawn with nothing kept: else an error that names the cell;
 * it prints how many cells the last snapshot kept; `:spoil-cell APQN`
 * spoils a kept one, to test the check).
 * A script that saves no screen tests nothing: an error.
 */
static int run_script(struct app *app, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	int lineno = 0, rc = 0, saved = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open script %s: %s\n", app->prog, file,
			strerror(errno));
		return 2;
	}
	while (!app->quit && fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n'), *arg;
		unsigned int r = REACT_NONE;

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
				saved++;
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
			} else if (!strcmp(line + 1, "shell") && arg) {
				int st = system(arg);

				if (st != 0)
					fprintf(stderr, "%s: %s:%d: '%s' exited with %d\n",
						app->prog, file, lineno, arg, st);
			} else if (!strcmp(line + 1, "tick")) {
				app_reload(app);
			} else if (!strcmp(line + 1, "reads")) {
				/* How often the host was read so far: a test counts them. */
				printf("%s:%d: %u reads of the host\n", file, lineno, app->reloads);
			} else if ((!strcmp(line + 1, "idle") ||
				    !strcmp(line + 1, "wait-change")) &&
				   arg && atoi(arg) > 0 && app->watch) {
				unsigned int n = run_for(app, atoi(arg), line[1] == 'w');

				printf("%s:%d: %u batches\n", file, lineno, n);
				fflush(stdout);
			} else if (!strcmp(line + 1, "clock")) {
				print_clock(file, lineno);
			} else if (!strcmp(line + 1, "spoil-cell") && arg) {
				unsigned int sa, sq;

				if (apm_parse_apqn(arg, &sa, &sq) || grid_spoil(app, sa, sq)) {
					fprintf(stderr,
						"%s: %s:%d: no kept cell of APQN '%s' to spoil\n",
						app->prog, file, lineno, arg);
					rc = 2;
				}
			} else if (!strcmp(line + 1, "verify-frame")) {
				char what[256];
				int v = grid_verify(app, what, sizeof(what));

				if (v) {
					fprintf(stderr,
						"%s: %s:%d: the frame from the kept cells is not the frame made afresh: %s\n",
						app->prog, file, lineno,
						v == -ENOMEM ? "out of memory" : what);
					rc = 2;
				} else {
					printf("%s:%d: frame verified; the last snapshot kept %u cells\n",
					       file, lineno, app->cells_kept);
					fflush(stdout);
				}
			} else if (!strcmp(line + 1, "frame-cells") && arg) {
				/* The terminal's time budget of down-mark reads per frame, as a count. */
				app->frame_cells = (unsigned int)atoi(arg);
			} else if ((a = action_by_name(line + 1))) {
				r = action_run(app, a, arg);
			} else {
				fprintf(stderr,
					"%s: %s:%d: unknown action '%s' (apmatrix tui --list-actions)\n",
					app->prog, file, lineno, line + 1);
				rc = 2;
			}
		} else {
			for (const char *p = line; *p && !app->quit;)
				r |= handle_key(app, script_key(&p));
		}
		react(app, r);
		script_idle(app);
		/* As the terminal loop does after each key or event: a frame. */
		app_draw(app);
	}
	fclose(f);
	if (!rc && !saved) {
		fprintf(stderr, "%s: %s: the script saves no screen (:save-display FILE)\n",
			app->prog, file);
		rc = 2;
	}
	return rc;
}

/* ------------------------------------------------------------- loop */

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;

	if (sigpipe[1] >= 0 && write(sigpipe[1], &c, 1) < 0)
		return;
}

/* Whatever path leaves the program (exit() on a fatal error too), the terminal comes back. */
static void restore_terminal(void)
{
	if (stdscr && !isendwin())
		endwin();
}

static void start_colours(struct app *app)
{
	if (!app->mono && has_colors()) {
		start_color();
		use_default_colors();
		for (int r = 0; r < ROLE_COUNT; r++)
			init_pair((short)(r + 1), app->theme.e[r].fg, app->theme.e[r].bg);
	} else {
		theme_load(&app->theme, NULL, true, NULL, NULL);
	}
}

/* A new terminal size, or ^L: forget what is shown, clear, send everything again. */
static void repaint(struct app *app, bool resized)
{
	if (resized) {
		endwin();
		refresh();
	}
	screen_resize(&app->scr, COLS, LINES);
	screen_resize(&app->shown, 0, 0);
	clear();
	clearok(curscr, TRUE);
}

/*
 * A frame's reads of down marks, at most (view-grid.c: down_of): through
 * an `apmask 0x` storm on a slow kernel a frame after a new snapshot read
 * the facts of every cell on screen, 1.1 to 2.1 s in the VM, while a key
 * waited.  The rest comes in the frames that follow, each after a look at
 * the input.
 */
#define FRAME_READ_MS 12

/*
 * A key typed while the host's events were applied comes before their
 * frame: one frame then answers both.  Through a storm in the VM a frame
 * costs 20 to 80 ms, and the key waited for it and then for its own.
 * Not for longer than this: keys that keep coming still see frames.
 */
#define TYPEAHEAD_MS 100

static bool key_waiting(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static int run_terminal(struct app *app)
{
	struct pollfd pfd[4];
	int efd = app->watch ? apm_watch_get_fd(app->watch) : -1;
	bool again = false;
	long long shown_at = 0;

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
	start_colours(app);
	screen_resize(&app->scr, COLS, LINES);
	app->redraw = true;
	while (!app->quit) {
		int nfd = 0, rc, wait;
		bool key_done, put_off;

		if (again)
			repaint(app, false);
		/* While the host's events keep coming, a frame per batch and per key, not per wakeup. */
		/* A key typed meanwhile first (the poll below returns at once); the frame stays due. */
		put_off = !again && app->redraw && app_now_ms() - shown_at < TYPEAHEAD_MS &&
			  key_waiting();
		if ((again || app->redraw) && !put_off) {
			app->frame_deadline = app_now_ms() + FRAME_READ_MS;
			app_draw(app);
			screen_flush_curses(&app->scr, &app->shown, &app->theme);
			refresh();
			shown_at = app_now_ms();
			again = app->redraw = false;
		}
		pfd[nfd++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[nfd++] = (struct pollfd){ .fd = sigpipe[0], .events = POLLIN };
		if (efd >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = efd, .events = POLLIN };
		if (app->child > 0)
			pfd[nfd++] = (struct pollfd){ .fd = app->child_pipe, .events = POLLIN };
		/* The engine's deadlines (a batch, the poll): keys pressed meanwhile do not postpone them. */
		wait = app->watch ? apm_watch_get_timeout(app->watch) : -1;
		/* A partial frame, or one put off for a key: as soon as the input has been looked at. */
		if (app->frame_partial || app->redraw)
			wait = 0;
		rc = poll(pfd, (nfds_t)nfd, wait);
		if (app->frame_partial)
			app->redraw = true;
		if (rc < 0 && errno != EINTR)
			break;
		if (rc == 0) {
			if (app_watch_step(app, true) == 0)
				persist_poll(app);
			continue;
		}
		if (rc < 0)
			continue;
		if (pfd[1].revents & POLLIN) {
			app->redraw = true;
			unsigned char sig;

			if (read(sigpipe[0], &sig, 1) == 1 && sig == SIGWINCH)
				repaint(app, true);
			else if (!pending_refuses_quit(app))
				app->quit = true;
		}
		/*
		 * A key first, and its frame before any more of the host's
		 * events: through a storm a key waits for one frame, not for
		 * a batch and its frame too.
		 */
		key_done = false;
		if (pfd[0].revents & POLLIN) {
			int key = getch();

			app->redraw = key_done = true;
			if (key == KEY_RESIZE)
				repaint(app, false);
			else if (key != ERR)
				again = react(app, handle_key(app, key));
		}
		for (int i = 2; i < nfd; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (pfd[i].fd == efd) {
				if (!key_done)
					app_drain_events(app, true);
			} else if (app->child > 0 && pfd[i].fd == app->child_pipe) {
				pending_child_done(app);
				app->redraw = true;
			}
		}
	}
	endwin();
	return 0;
}

/* ----------------------------------------------------------- options */

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS] tui [--theme NAME|PATH] [--mono] [--ascii] [--interval MS]\n"
		"                         [--script FILE --size WxH] [--list-actions] [--list-legend]\n",
		prog);
}

/* Before the console is up, a file's errors go to stderr and to the log both. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static void app_free(struct app *app)
{
	if (app->pending) {
		proposal_clear(&app->pending->pr);
		free(app->pending);
	}
	apm_config_unref(app->cfg);
	free(app->cfg_errors);
	for (unsigned int i = 0; i < LOG_MAX; i++)
		free(app->log_ring[i].text);
	doc_free(&app->text_doc);
	doc_free(&app->warnings);
	wizard_close(app);
	apm_watch_unref(app->watch);
	free(app->qdown);
	free(app->cells);
	apm_host_unref(app->host);
	free(app->scr.c);
	free(app->shown.c);
	free(app);
}

int tui_main(struct apm_ctx *ctx, const char *prog, int argc, char **argv, bool read_only)
{
	struct app *app = calloc(1, sizeof(*app));
	const char *theme = NULL, *script = NULL, *size = "100x30";
	int w, h, rc = 0;

	(void)read_only;
	if (!app)
		return 1;
	app->ctx = ctx;
	app->prog = prog;
	app->sel_index = -1;
	app->interval_ms = 1000;
	app->grid.ops = &grid_view;
	app->mdevs.ops = &mdevs_view;
	app->detail.ops = &detail_view;
	app->log.ops = &log_view;
	app->help.ops = &help_view;
	app->text.ops = &text_view;
	app->preview.ops = &preview_view;
	app->wizard.ops = &wizard_view;
	setlocale(LC_ALL, "");
	app->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	app->mono = getenv("NO_COLOR") && *getenv("NO_COLOR");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--theme") && i + 1 < argc) {
			theme = argv[++i];
		} else if (!strcmp(argv[i], "--mono")) {
			app->mono = true;
		} else if (!strcmp(argv[i], "--ascii")) {
			app->ascii = true;
		} else if (!strcmp(argv[i], "--script") && i + 1 < argc) {
			script = argv[++i];
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			size = argv[++i];
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			if (parse_int(argv[++i], 100, 600000, &app->interval_ms)) {
				fprintf(stderr,
					"%s: --interval '%s': a number of milliseconds, 100..600000\n",
					prog, argv[i]);
				app_free(app);
				return 2;
			}
		} else if (!strcmp(argv[i], "--list-actions")) {
			actions_print(stdout);
			app_free(app);
			return 0;
		} else if (!strcmp(argv[i], "--list-legend")) {
			struct doc d = { 0 };

			legend_doc(&d);
			for (unsigned int k = 0; k < d.n; k++)
				printf("%s\n", d.p[k].text);
			doc_free(&d);
			app_free(app);
			return 0;
		} else {
			usage(stderr, prog);
			app_free(app);
			return 2;
		}
	}
	if (script &&
	    (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000)) {
		fprintf(stderr, "%s: --size WxH, e.g. 100x30\n", prog);
		app_free(app);
		return 2;
	}
	config_load(app, &theme, app_report, app);
	/* A broken theme costs its roles, not the console: errors go to stderr and the log. */
	theme_load(&app->theme, theme, app->mono, app_report, app);
	app->scr.ascii = app->ascii;
	if (app_reload(app)) {
		fprintf(stderr, "%s: cannot read the host at %s\n", prog, apm_ctx_get_source(ctx));
		app_free(app);
		return 1;
	}
	/* From here on the library's messages go to the log: curses owns the terminal. */
	app_log_sink(app);
	/* Watching starts now, for the script as for the terminal: other processes' changes. */
	app->headless = script != NULL;
	app_watch_start(app);
	if (app->na)
		app->cur_a = app->ids_a[0];
	if (app->nq)
		app->cur_q = app->ids_q[0];
	app_select(app, apm_host_get_mdev(app->host, 0));
	app_log(app, ROLE_TEXT, "%s host %s: %u mdevs",
		apm_host_get_kind(app->host) == APM_HOST_SIM ? "simulated" : "sysfs",
		apm_ctx_get_source(ctx), apm_host_get_mdev_count(app->host));
	if (script) {
		app->headless = true;
		screen_resize(&app->scr, w, h);
		rc = run_script(app, script);
	} else {
		rc = run_terminal(app);
	}
	/* The log goes away with the console; the library must not call into it. */
	apm_ctx_set_log_fn(ctx, NULL, NULL);
	apm_ctx_set_audit_fn(ctx, NULL, NULL);
	app_free(app);
	return rc;
}
