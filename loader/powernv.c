// SPDX-License-Identifier: MIT
/*
 * powernv: the stub's ELF wrapper for skiboot, the capture and cache of the
 * device tree skiboot builds, and what the loader reads from that tree
 * (see <charon/powernv.h> for the verified skiboot facts).
 *
 * The capture boots a ppc64le Linux kernel under QEMU with an initramfs
 * whose /init (tests/system/initramfs/dumpfdt.c) prints /sys/firmware/fdt
 * as hex lines between marker lines, then stops QEMU as soon as the last
 * line is in: skiboot cannot power the machine off without a BMC.
 */
#define _GNU_SOURCE	/* memmem */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <charon/digest.h>
#include <charon/fdt.h>
#include <charon/file.h>
#include <charon/powernv.h>

typedef unsigned long long ull;

#define EHDR(f)		offsetof(Elf64_Ehdr, f)
#define PHDR(f)		offsetof(Elf64_Phdr, f)
#define SHDR(f)		offsetof(Elf64_Shdr, f)
#define STUB_PHOFF	sizeof(Elf64_Ehdr)
#define STUB_STROFF	(STUB_PHOFF + sizeof(Elf64_Phdr))
#define STUB_NSHDR	3
#define STUB_PALIGN	0x10000u

static const char stub_shstr[] = "\0.text\0.shstrtab";	/* + final NUL */
#define SHSTR_TEXT	1
#define SHSTR_SHSTRTAB	7

_Static_assert(STUB_STROFF + sizeof(stub_shstr) <=
	       CHARON_POWERNV_STUB_MIN_OFF, "stub ELF headers fit");

#define DEFAULT_QEMU	"qemu-system-ppc64"
#define DEFAULT_MACHINE	"powernv9"
#define DEFAULT_MEMORY	"2G"
#define DEFAULT_TIMEOUT	600u
#define CAPTURE_APPEND	"console=hvc0 quiet"
#define OUTPUT_MAX	((size_t)64 << 20)
#define MAX_ARGS	64
#define KEY_VERSION	"charon powernv fdt capture v1"

/* ---- the stub ELF -------------------------------------------------------- */

static void put_ehdr(uint8_t *b, enum charon_endian e, uint64_t entry,
		     uint64_t shoff)
{
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = e == CHARON_BE ? ELFDATA2MSB : ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	b[EI_OSABI] = ELFOSABI_NONE;
	charon_put16(b + EHDR(e_type), ET_EXEC, e);
	charon_put16(b + EHDR(e_machine), EM_PPC64, e);
	charon_put32(b + EHDR(e_version), EV_CURRENT, e);
	charon_put64(b + EHDR(e_entry), entry, e);
	charon_put64(b + EHDR(e_phoff), STUB_PHOFF, e);
	charon_put64(b + EHDR(e_shoff), shoff, e);
	/* ELFv2 for little-endian, ELFv1 for big-endian, as Linux's are */
	charon_put32(b + EHDR(e_flags), e == CHARON_BE ? 1 : 2, e);
	charon_put16(b + EHDR(e_ehsize), sizeof(Elf64_Ehdr), e);
	charon_put16(b + EHDR(e_phentsize), sizeof(Elf64_Phdr), e);
	charon_put16(b + EHDR(e_phnum), 1, e);
	charon_put16(b + EHDR(e_shentsize), sizeof(Elf64_Shdr), e);
	charon_put16(b + EHDR(e_shnum), STUB_NSHDR, e);
	charon_put16(b + EHDR(e_shstrndx), 2, e);
}

static void put_phdr(uint8_t *p, enum charon_endian e, uint64_t offset,
		     uint64_t addr, uint64_t filesz, uint64_t memsz)
{
	charon_put32(p + PHDR(p_type), PT_LOAD, e);
	charon_put32(p + PHDR(p_flags), PF_R | PF_W | PF_X, e);
	charon_put64(p + PHDR(p_offset), offset, e);
	charon_put64(p + PHDR(p_vaddr), addr, e);
	charon_put64(p + PHDR(p_paddr), addr, e);
	charon_put64(p + PHDR(p_filesz), filesz, e);
	charon_put64(p + PHDR(p_memsz), memsz, e);
	charon_put64(p + PHDR(p_align), STUB_PALIGN, e);
}

