/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library and the CLI. */
#ifndef CHARON_UTIL_H
#define CHARON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest kernel footprint (file plus bss) a parser accepts: Linux's
 * x86_64 KERNEL_IMAGE_SIZE is 1 GiB, and no arm64 or ppc64 kernel comes
 * near it.  A header asking for more is damaged, and is refused by name at
 * parse time, not as "no room" in the layout.
 */
#define CHARON_MAX_KERNEL_FOOTPRINT	((uint64_t)1 << 30)

/* @x rounded up to a multiple of @a, a power of two; @x must not wrap */
static inline uint64_t charon_round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/*
 * charon_round_up_ok() - @start + @size rounded up to @a, in *@end; false
 * when that passes 2^64.
 */
static inline bool charon_round_up_ok(uint64_t start, uint64_t size,
				      uint64_t a, uint64_t *end)
{
	uint64_t e;

	if (__builtin_add_overflow(start, size, &e) ||
	    __builtin_add_overflow(e, a - 1, &e)) {
		return false;
	}
	*end = e & ~(a - 1);
	return true;
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
