// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fs-events.c - the events of a real host, for the seam on the filesystem
 * (backend-fs.c): the kernel's uevents from a libudev monitor on the
 * "kernel" netlink source (no udevd needed: minimal VMs and containers
 * have none), and inotify for what the kernel sends no uevent for (writes
 * to an mdev's attributes, QEMU opening a VFIO group), merged behind one
 * epoll fd.
 *
 * vfs_write() tells inotify of every successful write whatever the file
 * system (fs/read_write.c: fsnotify_modify), sysfs attributes included,
 * and an open of /dev/vfio/<group> is an IN_OPEN like any other.  A
 * netlink socket that overflowed answers ENOBUFS once, an inotify queue
 * that did says IN_Q_OVERFLOW: both are told as -ENOBUFS, "events were
 * lost", and the caller reads the host again.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libudev.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "apm-private.h"

/*
 * An `apmask 0x` on a 256 x 256 host sends 131072 uevents in a few
 * seconds; the socket keeps what a busy reader has not read yet (root may
 * raise the limit past net.core.rmem_max, libudev asks for that).
 */
#define RCVBUF (128 << 20)

struct fs_watch {
	int wd;
	char *devpath; /* "/devices/vfio_ap/matrix/UUID", or "/dev/vfio" */
};

struct fs_events {
	struct apm_ctx *ctx; /* owner, not referenced */
	char *root;
	struct udev *udev;
	struct udev_monitor *mon;
	int epfd, ifd;
	struct fs_watch *watches;
	unsigned int nwatches;
	int vfio_wd; /* the watch on /dev/vfio, -1 */
	/*
	 * What the last epoll_wait found readable, and the events read since:
	 * each read of a source with nothing in it is a syscall that returns
	 * EAGAIN, and a storm or a poll tick would pay one per event or per
	 * tick for the source that is quiet (apm_fs_events_read).
	 */
	bool asked, inotify_ready, uevent_ready;
	unsigned int since_asked;
	/* inotify events read but not handed out yet */
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t len, at;
};

static int add_fd(struct fs_events *e, int fd)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ee) ? -errno : 0;
}

void apm_fs_events_free(struct fs_events *e)
{
	if (!e)
		return;
	if (e->mon)
		udev_monitor_unref(e->mon);
	if (e->udev)
		udev_unref(e->udev);
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->ifd >= 0)
		close(e->ifd);
	for (unsigned int i = 0; i < e->nwatches; i++)
		free(e->watches[i].devpath);
	free(e->watches);
	free(e->root);
	free(e);
}

int apm_fs_events_new(struct apm_ctx *ctx, const char *root, struct fs_events **out)
{
	struct fs_events *e = calloc(1, sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	e->ctx = ctx;
	e->ifd = e->vfio_wd = -1;
	e->root = strdup(root);
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!e->root || e->epfd < 0) {
		rc = e->root ? -errno : -ENOMEM;
		goto fail;
	}
	e->udev = udev_new();
	if (!e->udev) {
		rc = -ENOMEM;
		goto fail;
	}
	e->mon = udev_monitor_new_from_netlink(e->udev, "kernel");
	if (!e->mon) {
		rc = -EPROTONOSUPPORT;
		goto fail;
	}
	udev_monitor_filter_add_match_subsystem_devtype(e->mon, "ap", NULL);
	udev_monitor_filter_add_match_subsystem_devtype(e->mon, "mdev", NULL);
	udev_monitor_filter_add_match_subsystem_devtype(e->mon, "matrix", NULL);
	if (udev_monitor_enable_receiving(e->mon) < 0) {
		rc = -errno ? -errno : -EIO;
		goto fail;
	}
	if (udev_monitor_set_receive_buffer_size(e->mon, RCVBUF) < 0)
		dbg(ctx, "cannot raise the uevent socket's buffer: %s", strerror(errno));
	rc = add_fd(e, udev_monitor_get_fd(e->mon));
	if (rc)
		goto fail;
	*out = e;
	return 0;
fail:
	apm_fs_events_free(e);
	return rc;
}

int apm_fs_events_fd(const struct fs_events *e)
{
	return e->epfd;
}

static struct fs_watch *watch_of(struct fs_events *e, int wd)
{
	for (unsigned int i = 0; i < e->nwatches; i++)
		if (e->watches[i].wd == wd)
			return &e->watches[i];
	return NULL;
}

static void forget(struct fs_events *e, struct fs_watch *w)
{
	if (w->wd == e->vfio_wd)
		e->vfio_wd = -1;
	free(w->devpath);
	*w = e->watches[--e->nwatches];
}

