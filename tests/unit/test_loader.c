// SPDX-License-Identifier: MIT
/*
 * libcharon unit tests (cmocka, ASan+UBSan): arm64 Image parsing, the
 * generic layout, the stub header and parameter block encoding, the QEMU
 * command line.  The device tree and boot plan tests are in
 * test_loader_fdt.c.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <abi/params.h>
#include <charon/bytes.h>
#include <charon/err.h>
#include <charon/gzip.h>
#include <charon/image-arm64.h>
#include <charon/layout.h>
#include <charon/qemu.h>
#include <charon/stub.h>
#include <charon/util.h>

#include "test_loader.h"

/* ---- crafted inputs (shared with test_loader_fdt.c, _arm.c) ----------- */

uint8_t *tl_stub(size_t *len)
{
	uint8_t *b = calloc(1, TL_STUB_FILE_SIZE);
	uint8_t *h = b + 0x40;
	size_t i;

	assert_non_null(b);
	/* arm64 Image header: b +0x80, text_offset 0, 4K pages, anywhere */
	tl_le32(b + 0x00, 0x14000020);
	tl_le64(b + 0x10, TL_STUB_MEM_SIZE);
	tl_le64(b + 0x18, 0xa);
	tl_le32(b + 0x38, 0x644d5241);
	/* struct charon_image_header at 0x40 */
	tl_le32(h + 0x00, 0x4e524843);
	h[0x04] = 1;			/* abi_version */
	h[0x06] = 1;			/* arch: arm64 */
	tl_le32(h + 0x08, 0x30);
	tl_le32(h + 0x0c, TL_STUB_PARAMS_OFF);
	tl_le32(h + 0x10, 0x618);
	tl_le32(h + 0x14, TL_STUB_FILE_SIZE);
	tl_le32(h + 0x18, TL_STUB_MEM_SIZE);
	tl_le32(h + 0x1c, 0);
	tl_le32(h + 0x20, TL_STUB_ALIGN);
	/* some "code" after the parameter block */
	for (i = TL_STUB_PARAMS_OFF + 0x618; i < TL_STUB_FILE_SIZE; i++) {
		b[i] = (uint8_t)(i * 7);
	}
	*len = TL_STUB_FILE_SIZE;
	return b;
}

uint8_t *tl_image(size_t len, uint64_t text_offset, uint64_t image_size,
		  uint64_t flags)
{
	uint8_t *b = calloc(1, len ? len : 1);
	size_t i;

	assert_non_null(b);
	for (i = 64; i < len; i++) {
		b[i] = (uint8_t)(i ^ (i >> 8));
	}
	if (len >= 64) {
		tl_le32(b + 0x00, 0x91005a4d);	/* "MZ" + add, as real kernels */
		tl_le32(b + 0x04, 0x14000010);
		tl_le64(b + 0x08, text_offset);
		tl_le64(b + 0x10, image_size);
		tl_le64(b + 0x18, flags);
		tl_le32(b + 0x38, 0x644d5241);
		tl_le32(b + 0x3c, 0x40);
	}
	return b;
}

uint8_t *tl_gzip(const uint8_t *in, size_t len, size_t *out_len)
{
	z_stream s = { 0 };
	size_t cap = len + len / 8 + 1024;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 16 + 15, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*out_len = s.total_out;
	deflateEnd(&s);
	return out;
}

void tl_sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
}

/* ---- arm64 Image ------------------------------------------------------- */

static void test_image_good(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0x200000, 0xa);

	(void)state;
	assert_int_equal(charon_arm64_image_open("good", b, 0x1000, &img,
						 &err), 0);
	assert_int_equal(img.text_offset, 0);
	assert_int_equal(img.image_size, 0x200000);
	assert_int_equal(img.mem_size, 0x200000);
	assert_int_equal(img.flags, 0xa);
	assert_int_equal(img.page_size, 4096);
	assert_true(img.anywhere);
	assert_false(img.old);
	assert_false(img.inflated);
	assert_int_equal(img.len, 0x1000);
	assert_memory_equal(img.data, b, 0x1000);
	charon_arm64_image_free(&img);

	/* 64K pages, placement near the start of DRAM */
	tl_le64(b + 0x18, 3 << 1);
	assert_int_equal(charon_arm64_image_parse("good", b, 0x1000, &img,
						  &err), 0);
	assert_int_equal(img.page_size, 65536);
	assert_false(img.anywhere);
	free(b);
}

static void test_image_bad_magic(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0x200000, 0xa);

	(void)state;
	tl_le32(b + 0x38, 0);
	assert_int_equal(charon_arm64_image_open("/path/vmlinuz", b, 0x1000,
						 &img, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "Image: /path/vmlinuz: header magic at 0x38 is 0x00000000, expected 0x644d5241 (\"ARM\\x64\")");
	free(b);
}

static void test_image_truncated(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0x200000, 0xa);

	(void)state;
	assert_int_equal(charon_arm64_image_open("short", b, 63, &img, &err),
			 -EINVAL);
	assert_msg(err, "short: file is 63 bytes, shorter than the 64-byte arm64 Image header");
	assert_int_equal(charon_arm64_image_open("empty", b, 0, &img, &err),
			 -EINVAL);
	assert_msg(err, "empty: file is 0 bytes");
	free(b);
}

static void test_image_big_endian(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0x200000, 0xb);

	(void)state;
	assert_int_equal(charon_arm64_image_open("be", b, 0x1000, &img, &err),
			 -EINVAL);
	assert_msg(err, "be: flags at 0x18 is 0xb: bit 0 set (big-endian kernel)");
	free(b);
}

static void test_image_size_small(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0x800, 0xa);

	(void)state;
	assert_int_equal(charon_arm64_image_open("small", b, 0x1000, &img,
						 &err), -EINVAL);
	assert_msg(err, "small: image_size at 0x10 is 0x800, smaller than the file (0x1000 bytes)");
	free(b);
}

