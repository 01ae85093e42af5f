// SPDX-License-Identifier: MIT
/*
 * The arm64 boot plan: stub, Image, initrd and DTB placed per
 * Documentation/arch/arm64/booting.rst, the DTB edited, the parameter
 * block filled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/util.h>

#include "arm64.h"

typedef unsigned long long ull;

#define PAGE		4096ull
#define SZ_1G		((uint64_t)1 << 30)
/* booting.rst: the initrd lies in a 1 GiB aligned window of up to 32 GiB
 * that also covers the kernel Image */
#define INITRD_WINDOW	((uint64_t)32 << 30)

/* 1. the Image (a gzip one inflated) as the "kernel" segment */
int charon_arm64_read_kernel(const struct charon_boot_opts *o,
			     struct charon_boot *b, struct charon_err *err)
{
	struct charon_arm64_image *img = &b->kernel.arm64;
	struct charon_boot_seg *s;
	int rc;

	rc = charon_arm64_image_load(o->kernel_path, img, err);
	if (rc) {
		return rc;
	}
	s = charon_boot_add_seg(b, "kernel", o->kernel_path, img->data,
				img->len);
	s->modified = img->inflated;
	img->data = NULL;	/* the segment owns the bytes now */
	return 0;
}

/* 3. kernel, dtb, initrd from the start of RAM (the stub is high) */
int charon_arm64_place(const struct charon_boot_opts *o, struct charon_boot *b,
		       size_t dtb_room, struct charon_err *err)
{
	struct charon_layout *l = &b->layout;
	struct charon_segment *k, *d;

	(void)o;
	k = charon_layout_add(l, "kernel", b->kernel.arm64.mem_size,
			      CHARON_ARM64_KERNEL_ALIGN, CHARON_PLACE_LOW, err);
	if (!k) {
		return -EINVAL;
	}
	k->align_offset = b->kernel.arm64.text_offset;
	d = charon_layout_add(l, "dtb", charon_round_up(dtb_room, PAGE),
			      CHARON_ARM64_KERNEL_ALIGN, CHARON_PLACE_LOW, err);
	if (!d) {
		return -EINVAL;
	}
	if (charon_boot_add_initrd(b, err)) {
		return -EINVAL;
	}
	return 0;
}

/* 3. booting.rst: the initrd within 32 GiB of the kernel's 1 GiB window */
int charon_arm64_placed(const struct charon_boot_opts *o, struct charon_boot *b,
		  struct charon_err *err)
{
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	uint64_t window, iend;

	(void)o;
	if (!is) {
		return 0;
	}
	window = (b->seg[CHARON_BOOT_SEG_KERNEL].addr -
		  b->kernel.arm64.text_offset) & ~(SZ_1G - 1);
	iend = is->addr + is->len;
	if (is->addr < window || iend - window > INITRD_WINDOW) {
		return charon_errf(err, -ERANGE,
				   "layout: initrd [0x%llx, 0x%llx) is not in the 32 GiB window from 0x%llx that covers the kernel (booting.rst)",
				   (ull)is->addr, (ull)iend, (ull)window);
	}
	return 0;
}

/* 5. x0 = the DTB, the PSCI conduit for the failure policy */
int charon_arm64_fill_next(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err)
{
	struct charon_params *p = &b->params;

	(void)o;
	(void)err;
	p->next.entry = b->seg[CHARON_BOOT_SEG_KERNEL].addr;
	p->next.regs[0] = charon_boot_seg_find(b, "dtb")->addr;
	p->next.arch.raw[CHARON_ARM64_PSCI] = b->psci;
	return 0;
}

void charon_arm64_free_kernel(struct charon_boot *b)
{
	charon_arm64_image_free(&b->kernel.arm64);
}
