// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * keyprobe.c - reading the master-key verification patterns of queues
 * that vfio_ap holds.
 *
 * zcrypt shows a queue's `mkvps` only while its own driver holds the
 * queue (zcrypt_cex4.c adds the attribute in cex4queue's probe); vfio_ap's
 * queues have none.  A free vfio_ap queue (in no mdev) can be lent to
 * zcrypt for the reading: the masks give its domain (or adapter) to the
 * host, the bus re-probes and cex4queue takes it, the patterns are read,
 * and the masks give it back (ap_bus.c: apmask_store, aqmask_store; the
 * kernel refuses with EBUSY when that would take an APQN from an mdev:
 * vfio_ap_ops.c: vfio_ap_mdev_resource_in_use).  Queues going back to
 * vfio_ap are reset, as every queue vfio_ap takes is.  The host is
 * changed through the library's own changes, so each write is predicted,
 * applied under the AP configuration lock and verified.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

struct kentry {
	unsigned int adapter, domain, n;
	char reg[APR_MK_COUNT][16], state[APR_MK_COUNT][16], pattern[APR_MK_COUNT][APR_MKVP_STRLEN];
};

struct apm_keys {
	int refcount;
	unsigned int n, cap;
	struct kentry *e;
	struct apm_buf notes;
};

static int take(const char *reg, const char *state, const char *pattern, void *data)
{
	struct kentry *e = data;

	if (e->n < APR_MK_COUNT) {
		snprintf(e->reg[e->n], sizeof(e->reg[0]), "%s", reg);
		snprintf(e->state[e->n], sizeof(e->state[0]), "%s", state);
		snprintf(e->pattern[e->n], sizeof(e->pattern[0]), "%s", pattern);
		e->n++;
	}
	return 0;
}

/* Read what zcrypt shows of adapters x domains now; the queues it does not hold are left out. */
static int read_now(struct apm_keys *k, struct apm_host *host, const struct apr_mask *am,
		    const struct apr_mask *dm)
{
	for (unsigned int a = apr_mask_next(am, 0); a < APR_BITS; a = apr_mask_next(am, a + 1))
		for (unsigned int d = apr_mask_next(dm, 0); d < APR_BITS;
		     d = apr_mask_next(dm, d + 1)) {
			struct kentry *e;
			bool known = false;

			for (unsigned int i = 0; i < k->n && !known; i++)
				known = k->e[i].adapter == a && k->e[i].domain == d;
			if (known)
				continue;
			if (k->n == k->cap) {
				unsigned int cap = k->cap ? 2 * k->cap : 64;
				struct kentry *ne = realloc(k->e, cap * sizeof(*ne));

				if (!ne)
					return -ENOMEM;
				k->e = ne;
				k->cap = cap;
			}
			e = &k->e[k->n];
			memset(e, 0, sizeof(*e));
			e->adapter = a;
			e->domain = d;
			if (!apm_host_foreach_queue_mkvp(host, a, d, take, e) && e->n)
				k->n++;
		}
	return 0;
}

/*
 * One mask write as a change of the library; the host afterwards replaces
 * *host.  A refusal is added to errs, after any earlier one: the lend's
 * and the put-back's are both told.
 */
static int set_mask(struct apm_host **host, bool aq, const struct apm_mask *m, struct apm_keys *k,
		    struct apm_buf *errs)
{
	char spec[APR_MASK_STRLEN + 1];
	struct apm_change *c;
	const char *why;
	int rc;

	apm_mask_format(m, spec);
	rc = apm_change_new_mask(*host, aq, spec, &c);
	if (rc) {
		apm_buf_printf(errs, "%s %s: %s\n", aq ? "aqmask" : "apmask", spec,
			       apm_errno_name(rc));
		return rc;
	}
	rc = apm_change_apply(c);
	if (rc) {
		why = apm_change_get_explanation(c);
		apm_buf_printf(errs, "%s %s: %s: %s%s", aq ? "aqmask" : "apmask", spec,
			       apm_errno_name(rc), why,
			       !why[0] || why[strlen(why) - 1] != '\n' ? "\n" : "");
	} else {
		apm_buf_printf(&k->notes, "wrote %s %s\n", aq ? "aqmask" : "apmask", spec);
		if (apm_change_get_result(c)) {
			apm_host_unref(*host);
			*host = apm_host_ref(apm_change_get_result(c));
		}
	}
	apm_change_unref(c);
	return rc;
}

/*
 * err is one message, shown on one line (the console escapes a newline in
 * it as \x0a): the lines of text join as clauses, "; " between them.  What
 * does not fit is cut at a character and ends in "..." (as
 * apm_text_escape() marks a cut), never shown as if whole.
 */
static void one_line(const char *text, char *err, size_t errsize)
{
	size_t n = 0;
	bool cut = false;

	if (!err || !errsize)
		return;
	for (const char *s = text; *s && !cut;) {
		size_t len = strcspn(s, "\n"), sep = n ? 2 : 0;

		if (len) {
			size_t room = errsize - 1 - n;

			if (sep + len > room) {
				cut = true;
				len = room > sep ? room - sep : 0;
				sep = room > sep ? sep : room;
			}
			memcpy(err + n, "; ", sep);
			memcpy(err + n + sep, s, len);
			n += sep + len;
		}
		s += len;
		s += *s == '\n';
	}
	err[n] = '\0';
	if (cut)
		apm_text_mark_cut(err, n, errsize);
}

APM_EXPORT int apm_keys_read(struct apm_host **host, const struct apm_mask *adapters,
			     const struct apm_mask *domains, bool lend, struct apm_keys **out,
			     char *err, size_t errsize)
{
	const struct apr_mask *am = to_apr(adapters), *dm = to_apr(domains);
	struct apm_mask apm0, aqm0, apm1, aqm1;
	struct apm_keys *k = calloc(1, sizeof(*k));
	struct apm_buf errs = { 0 };
	bool lent = false;
	int rc, rc2 = 0;

	if (!k)
		return -ENOMEM;
	k->refcount = 1;
	if (err && errsize)
		err[0] = '\0';
	rc = read_now(k, *host, am, dm);
	apm_host_get_apmask(*host, &apm0);
	apm_host_get_aqmask(*host, &aqm0);
	apm1 = apm0;
	aqm1 = aqm0;
	/* Lend only what is vfio_ap's and free: a queue an mdev has stays where it is. */
	for (unsigned int a = apr_mask_next(am, 0); lend && !rc && a < APR_BITS;
	     a = apr_mask_next(am, a + 1))
		for (unsigned int d = apr_mask_next(dm, 0); d < APR_BITS;
		     d = apr_mask_next(dm, d + 1)) {
			struct apm_queue qi;

			if (apm_queue_init(&qi, *host, a, d) || !qi.exists || qi.owner_host ||
			    qi.mdev >= 0)
				continue;
			apr_mask_set((struct apr_mask *)&apm1, a);
			apr_mask_set((struct apr_mask *)&aqm1, d);
			lent = true;
		}
	/*
	 * A mask bit moves a whole row or column: never lend a domain or an
	 * adapter that would take an APQN from an mdev (the kernel would
	 * refuse the write with EBUSY); its queues stay unread.
	 */
	for (unsigned int i = 0; lent && i < apm_host_get_mdev_count(*host); i++) {
		struct apm_mdev *md = apm_host_get_mdev(*host, i);
		struct apm_mask ma, mq;

		apm_mdev_get_mask(md, APM_KIND_ADAPTER, &ma);
		apm_mdev_get_mask(md, APM_KIND_DOMAIN, &mq);
		for (unsigned int a = 0; a < APR_BITS; a++)
			for (unsigned int d = 0; apm_mask_test(&ma, a) && d < APR_BITS; d++) {
				bool was = apm_mask_test(&apm0, a) && apm_mask_test(&aqm0, d);

				if (!apm_mask_test(&mq, d) || was || !apm_mask_test(&apm1, a) ||
				    !apm_mask_test(&aqm1, d))
					continue;
				if (!apm_mask_test(&aqm0, d))
					apr_mask_clear((struct apr_mask *)&aqm1, d);
				else
					apr_mask_clear((struct apr_mask *)&apm1, a);
			}
	}
	if (lent && !rc) {
		bool ap = memcmp(&apm0, &apm1, sizeof(apm0)),
		     aq = memcmp(&aqm0, &aqm1, sizeof(aqm0));

		rc = aq ? set_mask(host, true, &aqm1, k, &errs) : 0;
		if (!rc && ap)
			rc = set_mask(host, false, &apm1, k, &errs);
		if (!rc)
			rc = read_now(k, *host, am, dm);
		/* Back as they were, whatever happened: apmask first, the reverse order. */
		rc2 = ap ? set_mask(host, false, &apm0, k, &errs) : 0;
		if (!rc2 && aq)
			rc2 = set_mask(host, true, &aqm0, k, &errs);
		if (rc2)
			rc = rc2 == -EBUSY ? -EBUSY : -EIO;
	}
	if (rc) {
		struct apm_buf msg = { 0 };
		char a[APR_MASK_STRLEN + 1], q[APR_MASK_STRLEN + 1], run[256];

		/*
		 * What the operator must run comes first, so that it is whole
		 * however long the explanations after it are; then why, then
		 * what was written before.
		 */
		run[0] = '\0';
		if (rc2) {
			apm_mask_format(&apm0, a);
			apm_mask_format(&aqm0, q);
			snprintf(
				run, sizeof(run),
				"the masks could not be put back: run `apmatrix mask apmask %s` and `apmatrix mask aqmask %s`\n",
				a, q);
		}
		apm_buf_printf(&msg, "%s%s%s", run, errs.s ? errs.s : "",
			       k->notes.s ? k->notes.s : "");
		one_line(msg.s && msg.s[0] ? msg.s
			 : run[0]	   ? run
					   : apm_errno_name(rc),
			 err, errsize);
		apm_buf_free(&msg);
		apm_buf_free(&errs);
		apm_keys_unref(k);
		return rc;
	}
	apm_buf_free(&errs);
	*out = k;
	return 0;
}

APM_EXPORT struct apm_keys *apm_keys_unref(struct apm_keys *k)
{
	if (!k || --k->refcount > 0)
		return k;
	free(k->e);
	apm_buf_free(&k->notes);
	free(k);
	return NULL;
}

APM_EXPORT const char *apm_keys_get_notes(const struct apm_keys *k)
{
	return k->notes.s ? k->notes.s : "";
}

APM_EXPORT int apm_keys_foreach(const struct apm_keys *k, unsigned int adapter, unsigned int domain,
				int (*fn)(const char *reg, const char *state, const char *pattern,
					  void *data),
				void *data)
{
	for (unsigned int i = 0; i < k->n; i++) {
		const struct kentry *e = &k->e[i];

		if (e->adapter != adapter || e->domain != domain)
			continue;
		for (unsigned int r = 0; r < e->n; r++) {
			int rc = fn(e->reg[r], e->state[r], e->pattern[r], data);

			if (rc)
				return rc;
		}
		return 0;
	}
	return -ENOENT;
}
