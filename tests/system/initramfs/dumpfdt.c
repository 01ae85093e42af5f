// SPDX-License-Identifier: MIT
/*
 * /init that dumps the flattened device tree the kernel was booted with
 * (/sys/firmware/fdt) to the console, then powers off.  charon uses it to
 * capture the FDT that powernv firmware (skiboot) builds, which QEMU gives
 * no other way to read (loader/powernv.c, <charon/powernv.h>).
 *
 * Output, each line written with a single write(2):
 *
 *   CHARON-FDT: begin size=<bytes, decimal>
 *   CHARON-FDT: <offset, 6 hex digits> <up to 32 bytes in hex>
 *   ...
 *   CHARON-FDT: end size=<bytes> fnv1a32=<8 hex digits>
 *
 * or, when the tree cannot be read, "CHARON-FDT: error <what> errno=<n>".
 * fnv1a32 is the 32-bit FNV-1a hash of the whole blob, so the reader knows
 * it got every byte back.  Built static by scripts/mkinitramfs
 * (--init-src tests/system/initramfs/dumpfdt.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER		"CHARON-FDT: "
#define PER_LINE	32
#define FDT_MAX		(4u << 20)

static void put(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		ssize_t r = write(1, s + i, n - i);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return;
		}
		i += (size_t)r;
	}
}

static void put_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void put_line(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%s", MARKER);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2) {
		n = (int)sizeof(line) - 2;
	}
	line[n++] = '\n';
	put(line, (size_t)n);
}

/* the same console fallback as init.c: no /dev/console node in the archive */
static void console_setup(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0) {
		return;
	}
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0) {
		return;
	}
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2) {
		close(fd);
	}
}

static unsigned char *read_fdt(size_t *len)
{
	unsigned char *buf = malloc(FDT_MAX);
	size_t n = 0;
	int fd;

	if (!buf) {
		put_line("error malloc errno=%d", ENOMEM);
		return NULL;
	}
	mkdir("/sys", 0555);
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) && errno != EBUSY) {
		put_line("error mount-sysfs errno=%d", errno);
		return NULL;
	}
	fd = open("/sys/firmware/fdt", O_RDONLY);
	if (fd < 0) {
		put_line("error open-/sys/firmware/fdt errno=%d", errno);
		return NULL;
	}
	while (n < FDT_MAX) {
		ssize_t r = read(fd, buf + n, FDT_MAX - n);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			put_line("error read errno=%d", errno);
			close(fd);
			return NULL;
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

static void dump(const unsigned char *b, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t h = 0x811c9dc5u;
	size_t off, i;

	put_line("begin size=%zu", len);
	for (off = 0; off < len; off += PER_LINE) {
		char data[2 * PER_LINE + 1];
		size_t n = len - off < PER_LINE ? len - off : PER_LINE;

		for (i = 0; i < n; i++) {
			data[2 * i] = hex[b[off + i] >> 4];
			data[2 * i + 1] = hex[b[off + i] & 15];
			h = (h ^ b[off + i]) * 0x01000193u;
		}
		data[2 * n] = '\0';
		put_line("%06zx %s", off, data);
	}
	put_line("end size=%zu fnv1a32=%08x", len, h);
}

int main(void)
{
	unsigned char *fdt;
	size_t len = 0;

	console_setup();
	fdt = read_fdt(&len);
	if (fdt) {
		dump(fdt, len);
	}
	sync();
	reboot(RB_POWER_OFF);
	for (;;) {
		pause();
	}
}
