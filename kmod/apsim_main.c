// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apsim - the s390 AP bus and the vfio_ap matrix device on any Linux.
 *
 * This file owns the simulated machine: the module parameters that
 * describe the LPAR, the control tree /sys/kernel/apsim/ through which
 * tests play the HMC/SE (adapters and domains added or removed, SE-side
 * configure, checkstop), and the AP bus scan that makes such changes
 * visible (spec §5), run synchronously after each of them, on a `scans`
 * write and every config_time seconds, as on a real machine.
 *
 * The kernel's rules (mask syntax, ownership, assignment checks and their
 * errno order, the hot-plug filter) come from rules.c, the very unit the
 * apmatrix library compiles for its simulated host.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

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

/* --------------------------------------------------------- the rules */

static unsigned int queue_state(const void *data, unsigned int apid, unsigned int apqi)
{
	const struct apsim_card *card = apsim.cards[apid];
	const struct apsim_queue *q = card ? card->queues[apqi] : NULL;
	unsigned int st;

	if (!q)
		return 0;
	st = APR_Q_EXISTS;
	if (q->drv == APSIM_DRV_VFIO_AP)
		st |= APR_Q_VFIO;
	else if (q->drv == APSIM_DRV_CEX4QUEUE)
		st |= APR_Q_DEFAULT_DRV;
	/* A reset answers 0, or 03/04 when deconfigured or checkstopped (spec §3.5). */
	if (q->config && !q->chkstop)
		st |= APR_Q_RESET_OK;
	else
		st |= APR_Q_RESET_SOFT;
	return st;
}

/* The rules' view of this host; apsim.lock held. */
void apsim_rules_host(struct apr_host *h)
{
	memset(h, 0, sizeof(*h));
	h->profile = APR_PROFILE_6_13;
	h->max_apid = apsim.max_apid;
	h->max_apqi = apsim.max_apqi;
	h->apmask = apsim.apmask;
	h->aqmask = apsim.aqmask;
	h->qci_apm = apsim.qci_apm;
	h->qci_aqm = apsim.qci_aqm;
	h->qci_adm = apsim.qci_adm;
	h->queue_state = queue_state;
}

/* ---------------------------------------------------------- uevents */

/* A change uevent with one variable (CONFIG=, ONLINE=) on a card or queue. */
void apsim_change_uevent(struct device *dev, const char *var)
{
	char *envp[2];

	envp[0] = (char *)var;
	envp[1] = NULL;
	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp);
}

static void root_uevent(char **envp)
{
	kobject_uevent_env(&apsim.ap_root->kobj, KOBJ_CHANGE, envp);
}

/* --------------------------------------------------------- the scan */

/* spec §5.1, §5.3: SE-side configure and checkstop become visible. */
static void scan_config(struct apsim_card *card)
{
	unsigned int a = card->apid, i;
	bool cfg_changed;
	DECLARE_BITMAP(changed, APR_BITS);

	bitmap_zero(changed, APR_BITS);
	mutex_lock(&apsim.lock);
	cfg_changed = card->config != apsim.se_config[a];
	card->config = apsim.se_config[a];
	card->chkstop = apsim.se_chkstop[a];
	for (i = 0; i < APR_BITS; i++) {
		struct apsim_queue *q = card->queues[i];

		if (!q)
			continue;
		if (q->config != apsim.se_config[a]) {
			q->config = apsim.se_config[a];
			__set_bit(i, changed);
		}
		q->chkstop = apsim.se_chkstop[a];
	}
	mutex_unlock(&apsim.lock);
	if (cfg_changed)
		apsim_change_uevent(&card->dev, card->config ? "CONFIG=1" : "CONFIG=0");
	/* The scan owns the queue table: the queues cannot go away meanwhile. */
	for_each_set_bit(i, changed, APR_BITS)
		apsim_change_uevent(&card->queues[i]->dev, card->config ? "CONFIG=1" : "CONFIG=0");
}

