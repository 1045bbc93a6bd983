// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * assign.c - the planner of assignments: adapters, domains and control
 * domains assigned to or taken from an mdev, one attribute write per ID,
 * or all of them in one all-or-nothing ap_config write where the kernel
 * has it (6.10+).  The preview shows the resulting cross product and what
 * a running guest gains and loses, the way the scratch host's shadow moves.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "change.h"

struct assign_request {
	const char *uuid;
	bool unassign;
	bool matrix; /* adapters and domains at once (a selection) */
	enum apm_kind res;
	const unsigned int *ids; /* res's IDs, or the adapters of a matrix */
	size_t n;
	const unsigned int *domains; /* a matrix's domains */
	size_t nd;
	const struct apr_mask *set; /* the whole matrix to install (adapters, domains, control) */
};

static const char *res_name(enum apm_kind r)
{
	return r == APM_KIND_ADAPTER  ? "adapter"
	       : r == APM_KIND_DOMAIN ? "domain"
				      : "control domain";
}

static const char *res_attr(enum apm_kind r)
{
	return r == APM_KIND_ADAPTER  ? "adapter"
	       : r == APM_KIND_DOMAIN ? "domain"
				      : "control_domain";
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
	apm_ids_text(&asked, list, sizeof(list));
	snprintf(out, size, "%ss %s", kind, list);
}

/* A write on the scratch host, with the guest's gains and losses in the preview. */
static int try_write(struct apm_change *c, struct step *s)
{
	struct apr_mdev before = apm_change_model(c)->rm[c->mdev];
	int rc = apm_change_try(c, s);

	if (!rc)
		apm_explain_guest_delta(c, c->mdev, &before, &apm_change_model(c)->rm[c->mdev]);
	return rc;
}

/* One all-or-nothing ap_config write that installs cfg (vfio_ap_ops.c: ap_config_store). */
static int plan_ap_config(struct apm_change *c, const struct apr_mask cfg[3], const char *what,
			  const char *step)
{
	char hex[3][APR_MASK_STRLEN + 1], value[APR_AP_CONFIG_STRLEN + 1], path[128];
	struct step *s;
	int rc;

	for (int k = 0; k < 3; k++)
		apr_mask_format(&cfg[k], hex[k]);
	snprintf(value, sizeof(value), "%s,%s,%s\n", hex[0], hex[1], hex[2]);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/ap_config", c->uuid);
	s = apm_change_step(c, path, value, "%s", step);
	if (!s)
		return -ENOMEM;
	rc = try_write(c, s);
	if (rc < 0)
		apm_explain_ap_config(c, c->mdev, what, cfg, rc);
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

static int plan_single(struct apm_change *c, enum apm_kind res, bool unassign, unsigned int id)
{
	char path[160], what[64], num[16];
	struct step *s;
	int rc;

	snprintf(num, sizeof(num), "%u", id);
	snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/%sassign_%s", c->uuid,
		 unassign ? "un" : "", res_attr(res));
	snprintf(what, sizeof(what), "%s 0x%02x", res_name(res), id);
	s = apm_change_step(c, path, num, "%s %s", unassign ? "unassign" : "assign", what);
	if (!s)
		return -ENOMEM;
	rc = try_write(c, s);
	if (rc < 0) {
		/* The matrix it asks for: the mdev's as the steps so far leave it, and id. */
		struct apr_mdev m = apm_change_model(c)->rm[c->mdev];

		if (res == APM_KIND_ADAPTER)
			apr_mask_set(&m.apm, id);
		else
			apr_mask_set(&m.aqm, id);
		apm_explain_assign(c, c->mdev, what, &m.apm, &m.aqm,
				   res == APM_KIND_ADAPTER  ? APR_ADAPTER
				   : res == APM_KIND_DOMAIN ? APR_DOMAIN
							    : APR_CONTROL_DOMAIN,
				   rc);
	} else if (rc == APR_NOOP)
		apm_buf_printf(&c->preview, "  %s is %s: nothing changes\n", what,
			       unassign ? "not assigned" : "already assigned");
	apm_change_predict(c, s, rc);
	return 0;
}

