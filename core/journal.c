// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * journal.c - the journal undo reads: the changes apmatrix applied to a
 * host, newest last, as one JSON file (see journal.h for what an entry
 * holds).
 *
 * Where: /run/apmatrix/journal for a real host (a tmpfs, so the journal
 * goes at reboot, as the active state it records does), FILE.journal for a
 * simulated host kept in FILE, none for the built-in one; entries name the
 * host they were made on, so several sysfs roots can share the file.
 *
 * It is read and written only while the backend's lock is held (the AP
 * configuration lock, the state file's lock): the lock orders the changes,
 * and "the last change" is the newest entry of the host, whichever process
 * made it.  It is replaced as a whole (apm_file_write_atomic: a temporary
 * file, fsync, rename), mode 0600 in a directory made 0700.  Since undo
 * writes what the journal says, a journal is trusted only when it is a
 * regular file of our own user with one link, written by nobody else, in a
 * directory nobody else may rename files in (sticky, or not writable by
 * others): a file another user planted in /tmp is refused, never obeyed,
 * and nothing is ever opened through a symbolic link.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "persist.h"

#define JOURNAL_VERSION 1
#define JOURNAL_DEPTH	8

static const char *const kind_names[] = {
	[APM_J_NONE] = "none",	   [APM_J_MASK] = "mask",     [APM_J_MATRIX] = "matrix",
	[APM_J_CREATE] = "create", [APM_J_REMOVE] = "remove", [APM_J_CONFIG] = "config",
	[APM_J_ONLINE] = "online", [APM_J_FILE] = "file",
};

/* -------------------------------------------------------------- write */

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *state_json(const struct apm_jstate *s)
{
	json_object *o = json_object_new_object(), *m = json_object_new_array();
	char hex[APR_MASK_STRLEN + 1];

	for (int k = 0; k < 3; k++) {
		apr_mask_format(&s->m[k], hex);
		json_object_array_add(m, json_object_new_string(hex));
	}
	json_object_object_add(o, "exists", json_object_new_boolean(s->exists));
	json_object_object_add(o, "masks", m);
	json_object_object_add(o, "value", json_object_new_int(s->value));
	json_object_object_add(o, "in_use", json_object_new_int(s->in_use));
	json_object_object_add(o, "guest", json_object_new_string(s->guest));
	json_object_object_add(o, "content", str_or_null(s->exists ? s->content : NULL));
	return o;
}

static json_object *entry_json(const struct apm_jentry *e)
{
	json_object *o = json_object_new_object(), *w = json_object_new_object();

	json_object_object_add(w, "uid", json_object_new_int64(e->who.uid));
	json_object_object_add(w, "euid", json_object_new_int64(e->who.euid));
	json_object_object_add(w, "pid", json_object_new_int(e->who.pid));
	json_object_object_add(w, "user", json_object_new_string(e->who.user));
	json_object_object_add(w, "login", json_object_new_string(e->who.login));
	json_object_object_add(w, "sudo", json_object_new_string(e->who.sudo));
	json_object_object_add(w, "tty", json_object_new_string(e->who.tty));
	json_object_object_add(w, "ssh", json_object_new_string(e->who.ssh));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)e->seq));
	json_object_object_add(o, "time", json_object_new_int64(e->time));
	json_object_object_add(o, "host", json_object_new_string(e->host ? e->host : ""));
	json_object_object_add(o, "who", w);
	json_object_object_add(o, "kind", json_object_new_string(kind_names[e->kind]));
	json_object_object_add(o, "what", json_object_new_string(e->what ? e->what : ""));
	json_object_object_add(o, "uuid", json_object_new_string(e->uuid));
	json_object_object_add(o, "aqmask", json_object_new_boolean(e->aq));
	json_object_object_add(o, "adapter", json_object_new_int((int)e->adapter));
	json_object_object_add(o, "domain", json_object_new_int(e->domain));
	json_object_object_add(o, "path", str_or_null(e->path));
	json_object_object_add(o, "rule", json_object_new_boolean(e->rule));
	json_object_object_add(o, "partial", json_object_new_boolean(e->partial));
	json_object_object_add(o, "undid", json_object_new_int64((int64_t)e->undid));
	json_object_object_add(o, "before", state_json(&e->before));
	json_object_object_add(o, "after", state_json(&e->after));
	return o;
}

