// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mask.c - the planner of apmask/aqmask changes: one write of the SPEC
 * (the kernel's forms as they are, chzdev's as the absolute mask it means;
 * an ambiguous SPEC is refused before anything is written, see explain.c);
 * the preview shows the mask it gives and the APQNs that change owner, the
 * prediction is the scratch host's answer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "explain.h"

struct mask_request {
	bool aq;
	const char *spec;
	unsigned int flags;
};

#define LISTED 32 /* APQNs changing owner listed one a line; more are grouped */

static void preview(struct apm_change *c, bool aq, const struct apr_mask *newm)
{
	const struct apm_host *h = c->host;
	const struct apr_mask *old = aq ? &h->rules.aqmask : &h->rules.apmask;
	char hex[APR_MASK_STRLEN + 1], ranges[1024];
	struct apm_apqns *moved[2] = { calloc(1, sizeof(*moved[0])), calloc(1, sizeof(*moved[1])) };
	struct apm_apqns *dflt = calloc(1, sizeof(*dflt));
	unsigned int total = 0;

	apr_mask_format(newm, hex);
	apm_mask_format_ranges((const struct apm_mask *)newm, ranges, sizeof(ranges));
	apm_buf_printf(&c->preview, "%s: %s\n", aq ? "aqmask" : "apmask", hex);
	apm_buf_printf(&c->preview, "  host (zcrypt) %s: %s\n", aq ? "domains" : "adapters",
		       ranges[0] ? ranges : "none");
	if (apr_mask_empty(newm))
		apm_buf_printf(
			&c->preview,
			"  warning: an all-zero %s gives every APQN away from the host's zcrypt drivers\n",
			aq ? "aqmask" : "apmask");
	if (aq && h->has_ap_domain && h->ap_domain >= 0 &&
	    apr_mask_test(old, (unsigned int)h->ap_domain) &&
	    !apr_mask_test(newm, (unsigned int)h->ap_domain))
		apm_buf_printf(
			&c->preview,
			"  warning: domain 0x%02x is the host's default domain (ap_domain); zcrypt loses it\n",
			h->ap_domain);
	if (!moved[0] || !moved[1] || !dflt)
		goto out;
	/* moved[1]: host -> vfio_ap, moved[0]: vfio_ap -> host. */
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool was, now;

			if (!(h->queue[a][q] & APM_Q_EXISTS))
				continue;
			was = apr_mask_test(&h->rules.apmask, a) &&
			      apr_mask_test(&h->rules.aqmask, q);
			now = apr_mask_test(aq ? &h->rules.apmask : newm, a) &&
			      apr_mask_test(aq ? newm : &h->rules.aqmask, q);
			if (was == now)
				continue;
			apm_apqns_add(moved[was], a, q);
			total++;
			/* An adapter's queue on the default domain: zcrypt's own (apmask). */
			if (!aq && was && h->has_ap_domain && (int)q == h->ap_domain)
				apm_apqns_add(dflt, a, q);
		}
	for (unsigned int a = 0; total <= LISTED && a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			for (int k = 0; k < 2; k++)
				if (apm_apqns_test(moved[k], a, q))
					apm_buf_printf(&c->preview, "  %02x.%04x: %s -> %s\n", a, q,
						       k ? "host" : "vfio_ap",
						       k ? "vfio_ap" : "host");
	if (apm_apqns_count(dflt)) {
		struct apm_buf b = { 0 };

		apm_apqns_text(dflt, &b, "    ");
		apm_buf_printf(
			&c->preview,
			"  warning: zcrypt loses queues of the host's default domain (ap_domain 0x%02x): %s\n",
			h->ap_domain, b.s);
		apm_buf_free(&b);
	}
	/* Past a screenful, every APQN still: grouped, with their count. */
	for (int k = 1; total > LISTED && k >= 0; k--) {
		struct apm_buf b = { 0 };

		if (!apm_apqns_count(moved[k]))
			continue;
		apm_apqns_text(moved[k], &b, "    ");
		apm_buf_printf(&c->preview, "  %s: %s\n", k ? "host -> vfio_ap" : "vfio_ap -> host",
			       b.s);
		apm_buf_free(&b);
	}
	if (!total)
		apm_buf_printf(&c->preview, "  no existing queue changes owner\n");
out:
	free(moved[0]);
	free(moved[1]);
	free(dflt);
}

