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
	if (r && str[strspn(str, " \t")] == '[')
		in->section_line = in->line;
	if (r && strchr(r, '\n'))
		in->newlines++;
	return r;
}
