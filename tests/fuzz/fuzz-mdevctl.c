// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-mdevctl.c - the reader of mdevctl's definition files,
 * apm_mdevctl_parse() (core/mdevctl.c).
 *
 * A refusal is "NAME:LINE: sentence" lines, safe for a terminal, and
 * leaves no attributes behind.  A definition that is read writes out
 * (apm_mdevctl_format, what `apmatrix persist` writes) as a file that
 * reads back to the same start mode and the same three sets, and writing
 * that again gives the same bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "persist.h"

static bool same(const struct apr_mask *a, const struct apr_mask *b)
{
	return apr_mask_equal(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_buf err = { 0 }, out = { 0 }, again = { 0 };
	struct apm_def def, back;
	int rc;

	memset(&def, 0, sizeof(def));
	rc = apm_mdevctl_parse((const char *)data, size, "fuzz.json", &def, &err);
	fuzz_assert(rc == 0 || rc == -EINVAL, "apm_mdevctl_parse returned %d", rc);
	if (rc) {
		fuzz_assert(err.s && err.len, "a refusal without a reason");
		fuzz_assert(!def.nattrs && !def.attrs, "a refusal kept its attributes");
		fuzz_check_file_errors("mdevctl error", err.s, "fuzz.json");
		apm_buf_free(&err);
		return 0;
	}
	fuzz_assert(!err.len, "a definition read with an error: %s", err.s);
	for (unsigned int i = 0; i < def.nattrs; i++)
		fuzz_assert(def.attrs[i].key && def.attrs[i].value, "attribute %u is empty", i);

	fuzz_assert(!apm_mdevctl_format(def.autostart, &def.apm, &def.aqm, &def.adm, &out),
		    "format failed");
	memset(&back, 0, sizeof(back));
	rc = apm_mdevctl_parse(out.s, out.len, "written.json", &back, &err);
	fuzz_assert(!rc, "what apmatrix writes does not read back: %s\n%s", err.s, out.s);
	fuzz_assert(back.autostart == def.autostart && same(&back.apm, &def.apm) &&
			    same(&back.aqm, &def.aqm) && same(&back.adm, &def.adm),
		    "the written definition reads back different:\n%s", out.s);
	fuzz_assert(!apm_mdevctl_format(back.autostart, &back.apm, &back.aqm, &back.adm, &again),
		    "format failed");
	fuzz_assert(again.len == out.len && !memcmp(again.s, out.s, out.len),
		    "writing it twice differs:\n%s\n%s", out.s, again.s);
	apm_def_clear(&def);
	apm_def_clear(&back);
	apm_buf_free(&out);
	apm_buf_free(&again);
	apm_buf_free(&err);
	return 0;
}
