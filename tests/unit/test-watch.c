// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-watch.c - the incremental engine against the full load.
 *
 * A simulated host (A) takes random writes: masks, assignments, mdevs,
 * cards, the hypervisor's changes, guests, driver binds.  Every uevent A
 * sends is caught as it is sent (the sim's tap) together with A's kernel
 * model at that moment; a second simulated host (B) is set to that model,
 * the event is handed to an engine watching B, and the engine's snapshot
 * must equal a fresh load of B, event after event, and so must its
 * warnings (taken over from the snapshot before where nothing they depend
 * on changed) those the fresh load says.  After each write a poll tick
 * follows (what no event tells: checkstops, scans).  Then the
 * storms of a mask write: one that the event ring holds, applied
 * incrementally, and one that overflows it, told as lost and answered by
 * one full load.  And the deltas: what they list for known changes.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "apm-private.h"
#include "libapmatrix.h"
#include "watch-check.h"

static const char *const uuids[] = {
	"62177883-f1bb-47f0-914d-32a22e3a8804", "cef03c3c-903d-4ecc-9a83-40694cb8aee4",
	"8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58", "5a5a5a5a-1111-4222-8333-444455556666",
	"77777777-8888-4999-aaaa-bbbbbbbbbbbb", "00000001-0000-4000-8000-000000000001",
};

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

struct harness {
	struct wcheck c;
	unsigned int seed, seed0, step;
};

static unsigned int rnd(struct harness *t, unsigned int n)
{
	t->seed = t->seed * 1103515245u + 12345u;
	return (t->seed >> 8) % n;
}

/* One write to A, then the poll tick B's engine would make after it. */
static void write_a(struct harness *t, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void write_a(struct harness *t, const char *path, const char *fmt, ...)
{
	char value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	/* Refusals are part of the sequence: they must change nothing. */
	wcheck_write(&t->c, path, value);
	assert_int_equal(t->c.err, 0);
}

static const unsigned int ads[] = { 3, 4, 5, 6, 7, 0x0a };
static const unsigned int doms[] = { 1, 2, 4, 5, 0x47, 0xab, 0xff };

static unsigned int pick(struct harness *t, const unsigned int *set, unsigned int n)
{
	return set[rnd(t, n)];
}

static const char *some_mdev(struct harness *t)
{
	const struct apr_model *m = &t->c.sa->st->m;

	if (m->nmdevs && rnd(t, 4))
		return m->mdev[rnd(t, m->nmdevs)].uuid;
	return uuids[rnd(t, ARRAY_SIZE(uuids))];
}

static void random_write(struct harness *t)
{
	static const char *const kinds[] = { "adapter", "domain", "control_domain" };
	static const char *const hv[] = { "add_usage_domain", "remove_usage_domain",
					  "add_control_domain", "remove_control_domain" };
	char path[160];
	unsigned int a = pick(t, ads, ARRAY_SIZE(ads)), d = pick(t, doms, ARRAY_SIZE(doms));
	const char *u = some_mdev(t);

	switch (rnd(t, 16)) {
	case 0:
		write_a(t, "bus/ap/apmask", "%c0x%x", rnd(t, 2) ? '+' : '-', a);
		break;
	case 1:
		write_a(t, "bus/ap/aqmask", "%c0x%x", rnd(t, 2) ? '+' : '-', d);
		break;
	case 2:
	case 3:
		snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/%sassign_%s", u,
			 rnd(t, 3) ? "" : "un", kinds[rnd(t, 3)]);
		write_a(t, path, "0x%x", rnd(t, 2) ? a : d);
		break;
	case 4:
		write_a(t, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
			"%s", u);
		break;
	case 5:
		snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/remove", u);
		write_a(t, path, "1");
		break;
	case 6:
		snprintf(path, sizeof(path), "devices/ap/card%02x/config", a);
		write_a(t, path, "%u", rnd(t, 2));
		break;
	case 7:
		if (rnd(t, 2))
			snprintf(path, sizeof(path), "devices/ap/card%02x/online", a);
		else
			snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/online", a, a,
				 d);
		write_a(t, path, "%u", rnd(t, 2));
		break;
	case 8:
		if (rnd(t, 2))
			write_a(t, "kernel/apsim/add_adapter", "%u CEX%uC", a, 5 + rnd(t, 4));
		else
			write_a(t, "kernel/apsim/remove_adapter", "%u", a);
		break;
	case 9:
		snprintf(path, sizeof(path), "kernel/apsim/%s", hv[rnd(t, 4)]);
		write_a(t, path, "%u", d);
		break;
	case 10:
		write_a(t, rnd(t, 2) ? "kernel/apsim/se_config" : "kernel/apsim/chkstop", "%u %u",
			a, rnd(t, 2));
		break;
	case 11:
		if (rnd(t, 2))
			write_a(t, "kernel/apsim/guest_start", "%s vm%u", u, rnd(t, 3));
		else
			write_a(t, "kernel/apsim/guest_stop", "%s", u);
		break;
	case 12:
		write_a(t, "bus/ap/ap_domain", "%u", d);
		break;
	case 13:
		snprintf(path, sizeof(path), "bus/ap/drivers/%s/%s",
			 rnd(t, 2) ? "cex4queue" : "vfio_ap", rnd(t, 2) ? "bind" : "unbind");
		write_a(t, path, "%02x.%04x", a, d);
		break;
	case 14:
		snprintf(path, sizeof(path), "devices/vfio_ap/matrix/%s/ap_config", u);
		write_a(t, path, "0x%02x%062x,0x%02x%062x,0x%02x%062x", rnd(t, 256), 0, rnd(t, 256),
			0, rnd(t, 256), 0);
		break;
	default:
		write_a(t, rnd(t, 2) ? "kernel/apsim/scan" : "bus/ap/scans", "1");
		break;
	}
}

