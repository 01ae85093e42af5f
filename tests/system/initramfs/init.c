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
 *
 * In the kdump initramfs (docs/testing.md, "kdump") charon.kdump=1 makes
 * the first kernel load a crash kernel through the stub (charon load
 * --crash: the same kernel, the initrd found as above, its own command line
 * without crashkernel=, charon.kdump= and charon.flip-crash=, plus
 * charon.kdump=dump and the dump kernel's usual additions) and crash:
 *
 *   CHARON-MARKER: kdump-load initrd=<file> append=<command line>
 *   (the output of charon load --crash, charon status)
 *   CHARON-MARKER: kdump-loaded            (or: kdump-load-failed rc=N)
 *   CHARON-MARKER: kdump-crash             (then "c" to /proc/sysrq-trigger)
 *
 * charon.flip-crash=LABEL becomes --flip-bit LABEL, charon.fail=POLICY
 * --fail POLICY; charon.kdump-reuse=1 passes --reuse-cmdline with only the
 * additions in --append (charon load must then drop crashkernel= itself);
 * charon.verbose-stub=1 and charon.kdump-prerelocate=1 pass --verbose-stub
 * and --prerelocate.
 * charon.kdump-tool=kexec-tools loads the same kernel, initrd and command
 * line with Debian's kexec-tools instead, as a distribution does, without
 * charon's stub (tests/system/kdump_compare.py), its stderr on the console:
 *
 *   CHARON-MARKER: kdump-tool kexec-tools: /sbin/kexec -p /boot/vmlinuz ...
 *   CHARON-MARKER: kdump-load initrd=<file> append=<command line>
 *   (the output of kexec -p)
 *   CHARON-MARKER: kexec_crash_loaded=<0|1>
 *   CHARON-MARKER: kdump-loaded            (or: kdump-load-failed rc=N)
 * The dump kernel (/proc/vmcore exists, whatever the command line says)
 * checks the dump and powers off:
 *
 *   CHARON-MARKER: kdump-dump-kernel vmcore-bytes=N crashkernel=<yes|no>
 *   CHARON-MARKER: meminfo MemTotal=N kB MemFree=N kB
 *   CHARON-MARKER: makedumpfile rc=N bytes=M     (-F -c -d 31, counted)
 *   CHARON-MARKER: dmesg tool=makedumpfile rc=N sysrq=<yes|no>
 *   CHARON-MARKER: dmesg tool=vmcore-dmesg rc=N sysrq=<yes|no>
 *   CHARON-MARKER: module <file> rc=N[ (<errno text>)] loaded=<yes|no>
 *   CHARON-MARKER: kernel-code iomem=<0x..|none> _stext=<0x..|none>
 *   CHARON-MARKER: kdump-done
 *
 * charon.kdump-selftest=1 (any kernel) runs the same programs without a
 * dump: makedumpfile -v (its version), vmcore-dmesg with no argument (usage),
 * the insmod, the kernel-code line, to prove the libraries resolve.
 *
 * charon.kexec-tool=kexec-tools does the kexec with Debian's kexec -l and
 * kexec -e instead (the kdump initramfs has it), for comparisons.
 *
 * charon.efi=1 (the UEFI kexec tests, tests/system/test_uefi.py) first
 * reports what this boot has of UEFI and ACPI, then goes on as above:
 *
 *   CHARON-MARKER: efi systab=<yes|no> runtime-map=N acpi-tables=N
 *   CHARON-MARKER: efivar name=NAME bytes=N data=HEX   (its first 32 bytes)
 *                  (or: efivar none rc=ERRNO: efivarfs did not mount or
 *                  lists nothing)
 *
 * charon.capture=1 prints what `charon load --crash` reads, for
 * tests/system/capture_crash_roots.py to turn into a test root, one line
 * per 1 KiB of each file (its bytes in hex; /proc/kcore: its first 16 KiB):
 *
 *   CHARON-MARKER: capture PATH OFFSET HEX
 *   CHARON-MARKER: capture-done
 */
#define _GNU_SOURCE		/* nftw() */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MARKER "CHARON-MARKER: "
#define CHARON "/bin/charon"
#define RETAINED_INITRD "/sys/firmware/initrd"
#define REBUILT_INITRD "/kexec-initrd.cpio"
#define KEXEC_TOOLS_BIN "/sbin/kexec"	/* the kdump initramfs only */

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
	if (S_ISLNK(st->st_mode)) {
		/* the kdump initramfs' ld.so links: the target is the data */
		r = readlink(path, buf, sizeof(buf));
		if (r < 0 || cpio_header(path + 1, st->st_mode, r, 0) ||
		    write_all(cpio_fd, buf, r))
			return -1;
		return write_all(cpio_fd, pad, (4 - r % 4) % 4);
	}
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
 * (not of what is mounted on it: /proc, /sys, /run), and symlink.  NULL
 * on failure.
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
	char fail[32], flip[32], from[64], tool[32];
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

	/* charon.kexec-tool=kexec-tools: the same load with Debian's kexec
	 * (the kdump initramfs), for docs/kexec.md's side by side */
	if (param(cmdline, "charon.kexec-tool", tool, sizeof(tool)) &&
	    !strcmp(tool, "kexec-tools")) {
		static char kt_initrd[300], kt_append[sizeof(append) + 16];
		char *kt[] = { KEXEC_TOOLS_BIN, "-l", "/boot/vmlinuz",
			       kt_initrd, kt_append, NULL };
		char *kte[] = { KEXEC_TOOLS_BIN, "-e", NULL };

		snprintf(kt_initrd, sizeof(kt_initrd), "--initrd=%s", initrd);
		snprintf(kt_append, sizeof(kt_append), "--append=%s", append);
		rc = run(kt);
		if (rc) {
			kexec_failed("kexec-tools-load", rc);
			return;
		}
		kexec_failed("kexec-tools-exec", run(kte));
		return;
	}
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

/* ---- UEFI (charon.efi=1) --------------------------------------------- */

#define EFI_MODULE "/lib/efi-modules/efivarfs.ko"
#define EFIVARS "/sys/firmware/efi/efivars"

static unsigned int count_entries(const char *dir, int dirs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    (dirs ? e->d_type == DT_DIR : e->d_type == DT_REG))
			n++;
	if (d)
		closedir(d);
	return n;
}

