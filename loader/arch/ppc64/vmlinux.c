// SPDX-License-Identifier: MIT
/*
 * ppc64 vmlinux ELF parsing with libelf, the raw image, --prerelocate and
 * the kernel's placement (see <charon/image-ppc64.h>).  Every header field
 * is checked before it is used: the file is external input.
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
#include <charon/layout.h>
#include <charon/util.h>

#include "ppc64.h"

typedef unsigned long long ull;

/* no image we boot is larger; bounds the raw image's allocation */
#define PPC64_MAX_MEM		((uint64_t)1 << 31)
#define NAME_RELOCATE		"relocate"
#define NAME_RUN_AT_LOAD	"__run_at_load"
#define NAME_END_INTERRUPTS	"__end_interrupts"
#define NAME_HEAD_TEXT		".head.text"

static const char *machine_name(unsigned int m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_PPC:
		return "32-bit PowerPC";
	case EM_ARM:
		return "arm";
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "arm64";
	case EM_RISCV:
		return "riscv";
	}
	return "another machine";
}

/* a hint for files that are kernels, but not ELF */
static const char *what_else(const uint8_t *buf, size_t len)
{
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		return " (a gzip stream: gunzip it first)";
	}
	if (len >= 0x40 && !memcmp(buf + 0x38, "ARM\x64", 4)) {
		return " (an arm64 Image)";
	}
	if (len >= 0x206 && !memcmp(buf + 0x202, "HdrS", 4)) {
		return " (an x86 bzImage)";
	}
	return "";
}

Elf *charon_ppc64_open_elf(const char *name, const uint8_t *buf, size_t len,
			   struct charon_err *err)
{
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		charon_errf(err, -EINVAL, "kernel: %s: libelf: %s", name,
			    elf_errmsg(-1));
		return NULL;
	}
	/* libelf reads only: it converts into buffers of its own */
	e = elf_memory((char *)buf, len);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		charon_errf(err, -EINVAL, "kernel: %s: libelf cannot read it: %s",
			    name, elf_errmsg(-1));
		if (e) {
			elf_end(e);
		}
		return NULL;
	}
	return e;
}

/* the identification bytes, before libelf: clear messages for the basics */
static int check_ident(const char *name, const uint8_t *buf, size_t len,
		       struct charon_ppc64_image *img, struct charon_err *err)
{
	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: not an ELF file (no \\x7fELF magic at 0)%s; a ppc64 kernel is an ELF vmlinux",
				   name, what_else(buf, len));
	}
	if (len < sizeof(Elf64_Ehdr)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: truncated: %zu bytes, shorter than an ELF64 header (%zu)",
				   name, len, sizeof(Elf64_Ehdr));
	}
	if (buf[EI_CLASS] != ELFCLASS64) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: EI_CLASS is %u (%s), expected 2 (ELFCLASS64): a ppc64 kernel is a 64-bit ELF",
				   name, buf[EI_CLASS],
				   buf[EI_CLASS] == ELFCLASS32 ? "32-bit" :
				   "invalid");
	}
	if (buf[EI_DATA] == ELFDATA2LSB) {
		img->endian = CHARON_LE;
	} else if (buf[EI_DATA] == ELFDATA2MSB) {
		img->endian = CHARON_BE;
	} else {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: EI_DATA is %u, expected 1 (little-endian) or 2 (big-endian)",
				   name, buf[EI_DATA]);
	}
	return 0;
}

static int check_ehdr(const char *name, const GElf_Ehdr *eh, size_t len,
		      struct charon_ppc64_image *img, struct charon_err *err)
{
	uint64_t end;

