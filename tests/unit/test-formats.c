// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-formats.c - the readers and writers of other tools' files, against
 * files those tools wrote: mdevctl definitions (tests/fixtures/mdevctl,
 * written by Debian's mdevctl in the VM), chzdev's 41-ap.rules
 * (tests/fixtures/udev, written by chzdev --base) and libvirt domain XML;
 * byte-for-byte round trips, and malformed input refused with FILE:LINE.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "persist.h"

static char *slurp(const char *rel, size_t *len)
{
	char path[512], *text;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES_SRC, rel);
	assert_int_equal(apm_config_read_file(path, &text, len), 0);
	return text;
}

static bool has(const struct apr_mask *m, unsigned int bit)
{
	return apr_mask_test(m, bit);
}

/* ------------------------------------------------------------ mdevctl */

static void test_mdevctl_fixtures(void **state)
{
	struct apm_buf err = { 0 };
	struct apm_def d;
	size_t len;
	char *t;

	(void)state;
	t = slurp("mdevctl/define-manual-empty.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	assert_false(d.autostart);
	assert_int_equal(d.nattrs, 0);
	assert_true(apr_mask_empty(&d.apm));
	apm_def_clear(&d);
	free(t);

	t = slurp("mdevctl/define-auto-empty.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	assert_true(d.autostart);
	apm_def_clear(&d);
	free(t);

	/* "5", "0x47", "0x47" (control), "4": in order, hex and decimal */
	t = slurp("mdevctl/modify-addattr.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	assert_true(d.autostart);
	assert_int_equal(d.nattrs, 4);
	assert_string_equal(d.attrs[1].key, "assign_domain");
	assert_string_equal(d.attrs[1].value, "0x47");
	assert_true(has(&d.apm, 5) && apr_mask_weight(&d.apm) == 1);
	assert_true(has(&d.aqm, 0x47) && has(&d.aqm, 4) && apr_mask_weight(&d.aqm) == 2);
	assert_true(has(&d.adm, 0x47) && apr_mask_weight(&d.adm) == 1);
	apm_def_clear(&d);
	free(t);

	t = slurp("mdevctl/define-jsonfile.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	assert_true(has(&d.apm, 6) && has(&d.aqm, 0xab) && has(&d.aqm, 0xff) && has(&d.adm, 0xab));
	apm_def_clear(&d);
	free(t);

	/* --dumpjson ends with a newline, which the reader takes */
	t = slurp("mdevctl/dumpjson.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	assert_int_equal(d.nattrs, 4);
	apm_def_clear(&d);
	free(t);
	assert_null(err.s);
}

static void expect_format(const char *fixture, bool autostart, const struct apr_mask *a,
			  const struct apr_mask *q, const struct apr_mask *c)
{
	struct apm_buf out = { 0 };
	size_t len;
	char *t = slurp(fixture, &len);

	assert_int_equal(apm_mdevctl_format(autostart, a, q, c, &out), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.s, t, len);
	apm_buf_free(&out);
	free(t);
}

/* What `mdevctl define` writes, byte for byte. */
static void test_mdevctl_format(void **state)
{
	struct apr_mask a, q, c;
	struct apm_buf err = { 0 };
	struct apm_def d;
	size_t len;
	char *t;

	(void)state;
	apr_mask_zero(&a);
	apr_mask_zero(&q);
	apr_mask_zero(&c);
	expect_format("mdevctl/define-manual-empty.json", false, &a, &q, &c);
	expect_format("mdevctl/define-auto-empty.json", true, &a, &q, &c);
	/* define of an active mdev, ap-check giving the attributes */
	t = slurp("mdevctl/define-active-apcheck.json", &len);
	assert_int_equal(apm_mdevctl_parse(t, len, "f", &d, &err), 0);
	expect_format("mdevctl/define-active-apcheck.json", d.autostart, &d.apm, &d.aqm, &d.adm);
	apm_def_clear(&d);
	free(t);
}

struct bad {
	const char *text, *want;
};

static void test_mdevctl_malformed(void **state)
{
	static const struct bad cases[] = {
		{ "{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"manual\",\n  \"attrs\": [\n    {\"assign_adapter\": \"5\"},\n  ]\n}",
		  "x:6: malformed JSON" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\"\n\"start\": \"auto\"}",
		  "x:2: malformed JSON" },
		{ "", "x:1: malformed JSON" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\"} x",
		  "x:1: malformed JSON" },
		{ "[1]", "x:1: not a JSON object" },
		{ "{\n\"start\": \"auto\"}", "x:1: \"mdev_type\" is missing" },
		{ "{\"mdev_type\": 5, \"start\": \"auto\"}", "\"mdev_type\" is not a string" },
		{ "{\"mdev_type\": \"i915-GVTg_V5_4\", \"start\": \"auto\"}",
		  "not vfio_ap-passthrough" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\",\n\n\"start\": \"sometimes\"}",
		  "x:3: \"start\" is 'sometimes', neither auto nor manual" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": {}}",
		  "\"attrs\" is not a list" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [\n{\"assign_adapter\": \"5\"},\n{\"assign_adapter\": \"5\", \"assign_domain\": \"4\"}]}",
		  "x:3: attrs[1] is not an object with one attribute" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [\n\n{\"assign_adapter\": 5}]}",
		  "x:3: attrs[0] (assign_adapter): the value is not a string" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"assign_adapter\": \"5,6\"}]}",
		  "assign_adapter value '5,6' is not an ID" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"assign_domain\": \"256\"}]}",
		  "assign_domain value '256' is not an ID" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"bogus\": \"1\"}]}",
		  "'bogus' is not an attribute of a vfio_ap mdev" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [{\"ap_config\": \"0x1\"}]}",
		  "ap_config value '0x1' is not three masks" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"\x1b[31m\"}",
		  "\"start\" is '\\x1b[31m'" },
		{ "{\"mdev_type\": \"vfio_ap-\xff\", \"start\": \"auto\"}", "x:1: malformed JSON" },
		/* cut short after a whole character, never inside one (found by fuzz-mdevctl) */
		{ "{\"mdev_type\": \"\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\xf0\x9f\x98\x80\r\r\r\r\", \"start\": \"auto\"}",
		  "\\x0d\\x0d\xf0\x9f\x98\x80...', not vfio_ap-passthrough" },
		{ "{\"mdev_type\": \"vfio_ap-passthrough\", /* c */ \"start\": \"auto\"}",
		  "x:1: malformed JSON" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct apm_buf err = { 0 };
		struct apm_def d;

		assert_int_equal(apm_mdevctl_parse(cases[i].text, strlen(cases[i].text), "x", &d,
						   &err),
				 -EINVAL);
		assert_non_null(err.s);
		if (!strstr(err.s, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.s, cases[i].want);
		assert_int_equal(d.nattrs, 0);
		apm_buf_free(&err);
	}
	/* A NUL byte inside the text */
	{
		struct apm_buf err = { 0 };
		struct apm_def d;

		assert_int_equal(apm_mdevctl_parse("{\n\"a\0", 5, "x", &d, &err), -EINVAL);
		assert_non_null(strstr(err.s, "x:2: a NUL byte"));
		apm_buf_free(&err);
	}
}

/* The reader stays linear: a megabyte of attributes parses in well under a second. */
static void test_mdevctl_large(void **state)
{
	struct apm_buf text = { 0 }, err = { 0 };
	struct apm_def d;

	(void)state;
	apm_buf_printf(
		&text,
		"{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\", \"attrs\": [");
	for (unsigned int i = 0; i < 30000; i++)
		apm_buf_printf(&text, "%s\n{\"assign_domain\": \"%u\"}", i ? "," : "", i % 256);
	apm_buf_printf(&text, ",\n{\"bogus\": \"1\"}]}");
	assert_int_equal(apm_mdevctl_parse(text.s, text.len, "x", &d, &err), -EINVAL);
	assert_non_null(strstr(err.s, "x:30002: 'bogus' is not an attribute"));
	apm_buf_free(&err);
	memcpy(strstr(text.s, ",\n{\"bogus"), "]}\0", 3);
	assert_int_equal(apm_mdevctl_parse(text.s, strlen(text.s), "x", &d, &err), 0);
	assert_int_equal(d.nattrs, 30000);
	assert_true(apr_mask_full(&d.aqm));
	apm_def_clear(&d);
	apm_buf_free(&text);
}

/* Replayed in order: unassign and ap_config as mdevctl start writes them. */
static void test_mdevctl_replay(void **state)
{
	static const char text[] =
		"{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": ["
		"{\"assign_adapter\": \"5\"}, {\"assign_adapter\": \"010\"}, {\"unassign_adapter\": \"5\"},"
		"{\"assign_domain\": \"+0x47\\n\"}, {\"unknown_key_ignored_by_us\": \"x\"}]}";
	static const char cfg[] =
		"{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": ["
		"{\"assign_adapter\": \"5\"}, {\"ap_config\": \"0x01,0x8,0x80\"}]}";
	struct apm_buf err = { 0 };
	struct apm_def d;

	(void)state;
	/* The unknown attribute refuses the whole file */
	assert_int_equal(apm_mdevctl_parse(text, strlen(text), "x", &d, &err), -EINVAL);
	apm_buf_free(&err);
	assert_int_equal(apm_mdevctl_parse(text, strstr(text, ", {\"unknown") - text, "x", &d,
					   &err),
			 -EINVAL);
	apm_buf_free(&err);
	{
		char buf[sizeof(text)];
		size_t n = (size_t)(strstr(text, ", {\"unknown") - text);

		memcpy(buf, text, n);
		memcpy(buf + n, "]}", 3);
		assert_int_equal(apm_mdevctl_parse(buf, strlen(buf), "x", &d, &err), 0);
		assert_true(has(&d.apm, 8) && !has(&d.apm, 5)); /* 010 is octal, as kstrtoul */
		assert_true(has(&d.aqm, 0x47));
		apm_def_clear(&d);
	}
	assert_int_equal(apm_mdevctl_parse(cfg, strlen(cfg), "x", &d, &err), 0);
	assert_true(has(&d.apm, 7) && apr_mask_weight(&d.apm) == 1);
	/* masks are left-aligned: 0x8 is ID 0, 0x01 is ID 7 */
	assert_true(has(&d.aqm, 0) && apr_mask_weight(&d.aqm) == 1 && has(&d.adm, 0));
	apm_def_clear(&d);
}

/* ----------------------------------------------------------- the rule */

static void test_rule_fixtures(void **state)
{
	struct apm_buf err = { 0 }, notes = { 0 }, out = { 0 };
	struct apm_rule r;
	size_t len;
	char *t;

	(void)state;
	/* chzdev -p apmask=0-3,5 aqmask=0-0x46,0x48-0xaa */
	t = slurp("udev/both.rules", &len);
	assert_int_equal(apm_rule_parse(t, len, "r", &r, &err, &notes), 0);
	assert_true(r.has_apmask && r.has_aqmask && r.add_trigger && r.change_trigger &&
		    r.loads_vfio_ap);
	assert_int_equal(r.foreign_line, 0);
	assert_int_equal(apr_mask_weight(&r.apmask), 5);
	assert_true(has(&r.apmask, 5) && !has(&r.apmask, 4));
	assert_true(has(&r.aqmask, 0x46) && !has(&r.aqmask, 0x47) && has(&r.aqmask, 0xaa) &&
		    !has(&r.aqmask, 0xab));
	assert_int_equal(apm_rule_format(&r.apmask, &r.aqmask, &out), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.s, t, len);
	apm_buf_free(&out);
	free(t);

	t = slurp("udev/apmask-only.rules", &len);
	assert_int_equal(apm_rule_parse(t, len, "r", &r, &err, &notes), 0);
	assert_true(r.has_apmask && !r.has_aqmask && apr_mask_full(&r.apmask));
	assert_int_equal(r.foreign_line, 0);
	assert_int_equal(apm_rule_format(&r.apmask, NULL, &out), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.s, t, len);
	apm_buf_free(&out);
	free(t);
	assert_null(err.s);
	assert_null(notes.s);
}

static void test_rule_malformed(void **state)
{
	static const struct bad cases[] = {
		{ "# x\nATTR{../../bus/ap/apmask}=\"0xff\"\n",
		  "r:2: the apmask value is not \"0x\" and 64 hex digits" },
		{ "ATTR{../../bus/ap/aqmask}==\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"",
		  "r:1: the aqmask is set with '=='" },
		{ "ATTR{../../bus/ap/aqmask}=\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"\n\nATTR{x/aqmask}=\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"",
		  "r:3: the aqmask is set again (first on line 1)" },
		{ "ACTION==\"add\", GOTO=\"cfg_ap",
		  "r:1: a value's closing double quote is missing" },
		{ "ACTION==\"add\" GOTO=\"x\"", "r:1: pairs must be separated by a comma" },
		{ "\n\nACTION=\"add\", \\\n", "r:3: a continued line" },
		{ "ATTR{apmask=\"1\"", "r:1: an attribute name in braces is not closed" },
		{ "ACTION~\"add\"", "r:1: an operator" },
		{ "\"add\"", "r:1: a key" },
		{ "ACTION==add", "r:1: a value in double quotes" },
		{ "ACTION==\"add\",", "r:1: a comma ends the line" },
		{ "ATTR{apmask_aqmask}=\"0x00\"", "r:1: one ATTR{...} names both masks" },
		{ "\nACTION==\"add\", ATTR{../../bus/ap/apmask}=\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"",
		  "r:2: the apmask is set after another pair on its line" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct apm_buf err = { 0 }, notes = { 0 };
		struct apm_rule r;

		assert_int_equal(apm_rule_parse(cases[i].text, strlen(cases[i].text), "r", &r, &err,
						&notes),
				 -EINVAL);
		if (!err.s || !strstr(err.s, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.s ? err.s : "", cases[i].want);
		apm_buf_free(&err);
		apm_buf_free(&notes);
	}
}

/* A well-formed rule chzdev did not write: read, but noted, with its line. */
static void test_rule_foreign(void **state)
{
	struct apm_buf err = { 0 }, notes = { 0 }, out = { 0 };
	struct apr_mask m;
	struct apm_rule r;

	(void)state;
	apr_mask_fill(&m);
	assert_int_equal(apm_rule_format(&m, &m, &out), 0);
	apm_buf_printf(&out, "SUBSYSTEM==\"ap\", RUN+=\"/bin/true\"\n");
	assert_int_equal(apm_rule_parse(out.s, out.len, "r", &r, &err, &notes), 0);
	assert_int_equal(r.foreign_line, 13);
	assert_non_null(strstr(notes.s, "r:13: not as chzdev writes the rule"));
	apm_buf_free(&notes);
	apm_buf_free(&out);
	/* masks without the triggers or the module load */
	{
		static const char only[] =
			"ATTR{../../bus/ap/apmask}=\"0x0000000000000000000000000000000000000000000000000000000000000000\"\n";

		assert_int_equal(apm_rule_parse(only, strlen(only), "r", &r, &err, &notes), 0);
	}
	assert_true(r.has_apmask && apr_mask_empty(&r.apmask));
	assert_non_null(strstr(notes.s, "without chzdev's triggers"));
	assert_non_null(strstr(notes.s, "does not load vfio_ap"));
	apm_buf_free(&notes);
	assert_null(err.s);
}

/* ------------------------------------------------------------ libvirt */

static void test_domxml(void **state)
{
	struct apm_buf err = { 0 };
	struct apm_domxml d;
	size_t len;
	char *t;

	(void)state;
	t = slurp("libvirt/etc/libvirt/qemu/Guest1.xml", &len);
	assert_int_equal(apm_domxml_parse(t, len, "g", &d, &err), 0);
	assert_string_equal(d.name, "Guest1");
	assert_false(d.status);
	assert_int_equal(d.nuuids, 1);
	assert_string_equal(d.uuids[0], "62177883-f1bb-47f0-914d-32a22e3a8804");
	apm_domxml_clear(&d);
	free(t);

	t = slurp("libvirt/run/libvirt/qemu/Guest1.xml", &len);
	assert_int_equal(apm_domxml_parse(t, len, "g", &d, &err), 0);
	assert_true(d.status);
	assert_string_equal(d.state, "running");
	assert_int_equal(d.nuuids, 1);
	apm_domxml_clear(&d);
	free(t);

	/* vfio-ccw ignored; the uuid in upper case comes out lower case */
	t = slurp("libvirt/etc/libvirt/qemu/Guest3.xml", &len);
	assert_int_equal(apm_domxml_parse(t, len, "g", &d, &err), 0);
	assert_int_equal(d.nuuids, 1);
	assert_string_equal(d.uuids[0], "8f2a7c10-5d3e-4b6a-9c1f-0e7d2b4a6c58");
	apm_domxml_clear(&d);
	free(t);
	assert_null(err.s);
}

static void test_domxml_malformed(void **state)
{
	static const struct bad cases[] = {
		{ "<domain>\n  <name>x</name>\n  <devices>\n</domain>", "g:4: malformed XML" },
		{ "<network><name>x</name></network>",
		  "g:1: the root element is neither <domain> nor <domstatus>" },
		{ "<domain>\n<devices/></domain>", "g:1: the domain has no <name>" },
		{ "<domstatus state='running'>\n</domstatus>",
		  "g:1: a <domstatus> without <domain>" },
		{ "<domain><name>x</name><devices>\n<hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n<source/></hostdev></devices></domain>",
		  "g:2: a vfio-ap hostdev without <source><address" },
		{ "<domain><name>x</name><devices><hostdev mode='subsystem' type='mdev' model='vfio-ap'>\n<source>\n<address uuid='nope'/></source></hostdev></devices></domain>",
		  "g:3: a vfio-ap hostdev's address has no valid uuid" },
		{ "<!DOCTYPE d [<!ENTITY e SYSTEM \"http://example.com/x\">]><domain><name>&e;</name></domain>",
		  "g:1:" },
		{ "", "g:1: malformed XML" },
		{ "<domain><name>x</name><devices>\n<hostdev mode='subsystem' type='mdev' model='vfio-ap'><source><address uuid='62177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>\n</devices></domain>",
		  NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct apm_buf err = { 0 };
		struct apm_domxml d;
		int rc;

		if (!cases[i].want)
			continue;
		rc = apm_domxml_parse(cases[i].text, strlen(cases[i].text), "g", &d, &err);

		if (rc != -EINVAL || !err.s || !strstr(err.s, cases[i].want))
			fail_msg("case %zu: rc %d '%s' lacks '%s'", i, rc, err.s ? err.s : "",
				 cases[i].want);
		assert_null(d.name);
		apm_buf_free(&err);
	}
}

/* QEMU takes one vfio-ap device per guest: 64 are read, the 65th is refused. */
static void test_domxml_many(void **state)
{
	struct apm_buf x = { 0 }, err = { 0 };
	struct apm_domxml d;

	(void)state;
	apm_buf_printf(&x, "<domain><name>x</name><devices>");
	for (unsigned int i = 0; i < 65; i++)
		apm_buf_printf(
			&x,
			"\n<hostdev mode='subsystem' type='mdev' model='vfio-ap'><source><address uuid='%08x-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>",
			i);
	apm_buf_printf(&x, "</devices></domain>");
	assert_int_equal(apm_domxml_parse(x.s, x.len, "g", &d, &err), -EINVAL);
	assert_non_null(strstr(err.s, "g:66: more than 64 vfio-ap hostdevs"));
	apm_buf_free(&x);
	apm_buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mdevctl_fixtures),  cmocka_unit_test(test_mdevctl_format),
		cmocka_unit_test(test_mdevctl_malformed), cmocka_unit_test(test_mdevctl_replay),
		cmocka_unit_test(test_rule_fixtures),	  cmocka_unit_test(test_rule_malformed),
		cmocka_unit_test(test_rule_foreign),	  cmocka_unit_test(test_domxml),
		cmocka_unit_test(test_domxml_malformed),  cmocka_unit_test(test_mdevctl_large),
		cmocka_unit_test(test_domxml_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
