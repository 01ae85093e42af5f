// SPDX-License-Identifier: MIT
/*
 * newlib's string routines, as built for the stub, against the target's
 * glibc, on the target's instruction set (run under qemu-user).
 *
 * The routines are linked renamed (nl_*, tests/unit/newlib.syms) so both
 * implementations live in one program.  Every source and destination
 * alignment 0..15 is combined with lengths around word and block sizes, and
 * guard bytes around each destination must stay untouched.
 */
#include <stdio.h>
#include <string.h>

#include "tc.h"

void *nl_memcpy(void *d, const void *s, size_t n);
void *nl_memmove(void *d, const void *s, size_t n);
void *nl_memset(void *d, int c, size_t n);
int nl_memcmp(const void *a, const void *b, size_t n);
void *nl_memchr(const void *s, int c, size_t n);
size_t nl_strlen(const char *s);
size_t nl_strnlen(const char *s, size_t n);
int nl_strcmp(const char *a, const char *b);
int nl_strncmp(const char *a, const char *b, size_t n);

#define BUF	8192
#define GUARD	64

static uint8_t src[BUF], dst[BUF], ref[BUF];

static const size_t lens[] = {
	0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
	127, 128, 129, 255, 256, 257, 300, 511, 1024, 1031, 4096, 4099,
};
#define NLENS	(sizeof(lens) / sizeof(lens[0]))

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void case_memcpy(struct tc *t)
{
	size_t sa, da, i;

	tc_fill(src, BUF, 7);
	for (sa = 0; sa < 16; sa++) {
		for (da = 0; da < 16; da++) {
			for (i = 0; i < NLENS; i++) {
				size_t n = lens[i];
				void *r;

				memset(dst, 0xa5, BUF);
				memset(ref, 0xa5, BUF);
				r = nl_memcpy(dst + GUARD + da, src + sa, n);
				memcpy(ref + GUARD + da, src + sa, n);
				TC_CHECK(t, r == dst + GUARD + da,
					 "memcpy return value, len %zu", n);
				if (!TC_CHECK_MEM(t, dst, ref, BUF,
						  "memcpy (with guards), len", n)) {
					return;
				}
			}
		}
	}
}

static void case_memmove(struct tc *t)
{
	long shift;
	size_t i, a;

	/* overlapping both ways, at every small shift and alignment */
	for (shift = -17; shift <= 17; shift++) {
		for (a = 0; a < 8; a++) {
			for (i = 0; i < NLENS; i++) {
				size_t n = lens[i];
				uint8_t *s = dst + 1024 + a, *d = s + shift;
				void *r;

				tc_fill(dst, BUF, 9);
				memcpy(ref, dst, BUF);
				r = nl_memmove(d, s, n);
				memmove(ref + (d - dst), ref + (s - dst), n);
				TC_CHECK(t, r == d, "memmove return value");
				if (!TC_CHECK_MEM(t, dst, ref, BUF,
						  "memmove, len", n)) {
					fprintf(stderr, "       shift %ld align %zu\n",
						shift, a);
					return;
				}
			}
		}
	}
}

static void case_memset(struct tc *t)
{
	static const int vals[] = { 0, 0x5a, 0xff, 0x1234 /* only 0x34 */ };
	size_t da, i, v;

	for (v = 0; v < 4; v++) {
		for (da = 0; da < 16; da++) {
			for (i = 0; i < NLENS; i++) {
				size_t n = lens[i];
				void *r;

				memset(dst, 0xa5, BUF);
				memset(ref, 0xa5, BUF);
				r = nl_memset(dst + GUARD + da, vals[v], n);
				memset(ref + GUARD + da, vals[v], n);
				TC_CHECK(t, r == dst + GUARD + da,
					 "memset return value");
				if (!TC_CHECK_MEM(t, dst, ref, BUF,
						  "memset, len", n)) {
					return;
				}
			}
		}
	}
}

