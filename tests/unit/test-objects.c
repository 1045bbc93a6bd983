// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-objects.c - adapters and queues as objects: the lookups' errors,
 * the iterations' end and -EINVAL, who holds which reference (a handle
 * kept past the next step, a handle that outlives its host's last other
 * reference, an iteration stopped early), and ABI 1's by-value functions
 * giving what the objects say, on every APQN of the simulated hosts.
 */
#include "config.h"

/* ABI 1's functions are compared here */
#ifndef APM_DISABLE_DEPRECATION_WARNINGS
#define APM_DISABLE_DEPRECATION_WARNINGS
#endif

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "libapmatrix-sim.h"

static struct apm_host *load(struct apm_ctx **ctx)
{
	struct apm_host *h;

	assert_int_equal(apm_ctx_new_sim(NULL, ctx), 0);
	assert_int_equal(apm_host_load(*ctx, 0, &h), 0);
	return h;
}

static void test_adapter_lookup(void **state)
{
	struct apm_adapter *ad = (struct apm_adapter *)&ad, *b;
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx);
	unsigned int n = 0, last = 0;
	int rc, err = 7;

	(void)state;
	assert_int_equal(apm_host_lookup_adapter(h, 256, &ad), -EINVAL);
	assert_false(apm_host_has_adapter(h, 256));
	assert_int_equal(apm_host_lookup_adapter(NULL, 1, &ad), -EINVAL);
	assert_int_equal(apm_host_lookup_adapter(h, 1, NULL), -EINVAL);
	/* Every adapter the iteration gives is one lookup finds, ascending, once. */
	ad = NULL;
	while ((rc = apm_host_next_adapter(h, &ad)) == 0) {
		unsigned int id = apm_adapter_get_id(ad);

		assert_true(n == 0 || id > last);
		assert_ptr_equal(apm_adapter_get_host(ad), h);
		assert_int_equal(apm_host_lookup_adapter(h, id, &b), 0);
		assert_int_equal(apm_adapter_get_id(b), id);
		assert_int_equal(apm_adapter_has_card(b), apm_adapter_has_card(ad));
		assert_null(apm_adapter_unref(b));
		last = id;
		n++;
	}
	assert_int_equal(rc, 1);
	assert_null(ad);
	assert_true(n > 0);
	/* After the end it starts again; an ID it skipped is -ENOENT. */
	for (unsigned int id = 0; id < 256; id++) {
		rc = apm_host_lookup_adapter(h, id, &b);
		assert_true(rc == 0 || rc == -ENOENT);
		assert_int_equal(apm_host_has_adapter(h, id), rc == 0);
		if (!rc) {
			n--;
			/* A card's facts; a missing one says why in err. */
			if (apm_adapter_has_card(b)) {
				apm_adapter_is_configured(b, &err);
				assert_int_equal(err, 0);
				assert_non_null(apm_adapter_get_driver(b));
			} else {
				assert_false(apm_adapter_is_configured(b, &err));
				assert_int_equal(err, -ENOENT);
				assert_int_equal(apm_adapter_get_hwtype(b), -1);
				assert_string_equal(apm_adapter_get_type(b), "");
			}
			apm_adapter_unref(b);
		}
	}
	assert_int_equal(n, 0);
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

static void test_adapter_refs(void **state)
{
	struct apm_adapter *ad = NULL, *kept;
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx), *other;
	unsigned int id;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &other), 0);
	assert_int_equal(apm_host_next_adapter(h, &ad), 0);
	/* A handle of another snapshot is refused and left alone. */
	kept = ad;
	assert_int_equal(apm_host_next_adapter(other, &ad), -EINVAL);
	assert_ptr_equal(ad, kept);
	/* Kept past the next step: the iteration moves on with a handle of its own. */
	kept = apm_adapter_ref(ad);
	id = apm_adapter_get_id(kept);
	assert_int_equal(apm_host_next_adapter(h, &ad), 0);
	assert_ptr_not_equal(ad, kept);
	assert_int_equal(apm_adapter_get_id(kept), id);
	assert_true(apm_adapter_get_id(ad) > id);
	/* Stopped early: the caller drops the last one. */
	assert_null(apm_adapter_unref(ad));
	/* The handle holds its host: it outlives the caller's reference. */
	assert_non_null(apm_host_unref(h)); /* still the handle's */
	assert_int_equal(apm_adapter_get_id(kept), id);
	assert_int_equal(apm_host_lookup_adapter(apm_adapter_get_host(kept), id, &ad), 0);
	assert_null(apm_adapter_unref(ad));
	assert_null(apm_adapter_unref(kept));
	assert_null(apm_adapter_unref(NULL));
	apm_host_unref(other);
	apm_ctx_unref(ctx);
}

struct walk {
	struct apm_host *h;
	struct apm_queue *it;
	unsigned int n;
};

