// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * restore.c - the restore file of a guided migration: made from a host's
 * mdev, written atomically, read back strictly.
 *
 * The file is the one record of what `apmatrix unplug` took from a guest,
 * so it is written whole before anything is unplugged (temporary file,
 * fsync, rename) and refused when it is not exactly what apmatrix wrote:
 *   {"format": "apmatrix-restore", "version": 1,
 *    "body": {...}, "checksum": "crc32:XXXXXXXX"}
 * The checksum covers the body as json-c prints it plainly, so whitespace
 * may change, content may not.  JSON is read and written by json-c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "persist.h"

#define FORMAT_NAME "apmatrix-restore"

struct rmk {
	char reg[16], state[16], pattern[APR_MKVP_STRLEN];
};

struct rq {
	unsigned int adapter, domain;
	bool exists, in_guest;
	int hwtype;
	char type[16], mode[8];
	unsigned int n;
	struct rmk mk[APR_MK_COUNT];
};

struct apm_restore {
	int refcount;
	char uuid[37];
	char *guest, *domain;
	char created[32];
	char kind[8], profile[8];
	struct apm_host_identity src;
	struct apr_mask sets[6]; /* enum apm_kind */
	bool keys_read;		 /* read after the unplug, lent to zcrypt */
	bool guest_complete;	 /* guest_matrix fit its sysfs page */
	unsigned int napqns;
	struct rq *q;
	char *text;
};

static const char *const set_keys[6] = {
	"adapters",	  "domains",	   "control_domains",
	"guest_adapters", "guest_domains", "guest_control_domains",
};

