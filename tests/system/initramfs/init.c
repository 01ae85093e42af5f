// SPDX-License-Identifier: MIT
/*
 * /init for charon's test initramfs.
 *
 * The system tests boot a real kernel (directly or through the stub) with
 * this as its only userspace.  It proves the kernel reached userspace with
 * the command line it was given, then powers the machine off:
 *
 *   CHARON-MARKER: booted cmdline=<contents of /proc/cmdline>
 *   CHARON-MARKER: uname=<release> machine=<machine>
 *
 * Each line goes out in a single write(2) so that kernel messages cannot
 * split it.  Built static (the target's cross glibc) by scripts/mkinitramfs;
 * see docs/kernels.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MARKER "CHARON-MARKER: "

static char line[16384];

static void put_line(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[] = { MARKER, a, b, c, d };
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t len;

		if (!parts[i])
			continue;
		len = strlen(parts[i]);
		if (len > sizeof(line) - 1 - n)
			len = sizeof(line) - 1 - n;
		memcpy(line + n, parts[i], len);
		n += len;
	}
	line[n++] = '\n';

	for (i = 0; i < n;) {
		ssize_t r = write(1, line + i, n - i);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		i += r;
	}
}

/*
 * The kernel opens /dev/console as fds 0-2 before starting /init when the
 * archive has that node.  If it did not (an archive built without root),
 * mount devtmpfs and open the console ourselves.
 */
static void console_setup(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* /proc/cmdline, without its trailing newline; "" if it cannot be read */
static const char *read_cmdline(void)
{
	static char buf[8192];
	size_t n = 0;
	int fd;

	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) &&
	    errno != EBUSY)
		return "<mount /proc failed>";
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return "<open /proc/cmdline failed>";
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	struct utsname u;

	console_setup();

	put_line("booted cmdline=", read_cmdline(), NULL, NULL);

	if (uname(&u) == 0)
		put_line("uname=", u.release, " machine=", u.machine);
	else
		put_line("uname=<uname failed>", NULL, NULL, NULL);

	sync();
	reboot(RB_POWER_OFF);

	/* power-off returned: stay here rather than let init exit (a panic) */
	for (;;)
		pause();
}
