// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * migrate.c - the steps of a guided migration (struct apm_migration):
 * `unplug` takes a running guest's AP resources away before a live
 * migration (QEMU's vfio-ap device is unmigratable, libvirt refuses to
 * migrate a domain with an mdev hostdev), `replug` gives equivalent ones
 * on the target after checking that they exist, are free and carry the
 * same master keys, and a rollback gives them back on the source.
 *
 * Each step's state is read from the host and the restore file when the
 * object is made, so making it again after an interruption finds which
 * steps are done and resumes; nothing is ever deleted here.  The libvirt
 * step runs the `virsh` on the PATH, or says the exact command and XML.
 * Everything said goes to the caller's progress function as lines safe
 * for a terminal; the front ends (the CLI, the console) only show them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apm-private.h"

/* The steps, in order (0-based): an unplug's ... */
enum { U_FILE, U_EMPTY, U_KEYS, U_DETACH, U_COUNT };
/* ... and a replug's or rollback's. */
enum { R_MDEV, R_ASSIGN, R_VERIFY, R_ATTACH, R_PERSIST, R_COUNT };

#define STEPS_MAX    R_COUNT
#define NEXT_SIZE    600
#define CHANGES_SIZE 400
#define REFUSAL_SIZE 600

struct apm_migration {
	int refs;
	enum apm_migration_kind kind;
	struct apm_host *h;
	struct apm_config *cfg;
	struct apm_restore *r;
	char *file;
	char *shown; /* file escaped, for every message: a path is outside text too */
	char uuid[37];
	bool dry, libvirt, create, persist, resumed, lend;
	bool same;	  /* replug: the mdev already has the recorded matrix */
	bool checked;	  /* replug: the check ran and allowed it */
	unsigned int ran; /* steps run so far (each runs once) */
	int last_rc;	  /* of the last step run */
	unsigned int nsteps;
	struct {
		const char *name;
		char changes[CHANGES_SIZE];
		enum apm_migration_step_state state;
	} steps[STEPS_MAX];
	unsigned int ok, refused, unknown; /* the last check */
	char refusal[REFUSAL_SIZE];	   /* why it may not run at all, "" */
	struct apm_buf summary;
	enum apm_migration_state state;
	char next[NEXT_SIZE];
	void (*fn)(const struct apm_migration_event *ev, void *data);
	void *data;
};

/* Text from outside (guest and domain names, paths) for a message: cut with "...". */
static const char *esc(const char *s, char *buf, size_t size)
{
	apm_text_escape(s ? s : "", buf, size, APM_TEXT_ELLIPSIS);
	return buf;
}

static bool mask_empty(const struct apm_mask *m)
{
	return !(m->w[0] | m->w[1] | m->w[2] | m->w[3]);
}

static unsigned int weight(const struct apm_mask *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 256; i++)
		n += apm_mask_test(m, i);
	return n;
}

static void emit(struct apm_migration *m, enum apm_migration_event_kind kind, unsigned int step,
		 const char *text)
{
	struct apm_migration_event ev = { .kind = kind, .step = step, .text = text };

	if (m->fn)
		m->fn(&ev, m->data);
}

/* One line of our own text (its untrusted parts escaped by the caller). */
static void APM_PRINTF(3, 4)
	say(struct apm_migration *m, enum apm_migration_event_kind kind, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		emit(m, kind, 0, s);
	free(s);
}

/* Each line of text (the library's or untrusted), escaped, after prefix. */
static void say_lines(struct apm_migration *m, enum apm_migration_event_kind kind,
		      const char *prefix, const char *text)
{
	char *safe = apm_text_dup(text ? text : "", APM_TEXT_KEEP_NEWLINE | APM_TEXT_KEEP_TAB);
	char *line, *next;

	if (!safe)
		return;
	for (line = safe; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		say(m, kind, "%s%s", prefix, line);
	}
	free(safe);
}

static const char *how(const struct apm_migration *m)
{
	return m->kind == APM_MIGRATION_UNPLUG	 ? "unplug"
	       : m->kind == APM_MIGRATION_REPLUG ? "replug"
						 : "rollback";
}

static int reload(struct apm_migration *m)
{
	struct apm_ctx *ctx = apm_host_get_ctx(m->h);
	struct apm_host *h;
	int rc = apm_host_load(ctx, 0, &h);

	if (rc) {
		say(m, APM_MIGRATION_EVENT_ERROR, "cannot read the host at %s: %s",
		    apm_ctx_get_source(ctx), strerror(-rc));
		return rc;
	}
	apm_host_unref(m->h);
	m->h = h;
	return 0;
}

static void stopped(struct apm_migration *m, int step)
{
	bool unplug = m->kind == APM_MIGRATION_UNPLUG;

	say(m, APM_MIGRATION_EVENT_ERROR,
	    "stopped at step %d (%s); the restore file %s keeps the record: run the same command again to resume%s%s%s",
	    step, how(m), m->shown, unplug ? ", or `apmatrix unplug --rollback " : "",
	    unplug ? m->shown : "", unplug ? "` to cancel" : "");
}

/* What stopped step (fmt, NULL: already said), and how to go on; returns rc. */
static int APM_PRINTF(4, 5) stop_at(struct apm_migration *m, int step, int rc, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) >= 0)
			emit(m, APM_MIGRATION_EVENT_ERROR, 0, s);
		va_end(ap);
		free(s);
	}
	stopped(m, step);
	return rc;
}

static void ids_line(struct apm_buf *b, const char *label, const struct apm_mask *mask)
{
	char buf[1024];

	apm_mask_format_ranges(mask, buf, sizeof(buf));
	apm_buf_printf(b, "  %s: %s\n", label, buf[0] ? buf : "none");
}

static void source_line(struct apm_buf *b, const struct apm_restore *r)
{
	const struct apm_host_identity *id = apm_restore_get_source(r);
	char b1[160], b2[160], b3[160];

	apm_buf_printf(b, "  source host: %s",
		       id->name[0] ? esc(id->name, b1, sizeof(b1)) : "(unnamed)");
	if (id->machine_type[0])
		apm_buf_printf(b, ", machine type %s, sequence code %s",
			       esc(id->machine_type, b2, sizeof(b2)),
			       esc(id->sequence_code, b3, sizeof(b3)));
	if (id->lpar_number >= 0)
		apm_buf_printf(b, ", LPAR %s (%d)", esc(id->lpar_name, b1, sizeof(b1)),
			       id->lpar_number);
	apm_buf_printf(b, "; recorded %s\n", esc(apm_restore_get_created(r), b1, sizeof(b1)));
}

static void sets_lines(struct apm_buf *b, const struct apm_restore *r)
{
	struct apm_mask sets[3];

	for (int k = 0; k < 3; k++)
		apm_restore_get_mask(r, (enum apm_mdev_set)k, &sets[k]);
	ids_line(b, "adapters", &sets[0]);
	ids_line(b, "domains", &sets[1]);
	ids_line(b, "control domains", &sets[2]);
}

