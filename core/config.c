// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config.c - struct apm_config: the persistent configuration of a host
 * (mdevctl's definitions, chzdev's masks, libvirt's domains) read from a
 * configuration root, and compared with a loaded host.
 *
 * The files belong to other tools and anyone with root may edit them, so
 * each is read whole, without following a symbolic link, size-bounded and
 * parsed strictly (mdevctl.c, udev-rule.c, libvirt.c).  One malformed file
 * is reported as FILE:LINE and left out; the others are still read.  The
 * host is read only through the public API.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "persist.h"

static char *join(const char *dir, const char *rel)
{
	size_t n = strlen(dir);
	char *p;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (asprintf(&p, "%.*s%s%s", (int)n, dir, n == 1 && dir[0] == '/' ? "" : "/", rel) < 0)
		return NULL;
	return p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular names in dir, sorted; -ENOENT when dir is missing. */
static int list_dir(const char *dir, char ***names, unsigned int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	unsigned int cnt = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue; /* ".", "..", and our own temporary files */
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv || !(nv[cnt] = strdup(de->d_name))) {
			v = nv ? nv : v;
			for (unsigned int i = 0; i < cnt; i++)
				free(v[i]);
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*names = v;
	*n = cnt;
	return 0;
}

static void free_names(char **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------ stamps */

static void stamp_clear(struct apm_config *cfg)
{
	for (unsigned int i = 0; i < cfg->nstamps; i++)
		free(cfg->stamps[i].path);
	free(cfg->stamps);
	cfg->stamps = NULL;
	cfg->nstamps = 0;
	cfg->stamps_ok = false;
}

static void stamp_take(struct apm_stamp *t, const char *path, bool dir)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->dir = dir;
	/* A file is read without following a link (O_NOFOLLOW), a directory through one. */
	if (fstatat(AT_FDCWD, path, &st, dir ? 0 : AT_SYMLINK_NOFOLLOW)) {
		t->err = -errno;
		return;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->mode = st.st_mode;
	t->size = st.st_size;
	t->mtime = st.st_mtim;
	t->ctime = st.st_ctim;
}

/* ----------------------------------------------------------- watches */

/*
 * The stamps cost a stat per file and directory at every load, and the
 * console loads with every snapshot and every refresh interval: 0.5 ms a
 * tick in the test VM, where each stat of a missing file is a 9p round
 * trip.  inotify says as much with one read(): for each stamped path its
 * directory is watched (a file's events go to its directory's watch too:
 * fs/notify/fsnotify.c, __fsnotify_parent), a stamped directory itself
 * (its listing), and for a path whose directory is missing the nearest
 * ancestor that exists (where it will be created).  Each watch is set
 * when its path is stamped, before it is read, so a change after the read
 * is an event.  Our own reads raise none of these events.  The stamps
 * stay the answer where a watch could not be set (no inotify, the user's
 * watch limit), in a child process (the descriptor is shared across fork,
 * and a read there would take the parent's events), and once a minute
 * all the same: a symbolic link among the ancestors retargeted changes
 * nothing that is watched.
 */
#define WATCH_MASK                                                                                 \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |        \
	 IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
#define BACKSTOP_S 60

static void watch_close(struct apm_config *cfg)
{
	if (cfg->ino >= 0)
		close(cfg->ino);
	cfg->ino = -1;
	cfg->watched = false;
}

/* A load starts: new watches for what it reads (the old ones may name what is gone). */
static void watch_open(struct apm_config *cfg)
{
	watch_close(cfg);
	cfg->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	cfg->ino_pid = getpid();
	cfg->watched = cfg->ino >= 0;
}

static void watch_path(struct apm_config *cfg, const char *path, bool dir, int err)
{
	char *up;

	if (!cfg->watched)
		return;
	if (dir && !err && inotify_add_watch(cfg->ino, path, WATCH_MASK) < 0) {
		cfg->watched = false;
		return;
	}
	up = strdup(path);
	if (!up) {
		cfg->watched = false;
		return;
	}
	/* The directory the path is in, or the nearest ancestor that exists. */
	for (;;) {
		char *slash = strrchr(up, '/');
		const char *d = up;

		if (!slash)
			d = ".";
		else if (slash == up)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (inotify_add_watch(cfg->ino, d, WATCH_MASK) >= 0)
			break;
		if ((errno != ENOENT && errno != ENOTDIR) || !slash || !strcmp(d, "/")) {
			cfg->watched = false;
			break;
		}
	}
	free(up);
}

/* Did nothing happen to what the last load read, as its watches tell? */
static bool watch_quiet(struct apm_config *cfg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool quiet = true;
	ssize_t n;

	if (!cfg->watched || cfg->ino_pid != getpid())
		return false;
	/* Drained: what they say is all "look again", overflow (IN_Q_OVERFLOW) included. */
	while ((n = read(cfg->ino, buf, sizeof(buf))) > 0)
		quiet = false;
	return quiet && n < 0 && errno == EAGAIN;
}

static bool backstop_due(const struct apm_config *cfg)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec - cfg->checked.tv_sec >= BACKSTOP_S;
}

/* Stamp path before it is read: a change after the stamp changes it again. */
static void stamp(struct apm_config *cfg, const char *path, bool dir)
{
	struct apm_stamp *v = realloc(cfg->stamps, (cfg->nstamps + 1) * sizeof(*v));
	char *copy = v ? strdup(path) : NULL;

	if (!copy) {
		cfg->stamps = v ? v : cfg->stamps;
		cfg->stamps_ok = false;
		return;
	}
	cfg->stamps = v;
	stamp_take(&v[cfg->nstamps], path, dir);
	watch_path(cfg, path, dir, v[cfg->nstamps].err);
	v[cfg->nstamps++].path = copy;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Is what the last load read still what is there?  Each file and
 * directory (its listing) is as stamped, and was last changed a second
 * or more before that load began: a change within the same tick of the
 * inode clock (fs/inode.c: current_time, the coarse clock) as the read
 * could leave every field as it was, so such a file is read again (git's
 * "racily clean" entries).  The second covers a filesystem whose server
 * stamps times with a clock of its own.
 */
static bool stamps_valid(const struct apm_config *cfg)
{
	struct timespec settled = cfg->stamp_time;

	if (!cfg->loaded || !cfg->stamps_ok)
		return false;
	settled.tv_sec--;
	for (unsigned int i = 0; i < cfg->nstamps; i++) {
		const struct apm_stamp *o = &cfg->stamps[i];
		struct apm_stamp n;

		stamp_take(&n, o->path, o->dir);
		if (n.err != o->err)
			return false;
		if (n.err)
			continue;
		if (n.dev != o->dev || n.ino != o->ino || n.mode != o->mode || n.size != o->size ||
		    memcmp(&n.mtime, &o->mtime, sizeof(n.mtime)) ||
		    memcmp(&n.ctime, &o->ctime, sizeof(n.ctime)) ||
		    !ts_before(&o->mtime, &settled) || !ts_before(&o->ctime, &settled))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ object */

APM_EXPORT int apm_config_new(struct apm_ctx *ctx, const char *root, struct apm_config **out)
{
	struct apm_config *cfg = calloc(1, sizeof(*cfg));
	const char *env;

	if (!cfg)
		return -ENOMEM;
	cfg->refcount = 1;
	cfg->ino = -1;
	cfg->ctx = apm_ctx_ref(ctx);
	if (root)
		cfg->root = strdup(root);
	else if (ctx->kind == APM_HOST_SYSFS)
		cfg->root = strdup("/");
	else if (strcmp(ctx->source, "(built-in)") && asprintf(&cfg->root, "%s.d", ctx->source) < 0)
		cfg->root = NULL;
	if ((root || ctx->kind == APM_HOST_SYSFS || strcmp(ctx->source, "(built-in)")) &&
	    !cfg->root) {
		apm_config_unref(cfg);
		return -ENOMEM;
	}
	/* mdevctl 1.3+: one root for sys/, etc/ and usr/lib/ (src/environment.rs). */
	env = ctx->kind == APM_HOST_SYSFS ? secure_getenv("MDEVCTL_ENV_ROOT") : NULL;
	if (env && *env && apm_config_set_dir(cfg, APM_CONFIG_MDEVCTL, env)) {
		apm_config_unref(cfg);
		return -ENOMEM;
	}
	*out = cfg;
	return 0;
}

APM_EXPORT int apm_config_set_dir(struct apm_config *cfg, enum apm_config_dir which,
				  const char *dir)
{
	char *d;

	if ((unsigned int)which >= ARRAY_SIZE(cfg->dirs) || !dir)
		return -EINVAL;
	d = strdup(dir);
	if (!d)
		return -ENOMEM;
	free(cfg->dirs[which]);
	cfg->dirs[which] = d;
	cfg->stamps_ok = false;
	return 0;
}

static void clear_guest(struct apm_guest *g)
{
	free(g->name);
	free(g->path);
	free(g->def_uuids);
	free(g->live_uuids);
}

static void clear_loaded(struct apm_config *cfg)
{
	for (unsigned int i = 0; i < cfg->ndefs; i++) {
		apm_def_clear(cfg->defs[i]);
		free(cfg->defs[i]->path);
		free(cfg->defs[i]);
	}
	free(cfg->defs);
	cfg->defs = NULL;
	cfg->ndefs = 0;
	free(cfg->broken);
	cfg->broken = NULL;
	cfg->nbroken = 0;
	memset(&cfg->rule, 0, sizeof(cfg->rule));
	cfg->rule_broken = false;
	for (unsigned int i = 0; i < cfg->nguests; i++)
		clear_guest(&cfg->guests[i]);
	free(cfg->guests);
	cfg->guests = NULL;
	cfg->nguests = 0;
	apm_buf_free(&cfg->errors);
	apm_buf_free(&cfg->notes);
	free(cfg->mdevctl_dir);
	free(cfg->rule_path);
	free(cfg->libvirt_etc);
	free(cfg->libvirt_run);
	cfg->mdevctl_dir = cfg->rule_path = cfg->libvirt_etc = cfg->libvirt_run = NULL;
}

APM_EXPORT struct apm_config *apm_config_ref(struct apm_config *cfg)
{
	if (cfg)
		cfg->refcount++;
	return cfg;
}

APM_EXPORT struct apm_config *apm_config_unref(struct apm_config *cfg)
{
	if (!cfg || --cfg->refcount > 0)
		return NULL;
	clear_loaded(cfg);
	stamp_clear(cfg);
	watch_close(cfg);
	for (size_t i = 0; i < ARRAY_SIZE(cfg->dirs); i++)
		free(cfg->dirs[i]);
	free(cfg->root);
	apm_ctx_unref(cfg->ctx);
	free(cfg);
	return NULL;
}

static const char *dir_for(const struct apm_config *cfg, enum apm_config_dir which)
{
	return cfg->dirs[which] ? cfg->dirs[which] : cfg->root;
}

/* DIR/rel into *path; a tool without a directory has no path (NULL). */
static int path_under(const struct apm_config *cfg, enum apm_config_dir which, const char *rel,
		      char **path)
{
	const char *dir = dir_for(cfg, which);

	*path = dir ? join(dir, rel) : NULL;
	return dir && !*path ? -ENOMEM : 0;
}

static int make_paths(struct apm_config *cfg)
{
	int rc = path_under(cfg, APM_CONFIG_MDEVCTL, "etc/mdevctl.d/matrix", &cfg->mdevctl_dir);

	if (!rc)
		rc = path_under(cfg, APM_CONFIG_UDEV, "etc/udev/rules.d/" APM_RULE_NAME,
				&cfg->rule_path);
	if (!rc)
		rc = path_under(cfg, APM_CONFIG_LIBVIRT, "etc/libvirt/qemu", &cfg->libvirt_etc);
	if (!rc)
		rc = path_under(cfg, APM_CONFIG_LIBVIRT, "run/libvirt/qemu", &cfg->libvirt_run);
	return rc;
}

static void read_error(struct apm_config *cfg, const char *path, int rc)
{
	/*
	 * libvirt keeps its domains readable by root only: without permission
	 * there is nothing wrong with them, apmatrix just cannot know them.
	 */
	bool libvirt =
		(cfg->libvirt_etc && !strncmp(path, cfg->libvirt_etc, strlen(cfg->libvirt_etc))) ||
		(cfg->libvirt_run && !strncmp(path, cfg->libvirt_run, strlen(cfg->libvirt_run)));

	if (rc == -EACCES && libvirt) {
		apm_buf_printf(&cfg->notes,
			       "%s: no permission to read it: its guests are not known\n", path);
		return;
	}
	apm_buf_printf(&cfg->errors, "%s: %s\n", path,
		       rc == -ELOOP    ? "a symbolic link: not read"
		       : rc == -EINVAL ? "not a regular file: not read"
		       : rc == -EFBIG  ? "larger than any file of its kind: not read"
				       : strerror(-rc));
}

static int add_broken(struct apm_config *cfg, const char *uuid)
{
	char(*b)[37] = realloc(cfg->broken, (cfg->nbroken + 1) * sizeof(*b));

	if (!b)
		return -ENOMEM;
	cfg->broken = b;
	snprintf(b[cfg->nbroken++], 37, "%s", uuid);
	return 0;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'F')
			*s = (char)(*s + 32);
}

static int load_def(struct apm_config *cfg, const char *name)
{
	struct apm_def *def, **v;
	char *path = join(cfg->mdevctl_dir, name), *text;
	size_t len;
	int rc;

	if (!path)
		return -ENOMEM;
	stamp(cfg, path, false);
	rc = apm_config_read_file(path, &text, &len);
	if (rc == -ENOMEM) {
		free(path);
		return rc;
	}
	if (rc == -EINVAL) {
		/* mdevctl skips what is not a regular file */
		apm_buf_printf(&cfg->notes, "%s: not a regular file: mdevctl ignores it\n", path);
		free(path);
		return 0;
	}
	def = calloc(1, sizeof(*def));
	if (!def) {
		free(path);
		if (!rc)
			free(text);
		return -ENOMEM;
	}
	snprintf(def->uuid, sizeof(def->uuid), "%s", name);
	lower(def->uuid);
	def->cfg = cfg;
	def->path = path;
	if (rc) {
		read_error(cfg, path, rc);
	} else {
		rc = apm_mdevctl_parse(text, len, path, def, &cfg->errors);
		free(text);
	}
	if (rc) {
		rc = rc == -ENOMEM ? rc : add_broken(cfg, def->uuid);
		free(def->path);
		free(def);
		return rc;
	}
	v = realloc(cfg->defs, (cfg->ndefs + 1) * sizeof(*v));
	if (!v) {
		apm_def_clear(def);
		free(def->path);
		free(def);
		return -ENOMEM;
	}
	cfg->defs = v;
	v[cfg->ndefs++] = def;
	return 0;
}

static int load_defs(struct apm_config *cfg)
{
	char **names;
	unsigned int n;
	int rc;

	stamp(cfg, cfg->mdevctl_dir, true);
	rc = list_dir(cfg->mdevctl_dir, &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc) {
		read_error(cfg, cfg->mdevctl_dir, rc);
		return rc == -ENOMEM ? rc : 0;
	}
	for (unsigned int i = 0; i < n && !rc; i++) {
		if (!apm_uuid_valid(names[i])) {
			apm_buf_printf(
				&cfg->notes,
				"%s/%s: not a UUID: mdevctl ignores it (\"Can't determine uuid\")\n",
				cfg->mdevctl_dir, names[i]);
			continue;
		}
		rc = load_def(cfg, names[i]);
	}
	free_names(names, n);
	return rc;
}

static int load_rule(struct apm_config *cfg)
{
	char *text;
	size_t len;
	int rc;

	stamp(cfg, cfg->rule_path, false);
	rc = apm_config_read_file(cfg->rule_path, &text, &len);

	if (rc == -ENOENT)
		return 0;
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		read_error(cfg, cfg->rule_path, rc);
		cfg->rule.exists = true;
		cfg->rule_broken = true;
		return 0;
	}
	rc = apm_rule_parse(text, len, cfg->rule_path, &cfg->rule, &cfg->errors, &cfg->notes);
	free(text);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		memset(&cfg->rule, 0, sizeof(cfg->rule));
		cfg->rule.exists = true;
		cfg->rule_broken = true;
	}
	return 0;
}

static struct apm_guest *guest_named(struct apm_config *cfg, const char *name)
{
	struct apm_guest *g;

	for (unsigned int i = 0; i < cfg->nguests; i++)
		if (!strcmp(cfg->guests[i].name, name))
			return &cfg->guests[i];
	g = realloc(cfg->guests, (cfg->nguests + 1) * sizeof(*g));
	if (!g)
		return NULL;
	cfg->guests = g;
	g = &g[cfg->nguests];
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	if (!g->name)
		return NULL;
	cfg->nguests++;
	return g;
}

static int load_domain(struct apm_config *cfg, const char *dir, const char *file, bool run)
{
	struct apm_domxml d;
	struct apm_guest *g;
	char *path = join(dir, file), *text;
	size_t len;
	int rc;

	if (!path)
		return -ENOMEM;
	stamp(cfg, path, false);
	rc = apm_config_read_file(path, &text, &len);
	if (rc) {
		if (rc != -ENOMEM)
			read_error(cfg, path, rc);
		free(path);
		return rc == -ENOMEM ? rc : 0;
	}
	rc = apm_domxml_parse(text, len, path, &d, &cfg->errors);
	free(text);
	if (rc) {
		free(path);
		return rc == -ENOMEM ? rc : 0;
	}
	/* A status file is a running domain whatever its root says. */
	g = guest_named(cfg, d.name);
	if (!g) {
		apm_domxml_clear(&d);
		free(path);
		return -ENOMEM;
	}
	if (run)
		g->secure_live = d.secure;
	else
		g->secure_def = d.secure;
	if (run) {
		g->running = true;
		snprintf(g->state, sizeof(g->state), "%s", d.state[0] ? d.state : "running");
		free(g->path);
		g->path = path;
		free(g->live_uuids);
		g->live_uuids = d.uuids;
		g->nlive = d.nuuids;
	} else {
		g->defined = true;
		if (!g->path)
			g->path = path;
		else
			free(path);
		free(g->def_uuids);
		g->def_uuids = d.uuids;
		g->ndef = d.nuuids;
	}
	d.uuids = NULL;
	apm_domxml_clear(&d);
	return 0;
}

static int load_domains(struct apm_config *cfg, const char *dir, bool run)
{
	char **names;
	unsigned int n;
	int rc;

	stamp(cfg, dir, true);
	rc = list_dir(dir, &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc) {
		read_error(cfg, dir, rc);
		return rc == -ENOMEM ? rc : 0;
	}
	for (unsigned int i = 0; i < n && !rc; i++) {
		size_t l = strlen(names[i]);

		/* autostart/, networks/, NAME.pid, NAME.log: not domains */
		if (l > 4 && !strcmp(names[i] + l - 4, ".xml"))
			rc = load_domain(cfg, dir, names[i], run);
	}
	free_names(names, n);
	return rc;
}

static int cmp_def(const void *a, const void *b)
{
	return strcmp((*(struct apm_def *const *)a)->uuid, (*(struct apm_def *const *)b)->uuid);
}

static int cmp_guest(const void *a, const void *b)
{
	return strcmp(((const struct apm_guest *)a)->name, ((const struct apm_guest *)b)->name);
}

APM_EXPORT int apm_config_load(struct apm_config *cfg)
{
	int rc;

	/*
	 * What did not change is not read again: the console loads with every
	 * snapshot.  The watches answer first; where they cannot, or said
	 * something, or once a minute, the stamps.
	 */
	if (cfg->loaded && cfg->stamps_ok && watch_quiet(cfg) && !backstop_due(cfg))
		return 0;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &cfg->checked);
	if (stamps_valid(cfg))
		return 0;
	clear_loaded(cfg);
	stamp_clear(cfg);
	watch_open(cfg);
	cfg->stamps_ok = true;
	clock_gettime(CLOCK_REALTIME_COARSE, &cfg->stamp_time);
	cfg->loaded = true;
	cfg->generation++;
	rc = make_paths(cfg);
	if (!rc && cfg->mdevctl_dir)
		rc = load_defs(cfg);
	if (!rc && cfg->rule_path)
		rc = load_rule(cfg);
	if (!rc && cfg->libvirt_etc)
		rc = load_domains(cfg, cfg->libvirt_etc, false);
	if (!rc && cfg->libvirt_run)
		rc = load_domains(cfg, cfg->libvirt_run, true);
	if (rc) {
		clear_loaded(cfg);
		stamp_clear(cfg);
		return rc;
	}
	/* Two names may differ only in case; mdevctl's names are lower case. */
	if (cfg->ndefs)
		qsort(cfg->defs, cfg->ndefs, sizeof(*cfg->defs), cmp_def);
	if (cfg->nguests)
		qsort(cfg->guests, cfg->nguests, sizeof(*cfg->guests), cmp_guest);
	return 0;
}

/* ----------------------------------------------------------- getters */

APM_EXPORT unsigned int apm_config_get_generation(const struct apm_config *cfg)
{
	return cfg->generation;
}

APM_EXPORT const char *apm_config_get_root(const struct apm_config *cfg)
{
	return cfg->root;
}

APM_EXPORT const char *apm_config_get_path(const struct apm_config *cfg, enum apm_config_path which)
{
	switch (which) {
	case APM_PATH_MDEVCTL:
		return cfg->mdevctl_dir;
	case APM_PATH_RULE:
		return cfg->rule_path;
	case APM_PATH_LIBVIRT_ETC:
		return cfg->libvirt_etc;
	case APM_PATH_LIBVIRT_RUN:
		return cfg->libvirt_run;
	}
	return NULL;
}

APM_EXPORT const char *apm_config_get_errors(const struct apm_config *cfg)
{
	return cfg->errors.s ? cfg->errors.s : "";
}

APM_EXPORT const char *apm_config_get_notes(const struct apm_config *cfg)
{
	return cfg->notes.s ? cfg->notes.s : "";
}

APM_EXPORT unsigned int apm_config_get_def_count(const struct apm_config *cfg)
{
	return cfg->ndefs;
}

APM_EXPORT struct apm_def *apm_config_get_def(const struct apm_config *cfg, unsigned int i)
{
	return i < cfg->ndefs ? cfg->defs[i] : NULL;
}

/* uuid in lower case into u; false when it cannot be one. */
static bool lower_uuid(const char *uuid, char u[37])
{
	if (!uuid || strlen(uuid) != 36)
		return false;
	memcpy(u, uuid, 37);
	lower(u);
	return true;
}

struct apm_def *apm_config_def(const struct apm_config *cfg, const char *uuid)
{
	char u[37];

	for (unsigned int i = 0; lower_uuid(uuid, u) && i < cfg->ndefs; i++)
		if (!strcmp(cfg->defs[i]->uuid, u))
			return cfg->defs[i];
	return NULL;
}

bool apm_config_def_broken(const struct apm_config *cfg, const char *uuid)
{
	char u[37];

	for (unsigned int i = 0; lower_uuid(uuid, u) && i < cfg->nbroken; i++)
		if (!strcmp(cfg->broken[i], u))
			return true;
	return false;
}

APM_EXPORT struct apm_def *apm_config_find_def(const struct apm_config *cfg, const char *uuid)
{
	return apm_config_def(cfg, uuid);
}

APM_EXPORT const char *apm_def_get_uuid(const struct apm_def *def)
{
	return def->uuid;
}

APM_EXPORT const char *apm_def_get_path(const struct apm_def *def)
{
	return def->path;
}

APM_EXPORT bool apm_def_get_autostart(const struct apm_def *def)
{
	return def->autostart;
}

APM_EXPORT void apm_def_get_mask(const struct apm_def *def, enum apm_kind which, struct apm_mask *m)
{
	const struct apr_mask *src = which == APM_KIND_ADAPTER		? &def->apm
				     : which == APM_KIND_DOMAIN		? &def->aqm
				     : which == APM_KIND_CONTROL_DOMAIN ? &def->adm
									: NULL;

	memset(m, 0, sizeof(*m));
	if (src)
		memcpy(m, src, sizeof(*m));
}

APM_EXPORT unsigned int apm_def_get_attr_count(const struct apm_def *def)
{
	return def->nattrs;
}

APM_EXPORT int apm_def_get_attr(const struct apm_def *def, unsigned int i, const char **key,
				const char **value)
{
	if (i >= def->nattrs)
		return -ENOENT;
	*key = def->attrs[i].key;
	*value = def->attrs[i].value;
	return 0;
}

APM_EXPORT int apm_config_get_mask(const struct apm_config *cfg, bool aqmask, struct apm_mask *m)
{
	if (cfg->rule_broken)
		return -EINVAL;
	if (!(aqmask ? cfg->rule.has_aqmask : cfg->rule.has_apmask))
		return -ENOENT;
	memcpy(m, aqmask ? &cfg->rule.aqmask : &cfg->rule.apmask, sizeof(*m));
	return 0;
}

static bool has_uuid(char (*v)[37], unsigned int n, const char *uuid)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(v[i], uuid))
			return true;
	return false;
}

