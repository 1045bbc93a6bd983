// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ini-lines.c - the line-counting reader every INI file of apmatrix is
 * parsed through (see ini-lines.h for why it exists).
 */
#include "config.h"

#include <stdbool.h>
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
 * The count is taken before a line is handed over, so while inih parses it
 * in->line is the number of the line it came from.
 *
 * inih has no line longer than its buffer (num, INI_MAX_LINE): it would
 * parse the first num - 1 bytes as the line (a value cut short, read as
 * another value) and the rest as lines of their own (a setting no line
 * holds).  So a line that does not fit is never handed over in pieces: a
 * comment is handed over as an empty comment, anything else as a line
 * inih rejects (no NAME = VALUE, so it calls no handler and counts a
 * syntax error there), and bad_line says why.
 */
char *ini_lines_reader(char *str, int num, void *stream)
{
	struct ini_lines *in = stream;
	size_t size = (size_t)num;
	const char *start;
	char *r, why[80];
	bool nl;
	int c;

	in->line = in->newlines + 1;
	/*
	 * fgets writes the last byte only when it fills the buffer, and a NUL
	 * in the line is no end of it: the newline is looked for in all of it.
	 */
	memset(str, 0, size - 1);
	str[size - 1] = 1;
	r = fgets(str, num, in->f);
	if (!r)
		return NULL;
	nl = memchr(str, '\n', size - 1);
	if (!nl && !str[size - 1] && (c = getc(in->f)) != EOF) {
		if (c == '\n') {
			/* The line filled the buffer exactly: its newline was next. */
			nl = true;
		} else {
			while (c != EOF && c != '\n')
				c = getc(in->f);
			if (c == '\n')
				in->newlines++;
			start = str + strspn(str, " \t\r");
			if (*start == ';' || *start == '#') {
				snprintf(str, size, ";\n");
				return str;
			}
			if (in->bad_line) {
				snprintf(why, sizeof(why), "the line is longer than %d bytes",
					 num - 1);
				in->bad_line(in, why);
			}
			snprintf(str, size, "\\\n");
			return str;
		}
	}
	if (str[strspn(str, " \t")] == '[')
		in->section_line = in->line;
	if (in->bad_line)
		check_line(in, str);
	if (nl)
		in->newlines++;
	return r;
}
