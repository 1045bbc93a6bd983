// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mask.c - AP masks and the kernel's number parsers (see mask.h).
 *
 * Freestanding on purpose: kmod/ compiles this very file.  Each parser
 * follows the kernel function it names, including its oddities (octal
 * after a leading 0, values that wrap), because user space sees exactly
 * those answers.
 */
#include "mask.h"

#define MASK_WORD(bit)	((bit) / 64)
#define MASK_SHIFT(bit) (63 - (bit) % 64)

void apr_mask_zero(struct apr_mask *m)
{
	for (int i = 0; i < 4; i++)
		m->w[i] = 0;
}

void apr_mask_fill(struct apr_mask *m)
{
	for (int i = 0; i < 4; i++)
		m->w[i] = ~(uint64_t)0;
}

bool apr_mask_test(const struct apr_mask *m, unsigned int bit)
{
	if (bit >= APR_BITS)
		return false;
	return (m->w[MASK_WORD(bit)] >> MASK_SHIFT(bit)) & 1;
}

void apr_mask_set(struct apr_mask *m, unsigned int bit)
{
	if (bit < APR_BITS)
		m->w[MASK_WORD(bit)] |= (uint64_t)1 << MASK_SHIFT(bit);
}

void apr_mask_clear(struct apr_mask *m, unsigned int bit)
{
	if (bit < APR_BITS)
		m->w[MASK_WORD(bit)] &= ~((uint64_t)1 << MASK_SHIFT(bit));
}

bool apr_mask_equal(const struct apr_mask *a, const struct apr_mask *b)
{
	for (int i = 0; i < 4; i++)
		if (a->w[i] != b->w[i])
			return false;
	return true;
}

bool apr_mask_empty(const struct apr_mask *m)
{
	return !(m->w[0] | m->w[1] | m->w[2] | m->w[3]);
}

bool apr_mask_full(const struct apr_mask *m)
{
	return !~(m->w[0] & m->w[1] & m->w[2] & m->w[3]);
}

unsigned int apr_mask_weight(const struct apr_mask *m)
{
	unsigned int n = 0;

	/*
	 * The bits counted in parallel (no compiler builtin: it may call a
	 * libgcc helper the kernel does not link); the console counts the
	 * masks of every mdev it lists at each frame.
	 */
	for (int i = 0; i < 4; i++) {
		uint64_t w = m->w[i];

		w -= (w >> 1) & 0x5555555555555555ULL;
		w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
		w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
		n += (unsigned int)((w * 0x0101010101010101ULL) >> 56);
	}
	return n;
}

void apr_mask_and(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b)
{
	for (int i = 0; i < 4; i++)
		r->w[i] = a->w[i] & b->w[i];
}

void apr_mask_andnot(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b)
{
	for (int i = 0; i < 4; i++)
		r->w[i] = a->w[i] & ~b->w[i];
}

void apr_mask_or(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b)
{
	for (int i = 0; i < 4; i++)
		r->w[i] = a->w[i] | b->w[i];
}

unsigned int apr_mask_next(const struct apr_mask *m, unsigned int from)
{
	while (from < APR_BITS) {
		uint64_t w = m->w[MASK_WORD(from)] << (from % 64);

		/* Bit 0 is the word's most significant: the leading zeros count to it. */
		if (w)
			return from + (unsigned int)__builtin_clzll(w);
		from = (from / 64 + 1) * 64;
	}
	return APR_BITS;
}

static const char hexdigits[] = "0123456789abcdef";

/* ap_bus.c: apmask_show prints the four words with "0x%016lx%016lx%016lx%016lx". */
void apr_mask_format(const struct apr_mask *m, char *buf)
{
	*buf++ = '0';
	*buf++ = 'x';
	for (int i = 0; i < 4; i++)
		for (int s = 60; s >= 0; s -= 4)
			*buf++ = hexdigits[(m->w[i] >> s) & 0xf];
	*buf = '\0';
}

