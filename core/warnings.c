// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * warnings.c - what the kernel lets pass but an operator must know about
 * the host as it is, said once for every client (`show`, `show --json`,
 * each console):
 *
 *  - an mdev whose control domain is a usage domain of the host or of
 *    another mdev: its guest could change those queues' keys (control
 *    domains are not checked for overlap, vfio_ap_ops.c:
 *    vfio_ap_mdev_verify_no_sharing looks at adapters x usage domains);
 *  - control domains without any usage domain: ap-check refuses to start
 *    such an mdev ("At least one usage domain must be specified");
 *  - a running guest with an adapter configured off or checkstopped: the
 *    kernel keeps it in the guest's matrix (vfio_ap_ops.c:
 *    vfio_ap_mdev_filter_matrix filters only what the bus does not have),
 *    but it does no work;
 *  - a queue of a running guest that is deconfigured or checkstopped: the
 *    guest sees it and cannot use it.  (zcrypt's `online` is not among
 *    them: it is an attribute of zcrypt's queue, zcrypt_queue.c, which a
 *    queue bound to vfio_ap does not have.)
 *
 * They are kept in the snapshot they were said of, mdev by mdev, with
 * what they were computed from; a snapshot the engine made from that one
 * (apm_host_clone) says again only what its changes touched: an mdev's
 * control-domain warnings when the mdevs, the masks or the queues of its
 * control domains changed, its guest's when its own files, its guest's
 * adapters or queues changed, or what was read of them was forgotten.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"
#include "explain.h"

static const char *const warning_names[APM_WARNING_COUNT] = {
	[APM_WARNING_CONTROL_HOST_USAGE] = "control-host-usage",
	[APM_WARNING_CONTROL_MDEV_USAGE] = "control-mdev-usage",
	[APM_WARNING_CONTROL_ONLY] = "control-only",
	[APM_WARNING_GUEST_ADAPTER_OFF] = "guest-adapter-off",
	[APM_WARNING_GUEST_ADAPTER_CHKSTOP] = "guest-adapter-chkstop",
	[APM_WARNING_GUEST_QUEUE_DECONFIGURED] = "guest-queue-deconfigured",
	[APM_WARNING_GUEST_QUEUE_CHKSTOP] = "guest-queue-chkstop",
};

APM_EXPORT const char *apm_warning_name(enum apm_warning_code code)
{
	return (unsigned int)code < APM_WARNING_COUNT ? warning_names[code] : "unknown";
}

/* A warning as kept: what struct apm_warning points to, owned. */
struct wc_item {
	enum apm_warning_code code;
	bool has_other;
	char other[37];
	int domain;
	unsigned int napqns;
	struct apm_apqn *apqns;
	char *text;
};

/* One mdev's control or guest warnings: shared by the snapshots they hold for. */
struct wc_list {
	int refcount;
	unsigned int n, alloc;
	struct wc_item *v;
};

/* An mdev's warnings and what they were said from. */
struct wc_mdev {
	char uuid[37], label[APM_LABEL_SIZE], guest[APM_GUEST_MAX];
	struct apr_mask apm, aqm, adm, sapm, saqm;
	int in_use;
	struct wc_list *control, *guests;
};

struct apm_wcache {
	int refcount;
	unsigned int nmdevs;
	struct wc_mdev *m;
	/* What every mdev's warnings were said from (tables held, so unchanged while shared). */
	struct apr_mask apmask, aqmask;
	int profile;
	bool any_override;
	unsigned char (*queue)[APR_BITS];
	struct apr_queue *mq[APR_BITS];
	unsigned char *override;
	struct apm_qslot *qrow[APR_BITS];
	struct {
		bool has_card;
		int config, chkstop;
	} cards[APR_BITS];
	unsigned int reused, computed; /* mdev parts taken over and said again */
};

static struct wc_list *list_ref(struct wc_list *l)
{
	if (l)
		l->refcount++;
	return l;
}

