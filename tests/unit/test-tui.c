// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-tui.c - the console's own text paths that need no terminal: a
 * start-up report (config.ini, a theme) reaches stderr and the log
 * escaped, whoever called it, and text a caller escaped already comes out
 * the same (never escaped twice).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui.h"

/* What fn(app, msg) writes on stderr, into out. */
static void stderr_of(void (*fn)(void *, const char *), struct app *app, const char *msg, char *out,
		      size_t size)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fileno(f), 2), 2);
	fn(app, msg);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void test_report_escapes(void **state)
{
	struct app *app = calloc(1, sizeof(*app));
	char err[512];

	(void)state;
	assert_non_null(app);
	app->prog = "apmatrix";
	/* Raw text from a caller that forgot: ESC, a C1 CSI, a newline. */
	stderr_of(app_report, app, "theme 'x\033[2J\302\233y': bad\nline", err, sizeof(err));
	assert_string_equal(err, "apmatrix: theme 'x\\x1b[2J\\xc2\\x9by': bad\\x0aline\n");
	assert_string_equal(app_log_entry(app, 0)->text,
			    "theme 'x\\x1b[2J\\xc2\\x9by': bad\\x0aline");
	/* Escaped already (config.c, theme.c do): the same, not \\x5c... */
	stderr_of(app_report, app, "cfg.ini:3: unknown setting 'a\\x1bb'", err, sizeof(err));
	assert_string_equal(err, "apmatrix: cfg.ini:3: unknown setting 'a\\x1bb'\n");
	assert_string_equal(app_log_entry(app, 0)->text, "cfg.ini:3: unknown setting 'a\\x1bb'");
	for (unsigned int i = 0; i < LOG_MAX; i++)
		free(app->log_ring[i].text);
	free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
