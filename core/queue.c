// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * queue.c - adapters and queues as objects: the handles on one adapter or
 * one APQN of a snapshot, their lookups, iterations and accessors, and ABI
 * 1's by-value answers written on top of them.  What a queue is (its cell,
 * its filter reason) is host.c's classification; reading its attributes
 * through the seam is host.c's too.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

/* ------------------------------------------------------------- adapters */

static bool adapter_in_lpar(const struct apm_host *h, unsigned int id)
{
	return apr_mask_test(&h->rules.qci_apm, id) || h->cards[id].has_card;
}

int apm_adapter_init(struct apm_adapter *ad, const struct apm_host *h, unsigned int id)
{
	if (id >= APR_BITS)
		return -EINVAL;
	if (!adapter_in_lpar(h, id))
		return -ENOENT;
	ad->refcount = 0;
	ad->host = (struct apm_host *)h;
	ad->id = id;
	return 0;
}

static int adapter_new(struct apm_host *h, unsigned int id, struct apm_adapter **out)
{
	struct apm_adapter *ad = malloc(sizeof(*ad));

	if (!ad)
		return -ENOMEM;
	apm_adapter_init(ad, h, id);
	ad->refcount = 1;
	ad->host = apm_host_ref(h);
	*out = ad;
	return 0;
}

APM_EXPORT int apm_host_lookup_adapter(struct apm_host *h, unsigned int id,
				       struct apm_adapter **adapter)
{
	if (!h || !adapter || id >= APR_BITS)
		return -EINVAL;
	if (!adapter_in_lpar(h, id))
		return -ENOENT;
	return adapter_new(h, id, adapter);
}

APM_EXPORT bool apm_host_has_adapter(const struct apm_host *h, unsigned int id)
{
	return id < APR_BITS && adapter_in_lpar(h, id);
}

APM_EXPORT int apm_host_next_adapter(struct apm_host *h, struct apm_adapter **adapter)
{
	struct apm_adapter *ad;
	unsigned int id;

	if (!h || !adapter || (*adapter && (*adapter)->host != h))
		return -EINVAL;
	ad = *adapter;
	id = ad ? ad->id + 1 : 0;
	while (id < APR_BITS && !adapter_in_lpar(h, id))
		id++;
	if (id >= APR_BITS) {
		*adapter = apm_adapter_unref(ad);
		return 1;
	}
	/* Nobody else holds the last one: it becomes the next. */
	if (ad && ad->refcount == 1) {
		ad->id = id;
		return 0;
	}
	apm_adapter_unref(ad);
	*adapter = NULL;
	return adapter_new(h, id, adapter);
}

APM_EXPORT struct apm_adapter *apm_adapter_ref(struct apm_adapter *ad)
{
	if (ad)
		ad->refcount++;
	return ad;
}

APM_EXPORT struct apm_adapter *apm_adapter_unref(struct apm_adapter *ad)
{
	if (!ad || --ad->refcount > 0)
		return ad;
	apm_host_unref(ad->host);
	free(ad);
	return NULL;
}

static const struct apm_card *card(const struct apm_adapter *ad)
{
	return &ad->host->cards[ad->id];
}

APM_EXPORT struct apm_host *apm_adapter_get_host(const struct apm_adapter *ad)
{
	return ad->host;
}

APM_EXPORT unsigned int apm_adapter_get_id(const struct apm_adapter *ad)
{
	return ad->id;
}

APM_EXPORT bool apm_adapter_has_card(const struct apm_adapter *ad)
{
	return card(ad)->has_card;
}

APM_EXPORT int apm_adapter_get_hwtype(const struct apm_adapter *ad)
{
	return card(ad)->has_card ? card(ad)->hwtype : -1;
}

APM_EXPORT int apm_adapter_get_raw_hwtype(const struct apm_adapter *ad)
{
	return card(ad)->has_card ? card(ad)->raw_hwtype : -1;
}

APM_EXPORT const char *apm_adapter_get_type(const struct apm_adapter *ad)
{
	return card(ad)->type;
}

APM_EXPORT const char *apm_adapter_get_mode(const struct apm_adapter *ad)
{
	return card(ad)->mode;
}

/* A 0/1 attribute read as 1, 0 or -1 (unknown): a bool, and -ENOENT in *err for unknown. */
static bool tristate(int v, int *err)
{
	if (err)
		*err = v < 0 ? -ENOENT : 0;
	return v == 1;
}

