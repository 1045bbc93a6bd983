// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-udev-rule.c - the reader of chzdev's 41-ap.rules, apm_rule_parse()
 * (core/udev-rule.c).
 *
 * A refusal is "NAME:LINE: sentence" lines, safe for a terminal; so are
 * the notes of a rule that is read.  The masks it sets, written as chzdev
 * writes them (apm_rule_format), read back to the same masks, with both
 * triggers and vfio_ap's load, byte for byte chzdev's (no foreign line,
 * no note).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "persist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_buf err = { 0 }, notes = { 0 }, out = { 0 };
	struct apm_rule r, back;
	int rc;

	rc = apm_rule_parse((const char *)data, size, "41-ap.rules", &r, &err, &notes);
	fuzz_assert(rc == 0 || rc == -EINVAL, "apm_rule_parse returned %d", rc);
	if (notes.s)
		fuzz_check_terminal_text("rule notes", notes.s, notes.len);
	if (rc) {
		fuzz_assert(err.s && err.len, "a refusal without a reason");
		fuzz_check_file_errors("rule error", err.s, "41-ap.rules");
		goto out;
	}
	fuzz_assert(!err.len, "a rule read with an error: %s", err.s);
	fuzz_assert(!r.foreign_line == !notes.len || r.foreign_line == 0,
		    "a foreign line without a note");
	fuzz_assert(!apm_rule_format(r.has_apmask ? &r.apmask : NULL,
				     r.has_aqmask ? &r.aqmask : NULL, &out),
		    "format failed");
	apm_buf_free(&notes);
	rc = apm_rule_parse(out.s, out.len, "written.rules", &back, &err, &notes);
	fuzz_assert(!rc, "what apmatrix writes does not read back: %s\n%s", err.s, out.s);
	fuzz_assert(back.has_apmask == r.has_apmask && back.has_aqmask == r.has_aqmask &&
			    (!r.has_apmask || apr_mask_equal(&back.apmask, &r.apmask)) &&
			    (!r.has_aqmask || apr_mask_equal(&back.aqmask, &r.aqmask)),
		    "the written rule sets other masks:\n%s", out.s);
	fuzz_assert(back.add_trigger && back.change_trigger && back.loads_vfio_ap &&
			    !back.foreign_line && !notes.len,
		    "the written rule is not chzdev's: %s\n%s", notes.s, out.s);
out:
	apm_buf_free(&err);
	apm_buf_free(&notes);
	apm_buf_free(&out);
	return 0;
}
