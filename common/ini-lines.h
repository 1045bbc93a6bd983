/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ini-lines.h - INI files read through inih with their line numbers.
 *
 * The system libinih is built without INI_HANDLER_LINENO, and defining it
 * here would change the handler's signature against the shared library.
 * So every INI reader of apmatrix (the simulated host's state file, the
 * console's themes and config.ini) hands inih this line reader instead of
 * fgets: it hands inih one line a call, so an error names the right line,
 * and a line longer than inih's buffer (INI_MAX_LINE) is never handed over
 * in pieces that inih would read as lines of their own (ini-lines.c).
 *
 * Put struct ini_lines first in the parser's state and pass that state to
 * ini_parse_stream() as the stream:
 *
 *	struct my_parse { struct ini_lines in; ... } p;
 *	ini_lines_init(&p.in, f, "themes/x.ini");
 *	ini_parse_stream(ini_lines_reader, &p, handler, &p);
 *	... handler reports p.in.name, p.in.line ...
 *
 * This file is shared by source between the library and the command; it
 * is not part of libapmatrix's interface.
 */
#ifndef APMATRIX_INI_LINES_H
#define APMATRIX_INI_LINES_H

#include <stdbool.h>
#include <stdio.h>

struct ini_lines {
	FILE *f;
	const char *name; /* for messages: "FILE:LINE: ..." */
	int line;	  /* the line inih is parsing now (1-based) */
	int section_line; /* the line of the last [section] header */
	int newlines;	  /* newlines handed to inih so far */
	/*
	 * Optional: called (with line set) for each line inih will reject
	 * without calling the handler, a section header without ']' or a line
	 * that is neither a comment nor NAME = VALUE.  inih itself reports only
	 * the first such line; this sees them all.  Also called for a line
	 * longer than inih's buffer that is no comment.
	 */
	void (*bad_line)(struct ini_lines *in, const char *why);
	bool after_name; /* a NAME = VALUE line was seen: indented lines continue it */
};

void ini_lines_init(struct ini_lines *in, FILE *f, const char *name);
/* inih's ini_reader: fgets that counts lines; stream is the struct ini_lines. */
char *ini_lines_reader(char *str, int num, void *stream);

#endif
