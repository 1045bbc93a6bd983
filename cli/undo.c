// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * undo.c - `apmatrix undo [--dry-run]`: the last change apmatrix applied
 * to this host, who made it and when, and the way back, previewed like any
 * change; then applied, or refused with the reason (the host is not as
 * that change left it, nothing is recorded, the rules refuse the way back).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_refusal(struct cli *cli, int rc, const char *text)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s: undo: %s: ", cli->prog, apm_errno_name(rc));
	print_escaped_lines(stderr, prefix, text);
}

int cmd_undo(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run");
	struct apm_config *cfg;
	struct apm_change *c;
	struct apm_persist *p;
	struct apm_undo *u;
	struct apm_host *h;
	size_t told;
	int pred, rc, ret;

	(void)argv;
	if (argc != 1)
		return usage(cli);
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	if (load_config(cli, NULL, &cfg)) {
		apm_host_unref(h);
		return EXIT_REFUSED;
	}
	rc = apm_undo_new(h, cfg, &u);
	apm_config_unref(cfg);
	apm_host_unref(h);
	if (rc) {
		fprintf(stderr, "%s: undo: %s\n", cli->prog, strerror(-rc));
		return EXIT_REFUSED;
	}
	if (apm_undo_get_what(u)) {
		print_escaped_lines(stdout, "", apm_undo_get_what(u));
		print_escaped_lines(stdout, "  ", apm_undo_get_origin(u));
	}
	c = apm_undo_get_change(u);
	p = apm_undo_get_persist(u);
	if (c) {
		print_escaped_lines(stdout, "", apm_change_get_preview(c));
		print_new_findings(cli, c);
	} else if (p)
		print_persist_plan(p);
	print_escaped_lines(stdout, "", apm_undo_get_notes(u));
	pred = apm_undo_get_prediction(u);
	if (pred) {
		print_refusal(cli, pred, apm_undo_get_explanation(u));
		fprintf(stderr, "%s: nothing was changed\n", cli->prog);
		apm_undo_unref(u);
		return EXIT_REFUSED;
	}
	if (dry) {
		if (c)
			print_dry_run(cli, c);
		else
			print_persist_dry_run(p);
		apm_undo_unref(u);
		return EXIT_OK;
	}
	told = strlen(apm_undo_get_explanation(u));
	rc = apm_undo_apply(u);
	/* The checks made again under the lock, if they refused; else the way back's own result. */
	if (rc && strlen(apm_undo_get_explanation(u)) > told) {
		print_refusal(cli, rc, apm_undo_get_explanation(u) + told);
		fprintf(stderr, "%s: nothing was changed\n", cli->prog);
		apm_undo_unref(u);
		return EXIT_REFUSED;
	}
	c = apm_undo_get_change(u);
	p = apm_undo_get_persist(u);
	ret = c ? print_applied(cli, c, rc) : print_persist_applied(cli, p, rc);
	apm_undo_unref(u);
	return ret;
}
