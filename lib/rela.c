// SPDX-License-Identifier: MIT
/*
 * The RELA engine: RELATIVE relocations only, with skip ranges.
 *
 * The stub calls this from its entry code before it is relocated, so this
 * file must not take the address of anything (no tables of pointers, no
 * switch that could become a jump table of absolute addresses).
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

/*
 * The target may be unaligned in a payload.  No memcpy: the stub runs this
 * before it is relocated, and a library call must not be needed here.
 */
static inline void rela_store64(uint8_t *p, uint64_t v)
{
	if (((uintptr_t)p & 7) == 0) {
		*(uint64_t *)p = v;
		return;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	p[0] = (uint8_t)(v >> 56);
	p[1] = (uint8_t)(v >> 48);
	p[2] = (uint8_t)(v >> 40);
	p[3] = (uint8_t)(v >> 32);
	p[4] = (uint8_t)(v >> 24);
	p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8);
	p[7] = (uint8_t)v;
#else
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	p[4] = (uint8_t)(v >> 32);
	p[5] = (uint8_t)(v >> 40);
	p[6] = (uint8_t)(v >> 48);
	p[7] = (uint8_t)(v >> 56);
#endif
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
		uint32_t type = RELA64_TYPE(rela[i].r_info);
		uint64_t value;

		int rc = 0;

		if (type != relative_type || RELA64_SYM(rela[i].r_info)) {
			rc = -LIB_ENOTSUP;
		} else if (where < link_base || size < 8 ||
			   where - link_base > size - 8) {
			rc = -LIB_ERANGE;
		}
		if (rc) {
			err->index = i;
			err->r_offset = where;
			err->type = type;
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