static void scan_devices(void)
{
	struct apr_mask apm, aqm;
	unsigned int a, i;

	mutex_lock(&apsim.lock);
	apm = apsim.lpar_apm;
	aqm = apsim.lpar_aqm;
	mutex_unlock(&apsim.lock);
	for (a = 0; a < APR_BITS; a++) {
		struct apsim_card *card = apsim.cards[a];
		bool want = apr_mask_test(&apm, a) && apsim.lpar_type[a] && a <= apsim.max_apid;

		if (card && !want) {
			apsim_card_destroy(card);
			continue;
		}
		if (!want)
			continue;
		if (!card)
			card = apsim_card_create(a, apsim.lpar_type[a]);
		if (!card)
			continue;
		for (i = 0; i < APR_BITS; i++) {
			bool wq = apr_mask_test(&aqm, i) && i <= apsim.max_apqi;

			if (card->queues[i] && !wq)
				apsim_queue_destroy(card->queues[i]);
			else if (!card->queues[i] && wq)
				apsim_queue_create(card, i);
		}
		scan_config(card);
	}
}

/*
 * One AP bus scan (BUS ap_scan_bus with vfio_ap's on_cfg_changed and
 * on_scan_complete, spec §5.2): what left the LPAR leaves the guests first,
 * then devices go and come, then mdevs that gained resources are filtered.
 */
void apsim_scan(void)
{
	struct apr_mask gone[3], add[3], t;
	unsigned int i, total, bound;
	char cnt[40];
	char *initscan[2], *complete[3];
	bool first, send_complete = false;

	mutex_lock(&apsim.scan_mutex);
	if (apsim.dying) {
		mutex_unlock(&apsim.scan_mutex);
		return;
	}
	apsim.scanner = current;

	mutex_lock(&apsim.lock);
	apr_mask_andnot(&gone[0], &apsim.qci_apm, &apsim.lpar_apm);
	apr_mask_andnot(&gone[1], &apsim.qci_aqm, &apsim.lpar_aqm);
	apr_mask_andnot(&gone[2], &apsim.qci_adm, &apsim.lpar_adm);
	apr_mask_andnot(&add[0], &apsim.lpar_apm, &apsim.qci_apm);
	apr_mask_andnot(&add[1], &apsim.lpar_aqm, &apsim.qci_aqm);
	apr_mask_andnot(&add[2], &apsim.lpar_adm, &apsim.qci_adm);
	for (i = 0; i < apsim.nmdevs; i++) {
		struct apr_mdev *r = &apsim.rm[i];
		bool gained;

		apr_cfg_removed(r, &gone[0], &gone[1], &gone[2]);
		apr_mask_and(&t, &add[0], &r->apm);
		gained = !apr_mask_empty(&t);
		apr_mask_and(&t, &add[1], &r->aqm);
		gained |= !apr_mask_empty(&t);
		apr_mask_and(&t, &add[2], &r->adm);
		gained |= !apr_mask_empty(&t);
		apsim.mdevs[i]->needs_filter |= gained;
	}
	apsim.qci_apm = apsim.lpar_apm;
	apsim.qci_aqm = apsim.lpar_aqm;
	apsim.qci_adm = apsim.lpar_adm;
	if (!apr_mask_empty(&add[0]) || !apr_mask_empty(&add[1]))
		apsim.bindings_armed = true;
	mutex_unlock(&apsim.lock);

	scan_devices();

	mutex_lock(&apsim.lock);
	for (i = 0; i < apsim.nmdevs; i++) {
		struct apr_host h;
		struct apr_mask filtered;

		if (!apsim.mdevs[i]->needs_filter)
			continue;
		apsim.mdevs[i]->needs_filter = false;
		apsim_rules_host(&h);
		apr_filter(&h, &apsim.rm[i], &filtered);
		apr_filter_cdoms(&h, &apsim.rm[i]);
	}
	mutex_unlock(&apsim.lock);

	apsim_count_queues(&total, &bound);
	/* perms before lock, the order of every other path (see apsim.h). */
	mutex_lock(&apsim.perms);
	mutex_lock(&apsim.lock);
	first = !apsim.scans++;
	/* Edge-triggered BINDINGS=complete (≈6.12+, spec §4.2). */
	if (apsim.bindings_armed && bound == total) {
		apsim.bindings_armed = false;
		snprintf(cnt, sizeof(cnt), "COMPLETECOUNT=%llu", ++apsim.complete_count);
		send_complete = true;
	}
	/* Default-domain auto selection (spec §1.2). */
	if (apsim.ap_domain < 0)
		for (i = 0; i <= apsim.max_apqi; i++)
			if (apr_mask_test(&apsim.lpar_aqm, i) && apr_mask_test(&apsim.aqmask, i)) {
				apsim.ap_domain = i;
				break;
			}
	mutex_unlock(&apsim.lock);
	mutex_unlock(&apsim.perms);
	initscan[0] = "INITSCAN=done";
	initscan[1] = NULL;
	complete[0] = "BINDINGS=complete";
	complete[1] = cnt;
	complete[2] = NULL;
	if (first)
		root_uevent(initscan);
	if (send_complete)
		root_uevent(complete);

	apsim.scanner = NULL;
	mutex_unlock(&apsim.scan_mutex);
}

