// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common.c - what every command of apmatrix shares: the library's log on
 * stderr, usage errors, loading the host and its persistent configuration,
 * flags and values, stdout's buffer, and escaped output.  The lowest layer
 * of cli/: it calls no command.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"

void cli_log(void *data, int priority, const char *file, int line, const char *fn,
	     const char *format, va_list args)
{
	struct cli *cli = data;
	char *text = NULL;

	(void)file;
	(void)line;
	(void)fn;
	/* The library's messages quote files and sysfs text: escaped like any other. */
	if (vasprintf(&text, format, args) < 0)
		return;
	eprintf(cli, "%s%s", priority <= LOG_WARNING ? "" : "note: ", text);
	free(text);
}

/* "PROG: " and the message on stderr, escaped line by line. */
static void veprintf(struct cli *cli, const char *fmt, va_list ap)
{
	char *text = NULL, prefix[64];

	if (vasprintf(&text, fmt, ap) < 0)
		return;
	snprintf(prefix, sizeof(prefix), "%s: ", cli->prog);
	print_escaped_lines(stderr, prefix, text);
	free(text);
}

void usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	veprintf(cli, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", cli->prog);
}

int usage(struct cli *cli)
{
	const char *u = cli->cmd ? cli->cmd->usage : "";
	const char *nl = strchr(u, '\n');

	/* The first line of the table's usage; the rest is for --help. */
	usage_error(cli, "usage: %.*s", nl ? (int)(nl - u) : (int)strlen(u), u);
	return EXIT_USAGE;
}

int usage_form(struct cli *cli, const char *form)
{
	const char *u = cli->cmd ? cli->cmd->usage : "";
	size_t n = strlen(form);

	for (const char *at = u; at;) {
		const char *bar = strstr(at, " | "), *line = strstr(at, "\n| ");
		const char *next = bar && (!line || bar < line) ? bar : line;
		size_t len = strcspn(at, "\n");

		if (!strncmp(at, form, n) && (at[n] == ' ' || !at[n] || at[n] == '\n')) {
			if (next && (size_t)(next - at) < len)
				len = (size_t)(next - at);
			usage_error(cli, "usage: %.*s", (int)len, at);
			return EXIT_USAGE;
		}
		at = next ? next + 3 : NULL;
	}
	return usage(cli);
}

int load_host(struct cli *cli, unsigned int flags, struct apm_host **host)
{
	int rc = apm_host_load(cli->ctx, flags, host);

	if (rc)
		eprintf(cli, "cannot read the host at %s: %s", apm_ctx_get_source(cli->ctx),
			strerror(-rc));
	return rc;
}

void stdout_large(void)
{
	/* glibc takes a size only with a buffer: without, it keeps st_blksize (4 KiB). */
	static char buf[1 << 20];

	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
}

const char *take_value(int *argc, char **argv, const char *flag)
{
	const char *v = NULL;
	int j = 0;

	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], flag)) {
			v = i + 1 < *argc ? argv[++i] : "";
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	return v;
}

bool take_flag(int *argc, char **argv, const char *flag)
{
	bool found = false;
	int j = 0;

	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], flag))
			found = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return found;
}

int load_config(struct cli *cli, const char *root, struct apm_config **cfg)
{
	const char *env = secure_getenv("APMATRIX_CONFIG_ROOT");
	int rc;

	rc = apm_config_new(cli->ctx, root ? root : env && *env ? env : NULL, cfg);
	if (!rc) {
		rc = apm_config_load(*cfg);
		if (rc)
			*cfg = apm_config_unref(*cfg);
	}
	if (rc)
		eprintf(cli, "cannot read the persistent configuration: %s", strerror(-rc));
	return rc;
}

void print_escaped_lines(FILE *f, const char *prefix, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *copy = strndup(text, len), *safe;
		size_t need;

		if (!copy)
			return;
		need = apm_text_escape(copy, NULL, 0, APM_TEXT_KEEP_TAB);
		safe = malloc(need + 1);
		if (safe) {
			apm_text_escape(copy, safe, need + 1, APM_TEXT_KEEP_TAB);
			fprintf(f, "%s%s\n", prefix, safe);
		}
		free(safe);
		free(copy);
		text += len + (nl ? 1 : 0);
	}
}

void eprintf(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	veprintf(cli, fmt, ap);
	va_end(ap);
}

/* Whether mdev md is one of those name could mean (apm_host_lookup_mdev's rule). */
static bool may_mean(const struct apm_mdev *md, const char *name)
{
	size_t n = strlen(name);
	const char *g = apm_mdev_get_guest(md);

	return !strcasecmp(apm_mdev_get_label(md), name) || (g && !strcmp(g, name)) ||
	       (n >= 4 && !strncasecmp(apm_mdev_get_uuid(md), name, n));
}

int find_mdev(struct cli *cli, const struct apm_host *h, const char *name, struct apm_mdev **md)
{
	int rc = apm_host_lookup_mdev(h, name, md);
	char safe[160], guest[160];

	if (!rc)
		return 0;
	esc(name, safe, sizeof(safe));
	if (rc == -ENOTUNIQ) {
		eprintf(cli, "'%s' names several mdevs; give the whole UUID or more of it:", safe);
		for (unsigned int i = 0; i < apm_host_get_mdev_count(h); i++) {
			struct apm_mdev *m = apm_host_get_mdev(h, i);

			if (!may_mean(m, name))
				continue;
			esc(apm_mdev_get_guest(m), guest, sizeof(guest));
			eprintf(cli, "  %s %s%s%s%s", apm_mdev_get_label(m), apm_mdev_get_uuid(m),
				guest[0] ? " (" : "", guest, guest[0] ? ")" : "");
		}
	} else if (strlen(name) < 4) {
		eprintf(cli,
			"no mdev has the label or guest name '%s', and a UUID prefix needs at least 4 characters",
			safe);
	} else {
		eprintf(cli, "no mdev has the label, guest name or UUID (prefix) '%s' on this host",
			safe);
	}
	return rc;
}

const char *esc(const char *s, char *buf, size_t size)
{
	apm_text_escape(s ? s : "", buf, size, APM_TEXT_ELLIPSIS);
	return buf;
}

char *esc_dup(const char *s)
{
	size_t need = apm_text_escape(s ? s : "", NULL, 0, 0);
	char *buf = malloc(need + 1);

	if (buf)
		apm_text_escape(s ? s : "", buf, need + 1, 0);
	return buf;
}
