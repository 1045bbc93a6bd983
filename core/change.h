/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * change.h - planned changes, inside the library: the change and its
 * steps (change.c), the planners (core/plan/, one per kind of change
 * behind struct apm_planner) and their human text (explain.c).
 *
 * A planner turns a request into sysfs writes.  Each write is predicted
 * by running it on a scratch simulated host over a copy of the snapshot's
 * kernel model: the very code that answers the simulated host answers the
 * prediction, so every path (kernel attributes, the apsim control tree)
 * is predicted alike, and the model's refusal details feed the
 * explanation.  What is policy rather than the kernel's (--strict, "this
 * write would block") stays with the planner.
 */
#ifndef APM_CHANGE_H
#define APM_CHANGE_H

#include "apm-private.h"
#include "journal.h"

struct sim;

struct step {
	char what[160];
	char path[160];
	char *value; /* whole, however long: what is previewed is what is written */
	int predicted;
	int actual;
	bool applied;
	bool hold;    /* refused before writing: it would block, or local policy (--strict) */
	bool has_alt; /* alt is an answer the rules cannot foresee: no mismatch */
	int alt;      /* (no SCLP facility: EOPNOTSUPP) */
};

struct apm_planner;

struct apm_change {
	int refcount;
	const struct apm_planner *planner;
	struct apm_host *host;
	struct apm_host *result;
	struct step *steps;
	unsigned int nsteps;
	int prediction;
	bool mismatch;
	struct apm_buf preview, explanation, notes, details;
	char uuid[37];
	unsigned long long undoes;     /* the journal entry this change reverts (undo.c), 0 */
	unsigned long long seq;	       /* its own journal entry once applied, 0 none */
	struct sim *scratch;	       /* the predictor */
	const struct apr_refusal *why; /* its last refusal's details */
	/* What the host should look like afterwards, for the planner's verify. */
	int mdev; /* index in host, -1 */
	union {
		struct {
			bool aq;
			struct apr_mask expect;
		} mask;
		struct apr_mdev expect; /* assignments */
		struct {
			unsigned int adapter;
			int domain; /* online: -1 the card */
			bool on;
		} config; /* config and online */
	} u;
};

/* One kind of change: plan a request into steps, check the re-read host. */
struct apm_planner {
	enum apm_op op;
	enum apm_jkind journal; /* what the record of an applied change holds (journal.h) */
	int (*plan)(struct apm_change *c, const void *request);
	void (*verify)(struct apm_change *c); /* NULL: the re-read shows it */
};

/* Plan request with planner p on host: 0 and a new change, or -errno. */
int apm_change_plan(struct apm_host *host, const struct apm_planner *p, const void *request,
		    struct apm_change **out);
/* A new step writing value to path, described by what. */
struct step *apm_change_step(struct apm_change *c, const char *path, const char *value,
			     const char *what, ...) APM_PRINTF(4, 5);
/*
 * Run step s on the scratch host: the kernel's answer there (0, APR_NOOP
 * or -errno).  The scratch host advances, so the next step is predicted
 * on what this one left.
 */
int apm_change_try(struct apm_change *c, struct step *s);
/* Record rc as s's prediction (the change's first refusal is its verdict). */
void apm_change_predict(struct apm_change *c, struct step *s, int rc);
/* The scratch host's model: the host as the steps so far leave it. */
struct apr_model *apm_change_model(const struct apm_change *c);

/*
 * plan/assign.c: steps that give the mdev c->uuid (index c->mdev of the
 * scratch host) the matrix want: one ap_config write where the kernel has
 * it, else one write per ID that differs, unassignments first.
 */
int apm_plan_set_matrix(struct apm_change *c, const struct apr_mask want[3], bool ap_config);
/* plan/mdev.c: the step creating mdev c->uuid, predicted; 0 or -ENOMEM. */
int apm_plan_create_step(struct apm_change *c);
/*
 * plan/assign.c: notes when the re-read mdev c->uuid is gone or its matrix
 * is not c->u.expect's; the mdev when it is.
 */
