// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * audit.c - the record of a change: who applied it, what it touched before
 * and after, one audit line for syslog and for the caller, and its place in
 * the journal undo reads (see journal.h).
 *
 * The audit line goes to syslog with facility LOG_AUTHPRIV, as sudo, su and
 * passwd log theirs: changing which guest holds which crypto domain is a
 * change of who may use which keys, and the line names users, terminals and
 * SSH clients, which belong in the private authorization log (Debian's
 * /var/log/auth.log, root:adm 0640), not in the world-readable one.  The
 * ident is "apmatrix" whoever links the library.  The line is sent to the
 * syslog socket directly (the datagram openlog()/syslog() would send), not
 * through syslog(3): openlog() is process-wide state a library must not
 * touch, and the socket is the context's, so a test can bind its own and
 * read what a real host's syslog would get.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "persist.h"

/* ------------------------------------------------------------- states */

void apm_jstate_clear(struct apm_jstate *s)
{
	free(s->content);
	memset(s, 0, sizeof(*s));
}

void apm_jentry_clear(struct apm_jentry *e)
{
	free(e->host);
	free(e->what);
	free(e->path);
	apm_jstate_clear(&e->before);
	apm_jstate_clear(&e->after);
	memset(e, 0, sizeof(*e));
}

static const struct apm_mdev *mdev_of(const struct apm_host *h, const char *uuid)
{
	for (unsigned int i = 0; i < h->nmdevs; i++)
		if (!strcmp(h->mdevs[i].uuid, uuid))
			return &h->mdevs[i];
	return NULL;
}

void apm_jstate_read(const struct apm_jentry *e, struct apm_host *h, struct apm_jstate *s)
{
	const struct apm_mdev *md;
	struct apm_adapter ad;
	struct apm_queue qu;
	int err;
	bool v;

	apm_jstate_clear(s);
	s->value = -1;
	s->in_use = -1;
	switch (e->kind) {
	case APM_J_MASK:
		s->m[0] = e->aq ? h->rules.aqmask : h->rules.apmask;
		break;
	case APM_J_MATRIX:
	case APM_J_CREATE:
	case APM_J_REMOVE:
		md = mdev_of(h, e->uuid);
		s->exists = md != NULL;
		if (!md)
			break;
		s->m[0] = md->m.apm;
		s->m[1] = md->m.aqm;
		s->m[2] = md->m.adm;
		s->in_use = md->in_use;
		snprintf(s->guest, sizeof(s->guest), "%s", md->guest);
		break;
	case APM_J_CONFIG:
		if (!apm_adapter_init(&ad, h, e->adapter)) {
			v = apm_adapter_is_configured(&ad, &err);
			s->value = err ? -1 : v;
		}
		break;
	case APM_J_ONLINE:
		if (e->domain < 0 && !apm_adapter_init(&ad, h, e->adapter)) {
			v = apm_adapter_is_online(&ad, &err);
			s->value = err ? -1 : v;
		} else if (e->domain >= 0 &&
			   !apm_queue_init(&qu, h, e->adapter, (unsigned int)e->domain) &&
			   apm_queue_exists(&qu)) {
			v = apm_queue_is_online(&qu, &err);
			s->value = err ? -1 : v;
		}
		break;
	case APM_J_NONE:
	case APM_J_FILE:
		break;
	}
}

bool apm_jstate_equal(enum apm_jkind kind, const struct apm_jstate *a, const struct apm_jstate *b)
{
	switch (kind) {
	case APM_J_MASK:
		return apr_mask_equal(&a->m[0], &b->m[0]);
	case APM_J_MATRIX:
	case APM_J_CREATE:
	case APM_J_REMOVE:
		if (a->exists != b->exists)
			return false;
		for (int k = 0; a->exists && k < 3; k++)
			if (!apr_mask_equal(&a->m[k], &b->m[k]))
				return false;
		return true;
	case APM_J_CONFIG:
	case APM_J_ONLINE:
		return a->value == b->value;
	case APM_J_FILE:
		return a->exists == b->exists &&
		       (!a->exists ||
			!strcmp(a->content ? a->content : "", b->content ? b->content : ""));
	case APM_J_NONE:
		break;
	}
	return true;
}

static void ranges(const struct apr_mask *m, char *out, size_t size)
{
	apm_mask_format_ranges((const struct apm_mask *)m, out, size);
	if (!out[0])
		snprintf(out, size, "none");
}

