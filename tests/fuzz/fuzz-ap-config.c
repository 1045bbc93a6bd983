// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-ap-config.c - an mdev's `ap_config` attribute (6.10+) as the loader
 * reads it (apm_host_load, host.c), on a host of the 6.13 generation.
 *
 * Text the reader takes gives the three masks it writes (formatted again
 * as the kernel shows them, vfio_ap_ops.c: ap_config_show, it reads back
 * the same); text it refuses costs nothing: the masks come from `matrix`
 * and `control_domains` as if there were no ap_config, never half of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_host *h =
		fuzz_sysfs_load(FUZZ_BASE_6_13, FUZZ_MDEV_DIR "/ap_config", data, size, 0);
	char text[APR_AP_CONFIG_STRLEN + 8], *s = fuzz_cstr(data, size);
	struct apr_mask cfg[3], back[3];
	struct apm_mask got[3];
	struct apm_mdev *m = fuzz_sysfs_mdev(h);
	bool taken;

	apm_mdev_get_mask(m, APM_KIND_ADAPTER, &got[0]);
	apm_mdev_get_mask(m, APM_KIND_DOMAIN, &got[1]);
	apm_mdev_get_mask(m, APM_KIND_CONTROL_DOMAIN, &got[2]);
	/* What the reader makes of it, asked directly. */
	taken = size && !apr_ap_config_parse(s, (unsigned long)size, cfg);
	if (taken) {
		for (int i = 0; i < 3; i++)
			fuzz_assert(apr_mask_equal(&cfg[i], to_apr(&got[i])),
				    "ap_config taken, but mask %d differs", i);
		for (int i = 0, at = 0; i < 3; i++) {
			apr_mask_format(&cfg[i], text + at);
			at += APR_MASK_STRLEN;
			text[at++] = i < 2 ? ',' : '\n';
			text[at] = '\0';
		}
		fuzz_assert(!apr_ap_config_parse(text, strlen(text), back) &&
				    apr_mask_equal(&back[0], &cfg[0]) &&
				    apr_mask_equal(&back[1], &cfg[1]) &&
				    apr_mask_equal(&back[2], &cfg[2]),
			    "'%s' does not read back", text);
	} else {
		/* The base's matrix and control domains, as if there were no ap_config. */
		fuzz_base_sets(&cfg[0], &cfg[1], &cfg[2]);
		fuzz_assert(apr_mask_equal(to_apr(&got[0]), &cfg[0]) &&
				    apr_mask_equal(to_apr(&got[1]), &cfg[1]) &&
				    apr_mask_equal(to_apr(&got[2]), &cfg[2]),
			    "a refused ap_config changed the masks: adapters %s",
			    fuzz_mask_str(to_apr(&got[0])));
	}
	free(s);
	apm_host_unref(h);
	return 0;
}