static void list_unref(struct wc_list *l)
{
	if (!l || --l->refcount > 0)
		return;
	for (unsigned int i = 0; i < l->n; i++) {
		free(l->v[i].apqns);
		free(l->v[i].text);
	}
	free(l->v);
	free(l);
}

struct apm_wcache *apm_wcache_ref(struct apm_wcache *c)
{
	if (c)
		c->refcount++;
	return c;
}

void apm_wcache_unref(struct apm_wcache *c)
{
	if (!c || --c->refcount > 0)
		return;
	for (unsigned int i = 0; i < c->nmdevs; i++) {
		list_unref(c->m[i].control);
		list_unref(c->m[i].guests);
	}
	free(c->m);
	apm_table_unref(c->queue);
	apm_table_unref(c->override);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		apm_table_unref(c->qrow[a]);
		apm_table_unref(c->mq[a]);
	}
	free(c);
}

void apm_host_get_warning_stats(const struct apm_host *h, unsigned int *reused,
				unsigned int *computed)
{
	*reused = h->wcache ? h->wcache->reused : 0;
	*computed = h->wcache ? h->wcache->computed : 0;
}

/* One walk: the APQN set is reused from warning to warning. */
/* An APQN set and the adapters it may have bits on (lo > hi: none), so that it is walked there only. */
struct bset {
	struct apm_apqns *s;
	unsigned int lo, hi;
};

#define WORDS_PER_ADAPTER (APR_BITS / 64)

static void bset_zero(struct bset *b)
{
	if (b->lo <= b->hi)
		memset(&b->s->w[b->lo * WORDS_PER_ADAPTER], 0,
		       (b->hi - b->lo + 1) * WORDS_PER_ADAPTER * sizeof(b->s->w[0]));
	b->lo = APR_BITS;
	b->hi = 0;
}

static void bset_add(struct bset *b, unsigned int a, unsigned int q)
{
	apm_apqns_add(b->s, a, q);
	if (a < b->lo)
		b->lo = a;
	if (a > b->hi)
		b->hi = a;
}

static unsigned int bset_count(const struct bset *b)
{
	unsigned int n = 0;

	for (unsigned int i = b->lo * WORDS_PER_ADAPTER;
	     b->lo <= b->hi && i < (b->hi + 1) * WORDS_PER_ADAPTER; i++)
		if (b->s->w[i])
			n += (unsigned int)__builtin_popcountll(b->s->w[i]);
	return n;
}

struct walk {
	struct apm_host *h;
	struct wc_list *out;
	struct bset set, chk; /* chk: a guest's checkstopped queues */
	/* The domains with a queue of the host's zcrypt drivers (host_queues), once known. */
	struct apr_mask host_doms;
	bool host_doms_known;
};

/* Keep a warning with set's APQNs (in adapter, domain order) and the sentence b. */
static int emit(struct walk *w, enum apm_warning_code code, const struct apm_mdev *m,
		const struct apm_mdev *other, int domain, struct apm_buf *b)
{
	struct wc_list *l = w->out;
	struct wc_item *it;
	unsigned int n = bset_count(&w->set), k = 0;

	(void)m;
	if (!b->s)
		return -ENOMEM;
	if (l->n == l->alloc) {
		unsigned int alloc = l->alloc ? 2 * l->alloc : 4;
		struct wc_item *v = realloc(l->v, alloc * sizeof(*v));

		if (!v) {
			apm_buf_free(b);
			return -ENOMEM;
		}
		l->v = v;
		l->alloc = alloc;
	}
	it = &l->v[l->n];
	*it = (struct wc_item){ .code = code, .domain = domain, .has_other = other != NULL };
	if (other)
		memcpy(it->other, other->uuid, sizeof(it->other));
	it->apqns = malloc((n ? n : 1) * sizeof(*it->apqns));
	if (!it->apqns) {
		apm_buf_free(b);
		return -ENOMEM;
	}
	/* The set's bits in ascending order are the APQNs in adapter, domain order. */
	for (unsigned int i = w->set.lo * WORDS_PER_ADAPTER;
	     w->set.lo <= w->set.hi && i < (w->set.hi + 1) * WORDS_PER_ADAPTER; i++)
		for (uint64_t x = w->set.s->w[i]; x; x &= x - 1) {
			unsigned int bit = i * 64 + (unsigned int)__builtin_ctzll(x);

			it->apqns[k++] = (struct apm_apqn){ bit / APR_BITS, bit % APR_BITS };
		}
	it->napqns = k;
	it->text = b->s; /* the buffer's text is the item's now */
	l->n++;
	return 0;
}

