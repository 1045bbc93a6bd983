// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bus.c - the AP bus in the kernel model: the masks and the re-probe pass,
 * the probe gate and the bind effects, the bus attributes, card and queue
 * attributes (SCLP configure, zcrypt online, counters, 6.19
 * driver_override) and the steps of a bus scan (see model.h).
 *
 * Freestanding: kmod/ compiles this very file.  The driver core is the
 * caller's: these functions answer its questions and apply its results.
 */
#include "model.h"

static int refuse(struct apr_model *m, int err, enum apr_why why, unsigned int apid,
		  unsigned int apqi)
{
	struct apr_refusal r = { .err = err, .why = why, .apid = apid, .apqi = apqi, .mdev = -1 };

	m->why = r;
	return err;
}

static void notify(struct apr_model *m, enum apr_event_kind kind, unsigned int apid,
		   unsigned int apqi, unsigned long long value)
{
	struct apr_event ev = { .kind = kind, .apid = apid, .apqi = apqi, .value = value };

	if (m->notify && m->notify->event)
		m->notify->event(m->notify_data, &ev);
}

/* ---------------------------------------------------------------- masks */

/*
 * ap_bus.c: apmask_store / aqmask_store: on 6.19 -EINVAL while any
 * driver_override is set, the parse (-EINVAL), "unchanged" (nothing else
 * happens), the in-use check (-EBUSY), then the commit.
 */
int apr_bus_mask_store(struct apr_model *m, bool aq, const char *buf)
{
	struct apr_conflict c = { .mdev = -1 };
	struct apr_mask newmask;
	struct apr_host h;
	int rc;

	apr_model_rules_host(m, &h);
	rc = apr_mask_store(&h, m->rm, (int)m->nmdevs, aq, buf, &newmask, &c);
	if (rc == -EINVAL)
		return refuse(m, rc, h.any_override ? APR_WHY_OVERRIDES : APR_WHY_SYNTAX, 0, 0);
	if (rc == -EBUSY) {
		refuse(m, rc, APR_WHY_IN_USE, c.apid, c.apqi);
		m->why.mdev = c.mdev;
		return rc;
	}
	if (rc < 0)
		return refuse(m, rc, APR_WHY_SYNTAX, 0, 0);
	if (rc == 1)
		return APR_NOOP;
	if (aq)
		m->aqmask = newmask;
	else
		m->apmask = newmask;
	return 0;
}

/*
 * ap_bus.c: ap_check_bindings_complete, as the newest source has it (the
 * completion re-armed by every probe since commit 778412ab915d "s390/ap:
 * rearm APQNs bindings complete completion", the uevent sent only when it
 * completes since that commit's fix): once the first scan ran, when every
 * queue device is bound and the completion is armed, it completes and
 * BINDINGS=complete goes out with the count.  The kernel asks after every
 * successful probe (ap_device_probe) and at the end of every scan
 * (ap_scan_bus); so does the model (apr_bus_probe, apr_scan_end).  A
 * re-probe pass that moves N queues thus says it N times, once per probe.
 */
static void check_bindings(struct apr_model *m)
{
	unsigned int bound, total;

	if (!m->scans || !m->bindings_armed)
		return;
	total = apr_bus_count_queues(m, &bound);
	if (bound == total) {
		m->bindings_armed = false;
		notify(m, APR_EV_BINDINGS_COMPLETE, 0, 0, ++m->complete_count);
	}
}

/*
 * ap_bus.c: apmask_store / aqmask_store end: the re-probe pass
 * (ap_bus_revise_bindings) has run, then ap_send_mask_changed_uevent.
 */
void apr_bus_mask_done(struct apr_model *m, bool aq)
{
	notify(m, APR_EV_MASK, 0, 0, aq);
}

static bool mask_owned(const struct apr_model *m, unsigned int a, unsigned int q)
{
	return apr_mask_test(&m->apmask, a) && apr_mask_test(&m->aqmask, q);
}