/* What leaves the running guest: the mdev, its APQNs, what the guest notices. */
static void unplug_summary(struct apm_migration *m, const struct apm_mdev *md)
{
	struct apm_buf *b = &m->summary;
	unsigned int n = apm_restore_get_apqn_count(m->r), ing = 0;
	const char *guest = apm_restore_get_guest(m->r), *domain = apm_restore_get_domain(m->r);
	struct apm_mask ctl;
	char g[160], d[160];

	if (m->resumed)
		apm_buf_printf(b, "resuming from %s\n", m->shown);
	apm_buf_printf(b, "unplug mdev %s (guest %s, libvirt domain %s)\n", m->uuid,
		       guest ? esc(guest, g, sizeof(g)) : "none running",
		       domain ? esc(domain, d, sizeof(d)) : "unknown");
	source_line(b, m->r);
	sets_lines(b, m->r);
	apm_buf_printf(b, "  APQNs (%u):", n);
	for (unsigned int i = 0; i < n; i++) {
		struct apm_restore_apqn q;

		apm_restore_get_apqn(m->r, i, &q);
		ing += q.in_guest;
		if (i < 64)
			apm_buf_printf(b, " %02x.%04x%s", q.adapter, q.domain,
				       q.in_guest  ? "*"
				       : !q.exists ? "?"
						   : "");
	}
	apm_buf_printf(b, "%s\n  (* in the guest, ? no queue on this host)\n",
		       n > 64 ? " ..." : "");
	apm_restore_get_mask(m->r, APM_SET_GUEST_CONTROL_DOMAINS, &ctl);
	if (apm_mdev_in_use(md) == 1)
		apm_buf_printf(
			b,
			"  the guest notices: its AP configuration loses %u APQNs and %u control domains at once (a configuration-change event; lszcrypt in the guest lists nothing), then the vfio-ap device goes (hot unplug)\n",
			ing, weight(&ctl));
}

static void replug_summary(struct apm_migration *m)
{
	struct apm_buf *b = &m->summary;
	const char *guest = apm_restore_get_guest(m->r), *domain = apm_restore_get_domain(m->r);
	char g[160], d[160];

	if (m->kind == APM_MIGRATION_ROLLBACK)
		apm_buf_printf(b, "rollback of the unplug recorded in %s\n", m->shown);
	apm_buf_printf(b, "restore file %s: mdev %s (guest %s, libvirt domain %s), %u APQNs\n",
		       m->shown, apm_restore_get_uuid(m->r),
		       guest ? esc(guest, g, sizeof(g)) : "none",
		       domain ? esc(domain, d, sizeof(d)) : "unknown",
		       apm_restore_get_apqn_count(m->r));
	source_line(b, m->r);
	sets_lines(b, m->r);
}

static void set_step(struct apm_migration *m, unsigned int i, const char *name, bool done,
		     const char *fmt, ...) APM_PRINTF(5, 6);
static void set_step(struct apm_migration *m, unsigned int i, const char *name, bool done,
		     const char *fmt, ...)
{
	va_list ap;

	m->steps[i].name = name;
	m->steps[i].state = done ? APM_MIGRATION_STEP_DONE : APM_MIGRATION_STEP_PENDING;
	va_start(ap, fmt);
	vsnprintf(m->steps[i].changes, sizeof(m->steps[i].changes), fmt, ap);
	va_end(ap);
}

/* "5-7", "none": the ranges of a set of the restore file. */
static const char *rset(const struct apm_migration *m, enum apm_mdev_set which, char *buf,
			size_t size)
{
	struct apm_mask mask;

	apm_restore_get_mask(m->r, which, &mask);
	apm_mask_format_ranges(&mask, buf, size);
	if (!buf[0])
		snprintf(buf, size, "none");
	return buf;
}

static void unplug_steps(struct apm_migration *m, const struct apm_mdev *md)
{
	struct apm_mask s[5];
	const char *domain = apm_restore_get_domain(m->r);
	char a[256], d[256], c[256], dom[160];
	bool emptied;

	for (int k = 0; k < 5; k++)
		apm_mdev_get_mask(md, (enum apm_mdev_set)k, &s[k]);
	emptied = mask_empty(&s[0]) && mask_empty(&s[1]) && mask_empty(&s[2]) &&
		  mask_empty(&s[3]) && mask_empty(&s[4]);
	esc(domain ? domain : "DOMAIN", dom, sizeof(dom));
	m->nsteps = U_COUNT;
	set_step(m, U_FILE, "write the restore file", m->resumed,
		 "writes %s (a temporary file, fsync, rename); nothing on the host", m->shown);
	set_step(m, U_EMPTY, "take every adapter, domain and control domain from the guest",
		 emptied,
		 "empties mdev %s: adapters %s, domains %s, control domains %s leave the guest",
		 m->uuid, rset(m, APM_SET_ADAPTERS, a, sizeof(a)),
		 rset(m, APM_SET_DOMAINS, d, sizeof(d)),
		 rset(m, APM_SET_CONTROL_DOMAINS, c, sizeof(c)));
	set_step(
		m, U_KEYS, "read the master-key patterns (free queues lent to zcrypt)",
		apm_restore_keys_read(m->r),
		"lends the free queues to zcrypt for the reading (aqmask, apmask, and back) and rewrites %s",
		m->shown);
	set_step(m, U_DETACH, "detach the vfio-ap hostdev from the domain",
		 apm_mdev_in_use(md) == 0, "%s: virsh detach-device %s hostdev.xml --live",
		 m->libvirt ? "runs" : "says how to run", dom);
}

static bool persisted(const struct apm_migration *m, const struct apm_mdev *md)
{
	struct apm_mdev_state st;

	return m->cfg && md && !apm_config_get_mdev_state(m->cfg, m->h, m->uuid, &st) && st.def &&
	       !st.lost_at_reboot;
}

static void replug_steps(struct apm_migration *m)
{
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	struct apm_mask want, cur;
	const char *domain = apm_restore_get_domain(m->r);
	char a[256], d[256], c[256], dom[160];

	m->same = md != NULL;
	for (int k = 0; md && k < 3; k++) {
		apm_restore_get_mask(m->r, (enum apm_mdev_set)k, &want);
		apm_mdev_get_mask(md, (enum apm_mdev_set)k, &cur);
		m->same = m->same && !memcmp(&want, &cur, sizeof(want));
	}
	esc(domain ? domain : "DOMAIN", dom, sizeof(dom));
	m->nsteps = m->persist ? R_COUNT : R_COUNT - 1;
	set_step(m, R_MDEV, "the mdev exists", md != NULL, "%s mdev %s",
		 m->create ? "creates" : "needs", m->uuid);
	set_step(m, R_ASSIGN, "assign the adapters, domains and control domains", m->same,
		 "gives mdev %s adapters %s, domains %s, control domains %s", m->uuid,
		 rset(m, APM_SET_ADAPTERS, a, sizeof(a)), rset(m, APM_SET_DOMAINS, d, sizeof(d)),
		 rset(m, APM_SET_CONTROL_DOMAINS, c, sizeof(c)));
	set_step(m, R_VERIFY, "verify the guest matrix", false,
		 "nothing: compares guest_matrix with the file");
	set_step(m, R_ATTACH, "attach the vfio-ap hostdev to the domain",
		 md && apm_mdev_in_use(md) == 1, "%s: virsh attach-device %s hostdev.xml --live",
		 m->libvirt ? "runs" : "says how to run", dom);
	if (m->persist)
		set_step(m, R_PERSIST, "write the mdevctl definition", persisted(m, md),
			 "writes mdevctl's definition of mdev %s", m->uuid);
}

