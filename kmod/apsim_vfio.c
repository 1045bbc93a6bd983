// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio_ap side (spec §1.6, §3, §6): the root device
 * vfio_ap, the matrix bus, device and driver, the mdev parent with its
 * vfio_ap-passthrough type, every mdev attribute, and one VFIO device per
 * mdev (emulated IOMMU) that a process opens the way QEMU does.
 *
 * The one intended difference from vfio_ap: opening needs no KVM (there is
 * none under TCG).  The opener stands for the guest: one vfio-ap mdev per
 * opener, status "in use" for the APQNs of its shadow APCB, and the release
 * request of a remove goes to the eventfd it registered.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "apsim.h"

static struct device *vfio_root;
static struct device matrix_dev;
static struct mdev_parent matrix_parent;
static struct mdev_type passthrough_type;
static struct mdev_type *matrix_types[] = { &passthrough_type };

static struct bus_type matrix_bus = {
	.name = "matrix",
};

static struct device_driver matrix_driver = {
	.name = "vfio_ap",
	.bus = &matrix_bus,
	.owner = THIS_MODULE,
	.suppress_bind_attrs = true,
};

static ssize_t features_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "guest_matrix hotplug ap_config\n");
}
static DEVICE_ATTR_RO(features);

static struct attribute *matrix_attrs[] = {
	&dev_attr_features.attr,
	NULL,
};
ATTRIBUTE_GROUPS(matrix);

static void matrix_dev_release(struct device *dev)
{
}

/* -------------------------------------------------- the mdev table */

static struct apsim_mdev *to_amdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* The rules' view of an mdev; apsim.lock held. */
static struct apr_mdev *rm_of(struct apsim_mdev *m)
{
	return &apsim.rm[m->idx];
}

static int table_add(struct apsim_mdev *m)
{
	if (apsim.nmdevs == apsim.cap) {
		unsigned int cap = apsim.cap ? apsim.cap * 2 : 16;
		struct apr_mdev *rm;
		struct apsim_mdev **mx;

		rm = krealloc_array(apsim.rm, cap, sizeof(*rm), GFP_KERNEL);
		if (!rm)
			return -ENOMEM;
		apsim.rm = rm;
		mx = krealloc_array(apsim.mdevs, cap, sizeof(*mx), GFP_KERNEL);
		if (!mx)
			return -ENOMEM;
		apsim.mdevs = mx;
		apsim.cap = cap;
	}
	m->idx = apsim.nmdevs++;
	memset(&apsim.rm[m->idx], 0, sizeof(apsim.rm[0]));
	apsim.mdevs[m->idx] = m;
	m->registered = true;
	return 0;
}

static void table_del(struct apsim_mdev *m)
{
	unsigned int i;

	if (!m->registered)
		return;
	for (i = m->idx; i + 1 < apsim.nmdevs; i++) {
		apsim.rm[i] = apsim.rm[i + 1];
		apsim.mdevs[i] = apsim.mdevs[i + 1];
		apsim.mdevs[i]->idx = i;
	}
	apsim.nmdevs--;
	m->registered = false;
}

static void refilter(struct apsim_mdev *m)
{
	struct apr_mask filtered;
	struct apr_host h;

	apsim_rules_host(&h);
	apr_filter(&h, rm_of(m), &filtered);
	apr_filter_cdoms(&h, rm_of(m));
}

/* ------------------------------------------- queue probe and remove */

/* spec §3.9 "Probe": a queue bound to vfio_ap may complete an adapter. */
void apsim_vfio_probe_queue(struct apsim_queue *q)
{
	int i;

	mutex_lock(&apsim.lock);
	i = apr_mdev_holding(apsim.rm, apsim.nmdevs, q->apid, q->apqi);
	/* During a host configuration change the filter waits for the scan's end. */
	if (i >= 0 && apsim.scanner != current)
		refilter(apsim.mdevs[i]);
	mutex_unlock(&apsim.lock);
}

