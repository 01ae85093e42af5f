// SPDX-License-Identifier: MIT
/*
 * charon inspect: show a stub's header and parameters, an arm64 Image's
 * header, an arm zImage's header, size table and decompression
 * footprint, an x86 bzImage's setup header, or what the loader reads
 * from a ppc64 vmlinux ELF.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>
#include <charon/bytes.h>
#include <charon/digest.h>
#include <charon/file.h>
#include <charon/gzip.h>
#include <charon/inspect.h>
#include <charon/util.h>

typedef unsigned long long ull;

static const char *ok(bool good)
{
	return good ? "" : "  <-- unexpected";
}

/* next.arch.raw[] of an x86_64 block */
static void print_x86_arch(const struct charon_params *p, FILE *f)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t mode = a[CHARON_X86_ENTRY_MODE];

	fprintf(f, "  next.arch     entry mode %llu (%s), exit port 0x%llx%s\n",
		(ull)mode,
		mode == CHARON_X86_ENTRY_64 ? "64-bit boot protocol" :
		mode == CHARON_X86_ENTRY_32 ? "32-bit boot protocol" :
		"unknown",
		(ull)a[CHARON_X86_EXIT_PORT],
		a[CHARON_X86_EXIT_PORT] ? "" : " (0xf4)");
	if (a[CHARON_X86_BACKUP_LEN]) {
		fprintf(f, "                kdump backup src 0x%llx dst 0x%llx len 0x%llx\n",
			(ull)a[CHARON_X86_BACKUP_SRC],
			(ull)a[CHARON_X86_BACKUP_DST],
			(ull)a[CHARON_X86_BACKUP_LEN]);
	} else {
		fprintf(f, "                kdump backup none\n");
	}
}

/* next.arch.raw[] of a ppc64 block */
static void print_ppc64_arch(const struct charon_params *p, FILE *f)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t fl = a[CHARON_PPC64_FLAGS];

	fprintf(f, "  next.arch     OPAL base 0x%llx entry 0x%llx%s\n",
		(ull)a[CHARON_PPC64_OPAL_BASE], (ull)a[CHARON_PPC64_OPAL_ENTRY],
		a[CHARON_PPC64_OPAL_ENTRY] ? "" :
		" (0: r8/r9 from firmware)");
	fprintf(f, "                flags 0x%llx (kernel %s-endian%s)%s\n",
		(ull)fl, fl & CHARON_PPC64_F_KERNEL_LE ? "little" : "big",
		fl & CHARON_PPC64_F_RUN_AT_LOAD ? ", run at load" : "",
		ok(!(fl & ~(uint64_t)(CHARON_PPC64_F_KERNEL_LE |
				      CHARON_PPC64_F_RUN_AT_LOAD))));
}

