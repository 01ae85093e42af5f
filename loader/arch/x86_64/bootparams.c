// SPDX-License-Identifier: MIT
/*
 * The x86 zero page (struct boot_params) for the 32- and 64-bit boot
 * protocols (Documentation/arch/x86/boot.rst, zero-page.rst), e820 maps
 * and the placement of the boot segments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/bootparams.h>
#include <charon/bytes.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE	4096ull
#define MiB	((uint64_t)1 << 20)
#define GiB	((uint64_t)1 << 30)

/**
 * charon_e820_type_name() - a name for an e820 type, for messages
 * @type: CHARON_E820_*
 *
 * Return: "RAM", "reserved", ... or "unknown".
 */
const char *charon_e820_type_name(uint32_t type)
{
	switch (type) {
	case CHARON_E820_RAM:
		return "RAM";
	case CHARON_E820_RESERVED:
		return "reserved";
	case CHARON_E820_ACPI:
		return "ACPI";
	case CHARON_E820_NVS:
		return "ACPI NVS";
	case CHARON_E820_UNUSABLE:
		return "unusable";
	case CHARON_E820_PMEM:
		return "persistent";
	default:
		return "unknown";
	}
}

static int e820_cmp(const void *a, const void *b)
{
	const struct charon_e820_entry *x = a, *y = b;

	if (x->addr != y->addr) {
		return x->addr < y->addr ? -1 : 1;
	}
	if (x->type != y->type) {
		return x->type < y->type ? -1 : 1;
	}
	return 0;
}

static int e820_overlap(const char *name, const struct charon_e820_entry *a,
			const struct charon_e820_entry *b,
			struct charon_err *err)
{
	return charon_errf(err, -EINVAL,
			   "e820: %s: [0x%llx, 0x%llx) %s (type %u) overlaps [0x%llx, 0x%llx) %s (type %u)",
			   name, (ull)b->addr, (ull)(b->addr + b->size),
			   charon_e820_type_name(b->type), b->type,
			   (ull)a->addr, (ull)(a->addr + a->size),
			   charon_e820_type_name(a->type), a->type);
}

/**
 * charon_e820_build() - an e820 map from a list of ranges
 * @name: where the ranges came from, for messages
 * @in: the ranges, in any order; empty ones are ignored
 * @n: how many
 * @out: the map: sorted by address, ranges of one type that touch or
 *	overlap merged
 * @err: error message on failure
 *
 * Return: 0; -EINVAL for a range that wraps, has type 0, or overlaps a
 * range of another type (naming both); -ENOSPC when more than
 * CHARON_BP_E820_MAX entries remain after merging.
 */
int charon_e820_build(const char *name, const struct charon_e820_entry *in,
		      size_t n, struct charon_e820 *out,
		      struct charon_err *err)
{
	struct charon_e820_entry *v, *last;
	uint64_t end, last_end;
	size_t i, m = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		return charon_errf(err, -ENOMEM, "e820: %s: out of memory",
				   name);
	}
	for (i = 0; i < n; i++) {
		if (in[i].size == 0) {
			continue;
		}
		if (__builtin_add_overflow(in[i].addr, in[i].size, &end)) {
			rc = charon_errf(err, -EINVAL,
					 "e820: %s: range at 0x%llx of 0x%llx bytes wraps around",
					 name, (ull)in[i].addr,
					 (ull)in[i].size);
			goto out;
		}
		if (in[i].type == 0) {
			rc = charon_errf(err, -EINVAL,
					 "e820: %s: range [0x%llx, 0x%llx) has type 0, not an e820 type",
					 name, (ull)in[i].addr, (ull)end);
			goto out;
		}
		v[m++] = in[i];
	}
	qsort(v, m, sizeof(*v), e820_cmp);
	for (i = 0; i < m; i++) {
		last = out->nr ? &out->map[out->nr - 1] : NULL;
		last_end = last ? last->addr + last->size : 0;
		end = v[i].addr + v[i].size;
		if (last && v[i].addr < last_end && v[i].type != last->type) {
			rc = e820_overlap(name, last, &v[i], err);
			goto out;
		}
		if (last && v[i].addr <= last_end && v[i].type == last->type) {
			if (end > last_end) {
				last->size = end - last->addr;
			}
			continue;
		}
		if (out->nr >= CHARON_BP_E820_MAX) {
			rc = charon_errf(err, -ENOSPC,
					 "e820: %s: more than %d entries after merging (the boot_params table holds %d)",
					 name, CHARON_BP_E820_MAX,
					 CHARON_BP_E820_MAX);
			goto out;
		}
		out->map[out->nr++] = v[i];
	}
