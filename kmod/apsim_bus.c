// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The s390 "ap" bus as user space sees it: the bus and its attributes
 * (ap_bus.c: ap_bus_attrs), the root device /sys/devices/ap, card and
 * queue devices with their attributes (ap_card.c, ap_queue.c) and the
 * drivers cex4card, cex4queue (zcrypt_cex4.c, zcrypt_card.c,
 * zcrypt_queue.c) and vfio_ap (vfio_ap_drv.c), bound by the driver core.
 * Every check and effect is the kernel model's: probe and remove callbacks
 * ask it and tell it (apr_bus_probe, apr_bus_remove), the re-probe pass
 * after a mask change asks it which queues to re-probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "apsim.h"

struct apsim_driver {
	struct device_driver drv;
	enum apr_drv kind; /* APR_DRV_NONE: the card driver */
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

/* One value of the model, read under its lock (u64 holds every field read so). */
#define model_read(expr)                   \
	({                                 \
		u64 __v;                   \
		mutex_lock(&apsim.lock);   \
		__v = (expr);              \
		mutex_unlock(&apsim.lock); \
		__v;                       \
	})

/* A bus attribute's write: the fault check, then the model's operation. */
static ssize_t bus_write(const char *name, int (*op)(struct apr_model *m, const char *buf),
			 const char *buf, size_t count)
{
	ssize_t rc = apsim_store_begin(NULL, "bus/ap", name, count, APSIM_NO_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(op(&apsim.m, buf), count, APSIM_NO_PERMS);
}

/* ---------------------------------------------------- bus attributes */

static ssize_t ap_domain_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(apsim.m.ap_domain));
}

static ssize_t ap_domain_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
			       size_t count)
{
	return bus_write("ap_domain", apr_bus_ap_domain_store, buf, count);
}

/* ap_bus.c: ap_*_mask_show: the QCI's masks ("not supported" without QCI). */
static ssize_t lpar_mask_show(char *buf, const struct apr_mask *m)
{
	ssize_t rc;

	mutex_lock(&apsim.lock);
	if (apr_model_has_qci(&apsim.m))
		rc = emit_mask(buf, m);
	else
		rc = sysfs_emit(buf, "not supported\n");
	mutex_unlock(&apsim.lock);
	return rc;
}

static ssize_t ap_control_domain_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.m.lpar_adm);
}

static ssize_t ap_usage_domain_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.m.lpar_aqm);
}

static ssize_t ap_adapter_mask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return lpar_mask_show(buf, &apsim.m.lpar_apm);
}

static ssize_t config_time_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(apsim.m.config_time));
}

/* ap_bus.c: config_time_store: the periodic scan's timer restarts with the new time. */
static ssize_t config_time_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				 size_t count)
{
	ssize_t rc = bus_write("config_time", apr_bus_config_time_store, buf, count);

	if (rc == count)
		mod_delayed_work(system_wq, &apsim.scan_work,
				 model_read(apsim.m.config_time) * HZ);
	return rc;
}

static ssize_t poll_thread_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(apsim.m.poll_thread));
}

static ssize_t poll_thread_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				 size_t count)
{
	return bus_write("poll_thread", apr_bus_poll_thread_store, buf, count);
}

static ssize_t ap_interrupts_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "1\n");
}

static ssize_t poll_timeout_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%llu\n", model_read(apsim.m.poll_timeout));
}

static ssize_t poll_timeout_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf,
				  size_t count)
{
	return bus_write("poll_timeout", apr_bus_poll_timeout_store, buf, count);
}

static ssize_t ap_max_domain_id_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", apsim.m.max_apqi);
}

static ssize_t ap_max_adapter_id_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", apsim.m.max_apid);
}

/* ap_bus.c: apmask_show: under the permissions mutex, interruptibly. */
static ssize_t mask_show(char *buf, bool aq)
{
	ssize_t rc;

	if (mutex_lock_interruptible(&apsim.perms))
		return -ERESTARTSYS;
	mutex_lock(&apsim.lock);
	rc = emit_mask(buf, aq ? &apsim.m.aqmask : &apsim.m.apmask);
	mutex_unlock(&apsim.lock);
	mutex_unlock(&apsim.perms);
	return rc;
}

/*
 * ap_bus.c: __ap_revise_reserved: re-probe a queue whose driver disagrees
 * with the masks (the model's question).  device_reprobe unbinds it and
 * lets the drivers try again in registration order.
 */
