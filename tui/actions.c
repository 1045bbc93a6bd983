// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * actions.c - every action of the console, declared once.
 *
 * The table below is the only place an action exists: its name (for
 * `:name` in scripts and the help), its default keys and its help text.
 * Key handling, the help screen and `apmatrix tui --list-actions` (the
 * manual's table) all read it.  Changes go through libapmatrix: planned,
 * shown with the rules' preview and verdict, confirmed, applied, explained.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>
#include <ini.h>

#include "tui.h"

#define KEY_TAB	     '\t'
#define KEY_BACKTAB_ KEY_BTAB

static struct apm_mdev *selected(struct app *app)
{
	if (app->sel_mdev < 0 || (unsigned int)app->sel_mdev >= apm_host_get_mdev_count(app->host))
		return NULL;
	return apm_host_get_mdev(app->host, (unsigned int)app->sel_mdev);
}

/* ---------------------------------------------------------- movement */

static int move_by(struct app *app, int da, int dq)
{
	int ia = id_index(app->ids_a, app->na, app->cur_a);
	int iq = id_index(app->ids_q, app->nq, app->cur_q);

	if (!app->na || !app->nq)
		return 0;
	ia = ia < 0 ? 0 : ia + da;
	iq = iq < 0 ? 0 : iq + dq;
	ia = ia < 0 ? 0 : ia >= (int)app->na ? (int)app->na - 1 : ia;
	iq = iq < 0 ? 0 : iq >= (int)app->nq ? (int)app->nq - 1 : iq;
	app->cur_a = app->ids_a[ia];
	app->cur_q = app->ids_q[iq];
	return 0;
}

static int act_up(struct app *app, const char *arg)
{
	return move_by(app, -1, 0);
}

static int act_down(struct app *app, const char *arg)
{
	return move_by(app, 1, 0);
}

static int act_left(struct app *app, const char *arg)
{
	return move_by(app, 0, -1);
}

static int act_right(struct app *app, const char *arg)
{
	return move_by(app, 0, 1);
}

static int act_page_up(struct app *app, const char *arg)
{
	return move_by(app, -10, 0);
}

static int act_page_down(struct app *app, const char *arg)
{
	return move_by(app, 10, 0);
}

static int act_home(struct app *app, const char *arg)
{
	return move_by(app, 0, -256);
}

static int act_end(struct app *app, const char *arg)
{
	return move_by(app, 0, 256);
}

static int goto_apqn(struct app *app, const char *text)
{
	unsigned int a, q;
	char end;

	if (sscanf(text, "%2x.%4x%c", &a, &q, &end) != 2 || a > 255 || q > 255) {
		app_log(app, ROLE_ERROR,
			"'%s' is not an APQN: write it as AA.DDDD in hex, e.g. 05.0047", text);
		return -EINVAL;
	}
	if (id_index(app->ids_a, app->na, a) < 0 || id_index(app->ids_q, app->nq, q) < 0) {
		app->show_all = true;
		app_log(app, ROLE_TEXT, "showing all adapters and domains to reach %02x.%04x", a,
			q);
		app_draw(app);
	}
	app->cur_a = a;
	app->cur_q = q;
	return 0;
}

static void prompt(struct app *app, const char *label, int (*done)(struct app *, const char *))
{
	app->prompting = true;
	snprintf(app->prompt_label, sizeof(app->prompt_label), "%s", label);
	app->prompt_buf[0] = '\0';
	app->prompt_done = done;
}

static int act_goto(struct app *app, const char *arg)
{
	if (arg)
		return goto_apqn(app, arg);
	prompt(app, "go to APQN (AA.DDDD): ", goto_apqn);
	return 0;
}

static int act_show_all(struct app *app, const char *arg)
{
	app->show_all = !app->show_all;
	app_log(app, ROLE_TEXT,
		app->show_all ? "showing every adapter and domain 0..max"
			      : "showing the LPAR's and the assigned IDs");
	return 0;
}

static int select_step(struct app *app, int d)
{
	int n = (int)apm_host_get_mdev_count(app->host);

	if (!n) {
		app_log(app, ROLE_WARNING, "no mdev to select: create one with N");
		app->sel_mdev = -1;
		return 0;
	}
	app->sel_mdev = app->sel_mdev < 0 ? (d > 0 ? 0 : n - 1) : (app->sel_mdev + d + n) % n;
	return 0;
}

static int act_next_mdev(struct app *app, const char *arg)
{
	if (arg) {
		struct apm_mdev *m = apm_host_find_mdev(app->host, arg);

		if (!m) {
			app_log(app, ROLE_ERROR, "there is no mdev %s", arg);
			return -ENOENT;
		}
		app->sel_mdev = apm_host_mdev_index(app->host, m);
		return 0;
	}
	return select_step(app, 1);
}

static int act_prev_mdev(struct app *app, const char *arg)
{
	return select_step(app, -1);
}

/* ----------------------------------------------------------- changes */

/* Show the plan and wait for yes; refusals the rules foresee are shown too. */
static int propose(struct app *app, struct apm_change *c, const char *what, bool fork_it)
{
	const char *expl = apm_change_get_explanation(c);

	app->pending = c;
	app->pending_fork = fork_it;
	snprintf(app->pending_what, sizeof(app->pending_what), "%s", what);
	if (apm_change_get_prediction(c) && expl && *expl)
		app_log(app, ROLE_WARNING, "%s: the kernel will refuse: %s", what, expl);
	if (app->headless)
		app_draw(app);
	return 0;
}

static int plan_failed(struct app *app, const char *what, int rc)
{
	app_log(app, ROLE_ERROR, "%s: cannot plan: %s", what, strerror(-rc));
	return rc;
}

static int toggle_mask(struct app *app, bool aq)
{
	struct apm_mask m;
	struct apm_change *c;
	char spec[16], what[64];
	unsigned int id = aq ? app->cur_q : app->cur_a;
	int rc;

	if (aq)
		apm_host_get_aqmask(app->host, &m);
	else
		apm_host_get_apmask(app->host, &m);
	snprintf(spec, sizeof(spec), "%c%u", apm_mask_test(&m, id) ? '-' : '+', id);
	snprintf(what, sizeof(what), "%s %s (%s 0x%02x %s)", aq ? "aqmask" : "apmask", spec,
		 aq ? "domain" : "adapter", id,
		 apm_mask_test(&m, id) ? "to vfio_ap" : "back to the host");
	rc = apm_change_new_mask(app->host, aq, spec, &c);
	if (rc)
		return plan_failed(app, what, rc);
	return propose(app, c, what, false);
}

static int act_toggle_apmask(struct app *app, const char *arg)
{
	return toggle_mask(app, false);
}

static int act_toggle_aqmask(struct app *app, const char *arg)
{
	return toggle_mask(app, true);
}

static int assign(struct app *app, enum apm_res res, bool un)
{
	static const char *const kinds[] = { "adapter", "domain", "control domain" };
	struct apm_mdev *m = selected(app);
	struct apm_change *c;
	unsigned int id = res == APM_RES_ADAPTER ? app->cur_a : app->cur_q;
	char what[128];
	int rc;

	if (!m) {
		app_log(app, ROLE_WARNING, "select an mdev first (Tab), or create one (N)");
		return -ENOENT;
	}
	snprintf(what, sizeof(what), "%s %s 0x%02x %s mdev %c (%.8s)", un ? "unassign" : "assign",
		 kinds[res], id, un ? "from" : "to", app_mdev_letter(app, apm_mdev_get_uuid(m)),
		 apm_mdev_get_uuid(m));
	rc = apm_change_new_assign(app->host, apm_mdev_get_uuid(m), res, un, &id, 1, &c);
	if (rc)
		return plan_failed(app, what, rc);
	return propose(app, c, what, false);
}

static int act_assign_adapter(struct app *app, const char *arg)
{
	return assign(app, APM_RES_ADAPTER, false);
}

static int act_unassign_adapter(struct app *app, const char *arg)
{
	return assign(app, APM_RES_ADAPTER, true);
}

static int act_assign_domain(struct app *app, const char *arg)
{
	return assign(app, APM_RES_DOMAIN, false);
}

static int act_unassign_domain(struct app *app, const char *arg)
{
	return assign(app, APM_RES_DOMAIN, true);
}

static int act_assign_control(struct app *app, const char *arg)
{
	return assign(app, APM_RES_CONTROL_DOMAIN, false);
}

static int act_unassign_control(struct app *app, const char *arg)
{
	return assign(app, APM_RES_CONTROL_DOMAIN, true);
}

static int select_mode(struct app *app, int mode)
{
	if ((int)app->sel == mode) {
		app->sel = SEL_NONE;
		return 0;
	}
	app->sel = mode;
	app->anchor_a = app->cur_a;
	app->anchor_q = app->cur_q;
	return 0;
}

static int act_mark(struct app *app, const char *arg)
{
	return select_mode(app, SEL_RECT);
}

static int act_select_row(struct app *app, const char *arg)
{
	return select_mode(app, SEL_ROW);
}

static int act_select_column(struct app *app, const char *arg)
{
	return select_mode(app, SEL_COLUMN);
}

/* A matrix is adapters x domains: the preview shows the whole cross product. */
static int assign_selection(struct app *app, bool un)
{
	unsigned int ads[256], doms[256];
	struct apm_mdev *m = selected(app);
	struct apm_change *c;
	char what[128];
	size_t na, nd;
	int rc;

	if (!m) {
		app_log(app, ROLE_WARNING, "select an mdev first (Tab), or create one (N)");
		return -ENOENT;
	}
	app_selection(app, ads, &na, doms, &nd);
	if (!na && !nd) {
		app_log(app, ROLE_WARNING,
			"nothing selected: v marks a rectangle, V a row, b a column");
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "%s %zu adapter%s and %zu domain%s %s mdev %c",
		 un ? "unassign" : "assign", na, na == 1 ? "" : "s", nd, nd == 1 ? "" : "s",
		 un ? "from" : "to", app_mdev_letter(app, apm_mdev_get_uuid(m)));
	rc = apm_change_new_assign_matrix(app->host, apm_mdev_get_uuid(m), un, ads, na, doms, nd,
					  &c);
	if (rc)
		return plan_failed(app, what, rc);
	app->sel = SEL_NONE;
	return propose(app, c, what, false);
}

static int act_assign_selection(struct app *app, const char *arg)
{
	return assign_selection(app, false);
}

static int act_unassign_selection(struct app *app, const char *arg)
{
	return assign_selection(app, true);
}

static int create_done(struct app *app, const char *text)
{
	struct apm_change *c;
	int rc = apm_change_new_mdev_create(app->host, *text ? text : NULL, &c);

	if (rc)
		return plan_failed(app, "create mdev", rc);
	return propose(app, c, "create mdev", false);
}

static int act_create(struct app *app, const char *arg)
{
	if (arg)
		return create_done(app, arg);
	prompt(app, "create mdev, UUID (empty: generate one): ", create_done);
	return 0;
}

static int act_remove(struct app *app, const char *arg)
{
	struct apm_mdev *m = selected(app);
	struct apm_change *c;
	char what[128];
	int rc;

	if (!m) {
		app_log(app, ROLE_WARNING, "select the mdev to remove first (Tab)");
		return -ENOENT;
	}
	snprintf(what, sizeof(what), "remove mdev %c %s%s%s",
		 app_mdev_letter(app, apm_mdev_get_uuid(m)), apm_mdev_get_uuid(m),
		 apm_mdev_get_guest(m) ? ": guest " : "",
		 apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "");
	rc = apm_change_new_mdev_remove(app->host, apm_mdev_get_uuid(m), &c);
	if (rc)
		return plan_failed(app, what, rc);
	if (apm_mdev_in_use(m) == 1)
		app_log(app, ROLE_WARNING, "%s loses every AP resource at once if you confirm",
			apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "its guest");
	/* The kernel's remove can block until the guest lets go: never in this process. */
	return propose(app, c, what,
		       apm_ctx_get_kind(app->ctx) == APM_HOST_SYSFS ||
			       strcmp(apm_ctx_get_source(app->ctx), "(built-in)"));
}

static int act_rescan(struct app *app, const char *arg)
{
	struct apm_change *c;
	int rc = apm_change_new_rescan(app->host, &c);

	if (rc)
		return plan_failed(app, "rescan", rc);
	return propose(app, c, "rescan the AP bus", false);
}

static int act_config(struct app *app, const char *arg)
{
	struct apm_adapter_info info;
	struct apm_change *c;
	char what[64];
	bool on;
	int rc;

	if (apm_host_get_adapter(app->host, app->cur_a, &info) || !info.has_card) {
		app_log(app, ROLE_ERROR, "adapter 0x%02x has no card device to configure",
			app->cur_a);
		return -ENODEV;
	}
	on = info.config == 0;
	snprintf(what, sizeof(what), "configure adapter 0x%02x %s", app->cur_a, on ? "on" : "off");
	rc = apm_change_new_config(app->host, app->cur_a, on, &c);
	if (rc)
		return plan_failed(app, what, rc);
	return propose(app, c, what, false);
}

/* zcrypt online/offline of the cursor's queue, or (arg "card") of its card. */
static int act_online(struct app *app, const char *arg)
{
	bool card = arg && !strcmp(arg, "card");
	struct apm_adapter_info info;
	struct apm_change *c;
	char what[64];
	bool on;
	int rc;

	if (apm_host_get_adapter(app->host, app->cur_a, &info) || !info.has_card) {
		app_log(app, ROLE_ERROR, "adapter 0x%02x has no card device", app->cur_a);
		return -ENODEV;
	}
	if (card) {
		on = info.online != 1;
	} else {
		char path[64], buf[8];

		snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/online", app->cur_a,
			 app->cur_a, app->cur_q);
		on = apm_ctx_read_attr(app->ctx, path, buf, sizeof(buf)) > 0 && buf[0] == '0';
	}
	if (card)
		snprintf(what, sizeof(what), "card%02x %s", app->cur_a, on ? "online" : "offline");
	else
		snprintf(what, sizeof(what), "queue %02x.%04x %s", app->cur_a, app->cur_q,
			 on ? "online" : "offline");
	rc = apm_change_new_online(app->host, app->cur_a, card ? -1 : (int)app->cur_q, on, &c);
	if (rc)
		return plan_failed(app, what, rc);
	return propose(app, c, what, false);
}