static void run_sequence(const char *scenario, unsigned int seed, unsigned int steps,
			 bool reloads_allowed)
{
	struct apm_watch_stats st;
	struct harness t = { .seed = seed, .seed0 = seed };

	assert_int_equal(wcheck_open(&t.c, scenario), 0);
	for (t.step = 0; t.step < steps && !t.c.mismatches; t.step++)
		random_write(&t);
	apm_watch_get_stats(t.c.w, &st);
	if (t.c.mismatches)
		print_message("seed %u step %u: %u of %u checks differ; the first: %s\n", t.seed0,
			      t.step, t.c.mismatches, t.c.checked, t.c.first);
	assert_int_equal(t.c.mismatches, 0);
	assert_true(t.c.events > steps / 4); /* the writes did things */
	assert_int_equal(st.lost, 0);
	/* The engine must be incremental, not a reload in disguise. */
	if (!reloads_allowed)
		assert_int_equal(st.reloads, 0);
	/* And so must the warnings: most of each snapshot's are the one before's. */
	print_message("seed %u: warnings of %u mdev parts taken over, %u said again\n", t.seed0,
		      t.c.wreused, t.c.wcomputed);
	assert_true(t.c.wreused > t.c.wcomputed);
	wcheck_close(&t.c);
}

/* A copy of a scenario file the simulated host may change. */
static char *scenario_copy(const char *name)
{
	char src[512], *dst = strdup("/tmp/test-watch-XXXXXX");
	char buf[4096];
	FILE *in, *out;
	size_t n;
	int fd;

	snprintf(src, sizeof(src), "%s/tests/scenarios/%s", TOP_SRCDIR, name);
	fd = mkstemp(dst);
	assert_true(fd >= 0);
	in = fopen(src, "r");
	assert_non_null(in);
	out = fdopen(fd, "w");
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	return dst;
}

/* APM_WATCH_SEEDS=N runs N sequences per host instead of a few (a long run). */
static unsigned int seeds(unsigned int dflt)
{
	const char *e = getenv("APM_WATCH_SEEDS");

	return e && atoi(e) > 0 ? (unsigned int)atoi(e) : dflt;
}

static void test_random_builtin(void **state)
{
	(void)state;
	for (unsigned int seed = 1; seed <= seeds(6); seed++)
		run_sequence(NULL, seed, 120, false);
}

static void test_random_profiles(void **state)
{
	static const char *const files[] = { "static.ini", "override-619.ini", "every-cell.ini" };

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++)
		for (unsigned int k = 0; k < seeds(1); k++) {
			char *f = scenario_copy(files[i]);

			/* 6.19: the overrides come and go with full masks, by a full load. */
			run_sequence(f, 100 + i + 7 * k, 120,
				     !strcmp(files[i], "override-619.ini"));
			unlink(f);
			free(f);
		}
}

/*
 * Sequences that once found a bug, kept: seed 275 on static.ini (a usage
 * domain added to the LPAR, then the scan: its end plugs the queue into
 * the guest, "assigned" turns "in use" and no file says so without a
 * guest_matrix; watch.c forgets the status of the mdevs' queues at a
 * scan).
 */
static void test_random_found(void **state)
{
	static const struct {
		const char *file;
		unsigned int seed;
	} found[] = { { "static.ini", 275 } };

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(found); i++) {
		char *f = scenario_copy(found[i].file);

		run_sequence(f, found[i].seed, 120, false);
		unlink(f);
		free(f);
	}
}

/* A host of n x n queues, all the host's, with two mdevs on the last adapters. */
static char *big_scenario(unsigned int n)
{
	char *f = strdup("/tmp/test-watch-XXXXXX");
	int fd = mkstemp(f);
	FILE *out = fdopen(fd, "w");

	fprintf(out, "[host]\nprofile = 6.13\nap_domain = 0\n[lpar]\nadapters = 0-%u:CEX8C\n",
		n - 1);
	fprintf(out, "usage_domains = 0-%u\ncontrol_domains = 0-%u\n", n - 1, n - 1);
	fprintf(out, "[mdev %s]\nguest = g1\n[mdev %s]\n", uuids[0], uuids[1]);
	fclose(out);
	return f;
}