static int revise_one(struct device *dev, void *data)
{
	struct apsim_queue *q;
	bool reprobe;
	int rc;

	if (!is_queue(dev))
		return 0;
	q = to_queue(dev);
	mutex_lock(&apsim.lock);
	reprobe = apr_bus_needs_reprobe(&apsim.m, q->apid, q->apqi);
	mutex_unlock(&apsim.lock);
	if (!reprobe)
		return 0;
	rc = device_reprobe(dev);
	if (rc)
		dev_dbg(dev, "reprobe failed: %d\n", rc);
	return 0;
}

/*
 * ap_bus.c: apmask_store / aqmask_store: the model checks and commits
 * under the permissions mutex; then, with it released, the re-probe pass
 * (ap_bus_revise_bindings) and the mask's change uevent, in that order.
 */
static ssize_t mask_store(bool aq, const char *buf, size_t count)
{
	struct apr_refusal why;
	ssize_t rc;
	int op;

	rc = apsim_store_begin(NULL, "bus/ap", aq ? "aqmask" : "apmask", count, APSIM_PERMS_INTR);
	if (rc)
		return rc;
	op = apr_bus_mask_store(&apsim.m, aq, buf);
	why = apsim.m.why;
	rc = apsim_store_end(op, count, APSIM_PERMS_INTR);
	if (op == -EBUSY)
		pr_warn("Can not reserve queue %02x.%04x for host driver: in use by mdev\n",
			why.apid, why.apqi);
	if (op)
		return rc; /* refused, or unchanged: no re-probe, no uevent */
	bus_for_each_dev(&apsim_ap_bus, NULL, NULL, revise_one);
	mutex_lock(&apsim.lock);
	apr_bus_mask_done(&apsim.m, aq);
	mutex_unlock(&apsim.lock);
	return count;
}

static ssize_t apmask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return mask_show(buf, false);
}

static ssize_t apmask_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	return mask_store(false, buf, count);
}

static ssize_t aqmask_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return mask_show(buf, true);
}

static ssize_t aqmask_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	return mask_store(true, buf, count);
}

static ssize_t scans_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%llu\n", model_read(apsim.m.scans));
}

/* ap_bus.c: scans_store: any content forces a synchronous scan once the first one is done. */
static ssize_t scans_store(APSIM_BUS_CONST struct bus_type *bus, const char *buf, size_t count)
{
	ssize_t fault = apsim_fault("bus/ap", "scans", count);

	if (fault)
		return fault;
	if (model_read(apsim.m.scans))
		apsim_scan();
	return count;
}

static ssize_t bindings_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	unsigned int total, bound;
	u64 scans;

	mutex_lock(&apsim.lock);
	total = apr_bus_count_queues(&apsim.m, &bound);
	scans = apsim.m.scans;
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%u/%u%s\n", bound, total,
			  scans && bound == total ? " (complete)" : "");
}

static ssize_t features_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%s\n", apsim.m.features);
}

static ssize_t bindings_complete_count_show(APSIM_BUS_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%llu\n", model_read(apsim.m.complete_count));
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
static BUS_ATTR_RO(bindings_complete_count);

/* ap_bus.c: ap_bus_attrs, in the kernel's order. */
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
	&bus_attr_bindings_complete_count.attr,
	NULL,
};

/* The generation's attributes (apr_profile_has); the profile is fixed at load. */
static umode_t ap_bus_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	return apr_profile_has(apsim.m.profile, APR_DIR_BUS, attr->name) ? attr->mode : 0;
}

static const struct attribute_group ap_bus_group = {
	.attrs = ap_bus_attrs,
	.is_visible = ap_bus_visible,
};

static const struct attribute_group *ap_bus_groups[] = { &ap_bus_group, NULL };

/* ----------------------------------------------------- bus callbacks */

static int ap_bus_match(struct device *dev, APSIM_MATCH_CONST struct device_driver *drv)
{
	const struct apsim_driver *d = to_apsim_driver(drv);

	/* Every simulated type is CEX4..CEX8 (hwtype 10..14): the id tables match. */
	if (is_card(dev))
		return d->kind == APR_DRV_NONE;
	return is_queue(dev) && d->kind != APR_DRV_NONE;
}

