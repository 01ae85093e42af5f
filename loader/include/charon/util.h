/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library and the CLI. */
#ifndef CHARON_UTIL_H
#define CHARON_UTIL_H

#include <stddef.h>

size_t charon_strscpy(char *dst, const char *src, size_t size);
void charon_printable(char *dst, size_t size, const void *src, size_t n);

#endif /* CHARON_UTIL_H */
