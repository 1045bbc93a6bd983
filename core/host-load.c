// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * host-load.c - reading a snapshot through the seam, in parts.
 *
 * A load reads the bus files, lists the driver directories (which give the
 * binding of every queue at once), reads the card and mdev files, asks once
 * who holds the mdevs' VFIO groups, and reads nothing per queue: a 256 x
 * 256 host costs a few hundred reads, not the ~62 per APQN lszcrypt -V
 * needs.  Per-queue attributes are read on demand.  Every attribute a
 * kernel generation lacks may be missing.
 *
 * The parts are also what the incremental engine (watch.c) re-reads when
 * an event names them; apm_host_derive() then recomputes what a snapshot
 * derives from what was read (the QCI view, the profile, the kernel model
 * the planner predicts on, the filter facts, the warnings), for the parts
 * that changed, exactly as a load computes them.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

#define SMALL 256

void apm_host_warn(struct apm_host *host, const char *fmt, ...)
{
	char line[512], *s;
	va_list ap;
	size_t n;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	n = (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	/*
	 * Appended where the text ends: the engine says a snapshot's warnings
	 * again at every batch, one by one (a copy of the text so far for each
	 * made that quadratic).  Without memory the line is left out.
	 */
	s = realloc(host->warnings, host->warnings_len + n + 2);
	if (!s)
		return;
	memcpy(s + host->warnings_len, line, n);
	host->warnings_len += n;
	s[host->warnings_len++] = '\n';
	s[host->warnings_len] = '\0';
	host->warnings = s;
}

/* Text of an attribute the kernel never writes, kept escaped (it came from the seam), a cut marked. */
static void odd_keep(struct apm_odd *odd, const char *text)
{
	odd->set = true;
	apm_text_escape(text, odd->text, sizeof(odd->text), APM_TEXT_ELLIPSIS);
}

static void warn_odd(struct apm_host *h, const char *dir, const char *attr,
		     const struct apm_odd *odd, const char *what)
{
	if (odd->set)
		apm_host_warn(h, "%s/%s: '%s' %s; read as unknown", dir, attr, odd->text, what);
}

int apm_read_bool(struct apm_ctx *ctx, const char *dir, const char *attr, struct apm_odd *odd)
{
	char buf[SMALL], *v;

	odd->set = false;
	if (apm_readf(ctx, buf, sizeof(buf), "%s/%s", dir, attr) < 0)
		return -1;
	v = apm_strip(buf);
	if ((v[0] == '0' || v[0] == '1') && !v[1])
		return v[0] - '0';
	odd_keep(odd, v);
	return -1;
}

/* A decimal attribute (hwtype, raw_hwtype: "%d\n"): its value, or -1 when missing or no number. */
static int read_decimal(struct apm_ctx *ctx, const char *dir, const char *attr, struct apm_odd *odd)
{
	char buf[SMALL], *v, *end;
	long l;

	odd->set = false;
	if (apm_readf(ctx, buf, sizeof(buf), "%s/%s", dir, attr) < 0)
		return -1;
	v = apm_strip(buf);
	errno = 0;
	l = strtol(v, &end, 10);
	if (v[0] >= '0' && v[0] <= '9' && !*end && !errno && l <= 0xffff)
		return (int)l;
	odd_keep(odd, v);
	return -1;
}

/*
 * A bus attribute the kernel shows as "%d\n" (ap_bus.c: ap_domain_show,
 * ap_max_adapter_id_show, ...) within lo..hi: 0 and *v, -ENOENT when it
 * is missing, -EINVAL for anything else, which odd then keeps (escaped).
 */
static int read_bus_int(struct apm_ctx *ctx, const char *attr, int lo, int hi, int *v,
			struct apm_odd *odd)
{
	char buf[SMALL], *t, *end;
	long l;

	odd->set = false;
	if (apm_readf(ctx, buf, sizeof(buf), "bus/ap/%s", attr) < 0)
		return -ENOENT;
	t = apm_strip(buf);
	errno = 0;
	l = strtol(t, &end, 10);
	if (end != t && !*end && !errno && l >= lo && l <= hi) {
		*v = (int)l;
		return 0;
	}
	odd_keep(odd, t);
	return -EINVAL;
}

static int read_mask(struct apm_ctx *ctx, const char *path, struct apr_mask *m)
{
	char buf[SMALL];
	int rc = apm_read(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (!strncmp(buf, "not supported", 13))
		return -EOPNOTSUPP;
	return apr_mask_parse_absolute(buf, NULL, m);
}

/* ------------------------------------------------------------ tables */

struct apm_host *apm_host_alloc(struct apm_ctx *ctx)
{
	struct apm_host *h = calloc(1, sizeof(*h));
	struct apr_queue *zero;

	if (!h)
		return NULL;
	h->refcount = 1;
	h->ctx = apm_ctx_ref(ctx);
	h->kind = ctx->kind;
	h->unbound = -1;
	h->queue = apm_table_new(APR_BITS * sizeof(*h->queue));
	/* One zero row for all: a row is copied when a card's queues are derived into it. */
	zero = apm_table_new(APR_BITS * sizeof(*h->mq[0]));
	for (unsigned int a = 0; zero && a < APR_BITS; a++)
		h->mq[a] = apm_table_ref(zero);
	apm_table_unref(zero);
	h->mdevs = calloc(1, sizeof(*h->mdevs));
	h->rmdevs = calloc(1, sizeof(*h->rmdevs));
	h->minfo = calloc(1, sizeof(*h->minfo));
	if (!h->queue || !zero || !h->mdevs || !h->rmdevs || !h->minfo)
		return apm_host_unref(h);
	apr_model_init(&h->model, h->mq, NULL, h->rmdevs, h->minfo, 0);
	return h;
}

/* The mdev arrays for n mdevs (at least one element, so none is NULL). */
static int mdev_arrays(struct apm_host *h, unsigned int n)
{
	size_t k = n ? n : 1;
	struct apm_mdev *mdevs = realloc(h->mdevs, k * sizeof(*mdevs));
	struct apr_mdev *rm;
	struct apr_mdev_info *info;

	if (!mdevs)
		return -ENOMEM;
	h->mdevs = mdevs;
	rm = realloc(h->rmdevs, k * sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	h->rmdevs = rm;
	info = realloc(h->minfo, k * sizeof(*info));
	if (!info)
		return -ENOMEM;
	h->minfo = info;
	for (unsigned int i = 0; i < n; i++)
		h->mdevs[i].host = h;
	apr_model_set_mdevs(&h->model, h->rmdevs, h->minfo, n);
	return 0;
}

struct apm_host *apm_host_clone(const struct apm_host *o)
{
	struct apm_host *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	*h = *o;
	h->refcount = 1;
	apm_ctx_ref(h->ctx);
	apm_table_ref(h->queue);
	apm_table_ref(h->override);
	/*
	 * What was read of the queues (on demand, or every queue by a
	 * --detail load) is carried over; the engine forgets the queues its
	 * events touch.
	 */
	for (unsigned int a = 0; a < APR_BITS; a++) {
		apm_table_ref(h->qrow[a]);
		apm_table_ref(h->mq[a]);
	}
	h->mdevs = NULL;
	h->rmdevs = NULL;
	h->minfo = NULL;
	/* Its warnings are said again where what it changes touches them (warnings.c). */
	h->wcache = NULL;
	h->wbase = apm_wcache_ref(o->wcache ? o->wcache : o->wbase);
	h->warnings = o->warnings ? strdup(o->warnings) : NULL;
	if (mdev_arrays(h, o->nmdevs) || (o->warnings && !h->warnings))
		return apm_host_unref(h);
	memcpy(h->mdevs, o->mdevs, o->nmdevs * sizeof(*h->mdevs));
	memcpy(h->rmdevs, o->rmdevs, o->nmdevs * sizeof(*h->rmdevs));
	memcpy(h->minfo, o->minfo, o->nmdevs * sizeof(*h->minfo));
	for (unsigned int i = 0; i < h->nmdevs; i++)
		h->mdevs[i].host = h;
	h->model.q = h->mq;
	h->model.nmdevs = h->nmdevs;
	h->rules.data = &h->model;
	return h;
}

int apm_host_own_queues(struct apm_host *h)
{
	return apm_table_own(&h->queue) ? 0 : -ENOMEM;
}

/* --------------------------------------------------------------- bus */

void apm_host_read_masks(struct apm_host *h)
{
	apr_mask_zero(&h->rules.apmask);
	apr_mask_zero(&h->rules.aqmask);
	h->apmask_rc = read_mask(h->ctx, "bus/ap/apmask", &h->rules.apmask);
	h->aqmask_rc = read_mask(h->ctx, "bus/ap/aqmask", &h->rules.aqmask);
}

void apm_host_read_lpar(struct apm_host *h)
{
	static const char *const files[3] = { "bus/ap/ap_adapter_mask",
					      "bus/ap/ap_usage_domain_mask",
					      "bus/ap/ap_control_domain_mask" };

	for (int k = 0; k < 3; k++)
		h->lpar_rc[k] = read_mask(h->ctx, files[k], (struct apr_mask *)&h->lpar[k]);
}

void apm_host_read_ap_domain(struct apm_host *h)
{
	/* ap_domain_index: -1 before a default domain is chosen. */
	h->has_ap_domain =
		!read_bus_int(h->ctx, "ap_domain", -1, 255, &h->ap_domain, &h->odd_bus[0]);
	if (!h->has_ap_domain)
		h->ap_domain = 0;
}

void apm_host_read_bindings(struct apm_host *h)
{
	char buf[SMALL];
	int rc = apm_read(h->ctx, "bus/ap/bindings", buf, sizeof(buf));

	h->bindings_complete = rc < 0 ? -ENOENT : strstr(buf, "(complete)") != NULL;
}

int apm_host_driver_index(struct apm_host *h, const char *name)
{
	for (unsigned int i = 0; i < h->ndrivers; i++)
		if (!strcmp(h->drivers[i], name))
			return (int)i + 1;
	if (h->ndrivers == APM_MAX_DRIVERS)
		return 0;
	snprintf(h->drivers[h->ndrivers], sizeof(h->drivers[0]), "%s", name);
	/* Every AP driver but vfio_ap carries AP_DRIVER_FLAG_DEFAULT (ap_bus.h). */
	h->driver_default[h->ndrivers] = strcmp(name, "vfio_ap") != 0;
	if (!h->driver_default[h->ndrivers])
		h->vfio_drv = (int)h->ndrivers + 1;
	return (int)++h->ndrivers;
}

struct drv_list {
	struct apm_host *h;
	int drv;
};

static int drv_entry(const char *name, void *data)
{
	struct drv_list *d = data;
	unsigned int a, q;

	if (apr_queue_name(name, &a, &q))
		d->h->queue[a][q] = (d->h->queue[a][q] & APM_Q_EXISTS) | (unsigned char)d->drv;
	else if (apr_card_name(name, &a))
		memcpy(d->h->cards[a].driver, d->h->drivers[d->drv - 1],
		       sizeof(d->h->cards[a].driver));
	return 0;
}

static int drivers_entry(const char *name, void *data)
{
	struct apm_host *h = data;
	struct drv_list d = { .h = h, .drv = apm_host_driver_index(h, name) };
	char path[128];

	if (!d.drv)
		return 0;
	snprintf(path, sizeof(path), "bus/ap/drivers/%s", name);
	apm_list(h->ctx, path, drv_entry, &d);
	return 0;
}

/* A load's listing of the bus's devices, and the adapters it found a queue of. */
struct dev_list {
	struct apm_host *h;
	struct apr_mask queues;
};

static int device_entry(const char *name, void *data)
{
	struct dev_list *l = data;
	struct apm_host *h = l->h;
	unsigned int a, q;

	if (apr_queue_name(name, &a, &q)) {
		h->queue[a][q] |= APM_Q_EXISTS;
		apr_mask_set(&l->queues, a);
	} else if (apr_card_name(name, &a)) {
		h->cards[a].has_card = true;
		apr_mask_set(&h->card_present, a);
	}
	return 0;
}

/* ------------------------------------------------------------- cards */

static const char *const card_odd_attr[APM_CARD_ODD] = { "hwtype", "raw_hwtype", "config",
							 "chkstop", "online" };

/* zcrypt's online reads 0 while the card is checkstopped (zcrypt_card.c: online_show). */
void apm_host_read_chkstop(struct apm_host *h, unsigned int a)
{
	struct apm_card *c = &h->cards[a];
	char base[32];

	if (!c->has_card)
		return;
	snprintf(base, sizeof(base), "devices/ap/card%02x", a);
	c->chkstop = apm_read_bool(h->ctx, base, "chkstop", &c->odd[APM_ODD_CHKSTOP]);
	c->online = apm_read_bool(h->ctx, base, "online", &c->odd[APM_ODD_ONLINE]);
}

void apm_host_read_card(struct apm_host *h, unsigned int a)
{
	struct apm_card *c = &h->cards[a];
	char buf[SMALL], base[32];

	if (!c->has_card)
		return;
	snprintf(base, sizeof(base), "devices/ap/card%02x", a);
	c->hwtype = read_decimal(h->ctx, base, "hwtype", &c->odd[APM_ODD_HWTYPE]);
	c->raw_hwtype = read_decimal(h->ctx, base, "raw_hwtype", &c->odd[APM_ODD_RAW_HWTYPE]);
	c->type[0] = '\0';
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/type", base) > 0)
		snprintf(c->type, sizeof(c->type), "%s", apm_strip(buf));
	c->mode = NULL;
	c->functions = 0;
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/ap_functions", base) > 0) {
		uint32_t fn = (uint32_t)strtoul(buf, NULL, 16);

		c->functions = fn;
		/* Mode precedence as the bus's MODE= (ap_bus.c: ap_uevent). */
		c->mode = fn & 0x08000000u   ? "accel"
			  : fn & 0x10000000u ? "cca"
			  : fn & 0x04000000u ? "ep11"
					     : NULL;
	}
	c->config = apm_read_bool(h->ctx, base, "config", &c->odd[APM_ODD_CONFIG]);
	c->chkstop = apm_read_bool(h->ctx, base, "chkstop", &c->odd[APM_ODD_CHKSTOP]);
	c->online = apm_read_bool(h->ctx, base, "online", &c->odd[APM_ODD_ONLINE]);
	if (!c->mode && c->type[0]) {
		char last = c->type[strlen(c->type) - 1];

		c->mode = last == 'A' ? "accel" : last == 'C' ? "cca" : last == 'P' ? "ep11" : NULL;
	}
}

/* ------------------------------------------------------------- mdevs */

struct mdev_list {
	struct apm_host *h;
	char (*uuids)[37];
	unsigned int n, cap;
	bool features;
};

static int matrix_entry(const char *name, void *data)
{
	struct mdev_list *l = data;

	if (!strcmp(name, "features"))
		l->features = true;
	if (!apm_uuid_valid(name))
		return 0;
	/*
	 * The kernel names an mdev by its UUID in lower case (mdev_core.c:
	 * mdev_device_create, "%pUl"); the same UUID in another case would be
	 * a second name for one mdev, so it is no mdev the kernel made.
	 */
	if (strpbrk(name, "ABCDEF")) {
		if (l->h->nodd_mdevs < ARRAY_SIZE(l->h->odd_mdevs))
			snprintf(l->h->odd_mdevs[l->h->nodd_mdevs], 37, "%s", name);
		l->h->nodd_mdevs++;
		return 0;
	}
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 16;
		void *t = realloc(l->uuids, cap * sizeof(*l->uuids));

		if (!t)
			return -ENOMEM;
		l->uuids = t;
		l->cap = cap;
	}
	snprintf(l->uuids[l->n++], 37, "%s", name);
	return 0;
}

static int cmp_uuid(const void *a, const void *b)
{
	return strcmp(((const struct apm_mdev *)a)->uuid, ((const struct apm_mdev *)b)->uuid);
}

/*
 * A matrix cut at the sysfs page ends inside a line ("05.00" of 05.0047):
 * only whole lines are read, never a domain the kernel did not write.
 */
static void cut_partial_line(char *buf)
{
	char *nl = strrchr(buf, '\n');

	if (nl)
		nl[1] = '\0';
	else
		buf[0] = '\0';
}

void apm_host_read_mdev(struct apm_host *h, unsigned int i)
{
	struct apm_mdev *m = &h->mdevs[i];
	struct apm_ctx *ctx = h->ctx;
	char base[80], buf[APR_PAGE_SIZE + 1], link[256];
	struct apr_mask cfg[3];
	bool attached = m->m.attached;
	int rc;

	snprintf(base, sizeof(base), "devices/vfio_ap/matrix/%s", m->uuid);
	memset(&m->m, 0, sizeof(m->m));
	m->m.attached = attached;
	m->iommu_group = -1;
	m->has_ap_config = m->has_guest_matrix = false;
	m->truncated = m->trunc_matrix = m->trunc_guest = m->bad_matrix = false;
	m->trunc_domains = m->bad_domains = false;
	/* ap_config gives all three masks complete in 201 bytes (vfio_ap_ops.c: ap_config_show). */
	rc = apm_readf(ctx, buf, sizeof(buf), "%s/ap_config", base);
	if (rc > 0 && !apr_ap_config_parse(buf, (unsigned long)rc, cfg)) {
		m->has_ap_config = true;
		m->m.apm = cfg[0];
		m->m.aqm = cfg[1];
		m->m.adm = cfg[2];
	} else {
		rc = apm_readf(ctx, buf, sizeof(buf), "%s/matrix", base);
		m->trunc_matrix = rc >= APR_PAGE_SIZE - 1;
		if (m->trunc_matrix)
			cut_partial_line(buf);
		if (rc >= 0 && apm_parse_matrix(buf, &m->m.apm, &m->m.aqm))
			m->bad_matrix = true;
		rc = apm_readf(ctx, buf, sizeof(buf), "%s/control_domains", base);
		m->trunc_domains = rc >= APR_PAGE_SIZE - 1;
		if (m->trunc_domains)
			cut_partial_line(buf);
		if (rc >= 0 && apm_parse_domains(buf, &m->m.adm))
			m->bad_domains = true;
	}
	apm_host_read_mdev_guest(h, i);
	rc = apm_readlink(ctx, strcat(base, "/iommu_group"), link, sizeof(link));
	if (rc > 0) {
		const char *slash = strrchr(link, '/');

		m->iommu_group = atoi(slash ? slash + 1 : link);
	}
}

void apm_host_read_mdev_guest(struct apm_host *h, unsigned int i)
{
	struct apm_mdev *m = &h->mdevs[i];
	char buf[APR_PAGE_SIZE + 1];
	int rc;

	rc = apm_readf(h->ctx, buf, sizeof(buf), "devices/vfio_ap/matrix/%s/guest_matrix", m->uuid);
	apr_mask_zero(&m->m.sapm);
	apr_mask_zero(&m->m.saqm);
	m->has_guest_matrix = rc >= 0;
	m->trunc_guest = rc >= APR_PAGE_SIZE - 1;
	if (m->trunc_guest)
		cut_partial_line(buf);
	if (rc >= 0) {
		apm_parse_matrix(buf, &m->m.sapm, &m->m.saqm);
	} else {
		/* Static vfio_ap: the guest gets the assigned matrix as it is. */
		m->m.sapm = m->m.apm;
		m->m.saqm = m->m.aqm;
	}
	m->truncated = m->trunc_matrix || m->trunc_guest;
}

static void mdev_init(struct apm_host *h, struct apm_mdev *m, const char *uuid)
{
	memset(m, 0, sizeof(*m));
	m->host = h;
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	m->iommu_group = -1;
	m->status = -1;
}

int apm_host_add_mdev(struct apm_host *h, const char *uuid)
{
	unsigned int i;
	int rc;

	if (!apm_uuid_valid(uuid))
		return -EINVAL;
	for (i = 0; i < h->nmdevs && strcmp(h->mdevs[i].uuid, uuid) < 0; i++)
		;
	if (i < h->nmdevs && !strcmp(h->mdevs[i].uuid, uuid))
		return -EEXIST;
	rc = mdev_arrays(h, h->nmdevs + 1);
	if (rc)
		return rc;
	memmove(&h->mdevs[i + 1], &h->mdevs[i], (h->nmdevs - i) * sizeof(*h->mdevs));
	memmove(&h->rmdevs[i + 1], &h->rmdevs[i], (h->nmdevs - i) * sizeof(*h->rmdevs));
	memmove(&h->minfo[i + 1], &h->minfo[i], (h->nmdevs - i) * sizeof(*h->minfo));
	h->nmdevs++;
	h->model.nmdevs = h->nmdevs;
	mdev_init(h, &h->mdevs[i], uuid);
	apm_host_read_mdev(h, i);
	return apm_host_label_mdevs(h);
}

int apm_host_sync_mdevs(struct apm_host *h)
{
	struct mdev_list ml = { .h = h };
	int rc;

	h->nodd_mdevs = 0;
	rc = apm_list(h->ctx, "devices/vfio_ap/matrix", matrix_entry, &ml);

	if (rc && rc != -ENOENT) {
		free(ml.uuids);
		return rc;
	}
	rc = 0;
	for (unsigned int i = h->nmdevs; i-- > 0;) {
		bool listed = false;

		for (unsigned int k = 0; k < ml.n && !listed; k++)
			listed = !strcmp(ml.uuids[k], h->mdevs[i].uuid);
		if (!listed)
			rc = apm_host_remove_mdev(h, i);
	}
	for (unsigned int k = 0; k < ml.n && (!rc || rc == -EEXIST); k++)
		rc = apm_host_add_mdev(h, ml.uuids[k]);
	free(ml.uuids);
	return rc == -EEXIST ? 0 : rc;
}

int apm_host_remove_mdev(struct apm_host *h, unsigned int i)
{
	if (i >= h->nmdevs)
		return -ENOENT;
	memmove(&h->mdevs[i], &h->mdevs[i + 1], (h->nmdevs - i - 1) * sizeof(*h->mdevs));
	memmove(&h->rmdevs[i], &h->rmdevs[i + 1], (h->nmdevs - i - 1) * sizeof(*h->rmdevs));
	memmove(&h->minfo[i], &h->minfo[i + 1], (h->nmdevs - i - 1) * sizeof(*h->minfo));
	h->nmdevs--;
	h->model.nmdevs = h->nmdevs;
	apr_model_set_mdevs(&h->model, h->rmdevs, h->minfo, h->nmdevs);
	h->label_width = 0;
	return apm_host_label_mdevs(h);
}

/*
 * In use: a process holds the VFIO group open, or else a queue of the
 * guest matrix reads "in use" (vfio_ap_ops.c: status_show).  Without
 * permission to look, unknown, not false.
 */
void apm_host_read_holders(struct apm_host *h, const bool *which)
{
	struct apm_holder *hs = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*hs));
	unsigned int n = 0;

	if (!hs)
		return;
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		if (which && !which[i])
			continue;
		h->mdevs[i].holder = 0;
		if (h->mdevs[i].iommu_group >= 0)
			hs[n++].group = h->mdevs[i].iommu_group;
	}
	if (n && apm_vfio_holders(h->ctx, hs, n))
		for (unsigned int k = 0; k < n; k++)
			hs[k].rc = -EACCES;
	for (unsigned int i = 0, k = 0; i < h->nmdevs && k < n; i++) {
		struct apm_mdev *m = &h->mdevs[i];

		if ((which && !which[i]) || m->iommu_group < 0)
			continue;
		m->holder = hs[k].rc;
		snprintf(m->guest, sizeof(m->guest), "%s", hs[k].rc == 1 ? hs[k].name : "");
		m->secure = hs[k].rc == 1 && hs[k].secure;
		k++;
	}
	free(hs);
}

