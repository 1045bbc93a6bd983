// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zcrypt.c - what zcrypt's card and queue drivers tell about a card in the
 * kernel model: CCA and EP11 serial numbers, the EP11 card's API ordinal,
 * firmware version and operational modes, and every queue's master-key
 * verification patterns (zcrypt_cex4.c: cca_serialnr_show, cca_mkvps_show,
 * ep11_api_ordinalnr_show, ep11_fw_version_show, ep11_serialnr_show,
 * ep11_card_op_modes_show, ep11_mkvps_show, ep11_queue_op_modes_show),
 * in the kernel's formats (see model.h).
 *
 * 65,536 queues with eleven registers each would not fit a model that is
 * copied for every prediction, so the values derive from two seeds of the
 * host: mk_seed gives every domain its master keys, the same on every
 * adapter of the domain (as a host's domain usually carries them);
 * serial_seed gives every card its serial number.  A bounded table sets
 * single registers apart, of one APQN or of a whole domain, and a card's
 * facts can be set one by one.  Two hosts with the same seeds have the
 * same keys; a different seed, or one register set apart, makes them
 * differ exactly there.
 *
 * Freestanding: kmod/ compiles this very file.
 */
#include "model.h"

static int refuse(struct apr_model *m, int err, enum apr_why why, unsigned int apid,
		  unsigned int apqi)
{
	struct apr_refusal r = { .err = err, .why = why, .apid = apid, .apqi = apqi, .mdev = -1 };

	m->why = r;
	return err;
}

/* ------------------------------------------------------------- output */

struct out {
	char *buf;
	unsigned long size, len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
	if (o->size)
		o->buf[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

static void out_uint(struct out *o, unsigned long long v)
{
	char d[24];
	unsigned int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out_char(o, d[--n]);
}

static void out_hex(struct out *o, const uint8_t *v, unsigned int n)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		out_char(o, hex[v[i] >> 4]);
		out_char(o, hex[v[i] & 15]);
	}
}

static void out_id(struct out *o, unsigned int v, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits--)
		out_char(o, hex[(v >> (4 * digits)) & 15]);
}

/* ---------------------------------------------------------- registers */

static const char *const mk_keys[APR_MK_COUNT + 1] = {
	"aes_new",  "aes_cur",	"aes_old",  "apka_new", "apka_cur", "apka_old",
	"asym_new", "asym_cur", "asym_old", "wk_cur",	"wk_new",   "op_modes",
};

static const char *const mk_labels[APR_MK_COUNT] = {
	"AES NEW",  "AES CUR",	"AES OLD",  "APKA NEW", "APKA CUR", "APKA OLD",
	"ASYM NEW", "ASYM CUR", "ASYM OLD", "WK CUR",	"WK NEW",
};

static const char *const state_names[] = {
	[APR_MKS_NONE] = "-",
	[APR_MKS_EMPTY] = "empty",
	[APR_MKS_PARTIAL] = "partial",
	[APR_MKS_FULL] = "full",
	[APR_MKS_INVALID] = "invalid",
	[APR_MKS_VALID] = "valid",
	[APR_MKS_UNCOMMITTED] = "uncommitted",
	[APR_MKS_COMMITTED] = "committed",
};

const char *apr_mk_key(enum apr_mk r)
{
	return r <= APR_MK_COUNT ? mk_keys[r] : "";
}

const char *apr_mk_label(enum apr_mk r)
{
	return r < APR_MK_COUNT ? mk_labels[r] : "";
}

int apr_mk_lookup(const char *key)
{
	for (int r = 0; r <= APR_MK_COUNT; r++)
		if (apr_streq(key, mk_keys[r]))
			return r;
	return -EINVAL;
}

static bool is_wk(enum apr_mk r)
{
	return r == APR_MK_WK_CUR || r == APR_MK_WK_NEW;
}

/* A pattern's bytes: AES and APKA 8, ASYM 16 (two u64 words), the EP11 wrapping key 32. */
static unsigned int mk_len(enum apr_mk r)
{
	if (is_wk(r))
		return 32;
	return r >= APR_MK_ASYM_NEW ? 16 : 8;
}

/* The states each register takes (zcrypt_cex4.c: new_state, cao_state, cwk_state, nwk_state). */
static bool state_ok(enum apr_mk r, unsigned int st)
{
	if (st == APR_MKS_NONE)
		return true;
	if (r == APR_MK_WK_NEW)
		return st == APR_MKS_EMPTY || st == APR_MKS_UNCOMMITTED || st == APR_MKS_COMMITTED;
	if (r == APR_MK_WK_CUR || r % 3 != 0)
		return st == APR_MKS_INVALID || st == APR_MKS_VALID;
	return st == APR_MKS_EMPTY || st == APR_MKS_PARTIAL || st == APR_MKS_FULL;
}

