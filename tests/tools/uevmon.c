// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uevmon - print the kernel's uevents of one subsystem, one line each.
 *
 * Usage: uevmon SUBSYSTEM READY-FILE
 * A libudev monitor on the "kernel" netlink source (no udevd needed, as
 * apmatrix uses it); udevadm monitor refuses to run in the VM's chroot.
 * Each event prints as "ACTION DEVPATH KEY=VALUE..." (values with their
 * trailing newline shown as \n); READY-FILE is created once listening.
 * Runs until SIGTERM.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_value(const char *v)
{
	for (; *v; v++)
		if (*v == '\n')
			fputs("\\n", stdout);
		else
			putchar(*v);
}

int main(int argc, char **argv)
{
	struct udev *udev;
	struct udev_monitor *mon;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: uevmon SUBSYSTEM READY-FILE\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	udev = udev_new();
	mon = udev ? udev_monitor_new_from_netlink(udev, "kernel") : NULL;
	if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon, argv[1], NULL) ||
	    udev_monitor_enable_receiving(mon)) {
		fprintf(stderr, "uevmon: cannot monitor the kernel's uevents\n");
		return 1;
	}
	udev_monitor_set_receive_buffer_size(mon, 8 << 20);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		struct pollfd p = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };
		struct udev_list_entry *e;
		struct udev_device *dev;

		if (poll(&p, 1, 200) <= 0)
			continue;
		dev = udev_monitor_receive_device(mon);
		if (!dev)
			continue;
		printf("%s %s", udev_device_get_action(dev), udev_device_get_devpath(dev));
		udev_list_entry_foreach(e, udev_device_get_properties_list_entry(dev)) {
			const char *k = udev_list_entry_get_name(e);

			if (!strcmp(k, "ACTION") || !strcmp(k, "DEVPATH") || !strcmp(k, "SEQNUM") ||
			    !strcmp(k, "SUBSYSTEM"))
				continue;
			printf(" %s=", k);
			print_value(udev_list_entry_get_value(e));
		}
		putchar('\n');
		udev_device_unref(dev);
	}
	udev_monitor_unref(mon);
	udev_unref(udev);
	return 0;
}