static bool host_queue(const struct apm_host *h, unsigned int a, unsigned int q)
{
	return (h->queue[a][q] & APM_Q_EXISTS) && apr_default_owned(&h->rules, a, q);
}

/* The queues of the host's zcrypt drivers on domain q (a queue device: a usage domain). */
static unsigned int host_queues(struct walk *w, unsigned int q)
{
	const struct apm_host *h = w->h;

	/* Which domains have any, once per walk: most control domains have none. */
	if (!w->host_doms_known) {
		apr_mask_zero(&w->host_doms);
		for (unsigned int a = 0; a < APR_BITS; a++)
			for (unsigned int d = 0; d < APR_BITS; d++)
				if (host_queue(h, a, d))
					apr_mask_set(&w->host_doms, d);
		w->host_doms_known = true;
	}
	bset_zero(&w->set);
	if (!apr_mask_test(&w->host_doms, q))
		return 0;
	for (unsigned int a = 0; a < APR_BITS; a++)
		if (host_queue(h, a, q))
			bset_add(&w->set, a, q);
	return bset_count(&w->set);
}

static int control_warnings(struct walk *w, unsigned int i)
{
	const struct apm_host *h = w->h;
	const struct apm_mdev *m = &h->mdevs[i];
	int rc;

	for (unsigned int dom = apr_mask_next(&m->m.adm, 0); dom < APR_BITS;
	     dom = apr_mask_next(&m->m.adm, dom + 1)) {
		struct apm_buf b = { 0 }, l = { 0 };
		unsigned int j;

		if (host_queues(w, dom)) {
			apm_apqns_text(w->set.s, &l, "    ");
			apm_buf_printf(
				&b,
				"mdev %s: control domain 0x%02x is a usage domain of the host (its guest could change the keys of %s)",
				m->label, dom, l.s ? l.s : "");
			apm_buf_free(&l);
			rc = emit(w, APM_WARNING_CONTROL_HOST_USAGE, m, NULL, (int)dom, &b);
			if (rc)
				return rc;
			continue;
		}
		for (j = 0; j < h->nmdevs; j++)
			if (j != i && apr_mask_test(&h->mdevs[j].m.aqm, dom))
				break;
		if (j == h->nmdevs)
			continue;
		bset_zero(&w->set);
		for (unsigned int a = apr_mask_next(&h->mdevs[j].m.apm, 0); a < APR_BITS;
		     a = apr_mask_next(&h->mdevs[j].m.apm, a + 1))
			bset_add(&w->set, a, dom);
		apm_buf_printf(&b, "mdev %s: control domain 0x%02x is a usage domain of mdev %s",
			       m->label, dom, h->mdevs[j].label);
		rc = emit(w, APM_WARNING_CONTROL_MDEV_USAGE, m, &h->mdevs[j], (int)dom, &b);
		if (rc)
			return rc;
	}
	if (apr_mask_empty(&m->m.aqm) && !apr_mask_empty(&m->m.adm)) {
		struct apm_buf b = { 0 };

		bset_zero(&w->set);
		apm_buf_printf(
			&b,
			"mdev %s: control domains but no usage domains (ap-check refuses to start it)",
			m->label);
		return emit(w, APM_WARNING_CONTROL_ONLY, m, NULL, -1, &b);
	}
	return 0;
}

