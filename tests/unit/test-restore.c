// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-restore.c - the restore file of a guided migration (core/restore.c):
 * a round trip keeps everything; a file cut short, corrupted, edited or
 * of another version is refused with a sentence that names the file; an
 * existing file is not overwritten by accident; and the replug check
 * (core/replug-check.c) names an APQN whose master key differs; a matrix
 * too big for the kernel's one page is refused, only a cut guest_matrix
 * page is recorded as such.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "apm-private.h"
#include "libapmatrix-sim.h"

#define GUEST1 "62177883-f1bb-47f0-914d-32a22e3a8804"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/apm-restore-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct apm_restore *make(struct apm_host **hp)
{
	struct apm_ctx *ctx;
	struct apm_host *h;
	struct apm_restore *r;

	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "kernel/apsim/host_name", "hostA\n", 6), 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_ctx_unref(ctx);
	assert_int_equal(apm_restore_new(h, "6217", "dom1", &r), 0);
	if (hp)
		*hp = h;
	else
		apm_host_unref(h);
	return r;
}

static char *path_of(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_round_trip(void **state)
{
	struct apm_restore *r = make(NULL), *back;
	struct apm_restore_apqn q, q2;
	struct apm_mask m1, m2;
	const char *p = path_of("rt.json");
	char err[400];

	(void)state;
	assert_string_equal(apm_restore_get_uuid(r), GUEST1);
	assert_string_equal(apm_restore_get_guest(r), "Guest1");
	assert_string_equal(apm_restore_get_domain(r), "dom1");
	assert_string_equal(apm_restore_get_source(r)->name, "hostA");
	assert_int_equal(apm_restore_get_apqn_count(r), 4);
	assert_int_equal(apm_restore_save(r, p, 0), 0);
	assert_int_equal(apm_restore_save(r, p, 0), -EEXIST);
	assert_int_equal(apm_restore_load(p, &back, err, sizeof(err)), 0);
	assert_string_equal(apm_restore_get_text(back), apm_restore_get_text(r));
	assert_string_equal(apm_restore_get_uuid(back), GUEST1);
	assert_string_equal(apm_restore_get_guest(back), "Guest1");
	assert_string_equal(apm_restore_get_created(back), apm_restore_get_created(r));
	for (int k = 0; k < 6; k++) {
		apm_restore_get_mask(r, (enum apm_kind)k, &m1);
		apm_restore_get_mask(back, (enum apm_kind)k, &m2);
		assert_memory_equal(&m1, &m2, sizeof(m1));
	}
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(apm_restore_get_apqn(r, i, &q), 0);
		assert_int_equal(apm_restore_get_apqn(back, i, &q2), 0);
		assert_int_equal(q.adapter, q2.adapter);
		assert_int_equal(q.domain, q2.domain);
		assert_int_equal(q.hwtype, q2.hwtype);
		assert_string_equal(q.type, q2.type);
		assert_string_equal(q.mode, q2.mode);
		assert_int_equal(q.nmkvps, q2.nmkvps);
	}
	apm_restore_unref(back);
	apm_restore_unref(r);
}

/* The text of a fresh restore file with from replaced by to (once), written as name. */
static const char *variant(const char *name, const char *from, const char *to)
{
	struct apm_restore *r = make(NULL);
	const char *t = apm_restore_get_text(r);
	const char *at = strstr(t, from);
	char *out;
	size_t n;

	assert_non_null(at);
	n = strlen(t) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	assert_non_null(out);
	snprintf(out, n + 1, "%.*s%s%s", (int)(at - t), t, to, at + strlen(from));
	put(path_of(name), out, strlen(out));
	free(out);
	apm_restore_unref(r);
	return path_of(name);
}

static void refused(const char *path, int want, const char *words)
{
	struct apm_restore *r = NULL;
	char err[400];

	assert_int_equal(apm_restore_load(path, &r, err, sizeof(err)), want);
	assert_null(r);
	assert_non_null(strstr(err, path));
	if (!strstr(err, words))
		fail_msg("'%s' does not say '%s'", err, words);
}

static void test_truncated(void **state)
{
	struct apm_restore *r = make(NULL);
	const char *t = apm_restore_get_text(r);

	(void)state;
	put(path_of("cut.json"), t, strlen(t) / 2);
	refused(path_of("cut.json"), -EINVAL, "cut short");
	put(path_of("empty.json"), t, 0);
	refused(path_of("empty.json"), -EINVAL, "empty");
	apm_restore_unref(r);
}

