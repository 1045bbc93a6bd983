// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-sim.c - the simulated host behind the seam: paths, exact strings,
 * errnos, uevents and their order, scan-deferred effects, the state file.
 * Everything goes through the public seam calls, as a client would.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "apm-private.h"
#include "libapmatrix-sim.h"

#define G1	      "62177883-f1bb-47f0-914d-32a22e3a8804"
#define G2	      "cef03c3c-903d-4ecc-9a83-40694cb8aee4"
#define G3	      "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"
#define GUESTS_ALL    G1 " Guest1\n" G2 " Guest2\n" G3 " Guest3\n"
#define MDEV(u, attr) "devices/vfio_ap/matrix/" u "/" attr

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

static int setup(void **state)
{
	struct apm_ctx *ctx;

	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	apm_ctx_unref(*state);
	return 0;
}

static const char *rd(struct apm_ctx *ctx, const char *path)
{
	static char buf[8192];
	int rc = apm_ctx_read_attr(ctx, path, buf, sizeof(buf));

	if (rc < 0)
		snprintf(buf, sizeof(buf), "<%d>", rc);
	return buf;
}

static int wr(struct apm_ctx *ctx, const char *path, const char *value)
{
	return apm_ctx_write_attr(ctx, path, value, strlen(value));
}

static void drain(struct apm_ctx *ctx)
{
	struct apm_event *ev;

	while (!apm_ctx_read_event(ctx, &ev))
		apm_event_unref(ev);
}

/* The events since the last drain, one "action devpath PROPS" line each. */
static char *events(struct apm_ctx *ctx)
{
	static char out[16384];
	struct apm_event *ev;
	size_t at = 0;

	out[0] = '\0';
	while (!apm_ctx_read_event(ctx, &ev)) {
		at += (size_t)snprintf(out + at, sizeof(out) - at, "%s %s",
				       apm_event_get_action(ev), apm_event_get_devpath(ev));
		for (unsigned int i = 0; apm_event_get_property_at(ev, i); i++)
			at += (size_t)snprintf(out + at, sizeof(out) - at, " %s",
					       apm_event_get_property_at(ev, i));
		at += (size_t)snprintf(out + at, sizeof(out) - at, "\n");
		apm_event_unref(ev);
	}
	return out;
}

/* Every file lszcrypt -V, -b and -d read (zconf/zcrypt/lszcrypt.c) exists with its format. */
static void test_lszcrypt_files(void **state)
{
	struct apm_ctx *ctx = *state;
	static const char *const bus[] = { "ap_domain",
					   "ap_max_domain_id",
					   "ap_usage_domain_mask",
					   "ap_control_domain_mask",
					   "features",
					   "config_time",
					   "poll_thread",
					   "poll_timeout",
					   "ap_interrupts",
					   NULL };
	static const char *const card[] = { "type",
					    "hwtype",
					    "ap_functions",
					    "online",
					    "config",
					    "chkstop",
					    "depth",
					    "request_count",
					    "pendingq_count",
					    "requestq_count",
					    "max_msg_size",
					    "serialnr",
					    NULL };
	static const char *const zq[] = { "online",	    "config",
					  "chkstop",	    "request_count",
					  "pendingq_count", "requestq_count",
					  "ap_functions",   NULL };
	char link[256];

	for (int i = 0; bus[i]; i++) {
		char p[64];

		snprintf(p, sizeof(p), "bus/ap/%s", bus[i]);
		assert_int_not_equal(rd(ctx, p)[0], '<');
	}
	for (int i = 0; card[i]; i++) {
		char p[64];

		snprintf(p, sizeof(p), "devices/ap/card05/%s", card[i]);
		assert_int_not_equal(rd(ctx, p)[0], '<');
		/* chzcrypt goes through the bus links. */
		snprintf(p, sizeof(p), "bus/ap/devices/card05/%s", card[i]);
		assert_int_not_equal(rd(ctx, p)[0], '<');
	}
	for (int i = 0; zq[i]; i++) {
		char p[64];

		snprintf(p, sizeof(p), "devices/ap/card05/05.0001/%s", zq[i]);
		assert_int_not_equal(rd(ctx, p)[0], '<');
	}
	assert_string_equal(rd(ctx, "devices/ap/card05/type"), "CEX5C\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/hwtype"), "11\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/modalias"), "ap:t0B\n");
	/* What real CEX5C cards answer: S--D--N--- in lszcrypt, eight queue slots (QDEPTH 08). */
	assert_string_equal(rd(ctx, "devices/ap/card05/ap_functions"), "0x92000000\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/depth"), "8\n");
	assert_string_equal(rd(ctx, "devices/ap/card06/ap_functions"), "0x6A000000\n");
	/* zcrypt attributes vanish on vfio_ap queues, `status` appears. */
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/online"), "<-2>");
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/status"), "in use\n");
	assert_string_equal(rd(ctx, "devices/ap/card06/06.0047/status"), "assigned\n");
	assert_string_equal(rd(ctx, "devices/ap/card04/04.0047/status"), "unassigned\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0001/status"), "<-2>");
	assert_true(apm_ctx_read_attr(ctx, "devices/ap/card05/05.0047/driver", link, sizeof(link)) <
		    0);
	assert_string_equal(rd(ctx, "bus/ap/features"), "APSC APXA QACT RC8A\n");
	assert_string_equal(rd(ctx, "bus/ap/ap_domain"), "1\n");
	assert_string_equal(rd(ctx, "bus/ap/ap_max_adapter_id"), "255\n");
	assert_string_equal(rd(ctx, "bus/ap/bindings"), "15/15 (complete)\n");
	assert_string_equal(rd(ctx, "bus/ap/ap_usage_domain_mask"),
			    "0x4800000000000000010000000000000000000000001000000000000000000001\n");
	assert_string_equal(rd(ctx, "bus/ap/ap_control_domain_mask"),
			    "0x6800000000000000010000000000000000000000001000000000000000000001\n");
	assert_string_equal(rd(ctx, "bus/ap/apmask"),
			    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n");
	/* Config off: zcrypt online reads 0. */
	assert_string_equal(rd(ctx, "devices/ap/card04/config"), "0\n");
	assert_string_equal(rd(ctx, "devices/ap/card04/online"), "0\n");
}

