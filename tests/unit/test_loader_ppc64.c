// SPDX-License-Identifier: MIT
/*
 * libcharon ppc64 unit tests (cmocka, ASan+UBSan): vmlinux ELF parsing (the
 * real Debian ppc64el kernel and crafted bad ELFs of both byte orders), the
 * raw image, the __kcrctab rule on synthetic tables, the kernel's
 * placement, the powernv stub ELF read back with libelf, the FDT dump
 * parser, and what the loader reads from a skiboot-like tree.
 *
 * Crafted inputs are written here with our own byte-order helpers and
 * libfdt's sequential-write API, not the library's.  The program also has
 * helpers for tests/unit/test_loader_ppc64.py, which builds synthetic
 * kernels with the cross toolchains and runs QEMU:
 *	test-loader-ppc64 --info ELF
 *	test-loader-ppc64 --prerelocate ELF LOAD_ADDR OUT
 *	test-loader-ppc64 --stub-elf IN OUT P_OFFSET MEM_SIZE le|be
 *	test-loader-ppc64 --powernv-fdt CACHE_DIR KERNEL INITRD [SMP]
 *	test-loader-ppc64 --fdt-info DTB
 *	test-loader-ppc64 --parse-dump LOG OUT
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <gelf.h>
#include <libelf.h>
#include <libfdt.h>

#include <abi/params.h>
#include <charon/digest.h>
#include <charon/err.h>
#include <charon/fdt.h>
#include <charon/file.h>
#include <charon/image-ppc64.h>
#include <charon/kcrctab.h>
#include <charon/layout.h>
#include <charon/powernv.h>

#include "test_loader.h"

typedef unsigned long long ull;

#define KiB(x)	((uint64_t)(x) << 10)
#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)

/* ---- byte helpers of either order, independent of the library ---------- */

