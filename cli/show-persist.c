// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show-persist.c - what `show` says about the persistent configuration:
 * per mdev whether it is defined (mdevctl), how the definition differs
 * from the active mdev, and which libvirt domain uses it; the persistent
 * masks (41-ap.rules) beside the active ones; the checks ap-check would
 * fail at boot; and "active only - lost at reboot" on whatever is not
 * persistent.  As text and as the additive part of `show --json`.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

#define LOST "active only \xe2\x80\x94 lost at reboot"

static void json_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static void apqn_string(char *buf, unsigned int a, unsigned int q)
{
	snprintf(buf, 8, "%02x.%04x", a, q);
}

/* ---------------------------------------------------------------- JSON */

struct diff_lists {
	json_object *only_active, *only_defined;
};

static int json_diff(unsigned int a, unsigned int q, bool only_active, void *data)
{
	struct diff_lists *d = data;
	char apqn[8];

	apqn_string(apqn, a, q);
	json_object_array_add(only_active ? d->only_active : d->only_defined,
			      json_object_new_string(apqn));
	return 0;
}

static json_object *json_defined(const struct apm_def *def)
{
	json_object *o = json_object_new_object(), *attrs = json_object_new_array();
	struct apm_mask set[3];
	const char *k, *v;

	for (int i = 0; i < 3; i++)
		apm_def_get_mask(def, (enum apm_kind)i, &set[i]);
	json_add(o, "start",
		 json_object_new_string(apm_def_get_autostart(def) ? "auto" : "manual"));
	for (unsigned int i = 0; !apm_def_get_attr(def, i, &k, &v); i++) {
		json_object *a = json_object_new_object();

		json_object_object_add(a, k, json_text(v));
		json_object_array_add(attrs, a);
	}
	json_add(o, "attrs", attrs);
	json_add(o, "path", json_text(apm_def_get_path(def)));
	json_add(o, "adapters", json_ids(&set[0]));
	json_add(o, "domains", json_ids(&set[1]));
	json_add(o, "control_domains", json_ids(&set[2]));
	json_add(o, "matrix", json_apqns(&set[0], &set[1]));
	return o;
}

static json_object *json_guests(const struct apm_config *cfg, const char *uuid)
{
	json_object *a = json_object_new_array();
	struct apm_guest_info gi;

	for (unsigned int i = 0; !apm_config_get_guest(cfg, uuid, i, &gi); i++) {
		json_object *o = json_object_new_object();

		json_add(o, "name", json_text(gi.name));
		json_add(o, "path", json_text(gi.path));
		json_add(o, "running", json_object_new_boolean(gi.running));
		json_add(o, "state", gi.running ? json_text(gi.state) : NULL);
		json_add(o, "defined", json_object_new_boolean(gi.defined));
		json_add(o, "live", json_object_new_boolean(gi.live));
		json_object_array_add(a, o);
	}
	return a;
}

/* A defined mdev that is not active: schema 1's keys, all empty. */
static json_object *json_inactive(const char *uuid)
{
	static const char *const sets[] = {
		"adapters",	  "domains",	   "control_domains",	    "matrix",
		"guest_adapters", "guest_domains", "guest_control_domains", "guest_matrix",
		"filtered"
	};
	json_object *o = json_object_new_object();

	json_add(o, "uuid", json_object_new_string(uuid));
	/* Defined but not active: not on the grid, so no label. */
	json_add(o, "label", NULL);
	json_add(o, "guest", NULL);
	json_add(o, "in_use", json_object_new_boolean(false));
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		json_add(o, sets[i], json_object_new_array());
	return o;
}

struct json_m {
	FILE *f;
	struct apm_host *h;
	const struct apm_config *cfg;
	const char *sep;
};