/*
 * What this kernel has of UEFI: the system table, the runtime map, ACPI,
 * and one EFI variable read through efivarfs (GetVariable(), a runtime
 * service: only a kernel that kept EFI runtime services can).  BootOrder
 * when there is one, else the first listed.
 */
static void efi_report(void)
{
	static const char want[] = "BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c";
	char msg[160], name[256] = "", path[300], hex[65];
	unsigned char buf[36];
	struct dirent *e;
	ssize_t r = -1;
	DIR *d;
	int fd;

	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	fd = open(EFI_MODULE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		syscall(SYS_finit_module, fd, "", 0);
		close(fd);
	}
	snprintf(msg, sizeof(msg), "systab=%s runtime-map=%u acpi-tables=%u",
		 access("/sys/firmware/efi/systab", F_OK) ? "no" : "yes",
		 count_entries("/sys/firmware/efi/runtime-map", 1),
		 count_entries("/sys/firmware/acpi/tables", 0));
	put_line("efi ", msg, NULL, NULL);
	if (mount("efivarfs", EFIVARS, "efivarfs", MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) && errno != EBUSY) {
		snprintf(msg, sizeof(msg), "efivar none rc=%d", errno);
		put_line(msg, NULL, NULL, NULL);
		return;
	}
	d = opendir(EFIVARS);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!name[0] || !strcmp(e->d_name, want))
			snprintf(name, sizeof(name), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/%s", EFIVARS, name);
	fd = name[0] ? open(path, O_RDONLY) : -1;
	if (fd >= 0) {
		r = read(fd, buf, sizeof(buf));	/* u32 attributes, data */
		close(fd);
	}
	if (r < 4) {
		snprintf(msg, sizeof(msg), "efivar none rc=%d", r < 0 ? errno : 0);
		put_line(msg, NULL, NULL, NULL);
		return;
	}
	for (ssize_t i = 4; i < r; i++)
		snprintf(hex + 2 * (i - 4), 3, "%02x", buf[i]);
	hex[2 * (r - 4)] = '\0';
	snprintf(msg, sizeof(msg), " bytes=%zd data=", r - 4);
	put_line("efivar name=", name, msg, hex);
}

/* ---- kdump (the kdump initramfs) ------------------------------------- */