static int plan(struct apm_change *c, const void *request)
{
	const struct mask_request *r = request;
	const char *name = r->aq ? "aqmask" : "apmask";
	const struct apr_model *m = apm_change_model(c);
	struct step *s;
	char path[32];
	int rc;

	const struct apr_mask *cur = r->aq ? &c->host->rules.aqmask : &c->host->rules.apmask;
	unsigned int flags = r->flags | (r->aq ? APM_MASK_SPEC_AQMASK : 0);
	struct apm_spec sp;
	char why[600];

	c->u.mask.aq = r->aq;
	c->u.mask.expect = *cur;
	snprintf(path, sizeof(path), "bus/ap/%s", name);
	rc = apm_spec_read(r->spec, flags, cur, &sp, why, sizeof(why));
	/* What the kernel would refuse is its to refuse; what it would misread is ours. */
	if (rc && !(rc == -EINVAL && sp.form == APM_SPEC_KERNEL)) {
		s = apm_change_step(c, path, r->spec, "write %s", name);
		if (!s)
			return -ENOMEM;
		s->hold = true;
		apm_buf_printf(&c->explanation, "%s; nothing is written\n", why);
		apm_change_predict(c, s, -EINVAL);
		return 0;
	}
	s = apm_change_step(c, path, sp.form == APM_SPEC_IDS ? sp.kernel : r->spec, "write %s",
			    name);
	if (!s)
		return -ENOMEM;
	if (sp.form == APM_SPEC_IDS)
		apm_buf_printf(&c->preview, "%s %s: the %ss the host keeps (chzdev's form)\n", name,
			       r->spec, r->aq ? "domain" : "adapter");
	rc = apm_change_try(c, s);
	if (!*r->spec) {
		apm_buf_printf(&c->preview,
			       "an empty write never reaches the kernel: nothing changes\n");
	} else if (rc >= 0) {
		c->u.mask.expect = r->aq ? m->aqmask : m->apmask;
		preview(c, r->aq, &c->u.mask.expect);
		/* Queues that reach vfio_ap may plug into a guest whose mdev holds them. */
		apm_explain_guests(c);
		if (rc == APR_NOOP)
			apm_buf_printf(&c->preview,
				       "  the mask does not change: no re-probe, no uevent\n");
	} else {
		apm_explain_mask(c, name, r->spec, &sp.mask, rc);
	}
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

static void verify(struct apm_change *c)
{
	const struct apm_host *r = c->result;

	if (!apr_mask_equal(c->u.mask.aq ? &r->rules.aqmask : &r->rules.apmask, &c->u.mask.expect))
		apm_buf_printf(&c->notes,
			       "verification: %s reads back different from what was written\n",
			       c->u.mask.aq ? "aqmask" : "apmask");
}

const struct apm_planner apm_plan_mask = {
	.op = APM_OP_MASK,
	.journal = APM_J_MASK,
	.plan = plan,
	.verify = verify,
};

APM_EXPORT int apm_change_new_mask_spec(struct apm_host *host, bool aq, const char *spec,
					unsigned int flags, struct apm_change **out)
{
	struct mask_request r = { .aq = aq, .spec = spec, .flags = flags };

	return apm_change_plan(host, &apm_plan_mask, &r, out);
}

/* ABI 1's signature and reading: every SPEC as the kernel takes it. */
APM_EXPORT int apm_change_new_mask(struct apm_host *host, bool aq, const char *spec,
				   struct apm_change **out)
{
	return apm_change_new_mask_spec(host, aq, spec, APM_MASK_SPEC_ABSOLUTE, out);
}
