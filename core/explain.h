/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * explain.h - the library's human text (explain.c): refusals, errnos and
 * operator input in sentences.
 */
#ifndef APM_EXPLAIN_H
#define APM_EXPLAIN_H

#include <stddef.h>

#include "model.h"

/* A sentence for an ID-list error of s. */
void apm_explain_ids(const char *s, const struct apr_ids_error *e, char *buf, size_t size);

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
