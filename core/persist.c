// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * persist.c - struct apm_persist: writing an mdevctl definition or
 * chzdev's rule, or removing a definition, as a change like any other.
 *
 * Planned against a loaded configuration and host, with ap-check's and
 * chzdev's refusals (apcheck.c) decided before anything is written; then
 * applied under the backend's serialisation (the AP configuration lock
 * chzdev and ap-check take on a real host, the state file's lock on a
 * simulated one): the files are read and checked once more there, so a
 * definition another tool wrote in between is not overlooked, and the new
 * file is written beside the old one, fsync()ed and renamed over it.  A
 * reader never sees half a file; a crash leaves the old file or the new
 * one, and at worst a temporary file the next write removes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "persist.h"

enum persist_kind {
	P_DEFINE = 0,
	P_UNDEFINE,
	P_MASKS,
	P_RESTORE, /* a file put back as a journal entry says it was (undo.c) */
};

struct apm_persist {
	int refcount;
	struct apm_config *cfg;
	struct apm_host *host;
	enum persist_kind kind;
	char uuid[37];
	bool autostart;
	struct apr_mask sets[3]; /* P_DEFINE: adapters, domains, control domains */
	char *what, *path;
	struct apm_buf content;	   /* P_DEFINE, P_MASKS, P_RESTORE */
	bool rule;		   /* P_RESTORE: the file is 41-ap.rules, else a definition */
	bool remove;		   /* P_RESTORE: it did not exist: remove it */
	unsigned long long undoes; /* P_RESTORE: the journal entry it reverts */
	int prediction;
	struct apm_buf explanation, notes;
};

static int persist_alloc(struct apm_config *cfg, struct apm_host *host, enum persist_kind kind,
			 struct apm_persist **out)
{
	struct apm_persist *p;

	if (!cfg->loaded)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refcount = 1;
	p->cfg = apm_config_ref(cfg);
	p->host = apm_host_ref(host);
	p->kind = kind;
	*out = p;
	return 0;
}

/* Refusals that have nothing to do with the content. */
static int can_write(const struct apm_persist *p, struct apm_buf *why)
{
	if (!(p->kind == P_MASKS || (p->kind == P_RESTORE && p->rule) ? p->cfg->rule_path
								      : p->cfg->mdevctl_dir)) {
		apm_buf_printf(
			why,
			"the built-in simulated host keeps nothing between commands: a simulated host with a state file (--sim=FILE) keeps its configuration beside it\n");
		return -EOPNOTSUPP;
	}
	if (p->cfg->ctx->read_only) {
		apm_buf_printf(why, "read-only mode: nothing is written\n");
		return -EROFS;
	}
	return 0;
}

/* The definition a P_DEFINE would write, as the checks see it. */
static struct apm_check_def check_def(const struct apm_persist *p)
{
	return (struct apm_check_def){
		.uuid = p->uuid,
		.autostart = p->autostart,
		.apm = &p->sets[0],
		.aqm = &p->sets[1],
		.adm = &p->sets[2],
	};
}

/*
 * A file put back is checked as the tool that reads it would check it
 * now: another definition may have taken its APQNs since.  Removing one
 * again is always possible.
 */
static int check_restore(struct apm_persist *p, const struct apm_config *cfg, struct apm_buf *why)
{
	struct apm_check_def d = check_def(p);
	struct apm_buf err = { 0 }, notes = { 0 };
	struct apm_rule rule;
	struct apm_mask m[2];
	int rc;

	if (p->remove)
		return 0;
	if (!p->rule)
		return apm_check_definition(cfg, p->host, &d, why);
	rc = apm_rule_parse(p->content.s, p->content.len, p->path, &rule, &err, &notes);
	apm_buf_free(&notes);
	if (rc) {
		apm_buf_printf(why, "%s", err.s ? err.s : "the rule cannot be read\n");
		apm_buf_free(&err);
		return rc;
	}
	apm_buf_free(&err);
	/* A mask the rule does not set stays as it is at boot (libap: ap_read_udev_masks). */
	apm_host_get_apmask(p->host, &m[0]);
	apm_host_get_aqmask(p->host, &m[1]);
	return apm_check_masks(cfg, rule.has_apmask ? &rule.apmask : to_apr(&m[0]),
			       rule.has_aqmask ? &rule.aqmask : to_apr(&m[1]), why);
}

