/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mask.h - the values the kernel's AP attributes take: 256-bit AP masks in
 * the s390 bit order, and numbers parsed the way the stores parse them.
 *
 * Freestanding (see compat.h): compiled into libapmatrix and kmod/apsim.ko.
 * doc/kernel-abi.md describes the syntax; each function names the kernel
 * function whose behaviour it reproduces.
 */
#ifndef APMATRIX_MODEL_MASK_H
#define APMATRIX_MODEL_MASK_H

#include "compat.h"

#define APR_BITS	     256
#define APR_MASK_STRLEN	     66	  /* "0x" + 64 hex digits */
#define APR_AP_CONFIG_STRLEN 201  /* 3 masks, 2 commas, '\n' (vfio_ap_ops.c: ap_config_store) */
#define APR_PAGE_SIZE	     4096 /* sysfs show/store buffer */

/*
 * A 256-bit AP mask, MSB-first: bit n is (w[n / 64] >> (63 - n % 64)) & 1,
 * the layout of the kernel's set_bit_inv()/test_bit_inv() helpers.
 */
struct apr_mask {
	uint64_t w[4];
};

void apr_mask_zero(struct apr_mask *m);
void apr_mask_fill(struct apr_mask *m);
bool apr_mask_test(const struct apr_mask *m, unsigned int bit);
void apr_mask_set(struct apr_mask *m, unsigned int bit);
void apr_mask_clear(struct apr_mask *m, unsigned int bit);
bool apr_mask_equal(const struct apr_mask *a, const struct apr_mask *b);
bool apr_mask_empty(const struct apr_mask *m);
bool apr_mask_full(const struct apr_mask *m);
unsigned int apr_mask_weight(const struct apr_mask *m);
void apr_mask_and(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b);
void apr_mask_andnot(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b);
void apr_mask_or(struct apr_mask *r, const struct apr_mask *a, const struct apr_mask *b);
/* Next set bit at or after from, or APR_BITS. */
unsigned int apr_mask_next(const struct apr_mask *m, unsigned int from);
/* "0x" + 64 lower-case hex digits + NUL: buf must hold APR_MASK_STRLEN + 1. */
void apr_mask_format(const struct apr_mask *m, char *buf);
/*
 * The apmask/aqmask text (ap_bus.c: ap_parse_bitmap_str): absolute hex or
 * a +/- list applied to *cur.  0 or -EINVAL; *out is written on success only.
 */
int apr_mask_parse(const char *str, const struct apr_mask *cur, struct apr_mask *out);
/*
 * The absolute form alone (ap_bus.c: hex2bitmap).  With end, parsing stops
 * at the first character that is no hex digit and *end points there; without
 * it, only one '\n' may follow.
 */
int apr_mask_parse_absolute(const char *str, const char **end, struct apr_mask *out);

/* The value of a hex digit, or -1. */
int apr_hexval(char c);

/* kstrtoul(s, 0) (lib/kstrtox.c): 0, -EINVAL or -ERANGE. */
int apr_kstrtoul(const char *s, unsigned long long *res);
/* simple_strtoull(s, end, 0) (lib/vsprintf.c): wraps, never fails. */
unsigned long long apr_simple_strtoul(const char *s, const char **end);
/* sscanf(s, "%d") as the card `config` and zcrypt `online` stores use it. */
int apr_scan_int(const char *s, long *res);

/*
 * matrix / guest_matrix text (vfio_ap_ops.c: vfio_ap_mdev_matrix_show),
 * truncated at size like a sysfs page.  Returns the length written.
 */
unsigned long apr_matrix_format(const struct apr_mask *apm, const struct apr_mask *aqm,
				unsigned int max_apid, unsigned int max_apqi, char *buf,
				unsigned long size);

/* Freestanding string helpers: the model calls no library function. */
static inline bool apr_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline unsigned long apr_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

/* Copy at most size - 1 bytes and terminate; returns false when s was cut. */
static inline bool apr_strlcpy(char *dst, const char *s, unsigned long size)
{
	unsigned long i = 0;

	if (!size)
		return !*s;
	for (; s[i] && i + 1 < size; i++)
		dst[i] = s[i];
	dst[i] = '\0';
	return !s[i];
}

#endif
