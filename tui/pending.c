// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pending.c - a change from the operator's key to the kernel's answer.
 *
 * An action describes the change it wants (struct plan); it is planned on
 * the snapshot the operator is looking at and its preview shown.  At y the
 * host may have moved on (mdevctl, chzdev or a second apmatrix), so the
 * change is planned again on a fresh read: when the verdict, the preview
 * or the writes differ, the new preview is shown and asked again, never
 * applied blindly.  The apply's own snapshot of the host after the change
 * becomes the console's; the events the change itself caused are logged,
 * not read again.  A remove runs in a child process: the kernel's write
 * can block until the guest lets go.
 *
 * A proposal is one of three things the library plans: a change of the
 * host (struct apm_change), a write of a persistent file (struct
 * apm_persist: persist, unpersist, persist masks) or an undo (struct
 * apm_undo, whose inverse is one of the other two); all go the same way.
 * Every change the console makes is planned in plan_make() and applied
 * here: the library's change calls stay in this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui.h"

void proposal_clear(struct proposal *pr)
{
	apm_change_unref(pr->c);
	apm_persist_unref(pr->p);
	apm_undo_unref(pr->u);
	free(pr->findings);
	memset(pr, 0, sizeof(*pr));
}

static int add_finding(const struct apm_finding *f, void *data)
{
	struct proposal *pr = data;
	size_t had = pr->findings ? strlen(pr->findings) : 0;
	char *s = realloc(pr->findings, had + strlen(f->text) + 24);

	if (!s)
		return -ENOMEM;
	sprintf(s + had, "after this change, %s\n", f->text);
	pr->findings = s;
	return 0;
}

/* What the change would make ap-check refuse at the next mdevctl start (the CLI's warnings). */
static void find_new(const struct app *app, struct apm_host *h, struct proposal *pr)
{
	struct apm_host *after;

	if (!pr->c || !app->cfg || apm_change_get_predicted_host(pr->c, &after))
		return;
	apm_config_foreach_new_finding(app->cfg, h, after, add_finding, pr);
	apm_host_unref(after);
}

static int change_make(struct apm_host *h, const struct plan *p, struct apm_change **c)
{
	switch (p->kind) {
	case PLAN_MASK:
		return apm_change_new_mask_spec(h, p->aq, p->spec, 0, c);
	case PLAN_ASSIGN:
		return apm_change_new_assign(h, p->uuid, p->res, p->un, p->ids, p->n, c);
	case PLAN_MATRIX:
		return apm_change_new_assign_matrix(h, p->uuid, p->un, p->ads, p->na, p->doms,
						    p->nd, c);
	case PLAN_CREATE:
		return apm_change_new_mdev_create(h, p->uuid[0] ? p->uuid : NULL, c);
	case PLAN_REMOVE:
		return apm_change_new_mdev_remove(h, p->uuid, c);
	case PLAN_CONFIG:
		return apm_change_new_config(h, p->adapter, p->on, c);
	case PLAN_RESCAN:
		return apm_change_new_rescan(h, c);
	case PLAN_ONLINE:
		return apm_change_new_online(h, p->adapter, p->domain, p->on, c);
	case PLAN_SIM: {
		struct apm_sim_arg sa = p->sa;

		sa.uuid = p->uuid[0] ? p->uuid : NULL;
		sa.name = p->name[0] ? p->name : NULL;
		return apm_change_new_sim(h, p->op, &sa, c);
	}
	default:
		break;
	}
	return -EINVAL;
}

