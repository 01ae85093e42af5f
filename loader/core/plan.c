// SPDX-License-Identifier: MIT
/*
 * The boot plan, whatever the arch: the host's mirror of the stub's
 * pg_main().  charon_boot_prepare() runs the steps in order and calls the
 * arch's operations (<charon/arch.h>) only for what its formats need:
 *
 *	1. read the inputs: the stub, the kernel (arch), the initrd, the
 *	   device tree (arches that boot from one);
 *	2. learn the machine: RAM, keep-outs, console, power control (arch);
 *	3. place: the room the boot data needs (arch), the back-end's start
 *	   of RAM and the stub, the arch's segments, the layout, the
 *	   addresses back into the segments, the arch's checks;
 *	4. build the boot data: DTB, ATAGs or boot_params (arch);
 *	5. fill the parameter block: a region per segment with its SHA-256,
 *	   then next.* (arch), and encode it into the stub.
 *
 * The steps the arches share live here too, for their operations: the
 * running system's RAM (kexec), what a device tree says about the machine,
 * the stub's segment, the edited device tree.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <charon/boot.h>
#include <charon/elfcore.h>
#include <charon/file.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE		4096ull
#define ARM_SECTION	((uint64_t)1 << 20)

static bool is_ppc64(const struct charon_arch *a)
{
	return a->id == CHARON_ARCH_PPC64LE || a->id == CHARON_ARCH_PPC64;
}


/**
 * charon_boot_add_seg() - append a loaded segment to a plan
 * @b: the plan (room for CHARON_BOOT_MAX_SEGS; a programming error
 *	otherwise)
 * @label: "kernel", "initrd", "dtb", "atags", "boot_params", "cmdline"
 * @src: the file the bytes came from
 * @data: the bytes; the plan owns them from now on
 * @len: their length
 *
 * Return: the segment, not yet placed.
 */
struct charon_boot_seg *charon_boot_add_seg(struct charon_boot *b,
					    const char *label,
					    const char *src, uint8_t *data,
					    size_t len)
{
	struct charon_boot_seg *s;

	assert(b->nr_seg < CHARON_BOOT_MAX_SEGS);
	s = &b->seg[b->nr_seg++];
	memset(s, 0, sizeof(*s));
	charon_strscpy(s->label, label, sizeof(s->label));
	s->src_path = src;
	s->data = data;
	s->len = len;
	return s;
}

/**
 * charon_boot_seg_find() - a loaded segment by label
 * @b: the plan
 * @label: "kernel", "initrd", "dtb", ...
 *
 * Return: the segment or NULL.
 */
struct charon_boot_seg *charon_boot_seg_find(struct charon_boot *b,
					     const char *label)
{
	unsigned int i;

	for (i = 0; i < b->nr_seg; i++) {
		if (!strcmp(b->seg[i].label, label)) {
			return &b->seg[i];
		}
	}
	return NULL;
}

/* 1. the stub; a filled parameter block is only warned about */
static int read_stub(const struct charon_boot_opts *o, struct charon_boot *b,
		     struct charon_err *err)
{
	int rc;

	rc = charon_stub_load(o->stub_path, o->arch->id, &b->stub, err);
	if (rc) {
		return rc;
	}
	if (!charon_stub_params_empty(&b->stub)) {
		charon_warnf("stub: %s: parameter block at 0x%x is already filled; overwriting it",
			     o->stub_path, b->stub.hdr.params_offset);
	}
	return 0;
}

/* 1. the initrd, an "initrd" segment */
static int read_initrd(const struct charon_boot_opts *o, struct charon_boot *b,
		       struct charon_err *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	if (!o->initrd_path) {
		return 0;
	}
	rc = charon_read_input("initrd", o->initrd_path, CHARON_FILE_MAX,
			       &data, &len, err);
	if (rc) {
		return rc;
	}
	if (len == 0) {
		free(data);
		return charon_errf(err, -EINVAL, "initrd: %s: file is empty",
				   o->initrd_path);
	}
	charon_boot_add_seg(b, "initrd", o->initrd_path, data, len);
	return 0;
}

