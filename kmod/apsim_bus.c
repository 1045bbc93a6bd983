// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The s390 "ap" bus as user space sees it (spec §1.2-§1.5,
 * §2, §4.1): the bus and its attributes, the root device /sys/devices/ap,
 * card and queue devices with their attributes, and the drivers cex4card,
 * cex4queue and vfio_ap (queues) with the probe gate of the masks.
 */
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "apsim.h"

struct apsim_driver {
	struct device_driver drv;
	enum apsim_drv kind;	/* APSIM_DRV_NONE: the card driver */
	bool is_default;	/* AP_DRIVER_FLAG_DEFAULT */
};

static struct apsim_driver cex4card_driver, cex4queue_driver, vfio_ap_queue_driver;

static const struct device_type apsim_card_type = { .name = "ap_card" };
static const struct device_type apsim_queue_type = { .name = "ap_queue" };

static bool is_card(const struct device *dev)
{
	return dev->type == &apsim_card_type;
}

static bool is_queue(const struct device *dev)
{
	return dev->type == &apsim_queue_type;
}

#define to_card(d) container_of(d, struct apsim_card, dev)
#define to_queue(d) container_of(d, struct apsim_queue, dev)
#define to_apsim_driver(d) container_of(d, struct apsim_driver, drv)

static int emit_mask(char *buf, const struct apr_mask *m)
{
	char t[APR_MASK_STRLEN + 1];

	apr_mask_format(m, t);
	return sysfs_emit(buf, "%s\n", t);
}

/* The facility word a card of this type reports; no APXA on a small machine. */
static u32 functions(const struct apr_card_type *t)
{
	u32 fn = t->functions;

	if (!apsim.apxa)
		fn &= ~0x02000000u;
	return fn;
}

/* ---------------------------------------------------- bus attributes */

static ssize_t ap_domain_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(apsim.ap_domain));
}

/* sscanf("%i"): decimal, 0x hex or leading-0 octal; trailing text ignored. */
static ssize_t ap_domain_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
			       size_t count)
{
	unsigned long long v;
	const char *p = buf, *end;
	int rc = -EINVAL;

	if (*p == '+')
		p++;
	if (*p == '-')
		return -EINVAL;
	v = apr_simple_strtoul(p, &end);
	if (end == p)
		return -EINVAL;
	mutex_lock(&apsim.perms);
	if (v <= apsim.max_apqi && apr_mask_test(&apsim.aqmask, v)) {
		WRITE_ONCE(apsim.ap_domain, (int)v);
		rc = count;
	}
	mutex_unlock(&apsim.perms);
	return rc;
}

static ssize_t lpar_mask_show(char *buf, const struct apr_mask *m)
{
	ssize_t rc;

	mutex_lock(&apsim.lock);
	rc = emit_mask(buf, m);
	mutex_unlock(&apsim.lock);
	return rc;
}

static ssize_t ap_control_domain_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.lpar_adm);
}

static ssize_t ap_usage_domain_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.lpar_aqm);
}

static ssize_t ap_adapter_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.lpar_apm);
}

static ssize_t config_time_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(apsim.config_time));
}

static ssize_t config_time_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				 size_t count)
{
	long v;

	if (apr_scan_int(buf, &v) || v < 5 || v > 120)
		return -EINVAL;
	WRITE_ONCE(apsim.config_time, (int)v);
	mod_delayed_work(system_wq, &apsim.scan_work, v * HZ);
	return count;
}

static ssize_t poll_thread_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(apsim.poll_thread));
}

static ssize_t poll_thread_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				 size_t count)
{
	bool on;
	int rc = kstrtobool(buf, &on);

	if (rc)
		return rc;
	WRITE_ONCE(apsim.poll_thread, on);
	return count;
}

static ssize_t ap_interrupts_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "1\n");
}

static ssize_t poll_timeout_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(apsim.poll_timeout));
}

