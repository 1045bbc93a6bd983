// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio.c - the simulated host's vfio_ap: the nodes of the matrix device
 * (devices/vfio_ap/matrix with its mdev type and mdevs), the matrix bus,
 * the mdev bus and class links, and the mdev core's plumbing: the devices
 * an mdev create or remove adds and deletes, with their uevents.  What the
 * writes mean is the kernel model's (core/model/vfio.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sim.h"

static const struct apr_model *M(const struct sim *s)
{
	return sim_model(s);
}

bool sim_vfio_ap_loaded(const struct sim *s, const struct sim_at *at)
{
	(void)at;
	return M(s)->vfio_ap;
}

static void each_mdev(const struct sim *s, const struct sim_at *at, struct sim_list *l)
{
	(void)at;
	for (unsigned int i = 0; i < M(s)->nmdevs; i++)
		sim_list_name(l, "%s", M(s)->mdev[i].uuid);
}

static bool find(const struct sim *s, const char *name, struct sim_at *at)
{
	at->mdev = apr_model_find_mdev(M(s), name);
	return at->mdev >= 0;
}

/* A link to an mdev: its target is the prefix before the uuid. */
static void link_mdev(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "%s%s", at->node->target, M(s)->mdev[at->mdev].uuid);
}

static const struct sim_node bus_mdev_link = { "mdev", SIM_LINK,
					       .target = "../../../devices/vfio_ap/matrix/",
					       .link = link_mdev };
static const struct sim_node driver_mdev_link = { "mdev", SIM_LINK,
						  .target = "../../../../devices/vfio_ap/matrix/",
						  .link = link_mdev };
static const struct sim_node type_mdev_link = { "mdev", SIM_LINK, .target = "../../../",
						.link = link_mdev };

static const struct sim_node *match_bus_mdev(const struct sim *s, const char *name,
					     struct sim_at *at)
{
	return find(s, name, at) ? &bus_mdev_link : NULL;
}

static const struct sim_node *match_driver_mdev(const struct sim *s, const char *name,
						struct sim_at *at)
{
	return find(s, name, at) ? &driver_mdev_link : NULL;
}

static const struct sim_node *match_type_mdev(const struct sim *s, const char *name,
					      struct sim_at *at)
{
	return find(s, name, at) ? &type_mdev_link : NULL;
}

static const struct sim_dynamic bus_mdevs = { .each = each_mdev, .match = match_bus_mdev };
static const struct sim_dynamic driver_mdevs = { .each = each_mdev, .match = match_driver_mdev };
static const struct sim_dynamic type_mdevs = { .each = each_mdev, .match = match_type_mdev };

/* ---------------------------------------------------- bus/mdev, matrix */

static const struct sim_node mdev_drivers[] = {
	{ "vfio_ap_mdev", SIM_DIR, .entries = &driver_mdevs },
	SIM_END,
};

const struct sim_node sim_bus_mdev[] = {
	{ "devices", SIM_DIR, .entries = &bus_mdevs },
	{ "drivers", SIM_DIR, .children = mdev_drivers },
	SIM_END,
};

static const struct sim_node matrix_devices[] = {
	{ "matrix", SIM_LINK, .target = "../../../devices/vfio_ap/matrix" },
	SIM_END,
};

static const struct sim_node matrix_driver[] = {
	{ "matrix", SIM_LINK, .target = "../../../../devices/vfio_ap/matrix" },
	SIM_END,
};

static const struct sim_node matrix_drivers[] = {
	{ "vfio_ap", SIM_DIR, .children = matrix_driver },
	SIM_END,
};

const struct sim_node sim_bus_matrix[] = {
	{ "devices", SIM_DIR, .children = matrix_devices },
	{ "drivers", SIM_DIR, .children = matrix_drivers },
	SIM_END,
};

const struct sim_node sim_class_mdev_bus[] = {
	{ "matrix", SIM_LINK, .target = "../../devices/vfio_ap/matrix" },
	SIM_END,
};

/* ------------------------------------------------------------ the mdevs */

static const struct apr_mdev *rm(const struct sim *s, const struct sim_at *at)
{
	return &M(s)->rm[at->mdev];
}

