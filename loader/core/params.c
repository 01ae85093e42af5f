// SPDX-License-Identifier: MIT
/*
 * The codec of the stub's image header and parameter block: one table of
 * fields per struct, each at its offsetof() in include/abi/params.h, so
 * the host reads and writes exactly the layout the stub's C sees (the
 * _Static_asserts there pin it for assembly).  tests/unit/test_loader.c
 * checks that each table covers every byte of its struct exactly once and
 * that a distinct value in every field survives a round trip in both byte
 * orders: a field added to params.h but not here fails that test.
 */
#include <stddef.h>
#include <string.h>

#include <charon/bytes.h>
#include <charon/stub.h>

#define F(type, field)							\
	{ #field, offsetof(struct type, field),				\
	  sizeof(((struct type *)0)->field), 1, 0, false }
#define FA(type, field, n)						\
	{ #field "[]", offsetof(struct type, field[0]),			\
	  sizeof(((struct type *)0)->field[0]), n,			\
	  sizeof(((struct type *)0)->field[0]), false }
/* member m of every element of the array a */
#define FE(type, a, m, n, raw)						\
	{ #a "[]." #m, offsetof(struct type, a[0].m),			\
	  sizeof(((struct type *)0)->a[0].m), n,			\
	  sizeof(((struct type *)0)->a[0]), raw }

const struct charon_abi_field charon_params_fields[] = {
	F(charon_params, magic),
	F(charon_params, version),
	F(charon_params, size),
	F(charon_params, flags),
	F(charon_params, nr_regions),
	F(charon_params, nr_copies),
	F(charon_params, fail_policy),
	F(charon_params, chain_offset),
	F(charon_params, console.kind),
	F(charon_params, console.reg_shift),
	F(charon_params, console.base),
	F(charon_params, next.entry),
	FA(charon_params, next.regs, 4),
	FA(charon_params, next.arch.raw, 8),
	FE(charon_params, regions, start, CHARON_MAX_REGIONS, false),
	FE(charon_params, regions, len, CHARON_MAX_REGIONS, false),
	FE(charon_params, regions, label, CHARON_MAX_REGIONS, true),
	FE(charon_params, regions, sha256, CHARON_MAX_REGIONS, true),
	FE(charon_params, copies, src_offset, CHARON_MAX_COPIES, false),
	FE(charon_params, copies, dst, CHARON_MAX_COPIES, false),
	FE(charon_params, copies, len, CHARON_MAX_COPIES, false),
	{ NULL, 0, 0, 0, 0, false },
};

const struct charon_abi_field charon_chain_fields[] = {
	F(charon_chain, magic),
	F(charon_chain, size),
	F(charon_chain, image_size),
	F(charon_chain, fdt_dst),
	F(charon_chain, fdt_room),
	F(charon_chain, fdt_fallback),
	F(charon_chain, bootargs),
	F(charon_chain, initrd_start),
	F(charon_chain, initrd_end),
	F(charon_chain, dtb_offset),
	F(charon_chain, dtb_len),
	F(charon_chain, boot_params),
	{ "dtb_sha256", offsetof(struct charon_chain, dtb_sha256),
	  CHARON_DIGEST_LEN, 1, 0, true },
	{ NULL, 0, 0, 0, 0, false },
};

const struct charon_abi_field charon_header_fields[] = {
	F(charon_image_header, magic),
	F(charon_image_header, abi_version),
	F(charon_image_header, arch),
	F(charon_image_header, header_size),
	F(charon_image_header, params_offset),
	F(charon_image_header, params_size),
	F(charon_image_header, file_size),
	F(charon_image_header, mem_size),
	F(charon_image_header, entry_offset),
	F(charon_image_header, load_align),
	F(charon_image_header, entry2_offset),
	FA(charon_image_header, reserved, 2),
	{ NULL, 0, 0, 0, 0, false },
};

/* a host value of @size bytes at @h into the ABI's byte order at @out */
static void put(uint8_t *out, const uint8_t *h, unsigned int size,
		enum charon_endian e)
{
	uint64_t v = 0;