void apm_host_read_in_use(struct apm_host *h, unsigned int i)
{
	struct apm_mdev *m = &h->mdevs[i];
	char buf[SMALL];

	m->status = -1;
	if (m->holder != 1) {
		unsigned int a, q = APR_BITS;

		/* The guest matrix's first queue: every queue of it says the same. */
		for (a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS;
		     a = apr_mask_next(&m->m.sapm, a + 1)) {
			for (q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
			     q = apr_mask_next(&m->m.saqm, q + 1))
				if (h->queue[a][q] & APM_Q_EXISTS)
					break;
			if (q < APR_BITS)
				break;
		}
		if (a < APR_BITS && q < APR_BITS &&
		    apm_readf(h->ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/status", a,
			      a, q) > 0)
			m->status = !strncmp(buf, "in use", 6);
	}
	if (m->holder == 1 || m->status == 1)
		m->in_use = 1;
	else if (m->holder < 0)
		m->in_use = -1;
	else
		m->in_use = 0;
	if (m->holder != 1)
		m->guest[0] = '\0';
	m->m.attached = m->in_use == 1;
}

/* --------------------------------------------------------- overrides */

int apm_host_read_override(struct apm_host *h, unsigned int a, unsigned int q)
{
	char buf[SMALL];
	int v = 0;

	if (!h->override) {
		h->override = apm_table_new(APR_BITS * APR_BITS);
		if (!h->override)
			return -ENOMEM;
	} else if (!apm_table_own(&h->override)) {
		return -ENOMEM;
	}
	if ((h->queue[a][q] & APM_Q_EXISTS) &&
	    apm_readf(h->ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/driver_override", a,
		      a, q) > 1)
		v = apm_host_driver_index(h, apm_strip(buf));
	h->override[a * APR_BITS + q] = (unsigned char)v;
	return 0;
}