static int act_online_card(struct app *app, const char *arg)
{
	return act_online(app, "card");
}

static int sim_op(struct app *app, enum apm_sim_op op, struct apm_sim_arg *arg, const char *what)
{
	struct apm_change *c;
	int rc = apm_change_new_sim(app->host, op, arg, &c);

	if (rc == -EOPNOTSUPP) {
		app_log(app, ROLE_ERROR,
			"%s: this is a real host: simulated hardware and guests exist only on the simulated host or with apsim",
			what);
		return rc;
	}
	if (rc)
		return plan_failed(app, what, rc);
	return propose(app, c, what, false);
}

static int guest_done(struct app *app, const char *name)
{
	struct apm_mdev *m = selected(app);
	struct apm_sim_arg arg = { .name = name };
	char what[128];

	if (!m)
		return -ENOENT;
	arg.uuid = apm_mdev_get_uuid(m);
	if (!*name || strpbrk(name, " \t")) {
		app_log(app, ROLE_ERROR, "'%s' is not a guest name (1..63 characters, no blanks)",
			name);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "start guest %s on mdev %c", name,
		 app_mdev_letter(app, arg.uuid));
	return sim_op(app, APM_SIM_GUEST_START, &arg, what);
}

static int act_guest(struct app *app, const char *arg)
{
	struct apm_mdev *m = selected(app);
	struct apm_sim_arg sa = { 0 };
	char what[128];

	if (!m) {
		app_log(app, ROLE_WARNING, "select an mdev first (Tab)");
		return -ENOENT;
	}
	if (apm_mdev_in_use(m) != 1) {
		if (arg)
			return guest_done(app, arg);
		prompt(app, "guest name: ", guest_done);
		return 0;
	}
	sa.uuid = apm_mdev_get_uuid(m);
	snprintf(what, sizeof(what), "stop guest %s",
		 apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "");
	return sim_op(app, APM_SIM_GUEST_STOP, &sa, what);
}

