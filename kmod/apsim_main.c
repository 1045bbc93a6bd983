// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apsim - the s390 AP bus and the vfio_ap matrix device on any Linux.
 *
 * This file owns the simulated machine: the module parameters that
 * describe the LPAR, the kernel model that holds the host, the change
 * uevents the model reports, the control tree /sys/kernel/apsim/ through
 * which tests play the HMC/SE (adapters and domains added or removed,
 * SE-side configure, checkstop) and inject faults, and the driver-core
 * side of the AP bus scan (ap_bus.c: ap_scan_bus), run synchronously after
 * each LPAR change, on a `scans` write and every config_time seconds, as
 * on a real machine.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "apsim.h"

struct apsim apsim;

static char *adapters = "4:CEX5C,5:CEX5C,6:CEX5A";
module_param(adapters, charp, 0444);
MODULE_PARM_DESC(adapters,
		 "LPAR adapters, ID[-ID]:TYPE,... with TYPE CEX4A..CEX8P (default 4:CEX5C,5:CEX5C,6:CEX5A)");

static char *domains = "1,4,0x47,0xab,0xff";
module_param(domains, charp, 0444);
MODULE_PARM_DESC(domains, "LPAR usage domains, ID[-ID],... (default 1,4,0x47,0xab,0xff)");

static char *control_domains;
module_param(control_domains, charp, 0444);
MODULE_PARM_DESC(control_domains, "LPAR control domains, ID[-ID],... (default: the usage domains)");

static unsigned int max_adapter_id = 255;
module_param(max_adapter_id, uint, 0444);
MODULE_PARM_DESC(max_adapter_id, "ap_max_adapter_id, 0..255 (<= 63 with max_domain_id <= 15: no APXA)");

static unsigned int max_domain_id = 255;
module_param(max_domain_id, uint, 0444);
MODULE_PARM_DESC(max_domain_id, "ap_max_domain_id, 0..255");

static char *profile = "6.13";
module_param(profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "the kernel generation: 6.0, 6.10, 6.13 (default), 6.15 or 6.19 (doc/profiles.md)");

static unsigned int mk_seed;
module_param(mk_seed, uint, 0444);
MODULE_PARM_DESC(mk_seed, "the host's master keys: every domain's patterns derive from it (default 0)");

static unsigned int serial_seed;
module_param(serial_seed, uint, 0444);
MODULE_PARM_DESC(serial_seed, "the cards' serial numbers derive from it (default 0)");

/* ------------------------------------------------------ change uevents */