/*
 * ap_bus.c: __ap_revise_reserved (called by ap_bus_revise_bindings after
 * apmask_store / aqmask_store, every version to date): a bound queue whose
 * driver's DEFAULT flag disagrees with the masks is re-probed; on 6.19 a
 * queue with a driver_override is left alone only while bound to that
 * driver (device_match_driver_override).  For an unbound queue the kernel
 * reads the flags of a NULL driver (to_ap_drv(dev->driver)->flags, no
 * check): on s390 that read does not fault, it lands in the lowcore
 * (offset 0x98 on 6.1: the high word of per_address, zero unless a PER
 * event happened), so the driver counts as "not default": an unbound
 * default-owned queue is re-probed (and the default driver takes it), an
 * unbound vfio-owned one is left waiting for vfio_ap.
 */
bool apr_bus_needs_reprobe(const struct apr_model *m, unsigned int a, unsigned int q)
{
	const struct apr_queue *sq = &m->q[a][q];
	bool def;

	if (!sq->exists)
		return false;
	if (m->profile >= APR_PROFILE_6_19 && sq->override)
		return !(sq->driver && sq->override == sq->driver);
	def = mask_owned(m, a, q);
	if (sq->driver == APR_DRV_NONE)
		return def;
	return def != (sq->driver == APR_DRV_CEX4QUEUE);
}

/*
 * ap_bus.c: ap_device_probe's gate: default drivers take default-owned
 * APQNs only, vfio_ap the others; on 6.19 a driver_override decides.
 */
static int probe_gate(const struct apr_model *m, unsigned int a, unsigned int q, enum apr_drv drv)
{
	const struct apr_queue *sq = &m->q[a][q];

	if (drv == APR_DRV_VFIO_AP && !m->vfio_ap)
		return -ENODEV;
	if (m->profile >= APR_PROFILE_6_19 && sq->override)
		return sq->override == drv ? 0 : -ENODEV;
	return mask_owned(m, a, q) == (drv == APR_DRV_CEX4QUEUE) ? 0 : -ENODEV;
}

int apr_bus_probe(struct apr_model *m, unsigned int a, unsigned int q, enum apr_drv drv,
		  bool in_scan)
{
	struct apr_queue *sq = &m->q[a][q];

	if (!sq->exists || probe_gate(m, a, q, drv))
		return refuse(m, -ENODEV, APR_WHY_PROBE, a, q);
	sq->driver = drv;
	if (drv == APR_DRV_VFIO_AP) {
		/* A queue moved over outside a scan starts uninitiated (ap_queue.c: states). */
		sq->uninitiated = !in_scan;
		apr_vfio_queue_probed(m, a, q, in_scan);
	} else {
		sq->uninitiated = false;
		sq->online = m->card[a].online;
	}
	/* ap_bus.c: ap_device_probe: the completion re-armed, then checked. */
	m->bindings_armed = true;
	check_bindings(m);
	return 0;
}

void apr_bus_remove(struct apr_model *m, unsigned int a, unsigned int q)
{
	struct apr_queue *sq = &m->q[a][q];

	if (sq->driver == APR_DRV_VFIO_AP)
		apr_vfio_queue_removed(m, a, q);
	sq->driver = APR_DRV_NONE;
}

void apr_bus_card_probe(struct apr_model *m, unsigned int a)
{
	m->card[a].bound = true;
}

void apr_bus_card_remove(struct apr_model *m, unsigned int a)
{
	m->card[a].bound = false;
}

unsigned int apr_bus_count_queues(const struct apr_model *m, unsigned int *bound)
{
	unsigned int n = 0;

	*bound = 0;
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (!m->card[a].present)
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (m->q[a][q].exists) {
				n++;
				if (m->q[a][q].driver)
					(*bound)++;
			}
	}
	return n;
}

/* ------------------------------------------------------- bus attributes */

