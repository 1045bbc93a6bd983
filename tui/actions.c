// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * actions.c - every action of the console, declared once.
 *
 * The table at the end is the only place an action exists: its name (for
 * `:name` in scripts and config.ini), its default keys and its help text.
 * Key handling, the help view and `apmatrix tui --list-actions` (the
 * manual's table) all read it.  A handler returns what must happen next
 * (REACT_* flags) and never draws or reloads by itself; a change is only
 * described here (struct plan) and goes through pending.c: planned, shown,
 * confirmed, planned again, applied, explained.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "tui.h"

#define KEY_TAB '\t'

static const char no_mdev[] = "no mdev selected: Tab or = selects one, N creates one";

/* ---------------------------------------------------------- movement */

static unsigned int move_by(struct app *app, int da, int dq)
{
	int ia = id_index(app->ids_a, app->na, app->cur_a);
	int iq = id_index(app->ids_q, app->nq, app->cur_q);

	if (!app->na || !app->nq)
		return REACT_NONE;
	ia = ia < 0 ? 0 : ia + da;
	iq = iq < 0 ? 0 : iq + dq;
	ia = ia < 0 ? 0 : ia >= (int)app->na ? (int)app->na - 1 : ia;
	iq = iq < 0 ? 0 : iq >= (int)app->nq ? (int)app->nq - 1 : iq;
	app->cur_a = app->ids_a[ia];
	app->cur_q = app->ids_q[iq];
	return REACT_REDRAW;
}

static unsigned int act_up(struct app *app, const char *arg)
{
	return move_by(app, -1, 0);
}

static unsigned int act_down(struct app *app, const char *arg)
{
	return move_by(app, 1, 0);
}

static unsigned int act_left(struct app *app, const char *arg)
{
	return move_by(app, 0, -1);
}

static unsigned int act_right(struct app *app, const char *arg)
{
	return move_by(app, 0, 1);
}

static unsigned int act_page_up(struct app *app, const char *arg)
{
	return move_by(app, -10, 0);
}

static unsigned int act_page_down(struct app *app, const char *arg)
{
	return move_by(app, 10, 0);
}

static unsigned int act_home(struct app *app, const char *arg)
{
	return move_by(app, 0, -256);
}

static unsigned int act_end(struct app *app, const char *arg)
{
	return move_by(app, 0, 256);
}

void prompt(struct app *app, const char *label,
	    unsigned int (*done)(struct app *app, const char *text))
{
	app->prompting = true;
	snprintf(app->prompt_label, sizeof(app->prompt_label), "%s", label);
	app->prompt_buf[0] = '\0';
	app->prompt_done = done;
}

static unsigned int goto_apqn(struct app *app, const char *text)
{
	unsigned int a, q;

	if (apm_parse_apqn(text, &a, &q)) {
		app_log(app, ROLE_ERROR,
			"'%s' is not an APQN: write it as AA.DDDD in hex, e.g. 05.0047", text);
		return REACT_REDRAW;
	}
	if (id_index(app->ids_a, app->na, a) < 0 || id_index(app->ids_q, app->nq, q) < 0) {
		if (app->filter)
			app_log(app, ROLE_TEXT, "filter off to reach %02x.%04x", a, q);
		app->filter = false;
		app->show_all = true;
		app_layout_ids(app);
		if (id_index(app->ids_a, app->na, a) < 0 || id_index(app->ids_q, app->nq, q) < 0) {
			app_log(app, ROLE_ERROR,
				"%02x.%04x is beyond this host's IDs (max %02x/%02x)", a, q,
				apm_host_get_max_adapter_id(app->host),
				apm_host_get_max_domain_id(app->host));
			return REACT_REDRAW;
		}
		app_log(app, ROLE_TEXT, "showing all adapters and domains to reach %02x.%04x", a,
			q);
	}
	app->cur_a = a;
	app->cur_q = q;
	return REACT_REDRAW;
}

static unsigned int act_goto(struct app *app, const char *arg)
{
	if (arg)
		return goto_apqn(app, arg);
	prompt(app, "go to APQN (AA.DDDD): ", goto_apqn);
	return REACT_REDRAW;
}

static unsigned int act_show_all(struct app *app, const char *arg)
{
	app->show_all = !app->show_all;
	app_log(app, ROLE_TEXT,
		app->show_all ? "showing every adapter and domain 0..max"
			      : "showing the LPAR's and the assigned IDs");
	return REACT_RELAYOUT | REACT_REDRAW;
}

static unsigned int select_step(struct app *app, int d)
{
	int n = (int)apm_host_get_mdev_count(app->host), i = app->sel_index;

	if (!n) {
		app_log(app, ROLE_WARNING, "no mdev to select: create one with N");
		app_select(app, NULL);
		return REACT_REDRAW;
	}
	i = i < 0 ? (d > 0 ? 0 : n - 1) : (i + d + n) % n;
	app_select(app, apm_host_get_mdev(app->host, (unsigned int)i));
	return REACT_REDRAW | REACT_RELAYOUT;
}

static unsigned int select_done(struct app *app, const char *text)
{
	if (*text)
		app_select_name(app, text);
	return REACT_REDRAW | REACT_RELAYOUT;
}

static unsigned int act_next_mdev(struct app *app, const char *arg)
{
	if (arg)
		return select_done(app, arg);
	return select_step(app, 1);
}

static unsigned int act_prev_mdev(struct app *app, const char *arg)
{
	return select_step(app, -1);
}

static unsigned int act_select_mdev(struct app *app, const char *arg)
{
	if (arg)
		return select_done(app, arg);
	prompt(app, "select mdev (label, guest name, UUID or prefix): ", select_done);
	return REACT_REDRAW;
}

static unsigned int act_select_owner(struct app *app, const char *arg)
{
	struct apm_mdev *m = NULL;
	struct apm_queue *qi;

	if (!apm_host_lookup_queue(app->host, app->cur_a, app->cur_q, &qi)) {
		m = apm_queue_get_mdev(qi);
		apm_queue_unref(qi);
	}
	if (!m) {
		app_log(app, ROLE_WARNING, "%02x.%04x is in no mdev", app->cur_a, app->cur_q);
		return REACT_REDRAW;
	}
	app_select(app, m);
	return REACT_REDRAW | REACT_RELAYOUT;
}

/* ----------------------------------------------------------- changes */

static unsigned int toggle_mask(struct app *app, bool aq)
{
	struct plan pl = { .kind = PLAN_MASK }, *p = &pl;
	unsigned int id = aq ? app->cur_q : app->cur_a;
	struct apm_mask m;

	if (aq)
		apm_host_get_aqmask(app->host, &m);
	else
		apm_host_get_apmask(app->host, &m);
	p->aq = aq;
	snprintf(p->spec, sizeof(p->spec), "%c%u", apm_mask_test(&m, id) ? '-' : '+', id);
	snprintf(p->what, sizeof(p->what), "%s %c%u (%s 0x%02x %s)", aq ? "aqmask" : "apmask",
		 apm_mask_test(&m, id) ? '-' : '+', id, aq ? "domain" : "adapter", id,
		 apm_mask_test(&m, id) ? "to vfio_ap" : "back to the host");
	return pending_propose(app, p);
}

static unsigned int act_toggle_apmask(struct app *app, const char *arg)
{
	return toggle_mask(app, false);
}

static unsigned int act_toggle_aqmask(struct app *app, const char *arg)
{
	return toggle_mask(app, true);
}

static unsigned int assign(struct app *app, enum apm_kind res, bool un)
{
	static const char *const kinds[] = { "adapter", "domain", "control domain" };
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_ASSIGN }, *p = &pl;
	char name[64];

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	app_mdev_name(app, m, name, sizeof(name));
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	p->res = res;
	p->un = un;
	p->ids[0] = res == APM_KIND_ADAPTER ? app->cur_a : app->cur_q;
	p->n = 1;
	snprintf(p->what, sizeof(p->what), "%s %s 0x%02x %s %s", un ? "unassign" : "assign",
		 kinds[res], p->ids[0], un ? "from" : "to", name);
	return pending_propose(app, p);
}

