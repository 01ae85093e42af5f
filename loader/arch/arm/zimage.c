// SPDX-License-Identifier: MIT
/*
 * Linux arm zImage parsing, and where the decompressor will write.
 *
 * The placement rule (docs/arm.md has it with Debian's numbers).  A zImage
 * entered at address Z (arch/arm/boot/compressed/head.S, facts only):
 *
 *  1. takes base = Z & ~(128 MiB - 1) (CONFIG_AUTO_ZRELADDR, every
 *     multiplatform kernel) and decompresses the kernel to
 *     D = base + TEXT_OFFSET;
 *  2. builds 16 KiB of page tables, 16 KiB aligned, just below D; the
 *     kernel later puts its own (20 KiB with LPAE) at D - 0x5000;
 *  3. runs with its image (Z .. Z + _edata), its bss and 4 KiB stack
 *     after that, and MALLOC_SIZE of heap above the stack;
 *  4. if the decompressed kernel [D, D + size) would overwrite it, first
 *     copies itself (from its `restart` label, 32-byte aligned down, to
 *     _edata) to 256-byte aligned (D + size + the relocation code's size
 *     + 256) and runs there, bss, stack and heap moved along;
 *  5. the kernel then clears its bss, [D + size, D + size + bss).
 *
 * So the footprint is [min(page tables, Z), max(D + size + bss,
 * Z + run size + heap, relocated copy's run end)).  Every term is read
 * from the zImage: size at KLSZ word 0, bss word 1, TEXT_OFFSET word 2,
 * MALLOC_SIZE word 3; the run size (image + bss + stack) from the EFI
 * header's SizeOfImage when there is one.  What the header cannot give
 * is bounded, never guessed at a ratio:
 *  - the relocation code's size and `restart`: both are head.S code,
 *    which precedes the tag table (vmlinux.lds.S puts .table after
 *    .text), so the table offset bounds them (the image size without a
 *    table);
 *  - the decompressor's bss + stack without an EFI header:
 *    CHARON_ZIMAGE_RUN_MARGIN (its .bss holds a few pointers);
 *  - TEXT_OFFSET without word 2: anything from 0x8000 to 0x308000;
 *  - MALLOC_SIZE without word 3: head.S's 64 KiB of those kernels;
 *  - no size table at all (before 4.15): decompressed kernel + bss at
 *    most CHARON_ZIMAGE_NO_TABLE_RATIO times the zImage, with a warning
 *    (the only rule that is a ratio; kexec-tools assumes 4).
 *
 * The loader places Z at base + 32 MiB (booting.rst: "above 32MiB in
 * order to avoid the need to relocate prior to decompression") when the
 * decompressed kernel ends below it, else right after the decompressed
 * kernel, and puts everything else above the footprint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/bytes.h>
#include <charon/file.h>
#include <charon/image-arm.h>

typedef unsigned long long ull;

#define PAGE		4096ull
#define FDT_MAGIC_BE	0xd00dfeedu
/* the relocated copy starts 256-byte aligned, up to 256 bytes further */
#define RELOC_SLACK	256u
/* kexec-tools' zImage rules (kexec/arch/arm/kexec-zImage.c, facts) */
#define KEXEC_TEXT_OFFSET	0x8000u
#define KEXEC_RUN_EXTRA		0x11000u	/* "stack (4k) + malloc (64k)" */
#define KEXEC_RATIO		5u	/* ratio 4, plus the zImage */

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint32_t swab32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

/**
 * charon_zimage_detect() - does a buffer start like a zImage?
 * @buf: the file's bytes
 * @len: their length
 *
 * Return: true when the zImage magic is at 0x24, in either byte order
 * (charon_zimage_parse() refuses a big-endian one, naming it).
 */
bool charon_zimage_detect(const uint8_t *buf, size_t len)
{
	uint32_t m;

	if (len < CHARON_ZIMAGE_MAGIC_OFF + 4) {
		return false;
	}
	m = charon_get32(buf + CHARON_ZIMAGE_MAGIC_OFF, CHARON_LE);
	return m == CHARON_ZIMAGE_MAGIC || m == swab32(CHARON_ZIMAGE_MAGIC);
}

