// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - the mutating commands: plan a change with libapmatrix, show
 * its preview and predicted verdict, apply it, and report exactly what the
 * kernel did (which steps were applied, the errno, the explanation).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void print_dry_run(struct cli *cli, const struct apm_change *c)
{
	int pred = apm_change_get_prediction(c);
	unsigned int n = apm_change_get_step_count(c);
	struct apm_step_info si;

	printf("prediction: %s\n", pred ? apm_errno_name(pred) : "OK");
	for (unsigned int i = 0; i < n; i++) {
		char *v;

		apm_change_get_step(c, i, &si);
		v = esc_dup(si.value);
		printf("  would write '%s' to %s\n", v ? v : "?", si.path);
		free(v);
	}
	if (pred)
		print_escaped_lines(stdout, "  ", apm_change_get_explanation(c));
	if (pred && cli->verbose)
		print_escaped_lines(stdout, "  note: ", apm_change_get_details(c));
	print_escaped_lines(stdout, "", apm_change_get_notes(c));
}

int print_applied(struct cli *cli, const struct apm_change *c, int rc)
{
	unsigned int n = apm_change_get_step_count(c);
	struct apm_step_info si;
	char prefix[64], what[512];
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		apm_change_get_step(c, i, &si);
		if (!si.applied && si.actual == 0)
			print_escaped_lines(stdout, "not attempted: ", si.what);
		else if (si.actual < 0)
			printf("%s: %s (%s)\n", si.applied ? "refused" : "not attempted",
			       esc(si.what, what, sizeof(what)), apm_errno_name(si.actual));
		else
			print_escaped_lines(stdout, "applied: ", si.what);
	}
	print_escaped_lines(stdout, "", apm_change_get_notes(c));
	ret = EXIT_OK;
	if (rc) {
		snprintf(prefix, sizeof(prefix), "%s: %s: ", cli->prog, apm_errno_name(rc));
		print_escaped_lines(stderr, prefix, apm_change_get_explanation(c));
		if (cli->verbose) {
			snprintf(prefix, sizeof(prefix), "%s: note: ", cli->prog);
			print_escaped_lines(stderr, prefix, apm_change_get_details(c));
		}
		ret = EXIT_REFUSED;
	}
	if (apm_change_get_mismatch(c)) {
		if (!rc)
			print_escaped_lines(stderr, "apmatrix: ", apm_change_get_explanation(c));
		ret = EXIT_MISMATCH;
	}
	return ret;
}

static int print_finding(const struct apm_finding *f, void *data)
{
	char prefix[96];

	snprintf(prefix, sizeof(prefix), "%s: warning: after this change, ", (const char *)data);
	print_escaped_lines(stdout, prefix, f->text);
	return 0;
}

void print_new_findings(struct cli *cli, const struct apm_change *c)
{
	const char *env = secure_getenv("APMATRIX_CONFIG_ROOT");
	struct apm_host *now = NULL, *after = NULL;
	struct apm_config *cfg = NULL;

	/* What ap-check would refuse at the next mdevctl start that it does not refuse now. */
	if (apm_config_new(cli->ctx, env && *env ? env : NULL, &cfg) || apm_config_load(cfg) ||
	    apm_host_load(cli->ctx, 0, &now) || apm_change_get_predicted_host(c, &after))
		goto out;
	apm_config_foreach_new_finding(cfg, now, after, print_finding, (void *)cli->prog);
out:
	apm_host_unref(after);
	apm_host_unref(now);
	apm_config_unref(cfg);
}

/*
 * Plan done: preview, then either the prediction (dry run) or apply.  A
 * create names its mdev ("mdev UUID", the line a script reads) once the
 * kernel made it, never before a step that was not attempted.
 */
static int run_change(struct cli *cli, struct apm_change *c, bool dry_run, bool creates)
{
	int pred = apm_change_get_prediction(c), ret, rc;

	print_escaped_lines(stdout, "", apm_change_get_preview(c));
	print_new_findings(cli, c);
	if (dry_run) {
		print_dry_run(cli, c);
		apm_change_unref(c);
		return pred ? EXIT_REFUSED : EXIT_OK;
	}
	rc = apm_change_apply(c);
	if (creates && !rc)
		printf("mdev %s\n", apm_change_get_uuid(c));
	ret = print_applied(cli, c, rc);
	apm_change_unref(c);
	return ret;
}