static int adapter_state(struct app *app, bool chk)
{
	struct apm_adapter_info info;
	struct apm_sim_arg arg = { .id = app->cur_a };
	char what[64];

	if (apm_host_get_adapter(app->host, app->cur_a, &info)) {
		app_log(app, ROLE_ERROR, "adapter 0x%02x is not in the LPAR", app->cur_a);
		return -ENODEV;
	}
	arg.on = chk ? info.chkstop != 1 : info.config == 0;
	snprintf(what, sizeof(what), "%s adapter 0x%02x %s", chk ? "checkstop" : "SE: configure",
		 app->cur_a, arg.on ? "on" : "off");
	return sim_op(app, chk ? APM_SIM_CHKSTOP : APM_SIM_SE_CONFIG, &arg, what);
}

static int act_se_config(struct app *app, const char *arg)
{
	return adapter_state(app, false);
}

static int act_chkstop(struct app *app, const char *arg)
{
	return adapter_state(app, true);
}

/* "ID [TYPE]" for an adapter, "ID" for a domain: the HMC's Change LPAR Cryptographic Controls. */
static int lpar_add_done(struct app *app, const char *text, bool adapter)
{
	struct apm_sim_arg arg = { 0 };
	char id[16] = "", type[16] = "", what[64], *end;
	unsigned long v;

	if (sscanf(text, "%15s %15s", id, type) < 1 || (!adapter && type[0])) {
		app_log(app, ROLE_ERROR, "'%s': write %s", text,
			adapter ? "ID [TYPE], e.g. 0x0a CEX8C" : "an ID, e.g. 0x47");
		return -EINVAL;
	}
	v = strtoul(id, &end, 0);
	if (*end || end == id || v > 255 || (id[0] == '0' && id[1] && id[1] != 'x')) {
		app_log(app, ROLE_ERROR, "'%s' is not an ID: decimal or 0x hex, 0..255", id);
		return -EINVAL;
	}
	arg.id = (unsigned int)v;
	arg.name = type[0] ? type : NULL;
	snprintf(what, sizeof(what), "LPAR: add %s 0x%02x%s%s",
		 adapter ? "adapter" : "usage domain", arg.id, type[0] ? " " : "", type);
	return sim_op(app, adapter ? APM_SIM_LPAR_ADD_ADAPTER : APM_SIM_LPAR_ADD_USAGE_DOMAIN, &arg,
		      what);
}

