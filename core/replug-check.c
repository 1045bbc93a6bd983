// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replug-check.c - may a restore file's APQNs be plugged on this host,
 * and will the guest's secure keys still work there?
 *
 * Per APQN, the first rule that refuses: the queue exists; the masks give
 * it to vfio_ap (ap_bus.c: the default drivers take what both masks
 * give the host) and vfio_ap holds it; no other mdev has it in its matrix
 * (vfio_ap_ops.c: vfio_ap_mdev_verify_no_sharing) nor in an autostart
 * definition (ap-check refuses that at the next start); the card has the
 * same mode and the same or a newer generation (what the kernel's
 * migration series accepts for the AP type); the CUR master-key
 * verification patterns (zcrypt_cex4.c: cca_mkvps_show, ep11_mkvps_show)
 * are the same, else the guest's secure keys, wrapped by the source's
 * master keys, are useless here.  The host is read through the public
 * API only.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "apm-private.h"

static const char *const code_names[APM_REPLUG_COUNT] = {
	[APM_REPLUG_OK] = "ok",
	[APM_REPLUG_MISSING] = "missing",
	[APM_REPLUG_HOST_OWNED] = "host-owned",
	[APM_REPLUG_UNBOUND] = "unbound",
	[APM_REPLUG_IN_MDEV] = "in-mdev",
	[APM_REPLUG_IN_DEFINITION] = "in-definition",
	[APM_REPLUG_MODE] = "mode",
	[APM_REPLUG_OLDER] = "older",
	[APM_REPLUG_KEYS] = "keys",
	[APM_REPLUG_KEYS_UNKNOWN] = "keys-unknown",
};

APM_EXPORT const char *apm_replug_code_name(enum apm_replug_code code)
{
	return (unsigned int)code < APM_REPLUG_COUNT ? code_names[code] : NULL;
}

struct target_keys {
	unsigned int n;
	char reg[APR_MK_COUNT][16], state[APR_MK_COUNT][16], pattern[APR_MK_COUNT][APR_MKVP_STRLEN];
};

static int take_key(const char *reg, const char *state, const char *pattern, void *data)
{
	struct target_keys *t = data;

	if (t->n < APR_MK_COUNT) {
		snprintf(t->reg[t->n], sizeof(t->reg[0]), "%s", reg);
		snprintf(t->state[t->n], sizeof(t->state[0]), "%s", state);
		snprintf(t->pattern[t->n], sizeof(t->pattern[0]), "%s", pattern);
		t->n++;
	}
	return 0;
}

/* "0x1d5e8a…" for the sentence: enough digits to tell them apart. */
static void short_pattern(const char *p, char *out, size_t size)
{
	if (strlen(p) > 10)
		snprintf(out, size, "%.10s\u2026", p);
	else
		snprintf(out, size, "%s", p);
}

/* "AES" of "AES CUR": what the guest's keys of that kind are. */
static void key_kind(const char *reg, char *out, size_t size)
{
	size_t n = strcspn(reg, " ");

	snprintf(out, size, "%.*s", (int)n, reg);
}

/* Compare the CUR registers the source recorded with the target's; 0 same, 1 differ, -1 unknown. */
static int compare_keys(const struct apm_restore *r, unsigned int i, struct apm_host *host,
			const struct apm_keys *keys, unsigned int a, unsigned int d, char *text,
			size_t size)
{
	struct apm_restore_apqn q;
	struct target_keys t = { 0 };
	const char *reg, *state, *pattern;
	char s1[16], s2[16], kind[8];
	unsigned int compared = 0;
	int rc;

	apm_restore_get_apqn(r, i, &q);
	if (!q.nmkvps) {
		snprintf(
			text, size,
			"%02x.%04x: the source recorded no master-key patterns (its queue was not bound to zcrypt): the guest's secure keys cannot be confirmed to work here",
			a, d);
		return -1;
	}
	rc = keys ? apm_keys_foreach(keys, a, d, take_key, &t)
		  : apm_host_foreach_queue_mkvp(host, a, d, take_key, &t);
	if (rc) {
		snprintf(
			text, size,
			"%02x.%04x: this host shows no master-key patterns for it (%s): the guest's secure keys cannot be confirmed to work here",
			a, d,
			rc == -ENOENT
				? "the queue is not bound to zcrypt, nor could it be lent to it"
				: apm_errno_name(rc));
		return -1;
	}
	for (unsigned int k = 0; !apm_restore_get_mkvp(r, i, k, &reg, &state, &pattern); k++) {
		if (!strstr(reg, "CUR"))
			continue;
		for (unsigned int j = 0; j < t.n; j++) {
			if (strcmp(t.reg[j], reg))
				continue;
			compared++;
			if (strcmp(t.state[j], state) || strcmp(t.pattern[j], pattern)) {
				short_pattern(pattern, s1, sizeof(s1));
				short_pattern(t.pattern[j], s2, sizeof(s2));
				key_kind(reg, kind, sizeof(kind));
				snprintf(
					text, size,
					"%02x.%04x: master key patterns differ (%s source %s %s, target %s %s): the guest's %s secure keys will not work here",
					a, d, reg, state, s1, t.state[j], s2, kind);
				return 1;
			}
		}
	}
	if (!compared) {
		snprintf(
			text, size,
			"%02x.%04x: no current master-key register to compare: the guest's secure keys cannot be confirmed to work here",
			a, d);
		return -1;
	}
	return 0;
}

