// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-watch - what the live view costs per event and per poll tick on
 * the simulated host (make bench; bench-vm measures the same in the VM).
 *
 *   bench-watch --scenario FILE   write 256 x 256, 16 mdevs of 16 adapters
 *                                 x 256 domains, each with a running guest
 *   bench-watch FILE              follow it: queue 00.0000 unbound and
 *                                 bound again, and the 1 s poll with
 *                                 nothing happening
 *
 * Each figure is split into the engine's batch (events to snapshot and
 * delta) and the host's warnings for it (what every console and `watch`
 * recompute per snapshot), with the seam calls they make: on a real host
 * those are syscalls, the cost that dominates in a VM.  A benchmark, not
 * a test: nothing here has a threshold.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apm-private.h"
#include "seam-count.h"

static struct seam_count calls;

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int write_scenario(const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f)
		return 1;
	/* As tests/vm/bench.sh sets apsim up: every queue to vfio_ap, 16 guests. */
	fprintf(f,
		"[host]\nprofile = 6.13\napmask = 0x\naqmask = 0x\n[lpar]\nadapters = 0-255:CEX8C\nusage_domains = 0-255\ncontrol_domains = 0-255\n");
	for (int i = 0; i < 16; i++)
		fprintf(f,
			"[mdev %08x-0000-4000-8000-%012x]\nadapters = 0x%02x-0x%02x\ndomains = 0-255\ncontrol_domains = 0-255\nguest = guest%d\n",
			i, i, i * 16, i * 16 + 15, i);
	return fclose(f) ? 1 : 0;
}

static int count_warning(const struct apm_warning *w, void *data)
{
	(void)w;
	(*(unsigned int *)data)++;
	return 0;
}

struct step {
	double engine, warnings;
	unsigned long engine_calls, warning_calls;
	unsigned int batches, warns;
};

/* Every batch due now, each with the warnings of its snapshot. */
static int drain(struct apm_watch *w, struct step *s)
{
	for (;;) {
		struct apm_host *h;
		struct apm_delta *d;
		unsigned long c0 = seam_count_total(&calls);
		double t0 = cpu_ms();
		int rc = apm_watch_process(w, &h, &d);

		s->engine += cpu_ms() - t0;
		s->engine_calls += seam_count_total(&calls) - c0;
		if (rc < 0)
			return rc;
		if (!rc)
			return 0;
		s->batches++;
		c0 = seam_count_total(&calls);
		t0 = cpu_ms();
		apm_host_foreach_warning(h, count_warning, &s->warns);
		s->warnings += cpu_ms() - t0;
		s->warning_calls += seam_count_total(&calls) - c0;
		apm_host_unref(h);
		apm_delta_unref(d);
	}
}

static void print(const char *what, const struct step *s, unsigned int n)
{
	printf("watch  %s: %.3f ms CPU each (engine %.3f ms, %.1f seam calls; warnings %.3f ms, %.1f seam calls; %u batches)\n",
	       what, (s->engine + s->warnings) / n, s->engine / n, (double)s->engine_calls / n,
	       s->warnings / n, (double)s->warning_calls / n, s->batches);
}

int main(int argc, char **argv)
{
	struct apm_ctx *ctx;
	struct apm_host *h;
	struct apm_watch *w;
	struct step ev = { 0 }, tick = { 0 };
	const int rounds = 50, ticks = 50;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--scenario"))
		return write_scenario(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: bench-watch --scenario FILE | bench-watch FILE\n");
		return 2;
	}
	rc = apm_ctx_new_sim(argv[1], &ctx);
	if (rc) {
		fprintf(stderr, "bench-watch: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	seam_count_start(ctx, &calls);
	rc = apm_host_load(ctx, 0, &h);
	if (!rc)
		rc = apm_watch_new(h, &w);
	if (rc) {
		fprintf(stderr, "bench-watch: %s\n", strerror(-rc));
		return 1;
	}
	/* The first snapshot's warnings, said afresh, as for every load (the console's start, show). */
	{
		unsigned long c0 = seam_count_total(&calls);
		double t0 = cpu_ms();

		apm_host_foreach_warning(h, count_warning, &ev.warns);
		printf("watch  the %u warnings of a load, said afresh: %.3f ms CPU, %lu seam calls\n",
		       ev.warns, cpu_ms() - t0, seam_count_total(&calls) - c0);
		ev.warns = 0;
	}
	apm_host_unref(h);
	apm_watch_set_intervals(w, 0, 0);
	for (int r = 0; !rc && r < rounds; r++) {
		rc = apm_ctx_write_attr(ctx, "bus/ap/drivers/vfio_ap/unbind", "00.0000", 7);
		if (!rc)
			rc = drain(w, &ev);
		if (!rc)
			rc = apm_ctx_write_attr(ctx, "bus/ap/drivers/vfio_ap/bind", "00.0000", 7);
		if (!rc)
			rc = drain(w, &ev);
	}
	if (!rc)
		print("one queue unbound or bound (00.0000, guest0) to snapshot and warnings", &ev,
		      2 * rounds);
	apm_watch_set_intervals(w, 1000, 0);
	for (int t = 0; !rc && t < ticks; t++) {
		apm_watch_poll_now(w);
		rc = drain(w, &tick);
	}
	if (!rc)
		print("the poll tick, nothing happening", &tick, ticks);
	if (rc)
		fprintf(stderr, "bench-watch: %s\n", strerror(-rc));
	apm_watch_unref(w);
	seam_count_stop(ctx);
	apm_ctx_unref(ctx);
	return rc ? 1 : 0;
}