/* Where it stands, from the steps, and what to do next. */
static void settle(struct apm_migration *m)
{
	unsigned int done = 0, by_hand = 0;
	bool unplug = m->kind == APM_MIGRATION_UNPLUG;
	const char *domain = apm_restore_get_domain(m->r);
	char dom[160];

	esc(domain ? domain : "DOMAIN", dom, sizeof(dom));
	for (unsigned int i = 0; i < m->nsteps; i++) {
		done += m->steps[i].state == APM_MIGRATION_STEP_DONE;
		by_hand += m->steps[i].state == APM_MIGRATION_STEP_BY_HAND;
	}
	if (done == m->nsteps) {
		m->state = unplug ? APM_MIGRATION_READY : APM_MIGRATION_REPLUGGED;
		if (unplug)
			snprintf(m->next, sizeof(m->next),
				 "on the target: apmatrix replug --check --from %s", m->shown);
		else
			snprintf(m->next, sizeof(m->next),
				 "when all is well: apmatrix unplug --done %s", m->shown);
	} else if (done + by_hand == m->nsteps) {
		m->state = APM_MIGRATION_BY_HAND;
		snprintf(
			m->next, sizeof(m->next),
			"%s the hostdev yourself: virsh %s %s hostdev.xml --live (or run again with --libvirt)",
			unplug ? "detach" : "attach", unplug ? "detach-device" : "attach-device",
			dom);
	} else if (done) {
		m->state = APM_MIGRATION_PARTLY_DONE;
		snprintf(m->next, sizeof(m->next), "run the same %s again to resume%s%s%s", how(m),
			 unplug ? ", or apmatrix unplug --rollback " : "", unplug ? m->shown : "",
			 unplug ? " to cancel" : "");
	} else {
		m->state = APM_MIGRATION_NOT_STARTED;
		snprintf(m->next, sizeof(m->next), "%s",
			 m->refusal[0] ? "nothing: it is refused (above)"
				       : "nothing is changed yet");
	}
}