out:
	free(v);
	return rc;
}

/**
 * charon_qemu_x86_machine_parse() - a QEMU x86 machine name
 * @s: "q35", "pc", a versioned "pc-q35-7.2" / "pc-i440fx-7.2", optionally
 *	followed by ",options"
 * @m: the machine family
 *
 * Return: 0, or -EINVAL for another machine (microvm, isapc, ...).
 */
int charon_qemu_x86_machine_parse(const char *s,
				  enum charon_qemu_x86_machine *m)
{
	size_t n = strcspn(s, ",");

	if ((n == 3 && !strncmp(s, "q35", 3)) ||
	    (n > 7 && !strncmp(s, "pc-q35-", 7))) {
		*m = CHARON_QEMU_X86_Q35;
		return 0;
	}
	if ((n == 2 && !strncmp(s, "pc", 2)) ||
	    (n > 10 && !strncmp(s, "pc-i440fx-", 10))) {
		*m = CHARON_QEMU_X86_PC;
		return 0;
	}
	return -EINVAL;
}

/*
 * QEMU's RAM split below/above 4 GiB (default max-ram-below-4g): q35
 * (hw/i386/pc_q35.c) keeps all RAM below 0xb0000000 if it fits, else the
 * first 2 GiB; pc (hw/i386/pc_piix.c, gigabyte_align machines) all RAM
 * below 0xe0000000 if it fits, else the first 3 GiB.
 */
#define Q35_LOWMEM_MAX		0xb0000000ull
#define Q35_LOWMEM_SPLIT	0x80000000ull
#define PC_LOWMEM_MAX		0xe0000000ull
#define PC_LOWMEM_SPLIT		0xc0000000ull

/*
 * What SeaBIOS adds to QEMU's RAM entries (its int 15h e820, which is
 * also what QEMU's PVH option ROM copies into hvm_start_info):
 * the EBDA (the last KiB below 640 KiB), the BIOS at 0xf0000, its own
 * high zone at the top of low RAM (ACPI tables, SMBIOS, ...), the 256 KiB
 * BIOS flash below 4 GiB, and on q35 the PCIe MMCONFIG window and the
 * ICH9 root complex register block.  The high-zone sizes were measured:
 * Debian 12's QEMU 7.2.22 with SeaBIOS 1.16.2, 1 to 16 CPUs.
 */
#define EBDA_START		0x9fc00ull
#define LOW_END			0xa0000ull
#define BIOS_START		0xf0000ull
#define HIGH_START		0x100000ull
#define PC_SEABIOS_ZONE		0x20000ull
#define Q35_SEABIOS_ZONE	0x21000ull
#define BIOS_FLASH_START	0xfffc0000ull
#define Q35_MMCONFIG_START	0xb0000000ull
#define Q35_MMCONFIG_SIZE	0x10000000ull
#define Q35_RCRB_START		0xfed1c000ull
#define Q35_RCRB_SIZE		0x4000ull
#define QEMU_MIN_RAM		(16 * MiB)

