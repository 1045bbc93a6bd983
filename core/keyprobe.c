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

/* One mask write as a change of the library; the host afterwards replaces *host. */
static int set_mask(struct apm_host **host, bool aq, const struct apm_mask *m, struct apm_keys *k,
		    char *err, size_t errsize)
{
	char spec[80];
	struct apm_change *c;
	int rc;

	apm_mask_format(m, spec);
	rc = apm_change_new_mask(*host, aq, spec, &c);
	if (rc)
		return rc;
	rc = apm_change_apply(c);
	if (rc) {
		snprintf(err, errsize, "%s %s: %s: %s", aq ? "aqmask" : "apmask", spec,
			 apm_errno_name(rc), apm_change_get_explanation(c));
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
 * it as \x0a): the lines of the write's error and of the notes join it as
 * clauses, "; " between them.
 */
static void one_line(char *err, size_t errsize)
{
	char *copy;
	size_t n = 0;

	if (!err || !errsize)
		return;
	copy = strdup(err);
	if (!copy) {
		for (char *p = err; *p; p++)
			*p = *p == '\n' ? ' ' : *p;
		return;
	}
	for (const char *s = copy; *s && n + 1 < errsize;) {
		size_t len = strcspn(s, "\n");

		if (len) {
			n += (size_t)snprintf(err + n, errsize - n, n ? "; %.*s" : "%.*s", (int)len,
					      s);
			n = n < errsize ? n : errsize - 1;
		}
		s += len;
		s += *s == '\n';
	}
	err[n] = '\0';
	free(copy);
}

APM_EXPORT int apm_keys_read(struct apm_host **host, const struct apm_mask *adapters,
			     const struct apm_mask *domains, bool lend, struct apm_keys **out,
			     char *err, size_t errsize)
{
	const struct apr_mask *am = to_apr(adapters), *dm = to_apr(domains);
	struct apm_mask apm0, aqm0, apm1, aqm1;
	struct apm_keys *k = calloc(1, sizeof(*k));
	bool lent = false;
	int rc, rc2;

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

		rc = aq ? set_mask(host, true, &aqm1, k, err, errsize) : 0;
		if (!rc && ap)
			rc = set_mask(host, false, &apm1, k, err, errsize);
		if (!rc)
			rc = read_now(k, *host, am, dm);
		/* Back as they were, whatever happened: apmask first, the reverse order. */
		rc2 = ap ? set_mask(host, false, &apm0, k, err, errsize) : 0;
		if (!rc2 && aq)
			rc2 = set_mask(host, true, &aqm0, k, err, errsize);
		if (rc2) {
			char a[80], q[80];

			apm_mask_format(&apm0, a);
			apm_mask_format(&aqm0, q);
			apm_buf_printf(
				&k->notes,
				"the masks could not be put back: run `apmatrix mask apmask %s` and `apmatrix mask aqmask %s`\n",
				a, q);
			rc = rc2 == -EBUSY ? -EBUSY : -EIO;
		}
	}
	if (rc) {
		if (err && k->notes.len) {
			size_t n = strlen(err);

			snprintf(err + n, errsize - n, "%s%s", n ? "\n" : "", k->notes.s);
		}
		one_line(err, errsize);
		apm_keys_unref(k);
		return rc;
	}
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