static void put_shdr(uint8_t *s, enum charon_endian e, uint32_t name,
		     uint32_t type, uint64_t flags, uint64_t addr,
		     uint64_t offset, uint64_t size, uint64_t align)
{
	charon_put32(s + SHDR(sh_name), name, e);
	charon_put32(s + SHDR(sh_type), type, e);
	charon_put64(s + SHDR(sh_flags), flags, e);
	charon_put64(s + SHDR(sh_addr), addr, e);
	charon_put64(s + SHDR(sh_offset), offset, e);
	charon_put64(s + SHDR(sh_size), size, e);
	charon_put32(s + SHDR(sh_link), 0, e);
	charon_put32(s + SHDR(sh_info), 0, e);
	charon_put64(s + SHDR(sh_addralign), align, e);
	charon_put64(s + SHDR(sh_entsize), 0, e);
}

/**
 * charon_ppc64_stub_elf() - wrap a ppc64 stub image in an ELF that skiboot
 *	starts in place (QEMU -M powernv9 -kernel)
 * @name: the image's file name, for messages
 * @image: the flat stub image; its first byte is where it is entered
 * @len: its size (p_filesz)
 * @mem_size: bytes the stub occupies from its first byte (p_memsz); at
 *	least @len.  Nobody clears the bytes past @len: the stub must.
 * @p_offset: the image's offset in the ELF file: the stub runs at
 *	0x20000000 + @p_offset.  A multiple of 0x100, at least 0x100, and
 *	the whole @mem_size below 0x28000000 (where QEMU puts -initrd).
 * @entry_offset: where skiboot enters, as an offset in the image (the
 *	stub header's entry2_offset, its firmware entry); 4-byte aligned,
 *	inside the image
 * @endian: the ELF's byte order; skiboot enters both big-endian
 * @out: set to the malloc'd ELF (free() it)
 * @out_len: its size
 * @err: error message on failure
 *
 *	0x00	  Elf64_Ehdr	ET_EXEC, EM_PPC64, e_entry = p_vaddr
 *				+ @entry_offset,
 *				e_flags 2 (LE) or 1 (BE)
 *	0x40	  Elf64_Phdr	PT_LOAD: p_vaddr = p_paddr = 0x20000000
 *				+ @p_offset, RWX, p_align 0x10000
 *	0x78	  .shstrtab bytes
 *	@p_offset the image
 *	after it  Elf64_Shdr[3]	null, .text (SHF_ALLOC|SHF_EXECINSTR|
 *				SHF_WRITE over the image: without it
 *				skiboot reads a BE e_entry as a
 *				function descriptor), .shstrtab
 *
 * Return: 0, -EINVAL or -ERANGE for unusable arguments (naming them), or
 * -ENOMEM.
 */
int charon_ppc64_stub_elf(const char *name, const void *image, size_t len,
			  uint64_t mem_size, uint64_t p_offset,
			  uint32_t entry_offset, enum charon_endian endian,
			  void **out, size_t *out_len, struct charon_err *err)
{
	uint64_t addr = CHARON_POWERNV_KERNEL_ADDR + p_offset;
	uint64_t shoff, n;
	uint8_t *b, *sh;

	*out = NULL;
	*out_len = 0;
	if (len == 0 || mem_size < len) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: image is 0x%zx bytes and mem_size 0x%llx; want a non-empty image no larger than mem_size",
				   name, len, (ull)mem_size);
	}
	if (p_offset % CHARON_POWERNV_STUB_ALIGN ||
	    p_offset < CHARON_POWERNV_STUB_MIN_OFF) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: p_offset 0x%llx: want a multiple of 0x%x, at least 0x%x (the ELF headers come first)",
				   name, (ull)p_offset,
				   CHARON_POWERNV_STUB_ALIGN,
				   CHARON_POWERNV_STUB_MIN_OFF);
	}
	if (p_offset > CHARON_POWERNV_INITRD_ADDR ||
	    mem_size > CHARON_POWERNV_INITRD_ADDR - addr) {
		return charon_errf(err, -ERANGE,
				   "stub-elf: %s: the stub at 0x%llx (p_offset 0x%llx) with 0x%llx bytes would reach past 0x%llx, where QEMU loads -initrd",
				   name, (ull)addr, (ull)p_offset,
				   (ull)mem_size, CHARON_POWERNV_INITRD_ADDR);
	}
	if (entry_offset % 4 || entry_offset >= len) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: entry offset 0x%x: want a 4-byte aligned offset inside the 0x%zx-byte image",
				   name, entry_offset, len);
	}
	if (endian != CHARON_LE && endian != CHARON_BE) {
		return charon_errf(err, -EINVAL, "stub-elf: %s: byte order %d",
				   name, (int)endian);
	}
	shoff = (p_offset + len + 7) & ~(uint64_t)7;
	n = shoff + STUB_NSHDR * sizeof(Elf64_Shdr);
	b = calloc(1, n);
	if (!b) {
		return charon_errf(err, -ENOMEM, "stub-elf: %s: out of memory",
				   name);
	}
	put_ehdr(b, endian, addr + entry_offset, shoff);
	put_phdr(b + STUB_PHOFF, endian, p_offset, addr, len, mem_size);
	memcpy(b + STUB_STROFF, stub_shstr, sizeof(stub_shstr));
	memcpy(b + p_offset, image, len);
	sh = b + shoff;
	put_shdr(sh + sizeof(Elf64_Shdr), endian, SHSTR_TEXT, SHT_PROGBITS,
		 SHF_ALLOC | SHF_EXECINSTR | SHF_WRITE, addr, p_offset, len,
		 4);
	put_shdr(sh + 2 * sizeof(Elf64_Shdr), endian, SHSTR_SHSTRTAB,
		 SHT_STRTAB, 0, 0, STUB_STROFF, sizeof(stub_shstr), 1);
	*out = b;
	*out_len = n;
	return 0;
}

