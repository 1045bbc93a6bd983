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
#include <string.h>

#include "apm-private.h"
#include "explain.h"

/* ------------------------------------------------------------- IDs */

static void quoted(const char *s, unsigned long at, unsigned long len, char *out, size_t size)
{
	char raw[128];

	snprintf(raw, sizeof(raw), "%.*s", (int)len, s + at);
	apm_text_escape(raw, out, size, 0);
}

void apm_explain_ids(const char *s, const struct apr_ids_error *e, char *buf, size_t size)
{
	char text[160];

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