/* the fixed header: magic, start/end, endianness */
static int parse_header(const char *name, const uint8_t *buf, size_t len,
			struct charon_zimage *zi, struct charon_err *err)
{
	if (len < CHARON_ZIMAGE_HDR_SIZE) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: file is %zu bytes, shorter than the 0x%x-byte zImage header",
				   name, len, CHARON_ZIMAGE_HDR_SIZE);
	}
	zi->magic = charon_get32(buf + 0x24, CHARON_LE);
	zi->start = charon_get32(buf + 0x28, CHARON_LE);
	zi->end = charon_get32(buf + 0x2c, CHARON_LE);
	zi->endian = charon_get32(buf + 0x30, CHARON_LE);
	zi->magic2 = charon_get32(buf + 0x34, CHARON_LE);
	zi->table_off = charon_get32(buf + 0x38, CHARON_LE);

	if (zi->magic == swab32(CHARON_ZIMAGE_MAGIC)) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: magic at 0x24 is 0x%08x, the byte-swapped 0x%08x: a big-endian (BE8) kernel; only little-endian kernels are supported",
				   name, zi->magic, CHARON_ZIMAGE_MAGIC);
	}
	if (zi->magic != CHARON_ZIMAGE_MAGIC) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: magic at 0x24 is 0x%08x, expected 0x%08x (arm zImage)",
				   name, zi->magic, CHARON_ZIMAGE_MAGIC);
	}
	if (zi->endian == swab32(CHARON_ZIMAGE_ENDIAN_FLAG)) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: endianness flag at 0x30 is 0x%08x: a big-endian kernel; only little-endian kernels are supported",
				   name, zi->endian);
	}
	if (zi->endian != CHARON_ZIMAGE_ENDIAN_FLAG) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: endianness flag at 0x30 is 0x%08x, expected 0x%08x",
				   name, zi->endian, CHARON_ZIMAGE_ENDIAN_FLAG);
	}
	if (zi->end < zi->start) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: end at 0x2c is 0x%x, below start at 0x28 (0x%x)",
				   name, zi->end, zi->start);
	}
	if (zi->start != 0) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: start at 0x28 is 0x%x: linked to run at a fixed address (CONFIG_ZBOOT_ROM); only position-independent zImages (start 0) can be loaded",
				   name, zi->start);
	}
	zi->size = zi->end - zi->start;
	if (zi->size > len) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: end at 0x2c is 0x%x, beyond the file (0x%zx bytes; truncated?)",
				   name, zi->end, len);
	}
	if (zi->size < CHARON_ZIMAGE_HDR_SIZE) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: end at 0x2c is 0x%x, inside the 0x%x-byte header",
				   name, zi->end, CHARON_ZIMAGE_HDR_SIZE);
	}
	return 0;
}

/* an EFI zImage's PE header: SizeOfImage covers image, bss and stack */
static void parse_pe(const char *name, const uint8_t *buf,
		     struct charon_zimage *zi)
{
	uint32_t pe, isz;

	/* the header check guarantees 0x3c bytes; the PE offset is at 0x3c */
	if (zi->size < 0x40 || buf[0] != 'M' || buf[1] != 'Z') {
		return;
	}
	pe = charon_get32(buf + 0x3c, CHARON_LE);
	/* PE signature, 20-byte COFF header, SizeOfImage at +56 of the
	 * optional header */
	if (pe < 0x40 || (pe & 3) || (uint64_t)pe + 24 + 60 > zi->size ||
	    memcmp(buf + pe, "PE\0\0", 4) ||
	    charon_get16(buf + pe + 24, CHARON_LE) != 0x10b) {
		return;
	}
	isz = charon_get32(buf + pe + 24 + 56, CHARON_LE);
	zi->efi = true;
	zi->pe_off = pe;
	zi->pe_image_size = isz;
	if (isz < (uint64_t)zi->size + CHARON_ZIMAGE_STACK) {
		charon_warnf("zImage: %s: EFI SizeOfImage at 0x%x is 0x%x, less than the image (0x%x) and its 4 KiB stack; not used",
			     name, pe + 24 + 56, isz, zi->size);
		return;
	}
	zi->run_size = isz;
	zi->run_exact = true;
}