APM_EXPORT bool apm_adapter_is_configured(const struct apm_adapter *ad, int *err)
{
	return tristate(card(ad)->has_card ? card(ad)->config : -1, err);
}

APM_EXPORT bool apm_adapter_is_checkstopped(const struct apm_adapter *ad, int *err)
{
	return tristate(card(ad)->has_card ? card(ad)->chkstop : -1, err);
}

APM_EXPORT bool apm_adapter_is_online(const struct apm_adapter *ad, int *err)
{
	return tristate(card(ad)->has_card ? card(ad)->online : -1, err);
}

APM_EXPORT uint32_t apm_adapter_get_functions(const struct apm_adapter *ad)
{
	return card(ad)->functions;
}

APM_EXPORT const char *apm_adapter_get_driver(const struct apm_adapter *ad)
{
	return card(ad)->driver[0] ? card(ad)->driver : NULL;
}

/* ABI 1: the same facts by value. */
APM_EXPORT int apm_host_get_adapter(const struct apm_host *h, unsigned int id,
				    struct apm_adapter_info *info)
{
	struct apm_adapter ad;
	int rc, err;

	memset(info, 0, sizeof(*info));
	info->id = id;
	rc = apm_adapter_init(&ad, h, id);
	if (rc)
		return rc;
	info->in_lpar = true;
	info->has_card = apm_adapter_has_card(&ad);
	info->hwtype = apm_adapter_get_hwtype(&ad);
	info->raw_hwtype = apm_adapter_get_raw_hwtype(&ad);
	snprintf(info->type, sizeof(info->type), "%s", apm_adapter_get_type(&ad));
	info->mode = apm_adapter_get_mode(&ad);
	info->config = apm_adapter_is_configured(&ad, &err);
	if (err)
		info->config = -1;
	info->chkstop = apm_adapter_is_checkstopped(&ad, &err);
	if (err)
		info->chkstop = -1;
	info->online = apm_adapter_is_online(&ad, &err);
	if (err)
		info->online = -1;
	info->functions = apm_adapter_get_functions(&ad);
	snprintf(info->driver, sizeof(info->driver), "%s",
		 apm_adapter_get_driver(&ad) ? apm_adapter_get_driver(&ad) : "");
	return 0;
}

/* --------------------------------------------------------------- queues */

