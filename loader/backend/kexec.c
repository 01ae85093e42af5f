// SPDX-License-Identifier: MIT
/*
 * kexec_load(2): a boot plan's segments as the kernel takes them, and the
 * calls around it (charon/kexec.h).  The kernel copies each segment to
 * its physical address when it executes the image and jumps to the stub's
 * kexec entry with the MMU off (docs/abi.md has each arch's registers).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charon/file.h>
#include <charon/kexec.h>
#include <charon/live.h>
#include <charon/util.h>

typedef unsigned long long ull;

/* one range of bytes to load: a plan segment or the stub */
struct piece {
	const char *label;
	const uint8_t *data;
	size_t len;
	uint64_t addr;
	uint64_t end;		/* addr + the bytes it reserves */
};

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* pieces [first, last] as one segment: their pages, gaps zero */
static int make_seg(const struct piece *p, unsigned int first,
		    unsigned int last, uint64_t page, struct charon_kexec_seg *s,
		    struct charon_err *err)
{
	uint64_t mem = p[first].addr & ~(page - 1), end = 0, data_end = 0;
	unsigned int i;
	size_t n = 0;

	memset(s, 0, sizeof(*s));
	for (i = first; i <= last; i++) {
		if (p[i].end > end) {
			end = p[i].end;
		}
		if (p[i].addr + p[i].len > data_end) {
			data_end = p[i].addr + p[i].len;
		}
		n += (size_t)snprintf(s->label + n,
				      n < sizeof(s->label) ?
				      sizeof(s->label) - n : 0,
				      "%s%s", i > first ? "+" : "",
				      p[i].label);
		if (n >= sizeof(s->label)) {
			n = sizeof(s->label) - 1;
		}
	}
	s->mem = mem;
	s->memsz = charon_round_up(end, page) - mem;
	s->bufsz = (size_t)(data_end - mem);
	s->buf = calloc(1, s->bufsz ? s->bufsz : 1);
	if (!s->buf) {
		return charon_errf(err, -ENOMEM,
				   "kexec: %s: out of memory (%zu bytes)",
				   s->label, s->bufsz);
	}
	for (i = first; i <= last; i++) {
		if (p[i].len) {
			memcpy(s->buf + (p[i].addr - mem), p[i].data,
			       p[i].len);
		}
	}
	return 0;
}

/*
 * A segment grown to whole pages may not reach into a keep-out or out of
 * RAM, if the plan has any (the plan placed at 4 KiB; the running kernel
 * may use 64 KiB)
 */
static int check_grown(const struct charon_layout *l,
		       const struct charon_kexec_seg *s, uint64_t page,
		       struct charon_err *err)
{
	const struct charon_segment *k;

	k = charon_layout_keepout_at(l, s->mem, s->memsz);
	if (k) {
		return charon_errf(err, -ERANGE,
				   "kexec: %s, grown to 0x%llx-byte pages [0x%llx, 0x%llx), overlaps %s [0x%llx, 0x%llx)",
				   s->label, (ull)page, (ull)s->mem,
				   (ull)(s->mem + s->memsz), k->name,
				   (ull)k->addr, (ull)(k->addr + k->size));
	}
	if (l->nr_ram && !charon_layout_in_ram(l, s->mem, s->memsz)) {
		return charon_errf(err, -ERANGE,
				   "kexec: %s, grown to 0x%llx-byte pages [0x%llx, 0x%llx), is not inside one RAM range",
				   s->label, (ull)page, (ull)s->mem,
				   (ull)(s->mem + s->memsz));
	}
	return 0;
}

/**
 * charon_kexec_build() - the plan's segments for kexec_load(2)
 * @b: a prepared plan (any arch), its stub patched
 * @page: the running kernel's page size (kexec_load(2) wants segments
 *	aligned to it: 64 KiB on Debian's ppc64el), a power of two
 * @k: the segments, sorted by address; free with charon_kexec_free(),
 *	also after a failure
 * @err: error message on failure
 *
 * Every plan segment and the stub become @page-aligned kexec segments
 * that reserve their whole footprint (the kernel's bss, the stub's
 * mem_size); pieces that share a page are loaded as one segment.  The
 * entry is the stub's kexec entry (its image's entry_offset).
 *
 * Return: 0; -EINVAL when two pieces overlap (naming both and their
 * ranges) or there are more than CHARON_KEXEC_MAX_SEGS segments; -ERANGE
 * when a segment grown to whole pages reaches into one of the plan's
 * keep-outs or out of its RAM (naming both).
 */