/* ---- running QEMU -------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the output so far holds a complete line containing @stop */
static bool has_stop_line(const char *buf, size_t n, const char *stop)
{
	const char *p = buf, *end = buf + n, *hit;

	while ((hit = memmem(p, end - p, stop, strlen(stop)))) {
		if (memchr(hit, '\n', end - hit)) {
			return true;
		}
		p = hit + 1;
	}
	return false;
}

/*
 * Run @argv with stdin from /dev/null and stdout+stderr into *@out (NUL
 * terminated), until it exits, a complete line with @stop arrives (then
 * it is killed: SIGKILL to the pid we forked), or @timeout seconds pass.
 * Return: 0 when it exited 0 or @stop was seen; else a negative errno
 * code with the reason in @err.
 */
static int run_child(char *const argv[], const char *stop,
		     unsigned int timeout, char **out, size_t *out_len,
		     struct charon_err *err)
{
	double deadline = now() + timeout;
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	int fds[2], status = 0, rc = 0, devnull;
	bool stopped = false;
	pid_t pid;

	*out = NULL;
	*out_len = 0;
	if (!buf) {
		return charon_errf(err, -ENOMEM, "%s: out of memory", argv[0]);
	}
	if (pipe(fds)) {
		rc = -errno;
		free(buf);
		return charon_errf(err, rc, "%s: pipe: %s", argv[0],
				   strerror(-rc));
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		free(buf);
		return charon_errf(err, rc, "%s: fork: %s", argv[0],
				   strerror(-rc));
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0) {
			dup2(devnull, 0);
		}
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		double left = deadline - now();
		ssize_t r;

