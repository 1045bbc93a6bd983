/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * persist.h - layouts and internal interfaces of the persistent
 * configuration: what mdevctl.c, udev-rule.c, libvirt.c, apcheck.c,
 * config.c and persist.c share.  Never installed.
 *
 * The readers are strict and bounded (they are fuzzed): each takes the
 * whole text of one file, refuses what its tool would refuse or misread,
 * and says why as "FILE:LINE: sentence" into an apm_buf.
 */
#ifndef APM_PERSIST_H
#define APM_PERSIST_H

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "apm-private.h"

/* Larger files are refused before they are read: none of these is near it. */
#define APM_CONFIG_FILE_MAX (1024 * 1024)

/* ------------------------------------------------- mdevctl (mdevctl.c) */

#define APM_MDEV_TYPE "vfio_ap-passthrough"

struct apm_def_attr {
	char *key, *value;
};

/* One definition file, /etc/mdevctl.d/matrix/UUID. */
struct apm_def {
	struct apm_config *cfg; /* back pointer; the config's refcount covers us */
	char uuid[37];		/* lower case, as the kernel names the mdev */
	char *path;
	bool autostart;
	unsigned int nattrs;
	struct apm_def_attr *attrs; /* in file order */
	/* What `mdevctl start` assigns, the attributes written in order. */
	struct apr_mask apm, aqm, adm;
};

/*
 * Parse text (len bytes, not necessarily NUL-terminated) of file name into
 * def (attrs and masks; uuid and path are the caller's).  0, -ENOMEM, or
 * -EINVAL with "name:line: reason\n" appended to err.
 */
int apm_mdevctl_parse(const char *text, size_t len, const char *name, struct apm_def *def,
		      struct apm_buf *err);
void apm_def_clear(struct apm_def *def);
/*
 * A definition exactly as `mdevctl define --uuid U` writes it for an active
 * mdev whose attributes ap-check supplies: adapters, domains, control
 * domains, each ascending, in decimal.  0 or -ENOMEM.
 */
int apm_mdevctl_format(bool autostart, const struct apr_mask *apm, const struct apr_mask *aqm,
		       const struct apr_mask *adm, struct apm_buf *out);

/* --------------------------------------- chzdev's rule (udev-rule.c) */

#define APM_RULE_NAME "41-ap.rules"

struct apm_rule {
	bool exists;
	bool has_apmask, has_aqmask;
	struct apr_mask apmask, aqmask;
	bool add_trigger, change_trigger, loads_vfio_ap;
	/* 0 when the file is byte for byte what chzdev writes for its masks. */
	unsigned int foreign_line;
};

/* 0, -ENOMEM, or -EINVAL with "name:line: reason\n" in err.  Notes go to notes. */
int apm_rule_parse(const char *text, size_t len, const char *name, struct apm_rule *rule,
		   struct apm_buf *err, struct apm_buf *notes);
/* The rule chzdev writes for these masks (NULL: that mask not set). */
int apm_rule_format(const struct apr_mask *apmask, const struct apr_mask *aqmask,
		    struct apm_buf *out);

/* ------------------------------------------------ libvirt (libvirt.c) */

/* One domain XML file: its name and the vfio-ap mdevs it uses. */
struct apm_domxml {
	char *name;
	bool status;	/* a <domstatus> document: the domain runs */
	char state[16]; /* its state attribute ("running", "paused"), "" */
	bool secure;	/* <launchSecurity type='s390-pv'/>: a Secure Execution guest */
	unsigned int nuuids;
	char (*uuids)[37]; /* lower case */
};

/* 0, -ENOMEM, or -EINVAL with "name:line: reason\n" in err. */
int apm_domxml_parse(const char *text, size_t len, const char *name, struct apm_domxml *d,
		     struct apm_buf *err);
void apm_domxml_clear(struct apm_domxml *d);

/* ------------------------------------------------------ the object */

/* A libvirt domain, its defined (/etc) and running (/run) XML merged. */
struct apm_guest {
	char *name;
	char *path;   /* the running status file, else the definition */
	bool defined; /* /etc/libvirt/qemu/NAME.xml exists */
	bool running; /* /run/libvirt/qemu/NAME.xml exists */
	/* <launchSecurity type='s390-pv'/> in the definition, in the status XML */
	bool secure_def, secure_live;
	char state[16];
	unsigned int ndef, nlive;
	char (*def_uuids)[37], (*live_uuids)[37];
};

/*
 * What a file or directory was when the configuration read it (lstat, or
 * stat for a directory): an unchanged stamp means unchanged content.
 */
struct apm_stamp {
	char *path;
	bool dir;
	int err; /* -errno of the stat, 0 with the fields */
	dev_t dev;
	ino_t ino;
	mode_t mode;
	off_t size;
	struct timespec mtime, ctime;
};