int apm_plan_set_matrix(struct apm_change *c, const struct apr_mask want[3], bool ap_config)
{
	const struct apr_mdev *m = &apm_change_model(c)->rm[c->mdev];
	const struct apr_mask cur[3] = { m->apm, m->aqm, m->adm };
	char a[96], d[96], cd[96], what[340];
	int rc = 0;

	if (ap_config) {
		apm_ids_text(&want[0], a, sizeof(a));
		apm_ids_text(&want[1], d, sizeof(d));
		apm_ids_text(&want[2], cd, sizeof(cd));
		snprintf(what, sizeof(what), "adapters %s, domains %s and control domains %s", a, d,
			 cd);
		return plan_ap_config(c, want, what, "set the whole matrix in one ap_config write");
	}
	/* What goes first, then what comes: the order mdevctl's start writes them in. */
	for (int un = 1; un >= 0; un--)
		for (int k = 0; k < 3 && !rc; k++)
			for (unsigned int id = 0; id < APR_BITS && !rc; id++)
				if (apr_mask_test(&cur[k], id) != apr_mask_test(&want[k], id) &&
				    apr_mask_test(&cur[k], id) == (bool)un)
					rc = plan_single(c, (enum apm_kind)k, un, id);
	return rc;
}

/* The matrix an mdev will have: the cross product, not just the cells named. */
static void matrix_preview(struct apm_change *c, const struct apr_mdev *m)
{
	char a[512], d[512], cd[512];

	apm_ids_text(&m->apm, a, sizeof(a));
	apm_ids_text(&m->aqm, d, sizeof(d));
	apm_ids_text(&m->adm, cd, sizeof(cd));
	apm_buf_printf(
		&c->preview,
		"  resulting matrix: adapters %s x domains %s = %u APQNs; control domains %s\n", a,
		d, apr_mask_weight(&m->apm) * apr_mask_weight(&m->aqm), cd);
}

static void ids_preview(struct apm_change *c, const unsigned int *ids, size_t n)
{
	for (size_t k = 0; k < n; k++)
		apm_buf_printf(&c->preview, " 0x%02x", ids[k]);
}

static int plan_ids(struct apm_change *c, const struct assign_request *r)
{
	const struct apm_mdev *md = &c->host->mdevs[c->mdev];
	const struct apr_mdev *m = &apm_change_model(c)->rm[c->mdev];
	int rc = 0;

	apm_buf_printf(&c->preview,
		       "%s %s%s of mdev %s%s%s%s:", r->unassign ? "unassign" : "assign",
		       res_name(r->res), r->n > 1 ? "s" : "", md->uuid, md->guest[0] ? " (" : "",
		       md->guest, md->guest[0] ? ")" : "");
	ids_preview(c, r->ids, r->n);
	apm_buf_printf(&c->preview, "\n");
	/* Several IDs go in one all-or-nothing ap_config write where the kernel has it. */
	if (r->n > 1 && md->has_ap_config) {
		struct apr_mask cfg[3] = { m->apm, m->aqm, m->adm };
		char what[96], step[96];

		apply_ids(&cfg[r->res], r->ids, r->n, r->unassign);
		ids_named(res_name(r->res), r->ids, r->n, what, sizeof(what));
		snprintf(step, sizeof(step), "%s %zu %ss in one ap_config write",
			 r->unassign ? "unassign" : "assign", r->n, res_name(r->res));
		rc = plan_ap_config(c, cfg, what, step);
	} else {
		for (size_t k = 0; k < r->n && !rc; k++)
			rc = plan_single(c, r->res, r->unassign, r->ids[k]);
	}
	return rc;
}

/* The rows and columns of a selection, one ap_config write where the kernel has it. */
static int plan_matrix(struct apm_change *c, const struct assign_request *r)
{
	const struct apm_mdev *md = &c->host->mdevs[c->mdev];
	const struct apr_mdev *m = &apm_change_model(c)->rm[c->mdev];
	int rc = 0;

	apm_buf_printf(&c->preview, "%s adapters", r->unassign ? "unassign" : "assign");
	ids_preview(c, r->ids, r->n);
	apm_buf_printf(&c->preview, " and domains");
	ids_preview(c, r->domains, r->nd);
	apm_buf_printf(&c->preview, " %s mdev %s%s%s%s\n", r->unassign ? "from" : "to", md->uuid,
		       md->guest[0] ? " (" : "", md->guest, md->guest[0] ? ")" : "");
	if (md->has_ap_config) {
		struct apr_mask cfg[3] = { m->apm, m->aqm, m->adm };
		char what[200], a[96], d[96], step[96];

		apply_ids(&cfg[0], r->ids, r->n, r->unassign);
		apply_ids(&cfg[1], r->domains, r->nd, r->unassign);
		ids_named("adapter", r->ids, r->n, a, sizeof(a));
		ids_named("domain", r->domains, r->nd, d, sizeof(d));
		snprintf(what, sizeof(what), "%s and %s", a, d);
		snprintf(step, sizeof(step),
			 "%s %zu adapters and %zu domains in one ap_config write",
			 r->unassign ? "unassign" : "assign", r->n, r->nd);
		rc = plan_ap_config(c, cfg, what, step);
	} else {
		for (size_t k = 0; k < r->n && !rc; k++)
			rc = plan_single(c, APM_KIND_ADAPTER, r->unassign, r->ids[k]);
		for (size_t k = 0; k < r->nd && !rc; k++)
			rc = plan_single(c, APM_KIND_DOMAIN, r->unassign, r->domains[k]);
	}
	return rc;
}