/**
 * charon_e820_qemu() - the e820 map a QEMU pc or q35 guest sees
 * @m: the machine
 * @ram_size: -m, in bytes: a multiple of 4 KiB, at least 16 MiB
 * @flags: CHARON_QEMU_E820_AMD_HT when the CPU vendor is AMD (TCG's
 *	default qemu64 is)
 * @out: the map
 * @err: error message on failure
 *
 * The map is the one Linux prints ("BIOS-e820:") when QEMU boots it
 * through SeaBIOS, for -M q35 / pc with -m @ram_size and the default
 * max-ram-below-4g: [0, 0x9fc00) RAM, [0x9fc00, 0xa0000) and
 * [0xf0000, 0x100000) reserved, [1 MiB, low - zone) RAM and the SeaBIOS
 * zone [low - zone, low) reserved, where low = @ram_size or, when that
 * does not fit below the PCI hole, 2 GiB (q35, @ram_size >= 0xb0000000) or
 * 3 GiB (pc, @ram_size >= 0xe0000000); the rest of the RAM from 4 GiB.
 * q35 adds MMCONFIG [0xb0000000, 0xc0000000) and the RCRB
 * [0xfed1c000, 0xfed20000) as reserved; both the 256 KiB BIOS flash below
 * 4 GiB.
 *
 * Return: 0, or -EINVAL for a size we do not model.
 */
int charon_e820_qemu(enum charon_qemu_x86_machine m, uint64_t ram_size,
		     unsigned int flags, struct charon_e820 *out,
		     struct charon_err *err)
{
	struct charon_e820_entry e[16];
	uint64_t low, zone, above;
	size_t n = 0;

#define ADD(a, s, t)	do {					\
		e[n].addr = (a);					\
		e[n].size = (s);					\
		e[n].type = (t);					\
		n++;							\
	} while (0)

	if (ram_size < QEMU_MIN_RAM || ram_size % PAGE) {
		return charon_errf(err, -EINVAL,
				   "e820: QEMU -m 0x%llx bytes: not modelled (want a multiple of 4 KiB, at least 16 MiB)",
				   (ull)ram_size);
	}
	if (m == CHARON_QEMU_X86_Q35) {
		low = ram_size >= Q35_LOWMEM_MAX ? Q35_LOWMEM_SPLIT :
			Q35_LOWMEM_MAX;
		zone = Q35_SEABIOS_ZONE;
	} else {
		low = ram_size >= PC_LOWMEM_MAX ? PC_LOWMEM_SPLIT :
			PC_LOWMEM_MAX;
		zone = PC_SEABIOS_ZONE;
	}
	if (low > ram_size) {
		low = ram_size;
	}
	above = ram_size - low;
	if ((flags & CHARON_QEMU_E820_AMD_HT) &&
	    CHARON_X86_4G + above > CHARON_QEMU_AMD_HT_START) {
		return charon_errf(err, -EINVAL,
				   "e820: QEMU -m 0x%llx bytes: RAM would reach the AMD HyperTransport window at 0x%llx, where QEMU moves it to 1 TiB; not modelled",
				   (ull)ram_size, CHARON_QEMU_AMD_HT_START);
	}
	ADD(0, EBDA_START, CHARON_E820_RAM);
	ADD(EBDA_START, LOW_END - EBDA_START, CHARON_E820_RESERVED);
	ADD(BIOS_START, HIGH_START - BIOS_START, CHARON_E820_RESERVED);
	ADD(HIGH_START, low - zone - HIGH_START, CHARON_E820_RAM);
	ADD(low - zone, zone, CHARON_E820_RESERVED);
	if (m == CHARON_QEMU_X86_Q35) {
		ADD(Q35_MMCONFIG_START, Q35_MMCONFIG_SIZE,
		    CHARON_E820_RESERVED);
		ADD(Q35_RCRB_START, Q35_RCRB_SIZE, CHARON_E820_RESERVED);
	}
	ADD(BIOS_FLASH_START, CHARON_X86_4G - BIOS_FLASH_START,
	    CHARON_E820_RESERVED);
	ADD(CHARON_X86_4G, above, CHARON_E820_RAM);
	if (flags & CHARON_QEMU_E820_AMD_HT) {
		ADD(CHARON_QEMU_AMD_HT_START,
		    CHARON_QEMU_AMD_HT_END - CHARON_QEMU_AMD_HT_START,
		    CHARON_E820_RESERVED);
	}
