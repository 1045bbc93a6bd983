// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-config.c - the console's config.ini loader, config_read()
 * (tui/config.c: what config_load() does with the file it opened): [ui]
 * theme and interval, [keys] ACTION = KEY, read through inih and the line
 * reader (common/ini-lines.c).  The file is the input in memory
 * (fmemopen): no file is written or opened per input.
 *
 * Whatever the file: the load answers 0 or -EINVAL, -EINVAL exactly when it
 * reported something, every report is "FILE:LINE: sentence" with a line the
 * file has, safe for a terminal, and what it set is what a config.ini can
 * say: an interval of 100..600000 ms, a key binding to a key whose name
 * parses to that key, a theme named whole.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tui.h"

static const char path[] = "apmatrix/config.ini";
static char *reports;
static size_t reports_len, reports_size;
static unsigned int nreports;

/* Every report, one a line; a file of many bad lines makes many (no limit here). */
static void collect(void *data, const char *msg)
{
	size_t n = strlen(msg) + 1;

	(void)data;
	nreports++;
	if (reports_len + n + 1 > reports_size) {
		reports_size = 2 * (reports_len + n + 1);
		reports = realloc(reports, reports_size);
		if (!reports)
			abort();
	}
	memcpy(reports + reports_len, msg, n - 1);
	reports[reports_len + n - 1] = '\n';
	reports_len += n;
	reports[reports_len] = '\0';
}

/* A key name as the manual writes them: x, ^X, F1..F12 or a word. */
static bool canonical(const char *name)
{
	static const char *const words[] = { "Tab",  "S-Tab", "Enter", "Esc",	   "Space",
					     "Up",   "Down",  "Left",  "Right",	   "PgUp",
					     "PgDn", "Home",  "End",   "Backspace" };
	char f[8];

	if (strlen(name) == 1 || (name[0] == '^' && strlen(name) == 2))
		return true;
	for (int n = 1; n <= 12; n++) {
		snprintf(f, sizeof(f), "F%d", n);
		if (!strcmp(name, f))
			return true;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(name, words[i]))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct app app;
	const char *theme = NULL;
	size_t lines = 1;
	FILE *f = fmemopen((void *)data, size, "r");
	int rc;

	if (!f)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&app, 0, sizeof(app));
	app.interval_ms = 1000;
	collect(NULL, ""); /* the buffer exists; then it is emptied */
	reports_len = 0;
	nreports = 0;
	reports[0] = '\0';
	rc = config_read(&app, &theme, f, path, collect, NULL);
	fclose(f);
	fuzz_assert(rc == 0 || rc == -EINVAL, "config_load returned %d", rc);
	fuzz_assert((rc == -EINVAL) == (nreports > 0), "answered %d after %u reports", rc,
		    nreports);
	fuzz_check_file_errors("config reports", reports, path);
	for (const char *s = reports; *s; s = strchr(s, '\n') + 1) {
		long line = strtol(s + strlen(path) + 1, NULL, 10);

		fuzz_assert((size_t)line <= lines, "a report names line %ld of %zu", line, lines);
	}
	fuzz_assert(app.interval_ms == 1000 ||
			    (app.interval_ms >= 100 && app.interval_ms <= 600000),
		    "interval %d ms", app.interval_ms);
	fuzz_assert(!theme || (theme == app.config_theme && memchr(theme, '\0', 200)),
		    "the theme name is not the config's own");
	for (const struct action *a = actions; a->name; a++) {
		int i = (int)(a - actions);

		if (!app.key_override[i])
			continue;
		fuzz_assert(key_parse(app.key_override_name[i]) == app.key_override[i] &&
				    canonical(app.key_override_name[i]),
			    "action %s: key %d is not what '%s' names", a->name,
			    app.key_override[i], app.key_override_name[i]);
	}
	return 0;
}
