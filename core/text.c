// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * text.c - the one sanitizer for text that crosses a trust boundary.
 *
 * Guest names, sysfs attribute text, state-file and configuration lines,
 * process names: none of it may reach a terminal as it is, because a
 * terminal executes escape sequences.  apm_text_escape() lets printable
 * UTF-8 through unchanged and writes everything else as a visible escape:
 * C0 controls, DEL and C1 controls (U+0080..U+009F, which some terminals
 * obey like ESC [) as \xNN of their bytes, and each byte of an invalid or
 * overlong UTF-8 sequence as \xNN.  Backslashes stay as they are, so text
 * escaped once (by the library, inside a message) reads the same after the
 * client escapes the whole message again.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

/*
 * The length of the valid, printable UTF-8 sequence at s (1..4), or 0 when
 * the bytes there must be escaped.  Surrogates, overlong forms and code
 * points above U+10FFFF are invalid (RFC 3629).
 */
static size_t printable_seq(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

APM_EXPORT size_t apm_text_escape(const char *in, char *out, size_t size, unsigned int flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)in;
	size_t at = 0, need = 0;
	bool full = !size;

	while (*s) {
		size_t n = printable_seq(s);
		char piece[4];

		if (n) {
			memcpy(piece, s, n);
		} else if ((*s == '\n' && (flags & APM_TEXT_KEEP_NEWLINE)) ||
			   (*s == '\t' && (flags & APM_TEXT_KEEP_TAB))) {
			piece[0] = (char)*s;
			n = 1;
		} else {
			piece[0] = '\\';
			piece[1] = 'x';
			piece[2] = hex[*s >> 4];
			piece[3] = hex[*s & 15];
			s++;
			need += 4;
			if (!full && at + 4 < size) {
				memcpy(out + at, piece, 4);
				at += 4;
			} else {
				full = true;
			}
			continue;
		}
		s += n;
		need += n;
		/* Never cut a character or an escape in half: stop before it. */
		if (!full && at + n < size) {
			memcpy(out + at, piece, n);
			at += n;
		} else {
			full = true;
		}
	}
	if (size)
		out[at] = '\0';
	/* Cut: again with room for the mark, which then says so. */
	if (need >= size && size > 3 && (flags & APM_TEXT_ELLIPSIS)) {
		apm_text_escape(in, out, size - 3, flags & ~APM_TEXT_ELLIPSIS);
		strcat(out, "...");
	}
	return need;
}

size_t apm_text_mark_cut(char *s, size_t n, size_t size)
{
	/* No room for the whole mark: as much of it as fits, never the text as if whole. */
	if (size < 4) {
		memset(s, '.', size - 1);
		s[size - 1] = '\0';
		return size - 1;
	}
	if (n > size - 4)
		n = size - 4;
	/* Back to the start of a character: never half of one. */
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(s + n, "...", 4);
	return n + 3;
}

char *apm_text_dup(const char *s, unsigned int flags)
{
	size_t need = apm_text_escape(s, NULL, 0, flags);
	char *d = malloc(need + 1);

	if (d)
		apm_text_escape(s, d, need + 1, flags);
	return d;
}
