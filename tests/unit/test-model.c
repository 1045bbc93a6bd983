// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-model.c - the kernel model on its own: every operation answers the
 * kernel's errno in the kernel's order, changes the model only on success,
 * and reports its events; the scan and re-probe steps driven by a small
 * driver core of the test's own, as a caller of the model would.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

#define G1 "62177883-f1bb-47f0-914d-32a22e3a8804"
#define G2 "cef03c3c-903d-4ecc-9a83-40694cb8aee4"

struct host {
	struct apr_model m;
	struct apr_queue q[APR_BITS][APR_BITS];
	struct apr_queue *qrows[APR_BITS];
	uint64_t req[APR_BITS][APR_BITS];
	struct apr_mdev rm[4];
	struct apr_mdev_info info[4];
	char events[4096];
};

static void on_event(void *data, const struct apr_event *ev)
{
	struct host *h = data;
	static const char *const names[] = { "card-config",  "queue-config", "card-online",
					     "queue-online", "mask",	     "initscan",
					     "complete",     "guest-cfg" };
	size_t n = strlen(h->events);

	snprintf(h->events + n, sizeof(h->events) - n, "%s %02x.%04x %llu\n", names[ev->kind],
		 ev->apid, ev->apqi, ev->value);
}

static const struct apr_notify notify = { .event = on_event };

/* The test's driver core: probe cex4queue, then vfio_ap (registration order). */
static void attach(struct apr_model *m, unsigned int a, unsigned int q, bool in_scan)
{
	if (apr_bus_probe(m, a, q, APR_DRV_CEX4QUEUE, in_scan))
		apr_bus_probe(m, a, q, APR_DRV_VFIO_AP, in_scan);
}

static void reprobe_all(struct apr_model *m)
{
	for (unsigned int a = 0; a < APR_BITS; a++)
		for (unsigned int q = 0; q < APR_BITS; q++)
			if (apr_bus_needs_reprobe(m, a, q)) {
				apr_bus_remove(m, a, q);
				attach(m, a, q, false);
			}
}

static void scan(struct apr_model *m)
{
	apr_scan_begin(m);
	for (unsigned int a = 0; a < APR_BITS; a++) {
		if (m->card[a].present && !apr_scan_card_wanted(m, a)) {
			for (unsigned int q = 0; q < APR_BITS; q++)
				if (m->q[a][q].exists) {
					apr_bus_remove(m, a, q);
					apr_scan_queue_gone(m, a, q);
				}
			apr_bus_card_remove(m, a);
			apr_scan_card_gone(m, a);
			continue;
		}
		if (!apr_scan_card_wanted(m, a))
			continue;
		if (!m->card[a].present) {
			apr_scan_card_new(m, a);
			apr_bus_card_probe(m, a);
		}
		for (unsigned int q = 0; q < APR_BITS; q++) {
			bool want = apr_scan_queue_wanted(m, a, q);

			if (m->q[a][q].exists && !want) {
				apr_bus_remove(m, a, q);
				apr_scan_queue_gone(m, a, q);
			} else if (!m->q[a][q].exists && want) {
				apr_scan_queue_new(m, a, q);
				attach(m, a, q, true);
			}
		}
		apr_scan_config(m, a);
	}
	apr_scan_end(m);
}

static int mask_store(struct apr_model *m, bool aq, const char *s)
{
	int rc = apr_bus_mask_store(m, aq, s);

	if (!rc) {
		reprobe_all(m);
		apr_bus_mask_done(m, aq);
	}
	return rc;
}

static unsigned int mdev(struct apr_model *m, const char *uuid)
{
	unsigned int i;

	assert_int_equal(apr_vfio_mdev_create(m, uuid, strlen(uuid), &i), 0);
	return i;
}

