// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * events.c - the simulated host's uevents: a ring of the events its
 * writes caused, signalled through an eventfd, in the shape the kernel
 * sends them (ap_bus.c: ap_uevent adds the bus's variables to every card
 * and queue event); and the model's change events turned into uevents.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim.h"

#define SIM_EVENTS 4096

struct sim_ring {
	struct apm_event *ev;
	unsigned int size, head, count;
	bool lost; /* events were dropped since the last pop */
	int efd;
};

struct sim_ring *sim_ring_new(void)
{
	/*
	 * APMATRIX_SIM_EVENTS=N (tests): a ring of N events instead, which a
	 * storm overflows as it would a netlink socket's buffer.
	 */
	const char *e = secure_getenv("APMATRIX_SIM_EVENTS");
	struct sim_ring *r = calloc(1, sizeof(*r));
	long n = e ? strtol(e, NULL, 10) : 0;

	if (!r)
		return NULL;
	r->size = n >= 1 && n <= SIM_EVENTS ? (unsigned int)n : SIM_EVENTS;
	r->ev = calloc(r->size, sizeof(*r->ev));
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!r->ev || r->efd < 0) {
		sim_ring_free(r);
		return NULL;
	}
	return r;
}

void sim_ring_free(struct sim_ring *r)
{
	if (!r)
		return;
	if (r->efd >= 0)
		close(r->efd);
	free(r->ev);
	free(r);
}

int sim_ring_fd(const struct sim_ring *r)
{
	return r->efd;
}

int sim_ring_pop(struct sim_ring *r, struct apm_event *ev)
{
	uint64_t cnt;

	if (r->lost) {
		/* As a netlink socket that overflowed: one ENOBUFS, then what is left. */
		r->lost = false;
		return -ENOBUFS;
	}
	if (!r->count) {
		/* Drain the eventfd so that poll() stops reporting it. */
		if (read(r->efd, &cnt, sizeof(cnt)) < 0)
			return -EAGAIN;
		return -EAGAIN;
	}
	*ev = r->ev[r->head];
	r->head = (r->head + 1) % r->size;
	r->count--;
	if (!r->count && read(r->efd, &cnt, sizeof(cnt)) < 0)
		return 0;
	return 0;
}

static struct apm_event *ring_slot(struct sim_ring *r)
{
	struct apm_event *ev;
	uint64_t one = 1;
	ssize_t n;

	if (r->count == r->size) { /* drop the oldest, as a full netlink buffer would */
		r->head = (r->head + 1) % r->size;
		r->count--;
		r->lost = true;
	}
	ev = &r->ev[(r->head + r->count++) % r->size];
	/* Only a counter at 2^64 - 2 refuses a write: ours counts events of one process. */
	n = write(r->efd, &one, sizeof(one));
	(void)n;
	return ev;
}

void sim_ring_push(struct sim_ring *r, const struct apm_event *ev)
{
	*ring_slot(r) = *ev;
}

static void ring_vadd(struct sim_ring *r, const char *action, const char *devpath,
		      const char *subsystem, va_list ap, struct apm_event *out)
{
	struct apm_event *ev = ring_slot(r);
	const char *p;

	memset(ev, 0, sizeof(*ev));
	apm_event_set(ev, action, devpath, subsystem);
	while ((p = va_arg(ap, const char *))) {
		const char *eq = strchr(p, '=');
		char key[sizeof(ev->props[0])]; /* a key cut here cannot fit its property either */

		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - p) : 0, p);
		apm_event_add(ev, key, eq ? eq + 1 : "");
	}
	if (out)
		*out = *ev;
}

void sim_uevent(const struct sim *s, const char *action, const char *devpath, const char *subsystem,
		...)
{
	struct apm_event copy;
	va_list ap;

	if (!s->ring)
		return;
	va_start(ap, subsystem);
	ring_vadd(s->ring, action, devpath, subsystem, ap, s->tap ? &copy : NULL);
	va_end(ap);
	if (s->tap)
		s->tap(s->tap_data, s, &copy);
}

