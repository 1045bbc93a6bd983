// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wizard.c - the guided migration in the console, both directions: unplug
 * the selected mdev's guest before a live migration, replug from a restore
 * file on the target (or roll back on the source).
 *
 * The wizard shows the library's migration (struct apm_migration): what
 * it is about, its steps with what each changes and whether it is done,
 * for a replug the check of every APQN before anything is done, then a
 * confirmation that names the guest and every APQN.  At y the steps run
 * in a child process (pending.c: the console keeps serving keys and
 * redraws); what they say comes back line by line and is shown as it
 * comes, then each step's result and the final state with what to do
 * next.  Every state is a word on the screen, never a colour alone.
 */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

struct wizard {
	enum apm_migration_kind kind;
	char *file;		  /* whole: the steps are made again from it at y */
	char uuid[40];		  /* as asked: the mdev (unplug), empty: the file's (replug) */
	bool libvirt;		  /* the migration drives virsh */
	bool had_mdev;		  /* the mdev existed when the wizard was made */
	struct apm_mask shown[3]; /* its adapters, domains, control domains then */
	char title[160];
	struct apm_migration *m;
	enum { WIZ_CONFIRM, WIZ_RUNNING, WIZ_DONE } phase;
	bool refused;	       /* y is not offered (why: refusal) */
	char refusal[3000];    /* escaped */
	char start_error[200]; /* the last y could not start the steps: why */
	struct doc check;      /* replug: the verdict of every APQN */
	bool check_error;      /* the check said something went wrong (in check) */
	struct doc progress;   /* what the steps said while running */
	unsigned int nsteps;   /* the steps' states as the run left them */
	enum apm_migration_step_state st[8];
	unsigned int running; /* the step running (1-based), 0 */
	enum apm_migration_state final;
	char next[600];
	int rc;
};

static const char *step_word(enum apm_migration_step_state s)
{
	switch (s) {
	case APM_MIGRATION_STEP_DONE:
		return "[done]";
	case APM_MIGRATION_STEP_FAILED:
		return "[FAILED]";
	case APM_MIGRATION_STEP_BY_HAND:
		return "[by hand]";
	default:
		return "[to do]";
	}
}

static enum role step_role(enum apm_migration_step_state s)
{
	return s == APM_MIGRATION_STEP_DONE	 ? ROLE_OK
	       : s == APM_MIGRATION_STEP_FAILED	 ? ROLE_ERROR
	       : s == APM_MIGRATION_STEP_BY_HAND ? ROLE_WARNING
						 : ROLE_TEXT;
}

/* "05.0004 05.0047 ...": every APQN of the file, for the confirmation. */
static void apqn_list(const struct apm_restore *r, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < apm_restore_get_apqn_count(r) && at + 10 < size; i++) {
		struct apm_restore_apqn q;

		apm_restore_get_apqn(r, i, &q);
		at += (size_t)snprintf(buf + at, size - at, "%s%02x.%04x", i ? " " : "", q.adapter,
				       q.domain);
	}
}

