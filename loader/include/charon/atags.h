/* SPDX-License-Identifier: MIT */
/*
 * The arm ATAG list (Documentation/arch/arm/booting.rst, 4a; the tag
 * layouts of arch/arm/include/uapi/asm/setup.h): the boot data a kernel
 * without a device tree reads through r2.  Every tag is u32 size in words
 * (header included), u32 id, payload; all little-endian.  The list we
 * build is ATAG_CORE, one ATAG_MEM per RAM range, ATAG_CMDLINE,
 * ATAG_INITRD2 and ATAG_NONE.
 */
#ifndef CHARON_ATAGS_H
#define CHARON_ATAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>
#include <charon/layout.h>

#define CHARON_ATAG_NONE	0x00000000u
#define CHARON_ATAG_CORE	0x54410001u	/* flags pagesize rootdev */
#define CHARON_ATAG_MEM		0x54410002u	/* size, start */
#define CHARON_ATAG_CMDLINE	0x54410009u	/* a C string */
#define CHARON_ATAG_INITRD2	0x54420005u	/* start, size */

/* COMMAND_LINE_SIZE of arm kernels, the NUL included */
#define CHARON_ATAG_CMDLINE_MAX	1024u
/* booting.rst: "the first 16KiB of RAM", conventionally at RAM + 0x100 */
#define CHARON_ATAGS_OFFSET	0x100u
#define CHARON_ATAGS_WINDOW	0x4000u

struct charon_atags {
	const struct charon_mem_range *mem;	/* one ATAG_MEM each */
	unsigned int nr_mem;
	const char *cmdline;	/* NULL: no ATAG_CMDLINE */
	bool initrd;		/* add ATAG_INITRD2 */
	uint64_t initrd_start;
	uint64_t initrd_size;
};

size_t charon_atags_size(unsigned int nr_mem, const char *cmdline,
			 bool initrd);
int charon_atags_build(const struct charon_atags *a, uint8_t **out,
		       size_t *len, struct charon_err *err);
int charon_atags_mem(const struct charon_layout *l,
		     const struct charon_mem_range *holes,
		     unsigned int nr_holes, struct charon_mem_range *out,
		     unsigned int max, unsigned int *nr,
		     struct charon_err *err);

#endif /* CHARON_ATAGS_H */
