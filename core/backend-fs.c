// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backend-fs.c - the seam on the real filesystem.
 *
 * The sysfs root is opened once as a directory fd and every access is an
 * *at() call on a relative path, so tests point the whole library at a
 * fixture tree without LD_PRELOAD tricks.  Events are fs-events.c's (the
 * kernel's uevents and inotify).  In-use detection scans /proc/<pid>/fd
 * for an open /dev/vfio/<group>.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "apm-private.h"

#define LIST_BUF (256 << 10)

/* The AP bus's own files are few: bus/ap holds about twenty. */
#define KEPT_MAX 24

struct kept_file {
	char path[48]; /* bus/NAME/ATTR */
	int fd;
};

struct fs_backend {
	struct apm_ctx *ctx; /* owner, not referenced */
	int rootfd;
	char *root, *proc;
	struct fs_events *events; /* opened on first use */
	char *list_buf[4];	  /* fs_list's, per depth of nested listings */
	unsigned int list_depth;
	bool sysfs; /* the root is a sysfs mount, not a tree of regular files */
	struct kept_file kept[KEPT_MAX];
	unsigned int nkept;
};

int apm_backend_fs_new(struct apm_ctx *ctx, const char *root, const char *proc_root, void **out)
{
	struct fs_backend *fs = calloc(1, sizeof(*fs));
	struct statfs sfs;

	if (!fs)
		return -ENOMEM;
	fs->ctx = ctx;
	fs->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd < 0) {
		int rc = -errno;

		free(fs);
		return rc;
	}
	fs->sysfs = fstatfs(fs->rootfd, &sfs) == 0 && sfs.f_type == SYSFS_MAGIC;
	fs->proc = strdup(proc_root);
	fs->root = strdup(root);
	if (!fs->proc || !fs->root) {
		close(fs->rootfd);
		free(fs->proc);
		free(fs->root);
		free(fs);
		return -ENOMEM;
	}
	*out = fs;
	return 0;
}

static void fs_destroy(void *be)
{
	struct fs_backend *fs = be;

	apm_fs_events_free(fs->events);
	for (unsigned int i = 0; i < fs->nkept; i++)
		close(fs->kept[i].fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(fs->list_buf); i++)
		free(fs->list_buf[i]);
	close(fs->rootfd);
	free(fs->root);
	free(fs->proc);
	free(fs);
}

/* The file from offset 0 into buf (NUL-terminated): its length, or -errno. */
static int pread_all(int fd, char *buf, size_t size)
{
	size_t len = 0;

	/* A short read is the end (fs_read says why). */
	while (len + 1 < size) {
		ssize_t n = pread(fd, buf + len, size - 1 - len, (off_t)len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len += (size_t)n;
		if (n == 0 || len + 1 < size)
			break;
	}
	buf[len] = '\0';
	return (int)len;
}

/* A bus's own attribute: "bus/NAME/ATTR". */
static bool bus_attr(const char *path)
{
	const char *slash;

	if (strncmp(path, "bus/", 4))
		return false;
	slash = strchr(path + 4, '/');
	return slash && slash > path + 4 && slash[1] && !strchr(slash + 1, '/');
}

/*
 * The AP bus's files (the masks, bindings, scans, the LPAR's masks) are
 * read at every event and poll tick: on sysfs a bus's attribute stays
 * open, and a read from offset 0 has kernfs show it afresh (seq_file
 * starts over at offset 0: fs/seq_file.c seq_read_iter;
 * Documentation/filesystems/sysfs.rst: "seek to 0 and read again"), one
 * syscall instead of three.  They live as long as the bus; one that is
 * gone answers -ENODEV (fs/kernfs/file.c: kernfs_get_active fails in
 * kernfs_fop_read_iter) and is opened again.  A tree of regular files is
 * opened at every read: a test may replace a file rather than rewrite it.
 * false: not a file kept (read it the usual way); else *rc is the read's.
 */
static bool kept_read(struct fs_backend *fs, const char *path, char *buf, size_t size, int *rc)
{
	struct kept_file *k = NULL;
	int fd;

	if (!fs->sysfs || !bus_attr(path) || strlen(path) >= sizeof(k->path))
		return false;
	for (unsigned int i = 0; i < fs->nkept && !k; i++)
		if (!strcmp(fs->kept[i].path, path))
			k = &fs->kept[i];
	if (k) {
		*rc = pread_all(k->fd, buf, size);
		if (*rc >= 0)
			return true;
		close(k->fd);
		*k = fs->kept[--fs->nkept];
	}
	if (fs->nkept == KEPT_MAX)
		return false;
	fd = openat(fs->rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*rc = -errno;
		return true;
	}
	*rc = pread_all(fd, buf, size);
	if (*rc < 0) {
		close(fd);
		return true;
	}
	k = &fs->kept[fs->nkept++];
	snprintf(k->path, sizeof(k->path), "%s", path);
	k->fd = fd;
	return true;
}

static int fs_read(void *be, const char *path, char *buf, size_t size)
{
	struct fs_backend *fs = be;
	size_t len = 0;
	int fd, rc = 0;

	if (kept_read(fs, path, buf, size, &rc))
		return rc;
	fd = openat(fs->rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/*
	 * A sysfs attribute comes whole in one read (kernfs: seq_file's first
	 * read fills what the buffer holds), so a read short of the buffer is
	 * the end: asking again to see 0 would double the reads of a load.
	 * A regular file (a tree) ends there too.  A full buffer reads on.
	 */
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		len += (size_t)n;
		if (n == 0 || len + 1 < size)
			break;
	}
	close(fd);
	buf[len] = '\0';
	return rc ? rc : (int)len;
}

/*
 * fs/kernfs/file.c: kernfs_fop_open refuses to open an attribute for
 * writing when its mode has no write bit at all, whoever asks (root's
 * CAP_DAC_OVERRIDE does not help there).  A sysfs-shaped tree of regular
 * files would let root write anything, so the seam asks the mode itself.
 */
static bool writable_mode(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (st.st_mode & 0222);
}

static int fs_write(void *be, const char *path, const char *buf, size_t len)
{
	struct fs_backend *fs = be;
	ssize_t n;
	int fd, rc = 0;

	fd = openat(fs->rootfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* kernfs refuses an attribute without a write bit, even to root: so does a tree. */
	if (!writable_mode(fd)) {
		close(fd);
		return -EACCES;
	}
	/* One write of the whole value: sysfs stores see exactly this buffer. */
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) && !rc && errno != EINTR)
		rc = -errno;
	return rc;
}

