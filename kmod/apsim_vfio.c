// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio_ap side (vfio_ap_drv.c, vfio_ap_ops.c): the root device
 * vfio_ap, the matrix bus, device and driver, the mdev parent with its
 * vfio_ap-passthrough type, every mdev attribute, and one VFIO device per
 * mdev (emulated IOMMU) that a process opens the way QEMU does.  What a
 * write means - assignments, ap_config, the shadow a guest gets - is the
 * kernel model's (model/vfio.c).
 *
 * The one intended difference from vfio_ap: opening needs no KVM (there is
 * none under TCG).  The opener stands for the guest: one vfio-ap mdev per
 * opener, status "in use" for the APQNs of its shadow APCB, and the release
 * request of a remove goes to the eventfd it registered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "apsim.h"

#define APSIM_MAX_INSTANCES APR_MAX_INSTANCES

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

/* vfio_ap_drv.c: the matrix device's `features` (6.13+). */
static ssize_t features_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "guest_matrix hotplug ap_config\n");
}
static DEVICE_ATTR_RO(features);

static struct attribute *matrix_attrs[] = {
	&dev_attr_features.attr,
	NULL,
};

static umode_t matrix_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	return apr_profile_has(apsim.m.profile, APR_DIR_MATRIX, attr->name) ? attr->mode : 0;
}

static const struct attribute_group matrix_group = {
	.attrs = matrix_attrs,
	.is_visible = matrix_visible,
};

static const struct attribute_group *matrix_groups[] = { &matrix_group, NULL };

static void matrix_dev_release(struct device *dev)
{
}

/* -------------------------------------------------- the mdev table */

static struct apsim_mdev *to_amdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* The model's view of an mdev. */
static struct apr_mdev *rm_of(struct apsim_mdev *m)
{
	lockdep_assert_held(&apsim.lock);
	return &apsim.m.rm[m->idx];
}

/* Move the three parallel arrays to room for cap entries. */
static int grow(unsigned int cap)
{
	struct apr_mdev *rm = kvmalloc_array(cap, sizeof(*rm), GFP_KERNEL);
	struct apr_mdev_info *info = kvmalloc_array(cap, sizeof(*info), GFP_KERNEL);
	struct apsim_mdev **mdevs = kvmalloc_array(cap, sizeof(*mdevs), GFP_KERNEL);
	unsigned int n = apsim.m.nmdevs;

	lockdep_assert_held(&apsim.lock);
	if (!rm || !info || !mdevs) {
		kvfree(rm);
		kvfree(info);
		kvfree(mdevs);
		return -ENOMEM;
	}
	if (n) {
		memcpy(rm, apsim.rm, n * sizeof(*rm));
		memcpy(info, apsim.info, n * sizeof(*info));
		memcpy(mdevs, apsim.mdevs, n * sizeof(*mdevs));
	}
	kvfree(apsim.rm);
	kvfree(apsim.info);
	kvfree(apsim.mdevs);
	apsim.rm = rm;
	apsim.info = info;
	apsim.mdevs = mdevs;
	apsim.cap = cap;
	apr_model_set_mdevs(&apsim.m, rm, info, cap);
	return 0;
}

/* mdev_sysfs.c: create_store's device reaches the model (the mdev core checked it). */
static int table_add(struct apsim_mdev *m, const char *uuid)
{
	unsigned int idx;
	int rc;

	lockdep_assert_held(&apsim.lock);
	rc = apr_vfio_mdev_create(&apsim.m, uuid, strlen(uuid), &idx);
	if (rc == -ENOSPC) {
		rc = grow(apsim.cap ? apsim.cap * 2 : 16);
		if (!rc)
			rc = apr_vfio_mdev_create(&apsim.m, uuid, strlen(uuid), &idx);
	}
	if (rc)
		return rc;
	apsim.mdevs[idx] = m;
	m->idx = idx;
	m->registered = true;
	return 0;
}

