/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * explain.h - the library's human text (explain.c): refusals, errnos and
 * operator input in sentences.
 */
#ifndef APM_EXPLAIN_H
#define APM_EXPLAIN_H

#include <stddef.h>

#include "apm-private.h"

/* A sentence for an ID-list error of s. */
void apm_explain_ids(const char *s, const struct apr_ids_error *e, char *buf, size_t size);

/* A set of APQNs, for the sentences that must name every one of them. */
struct apm_apqns {
	uint64_t w[APR_BITS * APR_BITS / 64];
};
void apm_apqns_zero(struct apm_apqns *s);
void apm_apqns_add(struct apm_apqns *s, unsigned int a, unsigned int q);
bool apm_apqns_test(const struct apm_apqns *s, unsigned int a, unsigned int q);
unsigned int apm_apqns_count(const struct apm_apqns *s);
/*
 * Every APQN of s for a sentence: each one when there are few ("05.0004
 * 06.0004"), else their count and what they are, as one rectangle
 * ("512 APQNs: adapters 0x00-0x01 x domains 0x00-0xff") or per adapter, on
 * lines of their own after indent.  Nothing is left out.
 */
void apm_apqns_text(const struct apm_apqns *s, struct apm_buf *b, const char *indent);

/* An operator's mask SPEC, read as apm_mask_parse_spec() reads it. */
enum apm_spec_form {
	APM_SPEC_EMPTY = 0, /* nothing: a 0-byte write never reaches the kernel */
	APM_SPEC_KERNEL,    /* the kernel's absolute or relative form: written as it is */
	APM_SPEC_IDS,	    /* chzdev's list of the IDs the host keeps: written as kernel[] */
};
struct apm_spec {
	enum apm_spec_form form;
	struct apr_mask mask;		  /* what it gives from the current mask */
	char kernel[APR_MASK_STRLEN + 1]; /* APM_SPEC_IDS: the absolute form of mask */
};
/*
 * The form of spec and what it gives from cur: 0, -EINVAL (malformed in the
 * kernel's form), -EDOM (chzdev's form with bad IDs) or -ENOTUNIQ
 * (ambiguous), with a sentence in err (may be NULL).
 */
int apm_spec_read(const char *spec, unsigned int flags, const struct apr_mask *cur,
		  struct apm_spec *sp, char *err, size_t errsize);

#endif
