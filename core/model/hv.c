// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hv.c - the hypervisor's side of the kernel model: what the HMC/SE does
 * to the LPAR (adapters and domains added or removed, an adapter
 * configured off or on, a checkstop) and the test controls (injected
 * faults).  These are the files of the control tree kernel/apsim/, which
 * the simulated host and kmod/apsim.ko both offer (see model.h).
 *
 * Freestanding: kmod/ compiles this very file.  Each change becomes
 * visible to the bus at its next scan, which the caller runs at once, as
 * the machine's configuration-change notification makes the bus do.
 */
#include "model.h"

static int refuse(struct apr_model *m, int err, enum apr_why why, unsigned int apid,
		  unsigned int apqi)
{
	struct apr_refusal r = { .err = err, .why = why, .apid = apid, .apqi = apqi, .mdev = -1 };

	m->why = r;
	return err;
}

/* isspace(), as the kernel's strim and the control files' words take it. */
#define BLANKS " \t\n\v\f\r"

static bool blank(char c)
{
	return apr_char_in(c, BLANKS);
}

/*
 * "ID" or "ID WORD": outer blanks trimmed, the ID in kstrtoul's syntax
 * and below APR_BITS, one word after the first space (word NULL: none may
 * follow).  At most 47 characters, as the control files take them.
 */
int apr_hv_parse(const char *buf, unsigned int *id, char *word, unsigned long wsize)
{
	char tmp[48], *p, *sp = NULL;
	struct apr_ids_error e;
	struct apr_mask one;
	unsigned long n;

	if (!apr_strlcpy(tmp, buf, sizeof(tmp)))
		return -EINVAL;
	for (p = tmp; blank(*p); p++)
		;
	for (n = apr_strlen(p); n && blank(p[n - 1]); n--)
		p[n - 1] = '\0';
	for (char *s = p; *s; s++)
		if (*s == ' ') {
			*s = '\0';
			sp = s + 1;
			break;
		}
	if (apr_ids_parse(p, APR_BITS - 1, APR_IDS_KERNEL | APR_IDS_SINGLE, &one, NULL, NULL, &e))
		return e.why == APR_IDS_OVERFLOW ? -ERANGE : -EINVAL;
	*id = apr_mask_next(&one, 0);
	if (!word)
		return sp ? -EINVAL : 0;
	while (sp && blank(*sp))
		sp++;
	return apr_strlcpy(word, sp ? sp : "", wsize) ? 0 : -EINVAL;
}

/* add_adapter "ID [TYPE]": a card of TYPE (CEX8C) joins the LPAR, configured on. */
int apr_hv_add_adapter(struct apr_model *m, const char *buf)
{
	const struct apr_card_type *t;
	char word[16];
	unsigned int id;

	if (apr_hv_parse(buf, &id, word, sizeof(word)))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	t = apr_card_type_lookup(word[0] ? word : "CEX8C");
	if (!t)
		return refuse(m, -EINVAL, APR_WHY_NO_TYPE, id, 0);
	if (apr_mask_test(&m->lpar_apm, id))
		return refuse(m, -EEXIST, APR_WHY_IN_LPAR, id, 0);
	apr_hv_lpar_add(m, id, t);
	return 0;
}

void apr_hv_lpar_add(struct apr_model *m, unsigned int id, const struct apr_card_type *t)
{
	m->card[id].type = t;
	m->card[id].se_config = true;
	m->card[id].se_chkstop = false;
	apr_mask_set(&m->lpar_apm, id);
}

int apr_hv_remove_adapter(struct apr_model *m, const char *buf)
{
	unsigned int id;

	if (apr_hv_parse(buf, &id, NULL, 0))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (!apr_mask_test(&m->lpar_apm, id))
		return refuse(m, -ENODEV, APR_WHY_NOT_IN_LPAR, id, 0);
	apr_mask_clear(&m->lpar_apm, id);
	return 0;
}

/* {add,remove}_{usage,control}_domain "ID". */
int apr_hv_domain(struct apr_model *m, bool usage, bool add, const char *buf)
{
	struct apr_mask *lpar = usage ? &m->lpar_aqm : &m->lpar_adm;
	unsigned int id;

	if (apr_hv_parse(buf, &id, NULL, 0))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (add == apr_mask_test(lpar, id))
		return refuse(m, add ? -EEXIST : -ENODEV,
			      add ? APR_WHY_IN_LPAR : APR_WHY_NOT_IN_LPAR, 0, id);
	if (add)
		apr_mask_set(lpar, id);
	else
		apr_mask_clear(lpar, id);
	return 0;
}

/* "ID 0|1" for an adapter of the LPAR. */
static int adapter_state(struct apr_model *m, const char *buf, unsigned int *id, bool *on)
{
	char word[8];
	long v;

	if (apr_hv_parse(buf, id, word, sizeof(word)) || apr_scan_int(word, &v) ||
	    (v != 0 && v != 1))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (!m->card[*id].type || !apr_mask_test(&m->lpar_apm, *id))
		return refuse(m, -ENODEV, APR_WHY_NOT_IN_LPAR, *id, 0);
	*on = v;
	return 0;
}