int charon_kexec_build(const struct charon_boot *b, uint64_t page,
		       struct charon_kexec *k, struct charon_err *err)
{
	struct piece p[CHARON_BOOT_MAX_SEGS + 2];
	const struct charon_segment *bs;
	unsigned int n = 0, i, first;
	uint64_t seg_end;
	int rc;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < b->nr_seg; i++) {
		p[n].label = b->seg[i].label;
		p[n].data = b->seg[i].data;
		p[n].len = b->seg[i].len;
		p[n].addr = b->seg[i].addr;
		p[n].end = p[n].addr + (b->seg[i].mem_size > b->seg[i].len ?
					b->seg[i].mem_size : b->seg[i].len);
		n++;
	}
	/*
	 * kdump's backup copy: a segment of zeros, so that the kernel takes
	 * no control page (x86_64: its identity map) from where the stub
	 * will copy to
	 */
	for (i = 0; b->backup_len && i < b->layout.nr_seg; i++) {
		bs = &b->layout.seg[i];
		if (!strcmp(bs->name, "backup")) {
			p[n].label = "backup";
			p[n].data = NULL;
			p[n].len = 0;
			p[n].addr = bs->addr;
			p[n].end = bs->addr + bs->size;
			n++;
			break;
		}
	}
	p[n].label = "stub";
	p[n].data = b->stub.image;
	p[n].len = b->stub.len;
	p[n].addr = b->stub_addr;
	p[n].end = b->stub_addr + (b->stub_size > b->stub.len ?
				   b->stub_size : b->stub.len);
	n++;
	qsort(p, n, sizeof(p[0]), piece_cmp);

	for (first = 0; first < n; first = i) {
		seg_end = charon_round_up(p[first].end, page);
		for (i = first + 1; i < n; i++) {
			if (p[i].addr < p[i - 1].end) {
				return charon_errf(err, -EINVAL,
						   "kexec: %s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
						   p[i - 1].label,
						   (ull)p[i - 1].addr,
						   (ull)p[i - 1].end,
						   p[i].label, (ull)p[i].addr,
						   (ull)p[i].end);
			}
			if ((p[i].addr & ~(page - 1)) >= seg_end) {
				break;
			}
			if (charon_round_up(p[i].end, page) > seg_end) {
				seg_end = charon_round_up(p[i].end, page);
			}
		}
		if (k->nr == CHARON_KEXEC_MAX_SEGS) {
			return charon_errf(err, -EINVAL,
					   "kexec: more than %d segments",
					   CHARON_KEXEC_MAX_SEGS);
		}
		rc = make_seg(p, first, i - 1, page, &k->seg[k->nr++], err);
		rc = rc ?: check_grown(&b->layout, &k->seg[k->nr - 1], page,
				       err);
		if (rc) {
			return rc;
		}
	}
	k->entry = b->stub_addr + b->stub.hdr.entry_offset;
	return 0;
}

/**
 * charon_kexec_free() - release the segments' buffers
 * @k: from charon_kexec_build()
 */
void charon_kexec_free(struct charon_kexec *k)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++) {
		free(k->seg[i].buf);
		k->seg[i].buf = NULL;
	}
	k->nr = 0;
}

/*
 * The first line of a small file under root, "" if it cannot be read.
 * read(2), not charon_read_file(): sysfs files claim a page (64 KiB on
 * ppc64el) whatever they hold.
 */