/* A definition or a rule by what it says, else by its size. */
static void file_text(const struct apm_jentry *e, const struct apm_jstate *s, struct apm_buf *out)
{
	char r[3][512];

	if (!s->exists) {
		apm_buf_printf(out, "absent");
		return;
	}
	if (e->rule) {
		struct apm_rule rule;
		struct apm_buf err = { 0 }, notes = { 0 };

		if (!apm_rule_parse(s->content, strlen(s->content), e->path, &rule, &err, &notes)) {
			if (rule.has_apmask)
				ranges(&rule.apmask, r[0], sizeof(r[0]));
			if (rule.has_aqmask)
				ranges(&rule.aqmask, r[1], sizeof(r[1]));
			apm_buf_printf(out, "host adapters (apmask) %s, host domains (aqmask) %s",
				       rule.has_apmask ? r[0] : "not set",
				       rule.has_aqmask ? r[1] : "not set");
		} else {
			apm_buf_printf(out, "%zu bytes", strlen(s->content));
		}
		apm_buf_free(&err);
		apm_buf_free(&notes);
	} else {
		struct apm_def def = { 0 };
		struct apm_buf err = { 0 };

		if (!apm_mdevctl_parse(s->content, strlen(s->content), e->path, &def, &err)) {
			ranges(&def.apm, r[0], sizeof(r[0]));
			ranges(&def.aqm, r[1], sizeof(r[1]));
			ranges(&def.adm, r[2], sizeof(r[2]));
			apm_buf_printf(out, "%s, adapters %s domains %s control domains %s",
				       def.autostart ? "autostart" : "manual start", r[0], r[1],
				       r[2]);
		} else {
			apm_buf_printf(out, "%zu bytes", strlen(s->content));
		}
		apm_def_clear(&def);
		apm_buf_free(&err);
	}
}

void apm_jstate_text(const struct apm_jentry *e, const struct apm_jstate *s, struct apm_buf *out)
{
	char r[3][512];

	switch (e->kind) {
	case APM_J_MASK:
		ranges(&s->m[0], r[0], sizeof(r[0]));
		apm_buf_printf(out, "host %s (%s) %s", e->aq ? "domains" : "adapters",
			       e->aq ? "aqmask" : "apmask", r[0]);
		break;
	case APM_J_MATRIX:
	case APM_J_CREATE:
	case APM_J_REMOVE:
		if (!s->exists) {
			apm_buf_printf(out, "no mdev %s", e->uuid);
			break;
		}
		for (int k = 0; k < 3; k++)
			ranges(&s->m[k], r[k], sizeof(r[k]));
		apm_buf_printf(out, "adapters %s domains %s control domains %s%s%s%s", r[0], r[1],
			       r[2], s->in_use == 1 ? ", in use" : "", s->guest[0] ? " by " : "",
			       s->guest);
		break;
	case APM_J_CONFIG:
		apm_buf_printf(out, "adapter 0x%02x %s", e->adapter,
			       s->value == 1   ? "configured on"
			       : s->value == 0 ? "configured off"
					       : "not configurable");
		break;
	case APM_J_ONLINE:
		if (e->domain < 0)
			apm_buf_printf(out, "card%02x", e->adapter);
		else
			apm_buf_printf(out, "queue %02x.%04x", e->adapter, e->domain);
		apm_buf_printf(out, " %s",
			       s->value == 1   ? "online"
			       : s->value == 0 ? "offline"
					       : "not bound to zcrypt");
		break;
	case APM_J_FILE:
		file_text(e, s, out);
		break;
	case APM_J_NONE:
		break;
	}
}

/* --------------------------------------------------------------- who */

static void user_name(unsigned int uid, char *out, size_t size)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	out[0] = '\0';
	if (!getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) && res)
		apm_text_escape(res->pw_name, out, size, 0);
}