/* spec §3.9 "Remove": the whole adapter leaves the guest. */
void apsim_vfio_remove_queue(struct apsim_queue *q)
{
	int i;

	mutex_lock(&apsim.lock);
	i = apr_mdev_holding(apsim.rm, apsim.nmdevs, q->apid, q->apqi);
	if (i >= 0)
		apr_queue_removed(&apsim.rm[i], q->apid, q->apqi);
	mutex_unlock(&apsim.lock);
}

/* ------------------------------------------------- mdev attributes */

static enum apr_kind kind_of(const char *name)
{
	if (strstr(name, "control_domain"))
		return APR_CONTROL_DOMAIN;
	if (strstr(name, "domain"))
		return APR_DOMAIN;
	return APR_ADAPTER;
}

/* spec §3.2-§3.3: the rules decide, in the kernel's order. */
static ssize_t assign_store(struct device *dev, struct device_attribute *attr, const char *buf,
			    size_t count)
{
	struct apsim_mdev *m = to_amdev(dev);
	enum apr_kind kind = kind_of(attr->attr.name);
	struct apr_conflict c;
	struct apr_host h;
	struct apr_mdev *r;
	unsigned long id;
	int rc;

	/* Control domains do not take the permissions mutex (spec §3.10). */
	if (kind != APR_CONTROL_DOMAIN)
		mutex_lock(&apsim.perms);
	mutex_lock(&apsim.lock);
	apsim_rules_host(&h);
	rc = apr_check_assign(&h, apsim.rm, apsim.nmdevs, m->idx, kind, buf, &id, &c);
	if (rc == -EADDRINUSE)
		pr_warn("Userspace may not assign queue %02x.%04x to mdev: already assigned to %s\n",
			c.apid, c.apqi, dev_name(&apsim.mdevs[c.mdev]->mdev->dev));
	if (!rc) {
		r = rm_of(m);
		apr_mask_set(kind == APR_ADAPTER ? &r->apm :
			     kind == APR_DOMAIN ? &r->aqm : &r->adm, id);
		if (kind == APR_CONTROL_DOMAIN)
			apr_filter_cdoms(&h, r);
		else
			refilter(m);
	}
	mutex_unlock(&apsim.lock);
	if (kind != APR_CONTROL_DOMAIN)
		mutex_unlock(&apsim.perms);
	return rc < 0 ? rc : count;
}

/* spec §3.4: unassign does not re-run the adapter filter. */
static ssize_t unassign_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct apsim_mdev *m = to_amdev(dev);
	enum apr_kind kind = kind_of(attr->attr.name);
	struct apr_host h;
	unsigned long id;
	int rc;

	mutex_lock(&apsim.lock);
	apsim_rules_host(&h);
	rc = apr_check_unassign(&h, rm_of(m), kind, buf, &id);
	if (!rc)
		apr_unassign(rm_of(m), kind, id);
	mutex_unlock(&apsim.lock);
	return rc < 0 ? rc : count;
}

static struct device_attribute dev_attr_assign_adapter =
	__ATTR(assign_adapter, 0200, NULL, assign_store);
static struct device_attribute dev_attr_unassign_adapter =
	__ATTR(unassign_adapter, 0200, NULL, unassign_store);
static struct device_attribute dev_attr_assign_domain =
	__ATTR(assign_domain, 0200, NULL, assign_store);
static struct device_attribute dev_attr_unassign_domain =
	__ATTR(unassign_domain, 0200, NULL, unassign_store);
static struct device_attribute dev_attr_assign_control_domain =
	__ATTR(assign_control_domain, 0200, NULL, assign_store);
static struct device_attribute dev_attr_unassign_control_domain =
	__ATTR(unassign_control_domain, 0200, NULL, unassign_store);

static ssize_t ap_config_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_mdev *m = to_amdev(dev);
	char t[3][APR_MASK_STRLEN + 1];
	struct apr_mdev *r;

	mutex_lock(&apsim.lock);
	r = rm_of(m);
	apr_mask_format(&r->apm, t[0]);
	apr_mask_format(&r->aqm, t[1]);
	apr_mask_format(&r->adm, t[2]);
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%s,%s,%s\n", t[0], t[1], t[2]);
}

