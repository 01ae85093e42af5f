/* SPDX-License-Identifier: MIT */
/*
 * The Linux arm zImage (arch/arm/boot/compressed/head.S, vmlinux.lds.S):
 *
 *	0x24 u32 magic 0x016f2818	0x34 u32 0x45454545: a tag table
 *	0x28 u32 start (0: PIC)		0x38 u32 the tag table's offset
 *	0x2c u32 end (_edata)		0x3c u32 (EFI: PE header offset)
 *	0x30 u32 0x04030201 (endianness flag)
 *
 * All little-endian (a big-endian BE8 zImage has them byte-swapped and is
 * refused).  The tag table is ATAG-framed: u32 size in words including the
 * two-word header, u32 id, payload; size 0 ends it.  The "KLSZ" tag
 * (0x5a534c4b, Linux 4.15+) carries the decompressed kernel's sizes:
 * word 0 the zImage offset of an unaligned u32 holding the decompressed
 * size, word 1 the kernel's bss size, and in later kernels (6.1 has
 * them) word 2 TEXT_OFFSET and word 3 the decompressor's MALLOC_SIZE.
 *
 * The placement rule built on these (the decompressor's footprint) is
 * described in loader/image-arm.c and docs/arm.md.
 */
#ifndef CHARON_IMAGE_ARM_H
#define CHARON_IMAGE_ARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

#define CHARON_ZIMAGE_MAGIC_OFF		0x24
#define CHARON_ZIMAGE_MAGIC		0x016f2818u
#define CHARON_ZIMAGE_ENDIAN_FLAG	0x04030201u
#define CHARON_ZIMAGE_MAGIC2		0x45454545u
#define CHARON_ZIMAGE_TAG_KLSZ		0x5a534c4bu	/* "KLSZ" */
#define CHARON_ZIMAGE_HDR_SIZE		0x3c	/* to 0x38's word */

/* 32-bit physical addresses: everything placed lies below this */
#define CHARON_ZIMAGE_ADDR_LIMIT	((uint64_t)1 << 32)
/* the kernel goes to (the decompressor's PC & ~(128 MiB - 1)) + TEXT_OFFSET */
#define CHARON_ZIMAGE_WINDOW		((uint64_t)128 << 20)
/* booting.rst: load the zImage above 32 MiB to spare it a self-copy */
#define CHARON_ZIMAGE_LOAD_OFFSET	((uint64_t)32 << 20)
/* page tables below the kernel: the decompressor's 16 KiB (16 KiB
 * aligned), the kernel's swapper_pg_dir (20 KiB with LPAE) */
#define CHARON_ZIMAGE_PGDIR		0x4000u
#define CHARON_ZIMAGE_KERNEL_PGDIR	0x5000u
/* the decompressor's stack (head.S .stack) */
#define CHARON_ZIMAGE_STACK		0x1000u
/* MALLOC_SIZE before the size table carried it (head.S: 64 KiB) */
#define CHARON_ZIMAGE_MALLOC_DEFAULT	0x10000u
/* TEXT_OFFSET is 0x8000 + n * 64 KiB (arch/arm/kernel/head.S); the
 * largest textofs-y in mainline arch/arm/Makefile is 0x308000 (AXXIA) */
#define CHARON_ZIMAGE_TEXT_OFFSET_MIN	0x8000u
#define CHARON_ZIMAGE_TEXT_OFFSET_MAX	0x308000u
/* without a size table: decompressed kernel + bss <= this x the zImage */
#define CHARON_ZIMAGE_NO_TABLE_RATIO	8u
/* without an EFI header: the decompressor's bss + stack, at most */
#define CHARON_ZIMAGE_RUN_MARGIN	((uint64_t)1 << 20)
/* sanity limits for values read from the file */
#define CHARON_ZIMAGE_MAX_KERNEL	((uint64_t)768 << 20)
#define CHARON_ZIMAGE_MAX_MALLOC	((uint64_t)64 << 20)