/* ap_bus.c: ap_uevent: DEV_TYPE, MODALIAS and MODE on cards, MODE on queues. */
static int ap_bus_uevent(APSIM_UEVENT_CONST struct device *dev, struct kobj_uevent_env *env)
{
	const struct apr_card_type *t;
	int rc;

	if (is_card(dev))
		t = to_card(dev)->type;
	else if (is_queue(dev))
		t = to_queue(dev)->card->type;
	else
		return 0; /* the root device carries nothing */
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

/*
 * ap_bus.c: ap_device_probe: the model's gate (the masks, 6.19's
 * driver_override) and the bind effects (zcrypt online, vfio_ap's probe
 * callback and its hot plug outside a scan).
 */
static int ap_bus_probe(struct device *dev)
{
	struct apsim_driver *d = to_apsim_driver(dev->driver);
	struct apsim_queue *q;
	int rc;

	mutex_lock(&apsim.lock);
	if (is_card(dev)) {
		apr_bus_card_probe(&apsim.m, to_card(dev)->apid);
		rc = 0;
	} else {
		q = to_queue(dev);
		rc = apr_bus_probe(&apsim.m, q->apid, q->apqi, d->kind, apsim_in_scan());
	}
	mutex_unlock(&apsim.lock);
	return rc;
}

/* ap_bus.c: ap_device_remove, with vfio_ap's remove callback (the adapter leaves the guest). */
static void ap_bus_remove(struct device *dev)
{
	struct apsim_queue *q;

	mutex_lock(&apsim.lock);
	if (is_card(dev)) {
		apr_bus_card_remove(&apsim.m, to_card(dev)->apid);
	} else {
		q = to_queue(dev);
		apr_bus_remove(&apsim.m, q->apid, q->apqi);
	}
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

static const struct apr_card *card_of(struct device *dev)
{
	return &apsim.m.card[to_card(dev)->apid];
}

/* A card attribute's write: the fault check, then the model's operation on the card. */
static ssize_t card_write(struct device *dev, struct device_attribute *attr,
			  int (*op)(struct apr_model *m, unsigned int apid, const char *buf),
			  const char *buf, size_t count)
{
	ssize_t rc = apsim_store_begin(dev, NULL, attr->attr.name, count, APSIM_NO_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(op(&apsim.m, to_card(dev)->apid, buf), count, APSIM_NO_PERMS);
}

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
	return sysfs_emit(buf, "%u\n", apr_card_depth(to_card(dev)->type));
}
static DEVICE_ATTR_RO(depth);

/* ap_card.c: ap_functions_show: a card keeps the top 16 bits. */
static ssize_t card_ap_functions_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	return sysfs_emit(buf, "0x%08X\n",
			  apr_model_functions(&apsim.m, to_card(dev)->type) & 0xffff0000u);
}

static ssize_t card_request_count_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return sysfs_emit(buf, "%llu\n", model_read(card_of(dev)->request_count));
}

/* ap_card.c: request_count_store: any write clears the card's and its queues' counters. */
static ssize_t card_request_count_store(struct device *dev, struct device_attribute *attr,
					const char *buf, size_t count)
{
	return card_write(dev, attr, apr_card_request_count_store, buf, count);
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
	return sysfs_emit(buf, "%d\n", (int)model_read(card_of(dev)->config));
}

/* ap_card.c: config_store (SCLP configure/deconfigure, the CONFIG= uevent). */
static ssize_t card_config_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return card_write(dev, attr, apr_card_config_store, buf, count);
}

static ssize_t card_chkstop_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(card_of(dev)->chkstop));
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

/* ap_card.c: ap_card_dev_attrs. */
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

/* zcrypt's card attributes, present while bound to cex4card (zcrypt_card.c). */
static ssize_t type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_card(dev)->type->name);
}
static DEVICE_ATTR_RO(type);

static ssize_t card_online_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	unsigned int a = to_card(dev)->apid;

	return sysfs_emit(buf, "%d\n", (int)model_read(apr_card_online(&apsim.m, a)));
}

/* zcrypt_card.c: online_store: ONLINE= on the card, then on each queue that changed. */
static ssize_t card_online_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return card_write(dev, attr, apr_card_online_store, buf, count);
}

/* zcrypt_cex4.c's card attributes (CCA: serialnr; EP11: these four), the model's text. */
static ssize_t card_zcrypt_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	ssize_t n;

	mutex_lock(&apsim.lock);
	n = apr_card_zcrypt_show(&apsim.m, to_card(dev)->apid, attr->attr.name, buf, PAGE_SIZE);
	mutex_unlock(&apsim.lock);
	return n;
}

