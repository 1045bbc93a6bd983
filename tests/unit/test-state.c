// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-state.c - the simulated host's state file round-trips: what the
 * writer writes, the parser reads back to the very same file, for the
 * built-in scenario, the test scenarios and a file with every kind of
 * value (overrides of several names, guests, shadows, faults, counters).
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

#include "sim/sim.h"

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

static struct apm_ctx *ctx(void)
{
	static struct apm_ctx *c;

	if (!c) {
		assert_int_equal(apm_ctx_new_sim(NULL, &c), 0);
		apm_ctx_set_log_fn(c, quiet, NULL);
	}
	return c;
}

/* Parse text, write it: the file apmatrix would keep (malloc'd), or NULL. */
static char *cycle(const char *text)
{
	struct sim_state *st = sim_state_new();
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(st);
	assert_non_null(in);
	if (sim_state_parse(ctx(), "test", in, st)) {
		fclose(in);
		sim_state_free(st);
		return NULL;
	}
	fclose(in);
	f = open_memstream(&out, &len);
	assert_int_equal(sim_state_write(st, f), 0);
	fclose(f);
	sim_state_free(st);
	return out;
}

static void round_trip(const char *text)
{
	char *a = cycle(text), *b;

	assert_non_null(a);
	b = cycle(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	assert_int_equal(sim_state_incomplete(a, strlen(a)), 0);
	free(a);
	free(b);
}

static char *slurp(const char *name)
{
	char path[512], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s", TOP_SRCDIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void test_scenarios(void **state)
{
	static const char *const files[] = { "every-cell.ini", "static.ini", "override-619.ini" };

	(void)state;
	round_trip(sim_builtin_scenario);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text = slurp(files[i]);

		round_trip(text);
		free(text);
	}
}

static void test_every_value(void **state)
{
	const char *text =
		"[host]\nprofile = 6.19\nfeatures = APSC QACT\nap_domain = 4\npoll_thread = yes\n"
		"[lpar]\nadapters = 0x05:CEX8C,0x06-0x07:CEX7P\nusage_domains = 1,4,0x47\n"
		"control_domains = 1,2\n"
		"[adapter 0x06]\nconfig = 0\nse_config = 1\nonline = 0\nrequest_count = 77\n"
		"[queue 05.0001]\noverride = my_driver-2.0\nrequest_count = 123456789012\n"
		"[queue 05.0004]\noverride = other.drv\n"
		"[queue 06.0047]\nreset_rc = 0x05\nuninitiated = 1\n"
		"[mdev 11111111-2222-4333-8444-555555555555]\nadapters = 5\ndomains = 0x47\n"
		"guest = über-guest\nignore_release = yes\n"
		"[faults]\nbus/ap/apmask = EBUSY 3\ndevices/ap/card05/config = ok 1\n";
	char *a = cycle(text);

	(void)state;
	assert_non_null(a);
	assert_non_null(strstr(a, "override = my_driver-2.0\n"));
	assert_non_null(strstr(a, "override = other.drv\n"));
	assert_non_null(strstr(a, "request_count = 123456789012\n"));
	assert_non_null(strstr(a, "guest = über-guest\n"));
	assert_non_null(strstr(a, "bus/ap/apmask = EBUSY 3\n"));
	assert_non_null(strstr(a, "features = APSC QACT\n"));
	free(a);
	round_trip(text);
}

static void test_incomplete(void **state)
{
	char *a = cycle(sim_builtin_scenario);
	size_t len = strlen(a);

	(void)state;
	assert_int_equal(sim_state_incomplete(a, len), 0);
	assert_int_equal(sim_state_incomplete("", 0), 1);
	/* Written by hand: nothing says where it ends. */
	assert_int_equal(sim_state_incomplete("[host]\n", 7), 0);
	/* Cut: at a line boundary and in a line. */
	a[len - 1] = '\0';
	assert_int_equal(sim_state_incomplete(a, len - 1), 0); /* only the last '\n' */
	a[len - 2] = '\0';
	assert_true(sim_state_incomplete(a, len - 2) > 0);
	assert_true(sim_state_incomplete(a, 200) > 0);
	free(a);
}

/*
 * A refused value assigns nothing: "sclp = maybe" once stored an
 * uninitialised bool (fuzz-state, UBSan: not a valid value for type bool).
 */
static void test_refused_values(void **state)
{
	static const char *const texts[] = {
		"[host]\nvfio_ap = maybe\n",
		"[host]\nsclp = 2\n",
		"[host]\nbindings_armed = \n",
		"[host]\npoll_thread = sometimes\n",
		/*
		 * No key before inih's ':' delimiter: the value's first word
		 * became the fault's PATH, written back as "PATH= = EIO 1",
		 * which reads as another key (fuzz-state).
		 */
		"[faults]\n:bus/ap/apmask= 5\n",
		"[faults]\n= bus/ap/apmask EBUSY 1\n",
		"[lpar]\n: 0x05\n",
		/*
		 * A value beginning with ';' (no blank before it, so no inline
		 * comment): written back as "features = ; ma", it read as an
		 * empty value (fuzz-state).
		 */
		"[host]\nfeatures =; ma\n",
		"[host]\nhost_name =;x\n",
		/*
		 * A key given again in its section, or a section that comes
		 * once given again: the second [lpar] "adapters" emptied the
		 * LPAR but kept the first one's adapter types, and the file
		 * written from that did not load (fuzz-state).
		 */
		"[lpar]\nadapters = 4:CEX5C\nusage_domains = 1\nadapters = \n",
		"[lpar]\nadapters = 4:CEX5C\n[bus]\nadapters = 4\n[lpar]\nadapters = \n",
		"[host]\nsclp = yes\nvfio_ap = yes\nsclp = no\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_null(cycle(texts[i]));
}

static void count(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
	(*(int *)d)++;
}

/*
 * A state file another process breaks under an open context: the next
 * load fails (-EBADMSG), not an empty host, with the file's error logged
 * once; later loads of the same broken file log nothing; mended, it loads.
 */
static void test_broken_once(void **state)
{
	char path[] = "/tmp/apm-test-state-XXXXXX";
	int fd = mkstemp(path), logged = 0, once;
	char *good = cycle(sim_builtin_scenario), *bad;
	struct apm_host *h;
	struct apm_ctx *c;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	assert_int_equal(apm_ctx_new_sim(path, &c), 0);
	apm_ctx_set_log_fn(c, count, &logged);
	assert_int_equal(apm_host_load(c, 0, &h), 0);
	assert_int_equal(apm_host_get_mdev_count(h), 3);
	apm_host_unref(h);

	/* One line the parser rejects: its error, once per load that meets it. */
	bad = malloc(strlen(good) + 16);
	strcpy(bad, "bogus line\n");
	strcat(bad, good);
	f = fopen(path, "w");
	fputs(bad, f);
	fclose(f);
	assert_int_equal(apm_host_load(c, 0, &h), -EBADMSG);
	assert_int_equal(logged, 1);
	once = logged;
	assert_int_equal(apm_host_load(c, 0, &h), -EBADMSG);
	assert_int_equal(logged, once);

	f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	assert_int_equal(apm_host_load(c, 0, &h), 0);
	assert_int_equal(apm_host_get_mdev_count(h), 3);
	assert_int_equal(logged, once);
	apm_host_unref(h);
	apm_ctx_unref(c);
	unlink(path);
	free(good);
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),   cmocka_unit_test(test_every_value),
		cmocka_unit_test(test_incomplete),  cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_broken_once),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	apm_ctx_unref(ctx());
	return rc;
}