/* A change uevent with one variable (CONFIG=, ONLINE=) on a card or queue. */
void apsim_uevent(struct device *dev, const char *var)
{
	char *envp[2] = { (char *)var, NULL };

	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

/* The device an event is about, or NULL when it is going away. */
static struct device *event_device(const struct apr_event *ev, bool queue)
{
	struct apsim_card *card = apsim.cards[ev->apid];
	struct apsim_queue *q;

	if (!card || card->dying)
		return NULL;
	if (!queue)
		return &card->dev;
	q = card->queues[ev->apqi];
	return q && !q->dying ? &q->dev : NULL;
}

/*
 * The kernel's own change events, as the model reports them from inside
 * its operations (ap_bus.c: ap_send_config_uevent, ap_send_online_uevent,
 * ap_send_mask_changed_uevent - its value ends in a newline -,
 * ap_send_init_scan_done_uevent, ap_send_bindings_complete_uevent).
 */
static void apsim_event(void *data, const struct apr_event *ev)
{
	char var[16 + APR_MASK_STRLEN], cnt[40], t[APR_MASK_STRLEN + 1];
	char *envp[3] = { var, NULL, NULL };
	struct device *dev = apsim.ap_root;

	lockdep_assert_held(&apsim.lock);
	switch (ev->kind) {
	case APR_EV_CARD_CONFIG:
	case APR_EV_QUEUE_CONFIG:
		snprintf(var, sizeof(var), "CONFIG=%d", ev->value ? 1 : 0);
		dev = event_device(ev, ev->kind == APR_EV_QUEUE_CONFIG);
		break;
	case APR_EV_CARD_ONLINE:
	case APR_EV_QUEUE_ONLINE:
		snprintf(var, sizeof(var), "ONLINE=%d", ev->value ? 1 : 0);
		dev = event_device(ev, ev->kind == APR_EV_QUEUE_ONLINE);
		break;
	case APR_EV_MASK:
		apr_mask_format(ev->value ? &apsim.m.aqmask : &apsim.m.apmask, t);
		snprintf(var, sizeof(var), "%s=%s\n", ev->value ? "AQMASK" : "APMASK", t);
		break;
	case APR_EV_INITSCAN:
		strscpy(var, "INITSCAN=done", sizeof(var));
		break;
	case APR_EV_BINDINGS_COMPLETE:
		strscpy(var, "BINDINGS=complete", sizeof(var));
		snprintf(cnt, sizeof(cnt), "COMPLETECOUNT=%llu", ev->value);
		envp[1] = cnt;
		break;
	case APR_EV_GUEST_CFG:
		/* vfio_ap_ops.c: signal_guest_ap_cfg_changed: the guest's eventfd, no uevent. */
		apsim_vfio_cfg_changed(ev->value);
		dev = NULL;
		break;
	}
	if (dev)
		kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

static const struct apr_notify apsim_notify = { .event = apsim_event };

/* ---------------------------------------------------------- faults */

/*
 * A fault armed for dir/name (kernel/apsim/fault) answers instead of the
 * store: 0 when none does, else what the store is to return (its errno,
 * or count for "ok").  Paths are the device's own, as in the simulated
 * host: devices/ap/card05/05.0047/online, bus/ap/apmask.
 */
static bool faults_armed(void)
{
	bool armed;

	mutex_lock(&apsim.lock);
	armed = apr_fault_armed(&apsim.m);
	mutex_unlock(&apsim.lock);
	return armed;
}

ssize_t apsim_fault(const char *dir, const char *name, size_t count)
{
	char *path;
	int err = 0, hit;

	if (!faults_armed())
		return 0;
	path = kasprintf(GFP_KERNEL, "%s/%s", dir, name);
	if (!path)
		return -ENOMEM;
	mutex_lock(&apsim.lock);
	hit = apr_fault_take(&apsim.m, path, &err);
	mutex_unlock(&apsim.lock);
	if (hit)
		pr_info("%s: injected fault: %s\n", path, err ? apr_errno_name(err) : "ok");
	kfree(path);
	if (!hit)
		return 0;
	return err ? err : count;
}

/* The same for an attribute of dev, whose path is its kobject's. */
ssize_t apsim_dev_fault(struct device *dev, const char *name, size_t count)
{
	char *dir;
	ssize_t rc;

	if (!faults_armed())
		return 0;
	dir = kobject_get_path(&dev->kobj, GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	rc = apsim_fault(dir + 1, name, count);
	kfree(dir);
	return rc;
}

/*
 * What every store of the model does first: a fault armed for its file
 * answers instead (dev's attribute name, or with dev NULL the file
 * dir/name), then the locks in the kernel's order (apsim.h): the
 * permissions mutex where the kernel's store takes ap_perms_mutex
 * (vfio_ap_ops.c: assign_adapter_store, ap_config_store; interruptibly in
 * ap_bus.c: apmask_store), then the model's.  0 with the locks held, else
 * what the store is to return, with none held.
 */
ssize_t apsim_store_begin(struct device *dev, const char *dir, const char *name, size_t count,
			  enum apsim_perms perms)
{
	ssize_t fault = dev ? apsim_dev_fault(dev, name, count) : apsim_fault(dir, name, count);

	if (fault)
		return fault;
	if (perms == APSIM_PERMS_INTR && mutex_lock_interruptible(&apsim.perms))
		return -ERESTARTSYS;
	if (perms == APSIM_PERMS)
		mutex_lock(&apsim.perms);
	mutex_lock(&apsim.lock);
	return 0;
}

/* And last: the locks go, the model's answer becomes the store's (its errno, or count). */
ssize_t apsim_store_end(int rc, size_t count, enum apsim_perms perms)
{
	mutex_unlock(&apsim.lock);
	if (perms != APSIM_NO_PERMS)
		mutex_unlock(&apsim.perms);
	return rc < 0 ? rc : count;
}

/* --------------------------------------------------------- the scan */

bool apsim_in_scan(void)
{
	return READ_ONCE(apsim.scanner) == current;
}

/* ap_bus.c: ap_scan_adapter and ap_scan_domains for one adapter. */
static void scan_adapter(unsigned int a)
{
	DECLARE_BITMAP(gone, APR_BITS);
	DECLARE_BITMAP(added, APR_BITS);
	struct apsim_card *card;
	unsigned int q;
	bool want;

	mutex_lock(&apsim.lock);
	want = apr_scan_card_wanted(&apsim.m, a);
	card = apsim.cards[a];
	mutex_unlock(&apsim.lock);
	if (!want) {
		if (card)
			apsim_card_del(card);
		return;
	}
	if (!card)
		card = apsim_card_add(a);
	if (!card)
		return;
	bitmap_zero(gone, APR_BITS);
	bitmap_zero(added, APR_BITS);
	mutex_lock(&apsim.lock);
	for (q = 0; q < APR_BITS; q++) {
		bool wq = apr_scan_queue_wanted(&apsim.m, a, q);

		if (card->queues[q] && !wq)
			__set_bit(q, gone);
		else if (!card->queues[q] && wq)
			__set_bit(q, added);
	}
	mutex_unlock(&apsim.lock);
	/* The scan owns the device tables: the queues found stay until it deletes them. */
	for_each_set_bit(q, gone, APR_BITS)
		apsim_queue_del(card->queues[q]);
	for_each_set_bit(q, added, APR_BITS)
		apsim_queue_add(card, q);
	mutex_lock(&apsim.lock);
	apr_scan_config(&apsim.m, a);
	mutex_unlock(&apsim.lock);
}

/*
 * One AP bus scan (ap_bus.c: ap_scan_bus with vfio_ap's on_cfg_changed
 * and on_scan_complete), the model's steps in the model's order: what
 * left the LPAR leaves the guests first, then devices go and come, then
 * mdevs that gained resources are filtered.
 */
void apsim_scan(void)
{
	unsigned int a;

	mutex_lock(&apsim.scan_mutex);
	if (apsim.dying)
		goto out;
	WRITE_ONCE(apsim.scanner, current);
	mutex_lock(&apsim.lock);
	apr_scan_begin(&apsim.m);
	mutex_unlock(&apsim.lock);
	for (a = 0; a < APR_BITS; a++)
		scan_adapter(a);
	mutex_lock(&apsim.lock);
	apr_scan_end(&apsim.m);
	mutex_unlock(&apsim.lock);
	WRITE_ONCE(apsim.scanner, NULL);
out:
	mutex_unlock(&apsim.scan_mutex);
}

static void scan_work_fn(struct work_struct *work)
{
	int secs;

	apsim_scan();
	mutex_lock(&apsim.lock);
	secs = apsim.m.config_time;
	mutex_unlock(&apsim.lock);
	schedule_delayed_work(&apsim.scan_work, secs * HZ);
}

/* ---------------------------------------------------- control tree */

/* A control file that changes the LPAR, and the model's operation it is. */
struct lpar_attribute {
	struct kobj_attribute attr;
	enum apr_hv_op op;
};

/*
 * A write to it: the model's operation, then the scan the machine's CHSC
 * notification causes.
 */
static ssize_t lpar_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	enum apr_hv_op op = container_of(attr, struct lpar_attribute, attr)->op;
	ssize_t rc = apsim_store_begin(NULL, "kernel/apsim", attr->attr.name, count,
				       APSIM_NO_PERMS);

	if (rc)
		return rc;
	rc = apsim_store_end(apr_hv_write(&apsim.m, op, buf), count, APSIM_NO_PERMS);
	if (rc < 0)
		return rc;
	apsim_scan();
	return count;
}

/* "ID 0|1": the SE/HMC side configures the adapter off/on. */
static struct lpar_attribute ctl_se_config = {
	__ATTR(se_config, 0200, NULL, lpar_store), APR_HV_SE_CONFIG
};

/* "ID 0|1": the adapter checkstops or recovers. */
static struct lpar_attribute ctl_chkstop = {
	__ATTR(chkstop, 0200, NULL, lpar_store), APR_HV_CHKSTOP
};

/* "ID [TYPE]" (default CEX8C). */
static struct lpar_attribute ctl_add_adapter = {
	__ATTR(add_adapter, 0200, NULL, lpar_store), APR_HV_ADD_ADAPTER
};

static struct lpar_attribute ctl_remove_adapter = {
	__ATTR(remove_adapter, 0200, NULL, lpar_store), APR_HV_REMOVE_ADAPTER
};

static struct lpar_attribute ctl_add_usage = {
	__ATTR(add_usage_domain, 0200, NULL, lpar_store), APR_HV_ADD_USAGE
};

static struct lpar_attribute ctl_remove_usage = {
	__ATTR(remove_usage_domain, 0200, NULL, lpar_store), APR_HV_REMOVE_USAGE
};

static struct lpar_attribute ctl_add_control = {
	__ATTR(add_control_domain, 0200, NULL, lpar_store), APR_HV_ADD_CONTROL
};

static struct lpar_attribute ctl_remove_control = {
	__ATTR(remove_control_domain, 0200, NULL, lpar_store), APR_HV_REMOVE_CONTROL
};

static ssize_t scan_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	ssize_t fault = apsim_fault("kernel/apsim", attr->attr.name, count);

	if (fault)
		return fault;
	apsim_scan();
	return count;
}

/* Stores of the model that change no device: the fault check, the operation. */
static ssize_t model_write(struct kobj_attribute *attr,
			   int (*op)(struct apr_model *m, const char *buf), const char *buf,
			   size_t count)
{
	ssize_t rc = apsim_store_begin(NULL, "kernel/apsim", attr->attr.name, count,
				       APSIM_NO_PERMS);

	if (rc)
		return rc;
	return apsim_store_end(op(&apsim.m, buf), count, APSIM_NO_PERMS);
}

/* "PATH ERRNO COUNT" per armed fault. */
static ssize_t fault_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	char num[12];
	int i, n = 0;

	mutex_lock(&apsim.lock);
	for (i = 0; i < APR_FAULTS; i++) {
		const struct apr_fault *f = &apsim.m.fault[i];

		if (f->path[0])
			n += sysfs_emit_at(buf, n, "%s %s %u\n", f->path,
					   apr_fault_answer(f, num, sizeof(num)), f->count);
	}
	mutex_unlock(&apsim.lock);
	return n;
}

