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

#include <charon/boot.h>
#include <charon/file.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE		4096ull


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
	rc = rc ?: charon_fdt_psci(o->dtb_path, dtb, &b->psci, err);
	/* kexec on ACPI: the tree (the EFI stub's /chosen) names neither */
	if (!rc && o->live && b->console.con.kind == CHARON_CON_NONE &&
	    o->live->have_acpi_con) {
		b->console.con = o->live->acpi_con;
		charon_strscpy(b->console.path, "ACPI SPCR",
			       sizeof(b->console.path));
	}
	if (!rc && o->live && b->psci == CHARON_PSCI_NONE &&
	    o->live->have_acpi_psci) {
		b->psci = o->live->acpi_psci;
		b->psci_acpi = true;
	}
	return rc;
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
		charon_crash_usable(o, b, dtb);
	}
	*room = charon_fdt_edit_room(dtb, &b->edit);
	/*
	 * charon image: the stub edits the firmware's tree, which may be
	 * larger than this one, and the command line sits at the room's end
	 */
	if (o->image) {
		*room += CHARON_IMAGE_FDT_SLACK +
			 (o->bootargs ? strlen(o->bootargs) + 1 + PAGE : 0);
	}
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
	if (!a->stub_placed && !(o->image && a->image.window) &&
	    !charon_boot_add_stub(o, b, err)) {
		return -EINVAL;
	}
	rc = a->place(o, b, room, err);
	if (!rc && o->crash) {
		rc = charon_crash_place(o, b, err);
	}
	rc = rc ?: charon_layout_place(&b->layout, err);
	if (rc == -ENOSPC && o->crash) {
		charon_crash_too_small(o, err);
	}
	if (rc) {
		return rc;
	}
	s = charon_layout_find(&b->layout, o->image && a->image.window ?
					   o->ram_head_name : "stub");
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
	return rc || !o->crash ? rc : charon_crash_header(o, b, err);
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