/* n hex digits at s as a number, or -1 (a NUL is no digit: nothing is read past it). */
static int hex_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		int d = apr_hexval(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

bool apr_card_name(const char *s, unsigned int *apid)
{
	int a;

	if (s[0] != 'c' || s[1] != 'a' || s[2] != 'r' || s[3] != 'd')
		return false;
	a = hex_digits(s + 4, 2);
	if (a < 0 || s[6])
		return false;
	*apid = (unsigned int)a;
	return true;
}

bool apr_queue_name(const char *s, unsigned int *apid, unsigned int *apqi)
{
	int a = hex_digits(s, 2), q;

	if (a < 0 || s[2] != '.')
		return false;
	q = hex_digits(s + 3, 4);
	if (q < 0 || q > 0xff || s[7])
		return false;
	*apid = (unsigned int)a;
	*apqi = (unsigned int)q;
	return true;
}

/*
 * ap_bus.c: hex2bitmap: optional "0x" (lower-case x only) or a bare "x",
 * up to 64 hex digits filled in from bit 0, right-zero-padded.
 * Parsing stops at the first non-hex character or after 256 bits; *end
 * then points there, and the caller decides what may follow.
 */
static const char *hex_to_mask(const char *s, struct apr_mask *out)
{
	unsigned int i = 0;
	int v;

	apr_mask_zero(out);
	if (s[0] == '0' && s[1] == 'x')
		s++;
	if (*s == 'x')
		s++;
	/* A digit is a nibble of its word, most significant first (s390 bit order). */
	for (; (v = apr_hexval(*s)) >= 0 && i < APR_BITS; s++, i += 4)
		out->w[i / 64] |= (uint64_t)v << (60 - i % 64);
	return s;
}

int apr_mask_parse_absolute(const char *str, const char **end, struct apr_mask *out)
{
	const char *s = hex_to_mask(str, out);

	if (end) {
		*end = s;
		return 0;
	}
	if (*s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

/*
 * lib/kstrtox.c: _parse_integer_fixup_radix with base 0: "0x" (or "0X")
 * before a hex digit is 16 and is skipped, another leading 0 is 8, else 10.
 */
static unsigned int fixup_radix(const char **s)
{
	const char *p = *s;

	if (p[0] != '0')
		return 10;
	if ((p[1] == 'x' || p[1] == 'X') && apr_hexval(p[2]) >= 0) {
		*s = p + 2;
		return 16;
	}
	return 8;
}

/*
 * simple_strtoul(base 0) as the relative mask form uses it: "0x" only counts
 * as a prefix when a hex digit follows, a leading 0 means octal, and the
 * value wraps modulo 2^64 without an error (lib/vsprintf.c: simple_strtoull;
 * ap_bus.c: modify_bitmap range-checks afterwards, and that check
 * is the only guard).
 */
unsigned long long apr_simple_strtoul(const char *s, const char **end)
{
	unsigned long long v = 0;
	unsigned int base = fixup_radix(&s);
	int d;

	for (; (d = apr_hexval(*s)) >= 0 && (unsigned int)d < base; s++)
		v = v * base + (unsigned int)d;
	if (end)
		*end = s;
	return v;
}

/* ap_bus.c: modify_bitmap, applied to a copy of cur. */
static int modify_mask(const char *s, struct apr_mask *m)
{
	while (*s) {
		char sign = *s++;
		unsigned long long a, z;
		const char *np;

		if (sign != '+' && sign != '-')
			return -EINVAL;
		a = z = apr_simple_strtoul(s, &np);
		if (np == s || a >= APR_BITS)
			return -EINVAL;
		s = np;
		if (*s == '-') {
			s++;
			z = apr_simple_strtoul(s, &np);
			if (np == s || a > z || z >= APR_BITS)
				return -EINVAL;
			s = np;
		}
		for (unsigned long long i = a; i <= z; i++) {
			if (sign == '+')
				apr_mask_set(m, (unsigned int)i);
			else
				apr_mask_clear(m, (unsigned int)i);
		}
		while (*s == ',' || *s == '\n')
			s++;
	}
	return 0;
}

/*
 * ap_bus.c: ap_parse_bitmap_str: the first character picks the form.  str
 * is the NUL-terminated text the store received; a 0-byte write never gets
 * here (fs/kernfs/file.c: kernfs_fop_write_iter returns before the store).
 * out is only written on success, so a failed parse leaves nothing behind.
 */
int apr_mask_parse(const char *str, const struct apr_mask *cur, struct apr_mask *out)
{
	struct apr_mask m;
	int rc;

	if (*str == '+' || *str == '-') {
		m = *cur;
		rc = modify_mask(str, &m);
	} else {
		rc = apr_mask_parse_absolute(str, NULL, &m);
	}
	if (!rc)
		*out = m;
	return rc;
}

bool apr_next_word(const char **s, const char *seps, char *out, unsigned long size)
{
	const char *p = *s;
	unsigned long n = 0;

	while (apr_char_in(*p, seps))
		p++;
	if (!*p)
		return false;
	while (*p && !apr_char_in(*p, seps)) {
		if (n + 1 >= size)
			return false;
		out[n++] = *p++;
	}
	out[n] = '\0';
	*s = p;
	return true;
}

/*
 * lib/kstrtox.c: kstrtoull(s, 0): optional '+', 0x/0X hex (a hex digit must
 * follow), leading-0 octal, one trailing '\n'; overflow is -ERANGE.
 */
int apr_kstrtoul(const char *s, unsigned long long *res)
{
	unsigned long long v = 0;
	unsigned int base, n = 0;
	bool overflow = false;
	int d;

	if (*s == '+')
		s++;
	base = fixup_radix(&s);
	for (; (d = apr_hexval(*s)) >= 0 && (unsigned int)d < base; s++, n++) {
		if (v > (~0ULL - (unsigned int)d) / base)
			overflow = true;
		v = v * base + (unsigned int)d;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

static bool id_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * One ID of text[0..len) in the syntax flags ask for.  0 and *v, or the
 * reason it is none.
 */
static enum apr_ids_why id_token(const char *t, unsigned long len, unsigned int flags,
				 unsigned long long *v)
{
	unsigned int base = 10;
	unsigned long i = 0;
	unsigned long long r = 0;
	bool overflow = false;

	if ((flags & APR_IDS_KERNEL) && i < len && t[i] == '+')
		i++;
	if (i + 2 <= len && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
	    (i + 2 < len && apr_hexval(t[i + 2]) >= 0)) {
		base = 16;
		i += 2;
	} else if (i < len && t[i] == '0' && i + 1 < len) {
		if (flags & APR_IDS_HUMAN) {
			/* "010": 8 for the kernel, 10 for the operator: refuse to guess. */
			for (r = 0; i < len && t[i] >= '0' && t[i] <= '9'; i++)
				r = r < 100000000 ? r * 10 + (unsigned int)(t[i] - '0') : r;
			*v = r;
			return i == len ? APR_IDS_AMBIGUOUS : APR_IDS_NOT_ID;
		}
		base = 8;
	}
	if (i == len)
		return APR_IDS_NOT_ID;
	for (; i < len; i++) {
		int d = apr_hexval(t[i]);

		if (d < 0 || (unsigned int)d >= base)
			return APR_IDS_NOT_ID;
		if (r > (~0ULL - (unsigned int)d) / base)
			overflow = true;
		r = r * base + (unsigned int)d;
	}
	if (overflow)
		return APR_IDS_OVERFLOW;
	*v = r;
	return APR_IDS_OK;
}

static int ids_fail(struct apr_ids_error *e, enum apr_ids_why why, unsigned long at,
		    unsigned long len, unsigned long long value)
{
	int err = why == APR_IDS_TOO_BIG || why == APR_IDS_OVERFLOW ? -ERANGE : -EINVAL;

	if (e) {
		e->err = err;
		e->why = why;
		e->at = at;
		e->len = len;
		e->value = value;
	}
	return err;
}

/* Trim blanks off [*at, *at + *len) when flags allow them. */
static void ids_trim(const char *s, unsigned int flags, unsigned long *at, unsigned long *len)
{
	if (!(flags & APR_IDS_BLANKS))
		return;
	while (*len && id_blank(s[*at])) {
		(*at)++;
		(*len)--;
	}
	while (*len && id_blank(s[*at + *len - 1]))
		(*len)--;
}

static int ids_item(const char *s, unsigned long at, unsigned long len, unsigned int max,
		    unsigned int flags, struct apr_mask *m, apr_ids_fn fn, void *data,
		    struct apr_ids_error *e)
{
	unsigned long lo_at = at, lo_len, hi_at = 0, hi_len = 0, suf = len;
	unsigned long long lo, hi;
	enum apr_ids_why why;
	int rc;

	for (unsigned long i = 0; (flags & APR_IDS_SUFFIX) && i < len; i++)
		if (s[at + i] == ':') {
			suf = i;
			break;
		}
	lo_len = suf;
	/* A range's dash comes after the first character: "-1" is no range. */
	for (unsigned long i = 1; !(flags & APR_IDS_SINGLE) && i < suf; i++)
		if (s[at + i] == '-') {
			lo_len = i;
			hi_at = at + i + 1;
			hi_len = suf - i - 1;
			break;
		}
	ids_trim(s, flags, &lo_at, &lo_len);
	why = id_token(s + lo_at, lo_len, flags, &lo);
	if (why == APR_IDS_AMBIGUOUS)
		return ids_fail(e, why, lo_at, lo_len, lo);
	hi = lo;
	if (!why && hi_at) {
		ids_trim(s, flags, &hi_at, &hi_len);
		why = id_token(s + hi_at, hi_len, flags, &hi);
		if (why == APR_IDS_AMBIGUOUS)
			return ids_fail(e, why, hi_at, hi_len, hi);
	}
	/* What is no ID names the whole item as written (a range too). */
	if (why)
		return ids_fail(e, why, at, suf, 0);
	if (lo > max)
		return ids_fail(e, APR_IDS_TOO_BIG, lo_at, lo_len, lo);
	if (hi > max)
		return ids_fail(e, APR_IDS_TOO_BIG, hi_at, hi_len, hi);
	if (lo > hi)
		return ids_fail(e, APR_IDS_BACKWARDS, at, suf, lo);
	if (fn) {
		rc = fn(data, (unsigned int)lo, (unsigned int)hi,
			suf < len ? s + at + suf + 1 : NULL, suf < len ? len - suf - 1 : 0);
		if (rc < 0) {
			ids_fail(e, APR_IDS_STOPPED, at, len, 0);
			if (e)
				e->err = rc;
			return rc;
		}
	}
	for (unsigned long long i = lo; m && i <= hi; i++)
		apr_mask_set(m, (unsigned int)i);
	return 0;
}

int apr_ids_parse(const char *s, unsigned int max, unsigned int flags, struct apr_mask *out,
		  apr_ids_fn fn, void *data, struct apr_ids_error *e)
{
	unsigned long len = apr_strlen(s), at = 0, items = 0;
	struct apr_mask m;
	int rc;

	apr_mask_zero(&m);
	if ((flags & APR_IDS_NEWLINE) && len && s[len - 1] == '\n')
		len--;
	while (at <= len) {
		unsigned long end = at, a, n;

		while (end < len && s[end] != ',')
			end++;
		a = at;
		n = end - at;
		ids_trim(s, flags, &a, &n);
		if (!n) {
			/* An empty item: fine only where the writer may leave one. */
			if (!(flags & APR_IDS_EMPTY))
				return ids_fail(e, APR_IDS_NO_LIST, 0, len, 0);
		} else {
			if ((flags & APR_IDS_SINGLE) && items)
				return ids_fail(e, APR_IDS_NOT_ID, 0, len, 0);
			rc = ids_item(s, a, n, max, flags, &m, fn, data, e);
			if (rc) {
				if (e) {
					e->item = a;
					e->item_len = n;
				}
				return rc;
			}
			items++;
		}
		at = end + 1;
	}
	if (!items && !(flags & APR_IDS_EMPTY))
		return ids_fail(e, APR_IDS_NO_LIST, 0, len, 0);
	if (out)
		*out = m;
	return 0;
}

/*
 * sscanf("%d") as used by the card `config` and zcrypt `online` stores:
 * optional white space and sign, decimal digits; whatever follows is
 * ignored (ap_card.c: config_store, zcrypt_card.c: online_store).
 */
int apr_scan_int(const char *s, long *res)
{
	bool neg = false;
	long v = 0;
	int n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, n++)
		if (v < 100000000)
			v = v * 10 + (*s - '0');
	if (!n)
		return -EINVAL;
	*res = neg ? -v : v;
	return 0;
}

static unsigned long emit(char *buf, unsigned long at, unsigned long size, const char *s)
{
	while (*s && at + 1 < size)
		buf[at++] = *s++;
	if (size)
		buf[at] = '\0';
	return at;
}

static void hex_id(char *out, unsigned int v, int digits)
{
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = hexdigits[v & 0xf];
	out[digits] = '\0';
}

/* One line of the matrix: "AA.DDDD", or "AA." / ".DDDD" (a or q negative: none). */
static const char *matrix_line(char *line, int a, int q)
{
	int n = 0;

	if (a >= 0) {
		hex_id(line, (unsigned int)a, 2);
		n = 2;
	}
	line[n++] = '.';
	if (q >= 0) {
		hex_id(line + n, (unsigned int)q, 4);
		n += 4;
	}
	line[n++] = '\n';
	line[n] = '\0';
	return line;
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_matrix_show: "%02lx.%04lx\n" per APQN,
 * adapters outer; "%02lx.\n" or ".%04lx\n" when one dimension is empty.
 * Like the kernel, output stops at the sysfs buffer (size - 1 bytes), so a
 * huge matrix reads truncated.
 */
unsigned long apr_matrix_format(const struct apr_mask *apm, const struct apr_mask *aqm,
				unsigned int max_apid, unsigned int max_apqi, char *buf,
				unsigned long size)
{
	unsigned int a1 = apr_mask_next(apm, 0), q1 = apr_mask_next(aqm, 0);
	unsigned long at = 0;
	char line[16];

	if (size)
		buf[0] = '\0';
	if (a1 <= max_apid && q1 <= max_apqi) {
		for (unsigned int a = a1; a <= max_apid && a < APR_BITS;
		     a = apr_mask_next(apm, a + 1))
			for (unsigned int q = q1; q <= max_apqi && q < APR_BITS;
			     q = apr_mask_next(aqm, q + 1))
				at = emit(buf, at, size, matrix_line(line, (int)a, (int)q));
	} else if (a1 <= max_apid) {
		for (unsigned int a = a1; a <= max_apid && a < APR_BITS;
		     a = apr_mask_next(apm, a + 1))
			at = emit(buf, at, size, matrix_line(line, (int)a, -1));
	} else if (q1 <= max_apqi) {
		for (unsigned int q = q1; q <= max_apqi && q < APR_BITS;
		     q = apr_mask_next(aqm, q + 1))
			at = emit(buf, at, size, matrix_line(line, -1, (int)q));
	}
	return at;
}