static int json_one(const struct apm_mdev_state *st, void *data)
{
	struct json_m *j = data;
	struct diff_lists d = { json_object_new_array(), json_object_new_array() };
	json_object *o;

	o = st->mdev ? json_mdev(j->h, (unsigned int)apm_host_mdev_index(j->h, st->mdev))
		     : json_inactive(st->uuid);
	apm_config_foreach_apqn_diff(j->cfg, j->h, st->uuid, json_diff, &d);
	json_add(o, "active", json_object_new_boolean(st->mdev != NULL));
	json_add(o, "defined", st->def ? json_defined(st->def) : NULL);
	json_add(o, "lost_at_reboot", json_object_new_boolean(st->lost_at_reboot));
	json_add(o, "only_active", d.only_active);
	json_add(o, "only_defined", d.only_defined);
	json_add(o, "libvirt_domains", json_guests(j->cfg, st->uuid));
	fprintf(j->f, "%s\n    ", j->sep);
	json_put(j->f, o);
	j->sep = ",";
	return 0;
}

void json_persist_mdevs(FILE *f, struct apm_host *h, const struct apm_config *cfg)
{
	struct json_m j = { .f = f, .h = h, .cfg = cfg, .sep = "" };

	apm_config_foreach_mdev(cfg, h, json_one, &j);
}

static int json_owner(unsigned int a, unsigned int q, bool host_now, void *data)
{
	json_object *o = json_object_new_object();
	char apqn[8];

	apqn_string(apqn, a, q);
	json_add(o, "apqn", json_object_new_string(apqn));
	json_add(o, "now", json_object_new_string(host_now ? "host" : "vfio"));
	json_add(o, "at_boot", json_object_new_string(host_now ? "vfio" : "host"));
	json_object_array_add(data, o);
	return 0;
}

static int json_finding(const struct apm_finding *fd, void *data)
{
	json_object *o = json_object_new_object();
	char apqn[8];

	apqn_string(apqn, (unsigned int)fd->adapter, (unsigned int)fd->domain);
	json_add(o, "code", json_object_new_string(apm_finding_name(fd->code)));
	json_add(o, "mdev", json_object_new_string(fd->uuid));
	json_add(o, "other", json_text(fd->other));
	json_add(o, "apqn", fd->adapter >= 0 ? json_object_new_string(apqn) : NULL);
	json_add(o, "at_boot", json_object_new_boolean(fd->at_boot));
	json_add(o, "text", json_text(fd->text));
	json_object_array_add(data, o);
	return 0;
}

static json_object *json_lines(const char *text)
{
	json_object *a = json_object_new_array();

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = strndup(text, len);

		json_object_array_add(a, json_text(line));
		free(line);
		text += len + (nl ? 1 : 0);
	}
	return a;
}

static json_object *json_mask(const struct apm_config *cfg, bool aq)
{
	struct apm_mask m;
	char hex[68];

	if (apm_config_get_mask(cfg, aq, &m))
		return NULL;
	apm_mask_format(&m, hex);
	return json_object_new_string(hex);
}

void json_persist_top(FILE *f, struct apm_host *h, const struct apm_config *cfg)
{
	json_object *o = json_object_new_object(), *owners = json_object_new_array();
	json_object *findings = json_object_new_array();
	struct apm_mask m;

	json_add(o, "root", json_text(apm_config_get_root(cfg)));
	json_add(o, "rule", json_text(apm_config_get_path(cfg, APM_PATH_RULE)));
	json_add(o, "rule_readable",
		 json_object_new_boolean(apm_config_get_mask(cfg, false, &m) != -EINVAL));
	json_add(o, "apmask", json_mask(cfg, false));
	json_add(o, "aqmask", json_mask(cfg, true));
	json_add(o, "apmask_lost_at_reboot",
		 json_object_new_boolean(apm_config_mask_lost_at_reboot(cfg, h, false)));
	json_add(o, "aqmask_lost_at_reboot",
		 json_object_new_boolean(apm_config_mask_lost_at_reboot(cfg, h, true)));
	apm_config_foreach_owner_diff(cfg, h, json_owner, owners);
	json_add(o, "owner_differs", owners);
	fputs(",\n \"persistent\":", f);
	json_put(f, o);
	apm_config_foreach_finding(cfg, h, json_finding, findings);
	fputs(",\n \"findings\":", f);
	json_put(f, findings);
	fputs(",\n \"config_errors\":", f);
	json_put(f, json_lines(apm_config_get_errors(cfg)));
	fputs(",\n \"config_notes\":", f);
	json_put(f, json_lines(apm_config_get_notes(cfg)));
}