APM_EXPORT bool apm_config_mask_lost_at_reboot(const struct apm_config *cfg,
					       const struct apm_host *host, bool aqmask)
{
	struct apm_mask p, a;

	if (apm_config_get_mask(cfg, aqmask, &p))
		return true;
	if (aqmask)
		apm_host_get_aqmask(host, &a);
	else
		apm_host_get_apmask(host, &a);
	return memcmp(&p, &a, sizeof(p)) != 0;
}

APM_EXPORT int apm_config_get_guest(const struct apm_config *cfg, const char *uuid, unsigned int i,
				    struct apm_guest_info *info)
{
	char u[37];

	if (!lower_uuid(uuid, u))
		return -ENOENT;
	for (unsigned int k = 0; k < cfg->nguests; k++) {
		const struct apm_guest *g = &cfg->guests[k];
		bool def = has_uuid(g->def_uuids, g->ndef, u),
		     live = has_uuid(g->live_uuids, g->nlive, u);

		if (!def && !live)
			continue;
		if (i--)
			continue;
		info->name = g->name;
		info->path = g->path;
		info->running = g->running;
		info->state = g->running ? g->state : "";
		info->defined = def;
		info->live = live;
		info->secure = g->running ? g->secure_live : g->secure_def;
		return 0;
	}
	return -ENOENT;
}

