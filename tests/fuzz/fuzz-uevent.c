// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-uevent.c - a uevent's properties as the library keeps them
 * (apm_event_set, apm_event_add in core/ctx.c, what both backends fill
 * their events with) and hands them out (apm_event_get_property,
 * apm_event_get_property_at).
 *
 * The input is a uevent as the kernel sends it on the netlink socket
 * ("ACTION@DEVPATH\0" then "KEY=VALUE\0" records), split the way libudev
 * hands it to backend-fs.c: ACTION, DEVPATH and SUBSYSTEM as the fields,
 * every record as a property.  A property that is kept reads back whole
 * (its value without the kernel's trailing newline), by position and by
 * name (the first of a name wins); one that is left out is one that could
 * not be kept whole; the fields are cut, never overrun.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "apm-private.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *action = NULL, *devpath = NULL, *subsystem = NULL;
	char *buf = malloc(size + 1), *rec[64], *end;
	struct apm_event ev;
	unsigned int n = 0, kept = 0;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	/* The header, then the records. */
	for (char *p = buf + strlen(buf) + 1; p < end && n < 64; p += strlen(p) + 1)
		rec[n++] = p;
	for (unsigned int i = 0; i < n; i++) {
		if (!strncmp(rec[i], "ACTION=", 7) && !action)
			action = rec[i] + 7;
		else if (!strncmp(rec[i], "DEVPATH=", 8) && !devpath)
			devpath = rec[i] + 8;
		else if (!strncmp(rec[i], "SUBSYSTEM=", 10) && !subsystem)
			subsystem = rec[i] + 10;
	}
	memset(&ev, 0x5a, sizeof(ev));
	apm_event_set(&ev, action, devpath, subsystem);
	fuzz_assert(!strncmp(apm_event_get_action(&ev), action ? action : "",
			     sizeof(ev.action) - 1),
		    "action garbled");
	fuzz_assert(strlen(apm_event_get_devpath(&ev)) < sizeof(ev.devpath) &&
			    strlen(apm_event_get_subsystem(&ev)) < sizeof(ev.subsystem),
		    "a field overruns");
	for (unsigned int i = 0; i < n; i++) {
		char *eq = strchr(rec[i], '='), *key = rec[i],
		     *value = eq ? eq + 1 : rec[i] + strlen(rec[i]);
		size_t vlen;
		bool ok;

		if (eq)
			*eq = '\0';
		else
			key = (char *)"";
		ok = apm_event_add(&ev, key, value);
		vlen = strlen(value) - (strlen(value) && value[strlen(value) - 1] == '\n');
		if (!ok) {
			fuzz_assert(!*key || strchr(key, '=') || kept == 16 ||
					    strlen(key) + 1 + vlen >= sizeof(ev.props[0]),
				    "property %u left out though it fits", i);
			continue;
		}
		fuzz_assert(kept < 16, "more properties than room");
		{
			const char *at = apm_event_get_property_at(&ev, kept), *first;

			fuzz_assert(at && !strncmp(at, key, strlen(key)) &&
					    at[strlen(key)] == '=' &&
					    strlen(at + strlen(key) + 1) == vlen &&
					    !memcmp(at + strlen(key) + 1, value, vlen),
				    "property %u does not read back", i);
			first = apm_event_get_property(&ev, key);
			fuzz_assert(first, "property %s not found by its name", key);
			for (unsigned int j = 0; j < kept; j++) {
				const char *pj = apm_event_get_property_at(&ev, j);

				if (!strncmp(pj, key, strlen(key)) && pj[strlen(key)] == '=') {
					fuzz_assert(first == pj + strlen(key) + 1,
						    "the first %s does not win", key);
					break;
				}
			}
		}
		kept++;
	}
	fuzz_assert(!apm_event_get_property_at(&ev, kept), "a property past the end");
	free(buf);
	return 0;
}