	switch (size) {
	case 2:
		v = *(const uint16_t *)(const void *)h;
		charon_put16(out, (uint16_t)v, e);
		break;
	case 4:
		v = *(const uint32_t *)(const void *)h;
		charon_put32(out, (uint32_t)v, e);
		break;
	case 8:
		v = *(const uint64_t *)(const void *)h;
		charon_put64(out, v, e);
		break;
	default:
		memcpy(out, h, size);
		break;
	}
}

static void get(uint8_t *h, const uint8_t *in, unsigned int size,
		enum charon_endian e)
{
	switch (size) {
	case 2:
		*(uint16_t *)(void *)h = charon_get16(in, e);
		break;
	case 4:
		*(uint32_t *)(void *)h = charon_get32(in, e);
		break;
	case 8:
		*(uint64_t *)(void *)h = charon_get64(in, e);
		break;
	default:
		memcpy(h, in, size);
		break;
	}
}

static void encode(const struct charon_abi_field *t, const void *host,
		   void *out, size_t size, enum charon_endian e)
{
	unsigned int k;

	memset(out, 0, size);
	for (; t->name; t++) {
		for (k = 0; k < t->count; k++) {
			size_t off = t->offset + k * t->stride;

			if (t->raw) {
				memcpy((uint8_t *)out + off,
				       (const uint8_t *)host + off, t->size);
			} else {
				put((uint8_t *)out + off,
				    (const uint8_t *)host + off, t->size, e);
			}
		}
	}
}

static void decode(const struct charon_abi_field *t, const void *in, void *host,
		   size_t size, enum charon_endian e)
{
	unsigned int k;

	memset(host, 0, size);
	for (; t->name; t++) {
		for (k = 0; k < t->count; k++) {
			size_t off = t->offset + k * t->stride;

			if (t->raw) {
				memcpy((uint8_t *)host + off,
				       (const uint8_t *)in + off, t->size);
			} else {
				get((uint8_t *)host + off,
				    (const uint8_t *)in + off, t->size, e);
			}
		}
	}
}

/**
 * charon_params_encode() - write a parameter block in a byte order
 * @p: the block, host byte order
 * @out: CHARON_PARAMS_SIZE bytes, at the ABI offsets
 * @e: the stub's byte order
 */
void charon_params_encode(const struct charon_params *p, void *out,
			  enum charon_endian e)
{
	encode(charon_params_fields, p, out, sizeof(*p), e);
}

/**
 * charon_params_decode() - read a parameter block in a byte order
 * @in: CHARON_PARAMS_SIZE bytes, at the ABI offsets
 * @p: the block, host byte order
 * @e: the stub's byte order
 */
void charon_params_decode(const void *in, struct charon_params *p,
			  enum charon_endian e)
{
	decode(charon_params_fields, in, p, sizeof(*p), e);
}

/**
 * charon_chain_encode() - write a chain descriptor in a byte order
 * @c: the descriptor, host byte order
 * @out: CHARON_CHAIN_SIZE bytes
 * @e: the stub's byte order
 */
void charon_chain_encode(const struct charon_chain *c, void *out,
			 enum charon_endian e)
{
	encode(charon_chain_fields, c, out, sizeof(*c), e);
}

/**
 * charon_chain_decode() - read a chain descriptor in a byte order
 * @in: CHARON_CHAIN_SIZE bytes
 * @c: the descriptor, host byte order
 * @e: the stub's byte order
 */
void charon_chain_decode(const void *in, struct charon_chain *c,
			 enum charon_endian e)
{
	decode(charon_chain_fields, in, c, sizeof(*c), e);
}

/**
 * charon_header_encode() - write a stub image header in a byte order
 * @h: the header, host byte order
 * @out: CHARON_HDR_SIZE bytes
 * @e: the stub's byte order
 */
void charon_header_encode(const struct charon_image_header *h, void *out,
			  enum charon_endian e)
{
	encode(charon_header_fields, h, out, sizeof(*h), e);
}

/**
 * charon_header_decode() - read a stub image header in a byte order
 * @in: CHARON_HDR_SIZE bytes, at the image's header offset
 * @h: the header, host byte order
 * @e: the stub's byte order
 */
void charon_header_decode(const void *in, struct charon_image_header *h,
			  enum charon_endian e)
{
	decode(charon_header_fields, in, h, sizeof(*h), e);
}
