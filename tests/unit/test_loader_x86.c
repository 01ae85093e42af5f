// SPDX-License-Identifier: MIT
/*
 * libcharon x86 unit tests (cmocka, ASan+UBSan): bzImage parsing (the real
 * Debian kernel and crafted bad ones), kernel placement, the boot_params
 * zero page byte by byte, e820 maps (construction and QEMU's pc/q35
 * layouts), and the PVH ELF wrapper read back with libelf.
 *
 * Crafted inputs are written here with our own byte-order helpers, not the
 * library's.  The program also has two helpers for tests/unit/
 * test_loader_x86.py, which checks the same functions against a running
 * QEMU:
 *	test-loader-x86 --pvh-elf IN OUT LOAD_ADDR ENTRY_OFFSET MEM_SIZE
 *	test-loader-x86 --e820-qemu q35|pc RAM_BYTES [amd]
 */
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

#include <charon/bootparams.h>
#include <charon/err.h>
#include <charon/file.h>
#include <charon/image-x86.h>
#include <charon/layout.h>
#include <charon/pvh.h>

#include "test_loader.h"

#define KiB(x)	((uint64_t)(x) << 10)
#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)

/* ---- a crafted bzImage ------------------------------------------------- */

#define BZ_SETUP_SECTS	4
#define BZ_SETUP_SIZE	((BZ_SETUP_SECTS + 1) * 512)	/* 0xa00 */
#define BZ_PM_SIZE	0x10000u
#define BZ_LEN		(BZ_SETUP_SIZE + BZ_PM_SIZE)
#define BZ_INIT_SIZE	0x401234u	/* mem_size: 0x402000 */
#define BZ_VERSION_STR	"6.1.0-test (charon@test) #1 SMP"

/* a valid protocol 2.15, 64-bit, relocatable bzImage (malloc'd) */
static uint8_t *bz(size_t *len)
{
	uint8_t *b = calloc(1, BZ_LEN);
	size_t i;

	assert_non_null(b);
	b[0] = 'M';
	b[1] = 'Z';
	for (i = 0x290; i < BZ_SETUP_SIZE; i++) {
		b[i] = (uint8_t)(i * 13);	/* "setup code" */
	}
	for (i = BZ_SETUP_SIZE; i < BZ_LEN; i++) {
		b[i] = (uint8_t)(i ^ (i >> 7));	/* "protected-mode kernel" */
	}
	b[0x1f1] = BZ_SETUP_SECTS;
	tl_le32(b + 0x1f4, BZ_PM_SIZE / 16);	/* syssize */
	tl_le16(b + 0x1fa, 0xffff);			/* vid_mode "normal" */
	tl_le16(b + 0x1fe, 0xaa55);
	b[0x200] = 0xeb;
	b[0x201] = 0x6a;			/* header ends at 0x26c */
	memcpy(b + 0x202, "HdrS", 4);
	tl_le16(b + 0x206, 0x020f);
	tl_le16(b + 0x20e, 0x300);			/* string at 0x500 */
	memcpy(b + 0x500, BZ_VERSION_STR, sizeof(BZ_VERSION_STR));
	b[0x211] = 0x01;			/* LOADED_HIGH */
	tl_le32(b + 0x214, 0x100000);		/* code32_start */
	tl_le16(b + 0x224, 0x1234);			/* heap_end_ptr */
	tl_le32(b + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	tl_le32(b + 0x230, 0x200000);		/* kernel_alignment */
	b[0x234] = 1;				/* relocatable_kernel */
	b[0x235] = 21;				/* min_alignment */
	tl_le16(b + 0x236, 0x0003);			/* KERNEL_64, ABOVE_4G */
	tl_le32(b + 0x238, 0x7ff);			/* cmdline_size */
	tl_le32(b + 0x248, 0x100);			/* payload_offset */
	tl_le32(b + 0x24c, 0x8000);			/* payload_length */
	tl_le64(b + 0x258, 0x1000000);		/* pref_address */
	tl_le32(b + 0x260, BZ_INIT_SIZE);
	tl_le32(b + 0x264, 0x190);			/* handover_offset */
	tl_le32(b + 0x268, 0x4321);			/* kernel_info_offset */
	*len = BZ_LEN;
	return b;
}

static int bz_parse(const uint8_t *b, size_t len, struct charon_x86_image *img,
		    struct charon_err *err)
{
	memset(img, 0, sizeof(*img));
	return charon_x86_image_parse("vmlinuz", b, len, img, err);
}

/* parse @b, expect -EINVAL and a message containing @sub */
static void bz_bad(const uint8_t *b, size_t len, const char *sub)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };

	assert_int_equal(bz_parse(b, len, &img, &err), -EINVAL);
	assert_msg(err, "kernel: vmlinuz: ");
	assert_msg(err, sub);
}

static void test_bz_good(void **state)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	CHECK(bz_parse(b, len, &img, &err));
	assert_int_equal(img.setup_sects, 4);
	assert_int_equal(img.setup_size, 0xa00);
	assert_int_equal(img.pm_size, BZ_PM_SIZE);
	assert_int_equal(img.syssize, BZ_PM_SIZE / 16);
	assert_int_equal(img.version, 0x020f);
	assert_int_equal(img.hdr_end, 0x26c);
	assert_int_equal(img.loadflags, 0x01);
	assert_int_equal(img.code32_start, 0x100000);
	assert_int_equal(img.initrd_addr_max, 0x7fffffff);
	assert_int_equal(img.kernel_alignment, 0x200000);
	assert_int_equal(img.relocatable_kernel, 1);
	assert_int_equal(img.min_alignment, 21);
	assert_int_equal(img.xloadflags, 3);
	assert_int_equal(img.cmdline_size, 0x7ff);
	assert_int_equal(img.payload_offset, 0x100);
	assert_int_equal(img.payload_length, 0x8000);
	assert_int_equal(img.pref_address, 0x1000000);
	assert_int_equal(img.init_size, BZ_INIT_SIZE);
	assert_int_equal(img.mem_size, 0x402000);
	assert_int_equal(img.handover_offset, 0x190);
	assert_int_equal(img.kernel_info_offset, 0x4321);
	assert_string_equal(img.version_str, BZ_VERSION_STR);
	assert_null(img.data);

	/* open copies the bytes; the pm kernel starts after the setup */
	CHECK(charon_x86_image_open("vmlinuz", b, len, &img, &err));
	assert_int_equal(img.len, len);
	assert_ptr_equal(charon_x86_image_pm(&img), img.data + 0xa00);
	assert_memory_equal(charon_x86_image_pm(&img), b + 0xa00, BZ_PM_SIZE);
	charon_x86_image_free(&img);
	assert_null(img.data);

	/* protocol 2.12: kernel_info_offset is not read */
	tl_le16(b + 0x206, 0x020c);
	CHECK(bz_parse(b, len, &img, &err));
	assert_int_equal(img.kernel_info_offset, 0);
	free(b);
}

