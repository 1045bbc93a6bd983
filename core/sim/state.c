// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * state.c - the buffers the simulated host's kernel model works in: the
 * per-APQN table, the per-queue request counters (only once a state file
 * sets one: nothing else makes them non-zero) and the mdev arrays, which
 * grow as mdevs are created (the model itself never allocates).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "sim.h"

struct sim_state *sim_state_new(void)
{
	struct sim_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->q = calloc(APR_BITS, sizeof(*st->q));
	if (!st->q) {
		sim_state_free(st);
		return NULL;
	}
	apr_model_rows(st->qrows, st->q);
	apr_model_init(&st->m, st->qrows, NULL, NULL, NULL, 0);
	return st;
}

int sim_state_counts(struct sim_state *st)
{
	if (st->req)
		return 0;
	st->req = calloc(APR_BITS, sizeof(*st->req));
	if (!st->req)
		return -ENOMEM;
	st->m.requests = st->req;
	return 0;
}

void sim_state_free(struct sim_state *st)
{
	if (!st)
		return;
	free(st->q);
	free(st->req);
	free(st->rm);
	free(st->info);
	free(st);
}

int sim_state_reserve(struct sim_state *st, unsigned int n)
{
	unsigned int cap = st->m.cap;
	struct apr_mdev *rm;
	struct apr_mdev_info *info;

	if (n <= cap)
		return 0;
	while (cap < n)
		cap = cap ? cap * 2 : 16;
	rm = realloc(st->rm, cap * sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	st->rm = rm;
	info = realloc(st->info, cap * sizeof(*info));
	if (!info)
		return -ENOMEM;
	st->info = info;
	apr_model_set_mdevs(&st->m, rm, info, cap);
	return 0;
}

struct sim_state *sim_state_dup(const struct apr_model *from, unsigned int room)
{
	struct sim_state *st = sim_state_new();

	if (!st)
		return NULL;
	if ((from->requests && sim_state_counts(st)) ||
	    sim_state_reserve(st, from->nmdevs + room) || apr_model_copy(&st->m, from)) {
		sim_state_free(st);
		return NULL;
	}
	return st;
}