static void wr(uint8_t *p, uint64_t v, int n, int be)
{
	int i;

	for (i = 0; i < n; i++) {
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t rd(const uint8_t *p, int n, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	}
	return v;
}

/* ---- a crafted vmlinux ------------------------------------------------- */

#define FAKE_VADDR	0xc000000000000000ull
#define FAKE_DATA_OFF	0x1000u

struct fake_load {
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct fake {
	int be;
	uint8_t cls, data;
	uint16_t machine, type;
	uint64_t entry;
	uint32_t flags;
	struct fake_load ld[4];
	int nr_ld;
	uint32_t phtype[4];	/* 0: PT_LOAD */
	bool run0;
};

/* one PT_LOAD of 0x3000 file bytes, 0x5000 in memory, at FAKE_VADDR */
static void fake_defaults(struct fake *f, int be)
{
	memset(f, 0, sizeof(*f));
	f->be = be;
	f->cls = ELFCLASS64;
	f->data = be ? ELFDATA2MSB : ELFDATA2LSB;
	f->machine = EM_PPC64;
	f->type = ET_EXEC;
	f->entry = FAKE_VADDR;
	f->flags = be ? 1 : 2;
	f->ld[0].offset = FAKE_DATA_OFF;
	f->ld[0].vaddr = FAKE_VADDR;
	f->ld[0].paddr = 0;
	f->ld[0].filesz = 0x3000;
	f->ld[0].memsz = 0x5000;
	f->nr_ld = 1;
	f->run0 = true;
}

static uint8_t fake_byte(size_t off)
{
	return (uint8_t)(off * 7 + 3 + (off >> 8));
}

/* the ELF file (malloc'd); no section headers */
static uint8_t *fake_elf(const struct fake *f, size_t *len)
{
	size_t n = FAKE_DATA_OFF, i;
	uint8_t *b, *ph;
	int k;

	for (k = 0; k < f->nr_ld; k++) {
		if (f->ld[k].offset + f->ld[k].filesz > n) {
			n = f->ld[k].offset + f->ld[k].filesz;
		}
	}
	b = calloc(1, n);
	assert_non_null(b);
	for (i = FAKE_DATA_OFF; i < n; i++) {
		b[i] = fake_byte(i);
	}
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = f->cls;
	b[EI_DATA] = f->data;
	b[EI_VERSION] = EV_CURRENT;
	wr(b + 16, f->type, 2, f->be);
	wr(b + 18, f->machine, 2, f->be);
	wr(b + 20, EV_CURRENT, 4, f->be);
	wr(b + 24, f->entry, 8, f->be);
	wr(b + 32, 64, 8, f->be);		/* e_phoff */
	wr(b + 40, 0, 8, f->be);		/* e_shoff */
	wr(b + 48, f->flags, 4, f->be);
	wr(b + 52, 64, 2, f->be);
	wr(b + 54, 56, 2, f->be);
	wr(b + 56, (uint64_t)f->nr_ld, 2, f->be);
	wr(b + 58, 64, 2, f->be);
	for (k = 0; k < f->nr_ld; k++) {
		ph = b + 64 + 56 * k;
		wr(ph, f->phtype[k] ? f->phtype[k] : PT_LOAD, 4, f->be);
		wr(ph + 4, 7, 4, f->be);
		wr(ph + 8, f->ld[k].offset, 8, f->be);
		wr(ph + 16, f->ld[k].vaddr, 8, f->be);
		wr(ph + 24, f->ld[k].paddr, 8, f->be);
		wr(ph + 32, f->ld[k].filesz, 8, f->be);
		wr(ph + 40, f->ld[k].memsz, 8, f->be);
		wr(ph + 48, 0x10000, 8, f->be);
	}
	if (f->run0 && f->ld[0].filesz >= 0x60 && f->ld[0].offset + 0x60 <= n) {
		wr(b + f->ld[0].offset + 0x5c, CHARON_PPC64_RUN0, 4, f->be);
	}
	*len = n;
	return b;
}

static int fake_parse(const struct fake *f, struct charon_ppc64_image *img,
		      uint8_t **buf, struct charon_err *err)
{
	size_t len;

	*buf = fake_elf(f, &len);
	return charon_ppc64_image_parse("vmlinux", *buf, len, img, err);
}

static void test_parse_good(void **state)
{
	struct charon_ppc64_image img;
	struct charon_err err;
	struct fake f;
	uint8_t *buf;
	size_t len;
	int be, i;

	(void)state;
	for (be = 0; be <= 1; be++) {
		fake_defaults(&f, be);
		CHECK(fake_parse(&f, &img, &buf, &err));
		assert_int_equal(img.endian, be ? CHARON_BE : CHARON_LE);
		assert_int_equal(img.abi, be ? 1 : 2);
		assert_int_equal(img.type, ET_EXEC);
		assert_true(img.entry == FAKE_VADDR && img.vaddr == FAKE_VADDR);
		assert_true(img.paddr == 0 && img.mem_size == 0x5000);
		assert_int_equal(img.nr_load, 1);
		assert_true(img.run0);
		assert_false(img.relocatable);
		assert_false(img.self_relocating);
		assert_false(img.has_symtab);
		assert_true(img.sym_run_at_load == CHARON_PPC64_NO_SYM);
		for (i = 0; i < CHARON_PPC64_BLOCK_SIZE; i++) {
			if (i >= 0x5c && i < 0x60) {
				continue;
			}
			assert_int_equal(img.head[i],
					 fake_byte(FAKE_DATA_OFF + i));
		}
		assert_int_equal(rd(img.head + 0x5c, 4, be), CHARON_PPC64_RUN0);
		assert_int_equal(charon_ppc64_flags(&img, false),
				 be ? 0 : CHARON_PPC64_F_KERNEL_LE);
		assert_int_equal(charon_ppc64_flags(&img, true),
				 CHARON_PPC64_F_RUN_AT_LOAD |
				 (be ? 0 : CHARON_PPC64_F_KERNEL_LE));
		free(buf);

		/* "run0" in the other byte order is not "run0" */
		f.run0 = false;
		buf = fake_elf(&f, &len);
		wr(buf + FAKE_DATA_OFF + 0x5c, CHARON_PPC64_RUN0, 4, !be);
		CHECK(charon_ppc64_image_parse("vmlinux", buf, len, &img,
					       &err));
		assert_false(img.run0);
		free(buf);
	}
}

static void test_parse_two_loads(void **state)
{
	struct charon_ppc64_image img;
	struct charon_err err;
	struct fake f;
	uint8_t *buf, *raw;
	size_t raw_len, i;

	(void)state;
	fake_defaults(&f, 1);
	f.type = ET_DYN;
	/* text 0x3000 (+0x1000 bss), then data right after, 0x800 + 0x800 */
	f.ld[0].memsz = 0x4000;
	f.ld[1].offset = 0x4000;
	f.ld[1].vaddr = FAKE_VADDR + 0x4000;
	f.ld[1].paddr = 0x4000;
	f.ld[1].filesz = 0x800;
	f.ld[1].memsz = 0x1000;
	f.nr_ld = 2;
	CHECK(fake_parse(&f, &img, &buf, &err));
	assert_int_equal(img.nr_load, 2);
	assert_true(img.mem_size == 0x5000);
	CHECK(charon_ppc64_image_raw("vmlinux", &img, &raw, &raw_len, &err));
	assert_int_equal(raw_len, 0x5000);
	for (i = 0; i < raw_len; i++) {
		uint8_t want = 0;

		if (i < 0x3000) {
			want = buf[FAKE_DATA_OFF + i];
		} else if (i >= 0x4000 && i < 0x4800) {
			want = buf[i];
		}
		if (raw[i] != want) {
			fail_msg("raw image byte 0x%zx: 0x%02x, want 0x%02x", i,
				 raw[i], want);
		}
	}
	free(raw);
	free(buf);
}

struct bad_case {
	const char *what;
	void (*mutate)(struct fake *f);
	size_t cut;		/* file length to keep, 0: all */
	const char *msg;
};

static void m_class32(struct fake *f) { f->cls = ELFCLASS32; }
static void m_data(struct fake *f) { f->data = 3; }
static void m_machine(struct fake *f) { f->machine = EM_X86_64; }
static void m_rel(struct fake *f) { f->type = ET_REL; }
static void m_noload(struct fake *f) { f->phtype[0] = PT_NOTE; }
static void m_entry(struct fake *f) { f->entry = FAKE_VADDR + 0x100; }
static void m_tiny(struct fake *f)
{
	f->ld[0].filesz = 0x80;
	f->ld[0].memsz = 0x80;
}

static void m_memsz(struct fake *f) { f->ld[0].memsz = 0x100; }

static void m_two(struct fake *f, uint64_t vaddr, uint64_t paddr)
{
	f->ld[1].offset = 0x4000;
	f->ld[1].vaddr = vaddr;
	f->ld[1].paddr = paddr;
	f->ld[1].filesz = 0x100;
	f->ld[1].memsz = 0x100;
	f->nr_ld = 2;
}

static void m_gap(struct fake *f)
{
	m_two(f, FAKE_VADDR + 0x6000, 0x6000);
}

static void m_overlap(struct fake *f)
{
	m_two(f, FAKE_VADDR + 0x4000, 0x4000);
}

static void m_paddr(struct fake *f)
{
	m_two(f, FAKE_VADDR + 0x5000, 0x9000);
}

static void m_wrap(struct fake *f)
{
	f->ld[0].vaddr = ~0ull - 0x100;
	f->entry = f->ld[0].vaddr;
}

static void test_parse_errors(void **state)
{
	static const struct bad_case c[] = {
		{ "32-bit", m_class32, 0, "EI_CLASS is 1 (32-bit)" },
		{ "bad EI_DATA", m_data, 0, "EI_DATA is 3" },
		{ "x86_64", m_machine, 0, "e_machine is 62 (x86_64)" },
		{ "ET_REL", m_rel, 0, "e_type is 1" },
		{ "no PT_LOAD", m_noload, 0, "no PT_LOAD segment" },
		{ "entry", m_entry, 0,
		  "e_entry 0xc000000000000100 is not the start of the image" },
		{ "tiny", m_tiny, 0, "smaller than the 0x100-byte entry block" },
		{ "memsz", m_memsz, 0, "memsz smaller than filesz" },
		{ "wrap", m_wrap, 0, "or wrapping" },
		{ "gap", m_gap, 0, "a gap in the image" },
		{ "overlap", m_overlap, 0, "out of order or overlapping" },
		{ "paddr", m_paddr, 0, "p_paddr 0x9000 is not p_vaddr" },
		{ "cut PT_LOAD", NULL, FAKE_DATA_OFF + 0x2000,
		  "truncated: PT_LOAD (program header 0) needs file bytes 0x1000..0x4000" },
		{ "cut phdrs", NULL, 100, "truncated: program headers at 0x40" },
		{ "cut ehdr", NULL, 40, "shorter than an ELF64 header" },
	};
	struct charon_ppc64_image img;
	struct charon_err err;
	struct fake f;
	uint8_t *buf;
	size_t len, i;
	int be;

	(void)state;
	for (be = 0; be <= 1; be++) {
		for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			fake_defaults(&f, be);
			if (c[i].mutate) {
				c[i].mutate(&f);
			}
			buf = fake_elf(&f, &len);
			if (c[i].cut) {
				len = c[i].cut;
			}
			err.msg[0] = '\0';
			if (charon_ppc64_image_parse("vmlinux", buf, len, &img,
						     &err) != -EINVAL) {
				fail_msg("%s (be %d): accepted", c[i].what, be);
			}
			assert_msg(err, c[i].msg);
			assert_msg(err, "vmlinux");
			free(buf);
		}
	}
}

static void test_parse_not_elf(void **state)
{
	static const uint8_t gz[64] = { 0x1f, 0x8b, 8 };
	uint8_t arm64[0x40] = { 0 };
	struct charon_ppc64_image img;
	struct charon_err err;

	(void)state;
	assert_int_equal(charon_ppc64_image_parse("vmlinuz", gz, sizeof(gz),
						  &img, &err), -EINVAL);
	assert_msg(err, "not an ELF file");
	assert_msg(err, "gzip");
	memcpy(arm64 + 0x38, "ARM\x64", 4);
	assert_int_equal(charon_ppc64_image_parse("Image", arm64, sizeof(arm64),
						  &img, &err), -EINVAL);
	assert_msg(err, "arm64 Image");
	assert_int_equal(charon_ppc64_image_parse("empty", gz, 0, &img, &err),
			 -EINVAL);
	assert_msg(err, "not an ELF file");
}

/* ---- the real Debian kernel -------------------------------------------- */

static void test_real_kernel(void **state)
{
	struct charon_ppc64_image img;
	struct charon_elf_rela r;
	struct charon_kcrctab k;
	struct charon_err err;
	uint8_t before[32], after[32], *raw;
	char path[PATH_MAX];
	size_t raw_len, i, checked = 0;
	uint64_t load = MiB(64);

	(void)state;
	if (!tl_real_kernel("ppc64le", path, sizeof(path))) {
		print_message("%s: absent (scripts/fetch-kernels ppc64le): skipped\n",
			      path);
		skip();
	}
	CHECK(charon_ppc64_image_load(path, &img, &err));
	CHECK(charon_sha256(img.data, img.len, before, &err));
	assert_int_equal(img.endian, CHARON_LE);
	assert_int_equal(img.abi, 2);
	assert_int_equal(img.type, ET_EXEC);
	assert_true(img.vaddr == 0xc000000000000000ull && img.paddr == 0);
	assert_true(img.entry == img.vaddr);
	assert_true(img.mem_size > img.load[0].filesz);
	assert_true(img.mem_size % 8 == 0 || img.mem_size > MiB(16));
	assert_true(img.run0);
	/* how many: test_loader_ppc64.py counts them with readelf */
	assert_true(img.relocatable && img.nr_rela > 0);
	assert_true(img.self_relocating && img.has_symtab);
	assert_true(img.sym_run_at_load == CHARON_PPC64_RUN_AT_LOAD);
	assert_true(img.sym_end_interrupts != CHARON_PPC64_NO_SYM &&
		    img.sym_end_interrupts < KiB(64));
	assert_true(img.head_text_end >= img.sym_end_interrupts);
	assert_memory_equal(img.head, img.data + img.load[0].offset,
			    CHARON_PPC64_BLOCK_SIZE);

	/* its relocations and the CRC rule */
	CHECK(charon_ppc64_elf_rela("vmlinux", &img, &r, &err));
	assert_int_equal(r.nr_rela, img.nr_rela);
	assert_true(r.nr_kcrctab >= 1 && !r.reloc_start);
	CHECK(charon_kcrctab_rule("vmlinux", &r, &k, &err));
	assert_int_equal(k.which, CHARON_KCRCTAB_CLEAN);
	assert_int_equal(k.nr_targeting, 0);
	assert_int_equal(k.nr_skip, 0);

	/* pre-relocated for 64 MiB: every entry as the ABI says */
	CHECK(charon_ppc64_prerelocate("vmlinux", &img, load, &raw, &raw_len,
				       NULL, &err));
	assert_int_equal(raw_len, img.mem_size);
	for (i = 0; i < r.nr_rela; i++) {
		uint64_t at = r.rela[i].r_offset - img.vaddr;
		uint32_t type = RELA64_TYPE(r.rela[i].r_info);
		uint64_t want = (uint64_t)r.rela[i].r_addend;

		if (type == RELA_R_PPC64_RELATIVE) {
			want += load;
		} else {
			/* ADDR64 against undefined weak symbols: 0 + A */
			assert_int_equal(type, RELA_R_PPC64_ADDR64);
		}
		if (rd(raw + at, 8, 0) != want) {
			fail_msg("entry %zu at 0x%llx: 0x%llx, want 0x%llx", i,
				 (ull)r.rela[i].r_offset,
				 (ull)rd(raw + at, 8, 0), (ull)want);
		}
		checked++;
	}
	assert_int_equal(checked, r.nr_rela);
	/* the CRC tables are as in the file */
	for (i = 0; i < r.nr_kcrctab; i++) {
		uint64_t at = r.kcrctab[i].start - img.vaddr;

		assert_memory_equal(raw + at,
				    img.data + img.load[0].offset + at,
				    r.kcrctab[i].end - r.kcrctab[i].start);
	}
	free(raw);
	charon_kcrctab_free(&k);
	charon_elf_rela_free(&r);
	CHECK(charon_sha256(img.data, img.len, after, &err));
	/* libelf wrote nothing into the file's bytes */
	assert_memory_equal(before, after, 32);
	charon_ppc64_image_free(&img);
}

/* ---- the __kcrctab rule on synthetic tables ----------------------------- */

static struct rela64 rl(uint64_t off, uint32_t type, uint32_t sym,
			int64_t addend)
{
	struct rela64 e = { off, ((uint64_t)sym << 32) | type, addend };

	return e;
}

static void rela_init(struct charon_elf_rela *r, struct rela64 *e, size_t n,
		      struct rela_sym *s, size_t ns,
		      struct charon_elf_section *k, size_t nk)
{
	memset(r, 0, sizeof(*r));
	r->rela = e;
	r->nr_rela = n;
	r->syms = s;
	r->nr_syms = ns;
	r->kcrctab = k;
	r->nr_kcrctab = nk;
	r->types.relative = RELA_R_PPC64_RELATIVE;
	r->types.addr64 = RELA_R_PPC64_ADDR64;
	r->types.uaddr64 = RELA_R_PPC64_UADDR64;
}

static void test_kcrctab_rule(void **state)
{
	struct rela_sym s[3] = { { 0, 0 }, { 0x12345678, RELA_SYM_ABS },
				 { 0x1000, 0 } };
	struct charon_elf_section sec[2] = {
		{ "__kcrctab", 0x2000, 0x2040 },
		{ "__kcrctab_gpl", 0x3000, 0x3010 },
	};
	struct rela64 e[8] = {
		rl(0x1000, RELA_R_PPC64_RELATIVE, 0, 0x1000), /* not CRC */
		rl(0x2010, RELA_R_PPC64_RELATIVE, 0, 0x11),	/* moves */
		rl(0x2000, RELA_R_PPC64_RELATIVE, 0, 0x22),	/* moves */
		rl(0x2008, RELA_R_PPC64_ADDR64, 2, 0),	/* moves */
		rl(0x2018, RELA_R_PPC64_UADDR64, 1, 0),	/* absolute */
		rl(0x2020, RELA_R_PPC64_RELATIVE, 0, 0x33),	/* moves */
		rl(0x3008, RELA_R_PPC64_ADDR64, 2, 0),	/* moves */
		rl(0x3000, RELA_R_PPC64_NONE, 0, 0),
	};
	struct charon_elf_rela r;
	struct charon_kcrctab k;
	struct charon_err err;

	(void)state;
	/* no __kcrctab section */
	rela_init(&r, e, 8, s, 3, NULL, 0);
	CHECK(charon_kcrctab_rule("k", &r, &k, &err));
	assert_int_equal(k.which, CHARON_KCRCTAB_NONE);
	assert_non_null(strstr(k.why, "no __kcrctab section"));
	charon_kcrctab_free(&k);

	/* only the absolute-symbol entry and NONE target the CRCs */
	rela_init(&r, e, 1, s, 3, sec, 2);
	r.rela = &e[4];
	CHECK(charon_kcrctab_rule("k", &r, &k, &err));
	assert_int_equal(k.which, CHARON_KCRCTAB_CLEAN);
	assert_int_equal(k.nr_targeting, 1);
	assert_int_equal(k.nr_moving, 0);
	assert_non_null(strstr(k.why, "nothing to skip"));
	charon_kcrctab_free(&k);

	/* moving ones, kernel undoes them */
	rela_init(&r, e, 8, s, 3, sec, 2);
	r.reloc_start = true;
	CHECK(charon_kcrctab_rule("k", &r, &k, &err));
	assert_int_equal(k.which, CHARON_KCRCTAB_UNDONE);
	assert_int_equal(k.nr_targeting, 7);
	assert_int_equal(k.nr_moving, 5);
	assert_int_equal(k.nr_skip, 0);
	assert_non_null(strstr(k.why, "reloc_start"));
	charon_kcrctab_free(&k);

	/* moving ones, kernel does not: skip exactly those, merged */
	r.reloc_start = false;
	CHECK(charon_kcrctab_rule("k", &r, &k, &err));
	assert_int_equal(k.which, CHARON_KCRCTAB_SKIP);
	assert_int_equal(k.nr_moving, 5);
	assert_int_equal(k.nr_skip, 3);
	assert_true(k.skip[0].start == 0x2000 && k.skip[0].end == 0x2018);
	assert_true(k.skip[1].start == 0x2020 && k.skip[1].end == 0x2028);
	assert_true(k.skip[2].start == 0x3008 && k.skip[2].end == 0x3010);
	assert_non_null(strstr(k.why, "skipped (3 range(s))"));
	assert_string_equal(charon_kcrctab_case_name(k.which), "skip");
	charon_kcrctab_free(&k);
}

/* ---- placement ----------------------------------------------------------- */

static void fake_image(struct charon_ppc64_image *img, uint64_t mem_size,
		       bool run0)
{
	memset(img, 0, sizeof(*img));
	img->endian = CHARON_LE;
	img->mem_size = mem_size;
	img->run0 = run0;
	img->sym_run_at_load = CHARON_PPC64_NO_SYM;
	img->sym_end_interrupts = CHARON_PPC64_NO_SYM;
	wr(img->head + 0x5c, run0 ? CHARON_PPC64_RUN0 : 0x60000000, 4, 0);
}

static struct charon_segment *seg_named(struct charon_layout *l,
					const char *prefix)
{
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		if (!strncmp(l->seg[i].name, prefix, strlen(prefix))) {
			return &l->seg[i];
		}
	}
	return NULL;
}

