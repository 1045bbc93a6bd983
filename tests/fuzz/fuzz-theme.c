// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-theme.c - the console's theme loader, theme_read() (tui/theme.c: what
 * theme_load() does with the file it opened), reading a theme file through
 * inih and the line reader (common/ini-lines.c).  The file is the input in
 * memory (fmemopen): no file is written or opened per input.
 *
 * The first byte picks monochrome; the rest is the file.  Whatever the
 * bytes: the load answers 0 or -EINVAL, -EINVAL exactly when it reported
 * something, and every report is "FILE:LINE: sentence" with a line the file
 * has, safe for a terminal.  The theme it makes holds only colours and
 * attributes a theme can name (none but the terminal's default in
 * monochrome), and it round-trips: written out as a theme file and loaded
 * again, it loads without a word and gives the same theme.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tui.h"

static const char *const colour_names[] = { "black", "red",	"green", "yellow",
					    "blue",  "magenta", "cyan",	 "white" };
static const struct {
	const char *name;
	int value;
} attr_names[] = {
	{ "bold", A_BOLD },	      { "dim", A_DIM },		  { "reverse", A_REVERSE },
	{ "underline", A_UNDERLINE }, { "standout", A_STANDOUT },
};

struct reports {
	char *text;
	size_t len, size;
	unsigned int n;
};

/* Every report, one a line; a file of many bad lines makes many (no limit here). */
static void collect(void *data, const char *msg)
{
	struct reports *r = data;
	size_t n = strlen(msg) + 1;

	r->n++;
	if (r->len + n + 1 > r->size) {
		r->size = 2 * (r->len + n + 1);
		r->text = realloc(r->text, r->size);
		if (!r->text)
			abort();
	}
	memcpy(r->text + r->len, msg, n - 1);
	r->text[r->len + n - 1] = '\n';
	r->len += n;
	r->text[r->len] = '\0';
}

static void reports_clear(struct reports *r)
{
	collect(r, "");
	r->len = 0;
	r->n = 0;
	r->text[0] = '\0';
}

/* theme_read() of the size bytes at data, named path, as theme path. */
static int read_theme(struct theme *t, const char *path, const void *data, size_t size, bool mono,
		      struct reports *rep)
{
	FILE *f = fmemopen((void *)data, size, "r");
	int rc;

	if (!f)
		abort();
	rc = theme_read(t, f, path, path, mono, collect, rep);
	fclose(f);
	return rc;
}

static const char *colour(short c)
{
	fuzz_assert(c >= -1 && c < 8, "colour %d is none a theme names", c);
	return c < 0 ? "default" : colour_names[c];
}

/* The theme as a theme file would say it. */
static size_t format_theme(const struct theme *t, char *buf, size_t size)
{
	size_t at = (size_t)snprintf(buf, size, "[roles]\n");

	for (int r = 0; r < ROLE_COUNT; r++) {
		int attrs = t->e[r].attrs;

		at += (size_t)snprintf(buf + at, size - at, "%s = %s, %s", role_name((enum role)r),
				       colour(t->e[r].fg), colour(t->e[r].bg));
		for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
			if (attrs & attr_names[i].value) {
				at += (size_t)snprintf(buf + at, size - at, ", %s",
						       attr_names[i].name);
				attrs &= ~attr_names[i].value;
			}
		fuzz_assert(!attrs, "role %s: attributes 0x%x a theme cannot name",
			    role_name((enum role)r), (unsigned int)attrs);
		at += (size_t)snprintf(buf + at, size - at, "\n");
	}
	fuzz_assert(at < size, "the theme does not fit its own file");
	return at;
}

/* text has a whole line (with its newline) that is line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; *s; s = strchr(s, '\n') + 1)
		if (!strncmp(s, line, n))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "themes/fuzz.ini", again[] = "themes/again.ini";
	static struct reports rep;
	struct theme t, t2;
	char buf[8192];
	size_t lines = 1, n;
	bool mono;
	int rc;

	if (!size)
		return 0;
	mono = data[0] & 1;
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	reports_clear(&rep);
	rc = read_theme(&t, path, data + 1, size - 1, mono, &rep);
	fuzz_assert(rc == 0 || rc == -EINVAL, "theme_load returned %d", rc);
	fuzz_assert((rc == -EINVAL) == (rep.n > 0), "answered %d after %u reports", rc, rep.n);
	fuzz_check_file_errors("theme reports", rep.text, path);
	for (const char *s = rep.text; *s; s = strchr(s, '\n') + 1) {
		long line = strtol(s + strlen(path) + 1, NULL, 10);

		fuzz_assert((size_t)line <= lines, "a report names line %ld of %zu", line, lines);
	}
	/* A line inih cannot read whole that is no comment is named, never read in pieces. */
	for (size_t i = 1, no = 1; i < size; no++) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - data - i) : size - i, b = i;
		char want[96];

		while (b < i + len && b < i + 199 &&
		       (data[b] == ' ' || data[b] == '\t' || data[b] == '\r'))
			b++;
		if (len > 199 && (b == i + len || (data[b] != ';' && data[b] != '#'))) {
			snprintf(want, sizeof(want), "%s:%zu: the line is longer than 199 bytes\n",
				 path, no);
			fuzz_assert(has_line(rep.text, want),
				    "line %zu (%zu bytes) is not named as too long", no, len);
		}
		i += len + 1;
	}
	for (int r = 0; r < ROLE_COUNT; r++)
		fuzz_assert(!mono || (t.e[r].fg == -1 && t.e[r].bg == -1),
			    "monochrome, but role %s has colours", role_name((enum role)r));

	/* The round trip. */
	n = format_theme(&t, buf, sizeof(buf));
	reports_clear(&rep);
	rc = read_theme(&t2, again, buf, n, mono, &rep);
	fuzz_assert(!rc && !rep.n, "the theme written out does not load (%d): %s", rc, rep.text);
	for (int r = 0; r < ROLE_COUNT; r++)
		fuzz_assert(!memcmp(&t.e[r], &t2.e[r], sizeof(t.e[r])),
			    "role %s does not round-trip", role_name((enum role)r));
	return 0;
}