static void wizard_doc(struct app *app, const struct wizard *w, struct doc *d)
{
	const struct apm_restore *r = apm_migration_get_restore(w->m);
	const char *guest = apm_restore_get_guest(r), *domain = apm_restore_get_domain(r);
	char g[160], dom[160], apqns[4096];

	doc_add_escaped(d, ROLE_TEXT, 4, apm_migration_get_summary(w->m));
	doc_add(d, ROLE_TITLE, 0, "Steps");
	for (unsigned int i = 0; i < w->nsteps; i++) {
		struct apm_migration_step s;
		enum apm_migration_step_state st;

		if (apm_migration_get_step(w->m, i, &s))
			break;
		st = w->phase == WIZ_CONFIRM ? s.state : w->st[i];
		if (w->phase == WIZ_RUNNING && w->running == i + 1 &&
		    st == APM_MIGRATION_STEP_PENDING)
			doc_add(d, ROLE_WARNING, 14, "  %u. [running] %s", i + 1, s.name);
		else
			doc_add(d, step_role(st), 14, "  %u. %-9s %s", i + 1, step_word(st),
				s.name);
		doc_add(d, ROLE_DIM, 16, "              changes: %s", s.changes);
	}
	if (w->check.n) {
		doc_add(d, ROLE_TITLE, 0, "Check of every APQN on this host (replug --check)");
		for (unsigned int i = 0; i < w->check.n; i++)
			doc_add(d, (enum role)w->check.p[i].role, 11, "%s", w->check.p[i].text);
	}
	if (w->phase == WIZ_CONFIRM) {
		apm_text_escape(guest ? guest : "", g, sizeof(g), APM_TEXT_ELLIPSIS);
		apm_text_escape(domain ? domain : "", dom, sizeof(dom), APM_TEXT_ELLIPSIS);
		apqn_list(r, apqns, sizeof(apqns));
		if (w->start_error[0])
			doc_add(d, ROLE_ERROR, 2, "ERROR: %s", w->start_error);
		if (w->refused) {
			doc_add(d, ROLE_ERROR, 2, "REFUSED: %s", w->refusal);
		} else if (apm_migration_get_state(w->m) == (w->kind == APM_MIGRATION_UNPLUG
								     ? APM_MIGRATION_READY
								     : APM_MIGRATION_REPLUGGED)) {
			doc_add(d, ROLE_OK, 2, "Every step is done: %s",
				apm_migration_get_next(w->m));
		} else {
			doc_add(d, ROLE_WARNING, 2,
				"Confirm: %s guest %s (libvirt domain %s), mdev %s,",
				w->kind == APM_MIGRATION_UNPLUG ? "unplug from" : "plug into",
				g[0] ? g : "(none running)", dom[0] ? dom : "unknown",
				apm_migration_get_uuid(w->m));
			doc_add(d, ROLE_WARNING, 2, "%s these %u APQNs: %s",
				w->kind == APM_MIGRATION_UNPLUG ? "taking away" : "giving it",
				apm_restore_get_apqn_count(r), apqns);
		}
		return;
	}
	if (w->progress.n) {
		doc_add(d, ROLE_TITLE, 0, "Progress");
		for (unsigned int i = 0; i < w->progress.n; i++)
			doc_add(d, (enum role)w->progress.p[i].role, 4, "%s",
				w->progress.p[i].text);
	}
	if (w->phase == WIZ_DONE)
		doc_add(d,
			w->final == APM_MIGRATION_READY || w->final == APM_MIGRATION_REPLUGGED
				? ROLE_OK
			: w->final == APM_MIGRATION_BY_HAND ? ROLE_WARNING
							    : ROLE_ERROR,
			2, "Result: %s%s; next: %s", apm_migration_state_name(w->final),
			w->rc ? " (a step failed)" : "", w->next);
}

static void wizard_draw(struct app *app, struct view *v, const struct area *a)
{
	struct wizard *w = app->wiz;
	struct doc d = { 0 };
	const char *keys;

	if (!w)
		return;
	wizard_doc(app, w, &d);
	scroll_draw(app, v, a, w->title, &d);
	keys = w->phase == WIZ_RUNNING ? "running... Esc: hide (it goes on)"
	       : w->phase == WIZ_CONFIRM && !w->refused &&
			       apm_migration_get_state(w->m) != (w->kind == APM_MIGRATION_UNPLUG
									 ? APM_MIGRATION_READY
									 : APM_MIGRATION_REPLUGGED)
		       ? "y: run the steps  n: cancel"
		       : "n, Esc: close";
	area_printf(&app->scr, a, 0, a->h - 1, ROLE_WARNING, "%s%s", keys,
		    v->lines > v->rows ? "  Up/Down PgUp/PgDn: scroll" : "");
	doc_free(&d);
}

static void wizard_free(struct wizard *w)
{
	if (!w)
		return;
	apm_migration_unref(w->m);
	doc_free(&w->check);
	doc_free(&w->progress);
	free(w->file);
	free(w);
}

