/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seam-count.h - the benchmarks' count of seam calls: a context's backend
 * wrapped so that every read, listing, link and /proc scan is counted
 * (what becomes syscalls on a real host).
 */
#ifndef APMATRIX_BENCH_SEAM_COUNT_H
#define APMATRIX_BENCH_SEAM_COUNT_H

#include "apm-private.h"

struct seam_count {
	unsigned long reads, lists, links, scans;
};

/* Count ctx's seam calls into *c from now on (one context at a time). */
void seam_count_start(struct apm_ctx *ctx, struct seam_count *c);
/* ctx's own backend again. */
void seam_count_stop(struct apm_ctx *ctx);
static inline unsigned long seam_count_total(const struct seam_count *c)
{
	return c->reads + c->lists + c->links + c->scans;
}

#endif
