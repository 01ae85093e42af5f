/* SPDX-License-Identifier: MIT */
/*
 * The RELA relocation engine, shared by the stub (its own .rela.dyn) and the
 * host (pre-relocating ET_DYN payloads).  It works on plain arrays: the stub
 * finds its table through linker symbols, the host extracts it with libelf.
 */
#ifndef LIB_RELA_H
#define LIB_RELA_H

#include <stddef.h>
#include <stdint.h>

/* an Elf64_Rela, in the image's byte order (the engine runs natively) */
struct rela64 {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

#define RELA64_TYPE(info)	((uint32_t)(info))
#define RELA64_SYM(info)	((uint32_t)((info) >> 32))

/* an Elf32_Rel: the addend is the word at r_offset (arm's .rel.dyn) */
struct rel32 {
	uint32_t r_offset;
	uint32_t r_info;
};

#define REL32_TYPE(info)	((info) & 0xffu)
#define REL32_SYM(info)		((info) >> 8)

/* a range of link-time addresses whose relocations must be left alone */
struct rela_skip {
	uint64_t start;
	uint64_t end;			/* exclusive */
};

/* what went wrong, for the caller to print */
struct rela_error {
	size_t index;			/* entry of the table */
	uint64_t r_offset;
	uint32_t type;
};

/**
 * rela64_apply() - apply RELATIVE relocations for a load offset
 * @base: where the image is now (host: a buffer; stub: its load address)
 * @link_base: the link-time address of @base (0 for the stub)
 * @size: bytes of the image that relocations may touch
 * @rela: the table; @n: its number of entries
 * @relative_type: the arch's RELATIVE type (R_AARCH64_RELATIVE = 1027, ...)
 * @offset: added to every relocated value (load address - link address);
 *	0 returns at once
 * @skip: ranges of link-time addresses to leave alone (may be NULL)
 * @nskip: number of skip ranges
 * @err: filled in on failure
 *
 * Each entry writes *(u64 *)(base + r_offset - link_base) = r_addend + offset.
 * Stops at the first entry of another type (-LIB_ENOTSUP) or whose target
 * is not inside [link_base, link_base + size - 8] (-LIB_ERANGE); entries
 * before it have been applied.  Safe to call before the caller itself is
 * relocated: it uses no absolute addresses.
 *
 * Return: 0 or a negative LIB_E* code.
 */
int rela64_apply(void *base, uint64_t link_base, uint64_t size,
		 const struct rela64 *rela, size_t n, uint32_t relative_type,
		 uint64_t offset, const struct rela_skip *skip, size_t nskip,
		 struct rela_error *err);

/**
 * rel32_apply() - apply RELATIVE relocations of a REL table (implicit
 *	addends) for a load offset
 * @base, @link_base, @size, @n, @relative_type, @skip, @nskip, @err: as
 *	for rela64_apply()
 * @rel: the table
 * @offset: added to every relocated word; 0 returns at once
 *
 * Each entry adds @offset to the 32-bit word at base + r_offset - link_base.
 * Unlike RELA this is not idempotent: a table must be applied once.  Same
 * checks, same order, same error reporting as rela64_apply().
 *
 * Return: 0 or a negative LIB_E* code.
 */
int rel32_apply(void *base, uint32_t link_base, uint32_t size,
		const struct rel32 *rel, size_t n, uint32_t relative_type,
		uint32_t offset, const struct rela_skip *skip, size_t nskip,
		struct rela_error *err);

#endif /* LIB_RELA_H */
