// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain.c - the library's human text in one place: the sentences that
 * say why the kernel refused a write (from the model's refusal details),
 * what an errno means for an operation, and what is wrong with operator
 * input.  Each sentence names the APQN, the mdev or the text at fault and,
 * where there is one, what to do.  Quoted text from outside (IDs as typed,
 * guest names) goes through apm_text_escape().
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "explain.h"

/* ------------------------------------------------------------- IDs */

/* The operator's text at fault, escaped; cut to fit out with "...", never unseen. */
static void quoted(const char *s, unsigned long at, unsigned long len, char *out, size_t size)
{
	char *raw = strndup(s + at, len);

	apm_text_escape(raw ? raw : "...", out, size, APM_TEXT_ELLIPSIS);
	free(raw);
}

void apm_explain_ids(const char *s, const struct apr_ids_error *e, char *buf, size_t size)
{
	/* Enough of the text to find it, short enough for the sentence to fit a caller's 160 bytes. */
	char text[48];

	quoted(s, e->at, e->len, text, sizeof(text));
	switch (e->why) {
	case APR_IDS_AMBIGUOUS:
		snprintf(buf, size, "'%s' is ambiguous: write %llu in decimal or 0x%llx in hex",
			 text, e->value, e->value);
		break;
	case APR_IDS_TOO_BIG:
	case APR_IDS_OVERFLOW:
		snprintf(buf, size, "ID %s is out of range: adapters and domains are 0..255", text);
		break;
	case APR_IDS_BACKWARDS:
		snprintf(buf, size, "range %s runs backwards", text);
		break;
	case APR_IDS_NO_LIST:
		snprintf(buf, size, "'%s' is not a list of IDs", text);
		break;
	default:
		snprintf(buf, size, "'%s' is not an ID%s (decimal or 0x hex, 0..255)", text,
			 e->len > 1 && memchr(s + e->at + 1, '-', e->len - 1) ? " range" : "");
		break;
	}
}

static int parse_ids(const char *s, unsigned int flags, struct apr_mask *m, char *err,
		     size_t errsize)
{
	struct apr_ids_error e = { 0 };
	int rc = apr_ids_parse(s, APR_BITS - 1, APR_IDS_HUMAN | flags, m, NULL, NULL, &e);

	if (rc && err && errsize)
		apm_explain_ids(s, &e, err, errsize);
	return rc;
}

APM_EXPORT int apm_parse_id(const char *s, unsigned int *id, char *err, size_t errsize)
{
	struct apr_mask m;
	int rc = parse_ids(s, APR_IDS_SINGLE, &m, err, errsize);

	if (!rc)
		*id = apr_mask_next(&m, 0);
	return rc;
}

APM_EXPORT int apm_parse_id_list(const char *s, unsigned int *ids, size_t *n, char *err,
				 size_t errsize)
{
	struct apr_mask m;
	int rc = parse_ids(s, 0, &m, err, errsize);

	if (rc)
		return rc;
	*n = 0;
	for (unsigned int i = apr_mask_next(&m, 0); i < APR_BITS; i = apr_mask_next(&m, i + 1))
		ids[(*n)++] = i;
	return 0;
}

/* ------------------------------------------------------- mask SPECs */

/*
 * The forms an operator's mask SPEC takes, picked by its first character as
 * the kernel picks them (ap_bus.c: ap_parse_bitmap_str) plus chzdev's:
 *  - "0x..." the kernel's absolute form, and "+N,-A-B" its relative one,
 *    written as they are;
 *  - a list with ',' or a range ("0-3,8-255"): chzdev's form (zdev ap.c:
 *    ap_validate_mask_input), the IDs the host keeps; the kernel would
 *    refuse it (hex2bitmap takes hex digits only), so it is written as the
 *    absolute mask it means;
 *  - a bare number ("5") means two things: the hex mask 0x5... to the
 *    kernel, the ID 5 to chzdev.  Refused unless APM_MASK_SPEC_ABSOLUTE
 *    says the kernel's reading is meant.
 * A relative term with a leading 0 ("+010") is octal to the kernel
 * (simple_strtoul base 0): refused as ambiguous, as IDs are.
 */
static bool spec_is_list(const char *s)
{
	return strchr(s, ',') || strchr(s, '-');
}

/* Does the kernel's absolute form take s (hex digits, one '\n' at most)? */
static bool kernel_hex(const char *s, struct apr_mask *m)
{
	return *s && !apr_mask_parse_absolute(s, NULL, m);
}

/* The first relative term whose number has a leading 0; its error in e. */
static bool octal_term(const char *spec, struct apr_ids_error *e)
{
	for (const char *p = spec; *p;) {
		size_t n = strcspn(p, ",");

		if ((*p == '+' || *p == '-') && n > 1) {
			char *term = strndup(p + 1, n - 1);
			struct apr_ids_error te = { 0 };
			bool amb = term &&
				   apr_ids_parse(term, APR_BITS - 1,
						 APR_IDS_HUMAN | APR_IDS_NEWLINE, NULL, NULL, NULL,
						 &te) &&
				   te.why == APR_IDS_AMBIGUOUS;

			free(term);
			if (amb) {
				*e = te;
				e->at += (unsigned long)(p + 1 - spec);
				return true;
			}
		}
		p += n + (p[n] == ',');
	}
	return false;
}

/* What a valid SPEC looks like, for one that is not. */
static void invalid_spec(const char *name, const char *text, char *buf, size_t size)
{
	snprintf(
		buf, size,
		"'%s' is not a valid %s: use 0x followed by up to 64 hex digits (bit 0 leftmost), a list like +5,-0x47,+0x10-0x1f with IDs 0..255 (a leading 0 means octal), or the IDs the host keeps (0-3,8-255)",
		text, name);
}

/* A list of IDs for a sentence, cut with an ellipsis where it gets long. */
static void short_ranges(const struct apr_mask *m, char *out, size_t size)
{
	char all[1400];

	apm_ids_text(m, all, sizeof(all));
	if (strlen(all) < 48) {
		snprintf(out, size, "%s", all);
		return;
	}
	/* Cut at a comma: never half a range. */
	all[48] = '\0';
	if (strrchr(all, ','))
		*strrchr(all, ',') = '\0';
	snprintf(out, size, "%s,…", all);
}

int apm_spec_read(const char *spec, unsigned int flags, const struct apr_mask *cur,
		  struct apm_spec *sp, char *err, size_t errsize)
{
	const char *name = flags & APM_MASK_SPEC_AQMASK ? "aqmask" : "apmask";
	const char *what = flags & APM_MASK_SPEC_AQMASK ? "domain" : "adapter";
	struct apr_ids_error e = { 0 };
	struct apr_mask m;
	char text[160], hex[80], ids[160];

	memset(sp, 0, sizeof(*sp));
	if (err && errsize)
		err[0] = '\0';
	quoted(spec, 0, strlen(spec), text, sizeof(text));
	if (!*spec) {
		sp->form = APM_SPEC_EMPTY;
		sp->mask = *cur;
		return 0;
	}
	if ((spec[0] == '+' || spec[0] == '-') && octal_term(spec, &e)) {
		quoted(spec, e.at, e.len, ids, sizeof(ids));
		if (err)
			snprintf(
				err, errsize,
				"'%s' is ambiguous: the kernel reads %s as octal (%s 0x%02llx); write %llu or 0x%llx for that, %llu or 0x%llx for %s 0x%02llx",
				text, ids, what, apr_simple_strtoul(ids, NULL),
				apr_simple_strtoul(ids, NULL), apr_simple_strtoul(ids, NULL),
				e.value, e.value, what, e.value);
		return -ENOTUNIQ;
	}
	if (spec[0] == '+' || spec[0] == '-' || (spec[0] == '0' && spec[1] == 'x') ||
	    (flags & APM_MASK_SPEC_ABSOLUTE)) {
		sp->form = APM_SPEC_KERNEL;
		if (apr_mask_parse(spec, cur, &sp->mask)) {
			if (err)
				invalid_spec(name, text, err, errsize);
			return -EINVAL;
		}
		return 0;
	}
	if (spec_is_list(spec)) {
		sp->form = APM_SPEC_IDS;
		if (apr_ids_parse(spec, APR_BITS - 1, APR_IDS_HUMAN, &sp->mask, NULL, NULL, &e)) {
			char why[200];

			apm_explain_ids(spec, &e, why, sizeof(why));
			if (err)
				snprintf(err, errsize, "%s %s (the %ss the host keeps): %s", name,
					 text, what, why);
			return e.why == APR_IDS_AMBIGUOUS ? -ENOTUNIQ : -EDOM;
		}
		apr_mask_format(&sp->mask, sp->kernel);
		return 0;
	}
	/* A bare word: the kernel's hex, chzdev's ID, or neither (the kernel refuses it). */
	if (!kernel_hex(spec, &m)) {
		sp->form = APM_SPEC_KERNEL;
		if (err)
			invalid_spec(name, text, err, errsize);
		return -EINVAL;
	}
	short_ranges(&m, hex, sizeof(hex));
	if (!apr_ids_parse(spec, APR_BITS - 1, APR_IDS_HUMAN, &sp->mask, NULL, NULL, &e)) {
		unsigned int id = apr_mask_next(&sp->mask, 0);

		if (err)
			snprintf(
				err, errsize,
				"'%s' is ambiguous: the kernel reads a SPEC without 0x or a sign as an absolute hex mask (0x%s…: the host keeps %ss %s, every other goes to vfio_ap), chzdev as the %ss the host keeps (%s 0x%02x alone); write 0x%s for the kernel's reading, %u-%u for chzdev's",
				text, spec, what, hex, what, what, id, spec, id, id);
	} else if (err) {
		snprintf(
			err, errsize,
			"'%s' is ambiguous: the kernel reads a SPEC without 0x or a sign as an absolute hex mask (0x%s…: the host keeps %ss %s, every other goes to vfio_ap); write 0x%s if that is meant",
			text, spec, what, hex, spec);
	}
	return -ENOTUNIQ;
}

APM_EXPORT int apm_mask_parse_spec(const char *spec, unsigned int flags, const struct apm_mask *cur,
				   struct apm_mask *out, char *err, size_t errsize)
{
	struct apm_spec sp;
	int rc = apm_spec_read(spec, flags, to_apr(cur), &sp, err, errsize);

	if (!rc)
		memcpy(out, &sp.mask, sizeof(*out));
	return rc;
}

/* ---------------------------------------------------------- errnos */

APM_EXPORT const char *apm_strerror(enum apm_op op, int err)
{
	switch (-err) {
	case EOPNOTSUPP:
		return op == APM_OP_CONFIG
			       ? "SCLP adapter configuration is not available under z/VM or in a KVM guest"
			       : "this host does not offer it";
	case EACCES:
		return "no permission to write it (run as root)";
	case EROFS:
		return "read-only mode";
	case EDEADLK:
		return "the write would block until the guest releases the device";
	default:
		return NULL;
	}
}

/* ------------------------------------------------------ refusals */

void apm_ids_text(const struct apr_mask *m, char *out, size_t size)
{
	apm_mask_format_ranges((const struct apm_mask *)m, out, size);
	if (!out[0])
		snprintf(out, size, "none");
}

static const struct apr_refusal *why(const struct apm_change *c)
{
	return c->why;
}

/* The UUID whole (to be pasted) or its first 8 characters, and who uses it. */
static void mdev_name(const struct apm_host *host, int i, bool whole, char *out, size_t size)
{
	const struct apm_mdev *m;

	/* An mdev the change itself creates (an undo's) is not in the snapshot. */
	if (i < 0 || (unsigned int)i >= host->nmdevs) {
		snprintf(out, size, "the mdev this change creates");
		return;
	}
	m = &host->mdevs[i];
	snprintf(out, size, "mdev %.*s%s%s%s%s", whole ? 36 : 8, m->uuid, whole ? "" : "…",
		 m->guest[0]	  ? " ("
		 : m->in_use == 1 ? " (in use by a guest"
				  : "",
		 m->guest, m->guest[0] || m->in_use == 1 ? ")" : "");
}

void apm_mdev_whole(const struct apm_host *host, int i, char *out, size_t size)
{
	mdev_name(host, i, true, out, size);
}

void apm_mdev_label(const struct apm_host *host, int i, char *out, size_t size)
{
	mdev_name(host, i, false, out, size);
}

/* ------------------------------------------------------ sets of APQNs */

#define FEW 16 /* APQNs named one by one; more are counted and described */

void apm_apqns_zero(struct apm_apqns *s)
{
	memset(s, 0, sizeof(*s));
}

void apm_apqns_add(struct apm_apqns *s, unsigned int a, unsigned int q)
{
	unsigned int bit = a * APR_BITS + q;

	s->w[bit / 64] |= 1ULL << (bit % 64);
}

bool apm_apqns_test(const struct apm_apqns *s, unsigned int a, unsigned int q)
{
	unsigned int bit = a * APR_BITS + q;

	return s->w[bit / 64] >> (bit % 64) & 1;
}

unsigned int apm_apqns_count(const struct apm_apqns *s)
{
	unsigned int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(s->w); i++)
		n += (unsigned int)__builtin_popcountll(s->w[i]);
	return n;
}

