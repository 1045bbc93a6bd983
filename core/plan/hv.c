// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hv.c - the planner of the simulated host's hypervisor controls
 * (kernel/apsim/, on the simulated host and with the apsim module): the
 * simulated QEMU's guests, the SE side's configure and checkstop, LPAR
 * changes and scans.  --strict is policy, not the kernel's: a real HMC
 * wants the LPAR's adapters configured off before its crypto controls
 * change, and --strict refuses what it would refuse.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "change.h"

struct hv_request {
	enum apm_sim_op op;
	const struct apm_sim_arg *arg;
};

static const char *const attrs[] = {
	[APM_SIM_GUEST_START] = "guest_start",
	[APM_SIM_GUEST_STOP] = "guest_stop",
	[APM_SIM_SE_CONFIG] = "se_config",
	[APM_SIM_CHKSTOP] = "chkstop",
	[APM_SIM_LPAR_ADD_ADAPTER] = "add_adapter",
	[APM_SIM_LPAR_REMOVE_ADAPTER] = "remove_adapter",
	[APM_SIM_LPAR_ADD_USAGE_DOMAIN] = "add_usage_domain",
	[APM_SIM_LPAR_REMOVE_USAGE_DOMAIN] = "remove_usage_domain",
	[APM_SIM_LPAR_ADD_CONTROL_DOMAIN] = "add_control_domain",
	[APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN] = "remove_control_domain",
	[APM_SIM_SCAN] = "scan",
	[APM_SIM_GUEST_DETACH] = "guest_detach",
	[APM_SIM_GUEST_ATTACH] = "guest_attach",
};

/* What the control file is written. */
static void value_of(struct apm_change *c, const struct hv_request *r, char *value, size_t size)
{
	const struct apm_sim_arg *arg = r->arg;
	struct apm_mdev *md;

	switch (r->op) {
	case APM_SIM_GUEST_START:
	case APM_SIM_GUEST_STOP:
	case APM_SIM_GUEST_DETACH:
	case APM_SIM_GUEST_ATTACH:
		md = apm_host_find_mdev(c->host, arg->uuid);
		snprintf(value, size, "%s %s", md ? md->uuid : arg->uuid,
			 r->op == APM_SIM_GUEST_START || r->op == APM_SIM_GUEST_ATTACH ? arg->name
										       : "");
		if (md)
			memcpy(c->uuid, md->uuid, sizeof(c->uuid));
		c->mdev = apm_host_mdev_index(c->host, md);
		break;
	case APM_SIM_SE_CONFIG:
	case APM_SIM_CHKSTOP:
		snprintf(value, size, "%u %d", arg->id, arg->on);
		break;
	case APM_SIM_LPAR_ADD_ADAPTER:
		snprintf(value, size, "%u %s", arg->id, arg->name ? arg->name : "CEX8C");
		break;
	case APM_SIM_SCAN:
		snprintf(value, size, "1");
		break;
	default:
		snprintf(value, size, "%u", arg->id);
		break;
	}
}

/*
 * Who a checkstop or an LPAR removal touches: the host's queues, each
 * mdev's APQNs (or control domain) there, and what the guests lose as the
 * scratch host's scan takes them away.
 */
static void impact(struct apm_change *c, const struct hv_request *r)
{
	struct apr_mask ids, all;
	unsigned int id = r->arg->id;

	if (id >= APR_BITS)
		return;
	apr_mask_zero(&ids);
	apr_mask_set(&ids, id);
	apr_mask_fill(&all);
	switch (r->op) {
	case APM_SIM_CHKSTOP:
		if (r->arg->on)
			apm_explain_impact(c, &ids, &all, "are checkstopped with it");
		break;
	case APM_SIM_LPAR_REMOVE_ADAPTER:
		apm_explain_impact(c, &ids, &all, "leave the LPAR with it");
		break;
	case APM_SIM_LPAR_REMOVE_USAGE_DOMAIN:
		apm_explain_impact(c, &all, &ids, "leave the LPAR with it");
		break;
	case APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN:
		for (unsigned int i = 0; i < c->host->nmdevs; i++) {
			char who[APM_MDEV_NAME_SIZE];

			if (!apr_mask_test(&c->host->rmdevs[i].adm, id))
				continue;
			apm_mdev_whole(c->host, (int)i, who, sizeof(who));
			apm_buf_printf(&c->preview,
				       "  %s: its control domain 0x%02x leaves the LPAR%s\n", who,
				       id,
				       apr_mask_test(&c->host->rmdevs[i].sadm, id)
					       ? ", and its guest loses it"
					       : "");
		}
		break;
	default:
		break;
	}
	apm_explain_guests(c);
}

static int plan(struct apm_change *c, const void *request)
{
	const struct hv_request *r = request;
	char path[64], value[128];
	unsigned int online = 0;
	struct step *s;
	int rc;

	snprintf(path, sizeof(path), "kernel/apsim/%s", attrs[r->op]);
	value_of(c, r, value, sizeof(value));
	s = apm_change_step(c, path, value, "sim %s %.100s", attrs[r->op], value);
	if (!s)
		return -ENOMEM;
	rc = apm_change_try(c, s);
	if (rc < 0)
		apm_explain_hv(c, (int)r->op, r->arg, rc);
	else
		impact(c, r);
	if (r->op >= APM_SIM_LPAR_ADD_ADAPTER && r->op <= APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN) {
		for (unsigned int a = 0; a < APR_BITS; a++)
			if (c->host->cards[a].has_card && c->host->cards[a].config == 1)
				online++;
		if (online) {
			apm_buf_printf(
				&c->notes,
				"warning: a real HMC wants the LPAR's adapters configured off before its crypto controls change (%u configured on)\n",
				online);
			if (r->arg->strict && rc >= 0) {
				apm_buf_printf(
					&c->explanation,
					"--strict: configure the LPAR's %u online adapters off first (apmatrix config ID off)\n",
					online);
				rc = -EBUSY;
				s->hold = true;
			}
		}
	}
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

const struct apm_planner apm_plan_hv = { .op = APM_OP_SIM, .plan = plan };

APM_EXPORT int apm_change_new_sim(struct apm_host *host, enum apm_sim_op op,
				  const struct apm_sim_arg *arg, struct apm_change **out)
{
	struct hv_request r = { .op = op, .arg = arg };
	char path[64];

	if ((unsigned int)op >= ARRAY_SIZE(attrs))
		return -EINVAL;
	/* Real hosts have no hypervisor controls; the apsim module provides some. */
	snprintf(path, sizeof(path), "kernel/apsim/%s", attrs[op]);
	if (!apm_can_write(host->ctx, path))
		return -EOPNOTSUPP;
	return apm_change_plan(host, &apm_plan_hv, &r, out);
}
