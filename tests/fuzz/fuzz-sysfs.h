/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-sysfs.h - what the sysfs harnesses share: a host loaded with the
 * real apm_host_load() from a small base tree (fuzz-tree.h) in which one
 * attribute holds the input, the checks every snapshot must pass, and
 * oracles for the kernel's text forms.
 */
#ifndef APMATRIX_FUZZ_SYSFS_H
#define APMATRIX_FUZZ_SYSFS_H

#include "apm-private.h"
#include "fuzz-tree.h"
#include "fuzz.h"

/*
 * The base tree of that generation with path holding the input (a NULL
 * path: the input is a whole serialised tree), loaded with flags.  NULL
 * when the load fails with -ENOENT (no AP bus); any other failure is a
 * finding.  Unref the host before the next call.
 */
struct apm_host *fuzz_sysfs_load(enum fuzz_base base, const char *path, const uint8_t *data,
				 size_t size, unsigned int flags);

/*
 * Every snapshot's promises: IDs in range, mdevs findable, the cells
 * `show` lists consistent; with FUZZ_CHECK_ADAPTERS every adapter's fields
 * in their documented ranges, with FUZZ_CHECK_QUEUES every queue's
 * attributes too (read through the seam).  A harness asks for what its
 * input can reach.
 */
#define FUZZ_CHECK_ADAPTERS (1u << 0)
#define FUZZ_CHECK_QUEUES   (1u << 1)
void fuzz_check_host(struct apm_host *h, unsigned int what);

/*
 * The mdev of a base tree that has one (FUZZ_MDEV_DIR), from a host that
 * has passed fuzz_check_host(h, 0); a host without it is a finding.
 */
struct apm_mdev *fuzz_sysfs_mdev(struct apm_host *h);

/*
 * How much of an attribute of size bytes a reader sees whole: a page at
 * most, and when it fills the page, up to its last whole line.
 */
size_t fuzz_page_lines(const char *text, size_t size);
/* The IDs below 256 that text writes as a whole run of hex digits. */
void fuzz_hex_tokens(const char *text, size_t len, struct apr_mask *ids);
/*
 * True when text is exactly what vfio_ap_mdev_matrix_show() writes (lines
 * "AA.DDDD", "AA." or ".DDDD"), with the sets it names.
 */
bool fuzz_kernel_matrix(const char *text, size_t len, struct apr_mask *apm, struct apr_mask *aqm);
/*
 * What the reader made of a matrix text (matrix, guest_matrix; attr names
 * it in a finding), apm and aqm: no ID the text does not write, and the
 * kernel's own form exactly when it fits the sysfs page.
 */
void fuzz_check_matrix_text(const char *attr, const uint8_t *data, size_t size,
			    const struct apr_mask *apm, const struct apr_mask *aqm);
/* A mask's set bits as "0x04,0x47" for a finding's message. */
const char *fuzz_mask_str(const struct apr_mask *m);

#endif
