// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-guest-matrix.c - an mdev's `guest_matrix` attribute (6.0+) as the
 * loader reads it (apm_host_load, host.c), on a host of the 6.0
 * generation.
 *
 * No adapter or domain of the guest is read that the text does not write;
 * the kernel's own form (vfio_ap_ops.c: guest_matrix_show, the matrix
 * format) is read exactly when it fits the sysfs page; the assigned
 * matrix (from `matrix`) stays what it was.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_host *h =
		fuzz_sysfs_load(FUZZ_BASE_6_0, FUZZ_MDEV_DIR "/guest_matrix", data, size, 0);
	struct apm_mdev *m = fuzz_sysfs_mdev(h);
	struct apr_mask bapm, baqm, badm;
	struct apm_mask apm, aqm, sapm, saqm;

	apm_mdev_get_mask(m, APM_KIND_ADAPTER, &apm);
	apm_mdev_get_mask(m, APM_KIND_DOMAIN, &aqm);
	apm_mdev_get_mask(m, APM_KIND_GUEST_ADAPTER, &sapm);
	apm_mdev_get_mask(m, APM_KIND_GUEST_DOMAIN, &saqm);
	fuzz_assert(apm_mdev_has_guest_matrix(m), "no guest matrix on 6.0");
	fuzz_base_sets(&bapm, &baqm, &badm);
	fuzz_assert(apr_mask_equal(to_apr(&apm), &bapm) && apr_mask_equal(to_apr(&aqm), &baqm),
		    "the assigned matrix changed with the guest's");
	fuzz_check_matrix_text("guest_matrix", data, size, to_apr(&sapm), to_apr(&saqm));
	apm_host_unref(h);
	return 0;
}