/* the KLSZ tag's payload at @p, @words payload words */
static int parse_klsz(const char *name, const uint8_t *buf,
		      struct charon_zimage *zi, uint32_t words,
		      struct charon_err *err)
{
	const uint8_t *p = buf + zi->klsz_off + 8;
	uint32_t o = zi->klsz_off + 8;

	if (words < 2) {
		charon_warnf("zImage: %s: KLSZ tag at 0x%x has %u payload word%s, fewer than the 2 size words; treated as no size table",
			     name, zi->klsz_off, words, words == 1 ? "" : "s");
		return 0;
	}
	zi->size_ptr = charon_get32(p, CHARON_LE);
	zi->bss = charon_get32(p + 4, CHARON_LE);
	if ((uint64_t)zi->size_ptr + 4 > zi->size) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: KLSZ size offset at 0x%x is 0x%x, outside the zImage (end 0x%x)",
				   name, o, zi->size_ptr, zi->size);
	}
	/* an unaligned little-endian word, as head.S reads it byte-wise */
	zi->inflated = charon_get32(buf + zi->size_ptr, CHARON_LE);
	if (zi->inflated == 0) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: decompressed size at 0x%x (KLSZ word 0 at 0x%x) is 0",
				   name, zi->size_ptr, o);
	}
	if ((uint64_t)zi->inflated + zi->bss > CHARON_ZIMAGE_MAX_KERNEL) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: decompressed size 0x%x (at 0x%x) + bss 0x%x (at 0x%x) is more than the %llu MiB a kernel can occupy",
				   name, zi->inflated, zi->size_ptr, zi->bss,
				   o + 4,
				   (ull)(CHARON_ZIMAGE_MAX_KERNEL >> 20));
	}
	if (words >= 3) {
		zi->text_offset = charon_get32(p + 8, CHARON_LE);
		if ((zi->text_offset & 0xffff) != 0x8000 ||
		    zi->text_offset >= CHARON_ZIMAGE_WINDOW) {
			return charon_errf(err, -EINVAL,
					   "zImage: %s: TEXT_OFFSET at 0x%x (KLSZ word 2) is 0x%x, expected 0x8000 + a multiple of 64 KiB below 128 MiB",
					   name, o + 8, zi->text_offset);
		}
	}
	if (words >= 4) {
		zi->malloc_size = charon_get32(p + 12, CHARON_LE);
		if (zi->malloc_size == 0 ||
		    zi->malloc_size > CHARON_ZIMAGE_MAX_MALLOC) {
			return charon_errf(err, -EINVAL,
					   "zImage: %s: MALLOC_SIZE at 0x%x (KLSZ word 3) is 0x%x, expected 1 byte to %llu MiB",
					   name, o + 12, zi->malloc_size,
					   (ull)(CHARON_ZIMAGE_MAX_MALLOC >>
						 20));
		}
	}
	zi->has_sizes = true;
	return 0;
}

/* walk the tag table for the KLSZ tag */
static int parse_table(const char *name, const uint8_t *buf,
		       struct charon_zimage *zi, struct charon_err *err)
{
	uint32_t off = zi->table_off, words, id;

