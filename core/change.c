// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * change.c - planned changes: predict, explain, apply, verify.
 *
 * A change is a list of sysfs writes planned against a snapshot.  Before
 * anything is written, each step is run through the kernel's rules on a
 * working copy of the model, so the operator sees the verdict (and why) up
 * front; applying writes the steps in order through the seam, records the
 * kernel's real errno next to the prediction, stops at the first refusal,
 * re-reads the host and checks that it now looks as intended.
 *
 * Explanations name the APQN, the mdev (short uuid and guest) and what to
 * do, because a bare "Address already in use" is what operators get today.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apm-private.h"

enum change_kind {
	CH_MASK,
	CH_ASSIGN,
	CH_MDEV_CREATE,
	CH_MDEV_REMOVE,
	CH_CONFIG,
	CH_ONLINE, /* zcrypt online: the re-read shows it, nothing to verify */
	CH_RESCAN,
	CH_SIM,
};

struct step {
	char what[160];
	char path[160];
	char *value; /* whole, however long: what is previewed is what is written */
	int predicted;
	int actual;
	bool applied;
	bool hold;    /* refused before writing: it would block, or local policy (--strict) */
	bool has_alt; /* alt is an answer the rules cannot foresee: no mismatch */
	int alt;      /* (no SCLP facility: EOPNOTSUPP) */
};

struct apm_change {
	int refcount;
	enum change_kind kind;
	struct apm_host *host;
	struct apm_host *result;
	struct step *steps;
	unsigned int nsteps;
	int prediction;
	bool mismatch;
	struct apm_buf preview, explanation, notes;
	char uuid[37];
	/* What the host should look like afterwards, for verification. */
	bool aq;
	struct apr_mask expect_mask;
	int mdev;
	struct apr_mdev expect;
	enum apm_res res;
	bool unassign;
	unsigned int config_adapter;
	bool config_on;
};

/* The rules' working copy, advanced by every step predicted to succeed. */
struct work {
	struct apr_host h;
	struct apr_mdev *m;
	int n;
};

static int work_init(struct work *w, const struct apm_host *host)
{
	w->h = host->rules;
	w->n = (int)host->nmdevs;
	w->m = malloc((host->nmdevs ? host->nmdevs : 1) * sizeof(*w->m));
	if (!w->m)
		return -ENOMEM;
	memcpy(w->m, host->rmdevs, host->nmdevs * sizeof(*w->m));
	return 0;
}

static void short_uuid(const char *uuid, char *out)
{
	snprintf(out, 16, "%.8s…", uuid);
}

/* "mdev 8f2a7c10… (guest Guest3)" into out. */
static void mdev_label(const struct apm_host *host, int i, char *out, size_t size)
{
	const struct apm_mdev *m = &host->mdevs[i];
	char s[16];

	short_uuid(m->uuid, s);
	if (m->guest[0])
		snprintf(out, size, "mdev %s (%s)", s, m->guest);
	else if (m->in_use == 1)
		snprintf(out, size, "mdev %s (in use by a guest)", s);
	else
		snprintf(out, size, "mdev %s", s);
}

static int change_new(struct apm_host *host, enum change_kind kind, struct apm_change **out)
{
	struct apm_change *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->kind = kind;
	c->host = apm_host_ref(host);
	c->mdev = -1;
	*out = c;
	return 0;
}

static struct step *add_step(struct apm_change *c, const char *path, const char *value)
{
	struct step *s = realloc(c->steps, (c->nsteps + 1) * sizeof(*s));
	char *v;

	if (!s)
		return NULL;
	c->steps = s;
	v = strdup(value);
	if (!v)
		return NULL;
	s += c->nsteps++;
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->value = v;
	return s;
}

static void predict(struct apm_change *c, struct step *s, int rc)
{
	s->predicted = rc;
	if (rc < 0 && !c->prediction)
		c->prediction = rc;
}

static void ids_text(const struct apr_mask *m, char *out, size_t size)
{
	apm_mask_format_ranges((const struct apm_mask *)m, out, size);
	if (!out[0])
		snprintf(out, size, "none");
}

/* ---------------------------------------------------------------- masks */

static void explain_mask(struct apm_change *c, const char *name, const char *spec, int rc,
			 const struct apr_conflict *cf)
{
	const struct apm_host *h = c->host;
	char mdev[96];

	switch (rc) {
	case -EINVAL:
		if (h->rules.profile >= APR_PROFILE_6_19 && h->rules.any_override)
			apm_buf_printf(
				&c->explanation,
				"%s cannot change while queues have a driver_override (6.19 override mode: masks and overrides exclude each other); clear every queue's driver_override first\n",
				name);
		else
			apm_buf_printf(
				&c->explanation,
				"'%s' is not a valid %s: use 0x followed by up to 64 hex digits (bit 0 leftmost), or a list like +5,-0x47,+0x10-0x1f with IDs 0..255 (a leading 0 means octal)\n",
				spec, name);
		break;
	case -EBUSY:
		mdev_label(h, cf->mdev, mdev, sizeof(mdev));
		apm_buf_printf(
			&c->explanation,
			"%s %s cannot give APQN %02x.%04x back to the host: it is assigned to %s; unassign it there first (the kernel answers EBUSY; its document says 'Address already in use')\n",
			name, spec, cf->apid, cf->apqi, mdev);
		break;
	default:
		break;
	}
}

static void mask_preview(struct apm_change *c, bool aq, const struct apr_mask *newm)
{
	const struct apm_host *h = c->host;
	const struct apr_mask *old = aq ? &h->rules.aqmask : &h->rules.apmask;
	char hex[APR_MASK_STRLEN + 1], ranges[1024];
	unsigned int shown = 0, total = 0;

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
			total++;
			if (shown++ < 32)
				apm_buf_printf(&c->preview, "  %02x.%04x: %s -> %s\n", a, q,
					       was ? "host" : "vfio_ap", now ? "host" : "vfio_ap");
		}
	if (total > 32)
		apm_buf_printf(&c->preview, "  ... and %u more APQNs change owner\n", total - 32);
	if (!total)
		apm_buf_printf(&c->preview, "  no existing queue changes owner\n");
}