static void test_corrupted(void **state)
{
	(void)state;
	refused(variant("bad.json", "\"body\": {", "\"body\": {]"), -EINVAL, "bad JSON");
	refused(variant("other.json", "apmatrix-restore", "something-else"), -EINVAL,
		"not a restore file");
	refused(variant("nofield.json", "\"mdev\"", "\"mdev_\""), -EBADMSG, "checksum");
}

static void test_tampered(void **state)
{
	(void)state;
	refused(variant("edit.json", "\"adapter\": 5", "\"adapter\": 7"), -EBADMSG,
		"changed after apmatrix wrote it");
	refused(variant("guest.json", "\"Guest1\"", "\"Guest9\""), -EBADMSG, "checksum mismatch");
}

static void test_version(void **state)
{
	(void)state;
	refused(variant("v2.json", "\"version\": 1", "\"version\": 2"), -EPROTO,
		"version 2; this apmatrix reads version 1");
}

/* What an error quotes of the file is escaped: the library's err is safe for a terminal. */
static void test_escaped(void **state)
{
	struct apm_restore *r = NULL;
	const char *path = variant(
		"esc.json", "\"checksum\": \"crc32:", "\"checksum\": \"\\u001b[31m\\u009bcrc32:");
	char err[400];

	(void)state;
	assert_int_equal(apm_restore_load(path, &r, err, sizeof(err)), -EBADMSG);
	if (strchr(err, '\033') || strstr(err, "\302\233") ||
	    !strstr(err, "\\x1b[31m\\xc2\\x9bcrc32:"))
		fail_msg("not escaped: '%s'", err);
}

static int first_refused(const struct apm_replug_verdict *v, void *data)
{
	char *out = data;

	if (v->code != APM_REPLUG_OK && !out[0])
		snprintf(out, 400, "%s", v->text);
	return 0;
}

/* On the source itself with keys read, everything is pluggable; a changed AES key is named. */
static void test_check(void **state)
{
	struct apm_host *h;
	struct apm_restore *r = make(&h);
	struct apm_keys *k;
	struct apm_mask am, dm;
	char err[400], text[400] = "";
	struct apm_ctx *ctx = apm_host_get_ctx(h);
	struct apm_host *h2;

	(void)state;
	apm_restore_get_mask(r, APM_KIND_ADAPTER, &am);
	apm_restore_get_mask(r, APM_KIND_DOMAIN, &dm);
	/* Guest1's queues are vfio_ap's and in its mdev: nothing to read, nothing lent. */
	assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, err, sizeof(err)), 0);
	assert_int_equal(apm_keys_foreach(k, 5, 4, NULL, NULL), -ENOENT);
	assert_string_equal(apm_keys_get_notes(k), "");
	apm_keys_unref(k);
	/* Its mdev emptied, the queues are free: lent to zcrypt and read. */
	assert_int_equal(apm_ctx_write_attr(ctx, "devices/vfio_ap/matrix/" GUEST1 "/ap_config",
					    "0x0,0x0,0x0\n", 12),
			 0);
	assert_int_equal(apm_host_load(ctx, 0, &h2), 0);
	apm_host_unref(h);
	h = h2;
	assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, err, sizeof(err)), 0);
	assert_non_null(strstr(apm_keys_get_notes(k), "wrote aqmask"));
	/* The source recorded no patterns (its queues were vfio_ap's): keys unknown, not refused. */
	assert_int_equal(apm_restore_check(r, h, NULL, NULL, k, first_refused, text), 0);
	assert_non_null(strstr(text, "no master-key patterns"));
	{
		struct apm_restore *r2;

		assert_int_equal(apm_restore_new_with_keys(r, k, &r2), 0);
		assert_true(apm_restore_keys_read(r2));
		text[0] = '\0';
		assert_int_equal(apm_restore_check(r2, h, NULL, NULL, k, first_refused, text), 0);
		assert_string_equal(text, "");
		apm_keys_unref(k);
		assert_int_equal(apm_ctx_write_attr(ctx, "kernel/apsim/mkvp",
						    "05.00ab aes_cur valid 0x8b02aa55aa55aa55\n",
						    41),
				 0);
		assert_int_equal(apm_host_load(ctx, 0, &h2), 0);
		apm_host_unref(h);
		h = h2;
		assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, err, sizeof(err)), 0);
		assert_int_equal(apm_restore_check(r2, h, NULL, NULL, k, first_refused, text), 1);
		assert_non_null(
			strstr(text, "05.00ab: master key patterns differ (AES CUR source valid"));
		assert_non_null(strstr(text, "target valid 0x8b02aa55"));
		assert_non_null(strstr(text, "the guest's AES secure keys will not work here"));
		apm_restore_unref(r2);
	}
	apm_keys_unref(k);
	apm_restore_unref(r);
	apm_host_unref(h);
}

