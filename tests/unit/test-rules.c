// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-rules.c - the kernel's checks in the kernel's order, per profile
 * (apmask_store, assign_*_store, ap_config_store), the hot-plug filter
 * with its history dependence (unassign does not re-filter), queue status,
 * profiles and card types (doc/kernel-abi.md).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mask-util.h"
#include "rules.h"

/* A tiny host: queue state from a table, everything bound to vfio_ap by default. */
static unsigned int qstate[256][256];

static unsigned int qs(const void *data, unsigned int a, unsigned int q)
{
	(void)data;
	return qstate[a][q];
}

/*
 * The seed's example: adapters 4, 5, 6 and domains 4, 0x47, 0xab, 0xff in
 * the LPAR; aqmask secures those domains for vfio_ap on every adapter.
 */
static void setup_host(struct apr_host *h, enum apr_profile p)
{
	memset(h, 0, sizeof(*h));
	memset(qstate, 0, sizeof(qstate));
	h->profile = p;
	h->max_apid = h->max_apqi = 255;
	apr_mask_fill(&h->apmask);
	apr_mask_fill(&h->aqmask);
	apr_mask_parse("-4,-0x47,-0xab,-0xff", &h->aqmask, &h->aqmask);
	h->qci_apm = mask_of(3, 4, 5, 6);
	h->qci_aqm = mask_of(5, 1, 4, 0x47, 0xab, 0xff);
	h->qci_adm = mask_of(6, 1, 2, 4, 0x47, 0xab, 0xff);
	h->queue_state = qs;
	for (unsigned int a = 4; a <= 6; a++)
		for (unsigned int q = 0; q < 256; q++)
			if (apr_mask_test(&h->qci_aqm, q))
				qstate[a][q] = APR_Q_EXISTS | APR_Q_RESET_OK |
					       (apr_default_owned(h, a, q) ? APR_Q_DEFAULT_DRV
									   : APR_Q_VFIO);
}

static void setup_mdevs(struct apr_mdev m[3])
{
	memset(m, 0, 3 * sizeof(*m));
	m[0].apm = mask_of(2, 5, 6);
	m[0].aqm = mask_of(2, 4, 0xab);
	m[0].adm = mask_of(1, 0xab);
	m[1].apm = mask_of(2, 5, 0x0a);
	m[1].aqm = mask_of(2, 0x47, 0xff);
	m[2].apm = mask_of(1, 6);
	m[2].aqm = mask_of(2, 0x47, 0xff);
}

/* A test's world: the seed's host of the fixture's profile, its three mdevs. */
struct world {
	struct apr_host h;
	struct apr_mdev m[3];
};

static struct world world;

static int setup_world(void **state, enum apr_profile p)
{
	setup_host(&world.h, p);
	setup_mdevs(world.m);
	*state = &world;
	return 0;
}

static int on_6_13(void **state)
{
	return setup_world(state, APR_PROFILE_6_13);
}

static int on_static(void **state)
{
	return setup_world(state, APR_PROFILE_STATIC);
}

static void test_assign_order(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_conflict c;
	unsigned long id;

	/* Parse first, then the range, then "already assigned", then validation. */
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "x", &id, &c), -EINVAL);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "99999999999999999999", &id, &c),
			 -ERANGE);
	h->max_apid = 0x3f;
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "0x40", &id, &c), -ENODEV);
	h->max_apid = 255;
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "256", &id, &c), -ENODEV);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "6", &id, &c), 1);
	/* Domain 1 belongs to the host on adapter 6: EADDRNOTAVAIL names 06.0001. */
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_DOMAIN, "1", &id, &c), -EADDRNOTAVAIL);
	assert_int_equal(c.apid, 6);
	assert_int_equal(c.apqi, 1);
	assert_int_equal(c.mdev, -1);
	/* Adapter 5 with 0x47, 0xff is Guest2's: EADDRINUSE, not the documented EBUSY. */
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "5", &id, &c), -EADDRINUSE);
	assert_int_equal(c.apid, 5);
	assert_int_equal(c.apqi, 0x47);
	assert_int_equal(c.mdev, 1);
	/* Ownership is checked before sharing when both apply. */
	m[2].aqm = mask_of(2, 1, 0x47);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "5", &id, &c), -EADDRNOTAVAIL);
	/* Over-provisioning: an adapter outside the LPAR is fine. */
	setup_mdevs(m);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "0x20", &id, &c), 0);
	assert_int_equal(id, 0x20);
	/* With no domain yet, any adapter up to the maximum goes in. */
	memset(&m[2], 0, sizeof(m[2]));
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "5", &id, &c), 0);
	/* Control domains: no ownership, no sharing check. */
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_CONTROL_DOMAIN, "1", &id, &c), 0);
	assert_int_equal(apr_check_assign(h, m, 3, 1, APR_CONTROL_DOMAIN, "0xab", &id, &c), 0);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_CONTROL_DOMAIN, "0x100", &id, &c),
			 -ENODEV);
}

