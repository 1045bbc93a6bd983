// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-detail.c - the cell under the cursor in words: its class (the same
 * cell_look() the grid draws it with, so the two never disagree), its
 * queue, driver and owner, the adapter's state, the mdev that holds it and,
 * when it is not in the guest, the filter's code and reason.  What does not
 * fit the panel is a key away, whole (i).
 */
#include <string.h>

#include "tui.h"

void detail_doc(struct app *app, struct doc *d, int width)
{
	const char *status = "", *drv;
	struct apm_adapter *info;
	struct apm_queue *qi;
	struct cell_look look;
	struct apm_mdev *m;

	if (apm_host_lookup_queue(app->host, app->cur_a, app->cur_q, &qi))
		return;
	cell_look(app, qi, &look);
	doc_add(d, look.role == ROLE_CELL_EMPTY ? ROLE_TEXT : look.role, 2, "cell %s: %s",
		look.name, look.what);
	/* vfio_ap's own word for the queue, read on demand. */
	drv = apm_queue_get_driver(qi);
	if (apm_queue_exists(qi)) {
		if (drv && !strcmp(drv, "vfio_ap"))
			status = apm_queue_get_status(qi);
		doc_add(d, ROLE_TEXT, 2, "queue: driver %s%s%s", drv ? drv : "none",
			status[0] ? ", " : "", status);
		if (queue_down(app, app->cur_a, app->cur_q))
			doc_add(d, ROLE_WARNING, 2, "queue itself: %s, unlike its card",
				queue_down(app, app->cur_a, app->cur_q));
	} else {
		doc_add(d, ROLE_TEXT, 2, "no queue device");
	}
	doc_add(d, ROLE_TEXT, 2, "owner by the masks: %s",
		apm_queue_is_host_owned(qi) ? "host" : "vfio_ap");
	if (!apm_host_lookup_adapter(app->host, app->cur_a, &info)) {
		int ce, ke, oe;
		bool c = apm_adapter_is_configured(info, &ce);
		bool k = apm_adapter_is_checkstopped(info, &ke);
		bool o = apm_adapter_is_online(info, &oe);

		doc_add(d, ROLE_TEXT, 2, "adapter: config %s, chkstop %s, online %s",
			ce  ? "?"
			: c ? "on"
			    : "off",
			ke  ? "?"
			: k ? "yes"
			    : "no",
			oe  ? "-"
			: o ? "yes"
			    : "no");
		apm_adapter_unref(info);
	}
	m = apm_queue_get_mdev(qi);
	if (m) {
		char uuid[48], guest[80];

		uuid_fit(&app->scr, apm_mdev_get_uuid(m), width - 8, uuid, sizeof(uuid));
		doc_add(d, ROLE_TEXT, 2, "mdev %s %s", apm_mdev_get_label(m), uuid);
		if (apm_mdev_get_guest(m)) {
			apm_text_escape(apm_mdev_get_guest(m), guest, sizeof(guest),
					APM_TEXT_ELLIPSIS);
			doc_add(d, ROLE_TEXT, 2, "guest %s", guest);
		}
		if (apm_queue_is_in_guest_matrix(qi))
			doc_add(d, apm_queue_is_plugged(qi) ? ROLE_OK : ROLE_TEXT, 2, "%s",
				apm_queue_is_plugged(qi) ? "plugged into the running guest"
							 : "in guest_matrix, no guest");
		else
			doc_add(d, ROLE_WARNING, 2, "not in its guest (%s): %s",
				apm_filter_name(apm_queue_get_filter(qi)),
				apm_queue_get_reason(qi));
	}
	persist_detail(app, d);
	/*
	 * SE bind/association exist only when this host is itself a Secure
	 * Execution guest (APSB); the queue's attributes are read on demand,
	 * by the library only then (host.c: apm_host_read_queue_detail).
	 */
	if (apm_queue_exists(qi) &&
	    (apm_queue_get_se_bind(qi)[0] || apm_queue_get_se_associate(qi)[0]))
		doc_add(d, ROLE_TEXT, 2, "SE: %s, %s",
			apm_queue_get_se_bind(qi)[0] ? apm_queue_get_se_bind(qi) : "-",
			apm_queue_get_se_associate(qi)[0] ? apm_queue_get_se_associate(qi) : "-");
	else
		doc_add(d, ROLE_DIM, 2, "SE bind/associate: n/a");
	apm_queue_unref(qi);
}

static void detail_draw(struct app *app, struct view *v, const struct area *a)
{
	struct screen *s = &app->scr;
	struct doc d = { 0 };
	struct area body = area_sub(a, 0, 1, a->w, a->h - 1);
	bool cut;

	(void)v;
	area_printf(s, a, 0, 0, ROLE_TITLE, "APQN %02x.%04x", app->cur_a, app->cur_q);
	detail_doc(app, &d, a->w);
	doc_draw(s, &body, &d, 0, &cut);
	if (cut)
		area_printf(s, &body, 0, body.h - 1, ROLE_DIM, "%s i: all of it", ellipsis(s));
	doc_free(&d);
}

const struct view_ops detail_view = {
	.name = "detail",
	.draw = detail_draw,
};
