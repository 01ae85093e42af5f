/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets (tests/fuzz/fuzz-*.c): a cursor over the
 * input's first bytes, which pick a parser's parameters where it takes
 * more than a buffer, and a warning handler that keeps the runs quiet.
 * Each target defines LLVMFuzzerTestOneInput(); libFuzzer drives it, and
 * tests/fuzz/replay.c runs it on files (make check).
 */
#ifndef CHARON_FUZZ_H
#define CHARON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <charon/err.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* the next @bytes bytes as a little-endian number (0 past the end) */
static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		if (in->n) {
			v |= (uint64_t)in->p[0] << (8 * i);
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* the rest as a malloc'd copy (the loader reads files into malloc'd,
 * hence aligned, buffers; libfdt insists on that), at least 1 byte */
static inline uint8_t *fuzz_copy(const struct fuzz_in *in)
{
	uint8_t *b = malloc(in->n ? in->n : 1);

	if (b && in->n) {
		memcpy(b, in->p, in->n);
	}
	return b;
}

/* ... and NUL-terminated, for the text parsers */
static inline char *fuzz_text(const uint8_t *p, size_t n)
{
	char *t = malloc(n + 1);

	if (t) {
		memcpy(t, p, n);
		t[n] = '\0';
	}
	return t;
}

static void fuzz_no_warn(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

static inline void fuzz_quiet(void)
{
	charon_set_warn_handler(fuzz_no_warn, NULL);
}

#endif /* CHARON_FUZZ_H */
