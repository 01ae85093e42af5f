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
 *
 * In the kexec initramfs (docs/testing.md, "Kernel-to-kernel kexec") the
 * command line also drives a chain of kexecs: charon.boot=K (absent: 0) is
 * this boot's number, charon.kexec=N (absent: 0) how many kexecs the run
 * does.  While K < N, /init loads the same kernel (/boot/vmlinuz) and an
 * initrd with the same files through the charon stub with charon.boot=K+1,
 * and kexecs into it:
 *
 *   CHARON-MARKER: kexec K -> K+1
 *   CHARON-MARKER: next initrd=<file>
 *   (the output of charon load, charon status, charon exec)
 *
 * The initrd is the one this kernel was booted with if it kept it
 * (/sys/firmware/initrd: Linux >= 6.8 with retain_initrd), else an
 * uncompressed newc cpio of our root file system written to
 * /kexec-initrd.cpio.  charon.fail=POLICY and charon.flip=LABEL become
 * charon load's --fail and --flip-bit.  If a step fails it prints
 *
 *   CHARON-MARKER: kexec-failed step=<initrd|load|status|exec> status=<n>
 *
 * and powers off, as it does when K >= N.
 */
#define _GNU_SOURCE		/* nftw() */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER "CHARON-MARKER: "
#define CHARON "/bin/charon"
#define RETAINED_INITRD "/sys/firmware/initrd"
#define REBUILT_INITRD "/kexec-initrd.cpio"

static char line[16384];

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

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
	write_all(1, line, n);
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

/*
 * The value of the first word NAME=VALUE in cmdline, copied to buf (at most
 * size - 1 bytes); NULL if there is no such word.
 */
static const char *param(const char *cmdline, const char *name, char *buf,
			 size_t size)
{
	size_t len = strlen(name), n;
	const char *w = cmdline;

	while (*w) {
		n = strcspn(w, " ");
		if (n > len && !strncmp(w, name, len) && w[len] == '=') {
			n -= len + 1;
			if (n > size - 1)
				n = size - 1;
			memcpy(buf, w + len + 1, n);
			buf[n] = '\0';
			return buf;
		}
		w += n;
		w += strspn(w, " ");
	}
	return NULL;
}

/* the numeric value of NAME=VALUE in cmdline; 0 if absent */
static unsigned long num_param(const char *cmdline, const char *name)
{
	char buf[32];

	if (!param(cmdline, name, buf, sizeof(buf)))
		return 0;
	return strtoul(buf, NULL, 10);
}

/*
 * cmdline with its charon.boot= word replaced by charon.boot=next (added at
 * the end if it has none), in out.
 */
static void next_cmdline(const char *cmdline, unsigned long next, char *out,
			 size_t size)
{
	char boot[48];
	size_t n, o = 0;
	const char *w = cmdline;
	int replaced = 0;

	snprintf(boot, sizeof(boot), "charon.boot=%lu", next);
	out[0] = '\0';
	while (*w) {
		n = strcspn(w, " ");
		if (!replaced && !strncmp(w, "charon.boot=", 12)) {
			o += snprintf(out + o, size - o, "%s%s", o ? " " : "",
				      boot);
			replaced = 1;
		} else {
			o += snprintf(out + o, size - o, "%s%.*s", o ? " " : "",
				      (int)n, w);
		}
		if (o >= size)
			return;
		w += n;
		w += strspn(w, " ");
	}
	if (!replaced)
		snprintf(out + o, size - o, "%s%s", o ? " " : "", boot);
}

/*
 * Run argv[0] with argv, its output on our console, and wait for it.
 * Return: its exit status, 128 + the signal that killed it, 127 if it
 * could not be started.
 */
static int run(char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return 127;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return 127;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* the newc cpio REBUILT_INITRD is written to, and its last inode number */
static int cpio_fd = -1;
static unsigned int cpio_ino;

/* a newc header and name, padded to 4 bytes; the data must follow */
static int cpio_header(const char *name, mode_t mode, size_t size, dev_t rdev)
{
	static const char pad[4];
	size_t nlen = strlen(name) + 1;
	char hdr[128];
	int n;

	n = snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X"
		     "%08zX%08X%08X%08X%08X%08zX%08X", ++cpio_ino, mode, 0, 0,
		     1, 0, size, 0, 0, major(rdev), minor(rdev), nlen, 0);
	if (write_all(cpio_fd, hdr, n) || write_all(cpio_fd, name, nlen))
		return -1;
	return write_all(cpio_fd, pad, (4 - (n + nlen) % 4) % 4);
}