/* Does the kernel print the pattern in this state?  EP11's invalid and empty print "-". */
static bool shows_pattern(enum apr_mk r, unsigned int st)
{
	if (st == APR_MKS_NONE)
		return false;
	if (is_wk(r))
		return st != APR_MKS_INVALID && st != APR_MKS_EMPTY;
	return true;
}

/* splitmix64: well-spread patterns from small numbers. */
static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * What the seed gives: NEW registers empty, CUR valid with the seed's
 * pattern for the domain, OLD valid with the previous generation's (the
 * key the current one replaced).
 */
static void derive(const struct apr_model *m, unsigned int q, enum apr_mk r, struct apr_mkvp *v)
{
	struct apr_mkvp zero = { .state = APR_MKS_EMPTY };
	uint32_t gen = m->mk_seed;
	unsigned int family = is_wk(r) ? 3 : r / 3, n = mk_len(r);

	*v = zero;
	if (r == APR_MK_WK_NEW || (!is_wk(r) && r % 3 == 0))
		return;
	if (!is_wk(r) && r % 3 == 2)
		gen--;
	v->state = APR_MKS_VALID;
	for (unsigned int w = 0; w < n / 8; w++) {
		uint64_t x = mix(((uint64_t)gen << 32) ^ (q << 16) ^ (family << 8) ^ w);

		for (unsigned int b = 0; b < 8; b++)
			v->vp[APR_MKVP_MAX - n + 8 * w + b] = (uint8_t)(x >> (56 - 8 * b));
	}
}

static const struct apr_mk_set *find_set(const struct apr_model *m, unsigned int a, unsigned int q,
					 unsigned int r)
{
	for (unsigned int i = 0; i < APR_MK_SETS; i++) {
		const struct apr_mk_set *e = &m->mk[i];

		if (e->used && e->reg == r && e->apid == a && e->apqi == q)
			return e;
	}
	return NULL;
}

static const struct apr_mk_set *lookup(const struct apr_model *m, unsigned int a, unsigned int q,
				       unsigned int r)
{
	const struct apr_mk_set *e = find_set(m, a, q, r);

	return e ? e : find_set(m, APR_MK_ANY, q, r);
}

void apr_queue_mkvp(const struct apr_model *m, unsigned int a, unsigned int q, enum apr_mk r,
		    struct apr_mkvp *v)
{
	const struct apr_mk_set *e = lookup(m, a, q, r);

	if (e)
		*v = e->v;
	else
		derive(m, q, r, v);
}

uint16_t apr_queue_op_modes(const struct apr_model *m, unsigned int a, unsigned int q)
{
	const struct apr_mk_set *e = lookup(m, a, q, APR_MK_OP_MODES);

	return e ? (uint16_t)(e->v.vp[0] << 8 | e->v.vp[1]) : 0;
}

/* What separates the words of a master-key or card-info line: blanks and commas. */
#define SEPS " \t\n,"

static bool blank(char c)
{
	return apr_char_in(c, SEPS);
}

int apr_mkvp_parse(enum apr_mk r, const char *text, struct apr_mkvp *v)
{
	struct apr_mkvp res = { 0 };
	char w[80];
	const char *p = text, *h;
	unsigned int st, n = mk_len(r), digits = 0;

	if (r >= APR_MK_COUNT || !apr_next_word(&p, SEPS, w, sizeof(w)))
		return -EINVAL;
	for (st = 0; st < sizeof(state_names) / sizeof(state_names[0]); st++)
		if (apr_streq(w, state_names[st]))
			break;
	if (st == sizeof(state_names) / sizeof(state_names[0]) || !state_ok(r, st))
		return -EINVAL;
	res.state = (uint8_t)st;
	if (apr_next_word(&p, SEPS, w, sizeof(w))) {
		if (!shows_pattern(r, st) || w[0] != '0' || (w[1] != 'x' && w[1] != 'X'))
			return -EINVAL;
		for (h = w + 2; *h; h++, digits++)
			if (apr_hexval(*h) < 0)
				return -EINVAL;
		if (!digits || digits > 2 * n)
			return -EINVAL;
		/* Right-aligned in the register's length, as a number. */
		for (unsigned int i = 0; i < digits; i++) {
			unsigned int nib = APR_MKVP_MAX * 2 - digits + i;

			res.vp[nib / 2] |= (uint8_t)(apr_hexval(w[2 + i]) << (nib % 2 ? 0 : 4));
		}
	}
	if (apr_next_word(&p, SEPS, w, sizeof(w)))
		return -EINVAL;
	*v = res;
	return 0;
}

