// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * host.c - the snapshot: load a host through the seam, classify its cells.
 *
 * Loading reads the bus files, lists the driver directories (which give the
 * binding of every queue at once), reads the card and mdev files, and
 * nothing per queue: a 256 x 256 host costs a few hundred reads, not the
 * ~62 per APQN lszcrypt -V needs.  Per-queue attributes are read on demand.
 * Every attribute a kernel generation lacks may be missing.  The snapshot
 * also holds a kernel model (core/model/) of what it read, on which the
 * planner predicts changes.
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
	struct apm_buf b = { .s = host->warnings,
			     .len = host->warnings_len,
			     .cap = host->warnings ? host->warnings_len + 1 : 0 };
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* apm_buf needs its true capacity; re-grow from scratch when unknown. */
	if (host->warnings) {
		b.s = NULL;
		b.len = b.cap = 0;
		apm_buf_printf(&b, "%s", host->warnings);
		free(host->warnings);
	}
	apm_buf_printf(&b, "%s\n", line);
	host->warnings = b.s;
	host->warnings_len = b.len;
}

static int read_int(struct apm_ctx *ctx, const char *path, int *v)
{
	char buf[SMALL], *end;
	long l;
	int rc = apm_read(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	l = strtol(buf, &end, 0);
	if (end == buf)
		return -EINVAL;
	*v = (int)l;
	return 0;
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

static int driver_index(struct apm_host *h, const char *name)
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
	struct drv_list d = { .h = h, .drv = driver_index(h, name) };
	char path[128];

	if (!d.drv)
		return 0;
	snprintf(path, sizeof(path), "bus/ap/drivers/%s", name);
	apm_list(h->ctx, path, drv_entry, &d);
	return 0;
}

static int device_entry(const char *name, void *data)
{
	struct apm_host *h = data;
	unsigned int a, q;

	if (apr_queue_name(name, &a, &q))
		h->queue[a][q] |= APM_Q_EXISTS;
	else if (apr_card_name(name, &a)) {
		h->cards[a].has_card = true;
		apr_mask_set(&h->card_present, a);
	}
	return 0;
}

static void load_card(struct apm_host *h, unsigned int a)
{
	struct apm_card *c = &h->cards[a];
	char buf[SMALL], base[32];

	snprintf(base, sizeof(base), "devices/ap/card%02x", a);
	c->hwtype = c->raw_hwtype = c->config = c->chkstop = c->online = -1;
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/hwtype", base) > 0)
		c->hwtype = (int)strtol(buf, NULL, 10);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/raw_hwtype", base) > 0)
		c->raw_hwtype = (int)strtol(buf, NULL, 10);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/type", base) > 0)
		snprintf(c->type, sizeof(c->type), "%s", apm_strip(buf));
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/ap_functions", base) > 0) {
		uint32_t fn = (uint32_t)strtoul(buf, NULL, 16);

		c->functions = fn;
		/* Mode precedence as the bus's MODE= (ap_bus.c: ap_uevent). */
		c->mode = fn & 0x08000000u   ? "accel"
			  : fn & 0x10000000u ? "cca"
			  : fn & 0x04000000u ? "ep11"
					     : NULL;
	}
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/config", base) > 0)
		c->config = atoi(buf);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/chkstop", base) > 0)
		c->chkstop = atoi(buf);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/online", base) > 0)
		c->online = atoi(buf);
	if (!c->mode && c->type[0]) {
		char last = c->type[strlen(c->type) - 1];

		c->mode = last == 'A' ? "accel" : last == 'C' ? "cca" : last == 'P' ? "ep11" : NULL;
	}
}

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

