// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bus.c - the simulated host's AP bus: the nodes of bus/ap/ and
 * devices/ap/ (bus attributes, cards, queues, the drivers' directories
 * with their bind and unbind files) and the driver core that moves
 * devices: the re-probe pass after a mask change and the bus scan, both
 * run with the kernel model's per-queue hooks, and the uevents of devices
 * coming, going, binding and unbinding.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "sim.h"

const char *sim_driver_name(enum apr_drv d)
{
	return d == APR_DRV_CEX4QUEUE ? "cex4queue" : d == APR_DRV_VFIO_AP ? "vfio_ap" : "";
}

/* -------------------------------------------------------- driver core */

void sim_bus_unbind(struct sim *s, unsigned int a, unsigned int q)
{
	struct apr_model *m = sim_model(s);
	enum apr_drv d = m->q[a][q].driver;
	char var[32];

	if (d == APR_DRV_NONE)
		return;
	apr_bus_remove(m, a, q);
	snprintf(var, sizeof(var), "DRIVER=%s", sim_driver_name(d));
	sim_uevent_queue(s, "unbind", a, q, var);
}

int sim_bus_bind(struct sim *s, unsigned int a, unsigned int q, enum apr_drv drv, bool in_scan)
{
	char var[32];
	int rc = apr_bus_probe(sim_model(s), a, q, drv, in_scan);

	if (rc)
		return rc;
	snprintf(var, sizeof(var), "DRIVER=%s", sim_driver_name(drv));
	sim_uevent_queue(s, "bind", a, q, var);
	return 0;
}

void sim_bus_attach(struct sim *s, unsigned int a, unsigned int q, bool in_scan)
{
	if (sim_bus_bind(s, a, q, APR_DRV_CEX4QUEUE, in_scan))
		sim_bus_bind(s, a, q, APR_DRV_VFIO_AP, in_scan);
}

void sim_bus_reprobe(struct sim *s)
{
	struct apr_model *m = sim_model(s);

	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; m->card[a].present && q < APR_BITS; q++)
			if (apr_bus_needs_reprobe(m, a, q)) {
				sim_bus_unbind(s, a, q);
				sim_bus_attach(s, a, q, false);
			}
}

static void remove_queue(struct sim *s, unsigned int a, unsigned int q)
{
	sim_bus_unbind(s, a, q);
	apr_scan_queue_gone(sim_model(s), a, q);
	sim_uevent_queue(s, "remove", a, q, NULL);
}

static void remove_card(struct sim *s, unsigned int a)
{
	struct apr_model *m = sim_model(s);

	for (unsigned int q = 0; q < APR_BITS; q++)
		if (m->q[a][q].exists)
			remove_queue(s, a, q);
	if (m->card[a].bound) {
		apr_bus_card_remove(m, a);
		sim_uevent_card(s, "unbind", a, "DRIVER=cex4card");
	}
	/* drivers/base/core.c: device_del takes the device off its bus before KOBJ_REMOVE. */
	apr_scan_card_gone(m, a);
	sim_uevent_card(s, "remove", a, NULL);
}

void sim_bus_scan(struct sim *s)
{
	struct apr_model *m = sim_model(s);

	sim_bind(s);
	apr_scan_begin(m);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (!apr_scan_card_wanted(m, a)) {
			if (m->card[a].present)
				remove_card(s, a);
			continue;
		}
		if (!m->card[a].present) {
			apr_scan_card_new(m, a);
			sim_uevent_card(s, "add", a, NULL);
			apr_bus_card_probe(m, a);
			sim_uevent_card(s, "bind", a, "DRIVER=cex4card");
		}
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool want = apr_scan_queue_wanted(m, a, q);

			if (m->q[a][q].exists && !want) {
				remove_queue(s, a, q);
			} else if (!m->q[a][q].exists && want) {
				apr_scan_queue_new(m, a, q);
				sim_uevent_queue(s, "add", a, q, NULL);
				sim_bus_attach(s, a, q, true);
			}
		}
		apr_scan_config(m, a);
	}
	apr_scan_end(m);
	s->dirty = true;
}

/* ------------------------------------------------------- name parsing */

/* A device name as the driver core's bind files take it: up to a '\n'. */
static void device_name(const char *buf, char *name, size_t size)
{
	snprintf(name, size, "%.*s", (int)strcspn(buf, "\n"), buf);
}

