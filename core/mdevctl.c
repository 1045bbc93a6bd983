// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl.c - mdevctl's definition files, /etc/mdevctl.d/matrix/UUID.
 *
 * A definition is a JSON object: "mdev_type", "start" ("auto" or "manual")
 * and an ordered "attrs" list of single-key objects whose values are
 * strings; `mdevctl start` creates the mdev and writes each attribute to
 * the sysfs file of that name, in order (mdevctl src/mdev.rs:
 * load_from_json, add_attributes, start).  The reader refuses what mdevctl
 * or ap-check (its vfio_ap callout, libap/ap.c:
 * vfio_ap_read_device_config) would refuse or misread, and attribute
 * values the kernel would refuse (vfio_ap_ops.c: assign_adapter_store
 * parses them with kstrtoul), naming FILE:LINE.  The writer produces the
 * bytes mdevctl writes (serde_json's pretty form: two-space indentation,
 * `"key": "value"`, `"attrs": []`, no final newline), checked against
 * files mdevctl itself wrote (tests/fixtures/mdevctl/).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "persist.h"

/* Definitions nest three deep; anything deeper is not one. */
#define DEF_MAX_DEPTH 8

static unsigned int line_at(const char *text, size_t len, size_t off)
{
	unsigned int line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

/*
 * json-c keeps no positions, so the line of a member is found again in the
 * text, which has parsed: the first string token "key" at object depth 1
 * followed by a colon.  Scanning tokens (not bytes) keeps a key quoted
 * inside a value from matching.
 */
static size_t member_offset(const char *text, size_t len, const char *key)
{
	size_t klen = strlen(key);
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == '"') {
			size_t start = i + 1, j = start;

			while (j < len && text[j] != '"')
				j += text[j] == '\\' ? 2 : 1;
			if (depth == 1 && j - start == klen && !memcmp(text + start, key, klen)) {
				size_t k = j + 1;

				while (k < len && strchr(" \t\r\n", text[k]))
					k++;
				if (k < len && text[k] == ':')
					return i;
			}
			i = j;
		}
	}
	return 0;
}

/* Where element idx of the array that follows member "attrs" starts. */
static size_t element_offset(const char *text, size_t len, size_t idx)
{
	size_t i = member_offset(text, len, "attrs"), n = 0;
	int depth = 0;

	while (i < len && text[i] != '[')
		i++;
	for (; i < len; i++) {
		char c = text[i];

		if (c == '"') {
			if (depth == 1 && n++ == idx)
				return i;
			for (i++; i < len && text[i] != '"';)
				i += text[i] == '\\' ? 2 : 1;
		} else if (c == '[' || c == '{') {
			if (depth == 1 && c == '{' && n++ == idx)
				return i;
			depth++;
		} else if (c == ']' || c == '}') {
			if (--depth == 0)
				break;
		} else if (depth == 1 && !strchr(" \t\r\n,", c) && n++ == idx) {
			return i;
		}
	}
	return i;
}

/*
 * File text quoted in a message: escaped for a terminal and cut short, with
 * "..." after the last whole character or escape that fits (never after
 * the first bytes of a character: the message must stay valid UTF-8).
 */
static const char *quote(const char *s, char *buf, size_t size)
{
	apm_text_escape(s, buf, size, APM_TEXT_ELLIPSIS);
	return buf;
}

enum attr_kind {
	ATTR_ASSIGN = 0,
	ATTR_UNASSIGN,
	ATTR_AP_CONFIG,
};

/* The sysfs attributes of a vfio_ap mdev that a definition may write. */
static const struct {
	const char *name;
	enum attr_kind kind;
	int what; /* 0 adapter, 1 domain, 2 control domain */
} known_attrs[] = {
	{ "assign_adapter", ATTR_ASSIGN, 0 },
	{ "assign_domain", ATTR_ASSIGN, 1 },
	{ "assign_control_domain", ATTR_ASSIGN, 2 },
	{ "unassign_adapter", ATTR_UNASSIGN, 0 },
	{ "unassign_domain", ATTR_UNASSIGN, 1 },
	{ "unassign_control_domain", ATTR_UNASSIGN, 2 },
	{ "ap_config", ATTR_AP_CONFIG, 0 },
};

static struct apr_mask *def_set(struct apm_def *def, int what)
{
	return what == 0 ? &def->apm : what == 1 ? &def->aqm : &def->adm;
}

/* Where attrs[idx] is: its line is found only when there is something to say. */
struct where {
	const char *text, *name;
	size_t len, idx;
};

static unsigned int where_line(const struct where *w)
{
	return line_at(w->text, w->len, element_offset(w->text, w->len, w->idx));
}

/* Replays one attribute as `mdevctl start` writes it and the kernel takes it. */
static int replay(struct apm_def *def, const char *key, const char *value, const struct where *w,
		  struct apm_buf *err)
{
	const char *name = w->name;
	unsigned long long id;
	struct apr_mask cfg[3];
	char q[80];