static struct device_attribute dev_attr_serialnr = __ATTR(serialnr, 0444, card_zcrypt_show, NULL);
static struct device_attribute dev_attr_api_ordinalnr =
	__ATTR(API_ordinalnr, 0444, card_zcrypt_show, NULL);
static struct device_attribute dev_attr_fw_version =
	__ATTR(FW_version, 0444, card_zcrypt_show, NULL);
static struct device_attribute dev_attr_card_op_modes =
	__ATTR(op_modes, 0444, card_zcrypt_show, NULL);

static struct device_attribute dev_attr_card_online =
	__ATTR(online, 0644, card_online_show, card_online_store);
static struct device_attribute dev_attr_card_load = __ATTR(load, 0444, zero_show, NULL);

/* zcrypt_card.c's attributes on every card, zcrypt_cex4.c's on those of their kind. */
static umode_t zcrypt_card_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	unsigned int a = to_card(kobj_to_dev(kobj))->apid;

	if (attr == &dev_attr_type.attr || attr == &dev_attr_card_online.attr ||
	    attr == &dev_attr_card_load.attr)
		return attr->mode;
	return model_read(apr_card_has_attr(&apsim.m, a, attr->name)) ? attr->mode : 0;
}

static struct attribute *zcrypt_card_attrs[] = {
	&dev_attr_type.attr,
	&dev_attr_card_online.attr,
	&dev_attr_card_load.attr,
	&dev_attr_serialnr.attr,
	&dev_attr_api_ordinalnr.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_card_op_modes.attr,
	NULL,
};

static const struct attribute_group zcrypt_card_group = {
	.attrs = zcrypt_card_attrs,
	.is_visible = zcrypt_card_visible,
};

static const struct attribute_group *zcrypt_card_groups[] = { &zcrypt_card_group, NULL };

/* ---------------------------------------------------- queue attributes */

static const struct apr_queue *queue_of(struct device *dev)
{
	struct apsim_queue *q = to_queue(dev);

	return &apsim.q[q->apid][q->apqi];
}

/* A queue attribute's write: the fault check, then the model's operation on the queue. */
static ssize_t queue_write(struct device *dev, struct device_attribute *attr,
			   int (*op)(struct apr_model *m, unsigned int apid, unsigned int apqi,
				     const char *buf),
			   const char *buf, size_t count)
{
	struct apsim_queue *q = to_queue(dev);
	ssize_t rc = apsim_store_begin(dev, NULL, attr->attr.name, count, APSIM_NO_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(op(&apsim.m, q->apid, q->apqi, buf), count, APSIM_NO_PERMS);
}

static ssize_t queue_request_count_show(struct device *dev, struct device_attribute *attr,
					char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	bool uninitiated;
	u64 n;

	mutex_lock(&apsim.lock);
	uninitiated = queue_of(dev)->uninitiated;
	n = apr_queue_request_count(&apsim.m, q->apid, q->apqi);
	mutex_unlock(&apsim.lock);
	if (uninitiated)
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "%llu\n", n);
}

static ssize_t queue_request_count_store(struct device *dev, struct device_attribute *attr,
					 const char *buf, size_t count)
{
	return queue_write(dev, attr, apr_queue_request_count_store, buf, count);
}

static ssize_t reset_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "No Reset Timer set.\n");
}

/* ap_queue.c: reset_store: the state machine restarts, the queue is initialised. */
static ssize_t reset_store(struct device *dev, struct device_attribute *attr, const char *buf,
			   size_t count)
{
	return queue_write(dev, attr, apr_queue_reset_store, buf, count);
}
static DEVICE_ATTR_RW(reset);

static ssize_t interrupt_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	bool bound = model_read(queue_of(dev)->driver) != APR_DRV_NONE;

	return sysfs_emit(buf, bound ? "Interrupts enabled.\n" : "Interrupts disabled.\n");
}
static DEVICE_ATTR_RO(interrupt);

static ssize_t queue_config_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(queue_of(dev)->config));
}

static ssize_t queue_chkstop_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", (int)model_read(queue_of(dev)->chkstop));
}

static ssize_t queue_ap_functions_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return sysfs_emit(buf, "0x%08X\n",
			  apr_model_functions(&apsim.m, to_queue(dev)->card->type));
}