void apr_mkvp_format(enum apr_mk r, const struct apr_mkvp *v, char *buf)
{
	struct out o = { .buf = buf, .size = APR_MKVP_STRLEN };
	unsigned int n = mk_len(r);

	out_str(&o, v->state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[v->state]
									    : "-");
	if (shows_pattern(r, v->state)) {
		out_str(&o, " 0x");
		out_hex(&o, v->vp + APR_MKVP_MAX - n, n);
	}
}

/* ------------------------------------------------------------ op modes */

/* zcrypt_cex4.c: ep11_op_modes, the newest kernel's table (6.1 had bits 0-3 and 6). */
static const char *const op_mode_names[] = {
	"FIPS2009", "BSI2009",	 "FIPS2011", "BSI2011",	 "SIGG-IMPORT",
	"SIGG",	    "BSICC2017", "FIPS2021", "FIPS2024",
};

#define OP_MODES (sizeof(op_mode_names) / sizeof(op_mode_names[0]))

int apr_op_modes_parse(const char *text, uint16_t *bits)
{
	const char *p = text;
	uint16_t res = 0;
	char w[24];
	bool none = false;
	unsigned int n = 0;

	while (apr_next_word(&p, SEPS, w, sizeof(w))) {
		unsigned int b;

		n++;
		if (apr_streq(w, "-")) {
			none = true;
			continue;
		}
		for (b = 0; b < OP_MODES && !apr_streq(w, op_mode_names[b]); b++)
			;
		if (b == OP_MODES)
			return -EINVAL;
		res |= (uint16_t)(1u << b);
	}
	while (blank(*p))
		p++;
	if (*p || (none && n > 1))
		return -EINVAL;
	*bits = res;
	return 0;
}

/* ep11_card_op_modes_show: the names of the set bits, one blank apart. */
static void out_op_modes(struct out *o, uint16_t bits)
{
	bool first = true;

	for (unsigned int b = 0; b < OP_MODES; b++)
		if (bits & (1u << b)) {
			if (!first)
				out_char(o, ' ');
			out_str(o, op_mode_names[b]);
			first = false;
		}
}

unsigned long apr_op_modes_format(uint16_t bits, char *buf, unsigned long size)
{
	struct out o = { .buf = buf, .size = size };

	if (size)
		buf[0] = '\0';
	if (!bits)
		out_char(&o, '-');
	out_op_modes(&o, bits);
	return o.len;
}

/* ---------------------------------------------------- registers set apart */

int apr_mk_set(struct apr_model *m, unsigned int a, unsigned int q, int r, const char *text)
{
	struct apr_mk_set *e = (struct apr_mk_set *)find_set(m, a, q, (unsigned int)r);
	struct apr_mkvp v = { .state = APR_MKS_VALID };
	uint16_t bits;

	if ((a > APR_BITS - 1 && a != APR_MK_ANY) || q > APR_BITS - 1 || r < 0 ||
	    r > APR_MK_OP_MODES)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, q);
	while (*text == ' ' || *text == '\t')
		text++;
	if (apr_streq(text, "off") || apr_streq(text, "off\n")) {
		if (e)
			e->used = false;
		return 0;
	}
	if (r == APR_MK_OP_MODES) {
		if (apr_op_modes_parse(text, &bits))
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, q);
		v.vp[0] = (uint8_t)(bits >> 8);
		v.vp[1] = (uint8_t)bits;
	} else if (apr_mkvp_parse((enum apr_mk)r, text, &v)) {
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, q);
	}
	for (unsigned int i = 0; !e && i < APR_MK_SETS; i++)
		if (!m->mk[i].used)
			e = &m->mk[i];
	if (!e)
		return refuse(m, -ENOSPC, APR_WHY_FULL, a, q);
	e->used = true;
	e->reg = (uint8_t)r;
	e->apid = (uint16_t)a;
	e->apqi = (uint16_t)q;
	e->v = v;
	return 0;
}