static ssize_t poll_timeout_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				  size_t count)
{
	unsigned long long v;
	int rc = apr_kstrtoul(buf, &v);

	if (rc)
		return rc;
	if (v > 120000000000ULL)
		return -EINVAL;
	WRITE_ONCE(apsim.poll_timeout, v);
	return count;
}

static ssize_t ap_max_domain_id_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", apsim.max_apqi);
}

static ssize_t ap_max_adapter_id_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", apsim.max_apid);
}

static ssize_t mask_show(char *buf, const struct apr_mask *m)
{
	ssize_t rc;

	if (mutex_lock_interruptible(&apsim.perms))
		return -ERESTARTSYS;
	rc = emit_mask(buf, m);
	mutex_unlock(&apsim.perms);
	return rc;
}

/*
 * spec §2.4: parse, compare, in-use check (EBUSY), commit; then, with the
 * mutex released, the re-probe pass and the change uevent, in that order.
 */
static ssize_t mask_store(bool aq, const char *buf, size_t count)
{
	struct apr_mask newmask;
	struct apr_conflict c;
	struct apr_host h;
	char var[16 + APR_MASK_STRLEN + 2], t[APR_MASK_STRLEN + 1];
	char *envp[2];
	int rc;

	if (mutex_lock_interruptible(&apsim.perms))
		return -ERESTARTSYS;
	mutex_lock(&apsim.lock);
	apsim_rules_host(&h);
	rc = apr_mask_store(&h, apsim.rm, apsim.nmdevs, aq, buf, &newmask, &c);
	if (rc == -EBUSY)
		pr_warn("Can not reserve queue %02x.%04x for host driver: in use by mdev\n",
			c.apid, c.apqi);
	if (!rc) {
		if (aq)
			apsim.aqmask = newmask;
		else
			apsim.apmask = newmask;
	}
	mutex_unlock(&apsim.lock);
	mutex_unlock(&apsim.perms);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return count;	/* unchanged: no re-probe, no uevent */
	apsim_revise_bindings();
	apr_mask_format(&newmask, t);
	/* The kernel's value carries its trailing newline (spec §4.2). */
	snprintf(var, sizeof(var), "%s=%s\n", aq ? "AQMASK" : "APMASK", t);
	envp[0] = var;
	envp[1] = NULL;
	kobject_uevent_env(&apsim.ap_root->kobj, KOBJ_CHANGE, envp);
	return count;
}

static ssize_t apmask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return mask_show(buf, &apsim.apmask);
}

static ssize_t apmask_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	return mask_store(false, buf, count);
}

static ssize_t aqmask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return mask_show(buf, &apsim.aqmask);
}

static ssize_t aqmask_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	return mask_store(true, buf, count);
}

static ssize_t scans_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(apsim.scans));
}

/* Any content forces a synchronous scan once the initial one is done. */
static ssize_t scans_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	if (READ_ONCE(apsim.scans))
		apsim_scan();
	return count;
}

static ssize_t bindings_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	unsigned int total, bound;

	apsim_count_queues(&total, &bound);
	return sysfs_emit(buf, "%u/%u%s\n", bound, total,
			  READ_ONCE(apsim.scans) && bound == total ? " (complete)" : "");
}

static ssize_t features_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "APSC %sQACT RC8A\n", apsim.apxa ? "APXA " : "");
}

static BUS_ATTR_RW(ap_domain);
static BUS_ATTR_RO(ap_control_domain_mask);
static BUS_ATTR_RO(ap_usage_domain_mask);
static BUS_ATTR_RO(ap_adapter_mask);
static BUS_ATTR_RW(config_time);
static BUS_ATTR_RW(poll_thread);
static BUS_ATTR_RO(ap_interrupts);
static BUS_ATTR_RW(poll_timeout);
static BUS_ATTR_RO(ap_max_domain_id);
static BUS_ATTR_RO(ap_max_adapter_id);
static BUS_ATTR_RW(apmask);
static BUS_ATTR_RW(aqmask);
static BUS_ATTR_RW(scans);
static BUS_ATTR_RO(bindings);
static BUS_ATTR_RO(features);