/* ap_bus.c: ap_domain_store: sscanf("%i"), 0..ap_max_domain_id, in aqmask. */
int apr_bus_ap_domain_store(struct apr_model *m, const char *buf)
{
	const char *p = buf, *end;
	unsigned long long v;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p == '-')
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (*p == '+')
		p++;
	v = apr_simple_strtoul(p, &end);
	if (end == p)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (v > m->max_apqi || !apr_mask_test(&m->aqmask, (unsigned int)v))
		return refuse(m, -EINVAL, APR_WHY_RANGE, 0, (unsigned int)v);
	m->ap_domain = (int)v;
	return 0;
}

/* ap_bus.c: config_time_store: sscanf("%d"), 5..120 seconds. */
int apr_bus_config_time_store(struct apr_model *m, const char *buf)
{
	long v;

	if (apr_scan_int(buf, &v) || v < 5 || v > 120)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	m->config_time = (int)v;
	return 0;
}

/* ap_bus.c: poll_thread_store: kstrtobool. */
int apr_bus_poll_thread_store(struct apr_model *m, const char *buf)
{
	bool on;

	switch (buf[0]) {
	case 'y':
	case 'Y':
	case '1':
		on = true;
		break;
	case 'n':
	case 'N':
	case '0':
		on = false;
		break;
	case 'o':
	case 'O':
		if (buf[1] == 'n' || buf[1] == 'N') {
			on = true;
			break;
		}
		if (buf[1] == 'f' || buf[1] == 'F') {
			on = false;
			break;
		}
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	default:
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	}
	m->poll_thread = on;
	return 0;
}

/* ap_bus.c: poll_timeout_store: kstrtoull, at most 120 s in ns. */
int apr_bus_poll_timeout_store(struct apr_model *m, const char *buf)
{
	unsigned long long v;
	int rc = apr_kstrtoul(buf, &v);

	if (rc)
		return refuse(m, rc, APR_WHY_SYNTAX, 0, 0);
	if (v > 120000000000ULL)
		return refuse(m, -EINVAL, APR_WHY_RANGE, 0, 0);
	m->poll_timeout = v;
	return 0;
}

/* ------------------------------------------------------ card and queue */

static int scan_bit(struct apr_model *m, const char *buf, long *v)
{
	if (apr_scan_int(buf, v) || (*v != 0 && *v != 1))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	return 0;
}

/*
 * ap_card.c: config_store (6.1 and the newest source alike): SCLP
 * (de)configure, only when the write changes the card's flag, so a no-op
 * write succeeds even without the SCLP facility (sclp_ap.c answers
 * EOPNOTSUPP there) and leaves the SE side alone; then the flag and its
 * CONFIG= uevent at once, even for a no-op, and nothing else: the queues'
 * config (and so their zcrypt online) follows at the next scan, the
 * periodic one or one the machine's CHSC notification forces
 * (ap_bus_force_rescan).
 */
int apr_card_config_store(struct apr_model *m, unsigned int a, const char *buf)
{
	struct apr_card *c = &m->card[a];
	long v;

	if (scan_bit(m, buf, &v))
		return -EINVAL;
	if (v != c->config) {
		if (!m->sclp)
			return refuse(m, -EOPNOTSUPP, APR_WHY_NO_SCLP, a, 0);
		c->se_config = v;
	}
	c->config = v;
	notify(m, APR_EV_CARD_CONFIG, a, 0, (unsigned long long)v);
	return 0;
}