/* The persistent configuration is read again first: another tool may have written it. */
static int plan_make(struct app *app, struct apm_host *h, const struct plan *p, struct proposal *pr)
{
	int rc;

	memset(pr, 0, sizeof(*pr));
	if (p->kind < PLAN_PERSIST) {
		rc = change_make(h, p, &pr->c);
		if (!rc)
			find_new(app, h, pr);
		return rc;
	}
	if (!app->cfg)
		return -ENOENT;
	rc = apm_config_load(app->cfg);
	if (rc)
		return rc;
	switch (p->kind) {
	case PLAN_PERSIST:
		return apm_persist_new_mdev(app->cfg, h, p->uuid, p->start, &pr->p);
	case PLAN_UNPERSIST:
		return apm_persist_new_undefine(app->cfg, p->uuid, &pr->p);
	case PLAN_PERSIST_MASKS:
		return apm_persist_new_masks(app->cfg, h, &pr->p);
	case PLAN_UNDO:
		rc = apm_undo_new(h, app->cfg, &pr->u);
		if (!rc) {
			pr->c = apm_change_ref(apm_undo_get_change(pr->u));
			pr->p = apm_persist_ref(apm_undo_get_persist(pr->u));
			find_new(app, h, pr);
		}
		return rc;
	default:
		break;
	}
	return -EINVAL;
}

int pending_prediction(const struct pending *p)
{
	if (p->pr.u)
		return apm_undo_get_prediction(p->pr.u);
	if (p->pr.p)
		return apm_persist_get_prediction(p->pr.p);
	return apm_change_get_prediction(p->pr.c);
}

const char *pending_explanation(const struct pending *p)
{
	if (p->pr.u)
		return apm_undo_get_explanation(p->pr.u);
	if (p->pr.p)
		return apm_persist_get_explanation(p->pr.p);
	return apm_change_get_explanation(p->pr.c);
}

void pending_preview(const struct pending *p, struct doc *d)
{
	const struct proposal *pr = &p->pr;

	if (pr->u && apm_undo_get_what(pr->u)) {
		doc_add_escaped(d, ROLE_TEXT, 2, apm_undo_get_what(pr->u));
		doc_add_escaped(d, ROLE_DIM, 4, apm_undo_get_origin(pr->u));
		doc_add_escaped(d, ROLE_WARNING, 4, apm_undo_get_notes(pr->u));
	}
	if (pr->c) {
		doc_add_escaped(d, ROLE_TEXT, 2, apm_change_get_preview(pr->c));
		if (pr->findings)
			doc_add_escaped(d, ROLE_WARNING, 4, pr->findings);
	} else if (pr->p) {
		const char *content = apm_persist_get_content(pr->p);

		doc_add_escaped(d, ROLE_TEXT, 2, apm_persist_get_what(pr->p));
		doc_add(d, ROLE_TEXT, 4, "file: %s", "");
		doc_add_escaped(d, ROLE_TEXT, 6, apm_persist_get_path(pr->p));
		doc_add_escaped(d, ROLE_WARNING, 4, apm_persist_get_notes(pr->p));
		doc_add(d, ROLE_TEXT, 4, "%s", content ? "writes:" : "removes it");
		doc_add_escaped(d, ROLE_DIM, 6, content);
	}
}