/* A refused selection changes nothing, but the operator should see what was asked. */
static void asked_for(struct apm_change *c, const struct assign_request *r)
{
	struct apr_mdev req = c->host->mdevs[c->mdev].m;
	char a[512], d[512];

	apply_ids(&req.apm, r->ids, r->n, r->unassign);
	apply_ids(&req.aqm, r->domains, r->nd, r->unassign);
	apm_ids_text(&req.apm, a, sizeof(a));
	apm_ids_text(&req.aqm, d, sizeof(d));
	apm_buf_printf(
		&c->preview,
		"  asked for: adapters %s x domains %s = %u APQNs (refused: nothing changes)\n", a,
		d, apr_mask_weight(&req.apm) * apr_mask_weight(&req.aqm));
}

/* The IDs of one kind that go (add false) or come (add true) between two masks. */
static int plan_ids_between(struct apm_change *c, enum apm_kind res, const struct apr_mask *from,
			    const struct apr_mask *to, bool add)
{
	int rc = 0;

	for (unsigned int id = 0; id < APR_BITS && !rc; id++)
		if (apr_mask_test(add ? to : from, id) && !apr_mask_test(add ? from : to, id))
			rc = plan_single(c, res, !add, id);
	return rc;
}

/*
 * Install a whole matrix: one ap_config write where the kernel has it.
 * Else one write per ID, removals first.  The guest's matrix is the cross
 * product, so it empties as soon as one side is empty: removing the side
 * with fewer IDs first empties it in the fewest writes; adding the side
 * with more IDs first shows the guest nothing until the other side
 * comes, one whole row or column per write.  Control domains last both ways.
 */
static int plan_set(struct apm_change *c, const struct assign_request *r)
{
	const struct apm_mdev *md = &c->host->mdevs[c->mdev];
	const struct apr_mdev *m = &apm_change_model(c)->rm[c->mdev];
	struct apr_mask cur[3] = { m->apm, m->aqm, m->adm };
	char a[512], d[512], cd[512];
	bool adapters_first;
	int rc = 0;

	apm_ids_text(&r->set[0], a, sizeof(a));
	apm_ids_text(&r->set[1], d, sizeof(d));
	apm_ids_text(&r->set[2], cd, sizeof(cd));
	apm_buf_printf(
		&c->preview,
		"set the matrix of mdev %s%s%s%s: adapters %s, domains %s, control domains %s\n",
		md->uuid, md->guest[0] ? " (" : "", md->guest, md->guest[0] ? ")" : "", a, d, cd);
	if (md->has_ap_config) {
		char step[64];

		snprintf(step, sizeof(step), "set the whole matrix in one ap_config write");
		return plan_ap_config(c, r->set, "the matrix", step);
	}
	adapters_first = apr_mask_weight(&cur[0]) <= apr_mask_weight(&cur[1]);
	rc = plan_ids_between(c, adapters_first ? APM_KIND_ADAPTER : APM_KIND_DOMAIN,
			      &cur[adapters_first ? 0 : 1], &r->set[adapters_first ? 0 : 1], false);
	if (!rc)
		rc = plan_ids_between(c, adapters_first ? APM_KIND_DOMAIN : APM_KIND_ADAPTER,
				      &cur[adapters_first ? 1 : 0], &r->set[adapters_first ? 1 : 0],
				      false);
	if (!rc)
		rc = plan_ids_between(c, APM_KIND_CONTROL_DOMAIN, &cur[2], &r->set[2], false);
	adapters_first = apr_mask_weight(&r->set[0]) >= apr_mask_weight(&r->set[1]);
	if (!rc)
		rc = plan_ids_between(c, adapters_first ? APM_KIND_ADAPTER : APM_KIND_DOMAIN,
				      &cur[adapters_first ? 0 : 1], &r->set[adapters_first ? 0 : 1],
				      true);
	if (!rc)
		rc = plan_ids_between(c, adapters_first ? APM_KIND_DOMAIN : APM_KIND_ADAPTER,
				      &cur[adapters_first ? 1 : 0], &r->set[adapters_first ? 1 : 0],
				      true);
	if (!rc)
		rc = plan_ids_between(c, APM_KIND_CONTROL_DOMAIN, &cur[2], &r->set[2], true);
	return rc;
}