static unsigned int act_assign_adapter(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_ADAPTER, false);
}

static unsigned int act_unassign_adapter(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_ADAPTER, true);
}

static unsigned int act_assign_domain(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_DOMAIN, false);
}

static unsigned int act_unassign_domain(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_DOMAIN, true);
}

static unsigned int act_assign_control(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_CONTROL_DOMAIN, false);
}

static unsigned int act_unassign_control(struct app *app, const char *arg)
{
	return assign(app, APM_KIND_CONTROL_DOMAIN, true);
}

static unsigned int select_mode(struct app *app, int mode)
{
	if ((int)app->sel == mode) {
		app->sel = SEL_NONE;
		return REACT_REDRAW;
	}
	app->sel = mode;
	app->anchor_a = app->cur_a;
	app->anchor_q = app->cur_q;
	return REACT_REDRAW;
}

static unsigned int act_mark(struct app *app, const char *arg)
{
	return select_mode(app, SEL_RECT);
}

static unsigned int act_select_row(struct app *app, const char *arg)
{
	return select_mode(app, SEL_ROW);
}

static unsigned int act_select_column(struct app *app, const char *arg)
{
	return select_mode(app, SEL_COLUMN);
}

/* A matrix is adapters x domains: the preview shows the whole cross product. */
static unsigned int assign_selection(struct app *app, bool un)
{
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_MATRIX }, *p = &pl;

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	app_selection(app, p->ads, &p->na, p->doms, &p->nd);
	if (!p->na && !p->nd) {
		app_log(app, ROLE_WARNING,
			"nothing selected: v marks a rectangle, V a row, b a column");
		return REACT_REDRAW;
	}
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	p->un = un;
	snprintf(p->what, sizeof(p->what), "%s %zu adapter%s and %zu domain%s %s mdev %s",
		 un ? "unassign" : "assign", p->na, p->na == 1 ? "" : "s", p->nd,
		 p->nd == 1 ? "" : "s", un ? "from" : "to", apm_mdev_get_label(m));
	app->sel = SEL_NONE;
	return pending_propose(app, p);
}