APM_EXPORT int apm_change_new_mask(struct apm_host *host, bool aq, const char *spec,
				   struct apm_change **out)
{
	const char *name = aq ? "aqmask" : "apmask";
	struct apr_conflict cf;
	struct apr_mask newm;
	struct apm_change *c;
	struct step *s;
	char path[32];
	int rc;

	rc = change_new(host, CH_MASK, &c);
	if (rc)
		return rc;
	c->aq = aq;
	snprintf(path, sizeof(path), "bus/ap/%s", name);
	s = add_step(c, path, spec);
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "write %s", name);
	if (!*spec) {
		/* A 0-byte write never reaches the store (spec §2.2). */
		apm_buf_printf(&c->preview,
			       "an empty write never reaches the kernel: nothing changes\n");
		c->expect_mask = aq ? host->rules.aqmask : host->rules.apmask;
		predict(c, s, 0);
		*out = c;
		return 0;
	}
	if (strlen(spec) > APR_PAGE_SIZE) {
		/* kernfs takes a sysfs write whole or not at all (atomic_write_len). */
		apm_buf_printf(
			&c->explanation,
			"the %s SPEC is %zu bytes long: a sysfs attribute takes at most %d bytes in one write, so the kernel refuses all of it (E2BIG) and nothing changes\n",
			name, strlen(spec), APR_PAGE_SIZE);
		predict(c, s, -E2BIG);
		*out = c;
		return 0;
	}
	rc = apr_mask_store(&host->rules, host->rmdevs, (int)host->nmdevs, aq, spec, &newm, &cf);
	if (rc >= 0) {
		mask_preview(c, aq, &newm);
		c->expect_mask = newm;
		if (rc == 1)
			apm_buf_printf(&c->preview,
				       "  the mask does not change: no re-probe, no uevent\n");
		rc = 0;
	} else {
		explain_mask(c, name, spec, rc, &cf);
	}
	predict(c, s, rc);
	*out = c;
	return 0;
}

/* -------------------------------------------------------------- assign */

static const char *res_name(enum apm_res r)
{
	return r == APM_RES_ADAPTER ? "adapter" : r == APM_RES_DOMAIN ? "domain" : "control domain";
}

static const char *res_attr(enum apm_res r)
{
	return r == APM_RES_ADAPTER ? "adapter" : r == APM_RES_DOMAIN ? "domain" : "control_domain";
}

static void explain_assign(struct apm_change *c, int self, const char *what, int rc,
			   const struct apr_conflict *cf)
{
	const struct apm_host *h = c->host;
	char me[96], other[96];

	mdev_label(h, self, me, sizeof(me));
	switch (rc) {
	case -ENODEV:
		apm_buf_printf(
			&c->explanation,
			"%s cannot go to %s: it is above this host's maximum (adapters 0..0x%02x, domains 0..0x%02x: ap_max_adapter_id/ap_max_domain_id)\n",
			what, me, h->max_apid, h->max_apqi);
		break;
	case -EADDRNOTAVAIL:
		if (h->rules.profile == APR_PROFILE_STATIC)
			apm_buf_printf(
				&c->explanation,
				"%s cannot go to %s: APQN %02x.%04x is not bound to vfio_ap (this kernel needs bound queues); free it with apmask/aqmask first\n",
				what, me, cf->apid, cf->apqi);
		else
			apm_buf_printf(
				&c->explanation,
				"%s cannot go to %s: APQN %02x.%04x is reserved for the host's zcrypt drivers by apmask/aqmask; free it first (e.g. apmatrix mask apmask -0x%02x or aqmask -0x%02x)\n",
				what, me, cf->apid, cf->apqi, cf->apid, cf->apqi);
		break;
	case -EADDRINUSE:
		mdev_label(h, cf->mdev, other, sizeof(other));
		apm_buf_printf(
			&c->explanation,
			"%s cannot go to %s: APQN %02x.%04x is already assigned to %s; unassign it there first\n",
			what, me, cf->apid, cf->apqi, other);
		break;
	case -EBUSY:
		apm_buf_printf(
			&c->explanation,
			"%s cannot change while a guest uses %s: this kernel (static vfio_ap, before 6.0) has no hot plug; stop the guest first\n",
			what, me);
		break;
	default:
		apm_buf_printf(&c->explanation, "%s for %s: %s\n", what, me, apm_errno_name(rc));
		break;
	}
}

/* What the guest gains and loses between two shadows. */
static void guest_delta(struct apm_change *c, int i, const struct apr_mdev *before,
			const struct apr_mdev *after)
{
	const struct apm_mdev *m = &c->host->mdevs[i];
	struct apm_buf gain = { 0 }, lose = { 0 };
	unsigned int ng = 0, nl = 0;

	for (unsigned int a = 0; a < APR_BITS; a++) {
		bool ba = apr_mask_test(&before->sapm, a), aa = apr_mask_test(&after->sapm, a);

		if (!ba && !aa)
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool b = ba && apr_mask_test(&before->saqm, q);
			bool n = aa && apr_mask_test(&after->saqm, q);

			if (b && !n && nl++ < 24)
				apm_buf_printf(&lose, " %02x.%04x", a, q);
			if (!b && n && ng++ < 24)
				apm_buf_printf(&gain, " %02x.%04x", a, q);
		}
	}
	if (m->in_use == 1 || m->guest[0]) {
		const char *g = m->guest[0] ? m->guest : "its guest";

		if (nl)
			apm_buf_printf(&c->preview, "  hot unplug from %s:%s%s\n", g, lose.s,
				       nl > 24 ? " ..." : "");
		if (ng)
			apm_buf_printf(&c->preview, "  hot plug into %s:%s%s\n", g, gain.s,
				       ng > 24 ? " ..." : "");
	} else if (nl || ng) {
		apm_buf_printf(&c->preview, "  guest matrix:%s%s%s%s (no guest running)\n",
			       ng ? " +" : "", ng ? gain.s : "", nl ? " -" : "", nl ? lose.s : "");
	}
	apm_buf_free(&gain);
	apm_buf_free(&lose);
}