/* -------------------------------------------------------- comparison */

static void mdev_sets(const struct apm_mdev *md, struct apr_mask sets[3])
{
	struct apm_mask m;

	for (int k = 0; k < 3; k++) {
		apm_mdev_get_mask(md, (enum apm_kind)k, &m);
		sets[k] = *to_apr(&m);
	}
}

static void fill_state(const struct apm_config *cfg, struct apm_mdev *md, struct apm_def *def,
		       struct apm_mdev_state *st)
{
	struct apr_mask act[3], a, q;
	unsigned int both;

	(void)cfg;
	memset(st, 0, sizeof(*st));
	st->mdev = md;
	st->def = def;
	st->uuid = md ? apm_mdev_get_uuid(md) : def->uuid;
	if (md)
		mdev_sets(md, act);
	else
		memset(act, 0, sizeof(act));
	if (!def) {
		st->lost_at_reboot = true;
		st->only_active = apr_mask_weight(&act[0]) * apr_mask_weight(&act[1]);
		return;
	}
	apr_mask_and(&a, &act[0], &def->apm);
	apr_mask_and(&q, &act[1], &def->aqm);
	both = apr_mask_weight(&a) * apr_mask_weight(&q);
	st->only_active = apr_mask_weight(&act[0]) * apr_mask_weight(&act[1]) - both;
	st->only_defined = apr_mask_weight(&def->apm) * apr_mask_weight(&def->aqm) - both;
	st->control_differs = !apr_mask_equal(&act[2], &def->adm);
	st->lost_at_reboot = md && (st->only_active || st->only_defined || st->control_differs);
}

