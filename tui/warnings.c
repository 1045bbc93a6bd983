// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * warnings.c - the host's warnings in the side panel and the details: the
 * library says them (apm_host_foreach_warning, the same sentences as
 * `show`), the few the panel shows taken once per snapshot (a draw only
 * shows them; the details (i) ask for all), and
 * ap-check's findings on the persistent configuration and the files that
 * could not be read (persistent.c).
 */
#include <limits.h>
#include <string.h>

#include "tui.h"

#define SHOWN 3 /* in the panel; the details (i) list them all */

struct adding {
	struct doc *d;
	unsigned int max; /* the walk stops after max of them */
};

static int add_warning(const struct apm_warning *w, void *data)
{
	struct adding *ad = data;
	char text[2048];

	/* The rest are counted (apm_host_get_warning_count): a host can have thousands. */
	if (ad->d->n >= ad->max)
		return 1;
	apm_text_escape(w->text, text, sizeof(text), APM_TEXT_KEEP_NEWLINE);
	doc_add(ad->d, ROLE_WARNING, 2, "! %s", text);
	return 0;
}

/*
 * Per snapshot: the few the panel shows and how many more (a host can
 * have thousands; the library keeps them from snapshot to snapshot, the
 * console escapes and lays out what it shows), then ap-check's findings.
 */
void warnings_compute(struct app *app)
{
	struct adding ad = { &app->warnings, SHOWN };
	int n;

	doc_clear(&app->warnings);
	app->warnings_hidden = 0;
	apm_host_foreach_warning(app->host, add_warning, &ad);
	n = apm_host_get_warning_count(app->host);
	if (n > (int)app->warnings.n)
		app->warnings_hidden = (unsigned int)n - app->warnings.n;
	persist_warnings(app, &app->warnings);
}

void warnings_all(struct app *app, struct doc *d)
{
	struct adding ad = { d, UINT_MAX };

	apm_host_foreach_warning(app->host, add_warning, &ad);
	persist_warnings(app, d);
}

unsigned int warnings_count(const struct app *app)
{
	return app->warnings.n + app->warnings_hidden;
}

void warnings_shown(const struct app *app, struct doc *d)
{
	for (unsigned int i = 0; i < app->warnings.n && i < SHOWN; i++)
		doc_add(d, (enum role)app->warnings.p[i].role, 2, "%s", app->warnings.p[i].text);
	if (warnings_count(app) > SHOWN)
		doc_add(d, ROLE_WARNING, 2, "! and %u more warnings (i lists them)",
			warnings_count(app) - SHOWN);
}
