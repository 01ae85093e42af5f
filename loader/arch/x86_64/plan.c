// SPDX-License-Identifier: MIT
/*
 * The x86_64 boot plan: stub, bzImage, initrd, boot_params and command
 * line placed per Documentation/arch/x86/boot.rst in the RAM of an e820
 * map, between 1 MiB and 4 GiB; the kdump backup region checked; the
 * parameter block filled for the 64- or the 32-bit boot protocol.
 *
 * Only [1 MiB, 4 GiB) of the map's RAM is used: below 1 MiB live the BIOS
 * data and the kernel's real-mode trampoline, and the stub's PVH entry
 * (how QEMU starts it) identity-maps the first 4 GiB only.  boot_params
 * still carries the whole map.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/pvh.h>
#include <charon/util.h>

#include "x86_64.h"

typedef unsigned long long ull;

#define PAGE		4096ull
#define RAM_MIN		((uint64_t)1 << 20)
#define RAM_END		((uint64_t)1 << 32)
/* kdump: the low RAM real-mode code needs, which the stub backs up */
#define LOW_RAM_END	0xa0000ull

static int crash_backup(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err);

static const char *map_name(const struct charon_boot_opts *o)
{
	if (o->live) {
		return "/sys/firmware/memmap";
	}
	return o->x86.e820_name ? o->x86.e820_name : "the machine";
}

/* 1. the bzImage; the kernel segment is its protected-mode code */
int charon_x86_read_kernel(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err)
{
	struct charon_x86_image *img = &b->kernel.x86.img;
	uint8_t *pm;
	int rc;

	rc = charon_x86_image_load(o->kernel_path, img, err);
	if (rc) {
		return rc;
	}
	/* the protected-mode kernel: the bytes after the real-mode setup */
	pm = malloc(img->pm_size);
	if (!pm) {
		return charon_errf(err, -ENOMEM, "kernel: %s: out of memory",
				   o->kernel_path);
	}
	memcpy(pm, charon_x86_image_pm(img), img->pm_size);
	charon_boot_add_seg(b, "kernel", o->kernel_path, pm,
			    img->pm_size)->modified = true;
	return 0;
}

/* a --stub-addr the PVH entry and the 32-bit hand-over can live with */
static int check_stub_addr(const struct charon_boot_opts *o,
			   const struct charon_boot *b, struct charon_err *err)
{
	if (o->stub_addr % b->stub.align) {
		return charon_errf(err, -EINVAL,
				   "--stub-addr 0x%llx: not aligned to 0x%llx (the stub's load_align, at least 4 KiB)",
				   (ull)o->stub_addr, (ull)b->stub.align);
	}
	if (o->stub_addr >= RAM_END || b->stub_size > RAM_END - o->stub_addr) {
		return charon_errf(err, -ERANGE,
				   "--stub-addr 0x%llx: the stub [0x%llx, 0x%llx) must lie below 4 GiB (QEMU enters it by PVH, in 32-bit mode, and it maps only the first 4 GiB)",
				   (ull)o->stub_addr, (ull)o->stub_addr,
				   (ull)(o->stub_addr + b->stub_size));
	}
	return 0;
}

/* is [a, a + n) covered by the map's entries, of any type, without a gap? */
static bool e820_covers(const struct charon_e820 *t, uint64_t a, uint64_t n)
{
	uint64_t end = a + n;
	unsigned int i;

	for (i = 0; i < t->nr && a < end; i++) {
		if (t->map[i].addr > a) {
			return false;
		}
		if (t->map[i].addr + t->map[i].size > a) {
			a = t->map[i].addr + t->map[i].size;
		}
	}
	return a >= end;
}

/*
 * The kdump backup region, before placement: the copy may not wrap,
 * overlap itself or reach past 4 GiB (the stub's PVH map), the source
 * must be memory the map describes, and the destination becomes a FIXED
 * segment "backup" (inside RAM, clear of the stub; the boot segments are
 * placed around it).
 */
static int backup_fix(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	const struct charon_boot_x86 *x = &b->kernel.x86;
	uint64_t s = x->backup_src, d = x->backup_dst, n = x->backup_len;
	struct charon_segment *seg;

	if (!n) {
		return 0;
	}
	if (s + n < s || d + n < d || s + n > RAM_END || d + n > RAM_END) {
		return charon_errf(err, -ERANGE,
				   "--kdump-backup 0x%llx,0x%llx,0x%llx: source and destination must end below 4 GiB (the stub maps only the first 4 GiB when QEMU starts it)",
				   (ull)s, (ull)d, (ull)n);
	}
	if (charon_overlaps(s, n, d, n)) {
		return charon_errf(err, -EINVAL,
				   "--kdump-backup: source [0x%llx, 0x%llx) overlaps destination [0x%llx, 0x%llx)",
				   (ull)s, (ull)(s + n), (ull)d, (ull)(d + n));
	}
	if (!e820_covers(&x->e820, s, n)) {
		return charon_errf(err, -ERANGE,
				   "--kdump-backup: source [0x%llx, 0x%llx) is not all memory the e820 map of %s describes",
				   (ull)s, (ull)(s + n), map_name(o));
	}
	seg = charon_layout_add(&b->layout, "backup", n, 1,
				CHARON_PLACE_FIXED, err);
	if (!seg) {
		return -EINVAL;
	}
	seg->addr = d;
	return 0;
}