/* 1. the machine's device tree, checked (malloc'd into *dtb) */
static int read_dtb(const struct charon_boot_opts *o, uint8_t **dtb,
		    size_t *len, struct charon_err *err)
{
	int rc;

	if (!o->dtb_path) {
		return charon_errf(err, -EINVAL,
				   "dtb: no device tree for %s (--dtb)",
				   o->arch->name);
	}
	rc = charon_read_input("dtb", o->dtb_path, CHARON_FDT_MAX_SIZE, dtb,
			       len, err);
	if (rc == -EFBIG) {
		return charon_errf(err, rc,
				   "dtb: %s: larger than 2 MiB, the limit of Linux's booting.rst",
				   o->dtb_path);
	}
	if (rc) {
		return rc;
	}
	return charon_fdt_check(o->dtb_path, *dtb, *len, err);
}

/* where the crash region came from: its keep-out's name says */
static const char *crash_from(const struct charon_live *lv)
{
	unsigned int i;

	for (i = 0; i < lv->nr_keepout; i++) {
		if (!strncmp(lv->keepout[i].name, "crashkernel", 11)) {
			return lv->keepout[i].name;
		}
	}
	return "crashkernel=";
}

/**
 * charon_boot_live() - the running system's RAM and keep-outs (kexec)
 * @o: the options; nothing happens without o->live
 * @b: the plan; its layout gets o->live's keep-outs, grown to whole
 *	o->live->page pages, and its RAM ranges when @ram
 * @ram: add the RAM ranges too
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_live(const struct charon_boot_opts *o, struct charon_boot *b,
		     bool ram, struct charon_err *err)
{
	const struct charon_live *lv = o->live;
	struct charon_segment *s;
	unsigned int i;
	int rc;

	if (!lv) {
		return 0;
	}
	/* kdump: the crash region is all the RAM there is */
	if (ram && o->crash) {
		rc = charon_layout_add_ram(&b->layout, lv->crash[0].start,
					   lv->crash[0].size, err);
		if (rc) {
			charon_err_prefix(err, "crashkernel region: ");
			return rc;
		}
		ram = false;
	}
	for (i = 0; ram && i < lv->nr_ram; i++) {
		rc = charon_layout_add_ram(&b->layout, lv->ram[i].start,
					   lv->ram[i].size, err);
		if (rc) {
			charon_err_prefix(err, "/proc/iomem: ");
			return rc;
		}
	}
	for (i = 0; i < lv->nr_keepout; i++) {
		if (o->crash && !strncmp(lv->keepout[i].name, "crashkernel",
					 11)) {
			continue;	/* what we load into */
		}
		/* the running system's own memory inside the crash region? */
		if (o->crash && charon_overlaps(lv->keepout[i].start,
						lv->keepout[i].size,
						lv->crash[0].start,
						lv->crash[0].size)) {
			return charon_errf(err, -EINVAL,
					   "%s [0x%llx, 0x%llx) overlaps the crash kernel region [0x%llx, 0x%llx) (%s)",
					   lv->keepout[i].name,
					   (ull)lv->keepout[i].start,
					   (ull)(lv->keepout[i].start +
						 lv->keepout[i].size),
					   (ull)lv->crash[0].start,
					   (ull)(lv->crash[0].start +
						 lv->crash[0].size),
					   crash_from(lv));
		}
		/* whole kexec pages: segments grow to them (kexec.c) */
		uint64_t page = lv->page ? lv->page : PAGE;
		uint64_t a = lv->keepout[i].start & ~(page - 1);
		uint64_t end;

		if (!charon_round_up_ok(lv->keepout[i].start,
					lv->keepout[i].size, page, &end)) {
			return charon_errf(err, -EINVAL,
					   "%s: 0x%llx bytes at 0x%llx: its last page reaches past 2^64",
					   lv->keepout[i].name,
					   (ull)lv->keepout[i].size,
					   (ull)lv->keepout[i].start);
		}
		s = charon_layout_add_at(&b->layout, lv->keepout[i].name,
					 end - a, 1, CHARON_PLACE_KEEPOUT, a,
					 err);
		if (!s) {
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * charon_boot_dt_machine() - what a device tree says about the machine
 * @o: the options (o->dtb_path names the tree in messages)
 * @b: the plan: RAM ranges (o->live's instead, with its keep-outs, for
 *	kexec) and keep-outs go into its layout, the console and the PSCI
 *	conduit into b->console and b->psci
 * @dtb: a checked device tree
 * @err: error message on failure
 *
 * The machine step of the arches that boot from a tree and use PSCI.
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_dt_machine(const struct charon_boot_opts *o,
			   struct charon_boot *b, const uint8_t *dtb,
			   struct charon_err *err)
{
	int rc;

	rc = o->live ? charon_boot_live(o, b, true, err) :
		       charon_fdt_memory(o->dtb_path, dtb, &b->layout, err);
	rc = rc ?: charon_fdt_keepouts(o->dtb_path, dtb, &b->layout, err);
	rc = rc ?: charon_fdt_console(o->dtb_path, dtb, &b->console, err);
	return rc ?: charon_fdt_psci(o->dtb_path, dtb, &b->psci, err);
}

/**
 * charon_boot_ram_head() - keep the back-end's start of RAM out
 * @o: the options: o->ram_head_reserve bytes named o->ram_head_name
 * @b: the plan; its layout gets a keep-out at the start of the lowest
 *	RAM range
 * @err: error message on failure
 *
 * Return: the keep-out segment, NULL with @err set on failure, or NULL
 * with @err untouched when there is nothing to reserve (check
 * o->ram_head_reserve).
 */
struct charon_segment *charon_boot_ram_head(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err)
{
	struct charon_segment *s;

	if (!o->ram_head_reserve || !b->layout.nr_ram) {
		return NULL;
	}
	s = charon_layout_add(&b->layout,
			      o->ram_head_name ? o->ram_head_name : "reserved",
			      o->ram_head_reserve, 1, CHARON_PLACE_KEEPOUT,
			      err);
	if (s) {
		s->addr = b->layout.ram[0].start;
	}
	return s;
}

/**
 * charon_boot_add_stub() - the stub's segment in the plan's layout
 * @o: the options: o->stub_addr when o->stub_addr_fixed, else the highest
 *	fit
 * @b: the plan; b->stub_size is set to the stub's mem_size, page aligned
 * @err: error message on failure
 *
 * Return: the segment (b->stub_addr is set from it once it is placed), or
 * NULL with @err set.
 */
struct charon_segment *charon_boot_add_stub(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err)
{
	struct charon_segment *st;

	b->stub_size = charon_round_up(b->stub.hdr.mem_size, PAGE);
	st = charon_layout_add(&b->layout, "stub", b->stub_size, b->stub.align,
			       o->stub_addr_fixed ? CHARON_PLACE_FIXED :
			       CHARON_PLACE_HIGH, err);
	if (st) {
		st->addr = o->stub_addr;
	}
	return st;
}

/**
 * charon_boot_add_initrd() - the initrd's layout segment, if it has one
 * @b: the plan; its layout gets a LOW segment "initrd", page aligned,
 *	after the LOW segments added before it
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_add_initrd(struct charon_boot *b, struct charon_err *err)
{
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");

	if (is && !charon_layout_add(&b->layout, "initrd",
				     charon_round_up(is->len, PAGE), PAGE,
				     CHARON_PLACE_LOW, err)) {
		return -EINVAL;
	}
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
 * kdump: the dump kernel's RAM in its tree: /chosen linux,elfcorehdr (its
 * size now, its address after placement) and the crash region as
 * linux,usable-memory-range (arm, arm64; the low region last; on arm it
 * ends at the header, crash_header() cuts it: arm's dump kernel reads old
 * memory with ioremap, which refuses its own RAM).  ppc64 reads no such
 * property: every memory node's linux,usable-memory is [0, the crash
 * region's end), one range (the first is the real-mode area early
 * allocations come from), and [64 KiB, the region) a /memreserve/: the
 * first 64 KiB, backed up, and the region are the dump kernel's
 */
static void crash_usable(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb)
{
	const struct charon_live *lv = o->live;
	const struct charon_mem_range *cr = &lv->crash[0];
	struct charon_fdt_edit *e = &b->edit;
	unsigned int i;

	e->elfcorehdr.size = charon_elfcore_size(o->core);
	e->nr_usable = 0;
	e->usable_memory = is_ppc64(o->arch);
	if (e->usable_memory) {
		e->usable[e->nr_usable].start = 0;
		e->usable[e->nr_usable++].size = cr->start + cr->size;
		if (cr->start > CHARON_PPC64_BACKUP_LEN &&
		    e->nr_rsv < CHARON_FDT_MAX_RSV) {
			e->rsv[e->nr_rsv].start = CHARON_PPC64_BACKUP_LEN;
			e->rsv[e->nr_rsv++].size = cr->start -
						   CHARON_PPC64_BACKUP_LEN;
		}
		/* OPAL's runtime: the kernel reads its console log there */
		opal_usable(o, dtb, e);
		return;
	}
	for (i = 0; i < lv->nr_crash && e->nr_usable < CHARON_FDT_MAX_USABLE;
	     i++) {
		e->usable[e->nr_usable++] = lv->crash[i];
	}
}

/**
 * charon_boot_dtb_room() - how much room the edited device tree needs
 * @o: the options: o->bootargs, o->dtb_path for messages
 * @b: the plan, its initrd (if any) read; b->edit is set up for the edit:
 *	/chosen bootargs, the initrd properties and one /memreserve/ (the
 *	stub); the addresses come later
 * @dtb: the checked tree
 * @room: set to the bytes to reserve for the edited tree
 * @err: error message on failure
 *
 * Return: 0, or -EFBIG when the edited tree would pass CHARON_FDT_MAX_SIZE.
 */
int charon_boot_dtb_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 size_t *room, struct charon_err *err)
{
	b->edit.bootargs = o->bootargs;
	b->edit.initrd = charon_boot_seg_find(b, "initrd") != NULL;
	if (o->crash) {
		crash_usable(o, b, dtb);
	}
	*room = charon_fdt_edit_room(dtb, &b->edit);
	if (*room > CHARON_FDT_MAX_SIZE) {
		return charon_errf(err, -EFBIG,
				   "dtb: %s: edited tree would need 0x%zx bytes, more than the 2 MiB of Linux's booting.rst",
				   o->dtb_path, *room);
	}
	return 0;
}

/**
 * charon_boot_make_dtb() - the edited device tree, as the "dtb" segment
 * @o: the options (o->dtb_path)
 * @b: the plan, placed: its layout has a "dtb" segment, the initrd and
 *	the stub have their addresses; b->edit as charon_boot_dtb_room()
 *	set it up gets the initrd's range and the stub's /memreserve/
 * @dtb: the checked tree
 * @err: error message on failure
 *
 * Return: 0, -EFBIG when the edited tree outgrew its room, or another
 * negative errno code.
 */
int charon_boot_make_dtb(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err)
{
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	struct charon_segment *dseg = charon_layout_find(&b->layout, "dtb");
	struct charon_fdt_edit *edit = &b->edit;
	struct charon_boot_seg *ds;
	size_t out_len;
	void *out;
	int rc;

	if (is) {
		edit->initrd_start = is->addr;
		edit->initrd_end = is->addr + is->len;
	}
	edit->stub.start = b->stub_addr;
	edit->stub.size = b->stub_size;
	rc = charon_fdt_edit(o->dtb_path, dtb, edit, &out, &out_len, err);
	if (rc) {
		return rc;
	}
	if (out_len > dseg->size) {
		free(out);
		return charon_errf(err, -EFBIG,
				   "dtb: %s: edited tree is 0x%zx bytes, more than the 0x%llx reserved",
				   o->dtb_path, out_len, (ull)dseg->size);
	}
	ds = charon_boot_add_seg(b, "dtb", o->dtb_path, out, out_len);
	ds->modified = true;
	ds->addr = dseg->addr;
	ds->mem_size = dseg->size;
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
static void crash_too_small(const struct charon_boot_opts *o,
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

static void crash_rsv(struct charon_fdt_edit *e, uint64_t a, uint64_t n)
{
	if (e->nr_rsv < CHARON_FDT_MAX_RSV) {
		e->rsv[e->nr_rsv].start = a;
		e->rsv[e->nr_rsv++].size = n;
	}
}

/*
 * kdump, after placement: the ELF core header as the "elfcorehdr"
 * segment (the stub verifies it too), its address in the command line's
 * slot and the tree's /chosen linux,elfcorehdr
 */
static int crash_header(const struct charon_boot_opts *o,
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
	if (o->arch->id == CHARON_ARCH_ARM && b->edit.nr_usable &&
	    hs->addr > b->edit.usable[0].start) {
		b->edit.usable[0].size = hs->addr - b->edit.usable[0].start;
	}
	/*
	 * ppc64: the dump kernel allocates top-down in its memory, the
	 * crash region: the header and the backup copy are /memreserve/d
	 * (charon_fdt_edit_room()'s slack holds the two entries)
	 */
	if (is_ppc64(o->arch)) {
		crash_rsv(&b->edit, hs->addr, hs->size);
		if (bs) {
			crash_rsv(&b->edit, bs->addr, bs->size);
		}
	}
	return 0;
}

/*
 * 3. the back-end's start of RAM, the stub, the arch's segments; then
 * every loaded segment and the stub get the address the layout chose
 */
static int place(const struct charon_boot_opts *o, struct charon_boot *b,
		 size_t room, struct charon_err *err)
{
	const struct charon_arch *a = o->arch;
	struct charon_segment *s;
	unsigned int i;
	int rc;

	if (o->ram_head_reserve && !charon_boot_ram_head(o, b, err)) {
		return -EINVAL;
	}
	if (!a->stub_placed && !charon_boot_add_stub(o, b, err)) {
		return -EINVAL;
	}
	rc = a->place(o, b, room, err);
	/* arm: the dump kernel's RAM ends at the header, on a section */
	if (!rc && o->crash &&
	    !charon_layout_add(&b->layout, "elfcorehdr",
			       charon_round_up(charon_elfcore_size(o->core),
					       PAGE),
			       a->id == CHARON_ARCH_ARM ? ARM_SECTION : PAGE,
			       CHARON_PLACE_HIGH, err)) {
		rc = -EINVAL;
	}
	rc = rc ?: charon_layout_place(&b->layout, err);
	if (rc == -ENOSPC && o->crash) {
		crash_too_small(o, err);
	}
	if (rc) {
		return rc;
	}
	s = charon_layout_find(&b->layout, "stub");
	if (s) {
		b->stub_addr = s->addr;
		b->stub_size = s->size;
	}
	for (i = 0; i < b->nr_seg; i++) {
		s = charon_layout_find(&b->layout, b->seg[i].label);
		if (s) {
			b->seg[i].addr = s->addr;
			b->seg[i].mem_size = s->size;
		}
	}
	rc = a->placed ? a->placed(o, b, err) : 0;
	return rc || !o->crash ? rc : crash_header(o, b, err);
}

/* 5. the block but for next.*: a region (and its SHA-256) per segment */
static int fill_params(const struct charon_boot_opts *o, struct charon_boot *b,
		       struct charon_err *err)
{
	struct charon_params *p = &b->params;
	unsigned int i;
	int rc;

	charon_params_init(p);
	p->flags = o->flags;
	p->fail_policy = o->fail_policy;
	p->console = b->console.con;
	for (i = 0; i < b->nr_seg; i++) {
		rc = charon_params_add_region(p, b->seg[i].label,
					      b->seg[i].addr, b->seg[i].data,
					      b->seg[i].len, err);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/**
 * charon_boot_prepare() - build a boot plan
 * @o: the inputs and options; o->arch (from the registry) says whose
 *	operations build it
 * @b: the plan; free with charon_boot_free(), also after a failure
 * @err: error message on failure, naming the input, the field and the
 *	value
 *
 * The steps of the file comment, in order; docs/cli.md says what each
 * arch's operations do in each.
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_prepare(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err)
{
	const struct charon_arch *a = o->arch;
	uint8_t *dtb = NULL;
	size_t dtb_len = 0, room = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	if (!a) {
		return charon_errf(err, -EINVAL, "plan: no arch given");
	}
	b->arch = a;

	/* 1. the inputs */
	rc = read_stub(o, b, err);
	rc = rc ?: a->read_kernel(o, b, err);
	rc = rc ?: read_initrd(o, b, err);
	if (!rc && a->uses_dtb) {
		rc = read_dtb(o, &dtb, &dtb_len, err);
	}
	/* 2. the machine */
	rc = rc ?: a->machine(o, b, dtb, err);
	/* 3. the layout */
	if (!rc && a->boot_room) {
		rc = a->boot_room(o, b, dtb, &room, err);
	}
	rc = rc ?: place(o, b, room, err);
	/* 4. the boot data */
	if (!rc && a->boot_data) {
		rc = a->boot_data(o, b, dtb, err);
	}
	free(dtb);
	/* 5. the parameter block */
	rc = rc ?: fill_params(o, b, err);
	rc = rc ?: a->fill_next(o, b, err);
	if (!rc) {
		charon_boot_encode(b);
	}
	return rc;
}

/**
 * charon_boot_encode() - write the plan's parameter block into the stub
 * @b: the plan
 */
void charon_boot_encode(struct charon_boot *b)
{
	charon_stub_write_params(&b->stub, &b->params);
}

/**
 * charon_boot_free() - release a plan
 * @b: the plan
 */
void charon_boot_free(struct charon_boot *b)
{
	unsigned int i;

	charon_stub_free(&b->stub);
	if (b->arch && b->arch->free) {
		b->arch->free(b);
	}
	for (i = 0; i < b->nr_seg; i++) {
		free(b->seg[i].data);
		b->seg[i].data = NULL;
	}
	b->nr_seg = 0;
}
