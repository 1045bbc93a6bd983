// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * identity.c - which machine a host is: on s390 /proc/sysinfo (the
 * machine type, its sequence code, the LPAR's name and number, as
 * arch/s390/kernel/sysinfo.c: stsi_1_1_1 and stsi_2_2_2 print them); on
 * the simulated host and with apsim the hypervisor's name for the machine,
 * kernel/apsim/host_name, read through the seam like any attribute.  A
 * restore file records it so that a replug can say where a guest came from.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"

/* "Key:   value" of /proc/sysinfo: the value, trimmed, into out. */
static void sysinfo_value(const char *line, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);
	const char *v;
	size_t n;

	if (out[0] || strncmp(line, key, k) || line[k] != ':')
		return;
	for (v = line + k + 1; *v == ' ' || *v == '\t'; v++)
		;
	n = strcspn(v, "\n");
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

static void read_sysinfo(const struct apm_ctx *ctx, struct apm_host_identity *id)
{
	char path[512], line[256], number[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/sysinfo", ctx->proc_root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sysinfo_value(line, "Type", id->machine_type, sizeof(id->machine_type));
		sysinfo_value(line, "Sequence Code", id->sequence_code, sizeof(id->sequence_code));
		sysinfo_value(line, "LPAR Name", id->lpar_name, sizeof(id->lpar_name));
		sysinfo_value(line, "LPAR Number", number, sizeof(number));
	}
	fclose(f);
	if (number[0]) {
		char *end;
		long n = strtol(number, &end, 10);

		if (!*end && n >= 0 && n <= 0xffff)
			id->lpar_number = (int)n;
	}
}

APM_EXPORT int apm_host_get_identity(struct apm_host *host, struct apm_host_identity *id)
{
	struct apm_ctx *ctx = apm_host_get_ctx(host);
	char buf[APR_HOST_NAME_MAX + 2];
	int rc;

	memset(id, 0, sizeof(*id));
	id->lpar_number = -1;
	read_sysinfo(ctx, id);
	rc = apm_read(ctx, "kernel/apsim/host_name", buf, sizeof(buf));
	if (rc > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(id->name, sizeof(id->name), "%.63s", buf);
	}
	if (!id->name[0] && id->lpar_name[0])
		snprintf(id->name, sizeof(id->name), "%s", id->lpar_name);
	return id->name[0] || id->machine_type[0] ? 0 : -ENOENT;
}