static unsigned int act_assign_selection(struct app *app, const char *arg)
{
	return assign_selection(app, false);
}

static unsigned int act_unassign_selection(struct app *app, const char *arg)
{
	return assign_selection(app, true);
}

static unsigned int create_done(struct app *app, const char *text)
{
	struct plan pl = { .kind = PLAN_CREATE }, *p = &pl;
	size_t n = strspn(text, "0123456789abcdefABCDEF-");

	/* The kernel's answer to a malformed UUID is a bare EINVAL: say what is wrong. */
	if (*text && (strlen(text) != 36 || n != 36 || text[8] != '-' || text[13] != '-' ||
		      text[18] != '-' || text[23] != '-')) {
		app_log(app, ROLE_ERROR,
			"'%s' is not a UUID: 8-4-4-4-12 hex digits, e.g. 0b9f1a8e-1111-4222-8333-944445555666 (empty: one is made)",
			text);
		return REACT_REDRAW;
	}
	snprintf(p->uuid, sizeof(p->uuid), "%s", text);
	snprintf(p->what, sizeof(p->what), "create mdev%s%s", *text ? " " : "", text);
	return pending_propose(app, p);
}

static unsigned int act_create(struct app *app, const char *arg)
{
	if (arg)
		return create_done(app, arg);
	prompt(app, "create mdev, UUID (empty: generate one): ", create_done);
	return REACT_REDRAW;
}

static unsigned int act_remove(struct app *app, const char *arg)
{
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_REMOVE }, *p = &pl;
	char guest[80] = "";

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	if (apm_mdev_get_guest(m))
		apm_text_escape(apm_mdev_get_guest(m), guest, sizeof(guest), APM_TEXT_ELLIPSIS);
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	_Static_assert(sizeof("remove mdev  : guest ") + APM_MDEV_LABEL_MAX + sizeof(p->uuid) +
				       sizeof(guest) <=
			       sizeof(p->what),
		       "a remove must fit its description whole");
	snprintf(p->what, sizeof(p->what), "remove mdev %s %s%s%s", apm_mdev_get_label(m),
		 apm_mdev_get_uuid(m), guest[0] ? ": guest " : "", guest);
	if (apm_mdev_is_in_use(m, NULL))
		app_log(app, ROLE_WARNING, "%s loses every AP resource at once if you confirm",
			guest[0] ? guest : "its guest");
	/* The kernel's remove can block until the guest lets go: never in this process. */
	p->fork = apm_ctx_get_kind(app->ctx) == APM_HOST_SYSFS ||
		  strcmp(apm_ctx_get_source(app->ctx), "(built-in)");
	return pending_propose(app, p);
}

static unsigned int act_rescan(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_RESCAN }, *p = &pl;

	snprintf(p->what, sizeof(p->what), "rescan the AP bus");
	return pending_propose(app, p);
}

static unsigned int act_config(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_CONFIG }, *p = &pl;
	struct apm_adapter *info = NULL;
	bool card, on;
	int err = 0;

	card = !apm_host_lookup_adapter(app->host, app->cur_a, &info) && apm_adapter_has_card(info);
	on = card && apm_adapter_is_configured(info, &err);
	apm_adapter_unref(info);
	if (!card) {
		app_log(app, ROLE_ERROR, "adapter 0x%02x has no card device to configure",
			app->cur_a);
		return REACT_REDRAW;
	}
	p->adapter = app->cur_a;
	p->on = !err && !on;
	snprintf(p->what, sizeof(p->what), "configure adapter 0x%02x %s", app->cur_a,
		 p->on ? "on" : "off");
	return pending_propose(app, p);
}

