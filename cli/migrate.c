// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * migrate.c - the guided migration's commands: `unplug` takes a running
 * guest's AP resources away before a live migration, `replug` gives
 * equivalent ones on the target after checking them, `unplug --rollback`
 * gives them back on the source, `unplug --done` ends it.
 *
 * The steps, their state and what they say are libapmatrix's (struct
 * apm_migration, core/migrate.c); this file parses the command line,
 * prints the account (what the library says on stdout, what stopped it
 * on stderr), the check as JSON, and maps the outcome to an exit code.
 */
#include "config.h"

#include <errno.h>
#include <json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

struct front {
	struct cli *cli;
	enum apm_migration_kind kind;
	json_object *doc; /* replug --check --json */
};

/*
 * Tests stop the command dead between two steps, as a power loss would:
 * APMATRIX_TEST_KILL=unplug:2 kills the unplug once step 2 is done.
 */
static void test_kill_point(const char *cmd, unsigned int step)
{
	const char *spec = getenv("APMATRIX_TEST_KILL");
	char want[32];

	snprintf(want, sizeof(want), "%s:%u", cmd, step);
	if (spec && !strcmp(spec, want)) {
		fflush(stdout);
		raise(SIGKILL);
	}
}

static void on_event(const struct apm_migration_event *ev, void *data)
{
	struct front *f = data;
	static const char *const names[] = { "unplug", "replug", "rollback" };

	switch (ev->kind) {
	case APM_MIGRATION_EVENT_INFO:
		/* Flushed: virsh, run by the library, writes to the same stdout. */
		printf("%s\n", ev->text);
		fflush(stdout);
		break;
	case APM_MIGRATION_EVENT_ERROR:
		eprintf(f->cli, "%s", ev->text);
		break;
	case APM_MIGRATION_EVENT_STEP:
		test_kill_point(names[f->kind], ev->step);
		break;
	case APM_MIGRATION_EVENT_KEYS:
		if (f->doc)
			json_object_object_add(f->doc, "lent_to_zcrypt",
					       json_object_new_string(ev->text));
		break;
	}
}

/* The libvirt configuration, when the host has one (the built-in simulated host has none). */
static struct apm_config *quiet_config(struct cli *cli)
{
	const char *env = secure_getenv("APMATRIX_CONFIG_ROOT");
	struct apm_config *cfg;

	if (apm_config_new(cli->ctx, env && *env ? env : NULL, &cfg))
		return NULL;
	if (apm_config_load(cfg))
		return apm_config_unref(cfg);
	return cfg;
}

/* The migration of the host, or what is wrong on stderr (JSON too with doc); rc. */
static int open_migration(struct front *f, struct apm_migration_opts *o, struct apm_migration **m)
{
	struct apm_host *h;
	char err[1024];
	int rc;

	if (load_host(f->cli, 0, &h))
		return -EIO;
	o->cfg = quiet_config(f->cli);
	rc = apm_migration_new(h, f->kind, o, m, err, sizeof(err));
	apm_host_unref(h);
	apm_config_unref(o->cfg);
	if (!rc)
		return 0;
	if (f->doc) {
		json_object_object_add(f->doc, "file", json_text(o->file));
		json_object_object_add(f->doc, "valid", json_object_new_boolean(false));
		json_object_object_add(f->doc, "error", json_object_new_string(err));
		json_object_object_add(f->doc, "pluggable", json_object_new_boolean(false));
		puts(json_object_to_json_string_ext(f->doc, JSON_C_TO_STRING_PLAIN));
	}
	eprintf(f->cli, "%s%s",
		f->kind == APM_MIGRATION_UNPLUG && (rc == -ENODEV || rc == -ENOTUNIQ) ? "unplug: "
										      : "",
		err);
	return rc;
}

static int exit_code(int rc)
{
	return !rc ? EXIT_OK : rc == -EPROTO ? EXIT_MISMATCH : EXIT_REFUSED;
}

