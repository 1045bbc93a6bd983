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
	struct apm_queue_detail qd = { .status = "" };
	struct apm_adapter_info info;
	struct apm_queue_info qi;
	struct cell_look look;
	const char *feat = apm_host_get_bus_features(app->host);

	apm_host_get_queue(app->host, app->cur_a, app->cur_q, &qi);
	cell_look(app, &qi, &look);
	doc_add(d, look.role == ROLE_CELL_EMPTY ? ROLE_TEXT : look.role, 2, "cell %s: %s",
		look.name, look.what);
	/* vfio_ap's own word for the queue, read on demand. */
	if (qi.exists) {
		if (qi.driver && !strcmp(qi.driver, "vfio_ap"))
			apm_host_get_queue_detail(app->host, app->cur_a, app->cur_q, &qd);
		doc_add(d, ROLE_TEXT, 2, "queue: driver %s%s%s", qi.driver ? qi.driver : "none",
			qd.status[0] ? ", " : "", qd.status);
		if (queue_down(app, app->cur_a, app->cur_q))
			doc_add(d, ROLE_WARNING, 2, "queue itself: %s, unlike its card",
				queue_down(app, app->cur_a, app->cur_q));
	} else {
		doc_add(d, ROLE_TEXT, 2, "no queue device");
	}
	doc_add(d, ROLE_TEXT, 2, "owner by the masks: %s", qi.owner_host ? "host" : "vfio_ap");
	if (!apm_host_get_adapter(app->host, app->cur_a, &info))
		doc_add(d, ROLE_TEXT, 2, "adapter: config %s, chkstop %s, online %s",
			info.config < 0 ? "?"
			: info.config	? "on"
					: "off",
			info.chkstop < 0 ? "?"
			: info.chkstop	 ? "yes"
					 : "no",
			info.online < 0 ? "-"
			: info.online	? "yes"
					: "no");
	if (qi.mdev >= 0) {
		struct apm_mdev *m = apm_host_get_mdev(app->host, (unsigned int)qi.mdev);
		char uuid[48], guest[80];

		uuid_fit(&app->scr, apm_mdev_get_uuid(m), width - 8, uuid, sizeof(uuid));
		doc_add(d, ROLE_TEXT, 2, "mdev %s %s", apm_mdev_get_label(m), uuid);
		if (apm_mdev_get_guest(m)) {
			apm_text_escape(apm_mdev_get_guest(m), guest, sizeof(guest), 0);
			doc_add(d, ROLE_TEXT, 2, "guest %s", guest);
		}
		if (qi.in_guest_matrix)
			doc_add(d, qi.plugged ? ROLE_OK : ROLE_TEXT, 2, "%s",
				qi.plugged ? "plugged into the running guest"
					   : "in guest_matrix, no guest");
		else
			doc_add(d, ROLE_WARNING, 2, "not in its guest (%s): %s",
				apm_filter_name(qi.filter), qi.reason);
	}
	persist_detail(app, d);
	/*
	 * SE bind/association exist only when this host is itself a Secure
	 * Execution guest (APSB); the queue's attributes are read on demand.
	 */
	if (feat && strstr(feat, "APSB") && qi.exists &&
	    !apm_host_get_queue_detail(app->host, app->cur_a, app->cur_q, &qd) &&
	    (qd.se_bind[0] || qd.se_associate[0]))
		doc_add(d, ROLE_TEXT, 2, "SE: %s, %s", qd.se_bind[0] ? qd.se_bind : "-",
			qd.se_associate[0] ? qd.se_associate : "-");
	else
		doc_add(d, ROLE_DIM, 2, "SE bind/associate: n/a");
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