/* zcrypt online/offline of the cursor's queue, or (arg "card") of its card. */
static unsigned int act_online(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_ONLINE }, *p = &pl;
	bool card = arg && !strcmp(arg, "card");
	struct apm_adapter *info = NULL;
	int err;

	if (apm_host_lookup_adapter(app->host, app->cur_a, &info) || !apm_adapter_has_card(info)) {
		apm_adapter_unref(info);
		app_log(app, ROLE_ERROR, "adapter 0x%02x has no card device", app->cur_a);
		return REACT_REDRAW;
	}
	if (card) {
		p->on = !apm_adapter_is_online(info, NULL);
	} else {
		struct apm_queue *qu = NULL;

		p->on = !apm_host_lookup_queue(app->host, app->cur_a, app->cur_q, &qu) &&
			apm_queue_exists(qu) && !apm_queue_is_online(qu, &err) && !err;
		apm_queue_unref(qu);
	}
	apm_adapter_unref(info);
	p->adapter = app->cur_a;
	p->domain = card ? -1 : (int)app->cur_q;
	if (card)
		snprintf(p->what, sizeof(p->what), "card%02x %s", app->cur_a,
			 p->on ? "online" : "offline");
	else
		snprintf(p->what, sizeof(p->what), "queue %02x.%04x %s", app->cur_a, app->cur_q,
			 p->on ? "online" : "offline");
	return pending_propose(app, p);
}

static unsigned int act_online_card(struct app *app, const char *arg)
{
	return act_online(app, "card");
}

static unsigned int sim_op(struct app *app, struct plan *p)
{
	p->kind = PLAN_SIM;
	return pending_propose(app, p);
}

static unsigned int guest_done(struct app *app, const char *name)
{
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	if (!*name || strlen(name) > 63 || strpbrk(name, " \t")) {
		app_log(app, ROLE_ERROR, "'%s' is not a guest name (1..63 characters, no blanks)",
			name);
		return REACT_REDRAW;
	}
	p->op = APM_SIM_GUEST_START;
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	snprintf(p->name, sizeof(p->name), "%s", name);
	/* A name of at most 63 bytes and a label: what is never cut. */
	_Static_assert(sizeof("start guest  on mdev ") + 63 + APM_MDEV_LABEL_MAX <= sizeof(p->what),
		       "a guest's start must fit its description whole");
	snprintf(p->what, sizeof(p->what), "start guest %s on mdev %s", name,
		 apm_mdev_get_label(m));
	return sim_op(app, p);
}

static unsigned int act_guest(struct app *app, const char *arg)
{
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;
	char guest[80] = "";

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	if (!apm_mdev_is_in_use(m, NULL)) {
		if (arg)
			return guest_done(app, arg);
		prompt(app, "guest name: ", guest_done);
		return REACT_REDRAW;
	}
	p->op = APM_SIM_GUEST_STOP;
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	/* A guest whose name cannot be seen (a QEMU without -name) is "the guest". */
	if (apm_mdev_get_guest(m))
		apm_text_escape(apm_mdev_get_guest(m), guest, sizeof(guest), APM_TEXT_ELLIPSIS);
	/* The name is cut (and marked) to fit guest, a label is short: what is whole. */
	_Static_assert(sizeof("stop guest  on mdev ") + sizeof(guest) + APM_MDEV_LABEL_MAX <=
			       sizeof(p->what),
		       "a guest's stop must fit its description whole");
	snprintf(p->what, sizeof(p->what), "stop %s%s on mdev %s",
		 guest[0] ? "guest " : "the guest", guest, apm_mdev_get_label(m));
	return sim_op(app, p);
}

static unsigned int adapter_state(struct app *app, bool chk)
{
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;
	struct apm_adapter *info;
	int err;

	if (apm_host_lookup_adapter(app->host, app->cur_a, &info)) {
		app_log(app, ROLE_ERROR, "adapter 0x%02x is not in the LPAR", app->cur_a);
		return REACT_REDRAW;
	}
	p->op = chk ? APM_SIM_CHKSTOP : APM_SIM_SE_CONFIG;
	p->sa.id = app->cur_a;
	/* On when it is not checkstopped (not configured off): unknown counts as not. */
	p->sa.on = chk ? !apm_adapter_is_checkstopped(info, NULL)
		       : !apm_adapter_is_configured(info, &err) && !err;
	apm_adapter_unref(info);
	snprintf(p->what, sizeof(p->what), "%s adapter 0x%02x %s",
		 chk ? "checkstop" : "SE: configure", app->cur_a, p->sa.on ? "on" : "off");
	return sim_op(app, p);
}

static unsigned int act_se_config(struct app *app, const char *arg)
{
	return adapter_state(app, false);
}

static unsigned int act_chkstop(struct app *app, const char *arg)
{
	return adapter_state(app, true);
}