#define KDUMP_MODULES "/lib/modules"
#define MAKEDUMPFILE "/usr/bin/makedumpfile"
#define VMCORE_DMESG "/sbin/vmcore-dmesg"
#define VMCORE "/proc/vmcore"
#define KEXEC_TOOLS "/sbin/kexec"

/* what the dump kernel's command line gets besides charon.kdump=dump */
#if defined(__x86_64__)
#define KDUMP_ADDITIONS "maxcpus=1 reset_devices irqpoll"
#else
#define KDUMP_ADDITIONS "nr_cpus=1"
#endif

/* the lines Linux 6.1 logs for "c" written to /proc/sysrq-trigger
 * (drivers/tty/sysrq.c: the op's action_msg, then its panic()) */
static const char *const sysrq_lines[] = {
	"sysrq: Trigger a crash", "Kernel panic - not syncing: sysrq triggered crash",
};

static void mount_sys_run(void)
{
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mkdir("/run", 0755);
	mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mkdir("/tmp", 01777);
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setenv("TMPDIR", "/tmp", 1);
}

/* cmdline without its words starting with any of drop[] (NULL-ended) */
static void strip_words(const char *cmdline, const char *const drop[],
			char *out, size_t size)
{
	const char *w = cmdline;
	size_t n, o = 0;
	unsigned int i;

	out[0] = '\0';
	while (*w && o < size) {
		int keep = 1;

		n = strcspn(w, " ");
		for (i = 0; drop[i]; i++)
			if (!strncmp(w, drop[i], strlen(drop[i])))
				keep = 0;
		if (keep)
			o += snprintf(out + o, size - o, "%s%.*s", o ? " " : "",
				      (int)n, w);
		w += n;
		w += strspn(w, " ");
	}
}

/* Is word (a "name=" prefix) on cmdline? */
static int has_word(const char *cmdline, const char *prefix)
{
	const char *w = cmdline;

	while (*w) {
		if (!strncmp(w, prefix, strlen(prefix)))
			return 1;
		w += strcspn(w, " ");
		w += strspn(w, " ");
	}
	return 0;
}

static int grep_first(const char *file, const char *key, char *out, size_t size);

/*
 * First kernel: load the crash kernel through the stub and crash.  Returns
 * only if charon load failed or the crash did not happen.
 */