static int plan(struct apm_change *c, const void *request)
{
	const struct assign_request *r = request;
	struct apm_mdev *md = apm_host_find_mdev(c->host, r->uuid);
	int rc;

	c->mdev = apm_host_mdev_index(c->host, md);
	memcpy(c->uuid, md->uuid, sizeof(c->uuid));
	rc = r->set ? plan_set(c, r) : r->matrix ? plan_matrix(c, r) : plan_ids(c, r);
	c->u.expect = apm_change_model(c)->rm[c->mdev];
	matrix_preview(c, &c->u.expect);
	if (r->matrix && c->prediction < 0)
		asked_for(c, r);
	return rc;
}

const struct apm_mdev *apm_verify_matrix(struct apm_change *c)
{
	const struct apm_mdev *m = apm_host_find_mdev(c->result, c->uuid);
	const struct apr_mdev *want = &c->u.expect;

	/* find_mdev takes a prefix too: only this very mdev counts. */
	if (!m || strcmp(m->uuid, c->uuid)) {
		apm_buf_printf(&c->notes, "verification: mdev %s is gone\n", c->uuid);
		return NULL;
	}
	if (!apr_mask_equal(&m->m.apm, &want->apm) || !apr_mask_equal(&m->m.aqm, &want->aqm) ||
	    !apr_mask_equal(&m->m.adm, &want->adm)) {
		apm_buf_printf(
			&c->notes,
			"verification: mdev %s's matrix reads back different from the plan\n",
			c->uuid);
		return NULL;
	}
	return m;
}

/* The matrix, then the guest matrix the rules predicted. */
static void verify(struct apm_change *c)
{
	const struct apm_mdev *m = apm_verify_matrix(c);
	const struct apr_mdev *want = &c->u.expect;

	if (m && m->has_guest_matrix && !m->truncated &&
	    (!apr_mask_equal(&m->m.sapm, &want->sapm) || !apr_mask_equal(&m->m.saqm, &want->saqm)))
		apm_buf_printf(
			&c->notes,
			"verification: the guest matrix of mdev %s differs from the rules' prediction\n",
			c->uuid);
}

const struct apm_planner apm_plan_assign = {
	.op = APM_OP_ASSIGN,
	.journal = APM_J_MATRIX,
	.plan = plan,
	.verify = verify,
};

/* Adapter and domain IDs stop at 255 (ap_bus.h: AP_DEVICES, AP_DOMAINS). */
static bool ids_in_range(const unsigned int *ids, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (ids[k] > 255)
			return false;
	return true;
}

APM_EXPORT int apm_change_new_assign(struct apm_host *host, const char *uuid, enum apm_kind res,
				     bool unassign, const unsigned int *ids, size_t n,
				     struct apm_change **out)
{
	struct assign_request r = {
		.uuid = uuid, .unassign = unassign, .res = res, .ids = ids, .n = n
	};

	/* One enum names every kind; an mdev is assigned only these three. */
	if ((unsigned int)res > APM_KIND_CONTROL_DOMAIN)
		return -EINVAL;
	if (!apm_host_find_mdev(host, uuid) || !n)
		return apm_host_find_mdev(host, uuid) ? -EINVAL : -ENODEV;
	if (!ids_in_range(ids, n))
		return -ERANGE;
	return apm_change_plan(host, &apm_plan_assign, &r, out);
}

APM_EXPORT int apm_change_new_assign_matrix(struct apm_host *host, const char *uuid, bool unassign,
					    const unsigned int *adapters, size_t na,
					    const unsigned int *domains, size_t nd,
					    struct apm_change **out)
{
	struct assign_request r = { .uuid = uuid,
				    .unassign = unassign,
				    .matrix = true,
				    .ids = adapters,
				    .n = na,
				    .domains = domains,
				    .nd = nd };

	if (!apm_host_find_mdev(host, uuid) || (!na && !nd))
		return apm_host_find_mdev(host, uuid) ? -EINVAL : -ENODEV;
	if (!ids_in_range(adapters, na) || !ids_in_range(domains, nd))
		return -ERANGE;
	return apm_change_plan(host, &apm_plan_assign, &r, out);
}

APM_EXPORT int apm_change_new_set_matrix(struct apm_host *host, const char *uuid,
					 const struct apm_mask sets[3], struct apm_change **out)
{
	struct assign_request r = { .uuid = uuid, .set = to_apr(sets) };

	if (!apm_host_find_mdev(host, uuid))
		return -ENODEV;
	return apm_change_plan(host, &apm_plan_assign, &r, out);
}