/* "ID [TYPE]" for an adapter, "ID" for a domain: the HMC's Change LPAR Cryptographic Controls. */
static unsigned int lpar_add_done(struct app *app, const char *text, bool adapter)
{
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;
	char words[sizeof(app->prompt_buf)], err[160], *id, *type, *save;

	/* Whole words (the prompt's text fits): a word cut short would be another ID. */
	snprintf(words, sizeof(words), "%s", text);
	id = strtok_r(words, " ", &save);
	type = id ? strtok_r(NULL, " ", &save) : NULL;
	if (!id ||
	    (type && (!adapter || strtok_r(NULL, " ", &save) || strlen(type) >= sizeof(p->name)))) {
		app_log(app, ROLE_ERROR, "'%s': write %s", text,
			adapter ? "ID [TYPE], e.g. 0x0a CEX8C" : "an ID, e.g. 0x47");
		return REACT_REDRAW;
	}
	if (apm_parse_id(id, &p->sa.id, err, sizeof(err))) {
		app_log(app, ROLE_ERROR, "%s", err);
		return REACT_REDRAW;
	}
	p->op = adapter ? APM_SIM_LPAR_ADD_ADAPTER : APM_SIM_LPAR_ADD_USAGE_DOMAIN;
	snprintf(p->name, sizeof(p->name), "%s", type ? type : "");
	snprintf(p->what, sizeof(p->what), "LPAR: add %s 0x%02x%s%s",
		 adapter ? "adapter" : "usage domain", p->sa.id, type ? " " : "", p->name);
	return sim_op(app, p);
}

static unsigned int lpar_add_adapter_done(struct app *app, const char *text)
{
	return lpar_add_done(app, text, true);
}

static unsigned int lpar_add_domain_done(struct app *app, const char *text)
{
	return lpar_add_done(app, text, false);
}

static unsigned int act_lpar_add_adapter(struct app *app, const char *arg)
{
	if (arg)
		return lpar_add_adapter_done(app, arg);
	prompt(app, "LPAR: add adapter (ID [TYPE]): ", lpar_add_adapter_done);
	return REACT_REDRAW;
}

static unsigned int act_lpar_add_domain(struct app *app, const char *arg)
{
	if (arg)
		return lpar_add_domain_done(app, arg);
	prompt(app, "LPAR: add usage domain (ID): ", lpar_add_domain_done);
	return REACT_REDRAW;
}

static unsigned int act_lpar_remove_adapter(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;

	p->op = APM_SIM_LPAR_REMOVE_ADAPTER;
	p->sa.id = app->cur_a;
	snprintf(p->what, sizeof(p->what), "LPAR: remove adapter 0x%02x", app->cur_a);
	return sim_op(app, p);
}

static unsigned int act_lpar_remove_domain(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_SIM }, *p = &pl;

	p->op = APM_SIM_LPAR_REMOVE_USAGE_DOMAIN;
	p->sa.id = app->cur_q;
	snprintf(p->what, sizeof(p->what), "LPAR: remove usage domain 0x%02x", app->cur_q);
	return sim_op(app, p);
}

/* --------------------------------------------------- what survives */

static unsigned int act_persist(struct app *app, const char *arg)
{
	struct apm_mdev *m = app_mdev(app);
	struct plan pl = { .kind = PLAN_PERSIST }, *p = &pl;

	if (!m) {
		app_log(app, ROLE_WARNING, "%s", no_mdev);
		return REACT_REDRAW;
	}
	if (arg && strcmp(arg, "auto") && strcmp(arg, "manual")) {
		app_log(app, ROLE_ERROR, "persist: '%s': auto or manual (none: keep its start)",
			arg);
		return REACT_REDRAW;
	}
	p->start = !arg ? APM_START_KEEP : arg[0] == 'a' ? APM_START_AUTO : APM_START_MANUAL;
	snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	snprintf(p->what, sizeof(p->what), "persist mdev %s as its mdevctl definition%s%s",
		 apm_mdev_get_label(m), arg ? ", " : "", arg ? arg : "");
	return pending_propose(app, p);
}

