// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * persistent.c - what survives a reboot, in the console: the persistent
 * configuration (mdevctl's definitions, chzdev's rule, libvirt's domains;
 * struct apm_config) read again with every snapshot, and what the views
 * make of it:
 *
 *  - a cell an mdev is assigned in its definition but not on the host:
 *    its own look (ROLE_CELL_DEFINED and '#': "J#" for the active mdev J's
 *    definition, "#" alone for an mdev defined but not active);
 *  - the mdevs defined but not active, listed after the active ones;
 *  - per mdev and for the masks, whether they are persistent, and the
 *    "active only — lost at reboot" marker where they are not;
 *  - ap-check's findings (what will fail to start, now or at boot) and
 *    the files that could not be read, among the console's warnings.
 *
 * mdevctl, chzdev, virsh or an editor write these files with no uevent,
 * and a quiet host makes no snapshot: so the configuration is also looked
 * at once per refresh interval on its own (persist_poll).
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

void persist_reload(struct app *app)
{
	const char *root = secure_getenv("APMATRIX_CONFIG_ROOT");
	const char *errors;
	bool fresh = !app->cfg;
	int rc = 0;

	app->cfg_read_ms = app_now_ms();
	if (!app->cfg)
		rc = apm_config_new(app->ctx, root && *root ? root : NULL, &app->cfg);
	if (!rc)
		rc = apm_config_load(app->cfg);
	if (rc) {
		/* Said once per error: persist_poll tries again every interval. */
		if (rc != app->cfg_rc)
			app_log(app, ROLE_ERROR, "cannot read the persistent configuration: %s",
				strerror(-rc));
		if (!fresh || rc != app->cfg_rc)
			app->cfg_changes++;
		app->cfg_rc = rc;
		app->cfg = apm_config_unref(app->cfg);
		return;
	}
	app->cfg_rc = 0;
	/* What the grid drew from the definitions stands while nothing was read again. */
	if (fresh || apm_config_get_generation(app->cfg) != app->cfg_gen) {
		app->cfg_gen = apm_config_get_generation(app->cfg);
		app->cfg_changes++;
	}
	/* Logged when they change; the warnings list them while they last. */
	errors = apm_config_get_errors(app->cfg);
	if (!strcmp(errors, app->cfg_errors ? app->cfg_errors : ""))
		return;
	if (*errors)
		app_log(app, ROLE_WARNING, "not read: %s", errors);
	free(app->cfg_errors);
	app->cfg_errors = strdup(errors);
}

/*
 * Its watches answer with one read when nothing changed (config.c:
 * watch_quiet); what did change is shown as a new snapshot would show
 * it: the grid's '#' cells, the defined mdevs' rows, the warnings.
 */
bool persist_poll(struct app *app)
{
	unsigned int before = app->cfg_changes;

	if (app->interval_ms <= 0 || app_now_ms() - app->cfg_read_ms < app->interval_ms)
		return false;
	persist_reload(app);
	if (app->cfg_changes == before || !app->host)
		return false;
	app_layout_ids(app);
	warnings_compute(app);
	app->redraw = true;
	return true;
}

/* The definition of the mdev uuid, when it is active too: its mdev (borrowed). */
static struct apm_mdev *active(const struct app *app, const char *uuid)
{
	struct apm_mdev *m = apm_host_find_mdev(app->host, uuid);

	return m && !strcmp(apm_mdev_get_uuid(m), uuid) ? m : NULL;
}

bool persist_cell(const struct app *app, const struct apm_queue *q, struct cell_look *look)
{
	unsigned int n = app->cfg ? apm_config_get_def_count(app->cfg) : 0;

	if (apm_queue_get_mdev(q))
		return false;
	for (unsigned int i = 0; i < n; i++) {
		struct apm_def *d = apm_config_get_def(app->cfg, i);
		struct apm_mask a, dm;
		struct apm_mdev *m;

		apm_def_get_mask(d, APM_KIND_ADAPTER, &a);
		apm_def_get_mask(d, APM_KIND_DOMAIN, &dm);
		if (!apm_mask_test(&a, apm_queue_get_adapter(q)) ||
		    !apm_mask_test(&dm, apm_queue_get_domain(q)))
			continue;
		m = active(app, apm_def_get_uuid(d));
		look_of(app, LOOK_DEFINED, m, look);
		return true;
	}
	return false;
}

void persist_used(const struct app *app, struct apm_mask *adapters, struct apm_mask *domains)
{
	unsigned int n = app->cfg ? apm_config_get_def_count(app->cfg) : 0;

	for (unsigned int i = 0; i < n; i++) {
		struct apm_mask s[3];

		for (int k = 0; k < 3; k++)
			apm_def_get_mask(apm_config_get_def(app->cfg, i), (enum apm_kind)k, &s[k]);
		for (int k = 0; k < 4; k++) {
			adapters->w[k] |= s[0].w[k];
			domains->w[k] |= s[1].w[k] | s[2].w[k];
		}
	}
}

const char *persist_boot(const struct app *app, const char *uuid)
{
	struct apm_mdev_state st;

	if (!app->cfg || apm_config_get_mdev_state(app->cfg, app->host, uuid, &st))
		return "lost";
	if (st.mdev && st.lost_at_reboot)
		return st.def ? "diff" : "lost";
	return st.def && apm_def_get_autostart(st.def) ? "auto" : "man";
}

struct defined_list {
	const char **uuids;
	unsigned int n;
};