static void kdump_load(const char *cmdline)
{
	static const char *const drop[] = { "crashkernel=", "charon.kdump=",
		"charon.flip-crash=", "charon.kdump-reuse=", "charon.kdump-tool=",
		"charon.kdump-prerelocate=",
		NULL };
	static char append[8192 + 128], stripped[8192];
	static char kt_initrd[300], kt_append[sizeof(append) + 16];
	char flip[32], fail[32], rcs[16], reuse[8], tool[32], loaded[64];
	char *kt[] = { KEXEC_TOOLS, "-p", "/boot/vmlinuz", kt_initrd, kt_append,
		       NULL };
	char *load[24] = { CHARON, "load", "--crash", "--stub",
			   "/boot/charon-stub.bin", "--kernel", "/boot/vmlinuz",
			   "--initrd", NULL };
	char *status[] = { CHARON, "status", NULL };
	unsigned int n = 9;
	const char *initrd;
	int rc, fd;

	mount_sys_run();
	initrd = next_initrd();
	if (!initrd) {
		snprintf(rcs, sizeof(rcs), "%d", errno);
		put_line("kdump-load-failed step=initrd errno=", rcs, NULL, NULL);
		return;
	}
	load[8] = (char *)initrd;
	if (param(cmdline, "charon.kdump-reuse", reuse, sizeof(reuse)) &&
	    !strcmp(reuse, "1")) {
		/* charon load starts from /proc/cmdline and drops crashkernel= */
		snprintf(append, sizeof(append), "charon.kdump=dump %s",
			 KDUMP_ADDITIONS);
		load[n++] = "--reuse-cmdline";
	} else {
		strip_words(cmdline, drop, stripped, sizeof(stripped));
		snprintf(append, sizeof(append), "%s%scharon.kdump=dump %s",
			 stripped, *stripped ? " " : "", KDUMP_ADDITIONS);
	}
	load[n++] = "--append";
	load[n++] = append;
	load[n++] = "-v";
	if (param(cmdline, "charon.flip-crash", flip, sizeof(flip))) {
		load[n++] = "--flip-bit";
		load[n++] = flip;
	}
	if (param(cmdline, "charon.fail", fail, sizeof(fail))) {
		load[n++] = "--fail";
		load[n++] = fail;
	}
	if (num_param(cmdline, "charon.verbose-stub")) {
		load[n++] = "--verbose-stub";
	}
	if (num_param(cmdline, "charon.kdump-prerelocate")) {
		load[n++] = "--prerelocate";
	}
	load[n] = NULL;
	if (param(cmdline, "charon.kdump-tool", tool, sizeof(tool)) &&
	    !strcmp(tool, "kexec-tools")) {
		/* as Debian's kdump-config does without secure boot: kexec -p,
		 * --command-line (--append), --initrd, the kernel */
		snprintf(kt_initrd, sizeof(kt_initrd), "--initrd=%s", initrd);
		snprintf(kt_append, sizeof(kt_append), "--append=%s", append);
		put_line("kdump-tool kexec-tools: " KEXEC_TOOLS " -p /boot/vmlinuz ",
			 kt_initrd, " ", kt_append);
		put_line("kdump-load initrd=", initrd, " append=", append);
		rc = run(kt);
		if (grep_first("/sys/kernel/kexec_crash_loaded", "", loaded,
			       sizeof(loaded)))
			snprintf(loaded, sizeof(loaded), "unreadable");
		put_line("kexec_crash_loaded=", loaded, NULL, NULL);
	} else {
		put_line("kdump-load initrd=", initrd, " append=", append);
		rc = run(load);
		run(status);
	}
	if (rc) {
		snprintf(rcs, sizeof(rcs), "%d", rc);
		put_line("kdump-load-failed rc=", rcs, NULL, NULL);
		return;
	}
	put_line("kdump-loaded", NULL, NULL, NULL);
	sync();
	put_line("kdump-crash", NULL, NULL, NULL);
	/* the markers out of the tty before the panic stops the UART
	 * (x86_64's 8250 lost them behind kexec's output) */
	tcdrain(1);
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1) {
		snprintf(rcs, sizeof(rcs), "%d", errno);
		put_line("kdump-crash-failed errno=", rcs, NULL, NULL);
	}
	/* a crash that returned: no crash kernel took over */
	put_line("kdump-crash-returned", NULL, NULL, NULL);
}

/*
 * Run argv with its stdout into a pipe and return its status; *bytes is
 * how much it wrote there.  With keep, the output is also written to keep
 * (a file), else only counted.
 */