/* The domains of adapter a in s. */
static void row(const struct apm_apqns *s, unsigned int a, struct apr_mask *d)
{
	apr_mask_zero(d);
	for (unsigned int q = 0; q < APR_BITS; q++)
		if (apm_apqns_test(s, a, q))
			apr_mask_set(d, q);
}

void apm_apqns_text(const struct apm_apqns *s, struct apm_buf *b, const char *indent)
{
	unsigned int n = apm_apqns_count(s), k = 0;
	struct apr_mask ads, doms, first, d;
	bool rect = true;
	char r1[1400], r2[1400];

	if (n <= FEW) {
		for (unsigned int a = 0; a < APR_BITS; a++)
			for (unsigned int q = 0; q < APR_BITS; q++)
				if (apm_apqns_test(s, a, q))
					apm_buf_printf(b, "%s%02x.%04x", k++ ? " " : "", a, q);
		return;
	}
	apr_mask_zero(&ads);
	apr_mask_zero(&first);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		row(s, a, &d);
		if (apr_mask_empty(&d))
			continue;
		if (apr_mask_empty(&ads))
			first = d;
		else if (!apr_mask_equal(&d, &first))
			rect = false;
		apr_mask_set(&ads, a);
	}
	doms = first;
	apm_ids_text(&ads, r1, sizeof(r1));
	if (rect) {
		apm_ids_text(&doms, r2, sizeof(r2));
		apm_buf_printf(b, "%u APQNs: adapters %s x domains %s", n, r1, r2);
		return;
	}
	apm_buf_printf(b, "%u APQNs on adapters %s:", n, r1);
	for (unsigned int a = apr_mask_next(&ads, 0); a < APR_BITS;
	     a = apr_mask_next(&ads, a + 1)) {
		row(s, a, &d);
		apm_ids_text(&d, r2, sizeof(r2));
		apm_buf_printf(b, "\n%sadapter 0x%02x: domains %s", indent, a, r2);
	}
}

