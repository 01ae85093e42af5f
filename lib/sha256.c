// SPDX-License-Identifier: MIT
/*
 * SHA-256 as specified by FIPS 180-4, written for charon.
 *
 * The compression function runs its 64 rounds as one 16-round body that
 * loads the message words, then three passes of a 16-round body that
 * extends the message schedule as it goes.  The schedule is a 16-word ring
 * and a pass is exactly one turn of it, so every index inside a body is a
 * constant; the eight working variables are renamed by the round macro
 * instead of being shifted, so the compiler keeps them in registers.
 *
 * Input words are assembled from bytes, which is endian-neutral and which
 * compilers turn into a single load (plus byte swap on little-endian hosts)
 * where unaligned loads are allowed.
 *
 * On x86_64, update and final call lib/x86_64/sha256-ni.S instead when
 * the CPU has the SHA extensions (probed once, on first use).
 */
#include <lib/sha256.h>
#include <string.h>

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The big sigmas as nested rotates: one copy of x instead of three, which
 * saves two register moves per sigma on two-operand machines.
 *   S0(x) = ror(x, 2) ^ ror(x, 13) ^ ror(x, 22)
 *   S1(x) = ror(x, 6) ^ ror(x, 11) ^ ror(x, 25)
 */
#define S0(x)	ror32((x) ^ ror32((x) ^ ror32(x, 9), 11), 2)
#define S1(x)	ror32((x) ^ ror32((x) ^ ror32(x, 14), 5), 6)
#define s0(x)	(ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define s1(x)	(ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))
#define CH(e, f, g)	((g) ^ ((e) & ((f) ^ (g))))

/*
 * One round; the caller rotates the roles of a..h by renaming.
 *
 * Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the
 * previous round's a ^ b: @ab receives a ^ b, @bc holds b ^ c on entry.
 * Rounds alternate which of the two variables plays which part.
 */
#define ROUND(a, b, c, d, e, f, g, h, ab, bc, kw)			\
	do {								\
		uint32_t t1 = h + S1(e) + CH(e, f, g) + (kw);		\
		ab = a ^ b;						\
		d += t1;						\
		h = t1 + S0(a) + (b ^ (ab & bc));			\
	} while (0)

/* w[i] for a round of the first pass: the message word itself */
#define W_LOAD(i)	(w[i] = load_be32(data + 4 * (i)))
/* w[i] for later passes: w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16] */
#define W_SCHED(i)							\
	(w[i] += s1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] +		\
		 s0(w[((i) + 1) & 15]))

#define ROUNDS_16(W)							\
	do {								\
		ROUND(a, b, c, d, e, f, g, h, x, y, k[0] + W(0));	\
		ROUND(h, a, b, c, d, e, f, g, y, x, k[1] + W(1));	\
		ROUND(g, h, a, b, c, d, e, f, x, y, k[2] + W(2));	\
		ROUND(f, g, h, a, b, c, d, e, y, x, k[3] + W(3));	\
		ROUND(e, f, g, h, a, b, c, d, x, y, k[4] + W(4));	\
		ROUND(d, e, f, g, h, a, b, c, y, x, k[5] + W(5));	\
		ROUND(c, d, e, f, g, h, a, b, x, y, k[6] + W(6));	\
		ROUND(b, c, d, e, f, g, h, a, y, x, k[7] + W(7));	\
		ROUND(a, b, c, d, e, f, g, h, x, y, k[8] + W(8));	\
		ROUND(h, a, b, c, d, e, f, g, y, x, k[9] + W(9));	\
		ROUND(g, h, a, b, c, d, e, f, x, y, k[10] + W(10));	\
		ROUND(f, g, h, a, b, c, d, e, y, x, k[11] + W(11));	\
		ROUND(e, f, g, h, a, b, c, d, x, y, k[12] + W(12));	\
		ROUND(d, e, f, g, h, a, b, c, y, x, k[13] + W(13));	\
		ROUND(c, d, e, f, g, h, a, b, x, y, k[14] + W(14));	\
		ROUND(b, c, d, e, f, g, h, a, y, x, k[15] + W(15));	\
	} while (0)

