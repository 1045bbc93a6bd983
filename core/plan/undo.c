// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * undo.c - the planner of the two changes only an undo makes: an mdev's
 * whole matrix put back as it was (the inverse of an assignment, however
 * many IDs it took), and a removed mdev created again with the UUID and
 * the matrix it had.  Either is one ap_config write where the kernel has
 * it (6.10+, all or nothing), else one write per ID, in the order mdevctl
 * starts a definition: adapters, domains, control domains.  The other
 * inverses are ordinary changes (a mask written absolute, a remove, a
 * config or an online the other way), planned by their own planners.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "change.h"

struct restore_request {
	const char *uuid;
	const struct apr_mask *want; /* adapters, domains, control domains */
	bool recreate;
};

static void preview(struct apm_change *c, const struct apr_mask want[3], bool recreate)
{
	char r[3][512];

	for (int k = 0; k < 3; k++)
		apm_ids_text(&want[k], r[k], sizeof(r[k]));
	apm_buf_printf(&c->preview,
		       "%s mdev %s with adapters %s x domains %s = %u APQNs; control domains %s\n",
		       recreate ? "create" : "give back", c->uuid, r[0], r[1],
		       apr_mask_weight(&want[0]) * apr_mask_weight(&want[1]), r[2]);
}

/* Whether this kernel's mdevs take a whole matrix in one write (vfio_ap_ops.c: ap_config_store). */
static bool has_ap_config(const struct apm_host *h, int mdev)
{
	if (mdev >= 0 && (unsigned int)mdev < h->nmdevs)
		return h->mdevs[mdev].has_ap_config;
	return h->rules.profile >= APR_PROFILE_6_10;
}

static int plan(struct apm_change *c, const void *request)
{
	const struct restore_request *r = request;
	struct apm_mdev *md = apm_host_find_mdev(c->host, r->uuid);
	bool empty = true;

	memcpy(c->uuid, r->uuid, 36);
	c->uuid[36] = '\0';
	for (int k = 0; k < 3; k++)
		empty &= apr_mask_empty(&r->want[k]);
	if (r->recreate) {
		if (apm_plan_create_step(c))
			return -ENOMEM;
		/* The new mdev is the scratch host's last. */
		c->mdev = (int)apm_change_model(c)->nmdevs - 1;
	} else {
		c->mdev = apm_host_mdev_index(c->host, md);
	}
	preview(c, r->want, r->recreate);
	memcpy(&c->u.expect.apm, &r->want[0], sizeof(r->want[0]));
	memcpy(&c->u.expect.aqm, &r->want[1], sizeof(r->want[1]));
	memcpy(&c->u.expect.adm, &r->want[2], sizeof(r->want[2]));
	/* A created mdev that was empty needs nothing more; a refused create, no assignments. */
	if ((r->recreate && empty) || c->prediction)
		return 0;
	return apm_plan_set_matrix(c, r->want, has_ap_config(c->host, r->recreate ? -1 : c->mdev));
}

/* The matrix given back (a restore predicts no guest matrix: the guest's is its own). */
static void verify(struct apm_change *c)
{
	apm_verify_matrix(c);
}

/* The record of a restore is an assignment's; of a re-creation, a create's (journal.h). */
const struct apm_planner apm_plan_restore = {
	.op = APM_OP_ASSIGN,
	.journal = APM_J_MATRIX,
	.plan = plan,
	.verify = verify,
};

static const struct apm_planner plan_recreate = {
	.op = APM_OP_MDEV_CREATE,
	.journal = APM_J_CREATE,
	.plan = plan,
	.verify = verify,
};

int apm_change_new_restore(struct apm_host *host, const char *uuid, const struct apr_mask want[3],
			   bool recreate, struct apm_change **out)
{
	struct restore_request r = { .uuid = uuid, .want = want, .recreate = recreate };
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);

	if (!apm_uuid_valid(uuid))
		return -EINVAL;
	if (!recreate && (!md || strcmp(md->uuid, uuid)))
		return -ENODEV;
	return apm_change_plan(host, recreate ? &plan_recreate : &apm_plan_restore, &r, out);
}
