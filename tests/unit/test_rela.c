// SPDX-License-Identifier: MIT
/*
 * lib/rela: the RELA engine, on synthetic tables: rela64_apply() and
 * rel32_apply() (RELATIVE only) and rela64_apply_syms() (RELATIVE and
 * ADDR64/UADDR64 against symbols, either byte order).  Built for the host
 * (cmocka) and every target (qemu-user), so the unaligned byte stores are
 * checked on big-endian ppc64 too.
 */
#include <lib/errors.h>
#include <lib/rela.h>
#include <string.h>

#include "tc.h"

#define RELATIVE	1027u	/* any number works: the engine is told it */
#define IMG		256

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static struct rela64 rel(uint64_t off, uint32_t type, int64_t addend)
{
	struct rela64 r = { off, type, addend };

	return r;
}

static void case_applies_relative(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rela64 r[3] = {
		rel(0x10, RELATIVE, 0x100),
		rel(0x18, RELATIVE, 0),
		rel(0xf8, RELATIVE, 0x40),	/* the last 8 bytes */
	};
	struct rela_error err;
	int rc;

	rc = rela64_apply(img, 0, IMG, r, 3, RELATIVE, 0x40000000, 0, 0, &err);
	TC_CHECK(t, rc == 0, "rc %d", rc);
	TC_CHECK(t, rd64(img + 0x10) == 0x40000100, "entry 0");
	TC_CHECK(t, rd64(img + 0x18) == 0x40000000, "entry 1");
	TC_CHECK(t, rd64(img + 0xf8) == 0x40000040, "entry 2");
	TC_CHECK(t, rd64(img + 0x20) == 0, "untouched word changed");
}

static void case_offset_zero_is_a_no_op(struct tc *t)
{
	uint8_t img[IMG], before[IMG];
	/* even a bad table: offset 0 returns before reading it */
	struct rela64 r[1] = { rel(0x1000, 99, 5) };
	struct rela_error err;

	tc_fill(img, IMG, 3);
	memcpy(before, img, IMG);
	TC_CHECK(t, rela64_apply(img, 0, IMG, r, 1, RELATIVE, 0, 0, 0, &err) == 0,
		 "offset 0 must succeed at once");
	TC_CHECK(t, !memcmp(img, before, IMG), "offset 0 changed the image");
}

static void case_unknown_type_stops(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rela64 r[3] = {
		rel(0x08, RELATIVE, 1),
		rel(0x10, 257 /* e.g. R_AARCH64_ABS64 */, 2),
		rel(0x18, RELATIVE, 3),
	};
	struct rela_error err = { 0 };
	int rc;

	rc = rela64_apply(img, 0, IMG, r, 3, RELATIVE, 0x1000, 0, 0, &err);
	TC_CHECK(t, rc == -LIB_ENOTSUP, "rc %d", rc);
	TC_CHECK(t, err.index == 1 && err.type == 257 && err.r_offset == 0x10,
		 "error names entry %zu type %u offset 0x%llx", err.index,
		 err.type, (unsigned long long)err.r_offset);
	TC_CHECK(t, rd64(img + 0x08) == 0x1001, "entry before the bad one");
	TC_CHECK(t, rd64(img + 0x18) == 0, "entry after the bad one applied");
}

static void case_symbol_is_refused(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rela64 r[1] = { { 0x08, ((uint64_t)7 << 32) | RELATIVE, 0 } };
	struct rela_error err = { 0 };

	TC_CHECK(t, rela64_apply(img, 0, IMG, r, 1, RELATIVE, 0x1000, 0, 0,
				 &err) == -LIB_ENOTSUP,
		 "a RELATIVE with a symbol index is not RELATIVE");
}

