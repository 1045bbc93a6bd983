// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * file.c - the simulated host's state file, shared by every process that
 * names it.
 *
 * The lock is an flock on the file itself.  A change takes it, re-reads the
 * file when another process replaced it, and replaces the file atomically:
 * a complete new file, synced, renamed over the old one (which is why a
 * lock holder checks, after flock, that the path still names the inode it
 * locked).  The new file keeps the old one's mode and owner; another
 * user's file is not taken over.
 *
 * A missing file is created from the built-in scenario at the first use
 * that may write (never in read-only mode), under the same lock: the new
 * inode is locked before it is linked into place, link() never replaces
 * what another process created meanwhile, and a creator that loses the
 * race reads the winner's file.  Temporary files are named FILE.apmatrix-
 * tmp-*; the first writer under the lock removes any a killed process
 * left.  Only regular files are state files (a FIFO or a device would
 * hang or read forever), and a file apmatrix wrote must end with its end
 * marker: a cut-short file is refused, not read as a smaller host.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

#define TMP_TAG ".apmatrix-tmp-"

static void remember(struct sim_file *f, const struct stat *st)
{
	f->absent = false;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mtime = st->st_mtim;
}

static bool same(const struct sim_file *f, const struct stat *st)
{
	return !f->absent && st->st_ino == f->ino && st->st_dev == f->dev &&
	       st->st_mtim.tv_sec == f->mtime.tv_sec && st->st_mtim.tv_nsec == f->mtime.tv_nsec;
}

static const char *kind(mode_t mode)
{
	return S_ISDIR(mode)	? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode)	? "a character device"
	       : S_ISBLK(mode)	? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
				: "not a regular file";
}

/* Open the path without blocking (a FIFO), refusing what is no regular file. */
static int open_state(struct sim_file *f, int flags)
{
	struct stat st;
	int fd = open(f->path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), rc;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		err(f->ctx, "%s is %s: the simulated host's state lives in a regular file", f->path,
		    kind(st.st_mode));
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int sim_state_load_text(struct apm_ctx *ctx, const char *name, char *text, size_t len,
			struct sim_state **st)
{
	struct sim_state *ns;
	FILE *in;
	int rc, line;

	line = sim_state_incomplete(text, len);
	if (line) {
		if (!len)
			err(ctx, "%s is empty: remove it to start from the built-in scenario",
			    name);
		else
			err(ctx,
			    "%s:%d: the file ends without apmatrix's end marker: it was cut short (a full disk, an interrupted copy?); restore it or remove it to start afresh",
			    name, line);
		return -EINVAL;
	}
	ns = sim_state_new();
	in = ns ? fmemopen(text, len, "r") : NULL;
	if (!in) {
		sim_state_free(ns);
		return -ENOMEM;
	}
	rc = sim_state_parse(ctx, name, in, ns);
	fclose(in);
	if (rc) {
		sim_state_free(ns);
		return rc;
	}
	*st = ns;
	return 0;
}

/* Parse the open file fd into a fresh state that replaces *st on success. */
static int load(struct sim_file *f, int fd, struct sim_state **st)
{
	struct sim_state *ns;
	struct stat sb;
	char *text;
	size_t len = 0;
	int rc;

	if (fstat(fd, &sb))
		return -errno;
	text = malloc((size_t)sb.st_size + 1);
	if (!text)
		return -ENOMEM;
	while (len < (size_t)sb.st_size) {
		ssize_t n = pread(fd, text + len, (size_t)sb.st_size - len, (off_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			free(text);
			return rc;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	rc = sim_state_load_text(f->ctx, f->path, text, len, &ns);
	free(text);
	if (rc)
		return rc;
	sim_state_free(*st);
	*st = ns;
	remember(f, &sb);
	return 0;
}

/* This version of the file failed to load already. */
static bool known_bad(const struct sim_file *f, const struct stat *st)
{
	return f->broken && st->st_ino == f->bad_ino && st->st_dev == f->bad_dev &&
	       st->st_size == f->bad_size && st->st_mtim.tv_sec == f->bad_mtime.tv_sec &&
	       st->st_mtim.tv_nsec == f->bad_mtime.tv_nsec;
}

static void mark_bad(struct sim_file *f, const struct stat *st)
{
	f->broken = true;
	f->bad_dev = st->st_dev;
	f->bad_ino = st->st_ino;
	f->bad_size = st->st_size;
	f->bad_mtime = st->st_mtim;
}

/*
 * load(), once per version of the file: a version that fails to parse is
 * remembered, so the many reads of one host load neither parse nor log it
 * again; the host cannot be read meanwhile (-EBADMSG), and the caller keeps
 * whatever it had.  The message named the file and line the first time.
 */
static int load_once(struct sim_file *f, int fd, struct sim_state **st)
{
	struct stat sb;
	int rc;

	if (fstat(fd, &sb))
		return -errno;
	if (known_bad(f, &sb))
		return -EBADMSG;
	rc = load(f, fd, st);
	if (rc == -EINVAL) {
		mark_bad(f, &sb);
		return -EBADMSG;
	}
	if (!rc)
		f->broken = false;
	return rc;
}

bool sim_file_changed(const struct sim_file *f)
{
	struct stat st;

	if (stat(f->path, &st))
		return !f->absent;
	return !same(f, &st);
}

/* A temporary file beside the state file, FILE.apmatrix-tmp-PID-N, mode 0666 & ~umask. */
static int open_tmp(struct sim_file *f, char **name)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t n = strlen(f->path) + sizeof(TMP_TAG) + 32;
	char *tmp = malloc(n);
	unsigned char r[6];
	int fd = -1;

	if (!tmp)
		return -ENOMEM;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		apm_random_bytes(r, sizeof(r));
		snprintf(tmp, n, "%s%s%d-%c%c%c%c%c%c", f->path, TMP_TAG, (int)getpid(),
			 digits[r[0] % 36], digits[r[1] % 36], digits[r[2] % 36], digits[r[3] % 36],
			 digits[r[4] % 36], digits[r[5] % 36]);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int rc = -errno;

		free(tmp);
		return rc;
	}
	*name = tmp;
	return fd;
}

/* Write st into fd, durably; 0 or -errno.  fd stays open. */
static int write_all(int fd, const struct sim_state *st)
{
	int dfd = dup(fd), rc;
	FILE *out;

	if (dfd < 0)
		return -errno;
	out = fdopen(dfd, "w");
	if (!out) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	rc = sim_state_write(st, out);
	if (!rc && fflush(out))
		rc = -errno;
	if (fclose(out) && !rc)
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	return rc;
}

/* The directory's entry survives a crash too. */
static void sync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Remove the temporary files killed writers left; the caller holds the lock. */
static void sweep(struct sim_file *f)
{
	char *dir = strdup(f->path), *slash;
	const char *base;
	struct dirent *de;
	size_t blen;
	DIR *d;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	base = slash ? slash + 1 : f->path;
	blen = strlen(base);
	d = opendir(slash ? (*dir ? dir : "/") : ".");
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, base, blen) ||
		    strncmp(de->d_name + blen, TMP_TAG, sizeof(TMP_TAG) - 1))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			info(f->ctx, "%s: removed %s, left by an interrupted save", f->path,
			     de->d_name);
	}
	if (d)
		closedir(d);
	free(dir);
	f->swept = true;
}

