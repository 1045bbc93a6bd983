// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-tui.c - the console's own text paths that need no terminal: a
 * start-up report (config.ini, a theme) reaches stderr and the log
 * escaped, whoever called it, and text a caller escaped already comes out
 * the same (never escaped twice); a name quoted in a report of config.ini
 * or of a theme is whole, or cut with "..." (never shown as if whole).
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
	/* Whole in the log too, however long (app_log() formats into 4096 bytes). */
	{
		static char big[6000], out[7000];

		memset(big, 'r', sizeof(big) - 1);
		stderr_of(app_report, app, big, out, sizeof(out));
		assert_int_equal(strlen(out), strlen("apmatrix: \n") + sizeof(big) - 1);
		assert_int_equal(strlen(app_log_entry(app, 0)->text), sizeof(big) - 1);
	}
	for (unsigned int i = 0; i < LOG_MAX; i++)
		free(app->log_ring[i].text);
	free(app);
}

static char last[2048];

static void keep(void *data, const char *msg)
{
	(void)data;
	snprintf(last, sizeof(last), "%s", msg);
}

/* A name of size - 1 'a's: longer than a report quoted before, shorter than a line may be (199). */
static void long_name(char *name, size_t size)
{
	memset(name, 'a', size - 1);
	name[size - 1] = '\0';
}

static void assert_quoted_whole_or_marked(const char *report, const char *name)
{
	const char *q = strchr(report, '\'');
	const char *end = q ? strchr(q + 1, '\'') : NULL;
	size_t len;

	if (!q || !end)
		fail_msg("no quoted name in '%s'", report);
	len = (size_t)(end - q - 1);
	if (len == strlen(name) && !strncmp(q + 1, name, len))
		return;
	if (len < 3 || strncmp(end - 3, "...", 3))
		fail_msg("the name is cut without a mark: '%s'", report);
}

static void test_long_names(void **state)
{
	struct app *app = calloc(1, sizeof(*app));
	struct theme *t = calloc(1, sizeof(*t));
	const char *theme = NULL;
	char name[151], text[400];
	FILE *f;

	(void)state;
	assert_non_null(app);
	assert_non_null(t);
	long_name(name, sizeof(name));
	snprintf(text, sizeof(text), "[keys]\n%s = x\n", name);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	last[0] = '\0';
	assert_int_equal(config_read(app, &theme, f, "config.ini", keep, NULL), -EINVAL);
	fclose(f);
	if (!strstr(last, "config.ini:2: no such action"))
		fail_msg("%s", last);
	assert_quoted_whole_or_marked(last, name);

	snprintf(text, sizeof(text), "[roles]\n%s = red\n", name);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	last[0] = '\0';
	theme_read(t, f, "t.ini", "t", false, keep, NULL);
	fclose(f);
	assert_non_null(strstr(last, "t.ini:2: unknown role"));
	assert_quoted_whole_or_marked(last, name);
	free(t);
	free(app);
}

/*
 * A wizard's check row holds the library's text whole, however long: a
 * check error of 5000 bytes (a long restore path, a mask write's refusal
 * with the kernel's explanation) was cut at 2400 bytes and a verdict at
 * 800, without a mark; a line of the masks' text with a control
 * character in it was cut where escaping lengthened it.
 */
static void test_check_rows_whole(void **state)
{
	struct doc d = { 0 };
	static char raw[5000], want[5100];
	size_t at;

	(void)state;
	memset(raw, 'k', sizeof(raw) - 1);
	raw[10] = '\033';
	wizard_check_row(&d, ROLE_ERROR, "error", raw, strlen(raw));
	at = (size_t)snprintf(want, sizeof(want), "  %-8s %.10s\\x1b", "error", raw);
	memset(want + at, 'k', sizeof(raw) - 1 - 11);
	want[at + sizeof(raw) - 1 - 11] = '\0';
	assert_int_equal(d.n, 1);
	assert_int_equal(strlen(d.p[0].text), strlen(want));
	assert_string_equal(d.p[0].text, want);

	/* A line of several: only its own bytes, escaped whole. */
	wizard_check_row(&d, ROLE_DIM, "masks", "apmask 0x\033[2J: EBUSY\nwrote aqmask", 20);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.p[1].text, "  masks    apmask 0x\\x1b[2J: EBUSY");
	doc_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_escapes),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_check_rows_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