/* The first other mdev with an autostart definition holding a.d, or NULL. */
static const char *in_definition(const struct apm_config *cfg, const char *self, unsigned int a,
				 unsigned int d)
{
	struct apm_mask ma, md;

	if (!cfg)
		return NULL;
	for (unsigned int i = 0; i < apm_config_get_def_count(cfg); i++) {
		struct apm_def *def = apm_config_get_def(cfg, i);

		if (!strcmp(apm_def_get_uuid(def), self) || !apm_def_get_autostart(def))
			continue;
		apm_def_get_mask(def, APM_KIND_ADAPTER, &ma);
		apm_def_get_mask(def, APM_KIND_DOMAIN, &md);
		if (apm_mask_test(&ma, a) && apm_mask_test(&md, d))
			return apm_def_get_uuid(def);
	}
	return NULL;
}

static int mode_generation(const char *type)
{
	/* "CEX7C": the digit after CEX is the generation. */
	return strncmp(type, "CEX", 3) || type[3] < '0' || type[3] > '9' ? -1 : type[3] - '0';
}

APM_EXPORT int apm_restore_check(const struct apm_restore *r, struct apm_host *host,
				 const struct apm_config *cfg, const char *uuid,
				 const struct apm_keys *keys,
				 int (*fn)(const struct apm_replug_verdict *v, void *data),
				 void *data)
{
	const char *self = uuid ? uuid : apm_restore_get_uuid(r);
	unsigned int refused = 0;

	for (unsigned int i = 0; i < apm_restore_get_apqn_count(r); i++) {
		struct apm_replug_verdict v = { 0 };
		struct apm_restore_apqn q;
		struct apm_queue qi;
		struct apm_adapter ai;
		char text[400];
		int rc;

		apm_restore_get_apqn(r, i, &q);
		if (!q.exists)
			continue;
		v.adapter = q.adapter;
		v.domain = q.domain;
		v.text = text;
		rc = apm_queue_init(&qi, host, q.adapter, q.domain);
		if (rc || !qi.exists) {
			v.code = APM_REPLUG_MISSING;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: there is no such queue on this host (adapter 0x%02x or domain 0x%02x is not in its LPAR): the guest would lose it",
				q.adapter, q.domain, q.adapter, q.domain);
		} else if (qi.owner_host) {
			v.code = APM_REPLUG_HOST_OWNED;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: the apmask and aqmask give it to the host's zcrypt drivers: give it to vfio_ap first (apmatrix mask ...)",
				q.adapter, q.domain);
		} else if (qi.mdev >= 0 && strcasecmp(apm_mdev_get_uuid(apm_host_get_mdev(
							      host, (unsigned int)qi.mdev)),
						      self)) {
			v.code = APM_REPLUG_IN_MDEV;
			v.other = apm_mdev_get_uuid(apm_host_get_mdev(host, (unsigned int)qi.mdev));
			snprintf(
				text, sizeof(text),
				"%02x.%04x: mdev %s holds it already: the kernel refuses one APQN in two mdevs (EADDRINUSE)",
				q.adapter, q.domain, v.other);
		} else if ((v.other = in_definition(cfg, self, q.adapter, q.domain))) {
			v.code = APM_REPLUG_IN_DEFINITION;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: mdev %s's autostart definition has it: ap-check would refuse that mdev at its next start",
				q.adapter, q.domain, v.other);
		} else if (!qi.driver || strcmp(qi.driver, "vfio_ap")) {
			v.code = APM_REPLUG_UNBOUND;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: it is vfio_ap's by the masks but not bound to vfio_ap (%s): the guest would not get it",
				q.adapter, q.domain, qi.driver ? qi.driver : "no driver");
		} else if (apm_adapter_init(&ai, host, q.adapter) || !apm_adapter_has_card(&ai)) {
			v.code = APM_REPLUG_MISSING;
			snprintf(text, sizeof(text), "%02x.%04x: adapter 0x%02x has no card here",
				 q.adapter, q.domain, q.adapter);
		} else if (q.mode[0] && (!apm_adapter_get_mode(&ai) ||
					 strcmp(apm_adapter_get_mode(&ai), q.mode))) {
			v.code = APM_REPLUG_MODE;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: the card is %s (%s), the source's was %s (%s): a guest's %s keys and requests do not work on it",
				q.adapter, q.domain, apm_adapter_get_type(&ai),
				apm_adapter_get_mode(&ai) ? apm_adapter_get_mode(&ai)
							  : "unknown mode",
				q.type, q.mode, q.mode);
		} else if (q.hwtype >= 0 && apm_adapter_get_hwtype(&ai) >= 0 &&
			   apm_adapter_get_hwtype(&ai) < q.hwtype) {
			v.code = APM_REPLUG_OLDER;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: the card is an older generation (%s, CEX%d) than the source's (%s, CEX%d): the guest may use functions it lacks",
				q.adapter, q.domain, apm_adapter_get_type(&ai),
				mode_generation(apm_adapter_get_type(&ai)), q.type,
				mode_generation(q.type));
		} else if (!strcmp(q.mode, "accel")) {
			v.code = APM_REPLUG_OK;
			snprintf(
				text, sizeof(text),
				"%02x.%04x: can be plugged (%s; an accelerator has no master keys)",
				q.adapter, q.domain, apm_adapter_get_type(&ai));
		} else {
			rc = compare_keys(r, i, host, keys, q.adapter, q.domain, text,
					  sizeof(text));
			v.code = rc > 0	  ? APM_REPLUG_KEYS
				 : rc < 0 ? APM_REPLUG_KEYS_UNKNOWN
					  : APM_REPLUG_OK;
			if (!rc)
				snprintf(text, sizeof(text),
					 "%02x.%04x: can be plugged (%s, the same master keys)",
					 q.adapter, q.domain, apm_adapter_get_type(&ai));
		}
		if (v.code != APM_REPLUG_OK && v.code != APM_REPLUG_KEYS_UNKNOWN)
			refused++;
		rc = fn(&v, data);
		if (rc)
			return rc;
	}
	return (int)refused;
}