static void test_matrix_device(void **state)
{
	struct apm_ctx *ctx = *state;
	char link[256];

	assert_string_equal(rd(ctx, "devices/vfio_ap/matrix/features"),
			    "guest_matrix hotplug ap_config\n");
	assert_string_equal(
		rd(ctx, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/name"),
		"VFIO AP Passthrough Device\n");
	assert_string_equal(
		rd(ctx,
		   "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/device_api"),
		"vfio-ap\n");
	assert_string_equal(
		rd(ctx,
		   "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances"),
		"65533\n");
	/* mdevctl's paths. */
	assert_string_equal(
		rd(ctx,
		   "class/mdev_bus/matrix/mdev_supported_types/vfio_ap-passthrough/device_api"),
		"vfio-ap\n");
	assert_string_equal(rd(ctx, "bus/mdev/devices/" G1 "/matrix"),
			    "05.0004\n05.00ab\n06.0004\n06.00ab\n");
	assert_true(apm_ctx_read_attr(ctx, MDEV(G1, "mdev_type"), link, sizeof(link)) < 0);
	assert_string_equal(rd(ctx, MDEV(G1, "control_domains")), "00ab\n");
	assert_string_equal(rd(ctx, MDEV(G2, "guest_matrix")), "05.0047\n05.00ff\n");
	assert_string_equal(rd(ctx, MDEV(G2, "matrix")), "05.0047\n05.00ff\n0a.0047\n0a.00ff\n");
	/* No guest: guest_matrix is the shadow, no error (the seed says ENODEV). */
	assert_string_equal(rd(ctx, MDEV(G3, "guest_matrix")), "06.0047\n06.00ff\n");
	assert_int_equal(strlen(rd(ctx, MDEV(G3, "ap_config"))), 201);
	assert_string_equal(rd(ctx, MDEV(G3, "assign_adapter")), "<-13>");
	assert_string_equal(rd(ctx, MDEV(G3, "nonexistent")), "<-2>");
}

/* Driver directories hold links to the devices bound to them, nothing else (drivers/base/bus.c). */
static void test_driver_links(void **state)
{
	struct apm_ctx *ctx = *state;
	char link[256];
	int rc;

	rc = ctx->ops->readlink(ctx->be, "bus/ap/drivers/cex4card/card05", link, sizeof(link));
	assert_true(rc > 0);
	assert_string_equal(link, "../../../../devices/ap/card05");
	rc = ctx->ops->readlink(ctx->be, "bus/ap/drivers/vfio_ap/05.0047", link, sizeof(link));
	assert_true(rc > 0);
	assert_string_equal(link, "../../../../devices/ap/card05/05.0047");
	rc = ctx->ops->readlink(ctx->be, "bus/ap/drivers/cex4queue/05.0001", link, sizeof(link));
	assert_true(rc > 0);
	assert_string_equal(link, "../../../../devices/ap/card05/05.0001");
	/* Bound elsewhere: no entry, not even through the link's target. */
	assert_int_equal(ctx->ops->readlink(ctx->be, "bus/ap/drivers/cex4queue/05.0047", link,
					    sizeof(link)),
			 -ENOENT);
	assert_string_equal(rd(ctx, "bus/ap/drivers/cex4queue/05.0047/online"), "<-2>");
	assert_string_equal(rd(ctx, "bus/ap/drivers/vfio_ap/05.0047/status"), "in use\n");
	/* uevent files as the 6.1 driver core writes them (checked against apsim). */
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0001/uevent"),
			    "DEVTYPE=ap_queue\nDRIVER=cex4queue\nMODE=cca\n");
	assert_string_equal(
		rd(ctx, "devices/ap/card05/uevent"),
		"DEVTYPE=ap_card\nDRIVER=cex4card\nDEV_TYPE=000B\nMODALIAS=ap:t0B\nMODE=cca\n");
	assert_string_equal(rd(ctx, MDEV(G1, "uevent")), "DRIVER=vfio_ap_mdev\n");
}

