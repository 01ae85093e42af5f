/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library and the CLI. */
#ifndef CHARON_UTIL_H
#define CHARON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @x rounded up to a multiple of @a, a power of two; @x must not wrap */
static inline uint64_t charon_round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* do [@a, @a + @an) and [@b, @b + @bn) share a byte?  Neither may wrap. */
static inline bool charon_overlaps(uint64_t a, uint64_t an, uint64_t b,
				   uint64_t bn)
{
	return a < b + bn && b < a + an;
}

size_t charon_strscpy(char *dst, const char *src, size_t size);
void charon_printable(char *dst, size_t size, const void *src, size_t n);
int charon_parse_u64(const char *s, uint64_t *v);

struct charon_err;
int charon_join(char *buf, size_t len, const char *dir, const char *name,
		struct charon_err *err);
int charon_beside_exe(const char *rel, char *buf, size_t len);
const char *charon_env_or_beside(const char *var, const char *rel, char *buf,
				 size_t len);

#endif /* CHARON_UTIL_H */