static void test_assign_static(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_conflict c;
	unsigned long id;

	/* A running guest blocks every change, before the input is even parsed. */
	m[0].attached = true;
	assert_int_equal(apr_check_assign(h, m, 3, 0, APR_ADAPTER, "garbage", &id, &c), -EBUSY);
	assert_int_equal(apr_check_unassign(h, &m[0], APR_DOMAIN, "4", &id), -EBUSY);
	m[0].attached = false;
	/* Queues must be bound to vfio_ap: 04.0047 is, 04.0001 is not. */
	memset(&m[2], 0, sizeof(m[2]));
	m[2].aqm = mask_of(1, 0x47);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "4", &id, &c), 0);
	m[2].aqm = mask_of(2, 0x47, 1);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "4", &id, &c), -EADDRNOTAVAIL);
	assert_int_equal(c.apqi, 1);
	/* No domains yet: some queue of the adapter must be bound; adapter 9 has none. */
	memset(&m[2], 0, sizeof(m[2]));
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "4", &id, &c), 0);
	assert_int_equal(apr_check_assign(h, m, 3, 2, APR_ADAPTER, "9", &id, &c), -EADDRNOTAVAIL);
}

static void test_unassign(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	unsigned long id;

	assert_int_equal(apr_check_unassign(h, &m[0], APR_DOMAIN, "0x47", &id), 1);
	assert_int_equal(apr_check_unassign(h, &m[0], APR_DOMAIN, "0xab", &id), 0);
	assert_int_equal(apr_check_unassign(h, &m[0], APR_DOMAIN, "-1", &id), -EINVAL);
	assert_int_equal(apr_check_unassign(h, &m[0], APR_DOMAIN, "300", &id), -ENODEV);
	/* A running guest is fine since 6.0: the unassign is a hot unplug. */
	m[0].attached = true;
	assert_int_equal(apr_check_unassign(h, &m[0], APR_ADAPTER, "5", &id), 0);
}

static void test_mask_store(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_conflict c;
	struct apr_mask n;

	assert_int_equal(apr_mask_store(h, m, 3, false, "bogus", &n, &c), -EINVAL);
	/* Unchanged: success with nothing else happening. */
	assert_int_equal(apr_mask_store(h, m, 3, false, "+5", &n, &c), 1);
	/* Giving queues away never fails the in-use check. */
	assert_int_equal(apr_mask_store(h, m, 3, false, "-5,-6", &n, &c), 0);
	/* Taking 05.0047 back from Guest2: EBUSY (the seed says EADDRINUSE). */
	assert_int_equal(apr_mask_store(h, m, 3, true, "+0x47", &n, &c), -EBUSY);
	assert_int_equal(c.apqi, 0x47);
	assert_true(c.mdev == 1 || c.mdev == 2);
	/* The in-use check crosses with the *current* other mask: apmask all ones. */
	h->apmask = mask_of(0);
	assert_int_equal(apr_mask_store(h, m, 3, true, "+0x47", &n, &c), 0);
	/* 6.19 asks about any APQN of a newly reserved domain. */
	h->profile = APR_PROFILE_6_19;
	assert_int_equal(apr_mask_store(h, m, 3, true, "+0x47", &n, &c), -EBUSY);
	h->any_override = true;
	assert_int_equal(apr_mask_store(h, m, 3, true, "-1", &n, &c), -EINVAL);
	/* The static generation had no in-use check. */
	setup_host(h, APR_PROFILE_STATIC);
	assert_int_equal(apr_mask_store(h, m, 3, true, "+0x47", &n, &c), 0);
}