/* The built-in scenario's LPAR: adapters 4-6, domains 1, 4, 0x47; 0x47 given away. */
static int setup(void **state)
{
	struct host *h = calloc(1, sizeof(*h));
	struct apr_model *m = &h->m;

	apr_model_rows(h->qrows, h->q);
	apr_model_init(m, h->qrows, h->req, h->rm, h->info, 4);
	apr_model_set_notify(m, &notify, h);
	for (unsigned int a = 4; a <= 6; a++) {
		apr_mask_set(&m->lpar_apm, a);
		m->card[a].type = apr_card_type_lookup(a == 6 ? "CEX5A" : "CEX5C");
		m->card[a].se_config = true;
	}
	apr_mask_set(&m->lpar_aqm, 1);
	apr_mask_set(&m->lpar_aqm, 4);
	apr_mask_set(&m->lpar_aqm, 0x47);
	m->lpar_adm = m->lpar_aqm;
	apr_mask_parse("-4,-0x47", &m->aqmask, &m->aqmask);
	scan(m);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_boot_scan(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int bound;

	assert_true(m->card[5].present && m->card[5].bound && m->card[5].online);
	assert_int_equal(m->q[5][1].driver, APR_DRV_CEX4QUEUE);
	assert_int_equal(m->q[5][0x47].driver, APR_DRV_VFIO_AP);
	assert_false(m->q[5][0x47].uninitiated); /* found by a scan, not moved */
	assert_int_equal(apr_bus_count_queues(m, &bound), 9);
	assert_int_equal(bound, 9);
	assert_int_equal(m->scans, 1);
	assert_int_equal(m->ap_domain, 1); /* the first usage domain the host keeps */
	assert_string_equal(h->events, "initscan 00.0000 0\ncomplete 00.0000 1\n");
}

static void test_masks(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i = mdev(m, G1);
	struct apr_mask ap = m->apmask, aq = m->aqmask;

	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "5"), 0);
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "0x47"), 0);
	h->events[0] = '\0';
	/* ap_bus.c: modify_bitmap: an ID beyond 255 is a syntax error; nothing changes. */
	assert_int_equal(mask_store(m, false, "+0-0x100"), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_SYNTAX);
	assert_true(apr_mask_equal(&m->apmask, &ap));
	/* Taking 05.0047 back from the mdev: EBUSY, with the APQN and the mdev. */
	assert_int_equal(mask_store(m, true, "+0x47"), -EBUSY);
	assert_int_equal(m->why.why, APR_WHY_IN_USE);
	assert_int_equal(m->why.apid, 5);
	assert_int_equal(m->why.apqi, 0x47);
	assert_int_equal(m->why.mdev, (int)i);
	assert_true(apr_mask_equal(&m->aqmask, &aq));
	assert_string_equal(h->events, "");
	/* Unchanged: accepted, no re-probe, no event. */
	assert_int_equal(mask_store(m, false, "+5"), APR_NOOP);
	assert_string_equal(h->events, "");
	/* Adapter 5 to vfio_ap: its host queues move and start uninitiated. */
	assert_int_equal(mask_store(m, false, "-5"), 0);
	assert_int_equal(m->q[5][1].driver, APR_DRV_VFIO_AP);
	assert_true(m->q[5][1].uninitiated);
	assert_int_equal(m->q[4][1].driver, APR_DRV_CEX4QUEUE);
	/* ap_device_probe's ap_check_bindings_complete: all bound again, before the mask event. */
	assert_string_equal(h->events, "complete 00.0000 2\nmask 00.0000 0\n");
	assert_false(m->bindings_armed);
	/* A pass that moves two queues says it twice, once per probe (04.0001, 06.0001). */
	h->events[0] = '\0';
	assert_int_equal(mask_store(m, true, "-1"), 0);
	assert_string_equal(h->events, "complete 00.0000 3\ncomplete 00.0000 4\nmask 00.0000 1\n");
	assert_int_equal(mask_store(m, true, "+1"), 0);
	/* 6.19: the in-use check asks about every domain of a reserved adapter... */
	m->profile = APR_PROFILE_6_19;
	assert_int_equal(mask_store(m, false, "+5"), -EBUSY);
	/* ... and while a queue has a driver_override the masks are fixed. */
	assert_int_equal(apr_vfio_unassign(m, i, APR_DOMAIN, "0x47"), 0);
	assert_int_equal(mask_store(m, false, "+5"), 0);
	assert_int_equal(mask_store(m, true, "+4,+0x47"), 0);
	assert_int_equal(apr_queue_override_store(m, 4, 1, "vfio_ap\n", 8), 0);
	assert_int_equal(mask_store(m, false, "-4"), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_OVERRIDES);
}