static void table_del(struct apsim_mdev *m)
{
	unsigned int i;

	lockdep_assert_held(&apsim.lock);
	if (!m->registered)
		return;
	apr_vfio_mdev_delete(&apsim.m, m->idx);
	for (i = m->idx; i < apsim.m.nmdevs; i++) {
		apsim.mdevs[i] = apsim.mdevs[i + 1];
		apsim.mdevs[i]->idx = i;
	}
	m->registered = false;
}

/* ------------------------------------------------- mdev attributes */

/* An assignment file and the kind of ID its writes name (vfio_ap_ops.c: vfio_ap_mdev_attrs). */
struct assign_attribute {
	struct device_attribute attr;
	enum apr_kind kind;
};

static enum apr_kind kind_of(struct device_attribute *attr)
{
	return container_of(attr, struct assign_attribute, attr)->kind;
}

/*
 * vfio_ap_ops.c: assign_adapter_store and its kin: the model decides in
 * the kernel's order.  Control domains do not take the permissions mutex
 * (assign_control_domain_store takes only the update locks).
 */
static ssize_t assign_store(struct device *dev, struct device_attribute *attr, const char *buf,
			    size_t count)
{
	enum apr_kind kind = kind_of(attr);
	enum apsim_perms perms = kind == APR_CONTROL_DOMAIN ? APSIM_NO_PERMS : APSIM_PERMS;
	struct apsim_mdev *m = to_amdev(dev);
	struct apr_refusal why;
	ssize_t rc;
	int op;

	rc = apsim_store_begin(dev, NULL, attr->attr.name, count, perms);
	if (rc)
		return rc;
	op = apr_vfio_assign(&apsim.m, m->idx, kind, buf);
	why = apsim.m.why;
	if (op == -EADDRINUSE && why.mdev >= 0)
		pr_warn("Userspace may not assign queue %02x.%04x to mdev: already assigned to %s\n",
			why.apid, why.apqi, apsim.info[why.mdev].uuid);
	return apsim_store_end(op, count, perms);
}

/* vfio_ap_ops.c: unassign_*_store (update locks only): the model unplugs, no re-filter. */
static ssize_t unassign_store(struct device *dev, struct device_attribute *attr, const char *buf,
			      size_t count)
{
	struct apsim_mdev *m = to_amdev(dev);
	ssize_t rc = apsim_store_begin(dev, NULL, attr->attr.name, count, APSIM_NO_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(apr_vfio_unassign(&apsim.m, m->idx, kind_of(attr), buf), count,
			       APSIM_NO_PERMS);
}

static struct assign_attribute dev_attr_assign_adapter = {
	__ATTR(assign_adapter, 0200, NULL, assign_store), APR_ADAPTER
};

static struct assign_attribute dev_attr_unassign_adapter = {
	__ATTR(unassign_adapter, 0200, NULL, unassign_store), APR_ADAPTER
};

static struct assign_attribute dev_attr_assign_domain = {
	__ATTR(assign_domain, 0200, NULL, assign_store), APR_DOMAIN
};

static struct assign_attribute dev_attr_unassign_domain = {
	__ATTR(unassign_domain, 0200, NULL, unassign_store), APR_DOMAIN
};

static struct assign_attribute dev_attr_assign_control_domain = {
	__ATTR(assign_control_domain, 0200, NULL, assign_store), APR_CONTROL_DOMAIN
};

static struct assign_attribute dev_attr_unassign_control_domain = {
	__ATTR(unassign_control_domain, 0200, NULL, unassign_store), APR_CONTROL_DOMAIN
};

static ssize_t ap_config_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct apsim_mdev *m = to_amdev(dev);
	char t[APR_AP_CONFIG_STRLEN + 1];

	mutex_lock(&apsim.lock);
	apr_vfio_ap_config_show(&apsim.m, m->idx, t);
	mutex_unlock(&apsim.lock);
	return sysfs_emit(buf, "%.200s\n", t); /* the three masks, then a newline */
}