/* zcrypt_card.c: online_store: ONLINE= on the card, then on each queue that changed. */
int apr_card_online_store(struct apr_model *m, unsigned int a, const char *buf)
{
	struct apr_card *c = &m->card[a];
	long v;

	if (scan_bit(m, buf, &v))
		return -EINVAL;
	if (v && !c->config)
		return refuse(m, -ENODEV, APR_WHY_CONFIGURED_OFF, a, 0);
	if (v && c->chkstop)
		return refuse(m, -ENODEV, APR_WHY_CHECKSTOPPED, a, 0);
	c->online = v;
	notify(m, APR_EV_CARD_ONLINE, a, 0, (unsigned long long)v);
	for (unsigned int q = 0; q < APR_BITS; q++) {
		struct apr_queue *sq = &m->q[a][q];

		if (!sq->exists || sq->driver != APR_DRV_CEX4QUEUE || sq->online == v)
			continue;
		sq->online = v;
		notify(m, APR_EV_QUEUE_ONLINE, a, q, (unsigned long long)v);
	}
	return 0;
}

/* zcrypt_queue.c: online_store: the queue and its card configured, the card online. */
int apr_queue_online_store(struct apr_model *m, unsigned int a, unsigned int q, const char *buf)
{
	struct apr_queue *sq = &m->q[a][q];
	const struct apr_card *c = &m->card[a];
	long v;

	if (scan_bit(m, buf, &v))
		return -EINVAL;
	if (v && (!sq->config || !c->config))
		return refuse(m, -ENODEV, APR_WHY_CONFIGURED_OFF, a, q);
	if (v && (sq->chkstop || c->chkstop))
		return refuse(m, -ENODEV, APR_WHY_CHECKSTOPPED, a, q);
	if (v && !c->online)
		return refuse(m, -EINVAL, APR_WHY_CARD_OFFLINE, a, q);
	sq->online = v;
	notify(m, APR_EV_QUEUE_ONLINE, a, q, (unsigned long long)v);
	return 0;
}

/* ap_card.c: request_count_store: any write clears the card's and its queues' counters. */
int apr_card_request_count_store(struct apr_model *m, unsigned int a, const char *buf)
{
	(void)buf;
	m->card[a].request_count = 0;
	for (unsigned int q = 0; m->requests && q < APR_BITS; q++)
		m->requests[a][q] = 0;
	return 0;
}

int apr_queue_request_count_store(struct apr_model *m, unsigned int a, unsigned int q,
				  const char *buf)
{
	(void)buf;
	if (m->requests)
		m->requests[a][q] = 0;
	return 0;
}

uint64_t apr_queue_request_count(const struct apr_model *m, unsigned int a, unsigned int q)
{
	return m->requests ? m->requests[a][q] : 0;
}

/* ap_queue.c: reset_store: the state machine restarts, the queue is initialised. */
int apr_queue_reset_store(struct apr_model *m, unsigned int a, unsigned int q, const char *buf)
{
	(void)buf;
	m->q[a][q].uninitiated = false;
	return 0;
}

/* zcrypt_card.c: online_show: the card's own config (and checkstop) and zcrypt flag. */
bool apr_card_online(const struct apr_model *m, unsigned int a)
{
	const struct apr_card *c = &m->card[a];

	return c->online && c->config && !c->chkstop;
}

/*
 * zcrypt_queue.c: online_show: the queue's own state only, not its card's:
 * right after a card's `config` write (ap_card.c: config_store changes the
 * card alone) its queues read online until the next scan tells them.
 */
bool apr_queue_online(const struct apr_model *m, unsigned int a, unsigned int q)
{
	const struct apr_queue *sq = &m->q[a][q];

	return sq->online && sq->config && !sq->chkstop;
}

