// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-journal.c - the change journal undo reads: apm_journal_read()
 * (core/journal.c) and its writer apm_journal_write(), with the round trip
 * read -> write -> read -> write identical.
 *
 * The journal is read only when it is trusted (a regular file of our own
 * user, mode 0600, one link, in a directory nobody else may rename files
 * in), so the input is written as such a file, in this process's 0700
 * scratch directory, and the trust check passes: what is explored is the
 * JSON reader behind it.
 *
 * A refusal is -EINVAL with one sentence naming the file, safe for a
 * terminal; a journal read writes out as one that reads back, and writing
 * that again gives the same bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "journal.h"

static struct apm_ctx *ctx;
static char path[160];

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/host.ini.journal", fuzz_tmpdir("journal"));
	if (apm_ctx_new_sim(NULL, &ctx) || apm_ctx_set_journal_path(ctx, path))
		abort();
	apm_ctx_set_log_fn(ctx, fuzz_log_quiet, NULL);
	return 0;
}

/* The journal file's bytes (malloc'd, NUL-terminated) and their number. */
static char *get_file(size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *s;

	fuzz_assert(fd >= 0 && !fstat(fd, &st), "the journal written is not there");
	fuzz_assert((st.st_mode & 07777) == 0600, "the journal written has mode %o",
		    (unsigned int)(st.st_mode & 07777));
	s = malloc((size_t)st.st_size + 1);
	if (!s || read(fd, s, (size_t)st.st_size) != st.st_size)
		abort();
	close(fd);
	s[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return s;
}

/* j written as the journal, its bytes. */
static char *write_journal(const struct apm_journal *j, size_t *len)
{
	struct apm_buf why = { 0 };
	int rc = apm_journal_write(ctx, j, &why);

	fuzz_assert(!rc, "apm_journal_write failed (%d): %s", rc, why.s ? why.s : "");
	apm_buf_free(&why);
	return get_file(len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_journal j, back;
	struct apm_buf why = { 0 };
	size_t n = strlen(path), olen, alen;
	char *out, *again;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		abort();
	rc = apm_journal_read(ctx, &j, &why);
	if (rc) {
		fuzz_assert(rc == -EINVAL, "apm_journal_read returned %d: %s", rc,
			    why.s ? why.s : "");
		fuzz_assert(why.s, "a refusal without a sentence");
		fuzz_check_terminal_text("journal error", why.s, why.len);
		fuzz_assert(!strncmp(why.s, path, n) && why.s[n] == ' ' && !strchr(why.s, '\n'),
			    "an error that does not name the file in one sentence: %s", why.s);
		apm_buf_free(&why);
		return 0;
	}
	fuzz_assert(!why.s, "a journal read with an error: %s", why.s);
	fuzz_assert(j.n <= APM_JOURNAL_MAX && j.next >= 1, "%u entries, next %llu", j.n, j.next);
	for (unsigned int i = 0; i < j.n; i++)
		fuzz_assert(j.e[i].seq < j.next && (!i || j.e[i].seq > j.e[i - 1].seq),
			    "entry %u: seq %llu out of order (next %llu)", i, j.e[i].seq, j.next);
	out = write_journal(&j, &olen);
	rc = apm_journal_read(ctx, &back, &why);
	fuzz_assert(!rc, "what apmatrix writes does not read back (%d): %s\n%s", rc,
		    why.s ? why.s : "", out);
	fuzz_assert(back.n == j.n && back.next == j.next, "%u entries, next %llu; then %u, %llu",
		    j.n, j.next, back.n, back.next);
	again = write_journal(&back, &alen);
	fuzz_check_same_text("writing it again", out, olen, again, alen);
	apm_journal_free(&j);
	apm_journal_free(&back);
	return 0;
}
