// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-tree.c - a sysfs-shaped tree in memory behind the library's seam
 * (see fuzz-tree.h).
 *
 * The entries live in one arena and one array sorted by path, so a path
 * is found by binary search and a directory's entries are the contiguous
 * run of paths that start with "DIR/".  Links are followed component by
 * component as the kernel's path walk does (at most 8, then ELOOP), ".."
 * stops at the root.  Nothing is written: the loader only reads, and a
 * harness that plans a change never applies it.
 *
 * It compares paths with its own loops, not strcmp(): libFuzzer hooks
 * those to learn from the code under test's comparisons, and the tree's
 * thousands of lookups a load would drown them (and halve the speed).
 * fuzz.mk builds this file without coverage for the same reason.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apm-private.h"
#include "fuzz-tree.h"

#define PATH_MAX_LEN 1024
#define LINK_HOPS    8

struct ent {
	size_t path, data, len; /* offsets into the arena */
	unsigned int seq;	/* order of insertion: the later one wins */
	bool link;
};

struct fuzz_tree {
	char *arena;
	size_t alen, acap;
	struct ent *e;
	unsigned int n, cap, seq;
	bool sorted;
	/*
	 * A hash index of the paths (entry index + 1, 0 empty): a walk asks
	 * about every prefix of a path, a load walks a few hundred paths.
	 */
	unsigned int *slot;
	unsigned int nslots;
	/* fuzz_tree_mark(): the entries, index and arena length to go back to. */
	struct ent *mark;
	unsigned int *mark_slot;
	unsigned int nmark, mark_nslots;
	size_t mark_alen;
};

/* strcmp(), strncmp() and strcspn(a, "/") of our own (see above). */
static int pcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static bool has_prefix(const char *s, const char *prefix, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != prefix[i])
			return false;
	return true;
}

static size_t comp_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != '/')
		n++;
	return n;
}

static size_t keep(struct fuzz_tree *t, const void *s, size_t len)
{
	size_t at = t->alen;

	if (t->alen + len + 1 > t->acap) {
		size_t cap = t->acap ? t->acap : 4096;

		while (t->alen + len + 1 > cap)
			cap *= 2;
		t->arena = realloc(t->arena, cap);
		if (!t->arena)
			abort();
		t->acap = cap;
	}
	memcpy(t->arena + at, s, len);
	t->arena[at + len] = '\0';
	t->alen += len + 1;
	return at;
}

static const char *path_of(const struct fuzz_tree *t, const struct ent *e)
{
	return t->arena + e->path;
}

void fuzz_tree_put(struct fuzz_tree *t, const char *path, const void *content, size_t len,
		   bool link)
{
	struct ent *e;

	while (*path == '/')
		path++;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->e = realloc(t->e, t->cap * sizeof(*t->e));
		if (!t->e)
			abort();
	}
	e = &t->e[t->n++];
	e->path = keep(t, path, strlen(path));
	e->data = keep(t, content, len);
	e->len = len;
	e->link = link;
	e->seq = t->seq++;
	t->sorted = false;
}

void fuzz_tree_clear(struct fuzz_tree *t)
{
	t->alen = 0;
	t->n = 0;
	t->seq = 0;
	t->sorted = false; /* the index goes with the entries */
}

void fuzz_tree_load(struct fuzz_tree *t, const void *data, size_t size)
{
	const char *s = data, *end = s + size;

	while (s < end) {
		const char *p0 = memchr(s, '\0', (size_t)(end - s)), *c, *c0;
		bool link;

		if (!p0)
			return;
		c = p0 + 1;
		c0 = c < end ? memchr(c, '\0', (size_t)(end - c)) : NULL;
		if (!c0)
			return;
		link = *s == '@';
		fuzz_tree_put(t, link ? s + 1 : s, c, (size_t)(c0 - c), link);
		s = c0 + 1;
	}
}

void fuzz_tree_text(struct fuzz_tree *t, const char *path, const char *text)
{
	fuzz_tree_put(t, path, text, strlen(text), false);
}

static void link_to(struct fuzz_tree *t, const char *path, const char *target)
{
	fuzz_tree_put(t, path, target, strlen(target), true);
}

