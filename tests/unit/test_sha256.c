// SPDX-License-Identifier: MIT
/*
 * lib/sha256 against FIPS 180-4's examples and against OpenSSL.
 *
 * Built twice from this file: for the host (cmocka, ASan+UBSan, and OpenSSL
 * called live on random data) and for every target (TC_TARGET, run under
 * qemu-user with the stub's own lib/ and newlib objects), where OpenSSL's
 * answers come from the generated sha256_vectors.h.
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

const struct tc_case tc_cases[] = {
	{ "sha256_fips_examples", case_fips_examples },
	{ "sha256_million_a", case_million_a },
	{ "sha256_every_length_0_1024", case_every_length },
	{ "sha256_unaligned", case_unaligned },
	{ "sha256_random_splits", case_random_splits },
	{ "sha256_context_reuse", case_reuse },
#ifndef TC_TARGET
	{ "sha256_openssl_random", case_openssl_random },
#endif
};
const size_t tc_ncases = sizeof(tc_cases) / sizeof(tc_cases[0]);
