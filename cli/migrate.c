// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * migrate.c - guided migration: `unplug` takes a running guest's AP
 * resources away before a live migration (QEMU's vfio-ap device is
 * unmigratable, libvirt refuses a domain with an mdev hostdev), `replug`
 * gives equivalent ones on the target, after checking that they exist,
 * are free and carry the same master keys.
 *
 * Each command is a list of steps whose state is read from the host and
 * the restore file every time, so running the same command again after
 * an interruption reports which steps are done and resumes; nothing is
 * ever deleted but by `unplug --done`.  The libvirt step runs the `virsh`
 * found on the PATH, or prints the exact command and XML.
 */
#include "config.h"

#include <errno.h>
#include <json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

struct mig {
	struct cli *cli;
	const char *file;
	struct apm_restore *r;
	struct apm_host *h;
	struct apm_config *cfg;
	const char *uuid; /* the mdev on this host (uuidbuf) */
	char uuidbuf[37];
	bool dry, libvirt;
};

/*
 * Tests stop the command dead between two steps, as a power loss would:
 * APMATRIX_TEST_KILL=unplug:2 kills the unplug once step 2 is done.
 */
static void test_kill_point(const char *cmd, int step)
{
	const char *spec = getenv("APMATRIX_TEST_KILL");
	char want[32];

	snprintf(want, sizeof(want), "%s:%d", cmd, step);
	if (spec && !strcmp(spec, want)) {
		fflush(stdout);
		raise(SIGKILL);
	}
}

static void mig_free(struct mig *m)
{
	apm_restore_unref(m->r);
	apm_host_unref(m->h);
	apm_config_unref(m->cfg);
}

static int reload(struct mig *m)
{
	apm_host_unref(m->h);
	m->h = NULL;
	return load_host(m->cli, 0, &m->h);
}

/* The libvirt configuration, when the host has one (the built-in simulated host has none). */
static void load_cfg(struct mig *m)
{
	const char *env = secure_getenv("APMATRIX_CONFIG_ROOT");

	if (apm_config_new(m->cli->ctx, env && *env ? env : NULL, &m->cfg))
		return;
	if (apm_config_load(m->cfg))
		m->cfg = apm_config_unref(m->cfg);
}

static void print_ids(const char *label, const struct apm_mask *m)
{
	char buf[1024];

	apm_mask_format_ranges(m, buf, sizeof(buf));
	printf("  %s: %s\n", label, buf[0] ? buf : "none");
}

static unsigned int weight(const struct apm_mask *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 256; i++)
		n += apm_mask_test(m, i);
	return n;
}

static bool mask_empty(const struct apm_mask *m)
{
	return !(m->w[0] | m->w[1] | m->w[2] | m->w[3]);
}

