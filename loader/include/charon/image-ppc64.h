/* SPDX-License-Identifier: MIT */
/*
 * The ppc64 Linux kernel as an ELF vmlinux (little- or big-endian, ELFv1
 * or ELFv2, ET_EXEC or ET_DYN, EM_PPC64), read with libelf: the raw image
 * its PT_LOAD segments make, what the stub needs from it (the first 0x100
 * bytes for the entry block, the "run0" word at 0x5c, its byte order),
 * its relocations for --prerelocate, and where it may go.
 *
 * What Debian's ppc64el vmlinux (6.1, CONFIG_RELOCATABLE) looks like, and
 * what we rely on:
 *	ET_EXEC, ELFv2, one PT_LOAD: p_vaddr 0xc000000000000000 =
 *	    e_entry, p_paddr 0, p_offset 0x10000, p_memsz 0x287c918;
 *	    one PT_NOTE; no PT_DYNAMIC
 *	relocatable: a .rela.dyn section (SHT_RELA, SHF_ALLOC) of 136301
 *	    entries, 136297 R_PPC64_RELATIVE and 4 R_PPC64_ADDR64 against
 *	    undefined weak symbols of .dynsym; its own relocator `relocate`
 *	    finds the table through __dynamic_start at run time
 *	__run_at_load at 0x5c holds "run0"; __end_interrupts at 0x5d00
 *	__kcrctab and __kcrctab_gpl hold 32-bit CRCs with no relocation
 * So: an ELF is relocatable when it has an allocated SHT_RELA section with
 * entries (section headers are required for that; PT_DYNAMIC is not).
 */
#ifndef CHARON_IMAGE_PPC64_H
#define CHARON_IMAGE_PPC64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/bytes.h>
#include <charon/err.h>
#include <charon/kcrctab.h>
#include <charon/layout.h>

/* the kernel base: 64 KiB aligned at least */
#define CHARON_PPC64_KERNEL_ALIGN	((uint64_t)64 << 10)
/*
 * Not run at load, the kernel copies itself to 0 and runs there: nothing
 * else may live in [0, mem_size).  We keep out mem_size rounded up to
 * 16 MiB (48 MiB for Debian's 6.1 kernel, DESIGN's figure), a margin for
 * the kernel's early use of memory right above its image.
 */
#define CHARON_PPC64_LOW_ROUND		((uint64_t)16 << 20)
#define CHARON_PPC64_MAX_LOADS		8
#define CHARON_PPC64_NO_SYM		UINT64_MAX

/* one PT_LOAD, as an image offset */
struct charon_ppc64_load {
	uint64_t offset;		/* p_offset in the file */
	uint64_t at;			/* p_vaddr - the image's vaddr */
	uint64_t filesz;
	uint64_t memsz;
};

struct charon_ppc64_image {
	/* the ELF header */
	enum charon_endian endian;
	unsigned int abi;		/* e_flags & 3: 1 ELFv1, 2 ELFv2 */
	uint16_t type;			/* ET_EXEC or ET_DYN */
	uint64_t entry;			/* e_entry == vaddr */
	/* the PT_LOAD segments, as one image from vaddr */
	struct charon_ppc64_load load[CHARON_PPC64_MAX_LOADS];
	unsigned int nr_load;
	uint64_t vaddr;			/* first PT_LOAD's p_vaddr */
	uint64_t paddr;			/* and its p_paddr */
	uint64_t mem_size;		/* to the end of the last p_memsz */
	uint64_t align;			/* first PT_LOAD's p_align */
	/* for the stub */
	uint8_t head[CHARON_PPC64_BLOCK_SIZE];	/* image bytes 0..0xff */
	bool run0;			/* "run0" at 0x5c, kernel byte order */
	/* relocation: allocated SHT_RELA sections and known symbols */
	bool relocatable;		/* some entries */
	size_t nr_rela;
	bool self_relocating;		/* defines `relocate` (Linux's) */
	bool has_symtab;		/* a .symtab was there to look in */
	uint64_t sym_run_at_load;	/* __run_at_load, image offset */
	uint64_t sym_end_interrupts;	/* __end_interrupts, image offset */
	uint64_t head_text_end;		/* .head.text's end (offset) */
	/* the file */
	const uint8_t *data;
	size_t len;
	bool owned;			/* data is ours to free */
};

/* where charon_ppc64_kernel_add() put the kernel */
struct charon_ppc64_place {
	uint64_t addr;		/* kernel base: the image goes here; r4 */
	uint64_t size;		/* bytes there: mem_size */
	uint64_t low_end;	/* [0, low_end) kept out of other segments */
	bool run_at_load;
};

int charon_ppc64_image_parse(const char *name, const uint8_t *buf,
			     size_t len, struct charon_ppc64_image *img,
			     struct charon_err *err);
int charon_ppc64_image_load(const char *path,
			    struct charon_ppc64_image *img,
			    struct charon_err *err);
void charon_ppc64_image_free(struct charon_ppc64_image *img);
int charon_ppc64_image_raw(const char *name,
			   const struct charon_ppc64_image *img,
			   uint8_t **out, size_t *out_len,
			   struct charon_err *err);
int charon_ppc64_elf_rela(const char *name,
			  const struct charon_ppc64_image *img,
			  struct charon_elf_rela *out, struct charon_err *err);
int charon_ppc64_prerelocate(const char *name,
			     const struct charon_ppc64_image *img,
			     uint64_t load_addr, uint8_t **out, size_t *out_len,
			     struct charon_kcrctab *rule,
			     struct charon_err *err);
uint32_t charon_ppc64_flags(const struct charon_ppc64_image *img,
			    bool run_at_load);
int charon_ppc64_kernel_add(struct charon_layout *l,
			    const struct charon_ppc64_image *img,
			    bool run_at_load, uint64_t addr, uint64_t align,
			    struct charon_ppc64_place *out,
			    struct charon_err *err);

#endif /* CHARON_IMAGE_PPC64_H */
