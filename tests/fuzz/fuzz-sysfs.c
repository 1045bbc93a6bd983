// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-sysfs.c - the sysfs harnesses' shared loading and checks (see
 * fuzz-sysfs.h).
 */
#include "config.h"

/*
 * What is fuzzed here is ABI 1's by-value answers (struct apm_adapter_info,
 * apm_queue_info, apm_queue_detail: their fields in range and terminated),
 * which are written on top of the adapter and queue handles: both layers.
 */
#ifndef APM_DISABLE_DEPRECATION_WARNINGS
#define APM_DISABLE_DEPRECATION_WARNINGS
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-sysfs.h"

static struct apm_ctx *ctx;
static struct fuzz_tree *tree;
static int marked = -1; /* the base the tree's mark holds */

struct apm_host *fuzz_sysfs_load(enum fuzz_base base, const char *path, const uint8_t *data,
				 size_t size, unsigned int flags)
{
	struct apm_host *h = NULL;
	int rc;

	if (!ctx) {
		ctx = fuzz_tree_ctx_new(&tree);
		apm_ctx_set_log_fn(ctx, fuzz_log_quiet, NULL);
	}
	if (path) {
		if (marked != (int)base) {
			fuzz_tree_clear(tree);
			fuzz_tree_base(tree, base);
			fuzz_tree_mark(tree);
			marked = (int)base;
		}
		fuzz_tree_reset(tree);
		fuzz_tree_set(tree, path, data, size);
	} else {
		fuzz_tree_clear(tree);
		fuzz_tree_load(tree, data, size);
		marked = -1;
	}
	rc = apm_host_load(ctx, flags, &h);
	fuzz_assert(rc == 0 || rc == -ENOENT, "apm_host_load returned %d", rc);
	fuzz_assert(!rc || (path && !strcmp(path, "bus/ap/apmask")) || !path,
		    "the base host has no AP bus (%d)", rc);
	return rc ? NULL : h;
}

struct walk {
	const struct apm_host *h;
	int last;
};

static bool in_mdev_cell(enum apm_cell c)
{
	return c == APM_CELL_ASSIGNED || c == APM_CELL_PLUGGED || c == APM_CELL_FILTERED ||
	       c == APM_CELL_ABSENT || c == APM_CELL_CONFLICT;
}

static int check_queue(const struct apm_queue_info *q, void *data)
{
	struct walk *w = data;
	int at = (int)(q->adapter * 256 + q->domain);

	fuzz_assert(q->adapter < 256 && q->domain < 256, "APQN out of range");
	fuzz_assert(at > w->last, "APQN %02x.%04x out of order", q->adapter, q->domain);
	w->last = at;
	fuzz_assert(q->cell < APM_CELL_COUNT, "cell %d", q->cell);
	fuzz_assert(q->mdev < (int)apm_host_get_mdev_count(w->h), "mdev %d", q->mdev);
	fuzz_assert((q->mdev >= 0) == in_mdev_cell(q->cell), "%02x.%04x: mdev %d but cell %s",
		    q->adapter, q->domain, q->mdev, apm_cell_name(q->cell));
	fuzz_assert(!q->plugged || q->in_guest_matrix, "plugged outside the guest matrix");
	fuzz_assert(q->exists || !q->driver, "a driver without a queue");
	fuzz_assert(q->cell != APM_CELL_ABSENT || !q->exists, "absent but it exists");
	if (q->mdev >= 0 && !q->in_guest_matrix)
		fuzz_assert(q->filter != APM_FILTER_NONE && q->reason[0],
			    "%02x.%04x filtered without a reason", q->adapter, q->domain);
	else
		fuzz_assert(q->filter == APM_FILTER_NONE, "a filter outside an mdev");
	fuzz_assert(memchr(q->reason, '\0', sizeof(q->reason)), "reason not terminated");
	return 0;
}

static bool tri(int v)
{
	return v >= -1 && v <= 1;
}