/*
 * A directory in as few calls as its entries allow: bus/ap/devices of a
 * 256 x 256 host holds 65792 names, which readdir(3)'s 32 KiB take 66
 * getdents64 calls to hand over; these buffers take 10.  A callback may
 * list another directory (a driver's, inside bus/ap/drivers): one buffer
 * per depth.
 */
static int fs_list(void *be, const char *path, apm_list_fn fn, void *data)
{
	struct fs_backend *fs = be;
	unsigned int depth = fs->list_depth;
	int fd, rc = 0;
	char *buf;

	if (depth >= ARRAY_SIZE(fs->list_buf))
		return -ELOOP;
	if (!fs->list_buf[depth]) {
		fs->list_buf[depth] = malloc(LIST_BUF);
		if (!fs->list_buf[depth])
			return -ENOMEM;
	}
	buf = fs->list_buf[depth];
	fd = openat(fs->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fs->list_depth++;
	while (!rc) {
		ssize_t n = getdents64(fd, buf, LIST_BUF);

		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		for (ssize_t at = 0; at < n && !rc;) {
			/* Aligned: malloc'd, and the kernel pads each record (getdents64(2)). */
			const struct dirent64 *de = (const void *)(buf + at);

			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rc = fn(de->d_name, data);
			at += de->d_reclen;
		}
	}
	fs->list_depth--;
	close(fd);
	return rc;
}

static int fs_readlink(void *be, const char *path, char *buf, size_t size)
{
	struct fs_backend *fs = be;
	ssize_t n = readlinkat(fs->rootfd, path, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static int fs_can_write(void *be, const char *path)
{
	struct fs_backend *fs = be;

	struct stat st;

	/* A write bit in the mode, as kernfs wants; then W_OK: capabilities and ACLs decide. */
	if (fstatat(fs->rootfd, path, &st, 0) || S_ISDIR(st.st_mode) || !(st.st_mode & 0222))
		return 0;
	return faccessat(fs->rootfd, path, W_OK, AT_EACCESS) == 0;
}

/*
 * The value of an option field at v up to the comma that ends it, with
 * ",," read as a literal comma (QEMU util/qemu-option.c: get_opt_value),
 * into name; returns where the next field starts.  A value longer than
 * name holds keeps its whole characters that fit before "...": a cut name
 * is never shown or looked up as if whole.
 */
static const char *opt_value(const char *v, char *name, size_t size)
{
	size_t n = 0;
	bool cut = false;

	for (; *v && !(v[0] == ',' && v[1] != ','); v += v[0] == ',' ? 2 : 1) {
		if (name && n + 1 < size)
			name[n++] = *v;
		else
			cut = true;
	}
	if (name && cut)
		n = apm_text_mark_cut(name, n, size);
	if (name)
		name[n] = '\0';
	return *v ? v + 1 : v;
}

/*
 * QEMU's "-name [guest=]NAME[,debug-threads=on|...]": guest is the implied
 * key of the first field, and the last guest= counts (util/qemu-option.c:
 * get_opt_name_value, qemu_opt_get).  libvirt writes "guest=NAME,..." with
 * the commas of NAME doubled, so "web,,prod" is the domain web,prod.
 */
static void guest_from_cmdline(const char *cmd, size_t len, char *name, size_t size)
{
	const char *end = cmd + len;

	name[0] = '\0';
	for (const char *a = cmd; a < end; a += strlen(a) + 1) {
		const char *v = a + strlen(a) + 1;

		if ((strcmp(a, "-name") && strcmp(a, "--name")) || v >= end)
			continue;
		for (bool first = true; *v; first = false) {
			size_t key = strcspn(v, "=,");

			if (v[key] == '=')
				v = opt_value(v + key + 1,
					      key == 5 && !strncmp(v, "guest", 5) ? name : NULL,
					      size);
			else
				v = opt_value(v, first ? name : NULL, size);
		}
		return;
	}
}

/* The group of a /dev/vfio/<group> link, or -1. */
static int vfio_group_of(const char *link)
{
	char *end;
	long g;

	if (strncmp(link, "/dev/vfio/", 10) || !isdigit((unsigned char)link[10]))
		return -1;
	g = strtol(link + 10, &end, 10);
	return *end || g > 0x7fffffff ? -1 : (int)g;
}

/*
 * Whether the QEMU option value v (key=value,... where ",," is a literal
 * comma: QEMU util/qemu-option.c) has a field that starts with key; with
 * first, only its first field is looked at (an -object's type).
 */
static bool opt_field(const char *v, const char *key, bool first)
{
	size_t n = strlen(key);

	for (const char *f = v;;) {
		if (!strncmp(f, key, n) && (key[n - 1] == '=' || f[n] == ',' || !f[n]))
			return true;
		f = opt_value(f, NULL, 0);
		if (!*f || first)
			return false;
	}
}

/* libvirt's JSON -object: {"qom-type":"s390-pv-guest","id":"lsec0"}. */
static bool json_qom_type(const char *v, const char *type)
{
	json_object *o = json_tokener_parse(v), *t;
	bool is = o && json_object_object_get_ex(o, "qom-type", &t) &&
		  json_object_is_type(t, json_type_string) &&
		  !strcmp(json_object_get_string(t), type);

	json_object_put(o);
	return is;
}

/*
 * A Secure Execution guest's QEMU: an s390-pv-guest object (-object
 * s390-pv-guest,id=pv0 or qom-type=s390-pv-guest,..., or libvirt's JSON
 * form) or the machine property naming one (-machine
 * ...,confidential-guest-support=ID, which only s390-pv-guest provides on
 * s390: QEMU hw/s390x/pv.c).  Only those options' values are looked at:
 * the text elsewhere (a guest named s390-pv-guest-lab1) is not QEMU's.
 */
static bool secure_from_cmdline(const char *cmd, size_t len)
{
	const char *end = cmd + len;

	for (const char *a = cmd; a < end; a += strlen(a) + 1) {
		const char *v = a + strlen(a) + 1;

		if (v >= end)
			break;
		if (!strcmp(a, "-object") || !strcmp(a, "--object")) {
			if (v[0] == '{' ? json_qom_type(v, "s390-pv-guest")
					: opt_field(v, "s390-pv-guest", true) ||
						  opt_field(v, "qom-type=s390-pv-guest", true))
				return true;
		} else if (!strcmp(a, "-machine") || !strcmp(a, "--machine") || !strcmp(a, "-M")) {
			if (opt_field(v, "confidential-guest-support=", false))
				return true;
		}
	}
	return false;
}

/* A QEMU command line of libvirt's is tens of KiB; more than this is not read. */
#define CMDLINE_MAX (1u << 20)

static void holder_name(int procfd, const char *pid, char *name, size_t size, bool *secure)
{
	size_t len = 0, cap = 4096;
	char path[300], *cmd = malloc(cap);
	ssize_t got = 0;
	int fd;

	name[0] = '\0';
	*secure = false;
	if (!cmd)
		return;
	snprintf(path, sizeof(path), "%s/cmdline", pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0) {
		if (len + 1 == cap) {
			char *more = cap < CMDLINE_MAX ? realloc(cmd, cap * 2) : NULL;

			if (!more)
				break;
			cmd = more;
			cap *= 2;
		}
		got = read(fd, cmd + len, cap - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (fd >= 0)
		close(fd);
	if (len > 0) {
		cmd[len] = '\0';
		guest_from_cmdline(cmd, len, name, size);
		*secure = secure_from_cmdline(cmd, len);
	}
	free(cmd);
}

/*
 * One pass over the processes' open files for every group asked: the
 * first process (in /proc's order) holding a group is its holder.  A
 * process whose fds we may not see makes the groups nobody was found
 * holding unknown, not free.
 */
static int fs_vfio_holders(void *be, struct apm_holder *hs, unsigned int n)
{
	struct fs_backend *fs = be;
	unsigned int left = n;
	bool denied = false;
	struct dirent *pe;
	char link[256];
	int procfd;
	DIR *proc;

	for (unsigned int k = 0; k < n; k++) {
		hs[k].rc = 0;
		hs[k].name[0] = '\0';
		hs[k].secure = false;
	}
	procfd = open(fs->proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	proc = procfd >= 0 ? fdopendir(procfd) : NULL;
	if (!proc) {
		if (procfd >= 0)
			close(procfd);
		for (unsigned int k = 0; k < n; k++)
			hs[k].rc = -EACCES;
		return 0;
	}
	while (left && (pe = readdir(proc))) {
		struct dirent *fe;
		char path[sizeof(pe->d_name) + 8];
		int fdsfd;
		DIR *fds;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/fd", pe->d_name);
		fdsfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fds = fdsfd >= 0 ? fdopendir(fdsfd) : NULL;
		if (!fds) {
			if (errno == EACCES || errno == EPERM)
				denied = true;
			if (fdsfd >= 0)
				close(fdsfd);
			continue;
		}
		while (left && (fe = readdir(fds))) {
			ssize_t len;
			int g;

			if (fe->d_name[0] == '.')
				continue;
			len = readlinkat(fdsfd, fe->d_name, link, sizeof(link) - 1);
			if (len < 0)
				continue;
			link[len] = '\0';
			g = vfio_group_of(link);
			for (unsigned int k = 0; g >= 0 && k < n; k++)
				if (hs[k].group == g && hs[k].rc != 1) {
					hs[k].rc = 1;
					holder_name(procfd, pe->d_name, hs[k].name,
						    sizeof(hs[k].name), &hs[k].secure);
					left--;
				}
		}
		closedir(fds);
	}
	closedir(proc);
	for (unsigned int k = 0; k < n; k++)
		if (hs[k].rc != 1 && denied)
			hs[k].rc = -EACCES;
	return 0;
}

static int events(struct fs_backend *fs)
{
	return fs->events ? 0 : apm_fs_events_new(fs->ctx, fs->root, &fs->events);
}

static int fs_event_fd(void *be)
{
	struct fs_backend *fs = be;
	int rc = events(fs);

	return rc ? rc : apm_fs_events_fd(fs->events);
}

static int fs_read_event(void *be, struct apm_event *ev)
{
	struct fs_backend *fs = be;

	return fs->events ? apm_fs_events_read(fs->events, ev) : -EAGAIN;
}

static int fs_watch(void *be, const char *path, bool on)
{
	struct fs_backend *fs = be;
	int rc = events(fs);

	return rc ? rc : apm_fs_events_watch(fs->events, path, on);
}

/*
 * Every change runs under the AP configuration lock, so chzdev, ap-check
 * (mdevctl's callout) and a second apmatrix cannot interleave with it.
 */
static int fs_transaction(void *be, int (*fn)(void *data), void *data)
{
	struct fs_backend *fs = be;
	bool taken;
	int rc = apm_lock_take(fs->ctx, &taken);

	if (rc)
		return rc;
	rc = fn(data);
	apm_lock_release(fs->ctx, taken);
	return rc;
}

const struct apm_backend_ops apm_backend_fs_ops = {
	.name = "sysfs",
	.read = fs_read,
	.write = fs_write,
	.list = fs_list,
	.readlink = fs_readlink,
	.can_write = fs_can_write,
	.vfio_holders = fs_vfio_holders,
	.event_fd = fs_event_fd,
	.read_event = fs_read_event,
	.watch = fs_watch,
	.transaction = fs_transaction,
	.destroy = fs_destroy,
};