/* The kernel's order (spec §1.2), minus 6.19's bindings_complete_count. */
static struct attribute *ap_bus_attrs[] = {
	&bus_attr_ap_domain.attr,
	&bus_attr_ap_control_domain_mask.attr,
	&bus_attr_ap_usage_domain_mask.attr,
	&bus_attr_ap_adapter_mask.attr,
	&bus_attr_config_time.attr,
	&bus_attr_poll_thread.attr,
	&bus_attr_ap_interrupts.attr,
	&bus_attr_poll_timeout.attr,
	&bus_attr_ap_max_domain_id.attr,
	&bus_attr_ap_max_adapter_id.attr,
	&bus_attr_apmask.attr,
	&bus_attr_aqmask.attr,
	&bus_attr_scans.attr,
	&bus_attr_bindings.attr,
	&bus_attr_features.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ap_bus);

/* ----------------------------------------------------- bus callbacks */

static int ap_bus_match(struct device *dev, APSIM_MATCH_CONST struct device_driver *drv)
{
	const struct apsim_driver *d = to_apsim_driver(drv);

	/* Every simulated type is CEX4..CEX8 (hwtype 10..14): the id tables match. */
	if (is_card(dev))
		return d->kind == APSIM_DRV_NONE;
	return is_queue(dev) && d->kind != APSIM_DRV_NONE;
}

/* spec §4.1: DEV_TYPE, MODALIAS and MODE on cards, MODE on queues. */
static int ap_bus_uevent(APSIM_UEVENT_CONST struct device *dev, struct kobj_uevent_env *env)
{
	const struct apr_card_type *t;
	int rc;

	if (is_card(dev))
		t = to_card(dev)->type;
	else if (is_queue(dev))
		t = to_queue(dev)->card->type;
	else
		return 0;	/* the root device carries nothing */
	if (is_card(dev)) {
		rc = add_uevent_var(env, "DEV_TYPE=%04X", t->hwtype);
		if (rc)
			return rc;
		rc = add_uevent_var(env, "MODALIAS=ap:t%02X", t->hwtype);
		if (rc)
			return rc;
	}
	return add_uevent_var(env, "MODE=%s", t->mode);
}

/* Default-owned by the masks (spec §1.5): apmask bit and aqmask bit set. */
static bool mask_owned(const struct apsim_queue *q)
{
	bool owned;

	mutex_lock(&apsim.perms);
	owned = apr_mask_test(&apsim.apmask, q->apid) && apr_mask_test(&apsim.aqmask, q->apqi);
	mutex_unlock(&apsim.perms);
	return owned;
}

/* The probe gate (spec §1.5): default drivers take default-owned APQNs only. */
static int ap_bus_probe(struct device *dev)
{
	struct apsim_driver *d = to_apsim_driver(dev->driver);
	struct apsim_queue *q;
	bool owned;

	if (is_card(dev)) {
		struct apsim_card *card = to_card(dev);

		mutex_lock(&apsim.lock);
		card->bound = true;
		mutex_unlock(&apsim.lock);
		return 0;
	}
	q = to_queue(dev);
	owned = mask_owned(q);
	if (owned != d->is_default)
		return -ENODEV;
	mutex_lock(&apsim.lock);
	q->drv = d->kind;
	if (d->kind == APSIM_DRV_CEX4QUEUE) {
		q->uninitiated = false;
		q->online = q->card->online;
	} else {
		/* A queue moved over outside a scan starts uninitiated (spec §1.4). */
		q->uninitiated = apsim.scanner != current;
	}
	apsim.bindings_armed = true;
	mutex_unlock(&apsim.lock);
	if (d->kind == APSIM_DRV_VFIO_AP)
		apsim_vfio_probe_queue(q);
	return 0;
}