/* The audit login uid survives su and sudo: who logged in (kernel/audit.c: loginuid). */
static void login_name(char *out, size_t size)
{
	char buf[16] = "";
	unsigned long uid;
	char *end;
	ssize_t n;
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

	out[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	uid = strtoul(buf, &end, 10);
	/* (uid_t)-1: not set (no PAM session, a container) */
	if (end == buf || uid >= 4294967295UL)
		return;
	user_name((unsigned int)uid, out, size);
	if (!out[0])
		snprintf(out, size, "%lu", uid);
}

static void tty_name(char *out, size_t size)
{
	char buf[128];

	out[0] = '\0';
	for (int fd = 0; fd < 3; fd++)
		if (!ttyname_r(fd, buf, sizeof(buf))) {
			apm_text_escape(strncmp(buf, "/dev/", 5) ? buf : buf + 5, out, size, 0);
			return;
		}
}

/* $SSH_CONNECTION's first word: the client's address (untrusted text). */
static void ssh_client(char *out, size_t size)
{
	const char *v = secure_getenv("SSH_CONNECTION");
	char *word;

	out[0] = '\0';
	if (!v || !*v)
		v = secure_getenv("SSH_CLIENT");
	if (!v || !*v)
		return;
	/* The whole word escaped, so that a cut to out's size is marked. */
	word = strndup(v, strcspn(v, " "));
	apm_text_escape(word ? word : "(out of memory)", out, size, APM_TEXT_ELLIPSIS);
	free(word);
}

void apm_who_get(struct apm_who *w)
{
	const char *sudo = secure_getenv("SUDO_USER");

	memset(w, 0, sizeof(*w));
	w->uid = (unsigned int)getuid();
	w->euid = (unsigned int)geteuid();
	w->pid = (int)getpid();
	user_name(w->uid, w->user, sizeof(w->user));
	login_name(w->login, sizeof(w->login));
	/* Environment text of any length: what does not fit ends in "...". */
	if (sudo && *sudo)
		apm_text_escape(sudo, w->sudo, sizeof(w->sudo), APM_TEXT_ELLIPSIS);
	tty_name(w->tty, sizeof(w->tty));
	ssh_client(w->ssh, sizeof(w->ssh));
}

void apm_who_text(const struct apm_who *w, char *out, size_t size)
{
	size_t at = 0;

#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (at < size)                                                                     \
			at += (size_t)snprintf(out + at, size - at, __VA_ARGS__);                  \
	} while (0)
	ADD("uid=%u", w->uid);
	if (w->user[0])
		ADD("(%s)", w->user);
	if (w->euid != w->uid)
		ADD(" euid=%u", w->euid);
	if (w->login[0])
		ADD(" login=%s", w->login);
	if (w->sudo[0])
		ADD(" sudo_user=%s", w->sudo);
	ADD(" tty=%s", w->tty[0] ? w->tty : "none");
	if (w->ssh[0])
		ADD(" ssh=%s", w->ssh);
#undef ADD
}

/* ------------------------------------------------------------ syslog */

/*
 * One message in the form syslog(3) sends to the socket, "<PRI>Mmm dd
 * hh:mm:ss ident[pid]: text" (RFC 3164, glibc misc/syslog.c), the month in
 * English whatever the locale; a stream socket (an old syslogd) gets it
 * NUL-terminated, as glibc sends it there.  0 or -errno.
 */
static int syslog_send(const char *path, int priority, const char *text)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	time_t now = time(NULL);
	struct tm tm;
	char *msg;
	int fd, n, rc = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	localtime_r(&now, &tm);
	/* Whole, as syslog(3) sends it: a record cut short loses how the change ended. */
	n = asprintf(&msg, "<%d>%s %2d %02d:%02d:%02d apmatrix[%d]: %s", LOG_AUTHPRIV | priority,
		     months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (int)getpid(), text);
	if (n < 0)
		return -ENOMEM;
	for (int type = SOCK_DGRAM;; type = SOCK_STREAM) {
		fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			rc = -errno;
			break;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			rc = -errno;
			close(fd);
			if (rc == -EPROTOTYPE && type == SOCK_DGRAM)
				continue;
			break;
		}
		if (send(fd, msg, (size_t)n + (type == SOCK_STREAM), MSG_NOSIGNAL) < 0)
			rc = -errno;
		close(fd);
		break;
	}
	free(msg);
	return rc;
}

/* ------------------------------------------------------------ record */

void apm_record_begin(struct apm_record *r, struct apm_ctx *ctx, enum apm_jkind kind,
		      const char *what)
{
	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->e.kind = kind;
	r->e.time = (long long)time(NULL);
	r->e.host = apm_journal_host(ctx);
	r->e.what = strdup(what);
	r->e.domain = -1;
	apm_who_get(&r->e.who);
}

