/* SPDX-License-Identifier: MIT */
/* gzip-compressed kernels, inflated with zlib into a bounded buffer. */
#ifndef CHARON_GZIP_H
#define CHARON_GZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

/* largest inflated kernel we accept */
#define CHARON_GUNZIP_MAX	((size_t)256 << 20)

bool charon_is_gzip(const uint8_t *p, size_t len);
int charon_gunzip(const char *name, const uint8_t *in, size_t in_len,
		  size_t max, uint8_t **out, size_t *out_len,
		  struct charon_err *err);

#endif /* CHARON_GZIP_H */