/* ---------------------------------------------------------------- text */

struct text_o {
	FILE *f;
	unsigned int n;
};

static int text_owner(unsigned int a, unsigned int q, bool host_now, void *data)
{
	struct text_o *t = data;

	if (t->f && t->n < 16)
		fprintf(t->f, " %02x.%04x (%s)", a, q, host_now ? "vfio at boot" : "host at boot");
	t->n++;
	return 0;
}

void text_persist_masks(FILE *f, struct apm_host *h, const struct apm_config *cfg)
{
	struct text_o count = { 0 }, print = { .f = f };
	const char *rule = apm_config_get_path(cfg, APM_PATH_RULE);
	char path[512], hex[68], ranges[1024];
	struct apm_mask m;

	for (int aq = 0; aq < 2; aq++) {
		const char *name = aq ? "aqmask" : "apmask";
		int rc = apm_config_get_mask(cfg, aq, &m);

		if (!rule)
			fprintf(f,
				"persistent %s: none (the built-in simulated host keeps no configuration): %s\n",
				name, LOST);
		else if (rc == -EINVAL)
			fprintf(f, "persistent %s: unknown (%s cannot be read, see the warnings)\n",
				name, esc(rule, path, sizeof(path)));
		else if (rc)
			fprintf(f, "persistent %s: none (%s does not set it): %s\n", name,
				esc(rule, path, sizeof(path)), LOST);
		else if (!apm_config_mask_lost_at_reboot(cfg, h, aq))
			fprintf(f, "persistent %s: the same (%s)\n", name,
				esc(rule, path, sizeof(path)));
		else {
			apm_mask_format(&m, hex);
			apm_mask_format_ranges(&m, ranges, sizeof(ranges));
			fprintf(f,
				"persistent %s: %s (host %s: %s) in %s: the active %s is lost at reboot\n",
				name, hex, aq ? "domains" : "adapters", ranges[0] ? ranges : "none",
				esc(rule, path, sizeof(path)), name);
		}
	}
	/* Counted first, so the line says how many before it lists them. */
	apm_config_foreach_owner_diff(cfg, h, text_owner, &count);
	if (!count.n)
		return;
	fprintf(f, "owner at boot differs for %u APQN%s:", count.n, count.n == 1 ? "" : "s");
	apm_config_foreach_owner_diff(cfg, h, text_owner, &print);
	fprintf(f, "%s\n", count.n > 16 ? " ..." : "");
}

struct text_diff {
	FILE *f;
	bool active;
	unsigned int n;
};

static int text_diff(unsigned int a, unsigned int q, bool only_active, void *data)
{
	struct text_diff *t = data;

	if (only_active != t->active)
		return 0;
	if (t->n++ < 16)
		fprintf(t->f, " %02x.%04x", a, q);
	return 0;
}

static void text_diff_list(FILE *f, struct apm_host *h, const struct apm_config *cfg,
			   const char *uuid, bool active, unsigned int count)
{
	struct text_diff t = { .f = f, .active = active };

	if (!count)
		return;
	fprintf(f, "    only %s:", active ? "active (lost at reboot)" : "defined (not active now)");
	apm_config_foreach_apqn_diff(cfg, h, uuid, text_diff, &t);
	fprintf(f, "%s\n", t.n > 16 ? " ..." : "");
}