static bool offers_yes(const struct wizard *w)
{
	enum apm_migration_state done = w->kind == APM_MIGRATION_UNPLUG ? APM_MIGRATION_READY
									: APM_MIGRATION_REPLUGGED;

	return w->phase == WIZ_CONFIRM && !w->refused && apm_migration_get_state(w->m) != done;
}

/* The mdev's adapters, domains and control domains on h; false: there is no such mdev. */
static bool mdev_matrix(const struct apm_host *h, const char *uuid, struct apm_mask mk[3])
{
	struct apm_mdev *md;

	memset(mk, 0, 3 * sizeof(*mk));
	if (apm_host_lookup_mdev(h, uuid, &md))
		return false;
	apm_mdev_get_mask(md, APM_KIND_ADAPTER, &mk[0]);
	apm_mdev_get_mask(md, APM_KIND_DOMAIN, &mk[1]);
	apm_mdev_get_mask(md, APM_KIND_CONTROL_DOMAIN, &mk[2]);
	return true;
}

/* "adapters 5-7, domains 4,0x47, control domains 0x50" or "no such mdev". */
static void matrix_words(bool exists, const struct apm_mask mk[3], char *buf, size_t size)
{
	char r[3][400];

	if (!exists) {
		snprintf(buf, size, "no such mdev");
		return;
	}
	for (int i = 0; i < 3; i++)
		if (apm_mask_format_ranges(&mk[i], r[i], sizeof(r[i])) < 0 || !r[i][0])
			snprintf(r[i], sizeof(r[i]), "none");
	snprintf(buf, size, "adapters %s, domains %s, control domains %s", r[0], r[1], r[2]);
}

static void refuse(struct app *app, struct wizard *w, const char *why)
{
	w->refused = true;
	snprintf(w->refusal, sizeof(w->refusal), "%s", why);
	app_log(app, ROLE_WARNING, "%s: not done: %s", w->title, why);
}

/*
 * At y, minutes may have passed: the steps are made again on the host as
 * it is now, and when the mdev's matrix is not what the wizard showed
 * (another tool assigned meanwhile) nothing is done.  An unplug would
 * otherwise empty the mdev of IDs its restore file never recorded.
 * Returns 0 when w->m is the fresh migration and may run.
 */
static int wizard_renew(struct app *app, struct wizard *w)
{
	struct apm_migration_opts o = {
		.file = w->file,
		.uuid = w->uuid[0] ? w->uuid : NULL,
		.cfg = app->cfg,
		.libvirt = w->libvirt,
		.create = w->kind == APM_MIGRATION_REPLUG,
	};
	struct apm_mask now[3];
	struct apm_migration *m;
	struct apm_host *fresh;
	char err[1024], why[sizeof(w->refusal)], was[1300], is[1300];
	bool exists;
	int rc;

	rc = apm_host_load(app->ctx, 0, &fresh);
	app->reloads++;
	if (rc) {
		snprintf(why, sizeof(why), "cannot read the host again (%s): nothing is done",
			 apm_errno_name(rc));
		refuse(app, w, why);
		return rc;
	}
	app_set_host(app, fresh);
	apm_host_unref(fresh);
	exists = mdev_matrix(app->host, apm_migration_get_uuid(w->m), now);
	if (exists != w->had_mdev || memcmp(now, w->shown, sizeof(now))) {
		matrix_words(w->had_mdev, w->shown, was, sizeof(was));
		matrix_words(exists, now, is, sizeof(is));
		snprintf(
			why, sizeof(why),
			"mdev %s changed since this wizard opened (it had %s; now %s): nothing is done; open the wizard again",
			apm_migration_get_uuid(w->m), was, is);
		refuse(app, w, why);
		return -ESTALE;
	}
	rc = apm_migration_new(app->host, w->kind, &o, &m, err, sizeof(err));
	if (rc) {
		char e[1024];

		apm_text_escape(err, e, sizeof(e), 0);
		snprintf(why, sizeof(why), "the steps cannot be made again: %s: nothing is done",
			 e);
		refuse(app, w, why);
		return rc;
	}
	if (apm_migration_get_refusal(m) || apm_migration_get_step_count(m) != w->nsteps) {
		snprintf(
			why, sizeof(why), "%s",
			apm_migration_get_refusal(m)
				? apm_migration_get_refusal(m)
				: "the steps changed since this wizard opened: nothing is done; open the wizard again");
		apm_migration_unref(m);
		refuse(app, w, why);
		return -EPERM;
	}
	apm_migration_unref(w->m);
	w->m = m;
	return 0;
}

