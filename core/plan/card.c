// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * card.c - the planners of card and bus changes: SCLP configure of an
 * adapter (card `config`), zcrypt online of a card or a queue, and a bus
 * rescan; one write each.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "change.h"

struct card_request {
	unsigned int adapter;
	int domain; /* online: < 0 for the card */
	bool on;
};

static int plan_config(struct apm_change *c, const void *request)
{
	const struct card_request *r = request;
	const struct apm_card *card = &c->host->cards[r->adapter];
	struct step *s;
	char path[64];
	int rc;

	c->u.config.adapter = r->adapter;
	c->u.config.domain = -1;
	c->u.config.on = r->on;
	snprintf(path, sizeof(path), "devices/ap/card%02x/config", r->adapter);
	s = apm_change_step(c, path, r->on ? "1" : "0", "configure adapter 0x%02x %s", r->adapter,
			    r->on ? "on" : "off");
	if (!s)
		return -ENOMEM;
	/* Kernels before SCLP adapter configuration (≈5.10) have no config attribute. */
	rc = card->has_card && card->config < 0 ? -ENOENT : apm_change_try(c, s);
	if (rc < 0) {
		apm_explain_config(c, r->adapter, rc);
	} else {
		/* Whether the machine has the SCLP facility shows only in the answer. */
		s->has_alt = true;
		s->alt = -EOPNOTSUPP;
		if (!r->on) {
			struct apr_mask a, all;

			apr_mask_zero(&a);
			apr_mask_set(&a, r->adapter);
			apr_mask_fill(&all);
			apm_buf_printf(
				&c->preview,
				"  adapter 0x%02x goes to standby; its queues follow at the next AP bus scan; a guest keeps it in its matrix and sees it deconfigured\n",
				r->adapter);
			apm_explain_impact(c, &a, &all, "are deconfigured with it");
			apm_explain_guests(c);
		}
	}
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

static void verify_config(struct apm_change *c)
{
	if (c->result->cards[c->u.config.adapter].config != (int)c->u.config.on)
		apm_buf_printf(&c->notes, "verification: card%02x/config does not read %d\n",
			       c->u.config.adapter, c->u.config.on);
}

const struct apm_planner apm_plan_config = {
	.op = APM_OP_CONFIG,
	.journal = APM_J_CONFIG,
	.plan = plan_config,
	.verify = verify_config,
};

APM_EXPORT int apm_change_new_config(struct apm_host *host, unsigned int adapter, bool on,
				     struct apm_change **out)
{
	struct card_request r = { .adapter = adapter, .on = on };

	if (adapter > 255)
		return -ERANGE;
	return apm_change_plan(host, &apm_plan_config, &r, out);
}

/*
 * zcrypt's online attribute of a card (domain < 0) or of a queue
 * (zcrypt_card.c, zcrypt_queue.c: online_store): there only while bound to
 * cex4card/cex4queue; the re-read shows the result.
 */
static int plan_online(struct apm_change *c, const void *request)
{
	const struct card_request *r = request;
	char path[64], who[24];
	struct step *s;
	int rc;

	c->u.config.adapter = r->adapter;
	c->u.config.domain = r->domain;
	c->u.config.on = r->on;
	if (r->domain < 0) {
		snprintf(path, sizeof(path), "devices/ap/card%02x/online", r->adapter);
		snprintf(who, sizeof(who), "card%02x", r->adapter);
	} else {
		snprintf(path, sizeof(path), "devices/ap/card%02x/%02x.%04x/online", r->adapter,
			 r->adapter, r->domain);
		snprintf(who, sizeof(who), "queue %02x.%04x", r->adapter, r->domain);
	}
	s = apm_change_step(c, path, r->on ? "1" : "0", "set %s %s", who,
			    r->on ? "online" : "offline");
	if (!s)
		return -ENOMEM;
	rc = apm_change_try(c, s);
	if (rc < 0)
		apm_explain_online(c, r->adapter, r->domain, who, rc);
	else if (r->domain < 0)
		apm_buf_printf(&c->preview, "  every zcrypt queue of card%02x follows it %s\n",
			       r->adapter,
			       r->on ? "online" : "offline (pending requests are flushed)");
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

const struct apm_planner apm_plan_online = {
	.op = APM_OP_ONLINE,
	.journal = APM_J_ONLINE,
	.plan = plan_online,
};

APM_EXPORT int apm_change_new_online(struct apm_host *host, unsigned int adapter, int domain,
				     bool on, struct apm_change **out)
{
	struct card_request r = { .adapter = adapter, .domain = domain, .on = on };

	if (adapter > 255 || domain > 255)
		return -ERANGE;
	return apm_change_plan(host, &apm_plan_online, &r, out);
}

static int plan_rescan(struct apm_change *c, const void *request)
{
	struct step *s = apm_change_step(c, "bus/ap/scans", "1", "rescan the AP bus");
	int rc;

	(void)request;
	if (!s)
		return -ENOMEM;
	rc = apm_change_try(c, s);
	apm_change_predict(c, s, rc < 0 ? rc : 0);
	return 0;
}

const struct apm_planner apm_plan_rescan = { .op = APM_OP_RESCAN, .plan = plan_rescan };

APM_EXPORT int apm_change_new_rescan(struct apm_host *host, struct apm_change **out)
{
	return apm_change_plan(host, &apm_plan_rescan, NULL, out);
}