static void load_mdev(struct apm_host *h, struct apm_mdev *m)
{
	struct apm_ctx *ctx = h->ctx;
	char base[80], buf[APR_PAGE_SIZE + 1], link[256];
	struct apr_mask cfg[3];
	int rc;

	snprintf(base, sizeof(base), "devices/vfio_ap/matrix/%s", m->uuid);
	m->iommu_group = -1;
	m->in_use = 0;
	/* ap_config gives all three masks complete in 201 bytes (vfio_ap_ops.c: ap_config_show). */
	rc = apm_readf(ctx, buf, sizeof(buf), "%s/ap_config", base);
	if (rc > 0 && !apr_ap_config_parse(buf, (unsigned long)rc, cfg)) {
		m->has_ap_config = true;
		m->m.apm = cfg[0];
		m->m.aqm = cfg[1];
		m->m.adm = cfg[2];
	} else {
		rc = apm_readf(ctx, buf, sizeof(buf), "%s/matrix", base);
		if (rc >= APR_PAGE_SIZE - 1) {
			m->truncated = true;
			apm_host_warn(h,
				      "mdev %s: matrix exceeds the sysfs page and reads truncated",
				      m->uuid);
		}
		if (rc >= 0 && apm_parse_matrix(buf, &m->m.apm, &m->m.aqm))
			apm_host_warn(h, "mdev %s: cannot parse matrix", m->uuid);
		rc = apm_readf(ctx, buf, sizeof(buf), "%s/control_domains", base);
		apr_mask_zero(&m->m.adm);
		for (char *p = buf; rc > 0 && *p;) {
			char *end;
			unsigned long d = strtoul(p, &end, 16);

			if (end == p)
				break;
			apr_mask_set(&m->m.adm, (unsigned int)d);
			p = end + (*end == '\n');
		}
	}
	rc = apm_readf(ctx, buf, sizeof(buf), "%s/guest_matrix", base);
	if (rc >= 0) {
		m->has_guest_matrix = true;
		if (rc >= APR_PAGE_SIZE - 1) {
			m->truncated = true;
			apm_host_warn(
				h,
				"mdev %s: guest_matrix exceeds the sysfs page and reads truncated",
				m->uuid);
		}
		apm_parse_matrix(buf, &m->m.sapm, &m->m.saqm);
		/* No attribute shows the guest's control domains: the filter's rule (vfio_ap_mdev_filter_cdoms). */
		apr_mask_and(&m->m.sadm, &m->m.adm, &h->rules.qci_adm);
	} else {
		/* Static vfio_ap: the guest gets the assigned matrix as it is. */
		m->m.sapm = m->m.apm;
		m->m.saqm = m->m.aqm;
		m->m.sadm = m->m.adm;
	}
	rc = apm_readlink(ctx, strcat(base, "/iommu_group"), link, sizeof(link));
	if (rc > 0) {
		const char *slash = strrchr(link, '/');

		m->iommu_group = atoi(slash ? slash + 1 : link);
	}
}

/*
 * In use: a queue of the guest matrix reads "in use", or a process holds
 * the VFIO group open.  Without permission to look, unknown, not false.
 */
static void load_in_use(struct apm_host *h, struct apm_mdev *m)
{
	struct apm_ctx *ctx = h->ctx;
	char buf[SMALL];
	int status = -1, holder = 0;

	for (unsigned int a = apr_mask_next(&m->m.sapm, 0); a < APR_BITS && status < 0;
	     a = apr_mask_next(&m->m.sapm, a + 1))
		for (unsigned int q = apr_mask_next(&m->m.saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->m.saqm, q + 1)) {
			if (!(h->queue[a][q] & APM_Q_EXISTS))
				continue;
			if (apm_readf(ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/status",
				      a, a, q) > 0)
				status = !strncmp(buf, "in use", 6);
			break;
		}
	if (m->iommu_group >= 0)
		holder = apm_vfio_holder(ctx, m->iommu_group, m->guest, sizeof(m->guest));
	if (holder == 1 || status == 1)
		m->in_use = 1;
	else if (holder < 0)
		m->in_use = -1;
	else
		m->in_use = 0;
	if (holder != 1)
		m->guest[0] = '\0';
	m->m.attached = m->in_use == 1;
}

static void prepare_filter(struct apm_host *h, struct apm_mdev *m);

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

static int populate_model(struct apm_host *h)
{
	struct apr_model *m = &h->model;

	h->mq = calloc(APR_BITS, sizeof(*h->mq));
	h->minfo = calloc(h->nmdevs ? h->nmdevs : 1, sizeof(*h->minfo));
	if (!h->mq || !h->minfo)
		return -ENOMEM;
	apr_model_init(m, h->mq, NULL, h->rmdevs, h->minfo, h->nmdevs);
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
	for (unsigned int a = 0; a < APR_BITS; a++) {
		const struct apm_card *c = &h->cards[a];
		struct apr_card *mc = &m->card[a];

		if (!c->has_card && !apr_mask_test(&m->lpar_apm, a))
			continue;
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
				int v = apr_override_value(
					m, h->drivers[h->override[a * APR_BITS + q] - 1]);

				mq->override = (uint8_t)(v > 0 ? v : APR_OVR_OTHER);
			}
		}
	}
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		memcpy(h->minfo[i].uuid, h->mdevs[i].uuid, sizeof(h->minfo[i].uuid));
		h->minfo[i].group = h->mdevs[i].iommu_group;
		if (h->minfo[i].group >= m->next_group)
			m->next_group = h->minfo[i].group + 1;
	}
	m->nmdevs = h->nmdevs;
	apr_model_rules_host(m, &h->rules);
	return 0;
}