#undef ADD
	return charon_e820_build(m == CHARON_QEMU_X86_Q35 ? "QEMU q35" :
				 "QEMU pc", e, n, out, err);
}

/**
 * charon_e820_layout() - the RAM of an e820 map as layout RAM ranges
 * @t: the map
 * @min: only RAM at or above this (e.g. 1 MiB: leave the BIOS area and
 *	the kernel's real-mode trampoline alone)
 * @max_end: only RAM below this (0: no limit; e.g. 4 GiB for what a
 *	32-bit stub can reach)
 * @l: gets the RAM ranges (CHARON_E820_RAM entries, clipped)
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code from charon_layout_add_ram().
 */
int charon_e820_layout(const struct charon_e820 *t, uint64_t min,
		       uint64_t max_end, struct charon_layout *l,
		       struct charon_err *err)
{
	unsigned int i;
	int rc;

	for (i = 0; i < t->nr; i++) {
		if (t->map[i].type != CHARON_E820_RAM) {
			continue;
		}
		rc = charon_layout_add_ram_clip(l, t->map[i].addr,
						t->map[i].size, min, max_end,
						err);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* @limit (0: none) or @cap, whichever is lower */
static uint64_t cap_at(uint64_t limit, uint64_t cap)
{
	if (!limit || (cap && cap < limit)) {
		return cap;
	}
	return limit;
}

/*
 * As high as it fits, or as low as it fits from @min and, failing that,
 * anywhere; then fixed there.
 */
static int add_fixed(struct charon_layout *l, const char *name,
		     uint64_t size, uint64_t align, bool high, uint64_t min,
		     uint64_t max_end, uint64_t *addr, struct charon_err *err)
{
	struct charon_segment *s;
	int rc;

	if (high) {
		rc = charon_layout_pick(l, name, size, align, true, 0, max_end,
				     addr, err);
	} else {
		rc = charon_layout_pick(l, name, size, align, false, min,
				     max_end, addr, NULL);
		if (rc == -ENOSPC) {
			rc = charon_layout_pick(l, name, size, align, false, 0,
					     max_end, addr, err);
		}
	}
	if (rc) {
		return rc;
	}
	s = charon_layout_add_at(l, name, size, align, CHARON_PLACE_FIXED,
				 *addr, err);
	if (!s) {
		return -EINVAL;
	}
	return 0;
}

/**
 * charon_x86_place_boot() - place kernel, initrd, boot_params, cmdline
 * @l: the layout: RAM (e.g. from charon_e820_layout()) and the segments
 *	already fixed; gets FIXED segments "kernel", "initrd" (with an
 *	initrd), "boot_params" and "cmdline"
 * @img: the parsed bzImage
 * @cmdline_len: length of the command line, without its NUL
 * @initrd_size: bytes of initrd, 0 for none
 * @entry32: the kernel is entered through the 32-bit boot protocol
 * @where: CHARON_X86_HIGH or CHARON_X86_AFTER_KERNEL (below)
 * @limit: no segment may end above this (0: none), e.g. 4 GiB when the
 *	stub maps only the first 4 GiB
 * @out: the addresses
 * @err: error message on failure
 *
 * The kernel goes as charon_x86_kernel_add() says.  The rest go, in the
 * order initrd, boot_params, command line, as high as they fit
 * (CHARON_X86_HIGH), or each at the lowest fit at or above the end of the
 * kernel's footprint, else the lowest fit anywhere
 * (CHARON_X86_AFTER_KERNEL): the initrd page-aligned, ending at or below
 * initrd_addr_max + 1 unless the kernel sets XLF_CAN_BE_LOADED_ABOVE_4G;
 * boot_params (one page) and the command line (16-byte aligned) below
 * 4 GiB unless the kernel is entered in 64-bit mode and sets
 * XLF_CAN_BE_LOADED_ABOVE_4G; all of them at or below @limit.  Segments
 * placed later (the stub, HIGH) fit around these.
 *
 * Return: 0 or a negative errno code.
 */
int charon_x86_place_boot(struct charon_layout *l,
			  const struct charon_x86_image *img,
			  size_t cmdline_len, uint64_t initrd_size,
			  bool entry32, enum charon_x86_where where,
			  uint64_t limit, struct charon_x86_place *out,
			  struct charon_err *err)
{
	bool above = !!(img->xloadflags & CHARON_X86_XLF_ABOVE_4G);
	bool high = where == CHARON_X86_HIGH;
	uint64_t from;
	uint64_t ptr_max = cap_at(limit, !above || entry32 ?
				  CHARON_X86_4G : 0);
	uint64_t initrd_max;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cmdline_len > img->cmdline_size) {
		return charon_errf(err, -E2BIG,
				   "cmdline: %zu bytes, more than the kernel's cmdline_size (0x%x, at 0x238)",
				   cmdline_len, img->cmdline_size);
	}
	rc = charon_x86_kernel_add(l, img, entry32, limit, &out->kernel, err);
	if (rc) {
		return rc;
	}
	from = out->kernel.addr + out->kernel.size;
	if (initrd_size) {
		initrd_max = above ? 0 : (uint64_t)img->initrd_addr_max + 1;
		out->initrd_size = charon_round_up(initrd_size, PAGE);
		rc = add_fixed(l, "initrd", out->initrd_size, PAGE, high, from,
			       cap_at(limit, initrd_max), &out->initrd_addr,
			       err);
		if (rc) {
			charon_err_prefix(err, "initrd: ");
			return rc;
		}
	}
	rc = add_fixed(l, "boot_params", CHARON_BP_SIZE, PAGE, high, from,
		       ptr_max, &out->bp_addr, err);
	if (rc) {
		charon_err_prefix(err, "boot_params: ");
		return rc;
	}
	out->cmdline_size = cmdline_len + 1;
	rc = add_fixed(l, "cmdline", out->cmdline_size, 16, high, from,
		       ptr_max, &out->cmdline_addr, err);
	if (rc) {
		charon_err_prefix(err, "cmdline: ");
	}
	return rc;
}

static void put32(uint8_t *bp, size_t off, uint32_t v)
{
	charon_put32(bp + off, v, CHARON_LE);
}

static int set_cmdline(const char *name, const struct charon_x86_image *img,
		       const struct charon_x86_boot_in *in, bool high_ok,
		       uint8_t *bp, struct charon_err *err)
{
	size_t len = in->cmdline ? strlen(in->cmdline) : 0;

	if (len > img->cmdline_size) {
		return charon_errf(err, -E2BIG,
				   "boot_params: command line is %zu bytes, more than %s's cmdline_size 0x%x (at 0x238)",
				   len, name, img->cmdline_size);
	}
	if (in->cmdline_addr == 0) {
		return charon_errf(err, -EINVAL,
				   "boot_params: no command line address (cmd_line_ptr 0 tells the kernel the loader predates protocol 2.02)");
	}
	if ((in->cmdline_addr + len) >> 32 && !high_ok) {
		return charon_errf(err, -ERANGE,
				   "boot_params: command line at 0x%llx is above 4 GiB, but %s %s",
				   (ull)in->cmdline_addr, name,
				   in->entry32 ? "is entered in 32-bit mode" :
				   "does not set XLF_CAN_BE_LOADED_ABOVE_4G (xloadflags at 0x236)");
	}
	put32(bp, CHARON_X86_CMD_LINE_PTR, (uint32_t)in->cmdline_addr);
	put32(bp, CHARON_BP_EXT_CMD_LINE_PTR,
	      (uint32_t)(in->cmdline_addr >> 32));
	return 0;
}

static int set_initrd(const char *name, const struct charon_x86_image *img,
		      const struct charon_x86_boot_in *in, uint8_t *bp,
		      struct charon_err *err)
{
	uint64_t end;

