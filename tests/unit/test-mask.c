// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-mask.c - the mask syntax and the number parsers, against the answers
 * of the kernel's hex2bitmap/modify_bitmap/kstrtoul, and the one ID-list
 * parser with each writer's strictness.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mask-util.h"
#include "rules.h"

static void assert_mask(const struct apr_mask *m, const char *hex)
{
	char buf[APR_MASK_STRLEN + 1];

	apr_mask_format(m, buf);
	assert_string_equal(buf, hex);
}

static int parse(const char *s, const struct apr_mask *cur, struct apr_mask *out)
{
	struct apr_mask zero;

	apr_mask_zero(&zero);
	return apr_mask_parse(s, cur ? cur : &zero, out);
}

/* set_bit_inv order: adapters 1 and 7 -> 0x41 followed by zeros; MSB-first words. */
static void test_format_bit_order(void **state)
{
	struct apr_mask m = mask_of(2, 1, 7);

	(void)state;
	assert_mask(&m, "0x4100000000000000000000000000000000000000000000000000000000000000");
	m = mask_of(2, 64, 255);
	assert_mask(&m, "0x0000000000000000800000000000000000000000000000000000000000000001");
	assert_int_equal(apr_mask_next(&m, 0), 64);
	assert_int_equal(apr_mask_next(&m, 65), 255);
	assert_int_equal(apr_mask_next(&m, 256), APR_BITS);
	assert_int_equal(apr_mask_weight(&m), 2);
}

static void test_absolute(void **state)
{
	struct apr_mask m, want = mask_of(2, 1, 7), junk = mask_of(1, 200);
	char d64[80], d65[80];

	(void)state;
	assert_int_equal(parse("0x41", NULL, &m), 0);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("x41", NULL, &m), 0);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("41", NULL, &m), 0);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("0x41\n", NULL, &m), 0);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("0X41", NULL, &m), -EINVAL); /* 'X' is no prefix */
	assert_int_equal(parse("0x41\n\n", NULL, &m), -EINVAL);
	assert_int_equal(parse("0x4 1", NULL, &m), -EINVAL);
	assert_int_equal(parse("0x41,", NULL, &m), -EINVAL);
	/* Odd number of digits: right-zero-padded. */
	assert_int_equal(parse("0x4", NULL, &m), 0);
	want = mask_of(1, 1);
	assert_true(apr_mask_equal(&m, &want));
	/* 64 digits fit, a 65th is "remaining text". */
	strcpy(d64, "0x");
	for (int i = 0; i < 64; i++)
		strcat(d64, "f");
	assert_int_equal(parse(d64, NULL, &m), 0);
	assert_true(apr_mask_full(&m));
	snprintf(d65, sizeof(d65), "%sf", d64);
	m = junk;
	assert_int_equal(parse(d65, NULL, &m), -EINVAL);
	assert_true(apr_mask_equal(&m, &junk)); /* atomic: nothing written */
	/* Zero digits: all-zero mask (echo > apmask gives everything away). */
	assert_int_equal(parse("\n", &junk, &m), 0);
	assert_true(apr_mask_empty(&m));
	assert_int_equal(parse("0x", &junk, &m), 0);
	assert_true(apr_mask_empty(&m));
	assert_int_equal(parse("x", &junk, &m), 0);
	assert_true(apr_mask_empty(&m));
}

static void test_relative(void **state)
{
	struct apr_mask m, cur, want;

	(void)state;
	/* The kernel's own comment examples. */
	assert_int_equal(parse("+0-15,+32,-128,-0xFF", NULL, &m), 0);
	want = mask_of(0);
	for (int i = 0; i <= 15; i++)
		apr_mask_set(&want, (unsigned int)i);
	apr_mask_set(&want, 32);
	assert_true(apr_mask_equal(&m, &want));
	/* 0x128 = 296 >= 256: EINVAL on a real kernel, whatever the comment says. */
	assert_int_equal(parse("-0-255,+1-16,+0x128", NULL, &m), -EINVAL);
	assert_int_equal(parse("+1,+2,+3,+4,-5,-7-10", NULL, &m), 0);
	want = mask_of(4, 1, 2, 3, 4);
	assert_true(apr_mask_equal(&m, &want));
	/* The last operation on a bit wins. */
	assert_int_equal(parse("+0-255,-128", NULL, &m), 0);
	assert_int_equal(apr_mask_weight(&m), 255);
	assert_false(apr_mask_test(&m, 128));
	/* Relative to the current mask; unmentioned bits stay. */
	apr_mask_fill(&cur);
	assert_int_equal(parse("-5,-6", &cur, &m), 0);
	assert_int_equal(apr_mask_weight(&m), 254);
	assert_int_equal(parse("-5-7", &cur, &m), 0);
	assert_false(apr_mask_test(&m, 5) || apr_mask_test(&m, 6) || apr_mask_test(&m, 7));
	/* Leading zero means octal: +010 is bit 8, +08 is an error. */
	assert_int_equal(parse("+010", NULL, &m), 0);
	want = mask_of(1, 8);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("+08", NULL, &m), -EINVAL);
	/* Separators: ',' and '\n', repeated, also at the end. */
	assert_int_equal(parse("+5,,\n,+6\n", NULL, &m), 0);
	want = mask_of(2, 5, 6);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("+5 ", NULL, &m), -EINVAL);
	assert_int_equal(parse("+", NULL, &m), -EINVAL);
	assert_int_equal(parse("+256", NULL, &m), -EINVAL);
	assert_int_equal(parse("+5-3", NULL, &m), -EINVAL);
	assert_int_equal(parse("+5-", NULL, &m), -EINVAL);
	assert_int_equal(parse("+5,6", NULL, &m), -EINVAL);
	assert_int_equal(parse("+0x", NULL, &m), -EINVAL); /* "0" parsed, then 'x' */
	assert_int_equal(parse("+0xff", NULL, &m), 0);
}

