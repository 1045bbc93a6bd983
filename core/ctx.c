// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctx.c - the library context: which backend answers, logging, read-only
 * mode, events, and the thin seam helpers every other file uses (the one
 * way through the seam).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

/*
 * The default sink, until the caller installs its own.  Messages quote
 * files, sysfs text and operator input: escaped for the terminal here.
 */
static void log_stderr(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	char raw[1024], safe[4096];

	(void)data;
	(void)file;
	(void)line;
	(void)priority;
	(void)fn;
	vsnprintf(raw, sizeof(raw), format, args);
	apm_text_escape(raw, safe, sizeof(safe), APM_TEXT_KEEP_TAB);
	fprintf(stderr, "libapmatrix: %s\n", safe);
}

void apm_log(const struct apm_ctx *ctx, int priority, const char *file, int line, const char *fn,
	     const char *format, ...)
{
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, format);
	ctx->log_fn(ctx->log_data, priority, file, line, fn, format, ap);
	va_end(ap);
}

static int log_priority_from_env(void)
{
	const char *e = secure_getenv("APMATRIX_LOG");

	/* Warnings reach the caller's sink by default: "waiting for the lock" is one. */
	if (!e)
		return LOG_WARNING;
	if (!strcmp(e, "debug"))
		return LOG_DEBUG;
	if (!strcmp(e, "info"))
		return LOG_INFO;
	if (!strcmp(e, "warning"))
		return LOG_WARNING;
	return atoi(e) > 0 ? atoi(e) : LOG_ERR;
}