/* The simulated host of scenario (NULL: built in), loaded and watched. */
static void open_watch(const char *scenario, struct apm_ctx **ctx, struct apm_host **h,
		       struct apm_watch **w)
{
	assert_int_equal(apm_ctx_new_sim(scenario, ctx), 0);
	apm_ctx_set_log_fn(*ctx, quiet, NULL);
	assert_int_equal(apm_host_load(*ctx, 0, h), 0);
	assert_int_equal(apm_watch_new(*h, w), 0);
}

/* The watch's model equals a fresh load of the host ("after WHEN: why" if not). */
static void assert_fresh(struct apm_ctx *ctx, struct apm_watch *w, const char *when)
{
	struct apm_host *fresh;
	char why[512];

	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	if (apm_host_compare(apm_watch_get_host(w), fresh, why, sizeof(why)))
		fail_msg("after %s: %s", when, why);
	apm_host_unref(fresh);
}

/* The storm of `apmask 0x`: every queue unbound and bound again, then the mask event. */
static void storm(unsigned int n, bool overflow)
{
	struct apm_ctx *ctx;
	struct apm_host *h, *got;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_watch_stats st;
	char *f = big_scenario(n);
	unsigned int handed = 0, reloaded = 0, queues = 0;

	open_watch(f, &ctx, &h, &w);
	apm_watch_set_intervals(w, 0, 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", "0x", 2), 0);
	for (;;) {
		int rc = apm_watch_process(w, &got, &d);

		assert_true(rc >= 0);
		if (!rc)
			break;
		handed++;
		reloaded += !!(apm_delta_get_flags(d) & APM_DELTA_RELOADED);
		queues += apm_delta_get_queue_count(d);
		apm_host_unref(got);
		apm_delta_unref(d);
	}
	apm_watch_get_stats(w, &st);
	assert_fresh(ctx, w, "the storm");
	assert_true(handed >= 1);
	if (overflow) {
		/* 2 n^2 events overflow the ring: told once, one full load answers it. */
		assert_true(st.lost >= 1);
		assert_int_equal(st.reloads, 1);
		assert_int_equal(reloaded, 1);
	} else {
		assert_int_equal(st.lost, 0);
		assert_int_equal(st.reloads, 0);
		/*
		 * Per queue unbind, bind and the bus's BINDINGS=complete
		 * COMPLETECOUNT= of its probe (ap_bus.c: ap_device_probe); APMASK=,
		 * BINDINGS=complete.
		 */
		assert_int_equal(st.events, 3 * n * n + 2);
	}
	/* Every queue changed hands (host to free): each listed, whatever the batches. */
	assert_true(queues >= n * n);
	apm_host_unref(h);
	apm_watch_unref(w);
	apm_ctx_unref(ctx);
	unlink(f);
	free(f);
}

static void test_storm_held(void **state)
{
	(void)state;
	storm(32, false); /* 2048 events: the ring holds 4096 */
}

static void test_storm_lost(void **state)
{
	(void)state;
	storm(64, true); /* 8192 events */
}

/* Each event as slow as a few syscalls under a busy kernel: 1 ms. */
static void slow_event(void *data, const struct apm_event *ev)
{
	unsigned int *n = data;

	(void)ev;
	(*n)++;
	usleep(1000);
}

/*
 * One call reads for about its budget (8 ms), however slow each event:
 * the clock is looked at every few events.  Every 64 let a call read 64
 * events whatever they cost (73 to 405 ms in the VM through a storm).
 */
static void test_budget_slow_events(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h, *got;
	struct apm_delta *d;
	struct apm_watch *w;
	char *f = big_scenario(32);
	unsigned int n = 0, calls = 0, first = 0;

	(void)state;
	open_watch(f, &ctx, &h, &w);
	apm_watch_set_intervals(w, 0, 0);
	apm_watch_set_event_fn(w, slow_event, &n);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", "0x", 2), 0);
	assert_true(apm_watch_process(w, &got, &d) >= 0);
	first = n;
	print_message("the first call read %u events\n", first);
	assert_true(first >= 8);
	assert_true(first < 64);
	/* The rest in later calls, and the snapshot is the host's. */
	apm_watch_set_event_fn(w, NULL, NULL);
	do {
		apm_host_unref(got);
		apm_delta_unref(d);
		assert_true(apm_watch_process(w, &got, &d) >= 0);
		calls++;
	} while (got || apm_watch_get_timeout(w) == 0);
	assert_fresh(ctx, w, "the storm");
	apm_host_unref(h);
	apm_watch_unref(w);
	apm_ctx_unref(ctx);
	unlink(f);
	free(f);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Coalescing: while events keep coming, a snapshot at most every batch
 * interval (the first at once), and every event in one of them.  Writes
 * keep coming for 400 ms, each followed by one call as a terminal loop
 * makes it; then the calls until the engine is quiet.  A bound on how
 * often, whatever the machine's speed: no threshold on time.
 */
static void test_batches(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h, *got;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_watch_stats st;
	unsigned int handed = 0, events = 0, writes = 0;
	double start, end;

	(void)state;
	open_watch(NULL, &ctx, &h, &w);
	apm_watch_set_intervals(w, 0, 50);
	start = mono_ms();
	do {
		/* Adapter 6 off and on again: its card's change events. */
		assert_int_equal(apm_ctx_write_attr(ctx, "devices/ap/card06/config",
						    writes % 2 ? "1" : "0", 1),
				 0);
		writes++;
		assert_true(apm_watch_process(w, &got, &d) >= 0);
		if (got) {
			handed++;
			events += apm_delta_get_event_count(d);
			apm_host_unref(got);
			apm_delta_unref(d);
		}
	} while (mono_ms() - start < 400);
	/* The last batch waits for its interval: the loop sleeps until the engine's timeout. */
	while (apm_watch_get_timeout(w) >= 0) {
		usleep((useconds_t)apm_watch_get_timeout(w) * 1000 + 1000);
		assert_true(apm_watch_process(w, &got, &d) >= 0);
		if (!got)
			break;
		handed++;
		events += apm_delta_get_event_count(d);
		apm_host_unref(got);
		apm_delta_unref(d);
	}
	end = mono_ms();
	apm_watch_get_stats(w, &st);
	print_message("%u writes, %llu events in %.0f ms: %llu snapshots, %u handed out\n", writes,
		      (unsigned long long)st.events, end - start, (unsigned long long)st.batches,
		      handed);
	assert_true(writes > 10);
	assert_true(handed >= 1);
	/*
	 * At most one snapshot per 50 ms, the first at once (some changed
	 * nothing shown, the card off and on again: not handed out).
	 */
	assert_true(st.batches <= 1 + (unsigned int)((end - start) / 50));
	assert_true(handed <= st.batches);
	assert_true(events <= st.events);
	assert_int_equal(st.events, writes);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.reloads, 0);
	/* The last snapshot is the host. */
	assert_fresh(ctx, w, "the batches");
	apm_host_unref(h);
	apm_watch_unref(w);
	apm_ctx_unref(ctx);
}

static int count_queue(unsigned int a, unsigned int q, void *data)
{
	char *s = data;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%s%02x.%04x", n ? " " : "", a, q);
	return 0;
}

/* The deltas: exactly what changed, for changes whose effects are known. */
static void test_delta(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h0, *h1, *got;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_mask m;
	char list[256] = "";
	const char *uuid;
	enum apm_delta_mdev how;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h0), 0);
	assert_int_equal(apm_delta_new(h0, h0, &d), 0);
	assert_true(apm_delta_is_empty(d));
	apm_delta_unref(d);
	assert_int_equal(apm_delta_new(h0, NULL, &d), -EINVAL);

	assert_int_equal(apm_watch_new(h0, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	/* Guest3's mdev gains adapter 0x04: APQNs 04.0047 and 04.00ff, nothing else. */
	assert_int_equal(apm_ctx_write_attr(ctx,
					    "devices/vfio_ap/matrix/"
					    "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58/assign_adapter",
					    "4", 1),
			 0);
	assert_int_equal(apm_watch_process(w, &h1, &d), 1);
	apm_delta_foreach_queue(d, count_queue, list);
	assert_string_equal(list, "04.0047 04.00ff");
	assert_int_equal(apm_delta_get_event_count(d), 1); /* the write, as inotify tells it */
	assert_int_equal(apm_delta_get_mdev_count(d), 1);
	assert_int_equal(apm_delta_get_mdev(d, 0, &uuid, &how), 0);
	assert_string_equal(uuid, "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58");
	assert_int_equal(how, APM_DELTA_MDEV_CHANGED);
	assert_int_equal(apm_delta_get_flags(d), 0);
	assert_ptr_equal(apm_delta_get_before(d), h0);
	assert_ptr_equal(apm_delta_get_after(d), h1);
	assert_ptr_equal(apm_watch_get_host(w), h1);
	apm_delta_unref(d);

	/* An adapter configured off: its row, the adapter, and nothing of the mask. */
	assert_int_equal(apm_ctx_write_attr(ctx, "devices/ap/card06/config", "0", 1), 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	apm_delta_get_adapters(d, &m);
	assert_true(apm_mask_test(&m, 6));
	assert_false(apm_mask_test(&m, 5));
	assert_false(apm_delta_get_flags(d) & (APM_DELTA_APMASK | APM_DELTA_AQMASK));
	apm_delta_unref(d);
	apm_host_unref(got);

	/* aqmask -1: domain 0x01's queues leave the host; the flag, and a queue per adapter. */
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/aqmask", "-1", 2), 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	assert_true(apm_delta_get_flags(d) & APM_DELTA_AQMASK);
	assert_false(apm_delta_get_flags(d) & APM_DELTA_APMASK);
	list[0] = '\0';
	apm_delta_foreach_queue(d, count_queue, list);
	assert_string_equal(list, "04.0001 05.0001 06.0001");
	/* Nothing new: no snapshot. */
	apm_delta_unref(d);
	apm_host_unref(got);
	assert_int_equal(apm_watch_process(w, &got, &d), 0);
	assert_null(got);
	assert_null(d);

	/* Guest2 stops: its mdev changes, its plugged cells become assigned. */
	assert_int_equal(apm_ctx_write_attr(ctx, "kernel/apsim/guest_stop",
					    "cef03c3c-903d-4ecc-9a83-40694cb8aee4", 36),
			 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	assert_int_equal(apm_delta_get_mdev_count(d), 1);
	assert_true(apm_delta_get_queue_count(d) > 0);
	assert_int_equal(apm_mdev_in_use(apm_host_find_mdev(got, "cef03c3c")), 0);
	apm_delta_unref(d);
	apm_host_unref(got);

	apm_host_unref(h1);
	apm_host_unref(h0);
	apm_watch_unref(w);
	apm_ctx_unref(ctx);
}

/* The reads of files named name through ctx's seam (counting()). */
static const struct apm_backend_ops *real_ops;
static const char *counted_name;
static unsigned int counted_reads;

static int counting_read(void *be, const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!strcmp(slash ? slash + 1 : path, counted_name))
		counted_reads++;
	return real_ops->read(be, path, buf, size);
}

/* The end of a test of the facts kept: ctx's own seam again, every reference let go. */
static void facts_done(struct apm_ctx *ctx, struct apm_watch *w, struct apm_host *h0,
		       struct apm_host *h1, struct apm_host *fresh, struct apm_queue *x,
		       struct apm_queue *y)
{
	ctx->ops = real_ops;
	apm_queue_unref(x);
	apm_queue_unref(y);
	apm_host_unref(fresh);
	apm_host_unref(h1);
	apm_watch_unref(w);
	apm_host_unref(h0);
	apm_ctx_unref(ctx);
}

/* From now on, ctx's reads go through ops, a copy of its seam that counts those of name. */
static void counting(struct apm_ctx *ctx, struct apm_backend_ops *ops, const char *name)
{
	real_ops = ctx->ops;
	*ops = *real_ops;
	ops->read = counting_read;
	ctx->ops = ops;
	counted_name = name;
	counted_reads = 0;
}

/*
 * A guest that stops makes its queues' vfio_ap status stale, nothing else
 * of them (host.c: apm_host_forget_mdevs): what the grid asks of each cell
 * (config, chkstop, online) comes as kept, without reading the status, and
 * on a fresh snapshot is read without it; the status itself is read when
 * asked, and says what a fresh load does.
 */
static void test_state_without_status(void **state)
{
	static const char guest2[] = "cef03c3c-903d-4ecc-9a83-40694cb8aee4";
	struct apm_backend_ops ops;
	struct apm_host *h0, *h1, *fresh;
	struct apm_queue *qu = NULL, *x, *y;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_ctx *ctx;
	unsigned int a = 0, q = 0;
	bool found = false;
	int err;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h0), 0);
	/* A queue of guest2's guest matrix, its facts read (the grid has drawn it). */
	while (!found && apm_host_next_queue(h0, &qu) == 0) {
		const struct apm_mdev *m = apm_queue_get_mdev(qu);

		if (m && !strcmp(apm_mdev_get_uuid(m), guest2) && apm_queue_exists(qu) &&
		    apm_queue_is_in_guest_matrix(qu)) {
			a = apm_queue_get_adapter(qu);
			q = apm_queue_get_domain(qu);
			found = true;
		}
	}
	apm_queue_unref(qu);
	assert_true(found);
	assert_int_equal(apm_host_lookup_queue(h0, a, q, &x), 0);
	assert_string_equal(apm_queue_get_status(x), "in use");
	apm_queue_unref(x);
	assert_int_equal(apm_watch_new(h0, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "kernel/apsim/guest_stop", guest2, 36), 0);
	assert_int_equal(apm_watch_process(w, &h1, &d), 1);
	apm_delta_unref(d);

	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	assert_int_equal(apm_host_lookup_queue(fresh, a, q, &y), 0);
	counting(ctx, &ops, "status");
	assert_int_equal(apm_host_lookup_queue(h1, a, q, &x), 0);
	assert_int_equal(apm_queue_is_configured(x, &err), apm_queue_is_configured(y, &err));
	assert_int_equal(apm_queue_is_checkstopped(x, &err), apm_queue_is_checkstopped(y, &err));
	assert_int_equal(apm_queue_is_online(x, &err), apm_queue_is_online(y, &err));
	/* y's facts are read (a fresh snapshot keeps nothing), three files without the status. */
	assert_int_equal(counted_reads, 0);
	assert_string_equal(apm_queue_get_status(x), apm_queue_get_status(y));
	assert_string_not_equal(apm_queue_get_status(x), "in use");
	assert_int_equal(counted_reads, 2); /* each status, now it is asked */
	/* A third handle on the fresh snapshot: the facts y read are kept. */
	counted_name = "online";
	counted_reads = 0;
	apm_queue_unref(y);
	assert_int_equal(apm_host_lookup_queue(fresh, a, q, &y), 0);
	assert_int_equal(apm_queue_is_online(x, &err), apm_queue_is_online(y, &err));
	assert_int_equal(counted_reads, 0);
	facts_done(ctx, w, h0, h1, fresh, x, y);
}

