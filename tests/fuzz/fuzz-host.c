// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-host.c - a whole host loaded from a mutated sysfs tree: the real
 * apm_host_load() through the seam, on the in-memory tree of fuzz-tree.c.
 * The input is a serialised tree (fuzz-tree.h); the seeds are the fixture
 * trees and the scenarios' trees (make-corpus.sh).
 *
 * Whatever the tree holds, the load either fails with -ENOENT (no AP bus)
 * or gives a snapshot whose answers agree with each other
 * (fuzz_check_host): IDs within 0..255, every mdev found again by its
 * UUID, the APQNs `show` lists in order, each cell's class consistent with
 * its owner, its mdev and its filter, every adapter and queue answerable.
 * An odd-sized input is loaded, and checked, with every queue's
 * attributes (fuzz-queue reads them on demand).
 */
#include "config.h"

#include "fuzz-sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool detail = size & 1;
	struct apm_host *h =
		fuzz_sysfs_load(FUZZ_BASE_6_13, NULL, data, size, detail ? APM_LOAD_DETAIL : 0);

	if (!h)
		return 0;
	fuzz_check_host(h, FUZZ_CHECK_ADAPTERS | (detail ? FUZZ_CHECK_QUEUES : 0));
	apm_host_unref(h);
	return 0;
}