	zi->has_table = zi->magic2 == CHARON_ZIMAGE_MAGIC2;
	if (!zi->has_table) {
		return 0;
	}
	if (off < CHARON_ZIMAGE_HDR_SIZE || (off & 3) ||
	    (uint64_t)off + 4 > zi->size) {
		return charon_errf(err, -EINVAL,
				   "zImage: %s: tag table offset at 0x38 is 0x%x, outside the zImage [0x%x, 0x%x) or not word-aligned",
				   name, off, CHARON_ZIMAGE_HDR_SIZE, zi->size);
	}
	for (;;) {
		if ((uint64_t)off + 4 > zi->size) {
			return charon_errf(err, -EINVAL,
					   "zImage: %s: tag table from 0x%x runs past the zImage end 0x%x without an end tag",
					   name, zi->table_off, zi->size);
		}
		words = charon_get32(buf + off, CHARON_LE);
		if (words == 0) {
			break;
		}
		if (words < 2) {
			return charon_errf(err, -EINVAL,
					   "zImage: %s: tag at 0x%x has size %u word, less than its 2-word header",
					   name, off, words);
		}
		if ((uint64_t)off + 4ull * words > zi->size) {
			return charon_errf(err, -EINVAL,
					   "zImage: %s: tag at 0x%x (%u words) runs past the zImage end 0x%x",
					   name, off, words, zi->size);
		}
		id = charon_get32(buf + off + 4, CHARON_LE);
		if (id == CHARON_ZIMAGE_TAG_KLSZ && !zi->has_klsz) {
			zi->has_klsz = true;
			zi->klsz_off = off;
			zi->klsz_words = words;
		}
		off += 4 * words;
	}
	if (zi->has_klsz) {
		return parse_klsz(name, buf, zi, zi->klsz_words - 2, err);
	}
	return 0;
}

/* bytes after _edata: an appended DTB or junk, never loaded */
static void parse_appended(const char *name, const uint8_t *buf, size_t len,
			   struct charon_zimage *zi)
{
	const uint8_t *p = buf + zi->size;

	zi->appended = (uint32_t)(len - zi->size);
	if (!zi->appended) {
		return;
	}
	if (zi->appended >= 8 &&
	    charon_get32(p, CHARON_BE) == FDT_MAGIC_BE) {
		zi->appended_dtb = true;
		zi->appended_dtb_size = charon_get32(p + 4, CHARON_BE);
		charon_warnf("zImage: %s: a device tree (totalsize 0x%x) is appended at 0x%x, after _edata; stripped (0x%x bytes): the stub hands over its own",
			     name, zi->appended_dtb_size, zi->size,
			     zi->appended);
		return;
	}
	charon_warnf("zImage: %s: 0x%x bytes after _edata (end at 0x2c is 0x%x) are not part of the zImage; not loaded",
		     name, zi->appended, zi->end);
}

/* the values placement uses: the table's, or documented bounds */
static void derive(const char *name, struct charon_zimage *zi)
{
	if (!zi->run_exact) {
		zi->run_size = (uint64_t)zi->size + CHARON_ZIMAGE_RUN_MARGIN;
	}
	zi->code_bound = zi->has_table ? zi->table_off : zi->size;
	zi->malloc_used = zi->malloc_size ? zi->malloc_size :
			  CHARON_ZIMAGE_MALLOC_DEFAULT;
	if (zi->has_sizes) {
		zi->out_size = zi->inflated;
		zi->kernel_size = (uint64_t)zi->inflated + zi->bss;
	} else {
		zi->out_size = (uint64_t)zi->size *
			       CHARON_ZIMAGE_NO_TABLE_RATIO;
		zi->kernel_size = zi->out_size;
		charon_warnf("zImage: %s: no kernel size table (KLSZ tag; kernels before 4.15): assuming the decompressed kernel and its bss fit in %u x the zImage = 0x%llx bytes and any TEXT_OFFSET from 0x%x to 0x%x; a kernel that decompresses further will overwrite the initrd or DTB",
			     name, CHARON_ZIMAGE_NO_TABLE_RATIO,
			     (ull)zi->out_size, CHARON_ZIMAGE_TEXT_OFFSET_MIN,
			     CHARON_ZIMAGE_TEXT_OFFSET_MAX);
	}
	if (zi->text_offset) {
		zi->text_lo = zi->text_offset;
		zi->text_hi = zi->text_offset;
	} else {
		zi->text_lo = CHARON_ZIMAGE_TEXT_OFFSET_MIN;
		zi->text_hi = CHARON_ZIMAGE_TEXT_OFFSET_MAX;
		if (zi->has_sizes) {
			charon_warnf("zImage: %s: the size table (KLSZ tag at 0x%x, %u words) has no TEXT_OFFSET: assuming any from 0x%x to 0x%x",
				     name, zi->klsz_off, zi->klsz_words,
				     CHARON_ZIMAGE_TEXT_OFFSET_MIN,
				     CHARON_ZIMAGE_TEXT_OFFSET_MAX);
		}
	}
}

