/* SPDX-License-Identifier: MIT */
/*
 * Force-included into every target (stub) translation unit: every symbol,
 * declared or defined, binds locally, so position-independent code reaches
 * it PC-relatively instead of through the GOT.  -fvisibility=hidden alone
 * covers only definitions.
 */
#ifndef __ASSEMBLY__
#pragma GCC visibility push(hidden)

/*
 * The routines the compiler may call on its own (struct copies, zeroing):
 * declared here, under the pragma, so even an implicit call binds locally.
 */
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif /* !__ASSEMBLY__ */