/* The guest's queues in w->set, of one state (what: 0 deconfigured, 1 checkstopped). */
static int queue_warning(struct walk *w, const struct apm_mdev *m, const char *guest, int what)
{
	static const enum apm_warning_code codes[] = { APM_WARNING_GUEST_QUEUE_DECONFIGURED,
						       APM_WARNING_GUEST_QUEUE_CHKSTOP };
	static const char *const words[] = { "deconfigured", "checkstopped" };
	struct apm_buf b = { 0 }, l = { 0 };
	unsigned int n = bset_count(&w->set);

	if (!n)
		return 0;
	apm_apqns_text(w->set.s, &l, "    ");
	apm_buf_printf(&b, "mdev %s: %s's %s %s %s %s", m->label, guest,
		       n == 1 ? "queue" : "queues", l.s ? l.s : "", n == 1 ? "is" : "are",
		       words[what]);
	apm_buf_free(&l);
	return emit(w, codes[what], m, NULL, -1, &b);
}

/*
 * 0 deconfigured, 1 checkstopped, -1 neither (or no such queue): the two
 * attributes alone, not the six of a queue's detail, kept in the snapshot
 * (and the next ones, until an event may have changed them).
 */
static int queue_state(struct apm_host *h, unsigned int a, unsigned int q)
{
	int config, chkstop;

	if (!(h->queue[a][q] & APM_Q_EXISTS))
		return -1;
	apm_host_get_queue_state(h, a, q, &config, &chkstop);
	return config == 0 ? 0 : chkstop == 1 ? 1 : -1;
}

static int guest_warnings(struct walk *w, const struct apm_mdev *m)
{
	struct apm_host *h = w->h;
	const char *guest = m->guest[0] ? m->guest : "its guest";
	int rc;

	if (m->in_use != 1)
		return 0;
	for (unsigned int a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS;
	     a = apr_mask_next(&m->m.sapm, a + 1)) {
		const struct apm_card *c = &h->cards[a];
		struct apm_buf b = { 0 };

		if (!c->has_card || (c->chkstop != 1 && c->config != 0))
			continue;
		bset_zero(&w->set);
		for (unsigned int q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->m.saqm, q + 1))
			bset_add(&w->set, a, q);
		apm_buf_printf(&b, "mdev %s: %s has adapter 0x%02x, %s", m->label, guest, a,
			       c->chkstop == 1 ? "checkstopped" : "configured off");
		rc = emit(w,
			  c->chkstop == 1 ? APM_WARNING_GUEST_ADAPTER_CHKSTOP
					  : APM_WARNING_GUEST_ADAPTER_OFF,
			  m, NULL, -1, &b);
		if (rc)
			return rc;
	}
	/* Queue by queue, on the adapters that work: what lszcrypt shows per APQN. */
	bset_zero(&w->set);
	bset_zero(&w->chk);
	for (unsigned int a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS;
	     a = apr_mask_next(&m->m.sapm, a + 1)) {
		const struct apm_card *c = &h->cards[a];

		if (!c->has_card || c->chkstop == 1 || c->config == 0)
			continue;
		for (unsigned int q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->m.saqm, q + 1)) {
			int state = queue_state(h, a, q);

			if (state >= 0)
				bset_add(state ? &w->chk : &w->set, a, q);
		}
	}
	rc = queue_warning(w, m, guest, 0);
	if (!rc) {
		struct bset t = w->set;

		/* The checkstopped ones are the set now (the old set is zeroed at its next use). */
		w->set = w->chk;
		w->chk = t;
		rc = queue_warning(w, m, guest, 1);
	}
	return rc;
}

static bool same_mask(const struct apr_mask *x, const struct apr_mask *y)
{
	return !memcmp(x, y, sizeof(*x));
}

static bool masks_meet(const struct apr_mask *x, const struct apr_mask *y)
{
	struct apr_mask t;

	apr_mask_and(&t, x, y);
	return !apr_mask_empty(&t);
}

/* Every mdev's control warnings read these of all mdevs (another's usage, its label). */
static bool same_mdevs(const struct apm_wcache *b, const struct apm_host *h)
{
	if (b->nmdevs != h->nmdevs)
		return false;
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		const struct wc_mdev *e = &b->m[i];
		const struct apm_mdev *m = &h->mdevs[i];

		if (strcmp(e->uuid, m->uuid) || strcmp(e->label, m->label) ||
		    !same_mask(&e->apm, &m->m.apm) || !same_mask(&e->aqm, &m->m.aqm) ||
		    !same_mask(&e->adm, &m->m.adm))
			return false;
	}
	return true;
}

