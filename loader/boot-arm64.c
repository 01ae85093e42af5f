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

typedef unsigned long long ull;

#define PAGE		4096ull
#define SZ_1G		((uint64_t)1 << 30)
/* booting.rst: the initrd lies in a 1 GiB aligned window of up to 32 GiB
 * that also covers the kernel Image */
#define INITRD_WINDOW	((uint64_t)32 << 30)

/* read kernel, initrd, DTB and stub; nothing placed yet */
static int read_inputs(const struct charon_boot_opts *o, struct charon_boot *b,
		       uint8_t **dtb, size_t *dtb_len, struct charon_err *err)
{
	struct charon_arm64_image *img = &b->kernel.arm64;
	struct charon_boot_seg *s;
	int rc;

	rc = charon_boot_read_stub(o, b, CHARON_ARCH_ARM64, err);
	if (rc) {
		return rc;
	}
	rc = charon_arm64_image_load(o->kernel_path, img, err);
	if (rc) {
		return rc;
	}
	s = charon_boot_add_seg(b, "kernel", o->kernel_path, img->data,
				img->len);
	s->modified = img->inflated;
	img->data = NULL;	/* the segment owns the bytes now */

	rc = charon_boot_read_initrd(o, b, err);
	if (rc) {
		return rc;
	}
	return charon_boot_read_dtb(o, b, dtb, dtb_len, err);
}

/* the layout: stub high (or fixed), then kernel, dtb, initrd from RAM start */
static int place(const struct charon_boot_opts *o, struct charon_boot *b,
		 size_t dtb_room, struct charon_err *err)
{
	struct charon_layout *l = &b->layout;
	struct charon_segment *st, *k, *d, *i = NULL;
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	uint64_t window, iend;
	int rc;

	if (o->ram_head_reserve && !charon_boot_ram_head(o, b, err)) {
		return -EINVAL;
	}
	st = charon_boot_add_stub(o, b, err);
	if (!st) {
		return -EINVAL;
	}
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
	if (is) {
		i = charon_layout_add(l, "initrd",
				      charon_round_up(is->len, PAGE), PAGE,
				      CHARON_PLACE_LOW, err);
		if (!i) {
			return -EINVAL;
		}
	}
	rc = charon_layout_place(l, err);
	if (rc) {
		return rc;
	}
	b->stub_addr = st->addr;
	b->seg[CHARON_BOOT_SEG_KERNEL].addr = k->addr;
	b->seg[CHARON_BOOT_SEG_KERNEL].mem_size = k->size;
	if (is) {
		window = (k->addr - b->kernel.arm64.text_offset) &
			 ~(SZ_1G - 1);
		iend = i->addr + is->len;
		if (i->addr < window || iend - window > INITRD_WINDOW) {
			return charon_errf(err, -ERANGE,
					   "layout: initrd [0x%llx, 0x%llx) is not in the 32 GiB window from 0x%llx that covers the kernel (booting.rst)",
					   (ull)i->addr, (ull)iend,
					   (ull)window);
		}
		is->addr = i->addr;
		is->mem_size = i->size;
	}
	return 0;
}

/**
 * charon_arm64_prepare() - build an arm64 boot plan
 * @o: the inputs and options
 * @b: the plan; free with charon_boot_free(), also after a failure
 * @err: error message on failure
 *
 * Reads and checks the stub, the Image (inflating a gzip one), the initrd
 * and the DTB; takes RAM from the DTB's /memory nodes and avoids its
 * reservations (and o->ram_head_reserve bytes at the start of RAM); places
 * the stub at the top of RAM (or at the fixed
 * address), the kernel at the first 2 MiB aligned base + text_offset, the
 * DTB at the next 2 MiB boundary after the kernel's image_size and the
 * initrd page-aligned after the DTB; edits the DTB (/chosen bootargs,
 * linux,initrd-start/-end, a /memreserve/ for the stub) and fills and
 * encodes the parameter block: regions kernel, initrd, dtb with their
 * SHA-256, next.entry = kernel, x0 = DTB, the PSCI conduit in
 * next.arch.raw[CHARON_ARM64_PSCI], the console from stdout-path.
 *
 * Return: 0 or a negative errno code.
 */
int charon_arm64_prepare(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err)
{
	struct charon_fdt_edit edit = { 0 };
	struct charon_params *p = &b->params;
	uint8_t *dtb = NULL;
	size_t dtb_len = 0, room;
	int rc;

	memset(b, 0, sizeof(*b));
	b->arch = CHARON_ARCH_ARM64;
	rc = read_inputs(o, b, &dtb, &dtb_len, err);
	if (!rc) {
		rc = charon_boot_machine(o, b, dtb, err);
	}
	if (!rc) {
		rc = charon_boot_dtb_room(o, b, dtb, &edit, &room, err);
	}
	if (!rc) {
		rc = place(o, b, room, err);
	}
	if (!rc) {
		rc = charon_boot_make_dtb(o, b, dtb, &edit, err);
	}
	free(dtb);
	if (rc) {
		return rc;
	}

	rc = charon_boot_fill_params(o, b, err);
	if (rc) {
		return rc;
	}
	p->next.entry = b->seg[CHARON_BOOT_SEG_KERNEL].addr;
	p->next.regs[0] = charon_boot_seg_find(b, "dtb")->addr;
	p->next.arch.raw[CHARON_ARM64_PSCI] = b->psci;
	charon_boot_encode(b);
	return 0;
}