static void test_assign(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i = mdev(m, G1), j = mdev(m, G2);
	const char *cfg;

	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "x"), -EINVAL);
	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "0x100"), -ENODEV);
	assert_int_equal(m->why.why, APR_WHY_RANGE);
	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "5\n"), 0);
	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "5"), APR_NOOP);
	/* 05.0001 is the host's: EADDRNOTAVAIL names it, the bit is not set. */
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "1"), -EADDRNOTAVAIL);
	assert_int_equal(m->why.why, APR_WHY_HOST_OWNED);
	assert_int_equal(m->why.apqi, 1);
	assert_false(apr_mask_test(&m->rm[i].aqm, 1));
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "0x47"), 0);
	/* Bound to vfio_ap and passable: in the shadow at once. */
	assert_true(apr_mask_test(&m->rm[i].sapm, 5) && apr_mask_test(&m->rm[i].saqm, 0x47));
	/* The same APQN in a second mdev: EADDRINUSE, naming the first. */
	assert_int_equal(apr_vfio_assign(m, j, APR_DOMAIN, "0x47"), 0);
	assert_int_equal(apr_vfio_assign(m, j, APR_ADAPTER, "5"), -EADDRINUSE);
	assert_int_equal(m->why.why, APR_WHY_SHARED);
	assert_int_equal(m->why.mdev, (int)i);
	/* Control domains: no ownership or sharing checks. */
	assert_int_equal(apr_vfio_assign(m, j, APR_CONTROL_DOMAIN, "4"), 0);
	assert_true(apr_mask_test(&m->rm[j].sadm, 4));
	/* Unassign: the shadow loses it, not assigned is a no-op. */
	assert_int_equal(apr_vfio_unassign(m, i, APR_DOMAIN, "0x47"), 0);
	assert_false(apr_mask_test(&m->rm[i].saqm, 0x47));
	assert_int_equal(apr_vfio_unassign(m, i, APR_DOMAIN, "0x47"), APR_NOOP);
	/* ap_config: all or nothing. */
	assert_int_equal(apr_vfio_ap_config_store(m, i, "0x0c,0x", 7), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_SYNTAX);
	cfg = "0x0c,0x"
	      "000000000000000001"
	      ",0x"
	      "0000000000000000000"
	      "8\n";
	assert_int_equal(apr_vfio_ap_config_store(m, i, cfg, strlen(cfg)), 0);
	assert_true(apr_mask_test(&m->rm[i].apm, 4) && apr_mask_test(&m->rm[i].apm, 5));
	assert_false(apr_mask_test(&m->rm[i].apm, 6));
	assert_true(apr_mask_test(&m->rm[i].aqm, 0x47) && apr_mask_test(&m->rm[i].adm, 0x4c));
	/* Static vfio_ap: a running guest blocks every assignment. */
	m->profile = APR_PROFILE_STATIC;
	m->rm[j].attached = true;
	assert_int_equal(apr_vfio_assign(m, j, APR_DOMAIN, "4"), -EBUSY);
	assert_int_equal(m->why.why, APR_WHY_GUEST_RUNNING);
}

static void test_mdevs(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i;

	assert_int_equal(apr_vfio_mdev_create(m, G1 "x", 37, &i), -EINVAL);
	assert_int_equal(apr_vfio_mdev_create(m, "62177883-F1BB-47F0-914D-32A22E3A8804\n", 37, &i),
			 0);
	assert_string_equal(m->mdev[i].uuid, G1);
	assert_int_equal(apr_vfio_mdev_create(m, G1, 36, &i), -EEXIST);
	assert_int_equal(apr_model_find_mdev(m, "62177883-F1BB-47F0-914D-32A22E3A8804"), 0);
	mdev(m, G2);
	mdev(m, "00000000-0000-0000-0000-000000000003");
	mdev(m, "00000000-0000-0000-0000-000000000004");
	/* The caller's arrays are full: it grows them and asks again. */
	assert_int_equal(apr_vfio_mdev_create(m, "00000000-0000-0000-0000-000000000005", 36, &i),
			 -ENOSPC);
	assert_int_equal(apr_vfio_available_instances(m), 65532);
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "x"), -EINVAL);
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "0"), APR_NOOP);
	/* Removal while a guest holds it, by generation. */
	assert_int_equal(apr_vfio_guest_attach(m, 1, "Guest2"), 0);
	m->profile = APR_PROFILE_STATIC;
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "1"), -EBUSY);
	m->profile = APR_PROFILE_6_0;
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "1"), -EDEADLK);
	assert_int_equal(m->why.why, APR_WHY_WOULD_BLOCK);
	m->profile = APR_PROFILE_6_13;
	m->mdev[1].ignore_release = true;
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "1"), -EDEADLK);
	m->mdev[1].ignore_release = false;
	assert_int_equal(apr_vfio_mdev_remove_store(m, 1, "1"), 0);
	assert_false(m->rm[1].attached);
	apr_vfio_mdev_delete(m, 1);
	assert_int_equal(m->nmdevs, 3);
	assert_string_equal(m->mdev[1].uuid, "00000000-0000-0000-0000-000000000003");
}