/* after placement: the backup source must not be one of ours */
static int backup_check_src(const struct charon_boot *b,
			    struct charon_err *err)
{
	const struct charon_boot_x86 *x = &b->kernel.x86;
	const struct charon_segment *seg;
	unsigned int i;

	if (!x->backup_len) {
		return 0;
	}
	for (i = 0; i < b->layout.nr_seg; i++) {
		seg = &b->layout.seg[i];
		if (strcmp(seg->name, "backup") &&
		    charon_overlaps(x->backup_src, x->backup_len, seg->addr,
			     seg->size)) {
			return charon_errf(err, -EINVAL,
					   "--kdump-backup: source [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
					   (ull)x->backup_src,
					   (ull)(x->backup_src + x->backup_len),
					   seg->name, (ull)seg->addr,
					   (ull)(seg->addr + seg->size));
		}
	}
	return 0;
}

/*
 * kexec: the running kernel's RAM (what it left as "System RAM" of the
 * firmware's map) in [1 MiB, 4 GiB), and its keep-outs
 */
static int live_ram(const struct charon_boot_opts *o, struct charon_boot *b,
		    struct charon_err *err)
{
	const struct charon_mem_range *r;
	unsigned int i;
	int rc;

	/* kdump: the crash region is all the RAM there is */
	for (i = 0; i < (o->crash ? 1 : o->live->nr_ram); i++) {
		r = o->crash ? &o->live->crash[0] : &o->live->ram[i];
		rc = charon_layout_add_ram_clip(&b->layout, r->start, r->size,
						RAM_MIN, RAM_END, err);
		if (rc) {
			return rc;
		}
	}
	return charon_boot_live(o, b, false, err);
}

/*
 * 2. RAM [1 MiB, 4 GiB) of the map (kexec: of /proc/iomem), the console:
 * COM1, or the running system's serial port (kexec)
 */
int charon_x86_machine(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, struct charon_err *err)
{
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_layout *l = &b->layout;
	int rc;

	(void)dtb;
	/* kexec: the firmware's map, as the running kernel shows it */
	x->e820 = o->live ? o->live->e820 : o->x86.e820;
	if (!x->e820.nr) {
		return charon_errf(err, -EINVAL,
				   "x86_64: no e820 memory map for the machine");
	}
	x->entry32 = o->x86.entry32;
	x->backup_src = o->x86.backup_src;
	x->backup_dst = o->x86.backup_dst;
	x->backup_len = o->x86.backup_len;
	x->cmdline = o->bootargs ? o->bootargs : "";
	b->console.con.kind = CHARON_CON_NS16550_IO;
	b->console.con.base = o->live && o->live->com_port ?
			      o->live->com_port : CHARON_X86_COM1;
	rc = o->live ? live_ram(o, b, err) :
		       charon_e820_layout(&x->e820, RAM_MIN, RAM_END, l, err);
	if (rc) {
		return rc;
	}
	if (!l->nr_ram) {
		return charon_errf(err, -ERANGE,
				   "e820: %s: no RAM between 1 MiB and 4 GiB",
				   map_name(o));
	}
	return 0;
}

/*
 * 3. the stub fixed or as high as it fits below 4 GiB (the PVH entry maps
 * only that); the backup destination fixed; then the kernel, initrd,
 * boot_params and command line by charon_x86_place_boot()
 */