/* The definition named (a UUID or a prefix of one), else the selected mdev's. */
static unsigned int act_unpersist(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_UNPERSIST }, *p = &pl;
	struct apm_mdev *m = app_mdev(app);
	unsigned int n = app->cfg ? apm_config_get_def_count(app->cfg) : 0, found = 0;

	for (unsigned int i = 0; arg && i < n; i++) {
		const char *u = apm_def_get_uuid(apm_config_get_def(app->cfg, i));

		if (!strcasecmp(u, arg) ||
		    (strlen(arg) >= 4 && !strncasecmp(u, arg, strlen(arg)))) {
			snprintf(p->uuid, sizeof(p->uuid), "%s", u);
			found++;
		}
	}
	if (arg && found != 1) {
		app_log(app, ROLE_ERROR,
			"unpersist: %s definition has the UUID or prefix '%s' (4 characters or more)",
			found ? "more than one" : "no", arg);
		return REACT_REDRAW;
	}
	if (!arg && !m) {
		app_log(app, ROLE_WARNING, "%s (or :unpersist UUID names a definition)", no_mdev);
		return REACT_REDRAW;
	}
	if (!arg && (!app->cfg || !apm_config_find_def(app->cfg, apm_mdev_get_uuid(m)))) {
		app_log(app, ROLE_WARNING, "mdev %s has no mdevctl definition to remove",
			apm_mdev_get_label(m));
		return REACT_REDRAW;
	}
	if (!arg)
		snprintf(p->uuid, sizeof(p->uuid), "%s", apm_mdev_get_uuid(m));
	snprintf(p->what, sizeof(p->what), "remove the mdevctl definition of mdev %.8s%s", p->uuid,
		 ellipsis(&app->scr));
	return pending_propose(app, p);
}

static unsigned int act_persist_masks(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_PERSIST_MASKS }, *p = &pl;

	snprintf(p->what, sizeof(p->what), "persist the active apmask and aqmask (41-ap.rules)");
	return pending_propose(app, p);
}

static unsigned int act_undo(struct app *app, const char *arg)
{
	struct plan pl = { .kind = PLAN_UNDO }, *p = &pl;

	snprintf(p->what, sizeof(p->what), "undo the last change");
	return pending_propose(app, p);
}

/* -------------------------------------------------------------- views */

static unsigned int act_filter(struct app *app, const char *arg)
{
	struct apm_mdev *m = app_mdev(app);

	if (!app->filter && !m) {
		app_log(app, ROLE_WARNING, "%s (the filter shows its matrix)", no_mdev);
		return REACT_REDRAW;
	}
	app->filter = !app->filter;
	if (app->filter)
		app_log(app, ROLE_TEXT, "showing only mdev %s's adapters and domains",
			apm_mdev_get_label(m));
	else
		app_log(app, ROLE_TEXT, "filter off");
	return REACT_RELAYOUT | REACT_REDRAW;
}

static unsigned int act_details(struct app *app, const char *arg)
{
	struct doc d = { 0 };
	char title[32];

	detail_doc(app, &d, 1000);
	/* All the host's warnings too: the panel has room for a few. */
	if (warnings_count(app))
		doc_add(&d, ROLE_TITLE, 0, "warnings (the kernel gives none of them)");
	warnings_all(app, &d);
	snprintf(title, sizeof(title), "APQN %02x.%04x", app->cur_a, app->cur_q);
	text_open(app, title, &d, false);
	return REACT_REDRAW;
}

static unsigned int act_log(struct app *app, const char *arg)
{
	struct doc d = { 0 };

	for (unsigned int i = app->log_n < LOG_MAX ? app->log_n : LOG_MAX; i-- > 0;) {
		const struct log_entry *e = app_log_entry(app, i);

		doc_add_lines(&d, (enum role)e->role, 2, e->text);
		if (e->repeat > 1)
			doc_add(&d, ROLE_DIM, 2, "  (%u times)", e->repeat);
	}
	text_open(app, "log (newest last)", &d, true);
	return REACT_REDRAW;
}

static unsigned int act_refresh(struct app *app, const char *arg)
{
	return REACT_RELOAD | REACT_REDRAW;
}

static unsigned int act_repaint(struct app *app, const char *arg)
{
	return REACT_REPAINT | REACT_REDRAW;
}

static unsigned int act_help(struct app *app, const char *arg)
{
	app->help.top = 0;
	app_open(app, &app->help);
	return REACT_REDRAW;
}

static unsigned int command_done(struct app *app, const char *text)
{
	char name[64] = "";
	const char *arg = text + strcspn(text, " ");
	const struct action *a;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(text, " "), text);
	arg += strspn(arg, " ");
	a = action_by_name(name);
	if (!a) {
		app_log(app, ROLE_ERROR, "no action '%s' (? lists them)", name);
		return REACT_REDRAW;
	}
	return action_run(app, a, *arg ? arg : NULL);
}

static unsigned int act_command(struct app *app, const char *arg)
{
	if (arg)
		return command_done(app, arg);
	prompt(app, ":", command_done);
	return REACT_REDRAW;
}

static unsigned int act_quit(struct app *app, const char *arg)
{
	return REACT_QUIT;
}

