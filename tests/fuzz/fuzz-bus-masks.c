// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bus-masks.c - the AP bus's masks as the loader reads them
 * (apm_host_load, host.c): apmask, aqmask and the LPAR's (QCI) adapter,
 * usage and control domain masks.  The first input byte picks the file,
 * the rest is its text.
 *
 * The kernel's form (ap_bus.c: "0x" and 64 hex digits, a newline) is read
 * exactly; an LPAR mask reading "not supported" is -EOPNOTSUPP; text that
 * is no mask is a warning (apmask, aqmask) or an error (the LPAR masks),
 * never a mask read from half of it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fuzz-sysfs.h"

static const char *const files[] = {
	"bus/ap/apmask",
	"bus/ap/aqmask",
	"bus/ap/ap_adapter_mask",
	"bus/ap/ap_usage_domain_mask",
	"bus/ap/ap_control_domain_mask",
};

/* "0x" + 64 hex digits + '\n', as the bus writes a mask: the mask, else false. */
static bool kernel_form(const char *s, size_t n, struct apr_mask *m)
{
	if (n != APR_MASK_STRLEN + 1 || s[0] != '0' || s[1] != 'x' || s[n - 1] != '\n')
		return false;
	apr_mask_zero(m);
	for (size_t i = 2; i < APR_MASK_STRLEN; i++) {
		int v = apr_hexval(s[i]);

		if (v < 0)
			return false;
		for (int b = 0; b < 4; b++)
			if (v & (8 >> b))
				apr_mask_set(m, (unsigned int)((i - 2) * 4 + (size_t)b));
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int which;
	struct apm_host *h;
	struct apr_mask want;
	struct apm_mask got;
	const char *text;
	size_t len;
	int rc = 0;

	if (!size)
		return 0;
	which = data[0] % (sizeof(files) / sizeof(files[0]));
	text = (const char *)data + 1;
	len = size - 1;
	h = fuzz_sysfs_load(FUZZ_BASE_6_13, files[which], data + 1, len, 0);
	fuzz_assert(h, "no host");
	fuzz_check_host(h, FUZZ_CHECK_ADAPTERS);
	if (which == 0)
		apm_host_get_apmask(h, &got);
	else if (which == 1)
		apm_host_get_aqmask(h, &got);
	else
		rc = apm_host_get_lpar_mask(h, (enum apm_kind)(which - 2), &got);
	if (kernel_form(text, len, &want)) {
		fuzz_assert(!rc && apr_mask_equal(&want, to_apr(&got)),
			    "%s: the kernel's mask misread", files[which]);
		fuzz_assert(!strstr(apm_host_get_warnings(h), files[which]),
			    "%s: a warning for the kernel's form", files[which]);
	}
	if (which >= 2 && len >= 13 && !memcmp(text, "not supported", 13))
		fuzz_assert(rc == -EOPNOTSUPP, "%s: 'not supported' gives %d", files[which], rc);
	fuzz_assert(rc == 0 || rc == -EOPNOTSUPP || rc == -EINVAL, "%s: %d", files[which], rc);
	apm_host_unref(h);
	return 0;
}
