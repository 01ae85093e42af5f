// SPDX-License-Identifier: MIT
/*
 * The kdump ELF core header (charon/elfcore.h), written with lib/elf.c in
 * the target's class and byte order.
 */
#include <errno.h>
#include <string.h>

#include <charon/elfcore.h>
#include <lib/elf.h>

typedef unsigned long long ull;

/* ELF_CORE_HEADER_ALIGN in kexec-tools and what vmcore.c expects: none */
#define CORE_ALIGN	0

static int range_cmp(const struct charon_mem_range *a,
		     const struct charon_mem_range *b)
{
	return a->start < b->start ? -1 : a->start > b->start;
}

/**
 * charon_elfcore_set_ram() - the RAM the dump shows: @ram minus @minus
 * @c: c->ram is replaced
 * @ram: System RAM ranges, any order, disjoint
 * @nr: their count
 * @minus: ranges to take out (the crash region), any order
 * @nr_minus: their count
 * @err: error message on failure
 *
 * Return: 0, or -ENOSPC past CHARON_ELFCORE_MAX_RAM pieces, -EINVAL for a
 * range that wraps.
 */
int charon_elfcore_set_ram(struct charon_elfcore *c,
			   const struct charon_mem_range *ram, unsigned int nr,
			   const struct charon_mem_range *minus,
			   unsigned int nr_minus, struct charon_err *err)
{
	unsigned int i, j, k;

	c->nr_ram = 0;
	for (i = 0; i < nr; i++) {
		uint64_t s = ram[i].start, e;

		if (__builtin_add_overflow(s, ram[i].size, &e)) {
			return charon_errf(err, -EINVAL,
					   "elfcorehdr: RAM 0x%llx bytes at 0x%llx wraps past 2^64",
					   (ull)ram[i].size, (ull)s);
		}
		/* cut every @minus range out of [s, e), piece by piece */
		while (s < e) {
			uint64_t cut = e, next = e;

			for (j = 0; j < nr_minus; j++) {
				uint64_t ms = minus[j].start;
				uint64_t me = ms + minus[j].size;

				if (me > s && ms < cut) {
					cut = ms > s ? ms : s;
					next = me < e ? me : e;
				}
			}
			if (cut > s) {
				if (c->nr_ram == CHARON_ELFCORE_MAX_RAM) {
					return charon_errf(err, -ENOSPC,
							   "elfcorehdr: more than %u RAM ranges",
							   CHARON_ELFCORE_MAX_RAM);
				}
				c->ram[c->nr_ram].start = s;
				c->ram[c->nr_ram++].size = cut - s;
			}
			s = next > cut ? next : e;
		}
	}
	/* ascending: insertion sort, the counts are small */
	for (i = 1; i < c->nr_ram; i++) {
		struct charon_mem_range r = c->ram[i];

		for (k = i; k > 0 && range_cmp(&c->ram[k - 1], &r) > 0; k--) {
			c->ram[k] = c->ram[k - 1];
		}
		c->ram[k] = r;
	}
	return 0;
}

/* the PT_LOADs RAM range @r becomes: split around the backup source */
static unsigned int ram_pieces(const struct charon_elfcore *c,
			       const struct charon_mem_range *r,
			       struct charon_mem_range piece[3],
			       uint64_t off[3])
{
	uint64_t s = r->start, e = r->start + r->size;
	uint64_t bs = c->backup_src, be = c->backup_src + c->backup_len;
	unsigned int n = 0;

	if (!c->backup_len || be <= s || bs >= e) {
		piece[0] = *r;
		off[0] = s;
		return 1;
	}
	if (bs > s) {
		piece[n] = (struct charon_mem_range){ s, bs - s };
		off[n++] = s;
	}
	piece[n].start = bs > s ? bs : s;
	piece[n].size = (be < e ? be : e) - piece[n].start;
	off[n] = c->backup_dst + (piece[n].start - bs);
	n++;
	if (be < e) {
		piece[n] = (struct charon_mem_range){ be, e - be };
		off[n++] = be;
	}
	return n;
}

static unsigned int nr_phdrs(const struct charon_elfcore *c)
{
	struct charon_mem_range piece[3];
	uint64_t off[3];
	unsigned int i, n = c->nr_cpu + 1 + (c->have_text ? 1 : 0);

	for (i = 0; i < c->nr_ram; i++) {
		n += ram_pieces(c, &c->ram[i], piece, off);
	}
	return n;
}