/*
 * Create the file from *st (the built-in scenario): a locked temporary file
 * linked into place.  0 with the lock held on the new file (fd in *lockfd),
 * -EEXIST when another process created it first, or -errno.
 */
static int create(struct sim_file *f, const struct sim_state *st, int *lockfd)
{
	struct stat sb;
	char *tmp;
	int fd = open_tmp(f, &tmp), rc;

	if (fd < 0)
		return fd;
	rc = flock(fd, LOCK_EX) ? -errno : write_all(fd, st);
	if (!rc && link(tmp, f->path))
		rc = errno == EEXIST || errno == ENOENT ? -EEXIST : -errno;
	unlink(tmp);
	free(tmp);
	if (!rc && fstat(fd, &sb))
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	sync_dir(f->path);
	remember(f, &sb);
	*lockfd = fd;
	info(f->ctx, "%s: created from the built-in scenario", f->path);
	return 0;
}

/*
 * The file is missing: stay with the built-in scenario in memory when
 * read-only, else create the file (or read the one a racing process made).
 * Returns 0, with the lock held when lockfd is not NULL.
 */
static int appear(struct sim_file *f, struct sim_state **st, int *lockfd)
{
	int rc, fd;

	if (f->ctx->read_only)
		return lockfd ? -EROFS : 0;
	rc = create(f, *st, &fd);
	if (rc == -EEXIST)
		return 1; /* someone else's: read it */
	if (rc)
		return rc;
	if (lockfd)
		*lockfd = fd;
	else
		close(fd);
	return 0;
}