static void test_image_size_absurd(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0, 0xfffffffffffff000ull, 0xa);

	(void)state;
	assert_int_equal(charon_arm64_image_open("huge", b, 0x1000, &img,
						 &err), -EINVAL);
	assert_msg(err, "huge: image_size at 0x10 is 0xfffffffffffff000, more than the 1024 MiB any kernel needs");
	free(b);
}

static void test_image_text_offset(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x1000, 0x200000, 0x400000, 0xa);

	(void)state;
	assert_int_equal(charon_arm64_image_parse("to", b, 0x1000, &img, &err),
			 -EINVAL);
	assert_msg(err, "to: text_offset at 0x8 is 0x200000");
	free(b);
}

static void test_image_old(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x3000, 0, 0, 0);

	(void)state;
	tl_catch_warnings();
	assert_int_equal(charon_arm64_image_open("old", b, 0x3000, &img, &err),
			 0);
	assert_true(img.old);
	assert_int_equal(img.text_offset, 0x80000);
	assert_int_equal(img.mem_size, 0x3000 + CHARON_ARM64_OLD_MARGIN);
	assert_int_equal(tl_nr_warnings, 1);
	assert_non_null(strstr(tl_last_warning, "old: image_size at 0x10 is 0"));
	charon_arm64_image_free(&img);
	free(b);
}

static void test_image_gzip(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x20000, 0, 0x200000, 0xa);
	size_t zlen;
	uint8_t *z = tl_gzip(b, 0x20000, &zlen);

	(void)state;
	assert_true(zlen < 0x20000);
	assert_int_equal(charon_arm64_image_open("Image.gz", z, zlen, &img,
						 &err), 0);
	assert_true(img.inflated);
	assert_int_equal(img.file_len, zlen);
	assert_int_equal(img.len, 0x20000);
	assert_memory_equal(img.data, b, 0x20000);
	assert_int_equal(img.image_size, 0x200000);
	charon_arm64_image_free(&img);

	/* a gzip'd file that is not an Image inside */
	tl_le32(b + 0x38, 0x12345678);
	free(z);
	z = tl_gzip(b, 0x20000, &zlen);
	assert_int_equal(charon_arm64_image_open("notimage.gz", z, zlen, &img,
						 &err), -EINVAL);
	assert_msg(err, "Image: notimage.gz (inflated): header magic at 0x38 is 0x12345678");
	free(z);
	free(b);
}

static void test_image_gzip_garbage(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t *b = tl_image(0x20000, 0, 0x200000, 0xa);
	uint8_t junk[256];
	size_t zlen, i;
	uint8_t *z = tl_gzip(b, 0x20000, &zlen);

	(void)state;
	for (i = 0; i < sizeof(junk); i++) {
		junk[i] = (uint8_t)(i * 37 + 11);
	}
	junk[0] = 0x1f;
	junk[1] = 0x8b;
	assert_int_equal(charon_arm64_image_open("junk.gz", junk, sizeof(junk),
						 &img, &err), -EINVAL);
	assert_msg(err, "gzip: junk.gz: ");

	/* truncated stream */
	assert_int_equal(charon_arm64_image_open("cut.gz", z, zlen / 2, &img,
						 &err), -EINVAL);
	assert_msg(err, "gzip: cut.gz: truncated stream");

	/* corrupt payload: the CRC or the data must catch it */
	z[zlen / 2] ^= 0xff;
	assert_int_equal(charon_arm64_image_open("bad.gz", z, zlen, &img,
						 &err), -EINVAL);
	assert_msg(err, "gzip: bad.gz: ");
	free(z);
	free(b);
}

static void test_gunzip_bound(void **state)
{
	struct charon_err err = { "" };
	uint8_t *zero = calloc(1, 3 << 20), *out;
	size_t zlen, olen;
	uint8_t *z = tl_gzip(zero, 3 << 20, &zlen);

	(void)state;
	assert_int_equal(charon_gunzip("bomb.gz", z, zlen, 1 << 20, &out,
				       &olen, &err), -EFBIG);
	assert_msg(err, "gzip: bomb.gz: inflated size exceeds the limit of 1048576 bytes (1 MiB)");
	assert_null(out);
	assert_int_equal(charon_gunzip("ok.gz", z, zlen, 3 << 20, &out, &olen,
				       &err), 0);
	assert_int_equal(olen, 3 << 20);
	assert_memory_equal(out, zero, olen);
	free(out);
	free(z);
	free(zero);
}

static void test_image_zboot(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	uint8_t b[128] = { 'M', 'Z', 0, 0, 'z', 'i', 'm', 'g' };

	(void)state;
	memcpy(b + 0x18, "gzip", 4);
	assert_int_equal(charon_arm64_image_open("vmlinuz.efi", b, sizeof(b),
						 &img, &err), -EINVAL);
	assert_msg(err, "an EFI zboot image (\"zimg\" at 0x4, payload \"gzip\")");
}

static void test_image_file_errors(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };

	(void)state;
	assert_int_equal(charon_arm64_image_load("/nonexistent/vmlinuz", &img,
						 &err), -ENOENT);
	assert_msg(err, "Image: /nonexistent/vmlinuz: cannot open");
}

/* the real Debian kernel that scripts/fetch-kernels provides */
static void test_image_real_kernel(void **state)
{
	struct charon_arm64_image img;
	struct charon_err err = { "" };
	char path[PATH_MAX];

	(void)state;
	tl_need_kernel("arm64", path, sizeof(path));
	assert_int_equal(charon_arm64_image_load(path, &img, &err), 0);
	print_message("  %s: %s, %zu bytes loaded, text_offset 0x%llx, image_size 0x%llx, flags 0x%llx\n",
		      path, img.inflated ? "gzip" : "plain", img.len,
		      (unsigned long long)img.text_offset,
		      (unsigned long long)img.image_size,
		      (unsigned long long)img.flags);
	assert_false(img.old);
	assert_true(img.image_size >= img.len);
	assert_true(img.len > (1u << 20));
	assert_int_equal(img.text_offset, 0);
	assert_int_equal(img.flags & CHARON_ARM64_FLAG_BE, 0);
	charon_arm64_image_free(&img);
}