/* -------------------------------------------------------- bus attributes */

static const struct apr_model *M(const struct sim *s)
{
	return sim_model(s);
}

static int show_ap_domain(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%d\n", M(s)->ap_domain);
	return 0;
}

static int store_ap_domain(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_bus_ap_domain_store(sim_model(s), buf);
}

static int show_lpar(struct sim_out *o, const struct sim *s, const struct apr_mask *mask)
{
	if (!apr_model_has_qci(M(s)))
		sim_printf(o, "not supported\n");
	else
		sim_print_mask(o, mask);
	return 0;
}

static int show_adm(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	return show_lpar(o, s, &M(s)->lpar_adm);
}

static int show_aqm(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	return show_lpar(o, s, &M(s)->lpar_aqm);
}

static int show_apm(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	return show_lpar(o, s, &M(s)->lpar_apm);
}

static int show_config_time(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%d\n", M(s)->config_time);
	return 0;
}

static int store_config_time(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_bus_config_time_store(sim_model(s), buf);
}

static int show_poll_thread(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%d\n", M(s)->poll_thread);
	return 0;
}

static int store_poll_thread(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_bus_poll_thread_store(sim_model(s), buf);
}

static int show_one(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "1\n");
	return 0;
}

static int show_zero(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "0\n");
	return 0;
}

static int show_poll_timeout(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%llu\n", (unsigned long long)M(s)->poll_timeout);
	return 0;
}

static int store_poll_timeout(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_bus_poll_timeout_store(sim_model(s), buf);
}

static int show_max_apqi(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%u\n", M(s)->max_apqi);
	return 0;
}

static int show_max_apid(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%u\n", M(s)->max_apid);
	return 0;
}

static int show_mask(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_print_mask(o, at->node->arg ? &M(s)->aqmask : &M(s)->apmask);
	return 0;
}

/* ap_bus.c: apmask_store/aqmask_store (arg: aqmask): commit, re-probe, then the uevent. */
static int store_mask(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	struct apr_model *m = sim_model(s);
	bool aq = at->node->arg;
	int rc = apr_bus_mask_store(m, aq, buf);

	(void)len;
	if (rc == -EBUSY)
		sim_klog(s, "Can not reserve queue %02x.%04x for host driver: in use by mdev",
			 m->why.apid, m->why.apqi);
	if (rc)
		return rc;
	sim_bus_reprobe(s);
	apr_bus_mask_done(m, aq);
	return 0;
}

static int show_scans(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%llu\n", (unsigned long long)M(s)->scans);
	return 0;
}

/* ap_bus.c: scans_store: any text forces a scan once the first one is done. */
static int store_scans(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)buf, (void)len;
	if (!M(s)->scans)
		return APR_NOOP;
	sim_bus_scan(s);
	return 0;
}

static int show_bindings(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	unsigned int bound, total = apr_bus_count_queues(M(s), &bound);

	(void)at;
	sim_printf(o, "%u/%u%s\n", bound, total,
		   M(s)->scans && bound == total ? " (complete)" : "");
	return 0;
}

/* The bus's and the queues' attributes of this host's generation. */
static bool bus_has(const struct sim *s, const struct sim_at *at)
{
	return apr_profile_has(M(s)->profile, APR_DIR_BUS, at->node->name);
}

static bool queue_has(const struct sim *s, const struct sim_at *at)
{
	return apr_profile_has(M(s)->profile, APR_DIR_QUEUE, at->node->name);
}

static int show_complete_count(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%llu\n", (unsigned long long)M(s)->complete_count);
	return 0;
}

static int show_features(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%s\n", M(s)->features);
	return 0;
}

static int store_noop(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)s, (void)at, (void)buf, (void)len;
	return APR_NOOP;
}

/*
 * drivers/base/bus.c: bus_uevent_store, lib/kobject_uevent.c:
 * kobject_synth_uevent: "ACTION[ UUID[ KEY=VALUE]...]" (one trailing
 * newline or NUL dropped) sends a synthetic uevent on the bus's own
 * kobject (/bus/ap, subsystem "bus") with SYNTH_UUID= (0 without
 * arguments) and one SYNTH_ARG_KEY=VALUE per pair.  kobject_action_type
 * takes the action word up to the first space; kobject_action_args wants
 * the UUID first, then exactly one space before each pair, and keys and
 * values of letters and digits only (action_arg_word_end); anything else
 * is EINVAL.  A coldplug replay (udevadm trigger --type=subsystems) writes
 * "add" here, which chzdev's 41-ap.rules waits for beside
 * bindings_complete_count.  The simulated host's event ring carries up to
 * four pairs; more are refused with EINVAL.
 */