static bool mask_eq(const struct apm_mask *a, const struct apm_mask *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void print_source(const struct apm_restore *r)
{
	const struct apm_host_identity *id = apm_restore_get_source(r);
	char b1[160], b2[160], b3[160];

	printf("  source host: %s", id->name[0] ? esc(id->name, b1, sizeof(b1)) : "(unnamed)");
	if (id->machine_type[0])
		printf(", machine type %s, sequence code %s", esc(id->machine_type, b2, sizeof(b2)),
		       esc(id->sequence_code, b3, sizeof(b3)));
	if (id->lpar_number >= 0)
		printf(", LPAR %s (%d)", esc(id->lpar_name, b1, sizeof(b1)), id->lpar_number);
	printf("; recorded %s\n", apm_restore_get_created(r));
}

/* The hostdev element libvirt names the mdev by (its UUID, checked hex: no escaping needed). */
static void hostdev_xml(const char *uuid, char *buf, size_t size)
{
	snprintf(
		buf, size,
		"<hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n  <source>\n    <address uuid='%s'/>\n  </source>\n</hostdev>\n",
		uuid);
}

/* virsh attach-device|detach-device DOMAIN XMLFILE --live, from the PATH. */
static int run_virsh(struct mig *m, bool attach, const char *domain)
{
	char tmpl[] = "/tmp/apmatrix-hostdev-XXXXXX", xml[512], d[160];
	int fd = mkstemp(tmpl), status;
	const char *verb = attach ? "attach-device" : "detach-device";
	pid_t pid;

	if (fd < 0) {
		fprintf(stderr, "%s: cannot write the hostdev XML: %s\n", m->cli->prog,
			strerror(errno));
		return -1;
	}
	hostdev_xml(m->uuid, xml, sizeof(xml));
	if (write(fd, xml, strlen(xml)) != (ssize_t)strlen(xml) || close(fd)) {
		unlink(tmpl);
		return -1;
	}
	printf("  running: virsh %s %s %s --live\n", verb, esc(domain, d, sizeof(d)), tmpl);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("virsh", "virsh", verb, domain, tmpl, "--live", (char *)NULL);
		fprintf(stderr, "%s: cannot run virsh: %s\n", m->cli->prog, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		unlink(tmpl);
		return -1;
	}
	unlink(tmpl);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "%s: virsh %s failed (%s %d)\n", m->cli->prog, verb,
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

static void print_virsh_hint(struct mig *m, bool attach, const char *domain)
{
	char xml[512], d[160];

	hostdev_xml(m->uuid, xml, sizeof(xml));
	printf("  run (or pass --libvirt): virsh %s %s hostdev.xml --live\n  with hostdev.xml:\n",
	       attach ? "attach-device" : "detach-device",
	       domain ? esc(domain, d, sizeof(d)) : "DOMAIN");
	print_escaped_lines(stdout, "    ", xml);
}

/* The mdev's matrix as a set_matrix change and its outcome; EXIT_*. */
static int set_matrix(struct mig *m, const struct apm_mask sets[3])
{
	struct apm_step_info si;
	struct apm_change *c;
	char prefix[64];
	int rc;

	rc = apm_change_new_set_matrix(m->h, m->uuid, sets, &c);
	if (rc) {
		fprintf(stderr, "%s: cannot plan the matrix of mdev %s: %s\n", m->cli->prog,
			m->uuid, strerror(-rc));
		return EXIT_REFUSED;
	}
	if (m->dry) {
		int pred = apm_change_get_prediction(c);

		print_escaped_lines(stdout, "  ", apm_change_get_preview(c));
		for (unsigned int i = 0; i < apm_change_get_step_count(c); i++) {
			apm_change_get_step(c, i, &si);
			printf("    %s: would write '%.*s' to %s\n", si.what,
			       (int)strcspn(si.value, "\n"), si.value, si.path);
		}
		printf("  prediction: %s\n", pred ? apm_errno_name(pred) : "OK");
		if (pred)
			print_escaped_lines(stdout, "    ", apm_change_get_explanation(c));
		apm_change_unref(c);
		return pred ? EXIT_REFUSED : EXIT_OK;
	}
	rc = apm_change_apply(c);
	printf("  %u write%s:", apm_change_get_step_count(c),
	       apm_change_get_step_count(c) == 1 ? "" : "s");
	for (unsigned int i = 0, shown = 0; i < apm_change_get_step_count(c); i++) {
		apm_change_get_step(c, i, &si);
		if (si.actual < 0 || shown < 8 || i + 1 == apm_change_get_step_count(c)) {
			printf("%s %s%s%s", shown ? ";" : "", si.what,
			       si.actual < 0 ? " refused: "
			       : !si.applied ? " (not attempted)"
					     : "",
			       si.actual < 0 ? apm_errno_name(si.actual) : "");
			shown++;
		} else if (shown++ == 8) {
			printf("; ...");
		}
	}
	printf("\n");
	print_escaped_lines(stdout, "  ", apm_change_get_notes(c));
	if (rc) {
		snprintf(prefix, sizeof(prefix), "%s: %s: ", m->cli->prog, apm_errno_name(rc));
		print_escaped_lines(stderr, prefix, apm_change_get_explanation(c));
	}
	if (apm_change_get_mismatch(c))
		rc = -EPROTO;
	apm_change_unref(c);
	return rc == -EPROTO ? EXIT_MISMATCH : rc ? EXIT_REFUSED : EXIT_OK;
}

static void step_line(int n, const char *what, bool done)
{
	printf("step %d: %s: %s\n", n, what, done ? "done" : "to do");
}

static void stopped(struct mig *m, int step, const char *how)
{
	fprintf(stderr,
		"%s: stopped at step %d (%s); the restore file %s keeps the record: run the same command again to resume%s%s%s\n",
		m->cli->prog, step, how, m->file,
		strcmp(how, "unplug") ? "" : ", or `apmatrix unplug --rollback ",
		strcmp(how, "unplug") ? "" : m->file, strcmp(how, "unplug") ? "" : "` to cancel");
}

static int replug_rollback(struct cli *cli, const char *file, bool libvirt);

/* An unplug that stops at step: said so (the file keeps the record), freed; rc. */
static int unplug_stopped(struct mig *m, int step, int rc)
{
	stopped(m, step, "unplug");
	mig_free(m);
	return rc;
}

/* --------------------------------------------------------------- unplug */

static int unplug_preview(struct mig *m, struct apm_mdev *md)
{
	struct apm_mask sets[6];
	unsigned int n = apm_restore_get_apqn_count(m->r), ing = 0;
	char g[160], d[160];

	for (int k = 0; k < 6; k++)
		apm_restore_get_mask(m->r, (enum apm_mdev_set)k, &sets[k]);
	printf("unplug mdev %s (guest %s, libvirt domain %s)\n", m->uuid,
	       apm_restore_get_guest(m->r) ? esc(apm_restore_get_guest(m->r), g, sizeof(g))
					   : "none running",
	       apm_restore_get_domain(m->r) ? esc(apm_restore_get_domain(m->r), d, sizeof(d))
					    : "unknown");
	print_source(m->r);
	print_ids("adapters", &sets[0]);
	print_ids("domains", &sets[1]);
	print_ids("control domains", &sets[2]);
	printf("  APQNs (%u):", n);
	for (unsigned int i = 0; i < n; i++) {
		struct apm_restore_apqn q;

		apm_restore_get_apqn(m->r, i, &q);
		ing += q.in_guest;
		if (i < 64)
			printf(" %02x.%04x%s", q.adapter, q.domain,
			       q.in_guest  ? "*"
			       : !q.exists ? "?"
					   : "");
	}
	printf("%s\n  (* in the guest, ? no queue on this host)\n", n > 64 ? " ..." : "");
	if (apm_mdev_in_use(md) == 1)
		printf("  the guest notices: its AP configuration loses %u APQNs and %u control domains at once (a configuration-change event; lszcrypt in the guest lists nothing), then the vfio-ap device goes (hot unplug)\n",
		       ing, weight(&sets[5]));
	return 0;
}

int cmd_unplug(struct cli *cli, int argc, char **argv)
{
	struct mig m = { .cli = cli };
	const char *rollback = take_value(&argc, argv, "--rollback");
	const char *done = take_value(&argc, argv, "--done");
	struct apm_mask empty[3] = { 0 }, sets[3];
	struct apm_mdev *md;
	struct stat st;
	char err[600], errbuf[2400];
	bool resumed;
	int rc;

	m.file = take_value(&argc, argv, "--save");
	m.dry = take_flag(&argc, argv, "--dry-run");
	m.libvirt = take_flag(&argc, argv, "--libvirt");
	if (done && !rollback && !m.file && argc == 1 && *done && !m.dry && !m.libvirt) {
		rc = apm_restore_load(done, &m.r, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "%s: %s\n", cli->prog, esc(err, errbuf, sizeof(errbuf)));
			return EXIT_REFUSED;
		}
		if (unlink(done)) {
			fprintf(stderr, "%s: cannot remove %s: %s\n", cli->prog, done,
				strerror(errno));
			mig_free(&m);
			return EXIT_REFUSED;
		}
		printf("removed the restore file %s (mdev %s): the migration is finished\n", done,
		       apm_restore_get_uuid(m.r));
		mig_free(&m);
		return EXIT_OK;
	}
	if (rollback && !done && !m.file && argc == 1 && *rollback && !m.dry)
		return replug_rollback(cli, rollback, m.libvirt);
	if (!m.file || !*m.file || argc != 2 || done || rollback) {
		usage_error(
			cli,
			"usage: unplug UUID --save FILE [--dry-run] [--libvirt] | unplug --rollback FILE [--libvirt] | unplug --done FILE");
		return EXIT_USAGE;
	}
	if (load_host(cli, 0, &m.h))
		return EXIT_REFUSED;
	rc = apm_host_lookup_mdev(m.h, argv[1], &md);
	if (rc) {
		fprintf(stderr, "%s: unplug: %s mdev %s\n", cli->prog,
			rc == -ENOTUNIQ ? "several mdevs match" : "there is no", argv[1]);
		mig_free(&m);
		return EXIT_USAGE;
	}
	snprintf(m.uuidbuf, sizeof(m.uuidbuf), "%s", apm_mdev_get_uuid(md));
	m.uuid = m.uuidbuf;
	load_cfg(&m);
	resumed = !lstat(m.file, &st);
	if (resumed) {
		rc = apm_restore_load(m.file, &m.r, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "%s: %s\n", cli->prog, esc(err, errbuf, sizeof(errbuf)));
			mig_free(&m);
			return EXIT_REFUSED;
		}
		if (strcmp(apm_restore_get_uuid(m.r), m.uuid)) {
			fprintf(stderr,
				"%s: %s is the restore file of mdev %s, not of %s: pick another file\n",
				cli->prog, m.file, apm_restore_get_uuid(m.r), m.uuid);
			mig_free(&m);
			return EXIT_REFUSED;
		}
		{
			const struct apm_host_identity *was = apm_restore_get_source(m.r);
			struct apm_host_identity now;

			apm_host_get_identity(m.h, &now);
			if (strcmp(was->name, now.name) ||
			    strcmp(was->sequence_code, now.sequence_code) ||
			    was->lpar_number != now.lpar_number) {
				char b1[160], b2[160];

				fprintf(stderr,
					"%s: %s was made on host '%s', this is '%s': an unplug resumes only where it began\n",
					cli->prog, m.file, esc(was->name, b1, sizeof(b1)),
					esc(now.name, b2, sizeof(b2)));
				mig_free(&m);
				return EXIT_REFUSED;
			}
		}
		printf("resuming from %s\n", m.file);
	} else {
		struct apm_guest_info gi = { 0 };
		const char *domain = NULL;

		for (unsigned int i = 0; m.cfg && !apm_config_get_guest(m.cfg, m.uuid, i, &gi); i++)
			if (!domain || gi.running)
				domain = gi.name;
		rc = apm_restore_new(m.h, m.uuid, domain, &m.r);
		if (rc == -EFBIG) {
			fprintf(stderr,
				"%s: mdev %s's matrix does not fit the one sysfs page this kernel shows it in (no ap_config before 6.10): its whole matrix cannot be read, so it is not recorded; nothing was changed\n",
				cli->prog, m.uuid);
			mig_free(&m);
			return EXIT_REFUSED;
		}
		if (rc) {
			fprintf(stderr, "%s: cannot record mdev %s: %s\n", cli->prog, m.uuid,
				strerror(-rc));
			mig_free(&m);
			return EXIT_REFUSED;
		}
	}
	unplug_preview(&m, md);
	for (int k = 0; k < 3; k++)
		apm_mdev_get_mask(md, (enum apm_mdev_set)k, &sets[k]);
	{
		struct apm_mask gs[3];
		bool emptied, in_use = apm_mdev_in_use(md) == 1;

		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(md, (enum apm_mdev_set)(k + 3), &gs[k]);
		emptied = mask_empty(&sets[0]) && mask_empty(&sets[1]) && mask_empty(&sets[2]) &&
			  mask_empty(&gs[0]) && mask_empty(&gs[1]);
		step_line(1, "write the restore file", resumed);
		step_line(2, "take every adapter, domain and control domain from the guest",
			  emptied);
		step_line(3, "read the master-key patterns (free queues lent to zcrypt)",
			  apm_restore_keys_read(m.r));
		step_line(4, "detach the vfio-ap hostdev from the domain", !in_use);
	}
	if (m.dry) {
		printf("dry run: nothing is written\n");
		rc = set_matrix(&m, empty);
		if (apm_mdev_in_use(md) == 1)
			print_virsh_hint(&m, false, apm_restore_get_domain(m.r));
		mig_free(&m);
		return rc;
	}
	if (!resumed) {
		rc = apm_restore_save(m.r, m.file, 0);
		if (rc) {
			fprintf(stderr,
				"%s: cannot write the restore file %s: %s; nothing was unplugged\n",
				cli->prog, m.file, strerror(-rc));
			mig_free(&m);
			return EXIT_REFUSED;
		}
		printf("step 1: wrote %s\n", m.file);
	}
	test_kill_point("unplug", 1);
	if (!mask_empty(&sets[0]) || !mask_empty(&sets[1]) || !mask_empty(&sets[2])) {
		printf("step 2: unplugging\n");
		rc = set_matrix(&m, empty);
		if (rc) {
			return unplug_stopped(&m, 2, rc);
		}
	}
	if (reload(&m)) {
		mig_free(&m);
		return EXIT_REFUSED;
	}
	md = apm_host_find_mdev(m.h, m.uuid);
	{
		struct apm_mask ga, gd;

		if (!md) {
			fprintf(stderr, "%s: step 2: mdev %s is gone\n", cli->prog, m.uuid);
			return unplug_stopped(&m, 2, EXIT_MISMATCH);
		}
		apm_mdev_get_mask(md, APM_SET_GUEST_ADAPTERS, &ga);
		apm_mdev_get_mask(md, APM_SET_GUEST_DOMAINS, &gd);
		if (apm_mdev_has_guest_matrix(md) && (!mask_empty(&ga) || !mask_empty(&gd))) {
			fprintf(stderr,
				"%s: step 2: mdev %s's guest_matrix is not empty afterwards\n",
				cli->prog, m.uuid);
			return unplug_stopped(&m, 2, EXIT_MISMATCH);
		}
		printf("step 2: guest_matrix of mdev %s is empty\n", m.uuid);
	}
	test_kill_point("unplug", 2);
	if (!apm_restore_keys_read(m.r)) {
		struct apm_mask am, dm;
		struct apm_restore *r2;
		struct apm_keys *k;

		apm_restore_get_mask(m.r, APM_SET_ADAPTERS, &am);
		apm_restore_get_mask(m.r, APM_SET_DOMAINS, &dm);
		rc = apm_keys_read(&m.h, &am, &dm, !cli->read_only, &k, err, sizeof(err));
		if (rc) {
			fprintf(stderr,
				"%s: step 3: the master-key patterns could not be read: %s\n",
				cli->prog, esc(err, errbuf, sizeof(errbuf)));
			return unplug_stopped(&m, 3, EXIT_REFUSED);
		}
		print_escaped_lines(stdout, "step 3: ", apm_keys_get_notes(k));
		rc = apm_restore_new_with_keys(m.r, k, &r2);
		apm_keys_unref(k);
		if (!rc)
			rc = apm_restore_save(r2, m.file, APM_RESTORE_REPLACE);
		if (rc) {
			fprintf(stderr, "%s: step 3: cannot rewrite %s: %s\n", cli->prog, m.file,
				strerror(-rc));
			apm_restore_unref(r2);
			return unplug_stopped(&m, 3, EXIT_REFUSED);
		}
		apm_restore_unref(m.r);
		m.r = r2;
		printf("step 3: recorded the master-key patterns in %s\n", m.file);
	}
	test_kill_point("unplug", 3);
	if (reload(&m)) {
		mig_free(&m);
		return EXIT_REFUSED;
	}
	md = apm_host_find_mdev(m.h, m.uuid);
	if (md && apm_mdev_in_use(md) == 1) {
		const char *domain = apm_restore_get_domain(m.r);

		if (!m.libvirt) {
			printf("step 4: the guest still holds the (empty) mdev; detach it before migrating:\n");
			print_virsh_hint(&m, false, domain);
			mig_free(&m);
			return EXIT_OK;
		}
		if (!domain) {
			fprintf(stderr,
				"%s: step 4: no libvirt domain is known to use mdev %s: detach its vfio-ap device in QEMU (device_del) yourself\n",
				cli->prog, m.uuid);
			return unplug_stopped(&m, 4, EXIT_REFUSED);
		}
		if (run_virsh(&m, false, domain) || reload(&m)) {
			return unplug_stopped(&m, 4, EXIT_REFUSED);
		}
		md = apm_host_find_mdev(m.h, m.uuid);
		if (md && apm_mdev_in_use(md) == 1) {
			fprintf(stderr, "%s: step 4: virsh succeeded, but mdev %s is still held\n",
				cli->prog, m.uuid);
			return unplug_stopped(&m, 4, EXIT_MISMATCH);
		}
		printf("step 4: mdev %s is no longer held by the guest\n", m.uuid);
	}
	printf("the guest is ready to migrate; on the target: apmatrix replug --check --from %s\n",
	       m.file);
	mig_free(&m);
	return EXIT_OK;
}

