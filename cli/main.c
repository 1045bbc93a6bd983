// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - apmatrix: global options, picking the host, and the command
 * table that drives dispatch, the usage errors and --help.
 *
 * With neither --sysfs nor --sim the real /sys is used when it has an AP
 * bus, else the built-in simulated host (said on stderr), so the tool does
 * something useful on any machine.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"

static int cmd_tui(struct cli *cli, int argc, char **argv)
{
	return tui_main(cli->ctx, cli->prog, argc, argv, cli->read_only);
}

/* Every command, once: dispatch, usage errors and --help read this table. */
static const struct command commands[] = {
	{ "tui", cmd_tui,
	  "tui [--theme NAME|PATH] [--mono] [--ascii] [--interval MS] [--script FILE --size WxH]\n"
	  "[--list-actions] [--list-legend]",
	  "the console (the default on a terminal)" },
	{ "show", cmd_show, "show [--json] [--detail] [--guest NAME]",
	  "the host, its masks, the grid, the mdevs and the warnings (the default otherwise)" },
	{ "watch", cmd_watch, "watch [--json] [--interval MS] [--count N]",
	  "follow the host: each change as it happens, and who made it" },
	{ "mask", cmd_mask, "mask apmask|aqmask SPEC [--absolute] [--dry-run]",
	  "write a mask: 0x<hex>, +N,-N,+A-B (the kernel's) or A-B,C (chzdev's: the host's IDs)" },
	{ "mdev", cmd_mdev,
	  "mdev create [UUID] [--persist [--auto]] [--dry-run] | mdev remove UUID [--dry-run]",
	  "create or remove an mdev" },
	{ "assign", cmd_assign, "assign UUID adapter|domain|control-domain IDS [--dry-run]",
	  "assign adapters, domains or control domains to an mdev" },
	{ "unassign", cmd_assign, "unassign UUID adapter|domain|control-domain IDS [--dry-run]",
	  "take them from an mdev" },
	{ "config", cmd_config, "config ADAPTER on|off [--dry-run]",
	  "configure an adapter on or off (SCLP)" },
	{ "rescan", cmd_rescan, "rescan", "rescan the AP bus" },
	{ "persist", cmd_persist,
	  "persist UUID [--auto|--manual] [--dry-run] | persist masks [--base DIR] [--dry-run]",
	  "write an mdev's mdevctl definition, or the masks as 41-ap.rules" },
	{ "unpersist", cmd_unpersist, "unpersist UUID [--dry-run]",
	  "remove an mdev's mdevctl definition" },
	{ "undo", cmd_undo, "undo [--dry-run]",
	  "revert the last change while the host is as it left it" },
	{ "unplug", cmd_unplug,
	  "unplug UUID --save FILE [--dry-run] [--libvirt] | unplug --rollback FILE [--create] [--libvirt]\n"
	  "| unplug --done FILE",
	  "take a running guest's mdev away for a migration, saved in FILE" },
	{ "replug", cmd_replug,
	  "replug --check --from FILE [--uuid UUID] [--json]\n"
	  "| replug --from FILE [--uuid UUID] [--create] [--persist] [--libvirt]",
	  "give a guest the mdev FILE describes (on the target host)" },
	{ "sim", cmd_sim,
	  "sim guest-start UUID NAME | guest-stop UUID | guest-detach UUID\n"
	  "| guest-attach UUID NAME | se-config ADAPTER on|off\n"
	  "| chkstop ADAPTER on|off | lpar add|remove adapter|usage-domain|control-domain ID [TYPE] [--strict]\n"
	  "| scan | export --modparams",
	  "the simulated host's hardware and guests" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] [COMMAND [ARGS]]\n\nShow and change s390 AP crypto pass-through (AP bus masks, vfio_ap mdevs).\n\nOptions (before the command):\n  --sysfs DIR      use the sysfs mounted at DIR (default /sys)\n  --sim[=FILE]     use the simulated host; its state lives in FILE\n  --read-only      refuse every change\n  --verbose        explanations with their asides (the kernel's own words)\n  --lock-wait S    wait at most S seconds for the AP configuration lock (90)\n  --lock-parent    hold that lock in the parent process's name (as a callout)\n  --help, --version\n\nCommands (none: the console on a terminal, else show):\n",
	       prog);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *u = commands[i].usage;

		for (bool first = true; *u; first = false) {
			const char *nl = strchr(u, '\n');
			int len = nl ? (int)(nl - u) : (int)strlen(u);

			printf("%s%.*s\n", first ? "  " : "      ", len, u);
			u += len + (nl ? 1 : 0);
		}
		printf("      %s\n", commands[i].summary);
	}
	printf("\nIDs are decimal or 0x hex (5, 0x47, 4,0xab, 0x40-0x4f); APQNs are hex (05.0047).\nMask SPECs: 0x<hex> (absolute) or +N,-N,+A-B (relative), as the kernel takes them,\nor chzdev's list of the host's IDs (0-3,8-255).  A bare number (5) is refused:\nthe kernel reads it as the hex mask 0x5..., chzdev as the ID 5; --absolute takes\nthe kernel's reading.  Only mdevctl definitions (persist) and 41-ap.rules\n(persist masks) survive a reboot; every other change is active only.\nEvery change is logged to syslog (authpriv); undo reverts the last one while\nthe host is as it left it.\nExit: 0 done, 1 refused or partly applied, 2 usage, 3 the kernel's answer\ndiffered from the prediction, 4 (replug --check) everything can be plugged\nbut the master keys could not be compared.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysfs", required_argument, NULL, 's' },
		{ "sim", optional_argument, NULL, 'S' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "lock-wait", required_argument, NULL, 'w' },
		{ "lock-parent", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	long lock_wait = -1;
	bool lock_parent = false;
	char *end;
	struct cli cli = { .prog = "apmatrix" };
	const char *sysfs = NULL, *simfile = NULL, *proc;
	bool sim = false;
	struct stat st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysfs = optarg;
			break;
		case 'S':
			sim = true;
			simfile = optarg;
			break;
		case 'r':
			cli.read_only = true;
			break;
		case 'w':
			lock_wait = strtol(optarg, &end, 10);
			if (end == optarg || *end || lock_wait < 0 || lock_wait > 86400) {
				usage_error(
					&cli,
					"--lock-wait: '%s' is not a number of seconds (0..86400)",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			lock_parent = true;
			break;
		case 'v':
			cli.verbose = true;
			break;
		case 'h':
			help(cli.prog);
			return EXIT_OK;
		case 'V':
			printf("apmatrix %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", cli.prog);
			return EXIT_USAGE;
		}
	}
	if (sim && sysfs) {
		usage_error(&cli, "--sim and --sysfs exclude each other");
		return EXIT_USAGE;
	}
	if (!sim && !sysfs) {
		if (stat("/sys/bus/ap", &st) == 0) {
			sysfs = "/sys";
		} else {
			sim = true;
			eprintf(&cli,
				"no AP bus at /sys/bus/ap: using the built-in simulated host");
		}
	}
	rc = sim ? apm_ctx_new_sim(simfile, &cli.ctx) : apm_ctx_new_sysfs(sysfs, &cli.ctx);
	if (rc) {
		eprintf(&cli, "cannot open %s: %s",
			sim ? (simfile ? simfile : "the simulated host") : sysfs, strerror(-rc));
		return rc == -EINVAL ? EXIT_USAGE : EXIT_REFUSED;
	}
	apm_ctx_set_log_fn(cli.ctx, cli_log, &cli);
	apm_ctx_set_read_only(cli.ctx, cli.read_only);
	proc = secure_getenv("APMATRIX_PROC");
	if (proc)
		apm_ctx_set_proc_root(cli.ctx, proc);
	if (secure_getenv("APMATRIX_LOCK"))
		apm_ctx_set_lock_path(cli.ctx, secure_getenv("APMATRIX_LOCK"));
	/* Audit and journal elsewhere (the tests; empty: none). */
	if (secure_getenv("APMATRIX_SYSLOG"))
		apm_ctx_set_syslog_path(cli.ctx, *secure_getenv("APMATRIX_SYSLOG")
							 ? secure_getenv("APMATRIX_SYSLOG")
							 : NULL);
	if (secure_getenv("APMATRIX_JOURNAL"))
		apm_ctx_set_journal_path(cli.ctx, *secure_getenv("APMATRIX_JOURNAL")
							  ? secure_getenv("APMATRIX_JOURNAL")
							  : NULL);
	if (lock_wait >= 0)
		apm_ctx_set_lock_wait(cli.ctx, (unsigned int)lock_wait * 1000);
	apm_ctx_set_lock_parent(cli.ctx, lock_parent);

	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli.cmd = find_command(isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? "tui"
										     : "show");
	else
		cli.cmd = find_command(argv[0]);
	if (cli.cmd) {
		rc = cli.cmd->run(&cli, argc, argv);
	} else {
		usage_error(&cli, "unknown command '%s'", argv[0]);
		rc = EXIT_USAGE;
	}
	apm_ctx_unref(cli.ctx);
	return rc;
}