static void print_params(const struct charon_stub *stub,
			 const struct charon_params *p, FILE *f)
{
	char hex[CHARON_DIGEST_HEX_LEN], label[4 * CHARON_LABEL_LEN + 1];
	unsigned int i, n;

	fprintf(f, "parameter block at 0x%x:\n", stub->hdr.params_offset);
	fprintf(f, "  magic         0x%08x%s\n", p->magic,
		ok(p->magic == CHARON_PARAMS_MAGIC));
	fprintf(f, "  version       %u%s\n", p->version,
		ok(p->version == CHARON_ABI_VERSION));
	fprintf(f, "  size          0x%x%s\n", p->size,
		ok(p->size == sizeof(struct charon_params)));
	fprintf(f, "  flags         0x%x%s\n", p->flags,
		p->flags & CHARON_F_VERBOSE ? " (verbose)" : "");
	fprintf(f, "  fail_policy   %u (%s)\n", p->fail_policy,
		charon_fail_policy_name(p->fail_policy));
	fprintf(f, "  console       %s, base 0x%llx, reg_shift %u\n",
		charon_console_kind_name(p->console.kind),
		(ull)p->console.base, p->console.reg_shift);
	fprintf(f, "  next.entry    0x%llx\n", (ull)p->next.entry);
	fprintf(f, "  next.regs     0x%llx 0x%llx 0x%llx 0x%llx\n",
		(ull)p->next.regs[0], (ull)p->next.regs[1],
		(ull)p->next.regs[2], (ull)p->next.regs[3]);
	if (stub->arch->arch == CHARON_ARCH_ARM64) {
		fprintf(f, "  next.arch     psci %llu (%s)\n",
			(ull)p->next.arch.raw[CHARON_ARM64_PSCI],
			charon_psci_name(p->next.arch.raw[CHARON_ARM64_PSCI]));
	}
	if (stub->arch->arch == CHARON_ARCH_ARM) {
		fprintf(f, "  next.arch     psci %llu (%s)\n",
			(ull)p->next.arch.raw[CHARON_ARM_PSCI],
			charon_psci_name(p->next.arch.raw[CHARON_ARM_PSCI]));
	}
	if (stub->arch->arch == CHARON_ARCH_X86_64) {
		print_x86_arch(p, f);
	}
	if (stub->arch->arch == CHARON_ARCH_PPC64LE ||
	    stub->arch->arch == CHARON_ARCH_PPC64) {
		print_ppc64_arch(p, f);
	}
	fprintf(f, "  nr_regions    %u%s\n", p->nr_regions,
		ok(p->nr_regions <= CHARON_MAX_REGIONS));
	n = p->nr_regions < CHARON_MAX_REGIONS ? p->nr_regions :
	    CHARON_MAX_REGIONS;
	for (i = 0; i < n; i++) {
		const struct charon_region *r = &p->regions[i];

		charon_printable(label, sizeof(label), r->label,
				 CHARON_LABEL_LEN);
		charon_hex(r->sha256, CHARON_DIGEST_LEN, hex);
		fprintf(f, "  region %-2u     %-8s start 0x%llx len 0x%llx%s\n",
			i, label, (ull)r->start, (ull)r->len,
			r->start + r->len < r->start ? " (wraps)" : "");
		fprintf(f, "                sha256 %s\n", hex);
	}
	fprintf(f, "  nr_copies     %u%s\n", p->nr_copies,
		ok(p->nr_copies <= CHARON_MAX_COPIES));
	n = p->nr_copies < CHARON_MAX_COPIES ? p->nr_copies :
	    CHARON_MAX_COPIES;
	for (i = 0; i < n; i++) {
		fprintf(f, "  copy %-2u       src_offset 0x%llx dst 0x%llx len 0x%llx\n",
			i, (ull)p->copies[i].src_offset,
			(ull)p->copies[i].dst, (ull)p->copies[i].len);
	}
}

/**
 * charon_print_stub() - describe a stub image: header and parameter block
 * @stub: a stub opened with charon_stub_open()
 * @f: where to
 */
void charon_print_stub(const struct charon_stub *stub, FILE *f)
{
	const struct charon_image_header *h = &stub->hdr;
	struct charon_params p;

	fprintf(f, "%s: charon stub image, %s, %zu bytes\n", stub->name,
		stub->arch->name, stub->len);
	fprintf(f, "image header at 0x%zx:\n", stub->arch->hdr_off);
	fprintf(f, "  magic         0x%08x\n", h->magic);
	fprintf(f, "  abi_version   %u\n", h->abi_version);
	fprintf(f, "  arch          %u (%s)\n", h->arch,
		charon_arch_name(h->arch));
	fprintf(f, "  header_size   0x%x\n", h->header_size);
	fprintf(f, "  params_offset 0x%x\n", h->params_offset);
	fprintf(f, "  params_size   0x%x\n", h->params_size);
	fprintf(f, "  file_size     0x%x\n", h->file_size);
	fprintf(f, "  mem_size      0x%x\n", h->mem_size);
	fprintf(f, "  entry_offset  0x%x\n", h->entry_offset);
	fprintf(f, "  entry2_offset 0x%x\n", h->entry2_offset);
	fprintf(f, "  load_align    0x%x\n", h->load_align);
	if (charon_stub_params_empty(stub)) {
		fprintf(f, "parameter block at 0x%x: empty (as built)\n",
			h->params_offset);
		return;
	}
	charon_stub_read_params(stub, &p);
	print_params(stub, &p, f);
}

/**
 * charon_print_arm64_image() - describe an arm64 Image header
 * @name: file name
 * @img: the parsed image
 * @f: where to
 */