static unsigned int wizard_key(struct app *app, struct view *v, int key)
{
	struct wizard *w = app->wiz;

	if (!w)
		return REACT_NONE;
	if ((key == 'y' || key == 'Y') && offers_yes(w)) {
		if (wizard_renew(app, w))
			return REACT_REDRAW | REACT_RELAYOUT;
		unsigned int r;
		int rc;

		w->running = 1;
		w->start_error[0] = '\0';
		for (unsigned int i = 0; i < w->nsteps; i++) {
			struct apm_migration_step s;

			apm_migration_get_step(w->m, i, &s);
			w->st[i] = s.state;
		}
		rc = pending_run_migration(app, w->m, w->title, &r);
		/*
		 * Running only once a child runs the steps (in this process they
		 * are over already: the wizard is done); a pipe or fork that
		 * failed did nothing, and y may be tried again.
		 */
		if (rc) {
			w->running = 0;
			snprintf(w->start_error, sizeof(w->start_error),
				 "the steps could not be started (%s): nothing was done",
				 apm_errno_name(rc));
		} else if (w->phase == WIZ_CONFIRM) {
			w->phase = WIZ_RUNNING;
		}
		return r;
	}
	/* q means quit while the steps run: the console refuses it and says why. */
	if (key == 'q' && w->phase == WIZ_RUNNING)
		return REACT_QUIT | REACT_REDRAW;
	if (key == 'n' || key == 'N' || key == 27 || key == 'q') {
		app_close(app);
		if (w->phase != WIZ_RUNNING) {
			wizard_free(w);
			app->wiz = NULL;
		}
		return REACT_REDRAW;
	}
	return scroll_key(v, key) == REACT_PASS ? REACT_NONE : REACT_REDRAW;
}

const struct view_ops wizard_view = {
	.name = "wizard",
	.draw = wizard_draw,
	.key = wizard_key,
};

/* ----------------------------------------------------- what the run says */

void wizard_event(struct app *app, enum apm_migration_event_kind kind, unsigned int step,
		  const char *text)
{
	struct wizard *w = app->wiz;

	if (!w)
		return;
	/* The view follows the account while it grows (scroll_draw clamps). */
	app->wizard.top = 1 << 20;
	if (kind == APM_MIGRATION_EVENT_STEP) {
		if (step >= 1 && step <= w->nsteps)
			w->st[step - 1] = APM_MIGRATION_STEP_DONE;
		w->running = step + 1;
		doc_add(&w->progress, ROLE_OK, 4, "step %u done: %s", step, text);
		return;
	}
	doc_add(&w->progress, kind == APM_MIGRATION_EVENT_ERROR ? ROLE_ERROR : ROLE_TEXT, 4, "%s%s",
		kind == APM_MIGRATION_EVENT_ERROR ? "error: " : "", text);
}

void wizard_finished(struct app *app, int rc, enum apm_migration_state state,
		     const enum apm_migration_step_state *st, unsigned int n, const char *next)
{
	struct wizard *w = app->wiz;

	if (!w)
		return;
	w->phase = WIZ_DONE;
	w->running = 0;
	w->rc = rc;
	w->final = state;
	for (unsigned int i = 0; i < n && i < w->nsteps; i++)
		w->st[i] = st[i];
	snprintf(w->next, sizeof(w->next), "%s", next);
	app_log(app, rc ? ROLE_ERROR : ROLE_OK, "%s: %s%s; next: %s", w->title,
		apm_migration_state_name(state), rc ? " (a step failed)" : "", next);
	/* The result is the last thing: show the end of the account (scroll_draw clamps). */
	app->wizard.top = 1 << 20;
}

/* ------------------------------------------------------------ opening */

