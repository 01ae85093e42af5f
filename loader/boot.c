// SPDX-License-Identifier: MIT
/*
 * Boot plans, whatever the arch: reading the inputs every plan shares
 * (stub, initrd, device tree and what it says about the machine), the
 * stub's layout segment, the edited device tree, segment look-up, the
 * parameter block, and the test hooks that damage a plan on purpose.
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
 * charon_boot_read_initrd() - read the initrd into an "initrd" segment
 * @o: the options; nothing happens without o->initrd_path
 * @b: the plan
 * @err: error message on failure
 *
 * Return: 0, or a negative errno code (-EINVAL for an empty file).
 */
int charon_boot_read_initrd(const struct charon_boot_opts *o,
			    struct charon_boot *b, struct charon_err *err)
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

/**
 * charon_boot_read_stub() - read and check the stub image
 * @o: the options (o->stub_path)
 * @b: the plan; b->stub is filled
 * @arch: the CHARON_ARCH_* the stub must be built for
 * @err: error message on failure
 *
 * A parameter block that is already filled is only warned about: the plan
 * overwrites it.
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_read_stub(const struct charon_boot_opts *o,
			  struct charon_boot *b, uint16_t arch,
			  struct charon_err *err)
{
	int rc;

	rc = charon_stub_load(o->stub_path, arch, &b->stub, err);
	if (rc) {
		return rc;
	}
	if (!charon_stub_params_empty(&b->stub)) {
		charon_warnf("stub: %s: parameter block at 0x%x is already filled; overwriting it",
			     o->stub_path, b->stub.hdr.params_offset);
	}
	return 0;
}

/**
 * charon_boot_read_dtb() - read and check the machine's device tree
 * @o: the options (o->dtb_path)
 * @b: the plan (its arch names the limit in messages)
 * @dtb: set to the tree (malloc'd; free() it, also after a failure)
 * @len: its size
 * @err: error message on failure
 *
 * Return: 0, -EFBIG for a tree over CHARON_FDT_MAX_SIZE, or another
 * negative errno code.
 */
int charon_boot_read_dtb(const struct charon_boot_opts *o,
			 const struct charon_boot *b, uint8_t **dtb,
			 size_t *len, struct charon_err *err)
{
	int rc;

	rc = charon_read_input("dtb", o->dtb_path, CHARON_FDT_MAX_SIZE, dtb,
			       len, err);
	if (rc == -EFBIG) {
		return charon_errf(err, rc, "dtb: %s: larger than 2 MiB%s",
				   o->dtb_path,
				   b->arch == CHARON_ARCH_ARM64 ?
				   ", the arm64 limit (booting.rst)" : "");
	}
	if (rc) {
		return rc;
	}
	return charon_fdt_check(o->dtb_path, *dtb, *len, err);
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
	for (i = 0; ram && i < lv->nr_ram; i++) {
		rc = charon_layout_add_ram(&b->layout, lv->ram[i].start,
					   lv->ram[i].size, err);
		if (rc) {
			charon_err_prefix(err, "/proc/iomem: ");
			return rc;
		}
	}
	for (i = 0; i < lv->nr_keepout; i++) {
		/* whole kexec pages: segments grow to them (kexec.c) */
		uint64_t page = lv->page ? lv->page : PAGE;
		uint64_t a = lv->keepout[i].start & ~(page - 1);
		uint64_t end = charon_round_up(lv->keepout[i].start +
					       lv->keepout[i].size, page);

		s = charon_layout_add(&b->layout, lv->keepout[i].name,
				      end - a, 1, CHARON_PLACE_KEEPOUT, err);
		if (!s) {
			return -EINVAL;
		}
		s->addr = a;
	}
	return 0;
}

/**
 * charon_boot_machine() - what the device tree says about the machine
 * @o: the options (o->dtb_path names the tree in messages)
 * @b: the plan: RAM ranges (o->live's instead, with its keep-outs, for
 *	kexec) and keep-outs go into its layout, the console and the PSCI
 *	conduit into b->console and b->psci
 * @dtb: a checked device tree
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_machine(const struct charon_boot_opts *o,
			struct charon_boot *b, const uint8_t *dtb,
			struct charon_err *err)
{
	int rc;

	rc = o->live ? charon_boot_live(o, b, true, err) :
		       charon_fdt_memory(o->dtb_path, dtb, &b->layout, err);
	if (!rc) {
		rc = charon_fdt_keepouts(o->dtb_path, dtb, &b->layout, err);
	}
	if (!rc) {
		rc = charon_fdt_console(o->dtb_path, dtb, &b->console, err);
	}
	if (!rc) {
		rc = charon_fdt_psci(o->dtb_path, dtb, &b->psci, err);
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

	if (!o->ram_head_reserve) {
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
 * Return: the segment (b->stub_addr is the caller's to set once it is
 * placed), or NULL with @err set.
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
 * charon_boot_dtb_room() - how much room the edited device tree needs
 * @o: the options: o->bootargs, o->dtb_path for messages
 * @b: the plan, its initrd (if any) read
 * @dtb: the checked tree
 * @edit: set up for the edit: /chosen bootargs, the initrd properties
 *	and one /memreserve/ (the stub); the addresses come later
 * @room: set to the bytes to reserve for the edited tree
 * @err: error message on failure
 *
 * Return: 0, or -EFBIG when the edited tree would pass CHARON_FDT_MAX_SIZE.
 */