APM_EXPORT int apm_config_foreach_mdev(const struct apm_config *cfg, const struct apm_host *host,
				       int (*fn)(const struct apm_mdev_state *st, void *data),
				       void *data)
{
	unsigned int nh = apm_host_get_mdev_count(host), i = 0, j = 0;
	struct apm_mdev_state st;
	int rc = 0;

	/* Both lists are sorted by uuid: merge them. */
	while (!rc && (i < nh || j < cfg->ndefs)) {
		struct apm_mdev *md = i < nh ? apm_host_get_mdev(host, i) : NULL;
		struct apm_def *def = j < cfg->ndefs ? cfg->defs[j] : NULL;
		int c = !md ? 1 : !def ? -1 : strcmp(apm_mdev_get_uuid(md), def->uuid);

		fill_state(cfg, c <= 0 ? md : NULL, c >= 0 ? def : NULL, &st);
		i += c <= 0;
		j += c >= 0;
		rc = fn(&st, data);
	}
	return rc;
}

static struct apm_mdev *host_mdev(const struct apm_host *host, const char *uuid)
{
	for (unsigned int i = 0; i < apm_host_get_mdev_count(host); i++)
		if (!strcasecmp(apm_mdev_get_uuid(apm_host_get_mdev(host, i)), uuid))
			return apm_host_get_mdev(host, i);
	return NULL;
}

