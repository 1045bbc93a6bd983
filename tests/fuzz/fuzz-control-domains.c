// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-control-domains.c - an mdev's `control_domains` attribute as the
 * loader reads it (apm_host_load, host.c), on a host of the static
 * generation (no ap_config, which would give them too).
 *
 * No control domain is read that the text does not write as a whole
 * number (a value past 0xff is no domain, whatever its low bits); the
 * kernel's own form (vfio_ap_ops.c: control_domains_show, "%04lx\n" a
 * domain) is read exactly.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

/* Lines of exactly four lower-case hex digits: the domains they name. */
static bool kernel_form(const char *s, size_t n, struct apr_mask *m)
{
	apr_mask_zero(m);
	for (size_t i = 0; i < n; i += 5) {
		unsigned int v = 0;

		if (n - i < 5 || s[i + 4] != '\n')
			return false;
		for (size_t j = 0; j < 4; j++) {
			char c = s[i + j];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return false;
			v = v * 16 + (unsigned int)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		if (v > 255)
			return false;
		apr_mask_set(m, v);
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_host *h =
		fuzz_sysfs_load(FUZZ_BASE_STATIC, FUZZ_MDEV_DIR "/control_domains", data, size, 0);
	struct apr_mask ids, kernel, extra;
	struct apm_mask adm;

	apm_mdev_get_mask(fuzz_sysfs_mdev(h), APM_KIND_CONTROL_DOMAIN, &adm);
	fuzz_hex_tokens((const char *)data, fuzz_page_lines((const char *)data, size), &ids);
	apr_mask_andnot(&extra, to_apr(&adm), &ids);
	fuzz_assert(apr_mask_empty(&extra), "control domains %s read that the text does not write",
		    fuzz_mask_str(&extra));
	if (size < APR_PAGE_SIZE - 1 && kernel_form((const char *)data, size, &kernel))
		fuzz_assert(apr_mask_equal(&kernel, to_apr(&adm)),
			    "the kernel's control_domains text is misread: %s",
			    fuzz_mask_str(to_apr(&adm)));
	apm_host_unref(h);
	return 0;
}