/* --------------------------------------------------------------- replug */

struct check_out {
	bool rollback;
	unsigned int ok, refused, unknown;
	json_object *list, *doc; /* --json */
};

/* On the source itself (rollback) only whether the APQNs are still free matters. */
static bool counts_for(const struct check_out *o, enum apm_replug_code code)
{
	if (o->rollback)
		return code == APM_REPLUG_MISSING || code == APM_REPLUG_HOST_OWNED ||
		       code == APM_REPLUG_IN_MDEV || code == APM_REPLUG_IN_DEFINITION;
	return code != APM_REPLUG_OK && code != APM_REPLUG_KEYS_UNKNOWN;
}

static int on_verdict(const struct apm_replug_verdict *v, void *data)
{
	struct check_out *o = data;
	bool refused = counts_for(o, v->code);
	bool unknown = !refused && v->code == APM_REPLUG_KEYS_UNKNOWN && !o->rollback;
	char text[800];

	if (refused)
		o->refused++;
	else if (unknown)
		o->unknown++;
	else
		o->ok++;
	if (o->list) {
		json_object *e = json_object_new_object();
		char apqn[16];

		snprintf(apqn, sizeof(apqn), "%02x.%04x", v->adapter, v->domain);
		json_object_object_add(e, "apqn", json_object_new_string(apqn));
		json_object_object_add(e, "code",
				       json_object_new_string(apm_replug_code_name(v->code)));
		json_object_object_add(e, "pluggable", json_object_new_boolean(!refused));
		json_object_object_add(e, "other",
				       v->other ? json_object_new_string(v->other) : NULL);
		json_object_object_add(e, "text",
				       json_object_new_string(esc(v->text, text, sizeof(text))));
		json_object_array_add(o->list, e);
		return 0;
	}
	if (o->rollback && !refused)
		return 0;
	printf("  %-8s %s\n",
	       refused	 ? "refused"
	       : unknown ? "unknown"
			 : "ok",
	       esc(v->text, text, sizeof(text)));
	return 0;
}

