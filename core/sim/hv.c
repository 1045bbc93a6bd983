// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hv.c - kernel/apsim/, the simulated host's control tree (the one
 * kmod/apsim.ko offers): the HMC/SE side of the LPAR, the simulated
 * QEMU's guests, and injected faults.  A change of the LPAR makes the bus
 * scan at once, as the machine's configuration-change notification does.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sim.h"

static int store_scan(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)buf, (void)len;
	sim_bus_scan(s);
	return 0;
}

/* An LPAR change (arg: enum apr_hv_op), then the scan it causes. */
static int store_lpar(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	int rc = apr_hv_write(sim_model(s), (enum apr_hv_op)at->node->arg, buf);

	(void)len;
	if (rc)
		return rc;
	sim_bus_scan(s);
	return 0;
}

/* "UUID[ REST]": the mdev named first; rest points after one blank. */
static int mdev_arg(struct sim *s, const char *buf, const char **rest)
{
	struct apr_model *m = sim_model(s);
	char uuid[APR_UUID_LEN + 1];
	size_t n = strcspn(buf, " \n");
	int i;

	if (n != APR_UUID_LEN)
		i = -1;
	else {
		memcpy(uuid, buf, n);
		uuid[n] = '\0';
		i = apr_model_find_mdev(m, uuid);
	}
	if (i < 0) {
		m->why = (struct apr_refusal){ .err = -ENODEV, .why = APR_WHY_NO_MDEV, .mdev = -1 };
		return -ENODEV;
	}
	*rest = buf[n] == ' ' ? buf + n + 1 : buf + n;
	return i;
}

/* "UUID NAME": the mdev's index and NAME, all of the rest but one trailing '\n'. */
static int mdev_guest_arg(struct sim *s, const char *buf, char name[APR_GUEST_NAME_MAX + 1])
{
	const char *rest;
	size_t n;
	int i = mdev_arg(s, buf, &rest);

	if (i < 0)
		return i;
	n = strlen(rest);
	if (n && rest[n - 1] == '\n')
		n--;
	if (n > APR_GUEST_NAME_MAX)
		n = APR_GUEST_NAME_MAX; /* too long either way: the model refuses it */
	memcpy(name, rest, n);
	name[n] = '\0';
	return i;
}

/*
 * guest_start "UUID NAME": the simulated QEMU opens the mdev for guest
 * NAME (all of the rest but one trailing '\n', kept exactly or refused).
 */
static int store_guest_start(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	char name[APR_GUEST_NAME_MAX + 1];
	int i = mdev_guest_arg(s, buf, name), rc;

	(void)at, (void)len;
	if (i < 0)
		return i;
	rc = apr_vfio_guest_attach(sim_model(s), (unsigned int)i, name);
	if (!rc)
		sim_vfio_event(s, "open", (unsigned int)i);
	return rc;
}

static int store_guest_stop(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	const char *rest;
	int i = mdev_arg(s, buf, &rest), rc;

	(void)at, (void)len;
	if (i < 0)
		return i;
	rc = apr_vfio_guest_detach(sim_model(s), (unsigned int)i);
	if (!rc)
		sim_vfio_event(s, "close", (unsigned int)i);
	return rc;
}

/* guest_detach "UUID": QEMU unplugs the device, the guest runs on (device_del). */
static int store_guest_detach(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	const char *rest;
	int i = mdev_arg(s, buf, &rest), rc;

	(void)at, (void)len;
	if (i < 0)
		return i;
	/* QEMU closes the device: watchers see it as at guest_stop. */
	rc = apr_vfio_guest_unplug(sim_model(s), (unsigned int)i);
	if (!rc)
		sim_vfio_event(s, "close", (unsigned int)i);
	return rc;
}

/* guest_attach "UUID NAME": QEMU plugs the device into running guest NAME (device_add). */
static int store_guest_attach(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	char name[APR_GUEST_NAME_MAX + 1];
	int i = mdev_guest_arg(s, buf, name), rc;

	(void)at, (void)len;
	if (i < 0)
		return i;
	rc = apr_vfio_guest_plug(sim_model(s), (unsigned int)i, name);
	if (!rc)
		sim_vfio_event(s, "open", (unsigned int)i);
	return rc;
}

/* "UUID NAME" per guest that runs on without the mdev QEMU unplugged. */
static int show_unplugged(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_model *m = sim_model(s);

	(void)at;
	for (unsigned int i = 0; i < m->nmdevs; i++)
		if (m->mdev[i].unplugged)
			sim_printf(o, "%s %s\n", m->mdev[i].uuid, m->mdev[i].guest);
	return 0;
}