int sim_file_refresh(struct sim_file *f, struct sim_state **st)
{
	struct stat sb;
	int fd, rc;

	if (f->depth)
		return 0;
	/* Missing and allowed to write: the first use creates the file. */
	if ((!f->absent || f->ctx->read_only) && !sim_file_changed(f))
		return 0;
	if (!stat(f->path, &sb) && known_bad(f, &sb))
		return -EBADMSG;
	fd = open_state(f, O_RDONLY);
	if (fd == -ENOENT && f->absent) {
		rc = appear(f, st, NULL);
		if (rc <= 0)
			return rc;
		fd = open_state(f, O_RDONLY);
	}
	if (fd == -EINVAL) {
		/* Not a regular file (logged): as broken as a malformed one. */
		if (!stat(f->path, &sb))
			mark_bad(f, &sb);
		return -EBADMSG;
	}
	if (fd < 0) {
		err(f->ctx, "%s: %s", f->path, strerror(-fd));
		return fd;
	}
	rc = flock(fd, LOCK_SH) ? -errno : load_once(f, fd, st);
	close(fd);
	return rc;
}

/* The lock on the inode the path names (it may be replaced while we wait). */
static int lock_current(struct sim_file *f, struct sim_state **st, int *lockfd)
{
	struct stat a, b;
	int fd, rc;

	for (int tries = 0; tries < 1000; tries++) {
		fd = open_state(f, O_RDONLY);
		if (fd == -ENOENT) {
			rc = appear(f, st, lockfd);
			if (rc <= 0)
				return rc;
			continue;
		}
		if (fd < 0)
			return fd;
		if (flock(fd, LOCK_EX)) {
			rc = -errno;
			close(fd);
			return rc;
		}
		if (fstat(fd, &a) == 0 && stat(f->path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*lockfd = fd;
			return 0;
		}
		close(fd);
	}
	return -EAGAIN;
}

int sim_file_lock(struct sim_file *f, struct sim_state **st)
{
	struct stat sb;
	int fd = -1, rc;

	if (f->depth++)
		return 0;
	rc = lock_current(f, st, &fd);
	if (rc) {
		f->depth--;
		return rc;
	}
	f->lockfd = fd;
	rc = fstat(fd, &sb) ? -errno : 0;
	if (!rc && sb.st_uid != geteuid() && geteuid() != 0) {
		err(f->ctx,
		    "%s belongs to uid %u: apmatrix does not replace another user's state file (copy it, or run as its owner)",
		    f->path, (unsigned int)sb.st_uid);
		rc = -EACCES;
	}
	if (!rc && !same(f, &sb))
		rc = load_once(f, fd, st);
	if (!rc && !f->swept)
		sweep(f);
	if (rc)
		sim_file_unlock(f);
	return rc;
}

void sim_file_unlock(struct sim_file *f)
{
	if (--f->depth)
		return;
	close(f->lockfd); /* drops the flock */
	f->lockfd = -1;
}

/* Undo what the writes did in memory: the state is the file's again. */
int sim_file_revert(struct sim_file *f, struct sim_state **st)
{
	if (f->lockfd < 0)
		return -EBADF;
	return load(f, f->lockfd, st);
}

int sim_file_save(struct sim_file *f, const struct sim_state *st)
{
	struct stat old, sb;
	char *tmp;
	int fd, rc;

	if (f->lockfd < 0 || fstat(f->lockfd, &old))
		return -EBADF;
	fd = open_tmp(f, &tmp);
	if (fd < 0)
		return fd;
	/* The new file is the old one's: same mode, same owner and group. */
	rc = fchmod(fd, old.st_mode & 07777) || fstat(fd, &sb) ? -errno : 0;
	if (!rc && (old.st_uid != sb.st_uid || old.st_gid != sb.st_gid) &&
	    fchown(fd, old.st_uid, old.st_gid)) {
		rc = -errno;
		err(f->ctx, "%s: cannot keep its owner %u:%u: %s", f->path,
		    (unsigned int)old.st_uid, (unsigned int)old.st_gid, strerror(-rc));
	}
	if (!rc)
		rc = write_all(fd, st);
	if (!rc && rename(tmp, f->path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	else
		sync_dir(f->path);
	if (!rc && stat(f->path, &sb) == 0)
		remember(f, &sb);
	close(fd);
	free(tmp);
	return rc;
}

int sim_file_open(struct sim_file *f, struct apm_ctx *ctx, const char *path, struct sim_state **st,
		  int (*builtin)(struct apm_ctx *, struct sim_state *))
{
	int fd, rc;

	f->ctx = ctx;
	f->lockfd = -1;
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	fd = open_state(f, O_RDONLY);
	if (fd == -ENOENT) {
		/* Created at the first use that may write (read-only never writes). */
		f->absent = true;
		return builtin(ctx, *st);
	}
	if (fd < 0) {
		if (fd != -EINVAL)
			err(ctx, "%s: %s", path, strerror(-fd));
		return fd;
	}
	rc = flock(fd, LOCK_SH) ? -errno : load(f, fd, st);
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