/* "05.0047" or "*.0047". */
static bool apqn_or_domain(const char *s, unsigned int *a, unsigned int *q)
{
	char name[10];
	unsigned int i;

	if (s[0] == '*' && s[1] == '.') {
		name[0] = '0';
		name[1] = '0';
		for (i = 1; i < 8 && s[i]; i++)
			name[i + 1] = s[i];
		name[i + 1] = '\0';
		if (!apr_queue_name(name, a, q))
			return false;
		*a = APR_MK_ANY;
		return true;
	}
	return apr_queue_name(s, a, q);
}

int apr_mk_store(struct apr_model *m, const char *buf)
{
	const char *p = buf;
	char where[16], key[16];
	unsigned int a, q;
	int r;

	if (!apr_next_word(&p, SEPS, where, sizeof(where)) || !apqn_or_domain(where, &a, &q) ||
	    !apr_next_word(&p, SEPS, key, sizeof(key)))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	r = apr_mk_lookup(key);
	if (r < 0)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	return apr_mk_set(m, a, q, r, p);
}

unsigned long apr_mk_format(const struct apr_mk_set *e, char *buf, unsigned long size)
{
	struct out o = { .buf = buf, .size = size };
	char v[APR_MKVP_STRLEN];

	if (size)
		buf[0] = '\0';
	if (e->apid == APR_MK_ANY)
		out_char(&o, '*');
	else
		out_id(&o, e->apid, 2);
	out_char(&o, '.');
	out_id(&o, e->apqi, 4);
	out_char(&o, ' ');
	out_str(&o, apr_mk_key((enum apr_mk)e->reg));
	out_char(&o, ' ');
	if (e->reg == APR_MK_OP_MODES) {
		apr_op_modes_format((uint16_t)(e->v.vp[0] << 8 | e->v.vp[1]), v, sizeof(v));
		out_str(&o, v);
	} else {
		apr_mkvp_format((enum apr_mk)e->reg, &e->v, v);
		out_str(&o, v);
	}
	return o.len;
}

/* ------------------------------------------------------------- cards */

static bool mode_is(const struct apr_card *c, const char *mode)
{
	return c->type && apr_streq(c->type->mode, mode);
}

/* CEX4 .. CEX8 from hwtype 10 .. 14 (ap_bus.h: AP_DEVICE_TYPE_CEX4 ...). */
static unsigned int generation(const struct apr_card *c)
{
	return c->type ? c->type->hwtype - 6 : 0;
}

/* "93AA" and letters and digits from serial_seed: distinct per card and per host seed. */
static void derived_serial(const struct apr_model *m, unsigned int a, unsigned int len, char *s)
{
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	uint64_t x = mix(((uint64_t)m->serial_seed << 32) ^ (a << 8) ^ 0x5e);

	s[0] = '9';
	s[1] = '3';
	s[2] = 'A';
	s[3] = 'A';
	for (unsigned int i = 4; i < len; i++) {
		if (i == 12)
			x = mix(x);
		s[i] = alnum[x % (sizeof(alnum) - 1)];
		x /= sizeof(alnum) - 1;
	}
	s[len] = '\0';
}

static void card_serial(const struct apr_model *m, unsigned int a, char *s)
{
	const struct apr_card *c = &m->card[a];
	unsigned int len = mode_is(c, "ep11") ? 16 : 8;

	if (c->info_set & APR_INFO_SERIAL)
		apr_strlcpy(s, c->serial, len + 1);
	else
		derived_serial(m, a, len, s);
}

/* The simulated cards' EP11 module facts (not measured on real hardware). */
static uint16_t card_api(const struct apr_card *c)
{
	return (c->info_set & APR_INFO_API) ? c->api_ordinal : (uint16_t)(generation(c) - 1);
}

static uint16_t card_fw(const struct apr_card *c)
{
	return (c->info_set & APR_INFO_FW) ? c->fw_version : (uint16_t)(generation(c) << 8 | 1);
}

/* A card answers zcrypt's queries when configured and not checkstopped. */
static bool card_answers(const struct apr_card *c)
{
	return c->config && !c->chkstop;
}

bool apr_card_has_attr(const struct apr_model *m, unsigned int a, const char *name)
{
	const struct apr_card *c = &m->card[a];

	if (!c->present || !c->bound)
		return false;
	if (mode_is(c, "cca"))
		return apr_streq(name, "serialnr");
	if (mode_is(c, "ep11"))
		return apr_streq(name, "serialnr") || apr_streq(name, "API_ordinalnr") ||
		       apr_streq(name, "FW_version") || apr_streq(name, "op_modes");
	return false;
}