static void ap_bus_remove(struct device *dev)
{
	struct apsim_queue *q;

	if (is_card(dev)) {
		mutex_lock(&apsim.lock);
		to_card(dev)->bound = false;
		mutex_unlock(&apsim.lock);
		return;
	}
	q = to_queue(dev);
	if (q->drv == APSIM_DRV_VFIO_AP)
		apsim_vfio_remove_queue(q);
	mutex_lock(&apsim.lock);
	q->drv = APSIM_DRV_NONE;
	mutex_unlock(&apsim.lock);
}

struct bus_type apsim_ap_bus = {
	.name = "ap",
	.bus_groups = ap_bus_groups,
	.match = ap_bus_match,
	.uevent = ap_bus_uevent,
	.probe = ap_bus_probe,
	.remove = ap_bus_remove,
};

/* ----------------------------------------------------- card attributes */

static ssize_t hwtype_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_card(dev)->type->hwtype);
}
static DEVICE_ATTR_RO(hwtype);

static ssize_t raw_hwtype_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_card(dev)->type->hwtype);
}
static DEVICE_ATTR_RO(raw_hwtype);

static ssize_t depth_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_card(dev)->type->depth);
}
static DEVICE_ATTR_RO(depth);

static ssize_t card_ap_functions_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	/* Cards keep the top 16 bits only (spec §1.3). */
	return sysfs_emit(buf, "0x%08X\n", functions(to_card(dev)->type) & 0xffff0000u);
}

static ssize_t card_request_count_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(to_card(dev)->request_count));
}

/* Any write resets the card's counter and those of all its queues. */
static ssize_t card_request_count_store(struct device *dev, struct device_attribute *attr,
					const char *buf, size_t count)
{
	struct apsim_card *card = to_card(dev);
	unsigned int i;

	mutex_lock(&apsim.lock);
	card->request_count = 0;
	for (i = 0; i < APR_BITS; i++)
		if (card->queues[i])
			card->queues[i]->request_count = 0;
	mutex_unlock(&apsim.lock);
	return count;
}

static ssize_t zero_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0\n");
}

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "ap:t%02X\n", to_card(dev)->type->hwtype);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t card_config_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_card(dev)->config));
}

/*
 * SCLP configure/deconfigure (spec §5.1): the card's flag and its CONFIG=
 * uevent at once, even for a no-op; the queues follow at the next scan.
 */
static ssize_t card_config_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct apsim_card *card = to_card(dev);
	long v;

	if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
		return -EINVAL;
	mutex_lock(&apsim.lock);
	apsim.se_config[card->apid] = v;
	card->config = v;
	mutex_unlock(&apsim.lock);
	apsim_change_uevent(&card->dev, v ? "CONFIG=1" : "CONFIG=0");
	return count;
}

static ssize_t card_chkstop_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_card(dev)->chkstop));
}

static ssize_t max_msg_size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_card(dev)->type->max_msg_size);
}
static DEVICE_ATTR_RO(max_msg_size);

static struct device_attribute dev_attr_card_ap_functions =
	__ATTR(ap_functions, 0444, card_ap_functions_show, NULL);
static struct device_attribute dev_attr_card_request_count =
	__ATTR(request_count, 0644, card_request_count_show, card_request_count_store);
static struct device_attribute dev_attr_card_requestq_count =
	__ATTR(requestq_count, 0444, zero_show, NULL);
static struct device_attribute dev_attr_card_pendingq_count =
	__ATTR(pendingq_count, 0444, zero_show, NULL);
static struct device_attribute dev_attr_card_config =
	__ATTR(config, 0644, card_config_show, card_config_store);
static struct device_attribute dev_attr_card_chkstop =
	__ATTR(chkstop, 0444, card_chkstop_show, NULL);