const struct action actions[] = {
	{ "up", KEY_UP, 'k', "Up/k", "move up one adapter", act_up, 0 },
	{ "down", KEY_DOWN, 'j', "Down/j", "move down one adapter", act_down, 0 },
	{ "left", KEY_LEFT, 'h', "Left/h", "move left one domain", act_left, 0 },
	{ "right", KEY_RIGHT, 'l', "Right/l", "move right one domain", act_right, 0 },
	{ "page-up", KEY_PPAGE, 0, "PgUp", "move up ten adapters", act_page_up, 0 },
	{ "page-down", KEY_NPAGE, 0, "PgDn", "move down ten adapters", act_page_down, 0 },
	{ "home", KEY_HOME, 0, "Home", "first domain", act_home, 0 },
	{ "end", KEY_END, 0, "End", "last domain", act_end, 0 },
	{ "goto", 'g', 0, "g", "go to an APQN (AA.DDDD)", act_goto, 0 },
	{ "show-all", '*', 0, "*", "show every adapter and domain 0..max, or only the used ones",
	  act_show_all, 0 },
	{ "mark", 'v', 0, "v", "start a rectangle selection at the cursor (again: clear it)",
	  act_mark, 0 },
	{ "select-row", 'V', 0, "V", "select the cursor's whole row (again: clear it)",
	  act_select_row, 0 },
	{ "select-column", 'b', 0, "b", "select the cursor's whole column (again: clear it)",
	  act_select_column, 0 },
	{ "next-mdev", KEY_TAB, 0, "Tab", "select the next mdev (or the one named)", act_next_mdev,
	  0 },
	{ "prev-mdev", KEY_BTAB, 0, "S-Tab", "select the previous mdev", act_prev_mdev, 0 },
	{ "select-mdev", '=', 0, "=", "select an mdev by label, guest name, UUID or UUID prefix",
	  act_select_mdev, 0 },
	{ "select-owner", '.', 0, ".", "select the mdev that holds the cell under the cursor",
	  act_select_owner, 0 },
	{ "toggle-apmask", 'm', 0, "m",
	  "toggle the apmask bit of the adapter row (host <-> vfio_ap), with a preview",
	  act_toggle_apmask, ACT_MUTATES },
	{ "toggle-aqmask", 'M', 0, "M",
	  "toggle the aqmask bit of the domain column, with a preview", act_toggle_aqmask,
	  ACT_MUTATES },
	{ "assign-adapter", 'a', 0, "a", "assign the row's adapter to the selected mdev",
	  act_assign_adapter, ACT_MUTATES },
	{ "unassign-adapter", 'A', 0, "A", "unassign the row's adapter from the selected mdev",
	  act_unassign_adapter, ACT_MUTATES },
	{ "assign-domain", 'd', 0, "d", "assign the column's domain to the selected mdev",
	  act_assign_domain, ACT_MUTATES },
	{ "unassign-domain", 'D', 0, "D", "unassign the column's domain from the selected mdev",
	  act_unassign_domain, ACT_MUTATES },
	{ "assign-control-domain", 'c', 0, "c",
	  "assign the column's domain as a control domain of the selected mdev", act_assign_control,
	  ACT_MUTATES },
	{ "unassign-control-domain", 'C', 0, "C", "unassign the column's control domain",
	  act_unassign_control, ACT_MUTATES },
	{ "assign-selection", 'S', 0, "S",
	  "assign the selection's adapters and domains to the selected mdev (one ap_config write)",
	  act_assign_selection, ACT_MUTATES },
	{ "unassign-selection", 'U', 0, "U",
	  "unassign the selection's adapters and domains from the selected mdev",
	  act_unassign_selection, ACT_MUTATES },
	{ "create-mdev", 'N', 0, "N", "create an mdev (UUID typed or generated) and select it",
	  act_create, ACT_MUTATES },
	{ "remove-mdev", 'X', 0, "X", "remove the selected mdev (its guest loses its AP resources)",
	  act_remove, ACT_MUTATES },
	{ "rescan", 's', 0, "s", "rescan the AP bus (bus/ap/scans)", act_rescan, ACT_MUTATES },
	{ "config", 'f', 0, "f", "configure the row's adapter off/on (SCLP, the card's config)",
	  act_config, ACT_MUTATES },
	{ "online", 'o', 0, "o", "zcrypt: set the cursor's queue online/offline", act_online,
	  ACT_MUTATES },
	{ "online-card", 'O', 0, "O", "zcrypt: set the row's card online/offline", act_online_card,
	  ACT_MUTATES },
	{ "guest", 'G', 0, "G", "start a guest on the selected mdev, or stop it", act_guest,
	  ACT_MUTATES | ACT_SIM_ONLY },
	{ "se-config", 'E', 0, "E", "SE/HMC side: configure the row's adapter off/on",
	  act_se_config, ACT_MUTATES | ACT_SIM_ONLY },
	{ "chkstop", 'K', 0, "K", "checkstop the row's adapter, or end it", act_chkstop,
	  ACT_MUTATES | ACT_SIM_ONLY },
	{ "lpar-add-adapter", '+', 0, "+", "HMC: add an adapter to the LPAR (ID [TYPE])",
	  act_lpar_add_adapter, ACT_MUTATES | ACT_SIM_ONLY },
	{ "lpar-remove-adapter", '-', 0, "-", "HMC: remove the row's adapter from the LPAR",
	  act_lpar_remove_adapter, ACT_MUTATES | ACT_SIM_ONLY },
	{ "lpar-add-domain", '>', 0, ">", "HMC: add a usage domain to the LPAR (ID)",
	  act_lpar_add_domain, ACT_MUTATES | ACT_SIM_ONLY },
	{ "lpar-remove-domain", '<', 0, "<", "HMC: remove the column's usage domain from the LPAR",
	  act_lpar_remove_domain, ACT_MUTATES | ACT_SIM_ONLY },
	{ "persist", 'p', 0, "p",
	  "write the selected mdev as its mdevctl definition (:persist auto|manual sets its start)",
	  act_persist, ACT_MUTATES },
	{ "unpersist", 'P', 0, "P",
	  "remove the selected mdev's mdevctl definition (:unpersist UUID: any definition)",
	  act_unpersist, ACT_MUTATES },
	{ "persist-masks", 'W', 0, "W",
	  "write the active apmask and aqmask as 41-ap.rules (chzdev's)", act_persist_masks,
	  ACT_MUTATES },
	{ "unplug", 'Z', 0, "Z",
	  "migration wizard: unplug the selected mdev's guest before a live migration (restore file)",
	  wizard_unplug, ACT_MUTATES },
	{ "replug", 'R', 0, "R",
	  "migration wizard: replug a guest from a restore file, after checking every APQN",
	  wizard_replug, ACT_MUTATES },
	{ "undo", 'u', 0, "u",
	  "undo the last change apmatrix made, while the host is as it left it", act_undo,
	  ACT_MUTATES },
	{ "filter", '/', 0, "/", "show only the selected mdev's adapters and domains (again: all)",
	  act_filter, 0 },
	{ "details", 'i', 0, "i", "the cell under the cursor, all of it", act_details, 0 },
	{ "log", 'L', 0, "L", "the whole log, scrollable", act_log, 0 },
	{ "refresh", 'r', 0, "r", "re-read the host", act_refresh, 0 },
	{ "repaint", 12, 0, "^L", "repaint the terminal from scratch", act_repaint, 0 },
	{ "command", ':', 0, ":", "run an action by name, with an argument (:goto 05.0047)",
	  act_command, 0 },
	{ "help", '?', KEY_F(1), "?/F1", "this help: actions, the grid's glyphs", act_help, 0 },
	{ "quit", 'q', 0, "q", "quit", act_quit, 0 },
	{ NULL, 0, 0, NULL, NULL, NULL, 0 },
};