struct charon_zimage {
	/* header words, as read */
	uint32_t magic;		/* 0x24 */
	uint32_t start;		/* 0x28 */
	uint32_t end;		/* 0x2c: _edata */
	uint32_t endian;	/* 0x30 */
	uint32_t magic2;	/* 0x34 */
	uint32_t table_off;	/* 0x38, meaningful when has_table */
	uint32_t size;		/* end - start: the zImage proper */

	/* EFI stub (CONFIG_EFI_STUB): "MZ" and a PE32 header */
	bool efi;
	uint32_t pe_off;	/* file offset of "PE\0\0" */
	uint32_t pe_image_size;	/* SizeOfImage: image + bss + stack */

	/* the tag table and its KLSZ tag */
	bool has_table;		/* magic2 == CHARON_ZIMAGE_MAGIC2 */
	bool has_klsz;		/* a KLSZ tag was found */
	bool has_sizes;		/* ... with both size words */
	uint32_t klsz_off;	/* file offset of the KLSZ tag */
	uint32_t klsz_words;	/* its size field, header included */
	uint32_t size_ptr;	/* word 0: offset of the decompressed size */
	uint32_t inflated;	/* the decompressed size found there */
	uint32_t bss;		/* word 1: the kernel's bss */
	uint32_t text_offset;	/* word 2, 0 when absent */
	uint32_t malloc_size;	/* word 3, 0 when absent */

	/* what placement uses: the table's values or documented bounds */
	uint64_t out_size;	/* bytes the decompressor writes */
	uint64_t kernel_size;	/* the kernel's footprint: out + bss */
	uint64_t text_lo;	/* TEXT_OFFSET, or the range it may take */
	uint64_t text_hi;
	uint64_t malloc_used;	/* the decompressor's heap */
	uint64_t run_size;	/* image + bss + stack */
	bool run_exact;		/* run_size from SizeOfImage */
	uint64_t code_bound;	/* head.S code lies below this offset */

	/* bytes after _edata in the file (not loaded) */
	uint32_t appended;
	bool appended_dtb;
	uint32_t appended_dtb_size;	/* the DTB's totalsize */

	/* the bytes to load: the zImage proper and one zero word (owned) */
	uint8_t *data;
	size_t len;
	size_t file_len;
};

/*
 * Where the decompressor and the kernel it unpacks write, for a zImage
 * loaded (and entered) at @load.  docs/arm.md explains each term.
 */
struct charon_zimage_fp {
	uint64_t load;		/* zImage load address = entry */
	uint64_t base;		/* load & ~(128 MiB - 1): PHYS_OFFSET */
	uint64_t kernel_lo;	/* base + TEXT_OFFSET (range if unknown) */
	uint64_t kernel_hi;
	uint64_t pgdir;		/* lowest page table byte */
	uint64_t out_end;	/* kernel_hi + decompressed size */
	uint64_t kernel_end;	/* kernel_hi + decompressed size + bss */
	uint64_t run_end;	/* load + run_size + malloc: run in place */
	bool relocates;		/* may copy itself past out_end */
	uint64_t reloc_end;	/* the copy's run-time end, at most */
	uint64_t reloc_end_min;	/* ... at least (0 when sizes unknown) */
	uint64_t start;		/* the footprint [start, end) */
	uint64_t end;
};

bool charon_zimage_detect(const uint8_t *buf, size_t len);
int charon_zimage_parse(const char *name, const uint8_t *buf, size_t len,
			struct charon_zimage *zi, struct charon_err *err);
int charon_zimage_load(const char *path, struct charon_zimage *zi,
		       struct charon_err *err);
void charon_zimage_free(struct charon_zimage *zi);

void charon_zimage_footprint(const struct charon_zimage *zi, uint64_t load,
			     struct charon_zimage_fp *fp);
int charon_zimage_place(const char *name, const struct charon_zimage *zi,
			uint64_t ram_start, uint64_t ram_end,
			uint64_t load_min, struct charon_zimage_fp *fp,
			struct charon_err *err);
uint64_t charon_zimage_kexec_fixed_end(const struct charon_zimage *zi,
				       uint64_t ram_start);
uint64_t charon_zimage_kexec_ratio_end(const struct charon_zimage *zi,
				       uint64_t ram_start);

#endif /* CHARON_IMAGE_ARM_H */