static int lpar_add_adapter_done(struct app *app, const char *text)
{
	return lpar_add_done(app, text, true);
}

static int lpar_add_domain_done(struct app *app, const char *text)
{
	return lpar_add_done(app, text, false);
}

static int act_lpar_add_adapter(struct app *app, const char *arg)
{
	if (arg)
		return lpar_add_adapter_done(app, arg);
	prompt(app, "LPAR: add adapter (ID [TYPE]): ", lpar_add_adapter_done);
	return 0;
}

static int act_lpar_add_domain(struct app *app, const char *arg)
{
	if (arg)
		return lpar_add_domain_done(app, arg);
	prompt(app, "LPAR: add usage domain (ID): ", lpar_add_domain_done);
	return 0;
}

static int act_lpar_remove_adapter(struct app *app, const char *arg)
{
	struct apm_sim_arg sa = { .id = app->cur_a };
	char what[64];

	snprintf(what, sizeof(what), "LPAR: remove adapter 0x%02x", app->cur_a);
	return sim_op(app, APM_SIM_LPAR_REMOVE_ADAPTER, &sa, what);
}

static int act_lpar_remove_domain(struct app *app, const char *arg)
{
	struct apm_sim_arg sa = { .id = app->cur_q };
	char what[64];

	snprintf(what, sizeof(what), "LPAR: remove usage domain 0x%02x", app->cur_q);
	return sim_op(app, APM_SIM_LPAR_REMOVE_USAGE_DOMAIN, &sa, what);
}