static void load_overrides(struct apm_host *h)
{
	char buf[SMALL];

	h->override = calloc(APR_BITS * APR_BITS, 1);
	if (!h->override)
		return;
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if ((h->queue[a][q] & APM_Q_EXISTS) &&
			    apm_readf(h->ctx, buf, sizeof(buf),
				      "devices/ap/card%02x/%02x.%04x/driver_override", a, a, q) > 1)
				h->override[a * APR_BITS + q] =
					(unsigned char)driver_index(h, apm_strip(buf));
}

static bool first_queue(const struct apm_host *h, unsigned int *a, unsigned int *q)
{
	for (*a = 0; *a < APR_BITS; (*a)++)
		for (*q = 0; *q < APR_BITS; (*q)++)
			if (h->queue[*a][*q] & APM_Q_EXISTS)
				return true;
	return false;
}

APM_EXPORT int apm_host_load(struct apm_ctx *ctx, unsigned int flags, struct apm_host **out)
{
	struct mdev_list ml = { 0 };
	struct apm_host *h;
	char buf[SMALL];
	unsigned int a, q;
	int v, rc;
	bool override_attr = false;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->refcount = 1;
	h->ctx = apm_ctx_ref(ctx);
	h->kind = ctx->kind;

	rc = read_mask(ctx, "bus/ap/apmask", &h->rules.apmask);
	if (rc == -ENOENT) {
		err(ctx, "%s: no AP bus (bus/ap/apmask is missing)", ctx->source);
		apm_host_unref(h);
		return -ENOENT;
	}
	if (rc)
		apm_host_warn(h, "bus/ap/apmask: unreadable (%s)", apm_errno_name(rc));
	if (read_mask(ctx, "bus/ap/aqmask", &h->rules.aqmask))
		apm_host_warn(h, "bus/ap/aqmask: unreadable");
	/* Without QCI/APXA the limits are 63 and 15 (ap_bus.c: ap_max_adapter_id). */
	h->max_apid = read_int(ctx, "bus/ap/ap_max_adapter_id", &v) ? 63 : (unsigned int)v;
	h->max_apqi = read_int(ctx, "bus/ap/ap_max_domain_id", &v) ? 15 : (unsigned int)v;
	if (h->max_apid > 255)
		h->max_apid = 255;
	if (h->max_apqi > 255)
		h->max_apqi = 255;
	h->lpar_rc[0] = read_mask(ctx, "bus/ap/ap_adapter_mask", (struct apr_mask *)&h->lpar[0]);
	h->lpar_rc[1] =
		read_mask(ctx, "bus/ap/ap_usage_domain_mask", (struct apr_mask *)&h->lpar[1]);
	h->lpar_rc[2] =
		read_mask(ctx, "bus/ap/ap_control_domain_mask", (struct apr_mask *)&h->lpar[2]);
	h->has_ap_domain = !read_int(ctx, "bus/ap/ap_domain", &h->ap_domain);
	rc = apm_read(ctx, "bus/ap/bindings", buf, sizeof(buf));
	h->bindings_complete = rc < 0 ? -ENOENT : strstr(buf, "(complete)") != NULL;
	rc = apm_read(ctx, "bus/ap/features", buf, sizeof(buf));
	if (rc >= 0) {
		h->has_bus_features = true;
		snprintf(h->bus_features, sizeof(h->bus_features), "%s", apm_strip(buf));
	}

	apm_list(ctx, "bus/ap/devices", device_entry, h);
	apm_list(ctx, "bus/ap/drivers", drivers_entry, h);
	for (a = 0; a < APR_BITS; a++)
		if (h->cards[a].has_card)
			load_card(h, a);

	/* vfio_ap's QCI snapshot is the LPAR's configuration. */
	if (!h->lpar_rc[0])
		h->rules.qci_apm = *to_apr(&h->lpar[0]);
	else
		h->rules.qci_apm = h->card_present;
	if (!h->lpar_rc[1])
		h->rules.qci_aqm = *to_apr(&h->lpar[1]);
	else
		for (a = 0; a < APR_BITS; a++)
			for (q = 0; q < APR_BITS; q++)
				if (h->queue[a][q] & APM_Q_EXISTS)
					apr_mask_set(&h->rules.qci_aqm, q);
	if (!h->lpar_rc[2])
		h->rules.qci_adm = *to_apr(&h->lpar[2]);
	else
		h->rules.qci_adm = h->rules.qci_aqm;

	rc = apm_list(ctx, "devices/vfio_ap/matrix", matrix_entry, &ml);
	h->vfio_ap_loaded = rc == 0;
	if (ml.features) {
		h->has_matrix_features = true;
		apm_read(ctx, "devices/vfio_ap/matrix/features", buf, sizeof(buf));
		snprintf(h->matrix_features, sizeof(h->matrix_features), "%s", apm_strip(buf));
	}
	if (first_queue(h, &a, &q) &&
	    apm_readf(ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/driver_override", a, a,
		      q) >= 0)
		override_attr = true;
	h->nmdevs = ml.n;
	h->mdevs = calloc(ml.n ? ml.n : 1, sizeof(*h->mdevs));
	h->rmdevs = calloc(ml.n ? ml.n : 1, sizeof(*h->rmdevs));
	if (!h->mdevs || !h->rmdevs) {
		free(ml.uuids);
		apm_host_unref(h);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < ml.n; i++) {
		h->mdevs[i].host = h;
		memcpy(h->mdevs[i].uuid, ml.uuids[i], 37);
	}
	free(ml.uuids);
	qsort(h->mdevs, h->nmdevs, sizeof(*h->mdevs), cmp_uuid);
	if (apm_host_label_mdevs(h)) {
		apm_host_unref(h);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < h->nmdevs; i++)
		load_mdev(h, &h->mdevs[i]);

	h->rules.profile = apr_profile_detect(h->nmdevs > 0,
					      h->nmdevs && h->mdevs[0].has_guest_matrix,
					      h->nmdevs && h->mdevs[0].has_ap_config,
					      h->has_matrix_features, override_attr);
	if (h->rules.profile >= APR_PROFILE_6_19 && apr_mask_full(&h->rules.apmask) &&
	    apr_mask_full(&h->rules.aqmask))
		load_overrides(h);
	for (unsigned int i = 0; i < h->nmdevs; i++)
		h->rmdevs[i] = h->mdevs[i].m;
	rc = populate_model(h);
	if (rc) {
		apm_host_unref(h);
		return rc;
	}
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		load_in_use(h, &h->mdevs[i]);
		h->rmdevs[i].attached = h->mdevs[i].m.attached;
		memcpy(h->minfo[i].guest, h->mdevs[i].guest, sizeof(h->minfo[i].guest));
		prepare_filter(h, &h->mdevs[i]);
	}
	if (flags & APM_LOAD_DETAIL) {
		h->details = calloc(APR_BITS * APR_BITS, sizeof(*h->details));
		if (h->details)
			for (a = 0; a < APR_BITS; a++)
				for (q = 0; q < APR_BITS; q++)
					if (h->queue[a][q] & APM_Q_EXISTS)
						apm_host_get_queue_detail(h, a, q, NULL);
		h->detail = h->details != NULL;
	}
	*out = h;
	return 0;
}

