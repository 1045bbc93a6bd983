// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-label.c - mdev labels (core/label.c): the same for the same UUIDs,
 * never alike, never a grid glyph or marker, stable when other mdevs come
 * and go, and the lookup of an mdev by label, guest name or UUID (prefix).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apm-private.h"
#include "libapmatrix-sim.h"

#define MANY 2000

static char uuid_buf[MANY][64];
static const char *uuids[MANY];
static char labels[MANY][APM_LABEL_SIZE], again[MANY][APM_LABEL_SIZE];

/* n UUIDs in ascending order, as a host sorts them; seed varies the set. */
static void make_uuids(unsigned int n, unsigned int seed)
{
	for (unsigned int i = 0; i < n; i++) {
		snprintf(uuid_buf[i], sizeof(uuid_buf[i]), "%08x-%04x-4%03x-8%03x-%012x",
			 i * 2654435761u % 0xffffffffu, i & 0xffff, seed & 0xfff, i & 0xfff,
			 (i + 1) * (seed + 7));
		uuids[i] = uuid_buf[i];
	}
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && strcmp(uuids[j - 1], uuids[j]) > 0; j--) {
			const char *t = uuids[j];

			uuids[j] = uuids[j - 1];
			uuids[j - 1] = t;
		}
}

static void assert_well_formed(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		size_t len = strlen(labels[i]);

		assert_true(len >= 1 && len <= APM_MDEV_LABEL_MAX);
		/* Never a glyph (h f u .), a column marker (U C B d) or a look-alike. */
		assert_null(strchr("BCDFHIOUX", labels[i][0]));
		assert_true(labels[i][0] >= 'A' && labels[i][0] <= 'Z');
		for (size_t k = 1; k < len; k++)
			assert_true(labels[i][k] >= '0' && labels[i][k] <= '9');
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(labels[i], labels[j]);
	}
}

static void test_distinct(void **state)
{
	unsigned int counts[] = { 1, 3, 17, 52, 53, 64, 256, MANY };

	(void)state;
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		int w;

		make_uuids(counts[c], (unsigned int)c);
		w = apm_label_assign(uuids, counts[c], labels);
		assert_true(w >= 1);
		assert_well_formed(counts[c]);
		/* 17 single letters at most; more mdevs need longer labels. */
		if (counts[c] > 17)
			assert_true(w >= 2);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	make_uuids(64, 5);
	assert_true(apm_label_assign(uuids, 64, labels) > 0);
	assert_true(apm_label_assign(uuids, 64, again) > 0);
	for (unsigned int i = 0; i < 64; i++)
		assert_string_equal(labels[i], again[i]);
	/* The UUID's case does not matter. */
	{
		char upper[37];
		const char *one[1] = { upper };

		for (int k = 0; k < 37; k++)
			upper[k] = (char)(uuids[3][k] >= 'a' && uuids[3][k] <= 'f'
						  ? uuids[3][k] - 32
						  : uuids[3][k]);
		assert_int_equal(apm_label_assign(one, 1, again), 1);
		apm_label_assign(&uuids[3], 1, labels);
		assert_string_equal(again[0], labels[0]);
	}
}

/*
 * Removing an mdev changes no label of an earlier one (in UUID order) and
 * few later ones (those that collided with it); a single-letter label is
 * the hash's letter, whatever else exists.
 */
static void test_stable(void **state)
{
	const char *fewer[64];
	unsigned int changed = 0;

	(void)state;
	make_uuids(64, 9);
	assert_true(apm_label_assign(uuids, 64, labels) > 0);
	for (unsigned int gone = 0; gone < 64; gone++) {
		unsigned int k = 0;

		for (unsigned int i = 0; i < 64; i++)
			if (i != gone)
				fewer[k++] = uuids[i];
		assert_true(apm_label_assign(fewer, 63, again) > 0);
		k = 0;
		for (unsigned int i = 0; i < 64; i++) {
			if (i == gone)
				continue;
			if (strcmp(labels[i], again[k])) {
				/* Only a later mdev that collided moves, never an earlier one. */
				assert_true(i > gone);
				changed++;
			}
			k++;
		}
	}
	/* Most removals move nothing at all: on average at most one label. */
	assert_true(changed <= 64);
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(apm_label_assign(&uuids[i], 1, again), 1);
		if (strlen(labels[i]) == 1)
			assert_string_equal(labels[i], again[0]);
	}
}

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

/* The built-in scenario: Guest1 on 62177883..., Guest2 on cef03c3c..., 8f2a7c10... idle. */
static void test_lookup(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h;
	struct apm_mdev *m, *g2;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_host_get_mdev_count(h), 3);
	assert_int_equal(apm_host_get_label_width(h), 1);

	assert_int_equal(apm_host_lookup_mdev(h, "Guest2", &g2), 0);
	assert_string_equal(apm_mdev_get_uuid(g2), "cef03c3c-903d-4ecc-9a83-40694cb8aee4");
	assert_int_equal(apm_host_lookup_mdev(h, "cef03c3c-903d-4ecc-9a83-40694cb8aee4", &m), 0);
	assert_ptr_equal(m, g2);
	assert_int_equal(apm_host_lookup_mdev(h, "CEF0", &m), 0);
	assert_ptr_equal(m, g2);
	assert_int_equal(apm_host_lookup_mdev(h, apm_mdev_get_label(g2), &m), 0);
	assert_ptr_equal(m, g2);
	/* Labels are capitals and digits: typed in lower case they still name it. */
	{
		char low[APM_LABEL_SIZE];

		snprintf(low, sizeof(low), "%c%s", apm_mdev_get_label(g2)[0] + 32,
			 apm_mdev_get_label(g2) + 1);
		assert_int_equal(apm_host_lookup_mdev(h, low, &m), 0);
		assert_ptr_equal(m, g2);
	}
	/* Too short to be a prefix, no such guest, no such label. */
	assert_int_equal(apm_host_lookup_mdev(h, "cef", &m), -ENOENT);
	assert_null(m);
	assert_int_equal(apm_host_lookup_mdev(h, "Guest9", &m), -ENOENT);
	assert_int_equal(apm_host_lookup_mdev(h, "", &m), -ENOENT);
	/* Guest names are case-sensitive, as libvirt's. */
	assert_int_equal(apm_host_lookup_mdev(h, "guest2", &m), -ENOENT);
	apm_host_unref(h);

	/* Two mdevs sharing a prefix: ambiguous, never the first one. */
	assert_int_equal(apm_ctx_write_attr(ctx,
					    "devices/vfio_ap/matrix/mdev_supported_types/"
					    "vfio_ap-passthrough/create",
					    "cef03c3c-0000-4000-8000-000000000000", 36),
			 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_host_lookup_mdev(h, "cef03c3c", &m), -ENOTUNIQ);
	assert_null(m);
	assert_int_equal(apm_host_lookup_mdev(h, "cef03c3c-9", &m), 0);
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