static void read_line(const char *root, const char *path, char *buf,
		      size_t len)
{
	struct charon_err ignore;
	char full[512];
	ssize_t n = -1;
	int fd;

	buf[0] = '\0';
	if (charon_live_path(root, path, full, sizeof(full), &ignore)) {
		return;
	}
	/* a FIFO in a --root tree must not hang us: regular files only */
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			n = read(fd, buf, len - 1);
		}
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static bool exists(const char *root, const char *path)
{
	struct charon_err ignore;
	char full[512];
	struct stat st;

	return !charon_live_path(root, path, full, sizeof(full), &ignore) &&
	       stat(full, &st) == 0;
}

/* why kexec is refused before the call, or 0 */
static int why_refused(const char *root, struct charon_err *err)
{
	char v[256];

	if (geteuid() != 0) {
		return charon_errf(err, -EPERM,
				   "not root: kexec_load(2) and reboot(2) need CAP_SYS_BOOT; run charon as root");
	}
	if (!exists(root, "/sys/kernel")) {
		return charon_errf(err, -ENOENT,
				   "%s/sys/kernel: missing: mount sysfs on /sys (mount -t sysfs sysfs /sys)",
				   root);
	}
	if (!exists(root, "/sys/kernel/kexec_loaded")) {
		return charon_errf(err, -ENOSYS,
				   "the running kernel cannot kexec: %s/sys/kernel/kexec_loaded is missing (built without CONFIG_KEXEC)",
				   root);
	}
	read_line(root, "/proc/sys/kernel/kexec_load_disabled", v, sizeof(v));
	if (!strcmp(v, "1")) {
		return charon_errf(err, -EPERM,
				   "kexec is disabled: /proc/sys/kernel/kexec_load_disabled is 1, and stays so until the next boot");
	}
	read_line(root, "/sys/kernel/security/lockdown", v, sizeof(v));
	if (strstr(v, "[integrity]") || strstr(v, "[confidentiality]")) {
		return charon_errf(err, -EPERM,
				   "the kernel is locked down (/sys/kernel/security/lockdown: %s): it refuses kexec_load(2), which cannot be signed",
				   v);
	}
	return 0;
}

/**
 * charon_kexec_preflight() - can this process kexec at all?
 * @root: "" for the real system
 * @err: why not
 *
 * Checks, before any file is read: root, sysfs, CONFIG_KEXEC
 * (/sys/kernel/kexec_loaded), kexec_load_disabled and lockdown.
 *
 * Return: 0, -EPERM, -ENOSYS or -ENOENT.
 */
int charon_kexec_preflight(const char *root, struct charon_err *err)
{
	return why_refused(root, err);
}

/* what the kernel's errno from kexec_load(2) or reboot(2) means */
static const struct {
	int e;
	const char *what;
} errnos[] = {
	{ ENOSYS, "ENOSYS: the running kernel has no kexec_load(2) (CONFIG_KEXEC is off)" },
	{ EBUSY, "EBUSY: another kexec load or exec is in progress" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL: a segment is not page aligned or ends above the memory kexec can load to (KEXEC_DESTINATION_MEMORY_LIMIT)" },
	{ ETXTBSY, "ETXTBSY: a segment lies below the running kernel's end (ppc64 refuses those)" },
	{ ENOMEM, "ENOMEM: the kernel could not allocate pages for the image" },
	{ EINVAL, "EINVAL: the kernel refused the segment list (overlapping segments, more than half of RAM, or on arm a segment outside the memory it knows)" },
	{ EPERM, "EPERM: no CAP_SYS_BOOT (in a container or user namespace?)" },
};

static int explain(const char *root, const char *call, int e,
		   struct charon_err *err)
{
	size_t i;
	int rc;

	if (e == EPERM) {
		rc = why_refused(root, err);
		if (rc) {
			return rc;
		}
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		if (errnos[i].e == e) {
			return charon_errf(err, -e, "%s: %s", call,
					   errnos[i].what);
		}
	}
	return charon_errf(err, -e, "%s: %s", call, strerror(e));
}

/**
 * charon_kexec_load() - hand the segments to the kernel
 * @k: from charon_kexec_build()
 * @root: "" for the real system (for explaining a refusal)
 * @crash: load the crash kernel (KEXEC_ON_CRASH): every segment must lie
 *	in the crashkernel= region
 * @err: what the kernel refused, and why where it can be told
 *
 * Replaces any image loaded before (of the same kind).
 *
 * Return: 0 or a negative errno code.
 */
int charon_kexec_load(const struct charon_kexec *k, const char *root,
		      bool crash, struct charon_err *err)
{
	unsigned long flags = KEXEC_ARCH_DEFAULT |
			      (crash ? KEXEC_ON_CRASH : 0);
	struct kexec_segment ks[CHARON_KEXEC_MAX_SEGS];
	unsigned int i;

	for (i = 0; i < k->nr; i++) {
		if (k->seg[i].mem != (uintptr_t)k->seg[i].mem ||
		    k->seg[i].memsz != (size_t)k->seg[i].memsz) {
			return charon_errf(err, -ERANGE,
					   "kexec: %s at 0x%llx: beyond what this %zu-bit loader can pass",
					   k->seg[i].label,
					   (ull)k->seg[i].mem,
					   sizeof(void *) * 8);
		}
		ks[i].buf = k->seg[i].buf;
		ks[i].bufsz = k->seg[i].bufsz;
		ks[i].mem = (const void *)(uintptr_t)k->seg[i].mem;
		ks[i].memsz = (size_t)k->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)k->entry,
		    (unsigned long)k->nr, ks, flags)) {
		return explain(root, crash ? "kexec_load (KEXEC_ON_CRASH)" :
			       "kexec_load", errno, err);
	}
	return 0;
}