/**
 * charon_zimage_parse() - read and check a zImage
 * @name: file name, for messages
 * @buf: the file
 * @len: its length
 * @zi: filled with the header, the size table and the values placement
 *	uses; @zi->data is not touched
 * @err: error message on failure
 *
 * Refuses a bad or byte-swapped (big-endian) magic, a bad endianness
 * flag, end < start, a start other than 0, an end beyond the file, a tag
 * table or tag outside the zImage, a KLSZ size offset outside it, a zero
 * or absurd decompressed size and a malformed TEXT_OFFSET or MALLOC_SIZE.
 * Warns (and carries on with the bounds in the file comment) about a
 * missing size table or TEXT_OFFSET, and about bytes after _edata (an
 * appended DTB), which are not loaded.
 *
 * Return: 0 or -EINVAL.
 */
int charon_zimage_parse(const char *name, const uint8_t *buf, size_t len,
			struct charon_zimage *zi, struct charon_err *err)
{
	uint8_t *data = zi->data;
	int rc;

	memset(zi, 0, sizeof(*zi));
	zi->data = data;
	rc = parse_header(name, buf, len, zi, err);
	if (rc) {
		return rc;
	}
	parse_pe(name, buf, zi);
	rc = parse_table(name, buf, zi, err);
	if (rc) {
		return rc;
	}
	parse_appended(name, buf, len, zi);
	derive(name, zi);
	zi->file_len = len;
	return 0;
}

/**
 * charon_zimage_load() - read and check a zImage file
 * @path: the file
 * @zi: filled as by charon_zimage_parse(); @zi->data holds the zImage
 *	proper and one zero word after _edata (so the decompressor finds no
 *	stale DTB magic there), @zi->len bytes; free with
 *	charon_zimage_free()
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_zimage_load(const char *path, struct charon_zimage *zi,
		       struct charon_err *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(zi, 0, sizeof(*zi));
	rc = charon_read_input("zImage", path, CHARON_FILE_MAX, &buf, &len,
			       err);
	if (rc) {
		return rc;
	}
	rc = charon_zimage_parse(path, buf, len, zi, err);
	if (!rc) {
		zi->len = (size_t)zi->size + 4;
		zi->data = calloc(1, zi->len);
		if (!zi->data) {
			rc = charon_errf(err, -ENOMEM, "zImage: %s: out of memory",
					 path);
		} else {
			memcpy(zi->data, buf, zi->size);
		}
	}
	free(buf);
	return rc;
}

/**
 * charon_zimage_free() - release what charon_zimage_load() took
 * @zi: the zImage
 */
void charon_zimage_free(struct charon_zimage *zi)
{
	free(zi->data);
	zi->data = NULL;
	zi->len = 0;
}

/**
 * charon_zimage_footprint() - what a zImage entered at @load overwrites
 * @zi: a parsed zImage
 * @load: its load (and entry) address
 * @fp: the footprint: the decompressed kernel's place, the page tables
 *	below it, the decompressor in place and (when it may have to get
 *	out of the way first) its relocated copy; [fp->start, fp->end)
 *	covers all of them
 *
 * Pure arithmetic on the values charon_zimage_parse() derived; see the
 * file comment for the rule.  The decompressor stays in place when the
 * kernel lies at least 16 KiB above its heap, or when the decompressed
 * kernel ends below its load address; otherwise it may copy itself,
 * and the copy's end is bounded above (and, with a size table, below).
 */
