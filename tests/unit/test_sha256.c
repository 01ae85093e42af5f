// SPDX-License-Identifier: MIT
/*
 * lib/sha256 against FIPS 180-4's examples and against OpenSSL.
 *
 * Built twice from this file: for the host (cmocka, ASan+UBSan, and OpenSSL
 * called live on random data) and for every target (TC_TARGET, run under
 * qemu-user with the stub's own lib/ and newlib objects), where OpenSSL's
 * answers come from the generated sha256_vectors.h.
 *
 * Where the target has an accelerated compression function (x86_64 with
 * SHA-NI), every case runs twice: on the path sha256() picks by itself and
 * with sha256_force_generic(); the two compression functions are also
 * compared with each other directly.  Under qemu-user the CPU may not
 * offer the extension, and then only the portable path runs: the
 * sha256_impl case says which it was.
 */
#include <lib/sha256.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc.h"
#include "sha256_vectors.h"

#ifndef TC_TARGET
#include <openssl/evp.h>
#endif

static void unhex(const char *s, uint8_t *out)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		unsigned int v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* FIPS 180-4 / NIST CSRC example values (SHA256.pdf, SHA2_Additional) */
static void case_fips_examples(struct tc *t)
{
	static const struct {
		const char *msg;
		const char *digest;
	} v[] = {
		{ "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "",
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	uint8_t want[32], got[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].digest, want);
		sha256(v[i].msg, strlen(v[i].msg), got);
		TC_CHECK_MEM(t, got, want, 32, "FIPS example", i);
	}
}

static void case_million_a(struct tc *t)
{
	uint8_t want[32], got[32], chunk[1000];
	struct sha256_ctx ctx;
	uint8_t *all;
	int i;

	unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	      want);
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&ctx);
	for (i = 0; i < 1000; i++) {
		sha256_update(&ctx, chunk, sizeof(chunk));
	}
	sha256_final(&ctx, got);
	TC_CHECK_MEM(t, got, want, 32, "1000 x 1000 'a', streamed", 1000000);

	all = malloc(1000000);
	TC_CHECK(t, all != NULL, "malloc");
	if (all) {
		memset(all, 'a', 1000000);
		sha256(all, 1000000, got);
		TC_CHECK_MEM(t, got, want, 32, "1000000 'a', one shot", 1000000);
		free(all);
	}
}

/* every length 0..1024, one shot, against OpenSSL's digests */
static void case_every_length(struct tc *t)
{
	uint8_t data[SHA256_VEC_MAX_LENGTH], got[32];
	size_t n;

	tc_fill(data, sizeof(data), SHA256_VEC_LENGTHS_SEED);
	for (n = 0; n <= SHA256_VEC_MAX_LENGTH; n++) {
		sha256(data, n, got);
		TC_CHECK_MEM(t, got, sha256_vec_lengths[n], 32, "length", n);
	}
}

/* every length 0..1024 again, from every misalignment 1..7 */
static void case_unaligned(struct tc *t)
{
	uint8_t data[SHA256_VEC_MAX_LENGTH + 8], got[32];
	size_t n, off;

	for (off = 1; off < 8; off++) {
		tc_fill(data + off, SHA256_VEC_MAX_LENGTH, SHA256_VEC_LENGTHS_SEED);
		for (n = 0; n <= SHA256_VEC_MAX_LENGTH; n += 1 + off) {
			sha256(data + off, n, got);
			TC_CHECK_MEM(t, got, sha256_vec_lengths[n], 32,
				     "misaligned length", n);
		}
	}
}

/* the random vectors, streamed in pieces of random length */
static void case_random_splits(struct tc *t)
{
	uint64_t rng = 0x5eed;
	size_t i;

	for (i = 0; i < sizeof(sha256_vec_random) / sizeof(sha256_vec_random[0]);
	     i++) {
		size_t len = sha256_vec_random[i].len, off;
		uint8_t *data = malloc(len), got[32];
		struct sha256_ctx ctx;
		int round;

		TC_CHECK(t, data != NULL, "malloc %zu", len);
		if (!data) {
			return;
		}
		tc_fill(data, len, sha256_vec_random[i].seed);

		sha256(data, len, got);
		TC_CHECK_MEM(t, got, sha256_vec_random[i].digest, 32,
			     "random input, one shot, length", len);

		for (round = 0; round < 4; round++) {
			sha256_init(&ctx);
			for (off = 0; off < len;) {
				/* mostly short pieces, sometimes long ones */
				uint32_t r = tc_rand(&rng);
				size_t piece = (r & 3) ? r % 131 : r % 70000;

				if (piece > len - off) {
					piece = len - off;
				}
				sha256_update(&ctx, data + off, piece);
				off += piece;
			}
			sha256_final(&ctx, got);
			TC_CHECK_MEM(t, got, sha256_vec_random[i].digest, 32,
				     "random input, random splits, length", len);
		}
		free(data);
	}
}

