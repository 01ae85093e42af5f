// SPDX-License-Identifier: MIT
/*
 * The chainloader image (charon image, docs/chainloader.md): one file in
 * the arch's boot format that firmware starts as if it were a kernel.
 *
 *	[0, file_size)		the stub (charon-chain), its block filled
 *	[file_size, mem_size)	zeros: the stub's bss and stack
 *	chain_offset		struct charon_chain, page aligned
 *	...			the payloads, each page aligned: the plan's
 *				segments but the tree, then the command line,
 *				then an embedded --dtb
 *
 * Each payload gets a copy (image offset -> the address the plan gave its
 * segment) and keeps the plan's region and digest; the plan's "dtb"
 * segment is the room the stub builds the kernel's tree in at run time
 * (its last pages hold the command line), so it has no region.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/digest.h>
#include <charon/image.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE	4096ull

struct image_payload {
	const char *label;
	const uint8_t *data;
	size_t len;
	uint64_t off;
};

/* drop the plan's "dtb" region: the stub builds that tree at run time */
static void drop_region(struct charon_params *p, const char *label)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_regions; i++) {
		if (strncmp(p->regions[i].label, label, CHARON_LABEL_LEN)) {
			p->regions[n++] = p->regions[i];
		}
	}
	memset(&p->regions[n], 0, sizeof(p->regions[0]) * (p->nr_regions - n));
	p->nr_regions = n;
}

/**
 * charon_image_len() - the bytes a plan's image takes, payloads included
 * @o: the options (o->bootargs, and the embedded tree's length)
 * @b: a prepared plan (o->image)
 * @dtb_len: an embedded tree's bytes, 0 for none
 *
 * Return: the image's length, whole pages.
 */
uint64_t charon_image_len(const struct charon_boot_opts *o,
			  const struct charon_boot *b, size_t dtb_len)
{
	uint64_t n = charon_round_up(b->stub.hdr.mem_size, PAGE) +
		     charon_round_up(sizeof(struct charon_chain), PAGE);
	unsigned int i;

	for (i = 0; i < b->nr_seg; i++) {
		if (strcmp(b->seg[i].label, "dtb")) {
			n += charon_round_up(b->seg[i].len, PAGE);
		}
	}
	if (o->bootargs && b->arch->uses_dtb) {
		n += charon_round_up(strlen(o->bootargs) + 1, PAGE);
	}
	return n + charon_round_up(dtb_len, PAGE);
}