void charon_print_arm64_image(const char *name,
			      const struct charon_arm64_image *img, FILE *f)
{
	fprintf(f, "%s: arm64 Image", name);
	if (img->inflated) {
		fprintf(f, ", gzip-compressed (%zu bytes, %zu inflated)\n",
			img->file_len, img->len);
	} else {
		fprintf(f, ", %zu bytes\n", img->len);
	}
	fprintf(f, "  code0         0x%08x\n", img->code0);
	fprintf(f, "  code1         0x%08x\n", img->code1);
	fprintf(f, "  text_offset   0x%llx%s\n", (ull)img->text_offset,
		img->old ? " (assumed: image_size is 0)" : "");
	fprintf(f, "  image_size    0x%llx%s\n", (ull)img->image_size,
		img->old ? " (kernel older than 3.17)" : "");
	fprintf(f, "  flags         0x%llx\n", (ull)img->flags);
	fprintf(f, "    endianness  little\n");
	if (img->page_size) {
		fprintf(f, "    page size   %u KiB\n", img->page_size >> 10);
	} else {
		fprintf(f, "    page size   unspecified\n");
	}
	fprintf(f, "    placement   %s\n", img->anywhere ?
		"2 MiB aligned base anywhere in RAM" :
		"2 MiB aligned base as close as possible to the start of DRAM");
	fprintf(f, "  footprint     0x%llx bytes from the load address\n",
		(ull)img->mem_size);
}

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

static void print_flags(const char *name, unsigned int v,
			const char *const *bits, unsigned int nr, FILE *f)
{
	unsigned int i;
	bool any = false;

	fprintf(f, "  %-13s 0x%x", name, v);
	for (i = 0; i < nr; i++) {
		if (bits[i] && (v & (1u << i))) {
			fprintf(f, "%s%s", any ? " " : " (", bits[i]);
			any = true;
		}
	}
	fprintf(f, "%s\n", any ? ")" : "");
}

/**
 * charon_print_x86_image() - describe an x86 bzImage's setup header
 * @name: file name
 * @img: the parsed image
 * @f: where to
 *
 * The protocol version, the fields a loader uses (boot.rst), flags
 * decoded, and what charon loads: the protected-mode code and the
 * init_size footprint from its load address.
 */
void charon_print_x86_image(const char *name,
			    const struct charon_x86_image *img, FILE *f)
{
	static const char *const lf[8] = {
		"LOADED_HIGH", "KASLR_FLAG", NULL, NULL, NULL, "QUIET_FLAG",
		"KEEP_SEGMENTS", "CAN_USE_HEAP",
	};
	static const char *const xlf[7] = {
		"KERNEL_64", "CAN_BE_LOADED_ABOVE_4G", "EFI_HANDOVER_32",
		"EFI_HANDOVER_64", "EFI_KEXEC", "5LEVEL", "5LEVEL_ENABLED",
	};

	fprintf(f, "%s: x86 bzImage, %zu bytes, boot protocol %u.%02u\n",
		name, img->len, img->version >> 8, img->version & 0xff);
	if (img->version_str[0]) {
		fprintf(f, "  kernel        %s\n", img->version_str);
	}
	fprintf(f, "  setup_sects   %u (setup 0x%zx bytes)\n",
		img->setup_sects, img->setup_size);
	fprintf(f, "  syssize       0x%x (0x%llx bytes)\n", img->syssize,
		(ull)img->syssize * 16);
	print_flags("loadflags", img->loadflags, lf, 8, f);
	print_flags("xloadflags", img->xloadflags, xlf, 7, f);
	fprintf(f, "  code32_start  0x%x\n", img->code32_start);
	fprintf(f, "  pref_address  0x%llx\n", (ull)img->pref_address);
	fprintf(f, "  kernel_alignment 0x%x, min_alignment %u%s\n",
		img->kernel_alignment, img->min_alignment,
		img->relocatable_kernel ? ", relocatable" :
		", not relocatable");
	fprintf(f, "  init_size     0x%x\n", img->init_size);
	fprintf(f, "  initrd_addr_max 0x%x\n", img->initrd_addr_max);
	fprintf(f, "  cmdline_size  0x%x\n", img->cmdline_size);
	fprintf(f, "  payload       offset 0x%x, length 0x%x\n",
		img->payload_offset, img->payload_length);
	fprintf(f, "  handover_offset 0x%x\n", img->handover_offset);
	if (img->version >= 0x020f) {
		fprintf(f, "  kernel_info_offset 0x%x\n",
			img->kernel_info_offset);
	}
	fprintf(f, "loaded by charon: the protected-mode code, file offset 0x%zx, 0x%zx bytes; footprint 0x%llx bytes (init_size) from the load address\n",
		img->setup_size, img->pm_size, (ull)img->mem_size);
	fprintf(f, "  entry         64-bit: load address + 0x%x; 32-bit: the load address (code32_start)\n",
		CHARON_X86_ENTRY64_OFFSET);
}

/**
 * charon_print_ppc64_image() - describe a ppc64 vmlinux ELF
 * @name: file name
 * @img: the parsed image
 * @f: where to
 */
