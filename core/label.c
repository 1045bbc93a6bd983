// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * label.c - how an operator names an mdev: its label, and the lookup of an
 * mdev by what an operator types.
 *
 * A label is a short name drawn in every grid cell the mdev holds, so it
 * must be the same in every client (`show`, `show --json`, each console)
 * and must not move while the mdev exists.  It is therefore a function of
 * the UUID alone, the one name an mdev keeps from creation to removal (a
 * guest's name comes and goes with the guest):
 *
 *  - a hash of the UUID picks one of 17 capital letters; the letters that
 *    read as something else on the grid are left out: B, C and U (the
 *    column markers), D, F and H (the cell glyphs d, f and h in capitals),
 *    I and O (1 and 0) and X (the legend's placeholder);
 *  - when an mdev made before it has that letter, the label is the letter
 *    and a digit ("K4"), then the letter and two digits, and so on,
 *    probing from a second function of the same hash, so two mdevs never
 *    look alike however many there are.
 *
 * "Made before" is the order of the mdevs' IOMMU groups: vfio gives each new
 * mdev a new group (vfio_ap_ops.c: vfio_ap_mdev_probe ->
 * vfio_register_emulated_iommu_dev; iommu.c: iommu_group_alloc takes the
 * lowest free number), so an mdev created by another process sorts after
 * the ones that exist and never takes their letter, wherever its UUID
 * sorts.  Only a group number freed by a removal and given again can put a
 * new mdev first; mdevs without a known group come last, in UUID order.
 * Only an mdev that collides with another one's letter has a longer label,
 * and only the later of the two: adding an mdev changes no other label, and
 * removing one shortens only a label that collided with it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apm-private.h"

static const char label_letters[] = "AEGJKLMNPQRSTVWYZ";
#define NLETTERS (sizeof(label_letters) - 1)

/* FNV-1a over the UUID's characters, case folded (sysfs names are lower case). */
static uint32_t uuid_hash(const char *uuid)
{
	uint32_t h = 2166136261u;

	for (; *uuid; uuid++) {
		unsigned char c = (unsigned char)*uuid;

		h ^= c >= 'A' && c <= 'Z' ? c + 32 : c;
		h *= 16777619u;
	}
	return h;
}

/* 10^n for the digit part of a label of n + 1 characters. */
static unsigned int pow10u(unsigned int n)
{
	unsigned int p = 1;

	while (n--)
		p *= 10;
	return p;
}

/*
 * Labels for n UUIDs, the older first, each into labels[i] (APM_LABEL_SIZE
 * bytes).  Returns the longest label's length, or -ENOMEM.
 */
int apm_label_assign(const char *const *uuids, unsigned int n, char (*labels)[APM_LABEL_SIZE])
{
	/* used[len - 1]: a bitmap of the labels of that length taken so far. */
	unsigned char *used[APM_LABEL_SIZE - 1] = { NULL };
	int width = 1, rc = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t h = uuid_hash(uuids[i]);
		bool done = false;

		for (unsigned int len = 1; len < APM_LABEL_SIZE && !done; len++) {
			unsigned int digits = pow10u(len - 1), space = NLETTERS * digits;
			unsigned int start = (h % NLETTERS) * digits + (h / NLETTERS) % digits;

			if (!used[len - 1]) {
				used[len - 1] = calloc(space / 8 + 1, 1);
				if (!used[len - 1]) {
					rc = -ENOMEM;
					goto out;
				}
			}
			/* A single letter is the hash's or nothing; longer ones probe. */
			for (unsigned int k = 0; k < (len == 1 ? 1 : space); k++) {
				unsigned int idx = (start + k) % space;

				if (used[len - 1][idx / 8] & (1u << (idx % 8)))
					continue;
				used[len - 1][idx / 8] |= (unsigned char)(1u << (idx % 8));
				labels[i][0] = label_letters[idx / digits];
				for (unsigned int d = len - 1, v = idx % digits; d > 0;
				     d--, v /= 10)
					labels[i][d] = (char)('0' + v % 10);
				labels[i][len] = '\0';
				if ((int)len > width)
					width = (int)len;
				done = true;
				break;
			}
		}
		if (!done) {
			/* 17 * (1 + 10 + ... + 10^5) labels: more mdevs than any host has. */
			rc = -ENOSPC;
			goto out;
		}
	}
	rc = width;
out:
	for (unsigned int k = 0; k < APM_LABEL_SIZE - 1; k++)
		free(used[k]);
	return rc;
}

/* Made first, first: by IOMMU group, the unknown ones last; then by UUID. */
static int by_age(const void *x, const void *y)
{
	const struct apm_mdev *a = *(const struct apm_mdev *const *)x;
	const struct apm_mdev *b = *(const struct apm_mdev *const *)y;
	unsigned int ga = (unsigned int)a->iommu_group, gb = (unsigned int)b->iommu_group;

	if (ga != gb)
		return ga < gb ? -1 : 1;
	return strcasecmp(a->uuid, b->uuid);
}

int apm_host_label_mdevs(struct apm_host *h)
{
	unsigned int n = h->nmdevs ? h->nmdevs : 1;
	struct apm_mdev **order = calloc(n, sizeof(*order));
	const char **uuids = calloc(n, sizeof(*uuids));
	char(*labels)[APM_LABEL_SIZE] = calloc(n, sizeof(*labels));
	int rc = -ENOMEM;

	if (order && uuids && labels) {
		for (unsigned int i = 0; i < h->nmdevs; i++)
			order[i] = &h->mdevs[i];
		qsort(order, h->nmdevs, sizeof(*order), by_age);
		for (unsigned int i = 0; i < h->nmdevs; i++)
			uuids[i] = order[i]->uuid;
		rc = apm_label_assign(uuids, h->nmdevs, labels);
	}
	if (rc > 0) {
		for (unsigned int i = 0; i < h->nmdevs; i++)
			memcpy(order[i]->label, labels[i], APM_LABEL_SIZE);
		h->label_width = (unsigned int)rc;
		rc = 0;
	}
	free(order);
	free(uuids);
	free(labels);
	return rc;
}

APM_EXPORT const char *apm_mdev_get_label(const struct apm_mdev *m)
{
	return m->label;
}

APM_EXPORT unsigned int apm_host_get_label_width(const struct apm_host *h)
{
	return h->label_width ? h->label_width : 1;
}

APM_EXPORT int apm_host_lookup_mdev(const struct apm_host *h, const char *name,
				    struct apm_mdev **mdev)
{
	size_t n = strlen(name);
	struct apm_mdev *found = NULL;
	unsigned int hits = 0;

	*mdev = NULL;
	if (!n)
		return -ENOENT;
	/* A whole UUID names one mdev whatever a label or a guest is called. */
	for (unsigned int i = 0; n == 36 && i < h->nmdevs; i++)
		if (!strcasecmp(h->mdevs[i].uuid, name)) {
			*mdev = &h->mdevs[i];
			return 0;
		}
	for (unsigned int i = 0; i < h->nmdevs; i++) {
		struct apm_mdev *m = &h->mdevs[i];

		if (!strcasecmp(m->label, name) || (m->guest[0] && !strcmp(m->guest, name)) ||
		    (n >= 4 && !strncasecmp(m->uuid, name, n))) {
			found = m;
			hits++;
		}
	}
	if (hits > 1)
		return -ENOTUNIQ;
	if (!hits)
		return -ENOENT;
	*mdev = found;
	return 0;
}