/* "PATH ERRNO|ok [COUNT]" arms a fault, "PATH off" disarms it (apr_fault_store). */
static ssize_t fault_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t count)
{
	return model_write(attr, apr_fault_store, buf, count);
}

/* "AA.DDDD|*.DDDD KEY VALUE": a master-key register set apart from mk_seed's (apr_mk_store). */
static ssize_t mkvp_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	char line[160];
	int i, n = 0;

	mutex_lock(&apsim.lock);
	for (i = 0; i < APR_MK_SETS; i++)
		if (apsim.m.mk[i].used) {
			apr_mk_format(&apsim.m.mk[i], line, sizeof(line));
			n += sysfs_emit_at(buf, n, "%s\n", line);
		}
	mutex_unlock(&apsim.lock);
	return n;
}

static ssize_t mkvp_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	return model_write(attr, apr_mk_store, buf, count);
}

/* "ID KEY VALUE": a card's serialnr, api_ordinalnr, fw_version, op_modes (apr_card_info_store). */
static ssize_t card_info_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	unsigned int a;
	int n = 0;

	mutex_lock(&apsim.lock);
	for (a = 0; a < APR_BITS; a++)
		if (apsim.m.card[a].info_set)
			n += apr_card_info_format(&apsim.m, a, buf + n, PAGE_SIZE - n);
	mutex_unlock(&apsim.lock);
	return n;
}

