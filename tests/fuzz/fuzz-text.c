// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-text.c - the one sanitizer for text that reaches a terminal,
 * apm_text_escape() (core/text.c), against an oracle of its own.
 *
 * Whatever the bytes, the escaped text is valid UTF-8 without a control
 * character (newline and tab only when asked to keep them), its length is
 * the one returned, escaping it again changes nothing, and a smaller
 * buffer gets a prefix of it that never ends inside a character or an
 * escape (with APM_TEXT_ELLIPSIS, followed by "...").  The first byte picks
 * the flags and the buffer size.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void check_safe(const char *s, unsigned int flags)
{
	size_t n = strlen(s);
	char *plain = malloc(n + 1);

	if (!plain)
		abort();
	/* The oracle allows '\n'; a kept tab is the caller's choice. */
	for (size_t i = 0; i <= n; i++)
		plain[i] = s[i] == '\t' && (flags & APM_TEXT_KEEP_TAB) ? ' ' : s[i];
	if (!(flags & APM_TEXT_KEEP_NEWLINE))
		fuzz_assert(!strchr(s, '\n'), "a newline kept without APM_TEXT_KEEP_NEWLINE");
	fuzz_check_terminal_text("escaped text", plain, n);
	free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags;
	size_t need, again, small;
	char *in, *out, *twice, *part;

	if (!size)
		return 0;
	flags = data[0] & (APM_TEXT_KEEP_NEWLINE | APM_TEXT_KEEP_TAB);
	in = fuzz_cstr(data + 1, size - 1);
	need = apm_text_escape(in, NULL, 0, flags);
	out = malloc(need + 1);
	twice = malloc(need + 1);
	if (!out || !twice)
		abort();
	fuzz_assert(apm_text_escape(in, out, need + 1, flags) == need && strlen(out) == need,
		    "the length returned is not the length written");
	check_safe(out, flags);
	again = apm_text_escape(out, twice, need + 1, flags);
	fuzz_assert(again == need && !strcmp(out, twice), "escaping twice changes the text");

	small = need ? (data[0] >> 2) % (need + 1) : 0;
	part = malloc(small + 1);
	if (!part)
		abort();
	memset(part, 'Z', small + 1);
	fuzz_assert(apm_text_escape(in, part, small + 1, flags) == need,
		    "a short buffer changes the length");
	fuzz_assert(strlen(part) <= small && !strncmp(part, out, strlen(part)),
		    "a short buffer is not given a prefix");
	check_safe(part, flags);
	/* Cut before a piece: what follows in the full text starts a new one. */
	if (strlen(part) < need)
		fuzz_assert((out[strlen(part)] & 0xc0) != 0x80, "a character is cut in half");
	/* Marked: whole, or a prefix of whole pieces and "..." within the buffer. */
	memset(part, 'Z', small + 1);
	apm_text_escape(in, part, small + 1, flags | APM_TEXT_ELLIPSIS);
	if (need <= small) {
		fuzz_assert(!strcmp(part, out), "whole text is marked as cut");
	} else if (small < 3) {
		fuzz_assert(!strncmp(part, out, strlen(part)),
			    "no room for the mark: not a prefix");
	} else {
		size_t stem = strlen(part) - 3;

		fuzz_assert(strlen(part) >= 3 && !strcmp(part + stem, "...") &&
				    !strncmp(part, out, stem) && (out[stem] & 0xc0) != 0x80,
			    "a cut is not marked with \"...\" after whole pieces");
	}
	free(part);
	free(twice);
	free(out);
	free(in);
	return 0;
}