	if (eh->e_machine != EM_PPC64) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: e_machine is %u (%s), expected 21 (EM_PPC64)",
				   name, eh->e_machine,
				   machine_name(eh->e_machine));
	}
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: e_type is %u, expected 2 (ET_EXEC) or 3 (ET_DYN)",
				   name, eh->e_type);
	}
	if (eh->e_phnum && eh->e_phentsize != sizeof(Elf64_Phdr)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: e_phentsize is %u, expected %zu",
				   name, eh->e_phentsize, sizeof(Elf64_Phdr));
	}
	end = eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > len || end > len) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: truncated: program headers at 0x%llx (%u entries) end at 0x%llx, past the file's 0x%zx bytes",
				   name, (ull)eh->e_phoff, eh->e_phnum,
				   (ull)end, len);
	}
	end = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	if (eh->e_shoff && (eh->e_shoff > len || end > len)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: truncated: section headers at 0x%llx (%u entries) end at 0x%llx, past the file's 0x%zx bytes",
				   name, (ull)eh->e_shoff, eh->e_shnum,
				   (ull)end, len);
	}
	img->abi = eh->e_flags & 3;
	img->type = eh->e_type;
	img->entry = eh->e_entry;
	return 0;
}

/* one PT_LOAD: inside the file, and after the previous one with no hole */
static int add_load(const char *name, const GElf_Phdr *ph, unsigned int idx,
		    size_t len, struct charon_ppc64_image *img,
		    struct charon_err *err)
{
	struct charon_ppc64_load *ld;
	uint64_t fend, vend, prev_end;

	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &fend) ||
	    fend > len) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: truncated: PT_LOAD (program header %u) needs file bytes 0x%llx..0x%llx, the file has 0x%zx",
				   name, idx, (ull)ph->p_offset,
				   (ull)(ph->p_offset + ph->p_filesz), len);
	}
	if (ph->p_memsz < ph->p_filesz ||
	    __builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &vend)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: PT_LOAD (program header %u): p_vaddr 0x%llx, p_filesz 0x%llx, p_memsz 0x%llx: memsz smaller than filesz, or wrapping",
				   name, idx, (ull)ph->p_vaddr,
				   (ull)ph->p_filesz, (ull)ph->p_memsz);
	}
	if (img->nr_load == CHARON_PPC64_MAX_LOADS) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: more than %d PT_LOAD segments",
				   name, CHARON_PPC64_MAX_LOADS);
	}
	if (!img->nr_load) {
		img->vaddr = ph->p_vaddr;
		img->paddr = ph->p_paddr;
		img->align = ph->p_align;
	} else {
		prev_end = img->vaddr + img->mem_size;
		if (ph->p_vaddr != prev_end) {
			return charon_errf(err, -EINVAL,
					   "kernel: %s: PT_LOAD (program header %u) at p_vaddr 0x%llx does not start where the previous one ends (0x%llx): %s",
					   name, idx, (ull)ph->p_vaddr,
					   (ull)prev_end,
					   ph->p_vaddr > prev_end ?
					   "a gap in the image" :
					   "out of order or overlapping");
		}
		if (ph->p_paddr - img->paddr != ph->p_vaddr - img->vaddr) {
			return charon_errf(err, -EINVAL,
					   "kernel: %s: PT_LOAD (program header %u): p_paddr 0x%llx is not p_vaddr 0x%llx moved like the first segment's (0x%llx -> 0x%llx)",
					   name, idx, (ull)ph->p_paddr,
					   (ull)ph->p_vaddr, (ull)img->vaddr,
					   (ull)img->paddr);
		}
	}
	ld = &img->load[img->nr_load++];
	ld->offset = ph->p_offset;
	ld->at = ph->p_vaddr - img->vaddr;
	ld->filesz = ph->p_filesz;
	ld->memsz = ph->p_memsz;
	img->mem_size = vend - img->vaddr;
	return 0;
}

static int read_loads(const char *name, Elf *e, size_t len,
		      struct charon_ppc64_image *img, struct charon_err *err)
{
	GElf_Phdr ph;
	size_t n, i;
	int rc;