static void test_kernel_add(void **state)
{
	struct charon_ppc64_image img;
	struct charon_ppc64_place pl;
	struct charon_layout l;
	struct charon_segment *s;
	struct charon_err err;

	(void)state;
	/* a ~40 MiB kernel: not run at load, keep out 48 MiB from 0 */
	fake_image(&img, 0x287c918, true);
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_ppc64_kernel_add(&l, &img, false, 0, 0, &pl, &err));
	assert_true(pl.low_end == MiB(48) && pl.addr == MiB(48));
	assert_true(pl.size == 0x287c918 && !pl.run_at_load);
	s = seg_named(&l, "ppc64: kernel's copy of itself at 0");
	assert_non_null(s);
	assert_true(s->place == CHARON_PLACE_KEEPOUT && s->addr == 0 &&
		    s->size == MiB(48));
	assert_non_null(charon_layout_find(&l, "kernel"));
	CHECK(charon_layout_place(&l, &err));

	/* a reservation right there pushes it up, 64 KiB aligned */
	tl_layout(&l, 0, GiB(2));
	s = charon_layout_add(&l, "memreserve[0]", MiB(1) + 1, 0,
			      CHARON_PLACE_KEEPOUT, &err);
	assert_non_null(s);
	s->addr = MiB(48);
	CHECK(charon_ppc64_kernel_add(&l, &img, false, 0, 0, &pl, &err));
	assert_true(pl.addr == MiB(49) + KiB(64));

	/* run at load: only the vectors are kept out */
	img.sym_end_interrupts = 0x5d00;
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_ppc64_kernel_add(&l, &img, true, 0, 0, &pl, &err));
	assert_true(pl.low_end == KiB(64) && pl.addr == KiB(64));
	assert_true(pl.run_at_load);
	assert_non_null(seg_named(&l, "ppc64: kernel's exception vectors"));
	/* no symbol: .head.text's end; neither: the whole image */
	img.sym_end_interrupts = CHARON_PPC64_NO_SYM;
	img.head_text_end = 0x18000;
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_ppc64_kernel_add(&l, &img, true, 0, MiB(16), &pl, &err));
	assert_true(pl.low_end == KiB(128) && pl.addr == MiB(16));
	img.head_text_end = 0;
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_ppc64_kernel_add(&l, &img, true, 0, 0, &pl, &err));
	assert_true(pl.low_end == 0x2880000 && pl.addr == 0x2880000);

	/* a base asked for */
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_ppc64_kernel_add(&l, &img, false, MiB(256), 0, &pl,
				      &err));
	assert_true(pl.addr == MiB(256));
	CHECK(charon_layout_place(&l, &err));
	tl_layout(&l, 0, GiB(2));
	assert_int_equal(charon_ppc64_kernel_add(&l, &img, false,
						 MiB(256) + KiB(4), 0, &pl,
						 &err), -EINVAL);
	assert_msg(err, "base 0x10001000");
	assert_msg(err, "want 0x10000 aligned, at or above 0x3000000");
	assert_int_equal(charon_ppc64_kernel_add(&l, &img, false, MiB(32), 0,
						 &pl, &err), -EINVAL);
	assert_msg(err, "kernel's copy of itself at 0");

	/* bad requests */
	assert_int_equal(charon_ppc64_kernel_add(&l, &img, false, 0, KiB(4),
						 &pl, &err), -EINVAL);
	assert_msg(err, "alignment 0x1000");
	fake_image(&img, 0x287c918, false);
	assert_int_equal(charon_ppc64_kernel_add(&l, &img, true, 0, 0, &pl,
						 &err), -EINVAL);
	assert_msg(err, "is 0x60000000, not \"run0\"");

	/* no room */
	tl_layout(&l, 0, MiB(64));
	assert_int_equal(charon_ppc64_kernel_add(&l, &img, false, 0, 0, &pl,
						 &err), -ENOSPC);
	assert_msg(err, "kernel");
}

