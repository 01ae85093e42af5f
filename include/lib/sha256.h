/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), shared by the stub and the host tools.
 *
 * Freestanding: no allocation, no libc beyond memcpy/memset, endian-neutral.
 * Built from the same source for every stub target and for the host.
 */
#ifndef LIB_SHA256_H
#define LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_ctx {
	uint32_t state[8];
	uint64_t count;			/* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK_SIZE];	/* partial block, count % 64 bytes */
};

/**
 * sha256_init() - start a new digest
 * @ctx: context to (re)initialise
 */
void sha256_init(struct sha256_ctx *ctx);

/**
 * sha256_update() - hash more data
 * @ctx: context from sha256_init()
 * @data: bytes to add; any alignment
 * @len: number of bytes; may be 0
 */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/**
 * sha256_final() - finish the digest and wipe the context
 * @ctx: context; must be re-initialised before further use
 * @out: the 32-byte digest, big-endian as FIPS 180-4 prints it
 */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);

/**
 * sha256() - one-shot digest of a buffer
 * @data: bytes to hash
 * @len: number of bytes
 * @out: the 32-byte digest
 */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/**
 * sha256_blocks_generic() - the portable compression function
 * @state: the eight working words, updated in place
 * @data: @nblocks * 64 bytes, any alignment
 * @nblocks: number of whole blocks
 *
 * Exposed so benchmarks and accelerated paths can be compared with it.
 */
void sha256_blocks_generic(uint32_t state[8], const uint8_t *data,
			   size_t nblocks);

#endif /* LIB_SHA256_H */
