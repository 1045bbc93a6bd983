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

#endif