/*
 * A big matrix (16 x 85) as each kernel shows it: before 6.10 from one
 * 4 KiB matrix page that cannot hold it (refused whole, -EFBIG); from 6.10
 * whole in ap_config, only its guest_matrix page cut short (recorded, the
 * guest's part marked incomplete).  The two pages are told apart.
 */
static struct apm_restore *big(const char *profile, int *rc)
{
	char path[128], text[512];
	struct apm_restore *r = NULL;
	struct apm_ctx *ctx;
	struct apm_host *h;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big-%s.ini", dir, profile);
	snprintf(text, sizeof(text),
		 "[host]\nprofile = %s\naqmask = -0x01-0x55\n[lpar]\nadapters = 0x10-0x1f:CEX8C\n"
		 "usage_domains = 0x01-0x55\ncontrol_domains = 0x01-0x56\n[mdev " GUEST1 "]\n"
		 "adapters = 0x10-0x1f\ndomains = 0x01-0x55\ncontrol_domains = 0x56\nguest = big\n",
		 profile);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(apm_ctx_new_sim(path, &ctx), 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_ctx_unref(ctx);
	*rc = apm_restore_new(h, GUEST1, NULL, &r);
	apm_host_unref(h);
	return r;
}

static void test_pages(void **state)
{
	struct apm_restore *r;
	struct apm_mask m;
	int rc;

	(void)state;
	assert_null(big("6.0", &rc));
	assert_int_equal(rc, -EFBIG);
	r = big("6.13", &rc);
	assert_int_equal(rc, 0);
	assert_false(apm_restore_guest_complete(r));
	apm_restore_get_mask(r, APM_SET_DOMAINS, &m);
	assert_true(apm_mask_test(&m, 0x55));
	assert_int_equal(apm_restore_get_apqn_count(r), 16 * 85);
	apm_restore_unref(r);
}

/*
 * The seam of the context the keys are read on, with the fail_at-th write
 * to bus/ap/apmask (0: every one) answered fail_errno.
 */
static const struct apm_backend_ops *real_ops;
static unsigned int apmask_writes, fail_at;
static int fail_errno;

static int failing_write(void *be, const char *path, const char *buf, size_t len)
{
	if (!strcmp(path, "bus/ap/apmask") && (++apmask_writes == fail_at || !fail_at))
		return fail_errno;
	return real_ops->write(be, path, buf, len);
}

/*
 * Adapter 5 and domain 4 are vfio_ap's, 05.0004 is in no mdev: both masks
 * lend it (aqmask, apmask) and put it back (apmask, aqmask).
 */
static struct apm_host *lendable(struct apm_backend_ops *ops, unsigned int at, int errnum)
{
	struct apm_ctx *ctx;
	struct apm_host *h;
	const char *p = path_of("lend.ini");
	static const char ini[] = "[host]\napmask = -5\naqmask = -4\n"
				  "[lpar]\nadapters = 5:CEX7C\nusage_domains = 4\n";