/* ---- the powernv stub ELF ------------------------------------------------ */

static void check_stub_elf(const uint8_t *elf, size_t len,
			   const uint8_t *image, size_t image_len,
			   uint64_t mem_size, uint64_t p_offset, int be)
{
	uint64_t addr = CHARON_POWERNV_KERNEL_ADDR + p_offset;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t shstrndx;
	const char *name;
	Elf *e;

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	e = elf_memory((char *)elf, len);
	assert_non_null(e);
	assert_non_null(gelf_getehdr(e, &eh));
	assert_int_equal(eh.e_ident[EI_CLASS], ELFCLASS64);
	assert_int_equal(eh.e_ident[EI_DATA], be ? ELFDATA2MSB : ELFDATA2LSB);
	assert_int_equal(eh.e_type, ET_EXEC);
	assert_int_equal(eh.e_machine, EM_PPC64);
	assert_int_equal(eh.e_flags, be ? 1 : 2);
	assert_true(eh.e_entry == addr);
	assert_int_equal(eh.e_phnum, 1);
	assert_non_null(gelf_getphdr(e, 0, &ph));
	assert_int_equal(ph.p_type, PT_LOAD);
	assert_true(ph.p_offset == p_offset && ph.p_vaddr == addr &&
		    ph.p_paddr == addr);
	assert_true(ph.p_filesz == image_len && ph.p_memsz == mem_size);
	assert_true(ph.p_vaddr % ph.p_align == ph.p_offset % ph.p_align);
	/* skiboot's formula lands the first byte at addr */
	assert_true(CHARON_POWERNV_KERNEL_ADDR + ph.p_offset + eh.e_entry -
		    ph.p_vaddr == addr);
	assert_memory_equal(elf + p_offset, image, image_len);
	/* section headers last, .text executable over the image */
	assert_true(eh.e_shoff >= p_offset + image_len);
	assert_true(eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr) == len);
	CHECK(elf_getshdrstrndx(e, &shstrndx));
	scn = elf_getscn(e, 1);
	assert_non_null(scn);
	assert_non_null(gelf_getshdr(scn, &sh));
	name = elf_strptr(e, shstrndx, sh.sh_name);
	assert_string_equal(name, ".text");
	assert_true(sh.sh_flags & SHF_EXECINSTR);
	assert_true(sh.sh_addr == addr && sh.sh_offset == p_offset &&
		    sh.sh_size == image_len);
	scn = elf_getscn(e, 2);
	assert_non_null(gelf_getshdr(scn, &sh));
	assert_string_equal(elf_strptr(e, shstrndx, sh.sh_name), ".shstrtab");
	elf_end(e);
}

