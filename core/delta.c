// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * delta.c - what differs between two snapshots of a host: the APQNs whose
 * queue (as its struct apm_queue shows it) differs, the adapters, the masks,
 * the mdevs added, removed or changed, the bus's other attributes.
 *
 * Comparing every APQN twice would cost more than the engine saves, so the
 * APQNs worth a look come from what the snapshots hold: the rows of the
 * adapters and the columns of the domains whose masks or cards differ, the
 * cells whose tables differ (words compared, shared tables skipped) and
 * the matrices of the mdevs that differ.  Only those are compared in full.
 * Apart from those, the queues whose attributes read on demand (config,
 * chkstop, online, the vfio_ap status) after would read again: a client
 * that keeps what it derived from them per cell asks only those again.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

struct delta_mdev {
	char uuid[37];
	enum apm_delta_mdev how;
};

struct apm_delta {
	int refcount;
	struct apm_host *before, *after;
	unsigned int flags;
	unsigned int events;
	struct apr_mask changed[APR_BITS]; /* per adapter: the domains whose queue changed */
	unsigned int nqueues;
	struct apr_mask stale[APR_BITS]; /* per adapter: the domains whose readings are not carried */
	struct apr_mask adapters;
	struct delta_mdev *mdevs;
	unsigned int nmdevs;
};

static void mark_row(struct apr_mask *cand, unsigned int a)
{
	apr_mask_fill(&cand[a]);
}

static void mark_column(struct apr_mask *cand, unsigned int q)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		apr_mask_set(&cand[a], q);
}

static void mark_rect(struct apr_mask *cand, const struct apr_mask *apm, const struct apr_mask *aqm)
{
	for (unsigned int a = apr_mask_next(apm, 0); a < APR_BITS; a = apr_mask_next(apm, a + 1))
		apr_mask_or(&cand[a], &cand[a], aqm);
}

/* Bits that differ between two masks. */
static void mask_xor(struct apr_mask *out, const struct apr_mask *x, const struct apr_mask *y)
{
	for (unsigned int w = 0; w < ARRAY_SIZE(out->w); w++)
		out->w[w] = x->w[w] ^ y->w[w];
}

/* The cells whose bytes differ in row a of two tables of elements of size esize (shared: none). */
static void mark_cells(struct apr_mask *cand, unsigned int a, const void *x, const void *y,
		       size_t esize)
{
	const unsigned char *p = x, *q = y;

	if (x == y || !memcmp(p, q, APR_BITS * esize))
		return;
	for (unsigned int i = 0; i < APR_BITS; i++)
		if (memcmp(p + i * esize, q + i * esize, esize))
			apr_mask_set(&cand[a], i);
}

/* The same in two [256][256] tables. */
static void mark_table(struct apr_mask *cand, const void *x, const void *y, size_t esize)
{
	size_t row = APR_BITS * esize;

	if (x == y)
		return;
	for (unsigned int a = 0; a < APR_BITS; a++)
		mark_cells(cand, a, (const unsigned char *)x + a * row,
			   (const unsigned char *)y + a * row, esize);
}

static const struct apm_mdev *find_mdev(const struct apm_host *h, const char *uuid)
{
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (!strcmp(h->mdevs[i].uuid, uuid))
			return &h->mdevs[i];
	return NULL;
}

static bool mdev_differs(const struct apm_mdev *x, const struct apm_mdev *y)
{
	const struct apr_mdev *p = &x->m, *q = &y->m;

	return memcmp(&p->apm, &q->apm, sizeof(p->apm)) ||
	       memcmp(&p->aqm, &q->aqm, sizeof(p->aqm)) ||
	       memcmp(&p->adm, &q->adm, sizeof(p->adm)) ||
	       memcmp(&p->sapm, &q->sapm, sizeof(p->sapm)) ||
	       memcmp(&p->saqm, &q->saqm, sizeof(p->saqm)) ||
	       memcmp(&p->sadm, &q->sadm, sizeof(p->sadm)) || p->attached != q->attached ||
	       x->has_guest_matrix != y->has_guest_matrix || x->has_ap_config != y->has_ap_config ||
	       x->truncated != y->truncated || x->iommu_group != y->iommu_group ||
	       x->in_use != y->in_use || strcmp(x->guest, y->guest);
}