int apm_journal_write(struct apm_ctx *ctx, const struct apm_journal *j, struct apm_buf *why)
{
	json_object *root = json_object_new_object(), *a = json_object_new_array();
	const char *text;
	int rc;

	if (!ctx->journal_path)
		return -EOPNOTSUPP;
	json_object_object_add(root, "apmatrix-journal", json_object_new_int(JOURNAL_VERSION));
	json_object_object_add(root, "next", json_object_new_int64((int64_t)j->next));
	for (unsigned int i = 0; i < j->n; i++)
		json_object_array_add(a, entry_json(&j->e[i]));
	json_object_object_add(root, "entries", a);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	/* 0700 for what it makes: the journal is nobody else's business. */
	rc = text ? apm_file_make_parents(ctx->journal_path, 0700) : -ENOMEM;
	if (!rc)
		rc = apm_file_write_atomic(ctx->journal_path, text, strlen(text), 0600);
	if (rc && why)
		apm_buf_printf(why, "%s: cannot write it: %s", ctx->journal_path,
			       rc == -EISDIR ? "it is not a regular file" : strerror(-rc));
	json_object_put(root);
	return rc;
}

/* --------------------------------------------------------------- read */

static int bad(struct apm_buf *why, const char *path, const char *what)
{
	if (why)
		apm_buf_printf(why, "%s is malformed (%s): remove it to start a new journal", path,
			       what);
	return -EINVAL;
}

static json_object *member(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	if (type == json_type_null)
		return v;
	return json_object_is_type(v, type) ? v : NULL;
}

