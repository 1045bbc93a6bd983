// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uevreplay - a recorded uevent storm, played again on the simulated host
 * with the engine checked after every event.
 *
 * Usage: uevreplay SCENARIO RECORDED SUBSYSTEM [PATH VALUE]...
 * SCENARIO is a simulated host in the state a real one was in (a state
 * file, changed by nothing: a copy is used), RECORDED what uevmon printed
 * of SUBSYSTEM while the same writes ran there.  The writes are made
 * again on the simulated host; each uevent it sends must be the recorded
 * one (action, device and what the engine reads of it), and after each the
 * incremental engine's snapshot must equal a fresh load (watch-check.h).
 * Prints the figures; exit 0 when both held for every event.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch-check.h"

static int copy_file(const char *from, char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "r"), *out;
	size_t n;
	int fd = mkstemp(to);

	if (!in || fd < 0 || !(out = fdopen(fd, "w"))) {
		if (in)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	fclose(in);
	return fclose(out);
}

int main(int argc, char **argv)
{
	char copy[] = "/tmp/uevreplay-XXXXXX";
	struct apm_watch_stats st;
	struct wcheck t;
	int rc;

	if (argc < 4 || argc % 2) {
		fprintf(stderr, "usage: uevreplay SCENARIO RECORDED SUBSYSTEM [PATH VALUE]...\n");
		return 2;
	}
	if (copy_file(argv[1], copy)) {
		fprintf(stderr, "uevreplay: %s: cannot copy it\n", argv[1]);
		return 2;
	}
	rc = wcheck_open(&t, copy);
	if (!rc)
		rc = wcheck_expect(&t, argv[2], argv[3]);
	if (rc) {
		fprintf(stderr, "uevreplay: %s, %s: %s\n", argv[1], argv[2], strerror(-rc));
		unlink(copy);
		return 2;
	}
	for (int i = 4; i + 1 < argc; i += 2) {
		rc = wcheck_write(&t, argv[i], argv[i + 1]);
		printf("uevreplay: write '%s' to %s: %s\n", argv[i + 1], argv[i],
		       rc ? apm_errno_name(rc) : "OK");
	}
	apm_watch_get_stats(t.w, &st);
	printf("uevreplay: %u %s events recorded, %u sent by the simulated host%s\n", t.nexpect,
	       argv[3], t.at, t.differ || t.at != t.nexpect ? "" : ": the same, in the same order");
	if (t.differ)
		printf("uevreplay: %u differ; the first: %s\n", t.differ, t.expect_first);
	printf("uevreplay: the engine after every event: %u checks, %u differ from a fresh load, "
	       "%llu full loads\n",
	       t.checked, t.mismatches, (unsigned long long)st.reloads);
	if (t.mismatches)
		printf("uevreplay: the first: %s\n", t.first);
	if (t.err)
		printf("uevreplay: the harness failed: %s\n", strerror(-t.err));
	rc = t.differ || t.at != t.nexpect || t.mismatches || st.reloads || t.err ? 1 : 0;
	wcheck_close(&t);
	unlink(copy);
	return rc;
}