static int plan_failed(struct cli *cli, const char *what, int rc)
{
	eprintf(cli, "%s: %s", what, strerror(-rc));
	return EXIT_REFUSED;
}

int cmd_mask(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run"), abs = take_flag(&argc, argv, "--absolute");
	unsigned int flags = abs ? APM_MASK_SPEC_ABSOLUTE : 0;
	struct apm_mask cur, out;
	struct apm_change *c;
	struct apm_host *h;
	char err[600];
	bool aq;
	int rc;

	if (argc != 3 || (strcmp(argv[1], "apmask") && strcmp(argv[1], "aqmask")))
		return usage(cli);
	aq = argv[1][1] == 'q';
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	/* A SPEC that means two things is the operator's to say, not ours to guess. */
	if (aq)
		apm_host_get_aqmask(h, &cur);
	else
		apm_host_get_apmask(h, &cur);
	rc = apm_mask_parse_spec(argv[2], flags | (aq ? APM_MASK_SPEC_AQMASK : 0), &cur, &out, err,
				 sizeof(err));
	/* What the kernel would refuse is predicted and explained by the change. */
	if (rc && rc != -EINVAL) {
		apm_host_unref(h);
		usage_error(cli, "mask: %s%s", err,
			    rc == -ENOTUNIQ && !strpbrk(argv[2], ",-+")
				    ? "; or add --absolute for the kernel's reading"
				    : "");
		return EXIT_USAGE;
	}
	rc = apm_change_new_mask_spec(h, aq, argv[2], flags, &c);
	apm_host_unref(h);
	if (rc)
		return plan_failed(cli, "mask", rc);
	return run_change(cli, c, dry, false);
}

/*
 * mdev create --persist: the definition is planned and checked before the
 * mdev is created, so a refusal leaves nothing behind; it is written once
 * the kernel created the mdev.
 */