/* The steps and whether each is done, before anything runs. */
static void print_steps(const struct apm_migration *m)
{
	struct apm_migration_step s;

	for (unsigned int i = 0; !apm_migration_get_step(m, i, &s); i++)
		printf("step %u: %s: %s\n", i + 1, s.name,
		       s.state == APM_MIGRATION_STEP_DONE ? "done" : "to do");
}

/* Account: the summary, the steps, then the run. */
static int run_migration(struct front *f, struct apm_migration *m)
{
	int rc;

	fputs(apm_migration_get_summary(m), stdout);
	print_steps(m);
	apm_migration_set_progress(m, on_event, f);
	rc = apm_migration_run(m);
	fflush(stdout);
	return exit_code(rc);
}

static int unplug_done(struct cli *cli, const char *file)
{
	struct apm_restore *r;
	char err[600], *shown;

	if (apm_restore_load(file, &r, err, sizeof(err))) {
		eprintf(cli, "%s", err);
		return EXIT_REFUSED;
	}
	if (unlink(file)) {
		eprintf(cli, "cannot remove %s: %s", file, strerror(errno));
		apm_restore_unref(r);
		return EXIT_REFUSED;
	}
	shown = esc_dup(file);
	printf("removed the restore file %s (mdev %s): the migration is finished\n",
	       shown ? shown : "", apm_restore_get_uuid(r));
	free(shown);
	apm_restore_unref(r);
	return EXIT_OK;
}

int cmd_unplug(struct cli *cli, int argc, char **argv)
{
	struct front f = { .cli = cli, .kind = APM_MIGRATION_UNPLUG };
	struct apm_migration_opts o = { 0 };
	const char *rollback = take_value(&argc, argv, "--rollback");
	const char *done = take_value(&argc, argv, "--done");
	struct apm_migration *m;
	int rc;

	o.file = take_value(&argc, argv, "--save");
	o.dry_run = take_flag(&argc, argv, "--dry-run");
	o.libvirt = take_flag(&argc, argv, "--libvirt");
	/* A rollback on a source whose mdev was removed makes it again, as a replug does. */
	o.create = take_flag(&argc, argv, "--create");
	if (done && !rollback && !o.file && argc == 1 && *done && !o.dry_run && !o.libvirt &&
	    !o.create)
		return unplug_done(cli, done);
	if (rollback && !done && !o.file && argc == 1 && *rollback && !o.dry_run) {
		f.kind = APM_MIGRATION_ROLLBACK;
		o.file = rollback;
	} else if (!o.file || !*o.file || argc != 2 || done || rollback || o.create) {
		return usage(cli);
	} else {
		o.uuid = argv[1];
	}
	rc = open_migration(&f, &o, &m);
	if (rc)
		return rc == -ENODEV || rc == -ENOTUNIQ ? EXIT_USAGE : EXIT_REFUSED;
	rc = run_migration(&f, m);
	apm_migration_unref(m);
	return rc;
}

static int on_verdict(const struct apm_replug_verdict *v, enum apm_migration_verdict vd, void *data)
{
	json_object *list = data, *e = json_object_new_object();
	char apqn[16], text[800];

	snprintf(apqn, sizeof(apqn), "%02x.%04x", v->adapter, v->domain);
	json_object_object_add(e, "apqn", json_object_new_string(apqn));
	json_object_object_add(e, "code", json_object_new_string(apm_replug_code_name(v->code)));
	json_object_object_add(e, "pluggable",
			       json_object_new_boolean(vd != APM_MIGRATION_REFUSED));
	json_object_object_add(e, "other", v->other ? json_object_new_string(v->other) : NULL);
	json_object_object_add(e, "text", json_object_new_string(esc(v->text, text, sizeof(text))));
	json_object_array_add(list, e);
	return 0;
}