int charon_boot_dtb_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_fdt_edit *edit, size_t *room,
			 struct charon_err *err)
{
	edit->bootargs = o->bootargs;
	edit->initrd = charon_boot_seg_find(b, "initrd") != NULL;
	*room = charon_fdt_edit_room(dtb, edit);
	if (*room > CHARON_FDT_MAX_SIZE) {
		return charon_errf(err, -EFBIG,
				   "dtb: %s: edited tree would need 0x%zx bytes, more than %s",
				   o->dtb_path, *room,
				   b->arch == CHARON_ARCH_ARM64 ?
				   "the 2 MiB arm64 limit" : "2 MiB");
	}
	return 0;
}

/**
 * charon_boot_make_dtb() - the edited device tree, as the "dtb" segment
 * @o: the options (o->dtb_path)
 * @b: the plan, placed: its layout has a "dtb" segment, the initrd and
 *	the stub have their addresses
 * @dtb: the checked tree
 * @edit: as charon_boot_dtb_room() set it up; gets the initrd's range and
 *	the stub's /memreserve/
 * @err: error message on failure
 *
 * Return: 0, -EFBIG when the edited tree outgrew its room, or another
 * negative errno code.
 */
int charon_boot_make_dtb(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_fdt_edit *edit, struct charon_err *err)
{
	struct charon_boot_seg *is = charon_boot_seg_find(b, "initrd");
	struct charon_segment *dseg = charon_layout_find(&b->layout, "dtb");
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

/**
 * charon_boot_fill_params() - the parameter block, but for next.*
 * @o: the options: flags and failure policy
 * @b: the plan, every segment placed; b->params gets magic, version,
 *	size, flags, policy, the console and one region (with its SHA-256)
 *	per segment in plan order.  The caller sets next.* and encodes.
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_boot_fill_params(const struct charon_boot_opts *o,
			    struct charon_boot *b, struct charon_err *err)
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

/**
 * charon_boot_encode() - write the plan's parameter block into the stub
 * @b: the plan
 */
void charon_boot_encode(struct charon_boot *b)
{
	charon_stub_write_params(&b->stub, &b->params);
}

static int add_bad_region(struct charon_boot *b, const char *label,
			  uint64_t start, uint64_t len,
			  struct charon_err *err)
{
	struct charon_region *r;

	if (b->params.nr_regions >= CHARON_MAX_REGIONS) {
		return charon_errf(err, -ENOSPC,
				   "--break-params: no free region slot for \"%s\"",
				   label);
	}
	r = &b->params.regions[b->params.nr_regions++];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->len = len;
	memcpy(r->label, label, strlen(label));
	return 0;
}

enum break_what {
	BREAK_MAGIC,
	BREAK_VERSION,
	BREAK_SIZE,
	BREAK_NR_REGIONS,
	BREAK_OVERLAP_STUB,
	BREAK_WRAP,
	NR_BREAK_WHATS,
};

static const char *const break_whats[NR_BREAK_WHATS] = {
	[BREAK_MAGIC] = "magic",
	[BREAK_VERSION] = "version",
	[BREAK_SIZE] = "size",
	[BREAK_NR_REGIONS] = "nr-regions",
	[BREAK_OVERLAP_STUB] = "overlap-stub",
	[BREAK_WRAP] = "wrap",
};

/* the enum break_what of a name, NR_BREAK_WHATS if unknown */
static enum break_what break_lookup(const char *what)
{
	unsigned int i;

	for (i = 0; i < NR_BREAK_WHATS; i++) {
		if (!strcmp(what, break_whats[i])) {
			break;
		}
	}
	return i;
}

/**
 * charon_boot_break_known() - does charon_boot_break_params() know a name?
 * @what: the name
 *
 * For the CLI, which refuses an unknown one as a usage error before any
 * file is read.
 *
 * Return: true for magic, version, size, nr-regions, overlap-stub and wrap.
 */
bool charon_boot_break_known(const char *what)
{
	return break_lookup(what) != NR_BREAK_WHATS;
}

/**
 * charon_boot_break_params() - corrupt the filled parameter block (tests)
 * @b: the plan, after its block was filled
 * @what: "magic" (bit-inverted), "version" (+1), "size" (+8),
 *	"nr-regions" (17), "overlap-stub" (an extra region "stub" covering
 *	the stub's own range) or "wrap" (an extra region "wrap" at
 *	0xfffffffffffff000, 0x2000 bytes, wrapping around 2^64)
 * @err: error message on failure
 *
 * The block is re-encoded into the stub image.
 *
 * Return: 0, or -EINVAL for an unknown @what.
 */
int charon_boot_break_params(struct charon_boot *b, const char *what,
			     struct charon_err *err)
{
	struct charon_params *p = &b->params;
	int rc = 0;

	switch (break_lookup(what)) {
	case BREAK_MAGIC:
		p->magic = ~p->magic;
		break;
	case BREAK_VERSION:
		p->version += 1;
		break;
	case BREAK_SIZE:
		p->size += 8;
		break;
	case BREAK_NR_REGIONS:
		p->nr_regions = CHARON_MAX_REGIONS + 1;
		break;
	case BREAK_OVERLAP_STUB:
		rc = add_bad_region(b, "stub", b->stub_addr, b->stub_size, err);
		break;
	case BREAK_WRAP:
		rc = add_bad_region(b, "wrap", 0xfffffffffffff000ull, 0x2000,
				    err);
		break;
	default:
		return charon_errf(err, -EINVAL,
				   "--break-params: unknown \"%s\"; expected magic, version, size, nr-regions, overlap-stub or wrap",
				   what);
	}
	if (!rc) {
		charon_boot_encode(b);
	}
	return rc;
}

/* "kernel, initrd, dtb": the plan's segment labels, in plan order */
static void seg_names(const struct charon_boot *b, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < b->nr_seg && n < len; i++) {
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      b->seg[i].label);
	}
}

