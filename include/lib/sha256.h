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

/**
 * sha256_force_generic() - keep sha256_update() on the portable code
 * @on: nonzero: use sha256_blocks_generic() even where the CPU has a faster
 *      path; zero: back to the automatic choice
 *
 * For benchmarks and tests; the stub never calls it.  Without an
 * accelerated path for the target this changes nothing.
 */
void sha256_force_generic(int on);

/**
 * sha256_impl_name() - the compression function sha256_update() uses now
 *
 * Return: "sha-ni" (x86_64 SHA extensions) or "generic".
 */
const char *sha256_impl_name(void);

#ifdef __x86_64__
/*
 * x86_64: sha256_update(), sha256_final() and sha256() use the SHA
 * extensions when CPUID reports them, chosen once on first use.  The
 * caller must have enabled SSE: CR4.OSFXSR (and OSXMMEXCPT) set, CR0.EM
 * and CR0.TS clear; an operating system does so, the stub's entry code
 * does it before any C runs.  The SHA-NI code uses legacy SSE encodings
 * only (no AVX state needed) and no stack.
 */

/**
 * sha256_x86_has_shani() - whether sha256_blocks_shani() can run here
 *
 * Checks CPUID.1:ECX for SSSE3 and SSE4.1 and CPUID.(7,0):EBX for SHA.
 * General registers only: safe before SSE is enabled.  Says nothing about
 * whether SSE *is* enabled (see above).
 *
 * Return: 1 if the CPU has the instructions, else 0.
 */
int sha256_x86_has_shani(void);

/**
 * sha256_blocks_shani() - the compression function with SHA-NI
 * @state: the eight working words, updated in place
 * @data: @nblocks * 64 bytes, any alignment
 * @nblocks: number of whole blocks; may be 0
 *
 * Same contract as sha256_blocks_generic().  Only where
 * sha256_x86_has_shani() and with SSE enabled; clobbers xmm0-xmm10.
 */
void sha256_blocks_shani(uint32_t state[8], const uint8_t *data,
			 size_t nblocks);
#endif /* __x86_64__ */

#endif /* LIB_SHA256_H */