bool pending_offers_yes(const struct pending *p, const char **why)
{
	unsigned int n;
	bool any = false;

	*why = NULL;
	if (pending_prediction(p)) {
		*why = p->pr.u	 ? "the undo is not possible"
		       : p->pr.p ? "the checks refuse it"
				 : "the rules foresee the kernel's refusal";
		return false;
	}
	if (!p->pr.c)
		return true; /* a file is written whole: there is no step that does nothing */
	n = apm_change_get_step_count(p->pr.c);
	for (unsigned int i = 0; i < n; i++) {
		struct apm_step_info st;

		if (!apm_change_get_step(p->pr.c, i, &st) && st.predicted != 1)
			any = true;
	}
	if (!any) {
		*why = "nothing changes: the host is already so";
		return false;
	}
	return true;
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Whether two plans of one change on two snapshots would do and say the same. */
static bool same_change(const struct apm_change *a, const struct apm_change *b)
{
	unsigned int n;

	if (!a || !b)
		return a == b;
	n = apm_change_get_step_count(a);
	if (apm_change_get_prediction(a) != apm_change_get_prediction(b) ||
	    n != apm_change_get_step_count(b) ||
	    !same_text(apm_change_get_explanation(a), apm_change_get_explanation(b)) ||
	    !same_text(apm_change_get_preview(a), apm_change_get_preview(b)))
		return false;
	for (unsigned int i = 0; i < n; i++) {
		struct apm_step_info x, y;

		if (apm_change_get_step(a, i, &x) || apm_change_get_step(b, i, &y) ||
		    x.predicted != y.predicted || !same_text(x.path, y.path) ||
		    !same_text(x.value, y.value))
			return false;
	}
	return true;
}

static bool same_persist(const struct apm_persist *a, const struct apm_persist *b)
{
	if (!a || !b)
		return a == b;
	return apm_persist_get_prediction(a) == apm_persist_get_prediction(b) &&
	       same_text(apm_persist_get_what(a), apm_persist_get_what(b)) &&
	       same_text(apm_persist_get_path(a), apm_persist_get_path(b)) &&
	       same_text(apm_persist_get_content(a), apm_persist_get_content(b)) &&
	       same_text(apm_persist_get_explanation(a), apm_persist_get_explanation(b)) &&
	       same_text(apm_persist_get_notes(a), apm_persist_get_notes(b));
}

static bool same_proposal(const struct proposal *a, const struct proposal *b)
{
	if (!a->u != !b->u)
		return false;
	if (a->u && (apm_undo_get_prediction(a->u) != apm_undo_get_prediction(b->u) ||
		     !same_text(apm_undo_get_what(a->u), apm_undo_get_what(b->u)) ||
		     !same_text(apm_undo_get_explanation(a->u), apm_undo_get_explanation(b->u))))
		return false;
	return same_change(a->c, b->c) && same_persist(a->p, b->p) &&
	       same_text(a->findings, b->findings);
}

static void close_pending(struct app *app)
{
	if (!app->pending)
		return;
	proposal_clear(&app->pending->pr);
	free(app->pending);
	app->pending = NULL;
	if (app->modal == &app->preview)
		app_close(app);
}

unsigned int pending_propose(struct app *app, const struct plan *p)
{
	struct pending *pd = calloc(1, sizeof(*pd));
	const char *expl;
	int rc;

	if (!pd)
		return REACT_NONE;
	pd->plan = *p;
	rc = plan_make(app, app->host, p, &pd->pr);
	if (rc == -EOPNOTSUPP && p->kind == PLAN_SIM) {
		app_log(app, ROLE_ERROR,
			"%s: this is a real host: simulated hardware and guests exist only on the simulated host or with apsim",
			p->what);
		free(pd);
		return REACT_REDRAW;
	}
	if (rc) {
		app_log(app, ROLE_ERROR, "%s: cannot plan: %s", p->what, strerror(-rc));
		proposal_clear(&pd->pr);
		free(pd);
		return REACT_REDRAW;
	}
	/* A generated UUID is kept: planned again at y, it must be the same mdev. */
	if (p->kind == PLAN_CREATE && !p->uuid[0] && apm_change_get_uuid(pd->pr.c))
		snprintf(pd->plan.uuid, sizeof(pd->plan.uuid), "%s", apm_change_get_uuid(pd->pr.c));
	expl = pending_explanation(pd);
	if (pending_prediction(pd) && expl && *expl)
		app_log(app, ROLE_WARNING, "%s: %s: %s", p->what,
			pd->pr.u   ? "not possible"
			: pd->pr.p ? "refused by the checks"
				   : "the kernel will refuse",
			expl);
	app->pending = pd;
	app->preview.top = 0;
	app_open(app, &app->preview);
	return REACT_REDRAW;
}

unsigned int pending_cancel(struct app *app)
{
	if (app->pending)
		app_log(app, ROLE_DIM, "%s: cancelled, nothing written", app->pending->plan.what);
	close_pending(app);
	return REACT_REDRAW;
}

void pending_host_changed(struct app *app, bool event)
{
	struct proposal pr;

	if (!app->pending || app->pending->stale)
		return;
	if (event) {
		app->pending->stale = true;
		return;
	}
	/* No event on a real host tells of another process's assignment: compare. */
	if (plan_make(app, app->host, &app->pending->plan, &pr))
		return;
	if (!same_proposal(&pr, &app->pending->pr))
		app->pending->stale = true;
	proposal_clear(&pr);
}

static void log_result(struct app *app, const struct proposal *pr, const char *what, int rc)
{
	const char *notes, *expl;

	if (pr->c) {
		notes = apm_change_get_notes(pr->c);
		expl = apm_change_get_explanation(pr->c);
	} else {
		notes = apm_persist_get_notes(pr->p);
		expl = apm_persist_get_explanation(pr->p);
	}
	if (!rc) {
		app_log(app, ROLE_OK, "%s: done", what);
	} else {
		app_log(app, ROLE_ERROR, "%s: refused: %s", what, apm_errno_name(rc));
		/* An undo that the checks under the lock refused says so itself. */
		if (pr->u && *apm_undo_get_explanation(pr->u))
			app_log(app, ROLE_ERROR, "%s", apm_undo_get_explanation(pr->u));
		if (expl && *expl)
			app_log(app, ROLE_ERROR, "%s", expl);
	}
	if (pr->c && apm_change_get_mismatch(pr->c))
		app_log(app, ROLE_WARNING,
			"the kernel's answer differed from the rules' prediction (%s)",
			apm_errno_name(apm_change_get_prediction(pr->c)));
	if (notes && *notes)
		app_log(app, ROLE_TEXT, "%s", notes);
}

/* What selecting after a change means: N selects the new mdev. */
static void after_change(struct app *app, const struct plan *p, int rc)
{
	struct apm_mdev *m;

	if (!rc && p->kind == PLAN_CREATE && !apm_host_lookup_mdev(app->host, p->uuid, &m))
		app_select(app, m);
}

/*
 * A child that writes to the host runs to its end whatever happens to the
 * console: out of the terminal's process group (^C is the console's),
 * without the console's handlers, and a closed pipe is an error of
 * write(), not a SIGPIPE.  The console refuses to quit while it runs
 * (pending_refuses_quit).
 */
static void child_on_its_own(void)
{
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
}

static unsigned int apply_in_child(struct app *app, struct apm_change *c, const struct plan *p)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		app_log(app, ROLE_ERROR, "%s: cannot start it: pipe: %s; nothing was done", p->what,
			strerror(errno));
		return REACT_REDRAW;
	}
	pid = fork();
	if (pid == 0) {
		int err;

		close(fds[0]);
		child_on_its_own();
		err = -apm_change_apply(c);
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	if (pid > 0)
		setpgid(pid, pid); /* also here: no ^C between fork() and the child's own call */
	if (pid < 0) {
		close(fds[0]);
		app_log(app, ROLE_ERROR, "%s: cannot fork: %s", p->what, strerror(errno));
		return REACT_REDRAW;
	}
	app->child = pid;
	app->child_pipe = fds[0];
	app->child_plan = *p;
	app_log(app, ROLE_TEXT, "%s: in progress (the kernel may wait for a guest to let go)...",
		p->what);
	return REACT_REDRAW;
}