static int fail(char *err, size_t errsize, int rc, const char *fmt, ...) APM_PRINTF(4, 5);
static int fail(char *err, size_t errsize, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errsize) {
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* "cannot tell whether a guest holds mdev X: why", into buf. */
static const char *unknown_holder(const struct apm_mdev *md, char *buf, size_t size)
{
	int err = 0;

	apm_mdev_is_in_use(md, &err);
	snprintf(
		buf, size,
		"cannot tell whether a guest holds mdev %s: which process has its vfio group open cannot be seen (%s)",
		apm_mdev_get_uuid(md), strerror(err ? -err : EACCES));
	return buf;
}

/*
 * A Secure Execution guest cannot be live-migrated (QEMU
 * docs/system/s390x/protvirt.rst; the kernel's vfio_ap migration series
 * refuses it too): unplugging its AP resources for a migration would only
 * take them away.  Told by the holder's QEMU command line or libvirt's
 * domain XML; md NULL: only the XML (a replug's target).
 */
static void secure_guest(struct apm_migration *m, const struct apm_mdev *md)
{
	struct apm_guest_info gi = { 0 };
	const char *domain = NULL;
	char g[160];

	for (unsigned int i = 0; m->cfg && !apm_config_get_guest(m->cfg, m->uuid, i, &gi); i++)
		/*
		 * On the source only the running domain that holds the mdev
		 * counts: a shut-off one naming it is not the guest unplugged.
		 */
		if (gi.secure && (m->kind != APM_MIGRATION_UNPLUG || (gi.running && gi.live))) {
			domain = gi.name;
			break;
		}
	if (md && apm_mdev_guest_is_secure(md))
		snprintf(
			m->refusal, sizeof(m->refusal),
			"guest %s of mdev %s is a Secure Execution guest (its QEMU has an s390-pv-guest object): a protected guest cannot be live-migrated, so it is not %s for a migration; nothing was changed",
			esc(apm_mdev_get_guest(md) ? apm_mdev_get_guest(md) : "(unnamed)", g,
			    sizeof(g)),
			m->uuid, m->kind == APM_MIGRATION_UNPLUG ? "unplugged" : "replugged");
	else if (domain)
		snprintf(
			m->refusal, sizeof(m->refusal),
			"libvirt domain %s of mdev %s is a Secure Execution guest (<launchSecurity type='s390-pv'/>): a protected guest cannot be live-migrated, so it is not %s for a migration; nothing was changed",
			esc(domain, g, sizeof(g)), m->uuid,
			m->kind == APM_MIGRATION_UNPLUG ? "unplugged" : "replugged");
	else if (md && m->kind == APM_MIGRATION_UNPLUG && apm_mdev_in_use(md) < 0)
		/*
		 * Who holds the vfio group is unknown, so is the holder's QEMU
		 * command line: neither step 4 nor this check can be done.
		 */
		snprintf(
			m->refusal, sizeof(m->refusal),
			"%s; so whether its guest is a Secure Execution one cannot be told either: it is not unplugged; nothing was changed",
			unknown_holder(md, g, sizeof(g)));
}

/*
 * A resumed unplug empties the mdev, and a rollback gives back only what the
 * file records: an ID assigned since the file was written would be taken
 * from the guest and recorded nowhere.  So the mdev's sets must lie within
 * the recorded ones; the first set that does not is named with its extra IDs.
 */
static int resume_matches(struct apm_migration *m, const struct apm_mdev *md, char *err,
			  size_t errsize)
{
	static const char *const what[3] = { "adapters", "domains", "control domains" };
	char ids[256], b1[160];

	for (int k = 0; k < 3; k++) {
		struct apm_mask have, rec, extra;

		apm_mdev_get_mask(md, (enum apm_kind)k, &have);
		apm_restore_get_mask(m->r, (enum apm_kind)k, &rec);
		for (int w = 0; w < 4; w++)
			extra.w[w] = have.w[w] & ~rec.w[w];
		if (mask_empty(&extra))
			continue;
		apm_mask_format_ranges(&extra, ids, sizeof(ids));
		return fail(
			err, errsize, -EEXIST,
			"mdev %s has %s %s that %s does not record (assigned since it was written): resuming would take them from the guest and record them nowhere; nothing was changed. If that unplug is over, remove the file with `unplug --done %s`; else name another file with --save",
			m->uuid, what[k], ids, esc(m->file, b1, sizeof(b1)), b1);
	}
	return 0;
}

static int unplug_open(struct apm_migration *m, const struct apm_migration_opts *o, char *err,
		       size_t errsize)
{
	struct apm_mdev *md;
	struct stat st;
	char b1[160], b2[160];
	int rc;

	rc = apm_host_lookup_mdev(m->h, o->uuid ? o->uuid : "", &md);
	if (rc)
		return fail(err, errsize, rc, "%s mdev %s",
			    rc == -ENOTUNIQ ? "several mdevs match" : "there is no",
			    esc(o->uuid, b1, sizeof(b1)));
	snprintf(m->uuid, sizeof(m->uuid), "%s", apm_mdev_get_uuid(md));
	secure_guest(m, md);
	m->resumed = !lstat(m->file, &st);
	if (m->resumed) {
		const struct apm_host_identity *was;
		struct apm_host_identity now;

		rc = apm_restore_load(m->file, &m->r, err, errsize);
		if (rc)
			return rc;
		if (strcmp(apm_restore_get_uuid(m->r), m->uuid))
			return fail(
				err, errsize, -EINVAL,
				"%s is the restore file of mdev %s, not of %s: pick another file",
				esc(m->file, b1, sizeof(b1)), apm_restore_get_uuid(m->r), m->uuid);
		was = apm_restore_get_source(m->r);
		apm_host_get_identity(m->h, &now);
		if (strcmp(was->name, now.name) || strcmp(was->sequence_code, now.sequence_code) ||
		    was->lpar_number != now.lpar_number)
			return fail(
				err, errsize, -EINVAL,
				"%s was made on host '%s', this is '%s': an unplug resumes only where it began",
				m->shown, esc(was->name, b1, sizeof(b1)),
				esc(now.name, b2, sizeof(b2)));
		rc = resume_matches(m, md, err, errsize);
		if (rc)
			return rc;
	} else {
		struct apm_guest_info gi = { 0 };
		const char *domain = NULL;

		for (unsigned int i = 0; m->cfg && !apm_config_get_guest(m->cfg, m->uuid, i, &gi);
		     i++)
			if (!domain || gi.running)
				domain = gi.name;
		rc = apm_restore_new(m->h, m->uuid, domain, &m->r);
		if (rc == -EFBIG)
			return fail(
				err, errsize, rc,
				"mdev %s's matrix does not fit the one sysfs page this kernel shows it in (no ap_config before 6.10): its whole matrix cannot be read, so it is not recorded; nothing was changed",
				m->uuid);
		if (rc)
			return fail(err, errsize, rc, "cannot record mdev %s: %s", m->uuid,
				    strerror(-rc));
	}
	unplug_summary(m, md);
	unplug_steps(m, md);
	return 0;
}

static int replug_open(struct apm_migration *m, const struct apm_migration_opts *o, char *err,
		       size_t errsize)
{
	const char *u = o->uuid;
	int rc;

	rc = apm_restore_load(m->file, &m->r, err, errsize);
	if (rc)
		return rc;
	if (m->kind == APM_MIGRATION_ROLLBACK || !u)
		u = apm_restore_get_uuid(m->r);
	if (strlen(u) != 36 || strspn(u, "0123456789abcdefABCDEF-") != 36) {
		char b[160];

		return fail(err, errsize, -EINVAL, "'%s' is not a UUID (8-4-4-4-12 hex digits)",
			    esc(u, b, sizeof(b)));
	}
	snprintf(m->uuid, sizeof(m->uuid), "%s", u);
	for (char *p = m->uuid; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	/* On the source a rollback gives back what was taken: nothing is migrated. */
	if (m->kind == APM_MIGRATION_REPLUG)
		secure_guest(m, apm_host_find_mdev(m->h, m->uuid));
	replug_summary(m);
	replug_steps(m);
	return 0;
}

APM_EXPORT int apm_migration_new(struct apm_host *host, enum apm_migration_kind kind,
				 const struct apm_migration_opts *opts, struct apm_migration **mp,
				 char *err, size_t errsize)
{
	struct apm_migration *m;
	int rc;

	if (err && errsize)
		err[0] = '\0';
	if (!host || !opts || !opts->file || !*opts->file || !mp ||
	    (unsigned int)kind > APM_MIGRATION_ROLLBACK)
		return fail(err, errsize, -EINVAL, "a migration needs a host and a restore file");
	m = calloc(1, sizeof(*m));
	if (!m)
		return fail(err, errsize, -ENOMEM, "out of memory");
	m->refs = 1;
	m->kind = kind;
	m->h = apm_host_ref(host);
	m->cfg = opts->cfg ? apm_config_ref(opts->cfg) : NULL;
	m->file = strdup(opts->file);
	m->shown = m->file ? apm_text_dup(m->file, 0) : NULL;
	m->dry = opts->dry_run && kind == APM_MIGRATION_UNPLUG;
	m->libvirt = opts->libvirt;
	m->create = opts->create && kind != APM_MIGRATION_UNPLUG;
	m->persist = opts->persist && kind == APM_MIGRATION_REPLUG;
	m->lend = !apm_ctx_is_read_only(apm_host_get_ctx(host)) && !m->dry;
	if (!m->file || !m->shown) {
		apm_migration_unref(m);
		return fail(err, errsize, -ENOMEM, "out of memory");
	}
	rc = kind == APM_MIGRATION_UNPLUG ? unplug_open(m, opts, err, errsize)
					  : replug_open(m, opts, err, errsize);
	if (!rc && !m->summary.s)
		rc = fail(err, errsize, -ENOMEM, "out of memory");
	if (rc) {
		apm_migration_unref(m);
		return rc;
	}
	settle(m);
	*mp = m;
	return 0;
}

APM_EXPORT struct apm_migration *apm_migration_ref(struct apm_migration *m)
{
	if (m)
		m->refs++;
	return m;
}

APM_EXPORT struct apm_migration *apm_migration_unref(struct apm_migration *m)
{
	if (!m || --m->refs > 0)
		return NULL;
	apm_restore_unref(m->r);
	apm_host_unref(m->h);
	apm_config_unref(m->cfg);
	apm_buf_free(&m->summary);
	free(m->file);
	free(m->shown);
	free(m);
	return NULL;
}

APM_EXPORT enum apm_migration_kind apm_migration_get_kind(const struct apm_migration *m)
{
	return m->kind;
}

APM_EXPORT const char *apm_migration_get_uuid(const struct apm_migration *m)
{
	return m->uuid;
}

APM_EXPORT const char *apm_migration_get_file(const struct apm_migration *m)
{
	return m->file;
}

APM_EXPORT const struct apm_restore *apm_migration_get_restore(const struct apm_migration *m)
{
	return m->r;
}

APM_EXPORT bool apm_migration_is_resumed(const struct apm_migration *m)
{
	return m->resumed;
}

APM_EXPORT const char *apm_migration_get_summary(const struct apm_migration *m)
{
	return m->summary.s;
}

APM_EXPORT const char *apm_migration_get_refusal(const struct apm_migration *m)
{
	return m->refusal[0] ? m->refusal : NULL;
}

APM_EXPORT void
apm_migration_set_progress(struct apm_migration *m,
			   void (*fn)(const struct apm_migration_event *ev, void *data), void *data)
{
	m->fn = fn;
	m->data = data;
}

APM_EXPORT unsigned int apm_migration_get_step_count(const struct apm_migration *m)
{
	return m->nsteps;
}

APM_EXPORT int apm_migration_get_step(const struct apm_migration *m, unsigned int i,
				      struct apm_migration_step *step)
{
	if (i >= m->nsteps)
		return -ENOENT;
	step->name = m->steps[i].name;
	step->changes = m->steps[i].changes;
	step->state = m->steps[i].state;
	return 0;
}

APM_EXPORT enum apm_migration_state apm_migration_get_state(const struct apm_migration *m)
{
	return m->state;
}

APM_EXPORT const char *apm_migration_get_next(const struct apm_migration *m)
{
	return m->next;
}

APM_EXPORT const char *apm_migration_state_name(enum apm_migration_state state)
{
	static const char *const names[] = {
		[APM_MIGRATION_NOT_STARTED] = "not started",
		[APM_MIGRATION_PARTLY_DONE] = "partly done",
		[APM_MIGRATION_BY_HAND] = "hostdev by hand",
		[APM_MIGRATION_READY] = "ready to migrate",
		[APM_MIGRATION_REPLUGGED] = "replugged",
	};

	return (unsigned int)state <= APM_MIGRATION_REPLUGGED ? names[state] : NULL;
}

/* ------------------------------------------------------------- libvirt */

/* The hostdev element libvirt names the mdev by (its UUID, checked hex: no escaping needed). */
static void hostdev_xml(const char *uuid, char *buf, size_t size)
{
	snprintf(
		buf, size,
		"<hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n  <source>\n    <address uuid='%s'/>\n  </source>\n</hostdev>\n",
		uuid);
}

/* virsh attach-device|detach-device DOMAIN XMLFILE --live, from the PATH. */
static int run_virsh(struct apm_migration *m, bool attach, const char *domain)
{
	char tmpl[] = "/tmp/apmatrix-hostdev-XXXXXX", xml[512], d[160];
	int fd, status, rc;
	const char *verb = attach ? "attach-device" : "detach-device";
	pid_t pid;

	/* virsh reads an argument that begins with '-' as an option, not as the domain. */
	if (domain[0] == '-') {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "libvirt domain %s begins with '-', which virsh reads as an option: run the virsh command by hand with --domain",
		    esc(domain, d, sizeof(d)));
		return -EINVAL;
	}
	fd = mkostemp(tmpl, O_CLOEXEC);

	if (fd < 0) {
		rc = -errno;
		say(m, APM_MIGRATION_EVENT_ERROR, "cannot write the hostdev XML: %s",
		    strerror(-rc));
		return rc;
	}
	hostdev_xml(m->uuid, xml, sizeof(xml));
	if (write(fd, xml, strlen(xml)) != (ssize_t)strlen(xml) || close(fd)) {
		unlink(tmpl);
		return -EIO;
	}
	say(m, APM_MIGRATION_EVENT_INFO, "  running: virsh %s %s %s --live", verb,
	    esc(domain, d, sizeof(d)), tmpl);
	pid = fork();
	if (pid == 0) {
		execlp("virsh", "virsh", verb, domain, tmpl, "--live", (char *)NULL);
		fprintf(stderr, "apmatrix: cannot run virsh: %s\n", strerror(errno));
		_exit(127);
	}
	rc = pid < 0 ? -errno : 0;
	if (rc)
		say(m, APM_MIGRATION_EVENT_ERROR, "cannot start virsh (fork): %s", strerror(-rc));
	while (!rc && waitpid(pid, &status, 0) != pid)
		if (errno != EINTR)
			rc = -errno;
	unlink(tmpl);
	if (rc)
		return rc;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say(m, APM_MIGRATION_EVENT_ERROR, "virsh %s failed (%s %d)", verb,
		    WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -EIO;
	}
	return 0;
}

static void virsh_hint(struct apm_migration *m, bool attach, const char *domain)
{
	char xml[512], d[160];

	hostdev_xml(m->uuid, xml, sizeof(xml));
	say(m, APM_MIGRATION_EVENT_INFO,
	    "  run (or pass --libvirt): virsh %s %s hostdev.xml --live",
	    attach ? "attach-device" : "detach-device",
	    domain ? esc(domain, d, sizeof(d)) : "DOMAIN");
	say(m, APM_MIGRATION_EVENT_INFO, "  with hostdev.xml:");
	say_lines(m, APM_MIGRATION_EVENT_INFO, "    ", xml);
}

/* -------------------------------------------------------------- matrix */

/* The mdev's matrix as a set_matrix change (dry: its prediction) and its outcome. */
static int set_matrix(struct apm_migration *m, const struct apm_mask sets[3])
{
	struct apm_step_info si;
	struct apm_change *c;
	struct apm_buf line = { 0 };
	char prefix[64];
	unsigned int n;
	int rc;

	rc = apm_change_new_set_matrix(m->h, m->uuid, sets, &c);
	if (rc) {
		say(m, APM_MIGRATION_EVENT_ERROR, "cannot plan the matrix of mdev %s: %s", m->uuid,
		    strerror(-rc));
		return rc;
	}
	n = apm_change_get_step_count(c);
	if (m->dry) {
		int pred = apm_change_get_prediction(c);

		say_lines(m, APM_MIGRATION_EVENT_INFO, "  ", apm_change_get_preview(c));
		for (unsigned int i = 0; i < n; i++) {
			apm_change_get_step(c, i, &si);
			say(m, APM_MIGRATION_EVENT_INFO, "    %s: would write '%.*s' to %s",
			    si.what, (int)strcspn(si.value, "\n"), si.value, si.path);
		}
		say(m, APM_MIGRATION_EVENT_INFO, "  prediction: %s",
		    pred ? apm_errno_name(pred) : "OK");
		if (pred)
			say_lines(m, APM_MIGRATION_EVENT_INFO, "    ",
				  apm_change_get_explanation(c));
		apm_change_unref(c);
		return pred ? -EPERM : 0;
	}
	rc = apm_change_apply(c);
	apm_buf_printf(&line, "  %u write%s:", n, n == 1 ? "" : "s");
	for (unsigned int i = 0, shown = 0; i < n; i++) {
		apm_change_get_step(c, i, &si);
		if (si.actual < 0 || shown < 8 || i + 1 == n) {
			apm_buf_printf(&line, "%s %s%s%s", shown ? ";" : "", si.what,
				       si.actual < 0 ? " refused: "
				       : !si.applied ? " (not attempted)"
						     : "",
				       si.actual < 0 ? apm_errno_name(si.actual) : "");
			shown++;
		} else if (shown++ == 8) {
			apm_buf_printf(&line, "; ...");
		}
	}
	if (line.s)
		emit(m, APM_MIGRATION_EVENT_INFO, 0, line.s);
	apm_buf_free(&line);
	say_lines(m, APM_MIGRATION_EVENT_INFO, "  ", apm_change_get_notes(c));
	if (rc) {
		snprintf(prefix, sizeof(prefix), "%s: ", apm_errno_name(rc));
		say_lines(m, APM_MIGRATION_EVENT_ERROR, prefix, apm_change_get_explanation(c));
	}
	if (apm_change_get_mismatch(c))
		rc = -EPROTO;
	apm_change_unref(c);
	return rc;
}

/* -------------------------------------------------------------- check */

struct check_run {
	struct apm_migration *m;
	int (*fn)(const struct apm_replug_verdict *v, enum apm_migration_verdict verdict,
		  void *data);
	void *data;
};

/* On the source itself (rollback) only whether the APQNs are still free matters. */
static enum apm_migration_verdict verdict_of(const struct apm_migration *m,
					     enum apm_replug_code code)
{
	if (m->kind == APM_MIGRATION_ROLLBACK)
		return code == APM_REPLUG_MISSING || code == APM_REPLUG_HOST_OWNED ||
				       code == APM_REPLUG_IN_MDEV ||
				       code == APM_REPLUG_IN_DEFINITION
			       ? APM_MIGRATION_REFUSED
			       : APM_MIGRATION_PLUGGABLE;
	return code == APM_REPLUG_OK		 ? APM_MIGRATION_PLUGGABLE
	       : code == APM_REPLUG_KEYS_UNKNOWN ? APM_MIGRATION_KEYS_UNKNOWN
						 : APM_MIGRATION_REFUSED;
}

static int on_verdict(const struct apm_replug_verdict *v, void *data)
{
	struct check_run *cr = data;
	struct apm_migration *m = cr->m;
	enum apm_migration_verdict vd = verdict_of(m, v->code);
	char text[800];

	if (vd == APM_MIGRATION_REFUSED)
		m->refused++;
	else if (vd == APM_MIGRATION_KEYS_UNKNOWN)
		m->unknown++;
	else
		m->ok++;
	if (cr->fn)
		return cr->fn(v, vd, cr->data);
	if (m->kind == APM_MIGRATION_ROLLBACK && vd != APM_MIGRATION_REFUSED)
		return 0;
	say(m, APM_MIGRATION_EVENT_INFO, "  %-8s %s",
	    vd == APM_MIGRATION_REFUSED	       ? "refused"
	    : vd == APM_MIGRATION_KEYS_UNKNOWN ? "unknown"
					       : "ok",
	    esc(v->text, text, sizeof(text)));
	return 0;
}

APM_EXPORT int apm_migration_check(struct apm_migration *m,
				   int (*fn)(const struct apm_replug_verdict *v,
					     enum apm_migration_verdict verdict, void *data),
				   void *data)
{
	struct check_run cr = { .m = m, .fn = fn, .data = data };
	struct apm_mask am, dm;
	struct apm_keys *k = NULL;
	char err[2048], errbuf[4096];
	int rc;

	m->ok = m->refused = m->unknown = 0;
	if (m->refusal[0]) {
		say(m, APM_MIGRATION_EVENT_ERROR, "%s", m->refusal);
		return -EPERM;
	}
	apm_restore_get_mask(m->r, APM_SET_ADAPTERS, &am);
	apm_restore_get_mask(m->r, APM_SET_DOMAINS, &dm);
	if (m->kind != APM_MIGRATION_ROLLBACK) {
		rc = apm_keys_read(&m->h, &am, &dm, m->lend, &k, err, sizeof(err));
		if (rc) {
			say(m, APM_MIGRATION_EVENT_ERROR,
			    "the master-key patterns could not be read here: %s",
			    esc(err, errbuf, sizeof(errbuf)));
			k = NULL;
		} else if (!fn) {
			say_lines(m, APM_MIGRATION_EVENT_INFO,
				  "  reading the master keys: ", apm_keys_get_notes(k));
		} else {
			char *notes = apm_text_dup(apm_keys_get_notes(k), APM_TEXT_KEEP_NEWLINE);

			if (notes)
				emit(m, APM_MIGRATION_EVENT_KEYS, 0, notes);
			free(notes);
		}
	}
	rc = apm_restore_check(m->r, m->h, m->cfg, m->uuid, k, on_verdict, &cr);
	apm_keys_unref(k);
	return rc < 0 ? rc : 0;
}

APM_EXPORT void apm_migration_get_check_counts(const struct apm_migration *m,
					       unsigned int *pluggable, unsigned int *refused,
					       unsigned int *keys_unknown)
{
	if (pluggable)
		*pluggable = m->ok;
	if (refused)
		*refused = m->refused;
	if (keys_unknown)
		*keys_unknown = m->unknown;
}

/* -------------------------------------------------------------- unplug */

static int unplug_file(struct apm_migration *m)
{
	int rc;

	if (m->resumed)
		return 0;
	rc = apm_restore_save(m->r, m->file, 0);
	if (rc) {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "cannot write the restore file %s: %s; nothing was unplugged", m->shown,
		    strerror(-rc));
		return rc;
	}
	m->resumed = true;
	say(m, APM_MIGRATION_EVENT_INFO, "step 1: wrote %s", m->shown);
	return 0;
}