/* A string member copied into out (size bytes); false when missing or too long. */
static bool get_str(json_object *o, const char *key, char *out, size_t size)
{
	json_object *v = member(o, key, json_type_string);

	if (!v || (size_t)json_object_get_string_len(v) >= size)
		return false;
	memcpy(out, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
	return true;
}

/* A string or null member, duplicated (NULL for null); false when neither or no memory. */
static bool get_dup(json_object *o, const char *key, char **out)
{
	json_object *v = member(o, key, json_type_null);

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return false;
	if (json_object_is_type(v, json_type_null))
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	*out = strdup(json_object_get_string(v));
	return *out != NULL;
}

static bool get_int(json_object *o, const char *key, long long lo, long long hi, long long *out)
{
	json_object *v = member(o, key, json_type_int);

	if (!v)
		return false;
	*out = json_object_get_int64(v);
	return *out >= lo && *out <= hi;
}

static bool get_bool(json_object *o, const char *key, bool *out)
{
	json_object *v = member(o, key, json_type_boolean);

	if (!v)
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

static bool state_parse(json_object *o, struct apm_jstate *s)
{
	json_object *m = member(o, "masks", json_type_array);
	long long v;

	if (!o || !m || json_object_array_length(m) != 3 || !get_bool(o, "exists", &s->exists) ||
	    !get_str(o, "guest", s->guest, sizeof(s->guest)) || !get_dup(o, "content", &s->content))
		return false;
	for (int k = 0; k < 3; k++) {
		json_object *h = json_object_array_get_idx(m, (size_t)k);
		const char *end;

		if (!json_object_is_type(h, json_type_string) ||
		    apr_mask_parse_absolute(json_object_get_string(h), &end, &s->m[k]) || *end)
			return false;
	}
	if (!get_int(o, "value", -1, 1, &v))
		return false;
	s->value = (int)v;
	if (!get_int(o, "in_use", -1, 1, &v))
		return false;
	s->in_use = (int)v;
	return true;
}

static bool who_parse(json_object *o, struct apm_who *w)
{
	long long v;

	if (!o || !get_int(o, "uid", 0, 4294967295LL, &v))
		return false;
	w->uid = (unsigned int)v;
	if (!get_int(o, "euid", 0, 4294967295LL, &v))
		return false;
	w->euid = (unsigned int)v;
	if (!get_int(o, "pid", 0, 0x7fffffff, &v))
		return false;
	w->pid = (int)v;
	return get_str(o, "user", w->user, sizeof(w->user)) &&
	       get_str(o, "login", w->login, sizeof(w->login)) &&
	       get_str(o, "sudo", w->sudo, sizeof(w->sudo)) &&
	       get_str(o, "tty", w->tty, sizeof(w->tty)) &&
	       get_str(o, "ssh", w->ssh, sizeof(w->ssh));
}

static bool entry_parse(json_object *o, struct apm_jentry *e)
{
	char kind[16];
	long long v;

	memset(e, 0, sizeof(*e));
	if (!get_int(o, "seq", 1, INT64_MAX, &v))
		return false;
	e->seq = (unsigned long long)v;
	if (!get_int(o, "time", 0, INT64_MAX, &e->time) || !get_dup(o, "host", &e->host) ||
	    !e->host || !who_parse(member(o, "who", json_type_object), &e->who) ||
	    !get_str(o, "kind", kind, sizeof(kind)) || !get_dup(o, "what", &e->what) || !e->what ||
	    !get_str(o, "uuid", e->uuid, sizeof(e->uuid)) || !get_bool(o, "aqmask", &e->aq) ||
	    !get_dup(o, "path", &e->path) || !get_bool(o, "rule", &e->rule))
		return false;
	e->kind = APM_J_NONE;
	for (size_t k = 1; k < ARRAY_SIZE(kind_names); k++)
		if (!strcmp(kind, kind_names[k]))
			e->kind = (enum apm_jkind)k;
	if (e->kind == APM_J_NONE || !get_int(o, "adapter", 0, 255, &v))
		return false;
	e->adapter = (unsigned int)v;
	if (!get_int(o, "domain", -1, 255, &v))
		return false;
	e->domain = (int)v;
	if ((e->kind == APM_J_FILE) != (e->path != NULL))
		return false;
	/* How the change ended: absent in an entry written before they were kept. */
	if (member(o, "partial", json_type_null) && !get_bool(o, "partial", &e->partial))
		return false;
	if (member(o, "undid", json_type_null)) {
		if (!get_int(o, "undid", 0, (long long)e->seq - 1, &v))
			return false;
		e->undid = (unsigned long long)v;
	}
	if (e->kind >= APM_J_MATRIX && e->kind <= APM_J_REMOVE && !apm_uuid_valid(e->uuid))
		return false;
	return state_parse(member(o, "before", json_type_object), &e->before) &&
	       state_parse(member(o, "after", json_type_object), &e->after);
}

/* Whether the file and its directory are ours alone (see the top of this file). */
static int trusted(const char *path, const struct stat *st, struct apm_buf *why)
{
	char *dir = strdup(path), *slash;
	struct stat ds;
	int rc = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (st->st_uid != geteuid() || (st->st_mode & 022) || st->st_nlink != 1) {
		if (why)
			apm_buf_printf(
				why,
				"%s is not to be trusted (%s): undo does what a journal says, so it uses only one of its own user's, writable by nobody else; remove it",
				path,
				st->st_uid != geteuid() ? "another user owns it"
				: (st->st_mode & 022)	? "others may write it"
							: "it has several links");
		rc = -EPERM;
	} else if (lstat(slash ? dir : ".", &ds) || !S_ISDIR(ds.st_mode) ||
		   ((ds.st_mode & 002) && !(ds.st_mode & S_ISVTX)) ||
		   ((ds.st_mode & 020) && ds.st_uid != geteuid())) {
		if (why)
			apm_buf_printf(
				why,
				"%s is not to be trusted: its directory lets others replace it (writable and not sticky)",
				path);
		rc = -EPERM;
	}
	free(dir);
	return rc;
}

static int parse(const char *path, const char *text, size_t len, struct apm_journal *j,
		 struct apm_buf *why)
{
	struct json_tokener *tok = json_tokener_new_ex(JOURNAL_DEPTH);
	json_object *root, *entries;
	long long v;
	int rc = 0;

	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_parse_end(tok) != len) {
		json_tokener_free(tok);
		json_object_put(root);
		return bad(why, path, "not JSON");
	}
	json_tokener_free(tok);
	entries = member(root, "entries", json_type_array);
	if (!get_int(root, "apmatrix-journal", JOURNAL_VERSION, JOURNAL_VERSION, &v) || !entries ||
	    !get_int(root, "next", 1, INT64_MAX, &v) ||
	    json_object_array_length(entries) > APM_JOURNAL_MAX) {
		json_object_put(root);
		return bad(why, path, "not a journal of this version");
	}
	j->next = (unsigned long long)v;
	j->e = calloc(APM_JOURNAL_MAX + 1, sizeof(*j->e));
	if (!j->e) {
		json_object_put(root);
		return -ENOMEM;
	}
	for (size_t i = 0; i < json_object_array_length(entries) && !rc; i++) {
		struct apm_jentry *e = &j->e[j->n];

		if (!entry_parse(json_object_array_get_idx(entries, i), e) || e->seq >= j->next ||
		    (j->n && e->seq <= j->e[j->n - 1].seq)) {
			apm_jentry_clear(e);
			rc = bad(why, path, "an entry is not as apmatrix writes it");
		} else {
			j->n++;
		}
	}
	json_object_put(root);
	if (rc)
		apm_journal_free(j);
	return rc;
}

int apm_journal_read(struct apm_ctx *ctx, struct apm_journal *j, struct apm_buf *why)
{
	const char *path = ctx->journal_path;
	struct stat st;
	size_t len;
	char *text;
	int rc;

	memset(j, 0, sizeof(*j));
	j->next = 1;
	if (!path) {
		if (why)
			apm_buf_printf(
				why,
				"the built-in simulated host keeps nothing between commands, so it has no journal: a simulated host kept in a file (--sim=FILE) has one");
		return -EOPNOTSUPP;
	}
	rc = apm_file_read_stat(path, &text, &len, &st);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		if (why)
			apm_buf_printf(why, "%s: cannot read it: %s", path,
				       rc == -ELOOP || rc == -EINVAL ? "it is not a regular file"
								     : strerror(-rc));
		return rc == -ELOOP || rc == -EINVAL ? -EPERM : rc;
	}
	rc = trusted(path, &st, why);
	if (!rc)
		rc = parse(path, text, len, j, why);
	free(text);
	return rc;
}

