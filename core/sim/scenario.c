// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * scenario.c - the simulated host's state file format (INI, libinih) and
 * the built-in default scenario.  The format is documented in
 * doc/scenario.md; what it describes is a kernel model (core/model/).
 *
 * Parsing is strict: an unknown section or key, a bad ID list, a type name
 * that is no zcrypt card type, an APQN in two mdevs: each is an error that
 * names file:line, and nothing of a refused file is used.  Values that can
 * be derived (queue bindings from the masks, guest shadows from the filter)
 * may be left out; the writer leaves out exactly those.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "ini-lines.h"
#include "sim.h"

const char sim_builtin_scenario[] =
	"; apmatrix built-in scenario: the example of the kernel's vfio-ap document\n[host]\nprofile = 6.13\nmax_adapter_id = 255\nmax_domain_id = 255\nfeatures = APSC APXA QACT RC8A\napmask = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\naqmask = -4,-0x47,-0xab,-0xff\nap_domain = 1\n\n[lpar]\nadapters = 0x04:CEX5C,0x05:CEX5C,0x06:CEX5A\nusage_domains = 0x01,0x04,0x47,0xab,0xff\ncontrol_domains = 0x01,0x02,0x04,0x47,0xab,0xff\n\n[adapter 0x04]\nconfig = 0\n\n[mdev 62177883-f1bb-47f0-914d-32a22e3a8804]\nadapters = 0x05,0x06\ndomains = 0x04,0xab\ncontrol_domains = 0xab\nguest = Guest1\n\n[mdev cef03c3c-903d-4ecc-9a83-40694cb8aee4]\nadapters = 0x05,0x0a\ndomains = 0x47,0xff\nguest = Guest2\n\n[mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58]\nadapters = 0x06\ndomains = 0x47,0xff\n";

#define HAVE_SHADOW_APM (1u << 0)
#define HAVE_SHADOW_AQM (1u << 1)
#define HAVE_SHADOW_ADM (1u << 2)

/* A value with its continuation lines joined: 256 "0xNN:CEX8C," items fit. */
#define SIM_VALUE_MAX 16384

struct parse {
	struct ini_lines in; /* first: the stream inih reads */
	struct apm_ctx *ctx;
	struct sim_state *st;
	struct apr_model *s;
	int errors;
	/* inih hands over continuation lines as the same key again: join them. */
	char last_section[64], last_key[APR_FAULT_PATH_MAX];
	char acc[SIM_VALUE_MAX];
	char section[64];
	/*
	 * A key given twice in a section, or [host], [lpar], [bus] or
	 * [faults] given twice, is refused: the second would overwrite the
	 * first only in part (an [lpar] "adapters" keeps the first one's
	 * adapter types), so the file would not read back as it was written.
	 */
	char **keys; /* the keys of the section block being read */
	unsigned int nkeys, keys_cap;
	unsigned int fixed_seen; /* of the sections that may come once, those met */
	bool have_aqmask_spec, have_apmask_spec;
	char apmask_spec[160], aqmask_spec[160];
	bool have_seen;
	/* Queue keys are applied after the devices exist. */
	struct qkey {
		unsigned int a, q;
		char key[24];
		char val[128];
		int line;
	} * qkeys, *akeys; /* akeys: [adapter] keys of zcrypt facts, applied with the types */
	unsigned int nqkeys, nakeys;
	unsigned int *shadow_flags; /* per mdev */
	int *mdev_line;		    /* per mdev: its section header */
	bool adapter_keys[APR_BITS];
	int ad_config[APR_BITS], ad_se_config[APR_BITS], ad_chkstop[APR_BITS],
		ad_se_chkstop[APR_BITS], ad_online[APR_BITS], ad_card_driver[APR_BITS];
	unsigned long long ad_requests[APR_BITS];
};

static void perr(struct parse *p, const char *fmt, ...) APM_PRINTF(2, 3);
/* An error at the current line; the file's text in it is escaped for the terminal. */
static void perr(struct parse *p, const char *fmt, ...)
{
	char msg[512], shown[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	apm_text_escape(msg, shown, sizeof(shown), 0);
	err(p->ctx, "%s:%d: %s", p->in.name, p->in.line, shown);
	p->errors++;
}

/* IDs in the state file: as operators write them, blanks and empty lists allowed. */
#define FILE_IDS (APR_IDS_HUMAN | APR_IDS_BLANKS | APR_IDS_EMPTY)

/* An ID list of key k; errors name the text at fault. */
static int ids_key(struct parse *p, const char *k, const char *v, struct apr_mask *m)
{
	struct apr_ids_error e;
	char why[256];

	if (!apr_ids_parse(v, APR_BITS - 1, FILE_IDS, m, NULL, NULL, &e))
		return 0;
	apm_explain_ids(v, &e, why, sizeof(why));
	perr(p, "%s: %s", k, why);
	return -EINVAL;
}

static int parse_bool(const char *v, bool *b)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
	    !strcasecmp(v, "true"))
		*b = true;
	else if (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
		 !strcasecmp(v, "false"))
		*b = false;
	else
		return -EINVAL;
	return 0;
}

static int parse_ull(const char *v, unsigned long long *r)
{
	char *end;

	if (!*v || *v == '-')
		return -EINVAL;
	/* strtoull gives ULLONG_MAX for what does not fit: an error, not that number. */
	errno = 0;
	*r = strtoull(v, &end, 0);
	return *end || errno == ERANGE ? -EINVAL : 0;
}