/*
 * An unbind changes what the drivers add (online, the status), not the
 * bus's config and chkstop (host.c: apm_host_queue_rebound): the queue's
 * facts come without a read, and as a fresh load reads them.
 */
static void test_rebound_facts(void **state)
{
	struct apm_host *h0, *h1, *fresh;
	struct apm_queue *qu = NULL, *x, *y;
	struct apm_backend_ops ops;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_ctx *ctx;
	unsigned int a = 0, q = 0;
	char path[64], name[16];
	bool found = false;
	int err;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h0), 0);
	while (!found && apm_host_next_queue(h0, &qu) == 0)
		if (apm_queue_exists(qu) && apm_queue_get_driver(qu) &&
		    strcmp(apm_queue_get_driver(qu), "vfio_ap")) {
			a = apm_queue_get_adapter(qu);
			q = apm_queue_get_domain(qu);
			snprintf(path, sizeof(path), "bus/ap/drivers/%s/unbind",
				 apm_queue_get_driver(qu));
			found = true;
		}
	apm_queue_unref(qu);
	assert_true(found);
	/* Its facts read, as the grid reads them. */
	assert_int_equal(apm_host_lookup_queue(h0, a, q, &x), 0);
	apm_queue_is_online(x, &err);
	assert_int_equal(err, 0); /* zcrypt's online file is there */
	apm_queue_unref(x);
	assert_int_equal(apm_watch_new(h0, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	snprintf(name, sizeof(name), "%02x.%04x", a, q);
	assert_int_equal(apm_ctx_write_attr(ctx, path, name, strlen(name)), 0);
	assert_int_equal(apm_watch_process(w, &h1, &d), 1);
	apm_delta_unref(d);
	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	assert_int_equal(apm_host_lookup_queue(fresh, a, q, &y), 0);
	apm_queue_is_online(y, &err);

	counting(ctx, &ops, "online");
	assert_int_equal(apm_host_lookup_queue(h1, a, q, &x), 0);
	assert_int_equal(apm_queue_is_configured(x, &err), apm_queue_is_configured(y, &err));
	assert_int_equal(apm_queue_is_checkstopped(x, &err), apm_queue_is_checkstopped(y, &err));
	assert_int_equal(apm_queue_is_online(x, &err), apm_queue_is_online(y, &err));
	assert_int_equal(apm_queue_is_online(x, &err), 0);
	assert_int_equal(err, -ENOENT); /* no online file without zcrypt */
	assert_int_equal(counted_reads, 0);
	facts_done(ctx, w, h0, h1, fresh, x, y);
}

/*
 * A bus scan changes a queue's checkstop without a uevent, and only with
 * its adapter's (host.c: apm_host_scan_keeps_queues).  Two host queues of
 * two adapters are read, as the grid reads them; one adapter checkstops,
 * then a scan: that adapter's queue is read again and says what a fresh
 * load does, the other's facts come kept, without a read.
 */
static void test_scan_facts(void **state)
{
	unsigned int a[2] = { 0 }, q[2] = { 0 }, n = 0;
	struct apm_queue *qu = NULL, *x, *y;
	struct apm_backend_ops ops;
	struct apm_host *h0, *h1, *fresh;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_ctx *ctx;
	char buf[16];
	int err;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h0), 0);
	while (n < 2 && apm_host_next_queue(h0, &qu) == 0)
		if (apm_queue_exists(qu) && apm_queue_get_driver(qu) &&
		    strcmp(apm_queue_get_driver(qu), "vfio_ap") &&
		    (!n || apm_queue_get_adapter(qu) != a[0])) {
			a[n] = apm_queue_get_adapter(qu);
			q[n++] = apm_queue_get_domain(qu);
		}
	apm_queue_unref(qu);
	assert_int_equal(n, 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(apm_host_lookup_queue(h0, a[i], q[i], &x), 0);
		assert_false(apm_queue_is_checkstopped(x, &err));
		apm_queue_unref(x);
	}
	assert_int_equal(apm_watch_new(h0, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	snprintf(buf, sizeof(buf), "%u 1", a[1]);
	assert_int_equal(apm_ctx_write_attr(ctx, "kernel/apsim/chkstop", buf, strlen(buf)), 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/scans", "1", 1), 0);
	apm_watch_poll_now(w);
	assert_int_equal(apm_watch_process(w, &h1, &d), 1);
	apm_delta_unref(d);
	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);

	counting(ctx, &ops, "chkstop");
	assert_int_equal(apm_host_lookup_queue(h1, a[0], q[0], &x), 0);
	assert_false(apm_queue_is_checkstopped(x, &err));
	assert_int_equal(counted_reads, 0);
	apm_queue_unref(x);
	assert_int_equal(apm_host_lookup_queue(h1, a[1], q[1], &x), 0);
	assert_int_equal(apm_host_lookup_queue(fresh, a[1], q[1], &y), 0);
	assert_true(apm_queue_is_checkstopped(x, &err));
	assert_true(apm_queue_is_checkstopped(y, &err));
	assert_int_equal(counted_reads, 2); /* x's, read again, and y's */
	assert_int_equal(apm_queue_is_online(x, &err), apm_queue_is_online(y, &err));
	facts_done(ctx, w, h0, h1, fresh, x, y);
}

/*
 * The delta's stale domains: where after does not carry the readings a
 * client made in before.  A host queue, another queue of its adapter and
 * one of another adapter are read (as the grid reads them); then the
 * first is taken offline (zcrypt's online: a change event).  Only the
 * first is stale; the others read the same in after, without a read of
 * the seam; and the domains differing are those apm_delta_has_queue names.
 */
static void test_stale_domains(void **state)
{
	unsigned int a = 0, q = 0, q2 = 0, a3 = 0, q3 = 0, n = 0;
	struct apm_queue *qu = NULL, *x;
	struct apm_backend_ops ops;
	struct apm_host *h0, *h1;
	struct apm_mask stale, ds;
	struct apm_delta *d;
	struct apm_watch *w;
	struct apm_ctx *ctx;
	char path[64];
	bool a3_found = false;
	int err, on2, on3;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h0), 0);
	/* A host queue (zcrypt's, online); another queue of its adapter, one of another adapter. */
	while (n < 3 && apm_host_next_queue(h0, &qu) == 0) {
		unsigned int qa = apm_queue_get_adapter(qu), qd = apm_queue_get_domain(qu);
		bool on;

		if (!apm_queue_exists(qu))
			continue;
		if (n == 0) {
			if (!apm_queue_get_driver(qu) ||
			    !strcmp(apm_queue_get_driver(qu), "vfio_ap"))
				continue;
			/* A handle of its own, as the grid's. */
			assert_int_equal(apm_host_lookup_queue(h0, qa, qd, &x), 0);
			on = apm_queue_is_online(x, &err) && !err;
			apm_queue_unref(x);
			if (!on)
				continue;
			a = qa;
			q = qd;
			n++;
		}
	}
	apm_queue_unref(qu);
	assert_int_equal(n, 1);
	qu = NULL;
	while (n < 3 && apm_host_next_queue(h0, &qu) == 0) {
		unsigned int qa = apm_queue_get_adapter(qu), qd = apm_queue_get_domain(qu);

		if (!apm_queue_exists(qu) || (qa == a && qd == q))
			continue;
		if (qa == a && n == 1) {
			q2 = qd;
			n++;
		} else if (qa != a && !a3_found) {
			a3 = qa;
			q3 = qd;
			a3_found = true;
		}
		if (n == 2 && a3_found)
			n++;
	}
	apm_queue_unref(qu);
	assert_int_equal(n, 3);
	/* Their facts read, as the grid reads them. */
	assert_int_equal(apm_host_lookup_queue(h0, a, q2, &x), 0);
	on2 = apm_queue_is_configured(x, &err);
	apm_queue_unref(x);
	assert_int_equal(apm_host_lookup_queue(h0, a3, q3, &x), 0);
	on3 = apm_queue_is_configured(x, &err);
	apm_queue_unref(x);

	assert_int_equal(apm_watch_new(h0, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/online", a, a, q);
	assert_int_equal(apm_ctx_write_attr(ctx, path, "0", 1), 0);
	assert_int_equal(apm_watch_process(w, &h1, &d), 1);

	apm_delta_get_stale_domains(d, a, &stale);
	assert_true(apm_mask_test(&stale, q));
	assert_false(apm_mask_test(&stale, q2));
	apm_delta_get_stale_domains(d, a3, &stale);
	assert_int_equal(apm_mask_weight(&stale), 0);
	for (unsigned int k = 0; k < 256; k++) {
		apm_delta_get_domains(d, k, &ds);
		for (unsigned int b = 0; b < 256; b++)
			assert_int_equal(apm_mask_test(&ds, b), apm_delta_has_queue(d, k, b));
	}
	apm_delta_get_stale_domains(d, 256, &stale);
	assert_int_equal(apm_mask_weight(&stale), 0);

	/* What is not stale answers as before, and from what after carries. */
	counting(ctx, &ops, "config");
	assert_int_equal(apm_host_lookup_queue(h1, a, q2, &x), 0);
	assert_int_equal(apm_queue_is_configured(x, &err), on2);
	apm_queue_unref(x);
	assert_int_equal(apm_host_lookup_queue(h1, a3, q3, &x), 0);
	assert_int_equal(apm_queue_is_configured(x, &err), on3);
	apm_queue_unref(x);
	assert_int_equal(counted_reads, 0);
	/* The stale one is read again: offline now. */
	assert_int_equal(apm_host_lookup_queue(h1, a, q, &x), 0);
	assert_false(apm_queue_is_online(x, &err));
	assert_int_equal(err, 0);
	apm_queue_unref(x);
	assert_int_equal(counted_reads, 1);
	ctx->ops = real_ops;

	apm_delta_unref(d);
	apm_host_unref(h1);
	apm_watch_unref(w);
	apm_host_unref(h0);
	apm_ctx_unref(ctx);
}

/* Another process replaced the state file: no event says what, so one full load. */
static void test_other_process(void **state)
{
	struct apm_ctx *ctx, *other;
	struct apm_host *h, *got, *fresh;
	struct apm_delta *d;
	struct apm_watch *w;
	char *f = scenario_copy("every-cell.ini"), why[256];
	int fd;

	(void)state;
	assert_int_equal(apm_ctx_new_sim(f, &ctx), 0);
	assert_int_equal(apm_ctx_new_sim(f, &other), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	apm_ctx_set_log_fn(other, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_watch_new(h, &w), 0);
	apm_watch_set_intervals(w, 0, 0);
	fd = apm_watch_get_fd(w);
	assert_true(fd >= 0);
	assert_int_equal(apm_ctx_write_attr(other, "bus/ap/apmask", "-5", 2), 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	assert_true(apm_delta_get_flags(d) & APM_DELTA_RELOADED);
	assert_true(apm_delta_get_flags(d) & APM_DELTA_APMASK);
	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	assert_int_equal(apm_host_compare(got, fresh, why, sizeof(why)), 0);
	apm_host_unref(fresh);
	apm_host_unref(got);
	apm_delta_unref(d);
	apm_host_unref(h);
	apm_watch_unref(w);
	apm_ctx_unref(other);
	apm_ctx_unref(ctx);
	unlink(f);
	free(f);
}

/*
 * On a sysfs-shaped tree: what inotify tells of writes (a program writing
 * the files as the kernel would show them) reaches the snapshot, with
 * nothing else read than the mdev written to.
 */
static void test_fs_writes(void **state)
{
	char tmp[] = "/tmp/test-watch-fs-XXXXXX", cmd[512], root[128], why[256];
	struct apm_host *h, *got, *fresh;
	struct apm_ctx *ctx;
	struct apm_delta *d;
	struct apm_watch *w;
	const char *uuid;
	enum apm_delta_mdev how;
	struct apm_mask m;
	FILE *f;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/sysfs/host-613' '%s/sys' && mkdir '%s/proc'",
		 FIXTURES, tmp, tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(root, sizeof(root), "%s/sys", tmp);
	assert_int_equal(apm_ctx_new_sysfs(root, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	snprintf(root, sizeof(root), "%s/proc", tmp);
	assert_int_equal(apm_ctx_set_proc_root(ctx, root), 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	rc = apm_watch_new(h, &w);
	if (rc == -EPROTONOSUPPORT || rc == -EPERM || rc == -EACCES) {
		/* No uevent socket here (a container without netlink): nothing to watch with. */
		apm_host_unref(h);
		apm_ctx_unref(ctx);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		assert_int_equal(system(cmd), 0);
		skip();
	}
	assert_int_equal(rc, 0);
	apm_watch_set_intervals(w, 0, 0);

	/* Guest1's mdev gets adapter 0x04 as well, written the way ap_config shows it. */
	snprintf(cmd, sizeof(cmd),
		 "%s/sys/devices/vfio_ap/matrix/62177883-f1bb-47f0-914d-32a22e3a8804/ap_config",
		 tmp);
	f = fopen(cmd, "w");
	assert_non_null(f);
	fputs("0x0e00000000000000000000000000000000000000000000000000000000000000,"
	      "0x0800000000000000000000000000000000000000001000000000000000000000,"
	      "0x0000000000000000000000000000000000000000001000000000000000000000\n",
	      f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	assert_int_equal(apm_delta_get_event_count(d), 1);
	assert_int_equal(apm_delta_get_mdev_count(d), 1);
	assert_int_equal(apm_delta_get_mdev(d, 0, &uuid, &how), 0);
	assert_string_equal(uuid, "62177883-f1bb-47f0-914d-32a22e3a8804");
	assert_int_equal(how, APM_DELTA_MDEV_CHANGED);
	apm_mdev_get_mask(apm_host_find_mdev(got, "62177883"), APM_KIND_ADAPTER, &m);
	assert_true(apm_mask_test(&m, 4));
	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	if (apm_host_compare(got, fresh, why, sizeof(why)))
		fail_msg("after the ap_config write: %s", why);
	apm_host_unref(fresh);
	apm_host_unref(got);
	apm_delta_unref(d);

	/* The bus's default domain, which no uevent tells. */
	snprintf(cmd, sizeof(cmd), "%s/sys/bus/ap/ap_domain", tmp);
	f = fopen(cmd, "w");
	assert_non_null(f);
	fputs("4\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(apm_watch_process(w, &got, &d), 1);
	assert_true(apm_delta_get_flags(d) & APM_DELTA_BUS);
	assert_int_equal(apm_host_load(ctx, 0, &fresh), 0);
	assert_int_equal(apm_host_compare(got, fresh, why, sizeof(why)), 0);
	apm_host_unref(fresh);
	apm_host_unref(got);
	apm_delta_unref(d);

	apm_watch_unref(w);
	apm_host_unref(h);
	apm_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_random_builtin),
		cmocka_unit_test(test_random_profiles),
		cmocka_unit_test(test_random_found),
		cmocka_unit_test(test_storm_held),
		cmocka_unit_test(test_storm_lost),
		cmocka_unit_test(test_other_process),
		cmocka_unit_test(test_fs_writes),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_budget_slow_events),
		cmocka_unit_test(test_state_without_status),
		cmocka_unit_test(test_rebound_facts),
		cmocka_unit_test(test_scan_facts),
		cmocka_unit_test(test_stale_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