/* vfio_ap_ops.c: ap_config_store (6.10+): all or nothing, the model's. */
static ssize_t ap_config_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct apsim_mdev *m = to_amdev(dev);
	ssize_t rc = apsim_store_begin(dev, NULL, attr->attr.name, count, APSIM_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(apr_vfio_ap_config_store(&apsim.m, m->idx, buf, count), count,
			       APSIM_PERMS);
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
	for (d = apr_mask_next(&r->adm, 0); d <= apsim.m.max_apqi && d < APR_BITS;
	     d = apr_mask_next(&r->adm, d + 1))
		n += sysfs_emit_at(buf, n, "%04x\n", d);
	mutex_unlock(&apsim.lock);
	return n;
}
static DEVICE_ATTR_RO(control_domains);

/* vfio_ap_ops.c: vfio_ap_mdev_matrix_show: the assigned matrix, or the shadow APCB. */
static ssize_t show_matrix(struct device *dev, char *buf, bool shadow)
{
	struct apsim_mdev *m = to_amdev(dev);
	struct apr_mdev *r;
	ssize_t n;

	mutex_lock(&apsim.lock);
	r = rm_of(m);
	n = apr_matrix_format(shadow ? &r->sapm : &r->apm, shadow ? &r->saqm : &r->aqm,
			      apsim.m.max_apid, apsim.m.max_apqi, buf, PAGE_SIZE);
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

/* vfio_ap_ops.c: vfio_ap_mdev_attrs, in its order. */
static struct attribute *mdev_attrs[] = {
	&dev_attr_assign_adapter.attr.attr,
	&dev_attr_unassign_adapter.attr.attr,
	&dev_attr_assign_domain.attr.attr,
	&dev_attr_unassign_domain.attr.attr,
	&dev_attr_assign_control_domain.attr.attr,
	&dev_attr_unassign_control_domain.attr.attr,
	&dev_attr_ap_config.attr,
	&dev_attr_control_domains.attr,
	&dev_attr_matrix.attr,
	&dev_attr_guest_matrix.attr,
	NULL,
};

/* The generation's attributes (apr_profile_has: guest_matrix, ap_config). */
static umode_t mdev_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	return apr_profile_has(apsim.m.profile, APR_DIR_MDEV, attr->name) ? attr->mode : 0;
}

static const struct attribute_group mdev_group = {
	.attrs = mdev_attrs,
	.is_visible = mdev_visible,
};

static const struct attribute_group *mdev_groups[] = { &mdev_group, NULL };

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
 * The guest attaches (vfio_ap_ops.c: vfio_ap_mdev_open_device,
 * vfio_ap_mdev_set_kvm), the model's rules: a second vfio-ap device for
 * the same KVM is EPERM.  The opening process stands for the KVM here.
 */
static int apsim_vfio_open(struct vfio_device *vdev)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	char guest[24];
	int rc = -ENODEV;

	snprintf(guest, sizeof(guest), "pid%d", current->tgid);
	mutex_lock(&apsim.lock);
	if (m->registered)
		rc = apr_vfio_guest_plug(&apsim.m, m->idx, guest);
	mutex_unlock(&apsim.lock);
	return rc;
}

static void apsim_vfio_close(struct vfio_device *vdev)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	struct eventfd_ctx *req, *cfg;

	mutex_lock(&apsim.lock);
	if (m->registered && apsim.m.rm[m->idx].attached && m->unplug)
		apr_vfio_guest_unplug(&apsim.m, m->idx);
	else if (m->registered && apsim.m.rm[m->idx].attached)
		apr_vfio_guest_detach(&apsim.m, m->idx);
	m->unplug = false;
	req = m->req_trigger;
	cfg = m->cfg_trigger;
	m->req_trigger = NULL;
	m->cfg_trigger = NULL;
	mutex_unlock(&apsim.lock);
	if (req)
		eventfd_ctx_put(req);
	if (cfg)
		eventfd_ctx_put(cfg);
}