static void case_out_of_range(struct tc *t)
{
	/* image linked at 0x1000, IMG bytes: each target must be refused */
	static const uint64_t bad[] = {
		0x1000 + IMG - 7,	/* straddles the end */
		0x1000 + IMG,		/* just past the end */
		0xffffffffffffff00ull,	/* far away */
		0x0ff8,			/* below the image */
	};
	uint8_t img[IMG] = { 0 };
	struct rela_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rela64 r[1] = { rel(bad[i], RELATIVE, 0) };
		int rc = rela64_apply(img, 0x1000, IMG, r, 1, RELATIVE, 0x10,
				      0, 0, &err);

		TC_CHECK(t, rc == -LIB_ERANGE && err.r_offset == bad[i],
			 "target 0x%llx: rc %d", (unsigned long long)bad[i], rc);
	}
	TC_CHECK(t, rela64_apply(img, 0, 4, (struct rela64[]){ rel(0, RELATIVE, 0) },
				 1, RELATIVE, 1, 0, 0, &err) == -LIB_ERANGE,
		 "image smaller than one word");
}

static void case_skip_ranges(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rela64 r[4] = {
		rel(0x2000, RELATIVE, 1), rel(0x2008, RELATIVE, 2),
		rel(0x2010, RELATIVE, 3), rel(0x2040, RELATIVE, 4),
	};
	/* e.g. a __kcrctab section: CRCs, not addresses */
	struct rela_skip skip[2] = { { 0x2008, 0x2010 }, { 0x2040, 0x2048 } };
	struct rela_error err;
	int rc;

	rc = rela64_apply(img, 0x2000, IMG, r, 4, RELATIVE, 0x100, skip, 2,
			  &err);
	TC_CHECK(t, rc == 0, "rc %d", rc);
	TC_CHECK(t, rd64(img + 0x00) == 0x101, "before the skip range");
	TC_CHECK(t, rd64(img + 0x08) == 0, "inside the first skip range");
	TC_CHECK(t, rd64(img + 0x10) == 0x103, "right after the skip range");
	TC_CHECK(t, rd64(img + 0x40) == 0, "inside the second skip range");
}

static void case_unaligned_target(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	uint64_t want = 0x1122334455667788ull + 0x10;
	size_t off;

	for (off = 1; off < 8; off++) {
		struct rela64 r[1] = { rel(0x20 + off, RELATIVE,
					   0x1122334455667788ll) };
		struct rela_error err;

		memset(img, 0, IMG);
		TC_CHECK(t, rela64_apply(img, 0, IMG, r, 1, RELATIVE, 0x10, 0, 0,
					 &err) == 0, "misaligned by %zu", off);
		TC_CHECK(t, rd64(img + 0x20 + off) == want,
			 "misaligned by %zu: got 0x%llx", off,
			 (unsigned long long)rd64(img + 0x20 + off));
		TC_CHECK(t, img[0x20 + off - 1] == 0 && img[0x28 + off] == 0,
			 "misaligned by %zu: neighbours written", off);
	}
}

/* ---- rel32_apply(): arm's REL table, implicit addends ------------------- */

#define R_ARM_RELATIVE	23u

static struct rel32 rel32(uint32_t off, uint32_t type)
{
	struct rel32 r = { off, type };