static void test_guests(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i = mdev(m, G1), j = mdev(m, G2);

	assert_int_equal(apr_vfio_guest_attach(m, i, ""), -EINVAL);
	assert_int_equal(apr_vfio_guest_attach(m, i, "a b"), -EINVAL);
	assert_int_equal(apr_vfio_guest_attach(m, i, "x\ry"), -EINVAL);
	assert_int_equal(apr_vfio_guest_attach(m, i, "Guest1"), 0);
	assert_int_equal(apr_vfio_guest_attach(m, i, "other"), -EBUSY);
	assert_int_equal(m->why.why, APR_WHY_ATTACHED);
	assert_int_equal(apr_vfio_guest_attach(m, j, "Guest1"), -EPERM);
	assert_int_equal(m->why.why, APR_WHY_GUEST_HOLDS);
	assert_int_equal(m->why.mdev, (int)i);
	assert_int_equal(apr_vfio_guest_detach(m, i), 0);
	assert_string_equal(m->mdev[i].guest, "");
	assert_int_equal(apr_vfio_guest_detach(m, i), -EINVAL);
}

static void test_hypervisor(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i = mdev(m, G1), id;
	char word[16];

	assert_int_equal(apr_hv_parse(" 5 CEX8P\n", &id, word, sizeof(word)), 0);
	assert_int_equal(id, 5);
	assert_string_equal(word, "CEX8P");
	assert_int_equal(apr_hv_parse("256", &id, NULL, 0), -EINVAL);
	assert_int_equal(apr_hv_parse("5 x", &id, NULL, 0), -EINVAL);
	assert_int_equal(apr_hv_add_adapter(m, "7 CEX9Z"), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_NO_TYPE);
	assert_int_equal(apr_hv_add_adapter(m, "5"), -EEXIST);
	assert_int_equal(apr_hv_add_adapter(m, "7"), 0);
	assert_string_equal(m->card[7].type->name, "CEX8C");
	assert_false(m->card[7].present); /* the bus sees it at its next scan */
	scan(m);
	assert_true(m->card[7].present && m->q[7][0x47].exists);
	/* Over-provisioned adapter 6 in the mdev leaves, then comes back. */
	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "6"), 0);
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "0x47"), 0);
	assert_true(apr_mask_test(&m->rm[i].sapm, 6));
	assert_int_equal(apr_hv_remove_adapter(m, "6"), 0);
	scan(m);
	assert_false(m->card[6].present || m->q[6][0x47].exists);
	assert_false(apr_mask_test(&m->rm[i].sapm, 6));
	assert_int_equal(apr_hv_remove_adapter(m, "6"), -ENODEV);
	assert_int_equal(apr_hv_add_adapter(m, "6 CEX5A"), 0);
	scan(m);
	assert_true(apr_mask_test(&m->rm[i].sapm, 6)); /* hot plugged at the scan's end */
	assert_int_equal(apr_hv_domain(m, true, true, "0x47"), -EEXIST);
	assert_int_equal(apr_hv_domain(m, false, false, "9"), -ENODEV);
	/* SE-side configure off: visible at the scan, with CONFIG= events. */
	assert_int_equal(apr_hv_se_config(m, "5 2"), -EINVAL);
	assert_int_equal(apr_hv_se_config(m, "9 0"), -ENODEV);
	assert_int_equal(apr_hv_se_config(m, "5 0"), 0);
	assert_true(m->card[5].config);
	h->events[0] = '\0';
	scan(m);
	assert_false(m->card[5].config || m->q[5][4].config);
	assert_non_null(strstr(h->events, "card-config 05.0000 0\nqueue-config 05.0001 0\n"));
	assert_int_equal(apr_hv_chkstop(m, "6 1"), 0);
	scan(m);
	assert_true(m->card[6].chkstop && m->q[6][1].chkstop);
	/* 6.6+: deconfigured or checkstopped queues stay passable. */
	assert_true(apr_mask_test(&m->rm[i].sapm, 6));
}