static ssize_t driver_override_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	ssize_t rc;

	mutex_lock(&apsim.lock);
	rc = sysfs_emit(buf, "%s\n", apr_queue_override_name(&apsim.m, q->apid, q->apqi));
	mutex_unlock(&apsim.lock);
	return rc;
}

/* ap_queue.c: driver_override_store (6.19), under ap_attr_mutex like the mask writes. */
static ssize_t driver_override_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct apsim_queue *q = to_queue(dev);
	ssize_t rc = apsim_store_begin(dev, NULL, attr->attr.name, count, APSIM_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(apr_queue_override_store(&apsim.m, q->apid, q->apqi, buf, count),
			       count, APSIM_PERMS);
}
static DEVICE_ATTR_RW(driver_override);

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

/* ap_queue.c: ap_queue_dev_attrs. */
static struct attribute *ap_queue_attrs[] = {
	&dev_attr_queue_request_count.attr,
	&dev_attr_queue_requestq_count.attr,
	&dev_attr_queue_pendingq_count.attr,
	&dev_attr_reset.attr,
	&dev_attr_interrupt.attr,
	&dev_attr_queue_config.attr,
	&dev_attr_queue_chkstop.attr,
	&dev_attr_queue_ap_functions.attr,
	&dev_attr_driver_override.attr,
	NULL,
};

static umode_t ap_queue_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	return apr_profile_has(apsim.m.profile, APR_DIR_QUEUE, attr->name) ? attr->mode : 0;
}

static const struct attribute_group ap_queue_group = {
	.attrs = ap_queue_attrs,
	.is_visible = ap_queue_visible,
};

static const struct attribute_group *ap_queue_groups[] = { &ap_queue_group, NULL };

/* zcrypt's queue attributes, present while bound to cex4queue (zcrypt_queue.c). */
static ssize_t queue_online_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	bool on = model_read(apr_queue_online(&apsim.m, q->apid, q->apqi));

	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t queue_online_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t count)
{
	return queue_write(dev, attr, apr_queue_online_store, buf, count);
}

/* zcrypt_cex4.c's queue attributes (CCA: mkvps; EP11: mkvps, op_modes), the model's text. */
static ssize_t queue_zcrypt_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	ssize_t n;

	mutex_lock(&apsim.lock);
	n = apr_queue_zcrypt_show(&apsim.m, q->apid, q->apqi, attr->attr.name, buf, PAGE_SIZE);
	mutex_unlock(&apsim.lock);
	return n;
}

static struct device_attribute dev_attr_queue_online =
	__ATTR(online, 0644, queue_online_show, queue_online_store);
static struct device_attribute dev_attr_queue_load = __ATTR(load, 0444, zero_show, NULL);
static struct device_attribute dev_attr_mkvps = __ATTR(mkvps, 0444, queue_zcrypt_show, NULL);
static struct device_attribute dev_attr_queue_op_modes =
	__ATTR(op_modes, 0444, queue_zcrypt_show, NULL);

static umode_t zcrypt_queue_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct apsim_queue *q = to_queue(kobj_to_dev(kobj));

	if (attr == &dev_attr_queue_online.attr || attr == &dev_attr_queue_load.attr)
		return attr->mode;
	return model_read(apr_queue_has_attr(&apsim.m, q->apid, q->apqi, attr->name)) ?
		       attr->mode : 0;
}

static struct attribute *zcrypt_queue_attrs[] = {
	&dev_attr_queue_online.attr,
	&dev_attr_queue_load.attr,
	&dev_attr_mkvps.attr,
	&dev_attr_queue_op_modes.attr,
	NULL,
};

static const struct attribute_group zcrypt_queue_group = {
	.attrs = zcrypt_queue_attrs,
	.is_visible = zcrypt_queue_visible,
};

static const struct attribute_group *zcrypt_queue_groups[] = { &zcrypt_queue_group, NULL };

/* vfio_ap's queue attribute, present while bound to vfio_ap (vfio_ap_ops.c: status_show). */
static ssize_t status_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_queue *q = to_queue(dev);
	const char *st;

	mutex_lock(&apsim.lock);
	st = apr_queue_status(apsim.m.rm, apsim.m.nmdevs, q->apid, q->apqi);
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
	.kind = APR_DRV_NONE,
};

