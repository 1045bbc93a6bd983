// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio.c - vfio_ap in the kernel model: the mdevs' assignments (one at a
 * time and the all-or-nothing ap_config), the shadow APCB a guest gets,
 * the queue probe/remove callbacks, mdev create and remove, and guests
 * attaching and detaching (see model.h).
 *
 * Freestanding: kmod/ compiles this very file.  Every change of a shadow
 * goes through apr_vfio_refilter() or the rules' unplug helpers, and each
 * that changed one calls apr_vfio_shadow_changed(): 6.15's
 * configuration-change eventfd.
 */
#include "model.h"

static int refuse(struct apr_model *m, int err, enum apr_why why, const struct apr_conflict *c)
{
	struct apr_refusal r = { .err = err, .why = why, .mdev = -1 };

	if (c) {
		r.apid = c->apid;
		r.apqi = c->apqi;
		r.mdev = c->mdev;
	}
	m->why = r;
	return err;
}

void apr_vfio_shadow_changed(struct apr_model *m, unsigned int i)
{
	struct apr_event ev = { .kind = APR_EV_GUEST_CFG, .value = i };

	if (m->rm[i].attached && m->profile >= APR_PROFILE_6_15 && m->notify && m->notify->event)
		m->notify->event(m->notify_data, &ev);
}

void apr_vfio_refilter(struct apr_model *m, unsigned int i)
{
	struct apr_mask filtered;
	struct apr_host h;
	bool changed;

	apr_model_rules_host(m, &h);
	changed = apr_filter(&h, &m->rm[i], &filtered);
	if (apr_filter_cdoms(&h, &m->rm[i]) || changed)
		apr_vfio_shadow_changed(m, i);
}

/* vfio_ap_ops.c: vfio_ap_mdev_probe_queue: binding the last missing APQN hot plugs. */
void apr_vfio_queue_probed(struct apr_model *m, unsigned int a, unsigned int q, bool in_scan)
{
	int i = apr_mdev_holding(m->rm, (int)m->nmdevs, a, q);
	struct apr_mask filtered;
	struct apr_host h;

	if (i < 0 || in_scan)
		return;
	apr_model_rules_host(m, &h);
	if (apr_filter(&h, &m->rm[i], &filtered))
		apr_vfio_shadow_changed(m, (unsigned int)i);
}

/* vfio_ap_ops.c: vfio_ap_mdev_remove_queue: the whole adapter leaves the guest. */
void apr_vfio_queue_removed(struct apr_model *m, unsigned int a, unsigned int q)
{
	int i = apr_mdev_holding(m->rm, (int)m->nmdevs, a, q);

	if (i >= 0 && apr_queue_removed(&m->rm[i], a, q))
		apr_vfio_shadow_changed(m, (unsigned int)i);
}

/* The errno of an assignment check as a refusal with its reason. */
static int refuse_check(struct apr_model *m, int rc, const struct apr_conflict *c)
{
	switch (rc) {
	case -EBUSY:
		return refuse(m, rc, APR_WHY_GUEST_RUNNING, NULL);
	case -ENODEV:
		return refuse(m, rc, APR_WHY_RANGE, NULL);
	case -EADDRNOTAVAIL:
		return refuse(m, rc,
			      m->profile == APR_PROFILE_STATIC ? APR_WHY_NOT_BOUND
							       : APR_WHY_HOST_OWNED,
			      c);
	case -EADDRINUSE:
		return refuse(m, rc, APR_WHY_SHARED, c);
	default:
		return refuse(m, rc, APR_WHY_SYNTAX, NULL);
	}
}

static struct apr_mask *kind_mask(struct apr_mdev *r, enum apr_kind kind)
{
	return kind == APR_ADAPTER ? &r->apm : kind == APR_DOMAIN ? &r->aqm : &r->adm;
}

/*
 * vfio_ap_ops.c: assign_adapter_store, assign_domain_store,
 * assign_control_domain_store: the rules decide in the kernel's order,
 * then the bit is set and the shadow re-filtered (control domains need
 * only the host's ADM).
 */
int apr_vfio_assign(struct apr_model *m, unsigned int i, enum apr_kind kind, const char *buf)
{
	struct apr_conflict c = { .mdev = -1 };
	struct apr_host h;
	unsigned long id;
	int rc;

	apr_model_rules_host(m, &h);
	rc = apr_check_assign(&h, m->rm, (int)m->nmdevs, (int)i, kind, buf, &id, &c);
	if (rc < 0)
		return refuse_check(m, rc, &c);
	if (rc == 1)
		return APR_NOOP;
	apr_mask_set(kind_mask(&m->rm[i], kind), (unsigned int)id);
	if (kind != APR_CONTROL_DOMAIN)
		apr_vfio_refilter(m, i);
	else if (apr_filter_cdoms(&h, &m->rm[i]))
		apr_vfio_shadow_changed(m, i);
	return 0;
}