void apm_journal_free(struct apm_journal *j)
{
	for (unsigned int i = 0; i < j->n; i++)
		apm_jentry_clear(&j->e[i]);
	free(j->e);
	memset(j, 0, sizeof(*j));
}

char *apm_journal_host(const struct apm_ctx *ctx)
{
	char *real = realpath(ctx->source, NULL);

	return real ? real : strdup(ctx->source);
}

const struct apm_jentry *apm_journal_last(const struct apm_journal *j, const char *host)
{
	for (unsigned int i = j->n; i-- > 0;)
		if (!strcmp(j->e[i].host, host))
			return &j->e[i];
	return NULL;
}

int apm_journal_append(struct apm_journal *j, struct apm_jentry *e)
{
	if (!j->e) {
		j->e = calloc(APM_JOURNAL_MAX + 1, sizeof(*j->e));
		if (!j->e)
			return -ENOMEM;
	}
	if (j->n == APM_JOURNAL_MAX) {
		apm_jentry_clear(&j->e[0]);
		memmove(&j->e[0], &j->e[1], (j->n - 1) * sizeof(*j->e));
		j->n--;
	}
	/* Taken over: e's strings now belong to the journal. */
	j->e[j->n] = *e;
	j->e[j->n].seq = j->next++;
	j->n++;
	memset(e, 0, sizeof(*e));
	return 0;
}

int apm_journal_drop(struct apm_journal *j, unsigned long long seq)
{
	for (unsigned int i = 0; i < j->n; i++) {
		if (j->e[i].seq != seq)
			continue;
		apm_jentry_clear(&j->e[i]);
		memmove(&j->e[i], &j->e[i + 1], (j->n - i - 1) * sizeof(*j->e));
		j->n--;
		return 0;
	}
	return -ENOENT;
}

struct forget {
	struct apm_ctx *ctx;
	unsigned long long seq;
};

static int forget_locked(void *data)
{
	struct forget *f = data;
	struct apm_journal j;
	int rc = apm_journal_read(f->ctx, &j, NULL);

	if (!rc && !apm_journal_drop(&j, f->seq))
		rc = apm_journal_write(f->ctx, &j, NULL);
	apm_journal_free(&j);
	return rc;
}

void apm_journal_forget(struct apm_ctx *ctx, unsigned long long seq)
{
	struct forget f = { ctx, seq };

	if (apm_transaction(ctx, forget_locked, &f))
		warn(ctx, "%s: change #%llu was not kept by the host, but stays in the journal",
		     ctx->journal_path, seq);
}
