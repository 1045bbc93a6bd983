// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-restore.c - the restore file of a guided migration: its reader
 * apm_restore_load() (core/restore.c) and, for what it accepts, the writer
 * apm_restore_save() with the round trip load -> save -> load -> save.
 *
 * The file carries a CRC-32 of its body, so a mutated file nearly always
 * stops at the checksum.  Each input is therefore loaded twice: as it is,
 * and with its body (the "body" member of a document, else the whole
 * input when it is a JSON object) framed as apmatrix frames it,
 *   {"format": "apmatrix-restore", "version": 1, "body": B,
 *    "checksum": "crc32:CRC of B printed plainly by json-c"},
 * so that the body's reader sees every mutation.
 *
 * A refusal is -errno with one sentence that names the file and is safe
 * for a terminal.  An accepted file saves, loads back with the same
 * values (UUID, guest, domain, source, sets, every APQN and its key
 * patterns), and saving that again gives the same bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char in_path[160], out_path[160], again_path[160];

/* CRC-32 as the file's format names it (IEEE 802.3, reflected): the harness's own. */
static uint32_t crc32_ieee(const char *s, size_t len)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1u ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static void put_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		abort();
}

/* path's bytes (malloc'd, NUL-terminated) and their number. */
static char *get_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *s;
	long n;

	fuzz_assert(f, "cannot open %s that save wrote", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* What a getter gives of a and of b is the same. */
static void check_same(const struct apm_restore *a, const struct apm_restore *b)
{
	const struct apm_host_identity *sa = apm_restore_get_source(a),
				       *sb = apm_restore_get_source(b);
	unsigned int n = apm_restore_get_apqn_count(a);

	fuzz_assert(!strcmp(apm_restore_get_uuid(a), apm_restore_get_uuid(b)), "uuid %s != %s",
		    apm_restore_get_uuid(a), apm_restore_get_uuid(b));
	fuzz_assert(same_str(apm_restore_get_guest(a), apm_restore_get_guest(b)),
		    "the guest changed");
	fuzz_assert(same_str(apm_restore_get_domain(a), apm_restore_get_domain(b)),
		    "the domain changed");
	fuzz_assert(!strcmp(apm_restore_get_created(a), apm_restore_get_created(b)),
		    "created changed");
	fuzz_assert(!strcmp(sa->name, sb->name) && !strcmp(sa->machine_type, sb->machine_type) &&
			    !strcmp(sa->sequence_code, sb->sequence_code) &&
			    !strcmp(sa->lpar_name, sb->lpar_name) &&
			    sa->lpar_number == sb->lpar_number,
		    "the source host changed");
	for (int s = 0; s < 6; s++) {
		struct apm_mask ma, mb;

		apm_restore_get_mask(a, (enum apm_kind)s, &ma);
		apm_restore_get_mask(b, (enum apm_kind)s, &mb);
		fuzz_assert(!memcmp(&ma, &mb, sizeof(ma)), "set %d changed", s);
	}
	fuzz_assert(apm_restore_keys_read(a) == apm_restore_keys_read(b), "keys_read changed");
	fuzz_assert(apm_restore_guest_complete(a) == apm_restore_guest_complete(b),
		    "guest_complete changed");
	fuzz_assert(n == apm_restore_get_apqn_count(b), "%u APQNs, then %u", n,
		    apm_restore_get_apqn_count(b));
	for (unsigned int i = 0; i < n; i++) {
		struct apm_restore_apqn qa, qb;

		fuzz_assert(!apm_restore_get_apqn(a, i, &qa) && !apm_restore_get_apqn(b, i, &qb),
			    "APQN %u of %u missing", i, n);
		fuzz_assert(qa.adapter == qb.adapter && qa.domain == qb.domain &&
				    qa.exists == qb.exists && qa.in_guest == qb.in_guest &&
				    qa.hwtype == qb.hwtype && !strcmp(qa.type, qb.type) &&
				    !strcmp(qa.mode, qb.mode) && qa.nmkvps == qb.nmkvps,
			    "APQN %02x.%04x changed", qa.adapter, qa.domain);
		for (unsigned int k = 0; k < qa.nmkvps; k++) {
			const char *ra, *ta, *pa, *rb, *tb, *pb;

			fuzz_assert(!apm_restore_get_mkvp(a, i, k, &ra, &ta, &pa) &&
					    !apm_restore_get_mkvp(b, i, k, &rb, &tb, &pb),
				    "register %u of APQN %u missing", k, i);
			fuzz_assert(!strcmp(ra, rb) && !strcmp(ta, tb) && !strcmp(pa, pb),
				    "APQN %02x.%04x register %s changed", qa.adapter, qa.domain,
				    ra);
		}
	}
	{
		struct apm_restore_apqn q;

		fuzz_assert(apm_restore_get_apqn(a, n, &q) == -ENOENT, "an APQN past the count");
	}
}

/* Load in_path: a refusal checked, an acceptance taken round the writer. */
static void load_one(void)
{
	struct apm_restore *r = NULL, *back = NULL;
	char err[1024];
	size_t n = strlen(in_path), olen, alen;
	char *out, *again;
	int rc;

	rc = apm_restore_load(in_path, &r, err, sizeof(err));
	if (rc) {
		fuzz_assert(rc == -EINVAL || rc == -EPROTO || rc == -EBADMSG,
			    "apm_restore_load returned %d (%s)", rc, err);
		fuzz_check_terminal_text("restore file error", err, strlen(err));
		fuzz_assert(!strncmp(err, in_path, n) && err[n] == ':' && err[n + 1] == ' ' &&
				    err[n + 2] && !strchr(err, '\n'),
			    "an error that does not name the file in one sentence: %s", err);
		return;
	}
	unlink(out_path);
	fuzz_assert(!apm_restore_save(r, out_path, 0), "an accepted file does not save");
	fuzz_assert(apm_restore_save(r, out_path, 0) == -EEXIST, "save replaced a file");
	rc = apm_restore_load(out_path, &back, err, sizeof(err));
	fuzz_assert(!rc, "what apmatrix saved does not load back (%d): %s", rc, err);
	check_same(r, back);
	fuzz_assert(!apm_restore_save(back, again_path, APM_RESTORE_REPLACE), "saving again");
	out = get_file(out_path, &olen);
	again = get_file(again_path, &alen);
	fuzz_check_same_text("saving again", out, olen, again, alen);
	apm_restore_unref(r);
	apm_restore_unref(back);
}

/* The input's body framed with a checksum that matches it, into in_path; false: no body. */
static bool put_framed(const char *text, size_t size)
{
	json_object *in = json_tokener_parse(text), *body = NULL, *doc;
	const char *plain, *s;
	char sum[32];

	(void)size;
	if (!in)
		return false;
	if (!json_object_is_type(in, json_type_object) ||
	    (json_object_object_get_ex(in, "body", &body) &&
	     !json_object_is_type(body, json_type_object))) {
		json_object_put(in);
		return false;
	}
	body = json_object_get(body ? body : in);
	json_object_put(in);
	plain = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(sum, sizeof(sum), "crc32:%08x", crc32_ieee(plain, strlen(plain)));
	doc = json_object_new_object();
	json_object_object_add(doc, "format", json_object_new_string("apmatrix-restore"));
	json_object_object_add(doc, "version", json_object_new_int(APM_RESTORE_VERSION));
	json_object_object_add(doc, "body", body);
	json_object_object_add(doc, "checksum", json_object_new_string(sum));
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	put_file(in_path, s, strlen(s));
	json_object_put(doc);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!in_path[0]) {
		const char *dir = fuzz_tmpdir("restore");

		snprintf(in_path, sizeof(in_path), "%s/restore.json", dir);
		snprintf(out_path, sizeof(out_path), "%s/saved.json", dir);
		snprintf(again_path, sizeof(again_path), "%s/again.json", dir);
	}
	put_file(in_path, data, size);
	load_one();
	text = fuzz_cstr(data, size);
	if (put_framed(text, size))
		load_one();
	free(text);
	return 0;
}