static bool alnum_word(const char *p, const char *end)
{
	if (p == end)
		return false;
	for (; p < end; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return true;
}

static int store_bus_uevent(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	static const char *const actions[] = { "add",	 "remove",  "change", "move",
					       "online", "offline", "bind",   "unbind" };
	char text[APR_PAGE_SIZE + 1], props[5][APR_PAGE_SIZE / 4];
	char *args, *p;
	unsigned int n = 0, a;
	bool more;

	(void)at;
	if (len && (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
		len--;
	snprintf(text, sizeof(text), "%.*s", (int)len, buf);
	args = strchr(text, ' ');
	if (args)
		*args++ = '\0';
	for (a = 0; a < ARRAY_SIZE(actions) && strcmp(text, actions[a]); a++)
		;
	if (a == ARRAY_SIZE(actions))
		return -EINVAL;
	if (!args) {
		sim_uevent(s, actions[a], "/bus/ap", "bus", "SYNTH_UUID=0", NULL);
		return 0;
	}
	/* The UUID, then " KEY=VALUE" pairs. */
	if (strlen(args) < 36 || (args[36] && args[36] != ' '))
		return -EINVAL;
	more = args[36] == ' ';
	args[36] = '\0';
	if (!apm_uuid_valid(args))
		return -EINVAL;
	snprintf(props[0], sizeof(props[0]), "SYNTH_UUID=%s", args);
	for (p = args + 37; more; n++) {
		char *end = strchr(p, ' '), *eq = strchr(p, '=');

		more = end != NULL;
		if (!end)
			end = p + strlen(p);
		if (!eq || eq > end || !alnum_word(p, eq) || !alnum_word(eq + 1, end) ||
		    n + 1 >= ARRAY_SIZE(props))
			return -EINVAL;
		snprintf(props[n + 1], sizeof(props[0]), "SYNTH_ARG_%.*s", (int)(end - p), p);
		p = end + 1;
	}
	sim_uevent(s, actions[a], "/bus/ap", "bus", props[0], n > 0 ? props[1] : NULL,
		   n > 1 ? props[2] : NULL, n > 2 ? props[3] : NULL, n > 3 ? props[4] : NULL, NULL);
	return 0;
}

/* drivers/base/bus.c: drivers_probe_store: probe an unbound device. */
static int store_drivers_probe(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	struct apr_model *m = sim_model(s);
	char name[32];
	unsigned int a, q;

	(void)at, (void)len;
	device_name(buf, name, sizeof(name));
	if (!apr_queue_name(name, &a, &q) || !m->q[a][q].exists)
		return -ENODEV;
	if (m->q[a][q].driver)
		return APR_NOOP;
	sim_bus_attach(s, a, q, false);
	return 0;
}

/* --------------------------------------------------------- bus/ap/devices */

/* A link to a card or queue device: target is the way up to the root. */
static void link_card(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s;
	sim_printf(o, "%sdevices/ap/card%02x", at->node->target, at->apid);
}

static void link_queue(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s;
	sim_printf(o, "%sdevices/ap/card%02x/%02x.%04x", at->node->target, at->apid, at->apid,
		   at->apqi);
}

static const struct sim_node card_link = { "card", SIM_LINK, .target = "../../../",
					   .link = link_card };
static const struct sim_node queue_link = { "queue", SIM_LINK, .target = "../../../",
					    .link = link_queue };

static void each_device(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	(void)at;
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (!M(s)->card[a].present)
			continue;
		sim_list_card(l, a);
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (M(s)->q[a][q].exists)
				sim_list_queue(l, a, q);
	}
}

static const struct sim_node *match_device(const struct sim *s, const char *name, struct sim_at *at)
{
	if (apr_card_name(name, &at->apid))
		return M(s)->card[at->apid].present ? &card_link : NULL;
	if (apr_queue_name(name, &at->apid, &at->apqi))
		return M(s)->q[at->apid][at->apqi].exists ? &queue_link : NULL;
	return NULL;
}

static const struct sim_dynamic devices_entries = { .each = each_device, .match = match_device };

/* ---------------------------------------------------------- bus/ap/drivers */

/* A driver's directory: a link per device bound to it (drivers/base/bus.c). */
static const struct sim_node bound_card = { "card", SIM_LINK, .target = "../../../../",
					    .link = link_card };
static const struct sim_node bound_queue = { "queue", SIM_LINK, .target = "../../../../",
					     .link = link_queue };

static void each_bound(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (!at->drv && M(s)->card[a].bound)
			sim_list_card(l, a);
		for (unsigned int q = 0; at->drv && M(s)->card[a].present && q < APR_BITS; q++)
			if (M(s)->q[a][q].exists && M(s)->q[a][q].driver == at->drv)
				sim_list_queue(l, a, q);
	}
}

static const struct sim_node *match_bound(const struct sim *s, const char *name, struct sim_at *at)
{
	if (!at->drv && apr_card_name(name, &at->apid))
		return M(s)->card[at->apid].bound ? &bound_card : NULL;
	if (at->drv && apr_queue_name(name, &at->apid, &at->apqi))
		return M(s)->q[at->apid][at->apqi].exists &&
				       M(s)->q[at->apid][at->apqi].driver == at->drv
			       ? &bound_queue
			       : NULL;
	return NULL;
}

static const struct sim_dynamic bound_entries = { .each = each_bound, .match = match_bound };

/* drivers/base/bus.c: bind_store / unbind_store. */
static int driver_bind(struct sim *s, const struct sim_at *at, const char *buf, bool bind)
{
	struct apr_model *m = sim_model(s);
	char name[32];
	unsigned int a, q;

	device_name(buf, name, sizeof(name));
	if (!at->drv) {
		if (!apr_card_name(name, &a) || !m->card[a].present)
			return -ENODEV;
		if (bind == m->card[a].bound)
			return bind ? -EBUSY : -ENODEV;
		if (bind)
			apr_bus_card_probe(m, a);
		else
			apr_bus_card_remove(m, a);
		sim_uevent_card(s, bind ? "bind" : "unbind", a, "DRIVER=cex4card");
		return 0;
	}
	if (!apr_queue_name(name, &a, &q) || !m->q[a][q].exists)
		return -ENODEV;
	if (!bind) {
		if (m->q[a][q].driver != at->drv)
			return -ENODEV;
		sim_bus_unbind(s, a, q);
		return 0;
	}
	if (m->q[a][q].driver)
		return -EBUSY;
	return sim_bus_bind(s, a, q, (enum apr_drv)at->drv, false);
}

static int store_bind(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return driver_bind(s, at, buf, true);
}

static int store_unbind(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return driver_bind(s, at, buf, false);
}

static const struct sim_node driver_dir[] = {
	{ "bind", SIM_FILE, 0200, .store = store_bind },
	{ "unbind", SIM_FILE, 0200, .store = store_unbind },
	{ "uevent", SIM_FILE, 0200, .store = store_noop },
	SIM_END,
};

static const struct sim_node driver_node = { "driver", SIM_DIR, .children = driver_dir,
					     .entries = &bound_entries };

/* The AP bus's drivers in registration order; at->drv 0 is the card driver. */
static const char *const drivers[] = { "cex4card", "cex4queue", "vfio_ap" };

static void each_driver(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	(void)at;
	for (unsigned int d = 0; d < ARRAY_SIZE(drivers); d++)
		if (d != APR_DRV_VFIO_AP || M(s)->vfio_ap)
			sim_list_name(l, "%s", drivers[d]);
}

static const struct sim_node *match_driver(const struct sim *s, const char *name, struct sim_at *at)
{
	for (unsigned int d = 0; d < ARRAY_SIZE(drivers); d++)
		if (!strcmp(name, drivers[d]) && (d != APR_DRV_VFIO_AP || M(s)->vfio_ap)) {
			at->drv = (int)d;
			return &driver_node;
		}
	return NULL;
}

static const struct sim_dynamic driver_entries = { .each = each_driver, .match = match_driver };

/* ap_bus.c: ap_bus_attrs, in the kernel's order. */
const struct sim_node sim_bus_ap[] = {
	{ "ap_control_domain_mask", SIM_FILE, 0444, .show = show_adm },
	{ "ap_usage_domain_mask", SIM_FILE, 0444, .show = show_aqm },
	{ "ap_adapter_mask", SIM_FILE, 0444, .show = show_apm },
	{ "ap_interrupts", SIM_FILE, 0444, .show = show_one },
	{ "ap_max_domain_id", SIM_FILE, 0444, .show = show_max_apqi },
	{ "ap_max_adapter_id", SIM_FILE, 0444, .show = show_max_apid },
	{ "bindings", SIM_FILE, 0444, .show = show_bindings },
	{ "ap_domain", SIM_FILE, 0644, .show = show_ap_domain, .store = store_ap_domain },
	{ "config_time", SIM_FILE, 0644, .show = show_config_time, .store = store_config_time },
	{ "poll_thread", SIM_FILE, 0644, .show = show_poll_thread, .store = store_poll_thread },
	{ "poll_timeout", SIM_FILE, 0644, .show = show_poll_timeout, .store = store_poll_timeout },
	{ "apmask", SIM_FILE, 0644, .show = show_mask, .store = store_mask },
	{ "aqmask", SIM_FILE, 0644, .arg = 1, .show = show_mask, .store = store_mask },
	{ "scans", SIM_FILE, 0644, .show = show_scans, .store = store_scans },
	{ "features", SIM_FILE, 0444, .visible = bus_has, .show = show_features },
	{ "bindings_complete_count", SIM_FILE, 0444, .visible = bus_has,
	  .show = show_complete_count },
	{ "drivers_autoprobe", SIM_FILE, 0644, .show = show_one, .store = store_noop },
	{ "drivers_probe", SIM_FILE, 0200, .store = store_drivers_probe },
	{ "uevent", SIM_FILE, 0200, .store = store_bus_uevent },
	{ "devices", SIM_DIR, .entries = &devices_entries },
	{ "drivers", SIM_DIR, .entries = &driver_entries },
	SIM_END,
};

/* ------------------------------------------------------------------ cards */

static const struct apr_card *card(const struct sim *s, const struct sim_at *at)
{
	return &M(s)->card[at->apid];
}

static int show_hwtype(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%u\n", card(s, at)->type->hwtype);
	return 0;
}

static int show_depth(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%u\n", apr_card_depth(card(s, at)->type));
	return 0;
}

/* ap_card.c: ap_functions_show: a card keeps the top 16 bits. */
static int show_card_functions(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "0x%08X\n", apr_model_functions(M(s), card(s, at)->type) & 0xffff0000u);
	return 0;
}

