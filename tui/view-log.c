// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view-log.c - the log under the grid: uevents, own writes, refusals and
 * their explanations, and what the library reports (its log sink lands
 * here, never on the terminal behind the program's back).  Each entry shows
 * its first line, cut with an ellipsis; L opens the whole log.
 */
#include <string.h>

#include "tui.h"

static void log_draw(struct app *app, struct view *v, const struct area *a)
{
	struct screen *s = &app->scr;

	(void)v;
	screen_fill(s, a->x, a->y, a->w, ROLE_DIM, s->ascii ? "-" : "\u2500");
	/* The newest entries, oldest first, as a log reads. */
	int count = (int)(app->log_n < LOG_MAX ? app->log_n : LOG_MAX);

	if (count > a->h - 1)
		count = a->h - 1;
	for (int row = 1, i = count - 1; i >= 0; row++, i--) {
		const struct log_entry *e = app_log_entry(app, (unsigned int)i);
		char line[1024];
		size_t n;

		if (!e)
			break;
		n = strcspn(e->text, "\n");
		snprintf(line, sizeof(line), "%.*s%s", (int)n, e->text,
			 e->text[n] ? " (L: the rest)" : "");
		if (e->repeat > 1)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " (%u times)",
				 e->repeat);
		area_cut(s, a, 0, row, a->w, (enum role)e->role, line);
	}
}

const struct view_ops log_view = {
	.name = "log",
	.draw = log_draw,
};