/* replug --check: per APQN what will and will not be plugged, as text or JSON. */
static int replug_check(struct front *f, struct apm_migration *m)
{
	const struct apm_restore *r = apm_migration_get_restore(m);
	unsigned int ok, refused, unknown;
	json_object *list = NULL;
	int rc;

	apm_migration_set_progress(m, on_event, f);
	if (f->doc) {
		const struct apm_host_identity *id = apm_restore_get_source(r);
		json_object *src = json_object_new_object();
		char b[160];

		list = json_object_new_array();
		json_object_object_add(f->doc, "file", json_text(apm_migration_get_file(m)));
		json_object_object_add(f->doc, "valid", json_object_new_boolean(true));
		json_object_object_add(f->doc, "error", NULL);
		json_object_object_add(f->doc, "mdev",
				       json_object_new_string(apm_migration_get_uuid(m)));
		json_object_object_add(src, "name",
				       json_object_new_string(esc(id->name, b, sizeof(b))));
		json_object_object_add(src, "created",
				       json_object_new_string(apm_restore_get_created(r)));
		json_object_object_add(f->doc, "source", src);
		json_object_object_add(
			f->doc, "refusal",
			apm_migration_get_refusal(m)
				? json_object_new_string(apm_migration_get_refusal(m))
				: NULL);
		rc = apm_migration_check(m, on_verdict, list);
	} else {
		fputs(apm_migration_get_summary(m), stdout);
		rc = apm_migration_check(m, NULL, NULL);
	}
	apm_migration_get_check_counts(m, &ok, &refused, &unknown);
	if (f->doc) {
		json_object_object_add(f->doc, "apqns", list);
		json_object_object_add(f->doc, "refused", json_object_new_int((int)refused));
		json_object_object_add(f->doc, "keys_unknown", json_object_new_int((int)unknown));
		json_object_object_add(f->doc, "pluggable",
				       json_object_new_boolean(!rc && !refused));
		json_object_object_add(f->doc, "same_keys",
				       json_object_new_boolean(!rc && !refused && !unknown));
		puts(json_object_to_json_string_ext(
			f->doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("%u can be plugged with the same keys, %u refused, %u with keys not compared\n",
		       ok, refused, unknown);
	}
	if (rc)
		return EXIT_REFUSED;
	return refused ? EXIT_REFUSED : unknown ? EXIT_KEYS_UNKNOWN : EXIT_OK;
}

int cmd_replug(struct cli *cli, int argc, char **argv)
{
	struct front f = { .cli = cli, .kind = APM_MIGRATION_REPLUG };
	struct apm_migration_opts o = { 0 };
	bool check = take_flag(&argc, argv, "--check"), json = take_flag(&argc, argv, "--json");
	struct apm_migration *m;
	int rc;

	o.create = take_flag(&argc, argv, "--create");
	o.persist = take_flag(&argc, argv, "--persist");
	o.uuid = take_value(&argc, argv, "--uuid");
	o.file = take_value(&argc, argv, "--from");
	o.libvirt = take_flag(&argc, argv, "--libvirt");
	if (argc != 1 || !o.file || !*o.file || (o.uuid && !*o.uuid) ||
	    (check && (o.create || o.persist || o.libvirt)) || (json && !check))
		return usage(cli);
	if (o.uuid && (strlen(o.uuid) != 36 || strspn(o.uuid, "0123456789abcdefABCDEF-") != 36)) {
		char b[160];

		usage_error(cli, "replug: '%s' is not a UUID (8-4-4-4-12 hex digits)",
			    esc(o.uuid, b, sizeof(b)));
		return EXIT_USAGE;
	}
	if (json) {
		f.doc = json_object_new_object();
		json_object_object_add(f.doc, "schema", json_object_new_int(1));
	}
	rc = open_migration(&f, &o, &m);
	if (rc) {
		json_object_put(f.doc);
		return EXIT_REFUSED;
	}
	rc = check ? replug_check(&f, m) : run_migration(&f, m);
	json_object_put(f.doc);
	apm_migration_unref(m);
	return rc;
}