static int show_host_name(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	(void)at;
	sim_printf(o, "%s\n", sim_model(s)->host_name);
	return 0;
}

static int store_host_name(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_hv_host_name_store(sim_model(s), buf);
}

static int show_guests(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_model *m = sim_model(s);

	(void)at;
	for (unsigned int i = 0; i < m->nmdevs; i++)
		if (m->rm[i].attached)
			sim_printf(o, "%s %s\n", m->mdev[i].uuid, m->mdev[i].guest);
	return 0;
}

/* "PATH ERRNO COUNT" per armed fault ("ok": the write succeeds without effect). */
static int show_faults(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_model *m = sim_model(s);
	char num[16];

	(void)at;
	for (unsigned int i = 0; i < APR_FAULTS; i++) {
		const struct apr_fault *f = &m->fault[i];

		if (f->path[0])
			sim_printf(o, "%s %s %u\n", f->path, apr_fault_answer(f, num, sizeof(num)),
				   f->count);
	}
	return 0;
}

static int store_fault(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_fault_store(sim_model(s), buf);
}

/* mkvp: "AA.DDDD|*.DDDD KEY VALUE" sets a master-key register apart from mk_seed's. */
static int store_mkvp(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_mk_store(sim_model(s), buf);
}

static int show_mkvp(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	const struct apr_model *m = sim_model(s);
	char line[160];

	(void)at;
	for (unsigned int i = 0; i < APR_MK_SETS; i++)
		if (m->mk[i].used) {
			apr_mk_format(&m->mk[i], line, sizeof(line));
			sim_printf(o, "%s\n", line);
		}
	return 0;
}

/* card_info: "ID KEY VALUE" sets a card's serialnr, api_ordinalnr, fw_version, op_modes. */
static int store_card_info(struct sim *s, const struct sim_at *at, const char *buf, size_t len)
{
	(void)at, (void)len;
	return apr_card_info_store(sim_model(s), buf);
}

static int show_card_info(const struct sim *s, const struct sim_at *at, struct sim_out *o)
{
	char lines[512];

	(void)at;
	for (unsigned int a = 0; a < APR_BITS; a++)
		if (sim_model(s)->card[a].info_set) {
			apr_card_info_format(sim_model(s), a, lines, sizeof(lines));
			sim_printf(o, "%s", lines);
		}
	return 0;
}

const struct sim_node sim_kernel_apsim[] = {
	{ "scan", SIM_FILE, 0200, .store = store_scan },
	{ "add_adapter", SIM_FILE, 0200, .arg = APR_HV_ADD_ADAPTER, .store = store_lpar },
	{ "remove_adapter", SIM_FILE, 0200, .arg = APR_HV_REMOVE_ADAPTER, .store = store_lpar },
	{ "add_usage_domain", SIM_FILE, 0200, .arg = APR_HV_ADD_USAGE, .store = store_lpar },
	{ "remove_usage_domain", SIM_FILE, 0200, .arg = APR_HV_REMOVE_USAGE, .store = store_lpar },
	{ "add_control_domain", SIM_FILE, 0200, .arg = APR_HV_ADD_CONTROL, .store = store_lpar },
	{ "remove_control_domain", SIM_FILE, 0200, .arg = APR_HV_REMOVE_CONTROL,
	  .store = store_lpar },
	{ "se_config", SIM_FILE, 0200, .arg = APR_HV_SE_CONFIG, .store = store_lpar },
	{ "chkstop", SIM_FILE, 0200, .arg = APR_HV_CHKSTOP, .store = store_lpar },
	{ "guest_start", SIM_FILE, 0200, .store = store_guest_start },
	{ "guest_stop", SIM_FILE, 0200, .store = store_guest_stop },
	{ "guest_detach", SIM_FILE, 0200, .store = store_guest_detach },
	{ "guest_attach", SIM_FILE, 0200, .store = store_guest_attach },
	{ "guests", SIM_FILE, 0444, .show = show_guests },
	{ "unplugged", SIM_FILE, 0444, .show = show_unplugged },
	{ "host_name", SIM_FILE, 0644, .show = show_host_name, .store = store_host_name },
	{ "fault", SIM_FILE, 0644, .show = show_faults, .store = store_fault },
	{ "mkvp", SIM_FILE, 0644, .show = show_mkvp, .store = store_mkvp },
	{ "card_info", SIM_FILE, 0644, .show = show_card_info, .store = store_card_info },
	SIM_END,
};
