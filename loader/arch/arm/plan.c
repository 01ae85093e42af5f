// SPDX-License-Identifier: MIT
/*
 * The arm boot plan: stub, zImage, initrd and DTB (or an ATAG list)
 * placed per Documentation/arch/arm/booting.rst.  The zImage goes where
 * its decompressor need not move (image-arm.c); the initrd, then the DTB,
 * go right above the decompressor's whole footprint, the stub at the top
 * of RAM.  The parameter block gets r0 = 0, r1 = ~0 (or the machine type
 * with ATAGs), r2 = the DTB (or the ATAG list).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>
#include <charon/atags.h>
#include <charon/boot.h>
#include <charon/util.h>

#include "arm.h"

typedef unsigned long long ull;

#define PAGE		4096ull
#define SZ_4G		((uint64_t)1 << 32)
/* lowmem of a 3G/1G split kernel: 760 MiB from PHYS_OFFSET */
#define LOWMEM		((uint64_t)760 << 20)
/* a LOW layout segment with this alignment can only go to its offset */
#define PIN_ALIGN	SZ_4G
/* ATAG_MEM ranges we describe at most */
#define MAX_ATAG_MEM	CHARON_MAX_RAM

/* 1. the zImage proper and a zero word: always a copy of the file */
int charon_arm_read_kernel(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err)
{
	struct charon_zimage *zi = &b->kernel.arm.zimage;
	struct charon_boot_seg *s;
	int rc;

	b->kernel.arm.machine_type = o->arm.atags ? o->arm.machine_type :
				     CHARON_ARM_MACH_DT;
	rc = charon_zimage_load(o->kernel_path, zi, err);
	if (rc) {
		return rc;
	}
	s = charon_boot_add_seg(b, "kernel", o->kernel_path, zi->data,
				zi->len);
	s->modified = true;
	zi->data = NULL;
	return 0;
}

/* the arm stub and kernel see 32-bit physical addresses: drop RAM above */
static int clip_4g(const struct charon_boot_opts *o, struct charon_layout *l,
		   struct charon_err *err)
{
	uint64_t cut = 0;
	unsigned int i, n = 0;

	for (i = 0; i < l->nr_ram; i++) {
		if (l->ram[i].start >= SZ_4G) {
			cut += l->ram[i].size;
			continue;
		}
		if (l->ram[i].size > SZ_4G - l->ram[i].start) {
			cut += l->ram[i].size - (SZ_4G - l->ram[i].start);
			l->ram[i].size = SZ_4G - l->ram[i].start;
		}
		l->ram[n++] = l->ram[i];
	}
	l->nr_ram = n;
	if (!n) {
		return charon_errf(err, -ERANGE,
				   "dtb: %s: no RAM below 4 GiB; the arm stub and kernel use 32-bit physical addresses",
				   o->dtb_path);
	}
	if (cut) {
		charon_warnf("dtb: %s: 0x%llx bytes of RAM above 4 GiB are not used: the arm stub and kernel use 32-bit physical addresses",
			     o->dtb_path, (ull)cut);
	}
	return 0;
}

/*
 * The footprint must not cover a reservation of the tree or a fixed stub
 * (what the back-end keeps at the start of RAM, QEMU's DTB, is only
 * overwritten after QEMU put it there, which is harmless).
 */
static int check_footprint(const struct charon_boot_opts *o,
			   const struct charon_boot *b,
			   const struct charon_segment *head,
			   struct charon_err *err)
{
	const struct charon_boot_arm *arm = &b->kernel.arm;
	const struct charon_layout *l = &b->layout;
	const struct charon_segment *s;
	uint64_t fs = arm->fp.start, fn = arm->fp_end - arm->fp.start;
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		s = &l->seg[i];
		if (s == head || (s->place != CHARON_PLACE_FIXED &&
				  s->place != CHARON_PLACE_KEEPOUT) ||
		    !charon_overlaps(fs, fn, s->addr, s->size)) {
			continue;
		}
		return charon_errf(err, -EINVAL,
				   "layout: the zImage footprint [0x%llx, 0x%llx) of %s overlaps %s [0x%llx, 0x%llx): the decompressor or the kernel would overwrite it",
				   (ull)fs, (ull)arm->fp_end, o->kernel_path,
				   s->name, (ull)s->addr,
				   (ull)(s->addr + s->size));
	}
	return 0;
}

/* is [a, a + n) clear of every segment placed so far? */
static bool range_free(const struct charon_layout *l, uint64_t a, uint64_t n)
{
	const struct charon_segment *s;
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		s = &l->seg[i];
		if ((s->place == CHARON_PLACE_FIXED ||
		     s->place == CHARON_PLACE_KEEPOUT) &&
		    charon_overlaps(a, n, s->addr, s->size)) {
			return false;
		}
	}
	return true;
}

/*
 * The ATAG list where booting.rst recommends it, RAM + 0x100 inside the
 * first 16 KiB, if that is free and below the footprint; *out stays NULL
 * (place it after the footprint, like a DTB) otherwise.
 */