static int unplug_empty(struct apm_migration *m)
{
	static const struct apm_mask empty[3];
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	struct apm_mask ga, gd;
	int rc;

	if (m->steps[U_EMPTY].state != APM_MIGRATION_STEP_DONE) {
		say(m, APM_MIGRATION_EVENT_INFO, "step 2: unplugging");
		rc = set_matrix(m, empty);
		if (rc) {
			return stop_at(m, 2, rc, NULL);
		}
	}
	rc = reload(m);
	if (rc)
		return rc;
	md = apm_host_find_mdev(m->h, m->uuid);
	if (!md) {
		return stop_at(m, 2, -EPROTO, "step 2: mdev %s is gone", m->uuid);
	}
	apm_mdev_get_mask(md, APM_SET_GUEST_ADAPTERS, &ga);
	apm_mdev_get_mask(md, APM_SET_GUEST_DOMAINS, &gd);
	if (apm_mdev_has_guest_matrix(md) && (!mask_empty(&ga) || !mask_empty(&gd))) {
		return stop_at(m, 2, -EPROTO,
			       "step 2: mdev %s's guest_matrix is not empty afterwards", m->uuid);
	}
	say(m, APM_MIGRATION_EVENT_INFO, "step 2: guest_matrix of mdev %s is empty", m->uuid);
	return 0;
}

