// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * util.c - the library's small shared helpers: the public mask functions,
 * errno names, APQN and matrix text, UUIDs, random bytes, strings, the
 * growable buffer and the snapshot's reference-counted tables.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "apm-private.h"

APM_EXPORT bool apm_mask_test(const struct apm_mask *m, unsigned int bit)
{
	return apr_mask_test(to_apr(m), bit);
}

/* The bit order (bit 0 leftmost, as the kernel prints masks) is apr_mask's alone. */
APM_EXPORT void apm_mask_zero(struct apm_mask *m)
{
	memset(m, 0, sizeof(*m));
}

APM_EXPORT void apm_mask_set(struct apm_mask *m, unsigned int bit)
{
	if (bit < APR_BITS)
		apr_mask_set((struct apr_mask *)m, bit);
}

APM_EXPORT void apm_mask_clear(struct apm_mask *m, unsigned int bit)
{
	if (bit < APR_BITS)
		apr_mask_clear((struct apr_mask *)m, bit);
}

APM_EXPORT unsigned int apm_mask_weight(const struct apm_mask *m)
{
	return apr_mask_weight(to_apr(m));
}

APM_EXPORT unsigned int apm_mask_next(const struct apm_mask *m, unsigned int from)
{
	return apr_mask_next(to_apr(m), from);
}

APM_EXPORT void apm_mask_format(const struct apm_mask *m, char *buf)
{
	apr_mask_format(to_apr(m), buf);
}

APM_EXPORT int apm_mask_parse(const char *spec, const struct apm_mask *cur, struct apm_mask *out)
{
	return apr_mask_parse(spec, to_apr(cur), (struct apr_mask *)out);
}

/*
 * The list that does not fit ends after its last whole entry that leaves
 * room for ",...": never half an ID (",0x1" of 0x18 names another one),
 * never a short list read as the whole.  at: the end of the whole entries.
 */
static void mark_cut(char *buf, size_t at, size_t size)
{
	while (at && at + 5 > size)
		while (at && buf[--at] != ',')
			;
	if (at)
		memcpy(buf + at, ",...", 5);
	else if (size >= 4)
		memcpy(buf, "...", 4);
	else
		buf[0] = '\0';
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
		if (n < 0 || (size_t)n >= size - at) {
			mark_cut(buf, at, size);
			return -ENOSPC;
		}
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

/* 1 to 4 hex digits at s, at most 0xff, into *v; past them, or NULL. */
static const char *hex_field(const char *s, unsigned long *v)
{
	int n = 0;

	*v = 0;
	for (; n < 5 && apr_hexval(s[n]) >= 0; n++)
		*v = *v << 4 | (unsigned long)apr_hexval(s[n]);
	return n >= 1 && n <= 4 && *v <= 255 ? s + n : NULL;
}

APM_EXPORT int apm_parse_apqn(const char *s, unsigned int *adapter, unsigned int *domain)
{
	const char *end;
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
			*adapter = (unsigned int)(d[0] << 4 | d[1]);
			*domain = (unsigned int)(d[4] << 4 | d[5]);
			return 0;
		}
	}

	/* Else 1 to 4 hex digits each side, nothing else (no blank, sign or "0x"). */
	end = hex_field(s, &a);
	if (!end || *end != '.')
		return -EINVAL;
	end = hex_field(end + 1, &q);
	if (!end || *end)
		return -EINVAL;
	*adapter = (unsigned int)a;
	*domain = (unsigned int)q;
	return 0;
}

/*
 * A matrix line's ID: hex digits from *p (none: false in *any), at most
 * 0xff; *p moves past them.  By hand, not strtoul: a guest_matrix page
 * is 512 lines, parsed at every batch that touches its guest.
 */
static bool matrix_id(const char **p, unsigned int *v, bool *any)
{
	unsigned int x = 0;
	int d;

	*any = false;
	for (; (d = apr_hexval(**p)) >= 0; (*p)++) {
		*any = true;
		if (x <= 255)
			x = x << 4 | (unsigned int)d;
	}
	*v = x;
	return x <= 255;
}

/*
 * vfio_ap_mdev_matrix_show: "AA.DDDD", "AA." or ".DDDD" lines, hex digits
 * only (no blank, sign or "0x"); a line of 16 characters or more is none.
 */
int apm_parse_matrix(const char *text, struct apr_mask *apm, struct apr_mask *aqm)
{
	apr_mask_zero(apm);
	apr_mask_zero(aqm);
	while (*text) {
		const char *nl = strchr(text, '\n'), *p = text;
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		unsigned int a, q;
		bool has_a, has_q;

		if (len >= 16)
			return -EINVAL;
		if (len) {
			if (!matrix_id(&p, &a, &has_a) || *p++ != '.' ||
			    !matrix_id(&p, &q, &has_q) || p != text + len)
				return -EINVAL;
			if (has_a)
				apr_mask_set(apm, a);
			if (has_q)
				apr_mask_set(aqm, q);
		}
		if (!nl)
			break;
		text = nl + 1;
	}
	return 0;
}

int apm_parse_domains(const char *text, struct apr_mask *adm)
{
	apr_mask_zero(adm);
	while (*text) {
		unsigned int d = 0, n = 0;
		int v;

		for (; (v = apr_hexval(*text)) >= 0; text++, n++)
			if (d <= APR_BITS)
				d = d * 16 + (unsigned int)v;
		if (!n || d >= APR_BITS || (*text && *text != '\n')) {
			apr_mask_zero(adm);
			return -EINVAL;
		}
		apr_mask_set(adm, d);
		text += *text == '\n';
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

/*
 * The snapshot's tables: a header before the data, so the tables keep
 * their element types where the snapshot uses them.
 */
struct apm_table {
	int refcount;
	size_t size;
	max_align_t data[];
};

static struct apm_table *table_of(void *data)
{
	/* Through void *: the header is max_align_t-aligned, as the data. */
	return (struct apm_table *)(void *)((char *)data - offsetof(struct apm_table, data));
}

/* A table of size bytes, one reference; zeroed, or left for the caller to fill. */
static struct apm_table *table_alloc(size_t size, bool zero)
{
	struct apm_table *t = zero ? calloc(1, sizeof(*t) + size) : malloc(sizeof(*t) + size);

	if (!t)
		return NULL;
	t->refcount = 1;
	t->size = size;
	return t;
}

void *apm_table_new(size_t size)
{
	struct apm_table *t = table_alloc(size, true);

	return t ? t->data : NULL;
}

void *apm_table_ref(void *data)
{
	if (data)
		table_of(data)->refcount++;
	return data;
}

void apm_table_unref(void *data)
{
	struct apm_table *t;

	if (!data)
		return;
	t = table_of(data);
	if (--t->refcount == 0)
		free(t);
}

void *apm_table_own(void *p)
{
	void *data, *copy;
	struct apm_table *t, *c;

	memcpy(&data, p, sizeof(data));
	if (!data)
		return NULL;
	t = table_of(data);
	if (t->refcount == 1)
		return data;
	/*
	 * malloc, not calloc: every byte is copied anyway, and the model's
	 * 256 KiB table is copied at every batch that derives a row of it.
	 */
	c = table_alloc(t->size, false);
	if (!c)
		return NULL;
	copy = c->data;
	memcpy(copy, data, t->size);
	t->refcount--;
	memcpy(p, &copy, sizeof(copy));
	return copy;
}
