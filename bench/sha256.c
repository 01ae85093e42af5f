// SPDX-License-Identifier: MIT
/*
 * bench/sha256 - our SHA-256 against OpenSSL's, in one process, interleaved.
 *
 * lib/ is linked exactly as built for the x86_64 stub ($(O)/x86_64/
 * libcharon-lib.a: the portable C with the stub's flags, and the SHA-NI
 * assembly).  Two workloads: "in-cache" hashes a 16 KiB buffer 64 times
 * in one stream (the data stays in L1), "streaming" hashes 256 MiB once
 * (it comes from memory).  The implementations take turns for several
 * repetitions; every digest is checked against the others.  The best time
 * of each is reported as MB/s (10^6 bytes per second) with the ratio
 * ours / OpenSSL.
 *
 * OpenSSL picks its code path once, from OPENSSL_ia32cap, when the library
 * initialises.  To compare like with like, the program re-executes itself
 * with OPENSSL_ia32cap masking every SIMD and SHA extension ("integer":
 * OpenSSL's integer-only assembly against our portable C), and compares
 * OpenSSL's default path (SHA-NI where the CPU has it) with what sha256()
 * picks, i.e. our SHA-NI code ("default").  The default run also times our
 * portable C, for the speed-up the accelerated path brings.
 *
 * Usage: sha256-bench [--quick] [--label NAME]
 */
#include <lib/sha256.h>

#include <errno.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Clear SSSE3 (word 0 bit 41), XOP (bit 43), AVX (bit 60) and, in the
 * CPUID.7 word, BMI1 (bit 3), AVX2 (bit 5), BMI2 (bit 8), SHA (bit 29):
 * sha256-x86_64 then runs its plain integer code.
 */
#define INTEGER_ONLY_CAP "~0x10000A0000000000:~0x20000128"

#define CACHE_BUF	((size_t)16 << 10)	/* in-cache: this, ... */
#define CACHE_REPEAT	64			/* ... this many times */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fill(uint8_t *p, size_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)x;
	}
}

static void die(const char *what)
{
	fprintf(stderr, "sha256-bench: %s failed\n", what);
	exit(2);
}

/* an implementation hashes @repeat copies of p[0..n) as one message */
typedef void (*digest_fn)(const uint8_t *p, size_t n, int repeat,
			  uint8_t out[32]);

static void ours(const uint8_t *p, size_t n, int repeat, uint8_t out[32])
{
	struct sha256_ctx ctx;
	int i;

	sha256_init(&ctx);
	for (i = 0; i < repeat; i++) {
		sha256_update(&ctx, p, n);
	}
	sha256_final(&ctx, out);
}

static void ours_fast(const uint8_t *p, size_t n, int repeat, uint8_t out[32])
{
	sha256_force_generic(0);
	ours(p, n, repeat, out);
}

static void ours_portable(const uint8_t *p, size_t n, int repeat,
			  uint8_t out[32])
{
	sha256_force_generic(1);
	ours(p, n, repeat, out);
	sha256_force_generic(0);
}

static void ossl(const uint8_t *p, size_t n, int repeat, uint8_t out[32])
{
	static EVP_MD_CTX *ctx;
	unsigned int len = 32;
	int i;

	if (!ctx && !(ctx = EVP_MD_CTX_new())) {
		die("EVP_MD_CTX_new");
	}
	if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		die("EVP_DigestInit_ex");
	}
	for (i = 0; i < repeat; i++) {
		if (!EVP_DigestUpdate(ctx, p, n)) {
			die("EVP_DigestUpdate");
		}
	}
	if (!EVP_DigestFinal_ex(ctx, out, &len)) {
		die("EVP_DigestFinal_ex");
	}
}

static void dump(const char *what, const uint8_t d[32])
{
	int i;

	fprintf(stderr, "  %s: ", what);
	for (i = 0; i < 32; i++) {
		fprintf(stderr, "%02x", d[i]);
	}
	fprintf(stderr, "\n");
}

struct impl {
	const char *name;
	digest_fn fn;
	double best;		/* seconds, best repetition */
	uint8_t digest[32];
};

/*
 * Times each of @impl on @repeat x @size bytes, @reps times, in an order
 * that rotates every repetition so none always runs on warm caches.
 * Returns 0, or 1 on a digest mismatch.
 */