static int act_filter(struct app *app, const char *arg)
{
	if (!app->filter && app->sel_mdev < 0) {
		app_log(app, ROLE_WARNING,
			"select an mdev first (Tab): the filter shows its matrix");
		return -ENOENT;
	}
	app->filter = !app->filter;
	app_log(app, ROLE_TEXT,
		app->filter ? "showing only the selected mdev's adapters and domains"
			    : "filter off");
	return 0;
}

static int act_refresh(struct app *app, const char *arg)
{
	return app_reload(app);
}

static int act_help(struct app *app, const char *arg)
{
	app->help = !app->help;
	app->help_top = 0;
	return 0;
}

static int act_quit(struct app *app, const char *arg)
{
	app->quit = true;
	return 0;
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
	{ "create-mdev", 'N', 0, "N", "create an mdev (UUID typed or generated)", act_create,
	  ACT_MUTATES },
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
	{ "filter", '/', 0, "/", "show only the selected mdev's adapters and domains (again: all)",
	  act_filter, 0 },
	{ "refresh", 'r', 12, "r/^L", "re-read the host", act_refresh, 0 },
	{ "help", '?', KEY_F(1), "?/F1", "this help", act_help, 0 },
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

int key_parse(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} names[] = {
		{ "Tab", '\t' },	{ "S-Tab", KEY_BTAB },
		{ "Enter", '\n' },	{ "Esc", 27 },
		{ "Space", ' ' },	{ "Up", KEY_UP },
		{ "Down", KEY_DOWN },	{ "Left", KEY_LEFT },
		{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
		{ "PgDn", KEY_NPAGE },	{ "Home", KEY_HOME },
		{ "End", KEY_END },	{ "Backspace", KEY_BACKSPACE },
	};
	int n;

	if (strlen(name) == 1 && isgraph((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (name[0] == '^' && strlen(name) == 2 && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - '@';
	if (name[0] == 'F' && sscanf(name + 1, "%d", &n) == 1 && n >= 1 && n <= 12)
		return KEY_F(n);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].key;
	return -1;
}

const struct action *action_by_name(const char *name)
{
	for (const struct action *a = actions; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

int action_run(struct app *app, const struct action *a, const char *arg)
{
	if ((a->flags & ACT_MUTATES) && apm_ctx_is_read_only(app->ctx)) {
		app_log(app, ROLE_ERROR, "%s: read-only: no change is made (--read-only)", a->name);
		return -EROFS;
	}
	/* On a real host: only where the kernel's files may be written (access W_OK, not uid). */
	if ((a->flags & ACT_MUTATES) && apm_ctx_get_kind(app->ctx) == APM_HOST_SYSFS &&
	    !apm_ctx_can_write(app->ctx, "bus/ap/apmask")) {
		app_log(app, ROLE_ERROR,
			"%s: %s/bus/ap is not writable for this user: nothing is changed", a->name,
			apm_ctx_get_source(app->ctx));
		return -EACCES;
	}
	if (app->pending || app->child > 0) {
		app_log(app, ROLE_WARNING, "%s: finish the pending change first (y/n)", a->name);
		return -EBUSY;
	}
	return a->fn(app, arg);
}

static void log_result(struct app *app, struct apm_change *c, const char *what, int rc)
{
	const char *notes = apm_change_get_notes(c), *expl = apm_change_get_explanation(c);

	if (!rc) {
		app_log(app, ROLE_OK, "%s: done", what);
	} else {
		app_log(app, ROLE_ERROR, "%s: refused: %s", what, apm_errno_name(rc));
		if (expl && *expl)
			app_log(app, ROLE_ERROR, "%s", expl);
	}
	if (apm_change_get_mismatch(c))
		app_log(app, ROLE_WARNING,
			"the kernel's answer differed from the rules' prediction (%s)",
			apm_errno_name(apm_change_get_prediction(c)));
	if (notes && *notes)
		app_log(app, ROLE_TEXT, "%s", notes);
}

void action_confirm(struct app *app, bool yes)
{
	struct apm_change *c = app->pending;
	int p[2], rc;

	if (!c)
		return;
	app->pending = NULL;
	if (!yes) {
		app_log(app, ROLE_DIM, "%s: cancelled, nothing written", app->pending_what);
		apm_change_unref(c);
		return;
	}
	if (app->pending_fork && !pipe(p)) {
		pid_t pid = fork();

		if (pid == 0) {
			int err;

			close(p[0]);
			err = -apm_change_apply(c);
			if (write(p[1], &err, sizeof(err)) < 0)
				_exit(2);
			_exit(0);
		}
		close(p[1]);
		if (pid > 0) {
			app->child = pid;
			app->child_pipe = p[0];
			snprintf(app->child_what, sizeof(app->child_what), "%s", app->pending_what);
			app_log(app, ROLE_TEXT,
				"%s: in progress (the kernel may wait for a guest to let go)...",
				app->pending_what);
			apm_change_unref(c);
			return;
		}
		close(p[0]);
	}
	rc = apm_change_apply(c);
	log_result(app, c, app->pending_what, rc);
	apm_change_unref(c);
	app_reload(app);
}

void action_child_done(struct app *app)
{
	int err = EIO, status;

	if (app->child <= 0)
		return;
	if (read(app->child_pipe, &err, sizeof(err)) != sizeof(err))
		err = EIO;
	close(app->child_pipe);
	waitpid(app->child, &status, 0);
	app->child = 0;
	if (err)
		app_log(app, ROLE_ERROR, "%s: refused: %s", app->child_what, apm_errno_name(-err));
	else
		app_log(app, ROLE_OK, "%s: done", app->child_what);
	app_reload(app);
}

/* ------------------------------------------------------------ config.ini */

struct config_parse {
	struct ini_lines src; /* first: the stream inih reads */
	struct app *app;
	const char **theme;
	char theme_buf[256];
	FILE *errors;
	int nerr;
};

static void config_err(struct config_parse *p, const char *what, const char *name)
{
	char safe[48];

	safe_text(name, safe, sizeof(safe));
	if (p->errors)
		fprintf(p->errors, "%s:%d: %s '%s'\n", p->src.name, p->src.line, what, safe);
	app_log(p->app, ROLE_ERROR, "%s:%d: %s '%s'", p->src.name, p->src.line, what, safe);
	p->nerr++;
}

static int config_handler(void *user, const char *section, const char *key, const char *value)
{
	struct config_parse *p = user;
	const struct action *a;

	if (!key)
		return 1;
	if (!strcmp(section, "ui") && !strcmp(key, "theme")) {
		snprintf(p->theme_buf, sizeof(p->theme_buf), "%s", value);
		if (!*p->theme)
			*p->theme = p->theme_buf;
	} else if (!strcmp(section, "ui") && !strcmp(key, "interval")) {
		int ms = atoi(value);

		if (ms < 100 || ms > 600000)
			config_err(p, "interval must be 100..600000 ms, not", value);
		else
			p->app->interval_ms = ms;
	} else if (!strcmp(section, "keys")) {
		int code = key_parse(value);

		a = action_by_name(key);
		if (!a)
			config_err(p, "no such action (apmatrix tui --list-actions):", key);
		else if (code < 0)
			config_err(p, "not a key name (x, ^X, Tab, F1, Up, PgDn, ...):", value);
		else {
			int i = (int)(a - actions);

			p->app->key_override[i] = code;
			snprintf(p->app->key_override_name[i], sizeof(p->app->key_override_name[0]),
				 "%s", value);
		}
	} else {
		config_err(p, "unknown setting", key);
	}
	return 1;
}

int config_load(struct app *app, const char **theme, FILE *errors)
{
	struct config_parse p = { .app = app, .theme = theme, .errors = errors };
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[1024];

	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/apmatrix/config.ini", xdg);
	else
		snprintf(path, sizeof(path), "%s/.config/apmatrix/config.ini", home ? home : "");
	p.src.f = fopen(path, "r");
	if (!p.src.f)
		return errno == ENOENT ? 0 : -errno;
	p.src.name = path;
	ini_parse_stream(ini_lines_reader, &p, config_handler, &p);
	fclose(p.src.f);
	/* The theme name must outlive the parse. */
	if (*theme == p.theme_buf) {
		snprintf(app->config_theme, sizeof(app->config_theme), "%s", p.theme_buf);
		*theme = app->config_theme;
	}
	return p.nerr ? -EINVAL : 0;
}

void actions_print(FILE *f)
{
	for (const struct action *a = actions; a->name; a++)
		fprintf(f, "%-8s %-24s %s%s\n", a->keyname, a->name, a->help,
			a->flags & ACT_SIM_ONLY ? " (simulated host, apsim)" : "");
}