static void test_bz_magic(void **state)
{
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	tl_le16(b + 0x1fe, 0x1234);
	bz_bad(b, len, "boot_flag at 0x1fe is 0x1234, expected 0xaa55");
	tl_le16(b + 0x1fe, 0xaa55);
	memcpy(b + 0x202, "HdrX", 4);
	bz_bad(b, len,
	       "setup header magic at 0x202 is 0x58726448, expected 0x53726448 (\"HdrS\")");
	memcpy(b + 0x202, "HdrS", 4);
	b[0x200] = 0xe9;
	bz_bad(b, len, "jump at 0x200 is 0xe9, expected 0xeb");
	b[0x200] = 0xeb;
	b[0x201] = 0x60;
	bz_bad(b, len, "jump offset at 0x201 is 0x60");
	b[0x201] = 0x90;
	bz_bad(b, len, "jump offset at 0x201 is 0x90");
	free(b);

	/* other kernels get a hint */
	b = calloc(1, 0x1000);
	assert_non_null(b);
	memcpy(b, "\x7f" "ELF", 4);
	bz_bad(b, 0x1000, "an ELF file");
	free(b);
}

static void test_bz_version(void **state)
{
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	tl_le16(b + 0x206, 0x020b);
	bz_bad(b, len,
	       "boot protocol version at 0x206 is 2.11 (0x020b); the 64-bit entry needs 2.12 (0x020c");
	tl_le16(b + 0x206, 0x0204);
	bz_bad(b, len, "is 2.04 (0x0204)");
	free(b);
}

static void test_bz_flags(void **state)
{
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	tl_le16(b + 0x236, 0x0002);
	bz_bad(b, len,
	       "xloadflags at 0x236 is 0x0002: XLF_KERNEL_64 (bit 0) clear");
	tl_le16(b + 0x236, 0x0003);
	b[0x234] = 0;
	bz_bad(b, len,
	       "relocatable_kernel at 0x234 is 0: the kernel runs only at pref_address 0x1000000");
	b[0x234] = 1;
	b[0x211] = 0x80;
	bz_bad(b, len, "loadflags at 0x211 is 0x80: LOADED_HIGH (bit 0) clear");
	b[0x211] = 0x01;
	tl_le32(b + 0x230, 0x300000);
	bz_bad(b, len, "kernel_alignment at 0x230 is 0x300000, not a power of two");
	tl_le32(b + 0x230, 0);
	bz_bad(b, len, "kernel_alignment at 0x230 is 0x0, not a power of two");
	tl_le32(b + 0x230, 0x100000);
	bz_bad(b, len,
	       "min_alignment at 0x235 is 21 (2^21), larger than kernel_alignment 0x100000");
	b[0x235] = 0;		/* no minimum: fine */
	{
		struct charon_x86_image img;
		struct charon_err err = { "" };

		CHECK(bz_parse(b, len, &img, &err));
	}
	free(b);
}

static void test_bz_setup_sects_zero(void **state)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	b[0x1f1] = 0;		/* boot.rst: means 4 */
	CHECK(bz_parse(b, len, &img, &err));
	assert_int_equal(img.setup_sects, 4);
	assert_int_equal(img.setup_size, 5 * 512);
	assert_int_equal(img.pm_size, BZ_PM_SIZE);
	b[0x1f1] = 7;		/* 0x600 more setup, as much less kernel */
	tl_le32(b + 0x1f4, (BZ_PM_SIZE - 0x600) / 16);
	CHECK(bz_parse(b, len, &img, &err));
	assert_int_equal(img.setup_size, 8 * 512);
	assert_int_equal(img.pm_size, BZ_PM_SIZE - 0x600);
	free(b);
}

static void test_bz_truncated(void **state)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };
	size_t len;
	uint8_t *b = bz(&len);

	(void)state;
	bz_bad(b, 0x200,
	       "file is 512 bytes, shorter than the x86 boot sector and setup header (0x26c bytes)");
	bz_bad(b, 0xa00,
	       "setup_sects at 0x1f1 is 4, so the protected-mode kernel starts at 0xa00, but the file is only 0xa00 bytes: truncated");
	bz_bad(b, len - 16,
	       "syssize at 0x1f4 is 0x1000 (0x10000 bytes of protected-mode code), but 0xfff0 bytes follow the setup at 0xa00: truncated");
	/* 0 is not set, as in tests/system/probe/x86_64.S: a warning */
	tl_le32(b + 0x1f4, 0);
	tl_catch_warnings();
	CHECK(bz_parse(b, len, &img, &err));
	charon_set_warn_handler(NULL, NULL);
	assert_int_equal(img.pm_size, BZ_PM_SIZE);
	if (!strstr(tl_last_warning, "syssize at 0x1f4 is 0 (a kernel's build sets it); loading the 0x10000 bytes after the setup at 0xa00")) {
		fail_msg("warning \"%s\"", tl_last_warning);
	}
	tl_le32(b + 0x1f4, 0x100);
	tl_le32(b + 0x24c, 0xff01);
	bz_bad(b, len,
	       "payload (payload_offset at 0x248 0x100, payload_length at 0x24c 0xff01) ends at 0x10001, past the 0x10000 bytes");
	tl_le32(b + 0x24c, 0x8000);
	tl_le32(b + 0x260, 0xffff);
	bz_bad(b, len,
	       "init_size at 0x260 is 0xffff, smaller than the 0x10000 bytes of protected-mode kernel");
	tl_le32(b + 0x260, 0xffffffff);
	bz_bad(b, len,
	       "init_size at 0x260 is 0xffffffff, more than the 1024 MiB of KERNEL_IMAGE_SIZE");
	free(b);
}

static void test_bz_load(void **state)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };

	(void)state;
	assert_int_equal(charon_x86_image_load("/nonexistent/vmlinuz", &img,
					       &err), -ENOENT);
	assert_msg(err, "kernel: /nonexistent/vmlinuz: cannot open");
}

/* the real Debian kernel that scripts/fetch-kernels provides */
static void test_bz_real_kernel(void **state)
{
	struct charon_x86_image img;
	struct charon_err err = { "" };
	char path[PATH_MAX];

	(void)state;
	tl_need_kernel("x86_64", path, sizeof(path));
	if (charon_x86_image_load(path, &img, &err)) {
		fail_msg("%s", err.msg);
	}
	print_message("  %s: \"%s\"\n  protocol %u.%02u, setup_sects %u, %zu bytes of kernel, init_size 0x%x, kernel_alignment 0x%x, pref_address 0x%llx, xloadflags 0x%x, initrd_addr_max 0x%x, cmdline_size 0x%x\n",
		      path, img.version_str, img.version >> 8,
		      img.version & 0xff, img.setup_sects, img.pm_size,
		      img.init_size, img.kernel_alignment,
		      (unsigned long long)img.pref_address, img.xloadflags,
		      img.initrd_addr_max, img.cmdline_size);
	assert_true(img.version >= 0x020c);
	assert_true(img.xloadflags & CHARON_X86_XLF_KERNEL_64);
	assert_true(img.xloadflags & CHARON_X86_XLF_ABOVE_4G);
	assert_true(img.loadflags & CHARON_X86_LOADED_HIGH);
	assert_int_equal(img.relocatable_kernel, 1);
	/* CONFIG_PHYSICAL_ALIGN and _START are the build's: properties only
	 * (tests/unit/test_loader_x86.py compares the values with the file) */
	assert_true(img.kernel_alignment >= 0x1000 &&
		    !(img.kernel_alignment & (img.kernel_alignment - 1)));
	assert_int_equal(img.pref_address % img.kernel_alignment, 0);
	assert_int_equal(img.setup_size, (img.setup_sects + 1) * 512);
	assert_true(img.pm_size > MiB(1));
	assert_true(img.mem_size >= img.pm_size);
	assert_true(img.cmdline_size >= 255);
	assert_true(strlen(img.version_str) > 0);
	charon_x86_image_free(&img);
}