static struct apsim_driver cex4queue_driver = {
	.drv = {
		.name = "cex4queue",
		.bus = &apsim_ap_bus,
		.owner = THIS_MODULE,
		.dev_groups = zcrypt_queue_groups,
	},
	.kind = APR_DRV_CEX4QUEUE,
};

static struct apsim_driver vfio_ap_queue_driver = {
	.drv = {
		.name = "vfio_ap",
		.bus = &apsim_ap_bus,
		.owner = THIS_MODULE,
		.dev_groups = vfio_queue_groups,
	},
	.kind = APR_DRV_VFIO_AP,
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

/*
 * The scan's new card (ap_bus.c: ap_scan_adapter): the model sees it, then
 * device_add binds cex4card.  Called by the scan only, which serialises
 * every change of the device tables.
 */
struct apsim_card *apsim_card_add(unsigned int apid)
{
	struct apsim_card *card = kzalloc(sizeof(*card), GFP_KERNEL);

	if (!card)
		return NULL;
	card->apid = apid;
	device_initialize(&card->dev);
	card->dev.bus = &apsim_ap_bus;
	card->dev.parent = apsim.ap_root;
	card->dev.type = &apsim_card_type;
	card->dev.groups = ap_card_groups;
	card->dev.release = card_release;
	if (dev_set_name(&card->dev, "card%02x", apid))
		goto err;
	mutex_lock(&apsim.lock);
	apr_scan_card_new(&apsim.m, apid);
	card->type = apsim.m.card[apid].type;
	apsim.cards[apid] = card;
	mutex_unlock(&apsim.lock);
	if (device_add(&card->dev)) {
		mutex_lock(&apsim.lock);
		apsim.cards[apid] = NULL;
		apr_scan_card_gone(&apsim.m, apid);
		mutex_unlock(&apsim.lock);
		goto err;
	}
	return card;
err:
	pr_err("cannot create card%02x\n", apid);
	put_device(&card->dev);
	return NULL;
}

/* The card and its queues leave: device_del unbinds first (the remove callbacks). */
void apsim_card_del(struct apsim_card *card)
{
	unsigned int q;

	for (q = 0; q < APR_BITS; q++)
		if (card->queues[q])
			apsim_queue_del(card->queues[q]);
	mutex_lock(&apsim.lock);
	card->dying = true;
	mutex_unlock(&apsim.lock);
	device_del(&card->dev);
	mutex_lock(&apsim.lock);
	apsim.cards[card->apid] = NULL;
	apr_scan_card_gone(&apsim.m, card->apid);
	mutex_unlock(&apsim.lock);
	put_device(&card->dev);
}

/* ap_bus.c: ap_scan_domains: a new queue; device_add probes the drivers in order. */
void apsim_queue_add(struct apsim_card *card, unsigned int apqi)
{
	struct apsim_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		goto err_nomem;
	q->card = card;
	q->apid = card->apid;
	q->apqi = apqi;
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
	apr_scan_queue_new(&apsim.m, card->apid, apqi);
	card->queues[apqi] = q;
	mutex_unlock(&apsim.lock);
	if (device_add(&q->dev)) {
		mutex_lock(&apsim.lock);
		card->queues[apqi] = NULL;
		apr_scan_queue_gone(&apsim.m, card->apid, apqi);
		mutex_unlock(&apsim.lock);
		goto err;
	}
	return;
err:
	put_device(&q->dev);
err_nomem:
	pr_err("cannot create queue %02x.%04x\n", card->apid, apqi);
}

void apsim_queue_del(struct apsim_queue *q)
{
	mutex_lock(&apsim.lock);
	q->dying = true;
	mutex_unlock(&apsim.lock);
	/* device_del unbinds first: vfio_ap's remove unplugs the adapter. */
	device_del(&q->dev);
	mutex_lock(&apsim.lock);
	q->card->queues[q->apqi] = NULL;
	apr_scan_queue_gone(&apsim.m, q->apid, q->apqi);
	mutex_unlock(&apsim.lock);
	put_device(&q->dev);
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
			apsim_card_del(apsim.cards[a]);
	driver_unregister(&vfio_ap_queue_driver.drv);
	driver_unregister(&cex4queue_driver.drv);
	driver_unregister(&cex4card_driver.drv);
	apsim.ap_root->bus = NULL;
	root_device_unregister(apsim.ap_root);
	bus_unregister(&apsim_ap_bus);
}