unsigned long apr_card_zcrypt_show(const struct apr_model *m, unsigned int a, const char *name,
				   char *buf, unsigned long size)
{
	const struct apr_card *c = &m->card[a];
	const struct apr_queue *dq = m->ap_domain >= 0 ? &m->q[a][m->ap_domain] : NULL;
	struct out o = { .buf = buf, .size = size };
	bool answers = card_answers(c);
	char serial[APR_SERIAL_MAX + 1];

	if (size)
		buf[0] = '\0';
	if (apr_streq(name, "serialnr") && mode_is(c, "cca")) {
		/* cca_serialnr_show asks the default domain's queue (ap_domain_index). */
		if (answers && dq && dq->exists && dq->config && !dq->chkstop) {
			card_serial(m, a, serial);
			out_str(&o, serial);
		}
	} else if (apr_streq(name, "serialnr")) {
		/* ep11_serialnr_show: "%16.16s", right-aligned in 16. */
		if (answers) {
			card_serial(m, a, serial);
			for (unsigned long n = apr_strlen(serial); n < 16; n++)
				out_char(&o, ' ');
			out_str(&o, serial);
		}
	} else if (apr_streq(name, "API_ordinalnr")) {
		if (answers && card_api(c))
			out_uint(&o, card_api(c));
	} else if (apr_streq(name, "FW_version")) {
		if (answers && card_fw(c)) {
			out_uint(&o, card_fw(c) >> 8);
			out_char(&o, '.');
			out_uint(&o, card_fw(c) & 0xff);
		}
	} else if (apr_streq(name, "op_modes")) {
		if (answers)
			out_op_modes(&o, (c->info_set & APR_INFO_OP_MODES) ? c->op_modes : 0);
	}
	out_char(&o, '\n');
	return o.len;
}