/* Set or clear ids in mask (unassign: clear). */
static void apply_ids(struct apr_mask *mask, const unsigned int *ids, size_t n, bool clear)
{
	for (size_t k = 0; k < n; k++) {
		if (clear)
			apr_mask_clear(mask, ids[k]);
		else
			apr_mask_set(mask, ids[k]);
	}
}

/* "adapters 0x05-0x06" for the explanations. */
static void ids_named(const char *kind, const unsigned int *ids, size_t n, char *out, size_t size)
{
	struct apr_mask asked;
	char list[64];

	apr_mask_zero(&asked);
	apply_ids(&asked, ids, n, false);
	ids_text(&asked, list, sizeof(list));
	snprintf(out, size, "%ss %s", kind, list);
}

/* One all-or-nothing ap_config write that installs cfg (spec §6.2). */
static int plan_ap_config_masks(struct apm_change *c, struct work *w, int i,
				const struct apr_mask cfg[3], const char *what, const char *step)
{
	struct apr_mdev *m = &w->m[i];
	char hex[3][APR_MASK_STRLEN + 1], value[240], path[128];
	struct apr_conflict cf = { 0 };
	struct apr_mdev before = *m;
	struct apr_mask filtered;
	struct step *s;
	int rc;

	for (int k = 0; k < 3; k++)
		apr_mask_format(&cfg[k], hex[k]);
	snprintf(value, sizeof(value), "%s,%s,%s\n", hex[0], hex[1], hex[2]);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/ap_config", c->host->mdevs[i].uuid);
	s = add_step(c, path, value);
	if (!s)
		return -ENOMEM;
	snprintf(s->what, sizeof(s->what), "%s", step);
	rc = apr_check_ap_config(&w->h, w->m, w->n, i, cfg, &cf);
	if (rc == -ENODEV)
		apm_buf_printf(
			&c->explanation,
			"the %s cannot go to mdev %.8s…: one is above this host's maximum (adapters 0x%02x, domains 0x%02x)\n",
			what, c->host->mdevs[i].uuid, w->h.max_apid, w->h.max_apqi);
	else if (rc)
		explain_assign(c, i, what, rc, &cf);
	predict(c, s, rc);
	if (rc)
		return 0;
	for (unsigned int b = 0; b < APR_BITS; b++) {
		if (apr_mask_test(&m->apm, b) && !apr_mask_test(&cfg[0], b))
			apr_unassign(m, APR_ADAPTER, b);
		if (apr_mask_test(&m->aqm, b) && !apr_mask_test(&cfg[1], b))
			apr_unassign(m, APR_DOMAIN, b);
		if (apr_mask_test(&m->adm, b) && !apr_mask_test(&cfg[2], b))
			apr_unassign(m, APR_CONTROL_DOMAIN, b);
	}
	m->apm = cfg[0];
	m->aqm = cfg[1];
	m->adm = cfg[2];
	apr_filter(&w->h, m, &filtered);
	apr_filter_cdoms(&w->h, m);
	guest_delta(c, i, &before, m);
	return 0;
}

static int plan_ap_config(struct apm_change *c, struct work *w, int i, const unsigned int *ids,
			  size_t n)
{
	struct apr_mdev *m = &w->m[i];
	struct apr_mask cfg[3] = { m->apm, m->aqm, m->adm };
	char what[96], step[96];

	apply_ids(&cfg[c->res], ids, n, c->unassign);
	ids_named(res_name(c->res), ids, n, what, sizeof(what));
	snprintf(step, sizeof(step), "%s %zu %ss in one ap_config write",
		 c->unassign ? "unassign" : "assign", n, res_name(c->res));
	return plan_ap_config_masks(c, w, i, cfg, what, step);
}

static int plan_single(struct apm_change *c, struct work *w, int i, unsigned int id)
{
	enum apr_kind kind = (enum apr_kind)c->res;
	struct apr_mdev *m = &w->m[i];
	struct apr_mdev before = *m;
	struct apr_conflict cf = { 0 };
	struct apr_mask filtered;
	char path[160], what[64], num[16];
	unsigned long parsed;
	struct step *s;
	int rc;

	snprintf(num, sizeof(num), "%u", id);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/%sassign_%s",
		 c->host->mdevs[i].uuid, c->unassign ? "un" : "", res_attr(c->res));
	snprintf(what, sizeof(what), "%s 0x%02x", res_name(c->res), id);
	s = add_step(c, path, num);
	if (!s)
		return -ENOMEM;
	snprintf(s->what, sizeof(s->what), "%s %s", c->unassign ? "unassign" : "assign", what);
	if (c->unassign)
		rc = apr_check_unassign(&w->h, m, kind, num, &parsed);
	else
		rc = apr_check_assign(&w->h, w->m, w->n, i, kind, num, &parsed, &cf);
	if (rc < 0) {
		explain_assign(c, i, what, rc, &cf);
		predict(c, s, rc);
		return 0;
	}
	if (rc == 1) {
		apm_buf_printf(&c->preview, "  %s is %s: nothing changes\n", what,
			       c->unassign ? "not assigned" : "already assigned");
		predict(c, s, 1);
		return 0;
	}
	predict(c, s, 0);
	if (c->unassign) {
		apr_unassign(m, kind, id);
	} else {
		apr_mask_set(kind == APR_ADAPTER  ? &m->apm
			     : kind == APR_DOMAIN ? &m->aqm
						  : &m->adm,
			     id);
		if (kind == APR_CONTROL_DOMAIN)
			apr_filter_cdoms(&w->h, m);
		else
			apr_filter(&w->h, m, &filtered);
	}
	guest_delta(c, i, &before, m);
	return 0;
}