const struct action *action_by_key(const struct app *app, int key)
{
	int i = 0;

	if (!key)
		return NULL;
	/* Bindings from config.ini win over the table's keys. */
	for (const struct action *a = actions; a->name; a++, i++)
		if (app->key_override[i] == key)
			return a;
	i = 0;
	for (const struct action *a = actions; a->name; a++, i++)
		if ((!app->key_override[i] && a->key == key) || a->key2 == key)
			return a;
	return NULL;
}

const struct action *action_by_name(const char *name)
{
	for (const struct action *a = actions; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

unsigned int action_run(struct app *app, const struct action *a, const char *arg)
{
	if ((a->flags & ACT_MUTATES) && apm_ctx_is_read_only(app->ctx)) {
		app_log(app, ROLE_ERROR, "%s: read-only: no change is made (--read-only)", a->name);
		return REACT_REDRAW;
	}
	/* On a real host: only where the kernel's files may be written (access W_OK, not uid). */
	if ((a->flags & ACT_MUTATES) && apm_ctx_get_kind(app->ctx) == APM_HOST_SYSFS &&
	    !apm_ctx_can_write(app->ctx, "bus/ap/apmask")) {
		app_log(app, ROLE_ERROR,
			"%s: %s/bus/ap is not writable for this user: nothing is changed", a->name,
			apm_ctx_get_source(app->ctx));
		return REACT_REDRAW;
	}
	if ((a->flags & ACT_MUTATES) && (app->pending || app->child > 0)) {
		app_log(app, ROLE_WARNING, "%s: finish the pending change first (y/n)", a->name);
		return REACT_REDRAW;
	}
	return a->fn(app, arg);
}

void actions_print(FILE *f)
{
	for (const struct action *a = actions; a->name; a++)
		fprintf(f, "%-8s %-24s %s%s\n", a->keyname, a->name, a->help,
			a->flags & ACT_SIM_ONLY ? " (simulated host, apsim)" : "");
}
