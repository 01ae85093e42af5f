// SPDX-License-Identifier: MIT
/*
 * The arm ATAG list, built word by word in little-endian order, and the
 * RAM it describes: the machine's RAM minus what the kernel must not
 * touch (an ATAG list has no reservation tag).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <charon/atags.h>
#include <charon/bytes.h>

typedef unsigned long long ull;

#define PAGE		4096ull
#define SZ_4G		((uint64_t)1 << 32)
#define CORE_WORDS	5u
#define MEM_WORDS	4u
#define INITRD_WORDS	4u
#define NONE_WORDS	2u

/* words of an ATAG_CMDLINE for @cmdline: header, string, NUL, padding */
static size_t cmdline_words(const char *cmdline)
{
	return 2 + (strlen(cmdline) + 1 + 3) / 4;
}

/**
 * charon_atags_size() - bytes of an ATAG list
 * @nr_mem: ATAG_MEM tags
 * @cmdline: the command line, NULL for none
 * @initrd: whether an ATAG_INITRD2 is included
 *
 * Return: the list's size; the same as charon_atags_build() makes.
 */
size_t charon_atags_size(unsigned int nr_mem, const char *cmdline,
			 bool initrd)
{
	size_t w = CORE_WORDS + (size_t)nr_mem * MEM_WORDS + NONE_WORDS;

	if (cmdline) {
		w += cmdline_words(cmdline);
	}
	if (initrd) {
		w += INITRD_WORDS;
	}
	return 4 * w;
}

static uint8_t *tag(uint8_t *p, uint32_t words, uint32_t id)
{
	charon_put32(p, words, CHARON_LE);
	charon_put32(p + 4, id, CHARON_LE);
	return p + 8;
}

/**
 * charon_atags_build() - encode an ATAG list
 * @a: its contents
 * @out: set to the list (malloc'd; free() it)
 * @len: its size
 * @err: error message on failure
 *
 * ATAG_CORE (flags 0, pagesize 4096, rootdev 0), ATAG_MEM {size, start}
 * for each range, ATAG_CMDLINE (the string, NUL, zero padding to a word)
 * when @a->cmdline is set, ATAG_INITRD2 {start, size} when @a->initrd,
 * ATAG_NONE (two zero words).
 *
 * Return: 0, or -EINVAL for no RAM, a range or initrd beyond 4 GiB or a
 * command line of CHARON_ATAG_CMDLINE_MAX bytes or more.
 */
int charon_atags_build(const struct charon_atags *a, uint8_t **out,
		       size_t *len, struct charon_err *err)
{
	const struct charon_mem_range *m;
	uint8_t *buf, *p;
	size_t n, cl;
	unsigned int i;

	*out = NULL;
	*len = 0;
	if (a->nr_mem == 0) {
		return charon_errf(err, -EINVAL, "atags: no RAM to describe");
	}
	for (i = 0; i < a->nr_mem; i++) {
		m = &a->mem[i];
		if (m->start >= SZ_4G || m->size == 0 ||
		    m->size > SZ_4G - m->start) {
			return charon_errf(err, -EINVAL,
					   "atags: ATAG_MEM [0x%llx, 0x%llx) is empty or beyond the 32-bit physical address space",
					   (ull)m->start,
					   (ull)(m->start + m->size));
		}
	}
	if (a->initrd && (a->initrd_start >= SZ_4G ||
			  a->initrd_size > SZ_4G - a->initrd_start)) {
		return charon_errf(err, -EINVAL,
				   "atags: ATAG_INITRD2 [0x%llx, 0x%llx) is beyond the 32-bit physical address space",
				   (ull)a->initrd_start,
				   (ull)(a->initrd_start + a->initrd_size));
	}
	if (a->cmdline) {
		cl = strlen(a->cmdline);
		if (cl >= CHARON_ATAG_CMDLINE_MAX) {
			return charon_errf(err, -EINVAL,
					   "atags: the command line is %zu bytes; an arm kernel takes at most %u (COMMAND_LINE_SIZE %u with the NUL)",
					   cl, CHARON_ATAG_CMDLINE_MAX - 1,
					   CHARON_ATAG_CMDLINE_MAX);
		}
	}
	n = charon_atags_size(a->nr_mem, a->cmdline, a->initrd);
	buf = calloc(1, n);
	if (!buf) {
		return charon_errf(err, -ENOMEM, "atags: out of memory");
	}
	p = tag(buf, CORE_WORDS, CHARON_ATAG_CORE);
	charon_put32(p, 0, CHARON_LE);			/* flags */
	charon_put32(p + 4, (uint32_t)PAGE, CHARON_LE);	/* pagesize */
	charon_put32(p + 8, 0, CHARON_LE);		/* rootdev */
	p += 12;
	for (i = 0; i < a->nr_mem; i++) {
		p = tag(p, MEM_WORDS, CHARON_ATAG_MEM);
		charon_put32(p, (uint32_t)a->mem[i].size, CHARON_LE);
		charon_put32(p + 4, (uint32_t)a->mem[i].start, CHARON_LE);
		p += 8;
	}
	if (a->cmdline) {
		cl = cmdline_words(a->cmdline);
		p = tag(p, (uint32_t)cl, CHARON_ATAG_CMDLINE);
		memcpy(p, a->cmdline, strlen(a->cmdline));
		p += 4 * (cl - 2);	/* NUL and padding: calloc's zeros */
	}
	if (a->initrd) {
		p = tag(p, INITRD_WORDS, CHARON_ATAG_INITRD2);
		charon_put32(p, (uint32_t)a->initrd_start, CHARON_LE);
		charon_put32(p + 4, (uint32_t)a->initrd_size, CHARON_LE);
		p += 8;
	}
	tag(p, 0, CHARON_ATAG_NONE);
	*out = buf;
	*len = n;
	return 0;
}

