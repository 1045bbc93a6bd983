// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * undo.c - struct apm_undo: the last change apmatrix applied to a host,
 * checked against the host as it is now, and its inverse (see the header
 * and journal.h).
 *
 * "The last change" is the newest entry the host's journal holds for this
 * host; the backend's lock ordered the entries, so with several processes
 * it is the one applied last, whoever applied it.  It can be undone while
 * the host still is as that change left it: what the entry recorded after
 * the change is what the host shows now.  Anything else changed it since,
 * and no other apmatrix change did (it would be newer): so the refusal
 * names what differs ("05.0047 was reassigned since, to mdev K"), never
 * reverts over somebody's work.  Applying reads the journal and the host
 * again under the lock and plans the inverse again: a preview the host has
 * overtaken is not applied.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "change.h"
#include "journal.h"
#include "persist.h"

struct apm_undo {
	int refcount;
	struct apm_host *host;
	struct apm_config *cfg; /* for a file's return; NULL until one is needed */
	struct apm_journal j;
	const struct apm_jentry *e; /* in j, or NULL */
	char *what, *origin;
	int prediction;
	struct apm_buf explanation, notes;
	struct apm_change *c;
	struct apm_persist *p;
};

/* ------------------------------------------------------- the host now */

static void ids(const struct apr_mask *m, char *out, size_t size)
{
	apm_ids_text(m, out, size);
}

/* Who holds adapter a x domain q on h now, as "mdev 8f2a7c10… (Guest3)", or "" . */
static void holder(const struct apm_host *h, unsigned int a, unsigned int q, char *out, size_t size)
{
	out[0] = '\0';
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (apr_mask_test(&h->mdevs[i].m.apm, a) && apr_mask_test(&h->mdevs[i].m.aqm, q)) {
			apm_mdev_label(h, (int)i, out, size);
			return;
		}
}

static const char *const set_names[] = { "adapter", "domain", "control domain" };

/* How an mdev's matrix moved since the change: what was added, what taken, and where it went. */
static void matrix_moved(const struct apm_jentry *e, const struct apm_jstate *now,
			 const struct apm_host *h, struct apm_buf *why)
{
	const struct apm_jstate *then = &e->after;
	unsigned int told = 0;
	char who[APM_MDEV_NAME_SIZE];

	/* APQNs the change left in the mdev that another mdev holds now: "reassigned". */
	for (unsigned int a = 0; a < APR_BITS && told < 4; a++) {
		if (!apr_mask_test(&then->m[0], a))
			continue;
		for (unsigned int q = 0; q < APR_BITS && told < 4; q++) {
			if (!apr_mask_test(&then->m[1], q) ||
			    (apr_mask_test(&now->m[0], a) && apr_mask_test(&now->m[1], q)))
				continue;
			holder(h, a, q, who, sizeof(who));
			if (!who[0])
				continue;
			apm_buf_printf(why, "%02x.%04x was reassigned since, to %s\n", a, q, who);
			told++;
		}
	}
	for (int k = 0; k < 3; k++)
		for (unsigned int id = 0; id < APR_BITS; id++)
			if (apr_mask_test(&then->m[k], id) != apr_mask_test(&now->m[k], id))
				apm_buf_printf(why, "%s 0x%02x was %s mdev %s since\n",
					       set_names[k], id,
					       apr_mask_test(&now->m[k], id) ? "assigned to"
									     : "taken from",
					       e->uuid);
}

static const char *state_word(enum apm_jkind kind, int v)
{
	if (kind == APM_J_CONFIG)
		return v == 1 ? "configured on" : v == 0 ? "configured off" : "not configurable";
	return v == 1 ? "online" : v == 0 ? "offline" : "not bound to zcrypt";
}

/*
 * Whether h (and the file) are as e left them: 0, or -ESTALE with what
 * differs in why; a created mdev a guest uses now is not removed either.
 */
