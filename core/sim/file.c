// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * file.c - the simulated host's state file: every write runs under an
 * flock on the file, the state is re-read when another process replaced
 * it, and a change replaces the file atomically (a new file renamed over
 * the old one), so a sequence of commands behaves as on one host.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

static void remember(struct sim_file *f, const struct stat *st)
{
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mtime = st->st_mtim;
}

/* Parse the open file fd into a fresh state that replaces *st on success. */
static int load(struct sim_file *f, int fd, struct sim_state **st)
{
	struct sim_state *ns = sim_state_new();
	struct stat sb;
	FILE *in;
	int rc, dfd;

	if (!ns)
		return -ENOMEM;
	dfd = dup(fd);
	in = dfd >= 0 ? fdopen(dfd, "r") : NULL;
	if (!in) {
		rc = -errno;
		if (dfd >= 0)
			close(dfd);
		sim_state_free(ns);
		return rc;
	}
	rewind(in);
	rc = sim_state_parse(f->ctx, f->path, in, ns);
	fclose(in);
	if (rc) {
		sim_state_free(ns);
		return rc;
	}
	sim_state_free(*st);
	*st = ns;
	if (fstat(fd, &sb) == 0)
		remember(f, &sb);
	return 0;
}

bool sim_file_changed(const struct sim_file *f)
{
	struct stat st;

	if (stat(f->path, &st))
		return true;
	return st.st_ino != f->ino || st.st_dev != f->dev || st.st_mtim.tv_sec != f->mtime.tv_sec ||
	       st.st_mtim.tv_nsec != f->mtime.tv_nsec;
}

int sim_file_refresh(struct sim_file *f, struct sim_state **st)
{
	int fd, rc;

	if (f->depth || !sim_file_changed(f))
		return 0;
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_SH)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = load(f, fd, st);
	close(fd);
	return rc;
}

/*
 * flock the file itself.  The file is replaced by rename, so after getting
 * the lock check that the path still names the inode we locked; if not,
 * another process replaced it meanwhile: lock the new one.
 */
int sim_file_lock(struct sim_file *f, struct sim_state **st)
{
	struct stat a, b;
	int fd, rc;

	if (f->depth++)
		return 0;
	for (;;) {
		fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX))
			break;
		if (fstat(fd, &a) == 0 && stat(f->path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			break;
		close(fd);
	}
	if (fd < 0 || a.st_ino != b.st_ino) {
		rc = -errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
		f->depth--;
		return rc;
	}
	f->lockfd = fd;
	if (a.st_ino != f->ino || a.st_dev != f->dev || a.st_mtim.tv_sec != f->mtime.tv_sec ||
	    a.st_mtim.tv_nsec != f->mtime.tv_nsec) {
		rc = load(f, fd, st);
		if (rc) {
			sim_file_unlock(f);
			return rc;
		}
	}
	return 0;
}

void sim_file_unlock(struct sim_file *f)
{
	if (--f->depth)
		return;
	close(f->lockfd); /* drops the flock */
	f->lockfd = -1;
}

int sim_file_save(struct sim_file *f, const struct sim_state *st)
{
	size_t n = strlen(f->path) + 16;
	char *tmp = malloc(n);
	struct stat sb;
	FILE *out;
	int fd, rc = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n, "%s.XXXXXX", f->path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	out = fdopen(fd, "w");
	if (!out) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	rc = sim_state_write(st, out);
	if (!rc && fflush(out))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (fclose(out) && !rc)
		rc = -errno;
	if (rc)
		goto fail;
	if (rename(tmp, f->path)) {
		rc = -errno;
		goto fail;
	}
	if (stat(f->path, &sb) == 0)
		remember(f, &sb);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return rc;
}

/* Open (and when missing, create from the built-in scenario) and load. */
int sim_file_open(struct sim_file *f, struct apm_ctx *ctx, const char *path, struct sim_state **st,
		  int (*builtin)(struct apm_ctx *, struct sim_state *))
{
	int fd, rc;

	f->ctx = ctx;
	f->lockfd = -1;
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Created from the built-in scenario, atomically (a racing creator wins). */
		rc = builtin(ctx, *st);
		if (rc)
			return rc;
		rc = sim_file_save(f, *st);
		if (rc)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		rc = -errno;
		err(ctx, "%s: %s", path, strerror(errno));
		return rc;
	}
	flock(fd, LOCK_SH);
	rc = load(f, fd, st);
	close(fd);
	return rc;
}

void sim_file_close(struct sim_file *f)
{
	if (f->lockfd >= 0)
		close(f->lockfd);
	free(f->path);
	f->path = NULL;
}