static void test_card_attrs(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;

	h->events[0] = '\0';
	assert_int_equal(apr_card_config_store(m, 5, "2"), -EINVAL);
	assert_int_equal(apr_card_config_store(m, 5, "0junk"), 0);
	assert_string_equal(h->events, "card-config 05.0000 0\n");
	assert_true(m->q[5][1].config); /* the queues follow at the next scan */
	assert_false(apr_card_online(m, 5));
	assert_true(apr_queue_online(m, 5, 1)); /* zcrypt_queue.c: the queue's own state */
	assert_int_equal(apr_queue_online_store(m, 5, 1, "1"), -ENODEV); /* its card's, though */
	assert_int_equal(apr_card_online_store(m, 5, "1"), -ENODEV);
	assert_int_equal(m->why.why, APR_WHY_CONFIGURED_OFF);
	assert_int_equal(apr_card_online_store(m, 4, "0"), 0);
	assert_false(m->q[4][1].online);
	assert_int_equal(apr_queue_online_store(m, 4, 1, "1"), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_CARD_OFFLINE);
	m->sclp = false;
	h->events[0] = '\0';
	assert_int_equal(apr_card_config_store(m, 5, "1"), -EOPNOTSUPP);
	assert_string_equal(h->events, "");
	/* No SCLP call for a write that changes nothing: it succeeds, with its uevent. */
	m->card[5].se_config = true; /* the HMC configured it on; no scan since */
	assert_int_equal(apr_card_config_store(m, 5, "0"), 0);
	assert_string_equal(h->events, "card-config 05.0000 0\n");
	assert_true(m->card[5].se_config);
	m->sclp = true;
	assert_int_equal(apr_card_config_store(m, 5, "0"), 0);
	assert_true(m->card[5].se_config); /* still no SCLP call */
	assert_int_equal(apr_card_config_store(m, 5, "1"), 0);
	assert_int_equal(apr_card_config_store(m, 5, "0"), 0);
	assert_false(m->card[5].se_config);
	m->sclp = false;
	h->req[4][1] = 7;
	m->card[4].request_count = 9;
	apr_card_request_count_store(m, 4, "1");
	assert_int_equal(apr_queue_request_count(m, 4, 1), 0);
	assert_int_equal(apr_bus_ap_domain_store(m, "0x47"), -EINVAL); /* not in aqmask */
	assert_int_equal(apr_bus_ap_domain_store(m, "1"), 0);
	assert_int_equal(apr_bus_config_time_store(m, "4"), -EINVAL);
	assert_int_equal(apr_bus_poll_thread_store(m, "on"), 0);
	assert_true(m->poll_thread);
	assert_int_equal(apr_bus_poll_thread_store(m, "maybe"), -EINVAL);
	assert_int_equal(apr_bus_poll_timeout_store(m, "120000000001"), -EINVAL);
}

static const char *zshow(struct apr_model *m, unsigned int a, int q, const char *name)
{
	static char buf[APR_PAGE_SIZE];

	if (q < 0)
		apr_card_zcrypt_show(m, a, name, buf, sizeof(buf));
	else
		apr_queue_zcrypt_show(m, a, (unsigned int)q, name, buf, sizeof(buf));
	return buf;
}