static bool first_queue(const struct apm_host *h, unsigned int *a, unsigned int *q)
{
	for (*a = 0; *a < APR_BITS; (*a)++)
		for (*q = 0; *q < APR_BITS; (*q)++)
			if (h->queue[*a][*q] & APM_Q_EXISTS)
				return true;
	return false;
}

void apm_host_read_override_attr(struct apm_host *h)
{
	char buf[SMALL];
	unsigned int a, q;

	h->override_asked = first_queue(h, &a, &q);
	h->override_attr = h->override_asked &&
			   apm_readf(h->ctx, buf, sizeof(buf),
				     "devices/ap/card%02x/%02x.%04x/driver_override", a, a, q) >= 0;
}

/* ------------------------------------------------------------ derive */

/*
 * The kernel model of what was read.  What the loader does not read stands
 * for what the kernel shows then: a queue follows its card's configuration
 * and checkstop, its last reset answered as such a queue's does, a zcrypt
 * online attribute that is missing means no zcrypt driver holds the card.
 */
static const struct apr_card_type *card_type(const struct apm_card *c)
{
	const struct apr_card_type *t = apr_card_type_lookup(c->type);

	for (unsigned int i = 0; !t && apr_card_type_at(i); i++)
		if ((int)apr_card_type_at(i)->hwtype == c->hwtype && c->mode &&
		    !strcmp(apr_card_type_at(i)->mode, c->mode))
			t = apr_card_type_at(i);
	return t ? t : apr_card_type_lookup("CEX8C");
}

