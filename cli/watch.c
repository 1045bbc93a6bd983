// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch.c - `apmatrix watch [--json]`: the live view as a stream, for
 * scripts and for a console on another machine (a contract, see README).
 *
 * First the whole host (`show`, or with --json one line holding the
 * `show --json` document), then a line per change as the library's engine
 * hands its batches out: the masks, the LPAR's masks, the bus, an adapter,
 * an mdev, and the APQNs that went from the same state to the same state
 * together, each with its state before and after.  With --json every line
 * is one JSON object (JSON Lines), written by json-c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct out {
	FILE *f;
	bool json;
	unsigned long batch;
	unsigned long lines, max; /* change lines written; 0: no limit */
	char time[64];		  /* of the batch being written */
};

/* "2026-12-01T22:13:05.123Z" */
static void stamp(struct out *o)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(o->time, sizeof(o->time), "%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

static json_object *line_new(struct out *o, const char *kind)
{
	json_object *l = json_object_new_object();

	json_object_object_add(l, "time", json_object_new_string(o->time));
	json_object_object_add(l, "batch", json_object_new_int64((int64_t)o->batch));
	json_object_object_add(l, "kind", json_object_new_string(kind));
	return l;
}

static void line_put(struct out *o, json_object *l)
{
	fputs(json_object_to_json_string_ext(l, JSON_FLAGS), o->f);
	fputc('\n', o->f);
	json_object_put(l);
	o->lines++;
}

/* The text lines: the time of day and what changed. */
static void text_line(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_line(struct out *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(o->f, "%.12s ", o->time + 11);
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
	o->lines++;
}

static json_object *mask_string(const struct apm_mask *m)
{
	char hex[68];

	apm_mask_format(m, hex);
	return json_object_new_string(hex);
}

/* ------------------------------------------------------------- masks */

static void masks(struct out *o, struct apm_host *x, struct apm_host *y, unsigned int flags)
{
	static const char *const lpar[] = { "adapters", "usage_domains", "control_domains" };

	for (int aq = 0; aq < 2; aq++) {
		struct apm_mask p, q;
		char a[68], b[68];

		if (!(flags & (aq ? APM_DELTA_AQMASK : APM_DELTA_APMASK)))
			continue;
		(aq ? apm_host_get_aqmask : apm_host_get_apmask)(x, &p);
		(aq ? apm_host_get_aqmask : apm_host_get_apmask)(y, &q);
		if (o->json) {
			json_object *l = line_new(o, "mask");

			json_object_object_add(l, "mask",
					       json_object_new_string(aq ? "aqmask" : "apmask"));
			json_object_object_add(l, "before", mask_string(&p));
			json_object_object_add(l, "after", mask_string(&q));
			line_put(o, l);
		} else {
			apm_mask_format(&p, a);
			apm_mask_format(&q, b);
			text_line(o, "%s %s -> %s", aq ? "aqmask" : "apmask", a, b);
		}
	}
	for (int k = 0; (flags & APM_DELTA_LPAR) && k < 3; k++) {
		struct apm_mask p, q;
		int rp = apm_host_get_lpar_mask(x, (enum apm_lpar_mask)k, &p);
		int rq = apm_host_get_lpar_mask(y, (enum apm_lpar_mask)k, &q);
		char a[68] = "unreadable", b[68] = "unreadable";

		if (rp == rq && (rp || !memcmp(&p, &q, sizeof(p))))
			continue;
		if (o->json) {
			json_object *l = line_new(o, "lpar");

			json_object_object_add(l, "mask", json_object_new_string(lpar[k]));
			json_object_object_add(l, "before", rp ? NULL : mask_string(&p));
			json_object_object_add(l, "after", rq ? NULL : mask_string(&q));
			line_put(o, l);
		} else {
			if (!rp)
				apm_mask_format(&p, a);
			if (!rq)
				apm_mask_format(&q, b);
			text_line(o, "LPAR %s %s -> %s", lpar[k], a, b);
		}
	}
}

/* ---------------------------------------------------- bus, adapters */

static const char *tri(int v)
{
	return v < 0 ? "?" : v ? "1" : "0";
}

static void bus(struct out *o, struct apm_host *x, struct apm_host *y)
{
	int dx, dy;

	if (o->json) {
		json_object *l = line_new(o, "host");

		json_object_object_add(l, "before", json_host(x));
		json_object_object_add(l, "after", json_host(y));
		line_put(o, l);
		return;
	}
	if (apm_host_get_ap_domain(x, &dx))
		dx = -2;
	if (apm_host_get_ap_domain(y, &dy))
		dy = -2;
	text_line(o, "host: profile %s -> %s, ap_domain %d -> %d, bindings complete %s -> %s",
		  apm_host_get_profile(x), apm_host_get_profile(y), dx, dy,
		  tri(apm_host_bindings_complete(x)), tri(apm_host_bindings_complete(y)));
}

/* A fact of the adapter as tri() shows it: 1, 0, or -1 when it cannot be told. */
static int fact(const struct apm_adapter *ad, bool (*is)(const struct apm_adapter *, int *))
{
	int err;
	bool v = is(ad, &err);

	return err ? -1 : v;
}

static void adapter_text(char *buf, size_t size, struct apm_host *h, unsigned int a)
{
	struct apm_adapter *ad;
	char type[64];

	if (apm_host_lookup_adapter(h, a, &ad)) {
		snprintf(buf, size, "none");
		return;
	}
	/* The card's type is sysfs text: escaped, and cut visibly ("...") if long. */
	esc(apm_adapter_get_type(ad), type, sizeof(type));
	snprintf(buf, size, "%s %s config %s chkstop %s online %s", type[0] ? type : "?",
		 apm_adapter_has_card(ad) ? "card" : "no card",
		 tri(fact(ad, apm_adapter_is_configured)),
		 tri(fact(ad, apm_adapter_is_checkstopped)), tri(fact(ad, apm_adapter_is_online)));
	apm_adapter_unref(ad);
}

static void adapters(struct out *o, struct apm_host *x, struct apm_host *y,
		     const struct apm_delta *d)
{
	struct apm_mask m;

	apm_delta_get_adapters(d, &m);
	for (unsigned int a = 0; a < 256; a++) {
		char p[128], q[128];

		if (!apm_mask_test(&m, a))
			continue;
		if (o->json) {
			json_object *l = line_new(o, "adapter");

			json_object_object_add(l, "adapter", json_object_new_int((int)a));
			json_object_object_add(
				l, "before",
				apm_host_has_adapter(x, a) ? json_adapter(x, a, false) : NULL);
			json_object_object_add(
				l, "after",
				apm_host_has_adapter(y, a) ? json_adapter(y, a, false) : NULL);
			line_put(o, l);
		} else {
			adapter_text(p, sizeof(p), x, a);
			adapter_text(q, sizeof(q), y, a);
			text_line(o, "adapter 0x%02x: %s -> %s", a, p, q);
		}
	}
}

/* ------------------------------------------------------------- mdevs */

static json_object *mdev_record(struct apm_host *h, const char *uuid)
{
	struct apm_mdev *m = apm_host_find_mdev(h, uuid);

	return m ? json_mdev(h, (unsigned int)apm_host_mdev_index(h, m)) : NULL;
}

static void mdev_text(char *buf, size_t size, struct apm_host *h, const char *uuid)
{
	struct apm_mdev *m = apm_host_find_mdev(h, uuid);
	char sets[3][256], guest[80];
	struct apm_mask k;

	if (!m) {
		snprintf(buf, size, "none");
		return;
	}
	for (int i = 0; i < 3; i++) {
		apm_mdev_get_mask(m, (enum apm_mdev_set)i, &k);
		if (apm_mask_format_ranges(&k, sets[i], sizeof(sets[i])) || !sets[i][0])
			snprintf(sets[i], sizeof(sets[i]), "%s", sets[i][0] ? "(many)" : "none");
	}
	snprintf(buf, size, "adapters %s domains %s control %s, guest %s%s", sets[0], sets[1],
		 sets[2],
		 esc(apm_mdev_get_guest(m) ? apm_mdev_get_guest(m) : "none", guest, sizeof(guest)),
		 apm_mdev_in_use(m) == 1 ? " (in use)" : "");
}

static void mdevs(struct out *o, struct apm_host *x, struct apm_host *y, const struct apm_delta *d)
{
	static const char *const how_names[] = { "added", "removed", "changed" };

	for (unsigned int i = 0; i < apm_delta_get_mdev_count(d); i++) {
		enum apm_delta_mdev how;
		const char *uuid;
		char p[1024], q[1024];

		if (apm_delta_get_mdev(d, i, &uuid, &how))
			continue;
		if (o->json) {
			json_object *l = line_new(o, "mdev");

			json_object_object_add(l, "uuid", json_object_new_string(uuid));
			json_object_object_add(l, "change", json_object_new_string(how_names[how]));
			json_object_object_add(l, "before", mdev_record(x, uuid));
			json_object_object_add(l, "after", mdev_record(y, uuid));
			line_put(o, l);
		} else {
			mdev_text(p, sizeof(p), x, uuid);
			mdev_text(q, sizeof(q), y, uuid);
			text_line(o, "mdev %s %s: %s -> %s", uuid, how_names[how], p, q);
		}
	}
}

/* ------------------------------------------------------------ queues */

/*
 * What a queue's state line says (queue_state below), as read: equal keys
 * give equal JSON, so the APQNs are grouped by key and each group's
 * before and after are written once, from its first APQN.
 */
struct qkey {
	bool exists, owner_host, in_guest_matrix, plugged, filtered;
	enum apm_cell cell;
	enum apm_filter filter;
	const char *driver, *mdev; /* the host's strings, or NULL */
	char reason[320];	   /* when filtered */
};

/* The APQNs that went from one state to another, together. */
struct group {
	struct qkey before, after;
	json_object *apqns;
	char first[8];
	unsigned int a, q, n;
	int next; /* the next group in its hash chain, -1 */
};

#define GROUP_HASH 1024

struct groups {
	struct out *o;
	struct apm_host *x, *y;
	struct group *g;
	unsigned int n, alloc;
	int head[GROUP_HASH];
};

static int queue_key(struct apm_host *h, unsigned int a, unsigned int q, struct qkey *k)
{
	struct apm_queue *qu;
	struct apm_mdev *md;
	int rc = apm_host_lookup_queue(h, a, q, &qu);

	if (rc)
		return rc;
	md = apm_queue_get_mdev(qu);
	memset(k, 0, sizeof(*k));
	k->exists = apm_queue_exists(qu);
	k->owner_host = apm_queue_is_host_owned(qu);
	k->in_guest_matrix = apm_queue_is_in_guest_matrix(qu);
	k->plugged = apm_queue_is_plugged(qu);
	k->cell = apm_queue_get_cell(qu);
	/* The host's strings: they outlive the handle (the snapshot holds them). */
	k->driver = apm_queue_get_driver(qu);
	k->mdev = md ? apm_mdev_get_uuid(md) : NULL;
	k->filtered = md && !k->in_guest_matrix;
	if (k->filtered) {
		k->filter = apm_queue_get_filter(qu);
		snprintf(k->reason, sizeof(k->reason), "%s", apm_queue_get_reason(qu));
	}
	apm_queue_unref(qu);
	return 0;
}

static bool same_text(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

static bool same_key(const struct qkey *x, const struct qkey *y)
{
	return x->exists == y->exists && x->owner_host == y->owner_host &&
	       x->in_guest_matrix == y->in_guest_matrix && x->plugged == y->plugged &&
	       x->filtered == y->filtered && x->cell == y->cell && x->filter == y->filter &&
	       same_text(x->driver, y->driver) && same_text(x->mdev, y->mdev) &&
	       !strcmp(x->reason, y->reason);
}

/* FNV-1a over what the key says. */
static uint32_t hash_text(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u;
}

static uint32_t hash_key(uint32_t h, const struct qkey *k)
{
	h = (h ^ (uint32_t)(k->exists | k->owner_host << 1 | k->in_guest_matrix << 2 |
			    k->plugged << 3 | k->filtered << 4 | (unsigned int)k->cell << 5 |
			    (unsigned int)k->filter << 12)) *
	    16777619u;
	h = hash_text(h, k->driver);
	h = hash_text(h, k->mdev);
	return hash_text(h, k->reason);
}

static json_object *queue_state(struct apm_host *h, unsigned int a, unsigned int q)
{
	json_object *s = json_object_new_object();
	struct apm_queue *qu;
	bool out;

	if (apm_host_lookup_queue(h, a, q, &qu))
		return s;
	json_queue_fields(s, qu);
	out = apm_queue_get_mdev(qu) && !apm_queue_is_in_guest_matrix(qu);
	json_object_object_add(
		s, "filter",
		out ? json_object_new_string(apm_filter_name(apm_queue_get_filter(qu))) : NULL);
	json_object_object_add(s, "reason", out ? json_text(apm_queue_get_reason(qu)) : NULL);
	apm_queue_unref(qu);
	return s;
}

static int group_queue(unsigned int a, unsigned int q, void *data)
{
	struct groups *gs = data;
	struct qkey before, after;
	struct group *g = NULL;
	char apqn[8];
	uint32_t hash;
	int rc;

	rc = queue_key(gs->x, a, q, &before);
	if (!rc)
		rc = queue_key(gs->y, a, q, &after);
	if (rc)
		return rc;
	hash = hash_key(hash_key(2166136261u, &before), &after) % GROUP_HASH;
	for (int i = gs->head[hash]; i >= 0 && !g; i = gs->g[i].next)
		if (same_key(&gs->g[i].before, &before) && same_key(&gs->g[i].after, &after))
			g = &gs->g[i];
	snprintf(apqn, sizeof(apqn), "%02x.%04x", a, q);
	if (!g) {
		if (gs->n == gs->alloc) {
			unsigned int alloc = gs->alloc ? 2 * gs->alloc : 16;
			struct group *t = realloc(gs->g, alloc * sizeof(*t));

			if (!t)
				return -ENOMEM;
			gs->g = t;
			gs->alloc = alloc;
		}
		g = &gs->g[gs->n];
		*g = (struct group){
			.before = before, .after = after, .a = a, .q = q, .next = gs->head[hash]
		};
		gs->head[hash] = (int)gs->n++;
		g->apqns = json_object_new_array();
		memcpy(g->first, apqn, sizeof(g->first));
	}
	json_object_array_add(g->apqns, json_object_new_string(apqn));
	g->n++;
	return 0;
}

static const char *state_text(json_object *s, char *buf, size_t size)
{
	json_object *cell, *drv, *mdev;
	const char *driver, *uuid;

	json_object_object_get_ex(s, "cell", &cell);
	json_object_object_get_ex(s, "driver", &drv);
	json_object_object_get_ex(s, "mdev", &mdev);
	driver = drv ? json_object_get_string(drv) : NULL;
	uuid = mdev ? json_object_get_string(mdev) : NULL;
	snprintf(buf, size, "%s%s%s%s%s%s", json_object_get_string(cell), driver ? " (" : "",
		 driver ? driver : "", driver ? ")" : "", uuid ? " of mdev " : "",
		 uuid ? uuid : "");
	return buf;
}

static int queues(struct out *o, struct apm_host *x, struct apm_host *y, const struct apm_delta *d)
{
	struct groups *gs = malloc(sizeof(*gs));
	int rc;

	if (!gs)
		return -ENOMEM;
	*gs = (struct groups){ .o = o, .x = x, .y = y };
	memset(gs->head, 0xff, sizeof(gs->head));
	/* The groups made before a failure are written; the caller says the rest is missing. */
	rc = apm_delta_foreach_queue(d, group_queue, gs);
	for (unsigned int i = 0; i < gs->n; i++) {
		struct group *g = &gs->g[i];
		json_object *before = queue_state(x, g->a, g->q),
			    *after = queue_state(y, g->a, g->q);
		char p[160], q[160];

		if (o->json) {
			json_object *l = line_new(o, "queues");

			json_object_object_add(l, "apqns", g->apqns);
			json_object_object_add(l, "before", before);
			json_object_object_add(l, "after", after);
			line_put(o, l);
		} else {
			text_line(o, "%u queue%s (%s%s): %s -> %s", g->n, g->n == 1 ? "" : "s",
				  g->first, g->n > 1 ? " ..." : "",
				  state_text(before, p, sizeof(p)),
				  state_text(after, q, sizeof(q)));
			json_object_put(g->apqns);
			json_object_put(before);
			json_object_put(after);
		}
	}
	free(gs->g);
	free(gs);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------- a batch */

static int batch(struct out *o, const struct apm_delta *d)
{
	struct apm_host *x = apm_delta_get_before(d), *y = apm_delta_get_after(d);
	unsigned int flags = apm_delta_get_flags(d);
	int rc;

	o->batch++;
	stamp(o);
	if (flags & APM_DELTA_RELOADED) {
		/* Events were lost (or another process changed a simulated host): all read again. */
		if (o->json) {
			json_object *l = line_new(o, "reload");

			json_object_object_add(l, "events",
					       json_object_new_int64(apm_delta_get_event_count(d)));
			line_put(o, l);
		} else {
			text_line(
				o,
				"the whole host read again (events were lost, or said too little)");
		}
	}
	masks(o, x, y, flags);
	if (flags & APM_DELTA_BUS)
		bus(o, x, y);
	adapters(o, x, y, d);
	mdevs(o, x, y, d);
	rc = queues(o, x, y, d);
	fflush(o->f);
	return rc;
}

static int snapshot(struct cli *cli, struct out *o, struct apm_host *h)
{
	struct apm_config *cfg = NULL;
	int rc = -ENOMEM;

	stamp(o);
	load_config(cli, NULL, &cfg);
	if (o->json) {
		char *doc = NULL, *p, *q;
		size_t len = 0;
		FILE *m = open_memstream(&doc, &len);

		if (m) {
			rc = show_json(m, h, cfg, false);
			fclose(m);
		}
		/* show --json's line breaks are all outside its strings (json-c escapes them). */
		for (p = q = doc; p && *p; p++)
			if (*p != '\n')
				*q++ = *p;
		if (q)
			*q = '\0';
		fprintf(o->f, "{\"time\":\"%s\",\"batch\":0,\"kind\":\"snapshot\",\"show\":%s}\n",
			o->time, doc ? doc : "null");
		free(doc);
	} else {
		rc = show_text(o->f, h, cfg, false);
		fprintf(o->f, "--- %s: watching (Ctrl-C ends)\n", o->time);
	}
	apm_config_unref(cfg);
	fflush(o->f);
	return rc;
}

int cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct out o = { .f = stdout };
	struct apm_watch *w;
	struct apm_host *h;
	long interval = 1000;
	char *end;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'i':
			interval = strtol(optarg, &end, 10);
			if (end == optarg || *end || interval < 100 || interval > 600000) {
				eprintf(cli, "watch: --interval '%s': milliseconds, 100..600000",
					optarg);
				return usage(cli);
			}
			break;
		case 'c':
			o.max = strtoul(optarg, &end, 10);
			if (end == optarg || *end || !o.max) {
				eprintf(cli, "watch: --count '%s': a number of lines, at least 1",
					optarg);
				return usage(cli);
			}
			break;
		default:
			/* getopt said which option; the table says what watch takes. */
			return usage(cli);
		}
	}
	if (optind < argc) {
		eprintf(cli, "watch: unexpected argument '%s'", argv[optind]);
		return usage(cli);
	}
	if (load_host(cli, 0, &h))
		return EXIT_REFUSED;
	/* Watching starts before the snapshot is printed: nothing falls between the two. */
	rc = apm_watch_new(h, &w);
	if (rc) {
		eprintf(cli, "watch: cannot follow the host at %s: %s",
			apm_ctx_get_source(cli->ctx), strerror(-rc));
		apm_host_unref(h);
		return EXIT_REFUSED;
	}
	apm_watch_set_intervals(w, (unsigned int)interval, 50);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* Large blocks to a pipe or a file; each batch is flushed as it ends. */
	stdout_large();
	rc = snapshot(cli, &o, h);
	apm_host_unref(h);
	/* A stream short of what it says is no stream: said, and ended. */
	if (rc < 0) {
		eprintf(cli, "watch: the snapshot is incomplete: %s", strerror(-rc));
		apm_watch_unref(w);
		return EXIT_REFUSED;
	}
	while (!stop && !ferror(stdout) && (!o.max || o.lines < o.max)) {
		/* stdout too: a reader that went away (POLLERR on a pipe) ends the stream at once. */
		struct pollfd p[2] = { { .fd = apm_watch_get_fd(w), .events = POLLIN },
				       { .fd = STDOUT_FILENO } };
		struct apm_delta *d;
		struct apm_host *nh;

		if (poll(p, 2, apm_watch_get_timeout(w)) < 0 && errno != EINTR)
			break;
		if (p[1].revents & (POLLERR | POLLHUP))
			break;
		rc = apm_watch_process(w, &nh, &d);
		if (rc < 0)
			eprintf(cli, "watch: cannot follow the host: %s", strerror(-rc));
		if (rc != 1)
			continue;
		/* Only readings to make again (the console's marks): no line, no batch number. */
		if (apm_delta_is_empty(d) && !(apm_delta_get_flags(d) & APM_DELTA_RELOADED)) {
			apm_delta_unref(d);
			apm_host_unref(nh);
			continue;
		}
		rc = batch(&o, d);
		apm_delta_unref(d);
		apm_host_unref(nh);
		if (rc < 0) {
			eprintf(cli, "watch: batch %lu is incomplete: %s", o.batch, strerror(-rc));
			apm_watch_unref(w);
			return EXIT_REFUSED;
		}
	}
	apm_watch_unref(w);
	/* A reader that went away ends the stream; a stream that cannot be written is an error. */
	if (ferror(stdout) && errno != EPIPE) {
		eprintf(cli, "watch: cannot write: %s", strerror(errno));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}