	for (size_t i = 0; i < ARRAY_SIZE(known_attrs); i++) {
		if (strcmp(known_attrs[i].name, key))
			continue;
		if (known_attrs[i].kind == ATTR_AP_CONFIG) {
			/* vfio_ap_ops.c: ap_config_store, three absolute masks */
			if (apr_ap_config_parse(value, strlen(value), cfg))
				return apm_file_error(
					err, name, where_line(w),
					"ap_config value '%s' is not three masks 0x...,0x...,0x... (the kernel refuses it)",
					quote(value, q, sizeof(q)));
			def->apm = cfg[0];
			def->aqm = cfg[1];
			def->adm = cfg[2];
			return 0;
		}
		if (apr_kstrtoul(value, &id) || id >= APR_BITS)
			return apm_file_error(
				err, name, where_line(w),
				"%s value '%s' is not an ID 0..255 the kernel reads (decimal, 0x hex or 0 octal)",
				key, quote(value, q, sizeof(q)));
		if (known_attrs[i].kind == ATTR_ASSIGN)
			apr_mask_set(def_set(def, known_attrs[i].what), (unsigned int)id);
		else
			apr_mask_clear(def_set(def, known_attrs[i].what), (unsigned int)id);
		return 0;
	}
	return apm_file_error(
		err, name, where_line(w),
		"'%s' is not an attribute of a vfio_ap mdev: `mdevctl start` would fail writing it",
		quote(key, q, sizeof(q)));
}