/* a finished context is wiped; a re-initialised one starts afresh */
static void case_reuse(struct tc *t)
{
	static const uint8_t zero[sizeof(struct sha256_ctx)];
	struct sha256_ctx ctx;
	uint8_t got[32], want[32];

	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	      want);
	sha256_init(&ctx);
	sha256_update(&ctx, "xyz", 3);
	sha256_final(&ctx, got);
	TC_CHECK(t, !memcmp(&ctx, zero, sizeof(ctx)), "context not wiped");
	sha256_init(&ctx);
	sha256_update(&ctx, "a", 1);
	sha256_update(&ctx, "", 0);
	sha256_update(&ctx, "bc", 2);
	sha256_final(&ctx, got);
	TC_CHECK_MEM(t, got, want, 32, "re-initialised context", 3);
}

#ifndef TC_TARGET
/* live agreement with OpenSSL on random data up to 4 MiB */
static void case_openssl_random(struct tc *t)
{
	size_t max = (size_t)4 << 20, i;
	uint8_t *data = malloc(max), got[32], want[32];
	uint64_t rng = 0xc0ffee;

	TC_CHECK(t, data != NULL, "malloc");
	if (!data) {
		return;
	}
	tc_fill(data, max, 42);
	for (i = 0; i < 200; i++) {
		uint32_t r = tc_rand(&rng);
		size_t len = (i < 150) ? r % 5000 : r % max;
		size_t off = tc_rand(&rng) % 64;
		unsigned int wl = 32;

		if (len > max - off) {
			len = max - off;
		}
		sha256(data + off, len, got);
		EVP_Digest(data + off, len, want, &wl, EVP_sha256(), NULL);
		TC_CHECK_MEM(t, got, want, 32, "OpenSSL, random length", len);
	}
	free(data);
}
#endif

/* which compression function sha256() uses here, and that forcing works */
static void case_impl(struct tc *t)
{
	const char *name = sha256_impl_name();
#ifdef __x86_64__
	const char *want = sha256_x86_has_shani() ? "sha-ni" : "generic";
#else
	const char *want = "generic";
#endif

	fprintf(stderr, "  sha256: this CPU runs the %s compression function\n",
		name);
	TC_CHECK(t, !strcmp(name, want), "picked %s, not %s", name, want);
	sha256_force_generic(1);
	TC_CHECK(t, !strcmp(sha256_impl_name(), "generic"),
		 "forced generic, still %s", sha256_impl_name());
	sha256_force_generic(0);
	TC_CHECK(t, !strcmp(sha256_impl_name(), name), "not restored");
}

/* whether sha256() picks something other than the portable code */
static int have_fast_path(void)
{
	return strcmp(sha256_impl_name(), "generic") != 0;
}

/*
 * The case again with sha256() held on the portable code; nothing to do
 * where that is what it runs anyway.
 */
#define GENERIC_TOO(fn)							\
	static void fn##_generic(struct tc *t)				\
	{								\
		if (have_fast_path()) {					\
			sha256_force_generic(1);			\
			fn(t);						\
			sha256_force_generic(0);			\
		}							\
	}

GENERIC_TOO(case_fips_examples)
GENERIC_TOO(case_million_a)
GENERIC_TOO(case_every_length)
GENERIC_TOO(case_unaligned)
GENERIC_TOO(case_random_splits)

#ifdef __x86_64__
/*
 * sha256_blocks_shani() against sha256_blocks_generic() from random states
 * on random data: 0..40 blocks and a few long runs, from every alignment
 * 0..15; the words around the state and the data stay untouched.
 */
