/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch-check.h - the incremental engine checked against the full load,
 * event by event, on a simulated host (tests/unit/test-watch.c and
 * tests/tools/uevreplay.c).
 *
 * Host A takes the writes.  Every uevent A sends is caught as it is sent
 * (the sim's tap) with A's kernel model at that moment; host B is set to
 * that model, the event is handed to an engine watching B, and the
 * engine's snapshot (its warnings too) is compared with a fresh load of B.  After each write
 * a poll tick follows, compared the same way.  Optionally the events A
 * sends are compared with a recording of a real kernel's (uevmon lines).
 */
#ifndef APMATRIX_WATCH_CHECK_H
#define APMATRIX_WATCH_CHECK_H

#include <stdbool.h>

#include "apm-private.h"
#include "sim/sim.h"

struct wcheck {
	struct apm_ctx *a, *b;
	struct sim *sa, *sb;
	struct apm_watch *w;
	unsigned int events, checked, mismatches;
	char first[2048]; /* the first mismatch */
	char op[600];	  /* the write being made, for the messages */
	/*
	 * A checkstop changes in a scan without an event (ap_bus.c:
	 * ap_scan_adapter), adapter by adapter: the events of that scan come
	 * before the engine can know, so only the poll after it is compared.
	 */
	bool silent;
	int err; /* the first error of the harness itself, -errno */
	/*
	 * The warnings of the engine's snapshots (compared with a fresh
	 * load's): the mdev parts taken over from the snapshot before, and
	 * those said again (apm_host_get_warning_stats), over all checks.
	 */
	struct apm_host *whost; /* the last snapshot counted */
	unsigned int wreused, wcomputed;
	/* The recorded events A must send (of one subsystem), in order. */
	char **expect;
	unsigned int nexpect, at, differ;
	const char *subsystem;
	char expect_first[1024]; /* the first event that differs */
};

/* A is scenario (a state file, NULL: the built-in host), B its mirror.  0 or -errno. */
int wcheck_open(struct wcheck *t, const char *scenario);
void wcheck_close(struct wcheck *t);
/* value to path on A, then the poll tick; the write's answer (a refusal is a result too). */
int wcheck_write(struct wcheck *t, const char *path, const char *value);
/* The events A sends are compared with file's uevmon lines of subsystem.  0 or -errno. */
int wcheck_expect(struct wcheck *t, const char *file, const char *subsystem);

#endif
