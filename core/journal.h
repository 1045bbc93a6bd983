/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * journal.h - inside the library: what a change touched before and after
 * it was applied, who applied it, and what audit.c, journal.c and undo.c
 * do with that.  Never installed.
 *
 * Every change that is applied (change.c, persist.c) is recorded while the
 * backend's lock is held: the state it touches is read from the host
 * before the first write and after the last one (struct apm_jstate), the
 * record is sent to syslog and to the caller's audit function (audit.c),
 * and when the host is left different and undo knows the way back, it is
 * appended to the host's journal (journal.c).  undo.c reverts the newest
 * entry while the host is still as that change left it.
 */
#ifndef APM_JOURNAL_H
#define APM_JOURNAL_H

#include "apm-private.h"

/* The kinds of change the journal can hold; APM_J_NONE is audited only. */
enum apm_jkind {
	APM_J_NONE = 0, /* rescan, the simulated hypervisor and guest */
	APM_J_MASK,	/* apmask or aqmask */
	APM_J_MATRIX,	/* an mdev's adapters, domains, control domains */
	APM_J_CREATE,	/* an mdev created (and, by an undo, given its matrix) */
	APM_J_REMOVE,	/* an mdev removed */
	APM_J_CONFIG,	/* an adapter configured on or off (SCLP) */
	APM_J_ONLINE,	/* zcrypt online of a card or a queue */
	APM_J_FILE,	/* an mdevctl definition or 41-ap.rules written or removed */
};

/* What a change touches, as read at one moment. */
struct apm_jstate {
	bool exists;	      /* the mdev (matrix kinds), the file (APM_J_FILE) */
	struct apr_mask m[3]; /* the mask in m[0]; an mdev's adapters, domains, control domains */
	int value;	      /* config or online: 1, 0, -1 unknown */
	int in_use;	      /* the mdev: 1, 0, -1 unknown */
	char guest[APM_GUEST_MAX]; /* the mdev's guest, "" none */
	char *content;		   /* the file's bytes when it exists (owned) */
};

/* Who applied a change, as far as the process can tell. */
struct apm_who {
	unsigned int uid, euid;
	int pid;
	char user[64];	/* uid's name, "" unknown */
	char login[64]; /* the login user (the audit loginuid), "" unknown */
	char sudo[64];	/* $SUDO_USER, "" */
	char tty[64];	/* "pts/1", "" none */
	char ssh[64];	/* the SSH client's address, "" */
};

/* One journal entry: one change applied. */
struct apm_jentry {
	unsigned long long seq; /* 1, 2, ...: the order the lock gave */
	long long time;		/* seconds since the epoch */
	char *host;		/* the context's source: the sysfs root, the state file */
	struct apm_who who;
	enum apm_jkind kind;
	char *what;		  /* "assign domain 0x47 to mdev 6217…" */
	char uuid[37];		  /* the mdev (matrix kinds, a definition's) */
	bool aq;		  /* APM_J_MASK: aqmask */
	unsigned int adapter;	  /* APM_J_CONFIG, APM_J_ONLINE */
	int domain;		  /* APM_J_ONLINE: -1 the card */
	char *path;		  /* APM_J_FILE */
	bool rule;		  /* APM_J_FILE: 41-ap.rules, else an mdevctl definition */
	bool partial;		  /* applied in part: a step was refused after others were done */
	unsigned long long undid; /* the entry this one undid in part (it stays), 0 none */
	struct apm_jstate before, after;
};

void apm_jstate_clear(struct apm_jstate *s);
void apm_jentry_clear(struct apm_jentry *e);
/* Read what e (kind, uuid, aq, adapter, domain) touches from host into s. */
void apm_jstate_read(const struct apm_jentry *e, struct apm_host *host, struct apm_jstate *s);
bool apm_jstate_equal(enum apm_jkind kind, const struct apm_jstate *a, const struct apm_jstate *b);
/* s in words, for the audit line: "adapters 0x05 domains 0x47 control domains none". */
void apm_jstate_text(const struct apm_jentry *e, const struct apm_jstate *s, struct apm_buf *out);

/* ------------------------------------------------------------ audit.c */

void apm_who_get(struct apm_who *w);
/* "uid=0(root) login=alice tty=pts/1 ssh=192.0.2.7" (the pid is syslog's) */
void apm_who_text(const struct apm_who *w, char *out, size_t size);

/* How a change ended, for the audit line. */
enum apm_outcome {
	APM_OUT_DONE = 0,
	APM_OUT_REFUSED,  /* nothing of it was applied */
	APM_OUT_PARTIAL,  /* some steps were applied, then one was refused */
	APM_OUT_MISMATCH, /* the kernel's answer differed from the prediction */
};

/*
 * One change being applied, recorded under the backend's lock: begun
 * before the first write (e.before read from the host), ended after the
 * last one.  undoes: the journal entry the change reverts, 0 none.
 */
struct apm_record {
	struct apm_ctx *ctx;
	struct apm_jentry e;
	unsigned long long undoes;
};

void apm_record_begin(struct apm_record *r, struct apm_ctx *ctx, enum apm_jkind kind,
		      const char *what);
/*
 * The change is over (e.after filled): one audit line (syslog, the
 * caller's audit function); then, when the host was left different and the
 * kind is one undo knows, the journal: the entry appended, or when the
 * change was the undo of entry r->undoes and did all of it, that entry
 * dropped.  What keeps it from being undone goes to notes.  Frees r;
 * returns the entry's number when it went into the journal, else 0.
 */
unsigned long long apm_record_end(struct apm_record *r, enum apm_outcome out, int err,
				  struct apm_buf *notes);

/* ---------------------------------------------------------- journal.c */

struct apm_journal {
	struct apm_jentry *e; /* oldest first */
	unsigned int n;
	unsigned long long next; /* the next entry's seq */
};

#define APM_JOURNAL_MAX 64 /* entries kept; older ones are dropped */

/*
 * Read the journal of ctx (ctx->journal_path) into j: 0 (an empty journal
 * when there is no file), -EOPNOTSUPP when the host keeps none, -EPERM when
 * the file is not to be trusted (not a regular file, another owner, writable
 * by others, several links), -EINVAL when it is malformed; why says which.
 */
int apm_journal_read(struct apm_ctx *ctx, struct apm_journal *j, struct apm_buf *why);
/* Write j as ctx's journal, atomically (mode 0600, the directory made 0700). */
int apm_journal_write(struct apm_ctx *ctx, const struct apm_journal *j, struct apm_buf *why);
void apm_journal_free(struct apm_journal *j);
/* The host ctx's entries name: its source, resolved ("/sys", "/srv/host.ini").  New string. */
char *apm_journal_host(const struct apm_ctx *ctx);
/* The newest entry made on host (apm_journal_host()), or NULL. */
const struct apm_jentry *apm_journal_last(const struct apm_journal *j, const char *host);
/* Take *e over as the newest entry (its seq assigned), dropping the oldest past the limit. */
int apm_journal_append(struct apm_journal *j, struct apm_jentry *e);
/* Drop the entry seq; 0, or -ENOENT. */
int apm_journal_drop(struct apm_journal *j, unsigned long long seq);
/* Take entry seq out of ctx's journal, under the backend's lock (a change the host did not keep). */
void apm_journal_forget(struct apm_ctx *ctx, unsigned long long seq);

/* ---------------------------------------------------------- persist.c */

/* The file of entry e (APM_J_FILE) put back as it was before e, checked as a new one. */
int apm_persist_new_restore(struct apm_config *cfg, struct apm_host *host,
			    const struct apm_jentry *e, struct apm_persist **p);

#endif
