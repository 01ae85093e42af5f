/* SPDX-License-Identifier: MIT */
/*
 * Test cases shared by two runners: cmocka on the host (tc_cmocka.c) and a
 * minimal runner for the cross-built target programs (tc_target.c), where
 * no cmocka exists for the target's libc.  A case reports each failed check
 * and carries on, so one run shows every broken length or alignment.
 */
#ifndef TESTS_UNIT_TC_H
#define TESTS_UNIT_TC_H

#include <stddef.h>
#include <stdint.h>

struct tc {
	const char *name;
	int failures;
};

struct tc_case {
	const char *name;
	void (*fn)(struct tc *t);
};

/* every test program defines its case table */
extern const struct tc_case tc_cases[];
extern const size_t tc_ncases;

void tc_fail(struct tc *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define TC_CHECK(t, cond, ...)						\
	do {								\
		if (!(cond)) {						\
			tc_fail(t, __FILE__, __LINE__, __VA_ARGS__);	\
		}							\
	} while (0)

/* checks two digests/buffers, printing both in hex on mismatch */
int tc_check_mem(struct tc *t, const char *file, int line, const void *got,
		 const void *want, size_t len, const char *what, size_t arg);
#define TC_CHECK_MEM(t, got, want, len, what, arg)			\
	tc_check_mem(t, __FILE__, __LINE__, got, want, len, what, arg)

/*
 * Deterministic test data: xorshift64* from a seed, eight bytes per step,
 * little-endian.  tests/unit/gen-sha256-vectors implements the same
 * generator so OpenSSL's expected digests match these bytes.
 */
static inline void tc_fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 2 + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0) {
			s ^= s >> 12;
			s ^= s << 25;
			s ^= s >> 27;
		}
		p[i] = (uint8_t)((s * 0x2545f4914f6cdd1dull) >> (8 * (i % 8)));
	}
}

/* a separate stream for split points and alignments */
static inline uint32_t tc_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dull) >> 32);
}

#endif /* TESTS_UNIT_TC_H */