static int model_card(struct apm_host *h, unsigned int a)
{
	struct apr_model *m = &h->model;
	const struct apm_card *c = &h->cards[a];
	struct apr_card *mc = &m->card[a];

	memset(mc, 0, sizeof(*mc));
	/* The row is written (cleared, or the card's queues put in): ours first, copied if shared. */
	if ((c->has_card || apr_mask_test(&h->mq_rows, a)) && !apm_table_own(&h->mq[a]))
		return -ENOMEM;
	if (apr_mask_test(&h->mq_rows, a)) {
		memset(h->mq[a], 0, APR_BITS * sizeof(*h->mq[a]));
		apr_mask_clear(&h->mq_rows, a);
	}
	if (!c->has_card && !apr_mask_test(&m->lpar_apm, a))
		return 0;
	/* Only a card's row gets queues (the loop below). */
	if (c->has_card)
		apr_mask_set(&h->mq_rows, a);
	mc->type = card_type(c);
	mc->present = c->has_card;
	mc->bound = c->online >= 0;
	mc->config = mc->se_config = c->config != 0;
	mc->chkstop = mc->se_chkstop = c->chkstop == 1;
	mc->online = c->online != 0;
	for (unsigned int q = 0; c->has_card && q < APR_BITS; q++) {
		struct apr_queue *mq = &h->mq[a][q];
		int drv = h->queue[a][q] & APM_Q_DRV;

		if (!(h->queue[a][q] & APM_Q_EXISTS))
			continue;
		mq->exists = 1;
		mq->config = mc->config;
		mq->chkstop = mc->chkstop;
		mq->online = mc->online;
		if (drv && drv == h->vfio_drv)
			mq->driver = APR_DRV_VFIO_AP;
		else if (drv && h->driver_default[drv - 1])
			mq->driver = APR_DRV_CEX4QUEUE;
		if (h->override && h->override[a * APR_BITS + q]) {
			int v = apr_override_value(m,
						   h->drivers[h->override[a * APR_BITS + q] - 1]);

			mq->override = (uint8_t)(v > 0 ? v : APR_OVR_OTHER);
		}
	}
	return 0;
}