static void test_stub_elf(void **state)
{
	static const uint64_t offs[] = { 0x100, 0x10000, 0x123400 };
	uint8_t image[0x300];
	struct charon_err err;
	size_t len, i;
	void *out;
	int be;

	(void)state;
	for (i = 0; i < sizeof(image); i++) {
		image[i] = (uint8_t)(i * 13 + 1);
	}
	for (be = 0; be <= 1; be++) {
		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			CHECK(charon_ppc64_stub_elf("stub", image,
						    sizeof(image), 0x10000,
						    offs[i], 0, be ? CHARON_BE :
						    CHARON_LE, &out, &len,
						    &err));
			check_stub_elf(out, len, image, sizeof(image), 0x10000,
				       offs[i], be);
			free(out);
		}
	}
}

static void test_stub_elf_errors(void **state)
{
	static const struct {
		size_t len;
		uint64_t mem, off;
		int rc;
		const char *msg;
	} c[] = {
		{ 0, 0x1000, 0x100, -EINVAL, "want a non-empty image" },
		{ 0x200, 0x100, 0x100, -EINVAL, "no larger than mem_size" },
		{ 0x200, 0x1000, 0x80, -EINVAL, "p_offset 0x80" },
		{ 0x200, 0x1000, 0x1010, -EINVAL, "want a multiple of 0x100" },
		{ 0x200, 0x1000, 0x7fff100, -ERANGE,
		  "would reach past 0x28000000" },
		{ 0x200, 0x1000, 0x100000000ull, -ERANGE, "p_offset 0x100000000" },
	};
	uint8_t image[0x200] = { 0 };
	struct charon_err err;
	size_t len, i;
	void *out;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(charon_ppc64_stub_elf("stub.bin", image,
						       c[i].len, c[i].mem,
						       c[i].off, 0, CHARON_BE,
						       &out, &len, &err),
				 c[i].rc);
		assert_null(out);
		assert_msg(err, c[i].msg);
		assert_msg(err, "stub.bin");
	}
	/* ending right at 0x28000000 is fine */
	CHECK(charon_ppc64_stub_elf("stub.bin", image, 0x200, 0x1000,
				    0x7fff000, 0, CHARON_LE, &out, &len, &err));
	free(out);
	/* the entry: inside the image, word aligned; e_entry follows it */
	assert_int_equal(charon_ppc64_stub_elf("stub.bin", image, 0x200,
					       0x1000, 0x100, 0x200,
					       CHARON_BE, &out, &len, &err),
			 -EINVAL);
	assert_msg(err, "entry offset 0x200");
	assert_int_equal(charon_ppc64_stub_elf("stub.bin", image, 0x200,
					       0x1000, 0x100, 0x132,
					       CHARON_BE, &out, &len, &err),
			 -EINVAL);
	CHECK(charon_ppc64_stub_elf("stub.bin", image, 0x200, 0x1000, 0x100,
				    0x130, CHARON_BE, &out, &len, &err));
	assert_int_equal(charon_get64((uint8_t *)out + 24, CHARON_BE),
			 0x20000100 + 0x130);
	free(out);
}