		if (left <= 0) {
			rc = charon_errf(err, -ETIMEDOUT,
					 "%s: no result after %u s", argv[0],
					 timeout);
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) {
			continue;
		}
		if (cap - n < 4096) {
			char *nb = cap < OUTPUT_MAX ? realloc(buf, cap * 2) :
				NULL;

			if (!nb) {
				rc = charon_errf(err, -EFBIG,
						 "%s: more than %zu bytes of output",
						 argv[0], cap);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			break;		/* EOF: it exited */
		}
		n += (size_t)r;
		if (stop && has_stop_line(buf, n, stop)) {
			stopped = true;
			break;
		}
	}
	close(fds[0]);
	if (stopped || rc) {
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	buf[n] = '\0';
	if (!rc && !stopped && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		rc = charon_errf(err, -EIO, "%s: %s %d%s", argv[0],
				 WIFEXITED(status) ? "exited with status" :
				 "killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) :
				 WTERMSIG(status),
				 stop ? " before the end of the dump" : "");
	}
	*out = buf;
	*out_len = n;
	return rc;
}

/* append the last lines of QEMU's output to the message */
static void err_tail(struct charon_err *err, const char *out, size_t n)
{
	size_t used = strlen(err->msg), start = n > 600 ? n - 600 : 0;

	snprintf(err->msg + used, sizeof(err->msg) - used,
		 "; its output ends:\n%s", out + start);
}

/* ---- the cache key ------------------------------------------------------- */

static size_t add_text(char *text, size_t len, size_t at, const char *s)
{
	int r = snprintf(text + (at < len ? at : len),
			 at < len ? len - at : 0, "%s\n", s);

	return at + (r > 0 ? (size_t)r : 0);
}

/**
 * charon_powernv_fdt_key() - the cache key of a machine configuration
 * @o: the capture options (QEMU binary and machine options are used)
 * @key: 16 hex digits of the SHA-256 of @text, NUL-terminated
 * @key_len: at least 17
 * @text: the text hashed, one item a line: a format version, QEMU's
 *	--version line, then -M, -m, -smp and the extra options
 * @text_len: its buffer size
 * @err: error message on failure
 *
 * The tree depends on QEMU (and the skiboot it ships) and on the machine
 * options, not on the kernel that dumps it.  Runs `QEMU --version`.
 *
 * Return: 0 or a negative errno code (QEMU missing, text too long).
 */
int charon_powernv_fdt_key(const struct charon_powernv_opts *o, char *key,
			   size_t key_len, char *text, size_t text_len,
			   struct charon_err *err)
{
	const char *qemu = o->qemu ? o->qemu : DEFAULT_QEMU;
	char *argv[] = { (char *)qemu, "--version", NULL };
	uint8_t d[CHARON_DIGEST_LEN];
	char *out, *nl, line[128];
	size_t n, at = 0;
	int i, rc;

	if (key_len < 17) {
		return charon_errf(err, -EINVAL, "powernv: key buffer too small");
	}
	rc = run_child(argv, NULL, 60, &out, &n, err);
	if (rc) {
		free(out);
		return rc;
	}
	nl = strchr(out, '\n');
	if (nl) {
		*nl = '\0';
	}
	snprintf(line, sizeof(line), "qemu %s", out);
	free(out);
	at = add_text(text, text_len, at, KEY_VERSION);
	at = add_text(text, text_len, at, line);
	at = add_text(text, text_len, at, "-M");
	at = add_text(text, text_len, at, o->machine ? o->machine :
		      DEFAULT_MACHINE);
	at = add_text(text, text_len, at, "-m");
	at = add_text(text, text_len, at, o->memory ? o->memory :
		      DEFAULT_MEMORY);
	if (o->smp) {
		at = add_text(text, text_len, at, "-smp");
		at = add_text(text, text_len, at, o->smp);
	}
	for (i = 0; o->extra && o->extra[i]; i++) {
		at = add_text(text, text_len, at, o->extra[i]);
	}
	if (at >= text_len) {
		return charon_errf(err, -E2BIG,
				   "powernv: the machine options are longer than %zu bytes",
				   text_len);
	}
	rc = charon_sha256(text, at, d, err);
	if (rc) {
		return rc;
	}
	for (i = 0; i < 8; i++) {
		snprintf(key + 2 * i, 3, "%02x", d[i]);
	}
	return 0;
}

/**
 * charon_powernv_capture_kernel() - can a kernel file dump skiboot's tree?
 * @path: a file
 *
 * The capture boots a Linux kernel on powernv with a little-endian
 * userspace (the dumpfdt initramfs): it needs a little-endian ppc64 ELF.
 * Only the ELF header is read.
 *
 * Return: true for an ELF64, ELFDATA2LSB, EM_PPC64 file.
 */
bool charon_powernv_capture_kernel(const char *path)
{
	unsigned char h[20];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		return false;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	return n == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) &&
	       h[EI_CLASS] == ELFCLASS64 && h[EI_DATA] == ELFDATA2LSB &&
	       charon_get16(h + 18, CHARON_LE) == EM_PPC64;
}

/* ---- the dump ------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* one "CHARON-FDT: OFFSET HEX" line's payload, after the marker */
static int dump_data(const char *name, unsigned int lineno, const char *p,
		     const char *end, uint8_t *fdt, size_t size, size_t *have,
		     struct charon_err *err)
{
	unsigned long off;
	char *q;
	int hi, lo;

