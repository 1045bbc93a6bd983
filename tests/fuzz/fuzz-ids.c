// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-ids.c - ID lists ("4,0xab,0x40-0x4f"): the one parser every writer
 * of IDs goes through, apr_ids_parse() (core/model/mask.c), with each
 * writer's strictness flags, and the operator's form of it the command
 * line uses, apm_parse_id_list() (core/explain.c).  The first input byte
 * is the flags, the second the largest ID, the rest the list.
 *
 * apr_ids_parse: an error names text inside the input (at, len) and
 * leaves the result untouched; a list that is read has its IDs within
 * max, exactly one with APR_IDS_SINGLE, at least one unless empty lists
 * are allowed, and the items handed to the callback make up the result.
 *
 * apm_parse_id_list: a refusal is -EINVAL or -ERANGE with a sentence safe
 * for a terminal that quotes what it refuses (never an empty quote for a
 * non-empty list: issue 8's `-1`, `5-`, `0x-5`); a list that is read is at
 * least one ID, ascending, without duplicates, and reads back the same
 * written in hex, in decimal and as ranges.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"
#include "fuzz.h"

struct items {
	struct apr_mask seen;
	unsigned int max, n;
};

static int item(void *data, unsigned int lo, unsigned int hi, const char *suffix,
		unsigned long suffix_len)
{
	struct items *it = data;

	fuzz_assert(lo <= hi && hi <= it->max, "item %u-%u past %u", lo, hi, it->max);
	fuzz_assert(!suffix || strlen(suffix) >= suffix_len, "suffix runs past the text");
	for (unsigned int i = lo; i <= hi; i++)
		apr_mask_set(&it->seen, i);
	it->n++;
	return 0;
}

static void model_parser(const char *s, unsigned int flags, unsigned int max)
{
	struct apr_ids_error e;
	struct items it = { .max = max };
	struct apr_mask out, before;
	size_t len = strlen(s);
	int rc;

	memset(&out, 0xa5, sizeof(out));
	before = out;
	memset(&e, 0, sizeof(e));
	rc = apr_ids_parse(s, max, flags, &out, item, &it, &e);
	fuzz_assert(rc == 0 || rc == -EINVAL || rc == -ERANGE, "apr_ids_parse returned %d", rc);
	if (rc) {
		fuzz_assert(apr_mask_equal(&out, &before), "a refused list changed the result");
		fuzz_assert(e.why != APR_IDS_OK && e.err == rc, "error %d without its reason", rc);
		fuzz_assert(e.at <= len && e.len <= len - e.at, "error text %lu+%lu past %zu", e.at,
			    e.len, len);
		fuzz_assert(e.item <= len && e.item_len <= len - e.item,
			    "error item past the text");
		return;
	}
	for (unsigned int i = apr_mask_next(&out, 0); i < APR_BITS; i = apr_mask_next(&out, i + 1))
		fuzz_assert(i <= max, "ID %u past %u", i, max);
	fuzz_assert(apr_mask_equal(&out, &it.seen), "the items do not make up the result");
	if (flags & APR_IDS_SINGLE)
		fuzz_assert(apr_mask_weight(&out) == 1 || (!it.n && (flags & APR_IDS_EMPTY)),
			    "APR_IDS_SINGLE read %u IDs", apr_mask_weight(&out));
	if (!(flags & APR_IDS_EMPTY))
		fuzz_assert(it.n > 0, "no item, yet empty lists are refused");
}

static void round_trip(const unsigned int *ids, size_t n, const char *form)
{
	unsigned int back[256];
	size_t cap = 256 * 12, at = 0, m = 0;
	char *text = malloc(cap), err[256];

	if (!text)
		abort();
	text[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (!strcmp(form, "ranges") && j + 1 < n && ids[j + 1] == ids[j] + 1)
			j++;
		if (!strcmp(form, "dec"))
			at += (size_t)snprintf(text + at, cap - at, "%s%u", i ? "," : "", ids[i]);
		else if (j == i)
			at += (size_t)snprintf(text + at, cap - at, "%s0x%x", i ? "," : "", ids[i]);
		else
			at += (size_t)snprintf(text + at, cap - at, "%s0x%x-0x%x", i ? "," : "",
					       ids[i], ids[j]);
		i = j + 1;
	}
	fuzz_assert(!apm_parse_id_list(text, back, &m, err, sizeof(err)), "'%s' (%s) refused: %s",
		    text, form, err);
	fuzz_assert(m == n && !memcmp(back, ids, n * sizeof(*ids)),
		    "'%s' (%s) reads back different", text, form);
	free(text);
}

static void operator_list(const char *s)
{
	unsigned int ids[256];
	char err[256];
	size_t n = 0;
	int rc;

	memset(err, 0, sizeof(err));
	rc = apm_parse_id_list(s, ids, &n, err, sizeof(err));
	fuzz_assert(rc == 0 || rc == -EINVAL || rc == -ERANGE, "apm_parse_id_list returned %d", rc);
	if (rc) {
		fuzz_assert(err[0], "a refusal without a sentence");
		fuzz_check_terminal_text("ID error", err, strlen(err));
		if (*s && !strchr(s, '\''))
			fuzz_assert(!strstr(err, "''"), "an empty quote for '%s': %s", s, err);
		return;
	}
	fuzz_assert(n >= 1 && n <= 256, "%zu IDs", n);
	for (size_t i = 0; i < n; i++)
		fuzz_assert(ids[i] <= 255 && (!i || ids[i] > ids[i - 1]), "ID %zu out of order", i);
	round_trip(ids, n, "hex");
	round_trip(ids, n, "dec");
	round_trip(ids, n, "ranges");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 2)
		return 0;
	s = fuzz_cstr(data + 2, size - 2);
	model_parser(s, data[0], data[1]);
	operator_list(s);
	free(s);
	return 0;
}