void sim_vfio_event(const struct sim *s, const char *action, unsigned int i)
{
	char path[32];

	if (!s->watch_vfio || sim_model(s)->mdev[i].group < 0)
		return;
	snprintf(path, sizeof(path), "/dev/vfio/%d", sim_model(s)->mdev[i].group);
	sim_uevent(s, action, path, APM_EVENT_SUBSYSTEM, NULL);
}

void sim_uevent_card(const struct sim *s, const char *action, unsigned int a, const char *var)
{
	const struct apr_card_type *t = sim_model(s)->card[a].type;
	char path[64], devtype[16], modalias[16], mode[16];

	if (!s->ring)
		return;
	snprintf(path, sizeof(path), "/devices/ap/card%02x", a);
	snprintf(devtype, sizeof(devtype), "DEV_TYPE=%04X", t ? t->hwtype : 0);
	snprintf(modalias, sizeof(modalias), "MODALIAS=ap:t%02X", t ? t->hwtype : 0);
	snprintf(mode, sizeof(mode), "MODE=%s", t ? t->mode : "cca");
	sim_uevent(s, action, path, "ap", "DEVTYPE=ap_card", devtype, modalias, mode, var, NULL);
}

void sim_uevent_queue(const struct sim *s, const char *action, unsigned int a, unsigned int q,
		      const char *var)
{
	const struct apr_card_type *t = sim_model(s)->card[a].type;
	char path[64], mode[16];

	if (!s->ring)
		return;
	snprintf(path, sizeof(path), "/devices/ap/card%02x/%02x.%04x", a, a, q);
	snprintf(mode, sizeof(mode), "MODE=%s", t ? t->mode : "cca");
	sim_uevent(s, action, path, "ap", "DEVTYPE=ap_queue", mode, var, NULL);
}

/* The model's change events as the kernel sends them. */
static void on_event(void *data, const struct apr_event *ev)
{
	const struct sim *s = data;
	char var[80], t[APR_MASK_STRLEN + 1];
	const char *v = ev->value ? "1" : "0";

	switch (ev->kind) {
	case APR_EV_CARD_CONFIG:
	case APR_EV_CARD_ONLINE:
		snprintf(var, sizeof(var), "%s=%s",
			 ev->kind == APR_EV_CARD_CONFIG ? "CONFIG" : "ONLINE", v);
		sim_uevent_card(s, "change", ev->apid, var);
		break;
	case APR_EV_QUEUE_CONFIG:
	case APR_EV_QUEUE_ONLINE:
		snprintf(var, sizeof(var), "%s=%s",
			 ev->kind == APR_EV_QUEUE_CONFIG ? "CONFIG" : "ONLINE", v);
		sim_uevent_queue(s, "change", ev->apid, ev->apqi, var);
		break;
	case APR_EV_MASK:
		apr_mask_format(ev->value ? &sim_model(s)->aqmask : &sim_model(s)->apmask, t);
		snprintf(var, sizeof(var), "%s=%s", ev->value ? "AQMASK" : "APMASK", t);
		sim_uevent(s, "change", "/devices/ap", "ap", var, NULL);
		break;
	case APR_EV_INITSCAN:
		sim_uevent(s, "change", "/devices/ap", "ap", "INITSCAN=done", NULL);
		break;
	case APR_EV_BINDINGS_COMPLETE:
		snprintf(var, sizeof(var), "COMPLETECOUNT=%llu", ev->value);
		sim_uevent(s, "change", "/devices/ap", "ap", "BINDINGS=complete", var, NULL);
		break;
	case APR_EV_GUEST_CFG:
		/* An eventfd of the guest's QEMU, no uevent: the simulated QEMU has none. */
		break;
	}
}

const struct apr_notify sim_notify = { .event = on_event };

void sim_bind(struct sim *s)
{
	apr_model_set_notify(sim_model(s), &sim_notify, s);
}

void sim_klog(const struct sim *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!s->ctx || s->ctx->log_priority < LOG_INFO)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	info(s->ctx, "%s", line);
}