/* CRC-32 (IEEE 802.3, reflected 0xedb88320): enough against accidents and edits by hand. */
static uint32_t crc32_of(const char *s, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static struct apm_restore *restore_alloc(void)
{
	struct apm_restore *r = calloc(1, sizeof(*r));

	if (r)
		r->refcount = 1;
	return r;
}

APM_EXPORT struct apm_restore *apm_restore_ref(struct apm_restore *r)
{
	if (r)
		r->refcount++;
	return r;
}

APM_EXPORT struct apm_restore *apm_restore_unref(struct apm_restore *r)
{
	if (!r || --r->refcount > 0)
		return r;
	free(r->guest);
	free(r->domain);
	free(r->q);
	free(r->text);
	free(r);
	return NULL;
}

/* ------------------------------------------------------------ writing */

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *ids_json(const struct apr_mask *m)
{
	json_object *a = json_object_new_array();

	for (unsigned int id = apr_mask_next(m, 0); id < APR_BITS; id = apr_mask_next(m, id + 1))
		json_object_array_add(a, json_object_new_int((int)id));
	return a;
}

static json_object *body_json(const struct apm_restore *r)
{
	json_object *b = json_object_new_object(), *src = json_object_new_object();
	json_object *apqns = json_object_new_array();

	json_object_object_add(b, "created", json_object_new_string(r->created));
	json_object_object_add(src, "kind", json_object_new_string(r->kind));
	json_object_object_add(src, "profile", json_object_new_string(r->profile));
	json_object_object_add(src, "name", str_or_null(r->src.name));
	json_object_object_add(src, "machine_type", str_or_null(r->src.machine_type));
	json_object_object_add(src, "sequence_code", str_or_null(r->src.sequence_code));
	json_object_object_add(src, "lpar_name", str_or_null(r->src.lpar_name));
	json_object_object_add(src, "lpar_number",
			       r->src.lpar_number >= 0 ? json_object_new_int(r->src.lpar_number)
						       : NULL);
	json_object_object_add(b, "source", src);
	json_object_object_add(b, "mdev", json_object_new_string(r->uuid));
	json_object_object_add(b, "guest", str_or_null(r->guest));
	json_object_object_add(b, "libvirt_domain", str_or_null(r->domain));
	json_object_object_add(b, "keys_read", json_object_new_boolean(r->keys_read));
	json_object_object_add(b, "guest_matrix_complete",
			       json_object_new_boolean(r->guest_complete));
	for (int k = 0; k < 6; k++)
		json_object_object_add(b, set_keys[k], ids_json(&r->sets[k]));
	for (unsigned int i = 0; i < r->napqns; i++) {
		const struct rq *q = &r->q[i];
		json_object *o = json_object_new_object(), *mk = json_object_new_array();
		char apqn[16];

		snprintf(apqn, sizeof(apqn), "%02x.%04x", q->adapter, q->domain);
		json_object_object_add(o, "apqn", json_object_new_string(apqn));
		json_object_object_add(o, "adapter", json_object_new_int((int)q->adapter));
		json_object_object_add(o, "domain", json_object_new_int((int)q->domain));
		json_object_object_add(o, "exists", json_object_new_boolean(q->exists));
		json_object_object_add(o, "in_guest", json_object_new_boolean(q->in_guest));
		json_object_object_add(o, "hwtype",
				       q->hwtype >= 0 ? json_object_new_int(q->hwtype) : NULL);
		json_object_object_add(o, "type", str_or_null(q->type));
		json_object_object_add(o, "mode", str_or_null(q->mode));
		/* zcrypt's generation: hwtype 10 is CEX4 ... 14 CEX8 (ap_bus.h: AP_DEVICE_TYPE_*). */
		json_object_object_add(o, "generation",
				       q->hwtype >= 10 ? json_object_new_int(q->hwtype - 6) : NULL);
		for (unsigned int k = 0; k < q->n; k++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "register", json_object_new_string(q->mk[k].reg));
			json_object_object_add(e, "state", json_object_new_string(q->mk[k].state));
			json_object_object_add(e, "pattern",
					       json_object_new_string(q->mk[k].pattern));
			json_object_array_add(mk, e);
		}
		json_object_object_add(o, "mkvps", mk);
		json_object_array_add(apqns, o);
	}
	json_object_object_add(b, "apqns", apqns);
	return b;
}

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static int make_text(struct apm_restore *r)
{
	json_object *doc = json_object_new_object(), *body = body_json(r);
	const char *plain = json_object_to_json_string_ext(body, PLAIN);
	char sum[32];

	snprintf(sum, sizeof(sum), "crc32:%08x", crc32_of(plain, strlen(plain)));
	json_object_object_add(doc, "format", json_object_new_string(FORMAT_NAME));
	json_object_object_add(doc, "version", json_object_new_int(APM_RESTORE_VERSION));
	json_object_object_add(doc, "body", body);
	json_object_object_add(doc, "checksum", json_object_new_string(sum));
	r->text = strdup(json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return r->text ? 0 : -ENOMEM;
}

struct mk_ctx {
	struct rq *q;
};

static int take_mkvp(const char *reg, const char *state, const char *pattern, void *data)
{
	struct rq *q = data;

	if (q->n >= APR_MK_COUNT)
		return 0;
	snprintf(q->mk[q->n].reg, sizeof(q->mk[q->n].reg), "%s", reg);
	snprintf(q->mk[q->n].state, sizeof(q->mk[q->n].state), "%s", state);
	snprintf(q->mk[q->n].pattern, sizeof(q->mk[q->n].pattern), "%s", pattern);
	q->n++;
	return 0;
}

APM_EXPORT int apm_restore_new(struct apm_host *host, const char *uuid, const char *domain,
			       struct apm_restore **out)
{
	struct apm_mdev *md = apm_host_find_mdev(host, uuid);
	struct apm_restore *r;
	unsigned int n = 0;
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (!md)
		return -ENODEV;
	/*
	 * Before ap_config (6.10) the matrix and control_domains are read from
	 * one sysfs page each: never record half of them.  (truncated is
	 * either of the matrix or guest_matrix; each is told apart here.)
	 */
	if ((md->trunc_matrix || md->trunc_domains) && !md->has_ap_config)
		return -EFBIG;
	r = restore_alloc();
	if (!r)
		return -ENOMEM;
	snprintf(r->uuid, sizeof(r->uuid), "%s", apm_mdev_get_uuid(md));
	r->guest = apm_mdev_get_guest(md) ? strdup(apm_mdev_get_guest(md)) : NULL;
	/* With ap_config only guest_matrix can be cut short: the matrix itself is whole. */
	r->guest_complete = !md->trunc_guest;
	r->domain = domain && *domain ? strdup(domain) : NULL;
	gmtime_r(&now, &tm);
	strftime(r->created, sizeof(r->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(r->kind, sizeof(r->kind), "%s",
		 apm_host_get_kind(host) == APM_HOST_SIM ? "sim" : "sysfs");
	snprintf(r->profile, sizeof(r->profile), "%s", apm_host_get_profile(host));
	apm_host_get_identity(host, &r->src);
	for (int k = 0; k < 6; k++)
		apm_mdev_get_mask(md, (enum apm_kind)k, (struct apm_mask *)&r->sets[k]);
	r->q = calloc((size_t)apr_mask_weight(&r->sets[0]) * apr_mask_weight(&r->sets[1]) + 1,
		      sizeof(*r->q));
	if (!r->q) {
		apm_restore_unref(r);
		return -ENOMEM;
	}
	for (unsigned int a = apr_mask_next(&r->sets[0], 0); a < APR_BITS;
	     a = apr_mask_next(&r->sets[0], a + 1)) {
		struct apm_adapter ai;
		bool card = !apm_adapter_init(&ai, host, a) && apm_adapter_has_card(&ai);

		for (unsigned int d = apr_mask_next(&r->sets[1], 0); d < APR_BITS;
		     d = apr_mask_next(&r->sets[1], d + 1)) {
			struct rq *q = &r->q[n++];
			struct apm_queue qi;

			q->adapter = a;
			q->domain = d;
			q->hwtype = card ? apm_adapter_get_hwtype(&ai) : -1;
			if (card) {
				const char *mode = apm_adapter_get_mode(&ai);

				snprintf(q->type, sizeof(q->type), "%s", apm_adapter_get_type(&ai));
				snprintf(q->mode, sizeof(q->mode), "%s", mode ? mode : "");
			}
			if (!apm_queue_init(&qi, host, a, d)) {
				q->exists = qi.exists;
				q->in_guest = qi.in_guest_matrix;
			}
			if (q->exists)
				apm_host_foreach_queue_mkvp(host, a, d, take_mkvp, q);
		}
	}
	r->napqns = n;
	rc = make_text(r);
	if (rc) {
		apm_restore_unref(r);
		return rc;
	}
	*out = r;
	return 0;
}

APM_EXPORT int apm_restore_save(const struct apm_restore *r, const char *path, unsigned int flags)
{
	struct stat st;

	if (!(flags & APM_RESTORE_REPLACE) && !lstat(path, &st))
		return -EEXIST;
	return apm_file_write_atomic(path, r->text, strlen(r->text), 0644);
}

static int add_key(const char *reg, const char *state, const char *pattern, void *data)
{
	return take_mkvp(reg, state, pattern, data);
}

APM_EXPORT int apm_restore_new_with_keys(const struct apm_restore *r, const struct apm_keys *keys,
					 struct apm_restore **out)
{
	struct apm_restore *c = restore_alloc();
	int rc;

	if (!c)
		return -ENOMEM;
	memcpy(c->uuid, r->uuid, sizeof(c->uuid));
	memcpy(c->created, r->created, sizeof(c->created));
	memcpy(c->kind, r->kind, sizeof(c->kind));
	memcpy(c->profile, r->profile, sizeof(c->profile));
	c->src = r->src;
	c->guest_complete = r->guest_complete;
	memcpy(c->sets, r->sets, sizeof(c->sets));
	c->guest = r->guest ? strdup(r->guest) : NULL;
	c->domain = r->domain ? strdup(r->domain) : NULL;
	c->q = calloc(r->napqns + 1, sizeof(*c->q));
	if (!c->q || (r->guest && !c->guest) || (r->domain && !c->domain)) {
		apm_restore_unref(c);
		return -ENOMEM;
	}
	memcpy(c->q, r->q, r->napqns * sizeof(*c->q));
	c->napqns = r->napqns;
	for (unsigned int i = 0; i < c->napqns; i++)
		if (c->q[i].exists && !c->q[i].n)
			apm_keys_foreach(keys, c->q[i].adapter, c->q[i].domain, add_key, &c->q[i]);
	c->keys_read = true;
	rc = make_text(c);
	if (rc) {
		apm_restore_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

APM_EXPORT bool apm_restore_keys_read(const struct apm_restore *r)
{
	return r->keys_read;
}

APM_EXPORT bool apm_restore_guest_complete(const struct apm_restore *r)
{
	return r->guest_complete;
}

/* ------------------------------------------------------------ reading */

struct reader {
	const char *path;
	char *err;
	size_t errsize;
};

static int fail(struct reader *rd, int rc, const char *fmt, ...) APM_PRINTF(3, 4);
/*
 * The sentence quotes the file's own text (a checksum, an APQN, a UUID)
 * and the caller's path: escaped here, so that err is safe for a terminal
 * whoever prints it.
 */
static int fail(struct reader *rd, int rc, const char *fmt, ...)
{
	struct apm_buf line = { 0 };
	char *what = NULL;
	va_list ap;

	if (!rd->err || !rd->errsize)
		return rc;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	apm_buf_printf(&line, "%s: %s", rd->path, what ? what : apm_errno_name(rc));
	/* Built whole; what does not fit err ends in "...", never shown as if whole. */
	apm_text_escape(line.s ? line.s : apm_errno_name(rc), rd->err, rd->errsize,
			APM_TEXT_ELLIPSIS);
	apm_buf_free(&line);
	free(what);
	return rc;
}

/* The member key of o of type t (json_type_null: a string or null), or an error naming it. */
static int member(struct reader *rd, json_object *o, const char *where, const char *key,
		  json_type t, json_object **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return fail(rd, -EINVAL, "%s%s is missing", where, key);
	if (t == json_type_null) {
		if (*v && !json_object_is_type(*v, json_type_string))
			return fail(rd, -EINVAL, "%s%s: expected a string or null", where, key);
		return 0;
	}
	if (!json_object_is_type(*v, t))
		return fail(rd, -EINVAL, "%s%s: expected %s", where, key,
			    t == json_type_int	     ? "an integer"
			    : t == json_type_array   ? "an array"
			    : t == json_type_boolean ? "true or false"
			    : t == json_type_object  ? "an object"
						     : "a string");
	return 0;
}

static int copy_str(struct reader *rd, json_object *o, const char *where, const char *key,
		    char *out, size_t size, bool nullable)
{
	json_object *v;
	int rc = member(rd, o, where, key, nullable ? json_type_null : json_type_string, &v);
	const char *s;

	if (rc)
		return rc;
	s = v ? json_object_get_string(v) : "";
	if (strlen(s) >= size)
		return fail(rd, -EINVAL, "%s%s: longer than %zu characters", where, key, size - 1);
	snprintf(out, size, "%s", s);
	return 0;
}

static int get_int(struct reader *rd, json_object *o, const char *where, const char *key, int lo,
		   int hi, bool nullable, int *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return fail(rd, -EINVAL, "%s%s is missing", where, key);
	if (!v && nullable) {
		*out = -1;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return fail(rd, -EINVAL, "%s%s: expected an integer", where, key);
	n = json_object_get_int64(v);
	if (n < lo || n > hi)
		return fail(rd, -EINVAL, "%s%s: %lld is not in %d..%d", where, key, (long long)n,
			    lo, hi);
	*out = (int)n;
	return 0;
}

static int read_ids(struct reader *rd, json_object *b, const char *key, struct apr_mask *m)
{
	json_object *a;
	int rc = member(rd, b, "", key, json_type_array, &a);

	if (rc)
		return rc;
	apr_mask_zero(m);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		int64_t n = json_object_get_int64(e);

		if (!json_object_is_type(e, json_type_int) || n < 0 || n > 255)
			return fail(rd, -EINVAL, "%s[%zu]: expected an ID 0..255", key, i);
		apr_mask_set(m, (unsigned int)n);
	}
	return 0;
}

static int read_apqn(struct reader *rd, json_object *o, unsigned int i, struct rq *q)
{
	char where[32], apqn[16], want[16];
	json_object *v, *mk;
	int a, d, rc;

	snprintf(where, sizeof(where), "apqns[%u].", i);
	if (!json_object_is_type(o, json_type_object))
		return fail(rd, -EINVAL, "apqns[%u]: expected an object", i);
	rc = get_int(rd, o, where, "adapter", 0, 255, false, &a);
	if (!rc)
		rc = get_int(rd, o, where, "domain", 0, 255, false, &d);
	if (!rc)
		rc = copy_str(rd, o, where, "apqn", apqn, sizeof(apqn), false);
	if (rc)
		return rc;
	q->adapter = (unsigned int)a;
	q->domain = (unsigned int)d;
	snprintf(want, sizeof(want), "%02x.%04x", a, d);
	if (strcmp(apqn, want))
		return fail(rd, -EINVAL, "%sapqn: '%s' is not adapter %d, domain %d", where, apqn,
			    a, d);
	rc = member(rd, o, where, "exists", json_type_boolean, &v);
	if (rc)
		return rc;
	q->exists = json_object_get_boolean(v);
	rc = member(rd, o, where, "in_guest", json_type_boolean, &v);
	if (rc)
		return rc;
	q->in_guest = json_object_get_boolean(v);
	rc = get_int(rd, o, where, "hwtype", 0, 255, true, &q->hwtype);
	if (!rc)
		rc = copy_str(rd, o, where, "type", q->type, sizeof(q->type), true);
	if (!rc)
		rc = copy_str(rd, o, where, "mode", q->mode, sizeof(q->mode), true);
	if (!rc)
		rc = member(rd, o, where, "mkvps", json_type_array, &mk);
	if (rc)
		return rc;
	if (json_object_array_length(mk) > APR_MK_COUNT)
		return fail(rd, -EINVAL, "%smkvps: more than %d registers", where, APR_MK_COUNT);
	for (size_t k = 0; k < json_object_array_length(mk); k++) {
		json_object *e = json_object_array_get_idx(mk, k);
		char w[64];

		snprintf(w, sizeof(w), "%smkvps[%zu].", where, k);
		if (!json_object_is_type(e, json_type_object))
			return fail(rd, -EINVAL, "%smkvps[%zu]: expected an object", where, k);
		rc = copy_str(rd, e, w, "register", q->mk[k].reg, sizeof(q->mk[k].reg), false);
		if (!rc)
			rc = copy_str(rd, e, w, "state", q->mk[k].state, sizeof(q->mk[k].state),
				      false);
		if (!rc)
			rc = copy_str(rd, e, w, "pattern", q->mk[k].pattern,
				      sizeof(q->mk[k].pattern), false);
		if (rc)
			return rc;
		q->n++;
	}
	return 0;
}

/*
 * "created" is printed in every account of the file: only the UTC time
 * apm_restore_new() writes (YYYY-MM-DDTHH:MM:SSZ) is read, so a file's
 * text never reaches a terminal through it (the checksum can be recomputed).
 */
static bool created_valid(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm = { 0 };
	const char *end;

	if (strlen(s) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
			return false;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end;
}

static int read_body(struct reader *rd, json_object *b, struct apm_restore *r)
{
	json_object *src, *apqns, *v;
	int rc;

	rc = copy_str(rd, b, "", "created", r->created, sizeof(r->created), false);
	if (!rc && !created_valid(r->created))
		rc = fail(rd, -EINVAL,
			  "created: '%s' is not the time apmatrix writes (YYYY-MM-DDTHH:MM:SSZ)",
			  r->created);
	if (!rc)
		rc = member(rd, b, "", "source", json_type_object, &src);
	if (!rc)
		rc = copy_str(rd, src, "source.", "kind", r->kind, sizeof(r->kind), false);
	if (!rc)
		rc = copy_str(rd, src, "source.", "profile", r->profile, sizeof(r->profile), false);
	if (!rc)
		rc = copy_str(rd, src, "source.", "name", r->src.name, sizeof(r->src.name), true);
	if (!rc)
		rc = copy_str(rd, src, "source.", "machine_type", r->src.machine_type,
			      sizeof(r->src.machine_type), true);
	if (!rc)
		rc = copy_str(rd, src, "source.", "sequence_code", r->src.sequence_code,
			      sizeof(r->src.sequence_code), true);
	if (!rc)
		rc = copy_str(rd, src, "source.", "lpar_name", r->src.lpar_name,
			      sizeof(r->src.lpar_name), true);
	if (!rc)
		rc = get_int(rd, src, "source.", "lpar_number", 0, 0xffff, true,
			     &r->src.lpar_number);
	if (!rc)
		rc = copy_str(rd, b, "", "mdev", r->uuid, sizeof(r->uuid), false);
	if (rc)
		return rc;
	if (!apm_uuid_valid(r->uuid))
		return fail(rd, -EINVAL, "mdev: '%s' is not a UUID", r->uuid);
	for (char *p = r->uuid; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	for (int k = 0; k < 2; k++) {
		rc = member(rd, b, "", k ? "libvirt_domain" : "guest", json_type_null, &v);
		if (rc)
			return rc;
		if (v && !(*(k ? &r->domain : &r->guest) = strdup(json_object_get_string(v))))
			return -ENOMEM;
	}
	rc = member(rd, b, "", "keys_read", json_type_boolean, &v);
	if (rc)
		return rc;
	r->keys_read = json_object_get_boolean(v);
	rc = member(rd, b, "", "guest_matrix_complete", json_type_boolean, &v);
	if (rc)
		return rc;
	r->guest_complete = json_object_get_boolean(v);
	for (int k = 0; k < 6 && !rc; k++)
		rc = read_ids(rd, b, set_keys[k], &r->sets[k]);
	if (!rc)
		rc = member(rd, b, "", "apqns", json_type_array, &apqns);
	if (rc)
		return rc;
	if (json_object_array_length(apqns) !=
	    (size_t)apr_mask_weight(&r->sets[0]) * apr_mask_weight(&r->sets[1]))
		return fail(rd, -EINVAL, "apqns: %zu entries, but the matrix has %u APQNs",
			    json_object_array_length(apqns),
			    apr_mask_weight(&r->sets[0]) * apr_mask_weight(&r->sets[1]));
	r->q = calloc(json_object_array_length(apqns) + 1, sizeof(*r->q));
	if (!r->q)
		return -ENOMEM;
	for (size_t i = 0; i < json_object_array_length(apqns); i++) {
		struct rq *q = &r->q[i];

		rc = read_apqn(rd, json_object_array_get_idx(apqns, i), (unsigned int)i, q);
		if (rc)
			return rc;
		if (!apr_mask_test(&r->sets[0], q->adapter) ||
		    !apr_mask_test(&r->sets[1], q->domain))
			return fail(rd, -EINVAL, "apqns[%zu]: %02x.%04x is not in the matrix", i,
				    q->adapter, q->domain);
		if (i && (q[-1].adapter > q->adapter ||
			  (q[-1].adapter == q->adapter && q[-1].domain >= q->domain)))
			return fail(rd, -EINVAL, "apqns[%zu]: %02x.%04x is out of order", i,
				    q->adapter, q->domain);
		r->napqns++;
	}
	return 0;
}

static int parse_doc(struct reader *rd, const char *text, size_t len, struct apm_restore *r)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *doc, *v, *body;
	enum json_tokener_error jerr;
	char want[32];
	const char *plain;
	int version, rc;

	if (!tok)
		return -ENOMEM;
	doc = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!doc && jerr == json_tokener_continue) {
		json_tokener_free(tok);
		return fail(rd, -EINVAL,
			    "cut short: the JSON document ends early (byte %zu of %zu)", len, len);
	}
	if (!doc || jerr != json_tokener_success) {
		size_t at = json_tokener_get_parse_end(tok);

		json_tokener_free(tok);
		json_object_put(doc);
		return fail(rd, -EINVAL, "not a restore file: bad JSON at byte %zu (%s)", at,
			    json_tokener_error_desc(jerr));
	}
	for (size_t at = json_tokener_get_parse_end(tok); at < len; at++)
		if (text[at] != ' ' && text[at] != '\n' && text[at] != '\t' && text[at] != '\r') {
			json_tokener_free(tok);
			json_object_put(doc);
			return fail(rd, -EINVAL,
				    "not a restore file: text after the JSON at byte %zu", at);
		}
	json_tokener_free(tok);
	rc = 0;
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "format", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), FORMAT_NAME))
		rc = fail(rd, -EINVAL, "not a restore file (no \"format\": \"%s\")", FORMAT_NAME);
	if (!rc)
		rc = get_int(rd, doc, "", "version", 0, 1 << 30, false, &version);
	if (!rc && version != APM_RESTORE_VERSION)
		rc = fail(rd, -EPROTO,
			  "restore file version %d; this apmatrix reads version %d only", version,
			  APM_RESTORE_VERSION);
	if (!rc)
		rc = member(rd, doc, "", "body", json_type_object, &body);
	if (!rc)
		rc = member(rd, doc, "", "checksum", json_type_string, &v);
	if (!rc) {
		plain = json_object_to_json_string_ext(body, PLAIN);
		snprintf(want, sizeof(want), "crc32:%08x", crc32_of(plain, strlen(plain)));
		if (strcmp(want, json_object_get_string(v)))
			rc = fail(
				rd, -EBADMSG,
				"checksum mismatch (recorded %.40s, computed %s): the file was changed after apmatrix wrote it",
				json_object_get_string(v), want);
	}
	if (!rc)
		rc = read_body(rd, body, r);
	json_object_put(doc);
	return rc;
}

APM_EXPORT int apm_restore_load(const char *path, struct apm_restore **out, char *err,
				size_t errsize)
{
	struct reader rd = { .path = path, .err = err, .errsize = errsize };
	struct apm_restore *r;
	struct stat st;
	char *text;
	ssize_t n;
	int fd, rc;

	if (err && errsize)
		err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail(&rd, -errno, "cannot open it: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > 16 * APM_CONFIG_FILE_MAX) {
		close(fd);
		return fail(&rd, -EINVAL, "not a regular file of at most %d bytes",
			    16 * APM_CONFIG_FILE_MAX);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(text);
		return fail(&rd, -EIO, "cannot read it");
	}
	text[n] = '\0';
	if (n == 0) {
		free(text);
		return fail(&rd, -EINVAL, "empty: cut short before anything was written");
	}
	r = restore_alloc();
	if (!r) {
		free(text);
		return -ENOMEM;
	}
	rc = parse_doc(&rd, text, (size_t)n, r);
	if (rc) {
		free(text);
		apm_restore_unref(r);
		return rc;
	}
	r->text = text;
	*out = r;
	return 0;
}

/* ------------------------------------------------------------ getters */

APM_EXPORT const char *apm_restore_get_uuid(const struct apm_restore *r)
{
	return r->uuid;
}

APM_EXPORT const char *apm_restore_get_guest(const struct apm_restore *r)
{
	return r->guest;
}

APM_EXPORT const char *apm_restore_get_domain(const struct apm_restore *r)
{
	return r->domain;
}

APM_EXPORT const char *apm_restore_get_created(const struct apm_restore *r)
{
	return r->created;
}

APM_EXPORT const struct apm_host_identity *apm_restore_get_source(const struct apm_restore *r)
{
	return &r->src;
}

APM_EXPORT void apm_restore_get_mask(const struct apm_restore *r, enum apm_kind which,
				     struct apm_mask *m)
{
	memset(m, 0, sizeof(*m));
	if ((unsigned int)which < 6)
		memcpy(m, &r->sets[which], sizeof(*m));
}

APM_EXPORT const char *apm_restore_get_text(const struct apm_restore *r)
{
	return r->text;
}

APM_EXPORT unsigned int apm_restore_get_apqn_count(const struct apm_restore *r)
{
	return r->napqns;
}

APM_EXPORT int apm_restore_get_apqn(const struct apm_restore *r, unsigned int i,
				    struct apm_restore_apqn *out)
{
	const struct rq *q;

	if (i >= r->napqns)
		return -ENOENT;
	q = &r->q[i];
	*out = (struct apm_restore_apqn){ .adapter = q->adapter,
					  .domain = q->domain,
					  .exists = q->exists,
					  .in_guest = q->in_guest,
					  .hwtype = q->hwtype,
					  .type = q->type,
					  .mode = q->mode,
					  .nmkvps = q->n };
	return 0;
}

APM_EXPORT int apm_restore_get_mkvp(const struct apm_restore *r, unsigned int i, unsigned int k,
				    const char **reg, const char **state, const char **pattern)
{
	if (i >= r->napqns || k >= r->q[i].n)
		return -ENOENT;
	*reg = r->q[i].mk[k].reg;
	*state = r->q[i].mk[k].state;
	*pattern = r->q[i].mk[k].pattern;
	return 0;
}