/* ---- a skiboot-like tree ------------------------------------------------- */

static void prop64(void *f, const char *name, uint64_t v)
{
	fdt64_t x = cpu_to_fdt64(v);

	CHECK(fdt_property(f, name, &x, 8));
}

/* reservations as skiboot makes them, /ibm,opal, /chosen from a capture */
static void *skiboot_dtb(size_t *len)
{
	static const uint64_t rsv[][2] = {
		{ 0x30000000, 0x600000 }, { 0x30600000, 0xa00000 },
		{ 0x31000000, 0xc10000 }, { 0x31c10000, 0x20000 },
		{ 0x31c30000, 0xce0000 }, { 0x203ffd800000ull, 0x400000 },
	};
	fdt64_t reg[2] = { cpu_to_fdt64(0), cpu_to_fdt64(GiB(2)) };
	void *f = malloc(65536);
	unsigned int i;

	assert_non_null(f);
	CHECK(fdt_create(f, 65536));
	for (i = 0; i < sizeof(rsv) / sizeof(rsv[0]); i++) {
		CHECK(fdt_add_reservemap_entry(f, rsv[i][0], rsv[i][1]));
	}
	CHECK(fdt_finish_reservemap(f));
	CHECK(fdt_begin_node(f, ""));
	CHECK(fdt_property_u32(f, "#address-cells", 2));
	CHECK(fdt_property_u32(f, "#size-cells", 2));
	CHECK(fdt_begin_node(f, "chosen"));
	CHECK(fdt_property_u32(f, "linux,initrd-end", 0x2805d58e));
	CHECK(fdt_property_u32(f, "linux,initrd-start", 0x28000000));
	CHECK(fdt_property_string(f, "bootargs", "console=hvc0 quiet"));
	CHECK(fdt_property_string(f, "linux,stdout-path",
				  "/ibm,opal/consoles/serial@0"));
	CHECK(fdt_end_node(f));
	CHECK(fdt_begin_node(f, "ibm,opal"));
	prop64(f, "opal-base-address", 0x30000000);
	prop64(f, "opal-entry-address", 0x30003760);
	CHECK(fdt_end_node(f));
	CHECK(fdt_begin_node(f, "memory@0"));
	CHECK(fdt_property_string(f, "device_type", "memory"));
	CHECK(fdt_property(f, "reg", reg, sizeof(reg)));
	CHECK(fdt_end_node(f));
	CHECK(fdt_end_node(f));
	CHECK(fdt_finish(f));
	CHECK(fdt_pack(f));
	*len = fdt_totalsize(f);
	return f;
}

/* ---- the FDT dump -------------------------------------------------------- */

static uint32_t fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 0x811c9dc5u;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ p[i]) * 0x01000193u;
	}
	return h;
}

/* dumpfdt's output for @fdt, with console noise around it */
static char *dump_text(const uint8_t *fdt, size_t n, size_t per_line,
		       bool mid_line, size_t *out_len)
{
	size_t cap = 4 * n + 4096, at = 0, off, i;
	char *t = malloc(cap);

	assert_non_null(t);
	at += snprintf(t + at, cap - at,
		       "[    0.1] OPAL: booting\r\n[    0.2] Linux\n%sCHARON-FDT: begin size=%zu\r\n",
		       mid_line ? "[    0.3] noise " : "", n);
	for (off = 0; off < n; off += per_line) {
		at += snprintf(t + at, cap - at, "CHARON-FDT: %06zx ", off);
		for (i = off; i < n && i < off + per_line; i++) {
			at += snprintf(t + at, cap - at, "%02x", fdt[i]);
		}
		at += snprintf(t + at, cap - at, "\r\n");
	}
	at += snprintf(t + at, cap - at,
		       "CHARON-FDT: end size=%zu fnv1a32=%08x\r\n[    1.0] reboot: Power down\n",
		       n, fnv(fdt, n));
	*out_len = at;
	return t;
}

