// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * host.c - the snapshot: its lifetime, what it shows (adapters, queues,
 * mdevs, the bus), the classification of its cells with the filter's
 * reasons, and the comparison of two snapshots the engine's tests use.
 * Reading one through the seam is host-load.c's job.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

#define SMALL 256

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
	apm_table_unref(h->queue);
	apm_table_unref(h->override);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		apm_table_unref(h->qrow[a]);
		apm_table_unref(h->mq[a]);
	}
	free(h->warnings);
	apm_wcache_unref(h->wcache);
	apm_wcache_unref(h->wbase);
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

APM_EXPORT bool apm_host_is_bindings_complete(const struct apm_host *h, int *err)
{
	if (err)
		*err = h->bindings_complete < 0 ? h->bindings_complete : 0;
	return h->bindings_complete == 1;
}

APM_EXPORT void apm_host_get_apmask(const struct apm_host *h, struct apm_mask *m)
{
	memcpy(m, &h->rules.apmask, sizeof(*m));
}

APM_EXPORT void apm_host_get_aqmask(const struct apm_host *h, struct apm_mask *m)
{
	memcpy(m, &h->rules.aqmask, sizeof(*m));
}

APM_EXPORT int apm_host_get_lpar_mask(const struct apm_host *h, enum apm_kind which,
				      struct apm_mask *m)
{
	if (which > APM_KIND_CONTROL_DOMAIN)
		return -EINVAL;
	if (!h->lpar_rc[which])
		*m = h->lpar[which];
	return h->lpar_rc[which];
}

