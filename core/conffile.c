// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conffile.c - reading another tool's file: whole, bounded, never through
 * a symbolic link, and the one form in which the readers (mdevctl.c,
 * udev-rule.c, libvirt.c) say what is wrong with it, "FILE:LINE: sentence";
 * and writing a file so that no reader ever sees half of it (persist.c's
 * definitions and rules, journal.c's journal).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persist.h"

int apm_file_error(struct apm_buf *err, const char *name, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	apm_buf_printf(err, "%s:%ld: %s\n", name, line > 0 ? line : 1, msg);
	return -EINVAL;
}

int apm_file_read_stat(const char *path, char **text, size_t *len, struct stat *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	size_t at = 0;
	char *buf;

	if (fd < 0)
		return errno == ELOOP ? -ELOOP : -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > APM_CONFIG_FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* Read to the end, whatever fstat said: the file may grow meanwhile. */
	for (;;) {
		ssize_t n = read(fd, buf + at, (size_t)st.st_size + 1 - at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			free(buf);
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		at += (size_t)n;
		if (at > (size_t)st.st_size) {
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[at] = '\0';
	*text = buf;
	*len = at;
	if (out)
		*out = st;
	return 0;
}

int apm_config_read_file(const char *path, char **text, size_t *len)
{
	return apm_file_read_stat(path, text, len, NULL);
}

#define TMP_TAG ".apmatrix-"

/* ------------------------------------------------------------ writing */

/* As mdevctl (create_dir_all) and chzdev make theirs; the journal's are 0700. */
int apm_file_make_parents(const char *path, mode_t mode)
{
	char *dir = strdup(path), *slash;
	int rc = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
			if (p)
				*p = '\0';
			if (mkdir(dir, mode) && errno != EEXIST) {
				rc = -errno;
				break;
			}
			if (!p)
				break;
			*p = '/';
		}
	}
	free(dir);
	return rc;
}

static int open_dir_of(const char *path, char **base)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	*base = (char *)path + (slash ? (size_t)(slash - dir) + 1 : 0);
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd < 0 ? -errno : fd;
}

/* Temporary files a killed writer left: removed by the next one, under the lock. */
static void remove_leftovers(int dfd, const char *base)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t bl = strlen(base);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] == '.' && !strncmp(de->d_name + 1, base, bl) &&
		    !strncmp(de->d_name + 1 + bl, TMP_TAG, strlen(TMP_TAG)))
			unlinkat(dfd, de->d_name, 0);
	closedir(d);
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int apm_file_write_atomic(const char *path, const char *content, size_t len, mode_t new_mode)
{
	char *base, tmp[300];
	struct stat st;
	mode_t mode = new_mode;
	int dfd, fd, rc;

	rc = apm_file_make_parents(path, 0755);
	if (rc)
		return rc;
	dfd = open_dir_of(path, &base);
	if (dfd < 0)
		return dfd;
	remove_leftovers(dfd, base);
	if (!fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		if (!S_ISREG(st.st_mode)) {
			close(dfd);
			return -EISDIR; /* a link or a directory: never written through */
		}
		mode = st.st_mode & 07777;
	}
	for (int i = 0;; i++) {
		if ((size_t)snprintf(tmp, sizeof(tmp), ".%s" TMP_TAG "%d-%d", base, (int)getpid(),
				     i) >= sizeof(tmp)) {
			close(dfd);
			return -ENAMETOOLONG;
		}
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	rc = write_all(fd, content, len);
	if (!rc && fchmod(fd, mode))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dfd, tmp, dfd, base))
		rc = -errno;
	if (rc)
		unlinkat(dfd, tmp, 0);
	else if (fsync(dfd))
		rc = -errno; /* the rename is not durable yet: say so */
	close(dfd);
	return rc;
}

int apm_file_remove(const char *path)
{
	char *base;
	int dfd = open_dir_of(path, &base), rc = 0;

	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0))
		rc = -errno;
	else if (fsync(dfd))
		rc = -errno;
	close(dfd);
	return rc;
}