const struct apm_mdev *apm_verify_matrix(struct apm_change *c);
/*
 * plan/undo.c: give the mdev uuid back the matrix want; with recreate,
 * create it first (it was removed).  0 and a new change, or -errno.
 */
int apm_change_new_restore(struct apm_host *host, const char *uuid, const struct apr_mask want[3],
			   bool recreate, struct apm_change **change);

/* The planners (core/plan/). */
extern const struct apm_planner apm_plan_mask;
extern const struct apm_planner apm_plan_assign;
extern const struct apm_planner apm_plan_mdev_create;
extern const struct apm_planner apm_plan_mdev_remove;
extern const struct apm_planner apm_plan_config;
extern const struct apm_planner apm_plan_online;
extern const struct apm_planner apm_plan_rescan;
extern const struct apm_planner apm_plan_hv;
extern const struct apm_planner apm_plan_restore;

/* --------------------------------------------------- the text (explain.c) */

/* Room for either name whole: "mdev ", the UUID, " (in use by a guest)" or the guest in brackets. */
#define APM_MDEV_NAME_SIZE (48 + APM_GUEST_MAX)
/* "mdev 8f2a7c10… (Guest3)" for mdev i of c's host: short, for an undo's lines. */
void apm_mdev_label(const struct apm_host *host, int i, char *out, size_t size);
/* "mdev 8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58 (Guest3)": whole, to be pasted. */
void apm_mdev_whole(const struct apm_host *host, int i, char *out, size_t size);
/*
 * What mdev i's guest gains and loses between two shadows, in the preview:
 * "hot plug into G: ...", "hot unplug from G: ...", or the guest matrix's
 * change when no guest runs.
 */
void apm_explain_guest_delta(struct apm_change *c, int i, const struct apr_mdev *before,
			     const struct apr_mdev *after);
/* The same for every mdev, between the snapshot and the scratch host after the steps. */
void apm_explain_guests(struct apm_change *c);
/*
 * Who is touched when the APQNs of apm x aqm become what (configured off,
 * checkstopped, removed from the LPAR, vfio_ap's): the host's zcrypt queues
 * among them (and its default domain), and per mdev the APQNs it holds,
 * each APQN named.
 */
void apm_explain_impact(struct apm_change *c, const struct apr_mask *apm,
			const struct apr_mask *aqm, const char *what);
/* "0x05-0x06" or "none". */
void apm_ids_text(const struct apr_mask *m, char *out, size_t size);

/* A refused mask write (newmask: what SPEC gives): why, every APQN at fault, what to do. */
void apm_explain_mask(struct apm_change *c, const char *name, const char *spec,
		      const struct apr_mask *newmask, int rc);
/*
 * A refused assignment of what ("adapter 0x05") to mdev self: the matrix
 * asked for is apm x aqm (NULL for control domains), kind the apr_kind of
 * the one ID assigned or -1 for several of both kinds.  Every APQN at
 * fault is named with its holder, and a fix that does no harm elsewhere.
 */
void apm_explain_assign(struct apm_change *c, int self, const char *what,
			const struct apr_mask *apm, const struct apr_mask *aqm, int kind, int rc);
/* A refused ap_config write of what (the adapters, domains asked for) installing cfg. */
void apm_explain_ap_config(struct apm_change *c, int self, const char *what,
			   const struct apr_mask cfg[3], int rc);
void apm_explain_mdev_create(struct apm_change *c, int rc);
void apm_explain_mdev_remove(struct apm_change *c, const struct apm_mdev *md, int rc);
void apm_explain_config(struct apm_change *c, unsigned int adapter, int rc);
void apm_explain_online(struct apm_change *c, unsigned int adapter, int domain, const char *who,
			int rc);
/* A refused write to the hypervisor's control op (APM_SIM_*). */
void apm_explain_hv(struct apm_change *c, int op, const struct apm_sim_arg *arg, int rc);

#endif