/* -------------------------------------------------------------- impact */

void apm_explain_guest_delta(struct apm_change *c, int i, const struct apr_mdev *before,
			     const struct apr_mdev *after)
{
	const struct apm_mdev *m;
	struct apm_apqns *gain, *lose;
	struct apm_buf g = { 0 }, l = { 0 };

	/* An mdev the change creates itself (undo.c) has no guest to gain or lose. */
	if (i < 0 || (unsigned int)i >= c->host->nmdevs)
		return;
	m = &c->host->mdevs[i];
	gain = calloc(1, sizeof(*gain));
	lose = calloc(1, sizeof(*lose));
	if (!gain || !lose)
		goto out;
	for (unsigned int a = 0; a < APR_BITS; a++) {
		bool ba = apr_mask_test(&before->sapm, a), aa = apr_mask_test(&after->sapm, a);

		for (unsigned int q = 0; (ba || aa) && q < APR_BITS; q++) {
			bool was = ba && apr_mask_test(&before->saqm, q);
			bool now = aa && apr_mask_test(&after->saqm, q);

			if (was && !now)
				apm_apqns_add(lose, a, q);
			if (!was && now)
				apm_apqns_add(gain, a, q);
		}
	}
	if (apm_apqns_count(lose))
		apm_apqns_text(lose, &l, "    ");
	if (apm_apqns_count(gain))
		apm_apqns_text(gain, &g, "    ");
	if (m->in_use == 1 || m->guest[0]) {
		const char *who = m->guest[0] ? m->guest : "its guest";

		if (l.s)
			apm_buf_printf(&c->preview, "  hot unplug from %s: %s\n", who, l.s);
		if (g.s)
			apm_buf_printf(&c->preview, "  hot plug into %s: %s\n", who, g.s);
	} else if (l.s || g.s) {
		apm_buf_printf(&c->preview,
			       "  guest matrix of mdev %.8s…:%s%s%s%s (no guest running)\n",
			       m->uuid, g.s ? " + " : "", g.s ? g.s : "", l.s ? " - " : "",
			       l.s ? l.s : "");
	}
out:
	apm_buf_free(&g);
	apm_buf_free(&l);
	free(gain);
	free(lose);
}