static void scan_work_fn(struct work_struct *work)
{
	apsim_scan();
	schedule_delayed_work(&apsim.scan_work, READ_ONCE(apsim.config_time) * HZ);
}

/* ---------------------------------------------------- control tree */

/* "ID" or "ID WORD": decimal or 0x hex, one optional word after a space. */
static int ctl_parse(const char *buf, unsigned int *id, char *word, size_t wsize)
{
	char tmp[48], *p, *sp;
	unsigned long long v;
	int rc;

	if (strscpy(tmp, buf, sizeof(tmp)) < 0)
		return -EINVAL;
	p = strim(tmp);
	sp = strchr(p, ' ');
	if (sp)
		*sp++ = '\0';
	rc = apr_kstrtoul(p, &v);
	if (rc)
		return rc;
	if (v >= APR_BITS)
		return -EINVAL;
	*id = v;
	if (word) {
		if (strscpy(word, sp ? skip_spaces(sp) : "", wsize) < 0)
			return -EINVAL;
	} else if (sp) {
		return -EINVAL;
	}
	return 0;
}

static ssize_t scan_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	apsim_scan();
	return count;
}

/* "ID 0|1": the SE/HMC side configures the adapter off/on, or it checkstops. */
static ssize_t adapter_state_store(struct kobject *kobj, struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	bool chk = !strcmp(attr->attr.name, "chkstop");
	char word[8];
	unsigned int id;
	long v;
	int rc;

	rc = ctl_parse(buf, &id, word, sizeof(word));
	if (rc)
		return rc;
	if (apr_scan_int(word, &v) || (v != 0 && v != 1))
		return -EINVAL;
	mutex_lock(&apsim.lock);
	if (!apsim.lpar_type[id] || !apr_mask_test(&apsim.lpar_apm, id))
		rc = -ENODEV;
	else if (chk)
		apsim.se_chkstop[id] = v;
	else
		apsim.se_config[id] = v;
	mutex_unlock(&apsim.lock);
	if (rc)
		return rc;
	apsim_scan();	/* the CHSC notification makes the bus scan at once */
	return count;
}