static int host_key(struct parse *p, const char *k, const char *v)
{
	struct apr_model *s = p->s;
	unsigned long long u = 0;
	bool b;

	if (!strcmp(k, "profile")) {
		if (apr_profile_parse(v, &s->profile)) {
			perr(p, "unknown kernel profile '%s' (4.20, 6.0, 6.10, 6.13, 6.15, 6.19)",
			     v);
		}
	} else if (!strcmp(k, "max_adapter_id") || !strcmp(k, "max_domain_id")) {
		if (parse_ull(v, &u) || u > 255) {
			perr(p, "%s must be 0..255, not '%s'", k, v);
			return 1;
		}
		if (k[4] == 'a')
			s->max_apid = (unsigned int)u;
		else
			s->max_apqi = (unsigned int)u;
	} else if (!strcmp(k, "features")) {
		if (!apr_strlcpy(s->features, v, sizeof(s->features)))
			perr(p, "features is %zu characters long: at most %zu", strlen(v),
			     sizeof(s->features) - 1);
	} else if (!strcmp(k, "apmask") || !strcmp(k, "aqmask")) {
		/* Kept as text: a +/- spec applies to the all-ones start (as at boot). */
		if (strlen(v) >= sizeof(p->apmask_spec)) {
			perr(p,
			     "%s is %zu characters long: at most %zu (the writer uses the 66 of 0x and 64 hex digits)",
			     k, strlen(v), sizeof(p->apmask_spec) - 1);
			return 1;
		}
		strcpy(k[1] == 'p' ? p->apmask_spec : p->aqmask_spec, v);
		*(k[1] == 'p' ? &p->have_apmask_spec : &p->have_aqmask_spec) = true;
	} else if (!strcmp(k, "ap_domain")) {
		char *end;
		long d = strtol(v, &end, 0);

		/* An empty value is no domain (strtol reads it as 0). */
		if (end == v || *end || d < -1 || d > 255)
			perr(p, "ap_domain must be -1..255, not '%s'", v);
		s->ap_domain = (int)d;
	} else if (!strcmp(k, "config_time")) {
		if (parse_ull(v, &u) || u < 5 || u > 120)
			perr(p, "config_time must be 5..120, not '%s'", v);
		s->config_time = (int)u;
	} else if (!strcmp(k, "poll_thread")) {
		if (parse_bool(v, &s->poll_thread))
			perr(p, "poll_thread: expected yes or no, not '%s'", v);
	} else if (!strcmp(k, "poll_timeout")) {
		if (parse_ull(v, &u))
			perr(p, "bad poll_timeout '%s'", v);
		s->poll_timeout = u;
	} else if (!strcmp(k, "scans") || !strcmp(k, "complete_count")) {
		if (parse_ull(v, &u))
			perr(p, "bad %s '%s'", k, v);
		if (k[0] == 's')
			s->scans = u;
		else
			s->complete_count = u;
	} else if (!strcmp(k, "vfio_ap") || !strcmp(k, "sclp") || !strcmp(k, "bindings_armed")) {
		/* A refused value is reported and assigned nothing (b is not set then). */
		if (parse_bool(v, &b))
			perr(p, "%s: expected yes or no, not '%s'", k, v);
		else if (!strcmp(k, "vfio_ap"))
			s->vfio_ap = b;
		else if (!strcmp(k, "sclp"))
			s->sclp = b;
		else
			s->bindings_armed = b;
	} else if (!strcmp(k, "mk_seed") || !strcmp(k, "serial_seed")) {
		if (parse_ull(v, &u) || u > 0xffffffffull)
			perr(p, "%s must be 0..4294967295, not '%s'", k, v);
		*(k[0] == 'm' ? &s->mk_seed : &s->serial_seed) = (uint32_t)u;
	} else if (!strcmp(k, "name")) {
		if (apr_hv_host_name_store(s, v))
			perr(p, "host name '%s' must be 1..63 printable characters without blanks",
			     v);
	} else if (!strcmp(k, "next_iommu_group")) {
		if (parse_ull(v, &u) || u > 1000000)
			perr(p, "bad next_iommu_group '%s'", v);
		s->next_group = (int)u;
	} else {
		perr(p, "unknown key '%s' in [host]", k);
	}
	return 1;
}

/* [lpar] adapters: every item names its card type, "0x05:CEX8C". */
static int lpar_adapter(void *data, unsigned int lo, unsigned int hi, const char *type,
			unsigned long len)
{
	struct parse *p = data;
	const struct apr_card_type *t;
	char name[16] = "";

	if (!type) {
		perr(p, "adapter 0x%02x needs a type, e.g. 0x%02x:CEX8C", lo, lo);
		return -EINVAL;
	}
	while (len && (*type == ' ' || *type == '\t')) {
		type++;
		len--;
	}
	while (len && (type[len - 1] == ' ' || type[len - 1] == '\t'))
		len--;
	if (len < sizeof(name))
		snprintf(name, sizeof(name), "%.*s", (int)len, type);
	t = apr_card_type_lookup(name);
	if (!t) {
		perr(p, "'%.*s' is not a card type (CEX4A ... CEX8P)", (int)len, type);
		return -EINVAL;
	}
	for (unsigned int a = lo; a <= hi; a++)
		p->s->card[a].type = t;
	return 0;
}

static int lpar_adapters(struct parse *p, const char *v, struct apr_mask *apm)
{
	struct apr_ids_error e;
	char why[256];

	if (!apr_ids_parse(v, APR_BITS - 1, FILE_IDS | APR_IDS_SUFFIX, apm, lpar_adapter, p, &e))
		return 0;
	if (e.why != APR_IDS_STOPPED) {
		apm_explain_ids(v, &e, why, sizeof(why));
		perr(p, "adapters: %s", why);
	}
	return -EINVAL;
}

/* A key kept for finish(): the queue's device or the card's type must exist first. */
static void keep_key(struct parse *p, struct qkey **list, unsigned int *n, unsigned int a,
		     unsigned int q, const char *key, const char *value, size_t max)
{
	struct qkey *qk = realloc(*list, (*n + 1) * sizeof(*qk));

	if (!qk) {
		perr(p, "out of memory");
		return;
	}
	*list = qk;
	qk += (*n)++;
	qk->a = a;
	qk->q = q;
	qk->line = p->in.line;
	snprintf(qk->key, sizeof(qk->key), "%s", key);
	snprintf(qk->val, sizeof(qk->val), "%s", value);
	if (strlen(key) >= sizeof(qk->key))
		perr(p, "unknown key '%s' in [%s]", key, p->section);
	else if (strlen(value) > max)
		perr(p, "%s = '%.40s...' is too long (at most %zu characters)", key, value, max);
}