	off = strtoul(p, &q, 16);
	if (q == p || *q != ' ' || off != *have) {
		return charon_errf(err, -EINVAL,
				   "powernv: %s: dump line %u: expected data at offset 0x%zx: \"%.40s\"",
				   name, lineno, *have, p);
	}
	for (p = q + 1; p + 1 < end && *p != '\r' && *p != '\n'; p += 2) {
		hi = hexval(p[0]);
		lo = hexval(p[1]);
		if (hi < 0 || lo < 0 || *have >= size) {
			return charon_errf(err, -EINVAL,
					   "powernv: %s: dump line %u: %s at offset 0x%zx",
					   name, lineno, *have >= size ?
					   "more bytes than the size announced" :
					   "not a hex byte", *have);
		}
		fdt[(*have)++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static uint32_t fnv1a32(const uint8_t *p, size_t n)
{
	uint32_t h = 0x811c9dc5u;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ p[i]) * 0x01000193u;
	}
	return h;
}

/**
 * charon_powernv_parse_dump() - the device tree from dumpfdt's output
 * @name: where the output came from, for messages
 * @out: the console output (anything may surround the marker lines; a
 *	marker may follow other text on its line)
 * @out_len: its length
 * @fdt: set to the malloc'd blob
 * @fdt_len: its size
 * @err: error message on failure
 *
 * Every data line must continue at the offset where the previous ended;
 * the end line's size and FNV-1a hash must match the bytes read.
 *
 * Return: 0, -ENOENT (no dump, or the dumper's own error line), -EINVAL
 * (a damaged dump) or -ENOMEM.
 */
int charon_powernv_parse_dump(const char *name, const char *out,
			      size_t out_len, uint8_t **fdt, size_t *fdt_len,
			      struct charon_err *err)
{
	const char *p = out, *end = out + out_len, *m, *nl;
	size_t mlen = strlen(CHARON_POWERNV_DUMP_MARKER), size = 0, have = 0;
	unsigned long esize;
	unsigned int lineno = 0, hash;
	uint8_t *b = NULL;
	int rc = 0;

	*fdt = NULL;
	*fdt_len = 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl) {
			nl = end;
		}
		lineno++;
		m = memmem(p, nl - p, CHARON_POWERNV_DUMP_MARKER, mlen);
		if (!m) {
			continue;
		}
		m += mlen;
		if (!strncmp(m, "error ", 6)) {
			rc = charon_errf(err, -ENOENT,
					 "powernv: %s: the dumper failed: %.*s",
					 name, (int)(nl - m), m);
			break;
		}
		if (!strncmp(m, "begin size=", 11)) {
			size = strtoul(m + 11, NULL, 10);
			if (b || size < 40 || size > CHARON_FDT_MAX_SIZE) {
				rc = charon_errf(err, -EINVAL,
						 "powernv: %s: dump line %u: %s size %zu",
						 name, lineno, b ? "second begin," :
						 "unusable", size);
				break;
			}
			b = malloc(size);
			if (!b) {
				rc = charon_errf(err, -ENOMEM,
						 "powernv: %s: out of memory",
						 name);
				break;
			}
			continue;
		}
		if (!b) {
			continue;
		}
		if (!strncmp(m, "end size=", 9)) {
			if (sscanf(m + 9, "%lu fnv1a32=%x", &esize,
				   &hash) != 2 || esize != size ||
			    have != size || fnv1a32(b, size) != hash) {
				rc = charon_errf(err, -EINVAL,
						 "powernv: %s: dump line %u: the end line does not match the %zu bytes read of %zu (hash 0x%08x): \"%.60s\"",
						 name, lineno, have, size,
						 fnv1a32(b, have), m);
				break;
			}
			*fdt = b;
			*fdt_len = size;
			return 0;
		}
		rc = dump_data(name, lineno, m, nl, b, size, &have, err);
		if (rc) {
			break;
		}
	}
	free(b);
	if (!rc) {
		rc = charon_errf(err, b ? -EINVAL : -ENOENT,
				 "powernv: %s: %s", name,
				 b ? "the dump has no end line (cut short)" :
				 "no device tree dump in the output (no \"" CHARON_POWERNV_DUMP_MARKER "begin\" line)");
	}
	return rc;
}

/**
 * charon_powernv_clean_fdt() - drop what the capture run put in /chosen
 * @name: for messages
 * @fdt: the captured tree
 * @len: its size
 * @out: set to a malloc'd copy without /chosen bootargs,
 *	linux,initrd-start and linux,initrd-end (packed)
 * @out_len: its size
 * @err: error message on failure
 *
 * Those came from the capture's -append and -initrd; the cached tree
 * describes the machine only, and a boot adds its own.
 *
 * Return: 0 or a negative errno code.
 */