/* The matrix an mdev will have: the cross product, not just the cells named. */
static void matrix_preview(struct apm_change *c, const struct apr_mdev *m)
{
	char a[512], d[512], cd[512];

	ids_text(&m->apm, a, sizeof(a));
	ids_text(&m->aqm, d, sizeof(d));
	ids_text(&m->adm, cd, sizeof(cd));
	apm_buf_printf(
		&c->preview,
		"  resulting matrix: adapters %s x domains %s = %u APQNs; control domains %s\n", a,
		d, apr_mask_weight(&m->apm) * apr_mask_weight(&m->aqm), cd);
}

/* Adapter and domain IDs stop at 255 (spec §0.3). */
static bool ids_in_range(const unsigned int *ids, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (ids[k] > 255)
			return false;
	return true;
}

/* The start of every assignment change: the mdev, a fresh change and its work copy. */
static int assign_begin(struct apm_host *host, struct apm_mdev *md, bool unassign,
			struct apm_change **out, struct work *w, int *idx)
{
	struct apm_change *c;
	int rc = change_new(host, CH_ASSIGN, &c);

	if (rc)
		return rc;
	rc = work_init(w, host);
	if (rc) {
		apm_change_unref(c);
		return rc;
	}
	*idx = apm_host_mdev_index(host, md);
	c->mdev = *idx;
	c->unassign = unassign;
	memcpy(c->uuid, md->uuid, sizeof(c->uuid));
	*out = c;
	return 0;
}

APM_EXPORT int apm_change_new_assign(struct apm_host *host, const char *uuid, enum apm_res res,
				     bool unassign, const unsigned int *ids, size_t n,
				     struct apm_change **out)
{
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);
	struct apm_change *c;
	struct work w;
	int rc, i;

	if (!md || !n)
		return md ? -EINVAL : -ENODEV;
	if (!ids_in_range(ids, n))
		return -ERANGE;
	rc = assign_begin(host, md, unassign, &c, &w, &i);
	if (rc)
		return rc;
	c->res = res;
	apm_buf_printf(&c->preview, "%s %s%s of mdev %s%s%s%s:", unassign ? "unassign" : "assign",
		       res_name(res), n > 1 ? "s" : "", md->uuid, md->guest[0] ? " (" : "",
		       md->guest, md->guest[0] ? ")" : "");
	for (size_t k = 0; k < n; k++)
		apm_buf_printf(&c->preview, " 0x%02x", ids[k]);
	apm_buf_printf(&c->preview, "\n");
	/* Several IDs go in one all-or-nothing ap_config write where the kernel has it. */
	if (n > 1 && md->has_ap_config)
		rc = plan_ap_config(c, &w, i, ids, n);
	else
		for (size_t k = 0; k < n && !rc; k++)
			rc = plan_single(c, &w, i, ids[k]);
	c->expect = w.m[i];
	matrix_preview(c, &w.m[i]);
	free(w.m);
	if (rc) {
		apm_change_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

/*
 * The rows and columns of a selection: adapters and domains together, in
 * one ap_config write where the kernel has it (all or nothing), else
 * adapter by adapter, then domain by domain.
 */
APM_EXPORT int apm_change_new_assign_matrix(struct apm_host *host, const char *uuid, bool unassign,
					    const unsigned int *adapters, size_t na,
					    const unsigned int *domains, size_t nd,
					    struct apm_change **out)
{
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);
	struct apm_change *c;
	struct work w;
	int rc, i;

	if (!md || (!na && !nd))
		return md ? -EINVAL : -ENODEV;
	if (!ids_in_range(adapters, na) || !ids_in_range(domains, nd))
		return -ERANGE;
	rc = assign_begin(host, md, unassign, &c, &w, &i);
	if (rc)
		return rc;
	apm_buf_printf(&c->preview, "%s adapters", unassign ? "unassign" : "assign");
	for (size_t k = 0; k < na; k++)
		apm_buf_printf(&c->preview, " 0x%02x", adapters[k]);
	apm_buf_printf(&c->preview, " and domains");
	for (size_t k = 0; k < nd; k++)
		apm_buf_printf(&c->preview, " 0x%02x", domains[k]);
	apm_buf_printf(&c->preview, " %s mdev %s%s%s%s\n", unassign ? "from" : "to", md->uuid,
		       md->guest[0] ? " (" : "", md->guest, md->guest[0] ? ")" : "");
	if (md->has_ap_config) {
		struct apr_mdev *m = &w.m[i];
		struct apr_mask cfg[3] = { m->apm, m->aqm, m->adm };
		char what[200], a[96], d[96], step[96];

		apply_ids(&cfg[0], adapters, na, unassign);
		apply_ids(&cfg[1], domains, nd, unassign);
		ids_named("adapter", adapters, na, a, sizeof(a));
		ids_named("domain", domains, nd, d, sizeof(d));
		snprintf(what, sizeof(what), "%s and %s", a, d);
		snprintf(step, sizeof(step),
			 "%s %zu adapters and %zu domains in one ap_config write",
			 unassign ? "unassign" : "assign", na, nd);
		c->res = APM_RES_ADAPTER;
		rc = plan_ap_config_masks(c, &w, i, cfg, what, step);
	} else {
		c->res = APM_RES_ADAPTER;
		for (size_t k = 0; k < na && !rc; k++)
			rc = plan_single(c, &w, i, adapters[k]);
		c->res = APM_RES_DOMAIN;
		for (size_t k = 0; k < nd && !rc; k++)
			rc = plan_single(c, &w, i, domains[k]);
	}
	c->expect = w.m[i];
	matrix_preview(c, &w.m[i]);
	if (c->prediction < 0) {
		/* Refused: nothing changes, but the operator should see what was asked. */
		struct apr_mdev req = c->host->mdevs[i].m;
		char a[512], d[512];

		apply_ids(&req.apm, adapters, na, unassign);
		apply_ids(&req.aqm, domains, nd, unassign);
		ids_text(&req.apm, a, sizeof(a));
		ids_text(&req.aqm, d, sizeof(d));
		apm_buf_printf(
			&c->preview,
			"  asked for: adapters %s x domains %s = %u APQNs (refused: nothing changes)\n",
			a, d, apr_mask_weight(&req.apm) * apr_mask_weight(&req.aqm));
	}
	free(w.m);
	if (rc) {
		apm_change_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* ---------------------------------------------------------------- mdevs */

APM_EXPORT int apm_change_new_mdev_create(struct apm_host *host, const char *uuid,
					  struct apm_change **out)
{
	struct apm_change *c;
	struct step *s;
	int rc;

	if (uuid && !apm_uuid_valid(uuid))
		return -EINVAL;
	rc = change_new(host, CH_MDEV_CREATE, &c);
	if (rc)
		return rc;
	if (uuid) {
		for (int i = 0; i < 36; i++)
			c->uuid[i] =
				(char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	} else {
		apm_uuid_generate(c->uuid);
	}
	s = add_step(c, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
		     c->uuid);
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "create mdev %s", c->uuid);
	if (!host->vfio_ap_loaded) {
		apm_buf_printf(
			&c->explanation,
			"mdev %s cannot be created: the vfio_ap module is not loaded (modprobe vfio_ap)\n",
			c->uuid);
		predict(c, s, -ENOENT);
	} else if (apm_host_find_mdev(host, c->uuid)) {
		apm_buf_printf(&c->explanation, "mdev %s already exists; pick another UUID\n",
			       c->uuid);
		predict(c, s, -EEXIST);
	} else {
		predict(c, s, 0);
	}
	*out = c;
	return 0;
}

APM_EXPORT int apm_change_new_mdev_remove(struct apm_host *host, const char *uuid,
					  struct apm_change **out)
{
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);
	struct apm_change *c;
	struct step *s;
	char path[128];
	int rc;

	if (!md)
		return -ENODEV;
	rc = change_new(host, CH_MDEV_REMOVE, &c);
	if (rc)
		return rc;
	memcpy(c->uuid, md->uuid, sizeof(c->uuid));
	c->mdev = apm_host_mdev_index(host, md);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/remove", md->uuid);
	s = add_step(c, path, "1");
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "remove mdev %s", md->uuid);
	predict(c, s, 0);
	if (md->in_use == 1) {
		const char *g = md->guest[0] ? md->guest : "its guest";

		/* spec §3.7: refused (≤5.15), blocks (6.0-6.4), empties the guest (6.5+). */
		if (host->rules.profile == APR_PROFILE_STATIC) {
			apm_buf_printf(
				&c->explanation,
				"mdev %s is in use by %s and this kernel refuses to remove it (EBUSY); stop the guest first\n",
				md->uuid, g);
			predict(c, s, -EBUSY);
		} else if (host->rules.profile == APR_PROFILE_6_0) {
			apm_buf_printf(
				&c->explanation,
				"mdev %s is in use by %s: on this kernel generation the remove blocks until the guest releases the device; stop or detach the guest first\n",
				md->uuid, g);
			predict(c, s, -EDEADLK);
			s->hold = true;
		} else {
			apm_buf_printf(
				&c->preview,
				"  %s is using mdev %s: the kernel clears the guest's AP masks at once (it loses every APQN) and asks QEMU to release the device; the remove returns when it does\n",
				g, md->uuid);
		}
	}
	*out = c;
	return 0;
}

