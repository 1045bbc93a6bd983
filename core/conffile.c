// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conffile.c - reading another tool's file: whole, bounded, never through
 * a symbolic link, and the one form in which the readers (mdevctl.c,
 * udev-rule.c, libvirt.c) say what is wrong with it, "FILE:LINE: sentence".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int apm_config_read_file(const char *path, char **text, size_t *len)
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
	return 0;
}