APM_EXPORT int apm_config_get_mdev_state(const struct apm_config *cfg, const struct apm_host *host,
					 const char *uuid, struct apm_mdev_state *st)
{
	struct apm_mdev *md = uuid ? host_mdev(host, uuid) : NULL;
	struct apm_def *def = apm_config_def(cfg, uuid);

	if (!md && !def)
		return -ENOENT;
	fill_state(cfg, md, def, st);
	return 0;
}

APM_EXPORT int apm_config_foreach_apqn_diff(const struct apm_config *cfg,
					    const struct apm_host *host, const char *uuid,
					    int (*fn)(unsigned int adapter, unsigned int domain,
						      bool only_active, void *data),
					    void *data)
{
	struct apm_mdev *md = uuid ? host_mdev(host, uuid) : NULL;
	struct apm_def *def = apm_config_def(cfg, uuid);
	struct apr_mask act[3], none[3];
	const struct apr_mask *side[2][2];
	int rc = 0;

	if (!md && !def)
		return -ENOENT;
	memset(none, 0, sizeof(none));
	if (md)
		mdev_sets(md, act);
	else
		memset(act, 0, sizeof(act));
	side[0][0] = &act[0];
	side[0][1] = &act[1];
	side[1][0] = def ? &def->apm : &none[0];
	side[1][1] = def ? &def->aqm : &none[1];
	for (int s = 0; s < 2 && !rc; s++) {
		const struct apr_mask *pa = side[s][0], *pq = side[s][1];
		const struct apr_mask *oa = side[!s][0], *oq = side[!s][1];

		for (unsigned int a = apr_mask_next(pa, 0); a < APR_BITS && !rc;
		     a = apr_mask_next(pa, a + 1))
			for (unsigned int q = apr_mask_next(pq, 0); q < APR_BITS && !rc;
			     q = apr_mask_next(pq, q + 1))
				if (!apr_mask_test(oa, a) || !apr_mask_test(oq, q))
					rc = fn(a, q, s == 0, data);
	}
	return rc;
}

