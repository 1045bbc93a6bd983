// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rules.c - the kernel's AP bus and vfio_ap rules (see rules.h).
 *
 * Freestanding on purpose: kmod/ compiles this very file, so the simulated
 * host in libapmatrix and the kernel module cannot drift apart.  Every
 * function names the kernel function it follows; where the in-tree
 * documentation (Documentation/arch/s390/vfio-ap.rst) and the kernel's
 * code disagree, this follows the code.
 */
#include "rules.h"

/*
 * ap_bus.c: ap_owned_by_def_drv: an APQN is default-owned when its adapter is
 * in apmask and its domain in aqmask.  On 6.19 a bound queue with a
 * driver_override is owned by whichever driver it is bound to.
 */
bool apr_default_owned(const struct apr_host *h, unsigned int apid, unsigned int apqi)
{
	if (h->profile >= APR_PROFILE_6_19 && h->queue_state) {
		unsigned int st = h->queue_state(h->data, apid, apqi);

		if ((st & APR_Q_OVERRIDE) && (st & (APR_Q_VFIO | APR_Q_DEFAULT_DRV)))
			return st & APR_Q_DEFAULT_DRV;
	}
	return apr_mask_test(&h->apmask, apid) && apr_mask_test(&h->aqmask, apqi);
}

static bool first_common(const struct apr_mask *apm1, const struct apr_mask *aqm1,
			 const struct apr_mask *apm2, const struct apr_mask *aqm2,
			 struct apr_conflict *c)
{
	struct apr_mask a, q;

	apr_mask_and(&a, apm1, apm2);
	apr_mask_and(&q, aqm1, aqm2);
	if (apr_mask_empty(&a) || apr_mask_empty(&q))
		return false;
	c->apid = apr_mask_next(&a, 0);
	c->apqi = apr_mask_next(&q, 0);
	return true;
}