	return r;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void case_rel32_adds_offset(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rel32 r[3] = {
		rel32(0x10, R_ARM_RELATIVE),
		rel32(0x15, R_ARM_RELATIVE),	/* unaligned */
		rel32(0xfc, R_ARM_RELATIVE),	/* the last word */
	};
	struct rela_error err;
	int rc;

	wr32(img + 0x10, 0x100);
	wr32(img + 0x15, 0x1234);
	wr32(img + 0xfc, 0xffffff00u);
	rc = rel32_apply(img, 0, IMG, r, 3, R_ARM_RELATIVE, 0x40000000u, 0, 0,
			 &err);
	TC_CHECK(t, rc == 0, "rc %d", rc);
	TC_CHECK(t, rd32(img + 0x10) == 0x40000100u, "aligned: 0x%x",
		 rd32(img + 0x10));
	TC_CHECK(t, rd32(img + 0x15) == 0x40001234u, "unaligned: 0x%x",
		 rd32(img + 0x15));
	TC_CHECK(t, img[0x14] == 0 && img[0x19] == 0,
		 "unaligned: neighbours written");
	TC_CHECK(t, rd32(img + 0xfc) == 0x3fffff00u,
		 "the addend wraps modulo 2^32: 0x%x", rd32(img + 0xfc));
	TC_CHECK(t, rel32_apply(img, 0, IMG, r, 3, R_ARM_RELATIVE, 0, 0, 0,
				&err) == 0 && rd32(img + 0x10) == 0x40000100u,
		 "offset 0 changes nothing");
}

static void case_rel32_refuses(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rela_error err = { 0 };
	struct rel32 sym[2] = {
		rel32(0x08, R_ARM_RELATIVE),
		rel32(0x0c, (5u << 8) | R_ARM_RELATIVE),
	};
	struct rel32 abs[1] = { rel32(0x08, 2u /* R_ARM_ABS32 */) };
	static const uint32_t bad[] = { 0x1000 + IMG - 3, 0x1000 + IMG,
					0x0ffc, 0xfffffff0u };
	size_t i;
	int rc;

	rc = rel32_apply(img, 0, IMG, sym, 2, R_ARM_RELATIVE, 0x10, 0, 0, &err);
	TC_CHECK(t, rc == -LIB_ENOTSUP && err.index == 1 &&
		 err.r_offset == 0x0c, "symbol: rc %d index %zu", rc, err.index);
	TC_CHECK(t, rd32(img + 0x08) == 0x10, "the entry before it applied");
	rc = rel32_apply(img, 0, IMG, abs, 1, R_ARM_RELATIVE, 0x10, 0, 0, &err);
	TC_CHECK(t, rc == -LIB_ENOTSUP && err.type == 2, "ABS32: rc %d", rc);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rel32 r[1] = { rel32(bad[i], R_ARM_RELATIVE) };

		rc = rel32_apply(img, 0x1000, IMG, r, 1, R_ARM_RELATIVE, 0x10,
				 0, 0, &err);
		TC_CHECK(t, rc == -LIB_ERANGE && err.r_offset == bad[i],
			 "target 0x%x: rc %d", bad[i], rc);
	}
}

static void case_rel32_skip(struct tc *t)
{
	uint8_t img[IMG] = { 0 };
	struct rel32 r[3] = {
		rel32(0x2000, R_ARM_RELATIVE), rel32(0x2004, R_ARM_RELATIVE),
		rel32(0x2008, R_ARM_RELATIVE),
	};
	struct rela_skip skip[1] = { { 0x2004, 0x2008 } };
	struct rela_error err;

	wr32(img + 0x4, 0xc0ffee);	/* a CRC, not an address */
	TC_CHECK(t, rel32_apply(img, 0x2000, IMG, r, 3, R_ARM_RELATIVE, 0x100,
				skip, 1, &err) == 0, "applies");
	TC_CHECK(t, rd32(img + 0x0) == 0x100 && rd32(img + 0x8) == 0x100,
		 "outside the skip range");
	TC_CHECK(t, rd32(img + 0x4) == 0xc0ffee, "inside it: untouched");
}


/* ---- rela64_apply_syms(): symbols, either byte order --------------------- */

static const struct rela64_types ppc64_types = {
	RELA_R_PPC64_RELATIVE, RELA_R_PPC64_ADDR64, RELA_R_PPC64_UADDR64
};

static struct rela64 rsym(uint64_t off, uint32_t type, uint32_t sym,
			  int64_t addend)
{
	struct rela64 r = { off, ((uint64_t)sym << 32) | type, addend };

	return r;
}

/* read 8 bytes in a given byte order, independently of the engine */
static uint64_t rd64_order(const uint8_t *p, int big_endian)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		v |= (uint64_t)p[big_endian ? 7 - i : i] << (8 * i);
	}
	return v;
}

/*
 * A "kernel" linked at 0x10000: symbol 1 moves with it (a function), 2 is
 * absolute (a module CRC), 3 is an undefined weak symbol (value 0).
 */
static const struct rela_sym syms4[4] = {
	{ 0, 0 },
	{ 0x10040, 0 },
	{ 0x12345678, RELA_SYM_ABS },
	{ 0, RELA_SYM_ABS },
};

