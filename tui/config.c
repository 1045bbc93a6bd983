// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - key names and config.ini ([ui] theme, interval; [keys]
 * ACTION = KEY).  Every bad line is named, FILE:LINE: what is wrong, and
 * the rest of the file still counts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <ini.h>

#include "ini-lines.h"
#include "tui.h"

int key_parse(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} names[] = {
		{ "Tab", '\t' },	{ "S-Tab", KEY_BTAB },
		{ "Enter", '\n' },	{ "Esc", 27 },
		{ "Space", ' ' },	{ "Up", KEY_UP },
		{ "Down", KEY_DOWN },	{ "Left", KEY_LEFT },
		{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
		{ "PgDn", KEY_NPAGE },	{ "Home", KEY_HOME },
		{ "End", KEY_END },	{ "Backspace", KEY_BACKSPACE },
	};

	if (strlen(name) == 1 && isgraph((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (name[0] == '^' && strlen(name) == 2 && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - '@';
	/* F1..F12 exactly: sscanf's %d took "F5x", "F+5" and "F 05" for F5. */
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long n = strtol(name + 1, &end, 10);

		if (!*end && n <= 12)
			return KEY_F((int)n);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].key;
	return -1;
}

struct config_parse {
	struct ini_lines src; /* first: the stream inih reads */
	struct app *app;
	const char **theme;
	char theme_buf[256];
	report_fn report;
	void *data;
	int nerr;
};

/* "FILE:LINE: text": the file's path is outside text too ($XDG_CONFIG_HOME), escaped. */
static void config_report(struct config_parse *p, const char *text)
{
	char path[512], msg[1400];

	apm_text_escape(p->src.name, path, sizeof(path), APM_TEXT_ELLIPSIS);
	snprintf(msg, sizeof(msg), "%s:%d: %s", path, p->src.line, text);
	if (p->report)
		p->report(p->data, msg);
	p->nerr++;
}

static void config_err(struct config_parse *p, const char *what, const char *name)
{
	char safe[96], text[400];

	apm_text_escape(name, safe, sizeof(safe), APM_TEXT_ELLIPSIS);
	snprintf(text, sizeof(text), "%s '%s'", what, safe);
	config_report(p, text);
}

static void config_bad_line(struct ini_lines *in, const char *why)
{
	config_report((struct config_parse *)in, why);
}

static int config_handler(void *user, const char *section, const char *key, const char *value)
{
	struct config_parse *p = user;
	const struct action *a;

	if (!key)
		return 1;
	if (!strcmp(section, "ui") && !strcmp(key, "theme")) {
		snprintf(p->theme_buf, sizeof(p->theme_buf), "%s", value);
		if (!*p->theme)
			*p->theme = p->theme_buf;
	} else if (!strcmp(section, "ui") && !strcmp(key, "interval")) {
		char *end;
		long ms = strtol(value, &end, 10);

		if (end == value || *end || ms < 100 || ms > 600000)
			config_err(p, "interval must be 100..600000 ms, not", value);
		else
			p->app->interval_ms = (int)ms;
	} else if (!strcmp(section, "keys")) {
		int code = key_parse(value);

		a = action_by_name(key);
		if (!a)
			config_err(p, "no such action (apmatrix tui --list-actions):", key);
		else if (code < 0)
			config_err(p, "not a key name (x, ^X, Tab, F1, Up, PgDn, ...):", value);
		else {
			int i = (int)(a - actions);

			p->app->key_override[i] = code;
			snprintf(p->app->key_override_name[i], sizeof(p->app->key_override_name[0]),
				 "%s", value);
		}
	} else {
		config_err(p, "unknown setting", key);
	}
	return 1;
}

int config_load(struct app *app, const char **theme, report_fn report, void *data)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[1024], safe[256], msg[400];
	FILE *f;
	int rc, len;

	if (xdg && *xdg)
		len = snprintf(path, sizeof(path), "%s/apmatrix/config.ini", xdg);
	else
		len = snprintf(path, sizeof(path), "%s/.config/apmatrix/config.ini",
			       home ? home : "");
	/* A path cut to fit would be another file; one that cannot be read is said, not skipped. */
	f = len >= 0 && (size_t)len < sizeof(path) ? fopen(path, "r") : NULL;
	if (!f) {
		rc = len < 0 || (size_t)len >= sizeof(path) ? -ENAMETOOLONG : -errno;
		if (rc == -ENOENT)
			return 0;
		apm_text_escape(path, safe, sizeof(safe), APM_TEXT_ELLIPSIS);
		snprintf(msg, sizeof(msg), "%s: cannot read it (%s); the defaults are used", safe,
			 strerror(-rc));
		if (report)
			report(data, msg);
		return rc;
	}
	rc = config_read(app, theme, f, path, report, data);
	fclose(f);
	return rc;
}

int config_read(struct app *app, const char **theme, FILE *f, const char *path, report_fn report,
		void *data)
{
	struct config_parse p = { .app = app, .theme = theme, .report = report, .data = data };

	ini_lines_init(&p.src, f, path);
	p.src.bad_line = config_bad_line;
	ini_parse_stream(ini_lines_reader, &p, config_handler, &p);
	/* The theme name must outlive the parse. */
	if (*theme == p.theme_buf) {
		snprintf(app->config_theme, sizeof(app->config_theme), "%s", p.theme_buf);
		*theme = app->config_theme;
	}
	return p.nerr ? -EINVAL : 0;
}
