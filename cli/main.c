// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - apmatrix: global options, picking the host, dispatch, and the
 * helpers every command shares (loading the host and its persistent
 * configuration, usage errors, flags, escaped output).
 *
 * With neither --sysfs nor --sim the real /sys is used when it has an AP
 * bus, else the built-in simulated host (said on stderr), so the tool does
 * something useful on any machine.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"

static void log_to_stderr(void *data, int priority, const char *file, int line, const char *fn,
			  const char *format, va_list args)
{
	struct cli *cli = data;

	(void)file;
	(void)line;
	(void)fn;
	fprintf(stderr, "%s: %s", cli->prog, priority <= LOG_WARNING ? "" : "note: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

void usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cli->prog);
}

int load_host(struct cli *cli, unsigned int flags, struct apm_host **host)
{
	int rc = apm_host_load(cli->ctx, flags, host);

	if (rc)
		fprintf(stderr, "%s: cannot read the host at %s: %s\n", cli->prog,
			apm_ctx_get_source(cli->ctx), strerror(-rc));
	return rc;
}

void stdout_large(void)
{
	/* glibc takes a size only with a buffer: without, it keeps st_blksize (4 KiB). */
	static char buf[1 << 20];

	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
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

/* "--base DIR" out of argv; NULL when absent, "" on a missing DIR. */
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
		fprintf(stderr, "%s: cannot read the persistent configuration: %s\n", cli->prog,
			strerror(-rc));
	return rc;
}

/* Text from files or the library, escaped, one line after the other. */
void print_escaped_lines(FILE *f, const char *prefix, const char *text)
{
	char line[1024];

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *copy = strndup(text, len);

		if (!copy)
			return;
		apm_text_escape(copy, line, sizeof(line), APM_TEXT_KEEP_TAB);
		fprintf(f, "%s%s\n", prefix, line);
		free(copy);
		text += len + (nl ? 1 : 0);
	}
}

static void help(const char *prog)
{
	printf("Usage: %s [OPTIONS] [COMMAND [ARGS]]\n\nShow and change s390 AP crypto pass-through (AP bus masks, vfio_ap mdevs).\n\nOptions (before the command):\n  --sysfs DIR      use the sysfs mounted at DIR (default /sys)\n  --sim[=FILE]     use the simulated host; its state lives in FILE\n  --read-only      refuse every change\n  --lock-wait S    wait at most S seconds for the AP configuration lock (90)\n  --lock-parent    hold that lock in the parent process's name (as a callout)\n  --help, --version\n\nCommands (none: the console on a terminal, else show):\n  tui [--theme NAME|PATH] [--mono] [--ascii] [--interval MS] [--script FILE --size WxH]\n      [--list-actions] [--list-legend]\n  show [--json] [--detail] [--guest NAME]\n  watch [--json] [--interval MS] [--count N]\n  mask apmask|aqmask SPEC [--dry-run]\n  mdev create [UUID] [--persist [--auto]] [--dry-run] | mdev remove UUID [--dry-run]\n  assign|unassign UUID adapter|domain|control-domain IDS [--dry-run]\n  config ADAPTER on|off [--dry-run]\n  rescan\n  persist UUID [--auto|--manual] [--dry-run] | unpersist UUID [--dry-run]\n  persist masks [--base DIR] [--dry-run]\n  undo [--dry-run]\n  unplug UUID --save FILE [--dry-run] [--libvirt] | unplug --rollback FILE [--libvirt]\n      | unplug --done FILE\n  replug --check --from FILE [--uuid UUID] [--json]\n  replug --from FILE [--uuid UUID] [--create] [--persist] [--libvirt]\n  sim guest-start UUID NAME | guest-stop UUID | guest-detach UUID\n      | guest-attach UUID NAME | se-config ADAPTER on|off\n      | chkstop ADAPTER on|off | lpar add|remove adapter|usage-domain|control-domain ID [TYPE] [--strict]\n      | scan | export --modparams\n\nIDs are decimal or 0x hex (5, 0x47, 4,0xab, 0x40-0x4f); APQNs are hex (05.0047).\nMask SPECs use the kernel's syntax: 0x<hex> or +N,-N,+A-B.\nOnly mdevctl definitions (persist) and 41-ap.rules (persist masks) survive a\nreboot; every other change is active only.\nEvery change is logged to syslog (authpriv); undo reverts the last one while\nthe host is as it left it.\nExit: 0 done, 1 refused or partly applied, 2 usage, 3 the kernel's answer\ndiffered from the prediction, 4 (replug --check) everything can be plugged\nbut the master keys could not be compared.\n",
	       prog);
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
			fprintf(stderr,
				"%s: no AP bus at /sys/bus/ap: using the built-in simulated host\n",
				cli.prog);
		}
	}
	rc = sim ? apm_ctx_new_sim(simfile, &cli.ctx) : apm_ctx_new_sysfs(sysfs, &cli.ctx);
	if (rc) {
		fprintf(stderr, "%s: cannot open %s: %s\n", cli.prog,
			sim ? (simfile ? simfile : "the simulated host") : sysfs, strerror(-rc));
		return rc == -EINVAL ? EXIT_USAGE : EXIT_REFUSED;
	}
	apm_ctx_set_log_fn(cli.ctx, log_to_stderr, &cli);
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
	if ((argc == 0 && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) ||
	    (argc > 0 && !strcmp(argv[0], "tui")))
		rc = tui_main(cli.ctx, cli.prog, argc, argv, cli.read_only);
	else if (argc == 0 || !strcmp(argv[0], "show"))
		rc = cmd_show(&cli, argc, argv);
	else if (!strcmp(argv[0], "watch"))
		rc = cmd_watch(&cli, argc, argv);
	else if (!strcmp(argv[0], "mask"))
		rc = cmd_mask(&cli, argc, argv);
	else if (!strcmp(argv[0], "mdev"))
		rc = cmd_mdev(&cli, argc, argv);
	else if (!strcmp(argv[0], "assign"))
		rc = cmd_assign(&cli, argc, argv, false);
	else if (!strcmp(argv[0], "unassign"))
		rc = cmd_assign(&cli, argc, argv, true);
	else if (!strcmp(argv[0], "config"))
		rc = cmd_config(&cli, argc, argv);
	else if (!strcmp(argv[0], "rescan"))
		rc = cmd_rescan(&cli, argc, argv);
	else if (!strcmp(argv[0], "sim"))
		rc = cmd_sim(&cli, argc, argv);
	else if (!strcmp(argv[0], "persist"))
		rc = cmd_persist(&cli, argc, argv);
	else if (!strcmp(argv[0], "unpersist"))
		rc = cmd_unpersist(&cli, argc, argv);
	else if (!strcmp(argv[0], "undo"))
		rc = cmd_undo(&cli, argc, argv);
	else if (!strcmp(argv[0], "unplug"))
		rc = cmd_unplug(&cli, argc, argv);
	else if (!strcmp(argv[0], "replug"))
		rc = cmd_replug(&cli, argc, argv);
	else {
		usage_error(&cli, "unknown command '%s'", argv[0]);
		rc = EXIT_USAGE;
	}
	apm_ctx_unref(cli.ctx);
	return rc;
}