APM_EXPORT struct apm_host *apm_host_ref(struct apm_host *h)
{
	if (h)
		h->refcount++;
	return h;
}

APM_EXPORT struct apm_host *apm_host_unref(struct apm_host *h)
{
	if (!h || --h->refcount > 0)
		return h;
	apm_ctx_unref(h->ctx);
	free(h->mdevs);
	free(h->rmdevs);
	free(h->minfo);
	free(h->mq);
	free(h->override);
	free(h->details);
	free(h->warnings);
	free(h);
	return NULL;
}

APM_EXPORT struct apm_ctx *apm_host_get_ctx(const struct apm_host *h)
{
	return h->ctx;
}

APM_EXPORT enum apm_host_kind apm_host_get_kind(const struct apm_host *h)
{
	return h->kind;
}

APM_EXPORT unsigned int apm_host_get_max_adapter_id(const struct apm_host *h)
{
	return h->max_apid;
}

APM_EXPORT unsigned int apm_host_get_max_domain_id(const struct apm_host *h)
{
	return h->max_apqi;
}

APM_EXPORT const char *apm_host_get_profile(const struct apm_host *h)
{
	return apr_profile_name(h->rules.profile);
}

APM_EXPORT const char *apm_host_get_bus_features(const struct apm_host *h)
{
	return h->has_bus_features ? h->bus_features : NULL;
}

