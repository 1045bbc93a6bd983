/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-tree.h - a sysfs-shaped tree in memory, served to the library
 * through its seam (struct apm_backend_ops) by a backend the harnesses
 * link: the whole-host harness and the sysfs readers' harnesses load a
 * host from it with the real apm_host_load(), thousands of times a second,
 * with nothing on disk.
 *
 * The serialised form (a harness's input, tests/fuzz/make-corpus.sh makes
 * it from the fixture trees) is records "PATH\0CONTENT\0": a PATH that
 * starts with '@' is a symbolic link whose CONTENT is its target, relative
 * to its directory as on /sys.  Directories are implied by the paths in
 * them; a later record replaces an earlier one of the same path.  The
 * tree's own convention ".vfio/GROUP" (a file holding a process name) says
 * who holds /dev/vfio/GROUP.
 */
#ifndef APMATRIX_FUZZ_TREE_H
#define APMATRIX_FUZZ_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct apm_ctx;
struct fuzz_tree;

/* A tree and a context whose seam reads it; the context owns the tree. */
struct apm_ctx *fuzz_tree_ctx_new(struct fuzz_tree **tree);
/* Empties the tree (the context stays). */
void fuzz_tree_clear(struct fuzz_tree *t);
/* Adds the records of a serialised tree (an incomplete last record is dropped). */
void fuzz_tree_load(struct fuzz_tree *t, const void *data, size_t size);
/* Adds or replaces one file (len bytes of content) or link. */
void fuzz_tree_put(struct fuzz_tree *t, const char *path, const void *content, size_t len,
		   bool link);
/*
 * fuzz_tree_mark() remembers the tree as it is, fuzz_tree_reset() goes back
 * to it, and fuzz_tree_set() replaces one file's content without sorting
 * the tree again: a harness that changes one file of a base tree pays for
 * the base once.
 */
void fuzz_tree_mark(struct fuzz_tree *t);
void fuzz_tree_reset(struct fuzz_tree *t);
void fuzz_tree_set(struct fuzz_tree *t, const char *path, const void *content, size_t len);

/*
 * A small host of one kernel generation, for the harnesses that mutate one
 * attribute of it: adapter 0x05 (CEX5C), usage (and control) domains 0x01
 * (the host's default) and 0x47; queue 05.0047 on vfio_ap, 05.0001 on
 * cex4queue; one mdev, FUZZ_MDEV, with APQN 05.0047 and control domain
 * 0x47 (fuzz_base_sets), held by a guest (its VFIO group 7) and in its
 * guest matrix where the generation has one.
 */
enum fuzz_base {
	FUZZ_BASE_STATIC = 0, /* 4.20-5.19: matrix, control_domains */
	FUZZ_BASE_6_0,	      /* + guest_matrix */
	FUZZ_BASE_6_13,	      /* + ap_config, matrix features */
	FUZZ_BASE_6_19,	      /* + queue driver_override */
};
#define FUZZ_MDEV     "62177883-f1bb-47f0-914d-32a22e3a8804"
#define FUZZ_MDEV_DIR "devices/vfio_ap/matrix/" FUZZ_MDEV
void fuzz_tree_base(struct fuzz_tree *t, enum fuzz_base base);
struct apr_mask;
/* The base mdev's adapters, domains and control domains. */
void fuzz_base_sets(struct apr_mask *apm, struct apr_mask *aqm, struct apr_mask *adm);
/* fuzz_tree_put() of a NUL-terminated text. */
void fuzz_tree_text(struct fuzz_tree *t, const char *path, const char *text);

#endif
