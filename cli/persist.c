// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persist.c - the commands that write the persistent configuration:
 * `persist UUID [--auto|--manual]` (an mdevctl definition of the active
 * mdev), `unpersist UUID`, `persist masks [--base DIR]` (chzdev's rule),
 * and the definition `mdev create --persist` writes.  Each is planned,
 * checked as ap-check and chzdev check, previewed, then applied.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void print_persist_plan(const struct apm_persist *p)
{
	print_escaped_lines(stdout, "", apm_persist_get_what(p));
	print_escaped_lines(stdout, "  file: ", apm_persist_get_path(p));
	print_escaped_lines(stdout, "", apm_persist_get_notes(p));
}

void print_persist_dry_run(const struct apm_persist *p)
{
	int pred = apm_persist_get_prediction(p);
	const char *content = apm_persist_get_content(p);

	printf("prediction: %s\n", pred ? apm_errno_name(pred) : "OK");
	if (content) {
		printf("  would write:\n");
		print_escaped_lines(stdout, "    ", content);
	} else {
		printf("  would remove it\n");
	}
	print_escaped_lines(stdout, "  ", apm_persist_get_explanation(p));
}

int print_persist_applied(struct cli *cli, const struct apm_persist *p, int rc)
{
	char prefix[64];

	if (rc) {
		printf("refused: %s (%s)\n", apm_persist_get_what(p), apm_errno_name(rc));
		snprintf(prefix, sizeof(prefix), "%s: %s: ", cli->prog, apm_errno_name(rc));
		print_escaped_lines(stderr, prefix, apm_persist_get_explanation(p));
		fprintf(stderr, "%s: nothing was written\n", cli->prog);
		return EXIT_REFUSED;
	}
	printf("applied: %s\n", apm_persist_get_what(p));
	return EXIT_OK;
}

/*
 * The plan (what, where, warnings), then the dry run's content or the
 * write, and what happened.  Consumes p.
 */
int run_persist(struct cli *cli, struct apm_persist *p, bool dry_run)
{
	int pred = apm_persist_get_prediction(p), ret;

	print_persist_plan(p);
	if (dry_run) {
		print_persist_dry_run(p);
		apm_persist_unref(p);
		return pred ? EXIT_REFUSED : EXIT_OK;
	}
	ret = print_persist_applied(cli, p, apm_persist_apply(p));
	apm_persist_unref(p);
	return ret;
}

static int persist_masks(struct cli *cli, int argc, char **argv, bool dry)
{
	const char *base = take_value(&argc, argv, "--base");
	struct apm_config *cfg;
	struct apm_persist *p;
	struct apm_host *h;
	int rc;

	if (argc != 2 || (base && !*base))
		return usage_form(cli, "persist masks");
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	/* chzdev's --base: every file it reads and writes is under DIR. */
	if (load_config(cli, base, &cfg)) {
		apm_host_unref(h);
		return EXIT_REFUSED;
	}
	rc = apm_persist_new_masks(cfg, h, &p);
	apm_config_unref(cfg);
	apm_host_unref(h);
	if (rc) {
		eprintf(cli, "persist masks: %s", strerror(-rc));
		return EXIT_REFUSED;
	}
	return run_persist(cli, p, dry);
}

int cmd_persist(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run");
	bool autostart = take_flag(&argc, argv, "--auto"),
	     manual = take_flag(&argc, argv, "--manual");
	struct apm_config *cfg;
	struct apm_persist *p;
	struct apm_host *h;
	struct apm_mdev *md;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "masks") && !autostart && !manual)
		return persist_masks(cli, argc, argv, dry);
	if (argc != 2 || (autostart && manual))
		return usage(cli);
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	if (find_mdev(cli, h, argv[1], &md)) {
		eprintf(cli, "persist writes an active mdev's configuration");
		apm_host_unref(h);
		return EXIT_USAGE;
	}
	if (load_config(cli, NULL, &cfg)) {
		apm_host_unref(h);
		return EXIT_REFUSED;
	}
	rc = apm_persist_new_mdev(cfg, h, apm_mdev_get_uuid(md),
				  autostart ? APM_START_AUTO
				  : manual  ? APM_START_MANUAL
					    : APM_START_KEEP,
				  &p);
	apm_config_unref(cfg);
	apm_host_unref(h);
	if (rc) {
		eprintf(cli, "persist: %s", strerror(-rc));
		return EXIT_REFUSED;
	}
	return run_persist(cli, p, dry);
}

int cmd_unpersist(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run");
	const char *uuid = NULL;
	struct apm_config *cfg;
	struct apm_persist *p;
	unsigned int matches = 0;
	int rc;

	if (argc != 2)
		return usage(cli);
	if (load_config(cli, NULL, &cfg))
		return EXIT_REFUSED;
	/* A full uuid, or a prefix of one definition (4 characters or more), as for mdevs. */
	for (unsigned int i = 0; i < apm_config_get_def_count(cfg); i++) {
		const char *u = apm_def_get_uuid(apm_config_get_def(cfg, i));

		if (!strcasecmp(u, argv[1]) ||
		    (strlen(argv[1]) >= 4 && !strncasecmp(u, argv[1], strlen(argv[1])))) {
			uuid = u;
			matches++;
		}
	}
	if (matches != 1 && strlen(argv[1]) == 36)
		uuid = argv[1], matches = 1; /* an unreadable definition is removable too */
	rc = matches == 1 ? apm_persist_new_undefine(cfg, uuid, &p) : -ENOENT;
	if (rc == -ENOENT || rc == -EINVAL) {
		char safe[160];

		esc(argv[1], safe, sizeof(safe));
		if (matches > 1)
			eprintf(cli, "'%s' is the start of %u definitions' UUIDs: give more of it",
				safe, matches);
		else if (strlen(argv[1]) < 4)
			eprintf(cli, "'%s' is too short: a UUID prefix needs at least 4 characters",
				safe);
		else
			eprintf(cli, "there is no definition of mdev '%s'", safe);
		apm_config_unref(cfg);
		return EXIT_USAGE;
	}
	apm_config_unref(cfg);
	if (rc) {
		eprintf(cli, "unpersist: %s", strerror(-rc));
		return EXIT_REFUSED;
	}
	return run_persist(cli, p, dry);
}