/* ---- layout ------------------------------------------------------------ */

#define MiB(x)	((uint64_t)(x) << 20)

static struct charon_segment *add(struct charon_layout *l, const char *name,
				  uint64_t size, uint64_t align,
				  enum charon_place place)
{
	struct charon_err err = { "" };
	struct charon_segment *s = charon_layout_add(l, name, size, align,
						     place, &err);

	if (!s) {
		fail_msg("charon_layout_add: %s", err.msg);
	}
	return s;
}

static void test_layout_normal(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *st, *k, *d, *i;

	(void)state;
	tl_layout(&l, 0x40000000, 0x40000000);
	st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_HIGH);
	k = add(&l, "kernel", 0x2345678, MiB(2), CHARON_PLACE_LOW);
	d = add(&l, "dtb", 0x10000, MiB(2), CHARON_PLACE_LOW);
	i = add(&l, "initrd", 0x300000, 0x1000, CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(st->addr, 0x7fff0000);
	assert_int_equal(k->addr, 0x40000000);
	assert_int_equal(d->addr, 0x42400000);
	assert_int_equal(i->addr, 0x42410000);
	assert_int_equal(charon_layout_check(&l, &err), 0);
}

static void test_layout_kernel_align(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *k, *d;

	(void)state;
	/* RAM not 2 MiB aligned: the first base is the next 2 MiB boundary */
	tl_layout(&l, 0x40100000, 0x20000000);
	k = add(&l, "kernel", 0x1000000, MiB(2), CHARON_PLACE_LOW);
	k->align_offset = 0x80000;
	d = add(&l, "dtb", 0x1000, MiB(2), CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(k->addr, 0x40280000);
	assert_int_equal(k->addr % MiB(2), 0x80000);
	assert_int_equal(d->addr, 0x41400000);

	/* misplaced by hand: the check names the rule */
	k->place = CHARON_PLACE_FIXED;
	k->addr = 0x40300000;
	assert_int_equal(charon_layout_check(&l, &err), -EINVAL);
	assert_msg(err, "layout: kernel address 0x40300000 is not 0x80000 modulo 0x200000");
}

static void test_layout_overlap(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *st, *i;

	(void)state;
	tl_layout(&l, 0x40000000, 0x40000000);
	st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_FIXED);
	st->addr = 0x49000000;
	i = add(&l, "initrd", 0x2000000, 0x1000, CHARON_PLACE_FIXED);
	i->addr = 0x48000000;
	assert_int_equal(charon_layout_place(&l, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "layout: initrd [0x48000000, 0x4a000000) overlaps stub [0x49000000, 0x49010000)");
	assert_int_equal(charon_layout_check(&l, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "layout: initrd [0x48000000, 0x4a000000) overlaps stub [0x49000000, 0x49010000)");
}

static void test_layout_outside_ram(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *st;

	(void)state;
	tl_layout(&l, 0x40000000, 0x40000000);
	assert_int_equal(charon_layout_add_ram(&l, 0x100000000ull, 0x10000000,
					       &err), 0);
	st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_FIXED);
	st->addr = 0x30000000;
	assert_int_equal(charon_layout_place(&l, &err), -ERANGE);
	assert_string_equal(err.msg,
			    "layout: stub [0x30000000, 0x30010000) is outside RAM [0x40000000, 0x80000000), [0x100000000, 0x110000000)");
	/* straddling the end of RAM */
	st->addr = 0x7fff8000;
	assert_int_equal(charon_layout_place(&l, &err), -ERANGE);
	assert_msg(err, "layout: stub [0x7fff8000, 0x80008000) is outside RAM");
}

static void test_layout_stub_addr(void **state)
{
	static const uint64_t addrs[] = { 0x40000000, 0x50000000, 0x7fff0000 };
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *st, *k, *d;
	size_t n;

	(void)state;
	for (n = 0; n < 3; n++) {
		tl_layout(&l, 0x40000000, 0x40000000);
		st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_FIXED);
		st->addr = addrs[n];
		k = add(&l, "kernel", 0x2000000, MiB(2), CHARON_PLACE_LOW);
		d = add(&l, "dtb", 0x10000, MiB(2), CHARON_PLACE_LOW);
		assert_int_equal(charon_layout_place(&l, &err), 0);
		assert_int_equal(st->addr, addrs[n]);
		/* the kernel steps over a stub at the start of RAM */
		assert_int_equal(k->addr, n == 0 ? 0x40200000 : 0x40000000);
		assert_int_equal(d->addr, n == 0 ? 0x42200000 : 0x42000000);
	}
	/* a stub right where the kernel would go pushes it past the stub */
	tl_layout(&l, 0x40000000, 0x40000000);
	st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_FIXED);
	st->addr = 0x41000000;
	k = add(&l, "kernel", 0x2000000, MiB(2), CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(k->addr, 0x41200000);

	/* misaligned */
	st->addr = 0x40000100;
	assert_int_equal(charon_layout_place(&l, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "layout: stub address 0x40000100 is not 0x0 modulo 0x1000 (required alignment)");
}

static void test_layout_high_and_keepout(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *ko, *st, *k;

	(void)state;
	tl_layout(&l, 0x40000000, 0x40000000);
	ko = add(&l, "memreserve[0]", 0x200000, 1, CHARON_PLACE_KEEPOUT);
	ko->addr = 0x7ff00000;
	st = add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_HIGH);
	k = add(&l, "kernel", 0x1000000, MiB(2), CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(st->addr, 0x7fef0000);
	assert_int_equal(k->addr, 0x40000000);

	/* a keep-out at the start of RAM moves the kernel up */
	ko->addr = 0x40000000;
	ko->size = 0x1000;
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(k->addr, 0x40200000);
	assert_int_equal(st->addr, 0x7fff0000);

	/* keep-outs may lie outside RAM */
	ko->addr = 0x1000;
	assert_int_equal(charon_layout_place(&l, &err), 0);
}

static void test_layout_no_room(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };

	(void)state;
	tl_layout(&l, 0x40000000, MiB(64));
	add(&l, "stub", 0x10000, 0x1000, CHARON_PLACE_HIGH);
	add(&l, "kernel", MiB(60), MiB(2), CHARON_PLACE_LOW);
	add(&l, "initrd", MiB(8), 0x1000, CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), -ENOSPC);
	assert_msg(err, "layout: no room for initrd (0x800000 bytes, alignment 0x1000 + 0x0) in RAM [0x40000000, 0x44000000) at or above 0x43c00000; placed: stub [0x43ff0000, 0x44000000), kernel [0x40000000, 0x43c00000)");

	tl_layout(&l, 0x40000000, MiB(1));
	add(&l, "kernel", MiB(4), MiB(2), CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), -ENOSPC);
	assert_msg(err, "no room for kernel");
	tl_layout(&l, 0x40000000, MiB(1));
	add(&l, "stub", MiB(4), 0x1000, CHARON_PLACE_HIGH);
	assert_int_equal(charon_layout_place(&l, &err), -ENOSPC);
	assert_msg(err, "no room for stub");
}