struct apm_config {
	int refcount;
	struct apm_ctx *ctx;
	char *root;    /* NULL: the built-in simulated host keeps nothing */
	char *dirs[3]; /* per enum apm_config_dir, NULL: from root */
	char *mdevctl_dir, *rule_path, *libvirt_etc, *libvirt_run;
	bool loaded;
	unsigned int generation; /* loads that read the files again */
	/*
	 * The files and directories the last load read, stamped before it read
	 * them, and the time it started (CLOCK_REALTIME_COARSE, the clock
	 * inode times come from); stamps_ok false: incomplete, read again.
	 */
	struct apm_stamp *stamps;
	unsigned int nstamps;
	bool stamps_ok;
	struct timespec stamp_time;
	/*
	 * The same files watched (config.c: watch_quiet): an inotify
	 * descriptor of process ino_pid, -1 none; watched false where a
	 * watch could not be set.  checked: when the stamps were last
	 * compared (CLOCK_MONOTONIC_COARSE).
	 */
	int ino;
	pid_t ino_pid;
	bool watched;
	struct timespec checked;
	struct apm_def **defs; /* sorted by uuid */
	unsigned int ndefs;
	/* Definitions that could not be read: "uuid" each, 37 bytes. */
	char (*broken)[37];
	unsigned int nbroken;
	struct apm_rule rule;
	bool rule_broken;
	struct apm_guest *guests; /* sorted by name */
	unsigned int nguests;
	struct apm_buf errors, notes;
};

/* "name:line: sentence\n" into err; returns -EINVAL (the readers' one error form). */
int apm_file_error(struct apm_buf *err, const char *name, long line, const char *fmt, ...)
	APM_PRINTF(4, 5);
/* Read a whole regular file (never through a symlink), at most APM_CONFIG_FILE_MAX. */
int apm_config_read_file(const char *path, char **text, size_t *len);
/* The same, and the file's stat (of what was read, not of the name) into *st. */
int apm_file_read_stat(const char *path, char **text, size_t *len, struct stat *st);
/* mkdir -p of path's directory, what it makes with mode (the umask applies). */
int apm_file_make_parents(const char *path, mode_t mode);
/*
 * Replace path with content, never half-written: its parents made as mkdir
 * -p does, a temporary file beside it (O_EXCL, never through a link)
 * written, given path's mode (new_mode for a new file), fsync()ed and
 * renamed over it, the directory fsync()ed; temporary files a killed
 * writer left are removed first.  -EISDIR when path is a link or a
 * directory (never written through).  0 or -errno.
 */
int apm_file_write_atomic(const char *path, const char *content, size_t len, mode_t new_mode);
/* unlink(path) and fsync its directory: 0 or -errno. */
int apm_file_remove(const char *path);
struct apm_def *apm_config_def(const struct apm_config *cfg, const char *uuid);
bool apm_config_def_broken(const struct apm_config *cfg, const char *uuid);

/* ------------------------------------------------ checks (apcheck.c) */

/*
 * The masks ap-check compares autostart definitions with: the rule's, and
 * where the rule does not set one, the active one (libap: ap_read_udev_masks).
 */
void apm_check_boot_masks(const struct apm_config *cfg, const struct apm_host *host,
			  struct apr_mask *apmask, struct apr_mask *aqmask, bool from_rule[2]);

/* What a new or rewritten definition would meet (persist.c, before writing). */
struct apm_check_def {
	const char *uuid;
	bool autostart;
	const struct apr_mask *apm, *aqm, *adm;
};
/*
 * Appends one sentence per refusal to why (naming the APQN and the mdev,
 * quoting ap-check); returns 0 or the -errno of the first refusal.
 */
int apm_check_definition(const struct apm_config *cfg, const struct apm_host *host,
			 const struct apm_check_def *d, struct apm_buf *why);
/* The warnings ("warning: ..." lines) a definition that passes still meets at boot. */
void apm_check_definition_warnings(const struct apm_config *cfg, const struct apm_host *host,
				   const struct apm_check_def *d, struct apm_buf *out);
/* chzdev's check of new persistent masks against autostart definitions. */
int apm_check_masks(const struct apm_config *cfg, const struct apr_mask *apmask,
		    const struct apr_mask *aqmask, struct apm_buf *why);

/* Findings gathered before they are handed out sorted (config.c), added here. */
struct apm_finding_list {
	struct apm_finding *v;
	unsigned int n, cap;
};
void apm_finding_add(struct apm_finding_list *l, enum apm_finding_code code, const char *uuid,
		     const char *other, int adapter, int domain, bool at_boot, const char *fmt, ...)
	APM_PRINTF(8, 9);
/* ap-check's refusals, as they stand on the configuration now. */
void apm_check_findings(const struct apm_config *cfg, const struct apm_host *host,
			struct apm_finding_list *l);

/* The first APQN in both apm x aqm products, 0 with it, -ENOENT when none. */
int apm_apqn_overlap(const struct apr_mask *apm1, const struct apr_mask *aqm1,
		     const struct apr_mask *apm2, const struct apr_mask *aqm2, unsigned int *apid,
		     unsigned int *apqi, unsigned int *count);

#endif