/* vfio_ap_ops.c: unassign_*_store: hot unplug, no re-filter (guest state has history). */
int apr_vfio_unassign(struct apr_model *m, unsigned int i, enum apr_kind kind, const char *buf)
{
	struct apr_host h;
	unsigned long id;
	int rc;

	apr_model_rules_host(m, &h);
	rc = apr_check_unassign(&h, &m->rm[i], kind, buf, &id);
	if (rc < 0)
		return refuse_check(m, rc, NULL);
	if (rc == 1)
		return APR_NOOP;
	if (apr_unassign(&m->rm[i], kind, (unsigned int)id))
		apr_vfio_shadow_changed(m, i);
	return 0;
}

/*
 * vfio_ap_ops.c: ap_config_store (6.10+): all or nothing; what goes is
 * unplugged, then the three masks are installed and the shadow re-filtered.
 */
int apr_vfio_ap_config_store(struct apr_model *m, unsigned int i, const char *buf,
			     unsigned long len)
{
	struct apr_conflict c = { .mdev = -1 };
	struct apr_mdev *r = &m->rm[i];
	struct apr_mask cfg[3];
	struct apr_host h;
	bool unplugged = false;
	int rc;

	rc = apr_ap_config_parse(buf, len, cfg);
	if (rc)
		return refuse(m, rc, APR_WHY_SYNTAX, NULL);
	apr_model_rules_host(m, &h);
	rc = apr_check_ap_config(&h, m->rm, (int)m->nmdevs, (int)i, cfg, &c);
	if (rc)
		return refuse_check(m, rc, &c);
	for (unsigned int b = 0; b < APR_BITS; b++) {
		if (apr_mask_test(&r->apm, b) && !apr_mask_test(&cfg[0], b))
			unplugged |= apr_unassign(r, APR_ADAPTER, b);
		if (apr_mask_test(&r->aqm, b) && !apr_mask_test(&cfg[1], b))
			unplugged |= apr_unassign(r, APR_DOMAIN, b);
		if (apr_mask_test(&r->adm, b) && !apr_mask_test(&cfg[2], b))
			unplugged |= apr_unassign(r, APR_CONTROL_DOMAIN, b);
	}
	if (unplugged)
		apr_vfio_shadow_changed(m, i);
	r->apm = cfg[0];
	r->aqm = cfg[1];
	r->adm = cfg[2];
	apr_vfio_refilter(m, i);
	return 0;
}

/* vfio_ap_ops.c: ap_config_show: "%s,%s,%s\n" of the three masks. */
void apr_vfio_ap_config_show(const struct apr_model *m, unsigned int i, char *buf)
{
	const struct apr_mdev *r = &m->rm[i];
	const struct apr_mask *masks[3] = { &r->apm, &r->aqm, &r->adm };

	for (int k = 0; k < 3; k++) {
		apr_mask_format(masks[k], buf);
		buf += APR_MASK_STRLEN;
		*buf++ = k < 2 ? ',' : '\n';
	}
	*buf = '\0';
}

/*
 * mdev_sysfs.c: create_store: exactly a uuid, or one with a trailing
 * '\n'; an existing uuid is -EEXIST; a full type -EUSERS (before 6.0
 * vfio_ap's own counter answered -EPERM).
 */
int apr_vfio_mdev_create(struct apr_model *m, const char *buf, unsigned long len,
			 unsigned int *index)
{
	struct apr_mdev zero = { 0 };
	struct apr_mdev_info fresh = { .group = 0 };
	unsigned int n = m->nmdevs;

	if (len == APR_UUID_LEN + 1 && buf[APR_UUID_LEN] == '\n')
		len--;
	if (!apr_uuid_valid(buf, len))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, NULL);
	for (unsigned int k = 0; k < APR_UUID_LEN; k++) {
		char ch = buf[k];

		fresh.uuid[k] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
	}
	fresh.uuid[APR_UUID_LEN] = '\0';
	if (apr_model_find_mdev(m, fresh.uuid) >= 0)
		return refuse(m, -EEXIST, APR_WHY_EXISTS, NULL);
	if (n >= APR_MAX_INSTANCES)
		return refuse(m, m->profile >= APR_PROFILE_6_0 ? -EUSERS : -EPERM, APR_WHY_FULL,
			      NULL);
	if (n >= m->cap)
		return refuse(m, -ENOSPC, APR_WHY_FULL, NULL);
	fresh.group = m->next_group++;
	m->rm[n] = zero;
	m->mdev[n] = fresh;
	m->nmdevs = n + 1;
	*index = n;
	return 0;
}

/* 6.15+ signals the guest before the request (vfio_ap_ops.c: vfio_ap_mdev_request). */
void apr_vfio_mdev_request(struct apr_model *m, unsigned int i)
{
	struct apr_mdev *r = &m->rm[i];

	apr_mask_zero(&r->sapm);
	apr_mask_zero(&r->saqm);
	apr_mask_zero(&r->sadm);
	apr_vfio_shadow_changed(m, i);
}

