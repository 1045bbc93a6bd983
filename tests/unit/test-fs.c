// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-fs.c - the real-filesystem seam against committed sysfs trees shaped
 * like s390 hosts (tests/fixtures/sysfs): a 6.13 host, a static 5.x host
 * with attributes missing, a host without vfio_ap; in-use and guest names
 * from a fake /proc; writes through the seam.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "apm-private.h"
#include "libapmatrix-sim.h"

#define G1 "62177883-f1bb-47f0-914d-32a22e3a8804"
#define G2 "cef03c3c-903d-4ecc-9a83-40694cb8aee4"
#define G3 "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"

static char tmp[64];

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

/* Tests write to the tree: work on a copy (libkmod's rootfs-pristine). */
static struct apm_ctx *open_copy(const char *name)
{
	char cmd[512], root[128];
	struct apm_ctx *ctx;

	snprintf(tmp, sizeof(tmp), "/tmp/apm-fs-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/sysfs/%s' '%s/sys'", FIXTURES, name, tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(root, sizeof(root), "%s/sys", tmp);
	assert_int_equal(apm_ctx_new_sysfs(root, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	return ctx;
}

/* A lookup the test expects to succeed; the handle is the caller's. */
static struct apm_adapter *adapter(struct apm_host *h, unsigned int id)
{
	struct apm_adapter *ad = NULL;

	assert_int_equal(apm_host_lookup_adapter(h, id, &ad), 0);
	return ad;
}

static struct apm_queue *queue(struct apm_host *h, unsigned int a, unsigned int q)
{
	struct apm_queue *qu = NULL;

	assert_int_equal(apm_host_lookup_queue(h, a, q, &qu), 0);
	return qu;
}

/* A fact as 1, 0 or -1 (cannot be told: the error channel says -ENOENT). */
static int afact(struct apm_adapter *ad, bool (*is)(const struct apm_adapter *, int *))
{
	int err = 1;
	bool v = is(ad, &err);

	assert_true(err == 0 || err == -ENOENT);
	assert_true(!err || !v);
	return err ? -1 : v;
}

static int qfact(struct apm_queue *qu, bool (*is)(struct apm_queue *, int *))
{
	int err = 1;
	bool v = is(qu, &err);

	assert_true(err == 0 || err == -ENOENT);
	assert_true(!err || !v);
	return err ? -1 : v;
}

static void cleanup(struct apm_ctx *ctx)
{
	char cmd[128];

	apm_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

static void fake_qemu(const char *pid, int group, const char *cmdline, size_t len)
{
	char path[256], target[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%s/fd", tmp, pid);
	snprintf(target, sizeof(target), "mkdir -p '%s'", path);
	assert_int_equal(system(target), 0);
	snprintf(target, sizeof(target), "/dev/vfio/%d", group);
	snprintf(path, sizeof(path), "%s/proc/%s/fd/7", tmp, pid);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/proc/%s/cmdline", tmp, pid);
	f = fopen(path, "w");
	fwrite(cmdline, 1, len, f);
	fclose(f);
}

/* ctx's /proc is the tree's, where fake_qemu() puts its QEMUs. */
static void use_fake_proc(struct apm_ctx *ctx)
{
	char proc[96];

	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	assert_int_equal(apm_ctx_set_proc_root(ctx, proc), 0);
}

static void test_host_613(void **state)
{
	static const char q1[] =
		"/usr/bin/qemu-system-s390x\0-name\0guest=Guest1,debug-threads=on\0";
	static const char q2[] = "qemu\0-machine\0s390-ccw-virtio\0-name\0Guest2\0";
	struct apm_ctx *ctx = open_copy("host-613");
	struct apm_adapter *ad;
	struct apm_queue *qu;
	struct apm_mask m;
	struct apm_host *h;
	char proc[96];
	int dom;

	(void)state;
	fake_qemu("4242", 0, q1, sizeof(q1));
	fake_qemu("4343", 1, q2, sizeof(q2));
	use_fake_proc(ctx);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_string_equal(apm_host_get_profile(h), "6.13");
	assert_int_equal(apm_host_get_max_adapter_id(h), 255);
	assert_string_equal(apm_host_get_bus_features(h), "APSC APXA QACT RC8A");
	assert_string_equal(apm_host_get_matrix_features(h), "guest_matrix hotplug ap_config");
	assert_true(apm_host_vfio_ap_loaded(h));
	assert_int_equal(apm_host_get_ap_domain(h, &dom), 0);
	assert_int_equal(dom, 1);
	assert_int_equal(apm_host_bindings_complete(h), 1);
	{
		int err = 1;

		assert_true(apm_host_is_bindings_complete(h, &err));
		assert_int_equal(err, 0);
	}
	apm_host_get_aqmask(h, &m);
	assert_false(apm_mask_test(&m, 0x47));
	assert_true(apm_mask_test(&m, 0x46));
	assert_int_equal(apm_host_get_lpar_mask(h, APM_KIND_CONTROL_DOMAIN, &m), 0);
	assert_true(apm_mask_test(&m, 2));
	ad = adapter(h, 4);
	assert_string_equal(apm_adapter_get_type(ad), "CEX5C");
	assert_string_equal(apm_adapter_get_mode(ad), "cca");
	assert_int_equal(apm_adapter_get_hwtype(ad), 11);
	assert_int_equal(afact(ad, apm_adapter_is_configured), 0);
	assert_int_equal(afact(ad, apm_adapter_is_online), 0);
	assert_string_equal(apm_adapter_get_driver(ad), "cex4card");
	apm_adapter_unref(ad);
	ad = adapter(h, 6);
	assert_string_equal(apm_adapter_get_mode(ad), "accel");
	apm_adapter_unref(ad);
	assert_int_equal(apm_host_lookup_adapter(h, 7, &ad), -ENOENT);
	/* Cells of the example. */
	qu = queue(h, 5, 1);
	assert_string_equal(apm_queue_get_driver(qu), "cex4queue");
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_HOST);
	apm_queue_unref(qu);
	qu = queue(h, 4, 4);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_FREE);
	apm_queue_unref(qu);
	qu = queue(h, 5, 0x47);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_PLUGGED);
	assert_string_equal(apm_queue_get_driver(qu), "vfio_ap");
	apm_queue_unref(qu);
	qu = queue(h, 6, 0x47);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_ASSIGNED);
	apm_queue_unref(qu);
	qu = queue(h, 0x0a, 0x47);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_ABSENT);
	assert_int_equal(apm_queue_get_filter(qu), APM_FILTER_ADAPTER_NOT_IN_LPAR);
	assert_false(apm_queue_exists(qu));
	apm_queue_unref(qu);
	/* mdevs sorted by uuid, guests from /proc: both -name forms. */
	assert_int_equal(apm_host_get_mdev_count(h), 3);
	assert_string_equal(apm_mdev_get_uuid(apm_host_get_mdev(h, 0)), G1);
	assert_string_equal(apm_mdev_get_uuid(apm_host_get_mdev(h, 1)), G3);
	assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, G1)), "Guest1");
	assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, "cef0")), "Guest2");
	assert_int_equal(apm_mdev_in_use(apm_host_find_mdev(h, G3)), 0);
	{
		int err = 1;

		assert_false(apm_mdev_is_in_use(apm_host_find_mdev(h, G3), &err));
		assert_int_equal(err, 0);
	}
	assert_null(apm_mdev_get_guest(apm_host_find_mdev(h, G3)));
	assert_null(apm_host_find_mdev(h, "abc")); /* too short a prefix */
	apm_mdev_get_mask(apm_host_find_mdev(h, G2), APM_KIND_GUEST_ADAPTER, &m);
	assert_true(apm_mask_test(&m, 5) && !apm_mask_test(&m, 0x0a));
	/* Per-queue attributes only on demand. */
	qu = queue(h, 5, 0x47);
	assert_string_equal(apm_queue_get_status(qu), "in use");
	assert_int_equal(qfact(qu, apm_queue_is_configured), 1);
	assert_int_equal(qfact(qu, apm_queue_is_online), -1);
	apm_queue_unref(qu);
	qu = queue(h, 5, 1);
	assert_int_equal(qfact(qu, apm_queue_is_online), 1);
	assert_string_equal(apm_queue_get_status(qu), "");
	apm_queue_unref(qu);
	apm_host_unref(h);

	/* No way to look into /proc: in use is "unknown", not false. */
	snprintf(proc, sizeof(proc), "%s/no-such-proc", tmp);
	apm_ctx_set_proc_root(ctx, proc);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_mdev_in_use(apm_host_find_mdev(h, G3)), -1);
	assert_int_equal(apm_mdev_in_use(apm_host_find_mdev(h, G1)), 1); /* status says "in use" */
	{
		int err = 0;

		/* The predicate says false, and why on the error channel. */
		assert_false(apm_mdev_is_in_use(apm_host_find_mdev(h, G3), &err));
		assert_true(err < 0);
		assert_true(apm_mdev_is_in_use(apm_host_find_mdev(h, G1), &err));
		assert_int_equal(err, 0);
	}
	assert_null(apm_mdev_get_guest(apm_host_find_mdev(h, G1)));
	apm_host_unref(h);

	/* Writes go to the file, errors come back as -errno. */
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", "-5", 2), 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/nope", "-5", 2), -ENOENT);
	assert_int_equal(apm_ctx_can_write(ctx, "bus/ap/apmask"), 1);
	/* A read-only attribute (0444) stays read-only, even for root, as in kernfs. */
	assert_int_equal(apm_ctx_can_write(ctx, "bus/ap/ap_max_adapter_id"), 0);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/ap_max_adapter_id", "3", 1), -EACCES);
	assert_int_equal(apm_ctx_can_write(ctx, "bus/ap"), 0);
	apm_ctx_set_read_only(ctx, true);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", "-5", 2), -EROFS);
	assert_int_equal(apm_ctx_can_write(ctx, "bus/ap/apmask"), 0);
	cleanup(ctx);
}