static ssize_t card_info_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	return model_write(attr, apr_card_info_store, buf, count);
}

/* The machine's name, as the LPAR name of /proc/sysinfo on s390 (apr_hv_host_name_store). */
static ssize_t host_name_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	ssize_t n;

	mutex_lock(&apsim.lock);
	n = sysfs_emit(buf, "%s\n", apsim.m.host_name);
	mutex_unlock(&apsim.lock);
	return n;
}

static ssize_t host_name_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	return model_write(attr, apr_hv_host_name_store, buf, count);
}

/* "UUID": its QEMU unplugs the vfio-ap device, the guest runs on (apsim_guest_detach). */
static ssize_t guest_detach_store(struct kobject *kobj, struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	ssize_t fault = apsim_fault("kernel/apsim", attr->attr.name, count);
	int rc;

	if (fault)
		return fault;
	rc = apsim_guest_detach(buf);
	return rc ? rc : count;
}

/*
 * "UUID NAME" per guest that runs on without the mdev its QEMU unplugged.
 * A bin_attribute, not a kobj_attribute: a show() gets one page
 * (fs/sysfs/file.c: sysfs_kf_seq_show), which holds about 13 lines at the
 * longest guest names, and the rest would be lost without a word.  A
 * bin_attribute of size 0 is read at any offset until it answers 0
 * (fs/sysfs/file.c: sysfs_kf_bin_read), a page per read() at most
 * (fs/kernfs/file.c: kernfs_file_read_iter): each read() lists the
 * guests anew and copies its window of the listing, as a seq_file does, so
 * a reader sees every line of one listing unless guests come or go
 * between its read() calls.
 */
