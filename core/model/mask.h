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

/* The value of a hex digit, or -1 (inline: names of 65536 queues go through it). */
static inline int apr_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The AP bus's device names (ap_bus.c: ap_scan_adapter "card%02x",
 * ap_scan_domains "%02x.%04x"), exactly: true and the IDs, or false.
 */
bool apr_card_name(const char *s, unsigned int *apid);
bool apr_queue_name(const char *s, unsigned int *apid, unsigned int *apqi);

/* kstrtoul(s, 0) (lib/kstrtox.c): 0, -EINVAL or -ERANGE. */
int apr_kstrtoul(const char *s, unsigned long long *res);
/* simple_strtoull(s, end, 0) (lib/vsprintf.c): wraps, never fails. */
unsigned long long apr_simple_strtoul(const char *s, const char **end);
/* sscanf(s, "%d") as the card `config` and zcrypt `online` stores use it. */
int apr_scan_int(const char *s, long *res);

/*
 * ID lists, "ID[-ID][:SUFFIX],...", as each writer of them spells IDs.
 * One parser with strictness flags: the operator's command line
 * (APR_IDS_HUMAN), the state file (APR_IDS_C | APR_IDS_BLANKS |
 * APR_IDS_EMPTY), module parameters and control files (APR_IDS_KERNEL).
 */
#define APR_IDS_HUMAN	(1u << 0) /* decimal or 0x hex; a leading 0 is ambiguous */
#define APR_IDS_C	(1u << 1) /* strtoul base 0: a leading 0 means octal */
#define APR_IDS_KERNEL	(1u << 2) /* kstrtoul base 0: also an optional '+' */
#define APR_IDS_BLANKS	(1u << 3) /* blanks around IDs are fine */
#define APR_IDS_EMPTY	(1u << 4) /* an empty list, empty items (a trailing ',') are fine */
#define APR_IDS_SUFFIX	(1u << 5) /* items may end in ":TEXT", handed to the callback */
#define APR_IDS_SINGLE	(1u << 6) /* exactly one ID, no range */
#define APR_IDS_NEWLINE (1u << 7) /* one trailing '\n' is fine (a sysfs write) */

enum apr_ids_why {
	APR_IDS_OK = 0,
	APR_IDS_NOT_ID,	   /* the text is no ID in the syntax asked for */
	APR_IDS_AMBIGUOUS, /* a leading 0 (APR_IDS_HUMAN): value is the decimal reading */
	APR_IDS_TOO_BIG,   /* above max: value is the ID */
	APR_IDS_OVERFLOW,  /* does not fit 64 bits */
	APR_IDS_BACKWARDS, /* a range A-B with A > B */
	APR_IDS_NO_LIST,   /* empty, or an empty item */
	APR_IDS_STOPPED,   /* the callback refused the item (its errno in err) */
};

struct apr_ids_error {
	int err; /* -EINVAL, -ERANGE, or the callback's */
	enum apr_ids_why why;
	unsigned long at, len;	      /* the offending text: s[at], len bytes */
	unsigned long item, item_len; /* the whole item it is in */
	unsigned long long value;
};

/* Per item: IDs lo..hi and its suffix (NULL when none); a negative return stops. */
typedef int (*apr_ids_fn)(void *data, unsigned int lo, unsigned int hi, const char *suffix,
			  unsigned long suffix_len);

/*
 * Parse s into out (may be NULL), calling fn (may be NULL) per item.  0, or
 * -EINVAL / -ERANGE with e (may be NULL) naming the text at fault; out is
 * written only on success.
 */
int apr_ids_parse(const char *s, unsigned int max, unsigned int flags, struct apr_mask *out,
		  apr_ids_fn fn, void *data, struct apr_ids_error *e);

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

/* Whether c is one of the characters of set (never the NUL). */
static inline bool apr_char_in(char c, const char *set)
{
	while (c && *set && *set != c)
		set++;
	return c && *set;
}

/*
 * Split the next word off *s into out (size bytes with the NUL): words are
 * separated by runs of the characters of seps.  False, *s unmoved, when
 * none is left or the word does not fit.
 */
bool apr_next_word(const char **s, const char *seps, char *out, unsigned long size);

#endif
