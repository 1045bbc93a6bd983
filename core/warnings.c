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
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One walk: the APQN list is reused from warning to warning. */
struct walk {
	struct apm_host *h;
	int (*fn)(const struct apm_warning *w, void *data);
	void *data;
	struct apm_apqn *apqns;
	struct apm_apqns *set, *chk; /* chk: a guest's checkstopped queues */
};

/* Call fn with set's APQNs (in adapter, domain order) and the sentence b. */
static int emit(struct walk *w, enum apm_warning_code code, const struct apm_mdev *m,
		const struct apm_mdev *other, int domain, struct apm_buf *b)
{
	struct apm_warning warn = { .code = code,
				    .uuid = m->uuid,
				    .other = other ? other->uuid : NULL,
				    .domain = domain,
				    .apqns = w->apqns };
	int rc;

	if (!b->s)
		return -ENOMEM;
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (apm_apqns_test(w->set, a, q))
				w->apqns[warn.napqns++] = (struct apm_apqn){ a, q };
	warn.text = b->s;
	rc = w->fn(&warn, w->data);
	apm_buf_free(b);
	return rc;
}

/* The queues of the host's zcrypt drivers on domain q (a queue device: a usage domain). */
static unsigned int host_queues(const struct apm_host *h, unsigned int q, struct apm_apqns *set)
{
	apm_apqns_zero(set);
	for (unsigned int a = 0; a < APR_BITS; a++)
		if ((h->queue[a][q] & APM_Q_EXISTS) && apr_default_owned(&h->rules, a, q))
			apm_apqns_add(set, a, q);
	return apm_apqns_count(set);
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

		if (host_queues(h, dom, w->set)) {
			apm_apqns_text(w->set, &l, "    ");
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
		apm_apqns_zero(w->set);
		for (unsigned int a = apr_mask_next(&h->mdevs[j].m.apm, 0); a < APR_BITS;
		     a = apr_mask_next(&h->mdevs[j].m.apm, a + 1))
			apm_apqns_add(w->set, a, dom);
		apm_buf_printf(&b, "mdev %s: control domain 0x%02x is a usage domain of mdev %s",
			       m->label, dom, h->mdevs[j].label);
		rc = emit(w, APM_WARNING_CONTROL_MDEV_USAGE, m, &h->mdevs[j], (int)dom, &b);
		if (rc)
			return rc;
	}
	if (apr_mask_empty(&m->m.aqm) && !apr_mask_empty(&m->m.adm)) {
		struct apm_buf b = { 0 };

		apm_apqns_zero(w->set);
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
	unsigned int n = apm_apqns_count(w->set);

	if (!n)
		return 0;
	apm_apqns_text(w->set, &l, "    ");
	apm_buf_printf(&b, "mdev %s: %s's %s %s %s %s", m->label, guest,
		       n == 1 ? "queue" : "queues", l.s ? l.s : "", n == 1 ? "is" : "are",
		       words[what]);
	apm_buf_free(&l);
	return emit(w, codes[what], m, NULL, -1, &b);
}

/*
 * 0 deconfigured, 1 checkstopped, -1 neither (or no such queue): the two
 * attributes alone (ap_queue.c: config_show, chkstop_show), not the six of
 * a queue's detail, unless the detail is loaded already.
 */
static int queue_state(struct apm_host *h, unsigned int a, unsigned int q)
{
	char buf[16];
	int config = -1, chkstop = -1;

	if (!(h->queue[a][q] & APM_Q_EXISTS))
		return -1;
	if (h->detail) {
		config = h->details[a * APR_BITS + q].config;
		chkstop = h->details[a * APR_BITS + q].chkstop;
	} else {
		if (apm_readf(h->ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/config", a,
			      a, q) > 0)
			config = atoi(buf);
		if (config != 0 && apm_readf(h->ctx, buf, sizeof(buf),
					     "devices/ap/card%02x/%02x.%04x/chkstop", a, a, q) > 0)
			chkstop = atoi(buf);
	}
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
		apm_apqns_zero(w->set);
		for (unsigned int q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->m.saqm, q + 1))
			apm_apqns_add(w->set, a, q);
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
	apm_apqns_zero(w->set);
	apm_apqns_zero(w->chk);
	for (unsigned int a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS;
	     a = apr_mask_next(&m->m.sapm, a + 1)) {
		const struct apm_card *c = &h->cards[a];

		if (!c->has_card || c->chkstop == 1 || c->config == 0)
			continue;
		for (unsigned int q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->m.saqm, q + 1)) {
			int state = queue_state(h, a, q);

			if (state >= 0)
				apm_apqns_add(state ? w->chk : w->set, a, q);
		}
	}
	rc = queue_warning(w, m, guest, 0);
	if (!rc) {
		*w->set = *w->chk;
		rc = queue_warning(w, m, guest, 1);
	}
	return rc;
}

APM_EXPORT int apm_host_foreach_warning(struct apm_host *host,
					int (*fn)(const struct apm_warning *w, void *data),
					void *data)
{
	struct walk w = { .h = host, .fn = fn, .data = data };
	int rc = 0;

	w.apqns = malloc(APR_BITS * APR_BITS * sizeof(*w.apqns));
	w.set = malloc(sizeof(*w.set));
	w.chk = malloc(sizeof(*w.chk));
	if (!w.apqns || !w.set || !w.chk) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; !rc && i < host->nmdevs; i++) {
		rc = control_warnings(&w, i);
		if (!rc)
			rc = guest_warnings(&w, &host->mdevs[i]);
	}
out:
	free(w.apqns);
	free(w.set);
	free(w.chk);
	return rc;
}