static void derive_qci(struct apm_host *h)
{
	/* vfio_ap's QCI snapshot is the LPAR's configuration. */
	if (!h->lpar_rc[0])
		h->rules.qci_apm = *to_apr(&h->lpar[0]);
	else
		h->rules.qci_apm = h->card_present;
	apr_mask_zero(&h->rules.qci_aqm);
	if (!h->lpar_rc[1])
		h->rules.qci_aqm = *to_apr(&h->lpar[1]);
	else
		for (unsigned int a = apr_mask_next(&h->card_present, 0); a < APR_BITS;
		     a = apr_mask_next(&h->card_present, a + 1))
			for (unsigned int q = 0; q < APR_BITS; q++)
				if (h->queue[a][q] & APM_Q_EXISTS)
					apr_mask_set(&h->rules.qci_aqm, q);
	if (!h->lpar_rc[2])
		h->rules.qci_adm = *to_apr(&h->lpar[2]);
	else
		h->rules.qci_adm = h->rules.qci_aqm;
}

static void derive_warnings(struct apm_host *h)
{
	free(h->warnings);
	h->warnings = NULL;
	h->warnings_len = 0;
	if (h->apmask_rc)
		apm_host_warn(h, "bus/ap/apmask: unreadable (%s)", apm_errno_name(h->apmask_rc));
	if (h->aqmask_rc)
		apm_host_warn(h, "bus/ap/aqmask: unreadable");
	warn_odd(h, "bus/ap", "ap_domain", &h->odd_bus[0], "is neither -1 nor an ID");
	warn_odd(h, "bus/ap", "ap_max_adapter_id", &h->odd_bus[1], "is not an ID");
	warn_odd(h, "bus/ap", "ap_max_domain_id", &h->odd_bus[2], "is not an ID");
	for (unsigned int a = 0; a < APR_BITS; a++) {
		char dir[32];

		if (!h->cards[a].has_card)
			continue;
		/* Derived at every batch of the engine's: the name only for a card that needs it. */
		for (int k = 0; k < APM_CARD_ODD; k++) {
			if (!h->cards[a].odd[k].set)
				continue;
			snprintf(dir, sizeof(dir), "devices/ap/card%02x", a);
			warn_odd(h, dir, card_odd_attr[k], &h->cards[a].odd[k],
				 k < APM_ODD_CONFIG ? "is not a number" : "is neither 0 nor 1");
		}
	}
	for (unsigned int k = 0; k < h->nodd_mdevs && k < ARRAY_SIZE(h->odd_mdevs); k++)
		apm_host_warn(
			h,
			"devices/vfio_ap/matrix/%s: not an mdev (the kernel names them in lower case); left out",
			h->odd_mdevs[k]);
	if (h->nodd_mdevs > ARRAY_SIZE(h->odd_mdevs))
		apm_host_warn(h, "devices/vfio_ap/matrix: %u more names in upper case left out",
			      h->nodd_mdevs - (unsigned int)ARRAY_SIZE(h->odd_mdevs));
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		const struct apm_mdev *m = &h->mdevs[i];

		if (m->trunc_matrix)
			apm_host_warn(h,
				      "mdev %s: matrix exceeds the sysfs page and reads truncated",
				      m->uuid);
		if (m->bad_matrix)
			apm_host_warn(h, "mdev %s: cannot parse matrix", m->uuid);
		if (m->trunc_domains)
			apm_host_warn(
				h,
				"mdev %s: control_domains exceeds the sysfs page and reads truncated",
				m->uuid);
		if (m->bad_domains)
			apm_host_warn(h, "mdev %s: cannot parse control_domains", m->uuid);
		if (m->trunc_guest)
			apm_host_warn(
				h,
				"mdev %s: guest_matrix exceeds the sysfs page and reads truncated",
				m->uuid);
	}
}

