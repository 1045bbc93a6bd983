// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim2tree - write a host, as the seam sees it, into a sysfs-shaped tree.
 *
 * Usage: sim2tree [--skeleton] [--controls] [--sim FILE] DIR
 * Walks the simulated host (the built-in scenario or FILE) from its root:
 * directories become directories, attributes files with their current
 * content and sysfs modes, links symlinks.  The committed fixture trees
 * under tests/fixtures/sysfs/ and the benchmark's 256 x 256 tree are made
 * with it, so they have exactly the kernel's paths and formats.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apm-private.h"

struct walk {
	struct apm_ctx *ctx;
	const char *out;
	bool controls;
	bool skeleton;
	char path[1024];
};

static int visit(struct walk *w);

static int entry(const char *name, void *data)
{
	struct walk *w = data;
	size_t len = strlen(w->path);
	int rc;

	/*
	 * --skeleton (the benchmark's 256 x 256 tree): no queue directories.
	 * The loader reads nothing per queue but one `status` per mdev, and
	 * a million small files would not fit a test machine.
	 */
	if (w->skeleton && len == 17 && !strncmp(w->path, "devices/ap/card", 15) &&
	    strlen(name) == 7 && name[2] == '.')
		return 0;
	/* kernel/apsim is the simulated hypervisor, not part of a real host's sysfs. */
	if (!len && !strcmp(name, "kernel") && !w->controls)
		return 0;
	snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len ? "/" : "", name);
	rc = visit(w);
	if (rc && !getenv("SIM2TREE_QUIET"))
		fprintf(stderr, "sim2tree: %s: %s\n", w->path, strerror(-rc));
	w->path[len] = '\0';
	return rc;
}

static int visit(struct walk *w)
{
	struct apm_ctx *ctx = w->ctx;
	char full[2048], buf[APR_PAGE_SIZE + 1];
	int rc, fd;

	snprintf(full, sizeof(full), "%s/%s", w->out, w->path);
	rc = ctx->ops->readlink(ctx->be, w->path, buf, sizeof(buf));
	if (rc > 0)
		return symlink(buf, full) ? -errno : 0;
	if (w->path[0] && mkdir(full, 0755) && errno != EEXIST)
		return -errno;
	rc = ctx->ops->list(ctx->be, w->path, entry, w);
	if (rc != -ENOTDIR)
		return rc;
	rmdir(full);
	rc = ctx->ops->read(ctx->be, w->path, buf, sizeof(buf));
	/* Write-only attributes exist but cannot be read: mode 0200 (sysfs). */
	fd = open(full, O_WRONLY | O_CREAT | O_TRUNC,
		  rc == -EACCES				  ? 0200
		  : ctx->ops->can_write(ctx->be, w->path) ? 0644
							  : 0444);
	if (fd < 0)
		return -errno;
	if (rc > 0 && write(fd, buf, (size_t)rc) != rc)
		rc = -EIO;
	close(fd);
	return rc < 0 && rc != -EACCES ? rc : 0;
}

int main(int argc, char **argv)
{
	struct walk w = { 0 };
	const char *file = NULL;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "--skeleton")) {
		w.skeleton = true;
		argv++;
		argc--;
	}
	if (argc > 1 && !strcmp(argv[1], "--controls")) {
		w.controls = true;
		argv++;
		argc--;
	}
	if (argc == 4 && !strcmp(argv[1], "--sim")) {
		file = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: sim2tree [--skeleton] [--controls] [--sim FILE] DIR\n");
		return 2;
	}
	w.out = argv[1];
	if (mkdir(w.out, 0755) && errno != EEXIST) {
		perror(w.out);
		return 1;
	}
	rc = apm_ctx_new_sim(file, &w.ctx);
	if (rc) {
		fprintf(stderr, "sim2tree: %s\n", strerror(-rc));
		return 1;
	}
	rc = visit(&w);
	apm_ctx_unref(w.ctx);
	if (rc) {
		fprintf(stderr, "sim2tree: %s: %s\n", w.path, strerror(-rc));
		return 1;
	}
	return 0;
}
