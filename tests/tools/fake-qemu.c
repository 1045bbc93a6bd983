// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-qemu - attach a "guest" to a vfio-ap mdev the way QEMU does.
 *
 * Usage: fake-qemu -name guest=NAME -device vfio-ap,sysfsdev=/sys/bus/mdev/devices/UUID
 *                  [-device ...] [-object OBJ] [-machine PROPS]
 *                  [--ignore-release] [--ready FILE] [--stay]
 *
 * Several -device options attach in order, as one guest would; vfio_ap
 * allows one vfio-ap device per guest, so a second one fails with EPERM
 * and fake-qemu exits 1 naming it (the tests check that refusal).
 * Opens the VFIO container and the mdev's group, sets the type1 IOMMU,
 * gets the device and registers an eventfd for the release request, then
 * holds the device until asked to let go (a remove of the mdev, 6.5+),
 * until SIGTERM/SIGINT, or never with --ignore-release (then only a signal
 * ends it).  --ready FILE is created once the device is held, so a test
 * waits for it instead of sleeping.  Like QEMU it keeps -name on its
 * command line, where apmatrix finds the guest's name; -object and
 * -machine are only kept there too (-object s390-pv-guest,id=pv0 -machine
 * confidential-guest-support=pv0 is how a Secure Execution guest looks).
 *
 * Like QEMU since its vfio-ap configuration-change support, it asks the
 * device for its second interrupt (VFIO_DEVICE_GET_INFO num_irqs,
 * VFIO_DEVICE_GET_IRQ_INFO of index 1: one eventfd, 6.15+), arms it and
 * says so on stderr ("configuration-change interrupt armed", or "no
 * configuration-change interrupt"); each signal is reported as "guest AP
 * configuration changed (+N)".
 *
 * --stay plays QEMU's whole-device hot unplug and plug (device_del,
 * device_add: virsh detach-device / attach-device --live): a release
 * request closes the devices but the "guest" runs on, and SIGUSR1 attaches
 * the same -device list again (the target's mdev after a migration).
 * --ready FILE is created again after each attach and removed on a detach.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#define REQ_IRQ_INDEX	  0 /* VFIO_AP_REQ_IRQ_INDEX */
#define CFG_CHG_IRQ_INDEX 1 /* VFIO_AP_CFG_CHG_IRQ_INDEX (6.15) */

static volatile sig_atomic_t stop, replug;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		replug = 1;
	else
		stop = 1;
}

static int fail(const char *what)
{
	fprintf(stderr, "fake-qemu: %s: %s\n", what, strerror(errno));
	return 1;
}

static int set_irq_eventfd(int dev, unsigned int index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t fd = efd;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, set);
}

/* The configuration-change interrupt, where the device has it (QEMU's vfio-ap does the same). */
static int arm_cfg_change(int dev, const char *uuid, unsigned int num_irqs, int cfd)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = CFG_CHG_IRQ_INDEX };

	if (num_irqs <= CFG_CHG_IRQ_INDEX || ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq) ||
	    irq.count != 1 || !(irq.flags & VFIO_IRQ_INFO_EVENTFD)) {
		fprintf(stderr, "fake-qemu: %s: no configuration-change interrupt\n", uuid);
		return 0;
	}
	if (set_irq_eventfd(dev, CFG_CHG_IRQ_INDEX, cfd))
		return fail("VFIO_DEVICE_SET_IRQS (configuration change)");
	fprintf(stderr, "fake-qemu: %s: configuration-change interrupt armed\n", uuid);
	return 0;
}