/*
 * QEMU's -name as libvirt writes it: guest=NAME with NAME's commas doubled
 * (util/qemu-option.c), or NAME as the implied first field; the last guest=
 * counts.  The name is the domain's, whole, not what precedes a comma.
 */
static void test_guest_names(void **state)
{
	static const char q1[] = "qemu\0-name\0guest=web,,prod,debug-threads=on\0";
	static const char q2[] = "qemu\0--name\0db,,1,process=qemu-db,guest=db,,2\0";
	struct apm_ctx *ctx = open_copy("host-613");
	struct apm_host *h;

	(void)state;
	fake_qemu("4242", 0, q1, sizeof(q1));
	fake_qemu("4343", 1, q2, sizeof(q2));
	use_fake_proc(ctx);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, G1)), "web,prod");
	assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, G2)), "db,2");
	apm_host_unref(h);
	cleanup(ctx);
}

/* libvirt's longest names are kept whole; a longer QEMU -name ends in "...". */
static void test_long_guest_names(void **state)
{
	struct apm_ctx *ctx = open_copy("host-613");
	char q[400], want[256];
	struct apm_host *h;
	const char *g;
	size_t n;

	(void)state;
	n = (size_t)snprintf(q, sizeof(q), "qemu%c-name%cguest=", 0, 0);
	memset(q + n, 'a', 251);
	n += 251;
	q[n++] = '\0';
	fake_qemu("4242", 0, q, n);
	n = (size_t)snprintf(q, sizeof(q), "qemu%c-name%c", 0, 0);
	memset(q + n, 'b', 300);
	n += 300;
	q[n++] = '\0';
	fake_qemu("4343", 1, q, n);
	use_fake_proc(ctx);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	g = apm_mdev_get_guest(apm_host_find_mdev(h, G1));
	assert_int_equal(strlen(g), 251);
	assert_int_equal(strspn(g, "a"), 251);
	memset(want, 'b', 252);
	memcpy(want + 252, "...", 4);
	assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, G2)), want);
	apm_host_unref(h);
	cleanup(ctx);
}