/* add_adapter "ID [TYPE]" (default CEX8C) and remove_adapter "ID". */
static ssize_t adapter_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool add = attr->attr.name[0] == 'a';
	const struct apr_card_type *t = NULL;
	char word[16];
	unsigned int id;
	int rc;

	rc = ctl_parse(buf, &id, add ? word : NULL, sizeof(word));
	if (rc)
		return rc;
	if (add) {
		t = apr_card_type_lookup(word[0] ? word : "CEX8C");
		if (!t)
			return -EINVAL;
	}
	mutex_lock(&apsim.lock);
	if (add == apr_mask_test(&apsim.lpar_apm, id)) {
		rc = add ? -EEXIST : -ENODEV;
	} else if (add) {
		apsim.lpar_type[id] = t;
		apsim.se_config[id] = true;
		apsim.se_chkstop[id] = false;
		apr_mask_set(&apsim.lpar_apm, id);
	} else {
		apr_mask_clear(&apsim.lpar_apm, id);
	}
	mutex_unlock(&apsim.lock);
	if (rc)
		return rc;
	apsim_scan();
	return count;
}

/* {add,remove}_{usage,control}_domain "ID". */
static ssize_t domain_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	bool add = attr->attr.name[0] == 'a';
	bool usage = strstr(attr->attr.name, "usage");
	struct apr_mask *m = usage ? &apsim.lpar_aqm : &apsim.lpar_adm;
	unsigned int id;
	int rc;

	rc = ctl_parse(buf, &id, NULL, 0);
	if (rc)
		return rc;
	mutex_lock(&apsim.lock);
	if (add == apr_mask_test(m, id))
		rc = add ? -EEXIST : -ENODEV;
	else if (add)
		apr_mask_set(m, id);
	else
		apr_mask_clear(m, id);
	mutex_unlock(&apsim.lock);
	if (rc)
		return rc;
	apsim_scan();
	return count;
}

static struct kobj_attribute ctl_scan = __ATTR(scan, 0200, NULL, scan_store);
static struct kobj_attribute ctl_se_config = __ATTR(se_config, 0200, NULL, adapter_state_store);
static struct kobj_attribute ctl_chkstop = __ATTR(chkstop, 0200, NULL, adapter_state_store);
static struct kobj_attribute ctl_add_adapter = __ATTR(add_adapter, 0200, NULL, adapter_store);
static struct kobj_attribute ctl_remove_adapter =
	__ATTR(remove_adapter, 0200, NULL, adapter_store);
static struct kobj_attribute ctl_add_usage = __ATTR(add_usage_domain, 0200, NULL, domain_store);
static struct kobj_attribute ctl_remove_usage =
	__ATTR(remove_usage_domain, 0200, NULL, domain_store);
static struct kobj_attribute ctl_add_control =
	__ATTR(add_control_domain, 0200, NULL, domain_store);
static struct kobj_attribute ctl_remove_control =
	__ATTR(remove_control_domain, 0200, NULL, domain_store);

static struct attribute *ctl_attrs[] = {
	&ctl_scan.attr,
	&ctl_se_config.attr,
	&ctl_chkstop.attr,
	&ctl_add_adapter.attr,
	&ctl_remove_adapter.attr,
	&ctl_add_usage.attr,
	&ctl_remove_usage.attr,
	&ctl_add_control.attr,
	&ctl_remove_control.attr,
	NULL,
};

static const struct attribute_group ctl_group = { .attrs = ctl_attrs };

/* ------------------------------------------------ module parameters */

/* One ID, decimal or 0x hex (kstrtouint base 0), at most max. */
static int parse_id(const char *s, unsigned int max, unsigned int *id)
{
	int rc = kstrtouint(s, 0, id);

	if (rc)
		return rc;
	return *id > max ? -ERANGE : 0;
}

/*
 * "ID[-ID][:TYPE],...": each range calls fn.  Errors name the parameter
 * and the item, so a failed insmod says what was wrong.
 */