void apm_explain_guests(struct apm_change *c)
{
	const struct apr_model *after = apm_change_model(c);

	for (unsigned int i = 0; i < c->host->nmdevs && i < after->nmdevs; i++)
		apm_explain_guest_delta(c, (int)i, &c->host->rmdevs[i], &after->rm[i]);
}

void apm_explain_impact(struct apm_change *c, const struct apr_mask *apm,
			const struct apr_mask *aqm, const char *what)
{
	const struct apm_host *h = c->host;
	struct apm_apqns *set = calloc(1, sizeof(*set));
	struct apm_buf b = { 0 };
	char who[APM_MDEV_NAME_SIZE];

	if (!set)
		return;
	/* The host's own queues: what zcrypt loses, its default domain first of all. */
	for (unsigned int a = apr_mask_next(apm, 0); a < APR_BITS; a = apr_mask_next(apm, a + 1))
		for (unsigned int q = apr_mask_next(aqm, 0); q < APR_BITS;
		     q = apr_mask_next(aqm, q + 1))
			if ((h->queue[a][q] & APM_Q_EXISTS) && apr_default_owned(&h->rules, a, q) &&
			    apr_mdev_holding(h->rmdevs, (int)h->nmdevs, a, q) < 0)
				apm_apqns_add(set, a, q);
	if (apm_apqns_count(set)) {
		apm_apqns_text(set, &b, "    ");
		apm_buf_printf(&c->preview, "  the host's zcrypt queues %s: %s\n", what, b.s);
		if (h->has_ap_domain && h->ap_domain >= 0 &&
		    apr_mask_test(aqm, (unsigned)h->ap_domain))
			for (unsigned int a = apr_mask_next(apm, 0); a < APR_BITS;
			     a = apr_mask_next(apm, a + 1))
				if (apm_apqns_test(set, a, (unsigned int)h->ap_domain))
					apm_buf_printf(
						&c->preview,
						"  warning: %02x.%04x is on the host's default domain (ap_domain 0x%02x)\n",
						a, h->ap_domain, h->ap_domain);
	}
	/* Each mdev's APQNs among them, with its guest. */
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		const struct apr_mdev *m = &h->rmdevs[i];
		struct apr_mask a, q;

		apr_mask_and(&a, apm, &m->apm);
		apr_mask_and(&q, aqm, &m->aqm);
		if (apr_mask_empty(&a) || apr_mask_empty(&q))
			continue;
		apm_apqns_zero(set);
		for (unsigned int x = apr_mask_next(&a, 0); x < APR_BITS;
		     x = apr_mask_next(&a, x + 1))
			for (unsigned int y = apr_mask_next(&q, 0); y < APR_BITS;
			     y = apr_mask_next(&q, y + 1))
				apm_apqns_add(set, x, y);
		apm_buf_free(&b);
		apm_apqns_text(set, &b, "    ");
		apm_mdev_whole(h, (int)i, who, sizeof(who));
		apm_buf_printf(&c->preview, "  %s: its APQNs %s: %s\n", who, what, b.s);
	}
	apm_buf_free(&b);
	free(set);
}

/* ------------------------------------ refusals naming every APQN */

/* The APQNs of apm x aqm that mdev j holds too (j < 0: that the host's drivers own). */
static unsigned int held(const struct apm_host *h, int j, const struct apr_mask *apm,
			 const struct apr_mask *aqm, struct apm_apqns *set)
{
	struct apr_mask a = *apm, q = *aqm;

	apm_apqns_zero(set);
	if (j >= 0) {
		apr_mask_and(&a, apm, &h->rmdevs[j].apm);
		apr_mask_and(&q, aqm, &h->rmdevs[j].aqm);
	}
	for (unsigned int x = apr_mask_next(&a, 0); x < APR_BITS; x = apr_mask_next(&a, x + 1))
		for (unsigned int y = apr_mask_next(&q, 0); y < APR_BITS;
		     y = apr_mask_next(&q, y + 1))
			if (j >= 0 || apr_default_owned(&h->rules, x, y))
				apm_apqns_add(set, x, y);
	return apm_apqns_count(set);
}

/* The adapters and the domains a set of APQNs spans. */
static void spans(const struct apm_apqns *set, struct apr_mask *ads, struct apr_mask *doms)
{
	apr_mask_zero(ads);
	apr_mask_zero(doms);
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (apm_apqns_test(set, a, q)) {
				apr_mask_set(ads, a);
				apr_mask_set(doms, q);
			}
}

/*
 * The APQNs of mdevs (skipping self) among apm x aqm, one line per holder
 * with its whole UUID and guest; how many there are in all.
 */