/* Apply what the operator said yes to: a change, a file's write, an undo. */
static int proposal_apply(struct proposal *pr)
{
	int rc;

	if (pr->u) {
		rc = apm_undo_apply(pr->u);
		/* Planned again under the lock: the inverse that ran is the undo's latest. */
		apm_change_unref(pr->c);
		apm_persist_unref(pr->p);
		pr->c = apm_change_ref(apm_undo_get_change(pr->u));
		pr->p = apm_persist_ref(apm_undo_get_persist(pr->u));
		return rc;
	}
	return pr->c ? apm_change_apply(pr->c) : apm_persist_apply(pr->p);
}

unsigned int pending_confirm(struct app *app)
{
	struct pending *pd = app->pending;
	struct apm_host *fresh;
	struct proposal pr;
	const char *why;
	int rc;

	if (!pd)
		return REACT_NONE;
	if (!pending_offers_yes(pd, &why)) {
		app_log(app, ROLE_WARNING, "%s: not done: %s", pd->plan.what, why);
		return REACT_REDRAW;
	}
	/* The preview may be older than the host: plan again on what is there now. */
	rc = apm_host_load(app->ctx, 0, &fresh);
	app->reloads++;
	if (rc) {
		app_log(app, ROLE_ERROR, "%s: cannot read the host again: %s; nothing written",
			pd->plan.what, strerror(-rc));
		return REACT_REDRAW;
	}
	app_set_host(app, fresh);
	apm_host_unref(fresh);
	rc = plan_make(app, app->host, &pd->plan, &pr);
	if (rc) {
		app_log(app, ROLE_ERROR, "%s: cannot plan it again: %s; nothing written",
			pd->plan.what, strerror(-rc));
		close_pending(app);
		return REACT_REDRAW;
	}
	if (!same_proposal(&pr, &pd->pr)) {
		int was = pending_prediction(pd), now;

		proposal_clear(&pd->pr);
		pd->pr = pr;
		now = pending_prediction(pd);
		if (was != now)
			snprintf(
				pd->note, sizeof(pd->note),
				"The host changed since the last preview: the verdict is now %s (was %s). This is the new preview.",
				now ? apm_errno_name(now) : "accept",
				was ? apm_errno_name(was) : "accept");
		else
			snprintf(
				pd->note, sizeof(pd->note),
				"The host changed since the last preview: what the change touches is different now. This is the new preview.");
		app_log(app, ROLE_WARNING, "%s: the host changed; look at the new preview",
			pd->plan.what);
		pd->stale = false;
		app->preview.top = 0;
		return REACT_REDRAW;
	}
	proposal_clear(&pd->pr);
	pd->pr = pr;
	if (pd->plan.fork) {
		struct plan p = pd->plan;
		struct apm_change *c = apm_change_ref(pd->pr.c);
		unsigned int r;

		close_pending(app);
		r = apply_in_child(app, c, &p);
		apm_change_unref(c);
		return r;
	}
	rc = proposal_apply(&pd->pr);
	app->reloads++;
	/* The apply read the host after its writes: that snapshot, not another read. */
	if (pd->pr.c && apm_change_get_result(pd->pr.c))
		app_set_host(app, apm_change_get_result(pd->pr.c));
	else
		app_reload(app);
	/* The change's own events are logged, not read again; its result is the last line. */
	app_drain_events(app, false);
	log_result(app, &pd->pr, pd->plan.what, rc);
	after_change(app, &pd->plan, rc);
	close_pending(app);
	return REACT_REDRAW | REACT_RELAYOUT;
}