static void test_ap_config(void **state)
{
	static const char z[] =
		"0x0000000000000000000000000000000000000000000000000000000000000000";
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_conflict c;
	struct apr_mask cfg[3];
	char buf[512];

	assert_int_equal(apr_ap_config_parse("0x40,0x80", 9, cfg), -EINVAL);
	assert_int_equal(apr_ap_config_parse("0x40,0x80\n", 10, cfg), 0);
	assert_true(apr_mask_test(&cfg[0], 1) && apr_mask_test(&cfg[1], 0) &&
		    apr_mask_empty(&cfg[2]));
	assert_int_equal(apr_ap_config_parse(",,", 2, cfg), 0);
	assert_true(apr_mask_empty(&cfg[0]) && apr_mask_empty(&cfg[1]));
	assert_int_equal(apr_ap_config_parse("1,2,3,anything else", 19, cfg), 0);
	assert_int_equal(apr_ap_config_parse("1,2,zz", 6, cfg), -EINVAL);
	assert_int_equal(apr_ap_config_parse("0X1,2,3", 7, cfg), -EINVAL);
	/* Only 201 bytes are read: a valid string with junk after byte 201 passes. */
	snprintf(buf, sizeof(buf), "%s,%s,%s\njunkjunk", z, z, z);
	assert_int_equal(apr_ap_config_parse(buf, strlen(buf), cfg), 0);
	snprintf(buf, sizeof(buf), "%s,%s,%s0", z, z, z); /* a 65th digit, byte 201: read */
	assert_int_equal(apr_ap_config_parse(buf, strlen(buf), cfg), -EINVAL);

	/* Ownership and sharing before the overflow check (ENODEV comes last). */
	h->max_apid = 0x3f;
	cfg[0] = mask_of(2, 5, 0x40);
	cfg[1] = mask_of(1, 0x47);
	cfg[2] = mask_of(0);
	assert_int_equal(apr_check_ap_config(h, m, 3, 2, cfg, &c), -EADDRINUSE);
	cfg[1] = mask_of(1, 1);
	assert_int_equal(apr_check_ap_config(h, m, 3, 2, cfg, &c), -EADDRNOTAVAIL);
	cfg[1] = mask_of(1, 4);
	cfg[0] = mask_of(1, 0x40);
	assert_int_equal(apr_check_ap_config(h, m, 3, 2, cfg, &c), -ENODEV);
	cfg[0] = mask_of(1, 4);
	assert_int_equal(apr_check_ap_config(h, m, 3, 2, cfg, &c), 0);
}

static void test_filter_history(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_mask f;

	/* Guest2: adapter 0x0a is not in the LPAR, so only 05.* reach the guest. */
	assert_true(apr_filter(h, &m[1], &f));
	assert_true(apr_mask_test(&m[1].sapm, 5) && !apr_mask_test(&m[1].sapm, 0x0a));
	assert_true(apr_mask_empty(&f));
	/* 05.00ff unbound: the whole adapter 5 leaves the guest, the AQM stays. */
	qstate[5][0xff] &= ~APR_Q_VFIO;
	assert_true(apr_filter(h, &m[1], &f));
	assert_false(apr_mask_test(&m[1].sapm, 5));
	assert_true(apr_mask_test(&f, 5));
	assert_true(apr_mask_test(&m[1].saqm, 0x47) && apr_mask_test(&m[1].saqm, 0xff));
	/* Unassigning the culprit's domain does not re-run the adapter filter ... */
	assert_true(apr_unassign(&m[1], APR_DOMAIN, 0xff));
	assert_false(apr_mask_test(&m[1].sapm, 5));
	/* ... only the next filter event brings adapter 5 back. */
	assert_true(apr_filter(h, &m[1], &f));
	assert_true(apr_mask_test(&m[1].sapm, 5));
	/* Deconfigured queues are passable since 6.6 (here: 6.10+), not on 6.0. */
	qstate[5][0x47] = APR_Q_EXISTS | APR_Q_VFIO | APR_Q_RESET_SOFT;
	assert_false(apr_filter(h, &m[1], &f));
	h->profile = APR_PROFILE_6_0;
	assert_true(apr_filter(h, &m[1], &f));
	assert_false(apr_mask_test(&m[1].sapm, 5));
	/* A queue leaving vfio_ap unplugs its adapter. */
	setup_host(h, APR_PROFILE_6_13);
	setup_mdevs(m);
	apr_filter(h, &m[0], &f);
	assert_true(apr_queue_removed(&m[0], 6, 0xab));
	assert_false(apr_mask_test(&m[0].sapm, 6));
	assert_false(apr_queue_removed(&m[0], 6, 0xab));
	/* Control domains need the LPAR's ADM only. */
	m[0].adm = mask_of(2, 0xab, 0x99);
	assert_true(apr_filter_cdoms(h, &m[0]));
	assert_true(apr_mask_test(&m[0].sadm, 0xab) && !apr_mask_test(&m[0].sadm, 0x99));
	/* Static vfio_ap passes the matrix unfiltered. */
	h->profile = APR_PROFILE_STATIC;
	apr_filter(h, &m[1], &f);
	assert_true(apr_mask_test(&m[1].sapm, 0x0a));
}