static void test_layout_ram_ranges(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *k, *i;
	char buf[128];

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(charon_layout_place(&l, &err), -EINVAL);
	assert_msg(err, "layout: no RAM ranges");
	/* unsorted, touching and overlapping ranges are merged */
	CHECK(charon_layout_add_ram(&l, 0x80000000, MiB(16), &err));
	CHECK(charon_layout_add_ram(&l, 0x40000000, MiB(8), &err));
	CHECK(charon_layout_add_ram(&l, 0x40800000, MiB(8), &err));
	CHECK(charon_layout_add_ram(&l, 0x40400000, MiB(2), &err));
	assert_int_equal(charon_layout_add_ram(&l, 0x90000000, 0, &err), 0);
	charon_layout_ram_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "[0x40000000, 0x41000000), [0x80000000, 0x81000000)");
	assert_int_equal(charon_layout_add_ram(&l, UINT64_MAX - 10, 100, &err),
			 -EINVAL);
	assert_msg(err, "wraps around");
	/*
	 * clipped to a window: the end wrapped before the clip, and the
	 * part below max_end went in quietly
	 */
	err.msg[0] = '\0';
	assert_int_equal(charon_layout_add_ram_clip(&l, UINT64_MAX - 10, 100,
						    0, 0x100000000ull, &err),
			 -EINVAL);
	assert_msg(err, "RAM range at 0xfffffffffffffff5 of 0x64 bytes wraps around");
	charon_layout_ram_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "[0x40000000, 0x41000000), [0x80000000, 0x81000000)");

	/* a segment too big for the first range goes to the second */
	k = add(&l, "kernel", MiB(12), MiB(2), CHARON_PLACE_LOW);
	i = add(&l, "initrd", MiB(8), 0x1000, CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), 0);
	assert_int_equal(k->addr, 0x40000000);
	assert_int_equal(i->addr, 0x80000000);
}

static void test_layout_bad_segments(void **state)
{
	struct charon_layout l;
	struct charon_err err = { "" };
	struct charon_segment *s;

	(void)state;
	tl_layout(&l, 0, UINT64_MAX);
	assert_null(charon_layout_add(&l, "empty", 0, 1, CHARON_PLACE_LOW,
				      &err));
	assert_msg(err, "layout: segment empty is empty");
	assert_null(charon_layout_add(&l, "odd", 1, 3, CHARON_PLACE_LOW,
				      &err));
	assert_msg(err, "alignment 0x3 is not a power of two");
	s = add(&l, "wrap", 0x2000, 0x1000, CHARON_PLACE_FIXED);
	s->addr = UINT64_MAX - 0xfff;
	assert_int_equal(charon_layout_place(&l, &err), -EINVAL);
	assert_msg(err, "layout: wrap at 0xfffffffffffff000 of 0x2000 bytes wraps around");
	/* a huge LOW segment near the top does not wrap the search */
	s->addr = 0;
	s->place = CHARON_PLACE_FIXED;
	add(&l, "huge", UINT64_MAX - 0x1000, MiB(2), CHARON_PLACE_LOW);
	assert_int_equal(charon_layout_place(&l, &err), -ENOSPC);
}

/* ---- stub header and parameter block ----------------------------------- */

