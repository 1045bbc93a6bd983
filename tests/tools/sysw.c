// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysw - write to a sysfs attribute and print the kernel's answer by name.
 *
 * Usage: sysw FILE VALUE      writes VALUE followed by '\n' (as echo does)
 *        sysw -n FILE VALUE   writes VALUE as it is (no newline)
 *        sysw -e FILE VALUE   as -n, with each "\n" in VALUE a newline
 * Prints "OK" or the errno's name (EBUSY, EADDRINUSE, ...) and exits 0 on
 * success, 1 on a refused write, 2 on misuse.  The VM tests compare these
 * names with the simulated host's answers; a shell's echo would only say
 * "I/O error" or nothing useful.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[8192];
	int nl = 1, esc = 0, fd;
	size_t len;
	ssize_t n;

	if (argc == 4 && (!strcmp(argv[1], "-n") || !strcmp(argv[1], "-e"))) {
		nl = 0;
		esc = argv[1][1] == 'e';
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: sysw [-n] FILE VALUE\n");
		return 2;
	}
	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", argv[2], nl ? "\n" : "");
	if (len >= sizeof(buf)) {
		fprintf(stderr, "sysw: value too long\n");
		return 2;
	}
	if (esc) {
		size_t o = 0;

		for (size_t i = 0; i < len; i++) {
			if (buf[i] == '\\' && buf[i + 1] == 'n') {
				buf[o++] = '\n';
				i++;
			} else {
				buf[o++] = buf[i];
			}
		}
		len = o;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	n = write(fd, buf, len);
	if (n < 0) {
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		close(fd);
		return 1;
	}
	close(fd);
	printf("OK\n");
	return 0;
}