static unsigned int list_holders(struct apm_change *c, int self, const struct apr_mask *apm,
				 const struct apr_mask *aqm, struct apm_buf *out)
{
	struct apm_apqns *set = calloc(1, sizeof(*set));
	unsigned int total = 0;
	char who[APM_MDEV_NAME_SIZE];

	if (!set)
		return 0;
	for (unsigned int j = 0; j < c->host->nmdevs; j++) {
		struct apm_buf b = { 0 };

		if ((int)j == self || !held(c->host, (int)j, apm, aqm, set))
			continue;
		total += apm_apqns_count(set);
		apm_apqns_text(set, &b, "      ");
		apm_mdev_whole(c->host, (int)j, who, sizeof(who));
		apm_buf_printf(out, "  %s: %s\n", who, b.s);
		apm_buf_free(&b);
	}
	free(set);
	return total;
}

void apm_explain_mask(struct apm_change *c, const char *name, const char *spec,
		      const struct apr_mask *newmask, int rc)
{
	const struct apr_refusal *w = why(c);
	struct apr_mask apm, aqm;
	struct apm_buf list = { 0 };
	unsigned int n;

	switch (rc) {
	case -E2BIG:
		/* kernfs takes a sysfs write whole or not at all (atomic_write_len). */
		apm_buf_printf(
			&c->explanation,
			"the %s SPEC is %zu bytes long: a sysfs attribute takes at most %d bytes in one write, so the kernel refuses all of it (E2BIG) and nothing changes\n",
			name, strlen(spec), APR_PAGE_SIZE);
		break;
	case -EINVAL:
		if (w->why == APR_WHY_OVERRIDES)
			apm_buf_printf(
				&c->explanation,
				"%s cannot change while queues have a driver_override (6.19 override mode: masks and overrides exclude each other); clear every queue's driver_override first\n",
				name);
		else {
			char text[160], why[600];

			quoted(spec, 0, strlen(spec), text, sizeof(text));
			invalid_spec(name, text, why, sizeof(why));
			apm_buf_printf(&c->explanation, "%s\n", why);
		}
		break;
	case -EBUSY:
		/* Every APQN the in-use check finds, not only the first the kernel stops at. */
		apr_in_use_scope(&c->host->rules, name[1] == 'q', newmask, &apm, &aqm);
		n = list_holders(c, -1, &apm, &aqm, &list);
		if (n <= 1) {
			char who[APM_MDEV_NAME_SIZE];

			apm_mdev_whole(c->host, w->mdev, who, sizeof(who));
			apm_buf_printf(
				&c->explanation,
				"%s %s cannot give APQN %02x.%04x back to the host: it is assigned to %s; unassign it there first\n",
				name, spec, w->apid, w->apqi, who);
		} else {
			apm_buf_printf(
				&c->explanation,
				"%s %s cannot give %u APQNs back to the host: they are assigned to mdevs; unassign them there first:\n%s",
				name, spec, n, list.s);
		}
		apm_buf_printf(
			&c->details,
			"the kernel answers EBUSY (vfio_ap_mdev_resource_in_use); its documentation says 'Address already in use'\n");
		apm_buf_free(&list);
		break;
	default:
		break;
	}
}

/*
 * Offer "PREFIX unassign adapters|domains IDS from mdev i" when it does no
 * harm beyond what clashes (the APQNs in clash, NULL: none of i's are
 * meant): it takes nothing from i's running guest, and nothing else from i
 * unless said; otherwise say in the details why it is not offered.
 */
static bool offer(struct apm_change *c, int i, bool adapters, const struct apr_mask *ids,
		  const struct apm_apqns *clash, const char *prefix)
{
	const struct apm_mdev *m = &c->host->mdevs[i];
	struct apm_apqns *lost = calloc(1, sizeof(*lost)), *gives = calloc(1, sizeof(*gives));
	const char *kind = adapters ? "adapter" : "domain";
	struct apm_buf b = { 0 }, g = { 0 };
	bool guest = false, ok = false;
	char r[1400];

	if (!lost || !gives)
		goto out;
	apm_ids_text(ids, r, sizeof(r));
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool plugged = m->in_use == 1 && apr_mask_test(&m->m.sapm, a) &&
				       apr_mask_test(&m->m.saqm, q);

			if (!apr_mask_test(&m->m.apm, a) || !apr_mask_test(&m->m.aqm, q) ||
			    !apr_mask_test(ids, adapters ? a : q))
				continue;
			if (clash && apm_apqns_test(clash, a, q)) {
				/* What clashes must go anyway: said, not held against it. */
				if (plugged)
					apm_apqns_add(gives, a, q);
				continue;
			}
			apm_apqns_add(lost, a, q);
			guest |= plugged;
		}
	if (apm_apqns_count(lost))
		apm_apqns_text(lost, &b, "    ");
	if (apm_apqns_count(gives))
		apm_apqns_text(gives, &g, "    ");
	if (guest) {
		apm_buf_printf(
			&c->details,
			"unassigning %s%s %s from mdev %s is not suggested: its running guest%s%s would lose %s\n",
			kind, apr_mask_weight(ids) > 1 ? "s" : "", r, m->uuid,
			m->guest[0] ? " " : "", m->guest, b.s);
	} else {
		apm_buf_printf(&c->explanation, "%s unassign %s%s %s from mdev %s", prefix, kind,
			       apr_mask_weight(ids) > 1 ? "s" : "", r, m->uuid);
		if (b.s)
			apm_buf_printf(&c->explanation, " (it also loses %s%s", b.s,
				       g.s ? "; " : ")");
		if (g.s)
			apm_buf_printf(&c->explanation, "%sits running guest%s%s gives up %s)",
				       b.s ? "" : " (", m->guest[0] ? " " : "", m->guest, g.s);
		apm_buf_printf(&c->explanation, "\n");
		ok = true;
	}
