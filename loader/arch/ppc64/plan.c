// SPDX-License-Identifier: MIT
/*
 * The ppc64 boot plan (ppc64le and big-endian ppc64, QEMU powernv): the
 * stub where skiboot runs its ELF -kernel, the vmlinux as the raw image
 * of its PT_LOAD segments (relocated here with --prerelocate), the
 * initrd and skiboot's device tree, edited; the entry block and the
 * parameter block filled (docs/abi.md, "ppc64").
 *
 * Layout, in this order:
 *	1. RAM from the tree's /memory nodes; kept out: the tree's
 *	   reservations, skiboot's boot-time use, skiboot.lid at 0 and
 *	   QEMU's tree for skiboot at 16 MiB (charon_powernv_keepouts());
 *	2. the stub FIXED at 0x20000000 + p_offset, and the ELF headers in
 *	   front of it, [0x20000000, stub), kept out;
 *	3. the kernel, 64 KiB aligned, at the lowest fit above what it
 *	   overwrites at 0 (charon_ppc64_kernel_add());
 *	4. the initrd and the DTB at the lowest fits after it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/util.h>

#include "ppc64.h"

typedef unsigned long long ull;

#define PAGE		4096ull
/*
 * A tree without /ibm,opal: skiboot's region is not known from it, so
 * keep out what QEMU's skiboot uses with up to 16 CPUs.
 */
#define SKIBOOT_GUESS_BASE	0x30000000ull
#define SKIBOOT_GUESS_SIZE	0x04000000ull

/* the stub as the kernel's entry block, and where skiboot will run it */
static int check_stub(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	uint64_t addr = CHARON_POWERNV_KERNEL_ADDR + CHARON_PPC64_STUB_P_OFFSET;

	if (o->live) {
		/* kexec: the kernel enters the block; placed with the rest */
		if (b->stub.len < CHARON_PPC64_BLOCK_SIZE) {
			return charon_errf(err, -EINVAL,
					   "stub: %s: shorter than its 0x100-byte entry block",
					   o->stub_path);
		}
		return 0;
	}
	if (b->stub.len < CHARON_PPC64_BLOCK_SIZE ||
	    !b->stub.hdr.entry2_offset) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: %s", o->stub_path,
				   !b->stub.hdr.entry2_offset ?
				   "entry2_offset is 0: no firmware entry for skiboot to start" :
				   "shorter than its 0x100-byte entry block");
	}
	if (o->stub_addr_fixed) {
		addr = o->stub_addr;
		if (addr <= CHARON_POWERNV_KERNEL_ADDR ||
		    addr % CHARON_PPC64_STUB_ALIGN) {
			return charon_errf(err, -EINVAL,
					   "--stub-addr 0x%llx: want 0x20000000 + p_offset, 64 KiB aligned and above 0x20000000 (skiboot runs the -kernel ELF in place at 0x20000000 + p_offset; the ELF headers come first)",
					   (ull)addr);
		}
	}
	if (addr % b->stub.align) {
		return charon_errf(err, -EINVAL,
				   "--stub-addr 0x%llx: not aligned to the stub's load_align 0x%llx",
				   (ull)addr, (ull)b->stub.align);
	}
	pp->p_offset = addr - CHARON_POWERNV_KERNEL_ADDR;
	b->stub_addr = addr;
	return 0;
}

/*
 * 1. the vmlinux ELF and the "kernel" segment: its raw image, not yet
 * placed; the stub read before it must fit it
 */
int charon_ppc64_read_kernel(const struct charon_boot_opts *o,
			     struct charon_boot *b, struct charon_err *err)
{
	struct charon_ppc64_image *img = &b->kernel.ppc64.img;
	uint8_t *raw;
	size_t len;
	int rc;

	rc = check_stub(o, b, err);
	rc = rc ?: charon_ppc64_image_load(o->kernel_path, img, err);
	if (rc) {
		return rc;
	}
	if (o->ppc64.run_at_load && !img->run0) {
		/* the stub checks the word again and refuses: let it */
		charon_warnf("kernel: %s: run-at-load requested, but the word at 0x%x is not \"run0\" (0x%08x): the stub will refuse this kernel, which cannot run at its load address",
			     o->kernel_path, CHARON_PPC64_RUN_AT_LOAD,
			     CHARON_PPC64_RUN0);
	}
	rc = charon_ppc64_image_raw(o->kernel_path, img, &raw, &len, err);
	if (rc) {
		return rc;
	}
	charon_boot_add_seg(b, "kernel", o->kernel_path, raw, len)->modified =
		true;
	return 0;
}

