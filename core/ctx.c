// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctx.c - the library context: which backend answers, logging, read-only
 * mode, and the thin seam helpers every other file uses.  Also the small
 * shared helpers (masks for the public API, errno names, UUIDs, strings).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apm-private.h"

static void log_stderr(void *data, int priority, const char *file, int line, const char *fn,
		       const char *format, va_list args)
{
	(void)data;
	(void)file;
	(void)line;
	(void)priority;
	(void)fn;
	fprintf(stderr, "libapmatrix: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
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
	ctx->ops = &apm_backend_fs_ops;
	rc = apm_backend_fs_new(ctx, root, ctx->proc_root, &ctx->be);
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
	ctx->ops = &apm_backend_sim_ops;
	rc = apm_backend_sim_new(ctx, file, &ctx->be);
	if (rc) {
		apm_ctx_unref(ctx);
		return rc;
	}
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

int apm_vfio_holder(struct apm_ctx *ctx, int group, char *name, size_t size)
{
	return ctx->ops->vfio_holder(ctx->be, group, name, size);
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

APM_EXPORT int apm_ctx_read_event(struct apm_ctx *ctx, struct apm_event **out)
{
	struct apm_event *ev = calloc(1, sizeof(*ev));
	int rc;

	if (!ev)
		return -ENOMEM;
	rc = ctx->ops->read_event(ctx->be, ev);
	if (rc) {
		free(ev);
		return rc;
	}
	ev->refcount = 1;
	*out = ev;
	return 0;
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

/* ------------------------------------------------------------- helpers */

APM_EXPORT bool apm_mask_test(const struct apm_mask *m, unsigned int bit)
{
	return apr_mask_test(to_apr(m), bit);
}

APM_EXPORT void apm_mask_format(const struct apm_mask *m, char *buf)
{
	apr_mask_format(to_apr(m), buf);
}

APM_EXPORT int apm_mask_parse(const char *spec, const struct apm_mask *cur, struct apm_mask *out)
{
	return apr_mask_parse(spec, to_apr(cur), (struct apr_mask *)out);
}

APM_EXPORT int apm_mask_format_ranges(const struct apm_mask *m, char *buf, size_t size)
{
	const struct apr_mask *r = to_apr(m);
	size_t at = 0;
	int n;

	buf[0] = '\0';
	for (unsigned int a = apr_mask_next(r, 0); a < APR_BITS;) {
		unsigned int z = a;

		while (z + 1 < APR_BITS && apr_mask_test(r, z + 1))
			z++;
		if (z == a)
			n = snprintf(buf + at, size - at, "%s0x%02x", at ? "," : "", a);
		else
			n = snprintf(buf + at, size - at, "%s0x%02x-0x%02x", at ? "," : "", a, z);
		if (n < 0 || (size_t)n >= size - at)
			return -ENOSPC;
		at += (size_t)n;
		a = apr_mask_next(r, z + 1);
	}
	return 0;
}

/* The errno names are the model's table (core/model/model.c). */
APM_EXPORT const char *apm_errno_name(int err)
{
	const char *name = apr_errno_name(err);

	if (!err)
		return "OK";
	return name ? name : "E?";
}

int apm_parse_apqn(const char *s, unsigned int *apid, unsigned int *apqi)
{
	char *end;
	unsigned long a, q;

	/*
	 * The kernel's names are exactly "%02x.%04x": parsed by hand, since a
	 * 256 x 256 host lists 65536 of them several times per load.
	 */
	if (s[0] && s[1] && s[2] == '.' && s[3] && s[4] && s[5] && s[6] && !s[7]) {
		int d[6] = { apr_hexval(s[0]), apr_hexval(s[1]), apr_hexval(s[3]),
			     apr_hexval(s[4]), apr_hexval(s[5]), apr_hexval(s[6]) };
		bool ok = true;

		for (int i = 0; i < 6; i++)
			ok &= d[i] >= 0;
		if (ok && !d[2] && !d[3]) {
			*apid = (unsigned int)(d[0] << 4 | d[1]);
			*apqi = (unsigned int)(d[4] << 4 | d[5]);
			return 0;
		}
	}

	a = strtoul(s, &end, 16);
	if (end == s || *end != '.' || a > 255)
		return -EINVAL;
	s = end + 1;
	q = strtoul(s, &end, 16);
	if (end == s || *end || q > 255)
		return -EINVAL;
	*apid = (unsigned int)a;
	*apqi = (unsigned int)q;
	return 0;
}

/* vfio_ap_mdev_matrix_show: "AA.DDDD", "AA." or ".DDDD" lines. */
int apm_parse_matrix(const char *text, struct apr_mask *apm, struct apr_mask *aqm)
{
	apr_mask_zero(apm);
	apr_mask_zero(aqm);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char line[16];
		char *dot, *end;

		if (len && len < sizeof(line)) {
			memcpy(line, text, len);
			line[len] = '\0';
			dot = strchr(line, '.');
			if (!dot)
				return -EINVAL;
			*dot = '\0';
			if (line[0]) {
				unsigned long a = strtoul(line, &end, 16);

				if (*end || a > 255)
					return -EINVAL;
				apr_mask_set(apm, (unsigned int)a);
			}
			if (dot[1]) {
				unsigned long q = strtoul(dot + 1, &end, 16);

				if (*end || q > 255)
					return -EINVAL;
				apr_mask_set(aqm, (unsigned int)q);
			}
		}
		if (!nl)
			break;
		text = nl + 1;
	}
	return 0;
}

bool apm_uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!strchr("0123456789abcdefABCDEF", s[i])) {
			return false;
		}
	}
	return true;
}

void apm_random_bytes(unsigned char *b, size_t n)
{
	ssize_t got = getrandom(b, n, GRND_NONBLOCK);

	if (got != (ssize_t)n)
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)rand();
}

void apm_uuid_generate(char out[37])
{
	unsigned char b[16];

	apm_random_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

char *apm_strip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

void apm_buf_printf(struct apm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 256;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);

		if (!s)
			return;
		if (!b->s)
			s[0] = '\0';
		b->s = s;
		b->cap = cap;
	}
}

void apm_buf_free(struct apm_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
