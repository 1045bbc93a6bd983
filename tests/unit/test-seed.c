// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-seed.c - runs tests/fixtures/seed-examples.txt: every example of the
 * vfio-ap document against the simulated host, expecting the kernel's
 * answer (the fixture names the source and where the document is wrong).
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

#include "libapmatrix-sim.h"

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static struct apm_ctx *fresh(const char *scenario, char *path)
{
	struct apm_ctx *ctx;
	FILE *f;

	strcpy(path, "/tmp/apm-seed-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	fputs(scenario, f);
	fclose(f);
	assert_int_equal(apm_ctx_new_sim(path, &ctx), 0);
	return ctx;
}

static void test_seed_examples(void **state)
{
	char line[1024], scenario[4096] = "", path[64] = "", buf[8192];
	struct apm_ctx *ctx = NULL;
	FILE *f = fopen(SEED_FIXTURE, "r");
	int lineno = 0, checked = 0, failed = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *fields[5] = { 0 }, *p = line;
		int n = 0, rc;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "= ", 2)) {
			strcat(scenario, line + 2);
			strcat(scenario, "\n");
			continue;
		}
		if (!strcmp(line, "@reset")) {
			if (ctx) {
				apm_ctx_unref(ctx);
				unlink(path);
			}
			ctx = fresh(scenario, path);
			continue;
		}
		while (n < 5 && (fields[n++] = strsep(&p, "|")))
			;
		assert_non_null(ctx);
		if (line[0] == 'w') {
			const char *want = fields[3];

			unescape(fields[2]);
			rc = apm_ctx_write_attr(ctx, fields[1], fields[2], strlen(fields[2]));
			if (strcmp(apm_errno_name(rc), strcmp(want, "OK") ? want : "OK")) {
				print_error(
					"seed-examples.txt:%d: %s <- '%s': kernel says %s, got %s (%s)\n",
					lineno, fields[1], fields[2], want, apm_errno_name(rc),
					fields[4]);
				failed++;
			}
		} else if (line[0] == 'r') {
			unescape(fields[2]);
			rc = apm_ctx_read_attr(ctx, fields[1], buf, sizeof(buf));
			if (rc < 0 || strcmp(buf, fields[2])) {
				print_error(
					"seed-examples.txt:%d: %s reads '%s', expected '%s' (%s)\n",
					lineno, fields[1], rc < 0 ? apm_errno_name(rc) : buf,
					fields[2], fields[3]);
				failed++;
			}
		} else {
			fail_msg("seed-examples.txt:%d: unknown line", lineno);
		}
		checked++;
	}
	fclose(f);
	apm_ctx_unref(ctx);
	unlink(path);
	assert_true(checked > 40);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
