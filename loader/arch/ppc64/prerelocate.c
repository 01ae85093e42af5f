// SPDX-License-Identifier: MIT
/*
 * A ppc64 vmlinux's dynamic relocations, read with libelf: the tables and
 * symbols they index, the __kcrctab sections the rule of kcrctab.c
 * judges, and --prerelocate, the kernel's bytes relocated here for its
 * base with lib/'s RELA engine (DESIGN section 6).
 */
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/errors.h>
#include <charon/file.h>
#include <charon/image-ppc64.h>

#include "ppc64.h"

typedef unsigned long long ull;

/* the symbols relocations index: value, and whether they move */
static int read_rela_syms(const char *name, Elf *e,
			  struct charon_elf_rela *r, struct charon_err *err)
{
	Elf_Scn *scn = elf_getscn(e, r->symtab);
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Sym s;
	size_t i;

	if (!scn || !gelf_getshdr(scn, &sh) ||
	    (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB) ||
	    !sh.sh_entsize || !(d = elf_getdata(scn, NULL))) {
		return charon_errf(err, -EINVAL,
				   "prerelocate: %s: the relocations' symbol table (section %zu, their sh_link) is not a symbol table",
				   name, r->symtab);
	}
	r->nr_syms = sh.sh_size / sh.sh_entsize;
	r->syms = calloc(r->nr_syms ? r->nr_syms : 1, sizeof(*r->syms));
	if (!r->syms) {
		return charon_errf(err, -ENOMEM, "prerelocate: %s: out of memory",
				   name);
	}
	for (i = 0; i < r->nr_syms; i++) {
		if (!gelf_getsym(d, (int)i, &s)) {
			return charon_errf(err, -EINVAL,
					   "prerelocate: %s: symbol %zu: libelf: %s",
					   name, i, elf_errmsg(-1));
		}
		r->syms[i].value = s.st_value;
		if (s.st_shndx == SHN_ABS) {
			r->syms[i].flags = RELA_SYM_ABS;
		} else if (s.st_shndx == SHN_UNDEF && i) {
			/* weak: 0; else the engine refuses it */
			r->syms[i].value = 0;
			r->syms[i].flags =
				GELF_ST_BIND(s.st_info) == STB_WEAK ?
				RELA_SYM_ABS : RELA_SYM_UNDEF;
		}
	}
	return 0;
}

/* is a `reloc_start` symbol defined in this symbol table? */
static bool has_reloc_start(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	const char *sn;
	GElf_Sym s;
	size_t i, n;

	if (!d || !sh->sh_entsize) {
		return false;
	}
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF) {
			continue;
		}
		sn = elf_strptr(e, sh->sh_link, s.st_name);
		if (sn && !strcmp(sn, CHARON_RELOC_START)) {
			return true;
		}
	}
	return false;
}

static int add_kcrctab(const char *name, const char *sn, const GElf_Shdr *sh,
		       struct charon_elf_rela *r, struct charon_err *err)
{
	struct charon_elf_section *k;

	k = realloc(r->kcrctab, (r->nr_kcrctab + 1) * sizeof(*k));
	if (!k) {
		return charon_errf(err, -ENOMEM, "prerelocate: %s: out of memory",
				   name);
	}
	r->kcrctab = k;
	k += r->nr_kcrctab++;
	snprintf(k->name, sizeof(k->name), "%s", sn);
	k->start = sh->sh_addr;
	k->end = sh->sh_addr + sh->sh_size;
	return 0;
}

/* first pass: count entries, find the symbol table, __kcrctab*, reloc_start */
static int scan_sections(const char *name, Elf *e, size_t shstrndx,
			 size_t len, struct charon_elf_rela *r,
			 struct charon_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	const char *sn;
	int rc;

	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			return charon_errf(err, -EINVAL,
					   "prerelocate: %s: section %zu: libelf: %s",
					   name, elf_ndxscn(scn),
					   elf_errmsg(-1));
		}
		sn = elf_strptr(e, shstrndx, sh.sh_name);
		rc = charon_ppc64_section_ok(name, sn, elf_ndxscn(scn), &sh,
					     len, err);
		if (rc) {
			return rc;
		}
		if (sh.sh_type == SHT_RELA && (sh.sh_flags & SHF_ALLOC)) {
			if (sh.sh_entsize != sizeof(Elf64_Rela)) {
				return charon_errf(err, -EINVAL,
						   "prerelocate: %s: %s: sh_entsize %llu, expected %zu",
						   name, sn ? sn : "SHT_RELA",
						   (ull)sh.sh_entsize,
						   sizeof(Elf64_Rela));
			}
			if (r->symtab && sh.sh_link &&
			    sh.sh_link != r->symtab) {
				return charon_errf(err, -EINVAL,
						   "prerelocate: %s: %s uses symbol table %u, another relocation section %zu",
						   name, sn ? sn : "SHT_RELA",
						   sh.sh_link, r->symtab);
			}
			if (sh.sh_link) {
				r->symtab = sh.sh_link;
			}
			r->nr_rela += sh.sh_size / sh.sh_entsize;
		} else if (sh.sh_type == SHT_SYMTAB ||
			   sh.sh_type == SHT_DYNSYM) {
			r->reloc_start |= has_reloc_start(e, scn, &sh);
		}
		if (sn && !strncmp(sn, CHARON_KCRCTAB_PREFIX,
				   strlen(CHARON_KCRCTAB_PREFIX)) &&
		    (sh.sh_flags & SHF_ALLOC) && sh.sh_size) {
			rc = add_kcrctab(name, sn, &sh, r, err);
			if (rc) {
				return rc;
			}
		}
	}
	return 0;
}