/* spec §6.2: all or nothing; unplug what goes, then install and re-filter. */
static ssize_t ap_config_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct apsim_mdev *m = to_amdev(dev);
	struct apr_mask cfg[3];
	struct apr_conflict c;
	struct apr_host h;
	struct apr_mdev *r;
	unsigned int b;
	int rc;

	rc = apr_ap_config_parse(buf, min_t(size_t, count, APR_AP_CONFIG_STRLEN), cfg);
	if (rc)
		return rc;
	mutex_lock(&apsim.perms);
	mutex_lock(&apsim.lock);
	apsim_rules_host(&h);
	rc = apr_check_ap_config(&h, apsim.rm, apsim.nmdevs, m->idx, cfg, &c);
	if (!rc) {
		r = rm_of(m);
		for (b = 0; b < APR_BITS; b++) {
			if (apr_mask_test(&r->apm, b) && !apr_mask_test(&cfg[0], b))
				apr_unassign(r, APR_ADAPTER, b);
			if (apr_mask_test(&r->aqm, b) && !apr_mask_test(&cfg[1], b))
				apr_unassign(r, APR_DOMAIN, b);
			if (apr_mask_test(&r->adm, b) && !apr_mask_test(&cfg[2], b))
				apr_unassign(r, APR_CONTROL_DOMAIN, b);
		}
		r->apm = cfg[0];
		r->aqm = cfg[1];
		r->adm = cfg[2];
		refilter(m);
	}
	mutex_unlock(&apsim.lock);
	mutex_unlock(&apsim.perms);
	return rc < 0 ? rc : count;
}
static DEVICE_ATTR_RW(ap_config);

static ssize_t control_domains_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	struct apsim_mdev *m = to_amdev(dev);
	struct apr_mdev *r;
	unsigned int d;
	int n = 0;

	mutex_lock(&apsim.lock);
	r = rm_of(m);
	for (d = apr_mask_next(&r->adm, 0); d <= apsim.max_apqi && d < APR_BITS;
	     d = apr_mask_next(&r->adm, d + 1))
		n += sysfs_emit_at(buf, n, "%04x\n", d);
	mutex_unlock(&apsim.lock);
	return n;
}
static DEVICE_ATTR_RO(control_domains);

/* matrix and guest_matrix: the assigned matrix, or the shadow APCB (spec §1.6, §3.5). */
static ssize_t show_matrix(struct device *dev, char *buf, bool shadow)
{
	struct apsim_mdev *m = to_amdev(dev);
	struct apr_mdev *r;
	ssize_t n;

	mutex_lock(&apsim.lock);
	r = rm_of(m);
	n = apr_matrix_format(shadow ? &r->sapm : &r->apm, shadow ? &r->saqm : &r->aqm,
			      apsim.max_apid, apsim.max_apqi, buf, PAGE_SIZE);
	mutex_unlock(&apsim.lock);
	return n;
}

static ssize_t matrix_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return show_matrix(dev, buf, false);
}
static DEVICE_ATTR_RO(matrix);

/* Whether or not a guest holds the device: "is or will be" given to it. */
static ssize_t guest_matrix_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return show_matrix(dev, buf, true);
}
static DEVICE_ATTR_RO(guest_matrix);

/* vfio_ap's attribute order (spec §1.6). */
static struct attribute *mdev_attrs[] = {
	&dev_attr_assign_adapter.attr,
	&dev_attr_unassign_adapter.attr,
	&dev_attr_assign_domain.attr,
	&dev_attr_unassign_domain.attr,
	&dev_attr_assign_control_domain.attr,
	&dev_attr_unassign_control_domain.attr,
	&dev_attr_ap_config.attr,
	&dev_attr_control_domains.attr,
	&dev_attr_matrix.attr,
	&dev_attr_guest_matrix.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mdev);

/* ------------------------------------------------------ VFIO device */