static int parse_list(const char *param, const char *value, unsigned int max, bool typed,
		      void (*fn)(unsigned int id, const struct apr_card_type *t))
{
	char *copy, *p, *item;
	int rc = 0;

	if (!value)
		return 0;
	copy = kstrdup(value, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	p = strim(copy);
	while ((item = strsep(&p, ",")) != NULL) {
		const struct apr_card_type *t = NULL;
		char *type = strchr(item, ':'), *dash;
		unsigned int lo, hi, id;

		if (!*item && !p)
			break;	/* an empty list, or a trailing comma */
		if (type)
			*type++ = '\0';
		if (typed != !!type) {
			pr_err("%s: '%s': %s\n", param, item,
			       typed ? "needs :TYPE (CEX4A..CEX8P)" : "takes no :TYPE");
			rc = -EINVAL;
			break;
		}
		if (type) {
			t = apr_card_type_lookup(type);
			if (!t) {
				pr_err("%s: unknown card type '%s' (CEX4A..CEX8P)\n", param, type);
				rc = -EINVAL;
				break;
			}
		}
		dash = strchr(item, '-');
		if (dash)
			*dash++ = '\0';
		if (parse_id(item, max, &lo) || parse_id(dash ? dash : item, max, &hi) ||
		    lo > hi) {
			pr_err("%s: '%s%s%s' is not an ID or range in 0..%u\n", param, item,
			       dash ? "-" : "", dash ? dash : "", max);
			rc = -EINVAL;
			break;
		}
		for (id = lo; id <= hi; id++)
			fn(id, t);
	}
	kfree(copy);
	return rc;
}

static void add_adapter(unsigned int id, const struct apr_card_type *t)
{
	apr_mask_set(&apsim.lpar_apm, id);
	apsim.lpar_type[id] = t;
	apsim.se_config[id] = true;
}

static void add_usage(unsigned int id, const struct apr_card_type *t)
{
	apr_mask_set(&apsim.lpar_aqm, id);
}

static void add_control(unsigned int id, const struct apr_card_type *t)
{
	apr_mask_set(&apsim.lpar_adm, id);
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
	apsim.max_apid = max_adapter_id;
	apsim.max_apqi = max_domain_id;
	/* Without APXA the machine answers with 63/15 (spec §1.2). */
	apsim.apxa = max_adapter_id > 63 || max_domain_id > 15;
	rc = parse_list("adapters", adapters, max_adapter_id, true, add_adapter);
	if (rc)
		return rc;
	rc = parse_list("domains", domains, max_domain_id, false, add_usage);
	if (rc)
		return rc;
	if (control_domains)
		rc = parse_list("control_domains", control_domains, max_domain_id, false,
				add_control);
	else
		apsim.lpar_adm = apsim.lpar_aqm;
	return rc;
}

/* ------------------------------------------------------ init and exit */

static int __init apsim_init(void)
{
	int rc;

	mutex_init(&apsim.scan_mutex);
	mutex_init(&apsim.perms);
	mutex_init(&apsim.lock);
	INIT_DELAYED_WORK(&apsim.scan_work, scan_work_fn);
	rc = parse_params();
	if (rc)
		return rc;
	/* Both masks start all ones, as on a real host (spec §1.2). */
	apr_mask_fill(&apsim.apmask);
	apr_mask_fill(&apsim.aqmask);
	apsim.ap_domain = -1;
	apsim.config_time = 30;
	apsim.poll_timeout = 250000;
	apsim.bindings_armed = true;

	rc = apsim_bus_init();
	if (rc)
		return rc;
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
	schedule_delayed_work(&apsim.scan_work, apsim.config_time * HZ);
	return 0;

err_ctl:
	kobject_put(apsim.ctl);
err_vfio:
	apsim_vfio_exit();
err_bus:
	apsim_bus_exit();
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
}

module_init(apsim_init);
module_exit(apsim_exit);

MODULE_DESCRIPTION("Simulated s390 AP bus and vfio_ap matrix device");
MODULE_AUTHOR("The apmatrix developers");
MODULE_LICENSE("GPL");
