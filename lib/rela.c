// SPDX-License-Identifier: MIT
/*
 * The RELA engine (and its REL twin for 32-bit arm): RELATIVE relocations,
 * with skip ranges; and, for the host, 64-bit absolute relocations against
 * symbols in either byte order.
 *
 * The stub calls this from its entry code before it is relocated, so this
 * file must not take the address of anything (no tables of pointers, no
 * switch that could become a jump table of absolute addresses) nor call a
 * library function (no memcpy).
 */
#include <lib/errors.h>
#include <lib/rela.h>

static int rela_skipped(uint64_t where, const struct rela_skip *skip,
			size_t nskip)
{
	size_t i;

	for (i = 0; i < nskip; i++) {
		if (where >= skip[i].start && where < skip[i].end) {
			return 1;
		}
	}
	return 0;
}

#define NATIVE_BE	(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

/*
 * Byte-wise access, any alignment, in a chosen byte order: a target may be
 * unaligned in a payload.  No memcpy: the stub runs this before it is
 * relocated, and a library call must not be needed here.
 */
static inline void rel_put(uint8_t *p, uint64_t v, unsigned int width,
			   int big_endian)
{
	unsigned int i;

	for (i = 0; i < width; i++) {
		p[big_endian ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
	}
}

static inline uint64_t rel_get(const uint8_t *p, unsigned int width,
			       int big_endian)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < width; i++) {
		v |= (uint64_t)p[big_endian ? width - 1 - i : i] << (8 * i);
	}
	return v;
}

static inline void rela_store64(uint8_t *p, uint64_t v)
{
	if (((uintptr_t)p & 7) == 0) {
		*(uint64_t *)p = v;
		return;
	}
	rel_put(p, v, 8, NATIVE_BE);
}

static int rel_fail(int rc, size_t i, uint64_t where, uint32_t type,
		    uint32_t sym, struct rela_error *err)
{
	err->index = i;
	err->r_offset = where;
	err->type = type;
	err->sym = sym;
	return rc;
}

/* is [where, where + width) inside [link_base, link_base + size)? */
static int rel_inside(uint64_t where, uint64_t link_base, uint64_t size,
		      unsigned int width)
{
	return where >= link_base && size >= width &&
	       where - link_base <= size - width;
}

/* rela64_apply()'s entry checks; 0 or the LIB_E* code, err filled */
static int rel_check(size_t i, uint64_t where, uint32_t type, uint32_t sym,
		     uint32_t relative_type, uint64_t link_base,
		     uint64_t size, unsigned int width, struct rela_error *err)
{
	if (type != relative_type || sym) {
		return rel_fail(-LIB_ENOTSUP, i, where, type, sym, err);
	}
	if (!rel_inside(where, link_base, size, width)) {
		return rel_fail(-LIB_ERANGE, i, where, type, sym, err);
	}
	return 0;
}

int rela64_apply(void *base, uint64_t link_base, uint64_t size,
		 const struct rela64 *rela, size_t n, uint32_t relative_type,
		 uint64_t offset, const struct rela_skip *skip, size_t nskip,
		 struct rela_error *err)
{
	uint8_t *image = base;
	size_t i;

	if (offset == 0) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t where = rela[i].r_offset;
		uint64_t value;
		int rc;

		rc = rel_check(i, where, RELA64_TYPE(rela[i].r_info),
			       RELA64_SYM(rela[i].r_info), relative_type,
			       link_base, size, 8, err);
		if (rc) {
			return rc;
		}
		if (skip && rela_skipped(where, skip, nskip)) {
			continue;
		}
		value = (uint64_t)rela[i].r_addend + offset;
		rela_store64(image + (where - link_base), value);
	}
	return 0;
}

/* 32-bit load and store, any alignment, native byte order */
static inline uint32_t rel_load32(const uint8_t *p)
{
	if (((uintptr_t)p & 3) == 0) {
		return *(const uint32_t *)p;
	}
	return (uint32_t)rel_get(p, 4, NATIVE_BE);
}

static inline void rel_store32(uint8_t *p, uint32_t v)
{
	if (((uintptr_t)p & 3) == 0) {
		*(uint32_t *)p = v;
		return;
	}
	rel_put(p, v, 4, NATIVE_BE);
}

int rel32_apply(void *base, uint32_t link_base, uint32_t size,
		const struct rel32 *rel, size_t n, uint32_t relative_type,
		uint32_t offset, const struct rela_skip *skip, size_t nskip,
		struct rela_error *err)
{
	uint8_t *image = base;
	size_t i;

	if (offset == 0) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint32_t where = rel[i].r_offset;
		uint8_t *p;
		int rc;

		rc = rel_check(i, where, REL32_TYPE(rel[i].r_info),
			       REL32_SYM(rel[i].r_info), relative_type,
			       link_base, size, 4, err);
		if (rc) {
			return rc;
		}
		if (skip && rela_skipped(where, skip, nskip)) {
			continue;
		}
		p = image + (where - link_base);
		rel_store32(p, rel_load32(p) + offset);
	}
	return 0;
}

int rela64_apply_syms(void *base, uint64_t link_base, uint64_t size,
		      int big_endian, const struct rela64 *rela, size_t n,
		      const struct rela64_types *types,
		      const struct rela_sym *syms, size_t nsyms,
		      uint64_t offset, const struct rela_skip *skip,
		      size_t nskip, struct rela_error *err)
{
	uint8_t *image = base;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t where = rela[i].r_offset;
		uint32_t type = RELA64_TYPE(rela[i].r_info);
		uint32_t sym = RELA64_SYM(rela[i].r_info);
		uint64_t value = (uint64_t)rela[i].r_addend;

		if (type == 0) {
			continue;	/* R_*_NONE */
		}
		if (type == types->relative) {
			if (sym) {
				return rel_fail(-LIB_ENOTSUP, i, where, type,
						sym, err);
			}
			value += offset;
		} else if (type == types->addr64 ||
			   (types->uaddr64 && type == types->uaddr64)) {
			if (sym && (sym >= nsyms ||
				    (syms[sym].flags & RELA_SYM_UNDEF))) {
				return rel_fail(-LIB_EINVAL, i, where, type,
						sym, err);
			}
			if (sym) {
				value += syms[sym].value;
				if (!(syms[sym].flags & RELA_SYM_ABS)) {
					value += offset;
				}
			}
		} else {
			return rel_fail(-LIB_ENOTSUP, i, where, type, sym, err);
		}
		if (!rel_inside(where, link_base, size, 8)) {
			return rel_fail(-LIB_ERANGE, i, where, type, sym, err);
		}
		if (skip && rela_skipped(where, skip, nskip)) {
			continue;
		}
		rel_put(image + (where - link_base), value, 8, big_endian);
	}
	return 0;
}