static int run_counted(char *const argv[], const char *keep,
		       unsigned long long *bytes)
{
	static char buf[65536];
	int p[2], st, out = -1;
	pid_t pid;
	ssize_t r;

	*bytes = 0;
	if (pipe(p))
		return 127;
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (keep)
		out = open(keep, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while ((r = read(p[0], buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		*bytes += r;
		if (out >= 0)
			write_all(out, buf, r);
	}
	close(p[0]);
	if (out >= 0)
		close(out);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return 127;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* Does file contain one of sysrq_lines? */
static const char *has_sysrq(const char *file)
{
	static char buf[1 << 20];
	ssize_t r;
	size_t n = 0;
	unsigned int i;
	int fd = open(file, O_RDONLY);

	if (fd < 0)
		return "no";
	/* the last MiB: the crash is at the end of the log */
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0) {
		n += r;
		if (n == sizeof(buf) - 1) {
			memmove(buf, buf + n / 2, n - n / 2);
			n -= n / 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	for (i = 0; i < sizeof(buf) && i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	for (i = 0; i < sizeof(sysrq_lines) / sizeof(sysrq_lines[0]); i++)
		if (strstr(buf, sysrq_lines[i]))
			return "yes";
	return "no";
}

/* the first line of file containing key (without its newline), in out */
static int grep_first(const char *file, const char *key, char *out, size_t size)
{
	FILE *f = fopen(file, "r");
	char l[512];

	if (!f)
		return -1;
	while (fgets(l, sizeof(l), f)) {
		if (strstr(l, key)) {
			l[strcspn(l, "\n")] = '\0';
			snprintf(out, size, "%s", l);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* where this kernel runs: /proc/iomem's "Kernel code" start, kallsyms' _stext */
static void report_kernel_code(void)
{
	char l[512], iomem[32] = "none", stext[32] = "none";

	if (!grep_first("/proc/iomem", " : Kernel code", l, sizeof(l))) {
		const char *p = l + strspn(l, " ");

		snprintf(iomem, sizeof(iomem), "0x%.*s", (int)strcspn(p, "-"), p);
	}
	if (!grep_first("/proc/kallsyms", " _stext", l, sizeof(l)))
		snprintf(stext, sizeof(stext), "0x%.*s", (int)strcspn(l, " "), l);
	put_line("kernel-code iomem=", iomem, " _stext=", stext);
}

/* insmod every *.ko in KDUMP_MODULES (the kdump initramfs has one) */
static void insmod_all(void)
{
	DIR *d = opendir(KDUMP_MODULES);
	struct dirent *e;
	char path[300], msg[200], name[64], l[128];
	int found = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		int fd, rc = 0;

		if (len < 4 || strcmp(e->d_name + len - 3, ".ko"))
			continue;
		found = 1;
		snprintf(path, sizeof(path), "%s/%s", KDUMP_MODULES, e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			rc = errno;
		if (fd >= 0)
			close(fd);
		/* /proc/modules names it with '_' for '-', without .ko */
		snprintf(name, sizeof(name), "%.*s ", (int)(len - 3), e->d_name);
		for (char *c = name; *c; c++)
			if (*c == '-')
				*c = '_';
		snprintf(msg, sizeof(msg), " rc=%d%s%s%s loaded=%s", rc,
			 rc ? " (" : "", rc ? strerror(rc) : "", rc ? ")" : "",
			 grep_first("/proc/modules", name, l, sizeof(l)) ? "no" : "yes");
		put_line("module ", e->d_name, msg, NULL);
	}
	if (d)
		closedir(d);
	if (!found)
		put_line("module none rc=-1 (no " KDUMP_MODULES "/*.ko)", NULL, NULL, NULL);
}

static void meminfo(void)
{
	char total[128] = "?", avail[128] = "?";

	grep_first("/proc/meminfo", "MemTotal:", total, sizeof(total));
	grep_first("/proc/meminfo", "MemFree:", avail, sizeof(avail));
	put_line("meminfo ", total, " ", avail);
}

static void rc_line(const char *what, int rc, const char *rest)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", rc);
	put_line(what, n, rest, NULL);
}

/* The dump kernel: what the dump holds, then insmod; returns to power off */
static void kdump_dump(const char *cmdline)
{
	char *mdf[] = { MAKEDUMPFILE, "-F", "-c", "-d", "31", VMCORE, NULL };
	char *mdmesg[] = { MAKEDUMPFILE, "--dump-dmesg", VMCORE,
			   "/tmp/dmesg.txt", NULL };
	char *vdmesg[] = { VMCORE_DMESG, VMCORE, NULL };
	unsigned long long bytes;
	struct stat st;
	char msg[96];
	int rc;

	mount_sys_run();
	snprintf(msg, sizeof(msg), "%lld crashkernel=%s",
		 stat(VMCORE, &st) ? -1LL : (long long)st.st_size,
		 has_word(cmdline, "crashkernel=") ? "yes" : "no");
	put_line("kdump-dump-kernel vmcore-bytes=", msg, NULL, NULL);
	meminfo();

	rc = run_counted(mdf, NULL, &bytes);
	snprintf(msg, sizeof(msg), " bytes=%llu", bytes);
	rc_line("makedumpfile rc=", rc, msg);

	unlink("/tmp/dmesg.txt");
	rc = run(mdmesg);
	snprintf(msg, sizeof(msg), " sysrq=%s", has_sysrq("/tmp/dmesg.txt"));
	rc_line("dmesg tool=makedumpfile rc=", rc, msg);

	rc = run_counted(vdmesg, "/tmp/vmcore-dmesg.txt", &bytes);
	snprintf(msg, sizeof(msg), " sysrq=%s bytes=%llu",
		 has_sysrq("/tmp/vmcore-dmesg.txt"), bytes);
	rc_line("dmesg tool=vmcore-dmesg rc=", rc, msg);

	insmod_all();
	report_kernel_code();
	meminfo();
	put_line("kdump-done", NULL, NULL, NULL);
}

/* any kernel: do the programs and the module work here at all? */
static void kdump_selftest(void)
{
	char *version[] = { MAKEDUMPFILE, "-v", NULL };
	char *usage[] = { VMCORE_DMESG, NULL };
	unsigned long long bytes;
	char msg[64];
	int rc;

	mount_sys_run();
	rc = run(version);
	rc_line("selftest makedumpfile-version rc=", rc, NULL);
	/* no argument: its usage and exit status; 127 if it cannot start */
	rc = run_counted(usage, NULL, &bytes);
	snprintf(msg, sizeof(msg), " stdout-bytes=%llu", bytes);
	rc_line("selftest vmcore-dmesg-usage rc=", rc, msg);
	insmod_all();
	report_kernel_code();
	meminfo();
	put_line("selftest-done", NULL, NULL, NULL);
}

/* one file's bytes (at most @max) as capture lines */
static void capture_file(const char *path, size_t max)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char buf[1024];	/* short lines: less to interleave */
	char hex[2 * sizeof(buf) + 1], off[32];
	size_t done = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while (done < max) {
		size_t want = max - done < sizeof(buf) ? max - done :
			      sizeof(buf);
		size_t i;

		r = read(fd, buf, want);
		if (r <= 0)
			break;
		for (i = 0; i < (size_t)r; i++) {
			hex[2 * i] = digits[buf[i] >> 4];
			hex[2 * i + 1] = digits[buf[i] & 15];
		}
		hex[2 * r] = '\0';
		snprintf(off, sizeof(off), " %zu ", done);
		put_line("capture ", path, off, hex);
		done += (size_t)r;
	}
	close(fd);
}

static int capture_one(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode))
		capture_file(path, 1 << 20);
	return 0;
}

/* charon.capture=1: the files charon load --crash reads */
static void capture(void)
{
	static const char *const files[] = {
		"/proc/iomem", "/proc/cmdline", "/sys/firmware/fdt",
		"/sys/devices/system/cpu/possible", "/sys/kernel/vmcoreinfo",
		"/proc/device-tree/chosen/linux,crashkernel-base",
		"/proc/device-tree/chosen/linux,crashkernel-size",
		"/proc/device-tree/chosen/linux,kernel-end",
		"/proc/device-tree/ibm,opal/opal-base-address",
		"/proc/device-tree/ibm,opal/opal-entry-address",
		"/sys/firmware/efi/systab",
		/* arm64 on ACPI: the console and the PSCI conduit */
		"/sys/firmware/acpi/tables/SPCR",
		"/sys/firmware/acpi/tables/FACP",
		/* x86_64 on UEFI: efi_info, and what SETUP_EFI carries */
		"/sys/kernel/boot_params/data",
		"/sys/firmware/efi/fw_vendor", "/sys/firmware/efi/runtime",
		"/sys/firmware/efi/config_table",
	};
	char path[128], sym[128];
	unsigned int i;

	mount_sys_run();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		capture_file(files[i], 1 << 20);
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/crash_notes", i);
		capture_file(path, 64);
		strcat(path, "_size");
		capture_file(path, 64);
	}
	nftw("/sys/firmware/memmap", capture_one, 8, FTW_PHYS);
	nftw("/sys/firmware/efi/runtime-map", capture_one, 8, FTW_PHYS);
	/* /proc/kcore: its ELF and program headers are in its first bytes */
	capture_file("/proc/kcore", 16384);
	/* arm has no kcore: charon reads _stext's line of kallsyms */
	if (!grep_first("/proc/kallsyms", " T _stext", sym, sizeof(sym)))
		put_line("capture-line /proc/kallsyms ", sym, NULL, NULL);
	put_line("capture-done", NULL, NULL, NULL);
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
	if (num_param(cmdline, "charon.efi"))
		efi_report();
	if (!access(VMCORE, F_OK))
		kdump_dump(cmdline);
	else if (num_param(cmdline, "charon.kdump-selftest"))
		kdump_selftest();
	else if (num_param(cmdline, "charon.capture"))
		capture();
	else if (has_word(cmdline, "charon.kdump=dump"))
		put_line("kdump-dump-kernel-without-vmcore", NULL, NULL, NULL);
	else if (num_param(cmdline, "charon.kdump"))
		kdump_load(cmdline);
	else if (boot < kexecs)
		kexec_next(cmdline, boot);

	sync();
	reboot(RB_POWER_OFF);

	/* power-off returned: stay here rather than let init exit (a panic) */
	for (;;)
		pause();
}