/*
 * Is (a, q) one of the APQNs the owner walk looks at: a queue of the host,
 * in an active mdev's matrix, or in a definition's?
 */
static bool owner_seen(const struct apm_config *cfg, const struct apm_host *h, unsigned int a,
		       unsigned int q)
{
	if ((h->queue[a][q] & APM_Q_EXISTS) ||
	    apr_mdev_holding(h->rmdevs, (int)h->nmdevs, a, q) >= 0)
		return true;
	for (unsigned int i = 0; i < cfg->ndefs; i++)
		if (apr_mask_test(&cfg->defs[i]->apm, a) && apr_mask_test(&cfg->defs[i]->aqm, q))
			return true;
	return false;
}

/*
 * An APQN's owner is the product of its adapter's and its domain's bits, so
 * masks that are the same at boot leave every owner as it is, and else only
 * the rows and columns where a mask has a bit, now or at boot, are looked
 * at: the console asks at every frame, and a walk of the host's 65536
 * queues through the queue iterator costs it tens of milliseconds in a VM.
 */
APM_EXPORT int apm_config_foreach_owner_diff(
	const struct apm_config *cfg, const struct apm_host *host,
	int (*fn)(unsigned int adapter, unsigned int domain, bool host_now, void *data), void *data)
{
	struct apr_mask now_ap, now_aq, boot_ap, boot_aq, rows, cols;
	struct apm_mask m;
	int rc = 0;

	apm_host_get_apmask(host, &m);
	now_ap = *to_apr(&m);
	apm_host_get_aqmask(host, &m);
	now_aq = *to_apr(&m);
	boot_ap = cfg->rule.has_apmask && !cfg->rule_broken ? cfg->rule.apmask : now_ap;
	boot_aq = cfg->rule.has_aqmask && !cfg->rule_broken ? cfg->rule.aqmask : now_aq;
	if (!memcmp(&now_ap, &boot_ap, sizeof(now_ap)) &&
	    !memcmp(&now_aq, &boot_aq, sizeof(now_aq)))
		return 0;
	/* A row or column with its bit neither now nor at boot is vfio_ap's both times. */
	apr_mask_or(&rows, &now_ap, &boot_ap);
	apr_mask_or(&cols, &now_aq, &boot_aq);
	for (unsigned int a = apr_mask_next(&rows, 0); a < APR_BITS && !rc;
	     a = apr_mask_next(&rows, a + 1))
		for (unsigned int q = apr_mask_next(&cols, 0); q < APR_BITS && !rc;
		     q = apr_mask_next(&cols, q + 1)) {
			bool now = apr_mask_test(&now_ap, a) && apr_mask_test(&now_aq, q);
			bool boot = apr_mask_test(&boot_ap, a) && apr_mask_test(&boot_aq, q);

			if (now != boot && owner_seen(cfg, host, a, q))
				rc = fn(a, q, now, data);
		}
	return rc;
}