static ssize_t unplugged_read(struct file *file, struct kobject *kobj,
			      APSIM_BIN_CONST struct bin_attribute *attr, char *buf, loff_t pos,
			      size_t count)
{
	char line[APR_UUID_LEN + APR_GUEST_NAME_MAX + 3];
	loff_t at = 0;
	size_t n = 0;
	unsigned int i;

	mutex_lock(&apsim.lock);
	for (i = 0; i < apsim.m.nmdevs && n < count; i++) {
		size_t len, skip, take;

		if (!apsim.m.mdev[i].unplugged)
			continue;
		len = scnprintf(line, sizeof(line), "%s %s\n", apsim.m.mdev[i].uuid,
				apsim.m.mdev[i].guest);
		if (at + len > pos) {
			skip = pos > at ? pos - at : 0;
			take = min(len - skip, count - n);
			memcpy(buf + n, line + skip, take);
			n += take;
		}
		at += len;
	}
	mutex_unlock(&apsim.lock);
	return n;
}

static BIN_ATTR_RO(unplugged, 0);

static struct kobj_attribute ctl_host_name = __ATTR_RW(host_name);
static struct kobj_attribute ctl_guest_detach = __ATTR_WO(guest_detach);
static struct kobj_attribute ctl_scan = __ATTR_WO(scan);
static struct kobj_attribute ctl_fault = __ATTR_RW(fault);
static struct kobj_attribute ctl_mkvp = __ATTR_RW(mkvp);
static struct kobj_attribute ctl_card_info = __ATTR_RW(card_info);

static struct attribute *ctl_attrs[] = {
	&ctl_scan.attr,
	&ctl_se_config.attr.attr,
	&ctl_chkstop.attr.attr,
	&ctl_add_adapter.attr.attr,
	&ctl_remove_adapter.attr.attr,
	&ctl_add_usage.attr.attr,
	&ctl_remove_usage.attr.attr,
	&ctl_add_control.attr.attr,
	&ctl_remove_control.attr.attr,
	&ctl_fault.attr,
	&ctl_mkvp.attr,
	&ctl_card_info.attr,
	&ctl_host_name.attr,
	&ctl_guest_detach.attr,
	NULL,
};

static APSIM_BIN_ATTRS_CONST struct bin_attribute *APSIM_BIN_ATTRS_CONST ctl_bin_attrs[] = {
	&bin_attr_unplugged,
	NULL,
};

static const struct attribute_group ctl_group = {
	.attrs = ctl_attrs,
	.bin_attrs = ctl_bin_attrs,
};

/* ------------------------------------------------ module parameters */

enum param_kind {
	PARAM_ADAPTERS,
	PARAM_USAGE,
	PARAM_CONTROL,
};

struct param {
	const char *name;
	enum param_kind kind;
};

/* One ID[-ID][:TYPE] item of a parameter; errors name the parameter and the item. */
static int param_item(void *data, unsigned int lo, unsigned int hi, const char *suffix,
		      unsigned long suffix_len)
{
	const struct param *p = data;
	const struct apr_card_type *t = NULL;
	char type[16];
	unsigned int id;

	if (p->kind == PARAM_ADAPTERS ? !suffix : !!suffix) {
		pr_err("%s: %u-%u: %s\n", p->name, lo, hi,
		       suffix ? "takes no :TYPE" : "needs :TYPE (CEX4A..CEX8P)");
		return -EINVAL;
	}
	if (suffix) {
		if (suffix_len < sizeof(type)) {
			memcpy(type, suffix, suffix_len);
			type[suffix_len] = '\0';
			t = apr_card_type_lookup(type);
		}
		if (!t) {
			pr_err("%s: unknown card type '%.*s' (CEX4A..CEX8P)\n", p->name,
			       (int)suffix_len, suffix);
			return -EINVAL;
		}
	}
	for (id = lo; id <= hi; id++) {
		if (p->kind == PARAM_ADAPTERS)
			apr_hv_lpar_add(&apsim.m, id, t);
		else
			apr_mask_set(p->kind == PARAM_USAGE ? &apsim.m.lpar_aqm : &apsim.m.lpar_adm,
				     id);
	}
	return 0;
}

static int parse_list(const char *name, enum param_kind kind, const char *value, unsigned int max)
{
	struct param p = { .name = name, .kind = kind };
	struct apr_ids_error e;
	int rc;

	rc = apr_ids_parse(value, max, APR_IDS_KERNEL | APR_IDS_SUFFIX | APR_IDS_EMPTY, NULL,
			   param_item, &p, &e);
	if (rc && e.why != APR_IDS_STOPPED)
		pr_err("%s: '%.*s' is not an ID or range in 0..%u\n", name, (int)e.item_len,
		       value + e.item, max);
	return rc;
}