/* What the filter reasons of an mdev's APQNs depend on beside its own data. */
static bool mdev_facts_differ(const struct apm_mdev *x, const struct apm_mdev *y)
{
	return memcmp(&x->fresh_sapm, &y->fresh_sapm, sizeof(x->fresh_sapm)) ||
	       memcmp(&x->fresh_saqm, &y->fresh_saqm, sizeof(x->fresh_saqm)) ||
	       memcmp(x->bad_domain, y->bad_domain, sizeof(x->bad_domain));
}

static int add_mdev(struct apm_delta *d, const char *uuid, enum apm_delta_mdev how)
{
	struct delta_mdev *t = realloc(d->mdevs, (d->nmdevs + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	d->mdevs = t;
	snprintf(t[d->nmdevs].uuid, sizeof(t[0].uuid), "%s", uuid);
	t[d->nmdevs++].how = how;
	return 0;
}

static int cmp_delta_mdev(const void *a, const void *b)
{
	return strcmp(((const struct delta_mdev *)a)->uuid, ((const struct delta_mdev *)b)->uuid);
}

/*
 * The APQNs of an mdev whose matrix stayed (o before, n after) that can
 * show otherwise (apm_host_get_queue): the adapters and domains where its
 * guest matrix, the filter's fresh one or the APQN that drops an adapter
 * differ.  What else they show is the queues' own (marked by the tables).
 */
static void mark_mdev_rows(struct apr_mask *cand, const struct apm_mdev *o,
			   const struct apm_mdev *n)
{
	struct apr_mask rows, cols, t;

	mask_xor(&rows, &o->m.sapm, &n->m.sapm);
	mask_xor(&t, &o->fresh_sapm, &n->fresh_sapm);
	apr_mask_or(&rows, &rows, &t);
	for (unsigned int a = apr_mask_next(&n->m.apm, 0); a < APR_BITS;
	     a = apr_mask_next(&n->m.apm, a + 1))
		if (o->bad_domain[a] != n->bad_domain[a])
			apr_mask_set(&rows, a);
	apr_mask_and(&rows, &rows, &n->m.apm);
	mark_rect(cand, &rows, &n->m.aqm);
	mask_xor(&cols, &o->m.saqm, &n->m.saqm);
	mask_xor(&t, &o->fresh_saqm, &n->fresh_saqm);
	apr_mask_or(&cols, &cols, &t);
	apr_mask_and(&cols, &cols, &n->m.aqm);
	mark_rect(cand, &n->m.apm, &cols);
}

/*
 * A filtered APQN's reason names the APQN that drops its adapter and that
 * one's problem (host.c: classify_filter): where that APQN is marked, the
 * rest of the mdev's row is worth a look too.
 */
static void mark_dropped(struct apr_mask *cand, const struct apm_host *h)
{
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		const struct apm_mdev *m = &h->mdevs[i];

		for (unsigned int a = apr_mask_next(&m->m.apm, 0); a < APR_BITS;
		     a = apr_mask_next(&m->m.apm, a + 1))
			if (m->bad_domain[a] >= 0 &&
			    apr_mask_test(&cand[a], (unsigned int)m->bad_domain[a]))
				apr_mask_or(&cand[a], &cand[a], &m->m.aqm);
	}
}

/* The mdevs that differ, and the APQNs they make worth a look. */
static int diff_mdevs(struct apm_delta *d, struct apr_mask *cand)
{
	const struct apm_host *x = d->before, *y = d->after;
	int rc = 0;

	for (unsigned int i = 0; i < x->nmdevs && !rc; i++) {
		const struct apm_mdev *o = &x->mdevs[i], *n = find_mdev(y, o->uuid);

		if (n && !memcmp(&o->m.apm, &n->m.apm, sizeof(o->m.apm)) &&
		    !memcmp(&o->m.aqm, &n->m.aqm, sizeof(o->m.aqm)) &&
		    (o->in_use == 1) == (n->in_use == 1)) {
			/* The same APQNs, the same plugged state: what the shadow and the filter changed. */
			if (mdev_differs(o, n) || mdev_facts_differ(o, n))
				mark_mdev_rows(cand, o, n);
		} else if (!n || mdev_differs(o, n) || mdev_facts_differ(o, n)) {
			mark_rect(cand, &o->m.apm, &o->m.aqm);
			if (n)
				mark_rect(cand, &n->m.apm, &n->m.aqm);
		}
		if (!n)
			rc = add_mdev(d, o->uuid, APM_DELTA_MDEV_REMOVED);
		else if (mdev_differs(o, n))
			rc = add_mdev(d, o->uuid, APM_DELTA_MDEV_CHANGED);
	}
	for (unsigned int i = 0; i < y->nmdevs && !rc; i++)
		if (!find_mdev(x, y->mdevs[i].uuid)) {
			mark_rect(cand, &y->mdevs[i].m.apm, &y->mdevs[i].m.aqm);
			rc = add_mdev(d, y->mdevs[i].uuid, APM_DELTA_MDEV_ADDED);
		}
	if (d->nmdevs > 1)
		qsort(d->mdevs, d->nmdevs, sizeof(*d->mdevs), cmp_delta_mdev);
	return rc;
}

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

static const char *uuid_of(const struct apm_host *h, int i)
{
	return i >= 0 ? h->mdevs[i].uuid : NULL;
}

/*
 * Whether `show` would list (a, q) otherwise.  The filter's reasons are
 * built only where everything else agrees: a batch that plugs or drops
 * an adapter of a guest changes the rest of each APQN of its rows.
 */
static bool queue_differs(const struct apm_delta *d, unsigned int a, unsigned int q)
{
	struct apm_queue x, y;

	apm_host_classify_queue_code(d->before, a, q, &x, false);
	apm_host_classify_queue_code(d->after, a, q, &y, false);
	/* Only the APQNs `show` lists: queues and mdevs' APQNs (the masks' flags tell the rest). */
	if (!x.exists && !y.exists && x.mdev < 0 && y.mdev < 0)
		return false;
	if (x.exists != y.exists || !same_str(x.driver, y.driver) || x.owner_host != y.owner_host ||
	    !same_str(uuid_of(d->before, x.mdev), uuid_of(d->after, y.mdev)) ||
	    x.in_guest_matrix != y.in_guest_matrix || x.plugged != y.plugged || x.cell != y.cell ||
	    x.filter != y.filter)
		return true;
	if (x.filter == APM_FILTER_NONE)
		return false;
	apm_host_queue_reason(d->before, &x);
	apm_host_queue_reason(d->after, &y);
	return strcmp(x.reason, y.reason) != 0;
}

static bool adapter_differs(const struct apm_host *x, const struct apm_host *y, unsigned int a)
{
	struct apm_adapter p, q;
	int rp = apm_adapter_init(&p, x, a), rq = apm_adapter_init(&q, y, a);
	const struct apm_card *cp = &x->cards[a], *cq = &y->cards[a];

	if (rp || rq)
		return rp != rq;
	/* The card's facts as the accessors give them (a card's absence hides its fields). */
	return cp->has_card != cq->has_card ||
	       (cp->has_card && (cp->hwtype != cq->hwtype || cp->raw_hwtype != cq->raw_hwtype ||
				 cp->config != cq->config || cp->chkstop != cq->chkstop ||
				 cp->online != cq->online)) ||
	       strcmp(apm_adapter_get_type(&p), apm_adapter_get_type(&q)) ||
	       !same_str(apm_adapter_get_mode(&p), apm_adapter_get_mode(&q)) ||
	       apm_adapter_get_functions(&p) != apm_adapter_get_functions(&q) ||
	       !same_str(apm_adapter_get_driver(&p), apm_adapter_get_driver(&q));
}

static unsigned int bus_flags(const struct apm_host *x, const struct apm_host *y)
{
	unsigned int f = 0;

	if (memcmp(&x->rules.apmask, &y->rules.apmask, sizeof(x->rules.apmask)) ||
	    x->apmask_rc != y->apmask_rc)
		f |= APM_DELTA_APMASK;
	if (memcmp(&x->rules.aqmask, &y->rules.aqmask, sizeof(x->rules.aqmask)) ||
	    x->aqmask_rc != y->aqmask_rc)
		f |= APM_DELTA_AQMASK;
	for (int k = 0; k < 3; k++)
		if (x->lpar_rc[k] != y->lpar_rc[k] ||
		    (!x->lpar_rc[k] && memcmp(&x->lpar[k], &y->lpar[k], sizeof(x->lpar[k]))))
			f |= APM_DELTA_LPAR;
	if (x->has_ap_domain != y->has_ap_domain || x->ap_domain != y->ap_domain ||
	    x->bindings_complete != y->bindings_complete || x->rules.profile != y->rules.profile ||
	    x->vfio_ap_loaded != y->vfio_ap_loaded ||
	    !same_str(apm_host_get_bus_features(x), apm_host_get_bus_features(y)) ||
	    !same_str(apm_host_get_matrix_features(x), apm_host_get_matrix_features(y)) ||
	    strcmp(apm_host_get_warnings(x), apm_host_get_warnings(y)))
		f |= APM_DELTA_BUS;
	return f;
}

/* Whether two slots of a queue (NULL: none) hold the same readings, or both none. */
static bool same_readings(const struct apm_qslot *x, const struct apm_qslot *y)
{
	bool kx = x && (x->valid || x->state_valid || x->facts_valid);
	bool ky = y && (y->valid || y->state_valid || y->facts_valid);

	if (!kx || !ky)
		return kx == ky;
	return x->valid == y->valid && x->status_valid == y->status_valid &&
	       x->state_valid == y->state_valid && x->facts_valid == y->facts_valid &&
	       x->d.config == y->d.config && x->d.chkstop == y->d.chkstop &&
	       x->d.online == y->d.online && !strcmp(x->d.status, y->d.status) &&
	       !strcmp(x->d.se_bind, y->d.se_bind) && !strcmp(x->d.se_associate, y->d.se_associate);
}

/*
 * The queues whose readings after does not carry over from before: the
 * rows are shared until a snapshot changes one (host.c: own_slot, the
 * engine's apm_host_forget_queue), so a shared row holds the same.
 */
static void mark_stale(struct apm_delta *d)
{
	for (unsigned int a = 0; a < APR_BITS; a++) {
		const struct apm_qslot *x = d->before->qrow[a], *y = d->after->qrow[a];

		if (x == y)
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (!same_readings(x ? &x[q] : NULL, y ? &y[q] : NULL))
				apr_mask_set(&d->stale[a], q);
	}
}

static int compute(struct apm_delta *d)
{
	const struct apm_host *x = d->before, *y = d->after;
	struct apr_mask *cand = calloc(APR_BITS, sizeof(*cand));
	struct apr_mask rows, cols, t;
	int rc;

	if (!cand)
		return -ENOMEM;
	d->flags = bus_flags(x, y);
	/* The rules' view: ownership, the QCI the filter asks. */
	mask_xor(&rows, &x->rules.apmask, &y->rules.apmask);
	mask_xor(&t, &x->rules.qci_apm, &y->rules.qci_apm);
	apr_mask_or(&rows, &rows, &t);
	mask_xor(&cols, &x->rules.aqmask, &y->rules.aqmask);
	mask_xor(&t, &x->rules.qci_aqm, &y->rules.qci_aqm);
	apr_mask_or(&cols, &cols, &t);
	if (x->rules.profile != y->rules.profile ||
	    x->rules.any_override != y->rules.any_override ||
	    memcmp(&x->rules.qci_adm, &y->rules.qci_adm, sizeof(x->rules.qci_adm)))
		apr_mask_fill(&rows);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (memcmp(&x->cards[a], &y->cards[a], sizeof(x->cards[a])) ||
		    memcmp(&x->model.card[a], &y->model.card[a], sizeof(x->model.card[a])))
			apr_mask_set(&rows, a);
		if (apr_mask_test(&rows, a) && adapter_differs(x, y, a))
			apr_mask_set(&d->adapters, a);
	}
	for (unsigned int a = apr_mask_next(&rows, 0); a < APR_BITS;
	     a = apr_mask_next(&rows, a + 1))
		mark_row(cand, a);
	for (unsigned int q = apr_mask_next(&cols, 0); q < APR_BITS;
	     q = apr_mask_next(&cols, q + 1))
		mark_column(cand, q);
	mark_table(cand, x->queue, y->queue, sizeof(x->queue[0][0]));
	for (unsigned int a = 0; a < APR_BITS; a++)
		mark_cells(cand, a, x->mq[a], y->mq[a], sizeof(x->mq[a][0]));
	if (x->override != y->override) {
		static const unsigned char none[APR_BITS * APR_BITS];

		mark_table(cand, x->override ? x->override : none, y->override ? y->override : none,
			   1);
	}
	rc = diff_mdevs(d, cand);
	mark_dropped(cand, x);
	mark_dropped(cand, y);
	for (unsigned int a = 0; a < APR_BITS && !rc; a++)
		for (unsigned int q = apr_mask_next(&cand[a], 0); q < APR_BITS;
		     q = apr_mask_next(&cand[a], q + 1))
			if (queue_differs(d, a, q)) {
				apr_mask_set(&d->changed[a], q);
				d->nqueues++;
			}
	free(cand);
	mark_stale(d);
	return rc;
}

