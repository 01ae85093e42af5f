// SPDX-License-Identifier: MIT
/*
 * What a kdump ELF core header is made of, read from the running system
 * (charon load --crash): each possible CPU's crash_notes, the VMCOREINFO
 * note, the kernel text's and the linear map's virtual addresses from
 * /proc/kcore's program headers (never from kallsyms: Debian's arm64
 * kernels have no _text there), and System RAM minus the crash region.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <charon/bytes.h>
#include <charon/crash.h>
#include <charon/file.h>
#include <charon/util.h>
#include <lib/elf.h>

typedef unsigned long long ull;

#define EM_ARM		40
#define EM_X86_64	62
#define EM_PPC64	21
#define EM_AARCH64	183
#define PT_LOAD		1
/* the most of /proc/kcore charon reads: its headers */
#define KCORE_HEAD_MAX	(256u << 10)

/* the header's kind per arch; and whether makedumpfile needs the text */
static const struct core_kind {
	uint16_t arch;
	uint8_t class, data;
	uint16_t machine;
	bool text;
	uint64_t linear;	/* PAGE_OFFSET - PHYS_OFFSET without kcore */
	bool linear_fixed;
} kinds[] = {
	{ CHARON_ARCH_ARM64, ELFW_CLASS64, ELFW_DATA_LE, EM_AARCH64, true,
	  0, false },
	{ CHARON_ARCH_ARM, ELFW_CLASS32, ELFW_DATA_LE, EM_ARM, false, 0,
	  false },
	{ CHARON_ARCH_X86_64, ELFW_CLASS64, ELFW_DATA_LE, EM_X86_64, true, 0,
	  false },
	/* ppc64: the linear map is at 0xc000000000000000, always */
	{ CHARON_ARCH_PPC64LE, ELFW_CLASS64, ELFW_DATA_LE, EM_PPC64, false,
	  0xc000000000000000ull, true },
	{ CHARON_ARCH_PPC64, ELFW_CLASS64, ELFW_DATA_BE, EM_PPC64, false,
	  0xc000000000000000ull, true },
};

static int read_small(const char *root, const char *path, char *buf,
		      size_t len, struct charon_err *err)
{
	char full[512];
	uint8_t *data;
	size_t n;
	int rc;

	rc = charon_live_path(root, path, full, sizeof(full), err);
	rc = rc ?: charon_read_file(full, 4096, &data, &n, err);
	if (rc) {
		return rc;
	}
	if (n >= len) {
		free(data);
		return charon_errf(err, -EINVAL,
				   "%s: %zu bytes, more than the %zu expected",
				   full, n, len - 1);
	}
	memcpy(buf, data, n);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	free(data);
	return 0;
}

/* "0-3,5,7-8" (/sys/devices/system/cpu/possible): is @cpu in it? */
static bool in_cpu_list(const char *list, unsigned int cpu)
{
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p) {
			return false;
		}
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p) {
				return false;
			}
		}
		if (cpu >= a && cpu <= b) {
			return true;
		}
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',') {
			return false;
		}
	}
	return false;
}

/* the highest CPU number in such a list, -1 if it is malformed */
static long last_cpu(const char *list)
{
	const char *p = list;
	long last = -1;

	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0) {
			return -1;
		}
		last = v > last ? v : last;
		p = (*end == '-' || *end == ',') ? end + 1 : end;
		if (*end && *end != '-' && *end != ',') {
			return -1;
		}
	}
	return last;
}

static int read_cpus(const char *root, struct charon_elfcore *c,
		     struct charon_err *err)
{
	char list[256], path[128], v[64];
	long last, n;
	char *end;
	int rc;