static int check(const struct apm_jentry *e, struct apm_host *h, struct apm_buf *why)
{
	struct apm_jstate now = { 0 };
	char r[2][512];
	size_t len;
	int rc = 0;

	if (e->kind == APM_J_FILE) {
		int frc = apm_config_read_file(e->path, &now.content, &len);

		now.exists = !frc;
		if (frc && frc != -ENOENT) {
			apm_buf_printf(why, "%s cannot be read: %s\n", e->path, strerror(-frc));
			return -ESTALE;
		}
	} else {
		apm_jstate_read(e, h, &now);
	}
	if (apm_jstate_equal(e->kind, &now, &e->after)) {
		if (e->kind == APM_J_CREATE && now.in_use == 1) {
			apm_buf_printf(
				why,
				"mdev %s is in use by %s now: removing it would take every AP resource from a running guest; stop the guest first\n",
				e->uuid, now.guest[0] ? now.guest : "a guest");
			rc = -ESTALE;
		}
		apm_jstate_clear(&now);
		return rc;
	}
	switch (e->kind) {
	case APM_J_MASK:
		ids(&now.m[0], r[0], sizeof(r[0]));
		ids(&e->after.m[0], r[1], sizeof(r[1]));
		apm_buf_printf(
			why,
			"the %s was changed since: it gives the host %s %s now, the change left %s\n",
			e->aq ? "aqmask" : "apmask", e->aq ? "domains" : "adapters", r[0], r[1]);
		break;
	case APM_J_MATRIX:
	case APM_J_CREATE:
		if (!now.exists)
			apm_buf_printf(why, "mdev %s is gone: it was removed since\n", e->uuid);
		else
			matrix_moved(e, &now, h, why);
		break;
	case APM_J_REMOVE:
		apm_buf_printf(why, "mdev %s exists again: it was created since\n", e->uuid);
		break;
	case APM_J_CONFIG:
	case APM_J_ONLINE:
		if (e->domain >= 0)
			apm_buf_printf(why, "queue %02x.%04x is %s now, the change left it %s\n",
				       e->adapter, e->domain, state_word(e->kind, now.value),
				       state_word(e->kind, e->after.value));
		else
			apm_buf_printf(why, "%s 0x%02x is %s now, the change left it %s\n",
				       e->kind == APM_J_CONFIG ? "adapter" : "card", e->adapter,
				       state_word(e->kind, now.value),
				       state_word(e->kind, e->after.value));
		break;
	case APM_J_FILE:
		apm_buf_printf(why, "%s %s\n", e->path,
			       !now.exists ? "was removed since"
			       : !e->after.exists
				       ? "exists again: it was written since"
				       : "was changed since: it is not what the change wrote");
		break;
	case APM_J_NONE:
		break;
	}
	apm_jstate_clear(&now);
	return -ESTALE;
}

/* ------------------------------------------------------------ inverse */

/* What an undo cannot put back, said before it is done. */
static void lost_notes(const struct apm_jentry *e, struct apm_buf *notes)
{
	switch (e->kind) {
	case APM_J_REMOVE:
		if (e->before.in_use == 1)
			apm_buf_printf(
				notes,
				"cannot be undone: %s lost the mdev's AP resources when it was removed; the new mdev is not in any guest: attach it again (virsh attach-device) or restart the guest\n",
				e->before.guest[0] ? e->before.guest : "its guest");
		break;
	case APM_J_CONFIG:
	case APM_J_ONLINE:
		if (e->before.value == 1)
			apm_buf_printf(
				notes,
				"cannot be undone: the requests the %s had in flight when it went %s were ended then; configured or set online again it starts afresh\n",
				e->domain >= 0 ? "queue" : "adapter",
				e->kind == APM_J_CONFIG ? "off" : "offline");
		break;
	case APM_J_MASK:
		apm_buf_printf(
			notes,
			"note: the queues that change owner are reset and probed by their new driver, as at the change itself\n");
		break;
	default:
		break;
	}
}

static int plan_inverse(struct apm_undo *u, struct apm_host *h, struct apm_change **c,
			struct apm_persist **p)
{
	const struct apm_jentry *e = u->e;
	char hex[APR_MASK_STRLEN + 1];
	int rc;