static int unplug_keys(struct apm_migration *m)
{
	struct apm_mask am, dm;
	struct apm_restore *r2;
	struct apm_keys *k;
	char err[2048], errbuf[4096];
	int rc;

	if (apm_restore_keys_read(m->r))
		return 0;
	apm_restore_get_mask(m->r, APM_SET_ADAPTERS, &am);
	apm_restore_get_mask(m->r, APM_SET_DOMAINS, &dm);
	rc = apm_keys_read(&m->h, &am, &dm, m->lend, &k, err, sizeof(err));
	if (rc) {
		return stop_at(m, 3, rc, "step 3: the master-key patterns could not be read: %s",
			       esc(err, errbuf, sizeof(errbuf)));
	}
	say_lines(m, APM_MIGRATION_EVENT_INFO, "step 3: ", apm_keys_get_notes(k));
	rc = apm_restore_new_with_keys(m->r, k, &r2);
	apm_keys_unref(k);
	if (!rc) {
		rc = apm_restore_save(r2, m->file, APM_RESTORE_REPLACE);
		if (rc)
			apm_restore_unref(r2);
	}
	if (rc) {
		return stop_at(m, 3, rc, "step 3: cannot rewrite %s: %s", m->shown, strerror(-rc));
	}
	apm_restore_unref(m->r);
	m->r = r2;
	say(m, APM_MIGRATION_EVENT_INFO, "step 3: recorded the master-key patterns in %s",
	    m->shown);
	return 0;
}