void fuzz_check_host(struct apm_host *h, unsigned int what)
{
	struct walk w = { .h = h, .last = -1 };
	unsigned int n = apm_host_get_mdev_count(h);
	const char *warnings = apm_host_get_warnings(h), *mode;
	struct apm_adapter_info ai;
	struct apm_queue_detail d;
	int dom;

	fuzz_assert(apm_host_get_max_adapter_id(h) <= 255 && apm_host_get_max_domain_id(h) <= 255,
		    "max IDs out of range");
	fuzz_assert(apm_host_get_profile(h) && apm_host_get_profile(h)[0], "no profile");
	if (!apm_host_get_ap_domain(h, &dom))
		fuzz_assert(dom >= -1 && dom <= 255, "ap_domain %d", dom);
	fuzz_assert(!*warnings || warnings[strlen(warnings) - 1] == '\n', "warnings: %s", warnings);
	for (unsigned int i = 0; i < n; i++) {
		struct apm_mdev *m = apm_host_get_mdev(h, i);
		const char *uuid = apm_mdev_get_uuid(m);

		fuzz_assert(apm_uuid_valid(uuid), "mdev %u: '%s' is no UUID", i, uuid);
		fuzz_assert(apm_host_mdev_index(h, m) == (int)i, "mdev %u: wrong index", i);
		fuzz_assert(!i || strcmp(apm_mdev_get_uuid(apm_host_get_mdev(h, i - 1)), uuid) < 0,
			    "mdevs not sorted");
		fuzz_assert(apm_host_find_mdev(h, uuid) == m, "mdev %s not found by its UUID",
			    uuid);
		fuzz_assert(tri(apm_mdev_in_use(m)), "in use %d", apm_mdev_in_use(m));
	}
	fuzz_assert(!apm_host_get_mdev(h, n), "an mdev past the end");
	fuzz_assert(!apm_host_foreach_queue(h, check_queue, &w), "foreach failed");
	for (unsigned int a = 0; (what & FUZZ_CHECK_ADAPTERS) && a < 256; a++) {
		int rc = apm_host_get_adapter(h, a, &ai);

		fuzz_assert(rc == 0 || rc == -ENOENT, "adapter %u: %d", a, rc);
		if (rc)
			continue;
		mode = ai.mode;
		fuzz_assert(ai.id == a && memchr(ai.type, '\0', sizeof(ai.type)) &&
				    memchr(ai.driver, '\0', sizeof(ai.driver)),
			    "adapter %u garbled", a);
		fuzz_assert(!mode || !strcmp(mode, "cca") || !strcmp(mode, "ep11") ||
				    !strcmp(mode, "accel"),
			    "adapter %u: mode %s", a, mode);
		fuzz_assert(tri(ai.config) && tri(ai.chkstop) && tri(ai.online),
			    "adapter %02x: config %d, chkstop %d, online %d (1, 0 or -1)", a,
			    ai.config, ai.chkstop, ai.online);
		for (unsigned int q = 0; (what & FUZZ_CHECK_QUEUES) && q < 256; q++) {
			rc = apm_host_get_queue_detail(h, a, q, &d);
			fuzz_assert(rc == 0 || rc == -ENOENT, "queue %02x.%04x: %d", a, q, rc);
			if (rc)
				continue;
			fuzz_assert(
				tri(d.config) && tri(d.chkstop) && tri(d.online),
				"queue %02x.%04x: config %d, chkstop %d, online %d (1, 0 or -1)", a,
				q, d.config, d.chkstop, d.online);
			fuzz_assert(memchr(d.status, '\0', sizeof(d.status)) &&
					    memchr(d.se_bind, '\0', sizeof(d.se_bind)) &&
					    memchr(d.se_associate, '\0', sizeof(d.se_associate)),
				    "queue %02x.%04x garbled", a, q);
		}
	}
	fuzz_assert(apm_host_get_adapter(h, 256, &ai) == -EINVAL, "adapter 256");
}

struct apm_mdev *fuzz_sysfs_mdev(struct apm_host *h)
{
	fuzz_assert(h && apm_host_get_mdev_count(h) == 1, "the mdev is gone");
	fuzz_check_host(h, 0);
	return apm_host_get_mdev(h, 0);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

size_t fuzz_page_lines(const char *text, size_t size)
{
	size_t n = size < APR_PAGE_SIZE ? size : APR_PAGE_SIZE;

	if (n < APR_PAGE_SIZE - 1)
		return n;
	while (n && text[n - 1] != '\n')
		n--;
	return n;
}

void fuzz_hex_tokens(const char *text, size_t len, struct apr_mask *ids)
{
	apr_mask_zero(ids);
	for (size_t i = 0; i < len;) {
		unsigned long long v = 0;
		size_t j = i;

		while (j < len && hexval(text[j]) >= 0) {
			if (v < 0x1000)
				v = v * 16 + (unsigned int)hexval(text[j]);
			j++;
		}
		if (j > i && v < 256)
			apr_mask_set(ids, (unsigned int)v);
		i = j > i ? j : i + 1;
	}
}

/* n hex digits at s, exactly: the value, or -1. */
static int hex_field(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (hexval(s[i]) < 0 || (s[i] >= 'A' && s[i] <= 'F'))
			return -1;
		v = v * 16 + hexval(s[i]);
	}
	return v;
}

bool fuzz_kernel_matrix(const char *text, size_t len, struct apr_mask *apm, struct apr_mask *aqm)
{
	apr_mask_zero(apm);
	apr_mask_zero(aqm);
	for (size_t i = 0; i < len;) {
		const char *l = text + i, *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		int a = -1, q = -1;

		if (!nl)
			return false;
		if (n == 7 && l[2] == '.') {
			a = hex_field(l, 2);
			q = hex_field(l + 3, 4);
			if (a < 0 || q < 0)
				return false;
		} else if (n == 3 && l[2] == '.') {
			a = hex_field(l, 2);
			if (a < 0)
				return false;
		} else if (n == 5 && l[0] == '.') {
			q = hex_field(l + 1, 4);
			if (q < 0)
				return false;
		} else {
			return false;
		}
		if (a > 255 || q > 255)
			return false;
		if (a >= 0)
			apr_mask_set(apm, (unsigned int)a);
		if (q >= 0)
			apr_mask_set(aqm, (unsigned int)q);
		i += n + 1;
	}
	return true;
}

const char *fuzz_mask_str(const struct apr_mask *m)
{
	static char buf[256 * 5 + 1];
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = apr_mask_next(m, 0); i < APR_BITS; i = apr_mask_next(m, i + 1))
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s0x%02x", at ? "," : "", i);
	return buf;
}

void fuzz_check_matrix_text(const char *attr, const uint8_t *data, size_t size,
			    const struct apr_mask *apm, const struct apr_mask *aqm)
{
	const char *text = (const char *)data;
	struct apr_mask ids, all, kapm, kaqm;

	fuzz_hex_tokens(text, fuzz_page_lines(text, size), &ids);
	apr_mask_or(&all, apm, aqm);
	apr_mask_andnot(&all, &all, &ids);
	fuzz_assert(apr_mask_empty(&all), "%s: IDs %s read that the text does not write", attr,
		    fuzz_mask_str(&all));
	if (size < APR_PAGE_SIZE - 1 && fuzz_kernel_matrix(text, size, &kapm, &kaqm))
		fuzz_assert(apr_mask_equal(&kapm, apm) && apr_mask_equal(&kaqm, aqm),
			    "the kernel's %s text is misread: adapters %s", attr,
			    fuzz_mask_str(apm));
}
