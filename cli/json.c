// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - the JSON values of `show --json` (a contract, see README): text,
 * ID lists, APQN lists, and an active mdev's record, shared by show.c and
 * show-persist.c (which adds each mdev's persistence to that record).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/*
 * Every value is built and escaped by json-c; only the fixed frame (the
 * top-level keys and the line breaks the contract's layout has) is ours.
 * Text from outside (guest names, sysfs text, file contents) first goes
 * through apm_text_escape(), so the JSON is valid UTF-8 without control
 * characters a terminal would obey, whatever the host holds.
 */
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

json_object *json_text(const char *s)
{
	size_t need;
	char *buf;
	json_object *o;

	if (!s)
		return NULL;
	need = apm_text_escape(s, NULL, 0, APM_TEXT_KEEP_NEWLINE | APM_TEXT_KEEP_TAB);
	if (need == strlen(s))
		return json_object_new_string(s);
	buf = malloc(need + 1);
	if (!buf)
		return NULL;
	apm_text_escape(s, buf, need + 1, APM_TEXT_KEEP_NEWLINE | APM_TEXT_KEEP_TAB);
	o = json_object_new_string(buf);
	free(buf);
	return o;
}

/* -1 stands for "unknown" in the library's tri-state getters. */
json_object *json_tri(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

json_object *json_fact(bool v, int err)
{
	return json_tri(err ? -1 : v);
}

json_object *json_ids(const struct apm_mask *m)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < 256; i++)
		if (apm_mask_test(m, i))
			json_object_array_add(a, json_object_new_int((int)i));
	return a;
}

json_object *json_apqns(const struct apm_mask *apm, const struct apm_mask *aqm)
{
	json_object *a = json_object_new_array();
	char apqn[8];

	for (unsigned int ad = 0; ad < 256; ad++)
		for (unsigned int q = 0; apm_mask_test(apm, ad) && q < 256; q++)
			if (apm_mask_test(aqm, q)) {
				snprintf(apqn, sizeof(apqn), "%02x.%04x", ad, q);
				json_object_array_add(a, json_object_new_string(apqn));
			}
	return a;
}

void json_put(FILE *f, json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_FLAGS), f);
	json_object_put(o);
}

static void json_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

json_object *json_mdev(struct apm_host *h, unsigned int i)
{
	static const char *const names[] = { "adapters",	"domains",
					     "control_domains", "guest_adapters",
					     "guest_domains",	"guest_control_domains" };
	struct apm_mdev *md = apm_host_get_mdev(h, i);
	json_object *o = json_object_new_object(), *filtered = json_object_new_array();
	struct apm_mask set[6];
	bool in_use;
	int err;

	for (int k = 0; k < 6; k++)
		apm_mdev_get_mask(md, (enum apm_kind)k, &set[k]);
	json_add(o, "uuid", json_object_new_string(apm_mdev_get_uuid(md)));
	json_add(o, "label", json_object_new_string(apm_mdev_get_label(md)));
	json_add(o, "guest", json_text(apm_mdev_get_guest(md)));
	in_use = apm_mdev_is_in_use(md, &err);
	json_add(o, "in_use", json_fact(in_use, err));
	for (int k = 0; k < 3; k++)
		json_add(o, names[k], json_ids(&set[k]));
	json_add(o, "matrix", json_apqns(&set[0], &set[1]));
	for (int k = 3; k < 6; k++)
		json_add(o, names[k], json_ids(&set[k]));
	json_add(o, "guest_matrix", json_apqns(&set[3], &set[4]));
	/* Only this mdev's matrix: a walk over every queue per mdev is quadratic. */
	for (unsigned int a = 0; a < 256; a++)
		for (unsigned int q = 0; apm_mask_test(&set[0], a) && q < 256; q++) {
			struct apm_queue *qu;
			json_object *fo;
			char apqn[8];

			if (!apm_mask_test(&set[1], q) || apm_host_lookup_queue(h, a, q, &qu))
				continue;
			if (apm_queue_get_mdev(qu) != md || apm_queue_is_in_guest_matrix(qu)) {
				apm_queue_unref(qu);
				continue;
			}
			fo = json_object_new_object();
			snprintf(apqn, sizeof(apqn), "%02x.%04x", a, q);
			json_add(fo, "apqn", json_object_new_string(apqn));
			json_add(fo, "code",
				 json_object_new_string(apm_filter_name(apm_queue_get_filter(qu))));
			json_add(fo, "reason", json_text(apm_queue_get_reason(qu)));
			json_object_array_add(filtered, fo);
			apm_queue_unref(qu);
		}
	json_add(o, "filtered", filtered);
	return o;
}