/* vfio_ap_ops.c: the device's interrupts: the request, and from 6.15 the config change. */
static unsigned int num_irqs(void)
{
	return apsim.m.profile >= APR_PROFILE_6_15 ? 2 : 1;
}

/* vfio_ap_ops.c: signal_guest_ap_cfg_changed: the model says the guest's APCB changed. */
void apsim_vfio_cfg_changed(unsigned int idx)
{
	struct apsim_mdev *m;

	lockdep_assert_held(&apsim.lock);
	m = idx < apsim.m.nmdevs ? apsim.mdevs[idx] : NULL;
	if (m && m->cfg_trigger)
		apsim_eventfd_signal(m->cfg_trigger);
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
	info.num_irqs = num_irqs();
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static int get_irq_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= num_irqs())
		return -EINVAL;
	info.count = 1;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * vfio_ap_ops.c: vfio_ap_set_irqs: register (fd >= 0) or drop (fd -1) the
 * eventfd of the release request or (6.15+) of the configuration change.
 */
static int set_irqs(struct apsim_mdev *m, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct eventfd_ctx *trigger = NULL, *old, **slot;
	struct vfio_irq_set set;
	s32 fd;

	if (copy_from_user(&set, (void __user *)arg, minsz))
		return -EFAULT;
	if (set.argsz < minsz || set.index >= num_irqs())
		return -EINVAL;
	slot = set.index == APSIM_AP_CFG_CHG_IRQ_INDEX ? &m->cfg_trigger : &m->req_trigger;
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
	old = *slot;
	*slot = trigger;
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
		return 0; /* every queue answers a reset at once */
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * vfio_ap_ops.c: vfio_ap_mdev_request (6.5+): while a remove waits, the
 * guest loses its AP resources at once (the model's) and its QEMU is asked
 * to let go of the device.  6.0 had no request callback: the remove waits
 * for the guest to exit.
 */
static void apsim_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct apsim_mdev *m = container_of(vdev, struct apsim_mdev, vdev);
	bool request = apsim.m.profile >= APR_PROFILE_6_10;

	mutex_lock(&apsim.lock);
	if (request && m->registered)
		apr_vfio_mdev_request(&apsim.m, m->idx);
	if (request && m->req_trigger) {
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

/*
 * QEMU's whole-device hot unplug, which only the holder can do: the holder
 * is asked through the device's request eventfd (the one the kernel's
 * vfio_ap_mdev_request signals) without the guest losing anything first,
 * and its close leaves the model's guest running without the mdev.
 */
int apsim_guest_detach(const char *buf)
{
	char uuid[APR_UUID_LEN + 1];
	struct apsim_mdev *m;
	int i, rc = 0;

	if (strlen(buf) < APR_UUID_LEN || (buf[APR_UUID_LEN] && buf[APR_UUID_LEN] != '\n'))
		return -EINVAL;
	memcpy(uuid, buf, APR_UUID_LEN);
	uuid[APR_UUID_LEN] = '\0';
	mutex_lock(&apsim.lock);
	i = apr_model_find_mdev(&apsim.m, uuid);
	if (i < 0) {
		rc = -ENODEV;
	} else {
		m = apsim.mdevs[i];
		if (!apsim.m.rm[i].attached) {
			rc = -EINVAL;
		} else if (!m->req_trigger) {
			rc = -EOPNOTSUPP; /* a holder that cannot be asked */
		} else {
			m->unplug = true;
			apsim_eventfd_signal(m->req_trigger);
		}
	}
	mutex_unlock(&apsim.lock);
	return rc;
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
	rc = table_add(m, dev_name(&mdev->dev));
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
	kvfree(apsim.rm);
	kvfree(apsim.info);
	kvfree(apsim.mdevs);
	apsim.rm = NULL;
	apsim.info = NULL;
	apsim.mdevs = NULL;
	apsim.cap = 0;
	apr_model_set_mdevs(&apsim.m, NULL, NULL, 0);
}
