// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * udev-rule.c - chzdev's persistent AP masks, /etc/udev/rules.d/41-ap.rules.
 *
 * `chzdev -t ap -p apmask=... aqmask=...` writes a rule that, once the AP
 * bus has bound its devices (the "add" event of /bus/ap with a non-zero
 * bindings_complete_count at coldplug, or the first "change" event of
 * /devices/ap with BINDINGS=complete and COMPLETECOUNT=1), writes the two
 * masks and loads vfio_ap (s390-tools zdev/src/ap.c: ap_write_type_udev).
 * ap-check and chzdev read it back by taking the value of any ATTR{...}
 * whose name contains apmask or aqmask (libap/ap.c: ap_read_udev_masks),
 * and libap handles a value only as "0x" and 64 hex digits.
 *
 * The reader is strict where those tools would misread: udev's syntax
 * (KEY[{attr}]OP"value" pairs), each mask set once with "=", in that exact
 * form.  A well-formed line chzdev does not write is kept as a note (the
 * first such line is remembered): chzdev replaces the whole file, and so
 * does `apmatrix persist masks`, which therefore refuses to overwrite one.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "persist.h"

#define MAX_PAIRS 16

struct pair {
	const char *key, *attr, *val;
	size_t klen, alen, vlen;
	char op[3];
};

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/*
 * One rule line into its pairs (udev's rules syntax: pairs separated by a
 * comma and blanks, values in double quotes with backslash escapes).
 * Returns NULL or what is wrong.
 */
static const char *split_line(const char *s, size_t n, struct pair *p, unsigned int *np)
{
	static const char *const ops[] = { "==", "!=", "+=", "-=", ":=", "=" };
	size_t i = 0;

	*np = 0;
	while (i < n) {
		struct pair *c = &p[*np];
		size_t k;

		if (*np == MAX_PAIRS)
			return "more pairs on one line than any AP rule has";
		c->key = s + i;
		while (i < n && is_key_char(s[i]))
			i++;
		c->klen = (size_t)(s + i - c->key);
		if (!c->klen)
			return "a key (ACTION, ATTR{...}, ...) was expected";
		c->attr = NULL;
		c->alen = 0;
		if (i < n && s[i] == '{') {
			c->attr = s + ++i;
			while (i < n && s[i] != '}' && s[i] != '"')
				i++;
			if (i == n || s[i] != '}')
				return "an attribute name in braces is not closed";
			c->alen = (size_t)(s + i - c->attr);
			i++;
		}
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		for (k = 0; k < ARRAY_SIZE(ops); k++)
			if (n - i >= strlen(ops[k]) && !memcmp(s + i, ops[k], strlen(ops[k])))
				break;
		if (k == ARRAY_SIZE(ops))
			return "an operator (==, !=, =, +=, -=, :=) was expected";
		strcpy(c->op, ops[k]);
		i += strlen(ops[k]);
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] != '"')
			return "a value in double quotes was expected";
		c->val = s + ++i;
		while (i < n && s[i] != '"') {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			i++;
		}
		if (i == n)
			return "a value's closing double quote is missing";
		c->vlen = (size_t)(s + i - c->val);
		i++;
		(*np)++;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == ',') {
			i++;
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i == n)
				return "a comma ends the line";
		} else if (i < n) {
			return "pairs must be separated by a comma";
		}
	}
	return NULL;
}

static bool is(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(s, want, n);
}

/* The pairs of a chzdev line, as "KEY{attr}" "OP" "value" triples. */
static bool line_is(const struct pair *p, unsigned int np, const char *const *want)
{
	unsigned int i = 0;

	for (; want[i * 3] && i < np; i++) {
		char key[64];

		if ((size_t)snprintf(key, sizeof(key), "%.*s%s%.*s%s", (int)p[i].klen, p[i].key,
				     p[i].attr ? "{" : "", (int)p[i].alen,
				     p[i].attr ? p[i].attr : "",
				     p[i].attr ? "}" : "") >= sizeof(key) ||
		    strcmp(key, want[i * 3]) || strcmp(p[i].op, want[i * 3 + 1]) ||
		    !is(p[i].val, p[i].vlen, want[i * 3 + 2]))
			return false;
	}
	return i == np && !want[i * 3];
}