/*
 * Which queues came or went since b (xdiff: per adapter, the domains),
 * and the domains where any did: the host's usage domains are its
 * queues' (host_queues), the guests' warnings name existing queues.
 */
static void queues_moved(const struct apm_wcache *b, const struct apm_host *h,
			 struct apr_mask *xdiff, struct apr_mask *doms)
{
	apr_mask_zero(doms);
	if (b->queue == h->queue)
		return;
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (!memcmp(b->queue[a], h->queue[a], sizeof(h->queue[a])))
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++)
			if ((b->queue[a][q] ^ h->queue[a][q]) & APM_Q_EXISTS)
				apr_mask_set(&xdiff[a], q);
		apr_mask_or(doms, doms, &xdiff[a]);
	}
}

/* Are mdev m's guest warnings in b (of the same mdev, e) still what h would say? */
static bool same_guest(const struct apm_wcache *b, const struct wc_mdev *e,
		       const struct apm_host *h, const struct apm_mdev *m,
		       const struct apr_mask *xdiff)
{
	if ((e->in_use == 1) != (m->in_use == 1))
		return false;
	/* Not running: none, whatever else changed. */
	if (m->in_use != 1)
		return true;
	if (strcmp(e->label, m->label) || strcmp(e->guest, m->guest) ||
	    !same_mask(&e->sapm, &m->m.sapm) || !same_mask(&e->saqm, &m->m.saqm))
		return false;
	for (unsigned int a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS;
	     a = apr_mask_next(&m->m.sapm, a + 1)) {
		const struct apm_card *c = &h->cards[a];

		/* The queues' state as read (a table shared since: nothing forgotten, nothing new). */
		if (b->qrow[a] != h->qrow[a] || masks_meet(&xdiff[a], &m->m.saqm) ||
		    b->cards[a].has_card != c->has_card || b->cards[a].config != c->config ||
		    b->cards[a].chkstop != c->chkstop)
			return false;
	}
	return true;
}

static int compute(struct walk *w, struct wc_list **out, unsigned int i, bool guest)
{
	int rc;

	w->out = calloc(1, sizeof(*w->out));
	if (!w->out)
		return -ENOMEM;
	w->out->refcount = 1;
	rc = guest ? guest_warnings(w, &w->h->mdevs[i]) : control_warnings(w, i);
	*out = w->out;
	return rc;
}

/*
 * The snapshot's warnings, said once: each mdev's taken over from the
 * snapshot it was made from (h->wbase) where nothing they depend on
 * changed, else said again.
 */