/*
 * 2. RAM and keep-outs from skiboot's tree; OPAL's addresses if it has
 * them (the running system's, for kexec); the OPAL console, terminal 0
 */
int charon_ppc64_machine(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err)
{
	struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	struct charon_segment *s;
	struct charon_err ignore;
	int rc;

	b->console.con.kind = CHARON_CON_OPAL;
	b->console.con.base = 0;
	rc = o->live ? charon_boot_live(o, b, true, err) :
		       charon_fdt_memory(o->dtb_path, dtb, &b->layout, err);
	if (rc) {
		return rc;
	}
	pp->opal_known = !charon_powernv_info(o->dtb_path, dtb, &pp->opal,
					      &ignore);
	if (o->live && o->live->have_opal) {
		/* /proc/device-tree: where OPAL is now */
		pp->opal.opal_base = o->live->opal_base;
		pp->opal.opal_entry = o->live->opal_entry;
		pp->opal_known = true;
		pp->opal_live = true;
	}
	if (pp->opal_known) {
		return charon_powernv_keepouts(o->dtb_path, dtb,
					       o->qemu, &b->layout,
					       err);
	}
	charon_warnf("dtb: %s: no /ibm,opal with opal-base/entry-address: the stub takes OPAL from r8/r9, and skiboot is assumed at [0x%llx, 0x%llx)",
		     o->dtb_path, SKIBOOT_GUESS_BASE,
		     SKIBOOT_GUESS_BASE + SKIBOOT_GUESS_SIZE);
	rc = charon_fdt_keepouts(o->dtb_path, dtb, &b->layout, err);
	if (rc) {
		return rc;
	}
	s = charon_layout_add_at(&b->layout, "skiboot (assumed)",
				 SKIBOOT_GUESS_SIZE, 0, CHARON_PLACE_KEEPOUT,
				 SKIBOOT_GUESS_BASE, err);
	if (!s) {
		return -EINVAL;
	}
	if (!o->qemu) {
		return 0;
	}
	s = charon_layout_add(&b->layout, "QEMU: skiboot.lid at 0",
			      CHARON_POWERNV_QEMU_FW_SIZE, 0,
			      CHARON_PLACE_KEEPOUT, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = 0;
	s = charon_layout_add(&b->layout, "QEMU: skiboot's input tree",
			      CHARON_POWERNV_QEMU_FDT_SIZE, 0,
			      CHARON_PLACE_KEEPOUT, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = CHARON_POWERNV_QEMU_FDT_ADDR;
	return 0;
}

/*
 * The stub FIXED where skiboot runs it, its ELF headers kept out; for
 * kexec as high as it fits, or where --stub-addr says.
 */
static int place_stub(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err)
{
	struct charon_segment *s;
	uint64_t elf_tail;

	if (o->live) {
		return charon_boot_add_stub(o, b, err) ? 0 : -EINVAL;
	}

	/* the ELF's section headers follow the image (powernv.c) */
	elf_tail = (o->image_len ? o->image_len : b->stub.len) + 8 + 3 * 64;
	b->stub_size = charon_round_up(b->stub.hdr.mem_size > elf_tail ?
				       b->stub.hdr.mem_size : elf_tail, PAGE);
	s = charon_layout_add(&b->layout, "stub", b->stub_size, b->stub.align,
			      CHARON_PLACE_FIXED, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = b->stub_addr;
	s = charon_layout_add(&b->layout, "QEMU: the stub ELF's headers",
			      b->kernel.ppc64.p_offset, 0,
			      CHARON_PLACE_KEEPOUT, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = CHARON_POWERNV_KERNEL_ADDR;
	return 0;
}

/* --prerelocate: the kernel's bytes relocated for its base */
static int prerelocate(const struct charon_boot_opts *o,
		       struct charon_boot *b, struct charon_err *err)
{
	struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	struct charon_boot_seg *s = &b->seg[CHARON_BOOT_SEG_KERNEL];
	uint8_t *raw;
	size_t len;
	int rc;

	rc = charon_ppc64_prerelocate(o->kernel_path, &pp->img,
				      pp->place.addr, &raw, &len,
				      &pp->kcrctab, err);
	if (rc) {
		return rc;
	}
	free(s->data);
	s->data = raw;
	s->len = len;
	pp->prerelocated = true;
	return 0;
}

/* a /ibm,opal property of 8 bytes (or 4), 0 if missing */
static uint64_t opal_prop(const uint8_t *dtb, const char *name)
{
	int node = fdt_path_offset(dtb, "/ibm,opal"), len;
	const uint8_t *v = node < 0 ? NULL :
			   fdt_getprop(dtb, node, name, &len);

	if (!v || (len != 8 && len != 4)) {
		return 0;
	}
	return len == 8 ? fdt64_ld((const fdt64_t *)v) :
			  fdt32_ld((const fdt32_t *)v);
}

/* ppc64 kdump: OPAL's runtime region as the dump kernel's memory too */
static void opal_usable(const struct charon_boot_opts *o, const uint8_t *dtb,
			struct charon_fdt_edit *e)
{
	uint64_t base = opal_prop(dtb, "opal-base-address");
	uint64_t size = opal_prop(dtb, "opal-runtime-size");

	if (o->live->have_opal) {
		base = o->live->opal_base;	/* where OPAL is now */
	}
	if (base && size && e->nr_usable < CHARON_FDT_MAX_USABLE &&
	    base >= e->usable[0].start + e->usable[0].size) {
		e->usable[e->nr_usable].start = base;
		e->usable[e->nr_usable++].size = size;
	}
}

/*
 * kdump: ppc64 reads no linux,usable-memory-range: every memory node's
 * linux,usable-memory is [0, the crash region's end), one range (the
 * first is the real-mode area early allocations come from), and [64 KiB,
 * the region) a /memreserve/: the first 64 KiB, backed up, and the region
 * are the dump kernel's; OPAL's runtime region is usable too
 */
void charon_ppc64_crash_usable(const struct charon_boot_opts *o,
			       struct charon_boot *b, const uint8_t *dtb)
{
	const struct charon_live *lv = o->live;
	const struct charon_mem_range *cr = &lv->crash[0];
	struct charon_fdt_edit *e = &b->edit;

	e->usable_memory = true;
	e->usable[e->nr_usable].start = 0;
	e->usable[e->nr_usable++].size = cr->start + cr->size;
	if (cr->start > CHARON_PPC64_BACKUP_LEN) {
		charon_crash_rsv(e, CHARON_PPC64_BACKUP_LEN,
				 cr->start - CHARON_PPC64_BACKUP_LEN);
	}
	/* OPAL's runtime: the kernel reads its console log there */
	opal_usable(o, dtb, e);
}

/*
 * kdump: the dump kernel allocates top-down in its memory, the crash
 * region: the header and the backup copy are /memreserve/d
 * (charon_fdt_edit_room()'s slack holds the two entries)
 */
void charon_ppc64_crash_placed(const struct charon_boot_opts *o,
			       struct charon_boot *b,
			       const struct charon_segment *hdr,
			       const struct charon_segment *backup)
{
	(void)o;
	charon_crash_rsv(&b->edit, hdr->addr, hdr->size);
	if (backup) {
		charon_crash_rsv(&b->edit, backup->addr, backup->size);
	}
}

/* 3. the stub (where skiboot runs it), the kernel, the initrd, the DTB */
int charon_ppc64_place(const struct charon_boot_opts *o, struct charon_boot *b,
		       size_t dtb_room, struct charon_err *err)
{
	struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	struct charon_ppc64_image img = pp->img;
	struct charon_layout *l = &b->layout;
	struct charon_boot_seg *ks = &b->seg[CHARON_BOOT_SEG_KERNEL];
	struct charon_segment *d;
	int rc;

	rc = place_stub(o, b, err);
	if (rc) {
		return rc;
	}
	/*
	 * A kernel without "run0" is placed as if it could run at load:
	 * read_kernel() warned, and the stub refuses it.
	 */
	img.run0 |= o->ppc64.run_at_load;
	rc = charon_ppc64_kernel_add(l, &img, o->ppc64.run_at_load, 0, 0,
				     &pp->place, err);
	if (rc) {
		return rc;
	}
	ks->addr = pp->place.addr;
	ks->mem_size = charon_round_up(pp->place.size, PAGE);
	if (charon_boot_add_initrd(b, err)) {
		return -EINVAL;
	}
	d = charon_layout_add(l, "dtb", charon_round_up(dtb_room, PAGE), PAGE,
			      CHARON_PLACE_LOW, err);
	if (!d) {
		return -EINVAL;
	}
	/*
	 * kdump: the dump kernel's vectors go to 0; the stub copies the
	 * crashed kernel's first 64 KiB to "backup" first (whole 64 KiB
	 * pages: kexec grows the other segments to them)
	 */
	if (o->crash) {
		b->backup_src = 0;
		b->backup_len = CHARON_PPC64_BACKUP_LEN;
		if (!charon_layout_add(l, "backup", CHARON_PPC64_BACKUP_LEN,
				       CHARON_PPC64_BACKUP_LEN,
				       CHARON_PLACE_LOW, err)) {
			return -EINVAL;
		}
	}
	return 0;
}

/* the entry block: the kernel's own bytes 0x4..0xff after the stub's branch */
static void fill_block(struct charon_boot *b)
{
	const struct charon_boot_seg *k = &b->seg[CHARON_BOOT_SEG_KERNEL];
	uint8_t head[CHARON_PPC64_BLOCK_SIZE] = { 0 };

	memcpy(head, k->data, k->len < sizeof(head) ? k->len : sizeof(head));
	memcpy(b->stub.image + 4, head + 4, sizeof(head) - 4);
}

/* 4. the edited tree; --prerelocate: the kernel for its base */
int charon_ppc64_boot_data(const struct charon_boot_opts *o,
			   struct charon_boot *b, const uint8_t *dtb,
			   struct charon_err *err)
{
	int rc;

	rc = charon_boot_make_dtb(o, b, dtb, err);
	if (!rc && o->ppc64.prerelocate) {
		rc = prerelocate(o, b, err);
	}
	return rc;
}

/*
 * 5. the entry block, next.entry = r4 = the kernel base, r3 = the tree,
 * r5 = 0; OPAL base and entry from the tree's /ibm,opal (0 without: the
 * stub takes r8/r9); the kernel's byte order and run-at-load
 */
int charon_ppc64_fill_next(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err)
{
	struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	struct charon_params *p = &b->params;

	(void)err;
	fill_block(b);
	p->next.entry = pp->place.addr;
	p->next.regs[0] = charon_boot_seg_find(b, "dtb")->addr;
	p->next.regs[1] = pp->place.addr;
	p->next.regs[2] = 0;
	if (pp->opal_known) {
		p->next.arch.raw[CHARON_PPC64_OPAL_BASE] = pp->opal.opal_base;
		p->next.arch.raw[CHARON_PPC64_OPAL_ENTRY] = pp->opal.opal_entry;
	}
	p->next.arch.raw[CHARON_PPC64_FLAGS] =
		charon_ppc64_flags(&pp->img, o->ppc64.run_at_load);
	if (b->backup_len) {
		p->next.arch.raw[CHARON_PPC64_BACKUP_DST] =
			charon_layout_find(&b->layout, "backup")->addr;
		p->next.arch.raw[CHARON_PPC64_BACKUP_LEN_IDX] = b->backup_len;
	}
	return 0;
}

void charon_ppc64_free_kernel(struct charon_boot *b)
{
	charon_ppc64_image_free(&b->kernel.ppc64.img);
	charon_kcrctab_free(&b->kernel.ppc64.kcrctab);
}

/**
 * charon_ppc64_stub_file() - the patched stub as the ELF skiboot starts
 * @b: a plan from charon_ppc64_prepare()
 * @out: set to the malloc'd ELF (free() it)
 * @out_len: its size
 * @err: error message on failure
 *
 * skiboot starts the firmware entry (entry2_offset), not the kexec
 * entry's branch at the image's first byte.
 *
 * Return: 0 or a negative errno code.
 */
/* charon image: the whole image as the ELF skiboot starts */
int charon_ppc64_image_wrap(const struct charon_boot *b, const uint8_t *img,
			    size_t len, void **out, size_t *out_len,
			    struct charon_err *err)
{
	return charon_ppc64_stub_elf(b->stub.name, img, len, len,
				     b->kernel.ppc64.p_offset,
				     b->stub.hdr.entry2_offset,
				     b->stub.arch->endian, out, out_len, err);
}

int charon_ppc64_stub_file(const struct charon_boot *b, void **out,
			   size_t *out_len, struct charon_err *err)
{
	return charon_ppc64_stub_elf(b->stub.name, b->stub.image, b->stub.len,
				     b->stub.hdr.mem_size,
				     b->kernel.ppc64.p_offset,
				     b->stub.hdr.entry2_offset,
				     b->stub.arch->endian, out, out_len, err);
}