static int show_card_requests(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%llu\n", (unsigned long long)card(s, at)->request_count);
	return 0;
}

static int store_card_requests(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_card_request_count_store(sim_model(s), at->apid, buf);
}

static int show_modalias(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "ap:t%02X\n", card(s, at)->type->hwtype);
	return 0;
}

static int show_card_config(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", card(s, at)->config);
	return 0;
}

static int store_card_config(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_card_config_store(sim_model(s), at->apid, buf);
}

static int show_card_chkstop(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", card(s, at)->chkstop);
	return 0;
}

static int show_max_msg_size(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%u\n", card(s, at)->type->max_msg_size);
	return 0;
}

static bool card_bound(const struct sim *s, const struct sim_at *at)
{
	return card(s, at)->bound;
}

/* zcrypt_cex4.c's card attributes of this card's kind (CCA, EP11). */
static bool card_zcrypt(const struct sim *s, const struct sim_at *at)
{
	return apr_card_has_attr(M(s), at->apid, at->node->name);
}

static int show_card_zcrypt(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	o->len = apr_card_zcrypt_show(M(s), at->apid, at->node->name, o->buf, o->size);
	return 0;
}

static int show_type(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%s\n", card(s, at)->type->name);
	return 0;
}

static int show_card_online(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", apr_card_online(M(s), at->apid));
	return 0;
}