/*
 * ap_bus.c: modify_bitmap: numbers are simple_strtoul values in an unsigned long; they
 * wrap modulo 2^64 unchecked, and only the range check guards.  So 2^64
 * is bit 0 on a 64-bit kernel.
 */
static void test_wraparound(void **state)
{
	struct apr_mask m, want;

	(void)state;
	assert_int_equal(parse("+18446744073709551616", NULL, &m), 0);
	want = mask_of(1, 0);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("+18446744073709551621", NULL, &m), 0);
	want = mask_of(1, 5);
	assert_true(apr_mask_equal(&m, &want));
	assert_int_equal(parse("+4294967296", NULL, &m), -EINVAL); /* 2^32: no int truncation */
	assert_int_equal(parse("+0x10000000000000005", NULL, &m), 0);
	want = mask_of(1, 5);
	assert_true(apr_mask_equal(&m, &want));
}

static void test_round_trip(void **state)
{
	char buf[APR_MASK_STRLEN + 1];
	struct apr_mask m, back;
	unsigned int seed = 1;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		for (int w = 0; w < 4; w++) {
			seed = seed * 1103515245u + 12345u;
			m.w[w] = ((uint64_t)seed << 32) ^ (seed * 2654435761u);
		}
		apr_mask_format(&m, buf);
		assert_int_equal(strlen(buf), APR_MASK_STRLEN);
		assert_int_equal(parse(buf, NULL, &back), 0);
		assert_true(apr_mask_equal(&m, &back));
	}
}