static int load_restore(struct cli *cli, const char *file, struct apm_restore **r, bool json)
{
	char err[600], e2[700];
	int rc = apm_restore_load(file, r, err, sizeof(err));

	if (!rc)
		return 0;
	esc(err, e2, sizeof(e2));
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "schema", json_object_new_int(1));
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "valid", json_object_new_boolean(false));
		json_object_object_add(o, "error", json_object_new_string(e2));
		json_object_object_add(o, "pluggable", json_object_new_boolean(false));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	}
	fprintf(stderr, "%s: %s\n", cli->prog, e2);
	return rc;
}

/* The check itself, its keys lent where the host may be written; 0 or EXIT_*. */
static int run_check(struct mig *m, struct check_out *o)
{
	struct apm_mask am, dm;
	struct apm_keys *k = NULL;
	char err[600], errbuf[2400];
	int rc;

	apm_restore_get_mask(m->r, APM_SET_ADAPTERS, &am);
	apm_restore_get_mask(m->r, APM_SET_DOMAINS, &dm);
	if (!o->rollback) {
		rc = apm_keys_read(&m->h, &am, &dm, !m->cli->read_only && !m->dry, &k, err,
				   sizeof(err));
		if (rc) {
			fprintf(stderr, "%s: the master-key patterns could not be read here: %s\n",
				m->cli->prog, esc(err, errbuf, sizeof(errbuf)));
			k = NULL;
		} else if (!o->list) {
			print_escaped_lines(stdout,
					    "  reading the master keys: ", apm_keys_get_notes(k));
		} else {
			char notes[1024];

			json_object_object_add(o->doc, "lent_to_zcrypt",
					       json_object_new_string(esc(apm_keys_get_notes(k),
									  notes, sizeof(notes))));
		}
	}
	rc = apm_restore_check(m->r, m->h, m->cfg, m->uuid, k, on_verdict, o);
	apm_keys_unref(k);
	return rc < 0 ? EXIT_REFUSED : 0;
}

