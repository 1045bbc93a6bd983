// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-mask.c - the apmask/aqmask SPEC parser, apm_mask_parse(), as the
 * kernel's ap_parse_bitmap_str() reads it (ap_bus.c), with round trips:
 * the parsed mask formatted absolute ("0x" + 64 digits, with and without
 * the newline echo adds) parses back to itself whatever the current mask,
 * and its ranges (apm_mask_format_ranges) written as a +/- list rebuild it
 * from an empty mask and its complement from a full one.
 *
 * The first input byte picks the current mask a relative SPEC applies to;
 * the rest is the SPEC.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void current(uint8_t pick, struct apm_mask *m)
{
	static const uint64_t pattern[] = { 0, ~0ull, 0x8000000000000001ull,
					    0x0123456789abcdefull };

	for (int i = 0; i < 4; i++)
		m->w[i] = pattern[(pick >> (2 * i)) & 3];
}

static bool same(const struct apm_mask *a, const struct apm_mask *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* "0x00-0x03,0x08" as "+0x00-0x03,+0x08" (or with '-'). */
static char *as_list(const char *ranges, char sign)
{
	char *out = malloc(2 * strlen(ranges) + 2), *o = out;

	if (!out)
		abort();
	*o++ = sign;
	for (const char *r = ranges; *r; r++) {
		*o++ = *r;
		if (*r == ',')
			*o++ = sign;
	}
	*o = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_mask cur, out, back, other, zero = { { 0 } }, full, inv;
	char abs[80], ranges[2048], *spec, *list;
	int rc;

	if (!size)
		return 0;
	current(data[0], &cur);
	spec = fuzz_cstr(data + 1, size - 1);
	memset(&out, 0x5a, sizeof(out));
	back = out;
	rc = apm_mask_parse(spec, &cur, &out);
	fuzz_assert(rc == 0 || rc == -EINVAL, "apm_mask_parse returned %d", rc);
	if (rc) {
		fuzz_assert(same(&out, &back), "a refused SPEC changed the mask");
		free(spec);
		return 0;
	}

	/* Absolute form: the same mask whatever the current one is. */
	apm_mask_format(&out, abs);
	fuzz_assert(strlen(abs) == 66 && !strncmp(abs, "0x", 2), "format gave '%s'", abs);
	current((uint8_t)~data[0], &other);
	fuzz_assert(!apm_mask_parse(abs, &other, &back) && same(&back, &out),
		    "'%s' does not parse back", abs);
	strcat(abs, "\n");
	fuzz_assert(!apm_mask_parse(abs, &other, &back) && same(&back, &out),
		    "'%s' with a newline does not parse back", abs);

	/* The ranges as a relative list. */
	fuzz_assert(!apm_mask_format_ranges(&out, ranges, sizeof(ranges)), "ranges do not fit");
	memset(&full, 0xff, sizeof(full));
	for (int i = 0; i < 4; i++)
		inv.w[i] = ~out.w[i];
	if (ranges[0]) {
		list = as_list(ranges, '+');
		fuzz_assert(!apm_mask_parse(list, &zero, &back) && same(&back, &out),
			    "'%s' does not rebuild the mask", list);
		free(list);
		list = as_list(ranges, '-');
		fuzz_assert(!apm_mask_parse(list, &full, &back) && same(&back, &inv),
			    "'%s' does not rebuild the complement", list);
		free(list);
	} else {
		fuzz_assert(!memcmp(&out, &zero, sizeof(out)), "no ranges for a non-empty mask");
	}
	free(spec);
	return 0;
}