static struct attribute *ap_card_attrs[] = {
	&dev_attr_hwtype.attr,
	&dev_attr_raw_hwtype.attr,
	&dev_attr_depth.attr,
	&dev_attr_card_ap_functions.attr,
	&dev_attr_card_request_count.attr,
	&dev_attr_card_requestq_count.attr,
	&dev_attr_card_pendingq_count.attr,
	&dev_attr_modalias.attr,
	&dev_attr_card_config.attr,
	&dev_attr_card_chkstop.attr,
	&dev_attr_max_msg_size.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ap_card);

/* zcrypt's card attributes, present while bound to cex4card. */
static ssize_t type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_card(dev)->type->name);
}
static DEVICE_ATTR_RO(type);

static ssize_t card_online_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_card *card = to_card(dev);
	int on;

	mutex_lock(&apsim.lock);
	on = card->online && card->config && !card->chkstop;
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%d\n", on);
}

/* spec §1.3: ONLINE= on the card always, then on each queue that changed. */
static ssize_t card_online_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct apsim_card *card = to_card(dev);
	struct apsim_queue **changed;
	unsigned int i, n = 0;
	long v;

	if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
		return -EINVAL;
	/* The queues that changed, held: a scan may drop them from the table meanwhile. */
	changed = kcalloc(APR_BITS, sizeof(*changed), GFP_KERNEL);
	if (!changed)
		return -ENOMEM;
	mutex_lock(&apsim.lock);
	if (v && (!card->config || card->chkstop)) {
		mutex_unlock(&apsim.lock);
		kfree(changed);
		return -ENODEV;
	}
	card->online = v;
	for (i = 0; i < APR_BITS; i++) {
		struct apsim_queue *q = card->queues[i];

		if (!q || q->drv != APSIM_DRV_CEX4QUEUE || q->online == v)
			continue;
		q->online = v;
		get_device(&q->dev);
		changed[n++] = q;
	}
	mutex_unlock(&apsim.lock);
	apsim_change_uevent(&card->dev, v ? "ONLINE=1" : "ONLINE=0");
	for (i = 0; i < n; i++) {
		apsim_change_uevent(&changed[i]->dev, v ? "ONLINE=1" : "ONLINE=0");
		put_device(&changed[i]->dev);
	}
	kfree(changed);
	return count;
}

static ssize_t serialnr_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", "93AADFK9");
}
static DEVICE_ATTR_RO(serialnr);

static struct device_attribute dev_attr_card_online =
	__ATTR(online, 0644, card_online_show, card_online_store);
static struct device_attribute dev_attr_card_load = __ATTR(load, 0444, zero_show, NULL);

/* Coprocessors (CCA, EP11) have a serial number; accelerators do not. */
static umode_t zcrypt_card_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct apsim_card *card = to_card(kobj_to_dev(kobj));

	if (attr == &dev_attr_serialnr.attr && !strcmp(card->type->mode, "accel"))
		return 0;
	return attr->mode;
}

static struct attribute *zcrypt_card_attrs[] = {
	&dev_attr_type.attr,
	&dev_attr_card_online.attr,
	&dev_attr_card_load.attr,
	&dev_attr_serialnr.attr,
	NULL,
};

static const struct attribute_group zcrypt_card_group = {
	.attrs = zcrypt_card_attrs,
	.is_visible = zcrypt_card_visible,
};

static const struct attribute_group *zcrypt_card_groups[] = { &zcrypt_card_group, NULL };

/* ---------------------------------------------------- queue attributes */

static ssize_t queue_request_count_show(struct device *dev, struct device_attribute *attr,
					char *buf)
{
	struct apsim_queue *q = to_queue(dev);

	if (READ_ONCE(q->uninitiated))
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "%llu\n", READ_ONCE(q->request_count));
}

static ssize_t queue_request_count_store(struct device *dev, struct device_attribute *attr,
					 const char *buf, size_t count)
{
	WRITE_ONCE(to_queue(dev)->request_count, 0);
	return count;
}

static ssize_t reset_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "No Reset Timer set.\n");
}

