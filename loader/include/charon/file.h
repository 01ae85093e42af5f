/* SPDX-License-Identifier: MIT */
/* Whole-file I/O with size limits and error values. */
#ifndef CHARON_FILE_H
#define CHARON_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

/* default limit for charon_read_file(): no segment we load is larger */
#define CHARON_FILE_MAX		((size_t)1 << 30)

const char *charon_file_kind(unsigned int mode);
int charon_read_file(const char *path, size_t max, uint8_t **data,
		     size_t *len, struct charon_err *err);
int charon_read_input(const char *what, const char *path, size_t max,
		      uint8_t **data, size_t *len, struct charon_err *err);
int charon_mkdir_p(const char *what, const char *path,
		   struct charon_err *err);
int charon_write_file(const char *path, const void *data, size_t len,
		      struct charon_err *err);

#endif /* CHARON_FILE_H */
