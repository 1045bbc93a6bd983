/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - the JSON values of `show --json` (json.c), used by show.c and by
 * the persistent configuration's part of it (show-persist.c).  Every value
 * is a json-c object; text from outside passes through apm_text_escape().
 */
#ifndef APMATRIX_CLI_JSON_H
#define APMATRIX_CLI_JSON_H

#include <stdio.h>

#include <json-c/json.h>

#include "libapmatrix.h"

/* A JSON string of untrusted text (NULL: JSON null). */
json_object *json_text(const char *s);
/* true/false, or null for the library's -1 ("unknown"). */
json_object *json_tri(int v);
/* A fact the library gives as a bool with an error beside it: null when err. */
json_object *json_fact(bool v, int err);
/* [5,6] of the set bits. */
json_object *json_ids(const struct apm_mask *m);
/* ["05.0004",...] of the cross product. */
json_object *json_apqns(const struct apm_mask *apm, const struct apm_mask *aqm);
/* Writes o in the contract's compact form and drops it. */
void json_put(FILE *f, json_object *o);
/* An active mdev's record (schema 1). */
json_object *json_mdev(struct apm_host *h, unsigned int i);
/* The records of `show --json` that `watch` prints before and after a change. */
json_object *json_host(struct apm_host *h);
/* detail: zcrypt's card facts too (show --json --detail). */
json_object *json_adapter(struct apm_host *h, unsigned int a, bool detail);
/* A queue's record but its place (apqn, adapter, domain), into o. */
void json_queue_fields(json_object *o, const struct apm_queue *q);
/*
 * The whole host: `show --json` and `show` (show.c).  0, or -ENOMEM when
 * the listing came out short (printed as far as it got).
 */
int show_json(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool detail);
int show_text(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool detail);

/* show-persist.c: the mdevs active or defined, each with its persistence. */
void json_persist_mdevs(FILE *f, struct apm_host *h, const struct apm_config *cfg);
/* show-persist.c: the persistent masks, findings and errors (top-level keys). */
void json_persist_top(FILE *f, struct apm_host *h, const struct apm_config *cfg);

/* show-persist.c, the text form. */
void text_persist_masks(FILE *f, struct apm_host *h, const struct apm_config *cfg);
void text_persist_mdev(FILE *f, struct apm_host *h, const struct apm_config *cfg, const char *uuid);
void text_persist_defined(FILE *f, struct apm_host *h, const struct apm_config *cfg);
/* The findings, errors and notes; true when it printed any. */
bool text_persist_warnings(FILE *f, struct apm_host *h, const struct apm_config *cfg, bool header);

#endif