static void text_guests(FILE *f, const struct apm_config *cfg, const char *uuid)
{
	struct apm_guest_info gi;
	char name[160];

	for (unsigned int i = 0; !apm_config_get_guest(cfg, uuid, i, &gi); i++)
		fprintf(f, "    libvirt: guest %s (%s%s%s)\n", esc(gi.name, name, sizeof(name)),
			gi.running ? "running" : "defined, not running",
			gi.running && !gi.live ? "; not in its live definition" : "",
			gi.running && !gi.defined ? "; not in its persistent definition" : "");
}

static void text_state(FILE *f, struct apm_host *h, const struct apm_config *cfg,
		       const struct apm_mdev_state *st)
{
	char path[512];

	if (!st->def) {
		fprintf(f, "    persistent: no (%s)\n", LOST);
	} else {
		fprintf(f, "    persistent: defined, %s (%s)%s\n",
			apm_def_get_autostart(st->def) ? "autostart" : "manual start",
			esc(apm_def_get_path(st->def), path, sizeof(path)),
			!st->mdev ? ""
			: st->lost_at_reboot
				? ": differs from the active mdev, the difference is lost at reboot"
				: ", as active");
		text_diff_list(f, h, cfg, st->uuid, true, st->mdev ? st->only_active : 0);
		text_diff_list(f, h, cfg, st->uuid, false, st->mdev ? st->only_defined : 0);
		if (st->mdev && st->control_differs)
			fprintf(f, "    control domains differ from the definition\n");
	}
	text_guests(f, cfg, st->uuid);
}

void text_persist_mdev(FILE *f, struct apm_host *h, const struct apm_config *cfg, const char *uuid)
{
	struct apm_mdev_state st;

	if (!apm_config_get_mdev_state(cfg, h, uuid, &st))
		text_state(f, h, cfg, &st);
}

struct text_d {
	FILE *f;
	struct apm_host *h;
	const struct apm_config *cfg;
	unsigned int n;
};

static int text_defined(const struct apm_mdev_state *st, void *data)
{
	struct text_d *t = data;
	struct apm_mask set[3];
	char r[3][512];

	if (st->mdev)
		return 0;
	if (!t->n++)
		fprintf(t->f, "\ndefined, not active:\n");
	for (int k = 0; k < 3; k++) {
		apm_def_get_mask(st->def, (enum apm_kind)k, &set[k]);
		apm_mask_format_ranges(&set[k], r[k], sizeof(r[k]));
	}
	fprintf(t->f, "  - %s  %s\n", st->uuid,
		apm_def_get_autostart(st->def) ? "autostart" : "manual start");
	fprintf(t->f, "    adapters %s; domains %s; control domains %s\n", r[0][0] ? r[0] : "none",
		r[1][0] ? r[1] : "none", r[2][0] ? r[2] : "none");
	text_state(t->f, t->h, t->cfg, st);
	return 0;
}

void text_persist_defined(FILE *f, struct apm_host *h, const struct apm_config *cfg)
{
	struct text_d t = { .f = f, .h = h, .cfg = cfg };

	apm_config_foreach_mdev(cfg, h, text_defined, &t);
}

struct text_w {
	FILE *f;
	bool header;
	unsigned int n;
};

static void warn_header(struct text_w *t)
{
	if (!t->n++ && t->header)
		fprintf(t->f, "\nwarnings:\n");
}

static int text_finding(const struct apm_finding *fd, void *data)
{
	struct text_w *t = data;

	warn_header(t);
	print_escaped_lines(t->f, "", fd->text);
	return 0;
}

bool text_persist_warnings(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool header)
{
	struct text_w t = { .f = f, .header = header };
	const char *errors = apm_config_get_errors(cfg), *notes = apm_config_get_notes(cfg);

	apm_config_foreach_finding(cfg, h, text_finding, &t);
	if (*errors) {
		warn_header(&t);
		print_escaped_lines(f, "not read: ", errors);
	}
	if (*notes) {
		warn_header(&t);
		print_escaped_lines(f, "note: ", notes);
	}
	return t.n;
}