/* nftw() callback: path (and a regular file's data) into the cpio */
static int cpio_add(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	static char buf[65536];
	static const char pad[4];
	size_t done = 0;
	ssize_t r;
	int fd;

	(void)type;
	(void)ftw;
	/* "/" itself, and the file being written */
	if (!path[1] || !strcmp(path, REBUILT_INITRD))
		return 0;
	if (S_ISDIR(st->st_mode) || S_ISCHR(st->st_mode))
		return cpio_header(path + 1, st->st_mode, 0, st->st_rdev);
	if (!S_ISREG(st->st_mode))
		return 0;

	if (cpio_header(path + 1, st->st_mode, st->st_size, 0))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0 &&
	       !write_all(cpio_fd, buf, r))
		done += r;
	close(fd);
	if (done != (size_t)st->st_size)
		return -1;
	return write_all(cpio_fd, pad, (4 - done % 4) % 4);
}

/*
 * The next boot's initrd: the retained one, or REBUILT_INITRD holding
 * every directory, device node and regular file of the root file system
 * (not of what is mounted on it: /proc, /sys, /run).  NULL on failure.
 */
static const char *next_initrd(void)
{
	int rc;

	if (!access(RETAINED_INITRD, R_OK))
		return RETAINED_INITRD;
	cpio_fd = open(REBUILT_INITRD, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (cpio_fd < 0)
		return NULL;
	rc = nftw("/", cpio_add, 16, FTW_PHYS | FTW_MOUNT);
	if (!rc)
		rc = cpio_header("TRAILER!!!", 0, 0, 0);
	if (close(cpio_fd))
		rc = -1;
	return rc ? NULL : REBUILT_INITRD;
}

static void kexec_failed(const char *step, int status)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", status);
	put_line("kexec-failed step=", step, " status=", n);
}

/*
 * Boot k + 1: load this kernel and next_initrd() through the stub, then
 * kexec.  Returns only if a step failed (having said which).
 */
static void kexec_next(const char *cmdline, unsigned long k)
{
	static char append[8192];
	char fail[32], flip[32], from[64];
	const char *initrd;
	char *load[16] = { CHARON, "load", "--stub", "/boot/charon-stub.bin",
			   "--kernel", "/boot/vmlinuz", "--initrd", NULL,
			   "--append", append, "-v" };
	char *status[] = { CHARON, "status", NULL };
	char *exec[] = { CHARON, "exec", NULL };
	unsigned int n = 11;
	int rc;

	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	/* where charon load records what it loaded for charon status */
	mkdir("/run", 0755);
	mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");

	snprintf(from, sizeof(from), "kexec %lu -> %lu", k, k + 1);
	put_line(from, NULL, NULL, NULL);
	initrd = next_initrd();
	if (!initrd) {
		kexec_failed("initrd", errno);
		return;
	}
	put_line("next initrd=", initrd, NULL, NULL);
	load[7] = (char *)initrd;

	next_cmdline(cmdline, k + 1, append, sizeof(append));
	if (param(cmdline, "charon.fail", fail, sizeof(fail))) {
		load[n++] = "--fail";
		load[n++] = fail;
	}
	if (param(cmdline, "charon.flip", flip, sizeof(flip))) {
		load[n++] = "--flip-bit";
		load[n++] = flip;
	}
	load[n] = NULL;

	rc = run(load);
	if (rc) {
		kexec_failed("load", rc);
		return;
	}
	rc = run(status);
	if (rc) {
		kexec_failed("status", rc);
		return;
	}
	/* returns only if the kexec did not happen */
	kexec_failed("exec", run(exec));
}

int main(void)
{
	struct utsname u;
	const char *cmdline;
	unsigned long boot, kexecs;

	console_setup();

	cmdline = read_cmdline();
	put_line("booted cmdline=", cmdline, NULL, NULL);

	if (uname(&u) == 0)
		put_line("uname=", u.release, " machine=", u.machine);
	else
		put_line("uname=<uname failed>", NULL, NULL, NULL);

	boot = num_param(cmdline, "charon.boot");
	kexecs = num_param(cmdline, "charon.kexec");
	if (boot < kexecs)
		kexec_next(cmdline, boot);

	sync();
	reboot(RB_POWER_OFF);

	/* power-off returned: stay here rather than let init exit (a panic) */
	for (;;)
		pause();
}