static int store_card_online(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_card_online_store(sim_model(s), at->apid, buf);
}

/* The driver core's uevent file: DEVTYPE, DRIVER, then the bus's variables. */
static int show_card_uevent(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_card *c = card(s, at);

	sim_printf(o, "DEVTYPE=ap_card\n%sDEV_TYPE=%04X\nMODALIAS=ap:t%02X\nMODE=%s\n",
		   c->bound ? "DRIVER=cex4card\n" : "", c->type->hwtype, c->type->hwtype,
		   c->type->mode);
	return 0;
}

/* ----------------------------------------------------------------- queues */

static const struct apr_queue *queue(const struct sim *s, const struct sim_at *at)
{
	return &M(s)->q[at->apid][at->apqi];
}

static int show_queue_requests(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	if (queue(s, at)->uninitiated)
		sim_printf(o, "-\n");
	else
		sim_printf(o, "%llu\n",
			   (unsigned long long)apr_queue_request_count(M(s), at->apid, at->apqi));
	return 0;
}

static int store_queue_requests(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_queue_request_count_store(sim_model(s), at->apid, at->apqi, buf);
}

static int show_reset(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "No Reset Timer set.\n");
	return 0;
}

static int store_reset(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_queue_reset_store(sim_model(s), at->apid, at->apqi, buf);
}