void charon_print_ppc64_image(const char *name,
			      const struct charon_ppc64_image *img, FILE *f)
{
	unsigned int i;

	fprintf(f, "%s: ppc64 vmlinux ELF, %s-endian, %s, %s\n", name,
		img->endian == CHARON_LE ? "little" : "big",
		img->abi == 1 ? "ELFv1" : img->abi == 2 ? "ELFv2" :
		"no ABI in e_flags", img->type == ET_EXEC ? "ET_EXEC" :
		"ET_DYN");
	fprintf(f, "  entry         0x%llx (image offset 0x%llx)\n",
		(ull)img->entry, (ull)(img->entry - img->vaddr));
	fprintf(f, "  vaddr         0x%llx, paddr 0x%llx, align 0x%llx\n",
		(ull)img->vaddr, (ull)img->paddr, (ull)img->align);
	for (i = 0; i < img->nr_load; i++) {
		fprintf(f, "  PT_LOAD %-2u    offset 0x%llx at +0x%llx filesz 0x%llx memsz 0x%llx\n",
			i, (ull)img->load[i].offset, (ull)img->load[i].at,
			(ull)img->load[i].filesz, (ull)img->load[i].memsz);
	}
	fprintf(f, "  memsz         0x%llx (the image from vaddr)\n",
		(ull)img->mem_size);
	fprintf(f, "  run0          %s\n", img->run0 ?
		"yes: \"run0\" at 0x5c, it can run at its load address" :
		"no: it cannot run at its load address");
	fprintf(f, "  relocatable   %s", img->relocatable ? "yes" : "no");
	if (img->relocatable) {
		fprintf(f, ", %zu .rela.dyn entries%s", img->nr_rela,
			img->self_relocating ?
			", relocates itself (`relocate`)" : "");
	}
	fputc('\n', f);
	if (img->sym_end_interrupts != CHARON_PPC64_NO_SYM) {
		fprintf(f, "  __end_interrupts +0x%llx\n",
			(ull)img->sym_end_interrupts);
	}
	fprintf(f, "  symbols       %s\n", img->has_symtab ? ".symtab" :
		"none (stripped)");
}

/* a ppc64 vmlinux: ELF64 and EM_PPC64, either byte order */
static bool is_ppc64_elf(const uint8_t *buf, size_t len)
{
	enum charon_endian e;

	if (len < sizeof(Elf64_Ehdr) || memcmp(buf, ELFMAG, SELFMAG) ||
	    buf[EI_CLASS] != ELFCLASS64) {
		return false;
	}
	e = buf[EI_DATA] == ELFDATA2MSB ? CHARON_BE : CHARON_LE;
	return charon_get16(buf + offsetof(Elf64_Ehdr, e_machine), e) ==
	       EM_PPC64;
}

/* an arm stub carries zImage header words so bootz and QEMU start it */
static void print_stub_zimage(const uint8_t *buf, size_t len, FILE *f)
{
	uint32_t magic = charon_get32(buf + 0x24, CHARON_LE);
	uint32_t start = charon_get32(buf + 0x28, CHARON_LE);
	uint32_t end = charon_get32(buf + 0x2c, CHARON_LE);
	uint32_t endian = charon_get32(buf + 0x30, CHARON_LE);
	bool good = magic == CHARON_ZIMAGE_MAGIC && start == 0 &&
		    end <= len && endian == CHARON_ZIMAGE_ENDIAN_FLAG;

	fprintf(f, "zImage header: magic 0x%08x, start 0x%x, end 0x%x, endianness 0x%08x%s\n",
		magic, start, end, endian,
		good ? "" :
		" (not valid: bootz and other zImage loaders will not start this stub)");
}

/**
 * charon_inspect() - describe a file: a charon stub, an arm64 Image, an
 *	arm zImage or an x86 bzImage
 * @path: the file
 * @o: the RAM a zImage's footprint is shown for
 * @f: where to
 * @err: error message when the file is none of them (or damaged)
 *
 * Return: 0 or a negative errno code.
 */