static void test_cfg_removed(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_mask f, gone_a = mask_of(1, 6), none = mask_of(0);

	apr_filter(h, &m[0], &f);
	apr_filter_cdoms(h, &m[0]);
	assert_true(apr_cfg_removed(&m[0], &gone_a, &none, &none));
	assert_false(apr_mask_test(&m[0].sapm, 6));
	assert_true(apr_mask_test(&m[0].apm, 6)); /* still assigned: over-provisioned now */
}

static void test_queue_status(void **state)
{
	struct world *w = *state;
	struct apr_host *h = &w->h;
	struct apr_mdev *m = w->m;
	struct apr_mask f;

	for (int i = 0; i < 3; i++)
		apr_filter(h, &m[i], &f);
	m[0].attached = true;
	assert_string_equal(apr_queue_status(m, 3, 5, 4), "in use");
	assert_string_equal(apr_queue_status(m, 3, 6, 0x47), "assigned");
	assert_string_equal(apr_queue_status(m, 3, 4, 4), "unassigned");
	/* In the matrix but filtered out of a running guest: "assigned" (late-2023 fix). */
	m[1].attached = true;
	assert_string_equal(apr_queue_status(m, 3, 0x0a, 0x47), "assigned");
	assert_int_equal(apr_mdev_holding(m, 3, 0x0a, 0xff), 1);
}

static void test_profiles_and_cards(void **state)
{
	enum apr_profile p;
	const struct apr_card_type *t;

	(void)state;
	assert_int_equal(apr_profile_detect(true, false, false, false, false), APR_PROFILE_STATIC);
	assert_int_equal(apr_profile_detect(true, true, false, false, false), APR_PROFILE_6_0);
	assert_int_equal(apr_profile_detect(true, true, true, false, false), APR_PROFILE_6_10);
	assert_int_equal(apr_profile_detect(false, false, false, true, false), APR_PROFILE_6_13);
	assert_int_equal(apr_profile_detect(false, false, false, true, true), APR_PROFILE_6_19);
	assert_int_equal(apr_profile_parse("6.10", &p), 0);
	assert_int_equal(p, APR_PROFILE_6_10);
	assert_string_equal(apr_profile_name(APR_PROFILE_STATIC), "4.20");
	assert_int_equal(apr_profile_parse("7.0", &p), -EINVAL);
	t = apr_card_type_lookup("CEX5C");
	assert_non_null(t);
	assert_int_equal(t->hwtype, 11);
	assert_string_equal(t->mode, "cca");
	assert_int_equal(apr_card_type_lookup("CEX8P")->hwtype, 14);
	assert_string_equal(apr_card_type_lookup("CEX4A")->mode, "accel");
	assert_string_equal(apr_card_type_lookup("CEX7P")->mode_text, "EP11-Coproc");
	assert_null(apr_card_type_lookup("CEX3C")); /* CEX2/3 left in 6.6 */
	assert_int_equal(apr_card_type_lookup("CEX6A")->functions & 0x08000000u, 0x08000000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_assign_order, on_6_13),
		cmocka_unit_test_setup(test_assign_static, on_static),
		cmocka_unit_test_setup(test_unassign, on_6_13),
		cmocka_unit_test_setup(test_mask_store, on_6_13),
		cmocka_unit_test_setup(test_ap_config, on_6_13),
		cmocka_unit_test_setup(test_filter_history, on_6_13),
		cmocka_unit_test_setup(test_cfg_removed, on_6_13),
		cmocka_unit_test_setup(test_queue_status, on_6_13),
		cmocka_unit_test(test_profiles_and_cards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