static void check_header(struct mig *m)
{
	char g[160], d[160];
	struct apm_mask sets[3];

	for (int k = 0; k < 3; k++)
		apm_restore_get_mask(m->r, (enum apm_mdev_set)k, &sets[k]);
	printf("restore file %s: mdev %s (guest %s, libvirt domain %s), %u APQNs\n", m->file,
	       apm_restore_get_uuid(m->r),
	       apm_restore_get_guest(m->r) ? esc(apm_restore_get_guest(m->r), g, sizeof(g))
					   : "none",
	       apm_restore_get_domain(m->r) ? esc(apm_restore_get_domain(m->r), d, sizeof(d))
					    : "unknown",
	       apm_restore_get_apqn_count(m->r));
	print_source(m->r);
	print_ids("adapters", &sets[0]);
	print_ids("domains", &sets[1]);
	print_ids("control domains", &sets[2]);
}

static int replug_check(struct mig *m, bool json)
{
	struct check_out o = { 0 };
	json_object *doc = NULL;
	int rc;

	if (json) {
		const struct apm_host_identity *id = apm_restore_get_source(m->r);
		json_object *src = json_object_new_object();
		char b[160];

		doc = json_object_new_object();
		o.list = json_object_new_array();
		o.doc = doc;
		json_object_object_add(doc, "schema", json_object_new_int(1));
		json_object_object_add(doc, "file", json_object_new_string(m->file));
		json_object_object_add(doc, "valid", json_object_new_boolean(true));
		json_object_object_add(doc, "error", NULL);
		json_object_object_add(doc, "mdev", json_object_new_string(m->uuid));
		json_object_object_add(src, "name",
				       json_object_new_string(esc(id->name, b, sizeof(b))));
		json_object_object_add(src, "created",
				       json_object_new_string(apm_restore_get_created(m->r)));
		json_object_object_add(doc, "source", src);
	} else {
		check_header(m);
	}
	rc = run_check(m, &o);
	if (json) {
		json_object_object_add(doc, "apqns", o.list);
		json_object_object_add(doc, "refused", json_object_new_int((int)o.refused));
		json_object_object_add(doc, "keys_unknown", json_object_new_int((int)o.unknown));
		json_object_object_add(doc, "pluggable",
				       json_object_new_boolean(!rc && !o.refused));
		json_object_object_add(doc, "same_keys",
				       json_object_new_boolean(!rc && !o.refused && !o.unknown));
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		printf("%u can be plugged with the same keys, %u refused, %u with keys not compared\n",
		       o.ok, o.refused, o.unknown);
	}
	if (rc)
		return rc;
	return o.refused ? EXIT_REFUSED : o.unknown ? EXIT_KEYS_UNKNOWN : EXIT_OK;
}