static int add_attr(struct apm_def *def, const char *key, const char *value, size_t *cap)
{
	struct apm_def_attr *a = def->attrs;

	if (def->nattrs == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		a = realloc(def->attrs, *cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		def->attrs = a;
	}
	a[def->nattrs].key = strdup(key);
	a[def->nattrs].value = strdup(value);
	if (!a[def->nattrs].key || !a[def->nattrs].value) {
		free(a[def->nattrs].key);
		free(a[def->nattrs].value);
		return -ENOMEM;
	}
	def->nattrs++;
	return 0;
}

/* "\u0000" inside a JSON string: C text would stop there. */
static bool has_nul(json_object *s)
{
	return (size_t)json_object_get_string_len(s) != strlen(json_object_get_string(s));
}

static int parse_attrs(struct apm_def *def, json_object *attrs, const char *text, size_t len,
		       const char *name, struct apm_buf *err)
{
	struct where w = { .text = text, .name = name, .len = len };
	size_t n, cap = 0;

	/* mdevctl: a missing or null "attrs" is no attributes. */
	if (!attrs)
		return 0;
	if (!json_object_is_type(attrs, json_type_array))
		return apm_file_error(err, name,
				      line_at(text, len, member_offset(text, len, "attrs")),
				      "\"attrs\" is not a list");
	n = json_object_array_length(attrs);
	for (size_t i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(attrs, i);
		char q[80];
		int rc;

		w.idx = i;
		if (!json_object_is_type(a, json_type_object) || json_object_object_length(a) != 1)
			return apm_file_error(
				err, name, where_line(&w),
				"attrs[%zu] is not an object with one attribute (mdevctl refuses it)",
				i);
		json_object_object_foreach(a, key, val)
		{
			if (!json_object_is_type(val, json_type_string))
				return apm_file_error(
					err, name, where_line(&w),
					"attrs[%zu] (%s): the value is not a string (mdevctl refuses it)",
					i, quote(key, q, sizeof(q)));
			if (has_nul(val))
				return apm_file_error(
					err, name, where_line(&w),
					"attrs[%zu] (%s): a NUL character (\\u0000) in the value",
					i, quote(key, q, sizeof(q)));
			rc = replay(def, key, json_object_get_string(val), &w, err);
			if (!rc)
				rc = add_attr(def, key, json_object_get_string(val), &cap);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int parse_object(struct apm_def *def, json_object *root, const char *text, size_t len,
			const char *name, struct apm_buf *err)
{
	json_object *type = NULL, *start = NULL, *attrs = NULL;
	const char *s;
	char q[80];

	if (!json_object_is_type(root, json_type_object))
		return apm_file_error(err, name, 1, "not a JSON object: not an mdevctl definition");
	json_object_object_get_ex(root, "mdev_type", &type);
	json_object_object_get_ex(root, "start", &start);
	json_object_object_get_ex(root, "attrs", &attrs);
	if (!json_object_is_type(type, json_type_string))
		return apm_file_error(err, name,
				      line_at(text, len, member_offset(text, len, "mdev_type")),
				      "\"mdev_type\" is %s (mdevctl refuses the definition)",
				      type ? "not a string" : "missing");
	s = json_object_get_string(type);
	if (has_nul(type) || strcmp(s, APM_MDEV_TYPE))
		return apm_file_error(
			err, name, line_at(text, len, member_offset(text, len, "mdev_type")),
			"\"mdev_type\" is '%s', not %s (the matrix device's only type)",
			quote(s, q, sizeof(q)), APM_MDEV_TYPE);
	if (!json_object_is_type(start, json_type_string))
		return apm_file_error(err, name,
				      line_at(text, len, member_offset(text, len, "start")),
				      "\"start\" is %s (mdevctl refuses the definition)",
				      start ? "not a string" : "missing");
	s = json_object_get_string(start);
	/* mdevctl takes anything but "auto" as manual; ap-check refuses it. */
	if (has_nul(start) || (strcmp(s, "auto") && strcmp(s, "manual")))
		return apm_file_error(
			err, name, line_at(text, len, member_offset(text, len, "start")),
			"\"start\" is '%s', neither auto nor manual (ap-check refuses it)",
			quote(s, q, sizeof(q)));
	def->autostart = !strcmp(s, "auto");
	return parse_attrs(def, attrs, text, len, name, err);
}

int apm_mdevctl_parse(const char *text, size_t len, const char *name, struct apm_def *def,
		      struct apm_buf *err)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *root;
	const char *nul;
	size_t end;
	int rc;

	def->autostart = false;
	def->nattrs = 0;
	def->attrs = NULL;
	apr_mask_zero(&def->apm);
	apr_mask_zero(&def->aqm);
	apr_mask_zero(&def->adm);
	if (len > APM_CONFIG_FILE_MAX || len > INT32_MAX)
		return apm_file_error(err, name, 1,
				      "larger than %d bytes: not an mdevctl definition",
				      APM_CONFIG_FILE_MAX);
	nul = memchr(text, '\0', len);
	if (nul)
		return apm_file_error(err, name, line_at(text, len, (size_t)(nul - text)),
				      "a NUL byte: not JSON text");
	tok = json_tokener_new_ex(DEF_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	/*
	 * serde_json's grammar: no comments, no trailing commas, nothing but
	 * blanks after the object, valid UTF-8.
	 */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		json_object_put(root);
		return apm_file_error(err, name, line_at(text, len, end), "malformed JSON: %s",
				      jerr == json_tokener_success ? "not a JSON value"
								   : json_tokener_error_desc(jerr));
	}
	rc = parse_object(def, root, text, len, name, err);
	json_object_put(root);
	if (rc)
		apm_def_clear(def);
	return rc;
}

void apm_def_clear(struct apm_def *def)
{
	for (unsigned int i = 0; i < def->nattrs; i++) {
		free(def->attrs[i].key);
		free(def->attrs[i].value);
	}
	free(def->attrs);
	def->attrs = NULL;
	def->nattrs = 0;
}

/* serde_json writes an empty list as [] where json-c's pretty form breaks it. */
static int empty_list(json_object *o, struct printbuf *pb, int level, int flags)
{
	(void)o;
	(void)level;
	(void)flags;
	return printbuf_strappend(pb, "[]");
}

static int add_ids(json_object *attrs, const char *key, const struct apr_mask *m)
{
	char v[4];

	for (unsigned int i = apr_mask_next(m, 0); i < APR_BITS; i = apr_mask_next(m, i + 1)) {
		json_object *a = json_object_new_object();

		snprintf(v, sizeof(v), "%u", i);
		if (!a || json_object_object_add(a, key, json_object_new_string(v)) ||
		    json_object_array_add(attrs, a)) {
			json_object_put(a);
			return -ENOMEM;
		}
	}
	return 0;
}

int apm_mdevctl_format(bool autostart, const struct apr_mask *apm, const struct apr_mask *aqm,
		       const struct apr_mask *adm, struct apm_buf *out)
{
	json_object *root = json_object_new_object(), *attrs = json_object_new_array();
	const char *s;
	int rc = -ENOMEM;

	if (!root || !attrs)
		goto out;
	if (json_object_object_add(root, "mdev_type", json_object_new_string(APM_MDEV_TYPE)) ||
	    json_object_object_add(root, "start",
				   json_object_new_string(autostart ? "auto" : "manual")))
		goto out;
	if (add_ids(attrs, "assign_adapter", apm) || add_ids(attrs, "assign_domain", aqm) ||
	    add_ids(attrs, "assign_control_domain", adm))
		goto out;
	if (!json_object_array_length(attrs))
		json_object_set_serializer(attrs, empty_list, NULL, NULL);
	if (json_object_object_add(root, "attrs", attrs))
		goto out;
	attrs = NULL;
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s) {
		apm_buf_printf(out, "%s", s);
		rc = out->s ? 0 : -ENOMEM;
	}
out:
	json_object_put(attrs);
	json_object_put(root);
	return rc;
}