/* A selection's adapters and domains in one change: one ap_config write, all or nothing. */
static void test_assign_matrix(void **state)
{
	struct apm_ctx *ctx = *state;
	const unsigned int ads[] = { 4, 6 }, doms[] = { 0x47, 0xff }, bad[] = { 5 };
	struct apm_step_info si;
	struct apm_change *c;
	struct apm_host *h;

	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(
		wr(ctx, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
		   "0b9f1a8e-1111-4222-8333-944445555666"),
		0);
	apm_host_unref(h);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	/* 06.0047 belongs to Guest3's mdev: the whole write is refused, nothing changes. */
	assert_int_equal(apm_change_new_assign_matrix(h, "0b9f1a8e", false, ads, 2, doms, 2, &c),
			 0);
	assert_int_equal(apm_change_get_step_count(c), 1);
	assert_int_equal(apm_change_get_step(c, 0, &si), 0);
	assert_non_null(strstr(si.path, "/ap_config"));
	assert_int_equal(apm_change_get_prediction(c), -EADDRINUSE);
	assert_int_equal(apm_change_apply(c), -EADDRINUSE);
	apm_change_unref(c);
	assert_string_equal(rd(ctx, MDEV("0b9f1a8e-1111-4222-8333-944445555666", "matrix")), "");
	/* Adapter 4 alone with the two domains: accepted, the cross product appears. */
	assert_int_equal(apm_change_new_assign_matrix(h, "0b9f1a8e", false, ads, 1, doms, 2, &c),
			 0);
	assert_int_equal(apm_change_get_prediction(c), 0);
	assert_non_null(strstr(apm_change_get_preview(c), "= 2 APQNs"));
	assert_int_equal(apm_change_apply(c), 0);
	apm_change_unref(c);
	assert_string_equal(rd(ctx, MDEV("0b9f1a8e-1111-4222-8333-944445555666", "matrix")),
			    "04.0047\n04.00ff\n");
	assert_int_equal(apm_change_new_assign_matrix(h, "nonexistent", false, bad, 1, doms, 1, &c),
			 -ENODEV);
	apm_host_unref(h);
}

/*
 * A uevent's properties as every backend keeps them (apm_event_add): whole,
 * the kernel's trailing newline dropped (APMASK=, ap_bus.c:
 * ap_send_mask_changed_uevent), and one that cannot be kept whole is left
 * out, never cut into another value.
 */
static void test_event_properties(void **state)
{
	struct apm_event ev;
	char v[300];

	(void)state;
	memset(&ev, 0x5a, sizeof(ev));
	apm_event_set(&ev, "change", "/devices/ap", NULL);
	assert_string_equal(apm_event_get_subsystem(&ev), "");
	assert_true(apm_event_add(&ev, "APMASK", "0xff00\n"));
	assert_string_equal(apm_event_get_property(&ev, "APMASK"), "0xff00");
	/* Only one newline is the kernel's: what is before it is the value. */
	assert_true(apm_event_add(&ev, "X", "a \n\n"));
	assert_string_equal(apm_event_get_property_at(&ev, 1), "X=a \n");
	/* "K=" and 253 bytes fit 256 with the NUL; 254 do not, and are not cut. */
	memset(v, 'f', sizeof(v));
	v[253] = '\0';
	assert_true(apm_event_add(&ev, "K", v));
	assert_int_equal(strlen(apm_event_get_property(&ev, "K")), 253);
	v[253] = 'f';
	v[254] = '\0';
	assert_false(apm_event_add(&ev, "L", v));
	assert_null(apm_event_get_property(&ev, "L"));
	assert_false(apm_event_add(&ev, "", "x"));
	assert_false(apm_event_add(&ev, "A=B", "x"));
	/* The first of a name wins; a full event takes no more. */
	assert_true(apm_event_add(&ev, "APMASK", "0x1"));
	assert_string_equal(apm_event_get_property(&ev, "APMASK"), "0xff00");
	for (int i = 4; i < 16; i++)
		assert_true(apm_event_add(&ev, "N", "1"));
	assert_false(apm_event_add(&ev, "M", "1"));
	assert_null(apm_event_get_property_at(&ev, 16));
}

