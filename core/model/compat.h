/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * compat.h - the only headers the freestanding kernel model needs.
 *
 * In the kernel (kmod/apsim.ko) they come from linux/; in user space from
 * the C library's freestanding headers plus <errno.h> for the errno values
 * (macros only: the model calls no library function).
 */
#ifndef APMATRIX_MODEL_COMPAT_H
#define APMATRIX_MODEL_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#endif
