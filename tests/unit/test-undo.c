// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-undo.c - struct apm_undo between its preview and its apply: what
 * another process does in that gap (a newer change, the same undo, a
 * change that bypasses the journal) is found again under the lock, and
 * the undo is refused with a reason that names it, changing nothing.
 * Two contexts on one simulated host's state file are two processes.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libapmatrix.h"

static char dir[] = "/tmp/apm-undo-XXXXXX", path[64], journal[64];

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

/* A process on the host: its own context, the host's journal unless with_journal is false. */
static struct apm_ctx *process(bool with_journal)
{
	struct apm_ctx *ctx;

	assert_int_equal(apm_ctx_new_sim(path, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_ctx_set_journal_path(ctx, with_journal ? journal : NULL), 0);
	assert_int_equal(apm_ctx_set_syslog_path(ctx, NULL), 0);
	return ctx;
}

static void mask(struct apm_ctx *ctx, const char *spec)
{
	struct apm_change *c;
	struct apm_host *h;

	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_change_new_mask(h, true, spec, &c), 0);
	assert_int_equal(apm_change_apply(c), 0);
	apm_change_unref(c);
	apm_host_unref(h);
}

/* The undo ctx would make now: previewed, its verdict OK. */
static struct apm_undo *preview(struct apm_ctx *ctx, const char *what)
{
	struct apm_undo *u;
	struct apm_host *h;

	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_undo_new(h, NULL, &u), 0);
	apm_host_unref(h);
	assert_int_equal(apm_undo_get_prediction(u), 0);
	assert_non_null(strstr(apm_undo_get_what(u), what));
	return u;
}

static const char *aqmask(struct apm_ctx *ctx)
{
	static char buf[128];
	struct apm_host *h;
	struct apm_mask m;

	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_host_get_aqmask(h, &m);
	assert_int_equal(apm_mask_format_ranges(&m, buf, sizeof(buf)), 0);
	apm_host_unref(h);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/host.ini", dir);
	snprintf(journal, sizeof(journal), "%s/journal", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(journal);
	unlink(path);
	return rmdir(dir);
}

static void test_gap(void **state)
{
	struct apm_ctx *a, *b, *other;
	struct apm_undo *u, *v;
	char initial[128], first[128];
	struct apm_host *h;

	(void)state;
	a = process(true);
	b = process(true);
	other = process(false);
	snprintf(initial, sizeof(initial), "%s", aqmask(a));
	mask(a, "-0x01");
	snprintf(first, sizeof(first), "%s", aqmask(a));

	/* A newer change came first: the undo previewed for #1 would revert the wrong one. */
	u = preview(a, "undo change #1: write aqmask -0x01");
	mask(b, "-0x02");
	assert_int_equal(apm_undo_apply(u), -EAGAIN);
	assert_non_null(strstr(apm_undo_get_explanation(u),
			       "another change came first: #2, write aqmask -0x02; undo again"));
	apm_undo_unref(u);
	assert_string_not_equal(aqmask(a), first);

	/* The same undo, in two processes: the second finds it done. */
	u = preview(a, "undo change #2");
	v = preview(b, "undo change #2");
	assert_int_equal(apm_undo_apply(v), 0);
	apm_undo_unref(v);
	assert_string_equal(aqmask(a), first);
	assert_int_equal(apm_undo_apply(u), -EAGAIN);
	assert_non_null(strstr(apm_undo_get_explanation(u),
			       "change #2 was undone meanwhile by another process"));
	apm_undo_unref(u);

	/* A tool that keeps no journal moved the mask between preview and apply. */
	u = preview(a, "undo change #1");
	mask(other, "-0x03");
	assert_int_equal(apm_undo_apply(u), -ESTALE);
	assert_non_null(strstr(apm_undo_get_explanation(u), "the aqmask was changed since"));
	apm_undo_unref(u);
	assert_string_not_equal(aqmask(a), first);

	/* Once the host is as change #1 left it again, it is undone. */
	mask(other, "+0x03");
	u = preview(a, "undo change #1");
	assert_int_equal(apm_undo_apply(u), 0);
	apm_undo_unref(u);
	assert_string_equal(aqmask(a), initial);
	assert_int_equal(apm_host_load(a, 0, &h), 0);
	assert_int_equal(apm_undo_new(h, NULL, &u), 0);
	apm_host_unref(h);
	assert_int_equal(apm_undo_get_prediction(u), -ENOENT);
	apm_undo_unref(u);
	apm_ctx_unref(other);
	apm_ctx_unref(b);
	apm_ctx_unref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