static int unplug_detach(struct apm_migration *m)
{
	const char *domain = apm_restore_get_domain(m->r);
	struct apm_mdev *md;
	char why[400];
	int rc = reload(m);

	if (rc)
		return rc;
	md = apm_host_find_mdev(m->h, m->uuid);
	if (md && apm_mdev_in_use(md) < 0)
		return stop_at(m, 4, -EACCES, "step 4: %s", unknown_holder(md, why, sizeof(why)));
	if (!md || !apm_mdev_in_use(md))
		return 0;
	if (!m->libvirt) {
		say(m, APM_MIGRATION_EVENT_INFO,
		    "step 4: the guest still holds the (empty) mdev; detach it before migrating:");
		virsh_hint(m, false, domain);
		return 1;
	}
	if (!domain) {
		return stop_at(
			m, 4, -ENOENT,
			"step 4: no libvirt domain is known to use mdev %s: detach its vfio-ap device in QEMU (device_del) yourself",
			m->uuid);
	}
	rc = run_virsh(m, false, domain);
	if (!rc)
		rc = reload(m);
	if (rc) {
		return stop_at(m, 4, rc, NULL);
	}
	md = apm_host_find_mdev(m->h, m->uuid);
	if (md && apm_mdev_in_use(md) < 0)
		return stop_at(m, 4, -EACCES, "step 4: virsh succeeded, but %s",
			       unknown_holder(md, why, sizeof(why)));
	if (md && apm_mdev_in_use(md) == 1) {
		return stop_at(m, 4, -EPROTO, "step 4: virsh succeeded, but mdev %s is still held",
			       m->uuid);
	}
	say(m, APM_MIGRATION_EVENT_INFO, "step 4: mdev %s is no longer held by the guest", m->uuid);
	return 0;
}

/* -------------------------------------------------------------- replug */

static int replug_mdev(struct apm_migration *m)
{
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	struct apm_change *c;
	int rc;

	if (!md && !m->create) {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "there is no mdev %s here: add --create (the same UUID keeps the domain XML valid)",
		    m->uuid);
		return -ENODEV;
	}
	if (!m->same) {
		rc = apm_migration_check(m, NULL, NULL);
		if (rc)
			return rc;
		say(m, APM_MIGRATION_EVENT_INFO, "%u can be plugged, %u refused%s", m->ok,
		    m->refused, m->unknown ? ", keys not compared for some (see above)" : "");
		if (m->refused) {
			say(m, APM_MIGRATION_EVENT_ERROR,
			    "%s: %u APQNs cannot be plugged here; nothing was changed", how(m),
			    m->refused);
			return -EPERM;
		}
		m->checked = true;
	}
	if (md)
		return 0;
	rc = apm_change_new_mdev_create(m->h, m->uuid, &c);
	if (!rc) {
		rc = apm_change_apply(c);
		if (rc)
			say_lines(m, APM_MIGRATION_EVENT_ERROR, "", apm_change_get_explanation(c));
		apm_change_unref(c);
	}
	if (rc) {
		say(m, APM_MIGRATION_EVENT_ERROR, "step 1: cannot create mdev %s: %s", m->uuid,
		    apm_errno_name(rc));
		return rc;
	}
	say(m, APM_MIGRATION_EVENT_INFO, "step 1: created mdev %s", m->uuid);
	return reload(m);
}

static int replug_assign(struct apm_migration *m)
{
	struct apm_mask sets[3];
	int rc;

	if (m->same)
		return 0;
	for (int k = 0; k < 3; k++)
		apm_restore_get_mask(m->r, (enum apm_mdev_set)k, &sets[k]);
	say(m, APM_MIGRATION_EVENT_INFO, "step 2: plugging");
	rc = set_matrix(m, sets);
	if (rc) {
		return stop_at(m, 2, rc, NULL);
	}
	return reload(m);
}

/* Recorded guest matrix against the one the kernel gives here; the differences named. */
/* Whether the file records APQN a.d as one the source had no queue for. */
static bool recorded_absent(const struct apm_migration *m, unsigned int a, unsigned int d)
{
	struct apm_restore_apqn q;

	for (unsigned int i = 0; !apm_restore_get_apqn(m->r, i, &q); i++)
		if (q.adapter == a && q.domain == d)
			return !q.exists;
	return false;
}

static int replug_verify(struct apm_migration *m)
{
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	struct apm_mask want[2], got[2];
	unsigned int missing = 0, extra = 0;

	apm_restore_get_mask(m->r, APM_SET_GUEST_ADAPTERS, &want[0]);
	apm_restore_get_mask(m->r, APM_SET_GUEST_DOMAINS, &want[1]);
	if (md) {
		apm_mdev_get_mask(md, APM_SET_GUEST_ADAPTERS, &got[0]);
		apm_mdev_get_mask(md, APM_SET_GUEST_DOMAINS, &got[1]);
	}
	for (unsigned int a = 0; md && a < 256; a++)
		for (unsigned int d = 0; d < 256; d++) {
			bool w = apm_mask_test(&want[0], a) && apm_mask_test(&want[1], d);
			bool g = apm_mask_test(&got[0], a) && apm_mask_test(&got[1], d);
			struct apm_queue qu;

			if (w && !g && missing++ < 16) {
				const char *why = "filtered out";
				char reason[400];

				if (!apm_queue_init(&qu, m->h, a, d) &&
				    apm_queue_get_reason(&qu)[0])
					why = apm_queue_get_reason(&qu);
				say(m, APM_MIGRATION_EVENT_INFO,
				    "  %02x.%04x: in the guest on the source, not here: %s", a, d,
				    esc(why, reason, sizeof(reason)));
			}
			/*
			 * Assigned but without a queue on the source, the kernel
			 * kept it from that guest (vfio_ap_ops.c:
			 * vfio_ap_mdev_filter_matrix); here it has one: a gain, not a
			 * mismatch that no rerun could mend.
			 */
			if (g && !w && recorded_absent(m, a, d))
				say(m, APM_MIGRATION_EVENT_INFO,
				    "  %02x.%04x: in the guest here; the source had no such queue (the file records it absent), so its guest lacked it",
				    a, d);
			else if (g && !w && extra++ < 16)
				say(m, APM_MIGRATION_EVENT_INFO,
				    "  %02x.%04x: in the guest here, not on the source", a, d);
		}
	if (md && !missing && !extra) {
		say(m, APM_MIGRATION_EVENT_INFO, "step 3: guest_matrix of mdev %s is as recorded%s",
		    m->uuid,
		    apm_restore_guest_complete(m->r)
			    ? ""
			    : " (as far as its sysfs page shows it: it did not fit on the source)");
		return 0;
	}
	return stop_at(m, 3, -EPROTO,
		       "step 3: the guest matrix differs from the restore file (above)");
}