/* The checks, against cfg (the planning one, or a fresh one under the lock). */
static int check(struct apm_persist *p, const struct apm_config *cfg, struct apm_buf *why)
{
	struct apm_check_def d = check_def(p);
	struct apm_mask m[2];

	switch (p->kind) {
	case P_DEFINE:
		/* Overwriting a file nobody could read would lose what it held. */
		if (apm_config_def_broken(cfg, p->uuid)) {
			apm_buf_printf(
				why,
				"%s/%s cannot be read (see the errors): apmatrix does not overwrite it; fix it, or remove it with `apmatrix unpersist %s`\n",
				cfg->mdevctl_dir, p->uuid, p->uuid);
			return -EIO;
		}
		return apm_check_definition(cfg, p->host, &d, why);
	case P_UNDEFINE:
		if (!apm_config_def(cfg, p->uuid) && !apm_config_def_broken(cfg, p->uuid)) {
			apm_buf_printf(why, "mdev %s is not defined (no %s/%s)\n", p->uuid,
				       cfg->mdevctl_dir, p->uuid);
			return -ENOENT;
		}
		return 0;
	case P_MASKS:
		if (cfg->rule_broken) {
			apm_buf_printf(
				why,
				"%s cannot be read (see the errors): apmatrix does not overwrite it; fix or remove it first\n",
				cfg->rule_path);
			return -EIO;
		}
		if (cfg->rule.foreign_line) {
			apm_buf_printf(
				why,
				"%s:%u is not as chzdev writes the rule, and writing the masks replaces the whole file: edit it by hand, or remove it first\n",
				cfg->rule_path, cfg->rule.foreign_line);
			return -EEXIST;
		}
		apm_host_get_apmask(p->host, &m[0]);
		apm_host_get_aqmask(p->host, &m[1]);
		return apm_check_masks(cfg, to_apr(&m[0]), to_apr(&m[1]), why);
	case P_RESTORE:
		return check_restore(p, cfg, why);
	}
	return -EINVAL;
}

