// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lock.c - the AP configuration lock that s390-tools shares.
 *
 * /run/lock/s390apconfig.lock is not an flock(2) lock: chzdev and ap-check
 * (mdevctl's vfio_ap callout) take it through libutil's util_lockfile.c,
 * which writes "PID\n" into a temporary file and link(2)s that file to the
 * lock path.  An existing lock whose PID is dead is stale and removed; an
 * existing lock without a PID is taken to be still being created for 120 s
 * (util_lockfile.c: handle_stale_lock), then removed as well.  libap retries
 * 3000 times about 30 ms apart (libap/ap.c: ap_get_lock), so a tool that
 * holds the lock for longer than ~90 s makes the others give up.
 *
 * This file speaks the same protocol, so apmatrix, chzdev and ap-check
 * exclude each other, with three differences that make it safe to leave
 * running as root in a world-writable directory:
 *  - nothing is ever opened through a symbolic link (O_NOFOLLOW), and a lock
 *    path that is not a regular file is refused with a message, not used;
 *  - while waiting it says who holds the lock (command name, PID, owner) once
 *    through the context's log, and it gives up after a bounded wait;
 *  - every file it creates is removed again on every path.
 * The owner may be the parent process (the form ap-check uses as a callout,
 * util_lockfile_parent_lock); a lock already held in that owner's name is
 * used as it is and left in place.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apm-private.h"

#define LOCK_PID_WAIT_S 120 /* util_lockfile.c: WAITPID */
#define LOCK_RETRY_MS	30  /* libap: AP_LOCK_DELAY_US */

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* The directory part of path, created when missing (/run/lock is not on every VM). */
static int make_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	struct stat st;
	int rc = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	/* Parents as mkdir -p would make them; the lock's own directory as Debian's
	 * /run/lock is: sticky and world-writable. */
	for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(dir, p ? 0755 : 01777) == 0) {
			if (!p)
				chmod(dir, 01777); /* past the umask */
		} else if (errno != EEXIST) {
			rc = -errno;
		} else if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
			rc = -ENOTDIR;
		}
		if (!p || rc)
			break;
		*p = '/';
	}
	free(dir);
	return rc;
}

/*
 * What the lock file says: 0 and *pid (0 when it holds no PID yet), the
 * file's owner and its modification time; -ENOENT when it is gone; -ELOOP
 * for a symbolic link and -EPERM for anything else that is not a regular
 * file (opened non-blocking, so a FIFO cannot hang us).
 */
static int peek(const char *path, int *pid, uid_t *uid, time_t *mtime)
{
	char buf[40];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return errno == ELOOP ? -ELOOP : -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	*pid = atoi(buf);
	*uid = st.st_uid;
	*mtime = st.st_mtime;
	return 0;
}

/* kill(pid, 0): alive, or we may not ask (then alive, as util_lockfile.c assumes). */
static bool pid_alive(int pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/* The holder's command name, escaped: any user can name a process anything. */
static void pid_name(int pid, char *name, size_t size)
{
	char path[64], raw[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	name[0] = '\0';
	fd = pid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	raw[n > 0 ? n : 0] = '\0';
	raw[strcspn(raw, "\n")] = '\0';
	apm_text_escape(raw, name, size, 0);
}

/* A temporary file holding "PID\n" beside the lock, ready to be linked. */
static int write_pid_file(const char *path, int owner, char **tmp)
{
	char buf[24];
	size_t n = strlen(path) + 40;
	int fd, len, rc = 0;

	*tmp = malloc(n);
	if (!*tmp)
		return -ENOMEM;
	len = snprintf(buf, sizeof(buf), "%d\n", owner);
	for (unsigned int i = 0;; i++) {
		snprintf(*tmp, n, "%s.apmatrix.%d.%u", path, (int)getpid(), i);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST || i == 100)
			break;
	}
	if (fd < 0) {
		rc = -errno;
		free(*tmp);
		*tmp = NULL;
		return rc;
	}
	if (write(fd, buf, (size_t)len) != len)
		rc = errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	if (rc) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return rc;
}

int apm_lock_take(struct apm_ctx *ctx, bool *taken)
{
	const char *path = ctx->lock_path;
	int owner = ctx->lock_parent ? (int)getppid() : (int)getpid();
	unsigned long long start = now_ms();
	bool told = false;
	char *tmp = NULL;
	int rc, pid = 0;
	uid_t uid = 0;
	time_t mtime;

	*taken = false;
	rc = make_dir(path);
	if (rc) {
		err(ctx, "cannot create the directory of the AP configuration lock %s: %s", path,
		    strerror(-rc));
		return rc;
	}
	rc = write_pid_file(path, owner, &tmp);
	if (rc) {
		err(ctx, "cannot create a file beside the AP configuration lock %s: %s", path,
		    strerror(-rc));
		return rc;
	}
	for (;;) {
		if (link(tmp, path) == 0) {
			*taken = true;
			rc = 0;
			break;
		}
		if (errno != EEXIST) {
			rc = -errno;
			err(ctx, "cannot take the AP configuration lock %s: %s", path,
			    strerror(errno));
			break;
		}
		rc = peek(path, &pid, &uid, &mtime);
		if (rc == -ENOENT)
			continue; /* released meanwhile: try again at once */
		if (rc) {
			err(ctx,
			    "%s is not a lock file (%s): refusing to use it; remove it if no tool of yours made it",
			    path, rc == -ELOOP ? "a symbolic link" : "not a regular file");
			rc = -EPERM;
			break;
		}
		if (pid > 0 && pid == owner) {
			rc = 0; /* held in our owner's name already: use it, leave it */
			break;
		}
		if (pid > 0 && !pid_alive(pid)) {
			unlink(path); /* stale: its process is gone */
			continue;
		}
		if (pid <= 0 && time(NULL) > mtime + LOCK_PID_WAIT_S) {
			unlink(path); /* no PID written within two minutes: stale */
			continue;
		}
		if (!told) {
			char name[128];

			pid_name(pid, name, sizeof(name));
			if (pid > 0)
				warn(ctx,
				     "waiting for the AP configuration lock held by %s (pid %d, uid %u)",
				     name[0] ? name : "an unknown process", pid, (unsigned int)uid);
			else
				warn(ctx,
				     "waiting for the AP configuration lock %s: it is being created (no PID in it yet)",
				     path);
			told = true;
		}
		if (now_ms() - start >= ctx->lock_wait_ms) {
			char name[128];

			pid_name(pid, name, sizeof(name));
			err(ctx,
			    "gave up waiting for the AP configuration lock %s after %u s: held by %s (pid %d, uid %u)",
			    path, ctx->lock_wait_ms / 1000,
			    pid > 0 ? (name[0] ? name : "an unknown process") : "nobody yet", pid,
			    (unsigned int)uid);
			rc = -ETIMEDOUT;
			break;
		}
		sleep_ms(LOCK_RETRY_MS + (unsigned int)(now_ms() % 4));
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

void apm_lock_release(struct apm_ctx *ctx, bool taken)
{
	int owner = ctx->lock_parent ? (int)getppid() : (int)getpid();
	int pid = 0;
	uid_t uid;
	time_t mtime;

	/* Only our own lock: util_lockfile.c's release checks the PID as well. */
	if (taken && !peek(ctx->lock_path, &pid, &uid, &mtime) && pid == owner)
		unlink(ctx->lock_path);
}
