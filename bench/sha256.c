// SPDX-License-Identifier: MIT
/*
 * bench/sha256 - our SHA-256 against OpenSSL's, in one process, interleaved.
 *
 * lib/sha256.c is compiled with the stub's C flags for x86_64 (see
 * bench/objects.mk) and linked into this hosted program.  For each size
 * (1 MiB, stays in cache; 256 MiB, streams from memory) the two
 * implementations take turns for several repetitions; every digest is
 * checked against the other.  The best time of each is reported as MB/s
 * (10^6 bytes per second) together with the ratio ours / OpenSSL.
 *
 * OpenSSL picks its code path once, from OPENSSL_ia32cap, when the library
 * initialises.  To compare against both its default path (SHA-NI or AVX2
 * where the CPU has them) and its integer-only assembly, the program
 * re-executes itself with OPENSSL_ia32cap masking every SIMD and SHA
 * extension, so each comparison still runs inside one process.
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

static void ossl(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL)) {
		fprintf(stderr, "sha256-bench: EVP_Digest failed\n");
		exit(2);
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

typedef void (*digest_fn)(const void *p, size_t n, uint8_t out[32]);

/* returns 0, or 1 on a digest mismatch */
static int run(const char *label, const char *kind, const uint8_t *buf,
	       size_t size, int reps)
{
	static const digest_fn impl[2] = { sha256, ossl };	/* ours, OpenSSL */
	double best[2] = { 1e9, 1e9 };
	uint8_t d[2][32];
	int r, k;

	for (r = 0; r < reps; r++) {
		/* alternate who goes first so neither always gets warm caches */
		for (k = 0; k < 2; k++) {
			int i = (r & 1) ? 1 - k : k;
			double t0 = now(), t;

			impl[i](buf, size, d[i]);
			t = now() - t0;
			if (t < best[i]) {
				best[i] = t;
			}
		}
		if (memcmp(d[0], d[1], 32)) {
			fprintf(stderr, "sha256-bench: digest mismatch, %zu bytes\n",
				size);
			dump("ours   ", d[0]);
			dump("openssl", d[1]);
			return 1;
		}
	}
	printf("sha256 %-8s %-9s ours %8.1f MB/s  openssl %8.1f MB/s  ratio %.3f\n",
	       label, kind,
	       size / best[0] / 1e6, size / best[1] / 1e6, best[1] / best[0]);
	return 0;
}

int main(int argc, char **argv)
{
	size_t big = (size_t)256 << 20, small = (size_t)1 << 20;
	const char *label = "default";
	int quick = 0, child = 0, i, rc = 0;
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

	if (!child) {
		/* the integer-only comparison, in a process of its own */
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
	rc |= run(label, "in-cache", buf, small, quick ? 20 : 200);
	rc |= run(label, "streaming", buf, big, quick ? 2 : 5);
	free(buf);
	return rc;
}