/* second pass: the entries, in section order */
static int read_relas(const char *name, Elf *e, struct charon_elf_rela *r,
		      struct charon_err *err)
{
	Elf_Scn *scn = NULL;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Rela gr;
	size_t i, n, k = 0;

	r->rela = calloc(r->nr_rela ? r->nr_rela : 1, sizeof(*r->rela));
	if (!r->rela) {
		return charon_errf(err, -ENOMEM, "prerelocate: %s: out of memory",
				   name);
	}
	while ((scn = elf_nextscn(e, scn)) && k < r->nr_rela) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    !(sh.sh_flags & SHF_ALLOC)) {
			continue;
		}
		d = elf_getdata(scn, NULL);
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n && k < r->nr_rela; i++, k++) {
			if (!d || !gelf_getrela(d, (int)i, &gr)) {
				return charon_errf(err, -EINVAL,
						   "prerelocate: %s: relocation section %zu, entry %zu: libelf: %s",
						   name, elf_ndxscn(scn), i,
						   elf_errmsg(-1));
			}
			r->rela[k].r_offset = gr.r_offset;
			r->rela[k].r_info = gr.r_info;
			r->rela[k].r_addend = gr.r_addend;
		}
	}
	return 0;
}

/**
 * charon_ppc64_elf_rela() - extract a ppc64 ELF's dynamic relocations
 * @name: file name, for messages
 * @img: the parsed image (its file bytes)
 * @out: every allocated SHT_RELA section's entries in section order, the
 *	symbol table they index (values resolved: SHN_ABS and undefined weak
 *	symbols do not move), the __kcrctab* sections and whether
 *	`reloc_start` is defined; free with charon_elf_rela_free()
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_ppc64_elf_rela(const char *name,
			  const struct charon_ppc64_image *img,
			  struct charon_elf_rela *out, struct charon_err *err)
{
	size_t shstrndx;
	Elf *e;
	int rc;

	memset(out, 0, sizeof(*out));
	out->types.relative = RELA_R_PPC64_RELATIVE;
	out->types.addr64 = RELA_R_PPC64_ADDR64;
	out->types.uaddr64 = RELA_R_PPC64_UADDR64;
	e = charon_ppc64_open_elf(name, img->data, img->len, err);
	if (!e) {
		return -EINVAL;
	}
	if (elf_getshdrstrndx(e, &shstrndx)) {
		rc = charon_errf(err, -EINVAL,
				 "prerelocate: %s: no section headers: the relocations (.rela.dyn) cannot be found",
				 name);
		goto out;
	}
	rc = scan_sections(name, e, shstrndx, img->len, out, err);
	if (!rc) {
		rc = read_relas(name, e, out, err);
	}
	if (!rc && out->symtab) {
		rc = read_rela_syms(name, e, out, err);
	}
out:
	elf_end(e);
	if (rc) {
		charon_elf_rela_free(out);
	}
	return rc;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case RELA_R_PPC64_NONE:
		return "R_PPC64_NONE";
	case RELA_R_PPC64_RELATIVE:
		return "R_PPC64_RELATIVE";
	case RELA_R_PPC64_ADDR64:
		return "R_PPC64_ADDR64";
	case RELA_R_PPC64_UADDR64:
		return "R_PPC64_UADDR64";
	}
	return "unsupported";
}

/* the name of symbol @i of section @symtab, for messages */
static void sym_name(const struct charon_ppc64_image *img, size_t symtab,
		     size_t i, char *buf, size_t len)
{
	Elf *e = charon_ppc64_open_elf("", img->data, img->len, NULL);
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Sym s;
	const char *sn = NULL;

	snprintf(buf, len, "?");
	if (!e) {
		return;
	}
	scn = elf_getscn(e, symtab);
	if (scn && gelf_getshdr(scn, &sh) && (d = elf_getdata(scn, NULL)) &&
	    gelf_getsym(d, (int)i, &s)) {
		sn = elf_strptr(e, sh.sh_link, s.st_name);
	}
	if (sn) {
		snprintf(buf, len, "%s", sn);
	}
	elf_end(e);
}

