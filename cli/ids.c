// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ids.c - operator input: adapter and domain IDs.
 *
 * The kernel reads "010" as octal 8; operators mean 10.  So the CLI takes
 * decimal or 0x hex only and refuses a leading zero as ambiguous, naming
 * the text it refused.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int parse_id(const char *s, unsigned int *id, char *err, size_t errsize)
{
	const char *digits = s;
	unsigned long v;
	char *end;
	int base = 10;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		digits = s + 2;
		base = 16;
	} else if (s[0] == '0' && s[1]) {
		snprintf(err, errsize, "'%s' is ambiguous: write %lu in decimal or 0x%lx in hex", s,
			 strtoul(s, NULL, 10), strtoul(s, NULL, 10));
		return -EINVAL;
	}
	if (!*digits || !strchr("0123456789abcdefABCDEF", *digits) ||
	    (base == 10 && (*digits < '0' || *digits > '9'))) {
		snprintf(err, errsize, "'%s' is not an ID (decimal or 0x hex, 0..255)", s);
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(digits, &end, base);
	if (*end || errno) {
		snprintf(err, errsize, "'%s' is not an ID (decimal or 0x hex, 0..255)", s);
		return -EINVAL;
	}
	if (v > 255) {
		snprintf(err, errsize, "ID %s is out of range: adapters and domains are 0..255", s);
		return -ERANGE;
	}
	*id = (unsigned int)v;
	return 0;
}

int parse_id_list(const char *s, unsigned int *ids, size_t *n, char *err, size_t errsize)
{
	bool seen[256] = { false };
	char buf[1024], *tok, *save;
	int rc;

	if (strlen(s) >= sizeof(buf) || !*s) {
		snprintf(err, errsize, "'%s' is not a list of IDs", s);
		return -EINVAL;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		unsigned int a, z;

		if (dash)
			*dash = '\0';
		rc = parse_id(tok, &a, err, errsize);
		if (!rc && dash)
			rc = parse_id(dash + 1, &z, err, errsize);
		if (rc)
			return rc;
		if (!dash)
			z = a;
		if (a > z) {
			snprintf(err, errsize, "range %s-%s runs backwards", tok, dash + 1);
			return -EINVAL;
		}
		for (unsigned int i = a; i <= z; i++)
			seen[i] = true;
	}
	*n = 0;
	for (unsigned int i = 0; i < 256; i++)
		if (seen[i])
			ids[(*n)++] = i;
	return 0;
}