	rc = read_small(root, "/sys/devices/system/cpu/possible", list,
			sizeof(list), err);
	if (rc) {
		return rc;
	}
	last = last_cpu(list);
	if (last < 0 || last >= CHARON_ELFCORE_MAX_CPUS) {
		return charon_errf(err, -EINVAL,
				   "/sys/devices/system/cpu/possible: \"%s\": expected a CPU list below %u",
				   list, CHARON_ELFCORE_MAX_CPUS);
	}
	c->nr_cpu = 0;
	for (n = 0; n <= last; n++) {
		struct charon_elfcore_note *no = &c->cpu[c->nr_cpu];

		if (!in_cpu_list(list, (unsigned int)n)) {
			continue;
		}
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%ld/crash_notes", n);
		rc = read_small(root, path, v, sizeof(v), err);
		if (rc == -ENOENT) {
			continue;	/* possible, never present */
		}
		if (rc) {
			return rc;
		}
		no->addr = strtoull(v, &end, 16);
		if (end == v || *end || !isxdigit((unsigned char)v[0]) ||
		    no->addr >> 52) {
			return charon_errf(err, -EINVAL,
					   "%s: \"%s\": expected a physical address in hex",
					   path, v);
		}
		strcat(path, "_size");
		rc = read_small(root, path, v, sizeof(v), err);
		if (rc) {
			return rc;
		}
		no->size = strtoull(v, &end, 10);
		if (end == v || *end || !no->size || no->size > 65536) {
			return charon_errf(err, -EINVAL,
					   "%s: \"%s\": expected a size in bytes up to 64 KiB",
					   path, v);
		}
		c->nr_cpu++;
	}
	if (!c->nr_cpu) {
		return charon_errf(err, -ENOENT,
				   "%s/sys/devices/system/cpu/cpu*/crash_notes: none for the CPUs in \"%s\" (a kernel without CONFIG_CRASH_DUMP, or not root?)",
				   root, list);
	}
	return 0;
}

static int read_vmcoreinfo(const char *root, struct charon_elfcore *c,
			   struct charon_err *err)
{
	char v[128], *end, *p;
	int rc;

	rc = read_small(root, "/sys/kernel/vmcoreinfo", v, sizeof(v), err);
	if (rc) {
		return rc;
	}
	/* "%pa %x": 0x-prefixed address, hex size */
	c->vmcoreinfo.addr = strtoull(v, &end, 16);
	p = end;
	c->vmcoreinfo.size = strtoull(p, &end, 16);
	if (p == v || *p != ' ' || end == p + 1 || *end ||
	    !c->vmcoreinfo.addr || !c->vmcoreinfo.size ||
	    c->vmcoreinfo.size > (1u << 20)) {
		return charon_errf(err, -EINVAL,
				   "/sys/kernel/vmcoreinfo: \"%s\": expected \"ADDRESS SIZE\" in hex",
				   v);
	}
	return 0;
}

struct kcore_load {
	uint64_t vaddr, paddr, size;
};

/* /proc/kcore's PT_LOADs (its file is as large as the address space) */
static int read_kcore(const char *root, struct kcore_load *ld,
		      unsigned int max, unsigned int *nr,
		      struct charon_err *err)
{
	char full[512];
	uint8_t *h;
	ssize_t got;
	unsigned int i, n;
	uint64_t phoff, end;
	size_t ehs, phs;
	int fd, rc, e;
	enum charon_endian e_;
	bool is64;

