// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * warnings.c - the host's warnings in the side panel and the details: the
 * library says them (apm_host_foreach_warning, the same sentences as
 * `show`), computed once per snapshot (a draw only shows them), and
 * ap-check's findings on the persistent configuration and the files that
 * could not be read (persistent.c).
 */
#include <string.h>

#include "tui.h"

#define SHOWN 3 /* in the panel; the details (i) list them all */

static int add_warning(const struct apm_warning *w, void *data)
{
	char text[2048];

	apm_text_escape(w->text, text, sizeof(text), APM_TEXT_KEEP_NEWLINE);
	doc_add(data, ROLE_WARNING, 2, "! %s", text);
	return 0;
}

void warnings_compute(struct app *app)
{
	doc_clear(&app->warnings);
	apm_host_foreach_warning(app->host, add_warning, &app->warnings);
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