int apm_host_derive(struct apm_host *h, const struct apr_mask *adapters)
{
	struct apr_model *m = &h->model;

	derive_qci(h);
	h->rules.profile = apr_profile_detect(h->nmdevs > 0,
					      h->nmdevs && h->mdevs[0].has_guest_matrix,
					      h->nmdevs && h->mdevs[0].has_ap_config,
					      h->has_matrix_features, h->override_attr);
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		struct apm_mdev *md = &h->mdevs[i];

		/* No attribute shows the guest's control domains: the filter's rule (vfio_ap_mdev_filter_cdoms). */
		if (md->has_guest_matrix)
			apr_mask_and(&md->m.sadm, &md->m.adm, &h->rules.qci_adm);
		else
			md->m.sadm = md->m.adm;
		h->rmdevs[i] = md->m;
	}
	m->profile = h->rules.profile;
	m->max_apid = h->max_apid;
	m->max_apqi = h->max_apqi;
	snprintf(m->features, sizeof(m->features), "%s",
		 h->lpar_rc[0] == -EOPNOTSUPP ? "-" : h->bus_features);
	m->vfio_ap = h->vfio_ap_loaded;
	m->apmask = h->rules.apmask;
	m->aqmask = h->rules.aqmask;
	m->ap_domain = h->has_ap_domain ? h->ap_domain : -1;
	m->scans = 1;
	m->bindings_armed = h->bindings_complete == 0;
	m->lpar_apm = m->seen_apm = h->rules.qci_apm;
	m->lpar_aqm = m->seen_aqm = h->rules.qci_aqm;
	m->lpar_adm = m->seen_adm = h->rules.qci_adm;
	/* The "other" override names are numbered as the rows name them. */
	if (!adapters)
		memset(m->override_name, 0, sizeof(m->override_name));
	for (unsigned int a = 0; a < APR_BITS; a++)
		if ((!adapters || apr_mask_test(adapters, a)) && model_card(h, a))
			return -ENOMEM;
	m->next_group = 0;
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		memcpy(h->minfo[i].uuid, h->mdevs[i].uuid, sizeof(h->minfo[i].uuid));
		h->minfo[i].group = h->mdevs[i].iommu_group;
		/* Whole and terminated: the two copies are one size. */
		_Static_assert(sizeof(h->minfo[i].guest) == sizeof(h->mdevs[i].guest),
			       "the model's guest name is cut");
		memcpy(h->minfo[i].guest, h->mdevs[i].guest, sizeof(h->minfo[i].guest));
		h->minfo[i].ignore_release = h->minfo[i].refilter = false;
		h->minfo[i].secure = h->mdevs[i].secure;
		/* A host shows no guest that runs on without its mdev (apsim: kernel/apsim/unplugged). */
		h->minfo[i].unplugged = false;
		if (h->minfo[i].group >= m->next_group)
			m->next_group = h->minfo[i].group + 1;
	}
	m->nmdevs = h->nmdevs;
	apr_model_set_mdevs(m, h->rmdevs, h->minfo, h->nmdevs);
	apr_model_rules_host(m, &h->rules);
	derive_warnings(h);
	return 0;
}