/* Where a host's changes are audited and journaled, unless the caller says otherwise. */
static int ctx_defaults(struct apm_ctx *ctx, const char *simfile)
{
	if (ctx->kind == APM_HOST_SYSFS) {
		ctx->syslog_path = strdup("/dev/log");
		/* /run is a tmpfs: the journal goes at reboot, as the changes it records do. */
		ctx->journal_path = strdup("/run/apmatrix/journal");
		return ctx->syslog_path && ctx->journal_path ? 0 : -ENOMEM;
	}
	if (simfile && asprintf(&ctx->journal_path, "%s.journal", simfile) < 0) {
		ctx->journal_path = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int ctx_alloc(enum apm_host_kind kind, const char *source, struct apm_ctx **out)
{
	struct apm_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->kind = kind;
	ctx->log_fn = log_stderr;
	ctx->log_priority = log_priority_from_env();
	ctx->source = strdup(source);
	ctx->proc_root = strdup("/proc");
	ctx->lock_path = strdup("/run/lock/s390apconfig.lock");
	ctx->lock_wait_ms = 90 * 1000; /* libap: 3000 retries, about 30 ms apart */
	if (!ctx->source || !ctx->proc_root || !ctx->lock_path) {
		apm_ctx_unref(ctx);
		return -ENOMEM;
	}
	*out = ctx;
	return 0;
}

APM_EXPORT int apm_ctx_new_sysfs(const char *root, struct apm_ctx **out)
{
	struct apm_ctx *ctx;
	int rc;

	if (!root)
		root = "/sys";
	rc = ctx_alloc(APM_HOST_SYSFS, root, &ctx);
	if (rc)
		return rc;
	rc = ctx_defaults(ctx, NULL);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
	ctx->ops = &apm_backend_fs_ops;
	rc = apm_backend_fs_new(ctx, root, ctx->proc_root, &ctx->be);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int apm_ctx_new_model(const struct apm_ctx *like, const struct apr_model *m, struct apm_ctx **out)
{
	struct apm_ctx *ctx;
	int rc;

	rc = ctx_alloc(APM_HOST_SIM, "(prediction)", &ctx);
	if (rc)
		return rc;
	/* No journal, no syslog, nothing written: it is only read. */
	ctx->read_only = true;
	ctx->log_fn = like->log_fn;
	ctx->log_data = like->log_data;
	ctx->log_priority = like->log_priority;
	ctx->ops = &apm_backend_sim_ops;
	rc = apm_backend_sim_new_model(ctx, m, &ctx->be);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

APM_EXPORT int apm_ctx_new_sim(const char *file, struct apm_ctx **out)
{
	struct apm_ctx *ctx;
	int rc;

	rc = ctx_alloc(APM_HOST_SIM, file ? file : "(built-in)", &ctx);
	if (rc)
		return rc;
	rc = ctx_defaults(ctx, file);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
	ctx->ops = &apm_backend_sim_ops;
	rc = apm_backend_sim_new(ctx, file, &ctx->be);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int apm_ctx_new_backend(enum apm_host_kind kind, const char *source,
			const struct apm_backend_ops *ops, void *be, struct apm_ctx **out)
{
	struct apm_ctx *ctx;
	int rc = ctx_alloc(kind, source, &ctx);

	if (rc)
		return rc;
	ctx->ops = ops;
	ctx->be = be;
	*out = ctx;
	return 0;
}

APM_EXPORT struct apm_ctx *apm_ctx_ref(struct apm_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

APM_EXPORT struct apm_ctx *apm_ctx_unref(struct apm_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	if (ctx->be)
		ctx->ops->destroy(ctx->be);
	free(ctx->source);
	free(ctx->proc_root);
	free(ctx->lock_path);
	free(ctx->syslog_path);
	free(ctx->journal_path);
	free(ctx);
	return NULL;
}

APM_EXPORT void apm_ctx_set_log_fn(struct apm_ctx *ctx, apm_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

APM_EXPORT void apm_ctx_set_log_priority(struct apm_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

APM_EXPORT int apm_ctx_get_log_priority(const struct apm_ctx *ctx)
{
	return ctx->log_priority;
}

APM_EXPORT enum apm_host_kind apm_ctx_get_kind(const struct apm_ctx *ctx)
{
	return ctx->kind;
}

APM_EXPORT const char *apm_ctx_get_source(const struct apm_ctx *ctx)
{
	return ctx->source;
}

static int replace_str(char **dst, const char *src)
{
	char *s = strdup(src);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

APM_EXPORT int apm_ctx_set_proc_root(struct apm_ctx *ctx, const char *dir)
{
	int rc = replace_str(&ctx->proc_root, dir);

	if (rc || ctx->kind != APM_HOST_SYSFS)
		return rc;
	/* The fs backend keeps its own copy of the root paths. */
	ctx->ops->destroy(ctx->be);
	ctx->be = NULL;
	return apm_backend_fs_new(ctx, ctx->source, ctx->proc_root, &ctx->be);
}

APM_EXPORT int apm_ctx_set_lock_path(struct apm_ctx *ctx, const char *path)
{
	return replace_str(&ctx->lock_path, path);
}

APM_EXPORT void apm_ctx_set_lock_wait(struct apm_ctx *ctx, unsigned int ms)
{
	ctx->lock_wait_ms = ms;
}

APM_EXPORT void apm_ctx_set_lock_parent(struct apm_ctx *ctx, bool parent)
{
	ctx->lock_parent = parent;
}

/* NULL or a copy of path. */
static int replace_opt(char **dst, const char *src)
{
	if (src)
		return replace_str(dst, src);
	free(*dst);
	*dst = NULL;
	return 0;
}

APM_EXPORT void apm_ctx_set_audit_fn(struct apm_ctx *ctx, apm_audit_fn fn, void *data)
{
	ctx->audit_fn = fn;
	ctx->audit_data = data;
}

APM_EXPORT int apm_ctx_set_syslog_path(struct apm_ctx *ctx, const char *path)
{
	return replace_opt(&ctx->syslog_path, path);
}

APM_EXPORT int apm_ctx_set_journal_path(struct apm_ctx *ctx, const char *path)
{
	return replace_opt(&ctx->journal_path, path);
}

APM_EXPORT const char *apm_ctx_get_journal_path(const struct apm_ctx *ctx)
{
	return ctx->journal_path;
}

APM_EXPORT void apm_ctx_set_read_only(struct apm_ctx *ctx, bool ro)
{
	ctx->read_only = ro;
}

APM_EXPORT bool apm_ctx_is_read_only(const struct apm_ctx *ctx)
{
	return ctx->read_only;
}

int apm_read(struct apm_ctx *ctx, const char *path, char *buf, size_t size)
{
	int rc = ctx->ops->read(ctx->be, path, buf, size);

	if (rc < 0) {
		buf[0] = '\0';
		/* Missing attributes are normal on older kernels (doc/kernel-abi.md). */
		dbg(ctx, "read %s: %s", path, strerror(-rc));
	}
	return rc;
}

int apm_readf(struct apm_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return apm_read(ctx, path, buf, size);
}

int apm_write(struct apm_ctx *ctx, const char *path, const char *buf, size_t len)
{
	int rc;

	if (ctx->read_only)
		return -EROFS;
	rc = ctx->ops->write(ctx->be, path, buf, len);
	dbg(ctx, "write %s <- '%.*s': %d", path, (int)len, buf, rc);
	return rc;
}

int apm_list(struct apm_ctx *ctx, const char *path, apm_list_fn fn, void *data)
{
	int rc = ctx->ops->list(ctx->be, path, fn, data);

	if (rc < 0)
		dbg(ctx, "list %s: %s", path, strerror(-rc));
	return rc;
}

int apm_readlink(struct apm_ctx *ctx, const char *path, char *buf, size_t size)
{
	return ctx->ops->readlink(ctx->be, path, buf, size);
}

bool apm_can_write(struct apm_ctx *ctx, const char *path)
{
	return ctx->ops->can_write(ctx->be, path) == 1;
}

int apm_vfio_holders(struct apm_ctx *ctx, struct apm_holder *holders, unsigned int n)
{
	return ctx->ops->vfio_holders(ctx->be, holders, n);
}

int apm_seam_watch(struct apm_ctx *ctx, const char *path, bool on)
{
	return ctx->ops->watch(ctx->be, path, on);
}

int apm_transaction(struct apm_ctx *ctx, int (*fn)(void *data), void *data)
{
	return ctx->ops->transaction(ctx->be, fn, data);
}

APM_EXPORT int apm_ctx_read_attr(struct apm_ctx *ctx, const char *path, char *buf, size_t size)
{
	return apm_read(ctx, path, buf, size);
}

APM_EXPORT int apm_ctx_write_attr(struct apm_ctx *ctx, const char *path, const char *buf,
				  size_t len)
{
	return apm_write(ctx, path, buf, len);
}

APM_EXPORT int apm_ctx_can_write(struct apm_ctx *ctx, const char *path)
{
	if (ctx->read_only)
		return 0;
	return apm_can_write(ctx, path);
}

APM_EXPORT int apm_ctx_get_event_fd(struct apm_ctx *ctx)
{
	return ctx->ops->event_fd(ctx->be);
}

int apm_read_event(struct apm_ctx *ctx, struct apm_event *ev)
{
	return ctx->ops->read_event(ctx->be, ev);
}

APM_EXPORT int apm_ctx_read_event(struct apm_ctx *ctx, struct apm_event **out)
{
	struct apm_event *ev = calloc(1, sizeof(*ev));
	int rc;

	if (!ev)
		return -ENOMEM;
	rc = apm_read_event(ctx, ev);
	if (rc) {
		free(ev);
		return rc;
	}
	ev->refcount = 1;
	*out = ev;
	return 0;
}

void apm_event_set(struct apm_event *ev, const char *action, const char *devpath,
		   const char *subsystem)
{
	snprintf(ev->action, sizeof(ev->action), "%s", action ? action : "");
	snprintf(ev->devpath, sizeof(ev->devpath), "%s", devpath ? devpath : "");
	snprintf(ev->subsystem, sizeof(ev->subsystem), "%s", subsystem ? subsystem : "");
	ev->nprops = 0;
}

bool apm_event_add(struct apm_event *ev, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);
	char *p;

	if (vlen && value[vlen - 1] == '\n')
		vlen--;
	if (!klen || strchr(key, '=') || ev->nprops >= ARRAY_SIZE(ev->props) ||
	    klen + 1 + vlen >= sizeof(ev->props[0]))
		return false;
	p = ev->props[ev->nprops++];
	memcpy(p, key, klen);
	p[klen] = '=';
	memcpy(p + klen + 1, value, vlen);
	p[klen + 1 + vlen] = '\0';
	return true;
}

APM_EXPORT struct apm_event *apm_event_unref(struct apm_event *ev)
{
	if (!ev || --ev->refcount > 0)
		return ev;
	free(ev);
	return NULL;
}

APM_EXPORT const char *apm_event_get_action(const struct apm_event *ev)
{
	return ev->action;
}

APM_EXPORT const char *apm_event_get_devpath(const struct apm_event *ev)
{
	return ev->devpath;
}

APM_EXPORT const char *apm_event_get_subsystem(const struct apm_event *ev)
{
	return ev->subsystem;
}

APM_EXPORT const char *apm_event_get_property(const struct apm_event *ev, const char *key)
{
	size_t k = strlen(key);

	for (unsigned int i = 0; i < ev->nprops; i++)
		if (!strncmp(ev->props[i], key, k) && ev->props[i][k] == '=')
			return ev->props[i] + k + 1;
	return NULL;
}

APM_EXPORT const char *apm_event_get_property_at(const struct apm_event *ev, unsigned int i)
{
	return i < ev->nprops ? ev->props[i] : NULL;
}