int apm_fs_events_watch(struct fs_events *e, const char *path, bool on)
{
	char full[PATH_MAX], devpath[PATH_MAX];
	struct fs_watch *t;
	uint32_t mask;
	int wd;

	if (e->ifd < 0) {
		int rc;

		if (!on)
			return 0;
		e->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (e->ifd < 0)
			return -errno;
		rc = add_fd(e, e->ifd);
		if (rc)
			return rc;
	}
	if (path) {
		while (*path == '/')
			path++;
		snprintf(devpath, sizeof(devpath), "/%s", path);
		snprintf(full, sizeof(full), "%s/%s", e->root, path);
		mask = IN_MODIFY;
	} else {
		snprintf(devpath, sizeof(devpath), "/dev/vfio");
		snprintf(full, sizeof(full), "/dev/vfio");
		mask = IN_OPEN | IN_CLOSE;
	}
	for (unsigned int i = 0; i < e->nwatches; i++)
		if (!strcmp(e->watches[i].devpath, devpath)) {
			if (!on) {
				inotify_rm_watch(e->ifd, e->watches[i].wd);
				forget(e, &e->watches[i]);
			}
			return 0;
		}
	if (!on)
		return 0;
	wd = inotify_add_watch(e->ifd, full, mask | IN_ONLYDIR);
	if (wd < 0)
		return -errno;
	t = realloc(e->watches, (e->nwatches + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	e->watches = t;
	t[e->nwatches].wd = wd;
	t[e->nwatches].devpath = strdup(devpath);
	if (!t[e->nwatches].devpath)
		return -ENOMEM;
	e->nwatches++;
	if (!path)
		e->vfio_wd = wd;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void event_set(struct apm_event *ev, const char *action, const char *devpath)
{
	memset(ev, 0, sizeof(*ev));
	apm_event_set(ev, action, devpath, APM_EVENT_SUBSYSTEM);
}

/* The next inotify event worth telling: 0 with *ev, -ENOBUFS, -EAGAIN. */
static int read_inotify(struct fs_events *e, struct apm_event *ev)
{
	for (;;) {
		const struct inotify_event *ie;
		struct fs_watch *w;
		char path[300];

		if (e->at >= e->len) {
			ssize_t n = read(e->ifd, e->buf, sizeof(e->buf));

			if (n <= 0)
				return -EAGAIN;
			e->len = (size_t)n;
			e->at = 0;
		}
		/* Aligned: the kernel pads each name to the next event (inotify(7)). */
		ie = (const void *)(e->buf + e->at);
		e->at += sizeof(*ie) + ie->len;
		if (ie->mask & IN_Q_OVERFLOW)
			return -ENOBUFS;
		w = watch_of(e, ie->wd);
		if (!w)
			continue;
		if (ie->mask & IN_IGNORED) { /* the directory went, with its device */
			forget(e, w);
			continue;
		}
		if (!ie->len || (ie->mask & IN_ISDIR))
			continue;
		if (ie->wd == e->vfio_wd) {
			/* /dev/vfio/vfio is the container, /dev/vfio/devices the cdevs. */
			if (!all_digits(ie->name))
				continue;
			snprintf(path, sizeof(path), "/dev/vfio/%s", ie->name);
			event_set(ev, ie->mask & IN_OPEN ? "open" : "close", path);
			return 0;
		}
		event_set(ev, "write", w->devpath);
		apm_event_add(ev, "ATTR", ie->name);
		return 0;
	}
}

static int read_uevent(struct fs_events *e, struct apm_event *ev)
{
	struct udev_list_entry *l;
	struct udev_device *d;

	errno = 0;
	d = udev_monitor_receive_device(e->mon);
	if (!d)
		return errno == ENOBUFS ? -ENOBUFS : -EAGAIN;
	memset(ev, 0, sizeof(*ev));
	apm_event_set(ev, udev_device_get_action(d), udev_device_get_devpath(d),
		      udev_device_get_subsystem(d));
	udev_list_entry_foreach(l, udev_device_get_properties_list_entry(d))
		apm_event_add(ev, udev_list_entry_get_name(l), udev_list_entry_get_value(l) ?: "");
	udev_device_unref(d);
	return 0;
}

/* Which sources have something to read: one epoll_wait for both. */
static void ask_ready(struct fs_events *e)
{
	struct epoll_event ee[2];
	int n = epoll_wait(e->epfd, ee, ARRAY_SIZE(ee), 0);

	e->inotify_ready = e->at < e->len;
	e->uevent_ready = n < 0; /* no answer: read both, as without asking */
	if (n < 0)
		e->inotify_ready = e->ifd >= 0;
	for (int i = 0; i < n; i++) {
		if (ee[i].data.fd == e->ifd)
			e->inotify_ready = true;
		else
			e->uevent_ready = true;
	}
	e->asked = true;
	e->since_asked = 0;
}

/*
 * inotify first: its events are few, and a storm of uevents must not
 * starve them, so the sources are asked again after every 64 events.  A
 * source is read only while epoll says it has something: -EAGAIN once
 * both are drained.
 */
int apm_fs_events_read(struct fs_events *e, struct apm_event *ev)
{
	int rc;

	if (!e->asked || e->since_asked >= 64)
		ask_ready(e);
	if (e->inotify_ready) {
		rc = read_inotify(e, ev);
		if (rc != -EAGAIN) {
			e->since_asked++;
			return rc;
		}
		e->inotify_ready = false;
	}
	if (e->uevent_ready) {
		rc = read_uevent(e, ev);
		if (rc != -EAGAIN) {
			e->since_asked++;
			return rc;
		}
		e->uevent_ready = false;
	}
	e->asked = false;
	return -EAGAIN;
}