/* Attach one mdev: container, group, IOMMU, device, its eventfds. */
static int attach(const char *sysfsdev, int container, bool first, int *devfd, int *grpfd, int efd,
		  int cfd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char link[PATH_MAX], path[PATH_MAX + 32], *group;
	const char *uuid;
	ssize_t n;
	int grp, dev;

	uuid = strrchr(sysfsdev, '/');
	uuid = uuid ? uuid + 1 : sysfsdev;
	snprintf(path, sizeof(path), "%s/iommu_group", sysfsdev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return fail(path);
	link[n] = '\0';
	group = strrchr(link, '/');
	group = group ? group + 1 : link;
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	grp = open(path, O_RDWR);
	if (grp < 0)
		return fail(path);
	if (ioctl(grp, VFIO_GROUP_GET_STATUS, &status))
		return fail("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "fake-qemu: group %s is not viable\n", group);
		return 1;
	}
	if (ioctl(grp, VFIO_GROUP_SET_CONTAINER, &container))
		return fail("VFIO_GROUP_SET_CONTAINER");
	if (first && ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("VFIO_SET_IOMMU");
	dev = ioctl(grp, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (dev < 0) {
		fprintf(stderr, "fake-qemu: %s: VFIO_GROUP_GET_DEVICE_FD: %s\n", uuid,
			strerror(errno));
		return 1;
	}
	if (ioctl(dev, VFIO_DEVICE_GET_INFO, &info))
		return fail("VFIO_DEVICE_GET_INFO");
	if (!(info.flags & VFIO_DEVICE_FLAGS_AP)) {
		fprintf(stderr, "fake-qemu: %s is not a vfio-ap device\n", uuid);
		return 1;
	}
	if (set_irq_eventfd(dev, REQ_IRQ_INDEX, efd))
		return fail("VFIO_DEVICE_SET_IRQS");
	if (arm_cfg_change(dev, uuid, info.num_irqs, cfd))
		return 1;
	*devfd = dev;
	*grpfd = grp;
	return 0;
}

/* Open the container and attach every device: the guest holds them. */
static int attach_all(const char **sysfsdev, int ndev, int *container, int *devs, int *grps,
		      int efd, int cfd, const char *ready)
{
	*container = open("/dev/vfio/vfio", O_RDWR);
	if (*container < 0)
		return fail("/dev/vfio/vfio");
	for (int i = 0; i < ndev; i++)
		if (attach(sysfsdev[i], *container, i == 0, &devs[i], &grps[i], efd, cfd))
			return 1;
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			return fail(ready);
		close(fd);
	}
	return 0;
}

static void detach_all(int ndev, int container, const int *devs, const int *grps)
{
	for (int i = 0; i < ndev; i++) {
		close(devs[i]);
		close(grps[i]);
	}
	close(container);
}

int main(int argc, char **argv)
{
	const char *sysfsdev[8], *ready = NULL;
	int ndev = 0, devs[8], grps[8], container, efd, cfd;
	bool ignore = false, stay = false, held;
	sigset_t waitmask, block;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-device") && i + 1 < argc) {
			const char *s = strstr(argv[++i], "sysfsdev=");

			if (s && ndev < 8)
				sysfsdev[ndev++] = s + 9;
		} else if ((!strcmp(argv[i], "-name") || !strcmp(argv[i], "-object") ||
			    !strcmp(argv[i], "-machine")) &&
			   i + 1 < argc) {
			i++; /* read by apmatrix from /proc/PID/cmdline */
		} else if (!strcmp(argv[i], "--ignore-release")) {
			ignore = true;
		} else if (!strcmp(argv[i], "--stay")) {
			stay = true;
		} else if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = argv[++i];
		} else {
			fprintf(stderr, "fake-qemu: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!ndev) {
		fprintf(stderr, "usage: fake-qemu -name guest=NAME "
				"-device vfio-ap,sysfsdev=/sys/bus/mdev/devices/UUID "
				"[--ignore-release] [--ready FILE] [--stay]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	/* Signals arrive only inside ppoll(): none is missed between a check and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	efd = eventfd(0, EFD_CLOEXEC);
	cfd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0 || cfd < 0)
		return fail("eventfd");
	if (attach_all(sysfsdev, ndev, &container, devs, grps, efd, cfd, ready))
		return 1;
	held = true;
	while (!stop) {
		struct pollfd p[2] = { { .fd = efd, .events = POLLIN },
				       { .fd = cfd, .events = POLLIN } };
		uint64_t v;

		if (replug && !held) {
			replug = 0;
			if (attach_all(sysfsdev, ndev, &container, devs, grps, efd, cfd, ready))
				return 1;
			held = true;
			fprintf(stderr, "fake-qemu: device_add: attached again\n");
			continue;
		}
		replug = 0;
		if (ppoll(p, 2, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			return fail("ppoll");
		}
		if ((p[1].revents & POLLIN) && read(cfd, &v, sizeof(v)) == sizeof(v))
			fprintf(stderr, "fake-qemu: guest AP configuration changed (+%llu)\n",
				(unsigned long long)v);
		if (!(p[0].revents & POLLIN) || read(efd, &v, sizeof(v)) != sizeof(v) || !held)
			continue;
		if (ignore)
			continue;
		if (!stay) {
			fprintf(stderr, "fake-qemu: release requested: letting go\n");
			break;
		}
		fprintf(stderr, "fake-qemu: release requested: device_del, the guest runs on\n");
		detach_all(ndev, container, devs, grps);
		if (ready)
			unlink(ready);
		held = false;
	}
	if (held)
		detach_all(ndev, container, devs, grps);
	return 0;
}