/* A mask with the listed bits set, as the bus prints it. */
static void mask_text(char out[APR_MASK_STRLEN + 2], const unsigned int *bits, size_t n,
		      bool invert)
{
	struct apr_mask m;

	apr_mask_zero(&m);
	for (size_t i = 0; i < n; i++)
		apr_mask_set(&m, bits[i]);
	for (int w = 0; invert && w < 4; w++)
		m.w[w] = ~m.w[w];
	apr_mask_format(&m, out);
	strcat(out, "\n");
}

void fuzz_tree_base(struct fuzz_tree *t, enum fuzz_base base)
{
	static const unsigned int adapters[] = { 5 }, usage[] = { 1, 0x47 }, vfio_doms[] = { 0x47 };
	char m[APR_MASK_STRLEN + 2];
	const char *full = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n";

	mask_text(m, adapters, 1, true);
	fuzz_tree_text(t, "bus/ap/apmask", base == FUZZ_BASE_6_19 ? full : m);
	mask_text(m, vfio_doms, 1, true);
	fuzz_tree_text(t, "bus/ap/aqmask", base == FUZZ_BASE_6_19 ? full : m);
	mask_text(m, adapters, 1, false);
	fuzz_tree_text(t, "bus/ap/ap_adapter_mask", m);
	mask_text(m, usage, 2, false);
	fuzz_tree_text(t, "bus/ap/ap_usage_domain_mask", m);
	fuzz_tree_text(t, "bus/ap/ap_control_domain_mask", m);
	fuzz_tree_text(t, "bus/ap/ap_max_adapter_id", "255\n");
	fuzz_tree_text(t, "bus/ap/ap_max_domain_id", "255\n");
	fuzz_tree_text(t, "bus/ap/ap_domain", "1\n");
	fuzz_tree_text(t, "bus/ap/bindings", "3/3 (complete)\n");
	fuzz_tree_text(t, "bus/ap/features", "APSC APXA QACT RC8A\n");
	link_to(t, "bus/ap/devices/card05", "../../../devices/ap/card05");
	link_to(t, "bus/ap/drivers/cex4card/card05", "../../../../devices/ap/card05");
	fuzz_tree_text(t, "devices/ap/card05/hwtype", "11\n");
	fuzz_tree_text(t, "devices/ap/card05/raw_hwtype", "11\n");
	fuzz_tree_text(t, "devices/ap/card05/type", "CEX5C\n");
	fuzz_tree_text(t, "devices/ap/card05/ap_functions", "0xF2000000\n");
	fuzz_tree_text(t, "devices/ap/card05/config", "1\n");
	fuzz_tree_text(t, "devices/ap/card05/chkstop", "0\n");
	fuzz_tree_text(t, "devices/ap/card05/online", "1\n");
	link_to(t, "bus/ap/devices/05.0001", "../../../devices/ap/card05/05.0001");
	link_to(t, "bus/ap/drivers/cex4queue/05.0001", "../../../../devices/ap/card05/05.0001");
	fuzz_tree_text(t, "devices/ap/card05/05.0001/config", "1\n");
	fuzz_tree_text(t, "devices/ap/card05/05.0001/chkstop", "0\n");
	fuzz_tree_text(t, "devices/ap/card05/05.0001/online", "1\n");
	link_to(t, "bus/ap/devices/05.0047", "../../../devices/ap/card05/05.0047");
	link_to(t, "bus/ap/drivers/vfio_ap/05.0047", "../../../../devices/ap/card05/05.0047");
	fuzz_tree_text(t, "devices/ap/card05/05.0047/config", "1\n");
	fuzz_tree_text(t, "devices/ap/card05/05.0047/chkstop", "0\n");
	fuzz_tree_text(t, "devices/ap/card05/05.0047/status", "in use\n");
	if (base >= FUZZ_BASE_6_19) {
		fuzz_tree_text(t, "devices/ap/card05/05.0001/driver_override", "\n");
		fuzz_tree_text(t, "devices/ap/card05/05.0047/driver_override", "vfio_ap\n");
	}
	fuzz_tree_text(t, FUZZ_MDEV_DIR "/matrix", "05.0047\n");
	fuzz_tree_text(t, FUZZ_MDEV_DIR "/control_domains", "0047\n");
	link_to(t, FUZZ_MDEV_DIR "/iommu_group", "../../../../kernel/iommu_groups/7");
	fuzz_tree_text(t, ".vfio/7", "qemu-system-s390x -name guest=Guest1");
	if (base >= FUZZ_BASE_6_0)
		fuzz_tree_text(t, FUZZ_MDEV_DIR "/guest_matrix", "05.0047\n");
	if (base >= FUZZ_BASE_6_13) {
		fuzz_tree_text(
			t, FUZZ_MDEV_DIR "/ap_config",
			"0x0400000000000000000000000000000000000000000000000000000000000000,"
			"0x0000000000000000010000000000000000000000000000000000000000000000,"
			"0x0000000000000000010000000000000000000000000000000000000000000000\n");
		fuzz_tree_text(t, "devices/vfio_ap/matrix/features",
			       "guest_matrix hotplug ap_config\n");
	}
}