static void test_stub_header(void **state)
{
	struct charon_stub stub;
	struct charon_err err = { "" };
	size_t len;
	uint8_t *b = tl_stub(&len);

	(void)state;
	assert_int_equal(charon_stub_open("stub.bin", b, len, CHARON_ARCH_ARM64,
					  &stub, &err), 0);
	assert_int_equal(stub.hdr.params_offset, TL_STUB_PARAMS_OFF);
	assert_int_equal(stub.hdr.params_size, sizeof(struct charon_params));
	assert_int_equal(stub.hdr.file_size, TL_STUB_FILE_SIZE);
	assert_int_equal(stub.hdr.mem_size, TL_STUB_MEM_SIZE);
	assert_int_equal(stub.align, TL_STUB_ALIGN);
	assert_true(charon_stub_params_empty(&stub));
	assert_ptr_equal(stub.arch, charon_stub_detect(b, len));
	charon_stub_free(&stub);
	/* detection (arch 0) */
	assert_int_equal(charon_stub_open("stub.bin", b, len, 0, &stub, &err),
			 0);
	assert_int_equal(stub.arch->id, CHARON_ARCH_ARM64);
	charon_stub_free(&stub);

	/* bytes past file_size are loaded, with a warning ... */
	b = realloc(b, len + 0x100);
	assert_non_null(b);
	memset(b + len, 0, 0x100);
	tl_catch_warnings();
	CHECK(charon_stub_open("long.bin", b, len + 0x100, CHARON_ARCH_ARM64,
			       &stub, &err));
	assert_int_equal(stub.len, len + 0x100);
	assert_int_equal(tl_nr_warnings, 1);
	assert_string_equal(tl_last_warning,
			    "stub: long.bin: file has 0x900 bytes, file_size at 0x54 says 0x800; loading the whole file");
	charon_stub_free(&stub);
	/* ... unless they do not fit in mem_size: refused, no warning */
	tl_le32(b + 0x58, TL_STUB_FILE_SIZE);
	tl_catch_warnings();
	assert_int_equal(charon_stub_open("long.bin", b, len + 0x100,
					  CHARON_ARCH_ARM64, &stub, &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "stub: long.bin: file has 0x900 bytes, more than mem_size 0x800");
	assert_int_equal(tl_nr_warnings, 0);
	free(b);
}

struct bad_header {
	unsigned int off;	/* file offset of the field */
	unsigned int size;	/* 2 or 4 */
	uint32_t value;
	size_t len;		/* file length, 0: whole */
	const char *msg;
};

static void test_stub_header_errors(void **state)
{
	static const struct bad_header cases[] = {
		{ 0x40, 4, 0x4e524844, 0,
		  "stub: s.bin: header magic at 0x40 is 0x4e524844, expected 0x4e524843 (\"CHRN\")" },
		{ 0x44, 2, 2, 0,
		  "stub: s.bin: abi_version at 0x44 is 2, this loader speaks ABI 1" },
		{ 0x46, 2, 4, 0,
		  "stub: s.bin: arch at 0x46 is 4 (ppc64), expected 1 (arm64)" },
		{ 0x48, 4, 0x20, 0,
		  "stub: s.bin: header_size at 0x48 is 0x20, expected at least 0x30" },
		{ 0x50, 4, 0x600, 0,
		  "stub: s.bin: params_size at 0x50 is 0x600, expected 0x618" },
		{ 0x4c, 4, 0x200, 0,
		  "stub: s.bin: parameter block [0x200, 0x818) (params_offset at 0x4c, params_size at 0x50) extends past file_size 0x800" },
		{ 0x4c, 4, 0xfffffff8, 0,
		  "stub: s.bin: parameter block [0xfffffff8, 0x100000610)" },
		{ 0x4c, 4, 0x50, 0,
		  "stub: s.bin: params_offset at 0x4c is 0x50, inside the image headers [0x0, 0x70)" },
		{ 0x4c, 4, 0x104, 0,
		  "stub: s.bin: params_offset at 0x4c is 0x104, not 8-byte aligned" },
		{ 0x54, 4, 0x1000, 0,
		  "stub: s.bin: file_size at 0x54 is 0x1000, but the file has only 0x800 bytes (truncated?)" },
		{ 0x58, 4, 0x400, 0,
		  "stub: s.bin: mem_size at 0x58 is 0x400, smaller than file_size 0x800" },
		{ 0x58, 4, 0xffffffff, 0,
		  "stub: s.bin: mem_size at 0x58 is 0xffffffff: 0xfffff7ff bytes of bss and stack past file_size 0x800, more than 16384 KiB" },
		{ 0x60, 4, 0x80000000, 0,
		  "stub: s.bin: load_align at 0x60 is 0x80000000, more than 0x200000" },
		{ 0x5c, 4, 0x800, 0,
		  "stub: s.bin: entry_offset at 0x5c is 0x800, outside the image" },
		{ 0x60, 4, 0x3000, 0,
		  "stub: s.bin: load_align at 0x60 is 0x3000, not a power of two" },
		{ 0x00, 4, 0, 0x60,
		  "stub: s.bin: file is 96 bytes, too short for the arm64 charon header at [0x40, 0x70)" },
		{ 0x00, 4, 0, 0x700,
		  "stub: s.bin: file_size at 0x54 is 0x800, but the file has only 0x700 bytes" },
	};
	struct charon_stub stub;
	struct charon_err err;
	size_t len, i;
	uint8_t *b;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = tl_stub(&len);
		if (cases[i].len) {
			len = cases[i].len;
		} else if (cases[i].size == 2) {
			b[cases[i].off] = (uint8_t)cases[i].value;
			b[cases[i].off + 1] = (uint8_t)(cases[i].value >> 8);
		} else {
			tl_le32(b + cases[i].off, cases[i].value);
		}
		err.msg[0] = '\0';
		if (charon_stub_open("s.bin", b, len, CHARON_ARCH_ARM64, &stub,
				     &err) != -EINVAL) {
			fail_msg("case %zu accepted", i);
		}
		assert_msg(err, cases[i].msg);
		free(b);
	}
	b = tl_stub(&len);
	assert_int_equal(charon_stub_open("s.bin", b, len, 77, &stub, &err),
			 -ENOTSUP);
	assert_msg(err, "unknown stubs are not supported by this loader yet");
	assert_int_equal(charon_stub_open("s.bin", b, len, CHARON_ARCH_PPC64,
					  &stub, &err), -EINVAL);
	b[0x40] = 0;
	assert_int_equal(charon_stub_open("s.bin", b, len, 0, &stub, &err),
			 -EINVAL);
	assert_msg(err, "stub: s.bin: no charon header");
	free(b);
}