static int plan_create_persist(struct cli *cli, struct apm_host *h, struct apm_change *c,
			       bool autostart, struct apm_persist **p)
{
	struct apm_config *cfg;
	int rc;

	if (load_config(cli, NULL, &cfg))
		return EXIT_REFUSED;
	if (apm_config_find_def(cfg, apm_change_get_uuid(c))) {
		eprintf(cli,
			"mdev create --persist: mdev %s is defined already (%s): start it with `mdevctl start --uuid %s`, or unpersist it first",
			apm_change_get_uuid(c),
			apm_def_get_path(apm_config_find_def(cfg, apm_change_get_uuid(c))),
			apm_change_get_uuid(c));
		apm_config_unref(cfg);
		return EXIT_REFUSED;
	}
	rc = apm_persist_new_define(cfg, h, apm_change_get_uuid(c),
				    autostart ? APM_START_AUTO : APM_START_MANUAL, NULL, p);
	apm_config_unref(cfg);
	if (rc)
		return plan_failed(cli, "mdev create --persist", rc);
	if (apm_persist_get_prediction(*p)) {
		int pred = apm_persist_get_prediction(*p);
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%s: %s: ", cli->prog, apm_errno_name(pred));
		print_escaped_lines(stderr, prefix, apm_persist_get_explanation(*p));
		eprintf(cli, "nothing was created");
		*p = apm_persist_unref(*p);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

int cmd_mdev(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run");
	bool persist = take_flag(&argc, argv, "--persist"),
	     autostart = take_flag(&argc, argv, "--auto");
	bool create = argc >= 2 && !strcmp(argv[1], "create");
	struct apm_persist *p = NULL;
	struct apm_mdev *md;
	struct apm_change *c;
	struct apm_host *h;
	int rc;

	if (argc < 2 || (!create && strcmp(argv[1], "remove")) || (create && argc > 3) ||
	    (!create && argc != 3) || ((persist || autostart) && !create) ||
	    (autostart && !persist))
		return usage(cli);
	if (argc == 3 && create && strlen(argv[2]) != 36) {
		usage_error(cli, "mdev create: '%s' is not a UUID (8-4-4-4-12 hex digits)",
			    argv[2]);
		return EXIT_USAGE;
	}
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	if (create) {
		rc = apm_change_new_mdev_create(h, argc == 3 ? argv[2] : NULL, &c);
	} else if (find_mdev(cli, h, argv[2], &md)) {
		apm_host_unref(h);
		return EXIT_USAGE;
	} else {
		rc = apm_change_new_mdev_remove(h, apm_mdev_get_uuid(md), &c);
	}
	if (rc == -EINVAL && create) {
		apm_host_unref(h);
		usage_error(cli, "mdev create: '%s' is not a UUID (8-4-4-4-12 hex digits)",
			    argv[2]);
		return EXIT_USAGE;
	}
	if (rc) {
		apm_host_unref(h);
		return plan_failed(cli, "mdev", rc);
	}
	if (persist) {
		rc = plan_create_persist(cli, h, c, autostart, &p);
		if (rc) {
			apm_host_unref(h);
			apm_change_unref(c);
			return rc;
		}
	}
	apm_host_unref(h);
	rc = run_change(cli, c, dry, create);
	if (p && rc != EXIT_OK) {
		apm_persist_unref(p);
		if (!dry)
			eprintf(cli, "the mdev was not created, so no definition was written");
		return rc;
	}
	if (p)
		rc = run_persist(cli, p, dry);
	return rc;
}

int cmd_assign(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run"), unassign = !strcmp(argv[0], "unassign");
	unsigned int ids[256];
	enum apm_kind res;
	struct apm_change *c;
	struct apm_mdev *md;
	struct apm_host *h;
	char err[160];
	size_t n;
	int rc;

	if (argc != 4)
		return usage(cli);
	if (!strcmp(argv[2], "adapter"))
		res = APM_KIND_ADAPTER;
	else if (!strcmp(argv[2], "domain"))
		res = APM_KIND_DOMAIN;
	else if (!strcmp(argv[2], "control-domain"))
		res = APM_KIND_CONTROL_DOMAIN;
	else {
		usage_error(cli, "%s: '%s' is not adapter, domain or control-domain", argv[0],
			    argv[2]);
		return EXIT_USAGE;
	}
	if (apm_parse_id_list(argv[3], ids, &n, err, sizeof(err))) {
		usage_error(cli, "%s: %s", argv[0], err);
		return EXIT_USAGE;
	}
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	if (find_mdev(cli, h, argv[1], &md)) {
		apm_host_unref(h);
		return EXIT_USAGE;
	}
	rc = apm_change_new_assign(h, apm_mdev_get_uuid(md), res, unassign, ids, n, &c);
	apm_host_unref(h);
	if (rc)
		return plan_failed(cli, argv[0], rc);
	return run_change(cli, c, dry, false);
}

static int parse_on_off(struct cli *cli, const char *cmd, const char *s, bool *on)
{
	if (!strcmp(s, "on"))
		*on = true;
	else if (!strcmp(s, "off"))
		*on = false;
	else {
		usage_error(cli, "%s: '%s' is neither on nor off", cmd, s);
		return -EINVAL;
	}
	return 0;
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	bool dry = take_flag(&argc, argv, "--dry-run"), on;
	struct apm_change *c;
	struct apm_host *h;
	unsigned int id;
	char err[160];
	int rc;

	if (argc != 3)
		return usage(cli);
	if (apm_parse_id(argv[1], &id, err, sizeof(err))) {
		usage_error(cli, "config: %s", err);
		return EXIT_USAGE;
	}
	if (parse_on_off(cli, "config", argv[2], &on))
		return EXIT_USAGE;
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	rc = apm_change_new_config(h, id, on, &c);
	apm_host_unref(h);
	if (rc)
		return plan_failed(cli, "config", rc);
	return run_change(cli, c, dry, false);
}

int cmd_rescan(struct cli *cli, int argc, char **argv)
{
	struct apm_change *c;
	struct apm_host *h;
	int rc;

	(void)argv;
	if (argc != 1)
		return usage(cli);
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	rc = apm_change_new_rescan(h, &c);
	apm_host_unref(h);
	if (rc)
		return plan_failed(cli, "rescan", rc);
	return run_change(cli, c, false, false);
}

/* The simulated host keeps a guest's name exactly or refuses it (vfio.c: guest_name_ok). */
static bool guest_name_ok(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f)
			return false;
	return n && n <= 63;
}

static int sim_usage(struct cli *cli)
{
	return usage(cli);
}

/*
 * sim export --modparams: the LPAR of this host as apsim's module
 * parameters (a contract of kmod/), so one scenario runs on both hosts.
 * What parameters cannot carry (mdevs, masks, configured-off adapters) is
 * named on stderr: a test sets it up with apmatrix commands after loading.
 */
static int sim_export(struct cli *cli, int argc, char **argv)
{
	char adapters[256 * 70] = "", usage[1024], control[1024], type[64];
	struct apm_mask lpar[3], m;
	struct apm_adapter *ad;
	struct apm_host *h;
	size_t at = 0;
	int rc, ce, se;
	bool c, s;

	if (argc != 3 || strcmp(argv[2], "--modparams"))
		return sim_usage(cli);
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	for (int k = 0; k < 3; k++) {
		rc = apm_host_get_lpar_mask(h, (enum apm_kind)k, &lpar[k]);
		if (rc) {
			eprintf(cli, "sim export: this host does not tell its LPAR's %s (%s)",
				k == 0	 ? "adapters"
				: k == 1 ? "usage domains"
					 : "control domains",
				strerror(-rc));
			apm_host_unref(h);
			return EXIT_REFUSED;
		}
	}
	for (unsigned int a = 0; a < 256; a++) {
		if (!apm_mask_test(&lpar[0], a))
			continue;
		ad = NULL;
		if (apm_host_lookup_adapter(h, a, &ad) || !apm_adapter_get_type(ad)[0]) {
			eprintf(cli,
				"sim export: adapter 0x%02x is in the LPAR but its type is unknown (no card device bound to cex4card)",
				a);
			apm_adapter_unref(ad);
			apm_host_unref(h);
			return EXIT_REFUSED;
		}
		/* A card's type is sysfs text: escaped (apsim takes only CEXnX anyway). */
		at += (size_t)snprintf(adapters + at, sizeof(adapters) - at, "%s0x%02x:%s",
				       at ? "," : "", a,
				       esc(apm_adapter_get_type(ad), type, sizeof(type)));
		c = apm_adapter_is_configured(ad, &ce);
		s = apm_adapter_is_checkstopped(ad, &se);
		if ((!ce && !c) || (!se && s))
			eprintf(cli, "sim export: adapter 0x%02x is %s: not a module parameter", a,
				!ce && !c ? "configured off" : "checkstopped");
		apm_adapter_unref(ad);
	}
	apm_mask_format_ranges(&lpar[1], usage, sizeof(usage));
	apm_mask_format_ranges(&lpar[2], control, sizeof(control));
	printf("adapters=%s domains=%s control_domains=%s max_adapter_id=%u max_domain_id=%u",
	       adapters, usage, control, apm_host_get_max_adapter_id(h),
	       apm_host_get_max_domain_id(h));
	/* The generation where it is not apsim's default (6.15 reads as 6.13: no attribute tells it). */
	if (strcmp(apm_host_get_profile(h), "6.13"))
		printf(" profile=%s", apm_host_get_profile(h));
	putchar('\n');
	if (!strcmp(apm_host_get_profile(h), "4.20"))
		fprintf(stderr,
			"%s: sim export: apsim cannot be the static generation (4.20): it refuses this profile\n",
			cli->prog);
	if (apm_host_get_mdev_count(h))
		eprintf(cli, "sim export: %u mdevs are not module parameters",
			apm_host_get_mdev_count(h));
	apm_host_get_apmask(h, &m);
	for (int k = 0; k < 2; k++) {
		if (apm_mask_weight(&m) != 256)
			eprintf(cli, "sim export: %s is not all ones: not a module parameter",
				k ? "aqmask" : "apmask");
		apm_host_get_aqmask(h, &m);
	}
	apm_host_unref(h);
	return 0;
}

int cmd_sim(struct cli *cli, int argc, char **argv)
{
	bool strict = take_flag(&argc, argv, "--strict");
	struct apm_sim_arg arg = { .strict = strict };
	enum apm_sim_op op;
	struct apm_change *c;
	struct apm_host *h;
	char err[160];
	int rc;

	if (argc < 2)
		return sim_usage(cli);
	if (!strcmp(argv[1], "export"))
		return sim_export(cli, argc, argv);
	if ((!strcmp(argv[1], "guest-start") || !strcmp(argv[1], "guest-attach")) && argc == 4) {
		op = argv[1][6] == 's' ? APM_SIM_GUEST_START : APM_SIM_GUEST_ATTACH;
		arg.uuid = argv[2];
		arg.name = argv[3];
		if (!guest_name_ok(arg.name)) {
			usage_error(
				cli,
				"sim %s: '%s' is not a guest name (1..63 bytes, no blanks or control characters)",
				argv[1], arg.name);
			return EXIT_USAGE;
		}
	} else if ((!strcmp(argv[1], "guest-stop") || !strcmp(argv[1], "guest-detach")) &&
		   argc == 3) {
		op = argv[1][6] == 's' ? APM_SIM_GUEST_STOP : APM_SIM_GUEST_DETACH;
		arg.uuid = argv[2];
	} else if ((!strcmp(argv[1], "se-config") || !strcmp(argv[1], "chkstop")) && argc == 4) {
		op = argv[1][0] == 's' ? APM_SIM_SE_CONFIG : APM_SIM_CHKSTOP;
		if (apm_parse_id(argv[2], &arg.id, err, sizeof(err))) {
			usage_error(cli, "sim %s: %s", argv[1], err);
			return EXIT_USAGE;
		}
		if (parse_on_off(cli, argv[1], argv[3], &arg.on))
			return EXIT_USAGE;
	} else if (!strcmp(argv[1], "lpar") && (argc == 5 || argc == 6)) {
		bool add = !strcmp(argv[2], "add");

		if (!add && strcmp(argv[2], "remove"))
			return sim_usage(cli);
		if (!strcmp(argv[3], "adapter"))
			op = add ? APM_SIM_LPAR_ADD_ADAPTER : APM_SIM_LPAR_REMOVE_ADAPTER;
		else if (!strcmp(argv[3], "usage-domain"))
			op = add ? APM_SIM_LPAR_ADD_USAGE_DOMAIN : APM_SIM_LPAR_REMOVE_USAGE_DOMAIN;
		else if (!strcmp(argv[3], "control-domain"))
			op = add ? APM_SIM_LPAR_ADD_CONTROL_DOMAIN
				 : APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN;
		else
			return sim_usage(cli);
		if (argc == 6 && op != APM_SIM_LPAR_ADD_ADAPTER)
			return sim_usage(cli);
		if (apm_parse_id(argv[4], &arg.id, err, sizeof(err))) {
			usage_error(cli, "sim lpar: %s", err);
			return EXIT_USAGE;
		}
		arg.name = argc == 6 ? argv[5] : NULL;
	} else if (!strcmp(argv[1], "scan") && argc == 2) {
		op = APM_SIM_SCAN;
	} else {
		return sim_usage(cli);
	}
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	rc = apm_change_new_sim(h, op, &arg, &c);
	apm_host_unref(h);
	if (rc == -EOPNOTSUPP) {
		eprintf(cli,
			"sim %s: this is a real host: simulated hardware and guests exist only on the simulated host (--sim) or with the apsim module",
			argv[1]);
		return EXIT_REFUSED;
	}
	if (rc)
		return plan_failed(cli, "sim", rc);
	rc = run_change(cli, c, false, false);
	return rc;
}