/* ABI 1's walk and the new one visit the same APQNs with the same facts. */
static int same_queue(const struct apm_queue_info *qi, void *data)
{
	struct walk *w = data;
	struct apm_queue_info one;
	struct apm_mdev *m;

	assert_int_equal(apm_host_next_queue(w->h, &w->it), 0);
	assert_int_equal(apm_queue_get_adapter(w->it), qi->adapter);
	assert_int_equal(apm_queue_get_domain(w->it), qi->domain);
	assert_int_equal(apm_queue_exists(w->it), qi->exists);
	if (qi->driver)
		assert_string_equal(apm_queue_get_driver(w->it), qi->driver);
	else
		assert_null(apm_queue_get_driver(w->it));
	assert_int_equal(apm_queue_is_host_owned(w->it), qi->owner_host);
	m = apm_queue_get_mdev(w->it);
	assert_int_equal(m ? apm_host_mdev_index(w->h, m) : -1, qi->mdev);
	assert_int_equal(apm_queue_is_in_guest_matrix(w->it), qi->in_guest_matrix);
	assert_int_equal(apm_queue_is_plugged(w->it), qi->plugged);
	assert_int_equal(apm_queue_get_cell(w->it), qi->cell);
	assert_int_equal(apm_queue_get_filter(w->it), qi->filter);
	assert_string_equal(apm_queue_get_reason(w->it), qi->reason);
	assert_int_equal(apm_queue_get_filter(w->it) == APM_FILTER_NONE,
			 !apm_queue_get_reason(w->it)[0]);
	assert_int_equal(apm_host_get_queue(w->h, qi->adapter, qi->domain, &one), 0);
	assert_memory_equal(&one, qi, sizeof(one));
	w->n++;
	return 0;
}

/* Stops the walk at its third APQN with a value of its own. */
static int third(const struct apm_queue_info *qi, void *data)
{
	(void)qi;
	return ++*(int *)data == 3 ? 7 : 0;
}

static void test_queue_walk(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx);
	struct walk w = { .h = h };

	(void)state;
	assert_int_equal(apm_host_foreach_queue(h, same_queue, &w), 0);
	assert_true(w.n > 0);
	/* The walks ended together: the next step is the end, and *q is NULL. */
	assert_int_equal(apm_host_next_queue(h, &w.it), 1);
	assert_null(w.it);
	assert_int_equal(apm_host_next_queue(h, NULL), -EINVAL);
	assert_int_equal(apm_host_next_queue(NULL, &w.it), -EINVAL);
	assert_int_equal(apm_host_foreach_queue(h, NULL, NULL), -EINVAL);
	assert_int_equal(apm_host_foreach_queue(NULL, same_queue, &w), -EINVAL);
	{
		int calls = 0;

		assert_int_equal(apm_host_foreach_queue(h, third, &calls), 7);
		assert_int_equal(calls, 3);
	}
	/* Every APQN, listed or not, by lookup; IDs above 255 are refused. */
	for (unsigned int a = 0; a < 256; a += 17)
		for (unsigned int q = 0; q < 256; q += 5) {
			struct apm_queue *qu;
			struct apm_queue_info qi;

			assert_int_equal(apm_host_lookup_queue(h, a, q, &qu), 0);
			assert_int_equal(apm_host_get_queue(h, a, q, &qi), 0);
			assert_int_equal(apm_queue_get_cell(qu), qi.cell);
			assert_string_equal(apm_queue_get_reason(qu), qi.reason);
			assert_null(apm_queue_unref(qu));
		}
	{
		struct apm_queue *qu = (struct apm_queue *)&w;

		assert_int_equal(apm_host_lookup_queue(h, 256, 0, &qu), -EINVAL);
		assert_int_equal(apm_host_lookup_queue(h, 0, 256, &qu), -EINVAL);
	}
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

static void test_queue_refs(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx), *other;
	struct apm_queue *it = NULL, *kept, *mine;
	unsigned int a, q, n = 0;
	int rc;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &other), 0);
	assert_int_equal(apm_host_next_queue(h, &it), 0);
	kept = it;
	assert_int_equal(apm_host_next_queue(other, &it), -EINVAL);
	assert_ptr_equal(it, kept);
	/* Keep the first: the second step gives another handle, the first is intact. */
	kept = apm_queue_ref(it);
	a = apm_queue_get_adapter(kept);
	q = apm_queue_get_domain(kept);
	assert_int_equal(apm_host_next_queue(h, &it), 0);
	assert_ptr_not_equal(it, kept);
	assert_true(apm_queue_get_adapter(it) * 256 + apm_queue_get_domain(it) > a * 256 + q);
	assert_int_equal(apm_queue_get_adapter(kept), a);
	assert_int_equal(apm_queue_get_domain(kept), q);
	/* The rest of the walk from there, then the end. */
	while ((rc = apm_host_next_queue(h, &it)) == 0)
		n++;
	assert_int_equal(rc, 1);
	assert_null(it);
	assert_true(n > 0);
	/* A walk resumed from a looked-up handle goes on after its APQN. */
	assert_int_equal(apm_host_lookup_queue(h, a, q, &mine), 0);
	assert_int_equal(apm_host_next_queue(h, &mine), 0);
	assert_true(apm_queue_get_adapter(mine) * 256 + apm_queue_get_domain(mine) > a * 256 + q);
	assert_null(apm_queue_unref(mine));
	/* The queue holds its host; its attributes are read on demand through it. */
	assert_non_null(apm_host_unref(h)); /* still the handle's */
	if (apm_queue_exists(kept)) {
		int err = 7;

		assert_non_null(apm_queue_get_status(kept));
		apm_queue_is_configured(kept, &err);
		assert_int_equal(err, 0);
	}
	assert_null(apm_queue_unref(kept));
	assert_null(apm_queue_unref(NULL));
	apm_host_unref(other);
	apm_ctx_unref(ctx);
}