static void test_host_static(void **state)
{
	struct apm_ctx *ctx = open_copy("host-static");
	struct apm_adapter *ad;
	struct apm_queue *qu;
	struct apm_mask m;
	struct apm_host *h;
	struct apm_mdev *md;

	(void)state;
	assert_int_equal(apm_host_load(ctx, APM_LOAD_DETAIL, &h), 0);
	assert_string_equal(apm_host_get_profile(h), "4.20");
	/* ap_max_adapter_id missing: 63; no QCI: "not supported". */
	assert_int_equal(apm_host_get_max_adapter_id(h), 63);
	assert_int_equal(apm_host_get_max_domain_id(h), 15);
	assert_int_equal(apm_host_get_lpar_mask(h, APM_KIND_ADAPTER, &m), -EOPNOTSUPP);
	assert_null(apm_host_get_bus_features(h));
	assert_null(apm_host_get_matrix_features(h));
	assert_int_equal(apm_host_bindings_complete(h), -ENOENT);
	{
		int err = 0;

		/* Cannot be told: false, and why on the error channel. */
		assert_false(apm_host_is_bindings_complete(h, &err));
		assert_int_equal(err, -ENOENT);
		assert_false(apm_host_is_bindings_complete(h, NULL));
	}
	ad = adapter(h, 2);
	assert_int_equal(afact(ad, apm_adapter_is_configured), -1);
	assert_int_equal(afact(ad, apm_adapter_is_checkstopped), -1);
	assert_true(apm_host_has_adapter(h, 2));
	apm_adapter_unref(ad);
	md = apm_host_get_mdev(h, 0);
	assert_false(apm_mdev_has_guest_matrix(md));
	apm_mdev_get_mask(md, APM_KIND_GUEST_DOMAIN, &m);
	assert_true(apm_mask_test(&m, 4)); /* the guest gets the matrix as it is */
	qu = queue(h, 2, 4);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_ASSIGNED);
	apm_queue_unref(qu);
	apm_host_unref(h);
	cleanup(ctx);
}