static void test_write_edges(void **state)
{
	struct apm_ctx *ctx = *state;
	char big[5000];

	drain(ctx);
	/* A 0-byte write never reaches the store: nothing happens. */
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", "", 0), 0);
	assert_string_equal(events(ctx), "");
	/* kernfs refuses writes over a page. */
	memset(big, '+', sizeof(big));
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", big, 4097), -E2BIG);
	/* A page of "+1," repeated is fine (and changes nothing). */
	for (int i = 0; i + 3 <= 4096; i += 3)
		memcpy(big + i, "+1,", 3);
	big[4095] = '\n';
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/apmask", big, 4096), 0);
	/* An embedded NUL ends the text the store sees. */
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/aqmask", "-5\0garbage", 10), 0);
	assert_non_null(strstr(events(ctx), "AQMASK=0xf3ff"));
	assert_int_equal(wr(ctx, "bus/ap/ap_max_domain_id", "3"), -EACCES);
	assert_int_equal(wr(ctx, "bus/ap/nonexistent", "3"), -ENOENT);
	assert_int_equal(wr(ctx, "bus/ap", "3"), -EISDIR);
	assert_int_equal(wr(ctx, "bus/ap/config_time", "4"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/config_time", "60"), 0);
	assert_int_equal(wr(ctx, "bus/ap/ap_domain", "0x47"), -EINVAL); /* not in aqmask */
	assert_int_equal(wr(ctx, "bus/ap/ap_domain", "2"), 0);
	assert_int_equal(wr(ctx, "bus/ap/poll_thread", "maybe"), -EINVAL);
}

/*
 * ap_bus.c: __ap_revise_reserved on unbound queues, the same steps as
 * t-abi on apsim: an unbound default-owned queue is probed again by the
 * next mask change's pass, an unbound vfio-owned one is left alone.
 */
static void test_unbound_reprobe(void **state)
{
	struct apm_ctx *ctx = *state;
	char link[256];
	const char *ev;

	assert_int_equal(wr(ctx, "bus/ap/drivers/cex4queue/unbind", "05.0001"), 0);
	assert_int_equal(wr(ctx, "bus/ap/drivers/vfio_ap/unbind", "06.0047"), 0);
	drain(ctx);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-0x20"), 0);
	ev = events(ctx);
	/* No unbind for a queue without a driver; cex4queue's probe, then the mask. */
	assert_null(strstr(ev, "unbind"));
	assert_non_null(strstr(ev, "bind /devices/ap/card05/05.0001 DEVTYPE=ap_queue MODE=cca "
				   "DRIVER=cex4queue\nchange /devices/ap APMASK="));
	assert_null(strstr(ev, "06.0047"));
	assert_true(ctx->ops->readlink(ctx->be, "devices/ap/card05/05.0001/driver", link,
				       sizeof(link)) >= 0);
	assert_non_null(strstr(link, "/cex4queue"));
	assert_true(ctx->ops->readlink(ctx->be, "devices/ap/card06/06.0047/driver", link,
				       sizeof(link)) < 0);
	assert_int_equal(wr(ctx, "bus/ap/drivers_probe", "06.0047"), 0);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "+0x20"), 0);
}

static void test_mask_reprobe_events(void **state)
{
	struct apm_ctx *ctx = *state;
	const char *ev;

	drain(ctx);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5\n"), 0);
	ev = events(ctx);
	/*
	 * Each default-owned queue of adapter 5 moves: unbind, then its probe
	 * by vfio_ap, whose ap_check_bindings_complete finds all bound again
	 * (BINDINGS=complete, before the driver core's bind), and last the
	 * mask event.
	 */
	assert_non_null(strstr(
		ev,
		"unbind /devices/ap/card05/05.0001 DEVTYPE=ap_queue MODE=cca DRIVER=cex4queue\nchange /devices/ap BINDINGS=complete COMPLETECOUNT=2\nbind /devices/ap/card05/05.0001 DEVTYPE=ap_queue MODE=cca DRIVER=vfio_ap\n"));
	assert_non_null(strstr(
		ev,
		"change /devices/ap APMASK=0xfbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n"));
	assert_null(strstr(strstr(ev, "APMASK="), "bind"));
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0001/request_count"), "-\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0001/status"), "unassigned\n");
	/* One per queue moved, and only 05.0001 moved. */
	assert_null(strstr(ev, "COMPLETECOUNT=3"));
	/* The next scan finds nothing new to say. */
	assert_int_equal(wr(ctx, "bus/ap/scans", "1"), 0);
	assert_null(strstr(events(ctx), "BINDINGS"));
	assert_string_equal(rd(ctx, "bus/ap/scans"), "2\n");
	/* Taking back 05.0047 from Guest2: EBUSY, mask unchanged, no event. */
	assert_int_equal(wr(ctx, "bus/ap/aqmask", "+0x47"), -EBUSY);
	assert_string_equal(events(ctx), "");
	/* Unchanged mask: success, nothing else. */
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), 0);
	assert_string_equal(events(ctx), "");
	/* Adapter 5 back to the host: only its host-domain queues move (aqmask keeps 0x47). */
	assert_int_equal(wr(ctx, "bus/ap/apmask", "+5"), 0);
	assert_non_null(strstr(
		events(ctx),
		"bind /devices/ap/card05/05.0001 DEVTYPE=ap_queue MODE=cca DRIVER=cex4queue\n"));
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/status"), "in use\n");
}