/* ------------------------------------------------------- config, rescan */

APM_EXPORT int apm_change_new_config(struct apm_host *host, unsigned int adapter, bool on,
				     struct apm_change **out)
{
	struct apm_change *c;
	struct step *s;
	char path[64];
	int rc;

	if (adapter > 255)
		return -ERANGE;
	rc = change_new(host, CH_CONFIG, &c);
	if (rc)
		return rc;
	c->config_adapter = adapter;
	c->config_on = on;
	snprintf(path, sizeof(path), "devices/ap/card%02x/config", adapter);
	s = add_step(c, path, on ? "1" : "0");
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "configure adapter 0x%02x %s", adapter,
		 on ? "on" : "off");
	if (!host->cards[adapter].has_card) {
		apm_buf_printf(&c->explanation, "adapter 0x%02x has no card device on this host\n",
			       adapter);
		predict(c, s, -ENOENT);
	} else if (host->cards[adapter].config < 0) {
		apm_buf_printf(
			&c->explanation,
			"card%02x has no config attribute: this kernel predates SCLP adapter configuration (≈5.10)\n",
			adapter);
		predict(c, s, -ENOENT);
	} else {
		predict(c, s, 0);
		/* Whether the machine has the SCLP facility shows only in the answer. */
		s->has_alt = true;
		s->alt = -EOPNOTSUPP;
		if (!on)
			apm_buf_printf(
				&c->preview,
				"  adapter 0x%02x goes to standby; its queues follow at the next AP bus scan; a guest keeps it in its matrix and sees it deconfigured\n",
				adapter);
	}
	*out = c;
	return 0;
}

/*
 * zcrypt's online attribute of a card (domain < 0) or of a queue (spec §1.3,
 * §1.4): present only while bound to cex4card/cex4queue; going online needs
 * the card (and queue) configured and not checkstopped, and a queue needs
 * its card online.  The queue's own config follows its card at each scan.
 */
