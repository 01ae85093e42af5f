/* SPDX-License-Identifier: MIT */
/*
 * A payload ELF's dynamic relocations as plain arrays for lib/rela, and the
 * __kcrctab rule (charon's design brief, section 6): which relocations must
 * not add the load offset because their target is a module CRC, not an
 * address.
 *
 * Kernels built with CONFIG_MODVERSIONS keep one CRC per exported symbol in
 * the __kcrctab* sections.  Before Linux 4.10 each was an unsigned long
 * filled by the linker from an absolute symbol (__crc_<name>), and the
 * linkers of the time emitted a RELATIVE relocation for it in a relocatable
 * (-pie) ppc64 kernel, so relocating the kernel added the load offset to
 * every CRC.  Kernels that define the symbol `reloc_start` subtract it again
 * when they compare CRCs; others do not, and their CRC relocations must be
 * skipped.  Since 4.10 the CRCs are plain 32-bit numbers with no
 * relocation at all.
 */
#ifndef CHARON_KCRCTAB_H
#define CHARON_KCRCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lib/rela.h>
#include <charon/err.h>

#define CHARON_KCRCTAB_PREFIX	"__kcrctab"
#define CHARON_RELOC_START	"reloc_start"

/* an allocated section, by link-time address */
struct charon_elf_section {
	char name[32];
	uint64_t start;
	uint64_t end;			/* exclusive */
};

/* what applying (or judging) an ELF's dynamic relocations needs */
struct charon_elf_rela {
	struct rela64 *rela;		/* all SHF_ALLOC SHT_RELA entries */
	size_t nr_rela;
	struct rela_sym *syms;		/* the symbol table they index */
	size_t nr_syms;
	size_t symtab;			/* its section index (0: none) */
	struct rela64_types types;
	struct charon_elf_section *kcrctab;	/* the __kcrctab* sections */
	size_t nr_kcrctab;
	bool reloc_start;		/* `reloc_start` is a defined symbol */
};

enum charon_kcrctab_case {
	CHARON_KCRCTAB_NONE,	/* no __kcrctab section: nothing to skip */
	CHARON_KCRCTAB_CLEAN,	/* no relocation moves a CRC: nothing */
	CHARON_KCRCTAB_UNDONE,	/* some would, kernel undoes: nothing */
	CHARON_KCRCTAB_SKIP,	/* some would, kernel does not: skip them */
};

struct charon_kcrctab {
	enum charon_kcrctab_case which;
	struct rela_skip *skip;		/* malloc'd, sorted, merged */
	size_t nr_skip;
	size_t nr_sections;		/* __kcrctab* sections */
	size_t nr_targeting;		/* relocations targeting them */
	size_t nr_moving;		/* of those, adding the offset */
	char why[256];			/* one line for the CLI */
};

void charon_elf_rela_free(struct charon_elf_rela *r);
int charon_kcrctab_rule(const char *name, const struct charon_elf_rela *r,
			struct charon_kcrctab *out, struct charon_err *err);
void charon_kcrctab_free(struct charon_kcrctab *k);
const char *charon_kcrctab_case_name(enum charon_kcrctab_case c);

#endif /* CHARON_KCRCTAB_H */