static void case_memcmp(struct tc *t)
{
	size_t sa, da, i, at;

	tc_fill(src, BUF, 11);
	for (sa = 0; sa < 8; sa++) {
		for (da = 0; da < 8; da++) {
			for (i = 0; i < NLENS; i++) {
				size_t n = lens[i];
				uint8_t *a = src + sa, *b = dst + da;

				memcpy(b, a, n);
				TC_CHECK(t, nl_memcmp(a, b, n) == 0,
					 "memcmp equal, len %zu", n);
				/* a difference at the start, middle and end */
				for (at = 0; n && at < n; at += (n + 2) / 3) {
					uint8_t save = b[at];

					b[at] = (uint8_t)(a[at] + 0x80);
					TC_CHECK(t, sign(nl_memcmp(a, b, n)) ==
						    sign(memcmp(a, b, n)),
						 "memcmp sign, len %zu at %zu", n, at);
					b[at] = save;
				}
			}
		}
	}
}

static void case_memchr(struct tc *t)
{
	size_t sa, i, at;

	for (sa = 0; sa < 16; sa++) {
		for (i = 0; i < NLENS; i++) {
			size_t n = lens[i];
			uint8_t *s = src + sa;

			memset(src, 'x', BUF);
			TC_CHECK(t, nl_memchr(s, 'y', n) == NULL,
				 "memchr absent, len %zu", n);
			for (at = 0; n && at < n; at += (n + 3) / 4) {
				s[at] = 'y';
				TC_CHECK(t, nl_memchr(s, 'y', n) == s + at,
					 "memchr at %zu, len %zu", at, n);
				s[at] = 'x';
			}
		}
	}
}

static void case_strings(struct tc *t)
{
	char *a = (char *)src, *b = (char *)dst;
	size_t sa, i;

	for (sa = 0; sa < 16; sa++) {
		for (i = 0; i < NLENS; i++) {
			size_t n = lens[i], db = (sa * 7) % 16;
			char *s = a + sa, *u = b + db;

			memset(src, 'q', BUF);
			s[n] = '\0';
			memcpy(u, s, n + 1);
			TC_CHECK(t, nl_strlen(s) == n, "strlen %zu", n);
			TC_CHECK(t, nl_strnlen(s, n / 2) == n / 2,
				 "strnlen limit, len %zu", n);
			TC_CHECK(t, nl_strnlen(s, n + 5) == n,
				 "strnlen, len %zu", n);
			TC_CHECK(t, nl_strcmp(s, u) == 0, "strcmp equal %zu", n);
			TC_CHECK(t, nl_strncmp(s, u, n + 3) == 0,
				 "strncmp equal %zu", n);
			if (n) {
				u[n - 1] = 'r';
				TC_CHECK(t, sign(nl_strcmp(s, u)) ==
					    sign(strcmp(s, u)),
					 "strcmp last char, len %zu", n);
				TC_CHECK(t, nl_strncmp(s, u, n - 1) == 0,
					 "strncmp stops before diff, len %zu", n);
				TC_CHECK(t, sign(nl_strncmp(s, u, n)) ==
					    sign(strncmp(s, u, n)),
					 "strncmp sees diff, len %zu", n);
				/* a high byte must compare as unsigned char */
				u[n - 1] = (char)0xe0;
				TC_CHECK(t, sign(nl_strcmp(s, u)) ==
					    sign(strcmp(s, u)),
					 "strcmp unsigned, len %zu", n);
			}
		}
	}
}

const struct tc_case tc_cases[] = {
	{ "newlib_memcpy", case_memcpy },
	{ "newlib_memmove", case_memmove },
	{ "newlib_memset", case_memset },
	{ "newlib_memcmp", case_memcmp },
	{ "newlib_memchr", case_memchr },
	{ "newlib_strlen_strcmp", case_strings },
};
const size_t tc_ncases = sizeof(tc_cases) / sizeof(tc_cases[0]);