APM_EXPORT int apm_change_new_online(struct apm_host *host, unsigned int adapter, int domain,
				     bool on, struct apm_change **out)
{
	const struct apm_card *card;
	struct apm_change *c;
	struct step *s;
	char path[64], who[24];
	int rc, drv;

	if (adapter > 255 || domain > 255)
		return -ERANGE;
	rc = change_new(host, CH_ONLINE, &c);
	if (rc)
		return rc;
	card = &host->cards[adapter];
	if (domain < 0) {
		snprintf(path, sizeof(path), "devices/ap/card%02x/online", adapter);
		snprintf(who, sizeof(who), "card%02x", adapter);
	} else {
		snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/online", adapter,
			 adapter, domain);
		snprintf(who, sizeof(who), "queue %02x.%04x", adapter, domain);
	}
	s = add_step(c, path, on ? "1" : "0");
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "set %s %s", who, on ? "online" : "offline");
	drv = domain < 0 ? 0 : host->queue[adapter][domain] & APM_Q_DRV;
	if (!card->has_card || (domain >= 0 && !(host->queue[adapter][domain] & APM_Q_EXISTS))) {
		apm_buf_printf(&c->explanation, "there is no %s on this host\n", who);
		predict(c, s, -ENOENT);
	} else if ((domain < 0 && card->online < 0) ||
		   (domain >= 0 && (!drv || !host->driver_default[drv - 1]))) {
		apm_buf_printf(
			&c->explanation,
			"%s is not bound to a zcrypt driver, so it has no online attribute; online/offline is zcrypt's, vfio_ap queues go to guests instead\n",
			who);
		predict(c, s, -ENOENT);
	} else if (on && (card->config == 0 || card->chkstop == 1)) {
		apm_buf_printf(&c->explanation,
			       "%s cannot go online: adapter 0x%02x is %s; configure it on first\n",
			       who, adapter,
			       card->chkstop == 1 ? "checkstopped" : "configured off");
		predict(c, s, -ENODEV);
	} else if (on && domain >= 0 && card->online == 0) {
		apm_buf_printf(
			&c->explanation,
			"%s cannot go online while card%02x is offline; set the card online first\n",
			who, adapter);
		predict(c, s, -EINVAL);
	} else {
		predict(c, s, 0);
		if (domain < 0)
			apm_buf_printf(&c->preview,
				       "  every zcrypt queue of card%02x follows it %s\n", adapter,
				       on ? "online" : "offline (pending requests are flushed)");
	}
	*out = c;
	return 0;
}

APM_EXPORT int apm_change_new_rescan(struct apm_host *host, struct apm_change **out)
{
	struct apm_change *c;
	struct step *s;
	int rc = change_new(host, CH_RESCAN, &c);

	if (rc)
		return rc;
	s = add_step(c, "bus/ap/scans", "1");
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "rescan the AP bus");
	predict(c, s, 0);
	*out = c;
	return 0;
}

/* ------------------------------------------------------ simulated host */