/* ---- kernel placement -------------------------------------------------- */

static void layout_qemu(struct charon_layout *l,
			enum charon_qemu_x86_machine m, uint64_t ram,
			uint64_t max_end)
{
	struct charon_e820 t;
	struct charon_err err = { "" };

	memset(l, 0, sizeof(*l));
	CHECK(charon_e820_qemu(m, ram, 0, &t, &err));
	CHECK(charon_e820_layout(&t, MiB(1), max_end, l, &err));
}

static struct charon_x86_image *bz_img(void)
{
	static struct charon_x86_image img;
	struct charon_err err = { "" };
	size_t len;
	uint8_t *b = bz(&len);

	CHECK(charon_x86_image_open("vmlinuz", b, len, &img, &err));
	free(b);
	return &img;
}

static void test_kernel_pref(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_kernel_place k;
	struct charon_layout l;
	struct charon_segment *s;
	struct charon_err err = { "" };

	(void)state;
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), 0);
	CHECK(charon_x86_kernel_add(&l, img, false, 0, &k, &err));
	assert_int_equal(k.addr, 0x1000000);
	assert_int_equal(k.size, 0x402000);
	assert_int_equal(k.entry, 0x1000200);
	assert_true(k.at_pref);
	s = charon_layout_find(&l, "kernel");
	assert_non_null(s);
	assert_int_equal(s->place, CHARON_PLACE_FIXED);
	assert_int_equal(s->addr, 0x1000000);
	assert_int_equal(s->size, 0x402000);

	/* 32-bit protocol: enter at the load address */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), 0);
	CHECK(charon_x86_kernel_add(&l, img, true, 0, &k, &err));
	assert_int_equal(k.entry, 0x1000000);
	charon_x86_image_free(img);
}

static void test_kernel_fallback(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_kernel_place k;
	struct charon_layout l;
	struct charon_segment *s;
	struct charon_err err = { "" };

	(void)state;
	/* something already at pref_address: next 2 MiB boundary after it */
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(1), 0);
	s = charon_layout_add(&l, "stub", 0x10000, 4096, CHARON_PLACE_FIXED,
			      &err);
	assert_non_null(s);
	s->addr = 0x1100000;
	CHECK(charon_x86_kernel_add(&l, img, false, 0, &k, &err));
	assert_int_equal(k.addr, 0x1200000);
	assert_false(k.at_pref);

	/* no pref_address: lowest aligned fit at or above 16 MiB */
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(1), 0);
	img->pref_address = 0;
	CHECK(charon_x86_kernel_add(&l, img, false, 0, &k, &err));
	assert_int_equal(k.addr, 0x1000000);
	assert_false(k.at_pref);

	/* a misaligned pref_address is not used */
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(1), 0);
	img->pref_address = 0x1100000;
	CHECK(charon_x86_kernel_add(&l, img, false, 0, &k, &err));
	assert_int_equal(k.addr, 0x1000000);

	/* RAM ends before 16 MiB + init_size: no room, named */
	tl_layout(&l, MiB(1), MiB(19));
	assert_int_equal(charon_x86_kernel_add(&l, img, false, 0, &k, &err),
			 -ENOSPC);
	assert_msg(err, "kernel: layout: no room for kernel (0x402000 bytes, alignment 0x200000");
	assert_msg(err, "(below 0x1000000)");
	charon_x86_image_free(img);
}

static void test_kernel_above_4g(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_kernel_place k;
	struct charon_layout l;
	struct charon_err err = { "" };

	(void)state;
	tl_layout(&l, GiB(4), GiB(4));
	/* 64-bit entry and XLF_CAN_BE_LOADED_ABOVE_4G: fine */
	CHECK(charon_x86_kernel_add(&l, img, false, 0, &k, &err));
	assert_int_equal(k.addr, GiB(4));
	assert_int_equal(k.entry, GiB(4) + 0x200);

	/* nor past the caller's limit */
	tl_layout(&l, GiB(4), GiB(4));
	assert_int_equal(charon_x86_kernel_add(&l, img, false, GiB(4) + MiB(4),
					       &k, &err), -ENOSPC);
	assert_msg(err, "(from 0x100400000)");

	/* 32-bit entry: must stay below 4 GiB */
	tl_layout(&l, GiB(4), GiB(4));
	assert_int_equal(charon_x86_kernel_add(&l, img, true, 0, &k, &err),
			 -ENOSPC);
	assert_msg(err, "(from 0x100000000)");

	/* nor without the flag */
	tl_layout(&l, GiB(4), GiB(4));
	img->xloadflags = CHARON_X86_XLF_KERNEL_64;
	assert_int_equal(charon_x86_kernel_add(&l, img, false, 0, &k, &err),
			 -ENOSPC);
	charon_x86_image_free(img);
}

/* ---- placement of all boot segments ------------------------------------ */

static void test_place_boot_q35(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_place p;
	struct charon_layout l;
	struct charon_segment *st;
	struct charon_err err = { "" };
	uint64_t top = 0x3ffdf000;	/* end of usable low RAM, q35 1G */

	(void)state;
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), GiB(4));
	CHECK(charon_x86_place_boot(&l, img, 13, 0x500001, false,
				    CHARON_X86_HIGH, GiB(4), &p, &err));
	assert_int_equal(p.kernel.addr, 0x1000000);
	assert_int_equal(p.initrd_size, 0x501000);
	assert_int_equal(p.initrd_addr, top - 0x501000);
	assert_int_equal(p.bp_addr, p.initrd_addr - 0x1000);
	assert_int_equal(p.cmdline_size, 14);
	assert_int_equal(p.cmdline_addr, (p.bp_addr - 14) & ~15ull);
	assert_int_equal(l.nr_seg, 4);
	assert_int_equal(charon_layout_find(&l, "boot_params")->addr,
			 p.bp_addr);

	/* the stub, placed afterwards, goes around them */
	st = charon_layout_add(&l, "stub", 0x20000, 4096, CHARON_PLACE_HIGH,
			       &err);
	assert_non_null(st);
	CHECK(charon_layout_place(&l, &err));
	assert_int_equal(st->addr, (p.cmdline_addr - 0x20000) & ~4095ull);

	/* no initrd */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), GiB(4));
	CHECK(charon_x86_place_boot(&l, img, 0, 0, false, CHARON_X86_HIGH,
				    GiB(4), &p, &err));
	assert_int_equal(p.initrd_addr, 0);
	assert_int_equal(p.bp_addr, top - 0x1000);
	assert_int_equal(p.cmdline_size, 1);
	assert_null(charon_layout_find(&l, "initrd"));
	charon_x86_image_free(img);
}

/*
 * After the kernel: the order initrd, boot_params, cmdline from the end
 * of the kernel's footprint; below the kernel only when nothing fits
 * above it
 */
