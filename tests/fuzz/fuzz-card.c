// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-card.c - a card's attributes as the loader reads them
 * (apm_host_load, host.c): hwtype, raw_hwtype, type, ap_functions,
 * config, chkstop, online.  The first input byte picks the attribute of
 * card05, the rest is its text.
 *
 * What the library hands out keeps its documented ranges whatever the
 * text: config, chkstop and online 1, 0 or -1 (unknown), hwtype and
 * raw_hwtype -1 or the number the text writes (a byte, ap_card.c), the mode one of the bus's (cca,
 * ep11, accel) or none, the type a terminated string; the kernel's own
 * form ("%d\n", zcrypt_card.c / ap_card.c) is read exactly.
 */
#include "config.h"

/*
 * What is fuzzed here is ABI 1's by-value answers (struct apm_adapter_info,
 * apm_queue_info, apm_queue_detail: their fields in range and terminated),
 * which are written on top of the adapter and queue handles: both layers.
 */
#ifndef APM_DISABLE_DEPRECATION_WARNINGS
#define APM_DISABLE_DEPRECATION_WARNINGS
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

static const char *const attrs[] = { "hwtype", "raw_hwtype", "type",  "ap_functions",
				     "config", "chkstop",    "online" };

/* "%d\n" exactly (no sign but '-', no leading zero): the value, else false. */
static bool kernel_int(const char *s, size_t n, long *v)
{
	size_t i = s[0] == '-';
	char *end;

	if (n < i + 2 || n > 12 || s[n - 1] != '\n' || (s[i] == '0' && (i || n != 2)))
		return false;
	for (; i + 1 < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	*v = strtol(s, &end, 10);
	return end == s + n - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_adapter_info ai;
	char path[64], *text;
	unsigned int which;
	struct apm_host *h;
	long v;

	if (!size)
		return 0;
	which = data[0] % (sizeof(attrs) / sizeof(attrs[0]));
	snprintf(path, sizeof(path), "devices/ap/card05/%s", attrs[which]);
	h = fuzz_sysfs_load(FUZZ_BASE_6_13, path, data + 1, size - 1, 0);
	fuzz_assert(h, "no host");
	fuzz_check_host(h, FUZZ_CHECK_ADAPTERS);
	fuzz_assert(!apm_host_get_adapter(h, 5, &ai), "card05 is gone");
	text = fuzz_cstr(data + 1, size - 1);
	if (kernel_int(text, strlen(text), &v)) {
		switch (which) {
		case 0:
			fuzz_assert(ai.hwtype == v || v < 0 || v > 255, "hwtype %ld read as %d", v,
				    ai.hwtype);
			break;
		case 1:
			fuzz_assert(ai.raw_hwtype == v || v < 0 || v > 255,
				    "raw_hwtype %ld read as %d", v, ai.raw_hwtype);
			break;
		case 4:
			fuzz_assert(v > 1 || v < 0 || ai.config == v, "config %ld read as %d", v,
				    ai.config);
			break;
		case 5:
			fuzz_assert(v > 1 || v < 0 || ai.chkstop == v, "chkstop %ld read as %d", v,
				    ai.chkstop);
			break;
		case 6:
			fuzz_assert(v > 1 || v < 0 || ai.online == v, "online %ld read as %d", v,
				    ai.online);
			break;
		}
	}
	fuzz_assert(ai.hwtype >= -1 && ai.raw_hwtype >= -1, "hwtype %d, raw_hwtype %d", ai.hwtype,
		    ai.raw_hwtype);
	free(text);
	apm_host_unref(h);
	return 0;
}