out:
	apm_buf_free(&b);
	apm_buf_free(&g);
	free(lost);
	free(gives);
	return ok;
}

/*
 * What to do about APQNs of the matrix asked for that others hold, never
 * at the cost of anything else: leave the IDs that clash out of this mdev
 * (naming what this mdev would lose with them), and where the host's
 * drivers hold them, a mask change only when it takes nothing but those
 * APQNs from zcrypt and never the host's default domain.
 */
static void suggest(struct apm_change *c, int self, int kind, const struct apm_apqns *set,
		    bool host)
{
	const struct apm_host *h = c->host;
	const struct apm_mdev *me = &h->mdevs[self];
	struct apr_mask ads, doms, lose_a, lose_d;
	struct apm_apqns *more = calloc(1, sizeof(*more));
	const char *first = kind == APR_ADAPTER	 ? "to give it the adapter, first"
			    : kind == APR_DOMAIN ? "to give it the domain, first"
						 : "first";
	char ra[1400], rd[1400], list[1500];
	bool dflt = false, offered = false, all = true, any = false;
	size_t mark;

	if (!more)
		return;
	spans(set, &ads, &doms);
	for (unsigned int a = apr_mask_next(&ads, 0); a < APR_BITS; a = apr_mask_next(&ads, a + 1))
		dflt |= h->has_ap_domain && h->ap_domain >= 0 &&
			apm_apqns_test(set, a, (unsigned int)h->ap_domain);
	if (dflt && host)
		apm_buf_printf(
			&c->explanation,
			"domain 0x%02x is the host's default domain (ap_domain): leave it to zcrypt\n",
			h->ap_domain);
	apm_ids_text(&ads, ra, sizeof(ra));
	apm_ids_text(&doms, rd, sizeof(rd));
	apr_mask_and(&lose_d, &doms, &me->m.aqm);
	apr_mask_and(&lose_a, &ads, &me->m.apm);
	/*
	 * This mdev's side: the domains that clash leave it before the adapter
	 * comes (and the reverse), unless that takes APQNs from its running
	 * guest; a domain that is the host's default domain is not given away,
	 * so nothing makes room for it.
	 */
	if (kind == APR_ADAPTER && !apr_mask_empty(&lose_d))
		offered = offer(c, self, false, &lose_d, NULL, first);
	else if (kind == APR_DOMAIN && !apr_mask_empty(&lose_a) && !(dflt && host))
		offered = offer(c, self, true, &lose_a, NULL, first);
	else if (kind < 0)
		apm_buf_printf(&c->explanation,
			       "leave adapters %s or domains %s out of what mdev %s is given\n", ra,
			       rd, me->uuid);
	/*
	 * The holders' side: the ID asked for leaves every mdev that has what
	 * clashes; offered only when each of them can let go without harm.
	 */
	mark = c->explanation.len;
	for (unsigned int j = 0; !host && kind != APR_CONTROL_DOMAIN && kind >= 0 && j < h->nmdevs;
	     j++) {
		const struct apr_mdev *o = &h->rmdevs[j];
		struct apr_mask id;
		bool holds = false;

		for (unsigned int a = apr_mask_next(&o->apm, 0); !holds && a < APR_BITS;
		     a = apr_mask_next(&o->apm, a + 1))
			for (unsigned int q = apr_mask_next(&o->aqm, 0); !holds && q < APR_BITS;
			     q = apr_mask_next(&o->aqm, q + 1))
				holds = apm_apqns_test(set, a, q);
		if ((int)j == self || !holds)
			continue;
		apr_mask_and(&id, kind == APR_ADAPTER ? &ads : &doms,
			     kind == APR_ADAPTER ? &o->apm : &o->aqm);
		all &= offer(c, (int)j, kind == APR_ADAPTER, &id, set,
			     any       ? "and"
			     : offered ? "or"
				       : first);
		any = true;
	}
	if (!all && c->explanation.s) {
		c->explanation.len = mark;
		c->explanation.s[mark] = '\0';
	}
	/* The masks: aqmask -D takes apmask x D from zcrypt, apmask -A takes A x aqmask. */
	for (int k = 0; host && k < 2; k++) {
		const struct apr_mask *ids = k ? &ads : &doms;
		struct apm_buf b = { 0 };
		bool touches = false;

		apm_apqns_zero(more);
		for (unsigned int a = 0; a < APR_BITS; a++)
			for (unsigned int q = 0; q < APR_BITS; q++) {
				if (!(k ? apr_mask_test(&ads, a) &&
						      apr_mask_test(&h->rules.aqmask, q)
					: apr_mask_test(&doms, q) &&
						      apr_mask_test(&h->rules.apmask, a)) ||
				    !(h->queue[a][q] & APM_Q_EXISTS))
					continue;
				touches |= h->has_ap_domain && (int)q == h->ap_domain;
				if (!apm_apqns_test(set, a, q) ||
				    (h->has_ap_domain && (int)q == h->ap_domain))
					apm_apqns_add(more, a, q);
			}
		apm_mask_format_ranges((const struct apm_mask *)ids, list, sizeof(list));
		/* The relative form: a sign before every term. */
		for (char *p = list; (p = strchr(p, ',')); p += 2) {
			memmove(p + 2, p + 1, strlen(p + 1) + 1);
			p[1] = '-';
		}
		if (!apm_apqns_count(more) && !dflt) {
			apm_buf_printf(
				&c->explanation,
				"or give %s to vfio_ap: apmatrix mask %s -%s (it takes nothing else from zcrypt)\n",
				k ? "those adapters" : "those domains", k ? "apmask" : "aqmask",
				list);
			continue;
		}
		apm_apqns_text(more, &b, "    ");
		apm_buf_printf(&c->details,
			       "%s -%s is not suggested: it would also take from zcrypt %s%s\n",
			       k ? "apmask" : "aqmask", list, b.s,
			       touches ? " (the host's default domain among them)" : "");
		apm_buf_free(&b);
	}
	free(more);
}