/* A driver's name as the model keeps it: what can be written back and read again. */
static bool driver_name_ok(const char *s, unsigned long len)
{
	if (!len || len >= APR_OVERRIDE_NAME_MAX)
		return false;
	for (unsigned long i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int apr_override_value(struct apr_model *m, const char *name)
{
	unsigned int i;

	if (apr_streq(name, "cex4queue"))
		return APR_OVR_CEX4QUEUE;
	if (apr_streq(name, "vfio_ap"))
		return APR_OVR_VFIO_AP;
	if (!driver_name_ok(name, apr_strlen(name)))
		return -EINVAL;
	for (i = 0; i < APR_OVERRIDE_OTHERS && m->override_name[i][0]; i++)
		if (apr_streq(name, m->override_name[i]))
			return APR_OVR_OTHER + (int)i;
	if (i == APR_OVERRIDE_OTHERS)
		return -ENOSPC;
	apr_strlcpy(m->override_name[i], name, APR_OVERRIDE_NAME_MAX);
	return APR_OVR_OTHER + (int)i;
}

/*
 * ap_queue.c: driver_override_store (6.19): refused while either mask is
 * not all ones (masks and overrides exclude each other); the name ends at
 * a '\n', an empty name clears the override.  The new override takes
 * effect at the queue's next probe.
 */
int apr_queue_override_store(struct apr_model *m, unsigned int a, unsigned int q, const char *buf,
			     unsigned long len)
{
	char name[APR_OVERRIDE_NAME_MAX];
	int v;

	if (!apr_mask_full(&m->apmask) || !apr_mask_full(&m->aqmask))
		return refuse(m, -EINVAL, APR_WHY_MASKS_SET, a, q);
	for (unsigned long i = 0; i < len; i++)
		if (!buf[i] || buf[i] == '\n')
			len = i;
	if (!len) {
		m->q[a][q].override = APR_OVR_NONE;
		return 0;
	}
	if (!driver_name_ok(buf, len))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, q);
	for (unsigned long i = 0; i < len; i++)
		name[i] = buf[i];
	name[len] = '\0';
	v = apr_override_value(m, name);
	if (v < 0)
		return refuse(m, v == -ENOSPC ? -ENOMEM : v, APR_WHY_SYNTAX, a, q);
	m->q[a][q].override = (uint8_t)v;
	return 0;
}

const char *apr_queue_override_name(const struct apr_model *m, unsigned int a, unsigned int q)
{
	unsigned int o = m->q[a][q].override;

	if (o == APR_OVR_CEX4QUEUE)
		return "cex4queue";
	if (o == APR_OVR_VFIO_AP)
		return "vfio_ap";
	if (o >= APR_OVR_OTHER && o < APR_OVR_OTHER + APR_OVERRIDE_OTHERS)
		return m->override_name[o - APR_OVR_OTHER];
	return "";
}

/* ------------------------------------------------------------ the scan */

/*
 * vfio_ap_ops.c: vfio_ap_on_cfg_changed, called by ap_scan_bus before the
 * devices: what left the LPAR leaves every guest at once; mdevs that gain
 * something are re-filtered when the scan ends.
 */
void apr_scan_begin(struct apr_model *m)
{
	struct apr_mask gone_apm, gone_aqm, gone_adm, add_apm, add_aqm, add_adm;

	apr_mask_andnot(&gone_apm, &m->seen_apm, &m->lpar_apm);
	apr_mask_andnot(&gone_aqm, &m->seen_aqm, &m->lpar_aqm);
	apr_mask_andnot(&gone_adm, &m->seen_adm, &m->lpar_adm);
	apr_mask_andnot(&add_apm, &m->lpar_apm, &m->seen_apm);
	apr_mask_andnot(&add_aqm, &m->lpar_aqm, &m->seen_aqm);
	apr_mask_andnot(&add_adm, &m->lpar_adm, &m->seen_adm);
	for (unsigned int i = 0; i < m->nmdevs; i++) {
		struct apr_mdev *r = &m->rm[i];
		struct apr_mask t1, t2, t3;

		if (apr_cfg_removed(r, &gone_apm, &gone_aqm, &gone_adm))
			apr_vfio_shadow_changed(m, i);
		apr_mask_and(&t1, &add_apm, &r->apm);
		apr_mask_and(&t2, &add_aqm, &r->aqm);
		apr_mask_and(&t3, &add_adm, &r->adm);
		m->mdev[i].refilter = !apr_mask_empty(&t1) || !apr_mask_empty(&t2) ||
				      !apr_mask_empty(&t3);
	}
	m->seen_apm = m->lpar_apm;
	m->seen_aqm = m->lpar_aqm;
	m->seen_adm = m->lpar_adm;
	if (!apr_mask_empty(&add_apm) || !apr_mask_empty(&add_aqm))
		m->bindings_armed = true;
}

/* ap_bus.c: ap_scan_adapter: a card device for every LPAR adapter up to the maximum. */
bool apr_scan_card_wanted(const struct apr_model *m, unsigned int a)
{
	return apr_mask_test(&m->lpar_apm, a) && m->card[a].type && a <= m->max_apid;
}

/* ap_bus.c: ap_scan_domains: a queue device for every usage domain. */
bool apr_scan_queue_wanted(const struct apr_model *m, unsigned int a, unsigned int q)
{
	return apr_scan_card_wanted(m, a) && apr_mask_test(&m->lpar_aqm, q) && q <= m->max_apqi;
}

void apr_scan_card_new(struct apr_model *m, unsigned int a)
{
	struct apr_card *c = &m->card[a];

	c->present = true;
	c->bound = false;
	c->config = c->se_config;
	c->chkstop = c->se_chkstop;
	c->online = true; /* zcrypt_card.c: a new card starts online */
}

void apr_scan_card_gone(struct apr_model *m, unsigned int a)
{
	m->card[a].present = false;
	m->card[a].bound = false;
}

void apr_scan_queue_new(struct apr_model *m, unsigned int a, unsigned int q)
{
	struct apr_queue fresh = { .exists = 1 };

	fresh.config = m->card[a].se_config;
	fresh.chkstop = m->card[a].se_chkstop;
	m->q[a][q] = fresh;
	if (m->requests)
		m->requests[a][q] = 0;
}

void apr_scan_queue_gone(struct apr_model *m, unsigned int a, unsigned int q)
{
	struct apr_queue zero = { 0 };

	m->q[a][q] = zero;
	if (m->requests)
		m->requests[a][q] = 0;
}

/*
 * ap_bus.c: ap_scan_adapter: the SE-side configure and checkstop become
 * visible; CONFIG= change events for the card and each queue that changed
 * (ap_send_config_uevent), none for a checkstop.
 */
void apr_scan_config(struct apr_model *m, unsigned int a)
{
	struct apr_card *c = &m->card[a];

	if (!c->present)
		return;
	if (c->config != c->se_config) {
		c->config = c->se_config;
		notify(m, APR_EV_CARD_CONFIG, a, 0, c->config);
	}
	c->chkstop = c->se_chkstop;
	for (unsigned int q = 0; q < APR_BITS; q++) {
		struct apr_queue *sq = &m->q[a][q];

		if (!sq->exists)
			continue;
		if (sq->config != c->se_config) {
			sq->config = c->se_config;
			notify(m, APR_EV_QUEUE_CONFIG, a, q, sq->config);
		}
		sq->chkstop = c->se_chkstop;
	}
}

/*
 * vfio_ap_ops.c: vfio_ap_on_scan_complete (re-filter what gained), then
 * ap_bus.c: ap_scan_bus's end: INITSCAN=done after the first scan,
 * ap_check_bindings_complete (check_bindings above), and
 * ap_select_domain's default domain (the first usage domain in aqmask).
 */
void apr_scan_end(struct apr_model *m)
{
	for (unsigned int i = 0; i < m->nmdevs; i++)
		if (m->mdev[i].refilter) {
			m->mdev[i].refilter = false;
			apr_vfio_refilter(m, i);
		}
	if (!m->scans++)
		notify(m, APR_EV_INITSCAN, 0, 0, 0);
	check_bindings(m);
	if (m->ap_domain < 0)
		for (unsigned int q = 0; q <= m->max_apqi && q < APR_BITS; q++)
			if (apr_mask_test(&m->lpar_aqm, q) && apr_mask_test(&m->aqmask, q)) {
				m->ap_domain = (int)q;
				break;
			}
}
