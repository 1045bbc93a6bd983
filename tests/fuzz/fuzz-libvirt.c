// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-libvirt.c - the reader of libvirt's domain XML, apm_domxml_parse()
 * (core/libvirt.c): a <domain> definition or a running <domstatus>.
 *
 * A refusal is "NAME:LINE: sentence" lines, safe for a terminal (libxml2
 * quotes the document in its messages), and leaves nothing allocated.  A
 * domain that is read has a name and at most 64 vfio-ap mdevs, each a
 * valid lower-case UUID, none twice.  The parser stays inside its time
 * and memory (no entity expansion, no network).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz.h"
#include "persist.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apm_buf err = { 0 };
	struct apm_domxml d;
	int rc;

	rc = apm_domxml_parse((const char *)data, size, "Guest.xml", &d, &err);
	fuzz_assert(rc == 0 || rc == -EINVAL, "apm_domxml_parse returned %d", rc);
	if (rc) {
		fuzz_assert(err.s && err.len, "a refusal without a reason");
		fuzz_assert(!d.name && !d.uuids && !d.nuuids, "a refusal kept its domain");
		fuzz_check_file_errors("libvirt error", err.s, "Guest.xml");
		apm_buf_free(&err);
		return 0;
	}
	fuzz_assert(!err.len, "a domain read with an error: %s", err.s);
	fuzz_assert(d.name && d.name[0], "a domain without a name");
	fuzz_assert(d.nuuids <= 64, "%u vfio-ap mdevs", d.nuuids);
	fuzz_assert(d.status || !d.state[0], "a state without <domstatus>");
	for (unsigned int i = 0; i < d.nuuids; i++) {
		fuzz_assert(apm_uuid_valid(d.uuids[i]), "mdev %u is no UUID", i);
		for (const char *c = d.uuids[i]; *c; c++)
			fuzz_assert(!(*c >= 'A' && *c <= 'F'), "mdev %u is not lower case", i);
		for (unsigned int j = 0; j < i; j++)
			fuzz_assert(strcmp(d.uuids[i], d.uuids[j]), "mdev %u twice", i);
	}
	apm_domxml_clear(&d);
	apm_buf_free(&err);
	return 0;
}
