/* SPDX-License-Identifier: MIT */
/*
 * The RELA relocation engine, shared by the stub (its own .rela.dyn) and the
 * host (pre-relocating ET_DYN payloads).  It works on plain arrays: the stub
 * finds its table through linker symbols, the host extracts it with libelf.
 *
 * Two entry points: rela64_apply() (RELATIVE only, native byte order; what
 * the stub runs on itself) and rela64_apply_syms() (RELATIVE plus 64-bit
 * absolute relocations against symbols, either byte order; what the host
 * runs on a payload).
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
	uint32_t sym;			/* the entry's symbol index */
};

/* ppc64 relocation types (64-bit PowerPC ELF ABI) */
#define RELA_R_PPC64_NONE	0u
#define RELA_R_PPC64_RELATIVE	22u
#define RELA_R_PPC64_ADDR64	38u
#define RELA_R_PPC64_UADDR64	43u

/*
 * The types rela64_apply_syms() knows, as numbers of the image's
 * architecture.  Type 0 (R_*_NONE on every architecture) is always
 * accepted and does nothing.
 */
struct rela64_types {
	uint32_t relative;		/* B + A */
	uint32_t addr64;		/* S + A, 8 bytes */
	uint32_t uaddr64;		/* the same, unaligned; 0: none */
};

/* a symbol of the table the relocations refer to, as the host resolved it */
struct rela_sym {
	uint64_t value;			/* st_value: address or number */
	uint32_t flags;			/* RELA_SYM_* */
};

/*
 * The symbol does not move with the image: SHN_ABS (e.g. a module CRC), or
 * an undefined weak symbol (value 0).  Without it the symbol is defined in
 * the image and moves with it: its value gets the load offset.
 */
#define RELA_SYM_ABS	(1u << 0)
/* undefined and not weak: a relocation against it cannot be applied */
#define RELA_SYM_UNDEF	(1u << 1)

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

/**
 * rela64_apply_syms() - apply RELATIVE and 64-bit absolute relocations
 *	against symbols for a load offset (host side)
 * @base: the image (a buffer)
 * @link_base: the link-time address of @base
 * @size: bytes of the image that relocations may touch
 * @big_endian: store values big-endian (else little-endian), whatever the
 *	caller's own byte order; the table itself is in host order
 * @rela: the table; @n: its number of entries
 * @types: the architecture's type numbers
 * @syms: the symbol table the entries index (entry 0 is the null symbol);
 *	may be NULL when @nsyms is 0
 * @nsyms: its number of entries
 * @offset: load address - link address; may be 0 (absolute relocations
 *	against symbols are still applied)
 * @skip: ranges of link-time addresses to leave alone (may be NULL)
 * @nskip: number of skip ranges
 * @err: filled in on failure
 *
 * Each entry writes the 8 bytes at base + r_offset - link_base:
 *	RELATIVE:	r_addend + @offset (its symbol index must be 0)
 *	ADDR64/UADDR64:	S + r_addend, plus @offset when the symbol
 *			moves with the image (not RELA_SYM_ABS); symbol
 *			index 0 is the number r_addend
 *	NONE (0):	nothing
 * Entries whose target lies in a skip range are checked but not applied.
 * Stops at the first entry of another type (-LIB_ENOTSUP), whose target
 * is not inside [link_base, link_base + size - 8] (-LIB_ERANGE), or whose
 * symbol index is past @nsyms or names an undefined symbol (-LIB_EINVAL);
 * entries before it have been applied.  Uses no library call; the stub
 * never calls it.
 *
 * Return: 0 or a negative LIB_E* code.
 */
int rela64_apply_syms(void *base, uint64_t link_base, uint64_t size,
		      int big_endian, const struct rela64 *rela, size_t n,
		      const struct rela64_types *types,
		      const struct rela_sym *syms, size_t nsyms,
		      uint64_t offset, const struct rela_skip *skip,
		      size_t nskip, struct rela_error *err);

#endif /* LIB_RELA_H */
