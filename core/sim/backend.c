// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backend.c - the simulated host behind the seam: the seam's operations
 * (read, write, list, readlink, events, transactions) answered by the node
 * tree over the kernel model, with the state in memory (the built-in
 * scenario) or in a state file shared with other processes.  The rest of
 * the library cannot tell it from /sys.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "sim.h"

struct sim_backend {
	struct sim sim;
	struct apm_ctx *ctx; /* owner, not referenced */
	bool has_file;
	struct sim_file file;
	int ifd, epfd;
	char **watched; /* directories whose attribute writes are reported */
	unsigned int nwatched;
};

static int refresh(struct sim_backend *sb)
{
	return sb->has_file ? sim_file_refresh(&sb->file, &sb->sim.st) : 0;
}

static int lock(struct sim_backend *sb)
{
	return sb->has_file ? sim_file_lock(&sb->file, &sb->sim.st) : 0;
}

static void unlock(struct sim_backend *sb)
{
	if (sb->has_file)
		sim_file_unlock(&sb->file);
}

/* Save when the outermost transaction ends; errors name the file. */
static int save(struct sim_backend *sb)
{
	int rc;

	if (!sb->sim.dirty || !sb->has_file || sb->file.depth > 1)
		return 0;
	sb->sim.dirty = false;
	rc = sim_file_save(&sb->file, sb->sim.st);
	if (rc) {
		/* Nothing that is not in the file happened: the state is the file's again. */
		err(sb->ctx, "%s: cannot save the simulated host (%s): the change is undone",
		    sb->file.path, strerror(-rc));
		sim_file_revert(&sb->file, &sb->sim.st);
	}
	return rc;
}

static int sim_read(void *be, const char *path, char *buf, size_t size)
{
	struct sim_backend *sb = be;
	int rc = refresh(sb);

	if (size)
		buf[0] = '\0';
	return rc ? rc : sim_tree_read(&sb->sim, path, buf, size);
}

static int sim_list(void *be, const char *path, apm_list_fn fn, void *data)
{
	struct sim_backend *sb = be;
	int rc = refresh(sb);

	return rc ? rc : sim_tree_list(&sb->sim, path, fn, data);
}

static int sim_readlink(void *be, const char *path, char *buf, size_t size)
{
	struct sim_backend *sb = be;
	int rc = refresh(sb);

	return rc ? rc : sim_tree_readlink(&sb->sim, path, buf, size);
}

static int sim_can_write(void *be, const char *path)
{
	struct sim_backend *sb = be;

	return sim_tree_can_write(&sb->sim, path);
}

/* A successful write to an attribute of a watched directory, as inotify tells it. */
static void report_write(struct sim_backend *sb, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[256], attr[80];

	if (!slash || !sb->nwatched)
		return;
	snprintf(dir, sizeof(dir), "/%.*s", (int)(slash - path), path);
	for (unsigned int i = 0; i < sb->nwatched; i++)
		if (!strcmp(sb->watched[i], dir + 1)) {
			snprintf(attr, sizeof(attr), "ATTR=%s", slash + 1);
			sim_uevent(&sb->sim, "write", dir, APM_EVENT_SUBSYSTEM, attr, NULL);
			return;
		}
}

static int sim_write(void *be, const char *path, const char *buf, size_t len)
{
	struct sim_backend *sb = be;
	int rc = lock(sb), src;

	if (rc)
		return rc;
	rc = sim_tree_write(&sb->sim, path, buf, len);
	if (rc >= 0)
		report_write(sb, path);
	if (rc > 0)
		rc = 0;
	src = save(sb);
	if (!rc)
		rc = src;
	unlock(sb);
	return rc;
}

static int sim_transaction(void *be, int (*fn)(void *data), void *data)
{
	struct sim_backend *sb = be;
	int rc = lock(sb), src;

	if (rc)
		return rc;
	rc = fn(data);
	src = save(sb);
	if (!rc)
		rc = src;
	unlock(sb);
	return rc;
}

static int sim_vfio_holders(void *be, struct apm_holder *hs, unsigned int n)
{
	struct sim_backend *sb = be;
	const struct apr_model *m;
	int rc = refresh(sb);

	if (rc)
		return rc;
	m = sim_model(&sb->sim);
	for (unsigned int k = 0; k < n; k++) {
		hs[k].rc = 0;
		hs[k].name[0] = '\0';
		hs[k].secure = false;
		for (unsigned int i = 0; i < m->nmdevs; i++)
			if (m->mdev[i].group == hs[k].group && m->rm[i].attached) {
				snprintf(hs[k].name, sizeof(hs[k].name), "%s", m->mdev[i].guest);
				hs[k].secure = m->mdev[i].secure;
				hs[k].rc = 1;
				break;
			}
	}
	return 0;
}

/* -------------------------------------------------------------- events */

static int sim_event_fd(void *be)
{
	struct sim_backend *sb = be;
	struct epoll_event ee = { .events = EPOLLIN };

	if (sb->epfd >= 0)
		return sb->epfd;
	sb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sb->epfd < 0)
		return -errno;
	ee.data.fd = sim_ring_fd(sb->sim.ring);
	if (epoll_ctl(sb->epfd, EPOLL_CTL_ADD, ee.data.fd, &ee))
		return -errno;
	if (sb->has_file) {
		/* Other processes replace the file by rename into its directory. */
		char *dir = strdup(sb->file.path), *slash;

		if (!dir)
			return -ENOMEM;
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		sb->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (sb->ifd >= 0 &&
		    inotify_add_watch(sb->ifd, slash ? dir : ".",
				      IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) >= 0) {
			ee.data.fd = sb->ifd;
			epoll_ctl(sb->epfd, EPOLL_CTL_ADD, sb->ifd, &ee);
		}
		free(dir);
	}
	return sb->epfd;
}