static int replug_attach(struct apm_migration *m)
{
	const char *domain = apm_restore_get_domain(m->r);
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	int rc;

	if (md && apm_mdev_in_use(md) == 1)
		return 0;
	if (!m->libvirt) {
		say(m, APM_MIGRATION_EVENT_INFO, "step 4: attach the mdev to the running domain:");
		virsh_hint(m, true, domain);
		return 1;
	}
	if (!domain) {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "step 4: the restore file names no libvirt domain: attach the vfio-ap device in QEMU (device_add) yourself");
		return -ENOENT;
	}
	rc = run_virsh(m, true, domain);
	if (!rc)
		rc = reload(m);
	if (rc) {
		return stop_at(m, 4, rc, NULL);
	}
	md = apm_host_find_mdev(m->h, m->uuid);
	if (!md || apm_mdev_in_use(md) != 1) {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "step 4: virsh succeeded, but no guest holds mdev %s", m->uuid);
		return -EPROTO;
	}
	say(m, APM_MIGRATION_EVENT_INFO, "step 4: the guest holds mdev %s again", m->uuid);
	return 0;
}

static int replug_persist(struct apm_migration *m)
{
	struct apm_persist *p;
	char prefix[64];
	int rc;

	if (!m->cfg) {
		say(m, APM_MIGRATION_EVENT_ERROR,
		    "step 5: this host keeps no persistent configuration");
		return -EOPNOTSUPP;
	}
	rc = apm_persist_new_mdev(m->cfg, m->h, m->uuid, APM_START_KEEP, &p);
	if (rc) {
		say(m, APM_MIGRATION_EVENT_ERROR, "step 5: %s", strerror(-rc));
		return rc;
	}
	say_lines(m, APM_MIGRATION_EVENT_INFO, "", apm_persist_get_what(p));
	say_lines(m, APM_MIGRATION_EVENT_INFO, "  file: ", apm_persist_get_path(p));
	say_lines(m, APM_MIGRATION_EVENT_INFO, "", apm_persist_get_notes(p));
	rc = apm_persist_apply(p);
	if (rc) {
		say_lines(m, APM_MIGRATION_EVENT_INFO, "refused: ", apm_persist_get_what(p));
		snprintf(prefix, sizeof(prefix), "%s: ", apm_errno_name(rc));
		say_lines(m, APM_MIGRATION_EVENT_ERROR, prefix, apm_persist_get_explanation(p));
		say(m, APM_MIGRATION_EVENT_ERROR, "nothing was written");
	} else {
		say_lines(m, APM_MIGRATION_EVENT_INFO, "applied: ", apm_persist_get_what(p));
	}
	apm_persist_unref(p);
	return rc;
}

/* ---------------------------------------------------------------- run */

/* Step i's work: 0 done, 1 left to the operator, -errno failed (said why). */
static int do_step(struct apm_migration *m, unsigned int i)
{
	if (m->kind == APM_MIGRATION_UNPLUG) {
		switch (i) {
		case U_FILE:
			return unplug_file(m);
		case U_EMPTY:
			return unplug_empty(m);
		case U_KEYS:
			return unplug_keys(m);
		default:
			return unplug_detach(m);
		}
	}
	switch (i) {
	case R_MDEV:
		return replug_mdev(m);
	case R_ASSIGN:
		return replug_assign(m);
	case R_VERIFY:
		return replug_verify(m);
	case R_ATTACH:
		return replug_attach(m);
	default:
		return m->steps[i].state == APM_MIGRATION_STEP_DONE ? 0 : replug_persist(m);
	}
}

APM_EXPORT int apm_migration_run_step(struct apm_migration *m, unsigned int i)
{
	if (i >= m->nsteps || m->dry)
		return -EINVAL;
	if (m->refusal[0] && m->ran <= i) {
		say(m, APM_MIGRATION_EVENT_ERROR, "%s", m->refusal);
		return -EPERM;
	}
	while (m->ran <= i) {
		unsigned int j = m->ran;
		int rc;

		if (m->last_rc < 0)
			return m->last_rc;
		rc = do_step(m, j);
		m->ran++;
		m->last_rc = rc < 0 ? rc : 0;
		m->steps[j].state = rc < 0   ? APM_MIGRATION_STEP_FAILED
				    : rc > 0 ? APM_MIGRATION_STEP_BY_HAND
					     : APM_MIGRATION_STEP_DONE;
		settle(m);
		if (!rc)
			emit(m, APM_MIGRATION_EVENT_STEP, j + 1, m->steps[j].name);
		if (rc < 0)
			return rc;
		/* An unplug whose hostdev is the operator's ends there. */
		if (rc > 0 && m->kind == APM_MIGRATION_UNPLUG)
			return 0;
	}
	return m->steps[i].state == APM_MIGRATION_STEP_FAILED ? m->last_rc : 0;
}

static int dry_run(struct apm_migration *m)
{
	static const struct apm_mask empty[3];
	struct apm_mdev *md = apm_host_find_mdev(m->h, m->uuid);
	int rc;

	say(m, APM_MIGRATION_EVENT_INFO, "dry run: nothing is written");
	if (m->refusal[0]) {
		say(m, APM_MIGRATION_EVENT_ERROR, "%s", m->refusal);
		return -EPERM;
	}
	rc = set_matrix(m, empty);
	if (md && apm_mdev_in_use(md) == 1)
		virsh_hint(m, false, apm_restore_get_domain(m->r));
	return rc;
}

APM_EXPORT int apm_migration_run(struct apm_migration *m)
{
	bool unplug = m->kind == APM_MIGRATION_UNPLUG;
	int rc;

	if (m->dry)
		return dry_run(m);
	rc = apm_migration_run_step(m, m->nsteps - 1);
	if (rc)
		return rc;
	if (m->state == APM_MIGRATION_READY)
		say(m, APM_MIGRATION_EVENT_INFO,
		    "the guest is ready to migrate; on the target: apmatrix replug --check --from %s",
		    m->shown);
	else if (unplug)
		;
	else if (m->state == APM_MIGRATION_BY_HAND)
		say(m, APM_MIGRATION_EVENT_INFO,
		    "%s: mdev %s has what %s recorded; the guest gets it once the hostdev is attached (above)",
		    m->kind == APM_MIGRATION_ROLLBACK ? "rolled back" : "replugged", m->uuid,
		    m->shown);
	else if (m->kind == APM_MIGRATION_ROLLBACK)
		say(m, APM_MIGRATION_EVENT_INFO,
		    "rolled back: mdev %s has what %s recorded; the file stays until `apmatrix unplug --done %s`",
		    m->uuid, m->shown, m->shown);
	else
		say(m, APM_MIGRATION_EVENT_INFO,
		    "replugged: mdev %s has what %s recorded; when all is well: apmatrix unplug --done %s",
		    m->uuid, m->shown, m->shown);
	return 0;
}
