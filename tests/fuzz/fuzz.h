/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share: the input as
 * C text, the checks that turn a broken promise into a finding, and a
 * context whose log goes nowhere.
 *
 * A harness calls the library's real readers (the objects of core/ built
 * with coverage, see fuzz.mk), never a copy.  A finding is a sanitizer
 * report, a crash, or fuzz_fail(): a reader that broke what its header
 * promises (a round trip that does not return, an error that names no
 * line, text for a terminal that is not safe for one).
 */
#ifndef APMATRIX_FUZZ_H
#define APMATRIX_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libapmatrix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'd; free it): up to the first NUL. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* A finding: prints what broke and aborts, so libFuzzer keeps the input. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define fuzz_assert(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__VA_ARGS__);                                                    \
	} while (0)

/*
 * Text a reader hands out for a terminal (an error, a note): valid UTF-8
 * with no control character but '\n' (no C0, DEL or C1), the promise of
 * apm_text_escape().  what names the text in the finding.
 */
void fuzz_check_terminal_text(const char *what, const char *s, size_t len);
/* Every line of s is "NAME:LINE: sentence" with LINE >= 1 (the readers' one error form). */
void fuzz_check_file_errors(const char *what, const char *s, const char *name);
/*
 * A round trip's fixed point: what was read back, written again (second),
 * is the first writing byte for byte.  what names the step in the
 * finding ("writing it again"); both texts are freed.
 */
void fuzz_check_same_text(const char *what, char *first, size_t flen, char *second, size_t slen);

/*
 * A scratch directory of this process for a reader that takes a path,
 * /dev/shm/apm-fuzz-NAME-PID (memory, not disk), made on the first call;
 * it and whatever the harness left in it are removed when the process
 * exits.  The same path on every call.
 */
const char *fuzz_tmpdir(const char *name);

/* A log function that drops everything (the harnesses run millions of inputs). */
void fuzz_log_quiet(void *data, int priority, const char *file, int line, const char *fn,
		    const char *format, va_list args);

#endif