	if (elf_getphdrnum(e, &n)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: program headers: libelf: %s",
				   name, elf_errmsg(-1));
	}
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			return charon_errf(err, -EINVAL,
					   "kernel: %s: program header %zu: libelf: %s",
					   name, i, elf_errmsg(-1));
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
			continue;
		}
		rc = add_load(name, &ph, (unsigned int)i, len, img, err);
		if (rc) {
			return rc;
		}
	}
	if (!img->nr_load) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: no PT_LOAD segment (%zu program headers): nothing to load",
				   name, n);
	}
	if (img->mem_size > PPC64_MAX_MEM) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: the PT_LOAD segments span 0x%llx bytes, more than 2 GiB",
				   name, (ull)img->mem_size);
	}
	return 0;
}

/* copy image bytes [at, at + n) from the segments; zeros where none */
static void image_bytes(const struct charon_ppc64_image *img, uint64_t at,
			uint8_t *out, size_t n)
{
	unsigned int i;
	uint64_t a;
	size_t k;

	memset(out, 0, n);
	for (i = 0; i < img->nr_load; i++) {
		const struct charon_ppc64_load *ld = &img->load[i];

		for (k = 0; k < n; k++) {
			a = at + k;
			if (a >= ld->at && a - ld->at < ld->filesz) {
				out[k] = img->data[ld->offset + a - ld->at];
			}
		}
	}
}

static int check_entry(const char *name, struct charon_ppc64_image *img,
		       struct charon_err *err)
{
	if (img->entry != img->vaddr) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: e_entry 0x%llx is not the start of the image (first PT_LOAD's p_vaddr 0x%llx): the ppc64 boot protocol enters the kernel at its base",
				   name, (ull)img->entry, (ull)img->vaddr);
	}
	if (img->mem_size < CHARON_PPC64_BLOCK_SIZE) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: the image is 0x%llx bytes, smaller than the 0x%x-byte entry block",
				   name, (ull)img->mem_size,
				   CHARON_PPC64_BLOCK_SIZE);
	}
	image_bytes(img, 0, img->head, sizeof(img->head));
	img->run0 = charon_get32(img->head + CHARON_PPC64_RUN_AT_LOAD,
				 img->endian) == CHARON_PPC64_RUN0;
	return 0;
}

/* a symbol's image offset, if it lies in the image */
static uint64_t sym_off(const struct charon_ppc64_image *img, uint64_t v)
{
	if (v >= img->vaddr && v - img->vaddr < img->mem_size) {
		return v - img->vaddr;
	}
	return CHARON_PPC64_NO_SYM;
}

static int read_symtab(const char *name, Elf *e, Elf_Scn *scn,
		       const GElf_Shdr *sh, struct charon_ppc64_image *img,
		       struct charon_err *err)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;
	GElf_Sym s;
	const char *sn;

	if (!d || !sh->sh_entsize) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: .symtab: libelf: %s", name,
				   elf_errmsg(-1));
	}
	img->has_symtab = true;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF) {
			continue;
		}
		sn = elf_strptr(e, sh->sh_link, s.st_name);
		if (!sn || sn[0] == '\0') {
			continue;
		}
		if (!strcmp(sn, NAME_RELOCATE)) {
			img->self_relocating = true;
		} else if (!strcmp(sn, NAME_RUN_AT_LOAD)) {
			img->sym_run_at_load = sym_off(img, s.st_value);
		} else if (!strcmp(sn, NAME_END_INTERRUPTS)) {
			img->sym_end_interrupts = sym_off(img, s.st_value);
		}
	}
	return 0;
}

/**
 * charon_ppc64_section_ok() - is a section header consistent with its file?
 * @name: file name, for messages
 * @sn: the section's name, or NULL
 * @idx: its index, for messages
 * @sh: its header
 * @len: the file's size
 * @err: error message on failure
 *
 * Counts and ends come from these fields before libelf reads anything,
 * so each is checked first: the bytes lie in the file (SHT_NOBITS has
 * none), sh_size is a whole number of entries, and an allocated
 * section's sh_addr + sh_size does not wrap.
 *
 * Return: 0, or -EINVAL naming the section, the field and its value.
 */