	*c = NULL;
	*p = NULL;
	switch (e->kind) {
	case APM_J_MASK:
		apr_mask_format(&e->before.m[0], hex);
		rc = apm_change_new_mask(h, e->aq, hex, c);
		break;
	case APM_J_MATRIX:
		rc = apm_change_new_restore(h, e->uuid, e->before.m, false, c);
		break;
	case APM_J_CREATE:
		rc = apm_change_new_mdev_remove(h, e->uuid, c);
		break;
	case APM_J_REMOVE:
		rc = apm_change_new_restore(h, e->uuid, e->before.m, true, c);
		break;
	case APM_J_CONFIG:
		rc = apm_change_new_config(h, e->adapter, e->before.value == 1, c);
		break;
	case APM_J_ONLINE:
		rc = apm_change_new_online(h, e->adapter, e->domain, e->before.value == 1, c);
		break;
	case APM_J_FILE:
		if (!u->cfg) {
			rc = apm_config_new(h->ctx, NULL, &u->cfg);
			if (!rc)
				rc = apm_config_load(u->cfg);
			if (rc)
				return rc;
		}
		return apm_persist_new_restore(u->cfg, h, e, p);
	default:
		return -EINVAL;
	}
	if (!rc)
		(*c)->undoes = e->seq;
	return rc;
}

static int inverse_prediction(const struct apm_undo *u)
{
	return u->c ? apm_change_get_prediction(u->c) : apm_persist_get_prediction(u->p);
}

static void inverse_explanation(struct apm_undo *u)
{
	const char *x = u->c ? apm_change_get_explanation(u->c) : apm_persist_get_explanation(u->p);

	if (*x)
		apm_buf_printf(&u->explanation, "%s", x);
}

/* ------------------------------------------------------------- object */

static char *origin(const struct apm_jentry *e)
{
	char who[512], when[64];
	time_t t = (time_t)e->time;
	struct tm tm;
	char *s;

	apm_who_text(&e->who, who, sizeof(who));
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (asprintf(&s, "made by %s on %s, pid %d", who, when, e->who.pid) < 0)
		return NULL;
	return s;
}

APM_EXPORT int apm_undo_new(struct apm_host *host, struct apm_config *cfg, struct apm_undo **out)
{
	struct apm_undo *u = calloc(1, sizeof(*u));
	char *id;
	int rc;

	if (!u)
		return -ENOMEM;
	u->refcount = 1;
	u->host = apm_host_ref(host);
	u->cfg = apm_config_ref(cfg);
	u->prediction = apm_journal_read(host->ctx, &u->j, &u->explanation);
	if (u->prediction == -ENOMEM) {
		apm_undo_unref(u);
		return -ENOMEM;
	}
	if (u->explanation.len)
		apm_buf_printf(&u->explanation, "\n");
	id = apm_journal_host(host->ctx);
	if (!u->prediction && id)
		u->e = apm_journal_last(&u->j, id);
	if (!u->prediction && !u->e) {
		u->prediction = -ENOENT;
		apm_buf_printf(
			&u->explanation,
			"nothing to undo: the journal %s holds no change apmatrix made to %s (a real host's journal goes at reboot, as the changes it records do)\n",
			host->ctx->journal_path, id ? id : host->ctx->source);
	}
	free(id);
	if (u->e) {
		char how[96] = "";

		/* A change done in part is undone as far as it went: the entry has the host after it. */
		if (u->e->undid)
			snprintf(how, sizeof(how), " (the undo of change #%llu, done in part)",
				 u->e->undid);
		else if (u->e->partial)
			snprintf(how, sizeof(how), " (done in part: a step was refused)");
		if (asprintf(&u->what, "undo change #%llu%s: %s", u->e->seq, how, u->e->what) < 0)
			u->what = NULL;
		u->origin = origin(u->e);
		u->prediction = check(u->e, host, &u->explanation);
	}
	if (u->e && !u->prediction) {
		rc = plan_inverse(u, host, &u->c, &u->p);
		if (rc == -ENOMEM) {
			apm_undo_unref(u);
			return rc;
		}
		if (rc) {
			u->prediction = rc;
			apm_buf_printf(&u->explanation, "the way back cannot be planned: %s\n",
				       strerror(-rc));
		} else {
			u->prediction = inverse_prediction(u);
			inverse_explanation(u);
			lost_notes(u->e, &u->notes);
		}
	}
	*out = u;
	return 0;
}