APM_EXPORT const char *apm_host_get_matrix_features(const struct apm_host *h)
{
	return h->has_matrix_features ? h->matrix_features : NULL;
}

APM_EXPORT bool apm_host_vfio_ap_loaded(const struct apm_host *h)
{
	return h->vfio_ap_loaded;
}

APM_EXPORT int apm_host_get_ap_domain(const struct apm_host *h, int *domain)
{
	if (!h->has_ap_domain)
		return -ENOENT;
	*domain = h->ap_domain;
	return 0;
}

APM_EXPORT int apm_host_bindings_complete(const struct apm_host *h)
{
	return h->bindings_complete;
}

APM_EXPORT void apm_host_get_apmask(const struct apm_host *h, struct apm_mask *m)
{
	memcpy(m, &h->rules.apmask, sizeof(*m));
}

APM_EXPORT void apm_host_get_aqmask(const struct apm_host *h, struct apm_mask *m)
{
	memcpy(m, &h->rules.aqmask, sizeof(*m));
}

APM_EXPORT int apm_host_get_lpar_mask(const struct apm_host *h, enum apm_lpar_mask which,
				      struct apm_mask *m)
{
	if (which > APM_LPAR_CONTROL_DOMAINS)
		return -EINVAL;
	if (!h->lpar_rc[which])
		*m = h->lpar[which];
	return h->lpar_rc[which];
}

APM_EXPORT const char *apm_host_get_warnings(const struct apm_host *h)
{
	return h->warnings ? h->warnings : "";
}

APM_EXPORT int apm_host_get_adapter(const struct apm_host *h, unsigned int id,
				    struct apm_adapter_info *info)
{
	const struct apm_card *c;

	if (id >= APR_BITS)
		return -EINVAL;
	c = &h->cards[id];
	memset(info, 0, sizeof(*info));
	info->id = id;
	info->has_card = c->has_card;
	info->in_lpar = apr_mask_test(&h->rules.qci_apm, id) || c->has_card;
	if (!info->in_lpar)
		return -ENOENT;
	info->hwtype = c->has_card ? c->hwtype : -1;
	info->raw_hwtype = c->has_card ? c->raw_hwtype : -1;
	snprintf(info->type, sizeof(info->type), "%s", c->type);
	info->mode = c->mode;
	info->config = c->has_card ? c->config : -1;
	info->chkstop = c->has_card ? c->chkstop : -1;
	info->online = c->has_card ? c->online : -1;
	info->functions = c->functions;
	snprintf(info->driver, sizeof(info->driver), "%s", c->driver);
	return 0;
}

static const char *const cell_names[APM_CELL_COUNT] = {
	[APM_CELL_HOST] = "host",	[APM_CELL_FREE] = "free",
	[APM_CELL_UNBOUND] = "unbound", [APM_CELL_ASSIGNED] = "assigned",
	[APM_CELL_PLUGGED] = "plugged", [APM_CELL_FILTERED] = "filtered",
	[APM_CELL_ABSENT] = "absent",	[APM_CELL_CONFLICT] = "conflict",
};

APM_EXPORT const char *apm_cell_name(enum apm_cell cell)
{
	return cell < APM_CELL_COUNT ? cell_names[cell] : "?";
}

APM_EXPORT const char *apm_filter_name(enum apm_filter code)
{
	static const char *const names[] = {
		[APM_FILTER_NONE] = "none",
		[APM_FILTER_ADAPTER_NOT_IN_LPAR] = "adapter-not-in-lpar",
		[APM_FILTER_DOMAIN_NOT_IN_LPAR] = "domain-not-in-lpar",
		[APM_FILTER_NO_QUEUE_DEVICE] = "no-queue-device",
		[APM_FILTER_QUEUE_NOT_BOUND] = "queue-not-bound",
		[APM_FILTER_RESET_FAILED] = "reset-failed",
		[APM_FILTER_ADAPTER_DROPPED] = "adapter-dropped",
		[APM_FILTER_STALE] = "stale",
	};

	return code < ARRAY_SIZE(names) ? names[code] : "?";
}