static void test_parse_dump(void **state)
{
	struct charon_err err;
	uint8_t *fdt, *got;
	size_t n, tn, got_len;
	char *t, *p;

	(void)state;
	fdt = skiboot_dtb(&n);
	t = dump_text(fdt, n, 32, true, &tn);
	CHECK(charon_powernv_parse_dump("qemu", t, tn, &got, &got_len, &err));
	assert_int_equal(got_len, n);
	assert_memory_equal(got, fdt, n);
	free(got);
	free(t);

	/* a short last line, another line width */
	t = dump_text(fdt, n, 17, false, &tn);
	CHECK(charon_powernv_parse_dump("qemu", t, tn, &got, &got_len, &err));
	assert_memory_equal(got, fdt, n);
	free(got);

	/* one byte flipped: the hash catches it */
	p = strstr(t, "CHARON-FDT: 000011 ");
	assert_non_null(p);
	p[19] = p[19] == '0' ? '1' : '0';
	assert_int_equal(charon_powernv_parse_dump("qemu", t, tn, &got,
						   &got_len, &err), -EINVAL);
	assert_msg(err, "the end line does not match");
	free(t);

	/* a line lost */
	t = dump_text(fdt, n, 32, false, &tn);
	p = strstr(t, "CHARON-FDT: 000020 ");
	assert_non_null(p);
	memcpy(p, "XXXXXX", 6);
	assert_int_equal(charon_powernv_parse_dump("qemu", t, tn, &got,
						   &got_len, &err), -EINVAL);
	assert_msg(err, "expected data at offset 0x20");
	/* cut short */
	p = strstr(t, "CHARON-FDT: end");
	assert_int_equal(charon_powernv_parse_dump("qemu", t, p - t, &got,
						   &got_len, &err), -EINVAL);
	free(t);

	/* nothing, or the dumper's own error */
	assert_int_equal(charon_powernv_parse_dump("qemu", "boot\n", 5, &got,
						   &got_len, &err), -ENOENT);
	assert_msg(err, "no device tree dump");
	t = strdup("x\nCHARON-FDT: error open-/sys/firmware/fdt errno=2\n");
	assert_int_equal(charon_powernv_parse_dump("qemu", t, strlen(t), &got,
						   &got_len, &err), -ENOENT);
	assert_msg(err, "the dumper failed: error open-/sys/firmware/fdt errno=2");
	free(t);
	free(fdt);
}

static void test_clean_fdt(void **state)
{
	struct charon_powernv_info info;
	struct charon_err err;
	size_t n, out_len;
	void *f, *out;
	int node, len;

	(void)state;
	f = skiboot_dtb(&n);
	CHECK(charon_powernv_clean_fdt("captured", f, n, &out, &out_len,
				       &err));
	CHECK(charon_fdt_check("cleaned", out, out_len, &err));
	node = fdt_path_offset(out, "/chosen");
	assert_true(node >= 0);
	assert_null(fdt_getprop(out, node, "bootargs", &len));
	assert_null(fdt_getprop(out, node, "linux,initrd-start", &len));
	assert_null(fdt_getprop(out, node, "linux,initrd-end", &len));
	assert_non_null(fdt_getprop(out, node, "linux,stdout-path", &len));
	assert_int_equal(fdt_num_mem_rsv(out), 6);
	CHECK(charon_powernv_info("cleaned", out, &info, &err));
	assert_true(info.opal_base == 0x30000000 &&
		    info.opal_entry == 0x30003760);
	assert_int_equal(info.boot_cpuid, 0);
	assert_string_equal(info.stdout_path, "/ibm,opal/consoles/serial@0");
	free(out);
	/* a tree without /ibm,opal */
	CHECK(fdt_del_node(f, fdt_path_offset(f, "/ibm,opal")));
	assert_int_equal(charon_powernv_info("x", f, &info, &err), -EINVAL);
	assert_msg(err, "no /ibm,opal node");
	free(f);
}

static void test_keepouts(void **state)
{
	struct charon_layout l;
	struct charon_segment *s;
	struct charon_err err;
	size_t n;
	void *f;

	(void)state;
	f = skiboot_dtb(&n);
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_powernv_keepouts("skiboot.dtb", f, false, &l, &err));
	assert_int_equal(l.nr_seg, 7);
	s = charon_layout_find(&l, "skiboot (boot-time use)");
	assert_non_null(s);
	assert_true(s->addr == 0x30000000 &&
		    s->addr + s->size == 0x32910000 + KiB(64));
	assert_null(charon_layout_find(&l, "QEMU: skiboot.lid at 0"));
	tl_layout(&l, 0, GiB(2));
	CHECK(charon_powernv_keepouts("skiboot.dtb", f, true, &l, &err));
	assert_int_equal(l.nr_seg, 9);
	s = charon_layout_find(&l, "QEMU: skiboot's input tree");
	assert_non_null(s);
	assert_true(s->addr == MiB(16) && s->size == MiB(1));
	/* a segment lands after all of them */
	s = charon_layout_add(&l, "initrd", MiB(800), KiB(64),
			      CHARON_PLACE_LOW, &err);
	assert_non_null(s);
	CHECK(charon_layout_place(&l, &err));
	assert_true(s->addr == 0x32910000 + KiB(64));
	free(f);
}

/* ---- helpers for the Python side ----------------------------------------- */

