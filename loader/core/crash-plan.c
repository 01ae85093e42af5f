// SPDX-License-Identifier: MIT
/*
 * kdump's steps of the boot plan (charon load --crash), called by
 * core/plan.c when o->crash: the crash region is all the RAM the dump
 * kernel has; the dump kernel's tree says so (charon_crash_usable()); the
 * ELF core header is a segment of its own, placed high
 * (charon_crash_place()) and written once the layout has addresses
 * (charon_crash_header()); a region too small says how much it needs.
 * What differs per arch is in the arch's crash_usable and crash_placed
 * operations (<charon/arch.h>).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/arch.h>
#include <charon/boot.h>
#include <charon/elfcore.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE		4096ull

/**
 * charon_crash_usable() - the dump kernel's RAM, as its tree will say
 * @o: the options: o->live->crash[] the crash region(s), o->core the
 *	header's contents
 * @b: the plan; b->edit gets /chosen linux,elfcorehdr's size (its
 *	address comes after placement) and the usable ranges
 * @dtb: the checked tree
 *
 * By default the crash region(s) as /chosen linux,usable-memory-range
 * (arm64, arm: the low region last, as Linux reads it); an arch that
 * describes the dump kernel's memory otherwise has crash_usable.
 */
void charon_crash_usable(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb)
{
	const struct charon_live *lv = o->live;
	struct charon_fdt_edit *e = &b->edit;
	unsigned int i;

	e->elfcorehdr.size = charon_elfcore_size(o->core);
	e->nr_usable = 0;
	e->usable_memory = false;
	if (o->arch->crash_usable) {
		o->arch->crash_usable(o, b, dtb);
		return;
	}
	for (i = 0; i < lv->nr_crash && e->nr_usable < CHARON_FDT_MAX_USABLE;
	     i++) {
		e->usable[e->nr_usable++] = lv->crash[i];
	}
}

/**
 * charon_crash_place() - the ELF core header's segment in the layout
 * @o: the options (o->core: the header's contents, hence its size)
 * @b: the plan; its layout gets "elfcorehdr", whole pages, placed high,
 *	aligned to o->arch->crash_hdr_align (a page if 0)
 * @err: error message on failure
 *
 * Return: 0 or -EINVAL.
 */
int charon_crash_place(const struct charon_boot_opts *o,
		       struct charon_boot *b, struct charon_err *err)
{
	uint64_t align = o->arch->crash_hdr_align ?: PAGE;

	if (!charon_layout_add(&b->layout, "elfcorehdr",
			       charon_round_up(charon_elfcore_size(o->core),
					       PAGE),
			       align, CHARON_PLACE_HIGH, err)) {
		return -EINVAL;
	}
	return 0;
}

/*
 * the bytes the plan's own segments cover (arm's decompressor footprint
 * below the zImage, a keep-out, included): their union
 */
static uint64_t own_bytes(const struct charon_layout *l)
{
	uint64_t total = 0, end = 0;
	const struct charon_segment *s[CHARON_MAX_SEGMENTS], *t;
	unsigned int i, j, n = 0;

	for (i = 0; i < l->nr_seg; i++) {
		if (l->seg[i].place != CHARON_PLACE_KEEPOUT ||
		    !strcmp(l->seg[i].name, "zimage-footprint")) {
			s[n++] = &l->seg[i];
		}
	}
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && s[j - 1]->addr > s[j]->addr; j--) {
			t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	}
	for (i = 0; i < n; i++) {
		uint64_t a = s[i]->addr > end ? s[i]->addr : end;
		uint64_t e = s[i]->addr + s[i]->size;

		if (e > a) {
			total += e - a;
			end = e;
		}
	}
	return total;
}

/*
 * kdump, the crash region too small: how much the crash kernel needs, as
 * the same plan laid out in a region 1 GiB larger says (the bytes its
 * segments reserve); 0 if that fails too
 */