void apm_explain_assign(struct apm_change *c, int self, const char *what,
			const struct apr_mask *apm, const struct apr_mask *aqm, int kind, int rc)
{
	const struct apm_host *h = c->host;
	const struct apr_refusal *w = why(c);
	struct apm_apqns *set = NULL;
	struct apm_buf list = { 0 };
	char me[APM_MDEV_NAME_SIZE];
	unsigned int n;

	apm_mdev_whole(h, self, me, sizeof(me));
	switch (rc) {
	case -ENODEV:
		apm_buf_printf(
			&c->explanation,
			"%s cannot go to %s: it is above this host's maximum (adapters 0..0x%02x, domains 0..0x%02x: ap_max_adapter_id/ap_max_domain_id)\n",
			what, me, h->max_apid, h->max_apqi);
		break;
	case -EADDRNOTAVAIL:
		set = apm && aqm ? calloc(1, sizeof(*set)) : NULL;
		if (w->why == APR_WHY_NOT_BOUND || !set || !held(h, -1, apm, aqm, set)) {
			apm_buf_printf(
				&c->explanation,
				"%s cannot go to %s: APQN %02x.%04x is not bound to vfio_ap (this kernel needs bound queues); give it to vfio_ap with apmask/aqmask first\n",
				what, me, w->apid, w->apqi);
			break;
		}
		n = apm_apqns_count(set);
		apm_apqns_text(set, &list, "    ");
		apm_buf_printf(
			&c->explanation,
			"%s cannot go to %s: %s %s %s to the host's zcrypt drivers (apmask and aqmask)\n",
			what, me, n == 1 ? "APQN" : "its APQNs", list.s,
			n == 1 ? "belongs" : "belong");
		suggest(c, self, kind, set, true);
		break;
	case -EADDRINUSE:
		set = calloc(1, sizeof(*set));
		n = apm && aqm ? list_holders(c, self, apm, aqm, &list) : 0;
		if (!n || !set) {
			apm_buf_printf(
				&c->explanation,
				"%s cannot go to %s: APQN %02x.%04x is already assigned to another mdev\n",
				what, me, w->apid, w->apqi);
			break;
		}
		apm_buf_printf(
			&c->explanation,
			"%s cannot go to %s: %s already assigned to another mdev (an APQN belongs to one mdev only):\n%s",
			what, me, n == 1 ? "an APQN of it is" : "APQNs of it are", list.s);
		apm_apqns_zero(set);
		for (unsigned int j = 0; j < h->nmdevs; j++) {
			struct apm_apqns *one = calloc(1, sizeof(*one));

			if (one && (int)j != self && held(h, (int)j, apm, aqm, one))
				for (size_t k = 0; k < ARRAY_SIZE(set->w); k++)
					set->w[k] |= one->w[k];
			free(one);
		}
		suggest(c, self, kind, set, false);
		break;
	case -EBUSY:
		apm_buf_printf(
			&c->explanation,
			"%s cannot change while a guest uses %s: this kernel (static vfio_ap, before 6.0) has no hot plug; stop the guest first\n",
			what, me);
		break;
	default:
		apm_buf_printf(&c->explanation, "%s for %s: %s\n", what, me, apm_errno_name(rc));
		break;
	}
	apm_buf_free(&list);
	free(set);
}

void apm_explain_ap_config(struct apm_change *c, int self, const char *what,
			   const struct apr_mask cfg[3], int rc)
{
	if (rc == -ENODEV)
		apm_buf_printf(
			&c->explanation,
			"the %s cannot go to mdev %s: one is above this host's maximum (adapters 0x%02x, domains 0x%02x)\n",
			what, c->uuid, c->host->max_apid, c->host->max_apqi);
	else
		apm_explain_assign(c, self, what, &cfg[0], &cfg[1], -1, rc);
}

void apm_explain_mdev_create(struct apm_change *c, int rc)
{
	if (rc == -ENOENT)
		apm_buf_printf(
			&c->explanation,
			"mdev %s cannot be created: the vfio_ap module is not loaded (modprobe vfio_ap)\n",
			c->uuid);
	else if (rc == -EEXIST)
		apm_buf_printf(&c->explanation, "mdev %s already exists; pick another UUID\n",
			       c->uuid);
	else
		apm_buf_printf(&c->explanation, "mdev %s cannot be created: %s\n", c->uuid,
			       apm_errno_name(rc));
}

/* vfio_ap's remove while in use: refused (≤5.15), blocks (6.0-6.4), empties the guest (6.5+). */
void apm_explain_mdev_remove(struct apm_change *c, const struct apm_mdev *md, int rc)
{
	const char *g = md->guest[0] ? md->guest : "its guest";

	if (rc == -EBUSY)
		apm_buf_printf(
			&c->explanation,
			"mdev %s is in use by %s and this kernel refuses to remove it (EBUSY); stop the guest first\n",
			md->uuid, g);
	else if (rc == -EDEADLK)
		apm_buf_printf(
			&c->explanation,
			"mdev %s is in use by %s: on this kernel generation the remove blocks until the guest releases the device; stop or detach the guest first\n",
			md->uuid, g);
	else if (rc < 0)
		apm_buf_printf(&c->explanation, "mdev %s cannot be removed: %s\n", md->uuid,
			       apm_errno_name(rc));
	else if (md->in_use == 1)
		apm_buf_printf(
			&c->preview,
			"  %s is using mdev %s: the kernel clears the guest's AP masks at once (it loses every APQN) and asks QEMU to release the device; the remove returns when it does\n",
			g, md->uuid);
}