/* A queue without a device: its attributes cannot be told, and err says so. */
static void test_queue_absent(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx);
	struct apm_queue_detail d;
	struct apm_queue *qu;
	unsigned int a = 256, q = 0;
	int err = 0;

	(void)state;
	for (unsigned int i = 0; i < 256 * 256 && a == 256; i++) {
		assert_int_equal(apm_host_lookup_queue(h, i / 256, i % 256, &qu), 0);
		if (!apm_queue_exists(qu)) {
			a = i / 256;
			q = i % 256;
		}
		apm_queue_unref(qu);
	}
	assert_true(a < 256);
	assert_int_equal(apm_host_lookup_queue(h, a, q, &qu), 0);
	assert_string_equal(apm_queue_get_status(qu), "");
	assert_false(apm_queue_is_online(qu, &err));
	assert_int_equal(err, -ENOENT);
	assert_false(apm_queue_is_checkstopped(qu, NULL));
	assert_null(apm_queue_get_driver(qu));
	assert_int_equal(apm_host_get_queue_detail(h, a, q, &d), -ENOENT);
	apm_queue_unref(qu);
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

/* ABI 1's three enums are names of the one: the same values, the same type. */
_Static_assert(APM_RES_DOMAIN == APM_KIND_DOMAIN &&
		       APM_SET_GUEST_DOMAINS == APM_KIND_GUEST_DOMAIN &&
		       APM_LPAR_USAGE_DOMAINS == APM_KIND_DOMAIN &&
		       APM_LPAR_CONTROL_DOMAINS == APM_KIND_CONTROL_DOMAIN &&
		       APM_SET_GUEST_CONTROL_DOMAINS == 5,
	       "the kinds moved");

static void test_kinds(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx);
	struct apm_mdev *md = apm_host_get_mdev(h, 0);
	enum apm_mdev_set old = APM_SET_ADAPTERS; /* an ABI 1 client's code, unchanged */
	enum apm_kind k = old;
	unsigned int id = 0;
	struct apm_change *c;
	struct apm_mask m;

	(void)state;
	apm_mdev_get_mask(md, old, &m);
	assert_true(apm_mask_weight(&m) > 0);
	apm_mdev_get_mask(md, k, &m);
	assert_true(apm_mask_weight(&m) > 0);
	apm_mdev_get_mask(md, APM_KIND_COUNT, &m);
	assert_int_equal(apm_mask_weight(&m), 0);
	/* The LPAR has no guest kinds, an mdev is assigned no guest kind. */
	assert_int_equal(apm_host_get_lpar_mask(h, APM_KIND_GUEST_ADAPTER, &m), -EINVAL);
	assert_int_equal(apm_host_get_lpar_mask(h, APM_LPAR_ADAPTERS, &m), 0);
	assert_int_equal(apm_change_new_assign(h, apm_mdev_get_uuid(md), APM_KIND_GUEST_DOMAIN,
					       false, &id, 1, &c),
			 -EINVAL);
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

/* reason of (a, q) on h, "" when there is none. */
static void reason_is(struct apm_host *h, unsigned int a, unsigned int q, const char *want)
{
	struct apm_queue *qu;

	assert_int_equal(apm_host_lookup_queue(h, a, q, &qu), 0);
	assert_string_equal(apm_queue_get_reason(qu), want);
	apm_queue_unref(qu);
}

/*
 * The filter's reasons, byte for byte (host.c builds them without
 * snprintf): Guest1 (05-06 x 04,ab) loses adapter 0x05 when 05.0004
 * is unbound from vfio_ap.
 */
static void test_filter_reasons(void **state)
{
	struct apm_ctx *ctx;
	struct apm_host *h = load(&ctx);

	(void)state;
	reason_is(h, 0x05, 0x00ab, "");
	apm_host_unref(h);
	assert_int_equal(apm_ctx_write_attr(ctx, "bus/ap/drivers/vfio_ap/unbind", "05.0004", 7), 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	reason_is(
		h, 0x05, 0x00ab,
		"adapter 0x05 is dropped from the guest because of APQN 05.0004: queue 05.0004 is not bound to any driver; vfio_ap must hold it");
	reason_is(h, 0x05, 0x0004,
		  "queue 05.0004 is not bound to any driver; vfio_ap must hold it");
	apm_host_unref(h);
	apm_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adapter_lookup), cmocka_unit_test(test_adapter_refs),
		cmocka_unit_test(test_queue_walk),     cmocka_unit_test(test_queue_refs),
		cmocka_unit_test(test_queue_absent),   cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_filter_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