static void test_params_encoding(void **state)
{
	struct charon_stub stub;
	struct charon_params p, back;
	struct charon_err err = { "" };
	uint8_t *kernel = tl_image(0x3000, 0, 0x200000, 0xa);
	uint8_t dtb[0x123], want[32];
	const uint8_t *q, *r;
	size_t len, i;
	uint8_t *b = tl_stub(&len);

	(void)state;
	for (i = 0; i < sizeof(dtb); i++) {
		dtb[i] = (uint8_t)(0xa5 ^ i);
	}
	assert_int_equal(charon_stub_open("stub.bin", b, len, CHARON_ARCH_ARM64,
					  &stub, &err), 0);
	charon_params_init(&p);
	p.flags = CHARON_F_VERBOSE;
	p.fail_policy = CHARON_FAIL_TEST_EXIT;
	p.console.kind = CHARON_CON_NS16550_MMIO;
	p.console.reg_shift = 2;
	p.console.base = 0x1122334455667788ull;
	p.next.entry = 0x40200000;
	p.next.regs[0] = 0x48000000;
	p.next.regs[3] = 0x0102030405060708ull;
	p.next.arch.raw[CHARON_ARM64_PSCI] = CHARON_PSCI_SMC;
	p.next.arch.raw[7] = 0xfedcba9876543210ull;
	assert_int_equal(charon_params_add_region(&p, "kernel", 0x40200000,
						  kernel, 0x3000, &err), 0);
	assert_int_equal(charon_params_add_region(&p, "dtb", 0x48000000, dtb,
						  sizeof(dtb), &err), 0);
	p.nr_copies = 1;
	p.copies[0].src_offset = 0x1000;
	p.copies[0].dst = 0x80000000;
	p.copies[0].len = 0x2000;
	charon_stub_write_params(&stub, &p);

	/* byte level, at the ABI offsets, little-endian */
	q = stub.image + TL_STUB_PARAMS_OFF;
	assert_memory_equal(q + 0x000, "CHRP", 4);
	assert_int_equal(tl_rd32(q + 0x004), 1);
	assert_int_equal(tl_rd32(q + 0x008), 0x618);
	assert_int_equal(tl_rd32(q + 0x00c), CHARON_F_VERBOSE);
	assert_int_equal(tl_rd32(q + 0x010), 2);
	assert_int_equal(tl_rd32(q + 0x014), 1);
	assert_int_equal(tl_rd32(q + 0x018), 3);
	assert_int_equal(tl_rd32(q + 0x01c), 0);
	assert_int_equal(tl_rd32(q + 0x020), 2);
	assert_int_equal(tl_rd32(q + 0x024), 2);
	assert_int_equal(q[0x028], 0x88);
	assert_int_equal(tl_rd64(q + 0x028), 0x1122334455667788ull);
	assert_int_equal(tl_rd64(q + 0x030), 0x40200000);
	assert_int_equal(tl_rd64(q + 0x038), 0x48000000);
	assert_int_equal(tl_rd64(q + 0x040), 0);
	assert_int_equal(tl_rd64(q + 0x048), 0);
	assert_int_equal(tl_rd64(q + 0x050), 0x0102030405060708ull);
	assert_int_equal(tl_rd64(q + 0x058), 2);
	assert_int_equal(tl_rd64(q + 0x090), 0xfedcba9876543210ull);
	r = q + 0x098;
	assert_int_equal(tl_rd64(r + 0x00), 0x40200000);
	assert_int_equal(tl_rd64(r + 0x08), 0x3000);
	assert_memory_equal(r + 0x10, "kernel\0\0\0\0\0\0\0\0\0\0", 16);
	tl_sha256(kernel, 0x3000, want);
	assert_memory_equal(r + 0x20, want, 32);
	r = q + 0x098 + 0x40;
	assert_int_equal(tl_rd64(r + 0x00), 0x48000000);
	assert_int_equal(tl_rd64(r + 0x08), sizeof(dtb));
	assert_memory_equal(r + 0x10, "dtb\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	tl_sha256(dtb, sizeof(dtb), want);
	assert_memory_equal(r + 0x20, want, 32);
	for (i = 0x098 + 2 * 0x40; i < 0x498; i++) {
		assert_int_equal(q[i], 0);
	}
	r = q + 0x498;
	assert_int_equal(tl_rd64(r + 0x00), 0x1000);
	assert_int_equal(tl_rd64(r + 0x08), 0x80000000);
	assert_int_equal(tl_rd64(r + 0x10), 0x2000);
	/* nothing outside the block changed */
	assert_memory_equal(stub.image, b, TL_STUB_PARAMS_OFF);
	assert_memory_equal(stub.image + TL_STUB_PARAMS_OFF + 0x618,
			    b + TL_STUB_PARAMS_OFF + 0x618,
			    len - TL_STUB_PARAMS_OFF - 0x618);
	assert_false(charon_stub_params_empty(&stub));

	/* decoding gives the block back */
	charon_stub_read_params(&stub, &back);
	assert_memory_equal(&back, &p, sizeof(p));
	charon_stub_free(&stub);
	free(kernel);
	free(b);
}

/* every byte of the struct belongs to exactly one field of the table */
static void check_coverage(const struct charon_abi_field *t, size_t size)
{
	uint8_t *owner = calloc(1, size);
	unsigned int k;
	size_t i;

	assert_non_null(owner);
	for (; t->name; t++) {
		for (k = 0; k < t->count; k++) {
			for (i = 0; i < t->size; i++) {
				size_t at = t->offset + k * t->stride + i;

				assert_true(at < size);
				if (owner[at]) {
					fail_msg("%s[%u] byte %zu: a second field at 0x%zx",
						 t->name, k, i, at);
				}
				owner[at] = 1;
			}
		}
	}
	for (i = 0; i < size; i++) {
		if (!owner[i]) {
			fail_msg("byte 0x%zx of the struct is in no field of the codec",
				 i);
		}
	}
	free(owner);
}

/* a distinct value in every field, then both byte orders there and back */
static void check_round_trip(const struct charon_abi_field *t, size_t size,
			     void (*enc)(const void *, void *,
					 enum charon_endian),
			     void (*dec)(const void *, void *,
					 enum charon_endian))
{
	uint8_t *host = calloc(1, size), *out = calloc(1, size);
	uint8_t *back = calloc(1, size);
	const struct charon_abi_field *f;
	unsigned int k, e, n = 0;
	size_t i;

	assert_true(host && out && back);
	for (f = t; f->name; f++) {
		for (k = 0; k < f->count; k++) {
			uint8_t *at = host + f->offset + k * f->stride;

			for (i = 0; i < f->size; i++) {
				at[i] = (uint8_t)(0x11 + 7 * n + 3 * i);
			}
			n++;
		}
	}
	for (e = 0; e < 2; e++) {
		enc(host, out, e ? CHARON_BE : CHARON_LE);
		/* a number's bytes are reversed in the other byte order */
		for (f = t; f->name && !f->raw && f->size > 1 && e; f++) {
			assert_int_equal(out[f->offset],
					 host[f->offset + f->size - 1]);
		}
		dec(out, back, e ? CHARON_BE : CHARON_LE);
		assert_memory_equal(host, back, size);
	}
	free(host);
	free(out);
	free(back);
}

static void params_enc(const void *h, void *out, enum charon_endian e)
{
	charon_params_encode(h, out, e);
}

static void params_dec(const void *in, void *h, enum charon_endian e)
{
	charon_params_decode(in, h, e);
}

static void header_enc(const void *h, void *out, enum charon_endian e)
{
	charon_header_encode(h, out, e);
}

static void header_dec(const void *in, void *h, enum charon_endian e)
{
	charon_header_decode(in, h, e);
}

static void chain_enc(const void *c, void *out, enum charon_endian e)
{
	charon_chain_encode(c, out, e);
}

static void chain_dec(const void *in, void *c, enum charon_endian e)
{
	charon_chain_decode(in, c, e);
}

/*
 * The codec (core/params.c) covers every byte of both ABI structs and
 * keeps every field's value: a field added to include/abi/params.h but not
 * to the codec's table fails here.
 */
static void test_params_codec_complete(void **state)
{
	(void)state;
	check_coverage(charon_params_fields, sizeof(struct charon_params));
	check_coverage(charon_header_fields,
		       sizeof(struct charon_image_header));
	check_round_trip(charon_params_fields, sizeof(struct charon_params),
			 params_enc, params_dec);
	check_round_trip(charon_header_fields,
			 sizeof(struct charon_image_header), header_enc,
			 header_dec);
	check_coverage(charon_chain_fields, sizeof(struct charon_chain));
	check_round_trip(charon_chain_fields, sizeof(struct charon_chain),
			 chain_enc, chain_dec);
}

static void test_params_big_endian(void **state)
{
	struct charon_params p, back;
	uint8_t out[CHARON_PARAMS_SIZE];
	struct charon_err err = { "" };

	(void)state;
	charon_params_init(&p);
	p.console.base = 0x0102030405060708ull;
	assert_int_equal(charon_params_add_region(&p, "kernel", 0x1000, "x", 1,
						  &err), 0);
	charon_params_encode(&p, out, CHARON_BE);
	assert_memory_equal(out, "PRHC", 4);	/* 0x50524843 big-endian */
	assert_memory_equal(out + 0x28, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_memory_equal(out + 0x098, "\0\0\0\0\0\0\x10\0", 8);
	charon_params_decode(out, &back, CHARON_BE);
	assert_memory_equal(&back, &p, sizeof(p));
	charon_params_decode(out, &back, CHARON_LE);
	assert_int_equal(back.magic, 0x43485250);
}

static void test_params_regions(void **state)
{
	struct charon_params p;
	struct charon_err err = { "" };
	char label[16];
	int i;

	(void)state;
	charon_params_init(&p);
	assert_int_equal(charon_params_add_region(&p, "a-very-long-label", 0,
						  "x", 1, &err), -EINVAL);
	assert_msg(err, "longer than 15 characters");
	assert_int_equal(charon_params_add_region(&p, "wrap", UINT64_MAX, "xy",
						  2, &err), -EINVAL);
	assert_msg(err, "wraps around");
	for (i = 0; i < CHARON_MAX_REGIONS; i++) {
		snprintf(label, sizeof(label), "r%d", i);
		assert_int_equal(charon_params_add_region(&p, label,
							  0x1000 * i, "x", 1,
							  &err), 0);
	}
	assert_int_equal(charon_params_add_region(&p, "one-more", 0, "x", 1,
						  &err), -ENOSPC);
	assert_msg(err, "at most 16 regions");
}

static void test_names(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(charon_fail_policy_parse("test-exit", &v), 0);
	assert_int_equal(v, CHARON_FAIL_TEST_EXIT);
	assert_int_equal(charon_fail_policy_parse("poweroff", &v), 0);
	assert_int_equal(v, CHARON_FAIL_POWEROFF);
	assert_int_equal(charon_fail_policy_parse("explode", &v), -EINVAL);
	assert_string_equal(charon_fail_policy_name(CHARON_FAIL_RESET), "reset");
	assert_string_equal(charon_fail_policy_name(99), "unknown");
	assert_string_equal(charon_console_kind_name(CHARON_CON_PL011), "pl011");
	assert_string_equal(charon_psci_name(CHARON_PSCI_NONE), "none");
	assert_string_equal(charon_psci_name(CHARON_PSCI_HVC), "hvc");
	assert_string_equal(charon_psci_name(CHARON_PSCI_SMC), "smc");
	assert_string_equal(charon_psci_name(3), "unknown");
	assert_string_equal(charon_arch_name(CHARON_ARCH_X86_64), "x86_64");
	assert_string_equal(charon_arch_name(77), "unknown");
	assert_non_null(charon_arch_by_name("arm64"));
	assert_non_null(charon_arch_by_name("ppc64"));
	assert_non_null(charon_arch_by_name("ppc64le"));
	assert_null(charon_arch_by_name("mips"));
}

static void test_printable(void **state)
{
	char buf[32];

	(void)state;
	charon_printable(buf, sizeof(buf), "kernel\0junk", 16);
	assert_string_equal(buf, "kernel");
	charon_printable(buf, sizeof(buf), "a\xfe\n\\b", 5);
	assert_string_equal(buf, "a\\xfe\\x0a\\x5cb");
	/* never past the end, never a partial escape */
	charon_printable(buf, 6, "abc\001def", 8);
	assert_string_equal(buf, "abc");
	charon_printable(buf, sizeof(buf), "unterminated", 5);
	assert_string_equal(buf, "unter");
}

static void test_parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	CHECK(charon_parse_u64("0x7fffa000", &v));
	assert_int_equal(v, 0x7fffa000);
	CHECK(charon_parse_u64("4096", &v));
	assert_int_equal(v, 4096);
	CHECK(charon_parse_u64("0xffffffffffffffff", &v));
	assert_int_equal(v, UINT64_MAX);
	/* strtoull() takes these; an address or offset must not */
	assert_int_equal(charon_parse_u64("-1", &v), -EINVAL);
	assert_int_equal(charon_parse_u64(" -4096", &v), -EINVAL);
	assert_int_equal(charon_parse_u64("+1", &v), -EINVAL);
	assert_int_equal(charon_parse_u64("", &v), -EINVAL);
	assert_int_equal(charon_parse_u64("12k", &v), -EINVAL);
	assert_int_equal(charon_parse_u64("0x10000000000000000", &v),
			 -EINVAL);
}

/* ---- QEMU command line ------------------------------------------------- */

static void test_qemu_argv(void **state)
{
	struct charon_qemu_machine m = {
		.binary = "qemu-system-aarch64", .machine = "virt",
		.cpu = "cortex-a57", .smp = "2", .memory = "1G", .el2 = true,
	};
	struct charon_qemu_load loads[] = {
		{ "/w/charon-stub.bin", 0x7fff0000, true },
		{ "/k/Image,odd", 0x40000000, false },
		{ NULL, 0x7fff0100, true },
	};
	char *extra[] = { "-s", "-S" };
	struct charon_argv a = { 0 };
	struct charon_err err = { "" };
	static const char *const want[] = {
		"qemu-system-aarch64", "-M", "virt,virtualization=on",
		"-cpu", "cortex-a57", "-smp", "2", "-m", "1G", "-nographic",
		"-no-reboot", "-semihosting-config", "enable=on,target=native",
		"-device",
		"loader,file=/w/charon-stub.bin,addr=0x7fff0000,cpu-num=0,force-raw=on",
		"-device", "loader,file=/k/Image,,odd,addr=0x40000000,force-raw=on",
		"-device", "loader,addr=0x7fff0100,cpu-num=0",
		"-s", "-S",
	};
	size_t i;

	(void)state;
	assert_int_equal(charon_qemu_run_argv(&m, loads, 3, extra, 2, &a,
					      &err), 0);
	assert_int_equal(a.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.v[i], want[i]);
	}
	assert_null(a.v[a.n]);
	charon_argv_free(&a);

	m.el2 = false;
	assert_int_equal(charon_qemu_base_argv(&m, "/w/m.dtb", &a), 0);
	assert_string_equal(a.v[2], "virt,dumpdtb=/w/m.dtb");
	assert_string_equal(a.v[a.n - 1], "-nographic");
	charon_argv_free(&a);
}