static uint64_t crash_need(const struct charon_boot_opts *o)
{
	struct charon_boot_opts big = *o;
	struct charon_live *lv = malloc(sizeof(*lv));
	struct charon_boot *b = malloc(sizeof(*b));
	uint64_t need = 0;

	if (lv && b) {
		*lv = *o->live;
		lv->crash[0].size += (uint64_t)1 << 30;
		big.live = lv;
		big.elfcorehdr_digits = NULL;
		if (!charon_boot_prepare(&big, b, NULL)) {
			need = own_bytes(&b->layout);
		}
		charon_boot_free(b);
	}
	free(lv);
	free(b);
	return need;
}

/* kdump: what the crash kernel needs and what the region has */
void charon_crash_too_small(const struct charon_boot_opts *o,
			    struct charon_err *err)
{
	const struct charon_mem_range *r = &o->live->crash[0];
	uint64_t need = crash_need(o);
	char n[96] = "more";

	if (need) {
		snprintf(n, sizeof(n), "at least 0x%llx bytes (%llu MiB)",
			 (ull)need, (ull)((need + (1 << 20) - 1) >> 20));
	}
	charon_err_prefix(err, "crashkernel region [0x%llx, 0x%llx) is too small: the crash kernel needs %s, the region has 0x%llx (%llu MiB); reserve more with crashkernel=: ",
			  (ull)r->start, (ull)(r->start + r->size), n,
			  (ull)r->size, (ull)(r->size >> 20));
}

/**
 * charon_crash_rsv() - one more /memreserve/ for the dump kernel's tree
 * @e: the edit (room for CHARON_FDT_MAX_RSV; more are dropped, as the
 *	edit's room was computed for that many)
 * @start: its start
 * @size: its size
 */
void charon_crash_rsv(struct charon_fdt_edit *e, uint64_t start,
		      uint64_t size)
{
	if (e->nr_rsv < CHARON_FDT_MAX_RSV) {
		e->rsv[e->nr_rsv].start = start;
		e->rsv[e->nr_rsv++].size = size;
	}
}

/*
 * kdump, after placement: the ELF core header as the "elfcorehdr"
 * segment (the stub verifies it too), its address in the command line's
 * slot and the tree's /chosen linux,elfcorehdr
 */
int charon_crash_header(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err)
{
	struct charon_segment *hs = charon_layout_find(&b->layout,
						       "elfcorehdr");
	struct charon_segment *bs = charon_layout_find(&b->layout, "backup");
	struct charon_elfcore *c = malloc(sizeof(*c));
	struct charon_boot_seg *s;
	size_t len;
	uint8_t *buf;
	char hex[17];
	int rc;

	if (!c) {
		return charon_errf(err, -ENOMEM, "elfcorehdr: out of memory");
	}
	*c = *o->core;
	if (b->backup_len && bs) {
		c->backup_src = b->backup_src;
		c->backup_len = b->backup_len;
		c->backup_dst = bs->addr;
	}
	len = charon_elfcore_size(c);
	buf = calloc(1, len);
	rc = buf ? charon_elfcore_write(c, buf, len, err) :
		   charon_errf(err, -ENOMEM, "elfcorehdr: out of memory");
	free(c);
	if (rc) {
		free(buf);
		return rc;
	}
	s = charon_boot_add_seg(b, "elfcorehdr", "(charon's ELF core header)",
				buf, len);
	s->modified = true;
	s->addr = hs->addr;
	s->mem_size = hs->size;
	if (o->elfcorehdr_digits) {
		snprintf(hex, sizeof(hex), "%016llx", (ull)hs->addr);
		memcpy(o->elfcorehdr_digits, hex, 16);
	}
	b->edit.elfcorehdr.start = hs->addr;
	b->edit.elfcorehdr.size = len;
	if (o->arch->crash_placed) {
		o->arch->crash_placed(o, b, hs, bs);
	}
	return 0;
}