void charon_zimage_footprint(const struct charon_zimage *zi, uint64_t load,
			     struct charon_zimage_fp *fp)
{
	uint64_t pg;

	memset(fp, 0, sizeof(*fp));
	fp->load = load;
	fp->base = load & ~(CHARON_ZIMAGE_WINDOW - 1);
	fp->kernel_lo = fp->base + zi->text_lo;
	fp->kernel_hi = fp->base + zi->text_hi;
	pg = (fp->kernel_lo - CHARON_ZIMAGE_PGDIR) &
	     ~(uint64_t)(CHARON_ZIMAGE_PGDIR - 1);
	fp->pgdir = min64(pg, fp->kernel_lo - CHARON_ZIMAGE_KERNEL_PGDIR);
	fp->out_end = fp->kernel_hi + zi->out_size;
	fp->kernel_end = fp->kernel_hi + zi->kernel_size;
	fp->run_end = load + zi->run_size + zi->malloc_used;
	fp->relocates = !(fp->kernel_lo >= fp->run_end + CHARON_ZIMAGE_PGDIR ||
			  fp->out_end <= load);
	if (fp->relocates) {
		fp->reloc_end = fp->out_end + zi->code_bound + RELOC_SLACK +
				zi->run_size + zi->malloc_used;
		if (zi->has_sizes && zi->text_lo == zi->text_hi) {
			/* the copy starts past out_end, less the code
			 * before `restart`; its stack and heap follow */
			fp->reloc_end_min = fp->out_end + 1 - zi->code_bound +
					    zi->size + CHARON_ZIMAGE_STACK +
					    zi->malloc_used;
		}
	}
	fp->start = min64(fp->pgdir, load);
	fp->end = max64(max64(fp->kernel_end, fp->run_end), fp->reloc_end);
}

/* is a candidate footprint usable? */
static bool fits(const struct charon_zimage *zi,
		 const struct charon_zimage_fp *fp, uint64_t ram_start,
		 uint64_t ram_end, uint64_t load_min, bool may_relocate)
{
	return (may_relocate || !fp->relocates) && fp->load >= load_min &&
	       fp->load + zi->size <= fp->base + CHARON_ZIMAGE_WINDOW &&
	       fp->start >= ram_start && page_up(fp->end) <= ram_end;
}

/**
 * charon_zimage_place() - choose a load address for a zImage
 * @name: file name, for messages
 * @zi: a parsed zImage
 * @ram_start: the RAM bank the kernel will run in
 * @ram_end: its end
 * @load_min: the lowest load address allowed (e.g. past memory a
 *	back-end occupies at the start of RAM)
 * @fp: the footprint at the chosen address
 * @err: error message on failure
 *
 * The decompressor's base is the first 128 MiB boundary in the bank.  In
 * order of preference: base + 32 MiB if the decompressed kernel ends below
 * it (booting.rst's advice: no self-copy); right after the decompressed
 * kernel (no self-copy, page aligned); base + 32 MiB with a self-copy;
 * the lowest page at or above @load_min with a self-copy.  Each must keep
 * the zImage in the first 128 MiB and the whole footprint in the bank.
 *
 * Return: 0, -ERANGE for RAM that is empty or not below 4 GiB, or -ENOSPC
 * when no address works.
 */
int charon_zimage_place(const char *name, const struct charon_zimage *zi,
			uint64_t ram_start, uint64_t ram_end,
			uint64_t load_min, struct charon_zimage_fp *fp,
			struct charon_err *err)
{
	uint64_t base, cand[4];
	unsigned int i;