static int cmd_info(char **argv)
{
	struct charon_ppc64_image img;
	struct charon_elf_rela r;
	struct charon_kcrctab k;
	struct charon_err err;
	unsigned int i;

	if (charon_ppc64_image_load(argv[0], &img, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("endian=%s\nabi=%u\ntype=%u\nentry=0x%llx\nvaddr=0x%llx\n"
	       "paddr=0x%llx\nmem_size=0x%llx\nnr_load=%u\nrun0=%d\n"
	       "relocatable=%d\nnr_rela=%zu\nself_relocating=%d\n"
	       "run_at_load=0x%llx\nend_interrupts=0x%llx\n"
	       "head_text_end=0x%llx\nhead=",
	       img.endian == CHARON_BE ? "be" : "le", img.abi, img.type,
	       (ull)img.entry, (ull)img.vaddr, (ull)img.paddr,
	       (ull)img.mem_size, img.nr_load, img.run0, img.relocatable,
	       img.nr_rela, img.self_relocating, (ull)img.sym_run_at_load,
	       (ull)img.sym_end_interrupts, (ull)img.head_text_end);
	for (i = 0; i < CHARON_PPC64_BLOCK_SIZE; i++) {
		printf("%02x", img.head[i]);
	}
	printf("\n");
	if (!charon_ppc64_elf_rela(argv[0], &img, &r, &err)) {
		if (!charon_kcrctab_rule(argv[0], &r, &k, &err)) {
			printf("kcrctab=%s\nkcrctab_sections=%zu\n",
			       charon_kcrctab_case_name(k.which),
			       k.nr_sections);
			charon_kcrctab_free(&k);
		}
		charon_elf_rela_free(&r);
	}
	charon_ppc64_image_free(&img);
	return 0;
}

static int cmd_prerelocate(char **argv)
{
	struct charon_ppc64_image img;
	struct charon_kcrctab k;
	struct charon_err err;
	uint8_t *raw;
	size_t len, i;
	int rc;

	rc = charon_ppc64_image_load(argv[0], &img, &err);
	if (!rc) {
		rc = charon_ppc64_prerelocate(argv[0], &img,
					      strtoull(argv[1], NULL, 0), &raw,
					      &len, &k, &err);
		if (!rc) {
			printf("kcrctab=%s\nwhy=%s\nskip=",
			       charon_kcrctab_case_name(k.which), k.why);
			for (i = 0; i < k.nr_skip; i++) {
				printf("%s0x%llx-0x%llx", i ? "," : "",
				       (ull)k.skip[i].start,
				       (ull)k.skip[i].end);
			}
			printf("\n");
			rc = charon_write_file(argv[2], raw, len, &err);
			charon_kcrctab_free(&k);
			free(raw);
		}
		charon_ppc64_image_free(&img);
	}
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
	}
	return rc ? 1 : 0;
}

static int cmd_stub_elf(char **argv)
{
	struct charon_err err;
	uint8_t *img = NULL;
	void *out = NULL;
	size_t len, out_len;
	uint64_t mem = strtoull(argv[3], NULL, 0);
	int rc;

	rc = charon_read_file(argv[0], CHARON_FILE_MAX, &img, &len, &err);
	if (!rc) {
		rc = charon_ppc64_stub_elf(argv[0], img, len,
					   mem < len ? len : mem,
					   strtoull(argv[2], NULL, 0), 0,
					   !strcmp(argv[4], "be") ? CHARON_BE :
					   CHARON_LE, &out, &out_len, &err);
	}
	if (!rc) {
		rc = charon_write_file(argv[1], out, out_len, &err);
	}
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
	}
	free(img);
	free(out);
	return rc ? 1 : 0;
}

static int cmd_powernv_fdt(char **argv, int argc)
{
	struct charon_powernv_opts o = { 0 };
	struct charon_powernv_capture cap;
	struct charon_err err;

	o.cache_dir = argv[0];
	o.kernel = argv[1];
	o.initrd = argv[2];
	o.smp = argc > 3 ? argv[3] : NULL;
	if (charon_powernv_fdt(&o, &cap, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("path=%s\nkey=%s\ncached=%d\nseconds=%.1f\nsize=%zu\n",
	       cap.path, cap.key, cap.cached, cap.seconds, cap.size);
	return 0;
}

static int cmd_fdt_info(char **argv)
{
	struct charon_powernv_info info;
	struct charon_layout l;
	struct charon_err err;
	uint8_t *f;
	size_t n;
	unsigned int i;

	if (charon_read_file(argv[0], CHARON_FDT_MAX_SIZE, &f, &n, &err) ||
	    charon_fdt_check(argv[0], f, n, &err) ||
	    charon_powernv_info(argv[0], f, &info, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("opal_base=0x%llx\nopal_entry=0x%llx\nboot_cpuid=%u\n"
	       "stdout_path=%s\n", (ull)info.opal_base, (ull)info.opal_entry,
	       info.boot_cpuid, info.stdout_path);
	memset(&l, 0, sizeof(l));
	if (charon_fdt_memory(argv[0], f, &l, &err) ||
	    charon_powernv_keepouts(argv[0], f, true, &l, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		free(f);
		return 1;
	}
	for (i = 0; i < l.nr_ram; i++) {
		printf("ram=0x%llx-0x%llx\n", (ull)l.ram[i].start,
		       (ull)(l.ram[i].start + l.ram[i].size));
	}
	for (i = 0; i < l.nr_seg; i++) {
		printf("keepout=0x%llx-0x%llx %s\n", (ull)l.seg[i].addr,
		       (ull)(l.seg[i].addr + l.seg[i].size), l.seg[i].name);
	}
	free(f);
	return 0;
}

static int cmd_parse_dump(char **argv)
{
	struct charon_err err;
	uint8_t *log, *fdt;
	size_t n, fdt_len;
	int rc;

	rc = charon_read_file(argv[0], CHARON_FILE_MAX, &log, &n, &err);
	if (!rc) {
		rc = charon_powernv_parse_dump(argv[0], (char *)log, n, &fdt,
					       &fdt_len, &err);
		free(log);
	}
	if (!rc) {
		rc = charon_write_file(argv[1], fdt, fdt_len, &err);
		free(fdt);
	}
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
	}
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_two_loads),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_not_elf),
		cmocka_unit_test(test_real_kernel),
		cmocka_unit_test(test_kcrctab_rule),
		cmocka_unit_test(test_kernel_add),
		cmocka_unit_test(test_stub_elf),
		cmocka_unit_test(test_stub_elf_errors),
		cmocka_unit_test(test_parse_dump),
		cmocka_unit_test(test_clean_fdt),
		cmocka_unit_test(test_keepouts),
	};

	if (argc == 3 && !strcmp(argv[1], "--info")) {
		return cmd_info(argv + 2);
	}
	if (argc == 5 && !strcmp(argv[1], "--prerelocate")) {
		return cmd_prerelocate(argv + 2);
	}
	if (argc == 7 && !strcmp(argv[1], "--stub-elf")) {
		return cmd_stub_elf(argv + 2);
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "--powernv-fdt")) {
		return cmd_powernv_fdt(argv + 2, argc - 2);
	}
	if (argc == 3 && !strcmp(argv[1], "--fdt-info")) {
		return cmd_fdt_info(argv + 2);
	}
	if (argc == 4 && !strcmp(argv[1], "--parse-dump")) {
		return cmd_parse_dump(argv + 2);
	}
	if (argc != 1) {
		fprintf(stderr,
			"usage: %s\n"
			"       %s --info ELF\n"
			"       %s --prerelocate ELF LOAD_ADDR OUT\n"
			"       %s --stub-elf IN OUT P_OFFSET MEM_SIZE le|be\n"
			"       %s --powernv-fdt CACHE_DIR KERNEL INITRD [SMP]\n"
			"       %s --fdt-info DTB\n"
			"       %s --parse-dump LOG OUT\n",
			argv[0], argv[0], argv[0], argv[0], argv[0], argv[0],
			argv[0]);
		return 2;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
