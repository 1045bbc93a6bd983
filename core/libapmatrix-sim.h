/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libapmatrix-sim.h - outside the stable interface: the simulated host's
 * hypervisor controls and raw access to attributes under a context's
 * root, for apmatrix's own CLI, console and tests.  Not installed; what is
 * here may change in any release (the symbols stay exported for binaries
 * built against ABI 1, which declared them in libapmatrix.h).
 */
#ifndef LIBAPMATRIX_SIM_H
#define LIBAPMATRIX_SIM_H

#include "libapmatrix.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Raw seam access, paths relative to the root ("bus/ap/apmask"), past
 * every planner and prediction.  read returns the number of bytes read
 * (NUL-terminated in buf) or -errno; write returns 0 or the kernel's
 * -errno (a short write is -EIO).  Since: 1
 */
int apm_ctx_read_attr(struct apm_ctx *ctx, const char *path, char *buf, size_t size);
int apm_ctx_write_attr(struct apm_ctx *ctx, const char *path, const char *buf, size_t len);

/* What happens on the simulated host's hardware side, as a change. */
enum apm_sim_op {
	APM_SIM_GUEST_START = 0,  /* arg: uuid, name */
	APM_SIM_GUEST_STOP,	  /* arg: uuid */
	APM_SIM_SE_CONFIG,	  /* id, on */
	APM_SIM_CHKSTOP,	  /* id, on */
	APM_SIM_LPAR_ADD_ADAPTER, /* id, name = card type (NULL: CEX8C) */
	APM_SIM_LPAR_REMOVE_ADAPTER,
	APM_SIM_LPAR_ADD_USAGE_DOMAIN,
	APM_SIM_LPAR_REMOVE_USAGE_DOMAIN,
	APM_SIM_LPAR_ADD_CONTROL_DOMAIN,
	APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN,
	APM_SIM_SCAN,
	/*
	 * QEMU's whole-device hot unplug / plug (virsh detach-device /
	 * attach-device --live): the guest runs on without / again with the
	 * mdev.  Since: 2
	 */
	APM_SIM_GUEST_DETACH, /* arg: uuid */
	APM_SIM_GUEST_ATTACH, /* arg: uuid, name */
};
struct apm_sim_arg {
	const char *uuid;
	const char *name;
	unsigned int id;
	bool on;
	bool strict; /* LPAR changes: require the LPAR's adapters configured off */
};
/* Simulated-host events; on a real host -EOPNOTSUPP.  Since: 1 */
int apm_change_new_sim(struct apm_host *host, enum apm_sim_op op, const struct apm_sim_arg *arg,
		       struct apm_change **change);

#ifdef __cplusplus
}
#endif

#endif