static void case_shani_blocks(struct tc *t)
{
	enum { MAX_BLOCKS = 1000, GUARD = 4 };
	size_t size = MAX_BLOCKS * SHA256_BLOCK_SIZE + 16;
	static const size_t runs[] = { 64, 127, 500, MAX_BLOCKS };
	uint8_t *data, *copy;
	uint64_t rng = 0xb10c5;
	size_t n, off, i;

	if (!sha256_x86_has_shani()) {
		fprintf(stderr, "  sha256: no SHA-NI on this CPU, not compared\n");
		return;
	}
	data = malloc(size);
	copy = malloc(size);
	TC_CHECK(t, data && copy, "malloc");
	if (!data || !copy) {
		free(data);
		free(copy);
		return;
	}
	tc_fill(data, size, 7);
	memcpy(copy, data, size);
	for (n = 0; n <= 40 + sizeof(runs) / sizeof(runs[0]); n++) {
		size_t nblocks = n <= 40 ? n : runs[n - 41];

		for (off = 0; off < 16; off++) {
			uint32_t want[8 + 2 * GUARD], got[8 + 2 * GUARD];
			const uint8_t *p = data + off;

			for (i = 0; i < 8 + 2 * GUARD; i++) {
				want[i] = tc_rand(&rng);
			}
			memcpy(got, want, sizeof(got));
			sha256_blocks_generic(want + GUARD, p, nblocks);
			sha256_blocks_shani(got + GUARD, p, nblocks);
			TC_CHECK_MEM(t, got, want, sizeof(got),
				     "sha-ni state after blocks", nblocks);
		}
	}
	TC_CHECK(t, !memcmp(data, copy, size), "sha-ni wrote to its input");
	free(data);
	free(copy);
}
#else
static void case_shani_blocks(struct tc *t)
{
	(void)t;
}
#endif

#ifndef TC_TARGET
/*
 * Each path against OpenSSL: every length 0..200 from every alignment
 * 0..15, whole blocks and one byte either side up to 64 blocks, 1 MiB,
 * and 1 MiB + 13 streamed in uneven pieces.
 */
static void openssl_path(struct tc *t, const uint8_t *data, size_t max)
{
	const char *name = sha256_impl_name();
	uint8_t got[32], want[32];
	unsigned int wl = 32;
	size_t n, off, k;
	int d;

	for (off = 0; off < 16; off++) {
		for (n = 0; n <= 200; n++) {
			sha256(data + off, n, got);
			EVP_Digest(data + off, n, want, &wl, EVP_sha256(), NULL);
			if (!TC_CHECK_MEM(t, got, want, 32, name, n)) {
				fprintf(stderr, "       at offset %zu\n", off);
			}
		}
	}
	for (k = 1; k <= 64; k++) {
		for (d = -1; d <= 1; d++) {
			off = k % 8;
			n = k * SHA256_BLOCK_SIZE + d;
			sha256(data + off, n, got);
			EVP_Digest(data + off, n, want, &wl, EVP_sha256(), NULL);
			TC_CHECK_MEM(t, got, want, 32, name, n);
		}
	}
	for (off = 0; off < 4; off += 3) {
		n = max - 16;
		sha256(data + off, n, got);
		EVP_Digest(data + off, n, want, &wl, EVP_sha256(), NULL);
		TC_CHECK_MEM(t, got, want, 32, name, n);
	}
	{
		struct sha256_ctx ctx;
		size_t step = 1, piece;

		n = max - 16;
		sha256_init(&ctx);
		for (off = 0; off < n; off += piece) {
			/* 1, 4, 13, 40, ... 88573, then again from 1 */
			piece = step < n - off ? step : n - off;
			step = step > 30000 ? 1 : step * 3 + 1;
			sha256_update(&ctx, data + off, piece);
		}
		sha256_final(&ctx, got);
		EVP_Digest(data, n, want, &wl, EVP_sha256(), NULL);
		TC_CHECK_MEM(t, got, want, 32, name, n);
	}
}

static void case_openssl_paths(struct tc *t)
{
	size_t max = ((size_t)1 << 20) + 13 + 16;
	uint8_t *data = malloc(max);

	TC_CHECK(t, data != NULL, "malloc");
	if (!data) {
		return;
	}
	tc_fill(data, max, 99);
	openssl_path(t, data, max);
	if (have_fast_path()) {
		sha256_force_generic(1);
		openssl_path(t, data, max);
		sha256_force_generic(0);
	}
	free(data);
}
#endif

const struct tc_case tc_cases[] = {
	{ "sha256_impl", case_impl },
	{ "sha256_fips_examples", case_fips_examples },
	{ "sha256_million_a", case_million_a },
	{ "sha256_every_length_0_1024", case_every_length },
	{ "sha256_unaligned", case_unaligned },
	{ "sha256_random_splits", case_random_splits },
	{ "sha256_context_reuse", case_reuse },
	{ "sha256_fips_examples_generic", case_fips_examples_generic },
	{ "sha256_million_a_generic", case_million_a_generic },
	{ "sha256_every_length_0_1024_generic", case_every_length_generic },
	{ "sha256_unaligned_generic", case_unaligned_generic },
	{ "sha256_random_splits_generic", case_random_splits_generic },
	{ "sha256_shani_blocks", case_shani_blocks },
#ifndef TC_TARGET
	{ "sha256_openssl_random", case_openssl_random },
	{ "sha256_openssl_paths", case_openssl_paths },
#endif
};
const size_t tc_ncases = sizeof(tc_cases) / sizeof(tc_cases[0]);