/* -------------------------------------------------- a migration's steps */

/*
 * The child says, one a line: "I text", "E text" (what the steps say),
 * "S N name" (step N is done), then "T I STATE" per step and last
 * "F RC STATE next".  The text is the library's, escaped, without newlines.
 */
/*
 * Where the child's lines go.  A console that went away (killed) does not
 * stop the steps: a step left half done would be worse than an account
 * nobody reads, so a failed write only ends the writing.
 */
struct mig_out {
	int fd;
	bool broken;
};

static void mig_line(struct mig_out *o, char tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void mig_line(struct mig_out *o, char tag, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	if (o->broken)
		return;
	buf[0] = tag;
	buf[1] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(buf + 2, sizeof(buf) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = n + 2 > (int)sizeof(buf) - 2 ? (int)sizeof(buf) - 2 : n + 2;
	buf[n++] = '\n';
	if (write(o->fd, buf, (size_t)n) < 0)
		o->broken = true;
}

static void mig_child_event(const struct apm_migration_event *ev, void *data)
{
	struct mig_out *o = data;

	if (ev->kind == APM_MIGRATION_EVENT_STEP)
		mig_line(o, 'S', "%u %s", ev->step, ev->text);
	else if (ev->kind != APM_MIGRATION_EVENT_KEYS)
		mig_line(o, ev->kind == APM_MIGRATION_EVENT_ERROR ? 'E' : 'I', "%s", ev->text);
}

static void mig_local_event(const struct apm_migration_event *ev, void *data)
{
	wizard_event(data, ev->kind, ev->step, ev->text);
}

/* Each step's state and the final one, to the wizard. */
static void mig_finish_local(struct app *app, struct apm_migration *m, int rc)
{
	enum apm_migration_step_state st[8];
	unsigned int n = apm_migration_get_step_count(m);
	struct apm_migration_step s;

	for (unsigned int i = 0; i < n && i < 8; i++)
		st[i] = apm_migration_get_step(m, i, &s) ? APM_MIGRATION_STEP_PENDING : s.state;
	wizard_finished(app, rc, apm_migration_get_state(m), st, n < 8 ? n : 8,
			apm_migration_get_next(m));
}

int pending_run_migration(struct app *app, struct apm_migration *m, const char *what,
			  unsigned int *react)
{
	struct apm_migration_step s;
	int fds[2], rc;
	pid_t pid;

	/* The built-in simulated host lives in this process: a child's writes would be lost. */
	if (apm_ctx_get_kind(app->ctx) == APM_HOST_SIM &&
	    !strcmp(apm_ctx_get_source(app->ctx), "(built-in)")) {
		apm_migration_set_progress(m, mig_local_event, app);
		rc = apm_migration_run(m);
		apm_migration_set_progress(m, NULL, NULL);
		app_reload(app);
		app_drain_events(app, false);
		mig_finish_local(app, m, rc);
		*react = REACT_REDRAW | REACT_RELAYOUT;
		return 0;
	}
	*react = REACT_REDRAW;
	/* Close-on-exec: virsh, run by a step, must not hold the console's end of output open. */
	if (pipe2(fds, O_CLOEXEC)) {
		rc = -errno;
		app_log(app, ROLE_ERROR, "%s: cannot start its steps: pipe: %s; nothing was done",
			what, strerror(-rc));
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		struct mig_out o = { .fd = fds[1] };

		close(fds[0]);
		child_on_its_own();
		/* virsh, run by the steps, must not write over the console. */
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		apm_migration_set_progress(m, mig_child_event, &o);
		rc = apm_migration_run(m);
		for (unsigned int i = 0; !apm_migration_get_step(m, i, &s); i++)
			mig_line(&o, 'T', "%u %d", i, (int)s.state);
		mig_line(&o, 'F', "%d %d %s", rc, (int)apm_migration_get_state(m),
			 apm_migration_get_next(m));
		_exit(0);
	}
	close(fds[1]);
	if (pid > 0)
		setpgid(pid, pid); /* also here: no ^C between fork() and the child's own call */
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		app_log(app, ROLE_ERROR, "%s: cannot start its steps: fork: %s; nothing was done",
			what, strerror(-rc));
		return rc;
	}
	app->child = pid;
	app->child_pipe = fds[0];
	app->child_mig = true;
	app->child_len = 0;
	app->child_nst = 0;
	app->child_fin = false;
	memset(&app->child_plan, 0, sizeof(app->child_plan));
	snprintf(app->child_plan.what, sizeof(app->child_plan.what), "%s", what);
	app_log(app, ROLE_TEXT, "%s: running its steps...", what);
	return 0;
}

/* The lines the child said so far; at its end (EOF) reap it and read the host. */
static unsigned int mig_child_input(struct app *app)
{
	ssize_t got = read(app->child_pipe, app->child_buf + app->child_len,
			   sizeof(app->child_buf) - 1 - app->child_len);
	char *line, *nl;
	int status;

	if (got > 0) {
		app->child_len += (size_t)got;
		app->child_buf[app->child_len] = '\0';
		line = app->child_buf;
		while ((nl = strchr(line, '\n'))) {
			unsigned int a;
			int b, c, off = 0;

			*nl = '\0';
			if (line[0] == 'I' || line[0] == 'E')
				wizard_event(app,
					     line[0] == 'E' ? APM_MIGRATION_EVENT_ERROR
							    : APM_MIGRATION_EVENT_INFO,
					     0, line + 2);
			else if (line[0] == 'S' && sscanf(line + 2, "%u %n", &a, &off) == 1)
				wizard_event(app, APM_MIGRATION_EVENT_STEP, a, line + 2 + off);
			else if (line[0] == 'T' && sscanf(line + 2, "%u %d", &a, &b) == 2 &&
				 a < 8) {
				app->child_st[a] = (enum apm_migration_step_state)b;
				app->child_nst = a + 1 > app->child_nst ? a + 1 : app->child_nst;
			} else if (line[0] == 'F' &&
				   sscanf(line + 2, "%d %d %n", &b, &c, &off) == 2) {
				app->child_fin = true;
				wizard_finished(app, b, (enum apm_migration_state)c, app->child_st,
						app->child_nst, line + 2 + off);
			}
			line = nl + 1;
		}
		app->child_len -= (size_t)(line - app->child_buf);
		memmove(app->child_buf, line, app->child_len);
		if (app->child_len + 1 >= sizeof(app->child_buf))
			app->child_len = 0; /* a line longer than the buffer: dropped */
		return REACT_REDRAW;
	}
	close(app->child_pipe);
	waitpid(app->child, &status, 0);
	app->child = 0;
	app->child_mig = false;
	/* Its writes are another process's: read the host once, then its events. */
	app_reload(app);
	app_drain_events(app, false);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !app->child_fin) {
		app_log(app, ROLE_ERROR, "%s: its process ended before saying how it went",
			app->child_plan.what);
		/* Which steps it did is on the host and in the file, not in what it said. */
		if (!app->child_fin)
			wizard_finished(app, -EIO, APM_MIGRATION_PARTLY_DONE, app->child_st,
					app->child_nst,
					"open the wizard again to see which steps are done");
	}
	return REACT_REDRAW | REACT_RELAYOUT;
}