static void test_place_boot_after_kernel(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_place p;
	struct charon_layout l;
	struct charon_segment *s;
	struct charon_err err = { "" };
	uint64_t kend = 0x1000000 + 0x402000;

	(void)state;
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), GiB(4));
	CHECK(charon_x86_place_boot(&l, img, 13, 0x500001, false,
				    CHARON_X86_AFTER_KERNEL, GiB(4), &p,
				    &err));
	assert_int_equal(p.kernel.addr, 0x1000000);
	assert_int_equal(p.initrd_addr, kend);
	assert_int_equal(p.bp_addr, kend + 0x501000);
	assert_int_equal(p.cmdline_addr, p.bp_addr + 0x1000);

	/* a fixed range right after the kernel is stepped over */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(1), GiB(4));
	s = charon_layout_add(&l, "stub", 0x10000, 4096, CHARON_PLACE_FIXED,
			      &err);
	assert_non_null(s);
	s->addr = kend + 0x1000;
	CHECK(charon_x86_place_boot(&l, img, 0, 0x1000, false,
				    CHARON_X86_AFTER_KERNEL, GiB(4), &p,
				    &err));
	assert_int_equal(p.initrd_addr, kend);
	assert_int_equal(p.bp_addr, kend + 0x11000);

	/* no room left above the kernel: the lowest fit below it */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, MiB(64), GiB(4));
	CHECK(charon_x86_place_boot(&l, img, 0, 0x3fdf000 - kend, false,
				    CHARON_X86_AFTER_KERNEL, GiB(4), &p,
				    &err));
	assert_int_equal(p.kernel.addr, 0x1000000);
	assert_int_equal(p.initrd_addr, kend);
	assert_int_equal(p.bp_addr, MiB(1));
	charon_x86_image_free(img);
}

static void test_place_boot_limits(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_place p;
	struct charon_layout l;
	struct charon_err err = { "" };

	(void)state;
	/* above-4G kernel, no limit: initrd and boot_params at the top */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(8), 0);
	CHECK(charon_x86_place_boot(&l, img, 10, MiB(8), false, CHARON_X86_HIGH,
				    0, &p, &err));
	assert_int_equal(p.initrd_addr, 0x280000000ull - MiB(8));
	assert_int_equal(p.bp_addr, p.initrd_addr - 0x1000);

	/* a stub that maps 4 GiB: everything below */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(8), 0);
	CHECK(charon_x86_place_boot(&l, img, 10, MiB(8), false, CHARON_X86_HIGH,
				    GiB(4), &p, &err));
	assert_int_equal(p.initrd_addr, 0x7ffdf000 - MiB(8));
	assert_true(p.cmdline_addr + p.cmdline_size <= GiB(4));

	/* 32-bit entry: pointers below 4 GiB, the initrd may stay high */
	layout_qemu(&l, CHARON_QEMU_X86_Q35, GiB(8), 0);
	CHECK(charon_x86_place_boot(&l, img, 10, MiB(8), true, CHARON_X86_HIGH,
				    0, &p, &err));
	assert_int_equal(p.initrd_addr, 0x280000000ull - MiB(8));
	assert_int_equal(p.bp_addr, 0x7ffdf000 - 0x1000);

	/* no XLF_CAN_BE_LOADED_ABOVE_4G: initrd ends at initrd_addr_max + 1 */
	img->xloadflags = CHARON_X86_XLF_KERNEL_64;
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(3), 0);
	CHECK(charon_x86_place_boot(&l, img, 10, MiB(8), false, CHARON_X86_HIGH,
				    0, &p, &err));
	assert_int_equal(p.initrd_addr, 0x80000000 - MiB(8));
	assert_int_equal(p.bp_addr, 0xbffe0000 - 0x1000);

	/* a command line the kernel cannot take */
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(3), 0);
	assert_int_equal(charon_x86_place_boot(&l, img, 0x800, 0, false,
					       CHARON_X86_HIGH, 0, &p, &err),
			 -E2BIG);
	assert_msg(err, "cmdline: 2048 bytes, more than the kernel's cmdline_size (0x7ff, at 0x238)");

	/* an initrd too large for the window */
	layout_qemu(&l, CHARON_QEMU_X86_PC, GiB(3), 0);
	assert_int_equal(charon_x86_place_boot(&l, img, 1, GiB(2), false,
					       CHARON_X86_HIGH, 0, &p, &err),
			 -ENOSPC);
	assert_msg(err, "initrd: layout: no room for initrd");
	charon_x86_image_free(img);
}

/* ---- boot_params ------------------------------------------------------- */

static const uint8_t *bp_build(struct charon_x86_image *img,
			       struct charon_x86_boot_in *in,
			       struct charon_e820 *t, int expect,
			       struct charon_err *err)
{
	static uint8_t bp[CHARON_BP_SIZE];

	memset(bp, 0xee, sizeof(bp));
	assert_int_equal(charon_x86_boot_params("vmlinuz", img, in, bp, err),
			 expect);
	(void)t;
	return bp;
}

static void bp_defaults(struct charon_x86_boot_in *in, struct charon_e820 *t)
{
	struct charon_err err = { "" };

	memset(in, 0, sizeof(*in));
	CHECK(charon_e820_qemu(CHARON_QEMU_X86_Q35, GiB(1), 0, t, &err));
	in->kernel_addr = 0x1000000;
	in->cmdline = "console=ttyS0 quiet";
	in->cmdline_addr = 0x3ffd0000;
	in->initrd_addr = 0x3f000000;
	in->initrd_size = 0x123456;
	in->e820 = t;
}