/**
 * charon_boot_flip_bit() - damage one loaded segment after hashing (tests)
 * @b: the plan, after its digests were computed
 * @spec: "LABEL" or "LABEL:OFFSET"; flips bit 0 of the byte at OFFSET
 *	(C notation, default the middle byte) of that segment as loaded
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL for an unknown label or an offset outside the
 * segment.
 */
int charon_boot_flip_bit(struct charon_boot *b, const char *spec,
			 struct charon_err *err)
{
	char label[CHARON_LABEL_LEN], have[4 * CHARON_LABEL_LEN];
	struct charon_boot_seg *s;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	uint64_t off;

	if (n == 0 || n >= sizeof(label)) {
		return charon_errf(err, -EINVAL,
				   "--flip-bit: \"%s\": expected LABEL[:OFFSET]",
				   spec);
	}
	memcpy(label, spec, n);
	label[n] = '\0';
	s = charon_boot_seg_find(b, label);
	if (!s) {
		seg_names(b, have, sizeof(have));
		return charon_errf(err, -EINVAL,
				   "--flip-bit: no loaded segment \"%s\" (have: %s)",
				   label, have);
	}
	if (colon) {
		if (charon_parse_u64(colon + 1, &off)) {
			return charon_errf(err, -EINVAL,
					   "--flip-bit: offset \"%s\" is not a number",
					   colon + 1);
		}
	} else {
		off = s->len / 2;
	}
	if (off >= s->len) {
		return charon_errf(err, -EINVAL,
				   "--flip-bit: offset 0x%llx is outside %s (0x%zx bytes)",
				   (ull)off, label, s->len);
	}
	s->data[off] ^= 1;
	s->modified = true;
	return 0;
}

/**
 * charon_boot_free() - release a plan
 * @b: the plan
 */
void charon_boot_free(struct charon_boot *b)
{
	unsigned int i;

	charon_stub_free(&b->stub);
	switch (b->arch) {
	case CHARON_ARCH_ARM64:
		charon_arm64_image_free(&b->kernel.arm64);
		break;
	case CHARON_ARCH_ARM:
		charon_zimage_free(&b->kernel.arm.zimage);
		break;
	case CHARON_ARCH_X86_64:
		charon_x86_image_free(&b->kernel.x86.img);
		break;
	case CHARON_ARCH_PPC64LE:
	case CHARON_ARCH_PPC64:
		charon_ppc64_image_free(&b->kernel.ppc64.img);
		charon_kcrctab_free(&b->kernel.ppc64.kcrctab);
		break;
	default:
		break;
	}
	for (i = 0; i < b->nr_seg; i++) {
		free(b->seg[i].data);
		b->seg[i].data = NULL;
	}
	b->nr_seg = 0;
}
