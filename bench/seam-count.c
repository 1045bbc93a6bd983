// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seam-count.c - the benchmarks' count of seam calls (see seam-count.h).
 */
#include "config.h"

#include "seam-count.h"

static struct apm_backend_ops counted;
static const struct apm_backend_ops *real;
static struct seam_count *count;

static int c_read(void *be, const char *p, char *b, size_t s)
{
	count->reads++;
	return real->read(be, p, b, s);
}

static int c_list(void *be, const char *p, apm_list_fn fn, void *d)
{
	count->lists++;
	return real->list(be, p, fn, d);
}

static int c_link(void *be, const char *p, char *b, size_t s)
{
	count->links++;
	return real->readlink(be, p, b, s);
}

static int c_holders(void *be, struct apm_holder *hs, unsigned int n)
{
	count->scans++;
	return real->vfio_holders(be, hs, n);
}

void seam_count_start(struct apm_ctx *ctx, struct seam_count *c)
{
	count = c;
	real = ctx->ops;
	counted = *real;
	counted.read = c_read;
	counted.list = c_list;
	counted.readlink = c_link;
	counted.vfio_holders = c_holders;
	ctx->ops = &counted;
}

void seam_count_stop(struct apm_ctx *ctx)
{
	ctx->ops = real;
}