/* ---------------------------------------------------------- findings */

static const char *const finding_names[] = {
	[APM_FINDING_AUTOSTART_OVERLAP] = "autostart-overlap",
	[APM_FINDING_PERSISTENT_MASK] = "persistent-mask",
	[APM_FINDING_ACTIVE_OVERLAP] = "active-overlap",
	[APM_FINDING_ACTIVE_MASK] = "active-mask",
	[APM_FINDING_CONTROL_ONLY] = "control-only",
	[APM_FINDING_GUEST_UNPLUGGED] = "guest-unplugged",
	[APM_FINDING_GUEST_DETACHED] = "guest-detached",
	[APM_FINDING_GUEST_NO_MDEV] = "guest-no-mdev",
};

APM_EXPORT const char *apm_finding_name(enum apm_finding_code code)
{
	return (unsigned int)code < APM_FINDING_COUNT ? finding_names[code] : "unknown";
}

/*
 * What libvirt's XML says beside what the host shows: a running domain
 * whose live definition has an mdev no process holds lost it at the QEMU
 * level (device_del, or the guest dropped it) without libvirt noticing; a
 * running domain whose persistent definition has the mdev and whose live
 * one does not was detached live (virsh detach-device --live); a domain
 * whose mdev is neither active nor defined cannot get it at its next start.
 */