static int run(struct impl *impl, int nimpl, const uint8_t *buf, size_t size,
	       int repeat, int reps)
{
	int r, k, i;

	for (k = 0; k < nimpl; k++) {
		impl[k].best = 1e9;
	}
	for (r = 0; r < reps; r++) {
		for (k = 0; k < nimpl; k++) {
			struct impl *m = &impl[(r + k) % nimpl];
			double t0 = now(), t;

			m->fn(buf, size, repeat, m->digest);
			t = now() - t0;
			if (t < m->best) {
				m->best = t;
			}
		}
		for (i = 1; i < nimpl; i++) {
			if (memcmp(impl[0].digest, impl[i].digest, 32)) {
				fprintf(stderr, "sha256-bench: digest mismatch, %d x %zu bytes\n",
					repeat, size);
				dump(impl[0].name, impl[0].digest);
				dump(impl[i].name, impl[i].digest);
				return 1;
			}
		}
	}
	return 0;
}

static double mbps(const struct impl *m, size_t bytes)
{
	return bytes / m->best / 1e6;
}

int main(int argc, char **argv)
{
	size_t big = (size_t)256 << 20, cache_bytes = CACHE_BUF * CACHE_REPEAT;
	const char *label = "default", *fast = sha256_impl_name();
	int quick = 0, child = 0, i, rc = 0;
	/* [0] ours as compared with OpenSSL, [1] OpenSSL, [2] portable C */
	struct impl impl[3] = {
		{ .name = fast, .fn = ours_fast },
		{ .name = "openssl", .fn = ossl },
		{ .name = "portable", .fn = ours_portable },
	};
	/* [in-cache, streaming][vs openssl, vs portable C] */
	double ratio[2][2];
	int nimpl = 3, w;
	uint8_t *buf;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
			label = argv[++i];
			child = 1;
		} else {
			fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
			return 2;
		}
	}
	if (quick) {
		big = (size_t)32 << 20;
	}

	if (child) {
		/* OpenSSL's integer code: compare with our portable C only */
		impl[0].name = "generic";
		impl[0].fn = ours_portable;
		nimpl = 2;
	} else {
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "OPENSSL_ia32cap='%s' '%s' %s--label integer",
			 INTEGER_ONLY_CAP, argv[0], quick ? "--quick " : "");
		fflush(stdout);
		if (system(cmd) != 0) {
			rc = 1;
		}
	}

	buf = malloc(big);
	if (!buf) {
		fprintf(stderr, "sha256-bench: cannot allocate %zu bytes: %s\n",
			big, strerror(errno));
		return 2;
	}
	fill(buf, big);
	for (w = 0; w < 2; w++) {
		const char *kind = w ? "streaming" : "in-cache";
		size_t bytes = w ? big : cache_bytes;

		if (w) {
			rc |= run(impl, nimpl, buf, big, 1, quick ? 2 : 5);
		} else {
			rc |= run(impl, nimpl, buf, CACHE_BUF, CACHE_REPEAT,
				  quick ? 20 : 200);
		}
		printf("sha256 %-8s %-9s ours %8.1f MB/s  openssl %8.1f MB/s  ratio %.3f  (ours: %s)\n",
		       label, kind, mbps(&impl[0], bytes),
		       mbps(&impl[1], bytes), impl[1].best / impl[0].best,
		       impl[0].name);
		if (nimpl == 3) {
			printf("sha256 %-8s %-9s portable C %8.1f MB/s\n",
			       label, kind, mbps(&impl[2], bytes));
			ratio[w][0] = impl[1].best / impl[0].best;
			ratio[w][1] = impl[2].best / impl[0].best;
		}
	}
	if (nimpl == 3 && strcmp(fast, "generic")) {
		printf("%s vs openssl: %.2fx in cache, %.2fx streaming; "
		       "%s vs portable C: %.2fx in cache, %.2fx streaming\n",
		       fast, ratio[0][0], ratio[1][0], fast, ratio[0][1],
		       ratio[1][1]);
	} else if (nimpl == 3) {
		printf("no accelerated SHA-256 on this CPU: ours is the portable C\n");
	}
	free(buf);
	return rc;
}