static int parse_params(void)
{
	int rc;

	if (max_adapter_id > 255) {
		pr_err("max_adapter_id: %u is not in 0..255\n", max_adapter_id);
		return -EINVAL;
	}
	if (max_domain_id > 255) {
		pr_err("max_domain_id: %u is not in 0..255\n", max_domain_id);
		return -EINVAL;
	}
	/*
	 * The static generation (4.20) refused a remove while a guest ran;
	 * the mdev core's remove callback cannot refuse, so apsim cannot be it.
	 */
	if (apr_profile_parse(profile ? profile : "", &apsim.m.profile) ||
	    apsim.m.profile == APR_PROFILE_STATIC) {
		pr_err("profile: '%s' is not one of 6.0, 6.10, 6.13, 6.15, 6.19\n",
		       profile ? profile : "");
		return -EINVAL;
	}
	apsim.m.max_apid = max_adapter_id;
	apsim.m.max_apqi = max_domain_id;
	apsim.m.mk_seed = mk_seed;
	apsim.m.serial_seed = serial_seed;
	/* Without APXA the machine answers with 63/15 (ap_bus.c: ap_init_qci_info). */
	if (max_adapter_id <= 63 && max_domain_id <= 15)
		strscpy(apsim.m.features, "APSC QACT RC8A", sizeof(apsim.m.features));
	rc = parse_list("adapters", PARAM_ADAPTERS, adapters ? adapters : "", max_adapter_id);
	if (rc)
		return rc;
	rc = parse_list("domains", PARAM_USAGE, domains ? domains : "", max_domain_id);
	if (rc)
		return rc;
	if (control_domains)
		return parse_list("control_domains", PARAM_CONTROL, control_domains, max_domain_id);
	apsim.m.lpar_adm = apsim.m.lpar_aqm;
	return 0;
}

/* ------------------------------------------------------ init and exit */

static int __init apsim_init(void)
{
	int rc;

	mutex_init(&apsim.scan_mutex);
	mutex_init(&apsim.perms);
	mutex_init(&apsim.lock);
	INIT_DELAYED_WORK(&apsim.scan_work, scan_work_fn);
	/* 64 Ki queues: zeroed, touched only where the host has queues. */
	apsim.q = vzalloc(array_size(APR_BITS, sizeof(*apsim.q)));
	if (!apsim.q)
		return -ENOMEM;
	apr_model_rows(apsim.qrows, apsim.q);
	apr_model_init(&apsim.m, apsim.qrows, NULL, NULL, NULL, 0);
	apr_model_set_notify(&apsim.m, &apsim_notify, NULL);
	rc = parse_params();
	if (rc)
		goto err_model;

	rc = apsim_bus_init();
	if (rc)
		goto err_model;
	rc = apsim_vfio_init();
	if (rc)
		goto err_bus;
	apsim.ctl = kobject_create_and_add("apsim", kernel_kobj);
	if (!apsim.ctl) {
		rc = -ENOMEM;
		goto err_vfio;
	}
	rc = sysfs_create_group(apsim.ctl, &ctl_group);
	if (rc)
		goto err_ctl;
	/* The initial scan: the devices exist when insmod returns. */
	apsim_scan();
	schedule_delayed_work(&apsim.scan_work, apsim.m.config_time * HZ);
	return 0;

err_ctl:
	kobject_put(apsim.ctl);
err_vfio:
	apsim_vfio_exit();
err_bus:
	apsim_bus_exit();
err_model:
	vfree(apsim.q);
	return rc;
}

static void __exit apsim_exit(void)
{
	cancel_delayed_work_sync(&apsim.scan_work);
	sysfs_remove_group(apsim.ctl, &ctl_group);
	kobject_put(apsim.ctl);
	/* A `scans` write racing with the unload must not touch dying devices. */
	mutex_lock(&apsim.scan_mutex);
	apsim.dying = true;
	mutex_unlock(&apsim.scan_mutex);
	apsim_vfio_exit();
	apsim_bus_exit();
	vfree(apsim.q);
}

module_init(apsim_init);
module_exit(apsim_exit);

MODULE_DESCRIPTION("Simulated s390 AP bus and vfio_ap matrix device");
MODULE_AUTHOR("The apmatrix developers");
MODULE_LICENSE("GPL");
