// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-util.c - the harnesses' shared checks (see fuzz.h).
 *
 * The terminal-text check is an oracle of its own, written from RFC 3629
 * and ECMA-48 rather than from core/text.c, so that it can catch the
 * sanitizer itself.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("FUZZ FINDING: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The code point of the UTF-8 sequence at s (n bytes left), its length in *len; -1 invalid. */
static long utf8_at(const unsigned char *s, size_t n, size_t *len)
{
	static const long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t want;
	long cp;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	want = (s[0] & 0xe0) == 0xc0   ? 2
	       : (s[0] & 0xf0) == 0xe0 ? 3
	       : (s[0] & 0xf8) == 0xf0 ? 4
				       : 0;
	if (!want || want > n)
		return -1;
	cp = s[0] & (0xff >> (want + 1));
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[want] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = want;
	return cp;
}

void fuzz_check_terminal_text(const char *what, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;
		long cp = utf8_at(u + i, len - i, &n);

		fuzz_assert(cp >= 0, "%s: invalid UTF-8 at byte %zu: %.*s", what, i, (int)len, s);
		fuzz_assert(cp == '\n' || (cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f)),
			    "%s: control character U+%04lX at byte %zu", what, cp, i);
		i += n;
	}
}

void fuzz_check_file_errors(const char *what, const char *s, const char *name)
{
	size_t nlen = strlen(name);

	fuzz_check_terminal_text(what, s, strlen(s));
	while (*s) {
		const char *nl = strchr(s, '\n');
		char *end;
		long line;

		fuzz_assert(nl, "%s: the last line has no newline: %s", what, s);
		fuzz_assert(!strncmp(s, name, nlen) && s[nlen] == ':',
			    "%s: a line does not start with %s: %.*s", what, name, (int)(nl - s),
			    s);
		line = strtol(s + nlen + 1, &end, 10);
		fuzz_assert(end > s + nlen + 1 && line >= 1 && end[0] == ':' && end[1] == ' ' &&
				    end + 2 < nl,
			    "%s: a line has no LINE: sentence: %.*s", what, (int)(nl - s), s);
		s = nl + 1;
	}
}

void fuzz_check_same_text(const char *what, char *first, size_t flen, char *second, size_t slen)
{
	fuzz_assert(flen == slen && !memcmp(first, second, flen),
		    "%s differs:\n--- first\n%s\n--- second\n%s", what, first, second);
	free(first);
	free(second);
}

static char tmpdir[96];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* At exit: the scratch directory and what is in it (a finding's abort() leaves it). */
static void remove_tmpdir(void)
{
	nftw(tmpdir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_tmpdir(const char *name)
{
	if (tmpdir[0])
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "/dev/shm/apm-fuzz-%s-%d", name, (int)getpid());
	if ((mkdir(tmpdir, 0700) && errno != EEXIST) || atexit(remove_tmpdir))
		abort();
	return tmpdir;
}

void fuzz_log_quiet(void *data, int priority, const char *file, int line, const char *fn,
		    const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
}