/* se_config "ID 0|1": the SE configures the adapter off or on (sclp_ap.c's other side). */
int apr_hv_se_config(struct apr_model *m, const char *buf)
{
	unsigned int id;
	bool on;
	int rc = adapter_state(m, buf, &id, &on);

	if (!rc)
		m->card[id].se_config = on;
	return rc;
}

/* chkstop "ID 0|1": the adapter checkstops or recovers. */
int apr_hv_chkstop(struct apr_model *m, const char *buf)
{
	unsigned int id;
	bool on;
	int rc = adapter_state(m, buf, &id, &on);

	if (!rc)
		m->card[id].se_chkstop = on;
	return rc;
}

int apr_hv_write(struct apr_model *m, enum apr_hv_op op, const char *buf)
{
	switch (op) {
	case APR_HV_ADD_ADAPTER:
		return apr_hv_add_adapter(m, buf);
	case APR_HV_REMOVE_ADAPTER:
		return apr_hv_remove_adapter(m, buf);
	case APR_HV_ADD_USAGE:
	case APR_HV_REMOVE_USAGE:
		return apr_hv_domain(m, true, op == APR_HV_ADD_USAGE, buf);
	case APR_HV_ADD_CONTROL:
	case APR_HV_REMOVE_CONTROL:
		return apr_hv_domain(m, false, op == APR_HV_ADD_CONTROL, buf);
	case APR_HV_SE_CONFIG:
		return apr_hv_se_config(m, buf);
	case APR_HV_CHKSTOP:
		return apr_hv_chkstop(m, buf);
	}
	return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
}

int apr_hv_host_name_store(struct apr_model *m, const char *buf)
{
	char name[APR_HOST_NAME_MAX];
	unsigned long n = apr_strlen(buf);

	if (n && buf[n - 1] == '\n')
		n--;
	if (n >= APR_HOST_NAME_MAX)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	for (unsigned long k = 0; k < n; k++) {
		if ((unsigned char)buf[k] <= ' ' || (unsigned char)buf[k] >= 0x7f)
			return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
		name[k] = buf[k];
	}
	name[n] = '\0';
	apr_strlcpy(m->host_name, name, sizeof(m->host_name));
	return 0;
}

/* ------------------------------------------------------------- faults */

int apr_fault_arm(struct apr_model *m, const char *path, int err, unsigned int count)
{
	struct apr_fault *free_slot = NULL;

	if (!path[0] || apr_strlen(path) >= APR_FAULT_PATH_MAX || err < 0 || err > 4095)
		return -EINVAL;
	for (unsigned int i = 0; i < APR_FAULTS; i++) {
		struct apr_fault *f = &m->fault[i];

		if (f->path[0] && apr_streq(f->path, path)) {
			free_slot = f;
			break;
		}
		if (!f->path[0] && !free_slot)
			free_slot = f;
	}
	if (!free_slot)
		return count ? -ENOSPC : 0;
	if (!count) {
		free_slot->path[0] = '\0';
		return 0;
	}
	apr_strlcpy(free_slot->path, path, APR_FAULT_PATH_MAX);
	free_slot->err = err;
	free_slot->count = count;
	return 0;
}

int apr_fault_take(struct apr_model *m, const char *path, int *err)
{
	for (unsigned int i = 0; i < APR_FAULTS; i++) {
		struct apr_fault *f = &m->fault[i];

		if (!f->path[0] || !apr_streq(f->path, path))
			continue;
		*err = f->err ? -f->err : 0;
		if (!--f->count)
			f->path[0] = '\0';
		return 1;
	}
	return 0;
}

bool apr_fault_armed(const struct apr_model *m)
{
	for (unsigned int i = 0; i < APR_FAULTS; i++)
		if (m->fault[i].path[0])
			return true;
	return false;
}

const char *apr_fault_answer(const struct apr_fault *f, char *buf, unsigned long size)
{
	const char *name = apr_errno_name(f->err);
	char digits[12];
	unsigned int v = (unsigned int)f->err, n = 0;

	if (!f->err)
		return "ok";
	if (name)
		return name;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(digits));
	if (!size)
		return "";
	for (unsigned long i = 0; i < n && i + 1 < size; i++)
		buf[i] = digits[n - 1 - i];
	buf[n < size ? n : size - 1] = '\0';
	return buf;
}

int apr_fault_store(struct apr_model *m, const char *buf)
{
	char path[APR_FAULT_PATH_MAX], what[16], num[16];
	unsigned long long count = 1;
	const char *p = buf;
	int err = 0;

	if (!apr_next_word(&p, BLANKS, path, sizeof(path)) ||
	    !apr_next_word(&p, BLANKS, what, sizeof(what)))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (apr_next_word(&p, BLANKS, num, sizeof(num)) &&
	    (apr_kstrtoul(num, &count) || !count || count > 1000000))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	while (blank(*p))
		p++;
	if (*p)
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	while (path[0] == '/')
		for (unsigned int i = 0; path[i]; i++)
			path[i] = path[i + 1];
	if (apr_streq(what, "off"))
		count = 0;
	else if (!apr_streq(what, "ok") && apr_errno_parse(what, &err))
		return refuse(m, -EINVAL, APR_WHY_SYNTAX, 0, 0);
	if (apr_fault_arm(m, path, err, (unsigned int)count))
		return refuse(m, -ENOSPC, APR_WHY_FULL, 0, 0);
	return 0;
}