void sha256_blocks_generic(uint32_t state[8], const uint8_t *data,
			   size_t nblocks)
{
	uint32_t w[16];

	while (nblocks--) {
		uint32_t a = state[0], b = state[1], c = state[2];
		uint32_t d = state[3], e = state[4], f = state[5];
		uint32_t g = state[6], h = state[7];
		uint32_t x, y = b ^ c;
		const uint32_t *k = sha256_k;

		ROUNDS_16(W_LOAD);
		do {
			k += 16;
			ROUNDS_16(W_SCHED);
		} while (k != sha256_k + 48);
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
		data += SHA256_BLOCK_SIZE;
	}
}

/*
 * The accelerated compression function of this target, if it has one: the
 * probe that says whether the CPU can run it, the function, and its name.
 * Elsewhere the probe is constant 0 and everything below folds away.
 */
#ifdef __x86_64__
#define sha256_fast_usable()	sha256_x86_has_shani()
#define sha256_blocks_fast	sha256_blocks_shani
#define SHA256_FAST_NAME	"sha-ni"
#else
#define sha256_fast_usable()	0
#define sha256_blocks_fast	sha256_blocks_generic
#define SHA256_FAST_NAME	"generic"
#endif

/* 0 (zeroed .bss) until the first use probes the CPU, then 1 or -1 */
static int sha256_fast_ok;
static int sha256_generic_forced;

void sha256_force_generic(int on)
{
	sha256_generic_forced = on;
}

/* whether update and final take the accelerated path; probes once */
static int sha256_use_fast(void)
{
	if (!sha256_fast_ok) {
		sha256_fast_ok = sha256_fast_usable() ? 1 : -1;
	}
	return sha256_fast_ok > 0 && !sha256_generic_forced;
}

const char *sha256_impl_name(void)
{
	return sha256_use_fast() ? SHA256_FAST_NAME : "generic";
}

static void sha256_blocks(uint32_t state[8], const uint8_t *data,
			  size_t nblocks)
{
	if (sha256_use_fast()) {
		sha256_blocks_fast(state, data, nblocks);
	} else {
		sha256_blocks_generic(state, data, nblocks);
	}
}

void sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->state, sha256_iv, sizeof(ctx->state));
	ctx->count = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t fill = ctx->count % SHA256_BLOCK_SIZE;

	ctx->count += len;
	if (fill) {
		size_t take = SHA256_BLOCK_SIZE - fill;

		if (len < take) {
			memcpy(ctx->buf + fill, p, len);
			return;
		}
		memcpy(ctx->buf + fill, p, take);
		sha256_blocks(ctx->state, ctx->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= SHA256_BLOCK_SIZE) {
		size_t n = len / SHA256_BLOCK_SIZE;

		sha256_blocks(ctx->state, p, n);
		p += n * SHA256_BLOCK_SIZE;
		len -= n * SHA256_BLOCK_SIZE;
	}
	if (len) {
		memcpy(ctx->buf, p, len);
	}
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t fill = ctx->count % SHA256_BLOCK_SIZE;
	uint64_t bits = ctx->count * 8;
	int i;

	/* 0x80, zeros, then the 64-bit big-endian bit count ends a block */
	ctx->buf[fill++] = 0x80;
	if (fill > SHA256_BLOCK_SIZE - 8) {
		memset(ctx->buf + fill, 0, SHA256_BLOCK_SIZE - fill);
		sha256_blocks(ctx->state, ctx->buf, 1);
		fill = 0;
	}
	memset(ctx->buf + fill, 0, SHA256_BLOCK_SIZE - 8 - fill);
	store_be32(ctx->buf + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->buf + 60, (uint32_t)bits);
	sha256_blocks(ctx->state, ctx->buf, 1);

	for (i = 0; i < 8; i++) {
		store_be32(out + 4 * i, ctx->state[i]);
	}
	memset(ctx, 0, sizeof(*ctx));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
