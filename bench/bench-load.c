// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-load - what loading a maximal host costs.
 *
 *   bench-load --scenario FILE        write the 256 x 256, 16-mdev scenario
 *   bench-load --sim FILE             load it on the simulated host
 *   bench-load --sysfs DIR            load a sysfs-shaped tree
 *
 * Prints the load time (best and median of 7), the seam calls one load
 * makes (reads, lists, links: what becomes syscalls on a real host), and
 * the peak RSS.  A benchmark, not a test: nothing here has a threshold.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "apm-private.h"
#include "seam-count.h"

static struct seam_count n;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int write_scenario(const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f)
		return 1;
	/* Every APQN to vfio_ap but domain 0 (the host's); 16 mdevs of 16 x 16. */
	fprintf(f,
		"[host]\nprofile = 6.13\naqmask = -1-255\nap_domain = 0\n[lpar]\nadapters = 0-255:CEX8C\nusage_domains = 0-255\ncontrol_domains = 0-255\n");
	for (int i = 0; i < 16; i++) {
		fprintf(f, "[mdev %08x-0000-4000-8000-%012x]\n", i + 1, i + 1);
		fprintf(f,
			"adapters = 0x%02x-0x%02x\ndomains = 0x%02x-0x%02x\ncontrol_domains = 0x%02x\n",
			i * 16, i * 16 + 15, i * 16 + 1 - (i > 0), i * 16 + 15, i * 16 + 1);
		if (i % 2 == 0)
			fprintf(f, "guest = vm%d\n", i);
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct apm_ctx *ctx;
	struct apm_host *h = NULL;
	struct rusage ru;
	double t[7], t0;
	unsigned long per_load;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--scenario"))
		return write_scenario(argv[2]);
	if (argc != 3 || (strcmp(argv[1], "--sim") && strcmp(argv[1], "--sysfs"))) {
		fprintf(stderr, "usage: bench-load --scenario FILE | --sim FILE | --sysfs DIR\n");
		return 2;
	}
	t0 = now_ms();
	rc = argv[1][2] == 's' && argv[1][3] == 'i' ? apm_ctx_new_sim(argv[2], &ctx)
						    : apm_ctx_new_sysfs(argv[2], &ctx);
	if (rc) {
		fprintf(stderr, "bench-load: %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	printf("%-6s open (parse the state file / open the root): %.1f ms\n", argv[1] + 2,
	       now_ms() - t0);
	seam_count_start(ctx, &n);
	for (int i = 0; i < 7; i++) {
		apm_host_unref(h);
		n = (struct seam_count){ 0 };
		t0 = now_ms();
		rc = apm_host_load(ctx, 0, &h);
		t[i] = now_ms() - t0;
		if (rc) {
			fprintf(stderr, "bench-load: load: %s\n", strerror(-rc));
			return 1;
		}
	}
	qsort(t, 7, sizeof(t[0]), cmp_d);
	per_load = seam_count_total(&n);
	getrusage(RUSAGE_SELF, &ru);
	printf("%-6s load of %u mdevs on %u x %u: best %.1f ms, median %.1f ms\n", argv[1] + 2,
	       apm_host_get_mdev_count(h), apm_host_get_max_adapter_id(h) + 1,
	       apm_host_get_max_domain_id(h) + 1, t[0], t[3]);
	printf("%-6s seam calls per load: %lu (%lu reads, %lu listings, %lu links, %lu /proc scans) = %.4f per APQN\n",
	       argv[1] + 2, per_load, n.reads, n.lists, n.links, n.scans, per_load / 65536.0);
	printf("%-6s peak RSS: %.1f MB\n", argv[1] + 2, ru.ru_maxrss / 1024.0);
	apm_host_unref(h);
	seam_count_stop(ctx);
	apm_ctx_unref(ctx);
	return 0;
}
