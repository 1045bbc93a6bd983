// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-state.c - the simulated host's state file: sim_state_load_text()
 * (core/sim/file.c, what every load of a --sim=FILE goes through: the
 * cut-short check, then the INI reader of core/sim/scenario.c) and the
 * writer, sim_state_write(), with the round trip load -> write -> load ->
 * write identical.
 *
 * A refusal is -EINVAL with log lines "state.ini:LINE: sentence" safe for
 * a terminal (or the one line saying the file is empty).  A file that is
 * read writes out as a file that reads back, and writing that again gives
 * the same bytes: nothing read is lost or changed on the way.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sim/sim.h"

static struct apm_ctx *ctx;
static const char *name;
static unsigned int messages;

static void check_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	char msg[4096];
	size_t n = strlen(name);

	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	vsnprintf(msg, sizeof(msg), format, args);
	messages++;
	fuzz_check_terminal_text("state file error", msg, strlen(msg));
	fuzz_assert(!strncmp(msg, name, n), "an error that does not name the file: %s", msg);
	if (!strcmp(msg + n, " is empty: remove it to start from the built-in scenario"))
		return;
	fuzz_assert(msg[n] == ':' && msg[n + 1] >= '1' && msg[n + 1] <= '9' &&
			    strstr(msg + n + 1, ": "),
		    "an error without its line: %s", msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (apm_ctx_new_sim(NULL, &ctx))
		abort();
	apm_ctx_set_log_fn(ctx, check_log, NULL);
	apm_ctx_set_log_priority(ctx, LOG_ERR);
	return 0;
}

/* st written out, in a malloc'd NUL-terminated buffer. */
static char *write_state(const struct sim_state *st, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	fuzz_assert(f, "open_memstream");
	fuzz_assert(!sim_state_write(st, f), "sim_state_write failed");
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_state *st = NULL, *back = NULL;
	char *text = fuzz_cstr(data, size), *out, *again;
	size_t olen, alen;
	int rc;

	name = "state.ini";
	messages = 0;
	rc = sim_state_load_text(ctx, name, text, size, &st);
	fuzz_assert(rc == 0 || rc == -EINVAL, "sim_state_load_text returned %d", rc);
	free(text);
	if (rc) {
		fuzz_assert(messages, "a refusal without a message");
		return 0;
	}
	fuzz_assert(!messages, "a file read with an error");
	out = write_state(st, &olen);
	name = "written.ini";
	rc = sim_state_load_text(ctx, name, out, olen, &back);
	fuzz_assert(!rc, "what apmatrix writes does not read back (%d):\n%s", rc, out);
	again = write_state(back, &alen);
	fuzz_check_same_text("writing it again", out, olen, again, alen);
	sim_state_free(st);
	sim_state_free(back);
	return 0;
}