/* Why (a, q) itself cannot reach a guest, or NONE. */
static enum apm_filter own_problem(const struct apm_host *h, unsigned int a, unsigned int q,
				   char *reason, size_t size)
{
	unsigned int st = apr_model_queue_state(&h->model, a, q);
	int drv = h->queue[a][q] & APM_Q_DRV;

	if (!apr_mask_test(&h->rules.qci_apm, a)) {
		snprintf(
			reason, size,
			"adapter 0x%02x is not in the LPAR's configuration (over-provisioned); it reaches the guest when it is added",
			a);
		return APM_FILTER_ADAPTER_NOT_IN_LPAR;
	}
	if (!apr_mask_test(&h->rules.qci_aqm, q)) {
		snprintf(
			reason, size,
			"domain 0x%02x is not a usage domain of the LPAR; it reaches the guest when it is added",
			q);
		return APM_FILTER_DOMAIN_NOT_IN_LPAR;
	}
	if (!(st & APR_Q_EXISTS)) {
		snprintf(reason, size,
			 "the AP bus has no queue device %02x.%04x (card type not supported?)", a,
			 q);
		return APM_FILTER_NO_QUEUE_DEVICE;
	}
	if (!(st & APR_Q_VFIO)) {
		snprintf(reason, size,
			 "queue %02x.%04x is not bound to any driver; vfio_ap must hold it", a, q);
		if (drv)
			snprintf(reason, size, "queue %02x.%04x is bound to %s, not to vfio_ap", a,
				 q, h->drivers[drv - 1]);
		return APM_FILTER_QUEUE_NOT_BOUND;
	}
	if (!apr_queue_passable(&h->rules, st)) {
		snprintf(reason, size,
			 "the last reset of queue %02x.%04x did not complete normally", a, q);
		return APM_FILTER_RESET_FAILED;
	}
	return APM_FILTER_NONE;
}

static void classify_filter(const struct apm_host *h, const struct apm_mdev *m, unsigned int a,
			    unsigned int q, struct apm_queue_info *info)
{
	char why[192];
	int d;

	info->filter = own_problem(h, a, q, info->reason, sizeof(info->reason));
	if (info->filter != APM_FILTER_NONE)
		return;
	/* Another APQN of the adapter keeps it out (vfio_ap_ops.c: vfio_ap_mdev_filter_matrix). */
	d = m->bad_domain[a];
	if (d >= 0) {
		own_problem(h, a, (unsigned int)d, why, sizeof(why));
		info->filter = APM_FILTER_ADAPTER_DROPPED;
		snprintf(info->reason, sizeof(info->reason),
			 "adapter 0x%02x is dropped from the guest because of APQN %02x.%04x: %s",
			 a, a, d, why);
		return;
	}
	info->filter = APM_FILTER_STALE;
	if (apr_mask_test(&m->fresh_sapm, a) && apr_mask_test(&m->fresh_saqm, q))
		snprintf(
			info->reason, sizeof(info->reason),
			"unplugged by an earlier unassign or removal; the kernel adds it back at the next filter event (an assign, a queue bind, a configuration change)");
	else
		snprintf(info->reason, sizeof(info->reason), "not in the guest's matrix");
}

/* The per-mdev facts classify_filter needs, once per load rather than per APQN. */
static void prepare_filter(struct apm_host *h, struct apm_mdev *m)
{
	struct apr_mdev fresh = m->m;
	struct apr_mask filtered, doms;

	apr_filter(&h->rules, &fresh, &filtered);
	m->fresh_sapm = fresh.sapm;
	m->fresh_saqm = fresh.saqm;
	apr_mask_and(&doms, &m->m.aqm, &h->rules.qci_aqm);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		m->bad_domain[a] = -1;
		if (!apr_mask_test(&m->m.apm, a))
			continue;
		for (unsigned int d = apr_mask_next(&doms, 0); d < APR_BITS;
		     d = apr_mask_next(&doms, d + 1)) {
			char why[8];

			if (own_problem(h, a, d, why, sizeof(why)) != APM_FILTER_NONE) {
				m->bad_domain[a] = (short)d;
				break;
			}
		}
	}
}