static void test_mdev_lifecycle(void **state)
{
	struct apm_ctx *ctx = *state;
	const char *create =
		"devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create";

	drain(ctx);
	assert_int_equal(wr(ctx, create, "11111111-2222-3333-4444-55555555555"), -EINVAL);
	assert_int_equal(wr(ctx, create, "11111111-2222-3333-4444-5555555555555"), -EINVAL);
	assert_int_equal(wr(ctx, create, "1111111x-2222-3333-4444-555555555555"), -EINVAL);
	assert_int_equal(wr(ctx, create, G1), -EEXIST);
	assert_int_equal(wr(ctx, create, "ABCDEF00-2222-3333-4444-555555555555\n"), 0);
	assert_non_null(strstr(events(ctx),
			       "add /devices/vfio_ap/matrix/abcdef00-2222-3333-4444-555555555555"));
	assert_string_equal(rd(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "matrix")), "");
	assert_int_equal(
		wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "assign_domain"), "0x47"), 0);
	assert_string_equal(rd(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "matrix")),
			    ".0047\n");
	assert_int_equal(wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "assign_adapter"),
			    "6"),
			 -EADDRINUSE);
	assert_int_equal(
		wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "assign_adapter"), "4"), 0);
	assert_int_equal(wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "remove"), "x"),
			 -EINVAL);
	assert_int_equal(wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "remove"), "0"), 0);
	assert_int_equal(wr(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "remove"), "1"), 0);
	assert_string_equal(rd(ctx, MDEV("abcdef00-2222-3333-4444-555555555555", "matrix")),
			    "<-2>");
	/* Removing Guest1's mdev while in use (6.5+): the guest is emptied and lets go. */
	assert_int_equal(wr(ctx, MDEV(G1, "remove"), "1"), 0);
	assert_string_equal(rd(ctx, "kernel/apsim/guests"), G2 " Guest2\n");
	assert_string_equal(
		rd(ctx,
		   "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances"),
		"65534\n");
}

static void test_guests(void **state)
{
	struct apm_ctx *ctx = *state;

	assert_int_equal(wr(ctx, "kernel/apsim/guest_start", G3 " Guest2"), -EPERM);
	assert_int_equal(wr(ctx, "kernel/apsim/guest_start", G2 " other"), -EBUSY);
	assert_int_equal(wr(ctx, "kernel/apsim/guest_start",
			    "00000000-0000-0000-0000-000000000000 x"),
			 -ENODEV);
	{
		/* libvirt's longest names are kept whole; one byte more is refused. */
		char cmd[300], name[257];
		struct apm_host *h;

		memset(name, 'n', 256);
		name[256] = '\0';
		snprintf(cmd, sizeof(cmd), "%s %s", G3, name);
		assert_int_equal(wr(ctx, "kernel/apsim/guest_start", cmd), -EINVAL);
		name[255] = '\0';
		snprintf(cmd, sizeof(cmd), "%s %s", G3, name);
		assert_int_equal(wr(ctx, "kernel/apsim/guest_start", cmd), 0);
		assert_int_equal(apm_host_load(ctx, 0, &h), 0);
		assert_string_equal(apm_mdev_get_guest(apm_host_find_mdev(h, G3)), name);
		apm_host_unref(h);
		assert_int_equal(wr(ctx, "kernel/apsim/guest_stop", G3), 0);
	}
	assert_int_equal(wr(ctx, "kernel/apsim/guest_start", G3 " Guest3"), 0);
	assert_string_equal(rd(ctx, "devices/ap/card06/06.00ff/status"), "in use\n");
	/* Guest1 holds 06.0004 (EADDRINUSE); 06.0001 is the host's (EADDRNOTAVAIL). */
	assert_int_equal(wr(ctx, MDEV(G3, "assign_domain"), "4"), -EADDRINUSE);
	assert_int_equal(wr(ctx, MDEV(G3, "assign_domain"), "1"), -EADDRNOTAVAIL);
	assert_int_equal(wr(ctx, MDEV(G3, "unassign_domain"), "0xff"), 0);
	assert_string_equal(rd(ctx, MDEV(G3, "guest_matrix")), "06.0047\n");
	assert_int_equal(wr(ctx, "kernel/apsim/guest_stop", G3), 0);
	assert_string_equal(rd(ctx, "devices/ap/card06/06.0047/status"), "assigned\n");
	assert_int_equal(wr(ctx, "kernel/apsim/guest_stop", G3), -EINVAL);
}