static void test_bp_fields(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_boot_in in;
	struct charon_e820 t;
	struct charon_err err = { "" };
	const uint8_t *bp, *e;
	size_t i;

	(void)state;
	/* flags the loader must clear, in the image's header */
	img->data[0x211] = 0x01 | 0x02 | 0x20 | 0x40 | 0x80;
	/* bytes past the header's end are never copied */
	memset(img->data + 0x26c, 0xab, 0x290 - 0x26c);
	bp_defaults(&in, &t);
	bp = bp_build(img, &in, &t, 0, &err);

	/* the setup header: copied except the fields a loader writes */
	for (i = 0x1f1; i < 0x26c; i++) {
		if ((i >= 0x210 && i < 0x212) || (i >= 0x214 && i < 0x220) ||
		    (i >= 0x224 && i < 0x22c)) {
			continue;
		}
		if (bp[i] != img->data[i]) {
			fail_msg("boot_params byte 0x%zx is 0x%02x, image has 0x%02x",
				 i, bp[i], img->data[i]);
		}
	}
	/* type_of_loader, loadflags (only LOADED_HIGH left), code32_start */
	assert_int_equal(bp[0x210], 0xff);
	assert_int_equal(bp[0x211], 0x01);
	assert_int_equal(tl_rd32(bp + 0x214), 0x1000000);
	/* ramdisk_image, ramdisk_size, heap_end_ptr, ext_loader_ver/type */
	assert_int_equal(tl_rd32(bp + 0x218), 0x3f000000);
	assert_int_equal(tl_rd32(bp + 0x21c), 0x123456);
	assert_int_equal(bp[0x224] | bp[0x225] << 8, 0);
	assert_int_equal(bp[0x226], 0);
	assert_int_equal(bp[0x227], 0);
	/* cmd_line_ptr; ext_ramdisk_image/size, ext_cmd_line_ptr */
	assert_int_equal(tl_rd32(bp + 0x228), 0x3ffd0000);
	assert_int_equal(tl_rd32(bp + 0x0c0), 0);
	assert_int_equal(tl_rd32(bp + 0x0c4), 0);
	assert_int_equal(tl_rd32(bp + 0x0c8), 0);
	/* acpi_rsdp_addr, sentinel */
	assert_int_equal(tl_rd64(bp + 0x070), 0);
	assert_int_equal(bp[0x1ef], 0);

	/* the e820 table */
	assert_int_equal(bp[0x1e8], t.nr);
	assert_int_equal(t.nr, 8);
	for (i = 0; i < t.nr; i++) {
		e = bp + 0x2d0 + 20 * i;
		assert_int_equal(tl_rd64(e), t.map[i].addr);
		assert_int_equal(tl_rd64(e + 8), t.map[i].size);
		assert_int_equal(tl_rd32(e + 16), t.map[i].type);
	}
	e = bp + 0x2d0 + 20 * 3;	/* [1 MiB, 0x3ffdf000) RAM */
	assert_int_equal(tl_rd64(e), 0x100000);
	assert_int_equal(tl_rd64(e + 8), 0x3fedf000);
	assert_int_equal(tl_rd32(e + 16), 1);

	/* everything else is zero */
	for (i = 0; i < CHARON_BP_SIZE; i++) {
		if (i == 0x1e8 || (i >= 0x1f1 && i < 0x26c) ||
		    (i >= 0x2d0 && i < 0x2d0 + 20 * t.nr)) {
			continue;
		}
		if (bp[i]) {
			fail_msg("boot_params byte 0x%zx is 0x%02x, expected 0",
				 i, bp[i]);
		}
	}

	/* a shorter header (protocol 2.14: jump 0x66) copies less */
	img->data[0x201] = 0x66;
	img->hdr_end = 0x268;
	memset(img->data + 0x268, 0x77, 4);
	bp = bp_build(img, &in, &t, 0, &err);
	assert_int_equal(tl_rd32(bp + 0x268), 0);
	assert_int_equal(bp[0x267], img->data[0x267]);

	/* the RSDP when the caller knows it */
	in.acpi_rsdp = 0xf5a10;
	bp = bp_build(img, &in, &t, 0, &err);
	assert_int_equal(tl_rd64(bp + 0x070), 0xf5a10);
	charon_x86_image_free(img);
}

static void test_bp_above_4g(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_boot_in in;
	struct charon_e820 t;
	struct charon_err err = { "" };
	const uint8_t *bp;

	(void)state;
	bp_defaults(&in, &t);
	in.cmdline_addr = 0x123456780ull;
	in.initrd_addr = 0x200000000ull;
	in.initrd_size = 0x100001000ull;
	in.kernel_addr = 0x140000000ull;
	img->data[0x214] = 0x5a;	/* code32_start: left as it is */
	bp = bp_build(img, &in, &t, 0, &err);
	assert_int_equal(tl_rd32(bp + 0x228), 0x23456780);
	assert_int_equal(tl_rd32(bp + 0x0c8), 0x1);
	assert_int_equal(tl_rd32(bp + 0x218), 0);
	assert_int_equal(tl_rd32(bp + 0x0c0), 0x2);
	assert_int_equal(tl_rd32(bp + 0x21c), 0x1000);
	assert_int_equal(tl_rd32(bp + 0x0c4), 0x1);
	assert_int_equal(tl_rd32(bp + 0x214), 0x10005a);

	/* the 32-bit protocol cannot reach them */
	in.entry32 = true;
	bp_build(img, &in, &t, -ERANGE, &err);
	assert_msg(err, "boot_params: kernel at 0x140000000 is above 4 GiB, but vmlinuz is entered in 32-bit mode");
	in.kernel_addr = 0x1000000;
	bp_build(img, &in, &t, -ERANGE, &err);
	assert_msg(err, "boot_params: command line at 0x123456780 is above 4 GiB, but vmlinuz is entered in 32-bit mode");

	/* nor a kernel without XLF_CAN_BE_LOADED_ABOVE_4G */
	in.entry32 = false;
	img->xloadflags = CHARON_X86_XLF_KERNEL_64;
	bp_build(img, &in, &t, -ERANGE, &err);
	assert_msg(err, "does not set XLF_CAN_BE_LOADED_ABOVE_4G (xloadflags at 0x236)");
	in.cmdline_addr = 0x3ffd0000;
	bp_build(img, &in, &t, -ERANGE, &err);
	assert_msg(err, "boot_params: initrd [0x200000000, 0x300001000) ends above vmlinuz's initrd_addr_max 0x7fffffff (at 0x22c)");
	charon_x86_image_free(img);
}

static void test_bp_limits(void **state)
{
	struct charon_x86_image *img = bz_img();
	struct charon_x86_boot_in in;
	struct charon_e820 t;
	struct charon_err err = { "" };
	char line[0x801];

	(void)state;
	bp_defaults(&in, &t);
	img->xloadflags = CHARON_X86_XLF_KERNEL_64;
	/* the initrd's last byte may be initrd_addr_max itself */
	in.initrd_addr = 0x80000000 - 0x1000;
	in.initrd_size = 0x1000;
	bp_build(img, &in, &t, 0, &err);
	in.initrd_size = 0x1001;
	bp_build(img, &in, &t, -ERANGE, &err);
	assert_msg(err, "initrd [0x7ffff000, 0x80000001) ends above");
	in.initrd_size = 0;

	/* cmdline_size characters, NUL not counted */
	memset(line, 'a', sizeof(line));
	line[0x7ff] = '\0';
	in.cmdline = line;
	bp_build(img, &in, &t, 0, &err);
	line[0x7ff] = 'a';
	line[0x800] = '\0';
	bp_build(img, &in, &t, -E2BIG, &err);
	assert_msg(err, "boot_params: command line is 2048 bytes, more than vmlinuz's cmdline_size 0x7ff (at 0x238)");
	in.cmdline = NULL;		/* empty */
	bp_build(img, &in, &t, 0, &err);

	in.cmdline_addr = 0;
	bp_build(img, &in, &t, -EINVAL, &err);
	assert_msg(err, "no command line address");
	in.cmdline_addr = 0x3ffd0000;
	in.e820 = NULL;
	bp_build(img, &in, &t, -EINVAL, &err);
	assert_msg(err, "boot_params: no e820 memory map");
	charon_x86_image_free(img);
}

/* ---- e820 -------------------------------------------------------------- */

static void e(struct charon_e820_entry *x, uint64_t a, uint64_t s,
	      uint32_t type)
{
	x->addr = a;
	x->size = s;
	x->type = type;
}