/**
 * charon_kexec_unload() - drop the loaded image, if any
 * @root: "" for the real system
 * @crash: the crash kernel instead
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_kexec_unload(const char *root, bool crash, struct charon_err *err)
{
	if (syscall(SYS_kexec_load, 0ul, 0ul, NULL,
		    (unsigned long)KEXEC_ARCH_DEFAULT |
		    (crash ? KEXEC_ON_CRASH : 0))) {
		return explain(root, crash ? "kexec_load (unload, KEXEC_ON_CRASH)" :
			       "kexec_load (unload)", errno, err);
	}
	return 0;
}

/**
 * charon_kexec_loaded() - is an image loaded? (/sys/kernel/kexec_loaded)
 * @root: "" for the real system
 * @crash: the crash kernel's (/sys/kernel/kexec_crash_loaded) instead
 * @loaded: the answer
 * @err: error message on failure
 *
 * Return: 0, or -ENOSYS when the file is missing (no CONFIG_KEXEC, or
 * sysfs not mounted).
 */
int charon_kexec_loaded(const char *root, bool crash, bool *loaded,
			struct charon_err *err)
{
	const char *f = crash ? "/sys/kernel/kexec_crash_loaded" :
				"/sys/kernel/kexec_loaded";
	char v[16];

	if (!exists(root, f)) {
		return charon_errf(err, -ENOSYS,
				   "%s%s: missing (no CONFIG_KEXEC%s, or sysfs is not mounted on /sys)",
				   root, f, crash ? " or CONFIG_CRASH_DUMP" : "");
	}
	read_line(root, f, v, sizeof(v));
	*loaded = !strcmp(v, "1");
	return 0;
}

/**
 * charon_kexec_reboot() - sync and reboot into the loaded image
 * @root: "" for the real system
 * @err: why not
 *
 * Does not return on success: the kernel shuts its devices down and
 * jumps to the stub.
 *
 * Return: a negative errno code (-ENOENT: nothing is loaded).
 */
int charon_kexec_reboot(const char *root, struct charon_err *err)
{
	bool loaded;
	int rc;

	rc = why_refused(root, err);
	rc = rc ?: charon_kexec_loaded(root, false, &loaded, err);
	if (rc) {
		return rc;
	}
	if (!loaded) {
		return charon_errf(err, -ENOENT,
				   "nothing is loaded (/sys/kernel/kexec_loaded is 0): run charon load first");
	}
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	return explain(root, "reboot(LINUX_REBOOT_CMD_KEXEC)", errno, err);
}