static bool card_word(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int apr_card_info_set(struct apr_model *m, unsigned int a, const char *key, const char *value)
{
	struct apr_card *c = &m->card[a < APR_BITS ? a : 0];
	unsigned long long v, minor;
	const char *end;
	uint16_t bits;
	unsigned long n = apr_strlen(value);
	bool ep11 = mode_is(c, "ep11"), off;

	if (n && value[n - 1] == '\n')
		n--;
	off = n == 3 && value[0] == 'o' && value[1] == 'f' && value[2] == 'f';
	if (a > APR_BITS - 1 || !c->type || (!ep11 && !mode_is(c, "cca")))
		return refuse(m, -ENODEV, APR_WHY_NO_DEVICE, a, 0);
	if (apr_streq(key, "serialnr")) {
		if (off) {
			c->info_set &= (uint8_t)~APR_INFO_SERIAL;
			return 0;
		}
		if (!n || n > (ep11 ? 16u : 8u))
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
		for (unsigned long i = 0; i < n; i++) {
			if (!card_word(value[i]))
				return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
			c->serial[i] = value[i];
		}
		c->serial[n] = '\0';
		c->info_set |= APR_INFO_SERIAL;
		return 0;
	}
	if (!ep11)
		return refuse(m, -ENODEV, APR_WHY_NO_DEVICE, a, 0);
	if (apr_streq(key, "api_ordinalnr")) {
		if (off) {
			c->info_set &= (uint8_t)~APR_INFO_API;
			return 0;
		}
		if (apr_kstrtoul(value, &v) || v > 0xffff)
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
		c->api_ordinal = (uint16_t)v;
		c->info_set |= APR_INFO_API;
		return 0;
	}
	if (apr_streq(key, "fw_version")) {
		if (off) {
			c->info_set &= (uint8_t)~APR_INFO_FW;
			return 0;
		}
		v = apr_simple_strtoul(value, &end);
		if (end == value || *end != '.' || v > 255)
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
		value = end + 1;
		minor = apr_simple_strtoul(value, &end);
		if (end == value || (*end && *end != '\n') || minor > 255)
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
		c->fw_version = (uint16_t)(v << 8 | minor);
		c->info_set |= APR_INFO_FW;
		return 0;
	}
	if (apr_streq(key, "op_modes")) {
		if (off) {
			c->info_set &= (uint8_t)~APR_INFO_OP_MODES;
			return 0;
		}
		if (apr_op_modes_parse(value, &bits))
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
		c->op_modes = bits;
		c->info_set |= APR_INFO_OP_MODES;
		return 0;
	}
	return refuse(m, -EINVAL, APR_WHY_SYNTAX, a, 0);
}

int apr_card_info_store(struct apr_model *m, const char *buf)
{
	const char *p = buf;
	char id[16], key[16];
	unsigned long long a;

	if (!apr_next_word(&p, SEPS, id, sizeof(id)) || apr_kstrtoul(id, &a) || a > APR_BITS - 1 ||
	    !apr_next_word(&p, SEPS, key, sizeof(key)))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	while (*p == ' ' || *p == '\t')
		p++;
	return apr_card_info_set(m, (unsigned int)a, key, p);
}

unsigned long apr_card_info_format(const struct apr_model *m, unsigned int a, char *buf,
				   unsigned long size)
{
	const struct apr_card *c = &m->card[a];
	struct out o = { .buf = buf, .size = size };

	if (size)
		buf[0] = '\0';
	for (unsigned int k = 0; k < 4; k++) {
		if (!(c->info_set & (1u << k)))
			continue;
		out_str(&o, "0x");
		out_id(&o, a, 2);
		out_char(&o, ' ');
		switch (1u << k) {
		case APR_INFO_SERIAL:
			out_str(&o, "serialnr ");
			out_str(&o, c->serial);
			break;
		case APR_INFO_API:
			out_str(&o, "api_ordinalnr ");
			out_uint(&o, c->api_ordinal);
			break;
		case APR_INFO_FW:
			out_str(&o, "fw_version ");
			out_uint(&o, c->fw_version >> 8);
			out_char(&o, '.');
			out_uint(&o, c->fw_version & 0xff);
			break;
		default:
			out_str(&o, "op_modes ");
			if (!c->op_modes)
				out_char(&o, '-');
			out_op_modes(&o, c->op_modes);
			break;
		}
		out_char(&o, '\n');
	}
	return o.len;
}

/* ------------------------------------------------------------ queues */

bool apr_queue_has_attr(const struct apr_model *m, unsigned int a, unsigned int q, const char *name)
{
	const struct apr_card *c = &m->card[a];

	if (!m->q[a][q].exists || m->q[a][q].driver != APR_DRV_CEX4QUEUE)
		return false;
	if (mode_is(c, "cca"))
		return apr_streq(name, "mkvps");
	if (mode_is(c, "ep11"))
		return apr_streq(name, "mkvps") || apr_streq(name, "op_modes");
	return false;
}

/* "LABEL: STATE 0xPATTERN" or "LABEL: - -" (cca_mkvps_show, ep11_mkvps_show). */
static void out_register(struct out *o, const struct apr_model *m, unsigned int a, unsigned int q,
			 enum apr_mk r, bool answers)
{
	struct apr_mkvp v = { 0 };
	unsigned int n = mk_len(r);

	if (answers)
		apr_queue_mkvp(m, a, q, r, &v);
	out_str(o, apr_mk_label(r));
	out_str(o, ": ");
	if (v.state == APR_MKS_NONE || v.state >= sizeof(state_names) / sizeof(state_names[0])) {
		out_str(o, "- -\n");
		return;
	}
	out_str(o, state_names[v.state]);
	if (shows_pattern(r, v.state)) {
		out_str(o, " 0x");
		out_hex(o, v.vp + APR_MKVP_MAX - n, n);
	} else {
		out_str(o, " -");
	}
	out_char(o, '\n');
}

unsigned long apr_queue_zcrypt_show(const struct apr_model *m, unsigned int a, unsigned int q,
				    const char *name, char *buf, unsigned long size)
{
	const struct apr_queue *sq = &m->q[a][q];
	const struct apr_card *c = &m->card[a];
	struct out o = { .buf = buf, .size = size };
	/* The queue answers when configured and not checkstopped; EP11 asks only while online. */
	bool answers = sq->config && !sq->chkstop && (!mode_is(c, "ep11") || sq->online);

	if (size)
		buf[0] = '\0';
	if (apr_streq(name, "mkvps") && mode_is(c, "cca")) {
		for (int r = APR_MK_AES_NEW; r <= APR_MK_ASYM_OLD; r++)
			out_register(&o, m, a, q, (enum apr_mk)r, answers);
	} else if (apr_streq(name, "mkvps")) {
		out_register(&o, m, a, q, APR_MK_WK_CUR, answers);
		out_register(&o, m, a, q, APR_MK_WK_NEW, answers);
	} else if (apr_streq(name, "op_modes")) {
		if (answers)
			out_op_modes(&o, apr_queue_op_modes(m, a, q));
		out_char(&o, '\n');
	}
	return o.len;
}