static void test_e820_build(void **state)
{
	struct charon_e820_entry in[8];
	struct charon_e820 t;
	struct charon_err err = { "" };

	(void)state;
	e(&in[0], 0x100000, 0x100000, 1);
	e(&in[1], 0, 0x9fc00, 1);
	e(&in[2], 0x200000, 0x100000, 1);	/* touches in[0]: merged */
	e(&in[3], 0x9fc00, 0x400, 2);
	e(&in[4], 0x280000, 0x100000, 1);	/* overlaps, same type */
	e(&in[5], 0x500000, 0, 2);		/* empty: ignored */
	e(&in[6], 0xf0000, 0x10000, 2);
	e(&in[7], 0x9fc00, 0x100, 2);		/* inside in[3] */
	CHECK(charon_e820_build("test", in, 8, &t, &err));
	assert_int_equal(t.nr, 4);
	assert_int_equal(t.map[0].addr, 0);
	assert_int_equal(t.map[0].size, 0x9fc00);
	assert_int_equal(t.map[1].addr, 0x9fc00);
	assert_int_equal(t.map[1].size, 0x400);
	assert_int_equal(t.map[1].type, 2);
	assert_int_equal(t.map[2].addr, 0xf0000);
	assert_int_equal(t.map[3].addr, 0x100000);
	assert_int_equal(t.map[3].size, 0x280000);
	assert_int_equal(t.map[3].type, 1);

	/* adjacent ranges of different types stay apart */
	e(&in[0], 0x1000, 0x1000, 1);
	e(&in[1], 0x2000, 0x1000, 2);
	CHECK(charon_e820_build("test", in, 2, &t, &err));
	assert_int_equal(t.nr, 2);

	/* overlapping ranges of different types are refused, both named */
	e(&in[1], 0x1800, 0x1000, 2);
	assert_int_equal(charon_e820_build("test", in, 2, &t, &err), -EINVAL);
	assert_msg(err, "e820: test: [0x1800, 0x2800) reserved (type 2) overlaps [0x1000, 0x2000) RAM (type 1)");

	e(&in[1], 0xfffffffffffff000ull, 0x2000, 1);
	assert_int_equal(charon_e820_build("test", in, 2, &t, &err), -EINVAL);
	assert_msg(err, "range at 0xfffffffffffff000 of 0x2000 bytes wraps around");
	e(&in[1], 0x4000, 0x1000, 0);
	assert_int_equal(charon_e820_build("test", in, 2, &t, &err), -EINVAL);
	assert_msg(err, "[0x4000, 0x5000) has type 0");
	CHECK(charon_e820_build("test", in, 0, &t, &err));
	assert_int_equal(t.nr, 0);
}

static void test_e820_full(void **state)
{
	struct charon_e820_entry in[129];
	struct charon_e820 t;
	struct charon_err err = { "" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 129; i++) {
		e(&in[i], (uint64_t)i * 0x2000, 0x1000, 1);
	}
	CHECK(charon_e820_build("test", in, 128, &t, &err));
	assert_int_equal(t.nr, 128);
	assert_int_equal(charon_e820_build("test", in, 129, &t, &err),
			 -ENOSPC);
	assert_msg(err, "more than 128 entries after merging");
}

/* what Linux printed as BIOS-e820 under Debian 12's QEMU 7.2 + SeaBIOS */
struct expect {
	uint64_t start, last;
	uint32_t type;
};

static void check_map(const struct charon_e820 *t, const struct expect *x,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && i < t->nr; i++) {
		if (t->map[i].addr != x[i].start ||
		    t->map[i].addr + t->map[i].size - 1 != x[i].last ||
		    t->map[i].type != x[i].type) {
			fail_msg("entry %u: [0x%llx-0x%llx] type %u, expected [0x%llx-0x%llx] type %u",
				 i, (unsigned long long)t->map[i].addr,
				 (unsigned long long)(t->map[i].addr +
						      t->map[i].size - 1),
				 t->map[i].type,
				 (unsigned long long)x[i].start,
				 (unsigned long long)x[i].last, x[i].type);
		}
	}
	assert_int_equal(t->nr, n);
}

/* charon_e820_qemu()'s map for QEMU machine @m with @ram bytes is @x */
static void qemu_map_is(enum charon_qemu_x86_machine m, uint64_t ram,
			unsigned int flags, const struct expect *x,
			unsigned int n)
{
	struct charon_e820 t;
	struct charon_err err = { "" };

	CHECK(charon_e820_qemu(m, ram, flags, &t, &err));
	check_map(&t, x, n);
}

#define LOW_1MIB							\
	{ 0x0, 0x9fbff, 1 },						\
	{ 0x9fc00, 0x9ffff, 2 },					\
	{ 0xf0000, 0xfffff, 2 }
#define Q35_HOLES							\
	{ 0xb0000000, 0xbfffffff, 2 },					\
	{ 0xfed1c000, 0xfed1ffff, 2 },					\
	{ 0xfffc0000, 0xffffffff, 2 }
#define AMD_HT	{ 0xfd00000000ull, 0xffffffffffull, 2 }

static void test_e820_qemu_q35(void **state)
{
	static const struct expect g1[] = {
		LOW_1MIB,
		{ 0x100000, 0x3ffdefff, 1 },
		{ 0x3ffdf000, 0x3fffffff, 2 },
		Q35_HOLES,
		AMD_HT,
	};
	static const struct expect g3[] = {
		LOW_1MIB,
		{ 0x100000, 0x7ffdefff, 1 },
		{ 0x7ffdf000, 0x7fffffff, 2 },
		Q35_HOLES,
		{ 0x100000000ull, 0x13fffffffull, 1 },
		AMD_HT,
	};
	static const struct expect g8[] = {
		LOW_1MIB,
		{ 0x100000, 0x7ffdefff, 1 },
		{ 0x7ffdf000, 0x7fffffff, 2 },
		Q35_HOLES,
		{ 0x100000000ull, 0x27fffffffull, 1 },
		AMD_HT,
	};
	struct charon_e820 t;
	struct charon_err err = { "" };
	const unsigned int amd = CHARON_QEMU_E820_AMD_HT;

	(void)state;
	qemu_map_is(CHARON_QEMU_X86_Q35, GiB(1), amd, g1, 9);
	qemu_map_is(CHARON_QEMU_X86_Q35, GiB(3), amd, g3, 10);
	qemu_map_is(CHARON_QEMU_X86_Q35, GiB(8), amd, g8, 10);
	/* an Intel CPU: no HyperTransport window */
	qemu_map_is(CHARON_QEMU_X86_Q35, GiB(8), 0, g8, 9);
	/* just below the split: all RAM under 0xb0000000 */
	CHECK(charon_e820_qemu(CHARON_QEMU_X86_Q35, 0xaff00000, 0, &t,
			       &err));
	assert_int_equal(t.map[3].addr + t.map[3].size, 0xaff00000 - 0x21000);
	assert_int_equal(t.map[5].addr, 0xb0000000);
}

