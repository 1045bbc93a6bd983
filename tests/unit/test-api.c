// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-api.c - the public mask and APQN functions a client uses instead of
 * the bits: set, clear, test, weight and next agree with the kernel's text
 * of a mask (bit 0 leftmost), apm_parse_apqn takes the kernel's queue
 * names and nothing that only looks like one, and apm_text_escape and
 * apm_mask_format_ranges mark what they cut.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "libapmatrix.h"

static void test_mask_bits(void **state)
{
	struct apm_mask m;
	char hex[68];

	(void)state;
	memset(&m, 0xa5, sizeof(m));
	apm_mask_zero(&m);
	assert_int_equal(apm_mask_weight(&m), 0);
	assert_int_equal(apm_mask_next(&m, 0), 256);
	apm_mask_set(&m, 0);
	apm_mask_set(&m, 5);
	apm_mask_set(&m, 255);
	apm_mask_set(&m, 256); /* out of range: ignored */
	apm_mask_format(&m, hex);
	/* The kernel's order: ID 0 is the leftmost bit, 255 the rightmost. */
	assert_string_equal(hex,
			    "0x8400000000000000000000000000000000000000000000000000000000000001");
	assert_true(apm_mask_test(&m, 5));
	assert_false(apm_mask_test(&m, 4));
	assert_int_equal(apm_mask_weight(&m), 3);
	assert_int_equal(apm_mask_next(&m, 0), 0);
	assert_int_equal(apm_mask_next(&m, 1), 5);
	assert_int_equal(apm_mask_next(&m, 6), 255);
	assert_int_equal(apm_mask_next(&m, 256), 256);
	apm_mask_clear(&m, 5);
	apm_mask_clear(&m, 300);
	assert_false(apm_mask_test(&m, 5));
	assert_int_equal(apm_mask_next(&m, 1), 255);
	/* A walk visits every set ID once, in order. */
	assert_int_equal(apm_mask_parse("0x0f", &m, &m), 0);
	{
		unsigned int n = 0, last = 0;

		for (unsigned int id = apm_mask_next(&m, 0); id < 256;
		     id = apm_mask_next(&m, id + 1)) {
			assert_true(n == 0 || id > last);
			last = id;
			n++;
		}
		assert_int_equal(n, apm_mask_weight(&m));
		assert_int_equal(n, 4);
		assert_int_equal(last, 7);
	}
}

static void test_parse_apqn(void **state)
{
	static const struct {
		const char *s;
		int rc;
		unsigned int a, q;
	} cases[] = {
		{ "05.0047", 0, 0x05, 0x47 }, { "ff.00ff", 0, 0xff, 0xff }, { "5.47", 0, 5, 0x47 },
		{ "0a.1", 0, 0x0a, 1 },	      { "05.0100", -EINVAL },	    { "100.0001", -EINVAL },
		{ "05.", -EINVAL },	      { ".0047", -EINVAL },	    { "05", -EINVAL },
		{ " 5.47", -EINVAL },	      { "5. 47", -EINVAL },	    { "+5.47", -EINVAL },
		{ "0x5.47", -EINVAL },	      { "5.0x47", -EINVAL },	    { "05.0047 ", -EINVAL },
		{ "05.00047", -EINVAL },      { "g5.0047", -EINVAL },	    { "", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int a = 999, q = 999;
		int rc = apm_parse_apqn(cases[i].s, &a, &q);

		if (rc != cases[i].rc)
			fail_msg("'%s': %d, want %d", cases[i].s, rc, cases[i].rc);
		if (!rc && (a != cases[i].a || q != cases[i].q))
			fail_msg("'%s': %02x.%04x", cases[i].s, a, q);
	}
}

/* A list that does not fit ends after whole entries with ",...": never half an ID. */
static void test_ranges_cut(void **state)
{
	struct apm_mask m;
	char buf[640], small[24];

	(void)state;
	memset(&m, 0, sizeof(m));
	for (unsigned int i = 0; i < 256; i += 2)
		apm_mask_set(&m, i);
	assert_int_equal(apm_mask_format_ranges(&m, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 128 * 5 - 1);
	/* "0x00,0x02,0x04,0x06,0x0" would end in half of 0x08 (and name 0x00 again). */
	assert_int_equal(apm_mask_format_ranges(&m, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, "0x00,0x02,0x04,0x06,...");
	assert_int_equal(apm_mask_format_ranges(&m, small, 9), -ENOSPC);
	assert_string_equal(small, "0x00,...");
	assert_int_equal(apm_mask_format_ranges(&m, small, 8), -ENOSPC);
	assert_string_equal(small, "...");
	memset(&m, 0, sizeof(m));
	apm_mask_set(&m, 5);
	apm_mask_set(&m, 6);
	apm_mask_set(&m, 0x47);
	assert_int_equal(apm_mask_format_ranges(&m, small, 14), -ENOSPC);
	assert_string_equal(small, "0x05-0x06,...");
	assert_int_equal(apm_mask_format_ranges(&m, small, 15), 0);
	assert_string_equal(small, "0x05-0x06,0x47");
}

/* Cut text ends in "..." with APM_TEXT_ELLIPSIS, never half an escape; whole text stays whole. */
static void test_text_ellipsis(void **state)
{
	char buf[12];

	(void)state;
	assert_int_equal(apm_text_escape("web-prod-01", buf, sizeof(buf), APM_TEXT_ELLIPSIS), 11);
	assert_string_equal(buf, "web-prod-01");
	assert_int_equal(apm_text_escape("web-prod-012", buf, sizeof(buf), APM_TEXT_ELLIPSIS), 12);
	assert_string_equal(buf, "web-prod...");
	assert_int_equal(apm_text_escape("web-prod-012", buf, sizeof(buf), 0), 12);
	assert_string_equal(buf, "web-prod-01");
	/* \x1b is one piece: not cut after its backslash. */
	assert_int_equal(apm_text_escape("abcde\033fghij", buf, sizeof(buf), APM_TEXT_ELLIPSIS),
			 14);
	assert_string_equal(buf, "abcde...");
	assert_int_equal(apm_text_escape("abcdef", buf, 4, APM_TEXT_ELLIPSIS), 6);
	assert_string_equal(buf, "...");
	assert_int_equal(apm_text_escape("abcdef", buf, 3, APM_TEXT_ELLIPSIS), 6);
	assert_string_equal(buf, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_bits),
		cmocka_unit_test(test_parse_apqn),
		cmocka_unit_test(test_text_ellipsis),
		cmocka_unit_test(test_ranges_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