/* A constructor's last step: the new object to *out, or, on an errno, released. */
static int hand_out(struct apm_persist *p, int rc, struct apm_persist **out)
{
	if (rc) {
		apm_persist_unref(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int plan(struct apm_persist *p)
{
	int rc = can_write(p, &p->explanation), crc;

	crc = check(p, p->cfg, &p->explanation);
	p->prediction = rc ? rc : crc;
	return p->what && p->path ? 0 : -ENOMEM;
}

/* What libvirt's domains say about the mdev still holds after the write. */
static int note_finding(const struct apm_finding *f, void *data)
{
	struct apm_persist *p = data;

	if (!strcmp(f->uuid, p->uuid) &&
	    (f->code == APM_FINDING_GUEST_UNPLUGGED || f->code == APM_FINDING_GUEST_DETACHED))
		apm_buf_printf(&p->notes, "warning: %s\n", f->text);
	return 0;
}

static int define(struct apm_config *cfg, struct apm_host *host, const char *uuid,
		  enum apm_start start, const struct apr_mask sets[3], struct apm_persist **out)
{
	struct apm_persist *p;
	struct apm_def *old;
	int rc;

	if (!uuid || !apm_uuid_valid(uuid))
		return -EINVAL;
	rc = persist_alloc(cfg, host, P_DEFINE, &p);
	if (rc)
		return rc;
	for (int i = 0; i < 37; i++)
		p->uuid[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	old = apm_config_def(cfg, p->uuid);
	p->autostart = start == APM_START_AUTO ||
		       (start == APM_START_KEEP && old && old->autostart);
	memcpy(p->sets, sets, sizeof(p->sets));
	if (asprintf(&p->what, "%s mdev %s (%s)", old ? "redefine" : "define", p->uuid,
		     p->autostart ? "autostart" : "manual start") < 0)
		p->what = NULL;
	p->path = cfg->mdevctl_dir ? malloc(strlen(cfg->mdevctl_dir) + 38) : strdup("");
	if (p->path && cfg->mdevctl_dir)
		sprintf(p->path, "%s/%s", cfg->mdevctl_dir, p->uuid);
	rc = apm_mdevctl_format(p->autostart, &p->sets[0], &p->sets[1], &p->sets[2], &p->content);
	if (!rc)
		rc = plan(p);
	if (!rc && !p->prediction) {
		struct apm_check_def d = check_def(p);

		apm_check_definition_warnings(cfg, host, &d, &p->notes);
	}
	if (!rc)
		rc = apm_config_foreach_finding(cfg, host, note_finding, p);
	return hand_out(p, rc, out);
}

APM_EXPORT int apm_persist_new_mdev(struct apm_config *cfg, struct apm_host *host, const char *uuid,
				    enum apm_start start, struct apm_persist **p)
{
	struct apm_mdev *md = uuid ? apm_host_find_mdev(host, uuid) : NULL;
	struct apr_mask sets[3];
	struct apm_mask m;

	if (!md || strcasecmp(apm_mdev_get_uuid(md), uuid))
		return -ENODEV;
	for (int k = 0; k < 3; k++) {
		apm_mdev_get_mask(md, (enum apm_kind)k, &m);
		sets[k] = *to_apr(&m);
	}
	return define(cfg, host, apm_mdev_get_uuid(md), start, sets, p);
}

APM_EXPORT int apm_persist_new_define(struct apm_config *cfg, struct apm_host *host,
				      const char *uuid, enum apm_start start,
				      const struct apm_mask *sets, struct apm_persist **p)
{
	struct apr_mask s[3];

	memset(s, 0, sizeof(s));
	if (sets)
		memcpy(s, sets, sizeof(s));
	return define(cfg, host, uuid, start, s, p);
}

APM_EXPORT int apm_persist_new_undefine(struct apm_config *cfg, const char *uuid,
					struct apm_persist **out)
{
	struct apm_persist *p;
	int rc;

	if (!uuid || !apm_uuid_valid(uuid))
		return -EINVAL;
	if (!apm_config_def(cfg, uuid) && !apm_config_def_broken(cfg, uuid))
		return -ENOENT;
	rc = persist_alloc(cfg, NULL, P_UNDEFINE, &p);
	if (rc)
		return rc;
	for (int i = 0; i < 37; i++)
		p->uuid[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	if (asprintf(&p->what, "remove the definition of mdev %s", p->uuid) < 0)
		p->what = NULL;
	if (asprintf(&p->path, "%s/%s", cfg->mdevctl_dir, p->uuid) < 0)
		p->path = NULL;
	return hand_out(p, plan(p), out);
}

APM_EXPORT int apm_persist_new_masks(struct apm_config *cfg, struct apm_host *host,
				     struct apm_persist **out)
{
	struct apm_persist *p;
	struct apm_mask m[2];
	int rc = persist_alloc(cfg, host, P_MASKS, &p);

	if (rc)
		return rc;
	apm_host_get_apmask(host, &m[0]);
	apm_host_get_aqmask(host, &m[1]);
	p->what = strdup("write the active apmask and aqmask as the persistent masks");
	p->path = strdup(cfg->rule_path ? cfg->rule_path : "");
	rc = apm_rule_format(to_apr(&m[0]), to_apr(&m[1]), &p->content);
	if (!rc)
		rc = plan(p);
	return hand_out(p, rc, out);
}

int apm_persist_new_restore(struct apm_config *cfg, struct apm_host *host,
			    const struct apm_jentry *e, struct apm_persist **out)
{
	struct apm_persist *p;
	int rc = persist_alloc(cfg, host, P_RESTORE, &p);

	if (rc)
		return rc;
	p->rule = e->rule;
	p->remove = !e->before.exists;
	p->undoes = e->seq;
	memcpy(p->uuid, e->uuid, sizeof(p->uuid));
	p->path = strdup(e->path);
	if (!p->remove)
		apm_buf_printf(&p->content, "%s", e->before.content ? e->before.content : "");
	if (p->rule)
		p->what = strdup(p->remove ? "remove the persistent masks' rule again"
					   : "write the persistent masks' rule back as it was");
	else if (asprintf(&p->what, "%s mdev %s",
			  p->remove ? "remove again the definition of"
				    : "write back as it was the definition of",
			  p->uuid) < 0)
		p->what = NULL;
	/* What is put back is checked as what is written anew. */
	if (!p->remove && !p->rule) {
		struct apm_def def = { 0 };
		struct apm_buf err = { 0 };

		rc = apm_mdevctl_parse(p->content.s, p->content.len, p->path, &def, &err);
		p->autostart = def.autostart;
		p->sets[0] = def.apm;
		p->sets[1] = def.aqm;
		p->sets[2] = def.adm;
		apm_def_clear(&def);
		/*
		 * unpersist removes a definition nobody could read: putting it
		 * back is a refusal that says what was wrong with it, not a bare
		 * errno (define() would not write such a file either).
		 */
		if (rc == -EINVAL) {
			apm_buf_printf(
				&p->explanation,
				"the definition as it was cannot be read, so it is not written back:\n%s",
				err.s ? err.s : "\n");
			p->prediction = rc;
			rc = 0;
		}
		apm_buf_free(&err);
		if (p->prediction)
			return hand_out(p, p->what && p->path ? 0 : -ENOMEM, out);
	}
	if (!rc)
		rc = plan(p);
	return hand_out(p, rc, out);
}

APM_EXPORT struct apm_persist *apm_persist_ref(struct apm_persist *p)
{
	if (p)
		p->refcount++;
	return p;
}

APM_EXPORT struct apm_persist *apm_persist_unref(struct apm_persist *p)
{
	if (!p || --p->refcount > 0)
		return NULL;
	apm_config_unref(p->cfg);
	apm_host_unref(p->host);
	free(p->what);
	free(p->path);
	apm_buf_free(&p->content);
	apm_buf_free(&p->explanation);
	apm_buf_free(&p->notes);
	free(p);
	return NULL;
}

APM_EXPORT const char *apm_persist_get_what(const struct apm_persist *p)
{
	return p->what;
}

APM_EXPORT const char *apm_persist_get_path(const struct apm_persist *p)
{
	return p->path;
}

APM_EXPORT const char *apm_persist_get_content(const struct apm_persist *p)
{
	return p->kind == P_UNDEFINE || p->remove ? NULL : p->content.s ? p->content.s : "";
}

APM_EXPORT int apm_persist_get_prediction(const struct apm_persist *p)
{
	return p->prediction;
}

APM_EXPORT const char *apm_persist_get_explanation(const struct apm_persist *p)
{
	return p->explanation.s ? p->explanation.s : "";
}

APM_EXPORT const char *apm_persist_get_notes(const struct apm_persist *p)
{
	return p->notes.s ? p->notes.s : "";
}

/* Bigger files are written, audited, but not kept in the journal for undo. */
#define JOURNAL_FILE_MAX (64 * 1024)

/* The file as it is now, for the record; one that cannot be read is audited only. */
static void file_state(const char *path, struct apm_jstate *s, struct apm_record *rec)
{
	size_t len;
	int rc = apm_config_read_file(path, &s->content, &len);

	s->exists = !rc;
	if (rc == -ENOENT)
		return;
	if (rc || len > JOURNAL_FILE_MAX)
		rec->e.kind = APM_J_NONE;
}

static void record_begin(struct apm_persist *p, struct apm_record *rec)
{
	apm_record_begin(rec, p->cfg->ctx, APM_J_FILE, p->what);
	rec->undoes = p->undoes;
	rec->e.path = strdup(p->path);
	rec->e.rule = p->kind == P_MASKS || (p->kind == P_RESTORE && p->rule);
	memcpy(rec->e.uuid, p->uuid, sizeof(rec->e.uuid));
	if (!rec->e.path)
		rec->e.kind = APM_J_NONE;
	else
		file_state(p->path, &rec->e.before, rec);
}

/* Under the backend's lock: read everything again, check again, write. */
static int apply_locked(void *data)
{
	struct apm_persist *p = data;
	struct apm_record rec;
	struct apm_config *fresh;
	struct apm_buf why = { 0 };
	int rc;

	rc = apm_config_new(p->cfg->ctx, p->cfg->root, &fresh);
	if (rc)
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(p->cfg->dirs) && !rc; i++)
		if (p->cfg->dirs[i])
			rc = apm_config_set_dir(fresh, (enum apm_config_dir)i, p->cfg->dirs[i]);
	if (!rc)
		rc = apm_config_load(fresh);
	if (!rc) {
		rc = check(p, fresh, &why);
		if (rc) {
			apm_buf_printf(&p->explanation,
				       "the configuration changed since it was read: %s",
				       why.s ? why.s : "\n");
		}
	}
	apm_buf_free(&why);
	apm_config_unref(fresh);
	if (rc)
		return rc;
	record_begin(p, &rec);
	if (p->kind == P_UNDEFINE || p->remove)
		rc = apm_file_remove(p->path);
	else
		rc = apm_file_write_atomic(p->path, p->content.s, p->content.len, 0644);
	if (rc)
		apm_buf_printf(&p->explanation, "%s: %s %s\n", p->path,
			       p->kind == P_UNDEFINE || p->remove ? "cannot remove it:"
								  : "cannot write it:",
			       rc == -EISDIR
				       ? "it is not a regular file (a symbolic link or a directory)"
				       : strerror(-rc));
	if (rec.e.kind == APM_J_FILE)
		file_state(p->path, &rec.e.after, &rec);
	apm_record_end(&rec, rc ? APM_OUT_REFUSED : APM_OUT_DONE, rc, &p->notes);
	return rc;
}

APM_EXPORT int apm_persist_apply(struct apm_persist *p)
{
	struct apm_ctx *ctx = p->cfg->ctx;
	int rc;

	if (p->prediction)
		return p->prediction;
	/* Read-only may have been set since the plan was made. */
	rc = can_write(p, &p->explanation);
	if (rc)
		return rc;
	rc = apm_transaction(ctx, apply_locked, p);
	if (rc == -ETIMEDOUT)
		apm_buf_printf(&p->explanation,
			       "nothing was written: the AP configuration lock stayed taken\n");
	if (!rc)
		rc = apm_config_load(p->cfg);
	return rc;
}