/* Recorded guest matrix against the one the kernel gives here; the differences named. */
static bool verify_guest(struct mig *m, struct apm_mdev *md)
{
	struct apm_mask want[2], got[2];
	unsigned int missing = 0, extra = 0;

	apm_restore_get_mask(m->r, APM_SET_GUEST_ADAPTERS, &want[0]);
	apm_restore_get_mask(m->r, APM_SET_GUEST_DOMAINS, &want[1]);
	apm_mdev_get_mask(md, APM_SET_GUEST_ADAPTERS, &got[0]);
	apm_mdev_get_mask(md, APM_SET_GUEST_DOMAINS, &got[1]);
	for (unsigned int a = 0; a < 256; a++)
		for (unsigned int d = 0; d < 256; d++) {
			bool w = apm_mask_test(&want[0], a) && apm_mask_test(&want[1], d);
			bool g = apm_mask_test(&got[0], a) && apm_mask_test(&got[1], d);
			struct apm_queue *qi = NULL;

			if (w && !g && missing++ < 16) {
				const char *why = "filtered out";
				char reason[400];

				if (!apm_host_lookup_queue(m->h, a, d, &qi) &&
				    apm_queue_get_reason(qi)[0])
					why = apm_queue_get_reason(qi);
				printf("  %02x.%04x: in the guest on the source, not here: %s\n", a,
				       d, esc(why, reason, sizeof(reason)));
				apm_queue_unref(qi);
			}
			if (g && !w && extra++ < 16)
				printf("  %02x.%04x: in the guest here, not on the source\n", a, d);
		}
	if (!missing && !extra)
		printf("step 3: guest_matrix of mdev %s is as recorded%s\n", m->uuid,
		       apm_restore_guest_complete(m->r)
			       ? ""
			       : " (as far as its sysfs page shows it: it did not fit on the source)");
	return !missing && !extra;
}

