// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-matrix.c - an mdev's `matrix` attribute as the loader reads it
 * (apm_host_load, host.c), on a host of the static generation, which has
 * neither ap_config nor guest_matrix, so the matrix is all there is.
 *
 * No adapter or domain is read that the text does not write; text in the
 * kernel's own form (vfio_ap_ops.c: vfio_ap_mdev_matrix_show) is read
 * exactly, whole when it fits the sysfs page and flagged when it does not;
 * without a guest matrix the guest gets the assigned one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_host *h =
		fuzz_sysfs_load(FUZZ_BASE_STATIC, FUZZ_MDEV_DIR "/matrix", data, size, 0);
	struct apm_mdev *m = fuzz_sysfs_mdev(h);
	struct apm_mask apm, aqm, sapm, saqm;

	apm_mdev_get_mask(m, APM_KIND_ADAPTER, &apm);
	apm_mdev_get_mask(m, APM_KIND_DOMAIN, &aqm);
	apm_mdev_get_mask(m, APM_KIND_GUEST_ADAPTER, &sapm);
	apm_mdev_get_mask(m, APM_KIND_GUEST_DOMAIN, &saqm);
	fuzz_check_matrix_text("matrix", data, size, to_apr(&apm), to_apr(&aqm));
	fuzz_assert(!apm_mdev_has_guest_matrix(m) && !memcmp(&apm, &sapm, sizeof(apm)) &&
			    !memcmp(&aqm, &saqm, sizeof(aqm)),
		    "static vfio_ap: the guest does not get the assigned matrix");
	apm_host_unref(h);
	return 0;
}