/* assign_* (arg: the kind); the kernel's warning for a shared APQN. */
static int store_assign(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	struct apr_model *m = sim_model(s);
	int rc = apr_vfio_assign(m, (unsigned int)at->mdev, (enum apr_kind)at->node->arg, buf);

	(void)len;
	if (rc == -EADDRINUSE)
		sim_klog(s,
			 "Userspace may not assign queue %02x.%04x to mdev: already assigned to %s",
			 m->why.apid, m->why.apqi, m->mdev[m->why.mdev].uuid);
	return rc;
}

static int store_unassign(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)len;
	return apr_vfio_unassign(sim_model(s), (unsigned int)at->mdev, (enum apr_kind)at->node->arg,
				 buf);
}

/* mdev_sysfs.c: remove_store, with vfio_ap's request callback and a guest that lets go. */
static int store_remove(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	struct apr_model *m = sim_model(s);
	unsigned int i = (unsigned int)at->mdev;
	char path[80], guest[APR_GUEST_NAME_MAX];
	bool attached = m->rm[i].attached;
	int rc;

	(void)len;
	snprintf(guest, sizeof(guest), "%s", m->mdev[i].guest);
	rc = apr_vfio_mdev_remove_store(m, i, buf);
	if (rc)
		return rc;
	if (attached) {
		sim_klog(s, "mdev %s: guest %s lost its AP resources and released the device",
			 m->mdev[i].uuid, guest);
		sim_vfio_event(s, "close", i);
	}
	snprintf(path, sizeof(path), "/devices/vfio_ap/matrix/%s", m->mdev[i].uuid);
	apr_vfio_mdev_delete(m, i);
	sim_uevent(s, "unbind", path, "mdev", NULL);
	sim_uevent(s, "remove", path, "mdev", NULL);
	return 0;
}

static int show_matrix(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	o->len = apr_matrix_format(&rm(s, at)->apm, &rm(s, at)->aqm, M(s)->max_apid, M(s)->max_apqi,
				   o->buf, o->size);
	return 0;
}

static int show_guest_matrix(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	o->len = apr_matrix_format(&rm(s, at)->sapm, &rm(s, at)->saqm, M(s)->max_apid,
				   M(s)->max_apqi, o->buf, o->size);
	return 0;
}

static int show_control_domains(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_mask *adm = &rm(s, at)->adm;

	for (unsigned int d = apr_mask_next(adm, 0); d <= M(s)->max_apqi && d < APR_BITS;
	     d = apr_mask_next(adm, d + 1))
		sim_printf(o, "%04x\n", d);
	return 0;
}

static int show_ap_config(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	char t[APR_AP_CONFIG_STRLEN + 1];

	apr_vfio_ap_config_show(M(s), (unsigned int)at->mdev, t);
	sim_printf(o, "%s", t);
	return 0;
}

static int store_ap_config(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	return apr_vfio_ap_config_store(sim_model(s), (unsigned int)at->mdev, buf, len);
}

/* The driver core's uevent file of an mdev: the mdev bus adds nothing. */
static int show_mdev_uevent(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "DRIVER=vfio_ap_mdev\n");
	return 0;
}

static int store_noop(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)s, (void)at, (void)buf, (void)len;
	return APR_NOOP;
}

static void link_iommu_group(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	sim_printf(o, "../../../../kernel/iommu_groups/%d", M(s)->mdev[at->mdev].group);
}

/* The mdevs' and the matrix device's attributes of this host's generation. */
static bool mdev_has(const struct sim *s, const struct sim_at *at)
{
	return apr_profile_has(M(s)->profile, APR_DIR_MDEV, at->node->name);
}

static bool matrix_has(const struct sim *s, const struct sim_at *at)
{
	return apr_profile_has(M(s)->profile, APR_DIR_MATRIX, at->node->name);
}