int charon_ppc64_section_ok(const char *name, const char *sn, size_t idx,
			    const GElf_Shdr *sh, size_t len,
			    struct charon_err *err)
{
	char what[80];

	if (sn && *sn) {
		snprintf(what, sizeof(what), "section %zu (%.64s)", idx, sn);
	} else {
		snprintf(what, sizeof(what), "section %zu", idx);
	}
	if (sh->sh_type != SHT_NOBITS &&
	    (sh->sh_offset > len || sh->sh_size > len - sh->sh_offset)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: %s: sh_offset 0x%llx + sh_size 0x%llx runs past the file's 0x%zx bytes",
				   name, what, (ull)sh->sh_offset,
				   (ull)sh->sh_size, len);
	}
	if (sh->sh_entsize && sh->sh_size % sh->sh_entsize) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: %s: sh_size 0x%llx is not a whole number of %llu-byte entries (sh_entsize)",
				   name, what, (ull)sh->sh_size,
				   (ull)sh->sh_entsize);
	}
	if ((sh->sh_flags & SHF_ALLOC) && sh->sh_size &&
	    sh->sh_addr + sh->sh_size < sh->sh_addr) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: %s: sh_addr 0x%llx + sh_size 0x%llx wraps past 2^64",
				   name, what, (ull)sh->sh_addr,
				   (ull)sh->sh_size);
	}
	return 0;
}

static int read_sections(const char *name, Elf *e,
			 struct charon_ppc64_image *img,
			 struct charon_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;
	const char *sn;
	int rc;

	if (elf_getshdrstrndx(e, &shstrndx)) {
		shstrndx = 0;
	}
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			return charon_errf(err, -EINVAL,
					   "kernel: %s: section %zu: libelf: %s",
					   name, elf_ndxscn(scn),
					   elf_errmsg(-1));
		}
		sn = shstrndx ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		rc = charon_ppc64_section_ok(name, sn, elf_ndxscn(scn), &sh,
					     img->len, err);
		if (rc) {
			return rc;
		}
		if (sh.sh_type == SHT_RELA && (sh.sh_flags & SHF_ALLOC) &&
		    sh.sh_entsize) {
			img->nr_rela += sh.sh_size / sh.sh_entsize;
		} else if (sh.sh_type == SHT_SYMTAB) {
			rc = read_symtab(name, e, scn, &sh, img, err);
			if (rc) {
				return rc;
			}
		}
		if (sn && !strcmp(sn, NAME_HEAD_TEXT) &&
		    sym_off(img, sh.sh_addr) != CHARON_PPC64_NO_SYM) {
			img->head_text_end = sh.sh_addr + sh.sh_size -
					     img->vaddr;
		}
	}
	img->relocatable = img->nr_rela != 0;
	return 0;
}

/**
 * charon_ppc64_image_parse() - read a ppc64 vmlinux ELF from memory
 * @name: the file's name, for messages
 * @buf: the whole file; must stay valid while @img is used (not copied)
 * @len: its size
 * @img: the result
 * @err: error message on failure
 *
 * Checks, in this order: ELF magic, 64-bit class, byte order, EM_PPC64,
 * ET_EXEC or ET_DYN, program and section headers inside the file, at
 * least one PT_LOAD, each PT_LOAD inside the file and starting where the
 * previous one ends (a single image, no gap), e_entry at the image's
 * first byte, an image of at least the 256-byte entry block.
 *
 * Return: 0 or -EINVAL with a message naming the file, field and value.
 */
int charon_ppc64_image_parse(const char *name, const uint8_t *buf,
			     size_t len, struct charon_ppc64_image *img,
			     struct charon_err *err)
{
	GElf_Ehdr eh;
	Elf *e;
	int rc;

