// SPDX-License-Identifier: MIT
/*
 * charon inspect for an arm zImage: its header, size table and where its
 * decompressor writes for a RAM range, and how other loaders' rules
 * compare (docs/arm.md).
 */
#include <stdio.h>

#include <charon/image-arm.h>
#include <charon/inspect.h>

typedef unsigned long long ull;

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* how a rule's first free address compares with the real footprint */
static void verdict(const struct charon_zimage *zi,
		    const struct charon_zimage_fp *kx, uint64_t sure,
		    uint64_t rule, FILE *f)
{
	if (zi->has_sizes && rule < sure) {
		fprintf(f, "inside the footprint by at least 0x%llx bytes\n",
			(ull)(sure - rule));
	} else if (rule < kx->end) {
		fprintf(f, "may be inside the footprint (up to 0x%llx bytes)\n",
			(ull)(kx->end - rule));
	} else {
		fprintf(f, "clear of the footprint\n");
	}
}

/* the decompressor runs with the MMU off: 32-bit physical addresses */
#define ZIMAGE_RAM_END	((uint64_t)1 << 32)

/* the placement part of charon_print_zimage() */
static void print_zimage_place(const char *name,
			       const struct charon_zimage *zi,
			       uint64_t ram_base, uint64_t ram_size, FILE *f)
{
	struct charon_zimage_fp fp, kx;
	struct charon_err err = { "" };
	uint64_t sure, rule;

	fprintf(f, "placement in RAM [0x%llx, 0x%llx):\n", (ull)ram_base,
		(ull)(ram_base + ram_size));
	if (ram_base + ram_size > ZIMAGE_RAM_END) {
		fprintf(f, "  none: that RAM reaches past 4 GiB; the zImage and its decompressor use 32-bit physical addresses\n");
		return;
	}
	if (charon_zimage_place(name, zi, ram_base, ram_base + ram_size,
				ram_base, &fp, &err)) {
		fprintf(f, "  none: %s\n", err.msg);
		return;
	}
	fprintf(f, "  load, entry   0x%llx (%s)\n", (ull)fp.load,
		fp.relocates ? "the decompressor copies itself past the kernel" :
		"the decompressor runs in place");
	fprintf(f, "  base          0x%llx (load address & ~(128 MiB - 1))\n",
		(ull)fp.base);
	fprintf(f, "  page tables   from 0x%llx\n", (ull)fp.pgdir);
	fprintf(f, "  kernel        [0x%llx, 0x%llx)\n", (ull)fp.kernel_lo,
		(ull)fp.kernel_end);
	fprintf(f, "  decompressor  [0x%llx, 0x%llx)\n", (ull)fp.load,
		(ull)fp.run_end);
	if (fp.relocates) {
		fprintf(f, "  its copy      up to 0x%llx\n", (ull)fp.reloc_end);
	}
	fprintf(f, "  footprint     [0x%llx, 0x%llx): initrd and DTB from 0x%llx\n",
		(ull)fp.start, (ull)fp.end,
		(ull)((fp.end + 4095) & ~4095ull));

	charon_zimage_footprint(zi, ram_base + 0x8000, &kx);
	sure = max64(kx.base + zi->text_lo + zi->kernel_size,
		     kx.reloc_end_min);
	fprintf(f, "other rules, the zImage at 0x%llx as kexec-tools loads it:\n",
		(ull)kx.load);
	fprintf(f, "  footprint     [0x%llx, 0x%llx)%s\n", (ull)kx.start,
		(ull)kx.end,
		kx.relocates ? ", the decompressor copying itself" : "");
	if (zi->has_sizes) {
		rule = charon_zimage_kexec_fixed_end(zi, ram_base);
		fprintf(f, "  kexec-tools, size table, TEXT_OFFSET 0x8000 assumed: initrd at 0x%llx, ",
			(ull)rule);
		verdict(zi, &kx, sure, rule, f);
	}
	rule = charon_zimage_kexec_ratio_end(zi, ram_base);
	fprintf(f, "  kexec-tools, compression ratio 4: initrd at 0x%llx, ",
		(ull)rule);
	verdict(zi, &kx, sure, rule, f);
}