static void test_config_and_scan(void **state)
{
	struct apm_ctx *ctx = *state;
	const char *ev;

	drain(ctx);
	/* Linux-side configure off: the card at once, the queues at the next scan. */
	assert_int_equal(wr(ctx, "devices/ap/card05/config", "2"), -EINVAL);
	assert_int_equal(wr(ctx, "devices/ap/card05/config", "0junk"), 0);
	ev = events(ctx);
	assert_non_null(strstr(
		ev,
		"change /devices/ap/card05 DEVTYPE=ap_card DEV_TYPE=000B MODALIAS=ap:t0B MODE=cca CONFIG=0\n"));
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/config"), "1\n");
	assert_int_equal(wr(ctx, "devices/ap/card05/online", "1"), -ENODEV);
	assert_int_equal(wr(ctx, "bus/ap/scans", "x"), 0);
	ev = events(ctx);
	assert_non_null(strstr(
		ev, "change /devices/ap/card05/05.0047 DEVTYPE=ap_queue MODE=cca CONFIG=0\n"));
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/config"), "0\n");
	/* 6.6+: a deconfigured adapter stays in the guest's matrix (the seed says it goes). */
	assert_string_equal(rd(ctx, MDEV(G2, "guest_matrix")), "05.0047\n05.00ff\n");
	/* SE-side configure on: seen at the scan the notification forces. */
	assert_int_equal(wr(ctx, "kernel/apsim/se_config", "5 1"), 0);
	assert_string_equal(rd(ctx, "devices/ap/card05/config"), "1\n");
	/* Checkstop: no uevent, the scan shows it, the queue stays passable. */
	drain(ctx);
	assert_int_equal(wr(ctx, "kernel/apsim/chkstop", "6 1"), 0);
	assert_null(strstr(events(ctx), "CHKSTOP"));
	assert_string_equal(rd(ctx, "devices/ap/card06/chkstop"), "1\n");
	assert_string_equal(rd(ctx, MDEV(G1, "guest_matrix")),
			    "05.0004\n05.00ab\n06.0004\n06.00ab\n");
	/* zcrypt online on a checkstopped card: ENODEV. */
	assert_int_equal(wr(ctx, "devices/ap/card06/online", "1"), -ENODEV);
}

static void test_lpar_changes(void **state)
{
	struct apm_ctx *ctx = *state;
	const char *ev;

	drain(ctx);
	/* Adapter 6 leaves the LPAR: unplugged from Guest1 at once, devices removed. */
	assert_int_equal(wr(ctx, "kernel/apsim/remove_adapter", "6"), 0);
	ev = events(ctx);
	assert_non_null(strstr(ev, "remove /devices/ap/card06/06.0004"));
	assert_non_null(strstr(ev, "remove /devices/ap/card06 "));
	assert_string_equal(rd(ctx, MDEV(G1, "guest_matrix")), "05.0004\n05.00ab\n");
	assert_string_equal(rd(ctx, MDEV(G1, "matrix")), "05.0004\n05.00ab\n06.0004\n06.00ab\n");
	/* It comes back: hot plugged at the end of the scan (over-provisioning). */
	assert_int_equal(wr(ctx, "kernel/apsim/add_adapter", "6 CEX5A"), 0);
	assert_string_equal(rd(ctx, MDEV(G1, "guest_matrix")),
			    "05.0004\n05.00ab\n06.0004\n06.00ab\n");
	assert_int_equal(wr(ctx, "kernel/apsim/add_adapter", "6 CEX5A"), -EEXIST);
	assert_int_equal(wr(ctx, "kernel/apsim/add_adapter", "7 CEX9X"), -EINVAL);
	/* Adapter 0x0a joins: Guest2 gets 0a.0047 and 0a.00ff. */
	assert_int_equal(wr(ctx, "kernel/apsim/add_adapter", "0x0a CEX8P"), 0);
	assert_string_equal(rd(ctx, MDEV(G2, "guest_matrix")),
			    "05.0047\n05.00ff\n0a.0047\n0a.00ff\n");
	/* A usage domain leaves: queues go, the guest loses the domain. */
	assert_int_equal(wr(ctx, "kernel/apsim/remove_usage_domain", "0xff"), 0);
	assert_string_equal(rd(ctx, MDEV(G2, "guest_matrix")), "05.0047\n0a.0047\n");
	assert_string_equal(rd(ctx, "devices/ap/card05/05.00ff/config"), "<-2>");
}

/* kernel/apsim/fault: the next writes to a path answer a chosen errno, or nothing happens. */
static void test_faults(void **state)
{
	struct apm_ctx *ctx = *state;

	assert_int_equal(wr(ctx, "kernel/apsim/fault", "bus/ap/apmask EBUSY 2"), 0);
	assert_string_equal(rd(ctx, "kernel/apsim/fault"), "bus/ap/apmask EBUSY 2\n");
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), -EBUSY);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), -EBUSY);
	assert_string_equal(rd(ctx, "kernel/apsim/fault"), "");
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), 0);
	/* The path is the device's, whichever link the write goes through. */
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "/devices/ap/card05/05.0001/reset 5"), 0);
	assert_string_equal(rd(ctx, "kernel/apsim/fault"),
			    "devices/ap/card05/05.0001/reset EIO 1\n");
	assert_int_equal(wr(ctx, "bus/ap/devices/05.0001/reset", "1"), -EIO);
	/* "ok": accepted without effect. */
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "bus/ap/apmask ok"), 0);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "+5"), 0);
	assert_string_equal(rd(ctx, "bus/ap/apmask"),
			    "0xfbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n");
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "x"), -EINVAL);
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "x EWHAT"), -EINVAL);
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "x EIO 1 2"), -EINVAL);
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "bus/ap/aqmask EIO 3"), 0);
	assert_int_equal(wr(ctx, "kernel/apsim/fault", "bus/ap/aqmask off"), 0);
	assert_int_equal(wr(ctx, "bus/ap/aqmask", "-1"), 0);
}