static int apsim_vfio_init_dev(struct vfio_device *vdev)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);

	m->mdev = to_mdev_device(vdev->dev);
	return 0;
}

static void apsim_vfio_release_dev(struct vfio_device *vdev)
{
	apsim_vfio_free(vdev);
}

/*
 * The guest attaches: the current shadow is installed as it is (spec §3.5).
 * vfio_ap refuses a second vfio-ap device for the same KVM with EPERM; the
 * opening process stands for the KVM here.
 */
static int apsim_vfio_open(struct vfio_device *vdev)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	unsigned int i;
	int rc = 0;

	mutex_lock(&apsim.lock);
	for (i = 0; i < apsim.nmdevs; i++)
		if (apsim.mdevs[i] != m && apsim.rm[i].attached &&
		    apsim.mdevs[i]->opener == current->tgid)
			rc = -EPERM;
	if (!rc && m->registered) {
		rm_of(m)->attached = true;
		m->opener = current->tgid;
	}
	mutex_unlock(&apsim.lock);
	return rc;
}

static void apsim_vfio_close(struct vfio_device *vdev)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	struct eventfd_ctx *trigger;

	mutex_lock(&apsim.lock);
	if (m->registered)
		rm_of(m)->attached = false;
	m->opener = 0;
	trigger = m->req_trigger;
	m->req_trigger = NULL;
	mutex_unlock(&apsim.lock);
	if (trigger)
		eventfd_ctx_put(trigger);
}

static int get_device_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_AP | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = 0;
	info.num_irqs = APSIM_AP_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static int get_irq_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= APSIM_AP_NUM_IRQS)
		return -EINVAL;
	info.count = 1;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/* Register (fd >= 0) or drop (fd -1) the release-request eventfd. */
