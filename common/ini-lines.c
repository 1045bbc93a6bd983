// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ini-lines.c - the line-counting reader every INI file of apmatrix is
 * parsed through (see ini-lines.h for why it exists).
 */
#include "config.h"

#include <string.h>

#include "ini-lines.h"

void ini_lines_init(struct ini_lines *in, FILE *f, const char *name)
{
	memset(in, 0, sizeof(*in));
	in->f = f;
	in->name = name;
}

/*
 * What inih (r55, multi-line values and inline comments on, as Debian
 * builds it) does with the start of a line: skip blanks, comments (; #),
 * an indented line after NAME = VALUE (a continuation), [section] and
 * NAME = VALUE or NAME : VALUE.  Anything else it rejects silently.
 */
static void check_line(struct ini_lines *in, const char *str)
{
	const char *start = str + strspn(str, " \t\r\n");

	if (!*start || *start == ';' || *start == '#')
		return;
	if (start > str && in->after_name)
		return;
	if (*start == '[') {
		in->after_name = false;
		if (!strchr(start, ']'))
			in->bad_line(in, "a section header needs its ']'");
		return;
	}
	if (!strchr("=:", start[strcspn(start, "=:\n")]) || !start[strcspn(start, "=:\n")]) {
		in->bad_line(in, "not NAME = VALUE, a [section] or a ; comment");
		return;
	}
	in->after_name = true;
}

/*
 * The count is taken before a piece is handed over, so while inih parses
 * it in->line is the number of the line it came from, however many pieces
 * a long line takes.
 */
char *ini_lines_reader(char *str, int num, void *stream)
{
	struct ini_lines *in = stream;
	char *r;

	in->line = in->newlines + 1;
	r = fgets(str, num, in->f);
	if (r && !in->in_line && str[strspn(str, " \t")] == '[')
		in->section_line = in->line;
	if (r && !in->in_line && in->bad_line)
		check_line(in, str);
	if (r)
		in->in_line = !strchr(r, '\n');
	if (r && strchr(r, '\n'))
		in->newlines++;
	return r;
}