/* The state machine restarts with a reset: the queue is initialised after it. */
static ssize_t reset_store(struct device *dev, struct device_attribute *attr, const char *buf,
			   size_t count)
{
	WRITE_ONCE(to_queue(dev)->uninitiated, false);
	return count;
}
static DEVICE_ATTR_RW(reset);

static ssize_t interrupt_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	bool bound = READ_ONCE(to_queue(dev)->drv) != APSIM_DRV_NONE;

	return sysfs_emit(buf, bound ? "Interrupts enabled.\n" : "Interrupts disabled.\n");
}
static DEVICE_ATTR_RO(interrupt);

static ssize_t queue_config_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_queue(dev)->config));
}

static ssize_t queue_chkstop_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_queue(dev)->chkstop));
}

static ssize_t queue_ap_functions_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return sysfs_emit(buf, "0x%08X\n", functions(to_queue(dev)->card->type));
}

static struct device_attribute dev_attr_queue_request_count =
	__ATTR(request_count, 0644, queue_request_count_show, queue_request_count_store);
static struct device_attribute dev_attr_queue_requestq_count =
	__ATTR(requestq_count, 0444, zero_show, NULL);
static struct device_attribute dev_attr_queue_pendingq_count =
	__ATTR(pendingq_count, 0444, zero_show, NULL);
static struct device_attribute dev_attr_queue_config =
	__ATTR(config, 0444, queue_config_show, NULL);
static struct device_attribute dev_attr_queue_chkstop =
	__ATTR(chkstop, 0444, queue_chkstop_show, NULL);
static struct device_attribute dev_attr_queue_ap_functions =
	__ATTR(ap_functions, 0444, queue_ap_functions_show, NULL);

static struct attribute *ap_queue_attrs[] = {
	&dev_attr_queue_request_count.attr,
	&dev_attr_queue_requestq_count.attr,
	&dev_attr_queue_pendingq_count.attr,
	&dev_attr_reset.attr,
	&dev_attr_interrupt.attr,
	&dev_attr_queue_config.attr,
	&dev_attr_queue_chkstop.attr,
	&dev_attr_queue_ap_functions.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ap_queue);

/* zcrypt's queue attributes, present while bound to cex4queue. */
static ssize_t queue_online_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	struct apsim_card *card = q->card;
	int on;

	mutex_lock(&apsim.lock);
	on = q->online && q->config && !q->chkstop && card->config && !card->chkstop;
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t queue_online_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct apsim_queue *q = to_queue(dev);
	struct apsim_card *card = q->card;
	int rc = 0;
	long v;

	if (apr_scan_int(buf, &v) || (v != 0 && v != 1))
		return -EINVAL;
	mutex_lock(&apsim.lock);
	if (v && (!q->config || q->chkstop || !card->config || card->chkstop))
		rc = -ENODEV;
	else if (v && !card->online)
		rc = -EINVAL;
	else
		q->online = v;
	mutex_unlock(&apsim.lock);
	if (rc)
		return rc;
	apsim_change_uevent(&q->dev, v ? "ONLINE=1" : "ONLINE=0");
	return count;
}

static struct device_attribute dev_attr_queue_online =
	__ATTR(online, 0644, queue_online_show, queue_online_store);
static struct device_attribute dev_attr_queue_load = __ATTR(load, 0444, zero_show, NULL);

static struct attribute *zcrypt_queue_attrs[] = {
	&dev_attr_queue_online.attr,
	&dev_attr_queue_load.attr,
	NULL,
};
ATTRIBUTE_GROUPS(zcrypt_queue);

/* vfio_ap's queue attribute (spec §1.4), present while bound to vfio_ap. */
static ssize_t status_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	const char *st;

	mutex_lock(&apsim.lock);
	st = apr_queue_status(apsim.rm, apsim.nmdevs, q->apid, q->apqi);
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%s\n", st);
}
static DEVICE_ATTR_RO(status);

static struct attribute *vfio_queue_attrs[] = {
	&dev_attr_status.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vfio_queue);

/* ------------------------------------------------------------ drivers */