int charon_x86_place(const struct charon_boot_opts *o, struct charon_boot *b,
		     size_t room, struct charon_err *err)
{
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_layout *l = &b->layout;
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	size_t cmdline_len = strlen(x->cmdline);
	struct charon_segment *st;
	uint64_t addr = o->stub_addr;
	int rc;

	(void)room;
	/* charon image: the stub's place holds the whole image */
	b->stub_size = charon_round_up(o->image_len > b->stub.hdr.mem_size ?
				       o->image_len : b->stub.hdr.mem_size,
				       PAGE);
	if (o->stub_addr_fixed) {
		rc = check_stub_addr(o, b, err);
	} else {
		rc = charon_layout_pick(l, "stub", b->stub_size, b->stub.align,
				     true, RAM_MIN, RAM_END, &addr, err);
	}
	if (rc) {
		return rc;
	}
	st = charon_layout_add(l, "stub", b->stub_size, b->stub.align,
			       CHARON_PLACE_FIXED, err);
	if (!st) {
		return -EINVAL;
	}
	st->addr = addr;
	b->stub_addr = addr;
	/* the fixed ranges first, so errors name them */
	rc = charon_layout_check(l, err);
	if (!rc) {
		rc = backup_fix(o, b, err);
	}
	if (!rc && x->backup_len) {
		rc = charon_layout_check(l, err);
		if (rc) {
			charon_err_prefix(err, "--kdump-backup: ");
		}
	}
	if (!rc && o->crash) {
		rc = crash_backup(o, b, err);
	}
	if (!rc) {
		rc = charon_x86_place_boot(l, &x->img, cmdline_len,
					   is ? is->len : 0, x->entry32,
					   o->live ? CHARON_X86_HIGH :
					   CHARON_X86_AFTER_KERNEL, RAM_END,
					   &x->place, err);
	}
	return rc ?: charon_x86_efi_place(o, b, RAM_END, err);
}

/* 3. the backup source must not be one of ours */
int charon_x86_placed(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_segment *bs;

	if (o->crash && x->backup_len) {
		bs = charon_layout_find(&b->layout, "backup");
		x->backup_dst = bs->addr;
	}
	return backup_check_src(b, err);
}

/*
 * kdump: the RAM below 640 KiB (the first System RAM range there) is the
 * dump kernel's, so the stub copies the crashed kernel's bytes of it into
 * the crash region first: segment "backup", placed with the rest
 */
static int crash_backup(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err)
{
	const struct charon_live *lv = o->live;
	struct charon_boot_x86 *x = &b->kernel.x86;
	unsigned int i;

	for (i = 0; i < lv->nr_ram; i++) {
		const struct charon_mem_range *r = &lv->ram[i];

		if (r->start < LOW_RAM_END) {
			x->backup_src = r->start;
			x->backup_len = (r->start + r->size < LOW_RAM_END ?
					 r->start + r->size : LOW_RAM_END) -
					r->start;
			break;
		}
	}
	if (!x->backup_len) {
		return 0;
	}
	b->backup_src = x->backup_src;
	b->backup_len = x->backup_len;
	return charon_layout_add(&b->layout, "backup",
				 charon_round_up(x->backup_len, PAGE), PAGE,
				 CHARON_PLACE_LOW, err) ? 0 : -EINVAL;
}

/* an e820 entry, or -ENOSPC */
static int e820_add(struct charon_e820 *t, uint64_t a, uint64_t n,
		    uint32_t type, struct charon_err *err)
{
	if (!n) {
		return 0;
	}
	if (t->nr == CHARON_BP_E820_MAX) {
		return charon_errf(err, -ENOSPC,
				   "e820: more than %u entries for the dump kernel",
				   CHARON_BP_E820_MAX);
	}
	t->map[t->nr].addr = a;
	t->map[t->nr].size = n;
	t->map[t->nr++].type = type;
	return 0;
}

/*
 * kdump: the dump kernel's e820 map: the backed-up low RAM and the crash
 * region as RAM, less the core header and the backup copy (which it must
 * not overwrite); every entry of the firmware's map that is not RAM
 * (ACPI tables and NVS, reserved), so that it finds its firmware
 */
static int crash_e820(const struct charon_boot_opts *o,
		      struct charon_boot *b, struct charon_err *err)
{
	const struct charon_mem_range *cr = &o->live->crash[0];
	struct charon_boot_x86 *x = &b->kernel.x86;
	const struct charon_segment *hole[2] = {
		charon_layout_find(&b->layout, "elfcorehdr"),
		charon_layout_find(&b->layout, "backup"),
	};
	struct charon_e820 t = { .nr = 0 };
	uint64_t a = cr->start, end = cr->start + cr->size;
	unsigned int i, j;
	int rc = 0;

	for (i = 0; !rc && i < x->e820.nr; i++) {
		if (x->e820.map[i].type != CHARON_E820_RAM) {
			rc = e820_add(&t, x->e820.map[i].addr,
				      x->e820.map[i].size,
				      x->e820.map[i].type, err);
		}
	}
	rc = rc ?: e820_add(&t, x->backup_src, x->backup_len,
			    CHARON_E820_RAM, err);
	/* the crash region in pieces around the holes, in address order */
	if (hole[1] && (!hole[0] || hole[1]->addr < hole[0]->addr)) {
		const struct charon_segment *h = hole[0];

		hole[0] = hole[1];
		hole[1] = h;
	}
	for (j = 0; !rc && j < 2; j++) {
		if (hole[j] && hole[j]->addr >= a && hole[j]->addr < end) {
			rc = e820_add(&t, a, hole[j]->addr - a,
				      CHARON_E820_RAM, err);
			a = hole[j]->addr + hole[j]->size;
		}
	}
	rc = rc ?: e820_add(&t, a, end > a ? end - a : 0, CHARON_E820_RAM,
			    err);
	if (rc) {
		return rc;
	}
	/* ascending, as firmware gives it */
	for (i = 1; i < t.nr; i++) {
		struct charon_e820_entry e = t.map[i];

		for (j = i; j > 0 && t.map[j - 1].addr > e.addr; j--) {
			t.map[j] = t.map[j - 1];
		}
		t.map[j] = e;
	}
	x->e820 = t;
	return 0;
}