static int show_interrupt(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, queue(s, at)->driver ? "Interrupts enabled.\n" : "Interrupts disabled.\n");
	return 0;
}

static int show_queue_config(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", queue(s, at)->config);
	return 0;
}

static int show_queue_chkstop(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", queue(s, at)->chkstop);
	return 0;
}

static int show_queue_functions(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "0x%08X\n", apr_model_functions(M(s), card(s, at)->type));
	return 0;
}

static int show_override(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%s\n", apr_queue_override_name(M(s), at->apid, at->apqi));
	return 0;
}

static int store_override(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	return apr_queue_override_store(sim_model(s), at->apid, at->apqi, buf, len);
}

static bool queue_bound(const struct sim *s, const struct sim_at *at)
{
	return queue(s, at)->driver != APR_DRV_NONE;
}

static bool queue_zcrypt(const struct sim *s, const struct sim_at *at)
{
	return queue(s, at)->driver == APR_DRV_CEX4QUEUE;
}

/* zcrypt_cex4.c's queue attributes of this queue's kind (CCA, EP11). */
static bool queue_zcrypt_has(const struct sim *s, const struct sim_at *at)
{
	return apr_queue_has_attr(M(s), at->apid, at->apqi, at->node->name);
}

static int show_queue_zcrypt(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	o->len = apr_queue_zcrypt_show(M(s), at->apid, at->apqi, at->node->name, o->buf, o->size);
	return 0;
}

static bool queue_vfio(const struct sim *s, const struct sim_at *at)
{
	return queue(s, at)->driver == APR_DRV_VFIO_AP;
}

static int show_queue_online(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%d\n", apr_queue_online(M(s), at->apid, at->apqi));
	return 0;
}

static int store_queue_online(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_queue_online_store(sim_model(s), at->apid, at->apqi, buf);
}

/* vfio_ap_ops.c: status_show. */
static int show_status(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%s\n", apr_queue_status(M(s)->rm, (int)M(s)->nmdevs, at->apid, at->apqi));
	return 0;
}

static int show_queue_uevent(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_queue *q = queue(s, at);

	sim_printf(o, "DEVTYPE=ap_queue\n");
	if (q->driver)
		sim_printf(o, "DRIVER=%s\n", sim_driver_name(q->driver));
	sim_printf(o, "MODE=%s\n", card(s, at)->type->mode);
	return 0;
}

static void link_queue_driver(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "../../../../bus/ap/drivers/%s", sim_driver_name(queue(s, at)->driver));
}

/* ap_queue.c: ap_queue_dev_attrs, then the driver's groups. */
static const struct sim_node queue_dir[] = {
	{ "requestq_count", SIM_FILE, 0444, .show = show_zero },
	{ "pendingq_count", SIM_FILE, 0444, .show = show_zero },
	{ "interrupt", SIM_FILE, 0444, .show = show_interrupt },
	{ "config", SIM_FILE, 0444, .show = show_queue_config },
	{ "chkstop", SIM_FILE, 0444, .show = show_queue_chkstop },
	{ "ap_functions", SIM_FILE, 0444, .show = show_queue_functions },
	{ "request_count", SIM_FILE, 0644, .show = show_queue_requests,
	  .store = store_queue_requests },
	{ "reset", SIM_FILE, 0644, .show = show_reset, .store = store_reset },
	{ "uevent", SIM_FILE, 0644, .show = show_queue_uevent, .store = store_noop },
	{ "subsystem", SIM_LINK, .target = "../../../../bus/ap" },
	{ "driver", SIM_LINK, .visible = queue_bound, .link = link_queue_driver },
	{ "driver_override", SIM_FILE, 0644, .visible = queue_has, .show = show_override,
	  .store = store_override },
	{ "online", SIM_FILE, 0644, .visible = queue_zcrypt, .show = show_queue_online,
	  .store = store_queue_online },
	{ "load", SIM_FILE, 0444, .visible = queue_zcrypt, .show = show_zero },
	{ "mkvps", SIM_FILE, 0444, .visible = queue_zcrypt_has, .show = show_queue_zcrypt },
	{ "op_modes", SIM_FILE, 0444, .visible = queue_zcrypt_has, .show = show_queue_zcrypt },
	{ "status", SIM_FILE, 0444, .visible = queue_vfio, .show = show_status },
	SIM_END,
};

