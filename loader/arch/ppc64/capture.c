// SPDX-License-Identifier: MIT
/*
 * powernv: the capture and cache of the device tree skiboot builds, for
 * charon qemu --arch ppc64le|ppc64 (docs/cli.md, "ppc64").
 *
 * The capture boots a little-endian ppc64 Linux kernel under QEMU with an
 * initramfs whose /init (tests/system/initramfs/dumpfdt.c) prints
 * /sys/firmware/fdt as hex lines between marker lines, then stops QEMU as
 * soon as the last line is in: skiboot cannot power the machine off
 * without a BMC.
 */
#define _GNU_SOURCE	/* memmem */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charon/bytes.h>
#include <charon/digest.h>
#include <charon/fdt.h>
#include <charon/file.h>
#include <charon/powernv.h>
#include <charon/proc.h>

#define DEFAULT_QEMU	"qemu-system-ppc64"
#define DEFAULT_MACHINE	"powernv9"
#define DEFAULT_MEMORY	"2G"
#define DEFAULT_TIMEOUT	600u
#define CAPTURE_APPEND	"console=hvc0 quiet"
#define MAX_ARGS	64
#define KEY_VERSION	"charon powernv fdt capture v1"

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
	struct charon_proc run = { .argv = argv, .timeout = 60 };
	struct charon_proc_out po;
	uint8_t d[CHARON_DIGEST_LEN];
	char *out, *nl, line[128];
	size_t at = 0;
	int i, rc;

	if (key_len < 17) {
		return charon_errf(err, -EINVAL, "powernv: key buffer too small");
	}
	rc = charon_proc_run(&run, &po, err);
	if (rc) {
		charon_proc_out_free(&po);
		return rc;
	}
	out = po.text;
	nl = strchr(out, '\n');
	if (nl) {
		*nl = '\0';
	}
	snprintf(line, sizeof(line), "qemu %s", out);
	charon_proc_out_free(&po);
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

#define NOTES_MAX	4096u	/* a vmlinux's PT_NOTE is ~100 bytes */
#define PHDRS_MAX	64u

/* does the PT_NOTE at @off, @len bytes, hold a note of owner "Linux"? */
static bool linux_note(int fd, uint64_t off, uint64_t len)
{
	static const char owner[] = "Linux";
	unsigned char n[NOTES_MAX];
	uint64_t at = 0;

	if (len > sizeof(n) || pread(fd, n, len, (off_t)off) != (ssize_t)len) {
		return false;
	}
	while (len - at >= 12) {
		uint32_t namesz = charon_get32(n + at, CHARON_LE);
		uint32_t descsz = charon_get32(n + at + 4, CHARON_LE);
		uint64_t next = at + 12 + ((namesz + 3ull) & ~3ull) +
				((descsz + 3ull) & ~3ull);

		if (next > len) {
			return false;
		}
		if (namesz == sizeof(owner) &&
		    !memcmp(n + at + 12, owner, sizeof(owner))) {
			return true;
		}
		at = next;
	}
	return false;
}

/**
 * charon_powernv_capture_kernel() - can a kernel file dump skiboot's tree?
 * @path: a file
 *
 * The capture boots a Linux kernel on powernv with a little-endian
 * userspace (the dumpfdt initramfs): it needs a little-endian ppc64 ELF
 * that is Linux, which every vmlinux since 4.18 says in an ELF note of
 * owner "Linux" (the build salt); a bare-metal ELF such as our probe
 * has none. The ELF header, program headers and notes are read.
 *
 * Return: true for an ELF64, ELFDATA2LSB, EM_PPC64 file with such a note.
 */
bool charon_powernv_capture_kernel(const char *path)
{
	unsigned char h[sizeof(Elf64_Ehdr)], ph[sizeof(Elf64_Phdr)];
	uint64_t phoff;
	unsigned int i, phnum;
	bool is_linux = false;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		return false;
	}
	if (read(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    memcmp(h, ELFMAG, SELFMAG) || h[EI_CLASS] != ELFCLASS64 ||
	    h[EI_DATA] != ELFDATA2LSB ||
	    charon_get16(h + 18, CHARON_LE) != EM_PPC64 ||
	    charon_get16(h + 54, CHARON_LE) != sizeof(ph)) {
		goto out;
	}
	phoff = charon_get64(h + 32, CHARON_LE);
	phnum = charon_get16(h + 56, CHARON_LE);
	for (i = 0; i < phnum && i < PHDRS_MAX && !is_linux; i++) {
		if (pread(fd, ph, sizeof(ph),
			  (off_t)(phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph)) {
			break;
		}
		if (charon_get32(ph, CHARON_LE) == PT_NOTE) {
			is_linux =
				linux_note(fd, charon_get64(ph + 8, CHARON_LE),
					   charon_get64(ph + 32, CHARON_LE));
		}
	}
out:
	close(fd);
	return is_linux;
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
	struct charon_proc run = { 0 };
	struct charon_proc_out po;
	uint8_t *fdt = NULL;
	void *clean = NULL;
	size_t n = 0, fdt_len, clean_len;
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
	run.argv = argv;
	run.stop = CHARON_POWERNV_DUMP_MARKER "end ";
	run.timeout = o->timeout ? o->timeout : DEFAULT_TIMEOUT;
	rc = charon_proc_run(&run, &po, err);
	out = po.text;
	n = po.len;
	cap->seconds = po.seconds;
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