static void test_e820_qemu_pc(void **state)
{
	static const struct expect g1[] = {
		LOW_1MIB,
		{ 0x100000, 0x3ffdffff, 1 },
		{ 0x3ffe0000, 0x3fffffff, 2 },
		{ 0xfffc0000, 0xffffffff, 2 },
		AMD_HT,
	};
	static const struct expect g3[] = {
		LOW_1MIB,
		{ 0x100000, 0xbffdffff, 1 },
		{ 0xbffe0000, 0xbfffffff, 2 },
		{ 0xfffc0000, 0xffffffff, 2 },
		AMD_HT,
	};
	static const struct expect g8[] = {
		LOW_1MIB,
		{ 0x100000, 0xbffdffff, 1 },
		{ 0xbffe0000, 0xbfffffff, 2 },
		{ 0xfffc0000, 0xffffffff, 2 },
		{ 0x100000000ull, 0x23fffffffull, 1 },
		AMD_HT,
	};
	struct charon_e820 t;
	struct charon_err err = { "" };
	const unsigned int amd = CHARON_QEMU_E820_AMD_HT;

	(void)state;
	qemu_map_is(CHARON_QEMU_X86_PC, GiB(1), amd, g1, 7);
	qemu_map_is(CHARON_QEMU_X86_PC, GiB(3), amd, g3, 7);
	qemu_map_is(CHARON_QEMU_X86_PC, GiB(8), amd, g8, 8);
	/* 0xe0000000 and up split at 3 GiB */
	CHECK(charon_e820_qemu(CHARON_QEMU_X86_PC, 0xe0000000, 0, &t, &err));
	assert_int_equal(t.map[4].addr + t.map[4].size, 0xc0000000);
	assert_int_equal(t.map[6].addr, GiB(4));
	assert_int_equal(t.map[6].size, 0x20000000);
	CHECK(charon_e820_qemu(CHARON_QEMU_X86_PC, 0xdff00000, 0, &t, &err));
	assert_int_equal(t.map[4].addr + t.map[4].size, 0xdff00000);
	assert_int_equal(t.nr, 6);
}

static void test_e820_qemu_bad(void **state)
{
	enum charon_qemu_x86_machine m;
	struct charon_e820 t;
	struct charon_err err = { "" };

	(void)state;
	assert_int_equal(charon_e820_qemu(CHARON_QEMU_X86_Q35, MiB(8), 0, &t,
					  &err), -EINVAL);
	assert_msg(err, "e820: QEMU -m 0x800000 bytes: not modelled");
	assert_int_equal(charon_e820_qemu(CHARON_QEMU_X86_PC, GiB(1) + 1, 0,
					  &t, &err), -EINVAL);
	assert_int_equal(charon_e820_qemu(CHARON_QEMU_X86_PC, GiB(1020),
					  CHARON_QEMU_E820_AMD_HT, &t, &err),
			 -EINVAL);
	assert_msg(err, "HyperTransport");

	CHECK(charon_qemu_x86_machine_parse("q35", &m));
	assert_int_equal(m, CHARON_QEMU_X86_Q35);
	CHECK(charon_qemu_x86_machine_parse("pc-q35-7.2,accel=tcg", &m));
	assert_int_equal(m, CHARON_QEMU_X86_Q35);
	CHECK(charon_qemu_x86_machine_parse("pc", &m));
	assert_int_equal(m, CHARON_QEMU_X86_PC);
	CHECK(charon_qemu_x86_machine_parse("pc-i440fx-7.2", &m));
	assert_int_equal(m, CHARON_QEMU_X86_PC);
	assert_int_equal(charon_qemu_x86_machine_parse("microvm", &m),
			 -EINVAL);
	assert_int_equal(charon_qemu_x86_machine_parse("pcx", &m), -EINVAL);
	assert_int_equal(charon_qemu_x86_machine_parse("q35x", &m), -EINVAL);
}

static void test_e820_layout(void **state)
{
	struct charon_layout l;
	struct charon_e820 t;
	struct charon_err err = { "" };

	(void)state;
	CHECK(charon_e820_qemu(CHARON_QEMU_X86_Q35, GiB(3), 0, &t, &err));
	memset(&l, 0, sizeof(l));
	CHECK(charon_e820_layout(&t, MiB(1), GiB(4), &l, &err));
	assert_int_equal(l.nr_ram, 1);
	assert_int_equal(l.ram[0].start, MiB(1));
	assert_int_equal(l.ram[0].size, 0x7ffdf000 - MiB(1));
	memset(&l, 0, sizeof(l));
	CHECK(charon_e820_layout(&t, 0, 0, &l, &err));
	assert_int_equal(l.nr_ram, 3);
	assert_int_equal(l.ram[0].start, 0);
	assert_int_equal(l.ram[0].size, 0x9fc00);
	assert_int_equal(l.ram[2].start, GiB(4));
	assert_int_equal(l.ram[2].size, GiB(1));
	assert_string_equal(charon_e820_type_name(3), "ACPI");
	assert_string_equal(charon_e820_type_name(99), "unknown");
}

/* ---- PVH ELF ----------------------------------------------------------- */

#define PVH_LEN		0x3000u
#define PVH_MEM		0x8000u
#define PVH_LOAD	0x2000000u
#define PVH_ENTRY	0x40u

static uint8_t *pvh_image(void)
{
	uint8_t *img = malloc(PVH_LEN);
	size_t i;

	assert_non_null(img);
	for (i = 0; i < PVH_LEN; i++) {
		img[i] = (uint8_t)(i * 31 + 7);
	}
	return img;
}

static void test_pvh_elf(void **state)
{
	struct charon_err err = { "" };
	uint8_t *img = pvh_image(), *out;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	GElf_Nhdr nh;
	Elf_Data *d;
	size_t len, n, name_off, desc_off, off;
	void *o;
	Elf *elf;

	(void)state;
	CHECK(charon_pvh_elf("stub.bin", img, PVH_LEN, PVH_MEM, PVH_LOAD,
			     PVH_ENTRY, &o, &len, &err));
	out = o;
	assert_int_equal(len, 0x1000 + PVH_LEN);
	assert_memory_not_equal(out + 0x202, "HdrS", 4);

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_memory((char *)out, len);
	assert_non_null(elf);
	assert_int_equal(elf_kind(elf), ELF_K_ELF);
	assert_int_equal(gelf_getclass(elf), ELFCLASS64);
	assert_non_null(gelf_getehdr(elf, &eh));
	assert_int_equal(eh.e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(eh.e_type, ET_EXEC);
	assert_int_equal(eh.e_machine, EM_X86_64);
	assert_int_equal(eh.e_entry, PVH_LOAD + PVH_ENTRY);
	assert_int_equal(eh.e_flags, 0);
	assert_int_equal(eh.e_shnum, 0);
	CHECK(elf_getphdrnum(elf, &n));
	assert_int_equal(n, 2);

	assert_non_null(gelf_getphdr(elf, 0, &ph));
	assert_int_equal(ph.p_type, PT_LOAD);
	assert_int_equal(ph.p_offset, 0x1000);
	assert_int_equal(ph.p_vaddr, PVH_LOAD);
	assert_int_equal(ph.p_paddr, PVH_LOAD);
	assert_int_equal(ph.p_filesz, PVH_LEN);
	assert_int_equal(ph.p_memsz, PVH_MEM);
	assert_int_equal(ph.p_flags, PF_R | PF_W | PF_X);
	assert_int_equal(ph.p_offset % ph.p_align, ph.p_vaddr % ph.p_align);
	assert_memory_equal(out + ph.p_offset, img, PVH_LEN);

	assert_non_null(gelf_getphdr(elf, 1, &ph));
	assert_int_equal(ph.p_type, PT_NOTE);
	assert_int_equal(ph.p_align, 4);
	d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz,
				 ELF_T_NHDR);
	assert_non_null(d);
	off = gelf_getnote(d, 0, &nh, &name_off, &desc_off);
	assert_int_equal(off, ph.p_filesz);	/* exactly one note */
	assert_int_equal(nh.n_namesz, 4);
	assert_string_equal((char *)d->d_buf + name_off, "Xen");
	assert_int_equal(nh.n_type, 18);
	assert_int_equal(nh.n_descsz, 8);
	assert_int_equal(tl_rd64((uint8_t *)d->d_buf + desc_off),
			 PVH_LOAD + PVH_ENTRY);
	/* where QEMU reads it: note header + name aligned to p_align */
	assert_int_equal(tl_rd32(out + ph.p_offset + 12 + 4),
			 PVH_LOAD + PVH_ENTRY);

	elf_end(elf);
	free(out);
	free(img);
}