/* vfio_ap_ops.c: vfio_ap_mdev_verify_no_sharing. */
static int check_sharing(const struct apr_mdev *mdevs, int n, int self, const struct apr_mask *apm,
			 const struct apr_mask *aqm, struct apr_conflict *c)
{
	for (int i = 0; i < n; i++) {
		if (i == self)
			continue;
		if (first_common(apm, aqm, &mdevs[i].apm, &mdevs[i].aqm, c)) {
			c->mdev = i;
			return -EADDRINUSE;
		}
	}
	return 0;
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_validate_masks: validate a whole matrix; the
 * first default-owned APQN wins (ap_apqn_in_matrix_owned_by_def_drv).
 */
int apr_check_matrix(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
		     const struct apr_mask *apm, const struct apr_mask *aqm, struct apr_conflict *c)
{
	for (unsigned int a = apr_mask_next(apm, 0); a < APR_BITS; a = apr_mask_next(apm, a + 1))
		for (unsigned int q = apr_mask_next(aqm, 0); q < APR_BITS;
		     q = apr_mask_next(aqm, q + 1))
			if (apr_default_owned(h, a, q)) {
				c->apid = a;
				c->apqi = q;
				c->mdev = -1;
				return -EADDRNOTAVAIL;
			}
	return check_sharing(mdevs, n, self, apm, aqm, c);
}

/*
 * ap_bus.c: __verify_card_reservations/__verify_queue_reservations with
 * vfio_ap_ops.c: vfio_ap_mdev_resource_in_use (6.0-6.18; 6.19 asks about
 * every APQN of the reserved IDs): setting bits hands
 * APQNs back to the default drivers; refuse with -EBUSY when one of them is
 * in an mdev's matrix.  The static generation had no such check.
 */
void apr_in_use_scope(const struct apr_host *h, bool aq, const struct apr_mask *newmask,
		      struct apr_mask *apm, struct apr_mask *aqm)
{
	struct apr_mask reserved, all;

	apr_mask_andnot(&reserved, newmask, aq ? &h->aqmask : &h->apmask);
	apr_mask_fill(&all);
	if (aq) {
		*apm = h->profile >= APR_PROFILE_6_19 ? all : h->apmask;
		*aqm = reserved;
	} else {
		*apm = reserved;
		*aqm = h->profile >= APR_PROFILE_6_19 ? all : h->aqmask;
	}
}

static int check_in_use(const struct apr_host *h, const struct apr_mdev *mdevs, int n, bool aq,
			const struct apr_mask *newmask, struct apr_conflict *c)
{
	struct apr_mask apm, aqm;

	if (h->profile == APR_PROFILE_STATIC)
		return 0;
	apr_in_use_scope(h, aq, newmask, &apm, &aqm);
	for (int i = 0; i < n; i++)
		if (first_common(&apm, &aqm, &mdevs[i].apm, &mdevs[i].aqm, c)) {
			c->mdev = i;
			return -EBUSY;
		}
	return 0;
}

/*
 * ap_bus.c: apmask_store/aqmask_store minus locking and re-probing: on 6.19
 * -EINVAL while any driver_override is set, then the parse (-EINVAL), then
 * the in-use check (-EBUSY).  Returns 1 when the mask would not change
 * (then nothing else happens: no re-probe, no uevent) and 0 when *newmask
 * is to be committed.
 */
int apr_mask_store(const struct apr_host *h, const struct apr_mdev *mdevs, int n, bool aq,
		   const char *str, struct apr_mask *newmask, struct apr_conflict *c)
{
	int rc;

	c->mdev = -1;
	if (h->profile >= APR_PROFILE_6_19 && h->any_override)
		return -EINVAL;
	rc = apr_mask_parse(str, aq ? &h->aqmask : &h->apmask, newmask);
	if (rc)
		return rc;
	if (apr_mask_equal(newmask, aq ? &h->aqmask : &h->apmask))
		return 1;
	return check_in_use(h, mdevs, n, aq, newmask, c);
}

static unsigned int kind_max(const struct apr_host *h, enum apr_kind kind)
{
	return kind == APR_ADAPTER ? h->max_apid : h->max_apqi;
}

static const struct apr_mask *kind_mask(const struct apr_mdev *m, enum apr_kind kind)
{
	if (kind == APR_ADAPTER)
		return &m->apm;
	return kind == APR_DOMAIN ? &m->aqm : &m->adm;
}

/*
 * Static vfio_ap (5.x vfio_ap_ops.c: vfio_ap_mdev_verify_queues_reserved_for_apid):
 * every APQN of the new adapter (domain)
 * with the assigned domains (adapters) must be bound to vfio_ap; with none
 * assigned, at least one queue of it must be.
 */
static int check_static_bound(const struct apr_host *h, enum apr_kind kind, unsigned int id,
			      const struct apr_mask *others, struct apr_conflict *c)
{
	bool any = !apr_mask_empty(others);

	for (unsigned int o = 0; o < APR_BITS; o++) {
		unsigned int a = kind == APR_ADAPTER ? id : o;
		unsigned int q = kind == APR_ADAPTER ? o : id;
		bool bound = h->queue_state && (h->queue_state(h->data, a, q) & APR_Q_VFIO);

		if (any && apr_mask_test(others, o) && !bound) {
			c->apid = a;
			c->apqi = q;
			c->mdev = -1;
			return -EADDRNOTAVAIL;
		}
		if (!any && bound)
			return 0;
	}
	if (any)
		return 0;
	c->apid = kind == APR_ADAPTER ? id : 0;
	c->apqi = kind == APR_ADAPTER ? 0 : id;
	c->mdev = -1;
	return -EADDRNOTAVAIL;
}

/*
 * vfio_ap_ops.c: assign_*_store and unassign_*_store begin alike: the
 * static generation refuses while a guest runs, then kstrtoul, then the
 * range (ENODEV).  0 with *id, or the errno.
 */
static int check_id(const struct apr_host *h, const struct apr_mdev *m, enum apr_kind kind,
		    const char *buf, unsigned long *id)
{
	unsigned long long v;
	int rc;

	if (h->profile == APR_PROFILE_STATIC && m->attached)
		return -EBUSY;
	rc = apr_kstrtoul(buf, &v);
	if (rc)
		return rc;
	if (v > kind_max(h, kind))
		return -ENODEV;
	*id = (unsigned long)v;
	return 0;
}

/*
 * vfio_ap_ops.c: assign_adapter_store / assign_domain_store /
 * assign_control_domain_store, and the static generation's order (guest
 * attached: EBUSY first).  Returns a negative errno, 1 when the ID is
 * already assigned (success, nothing changes), 0 when the caller is to set
 * the bit and re-filter.  *id receives the parsed number.
 */
int apr_check_assign(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
		     enum apr_kind kind, const char *buf, unsigned long *id, struct apr_conflict *c)
{
	const struct apr_mdev *m = &mdevs[self];
	struct apr_mask apm, aqm;
	int rc;

	c->mdev = -1;
	rc = check_id(h, m, kind, buf, id);
	if (rc)
		return rc;
	if (apr_mask_test(kind_mask(m, kind), (unsigned int)*id))
		return 1;
	if (kind == APR_CONTROL_DOMAIN)
		return 0;

	apm = m->apm;
	aqm = m->aqm;
	if (kind == APR_ADAPTER)
		apr_mask_set(&apm, (unsigned int)*id);
	else
		apr_mask_set(&aqm, (unsigned int)*id);
	if (h->profile == APR_PROFILE_STATIC) {
		rc = check_static_bound(h, kind, (unsigned int)*id,
					kind == APR_ADAPTER ? &m->aqm : &m->apm, c);
		if (rc)
			return rc;
		return check_sharing(mdevs, n, self, &apm, &aqm, c);
	}
	return apr_check_matrix(h, mdevs, n, self, &apm, &aqm, c);
}

/*
 * vfio_ap_ops.c: unassign_*_store: parse, range, "not assigned" is a no-op
 * success (1).  0 means the caller is to call apr_unassign().
 */
int apr_check_unassign(const struct apr_host *h, const struct apr_mdev *m, enum apr_kind kind,
		       const char *buf, unsigned long *id)
{
	int rc = check_id(h, m, kind, buf, id);

	if (rc)
		return rc;
	return apr_mask_test(kind_mask(m, kind), (unsigned int)*id) ? 0 : 1;
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_hot_unplug_adapter/_domain (and
 * unassign_control_domain_store): clear the bit; if it was in the guest,
 * drop it from the shadow
 * too.  The adapter filter is deliberately not re-run, so an adapter that
 * was filtered only because of the removed domain stays out of the guest
 * until the next filter event: guest state depends on history.
 * Returns true when the shadow changed (the guest must be updated).
 */
bool apr_unassign(struct apr_mdev *m, enum apr_kind kind, unsigned int id)
{
	struct apr_mask *mask = kind == APR_ADAPTER  ? &m->apm
				: kind == APR_DOMAIN ? &m->aqm
						     : &m->adm;
	struct apr_mask *shadow = kind == APR_ADAPTER  ? &m->sapm
				  : kind == APR_DOMAIN ? &m->saqm
						       : &m->sadm;
	bool in_guest = apr_mask_test(shadow, id);

	apr_mask_clear(mask, id);
	apr_mask_clear(shadow, id);
	return in_guest;
}

/*
 * vfio_ap_ops.c: ap_config_store (6.10+): at most 201 bytes are looked at;
 * fields end at
 * ',' or '\n'; a missing third field (no delimiter after the second) is
 * -EINVAL, an empty one is an all-zero mask.
 */
int apr_ap_config_parse(const char *buf, unsigned long len, struct apr_mask out[3])
{
	char field[APR_AP_CONFIG_STRLEN + 1];
	unsigned long pos = 0;

	if (len > APR_AP_CONFIG_STRLEN)
		len = APR_AP_CONFIG_STRLEN;
	for (unsigned long i = 0; i < len && buf[i]; i++)
		pos = i + 1;
	len = pos;
	pos = 0;
	for (int f = 0; f < 3; f++) {
		unsigned long k = 0;
		bool delim = false;
		const char *end;

		if (pos > len)
			return -EINVAL;
		while (pos < len) {
			char ch = buf[pos++];

			if (ch == ',' || ch == '\n') {
				delim = true;
				break;
			}
			field[k++] = ch;
		}
		field[k] = '\0';
		if (!delim)
			pos = len + 1; /* strsep() leaves NULL: the next field is missing */
		if (apr_mask_parse_absolute(field, &end, &out[f]) || *end)
			return -EINVAL;
	}
	return 0;
}

/*
 * vfio_ap_ops.c: ap_config_store: ownership, sharing, then the overflow check (ENODEV
 * comes after the others).  0 means install cfg and re-filter.
 */
int apr_check_ap_config(const struct apr_host *h, const struct apr_mdev *mdevs, int n, int self,
			const struct apr_mask cfg[3], struct apr_conflict *c)
{
	int rc = apr_check_matrix(h, mdevs, n, self, &cfg[0], &cfg[1], c);

	if (rc)
		return rc;
	if (apr_mask_next(&cfg[0], h->max_apid + 1) < APR_BITS ||
	    apr_mask_next(&cfg[1], h->max_apqi + 1) < APR_BITS ||
	    apr_mask_next(&cfg[2], h->max_apqi + 1) < APR_BITS)
		return -ENODEV;
	return 0;
}

/*
 * vfio_ap_ops.c: _queue_passable: bound to vfio_ap (hence linked to the mdev holding the
 * APQN) and the last reset answered normally; since 6.6 also deconfigured
 * (03) or checkstopped (04).  The 6.0 profile stands for 6.0-6.9 and keeps
 * the older, stricter rule.
 */
bool apr_queue_passable(const struct apr_host *h, unsigned int st)
{
	if ((st & (APR_Q_EXISTS | APR_Q_VFIO)) != (APR_Q_EXISTS | APR_Q_VFIO))
		return false;
	if (st & APR_Q_RESET_OK)
		return true;
	return h->profile >= APR_PROFILE_6_10 && (st & APR_Q_RESET_SOFT);
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_filter_matrix: the shadow APCB from scratch.  apm_filtered gets the
 * adapters dropped because one of their APQNs is not passable.  The static
 * generation passes the matrix unfiltered.  Returns true when the shadow
 * APM or AQM changed.
 */
bool apr_filter(const struct apr_host *h, struct apr_mdev *m, struct apr_mask *apm_filtered)
{
	struct apr_mask papm = m->sapm, paqm = m->saqm;

	apr_mask_zero(apm_filtered);
	if (h->profile == APR_PROFILE_STATIC) {
		m->sapm = m->apm;
		m->saqm = m->aqm;
		goto out;
	}
	apr_mask_and(&m->sapm, &m->apm, &h->qci_apm);
	apr_mask_and(&m->saqm, &m->aqm, &h->qci_aqm);
	for (unsigned int a = apr_mask_next(&m->sapm, 0); a < APR_BITS;
	     a = apr_mask_next(&m->sapm, a + 1)) {
		for (unsigned int q = apr_mask_next(&m->saqm, 0); q < APR_BITS;
		     q = apr_mask_next(&m->saqm, q + 1)) {
			unsigned int st = h->queue_state ? h->queue_state(h->data, a, q) : 0;

			if (!apr_queue_passable(h, st)) {
				apr_mask_clear(&m->sapm, a);
				apr_mask_set(apm_filtered, a);
				break;
			}
		}
	}
out:
	return !apr_mask_equal(&papm, &m->sapm) || !apr_mask_equal(&paqm, &m->saqm);
}

/* vfio_ap_ops.c: vfio_ap_mdev_filter_cdoms: control domains need no queue, only the host's ADM. */
bool apr_filter_cdoms(const struct apr_host *h, struct apr_mdev *m)
{
	struct apr_mask prev = m->sadm;

	if (h->profile == APR_PROFILE_STATIC)
		m->sadm = m->adm;
	else
		apr_mask_and(&m->sadm, &m->adm, &h->qci_adm);
	return !apr_mask_equal(&prev, &m->sadm);
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_remove_queue: a queue of the guest leaves vfio_ap, so its whole
 * adapter leaves the guest.  Returns true when the shadow changed.
 */
bool apr_queue_removed(struct apr_mdev *m, unsigned int apid, unsigned int apqi)
{
	if (!apr_mask_test(&m->sapm, apid) || !apr_mask_test(&m->saqm, apqi))
		return false;
	apr_mask_clear(&m->sapm, apid);
	return true;
}

/* vfio_ap_ops.c: vfio_ap_on_cfg_changed: what left the LPAR leaves every shadow at once. */
bool apr_cfg_removed(struct apr_mdev *m, const struct apr_mask *apm_gone,
		     const struct apr_mask *aqm_gone, const struct apr_mask *adm_gone)
{
	struct apr_mask a = m->sapm, q = m->saqm, d = m->sadm;

	apr_mask_andnot(&m->sapm, &m->sapm, apm_gone);
	apr_mask_andnot(&m->saqm, &m->saqm, aqm_gone);
	apr_mask_andnot(&m->sadm, &m->sadm, adm_gone);
	return !apr_mask_equal(&a, &m->sapm) || !apr_mask_equal(&q, &m->saqm) ||
	       !apr_mask_equal(&d, &m->sadm);
}

int apr_mdev_holding(const struct apr_mdev *mdevs, int n, unsigned int apid, unsigned int apqi)
{
	for (int i = 0; i < n; i++)
		if (apr_mask_test(&mdevs[i].apm, apid) && apr_mask_test(&mdevs[i].aqm, apqi))
			return i;
	return -1;
}

/* vfio_ap_ops.c: status_show of a queue bound to vfio_ap (the late-2023 semantics). */
const char *apr_queue_status(const struct apr_mdev *mdevs, int n, unsigned int apid,
			     unsigned int apqi)
{
	int i = apr_mdev_holding(mdevs, n, apid, apqi);

	if (i < 0)
		return "unassigned";
	if (mdevs[i].attached && apr_mask_test(&mdevs[i].sapm, apid) &&
	    apr_mask_test(&mdevs[i].saqm, apqi))
		return "in use";
	return "assigned";
}

/* Append s to buf like scnprintf(): never past size - 1 bytes. */

static const char *const profile_names[APR_PROFILE_COUNT] = {
	[APR_PROFILE_STATIC] = "4.20", [APR_PROFILE_6_0] = "6.0",   [APR_PROFILE_6_10] = "6.10",
	[APR_PROFILE_6_13] = "6.13",   [APR_PROFILE_6_15] = "6.15", [APR_PROFILE_6_19] = "6.19",
};

/* The attributes later generations added, with the first generation that has them. */
static const struct {
	enum apr_dir dir;
	const char *name;
	enum apr_profile since;
} added[] = {
	{ APR_DIR_MDEV, "guest_matrix", APR_PROFILE_6_0 }, /* vfio_ap_ops.c: dynamic hot plug */
	{ APR_DIR_BUS, "features", APR_PROFILE_6_10 },	   /* ap_bus.c: features_show (6.4) */
	{ APR_DIR_MDEV, "ap_config", APR_PROFILE_6_10 },   /* vfio_ap_ops.c: ap_config_store */
	{ APR_DIR_MATRIX, "features", APR_PROFILE_6_13 },  /* vfio_ap_drv.c: features_show */
	{ APR_DIR_BUS, "bindings_complete_count", APR_PROFILE_6_19 },
	{ APR_DIR_QUEUE, "driver_override", APR_PROFILE_6_19 },
};

bool apr_profile_has(enum apr_profile p, enum apr_dir dir, const char *name)
{
	for (unsigned int i = 0; i < sizeof(added) / sizeof(added[0]); i++)
		if (added[i].dir == dir && apr_streq(added[i].name, name))
			return p >= added[i].since;
	return true;
}

/*
 * The generation shows in which attributes exist.  Without an mdev
 * the per-mdev attributes cannot be seen; the bus `features` file (6.4+)
 * then still proves the dynamic generation.  6.15 adds no attribute (its
 * configuration-change interrupt shows only in VFIO_DEVICE_GET_INFO of an
 * opened device), so a 6.15-6.18 host reads as 6.13, whose rules it
 * follows for every write apmatrix makes.
 */
enum apr_profile apr_profile_detect(bool mdev_seen, bool guest_matrix, bool ap_config,
				    bool matrix_features, bool driver_override)
{
	if (driver_override)
		return APR_PROFILE_6_19;
	if (matrix_features)
		return APR_PROFILE_6_13;
	if (ap_config)
		return APR_PROFILE_6_10;
	if (guest_matrix || !mdev_seen)
		return APR_PROFILE_6_0;
	return APR_PROFILE_STATIC;
}

const char *apr_profile_name(enum apr_profile p)
{
	return p < APR_PROFILE_COUNT ? profile_names[p] : "?";
}

int apr_profile_parse(const char *s, enum apr_profile *p)
{
	for (int i = 0; i < APR_PROFILE_COUNT; i++)
		if (apr_streq(s, profile_names[i])) {
			*p = (enum apr_profile)i;
			return 0;
		}
	return -EINVAL;
}

/*
 * ap_bus.h: AP_FUNC_* and the TAPQ facility word, top byte: APSC 0x80, 4K
 * MEX 0x40, 4K CRT 0x20, the mode (CCA 0x10, accelerator 0x08, EP11
 * 0x04), APXA 0x02; next byte: the class, "full function set" 0x80 (what
 * lszcrypt prints as S M C D A X N H F R).  A card's ap_functions keeps the
 * top 16 bits.  The words are what real cards answer, as lszcrypt shows
 * them on real hosts: coprocessors without the 4K RSA bits (CCA
 * S--D--N---, EP11 -----XN---), accelerators with them (-MC-A-N---), CEX8
 * coprocessors in the full-function class (S--D--N-F-, -----XN-F-).
 *
 * The TAPQ queue depth field counts from 0: 7 is eight slots on every
 * generation (lszcrypt's QDEPTH 08); apr_card_depth() says what the depth
 * attribute shows.  The message size is the simulated card's.
 */
#define F_CCA  0x92000000u
#define F_ACC  0x6a000000u
#define F_EP11 0x06000000u
#define F_FULL 0x00800000u
#define CARD(gen, hw, ml, cls)                                                                     \
	{ "CEX" #gen "A", hw, "accel", "Accelerator", F_ACC, 7, 12288 },                           \
		{ "CEX" #gen "C", hw, "cca", "CCA-Coproc", F_CCA | (cls), 7, ml },                 \
	{                                                                                          \
		"CEX" #gen "P", hw, "ep11", "EP11-Coproc", F_EP11 | (cls), 7, ml                   \
	}

static const struct apr_card_type card_types[] = {
	CARD(4, 10, 12288, 0), CARD(5, 11, 12288, 0),	   CARD(6, 12, 12288, 0),
	CARD(7, 13, 12288, 0), CARD(8, 14, 65536, F_FULL),
};

/*
 * ap_card.c: depth_show: the TAPQ field plus one since "s390/ap: Fix wrong
 * APQN fill calculation" (6.19, and the stable kernels it went back to);
 * older kernels print the bare field (07 where the newest prints 08).  The
 * model shows the newest form on every generation: no attribute tells a
 * kernel with the fix from one without.
 */
unsigned int apr_card_depth(const struct apr_card_type *t)
{
	return t->depth + 1;
}

const struct apr_card_type *apr_card_type_at(unsigned int i)
{
	return i < sizeof(card_types) / sizeof(card_types[0]) ? &card_types[i] : NULL;
}

const struct apr_card_type *apr_card_type_lookup(const char *name)
{
	const struct apr_card_type *t;

	for (unsigned int i = 0; (t = apr_card_type_at(i)); i++)
		if (apr_streq(name, t->name))
			return t;
	return NULL;
}