static const char *const add_trigger[] = {
	"ACTION", "==", "add",	"DEVPATH", "==",     "/bus/ap", "ATTR{bindings_complete_count}",
	"!=",	  "0",	"GOTO", "=",	   "cfg_ap", NULL,
};
static const char *const change_trigger[] = {
	"ACTION",
	"==",
	"change",
	"SUBSYSTEM",
	"==",
	"ap",
	"DEVPATH",
	"==",
	"/devices/ap",
	"ENV{BINDINGS}",
	"==",
	"complete",
	"ENV{COMPLETECOUNT}",
	"==",
	"1",
	"GOTO",
	"=",
	"cfg_ap",
	NULL,
};
static const char *const load_vfio_ap[] = { "RUN{builtin}", "+=", "kmod load vfio_ap", NULL };

/* A mask value as libap can read it: "0x" and 64 hex digits. */
static int mask_value(const struct pair *p, struct apr_mask *m)
{
	char v[APR_MASK_STRLEN + 1];

	if (p->vlen != APR_MASK_STRLEN || p->val[0] != '0' || p->val[1] != 'x')
		return -EINVAL;
	for (size_t i = 2; i < APR_MASK_STRLEN; i++)
		if (apr_hexval(p->val[i]) < 0)
			return -EINVAL;
	memcpy(v, p->val, APR_MASK_STRLEN);
	v[APR_MASK_STRLEN] = '\0';
	return apr_mask_parse_absolute(v, NULL, m);
}

static int parse_pairs(const struct pair *p, unsigned int np, const char *name, unsigned int line,
		       struct apm_rule *r, unsigned int seen[2], struct apm_buf *err)
{
	for (unsigned int i = 0; i < np; i++) {
		bool ap, aq;

		if (!is(p[i].key, p[i].klen, "ATTR") || !p[i].attr)
			continue;
		ap = memmem(p[i].attr, p[i].alen, "apmask", 6) != NULL;
		aq = memmem(p[i].attr, p[i].alen, "aqmask", 6) != NULL;
		if (!ap && !aq)
			continue;
		/*
		 * libap reads a mask only from a line's first pair (libap/ap.c:
		 * ap_read_udev_masks, util_list_start of the line's entries), so
		 * chzdev and ap-check would not see one set further on.
		 */
		if (i > 0)
			return apm_file_error(
				err, name, line,
				"the %s is set after another pair on its line (chzdev and ap-check read a mask only as a line's first pair)",
				ap ? "apmask" : "aqmask");
		/* libap takes the value of such a pair whatever its operator. */
		if (ap && aq)
			return apm_file_error(err, name, line, "one ATTR{...} names both masks");
		if (strcmp(p[i].op, "="))
			return apm_file_error(
				err, name, line,
				"the %s is set with '%s', not '=' (ap-check would read it as set)",
				ap ? "apmask" : "aqmask", p[i].op);
		if (seen[aq])
			return apm_file_error(err, name, line,
					      "the %s is set again (first on line %u)",
					      ap ? "apmask" : "aqmask", seen[aq]);
		if (mask_value(&p[i], aq ? &r->aqmask : &r->apmask))
			return apm_file_error(
				err, name, line,
				"the %s value is not \"0x\" and 64 hex digits as chzdev writes it (libap cannot read it)",
				ap ? "apmask" : "aqmask");
		seen[aq] = line;
		if (aq)
			r->has_aqmask = true;
		else
			r->has_apmask = true;
	}
	return 0;
}

/* The first line where a and b differ (1-based), 0 when equal. */
static unsigned int first_difference(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned int line = 1;
	size_t i = 0;

	for (; i < alen && i < blen && a[i] == b[i]; i++)
		line += a[i] == '\n';
	return i == alen && i == blen ? 0 : line;
}