static void pvh_bad(uint64_t mem, uint64_t load, uint32_t entry, int rc,
		    const char *sub)
{
	struct charon_err err = { "" };
	uint8_t *img = pvh_image();
	size_t len = 1;
	void *o = &len;

	assert_int_equal(charon_pvh_elf("stub.bin", img, PVH_LEN, mem, load,
					entry, &o, &len, &err), rc);
	assert_null(o);
	assert_int_equal(len, 0);
	assert_msg(err, "pvh: stub.bin: ");
	assert_msg(err, sub);
	free(img);
}

static void test_pvh_errors(void **state)
{
	struct charon_err err = { "" };
	uint8_t *img;
	size_t len;
	void *o;

	(void)state;
	pvh_bad(PVH_MEM, PVH_LOAD, 0, -EINVAL,
		"entry offset (entry2_offset) 0x0 is 0: the stub has no 32-bit PVH entry");
	pvh_bad(PVH_MEM, PVH_LOAD, PVH_LEN, -EINVAL,
		"0x3000 is outside the image");
	pvh_bad(PVH_LEN - 1, PVH_LOAD, PVH_ENTRY, -EINVAL,
		"image is 0x3000 bytes and mem_size 0x2fff");
	pvh_bad(PVH_MEM, PVH_LOAD + 0x10, PVH_ENTRY, -ERANGE,
		"load address 0x2000010 (0x8000 bytes): want 4 KiB aligned");
	pvh_bad(PVH_MEM, 0x80000, PVH_ENTRY, -ERANGE, "at or above 1 MiB");
	pvh_bad(PVH_MEM, 0xffffc000, PVH_ENTRY, -ERANGE,
		"ending below 4 GiB");
	pvh_bad(PVH_MEM, 0x100000000ull, PVH_ENTRY, -ERANGE,
		"ending below 4 GiB");
	/* ending exactly at 4 GiB is fine */
	img = pvh_image();
	CHECK(charon_pvh_elf("stub.bin", img, PVH_LEN, PVH_MEM,
			     0x100000000ull - PVH_MEM, PVH_ENTRY, &o, &len,
			     &err));
	free(o);

	/* a multiboot header in the first 8 KiB would win in QEMU */
	tl_le32(img + 0x100, 0x1badb002);
	tl_le32(img + 0x104, 0x3);
	tl_le32(img + 0x108, (uint32_t)-(0x1badb002u + 3));
	assert_int_equal(charon_pvh_elf("stub.bin", img, PVH_LEN, PVH_MEM,
					PVH_LOAD, PVH_ENTRY, &o, &len, &err),
			 -EINVAL);
	assert_msg(err, "a multiboot header at ELF offset 0x1100");
	/* beyond 8 KiB QEMU does not look */
	memset(img + 0x100, 0, 12);
	tl_le32(img + 0x1100, 0x1badb002);
	tl_le32(img + 0x1104, 0x3);
	tl_le32(img + 0x1108, (uint32_t)-(0x1badb002u + 3));
	CHECK(charon_pvh_elf("stub.bin", img, PVH_LEN, PVH_MEM, PVH_LOAD,
			     PVH_ENTRY, &o, &len, &err));
	free(o);
	free(img);
}

/* ---- helpers for test_loader_x86.py ------------------------------------ */

static int cmd_pvh_elf(char **argv)
{
	struct charon_err err = { "" };
	uint64_t load = strtoull(argv[2], NULL, 0);
	uint32_t entry = (uint32_t)strtoul(argv[3], NULL, 0);
	uint64_t mem = strtoull(argv[4], NULL, 0);
	size_t len, out_len;
	uint8_t *img = NULL;
	void *out = NULL;
	int rc;

	rc = charon_read_file(argv[0], CHARON_FILE_MAX, &img, &len, &err);
	rc = rc ?: charon_pvh_elf(argv[0], img, len, mem < len ? len : mem,
				  load, entry, &out, &out_len, &err);
	rc = rc ?: charon_write_file(argv[1], out, out_len, &err);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
	}
	free(out);
	free(img);
	return rc ? 1 : 0;
}

static int cmd_e820_qemu(char **argv, int argc)
{
	enum charon_qemu_x86_machine m;
	struct charon_e820 t;
	struct charon_err err = { "" };
	unsigned int i, flags = 0;

	if (argc > 2 && !strcmp(argv[2], "amd")) {
		flags = CHARON_QEMU_E820_AMD_HT;
	}
	if (charon_qemu_x86_machine_parse(argv[0], &m) ||
	    charon_e820_qemu(m, strtoull(argv[1], NULL, 0), flags, &t,
			     &err)) {
		fprintf(stderr, "bad machine or size: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < t.nr; i++) {
		printf("0x%016llx 0x%016llx %u\n",
		       (unsigned long long)t.map[i].addr,
		       (unsigned long long)(t.map[i].addr + t.map[i].size - 1),
		       t.map[i].type);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bz_good),
		cmocka_unit_test(test_bz_magic),
		cmocka_unit_test(test_bz_version),
		cmocka_unit_test(test_bz_flags),
		cmocka_unit_test(test_bz_setup_sects_zero),
		cmocka_unit_test(test_bz_truncated),
		cmocka_unit_test(test_bz_load),
		cmocka_unit_test(test_bz_real_kernel),
		cmocka_unit_test(test_kernel_pref),
		cmocka_unit_test(test_kernel_fallback),
		cmocka_unit_test(test_kernel_above_4g),
		cmocka_unit_test(test_place_boot_q35),
		cmocka_unit_test(test_place_boot_after_kernel),
		cmocka_unit_test(test_place_boot_limits),
		cmocka_unit_test(test_bp_fields),
		cmocka_unit_test(test_bp_above_4g),
		cmocka_unit_test(test_bp_limits),
		cmocka_unit_test(test_e820_build),
		cmocka_unit_test(test_e820_full),
		cmocka_unit_test(test_e820_qemu_q35),
		cmocka_unit_test(test_e820_qemu_pc),
		cmocka_unit_test(test_e820_qemu_bad),
		cmocka_unit_test(test_e820_layout),
		cmocka_unit_test(test_pvh_elf),
		cmocka_unit_test(test_pvh_errors),
	};

	if (argc == 7 && !strcmp(argv[1], "--pvh-elf")) {
		return cmd_pvh_elf(argv + 2);
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--e820-qemu")) {
		return cmd_e820_qemu(argv + 2, argc - 2);
	}
	if (argc != 1) {
		fprintf(stderr,
			"usage: %s\n       %s --pvh-elf IN OUT LOAD_ADDR ENTRY_OFFSET MEM_SIZE\n       %s --e820-qemu q35|pc RAM_BYTES [amd]\n",
			argv[0], argv[0], argv[0]);
		return 2;
	}
	return cmocka_run_group_tests_name("libcharon x86", tests, NULL, NULL);
}