	if (ram_end <= ram_start || ram_end > CHARON_ZIMAGE_ADDR_LIMIT) {
		return charon_errf(err, -ERANGE,
				   "zImage: %s: RAM [0x%llx, 0x%llx) is empty or reaches past 4 GiB; an arm kernel is placed with 32-bit physical addresses",
				   name, (ull)ram_start, (ull)ram_end);
	}
	base = (ram_start + CHARON_ZIMAGE_WINDOW - 1) &
	       ~(CHARON_ZIMAGE_WINDOW - 1);
	if (base >= ram_end) {
		return charon_errf(err, -ENOSPC,
				   "zImage: %s: RAM [0x%llx, 0x%llx) holds no 128 MiB boundary for the decompressor's base",
				   name, (ull)ram_start, (ull)ram_end);
	}
	if (base != ram_start) {
		charon_warnf("zImage: %s: RAM starts at 0x%llx, not 128 MiB aligned: the kernel runs from 0x%llx and ignores the RAM below",
			     name, (ull)ram_start, (ull)base);
	}
	load_min = page_up(max64(load_min, base));
	cand[0] = base + CHARON_ZIMAGE_LOAD_OFFSET;
	cand[1] = page_up(base + zi->text_hi + zi->out_size);
	cand[2] = cand[0];
	cand[3] = load_min;
	for (i = 0; i < 4; i++) {
		charon_zimage_footprint(zi, cand[i], fp);
		if (fits(zi, fp, ram_start, ram_end, load_min, i >= 2)) {
			return 0;
		}
	}
	return charon_errf(err, -ENOSPC,
			   "zImage: %s: no load address in [0x%llx, 0x%llx) keeps the decompressor's footprint (kernel 0x%llx bytes at 0x%llx + TEXT_OFFSET 0x%llx, decompressor 0x%llx bytes) inside RAM [0x%llx, 0x%llx)",
			   name, (ull)load_min,
			   (ull)(base + CHARON_ZIMAGE_WINDOW),
			   (ull)zi->kernel_size,
			   (ull)base, (ull)zi->text_hi,
			   (ull)(zi->run_size + zi->malloc_used),
			   (ull)ram_start, (ull)ram_end);
}

/**
 * charon_zimage_kexec_fixed_end() - where kexec-tools' zImage rule puts
 *	the initrd, when the size table exists
 * @zi: a parsed zImage
 * @ram_start: the RAM bank's start
 *
 * kexec-tools loads the zImage at RAM + 0x8000, assumes the kernel
 * decompresses there (TEXT_OFFSET 0x8000) and reserves the larger of
 * kernel + bss and kernel + zImage + 0x11000 from it.  For comparison
 * only; falls back to charon_zimage_kexec_ratio_end() without sizes.
 *
 * Return: the first address that rule considers free.
 */
uint64_t charon_zimage_kexec_fixed_end(const struct charon_zimage *zi,
				       uint64_t ram_start)
{
	uint64_t k;

	if (!zi->has_sizes) {
		return charon_zimage_kexec_ratio_end(zi, ram_start);
	}
	k = max64((uint64_t)zi->inflated + zi->bss,
		  (uint64_t)zi->inflated + zi->size + KEXEC_RUN_EXTRA);
	return ram_start + KEXEC_TEXT_OFFSET + page_up(k);
}

/**
 * charon_zimage_kexec_ratio_end() - where a compression-ratio rule puts
 *	the initrd
 * @zi: a parsed zImage
 * @ram_start: the RAM bank's start
 *
 * kexec-tools without a size table: the zImage at RAM + 0x8000, and
 * (zImage + 0x11000) x 5 reserved from there ("assume the maximum kernel
 * compression ratio is 4", plus the compressed image).  For comparison
 * only.
 *
 * Return: the first address that rule considers free.
 */
uint64_t charon_zimage_kexec_ratio_end(const struct charon_zimage *zi,
				       uint64_t ram_start)
{
	return ram_start + KEXEC_TEXT_OFFSET +
	       page_up(((uint64_t)zi->size + KEXEC_RUN_EXTRA) * KEXEC_RATIO);
}