APM_EXPORT int apm_delta_new(struct apm_host *before, struct apm_host *after,
			     struct apm_delta **out)
{
	struct apm_delta *d;
	int rc;

	if (!before || !after)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->refcount = 1;
	d->before = apm_host_ref(before);
	d->after = apm_host_ref(after);
	rc = compute(d);
	if (rc) {
		apm_delta_unref(d);
		return rc;
	}
	*out = d;
	return 0;
}

void apm_delta_set_source(struct apm_delta *d, bool reloaded, unsigned int events)
{
	if (reloaded)
		d->flags |= APM_DELTA_RELOADED;
	d->events = events;
}

APM_EXPORT struct apm_delta *apm_delta_ref(struct apm_delta *d)
{
	if (d)
		d->refcount++;
	return d;
}

APM_EXPORT struct apm_delta *apm_delta_unref(struct apm_delta *d)
{
	if (!d || --d->refcount > 0)
		return d;
	apm_host_unref(d->before);
	apm_host_unref(d->after);
	free(d->mdevs);
	free(d);
	return NULL;
}

APM_EXPORT struct apm_host *apm_delta_get_before(const struct apm_delta *d)
{
	return d->before;
}

APM_EXPORT struct apm_host *apm_delta_get_after(const struct apm_delta *d)
{
	return d->after;
}