static const struct sim_node queue_node = { "queue", SIM_DIR, .children = queue_dir };

static void each_queue(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	for (unsigned int q = 0; q < APR_BITS; q++)
		if (M(s)->q[at->apid][q].exists)
			sim_list_queue(l, at->apid, q);
}

static const struct sim_node *match_queue(const struct sim *s, const char *name, struct sim_at *at)
{
	unsigned int a, q;

	if (!apr_queue_name(name, &a, &q) || a != at->apid || !M(s)->q[a][q].exists)
		return NULL;
	at->apqi = q;
	return &queue_node;
}

static const struct sim_dynamic queue_entries = { .each = each_queue, .match = match_queue };

/* ap_card.c: ap_card_dev_attrs, then zcrypt's card group while bound to cex4card. */
static const struct sim_node card_dir[] = {
	{ "hwtype", SIM_FILE, 0444, .show = show_hwtype },
	{ "raw_hwtype", SIM_FILE, 0444, .show = show_hwtype },
	{ "depth", SIM_FILE, 0444, .show = show_depth },
	{ "ap_functions", SIM_FILE, 0444, .show = show_card_functions },
	{ "requestq_count", SIM_FILE, 0444, .show = show_zero },
	{ "pendingq_count", SIM_FILE, 0444, .show = show_zero },
	{ "modalias", SIM_FILE, 0444, .show = show_modalias },
	{ "chkstop", SIM_FILE, 0444, .show = show_card_chkstop },
	{ "max_msg_size", SIM_FILE, 0444, .show = show_max_msg_size },
	{ "request_count", SIM_FILE, 0644, .show = show_card_requests,
	  .store = store_card_requests },
	{ "config", SIM_FILE, 0644, .show = show_card_config, .store = store_card_config },
	{ "uevent", SIM_FILE, 0644, .show = show_card_uevent, .store = store_noop },
	{ "driver", SIM_LINK, .visible = card_bound, .target = "../../../bus/ap/drivers/cex4card" },
	{ "subsystem", SIM_LINK, .target = "../../../bus/ap" },
	{ "type", SIM_FILE, 0444, .visible = card_bound, .show = show_type },
	{ "online", SIM_FILE, 0644, .visible = card_bound, .show = show_card_online,
	  .store = store_card_online },
	{ "load", SIM_FILE, 0444, .visible = card_bound, .show = show_zero },
	{ "serialnr", SIM_FILE, 0444, .visible = card_zcrypt, .show = show_card_zcrypt },
	{ "API_ordinalnr", SIM_FILE, 0444, .visible = card_zcrypt, .show = show_card_zcrypt },
	{ "FW_version", SIM_FILE, 0444, .visible = card_zcrypt, .show = show_card_zcrypt },
	{ "op_modes", SIM_FILE, 0444, .visible = card_zcrypt, .show = show_card_zcrypt },
	SIM_END,
};

static const struct sim_node card_node = { "card", SIM_DIR, .children = card_dir,
					   .entries = &queue_entries };

static void each_card(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	(void)at;
	for (unsigned int a = 0; a < APR_BITS; a++)
		if (M(s)->card[a].present)
			sim_list_card(l, a);
}

static const struct sim_node *match_card(const struct sim *s, const char *name, struct sim_at *at)
{
	if (!apr_card_name(name, &at->apid) || !M(s)->card[at->apid].present)
		return NULL;
	return &card_node;
}

const struct sim_dynamic sim_devices_ap_entries = { .each = each_card, .match = match_card };

static int show_empty(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at, (void)o;
	return 0;
}

/* devices/ap: the bus's root device; its cards are sim_devices_ap_entries. */
const struct sim_node sim_devices_ap[] = {
	{ "uevent", SIM_FILE, 0644, .show = show_empty, .store = store_noop },
	SIM_END,
};