static int sim_watch(void *be, const char *path, bool on)
{
	struct sim_backend *sb = be;
	size_t len;
	char **t;

	if (!path) {
		sb->sim.watch_vfio = on;
		return 0;
	}
	while (*path == '/')
		path++;
	len = strlen(path);
	while (len && path[len - 1] == '/')
		len--;
	for (unsigned int i = 0; i < sb->nwatched; i++)
		if (strlen(sb->watched[i]) == len && !strncmp(sb->watched[i], path, len)) {
			if (!on) {
				free(sb->watched[i]);
				sb->watched[i] = sb->watched[--sb->nwatched];
			}
			return 0;
		}
	if (!on)
		return 0;
	t = realloc(sb->watched, (sb->nwatched + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	sb->watched = t;
	t[sb->nwatched] = strndup(path, len);
	if (!t[sb->nwatched])
		return -ENOMEM;
	sb->nwatched++;
	return 0;
}

/* An inotify event on the state file (another process's change) reads as one uevent. */
static bool file_replaced(struct sim_backend *sb)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *slash = strrchr(sb->file.path, '/');
	const char *base = slash ? slash + 1 : sb->file.path;
	bool hit = false;
	ssize_t n;

	while ((n = read(sb->ifd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			/* Aligned: the kernel pads each name to the next event (inotify(7)). */
			struct inotify_event *ie = (void *)p;

			if (ie->len && !strcmp(ie->name, base))
				hit = true;
			p += sizeof(*ie) + ie->len;
		}
	return hit && sim_file_changed(&sb->file);
}

static int sim_read_event(void *be, struct apm_event *ev)
{
	struct sim_backend *sb = be;

	if (sb->ifd >= 0 && file_replaced(sb)) {
		refresh(sb);
		memset(ev, 0, sizeof(*ev));
		snprintf(ev->action, sizeof(ev->action), "change");
		snprintf(ev->devpath, sizeof(ev->devpath), "/");
		snprintf(ev->subsystem, sizeof(ev->subsystem), "%s", APM_EVENT_SUBSYSTEM);
		snprintf(ev->props[ev->nprops++], sizeof(ev->props[0]), "SIM_STATE=changed");
		return 0;
	}
	return sim_ring_pop(sb->sim.ring, ev);
}

/* ---------------------------------------------------------- lifecycle */

static void sim_destroy(void *be)
{
	struct sim_backend *sb = be;

	sim_state_free(sb->sim.st);
	sim_ring_free(sb->sim.ring);
	if (sb->has_file)
		sim_file_close(&sb->file);
	if (sb->ifd >= 0)
		close(sb->ifd);
	if (sb->epfd >= 0)
		close(sb->epfd);
	for (unsigned int i = 0; i < sb->nwatched; i++)
		free(sb->watched[i]);
	free(sb->watched);
	free(sb);
}

static int load_builtin(struct apm_ctx *ctx, struct sim_state *st)
{
	FILE *f = fmemopen((void *)sim_builtin_scenario, strlen(sim_builtin_scenario), "r");
	int rc;

	if (!f)
		return -errno;
	rc = sim_state_parse(ctx, "(built-in scenario)", f, st);
	fclose(f);
	return rc;
}

int apm_backend_sim_new(struct apm_ctx *ctx, const char *file, void **out)
{
	struct sim_backend *sb = calloc(1, sizeof(*sb));
	int rc;

	if (!sb)
		return -ENOMEM;
	sb->ctx = ctx;
	sb->ifd = sb->epfd = -1;
	sb->sim.ctx = ctx;
	sb->sim.ring = sim_ring_new();
	sb->sim.st = sim_state_new();
	if (!sb->sim.ring || !sb->sim.st) {
		rc = -ENOMEM;
		goto fail;
	}
	if (!file) {
		rc = load_builtin(ctx, sb->sim.st);
	} else {
		sb->has_file = true;
		rc = sim_file_open(&sb->file, ctx, file, &sb->sim.st, load_builtin);
	}
	if (rc)
		goto fail;
	*out = sb;
	return 0;
fail:
	sim_destroy(sb);
	return rc;
}

struct sim *apm_backend_sim_get(struct apm_ctx *ctx)
{
	return ctx->ops == &apm_backend_sim_ops ? &((struct sim_backend *)ctx->be)->sim : NULL;
}

const struct apm_backend_ops apm_backend_sim_ops = {
	.name = "sim",
	.read = sim_read,
	.write = sim_write,
	.list = sim_list,
	.readlink = sim_readlink,
	.can_write = sim_can_write,
	.vfio_holders = sim_vfio_holders,
	.event_fd = sim_event_fd,
	.read_event = sim_read_event,
	.watch = sim_watch,
	.transaction = sim_transaction,
	.destroy = sim_destroy,
};

/* ------------------------------------------------------ the predictor */

int apm_backend_sim_new_model(struct apm_ctx *ctx, const struct apr_model *m, void **out)
{
	struct sim_backend *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return -ENOMEM;
	sb->ctx = ctx;
	sb->ifd = sb->epfd = -1;
	sb->sim.ring = sim_ring_new();
	sb->sim.st = sim_state_dup(m, 0);
	if (!sb->sim.ring || !sb->sim.st) {
		sim_destroy(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

struct sim *sim_scratch_new(const struct apr_model *from, unsigned int room)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->st = sim_state_dup(from, room);
	if (!s->st) {
		free(s);
		return NULL;
	}
	return s;
}

void sim_scratch_free(struct sim *s)
{
	if (!s)
		return;
	sim_state_free(s->st);
	free(s);
}
