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
	struct apm_mask apm, aqm, sapm, saqm;
	struct apr_mask ids, kapm, kaqm, all, bapm, baqm, badm;
	struct apm_mdev *m;

	fuzz_assert(h && apm_host_get_mdev_count(h) == 1, "the mdev is gone");
	fuzz_check_host(h, 0);
	m = apm_host_get_mdev(h, 0);
	apm_mdev_get_mask(m, APM_SET_ADAPTERS, &apm);
	apm_mdev_get_mask(m, APM_SET_DOMAINS, &aqm);
	apm_mdev_get_mask(m, APM_SET_GUEST_ADAPTERS, &sapm);
	apm_mdev_get_mask(m, APM_SET_GUEST_DOMAINS, &saqm);
	fuzz_assert(apm_mdev_has_guest_matrix(m), "no guest matrix on 6.0");
	fuzz_base_sets(&bapm, &baqm, &badm);
	fuzz_assert(apr_mask_equal(to_apr(&apm), &bapm) && apr_mask_equal(to_apr(&aqm), &baqm),
		    "the assigned matrix changed with the guest's");
	fuzz_hex_tokens((const char *)data, fuzz_page_lines((const char *)data, size), &ids);
	apr_mask_or(&all, to_apr(&sapm), to_apr(&saqm));
	apr_mask_andnot(&all, &all, &ids);
	fuzz_assert(apr_mask_empty(&all), "guest IDs %s read that the text does not write",
		    fuzz_mask_str(&all));
	if (size < APR_PAGE_SIZE - 1 && fuzz_kernel_matrix((const char *)data, size, &kapm, &kaqm))
		fuzz_assert(apr_mask_equal(&kapm, to_apr(&sapm)) &&
				    apr_mask_equal(&kaqm, to_apr(&saqm)),
			    "the kernel's guest_matrix text is misread");
	apm_host_unref(h);
	return 0;
}
