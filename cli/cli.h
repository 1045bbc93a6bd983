/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - the apmatrix command line: shared declarations of its files.
 * main.c parses global options and dispatches through the command table,
 * common.c holds what every command shares (loading, usage errors, escaped
 * output), show.c prints the host (json.c its JSON records, show-persist.c
 * the persistent configuration's part), commands.c plans and applies
 * changes, persist.c writes the persistent configuration, undo.c reverts
 * the last change, watch.c follows the host, migrate.c unplugs and replugs
 * a guest's mdev (IDs are parsed by libapmatrix).
 *
 * The layers call downwards only: main.c -> the commands -> common.c.
 */
#ifndef APMATRIX_CLI_H
#define APMATRIX_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "libapmatrix-sim.h"

/* Exit codes (a contract). */
#define EXIT_OK	      0
#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_MISMATCH 3
/* replug --check: everything can be plugged, but the master keys could not be compared. */
#define EXIT_KEYS_UNKNOWN 4

struct cli;

/*
 * One command of the table in main.c: its name, the function that runs it
 * (argv[0] is the name), its usage (the first line is what a usage error
 * repeats; every line is in --help) and what it does.
 */
struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;
	const char *summary;
};

struct cli {
	struct apm_ctx *ctx;
	const char *prog;
	bool read_only;
	bool verbose;		   /* --verbose: the asides of explanations too */
	const struct command *cmd; /* the command running */
};

int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);
int cmd_mask(struct cli *cli, int argc, char **argv);
int cmd_mdev(struct cli *cli, int argc, char **argv);
/* assign and unassign (argv[0] tells which). */
int cmd_assign(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_rescan(struct cli *cli, int argc, char **argv);
int cmd_sim(struct cli *cli, int argc, char **argv);
int cmd_persist(struct cli *cli, int argc, char **argv);
int cmd_unpersist(struct cli *cli, int argc, char **argv);
int cmd_undo(struct cli *cli, int argc, char **argv);

int cmd_unplug(struct cli *cli, int argc, char **argv);
int cmd_replug(struct cli *cli, int argc, char **argv);

/* ------------------------------------------------------------ common.c */

/* The library's log sink: on stderr after the program's name, escaped. */
void cli_log(void *data, int priority, const char *file, int line, const char *fn,
	     const char *format, va_list args);
/* stdout written in 1 MiB blocks (before anything is written to it). */
void stdout_large(void);
/* "FLAG VALUE" out of argv: VALUE, NULL when absent, "" when VALUE is missing. */
const char *take_value(int *argc, char **argv, const char *flag);
/* Removes every flag from argv; true when there was one. */
bool take_flag(int *argc, char **argv, const char *flag);
/* "PROG: TEXT" (escaped) and "Try 'PROG --help'." on stderr. */
void usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The running command's usage as a usage error; returns EXIT_USAGE. */
int usage(struct cli *cli);
/*
 * One form of it: the alternative of the table's usage (forms are parted
 * by " | " or a line that starts "| ") that begins with form ("persist
 * masks"); the first line when none does.  Returns EXIT_USAGE.
 */
int usage_form(struct cli *cli, const char *form);
/* "PROG: TEXT" on stderr, each line escaped for the terminal. */
void eprintf(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The host, or a message on stderr and the library's -errno. */
int load_host(struct cli *cli, unsigned int flags, struct apm_host **host);
/* The persistent configuration: root, else $APMATRIX_CONFIG_ROOT, else the host's default. */
int load_config(struct cli *cli, const char *root, struct apm_config **cfg);
/*
 * The mdev an operator names (its UUID, a prefix of 4 or more, its label or
 * its guest's name: apm_host_lookup_mdev): 0 and *md, else what is wrong on
 * stderr (too short, unknown, or the candidates) and -ENOENT / -ENOTUNIQ.
 */
int find_mdev(struct cli *cli, const struct apm_host *h, const char *name, struct apm_mdev **md);
/* s (NULL: "") escaped for the terminal into buf, cut to size with "..."; returns buf. */
const char *esc(const char *s, char *buf, size_t size);
/* s (NULL: "") escaped whole, in a new string the caller frees (NULL: -ENOMEM). */
char *esc_dup(const char *s);
/* Each line of text, escaped for the terminal, after prefix (our own text). */
void print_escaped_lines(FILE *f, const char *prefix, const char *text);

/* ---------------------------------------------------------- commands.c */

/* A dry run: the prediction, the writes, the refusal (--verbose: its details), the notes. */
void print_dry_run(struct cli *cli, const struct apm_change *c);
/* What the change would make ap-check refuse that it does not refuse now, as warnings. */
void print_new_findings(struct cli *cli, const struct apm_change *c);
/* What of an applied change was done and why not (rc: the apply's); the exit code. */
int print_applied(struct cli *cli, const struct apm_change *c, int rc);

/* ----------------------------------------------------------- persist.c */

/* Preview, check, write (or only show with dry_run) a persist; consumes p. */
int run_persist(struct cli *cli, struct apm_persist *p, bool dry_run);
/* A persist's parts: what and where; the dry run; what happened (rc: the apply's). */
void print_persist_plan(const struct apm_persist *p);
void print_persist_dry_run(const struct apm_persist *p);
int print_persist_applied(struct cli *cli, const struct apm_persist *p, int rc);

#endif