int apr_vfio_mdev_remove_store(struct apr_model *m, unsigned int i, const char *buf)
{
	unsigned long long v;

	/* mdev_sysfs.c: remove_store: kstrtoul, 0 does nothing. */
	if (apr_kstrtoul(buf, &v))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, NULL);
	if (!v)
		return APR_NOOP;
	if (m->rm[i].attached) {
		if (m->profile == APR_PROFILE_STATIC)
			return refuse(m, -EBUSY, APR_WHY_GUEST_RUNNING, NULL);
		if (m->profile == APR_PROFILE_6_0 || m->mdev[i].ignore_release)
			return refuse(m, -EDEADLK, APR_WHY_WOULD_BLOCK, NULL);
		/* 6.5+: the request callback empties the guest; its QEMU lets go. */
		apr_vfio_mdev_request(m, i);
		apr_vfio_guest_detach(m, i);
	}
	return 0;
}

void apr_vfio_mdev_delete(struct apr_model *m, unsigned int i)
{
	for (unsigned int k = i; k + 1 < m->nmdevs; k++) {
		m->rm[k] = m->rm[k + 1];
		m->mdev[k] = m->mdev[k + 1];
	}
	m->nmdevs--;
}

/* A guest name the model keeps exactly: printable, no blanks, 1..255 bytes. */
static bool guest_name_ok(const char *s)
{
	unsigned long n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] == 0x7f)
			return false;
	return n && n < APR_GUEST_NAME_MAX;
}

/*
 * A guest opens the mdev's VFIO device (vfio_ap_ops.c:
 * vfio_ap_mdev_open_device, vfio_ap_mdev_set_kvm): the group opens
 * exclusively (-EBUSY), one vfio-ap device per guest (-EPERM).  The
 * current shadow is installed as it is; static vfio_ap gave the whole
 * matrix at this point.
 */
int apr_vfio_guest_attach(struct apr_model *m, unsigned int i, const char *guest)
{
	struct apr_conflict c = { .mdev = (int)i };

	if (!guest_name_ok(guest))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, NULL);
	if (m->rm[i].attached)
		return refuse(m, -EBUSY, APR_WHY_ATTACHED, &c);
	for (unsigned int k = 0; k < m->nmdevs; k++)
		if (m->rm[k].attached && apr_streq(m->mdev[k].guest, guest)) {
			c.mdev = (int)k;
			return refuse(m, -EPERM, APR_WHY_GUEST_HOLDS, &c);
		}
	if (m->profile == APR_PROFILE_STATIC)
		apr_vfio_refilter(m, i);
	m->rm[i].attached = true;
	m->mdev[i].unplugged = false;
	apr_strlcpy(m->mdev[i].guest, guest, APR_GUEST_NAME_MAX);
	return 0;
}

int apr_vfio_guest_detach(struct apr_model *m, unsigned int i)
{
	if (!m->rm[i].attached && m->mdev[i].unplugged) {
		/* The guest that ran on without the mdev stops. */
		m->mdev[i].unplugged = false;
		m->mdev[i].guest[0] = '\0';
		m->mdev[i].secure = false;
		return 0;
	}
	if (!m->rm[i].attached)
		return refuse(m, -EINVAL, APR_WHY_NOT_ATTACHED, NULL);
	m->rm[i].attached = false;
	m->mdev[i].guest[0] = '\0';
	m->mdev[i].secure = false;
	return 0;
}

/*
 * device_del of the vfio-ap device: QEMU closes the VFIO device
 * (vfio_ap_mdev_close_device: the KVM's crypto configuration is cleared),
 * the guest keeps running.
 */
int apr_vfio_guest_unplug(struct apr_model *m, unsigned int i)
{
	if (!m->rm[i].attached)
		return refuse(m, -EINVAL, APR_WHY_NOT_ATTACHED, NULL);
	m->rm[i].attached = false;
	m->mdev[i].unplugged = true;
	return 0;
}

/* device_add into a running guest: an open as at the guest's start. */
int apr_vfio_guest_plug(struct apr_model *m, unsigned int i, const char *guest)
{
	int rc = apr_vfio_guest_attach(m, i, guest);

	if (rc)
		return rc;
	for (unsigned int k = 0; k < m->nmdevs; k++)
		if (m->mdev[k].unplugged && apr_streq(m->mdev[k].guest, guest)) {
			m->mdev[k].unplugged = false;
			m->mdev[k].guest[0] = '\0';
		}
	return 0;
}

/* mdev_sysfs.c: available_instances_show. */
unsigned int apr_vfio_available_instances(const struct apr_model *m)
{
	return APR_MAX_INSTANCES - m->nmdevs;
}
