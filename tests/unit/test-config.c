// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-config.c - struct apm_config and struct apm_persist: a configuration
 * root laid out from files mdevctl, chzdev and libvirt wrote, compared with
 * the built-in simulated host (the vfio-ap document's three mdevs); the
 * checks ap-check and chzdev make; writes that are atomic, refused with a
 * reason before anything is written, and never leave a file behind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "persist.h"

#define G1 "62177883-f1bb-47f0-914d-32a22e3a8804"
#define G2 "cef03c3c-903d-4ecc-9a83-40694cb8aee4"
#define G3 "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58"
#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static char root[64];

/*
 * The library's open() and opendir() of the files under root, counted:
 * these definitions take the place of libc's for the library linked into
 * this program (libc's own fopen() does not come here).
 */
static unsigned int opens;

static void count_open(const char *path)
{
	if (root[0] && !strncmp(path, root, strlen(root)))
		opens++;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	count_open(path);
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

DIR *opendir(const char *path)
{
	int fd;

	count_open(path);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? NULL : fdopendir(fd);
}

static void quiet(void *d, int p, const char *f, int l, const char *fn, const char *fmt, va_list ap)
{
	(void)d, (void)p, (void)f, (void)l, (void)fn, (void)fmt, (void)ap;
}

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* mdevctl's own files under their uuids, chzdev's rule, libvirt's domains. */
static int setup(void **state)
{
	const char *m = "etc/mdevctl.d/matrix";

	(void)state;
	snprintf(root, sizeof(root), "/tmp/apm-cfg-XXXXXX");
	assert_non_null(mkdtemp(root));
	sh("mkdir -p '%s/%s' '%s/etc/udev/rules.d' && cp -a '%s/libvirt/etc' '%s/libvirt/run' '%s/'",
	   root, m, root, FIXTURES_SRC, FIXTURES_SRC, root);
	/* U1: autostart 05.0047 (+0x47 control), U2: manual */
	sh("cp '%s/mdevctl/modify-addattr.json' '%s/%s/" U1 "'", FIXTURES_SRC, root, m);
	sh("cp '%s/mdevctl/modify-delattr-manual.json' '%s/%s/" U2 "'", FIXTURES_SRC, root, m);
	put("etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333",
	    "{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"auto\"\n  \"attrs\": []\n}");
	put("etc/mdevctl.d/matrix/not-a-uuid", "{}");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", root);
	return 0;
}

static struct apm_ctx *sim(void)
{
	struct apm_ctx *ctx;

	assert_int_equal(apm_ctx_new_sim(NULL, &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	return ctx;
}

static struct apm_config *load(struct apm_ctx *ctx)
{
	struct apm_config *cfg;

	assert_int_equal(apm_config_new(ctx, root, &cfg), 0);
	assert_int_equal(apm_config_load(cfg), 0);
	return cfg;
}

static void test_load(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx);
	struct apm_guest_info gi;
	struct apm_mask m;
	const char *k, *v;
	char want[256];

	(void)state;
	assert_int_equal(apm_config_get_def_count(cfg), 2);
	assert_string_equal(apm_def_get_uuid(apm_config_get_def(cfg, 0)), U1);
	assert_true(apm_def_get_autostart(apm_config_find_def(cfg, U1)));
	assert_false(apm_def_get_autostart(
		apm_config_find_def(cfg, "22222222-2222-4222-8222-222222222222")));
	assert_int_equal(apm_def_get_attr(apm_config_find_def(cfg, U1), 3, &k, &v), 0);
	assert_string_equal(k, "assign_domain");
	assert_string_equal(v, "4");
	assert_int_equal(apm_def_get_attr(apm_config_find_def(cfg, U1), 4, &k, &v), -ENOENT);
	apm_def_get_mask(apm_config_find_def(cfg, U1), APM_KIND_CONTROL_DOMAIN, &m);
	assert_true(apm_mask_test(&m, 0x47));
	/* the broken one: FILE:LINE, left out, the others read */
	snprintf(want, sizeof(want),
		 "%s/etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333:4: malformed JSON",
		 root);
	assert_non_null(strstr(apm_config_get_errors(cfg), want));
	assert_non_null(strstr(apm_config_get_notes(cfg), "not-a-uuid: not a UUID"));
	/* no rule */
	assert_int_equal(apm_config_get_mask(cfg, false, &m), -ENOENT);
	/* libvirt: Guest1 defined and running with G1, Guest3 defined with G3 */
	assert_int_equal(apm_config_get_guest(cfg, G1, 0, &gi), 0);
	assert_string_equal(gi.name, "Guest1");
	assert_true(gi.running && gi.live && gi.defined);
	assert_string_equal(gi.state, "running");
	assert_int_equal(apm_config_get_guest(cfg, G1, 1, &gi), -ENOENT);
	assert_int_equal(apm_config_get_guest(cfg, "8F2A7C10-5D3E-4B6A-9C1F-0E7D2B4A6C58", 0, &gi),
			 0);
	assert_string_equal(gi.name, "Guest3");
	assert_true(!gi.running && gi.defined && !gi.live);
	assert_int_equal(apm_config_get_guest(cfg, G2, 0, &gi), -ENOENT);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

struct states {
	unsigned int n;
	char uuid[8][37];
	bool active[8], defined[8], lost[8];
};

static int collect(const struct apm_mdev_state *st, void *data)
{
	struct states *s = data;

	snprintf(s->uuid[s->n], 37, "%s", st->uuid);
	s->active[s->n] = st->mdev != NULL;
	s->defined[s->n] = st->def != NULL;
	s->lost[s->n] = st->lost_at_reboot;
	s->n++;
	return 0;
}

struct finds {
	unsigned int n;
	enum apm_finding_code code[16];
	char text[16][600];
};

static int collect_finding(const struct apm_finding *f, void *data)
{
	struct finds *s = data;

	if (s->n < 16) {
		s->code[s->n] = f->code;
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s", f->text);
	}
	s->n++;
	return 0;
}

static const char *find(const struct finds *s, enum apm_finding_code code)
{
	for (unsigned int i = 0; i < s->n && i < 16; i++)
		if (s->code[i] == code)
			return s->text[i];
	return NULL;
}

/* Some finding of that code says text. */
static bool says(const struct finds *s, enum apm_finding_code code, const char *text)
{
	for (unsigned int i = 0; i < s->n && i < 16; i++)
		if (s->code[i] == code && strstr(s->text[i], text))
			return true;
	return false;
}

static void test_compare(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx);
	struct apm_mdev_state st;
	struct states s = { 0 };
	struct finds f = { 0 };
	struct apm_host *h;
	const char *t;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_config_foreach_mdev(cfg, h, collect, &s), 0);
	/* merged and sorted: U1, U2 (defined only), G1, G3, G2 (active only) */
	assert_int_equal(s.n, 5);
	assert_string_equal(s.uuid[0], U1);
	assert_string_equal(s.uuid[2], G1);
	assert_string_equal(s.uuid[3], G3);
	assert_true(!s.active[0] && s.defined[0] && !s.lost[0]);
	assert_true(s.active[2] && !s.defined[2] && s.lost[2]);
	assert_int_equal(apm_config_get_mdev_state(cfg, h, G2, &st), 0);
	assert_int_equal(st.only_active, 4);
	assert_int_equal(apm_config_get_mdev_state(cfg, h, "00000000-0000-4000-8000-000000000000",
						   &st),
			 -ENOENT);

	assert_int_equal(apm_config_foreach_finding(cfg, h, collect_finding, &f), 0);
	/* U1 (autostart 05.0004 and 05.0047) against the host now: Guest1 and Guest2 hold them */
	assert_true(says(&f, APM_FINDING_ACTIVE_OVERLAP,
			 "mdev " U1 " is defined with 05.0004, which active mdev " G1
			 " holds: `mdevctl start " U1
			 "` fails now (ap-check: \"APQN 5.4 already in use by " G1 "\")"));
	assert_true(says(&f, APM_FINDING_ACTIVE_OVERLAP,
			 "mdev " U1 " is defined with 05.0047, which active mdev " G2 " holds"));
	/* no rule: at boot the kernel's default aqmask gives the host everything */
	t = find(&f, APM_FINDING_PERSISTENT_MASK);
	assert_non_null(t);
	assert_non_null(strstr(
		t,
		"mdev " U1
		" autostarts with 05.0004 (and 1 more), which the kernel's default aqmask gives to the host (41-ap.rules does not set it): it will fail to start at boot"));
	/* Guest1 runs with G1 and holds it: no unplug */
	assert_null(find(&f, APM_FINDING_GUEST_UNPLUGGED));
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* The guest of uuid stops (remove false), or the mdev is removed. */
static int sim_op(struct apm_ctx *ctx, bool remove, const char *uuid)
{
	struct apm_sim_arg arg = { .uuid = uuid };
	struct apm_change *c;
	struct apm_host *h;
	int rc;

	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	rc = remove ? apm_change_new_mdev_remove(h, uuid, &c)
		    : apm_change_new_sim(h, APM_SIM_GUEST_STOP, &arg, &c);
	apm_host_unref(h);
	if (rc)
		return rc;
	rc = apm_change_apply(c);
	apm_change_unref(c);
	return rc;
}

/* The domain runs, its live XML has the mdev, nobody holds it: QEMU let go. */
static void test_guest_findings(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx);
	struct finds f = { 0 };
	struct apm_host *h;
	const char *t;

	(void)state;
	assert_int_equal(sim_op(ctx, false, G1), 0);
	assert_int_equal(sim_op(ctx, true, G3), 0);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_config_foreach_finding(cfg, h, collect_finding, &f), 0);
	t = find(&f, APM_FINDING_GUEST_UNPLUGGED);
	assert_non_null(t);
	assert_non_null(strstr(t, "guest Guest1 runs and its live definition has mdev " G1
				  ", but no process holds the mdev: QEMU released it"));
	t = find(&f, APM_FINDING_GUEST_NO_MDEV);
	assert_non_null(t);
	assert_non_null(strstr(t, "guest Guest3 (defined, not running) uses mdev " G3
				  ", which is neither active nor defined"));
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

static bool exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static unsigned int leftovers(const char *dir)
{
	char cmd[512];
	FILE *p;
	unsigned int n = 0;

	snprintf(cmd, sizeof(cmd), "ls -a '%s/%s' | grep -c apmatrix-", root, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fscanf(p, "%u", &n) != 1)
		n = 0;
	pclose(p);
	return n;
}

/* persist --auto: checked, written as mdevctl writes it, atomically. */
static void test_persist(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx);
	struct apm_persist *p;
	struct apm_host *h;
	struct stat st;
	char path[512], *text;
	size_t len;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	/* the broken definition blocks an autostart one: it cannot be checked */
	assert_int_equal(apm_persist_new_mdev(cfg, h, G1, APM_START_AUTO, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EIO);
	assert_non_null(strstr(
		apm_persist_get_explanation(p),
		"the definition of mdev 33333333-3333-4333-8333-333333333333 cannot be read"));
	apm_persist_unref(p);
	sh("rm '%s/etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333'", root);
	assert_int_equal(apm_config_load(cfg), 0);
	/* Guest2's 05.0047 and 05.00ff: U1 autostarts with 05.0047 */
	assert_int_equal(apm_persist_new_mdev(cfg, h, G2, APM_START_AUTO, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EADDRINUSE);
	assert_non_null(strstr(
		apm_persist_get_explanation(p),
		"mdev " G2 " would autostart with 05.0047, which mdev " U1
		" autostarts with: the one started second fails at boot (ap-check: \"APQN 5.71 is defined for autostart by " U1
		"\")"));
	assert_int_equal(apm_persist_apply(p), -EADDRINUSE);
	apm_persist_unref(p);
	assert_false(exists("etc/mdevctl.d/matrix/" G2));
	/* manual: ap-check does not compare manual definitions */
	assert_int_equal(apm_persist_new_mdev(cfg, h, G2, APM_START_MANUAL, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), 0);
	apm_persist_unref(p);
	/* a temporary file a killed writer left is removed by the next write */
	put("etc/mdevctl.d/matrix/." G3 ".apmatrix-1-0", "half");
	assert_int_equal(apm_persist_new_mdev(cfg, h, G3, APM_START_AUTO, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), 0);
	assert_string_equal(apm_persist_get_what(p), "define mdev " G3 " (autostart)");
	assert_int_equal(apm_persist_apply(p), 0);
	assert_string_equal(apm_persist_get_content(p), apm_persist_get_content(p));
	snprintf(path, sizeof(path), "%s/etc/mdevctl.d/matrix/" G3, root);
	assert_int_equal(apm_config_read_file(path, &text, &len), 0);
	assert_string_equal(text, apm_persist_get_content(p));
	assert_non_null(strstr(text, "\"start\": \"auto\""));
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(leftovers("etc/mdevctl.d/matrix"), 0);
	apm_persist_unref(p);
	/* the caller's configuration was read again */
	assert_non_null(apm_config_find_def(cfg, G3));
	/* start kept: G3 stays autostart */
	assert_int_equal(apm_persist_new_mdev(cfg, h, G3, APM_START_KEEP, &p), 0);
	assert_string_equal(apm_persist_get_what(p), "redefine mdev " G3 " (autostart)");
	apm_persist_unref(p);
	/* not active */
	assert_int_equal(apm_persist_new_mdev(cfg, h, U2, APM_START_AUTO, &p), -ENODEV);
	/* unpersist */
	assert_int_equal(apm_persist_new_undefine(cfg, G3, &p), 0);
	assert_null(apm_persist_get_content(p));
	assert_int_equal(apm_persist_apply(p), 0);
	apm_persist_unref(p);
	assert_false(exists("etc/mdevctl.d/matrix/" G3));
	assert_int_equal(apm_persist_new_undefine(cfg, G3, &p), -ENOENT);
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* Control domains without a usage domain: ap-check refuses to start it. */
static void test_control_only(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx);
	struct apm_mask sets[3];
	struct apm_persist *p;
	struct apm_host *h;

	(void)state;
	memset(sets, 0, sizeof(sets));
	sets[0].w[0] = 1ULL << (63 - 5);
	sets[2].w[0] = 1ULL << (63 - 2);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_persist_new_define(cfg, h, U2, APM_START_MANUAL, sets, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EINVAL);
	assert_non_null(strstr(
		apm_persist_get_explanation(p),
		"mdev " U2
		" has control domains but no usage domain: ap-check refuses to start such a definition (\"At least one usage domain must be specified\")"));
	assert_int_equal(apm_persist_apply(p), -EINVAL);
	apm_persist_unref(p);
	assert_int_equal(apm_persist_new_define(cfg, h, "not-a-uuid", APM_START_MANUAL, sets, &p),
			 -EINVAL);
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* persist masks: chzdev's check against autostart definitions, then its format. */
static void test_masks(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg;
	struct apm_persist *p;
	struct apm_host *h;
	struct apm_mask m, a;
	char path[512];

	(void)state;
	sh("rm -f '%s/etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333'", root);
	cfg = load(ctx);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	/* the active aqmask gives 0x01 to the host, U1 (autostart) has 05.0004, 05.0047: fine */
	assert_int_equal(apm_persist_new_masks(cfg, h, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), 0);
	assert_int_equal(apm_persist_apply(p), 0);
	apm_persist_unref(p);
	assert_int_equal(apm_config_get_mask(cfg, true, &m), 0);
	apm_host_get_aqmask(h, &a);
	assert_memory_equal(&m, &a, sizeof(m));
	assert_int_equal(leftovers("etc/udev/rules.d"), 0);
	/* a rule somebody edited is not replaced */
	put("etc/udev/rules.d/41-ap.rules", "# mine\nACTION==\"add\", RUN+=\"/bin/true\"\n");
	assert_int_equal(apm_config_load(cfg), 0);
	assert_int_equal(apm_persist_new_masks(cfg, h, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EEXIST);
	assert_non_null(strstr(apm_persist_get_explanation(p),
			       "41-ap.rules:1 is not as chzdev writes the rule"));
	apm_persist_unref(p);
	/* a symbolic link in its place is never written through */
	snprintf(path, sizeof(path), "%s/etc/udev/rules.d/41-ap.rules", root);
	unlink(path);
	assert_int_equal(symlink("/tmp/apm-cfg-elsewhere", path), 0);
	assert_int_equal(apm_config_load(cfg), 0);
	assert_non_null(
		strstr(apm_config_get_errors(cfg), "41-ap.rules: a symbolic link: not read"));
	assert_int_equal(apm_persist_new_masks(cfg, h, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EIO);
	apm_persist_unref(p);
	unlink(path);
	assert_int_equal(apm_config_load(cfg), 0);
	/* chzdev's refusal: an autostart definition has 05.0001, the host's by the aqmask */
	put("etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333",
	    "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"assign_adapter\": \"5\"}, {\"assign_domain\": \"1\"}]}");
	assert_int_equal(apm_config_load(cfg), 0);
	assert_int_equal(apm_persist_new_masks(cfg, h, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EADDRNOTAVAIL);
	assert_non_null(strstr(
		apm_persist_get_explanation(p),
		"the persistent aqmask would give 05.0001 to the host, which mdev 33333333-3333-4333-8333-333333333333 autostarts with: it would fail to start at boot (chzdev: \"persistent aqmask conflicts with defined autostart mdev 33333333-3333-4333-8333-333333333333 APQN 5.1\")"));
	assert_int_equal(apm_persist_apply(p), -EADDRNOTAVAIL);
	apm_persist_unref(p);
	assert_false(exists("etc/udev/rules.d/41-ap.rules"));
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* chzdev's both.rules gives adapters 0-3,5 and domains 0-0x46,0x48-0xaa to the host. */
static void test_both_masks(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg;
	struct finds f = { 0 };
	struct apm_host *h;

	(void)state;
	sh("rm -f '%s/etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333'", root);
	sh("cp '%s/udev/both.rules' '%s/etc/udev/rules.d/41-ap.rules'", FIXTURES_SRC, root);
	put("etc/mdevctl.d/matrix/33333333-3333-4333-8333-333333333333",
	    "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"assign_adapter\": \"5\"}, {\"assign_domain\": \"4\"}]}");
	cfg = load(ctx);
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	assert_int_equal(apm_config_foreach_finding(cfg, h, collect_finding, &f), 0);
	assert_true(says(
		&f, APM_FINDING_PERSISTENT_MASK,
		"mdev 33333333-3333-4333-8333-333333333333 autostarts with 05.0004, which the persistent apmask and aqmask give to the host: it will fail to start at boot"));
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* Read-only and the built-in simulated host: nothing is written. */
static void test_refusals(void **state)
{
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg = load(ctx), *none;
	struct apm_persist *p;
	struct apm_host *h;

	(void)state;
	assert_int_equal(apm_host_load(ctx, 0, &h), 0);
	apm_ctx_set_read_only(ctx, true);
	assert_int_equal(apm_persist_new_mdev(cfg, h, G3, APM_START_MANUAL, &p), 0);
	assert_int_equal(apm_persist_apply(p), -EROFS);
	assert_non_null(strstr(apm_persist_get_explanation(p), "read-only"));
	apm_persist_unref(p);
	assert_false(exists("etc/mdevctl.d/matrix/" G3));
	apm_ctx_set_read_only(ctx, false);
	assert_int_equal(apm_config_new(ctx, NULL, &none), 0);
	assert_null(apm_config_get_root(none));
	assert_int_equal(apm_config_load(none), 0);
	assert_int_equal(apm_config_get_def_count(none), 0);
	assert_int_equal(apm_persist_new_mdev(none, h, G3, APM_START_MANUAL, &p), 0);
	assert_int_equal(apm_persist_apply(p), -EOPNOTSUPP);
	apm_persist_unref(p);
	/* one tool redirected, the others without a root: only that one is read */
	assert_int_equal(apm_config_set_dir(none, APM_CONFIG_MDEVCTL, root), 0);
	assert_int_equal(apm_config_load(none), 0);
	assert_int_equal(apm_config_get_def_count(none), 2);
	assert_null(apm_config_get_path(none, APM_PATH_RULE));
	assert_int_equal(apm_persist_new_masks(none, h, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), -EOPNOTSUPP);
	apm_persist_unref(p);
	/* read-only set after the plan still writes nothing */
	assert_int_equal(apm_persist_new_mdev(cfg, h, G3, APM_START_MANUAL, &p), 0);
	assert_int_equal(apm_persist_get_prediction(p), 0);
	apm_ctx_set_read_only(ctx, true);
	assert_int_equal(apm_persist_apply(p), -EROFS);
	apm_ctx_set_read_only(ctx, false);
	apm_persist_unref(p);
	assert_false(exists("etc/mdevctl.d/matrix/" G3));
	apm_config_unref(none);
	apm_host_unref(h);
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/* mdevctl 1.3+: MDEVCTL_ENV_ROOT moves its whole root, on a real host. */
static void test_env_root(void **state)
{
	struct apm_ctx *ctx;
	struct apm_config *cfg;
	char want[256];

	(void)state;
	assert_int_equal(apm_ctx_new_sysfs(FIXTURES "/sysfs/host-613", &ctx), 0);
	apm_ctx_set_log_fn(ctx, quiet, NULL);
	setenv("MDEVCTL_ENV_ROOT", root, 1);
	assert_int_equal(apm_config_new(ctx, NULL, &cfg), 0);
	unsetenv("MDEVCTL_ENV_ROOT");
	assert_string_equal(apm_config_get_root(cfg), "/");
	assert_int_equal(apm_config_load(cfg), 0);
	snprintf(want, sizeof(want), "%s/etc/mdevctl.d/matrix", root);
	assert_string_equal(apm_config_get_path(cfg, APM_PATH_MDEVCTL), want);
	assert_string_equal(apm_config_get_path(cfg, APM_PATH_RULE),
			    "/etc/udev/rules.d/41-ap.rules");
	assert_non_null(apm_config_find_def(cfg, U1));
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/*
 * A load after one that read the same files reads nothing; a changed, a
 * new or a removed file is read.  The watches tell (config.c:
 * watch_quiet), so a load right after one that read a file changed in the
 * same second reads nothing either, and a definition in a directory that
 * did not exist at the last load is seen.
 */
static void test_unchanged(void **state)
{
	const struct timespec settle = { 1, 200 * 1000 * 1000 };
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg;
	char errors[4096];

	(void)state;
	put("etc/udev/rules.d/41-ap.rules", "# nothing\n");
	nanosleep(&settle, NULL);
	opens = 0;
	cfg = load(ctx);
	assert_true(opens >= 6); /* the directories, two definitions, the rule, the domains */
	snprintf(errors, sizeof(errors), "%s", apm_config_get_errors(cfg));
	opens = 0;
	assert_int_equal(apm_config_load(cfg), 0);
	assert_int_equal(opens, 0);
	assert_int_equal(apm_config_get_def_count(cfg), 2);
	assert_false(apm_def_get_autostart(apm_config_find_def(cfg, U2)));
	assert_string_equal(apm_config_get_errors(cfg), errors);

	/* U2 rewritten in place (its directory unchanged): read again, then not. */
	sh("cat '%s/mdevctl/modify-addattr.json' >'%s/etc/mdevctl.d/matrix/" U2 "'", FIXTURES_SRC,
	   root);
	opens = 0;
	assert_int_equal(apm_config_load(cfg), 0);
	assert_true(opens > 0);
	assert_true(apm_def_get_autostart(apm_config_find_def(cfg, U2)));
	opens = 0;
	assert_int_equal(apm_config_load(cfg), 0);
	assert_int_equal(opens, 0);

	/* A file removed, the rule changed: both seen. */
	sh("rm '%s/etc/mdevctl.d/matrix/" U1 "'", root);
	put("etc/udev/rules.d/41-ap.rules", "# nothing, and more\n");
	assert_int_equal(apm_config_load(cfg), 0);
	assert_null(apm_config_find_def(cfg, U1));
	assert_int_equal(apm_config_get_def_count(cfg), 1);

	/* mdevctl's directories gone, then made again with a definition in them. */
	sh("rm -r '%s/etc/mdevctl.d'", root);
	assert_int_equal(apm_config_load(cfg), 0);
	assert_int_equal(apm_config_get_def_count(cfg), 0);
	sh("mkdir -p '%s/etc/mdevctl.d/matrix' && cp '%s/mdevctl/modify-addattr.json' "
	   "'%s/etc/mdevctl.d/matrix/" U1 "'",
	   root, FIXTURES_SRC, root);
	assert_int_equal(apm_config_load(cfg), 0);
	assert_non_null(apm_config_find_def(cfg, U1));
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

/*
 * A load in a child process (fork) of cfg: 0 when it read files exactly
 * when read says so.  The parent's watches are not the child's to read
 * (their events are the parent's): there the stamps answer.
 */
static int load_in_child(struct apm_config *cfg, bool read)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		opens = 0;
		if (apm_config_load(cfg))
			_exit(2);
		_exit((opens > 0) != read);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * The stamps, in a child: unchanged and settled, nothing is read; a file
 * changed less than a second before the last load is read (its stamp
 * could not tell a second change within that tick).  And a child's load
 * takes none of the parent's events: a change the child read is still
 * read by the parent.
 */
static void test_unchanged_forked(void **state)
{
	const struct timespec settle = { 1, 200 * 1000 * 1000 };
	struct apm_ctx *ctx = sim();
	struct apm_config *cfg;

	(void)state;
	nanosleep(&settle, NULL);
	cfg = load(ctx);
	assert_int_equal(load_in_child(cfg, false), 0);
	sh("cat '%s/mdevctl/modify-addattr.json' >'%s/etc/mdevctl.d/matrix/" U2 "'", FIXTURES_SRC,
	   root);
	opens = 0;
	assert_int_equal(apm_config_load(cfg), 0);
	assert_true(opens > 0);
	assert_int_equal(load_in_child(cfg, true), 0);

	sh("cp '%s/mdevctl/modify-delattr-manual.json' '%s/etc/mdevctl.d/matrix/" U2 "'",
	   FIXTURES_SRC, root);
	assert_int_equal(load_in_child(cfg, true), 0);
	opens = 0;
	assert_int_equal(apm_config_load(cfg), 0);
	assert_true(opens > 0);
	assert_false(apm_def_get_autostart(apm_config_find_def(cfg, U2)));
	apm_config_unref(cfg);
	apm_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged_forked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