static int rela_failed(const char *name, const struct charon_ppc64_image *img,
		       const struct charon_elf_rela *r, int rc,
		       const struct rela_error *re, struct charon_err *err)
{
	char sn[64] = "";
	char why[160];

	if (re->sym && r->symtab) {
		sym_name(img, r->symtab, re->sym, sn, sizeof(sn));
	}
	if (rc == -LIB_ENOTSUP) {
		snprintf(why, sizeof(why),
			 "type %u is not supported (R_PPC64_RELATIVE, ADDR64 and UADDR64 are; RELATIVE takes no symbol)",
			 re->type);
	} else if (rc == -LIB_ERANGE) {
		snprintf(why, sizeof(why),
			 "the target is outside the image [0x%llx, 0x%llx)",
			 (ull)img->vaddr, (ull)(img->vaddr + img->mem_size));
	} else {
		snprintf(why, sizeof(why),
			 "symbol %u is %s", re->sym,
			 re->sym >= r->nr_syms ? "past the symbol table" :
			 "undefined (and not weak)");
	}
	return charon_errf(err, -EINVAL,
			   "prerelocate: %s: .rela.dyn entry %zu (r_offset 0x%llx, %s, symbol %u%s%s): %s",
			   name, re->index, (ull)re->r_offset,
			   type_name(re->type), re->sym, sn[0] ? " " : "", sn,
			   why);
}

/**
 * charon_ppc64_prerelocate() - the raw image, relocated for a load address
 * @name: file name, for messages
 * @img: the parsed ET_DYN or relocatable ET_EXEC image
 * @load_addr: the physical address the image will be loaded at
 * @out: set to the malloc'd raw image (as charon_ppc64_image_raw()) with
 *	its relocations applied for @load_addr - p_paddr, in the image's
 *	byte order
 * @out_len: its size (mem_size)
 * @rule: if not NULL, gets the __kcrctab rule's outcome (free with
 *	charon_kcrctab_free()); its why[] is the line to print
 * @err: error message on failure
 *
 * The offset is @load_addr - p_paddr of the first PT_LOAD, so a kernel
 * linked at 0xc000000000000000 with p_paddr 0 gets addresses
 * 0xc000000000000000 + @load_addr, as its own relocator would give it.
 * The __kcrctab rule (charon_kcrctab_rule()) decides the skip ranges.
 *
 * Return: 0, -EINVAL (not relocatable, or an entry that cannot be
 * applied: the message names the entry, its offset, type and symbol) or
 * -ENOMEM.
 */
int charon_ppc64_prerelocate(const char *name,
			     const struct charon_ppc64_image *img,
			     uint64_t load_addr, uint8_t **out, size_t *out_len,
			     struct charon_kcrctab *rule,
			     struct charon_err *err)
{
	struct charon_elf_rela r;
	struct charon_kcrctab k;
	struct rela_error re = { 0 };
	uint8_t *raw;
	size_t raw_len;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (rule) {
		memset(rule, 0, sizeof(*rule));
	}
	rc = charon_ppc64_elf_rela(name, img, &r, err);
	if (rc) {
		return rc;
	}
	if (!r.nr_rela && load_addr != img->paddr) {
		charon_elf_rela_free(&r);
		return charon_errf(err, -EINVAL,
				   "prerelocate: %s: not relocatable (no .rela.dyn entries): it runs only at p_paddr 0x%llx, not 0x%llx",
				   name, (ull)img->paddr, (ull)load_addr);
	}
	rc = charon_kcrctab_rule(name, &r, &k, err);
	if (rc) {
		charon_elf_rela_free(&r);
		return rc;
	}
	rc = charon_ppc64_image_raw(name, img, &raw, &raw_len, err);
	if (!rc) {
		rc = rela64_apply_syms(raw, img->vaddr, img->mem_size,
				       img->endian == CHARON_BE, r.rela,
				       r.nr_rela, &r.types, r.syms, r.nr_syms,
				       load_addr - img->paddr, k.skip,
				       k.nr_skip, &re);
		if (rc) {
			rc = rela_failed(name, img, &r, rc, &re, err);
			free(raw);
		}
	}
	charon_elf_rela_free(&r);
	if (rc) {
		charon_kcrctab_free(&k);
		return rc;
	}
	if (rule) {
		*rule = k;
	} else {
		charon_kcrctab_free(&k);
	}
	*out = raw;
	*out_len = raw_len;
	return 0;
}

