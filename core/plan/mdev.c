// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdev.c - the planners of mdev create and remove: one write each, to the
 * type's `create` and to the mdev's `remove`.  A remove that the kernel
 * would let wait for a guest (the 6.0-6.4 generation) is held back: never
 * start a write that would hang.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "change.h"

#define CREATE "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"

int apm_plan_create_step(struct apm_change *c)
{
	struct step *s = apm_change_step(c, CREATE, c->uuid, "create mdev %s", c->uuid);
	int rc;

	if (!s)
		return -ENOMEM;
	rc = apm_change_try(c, s);
	if (rc < 0)
		apm_explain_mdev_create(c, rc);
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

static int plan_create(struct apm_change *c, const void *request)
{
	const char *uuid = request;

	if (uuid) {
		for (int i = 0; i < 36; i++)
			c->uuid[i] =
				(char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	} else {
		apm_uuid_generate(c->uuid);
	}
	return apm_plan_create_step(c);
}

static void verify_create(struct apm_change *c)
{
	if (!apm_host_find_mdev(c->result, c->uuid))
		apm_buf_printf(&c->notes, "verification: mdev %s does not appear\n", c->uuid);
}

const struct apm_planner apm_plan_mdev_create = {
	.op = APM_OP_MDEV_CREATE,
	.journal = APM_J_CREATE,
	.plan = plan_create,
	.verify = verify_create,
};

APM_EXPORT int apm_change_new_mdev_create(struct apm_host *host, const char *uuid,
					  struct apm_change **out)
{
	if (uuid && !apm_uuid_valid(uuid))
		return -EINVAL;
	return apm_change_plan(host, &apm_plan_mdev_create, uuid, out);
}

static int plan_remove(struct apm_change *c, const void *request)
{
	const struct apm_mdev *md = request;
	struct step *s;
	char path[128];
	int rc;

	memcpy(c->uuid, md->uuid, sizeof(c->uuid));
	c->mdev = apm_host_mdev_index(c->host, md);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/remove", md->uuid);
	s = apm_change_step(c, path, "1", "remove mdev %s", md->uuid);
	if (!s)
		return -ENOMEM;
	rc = apm_change_try(c, s);
	apm_explain_mdev_remove(c, md, rc);
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	/* The kernel's write would wait until the guest lets go: do not start it. */
	s->hold = rc == -EDEADLK;
	return 0;
}

static void verify_remove(struct apm_change *c)
{
	const struct apm_mdev *was = &c->host->mdevs[c->mdev];

	if (apm_host_find_mdev(c->result, c->uuid))
		apm_buf_printf(&c->notes, "verification: mdev %s is still there\n", c->uuid);
	else if (was->in_use == 1)
		apm_buf_printf(&c->notes,
			       "%s lost its AP resources: mdev %s was removed while in use\n",
			       was->guest[0] ? was->guest : "the guest", c->uuid);
}

const struct apm_planner apm_plan_mdev_remove = {
	.op = APM_OP_MDEV_REMOVE,
	.journal = APM_J_REMOVE,
	.plan = plan_remove,
	.verify = verify_remove,
};

APM_EXPORT int apm_change_new_mdev_remove(struct apm_host *host, const char *uuid,
					  struct apm_change **out)
{
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);

	if (!md)
		return -ENODEV;
	return apm_change_plan(host, &apm_plan_mdev_remove, md, out);
}
