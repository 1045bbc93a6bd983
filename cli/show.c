// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show.c - `apmatrix show`: the host as text, as JSON (a contract, see
 * README), or as one guest sees it (lszcrypt's table inside the guest).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* ---------------------------------------------------------------- JSON */

static json_object *json_int_or_null(int v)
{
	return v < 0 ? NULL : json_object_new_int(v);
}

static json_object *json_words(const char *s)
{
	char buf[256], *tok, *save;
	json_object *a = json_object_new_array();

	snprintf(buf, sizeof(buf), "%s", s && strcmp(s, "-") ? s : "");
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		json_object_array_add(a, json_text(tok));
	return a;
}

static void json_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

struct listed {
	struct apm_mask adapters, domains;
};

/*
 * Adapters/domains in the LPAR or in some mdev (the JSON contract's rule);
 * where the LPAR masks read "not supported", the queue devices stand in.
 */
static int listed_ids(struct apm_host *h, struct listed *l)
{
	struct apm_adapter *ad = NULL;
	struct apm_queue *q = NULL;
	struct apm_mask m;
	int rc, qrc;

	memset(l, 0, sizeof(*l));
	while (!(rc = apm_host_next_adapter(h, &ad)))
		apm_mask_set(&l->adapters, apm_adapter_get_id(ad));
	for (int k = APM_KIND_DOMAIN; k <= APM_KIND_CONTROL_DOMAIN; k++)
		if (!apm_host_get_lpar_mask(h, (enum apm_kind)k, &m))
			for (int i = 0; i < 4; i++)
				l->domains.w[i] |= m.w[i];
	while (!(qrc = apm_host_next_queue(h, &q)))
		if (apm_queue_exists(q)) {
			apm_mask_set(&l->adapters, apm_queue_get_adapter(q));
			apm_mask_set(&l->domains, apm_queue_get_domain(q));
		}
	for (unsigned int i = 0; i < apm_host_get_mdev_count(h); i++) {
		struct apm_mdev *md = apm_host_get_mdev(h, i);

		apm_mdev_get_mask(md, APM_KIND_ADAPTER, &m);
		for (int k = 0; k < 4; k++)
			l->adapters.w[k] |= m.w[k];
		for (int s = APM_KIND_DOMAIN; s <= APM_KIND_CONTROL_DOMAIN; s++) {
			apm_mdev_get_mask(md, (enum apm_kind)s, &m);
			for (int k = 0; k < 4; k++)
				l->domains.w[k] |= m.w[k];
		}
	}
	/* An iteration ends with 1; below 0 the lists are short (-ENOMEM). */
	return rc < 0 ? rc : qrc < 0 ? qrc : 0;
}

/* One register of a queue's mkvps: {"register", "state", "pattern"} (null: none shown). */
static int json_mkvp(const char *reg, const char *state, const char *pattern, void *data)
{
	json_object *o = json_object_new_object();

	json_add(o, "register", json_text(reg));
	json_add(o, "state", json_text(state));
	json_add(o, "pattern", strcmp(pattern, "-") ? json_text(pattern) : NULL);
	json_object_array_add(data, o);
	return 0;
}

/*
 * An EP11 card's API ordinal, "%u\n" or "\n" (zcrypt_cex4.c, the EP11
 * card attributes; spec/kernel-abi.md): a number only when
 * the text is one whole, null otherwise (none, or text that is not one).
 */
static json_object *json_ordinal(const char *text)
{
	unsigned long v;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return NULL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return NULL;
	return json_object_new_int64((int64_t)v);
}

/* zcrypt's facts (detail only): null where the device has no such attribute. */
static json_object *json_zcrypt(struct apm_host *h, unsigned int a, int d,
				enum apm_zcrypt_info what)
{
	char buf[256];

	if (apm_host_get_zcrypt_info(h, a, d, what, buf, sizeof(buf)))
		return NULL;
	if (what == APM_ZC_OP_MODES)
		return json_words(buf);
	if (what == APM_ZC_API_ORDINALNR)
		return json_ordinal(buf);
	return json_text(buf);
}

/* A queue's record without its place (apqn, adapter, domain): shared with `watch`. */
void json_queue_fields(json_object *o, const struct apm_queue *q)
{
	struct apm_mdev *md = apm_queue_get_mdev(q);

	json_add(o, "exists", json_object_new_boolean(apm_queue_exists(q)));
	json_add(o, "driver", json_text(apm_queue_get_driver(q)));
	json_add(o, "owner", json_object_new_string(apm_queue_is_host_owned(q) ? "host" : "vfio"));
	json_add(o, "mdev", md ? json_object_new_string(apm_mdev_get_uuid(md)) : NULL);
	json_add(o, "in_guest_matrix", json_object_new_boolean(apm_queue_is_in_guest_matrix(q)));
	json_add(o, "plugged", json_object_new_boolean(apm_queue_is_plugged(q)));
	json_add(o, "cell", json_object_new_string(apm_cell_name(apm_queue_get_cell(q))));
}

static void json_queue(FILE *f, struct apm_queue *q, bool detail)
{
	struct apm_host *h = apm_queue_get_host(q);
	unsigned int a = apm_queue_get_adapter(q), d = apm_queue_get_domain(q);
	json_object *o = json_object_new_object();
	char apqn[8];

	snprintf(apqn, sizeof(apqn), "%02x.%04x", a, d);
	json_add(o, "apqn", json_object_new_string(apqn));
	json_add(o, "adapter", json_object_new_int((int)a));
	json_add(o, "domain", json_object_new_int((int)d));
	json_queue_fields(o, q);
	if (detail) {
		bool have = apm_queue_exists(q);
		const char *status = have ? apm_queue_get_status(q) : "";
		int err;
		bool v;

		json_add(o, "status", status[0] ? json_text(status) : NULL);
		v = have && apm_queue_is_configured(q, &err);
		json_add(o, "config", have ? json_fact(v, err) : NULL);
		v = have && apm_queue_is_checkstopped(q, &err);
		json_add(o, "chkstop", have ? json_fact(v, err) : NULL);
		v = have && apm_queue_is_online(q, &err);
		json_add(o, "online", have ? json_fact(v, err) : NULL);
		if (have) {
			json_object *mk = json_object_new_array();

			if (apm_host_foreach_queue_mkvp(h, a, d, json_mkvp, mk)) {
				json_object_put(mk);
				mk = NULL;
			}
			json_add(o, "mkvps", mk);
			json_add(o, "op_modes", json_zcrypt(h, a, (int)d, APM_ZC_OP_MODES));
		} else {
			json_add(o, "mkvps", NULL);
			json_add(o, "op_modes", NULL);
		}
	}
	json_put(f, o);
}

json_object *json_host(struct apm_host *h)
{
	json_object *o = json_object_new_object();
	bool complete;
	int dom, err;

	json_add(o, "kind",
		 json_object_new_string(apm_host_get_kind(h) == APM_HOST_SIM ? "sim" : "sysfs"));
	json_add(o, "max_adapter_id", json_object_new_int((int)apm_host_get_max_adapter_id(h)));
	json_add(o, "max_domain_id", json_object_new_int((int)apm_host_get_max_domain_id(h)));
	json_add(o, "bus_features", json_words(apm_host_get_bus_features(h)));
	json_add(o, "matrix_features",
		 apm_host_get_matrix_features(h) ? json_words(apm_host_get_matrix_features(h))
						 : NULL);
	json_add(o, "vfio_ap_loaded", json_object_new_boolean(apm_host_vfio_ap_loaded(h)));
	json_add(o, "ap_domain",
		 apm_host_get_ap_domain(h, &dom) || dom < 0 ? NULL : json_object_new_int(dom));
	complete = apm_host_is_bindings_complete(h, &err);
	json_add(o, "bindings_complete", json_tri(err ? -1 : complete));
	json_add(o, "profile", json_object_new_string(apm_host_get_profile(h)));
	return o;
}

json_object *json_adapter(struct apm_host *h, unsigned int a, bool detail)
{
	json_object *o = json_object_new_object();
	struct apm_adapter *ad = NULL;
	int err;
	bool v;

	/* An adapter only some mdev names (not in the LPAR, no card): nothing known. */
	apm_host_lookup_adapter(h, a, &ad);
	json_add(o, "id", json_object_new_int((int)a));
	json_add(o, "hwtype", json_int_or_null(ad ? apm_adapter_get_hwtype(ad) : -1));
	json_add(o, "raw_hwtype", json_int_or_null(ad ? apm_adapter_get_raw_hwtype(ad) : -1));
	json_add(o, "type",
		 ad && apm_adapter_get_type(ad)[0] ? json_text(apm_adapter_get_type(ad)) : NULL);
	json_add(o, "mode",
		 ad && apm_adapter_get_mode(ad) ? json_object_new_string(apm_adapter_get_mode(ad))
						: NULL);
	json_add(o, "in_lpar", json_object_new_boolean(ad != NULL));
	v = ad && apm_adapter_is_configured(ad, &err);
	json_add(o, "config", ad ? json_fact(v, err) : NULL);
	v = ad && apm_adapter_is_checkstopped(ad, &err);
	json_add(o, "chkstop", ad ? json_fact(v, err) : NULL);
	v = ad && apm_adapter_is_online(ad, &err);
	json_add(o, "online", ad ? json_fact(v, err) : NULL);
	apm_adapter_unref(ad);
	if (detail) {
		json_add(o, "serialnr", json_zcrypt(h, a, -1, APM_ZC_SERIALNR));
		json_add(o, "api_ordinalnr", json_zcrypt(h, a, -1, APM_ZC_API_ORDINALNR));
		json_add(o, "fw_version", json_zcrypt(h, a, -1, APM_ZC_FW_VERSION));
		json_add(o, "op_modes", json_zcrypt(h, a, -1, APM_ZC_OP_MODES));
	}
	return o;
}

/* The library's warning as `warnings` holds it: code, mdev, APQNs, text. */
static int json_warning(const struct apm_warning *w, void *data)
{
	json_object *o = json_object_new_object(), *apqns = json_object_new_array();
	char apqn[16];

	json_add(o, "code", json_object_new_string(apm_warning_name(w->code)));
	json_add(o, "mdev", json_object_new_string(w->uuid));
	json_add(o, "other", w->other ? json_object_new_string(w->other) : NULL);
	json_add(o, "domain", w->domain >= 0 ? json_object_new_int(w->domain) : NULL);
	for (unsigned int i = 0; i < w->napqns; i++) {
		snprintf(apqn, sizeof(apqn), "%02x.%04x", w->apqns[i].adapter, w->apqns[i].domain);
		json_object_array_add(apqns, json_object_new_string(apqn));
	}
	json_add(o, "apqns", apqns);
	json_add(o, "text", json_text(w->text));
	json_object_array_add(data, o);
	return 0;
}

int show_json(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool detail)
{
	struct apm_mask m, usage, control;
	struct apm_queue *q = NULL;
	char apmask[68], aqmask[68];
	const char *sep = "";
	struct listed l;
	json_object *o;
	int urc, crc, err, rc;

	err = listed_ids(h, &l);
	fputs("{\"schema\":1,\n \"host\":", f);
	json_put(f, json_host(h));
	apm_host_get_apmask(h, &m);
	apm_mask_format(&m, apmask);
	apm_host_get_aqmask(h, &m);
	apm_mask_format(&m, aqmask);
	fputs(",\n \"apmask\":", f);
	json_put(f, json_object_new_string(apmask));
	fputs(",\"aqmask\":", f);
	json_put(f, json_object_new_string(aqmask));
	fputs(",\n \"adapters\":[", f);
	for (unsigned int a = 0; a < 256; a++) {
		if (!apm_mask_test(&l.adapters, a))
			continue;
		fprintf(f, "%s\n    ", sep);
		json_put(f, json_adapter(h, a, detail));
		sep = ",";
	}
	fputs("],\n \"domains\":[", f);
	urc = apm_host_get_lpar_mask(h, APM_KIND_DOMAIN, &usage);
	crc = apm_host_get_lpar_mask(h, APM_KIND_CONTROL_DOMAIN, &control);
	sep = "";
	for (unsigned int d = 0; d < 256; d++) {
		if (!apm_mask_test(&l.domains, d))
			continue;
		o = json_object_new_object();
		json_add(o, "id", json_object_new_int((int)d));
		json_add(o, "usage", json_tri(urc ? -1 : apm_mask_test(&usage, d)));
		json_add(o, "control", json_tri(crc ? -1 : apm_mask_test(&control, d)));
		fprintf(f, "%s\n    ", sep);
		json_put(f, o);
		sep = ",";
	}
	fputs("],\n \"queues\":[", f);
	sep = "";
	while (!(rc = apm_host_next_queue(h, &q))) {
		fprintf(f, "%s\n    ", sep);
		json_queue(f, q, detail);
		sep = ",";
	}
	if (rc < 0 && !err)
		err = rc;
	fputs("],\n \"mdevs\":[", f);
	json_persist_mdevs(f, h, cfg);
	fputs("]", f);
	o = json_object_new_array();
	if ((rc = apm_host_foreach_warning(h, json_warning, o)) < 0 && !err)
		err = rc;
	fputs(",\n \"warnings\":", f);
	json_put(f, o);
	json_persist_top(f, h, cfg);
	fputs("}\n", f);
	return err;
}

/* ---------------------------------------------------------------- text */

/* A cell as the grid prints it: the mdev's label and its class's mark, or a glyph. */
struct grid {
	char cell[256][256][APM_MDEV_LABEL_MAX + 2];
	bool any[256][256];
	struct apm_host *h;
	int width; /* of a label */
};

static void grid_queue(struct grid *g, const struct apm_queue *q)
{
	static const char marks[APM_CELL_COUNT] = {
		[APM_CELL_ASSIGNED] = ' ', [APM_CELL_PLUGGED] = '*',  [APM_CELL_FILTERED] = '~',
		[APM_CELL_ABSENT] = '?',   [APM_CELL_CONFLICT] = '!',
	};
	unsigned int a = apm_queue_get_adapter(q), d = apm_queue_get_domain(q);
	enum apm_cell cell = apm_queue_get_cell(q);
	struct apm_mdev *md = apm_queue_get_mdev(q);
	char *c = g->cell[a][d];
	size_t size = sizeof(g->cell[0][0]);

	g->any[a][d] = true;
	if (cell == APM_CELL_HOST || cell == APM_CELL_FREE || cell == APM_CELL_UNBOUND)
		snprintf(c, size, "%*s", g->width + 1,
			 cell == APM_CELL_HOST	 ? "h"
			 : cell == APM_CELL_FREE ? "f"
						 : "u");
	else
		snprintf(c, size, "%-*s%c", g->width, md ? apm_mdev_get_label(md) : "",
			 cell < APM_CELL_COUNT && marks[cell] ? marks[cell] : '!');
}

/* A fact that may not be known: "-", or yes or no. */
static const char *tri(bool v, int err, const char *yes, const char *no)
{
	return err ? "-" : v ? yes : no;
}

/* The host's warnings under one "warnings:" heading, after the loader's. */
struct text_warn {
	FILE *f;
	bool any;
};

static int text_warning(const struct apm_warning *w, void *data)
{
	struct text_warn *t = data;

	if (!t->any)
		fprintf(t->f, "\nwarnings:\n");
	t->any = true;
	print_escaped_lines(t->f, "", w->text);
	return 0;
}

/*
 * With --detail: the queues whose own state (ap_queue.c config, chkstop;
 * zcrypt_queue.c online, as chzcrypt -d AA.DDDD sets it) is not their
 * card's, which the card's row above does not show.
 */
static int unlike_queues(FILE *f, struct apm_host *h)
{
	struct apm_queue *q = NULL;
	unsigned int n = 0;
	int rc;

	while (!(rc = apm_host_next_queue(h, &q))) {
		struct apm_adapter *ad;
		const char *what[3];
		int k = 0, qe, ae;
		bool qv, av;

		if (!apm_queue_exists(q) ||
		    apm_host_lookup_adapter(h, apm_queue_get_adapter(q), &ad))
			continue;
		qv = apm_queue_is_configured(q, &qe);
		av = apm_adapter_is_configured(ad, &ae);
		if (!qe && !qv && (ae || av))
			what[k++] = "deconfigured";
		qv = apm_queue_is_checkstopped(q, &qe);
		av = apm_adapter_is_checkstopped(ad, &ae);
		if (!qe && qv && (ae || !av))
			what[k++] = "checkstopped";
		/* zcrypt_queue.c: online_show reads 0 for a queue deconfigured or checkstopped. */
		qv = apm_queue_is_online(q, &qe);
		av = apm_adapter_is_online(ad, &ae);
		if (!qe && !qv && (ae || av) && !k)
			what[k++] = "offline (zcrypt)";
		apm_adapter_unref(ad);
		if (!k)
			continue;
		if (!n++)
			fprintf(f, "\nqueues unlike their card:\n");
		fprintf(f, "  %02x.%04x:", apm_queue_get_adapter(q), apm_queue_get_domain(q));
		for (int i = 0; i < k; i++)
			fprintf(f, "%s %s", i ? "," : "", what[i]);
		fprintf(f, "\n");
	}
	return rc < 0 ? rc : 0;
}

int show_text(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool detail)
{
	struct text_warn tw;
	struct apm_ctx *ctx = apm_host_get_ctx(h);
	struct apm_mask m, usage, control;
	struct grid *g = calloc(1, sizeof(*g));
	char hex[68], ranges[1024], text[1024];
	struct apm_queue *qu = NULL;
	struct listed l;
	int dom, urc, crc, err, rc, bad;

	if (!g)
		return -ENOMEM;
	g->h = h;
	g->width = (int)apm_host_get_label_width(h);
	bad = listed_ids(h, &l);
	/* The source is a path the operator gave, the features are sysfs text: escaped. */
	fprintf(f, "host: %s %s, kernel profile %s, max adapter 0x%02x, max domain 0x%02x\n",
		apm_host_get_kind(h) == APM_HOST_SIM ? "SIMULATED" : "sysfs",
		esc(apm_ctx_get_source(ctx), text, sizeof(text)), apm_host_get_profile(h),
		apm_host_get_max_adapter_id(h), apm_host_get_max_domain_id(h));
	fprintf(f, "bus features: %s; ",
		apm_host_get_bus_features(h) ? esc(apm_host_get_bus_features(h), text, sizeof(text))
					     : "(none)");
	fprintf(f, "matrix features: %s; vfio_ap %s\n",
		apm_host_get_matrix_features(h)
			? esc(apm_host_get_matrix_features(h), text, sizeof(text))
			: "(none)",
		apm_host_vfio_ap_loaded(h) ? "loaded" : "NOT loaded");
	if (apm_host_get_ap_domain(h, &dom))
		fprintf(f, "ap_domain: unknown");
	else if (dom < 0)
		fprintf(f, "ap_domain: none");
	else
		fprintf(f, "ap_domain: 0x%02x", dom);
	fprintf(f, "; bindings %s\n",
		apm_host_is_bindings_complete(h, &err) ? "complete"
		: !err				       ? "INCOMPLETE"
						       : "unknown");
	apm_host_get_apmask(h, &m);
	apm_mask_format(&m, hex);
	apm_mask_format_ranges(&m, ranges, sizeof(ranges));
	fprintf(f, "apmask: %s (host adapters: %s)\n", hex, ranges[0] ? ranges : "none");
	apm_host_get_aqmask(h, &m);
	apm_mask_format(&m, hex);
	apm_mask_format_ranges(&m, ranges, sizeof(ranges));
	fprintf(f, "aqmask: %s (host domains: %s)\n", hex, ranges[0] ? ranges : "none");
	text_persist_masks(f, h, cfg);

	fprintf(f, "\nadapters:\n  ID    TYPE   MODE   LPAR  CONFIG  CHKSTOP  ONLINE\n");
	for (unsigned int a = 0; a < 256; a++) {
		const char *type, *mode;
		struct apm_adapter *ad;
		int ce, ke, oe;
		bool c, k, o;

		if (!apm_mask_test(&l.adapters, a))
			continue;
		if (apm_host_lookup_adapter(h, a, &ad)) {
			fprintf(f, "  0x%02x  -      -      no    -       -        -\n", a);
			continue;
		}
		type = apm_adapter_get_type(ad);
		mode = apm_adapter_get_mode(ad);
		c = apm_adapter_is_configured(ad, &ce);
		k = apm_adapter_is_checkstopped(ad, &ke);
		o = apm_adapter_is_online(ad, &oe);
		fprintf(f, "  0x%02x  %-6s %-6s %-5s %-7s %-8s %s\n", a,
			type[0] ? esc(type, text, sizeof(text)) : "-", mode ? mode : "-", "yes",
			tri(c, ce, "on", "off"), tri(k, ke, "yes", "no"), tri(o, oe, "yes", "no"));
		apm_adapter_unref(ad);
	}
	if (detail && (rc = unlike_queues(f, h)) && !bad)
		bad = rc;

	while (!(rc = apm_host_next_queue(h, &qu)))
		grid_queue(g, qu);
	if (rc < 0 && !bad)
		bad = rc;
	urc = apm_host_get_lpar_mask(h, APM_KIND_DOMAIN, &usage);
	crc = apm_host_get_lpar_mask(h, APM_KIND_CONTROL_DOMAIN, &control);
	/* A column is a blank and width + 1 characters: a label and its mark. */
	fprintf(f, "\ngrid (rows adapters, columns domains; U usage, C control, B both):\n      ");
	for (unsigned int d = 0; d < 256; d++)
		if (apm_mask_test(&l.domains, d))
			fprintf(f, " %*s%02x", g->width - 1, "", d);
	fprintf(f, "\n      ");
	for (unsigned int d = 0; d < 256; d++) {
		bool u = !urc && apm_mask_test(&usage, d), c = !crc && apm_mask_test(&control, d);

		if (apm_mask_test(&l.domains, d))
			fprintf(f, " %*c", g->width + 1, u && c ? 'B' : u ? 'U' : c ? 'C' : '-');
	}
	fputc('\n', f);
	for (unsigned int a = 0; a < 256; a++) {
		if (!apm_mask_test(&l.adapters, a))
			continue;
		fprintf(f, "  %02x  ", a);
		for (unsigned int d = 0; d < 256; d++)
			if (apm_mask_test(&l.domains, d))
				fprintf(f, " %*s", g->width + 1,
					g->any[a][d] ? g->cell[a][d] : ".");
		fputc('\n', f);
	}
	fprintf(f,
		"  h host  f free for vfio_ap  u unbound  . no queue\n  X assigned to the mdev labelled X  X* plugged into its running guest  X~ filtered out of the guest\n  X? over-provisioned (no queue device)  X! conflict (owned by the host)\n");

	fprintf(f, "\nmdevs:\n");
	if (!apm_host_get_mdev_count(h))
		fprintf(f, "  (none)\n");
	for (unsigned int i = 0; i < apm_host_get_mdev_count(h); i++) {
		struct apm_mdev *md = apm_host_get_mdev(h, i);
		struct apm_mask set[6];
		char r[3][512];
		int use = apm_mdev_is_in_use(md, &err) ? 1 : err ? -1 : 0;

		for (int k = 0; k < 6; k++)
			apm_mdev_get_mask(md, (enum apm_kind)k, &set[k]);
		for (int k = 0; k < 3; k++)
			apm_mask_format_ranges(&set[k], r[k], sizeof(r[k]));
		/* A guest's name is whatever the process calls itself: escaped. */
		fprintf(f, "  %-*s %s  %s\n", g->width, apm_mdev_get_label(md),
			apm_mdev_get_uuid(md),
			use == 1   ? (apm_mdev_get_guest(md)
					      ? esc(apm_mdev_get_guest(md), text, sizeof(text))
					      : "in use (guest unknown)")
			: use == 0 ? "not in use"
				   : "in use: unknown (no permission)");
		fprintf(f, "    adapters %s; domains %s; control domains %s\n",
			r[0][0] ? r[0] : "none", r[1][0] ? r[1] : "none", r[2][0] ? r[2] : "none");
		unsigned int n = 0;

		fprintf(f, "    guest matrix:");
		for (unsigned int a = 0; a < 256; a++)
			for (unsigned int q = 0; apm_mask_test(&set[3], a) && q < 256; q++)
				if (apm_mask_test(&set[4], q) && n++ < 16)
					fprintf(f, " %02x.%04x", a, q);
		fprintf(f, "%s%s\n", n > 16 ? " ..." : "", n ? "" : " (empty)");
		for (unsigned int a = 0; a < 256; a++)
			for (unsigned int d = 0; apm_mask_test(&set[0], a) && d < 256; d++) {
				if (!apm_mask_test(&set[1], d) ||
				    apm_host_lookup_queue(h, a, d, &qu))
					continue;
				if (!apm_queue_is_in_guest_matrix(qu))
					fprintf(f, "    not in guest: %02x.%04x %s: %s\n", a, d,
						apm_filter_name(apm_queue_get_filter(qu)),
						esc(apm_queue_get_reason(qu), text, sizeof(text)));
				qu = apm_queue_unref(qu);
			}
		text_persist_mdev(f, h, cfg, apm_mdev_get_uuid(md));
	}
	text_persist_defined(f, h, cfg);
	tw.f = f;
	tw.any = *apm_host_get_warnings(h);
	if (tw.any) {
		fprintf(f, "\nwarnings:\n");
		print_escaped_lines(f, "", apm_host_get_warnings(h));
	}
	if ((rc = apm_host_foreach_warning(h, text_warning, &tw)) < 0 && !bad)
		bad = rc;
	text_persist_warnings(f, h, cfg, !tw.any);
	free(g);
	return bad;
}

/* ----------------------------------------------------------- the guest */

/* As lszcrypt prints inside the guest: its view is the guest_matrix. */
static int show_guest(struct cli *cli, struct apm_host *h, const char *name)
{
	struct apm_mask apm, aqm;
	struct apm_mdev *md;
	char type[64];

	if (find_mdev(cli, h, name, &md))
		return EXIT_USAGE;
	apm_mdev_get_mask(md, APM_KIND_GUEST_ADAPTER, &apm);
	apm_mdev_get_mask(md, APM_KIND_GUEST_DOMAIN, &aqm);
	printf("CARD.DOMAIN TYPE  MODE\n------------------------------\n");
	for (unsigned int a = 0; a < 256; a++) {
		const char *mode, *m;
		struct apm_adapter *ad;

		if (!apm_mask_test(&apm, a) || apm_host_lookup_adapter(h, a, &ad))
			continue;
		m = apm_adapter_get_mode(ad);
		mode = !m		    ? "-"
		       : !strcmp(m, "cca")  ? "CCA-Coproc"
		       : !strcmp(m, "ep11") ? "EP11-Coproc"
					    : "Accelerator";
		esc(apm_adapter_get_type(ad)[0] ? apm_adapter_get_type(ad) : "-", type,
		    sizeof(type));
		apm_adapter_unref(ad);
		printf("%02x          %-5s %s\n", a, type, mode);
		for (unsigned int q = 0; q < 256; q++)
			if (apm_mask_test(&aqm, q))
				printf("%02x.%04x     %-5s %s\n", a, q, type, mode);
	}
	return EXIT_OK;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "detail", no_argument, NULL, 'd' },
		{ "guest", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, detail = false;
	const char *guest = NULL;
	struct apm_config *cfg = NULL;
	struct apm_host *h;
	int c, rc;

	optind = 1;
	while (argc > 0 && (c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'd':
			detail = true;
			break;
		case 'g':
			guest = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc > 0 && optind < argc) {
		usage_error(cli, "show: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	rc = load_host(cli, detail ? APM_LOAD_DETAIL : 0, &h);
	if (rc)
		return EXIT_REFUSED;
	if (!guest && load_config(cli, NULL, &cfg)) {
		apm_host_unref(h);
		return EXIT_REFUSED;
	}
	/* 11 MB of JSON at 256 x 256: in 1 MiB writes, not stdio's 4 KiB. */
	stdout_large();
	if (guest)
		rc = show_guest(cli, h, guest);
	else if ((rc = json ? show_json(stdout, h, cfg, detail)
			    : show_text(stdout, h, cfg, detail))) {
		/* What is printed is short of the host: said, and not a success. */
		eprintf(cli, "show: the listing is incomplete: %s", strerror(-rc));
		rc = EXIT_REFUSED;
	}
	apm_config_unref(cfg);
	apm_host_unref(h);
	return rc;
}