APM_EXPORT struct apm_undo *apm_undo_ref(struct apm_undo *u)
{
	if (u)
		u->refcount++;
	return u;
}

APM_EXPORT struct apm_undo *apm_undo_unref(struct apm_undo *u)
{
	if (!u || --u->refcount > 0)
		return u;
	apm_change_unref(u->c);
	apm_persist_unref(u->p);
	apm_config_unref(u->cfg);
	apm_host_unref(u->host);
	apm_journal_free(&u->j);
	free(u->what);
	free(u->origin);
	apm_buf_free(&u->explanation);
	apm_buf_free(&u->notes);
	free(u);
	return NULL;
}

APM_EXPORT const char *apm_undo_get_what(const struct apm_undo *u)
{
	return u->what;
}

APM_EXPORT const char *apm_undo_get_origin(const struct apm_undo *u)
{
	return u->origin;
}

APM_EXPORT int apm_undo_get_prediction(const struct apm_undo *u)
{
	return u->prediction;
}

APM_EXPORT const char *apm_undo_get_explanation(const struct apm_undo *u)
{
	return u->explanation.s ? u->explanation.s : "";
}

APM_EXPORT const char *apm_undo_get_notes(const struct apm_undo *u)
{
	return u->notes.s ? u->notes.s : "";
}

APM_EXPORT struct apm_change *apm_undo_get_change(const struct apm_undo *u)
{
	return u->c;
}

APM_EXPORT struct apm_persist *apm_undo_get_persist(const struct apm_undo *u)
{
	return u->p;
}

/* -------------------------------------------------------------- apply */

/* Under the lock: still the newest, the host still as it left it, the same way back. */
static int undo_locked(void *data)
{
	struct apm_undo *u = data;
	struct apm_ctx *ctx = u->host->ctx;
	const struct apm_jentry *last;
	struct apm_journal j;
	struct apm_change *c;
	struct apm_persist *p;
	struct apm_host *h;
	char *id = apm_journal_host(ctx);
	int rc;

	rc = apm_journal_read(ctx, &j, &u->explanation);
	if (rc)
		apm_buf_printf(&u->explanation, "\n");
	last = !rc && id ? apm_journal_last(&j, id) : NULL;
	free(id);
	if (!rc && (!last || last->seq != u->e->seq)) {
		/* Newer than ours: a change came first; older or none: ours is gone, undone. */
		if (last && last->seq > u->e->seq)
			apm_buf_printf(
				&u->explanation,
				"another change came first: #%llu, %s; undo again to see what it would revert\n",
				last->seq, last->what);
		else
			apm_buf_printf(&u->explanation,
				       "change #%llu was undone meanwhile by another process\n",
				       u->e->seq);
		rc = -EAGAIN;
	}
	apm_journal_free(&j);
	if (rc)
		return rc;
	rc = apm_host_load(ctx, 0, &h);
	if (rc)
		return rc;
	rc = check(u->e, h, &u->explanation);
	if (!rc)
		rc = plan_inverse(u, h, &c, &p);
	apm_host_unref(h);
	if (rc)
		return rc;
	if ((c ? apm_change_get_prediction(c) : apm_persist_get_prediction(p)) != u->prediction) {
		apm_buf_printf(
			&u->explanation,
			"the host changed since the preview: the way back is another now; undo again to see it\n");
		apm_change_unref(c);
		apm_persist_unref(p);
		return -EAGAIN;
	}
	apm_change_unref(u->c);
	apm_persist_unref(u->p);
	u->c = c;
	u->p = p;
	/* The inverse's own apply nests in this lock; its record takes the entry out. */
	return c ? apm_change_apply(c) : apm_persist_apply(p);
}

APM_EXPORT int apm_undo_apply(struct apm_undo *u)
{
	int rc;

	if (u->prediction)
		return u->prediction;
	if (u->host->ctx->read_only) {
		apm_buf_printf(&u->explanation, "read-only mode: nothing is written\n");
		return -EROFS;
	}
	rc = apm_transaction(u->host->ctx, undo_locked, u);
	if (rc == -ETIMEDOUT)
		apm_buf_printf(&u->explanation,
			       "nothing was written: the AP configuration lock stayed taken\n");
	return rc;
}