/* 4. the zero page and the command line, as segments */
int charon_x86_boot_data(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err)
{
	const char *cmdline = b->kernel.x86.cmdline;
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	struct charon_x86_boot_in in = { 0 };
	struct charon_boot_seg *s;
	size_t len = strlen(cmdline);
	uint8_t *bp;
	char *cl;
	int rc;

	(void)dtb;
	in.kernel_addr = x->place.kernel.addr;
	in.entry32 = x->entry32;
	in.cmdline = cmdline;
	in.cmdline_addr = x->place.cmdline_addr;
	if (is) {
		in.initrd_addr = is->addr;
		in.initrd_size = is->len;
	}
	if (o->crash) {
		rc = crash_e820(o, b, err);
		if (rc) {
			return rc;
		}
	}
	in.e820 = &x->e820;
	in.acpi_rsdp = o->live ? o->live->acpi_rsdp : 0;
	bp = malloc(CHARON_BP_SIZE);
	cl = malloc(len + 1);
	if (!bp || !cl) {
		free(bp);
		free(cl);
		return charon_errf(err, -ENOMEM, "boot_params: out of memory");
	}
	rc = charon_x86_boot_params(o->kernel_path, &x->img, &in, bp, err);
	rc = rc ?: charon_x86_efi_data(o, b, bp, err);
	if (rc) {
		free(bp);
		free(cl);
		return rc;
	}
	/* built from the kernel's header: named after it */
	s = charon_boot_add_seg(b, "boot_params", o->kernel_path, bp,
				CHARON_BP_SIZE);
	s->modified = true;
	s->addr = x->place.bp_addr;
	s->mem_size = CHARON_BP_SIZE;
	memcpy(cl, cmdline, len + 1);
	s = charon_boot_add_seg(b, "cmdline", "--append", (uint8_t *)cl,
				len + 1);
	s->modified = true;
	s->addr = x->place.cmdline_addr;
	s->mem_size = x->place.cmdline_size;
	return 0;
}

/*
 * 5. next.entry = load address + 0x200 (64-bit) or the load address
 * (32-bit); regs[0] = boot_params; raw[] = backup source, destination,
 * length, entry mode, exit port
 */
int charon_x86_fill_next(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err)
{
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_params *p = &b->params;
	uint64_t *raw = p->next.arch.raw;

	(void)err;
	p->next.entry = x->place.kernel.entry;
	p->next.regs[0] = x->place.bp_addr;
	raw[CHARON_X86_BACKUP_SRC] = x->backup_src;
	raw[CHARON_X86_BACKUP_DST] = x->backup_dst;
	raw[CHARON_X86_BACKUP_LEN] = x->backup_len;
	raw[CHARON_X86_ENTRY_MODE] = x->entry32 ? CHARON_X86_ENTRY_32 :
				     CHARON_X86_ENTRY_64;
	raw[CHARON_X86_EXIT_PORT] = o->x86.exit_port ? o->x86.exit_port :
				    CHARON_X86_EXIT_PORT_DEFAULT;
	return 0;
}

void charon_x86_free_kernel(struct charon_boot *b)
{
	charon_x86_image_free(&b->kernel.x86.img);
}

/**
 * charon_x86_pvh_stub() - the planned stub as an ELF QEMU's -kernel boots
 * @b: an x86_64 plan, after any test hook (the stub image as it is now)
 * @out: set to the malloc'd ELF (free() it)
 * @out_len: its size
 * @err: error message on failure
 *
 * The patched stub image as one PT_LOAD at the stub's address and a Xen
 * PVH note for its entry2_offset (charon_pvh_elf()).
 *
 * Return: 0 or a negative errno code.
 */
int charon_x86_pvh_stub(const struct charon_boot *b, void **out,
			size_t *out_len, struct charon_err *err)
{
	return charon_pvh_elf(b->stub.name, b->stub.image, b->stub.len,
			      b->stub.hdr.mem_size, b->stub_addr,
			      b->stub.hdr.entry2_offset, out, out_len, err);
}