static int add_defined(const struct apm_mdev_state *st, void *data)
{
	struct defined_list *l = data;

	if (!st->mdev && l->uuids)
		l->uuids[l->n] = st->uuid;
	l->n += !st->mdev;
	return 0;
}

unsigned int persist_defined(const struct app *app, const char **uuids)
{
	struct defined_list l = { uuids, 0 };

	if (app->cfg)
		apm_config_foreach_mdev(app->cfg, app->host, add_defined, &l);
	return l.n;
}

void persist_masks_doc(const struct app *app, struct doc *d)
{
	const char *dash = app->scr.ascii ? "-" : "\xe2\x80\x94";
	bool lost[2];

	for (int aq = 0; aq < 2; aq++)
		lost[aq] = !app->cfg || apm_config_mask_lost_at_reboot(app->cfg, app->host, aq);
	if (lost[0] || lost[1])
		doc_add(d, ROLE_WARNING, 2, "%s%s%s: active only %s lost at reboot",
			lost[0] ? "apmask" : "", lost[0] && lost[1] ? ", " : "",
			lost[1] ? "aqmask" : "", dash);
	else
		doc_add(d, ROLE_OK, 2, "apmask, aqmask: persistent (41-ap.rules)");
}

/* "! TEXT", TEXT escaped whole: a finding may quote names of any length. */
static void add_whole(struct doc *d, const char *prefix, const char *raw)
{
	char *text = escape_dup(raw, 0);

	if (!text) {
		doc_add(d, ROLE_WARNING, 2, "%s(not shown: out of memory)", prefix);
		return;
	}
	doc_add(d, ROLE_WARNING, 2, "%s%s", prefix, text);
	free(text);
}

static int add_finding(const struct apm_finding *f, void *data)
{
	add_whole(data, "! ", f->text);
	return 0;
}

void persist_warnings(struct app *app, struct doc *d)
{
	const char *errors = app->cfg ? apm_config_get_errors(app->cfg) : "";

	if (app->cfg)
		apm_config_foreach_finding(app->cfg, app->host, add_finding, d);
	while (*errors) {
		size_t n = strcspn(errors, "\n");
		char *line = strndup(errors, n);

		if (line) {
			add_whole(d, "! not read: ", line);
			free(line);
		}
		errors += n + (errors[n] == '\n');
	}
}

struct owner_at_boot {
	unsigned int adapter, domain;
	int host_now; /* -1: the owner stays */
};

static int owner_diff(unsigned int adapter, unsigned int domain, bool host_now, void *data)
{
	struct owner_at_boot *o = data;

	if (adapter != o->adapter || domain != o->domain)
		return 0;
	o->host_now = host_now;
	return 1;
}

/*
 * What the persistent configuration says about the cell under the cursor,
 * for the detail view: the definitions that assign it, whether its active
 * mdev's definition lacks it, and its owner at boot where 41-ap.rules
 * makes it another.
 */
void persist_detail(const struct app *app, struct doc *d)
{
	unsigned int n = app->cfg ? apm_config_get_def_count(app->cfg) : 0;
	const char *dash = app->scr.ascii ? "-" : "\xe2\x80\x94";
	struct owner_at_boot o = { app->cur_a, app->cur_q, -1 };
	struct apm_mdev *holder = NULL;
	struct apm_queue *qi;
	char uuid[48];

	if (!app->cfg)
		return;
	if (!apm_host_lookup_queue(app->host, app->cur_a, app->cur_q, &qi)) {
		holder = apm_queue_get_mdev(qi);
		apm_queue_unref(qi);
	}
	/* Assigned on the host, not in the mdev's own definition: gone at its next start. */
	if (holder) {
		struct apm_mdev_state st;
		struct apm_mask a, dm;

		if (!apm_config_get_mdev_state(app->cfg, app->host, apm_mdev_get_uuid(holder),
					       &st) &&
		    st.def) {
			apm_def_get_mask(st.def, APM_KIND_ADAPTER, &a);
			apm_def_get_mask(st.def, APM_KIND_DOMAIN, &dm);
			if (!apm_mask_test(&a, app->cur_a) || !apm_mask_test(&dm, app->cur_q))
				doc_add(d, ROLE_WARNING, 2,
					"not in mdev %s's definition: active only %s lost at reboot",
					apm_mdev_get_label(holder), dash);
		}
	}
	apm_config_foreach_owner_diff(app->cfg, app->host, owner_diff, &o);
	if (o.host_now >= 0)
		doc_add(d, ROLE_WARNING, 2, "at boot, 41-ap.rules's masks give it to %s",
			o.host_now ? "vfio_ap" : "the host");

	for (unsigned int i = 0; i < n; i++) {
		struct apm_def *def = apm_config_get_def(app->cfg, i);
		struct apm_mask a, dm;
		struct apm_mdev *m;

		apm_def_get_mask(def, APM_KIND_ADAPTER, &a);
		apm_def_get_mask(def, APM_KIND_DOMAIN, &dm);
		if (!apm_mask_test(&a, app->cur_a) || !apm_mask_test(&dm, app->cur_q))
			continue;
		m = active(app, apm_def_get_uuid(def));
		uuid_fit(&app->scr, apm_def_get_uuid(def), 0, uuid, sizeof(uuid));
		doc_add(d, ROLE_CELL_DEFINED, 2, "defined for mdev %s%s%s (%s)%s",
			m ? apm_mdev_get_label(m) : "", m ? " " : "", uuid,
			apm_def_get_autostart(def) ? "autostart" : "manual start",
			m ? "" : ", not active");
	}
}