/* -------------------------------------------------------------- load */

APM_EXPORT int apm_host_load(struct apm_ctx *ctx, unsigned int flags, struct apm_host **out)
{
	struct mdev_list ml = { 0 };
	struct dev_list dl = { 0 };
	struct apm_host *h;
	char buf[SMALL];
	unsigned int a, q;
	int v, rc;

	h = apm_host_alloc(ctx);
	if (!h)
		return -ENOMEM;
	apm_host_read_masks(h);
	if (h->apmask_rc == -ENOENT) {
		err(ctx, "%s: no AP bus (bus/ap/apmask is missing)", ctx->source);
		apm_host_unref(h);
		return -ENOENT;
	}
	/*
	 * The backend cannot answer at all (a simulated host's state file that
	 * does not parse, said once in the log): no snapshot rather than an
	 * empty one, so a client keeps the last it had.
	 */
	if (h->apmask_rc == -EBADMSG) {
		apm_host_unref(h);
		return -EBADMSG;
	}
	/* Without QCI/APXA the limits are 63 and 15 (ap_bus.c: ap_max_adapter_id). */
	h->max_apid = read_bus_int(ctx, "ap_max_adapter_id", 0, 255, &v, &h->odd_bus[1])
			      ? 63
			      : (unsigned int)v;
	h->max_apqi = read_bus_int(ctx, "ap_max_domain_id", 0, 255, &v, &h->odd_bus[2])
			      ? 15
			      : (unsigned int)v;
	apm_host_read_lpar(h);
	apm_host_read_ap_domain(h);
	apm_host_read_bindings(h);
	rc = apm_read(ctx, "bus/ap/features", buf, sizeof(buf));
	if (rc >= 0) {
		h->has_bus_features = true;
		snprintf(h->bus_features, sizeof(h->bus_features), "%s", apm_strip(buf));
	}

	dl.h = h;
	apm_list(ctx, "bus/ap/devices", device_entry, &dl);
	apm_list(ctx, "bus/ap/drivers", drivers_entry, h);
	for (a = 0; a < APR_BITS; a++)
		apm_host_read_card(h, a);

	ml.h = h;
	rc = apm_list(ctx, "devices/vfio_ap/matrix", matrix_entry, &ml);
	h->vfio_ap_loaded = rc == 0;
	if (ml.features) {
		h->has_matrix_features = true;
		apm_read(ctx, "devices/vfio_ap/matrix/features", buf, sizeof(buf));
		snprintf(h->matrix_features, sizeof(h->matrix_features), "%s", apm_strip(buf));
	}
	apm_host_read_override_attr(h);
	rc = mdev_arrays(h, ml.n);
	if (rc) {
		free(ml.uuids);
		apm_host_unref(h);
		return rc;
	}
	for (unsigned int i = 0; i < ml.n; i++)
		mdev_init(h, &h->mdevs[i], ml.uuids[i]);
	free(ml.uuids);
	h->nmdevs = ml.n;
	qsort(h->mdevs, h->nmdevs, sizeof(*h->mdevs), cmp_uuid);
	for (unsigned int i = 0; i < h->nmdevs; i++)
		apm_host_read_mdev(h, i);
	/* After apm_host_read_mdev: the labels go by the mdevs' IOMMU groups (label.c). */
	if (apm_host_label_mdevs(h)) {
		apm_host_unref(h);
		return -ENOMEM;
	}

	h->rules.profile = apr_profile_detect(h->nmdevs > 0,
					      h->nmdevs && h->mdevs[0].has_guest_matrix,
					      h->nmdevs && h->mdevs[0].has_ap_config,
					      h->has_matrix_features, h->override_attr);
	if (h->rules.profile >= APR_PROFILE_6_19 && apr_mask_full(&h->rules.apmask) &&
	    apr_mask_full(&h->rules.aqmask))
		for (a = apr_mask_next(&dl.queues, 0); a < APR_BITS;
		     a = apr_mask_next(&dl.queues, a + 1))
			for (q = 0; q < APR_BITS; q++)
				if ((h->queue[a][q] & APM_Q_EXISTS) &&
				    apm_host_read_override(h, a, q)) {
					apm_host_unref(h);
					return -ENOMEM;
				}
	apm_host_read_holders(h, NULL);
	for (unsigned int i = 0; i < h->nmdevs; i++)
		apm_host_read_in_use(h, i);
	rc = apm_host_derive(h, NULL);
	if (rc) {
		apm_host_unref(h);
		return rc;
	}
	for (unsigned int i = 0; i < h->nmdevs; i++)
		apm_host_prepare_filter(h, &h->mdevs[i]);
	/*
	 * Every queue read into its row's slots, the very ones an on-demand
	 * read fills, and warned about once here.
	 */
	if (flags & APM_LOAD_DETAIL)
		for (a = apr_mask_next(&dl.queues, 0); a < APR_BITS;
		     a = apr_mask_next(&dl.queues, a + 1))
			for (q = 0; q < APR_BITS; q++)
				if (h->queue[a][q] & APM_Q_EXISTS)
					apm_host_read_queue_detail(h, a, q, NULL, true);
	*out = h;
	return 0;
}
