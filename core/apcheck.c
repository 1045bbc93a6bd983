// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * apcheck.c - the checks ap-check and chzdev make, made before writing and
 * shown as warnings on the configuration as it is.
 *
 * ap-check (s390-tools ap_tools/ap-check.c), mdevctl's callout for
 * vfio_ap, refuses
 *  - when an autostart definition is written (define, modify): an APQN
 *    another autostart definition has ("APQN %u.%u is defined for
 *    autostart by UUID"), or one the persistent masks give to the host
 *    ("APQN %u.%u is not defined for vfio_ap-passthrough use by the
 *    persistent ap bus mask settings"; where 41-ap.rules does not set a
 *    mask, libap's ap_read_udev_masks takes the active one);
 *  - when a definition is started: control domains without a usage domain
 *    ("At least one usage domain must be specified"), an APQN an active
 *    mdev holds ("APQN %u.%u already in use by UUID"), or one the active
 *    masks give to the host ("... by the active ap bus mask settings").
 * chzdev (zdev/src/ap.c: check_mask_changes) refuses persistent masks that
 * give the host an APQN of an autostart definition ("persistent aqmask
 * conflicts with defined autostart mdev UUID APQN %u.%u").
 * Their messages print APQNs in decimal; ours say 05.0047 and quote theirs.
 * At boot the autostart definitions start one after the other, so the
 * first two refusals are exactly what fails then.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist.h"

void apm_finding_add(struct apm_finding_list *l, enum apm_finding_code code, const char *uuid,
		     const char *other, int adapter, int domain, bool at_boot, const char *fmt, ...)
{
	struct apm_finding *f;
	va_list ap;
	char *text;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 8;

		f = realloc(l->v, cap * sizeof(*f));
		if (!f)
			return;
		l->v = f;
		l->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	f = &l->v[l->n];
	f->code = code;
	f->uuid = strdup(uuid);
	f->other = other ? strdup(other) : NULL;
	f->adapter = adapter;
	f->domain = domain;
	f->at_boot = at_boot;
	f->text = text;
	if (!f->uuid || !f->text || (other && !f->other)) {
		free((char *)f->uuid);
		free((char *)f->other);
		free(text);
		return;
	}
	l->n++;
}

int apm_apqn_overlap(const struct apr_mask *apm1, const struct apr_mask *aqm1,
		     const struct apr_mask *apm2, const struct apr_mask *aqm2, unsigned int *apid,
		     unsigned int *apqi, unsigned int *count)
{
	struct apr_mask a, q;

	apr_mask_and(&a, apm1, apm2);
	apr_mask_and(&q, aqm1, aqm2);
	*count = apr_mask_weight(&a) * apr_mask_weight(&q);
	if (!*count)
		return -ENOENT;
	*apid = apr_mask_next(&a, 0);
	*apqi = apr_mask_next(&q, 0);
	return 0;
}

void apm_check_boot_masks(const struct apm_config *cfg, const struct apm_host *host,
			  struct apr_mask *apmask, struct apr_mask *aqmask, bool from_rule[2])
{
	bool ok = cfg->rule.exists && !cfg->rule_broken;

	from_rule[0] = ok && cfg->rule.has_apmask;
	from_rule[1] = ok && cfg->rule.has_aqmask;
	struct apm_mask m;

	apm_host_get_apmask(host, &m);
	*apmask = from_rule[0] ? cfg->rule.apmask : *to_apr(&m);
	apm_host_get_aqmask(host, &m);
	*aqmask = from_rule[1] ? cfg->rule.aqmask : *to_apr(&m);
}

/*
 * The masks at boot: a mask 41-ap.rules does not set keeps the kernel's
 * default, every bit set (ap_bus.c: apm_show/aqm_show of a fresh bus),
 * unless ap.apmask=/ap.aqmask= is on the kernel command line.
 */
static void kernel_boot_masks(const struct apm_config *cfg, const struct apm_host *host,
			      struct apr_mask *apmask, struct apr_mask *aqmask, bool from_rule[2])
{
	apm_check_boot_masks(cfg, host, apmask, aqmask, from_rule);
	if (!from_rule[0])
		apr_mask_fill(apmask);
	if (!from_rule[1])
		apr_mask_fill(aqmask);
}

static const char *more(unsigned int count, char *buf, size_t size)
{
	if (count > 1)
		snprintf(buf, size, " (and %u more)", count - 1);
	else
		buf[0] = '\0';
	return buf;
}

/*
 * Which mask gives the APQN to the host: both bits are set, so name the
 * one a fix would change, the one that is not all ones.
 */
enum blame {
	BLAME_AQMASK = 0,
	BLAME_APMASK,
	BLAME_BOTH,
};

static enum blame which_mask(const struct apr_mask *apmask, const struct apr_mask *aqmask)
{
	if (apr_mask_full(apmask))
		return BLAME_AQMASK;
	if (apr_mask_full(aqmask))
		return BLAME_APMASK;
	return BLAME_BOTH;
}

static const char *const blame_gives[] = {
	[BLAME_AQMASK] = "aqmask gives",
	[BLAME_APMASK] = "apmask gives",
	[BLAME_BOTH] = "apmask and aqmask give",
};

/* chzdev names the mask whose new bits conflict; with both, the aqmask. */
static const char *blame_name(enum blame b)
{
	return b == BLAME_APMASK ? "apmask" : "aqmask";
}

/* Whether the mask(s) which_mask() names come from 41-ap.rules. */
static bool from_rule_for(const bool from_rule[2], enum blame b)
{
	if (b == BLAME_AQMASK)
		return from_rule[1];
	if (b == BLAME_APMASK)
		return from_rule[0];
	return from_rule[0] && from_rule[1];
}

/* Definitions that could not be read: an unchecked one could overlap. */
static int unreadable(const struct apm_config *cfg, const char *self, struct apm_buf *why)
{
	int rc = 0;

	for (unsigned int i = 0; i < cfg->nbroken; i++) {
		if (self && !strcmp(cfg->broken[i], self))
			continue;
		apm_buf_printf(
			why,
			"the definition of mdev %s cannot be read (see the errors), so nothing can be checked against it: fix or remove it first\n",
			cfg->broken[i]);
		rc = -EIO;
	}
	return rc;
}

int apm_check_definition(const struct apm_config *cfg, const struct apm_host *host,
			 const struct apm_check_def *d, struct apm_buf *why)
{
	struct apr_mask apmask, aqmask;
	unsigned int a, q, n;
	bool from_rule[2];
	char buf[32];
	int rc = 0, r;

	/* ap-check.c: ap_check_active, refused at every start, so at boot too. */
	if (apr_mask_empty(d->aqm) && !apr_mask_empty(d->adm)) {
		apm_buf_printf(
			why,
			"mdev %s has control domains but no usage domain: ap-check refuses to start such a definition (\"At least one usage domain must be specified\")\n",
			d->uuid);
		rc = -EINVAL;
	}
	if (!d->autostart)
		return rc;
	/* ap-check.c: ap_check_changes, for an autostart definition. */
	r = unreadable(cfg, d->uuid, why);
	if (!rc)
		rc = r;
	for (unsigned int i = 0; i < cfg->ndefs; i++) {
		const struct apm_def *o = cfg->defs[i];

		if (!o->autostart || !strcmp(o->uuid, d->uuid) ||
		    apm_apqn_overlap(d->apm, d->aqm, &o->apm, &o->aqm, &a, &q, &n))
			continue;
		apm_buf_printf(
			why,
			"mdev %s would autostart with %02x.%04x%s, which mdev %s autostarts with: the one started second fails at boot (ap-check: \"APQN %u.%u is defined for autostart by %s\")\n",
			d->uuid, a, q, more(n, buf, sizeof(buf)), o->uuid, a, q, o->uuid);
		if (!rc)
			rc = -EADDRINUSE;
	}
	if (cfg->rule_broken) {
		apm_buf_printf(
			why,
			"%s cannot be read (see the errors), so the persistent masks are unknown: fix or remove it first\n",
			cfg->rule_path);
		if (!rc)
			rc = -EIO;
		return rc;
	}
	apm_check_boot_masks(cfg, host, &apmask, &aqmask, from_rule);
	if (!apm_apqn_overlap(d->apm, d->aqm, &apmask, &aqmask, &a, &q, &n)) {
		enum blame w = which_mask(&apmask, &aqmask);
		bool pers = from_rule_for(from_rule, w);

		apm_buf_printf(
			why,
			"mdev %s would autostart with %02x.%04x%s, which the %s %s to the host%s: it would fail to start at boot (ap-check: \"APQN %u.%u is not defined for vfio_ap-passthrough use by the persistent ap bus mask settings\")\n",
			d->uuid, a, q, more(n, buf, sizeof(buf)), pers ? "persistent" : "active",
			blame_gives[w],
			pers ? ""
			     : " (41-ap.rules does not set it, so ap-check takes the active one)",
			a, q);
		if (!rc)
			rc = -EADDRNOTAVAIL;
	}
	return rc;
}

/*
 * What a definition that passes meets at boot all the same: a mask
 * 41-ap.rules does not set is the kernel's default then, every APQN the
 * host's, although ap-check compared with the active one.
 */
void apm_check_definition_warnings(const struct apm_config *cfg, const struct apm_host *host,
				   const struct apm_check_def *d, struct apm_buf *out)
{
	struct apr_mask apmask, aqmask;
	unsigned int a, q, n;
	bool from_rule[2];
	char buf[32];

	if (!d->autostart || cfg->rule_broken)
		return;
	kernel_boot_masks(cfg, host, &apmask, &aqmask, from_rule);
	if (from_rule[0] && from_rule[1])
		return;
	if (!apm_apqn_overlap(d->apm, d->aqm, &apmask, &aqmask, &a, &q, &n))
		apm_buf_printf(
			out,
			"warning: mdev %s would autostart with %02x.%04x%s, which the kernel's default %s to the host at boot (41-ap.rules does not set it): it would fail to start at boot; `apmatrix persist masks` makes the active masks persistent\n",
			d->uuid, a, q, more(n, buf, sizeof(buf)),
			blame_gives[!from_rule[1] ? BLAME_AQMASK : BLAME_APMASK]);
}

int apm_check_masks(const struct apm_config *cfg, const struct apr_mask *apmask,
		    const struct apr_mask *aqmask, struct apm_buf *why)
{
	unsigned int a, q, n;
	char buf[32];
	int rc = unreadable(cfg, NULL, why);

	for (unsigned int i = 0; i < cfg->ndefs; i++) {
		const struct apm_def *d = cfg->defs[i];
		enum blame w;

		if (!d->autostart || apm_apqn_overlap(&d->apm, &d->aqm, apmask, aqmask, &a, &q, &n))
			continue;
		w = which_mask(apmask, aqmask);
		apm_buf_printf(
			why,
			"the persistent %s would give %02x.%04x%s to the host, which mdev %s autostarts with: it would fail to start at boot (chzdev: \"persistent %s conflicts with defined autostart mdev %s APQN %u.%u\")\n",
			w == BLAME_BOTH ? "apmask and aqmask" : blame_name(w), a, q,
			more(n, buf, sizeof(buf)), d->uuid, blame_name(w), d->uuid, a, q);
		if (!rc)
			rc = -EADDRNOTAVAIL;
	}
	return rc;
}

static const struct apm_mdev *active_mdev(const struct apm_host *host, const char *uuid)
{
	for (unsigned int i = 0; i < apm_host_get_mdev_count(host); i++)
		if (!strcmp(apm_mdev_get_uuid(apm_host_get_mdev(host, i)), uuid))
			return apm_host_get_mdev(host, i);
	return NULL;
}

/* A definition that is not active, against the host now: `mdevctl start` would fail. */
static void start_findings(const struct apm_def *d, const struct apm_host *host,
			   struct apm_finding_list *l)
{
	struct apr_mask apmask, aqmask;
	struct apm_mask m;
	unsigned int a, q, n;
	char buf[32];

	for (unsigned int i = 0; i < apm_host_get_mdev_count(host); i++) {
		const struct apm_mdev *md = apm_host_get_mdev(host, i);
		struct apm_mask ma, mq;

		apm_mdev_get_mask(md, APM_KIND_ADAPTER, &ma);
		apm_mdev_get_mask(md, APM_KIND_DOMAIN, &mq);
		if (apm_apqn_overlap(&d->apm, &d->aqm, to_apr(&ma), to_apr(&mq), &a, &q, &n))
			continue;
		apm_finding_add(
			l, APM_FINDING_ACTIVE_OVERLAP, d->uuid, apm_mdev_get_uuid(md), (int)a,
			(int)q, false,
			"mdev %s is defined with %02x.%04x%s, which active mdev %s holds: `mdevctl start %s` fails now (ap-check: \"APQN %u.%u already in use by %s\")",
			d->uuid, a, q, more(n, buf, sizeof(buf)), apm_mdev_get_uuid(md), d->uuid, a,
			q, apm_mdev_get_uuid(md));
	}
	apm_host_get_apmask(host, &m);
	apmask = *to_apr(&m);
	apm_host_get_aqmask(host, &m);
	aqmask = *to_apr(&m);
	if (!apm_apqn_overlap(&d->apm, &d->aqm, &apmask, &aqmask, &a, &q, &n))
		apm_finding_add(
			l, APM_FINDING_ACTIVE_MASK, d->uuid, NULL, (int)a, (int)q, false,
			"mdev %s is defined with %02x.%04x%s, which the active %s to the host: `mdevctl start %s` fails now (ap-check: \"APQN %u.%u is not allowed for vfio_ap-passthrough use by the active ap bus mask settings\")",
			d->uuid, a, q, more(n, buf, sizeof(buf)),
			blame_gives[which_mask(&apmask, &aqmask)], d->uuid, a, q);
}

void apm_check_findings(const struct apm_config *cfg, const struct apm_host *host,
			struct apm_finding_list *l)
{
	struct apr_mask apmask, aqmask;
	unsigned int a, q, n;
	bool from_rule[2];
	char buf[32];

	kernel_boot_masks(cfg, host, &apmask, &aqmask, from_rule);
	for (unsigned int i = 0; i < cfg->ndefs; i++) {
		const struct apm_def *d = cfg->defs[i];

		if (apr_mask_empty(&d->aqm) && !apr_mask_empty(&d->adm))
			apm_finding_add(
				l, APM_FINDING_CONTROL_ONLY, d->uuid, NULL, -1, -1, d->autostart,
				"mdev %s is defined with control domains but no usage domain: ap-check refuses to start it%s (\"At least one usage domain must be specified\")",
				d->uuid, d->autostart ? ", so it fails at boot" : "");
		if (d->autostart) {
			for (unsigned int j = i + 1; j < cfg->ndefs; j++) {
				const struct apm_def *o = cfg->defs[j];

				if (!o->autostart || apm_apqn_overlap(&d->apm, &d->aqm, &o->apm,
								      &o->aqm, &a, &q, &n))
					continue;
				apm_finding_add(
					l, APM_FINDING_AUTOSTART_OVERLAP, d->uuid, o->uuid, (int)a,
					(int)q, true,
					"mdevs %s and %s both autostart with %02x.%04x%s: the one started second fails at boot (ap-check: \"APQN %u.%u is defined for autostart by %s\")",
					d->uuid, o->uuid, a, q, more(n, buf, sizeof(buf)), a, q,
					d->uuid);
			}
			if (!cfg->rule_broken &&
			    !apm_apqn_overlap(&d->apm, &d->aqm, &apmask, &aqmask, &a, &q, &n)) {
				enum blame w = which_mask(&apmask, &aqmask);
				bool pers = from_rule_for(from_rule, w);

				apm_finding_add(
					l, APM_FINDING_PERSISTENT_MASK, d->uuid, NULL, (int)a,
					(int)q, true,
					"mdev %s autostarts with %02x.%04x%s, which the %s %s to the host%s: it will fail to start at boot",
					d->uuid, a, q, more(n, buf, sizeof(buf)),
					pers ? "persistent" : "kernel's default", blame_gives[w],
					pers ? "" : " (41-ap.rules does not set it)");
			}
		}
		if (!active_mdev(host, d->uuid))
			start_findings(d, host, l);
	}
}