/* zcrypt_cex4.c's attributes: formats, seeds, registers set apart, who has which. */
static void test_zcrypt(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	struct apr_mkvp v;
	char line[160], aes[32];
	const char *t;

	/* CCA: serialnr on the card, mkvps on cex4queue's queues; accelerators neither. */
	assert_true(apr_card_has_attr(m, 5, "serialnr"));
	assert_false(apr_card_has_attr(m, 5, "API_ordinalnr"));
	assert_false(apr_card_has_attr(m, 6, "serialnr"));
	assert_true(apr_queue_has_attr(m, 5, 1, "mkvps"));
	assert_false(apr_queue_has_attr(m, 5, 1, "op_modes"));
	assert_false(apr_queue_has_attr(m, 5, 0x47, "mkvps")); /* vfio_ap's */
	assert_false(apr_queue_has_attr(m, 6, 1, "mkvps"));
	snprintf(line, sizeof(line), "%.20s", zshow(m, 5, -1, "serialnr"));
	assert_int_equal(strlen(line), 9);
	assert_memory_equal(line, "93AA", 4);
	assert_string_not_equal(line, zshow(m, 4, -1, "serialnr"));
	t = zshow(m, 5, 1, "mkvps");
	assert_int_equal(strncmp(t, "AES NEW: empty 0x0000000000000000\nAES CUR: valid 0x", 51), 0);
	assert_non_null(strstr(t, "\nASYM OLD: valid 0x"));
	assert_int_equal(strlen(strstr(t, "ASYM CUR: valid 0x")), 2 * (18 + 32 + 1));
	/* The domain's keys are the same on every adapter; another seed changes them. */
	memcpy(aes, strstr(t, "AES CUR"), 31);
	assert_non_null(strstr(zshow(m, 4, 1, "mkvps"), aes));
	aes[31] = '\0';
	m->mk_seed = 7;
	assert_null(strstr(zshow(m, 5, 1, "mkvps"), aes));
	m->mk_seed = 0;
	/* A register set apart: one APQN, or the whole domain; the APQN's wins. */
	assert_int_equal(apr_mk_store(m, "*.0001 aes_cur valid 0x1d5e"), 0);
	assert_int_equal(apr_mk_store(m, "05.0001 aes_cur invalid 0xab"), 0);
	assert_non_null(strstr(zshow(m, 4, 1, "mkvps"), "AES CUR: valid 0x0000000000001d5e\n"));
	assert_non_null(strstr(zshow(m, 5, 1, "mkvps"), "AES CUR: invalid 0x00000000000000ab\n"));
	apr_queue_mkvp(m, 5, 1, APR_MK_AES_CUR, &v);
	assert_int_equal(v.state, APR_MKS_INVALID);
	assert_int_equal(apr_mk_store(m, "05.0001 asym_new - "), 0);
	assert_non_null(strstr(zshow(m, 5, 1, "mkvps"), "ASYM NEW: - -\n"));
	apr_mk_format(&m->mk[1], line, sizeof(line));
	assert_string_equal(line, "05.0001 aes_cur invalid 0x00000000000000ab");
	assert_int_equal(apr_mk_store(m, "05.0001 aes_cur off"), 0);
	assert_non_null(strstr(zshow(m, 5, 1, "mkvps"), "AES CUR: valid 0x0000000000001d5e\n"));
	/* What the kernel cannot show is refused. */
	assert_int_equal(apr_mk_store(m, "05.0001 aes_new valid 0x1"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "05.0001 aes_cur committed"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "05.0001 aes_cur valid 0x11223344556677889"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "05.0001 sym_cur valid 0x1"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "05.0001 wk_cur invalid 0x1"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "5.1 aes_cur valid 0x1"), -EINVAL);
	assert_int_equal(apr_mk_store(m, "05.0001 aes_cur valid 0x1 more"), -EINVAL);
	for (unsigned int d = 0; d < APR_MK_SETS - 2; d++) {
		snprintf(line, sizeof(line), "*.%04x apka_old invalid 0x1", d);
		assert_int_equal(apr_mk_store(m, line), 0);
	}
	assert_int_equal(apr_mk_store(m, "*.00fe apka_old invalid 0x1"), -ENOSPC);
	assert_int_equal(m->why.why, APR_WHY_FULL);
	for (unsigned int d = 0; d < APR_MK_SETS - 2; d++) {
		snprintf(line, sizeof(line), "*.%04x apka_old off", d);
		assert_int_equal(apr_mk_store(m, line), 0);
	}
	/* A deconfigured queue's card does not answer. */
	m->q[5][1].config = false;
	assert_non_null(strstr(zshow(m, 5, 1, "mkvps"), "AES CUR: - -\n"));
	m->q[5][1].config = true;

	/* EP11: card facts, the wrapping key, op modes; shown only while the queue is online. */
	assert_int_equal(apr_hv_add_adapter(m, "7 CEX8P"), 0);
	scan(m);
	assert_true(apr_card_has_attr(m, 7, "op_modes"));
	assert_true(apr_queue_has_attr(m, 7, 1, "op_modes"));
	assert_string_equal(zshow(m, 7, -1, "API_ordinalnr"), "7\n");
	assert_string_equal(zshow(m, 7, -1, "FW_version"), "8.1\n");
	assert_string_equal(zshow(m, 7, -1, "op_modes"), "\n");
	assert_int_equal(strlen(zshow(m, 7, -1, "serialnr")), 17);
	assert_int_equal(apr_card_info_store(m, "7 serialnr ABC"), 0);
	assert_string_equal(zshow(m, 7, -1, "serialnr"), "             ABC\n");
	assert_int_equal(apr_card_info_store(m, "7 op_modes FIPS2009 BSI2011"), 0);
	assert_string_equal(zshow(m, 7, -1, "op_modes"), "FIPS2009 BSI2011\n");
	assert_int_equal(apr_card_info_store(m, "0x07 fw_version 7.15"), 0);
	assert_string_equal(zshow(m, 7, -1, "FW_version"), "7.15\n");
	apr_card_info_format(m, 7, line, sizeof(line));
	assert_string_equal(
		line, "0x07 serialnr ABC\n0x07 fw_version 7.15\n0x07 op_modes FIPS2009 BSI2011\n");
	assert_int_equal(apr_card_info_store(m, "7 serialnr 0123456789ABCDEFG"), -EINVAL);
	assert_int_equal(apr_card_info_store(m, "5 serialnr 0123456789"), -EINVAL); /* CCA: 8 */
	assert_int_equal(apr_card_info_store(m, "5 api_ordinalnr 4"), -ENODEV);
	assert_int_equal(apr_card_info_store(m, "6 serialnr X"), -ENODEV);
	assert_int_equal(apr_card_info_store(m, "7 op_modes FIPS1999"), -EINVAL);
	assert_int_equal(apr_card_info_store(m, "7 fw_version 7"), -EINVAL);
	assert_int_equal(apr_card_info_store(m, "7 serialnr off"), 0);
	assert_int_equal(strncmp(zshow(m, 7, -1, "serialnr"), "93AA", 4), 0);
	t = zshow(m, 7, 1, "mkvps");
	assert_int_equal(strncmp(t, "WK CUR: valid 0x", 16), 0);
	assert_non_null(strstr(t, "\nWK NEW: empty -\n"));
	assert_int_equal(apr_mk_store(m, "07.0001 op_modes FIPS2011"), 0);
	assert_string_equal(zshow(m, 7, 1, "op_modes"), "FIPS2011\n");
	assert_int_equal(apr_queue_online_store(m, 7, 1, "0"), 0);
	assert_string_equal(zshow(m, 7, 1, "mkvps"), "WK CUR: - -\nWK NEW: - -\n");
	assert_string_equal(zshow(m, 7, 1, "op_modes"), "\n");
}