static void case_syms_values(struct tc *t)
{
	int be;

	for (be = 0; be <= 1; be++) {
		uint8_t img[IMG] = { 0 };
		struct rela64 r[7] = {
			rsym(0x10000, RELA_R_PPC64_RELATIVE, 0, 0x10080),
			rsym(0x10008, RELA_R_PPC64_ADDR64, 1, 8),
			rsym(0x10013, RELA_R_PPC64_UADDR64, 1, 0),
			rsym(0x10020, RELA_R_PPC64_ADDR64, 2, 0),
			rsym(0x1002b, RELA_R_PPC64_UADDR64, 2, 0),
			rsym(0x10038, RELA_R_PPC64_ADDR64, 3, 0),
			rsym(0x10040, RELA_R_PPC64_ADDR64, 0, 0x777),
		};
		struct rela_error err;
		int rc;

		rc = rela64_apply_syms(img, 0x10000, IMG, be, r, 7,
				       &ppc64_types, syms4, 4, 0x2000000, 0, 0,
				       &err);
		TC_CHECK(t, rc == 0, "be %d: rc %d", be, rc);
		TC_CHECK(t, rd64_order(img + 0x00, be) == 0x2010080,
			 "be %d: RELATIVE", be);
		TC_CHECK(t, rd64_order(img + 0x08, be) == 0x2010048,
			 "be %d: ADDR64 moving symbol: 0x%llx", be,
			 (unsigned long long)rd64_order(img + 0x08, be));
		TC_CHECK(t, rd64_order(img + 0x13, be) == 0x2010040,
			 "be %d: UADDR64 moving symbol", be);
		TC_CHECK(t, rd64_order(img + 0x20, be) == 0x12345678,
			 "be %d: ADDR64 absolute symbol keeps its value", be);
		TC_CHECK(t, rd64_order(img + 0x2b, be) == 0x12345678,
			 "be %d: UADDR64 absolute symbol", be);
		TC_CHECK(t, rd64_order(img + 0x38, be) == 0,
			 "be %d: undefined weak symbol is 0", be);
		TC_CHECK(t, rd64_order(img + 0x40, be) == 0x777,
			 "be %d: symbol 0 is the plain addend", be);
		TC_CHECK(t, img[0x12] == 0 && img[0x1b] == 0,
			 "be %d: unaligned store wrote its neighbours", be);
	}
}

static void case_syms_offset_zero(struct tc *t)
{
	/* unlike rela64_apply(), offset 0 still resolves symbols */
	uint8_t img[IMG] = { 0 };
	struct rela64 r[2] = {
		rsym(0x10000, RELA_R_PPC64_RELATIVE, 0, 0x10080),
		rsym(0x10008, RELA_R_PPC64_ADDR64, 2, 1),
	};
	struct rela_error err;

	TC_CHECK(t, rela64_apply_syms(img, 0x10000, IMG, 0, r, 2,
				      &ppc64_types, syms4, 4, 0, 0, 0,
				      &err) == 0, "applies");
	TC_CHECK(t, rd64_order(img, 0) == 0x10080, "RELATIVE at offset 0");
	TC_CHECK(t, rd64_order(img + 8, 0) == 0x12345679, "ADDR64 at offset 0");
}

static void case_syms_skip_and_none(struct tc *t)
{
	uint8_t img[IMG];
	struct rela64 r[4] = {
		rsym(0x10000, RELA_R_PPC64_RELATIVE, 0, 0x12345678),
		rsym(0x10008, RELA_R_PPC64_ADDR64, 1, 0),
		rsym(0x10010, RELA_R_PPC64_NONE, 0, 0),
		rsym(0x10018, RELA_R_PPC64_RELATIVE, 0, 0x10000),
	};
	/* a __kcrctab entry whose CRC must not get the offset */
	struct rela_skip skip[1] = { { 0x10000, 0x10010 } };
	struct rela_error err;

	memset(img, 0xee, IMG);
	TC_CHECK(t, rela64_apply_syms(img, 0x10000, IMG, 1, r, 4,
				      &ppc64_types, syms4, 4, 0x100000, skip,
				      1, &err) == 0, "applies");
	TC_CHECK(t, img[0] == 0xee && img[15] == 0xee, "skip range written");
	TC_CHECK(t, img[0x10] == 0xee && img[0x17] == 0xee, "NONE wrote");
	TC_CHECK(t, rd64_order(img + 0x18, 1) == 0x110000, "after the skip");
}