APM_EXPORT int apm_change_new_sim(struct apm_host *host, enum apm_sim_op op,
				  const struct apm_sim_arg *arg, struct apm_change **out)
{
	static const char *const attrs[] = {
		[APM_SIM_GUEST_START] = "guest_start",
		[APM_SIM_GUEST_STOP] = "guest_stop",
		[APM_SIM_SE_CONFIG] = "se_config",
		[APM_SIM_CHKSTOP] = "chkstop",
		[APM_SIM_LPAR_ADD_ADAPTER] = "add_adapter",
		[APM_SIM_LPAR_REMOVE_ADAPTER] = "remove_adapter",
		[APM_SIM_LPAR_ADD_USAGE_DOMAIN] = "add_usage_domain",
		[APM_SIM_LPAR_REMOVE_USAGE_DOMAIN] = "remove_usage_domain",
		[APM_SIM_LPAR_ADD_CONTROL_DOMAIN] = "add_control_domain",
		[APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN] = "remove_control_domain",
		[APM_SIM_SCAN] = "scan",
	};
	struct apm_ctx *ctx = host->ctx;
	struct apm_mdev *md = NULL;
	struct apm_change *c;
	char path[64], value[128];
	struct step *s;
	int rc, pred = 0;
	bool strict_hold = false;

	if ((unsigned int)op >= ARRAY_SIZE(attrs))
		return -EINVAL;
	snprintf(path, sizeof(path), "kernel/apsim/%s", attrs[op]);
	/* Real hosts have no hypervisor controls; the apsim module provides them. */
	if (ctx->kind != APM_HOST_SIM && !ctx->ops->can_write(ctx->be, path))
		return -EOPNOTSUPP;
	rc = change_new(host, CH_SIM, &c);
	if (rc)
		return rc;
	switch (op) {
	case APM_SIM_GUEST_START:
	case APM_SIM_GUEST_STOP:
		md = apm_host_find_mdev(host, arg->uuid);
		snprintf(value, sizeof(value), "%s %s", md ? md->uuid : arg->uuid,
			 op == APM_SIM_GUEST_START ? arg->name : "");
		if (!md) {
			apm_buf_printf(&c->explanation, "there is no mdev %s\n", arg->uuid);
			pred = -ENODEV;
		} else if (op == APM_SIM_GUEST_START && md->in_use == 1) {
			apm_buf_printf(
				&c->explanation,
				"mdev %s is already used by %s: a VFIO group opens exclusively\n",
				md->uuid, md->guest[0] ? md->guest : "another guest");
			pred = -EBUSY;
		} else if (op == APM_SIM_GUEST_START) {
			for (unsigned int i = 0; i < host->nmdevs; i++)
				if (host->mdevs[i].in_use == 1 &&
				    !strcmp(host->mdevs[i].guest, arg->name)) {
					apm_buf_printf(
						&c->explanation,
						"guest %s already holds mdev %s: one vfio-ap device per guest\n",
						arg->name, host->mdevs[i].uuid);
					pred = -EPERM;
				}
		} else if (md->in_use != 1) {
			apm_buf_printf(&c->explanation, "no guest is using mdev %s\n", md->uuid);
			pred = -EINVAL;
		}
		if (md)
			memcpy(c->uuid, md->uuid, sizeof(c->uuid));
		break;
	case APM_SIM_SE_CONFIG:
	case APM_SIM_CHKSTOP:
		snprintf(value, sizeof(value), "%u %d", arg->id, arg->on);
		if (!apr_mask_test(&host->rules.qci_apm, arg->id)) {
			apm_buf_printf(&c->explanation, "adapter 0x%02x is not in the LPAR\n",
				       arg->id);
			pred = -ENODEV;
		}
		break;
	case APM_SIM_LPAR_ADD_ADAPTER:
		snprintf(value, sizeof(value), "%u %s", arg->id, arg->name ? arg->name : "CEX8C");
		if (!apr_card_type_lookup(arg->name ? arg->name : "CEX8C")) {
			apm_buf_printf(&c->explanation,
				       "'%s' is not a card type (CEX4A ... CEX8P)\n", arg->name);
			pred = -EINVAL;
		} else if (apr_mask_test(&host->rules.qci_apm, arg->id)) {
			apm_buf_printf(&c->explanation, "adapter 0x%02x is already in the LPAR\n",
				       arg->id);
			pred = -EEXIST;
		}
		break;
	case APM_SIM_LPAR_REMOVE_ADAPTER:
	case APM_SIM_LPAR_ADD_USAGE_DOMAIN:
	case APM_SIM_LPAR_REMOVE_USAGE_DOMAIN:
	case APM_SIM_LPAR_ADD_CONTROL_DOMAIN:
	case APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN: {
		/* What is in the LPAR now: adding it again is EEXIST, removing what is not ENODEV. */
		bool add = op == APM_SIM_LPAR_ADD_USAGE_DOMAIN ||
			   op == APM_SIM_LPAR_ADD_CONTROL_DOMAIN;
		const struct apr_mask *m = op == APM_SIM_LPAR_REMOVE_ADAPTER ? &host->rules.qci_apm
					   : op <= APM_SIM_LPAR_REMOVE_USAGE_DOMAIN
						   ? &host->rules.qci_aqm
						   : &host->rules.qci_adm;
		const char *what = op == APM_SIM_LPAR_REMOVE_ADAPTER	    ? "adapter"
				   : op <= APM_SIM_LPAR_REMOVE_USAGE_DOMAIN ? "usage domain"
									    : "control domain";

		snprintf(value, sizeof(value), "%u", arg->id);
		if (add && apr_mask_test(m, arg->id)) {
			apm_buf_printf(&c->explanation, "%s 0x%02x is already in the LPAR\n", what,
				       arg->id);
			pred = -EEXIST;
		} else if (!add && !apr_mask_test(m, arg->id)) {
			apm_buf_printf(&c->explanation, "%s 0x%02x is not in the LPAR\n", what,
				       arg->id);
			pred = -ENODEV;
		}
		break;
	}
	default:
		snprintf(value, sizeof(value), "%u", arg->id);
		if (op == APM_SIM_SCAN)
			snprintf(value, sizeof(value), "1");
		break;
	}
	if (op >= APM_SIM_LPAR_ADD_ADAPTER && op <= APM_SIM_LPAR_REMOVE_CONTROL_DOMAIN) {
		unsigned int online = 0;

		for (unsigned int a = 0; a < APR_BITS; a++)
			if (host->cards[a].has_card && host->cards[a].config == 1)
				online++;
		if (online) {
			apm_buf_printf(
				&c->notes,
				"warning: a real HMC wants the LPAR's adapters configured off before its crypto controls change (%u configured on)\n",
				online);
			if (arg->strict && !pred) {
				apm_buf_printf(
					&c->explanation,
					"--strict: configure the LPAR's %u online adapters off first (apmatrix config ID off)\n",
					online);
				pred = -EBUSY;
				strict_hold = true;
			}
		}
	}
	s = add_step(c, path, value);
	if (!s) {
		apm_change_unref(c);
		return -ENOMEM;
	}
	snprintf(s->what, sizeof(s->what), "sim %s %.100s", attrs[op], value);
	predict(c, s, pred);
	s->hold = strict_hold;
	*out = c;
	return 0;
}

/* ---------------------------------------------------------------- apply */

static const char *hint(int err)
{
	switch (-err) {
	case EOPNOTSUPP:
		return "SCLP adapter configuration is not available under z/VM or in a KVM guest";
	case EACCES:
		return "no permission to write it (run as root)";
	case EROFS:
		return "read-only mode";
	case EDEADLK:
		return "the write would block until the guest releases the device";
	default:
		return NULL;
	}
}

struct apply {
	struct apm_change *c;
	int rc;
};

static int do_steps(void *data)
{
	struct apply *ap = data;
	struct apm_change *c = ap->c;
	struct apm_ctx *ctx = c->host->ctx;

	for (unsigned int k = 0; k < c->nsteps; k++) {
		struct step *s = &c->steps[k];
		bool pred_fail = s->predicted < 0, mismatch;

		if (ctx->read_only)
			s->actual = -EROFS;
		else if (s->hold)
			s->actual = s->predicted; /* never start a write that would hang */
		else if (!ctx->ops->can_write(ctx->be, s->path))
			s->actual = -EACCES;
		else {
			s->applied = true;
			s->actual = apm_write(ctx, s->path, s->value, strlen(s->value));
		}
		/* A refusal the rules predicted and the kernel did not give is a mismatch too. */
		mismatch =
			s->applied && !(s->has_alt && s->actual == s->alt) &&
			(pred_fail != (s->actual < 0) || (pred_fail && s->actual != s->predicted));
		if (mismatch) {
			c->mismatch = true;
			apm_buf_printf(&c->explanation,
				       "%s: the rules predicted %s, the kernel answered %s\n",
				       s->what,
				       pred_fail ? apm_errno_name(s->predicted) : "success",
				       s->actual < 0 ? apm_errno_name(s->actual) : "success");
		}
		if (s->actual < 0) {
			const char *h = hint(s->actual);

			/* A refusal the rules foresaw is already explained. */
			if (s->applied && (!pred_fail || mismatch))
				apm_buf_printf(&c->explanation, "%s: the kernel answered %s%s%s\n",
					       s->what, apm_errno_name(s->actual), h ? ": " : "",
					       h ? h : "");
			else if (!s->applied && !s->hold)
				apm_buf_printf(&c->explanation, "%s: not attempted: %s\n", s->what,
					       h ? h : apm_errno_name(s->actual));
			ap->rc = s->actual;
			return 0;
		}
	}
	return 0;
}