int apm_queue_init(struct apm_queue *qu, const struct apm_host *h, unsigned int a, unsigned int q)
{
	if (a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	qu->refcount = 0;
	qu->host = (struct apm_host *)h;
	qu->detail_rc = 1;
	qu->no_status = false;
	qu->iter = false;
	apm_host_classify_queue(h, a, q, qu);
	return 0;
}

static int queue_new(struct apm_host *h, unsigned int a, unsigned int q, struct apm_queue **out)
{
	struct apm_queue *qu = malloc(sizeof(*qu));

	if (!qu)
		return -ENOMEM;
	apm_queue_init(qu, h, a, q);
	qu->refcount = 1;
	qu->host = apm_host_ref(h);
	*out = qu;
	return 0;
}

APM_EXPORT int apm_host_lookup_queue(struct apm_host *h, unsigned int a, unsigned int q,
				     struct apm_queue **queue)
{
	if (!h || !queue || a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	return queue_new(h, a, q, queue);
}

/* Whether `show` lists (a, q): a queue device, or an APQN of some mdev. */
static bool listed(const struct apm_host *h, const struct apm_queue *it, unsigned int a,
		   unsigned int q)
{
	return (h->queue[a][q] & APM_Q_EXISTS) ||
	       (apr_mask_test(&it->rows, a) && apr_mask_test(&it->cols, q) &&
		apr_mdev_holding(h->rmdevs, (int)h->nmdevs, a, q) >= 0);
}

/*
 * Moves (*a, *q) on to the next APQN at or after it that `show` lists;
 * false past the last.  it carries the iteration's rows and columns (set
 * on its first call), so a walk tests the mdevs' masks once, not per APQN.
 */
static bool next_listed(const struct apm_host *h, struct apm_queue *it, unsigned int *a,
			unsigned int *q)
{
	if (!it->iter) {
		/* Adapters and domains worth a look: those with queues or in some mdev. */
		apr_mask_zero(&it->rows);
		apr_mask_zero(&it->cols);
		for (unsigned int i = 0; i < h->nmdevs; i++) {
			apr_mask_or(&it->rows, &it->rows, &h->mdevs[i].m.apm);
			apr_mask_or(&it->cols, &it->cols, &h->mdevs[i].m.aqm);
		}
		it->iter = true;
	}
	for (; *a < APR_BITS; (*a)++, *q = 0) {
		if (!h->cards[*a].has_card && !apr_mask_test(&it->rows, *a))
			continue;
		for (; *q < APR_BITS && !listed(h, it, *a, *q); (*q)++)
			;
		if (*q < APR_BITS)
			return true;
	}
	return false;
}

APM_EXPORT int apm_host_next_queue(struct apm_host *h, struct apm_queue **queue)
{
	struct apm_queue *it;
	unsigned int a, q;

	if (!h || !queue || (*queue && (*queue)->host != h))
		return -EINVAL;
	it = *queue;
	if (!it) {
		int rc = queue_new(h, 0, 0, &it);

		if (rc)
			return rc;
		a = 0;
		q = 0;
	} else {
		a = it->adapter;
		q = it->domain + 1;
	}
	if (!next_listed(h, it, &a, &q)) {
		*queue = apm_queue_unref(it);
		return 1;
	}
	/* Nobody else holds the last one: it becomes the next. */
	if (it->refcount > 1) {
		struct apm_queue *next = NULL;
		int rc = queue_new(h, a, q, &next);

		if (!rc) {
			next->rows = it->rows;
			next->cols = it->cols;
			next->iter = true;
		}
		apm_queue_unref(it);
		*queue = next;
		return rc;
	}
	it->detail_rc = 1;
	it->no_status = false;
	apm_host_classify_queue(h, a, q, it);
	*queue = it;
	return 0;
}

APM_EXPORT struct apm_queue *apm_queue_ref(struct apm_queue *qu)
{
	if (qu)
		qu->refcount++;
	return qu;
}

APM_EXPORT struct apm_queue *apm_queue_unref(struct apm_queue *qu)
{
	if (!qu || --qu->refcount > 0)
		return qu;
	apm_host_unref(qu->host);
	free(qu);
	return NULL;
}

APM_EXPORT struct apm_host *apm_queue_get_host(const struct apm_queue *qu)
{
	return qu->host;
}

APM_EXPORT unsigned int apm_queue_get_adapter(const struct apm_queue *qu)
{
	return qu->adapter;
}

APM_EXPORT unsigned int apm_queue_get_domain(const struct apm_queue *qu)
{
	return qu->domain;
}

APM_EXPORT bool apm_queue_exists(const struct apm_queue *qu)
{
	return qu->exists;
}

APM_EXPORT const char *apm_queue_get_driver(const struct apm_queue *qu)
{
	return qu->driver;
}

APM_EXPORT bool apm_queue_is_host_owned(const struct apm_queue *qu)
{
	return qu->owner_host;
}

APM_EXPORT struct apm_mdev *apm_queue_get_mdev(const struct apm_queue *qu)
{
	return qu->mdev >= 0 ? &qu->host->mdevs[qu->mdev] : NULL;
}

APM_EXPORT bool apm_queue_is_in_guest_matrix(const struct apm_queue *qu)
{
	return qu->in_guest_matrix;
}

APM_EXPORT bool apm_queue_is_plugged(const struct apm_queue *qu)
{
	return qu->plugged;
}

APM_EXPORT enum apm_cell apm_queue_get_cell(const struct apm_queue *qu)
{
	return qu->cell;
}

APM_EXPORT enum apm_filter apm_queue_get_filter(const struct apm_queue *qu)
{
	return qu->filter;
}

APM_EXPORT const char *apm_queue_get_reason(const struct apm_queue *qu)
{
	return qu->reason;
}

/*
 * The queue's own attributes, read once per handle; with status, the
 * vfio_ap status too.  Without, a status that an mdev's change made stale
 * stays unread: the grid asks config, chkstop and online of every cell it
 * draws, and a guest's matrix that changed would have it read the status
 * of each of that mdev's queues on screen again.
 */
static const struct apm_queue_detail *facts(struct apm_queue *qu, bool status)
{
	int rc;

	if (qu->detail_rc == 1 || (status && qu->no_status)) {
		memset(&qu->d, 0, sizeof(qu->d));
		rc = apm_host_read_queue_facts(qu->host, qu->adapter, qu->domain, &qu->d, status);
		qu->no_status = rc == 0;
		qu->detail_rc = rc < 0 ? rc : 0;
		if (qu->detail_rc) {
			memset(&qu->d, 0, sizeof(qu->d));
			qu->d.config = qu->d.chkstop = qu->d.online = -1;
		}
	}
	return &qu->d;
}

static const struct apm_queue_detail *detail(struct apm_queue *qu)
{
	return facts(qu, true);
}

static const struct apm_queue_detail *state(struct apm_queue *qu)
{
	return facts(qu, false);
}

APM_EXPORT const char *apm_queue_get_status(struct apm_queue *qu)
{
	return detail(qu)->status;
}

APM_EXPORT const char *apm_queue_get_se_bind(struct apm_queue *qu)
{
	return detail(qu)->se_bind;
}

APM_EXPORT const char *apm_queue_get_se_associate(struct apm_queue *qu)
{
	return detail(qu)->se_associate;
}

APM_EXPORT bool apm_queue_is_configured(struct apm_queue *qu, int *err)
{
	return tristate(state(qu)->config, err);
}

APM_EXPORT bool apm_queue_is_checkstopped(struct apm_queue *qu, int *err)
{
	return tristate(state(qu)->chkstop, err);
}

APM_EXPORT bool apm_queue_is_online(struct apm_queue *qu, int *err)
{
	return tristate(state(qu)->online, err);
}

/* ABI 1: the same facts by value, the mdev as its index. */
static void queue_info(const struct apm_queue *qu, struct apm_queue_info *info)
{
	memset(info, 0, sizeof(*info));
	info->adapter = qu->adapter;
	info->domain = qu->domain;
	info->exists = apm_queue_exists(qu);
	info->driver = apm_queue_get_driver(qu);
	info->owner_host = apm_queue_is_host_owned(qu);
	info->mdev = apm_queue_get_mdev(qu) ? apm_host_mdev_index(qu->host, apm_queue_get_mdev(qu))
					    : -1;
	info->in_guest_matrix = apm_queue_is_in_guest_matrix(qu);
	info->plugged = apm_queue_is_plugged(qu);
	info->cell = apm_queue_get_cell(qu);
	info->filter = apm_queue_get_filter(qu);
	snprintf(info->reason, sizeof(info->reason), "%s", apm_queue_get_reason(qu));
}

APM_EXPORT int apm_host_get_queue(const struct apm_host *h, unsigned int a, unsigned int q,
				  struct apm_queue_info *info)
{
	struct apm_queue qu;
	int rc = apm_queue_init(&qu, h, a, q);

	if (rc)
		return rc;
	queue_info(&qu, info);
	return 0;
}

/*
 * ABI 1's walk, on a borrowed handle on the stack: it neither allocates
 * nor takes a reference on the host, so it cannot fail for memory, and
 * threads may walk one snapshot side by side, as they could before the
 * handles.
 */
APM_EXPORT int apm_host_foreach_queue(const struct apm_host *h,
				      int (*fn)(const struct apm_queue_info *q, void *data),
				      void *data)
{
	struct apm_queue_info info;
	struct apm_queue qu;
	unsigned int a = 0, q = 0;
	int rc;

	if (!h || !fn)
		return -EINVAL;
	apm_queue_init(&qu, h, 0, 0);
	for (; next_listed(h, &qu, &a, &q); q++) {
		qu.detail_rc = 1;
		apm_host_classify_queue(h, a, q, &qu);
		queue_info(&qu, &info);
		rc = fn(&info, data);
		if (rc)
			return rc;
	}
	return 0;
}

APM_EXPORT int apm_host_get_queue_detail(struct apm_host *h, unsigned int a, unsigned int q,
					 struct apm_queue_detail *d)
{
	struct apm_queue qu;
	int rc, err;

	rc = apm_queue_init(&qu, h, a, q);
	if (rc)
		return rc;
	if (!apm_queue_exists(&qu))
		return -ENOENT;
	if (!d)
		return apm_host_read_queue_detail(h, a, q, NULL, false);
	memset(d, 0, sizeof(*d));
	snprintf(d->status, sizeof(d->status), "%s", apm_queue_get_status(&qu));
	d->config = apm_queue_is_configured(&qu, &err);
	if (err)
		d->config = -1;
	d->chkstop = apm_queue_is_checkstopped(&qu, &err);
	if (err)
		d->chkstop = -1;
	d->online = apm_queue_is_online(&qu, &err);
	if (err)
		d->online = -1;
	snprintf(d->se_bind, sizeof(d->se_bind), "%s", apm_queue_get_se_bind(&qu));
	snprintf(d->se_associate, sizeof(d->se_associate), "%s", apm_queue_get_se_associate(&qu));
	return 0;
}
