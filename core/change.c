// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * change.c - a planned change: its steps, their predictions, applying
 * them and verifying the result (see change.h).
 *
 * A change is a list of sysfs writes planned against a snapshot by one of
 * the planners (core/plan/).  Before anything is written, each step runs
 * on a scratch simulated host over a copy of the snapshot's kernel model,
 * so the operator sees the kernel's verdict (and why) up front; applying
 * writes the steps in order through the seam, records the kernel's real
 * errno next to the prediction, stops at the first refusal, re-reads the
 * host and lets the planner check that it now looks as intended.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "sim/sim.h"

#define ROOM 4 /* mdevs a change may create on its scratch host */

int apm_change_plan(struct apm_host *host, const struct apm_planner *p, const void *request,
		    struct apm_change **out)
{
	struct apm_change *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->planner = p;
	c->host = apm_host_ref(host);
	c->mdev = -1;
	c->scratch = sim_scratch_new(&host->model, ROOM);
	if (!c->scratch) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	c->why = &sim_model(c->scratch)->why;
	rc = p->plan(c, request);
	if (rc) {
		apm_change_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

struct step *apm_change_step(struct apm_change *c, const char *path, const char *value,
			     const char *what, ...)
{
	struct step *s = realloc(c->steps, (c->nsteps + 1) * sizeof(*s));
	va_list ap;
	char *v;

	if (!s)
		return NULL;
	c->steps = s;
	v = strdup(value);
	if (!v)
		return NULL;
	s += c->nsteps++;
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->value = v;
	va_start(ap, what);
	vsnprintf(s->what, sizeof(s->what), what, ap);
	va_end(ap);
	return s;
}

int apm_change_try(struct apm_change *c, struct step *s)
{
	return sim_tree_write(c->scratch, s->path, s->value, strlen(s->value));
}

void apm_change_predict(struct apm_change *c, struct step *s, int rc)
{
	s->predicted = rc;
	if (rc < 0 && !c->prediction)
		c->prediction = rc;
}

struct apr_model *apm_change_model(const struct apm_change *c)
{
	return sim_model(c->scratch);
}

APM_EXPORT int apm_change_get_predicted_host(const struct apm_change *c, struct apm_host **out)
{
	struct apm_ctx *ctx;
	int rc;

	/* The scratch host as the planned steps left it, read as any host is. */
	rc = apm_ctx_new_model(c->host->ctx, sim_model(c->scratch), &ctx);
	if (rc)
		return rc;
	rc = apm_host_load(ctx, 0, out);
	apm_ctx_unref(ctx);
	return rc;
}

/* ---------------------------------------------------------------- apply */

struct apply {
	struct apm_change *c;
	int rc;
};

static int do_steps(void *data)
{
	struct apply *ap = data;
	struct apm_change *c = ap->c;
	struct apm_ctx *ctx = c->host->ctx;
	enum apm_op op = c->planner->op;

	for (unsigned int k = 0; k < c->nsteps; k++) {
		struct step *s = &c->steps[k];
		bool pred_fail = s->predicted < 0, mismatch;

		if (ctx->read_only)
			s->actual = -EROFS;
		else if (s->hold)
			s->actual = s->predicted; /* never start a write that would hang */
		else if (!apm_can_write(ctx, s->path))
			s->actual = -EACCES;
		else {
			s->applied = true;
			s->actual = apm_write(ctx, s->path, s->value, strlen(s->value));
		}
		/* A refusal the rules predicted and the kernel did not give is a mismatch too. */
		mismatch =
			s->applied && !(s->has_alt && s->actual == s->alt) &&
			(pred_fail != (s->actual < 0) || (pred_fail && s->actual != s->predicted));
		if (mismatch) {
			c->mismatch = true;
			apm_buf_printf(&c->explanation,
				       "%s: the rules predicted %s, the kernel answered %s\n",
				       s->what,
				       pred_fail ? apm_errno_name(s->predicted) : "success",
				       s->actual < 0 ? apm_errno_name(s->actual) : "success");
		}
		if (s->actual < 0) {
			const char *h = apm_strerror(op, s->actual);

			/* A refusal the rules foresaw is already explained. */
			if (s->applied && (!pred_fail || mismatch))
				apm_buf_printf(&c->explanation, "%s: the kernel answered %s%s%s\n",
					       s->what, apm_errno_name(s->actual), h ? ": " : "",
					       h ? h : "");
			else if (!s->applied && !s->hold)
				apm_buf_printf(&c->explanation, "%s: not attempted: %s\n", s->what,
					       h ? h : apm_errno_name(s->actual));
			ap->rc = s->actual;
			return 0;
		}
	}
	return 0;
}

static bool written(const struct apm_change *c)
{
	for (unsigned int k = 0; k < c->nsteps; k++)
		if (c->steps[k].applied)
			return true;
	return false;
}

/* What the change does, for its audit line and its journal entry. */
static void change_what(const struct apm_change *c, struct apm_buf *b)
{
	for (unsigned int k = 0; k < c->nsteps; k++) {
		const struct step *s = &c->steps[k];

		int len = (int)strlen(s->what);

		while (len && s->what[len - 1] == ' ')
			len--;
		apm_buf_printf(b, "%s%.*s", k ? ", " : "", len, s->what);
		/* A mask's SPEC is what the operator wrote: it says more than the step. */
		if (c->planner->journal == APM_J_MASK)
			apm_buf_printf(b, " %s", s->value);
	}
	if (c->planner->journal == APM_J_MATRIX)
		apm_buf_printf(b, " (mdev %s)", c->uuid);
}

static enum apm_outcome outcome(const struct apm_change *c, int rc)
{
	if (!rc)
		return c->mismatch ? APM_OUT_MISMATCH : APM_OUT_DONE;
	for (unsigned int k = 0; k < c->nsteps; k++)
		if (c->steps[k].applied && c->steps[k].actual >= 0)
			return APM_OUT_PARTIAL;
	return APM_OUT_REFUSED;
}

/*
 * Under the backend's lock: what the change touches is read before the
 * first write and after the last (that read is the change's result), so
 * the record says exactly what this change did, whatever another process
 * did before or after it.
 */
static int apply_locked(void *data)
{
	struct apply *ap = data;
	struct apm_change *c = ap->c;
	struct apm_ctx *ctx = c->host->ctx;
	enum apm_jkind kind = c->planner->journal;
	struct apm_buf what = { 0 };
	struct apm_record rec;
	struct apm_host *h = NULL;

	change_what(c, &what);
	apm_record_begin(&rec, ctx, kind, what.s ? what.s : "");
	apm_buf_free(&what);
	rec.undoes = c->undoes;
	memcpy(rec.e.uuid, c->uuid, sizeof(rec.e.uuid));
	/* c->u is a union: only the member of this kind of change is set. */
	if (kind == APM_J_MASK)
		rec.e.aq = c->u.mask.aq;
	if (kind == APM_J_CONFIG || kind == APM_J_ONLINE) {
		rec.e.adapter = c->u.config.adapter;
		rec.e.domain = c->u.config.domain;
	}
	if (kind != APM_J_NONE) {
		if (apm_host_load(ctx, 0, &h))
			rec.e.kind = kind = APM_J_NONE; /* nothing to compare with: audited only */
		else
			apm_jstate_read(&rec.e, h, &rec.e.before);
		apm_host_unref(h);
	}
	do_steps(ap);
	apm_host_unref(c->result);
	c->result = NULL;
	if (apm_host_load(ctx, 0, &c->result))
		rec.e.kind = APM_J_NONE;
	else if (kind != APM_J_NONE)
		apm_jstate_read(&rec.e, c->result, &rec.e.after);
	if (written(c)) {
		c->seq = apm_record_end(&rec, outcome(c, ap->rc), ap->rc, &c->notes);
	} else {
		apm_jentry_clear(&rec.e); /* nothing was attempted: nothing to record */
	}
	return 0;
}

APM_EXPORT int apm_change_apply(struct apm_change *c)
{
	struct apm_ctx *ctx = c->host->ctx;
	struct apply ap = { .c = c };
	int rc;

	/*
	 * The backend's transaction serialises with every other writer (the AP
	 * configuration lock on a real host, the state file's lock on the
	 * simulated one).  Read-only mode writes nothing, not even a lock.
	 */
	c->seq = 0;
	if (ctx->read_only) {
		rc = do_steps(&ap);
		apm_host_unref(c->result);
		c->result = NULL;
		apm_host_load(ctx, 0, &c->result);
	} else {
		rc = apm_transaction(ctx, apply_locked, &ap);
	}
	if (rc && !ap.rc && written(c)) {
		/* The backend could not keep what the steps did (a full disk): none of it counts. */
		for (unsigned int k = 0; k < c->nsteps; k++)
			if (c->steps[k].applied && c->steps[k].actual >= 0)
				c->steps[k].actual = rc;
		apm_buf_printf(&c->explanation,
			       "nothing of this change was kept: the host could not save it (%s)\n",
			       apm_errno_name(rc));
		/* Nor is it a change to undo: the host is as it was. */
		if (c->seq)
			apm_journal_forget(ctx, c->seq);
		apm_host_unref(c->result);
		c->result = NULL;
		apm_host_load(ctx, 0, &c->result);
	} else if (rc && !ap.rc) {
		apm_buf_printf(&c->explanation, "nothing was written: %s%s\n", apm_errno_name(rc),
			       rc == -ETIMEDOUT ? " (the AP configuration lock stayed taken)" : "");
	}
	if (!c->result)
		apm_host_load(ctx, 0, &c->result); /* the lock was not taken: nothing was read */
	if (!rc)
		rc = ap.rc;
	if (c->result && !rc && c->planner->verify)
		c->planner->verify(c);
	return rc;
}

/* ------------------------------------------------------------- getters */

APM_EXPORT struct apm_change *apm_change_ref(struct apm_change *c)
{
	if (c)
		c->refcount++;
	return c;
}

APM_EXPORT struct apm_change *apm_change_unref(struct apm_change *c)
{
	if (!c || --c->refcount > 0)
		return c;
	apm_host_unref(c->host);
	apm_host_unref(c->result);
	sim_scratch_free(c->scratch);
	apm_buf_free(&c->preview);
	apm_buf_free(&c->explanation);
	apm_buf_free(&c->notes);
	apm_buf_free(&c->details);
	for (unsigned int i = 0; i < c->nsteps; i++)
		free(c->steps[i].value);
	free(c->steps);
	free(c);
	return NULL;
}

APM_EXPORT int apm_change_get_prediction(const struct apm_change *c)
{
	return c->prediction;
}

APM_EXPORT bool apm_change_get_mismatch(const struct apm_change *c)
{
	return c->mismatch;
}

APM_EXPORT const char *apm_change_get_explanation(const struct apm_change *c)
{
	return c->explanation.s ? c->explanation.s : "";
}

APM_EXPORT const char *apm_change_get_details(const struct apm_change *c)
{
	return c->details.s ? c->details.s : "";
}

APM_EXPORT const char *apm_change_get_preview(const struct apm_change *c)
{
	return c->preview.s ? c->preview.s : "";
}

APM_EXPORT const char *apm_change_get_notes(const struct apm_change *c)
{
	return c->notes.s ? c->notes.s : "";
}

APM_EXPORT const char *apm_change_get_uuid(const struct apm_change *c)
{
	return c->uuid[0] ? c->uuid : NULL;
}

APM_EXPORT struct apm_host *apm_change_get_result(const struct apm_change *c)
{
	return c->result;
}

APM_EXPORT unsigned int apm_change_get_step_count(const struct apm_change *c)
{
	return c->nsteps;
}

APM_EXPORT int apm_change_get_step(const struct apm_change *c, unsigned int i,
				   struct apm_step_info *info)
{
	if (i >= c->nsteps)
		return -EINVAL;
	info->what = c->steps[i].what;
	info->path = c->steps[i].path;
	info->value = c->steps[i].value;
	info->predicted = c->steps[i].predicted;
	info->actual = c->steps[i].actual;
	info->applied = c->steps[i].applied;
	return 0;
}