APM_EXPORT int apm_host_get_queue(const struct apm_host *h, unsigned int a, unsigned int q,
				  struct apm_queue_info *info)
{
	int drv, i;

	if (a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->adapter = a;
	info->domain = q;
	info->exists = h->queue[a][q] & APM_Q_EXISTS;
	drv = h->queue[a][q] & APM_Q_DRV;
	info->driver = info->exists && drv ? h->drivers[drv - 1] : NULL;
	info->owner_host = apr_mask_test(&h->rules.apmask, a) && apr_mask_test(&h->rules.aqmask, q);
	i = apr_mdev_holding(h->rmdevs, (int)h->nmdevs, a, q);
	info->mdev = i;
	if (i >= 0) {
		const struct apm_mdev *m = &h->mdevs[i];

		info->in_guest_matrix = apr_mask_test(&m->m.sapm, a) &&
					apr_mask_test(&m->m.saqm, q);
		info->plugged = info->in_guest_matrix && m->in_use == 1;
		if (!info->in_guest_matrix)
			classify_filter(h, m, a, q, info);
	}
	/* The cell follows the kernel's ownership (6.19: overrides); `owner` is the mask rule. */
	if (i >= 0 && apr_default_owned(&h->rules, a, q))
		info->cell = APM_CELL_CONFLICT;
	else if (i >= 0 && !info->exists)
		info->cell = APM_CELL_ABSENT;
	else if (info->plugged)
		info->cell = APM_CELL_PLUGGED;
	else if (info->in_guest_matrix)
		info->cell = APM_CELL_ASSIGNED;
	else if (i >= 0)
		info->cell = APM_CELL_FILTERED;
	else if (!info->owner_host && info->driver && !strcmp(info->driver, "vfio_ap"))
		info->cell = APM_CELL_FREE;
	else if (!info->owner_host && !info->driver)
		info->cell = APM_CELL_UNBOUND;
	else
		info->cell = APM_CELL_HOST;
	return 0;
}

APM_EXPORT int apm_host_foreach_queue(const struct apm_host *h,
				      int (*fn)(const struct apm_queue_info *q, void *data),
				      void *data)
{
	struct apm_queue_info info;
	struct apr_mask apm, aqm;
	int rc;

	/* Adapters and domains worth a look: those with queues or in some mdev. */
	apr_mask_zero(&apm);
	apr_mask_zero(&aqm);
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		apr_mask_or(&apm, &apm, &h->mdevs[i].m.apm);
		apr_mask_or(&aqm, &aqm, &h->mdevs[i].m.aqm);
	}
	for (unsigned int a = 0; a < APR_BITS; a++) {
		bool any_a = apr_mask_test(&apm, a);

		if (!h->cards[a].has_card && !any_a)
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++) {
			if (!(h->queue[a][q] & APM_Q_EXISTS) &&
			    (!any_a || !apr_mask_test(&aqm, q) ||
			     apr_mdev_holding(h->rmdevs, (int)h->nmdevs, a, q) < 0))
				continue;
			apm_host_get_queue(h, a, q, &info);
			rc = fn(&info, data);
			if (rc)
				return rc;
		}
	}
	return 0;
}

APM_EXPORT int apm_host_get_queue_detail(struct apm_host *h, unsigned int a, unsigned int q,
					 struct apm_queue_detail *out)
{
	struct apm_queue_detail d, *slot = h->details ? &h->details[a * APR_BITS + q] : NULL;
	char base[40], buf[SMALL];