static int build(struct apm_host *h)
{
	const struct apm_wcache *b = h->wbase;
	struct apm_wcache *c = calloc(1, sizeof(*c));
	struct walk w = { .h = h };
	struct apr_mask *xdiff = calloc(APR_BITS, sizeof(*xdiff)), doms;
	bool control_kept = false;
	int rc = 0;

	w.set = (struct bset){ calloc(1, sizeof(*w.set.s)), APR_BITS, 0 };
	w.chk = (struct bset){ calloc(1, sizeof(*w.chk.s)), APR_BITS, 0 };
	if (c)
		c->m = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*c->m));
	if (!c || !c->m || !xdiff || !w.set.s || !w.chk.s) {
		rc = -ENOMEM;
		goto out;
	}
	c->refcount = 1;
	c->nmdevs = h->nmdevs;
	apr_mask_zero(&doms);
	if (b) {
		queues_moved(b, h, xdiff, &doms);
		/* The host's usage (apr_default_owned): the masks, and 6.19's overrides. */
		control_kept = same_mdevs(b, h) && same_mask(&b->apmask, &h->rules.apmask) &&
			       same_mask(&b->aqmask, &h->rules.aqmask) &&
			       b->profile == (int)h->rules.profile &&
			       b->any_override == h->rules.any_override &&
			       b->override == h->override &&
			       (h->rules.profile < APR_PROFILE_6_19 ||
				!memcmp(b->mq, h->mq, sizeof(h->mq)));
	}
	for (unsigned int i = 0; !rc && i < h->nmdevs; i++) {
		const struct apm_mdev *m = &h->mdevs[i];
		const struct wc_mdev *e = NULL;
		struct wc_mdev *n = &c->m[i];

		for (unsigned int k = 0; b && k < b->nmdevs && !e; k++)
			if (!strcmp(b->m[k].uuid, m->uuid))
				e = &b->m[k];
		memcpy(n->uuid, m->uuid, sizeof(n->uuid));
		memcpy(n->label, m->label, sizeof(n->label));
		memcpy(n->guest, m->guest, sizeof(n->guest));
		n->apm = m->m.apm;
		n->aqm = m->m.aqm;
		n->adm = m->m.adm;
		n->sapm = m->m.sapm;
		n->saqm = m->m.saqm;
		n->in_use = m->in_use;
		if (control_kept && e && !masks_meet(&m->m.adm, &doms)) {
			n->control = list_ref(e->control);
			c->reused++;
		} else {
			rc = compute(&w, &n->control, i, false);
			c->computed++;
		}
		if (rc)
			break;
		if (e && same_guest(b, e, h, m, xdiff)) {
			n->guests = list_ref(e->guests);
			c->reused++;
		} else {
			rc = compute(&w, &n->guests, i, true);
			c->computed++;
		}
	}
	if (rc)
		goto out;
	/* What they were said from, after the reads they made (the rows now hold them). */
	c->apmask = h->rules.apmask;
	c->aqmask = h->rules.aqmask;
	c->profile = (int)h->rules.profile;
	c->any_override = h->rules.any_override;
	c->queue = apm_table_ref(h->queue);
	c->override = apm_table_ref(h->override);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		c->qrow[a] = apm_table_ref(h->qrow[a]);
		c->mq[a] = apm_table_ref(h->mq[a]);
		c->cards[a].has_card = h->cards[a].has_card;
		c->cards[a].config = h->cards[a].config;
		c->cards[a].chkstop = h->cards[a].chkstop;
	}
	h->wcache = c;
	c = NULL;
out:
	apm_wcache_unref(c);
	free(xdiff);
	free(w.set.s);
	free(w.chk.s);
	return rc;
}

static int replay(const struct apm_host *h, const struct wc_list *l, unsigned int i,
		  int (*fn)(const struct apm_warning *w, void *data), void *data)
{
	for (unsigned int k = 0; k < l->n; k++) {
		const struct wc_item *it = &l->v[k];
		struct apm_warning warn = { .code = it->code,
					    .uuid = h->mdevs[i].uuid,
					    .other = it->has_other ? it->other : NULL,
					    .domain = it->domain,
					    .napqns = it->napqns,
					    .apqns = it->apqns,
					    .text = it->text };
		int rc = fn(&warn, data);

		if (rc)
			return rc;
	}
	return 0;
}

APM_EXPORT int apm_host_get_warning_count(struct apm_host *host)
{
	int rc = host->wcache ? 0 : build(host);
	unsigned int n = 0;

	if (rc)
		return rc;
	for (unsigned int i = 0; i < host->nmdevs; i++)
		n += host->wcache->m[i].control->n + host->wcache->m[i].guests->n;
	return n > INT_MAX ? INT_MAX : (int)n;
}

APM_EXPORT int apm_host_foreach_warning(struct apm_host *host,
					int (*fn)(const struct apm_warning *w, void *data),
					void *data)
{
	int rc = host->wcache ? 0 : build(host);

	for (unsigned int i = 0; !rc && i < host->nmdevs; i++) {
		rc = replay(host, host->wcache->m[i].control, i, fn, data);
		if (!rc)
			rc = replay(host, host->wcache->m[i].guests, i, fn, data);
	}
	return rc;
}
