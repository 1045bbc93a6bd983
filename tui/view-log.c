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
		char line[1024], tail[48] = "";
		size_t n;
		int x;

		if (!e)
			break;
		n = strcspn(e->text, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)n, e->text);
		/* What is said about the entry is never cut: the text gives way. */
		if (e->text[n])
			snprintf(tail, sizeof(tail), " (L: the rest)");
		if (e->repeat > 1)
			snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " (%u times)",
				 e->repeat);
		x = area_cut(s, a, 0, row, a->w - text_cols(tail), (enum role)e->role, line);
		area_put(s, a, x, row, (enum role)e->role, tail);
	}
}

const struct view_ops log_view = {
	.name = "log",
	.draw = log_draw,
};