	if (a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	if (!(h->queue[a][q] & APM_Q_EXISTS))
		return -ENOENT;
	if (slot && h->detail) {
		if (out)
			*out = *slot;
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.config = d.chkstop = d.online = -1;
	snprintf(base, sizeof(base), "devices/ap/card%02x/%02x.%04x", a, a, q);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/status", base) > 0)
		snprintf(d.status, sizeof(d.status), "%s", apm_strip(buf));
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/config", base) > 0)
		d.config = atoi(buf);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/chkstop", base) > 0)
		d.chkstop = atoi(buf);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/online", base) > 0)
		d.online = atoi(buf);
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/se_bind", base) > 0)
		snprintf(d.se_bind, sizeof(d.se_bind), "%s", apm_strip(buf));
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/se_associate", base) > 0)
		snprintf(d.se_associate, sizeof(d.se_associate), "%s", apm_strip(buf));
	if (slot)
		*slot = d;
	if (out)
		*out = d;
	return 0;
}

/* "LABEL: STATE PATTERN" lines of a queue's mkvps (zcrypt_cex4.c: cca_mkvps_show, ep11_mkvps_show). */
APM_EXPORT int apm_host_foreach_queue_mkvp(struct apm_host *h, unsigned int a, unsigned int q,
					   int (*fn)(const char *reg, const char *state,
						     const char *pattern, void *data),
					   void *data)
{
	char buf[1024], *line, *save = NULL;
	int rc;

	if (a >= APR_BITS || q >= APR_BITS || !fn)
		return -EINVAL;
	rc = apm_readf(h->ctx, buf, sizeof(buf), "devices/ap/card%02x/%02x.%04x/mkvps", a, a, q);
	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *state, *pattern;

		if (!colon)
			continue;
		*colon = '\0';
		state = colon + 1 + strspn(colon + 1, " ");
		pattern = strchr(state, ' ');
		if (pattern)
			*pattern++ = '\0';
		rc = fn(line, state, pattern && *pattern ? pattern : "-", data);
		if (rc)
			return rc;
	}
	return 0;
}

APM_EXPORT int apm_host_get_zcrypt_info(struct apm_host *h, unsigned int a, int q,
					enum apm_zcrypt_info what, char *buf, size_t size)
{
	static const char *const names[] = { "serialnr", "API_ordinalnr", "FW_version",
					     "op_modes" };
	char path[64], *t;
	int rc;

	if (a >= APR_BITS || q >= APR_BITS || (unsigned int)what >= ARRAY_SIZE(names) || !size)
		return -EINVAL;
	if (q < 0)
		snprintf(path, sizeof(path), "devices/ap/card%02x/%s", a, names[what]);
	else
		snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/%s", a, a, q,
			 names[what]);
	rc = apm_readf(h->ctx, buf, size, "%s", path);
	if (rc < 0) {
		buf[0] = '\0';
		return rc;
	}
	t = apm_strip(buf);
	memmove(buf, t, strlen(t) + 1);
	return 0;
}

APM_EXPORT unsigned int apm_host_get_mdev_count(const struct apm_host *h)
{
	return h->nmdevs;
}

APM_EXPORT struct apm_mdev *apm_host_get_mdev(const struct apm_host *h, unsigned int i)
{
	return i < h->nmdevs ? &h->mdevs[i] : NULL;
}

APM_EXPORT struct apm_mdev *apm_host_find_mdev(const struct apm_host *h, const char *uuid)
{
	struct apm_mdev *found = NULL;
	size_t n = strlen(uuid);

	if (n < 4)
		return NULL;
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (!strncasecmp(h->mdevs[i].uuid, uuid, n)) {
			if (n == 36)
				return &h->mdevs[i];
			if (found)
				return NULL;
			found = &h->mdevs[i];
		}
	return found;
}

APM_EXPORT int apm_host_mdev_index(const struct apm_host *h, const struct apm_mdev *m)
{
	return m ? (int)(m - h->mdevs) : -1;
}

APM_EXPORT const char *apm_mdev_get_uuid(const struct apm_mdev *m)
{
	return m->uuid;
}

APM_EXPORT const char *apm_mdev_get_guest(const struct apm_mdev *m)
{
	return m->guest[0] ? m->guest : NULL;
}

APM_EXPORT int apm_mdev_in_use(const struct apm_mdev *m)
{
	return m->in_use;
}

APM_EXPORT void apm_mdev_get_mask(const struct apm_mdev *m, enum apm_mdev_set which,
				  struct apm_mask *out)
{
	const struct apr_mask *src[] = { &m->m.apm,  &m->m.aqm,	 &m->m.adm,
					 &m->m.sapm, &m->m.saqm, &m->m.sadm };

	memcpy(out, which < ARRAY_SIZE(src) ? src[which] : src[0], sizeof(*out));
}

APM_EXPORT bool apm_mdev_has_guest_matrix(const struct apm_mdev *m)
{
	return m->has_guest_matrix;
}