static int set_irqs(struct apsim_mdev *m, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct eventfd_ctx *trigger = NULL, *old;
	struct vfio_irq_set set;
	s32 fd;

	if (copy_from_user(&set, (void __user *)arg, minsz))
		return -EFAULT;
	if (set.argsz < minsz || set.index != APSIM_AP_REQ_IRQ_INDEX)
		return -EINVAL;
	if ((set.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != VFIO_IRQ_SET_DATA_EVENTFD ||
	    (set.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != VFIO_IRQ_SET_ACTION_TRIGGER ||
	    set.start != 0 || set.count != 1)
		return -EINVAL;
	if (set.argsz < minsz + sizeof(fd))
		return -EINVAL;
	if (copy_from_user(&fd, (void __user *)(arg + minsz), sizeof(fd)))
		return -EFAULT;
	if (fd >= 0) {
		trigger = eventfd_ctx_fdget(fd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	} else if (fd != -1) {
		return -EINVAL;
	}
	mutex_lock(&apsim.lock);
	old = m->req_trigger;
	m->req_trigger = trigger;
	mutex_unlock(&apsim.lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static long apsim_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd, unsigned long arg)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_device_info(arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(m, arg);
	case VFIO_DEVICE_RESET:
		return 0;	/* every queue answers a reset at once */
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * spec §3.7 (6.5+): while a remove waits, the guest loses its AP
 * resources at once and its QEMU is asked to let go of the device.
 */
static void apsim_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	struct apr_mdev *r;

	mutex_lock(&apsim.lock);
	if (m->registered) {
		r = rm_of(m);
		apr_mask_zero(&r->sapm);
		apr_mask_zero(&r->saqm);
		apr_mask_zero(&r->sadm);
	}
	if (m->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(vdev->dev, "Relaying device request to user (#%u)\n",
					       count);
		apsim_eventfd_signal(m->req_trigger);
	} else if (count == 0) {
		dev_notice(vdev->dev,
			   "No device request registered, blocked until released by user\n");
	}
	mutex_unlock(&apsim.lock);
}

static const struct vfio_device_ops apsim_vfio_ops = {
	.name = "vfio-ap",
	.init = apsim_vfio_init_dev,
	.release = apsim_vfio_release_dev,
	.open_device = apsim_vfio_open,
	.close_device = apsim_vfio_close,
	.ioctl = apsim_vfio_ioctl,
	.request = apsim_vfio_request,
	APSIM_VFIO_IOMMUFD_OPS
};

/* ---------------------------------------------------- mdev driver */

static int apsim_mdev_probe(struct mdev_device *mdev)
{
	struct apsim_mdev *m;
	int rc;

	m = vfio_alloc_device(apsim_mdev, vdev, &mdev->dev, &apsim_vfio_ops);
	if (IS_ERR(m))
		return PTR_ERR(m);
	mutex_lock(&apsim.lock);
	rc = table_add(m);
	mutex_unlock(&apsim.lock);
	if (rc)
		goto err_put;
	dev_set_drvdata(&mdev->dev, m);
	rc = vfio_register_emulated_iommu_dev(&m->vdev);
	if (rc)
		goto err_table;
	return 0;

err_table:
	mutex_lock(&apsim.lock);
	table_del(m);
	mutex_unlock(&apsim.lock);
err_put:
	vfio_put_device(&m->vdev);
	return rc;
}

/*
 * Blocks in vfio_unregister_group_dev() while the device is open, asking
 * the opener to let go (apsim_vfio_request); then the mdev is forgotten.
 */
static void apsim_mdev_remove(struct mdev_device *mdev)
{
	struct apsim_mdev *m = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&m->vdev);
	mutex_lock(&apsim.lock);
	table_del(m);
	mutex_unlock(&apsim.lock);
	vfio_put_device(&m->vdev);
}

static struct mdev_driver apsim_mdev_driver = {
	.device_api = VFIO_DEVICE_API_AP_STRING,
	.max_instances = APSIM_MAX_INSTANCES,
	.driver = {
		.name = "vfio_ap_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mdev_groups,
	},
	.probe = apsim_mdev_probe,
	.remove = apsim_mdev_remove,
};

/* ---------------------------------------------------- init and exit */

int apsim_vfio_init(void)
{
	int rc;

	vfio_root = root_device_register("vfio_ap");
	if (IS_ERR(vfio_root))
		return PTR_ERR(vfio_root);
	rc = bus_register(&matrix_bus);
	if (rc)
		goto err_root;
	matrix_dev.parent = vfio_root;
	matrix_dev.bus = &matrix_bus;
	matrix_dev.groups = matrix_groups;
	matrix_dev.release = matrix_dev_release;
	dev_set_name(&matrix_dev, "matrix");
	rc = device_register(&matrix_dev);
	if (rc)
		goto err_put;
	/* The type's directory takes the name of the parent's driver: bind first. */
	rc = driver_register(&matrix_driver);
	if (rc)
		goto err_dev;
	rc = mdev_register_driver(&apsim_mdev_driver);
	if (rc)
		goto err_drv;
	passthrough_type.sysfs_name = "passthrough";
	passthrough_type.pretty_name = "VFIO AP Passthrough Device";
	rc = mdev_register_parent(&matrix_parent, &matrix_dev, &apsim_mdev_driver, matrix_types,
				  ARRAY_SIZE(matrix_types));
	if (rc)
		goto err_mdrv;
	return 0;

err_mdrv:
	mdev_unregister_driver(&apsim_mdev_driver);
err_drv:
	driver_unregister(&matrix_driver);
err_dev:
	device_unregister(&matrix_dev);
	goto err_bus;
err_put:
	put_device(&matrix_dev);
err_bus:
	bus_unregister(&matrix_bus);
err_root:
	root_device_unregister(vfio_root);
	return rc;
}

void apsim_vfio_exit(void)
{
	mdev_unregister_parent(&matrix_parent);
	mdev_unregister_driver(&apsim_mdev_driver);
	driver_unregister(&matrix_driver);
	device_unregister(&matrix_dev);
	bus_unregister(&matrix_bus);
	root_device_unregister(vfio_root);
	kfree(apsim.rm);
	kfree(apsim.mdevs);
	apsim.rm = NULL;
	apsim.mdevs = NULL;
	apsim.cap = 0;
}