int charon_powernv_clean_fdt(const char *name, const void *fdt, size_t len,
			     void **out, size_t *out_len,
			     struct charon_err *err)
{
	static const char *const drop[] = { "bootargs", "linux,initrd-start",
					    "linux,initrd-end" };
	void *b;
	unsigned int i;
	int node, rc;

	*out = NULL;
	*out_len = 0;
	rc = charon_fdt_check(name, fdt, len, err);
	if (rc) {
		return rc;
	}
	b = malloc(len);
	if (!b) {
		return charon_errf(err, -ENOMEM, "powernv: out of memory");
	}
	rc = fdt_open_into(fdt, b, (int)len);
	node = rc ? rc : fdt_path_offset(b, "/chosen");
	for (i = 0; node >= 0 && i < sizeof(drop) / sizeof(drop[0]); i++) {
		rc = fdt_delprop(b, node, drop[i]);
		if (rc == -FDT_ERR_NOTFOUND) {
			rc = 0;
		}
		if (rc) {
			break;
		}
	}
	if (!rc && node != -FDT_ERR_NOTFOUND && node < 0) {
		rc = node;
	}
	if (!rc) {
		rc = fdt_pack(b);
	}
	if (rc) {
		free(b);
		return charon_errf(err, -EINVAL, "powernv: %s: libfdt: %s",
				   name, fdt_strerror(rc));
	}
	*out = b;
	*out_len = fdt_totalsize(b);
	return 0;
}

/* ---- the capture --------------------------------------------------------- */

static int mkdir_p(const char *dir, struct charon_err *err)
{
	char buf[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(buf)) {
		return charon_errf(err, -ENAMETOOLONG, "powernv: %s: too long",
				   dir);
	}
	memcpy(buf, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST) {
			return charon_errf(err, -errno,
					   "powernv: cannot create %s: %s",
					   buf, strerror(errno));
		}
		buf[i] = dir[i];
	}
	return 0;
}

/* the cached tree, if it is there and sound */
static bool cache_hit(const char *path)
{
	struct charon_err err;
	uint8_t *b;
	size_t n;
	bool ok;

	if (access(path, R_OK)) {
		return false;
	}
	if (charon_read_file(path, CHARON_FDT_MAX_SIZE, &b, &n, &err)) {
		return false;
	}
	ok = !charon_fdt_check(path, b, n, &err);
	free(b);
	return ok;
}

static int write_atomic(const char *path, const void *data, size_t len,
			struct charon_err *err)
{
	char tmp[4200];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	rc = charon_write_file(tmp, data, len, err);
	if (!rc && rename(tmp, path)) {
		rc = charon_errf(err, -errno, "powernv: rename %s: %s", tmp,
				 strerror(errno));
	}
	if (rc) {
		unlink(tmp);
	}
	return rc;
}

static int capture_argv(const struct charon_powernv_opts *o, char **argv,
			struct charon_err *err)
{
	int n = 0, i;

	argv[n++] = (char *)(o->qemu ? o->qemu : DEFAULT_QEMU);
	argv[n++] = "-M";
	argv[n++] = (char *)(o->machine ? o->machine : DEFAULT_MACHINE);
	argv[n++] = "-m";
	argv[n++] = (char *)(o->memory ? o->memory : DEFAULT_MEMORY);
	if (o->smp) {
		argv[n++] = "-smp";
		argv[n++] = (char *)o->smp;
	}
	for (i = 0; o->extra && o->extra[i]; i++) {
		if (n >= MAX_ARGS - 16) {
			return charon_errf(err, -E2BIG,
					   "powernv: too many machine options");
		}
		argv[n++] = (char *)o->extra[i];
	}
	argv[n++] = "-nodefaults";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-monitor";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = "stdio";
	argv[n++] = "-no-reboot";
	argv[n++] = "-kernel";
	argv[n++] = (char *)o->kernel;
	argv[n++] = "-initrd";
	argv[n++] = (char *)o->initrd;
	argv[n++] = "-append";
	argv[n++] = CAPTURE_APPEND;
	argv[n] = NULL;
	return 0;
}