/* emit [start, end) page-aligned inwards, if anything is left */
static int emit(uint64_t start, uint64_t end, struct charon_mem_range *out,
		unsigned int max, unsigned int *nr, struct charon_err *err)
{
	start = (start + PAGE - 1) & ~(PAGE - 1);
	end &= ~(PAGE - 1);
	if (end > SZ_4G) {
		end = SZ_4G;
	}
	if (start >= end) {
		return 0;
	}
	if (*nr >= max) {
		return charon_errf(err, -ENOSPC,
				   "atags: more than %u ATAG_MEM ranges", max);
	}
	out[*nr].start = start;
	out[*nr].size = end - start;
	(*nr)++;
	return 0;
}

/**
 * charon_atags_mem() - the RAM an ATAG list describes
 * @l: the layout, whose RAM ranges are used
 * @holes: ranges the kernel must not use (the stub, the device tree's
 *	reservations), in any order; they may overlap each other
 * @nr_holes: how many
 * @out: the RAM ranges minus the holes, page-aligned inwards, below 4 GiB
 * @max: room in @out
 * @nr: how many were written
 * @err: error message on failure
 *
 * An ATAG list cannot reserve memory, so what a device tree would carry
 * as /memreserve/ is left out of ATAG_MEM instead.
 *
 * Return: 0, or -ENOSPC when @out is too small.
 */
int charon_atags_mem(const struct charon_layout *l,
		     const struct charon_mem_range *holes,
		     unsigned int nr_holes, struct charon_mem_range *out,
		     unsigned int max, unsigned int *nr,
		     struct charon_err *err)
{
	const struct charon_mem_range *h;
	uint64_t pos, end, hend;
	unsigned int i, j;
	int rc;

	*nr = 0;
	for (i = 0; i < l->nr_ram; i++) {
		pos = l->ram[i].start;
		end = pos + l->ram[i].size;
		while (pos < end) {
			/* the lowest-starting hole that reaches past pos */
			h = NULL;
			for (j = 0; j < nr_holes; j++) {
				hend = holes[j].start + holes[j].size;
				if (holes[j].size && hend > pos &&
				    holes[j].start < end &&
				    (!h || holes[j].start < h->start)) {
					h = &holes[j];
				}
			}
			if (!h) {
				rc = emit(pos, end, out, max, nr, err);
				if (rc) {
					return rc;
				}
				break;
			}
			if (h->start > pos) {
				rc = emit(pos, h->start, out, max, nr, err);
				if (rc) {
					return rc;
				}
			}
			pos = h->start + h->size;	/* > pos */
		}
	}
	return 0;
}