static int atags_low(struct charon_boot *b, size_t room,
		     struct charon_segment **out, struct charon_err *err)
{
	const struct charon_zimage_fp *fp = &b->kernel.arm.fp;
	uint64_t a = fp->base + CHARON_ATAGS_OFFSET;
	struct charon_segment *s;

	*out = NULL;
	if (a + room > fp->base + CHARON_ATAGS_WINDOW || a + room > fp->start ||
	    a < b->layout.ram[0].start ||
	    !range_free(&b->layout, a, room)) {
		return 0;
	}
	s = charon_layout_add_at(&b->layout, "atags", room, 4,
				 CHARON_PLACE_FIXED, a, err);
	if (!s) {
		return -ENOSPC;
	}
	*out = s;
	return 0;
}

/*
 * The layout: the stub high (or fixed); the zImage at the address
 * charon_zimage_place() chose, pinned as the first LOW segment whose
 * reserved size runs to the footprint's end (so the LOW segments after it
 * start there), the footprint below the zImage a keep-out; then initrd
 * and DTB (or ATAG list) page aligned from the footprint's end.
 */
int charon_arm_place(const struct charon_boot_opts *o, struct charon_boot *b,
		     size_t room, struct charon_err *err)
{
	struct charon_boot_arm *arm = &b->kernel.arm;
	struct charon_layout *l = &b->layout;
	struct charon_segment *head = NULL, *k, *fk, *d = NULL;
	const struct charon_mem_range *ram = &l->ram[0];
	uint64_t ram_end = ram->start + ram->size;
	size_t n;
	int rc;

	/* the back-end's start of RAM, as the plan kept it out */
	if (o->ram_head_reserve) {
		head = charon_layout_find(l, o->ram_head_name ?
					  o->ram_head_name : "reserved");
	}
	/*
	 * A stub placed high in this same (only) RAM range goes to its top,
	 * before the low segments are placed: keep the footprint below it.
	 */
	if (!o->stub_addr_fixed && l->nr_ram == 1 &&
	    ram->size > b->stub_size) {
		ram_end = (ram_end - b->stub_size) & ~(b->stub.align - 1);
	}

	rc = charon_zimage_place(o->kernel_path, &arm->zimage, ram->start,
				 ram_end, ram->start + o->ram_head_reserve,
				 &arm->fp, err);
	if (rc && err && ram_end != ram->start + ram->size) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n,
			 "; the stub takes [0x%llx, 0x%llx)", (ull)ram_end,
			 (ull)(ram->start + ram->size));
	}
	if (rc) {
		return rc;
	}
	arm->fp_end = charon_round_up(arm->fp.end, PAGE);
	rc = check_footprint(o, b, head, err);
	if (rc) {
		return rc;
	}
	if (arm->fp.start < arm->fp.load) {
		fk = charon_layout_add(l, "zimage-footprint",
				       arm->fp.load - arm->fp.start, 1,
				       CHARON_PLACE_KEEPOUT, err);
		if (!fk) {
			return -EINVAL;
		}
		fk->addr = arm->fp.start;
	}
	k = charon_layout_add(l, "kernel", arm->fp_end - arm->fp.load,
			      PIN_ALIGN, CHARON_PLACE_LOW, err);
	if (!k) {
		return -EINVAL;
	}
	k->align_offset = arm->fp.load;
	if (charon_boot_add_initrd(b, err)) {
		return -EINVAL;
	}
	if (o->arm.atags) {
		rc = atags_low(b, room, &d, err);
		if (rc) {
			return rc;
		}
	}
	if (!d) {
		d = charon_layout_add(l, o->arm.atags ? "atags" : "dtb",
				      charon_round_up(room, PAGE), PAGE,
				      CHARON_PLACE_LOW, err);
		if (!d) {
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * kdump: the dump kernel's RAM ends at the ELF core header (placed on a
 * section, crash_hdr_align): arm's dump kernel reads old memory with
 * ioremap, which refuses its own RAM
 */
void charon_arm_crash_placed(const struct charon_boot_opts *o,
			     struct charon_boot *b,
			     const struct charon_segment *hdr,
			     const struct charon_segment *backup)
{
	struct charon_fdt_edit *e = &b->edit;

	(void)o;
	(void)backup;
	if (e->nr_usable && hdr->addr > e->usable[0].start) {
		e->usable[0].size = hdr->addr - e->usable[0].start;
	}
}

/* 3. what a 3G/1G-split kernel cannot reach is only warned about */
int charon_arm_placed(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	struct charon_boot_arm *arm = &b->kernel.arm;
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	struct charon_segment *d = charon_layout_find(&b->layout,
						      o->arm.atags ? "atags" :
						      "dtb");
	uint64_t lowmem = arm->fp.base + LOWMEM;

	(void)err;
	if ((is && is->addr + is->len > lowmem) ||
	    d->addr + d->size > lowmem) {
		charon_warnf("layout: the %s ends above 0x%llx, the end of a 3G/1G-split kernel's low memory (760 MiB from 0x%llx); the kernel may not reach it",
			     is && is->addr + is->len > lowmem ? "initrd" :
			     d->name, (ull)lowmem, (ull)arm->fp.base);
	}
	return 0;
}

/*
 * The ATAG mode: RAM minus the stub and the tree's reservations (an ATAG
 * list cannot reserve), the command line, the placed initrd.
 */
static int make_atags(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	unsigned int nr_dt_keepouts = b->kernel.arm.nr_dt_keepouts;
	const char *cmdline = b->kernel.arm.cmdline;
	struct charon_mem_range holes[CHARON_MAX_SEGMENTS + 1];
	struct charon_mem_range mem[MAX_ATAG_MEM];
	struct charon_segment *aseg = charon_layout_find(&b->layout, "atags");
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	struct charon_atags a = { 0 };
	struct charon_boot_seg *as;
	unsigned int i, nh = 0;
	uint8_t *out;
	size_t len;
	int rc;

	for (i = 0; i < nr_dt_keepouts; i++) {
		holes[nh].start = b->layout.seg[i].addr;
		holes[nh++].size = b->layout.seg[i].size;
	}
	holes[nh].start = b->stub_addr;
	holes[nh++].size = b->stub_size;
	rc = charon_atags_mem(&b->layout, holes, nh, mem, MAX_ATAG_MEM,
			      &a.nr_mem, err);
	if (rc) {
		return rc;
	}
	a.mem = mem;
	a.cmdline = cmdline;
	if (is) {
		a.initrd = true;
		a.initrd_start = is->addr;
		a.initrd_size = is->len;
	}
	rc = charon_atags_build(&a, &out, &len, err);
	if (rc) {
		return rc;
	}
	if (len > aseg->size) {
		free(out);
		return charon_errf(err, -EFBIG,
				   "atags: the list is 0x%zx bytes, more than the 0x%llx reserved",
				   len, (ull)aseg->size);
	}
	/* built from the tree's RAM: named after it */
	as = charon_boot_add_seg(b, "atags", o->dtb_path, out, len);
	as->modified = true;
	as->addr = aseg->addr;
	as->mem_size = aseg->size;
	return 0;
}

/*
 * 2. what the tree says, below 4 GiB; a fixed stub must lie there too.
 * ATAG mode: the command line (--append, else the tree's bootargs).
 */
int charon_arm_machine(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, struct charon_err *err)
{
	struct charon_boot_arm *arm = &b->kernel.arm;
	int rc;

	rc = charon_boot_dt_machine(o, b, dtb, err);
	rc = rc ?: clip_4g(o, &b->layout, err);
	if (!rc && o->stub_addr_fixed &&
	    (o->stub_addr >= SZ_4G ||
	     charon_round_up(b->stub.hdr.mem_size, PAGE) >
	     SZ_4G - o->stub_addr)) {
		rc = charon_errf(err, -ERANGE,
				 "--stub-addr 0x%llx: the arm stub must lie below 4 GiB (32-bit physical addresses)",
				 (ull)o->stub_addr);
	}
	arm->nr_dt_keepouts = b->layout.nr_seg;
	if (!rc && o->arm.atags) {
		arm->cmdline = o->bootargs;
		if (!arm->cmdline) {
			/* points into the tree, which lives until boot_data */
			rc = charon_fdt_bootargs(o->dtb_path, dtb,
						 &arm->cmdline, err);
		}
	}
	return rc;
}

/* 3. the DTB's room, or the ATAG list's: each hole splits a RAM range once */
int charon_arm_boot_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 size_t *room, struct charon_err *err)
{
	if (!o->arm.atags) {
		return charon_boot_dtb_room(o, b, dtb, room, err);
	}
	*room = charon_atags_size(b->layout.nr_ram +
				  b->kernel.arm.nr_dt_keepouts + 1,
				  b->kernel.arm.cmdline,
				  charon_boot_seg_find(b, "initrd") != NULL);
	return 0;
}

/* 4. the edited DTB, or the ATAG list */
int charon_arm_boot_data(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err)
{
	int rc;

	rc = o->arm.atags ? make_atags(o, b, err) :
	     charon_boot_make_dtb(o, b, dtb, err);
	b->kernel.arm.cmdline = NULL;	/* the tree it pointed into goes */
	return rc;
}

/* 5. r0 = 0, r1 = ~0 or the machine type, r2 = the DTB or ATAG list */
int charon_arm_fill_next(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err)
{
	struct charon_params *p = &b->params;

	(void)o;
	(void)err;
	p->next.entry = b->seg[CHARON_BOOT_SEG_KERNEL].addr;
	p->next.regs[0] = 0;
	p->next.regs[1] = b->kernel.arm.machine_type;
	p->next.regs[2] = b->seg[b->nr_seg - 1].addr;
	p->next.arch.raw[CHARON_ARM_PSCI] = b->psci;
	return 0;
}

void charon_arm_free_kernel(struct charon_boot *b)
{
	charon_zimage_free(&b->kernel.arm.zimage);
}
