// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * model.c - the kernel model's state: setting it up, copying it, and the
 * views the rules take of it (see model.h).
 *
 * Freestanding: kmod/ compiles this very file.
 */
#include "model.h"

void apr_model_rows(struct apr_queue **q, struct apr_queue (*table)[APR_BITS])
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		q[a] = table[a];
}

void apr_model_init(struct apr_model *m, struct apr_queue **q, uint64_t (*requests)[APR_BITS],
		    struct apr_mdev *rm, struct apr_mdev_info *info, unsigned int cap)
{
	static const struct apr_model boot = {
		.profile = APR_PROFILE_6_13,
		.max_apid = APR_BITS - 1,
		.max_apqi = APR_BITS - 1,
		.features = "APSC APXA QACT RC8A",
		.vfio_ap = true,
		.sclp = true,
		.ap_domain = -1,
		.config_time = 30,	/* ap_bus.c: AP_CONFIG_TIME */
		.poll_timeout = 250000, /* ap_bus.c: poll_high_timeout, ns */
		.bindings_armed = true,
	};

	*m = boot;
	apr_mask_fill(&m->apmask);
	apr_mask_fill(&m->aqmask);
	m->q = q;
	m->requests = requests;
	apr_model_set_mdevs(m, rm, info, cap);
	m->why.mdev = -1;
}

void apr_model_set_mdevs(struct apr_model *m, struct apr_mdev *rm, struct apr_mdev_info *info,
			 unsigned int cap)
{
	m->rm = rm;
	m->mdev = info;
	m->cap = cap;
}

int apr_model_copy(struct apr_model *dst, const struct apr_model *src)
{
	struct apr_queue **q = dst->q;
	uint64_t(*req)[APR_BITS] = dst->requests;
	struct apr_mdev *rm = dst->rm;
	struct apr_mdev_info *info = dst->mdev;
	const struct apr_notify *notify = dst->notify;
	void *notify_data = dst->notify_data;
	unsigned int cap = dst->cap;

	if (src->nmdevs > cap)
		return -ENOSPC;
	*dst = *src;
	dst->q = q;
	dst->requests = req;
	dst->rm = rm;
	dst->mdev = info;
	dst->cap = cap;
	dst->notify = notify;
	dst->notify_data = notify_data;
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int i = 0; i < APR_BITS; i++) {
			q[a][i] = src->q[a][i];
			if (req)
				req[a][i] = src->requests ? src->requests[a][i] : 0;
		}
	for (unsigned int i = 0; i < src->nmdevs; i++) {
		rm[i] = src->rm[i];
		info[i] = src->mdev[i];
	}
	return 0;
}

void apr_model_set_notify(struct apr_model *m, const struct apr_notify *n, void *data)
{
	m->notify = n;
	m->notify_data = data;
}

/*
 * What the rules ask about a queue: its device, its driver, and how its
 * last reset answered (ap_queue.c: the reset's response code; a queue
 * deconfigured or checkstopped answers 03/04, which 6.6+ passes on).
 */
unsigned int apr_model_queue_state(const void *data, unsigned int a, unsigned int q)
{
	const struct apr_model *m = data;
	const struct apr_queue *sq = &m->q[a][q];
	unsigned int st;

	if (!sq->exists)
		return 0;
	st = APR_Q_EXISTS;
	if (sq->driver == APR_DRV_VFIO_AP)
		st |= APR_Q_VFIO;
	if (sq->driver == APR_DRV_CEX4QUEUE)
		st |= APR_Q_DEFAULT_DRV;
	if (sq->override)
		st |= APR_Q_OVERRIDE;
	if (!sq->reset_rc) {
		if (sq->config && !sq->chkstop)
			st |= APR_Q_RESET_OK;
		else
			st |= APR_Q_RESET_SOFT;
	}
	return st;
}

static bool any_override(const struct apr_model *m)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (m->q[a][q].exists && m->q[a][q].override)
				return true;
	return false;
}

void apr_model_rules_host(const struct apr_model *m, struct apr_host *h)
{
	struct apr_host r = {
		.profile = m->profile,
		.max_apid = m->max_apid,
		.max_apqi = m->max_apqi,
		.apmask = m->apmask,
		.aqmask = m->aqmask,
		/* vfio_ap's QCI snapshot is refreshed at each scan (on_cfg_changed). */
		.qci_apm = m->seen_apm,
		.qci_aqm = m->seen_aqm,
		.qci_adm = m->seen_adm,
		.queue_state = apr_model_queue_state,
		.data = m,
	};

	r.any_override = m->profile >= APR_PROFILE_6_19 && any_override(m);
	*h = r;
}

bool apr_model_has_qci(const struct apr_model *m)
{
	return !apr_streq(m->features, "-");
}

uint32_t apr_model_functions(const struct apr_model *m, const struct apr_card_type *t)
{
	uint32_t fn = t->functions;

	if (!apr_model_has_qci(m) || (m->max_apid <= 63 && m->max_apqi <= 15))
		fn &= ~0x02000000u;
	return fn;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int apr_model_find_mdev(const struct apr_model *m, const char *uuid)
{
	for (unsigned int i = 0; i < m->nmdevs; i++) {
		const char *a = m->mdev[i].uuid, *b = uuid;

		while (*a && *a == lower(*b)) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return (int)i;
	}
	return -1;
}

/* uuid_parse(): 8-4-4-4-12 hex digits, either case. */
bool apr_uuid_valid(const char *s, unsigned long len)
{
	if (len != APR_UUID_LEN)
		return false;
	for (unsigned int i = 0; i < APR_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (apr_hexval(s[i]) < 0) {
			return false;
		}
	}
	return true;
}

static const struct {
	int err;
	const char *name;
} errnos[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ E2BIG, "E2BIG" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENOSPC, "ENOSPC" },
	{ EROFS, "EROFS" },
	{ ERANGE, "ERANGE" },
	{ EUSERS, "EUSERS" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ERESTART, "ERESTARTSYS" },
	{ ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ EDEADLK, "EDEADLK" },
	{ ENXIO, "ENXIO" },
	{ EFAULT, "EFAULT" },
	{ EFBIG, "EFBIG" },
	{ EBADF, "EBADF" },
	{ ELOOP, "ELOOP" },
	{ ESTALE, "ESTALE" },
	{ EAGAIN, "EWOULDBLOCK" },
};

const char *apr_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (unsigned int i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return NULL;
}

/* "EBUSY" or a number ("16"); *err gets the positive value. */
int apr_errno_parse(const char *s, int *err)
{
	unsigned long long v;

	for (unsigned int i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (apr_streq(s, errnos[i].name)) {
			*err = errnos[i].err;
			return 0;
		}
	if (apr_kstrtoul(s, &v) || v > 4095)
		return -EINVAL;
	*err = (int)v;
	return 0;
}