static int adapter_key(struct parse *p, unsigned int a, const char *k, const char *v)
{
	bool b;
	int *slot = NULL;

	if (!strcmp(k, "serialnr") || !strcmp(k, "api_ordinalnr") || !strcmp(k, "fw_version") ||
	    !strcmp(k, "op_modes")) {
		keep_key(p, &p->akeys, &p->nakeys, a, 0, k, v, sizeof(p->akeys->val) - 1);
		return 1;
	}
	if (!strcmp(k, "request_count")) {
		if (parse_ull(v, &p->ad_requests[a]))
			perr(p, "bad request_count '%s'", v);
		return 1;
	}
	if (!strcmp(k, "card_driver")) {
		if (strcmp(v, "cex4card") && strcmp(v, "none"))
			perr(p, "card_driver must be cex4card or none, not '%s'", v);
		p->ad_card_driver[a] = !strcmp(v, "cex4card");
		return 1;
	}
	if (!strcmp(k, "config"))
		slot = p->ad_config;
	else if (!strcmp(k, "se_config"))
		slot = p->ad_se_config;
	else if (!strcmp(k, "chkstop"))
		slot = p->ad_chkstop;
	else if (!strcmp(k, "se_chkstop"))
		slot = p->ad_se_chkstop;
	else if (!strcmp(k, "online"))
		slot = p->ad_online;
	if (!slot) {
		perr(p, "unknown key '%s' in [adapter 0x%02x]", k, a);
		return 1;
	}
	if (parse_bool(v, &b))
		perr(p, "%s: expected 0 or 1, not '%s'", k, v);
	else
		slot[a] = b;
	return 1;
}

static int mdev_key(struct parse *p, unsigned int i, const char *k, const char *v)
{
	struct apr_mdev *m = &p->s->rm[i];
	struct apr_mdev_info *x = &p->s->mdev[i];
	unsigned long long u = 0;

	if (!strcmp(k, "adapters"))
		ids_key(p, k, v, &m->apm);
	else if (!strcmp(k, "domains"))
		ids_key(p, k, v, &m->aqm);
	else if (!strcmp(k, "control_domains"))
		ids_key(p, k, v, &m->adm);
	else if (!strcmp(k, "guest_adapters")) {
		ids_key(p, k, v, &m->sapm);
		p->shadow_flags[i] |= HAVE_SHADOW_APM;
	} else if (!strcmp(k, "guest_domains")) {
		ids_key(p, k, v, &m->saqm);
		p->shadow_flags[i] |= HAVE_SHADOW_AQM;
	} else if (!strcmp(k, "guest_control_domains")) {
		ids_key(p, k, v, &m->sadm);
		p->shadow_flags[i] |= HAVE_SHADOW_ADM;
	} else if (!strcmp(k, "guest")) {
		if (!*v || strlen(v) >= sizeof(x->guest) || strpbrk(v, " \t")) {
			perr(p, "guest name '%s' must be 1..63 characters without blanks", v);
			return 1;
		}
		snprintf(x->guest, sizeof(x->guest), "%s", v);
		m->attached = true;
	} else if (!strcmp(k, "guest_secure")) {
		/* The guest's QEMU has an s390-pv-guest object (Secure Execution). */
		if (parse_bool(v, &x->secure))
			perr(p, "guest_secure: expected yes or no, not '%s'", v);
	} else if (!strcmp(k, "unplugged")) {
		if (!*v || strlen(v) >= sizeof(x->guest) || strpbrk(v, " \t")) {
			perr(p, "guest name '%s' must be 1..63 characters without blanks", v);
			return 1;
		}
		snprintf(x->guest, sizeof(x->guest), "%s", v);
		x->unplugged = true;
	} else if (!strcmp(k, "iommu_group")) {
		if (parse_ull(v, &u) || u > 1000000)
			perr(p, "bad iommu_group '%s'", v);
		x->group = (int)u;
	} else if (!strcmp(k, "ignore_release")) {
		if (parse_bool(v, &x->ignore_release))
			perr(p, "ignore_release: expected yes or no, not '%s'", v);
	} else {
		perr(p, "unknown key '%s' in [mdev %s]", k, x->uuid);
	}
	return 1;
}

/* [faults] PATH = ERRNO|ok [COUNT]: the next COUNT writes to PATH answer so. */
static int fault_key(struct parse *p, const char *k, const char *v)
{
	char line[APR_FAULT_PATH_MAX + 64];

	if (snprintf(line, sizeof(line), "%s %s", k, v) >= (int)sizeof(line) ||
	    apr_fault_store(p->s, line))
		perr(p,
		     "fault %s = %s: expected PATH = ERRNO|ok [COUNT] (ERRNO a name such as EBUSY or a number, COUNT 1..1000000, at most %d faults)",
		     k, v, APR_FAULTS);
	return 1;
}

/* [masterkeys AA.DDDD] or [masterkeys *.DDDD]: registers set apart from mk_seed's. */
static int masterkeys_key(struct parse *p, const char *where, const char *k, const char *v)
{
	char line[256];
	int rc;

	if (snprintf(line, sizeof(line), "%s %s %s", where, k, v) >= (int)sizeof(line)) {
		perr(p, "%s = '%.40s...' is too long", k, v);
		return 1;
	}
	rc = apr_mk_store(p->s, line);
	if (rc == -ENOSPC)
		perr(p, "%s: at most %d master-key registers are set apart from mk_seed's", k,
		     APR_MK_SETS);
	else if (rc && apr_mk_lookup(k) < 0)
		perr(p,
		     "unknown key '%s' in [masterkeys %s] (aes_new, aes_cur, aes_old, apka_*, asym_*, wk_cur, wk_new, op_modes)",
		     k, where);
	else if (rc)
		perr(p,
		     "[masterkeys %s] %s = %s: expected an APQN (05.0047) or a domain (*.0047) and STATE [0xPATTERN] as the kernel shows it (e.g. valid 0x1d5e...), or op_modes = FIPS2009 ...",
		     where, k, v);
	return 1;
}

