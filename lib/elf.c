// SPDX-License-Identifier: MIT
/*
 * Writing ELF headers and notes (include/lib/elf.h): ELF32 and ELF64, both
 * byte orders, from one set of field descriptions.  Freestanding: built
 * for the stub and the host.
 */
#include <lib/elf.h>
#include <string.h>

#define EI_NIDENT	16

void elfw_put(const struct elfw *f, void *out, uint64_t v, unsigned int size)
{
	uint8_t *b = out;
	unsigned int i;

	for (i = 0; i < size; i++) {
		b[f->data == ELFW_DATA_BE ? size - 1 - i : i] =
			(uint8_t)(v >> (8 * i));
	}
}

static int is64(const struct elfw *f)
{
	return f->class == ELFW_CLASS64;
}

unsigned int elfw_ehdr_size(const struct elfw *f)
{
	return is64(f) ? 64 : 52;
}

unsigned int elfw_phdr_size(const struct elfw *f)
{
	return is64(f) ? 56 : 32;
}

unsigned int elfw_shdr_size(const struct elfw *f)
{
	return is64(f) ? 64 : 40;
}

/* put v as an address-sized word (4 or 8 bytes) at *at, and move on */
static void word(const struct elfw *f, uint8_t **at, uint64_t v)
{
	unsigned int n = is64(f) ? 8 : 4;

	elfw_put(f, *at, v, n);
	*at += n;
}

static void put(const struct elfw *f, uint8_t **at, uint64_t v,
		unsigned int n)
{
	elfw_put(f, *at, v, n);
	*at += n;
}

/**
 * elfw_ehdr() - write an ELF file header
 * @f: the file's class and byte order
 * @h: the fields (e_ehsize, e_phentsize and e_shentsize are the class's)
 * @out: elfw_ehdr_size() bytes
 */
void elfw_ehdr(const struct elfw *f, const struct elfw_ehdr *h, void *out)
{
	uint8_t *b = out, *at = b + EI_NIDENT;

	memset(b, 0, elfw_ehdr_size(f));
	b[0] = 0x7f;
	b[1] = 'E';
	b[2] = 'L';
	b[3] = 'F';
	b[4] = f->class;
	b[5] = f->data;
	b[6] = 1;			/* EI_VERSION: EV_CURRENT */
	put(f, &at, h->type, 2);
	put(f, &at, h->machine, 2);
	put(f, &at, 1, 4);		/* e_version */
	word(f, &at, h->entry);
	word(f, &at, h->phoff);
	word(f, &at, h->shoff);
	put(f, &at, h->flags, 4);
	put(f, &at, elfw_ehdr_size(f), 2);
	put(f, &at, elfw_phdr_size(f), 2);
	put(f, &at, h->phnum, 2);
	put(f, &at, elfw_shdr_size(f), 2);
	put(f, &at, h->shnum, 2);
	put(f, &at, h->shstrndx, 2);
}

/**
 * elfw_phdr() - write a program header (ELF32 and ELF64 order differ)
 * @f: the file's class and byte order
 * @p: the fields
 * @out: elfw_phdr_size() bytes
 */
void elfw_phdr(const struct elfw *f, const struct elfw_phdr *p, void *out)
{
	uint8_t *at = out;

	put(f, &at, p->type, 4);
	if (is64(f)) {
		put(f, &at, p->flags, 4);
	}
	word(f, &at, p->offset);
	word(f, &at, p->vaddr);
	word(f, &at, p->paddr);
	word(f, &at, p->filesz);
	word(f, &at, p->memsz);
	if (!is64(f)) {
		put(f, &at, p->flags, 4);
	}
	word(f, &at, p->align);
}

/**
 * elfw_shdr() - write a section header
 * @f: the file's class and byte order
 * @s: the fields
 * @out: elfw_shdr_size() bytes
 */
void elfw_shdr(const struct elfw *f, const struct elfw_shdr *s, void *out)
{
	uint8_t *at = out;

	put(f, &at, s->name, 4);
	put(f, &at, s->type, 4);
	word(f, &at, s->flags);
	word(f, &at, s->addr);
	word(f, &at, s->offset);
	word(f, &at, s->size);
	put(f, &at, s->link, 4);
	put(f, &at, s->info, 4);
	word(f, &at, s->addralign);
	word(f, &at, s->entsize);
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/**
 * elfw_note_size() - bytes of a note
 * @namesz: the name's bytes, its NUL included
 * @descsz: the descriptor's bytes
 *
 * Return: 12 + both, each padded to 4 bytes.
 */
size_t elfw_note_size(size_t namesz, size_t descsz)
{
	return 12 + align4(namesz) + align4(descsz);
}

/**
 * elfw_note() - write a note: namesz, descsz, type, name, descriptor
 * @f: the byte order
 * @name: NUL-terminated; written with its NUL
 * @type: n_type
 * @desc: the descriptor bytes, as they go to the file
 * @descsz: their count
 * @out: elfw_note_size() bytes; padding is zero
 *
 * Return: the bytes written.
 */
size_t elfw_note(const struct elfw *f, const char *name, uint32_t type,
		 const void *desc, size_t descsz, void *out)
{
	size_t namesz = strlen(name) + 1, n = elfw_note_size(namesz, descsz);
	uint8_t *b = out;

	memset(b, 0, n);
	elfw_put(f, b, namesz, 4);
	elfw_put(f, b + 4, descsz, 4);
	elfw_put(f, b + 8, type, 4);
	memcpy(b + 12, name, namesz);
	memcpy(b + 12 + align4(namesz), desc, descsz);
	return n;
}
