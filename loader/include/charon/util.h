/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library and the CLI. */
#ifndef CHARON_UTIL_H
#define CHARON_UTIL_H

#include <stddef.h>
#include <stdint.h>

size_t charon_strscpy(char *dst, const char *src, size_t size);
void charon_printable(char *dst, size_t size, const void *src, size_t n);
int charon_parse_u64(const char *s, uint64_t *v);

#endif /* CHARON_UTIL_H */
