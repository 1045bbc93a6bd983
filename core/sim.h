/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim.h - state of the simulated AP host, shared by sim.c (the kernel's
 * behaviour behind the seam) and sim-file.c (the scenario/state file).
 */
#ifndef APM_SIM_H
#define APM_SIM_H

#include "apm-private.h"

enum sim_drv {
	SIM_DRV_NONE = 0,
	SIM_DRV_CEX4QUEUE,
	SIM_DRV_VFIO_AP,
};

struct sim_adapter {
	const struct apr_card_type *type; /* NULL: not in the LPAR */
	bool has_card;			  /* the bus has a card device for it */
	bool card_bound;		  /* bound to cex4card */
	bool config;			  /* card `config` as the bus last saw it */
	bool se_config;			  /* the SE/HMC-side state (seen at the next scan) */
	bool chkstop;			  /* seen by the bus */
	bool se_chkstop;		  /* the hardware state */
	bool online;			  /* zcrypt online */
	unsigned long long request_count;
};

struct sim_queue {
	unsigned char exists : 1;
	unsigned char config : 1;
	unsigned char chkstop : 1;
	unsigned char online : 1;
	unsigned char uninitiated : 1;
	unsigned char driver : 2; /* enum sim_drv */
	unsigned char override;	  /* 6.19: 0 none, 1 cex4queue, 2 vfio_ap, 3 other */
	unsigned char reset_rc;	  /* forced AP response code of resets, 0 normal */
	unsigned long long request_count;
};

/* Per-mdev data the rules do not need; parallel to sim_state.rm. */
struct sim_mdev {
	char uuid[37];
	int group;
	char guest[64];
	bool ignore_release; /* the simulated QEMU ignores the release request */
};

struct sim_state {
	enum apr_profile profile;
	unsigned int max_apid, max_apqi;
	char features[64]; /* bus features; "-" means no QCI */
	bool vfio_ap;	   /* vfio_ap module loaded */
	bool sclp;	   /* SCLP AP reconfiguration available */
	struct apr_mask apmask, aqmask;
	struct apr_mask lpar_apm, lpar_aqm, lpar_adm; /* the LPAR (QCI) */
	struct apr_mask seen_apm, seen_aqm, seen_adm; /* as of the last scan */
	int ap_domain;
	int config_time;
	bool poll_thread;
	unsigned long long poll_timeout;
	unsigned long long scans;
	bool bindings_armed;
	unsigned long long complete_count;
	int next_group;
	struct sim_adapter ad[APR_BITS];
	struct sim_queue (*q)[APR_BITS]; /* [apid][apqi] */
	struct sim_mdev *mdevs;		 /* sorted by creation */
	struct apr_mdev *rm;		 /* the rules' view, same index */
	unsigned int nmdevs;
	char override_other[32];
};

struct sim_state *sim_state_new(void);
void sim_state_free(struct sim_state *s);
int sim_state_copy(struct sim_state *dst, const struct sim_state *src);
/* Parse a state file; errors name file:line through the log.  0 or -EINVAL. */
int sim_state_parse(struct apm_ctx *ctx, const char *name, FILE *f, struct sim_state *s);
int sim_state_write(const struct sim_state *s, FILE *f);
/* The built-in default scenario (doc/scenario.md). */
extern const char sim_builtin_scenario[];

/* sim.c helpers used by the loader. */
void sim_rules_host(const struct sim_state *s, struct apr_host *h);
void sim_refilter_all(struct sim_state *s);
unsigned int sim_queue_state(const void *data, unsigned int apid, unsigned int apqi);
bool sim_default_owned(const struct sim_state *s, unsigned int apid, unsigned int apqi);

#endif