static bool virsh_on_path(void)
{
	const char *path = getenv("PATH");
	char file[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(file, sizeof(file), "%.*s/virsh", (int)n, path);
		if (n && !access(file, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/*
 * A row of the check: label in the verdicts' column, then the first len
 * bytes of raw escaped whole.  The library's texts have no fixed length
 * (a mask write's refusal quotes the kernel's explanation, a check error
 * the restore file's path), and escaping lengthens them: a fixed buffer
 * would cut them without a word.
 */
void wizard_check_row(struct doc *d, enum role r, const char *label, const char *raw, size_t len)
{
	char *copy = strndup(raw, len), *text = copy ? escape_dup(copy, 0) : NULL;

	doc_add(d, r, 11, "  %-8s %s", label, text ? text : "(not shown: out of memory)");
	free(text);
	free(copy);
}

static int on_verdict(const struct apm_replug_verdict *v, enum apm_migration_verdict vd, void *data)
{
	struct wizard *w = data;
	enum role r = vd == APM_MIGRATION_REFUSED	 ? ROLE_ERROR
		      : vd == APM_MIGRATION_KEYS_UNKNOWN ? ROLE_WARNING
							 : ROLE_OK;

	wizard_check_row(&w->check, r,
			 vd == APM_MIGRATION_REFUSED	    ? "refused"
			 : vd == APM_MIGRATION_KEYS_UNKNOWN ? "unknown"
							    : "ok",
			 v->text, strlen(v->text));
	return 0;
}

/*
 * What the check says besides the verdicts: why the keys could not be
 * read, the mask writes it made to read them and, when the masks could
 * not be put back, the commands that do it.  Escaped again: the text is
 * the library's (escaping twice reads the same).
 */
static void on_check_event(const struct apm_migration_event *ev, void *data)
{
	struct wizard *w = data;

	if (ev->kind == APM_MIGRATION_EVENT_KEYS) {
		/* Several lines: one row each, in the verdicts' column. */
		for (const char *t = ev->text; *t;) {
			size_t n = strcspn(t, "\n");

			if (n)
				wizard_check_row(&w->check, ROLE_DIM, "masks", t, n);
			t += n + (t[n] == '\n');
		}
		return;
	}
	if (ev->kind == APM_MIGRATION_EVENT_STEP)
		return;
	if (ev->kind == APM_MIGRATION_EVENT_ERROR)
		w->check_error = true;
	wizard_check_row(&w->check, ev->kind == APM_MIGRATION_EVENT_ERROR ? ROLE_ERROR : ROLE_DIM,
			 ev->kind == APM_MIGRATION_EVENT_ERROR ? "error" : "", ev->text,
			 strlen(ev->text));
}

/* The wizard of kind for uuid (unplug) or the file's mdev, opened over the panels. */
static unsigned int wizard_open(struct app *app, enum apm_migration_kind kind, const char *uuid,
				const char *file)
{
	struct apm_migration_opts o = {
		.file = file,
		.uuid = uuid,
		.cfg = app->cfg,
		.libvirt = virsh_on_path(),
		.create = kind == APM_MIGRATION_REPLUG,
	};
	struct wizard *w;
	char err[1024], shown[104];
	int rc;

	if (!*file) {
		app_log(app, ROLE_WARNING, "%s: no restore file given: nothing is done",
			kind == APM_MIGRATION_UNPLUG ? "unplug" : "replug");
		return REACT_REDRAW;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return REACT_NONE;
	w->kind = kind;
	w->file = strdup(file);
	if (!w->file) {
		wizard_free(w);
		return REACT_NONE;
	}
	snprintf(w->uuid, sizeof(w->uuid), "%s", uuid ? uuid : "");
	rc = apm_migration_new(app->host, kind, &o, &w->m, err, sizeof(err));
	/* virsh only for a domain libvirt knows; else the step says what to run. */
	if (!rc && o.libvirt && !apm_restore_get_domain(apm_migration_get_restore(w->m))) {
		o.libvirt = false;
		w->m = apm_migration_unref(w->m);
		rc = apm_migration_new(app->host, kind, &o, &w->m, err, sizeof(err));
	}
	if (rc) {
		app_log(app, ROLE_ERROR, "%s: %s",
			kind == APM_MIGRATION_UNPLUG ? "unplug" : "replug", err);
		wizard_free(w);
		return REACT_REDRAW;
	}
	w->libvirt = o.libvirt;
	/* What the confirmation shows is the mdev as it is now: y checks it still is. */
	w->had_mdev = mdev_matrix(app->host, apm_migration_get_uuid(w->m), w->shown);
	w->nsteps = apm_migration_get_step_count(w->m);
	if (apm_migration_get_refusal(w->m)) {
		w->refused = true;
		snprintf(w->refusal, sizeof(w->refusal), "%s", apm_migration_get_refusal(w->m));
	}
	/* The title's room for the path: a cut one ends in "...". */
	apm_text_escape(file, shown, sizeof(shown), APM_TEXT_ELLIPSIS);
	snprintf(w->title, sizeof(w->title), "%s mdev %.8s... %s %s",
		 kind == APM_MIGRATION_UNPLUG ? "unplug" : "replug", apm_migration_get_uuid(w->m),
		 kind == APM_MIGRATION_UNPLUG ? "into" : "from", shown);
	if (kind != APM_MIGRATION_UNPLUG && !w->refused) {
		unsigned int ok, refused, unknown;

		/* What will and will not be plugged, before anything is done. */
		apm_migration_set_progress(w->m, on_check_event, w);
		rc = apm_migration_check(w->m, on_verdict, w);
		apm_migration_set_progress(w->m, NULL, NULL);
		apm_migration_get_check_counts(w->m, &ok, &refused, &unknown);
		doc_add(&w->check,
			refused	  ? ROLE_ERROR
			: unknown ? ROLE_WARNING
				  : ROLE_OK,
			2,
			"%u can be plugged with the same keys, %u refused, %u with keys not compared",
			ok, refused, unknown);
		if (rc || refused || w->check_error) {
			w->refused = true;
			if (rc)
				snprintf(w->refusal, sizeof(w->refusal),
					 "the check could not be made (%s): nothing is changed",
					 apm_errno_name(rc));
			else if (w->check_error)
				snprintf(
					w->refusal, sizeof(w->refusal),
					"the check went wrong (the error above): nothing is changed; mend that, then open the wizard again");
			else
				snprintf(
					w->refusal, sizeof(w->refusal),
					"%u APQNs cannot be plugged here (above): nothing is changed",
					refused);
		}
		/* The check lent queues to zcrypt and gave them back: show the host as it is. */
		app_reload(app);
	}
	wizard_free(app->wiz);
	app->wiz = w;
	app->wizard.top = 0;
	app_open(app, &app->wizard);
	return REACT_REDRAW | REACT_RELAYOUT;
}

static unsigned int unplug_file(struct app *app, const char *text)
{
	return wizard_open(app, APM_MIGRATION_UNPLUG, app->wiz_uuid, text);
}

static unsigned int replug_file(struct app *app, const char *text)
{
	return wizard_open(app, APM_MIGRATION_REPLUG, NULL, text);
}

unsigned int wizard_unplug(struct app *app, const char *arg)
{
	struct apm_mdev *m = app_mdev(app);

	if (!m) {
		app_log(app, ROLE_WARNING, "unplug: no mdev selected: Tab or = selects one");
		return REACT_REDRAW;
	}
	snprintf(app->wiz_uuid, sizeof(app->wiz_uuid), "%s", apm_mdev_get_uuid(m));
	if (arg)
		return unplug_file(app, arg);
	prompt(app, "unplug: restore file to write (or resume): ", unplug_file);
	return REACT_REDRAW;
}

unsigned int wizard_replug(struct app *app, const char *arg)
{
	if (arg)
		return replug_file(app, arg);
	prompt(app, "replug: restore file to plug from: ", replug_file);
	return REACT_REDRAW;
}

void wizard_close(struct app *app)
{
	wizard_free(app->wiz);
	app->wiz = NULL;
}
