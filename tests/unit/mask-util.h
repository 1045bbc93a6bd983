/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mask-util.h - helpers the rules' unit tests share: a mask from a list of IDs.
 */
#ifndef APMATRIX_TEST_MASK_UTIL_H
#define APMATRIX_TEST_MASK_UTIL_H

#include <stdarg.h>

#include "rules.h"

/* The mask with the n IDs that follow set. */
static inline struct apr_mask mask_of(int n, ...)
{
	struct apr_mask m;
	va_list ap;

	apr_mask_zero(&m);
	va_start(ap, n);
	while (n--)
		apr_mask_set(&m, (unsigned int)va_arg(ap, int));
	va_end(ap);
	return m;
}

#endif