static unsigned int change_child_done(struct app *app)
{
	int err = EIO, status;

	if (app->child <= 0)
		return REACT_NONE;
	if (read(app->child_pipe, &err, sizeof(err)) != sizeof(err))
		err = EIO;
	close(app->child_pipe);
	waitpid(app->child, &status, 0);
	app->child = 0;
	/* The child's writes are another process's: read the host once, then its events. */
	app_reload(app);
	app_drain_events(app, false);
	if (err)
		app_log(app, ROLE_ERROR, "%s: refused: %s", app->child_plan.what,
			apm_errno_name(-err));
	else
		app_log(app, ROLE_OK, "%s: done", app->child_plan.what);
	after_change(app, &app->child_plan, -err);
	return REACT_REDRAW | REACT_RELAYOUT;
}

unsigned int pending_child_done(struct app *app)
{
	if (app->child > 0 && app->child_mig)
		return mig_child_input(app);
	return change_child_done(app);
}

bool pending_refuses_quit(struct app *app)
{
	if (app->child <= 0)
		return false;
	if (app->child_mig)
		app_log(app, ROLE_WARNING,
			"%s: not quitting while its steps run (a step stopped half way would leave the guest half unplugged); wait for its result",
			app->child_plan.what);
	else
		app_log(app, ROLE_WARNING,
			"%s: not quitting while it is applied (the kernel may be waiting for a guest to let go); wait for its result",
			app->child_plan.what);
	return true;
}