static struct apsim_driver cex4card_driver = {
	.drv = {
		.name = "cex4card",
		.bus = &apsim_ap_bus,
		.owner = THIS_MODULE,
		.dev_groups = zcrypt_card_groups,
	},
	.kind = APSIM_DRV_NONE,
	.is_default = true,
};

static struct apsim_driver cex4queue_driver = {
	.drv = {
		.name = "cex4queue",
		.bus = &apsim_ap_bus,
		.owner = THIS_MODULE,
		.dev_groups = zcrypt_queue_groups,
	},
	.kind = APSIM_DRV_CEX4QUEUE,
	.is_default = true,
};

static struct apsim_driver vfio_ap_queue_driver = {
	.drv = {
		.name = "vfio_ap",
		.bus = &apsim_ap_bus,
		.owner = THIS_MODULE,
		.dev_groups = vfio_queue_groups,
	},
	.kind = APSIM_DRV_VFIO_AP,
	.is_default = false,
};

/* --------------------------------------------------- cards and queues */

static void card_release(struct device *dev)
{
	kfree(to_card(dev));
}

static void queue_release(struct device *dev)
{
	struct apsim_queue *q = to_queue(dev);

	put_device(&q->card->dev);
	kfree(q);
}

/* Called by the scan, which serialises every change of the device tables. */
struct apsim_card *apsim_card_create(unsigned int apid, const struct apr_card_type *type)
{
	struct apsim_card *card = kzalloc(sizeof(*card), GFP_KERNEL);

	if (!card)
		return NULL;
	card->apid = apid;
	card->type = type;
	card->config = apsim.se_config[apid];
	card->chkstop = apsim.se_chkstop[apid];
	card->online = true;
	device_initialize(&card->dev);
	card->dev.bus = &apsim_ap_bus;
	card->dev.parent = apsim.ap_root;
	card->dev.type = &apsim_card_type;
	card->dev.groups = ap_card_groups;
	card->dev.release = card_release;
	if (dev_set_name(&card->dev, "card%02x", apid))
		goto err;
	mutex_lock(&apsim.lock);
	apsim.cards[apid] = card;
	mutex_unlock(&apsim.lock);
	if (device_add(&card->dev)) {
		mutex_lock(&apsim.lock);
		apsim.cards[apid] = NULL;
		mutex_unlock(&apsim.lock);
		goto err;
	}
	return card;
err:
	pr_err("cannot create card%02x\n", apid);
	put_device(&card->dev);
	return NULL;
}

void apsim_card_destroy(struct apsim_card *card)
{
	unsigned int i;

	for (i = 0; i < APR_BITS; i++)
		if (card->queues[i])
			apsim_queue_destroy(card->queues[i]);
	device_del(&card->dev);
	mutex_lock(&apsim.lock);
	apsim.cards[card->apid] = NULL;
	mutex_unlock(&apsim.lock);
	put_device(&card->dev);
}

struct apsim_queue *apsim_queue_create(struct apsim_card *card, unsigned int apqi)
{
	struct apsim_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return NULL;
	q->card = card;
	q->apid = card->apid;
	q->apqi = apqi;
	q->config = apsim.se_config[card->apid];
	q->chkstop = apsim.se_chkstop[card->apid];
	get_device(&card->dev);
	device_initialize(&q->dev);
	q->dev.bus = &apsim_ap_bus;
	q->dev.parent = &card->dev;
	q->dev.type = &apsim_queue_type;
	q->dev.groups = ap_queue_groups;
	q->dev.release = queue_release;
	if (dev_set_name(&q->dev, "%02x.%04x", card->apid, apqi))
		goto err;
	mutex_lock(&apsim.lock);
	card->queues[apqi] = q;
	mutex_unlock(&apsim.lock);
	/* device_add probes: the gate picks exactly one driver (spec §1.5). */
	if (device_add(&q->dev)) {
		mutex_lock(&apsim.lock);
		card->queues[apqi] = NULL;
		mutex_unlock(&apsim.lock);
		goto err;
	}
	return q;
err:
	pr_err("cannot create queue %02x.%04x\n", card->apid, apqi);
	put_device(&q->dev);
	return NULL;
}