/* Does the re-read host look as the change intended? */
static void verify(struct apm_change *c)
{
	const struct apm_host *r = c->result;
	const struct apm_mdev *m;

	switch (c->kind) {
	case CH_MASK:
		if (!apr_mask_equal(c->aq ? &r->rules.aqmask : &r->rules.apmask, &c->expect_mask))
			apm_buf_printf(
				&c->notes,
				"verification: %s reads back different from what was written\n",
				c->aq ? "aqmask" : "apmask");
		break;
	case CH_ASSIGN:
		m = apm_host_find_mdev(r, c->uuid);
		if (!m)
			apm_buf_printf(&c->notes, "verification: mdev %s is gone\n", c->uuid);
		else if (!apr_mask_equal(&m->m.apm, &c->expect.apm) ||
			 !apr_mask_equal(&m->m.aqm, &c->expect.aqm) ||
			 !apr_mask_equal(&m->m.adm, &c->expect.adm))
			apm_buf_printf(
				&c->notes,
				"verification: mdev %s's matrix reads back different from the plan\n",
				c->uuid);
		else if (m->has_guest_matrix && !m->truncated &&
			 (!apr_mask_equal(&m->m.sapm, &c->expect.sapm) ||
			  !apr_mask_equal(&m->m.saqm, &c->expect.saqm)))
			apm_buf_printf(
				&c->notes,
				"verification: the guest matrix of mdev %s differs from the rules' prediction\n",
				c->uuid);
		break;
	case CH_MDEV_CREATE:
		if (!apm_host_find_mdev(r, c->uuid))
			apm_buf_printf(&c->notes, "verification: mdev %s does not appear\n",
				       c->uuid);
		break;
	case CH_MDEV_REMOVE:
		if (apm_host_find_mdev(r, c->uuid))
			apm_buf_printf(&c->notes, "verification: mdev %s is still there\n",
				       c->uuid);
		else if (c->host->mdevs[c->mdev].in_use == 1)
			apm_buf_printf(
				&c->notes,
				"%s lost its AP resources: mdev %s was removed while in use\n",
				c->host->mdevs[c->mdev].guest[0] ? c->host->mdevs[c->mdev].guest
								 : "the guest",
				c->uuid);
		break;
	case CH_CONFIG:
		if (r->cards[c->config_adapter].config != (int)c->config_on)
			apm_buf_printf(&c->notes,
				       "verification: card%02x/config does not read %d\n",
				       c->config_adapter, c->config_on);
		break;
	default:
		break;
	}
}

APM_EXPORT int apm_change_apply(struct apm_change *c)
{
	struct apm_ctx *ctx = c->host->ctx;
	struct apply ap = { .c = c };
	int rc;

	/*
	 * The backend's transaction serialises with every other writer (the AP
	 * configuration lock on a real host, the state file's lock on the
	 * simulated one).  Read-only mode writes nothing, not even a lock.
	 */
	if (ctx->read_only)
		rc = do_steps(&ap);
	else
		rc = ctx->ops->transaction(ctx->be, do_steps, &ap);
	if (rc && !ap.rc)
		apm_buf_printf(&c->explanation, "nothing was written: %s%s\n", apm_errno_name(rc),
			       rc == -ETIMEDOUT ? " (the AP configuration lock stayed taken)" : "");
	if (!rc)
		rc = ap.rc;
	apm_host_unref(c->result);
	c->result = NULL;
	if (!apm_host_load(ctx, 0, &c->result) && !rc)
		verify(c);
	return rc;
}

/* ------------------------------------------------------------- getters */

APM_EXPORT struct apm_change *apm_change_ref(struct apm_change *c)
{
	if (c)
		c->refcount++;
	return c;
}

APM_EXPORT struct apm_change *apm_change_unref(struct apm_change *c)
{
	if (!c || --c->refcount > 0)
		return c;
	apm_host_unref(c->host);
	apm_host_unref(c->result);
	apm_buf_free(&c->preview);
	apm_buf_free(&c->explanation);
	apm_buf_free(&c->notes);
	for (unsigned int i = 0; i < c->nsteps; i++)
		free(c->steps[i].value);
	free(c->steps);
	free(c);
	return NULL;
}

APM_EXPORT int apm_change_get_prediction(const struct apm_change *c)
{
	return c->prediction;
}

APM_EXPORT bool apm_change_get_mismatch(const struct apm_change *c)
{
	return c->mismatch;
}

APM_EXPORT const char *apm_change_get_explanation(const struct apm_change *c)
{
	return c->explanation.s ? c->explanation.s : "";
}

APM_EXPORT const char *apm_change_get_preview(const struct apm_change *c)
{
	return c->preview.s ? c->preview.s : "";
}

APM_EXPORT const char *apm_change_get_notes(const struct apm_change *c)
{
	return c->notes.s ? c->notes.s : "";
}

APM_EXPORT const char *apm_change_get_uuid(const struct apm_change *c)
{
	return c->uuid[0] ? c->uuid : NULL;
}

APM_EXPORT struct apm_host *apm_change_get_result(const struct apm_change *c)
{
	return c->result;
}

APM_EXPORT unsigned int apm_change_get_step_count(const struct apm_change *c)
{
	return c->nsteps;
}

APM_EXPORT int apm_change_get_step(const struct apm_change *c, unsigned int i,
				   struct apm_step_info *info)
{
	if (i >= c->nsteps)
		return -EINVAL;
	info->what = c->steps[i].what;
	info->path = c->steps[i].path;
	info->value = c->steps[i].value;
	info->predicted = c->steps[i].predicted;
	info->actual = c->steps[i].actual;
	info->applied = c->steps[i].applied;
	return 0;
}
