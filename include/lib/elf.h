/* SPDX-License-Identifier: MIT */
/*
 * Writing ELF headers: the file header, program headers, section headers
 * and notes, ELF32 or ELF64, in either byte order.  Built for the stub and
 * the host (lib/); the host's ELF wrappers (the PVH ELF, the ELF skiboot
 * starts) and the kdump ELF core header are made with it.  Readers use
 * libelf on the host, not this.
 *
 * Every writer fills caller memory of the size the *_size() functions
 * give; nothing allocates.  Field meanings are the ELF gABI's.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELFW_CLASS32		1	/* EI_CLASS: ELFCLASS32 */
#define ELFW_CLASS64		2	/* ELFCLASS64 */
#define ELFW_DATA_LE		1	/* EI_DATA: ELFDATA2LSB */
#define ELFW_DATA_BE		2	/* ELFDATA2MSB */

#define ELFW_ET_EXEC		2
#define ELFW_ET_CORE		4
#define ELFW_PT_LOAD		1
#define ELFW_PT_NOTE		4
#define ELFW_PF_X		1
#define ELFW_PF_W		2
#define ELFW_PF_R		4
#define ELFW_SHT_PROGBITS	1
#define ELFW_SHT_STRTAB		3
#define ELFW_SHF_WRITE		1
#define ELFW_SHF_ALLOC		2
#define ELFW_SHF_EXECINSTR	4

/* which kind of ELF file */
struct elfw {
	uint8_t class;		/* ELFW_CLASS32 or ELFW_CLASS64 */
	uint8_t data;		/* ELFW_DATA_LE or ELFW_DATA_BE */
};

struct elfw_ehdr {
	uint16_t type;		/* ELFW_ET_* */
	uint16_t machine;	/* EM_* */
	uint32_t flags;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint16_t phnum;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elfw_phdr {
	uint32_t type;		/* ELFW_PT_* */
	uint32_t flags;		/* ELFW_PF_* */
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

struct elfw_shdr {
	uint32_t name;		/* offset in the section name table */
	uint32_t type;		/* ELFW_SHT_* */
	uint64_t flags;		/* ELFW_SHF_* */
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t addralign;
	uint64_t entsize;
};

/* sizes of the headers of a file kind: 52/64, 32/56, 40/64 bytes */
unsigned int elfw_ehdr_size(const struct elfw *f);
unsigned int elfw_phdr_size(const struct elfw *f);
unsigned int elfw_shdr_size(const struct elfw *f);

void elfw_ehdr(const struct elfw *f, const struct elfw_ehdr *h, void *out);
void elfw_phdr(const struct elfw *f, const struct elfw_phdr *p, void *out);
void elfw_shdr(const struct elfw *f, const struct elfw_shdr *s, void *out);

/* a note's bytes: header, name and descriptor, each padded to 4 */
size_t elfw_note_size(size_t namesz, size_t descsz);
size_t elfw_note(const struct elfw *f, const char *name, uint32_t type,
		 const void *desc, size_t descsz, void *out);

/* a number in the file's byte order */
void elfw_put(const struct elfw *f, void *out, uint64_t v, unsigned int size);

#endif /* LIB_ELF_H */