static int new_mdev(struct parse *p, const char *uuid)
{
	struct apr_model *s = p->s;
	unsigned int n = s->nmdevs;
	void *t3;

	if (!apm_uuid_valid(uuid)) {
		perr(p, "'%s' is not a UUID", uuid);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++)
		if (!strcasecmp(s->mdev[i].uuid, uuid)) {
			perr(p, "mdev %s is defined twice", uuid);
			return -EINVAL;
		}
	if (sim_state_reserve(p->st, n + 1))
		return -ENOMEM;
	t3 = realloc(p->shadow_flags, (n + 1) * sizeof(*p->shadow_flags));
	if (!t3)
		return -ENOMEM;
	p->shadow_flags = t3;
	t3 = realloc(p->mdev_line, (n + 1) * sizeof(*p->mdev_line));
	if (!t3)
		return -ENOMEM;
	p->mdev_line = t3;
	/* inih calls us at the first key: the header is the last "[" line before it. */
	p->mdev_line[n] = p->in.section_line;
	memset(&s->mdev[n], 0, sizeof(s->mdev[n]));
	memset(&s->rm[n], 0, sizeof(s->rm[n]));
	p->shadow_flags[n] = 0;
	for (int i = 0; i < 36; i++)
		s->mdev[n].uuid[i] =
			(char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	s->mdev[n].group = -1;
	s->nmdevs++;
	return 0;
}

static const char *const once_sections[] = { "host", "lpar", "bus", "faults" };

static void forget_keys(struct parse *p)
{
	for (unsigned int i = 0; i < p->nkeys; i++)
		free(p->keys[i]);
	p->nkeys = 0;
}

/* Whether key was given before in this section block; remembers it. -ENOMEM: no room. */
static int key_seen(struct parse *p, const char *key)
{
	for (unsigned int i = 0; i < p->nkeys; i++)
		if (!strcmp(p->keys[i], key))
			return 1;
	if (p->nkeys == p->keys_cap) {
		unsigned int cap = p->keys_cap ? 2 * p->keys_cap : 16;
		char **t = realloc(p->keys, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		p->keys = t;
		p->keys_cap = cap;
	}
	p->keys[p->nkeys] = strdup(key);
	if (!p->keys[p->nkeys])
		return -ENOMEM;
	p->nkeys++;
	return 0;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	struct apr_model *s = p->s;
	unsigned int a, q;

	/* Strict means strict: nothing is cut short to fit a buffer. */
	if (strlen(section) >= sizeof(p->section)) {
		perr(p, "section name [%.40s...] is too long (at most %zu characters)", section,
		     sizeof(p->section) - 1);
		return 1;
	}
	if (strcmp(section, p->section)) {
		snprintf(p->section, sizeof(p->section), "%s", section);
		forget_keys(p);
		for (unsigned int i = 0; i < ARRAY_SIZE(once_sections); i++) {
			if (strcmp(section, once_sections[i]))
				continue;
			if (p->fixed_seen & (1U << i)) {
				perr(p,
				     "[%s] is given a second time: its keys belong in one section",
				     section);
				return 1;
			}
			p->fixed_seen |= 1U << i;
		}
		if (!strncmp(section, "mdev ", 5) && new_mdev(p, section + 5))
			return 1;
	}
	if (!key)
		return 1;
	/*
	 * inih splits a line at its first '=' or ':', so ": x" or "= x" has
	 * an empty name.  In [faults] the value's first word became the PATH
	 * and could not be written back as a key; nowhere is it meant.
	 */
	if (!*key) {
		perr(p, "a line in [%s] has no key before its '=' or ':'", section);
		return 1;
	}
	/*
	 * inih ends a value at a ';' after a blank (an inline comment), so a
	 * value can begin with ';' only as "key =;..."; written back as
	 * "key = ;...", it would read as empty (fuzz-state).
	 */
	if (value && value[0] == ';') {
		perr(p, "%s in [%s] begins with ';', which would read back as a comment", key,
		     section);
		return 1;
	}
	if (strlen(key) >= sizeof(p->last_key)) {
		perr(p, "unknown key '%.40s...' in [%s]", key, section);
		return 1;
	}
	if (!strcmp(section, p->last_section) && !strcmp(key, p->last_key)) {
		/* A continuation line: joined to the value before it. */
		if (strlen(p->acc) + strlen(value) + 2 > sizeof(p->acc)) {
			perr(p, "%s is longer than %zu characters", key, sizeof(p->acc) - 1);
			return 1;
		}
		strcat(p->acc, ",");
		strcat(p->acc, value);
	} else {
		int seen = key_seen(p, key);

		if (seen) {
			if (seen < 0)
				perr(p, "out of memory");
			else
				perr(p, "%s is given twice in [%s]", key, section);
			return 1;
		}
		snprintf(p->last_section, sizeof(p->last_section), "%s", section);
		snprintf(p->last_key, sizeof(p->last_key), "%s", key);
		snprintf(p->acc, sizeof(p->acc), "%s", value);
	}
	value = p->acc;
	if (!strcmp(section, "faults"))
		return fault_key(p, key, value);
	if (!strcmp(section, "host"))
		return host_key(p, key, value);
	if (!strcmp(section, "lpar") || !strcmp(section, "bus")) {
		bool bus = section[0] == 'b';

		if (bus)
			p->have_seen = true;
		if (!strcmp(key, "adapters")) {
			if (bus)
				ids_key(p, key, value, &s->seen_apm);
			else
				lpar_adapters(p, value, &s->lpar_apm);
		} else if (!strcmp(key, "usage_domains")) {
			ids_key(p, key, value, bus ? &s->seen_aqm : &s->lpar_aqm);
		} else if (!strcmp(key, "control_domains")) {
			ids_key(p, key, value, bus ? &s->seen_adm : &s->lpar_adm);
		} else {
			perr(p, "unknown key '%s' in [%s]", key, section);
		}
		return 1;
	}
	if (!strncmp(section, "adapter ", 8)) {
		struct apr_mask one;

		if (apr_ids_parse(section + 8, APR_BITS - 1, FILE_IDS | APR_IDS_SINGLE, &one, NULL,
				  NULL, NULL) ||
		    apr_mask_empty(&one)) {
			perr(p, "bad adapter ID in section [%s]", section);
			return 1;
		}
		a = apr_mask_next(&one, 0);
		p->adapter_keys[a] = true;
		return adapter_key(p, a, key, value);
	}
	if (!strncmp(section, "queue ", 6)) {
		if (!apr_queue_name(section + 6, &a, &q)) {
			perr(p, "bad APQN in section [%s] (expected e.g. [queue 05.0047])",
			     section);
			return 1;
		}
		keep_key(p, &p->qkeys, &p->nqkeys, a, q, key, value, 39);
		return 1;
	}
	if (!strncmp(section, "masterkeys ", 11))
		return masterkeys_key(p, section + 11, key, value);
	if (!strncmp(section, "mdev ", 5)) {
		if (!s->nmdevs || strcasecmp(s->mdev[s->nmdevs - 1].uuid, section + 5))
			return 1; /* its header was refused */
		return mdev_key(p, s->nmdevs - 1, key, value);
	}
	perr(p, "unknown section [%s]", section);
	return 1;
}

static void queue_key(struct parse *p, const struct qkey *k)
{
	struct apr_queue *sq = &p->s->q[k->a][k->q];
	unsigned long long u = 0;
	bool b;

	p->in.line = k->line;
	if (!sq->exists) {
		perr(p, "queue %02x.%04x does not exist (adapter or domain not on the bus)", k->a,
		     k->q);
		return;
	}
	if (!strcmp(k->key, "driver")) {
		if (!strcmp(k->val, "none"))
			sq->driver = APR_DRV_NONE;
		else if (!strcmp(k->val, "cex4queue"))
			sq->driver = APR_DRV_CEX4QUEUE;
		else if (!strcmp(k->val, "vfio_ap") && p->s->vfio_ap)
			sq->driver = APR_DRV_VFIO_AP;
		else
			perr(p, "driver must be none, cex4queue or vfio_ap (when loaded), not '%s'",
			     k->val);
	} else if (!strcmp(k->key, "reset_rc")) {
		if (parse_ull(k->val, &u) || u > 255)
			perr(p, "reset_rc must be an AP response code 0..0xff, not '%s'", k->val);
		sq->reset_rc = (unsigned char)u;
	} else if (!strcmp(k->key, "override")) {
		int v = strcmp(k->val, "none") ? apr_override_value(p->s, k->val) : APR_OVR_NONE;

		if (v < 0)
			perr(p,
			     "override must be none or a driver's name (1..%d letters, digits, _ . -; at most %d others than cex4queue and vfio_ap), not '%s'",
			     APR_OVERRIDE_NAME_MAX - 1, APR_OVERRIDE_OTHERS, k->val);
		else
			sq->override = (uint8_t)v;
	} else if (!strcmp(k->key, "request_count")) {
		if (parse_ull(k->val, &u))
			perr(p, "bad request_count '%s'", k->val);
		else if (u && sim_state_counts(p->st))
			perr(p, "out of memory");
		else if (u)
			p->st->req[k->a][k->q] = u;
	} else if (!strcmp(k->key, "config") || !strcmp(k->key, "chkstop") ||
		   !strcmp(k->key, "online") || !strcmp(k->key, "uninitiated")) {
		if (parse_bool(k->val, &b)) {
			perr(p, "%s: expected 0 or 1, not '%s'", k->key, k->val);
			return;
		}
		if (k->key[0] == 'c' && k->key[1] == 'o')
			sq->config = b;
		else if (k->key[0] == 'c')
			sq->chkstop = b;
		else if (k->key[0] == 'o')
			sq->online = b;
		else
			sq->uninitiated = b;
	} else {
		perr(p, "unknown key '%s' in [queue %02x.%04x]", k->key, k->a, k->q);
	}
}

static enum apr_drv default_driver(const struct apr_model *s, unsigned int a, unsigned int q)
{
	const struct apr_queue *sq = &s->q[a][q];

	if (s->profile >= APR_PROFILE_6_19 && sq->override)
		return sq->override == 2 && !s->vfio_ap ? APR_DRV_NONE
		       : sq->override <= 2		? (enum apr_drv)sq->override
							: APR_DRV_NONE;
	if (apr_mask_test(&s->apmask, a) && apr_mask_test(&s->aqmask, q))
		return APR_DRV_CEX4QUEUE;
	return s->vfio_ap ? APR_DRV_VFIO_AP : APR_DRV_NONE;
}

/* Build the devices the bus has seen and apply per-queue keys. */
static void finish(struct parse *p)
{
	struct apr_model *s = p->s;
	struct apr_mask all, m;

	apr_mask_fill(&all);
	if (p->have_apmask_spec && apr_mask_parse(p->apmask_spec, &all, &m) == 0)
		s->apmask = m;
	else if (p->have_apmask_spec)
		perr(p, "apmask '%s' is not valid mask syntax", p->apmask_spec);
	if (p->have_aqmask_spec && apr_mask_parse(p->aqmask_spec, &all, &m) == 0)
		s->aqmask = m;
	else if (p->have_aqmask_spec)
		perr(p, "aqmask '%s' is not valid mask syntax", p->aqmask_spec);
	if (!p->have_seen) {
		s->seen_apm = s->lpar_apm;
		s->seen_aqm = s->lpar_aqm;
		s->seen_adm = s->lpar_adm;
	}
	for (unsigned int a = 0; a < APR_BITS; a++) {
		struct apr_card *ad = &s->card[a];

		if (p->adapter_keys[a] && !ad->type && !apr_mask_test(&s->seen_apm, a)) {
			perr(p, "[adapter 0x%02x] is not in the LPAR", a);
			continue;
		}
		ad->se_config = p->ad_se_config[a] >= 0 ? p->ad_se_config[a]
				: p->ad_config[a] >= 0	? p->ad_config[a]
							: 1;
		ad->config = p->ad_config[a] >= 0 ? p->ad_config[a] : ad->se_config;
		ad->se_chkstop = p->ad_se_chkstop[a] >= 0 ? p->ad_se_chkstop[a]
				 : p->ad_chkstop[a] >= 0  ? p->ad_chkstop[a]
							  : 0;
		ad->chkstop = p->ad_chkstop[a] >= 0 ? p->ad_chkstop[a] : ad->se_chkstop;
		ad->online = p->ad_online[a] >= 0 ? p->ad_online[a] : 1;
		ad->request_count = p->ad_requests[a];
		ad->present = ad->type && apr_mask_test(&s->seen_apm, a) && a <= s->max_apid;
		ad->bound = ad->present && p->ad_card_driver[a] != 0;
		if (!ad->present)
			continue;
		for (unsigned int q = 0; q < APR_BITS; q++) {
			struct apr_queue *sq = &s->q[a][q];

			if (!apr_mask_test(&s->seen_aqm, q) || q > s->max_apqi)
				continue;
			sq->exists = 1;
			sq->config = ad->config;
			sq->chkstop = ad->chkstop;
			sq->online = ad->online;
		}
	}
	for (unsigned int i = 0; i < p->nakeys; i++) {
		const struct qkey *k = &p->akeys[i];
		int rc = apr_card_info_set(s, k->a, k->key, k->val);

		p->in.line = k->line;
		if (rc == -ENODEV)
			perr(p, "%s: adapter 0x%02x is no %s card", k->key, k->a,
			     strcmp(k->key, "serialnr") ? "EP11" : "CCA or EP11");
		else if (rc)
			perr(p,
			     "%s = %s: expected serialnr = 1..8 (CCA) or 1..16 (EP11) letters and digits, api_ordinalnr = N, fw_version = MAJOR.MINOR, op_modes = FIPS2009 ...",
			     k->key, k->val);
	}
	/* Overrides first: they decide the default binding on 6.19. */
	for (unsigned int i = 0; i < p->nqkeys; i++)
		if (!strcmp(p->qkeys[i].key, "override"))
			queue_key(p, &p->qkeys[i]);
	/* Only a present adapter has queues (its loop above made them). */
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; s->card[a].present && q < APR_BITS; q++)
			if (s->q[a][q].exists)
				s->q[a][q].driver = default_driver(s, a, q);
	for (unsigned int i = 0; i < p->nqkeys; i++)
		if (strcmp(p->qkeys[i].key, "override"))
			queue_key(p, &p->qkeys[i]);
}

/* The kernel never lets an APQN into two mdevs (vfio_ap_mdev_verify_no_sharing). */
static void check_mdevs(struct parse *p)
{
	struct apr_model *s = p->s;
	struct apr_host h;
	struct apr_mask filtered;
	int group = 0;

	for (unsigned int i = 0; i < s->nmdevs; i++) {
		struct apr_mdev *m = &s->rm[i];

		for (unsigned int j = i + 1; j < s->nmdevs; j++) {
			struct apr_mask a, q;

			apr_mask_and(&a, &m->apm, &s->rm[j].apm);
			apr_mask_and(&q, &m->aqm, &s->rm[j].aqm);
			if (!apr_mask_empty(&a) && !apr_mask_empty(&q)) {
				p->in.line = p->mdev_line[j];
				perr(p, "APQN %02x.%04x is in mdev %s and in mdev %s",
				     apr_mask_next(&a, 0), apr_mask_next(&q, 0), s->mdev[i].uuid,
				     s->mdev[j].uuid);
			}
		}
		if (apr_mask_next(&m->apm, s->max_apid + 1) < APR_BITS ||
		    apr_mask_next(&m->aqm, s->max_apqi + 1) < APR_BITS ||
		    apr_mask_next(&m->adm, s->max_apqi + 1) < APR_BITS) {
			p->in.line = p->mdev_line[i];
			perr(p, "mdev %s has IDs above max_adapter_id/max_domain_id",
			     s->mdev[i].uuid);
		}
		if (m->attached && s->mdev[i].unplugged) {
			p->in.line = p->mdev_line[i];
			perr(p,
			     "mdev %s: a guest either holds it (guest) or runs on without it (unplugged), not both",
			     s->mdev[i].uuid);
		}
		if (s->mdev[i].secure && !m->attached && !s->mdev[i].unplugged) {
			p->in.line = p->mdev_line[i];
			perr(p, "mdev %s: guest_secure says what its guest is, and it has none",
			     s->mdev[i].uuid);
		}
		for (unsigned int j = 0; j < i; j++)
			if (m->attached && s->rm[j].attached &&
			    !strcmp(s->mdev[i].guest, s->mdev[j].guest)) {
				p->in.line = p->mdev_line[i];
				perr(p, "guest %s holds two mdevs (%s, %s); one per guest",
				     s->mdev[i].guest, s->mdev[j].uuid, s->mdev[i].uuid);
			}
		if (s->mdev[i].group >= group)
			group = s->mdev[i].group + 1;
	}
	if (s->next_group < group)
		s->next_group = group;
	for (unsigned int i = 0; i < s->nmdevs; i++)
		if (s->mdev[i].group < 0)
			s->mdev[i].group = s->next_group++;
	/* Shadows not stored are what the filter gives now. */
	apr_model_rules_host(s, &h);
	for (unsigned int i = 0; i < s->nmdevs; i++) {
		struct apr_mdev t = s->rm[i];

		apr_filter(&h, &t, &filtered);
		apr_filter_cdoms(&h, &t);
		if (!(p->shadow_flags[i] & HAVE_SHADOW_APM))
			s->rm[i].sapm = t.sapm;
		if (!(p->shadow_flags[i] & HAVE_SHADOW_AQM))
			s->rm[i].saqm = t.saqm;
		if (!(p->shadow_flags[i] & HAVE_SHADOW_ADM))
			s->rm[i].sadm = t.sadm;
	}
}

int sim_state_parse(struct apm_ctx *ctx, const char *name, FILE *f, struct sim_state *st)
{
	struct parse *p = calloc(1, sizeof(*p));
	struct apr_model *s = &st->m;
	int rc;

	if (!p)
		return -ENOMEM;
	p->ctx = ctx;
	p->st = st;
	p->s = s;
	ini_lines_init(&p->in, f, name);
	for (int i = 0; i < APR_BITS; i++)
		p->ad_config[i] = p->ad_se_config[i] = p->ad_chkstop[i] = p->ad_se_chkstop[i] =
			p->ad_online[i] = p->ad_card_driver[i] = -1;
	s->profile = APR_PROFILE_6_13;
	s->max_apid = s->max_apqi = 255;
	snprintf(s->features, sizeof(s->features), "APSC APXA QACT RC8A");
	s->vfio_ap = true;
	s->sclp = true;
	apr_mask_fill(&s->apmask);
	apr_mask_fill(&s->aqmask);
	s->ap_domain = -1;
	s->config_time = 30;
	s->poll_timeout = 250000;
	s->scans = 1;
	s->complete_count = 1;
	s->bindings_armed = false;

	rc = ini_parse_stream(ini_lines_reader, p, handler, p);
	if (rc > 0 && !p->errors) {
		p->in.line = rc;
		perr(p, "syntax error (expected [section] or key = value)");
	} else if (rc < 0) {
		perr(p, "cannot parse: %s", rc == -2 ? "out of memory" : "read error");
	}
	if (!p->errors)
		finish(p);
	if (!p->errors)
		check_mdevs(p);
	rc = p->errors ? -EINVAL : 0;
	forget_keys(p);
	free(p->keys);
	free(p->qkeys);
	free(p->akeys);
	free(p->shadow_flags);
	free(p->mdev_line);
	free(p);
	return rc;
}

/* ------------------------------------------------------------- writing */

/*
 * The first and the last line of every file apmatrix writes: a file that
 * starts with the one and lacks the other was cut short.
 */
static const char header[] = "; apmatrix simulated host state (doc/scenario.md)";
static const char end_marker[] = "; end of the apmatrix state";

/*
 * inih (as Debian builds it) reads at most 200 bytes a line: long lists are
 * continued on indented lines, which the parser joins with ','.
 */
struct wrap {
	FILE *f;
	int col;
	bool first;
};

static void wrap_item(struct wrap *w, const char *item)
{
	int len = (int)strlen(item);

	if (!w->first && w->col + len + 1 > 160) {
		fputs("\n\t", w->f);
		w->col = 8;
	} else if (!w->first) {
		fputc(',', w->f);
		w->col++;
	}
	fputs(item, w->f);
	w->col += len;
	w->first = false;
}

static void put_ids(FILE *f, const char *key, const struct apr_mask *m)
{
	struct wrap w = { .f = f, .first = true };
	char item[24];

	w.col = fprintf(f, "%s = ", key);
	for (unsigned int a = apr_mask_next(m, 0); a < APR_BITS;) {
		unsigned int z = a;

		while (z + 1 < APR_BITS && apr_mask_test(m, z + 1))
			z++;
		if (z == a)
			snprintf(item, sizeof(item), "0x%02x", a);
		else
			snprintf(item, sizeof(item), "0x%02x-0x%02x", a, z);
		wrap_item(&w, item);
		a = apr_mask_next(m, z + 1);
	}
	fputc('\n', f);
}

static void put_mask(FILE *f, const char *key, const struct apr_mask *m)
{
	char t[APR_MASK_STRLEN + 1];

	apr_mask_format(m, t);
	fprintf(f, "%s = %s\n", key, t);
}

/* The registers set apart, a [masterkeys] section per APQN or domain. */
static void put_masterkeys(FILE *f, const struct apr_model *s)
{
	bool done[APR_MK_SETS] = { false };

	for (unsigned int i = 0; i < APR_MK_SETS; i++) {
		char line[160], *key, *val;

		if (!s->mk[i].used || done[i])
			continue;
		apr_mk_format(&s->mk[i], line, sizeof(line));
		key = strchr(line, ' ');
		*key = '\0';
		fprintf(f, "\n[masterkeys %s]\n", line);
		for (unsigned int j = i; j < APR_MK_SETS; j++) {
			if (!s->mk[j].used || s->mk[j].apid != s->mk[i].apid ||
			    s->mk[j].apqi != s->mk[i].apqi)
				continue;
			done[j] = true;
			apr_mk_format(&s->mk[j], line, sizeof(line));
			key = strchr(line, ' ') + 1;
			val = strchr(key, ' ');
			*val++ = '\0';
			fprintf(f, "%s = %s\n", key, val);
		}
	}
}

int sim_state_write(const struct sim_state *st, FILE *f)
{
	const struct apr_model *s = &st->m;
	struct wrap w = { .f = f, .first = true };
	char item[24];

	fprintf(f, "%s\n[host]\n", header);
	fprintf(f, "profile = %s\n", apr_profile_name(s->profile));
	fprintf(f, "max_adapter_id = %u\nmax_domain_id = %u\n", s->max_apid, s->max_apqi);
	fprintf(f, "features = %s\n", s->features);
	put_mask(f, "apmask", &s->apmask);
	put_mask(f, "aqmask", &s->aqmask);
	fprintf(f, "ap_domain = %d\nconfig_time = %d\npoll_thread = %d\npoll_timeout = %llu\n",
		s->ap_domain, s->config_time, s->poll_thread, (unsigned long long)s->poll_timeout);
	fprintf(f, "scans = %llu\ncomplete_count = %llu\nbindings_armed = %s\n",
		(unsigned long long)s->scans, (unsigned long long)s->complete_count,
		s->bindings_armed ? "yes" : "no");
	fprintf(f, "vfio_ap = %s\nsclp = %s\nnext_iommu_group = %d\n", s->vfio_ap ? "yes" : "no",
		s->sclp ? "yes" : "no", s->next_group);
	if (s->mk_seed)
		fprintf(f, "mk_seed = %u\n", s->mk_seed);
	if (s->serial_seed)
		fprintf(f, "serial_seed = %u\n", s->serial_seed);
	if (s->host_name[0])
		fprintf(f, "name = %s\n", s->host_name);

	w.col = fprintf(f, "\n[lpar]\nadapters = ");
	for (unsigned int a = 0; a < APR_BITS; a++)
		if (apr_mask_test(&s->lpar_apm, a) && s->card[a].type) {
			snprintf(item, sizeof(item), "0x%02x:%s", a, s->card[a].type->name);
			wrap_item(&w, item);
		}
	fputc('\n', f);
	put_ids(f, "usage_domains", &s->lpar_aqm);
	put_ids(f, "control_domains", &s->lpar_adm);
	fprintf(f, "\n[bus]\n");
	put_ids(f, "adapters", &s->seen_apm);
	put_ids(f, "usage_domains", &s->seen_aqm);
	put_ids(f, "control_domains", &s->seen_adm);

	for (unsigned int a = 0; a < APR_BITS; a++) {
		const struct apr_card *ad = &s->card[a];

		char lines[512];

		if (!ad->type ||
		    (ad->config && ad->se_config && !ad->chkstop && !ad->se_chkstop && ad->online &&
		     !ad->request_count && (ad->bound || !ad->present) && !ad->info_set))
			continue;
		fprintf(f, "\n[adapter 0x%02x]\nconfig = %d\nse_config = %d\n", a, ad->config,
			ad->se_config);
		fprintf(f, "chkstop = %d\nse_chkstop = %d\nonline = %d\n", ad->chkstop,
			ad->se_chkstop, ad->online);
		if (ad->request_count)
			fprintf(f, "request_count = %llu\n", (unsigned long long)ad->request_count);
		if (ad->present && !ad->bound)
			fprintf(f, "card_driver = none\n");
		/* "0x05 KEY VALUE" lines, as card_info shows them: KEY = VALUE here. */
		apr_card_info_format(s, a, lines, sizeof(lines));
		for (char *l = lines, *nl; *l; l = nl + 1) {
			char *key = strchr(l, ' ') + 1, *val = strchr(key, ' ');

			nl = strchr(l, '\n');
			*nl = '\0';
			*val++ = '\0';
			fprintf(f, "%s = %s\n", key, val);
		}
	}
	/*
	 * The queues that differ from what the reader derives: a queue exists
	 * exactly on a present adapter for the domains the bus saw (finish()),
	 * so only a present adapter's are written (the reader refuses others).
	 */
	for (unsigned int a = 0; a < APR_BITS; a++) {
		const struct apr_card *ad = &s->card[a];

		for (unsigned int q = 0; ad->present && q < APR_BITS; q++) {
			const struct apr_queue *sq = &s->q[a][q];
			enum apr_drv d;

			if (!sq->exists)
				continue;
			d = default_driver(s, a, q);
			if (sq->driver == d && sq->config == ad->config &&
			    sq->chkstop == ad->chkstop && sq->online == ad->online &&
			    !sq->reset_rc && !sq->override && !(st->req && st->req[a][q]) &&
			    !sq->uninitiated)
				continue;
			fprintf(f, "\n[queue %02x.%04x]\n", a, q);
			if (sq->override)
				fprintf(f, "override = %s\n", apr_queue_override_name(s, a, q));
			fprintf(f, "driver = %s\n",
				sq->driver == APR_DRV_CEX4QUEUE ? "cex4queue"
				: sq->driver == APR_DRV_VFIO_AP ? "vfio_ap"
								: "none");
			fprintf(f, "config = %d\nchkstop = %d\nonline = %d\n", sq->config,
				sq->chkstop, sq->online);
			if (sq->reset_rc)
				fprintf(f, "reset_rc = 0x%02x\n", sq->reset_rc);
			if (st->req && st->req[a][q])
				fprintf(f, "request_count = %llu\n",
					(unsigned long long)st->req[a][q]);
			if (sq->uninitiated)
				fprintf(f, "uninitiated = 1\n");
		}
	}
	put_masterkeys(f, s);
	for (unsigned int i = 0; i < s->nmdevs; i++) {
		const struct apr_mdev *m = &s->rm[i];

		fprintf(f, "\n[mdev %s]\n", s->mdev[i].uuid);
		put_ids(f, "adapters", &m->apm);
		put_ids(f, "domains", &m->aqm);
		put_ids(f, "control_domains", &m->adm);
		/* The guest's shadow depends on history (unassign does not re-filter): store it. */
		put_ids(f, "guest_adapters", &m->sapm);
		put_ids(f, "guest_domains", &m->saqm);
		put_ids(f, "guest_control_domains", &m->sadm);
		fprintf(f, "iommu_group = %d\n", s->mdev[i].group);
		if (m->attached)
			fprintf(f, "guest = %s\n", s->mdev[i].guest);
		else if (s->mdev[i].unplugged)
			fprintf(f, "unplugged = %s\n", s->mdev[i].guest);
		if ((m->attached || s->mdev[i].unplugged) && s->mdev[i].secure)
			fprintf(f, "guest_secure = yes\n");
		if (s->mdev[i].ignore_release)
			fprintf(f, "ignore_release = yes\n");
	}
	for (unsigned int i = 0, first = 1; i < APR_FAULTS; i++) {
		const struct apr_fault *t = &s->fault[i];
		char num[16];

		if (!t->path[0])
			continue;
		fprintf(f, "%s%s = %s %u\n", first ? "\n[faults]\n" : "", t->path,
			apr_fault_answer(t, num, sizeof(num)), t->count);
		first = 0;
	}
	fprintf(f, "%s\n", end_marker);
	return ferror(f) ? -EIO : 0;
}

int sim_state_incomplete(const char *text, size_t len)
{
	size_t hl = strlen(header), el = strlen(end_marker), end = len;
	int lines = 0;

	if (!len)
		return 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (len < hl + 1 || memcmp(text, header, hl) || text[hl] != '\n')
		return 0; /* written by hand: nothing tells where it should end */
	if (end && text[end - 1] == '\n')
		end--;
	if (end >= el && !memcmp(text + end - el, end_marker, el) &&
	    (end == el || text[end - el - 1] == '\n'))
		return 0;
	return lines + (text[len - 1] != '\n');
}