	rc = charon_live_path(root, "/proc/kcore", full, sizeof(full), err);
	if (rc) {
		return rc;
	}
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return charon_errf(err, -e, "%s: cannot open: %s", full,
				   strerror(e));
	}
	h = malloc(KCORE_HEAD_MAX);
	got = h ? read(fd, h, KCORE_HEAD_MAX) : -1;
	e = errno;
	close(fd);
	if (got < 0) {
		free(h);
		return charon_errf(err, -e, "%s: cannot read: %s", full,
				   strerror(e));
	}
	if (got < 64 || memcmp(h, "\177ELF", 4) ||
	    (h[4] != ELFW_CLASS32 && h[4] != ELFW_CLASS64) ||
	    (h[5] != ELFW_DATA_LE && h[5] != ELFW_DATA_BE)) {
		free(h);
		return charon_errf(err, -EINVAL,
				   "%s: not an ELF core file (%zd bytes read)",
				   full, got);
	}
	is64 = h[4] == ELFW_CLASS64;
	e_ = h[5] == ELFW_DATA_BE ? CHARON_BE : CHARON_LE;
	ehs = is64 ? 64 : 52;
	phs = is64 ? 56 : 32;
	phoff = is64 ? charon_get64(h + 0x20, e_) : charon_get32(h + 0x1c, e_);
	n = charon_get16(h + (is64 ? 0x38 : 0x2c), e_);
	if (phoff < ehs || __builtin_add_overflow(phoff, (uint64_t)n * phs,
						  &end) ||
	    end > (uint64_t)got) {
		free(h);
		return charon_errf(err, -EINVAL,
				   "%s: %u program headers at 0x%llx, past the 0x%zx bytes read",
				   full, n, (ull)phoff, (size_t)got);
	}
	*nr = 0;
	for (i = 0; i < n && *nr < max; i++) {
		const uint8_t *p = h + phoff + (size_t)i * phs;

		if (charon_get32(p, e_) != PT_LOAD) {
			continue;
		}
		if (is64) {
			ld[*nr].vaddr = charon_get64(p + 0x10, e_);
			ld[*nr].paddr = charon_get64(p + 0x18, e_);
			ld[*nr].size = charon_get64(p + 0x28, e_);
		} else {
			ld[*nr].vaddr = charon_get32(p + 0x08, e_);
			ld[*nr].paddr = charon_get32(p + 0x0c, e_);
			ld[*nr].size = charon_get32(p + 0x14, e_);
			/* (elf_addr_t)-1: no physical address */
			if (ld[*nr].paddr == UINT32_MAX) {
				ld[*nr].paddr = UINT64_MAX;
			}
		}
		(*nr)++;
	}
	free(h);
	return 0;
}

static bool in_ram(const struct charon_live *lv, uint64_t a)
{
	unsigned int i;

	for (i = 0; i < lv->nr_ram; i++) {
		if (a >= lv->ram[i].start &&
		    a - lv->ram[i].start < lv->ram[i].size) {
			return true;
		}
	}
	return false;
}

/*
 * The linear map's offset: the lowest-addressed kcore PT_LOAD of RAM
 * (the kernel image's mapping lies above it on x86_64 and arm64); and the
 * text: the PT_LOAD holding the running kernel's first byte ("Kernel
 * code" in /proc/iomem) at another offset.
 */
static int from_kcore(const char *root, const struct core_kind *k,
		      const struct charon_live *lv, struct charon_elfcore *c,
		      struct charon_err *err)
{
	struct kcore_load ld[128];
	unsigned int nr = 0, i, lin = UINT32_MAX, text = UINT32_MAX;
	int rc;

	rc = read_kcore(root, ld, 128, &nr, err);
	if (rc) {
		return rc;
	}
	for (i = 0; i < nr; i++) {
		if (ld[i].paddr != UINT64_MAX && in_ram(lv, ld[i].paddr) &&
		    (lin == UINT32_MAX || ld[i].vaddr < ld[lin].vaddr)) {
			lin = i;
		}
	}
	if (lin == UINT32_MAX) {
		return charon_errf(err, -EINVAL,
				   "%s/proc/kcore: no PT_LOAD with a physical address in System RAM (a kernel before 4.19 does not set p_paddr)",
				   root);
	}
	c->have_linear = true;
	c->linear_offset = ld[lin].vaddr - ld[lin].paddr;
	if (!k->text) {
		return 0;
	}
	for (i = 0; lv->kernel_end && i < nr; i++) {
		if (ld[i].paddr != UINT64_MAX &&
		    ld[i].vaddr - ld[i].paddr != c->linear_offset &&
		    lv->kernel_start >= ld[i].paddr &&
		    lv->kernel_start - ld[i].paddr < ld[i].size) {
			text = i;
		}
	}
	if (text == UINT32_MAX) {
		return charon_errf(err, -EINVAL,
				   "%s/proc/kcore: no PT_LOAD maps the kernel text at 0x%llx (\"Kernel code\" in /proc/iomem)%s",
				   root, (ull)lv->kernel_start,
				   lv->kernel_end ? "" :
				   ", and /proc/iomem has no \"Kernel code\"");
	}
	c->have_text = true;
	c->text_vaddr = ld[text].vaddr;
	c->text_paddr = ld[text].paddr;
	c->text_size = ld[text].size;
	return 0;
}