int apm_rule_parse(const char *text, size_t len, const char *name, struct apm_rule *r,
		   struct apm_buf *err, struct apm_buf *notes)
{
	struct pair p[MAX_PAIRS];
	unsigned int seen[2] = { 0, 0 }, line = 0, np;
	struct apm_buf want = { 0 };
	size_t at = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	r->exists = true;
	if (len > APM_CONFIG_FILE_MAX)
		return apm_file_error(err, name, 1, "larger than %d bytes: not chzdev's rule",
				      APM_CONFIG_FILE_MAX);
	while (at < len) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at), *why;
		size_t n = nl ? (size_t)(nl - s) : len - at;

		at += n + (nl ? 1 : 0);
		line++;
		if (memchr(s, '\0', n))
			return apm_file_error(err, name, line, "a NUL byte: not a udev rule");
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (!n || *s == '#')
			continue;
		if (s[n - 1] == '\\')
			return apm_file_error(
				err, name, line,
				"a continued line: chzdev writes none, and libap does not join them");
		why = split_line(s, n, p, &np);
		if (why)
			return apm_file_error(err, name, line, "%s", why);
		rc = parse_pairs(p, np, name, line, r, seen, err);
		if (rc)
			return rc;
		if (line_is(p, np, add_trigger))
			r->add_trigger = true;
		else if (line_is(p, np, change_trigger))
			r->change_trigger = true;
		else if (line_is(p, np, load_vfio_ap))
			r->loads_vfio_ap = true;
	}
	/* Byte for byte what chzdev writes for these masks, or where not. */
	rc = apm_rule_format(r->has_apmask ? &r->apmask : NULL, r->has_aqmask ? &r->aqmask : NULL,
			     &want);
	if (rc)
		return rc;
	r->foreign_line = first_difference(text, len, want.s, want.len);
	apm_buf_free(&want);
	if (r->foreign_line)
		apm_buf_printf(
			notes,
			"%s:%u: not as chzdev writes the rule (chzdev and `apmatrix persist masks` replace the whole file)\n",
			name, r->foreign_line);
	if ((r->has_apmask || r->has_aqmask) && !(r->add_trigger && r->change_trigger))
		apm_buf_printf(
			notes,
			"%s: the masks are set without chzdev's triggers (the add event of /bus/ap, the change event with BINDINGS=complete): udev may never apply them\n",
			name);
	if ((r->has_apmask || r->has_aqmask) && !r->loads_vfio_ap)
		apm_buf_printf(notes, "%s: the rule does not load vfio_ap, as chzdev's does\n",
			       name);
	return 0;
}

int apm_rule_format(const struct apr_mask *apmask, const struct apr_mask *aqmask,
		    struct apm_buf *out)
{
	char hex[APR_MASK_STRLEN + 1];

	apm_buf_printf(out, "# Generated by chzdev\n");
	apm_buf_printf(out, "ACTION==\"add\", DEVPATH==\"/bus/ap\", "
			    "ATTR{bindings_complete_count}!=\"0\", GOTO=\"cfg_ap\"\n");
	apm_buf_printf(out, "ACTION==\"change\", SUBSYSTEM==\"ap\", DEVPATH==\"/devices/ap\", "
			    "ENV{BINDINGS}==\"complete\", ENV{COMPLETECOUNT}==\"1\", "
			    "GOTO=\"cfg_ap\"\n");
	apm_buf_printf(out, "GOTO=\"end_ap\"\n\nLABEL=\"cfg_ap\"\n\n");
	if (apmask) {
		apr_mask_format(apmask, hex);
		apm_buf_printf(out, "ATTR{../../bus/ap/apmask}=\"%s\"\n", hex);
	}
	if (aqmask) {
		apr_mask_format(aqmask, hex);
		apm_buf_printf(out, "ATTR{../../bus/ap/aqmask}=\"%s\"\n", hex);
	}
	apm_buf_printf(out, "RUN{builtin}+=\"kmod load vfio_ap\"\n\nLABEL=\"end_ap\"\n");
	return out->s ? 0 : -ENOMEM;
}