static void test_no_vfio(void **state)
{
	struct apm_ctx *ctx = open_copy("no-vfio");
	struct apm_queue *qu;
	struct apm_host *h;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_false(apm_host_vfio_ap_loaded(h));
	assert_int_equal(apm_host_get_mdev_count(h), 0);
	assert_int_equal(apm_host_bindings_complete(h), 0);
	{
		int err = 1;

		assert_false(apm_host_is_bindings_complete(h, &err));
		assert_int_equal(err, 0);
	}
	qu = queue(h, 0, 4);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_UNBOUND);
	assert_null(apm_queue_get_driver(qu));
	apm_queue_unref(qu);
	qu = queue(h, 1, 1);
	assert_int_equal(apm_queue_get_cell(qu), APM_CELL_HOST);
	apm_queue_unref(qu);
	apm_host_unref(h);
	cleanup(ctx);
}

static void test_no_ap_bus(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h;

	(void)state;
	assert_int_equal(apm_ctx_new_sysfs("/nonexistent-sysfs", &ctx), -ENOENT);
	assert_int_equal(apm_ctx_new_sysfs("/tmp", &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_int_equal(apm_host_load(ctx, 0, &h), -ENOENT);
	apm_ctx_unref(ctx);
}

/* The descriptors this process has open. */
static unsigned int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * On sysfs a bus's own attribute stays open from its first read on and
 * reads as a fresh open does (backend-fs.c: kept_read); one that cannot
 * be read, and every other file, is not kept.  The machine's own sysfs
 * serves: every Linux machine has the cpu bus.
 */
static void test_kept_bus_files(void **state)
{
	static const char attr[] = "/sys/bus/cpu/drivers_autoprobe";
	char want[64] = "", got[64];
	struct apm_ctx *ctx;
	struct statfs sfs;
	unsigned int n0;
	FILE *f;

	(void)state;
	if (statfs("/sys", &sfs) || sfs.f_type != SYSFS_MAGIC || !(f = fopen(attr, "r")))
		skip();
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	assert_int_equal(apm_ctx_new_sysfs("/sys", &ctx), 0);
	n0 = open_fds();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(apm_read(ctx, attr + 5, got, sizeof(got)), (int)strlen(want));
		assert_string_equal(got, want);
		assert_int_equal(open_fds(), n0 + 1);
	}
	/* Write-only (kernfs refuses to read it): an error, nothing kept. */
	assert_true(apm_read(ctx, "bus/cpu/uevent", got, sizeof(got)) < 0);
	assert_true(apm_read(ctx, "bus/cpu/devices", got, sizeof(got)) < 0);
	assert_int_equal(open_fds(), n0 + 1);
	if (apm_read(ctx, "devices/system/cpu/online", got, sizeof(got)) >= 0)
		assert_int_equal(open_fds(), n0 + 1);
	apm_ctx_unref(ctx);
	assert_int_equal(open_fds(), n0 - 1);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_warned(const struct apm_host *h, const char *text)
{
	if (!strstr(apm_host_get_warnings(h), text))
		fail_msg("no warning '%s' in:\n%s", text, apm_host_get_warnings(h));
}

/*
 * Text the kernel never writes is read as unknown and said so, never as a
 * value it does not name (each case was a finding of tests/fuzz).
 */
static void test_odd_text_613(void **state)
{
	struct apm_ctx *ctx = open_copy("host-613");
	struct apm_adapter *ad;
	struct apm_queue *qu;
	struct apm_host *h;
	char dir[512], cmd[1200];
	int dom;

	(void)state;
	put("devices/ap/card05/config", "2\n");		 /* fuzz-card: read as 2 */
	put("devices/ap/card05/online", "1x\n");	 /* read as 1 */
	put("devices/ap/card06/hwtype", "CEX5A\n");	 /* read as 0 */
	put("devices/ap/card05/05.0004/chkstop", "5\n"); /* fuzz-queue: read as 5 */
	put("bus/ap/ap_domain", "188888\n");		 /* fuzz-host: read as 188888 */
	put("bus/ap/ap_max_domain_id", "-5\n");		 /* read as 255 */
	/* fuzz-host: the same mdev twice, its name in upper case the second time */
	snprintf(dir, sizeof(dir), "%s/sys/devices/vfio_ap/matrix", tmp);
	snprintf(cmd, sizeof(cmd), "cp -a '%s/" G1 "' '%s/62177883-F1BB-47F0-914D-32A22E3A8804'",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(apm_host_load(ctx, APM_LOAD_DETAIL, &h), 0);
	ad = adapter(h, 5);
	assert_int_equal(afact(ad, apm_adapter_is_configured), -1);
	assert_int_equal(afact(ad, apm_adapter_is_online), -1);
	apm_adapter_unref(ad);
	assert_warned(h, "devices/ap/card05/config: '2' is neither 0 nor 1; read as unknown");
	assert_warned(h, "devices/ap/card05/online: '1x' is neither 0 nor 1");
	ad = adapter(h, 6);
	assert_int_equal(apm_adapter_get_hwtype(ad), -1);
	apm_adapter_unref(ad);
	assert_warned(h, "devices/ap/card06/hwtype: 'CEX5A' is not a number");
	qu = queue(h, 5, 4);
	assert_int_equal(qfact(qu, apm_queue_is_checkstopped), -1);
	assert_int_equal(qfact(qu, apm_queue_is_configured), 1);
	apm_queue_unref(qu);
	assert_warned(h, "devices/ap/card05/05.0004/chkstop: '5' is neither 0 nor 1");
	assert_int_equal(apm_host_get_ap_domain(h, &dom), -ENOENT);
	assert_warned(h, "bus/ap/ap_domain: '188888' is neither -1 nor an ID; read as unknown");
	assert_int_equal(apm_host_get_max_domain_id(h), 15);
	assert_warned(h, "bus/ap/ap_max_domain_id: '-5' is not an ID");
	assert_int_equal(apm_host_get_mdev_count(h), 3);
	assert_string_equal(apm_mdev_get_uuid(apm_host_find_mdev(h, G1)), G1);
	assert_warned(h, "62177883-F1BB-47F0-914D-32A22E3A8804: not an mdev");
	apm_host_unref(h);
	cleanup(ctx);
}

#define STATIC_MDEV "devices/vfio_ap/matrix/5a5a5a5a-1111-4222-8333-444455556666"

static void test_odd_text_static(void **state)
{
	struct apm_ctx *ctx = open_copy("host-static");
	struct apm_mask m;
	size_t len = 0;
	char *big = NULL;
	struct apm_host *h;
	FILE *f;

	(void)state;
	/* fuzz-control-domains: 0x100000005 is no domain, and not domain 5 */
	put(STATIC_MDEV "/control_domains", "0004\n100000005\n");
	/*
	 * A matrix past the sysfs page ends in half a line, "09.0" of 09.00ff:
	 * neither adapter 0x09 nor domain 0 comes from it.
	 */
	f = open_memstream(&big, &len);
	fputs("05.\n", f);
	for (unsigned int q = 0; q < 256; q++)
		fprintf(f, "05.%04x\n", q);
	for (unsigned int q = 1; q < 256; q++)
		fprintf(f, "07.%04x\n", q);
	fputs("09.00ff\n", f);
	fclose(f);
	assert_true(len > 4096);
	put(STATIC_MDEV "/matrix", big);
	free(big);
	big = NULL;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_mdev_get_mask(apm_host_get_mdev(h, 0), APM_KIND_CONTROL_DOMAIN, &m);
	assert_false(apm_mask_test(&m, 5));
	assert_warned(h, "cannot parse control_domains");
	apm_mdev_get_mask(apm_host_get_mdev(h, 0), APM_KIND_ADAPTER, &m);
	assert_true(apm_mask_test(&m, 5) && apm_mask_test(&m, 7));
	assert_false(apm_mask_test(&m, 9));
	assert_warned(h, "matrix exceeds the sysfs page and reads truncated");
	apm_host_unref(h);

	/* The same for control domains: 819 lines of 0004, then "00" of 0047. */
	f = open_memstream(&big, &len);
	for (unsigned int i = 0; i < 819; i++)
		fputs("0004\n", f);
	fputs("0047\n", f);
	fclose(f);
	put(STATIC_MDEV "/control_domains", big);
	free(big);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_mdev_get_mask(apm_host_get_mdev(h, 0), APM_KIND_CONTROL_DOMAIN, &m);
	assert_true(apm_mask_test(&m, 4));
	assert_false(apm_mask_test(&m, 0));
	assert_warned(h, "control_domains exceeds the sysfs page and reads truncated");
	apm_host_unref(h);
	cleanup(ctx);
}

/*
 * matrix and guest_matrix lines are "%02lx.%04lx", "%02lx." or ".%04lx"
 * (vfio_ap_ops.c: vfio_ap_mdev_matrix_show): hex digits in either case,
 * any count up to the line's limit; a blank, a sign or "0x" is no matrix.
 */
static void test_matrix_lines(void **state)
{
	static const struct {
		const char *text;
		int adapter, domain; /* -1: the matrix does not parse */
	} cases[] = {
		{ "05.0047\n", 5, 0x47 },    { "5.47\n", 5, 0x47 },	{ "0A.00FF\n", 10, 255 },
		{ "05.\n.0047\n", 5, 0x47 }, { "05.0047", 5, 0x47 },	{ " 5.0047\n", -1, -1 },
		{ "+5.0047\n", -1, -1 },     { "0x5.0047\n", -1, -1 },	{ "05.0x47\n", -1, -1 },
		{ "05.0100\n", -1, -1 },     { "100.0047\n", -1, -1 },	{ "050047\n", -1, -1 },
		{ "05.0047 \n", -1, -1 },    { "05.0047.1\n", -1, -1 },
	};
	struct apm_ctx *ctx = open_copy("host-static");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct apm_host *h;
		struct apm_mask m;

		put(STATIC_MDEV "/matrix", cases[i].text);
		assert_int_equal(apm_host_load(ctx, 0, &h), 0);
		if (cases[i].adapter < 0) {
			assert_warned(h, "cannot parse matrix");
		} else {
			apm_mdev_get_mask(apm_host_get_mdev(h, 0), APM_KIND_ADAPTER, &m);
			assert_true(apm_mask_test(&m, (unsigned int)cases[i].adapter));
			assert_int_equal(apm_mask_weight(&m), 1);
			apm_mdev_get_mask(apm_host_get_mdev(h, 0), APM_KIND_DOMAIN, &m);
			assert_true(apm_mask_test(&m, (unsigned int)cases[i].domain));
			assert_int_equal(apm_mask_weight(&m), 1);
			assert_null(strstr(apm_host_get_warnings(h), "cannot parse matrix"));
		}
		apm_host_unref(h);
	}
	cleanup(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_613),	 cmocka_unit_test(test_host_static),
		cmocka_unit_test(test_no_vfio),		 cmocka_unit_test(test_no_ap_bus),
		cmocka_unit_test(test_kept_bus_files),	 cmocka_unit_test(test_odd_text_613),
		cmocka_unit_test(test_odd_text_static),	 cmocka_unit_test(test_guest_names),
		cmocka_unit_test(test_long_guest_names), cmocka_unit_test(test_matrix_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