APM_EXPORT const char *apm_host_get_warnings(const struct apm_host *h)
{
	return h->warnings ? h->warnings : "";
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

/* Why (a, q) itself cannot reach a guest, or NONE (the filter's order). */
static enum apm_filter problem_code(const struct apm_host *h, unsigned int a, unsigned int q)
{
	unsigned int st = apr_model_queue_state(&h->model, a, q);

	if (!apr_mask_test(&h->rules.qci_apm, a))
		return APM_FILTER_ADAPTER_NOT_IN_LPAR;
	if (!apr_mask_test(&h->rules.qci_aqm, q))
		return APM_FILTER_DOMAIN_NOT_IN_LPAR;
	if (!(st & APR_Q_EXISTS))
		return APM_FILTER_NO_QUEUE_DEVICE;
	if (!(st & APR_Q_VFIO))
		return APM_FILTER_QUEUE_NOT_BOUND;
	if (!apr_queue_passable(&h->rules, st))
		return APM_FILTER_RESET_FAILED;
	return APM_FILTER_NONE;
}

/*
 * Reasons are built, not printed: the delta classifies every APQN of a
 * row a batch touched, before and after, and snprintf's format parsing
 * was a quarter of a batch.  What snprintf(s, size, ...) would write:
 * cut to size - 1 bytes, always terminated.
 */
struct reason_buf {
	char *s;
	size_t size, len;
};

static void reason_str(struct reason_buf *b, const char *t)
{
	size_t n = strlen(t), room = b->size - 1 - b->len;

	if (n > room)
		n = room;
	memcpy(b->s + b->len, t, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* v (below 16^digits: an ID of 0..255) as %0<digits>x. */
static void reason_hex(struct reason_buf *b, unsigned int v, int digits)
{
	char t[8];

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		t[i] = "0123456789abcdef"[v & 15];
	t[digits] = '\0';
	reason_str(b, t);
}

/* "%02x.%04x" */
static void reason_apqn(struct reason_buf *b, unsigned int a, unsigned int q)
{
	reason_hex(b, a, 2);
	reason_str(b, ".");
	reason_hex(b, q, 4);
}

/* The same, with its reason in one sentence. */
static enum apm_filter own_problem(const struct apm_host *h, unsigned int a, unsigned int q,
				   char *reason, size_t size)
{
	enum apm_filter code = problem_code(h, a, q);
	int drv = h->queue[a][q] & APM_Q_DRV;

	switch (code) {
	case APM_FILTER_ADAPTER_NOT_IN_LPAR:
		snprintf(
			reason, size,
			"adapter 0x%02x is not in the LPAR's configuration (over-provisioned); it reaches the guest when it is added",
			a);
		break;
	case APM_FILTER_DOMAIN_NOT_IN_LPAR:
		snprintf(
			reason, size,
			"domain 0x%02x is not a usage domain of the LPAR; it reaches the guest when it is added",
			q);
		break;
	case APM_FILTER_NO_QUEUE_DEVICE:
		snprintf(reason, size,
			 "the AP bus has no queue device %02x.%04x (card type not supported?)", a,
			 q);
		break;
	case APM_FILTER_QUEUE_NOT_BOUND: {
		struct reason_buf b = { reason, size, 0 };

		reason_str(&b, "queue ");
		reason_apqn(&b, a, q);
		if (drv) {
			reason_str(&b, " is bound to ");
			reason_str(&b, h->drivers[drv - 1]);
			reason_str(&b, ", not to vfio_ap");
		} else {
			reason_str(&b, " is not bound to any driver; vfio_ap must hold it");
		}
		break;
	}
	case APM_FILTER_RESET_FAILED:
		snprintf(reason, size,
			 "the last reset of queue %02x.%04x did not complete normally", a, q);
		break;
	default:
		break;
	}
	return code;
}

/*
 * Why the filter keeps (a, q) of mdev m out of its guest: the code, and
 * with text its reason.  The delta asks the code of thousands of APQNs
 * and the text only where the codes agree.
 */
static void classify_filter(const struct apm_host *h, const struct apm_mdev *m, unsigned int a,
			    unsigned int q, struct apm_queue *info, bool text)
{
	struct reason_buf b = { info->reason, sizeof(info->reason), 0 };
	char why[192];
	int d;

	if (text)
		info->filter = own_problem(h, a, q, info->reason, sizeof(info->reason));
	else
		info->filter = problem_code(h, a, q);
	if (info->filter != APM_FILTER_NONE)
		return;
	/* Another APQN of the adapter keeps it out (vfio_ap_ops.c: vfio_ap_mdev_filter_matrix). */
	d = m->bad_domain[a];
	if (d >= 0) {
		info->filter = APM_FILTER_ADAPTER_DROPPED;
		if (!text)
			return;
		why[0] = '\0';
		own_problem(h, a, (unsigned int)d, why, sizeof(why));
		/* "adapter 0x%02x is dropped from the guest because of APQN %02x.%04x: %s" */
		reason_str(&b, "adapter 0x");
		reason_hex(&b, a, 2);
		reason_str(&b, " is dropped from the guest because of APQN ");
		reason_apqn(&b, a, (unsigned int)d);
		reason_str(&b, ": ");
		reason_str(&b, why);
		return;
	}
	info->filter = APM_FILTER_STALE;
	if (!text)
		return;
	if (apr_mask_test(&m->fresh_sapm, a) && apr_mask_test(&m->fresh_saqm, q))
		reason_str(
			&b,
			"unplugged by an earlier unassign or removal; the kernel adds it back at the next filter event (an assign, a queue bind, a configuration change)");
	else
		reason_str(&b, "not in the guest's matrix");
}

/* The per-mdev facts classify_filter needs, once per snapshot rather than per APQN. */
void apm_host_prepare_filter(struct apm_host *h, struct apm_mdev *m)
{
	apm_host_prepare_filter_rows(h, m, NULL);
}

void apm_host_prepare_filter_rows(struct apm_host *h, struct apm_mdev *m,
				  const struct apr_mask *rows)
{
	struct apr_mdev fresh = m->m;
	struct apr_mask filtered, doms;

	apr_filter(&h->rules, &fresh, &filtered);
	m->fresh_sapm = fresh.sapm;
	m->fresh_saqm = fresh.saqm;
	apr_mask_and(&doms, &m->m.aqm, &h->rules.qci_aqm);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (rows && !apr_mask_test(rows, a))
			continue;
		m->bad_domain[a] = -1;
		if (!apr_mask_test(&m->m.apm, a))
			continue;
		for (unsigned int d = apr_mask_next(&doms, 0); d < APR_BITS;
		     d = apr_mask_next(&doms, d + 1))
			if (problem_code(h, a, d) != APM_FILTER_NONE) {
				m->bad_domain[a] = (short)d;
				break;
			}
	}
}

void apm_host_classify_queue_code(const struct apm_host *h, unsigned int a, unsigned int q,
				  struct apm_queue *info, bool text)
{
	int drv, i;

	info->adapter = a;
	info->domain = q;
	info->in_guest_matrix = false;
	info->plugged = false;
	info->filter = APM_FILTER_NONE;
	info->reason[0] = '\0';
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
			classify_filter(h, m, a, q, info, text);
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
}

void apm_host_classify_queue(const struct apm_host *h, unsigned int a, unsigned int q,
			     struct apm_queue *info)
{
	apm_host_classify_queue_code(h, a, q, info, true);
}

void apm_host_queue_reason(const struct apm_host *h, struct apm_queue *info)
{
	info->reason[0] = '\0';
	if (info->mdev >= 0 && !info->in_guest_matrix)
		classify_filter(h, &h->mdevs[info->mdev], info->adapter, info->domain, info, true);
}

/*
 * A queue's 0/1 attribute; other text is unknown, and warned about when
 * warn (a --detail load reads every queue once, after the warnings are
 * derived; an on-demand read of a queue stays quiet).
 */
static int detail_bool(struct apm_host *h, const char *base, const char *attr, bool warn)
{
	struct apm_odd odd;
	int v = apm_read_bool(h->ctx, base, attr, &odd);

	if (warn && odd.set)
		apm_host_warn(h, "%s/%s: '%s' is neither 0 nor 1; read as unknown", base, attr,
			      odd.text);
	return v;
}

/*
 * (a, q)'s slot, ours to write (its row made, or copied from the snapshot
 * that shares it); NULL when memory is short, and nothing is kept then.
 */
static struct apm_qslot *own_slot(struct apm_host *h, unsigned int a, unsigned int q)
{
	if (!h->qrow[a])
		h->qrow[a] = apm_table_new(APR_BITS * sizeof(struct apm_qslot));
	if (!h->qrow[a] || !apm_table_own(&h->qrow[a]))
		return NULL;
	return &h->qrow[a][q];
}

/* Whether the bus's features (ap_bus.c: features_show, space separated) name token. */
static bool bus_has_feature(const struct apm_host *h, const char *token)
{
	size_t n = strlen(token);

	if (!h->has_bus_features)
		return false;
	for (const char *p = h->bus_features; (p = strstr(p, token)); p += n)
		if ((p == h->bus_features || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * config, chkstop and online of a slot that keeps them (a detail read, or
 * facts a queue only re-bound kept: apm_host_queue_rebound) into d; false
 * when they must be read.
 */
static bool kept_facts(const struct apm_qslot *k, struct apm_queue_detail *d)
{
	if (!k || !(k->valid || k->facts_valid))
		return false;
	d->config = k->d.config;
	d->chkstop = k->d.chkstop;
	d->online = k->d.online;
	return true;
}

int apm_host_read_queue_facts(struct apm_host *h, unsigned int a, unsigned int q,
			      struct apm_queue_detail *out, bool status)
{
	struct apm_queue_detail d;
	struct apm_qslot *k;
	struct apm_odd odd;
	char base[40];

	if (a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	if (!(h->queue[a][q] & APM_Q_EXISTS))
		return -ENOENT;
	k = h->qrow[a] ? &h->qrow[a][q] : NULL;
	if (status || (k && k->valid && k->status_valid))
		return apm_host_read_queue_detail(h, a, q, out, false) ?: 1;
	memset(&d, 0, sizeof(d));
	if (!kept_facts(k, &d)) {
		/*
		 * Three files, not the six of a detail: a storm touches every
		 * queue on screen, and the grid asks each of them again.
		 */
		snprintf(base, sizeof(base), "devices/ap/card%02x/%02x.%04x", a, a, q);
		d.config = apm_read_bool(h->ctx, base, "config", &odd);
		d.chkstop = apm_read_bool(h->ctx, base, "chkstop", &odd);
		d.online = apm_read_bool(h->ctx, base, "online", &odd);
		k = own_slot(h, a, q);
		if (k) {
			k->d.config = d.config;
			k->d.chkstop = d.chkstop;
			k->d.online = d.online;
			k->facts_valid = true;
		}
	}
	if (out)
		*out = d;
	return 0;
}

int apm_host_read_queue_detail(struct apm_host *h, unsigned int a, unsigned int q,
			       struct apm_queue_detail *out, bool warn)
{
	struct apm_queue_detail d;
	char base[40], buf[SMALL];
	struct apm_qslot *k;

	if (a >= APR_BITS || q >= APR_BITS)
		return -EINVAL;
	if (!(h->queue[a][q] & APM_Q_EXISTS))
		return -ENOENT;
	snprintf(base, sizeof(base), "devices/ap/card%02x/%02x.%04x", a, a, q);
	/* Read before (in this snapshot or an earlier one, and no event since)? */
	if (h->qrow[a] && h->qrow[a][q].valid) {
		k = &h->qrow[a][q];
		if (!k->status_valid && apm_table_own(&h->qrow[a])) {
			k = &h->qrow[a][q];
			memset(k->d.status, 0, sizeof(k->d.status));
			if (apm_readf(h->ctx, buf, sizeof(buf), "%s/status", base) > 0)
				snprintf(k->d.status, sizeof(k->d.status), "%s", apm_strip(buf));
			k->status_valid = true;
		}
		if (k->status_valid) {
			if (out)
				*out = k->d;
			return 0;
		}
	}
	memset(&d, 0, sizeof(d));
	if (apm_readf(h->ctx, buf, sizeof(buf), "%s/status", base) > 0)
		snprintf(d.status, sizeof(d.status), "%s", apm_strip(buf));
	/*
	 * Kept facts are not read again: the console's detail of a queue that
	 * just moved would cost three more files.  warn reads them, to say an
	 * odd value.
	 */
	k = h->qrow[a] ? &h->qrow[a][q] : NULL;
	if (warn || !kept_facts(k, &d)) {
		/*
		 * The warnings' reading of config and chkstop (apm_host_get_queue_
		 * state: a running guest's queue that just came back) is taken too;
		 * it has no chkstop of a queue configured off.
		 */
		if (!warn && k && k->state_valid && k->d.config == 1 && k->d.chkstop >= 0) {
			d.config = k->d.config;
			d.chkstop = k->d.chkstop;
		} else {
			d.config = detail_bool(h, base, "config", warn);
			d.chkstop = detail_bool(h, base, "chkstop", warn);
		}
		d.online = detail_bool(h, base, "online", warn);
	}
	/*
	 * The SE attributes exist only in a Secure Execution guest whose QCI
	 * has APSB, which the bus's features name (ap_queue.c: ap_queue_create
	 * gives the queue ap_queue_dev_sb_attr_groups then): elsewhere two
	 * opens that fail, at every detail.
	 */
	if (bus_has_feature(h, "APSB")) {
		if (apm_readf(h->ctx, buf, sizeof(buf), "%s/se_bind", base) > 0)
			snprintf(d.se_bind, sizeof(d.se_bind), "%s", apm_strip(buf));
		if (apm_readf(h->ctx, buf, sizeof(buf), "%s/se_associate", base) > 0)
			snprintf(d.se_associate, sizeof(d.se_associate), "%s", apm_strip(buf));
	}
	/* Kept for the next call and the next snapshots (nothing kept when memory is short). */
	k = own_slot(h, a, q);
	if (k)
		*k = (struct apm_qslot){
			.d = d, .valid = true, .status_valid = true, .state_valid = true
		};
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

void apm_host_read_queue_state(struct apm_host *h, unsigned int a, unsigned int q, int *config,
			       int *chkstop)
{
	struct apm_qslot *k;
	struct apm_odd odd;
	char base[40];

	/* ap_queue.c: config_show, chkstop_show ("%d\n"), read as the detail reads them. */
	snprintf(base, sizeof(base), "devices/ap/card%02x/%02x.%04x", a, a, q);
	*config = apm_read_bool(h->ctx, base, "config", &odd);
	*chkstop = *config != 0 ? apm_read_bool(h->ctx, base, "chkstop", &odd) : -1;
	/* Kept like the detail (nothing kept when memory is short). */
	k = own_slot(h, a, q);
	if (k) {
		k->d.config = *config;
		k->d.chkstop = *chkstop;
		k->state_valid = true;
	}
}

void apm_host_forget_queue(struct apm_host *h, unsigned int a, unsigned int q)
{
	if (!h->qrow[a] || !apm_qslot_kept(&h->qrow[a][q]))
		return;
	/* No memory for a copy of the row: the whole row is forgotten instead. */
	if (!apm_table_own(&h->qrow[a]))
		apm_host_forget_adapter(h, a);
	else
		h->qrow[a][q].valid = h->qrow[a][q].state_valid = h->qrow[a][q].facts_valid = false;
}

/*
 * ap_queue.c's config and chkstop do not follow the driver; what the
 * drivers add does: zcrypt's online (the cex4queue driver's attribute
 * group, zcrypt_cex4.c) and vfio_ap's status, and the reset on the way
 * may change the SE bind state.  Without a zcrypt driver there is no
 * online file, so online is known without a read: unknown (-1), as a
 * read of the missing file says.
 */
void apm_host_queue_rebound(struct apm_host *h, unsigned int a, unsigned int q)
{
	int drv = h->queue[a][q] & APM_Q_DRV;
	struct apm_qslot *k;
	bool facts;

	if (!h->qrow[a])
		return;
	if (!apm_qslot_kept(&h->qrow[a][q]))
		return;
	if (!apm_table_own(&h->qrow[a])) {
		apm_host_forget_adapter(h, a);
		return;
	}
	k = &h->qrow[a][q];
	facts = k->valid || k->facts_valid;
	k->valid = k->status_valid = false;
	k->facts_valid = facts && !(drv && h->driver_default[drv - 1]);
	if (k->facts_valid)
		k->d.online = -1;
}

void apm_host_forget_status(struct apm_host *h, unsigned int a, unsigned int q)
{
	if (!h->qrow[a] || !h->qrow[a][q].status_valid)
		return;
	if (!apm_table_own(&h->qrow[a]))
		apm_host_forget_adapter(h, a);
	else
		h->qrow[a][q].status_valid = false;
}

void apm_host_forget_adapter(struct apm_host *h, unsigned int a)
{
	apm_table_unref(h->qrow[a]);
	h->qrow[a] = NULL;
}

/*
 * ap_bus.c: ap_scan_domains, what a scan changes of a queue without a
 * uevent: its checkstop.  That is the adapter's: TAPQ answers
 * "checkstopped" for every APQN of a checkstopped adapter, and
 * ap_scan_adapter takes the card's chkstop from its first queue's answer
 * in the same scan; the model does the same (bus.c: the scan's queues
 * take the card's se_chkstop).  So while the card's chkstop and online
 * (0 in checkstop) read as before, its queues' config, chkstop and online
 * stand: a change of a queue's config comes as a CONFIG= uevent
 * (ap_send_config_uevent), of its online as ONLINE=.  Re-read, they cost
 * three files per queue on screen or in a guest at every scan, 24,000 in
 * the VM at 256 x 256 with 16 guests: 300 ms every config_time seconds
 * while a key waits.  In a Secure Execution guest (APSB) se_bind and
 * se_associate change with no event at all: there a scan forgets them.
 */
bool apm_host_scan_keeps_queues(const struct apm_host *old, const struct apm_host *h,
				unsigned int a)
{
	const struct apm_card *o = &old->cards[a], *c = &h->cards[a];

	return !bus_has_feature(h, "APSB") && o->has_card == c->has_card &&
	       o->chkstop == c->chkstop && o->online == c->online;
}

/*
 * Of row a, the domains where m's matrix (usage) and its guest's hold
 * (a, q): what status_show answers from, with whether that guest runs.
 */
static void status_row(const struct apm_mdev *m, unsigned int a, struct apr_mask *usage,
		       struct apr_mask *guest)
{
	apr_mask_zero(usage);
	apr_mask_zero(guest);
	if (m && apr_mask_test(&m->m.apm, a))
		*usage = m->m.aqm;
	if (m && apr_mask_test(&m->m.sapm, a))
		*guest = m->m.saqm;
}

/*
 * The domains of row a where the status of m and of o (NULL: none) can
 * differ: in one's matrix or guest and not in the other's, or held by
 * either while one's guest runs and the other's does not.
 */
static void status_differs(const struct apm_mdev *m, const struct apm_mdev *o, unsigned int a,
			   struct apr_mask *r)
{
	struct apr_mask mu, mg, ou, og;
	bool run_m = m && m->in_use == 1, run_o = o && o->in_use == 1;

	status_row(m, a, &mu, &mg);
	status_row(o, a, &ou, &og);
	for (int k = 0; k < 4; k++) {
		r->w[k] = (mu.w[k] ^ ou.w[k]) | (mg.w[k] ^ og.w[k]);
		if (run_m != run_o)
			r->w[k] |= mu.w[k] | mg.w[k] | ou.w[k] | og.w[k];
	}
}

void apm_host_forget_mdevs(struct apm_host *h, const struct apm_host *old)
{
	/*
	 * vfio_ap_ops.c: status_show says "in use", "assigned" or
	 * "unassigned" from the mdevs' matrices, the guest's and its KVM:
	 * where any of these changed, the status read is stale.
	 */
	for (int pass = 0; pass < 2; pass++) {
		const struct apm_host *x = pass ? old : h, *y = pass ? h : old;

		for (unsigned int i = 0; i < x->nmdevs; i++) {
			const struct apm_mdev *m = &x->mdevs[i], *o = NULL;
			struct apr_mask rows, cols;

			for (unsigned int k = 0; k < y->nmdevs && !o; k++)
				if (!strcmp(y->mdevs[k].uuid, m->uuid))
					o = &y->mdevs[k];
			if (o && !memcmp(&o->m.apm, &m->m.apm, sizeof(m->m.apm)) &&
			    !memcmp(&o->m.aqm, &m->m.aqm, sizeof(m->m.aqm)) &&
			    !memcmp(&o->m.sapm, &m->m.sapm, sizeof(m->m.sapm)) &&
			    !memcmp(&o->m.saqm, &m->m.saqm, sizeof(m->m.saqm)) &&
			    (o->in_use == 1) == (m->in_use == 1))
				continue;
			apr_mask_or(&rows, &m->m.apm, &m->m.sapm);
			apr_mask_or(&cols, &m->m.aqm, &m->m.saqm);
			/*
			 * Row by row, as masks: a guest losing one adapter has
			 * 256 queues to forget, not 16 x 256 to compare.
			 */
			for (unsigned int a = apr_mask_next(&rows, 0); a < APR_BITS;
			     a = apr_mask_next(&rows, a + 1)) {
				struct apr_mask diff;

				if (!h->qrow[a])
					continue;
				status_differs(m, o, a, &diff);
				apr_mask_and(&diff, &diff, &cols);
				for (unsigned int q = apr_mask_next(&diff, 0); q < APR_BITS;
				     q = apr_mask_next(&diff, q + 1))
					apm_host_forget_status(h, a, q);
			}
		}
	}
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

APM_EXPORT bool apm_mdev_guest_is_secure(const struct apm_mdev *m)
{
	return m->secure;
}

APM_EXPORT int apm_mdev_in_use(const struct apm_mdev *m)
{
	return m->in_use;
}

APM_EXPORT bool apm_mdev_is_in_use(const struct apm_mdev *m, int *err)
{
	if (err)
		*err = m->in_use < 0 ? (m->holder < 0 ? m->holder : -EACCES) : 0;
	return m->in_use == 1;
}

APM_EXPORT void apm_mdev_get_mask(const struct apm_mdev *m, enum apm_kind which,
				  struct apm_mask *out)
{
	const struct apr_mask *src[] = { &m->m.apm,  &m->m.aqm,	 &m->m.adm,
					 &m->m.sapm, &m->m.saqm, &m->m.sadm };

	if ((unsigned int)which < ARRAY_SIZE(src))
		memcpy(out, src[which], sizeof(*out));
	else
		memset(out, 0, sizeof(*out));
}

APM_EXPORT bool apm_mdev_has_guest_matrix(const struct apm_mdev *m)
{
	return m->has_guest_matrix;
}

/* --------------------------------------------------------- comparison */

struct cmp {
	char *why;
	size_t size;
	int diff;
};

static bool differ(struct cmp *c, bool d, const char *fmt, ...) APM_PRINTF(3, 4);

static bool differ(struct cmp *c, bool d, const char *fmt, ...)
{
	va_list ap;

	if (!d || c->diff)
		return d;
	c->diff = 1;
	va_start(ap, fmt);
	vsnprintf(c->why, c->size, fmt, ap);
	va_end(ap);
	return true;
}

static bool mask_differs(struct cmp *c, const struct apr_mask *x, const struct apr_mask *y,
			 const char *what)
{
	char a[APR_MASK_STRLEN + 1], b[APR_MASK_STRLEN + 1];

	if (!memcmp(x, y, sizeof(*x)))
		return false;
	apr_mask_format(x, a);
	apr_mask_format(y, b);
	return differ(c, true, "%s: %s != %s", what, a, b);
}

static bool str_differs(struct cmp *c, const char *x, const char *y, const char *what)
{
	return differ(c, (x == NULL) != (y == NULL) || (x && strcmp(x, y)), "%s: '%s' != '%s'",
		      what, x ? x : "(none)", y ? y : "(none)");
}

static bool int_differs(struct cmp *c, long long x, long long y, const char *what)
{
	return differ(c, x != y, "%s: %lld != %lld", what, x, y);
}

static void compare_bus(struct cmp *c, const struct apm_host *x, const struct apm_host *y)
{
	int_differs(c, x->kind, y->kind, "kind");
	int_differs(c, x->max_apid, y->max_apid, "max_adapter_id");
	int_differs(c, x->max_apqi, y->max_apqi, "max_domain_id");
	str_differs(c, apm_host_get_profile(x), apm_host_get_profile(y), "profile");
	str_differs(c, apm_host_get_bus_features(x), apm_host_get_bus_features(y), "bus features");
	str_differs(c, apm_host_get_matrix_features(x), apm_host_get_matrix_features(y),
		    "matrix features");
	int_differs(c, x->vfio_ap_loaded, y->vfio_ap_loaded, "vfio_ap loaded");
	int_differs(c, x->has_ap_domain, y->has_ap_domain, "ap_domain present");
	int_differs(c, x->ap_domain, y->ap_domain, "ap_domain");
	int_differs(c, x->bindings_complete, y->bindings_complete, "bindings complete");
	int_differs(c, x->apmask_rc, y->apmask_rc, "apmask readable");
	int_differs(c, x->aqmask_rc, y->aqmask_rc, "aqmask readable");
	mask_differs(c, &x->rules.apmask, &y->rules.apmask, "apmask");
	mask_differs(c, &x->rules.aqmask, &y->rules.aqmask, "aqmask");
	for (int k = 0; k < 3; k++) {
		int_differs(c, x->lpar_rc[k], y->lpar_rc[k], "LPAR mask readable");
		if (!x->lpar_rc[k])
			mask_differs(c, to_apr(&x->lpar[k]), to_apr(&y->lpar[k]), "LPAR mask");
	}
	mask_differs(c, &x->rules.qci_apm, &y->rules.qci_apm, "QCI adapters");
	mask_differs(c, &x->rules.qci_aqm, &y->rules.qci_aqm, "QCI usage domains");
	mask_differs(c, &x->rules.qci_adm, &y->rules.qci_adm, "QCI control domains");
	int_differs(c, x->rules.any_override, y->rules.any_override, "any driver_override");
	str_differs(c, apm_host_get_warnings(x), apm_host_get_warnings(y), "warnings");
}

static const char *field(char *buf, size_t size, unsigned int a, const char *name)
{
	snprintf(buf, size, "adapter 0x%02x %s", a, name);
	return buf;
}

/* A card's fact as a handle on it shows it: -1 (unknown) without a card. */
static int card_fact(const struct apm_card *k, int v)
{
	return k->has_card ? v : -1;
}

static void compare_adapters(struct cmp *c, const struct apm_host *x, const struct apm_host *y)
{
	for (unsigned int a = 0; a < APR_BITS && !c->diff; a++) {
		const struct apm_card *p = &x->cards[a], *q = &y->cards[a];
		bool inx = apr_mask_test(&x->rules.qci_apm, a) || p->has_card;
		bool iny = apr_mask_test(&y->rules.qci_apm, a) || q->has_card;
		char what[64];

		snprintf(what, sizeof(what), "adapter 0x%02x", a);
		if (int_differs(c, inx, iny, what) || !inx)
			continue;
		int_differs(c, p->has_card, q->has_card, field(what, sizeof(what), a, "has_card"));
		int_differs(c, card_fact(p, p->hwtype), card_fact(q, q->hwtype),
			    field(what, sizeof(what), a, "hwtype"));
		int_differs(c, card_fact(p, p->raw_hwtype), card_fact(q, q->raw_hwtype),
			    field(what, sizeof(what), a, "raw_hwtype"));
		str_differs(c, p->type, q->type, field(what, sizeof(what), a, "type"));
		str_differs(c, p->mode, q->mode, field(what, sizeof(what), a, "mode"));
		int_differs(c, card_fact(p, p->config), card_fact(q, q->config),
			    field(what, sizeof(what), a, "config"));
		int_differs(c, card_fact(p, p->chkstop), card_fact(q, q->chkstop),
			    field(what, sizeof(what), a, "chkstop"));
		int_differs(c, card_fact(p, p->online), card_fact(q, q->online),
			    field(what, sizeof(what), a, "online"));
		int_differs(c, p->functions, q->functions,
			    field(what, sizeof(what), a, "functions"));
		str_differs(c, p->driver, q->driver, field(what, sizeof(what), a, "driver"));
	}
}

static const char *mdev_uuid(const struct apm_host *h, int i)
{
	return i >= 0 ? h->mdevs[i].uuid : NULL;
}

static void compare_queues(struct cmp *c, const struct apm_host *x, const struct apm_host *y)
{
	for (unsigned int a = 0; a < APR_BITS && !c->diff; a++)
		for (unsigned int q = 0; q < APR_BITS && !c->diff; q++) {
			struct apm_queue p, r;
			char what[64];

			/* What show does not list follows from the masks, compared already. */
			if (!((x->queue[a][q] | y->queue[a][q]) & APM_Q_EXISTS) &&
			    apr_mdev_holding(x->rmdevs, (int)x->nmdevs, a, q) < 0 &&
			    apr_mdev_holding(y->rmdevs, (int)y->nmdevs, a, q) < 0)
				continue;
			apm_host_classify_queue(x, a, q, &p);
			apm_host_classify_queue(y, a, q, &r);
			snprintf(what, sizeof(what), "queue %02x.%04x", a, q);
			int_differs(c, p.exists, r.exists, what);
			str_differs(c, p.driver, r.driver, what);
			int_differs(c, p.owner_host, r.owner_host, what);
			str_differs(c, mdev_uuid(x, p.mdev), mdev_uuid(y, r.mdev), what);
			int_differs(c, p.in_guest_matrix, r.in_guest_matrix, what);
			int_differs(c, p.plugged, r.plugged, what);
			str_differs(c, apm_cell_name(p.cell), apm_cell_name(r.cell), what);
			str_differs(c, apm_filter_name(p.filter), apm_filter_name(r.filter), what);
			str_differs(c, p.reason, r.reason, what);
		}
}

static void compare_mdevs(struct cmp *c, const struct apm_host *x, const struct apm_host *y)
{
	static const char *const sets[] = { "adapters",	       "domains",
					    "control domains", "guest adapters",
					    "guest domains",   "guest control domains" };

	if (int_differs(c, x->nmdevs, y->nmdevs, "mdevs"))
		return;
	for (unsigned int i = 0; i < x->nmdevs && !c->diff; i++) {
		const struct apm_mdev *p = &x->mdevs[i], *q = &y->mdevs[i];
		char what[96];

		snprintf(what, sizeof(what), "mdev %s", p->uuid);
		str_differs(c, p->uuid, q->uuid, "mdev");
		for (int k = 0; k < 6; k++) {
			struct apm_mask mp, mq;

			apm_mdev_get_mask(p, (enum apm_kind)k, &mp);
			apm_mdev_get_mask(q, (enum apm_kind)k, &mq);
			snprintf(what, sizeof(what), "mdev %s %s", p->uuid, sets[k]);
			mask_differs(c, to_apr(&mp), to_apr(&mq), what);
		}
		snprintf(what, sizeof(what), "mdev %s", p->uuid);
		int_differs(c, p->has_guest_matrix, q->has_guest_matrix, what);
		int_differs(c, p->has_ap_config, q->has_ap_config, what);
		int_differs(c, p->truncated, q->truncated, what);
		int_differs(c, p->iommu_group, q->iommu_group, what);
		int_differs(c, p->in_use, q->in_use, what);
		str_differs(c, apm_mdev_get_guest(p), apm_mdev_get_guest(q), what);
		int_differs(c, p->m.attached, q->m.attached, what);
		str_differs(c, p->label, q->label, what);
	}
	int_differs(c, x->label_width, y->label_width, "label width");
}

/* The kernel model the planner predicts on: what a prediction reads of it. */
static void compare_model(struct cmp *c, const struct apm_host *x, const struct apm_host *y)
{
	const struct apr_model *p = &x->model, *q = &y->model;

	int_differs(c, p->profile, q->profile, "model profile");
	str_differs(c, p->features, q->features, "model features");
	int_differs(c, p->vfio_ap, q->vfio_ap, "model vfio_ap");
	int_differs(c, p->sclp, q->sclp, "model sclp");
	mask_differs(c, &p->apmask, &q->apmask, "model apmask");
	mask_differs(c, &p->aqmask, &q->aqmask, "model aqmask");
	int_differs(c, p->ap_domain, q->ap_domain, "model ap_domain");
	int_differs(c, p->bindings_armed, q->bindings_armed, "model bindings armed");
	mask_differs(c, &p->lpar_apm, &q->lpar_apm, "model LPAR adapters");
	mask_differs(c, &p->lpar_aqm, &q->lpar_aqm, "model LPAR usage domains");
	mask_differs(c, &p->lpar_adm, &q->lpar_adm, "model LPAR control domains");
	mask_differs(c, &p->seen_apm, &q->seen_apm, "model adapters seen");
	mask_differs(c, &p->seen_aqm, &q->seen_aqm, "model usage domains seen");
	mask_differs(c, &p->seen_adm, &q->seen_adm, "model control domains seen");
	int_differs(c, p->next_group, q->next_group, "model next IOMMU group");
	int_differs(c, p->nmdevs, q->nmdevs, "model mdevs");
	for (unsigned int a = 0; a < APR_BITS && !c->diff; a++) {
		const struct apr_card *cp = &p->card[a], *cq = &q->card[a];
		char what[64];

		snprintf(what, sizeof(what), "model card 0x%02x", a);
		differ(c, cp->type != cq->type, "%s: type", what);
		int_differs(c, cp->present, cq->present, what);
		int_differs(c, cp->bound, cq->bound, what);
		int_differs(c, cp->config, cq->config, what);
		int_differs(c, cp->chkstop, cq->chkstop, what);
		int_differs(c, cp->se_config, cq->se_config, what);
		int_differs(c, cp->se_chkstop, cq->se_chkstop, what);
		int_differs(c, cp->online, cq->online, what);
		for (unsigned int i = 0; i < APR_BITS && !c->diff; i++) {
			const struct apr_queue *sp = &p->q[a][i], *sq = &q->q[a][i];

			if (!memcmp(sp, sq, sizeof(*sp)) && !sp->override)
				continue;
			snprintf(what, sizeof(what), "model queue %02x.%04x", a, i);
			int_differs(c, sp->exists, sq->exists, what);
			int_differs(c, sp->config, sq->config, what);
			int_differs(c, sp->chkstop, sq->chkstop, what);
			int_differs(c, sp->online, sq->online, what);
			int_differs(c, sp->uninitiated, sq->uninitiated, what);
			int_differs(c, sp->driver, sq->driver, what);
			int_differs(c, sp->reset_rc, sq->reset_rc, what);
			str_differs(c, apr_queue_override_name(p, a, i),
				    apr_queue_override_name(q, a, i), what);
		}
	}
	for (unsigned int i = 0; i < p->nmdevs && i < q->nmdevs && !c->diff; i++) {
		const struct apr_mdev *rp = &p->rm[i], *rq = &q->rm[i];
		char what[96];

		snprintf(what, sizeof(what), "model mdev %s", p->mdev[i].uuid);
		str_differs(c, p->mdev[i].uuid, q->mdev[i].uuid, "model mdev");
		int_differs(c, p->mdev[i].group, q->mdev[i].group, what);
		str_differs(c, p->mdev[i].guest, q->mdev[i].guest, what);
		mask_differs(c, &rp->apm, &rq->apm, what);
		mask_differs(c, &rp->aqm, &rq->aqm, what);
		mask_differs(c, &rp->adm, &rq->adm, what);
		mask_differs(c, &rp->sapm, &rq->sapm, what);
		mask_differs(c, &rp->saqm, &rq->saqm, what);
		mask_differs(c, &rp->sadm, &rq->sadm, what);
		int_differs(c, rp->attached, rq->attached, what);
	}
}

int apm_host_compare(const struct apm_host *x, const struct apm_host *y, char *why, size_t size)
{
	struct cmp c = { .why = why, .size = size };

	if (size)
		why[0] = '\0';
	compare_bus(&c, x, y);
	compare_adapters(&c, x, y);
	compare_mdevs(&c, x, y);
	compare_queues(&c, x, y);
	compare_model(&c, x, y);
	return c.diff;
}