static void test_kstrtoul(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(apr_kstrtoul("5", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(apr_kstrtoul("+5\n", &v), 0);
	assert_int_equal(apr_kstrtoul("0xab", &v), 0);
	assert_int_equal(v, 0xab);
	assert_int_equal(apr_kstrtoul("0XAB", &v), 0);
	assert_int_equal(apr_kstrtoul("010", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(apr_kstrtoul("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(apr_kstrtoul("08", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("0x", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("\n", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("-1", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul(" 5", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("5\n\n", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("5x", &v), -EINVAL);
	assert_int_equal(apr_kstrtoul("18446744073709551615", &v), 0);
	assert_int_equal(apr_kstrtoul("18446744073709551616", &v), -ERANGE);
}

/* vfio_ap_mdev_matrix_show formats and the sysfs page limit. */
static void test_matrix_format(void **state)
{
	struct apr_mask apm = mask_of(2, 5, 6), aqm = mask_of(2, 4, 0xab), none = mask_of(0), all;
	char *buf = malloc(APR_PAGE_SIZE);
	unsigned long n;

	(void)state;
	n = apr_matrix_format(&apm, &aqm, 255, 255, buf, APR_PAGE_SIZE);
	assert_string_equal(buf, "05.0004\n05.00ab\n06.0004\n06.00ab\n");
	assert_int_equal(n, 32);
	apr_matrix_format(&apm, &none, 255, 255, buf, APR_PAGE_SIZE);
	assert_string_equal(buf, "05.\n06.\n");
	apr_matrix_format(&none, &aqm, 255, 255, buf, APR_PAGE_SIZE);
	assert_string_equal(buf, ".0004\n.00ab\n");
	apr_matrix_format(&none, &none, 255, 255, buf, APR_PAGE_SIZE);
	assert_string_equal(buf, "");
	/* Only bits up to the maximum IDs are listed. */
	apr_matrix_format(&apm, &aqm, 255, 0x10, buf, APR_PAGE_SIZE);
	assert_string_equal(buf, "05.0004\n06.0004\n");
	/* 256 x 256 = 524288 bytes of text: truncated at the page, like scnprintf. */
	apr_mask_fill(&all);
	n = apr_matrix_format(&all, &all, 255, 255, buf, APR_PAGE_SIZE);
	assert_int_equal(n, APR_PAGE_SIZE - 1);
	assert_int_equal(strlen(buf), APR_PAGE_SIZE - 1);
	free(buf);
}

static void test_scan_int(void **state)
{
	long v;

	(void)state;
	assert_int_equal(apr_scan_int("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(apr_scan_int(" 0junk", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(apr_scan_int("-3", &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(apr_scan_int("x", &v), -EINVAL);
}

struct item_log {
	char text[128];
};

static int log_item(void *data, unsigned int lo, unsigned int hi, const char *suffix,
		    unsigned long len)
{
	struct item_log *l = data;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%u-%u:%.*s;", lo, hi, (int)len,
		 suffix ? suffix : "");
	return lo == 99 ? -ENOSPC : 0;
}

static void assert_ids_error(const char *s, unsigned int flags, int err, enum apr_ids_why why,
			     const char *text)
{
	struct apr_ids_error e;
	struct apr_mask m;

	assert_int_equal(apr_ids_parse(s, 255, flags, &m, NULL, NULL, &e), err);
	assert_int_equal(e.why, why);
	assert_int_equal(e.len, strlen(text));
	assert_memory_equal(s + e.at, text, e.len);
}

static void test_ids(void **state)
{
	const unsigned int human = APR_IDS_HUMAN,
			   file = APR_IDS_HUMAN | APR_IDS_BLANKS | APR_IDS_EMPTY;
	struct item_log log = { "" };
	struct apr_ids_error e;
	struct apr_mask m;

	(void)state;
	assert_int_equal(apr_ids_parse("4,0xab,0x40-0x42,0", 255, human, &m, NULL, NULL, NULL), 0);
	assert_int_equal(apr_mask_weight(&m), 6);
	assert_true(apr_mask_test(&m, 0) && apr_mask_test(&m, 0x41) && apr_mask_test(&m, 0xab));
	/* The operator's syntax: what the text names is what is refused. */
	assert_ids_error("010", human, -EINVAL, APR_IDS_AMBIGUOUS, "010");
	assert_ids_error("5,0x1g", human, -EINVAL, APR_IDS_NOT_ID, "0x1g");
	assert_ids_error("-1", human, -EINVAL, APR_IDS_NOT_ID, "-1");
	assert_ids_error("5-", human, -EINVAL, APR_IDS_NOT_ID, "5-");
	assert_ids_error("0x-5", human, -EINVAL, APR_IDS_NOT_ID, "0x-5");
	assert_ids_error("1-010", human, -EINVAL, APR_IDS_AMBIGUOUS, "010");
	assert_ids_error("256", human, -ERANGE, APR_IDS_TOO_BIG, "256");
	assert_ids_error("0x10-0x08", human, -EINVAL, APR_IDS_BACKWARDS, "0x10-0x08");
	assert_ids_error(",,,", human, -EINVAL, APR_IDS_NO_LIST, ",,,");
	assert_ids_error("", human, -EINVAL, APR_IDS_NO_LIST, "");
	assert_ids_error("1, 2", human, -EINVAL, APR_IDS_NOT_ID, " 2");
	assert_ids_error("99999999999999999999", human, -ERANGE, APR_IDS_OVERFLOW,
			 "99999999999999999999");
	/* The state file: blanks and empty lists. */
	assert_int_equal(apr_ids_parse(" 1 , 2 - 3 ,", 255, file, &m, NULL, NULL, NULL), 0);
	assert_int_equal(apr_mask_weight(&m), 3);
	assert_int_equal(apr_ids_parse("", 255, file, &m, NULL, NULL, NULL), 0);
	assert_true(apr_mask_empty(&m));
	/* The kernel's syntax: '+', octal, one '\n'; exactly one ID. */
	assert_int_equal(apr_ids_parse("+010\n", 255,
				       APR_IDS_KERNEL | APR_IDS_SINGLE | APR_IDS_NEWLINE, &m, NULL,
				       NULL, NULL),
			 0);
	assert_true(apr_mask_test(&m, 8));
	assert_ids_error("5-6", APR_IDS_KERNEL | APR_IDS_SINGLE, -EINVAL, APR_IDS_NOT_ID, "5-6");
	assert_ids_error("08", APR_IDS_C, -EINVAL, APR_IDS_NOT_ID, "08");
	/* Suffixes go to the callback, which may stop the parse. */
	assert_int_equal(apr_ids_parse("4:CEX5C,5-6:CEX8P", 255, APR_IDS_HUMAN | APR_IDS_SUFFIX, &m,
				       log_item, &log, NULL),
			 0);
	assert_string_equal(log.text, "4-4:CEX5C;5-6:CEX8P;");
	assert_int_equal(apr_ids_parse("99:x", 255, APR_IDS_HUMAN | APR_IDS_SUFFIX, &m, log_item,
				       &log, &e),
			 -ENOSPC);
	assert_int_equal(e.why, APR_IDS_STOPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_bit_order),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_kstrtoul),
		cmocka_unit_test(test_matrix_format),
		cmocka_unit_test(test_scan_int),
		cmocka_unit_test(test_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