/**
 * charon_print_zimage() - describe an arm zImage and its footprint
 * @name: file name
 * @zi: the parsed zImage
 * @ram_base: RAM the footprint is computed for
 * @ram_size: its size
 * @f: where to
 *
 * The header, the EFI header, the tag table and KLSZ values, what is
 * appended, the values placement uses (bounds where the file is silent),
 * the placement charon_zimage_place() picks in that RAM and the footprint
 * there, and where kexec-tools' two rules would put the initrd.
 */
void charon_print_zimage(const char *name, const struct charon_zimage *zi,
			 uint64_t ram_base, uint64_t ram_size, FILE *f)
{
	fprintf(f, "%s: arm zImage, %zu bytes%s\n", name, zi->file_len,
		zi->efi ? " (with an EFI stub)" : "");
	fprintf(f, "  magic         0x%08x\n", zi->magic);
	fprintf(f, "  start         0x%x\n", zi->start);
	fprintf(f, "  end           0x%x (_edata: the zImage proper)\n",
		zi->end);
	fprintf(f, "  endianness    0x%08x (little-endian)\n", zi->endian);
	if (zi->has_table) {
		fprintf(f, "  tag table     at 0x%x\n", zi->table_off);
	} else {
		fprintf(f, "  tag table     none (0x%08x at 0x34)\n", zi->magic2);
	}
	if (zi->has_klsz) {
		fprintf(f, "  KLSZ tag      at 0x%x, %u words\n", zi->klsz_off,
			zi->klsz_words);
	}
	if (zi->has_sizes) {
		fprintf(f, "    decompressed size 0x%x (u32 at 0x%x)\n",
			zi->inflated, zi->size_ptr);
		fprintf(f, "    bss         0x%x\n", zi->bss);
		if (zi->klsz_words >= 5) {
			fprintf(f, "    TEXT_OFFSET 0x%x\n", zi->text_offset);
		}
		if (zi->klsz_words >= 6) {
			fprintf(f, "    MALLOC_SIZE 0x%x\n", zi->malloc_size);
		}
	}
	if (zi->efi) {
		fprintf(f, "  EFI header    PE at 0x%x, SizeOfImage 0x%x\n",
			zi->pe_off, zi->pe_image_size);
	}
	if (zi->appended_dtb) {
		fprintf(f, "  appended      a device tree, totalsize 0x%x (0x%x bytes; not loaded)\n",
			zi->appended_dtb_size, zi->appended);
	} else if (zi->appended) {
		fprintf(f, "  appended      0x%x bytes (not loaded)\n",
			zi->appended);
	}
	fprintf(f, "used for placement:\n");
	fprintf(f, "  kernel        0x%llx decompressed + 0x%llx bss%s\n",
		(ull)zi->out_size, (ull)(zi->kernel_size - zi->out_size),
		zi->has_sizes ? "" : " (no size table: 8x the zImage, both)");
	if (zi->text_lo == zi->text_hi) {
		fprintf(f, "  TEXT_OFFSET   0x%llx\n", (ull)zi->text_lo);
	} else {
		fprintf(f, "  TEXT_OFFSET   0x%llx..0x%llx (not in the file)\n",
			(ull)zi->text_lo, (ull)zi->text_hi);
	}
	fprintf(f, "  decompressor  0x%llx image + bss + stack%s, heap 0x%llx%s\n",
		(ull)zi->run_size,
		zi->run_exact ? " (SizeOfImage)" : " (image + 1 MiB)",
		(ull)zi->malloc_used,
		zi->malloc_size ? "" : " (64 KiB: not in the file)");
	print_zimage_place(name, zi, ram_base, ram_size, f);
}