static void audit(struct apm_ctx *ctx, const struct apm_jentry *e, unsigned long long undoes,
		  unsigned long long seq, enum apm_outcome out, int err)
{
	struct apm_buf text = { 0 };
	char who[512], *line;
	struct apm_audit rec;
	int rc = 0;

	if (undoes)
		apm_buf_printf(&text, "undo of change #%llu: ", undoes);
	apm_buf_printf(&text, "%s: ", e->what ? e->what : "a change");
	switch (out) {
	case APM_OUT_DONE:
		apm_buf_printf(&text, "done");
		break;
	case APM_OUT_REFUSED:
		apm_buf_printf(&text, "refused (%s)", apm_errno_name(err));
		break;
	case APM_OUT_PARTIAL:
		apm_buf_printf(&text, "partly applied, then refused (%s)", apm_errno_name(err));
		break;
	case APM_OUT_MISMATCH:
		apm_buf_printf(&text, "the kernel's answer differed from the prediction");
		break;
	}
	if (seq)
		apm_buf_printf(&text, " [change #%llu]", seq);
	if (e->kind != APM_J_NONE) {
		apm_buf_printf(&text, "; before: ");
		apm_jstate_text(e, &e->before, &text);
		apm_buf_printf(&text, "; after: ");
		apm_jstate_text(e, &e->after, &text);
	}
	/* One line whatever the file names and guest names hold, and all of it. */
	line = apm_text_dup(text.s ? text.s : "", 0);
	apm_buf_free(&text);
	if (!line) {
		warn(ctx, "audit: out of memory: the change is not logged");
		return;
	}
	apm_who_text(&e->who, who, sizeof(who));
	rec = (struct apm_audit){
		.priority = out == APM_OUT_DONE ? LOG_NOTICE : LOG_WARNING,
		.who = who,
		.host = ctx->source,
		.text = line,
	};
	if (ctx->syslog_path) {
		struct apm_buf msg = { 0 };

		apm_buf_printf(&msg, "%s host=%s: %s", who, ctx->source, line);
		rc = syslog_send(ctx->syslog_path, rec.priority, msg.s ? msg.s : "");
		apm_buf_free(&msg);
		rec.syslogged = !rc;
		/* A host without a syslog daemon (a container, a test VM) is not an error. */
		if (rc == -ENOENT || rc == -ECONNREFUSED)
			info(ctx, "audit: no syslog at %s (%s): %s", ctx->syslog_path,
			     strerror(-rc), line);
		else if (rc)
			warn(ctx, "audit: cannot log to syslog at %s: %s", ctx->syslog_path,
			     strerror(-rc));
	}
	if (ctx->audit_fn)
		ctx->audit_fn(ctx->audit_data, &rec);
	free(line);
}

/*
 * The entry into the journal j (then *e points at the journal's copy, and
 * *seq is its number once written), or the entry it undid out of it; why
 * not into notes.
 */
static void journal(struct apm_record *r, enum apm_outcome out, struct apm_journal *j,
		    const struct apm_jentry **e, unsigned long long *seq, struct apm_buf *notes)
{
	struct apm_buf why = { 0 };
	int rc;

	rc = apm_journal_read(r->ctx, j, &why);
	/* An undo that did all of it takes its entry out; what it did not finish is an entry. */
	if (!rc && r->undoes && out == APM_OUT_DONE) {
		apm_journal_drop(j, r->undoes);
	} else if (!rc) {
		r->e.partial = out == APM_OUT_PARTIAL;
		r->e.undid = r->undoes;
		rc = apm_journal_append(j, &r->e);
		if (!rc)
			*e = &j->e[j->n - 1];
	}
	if (!rc)
		rc = apm_journal_write(r->ctx, j, &why);
	if (!rc && *e != &r->e)
		*seq = (*e)->seq;
	/* The undone change stays: first this undo's own part is to be undone. */
	if (!rc && *seq && r->undoes && notes)
		apm_buf_printf(
			notes,
			"undo: not done whole, so this undo is change #%llu of the journal: `apmatrix undo` reverts what it did; change #%llu stays, to be undone after it\n",
			*seq, r->undoes);
	if (rc && notes && !r->undoes)
		apm_buf_printf(
			notes,
			"undo: this change is not in the journal, so `apmatrix undo` cannot revert it: %s\n",
			why.s ? why.s : strerror(-rc));
	else if (rc && notes)
		apm_buf_printf(notes, "undo: the journal could not be updated: %s\n",
			       why.s ? why.s : strerror(-rc));
	apm_buf_free(&why);
}

unsigned long long apm_record_end(struct apm_record *r, enum apm_outcome out, int err,
				  struct apm_buf *notes)
{
	const struct apm_jentry *e = &r->e;
	struct apm_journal j = { 0 };
	unsigned long long seq = 0;

	if (r->e.kind != APM_J_NONE && r->ctx->journal_path &&
	    !apm_jstate_equal(r->e.kind, &r->e.before, &r->e.after))
		journal(r, out, &j, &e, &seq, notes);
	audit(r->ctx, e, r->undoes, seq, out, err);
	apm_journal_free(&j);
	apm_jentry_clear(&r->e);
	return seq;
}
