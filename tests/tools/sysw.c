// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysw - write to a sysfs attribute and print the kernel's answer by name.
 *
 * Usage: sysw FILE VALUE      writes VALUE followed by '\n' (as echo does)
 *        sysw -n FILE VALUE   writes VALUE as it is (no newline)
 *        sysw -e FILE VALUE   as -n, with each "\n" in VALUE a newline
 *        sysw -b [-n]         one write per stdin line "FILE<TAB>VALUE"
 * Prints "OK" or the errno's name (EBUSY, EADDRINUSE, ...) and exits 0 on
 * success, 1 on a refused write, 2 on misuse; -b prints one answer a line
 * and exits 0 (the hostile tests make 10^5 writes: one process, not one
 * each).  The VM tests compare these names with the simulated host's
 * answers; a shell's echo would only say "I/O error" or nothing useful.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int e)
{
	return strerrorname_np(e) ? strerrorname_np(e) : "?";
}

/* One write of len bytes; the answer's name, "OK" on success. */
static const char *write_one(const char *file, const char *buf, size_t len)
{
	const char *answer = "OK";
	int fd = open(file, O_WRONLY);

	if (fd < 0)
		return errname(errno);
	if (write(fd, buf, len) < 0)
		answer = errname(errno);
	close(fd);
	return answer;
}

static int batch(int nl)
{
	char line[16384];

	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);
		char *tab = strchr(line, '\t');

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!tab) {
			fprintf(stderr, "sysw: no tab in '%s'\n", line);
			return 2;
		}
		*tab++ = '\0';
		len = strlen(tab);
		if (nl)
			tab[len++] = '\n';
		printf("%s\n", write_one(line, tab, len));
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[8192];
	const char *answer;
	int nl = 1, esc = 0;
	size_t len;

	if (argc >= 2 && !strcmp(argv[1], "-b"))
		return argc == 2 ? batch(1) : argc == 3 && !strcmp(argv[2], "-n") ? batch(0) : 2;
	if (argc == 4 && (!strcmp(argv[1], "-n") || !strcmp(argv[1], "-e"))) {
		nl = 0;
		esc = argv[1][1] == 'e';
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: sysw [-n|-e] FILE VALUE | sysw -b [-n]\n");
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
	answer = write_one(argv[1], buf, len);
	printf("%s\n", answer);
	return strcmp(answer, "OK") ? 1 : 0;
}