/**
 * charon_image_build() - the chainloader image of a prepared plan
 * @o: the options: o->bootargs go into the command line payload
 * @b: the plan (o->image), prepared; its block gets the copies, the chain
 *	offset and the command line's region, and is encoded into the image
 * @dtb: a tree to embed (--dtb: it wins over the firmware's), or NULL
 * @dtb_len: its length
 * @out: the image, malloc()ed
 * @len: its length
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_image_build(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, size_t dtb_len, uint8_t **out,
		       size_t *len, struct charon_err *err)
{
	struct image_payload pl[CHARON_BOOT_MAX_SEGS + 1];
	struct charon_segment *room = charon_layout_find(&b->layout, "dtb");
	struct charon_params *p = &b->params;
	struct charon_chain c = { 0 };
	uint64_t cl_len = 0, off, total, self = 0;
	unsigned int i, n = 0;
	uint8_t *img;
	int rc;

	if (!room && b->arch->uses_dtb) {
		return charon_errf(err, -EINVAL,
				   "image: the plan has no device tree room");
	}
	total = charon_image_len(o, b, dtb ? dtb_len : 0);
	if (total > UINT32_MAX) {
		return charon_errf(err, -EFBIG,
				   "image: 0x%llx bytes: more than the 4 GiB a boot image header can say",
				   (ull)total);
	}
	/*
	 * --flash: the stub copies the image into RAM first (the window's
	 * start), and finds the firmware's tree at the start of RAM
	 */
	if (o->flash) {
		if (!b->layout.nr_ram || !b->arch->image.flash_copy_offset) {
			return charon_errf(err, -EINVAL,
					   "image: --flash: no RAM, or no flash image for %s",
					   b->arch->name);
		}
		c.fdt_fallback = b->layout.ram[0].start;
		self = c.fdt_fallback + b->arch->image.flash_copy_offset;
	}
	c.magic = CHARON_CHAIN_MAGIC;
	c.size = sizeof(c);
	c.image_size = total;
	off = charon_round_up(b->stub.hdr.mem_size, PAGE);
	p->chain_offset = (uint32_t)off;
	off += charon_round_up(sizeof(c), PAGE);

	/* the tree's room, the command line in its last pages */
	drop_region(p, "dtb");
	c.fdt_dst = room ? room->addr : 0;
	c.fdt_room = room ? room->size : 0;
	/* x86_64: boot_params gets the PVH memory map as its e820 */
	if (charon_boot_seg_find(b, "boot_params")) {
		c.boot_params = charon_boot_seg_find(b, "boot_params")->addr;
	}
	if (room && o->bootargs) {
		cl_len = strlen(o->bootargs) + 1;
		if (charon_round_up(cl_len, PAGE) + PAGE > room->size) {
			return charon_errf(err, -EFBIG,
					   "image: --append: 0x%llx bytes do not fit the device tree's room of 0x%llx",
					   (ull)cl_len, (ull)room->size);
		}
		c.fdt_room = room->size - charon_round_up(cl_len, PAGE);
		c.bootargs = room->addr + c.fdt_room;
		rc = charon_params_add_region(p, "cmdline", c.bootargs,
					      o->bootargs, cl_len, err);
		if (rc) {
			return rc;
		}
	}
	for (i = 0; i < b->nr_seg; i++) {
		if (!strcmp(b->seg[i].label, "dtb")) {
			continue;
		}
		if (!strcmp(b->seg[i].label, "initrd")) {
			c.initrd_start = b->seg[i].addr;
			c.initrd_end = b->seg[i].addr + b->seg[i].len;
		}
		pl[n].label = b->seg[i].label;
		pl[n].data = b->seg[i].data;
		pl[n++].len = b->seg[i].len;
	}
	if (room && o->bootargs) {
		pl[n].label = "cmdline";
		pl[n].data = (const uint8_t *)o->bootargs;
		pl[n++].len = cl_len;
	}
	if (n > CHARON_MAX_COPIES) {
		return charon_errf(err, -E2BIG, "image: %u payloads, more than the block's %u copies",
				   n, CHARON_MAX_COPIES);
	}
	p->nr_copies = 0;
	for (i = 0; i < n; i++) {
		pl[i].off = off;
		off += charon_round_up(pl[i].len, PAGE);
		p->copies[i].src_offset = pl[i].off;
		p->copies[i].len = pl[i].len;
		p->copies[i].dst = room && !strcmp(pl[i].label, "cmdline") ?
				   c.bootargs :
				   charon_boot_seg_find(b, pl[i].label)->addr;
		p->nr_copies++;
	}
	if (dtb) {
		c.dtb_offset = off;
		c.dtb_len = dtb_len;
		rc = charon_sha256(dtb, dtb_len, c.dtb_sha256, err);
		if (rc) {
			return -EIO;
		}
	}
	img = calloc(1, total);
	if (!img) {
		return charon_errf(err, -ENOMEM, "image: out of memory (0x%llx bytes)",
				   (ull)total);
	}
	charon_boot_encode(b);
	memcpy(img, b->stub.image, b->stub.len);
	charon_chain_encode(&c, img + p->chain_offset, b->arch->endian);
	for (i = 0; i < n; i++) {
		memcpy(img + pl[i].off, pl[i].data, pl[i].len);
	}
	if (dtb) {
		memcpy(img + c.dtb_offset, dtb, dtb_len);
	}
	rc = b->arch->image.fixup ?
	     b->arch->image.fixup(img, total, self, err) : 0;
	if (!rc && b->arch->image.wrap) {
		void *w;
		size_t wl;

		rc = b->arch->image.wrap(b, img, total, &w, &wl, err);
		if (!rc) {
			free(img);
			img = w;
			total = wl;
		}
	}
	if (rc) {
		free(img);
		return rc;
	}
	*out = img;
	*len = total;
	return 0;
}
