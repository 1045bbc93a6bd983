/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - the apmatrix command line: shared declarations of its files.
 * main.c parses global options and dispatches, show.c prints the host,
 * commands.c plans and applies changes, persist.c writes the persistent
 * configuration, undo.c reverts the last change (IDs are parsed by
 * libapmatrix).
 */
#ifndef APMATRIX_CLI_H
#define APMATRIX_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "libapmatrix.h"

/* Exit codes (a contract). */
#define EXIT_OK	      0
#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_MISMATCH 3
/* replug --check: everything can be plugged, but the master keys could not be compared. */
#define EXIT_KEYS_UNKNOWN 4

struct cli {
	struct apm_ctx *ctx;
	const char *prog;
	bool read_only;
};

int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);
int cmd_mask(struct cli *cli, int argc, char **argv);
int cmd_mdev(struct cli *cli, int argc, char **argv);
int cmd_assign(struct cli *cli, int argc, char **argv, bool unassign);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_rescan(struct cli *cli, int argc, char **argv);
int cmd_sim(struct cli *cli, int argc, char **argv);
int cmd_persist(struct cli *cli, int argc, char **argv);
int cmd_unpersist(struct cli *cli, int argc, char **argv);
int cmd_undo(struct cli *cli, int argc, char **argv);

/* stdout written in 1 MiB blocks (before anything is written to it). */
void stdout_large(void);
int cmd_unplug(struct cli *cli, int argc, char **argv);
int cmd_replug(struct cli *cli, int argc, char **argv);

/* "FLAG VALUE" out of argv: VALUE, NULL when absent, "" when VALUE is missing. */
const char *take_value(int *argc, char **argv, const char *flag);
/* Removes every flag from argv; true when there was one. */
bool take_flag(int *argc, char **argv, const char *flag);
void usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int load_host(struct cli *cli, unsigned int flags, struct apm_host **host);
/* The persistent configuration: root, else $APMATRIX_CONFIG_ROOT, else the host's default. */
int load_config(struct cli *cli, const char *root, struct apm_config **cfg);
/* Preview, check, write (or only show with dry_run) a persist; consumes p. */
int run_persist(struct cli *cli, struct apm_persist *p, bool dry_run);
/* A change's dry run: the prediction, the writes, the refusal, the notes. */
void print_dry_run(const struct apm_change *c);
/* What the change would make ap-check refuse that it does not refuse now, as warnings. */
void print_new_findings(struct cli *cli, const struct apm_change *c);
/* What of an applied change was done and why not (rc: the apply's); the exit code. */
int print_applied(struct cli *cli, const struct apm_change *c, int rc);
/* A persist's parts: what and where; the dry run; what happened (rc: the apply's). */
void print_persist_plan(const struct apm_persist *p);
void print_persist_dry_run(const struct apm_persist *p);
int print_persist_applied(struct cli *cli, const struct apm_persist *p, int rc);
/* Each line of text, escaped for the terminal, after prefix. */
void print_escaped_lines(FILE *f, const char *prefix, const char *text);

#endif