/**
 * charon_powernv_fdt() - the device tree skiboot builds for a machine,
 *	captured once and cached
 * @o: QEMU, machine options, the dumping kernel and initramfs, the cache
 *	directory
 * @cap: where the tree is (@cap->path), whether it was a cache hit, how
 *	long QEMU ran
 * @err: error message on failure
 *
 * The cache file is @o->cache_dir/<key>.dtb, <key> from
 * charon_powernv_fdt_key(); a sound file there is used as is and nothing
 * runs.  Otherwise QEMU boots @o->kernel (-append "console=hvc0 quiet")
 * with @o->initrd, whose /init dumps /sys/firmware/fdt; QEMU is killed
 * once the dump's end line is in.  The dump is checked (offsets, size,
 * hash, libfdt's fdt_check_full), the capture's /chosen bootargs and
 * initrd properties are dropped, and the tree is written atomically next
 * to <key>.txt, the options it was captured with.
 *
 * Return: 0 or a negative errno code; QEMU's last output is in the
 * message when the dump is missing or damaged.
 */
int charon_powernv_fdt(const struct charon_powernv_opts *o,
		       struct charon_powernv_capture *cap,
		       struct charon_err *err)
{
	char text[2048], txt_path[4200], *argv[MAX_ARGS], *out = NULL;
	uint8_t *fdt = NULL;
	void *clean = NULL;
	size_t n = 0, fdt_len, clean_len;
	double t0;
	int rc;

	memset(cap, 0, sizeof(*cap));
	if (!o->cache_dir) {
		return charon_errf(err, -EINVAL, "powernv: no cache directory");
	}
	rc = charon_powernv_fdt_key(o, cap->key, sizeof(cap->key), text,
				    sizeof(text), err);
	if (rc) {
		return rc;
	}
	snprintf(cap->path, sizeof(cap->path), "%s/%s.dtb", o->cache_dir,
		 cap->key);
	if (cache_hit(cap->path)) {
		cap->cached = true;
		return 0;
	}
	if (!o->kernel || !o->initrd || access(o->kernel, R_OK) ||
	    access(o->initrd, R_OK)) {
		return charon_errf(err, -ENOENT,
				   "powernv: capturing the device tree needs a little-endian ppc64 Linux kernel and the dumpfdt initramfs: kernel %s%s, initramfs %s%s%s%s",
				   o->kernel ? o->kernel : "(none)",
				   o->kernel && access(o->kernel, R_OK) ?
				   " (missing)" : "",
				   o->initrd ? o->initrd : "(none)",
				   o->initrd && access(o->initrd, R_OK) ?
				   " (missing)" : "",
				   o->hint ? "; " : "", o->hint ? o->hint : "");
	}
	rc = capture_argv(o, argv, err);
	if (rc) {
		return rc;
	}
	t0 = now();
	rc = run_child(argv, CHARON_POWERNV_DUMP_MARKER "end ",
		       o->timeout ? o->timeout : DEFAULT_TIMEOUT, &out, &n,
		       err);
	cap->seconds = now() - t0;
	if (!rc) {
		rc = charon_powernv_parse_dump(argv[0], out, n, &fdt, &fdt_len,
					       err);
	}
	if (rc) {
		if (out) {
			err_tail(err, out, n);
		}
		free(out);
		return rc;
	}
	free(out);
	cap->size = fdt_len;
	rc = charon_powernv_clean_fdt("captured tree", fdt, fdt_len, &clean,
				      &clean_len, err);
	free(fdt);
	if (!rc) {
		rc = mkdir_p(o->cache_dir, err);
	}
	snprintf(txt_path, sizeof(txt_path), "%s/%s.txt", o->cache_dir,
		 cap->key);
	if (!rc) {
		rc = write_atomic(txt_path, text, strlen(text), err);
	}
	if (!rc) {
		rc = write_atomic(cap->path, clean, clean_len, err);
	}
	free(clean);
	return rc;
}

/* ---- reading the tree ---------------------------------------------------- */

static int read_u64_prop(const char *name, const void *fdt, int node,
			 const char *prop, uint64_t *v, struct charon_err *err)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p || (len != 8 && len != 4)) {
		return charon_errf(err, -EINVAL,
				   "powernv: %s: /ibm,opal %s is %s", name, prop,
				   p ? "not 1 or 2 cells" : "missing");
	}
	*v = len == 8 ? (uint64_t)fdt32_to_cpu(p[0]) << 32 |
		fdt32_to_cpu(p[1]) : fdt32_to_cpu(p[0]);
	return 0;
}