/* The card table: what real cards answer to TAPQ (lszcrypt -V on real hosts). */
static void test_card_table(void **state)
{
	static const struct {
		const char *name;
		uint32_t functions;
	} want[] = {
		{ "CEX5C", 0x92000000 },			  /* S--D--N--- */
		{ "CEX7C", 0x92000000 }, { "CEX8C", 0x92800000 }, /* S--D--N-F- */
		{ "CEX6P", 0x06000000 },			  /* -----XN--- */
		{ "CEX8P", 0x06800000 },			  /* -----XN-F- */
		{ "CEX5A", 0x6a000000 },			  /* -MC-A-N--- */
	};
	const struct apr_card_type *t;

	(void)state;
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		t = apr_card_type_lookup(want[i].name);
		assert_non_null(t);
		assert_int_equal(t->functions, want[i].functions);
	}
	/* Eight slots on every generation: the field is 7, the attribute 8 (QDEPTH 08). */
	for (unsigned int i = 0; (t = apr_card_type_at(i)); i++) {
		assert_int_equal(t->depth, 7);
		assert_int_equal(apr_card_depth(t), 8);
	}
}

/* 6.15: every change of a running guest's shadow signals it (signal_guest_ap_cfg_changed). */
static void test_cfg_change(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	unsigned int i = mdev(m, G1);

	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "5"), 0);
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "0x47"), 0);
	assert_int_equal(apr_vfio_guest_attach(m, i, "g1"), 0);
	h->events[0] = '\0';
	assert_int_equal(apr_vfio_assign(m, i, APR_CONTROL_DOMAIN, "0x47"), 0);
	assert_string_equal(h->events, ""); /* 6.13: no eventfd */
	m->profile = APR_PROFILE_6_15;
	assert_int_equal(apr_vfio_assign(m, i, APR_CONTROL_DOMAIN, "4"), 0);
	assert_string_equal(h->events, "guest-cfg 00.0000 0\n");
	h->events[0] = '\0';
	assert_int_equal(apr_vfio_assign(m, i, APR_ADAPTER, "7"), 0); /* not in the LPAR */
	assert_string_equal(h->events, "");
	assert_int_equal(apr_vfio_unassign(m, i, APR_DOMAIN, "0x47"), 0);
	assert_string_equal(h->events, "guest-cfg 00.0000 0\n");
	h->events[0] = '\0';
	assert_int_equal(apr_vfio_assign(m, i, APR_DOMAIN, "0x47"), 0); /* the filter plugs it */
	assert_string_equal(h->events, "guest-cfg 00.0000 0\n");
	h->events[0] = '\0';
	apr_bus_remove(m, 5, 0x47); /* vfio_ap's remove: the adapter leaves */
	assert_string_equal(h->events, "guest-cfg 00.0000 0\n");
	h->events[0] = '\0';
	assert_int_equal(apr_hv_domain(m, false, false, "4"), 0);
	scan(m); /* the LPAR lost control domain 4 */
	assert_non_null(strstr(h->events, "guest-cfg 00.0000 0\n"));
	h->events[0] = '\0';
	apr_vfio_mdev_request(m, i); /* a remove while in use */
	assert_string_equal(h->events, "guest-cfg 00.0000 0\n");
	h->events[0] = '\0';
	assert_int_equal(apr_vfio_guest_detach(m, i), 0);
	assert_int_equal(apr_vfio_assign(m, i, APR_CONTROL_DOMAIN, "1"), 0);
	assert_string_equal(h->events, ""); /* no guest, no signal */
}