	memset(img, 0, sizeof(*img));
	img->data = buf;
	img->len = len;
	img->sym_run_at_load = CHARON_PPC64_NO_SYM;
	img->sym_end_interrupts = CHARON_PPC64_NO_SYM;
	rc = check_ident(name, buf, len, img, err);
	if (rc) {
		return rc;
	}
	e = charon_ppc64_open_elf(name, buf, len, err);
	if (!e) {
		return -EINVAL;
	}
	if (!gelf_getehdr(e, &eh)) {
		rc = charon_errf(err, -EINVAL, "kernel: %s: ELF header: libelf: %s",
				 name, elf_errmsg(-1));
		goto out;
	}
	rc = check_ehdr(name, &eh, len, img, err);
	if (!rc) {
		rc = read_loads(name, e, len, img, err);
	}
	if (!rc) {
		rc = check_entry(name, img, err);
	}
	if (!rc) {
		rc = read_sections(name, e, img, err);
	}
out:
	elf_end(e);
	return rc;
}

/**
 * charon_ppc64_image_load() - read a ppc64 vmlinux ELF from a file
 * @path: the file
 * @img: the result; owns the file's bytes (charon_ppc64_image_free())
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_ppc64_image_load(const char *path,
			    struct charon_ppc64_image *img,
			    struct charon_err *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(img, 0, sizeof(*img));
	rc = charon_read_file(path, CHARON_FILE_MAX, &buf, &len, err);
	if (rc) {
		return rc;
	}
	rc = charon_ppc64_image_parse(path, buf, len, img, err);
	if (rc) {
		free(buf);
		memset(img, 0, sizeof(*img));
		return rc;
	}
	img->owned = true;
	return 0;
}

/**
 * charon_ppc64_image_free() - free a loaded image's bytes
 * @img: the image; zeroed
 */
void charon_ppc64_image_free(struct charon_ppc64_image *img)
{
	if (img->owned) {
		free((void *)img->data);
	}
	memset(img, 0, sizeof(*img));
}

/**
 * charon_ppc64_image_raw() - the kernel as it lies in memory
 * @name: file name, for messages
 * @img: the parsed image
 * @out: set to a malloc'd buffer of @img->mem_size bytes: each PT_LOAD's
 *	file bytes at p_vaddr - vaddr, zeros elsewhere (bss)
 * @out_len: @img->mem_size
 * @err: error message on failure
 *
 * Return: 0 or -ENOMEM.
 */
int charon_ppc64_image_raw(const char *name,
			   const struct charon_ppc64_image *img,
			   uint8_t **out, size_t *out_len,
			   struct charon_err *err)
{
	uint8_t *b;
	unsigned int i;

	*out = NULL;
	*out_len = 0;
	b = calloc(1, img->mem_size);
	if (!b) {
		return charon_errf(err, -ENOMEM,
				   "kernel: %s: out of memory for a 0x%llx-byte image",
				   name, (ull)img->mem_size);
	}
	for (i = 0; i < img->nr_load; i++) {
		memcpy(b + img->load[i].at, img->data + img->load[i].offset,
		       img->load[i].filesz);
	}
	*out = b;
	*out_len = img->mem_size;
	return 0;
}

/**
 * charon_ppc64_flags() - the stub's CHARON_PPC64_FLAGS word for a kernel
 * @img: the parsed kernel
 * @run_at_load: the run-at-load request
 *
 * Return: CHARON_PPC64_F_KERNEL_LE for a little-endian ELF, plus
 * CHARON_PPC64_F_RUN_AT_LOAD when requested.
 */
uint32_t charon_ppc64_flags(const struct charon_ppc64_image *img,
			    bool run_at_load)
{
	return (img->endian == CHARON_LE ? CHARON_PPC64_F_KERNEL_LE : 0) |
	       (run_at_load ? CHARON_PPC64_F_RUN_AT_LOAD : 0);
}