void fuzz_base_sets(struct apr_mask *apm, struct apr_mask *aqm, struct apr_mask *adm)
{
	apr_mask_zero(apm);
	apr_mask_zero(aqm);
	apr_mask_set(apm, 5);
	apr_mask_set(aqm, 0x47);
	*adm = *aqm;
}

/* FNV-1a, extended one byte at a time (a walk hashes its prefixes as it goes). */
static uint32_t hash_more(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

#define HASH_START 2166136261u

static void index_paths(struct fuzz_tree *t)
{
	unsigned int want = 64;

	while (want < 2 * t->n)
		want *= 2;
	if (want != t->nslots) {
		free(t->slot);
		t->slot = malloc(want * sizeof(*t->slot));
		if (!t->slot)
			abort();
		t->nslots = want;
	}
	memset(t->slot, 0, t->nslots * sizeof(*t->slot));
	for (unsigned int i = 0; i < t->n; i++) {
		const char *p = path_of(t, &t->e[i]);
		uint32_t h = hash_more(HASH_START, p, strlen(p));

		while (t->slot[h & (t->nslots - 1)])
			h++;
		t->slot[h & (t->nslots - 1)] = i + 1;
	}
}

/* The entry of path (its hash h), or NULL. */
static const struct ent *lookup(const struct fuzz_tree *t, const char *path, uint32_t h)
{
	for (unsigned int i; t->nslots && (i = t->slot[h & (t->nslots - 1)]); h++)
		if (!pcmp(path_of(t, &t->e[i - 1]), path))
			return &t->e[i - 1];
	return NULL;
}

static struct fuzz_tree *sort_tree;

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = pcmp(path_of(sort_tree, x), path_of(sort_tree, y));

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sorted by path, one entry a path (the last put). */
static void settle(struct fuzz_tree *t)
{
	unsigned int w = 0;

	if (t->sorted)
		return;
	sort_tree = t;
	if (t->n > 1)
		qsort(t->e, t->n, sizeof(*t->e), cmp_ent);
	for (unsigned int r = 0; r < t->n; r++) {
		if (w && !pcmp(path_of(t, &t->e[w - 1]), path_of(t, &t->e[r])))
			w--;
		t->e[w++] = t->e[r];
	}
	t->n = w;
	index_paths(t);
	t->sorted = true;
}

/* The first entry whose path is >= key. */
static unsigned int lower_bound(const struct fuzz_tree *t, const char *key)
{
	unsigned int lo = 0, hi = t->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (pcmp(path_of(t, &t->e[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct ent *find(const struct fuzz_tree *t, const char *path)
{
	return lookup(t, path, hash_more(HASH_START, path, strlen(path)));
}

/* True when some entry lies below dir ("" is the root). */
static bool is_dir(const struct fuzz_tree *t, const char *dir)
{
	char key[PATH_MAX_LEN + 2];
	size_t n = strlen(dir);
	unsigned int i;

	if (!n)
		return true;
	if (n + 2 > sizeof(key))
		return false;
	memcpy(key, dir, n);
	key[n] = '/';
	key[n + 1] = '\0';
	i = lower_bound(t, key);
	return i < t->n && has_prefix(path_of(t, &t->e[i]), key, n + 1);
}

static void drop_last(char *out, size_t *olen)
{
	char *slash = strrchr(out, '/');

	*olen = slash ? (size_t)(slash - out) : 0;
	out[*olen] = '\0';
}

/*
 * path with every link on the way followed (the last one too when
 * follow_last) into out, and the hash of out into *hash.
 */
static int resolve(const struct fuzz_tree *t, const char *path, bool follow_last, char *out,
		   size_t size, uint32_t *hash)
{
	char walk[2][PATH_MAX_LEN];
	int cur = 0, hops = 0;

	if (strlen(path) >= sizeof(walk[0]))
		return -ENAMETOOLONG;
	strcpy(walk[0], path);
restart : {
	const char *p = walk[cur];
	size_t olen = 0, n;
	const struct ent *e;
	uint32_t h = HASH_START;

	out[0] = '\0';
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			*hash = h;
			return 0;
		}
		n = comp_len(p);
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			drop_last(out, &olen);
			h = hash_more(HASH_START, out, olen);
			p += n;
			continue;
		}
		if (olen + n + 2 > size)
			return -ENAMETOOLONG;
		if (olen) {
			out[olen++] = '/';
			h = hash_more(h, "/", 1);
		}
		memcpy(out + olen, p, n);
		h = hash_more(h, p, n);
		olen += n;
		out[olen] = '\0';
		p += n;
		if (!*p && !follow_last)
			continue;
		e = lookup(t, out, h);
		if (!e || !e->link)
			continue;
		if (++hops > LINK_HOPS)
			return -ELOOP;
		drop_last(out, &olen);
		if (t->arena[e->data] == '/')
			olen = 0;
		if ((size_t)snprintf(walk[!cur], sizeof(walk[0]), "%.*s/%s%s", (int)olen, out,
				     t->arena + e->data, p) >= sizeof(walk[0]))
			return -ENAMETOOLONG;
		cur = !cur;
		goto restart;
	}
}
}

/*
 * Settle the tree and resolve path, its last link followed or not, into
 * real (PATH_MAX_LEN bytes): 0 with the entry there in *e (NULL: a
 * directory or nothing), or -errno.
 */
static int locate(struct fuzz_tree *t, const char *path, bool follow, char *real,
		  const struct ent **e)
{
	uint32_t h;
	int rc;

	settle(t);
	rc = resolve(t, path, follow, real, PATH_MAX_LEN, &h);
	if (!rc)
		*e = lookup(t, real, h);
	return rc;
}

/* An entry's text (a file's content, a link's target) as read(2) gives it: the length. */
static int copy_text(const struct fuzz_tree *t, const struct ent *e, char *buf, size_t size)
{
	size_t n = e->len < size - 1 ? e->len : size - 1;

	memcpy(buf, t->arena + e->data, n);
	buf[n] = '\0';
	return (int)n;
}

static int tree_read(void *be, const char *path, char *buf, size_t size)
{
	char real[PATH_MAX_LEN];
	const struct ent *e;
	int rc;

	buf[0] = '\0';
	rc = locate(be, path, true, real, &e);
	if (rc)
		return rc;
	if (!e)
		return is_dir(be, real) ? -EISDIR : -ENOENT;
	return copy_text(be, e, buf, size);
}

/* By the first component only, so that the entries below one child sort together. */
void fuzz_tree_mark(struct fuzz_tree *t)
{
	settle(t);
	t->mark = realloc(t->mark, (t->n ? t->n : 1) * sizeof(*t->mark));
	t->mark_slot = realloc(t->mark_slot, t->nslots * sizeof(*t->mark_slot));
	if (!t->mark || !t->mark_slot)
		abort();
	memcpy(t->mark, t->e, t->n * sizeof(*t->e));
	memcpy(t->mark_slot, t->slot, t->nslots * sizeof(*t->slot));
	t->nmark = t->n;
	t->mark_nslots = t->nslots;
	t->mark_alen = t->alen;
}

void fuzz_tree_reset(struct fuzz_tree *t)
{
	memcpy(t->e, t->mark, t->nmark * sizeof(*t->e));
	t->n = t->nmark;
	t->alen = t->mark_alen;
	t->seq = t->n;
	if (t->nslots != t->mark_nslots) {
		free(t->slot);
		t->slot = malloc(t->mark_nslots * sizeof(*t->slot));
		if (!t->slot)
			abort();
		t->nslots = t->mark_nslots;
	}
	memcpy(t->slot, t->mark_slot, t->nslots * sizeof(*t->slot));
	t->sorted = true;
}

void fuzz_tree_set(struct fuzz_tree *t, const char *path, const void *content, size_t len)
{
	struct ent *e;

	settle(t);
	e = (struct ent *)find(t, path);
	if (!e) {
		fuzz_tree_put(t, path, content, len, false);
		return;
	}
	e->data = keep(t, content, len);
	e->len = len;
	e->link = false;
}

static int cmp_first(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = comp_len(x), ny = comp_len(y);

	for (size_t i = 0; i < nx && i < ny; i++)
		if (x[i] != y[i])
			return (unsigned char)x[i] - (unsigned char)y[i];
	return (nx > ny) - (nx < ny);
}

static int tree_list(void *be, const char *path, apm_list_fn fn, void *data)
{
	struct fuzz_tree *t = be;
	char real[PATH_MAX_LEN], key[PATH_MAX_LEN + 2];
	unsigned int i, n = 0;
	const struct ent *e;
	const char **names;
	size_t klen;
	int rc;

	rc = locate(t, path, true, real, &e);
	if (rc)
		return rc;
	if (e)
		return -ENOTDIR;
	if (!is_dir(t, real))
		return -ENOENT;
	klen = (size_t)snprintf(key, sizeof(key), "%s%s", real, real[0] ? "/" : "");
	names = malloc((t->n + 1) * sizeof(*names));
	if (!names)
		abort();
	for (i = klen ? lower_bound(t, key) : 0;
	     i < t->n && has_prefix(path_of(t, &t->e[i]), key, klen); i++) {
		const char *name = path_of(t, &t->e[i]) + klen;

		if (*name)
			names[n++] = name;
	}
	qsort(names, n, sizeof(*names), cmp_first);
	rc = 0;
	for (i = 0; i < n && !rc; i++) {
		char one[256];
		size_t len = comp_len(names[i]);

		if (i && !cmp_first(&names[i - 1], &names[i]))
			continue;
		if (len >= sizeof(one))
			continue; /* no name in sysfs is that long (NAME_MAX) */
		memcpy(one, names[i], len);
		one[len] = '\0';
		rc = fn(one, data);
	}
	free(names);
	return rc;
}

static int tree_readlink(void *be, const char *path, char *buf, size_t size)
{
	char real[PATH_MAX_LEN];
	const struct ent *e;
	int rc = locate(be, path, false, real, &e);

	if (rc)
		return rc;
	if (!e)
		return is_dir(be, real) ? -EINVAL : -ENOENT;
	return e->link ? copy_text(be, e, buf, size) : -EINVAL;
}

static int tree_write(void *be, const char *path, const char *buf, size_t len)
{
	(void)be;
	(void)path;
	(void)buf;
	(void)len;
	return -EACCES;
}

static int tree_can_write(void *be, const char *path)
{
	(void)be;
	(void)path;
	return 0;
}

static int tree_vfio_holders(void *be, struct apm_holder *hs, unsigned int n)
{
	struct fuzz_tree *t = be;
	char path[32];
	const struct ent *e;

	settle(t);
	for (unsigned int k = 0; k < n; k++) {
		snprintf(path, sizeof(path), ".vfio/%d", hs[k].group);
		e = find(t, path);
		hs[k].rc = e != NULL;
		snprintf(hs[k].name, sizeof(hs[k].name), "%s", e ? t->arena + e->data : "");
	}
	return 0;
}

static int tree_event_fd(void *be)
{
	(void)be;
	return -EOPNOTSUPP;
}

static int tree_read_event(void *be, struct apm_event *ev)
{
	(void)be;
	(void)ev;
	return -EAGAIN;
}

static int tree_watch(void *be, const char *path, bool on)
{
	(void)be;
	(void)path;
	(void)on;
	return -EOPNOTSUPP;
}

static int tree_transaction(void *be, int (*fn)(void *data), void *data)
{
	(void)be;
	return fn(data);
}

static void tree_destroy(void *be)
{
	struct fuzz_tree *t = be;

	free(t->arena);
	free(t->e);
	free(t->slot);
	free(t->mark);
	free(t->mark_slot);
	free(t);
}

static const struct apm_backend_ops tree_ops = {
	.name = "fuzz-tree",
	.read = tree_read,
	.write = tree_write,
	.list = tree_list,
	.readlink = tree_readlink,
	.can_write = tree_can_write,
	.vfio_holders = tree_vfio_holders,
	.event_fd = tree_event_fd,
	.read_event = tree_read_event,
	.watch = tree_watch,
	.transaction = tree_transaction,
	.destroy = tree_destroy,
};

struct apm_ctx *fuzz_tree_ctx_new(struct fuzz_tree **tree)
{
	struct fuzz_tree *t = calloc(1, sizeof(*t));
	struct apm_ctx *ctx;

	if (!t || apm_ctx_new_backend(APM_HOST_SYSFS, "fuzz-tree", &tree_ops, t, &ctx))
		abort();
	t->sorted = true;
	*tree = t;
	return ctx;
}