	if (!in->initrd_size) {
		return 0;
	}
	if (__builtin_add_overflow(in->initrd_addr, in->initrd_size, &end)) {
		return charon_errf(err, -EINVAL,
				   "boot_params: initrd at 0x%llx of 0x%llx bytes wraps around",
				   (ull)in->initrd_addr, (ull)in->initrd_size);
	}
	if (!(img->xloadflags & CHARON_X86_XLF_ABOVE_4G) &&
	    end - 1 > img->initrd_addr_max) {
		return charon_errf(err, -ERANGE,
				   "boot_params: initrd [0x%llx, 0x%llx) ends above %s's initrd_addr_max 0x%x (at 0x22c), and the kernel does not set XLF_CAN_BE_LOADED_ABOVE_4G",
				   (ull)in->initrd_addr, (ull)end, name,
				   img->initrd_addr_max);
	}
	put32(bp, CHARON_X86_RAMDISK_IMAGE, (uint32_t)in->initrd_addr);
	put32(bp, CHARON_BP_EXT_RAMDISK_IMAGE,
	      (uint32_t)(in->initrd_addr >> 32));
	put32(bp, CHARON_X86_RAMDISK_SIZE, (uint32_t)in->initrd_size);
	put32(bp, CHARON_BP_EXT_RAMDISK_SIZE,
	      (uint32_t)(in->initrd_size >> 32));
	return 0;
}

static int set_e820(const struct charon_e820 *t, uint8_t *bp,
		    struct charon_err *err)
{
	uint8_t *p;
	unsigned int i;

