// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-queue.c - a queue's attributes as the library reads them: status,
 * config, chkstop, online, se_bind and se_associate (apm_host_get_queue_
 * detail) and the 6.19 driver_override (apm_host_load), on a host of the
 * 6.19 generation loaded with every queue's attributes.  The first input
 * byte picks the attribute of queue 05.0047 (or 05.0001, the host's), the
 * rest is its text.
 *
 * config, chkstop and online stay 1, 0 or -1 (unknown) whatever the text,
 * the kernel's own form ("%d\n", ap_queue.c) is read exactly, the strings
 * are terminated, and an override naming any driver leaves the snapshot
 * consistent (fuzz_check_host).
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

static const char *const attrs[] = { "status",	"config",	"chkstop",	  "online",
				     "se_bind", "se_associate", "driver_override" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_queue_detail d;
	unsigned int which, q;
	struct apm_host *h;
	char path[80];

	if (!size)
		return 0;
	which = data[0] % (sizeof(attrs) / sizeof(attrs[0]));
	q = data[0] & 0x80 ? 0x01 : 0x47;
	snprintf(path, sizeof(path), "devices/ap/card05/05.%04x/%s", q, attrs[which]);
	h = fuzz_sysfs_load(FUZZ_BASE_6_19, path, data + 1, size - 1, APM_LOAD_DETAIL);
	fuzz_assert(h, "no host");
	fuzz_check_host(h, FUZZ_CHECK_ADAPTERS | FUZZ_CHECK_QUEUES);
	fuzz_assert(!apm_host_get_queue_detail(h, 5, q, &d), "queue 05.%04x is gone", q);
	if (size == 3 && data[2] == '\n' && (data[1] == '0' || data[1] == '1')) {
		int v = data[1] - '0';

		fuzz_assert(which != 1 || d.config == v, "config %d read as %d", v, d.config);
		fuzz_assert(which != 2 || d.chkstop == v, "chkstop %d read as %d", v, d.chkstop);
		fuzz_assert(which != 3 || d.online == v, "online %d read as %d", v, d.online);
	}
	apm_host_unref(h);
	return 0;
}