static void test_state_file(void **state)
{
	char dir[] = "/tmp/apm-test-XXXXXX", path[64], bad[64], before[4096], after[4096];
	struct apm_ctx *a, *b;
	FILE *f;
	int fd;
	ssize_t n1, n2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/host.ini", dir);
	/* A missing file: read-only uses never write it... */
	assert_int_equal(apm_ctx_new_sim(path, &a), 0);
	apm_ctx_set_log_fn(a, quiet, NULL);
	apm_ctx_set_read_only(a, true);
	assert_string_equal(rd(a, MDEV(G3, "guest_matrix")), "06.0047\n06.00ff\n");
	assert_int_equal(access(path, F_OK), -1);
	apm_ctx_unref(a);
	/* ... the first other use creates it from the built-in scenario. */
	assert_int_equal(apm_ctx_new_sim(path, &a), 0);
	apm_ctx_set_log_fn(a, quiet, NULL);
	assert_int_equal(access(path, F_OK), -1);
	assert_string_equal(rd(a, MDEV(G3, "guest_matrix")), "06.0047\n06.00ff\n");
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(wr(a, MDEV(G3, "unassign_domain"), "0xff"), 0);
	assert_int_equal(wr(a, "kernel/apsim/guest_start", G3 " Guest3"), 0);
	/* Another process (another context) sees the change. */
	assert_int_equal(apm_ctx_new_sim(path, &b), 0);
	apm_ctx_set_log_fn(b, quiet, NULL);
	assert_string_equal(rd(b, MDEV(G3, "guest_matrix")), "06.0047\n");
	assert_string_equal(rd(b, "kernel/apsim/guests"), GUESTS_ALL);
	assert_int_equal(wr(b, "kernel/apsim/guest_stop", G3), 0);
	assert_string_equal(rd(a, "devices/ap/card06/06.0047/status"), "assigned\n");
	/* zcrypt's facts set through the control tree live in the file, for another process too. */
	assert_int_equal(wr(a, "kernel/apsim/mkvp", "05.0001 aes_cur valid 0x1d5e"), 0);
	assert_int_equal(wr(a, "kernel/apsim/mkvp", "*.0004 apka_old invalid 0x2"), 0);
	assert_int_equal(wr(a, "kernel/apsim/card_info", "5 serialnr 12345678"), 0);
	assert_int_equal(wr(a, "kernel/apsim/card_info", "6 serialnr X"), -ENODEV);
	assert_string_equal(rd(b, "kernel/apsim/mkvp"),
			    "05.0001 aes_cur valid 0x0000000000001d5e\n"
			    "*.0004 apka_old invalid 0x0000000000000002\n");
	assert_string_equal(rd(b, "kernel/apsim/card_info"), "0x05 serialnr 12345678\n");
	assert_string_equal(rd(b, "devices/ap/card05/serialnr"), "12345678\n");
	assert_non_null(strstr(rd(b, "devices/ap/card05/05.0001/mkvps"),
			       "AES CUR: valid 0x0000000000001d5e\n"));
	assert_string_equal(rd(b, "devices/ap/card06/serialnr"), "<-2>");      /* an accelerator */
	assert_string_equal(rd(b, "devices/ap/card05/05.0004/mkvps"), "<-2>"); /* vfio_ap's */
	apm_ctx_unref(b);
	apm_ctx_unref(a);

	/* A malformed file is refused and left as it was. */
	snprintf(bad, sizeof(bad), "%s/bad.ini", dir);
	f = fopen(bad, "w");
	fprintf(f, "[host]\nprofile = 6.13\n[lpar]\nadapters = 0x04:CEX5C\nusage_domains = 4,zz\n");
	fclose(f);
	fd = open(bad, O_RDONLY);
	n1 = read(fd, before, sizeof(before));
	close(fd);
	assert_int_equal(apm_ctx_new_sim(bad, &a), -EINVAL);
	fd = open(bad, O_RDONLY);
	n2 = read(fd, after, sizeof(after));
	close(fd);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, (size_t)n1);
	unlink(bad);
	unlink(path);
	rmdir(dir);
}