int charon_inspect(const char *path, const struct charon_inspect_opts *o,
		   FILE *f, struct charon_err *err)
{
	struct charon_arm64_image img;
	struct charon_x86_image x86;
	struct charon_ppc64_image ppc;
	struct charon_zimage zi;
	struct charon_stub stub;
	uint8_t *buf;
	size_t len;
	int rc;

	rc = charon_read_file(path, CHARON_FILE_MAX, &buf, &len, err);
	if (rc) {
		charon_err_prefix(err, "inspect: ");
		return rc;
	}
	if (charon_stub_detect(buf, len)) {
		rc = charon_stub_open(path, buf, len, 0, &stub, err);
		if (!rc) {
			charon_print_stub(&stub, f);
			charon_stub_free(&stub);
		}
		if (!rc && stub.arch->arch == CHARON_ARCH_ARM64) {
			if (charon_arm64_image_parse(path, buf, len, &img,
						     NULL) == 0) {
				fprintf(f, "arm64 Image header: text_offset 0x%llx, image_size 0x%llx, flags 0x%llx\n",
					(ull)img.text_offset,
					(ull)img.image_size, (ull)img.flags);
			} else {
				fprintf(f, "arm64 Image header: not valid (QEMU -kernel and booti will not start this stub)\n");
			}
		}
		if (!rc && stub.arch->arch == CHARON_ARCH_ARM) {
			print_stub_zimage(buf, len, f);
		}
		if (!rc && stub.arch->arch == CHARON_ARCH_X86_64) {
			fprintf(f, "PVH entry at 0x%x: QEMU's -kernel starts the stub wrapped in an ELF with a Xen PVH note (charon qemu writes it as stub.elf)\n",
				stub.hdr.entry2_offset);
		}
		if (!rc && (stub.arch->arch == CHARON_ARCH_PPC64LE ||
			    stub.arch->arch == CHARON_ARCH_PPC64)) {
			fprintf(f, "entry block [0, 0x100): word 0 the stub's branch, 0x4..0xff for the next kernel's own bytes (\"run0\" at 0x5c: 0x%08x); firmware entry at 0x%x: skiboot starts the stub wrapped in an ELF at 0x20000000 + p_offset (charon qemu writes it as stub.elf)\n",
				charon_get32(buf + CHARON_PPC64_RUN_AT_LOAD,
					     stub.arch->endian),
				stub.hdr.entry2_offset);
		}
		free(buf);
		return rc;
	}
	if (is_ppc64_elf(buf, len)) {
		rc = charon_ppc64_image_parse(path, buf, len, &ppc, err);
		if (!rc) {
			charon_print_ppc64_image(path, &ppc, f);
			charon_ppc64_image_free(&ppc);
		}
		free(buf);
		return rc;
	}
	if (charon_zimage_detect(buf, len)) {
		memset(&zi, 0, sizeof(zi));
		rc = charon_zimage_parse(path, buf, len, &zi, err);
		if (!rc) {
			charon_print_zimage(path, &zi, o->ram_base,
					    o->ram_size, f);
		}
		free(buf);
		return rc;
	}
	if (len >= CHARON_X86_HDR_MIN_END &&
	    charon_get16(buf + CHARON_X86_BOOT_FLAG, CHARON_LE) ==
	    CHARON_X86_BOOT_FLAG_MAGIC &&
	    charon_get32(buf + CHARON_X86_HEADER, CHARON_LE) ==
	    CHARON_X86_HDRS_MAGIC) {
		rc = charon_x86_image_open(path, buf, len, &x86, err);
		if (!rc) {
			charon_print_x86_image(path, &x86, f);
			charon_x86_image_free(&x86);
		}
		free(buf);
		return rc;
	}
	if (charon_is_gzip(buf, len) ||
	    (len >= CHARON_ARM64_IMAGE_HDR_SIZE &&
	     charon_get32(buf + CHARON_ARM64_IMAGE_MAGIC_OFF, CHARON_LE) ==
	     CHARON_ARM64_IMAGE_MAGIC)) {
		rc = charon_arm64_image_open(path, buf, len, &img, err);
		if (!rc) {
			charon_print_arm64_image(path, &img, f);
			charon_arm64_image_free(&img);
		}
		free(buf);
		return rc;
	}
	free(buf);
	return charon_errf(err, -EINVAL,
			   "inspect: %s: not a charon stub (no magic 0x%08x \"CHRN\" at 0x%x), not an arm64 Image (plain: magic 0x%08x \"ARM\\x64\" at 0x38; or gzip-compressed), not an arm zImage (magic 0x%08x at 0x24), not an x86 bzImage (0xaa55 at 0x1fe, \"HdrS\" at 0x202) and not a ppc64 vmlinux (an ELF64 for EM_PPC64)",
			   path, CHARON_HDR_MAGIC, CHARON_HDR_OFF_ARM64,
			   CHARON_ARM64_IMAGE_MAGIC, CHARON_ZIMAGE_MAGIC);
}