APM_EXPORT unsigned int apm_delta_get_flags(const struct apm_delta *d)
{
	return d->flags;
}

APM_EXPORT bool apm_delta_is_empty(const struct apm_delta *d)
{
	return !(d->flags & ~APM_DELTA_RELOADED) && !d->nqueues && !d->nmdevs &&
	       apr_mask_empty(&d->adapters);
}

bool apm_delta_any_stale(const struct apm_delta *d)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		if (!apr_mask_empty(&d->stale[a]))
			return true;
	return false;
}

APM_EXPORT unsigned int apm_delta_get_event_count(const struct apm_delta *d)
{
	return d->events;
}

APM_EXPORT unsigned int apm_delta_get_queue_count(const struct apm_delta *d)
{
	return d->nqueues;
}

APM_EXPORT bool apm_delta_has_queue(const struct apm_delta *d, unsigned int adapter,
				    unsigned int domain)
{
	return adapter < APR_BITS && domain < APR_BITS &&
	       apr_mask_test(&d->changed[adapter], domain);
}

APM_EXPORT int apm_delta_foreach_queue(const struct apm_delta *d,
				       int (*fn)(unsigned int adapter, unsigned int domain,
						 void *data),
				       void *data)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = apr_mask_next(&d->changed[a], 0); q < APR_BITS;
		     q = apr_mask_next(&d->changed[a], q + 1)) {
			int rc = fn(a, q, data);

			if (rc)
				return rc;
		}
	return 0;
}

APM_EXPORT void apm_delta_get_adapters(const struct apm_delta *d, struct apm_mask *m)
{
	memcpy(m, &d->adapters, sizeof(*m));
}

APM_EXPORT void apm_delta_get_domains(const struct apm_delta *d, unsigned int adapter,
				      struct apm_mask *m)
{
	memset(m, 0, sizeof(*m));
	if (adapter < APR_BITS)
		memcpy(m, &d->changed[adapter], sizeof(*m));
}

APM_EXPORT void apm_delta_get_stale_domains(const struct apm_delta *d, unsigned int adapter,
					    struct apm_mask *m)
{
	memset(m, 0, sizeof(*m));
	if (adapter < APR_BITS)
		memcpy(m, &d->stale[adapter], sizeof(*m));
}

APM_EXPORT unsigned int apm_delta_get_mdev_count(const struct apm_delta *d)
{
	return d->nmdevs;
}

APM_EXPORT int apm_delta_get_mdev(const struct apm_delta *d, unsigned int i, const char **uuid,
				  enum apm_delta_mdev *how)
{
	if (i >= d->nmdevs)
		return -ENOENT;
	*uuid = d->mdevs[i].uuid;
	*how = d->mdevs[i].how;
	return 0;
}