static void test_other_profiles(void **state)
{
	char dir[] = "/tmp/apm-test-XXXXXX", path[64];
	struct apm_ctx *ctx;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/old.ini", dir);
	f = fopen(path, "w");
	fprintf(f,
		"[host]\nprofile = 4.20\nmax_adapter_id = 63\nmax_domain_id = 15\nfeatures = -\naqmask = -4\n[lpar]\nadapters = 2:CEX5C\nusage_domains = 4\ncontrol_domains = 4\n[mdev 5a5a5a5a-1111-4222-8333-444455556666]\nadapters = 2\ndomains = 4\nguest = legacy\n");
	fclose(f);
	assert_int_equal(apm_ctx_new_sim(path, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_string_equal(rd(ctx, "bus/ap/ap_adapter_mask"), "not supported\n");
	assert_string_equal(rd(ctx, "bus/ap/features"), "<-2>");
	assert_string_equal(
		rd(ctx, "devices/vfio_ap/matrix/5a5a5a5a-1111-4222-8333-444455556666/guest_matrix"),
		"<-2>");
	/* Static vfio_ap: no hot plug, a running guest blocks changes; remove is EBUSY. */
	assert_int_equal(
		wr(ctx, "devices/vfio_ap/matrix/5a5a5a5a-1111-4222-8333-444455556666/assign_domain",
		   "3"),
		-EBUSY);
	assert_int_equal(
		wr(ctx, "devices/vfio_ap/matrix/5a5a5a5a-1111-4222-8333-444455556666/remove", "1"),
		-EBUSY);
	/* No in-use check on masks: the host can take the queue back silently. */
	assert_int_equal(wr(ctx, "bus/ap/aqmask", "+4"), 0);
	assert_int_equal(
		wr(ctx, "devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create",
		   "5a5a5a5a-1111-4222-8333-444455556667"),
		0);
	assert_int_equal(
		wr(ctx,
		   "devices/vfio_ap/matrix/5a5a5a5a-1111-4222-8333-444455556667/assign_adapter",
		   "0x40"),
		-ENODEV);
	apm_ctx_unref(ctx);
	unlink(path);

	/* 6.19: overrides and masks exclude each other. */
	f = fopen(path, "w");
	fprintf(f, "[host]\nprofile = 6.19\n[lpar]\nadapters = 5:CEX8C\nusage_domains = 1,0x47\n");
	fclose(f);
	assert_int_equal(apm_ctx_new_sim(path, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/driver_override"), "\n");
	assert_int_equal(wr(ctx, "devices/ap/card05/05.0047/driver_override", "vfio_ap\n"), 0);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), -EINVAL);
	/* The override decides only at the next probe. */
	assert_int_equal(wr(ctx, "bus/ap/drivers/cex4queue/unbind", "05.0047"), 0);
	assert_int_equal(wr(ctx, "bus/ap/drivers_probe", "05.0047"), 0);
	assert_string_equal(rd(ctx, "devices/ap/card05/05.0047/status"), "unassigned\n");
	/* The probe left every queue bound: BINDINGS=complete again (ap_device_probe). */
	assert_string_equal(rd(ctx, "bus/ap/bindings_complete_count"), "2\n");
	assert_int_equal(wr(ctx, "devices/ap/card05/05.0047/driver_override", "\n"), 0);
	assert_int_equal(wr(ctx, "bus/ap/apmask", "-5"), 0);
	assert_int_equal(wr(ctx, "devices/ap/card05/05.0001/driver_override", "vfio_ap"), -EINVAL);
	/* A coldplug replay: the bus kobject's synthetic add (chzdev's 41-ap.rules waits for it). */
	drain(ctx);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add\n"), 0);
	assert_string_equal(events(ctx), "add /bus/ap SYNTH_UUID=0\n");
	assert_int_equal(wr(ctx, "bus/ap/uevent", "change " G1 " A=1"), 0);
	assert_string_equal(events(ctx), "change /bus/ap SYNTH_UUID=" G1 " SYNTH_ARG_A=1\n");
	assert_int_equal(wr(ctx, "bus/ap/uevent", "change " G1 " A=1 B2=x\n"), 0);
	assert_string_equal(events(ctx),
			    "change /bus/ap SYNTH_UUID=" G1 " SYNTH_ARG_A=1 SYNTH_ARG_B2=x\n");
	/* kobject_action_args: the UUID first, one space, alphanumeric keys and values. */
	assert_int_equal(wr(ctx, "bus/ap/uevent", "bogus"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add "), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add not-a-uuid"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add A=1"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add " G1 "  A=1"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add " G1 " A="), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add " G1 " A-B=1"), -EINVAL);
	assert_int_equal(wr(ctx, "bus/ap/uevent", "add " G1 " A=1 "), -EINVAL);
	assert_string_equal(events(ctx), "");
	/* The apmask pass re-bound adapter 5's queues: a third BINDINGS=complete, no more. */
	assert_string_equal(rd(ctx, "bus/ap/bindings_complete_count"), "3\n");
	apm_ctx_unref(ctx);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lszcrypt_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbound_reprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask_reprobe_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_and_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lpar_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test(test_event_properties),
		cmocka_unit_test(test_state_file),
		cmocka_unit_test(test_other_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