static int replug_run(struct mig *m, bool create, bool persist, bool rollback)
{
	struct check_out o = { .rollback = rollback };
	struct apm_mask sets[3], cur[3];
	struct apm_mdev *md;
	bool same, attached = true, persisted = false;
	int rc;

	check_header(m);
	md = apm_host_find_mdev(m->h, m->uuid);
	if (md)
		for (int k = 0; k < 3; k++)
			apm_mdev_get_mask(md, (enum apm_mdev_set)k, &cur[k]);
	for (int k = 0; k < 3; k++)
		apm_restore_get_mask(m->r, (enum apm_mdev_set)k, &sets[k]);
	same = md && mask_eq(&cur[0], &sets[0]) && mask_eq(&cur[1], &sets[1]) &&
	       mask_eq(&cur[2], &sets[2]);
	step_line(1, "the mdev exists", md != NULL);
	step_line(2, "assign the adapters, domains and control domains", same);
	step_line(3, "verify the guest matrix", false);
	step_line(4, "attach the vfio-ap hostdev to the domain", md && apm_mdev_in_use(md) == 1);
	if (persist) {
		struct apm_mdev_state st;

		persisted = m->cfg && md &&
			    !apm_config_get_mdev_state(m->cfg, m->h, m->uuid, &st) && st.def &&
			    !st.lost_at_reboot;
		step_line(5, "write the mdevctl definition", persisted);
	}
	if (!md && !create) {
		fprintf(stderr,
			"%s: there is no mdev %s here: add --create (the same UUID keeps the domain XML valid)\n",
			m->cli->prog, m->uuid);
		return EXIT_REFUSED;
	}
	if (!same) {
		rc = run_check(m, &o);
		if (rc)
			return rc;
		printf("%u can be plugged, %u refused%s\n", o.ok, o.refused,
		       o.unknown ? ", keys not compared for some (see above)" : "");
		if (o.refused) {
			fprintf(stderr,
				"%s: %s: %u APQNs cannot be plugged here; nothing was changed\n",
				m->cli->prog, rollback ? "rollback" : "replug", o.refused);
			return EXIT_REFUSED;
		}
	}
	if (!md) {
		struct apm_change *c;

		rc = apm_change_new_mdev_create(m->h, m->uuid, &c);
		if (!rc) {
			rc = apm_change_apply(c);
			if (rc)
				print_escaped_lines(stderr,
						    "apmatrix: ", apm_change_get_explanation(c));
			apm_change_unref(c);
		}
		if (rc) {
			fprintf(stderr, "%s: step 1: cannot create mdev %s: %s\n", m->cli->prog,
				m->uuid, apm_errno_name(rc));
			return EXIT_REFUSED;
		}
		printf("step 1: created mdev %s\n", m->uuid);
		if (reload(m))
			return EXIT_REFUSED;
	}
	test_kill_point(rollback ? "rollback" : "replug", 1);
	if (!same) {
		printf("step 2: plugging\n");
		rc = set_matrix(m, sets);
		if (rc) {
			stopped(m, 2, rollback ? "rollback" : "replug");
			return rc;
		}
		if (reload(m))
			return EXIT_REFUSED;
	}
	test_kill_point(rollback ? "rollback" : "replug", 2);
	md = apm_host_find_mdev(m->h, m->uuid);
	if (!md || !verify_guest(m, md)) {
		fprintf(stderr,
			"%s: step 3: the guest matrix differs from the restore file (above)\n",
			m->cli->prog);
		stopped(m, 3, rollback ? "rollback" : "replug");
		return EXIT_MISMATCH;
	}
	if (apm_mdev_in_use(md) != 1) {
		const char *domain = apm_restore_get_domain(m->r);

		if (!m->libvirt) {
			printf("step 4: attach the mdev to the running domain:\n");
			print_virsh_hint(m, true, domain);
			attached = false;
		} else if (!domain) {
			fprintf(stderr,
				"%s: step 4: the restore file names no libvirt domain: attach the vfio-ap device in QEMU (device_add) yourself\n",
				m->cli->prog);
			return EXIT_REFUSED;
		} else {
			if (run_virsh(m, true, domain) || reload(m)) {
				stopped(m, 4, rollback ? "rollback" : "replug");
				return EXIT_REFUSED;
			}
			md = apm_host_find_mdev(m->h, m->uuid);
			if (!md || apm_mdev_in_use(md) != 1) {
				fprintf(stderr,
					"%s: step 4: virsh succeeded, but no guest holds mdev %s\n",
					m->cli->prog, m->uuid);
				return EXIT_MISMATCH;
			}
			printf("step 4: the guest holds mdev %s again\n", m->uuid);
		}
	}
	test_kill_point(rollback ? "rollback" : "replug", 4);
	if (persist && !persisted) {
		struct apm_persist *p;

		if (!m->cfg) {
			fprintf(stderr, "%s: step 5: this host keeps no persistent configuration\n",
				m->cli->prog);
			return EXIT_REFUSED;
		}
		rc = apm_persist_new_mdev(m->cfg, m->h, m->uuid, APM_START_KEEP, &p);
		if (rc) {
			fprintf(stderr, "%s: step 5: %s\n", m->cli->prog, strerror(-rc));
			return EXIT_REFUSED;
		}
		rc = run_persist(m->cli, p, false);
		if (rc)
			return rc;
	}
	if (!attached)
		printf("%s: mdev %s has what %s recorded; the guest gets it once the hostdev is attached (above)\n",
		       rollback ? "rolled back" : "replugged", m->uuid, m->file);
	else if (rollback)
		printf("rolled back: mdev %s has what %s recorded; the file stays until `apmatrix unplug --done %s`\n",
		       m->uuid, m->file, m->file);
	else
		printf("replugged: mdev %s has what %s recorded; when all is well: apmatrix unplug --done %s\n",
		       m->uuid, m->file, m->file);
	return EXIT_OK;
}