/*
 * arm without /proc/kcore (Debian's armmp has no CONFIG_PROC_KCORE): the
 * linear map is PAGE_OFFSET - PHYS_OFFSET, PAGE_OFFSET the 32 MiB below
 * _stext (the kernel runs in the linear map there; makedumpfile derives
 * it the same way from VMCOREINFO's _stext), PHYS_OFFSET the start of RAM
 */
static int arm_linear(const char *root, const struct charon_live *lv,
		      struct charon_elfcore *c, struct charon_err *err)
{
	char full[512], *p, *end;
	uint64_t stext = 0, lowest = UINT64_MAX;
	uint8_t *text;
	size_t len;
	unsigned int i;
	int rc;

	rc = charon_live_path(root, "/proc/kallsyms", full, sizeof(full), err);
	rc = rc ?: charon_read_file(full, 64u << 20, &text, &len, err);
	if (rc) {
		charon_err_prefix(err, "/proc/kcore missing, and: ");
		return rc;
	}
	text[len] = '\0';
	for (p = (char *)text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		uint64_t a = strtoull(p, &end, 16);

		if (end != p && (!strncmp(end, " T _stext\n", 10) ||
				 !strncmp(end, " t _stext\n", 10))) {
			stext = a;
			break;
		}
	}
	free(text);
	for (i = 0; i < lv->nr_ram; i++) {
		if (lv->ram[i].start < lowest) {
			lowest = lv->ram[i].start;
		}
	}
	if (!stext) {
		return charon_errf(err, -ENOENT,
				   "%s/proc/kcore is missing, and %s has no _stext (or shows 0: not root, or kptr_restrict=2): the linear map is unknown",
				   root, full);
	}
	c->have_linear = true;
	c->linear_offset = (stext & ~(uint64_t)0x1ffffff) - lowest;
	return 0;
}

/**
 * charon_crash_read() - the ELF core header's contents, from the system
 * @root: "" for the real system, else a directory with proc/ and sys/
 * @arch: CHARON_ARCH_*: the header's class, byte order and machine
 * @lv: what charon_live_read() read: System RAM, the crash region(s) and
 *	the running kernel's "Kernel code"
 * @c: the result (c->backup_* left 0: the plan sets them)
 * @err: error message on failure, naming the file
 *
 * Return: 0 or a negative errno code.
 */
int charon_crash_read(const char *root, uint16_t arch,
		      const struct charon_live *lv, struct charon_elfcore *c,
		      struct charon_err *err)
{
	const struct core_kind *k = NULL;
	unsigned int i;
	int rc;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kinds[i].arch == arch) {
			k = &kinds[i];
		}
	}
	if (!k) {
		return charon_errf(err, -ENOTSUP,
				   "--crash: no kdump for %s", charon_arch_name(arch));
	}
	c->class = k->class;
	c->data = k->data;
	c->machine = k->machine;
	rc = read_cpus(root, c, err);
	rc = rc ?: read_vmcoreinfo(root, c, err);
	rc = rc ?: charon_elfcore_set_ram(c, lv->ram, lv->nr_ram, lv->crash,
					  lv->nr_crash, err);
	if (rc) {
		return rc;
	}
	if (k->linear_fixed) {
		c->have_linear = true;
		c->linear_offset = k->linear;
		return 0;
	}
	rc = from_kcore(root, k, lv, c, err);
	if (rc == -ENOENT && arch == CHARON_ARCH_ARM) {
		rc = arm_linear(root, lv, c, err);
	}
	return rc;
}