/**
 * charon_powernv_info() - OPAL addresses, boot CPU and console of a tree
 * @name: file name, for messages
 * @fdt: a checked skiboot device tree
 * @info: the result
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL when /ibm,opal or its addresses are missing.
 */
int charon_powernv_info(const char *name, const void *fdt,
			struct charon_powernv_info *info,
			struct charon_err *err)
{
	const char *s;
	int node, rc, len;

	memset(info, 0, sizeof(*info));
	node = fdt_path_offset(fdt, "/ibm,opal");
	if (node < 0) {
		return charon_errf(err, -EINVAL,
				   "powernv: %s: no /ibm,opal node: not an OPAL machine's tree",
				   name);
	}
	rc = read_u64_prop(name, fdt, node, "opal-base-address",
			   &info->opal_base, err);
	if (!rc) {
		rc = read_u64_prop(name, fdt, node, "opal-entry-address",
				   &info->opal_entry, err);
	}
	if (rc) {
		return rc;
	}
	info->boot_cpuid = fdt_boot_cpuid_phys(fdt);
	node = fdt_path_offset(fdt, "/chosen");
	s = node < 0 ? NULL : fdt_getprop(fdt, node, "stdout-path", &len);
	if (!s && node >= 0) {
		s = fdt_getprop(fdt, node, "linux,stdout-path", &len);
	}
	if (s && len > 0 && s[len - 1] == '\0') {
		snprintf(info->stdout_path, sizeof(info->stdout_path), "%s", s);
	}
	return 0;
}

static int keepout(struct charon_layout *l, const char *what, uint64_t addr,
		   uint64_t size, struct charon_err *err)
{
	struct charon_segment *s;

	s = charon_layout_add(l, what, size, 0, CHARON_PLACE_KEEPOUT, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = addr;
	return 0;
}

/* the end of the reserved ranges that run on without a hole from @base */
static uint64_t reserved_run_end(const void *fdt, uint64_t base)
{
	uint64_t end = base, a, s;
	bool grew = true;
	int i, n = fdt_num_mem_rsv(fdt);

	while (grew) {
		grew = false;
		for (i = 0; i < n; i++) {
			if (fdt_get_mem_rsv(fdt, i, &a, &s) || !s) {
				continue;
			}
			if (a <= end && a + s > end) {
				end = a + s;
				grew = true;
			}
		}
	}
	return end;
}

/**
 * charon_powernv_keepouts() - keep segments away from skiboot (and QEMU)
 * @name: file name, for messages
 * @fdt: skiboot's checked device tree
 * @qemu: the segments are loaded by QEMU before skiboot boots (not after,
 *	by kexec): also keep out what QEMU and booting skiboot use
 * @l: the layout; gets KEEPOUT segments
 * @err: error message on failure
 *
 * Always: every /memreserve/ entry and /reserved-memory child
 * (charon_fdt_keepouts()), and skiboot's boot-time use: from
 * opal-base-address to the end of the reserved ranges that follow it
 * without a hole, plus CHARON_POWERNV_SKIBOOT_SLACK (skiboot writes the
 * page past them while it boots).  With @qemu also skiboot.lid at 0 and
 * QEMU's device tree for skiboot at 0x1000000.
 *
 * Return: 0 or a negative errno code.
 */
int charon_powernv_keepouts(const char *name, const void *fdt, bool qemu,
			    struct charon_layout *l, struct charon_err *err)
{
	struct charon_powernv_info info;
	uint64_t end;
	int rc;

	rc = charon_fdt_keepouts(name, fdt, l, err);
	if (!rc) {
		rc = charon_powernv_info(name, fdt, &info, err);
	}
	if (rc) {
		return rc;
	}
	end = reserved_run_end(fdt, info.opal_base);
	rc = keepout(l, "skiboot (boot-time use)", info.opal_base,
		     end - info.opal_base + CHARON_POWERNV_SKIBOOT_SLACK, err);
	if (!rc && qemu) {
		rc = keepout(l, "QEMU: skiboot.lid at 0", 0,
			     CHARON_POWERNV_QEMU_FW_SIZE, err);
	}
	if (!rc && qemu) {
		rc = keepout(l, "QEMU: skiboot's input tree",
			     CHARON_POWERNV_QEMU_FDT_ADDR,
			     CHARON_POWERNV_QEMU_FDT_SIZE, err);
	}
	return rc;
}