/* ap_bus.c: __ap_revise_reserved on unbound queues (doc/kernel-abi.md, the re-probe pass). */
static void test_unbound_reprobe(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;

	apr_bus_remove(m, 5, 1);
	apr_bus_remove(m, 5, 0x47);
	assert_true(apr_bus_needs_reprobe(m, 5, 1));
	assert_false(apr_bus_needs_reprobe(m, 5, 0x47));
	assert_int_equal(mask_store(m, false, "-0x20"), 0);
	assert_int_equal(m->q[5][1].driver, APR_DRV_CEX4QUEUE);
	assert_int_equal(m->q[5][0x47].driver, APR_DRV_NONE);
}

static void test_overrides(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;

	m->profile = APR_PROFILE_6_19;
	assert_int_equal(apr_queue_override_store(m, 5, 1, "vfio_ap", 7), -EINVAL);
	assert_int_equal(m->why.why, APR_WHY_MASKS_SET);
	apr_mask_fill(&m->aqmask);
	assert_int_equal(apr_queue_override_store(m, 5, 1, "a b", 3), -EINVAL);
	assert_int_equal(apr_queue_override_store(m, 5, 1, "vfio_ap\n", 8), 0);
	assert_true(apr_bus_needs_reprobe(m, 5, 1));
	reprobe_all(m);
	assert_int_equal(m->q[5][1].driver, APR_DRV_VFIO_AP);
	assert_false(apr_bus_needs_reprobe(m, 5, 1));
	assert_int_equal(apr_queue_override_store(m, 5, 4, "other_drv", 9), 0);
	assert_int_equal(apr_queue_override_store(m, 6, 4, "other_drv", 9), 0);
	assert_int_equal(m->q[5][4].override, m->q[6][4].override);
	assert_string_equal(apr_queue_override_name(m, 5, 4), "other_drv");
	reprobe_all(m);
	assert_int_equal(m->q[5][4].driver, APR_DRV_NONE); /* no driver has that name */
	assert_int_equal(apr_queue_override_store(m, 5, 4, "\n", 1), 0);
	assert_string_equal(apr_queue_override_name(m, 5, 4), "");
}

static void test_faults(void **state)
{
	struct host *h = *state;
	struct apr_model *m = &h->m;
	int err;

	assert_int_equal(apr_fault_store(m, "/bus/ap/apmask EBUSY 2\n"), 0);
	assert_int_equal(apr_fault_take(m, "bus/ap/aqmask", &err), 0);
	assert_int_equal(apr_fault_take(m, "bus/ap/apmask", &err), 1);
	assert_int_equal(err, -EBUSY);
	assert_int_equal(apr_fault_take(m, "bus/ap/apmask", &err), 1);
	assert_int_equal(apr_fault_take(m, "bus/ap/apmask", &err), 0);
	assert_int_equal(apr_fault_store(m, "bus/ap/apmask ok"), 0);
	assert_int_equal(apr_fault_take(m, "bus/ap/apmask", &err), 1);
	assert_int_equal(err, 0);
	assert_int_equal(apr_fault_store(m, "x 5 3"), 0);
	assert_int_equal(apr_fault_store(m, "x off"), 0);
	assert_int_equal(apr_fault_take(m, "x", &err), 0);
	assert_int_equal(apr_fault_store(m, "x EBOGUS"), -EINVAL);
	assert_int_equal(apr_fault_store(m, "x EIO 0"), -EINVAL);
	assert_int_equal(apr_fault_store(m, "x EIO 1 more"), -EINVAL);
}

static void test_copy(void **state)
{
	struct host *h = *state, *c = calloc(1, sizeof(*c));
	struct apr_model small;

	mdev(&h->m, G1);
	apr_model_rows(c->qrows, c->q);
	apr_model_init(&c->m, c->qrows, NULL, c->rm, c->info, 4);
	assert_int_equal(apr_model_copy(&c->m, &h->m), 0);
	assert_ptr_equal(c->m.q, c->qrows);
	assert_ptr_equal(c->m.q[5], c->q[5]);
	assert_null(c->m.requests);
	assert_int_equal(c->m.nmdevs, 1);
	assert_int_equal(apr_vfio_assign(&c->m, 0, APR_ADAPTER, "5"), 0);
	assert_false(apr_mask_test(&h->m.rm[0].apm, 5)); /* the original is untouched */
	apr_model_init(&small, c->qrows, NULL, c->rm, c->info, 0);
	assert_int_equal(apr_model_copy(&small, &h->m), -ENOSPC);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boot_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdevs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypervisor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_attrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbound_reprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zcrypt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfg_change, setup, teardown),
		cmocka_unit_test(test_card_table),
		cmocka_unit_test_setup_teardown(test_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