	if (!t || t->nr == 0) {
		return charon_errf(err, -EINVAL,
				   "boot_params: no e820 memory map");
	}
	if (t->nr > CHARON_BP_E820_MAX) {
		return charon_errf(err, -ENOSPC,
				   "boot_params: e820 map has %u entries, more than %d",
				   t->nr, CHARON_BP_E820_MAX);
	}
	bp[CHARON_BP_E820_ENTRIES] = (uint8_t)t->nr;
	for (i = 0; i < t->nr; i++) {
		p = bp + CHARON_BP_E820_TABLE + i * CHARON_BP_E820_ENTRY_SIZE;
		charon_put64(p, t->map[i].addr, CHARON_LE);
		charon_put64(p + 8, t->map[i].size, CHARON_LE);
		charon_put32(p + 16, t->map[i].type, CHARON_LE);
	}
	return 0;
}

/**
 * charon_x86_boot_params() - fill the zero page
 * @name: the kernel's file name, for messages
 * @img: the bzImage, opened (its header is copied)
 * @in: addresses, command line, initrd and e820 map
 * @bp: the page, CHARON_BP_SIZE bytes, all written
 * @err: error message on failure
 *
 * The page is zeroed; the setup header from 0x1f1 up to 0x202 + the byte
 * at 0x201 is copied from the image; then, as boot.rst asks of a loader
 * without an assigned ID: type_of_loader = 0xff; loadflags keep
 * LOADED_HIGH and clear QUIET_FLAG, KEEP_SEGMENTS, CAN_USE_HEAP (the
 * real-mode setup code, whose heap heap_end_ptr describes, does not run
 * in the 32- or 64-bit protocol; heap_end_ptr is 0) and KASLR_FLAG (kernel
 * internal); code32_start = the kernel's load address (left as the image
 * has it for a 64-bit entry above 4 GiB); cmd_line_ptr /
 * ext_cmd_line_ptr; ramdisk_image / ramdisk_size and their ext_ halves;
 * acpi_rsdp_addr when given; e820_entries and e820_table.  The sentinel
 * at 0x1ef stays 0, so the kernel trusts the fields.
 *
 * Return: 0; -E2BIG for a command line longer than cmdline_size; -ERANGE
 * for an initrd ending above initrd_addr_max, or a pointer above 4 GiB,
 * where the kernel does not allow it; -EINVAL for a missing command line
 * address or e820 map.
 */
int charon_x86_boot_params(const char *name,
			   const struct charon_x86_image *img,
			   const struct charon_x86_boot_in *in,
			   uint8_t bp[CHARON_BP_SIZE], struct charon_err *err)
{
	bool high_ok = (img->xloadflags & CHARON_X86_XLF_ABOVE_4G) &&
		       !in->entry32;
	size_t end = img->hdr_end;
	uint8_t lf;
	int rc;

	memset(bp, 0, CHARON_BP_SIZE);
	if (!img->data || end > img->len || end > CHARON_BP_HDR_LIMIT ||
	    end <= CHARON_BP_HDR) {
		return charon_errf(err, -EINVAL,
				   "boot_params: %s: setup header [0x1f1, 0x%zx) is not in the image (0x%zx bytes)",
				   name, end, img->len);
	}
	memcpy(bp + CHARON_BP_HDR, img->data + CHARON_BP_HDR,
	       end - CHARON_BP_HDR);
	bp[CHARON_X86_TYPE_OF_LOADER] = CHARON_BP_LOADER_UNDEFINED;
	lf = bp[CHARON_X86_LOADFLAGS];
	lf |= CHARON_X86_LOADED_HIGH;
	lf &= (uint8_t)~(CHARON_X86_QUIET_FLAG | CHARON_X86_KEEP_SEGMENTS |
			 CHARON_X86_CAN_USE_HEAP | CHARON_X86_KASLR_FLAG);
	bp[CHARON_X86_LOADFLAGS] = lf;
	charon_put16(bp + CHARON_X86_HEAP_END_PTR, 0, CHARON_LE);

	if (in->kernel_addr >> 32) {
		if (!high_ok) {
			return charon_errf(err, -ERANGE,
					   "boot_params: kernel at 0x%llx is above 4 GiB, but %s %s",
					   (ull)in->kernel_addr, name,
					   in->entry32 ?
					   "is entered in 32-bit mode" :
					   "does not set XLF_CAN_BE_LOADED_ABOVE_4G (xloadflags at 0x236)");
		}
	} else {
		put32(bp, CHARON_X86_CODE32_START, (uint32_t)in->kernel_addr);
	}
	rc = set_cmdline(name, img, in, high_ok, bp, err);
	if (!rc) {
		rc = set_initrd(name, img, in, bp, err);
	}
	if (!rc) {
		rc = set_e820(in->e820, bp, err);
	}
	if (rc) {
		return rc;
	}
	if (in->acpi_rsdp) {
		charon_put64(bp + CHARON_BP_ACPI_RSDP_ADDR, in->acpi_rsdp,
			     CHARON_LE);
	}
	return 0;
}
/**
 * charon_qemu_x86_e820_flags() - charon_e820_qemu() flags for a -cpu
 * @cpu: the -cpu model, NULL for QEMU's default (qemu64 under TCG)
 *
 * QEMU reserves the AMD HyperTransport window when the CPU's vendor is
 * AMD: qemu64, max (under TCG), athlon, phenom, Opteron_* and EPYC* are;
 * any other model is taken as Intel.  Only the map's reserved entry at
 * 0xfd00000000 depends on it.
 *
 * Return: CHARON_QEMU_E820_AMD_HT or 0.
 */
unsigned int charon_qemu_x86_e820_flags(const char *cpu)
{
	static const char *const amd[] = {
		"qemu64", "max", "athlon", "phenom", "Opteron", "EPYC",
	};
	size_t i, n, k;

	if (!cpu) {
		return CHARON_QEMU_E820_AMD_HT;
	}
	n = strcspn(cpu, ",");
	for (i = 0; i < sizeof(amd) / sizeof(amd[0]); i++) {
		k = strlen(amd[i]);
		if (n >= k && !strncmp(cpu, amd[i], k)) {
			return CHARON_QEMU_E820_AMD_HT;
		}
	}
	return 0;
}
