// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tree.c - a small kernfs for the simulated host: one table-driven tree of
 * nodes (sim.h) serves read, list, readlink and write.
 *
 * A path is walked from the root one name at a time, each directory
 * answering from its fixed children or its dynamic entries; a link met on
 * the way is followed (its target is relative to its directory), so the
 * bus's and the classes' links reach the devices exactly as on /sys.  The
 * file rules are kernfs's (fs/kernfs/file.c): a directory reads EISDIR, an
 * attribute without a read (write) bit refuses with EACCES, a write longer
 * than a page is E2BIG, an empty write never reaches the store, and the
 * store sees a NUL-terminated copy.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "sim.h"

#define SIM_DEPTH    16
#define SIM_NAME_MAX 64
#define SIM_HOPS     8 /* links followed in one walk */

/* ----------------------------------------------------------- output */

void sim_printf(struct sim_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!o || o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

void sim_print_mask(struct sim_out *o, const struct apr_mask *m)
{
	char t[APR_MASK_STRLEN + 1];

	apr_mask_format(m, t);
	sim_printf(o, "%s\n", t);
}

struct sim_list {
	apm_list_fn fn;
	void *data;
	int rc;
};

void sim_list_name(struct sim_list *l, const char *fmt, ...)
{
	char name[SIM_NAME_MAX];
	va_list ap;

	if (l->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	l->rc = l->fn(name, l->data);
}

static const char hex[] = "0123456789abcdef";

void sim_list_queue(struct sim_list *l, unsigned int a, unsigned int q)
{
	char name[8] = { hex[a >> 4 & 15], hex[a & 15], '.', '0', '0',
			 hex[q >> 4 & 15], hex[q & 15], 0 };

	if (!l->rc)
		l->rc = l->fn(name, l->data);
}

void sim_list_card(struct sim_list *l, unsigned int a)
{
	char name[7] = { 'c', 'a', 'r', 'd', hex[a >> 4 & 15], hex[a & 15], 0 };

	if (!l->rc)
		l->rc = l->fn(name, l->data);
}

/* ------------------------------------------------------------- the root */

static const struct sim_node bus[] = {
	{ "ap", SIM_DIR, .children = sim_bus_ap },
	{ "matrix", SIM_DIR, .visible = sim_vfio_ap_loaded, .children = sim_bus_matrix },
	{ "mdev", SIM_DIR, .visible = sim_vfio_ap_loaded, .children = sim_bus_mdev },
	SIM_END,
};

static const struct sim_node devices[] = {
	{ "ap", SIM_DIR, .children = sim_devices_ap, .entries = &sim_devices_ap_entries },
	{ "vfio_ap", SIM_DIR, .visible = sim_vfio_ap_loaded, .children = sim_devices_vfio_ap },
	SIM_END,
};

static const struct sim_node class[] = {
	{ "mdev_bus", SIM_DIR, .visible = sim_vfio_ap_loaded, .children = sim_class_mdev_bus },
	SIM_END,
};

static const struct sim_node kernel[] = {
	{ "apsim", SIM_DIR, .children = sim_kernel_apsim },
	SIM_END,
};

const struct sim_node sim_root[] = {
	{ "bus", SIM_DIR, .children = bus },
	{ "devices", SIM_DIR, .children = devices },
	{ "class", SIM_DIR, .children = class },
	{ "kernel", SIM_DIR, .children = kernel },
	SIM_END,
};

static const struct sim_node root = { "", SIM_DIR, .children = sim_root };

/* ------------------------------------------------------------ the walk */

struct path {
	char c[SIM_DEPTH][SIM_NAME_MAX];
	int n;
};

/* Append the names of text to p ("." skipped, ".." drops one). */
static int path_add(struct path *p, const char *text)
{
	while (*text) {
		size_t len;

		while (*text == '/')
			text++;
		if (!*text)
			break;
		len = strcspn(text, "/");
		if (len == 2 && !strncmp(text, "..", 2)) {
			if (p->n)
				p->n--;
		} else if (!(len == 1 && *text == '.')) {
			if (p->n == SIM_DEPTH || len >= SIM_NAME_MAX)
				return -ENAMETOOLONG;
			memcpy(p->c[p->n], text, len);
			p->c[p->n++][len] = '\0';
		}
		text += len;
	}
	return 0;
}

/* Does n exist on this host now?  Its visible() sees n as at->node. */
static bool visible(const struct sim *s, const struct sim_node *n, const struct sim_at *at)
{
	struct sim_at here;

	if (!n->visible)
		return true;
	here = *at;
	here.node = n;
	return n->visible(s, &here);
}

/* The child called name of directory dir, with at updated; NULL when none. */
static const struct sim_node *child(const struct sim *s, const struct sim_node *dir,
				    const char *name, struct sim_at *at)
{
	for (const struct sim_node *c = dir->children; c && c->name; c++)
		if (!strcmp(c->name, name) && visible(s, c, at))
			return c;
	if (dir->entries)
		return dir->entries->match(s, name, at);
	return NULL;
}

static void link_target(const struct sim *s, const struct sim_node *n, struct sim_at *at,
			struct sim_out *o)
{
	at->node = n;
	if (n->link)
		n->link(s, at, o);
	else
		sim_printf(o, "%s", n->target);
}

struct found {
	const struct sim_node *node;
	struct sim_at at;
	struct path where; /* the canonical path of node */
};

/*
 * Walk path; links are followed on the way and, with follow, at the end.
 * 0 with f filled, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG.
 */
static int walk(const struct sim *s, const char *path, bool follow, struct found *f)
{
	struct path todo = { .n = 0 };
	int hops = 0, rc, i;

	rc = path_add(&todo, path);
	if (rc)
		return rc;
restart:
	f->node = &root;
	f->at = (struct sim_at){ .mdev = -1, .drv = -1 };
	f->where.n = 0;
	for (i = 0; i < todo.n; i++) {
		const struct sim_node *n;

		if (f->node->kind != SIM_DIR)
			return -ENOTDIR;
		n = child(s, f->node, todo.c[i], &f->at);
		if (!n)
			return -ENOENT;
		if (n->kind == SIM_LINK && (i + 1 < todo.n || follow)) {
			char target[256];
			struct sim_out o = { .buf = target, .size = sizeof(target) };
			struct path next = f->where;

			if (++hops > SIM_HOPS)
				return -ELOOP;
			target[0] = '\0';
			link_target(s, n, &f->at, &o);
			rc = path_add(&next, target);
			for (int k = i + 1; !rc && k < todo.n; k++)
				rc = path_add(&next, todo.c[k]);
			if (rc)
				return rc;
			todo = next;
			goto restart;
		}
		f->node = n;
		memcpy(f->where.c[f->where.n++], todo.c[i], SIM_NAME_MAX);
	}
	return 0;
}

/* -------------------------------------------------- the four operations */

int sim_tree_read(struct sim *s, const char *path, char *buf, size_t size)
{
	struct sim_out o = { .buf = buf, .size = size < APR_PAGE_SIZE ? size : APR_PAGE_SIZE };
	struct found f;
	int rc;

	if (size)
		buf[0] = '\0';
	rc = walk(s, path, true, &f);
	if (rc)
		return rc;
	if (f.node->kind == SIM_DIR)
		return -EISDIR;
	if (!(f.node->mode & 0444) || !f.node->show)
		return -EACCES;
	f.at.node = f.node;
	rc = f.node->show(s, &f.at, &o);
	return rc < 0 ? rc : (int)o.len;
}

int sim_tree_list(struct sim *s, const char *path, apm_list_fn fn, void *data)
{
	struct sim_list l = { .fn = fn, .data = data };
	struct found f;
	int rc = walk(s, path, true, &f);

	if (rc)
		return rc;
	if (f.node->kind != SIM_DIR)
		return -ENOTDIR;
	for (const struct sim_node *c = f.node->children; c && c->name && !l.rc; c++)
		if (visible(s, c, &f.at))
			l.rc = fn(c->name, data);
	if (f.node->entries && !l.rc)
		f.node->entries->each(s, &f.at, &l);
	return l.rc;
}

int sim_tree_readlink(struct sim *s, const char *path, char *buf, size_t size)
{
	struct sim_out o = { .buf = buf, .size = size };
	struct found f;
	int rc = walk(s, path, false, &f);

	if (rc)
		return rc;
	if (f.node->kind != SIM_LINK)
		return -EINVAL;
	if (size)
		buf[0] = '\0';
	link_target(s, f.node, &f.at, &o);
	return (int)o.len;
}

bool sim_tree_can_write(struct sim *s, const char *path)
{
	struct found f;

	return !walk(s, path, true, &f) && f.node->kind == SIM_FILE && (f.node->mode & 0222) &&
	       f.node->store;
}

int sim_tree_write(struct sim *s, const char *path, const char *buf, size_t len)
{
	char text[APR_PAGE_SIZE + 1], where[SIM_DEPTH * SIM_NAME_MAX];
	struct apr_model *m = sim_model(s);
	struct found f;
	size_t at = 0;
	int rc, err;

	rc = walk(s, path, true, &f);
	if (rc)
		return rc;
	if (f.node->kind == SIM_DIR)
		return -EISDIR;
	if (!(f.node->mode & 0222) || !f.node->store)
		return -EACCES;
	if (len > APR_PAGE_SIZE)
		return -E2BIG; /* kernfs: atomic_write_len */
	if (!len)
		return APR_NOOP; /* kernfs_fop_write_iter: nothing reaches the store */
	/* A fault armed for this path answers instead of the store. */
	where[0] = '\0';
	for (int i = 0; i < f.where.n; i++)
		at += (size_t)snprintf(where + at, sizeof(where) - at, "%s%s", i ? "/" : "",
				       f.where.c[i]);
	if (apr_fault_take(m, where, &err)) {
		s->dirty = true;
		m->why = (struct apr_refusal){ .err = err, .why = APR_WHY_FAULT, .mdev = -1 };
		return err;
	}
	/* The store sees a NUL-terminated copy: an embedded NUL ends the text. */
	memcpy(text, buf, len);
	text[len] = '\0';
	sim_bind(s);
	m->why = (struct apr_refusal){ .mdev = -1 };
	f.at.node = f.node;
	rc = f.node->store(s, &f.at, text, len);
	if (rc == 0)
		s->dirty = true;
	return rc;
}