/**
 * charon_elfcore_size() - the bytes charon_elfcore_write() writes
 * @c: the header's contents
 *
 * Return: the ELF header and every program header; the notes and RAM are
 * where the crashed kernel left them, not in the header.
 */
size_t charon_elfcore_size(const struct charon_elfcore *c)
{
	const struct elfw f = { c->class, c->data };

	return elfw_ehdr_size(&f) + (size_t)nr_phdrs(c) * elfw_phdr_size(&f);
}

/**
 * charon_elfcore_write() - the ELF core header into @out
 * @c: its contents
 * @out: at least charon_elfcore_size() bytes
 * @len: their count
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL when an address does not fit ELF32 (arm), the
 * VMCOREINFO note is missing or there are more than 65535 headers;
 * -ENOSPC when @len is short.
 */
int charon_elfcore_write(const struct charon_elfcore *c, void *out,
			 size_t len, struct charon_err *err)
{
	const struct elfw f = { c->class, c->data };
	const uint64_t lim = c->class == ELFW_CLASS32 ? UINT32_MAX :
				UINT64_MAX;
	unsigned int n = nr_phdrs(c), i, j, k;
	size_t eh = elfw_ehdr_size(&f), ph = elfw_phdr_size(&f);
	uint8_t *p = out;

	if (len < charon_elfcore_size(c)) {
		return charon_errf(err, -ENOSPC,
				   "elfcorehdr: 0x%zx bytes, the header needs 0x%zx",
				   len, charon_elfcore_size(c));
	}
	if (!c->vmcoreinfo.addr || !c->vmcoreinfo.size) {
		return charon_errf(err, -EINVAL,
				   "elfcorehdr: no VMCOREINFO note (/sys/kernel/vmcoreinfo): makedumpfile cannot read the dump without it");
	}
	if (n > 0xffff) {
		return charon_errf(err, -EINVAL,
				   "elfcorehdr: %u program headers, more than e_phnum holds",
				   n);
	}
	elfw_ehdr(&f, &(struct elfw_ehdr){
			.type = ELFW_ET_CORE, .machine = c->machine,
			.phoff = eh, .phnum = (uint16_t)n }, p);
	p += eh;
	for (i = 0; i <= c->nr_cpu; i++) {
		const struct charon_elfcore_note *no = i < c->nr_cpu ?
						       &c->cpu[i] :
						       &c->vmcoreinfo;

		if (no->addr > lim || no->size > lim - no->addr) {
			return charon_errf(err, -EINVAL,
					   "elfcorehdr: %s note at 0x%llx (0x%llx bytes) does not fit the header's class",
					   i < c->nr_cpu ? "a CPU's crash" :
					   "the VMCOREINFO",
					   (ull)no->addr, (ull)no->size);
		}
		elfw_phdr(&f, &(struct elfw_phdr){
				.type = ELFW_PT_NOTE, .offset = no->addr,
				.paddr = no->addr, .filesz = no->size,
				.memsz = no->size }, p);
		p += ph;
	}
	if (c->have_text) {
		elfw_phdr(&f, &(struct elfw_phdr){
				.type = ELFW_PT_LOAD,
				.flags = ELFW_PF_R | ELFW_PF_W | ELFW_PF_X,
				.offset = c->text_paddr,
				.vaddr = c->text_vaddr,
				.paddr = c->text_paddr,
				.filesz = c->text_size,
				.memsz = c->text_size,
				.align = CORE_ALIGN }, p);
		p += ph;
	}
	for (i = 0; i < c->nr_ram; i++) {
		struct charon_mem_range piece[3];
		uint64_t off[3];

		k = ram_pieces(c, &c->ram[i], piece, off);
		for (j = 0; j < k; j++) {
			uint64_t end = piece[j].start + piece[j].size;

			if (end - 1 > lim || off[j] + piece[j].size - 1 > lim) {
				return charon_errf(err, -EINVAL,
						   "elfcorehdr: RAM [0x%llx, 0x%llx) does not fit the header's class (ELF32 on arm)",
						   (ull)piece[j].start,
						   (ull)end);
			}
			elfw_phdr(&f, &(struct elfw_phdr){
					.type = ELFW_PT_LOAD,
					.flags = ELFW_PF_R | ELFW_PF_W |
						 ELFW_PF_X,
					.offset = off[j],
					.vaddr = c->have_linear ?
						 (piece[j].start +
						  c->linear_offset) & lim : 0,
					.paddr = piece[j].start,
					.filesz = piece[j].size,
					.memsz = piece[j].size,
					.align = CORE_ALIGN }, p);
			p += ph;
		}
	}
	return 0;
}