	unlink(p);
	put(p, ini, sizeof(ini) - 1);
	assert_int_equal(apm_ctx_new_sim(p, &ctx), 0);
	real_ops = ctx->ops;
	*ops = *real_ops;
	ops->write = failing_write;
	ctx->ops = ops;
	apmask_writes = 0;
	fail_at = at;
	fail_errno = errnum;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_ctx_unref(ctx);
	return h;
}

/*
 * The masks cannot be put back: the operator gets what to run whole,
 * first, whatever the explanations after it (EDEADLK's is the longest a
 * mask write gets, and with two masks written the message outgrows the
 * 600 bytes core/migrate.c gave it); a message cut to fit says so.
 */
static void test_keys_not_put_back(void **state)
{
	struct apm_backend_ops ops;
	struct apm_mask am = { { 0 } }, dm = { { 0 } }, apm0, aqm0;
	struct apm_keys *k = NULL;
	struct apm_host *h;
	char err[600], whole[4096], a[80], q[80], run[400];
	size_t len;

	(void)state;
	apm_mask_set(&am, 5);
	apm_mask_set(&dm, 4);
	h = lendable(&ops, 2, -EDEADLK);
	apm_host_get_apmask(h, &apm0);
	apm_host_get_aqmask(h, &aqm0);
	apm_mask_format(&apm0, a);
	apm_mask_format(&aqm0, q);
	snprintf(
		run, sizeof(run),
		"the masks could not be put back: run `apmatrix mask apmask %s` and `apmatrix mask aqmask %s`",
		a, q);
	assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, err, sizeof(err)), -EIO);
	assert_null(k);
	if (strncmp(err, run, strlen(run)))
		fail_msg("the instruction is not first and whole: '%s'", err);
	len = strlen(err);
	if (len == sizeof(err) - 1 && strcmp(err + len - 3, "..."))
		fail_msg("cut short without a word: '%s'", err);
	apm_host_unref(h);

	/* With room, the whole story on one line: the instruction, why, what was written. */
	h = lendable(&ops, 2, -EDEADLK);
	assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, whole, sizeof(whole)), -EIO);
	assert_int_equal(strncmp(whole, run, strlen(run)), 0);
	assert_non_null(strstr(whole, "; apmask "));
	assert_non_null(strstr(whole, "the kernel answered EDEADLK"));
	assert_non_null(strstr(whole, "; wrote aqmask 0x"));
	assert_non_null(strstr(whole, "; wrote apmask 0x"));
	assert_null(strchr(whole, '\n'));
	assert_null(strstr(whole, "..."));
	apm_host_unref(h);

	/* However small err is, a cut message ends in as much of "..." as fits. */
	for (size_t size = 1; size <= 6; size++) {
		size_t dots = size - 1 < 3 ? size - 1 : 3;

		h = lendable(&ops, 2, -EDEADLK);
		memset(whole, 'x', sizeof(whole));
		assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, whole, size), -EIO);
		assert_int_equal(strlen(whole), size - 1);
		if (strcmp(whole + size - 1 - dots, "..." + 3 - dots))
			fail_msg("cut to %zu bytes without a mark: '%s'", size, whole);
		assert_int_equal(whole[size], 'x');
		apm_host_unref(h);
	}
}

/*
 * Two writes fail, the lend's and the put-back's: each is named (the
 * first is not overwritten by the second), the instruction first.
 */
static void test_keys_two_failures(void **state)
{
	struct apm_backend_ops ops;
	struct apm_mask am = { { 0 } }, dm = { { 0 } };
	struct apm_keys *k = NULL;
	struct apm_host *h;
	char err[4096];

	(void)state;
	apm_mask_set(&am, 5);
	apm_mask_set(&dm, 4);
	/* Every apmask write fails: the lend's (the first) and the put-back's. */
	h = lendable(&ops, 0, -EIO);
	assert_int_equal(apm_keys_read(&h, &am, &dm, true, &k, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "the masks could not be put back: run `apmatrix mask apmask "));
	assert_true(strstr(err, "the masks could not be put back") == err);
	/* The lend's write (adapter 5 to the host: 0xff...) and the put-back's (0xfb...) both. */
	assert_non_null(strstr(err, "; apmask 0xffff"));
	assert_non_null(strstr(err, "; apmask 0xfbff"));
	apm_host_unref(h);
}

/* An error about a file of a long path does not fit err: it ends in "...", never cut as if whole. */
static void test_long_path(void **state)
{
	char path[1024], seg[201], err[400];
	struct apm_restore *r = NULL;
	size_t len;

	(void)state;
	memset(seg, 'd', sizeof(seg) - 1);
	seg[sizeof(seg) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, seg);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, seg, seg);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/%s/bad.json", dir, seg, seg);
	put(path, "{", 1);
	assert_int_equal(apm_restore_load(path, &r, err, sizeof(err)), -EINVAL);
	assert_null(r);
	len = strlen(err);
	assert_int_equal(len, sizeof(err) - 1);
	if (strcmp(err + len - 3, "..."))
		fail_msg("cut without a mark: '%s'", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_keys_not_put_back),
		cmocka_unit_test(test_keys_two_failures),
		cmocka_unit_test(test_long_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
