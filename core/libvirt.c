// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvirt.c - which libvirt domain uses a vfio-ap mdev, from its XML.
 *
 * libvirt keeps a defined domain in /etc/libvirt/qemu/NAME.xml (a <domain>
 * document) and, while it runs, its live definition in
 * /run/libvirt/qemu/NAME.xml (a <domstatus state='running' ...> document
 * holding the <domain>).  A vfio-ap mdev appears in either as
 *   <hostdev mode='subsystem' type='mdev' model='vfio-ap'>
 *     <source><address uuid='UUID'/></source>
 *   </hostdev>
 * under <devices> (libvirt docs/formatdomain.rst, "Host device assignment");
 * a Secure Execution guest has <launchSecurity type='s390-pv'/> under
 * <domain> (docs/kbase/s390_protected_virt.rst).
 * The XML is parsed with libxml2, without the network, without entity
 * substitution and without DTDs; a malformed file is refused with the
 * parser's line and message.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "persist.h"

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* An attribute's value into buf ("" when missing); false when it does not fit. */
static bool attr(const xmlNode *n, const char *name, char *buf, size_t size)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	bool fits = true;

	buf[0] = '\0';
	if (v) {
		fits = strlen((const char *)v) < size;
		if (fits)
			strcpy(buf, (const char *)v);
		xmlFree(v);
	}
	return fits;
}

/* QEMU takes one vfio-ap device per guest; a few more are read, not thousands. */
#define MAX_VFIO_AP 64

static int add_uuid(struct apm_domxml *d, const char *uuid)
{
	char(*u)[37];

	/* Kept in lower case: the same mdev written in upper case is no other one. */
	for (unsigned int i = 0; i < d->nuuids; i++)
		if (!strcasecmp(d->uuids[i], uuid))
			return 0;
	u = realloc(d->uuids, (d->nuuids + 1) * sizeof(*u));
	if (!u)
		return -ENOMEM;
	d->uuids = u;
	for (int i = 0; i < 37; i++)
		u[d->nuuids][i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
	d->nuuids++;
	return 0;
}

static int hostdevs(struct apm_domxml *d, const xmlNode *devices, const char *name,
		    struct apm_buf *err)
{
	for (const xmlNode *h = devices ? devices->children : NULL; h; h = h->next) {
		char mode[16], type[16], model[16], uuid[40];
		const xmlNode *addr;
		int rc;

		if (!named(h, "hostdev"))
			continue;
		if (!attr(h, "mode", mode, sizeof(mode)) || !attr(h, "type", type, sizeof(type)) ||
		    !attr(h, "model", model, sizeof(model)))
			continue; /* longer than any value that matters here */
		if (strcmp(mode, "subsystem") || strcmp(type, "mdev") || strcmp(model, "vfio-ap"))
			continue;
		addr = child(child(h, "source"), "address");
		if (!addr)
			return apm_file_error(
				err, name, xmlGetLineNo(h),
				"a vfio-ap hostdev without <source><address uuid=.../></source>");
		if (!attr(addr, "uuid", uuid, sizeof(uuid)) || !apm_uuid_valid(uuid))
			return apm_file_error(err, name, xmlGetLineNo(addr),
					      "a vfio-ap hostdev's address has no valid uuid");
		if (d->nuuids == MAX_VFIO_AP)
			return apm_file_error(
				err, name, xmlGetLineNo(h),
				"more than %d vfio-ap hostdevs (QEMU takes one per guest)",
				MAX_VFIO_AP);
		rc = add_uuid(d, uuid);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_doc(struct apm_domxml *d, const xmlNode *root, const char *name,
		     struct apm_buf *err)
{
	const xmlNode *dom = root, *n;
	xmlChar *text;

	if (named(root, "domstatus")) {
		d->status = true;
		if (!attr(root, "state", d->state, sizeof(d->state)))
			d->state[0] = '\0';
		dom = child(root, "domain");
		if (!dom)
			return apm_file_error(err, name, xmlGetLineNo(root),
					      "a <domstatus> without <domain>");
	} else if (!named(root, "domain")) {
		return apm_file_error(
			err, name, xmlGetLineNo(root),
			"the root element is neither <domain> nor <domstatus>: not a libvirt domain");
	}
	n = child(dom, "name");
	text = n ? xmlNodeGetContent(n) : NULL;
	if (!text || !*text) {
		xmlFree(text);
		return apm_file_error(err, name, xmlGetLineNo(n ? n : dom),
				      "the domain has no <name>");
	}
	d->name = strdup((const char *)text);
	xmlFree(text);
	if (!d->name)
		return -ENOMEM;
	/* libvirt's s390 protected virtualization (kbase/s390_protected_virt.rst). */
	n = child(dom, "launchSecurity");
	if (n) {
		char type[32];

		d->secure = attr(n, "type", type, sizeof(type)) && !strcmp(type, "s390-pv");
	}
	return hostdevs(d, child(dom, "devices"), name, err);
}

/* The first error is the one that says what is wrong; later ones follow from it. */
struct first_error {
	bool have;
	int line;
	char msg[200];
};

static void keep_first(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct first_error *fe = ctxt->_private;

	if (fe->have || !e)
		return;
	fe->have = true;
	fe->line = e->line;
	snprintf(fe->msg, sizeof(fe->msg), "%s", e->message ? e->message : "not XML");
}

int apm_domxml_parse(const char *text, size_t len, const char *name, struct apm_domxml *d,
		     struct apm_buf *err)
{
	struct first_error fe = { 0 };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc;

	memset(d, 0, sizeof(*d));
	if (len > APM_CONFIG_FILE_MAX)
		return apm_file_error(err, name, 1, "larger than %d bytes: not a libvirt domain",
				      APM_CONFIG_FILE_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	/*
	 * Errors come here, per context: nothing goes to libxml2's global handler.
	 * libvirt writes its domain files in UTF-8, so the document is read as
	 * UTF-8 whatever its declaration says: a conversion from a declared
	 * encoding reports its failures through the global handler, on stderr
	 * (over the console's screen), not through the context.
	 */
	ctxt->_private = &fe;
	ctxt->sax->serror = keep_first;
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_IGNORE_ENC);
	if (!doc) {
		char esc[256];
		size_t n = strlen(fe.msg);

		while (n && (fe.msg[n - 1] == '\n' || fe.msg[n - 1] == ' '))
			fe.msg[--n] = '\0';
		/* libxml2 quotes the document in its messages */
		apm_text_escape(fe.have ? fe.msg : "not XML", esc, sizeof(esc), 0);
		rc = apm_file_error(err, name, fe.have ? fe.line : 1, "malformed XML: %s", esc);
		xmlFreeParserCtxt(ctxt);
		return rc;
	}
	if (xmlDocGetRootElement(doc))
		rc = parse_doc(d, xmlDocGetRootElement(doc), name, err);
	else
		rc = apm_file_error(err, name, 1, "no root element: not a libvirt domain");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (rc)
		apm_domxml_clear(d);
	return rc;
}

void apm_domxml_clear(struct apm_domxml *d)
{
	free(d->name);
	free(d->uuids);
	memset(d, 0, sizeof(*d));
}