static void guest_findings(const struct apm_config *cfg, const struct apm_host *host,
			   struct apm_finding_list *l)
{
	for (unsigned int k = 0; k < cfg->nguests; k++) {
		const struct apm_guest *g = &cfg->guests[k];
		/* Whole: a libvirt domain name is as long as its NAME.xml allows. */
		char *copy = apm_text_dup(g->name, 0);
		const char *name = copy ? copy : "(its name: out of memory)";

		for (unsigned int i = 0; i < g->nlive; i++) {
			const char *u = g->live_uuids[i];
			struct apm_mdev *md = host_mdev(host, u);

			if (!g->running || (md && apm_mdev_in_use(md) != 0))
				continue;
			apm_finding_add(
				l, APM_FINDING_GUEST_UNPLUGGED, u, g->name, -1, -1, false,
				md ? "guest %s runs and its live definition has mdev %s, but no process holds the mdev: QEMU released it (a hot unplug at the QEMU level, not through libvirt), so the guest has no crypto adapters; `virsh detach-device` and `virsh attach-device` %s plug it in again"
				   : "guest %s runs and its live definition has mdev %s, which no longer exists: the guest has lost its crypto adapters (the mdev was removed under it)%s",
				name, u, md ? name : "");
		}
		for (unsigned int i = 0; i < g->ndef; i++) {
			const char *u = g->def_uuids[i];
			struct apm_mdev *md = host_mdev(host, u);

			if (g->running && !has_uuid(g->live_uuids, g->nlive, u))
				apm_finding_add(
					l, APM_FINDING_GUEST_DETACHED, u, g->name, -1, -1, false,
					"guest %s is defined with mdev %s but runs without it (detached live, `virsh detach-device --live`): it gets the mdev again at its next start%s",
					name, u,
					md ? ""
					   : ", which fails, because the mdev does not exist now");
			else if (!g->running && !md && !apm_config_def(cfg, u))
				apm_finding_add(
					l, APM_FINDING_GUEST_NO_MDEV, u, g->name, -1, -1, true,
					"guest %s (defined, not running) uses mdev %s, which is neither active nor defined: the guest cannot start until the mdev exists",
					name, u);
		}
		free(copy);
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const struct apm_finding *x = a, *y = b;
	int c = strcmp(x->uuid, y->uuid);

	return c ? c : (int)x->code - (int)y->code;
}

static void free_findings(struct apm_finding_list *l)
{
	for (unsigned int i = 0; i < l->n; i++) {
		free((char *)l->v[i].uuid);
		free((char *)l->v[i].other);
		free((char *)l->v[i].text);
	}
	free(l->v);
}

static bool same_mdevs(const struct apm_finding *a, const struct apm_finding *b)
{
	return a->code == b->code && !strcmp(a->uuid, b->uuid) &&
	       !strcmp(a->other ? a->other : "", b->other ? b->other : "");
}

APM_EXPORT int apm_config_foreach_new_finding(const struct apm_config *cfg,
					      const struct apm_host *before,
					      const struct apm_host *after,
					      int (*fn)(const struct apm_finding *f, void *data),
					      void *data)
{
	struct apm_finding_list was = { 0 }, now = { 0 };
	int rc = 0;

	apm_check_findings(cfg, before, &was);
	apm_check_findings(cfg, after, &now);
	if (now.n)
		qsort(now.v, now.n, sizeof(*now.v), cmp_finding);
	for (unsigned int i = 0; i < now.n && !rc; i++) {
		bool old = false;

		if (now.v[i].code != APM_FINDING_ACTIVE_OVERLAP &&
		    now.v[i].code != APM_FINDING_ACTIVE_MASK)
			continue;
		for (unsigned int k = 0; k < was.n && !old; k++)
			old = same_mdevs(&now.v[i], &was.v[k]);
		if (!old)
			rc = fn(&now.v[i], data);
	}
	free_findings(&was);
	free_findings(&now);
	return rc;
}

APM_EXPORT int apm_config_foreach_finding(const struct apm_config *cfg, const struct apm_host *host,
					  int (*fn)(const struct apm_finding *f, void *data),
					  void *data)
{
	struct apm_finding_list l = { 0 };
	int rc = 0;

	apm_check_findings(cfg, host, &l);
	guest_findings(cfg, host, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_finding);
	for (unsigned int i = 0; i < l.n; i++) {
		if (!rc)
			rc = fn(&l.v[i], data);
		free((char *)l.v[i].uuid);
		free((char *)l.v[i].other);
		free((char *)l.v[i].text);
	}
	free(l.v);
	return rc;
}