static void test_mem_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(charon_parse_mem_size("1G", &v), 0);
	assert_int_equal(v, 1ull << 30);
	assert_int_equal(charon_parse_mem_size("512M", &v), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(charon_parse_mem_size("2048", &v), 0);
	assert_int_equal(v, 2048ull << 20);
	assert_int_equal(charon_parse_mem_size("4t", &v), 0);
	assert_int_equal(v, 4ull << 40);
	assert_int_equal(charon_parse_mem_size("", &v), -EINVAL);
	assert_int_equal(charon_parse_mem_size("0", &v), -EINVAL);
	assert_int_equal(charon_parse_mem_size("1GB", &v), -EINVAL);
	assert_int_equal(charon_parse_mem_size("-1G", &v), -EINVAL);
	assert_int_equal(charon_parse_mem_size("99999999999999999999", &v),
			 -EINVAL);
	assert_int_equal(charon_parse_mem_size("20000000T", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest image[] = {
		cmocka_unit_test(test_image_good),
		cmocka_unit_test(test_image_bad_magic),
		cmocka_unit_test(test_image_truncated),
		cmocka_unit_test(test_image_big_endian),
		cmocka_unit_test(test_image_size_small),
		cmocka_unit_test(test_image_size_absurd),
		cmocka_unit_test(test_image_text_offset),
		cmocka_unit_test(test_image_old),
		cmocka_unit_test(test_image_gzip),
		cmocka_unit_test(test_image_gzip_garbage),
		cmocka_unit_test(test_gunzip_bound),
		cmocka_unit_test(test_image_zboot),
		cmocka_unit_test(test_image_file_errors),
		cmocka_unit_test(test_image_real_kernel),
	};
	const struct CMUnitTest layout[] = {
		cmocka_unit_test(test_layout_normal),
		cmocka_unit_test(test_layout_kernel_align),
		cmocka_unit_test(test_layout_overlap),
		cmocka_unit_test(test_layout_outside_ram),
		cmocka_unit_test(test_layout_stub_addr),
		cmocka_unit_test(test_layout_high_and_keepout),
		cmocka_unit_test(test_layout_no_room),
		cmocka_unit_test(test_layout_ram_ranges),
		cmocka_unit_test(test_layout_bad_segments),
	};
	const struct CMUnitTest params[] = {
		cmocka_unit_test(test_stub_header),
		cmocka_unit_test(test_stub_header_errors),
		cmocka_unit_test(test_params_encoding),
		cmocka_unit_test(test_params_big_endian),
		cmocka_unit_test(test_params_codec_complete),
		cmocka_unit_test(test_params_regions),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_qemu_argv),
		cmocka_unit_test(test_mem_size),
	};
	int rc = 0;

	/* library warnings would clutter the report; tests catch them */
	tl_catch_warnings();
	rc += cmocka_run_group_tests_name("image", image, NULL, NULL);
	rc += cmocka_run_group_tests_name("layout", layout, NULL, NULL);
	rc += cmocka_run_group_tests_name("params", params, NULL, NULL);
	rc += tl_run_fdt_tests();
	rc += tl_run_arm_tests();
	rc += tl_run_kexec_tests();
	return rc ? 1 : 0;
}