void apm_explain_config(struct apm_change *c, unsigned int adapter, int rc)
{
	if (rc == -ENOENT && !c->host->cards[adapter].has_card)
		apm_buf_printf(&c->explanation, "adapter 0x%02x has no card device on this host\n",
			       adapter);
	else if (rc == -ENOENT)
		apm_buf_printf(
			&c->explanation,
			"card%02x has no config attribute: this kernel predates SCLP adapter configuration (≈5.10)\n",
			adapter);
	else
		apm_buf_printf(&c->explanation, "configure adapter 0x%02x: %s\n", adapter,
			       apm_errno_name(rc));
}

void apm_explain_online(struct apm_change *c, unsigned int adapter, int domain, const char *who,
			int rc)
{
	const struct apm_host *h = c->host;
	const struct apm_card *card = &h->cards[adapter];

	if (rc == -ENOENT &&
	    (!card->has_card || (domain >= 0 && !(h->queue[adapter][domain] & APM_Q_EXISTS))))
		apm_buf_printf(&c->explanation, "there is no %s on this host\n", who);
	else if (rc == -ENOENT)
		apm_buf_printf(
			&c->explanation,
			"%s is not bound to a zcrypt driver, so it has no online attribute; online/offline is zcrypt's, vfio_ap queues go to guests instead\n",
			who);
	else if (rc == -ENODEV)
		apm_buf_printf(&c->explanation,
			       "%s cannot go online: adapter 0x%02x is %s; configure it on first\n",
			       who, adapter,
			       card->chkstop == 1 ? "checkstopped" : "configured off");
	else if (rc == -EINVAL && why(c)->why == APR_WHY_CARD_OFFLINE)
		apm_buf_printf(
			&c->explanation,
			"%s cannot go online while card%02x is offline; set the card online first\n",
			who, adapter);
	else
		apm_buf_printf(&c->explanation, "set %s online/offline: %s\n", who,
			       apm_errno_name(rc));
}

void apm_explain_hv(struct apm_change *c, int op, const struct apm_sim_arg *arg, int rc)
{
	const struct apm_host *h = c->host;
	const struct apm_mdev *md;
	const struct apr_refusal *w = why(c);
	const char *what = op == APM_SIM_LPAR_ADD_ADAPTER || op == APM_SIM_LPAR_REMOVE_ADAPTER
				   ? "adapter"
			   : op <= APM_SIM_LPAR_REMOVE_USAGE_DOMAIN ? "usage domain"
								    : "control domain";
	unsigned int id = arg->id;

	switch (op) {
	case APM_SIM_GUEST_START:
	case APM_SIM_GUEST_STOP:
	case APM_SIM_GUEST_DETACH:
	case APM_SIM_GUEST_ATTACH:
		md = c->mdev >= 0 ? &h->mdevs[c->mdev] : NULL;
		if (!md)
			apm_buf_printf(&c->explanation, "there is no mdev %s\n", arg->uuid);
		else if (rc == -EBUSY)
			apm_buf_printf(
				&c->explanation,
				"mdev %s is already used by %s: a VFIO group opens exclusively\n",
				md->uuid, md->guest[0] ? md->guest : "another guest");
		else if (rc == -EPERM && w->mdev >= 0)
			apm_buf_printf(
				&c->explanation,
				"guest %s already holds mdev %s: one vfio-ap device per guest\n",
				arg->name, h->mdevs[w->mdev].uuid);
		else if (rc == -EINVAL && (op == APM_SIM_GUEST_STOP || op == APM_SIM_GUEST_DETACH))
			apm_buf_printf(&c->explanation, "no guest is using mdev %s\n", md->uuid);
		else if (rc == -EINVAL)
			apm_buf_printf(
				&c->explanation,
				"that is not a guest name: 1..63 printable characters without blanks\n");
		else
			apm_buf_printf(&c->explanation, "mdev %s: %s\n", md->uuid,
				       apm_errno_name(rc));
		return;
	case APM_SIM_SE_CONFIG:
	case APM_SIM_CHKSTOP:
		if (rc == -ENODEV)
			apm_buf_printf(&c->explanation, "adapter 0x%02x is not in the LPAR\n", id);
		else
			apm_buf_printf(&c->explanation, "adapter 0x%02x: %s\n", id,
				       apm_errno_name(rc));
		return;
	case APM_SIM_SCAN:
		apm_buf_printf(&c->explanation, "scan: %s\n", apm_errno_name(rc));
		return;
	default:
		break;
	}
	if (rc == -EINVAL && w->why == APR_WHY_NO_TYPE)
		apm_buf_printf(&c->explanation, "'%s' is not a card type (CEX4A ... CEX8P)\n",
			       arg->name);
	else if (rc == -EEXIST)
		apm_buf_printf(&c->explanation, "%s 0x%02x is already in the LPAR\n", what, id);
	else if (rc == -ENODEV)
		apm_buf_printf(&c->explanation, "%s 0x%02x is not in the LPAR\n", what, id);
	else
		apm_buf_printf(&c->explanation, "%s 0x%02x: %s\n", what, id, apm_errno_name(rc));
}
