// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * warnings.c - what the kernel lets pass but an operator must know,
 * computed once per snapshot (a draw only shows them):
 *
 *  - an mdev whose control domain is a usage domain of the host or of
 *    another mdev: its guest could change those domains' keys;
 *  - control domains without any usage domain: ap-check refuses to start
 *    such an mdev;
 *  - a running guest with an adapter configured off or checkstopped: the
 *    kernel keeps it in the guest's matrix (6.6+), but it does no work;
 *  - a queue of a running guest that is offline (zcrypt's online) or
 *    deconfigured: the guest sees it and cannot use it;
 *  - ap-check's findings on the persistent configuration and the files
 *    that could not be read (persistent.c).
 */
#include <string.h>

#include "tui.h"

#define SHOWN 3 /* in the panel; the details (i) list them all */

static bool is_empty(const struct apm_mask *m)
{
	return !(m->w[0] | m->w[1] | m->w[2] | m->w[3]);
}

static void control_warnings(struct app *app, struct doc *d, unsigned int i)
{
	unsigned int n = apm_host_get_mdev_count(app->host);
	struct apm_mdev *m = apm_host_get_mdev(app->host, i);
	const char *l = apm_mdev_get_label(m);
	struct apm_mask lpar_u, aqmask, cd, ud;
	bool hu = !apm_host_get_lpar_mask(app->host, APM_LPAR_USAGE_DOMAINS, &lpar_u);

	apm_host_get_aqmask(app->host, &aqmask);
	apm_mdev_get_mask(m, APM_SET_CONTROL_DOMAINS, &cd);
	apm_mdev_get_mask(m, APM_SET_DOMAINS, &ud);
	for (unsigned int dom = 0; dom < 256; dom++) {
		if (!apm_mask_test(&cd, dom))
			continue;
		if (hu && apm_mask_test(&lpar_u, dom) && apm_mask_test(&aqmask, dom)) {
			doc_add(d, ROLE_WARNING, 2,
				"! %s: control domain 0x%02x is a usage domain of the host", l,
				dom);
			continue;
		}
		for (unsigned int j = 0; j < n; j++) {
			struct apm_mask od;

			if (j == i)
				continue;
			apm_mdev_get_mask(apm_host_get_mdev(app->host, j), APM_SET_DOMAINS, &od);
			if (apm_mask_test(&od, dom)) {
				doc_add(d, ROLE_WARNING, 2,
					"! %s: control domain 0x%02x is a usage domain of %s", l,
					dom, apm_mdev_get_label(apm_host_get_mdev(app->host, j)));
				break;
			}
		}
	}
	if (is_empty(&ud) && !is_empty(&cd))
		doc_add(d, ROLE_WARNING, 2, "! %s: control domains but no usage domains", l);
}

/* What a running guest has that does no work: adapters off or checkstopped, queues offline. */
static void guest_warnings(struct app *app, struct doc *d, const struct apm_mdev *m)
{
	const char *l = apm_mdev_get_label(m);
	struct apm_mask ga, gd;
	char guest[80];

	if (apm_mdev_in_use(m) != 1)
		return;
	apm_text_escape(apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "its guest", guest,
			sizeof(guest), 0);
	apm_mdev_get_mask(m, APM_SET_GUEST_ADAPTERS, &ga);
	apm_mdev_get_mask(m, APM_SET_GUEST_DOMAINS, &gd);
	for (unsigned int a = 0; a < 256; a++) {
		struct apm_adapter_info info;

		if (!apm_mask_test(&ga, a) || apm_host_get_adapter(app->host, a, &info))
			continue;
		if (info.chkstop == 1 || info.config == 0) {
			doc_add(d, ROLE_WARNING, 2, "! %s: %s has adapter 0x%02x, %s", l, guest, a,
				info.chkstop == 1 ? "checkstopped" : "configured off");
			continue;
		}
		for (unsigned int q = 0; q < 256; q++) {
			struct apm_queue_detail qd;

			if (!apm_mask_test(&gd, q) ||
			    apm_host_get_queue_detail(app->host, a, q, &qd))
				continue;
			if (qd.config == 0 || qd.chkstop == 1 || qd.online == 0)
				doc_add(d, ROLE_WARNING, 2, "! %s: %s's queue %02x.%04x is %s", l,
					guest, a, q,
					qd.config == 0	  ? "deconfigured"
					: qd.chkstop == 1 ? "checkstopped"
							  : "offline");
		}
	}
}

void warnings_compute(struct app *app)
{
	unsigned int n = apm_host_get_mdev_count(app->host);

	doc_clear(&app->warnings);
	for (unsigned int i = 0; i < n; i++) {
		control_warnings(app, &app->warnings, i);
		guest_warnings(app, &app->warnings, apm_host_get_mdev(app->host, i));
	}
	persist_warnings(app, &app->warnings);
}

void warnings_shown(const struct app *app, struct doc *d)
{
	for (unsigned int i = 0; i < app->warnings.n && i < SHOWN; i++)
		doc_add(d, (enum role)app->warnings.p[i].role, 2, "%s", app->warnings.p[i].text);
	if (app->warnings.n > SHOWN)
		doc_add(d, ROLE_WARNING, 2, "! and %u more warnings (i lists them)",
			app->warnings.n - SHOWN);
}