static int replug_rollback(struct cli *cli, const char *file, bool libvirt)
{
	struct mig m = { .cli = cli, .file = file, .libvirt = libvirt };
	int rc;

	if (load_restore(cli, file, &m.r, false))
		return EXIT_REFUSED;
	snprintf(m.uuidbuf, sizeof(m.uuidbuf), "%s", apm_restore_get_uuid(m.r));
	m.uuid = m.uuidbuf;
	if (load_host(cli, 0, &m.h)) {
		mig_free(&m);
		return EXIT_REFUSED;
	}
	load_cfg(&m);
	printf("rollback of the unplug recorded in %s\n", file);
	rc = replug_run(&m, false, false, true);
	mig_free(&m);
	return rc;
}

int cmd_replug(struct cli *cli, int argc, char **argv)
{
	struct mig m = { .cli = cli };
	bool check = take_flag(&argc, argv, "--check"), json = take_flag(&argc, argv, "--json");
	bool create = take_flag(&argc, argv, "--create"),
	     persist = take_flag(&argc, argv, "--persist");
	const char *uuid = take_value(&argc, argv, "--uuid");
	int rc;

	m.file = take_value(&argc, argv, "--from");
	m.libvirt = take_flag(&argc, argv, "--libvirt");
	if (argc != 1 || !m.file || !*m.file || (uuid && !*uuid) ||
	    (check && (create || persist || m.libvirt)) || (json && !check)) {
		usage_error(
			cli,
			"usage: replug --check --from FILE [--uuid UUID] [--json] | replug --from FILE [--uuid UUID] [--create] [--persist] [--libvirt]");
		return EXIT_USAGE;
	}
	if (uuid && (strlen(uuid) != 36 || strspn(uuid, "0123456789abcdefABCDEF-") != 36)) {
		usage_error(cli, "replug: '%s' is not a UUID (8-4-4-4-12 hex digits)", uuid);
		return EXIT_USAGE;
	}
	if (load_restore(cli, m.file, &m.r, json))
		return EXIT_REFUSED;
	snprintf(m.uuidbuf, sizeof(m.uuidbuf), "%s", uuid ? uuid : apm_restore_get_uuid(m.r));
	for (char *p = m.uuidbuf; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	m.uuid = m.uuidbuf;
	if (load_host(cli, 0, &m.h)) {
		mig_free(&m);
		return EXIT_REFUSED;
	}
	load_cfg(&m);
	rc = check ? replug_check(&m, json) : replug_run(&m, create, persist, false);
	mig_free(&m);
	return rc;
}