static void case_syms_refuses(struct tc *t)
{
	static const struct rela_sym undef[2] = { { 0, 0 },
						  { 0, RELA_SYM_UNDEF } };
	struct rela64_types no_u = ppc64_types;
	uint8_t img[IMG] = { 0 };
	struct rela_error err = { 0 };
	struct {
		struct rela64 r;
		const struct rela_sym *syms;
		size_t nsyms;
		int rc;
		const char *what;
	} c[] = {
		{ rsym(0x10008, RELA_R_PPC64_RELATIVE, 1, 0), syms4, 4,
		  -LIB_ENOTSUP, "RELATIVE with a symbol" },
		{ rsym(0x10008, 33 /* R_PPC64_TOC16 */, 0, 0), syms4, 4,
		  -LIB_ENOTSUP, "unknown type" },
		{ rsym(0x10008, RELA_R_PPC64_ADDR64, 4, 0), syms4, 4,
		  -LIB_EINVAL, "symbol index past the table" },
		{ rsym(0x10008, RELA_R_PPC64_ADDR64, 1, 0), NULL, 0,
		  -LIB_EINVAL, "no symbol table" },
		{ rsym(0x10008, RELA_R_PPC64_ADDR64, 1, 0), undef, 2,
		  -LIB_EINVAL, "undefined symbol" },
		{ rsym(0x10000 + IMG - 7, RELA_R_PPC64_ADDR64, 2, 0), syms4, 4,
		  -LIB_ERANGE, "straddles the end" },
		{ rsym(0xfff8, RELA_R_PPC64_RELATIVE, 0, 0), syms4, 4,
		  -LIB_ERANGE, "below the image" },
	};
	struct rela64 two[2] = {
		rsym(0x10000, RELA_R_PPC64_RELATIVE, 0, 1),
		rsym(0x10008, RELA_R_PPC64_UADDR64, 2, 0),
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct rela64 r[2] = { rsym(0x10000, RELA_R_PPC64_RELATIVE, 0,
					    5), c[i].r };

		memset(img, 0, IMG);
		rc = rela64_apply_syms(img, 0x10000, IMG, 0, r, 2,
				       &ppc64_types, c[i].syms, c[i].nsyms,
				       0x10, 0, 0, &err);
		TC_CHECK(t, rc == c[i].rc, "%s: rc %d", c[i].what, rc);
		TC_CHECK(t, err.index == 1 && err.r_offset == c[i].r.r_offset &&
			 err.type == RELA64_TYPE(c[i].r.r_info) &&
			 err.sym == RELA64_SYM(c[i].r.r_info),
			 "%s: error names entry %zu offset 0x%llx type %u sym %u",
			 c[i].what, err.index, (unsigned long long)err.r_offset,
			 err.type, err.sym);
		TC_CHECK(t, rd64_order(img, 0) == 0x15,
			 "%s: the entry before it applied", c[i].what);
	}
	/* an architecture without UADDR64 */
	no_u.uaddr64 = 0;
	rc = rela64_apply_syms(img, 0x10000, IMG, 0, two, 2, &no_u, syms4, 4,
			       0x10, 0, 0, &err);
	TC_CHECK(t, rc == -LIB_ENOTSUP && err.type == RELA_R_PPC64_UADDR64,
		 "UADDR64 when the architecture has none: rc %d", rc);
}

const struct tc_case tc_cases[] = {
	{ "rela_applies_relative", case_applies_relative },
	{ "rela_offset_zero_is_a_no_op", case_offset_zero_is_a_no_op },
	{ "rela_unknown_type_stops", case_unknown_type_stops },
	{ "rela_symbol_is_refused", case_symbol_is_refused },
	{ "rela_out_of_range", case_out_of_range },
	{ "rela_skip_ranges", case_skip_ranges },
	{ "rela_unaligned_target", case_unaligned_target },
	{ "rel32_adds_offset", case_rel32_adds_offset },
	{ "rel32_refuses", case_rel32_refuses },
	{ "rel32_skip", case_rel32_skip },
	{ "rela_syms_values", case_syms_values },
	{ "rela_syms_offset_zero", case_syms_offset_zero },
	{ "rela_syms_skip_and_none", case_syms_skip_and_none },
	{ "rela_syms_refuses", case_syms_refuses },
};
const size_t tc_ncases = sizeof(tc_cases) / sizeof(tc_cases[0]);