void apsim_queue_destroy(struct apsim_queue *q)
{
	/* device_del unbinds first: vfio_ap's remove unplugs the APQN (spec §3.9). */
	device_del(&q->dev);
	mutex_lock(&apsim.lock);
	q->card->queues[q->apqi] = NULL;
	mutex_unlock(&apsim.lock);
	put_device(&q->dev);
}

static int revise_one(struct device *dev, void *data)
{
	struct apsim_queue *q;
	bool owned;
	int rc;

	if (!is_queue(dev))
		return 0;
	q = to_queue(dev);
	owned = mask_owned(q);
	switch (READ_ONCE(q->drv)) {
	case APSIM_DRV_NONE:
		if (owned)
			return 0;	/* nothing to move: vfio_ap may be all that is missing */
		break;
	case APSIM_DRV_CEX4QUEUE:
		if (owned)
			return 0;
		break;
	case APSIM_DRV_VFIO_AP:
		if (!owned)
			return 0;
		break;
	}
	rc = device_reprobe(dev);
	if (rc)
		dev_dbg(dev, "reprobe failed: %d\n", rc);
	return 0;
}

/* spec §2.4 step 6: synchronous re-probe pass in bus order. */
void apsim_revise_bindings(void)
{
	int rc = bus_for_each_dev(&apsim_ap_bus, NULL, NULL, revise_one);

	if (rc)
		pr_debug("revise bindings: %d\n", rc);
}

void apsim_count_queues(unsigned int *total, unsigned int *bound)
{
	unsigned int a, i;

	*total = 0;
	*bound = 0;
	mutex_lock(&apsim.lock);
	for (a = 0; a < APR_BITS; a++) {
		struct apsim_card *card = apsim.cards[a];

		if (!card)
			continue;
		for (i = 0; i < APR_BITS; i++) {
			if (!card->queues[i])
				continue;
			(*total)++;
			if (card->queues[i]->drv != APSIM_DRV_NONE)
				(*bound)++;
		}
	}
	mutex_unlock(&apsim.lock);
}

/* ---------------------------------------------------- init and exit */

int apsim_bus_init(void)
{
	int rc;

	rc = bus_register(&apsim_ap_bus);
	if (rc)
		return rc;
	apsim.ap_root = root_device_register("ap");
	if (IS_ERR(apsim.ap_root)) {
		rc = PTR_ERR(apsim.ap_root);
		goto err_bus;
	}
	/* Without a bus the root's uevents would be dropped (dev_uevent_filter). */
	apsim.ap_root->bus = &apsim_ap_bus;
	rc = driver_register(&cex4card_driver.drv);
	if (rc)
		goto err_root;
	rc = driver_register(&cex4queue_driver.drv);
	if (rc)
		goto err_card;
	rc = driver_register(&vfio_ap_queue_driver.drv);
	if (rc)
		goto err_queue;
	return 0;

err_queue:
	driver_unregister(&cex4queue_driver.drv);
err_card:
	driver_unregister(&cex4card_driver.drv);
err_root:
	apsim.ap_root->bus = NULL;
	root_device_unregister(apsim.ap_root);
err_bus:
	bus_unregister(&apsim_ap_bus);
	return rc;
}

void apsim_bus_exit(void)
{
	unsigned int a;

	for (a = 0; a < APR_BITS; a++)
		if (apsim.cards[a])
			apsim_card_destroy(apsim.cards[a]);
	driver_unregister(&vfio_ap_queue_driver.drv);
	driver_unregister(&cex4queue_driver.drv);
	driver_unregister(&cex4card_driver.drv);
	apsim.ap_root->bus = NULL;
	root_device_unregister(apsim.ap_root);
	bus_unregister(&apsim_ap_bus);
}