/* vfio_ap_ops.c: vfio_ap_mdev_attrs, then the mdev core's. */
static const struct sim_node mdev_dir[] = {
	{ "assign_adapter", SIM_FILE, 0200, .arg = APR_ADAPTER, .store = store_assign },
	{ "unassign_adapter", SIM_FILE, 0200, .arg = APR_ADAPTER, .store = store_unassign },
	{ "assign_domain", SIM_FILE, 0200, .arg = APR_DOMAIN, .store = store_assign },
	{ "unassign_domain", SIM_FILE, 0200, .arg = APR_DOMAIN, .store = store_unassign },
	{ "assign_control_domain", SIM_FILE, 0200, .arg = APR_CONTROL_DOMAIN,
	  .store = store_assign },
	{ "unassign_control_domain", SIM_FILE, 0200, .arg = APR_CONTROL_DOMAIN,
	  .store = store_unassign },
	{ "remove", SIM_FILE, 0200, .store = store_remove },
	{ "matrix", SIM_FILE, 0444, .show = show_matrix },
	{ "control_domains", SIM_FILE, 0444, .show = show_control_domains },
	{ "uevent", SIM_FILE, 0644, .show = show_mdev_uevent, .store = store_noop },
	{ "mdev_type", SIM_LINK, .target = "../mdev_supported_types/vfio_ap-passthrough" },
	{ "driver", SIM_LINK, .target = "../../../../bus/mdev/drivers/vfio_ap_mdev" },
	{ "iommu_group", SIM_LINK, .link = link_iommu_group },
	{ "subsystem", SIM_LINK, .target = "../../../../bus/mdev" },
	{ "guest_matrix", SIM_FILE, 0444, .visible = mdev_has, .show = show_guest_matrix },
	{ "ap_config", SIM_FILE, 0644, .visible = mdev_has, .show = show_ap_config,
	  .store = store_ap_config },
	SIM_END,
};

static const struct sim_node mdev_node = { "mdev", SIM_DIR, .children = mdev_dir };

static const struct sim_node *match_mdev(const struct sim *s, const char *name, struct sim_at *at)
{
	return find(s, name, at) ? &mdev_node : NULL;
}

static const struct sim_dynamic mdevs = { .each = each_mdev, .match = match_mdev };

/* ------------------------------------------------------- the mdev type */

static int show_type_name(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "VFIO AP Passthrough Device\n");
	return 0;
}

static int show_device_api(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "vfio-ap\n");
	return 0;
}

static int show_available(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%u\n", apr_vfio_available_instances(M(s)));
	return 0;
}

/* mdev_sysfs.c: create_store, and the device the mdev core adds. */
static int store_create(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	struct apr_model *m = sim_model(s);
	char path[80];
	unsigned int i;
	int rc;

	(void)at;
	rc = apr_vfio_mdev_create(m, buf, len, &i);
	if (rc == -ENOSPC) {
		if (sim_state_reserve(s->st, m->nmdevs + 1))
			return -ENOMEM;
		rc = apr_vfio_mdev_create(m, buf, len, &i);
	}
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/devices/vfio_ap/matrix/%s", m->mdev[i].uuid);
	sim_uevent(s, "add", path, "mdev", NULL);
	sim_uevent(s, "bind", path, "mdev", "DRIVER=vfio_ap_mdev", NULL);
	return 0;
}

static const struct sim_node passthrough[] = {
	{ "name", SIM_FILE, 0444, .show = show_type_name },
	{ "device_api", SIM_FILE, 0444, .show = show_device_api },
	{ "available_instances", SIM_FILE, 0444, .show = show_available },
	{ "create", SIM_FILE, 0200, .store = store_create },
	{ "devices", SIM_DIR, .entries = &type_mdevs },
	SIM_END,
};

static const struct sim_node types[] = {
	{ "vfio_ap-passthrough", SIM_DIR, .children = passthrough },
	SIM_END,
};

/* vfio_ap_drv.c: the matrix device's `features` (6.13+). */
static int show_features(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at;
	sim_printf(o, "guest_matrix hotplug ap_config\n");
	return 0;
}

static int show_empty(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)s, (void)at, (void)o;
	return 0;
}

static const struct sim_node matrix[] = {
	{ "mdev_supported_types", SIM_DIR, .children = types },
	{ "uevent", SIM_FILE, 0644, .show = show_empty, .store = store_noop },
	{ "driver", SIM_LINK, .target = "../../../bus/matrix/drivers/vfio_ap" },
	{ "subsystem", SIM_LINK, .target = "../../../bus/matrix" },
	{ "features", SIM_FILE, 0444, .visible = matrix_has, .show = show_features },
	SIM_END,
};

const struct sim_node sim_devices_vfio_ap[] = {
	{ "matrix", SIM_DIR, .children = matrix, .entries = &mdevs },
	{ "uevent", SIM_FILE, 0644, .show = show_empty, .store = store_noop },
	SIM_END,
};