/* [0, low_end): what the kernel overwrites at 0 before it looks around */
static uint64_t low_end(const struct charon_ppc64_image *img, bool ral,
			const char **why)
{
	uint64_t v;

	if (!ral) {
		*why = "ppc64: kernel's copy of itself at 0";
		return charon_round_up(img->mem_size, CHARON_PPC64_LOW_ROUND);
	}
	*why = "ppc64: kernel's exception vectors at 0";
	if (img->sym_end_interrupts != CHARON_PPC64_NO_SYM) {
		v = img->sym_end_interrupts;
	} else if (img->head_text_end) {
		v = img->head_text_end;
	} else {
		v = img->mem_size;	/* no symbols: assume the worst */
	}
	return charon_round_up(v ? v : 1, CHARON_PPC64_KERNEL_ALIGN);
}

/**
 * charon_ppc64_kernel_add() - place the kernel and keep its low memory free
 * @l: the layout (RAM; firmware reservations already added as keep-outs,
 *	e.g. charon_fdt_keepouts()); gets a KEEPOUT segment at 0 and a FIXED
 *	segment "kernel" of @img->mem_size bytes
 * @img: the parsed kernel
 * @run_at_load: the kernel runs where it is loaded (its "run0" word is
 *	set to 1 by the stub); else it copies itself to 0 first
 * @addr: the kernel base wanted, or 0 to choose the lowest fit
 * @align: base alignment, a power of two of at least 64 KiB; 0 for 64 KiB
 * @out: where it went
 * @err: error message on failure
 *
 * Not run at load, the kernel copies its whole image (mem_size) to 0 and
 * runs there, so [0, mem_size rounded up to 16 MiB) is kept out of every
 * segment, the kernel's own included.  Run at load, it still copies its
 * exception vectors to 0: [0, __end_interrupts) (else .head.text's end,
 * else the whole image) rounded up to 64 KiB is kept out.  The base is
 * never 0: the stub writes its entry block there.
 *
 * Return: 0, -EINVAL for unusable arguments or a kernel that cannot run
 * at load, -ENOSPC when nothing fits.
 */
int charon_ppc64_kernel_add(struct charon_layout *l,
			    const struct charon_ppc64_image *img,
			    bool run_at_load, uint64_t addr, uint64_t align,
			    struct charon_ppc64_place *out,
			    struct charon_err *err)
{
	struct charon_segment *s;
	const char *why;
	uint64_t low, end;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!align) {
		align = CHARON_PPC64_KERNEL_ALIGN;
	}
	if (align & (align - 1) || align < CHARON_PPC64_KERNEL_ALIGN) {
		return charon_errf(err, -EINVAL,
				   "kernel: alignment 0x%llx: want a power of two of at least 64 KiB",
				   (ull)align);
	}
	if (run_at_load && !img->run0) {
		return charon_errf(err, -EINVAL,
				   "kernel: run-at-load requested, but the word at 0x%x is 0x%08x, not \"run0\" (0x%08x): this kernel cannot run at its load address",
				   CHARON_PPC64_RUN_AT_LOAD,
				   charon_get32(img->head +
						CHARON_PPC64_RUN_AT_LOAD,
						img->endian),
				   CHARON_PPC64_RUN0);
	}
	low = low_end(img, run_at_load, &why);
	if (addr) {
		if (addr % align || addr < low ||
		    __builtin_add_overflow(addr, img->mem_size, &end)) {
			return charon_errf(err, -EINVAL,
					   "kernel: base 0x%llx (0x%llx bytes): want 0x%llx aligned, at or above 0x%llx (%s)",
					   (ull)addr, (ull)img->mem_size,
					   (ull)align, (ull)low, why);
		}
	} else {
		rc = charon_layout_pick(l, "kernel", img->mem_size, align, false,
				     low, 0, &addr, err);
		if (rc) {
			charon_err_prefix(err, "kernel: ");
			return rc;
		}
	}
	s = charon_layout_add_at(l, why, low, 0, CHARON_PLACE_KEEPOUT, 0, err);
	if (!s) {
		return -EINVAL;
	}
	s = charon_layout_add(l, "kernel", img->mem_size, align,
			      CHARON_PLACE_FIXED, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = addr;
	out->addr = addr;
	out->size = img->mem_size;
	out->low_end = low;
	out->run_at_load = run_at_load;
	return 0;
}
